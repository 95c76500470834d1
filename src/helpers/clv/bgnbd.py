"""BG/NBD (Fader, Hardie & Lee, 2005): likelihood, P(alive), expected purchases, fit and simulation.

While alive a customer buys at a Poisson rate ``lambda ~ Gamma(r, alpha)``; after each repeat
purchase she drops out with probability ``p ~ Beta(a, b)``. Parameters ``r, alpha, a, b``; ``alpha``
is in the time unit of the summary. The model object is :data:`BGNBD`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from helpers.clv.base import LifetimeModel, _dot, _fit_lifetime, _purchase_rate

__all__ = ["BGNBD", "fit_bgnbd", "simulate_bgnbd"]


def _away_from_one(a):
    """The BG/NBD closed forms are 0/0 at a = 1 (their limit is continuous): step off it."""
    return 1 + np.copysign(1e-6, a - 1) if abs(a - 1) < 1e-6 else a


class _BGNBD(LifetimeModel):
    name = "bgnbd"
    label = "BG/NBD"
    param_names = ("r", "alpha", "a", "b")
    has_grad = True

    def log_odds(self, params, x, tx, T):
        """log of a/(b+x-1) * ((alpha+T)/(alpha+tx))^(r+x) for x > 0, -inf for x = 0."""
        r, alpha, a, b = params
        with np.errstate(divide="ignore", invalid="ignore"):
            lo = (np.log(a) - np.log(b + np.maximum(x, 1) - 1)
                  + (r + x) * (np.log(alpha + T) - np.log(alpha + tx)))
        return np.where(x > 0, lo, -np.inf)

    def scale(self, params, x, tx, T):
        """K = P(alive) (a + b + x - 1) / (a - 1)."""
        pa = self.p_alive(params, x, tx, T)
        _, _, a, b = params
        a = _away_from_one(a)
        return pa * (a + b + x - 1) / (a - 1)

    def phi(self, params, x, T, t):
        """Phi(t; x, T) with Phi(0) = 0 (FHL 2005, eq. 10, after Euler's transformation of 2F1).

        ``1 - (1 - z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z)`` with ``z = t / (alpha + T + t)``; the
        transformation keeps the parameters of 2F1 small.
        """
        r, alpha, a, b = params
        a = _away_from_one(a)
        z = t / (alpha + T + t)
        return 1 - (1 - z) ** (a - 1) * special.hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z)

    def loglik(self, params, d, grad=False):
        """FHL (2005) eq. (6) summed with weights, and its analytic gradient."""
        r, alpha, a, b = params
        ux = d.ux
        A = (special.gammaln(r + ux) - special.gammaln(r) + r * np.log(alpha)
             + special.betaln(a, b + ux) - special.betaln(a, b))
        rx = r + d.x
        lT = np.log(alpha + d.uT)[d.iT]
        ltx = np.log(alpha + d.utx)[d.itx]
        l1 = -rx * lT
        l2 = np.where(d.pos, np.log(a) - np.log(b + d.inv_b)[d.ix] - rx * ltx, -np.inf)
        lse = np.logaddexp(l1, l2)
        ll = _dot(d.Wx, A) + _dot(d.w, lse)
        if not grad:
            return ll, None
        w2 = np.exp(l2 - lse)
        w1 = np.exp(l1 - lse)
        dg = special.digamma
        g_r = _dot(d.Wx, dg(r + ux) - dg(r) + np.log(alpha)) - _dot(d.w, w1 * lT + w2 * ltx)
        inv_T = (1 / (alpha + d.uT))[d.iT]
        inv_tx = (1 / (alpha + d.utx))[d.itx]
        g_alpha = d.N * r / alpha - _dot(d.w, rx * (w1 * inv_T + w2 * inv_tx))
        g_a = _dot(d.Wx, dg(a + b) - dg(a + b + ux)) + _dot(d.w, w2) / a
        g_b = (_dot(d.Wx, dg(b + ux) - dg(a + b + ux) - dg(b) + dg(a + b))
               - _dot(d.w, w2 / (b + d.inv_b[d.ix])))
        return ll, np.array([g_r, g_alpha, g_a, g_b])

    def start(self, x, tx, T, w):
        return [1.0, 1.0 / _purchase_rate(x, T, w), 0.5, 2.0]

    def bound_hint(self, at_bound):
        if "a" in at_bound:
            return " (a -> 0 means the data show no evidence of drop-out: BG/NBD reduces to the NBD)"
        return ""


#: The BG/NBD model object (formulas used by :class:`helpers.clv.base.LifetimeFit`).
BGNBD = _BGNBD()


def fit_bgnbd(summary, weights=None, *, time_unit=None, compress=True, confirm="auto"):
    """Fit the BG/NBD model (Fader, Hardie & Lee, 2005) by maximum likelihood.

    Input: the customer summary (one row per customer). The likelihood is evaluated on the unique
    ``(frequency, recency, T)`` triples with their counts (times ``weights``) as weights, which gives
    the same estimates as one row per customer at a fraction of the cost.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per customer (index ``customer_id``) with ``frequency``, ``recency``, ``T`` in the
        ``lifetimes`` definitions; ``recency`` and ``T`` in one time unit (weeks in the literature).
    weights : array-like or pandas.Series, optional
        Non-negative count of customers each row stands for (default 1 per row).
    time_unit : {"D", "W", "M", "Q", "Y"}, optional
        Unit of ``recency`` and ``T``; recorded so that :func:`customer_value` can check it.
    compress : bool, default True
        Evaluate the likelihood on unique triples. ``False`` evaluates every row (for checking).
    confirm : {"auto", True, False}, default "auto"
        Re-run the optimisation with Nelder-Mead from another start and warn if the two disagree:
        ``"auto"`` on fewer than 20,000 unique rows, or when L-BFGS-B did not report convergence
        or stopped near the search bound; ``True`` always, ``False`` never.

    Returns
    -------
    LifetimeFit
        ``params`` (r, alpha, a, b), ``se``, ``loglik``, ``n``, ``converged`` and the methods
        ``p_alive``, ``expected_purchases``, ``conditional_expected_purchases``, ``summary_table``.

    Raises
    ------
    ValueError, TypeError
        On missing columns, impossible values (negative or fractional frequency, recency > T,
        recency > 0 with frequency 0) or malformed weights.

    Warns
    -----
    UserWarning
        When a parameter runs to the search bound (e.g. ``a -> 0``), the two optimisers disagree,
        the Hessian is not positive definite, or nobody made a repeat purchase.

    Examples
    --------
    >>> s = simulate_bgnbd(5000, r=0.25, alpha=4.0, a=0.8, b=2.5, T=39, seed=1)
    >>> fit = fit_bgnbd(s, time_unit="W")
    >>> fit.params.index.tolist(), fit.converged
    (['r', 'alpha', 'a', 'b'], True)
    """
    return _fit_lifetime(BGNBD, summary, weights, time_unit, compress, confirm)


def simulate_bgnbd(n_customers, *, r, alpha, a, b, T, spend=None, seed=0):
    """Simulate customer summaries from a BG/NBD process (and optionally Gamma-Gamma spend).

    Each customer buys at time 0, then at Poisson rate ``lambda ~ Gamma(r, rate alpha)``; after each
    repeat purchase she drops out with probability ``p ~ Beta(a, b)``. Observation ends ``T`` after
    the first purchase. Vectorised over customers (one loop step per purchase number).

    Parameters
    ----------
    n_customers : int
        Number of customers, >= 1.
    r, alpha, a, b : float
        BG/NBD parameters, all > 0.
    T : float or array-like
        Observation length per customer (one number or ``n_customers`` numbers), > 0.
    spend : tuple of float (p, q, gamma), optional
        Gamma-Gamma parameters; adds ``monetary_value`` (mean of the repeat purchases' values, 0 for
        customers without one).
    seed : int, default 0
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    pandas.DataFrame
        One row per customer, index ``customer_id`` (``"c0000001"``, ...), columns ``frequency``,
        ``recency``, ``T`` (and ``monetary_value``).

    Raises
    ------
    ValueError
        On non-positive parameters or a wrong-length ``T``.

    Examples
    --------
    >>> s = simulate_bgnbd(4, r=1, alpha=2, a=1, b=3, T=10, seed=0)
    >>> s.columns.tolist(), len(s)
    (['frequency', 'recency', 'T'], 4)
    """
    n = int(n_customers)
    if n < 1:
        raise ValueError(f"n_customers must be >= 1; got {n_customers!r}")
    for nm, v in {"r": r, "alpha": alpha, "a": a, "b": b}.items():
        if not v > 0:
            raise ValueError(f"{nm} must be > 0; got {v!r}")
    TT = np.broadcast_to(np.asarray(T, dtype=float), (n,)).copy() if np.ndim(T) == 0 else \
        np.asarray(T, dtype=float)
    if TT.shape != (n,) or not (TT > 0).all():
        raise ValueError("T must be one positive number or n_customers positive numbers")
    rng = np.random.default_rng(seed)
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    x = np.zeros(n)
    tx = np.zeros(n)
    t = np.zeros(n)
    active = np.arange(n)
    while active.size:
        t[active] += rng.exponential(1.0, active.size) / lam[active]
        buy = t[active] <= TT[active]
        active = active[buy]
        x[active] += 1
        tx[active] = t[active]
        alive = rng.random(active.size) >= p[active]
        active = active[alive]
    out = pd.DataFrame({"frequency": x, "recency": tx, "T": TT},
                       index=pd.Index([f"c{i:07d}" for i in range(1, n + 1)], name="customer_id"))
    if spend is not None:
        sp, sq, sg = spend
        if not (sp > 0 and sq > 0 and sg > 0):
            raise ValueError("spend parameters (p, q, gamma) must all be > 0")
        nu = rng.gamma(sq, 1 / sg, n)
        k = np.maximum(x, 1)
        zbar = rng.gamma(sp * k, 1 / (nu * k))
        out["monetary_value"] = np.where(x > 0, zbar, 0.0)
    return out
