"""Customer-actions exercise: the playbook's action for a customer, buyer types, service personas and
the relationship type an action uses.

Right answers about the playbook and buyer types are computed here with :mod:`helpers.actions` from
the task's inputs; recognising a persona is judgement, stored as salted hashes.

Examples
--------
>>> EXERCISE.check("q1", {"p1": "standard"}).status
'wrong'
>>> len(EXERCISE.tasks)
10
"""

from __future__ import annotations

import pandas as pd

from helpers import frameworks
from helpers.actions.playbook import apply_playbook, load_playbook
from helpers.actions.rules import match_rules
from helpers.exercises.core import Exercise, Task, salted_hash

__all__ = ["EXERCISE", "check", "inputs", "question", "FACTS", "BUYERS"]

_IDX = pd.Index(["p1", "p2", "p3", "p4", "p5"], name="customer_id")
#: The facts of five customers, as 04_customer_actions joins them.
FACTS = pd.DataFrame({
    "nps_class": ["detractor", "detractor", "promoter", None, None],
    "fresh_answer": [True, False, True, False, False],
    "relationship_group": ["True Friends", "True Friends", "Barnacles", "Butterflies", "Strangers"],
    "lifecycle_stage": ["active", "active", "active", "new", "lapsed"],
    "ladder_step": ["client", "client", "repeat customer", "first-time customer", "repeat customer"],
    "rfm_segment": ["Champions", "Champions", "Loyal Customers", "New Customers", "Hibernating"],
    "buyer_type": ["relationship buyer", "relationship buyer", "value buyer", "price buyer", "value buyer"],
    "value_level": ["high", "high", "low", "high", "low"],
    "clears_winback": [True, True, False, True, False],
    "borderline": [False, False, False, False, False],
}, index=_IDX)
#: How four customers buy: share of orders on discount, spend percentile among buyers, orders.
BUYERS = pd.DataFrame({"discount_share": [0.8, 0.6, 0.1, 0.3], "spend_pct": [0.9, 0.2, 0.5, 0.6],
                       "n_orders": [6, 3, 5, 2]}, index=pd.Index(["b1", "b2", "b3", "b4"], name="customer_id"))

_RULES = load_playbook()


def _primary():
    return apply_playbook(FACTS, _RULES)


def _buyer_types():
    m = match_rules(BUYERS, frameworks.BUYER_TYPE_RULES, key="buyer_type", priority="precedence")
    return m.idxmax(axis=1).to_dict()


def _persona_action(name):
    return next(p["actions"] for p in frameworks.SERVICE_PERSONAS if p["name"] == name)


_PERSONA_ACTIONS = {k: _persona_action(n) for k, n in zip("ABCD", ["indecisive", "skeptic", "impatient",
                                                                  "analytical thinker"])}
_PERSONAS = [p["name"] for p in frameworks.SERVICE_PERSONAS]
_RULE_IDS = [r["id"] for r in _RULES]
_PLAYBOOK = ("04_customer_actions, Change the playbook: the rule table; every customer gets the matching "
             "rule with the lowest priority number (ties: the rule listed first).")
_PERSONA = "04_customer_actions, Concept: service personas, and the glossary's Service personas."
TASKS = [
    Task("q1", "The five customers of `ex.inputs('q1')` (their facts): the primary playbook rule of each "
         "(a dict customer -> rule id; `ex.inputs('rules')` lists the rules).", "labels", _PLAYBOOK,
         expected=lambda: _primary()["rule"].to_dict(), inputs=lambda: FACTS.copy(), choices=_RULE_IDS),
    Task("q2", "p1 and p2 differ only in fresh_answer. Why do they get different rules? A: p2 is worth "
         "less; B: p2's detractor answer is older than the freshness window, so the 48-hour rules do not "
         "apply; C: p2 is not a True Friend.", "hashed",
         "04_customer_actions, the playbook comments on fresh_answer (actions.freshness_days).",
         answer_hash=salted_hash("B", "q2"), choices=("A", "B", "C")),
    Task("q3", "Which team owns p1's primary action?", "label", _PLAYBOOK + " The owner column.",
         expected=lambda: _primary().loc["p1", "owner"], inputs=lambda: FACTS.copy(),
         choices=tuple(sorted({r["owner"] for r in _RULES}))),
    Task("q4", "How many rules match p3 in all (the primary one included)?", "number",
         _PLAYBOOK + " The matched column lists every rule whose conditions hold.",
         expected=lambda: float(len(_primary().loc["p3", "matched"].split(";"))),
         inputs=lambda: FACTS.copy(), unit="rules"),
    Task("q5", "The buyer type of each customer of `ex.inputs('q5')` (a dict customer -> buyer type).",
         "labels", "04_customer_actions, Concept: buyer types and the rules that infer them (the first "
         "rule that holds wins).", expected=_buyer_types, inputs=lambda: BUYERS.copy(),
         choices=[b["name"] for b in frameworks.BUYER_TYPES]),
    Task("q6", "On the phone: 'Can you send me the specifications of both plans side by side? I will "
         "decide after I have read them.' Which service persona?", "hashed", _PERSONA,
         answer_hash=salted_hash("analytical thinker", "q6"), choices=_PERSONAS),
    Task("q7", "'Last time you promised a refund in a week and it took a month. Why should I believe "
         "you now?' Which service persona?", "hashed", _PERSONA,
         answer_hash=salted_hash("skeptic", "q7"), choices=_PERSONAS),
    Task("q8", "'I don't know... the blue one, or maybe the grey? What if it doesn't fit?' Which service "
         "persona?", "hashed", _PERSONA, answer_hash=salted_hash("indecisive", "q8"), choices=_PERSONAS),
    Task("q9", "For the customer of q7, which way of handling (A-D of `ex.inputs('q9')`) fits?", "label",
         _PERSONA + " What each persona requires.",
         expected=lambda: next(k for k, v in _PERSONA_ACTIONS.items() if v == _persona_action("skeptic")),
         inputs=lambda: dict(_PERSONA_ACTIONS), choices=tuple(_PERSONA_ACTIONS)),
    Task("q10", "A senior call within 48 hours to a True Friend who is a detractor: which type of "
         "customer relationship does that action use?", "hashed",
         "04_customer_actions, Concept: the relationship types of the Business Model Canvas name the "
         "channel an action uses.", answer_hash=salted_hash("personal assistance", "q10"),
         choices=[t["name"] for t in frameworks.RELATIONSHIP_TYPES]),
]

EXERCISE = Exercise("actions", TASKS)
check, question = EXERCISE.check, EXERCISE.question


def inputs(key: str):
    """The inputs of a task, plus ``"rules"`` (the playbook's rules as a table) for every task.

    Examples
    --------
    >>> "when" in inputs("rules").columns
    True
    """
    if key == "rules":
        return pd.DataFrame(_RULES)[["id", "priority", "when", "action", "owner"]]
    return EXERCISE.inputs(key)
