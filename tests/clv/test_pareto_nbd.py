"""helpers.clv.pareto_nbd: published CDNOW estimates and numerical integration."""

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, special

from tests.clv.conftest import sig3


def test_pareto_nbd_reproduces_published(pnbd):
    got = {k: sig3(v) for k, v in pnbd.params.items()}
    assert got == {"r": 0.553, "alpha": 10.6, "s": 0.606, "beta": 11.7}
    assert round(pnbd.loglik, 1) == -9595.0
    assert pnbd.converged


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
