"""Pareto/NBD closed forms per customer (expected purchases and remaining life within a horizon)
against numerical integration of the same model over the posterior of (lambda, mu)."""

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

from helpers.clv.pareto_nbd import PARETO_NBD


def posterior_integral(params, x, tx, T, future_mu, lam_power=0):
    """E[lambda^lam_power future_mu(mu) 1{alive at T} | x, tx, T] by numerical integration.

    Prior lambda ~ Gamma(r, alpha), mu ~ Gamma(s, beta), independent. Likelihood of the history:
    lambda^x e^{-(lambda+mu) T} (alive at T) plus lambda^x mu / (lambda+mu) (e^{-(lambda+mu) tx} -
    e^{-(lambda+mu) T}) = lambda^x mu integral_tx^T e^{-(lambda+mu) u} du (died between tx and T).
    Both terms separate in lambda and mu, so every integral is one-dimensional (scipy.integrate.quad).
    """
    r, alpha, s, beta = params
    pl = lambda lam: stats.gamma.pdf(lam, r, scale=1 / alpha)
    pm = lambda mu: stats.gamma.pdf(mu, s, scale=1 / beta)
    quad = lambda f: integrate.quad(f, 0, np.inf, epsabs=0, epsrel=1e-10, limit=200)[0]
    lam_alive = quad(lambda lam: pl(lam) * lam ** (x + lam_power) * np.exp(-lam * T))
    num = lam_alive * quad(lambda mu: pm(mu) * np.exp(-mu * T) * future_mu(mu))
    alive = quad(lambda lam: pl(lam) * lam ** x * np.exp(-lam * T)) * quad(lambda mu: pm(mu) * np.exp(-mu * T))
    dead = integrate.quad(lambda u: quad(lambda lam: pl(lam) * lam ** x * np.exp(-lam * u))
                          * quad(lambda mu: pm(mu) * mu * np.exp(-mu * u)), tx, T, epsrel=1e-10)[0]
    return num / (alive + dead)


CASES = [((0.6, 5.0, 0.8, 12.0), 2, 10.0, 30.0, 20.0),   # s < 1
         ((1.2, 8.0, 1.0, 6.0), 0, 0.0, 15.0, 39.0),     # s = 1: the log form, a one-time buyer
         ((0.9, 3.0, 2.5, 20.0), 5, 28.0, 30.0, 52.0)]   # s > 1, a recent frequent buyer


@pytest.mark.parametrize("params, x, tx, T, H", CASES)
def test_remaining_life_matches_integration(params, x, tx, T, H):
    # E[min(tau, H) | rates] = (1 - exp(-mu H)) / mu for an exponential lifetime
    want = posterior_integral(params, x, tx, T, lambda mu: -np.expm1(-mu * H) / mu)
    got = PARETO_NBD.remaining_life(np.array(params), np.array([x]), np.array([tx]), np.array([T]), H)[0]
    assert got == pytest.approx(want, rel=1e-5)
    assert 0 < got < H


@pytest.mark.parametrize("params, x, tx, T, H", CASES)
def test_expected_purchases_matches_integration(params, x, tx, T, H):
    # E[Y(H) | rates, alive] = lambda E[min(tau, H)]
    want = posterior_integral(params, x, tx, T, lambda mu: -np.expm1(-mu * H) / mu, lam_power=1)
    got = PARETO_NBD.conditional_expectation(np.array(params), np.array([x]), np.array([tx]),
                                             np.array([T]), H)[0]
    assert got == pytest.approx(want, rel=1e-5)


def test_remaining_life_survival_integral():
    """Given alive, E[min(tau, H)] is the integral of the Gamma-mixed survival (b / (b + u))^s."""
    params = np.array([0.6, 5.0, 1.7, 12.0])
    x, tx, T, H = np.array([3]), np.array([20.0]), np.array([26.0]), 40.0
    b, s = params[3] + T[0], params[2]
    surv = integrate.quad(lambda u: (b / (b + u)) ** s, 0, H)[0]
    pa = PARETO_NBD.p_alive(params, x, tx, T)[0]
    assert PARETO_NBD.remaining_life(params, x, tx, T, H)[0] == pytest.approx(pa * surv, rel=1e-10)


def test_fit_method_per_customer_and_bgnbd_refuses():
    from helpers.clv import fit_bgnbd, fit_pareto_nbd, simulate_bgnbd
    sim = simulate_bgnbd(1500, r=0.5, alpha=5, a=0.8, b=2.5, T=40, seed=4)
    fit = fit_pareto_nbd(sim)
    life = fit.expected_remaining_life(26, sim)
    direct = PARETO_NBD.remaining_life(fit.params.to_numpy(), sim["frequency"].to_numpy(),
                                       sim["recency"].to_numpy(), sim["T"].to_numpy(), 26.0)
    np.testing.assert_allclose(life.to_numpy(), direct)
    assert life.between(0, 26).all() and life.index.equals(sim.index)
    with pytest.raises(ValueError, match="one number"):
        fit.expected_remaining_life([1, 2], sim)
    with pytest.raises(NotImplementedError, match="no closed form"):
        fit_bgnbd(sim).expected_remaining_life(26, pd.DataFrame(sim))
