"""NPS exercise: classify answers, compute the NPS and its interval, judge a segment difference.

Every right answer is computed here from the task's inputs with :mod:`helpers.nps`.

Examples
--------
>>> EXERCISE.check("q2", 99.0).status
'wrong'
>>> len(EXERCISE.tasks)
10
"""

from __future__ import annotations

import pandas as pd

from helpers import nps
from helpers.exercises.core import Exercise, Task, salted_hash

__all__ = ["EXERCISE", "check", "inputs", "question", "scores_from_counts"]

SCORES = [10, 9, 8, 7, 6, 0, 9, 3, 10, 7, 5, 9]
COUNTS = {"promoters": 50, "passives": 40, "detractors": 30}
SEGMENTS = {"north": {"promoters": 50, "passives": 40, "detractors": 30},
            "south": {"promoters": 35, "passives": 40, "detractors": 45}}
SMALL_GAP = {"this year": {"promoters": 46, "passives": 30, "detractors": 24},
             "last year": {"promoters": 40, "passives": 34, "detractors": 26}}
PLAN = {"margin": 5, "promoter": 0.40, "detractor": 0.25}


def scores_from_counts(counts: dict) -> pd.Series:
    """Scores that reproduce class counts (10 for a promoter, 8 for a passive, 3 for a detractor).

    Examples
    --------
    >>> scores_from_counts({"promoters": 2, "passives": 1, "detractors": 1}).tolist()
    [10, 10, 8, 3]
    """
    return pd.Series([10] * counts["promoters"] + [8] * counts["passives"] + [3] * counts["detractors"],
                     dtype="Int64")


def _counts_interval(c, **kw):
    return nps.nps_interval_from_counts(c["promoters"], c["passives"], c["detractors"], **kw).iloc[0]


def _diff(pair):
    a, b = (scores_from_counts(c) for c in pair.values())
    return nps.compare(a, b)


_WHERE = "01_nps, Concept"
TASKS = [
    Task("q1", "Classify each answer of `ex.inputs('q1')` (scores 0-10) as promoter, passive or detractor; "
         "answer a list of names in the same order.", "labels",
         f"{_WHERE}: the three classes and their score ranges (glossary: NPS classes).",
         expected=lambda: nps.classify(pd.Series(SCORES, dtype="Int64")).astype(str).tolist(),
         inputs=lambda: list(SCORES), choices=nps.CLASSES),
    Task("q2", "The NPS of the same answers, in points (-100 to 100).", "number",
         f"{_WHERE}: NPS = 100 x (share of promoters - share of detractors); passives count in the "
         "total but not in the difference.",
         expected=lambda: float(nps.nps_summary(pd.Series(SCORES, dtype="Int64"))["nps"]),
         inputs=lambda: list(SCORES), tol=0.1, unit="points"),
    Task("q3", "A survey with the class counts of `ex.inputs('q3')`: its NPS in points.", "number",
         f"{_WHERE}: divide by all answers, passives included.",
         expected=lambda: float(_counts_interval(COUNTS)["nps"]), inputs=lambda: dict(COUNTS), tol=0.1,
         unit="points"),
    Task("q4", "Its standard error in points: sqrt((p_P + p_D - (p_P - p_D)^2) / n) x 100.", "number",
         f"{_WHERE}, the paragraph on the trinomial variance (Rocks, 2016); shares are of all answers.",
         expected=lambda: float(_counts_interval(COUNTS, method="wald")["se"]), inputs=lambda: dict(COUNTS),
         tol=0.1, unit="points"),
    Task("q5", "Its 95% Wald interval, (low, high) in points: NPS -/+ 1.96 x SE.", "interval",
         f"{_WHERE}: the Wald interval is the NPS plus and minus 1.96 standard errors.",
         expected=lambda: tuple(float(_counts_interval(COUNTS, method="wald")[c]) for c in ("ci_low", "ci_high")),
         inputs=lambda: dict(COUNTS), tol=0.2, unit="points"),
    Task("q6", "With 90% confidence instead of 95%, is the Wald interval of q5 wider? (True/False)", "bool",
         f"{_WHERE}: the multiplier 1.96 belongs to 95%; a lower confidence level needs a smaller one.",
         expected=lambda: (_counts_interval(COUNTS, method="wald", alpha=0.10)["ci_high"]
                           > _counts_interval(COUNTS, method="wald")["ci_high"]),
         inputs=lambda: dict(COUNTS)),
    Task("q7", "Segments north and south (`ex.inputs('q7')`): is the difference of their NPS real at the "
         "5% level? (True/False)", "bool",
         "01_nps, Compute: each segment against the rest, the p-value of the difference (below 0.05 = "
         "real at the 5% level).",
         expected=lambda: bool(_diff(SEGMENTS)["p_value"] < 0.05), inputs=lambda: SEGMENTS),
    Task("q8", "This year against last year (`ex.inputs('q8')`): the NPS went up by 8 points. Is the change "
         "real at the 5% level? (True/False)", "bool",
         "01_nps, Year on year: a difference is real only when its interval leaves out 0; with 100 "
         "answers a year the interval of a difference is about +/- 25 points.",
         expected=lambda: bool(_diff(SMALL_GAP)["p_value"] < 0.05), inputs=lambda: SMALL_GAP),
    Task("q9", "How many answers does the next survey need for a 95% interval of +/- 5 points, when you "
         "expect the shares of `ex.inputs('q9')`? (Adjusted Wald interval: n = 1.96^2 x Var / E^2 - 3.)", "number",
         "01_nps, the sample-size section: for the adjusted Wald interval n = 1.96^2 x variance / margin^2 - 3 (margin as a share), rounded up; the variance "
         "comes from the expected shares.",
         expected=lambda: float(nps.sample_size(PLAN["margin"], {"promoter": PLAN["promoter"],
                                                                   "detractor": PLAN["detractor"]})),
         inputs=lambda: dict(PLAN), tol=1, unit="answers"),
    Task("q10", "Which class do you ask for a referral or a review? (promoter, passive or detractor)",
         "hashed", "01_nps, Act, and the NPS classes in the glossary (what to do with each).",
         answer_hash=salted_hash("promoter", "q10"), choices=nps.CLASSES),
]

EXERCISE = Exercise("nps", TASKS)
check, inputs, question = EXERCISE.check, EXERCISE.inputs, EXERCISE.question
