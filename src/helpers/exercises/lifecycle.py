"""Lifecycle exercise: stages, the loyalty ladder and RFM segments of a handful of customers.

Every right answer is computed here from the task's inputs with :mod:`helpers.lifecycle`.

Examples
--------
>>> EXERCISE.check("q1", {"ann": "new"}).status
'wrong'
>>> len(EXERCISE.tasks)
10
"""

from __future__ import annotations

import pandas as pd

from helpers import frameworks, lifecycle
from helpers.exercises.core import Exercise, Task, salted_hash

__all__ = ["EXERCISE", "check", "inputs", "question", "TRANSACTIONS", "OBSERVATION_END", "WINDOWS"]

OBSERVATION_END = "2025-06-30"
WINDOWS = {"new_window": 60, "active_window": 60, "lapse_window": 180}
_ORDERS = {  # customer: purchase dates
    "ann": ["2025-06-10"],
    "ben": ["2024-11-02", "2025-01-15", "2025-03-20", "2025-06-01"],
    "cem": ["2024-09-01", "2025-02-20"],
    "dia": ["2023-05-01", "2023-08-12"],
    "eva": ["2024-01-10", "2025-06-15"],
    "fay": ["2024-02-01", "2024-05-01", "2024-12-20"],
}
_AMOUNT = {"ann": 40.0, "ben": 55.0, "cem": 30.0, "dia": 25.0, "eva": 80.0, "fay": 20.0}
TRANSACTIONS = pd.DataFrame(
    [{"customer_id": c, "order_date": pd.Timestamp(d), "amount": _AMOUNT[c]} for c, ds in _ORDERS.items()
     for d in ds])
SURVEY = pd.DataFrame({"customer_id": ["ben", "cem"], "score": pd.array([10, 9], dtype="Int64"),
                       "response_date": pd.to_datetime(["2025-06-05", "2025-03-01"])})
RFM_CELLS = {"x1": (5, 5, 5), "x2": (1, 1, 1), "x3": (5, 1, 2), "x4": (2, 5, 5), "x5": (3, 3, 3)}


def _stages(windows=None):
    st = lifecycle.lifecycle_stage(TRANSACTIONS, OBSERVATION_END, thresholds=windows or WINDOWS)
    return st["stage"].astype(str).to_dict()


def _ladder():
    lad = lifecycle.loyalty_ladder(TRANSACTIONS, OBSERVATION_END, survey=SURVEY, thresholds=WINDOWS)
    return lad["rung"].astype(str).to_dict()


def _rfm():
    scores = pd.DataFrame(RFM_CELLS, index=["R", "F", "M"]).T.rename_axis("customer_id")
    return lifecycle.rfm_segments(scores)["segment"].astype(str).to_dict()


def _summary():
    return lifecycle.rfm_summary(TRANSACTIONS, OBSERVATION_END)


def _segment_action(name):
    return next(s["actions"] for s in frameworks.RFM_SEGMENTS if s["name"] == name)


_ACTIONS_Q = {"A": _segment_action("Champions"), "B": _segment_action("Can't Lose Them"),
              "C": _segment_action("Hibernating")}

_STAGES = "02_lifecycle, Concept: the stage rules, first that applies (glossary: lifecycle stages)."
TASKS = [
    Task("q1", f"The purchases of `ex.inputs('q1')`, as of {OBSERVATION_END}, with the windows of "
         f"`ex.inputs('windows')`: the lifecycle stage of each customer (a dict customer -> stage).",
         "labels", _STAGES, expected=_stages, inputs=lambda: TRANSACTIONS.copy(),
         choices=lifecycle.STAGES),
    Task("q2", "How many repeat purchase days (frequency: purchase days minus the first) has ben?",
         "number", "02_lifecycle, RFM: frequency counts the purchase days after the first one.",
         expected=lambda: float(_summary().loc["ben", "frequency"]), inputs=lambda: TRANSACTIONS.copy(),
         unit="days"),
    Task("q3", f"How many days before {OBSERVATION_END} did fay last buy (recency)?", "number",
         "02_lifecycle, RFM: R is scored on the days from the last purchase to the observation end "
         "(count the days of each month).",
         expected=lambda: float(_summary().eval("T - recency")["fay"]), inputs=lambda: TRANSACTIONS.copy(),
         unit="days"),
    Task("q4", "The loyalty-ladder rung of each customer (the survey of `ex.inputs('survey')` counts: a "
         "promoter answers 9 or 10); a dict customer -> rung.", "labels",
         "02_lifecycle, The loyalty ladder: a customer stands on the highest rung whose conditions hold; "
         "client needs three purchase days and an active customer, advocate two days, not lapsed and "
         "a promoter.", expected=_ladder, inputs=lambda: TRANSACTIONS.copy(),
         choices=[r["name"] for r in frameworks.LOYALTY_LADDER]),
    Task("q5", "The RFM segment of each score cell (R, F, M) of `ex.inputs('q5')`; a dict id -> segment.",
         "labels", "02_lifecycle, RFM: the table of which segment each R x F cell belongs to.",
         expected=_rfm, inputs=lambda: dict(RFM_CELLS),
         choices=[s["name"] for s in frameworks.RFM_SEGMENTS]),
    Task("q6", "Which action (A, B or C of `ex.inputs('q6')`) fits a customer in Can't Lose Them?", "label",
         "02_lifecycle, Act (per RFM segment) or the glossary's RFM segments, 'What to do'.",
         expected=lambda: next(k for k, v in _ACTIONS_Q.items() if v == _segment_action("Can't Lose Them")),
         inputs=lambda: dict(_ACTIONS_Q), choices=tuple(_ACTIONS_Q)),
    Task("q7", "Change a parameter: with a lapse window of 120 days instead of 180 (other windows as "
         "before), how many of the six customers are lapsed?", "number",
         "02_lifecycle, Concept: a customer is lapsed when the last purchase is more than the lapse "
         "window ago; count again with the new window.",
         expected=lambda: float(sum(s == "lapsed" for s in _stages({**WINDOWS, "lapse_window": 120}).values())),
         inputs=lambda: TRANSACTIONS.copy(), unit="customers"),
    Task("q8", "eva bought in January 2024 and again in June 2025. Which stage is she in, and is it the "
         "same as a first purchase in June 2025 would give? Answer her stage.", "label",
         "02_lifecycle, Concept: reactivated = bought within the new window after a gap longer than "
         "the lapse window.", expected=lambda: _stages()["eva"], inputs=lambda: TRANSACTIONS.copy(),
         choices=lifecycle.STAGES),
    Task("q9", "Which lifecycle phase does transaction data not see at all? (one of the six phases)",
         "hashed", "02_lifecycle, Concept: the six phases and what transaction data can see of each.",
         answer_hash=salted_hash("discovery", "q9"),
         choices=[p["name"] for p in frameworks.LIFECYCLE_PHASES]),
    Task("q10", "An at-risk customer with a high predicted value: which stage action applies? Answer the "
         "stage whose action you would read in the glossary.", "hashed",
         "02_lifecycle, Act: what to do per stage; the customer is at risk, not lapsed.",
         answer_hash=salted_hash("at risk", "q10"), choices=lifecycle.STAGES),
]

EXERCISE = Exercise("lifecycle", TASKS)
check, question = EXERCISE.check, EXERCISE.question


def inputs(key: str):
    """The inputs of a task, plus ``"windows"`` (the stage windows in days) and ``"survey"`` (the NPS
    answers the ladder reads).

    Examples
    --------
    >>> inputs("windows")["lapse_window"]
    180
    """
    if key == "windows":
        return dict(WINDOWS)
    if key == "survey":
        return SURVEY.copy()
    return EXERCISE.inputs(key)
