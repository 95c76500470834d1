"""Relationship-groups exercise: what P(alive) means, expected purchases, groups and strategies.

Right answers are computed here from the task's inputs with :mod:`helpers.clv` (the BG/NBD with the
published CDNOW parameters of Fader, Hardie & Lee, 2005) and :mod:`helpers.relationship`.

Examples
--------
>>> EXERCISE.check("q1", 0.99).status
'wrong'
>>> len(EXERCISE.tasks)
10
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from helpers import frameworks, relationship
from helpers.clv.bgnbd import BGNBD
from helpers.exercises.core import Exercise, Task, salted_hash

__all__ = ["EXERCISE", "check", "inputs", "question", "PARAMS", "CUSTOMERS", "BOOK"]

#: BG/NBD parameters of the CDNOW sample, per week (Fader, Hardie & Lee, 2005, p. 281).
PARAMS = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
#: Weeks: x repeat purchases, the last at tx weeks after the first, observed for T weeks.
CUSTOMERS = pd.DataFrame({"x": [2, 0, 8, 2, 8], "tx": [30.0, 0.0, 35.0, 5.0, 10.0], "T": 38.0},
                         index=pd.Index(["kim", "lou", "max", "nia", "oli"], name="customer_id"))
#: Profit per order and projected duration (weeks) of eight customers, for the groups.
BOOK = pd.DataFrame({"profit": [12.0, 40.0, 8.0, 55.0, 30.0, 9.0, 60.0, 22.0],
                     "duration": [80.0, 20.0, 110.0, 95.0, 15.0, 12.0, 70.0, 60.0]},
                    index=pd.Index([f"c{i}" for i in range(1, 9)], name="customer_id"))


def _arr(col):
    return CUSTOMERS[col].to_numpy(float)


def _p_alive():
    p = np.array(list(PARAMS.values()))
    return pd.Series(BGNBD.p_alive(p, _arr("x"), _arr("tx"), _arr("T")), index=CUSTOMERS.index)


def _expected(t=39.0):
    p = np.array(list(PARAMS.values()))
    return pd.Series(BGNBD.conditional_expectation(p, _arr("x"), _arr("tx"), _arr("T"), t),
                     index=CUSTOMERS.index)


def _groups(**splits):
    with warnings.catch_warnings():  # eight customers: the split-line notes are not the lesson here
        warnings.simplefilter("ignore", UserWarning)
        g = relationship.assign_groups(BOOK, profit="profit", loyalty="duration", **splits)
    return g["group"].astype(str).to_dict()


def _strategy(name):
    return next(g["strategy"] for g in frameworks.RELATIONSHIP_GROUPS if g["name"] == name)


_STRATEGIES = {k: _strategy(g) for k, g in zip("ABCD", ["True Friends", "Barnacles", "Butterflies", "Strangers"])}
_PALIVE = ("03_relationship_groups, Concept: the lifetime model and P(alive), and the figure 'P(alive) "
           "by frequency and recency'.")
TASKS = [
    Task("q1", "With the BG/NBD parameters of `ex.inputs('params')`, the P(alive) of kim (`ex.inputs('q1')`: "
         "2 repeat purchases, the last at week 30, observed 38 weeks). A share 0..1.", "number",
         _PALIVE + " P(alive) = 1 / (1 + a/(b + x - 1) x ((alpha + T)/(alpha + tx))^(r + x)) for x > 0.",
         expected=lambda: float(_p_alive()["kim"]), inputs=lambda: CUSTOMERS.copy(), tol=0.01),
    Task("q2", "The P(alive) of lou, who never bought again after the first purchase.", "number",
         _PALIVE + " In the BG/NBD a customer can only drop out right after a repeat purchase.",
         expected=lambda: float(_p_alive()["lou"]), inputs=lambda: CUSTOMERS.copy(), tol=0.01),
    Task("q3", "Who is more likely to still be a customer: max (8 repeat purchases, last at week 35) or "
         "oli (8 repeat purchases, last at week 10)? Answer the name.", "label",
         _PALIVE + " A frequent buyer who has been silent for a long time has probably gone.",
         expected=lambda: "max" if _p_alive()["max"] > _p_alive()["oli"] else "oli",
         inputs=lambda: CUSTOMERS.copy(), choices=("max", "oli")),
    Task("q4", "kim's expected repeat purchases in the next 39 weeks.", "number",
         "03_relationship_groups, Model check on a holdout: the conditional expectation of purchases "
         "given the customer's history (Fader, Hardie & Lee, 2005, eq. 10).",
         expected=lambda: float(_expected()["kim"]), inputs=lambda: CUSTOMERS.copy(), tol=0.02,
         unit="purchases"),
    Task("q5", "What does P(alive) = 0.30 mean for a customer? A: 30% of the customer's orders are "
         "profitable; B: the probability, given their purchase history, that they have not dropped "
         "out yet; C: they will buy in 30% of the coming weeks.", "hashed", _PALIVE,
         answer_hash=salted_hash("B", "q5"), choices=("A", "B", "C")),
    Task("q6", "The eight customers of `ex.inputs('q6')` (profit per order, projected duration in weeks), "
         "split at the medians (a value on the line counts as high/long): the group of each "
         "(a dict customer -> group).", "labels",
         "03_relationship_groups, Concept: two axes, four groups; the median of eight values is halfway "
         "between the 4th and 5th.", expected=_groups, inputs=lambda: BOOK.copy(),
         choices=relationship.GROUPS),
    Task("q7", "Change a parameter: with the duration split at the 75th percentile instead of the "
         "median, how many of the eight are True Friends?", "number",
         "03_relationship_groups, the split lines (relationship: loyalty_split in the config); a "
         "higher line leaves fewer customers on the long side.",
         expected=lambda: float(sum(g == "True Friends" for g in _groups(loyalty_split="q0.75").values())),
         inputs=lambda: BOOK.copy(), unit="customers"),
    Task("q8", "Which strategy (A-D of `ex.inputs('q8')`) is the one for Barnacles?", "label",
         "03_relationship_groups, Act, or the glossary's relationship groups (Strategy).",
         expected=lambda: next(k for k, v in _STRATEGIES.items() if v == _strategy("Barnacles")),
         inputs=lambda: dict(_STRATEGIES), choices=tuple(_STRATEGIES)),
    Task("q9", "A customer buys often and for years but only at small margins. Which group?", "hashed",
         "03_relationship_groups, Concept: low profitability and a long relationship.",
         answer_hash=salted_hash("Barnacles", "q9"), choices=relationship.GROUPS),
    Task("q10", "A Butterfly: should you invest in a loyalty programme for them? (True/False)", "hashed",
         "The glossary's relationship groups: Butterflies are profitable but short-lived; milk them while "
         "they buy, do not invest in keeping them.", answer_hash=salted_hash("False", "q10"),
         choices=("True", "False")),
]

EXERCISE = Exercise("relationship", TASKS)
check, question = EXERCISE.check, EXERCISE.question


def inputs(key: str):
    """The inputs of a task, plus ``"params"`` (the BG/NBD parameters) for every task.

    Examples
    --------
    >>> inputs("params")["r"]
    0.243
    """
    return dict(PARAMS) if key == "params" else EXERCISE.inputs(key)
