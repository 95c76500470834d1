"""Tests of helpers.clv: published CDNOW estimates, independent formulas, simulation, bad input."""

import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from scipy import integrate, special
from statsmodels.tools.numdiff import approx_hess3

from helpers import clv
from helpers.plots import plot_holdout, plot_p_alive_matrix

plt.switch_backend("Agg")

DATA = Path(__file__).parent / "data" / "CDNOW_sample.txt"
CAL_END = pd.Timestamp("1997-09-30")
HOLDOUT_END = pd.Timestamp("1998-06-30")


def sig3(v):
    """Round to three significant figures."""
    return float(f"{v:.3g}")


# ---------------------------------------------------------------------------------------------------
# CDNOW fixtures, built with plain pandas (independent of helpers.lifecycle)
# ---------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cdnow_days():
    raw = pd.read_csv(DATA, sep=r"\s+", header=None, dtype={"date": str},
                      names=["master_id", "customer_id", "date", "quantity", "spend"])
    raw["date"] = pd.to_datetime(raw["date"], format="%Y%m%d")
    # purchases on the same day are one purchase
    return raw.groupby(["customer_id", "date"], as_index=False)["spend"].sum()


@pytest.fixture(scope="module")
def cdnow(cdnow_days):
    cal = cdnow_days[cdnow_days["date"] <= CAL_END]
    g = cal.groupby("customer_id")["date"]
    first, last, n = g.min(), g.max(), g.size()
    s = pd.DataFrame({"frequency": n - 1,
                      "recency": (last - first).dt.days / 7,
                      "T": (CAL_END - first).dt.days / 7})
    repeat = cal[cal["date"] > cal["customer_id"].map(first)]
    s["monetary_value"] = repeat.groupby("customer_id")["spend"].mean().reindex(s.index).fillna(0.0)
    s.index.name = "customer_id"
    return s


@pytest.fixture(scope="module")
def holdout(cdnow_days):
    h = cdnow_days[(cdnow_days["date"] > CAL_END) & (cdnow_days["date"] <= HOLDOUT_END)]
    return h.groupby("customer_id").size()


@pytest.fixture(scope="module")
def bg(cdnow):
    return clv.fit_bgnbd(cdnow, time_unit="W")


@pytest.fixture(scope="module")
def pnbd(cdnow):
    return clv.fit_pareto_nbd(cdnow, time_unit="W")


@pytest.fixture(scope="module")
def gg(cdnow):
    return clv.fit_gamma_gamma(cdnow)


@pytest.fixture
def close_figures():
    yield
    plt.close("all")


def test_cdnow_fixture_matches_published_summary(cdnow):
    assert len(cdnow) == 2357
    assert (cdnow["frequency"] > 0).sum() == 946
    assert cdnow["frequency"].sum() == 2457  # repeat purchases in weeks 1-39
    # customer 1 is Fader & Hardie's worked example: x = 2, t_x = 30.43, T = 38.86
    assert cdnow.loc[1, ["frequency", "recency", "T"]].round(2).tolist() == [2, 30.43, 38.86]


# ---------------------------------------------------------------------------------------------------
# Published estimates
# ---------------------------------------------------------------------------------------------------
def test_bgnbd_reproduces_fader_hardie_lee_2005(bg):
    got = {k: sig3(v) for k, v in bg.params.items()}
    assert got == {"r": 0.243, "alpha": 4.41, "a": 0.793, "b": 2.43}
    assert round(bg.loglik, 1) == -9582.4
    assert bg.converged and bg.n == 2357


def test_bgnbd_conditional_expectation_published(bg):
    s = pd.DataFrame({"frequency": [2], "recency": [30.43], "T": [38.86]})
    assert round(bg.conditional_expected_purchases(39, s).iloc[0], 3) == 1.226


def test_pareto_nbd_reproduces_published(pnbd):
    got = {k: sig3(v) for k, v in pnbd.params.items()}
    assert got == {"r": 0.553, "alpha": 10.6, "s": 0.606, "beta": 11.7}
    assert round(pnbd.loglik, 1) == -9595.0
    assert pnbd.converged


def test_gamma_gamma_reproduces_published(gg):
    got = {k: sig3(v) for k, v in gg.params.items()}
    assert got == {"p": 6.25, "q": 3.74, "gamma": 15.4}
    assert gg.n == 946
    # lifetimes' documentation reports corr(frequency, monetary_value) = 0.113884 on these data
    assert gg.diagnostics["corr_frequency_monetary"] == pytest.approx(0.113884, abs=1e-5)


# ---------------------------------------------------------------------------------------------------
# Independent computations
# ---------------------------------------------------------------------------------------------------
def bgnbd_loglik_direct(params, x, tx, T):
    """Fader, Hardie & Lee (2005) eq. (6), written with B(a+1, b+x-1) as in the paper."""
    r, alpha, a, b = params
    c = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    t1 = special.betaln(a, b + x) - special.betaln(a, b) - (r + x) * np.log(alpha + T)
    with np.errstate(invalid="ignore"):
        t2 = np.where(x > 0, special.betaln(a + 1, np.maximum(b + x - 1, 1e-300)) - special.betaln(a, b)
                      - (r + x) * np.log(alpha + tx), -np.inf)
    return c + np.logaddexp(t1, t2)


def test_bgnbd_loglik_and_standard_errors_match_direct_formula(bg, cdnow):
    x, tx, T = (cdnow[c].to_numpy(float) for c in ("frequency", "recency", "T"))

    def ll(p):
        return bgnbd_loglik_direct(p, x, tx, T).sum()

    est = bg.params.to_numpy()
    assert ll(est) == pytest.approx(bg.loglik, abs=1e-6)
    cov = np.linalg.inv(-approx_hess3(est, ll))
    np.testing.assert_allclose(bg.se.to_numpy(), np.sqrt(np.diag(cov)), rtol=0.01)


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


def test_bgnbd_expectations_match_direct_hypergeometric_forms(bg):
    r, alpha, a, b = bg.params
    t = np.array([0.0, 10.0, 39.0, 78.0])
    direct = (a + b - 1) / (a - 1) * (
        1 - (alpha / (alpha + t)) ** r * special.hyp2f1(r, b, a + b - 1, t / (alpha + t)))
    np.testing.assert_allclose(bg.expected_purchases(t), direct, rtol=1e-9, atol=1e-12)
    # FHL (2005) eq. (10), without the transformation the module uses
    s = pd.DataFrame({"frequency": [0, 1, 5, 12], "recency": [0.0, 3.0, 20.0, 36.0],
                      "T": [38.0, 30.0, 35.0, 38.0]})
    x, tx, T = (s[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    h = 52.0
    num = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + h)) ** (r + x)
                                       * special.hyp2f1(r + x, b + x, a + b + x - 1, h / (alpha + T + h)))
    den = 1 + (x > 0) * a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x)
    np.testing.assert_allclose(bg.conditional_expected_purchases(h, s), num / den, rtol=1e-9)


def pareto_by_quadrature(params, x, tx, T, t=None):
    """Pareto/NBD likelihood, P(alive) and E[Y(t)] by numerical integration (one customer)."""
    r, alpha, s, beta = params
    c = np.exp(special.gammaln(r + x) - special.gammaln(r)) * alpha**r * beta**s
    alive = (alpha + T) ** -(r + x) * (beta + T) ** -s
    dead = integrate.quad(lambda u: (alpha + u) ** -(r + x) * s * (beta + u) ** -(s + 1), tx, T,
                          epsabs=0, epsrel=1e-12)[0]
    p_alive = alive / (alive + dead)
    out = {"loglik": np.log(c * (alive + dead)), "p_alive": p_alive}
    if t is not None:
        # alive: lambda ~ Gamma(r+x, alpha+T), mu ~ Gamma(s, beta+T); E = E[lambda] E[(1-e^-mu t)/mu]
        rate = beta + T
        g = integrate.quad(lambda m: -np.expm1(-m * t) / m * np.exp(
            s * np.log(rate) + (s - 1) * np.log(m) - rate * m - special.gammaln(s)), 0, np.inf,
            epsabs=0, epsrel=1e-10, limit=200)[0]
        out["expected"] = p_alive * (r + x) / (alpha + T) * g
    return out


def test_pareto_nbd_matches_numerical_integration(pnbd, cdnow):
    est = pnbd.params.to_numpy()
    triples = cdnow.groupby(["frequency", "recency", "T"]).size().rename("n").reset_index()
    ll = sum(n * pareto_by_quadrature(est, x, tx, T)["loglik"]
             for x, tx, T, n in triples.itertuples(index=False))
    assert ll == pytest.approx(pnbd.loglik, abs=1e-6)
    s = pd.DataFrame({"frequency": [0, 2, 7, 25, 3], "recency": [0.0, 30.43, 10.0, 38.0, 38.86],
                      "T": [38.86, 38.86, 38.0, 38.5, 38.86]})
    ref = [pareto_by_quadrature(est, *row, t=39.0) for row in s.itertuples(index=False)]
    np.testing.assert_allclose(pnbd.p_alive(s), [o["p_alive"] for o in ref], rtol=1e-8)
    np.testing.assert_allclose(pnbd.conditional_expected_purchases(39, s),
                               [o["expected"] for o in ref], rtol=1e-7)
    r, alpha, s_, beta = est
    t = np.array([1.0, 39.0])
    np.testing.assert_allclose(pnbd.expected_purchases(t),
                               r * beta / (alpha * (s_ - 1)) * (1 - (beta / (beta + t)) ** (s_ - 1)))


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


# ---------------------------------------------------------------------------------------------------
# Properties of P(alive) and expectations
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
# Simulation recovery and flat likelihoods
# ---------------------------------------------------------------------------------------------------
def test_fit_recovers_simulated_parameters():
    truth = {"r": 0.5, "alpha": 6.0, "a": 0.7, "b": 3.0}
    rng = np.random.default_rng(11)
    s = clv.simulate_bgnbd(20_000, **truth, T=rng.uniform(20, 60, 20_000), spend=(5.0, 4.0, 20.0),
                           seed=12)
    fit = clv.fit_bgnbd(s)
    z = (fit.params - pd.Series(truth)) / fit.se
    assert (z.abs() < 4).all(), z
    g = clv.fit_gamma_gamma(s)
    zg = (g.params - pd.Series({"p": 5.0, "q": 4.0, "gamma": 20.0})) / g.se
    assert (zg.abs() < 4).all(), zg


def test_flat_likelihood_without_dropout_warns():
    # almost no drop-out (p ~ Beta(1e-4, 1e4)): the data cannot pin a and b down
    s = clv.simulate_bgnbd(5000, r=0.5, alpha=5, a=1e-4, b=1e4, T=40, seed=3)
    with pytest.warns(UserWarning, match="nearly flat|bound"):
        fit = clv.fit_bgnbd(s)
    assert not fit.converged


def test_no_repeat_buyer_warns():
    s = pd.DataFrame({"frequency": [0, 0, 0], "recency": [0.0, 0.0, 0.0], "T": [5.0, 6.0, 7.0]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = clv.fit_bgnbd(s, confirm=False)
    messages = [str(w.message) for w in caught if w.category is UserWarning]
    assert any("no customer made a repeat purchase" in m for m in messages)
    assert any("ran to the search bound" in m for m in messages)  # alpha -> infinity
    assert not fit.converged


# ---------------------------------------------------------------------------------------------------
# Gamma-Gamma
# ---------------------------------------------------------------------------------------------------
def test_gamma_gamma_conditional_spend_by_hand(gg):
    p, q, g = gg.params
    s = pd.DataFrame({"frequency": [0, 2, 10], "recency": [0.0, 30.43, 35.0], "T": [38.86] * 3,
                      "monetary_value": [0.0, 22.35, 50.0]})
    want = [p * g / (q - 1),                    # population mean, about 35.2
            p * (g + 2 * 22.35) / (2 * p + q - 1),
            p * (g + 10 * 50.0) / (10 * p + q - 1)]
    np.testing.assert_allclose(gg.conditional_expected_spend(s), want)
    assert gg.expected_spend() == pytest.approx(35.2, abs=0.1)


def test_gamma_gamma_reports_correlation_and_excluded_rows():
    s = clv.simulate_bgnbd(3000, r=0.8, alpha=4, a=0.8, b=2.5, T=40, spend=(6, 4, 15), seed=4)
    fit = clv.fit_gamma_gamma(s)
    assert abs(fit.diagnostics["corr_frequency_monetary"]) < 0.1  # simulated independent
    s = s[s["frequency"] > 0].copy()
    s["monetary_value"] *= s["frequency"]  # big spenders buy often: the assumption fails
    with pytest.warns(UserWarning, match="independent of frequency"):
        fit = clv.fit_gamma_gamma(s)
    repeat = s[s["frequency"] > 0]
    want = np.corrcoef(repeat["frequency"], repeat["monetary_value"])[0, 1]
    assert fit.diagnostics["corr_frequency_monetary"] == pytest.approx(want) and want > 0.3
    s.iloc[:3, s.columns.get_loc("monetary_value")] = -1.0
    with pytest.warns(UserWarning, match="3 repeat customer"):
        fit = clv.fit_gamma_gamma(s, max_abs_corr=1.0)
    assert fit.n == len(s) - 3


# ---------------------------------------------------------------------------------------------------
# Customer value
# ---------------------------------------------------------------------------------------------------
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


# ---------------------------------------------------------------------------------------------------
# Holdout check
# ---------------------------------------------------------------------------------------------------
def test_calibration_holdout_by_hand():
    # a: purchases on 1 Jan (twice: one day), 8 Jan | 20 Jan, 21 Jan (refund only) -> 1 holdout day
    # b: 3 Jan | nothing; c: first purchase in the holdout -> not predictable, counted apart
    tx = pd.DataFrame({
        "customer_id": ["a", "a", "a", "a", "a", "b", "c"],
        "order_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-08", "2024-01-20",
                                      "2024-01-21", "2024-01-03", "2024-01-25"]),
        "amount": [10.0, 2.0, 5.0, 20.0, -20.0, 8.0, 4.0]})
    s, h, length = clv.calibration_holdout(tx, "2024-01-14", "2024-01-28", time_unit="W")
    assert s.index.tolist() == ["a", "b"] and h.index.tolist() == ["a", "b"]
    assert s["frequency"].tolist() == [1, 0]
    assert s["recency"].tolist() == [1.0, 0.0]  # 7 days = 1 week
    np.testing.assert_allclose(s["T"], [13 / 7, 11 / 7])
    assert h.tolist() == [1, 0] and h.attrs["new_in_holdout"] == 1
    assert length == 2.0
    _, _, days = clv.calibration_holdout(tx, "2024-01-14", "2024-01-28", time_unit="D")
    assert days == 14.0
    with pytest.raises(ValueError, match="must be before observation_end"):
        clv.calibration_holdout(tx, "2024-01-28", "2024-01-28")
    with pytest.raises(ValueError, match="time_unit must be one of"):
        clv.calibration_holdout(tx, "2024-01-14", time_unit="weeks")


def test_holdout_table_cdnow(bg, pnbd, cdnow, holdout):
    tab = clv.holdout_table(cdnow, holdout, bg, 39)
    assert tab.index.tolist() == ["0", "1", "2", "3", "4", "5", "6", "7+", "Total"]
    assert tab.loc["Total", "customers"] == 2357
    assert tab.loc["Total", "actual_total"] == 1882  # distinct purchase days, 1997-10-01..1998-06-30
    assert tab["customers"].iloc[:-1].sum() == 2357
    ratio = tab.loc["Total", "predicted_total"] / tab.loc["Total", "actual_total"]
    # the BG/NBD under-forecasts the CDNOW holdout by about 12% (mostly customers with 1-2 purchases)
    assert 0.85 < ratio < 1.0
    body = tab.iloc[:-1]
    assert (np.diff(body["predicted_mean"]) > 0).all()
    assert (np.diff(body["actual_mean"]) > 0).all()
    assert abs(body.loc["0", "predicted_mean"] / body.loc["0", "actual_mean"] - 1) < 0.1
    assert abs(body.loc["7+", "predicted_mean"] / body.loc["7+", "actual_mean"] - 1) < 0.1
    # Pareto/NBD and BG/NBD give nearly the same aggregate forecast (FHL 2005)
    tab_p = clv.holdout_table(cdnow, holdout, pnbd, 39)
    assert tab_p.loc["Total", "predicted_total"] == pytest.approx(tab.loc["Total", "predicted_total"],
                                                                  rel=0.02)


def test_holdout_table_hand_example(bg):
    s = pd.DataFrame({"frequency": [0, 0, 1, 3], "recency": [0.0, 0.0, 2.0, 9.0], "T": [10.0] * 4},
                     index=["a", "b", "c", "d"])
    with pytest.warns(UserWarning, match="1 customer"):
        tab = clv.holdout_table(s, pd.Series({"a": 1, "d": 4, "zz": 2}), bg, 10, max_frequency=2)
    pred = bg.conditional_expected_purchases(10, s)
    assert tab.index.tolist() == ["0", "1", "2+", "Total"]
    assert tab["customers"].tolist() == [2, 1, 1, 4]
    assert tab["actual_total"].tolist() == [1.0, 0.0, 4.0, 5.0]
    assert tab.loc["0", "predicted_mean"] == pytest.approx(pred[["a", "b"]].mean())
    assert tab.loc["Total", "predicted_total"] == pytest.approx(pred.sum())


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
# Plots
# ---------------------------------------------------------------------------------------------------
def test_plot_holdout_returns_axes(bg, cdnow, holdout, close_figures):
    tab = clv.holdout_table(cdnow, holdout, bg, 39)
    ax = plot_holdout(tab, ax=plt.figure().gca())
    assert isinstance(ax, plt.Axes)
    assert len(ax.get_lines()) == 2
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), tab["actual_mean"].iloc[:-1])
    with pytest.raises(ValueError, match="holdout_table"):
        plot_holdout(pd.DataFrame({"x": [1]}))


def test_plot_p_alive_matrix_returns_axes(bg, close_figures):
    ax = plot_p_alive_matrix(bg, max_frequency=12, max_recency=39, ax=plt.figure().gca())
    assert isinstance(ax, plt.Axes)
    img = ax.images[0].get_array()
    assert img.shape == (13, 40)
    assert img[0, 0] == 1.0 and np.ma.is_masked(img[0, 5])  # frequency 0 only at recency 0
    s = pd.DataFrame({"frequency": [12], "recency": [20.0], "T": [39.0]})
    assert img[12, 20] == pytest.approx(bg.p_alive(s).iloc[0])
    default = plot_p_alive_matrix(bg, ax=plt.figure().gca())
    assert default.images[0].get_array().shape == (30, 40)  # data max frequency 29, max T 38.86
    with pytest.raises(ValueError, match="T .* must be >= max_recency"):
        plot_p_alive_matrix(bg, max_frequency=3, max_recency=10, T=5)
