"""Solutions of exercises/relationship.ipynb, worked by hand with the BG/NBD formulas of Fader, Hardie
& Lee (2005) and the CDNOW parameters (r 0.243, alpha 4.414, a 0.793, b 2.426, weeks)."""

from math import gamma as G
from statistics import median

r, alpha, a, b = 0.243, 4.414, 0.793, 2.426


def p_alive(x, tx, T):
    if x == 0:
        return 1.0
    return 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x))


def hyp2f1(a1, b1, c1, z, terms=400):
    s, term = 1.0, 1.0
    for k in range(terms):
        term *= (a1 + k) * (b1 + k) / ((c1 + k) * (k + 1)) * z
        s += term
    return s


def expected(t, x, tx, T):                                       # eq. (10) of the paper
    z = t / (alpha + T + t)
    head = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x)
                                        * hyp2f1(r + x, b + x, a + b + x - 1, z))
    return head / (1 + (x > 0) * a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x))


profit = [12, 40, 8, 55, 30, 9, 60, 22]
duration = [80, 20, 110, 95, 15, 12, 70, 60]
pm, dm = median(profit), median(duration)                         # 26 and 65
groups = {f"c{i + 1}": {(False, False): "Strangers", (True, False): "Butterflies",
                        (False, True): "Barnacles", (True, True): "True Friends"}[(p >= pm, d >= dm)]
          for i, (p, d) in enumerate(zip(profit, duration))}
assert G(1) == 1  # (math imported for readers who extend the formulas)

ANSWERS = {
    "q1": p_alive(2, 30, 38),
    "q2": p_alive(0, 0, 38),
    "q3": "max",
    "q4": expected(39, 2, 30, 38),
    "q5": "B",
    "q6": groups,
    "q7": 1,        # 75th percentile of the durations = 83.75: c3 and c4 long, only c4 profitable
    "q8": "B",
    "q9": "Barnacles",
    "q10": "False",
}
WRONG = {
    "q1": 0.5,
    "q2": 0.0,
    "q3": "oli",
    "q4": 39 * 2 / 38,                                            # the past rate carried forward
    "q5": "C",
    "q6": {**groups, "c8": "Barnacles"},
    "q7": 2,
    "q8": "A",
    "q9": "True Friends",
    "q10": "True",
}
