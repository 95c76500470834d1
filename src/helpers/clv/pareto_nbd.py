"""Pareto/NBD (Schmittlein, Morrison & Colombo, 1987): likelihood, P(alive), expected purchases, fit.

The same purchasing as the BG/NBD (Poisson rate ``lambda ~ Gamma(r, alpha)`` while alive), but
lifetimes are exponential with rate ``mu ~ Gamma(s, beta)``: the model Reinartz & Kumar used for
lifetime duration. Parameters ``r, alpha, s, beta``; ``alpha`` and ``beta`` are in the time unit of
the summary. The likelihood uses Fader & Hardie's form with the Gauss hypergeometric function,
computed in logs; it has no analytic gradient here. The model object is :data:`PARETO_NBD`.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from helpers.clv.base import LifetimeModel, _dot, _fit_lifetime, _pairs, _pairs_of, _purchase_rate

__all__ = ["PARETO_NBD", "fit_pareto_nbd"]


_PAIRS_FROM = 256  # from this many rows on, the 2F1 terms of P(alive) are evaluated per unique pair


def _pareto_log_term(params, x, t):
    """log of 2F1(r+s+x, .; r+s+x+1; z(t)) / (base + t)^(r+s+x), the two branches of A0."""
    r, alpha, s, beta = params
    rsx = r + s + x
    if alpha >= beta:
        base, b2 = alpha, s + 1
    else:
        base, b2 = beta, r + x
    z = abs(alpha - beta) / (base + t)
    return np.log(special.hyp2f1(rsx, b2, rsx + 1, z)) - rsx * np.log(base + t)


def _log_diff(l1, l2):
    """log(exp(l1) - exp(l2)) for l1 >= l2 (-inf when equal)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return l1 + np.log1p(-np.exp(np.minimum(l2 - l1, 0.0)))


def _pareto_log_a0(params, x, tx, T):
    """log A0 of the Pareto/NBD likelihood (Fader & Hardie's note), -inf when tx == T.

    Branch alpha >= beta: A0 = 2F1(r+s+x, s+1; r+s+x+1; (alpha-beta)/(alpha+tx)) / (alpha+tx)^(r+s+x)
    minus the same at T; branch alpha < beta: 2F1(r+s+x, r+x; r+s+x+1; (beta-alpha)/(beta+t)) /
    (beta+t)^(r+s+x). Both are the same function (Euler's transformation); the branch keeps the
    argument of 2F1 in [0, 1).
    """
    x0, tx0, T0 = x, tx, T
    x, tx, T = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(tx, dtype=float),
                                   np.asarray(T, dtype=float))
    if x.ndim == 1 and x.size > _PAIRS_FROM:
        # the two 2F1 terms depend on (x, tx) and (x, T): evaluate once per unique pair (customers
        # share pairs far more often than triples), then gather
        xk, txk, Tk = (a0 if isinstance(a0, np.ndarray) and a0.shape == x.shape and a0.dtype == float
                       else a for a0, a in ((x0, x), (tx0, tx), (T0, T)))
        (xa, ta, ia), (xb, tb, ib) = _pairs_of(xk, txk), _pairs_of(xk, Tk)
        return _log_diff(_pareto_log_term(params, xa, ta)[ia], _pareto_log_term(params, xb, tb)[ib])
    return _log_diff(_pareto_log_term(params, x, tx), _pareto_log_term(params, x, T))


class _ParetoNBD(LifetimeModel):
    name = "pareto_nbd"
    label = "Pareto/NBD"
    param_names = ("r", "alpha", "s", "beta")
    has_grad = False
    phi_uses_x = False

    def log_odds(self, params, x, tx, T):
        """log of (dead-branch likelihood) / (alive-branch likelihood)."""
        r, alpha, s, beta = params
        return (np.log(s) - np.log(r + s + x) + (r + x) * np.log(alpha + T) + s * np.log(beta + T)
                + _pareto_log_a0(params, x, tx, T))

    def scale(self, params, x, tx, T):
        """K = P(alive) (r + x) (beta + T) / (alpha + T)."""
        pa = self.p_alive(params, x, tx, T)
        r, alpha, _, beta = params
        return pa * (r + x) * (beta + T) / (alpha + T)

    def phi(self, params, x, T, t):
        """Phi(t; x, T) = (1 - ((beta+T)/(beta+T+t))^(s-1)) / (s - 1), with Phi(0) = 0."""
        r, alpha, s, beta = params
        u = np.log1p(t / (beta + T))
        if abs(s - 1) < 1e-10:
            return u
        return -np.expm1(-(s - 1) * u) / (s - 1)

    def remaining_life(self, params, x, tx, T, t):
        """P(alive) E[min(tau, t) | alive] = P(alive) (beta + T) Phi(t; x, T).

        Given alive at ``T`` the dropout rate is ``mu ~ Gamma(s, beta + T)`` (the purchases carry no
        information on ``mu`` beyond survival), and for ``tau ~ Exp(mu)``,
        ``E[min(tau, t)] = (1 - exp(-mu t)) / mu``; its mean over the Gamma is
        ``(beta + T) / (s - 1) (1 - ((beta + T) / (beta + T + t))^(s - 1))`` (the log form at
        ``s = 1``), which is ``(beta + T) Phi(t; x, T)``.
        """
        beta = params[3]
        return self.p_alive(params, x, tx, T) * (beta + T) * self.phi(params, x, T, t)

    def loglik(self, params, d, grad=False):
        """Weighted log-likelihood; the 2F1 terms are evaluated once per (x, tx) and (x, T) pair."""
        r, alpha, s, beta = params
        x, T = d.x, d.T
        if d.pairs is None:  # the 2F1 terms depend on (x, tx) and (x, T): evaluate once per pair
            d.pairs = (_pairs(x, d.tx), _pairs(x, T))
        (xa, ta, ia), (xb, tb, ib) = d.pairs
        A = special.gammaln(r + d.ux) - special.gammaln(r) + r * np.log(alpha) + s * np.log(beta)
        l1 = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
        log_a0 = _log_diff(_pareto_log_term(params, xa, ta)[ia], _pareto_log_term(params, xb, tb)[ib])
        l2 = np.log(s) - np.log(r + s + x) + log_a0
        ll = _dot(d.Wx, A) + _dot(d.w, np.logaddexp(l1, l2))
        return ll, None

    def start(self, x, tx, T, w):
        return [1.0, 1.0 / _purchase_rate(x, T, w), 1.0, max(w @ T / w.sum(), 1e-3)]


#: The Pareto/NBD model object (formulas used by :class:`helpers.clv.base.LifetimeFit`).
PARETO_NBD = _ParetoNBD()


def fit_pareto_nbd(summary, weights=None, *, time_unit=None, compress=True, confirm="auto"):
    """Fit the Pareto/NBD model (Schmittlein, Morrison & Colombo, 1987) by maximum likelihood.

    The model Reinartz & Kumar (2000, 2003) used to measure lifetime duration. The likelihood uses
    Fader & Hardie's form with the Gauss hypergeometric function (branches for ``alpha >= beta`` and
    ``alpha < beta``), computed in logs.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per customer with ``frequency``, ``recency``, ``T`` (see :func:`helpers.clv.fit_bgnbd`).
    weights : array-like or pandas.Series, optional
        Non-negative count of customers each row stands for.
    time_unit : {"D", "W", "M", "Q", "Y"}, optional
        Unit of ``recency`` and ``T``, recorded on the result.
    compress : bool, default True
        Evaluate the likelihood on unique ``(frequency, recency, T)`` triples.
    confirm : {"auto", True, False}, default "auto"
        Re-run the optimisation with Nelder-Mead from another start and warn if the two disagree:
        ``"auto"`` on fewer than 20,000 unique rows, or when L-BFGS-B did not report convergence
        or stopped near the search bound; ``True`` always, ``False`` never.

    Returns
    -------
    LifetimeFit
        ``params`` (r, alpha, s, beta) with the same interface as :func:`helpers.clv.fit_bgnbd`.

    Raises
    ------
    ValueError, TypeError
        As :func:`helpers.clv.fit_bgnbd`.

    Warns
    -----
    UserWarning
        As :func:`helpers.clv.fit_bgnbd`.

    Examples
    --------
    >>> from helpers.clv import simulate_bgnbd
    >>> s = simulate_bgnbd(3000, r=0.5, alpha=5, a=0.8, b=2.5, T=40, seed=2)
    >>> fit_pareto_nbd(s).params.index.tolist()
    ['r', 'alpha', 's', 'beta']
    """
    return _fit_lifetime(PARETO_NBD, summary, weights, time_unit, compress, confirm)
