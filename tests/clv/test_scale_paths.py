"""helpers.clv at scale: the shortcuts give the numbers of the direct evaluation.

P(alive) of the Pareto/NBD per unique pair against row by row, Phi per unique T against per row,
the purchases-ahead draws against the conditional expectation per draw, the value draws reused
for a second grouping against a fresh computation, and the confirming optimiser run only when
needed against the always-confirmed fit.
"""

import pickle

import numpy as np
import pandas as pd
import pytest

from helpers import clv
from helpers.clv.base import _pairs, _triples
from helpers.clv.pareto_nbd import _PAIRS_FROM, PARETO_NBD
from helpers.clv.value import _discounted_purchases


def test_pareto_p_alive_per_pair_equals_row_by_row(cdnow, pnbd):
    x, tx, T = (cdnow[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    assert len(x) > _PAIRS_FROM  # the pair path is taken
    p = pnbd.params.to_numpy()
    fast = PARETO_NBD.p_alive(p, x, tx, T)
    slow = np.array([PARETO_NBD.p_alive(p, x[i:i + 1], tx[i:i + 1], T[i:i + 1]) for i in range(len(x))])
    np.testing.assert_allclose(fast, slow.ravel(), rtol=1e-12, atol=0)
    # the same on read-only triples (their pairs are kept between calls) and again from the keep
    ux, utx, uT, inv = _triples(x, tx, T)
    first = PARETO_NBD.p_alive(p, ux, utx, uT)
    again = PARETO_NBD.p_alive(p * 1.01, ux, utx, uT)
    np.testing.assert_allclose(first[inv], fast, rtol=1e-12)
    direct = np.concatenate([PARETO_NBD.p_alive(p * 1.01, ux[i:i + 100], utx[i:i + 100], uT[i:i + 100])
                             for i in range(0, len(ux), 100)])
    np.testing.assert_allclose(again, direct, rtol=1e-12)


def test_pareto_phi_does_not_depend_on_x_so_unique_T_suffices(cdnow, pnbd):
    p = pnbd.params.to_numpy()
    T = np.array([1.0, 20.0, 39.0])
    t = np.arange(0, 53.0)
    a = PARETO_NBD.phi(p, np.zeros((3, 1)), T[:, None], t[None, :])
    b = PARETO_NBD.phi(p, np.full((3, 1), 17.0), T[:, None], t[None, :])
    np.testing.assert_array_equal(a, b)
    x, tx, T = (cdnow[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    disc = 1.1 ** (-7 / 365.25)
    by_T = _discounted_purchases(PARETO_NBD, p, x, tx, T, 52, disc)
    by_pair = _discounted_purchases(PARETO_NBD, p, x, tx, T, 52, disc, pairs=_pairs(x, T))
    for u, v in zip(by_T, by_pair):
        np.testing.assert_allclose(u, v, rtol=1e-13)


def _margin(cdnow):
    return cdnow.assign(repeat_profit=cdnow["monetary_value"] * 0.3)


def test_purchases_ahead_draws_equal_the_expectation_per_draw(cdnow, pnbd, gg):
    s = _margin(cdnow)
    cv = clv.customer_value(s, pnbd, gg, profit_col="repeat_profit", n_boot=20, seed=3,
                            purchases_ahead=39.0)
    assert cv.purchases_ahead_draws.shape == (len(s), 20)
    want = np.column_stack([PARETO_NBD.conditional_expectation(th, *(s[c].to_numpy(dtype=float)
                                                                   for c in ("frequency", "recency", "T")), 39.0)
                            for th in cv.draws["lifetime"].to_numpy()])
    np.testing.assert_allclose(cv.purchases_ahead_draws, want.astype(np.float32), rtol=1e-6)
    # asking for them changes nothing else
    plain = clv.customer_value(s, pnbd, gg, profit_col="repeat_profit", n_boot=20, seed=3)
    pd.testing.assert_frame_equal(cv.table, plain.table)
    assert plain.purchases_ahead_draws is None
    with pytest.raises(ValueError, match="purchases_ahead must be a horizon > 0"):
        clv.customer_value(s, pnbd, gg, profit_col="repeat_profit", n_boot=0, purchases_ahead=0)


def test_value_draws_reused_for_another_grouping_equal_a_fresh_computation(cdnow, pnbd, gg):
    s = _margin(cdnow)
    first = clv.customer_value(s, pnbd, gg, profit_col="repeat_profit", n_boot=30, seed=5)
    assert first.draws._unique is not None  # carried within the process
    half = pd.Series(np.where(np.arange(len(s)) % 2, "a", "b"), index=s.index)
    reused = clv.customer_value(s, pnbd, gg, profit_col="repeat_profit", n_boot=30, by=half,
                                draws=first.draws)
    plain_draws = pickle.loads(pickle.dumps(first.draws))  # the pickle drops the carried matrix
    assert type(plain_draws) is dict
    fresh = clv.customer_value(s, pnbd, gg, profit_col="repeat_profit", n_boot=30, by=half,
                               draws=plain_draws)
    pd.testing.assert_frame_equal(reused.by_group, fresh.by_group)
    pd.testing.assert_frame_equal(reused.table, fresh.table)
    # the groups' draws add up to the total's draws: the sum of the group estimates is the total
    assert reused.by_group["estimate"].sum() == pytest.approx(first.total["estimate"])
    # other customers with the same draws are valued afresh, not from the carried matrix
    sub = s.iloc[: len(s) // 2]
    other = clv.customer_value(sub, pnbd, gg, profit_col="repeat_profit", n_boot=30,
                               draws=first.draws)
    alone = clv.customer_value(sub, pnbd, gg, profit_col="repeat_profit", n_boot=30,
                               draws=plain_draws)
    pd.testing.assert_frame_equal(other.table, alone.table)


@pytest.fixture(scope="module")
def many_rows():
    """30,000 simulated customers with continuous times: every triple is unique (> 20,000 rows)."""
    rng = np.random.default_rng(4)
    return clv.simulate_bgnbd(30_000, r=0.25, alpha=4.4, a=0.8, b=2.4, T=rng.uniform(10, 78, 30_000),
                              seed=4)


@pytest.mark.parametrize("fit", [clv.fit_pareto_nbd, clv.fit_bgnbd])
def test_confirm_auto_skips_nelder_mead_on_many_rows_with_the_same_estimates(many_rows, fit):
    auto = fit(many_rows, time_unit="W")
    assert auto.n_unique > 20_000
    always = fit(many_rows, time_unit="W", confirm=True)
    assert "confirm" not in auto.diagnostics and auto.diagnostics["success"] and auto.converged
    assert always.diagnostics["confirm"]["max_abs_log_param_diff"] < 1e-3
    np.testing.assert_allclose(auto.params, always.params, rtol=1e-4)
    np.testing.assert_allclose(auto.se, always.se, rtol=1e-2)


def test_confirm_auto_confirms_on_few_rows(cdnow):
    assert clv.fit_bgnbd(cdnow).diagnostics["confirm"]["optimiser"] == "Nelder-Mead"


def test_confirm_choices(cdnow):
    assert "confirm" not in clv.fit_bgnbd(cdnow, confirm=False).diagnostics
    with pytest.raises(ValueError, match="confirm must be True, False or 'auto'"):
        clv.fit_bgnbd(cdnow, confirm="yes")


@pytest.mark.parametrize("n", [100, 19_999, 20_000, 60_000])
def test_weighted_sum_without_blas_equals_the_exact_sum(n):
    import math

    from helpers.clv.base import _dot
    rng = np.random.default_rng(n)
    a, b = rng.random(n) * 10, rng.normal(size=n) * 100
    exact = math.fsum((a * b).tolist())  # exactly rounded sum of the (rounded) products
    assert _dot(a, b) == pytest.approx(exact, rel=1e-12)
    if n < 20_000:
        assert _dot(a, b) == a @ b  # small data: the former product, to the last bit


def test_group_sums_without_customer_intervals_are_the_same():
    from helpers.clv import customer_value, fit_bgnbd, fit_gamma_gamma, simulate_bgnbd

    s = simulate_bgnbd(2000, r=0.5, alpha=5, a=0.8, b=2.5, T=40, spend=(6, 4, 15), seed=5)
    bg, gg = fit_bgnbd(s), fit_gamma_gamma(s)
    by = pd.Series(np.random.default_rng(1).choice(["x", "y", "z"], len(s)), index=s.index)
    full = customer_value(s, bg, gg, margin_rate=0.3, n_boot=40, by=by, chunk_size=300)
    fast = customer_value(s, bg, gg, margin_rate=0.3, n_boot=40, by=by, chunk_size=300,
                          draws=full.draws, customer_intervals=False)
    pd.testing.assert_frame_equal(fast.by_group, full.by_group, rtol=1e-9)
    assert fast.table["clv_lower"].isna().all() and full.table["clv_lower"].notna().all()
    # each group's interval: quantiles of the per-draw group sums, summed customer by customer here
    cust = customer_value(s, bg, gg, margin_rate=0.3, n_boot=40, draws=full.draws,
                          keep_customer_draws=True).customer_draws
    sums = pd.DataFrame(cust, index=s.index.sort_values()).groupby(by.sort_index().to_numpy()).sum()
    lo = np.quantile(sums.to_numpy(), 0.025, axis=1)
    np.testing.assert_allclose(full.by_group["lower"].to_numpy(), lo, rtol=1e-5)
