"""Tests of helpers.nps.trend: empty and low-n periods, marked changes."""

import numpy as np
import pandas as pd
import pytest

from helpers import nps


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


def test_trend_bootstrap_size_and_seed_are_parameters():
    months = {"2024-01": [10] * 10 + [8] * 5 + [3] * 10, "2024-02": [10] * 15 + [3] * 5}
    df = pd.DataFrame([(s, pd.Timestamp(m + "-15")) for m, ss in months.items() for s in ss],
                      columns=["score", "response_date"])
    default = nps.trend(df, method="bootstrap", min_n=5)
    pd.testing.assert_frame_equal(default, nps.trend(df, method="bootstrap", min_n=5, n_boot=2000,
                                                     seed=0))
    other = nps.trend(df, method="bootstrap", min_n=5, n_boot=300, seed=9)
    ref = nps.nps_summary(months["2024-02"], method="bootstrap", n_boot=300, seed=9)
    assert other.loc[1, ["ci_low", "ci_high"]].tolist() == [ref["ci_low"], ref["ci_high"]]
    assert not np.allclose(other["ci_low"], default["ci_low"])


def test_trend_over_a_wave_column_instead_of_dates():
    from helpers.nps import nps_summary

    sv = pd.DataFrame({"score": [10, 9, 3, 8, 10, 1, 0, 9, 10, 10],
                       "period": [2, 1, 10, 2, 1, 10, 2, 1, 10, 10]})
    t = nps.trend(sv, None, date="period", min_n=3)
    assert t["period"].tolist() == [1, 2, 10]  # numeric order, no empty waves in between
    for wave, row in zip([1, 2, 10], t.itertuples()):
        assert row.nps == pytest.approx(nps_summary(sv.loc[sv["period"] == wave, "score"])["nps"])
    assert t["n"].tolist() == [3, 3, 4] and t["change"].iloc[1] == pytest.approx(t["nps"].iloc[1] - t["nps"].iloc[0])
    with pytest.raises(ValueError, match="no answers with a 'period'"), \
            pytest.warns(UserWarning, match="10 answers have no 'period'"):
        nps.trend(sv.assign(period=None), None, date="period")
