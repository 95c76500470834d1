"""Customer lifetime value: BG/NBD, Pareto/NBD and Gamma-Gamma models fitted by maximum likelihood.

Three probability models for non-contractual customers ("buy till you die"):

- **BG/NBD** (Fader, Hardie & Lee, 2005): while alive a customer buys at a Poisson rate
  ``lambda ~ Gamma(r, alpha)``; after each repeat purchase she drops out with probability
  ``p ~ Beta(a, b)``.
- **Pareto/NBD** (Schmittlein, Morrison & Colombo, 1987): the same purchasing, but lifetimes are
  exponential with rate ``mu ~ Gamma(s, beta)``; the model Reinartz & Kumar used for lifetime duration.
- **Gamma-Gamma** (Fader & Hardie, 2013): a customer's transaction values are Gamma(p, nu) with
  ``nu ~ Gamma(q, gamma)``, independent of how often she buys.

All three take the customer summary table of :func:`helpers.lifecycle.rfm_summary` (one row per
customer, indexed by ``customer_id``), in the definitions of the ``lifetimes`` package:

- ``frequency``: number of repeat purchases (distinct purchase periods minus one);
- ``recency``: time from the first to the last purchase (0 when ``frequency`` is 0);
- ``T``: time from the first purchase to the end of observation;
- ``monetary_value``: mean value of the repeat purchases (0 when ``frequency`` is 0).

``recency`` and ``T`` must be in one time unit, the unit of the fitted model (see
:func:`convert_time_unit` and :data:`DAYS_PER_UNIT`); rates such as ``alpha`` and ``beta`` scale with it.

The fits are plain maximum likelihood with scipy: parameters on the log scale, L-BFGS-B with analytic
gradients (BG/NBD, Gamma-Gamma) and tight tolerances, a Nelder-Mead run from another start to confirm,
and standard errors from a central-difference Hessian of the log-likelihood in the log-parameters
(turned into natural-scale standard errors by the delta method). The likelihoods are evaluated on the
unique ``(frequency, recency, T)`` triples with their counts as weights, so a million customers take
seconds (``benchmarks/bench_clv.py``). On the CDNOW sample they reproduce the published estimates
(``tests/test_clv.py``). Own code rather than a library: ``lifetimes`` is archived and parts of it
break under pandas 3, ``btyd`` does not import with numpy 2, and ``pymc-marketing`` adds a large
dependency and seconds of compilation per model for the same point estimates.

Typical use (weekly units)::

    summary = convert_time_unit(rfm_summary(transactions), "D", "W")
    bg = fit_bgnbd(summary, time_unit="W")
    gg = fit_gamma_gamma(summary)
    value = customer_value(summary, bg, gg, horizon=52, time_unit="W", margin_rate=0.3)
    value.table, value.total
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

__all__ = [
    "DAYS_PER_UNIT",
    "LifetimeFit",
    "SpendFit",
    "CustomerValue",
    "fit_bgnbd",
    "fit_pareto_nbd",
    "fit_gamma_gamma",
    "customer_value",
    "holdout_table",
    "calibration_holdout",
    "convert_time_unit",
    "simulate_bgnbd",
]

#: Days in one time unit. Months, quarters and years are calendar averages (365.25 days a year),
#: never 30-day months.
DAYS_PER_UNIT = {"D": 1.0, "W": 7.0, "M": 365.25 / 12, "Q": 365.25 / 4, "Y": 365.25}

_DAYS_PER_YEAR = 365.25
_LOG_BOUND = 20.0  # every parameter is searched in [exp(-20), exp(20)] = [2.1e-9, 4.9e8]
_BOUND_MARGIN = 1.0  # a parameter within this distance (log scale) of a bound is reported
_AGREE_TOL = 1e-3  # two optimisers agree when log-parameters differ by less (0.1 % relative)
_PARAM_NAMES = {
    "bgnbd": ["r", "alpha", "a", "b"],
    "pareto_nbd": ["r", "alpha", "s", "beta"],
    "gamma_gamma": ["p", "q", "gamma"],
}
_MODEL_LABELS = {"bgnbd": "BG/NBD", "pareto_nbd": "Pareto/NBD", "gamma_gamma": "Gamma-Gamma"}


# ---------------------------------------------------------------------------------------------------
# Result objects
# ---------------------------------------------------------------------------------------------------
@dataclass
class _ModelFit:
    """Common part of a fitted model: estimates, uncertainty and optimiser diagnostics."""

    model: str
    params: pd.Series
    se: pd.Series
    cov: pd.DataFrame
    loglik: float
    n: float
    n_unique: int
    converged: bool
    time_unit: str | None = None
    diagnostics: dict = field(default_factory=dict)

    @property
    def aic(self):
        """Akaike information criterion, ``2 k - 2 loglik``."""
        return 2 * len(self.params) - 2 * self.loglik

    @property
    def cov_log(self):
        """Covariance matrix of the log-parameters (delta method from :attr:`cov`)."""
        p = self.params.to_numpy()
        return self.cov / np.outer(p, p)

    def summary_table(self, level=0.95):
        """Estimates with standard errors and confidence intervals, one row per parameter.

        The interval is Wald on the log scale, ``exp(log(est) +- z * se / est)``, so it stays positive.

        Parameters
        ----------
        level : float, default 0.95
            Confidence level, in (0, 1).

        Returns
        -------
        pandas.DataFrame
            Columns ``param, estimate, se, ci_lower, ci_upper``; one row per parameter.

        Raises
        ------
        ValueError
            If ``level`` is not in (0, 1).

        Examples
        --------
        >>> fit = fit_bgnbd(simulate_bgnbd(3000, r=0.5, alpha=5, a=0.8, b=2.5, T=40, seed=2))
        >>> list(fit.summary_table().columns)
        ['param', 'estimate', 'se', 'ci_lower', 'ci_upper']
        """
        if not 0 < level < 1:
            raise ValueError(f"level must be in (0, 1), e.g. 0.95; got {level!r}")
        zq = stats.norm.ppf(0.5 + level / 2)
        est = self.params.to_numpy()
        se = self.se.to_numpy()
        half = zq * se / est
        return pd.DataFrame({
            "param": self.params.index,
            "estimate": est,
            "se": se,
            "ci_lower": est * np.exp(-half),
            "ci_upper": est * np.exp(half),
        })


@dataclass
class LifetimeFit(_ModelFit):
    """A fitted BG/NBD or Pareto/NBD model (returned by :func:`fit_bgnbd`, :func:`fit_pareto_nbd`).

    Attributes
    ----------
    model : str
        ``"bgnbd"`` or ``"pareto_nbd"``.
    params : pandas.Series
        Estimates (``r, alpha, a, b`` or ``r, alpha, s, beta``); ``alpha`` and ``beta`` are in the
        time unit of the fitted summary.
    se : pandas.Series
        Standard errors from the inverse Hessian (NaN when the Hessian is not positive definite).
    cov : pandas.DataFrame
        Covariance matrix of the estimates.
    loglik : float
        Maximised log-likelihood.
    n : float
        Number of customers (sum of weights); ``n_unique``: rows the likelihood was evaluated on.
    converged : bool
        Whether the optimiser reported success and the confirming run agreed.
    time_unit : str or None
        Time unit of ``recency`` and ``T`` when stated at fit time.
    diagnostics : dict
        Optimiser messages, the confirming optimiser's result, data ranges.
    """

    def p_alive(self, summary):
        """Probability that each customer is still alive at the end of observation.

        Parameters
        ----------
        summary : pandas.DataFrame
            One row per customer with ``frequency``, ``recency``, ``T`` (time unit of the fit).

        Returns
        -------
        pandas.Series
            ``p_alive`` in [0, 1], indexed like ``summary``. Under BG/NBD it is 1 for customers with no
            repeat purchase (they cannot have dropped out yet).

        Raises
        ------
        ValueError, TypeError
            If ``summary`` lacks the columns or holds impossible values.

        Examples
        --------
        >>> fit = fit_bgnbd(simulate_bgnbd(3000, r=0.5, alpha=5, a=0.8, b=2.5, T=40, seed=2))
        >>> s = pd.DataFrame({"frequency": [0, 3], "recency": [0.0, 10.0], "T": [40.0, 40.0]})
        >>> fit.p_alive(s).round(2).tolist()
        [1.0, 0.1]
        """
        x, tx, T = _summary_arrays(summary)
        pa = _p_alive(self.model, self.params.to_numpy(), x, tx, T)
        return pd.Series(pa, index=summary.index, name="p_alive")

    def expected_purchases(self, t):
        """Expected number of repeat purchases of a new customer in ``(0, t]``, ``E[X(t)]``.

        Parameters
        ----------
        t : float or array-like
            Time(s) since the first purchase, >= 0, in the time unit of the fit.

        Returns
        -------
        float or numpy.ndarray
            Same shape as ``t``; grows with ``t``.

        Raises
        ------
        ValueError
            If a ``t`` is negative or not finite.

        Examples
        --------
        >>> fit = fit_bgnbd(simulate_bgnbd(3000, r=0.5, alpha=5, a=0.8, b=2.5, T=40, seed=2))
        >>> bool(fit.expected_purchases(52) > fit.expected_purchases(26) > 0)
        True
        """
        tt = _check_time(t, "t")
        zero = np.zeros_like(tt)
        out = _conditional_expectation(self.model, self.params.to_numpy(), zero, zero, zero, tt)
        return float(out) if np.ndim(t) == 0 else out

    def conditional_expected_purchases(self, t, summary):
        """Expected repeat purchases of each customer in the next ``t`` time units, given her history.

        Parameters
        ----------
        t : float
            Length of the future period, >= 0, in the time unit of the fit.
        summary : pandas.DataFrame
            One row per customer with ``frequency``, ``recency``, ``T``.

        Returns
        -------
        pandas.Series
            ``expected_purchases``, indexed like ``summary``.

        Raises
        ------
        ValueError, TypeError
            On a negative ``t`` or a malformed ``summary``.

        Examples
        --------
        >>> fit = fit_bgnbd(simulate_bgnbd(3000, r=0.5, alpha=5, a=0.8, b=2.5, T=40, seed=2))
        >>> s = pd.DataFrame({"frequency": [2, 2], "recency": [5.0, 35.0], "T": [40.0, 40.0]})
        >>> e = fit.conditional_expected_purchases(52, s)
        >>> bool(e.iloc[1] > e.iloc[0])
        True
        """
        if np.ndim(t) != 0:
            raise ValueError("t must be one number (a period length); call once per horizon")
        tt = float(_check_time(t, "t"))
        x, tx, T = _summary_arrays(summary)
        out = _conditional_expectation(self.model, self.params.to_numpy(), x, tx, T, tt)
        return pd.Series(out, index=summary.index, name="expected_purchases")

    def predict(self, summary, t):
        """P(alive) and expected purchases over the next ``t`` time units for each customer.

        Parameters
        ----------
        summary : pandas.DataFrame
            One row per customer with ``frequency``, ``recency``, ``T``.
        t : float
            Future period length, in the time unit of the fit.

        Returns
        -------
        pandas.DataFrame
            Columns ``p_alive, expected_purchases``, indexed like ``summary`` (sorted by index).

        Raises
        ------
        ValueError, TypeError
            As :meth:`conditional_expected_purchases`.

        Examples
        --------
        >>> fit = fit_bgnbd(simulate_bgnbd(3000, r=0.5, alpha=5, a=0.8, b=2.5, T=40, seed=2))
        >>> s = pd.DataFrame({"frequency": [0], "recency": [0.0], "T": [40.0]})
        >>> list(fit.predict(s, 52).columns)
        ['p_alive', 'expected_purchases']
        """
        out = pd.concat([self.p_alive(summary), self.conditional_expected_purchases(t, summary)],
                        axis=1)
        return out.sort_index()


@dataclass
class SpendFit(_ModelFit):
    """A fitted Gamma-Gamma spend model (returned by :func:`fit_gamma_gamma`).

    ``diagnostics`` holds the independence check: ``corr_frequency_monetary`` (Pearson),
    ``corr_pvalue``, ``spearman_frequency_monetary`` and ``max_abs_corr`` (the threshold used).
    """

    def expected_spend(self):
        """Population mean spend per transaction, ``p * gamma / (q - 1)`` (infinite when q <= 1).

        Returns
        -------
        float

        Examples
        --------
        >>> s = simulate_bgnbd(3000, r=0.5, alpha=5, a=0.8, b=2.5, T=40, spend=(6, 4, 15), seed=2)
        >>> round(fit_gamma_gamma(s).expected_spend() / 30, 0)
        1.0
        """
        p, q, g = self.params.to_numpy()
        return float(p * g / (q - 1)) if q > 1 else float("inf")

    def conditional_expected_spend(self, summary):
        """Expected spend per future transaction for each customer, given her repeat purchases.

        ``E[Z | x, zbar] = p (gamma + x zbar) / (p x + q - 1)``, a weighted mean of the population
        mean and the customer's own mean ``zbar``. Customers with no repeat purchase (or a
        non-positive ``monetary_value``) get the population mean :meth:`expected_spend`.

        Parameters
        ----------
        summary : pandas.DataFrame
            One row per customer with ``frequency``, ``recency``, ``T``, ``monetary_value``.

        Returns
        -------
        pandas.Series
            ``expected_spend``, indexed like ``summary``.

        Raises
        ------
        ValueError, TypeError
            On a malformed ``summary``.

        Examples
        --------
        >>> s = simulate_bgnbd(3000, r=0.5, alpha=5, a=0.8, b=2.5, T=40, spend=(6, 4, 15), seed=2)
        >>> e = fit_gamma_gamma(s).conditional_expected_spend(s)
        >>> bool((e > 0).all())
        True
        """
        x, _, _, m = _summary_arrays(summary, monetary=True)
        out = _gg_conditional_spend(self.params.to_numpy(), x, m)
        return pd.Series(out, index=summary.index, name="expected_spend")


@dataclass
class CustomerValue:
    """Result of :func:`customer_value`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per customer (sorted by ``customer_id``): ``p_alive``, ``expected_purchases``
        (undiscounted, over the horizon), ``discounted_purchases``, ``expected_spend``,
        ``margin_rate``, ``clv`` (expected discounted profit) and ``clv_lower``, ``clv_upper``
        (bootstrap percentile interval; NaN when ``n_boot`` is 0).
    total : pandas.Series
        ``estimate, lower, upper, customers``: the summed value of all customers and its interval.
    settings : dict
        Horizon, time unit, days per unit, discount factor per period, margin source, draws.
    by_group : pandas.DataFrame or None
        With ``by``: one row per group (index: the group labels, in category order for a
        categorical, else sorted), columns ``estimate, lower, upper, customers`` (the summed value
        of the group and its interval, from the same draws as ``total``).
    """

    table: pd.DataFrame
    total: pd.Series
    settings: dict
    by_group: pd.DataFrame | None = None


# ---------------------------------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------------------------------
def _examples(index, mask, k=3):
    return list(index[np.asarray(mask)][:k])


def _summary_arrays(summary, monetary=False, name="summary"):
    """Validate a customer summary and return float arrays x, tx, T (and monetary value)."""
    if not isinstance(summary, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame with columns frequency, recency, T "
                        f"(one row per customer, as from helpers.lifecycle.rfm_summary); "
                        f"got {type(summary).__name__}")
    cols = ["frequency", "recency", "T"] + (["monetary_value"] if monetary else [])
    missing = [c for c in cols if c not in summary.columns]
    if missing:
        raise ValueError(f"{name} lacks column(s) {missing}; it needs {cols} with one row per "
                         f"customer (helpers.lifecycle.rfm_summary makes this table)")
    if len(summary) == 0:
        raise ValueError(f"{name} has no rows; at least one customer is needed")
    out = []
    for c in cols:
        try:
            v = pd.to_numeric(summary[c]).to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError) as err:
            raise TypeError(f"{name}['{c}'] must be numeric; convert it first ({err})") from None
        bad = ~np.isfinite(v)
        if bad.any():
            raise ValueError(f"{name}['{c}'] has {int(bad.sum())} missing or infinite value(s), e.g. "
                             f"customer(s) {_examples(summary.index, bad)}; fill or drop them first")
        out.append(v)
    x, tx, T = out[:3]
    checks = [
        (x < 0, "frequency is negative"),
        (x != np.round(x), "frequency is not a whole number"),
        (tx < 0, "recency is negative"),
        (T < 0, "T is negative"),
        (tx > T * (1 + 1e-12) + 1e-12, "recency exceeds T"),
        ((x == 0) & (tx > 0), "recency is positive although frequency is 0 (it must be 0)"),
    ]
    for mask, what in checks:
        if mask.any():
            raise ValueError(f"{name}: {what} for {int(mask.sum())} customer(s), e.g. "
                             f"{_examples(summary.index, mask)}; recompute the summary "
                             f"(lifetimes definitions: frequency = repeat purchases, "
                             f"recency = first to last purchase, T = first purchase to the end)")
    return tuple(out)


def _check_weights(weights, summary):
    n = len(summary)
    if weights is None:
        return np.ones(n)
    if isinstance(weights, pd.Series) and not weights.index.equals(summary.index):
        if not summary.index.isin(weights.index).all():
            raise ValueError("weights is a Series whose index does not cover the summary's "
                             "customers; pass one weight per summary row")
        weights = weights.reindex(summary.index)
    w = np.asarray(weights, dtype=float)
    if w.shape != (n,):
        raise ValueError(f"weights must have one value per summary row ({n}); got shape {w.shape}")
    if not np.isfinite(w).all() or (w < 0).any():
        raise ValueError("weights must be finite and >= 0 (counts of customers per row)")
    if w.sum() <= 0:
        raise ValueError("weights sum to 0; at least one customer must carry weight")
    return w


def _check_unit(time_unit, name="time_unit"):
    if time_unit not in DAYS_PER_UNIT:
        raise ValueError(f"{name} must be one of {sorted(DAYS_PER_UNIT)} (day, week, month, quarter, "
                         f"year); got {time_unit!r}")
    return time_unit


def _check_time(t, name):
    try:
        tt = np.asarray(t, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number or an array of numbers; got {t!r}") from None
    if not np.isfinite(tt).all() or (tt < 0).any():
        raise ValueError(f"{name} must be finite and >= 0; got {t!r}")
    return tt


def convert_time_unit(summary, from_unit="D", to_unit="W"):
    """Rescale ``recency`` and ``T`` of a customer summary from one time unit to another.

    Input: one row per customer with ``recency`` and ``T`` in ``from_unit``. Output: a copy with the
    same rows and columns, ``recency`` and ``T`` in ``to_unit`` (days per unit: :data:`DAYS_PER_UNIT`,
    months = 365.25 / 12 days). ``frequency`` and ``monetary_value`` are unchanged.

    Parameters
    ----------
    summary : pandas.DataFrame
        Customer summary with ``recency`` and ``T``.
    from_unit, to_unit : {"D", "W", "M", "Q", "Y"}
        Units before and after.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    ValueError
        On an unknown unit or missing columns.

    Examples
    --------
    >>> s = pd.DataFrame({"frequency": [1], "recency": [14.0], "T": [70.0]})
    >>> convert_time_unit(s, "D", "W")[["recency", "T"]].to_numpy().tolist()
    [[2.0, 10.0]]
    """
    _check_unit(from_unit, "from_unit")
    _check_unit(to_unit, "to_unit")
    if not isinstance(summary, pd.DataFrame):
        raise TypeError(f"summary must be a pandas DataFrame; got {type(summary).__name__}")
    missing = [c for c in ("recency", "T") if c not in summary.columns]
    if missing:
        raise ValueError(f"summary lacks column(s) {missing}")
    factor = DAYS_PER_UNIT[from_unit] / DAYS_PER_UNIT[to_unit]
    out = summary.copy()
    out["recency"] = summary["recency"].astype(float) * factor
    out["T"] = summary["T"].astype(float) * factor
    return out


# ---------------------------------------------------------------------------------------------------
# Model formulas (vectorised; params is a numpy array in the order of _PARAM_NAMES)
# ---------------------------------------------------------------------------------------------------
def _bgnbd_log_odds(params, x, tx, T):
    """log of a/(b+x-1) * ((alpha+T)/(alpha+tx))^(r+x) for x > 0, -inf for x = 0."""
    r, alpha, a, b = params
    with np.errstate(divide="ignore", invalid="ignore"):
        lo = (np.log(a) - np.log(b + np.maximum(x, 1) - 1)
              + (r + x) * (np.log(alpha + T) - np.log(alpha + tx)))
    return np.where(x > 0, lo, -np.inf)


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
    return _log_diff(_pareto_log_term(params, x, tx), _pareto_log_term(params, x, T))


def _pareto_log_odds(params, x, tx, T):
    """log of (dead-branch likelihood) / (alive-branch likelihood) for Pareto/NBD."""
    r, alpha, s, beta = params
    return (np.log(s) - np.log(r + s + x) + (r + x) * np.log(alpha + T) + s * np.log(beta + T)
            + _pareto_log_a0(params, x, tx, T))


def _p_alive(model, params, x, tx, T):
    lo = _bgnbd_log_odds(params, x, tx, T) if model == "bgnbd" else _pareto_log_odds(params, x, tx, T)
    return special.expit(-lo)


def _scale(model, params, x, tx, T):
    """K in E[Y(t) | x, tx, T] = K(x, tx, T) * Phi(t; x, T): P(alive) times a constant."""
    pa = _p_alive(model, params, x, tx, T)
    if model == "bgnbd":
        _, _, a, b = params
        a = _away_from_one(a)
        return pa * (a + b + x - 1) / (a - 1)
    r, alpha, _, beta = params
    return pa * (r + x) * (beta + T) / (alpha + T)


def _away_from_one(a):
    """The BG/NBD closed forms are 0/0 at a = 1 (their limit is continuous): step off it."""
    return 1 + np.copysign(1e-6, a - 1) if abs(a - 1) < 1e-6 else a


def _phi(model, params, x, T, t):
    """Phi(t; x, T) with Phi(0) = 0, broadcasting x, T against t.

    BG/NBD (FHL 2005, eq. 10, after Euler's transformation of 2F1, which keeps its parameters small):
    ``1 - (1 - z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z)`` with ``z = t / (alpha + T + t)``.
    Pareto/NBD: ``(1 - ((beta+T)/(beta+T+t))^(s-1)) / (s - 1)``.
    """
    if model == "bgnbd":
        r, alpha, a, b = params
        a = _away_from_one(a)
        z = t / (alpha + T + t)
        return 1 - (1 - z) ** (a - 1) * special.hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z)
    r, alpha, s, beta = params
    u = np.log1p(t / (beta + T))
    if abs(s - 1) < 1e-10:
        return u
    return -np.expm1(-(s - 1) * u) / (s - 1)


def _conditional_expectation(model, params, x, tx, T, t):
    return _scale(model, params, x, tx, T) * _phi(model, params, x, T, t)


def _gg_conditional_spend(params, x, m):
    p, q, g = params
    pop = p * g / (q - 1) if q > 1 else np.nan
    ok = (x > 0) & (m > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        cond = p * (g + x * m) / (p * x + q - 1)
    return np.where(ok, cond, pop)


# ---------------------------------------------------------------------------------------------------
# Likelihoods: each returns (total log-likelihood, gradient w.r.t. the natural parameters or None)
# ---------------------------------------------------------------------------------------------------
class _BGData:
    def __init__(self, x, tx, T, w):
        self.x, self.tx, self.T, self.w = x, tx, T, w
        self.N = w.sum()
        self.ux, self.ix = np.unique(x, return_inverse=True)
        self.Wx = np.bincount(self.ix, weights=w)
        self.pos = x > 0
        self.inv_b = np.maximum(self.ux, 1) - 1  # x - 1 with x = 0 mapped to 0 (term unused there)
        self.pairs = None  # unique (x, tx) and (x, T) pairs, filled by the Pareto/NBD likelihood
        # logs of alpha + T and alpha + tx are taken once per distinct value, then gathered
        self.uT, self.iT = np.unique(T, return_inverse=True)
        self.utx, self.itx = np.unique(tx, return_inverse=True)


def _bgnbd_loglik(params, d, grad=False):
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
    ll = d.Wx @ A + d.w @ lse
    if not grad:
        return ll, None
    w2 = np.exp(l2 - lse)
    w1 = np.exp(l1 - lse)
    dg = special.digamma
    g_r = d.Wx @ (dg(r + ux) - dg(r) + np.log(alpha)) - d.w @ (w1 * lT + w2 * ltx)
    inv_T = (1 / (alpha + d.uT))[d.iT]
    inv_tx = (1 / (alpha + d.utx))[d.itx]
    g_alpha = d.N * r / alpha - d.w @ (rx * (w1 * inv_T + w2 * inv_tx))
    g_a = d.Wx @ (dg(a + b) - dg(a + b + ux)) + (d.w @ w2) / a
    g_b = (d.Wx @ (dg(b + ux) - dg(a + b + ux) - dg(b) + dg(a + b))
           - d.w @ (w2 / (b + d.inv_b[d.ix])))
    return ll, np.array([g_r, g_alpha, g_a, g_b])


def _pairs(a, b):
    """Unique (a, b) pairs: their values and, for each row, the index of its pair."""
    mi = pd.MultiIndex.from_arrays([a, b])
    key = mi.codes[0].astype(np.int64) * len(mi.levels[1]) + mi.codes[1]
    _, first, inv = np.unique(key, return_index=True, return_inverse=True)
    return a[first], b[first], inv.ravel()


def _pareto_loglik(params, d, grad=False):
    r, alpha, s, beta = params
    x, T = d.x, d.T
    if d.pairs is None:  # the 2F1 terms depend on (x, tx) and (x, T): evaluate once per pair
        d.pairs = (_pairs(x, d.tx), _pairs(x, T))
    (xa, ta, ia), (xb, tb, ib) = d.pairs
    A = special.gammaln(r + d.ux) - special.gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    l1 = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    log_a0 = _log_diff(_pareto_log_term(params, xa, ta)[ia], _pareto_log_term(params, xb, tb)[ib])
    l2 = np.log(s) - np.log(r + s + x) + log_a0
    ll = d.Wx @ A + d.w @ np.logaddexp(l1, l2)
    return ll, None


class _GGData:
    def __init__(self, x, m, w):
        self.x, self.m, self.w = x, m, w
        self.N = w.sum()
        self.ux, self.ix = np.unique(x, return_inverse=True)
        self.Wx = np.bincount(self.ix, weights=w)
        lm, lx = np.log(m), np.log(x)
        self.S_lm = w @ lm
        self.S_xlm = w @ (x * lm)
        self.S_xlx = w @ (x * lx)


def _gg_loglik(params, d, grad=False):
    p, q, g = params
    ux, Wx = d.ux, d.Wx
    A = special.gammaln(p * ux + q) - special.gammaln(p * ux) - special.gammaln(q) + q * np.log(g)
    denom = g + d.x * d.m
    L = np.log(denom)
    ll = Wx @ A + p * d.S_xlm - d.S_lm + p * d.S_xlx - d.w @ ((p * d.x + q) * L)
    if not grad:
        return ll, None
    dg = special.digamma
    g_p = Wx @ (ux * (dg(p * ux + q) - dg(p * ux))) + d.S_xlm + d.S_xlx - d.w @ (d.x * L)
    g_q = Wx @ (dg(p * ux + q) - dg(q) + np.log(g)) - d.w @ L
    g_g = d.N * q / g - d.w @ ((p * d.x + q) / denom)
    return ll, np.array([g_p, g_q, g_g])


_LOGLIK = {"bgnbd": _bgnbd_loglik, "pareto_nbd": _pareto_loglik, "gamma_gamma": _gg_loglik}
_HAS_GRAD = {"bgnbd": True, "pareto_nbd": False, "gamma_gamma": True}


# ---------------------------------------------------------------------------------------------------
# Optimisation
# ---------------------------------------------------------------------------------------------------
def _hessian_log(model, theta, d, step=1e-4):
    """Central-difference Hessian of the total negative log-likelihood in log-parameters."""
    loglik = _LOGLIK[model]
    k = len(theta)
    H = np.empty((k, k))
    if _HAS_GRAD[model]:
        def grad(th):
            p = np.exp(th)
            return -loglik(p, d, grad=True)[1] * p
        for j in range(k):
            e = np.zeros(k)
            e[j] = step
            H[:, j] = (grad(theta + e) - grad(theta - e)) / (2 * step)
        return (H + H.T) / 2

    def f(th):
        return -loglik(np.exp(th), d)[0]
    f0 = f(theta)
    for i in range(k):
        ei = np.zeros(k)
        ei[i] = step
        H[i, i] = (f(theta + ei) - 2 * f0 + f(theta - ei)) / step**2
        for j in range(i + 1, k):
            ej = np.zeros(k)
            ej[j] = step
            H[i, j] = H[j, i] = (f(theta + ei + ej) - f(theta + ei - ej) - f(theta - ei + ej)
                                 + f(theta - ei - ej)) / (4 * step**2)
    return H


def _fit(model, d, theta0, n_unique, time_unit, confirm):
    names = _PARAM_NAMES[model]
    label = _MODEL_LABELS[model]
    loglik = _LOGLIK[model]
    N = d.N
    k = len(theta0)
    bounds = [(-_LOG_BOUND, _LOG_BOUND)] * k

    def fun(th):
        p = np.exp(th)
        if _HAS_GRAD[model]:
            ll, g = loglik(p, d, grad=True)
            val, gr = -ll / N, -g * p / N
            if not np.isfinite(val) or not np.isfinite(gr).all():
                return 1e10, np.zeros(k)
            return val, gr
        ll = loglik(p, d)[0]
        return (-ll / N) if np.isfinite(ll) else 1e10

    def fval(th):
        ll = loglik(np.exp(th), d)[0]
        return (-ll / N) if np.isfinite(ll) else 1e10

    with np.errstate(all="ignore"):
        res = optimize.minimize(
            fun, theta0, method="L-BFGS-B", jac=True if _HAS_GRAD[model] else "3-point",
            bounds=bounds, options={"ftol": 1e-14, "gtol": 1e-10, "maxiter": 5000, "maxfun": 50000})
        best = res.x
        diag = {"optimiser": "L-BFGS-B", "message": str(res.message), "n_evaluations": int(res.nfev),
                "success": bool(res.success)}
        agree = True
        if confirm:
            start = np.clip(res.x + 0.3 * (-1.0) ** np.arange(k), -_LOG_BOUND, _LOG_BOUND)
            nm = optimize.minimize(fval, start, method="Nelder-Mead", bounds=bounds,
                                   options={"xatol": 1e-7, "fatol": 1e-12, "maxiter": 20000,
                                            "maxfev": 20000})
            diff = float(np.max(np.abs(nm.x - res.x)))
            dll = float((res.fun - nm.fun) * N)  # > 0: Nelder-Mead found a higher likelihood
            diag["confirm"] = {"optimiser": "Nelder-Mead", "loglik": float(-nm.fun * N),
                               "max_abs_log_param_diff": diff, "loglik_gain": dll,
                               "params": dict(zip(names, np.exp(nm.x).tolist())),
                               "n_evaluations": int(nm.nfev), "success": bool(nm.success)}
            if nm.fun < res.fun:
                best = nm.x
            agree = diff < _AGREE_TOL and abs(dll) < 1e-3 * max(1.0, k)
            if not agree:
                j = int(np.argmax(np.abs(nm.x - res.x)))
                warnings.warn(
                    f"{label}: L-BFGS-B and Nelder-Mead disagree (log-parameters differ by up to "
                    f"{diff:.2g}, most in {names[j]}: {np.exp(res.x[j]):.4g} vs {np.exp(nm.x[j]):.4g}; "
                    f"log-likelihood by {abs(dll):.2g}); the likelihood is nearly flat. The better "
                    f"of the two is returned; treat the estimates with care.", UserWarning,
                    stacklevel=3)
    params = np.exp(best)
    ll_hat = float(loglik(params, d)[0])
    at_bound = [n for n, t in zip(names, best) if abs(t) > _LOG_BOUND - _BOUND_MARGIN]
    if at_bound:
        hint = (" (a -> 0 means the data show no evidence of drop-out: BG/NBD reduces to the NBD)"
                if model == "bgnbd" and "a" in at_bound else "")
        warnings.warn(f"{label}: parameter(s) {at_bound} ran to the search bound "
                      f"({dict(zip(names, params))}); the likelihood is flat in that direction"
                      f"{hint}. Standard errors are not meaningful there.", UserWarning, stacklevel=3)
    with np.errstate(all="ignore"):
        H = _hessian_log(model, best, d)
    cov_log = None
    if np.isfinite(H).all():
        try:
            np.linalg.cholesky(H)
            cov_log = np.linalg.inv(H)
        except np.linalg.LinAlgError:
            cov_log = None
    if cov_log is None:
        warnings.warn(f"{label}: the Hessian is not positive definite at the estimate; standard errors "
                      f"are NaN (the likelihood is flat or the fit ran to a bound).", UserWarning,
                      stacklevel=3)
        cov = np.full((k, k), np.nan)
    else:
        cov = cov_log * np.outer(params, params)
    converged = bool(res.success) and agree and not at_bound
    return {
        "model": model,
        "params": pd.Series(params, index=names, name="estimate"),
        "se": pd.Series(np.sqrt(np.diag(cov)), index=names, name="se"),
        "cov": pd.DataFrame(cov, index=names, columns=names),
        "loglik": ll_hat, "n": float(N), "n_unique": int(n_unique), "converged": converged,
        "time_unit": time_unit, "diagnostics": diag,
    }


def _compress(x, tx, T, w):
    df = pd.DataFrame({"x": x, "tx": tx, "T": T, "w": w})
    g = df[df["w"] > 0].groupby(["x", "tx", "T"], sort=True)["w"].sum().reset_index()
    return g["x"].to_numpy(), g["tx"].to_numpy(), g["T"].to_numpy(), g["w"].to_numpy()


def _fit_lifetime(model, summary, weights, time_unit, compress, confirm):
    if time_unit is not None:
        _check_unit(time_unit)
    x, tx, T = _summary_arrays(summary)
    w = _check_weights(weights, summary)
    if compress:
        x, tx, T, w = _compress(x, tx, T, w)
    else:
        keep = w > 0
        x, tx, T, w = x[keep], tx[keep], T[keep], w[keep]
    if (w @ (x > 0)) == 0:
        warnings.warn(f"{_MODEL_LABELS[model]}: no customer made a repeat purchase; the model is not "
                      f"identified and the estimates are meaningless.", UserWarning, stacklevel=3)
    d = _BGData(x, tx, T, w)
    rate = max(w @ x / max(w @ T, 1e-12), 1e-6)  # repeat purchases per unit of time
    if model == "bgnbd":
        theta0 = np.log([1.0, 1.0 / rate, 0.5, 2.0])
    else:
        theta0 = np.log([1.0, 1.0 / rate, 1.0, max(w @ T / w.sum(), 1e-3)])
    theta0 = np.clip(theta0, -_LOG_BOUND + 2, _LOG_BOUND - 2)
    out = _fit(model, d, theta0, len(x), time_unit, confirm)
    out["diagnostics"]["data"] = {"max_frequency": float(x.max()), "max_T": float(T.max()),
                                  "repeat_buyers": float(w @ (x > 0))}
    return LifetimeFit(**out)


def fit_bgnbd(summary, weights=None, *, time_unit=None, compress=True, confirm=True):
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
    confirm : bool, default True
        Re-run the optimisation with Nelder-Mead from another start and warn if the two disagree.

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
    return _fit_lifetime("bgnbd", summary, weights, time_unit, compress, confirm)


def fit_pareto_nbd(summary, weights=None, *, time_unit=None, compress=True, confirm=True):
    """Fit the Pareto/NBD model (Schmittlein, Morrison & Colombo, 1987) by maximum likelihood.

    The model Reinartz & Kumar (2000, 2003) used to measure lifetime duration. The likelihood uses
    Fader & Hardie's form with the Gauss hypergeometric function (branches for ``alpha >= beta`` and
    ``alpha < beta``), computed in logs.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per customer with ``frequency``, ``recency``, ``T`` (see :func:`fit_bgnbd`).
    weights : array-like or pandas.Series, optional
        Non-negative count of customers each row stands for.
    time_unit : {"D", "W", "M", "Q", "Y"}, optional
        Unit of ``recency`` and ``T``, recorded on the result.
    compress : bool, default True
        Evaluate the likelihood on unique ``(frequency, recency, T)`` triples.
    confirm : bool, default True
        Confirm with Nelder-Mead from another start; warn on disagreement.

    Returns
    -------
    LifetimeFit
        ``params`` (r, alpha, s, beta) with the same interface as :func:`fit_bgnbd`.

    Raises
    ------
    ValueError, TypeError
        As :func:`fit_bgnbd`.

    Warns
    -----
    UserWarning
        As :func:`fit_bgnbd`.

    Examples
    --------
    >>> s = simulate_bgnbd(3000, r=0.5, alpha=5, a=0.8, b=2.5, T=40, seed=2)
    >>> fit_pareto_nbd(s).params.index.tolist()
    ['r', 'alpha', 's', 'beta']
    """
    return _fit_lifetime("pareto_nbd", summary, weights, time_unit, compress, confirm)


def fit_gamma_gamma(summary, weights=None, *, max_abs_corr=0.3, confirm=True):
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
    confirm : bool, default True
        Confirm with Nelder-Mead from another start; warn on disagreement.

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
    theta0 = np.log([1.0, 2.0, float(np.average(mu, weights=wu))])
    out = _fit("gamma_gamma", d, theta0, len(xu), None, confirm)
    out["diagnostics"].update(diag)
    return SpendFit(**out)


# ---------------------------------------------------------------------------------------------------
# Customer value
# ---------------------------------------------------------------------------------------------------
def _discounted_purchases(model, params, x, tx, T, horizon, disc, pairs=None):
    """Per row: sum over periods k = 1..horizon of disc^k (E[Y(k)] - E[Y(k-1)]), and E[Y(horizon)].

    Phi depends on (x, T) only, so it is evaluated once per unique pair (``pairs`` from
    :func:`_pairs`, computed here when not given) on the grid t = 0, 1, ..., horizon.
    """
    xu, Tu, inv = _pairs(x, T) if pairs is None else pairs
    t = np.arange(horizon + 1, dtype=float)
    grid = _phi(model, params, xu[:, None], Tu[:, None], t[None, :])
    dsum = np.diff(grid, axis=1) @ (disc ** t[1:])
    K = _scale(model, params, x, tx, T)
    return K * dsum[inv], K * grid[inv, -1]


def _draws(fit, n_boot, rng, what):
    cov = fit.cov_log.to_numpy()
    theta = np.log(fit.params.to_numpy())
    if not np.isfinite(cov).all():
        warnings.warn(f"customer_value: the {what} fit has no usable covariance matrix, so its "
                      f"parameter uncertainty is left out of the interval.", UserWarning, stacklevel=3)
        return np.tile(theta, (n_boot, 1))
    return rng.multivariate_normal(theta, cov, size=n_boot, method="cholesky")


def customer_value(summary, lifetime_fit, spend_fit, *, horizon=52, time_unit="W",
                   annual_discount_rate=0.10, margin_rate=None, profit_col=None, n_boot=200,
                   ci=0.95, seed=0, chunk_size=10_000, by=None):
    """Expected discounted profit of each customer over a horizon, with a bootstrap interval.

    Input: the customer summary (one row per customer, ``recency`` and ``T`` in ``time_unit``, the
    unit the lifetime model was fitted in). Output: one row per customer (see :class:`CustomerValue`).

    ``clv = discounted expected purchases x expected spend x margin``:

    - discounted expected purchases: ``sum_{k=1..horizon} d^k (E[Y(k)] - E[Y(k-1)])``, the expected
      purchases in each period (of one ``time_unit``) given the customer's history, discounted at the
      end of the period with ``d = (1 + annual_discount_rate) ** -(days_per_unit / 365.25)``
      (days per unit from :data:`DAYS_PER_UNIT`: W = 7, M = 30.44, ...);
    - expected spend: the Gamma-Gamma conditional mean (population mean for customers without repeat
      purchases);
    - margin: ``margin_rate``, or per customer ``profit_col / monetary_value`` (customers without a
      repeat purchase get the overall ratio of the repeat buyers).

    The interval is a parametric bootstrap: ``n_boot`` draws of each model's log-parameters from
    ``N(estimate, inverse Hessian)``, the value recomputed for each draw, percentiles taken per
    customer and for the total. It reflects parameter uncertainty, not the customer's own randomness.
    The lifetime and spend models are drawn independently (they are fitted separately). The value of
    a group of customers (``by``) gets its interval from the same draws, summed within the group
    (summing the customers' own bounds would overstate the width).

    Cost grows with ``unique (frequency, T) pairs x horizon x n_boot`` evaluations of the
    hypergeometric function (BG/NBD): fit in weeks rather than days for a one-year horizon
    (about 1 s for the 2,357 CDNOW customers with 200 draws).

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per customer with ``frequency``, ``recency``, ``T``, ``monetary_value`` (and
        ``profit_col`` if given).
    lifetime_fit : LifetimeFit
        From :func:`fit_bgnbd` or :func:`fit_pareto_nbd`.
    spend_fit : SpendFit
        From :func:`fit_gamma_gamma`.
    horizon : int, default 52
        Number of future periods of one ``time_unit`` each.
    time_unit : {"D", "W", "M", "Q", "Y"}, default "W"
        Unit of ``recency``, ``T`` and of the lifetime model; must match ``lifetime_fit.time_unit``
        when that was recorded.
    annual_discount_rate : float, default 0.10
        Yearly rate, >= 0; converted to a per-period factor as above.
    margin_rate : float, optional
        Profit as a share of revenue, in (0, 1]. Give this or ``profit_col`` (1.0 gives revenue).
    profit_col : str, optional
        Column of ``summary`` with the mean profit of the same repeat purchases that
        ``monetary_value`` averages.
    n_boot : int, default 200
        Bootstrap draws; 0 skips the interval.
    ci : float, default 0.95
        Interval level.
    seed : int, default 0
        Seed of ``numpy.random.default_rng``.
    chunk_size : int, default 10000
        Customers per block when combining draws. Memory is about ``unique (frequency, recency, T)
        rows x n_boot`` 4-byte numbers plus ``chunk_size x n_boot`` 8-byte numbers.
    by : pandas.Series or array-like, optional
        A group label per customer (a Series indexed like ``summary``, or one label per row), e.g.
        the relationship group. Customers with a missing label are left out of ``by_group``.

    Returns
    -------
    CustomerValue
        ``table`` (per customer), ``total`` (sum with interval), ``settings``.

    Raises
    ------
    ValueError, TypeError
        On malformed inputs, an unknown or mismatched time unit, a non-integer horizon, a negative
        rate, neither / both of ``margin_rate`` and ``profit_col``, or ``by`` of the wrong length.

    Warns
    -----
    UserWarning
        When a fit has no covariance matrix (its uncertainty is left out), or the Gamma-Gamma ``q <= 1``
        (no finite population mean spend).

    Examples
    --------
    >>> s = simulate_bgnbd(3000, r=0.5, alpha=5, a=0.8, b=2.5, T=40, spend=(6, 4, 15), seed=2)
    >>> cv = customer_value(s, fit_bgnbd(s), fit_gamma_gamma(s), margin_rate=0.3, n_boot=50)
    >>> bool(cv.total["lower"] < cv.total["estimate"] < cv.total["upper"])
    True
    >>> half = pd.Series(["a", "b"] * 1500, index=s.index)
    >>> g = customer_value(s, fit_bgnbd(s), fit_gamma_gamma(s), margin_rate=0.3, n_boot=50,
    ...                    by=half).by_group
    >>> g.index.tolist(), bool(abs(g["estimate"].sum() - cv.total["estimate"]) < 1e-6)
    (['a', 'b'], True)
    """
    if not isinstance(lifetime_fit, LifetimeFit):
        raise TypeError("lifetime_fit must come from fit_bgnbd or fit_pareto_nbd")
    if not isinstance(spend_fit, SpendFit):
        raise TypeError("spend_fit must come from fit_gamma_gamma")
    _check_unit(time_unit)
    if lifetime_fit.time_unit is not None and lifetime_fit.time_unit != time_unit:
        raise ValueError(f"time_unit={time_unit!r} but the lifetime model was fitted with time unit "
                         f"{lifetime_fit.time_unit!r}; pass time_unit={lifetime_fit.time_unit!r} and a "
                         f"horizon in that unit")
    if isinstance(horizon, bool) or not float(horizon).is_integer() or horizon < 1:
        raise ValueError(f"horizon must be a whole number of periods >= 1; got {horizon!r}")
    horizon = int(horizon)
    if not np.isfinite(annual_discount_rate) or annual_discount_rate < 0:
        raise ValueError(f"annual_discount_rate must be >= 0 (0.10 = 10% a year); got "
                         f"{annual_discount_rate!r}")
    if (margin_rate is None) == (profit_col is None):
        raise ValueError("give exactly one of margin_rate (e.g. 0.3 = 30% of revenue is profit; 1.0 "
                         "for revenue) or profit_col (a column of mean profit per repeat purchase)")
    if isinstance(n_boot, bool) or int(n_boot) != n_boot or n_boot < 0:
        raise ValueError(f"n_boot must be a whole number >= 0; got {n_boot!r}")
    if not 0 < ci < 1:
        raise ValueError(f"ci must be in (0, 1); got {ci!r}")
    x, tx, T, m = _summary_arrays(summary, monetary=True)
    n = len(x)
    if by is not None:
        if isinstance(by, pd.Series) and not by.index.equals(summary.index):
            if not summary.index.isin(by.index).all():
                raise ValueError("by is a Series whose index does not cover the summary's customers; "
                                 "pass one label per summary row")
            by = by.reindex(summary.index)
        labels = by if isinstance(by, pd.Series) else pd.Series(np.asarray(by, dtype=object))
        if len(labels) != n:
            raise ValueError(f"by must have one label per summary row ({n}); got {len(labels)}")
        if isinstance(labels.dtype, pd.CategoricalDtype):
            gcodes, glevels = labels.cat.codes.to_numpy(), list(labels.cat.categories)
        else:
            gcodes, glevels = pd.factorize(labels, sort=True)
            glevels = list(glevels)
        n_groups = len(glevels)

    if margin_rate is not None:
        if not 0 < margin_rate <= 1:
            raise ValueError(f"margin_rate must be in (0, 1]; got {margin_rate!r}")
        margin = np.full(n, float(margin_rate))
        margin_source = f"margin_rate = {margin_rate}"
    else:
        if profit_col not in summary.columns:
            raise ValueError(f"profit_col {profit_col!r} is not a column of summary")
        prof = pd.to_numeric(summary[profit_col]).to_numpy(dtype=float, na_value=np.nan)
        has = (x > 0) & (m > 0)
        if np.isnan(prof[has]).any():
            raise ValueError(f"summary[{profit_col!r}] has missing values for repeat customers")
        if not has.any():
            raise ValueError("profit_col needs repeat customers with monetary_value > 0 to form a ratio")
        overall = prof[has].sum() / m[has].sum()
        margin = np.where(has, prof / np.where(has, m, 1.0), overall)
        margin_source = f"{profit_col} / monetary_value (overall {overall:.4g} without repeat purchases)"

    days = DAYS_PER_UNIT[time_unit]
    disc = (1 + annual_discount_rate) ** (-days / _DAYS_PER_YEAR)

    ux, utx, uT, _ = _compress(x, tx, T, np.ones(n))
    key = pd.MultiIndex.from_arrays([ux, utx, uT])
    inv = key.get_indexer(pd.MultiIndex.from_arrays([x, tx, T]))
    model, lp = lifetime_fit.model, lifetime_fit.params.to_numpy()
    gp = spend_fit.params.to_numpy()
    if gp[1] <= 1 and ((x == 0) | (m <= 0)).any():
        warnings.warn("customer_value: Gamma-Gamma q <= 1, so the population mean spend is infinite; "
                      "customers without repeat purchases get NaN value.", UserWarning, stacklevel=2)
    pairs = _pairs(ux, uT)
    dep_u, ey_u = _discounted_purchases(model, lp, ux, utx, uT, horizon, disc, pairs)
    spend = _gg_conditional_spend(gp, x, m)
    clv = dep_u[inv] * spend * margin
    lower = np.full(n, np.nan)
    upper = np.full(n, np.nan)
    total_lo = total_hi = np.nan
    if n_boot > 0:
        rng = np.random.default_rng(seed)
        lt_draws = np.exp(_draws(lifetime_fit, n_boot, rng, "lifetime"))
        gg_draws = np.exp(_draws(spend_fit, n_boot, rng, "spend"))
        with np.errstate(all="ignore"):
            dep_b = np.empty((len(ux), n_boot), dtype=np.float32)  # unique rows x draws
            for j, th in enumerate(lt_draws):
                dep_b[:, j] = _discounted_purchases(model, th, ux, utx, uT, horizon, disc, pairs)[0]
        q = [(1 - ci) / 2, (1 + ci) / 2]
        totals = np.zeros(n_boot)
        group_totals = np.zeros((n_groups, n_boot)) if by is not None else None
        for start in range(0, n, chunk_size):
            sl = slice(start, min(start + chunk_size, n))
            xs, ms = x[sl, None], m[sl, None]
            p_, q_, g_ = (gg_draws[:, k][None, :] for k in range(3))
            with np.errstate(all="ignore"):
                pop = np.where(q_ > 1, p_ * g_ / (q_ - 1), np.nan)
                cond = p_ * (g_ + xs * ms) / (p_ * xs + q_ - 1)
            sp = np.where((xs > 0) & (ms > 0), cond, pop)
            vb = dep_b[inv[sl]] * sp * margin[sl, None]
            lower[sl], upper[sl] = np.quantile(vb, q, axis=1)
            totals += vb.sum(axis=0)
            if group_totals is not None:
                gc = gcodes[sl]
                for gi in np.unique(gc[gc >= 0]):
                    group_totals[gi] += vb[gc == gi].sum(axis=0)
        total_lo, total_hi = np.quantile(totals, q)
    table = pd.DataFrame({
        "p_alive": _p_alive(model, lp, x, tx, T),
        "expected_purchases": ey_u[inv],
        "discounted_purchases": dep_u[inv],
        "expected_spend": spend,
        "margin_rate": margin,
        "clv": clv,
        "clv_lower": lower,
        "clv_upper": upper,
    }, index=summary.index).sort_index()
    total = pd.Series({"estimate": float(np.sum(clv)), "lower": float(total_lo),
                       "upper": float(total_hi), "customers": float(n)}, name="total")
    by_group = None
    if by is not None:
        has = gcodes >= 0
        est = np.bincount(gcodes[has], weights=clv[has], minlength=n_groups)
        cnt = np.bincount(gcodes[has], minlength=n_groups)
        if n_boot > 0:
            g_lo, g_hi = np.quantile(group_totals, q, axis=1)
        else:
            g_lo = g_hi = np.full(n_groups, np.nan)
        by_group = pd.DataFrame({"estimate": est, "lower": g_lo, "upper": g_hi,
                                 "customers": cnt.astype(np.int64)},
                                index=pd.Index(glevels, name=getattr(by, "name", None) or "group"))
    settings = {
        "model": _MODEL_LABELS[model], "horizon": horizon, "time_unit": time_unit,
        "days_per_unit": days, "horizon_days": horizon * days,
        "annual_discount_rate": annual_discount_rate, "discount_factor_per_period": disc,
        "discounting": "end of each period", "margin": margin_source, "n_boot": int(n_boot),
        "ci": ci, "seed": seed,
    }
    return CustomerValue(table=table, total=total, settings=settings, by_group=by_group)


# ---------------------------------------------------------------------------------------------------
# Holdout check
# ---------------------------------------------------------------------------------------------------
def holdout_table(calibration_summary, holdout_purchases, result, holdout_length, *, max_frequency=7):
    """Predicted against actual repeat purchases in a holdout period, by calibration frequency.

    Fit the model on the calibration period, then compare its conditional expectation for the next
    ``holdout_length`` time units with the purchases each customer actually made then (Fader, Hardie
    & Lee, 2005, Figure 5).

    Input: the calibration summary (one row per customer) and a Series of holdout purchase counts
    indexed by ``customer_id`` (customers absent from it made none). Output: one row per calibration
    frequency bucket ``0, 1, ..., max_frequency+`` plus a ``Total`` row.

    Parameters
    ----------
    calibration_summary : pandas.DataFrame
        Summary of the calibration period, with ``frequency``, ``recency``, ``T``.
    holdout_purchases : pandas.Series
        Number of purchases (distinct purchase periods) per customer in the holdout, >= 0.
    result : LifetimeFit
        A model fitted on ``calibration_summary``.
    holdout_length : float
        Length of the holdout, in the time unit of the fit.
    max_frequency : int, default 7
        Calibration frequencies at or above this are pooled into one bucket.

    Returns
    -------
    pandas.DataFrame
        Index ``calibration_frequency`` (``"0"``, ..., ``"7+"``, ``"Total"``); columns ``customers``,
        ``actual_mean``, ``predicted_mean``, ``actual_total``, ``predicted_total``.

    Raises
    ------
    ValueError, TypeError
        On malformed inputs or negative / missing holdout counts.

    Warns
    -----
    UserWarning
        When ``holdout_purchases`` holds customers absent from the calibration summary (they are
        left out and counted in the message).

    Examples
    --------
    >>> s = simulate_bgnbd(3000, r=0.5, alpha=5, a=0.8, b=2.5, T=40, seed=2)
    >>> fit = fit_bgnbd(s)
    >>> tab = holdout_table(s, pd.Series(1, index=s.index), fit, 40, max_frequency=3)
    >>> tab.index.tolist()
    ['0', '1', '2', '3+', 'Total']
    """
    if not isinstance(result, LifetimeFit):
        raise TypeError("result must come from fit_bgnbd or fit_pareto_nbd")
    if not isinstance(holdout_purchases, pd.Series):
        raise TypeError("holdout_purchases must be a pandas Series of purchase counts indexed by "
                        "customer_id")
    if isinstance(max_frequency, bool) or int(max_frequency) != max_frequency or max_frequency < 1:
        raise ValueError(f"max_frequency must be a whole number >= 1; got {max_frequency!r}")
    x, _, _ = _summary_arrays(calibration_summary, name="calibration_summary")
    extra = ~holdout_purchases.index.isin(calibration_summary.index)
    if extra.any():
        warnings.warn(f"holdout_table: {int(extra.sum())} customer(s) in holdout_purchases are not in "
                      f"the calibration summary (e.g. {list(holdout_purchases.index[extra][:3])}); "
                      f"they are left out (they were acquired after the calibration period).",
                      UserWarning, stacklevel=2)
    hp = pd.to_numeric(holdout_purchases[~extra])
    if hp.isna().any() or (hp < 0).any():
        raise ValueError("holdout_purchases must be counts >= 0 without missing values")
    if hp.index.duplicated().any():
        raise ValueError("holdout_purchases has duplicated customer ids; aggregate to one count each")
    actual = hp.reindex(calibration_summary.index, fill_value=0).to_numpy(dtype=float)
    pred = result.conditional_expected_purchases(holdout_length, calibration_summary).to_numpy()
    mf = int(max_frequency)
    bucket = np.minimum(x, mf).astype(int)
    df = pd.DataFrame({"bucket": bucket, "actual": actual, "pred": pred})
    g = df.groupby("bucket", sort=True).agg(customers=("actual", "size"),
                                            actual_mean=("actual", "mean"),
                                            predicted_mean=("pred", "mean"),
                                            actual_total=("actual", "sum"),
                                            predicted_total=("pred", "sum"))
    g.index = [f"{b}+" if b == mf else str(b) for b in g.index]
    total = pd.DataFrame({"customers": [len(df)], "actual_mean": [actual.mean()],
                          "predicted_mean": [pred.mean()], "actual_total": [actual.sum()],
                          "predicted_total": [pred.sum()]}, index=["Total"])
    out = pd.concat([g, total])
    out["customers"] = out["customers"].astype(int)
    out.index.name = "calibration_frequency"
    return out


def calibration_holdout(transactions, calibration_end, observation_end=None, *, time_unit="W"):
    """Split transactions into a calibration summary and holdout purchase counts.

    The calibration summary is :func:`helpers.lifecycle.rfm_summary` up to ``calibration_end``
    (included), converted to ``time_unit``. A customer's holdout purchases are her purchase days in
    ``(calibration_end, observation_end]``, counted by the same rules (a day whose rows are only
    refunds is no purchase): the frequency of the summary up to ``observation_end`` minus the
    frequency up to ``calibration_end``. Customers whose first purchase falls in the holdout are not
    in the calibration summary (the model cannot predict them) and are left out of the counts; their
    number is in ``attrs["new_in_holdout"]`` of the counts.

    Input: one row per order line (``customer_id``, ``order_date``, ``amount``). Output: one row per
    customer with a purchase up to ``calibration_end``, in both results.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Canonical transactions.
    calibration_end : date-like
        Last day of the calibration period.
    observation_end : date-like, optional
        Last day of the holdout; default the last ``order_date``.
    time_unit : {"D", "W", "M", "Q", "Y"}, default "W"
        Unit of ``recency``, ``T`` and the holdout length.

    Returns
    -------
    summary : pandas.DataFrame
        Calibration summary (columns of :func:`helpers.lifecycle.rfm_summary`; ``recency``, ``T`` in
        ``time_unit``).
    holdout_purchases : pandas.Series
        Purchases in the holdout per calibration customer (>= 0), index ``customer_id``.
    holdout_length : float
        Length of the holdout in ``time_unit``.

    Raises
    ------
    ValueError
        If ``calibration_end`` is not before ``observation_end``, or as
        :func:`helpers.lifecycle.rfm_summary`.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "a", "b", "c"],
    ...                    "order_date": pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-22",
    ...                                                  "2024-01-03", "2024-01-20"]),
    ...                    "amount": [10.0, 5.0, 20.0, 8.0, 4.0]})
    >>> s, h, length = calibration_holdout(tx, "2024-01-14", "2024-01-28")
    >>> s["frequency"].tolist(), h.tolist(), length, h.attrs["new_in_holdout"]
    ([1, 0], [1, 0], 2.0, 1)
    """
    from helpers.lifecycle import rfm_summary

    _check_unit(time_unit)
    cal_end = pd.Timestamp(calibration_end).normalize()
    end = (pd.Timestamp(observation_end) if observation_end is not None
           else pd.Timestamp(transactions["order_date"].max())).normalize()
    if not cal_end < end:
        raise ValueError(f"calibration_end ({cal_end:%Y-%m-%d}) must be before observation_end "
                         f"({end:%Y-%m-%d}); choose an earlier split date")
    cal = rfm_summary(transactions, observation_end=cal_end)
    full = rfm_summary(transactions, observation_end=end)
    holdout = (full["frequency"].reindex(cal.index) - cal["frequency"]).astype("int64")
    holdout.name = "holdout_purchases"
    holdout.attrs["new_in_holdout"] = int((~full.index.isin(cal.index)).sum())
    length = (end - cal_end).days / DAYS_PER_UNIT[time_unit]
    return convert_time_unit(cal, "D", time_unit), holdout, length


# ---------------------------------------------------------------------------------------------------
# Simulation
# ---------------------------------------------------------------------------------------------------
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
