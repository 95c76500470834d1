"""helpers.clv.value: customer value against Monte Carlo and by hand, units, margins, bootstrap."""

import numpy as np
import pandas as pd
import pytest

from helpers import clv


def simulate_future(params, x, tx, T, horizon, disc, n_sims, seed):
    """Monte Carlo of a BG/NBD customer's future given her history: (count, discounted count)."""
    r, alpha, a, b = params
    rng = np.random.default_rng(seed)
    p_alive = 1 / (1 + (x > 0) * a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x))
    alive = rng.random(n_sims) < p_alive
    lam = rng.gamma(r + x, 1 / (alpha + T), n_sims)  # posterior given alive
    p = rng.beta(a, b + x, n_sims)
    t = np.zeros(n_sims)
    count = np.zeros(n_sims)
    dcount = np.zeros(n_sims)
    while alive.any():
        t[alive] += rng.exponential(1 / lam[alive])
        alive &= t <= horizon
        count[alive] += 1
        dcount[alive] += disc ** np.ceil(t[alive])
        alive &= rng.random(n_sims) >= p
    return count, dcount


def test_discounted_purchases_match_monte_carlo(bg, gg):
    s = pd.DataFrame({"frequency": [2, 6], "recency": [30.43, 20.0], "T": [38.86, 38.0],
                      "monetary_value": [22.35, 40.0]}, index=["a", "b"])
    rate = 0.5  # a high rate makes the discounting visible
    cv = clv.customer_value(s, bg, gg, horizon=52, time_unit="W", annual_discount_rate=rate,
                            margin_rate=1.0, n_boot=0)
    disc = 1.5 ** (-7 / 365.25)
    assert cv.settings["discount_factor_per_period"] == pytest.approx(disc)
    for cid, row in s.iterrows():
        count, dcount = simulate_future(bg.params.to_numpy(), row["frequency"], row["recency"],
                                        row["T"], 52, disc, 200_000, seed=7)
        got = cv.table.loc[cid]
        assert abs(got["expected_purchases"] - count.mean()) < 4 * count.std() / np.sqrt(len(count))
        assert abs(got["discounted_purchases"] - dcount.mean()) < 4 * dcount.std() / np.sqrt(len(dcount))
        assert got["discounted_purchases"] < 0.92 * got["expected_purchases"]


def test_customer_value_without_discount_is_expected_purchases(bg, gg, cdnow):
    sub = cdnow.iloc[:300]
    cv = clv.customer_value(sub, bg, gg, horizon=52, annual_discount_rate=0.0, margin_rate=0.25,
                            n_boot=0)
    t = cv.table
    np.testing.assert_allclose(t["discounted_purchases"],
                               bg.conditional_expected_purchases(52, sub).sort_index(), rtol=1e-9)
    np.testing.assert_allclose(t["clv"], t["discounted_purchases"] * t["expected_spend"] * 0.25)
    np.testing.assert_allclose(t["expected_spend"], gg.conditional_expected_spend(sub).sort_index())
    assert cv.total["estimate"] == pytest.approx(t["clv"].sum())
    assert t["clv_lower"].isna().all()


def test_customer_value_time_units_are_explicit(cdnow, gg):
    weeks = clv.fit_bgnbd(cdnow, time_unit="W", confirm=False)
    days_summary = clv.convert_time_unit(cdnow, "W", "D")
    days = clv.fit_bgnbd(days_summary, time_unit="D", confirm=False)
    assert days.params["alpha"] == pytest.approx(7 * weeks.params["alpha"], rel=1e-5)
    sub_w, sub_d = cdnow.iloc[:50], days_summary.iloc[:50]
    kw = {"margin_rate": 0.3, "n_boot": 0}
    flat_w = clv.customer_value(sub_w, weeks, gg, horizon=52, time_unit="W", annual_discount_rate=0, **kw)
    flat_d = clv.customer_value(sub_d, days, gg, horizon=364, time_unit="D", annual_discount_rate=0, **kw)
    np.testing.assert_allclose(flat_d.table["clv"], flat_w.table["clv"], rtol=1e-5)
    disc_w = clv.customer_value(sub_w, weeks, gg, horizon=52, time_unit="W", **kw)
    disc_d = clv.customer_value(sub_d, days, gg, horizon=364, time_unit="D", **kw)
    # daily discounting charges each purchase to the end of its day, not of its week: a little more value
    ratio = disc_d.table["clv"] / disc_w.table["clv"]
    assert (ratio > 1).all() and (ratio < 1.001).all()
    assert disc_d.settings["discount_factor_per_period"] == pytest.approx(1.1 ** (-1 / 365.25))
    assert clv.DAYS_PER_UNIT["M"] == pytest.approx(30.4375)
    with pytest.raises(ValueError, match="fitted with time unit 'D'"):
        clv.customer_value(sub_d, days, gg, horizon=12, time_unit="M", **kw)


def test_customer_value_margin_sources(bg, gg, cdnow):
    sub = cdnow.iloc[:200].copy()
    sub["profit"] = 0.4 * sub["monetary_value"]
    by_rate = clv.customer_value(sub, bg, gg, margin_rate=0.4, n_boot=0)
    by_col = clv.customer_value(sub, bg, gg, profit_col="profit", n_boot=0)
    np.testing.assert_allclose(by_col.table["clv"], by_rate.table["clv"])
    sub.loc[sub.index[sub["frequency"] > 0][0], "profit"] = 0.0
    by_col = clv.customer_value(sub, bg, gg, profit_col="profit", n_boot=0)
    assert (by_col.table["margin_rate"] == 0).sum() == 1


def test_customer_value_bootstrap_interval(bg, gg, cdnow):
    sub = cdnow.iloc[:400]
    cv = clv.customer_value(sub, bg, gg, margin_rate=0.3, n_boot=100, seed=1)
    t = cv.table
    assert (t["clv_lower"] < t["clv_upper"]).all()
    inside = (t["clv_lower"] <= t["clv"]) & (t["clv"] <= t["clv_upper"])
    assert inside.mean() > 0.95
    assert cv.total["lower"] < cv.total["estimate"] < cv.total["upper"]
    again = clv.customer_value(sub, bg, gg, margin_rate=0.3, n_boot=100, seed=1, chunk_size=64)
    pd.testing.assert_frame_equal(again.table, t)


@pytest.mark.parametrize("kwargs, match", [
    ({"margin_rate": None}, "exactly one of margin_rate"),
    ({"margin_rate": 0.3, "profit_col": "monetary_value"}, "exactly one of margin_rate"),
    ({"margin_rate": 1.5}, "margin_rate must be in"),
    ({"margin_rate": 0.3, "horizon": 0}, "horizon must be a whole number"),
    ({"margin_rate": 0.3, "horizon": 2.5}, "horizon must be a whole number"),
    ({"margin_rate": 0.3, "annual_discount_rate": -0.1}, "annual_discount_rate must be >= 0"),
    ({"margin_rate": 0.3, "time_unit": "month"}, "time_unit must be one of"),
    ({"margin_rate": 0.3, "n_boot": -1}, "n_boot must be"),
    ({"profit_col": "nope"}, "not a column"),
])
def test_customer_value_bad_arguments(bg, gg, cdnow, kwargs, match):
    with pytest.raises(ValueError, match=match):
        clv.customer_value(cdnow.iloc[:10], bg, gg, **kwargs)


def test_customer_value_by_group_sums_the_same_draws(bg, gg, cdnow):
    sub = cdnow.iloc[:600]
    labels = pd.Series(np.where(sub["frequency"] > 2, "frequent", "rare"), index=sub.index)
    labels.iloc[:5] = None  # no label: left out of the groups, still in the total
    kw = {"margin_rate": 0.3, "n_boot": 60, "seed": 3}
    cv = clv.customer_value(sub, bg, gg, by=labels, **kw)
    bg_tab = cv.by_group
    assert bg_tab.index.tolist() == ["frequent", "rare"]
    assert bg_tab["customers"].tolist() == [int((labels == "frequent").sum()), int((labels == "rare").sum())]
    for name in bg_tab.index:
        # independent route: the group alone, valued with the same seed, draws the same parameters
        alone = clv.customer_value(sub[labels == name], bg, gg, **kw).total
        assert bg_tab.loc[name, "estimate"] == pytest.approx(alone["estimate"], rel=1e-9)
        assert bg_tab.loc[name, "lower"] == pytest.approx(alone["lower"], rel=1e-6)
        assert bg_tab.loc[name, "upper"] == pytest.approx(alone["upper"], rel=1e-6)
    # the groups' intervals are not the sums of their customers' bounds (those are far wider)
    sum_lower = cv.table.loc[labels == "rare", "clv_lower"].sum()
    assert sum_lower < bg_tab.loc["rare", "lower"]
    ordered = pd.Series(pd.Categorical(labels, categories=["rare", "frequent", "none"]), index=sub.index)
    cat = clv.customer_value(sub, bg, gg, by=ordered, margin_rate=0.3, n_boot=0).by_group
    assert cat.index.tolist() == ["rare", "frequent", "none"] and cat["customers"].iloc[2] == 0
    assert cat["lower"].isna().all()
    with pytest.raises(ValueError, match="one label per summary row"):
        clv.customer_value(sub, bg, gg, by=["a", "b"], margin_rate=0.3, n_boot=0)


def test_customer_value_needs_fits(bg, gg, cdnow):
    with pytest.raises(TypeError, match="spend_fit"):
        clv.customer_value(cdnow, bg, bg, margin_rate=0.3)


def test_customer_value_keeps_its_draws_for_reuse(bg, gg, cdnow):
    sub = cdnow.iloc[:300]
    kw = {"margin_rate": 0.3, "n_boot": 40, "seed": 5}
    cv = clv.customer_value(sub, bg, gg, **kw)
    assert list(cv.draws) == ["lifetime", "spend"]
    assert cv.draws["lifetime"].shape == (40, 4) and list(cv.draws["spend"].columns) == ["p", "q", "gamma"]
    labels = pd.Series(np.where(sub["frequency"] > 0, "repeat", "once"), index=sub.index)
    redrawn = clv.customer_value(sub, bg, gg, by=labels, **kw)
    reused = clv.customer_value(sub, bg, gg, by=labels, draws=cv.draws, **{**kw, "seed": 99})
    pd.testing.assert_frame_equal(reused.by_group, redrawn.by_group)
    pd.testing.assert_frame_equal(reused.table, cv.table)
    assert clv.customer_value(sub, bg, gg, margin_rate=0.3, n_boot=0).draws is None
    with pytest.raises(ValueError, match="draws have shapes"):
        clv.customer_value(sub, bg, gg, margin_rate=0.3, n_boot=10, draws=cv.draws)
    with pytest.raises(ValueError, match="CustomerValue.draws"):
        clv.customer_value(sub, bg, gg, margin_rate=0.3, n_boot=40, draws={"lifetime": 1})
