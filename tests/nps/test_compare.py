"""Tests of helpers.nps.compare: independent and paired differences, periods."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers import nps

from .common import Z95, trinomial_se


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
# compare_periods
# ---------------------------------------------------------------------------------------------------
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


def test_compare_periods_panel_leaves_one_window_respondents_out_without_warning():
    d = pd.DataFrame({"score": [10, 9, 3, 7, 10, 6, 2, 9],
                      "customer_id": ["a", "b", "c", "x", "a", "b", "c", "y"],
                      "response_date": pd.to_datetime(["2023-03-01"] * 4 + ["2024-03-01"] * 4)})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # x and y answered in one window only: expected, no warning
        r = nps.compare_periods(d, observation_end="2024-03-31")
    assert r.loc["same respondents", "n_pairs"] == 3
    assert (r.loc["all answers", "n_a"], r.loc["all answers", "n_b"]) == (4, 4)
    assert r["later"].iloc[0] == "2023-04-01 to 2024-03-31"
    assert nps.compare_periods(d, customer_id=None).attrs["notes"] == [
        "no panel comparison requested (customer_id=None)"]


def test_compare_periods_passes_on_the_panel_warnings():
    # every respondent keeps the same answer: the paired difference has no standard error
    d = pd.DataFrame({"score": [10, 3, 8, 10, 3, 8], "customer_id": list("abcabc"),
                      "response_date": pd.to_datetime(["2023-03-01"] * 3 + ["2024-03-01"] * 3)})
    with pytest.warns(UserWarning, match="every respondent changed by the same amount"):
        r = nps.compare_periods(d)
    assert r.loc["same respondents", "diff"] == 0
