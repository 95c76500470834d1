"""helpers.clv.base: the fitted-model interface, unique-triple compression, input checks."""

import numpy as np
import pandas as pd
import pytest

from helpers import clv


def test_cdnow_fixture_matches_published_summary(cdnow):
    assert len(cdnow) == 2357
    assert (cdnow["frequency"] > 0).sum() == 946
    assert cdnow["frequency"].sum() == 2457  # repeat purchases in weeks 1-39
    # customer 1 is Fader & Hardie's worked example: x = 2, t_x = 30.43, T = 38.86
    assert cdnow.loc[1, ["frequency", "recency", "T"]].round(2).tolist() == [2, 30.43, 38.86]


@pytest.mark.parametrize("fit, rtol", [(clv.fit_bgnbd, 1e-6), (clv.fit_pareto_nbd, 1e-5)])
def test_weighted_unique_triples_equal_every_customer(cdnow, fit, rtol):
    every = fit(cdnow, compress=False)
    triples = (cdnow.groupby(["frequency", "recency", "T"]).size().rename("n").reset_index())
    assert len(triples) < len(cdnow)
    weighted = fit(triples, weights=triples["n"])
    assert every.n_unique == 2357 and weighted.n_unique == len(triples)
    np.testing.assert_allclose(weighted.params, every.params, rtol=rtol)
    assert weighted.loglik == pytest.approx(every.loglik, abs=1e-6)
    np.testing.assert_allclose(weighted.se, every.se, rtol=1e-3)



# ---------------------------------------------------------------------------------------------------
# Properties of P(alive) and expectations (every lifetime model)
# ---------------------------------------------------------------------------------------------------


def test_p_alive_properties(bg, pnbd):
    no_repeat = pd.DataFrame({"frequency": [0, 0, 0], "recency": [0.0, 0.0, 0.0],
                              "T": [1.0, 20.0, 80.0]})
    assert (bg.p_alive(no_repeat) == 1.0).all()
    # fixed frequency and age: the longer since the last purchase (lower recency), the lower P(alive)
    rec = np.linspace(0, 38, 20)
    s = pd.DataFrame({"frequency": 3, "recency": rec, "T": 38.0})
    for fit in (bg, pnbd):
        pa = fit.p_alive(s).to_numpy()
        assert (np.diff(pa) > 0).all() and 0 < pa.min() and pa.max() <= 1
        # at recency = T (bought just now) P(alive) is 1 under Pareto/NBD, 1 / (1 + a/(b+x-1)) under BG/NBD
    _, _, a, b = bg.params
    assert bg.p_alive(s).iloc[-1] == pytest.approx(1 / (1 + a / (b + 2)))
    assert pnbd.p_alive(s).iloc[-1] == pytest.approx(1.0)


def test_expected_purchases_grow_with_t(bg, pnbd):
    t = np.array([0, 1, 5, 13, 26, 52, 104], dtype=float)
    s = pd.DataFrame({"frequency": [1], "recency": [5.0], "T": [20.0]})
    for fit in (bg, pnbd):
        e = fit.expected_purchases(t)
        assert e[0] == pytest.approx(0, abs=1e-12) and (np.diff(e) > 0).all()
        c = [fit.conditional_expected_purchases(h, s).iloc[0] for h in t]
        assert c[0] == pytest.approx(0, abs=1e-12) and (np.diff(c) > 0).all()
    assert isinstance(bg.expected_purchases(10), float)


def test_predict_and_summary_table(bg, cdnow):
    out = bg.predict(cdnow.iloc[[5, 0, 3]], 39)
    assert list(out.columns) == ["p_alive", "expected_purchases"]
    assert list(out.index) == sorted(out.index)
    tab = bg.summary_table()
    assert tab["param"].tolist() == ["r", "alpha", "a", "b"]
    assert ((tab["ci_lower"] < tab["estimate"]) & (tab["estimate"] < tab["ci_upper"])).all()
    r_row = tab.iloc[0]
    assert r_row["ci_lower"] == pytest.approx(r_row["estimate"] * np.exp(-1.959964 * r_row["se"]
                                                                         / r_row["estimate"]))
    assert bg.aic == pytest.approx(8 + 2 * 9582.429, abs=0.01)



# ---------------------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------------------


GOOD = {"frequency": [0, 2], "recency": [0.0, 3.0], "T": [5.0, 5.0]}


@pytest.mark.parametrize("change, match", [
    ({"frequency": [-1, 2]}, "frequency is negative"),
    ({"frequency": [0, 1.5]}, "not a whole number"),
    ({"recency": [0.0, 6.0]}, "recency exceeds T"),
    ({"recency": [1.0, 3.0]}, "frequency is 0"),
    ({"T": [5.0, np.nan]}, "missing or infinite"),
])
def test_bad_summary_values(change, match):
    with pytest.raises(ValueError, match=match):
        clv.fit_bgnbd(pd.DataFrame({**GOOD, **change}))


def test_bad_summary_shape_and_weights():
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['T'\]"):
        clv.fit_pareto_nbd(pd.DataFrame({"frequency": [1], "recency": [1.0]}))
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        clv.fit_bgnbd([[1, 2, 3]])
    with pytest.raises(ValueError, match="one value per summary row"):
        clv.fit_bgnbd(pd.DataFrame(GOOD), weights=[1, 2, 3])
    with pytest.raises(ValueError, match=">= 0"):
        clv.fit_bgnbd(pd.DataFrame(GOOD), weights=[1, -2])
    with pytest.raises(ValueError, match="lacks column"):
        clv.fit_gamma_gamma(pd.DataFrame(GOOD))
    with pytest.raises(ValueError, match="at least 2 repeat customers"):
        clv.fit_gamma_gamma(pd.DataFrame({**GOOD, "monetary_value": [0.0, 10.0]}))
    with pytest.raises(ValueError, match="from_unit must be one of"):
        clv.convert_time_unit(pd.DataFrame(GOOD), "days", "W")


def test_bad_prediction_arguments(bg):
    with pytest.raises(ValueError, match=">= 0"):
        bg.expected_purchases(-1)
    with pytest.raises(ValueError, match="one number"):
        bg.conditional_expected_purchases([1, 2], pd.DataFrame(GOOD))
    with pytest.raises(ValueError, match="level must be in"):
        bg.summary_table(level=95)


# ---------------------------------------------------------------------------------------------------
# One model registry behind one fitted-model interface
# ---------------------------------------------------------------------------------------------------
def test_registry_models_fit_through_one_interface(bg, pnbd, gg, cdnow):
    assert sorted(clv.LIFETIME_MODELS) == ["bgnbd", "pareto_nbd"]
    assert sorted(clv.MODELS) == ["bgnbd", "gamma_gamma", "pareto_nbd"]
    for fit in (bg, pnbd, gg):
        model = clv.MODELS[fit.model]
        assert fit.spec is model and list(fit.params.index) == list(model.param_names)
    assert isinstance(bg, clv.LifetimeFit) and isinstance(gg, clv.SpendFit)
    again = clv.LIFETIME_MODELS["bgnbd"].fit(cdnow, time_unit="W")
    pd.testing.assert_series_equal(again.params, bg.params)
    assert again.loglik == bg.loglik
