"""Tests of helpers.nps: hand-worked examples, independent computations, simulations, bad input."""

import math

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers import data, nps
from helpers.plots import (MUTED, NPS_COLORS, plot_distinguishing_words, plot_drivers, plot_nps_ci,
                           plot_nps_trend, plot_score_distribution)

plt.switch_backend("Agg")

Z95 = 1.959963984540054


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def trinomial_se(p, d, n):
    """SE of p - d for trinomial shares, written out (proportion units)."""
    return math.sqrt((p + d - (p - d) ** 2) / n)


def as_list(classes):
    """Class labels as a list, None for missing."""
    return classes.astype(object).where(classes.notna(), None).tolist()


# 10 answers: 5 promoters (10, 10, 9, 9, 9), 2 passives (8, 7), 3 detractors (6, 3, 0)
HAND = [10, 10, 9, 9, 9, 8, 7, 6, 3, 0]


# ---------------------------------------------------------------------------------------------------
# classify
# ---------------------------------------------------------------------------------------------------
def test_classify_boundaries_and_order():
    res = nps.classify(list(range(11)))
    assert res.tolist() == ["detractor"] * 7 + ["passive"] * 2 + ["promoter"] * 2
    assert res.cat.ordered and res.cat.categories.tolist() == ["detractor", "passive", "promoter"]
    assert res.name == "nps_class"


def test_classify_accepts_int64_whole_floats_and_labels_keeping_index():
    s = pd.Series([10, pd.NA, 6, 8], dtype="Int64", index=[5, 6, 7, 8])
    res = nps.classify(s)
    assert res.index.tolist() == [5, 6, 7, 8]
    assert as_list(res) == ["promoter", None, "detractor", "passive"]
    assert nps.classify(np.array([9.0, 7.0, np.nan])).tolist()[:2] == ["promoter", "passive"]
    labelled = pd.Series(["10 - Extremely likely", "0 - Not at all likely", "7", " 9 ", None, ""])
    assert as_list(nps.classify(labelled)) == ["promoter", "detractor", "passive", "promoter",
                                                None, None]


def test_classify_custom_thresholds():
    assert nps.classify([10, 9, 8, 6, 5], promoter_min=10, passive_min=6).tolist() == [
        "promoter", "passive", "passive", "passive", "detractor"]


def test_classify_empty_gives_empty():
    assert len(nps.classify(pd.Series([], dtype="Int64"))) == 0


@pytest.mark.parametrize("bad, match", [
    ([7.5, 9], "not whole"),
    ([11, 3], "outside 0..10"),
    ([-1], "outside 0..10"),
    (["great", "9"], "not 0-10 scores"),
    (["7.5 - fairly"], "not 0-10 scores"),
    ([np.inf], "infinite"),
])
def test_classify_rejects_bad_scores(bad, match):
    with pytest.raises(ValueError, match=match):
        nps.classify(bad)


def test_classify_rejects_wrong_types_and_thresholds():
    with pytest.raises(TypeError, match="booleans"):
        nps.classify(pd.Series([True, False]))
    with pytest.raises(TypeError, match="DataFrame"):
        nps.classify(pd.DataFrame({"score": [1]}))
    with pytest.raises(TypeError, match="sequence"):
        nps.classify(7)
    with pytest.raises(ValueError, match="passive_min < promoter_min"):
        nps.classify([1], promoter_min=7, passive_min=9)
    with pytest.raises(ValueError, match="integer"):
        nps.classify([1], promoter_min=8.5)


def test_score_distribution_counts_every_score():
    d = nps.score_distribution(pd.Series(HAND + [None], dtype="Int64"))
    assert d["n"].tolist() == [1, 0, 0, 1, 0, 0, 1, 1, 1, 3, 2]
    assert d.attrs["missing"] == 1
    assert d["share"].sum() == pytest.approx(1)


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


# ---------------------------------------------------------------------------------------------------
# compare
# ---------------------------------------------------------------------------------------------------
A = [10] * 50 + [3] * 50  # NPS 0
B = [10] * 30 + [3] * 70  # NPS -40


def test_compare_independent_wald_by_hand():
    r = nps.compare(A, B, method="wald")
    se = math.sqrt(1.0 / 100 + (1.0 - 0.16) / 100)
    assert (r["nps_a"], r["nps_b"], r["diff"]) == pytest.approx((0, -40, 40))
    assert r["se"] == pytest.approx(100 * se)
    assert r["z"] == pytest.approx(0.4 / se)
    assert r["p_value"] == pytest.approx(2 * stats.norm.sf(0.4 / se))
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((100 * (0.4 - Z95 * se),
                                                         100 * (0.4 + Z95 * se)))
    flipped = nps.compare(B, A, method="wald")
    assert flipped["diff"] == pytest.approx(-40) and flipped["z"] == pytest.approx(-r["z"])


def test_compare_independent_adjusted_by_hand():
    r = nps.compare(A, B)
    pa = da = 50.75 / 103
    pb, db = 30.75 / 103, 70.75 / 103
    centre = (pa - da) - (pb - db)
    se = math.sqrt((pa + da - (pa - da) ** 2) / 103 + (pb + db - (pb - db) ** 2) / 103)
    assert r["diff"] == pytest.approx(40)  # observed difference
    assert r["se"] == pytest.approx(100 * se)
    assert r["z"] == pytest.approx(centre / se)
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((100 * (centre - Z95 * se),
                                                         100 * (centre + Z95 * se)))
    assert (r["ci_low"] > 0) == (r["p_value"] < 0.05)


def test_compare_weighted_frames():
    a = pd.DataFrame({"score": [10, 9, 5, 8], "weight": [2.0, 1.0, 1.0, 4.0]})
    b = pd.DataFrame({"score": [10, 3, 3], "weight": [1.0, 1.0, 2.0]})
    r = nps.compare(a, b, weight="weight", method="wald")
    se_a = trinomial_se(3 / 8, 1 / 8, 64 / 22)
    se_b = trinomial_se(1 / 4, 3 / 4, 16 / 6)
    assert r["diff"] == pytest.approx(25 - (-50))
    assert r["se"] == pytest.approx(100 * math.hypot(se_a, se_b))


def test_compare_paired_by_hand_and_against_paired_t_statistic():
    # codes a = [1, 1, 0, -1, 1], b = [-1, 1, 1, -1, 0]; differences [2, 0, -1, 0, 1]
    a = pd.DataFrame({"customer_id": ["c1", "c2", "c3", "c4", "c5"], "score": [10, 9, 7, 3, 10]})
    b = pd.DataFrame({"customer_id": ["c5", "c4", "c3", "c2", "c1"], "score": [8, 3, 10, 9, 3]})
    r = nps.compare(a, b, customer_id="customer_id")
    d = np.array([2, 0, -1, 0, 1])
    se = math.sqrt(5.2 / 4) / math.sqrt(5)  # sum of squared deviations 5.2, ddof = 1
    assert r["method"] == "paired" and r["n_pairs"] == 5
    assert (r["nps_a"], r["nps_b"], r["diff"]) == pytest.approx((40, 0, 40))
    assert r["se"] == pytest.approx(100 * se)
    assert r["z"] == pytest.approx(stats.ttest_rel([1, 1, 0, -1, 1], [-1, 1, 1, -1, 0]).statistic)
    assert r["ci_low"] == pytest.approx(100 * (d.mean() - Z95 * se))


def test_compare_paired_warns_about_unmatched_and_rejects_bad_panels():
    a = pd.DataFrame({"customer_id": ["c1", "c2", "c3", "c9"], "score": [10, 9, 7, 3]})
    b = pd.DataFrame({"customer_id": ["c1", "c2", "c3"], "score": [8, 3, 10]})
    with pytest.warns(UserWarning, match="1 respondents only in a and 0 only in b"):
        r = nps.compare(a, b, customer_id="customer_id")
    assert r["n_pairs"] == 3
    with pytest.raises(ValueError, match="repeats within a"):
        nps.compare(pd.concat([a, a]), b, customer_id="customer_id")
    with pytest.raises(ValueError, match="at least 2"):
        nps.compare(a.iloc[:1], b.iloc[:1], customer_id="customer_id")
    with pytest.raises(ValueError, match="weights are not supported"):
        nps.compare(a, b, customer_id="customer_id", weight="w")
    with pytest.raises(ValueError, match="needs DataFrames"):
        nps.compare([1, 2], [3, 4], customer_id="customer_id")


def test_compare_bad_input():
    with pytest.raises(ValueError, match="empty"):
        nps.compare([], [1, 2])
    with pytest.raises(ValueError, match="no column"):
        nps.compare(pd.DataFrame({"x": [1]}), pd.DataFrame({"x": [1]}))
    with pytest.raises(ValueError, match="unknown method"):
        nps.compare(A, B, method="bootstrap")


# ---------------------------------------------------------------------------------------------------
# compare_segments
# ---------------------------------------------------------------------------------------------------
def seg_frame():
    return pd.DataFrame({
        "score": [10] * 40 + [8] * 5 + [2] * 10 + [10] * 20 + [8] * 5 + [2] * 30
        + [10] * 15 + [8] * 10 + [2] * 15,
        "region": ["North"] * 55 + ["South"] * 55 + ["West"] * 40,
    })


def test_segments_against_rest_with_holm():
    df = seg_frame()
    res = nps.compare_segments(df, "region", method="wald")
    assert res["segment"].tolist() == ["North", "South", "West"]
    assert res["nps"].tolist() == pytest.approx([3000 / 55, -1000 / 55, 0])
    # North against the rest (South + West: 35 promoters, 15 passives, 45 detractors of 95)
    p_r, d_r = 35 / 95, 45 / 95
    se = math.sqrt(trinomial_se(40 / 55, 10 / 55, 55) ** 2 + trinomial_se(p_r, d_r, 95) ** 2)
    north = res.iloc[0]
    assert north["reference"] == "rest" and north["nps_ref"] == pytest.approx(100 * (p_r - d_r))
    assert north["diff_se"] == pytest.approx(100 * se)
    assert north["p_value"] == pytest.approx(2 * stats.norm.sf((30 / 55 - (p_r - d_r)) / se))
    # Holm by hand: sort p, multiply by m, m-1, ..., keep monotone, cap at 1
    p = res["p_value"].to_numpy()
    order = np.argsort(p)
    adj = np.minimum(1, np.maximum.accumulate(p[order] * np.array([3, 2, 1])))
    expected = np.empty(3)
    expected[order] = adj
    assert res["p_adj"].to_numpy() == pytest.approx(expected)
    assert res["significant"].tolist() == (expected < 0.05).tolist()


def test_segments_chi_square_by_hand():
    df = seg_frame()
    df.index = [0] * len(df)  # a repeated index must not change anything
    res = nps.compare_segments(df, "region")
    obs = np.array([[10, 5, 40], [30, 5, 20], [15, 10, 15]])  # detractor, passive, promoter
    exp = obs.sum(1, keepdims=True) * obs.sum(0, keepdims=True) / obs.sum()
    chi2 = ((obs - exp) ** 2 / exp).sum()
    assert res.attrs["chi2"]["chi2"] == pytest.approx(chi2)
    assert res.attrs["chi2"]["dof"] == 4
    assert res.attrs["chi2"]["p_value"] == pytest.approx(stats.chi2.sf(chi2, 4))


def test_segments_baseline_and_weighted_rest():
    df = seg_frame()
    res = nps.compare_segments(df, "region", baseline="West")
    west = res.set_index("segment").loc["West"]
    assert np.isnan(west["diff"]) and np.isnan(west["p_adj"])
    assert res.set_index("segment").loc["North", "diff"] == pytest.approx(3000 / 55)
    # weighted: the "rest" must equal an explicit comparison with the other rows
    rng = np.random.default_rng(2)
    df["weight"] = rng.uniform(0.5, 2.0, len(df))
    res_w = nps.compare_segments(df, "region", weight="weight")
    for seg in ("North", "South", "West"):
        ref = nps.compare(df[df.region == seg], df[df.region != seg], weight="weight")
        row = res_w.set_index("segment").loc[seg]
        assert (row["diff"], row["diff_se"], row["p_value"]) == pytest.approx(
            (ref["diff"], ref["se"], ref["p_value"]))


def test_segments_bad_input_and_missing_segments():
    df = seg_frame()
    with pytest.raises(ValueError, match="baseline 'East'"):
        nps.compare_segments(df, "region", baseline="East")
    with pytest.raises(ValueError, match="fewer than 2 segments"):
        nps.compare_segments(df[df.region == "North"], "region")
    with pytest.raises(ValueError, match="no column 'plan'"):
        nps.compare_segments(df, "plan")
    df.loc[0, "region"] = None
    with pytest.warns(UserWarning, match="1 answers have no 'region'"):
        res = nps.compare_segments(df, "region")
    assert res["n"].sum() == len(df) - 1


# ---------------------------------------------------------------------------------------------------
# trend
# ---------------------------------------------------------------------------------------------------
def test_trend_keeps_empty_and_low_n_periods():
    df = pd.DataFrame({"score": [10, 9, 3, 8, 10, 10],
                       "response_date": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-01-31",
                                                        "2024-03-02", "2024-03-09", "2024-03-30"])})
    t = nps.trend(df, min_n=3)
    assert t["period"].astype(str).tolist() == ["2024-01", "2024-02", "2024-03"]
    assert t["n"].tolist() == [3, 0, 3]
    assert t["low_n"].tolist() == [False, True, False]
    assert t.loc[0, "nps"] == pytest.approx(100 / 3) and np.isnan(t.loc[1, "nps"])
    assert t.loc[2, "nps"] == pytest.approx(200 / 3)
    assert np.isnan(t["change"]).all()  # each period next to an empty one
    assert not t["change_significant"].any()
    flagged = nps.trend(df, min_n=4)
    assert flagged["low_n"].all() and flagged["nps"].notna().sum() == 2  # flagged, not hidden


def test_trend_marks_only_significant_changes():
    months = {"2024-01": [10] * 40 + [8] * 20 + [3] * 40,   # NPS 0
              "2024-02": [10] * 42 + [8] * 20 + [3] * 38,   # NPS +4: noise
              "2024-03": [10] * 70 + [8] * 20 + [3] * 10}   # NPS +60: a real change
    df = pd.DataFrame([(s, pd.Timestamp(m + "-15")) for m, ss in months.items() for s in ss],
                      columns=["score", "response_date"])
    t = nps.trend(df, "M", adjust=None)
    assert t["change"].tolist()[1:] == pytest.approx([4, 56])
    ref = nps.compare(months["2024-03"], months["2024-02"])
    assert t.loc[2, "change_p"] == pytest.approx(ref["p_value"])
    assert t["change_p_adj"].tolist()[1:] == pytest.approx(t["change_p"].tolist()[1:])
    assert t["change_significant"].tolist() == [False, False, True]
    holm = nps.trend(df, "M")
    assert holm.loc[2, "change_p_adj"] == pytest.approx(min(1, 2 * min(t["change_p"][1:])))


def test_trend_quarterly_weighted_and_bad_input():
    rng = np.random.default_rng(4)
    df = pd.DataFrame({"score": rng.integers(0, 11, 300),
                       "response_date": pd.Timestamp("2024-01-01")
                       + pd.to_timedelta(rng.integers(0, 365, 300), unit="D"),
                       "weight": rng.uniform(0.5, 2, 300)})
    t = nps.trend(df, "Q", weight="weight")
    assert t["period"].astype(str).tolist() == ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]
    q1 = df[df.response_date < "2024-04-01"]
    ref = nps.nps_summary(q1["score"], q1["weight"])
    assert t.loc[0, ["nps", "ci_low", "n_eff"]].tolist() == pytest.approx(
        ref[["nps", "ci_low", "n_eff"]].tolist())
    with pytest.raises(ValueError, match="must hold datetimes"):
        nps.trend(df.assign(response_date=df.response_date.astype(str)))
    with pytest.raises(ValueError, match="period frequency"):
        nps.trend(df, "fortnight")
    with pytest.raises(ValueError, match="min_n"):
        nps.trend(df, min_n=0)
    df.loc[0, "response_date"] = pd.NaT
    with pytest.warns(UserWarning, match="1 answers have no 'response_date'"):
        nps.trend(df)


def test_frame_functions_warn_about_missing_scores():
    df = seg_frame()
    df["score"] = df["score"].astype("Int64")
    df.loc[[0, 1], "score"] = pd.NA
    with pytest.warns(UserWarning, match="2 of 150 rows have no score"):
        res = nps.compare_segments(df, "region")
    assert res["n"].sum() == 148


# ---------------------------------------------------------------------------------------------------
# sample sizes
# ---------------------------------------------------------------------------------------------------
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


# ---------------------------------------------------------------------------------------------------
# behaviour and drivers
# ---------------------------------------------------------------------------------------------------
def test_behaviour_at_response_by_hand():
    survey = pd.DataFrame({
        "customer_id": pd.array(["a", "b", None, "z", "a"], dtype="string"),
        "response_date": pd.to_datetime(["2024-03-10", "2024-03-10", "2024-03-10", "2024-03-10",
                                         "2024-01-01"]),
        "score": [9, 4, 7, 8, 10]})
    tx = pd.DataFrame({
        "customer_id": ["a", "a", "a", "a", "a", "b"],
        "order_id": ["o1", "o1", "o2", "o3", "o4", "o5"],
        "order_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-02-01", "2024-03-10",
                                      "2024-03-11", "2024-04-01"]),
        "amount": [10.0, 5.0, 20.0, -4.0, 100.0, 7.0],
        "profit": [3.0, 1.0, 6.0, -1.0, 30.0, 2.0]})
    with pytest.warns(UserWarning, match="1 linked respondents"):
        out = nps.behaviour_at_response(survey, tx)
    # a on 2024-03-10: orders o1, o2, o3 (the refund row on the day counts), not o4 (after)
    assert out.loc[0, ["tenure_days", "orders", "spend", "profit"]].tolist() == [69, 3, 31, 9]
    assert out.loc[1, ["tenure_days", "orders", "spend"]].tolist() == [0, 0, 0]  # buys later
    assert out.loc[2, ["tenure_days", "orders", "spend"]].isna().all()  # not linked
    assert out.loc[3, ["orders", "spend"]].tolist() == [0, 0]  # unknown id
    assert out.loc[4, ["tenure_days", "orders", "spend"]].tolist() == [0, 1, 15]  # same day
    assert out["score"].tolist() == survey["score"].tolist()
    # without order_id: one purchase per customer and day
    no_id = nps.behaviour_at_response(survey.iloc[[0]], tx.drop(columns="order_id"))
    assert no_id.loc[0, "orders"] == 3


def planted_survey(n=1500, seed=7):
    """Ordinal logit with known effects: 1.0 per unit of x, -1.0 for region East."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 1.5, n)
    region = rng.choice(["North", "East", "South"], n, p=[0.5, 0.25, 0.25])
    latent = 1.0 * x - 1.0 * (region == "East") + rng.logistic(size=n)
    cls = np.digitize(latent, [-0.5, 0.8])  # 0 detractor, 1 passive, 2 promoter
    score = np.choose(cls, [rng.integers(0, 7, n), rng.integers(7, 9, n), rng.integers(9, 11, n)])
    return pd.DataFrame({"score": score, "x": x, "region": region}), x


def test_drivers_recovers_planted_odds_ratios():
    df, x = planted_survey()
    res = nps.drivers(df, ["x", "region"])
    by = res.set_index("term")
    assert set(by.index) == {"x", "region[East]", "region[South]"}
    assert by.loc["x", "scale"] == "per SD" and by.loc["region[East]", "scale"] == "vs North"
    true_or_x = math.exp(1.0 * x.std(ddof=1))  # per standard deviation of x
    assert by.loc["x", "ci_low"] < true_or_x < by.loc["x", "ci_high"]
    assert by.loc["region[East]", "ci_low"] < math.exp(-1.0) < by.loc["region[East]", "ci_high"]
    assert by.loc["region[South]", "ci_low"] < 1 < by.loc["region[South]", "ci_high"]
    assert res["odds_ratio"].tolist() == pytest.approx(np.exp(res["coef"]).tolist())
    assert res["odds_ratio"].is_monotonic_decreasing
    assert res.attrs["converged"] and res.attrs["n"] == len(df)


def test_drivers_multinomial_and_score_outcome():
    df, _ = planted_survey(n=1200)
    res = nps.drivers(df, ["x"], model="multinomial")
    assert sorted(res["outcome"]) == ["passive", "promoter"]
    assert ((res["ci_low"] < res["odds_ratio"]) & (res["odds_ratio"] < res["ci_high"])).all()
    assert res["odds_ratio"].tolist() == pytest.approx(np.exp(res["coef"]).tolist())
    or_x = res.set_index("outcome")["odds_ratio"]
    assert or_x["promoter"] > or_x["passive"] > 1
    assert nps.drivers(df, ["x"], outcome="score").loc[0, "odds_ratio"] > 1


def test_drivers_joins_behaviour_from_transactions():
    rng = np.random.default_rng(9)
    n = 300
    ids = [f"c{i}" for i in range(n)]
    orders = rng.integers(1, 8, n)
    tx = pd.DataFrame({"customer_id": np.repeat(ids, orders),
                       "order_date": pd.Timestamp("2023-01-01")
                       + pd.to_timedelta(rng.integers(0, 300, orders.sum()), unit="D"),
                       "amount": rng.gamma(2, 20, orders.sum())})
    score = np.clip(np.round(4 + 0.8 * orders + rng.normal(0, 1.5, n)), 0, 10).astype(int)
    survey = pd.DataFrame({"customer_id": pd.array(ids, dtype="string"), "score": score,
                           "response_date": pd.Timestamp("2024-01-01"),
                           "plan": rng.choice(["Basic", "Plus"], n)})
    survey.loc[:9, "customer_id"] = pd.NA
    with pytest.warns(UserWarning, match="10 of them not linked"):
        res = nps.drivers(survey, ["plan"], transactions=tx)
    terms = set(res["term"])
    assert {"tenure_days", "orders", "spend"} < terms and len(terms) == 4
    assert any(t.startswith("plan[") for t in terms)
    assert res.set_index("term").loc["orders", "ci_low"] > 1
    assert res.attrs["n"] == n - 10


def test_drivers_scales_are_reparametrisations_of_one_model():
    df, x = planted_survey(n=800)
    df["m"] = np.exp(df["x"])  # skewed and positive, like spend
    per_sd = nps.drivers(df, ["x", "m", "region"]).set_index("term")
    per_unit = nps.drivers(df, ["x", "m", "region"], scale="unit").set_index("term")
    # the same likelihood in other units: coefficient per unit = coefficient per SD / SD
    for t in ("x", "m"):
        assert per_unit.loc[t, "coef"] == pytest.approx(per_sd.loc[t, "coef"] / df[t].std(),
                                                        rel=1e-3)
    assert per_unit.loc["region[East]", "coef"] == pytest.approx(per_sd.loc["region[East]", "coef"],
                                                                 rel=1e-3)
    # log2 = sign(v) * log2(1 + |v|) by hand, entered per unit; the dict leaves region alone
    hand = df.assign(lx=np.sign(df["x"]) * np.log2(1 + df["x"].abs()),
                     lm=np.log2(1 + df["m"]))
    by_hand = nps.drivers(hand, ["lx", "lm", "region"], scale="unit").set_index("term")
    logged = nps.drivers(df, ["x", "m", "region"], scale={"x": "log2", "m": "log2"})
    logged = logged.set_index("term")
    assert logged.loc[["x", "m"], "scale"].tolist() == ["per doubling"] * 2
    assert logged.loc["region[East]", "scale"] == "vs North"
    assert logged.loc["x", "odds_ratio"] == pytest.approx(by_hand.loc["lx", "odds_ratio"], rel=1e-3)
    assert logged.loc["m", "ci_low"] == pytest.approx(by_hand.loc["lm", "ci_low"], rel=1e-3)
    mixed = nps.drivers(df, ["x", "m"], scale={"m": "log2"}).set_index("term")["scale"]
    assert mixed.to_dict() == {"x": "per SD", "m": "per doubling"}
    with pytest.raises(ValueError, match="unknown scale"):
        nps.drivers(df, ["x"], scale="log")
    with pytest.raises(ValueError, match="not among the features"):
        nps.drivers(df, ["x"], scale={"y": "log2"})
    with pytest.raises(TypeError, match="scale must be"):
        nps.drivers(df, ["x"], scale=2)


@pytest.fixture(scope="module")
def sample_linked():
    """The bundled sample's linked answers and its transactions."""
    ds = data.load_all()
    return ds.survey[ds.survey["customer_id"].notna()].reset_index(drop=True), ds.transactions


def sample_drivers(survey, tx):
    return nps.drivers(survey, ["region", "plan"], transactions=tx,
                       behaviour=("tenure_days", "orders", "profit"), scale="log2")


def test_drivers_find_the_planted_loyalty_relation_in_the_sample(sample_linked):
    # Planted in helpers.sample: true friends (profitable, frequent) score highest, strangers
    # (one small order) lowest, and a customer's own effect raises both the score and the purchase
    # rate; East scores 0.9 points lower.
    survey, tx = sample_linked
    res = sample_drivers(survey, tx).set_index("term")
    assert res.attrs["converged"] and res.attrs["n"] == len(survey)
    assert set(res.index) >= {"tenure_days", "orders", "profit", "region[East]"}
    for term in ("orders", "profit"):
        assert res.loc[term, "scale"] == "per doubling"
        assert res.loc[term, "odds_ratio"] > 1 and res.loc[term, "ci_low"] > 1, term
    assert res.loc["region[East]", "ci_high"] < 1


def test_drivers_on_the_sample_with_shuffled_scores_find_no_behaviour_effect(sample_linked):
    # the control of the test above: break the link between answer and customer
    survey, tx = sample_linked
    shuffled = survey.assign(score=survey["score"].sample(frac=1, random_state=0).to_numpy())
    res = sample_drivers(shuffled, tx).set_index("term")
    assert not (res.loc[["orders", "profit"], "ci_low"] > 1).any()
    assert res.loc["region[East]", "ci_high"] > 1


def test_drivers_warns_on_separation_and_bad_input():
    df, _ = planted_survey(n=600)
    df["vip"] = "no"
    df.loc[df.index[:8], "vip"] = "yes"
    df.loc[df.index[:8], "score"] = 10
    with pytest.warns(UserWarning, match="separation"):
        nps.drivers(df, ["x", "vip"])
    with pytest.raises(ValueError, match="no column"):
        nps.drivers(df, ["nope"])
    with pytest.raises(ValueError, match="unknown model"):
        nps.drivers(df, ["x"], model="probit")
    with pytest.raises(ValueError, match="not linked"):
        nps.drivers(df, ["x"], transactions=pd.DataFrame())
    with pytest.warns(UserWarning, match="constant"), \
            pytest.raises(ValueError, match="no usable feature"):
        nps.drivers(df.assign(c=1.0), ["c"])


# ---------------------------------------------------------------------------------------------------
# distinguishing words
# ---------------------------------------------------------------------------------------------------
def test_distinguishing_words_by_hand():
    df = pd.DataFrame({"score": [10, 2, 8, 9],
                       "comment": ["Great great service!", "slow service", "ok service", None]})
    res = nps.distinguishing_words(df, min_count=1)
    # counts: great P2; service P1 D1 Pa1; slow D1; ok Pa1; n_P = 3, n_D = 2, a0 = 7 words,
    # prior a_w = the word's count in all comments
    z_great = (math.log(4 / 6) - math.log(2 / 7)) / math.sqrt(1 / 4 + 1 / 2)
    z_service = (math.log(4 / 6) - math.log(4 / 5)) / math.sqrt(1 / 4 + 1 / 4)
    z_slow = (math.log(1 / 9) - math.log(2 / 7)) / math.sqrt(1 / 1 + 1 / 2)
    assert res[["group", "word"]].values.tolist() == [["promoter", "great"],
                                                      ["detractor", "slow"],
                                                      ["detractor", "service"]]
    assert res["z"].tolist() == pytest.approx([z_great, z_slow, z_service])
    assert res[["n_promoter", "n_detractor"]].values.tolist() == [[2, 0], [0, 1], [1, 1]]


def test_distinguishing_words_ignores_index_and_warns_about_unscored_comments():
    df = pd.DataFrame({"score": [10, 2, 8, 9, None],
                       "comment": ["Great great service!", "slow service", "ok service", None,
                                   "great"]}, index=[0, 0, 1, 1, 2])
    with pytest.warns(UserWarning, match="1 comments have no score"):
        res = nps.distinguishing_words(df, min_count=1)
    assert res["word"].tolist() == ["great", "slow", "service"]
    assert res[["n_promoter", "n_detractor"]].values.tolist() == [[2, 0], [0, 1], [1, 1]]


def test_distinguishing_words_degenerate_and_bad_input():
    df = pd.DataFrame({"score": [10, 9], "comment": ["great", "lovely"]})
    with pytest.warns(UserWarning, match="both promoters and detractors"):
        assert nps.distinguishing_words(df).empty
    with pytest.raises(ValueError, match="no column 'comment'"):
        nps.distinguishing_words(df.drop(columns="comment"))
    with pytest.raises(ValueError, match="top"):
        nps.distinguishing_words(df, top=0)


# ---------------------------------------------------------------------------------------------------
# plots
# ---------------------------------------------------------------------------------------------------
def test_plot_score_distribution():
    fig, ax = plt.subplots()
    df = pd.DataFrame({"score": pd.array(HAND + [None], dtype="Int64")})
    out = plot_score_distribution(df, ax=ax)
    assert out is ax
    assert len(ax.patches) == 11
    assert [p.get_height() for p in ax.patches] == [1, 0, 0, 1, 0, 0, 1, 1, 1, 3, 2]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["detractor", "passive",
                                                                  "promoter"]
    assert any("1 missing" in t.get_text() for t in ax.texts)


def test_plot_nps_ci_marks_significant_segments():
    res = nps.compare_segments(seg_frame(), "region")
    fig, ax = plt.subplots()
    plot_nps_ci(res, ax=ax, reference=10)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["North", "South", "West"]
    assert sum(t.get_text() == "*" for t in ax.texts) == int(res["significant"].sum())
    assert sum(line.get_linestyle() == "--" for line in ax.lines) == 1  # the reference line
    assert len(ax.containers) == 1 and len(ax.collections) >= 2  # error bars and dots
    with pytest.raises(ValueError, match="lacks"):
        plot_nps_ci(res.drop(columns="ci_low"), ax=ax)


def test_plot_nps_trend():
    months = {"2024-01": [10] * 10 + [3] * 10, "2024-02": [10] * 3 + [3] * 2,
              "2024-03": [10] * 45 + [3] * 5}
    df = pd.DataFrame([(s, pd.Timestamp(m + "-15")) for m, ss in months.items() for s in ss],
                      columns=["score", "response_date"])
    t = nps.trend(df, min_n=10, adjust=None)
    fig, ax = plt.subplots()
    plot_nps_trend(t, ax=ax)
    labels = [x.get_text() for x in ax.get_legend().get_texts()]
    assert labels[:3] == ["NPS", "CI", "low n (flagged)"]
    assert ("significant change" in labels) == bool(t["change_significant"].any())


def test_plot_drivers():
    df, _ = planted_survey(n=600)
    res = nps.drivers(df, ["x", "region"])
    fig, ax = plt.subplots()
    plot_drivers(res, ax=ax)
    assert ax.get_xscale() == "log"
    labels = {"x": "x (per SD)", "region[East]": "region: East (vs North)",
              "region[South]": "region: South (vs North)"}
    assert [t.get_text() for t in ax.get_yticklabels()] == res["term"].map(labels).tolist()
    assert len(ax.containers) == len(res)  # one error bar per term
    note = ax.texts[-1].get_text()
    assert "95% CI" in note and "per standard deviation" in note
    fig, ax = plt.subplots()
    plot_drivers(nps.drivers(df, ["x"], scale="log2"), ax=ax)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["x (per doubling)"]
    assert "per doubling" in ax.texts[-1].get_text()


def test_plot_distinguishing_words():
    words = pd.DataFrame({"group": ["promoter", "promoter", "detractor"],
                          "word": ["great", "ok", "slow"], "z": [3.0, 0.5, -2.5],
                          "n_promoter": [20, 4, 1], "n_detractor": [2, 3, 15]})
    fig, ax = plt.subplots()
    out = plot_distinguishing_words(words.iloc[::-1], ax=ax)  # sorted by z whatever the input order
    assert out is ax
    assert [t.get_text() for t in ax.get_yticklabels()] == ["great", "ok", "slow"]
    assert [p.get_width() for p in ax.patches] == [3.0, 0.5, -2.5]
    # the weak word is grey, the others in the class colours
    colors = [mpl.colors.to_hex(p.get_facecolor()) for p in ax.patches]
    assert colors == [NPS_COLORS["promoter"], MUTED, NPS_COLORS["detractor"]]
    assert [t.get_text() for t in ax.texts[:3]] == ["20/2", "4/3", "1/15"]
    with pytest.raises(ValueError, match="no words"):
        plot_distinguishing_words(words.iloc[:0], ax=ax)
    with pytest.raises(ValueError, match="lacks"):
        plot_distinguishing_words(words.drop(columns="z"), ax=ax)


def test_compare_periods_hand_example():
    # later window: 10, 6, 2 (P 1/3, D 2/3: NPS -33.3); earlier: 10, 9, 3 (P 2/3, D 1/3: +33.3)
    d = pd.DataFrame({"score": [10, 9, 3, 10, 6, 2, 8], "customer_id": list("abcabc") + [None],
                      "response_date": pd.to_datetime(["2023-03-01"] * 3 + ["2024-03-01"] * 3
                                                      + ["2022-03-01"])})  # the last is too old
    r = nps.compare_periods(d)
    allr, pair = r.loc["all answers"], r.loc["same respondents"]
    assert (allr["n_a"], allr["n_b"]) == (3, 3)
    assert allr["diff"] == pytest.approx(-200 / 3)
    # panel codes: a +1 -> +1 (0), b +1 -> -1 (-2), c -1 -> -1 (0): mean -2/3, sd 1.1547, se sd/sqrt(3)
    assert pair["n_pairs"] == 3 and pair["diff"] == pytest.approx(-200 / 3)
    assert pair["se"] == pytest.approx(100 * np.sqrt((4 / 9 + 16 / 9 + 4 / 9) / 2) / np.sqrt(3))
    assert r["later"].iloc[0] == "2023-03-02 to 2024-03-01"
    assert r["earlier"].iloc[0] == "2022-03-02 to 2023-03-01"  # an answer on the split day is earlier


def test_compare_periods_latest_answer_per_respondent_and_notes():
    d = pd.DataFrame({"score": [0, 10, 10, 0, 10],
                      "customer_id": ["a", "a", "b", "a", "b"],
                      "response_date": pd.to_datetime(["2023-02-01", "2023-03-01", "2023-03-01",
                                                       "2024-03-01", "2024-03-01"])})
    r = nps.compare_periods(d)
    # earlier window: a's latest answer is 10, so both respondents move 10 -> (0, 10)
    assert r.loc["same respondents", "nps_b"] == pytest.approx(100)
    assert r.loc["same respondents", "nps_a"] == pytest.approx(0)
    no_ids = nps.compare_periods(d.drop(columns="customer_id"))
    assert list(no_ids.index) == ["all answers"] and "links answers" in no_ids.attrs["notes"][0]
    with pytest.raises(ValueError, match="no answers in the earlier window"):
        nps.compare_periods(d, months=1)
    with pytest.raises(ValueError, match="positive whole number"):
        nps.compare_periods(d, months=0)
