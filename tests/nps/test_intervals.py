"""Tests of helpers.nps.intervals: hand-worked examples, independent computations, coverage."""

import math

import numpy as np
import pandas as pd
import pytest

from helpers import nps

from .common import HAND, Z95, trinomial_se


# ---------------------------------------------------------------------------------------------------
# nps_summary: hand-worked example and independent computations
# ---------------------------------------------------------------------------------------------------
def test_summary_hand_example_wald():
    s = nps.nps_summary(HAND, method="wald")
    # p = 0.5, d = 0.3: NPS = 20; Var = (0.8 - 0.04) / 10 = 0.076
    se = math.sqrt(0.076)
    assert (s["n"], s["n_promoters"], s["n_passives"], s["n_detractors"]) == (10, 5, 2, 3)
    assert s[["promoters", "passives", "detractors"]].tolist() == pytest.approx([0.5, 0.2, 0.3])
    assert s["nps"] == pytest.approx(20)
    assert s["se"] == pytest.approx(100 * se)
    assert s["ci_low"] == pytest.approx(100 * (0.2 - Z95 * se))
    assert s["ci_high"] == pytest.approx(100 * (0.2 + Z95 * se))
    # the trinomial SE is the SE of the mean of the -1/0/+1 codes (ddof=0)
    codes = np.array([1, 1, 1, 1, 1, 0, 0, -1, -1, -1])
    assert s["se"] == pytest.approx(100 * codes.std() / math.sqrt(10))


def test_summary_hand_example_adjusted_wald_is_default():
    s = nps.nps_summary(HAND)
    assert s["method"] == "adjusted_wald" == nps.DEFAULT_CI_METHOD
    # add 3/4 promoter and 3/4 detractor, n + 3 = 13
    p, d = 5.75 / 13, 3.75 / 13
    centre, half = p - d, Z95 * math.sqrt((p + d - (p - d) ** 2) / 13)
    assert s["nps"] == pytest.approx(20)  # the point estimate is not adjusted
    assert s["se"] == pytest.approx(100 * math.sqrt(0.076))
    assert (s["ci_low"], s["ci_high"]) == pytest.approx((100 * (centre - half), 100 * (centre + half)))
    assert (round(s["ci_low"], 2), round(s["ci_high"], 2)) == (-30.33, 61.10)


def test_summary_alpha_changes_level():
    s = nps.nps_summary(HAND, alpha=0.10, method="wald")
    assert s["ci_high"] - 20 == pytest.approx(100 * 1.6448536269514722 * math.sqrt(0.076))


def test_summary_one_class_adjusted_interval_is_clipped_and_wald_warns():
    s = nps.nps_summary([10] * 5)
    p, d = 5.75 / 8, 0.75 / 8
    assert s["ci_low"] == pytest.approx(100 * (p - d - Z95 * math.sqrt((p + d - (p - d) ** 2) / 8)))
    assert s["ci_high"] == 100
    with pytest.warns(UserWarning, match="one class"):
        w = nps.nps_summary([10] * 5, method="wald")
    assert w["ci_low"] == w["ci_high"] == 100


def test_summary_weighted_uses_kish_effective_size():
    scores, weights = [10, 9, 5, 8], [2.0, 1.0, 1.0, 4.0]
    s = nps.nps_summary(scores, weights, method="wald")
    # weighted shares: promoters 3/8, detractors 1/8, passives 4/8; n_eff = 8**2 / (4+1+1+16)
    n_eff = 64 / 22
    assert s["n"] == 4 and s["n_eff"] == pytest.approx(n_eff)
    assert s["nps"] == pytest.approx(25)
    assert s["se"] == pytest.approx(100 * trinomial_se(3 / 8, 1 / 8, n_eff))
    # independent: the weighted mean of the -1/0/+1 codes
    assert s["nps"] == pytest.approx(100 * np.average([1, 1, -1, 0], weights=weights))
    # constant weights change nothing
    same = nps.nps_summary(HAND, [3.0] * 10)
    assert same[["nps", "se", "ci_low", "ci_high", "n_eff"]].tolist() == pytest.approx(
        nps.nps_summary(HAND)[["nps", "se", "ci_low", "ci_high", "n_eff"]].tolist())


def test_summary_weights_as_series_must_align():
    s = pd.Series(HAND, index=range(10))
    w = pd.Series([1.0] * 10, index=range(1, 11))
    with pytest.raises(ValueError, match="index of weights"):
        nps.nps_summary(s, w)


def test_bootstrap_is_seeded_and_agrees_with_wald_for_large_n():
    rng = np.random.default_rng(3)
    scores = rng.choice([10, 8, 3], size=1000, p=[0.5, 0.3, 0.2])
    a = nps.nps_summary(scores, method="bootstrap", seed=1)
    b = nps.nps_summary(scores, method="bootstrap", seed=1)
    w = nps.nps_summary(scores, method="wald")
    assert a["ci_low"] == b["ci_low"] and a["ci_high"] == b["ci_high"]
    assert a["ci_low"] == pytest.approx(w["ci_low"], abs=1.0)
    assert a["ci_high"] == pytest.approx(w["ci_high"], abs=1.0)
    weighted = nps.nps_summary(scores, np.ones(1000), method="bootstrap", n_boot=500)
    assert weighted["ci_low"] == pytest.approx(w["ci_low"], abs=1.5)
    table = nps.nps_intervals(scores, n_boot=500)
    assert table["method"].tolist() == ["adjusted_wald", "wald", "bootstrap"]


def test_summary_warns_about_missing_scores():
    with pytest.warns(UserWarning, match="1 of 3 scores are missing"):
        s = nps.nps_summary(pd.Series([10, None, 3], dtype="Int64"))
    assert s["n"] == 2


@pytest.mark.parametrize("scores, weights, err, match", [
    (pd.Series([], dtype="Int64"), None, ValueError, "empty"),
    ([np.nan, np.nan], None, ValueError, "all 2 scores are missing"),
    ([3, 12], None, ValueError, "outside 0..10"),
    ([3, 7.2], None, ValueError, "not whole"),
    ([3, 7], [1.0], ValueError, "2 scores"),
    ([3, 7], [1.0, -1.0], ValueError, ">= 0"),
    ([3, 7], [1.0, np.nan], ValueError, "weights are missing"),
    ([3, 7], [0.0, 0.0], ValueError, "all weights are zero"),
    ([3, 7], ["a", "b"], TypeError, "numeric"),
])
def test_summary_bad_input(scores, weights, err, match):
    with pytest.raises(err, match=match):
        nps.nps_summary(scores, weights)


def test_summary_bad_arguments():
    with pytest.raises(ValueError, match="alpha"):
        nps.nps_summary(HAND, alpha=1.5)
    with pytest.raises(ValueError, match="unknown method"):
        nps.nps_summary(HAND, method="exact")


def test_interval_from_counts_matches_summary_and_handles_edges():
    r = nps.nps_interval_from_counts([5, 0], [2, 0], [3, 0])
    s = nps.nps_summary(HAND)
    assert r.loc[0, ["nps", "se", "ci_low", "ci_high"]].tolist() == pytest.approx(
        s[["nps", "se", "ci_low", "ci_high"]].tolist())
    assert r.loc[1].drop("n").isna().all()
    with pytest.raises(ValueError, match="whole counts"):
        nps.nps_interval_from_counts(2.5, 1, 1, method="bootstrap")
    with pytest.raises(ValueError, match=">= 0"):
        nps.nps_interval_from_counts(-1, 1, 1)
    with pytest.raises(ValueError, match="same length"):
        nps.nps_interval_from_counts([1, 2], [1], [1])


# ---------------------------------------------------------------------------------------------------
# Coverage simulation (vectorised: all samples as one multinomial matrix)
# ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("shares", [(0.45, 0.30, 0.25), (0.70, 0.20, 0.10)])
@pytest.mark.parametrize("n", [30, 100, 1000])
def test_default_interval_coverage(shares, n):
    rng = np.random.default_rng(20240601 + n)
    counts = rng.multinomial(n, shares, size=4000)
    r = nps.nps_interval_from_counts(counts[:, 0], counts[:, 1], counts[:, 2])  # default method
    true = 100 * (shares[0] - shares[2])
    coverage = ((r["ci_low"] <= true) & (true <= r["ci_high"])).mean()
    assert 0.93 <= coverage <= 0.97


def test_default_of_summary_is_the_simulated_method():
    rng = np.random.default_rng(5)
    scores = rng.choice([10, 7, 2], size=30, p=[0.45, 0.30, 0.25])
    s = nps.nps_summary(scores)
    c = np.bincount(nps.classify(scores).cat.codes, minlength=3)
    r = nps.nps_interval_from_counts(c[2], c[1], c[0])
    assert (s["ci_low"], s["ci_high"]) == pytest.approx((r.loc[0, "ci_low"], r.loc[0, "ci_high"]))


# ---------------------------------------------------------------------------------------------------
# nps_headline
# ---------------------------------------------------------------------------------------------------
def test_headline_formats():
    row = {"nps": 23.4, "ci_low": 18.6, "ci_high": 27.2, "n": 3902, "n_eff": 3902.0, "alpha": 0.05}
    assert nps.nps_headline(row) == "NPS +23 (95% CI +19 to +27, n = 3,902)"
    assert nps.nps_headline({**row, "nps": -0.3, "ci_low": -4.2, "ci_high": 3.6}) == \
        "NPS 0 (95% CI -4 to +4, n = 3,902)"
    assert nps.nps_headline({**row, "alpha": 0.1, "n_eff": 2500.4}, decimals=1) == \
        "NPS +23.4 (90% CI +18.6 to +27.2, n = 3,902, effective n = 2,500)"
    with pytest.raises(ValueError, match="one row"):
        nps.nps_headline(pd.DataFrame([row, row]))
    with pytest.raises(ValueError, match="lacks"):
        nps.nps_headline({"nps": 1})
