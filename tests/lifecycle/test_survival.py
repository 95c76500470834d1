"""Tests for helpers.lifecycle.survival: durations, Kaplan-Meier and log-rank worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers import lifecycle as lc


def test_survival_durations_by_hand(km_tx):
    sv = lc.lapse_survival(km_tx, "2024-03-31", lapse_days=10)
    d = sv.durations
    assert d["duration"].tolist() == [10, 17, 15, 6, 30, 10]
    assert d["lapsed"].tolist() == [True, True, True, False, False, True]


def test_survival_kaplan_meier_by_hand(km_tx):
    sv = lc.lapse_survival(km_tx, "2024-03-31", lapse_days=10)
    # sorted: 6+, 10, 10, 15, 17, 30+
    # t=10: at risk 5, 2 events -> S = 3/5 = 0.6
    # t=15: at risk 3, 1 event  -> S = 0.6 * 2/3 = 0.4
    # t=17: at risk 2, 1 event  -> S = 0.4 * 1/2 = 0.2
    # Greenwood: Var = S^2 * sum d / (n (n - d)):
    #   t=10: 0.36 * 2/15 = 0.048; t=15: 0.16 * (2/15 + 1/6) = 0.048;
    #   t=17: 0.04 * (0.3 + 1/2) = 0.032
    # (the last row carries the curve on to the censored follow-up at 30 days)
    c = sv.curves
    assert c["time"].tolist() == [0, 10, 15, 17, 30]
    np.testing.assert_allclose(c["survival"], [1, 0.6, 0.4, 0.2, 0.2])
    np.testing.assert_allclose(c["n_at_risk"], [6, 5, 3, 2, 1])
    np.testing.assert_allclose(c["n_events"], [0, 2, 1, 1, 0])
    np.testing.assert_allclose(c["se"][:4], np.sqrt([0, 0.048, 0.048, 0.032]), rtol=1e-9)
    # log(-log) band at t=10: sd = se / (S |ln S|); bounds S^exp(+-1.96 sd)
    s, se = 0.6, np.sqrt(0.048)
    sd = se / (s * abs(np.log(s)))
    z = stats.norm.ppf(0.975)
    assert c.loc[1, "lower"] == pytest.approx(s ** np.exp(z * sd))
    assert c.loc[1, "upper"] == pytest.approx(s ** np.exp(-z * sd))
    assert (c["lower"] <= c["survival"]).all() and (c["survival"] <= c["upper"]).all()
    # median: first time with S <= 0.5
    assert sv.medians.loc["all", "median"] == 15
    assert sv.medians.loc["all", "n"] == 6 and sv.medians.loc["all", "events"] == 4
    assert sv.logrank is None


def test_survival_logrank_by_hand(km_tx):
    sv = lc.lapse_survival(km_tx, "2024-03-31", lapse_days=10, by="channel")
    # web = s1, s2, s3 (10, 17, 15 events); shop = s4 (6+), s5 (30+), s6 (10 event)
    # t=10: n=5 (web 3), d=2 -> E_web = 1.2, V = 2 * .6 * .4 * 3/4 = 0.36
    # t=15: n=3 (web 2), d=1 -> E = 2/3, V = 2/9
    # t=17: n=2 (web 1), d=1 -> E = 1/2, V = 1/4
    o_minus_e = 3 - (1.2 + 2 / 3 + 0.5)
    var = 0.36 + 2 / 9 + 0.25
    chi2 = o_minus_e**2 / var
    assert sv.logrank["statistic"] == pytest.approx(chi2)
    assert sv.logrank["pvalue"] == pytest.approx(stats.chi2.sf(chi2, 1))
    assert sv.logrank["df"] == 1
    assert sorted(sv.curves["group"].unique()) == ["shop", "web"]
    # web: 3 at risk at 10 (1 event) -> 2/3; at 15 -> 1/3; at 17 -> 0
    web = sv.curves[sv.curves["group"] == "web"]
    np.testing.assert_allclose(web["survival"], [1, 2 / 3, 1 / 3, 0])
    assert sv.medians.loc["web", "median"] == 15


def test_survival_by_series_and_missing_group(km_tx):
    groups = pd.Series({"s1": "x", "s2": "x", "s3": "y", "s4": "y", "s5": "y"})
    with pytest.warns(UserWarning, match="1 customer"):
        sv = lc.lapse_survival(km_tx, "2024-03-31", lapse_days=10, by=groups)
    assert sv.medians["n"].to_dict() == {"x": 2, "y": 3}
    with pytest.raises(ValueError, match="not a column"):
        lc.lapse_survival(km_tx, "2024-03-31", lapse_days=10, by="nope")
    with pytest.raises(ValueError, match="lapse_days"):
        lc.lapse_survival(km_tx, "2024-03-31", lapse_days=0)
    with pytest.raises(TypeError, match="by must be"):
        lc.lapse_survival(km_tx, "2024-03-31", lapse_days=10, by=3)
