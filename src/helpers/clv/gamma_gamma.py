"""Gamma-Gamma spend model (Fader & Hardie, 2013): likelihood, conditional spend, fit.

A customer's transaction values are Gamma(p, nu) with ``nu ~ Gamma(q, gamma)``, independent of how
often she buys. Parameters ``p, q, gamma``. The model object is :data:`GAMMA_GAMMA`; its
:meth:`~_GammaGamma.conditional_spend` is the one place the spend formula is written (used by
:class:`helpers.clv.base.SpendFit` and by every bootstrap draw of :func:`helpers.clv.customer_value`).
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import special, stats

from helpers.clv.base import (SpendFit, SpendModel, _check_weights, _dot, _examples, _fit,
                              _summary_arrays)

__all__ = ["GAMMA_GAMMA", "fit_gamma_gamma"]


class _GGData:
    """Repeat customers' frequency, mean spend and weight, with the sums the likelihood reuses."""

    def __init__(self, x, m, w):
        self.x, self.m, self.w = x, m, w
        self.N = w.sum()
        self.ux, self.ix = np.unique(x, return_inverse=True)
        self.Wx = np.bincount(self.ix, weights=w)
        lm, lx = np.log(m), np.log(x)
        self.S_lm = w @ lm
        self.S_xlm = w @ (x * lm)
        self.S_xlx = w @ (x * lx)


class _GammaGamma(SpendModel):
    name = "gamma_gamma"
    label = "Gamma-Gamma"
    param_names = ("p", "q", "gamma")
    has_grad = True

    def mean_spend(self, params):
        """Population mean spend per transaction ``p * gamma / (q - 1)``; NaN where ``q <= 1``."""
        p, q, g = params
        with np.errstate(all="ignore"):
            return np.where(q > 1, p * g / (q - 1), np.nan)

    def conditional_spend(self, params, x, m):
        """``E[Z | x, zbar] = p (gamma + x zbar) / (p x + q - 1)``; the population mean without a
        repeat purchase (``x = 0``) or with a non-positive mean value ``m``.

        ``params`` may be arrays (one value per draw) that broadcast against ``x`` and ``m``.
        """
        p, q, g = params
        with np.errstate(all="ignore"):
            cond = p * (g + x * m) / (p * x + q - 1)
        return np.where((x > 0) & (m > 0), cond, self.mean_spend(params))

    def loglik(self, params, d, grad=False):
        """Weighted log-likelihood of the repeat customers' mean spend, and its gradient."""
        p, q, g = params
        ux, Wx = d.ux, d.Wx
        A = special.gammaln(p * ux + q) - special.gammaln(p * ux) - special.gammaln(q) + q * np.log(g)
        denom = g + d.x * d.m
        L = np.log(denom)
        ll = _dot(Wx, A) + p * d.S_xlm - d.S_lm + p * d.S_xlx - _dot(d.w, (p * d.x + q) * L)
        if not grad:
            return ll, None
        dg = special.digamma
        g_p = (_dot(Wx, ux * (dg(p * ux + q) - dg(p * ux))) + d.S_xlm + d.S_xlx
               - _dot(d.w, d.x * L))
        g_q = _dot(Wx, dg(p * ux + q) - dg(q) + np.log(g)) - _dot(d.w, L)
        g_g = d.N * q / g - _dot(d.w, (p * d.x + q) / denom)
        return ll, np.array([g_p, g_q, g_g])

    def start(self, m, w):
        return [1.0, 2.0, float(np.average(m, weights=w))]


#: The Gamma-Gamma model object (formulas used by :class:`helpers.clv.base.SpendFit`).
GAMMA_GAMMA = _GammaGamma()


def fit_gamma_gamma(summary, weights=None, *, max_abs_corr=0.3, confirm="auto"):
    """Fit the Gamma-Gamma spend model (Fader & Hardie, 2013) on the repeat customers.

    Uses customers with ``frequency > 0``; ``monetary_value`` must be the mean value of their repeat
    purchases. The model assumes that spend per transaction is independent of purchase frequency:
    the Pearson and Spearman correlations between ``frequency`` and ``monetary_value`` are reported in
    ``diagnostics`` and a warning is raised when ``|Pearson r|`` exceeds ``max_abs_corr``.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per customer with ``frequency``, ``recency``, ``T``, ``monetary_value``.
    weights : array-like or pandas.Series, optional
        Non-negative count of customers each row stands for.
    max_abs_corr : float, default 0.3
        Correlation above which the independence assumption is flagged (a rule of thumb).
    confirm : {"auto", True, False}, default "auto"
        Re-run the optimisation with Nelder-Mead from another start and warn if the two disagree:
        ``"auto"`` on fewer than 20,000 unique rows, or when L-BFGS-B did not report convergence
        or stopped near the search bound; ``True`` always, ``False`` never.

    Returns
    -------
    SpendFit
        ``params`` (p, q, gamma), ``se``, ``loglik``, ``n`` (repeat customers), ``diagnostics``
        (the correlation check), ``expected_spend()``, ``conditional_expected_spend(summary)``.

    Raises
    ------
    ValueError, TypeError
        On missing columns or impossible values, or fewer than 2 usable repeat customers.

    Warns
    -----
    UserWarning
        When frequency and spend are correlated beyond ``max_abs_corr``, when repeat customers with
        ``monetary_value <= 0`` are left out (their count is given), or on optimiser trouble.

    Examples
    --------
    >>> from helpers.clv import simulate_bgnbd
    >>> s = simulate_bgnbd(3000, r=0.5, alpha=5, a=0.8, b=2.5, T=40, spend=(6, 4, 15), seed=2)
    >>> gg = fit_gamma_gamma(s)
    >>> gg.params.index.tolist(), abs(gg.diagnostics["corr_frequency_monetary"]) < 0.3
    (['p', 'q', 'gamma'], True)
    """
    x, _, _, m = _summary_arrays(summary, monetary=True)
    w = _check_weights(weights, summary)
    if not 0 <= max_abs_corr <= 1:
        raise ValueError(f"max_abs_corr must be in [0, 1]; got {max_abs_corr!r}")
    repeat = (x > 0) & (w > 0)
    bad = repeat & (m <= 0)
    if bad.any():
        warnings.warn(f"Gamma-Gamma: {int(bad.sum())} repeat customer(s) with monetary_value <= 0 "
                      f"(e.g. {_examples(summary.index, bad)}) are left out of the fit; they get the "
                      f"population mean spend in customer_value.", UserWarning, stacklevel=2)
    use = repeat & (m > 0)
    if use.sum() < 2:
        raise ValueError(f"Gamma-Gamma needs at least 2 repeat customers with monetary_value > 0; "
                         f"found {int(use.sum())}")
    xu, mu, wu = x[use], m[use], w[use]
    diag = {"max_abs_corr": max_abs_corr}
    if np.ptp(xu) > 0 and np.ptp(mu) > 0:
        pr = stats.pearsonr(xu, mu)
        diag["corr_frequency_monetary"] = float(pr.statistic)
        diag["corr_pvalue"] = float(pr.pvalue)
        diag["spearman_frequency_monetary"] = float(stats.spearmanr(xu, mu).statistic)
        if abs(pr.statistic) > max_abs_corr:
            warnings.warn(
                f"Gamma-Gamma assumes spend per transaction is independent of frequency, but their "
                f"correlation among repeat customers is {pr.statistic:.2f} (|r| > {max_abs_corr}); "
                f"expected spend will be biased for frequent buyers.", UserWarning, stacklevel=2)
    else:
        diag["corr_frequency_monetary"] = float("nan")
        diag["corr_pvalue"] = float("nan")
        diag["spearman_frequency_monetary"] = float("nan")
    d = _GGData(xu, mu, wu)
    theta0 = np.log(GAMMA_GAMMA.start(mu, wu))
    out = _fit(GAMMA_GAMMA, d, theta0, len(xu), None, confirm)
    out["diagnostics"].update(diag)
    return SpendFit(**out)
