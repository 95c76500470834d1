"""helpers.clv.bgnbd: published CDNOW estimates, independent formulas, simulation, flat likelihoods."""

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from scipy import special
from statsmodels.tools.numdiff import approx_hess3

from helpers import clv
from helpers.plots import plot_p_alive_matrix
from tests.clv.conftest import sig3


def test_bgnbd_reproduces_fader_hardie_lee_2005(bg):
    got = {k: sig3(v) for k, v in bg.params.items()}
    assert got == {"r": 0.243, "alpha": 4.41, "a": 0.793, "b": 2.43}
    assert round(bg.loglik, 1) == -9582.4
    assert bg.converged and bg.n == 2357


def test_bgnbd_conditional_expectation_published(bg):
    s = pd.DataFrame({"frequency": [2], "recency": [30.43], "T": [38.86]})
    assert round(bg.conditional_expected_purchases(39, s).iloc[0], 3) == 1.226



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
# Plot
# ---------------------------------------------------------------------------------------------------


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
