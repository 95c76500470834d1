"""Shared data of the NPS tests: a hand-worked example, segment and planted-effect frames."""

import math

import numpy as np
import pandas as pd

#: The two-sided 95% normal quantile, written out (independent of the code under test).
Z95 = 1.959963984540054

# 10 answers: 5 promoters (10, 10, 9, 9, 9), 2 passives (8, 7), 3 detractors (6, 3, 0)
HAND = [10, 10, 9, 9, 9, 8, 7, 6, 3, 0]


def trinomial_se(p, d, n):
    """SE of p - d for trinomial shares, written out (proportion units)."""
    return math.sqrt((p + d - (p - d) ** 2) / n)


def as_list(classes):
    """Class labels as a list, None for missing."""
    return classes.astype(object).where(classes.notna(), None).tolist()


def seg_frame():
    return pd.DataFrame({
        "score": [10] * 40 + [8] * 5 + [2] * 10 + [10] * 20 + [8] * 5 + [2] * 30
        + [10] * 15 + [8] * 10 + [2] * 15,
        "region": ["North"] * 55 + ["South"] * 55 + ["West"] * 40,
    })


def planted_survey(n=1500, seed=7):
    """Ordinal logit with known effects: 1.0 per unit of x, -1.0 for region East."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 1.5, n)
    region = rng.choice(["North", "East", "South"], n, p=[0.5, 0.25, 0.25])
    latent = 1.0 * x - 1.0 * (region == "East") + rng.logistic(size=n)
    cls = np.digitize(latent, [-0.5, 0.8])  # 0 detractor, 1 passive, 2 promoter
    score = np.choose(cls, [rng.integers(0, 7, n), rng.integers(7, 9, n), rng.integers(9, 11, n)])
    return pd.DataFrame({"score": score, "x": x, "region": region}), x
