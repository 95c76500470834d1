"""Tests of helpers.nps.sample_size: by hand, achieved margin, power by simulation."""

import math

import numpy as np
import pytest
from scipy import stats

from helpers import nps

from .common import HAND, Z95


def test_sample_size_by_hand():
    # worst case Var = 1: 1.96**2 / 0.05**2 - 3 = 1533.58 -> 1534
    assert nps.sample_size(5) == math.ceil(Z95 ** 2 / 0.05 ** 2 - 3) == 1534
    # Var = 0.5 + 0.2 - 0.3**2 = 0.61
    assert nps.sample_size(5, {"promoter": 0.5, "detractor": 0.2}) == math.ceil(
        Z95 ** 2 * 0.61 / 0.0025 - 3)
    assert nps.sample_size(5, nps.nps_summary(HAND)) == math.ceil(Z95 ** 2 * 0.76 / 0.0025 - 3)


def test_sample_size_achieves_margin():
    shares = {"promoter": 0.5, "detractor": 0.2}
    n = nps.sample_size(4, shares)
    r = nps.nps_interval_from_counts(0.5 * n, 0.3 * n, 0.2 * n)
    assert (r.loc[0, "ci_high"] - r.loc[0, "ci_low"]) / 2 == pytest.approx(4, abs=0.02)


def test_sample_size_difference_by_hand_and_power_by_simulation():
    assert nps.sample_size_difference(10) == math.ceil((Z95 + stats.norm.ppf(0.8)) ** 2 * 2 / 0.01)
    a, b = (0.45, 0.30, 0.25), (0.40, 0.30, 0.30)  # NPS 20 vs 10
    n = nps.sample_size_difference(10, 0.8, {"promoter": 0.45, "detractor": 0.25},
                                   expected_shares_b={"promoter": 0.40, "detractor": 0.30})
    assert n == math.ceil((Z95 + stats.norm.ppf(0.8)) ** 2 * (0.66 + 0.69) / 0.01)
    rng = np.random.default_rng(11)
    ca, cb = rng.multinomial(n, a, size=3000) / n, rng.multinomial(n, b, size=3000) / n
    diff = (ca[:, 0] - ca[:, 2]) - (cb[:, 0] - cb[:, 2])
    se = np.sqrt((ca[:, 0] + ca[:, 2] - (ca[:, 0] - ca[:, 2]) ** 2) / n
                 + (cb[:, 0] + cb[:, 2] - (cb[:, 0] - cb[:, 2]) ** 2) / n)
    power = (np.abs(diff / se) > Z95).mean()
    assert 0.77 <= power <= 0.83


def test_sample_size_bad_input():
    with pytest.raises(ValueError, match="margin"):
        nps.sample_size(0)
    with pytest.raises(ValueError, match="margin"):
        nps.sample_size(-5)
    with pytest.raises(ValueError, match="not percentages"):
        nps.sample_size(5, {"promoter": 50, "detractor": 20})
    with pytest.raises(ValueError, match="one class"):
        nps.sample_size(5, {"promoter": 1.0, "detractor": 0.0})
    with pytest.raises(TypeError, match="mapping"):
        nps.sample_size(5, (0.5, 0.2))
    with pytest.warns(UserWarning, match="points"):
        nps.sample_size(0.05)
    with pytest.raises(ValueError, match="power"):
        nps.sample_size_difference(10, power=1)
    with pytest.raises(ValueError, match="delta"):
        nps.sample_size_difference(0)
