"""Solutions of exercises/nps.ipynb, worked by hand (plain Python, no helpers): ANSWERS are right,
WRONG are typical mistakes. The tests put each into the notebook and run it."""

from math import sqrt

scores = [10, 9, 8, 7, 6, 0, 9, 3, 10, 7, 5, 9]
classes = ["promoter" if s >= 9 else "passive" if s >= 7 else "detractor" for s in scores]
n_p, n_d = classes.count("promoter"), classes.count("detractor")
p, d, n = 50 / 120, 30 / 120, 120
se = sqrt((p + d - (p - d) ** 2) / n) * 100
var_plan = 0.40 + 0.25 - (0.40 - 0.25) ** 2

ANSWERS = {
    "q1": classes,
    "q2": 100 * (n_p - n_d) / len(scores),                       # 5 promoters, 4 detractors of 12
    "q3": 100 * (p - d),
    "q4": se,
    "q5": (100 * (p - d) - 1.96 * se, 100 * (p - d) + 1.96 * se),
    "q6": False,                                                  # 1.645 < 1.96: narrower
    "q7": True,    # north 16.7, south -8.3: difference 25 points, SE about 10.2, z about 2.4
    "q8": False,   # 22 against 14: difference 8 points, SE about 12.6, z about 0.6
    "q9": 1.96 ** 2 * var_plan / 0.05 ** 2 - 3,                   # 961.2 -> 962 answers
    "q10": "promoter",
}
WRONG = {
    "q1": ["promoter"] * 3 + ["detractor"] * 9,                   # 7-8 read as detractors
    "q2": 100 * n_p / len(scores),                                # forgot to subtract detractors
    "q3": 100 * (50 - 30) / 80,                                   # passives left out of the total
    "q4": sqrt(p * (1 - p) / n) * 100,                            # the promoters' share only
    "q5": (100 * (p - d) - se, 100 * (p - d) + se),               # one SE instead of 1.96
    "q6": True,
    "q7": False,
    "q8": True,
    "q9": 500,
    "q10": "passive",
}
