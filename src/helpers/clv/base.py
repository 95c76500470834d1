"""The fitting machinery shared by the models of :mod:`helpers.clv`: one fitted-model interface.

- :class:`Model`, :class:`LifetimeModel`, :class:`SpendModel`: what a model supplies (its parameter
  names, log-likelihood and formulas); one object per model lives in its own module and in
  :mod:`helpers.clv.models`.
- :class:`LifetimeFit`, :class:`SpendFit`: the fitted models every function of the package returns
  and takes, whichever model is behind them.
- The maximum-likelihood fit: parameters on the log scale, L-BFGS-B (with the analytic gradient when
  the model has one) and tight tolerances, a Nelder-Mead run from another start to confirm (by
  default on fewer than 20,000 unique rows, or when L-BFGS-B did not converge or stopped near the
  search bound; always with ``confirm=True``), and
  standard errors from a central-difference Hessian of the log-likelihood in the log-parameters
  (turned into natural-scale standard errors by the delta method). Lifetime likelihoods are
  evaluated on the unique ``(frequency, recency, T)`` triples with their counts as weights, so a
  million customers take seconds (``benchmarks/bench_clv.py``).
- Input checks of the customer summary and the time units (:data:`DAYS_PER_UNIT`,
  :func:`convert_time_unit`).
"""

from __future__ import annotations

import warnings
import weakref
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, special

from helpers.frames import isin
from helpers.stats import z_value

__all__ = ["DAYS_PER_UNIT", "Model", "LifetimeModel", "SpendModel", "LifetimeFit", "SpendFit",
           "convert_time_unit"]

#: Days in one time unit. Months, quarters and years are calendar averages (365.25 days a year),
#: never 30-day months.
DAYS_PER_UNIT = {"D": 1.0, "W": 7.0, "M": 365.25 / 12, "Q": 365.25 / 4, "Y": 365.25}

_DAYS_PER_YEAR = 365.25
_LOG_BOUND = 20.0  # every parameter is searched in [exp(-20), exp(20)] = [2.1e-9, 4.9e8]
_BOUND_MARGIN = 1.0  # a parameter within this distance (log scale) of a bound is reported
_AGREE_TOL = 1e-3  # two optimisers agree when log-parameters differ by less (0.1 % relative)
_CONFIRM_BELOW = 20_000  # confirm="auto" always confirms below this many likelihood rows (cheap there)


# ---------------------------------------------------------------------------------------------------
# Models: what each model file supplies
# ---------------------------------------------------------------------------------------------------
class Model:
    """A probability model fitted by maximum likelihood: its names and its log-likelihood.

    A model is one object (e.g. ``helpers.clv.bgnbd.BGNBD``); the fitting machinery and the fitted
    results call its methods, so each model's mathematics lives in its own module.

    Attributes
    ----------
    name : str
        Key of the model (``"bgnbd"``), stored on its fits as ``model``.
    label : str
        Name in messages (``"BG/NBD"``).
    param_names : tuple of str
        Parameters in the order of every ``params`` array.
    has_grad : bool
        Whether :meth:`loglik` returns the gradient (else the optimiser differentiates numerically).
    """

    name: str = ""
    label: str = ""
    param_names: tuple = ()
    has_grad: bool = False

    def loglik(self, params, d, grad=False):
        """Total log-likelihood of the data ``d`` and, with ``grad``, its gradient (else None).

        ``params`` is a numpy array in the order of :attr:`param_names`, on the natural scale.
        """
        raise NotImplementedError

    def bound_hint(self, at_bound):
        """Extra words for the warning when the parameters ``at_bound`` ran to the search bound."""
        return ""

    def __repr__(self):
        return f"<{self.label} model>"


class LifetimeModel(Model):
    """A purchase-and-dropout model of non-contractual customers (BG/NBD, Pareto/NBD).

    Its conditional expectation factors as ``E[Y(t) | x, tx, T] = K(x, tx, T) * Phi(t; x, T)``:
    :meth:`scale` is ``K`` (P(alive) times a constant) and :meth:`phi` is ``Phi`` with
    ``Phi(0) = 0``, which depends on ``(x, T)`` only, so a grid of horizons costs one evaluation per
    unique ``(x, T)`` pair.
    """

    def log_odds(self, params, x, tx, T):
        """log of P(dropped out) / P(alive) given ``(x, tx, T)``, vectorised."""
        raise NotImplementedError

    def p_alive(self, params, x, tx, T):
        """Probability of being alive at ``T`` given ``(x, tx, T)``."""
        return special.expit(-self.log_odds(params, x, tx, T))

    def scale(self, params, x, tx, T):
        """``K(x, tx, T)`` of the conditional expectation."""
        raise NotImplementedError

    #: Whether :meth:`phi` depends on ``x`` (False: evaluated once per unique ``T``).
    phi_uses_x = True

    def phi(self, params, x, T, t):
        """``Phi(t; x, T)`` of the conditional expectation, broadcasting ``x, T`` against ``t``."""
        raise NotImplementedError

    def phi_keys(self, x, T):
        """The rows :meth:`phi` must be evaluated on: ``(x, T, inv)`` with ``values[inv]`` per row.

        Unique ``(x, T)`` pairs, or unique ``T`` (with ``x`` = 0) when :attr:`phi_uses_x` is False.
        """
        if self.phi_uses_x:
            return _pairs(x, T)
        uT, inv = np.unique(T, return_inverse=True)
        return np.zeros_like(uT), uT, inv.ravel()

    def conditional_expectation(self, params, x, tx, T, t):
        """Expected repeat purchases in ``(T, T + t]`` given ``(x, tx, T)``."""
        return self.scale(params, x, tx, T) * self.phi(params, x, T, t)

    def remaining_life(self, params, x, tx, T, t):
        """Expected time alive in ``(T, T + t]`` given ``(x, tx, T)``: P(alive) E[min(tau, t) | alive]."""
        raise NotImplementedError(f"the expected remaining life has no closed form here for the "
                                  f"{self.label}; use the Pareto/NBD or loyalty='expected_purchases'")

    def start(self, x, tx, T, w):
        """Starting values of the search (natural scale), from the data."""
        raise NotImplementedError

    def fit(self, summary, weights=None, *, time_unit=None, compress=True, confirm="auto"):
        """Fit this model to a customer summary: a :class:`LifetimeFit` (see ``fit_bgnbd``)."""
        return _fit_lifetime(self, summary, weights, time_unit, compress, confirm)


class SpendModel(Model):
    """A model of the value of a customer's transactions (Gamma-Gamma)."""

    def mean_spend(self, params):
        """Population mean spend per transaction; NaN where it is not finite."""
        raise NotImplementedError

    def conditional_spend(self, params, x, m):
        """Expected spend per future transaction given ``x`` repeat purchases of mean value ``m``.

        ``params`` may hold arrays (one value per bootstrap draw) that broadcast against ``x, m``.
        """
        raise NotImplementedError

    def start(self, m, w):
        """Starting values of the search (natural scale), from the repeat customers' mean spend."""
        raise NotImplementedError


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
    spec: Model | None = field(default=None, repr=False, compare=False)

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
        >>> from helpers.clv import fit_bgnbd, simulate_bgnbd
        >>> fit = fit_bgnbd(simulate_bgnbd(3000, r=0.5, alpha=5, a=0.8, b=2.5, T=40, seed=2))
        >>> list(fit.summary_table().columns)
        ['param', 'estimate', 'se', 'ci_lower', 'ci_upper']
        """
        if not 0 < level < 1:
            raise ValueError(f"level must be in (0, 1), e.g. 0.95; got {level!r}")
        zq = z_value(1 - level)
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
    spec : LifetimeModel
        The model object whose formulas the methods use (``helpers.clv.models.LIFETIME_MODELS``).
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
        >>> from helpers.clv import fit_bgnbd, simulate_bgnbd
        >>> fit = fit_bgnbd(simulate_bgnbd(3000, r=0.5, alpha=5, a=0.8, b=2.5, T=40, seed=2))
        >>> s = pd.DataFrame({"frequency": [0, 3], "recency": [0.0, 10.0], "T": [40.0, 40.0]})
        >>> fit.p_alive(s).round(2).tolist()
        [1.0, 0.1]
        """
        ux, utx, uT, inv = _triples(*_summary_arrays(summary))
        pa = self.spec.p_alive(self.params.to_numpy(), ux, utx, uT)[inv]
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
        >>> from helpers.clv import fit_bgnbd, simulate_bgnbd
        >>> fit = fit_bgnbd(simulate_bgnbd(3000, r=0.5, alpha=5, a=0.8, b=2.5, T=40, seed=2))
        >>> bool(fit.expected_purchases(52) > fit.expected_purchases(26) > 0)
        True
        """
        tt = _check_time(t, "t")
        zero = np.zeros_like(tt)
        out = self.spec.conditional_expectation(self.params.to_numpy(), zero, zero, zero, tt)
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
        >>> from helpers.clv import fit_bgnbd, simulate_bgnbd
        >>> fit = fit_bgnbd(simulate_bgnbd(3000, r=0.5, alpha=5, a=0.8, b=2.5, T=40, seed=2))
        >>> s = pd.DataFrame({"frequency": [2, 2], "recency": [5.0, 35.0], "T": [40.0, 40.0]})
        >>> e = fit.conditional_expected_purchases(52, s)
        >>> bool(e.iloc[1] > e.iloc[0])
        True
        """
        if np.ndim(t) != 0:
            raise ValueError("t must be one number (a period length); call once per horizon")
        tt = float(_check_time(t, "t"))
        ux, utx, uT, inv = _triples(*_summary_arrays(summary))
        out = self.spec.conditional_expectation(self.params.to_numpy(), ux, utx, uT, tt)[inv]
        return pd.Series(out, index=summary.index, name="expected_purchases")

    def expected_remaining_life(self, t, summary):
        """Expected time each customer stays alive within the next ``t`` time units, given her history.

        ``P(alive) x E[min(tau, t) | alive]``, with ``tau`` the remaining lifetime: a number between 0
        and ``t`` that falls smoothly with the time since the last purchase. Closed form for the
        Pareto/NBD (see :data:`helpers.clv.pareto_nbd.PARETO_NBD`), evaluated once per unique
        ``(frequency, recency, T)`` triple.

        Parameters
        ----------
        t : float
            Horizon, > 0, in the time unit of the fit.
        summary : pandas.DataFrame
            One row per customer with ``frequency``, ``recency``, ``T``.

        Returns
        -------
        pandas.Series
            ``remaining_life``, indexed like ``summary``, in [0, t].

        Raises
        ------
        ValueError, TypeError
            On a negative ``t`` or a malformed ``summary``.
        NotImplementedError
            For a model without the closed form (BG/NBD).

        Examples
        --------
        >>> from helpers.clv import fit_pareto_nbd, simulate_bgnbd
        >>> fit = fit_pareto_nbd(simulate_bgnbd(2000, r=0.5, alpha=5, a=0.8, b=2.5, T=40, seed=2))
        >>> s = pd.DataFrame({"frequency": [2, 2], "recency": [5.0, 35.0], "T": [40.0, 40.0]})
        >>> life = fit.expected_remaining_life(52, s)
        >>> bool(0 < life.iloc[0] < life.iloc[1] < 52)
        True
        """
        if np.ndim(t) != 0:
            raise ValueError("t must be one number (a horizon); call once per horizon")
        tt = float(_check_time(t, "t"))
        ux, utx, uT, inv = _triples(*_summary_arrays(summary))
        out = self.spec.remaining_life(self.params.to_numpy(), ux, utx, uT, tt)[inv]
        return pd.Series(out, index=summary.index, name="remaining_life")

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
        >>> from helpers.clv import fit_bgnbd, simulate_bgnbd
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
    ``corr_pvalue``, ``spearman_frequency_monetary`` and ``max_abs_corr`` (the threshold used);
    ``spec`` is the model object (``helpers.clv.gamma_gamma.GAMMA_GAMMA``).
    """

    def expected_spend(self):
        """Population mean spend per transaction, ``p * gamma / (q - 1)`` (infinite when q <= 1).

        Returns
        -------
        float

        Examples
        --------
        >>> from helpers.clv import fit_gamma_gamma, simulate_bgnbd
        >>> s = simulate_bgnbd(3000, r=0.5, alpha=5, a=0.8, b=2.5, T=40, spend=(6, 4, 15), seed=2)
        >>> round(fit_gamma_gamma(s).expected_spend() / 30, 0)
        1.0
        """
        mean = self.spec.mean_spend(self.params.to_numpy())
        return float(mean) if np.isfinite(mean) else float("inf")

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
        >>> from helpers.clv import fit_gamma_gamma, simulate_bgnbd
        >>> s = simulate_bgnbd(3000, r=0.5, alpha=5, a=0.8, b=2.5, T=40, spend=(6, 4, 15), seed=2)
        >>> e = fit_gamma_gamma(s).conditional_expected_spend(s)
        >>> bool((e > 0).all())
        True
        """
        x, _, _, m = _summary_arrays(summary, monetary=True)
        out = self.spec.conditional_spend(self.params.to_numpy(), x, m)
        return pd.Series(out, index=summary.index, name="expected_spend")

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
        if not isin(summary.index, weights.index).all():
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
# Data of a lifetime likelihood
# ---------------------------------------------------------------------------------------------------
class _LifetimeData:
    """Customer triples and weights, with what every lifetime likelihood evaluation reuses."""

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


def _pairs(a, b):
    """Unique (a, b) pairs: their values and, for each row, the index of its pair."""
    mi = pd.MultiIndex.from_arrays([a, b])
    key = mi.codes[0].astype(np.int64) * len(mi.levels[1]) + mi.codes[1]
    _, first, inv = np.unique(key, return_index=True, return_inverse=True)
    return a[first], b[first], inv.ravel()


def _compress(x, tx, T, w):
    """Unique (x, tx, T) triples with positive weight, sorted, and their summed weights."""
    df = pd.DataFrame({"x": x, "tx": tx, "T": T, "w": w})
    g = df[df["w"] > 0].groupby(["x", "tx", "T"], sort=True)["w"].sum().reset_index()
    return g["x"].to_numpy(), g["tx"].to_numpy(), g["T"].to_numpy(), g["w"].to_numpy()


def _triples(x, tx, T):
    """Unique (x, tx, T) triples (sorted, as :func:`_compress`) and, per row, the index of its triple.

    Model quantities that depend on a customer only through her triple are evaluated once per
    triple and gathered back with ``values[inv]``.
    """
    ux, utx, uT, _ = _compress(x, tx, T, np.ones(len(x)))
    key = pd.MultiIndex.from_arrays([ux, utx, uT])
    inv = key.get_indexer(pd.MultiIndex.from_arrays([x, tx, T]))
    ux, utx, uT = (np.array(a, dtype=float) for a in (ux, utx, uT))
    for a in (ux, utx, uT):  # read-only: their unique pairs may be kept (see _pairs_of)
        a.flags.writeable = False
    return ux, utx, uT, inv


_PAIRS_KEPT = {}  # id of (a, b) -> (weak references to a and b, their unique pairs)


def _pairs_of(a, b):
    """:func:`_pairs` of two arrays, kept for read-only arrays that own their data (the triples of
    :func:`_triples`), so that a model evaluated on the same triples for many parameter draws finds
    the unique pairs once. Other arrays are paired each time."""
    if not all(isinstance(v, np.ndarray) and not v.flags.writeable and v.base is None
               for v in (a, b)):
        return _pairs(a, b)
    key = (id(a), id(b))
    kept = _PAIRS_KEPT.get(key)
    if kept is not None and kept[0]() is a and kept[1]() is b:
        return kept[2]
    out = _pairs(a, b)
    for k in [k for k, v in _PAIRS_KEPT.items() if v[0]() is None or v[1]() is None]:
        del _PAIRS_KEPT[k]  # arrays that are gone
    if len(_PAIRS_KEPT) >= 16:
        _PAIRS_KEPT.pop(next(iter(_PAIRS_KEPT)))
    _PAIRS_KEPT[key] = (weakref.ref(a), weakref.ref(b), out)
    return out


def _dot(a, b):
    """Sum of ``a * b`` over two 1-D arrays; without BLAS from :data:`_CONFIRM_BELOW` rows on.

    ``a @ b`` and ``np.vdot`` call the threaded BLAS, whose worker threads wake and spin on every
    call: on two busy cores a likelihood evaluation over 53,000 rows took 15 ms instead of 5. Below
    that size ``a @ b`` is kept, so the fits of small data sets stay the same to the last bit.
    """
    if len(a) < _CONFIRM_BELOW:
        return a @ b
    return np.einsum("i,i->", a, b)


def _purchase_rate(x, T, w):
    """Repeat purchases per unit of time over all customers (a starting value for the rates)."""
    return max(w @ x / max(w @ T, 1e-12), 1e-6)


# ---------------------------------------------------------------------------------------------------
# Optimisation
# ---------------------------------------------------------------------------------------------------
def _hessian_log(model, theta, d, step=1e-4):
    """Central-difference Hessian of the total negative log-likelihood in log-parameters."""
    loglik = model.loglik
    k = len(theta)
    H = np.empty((k, k))
    if model.has_grad:
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
    """Maximum-likelihood fit of ``model`` (a :class:`Model`) to data ``d``: the fields of a fit.

    ``confirm``: True runs the confirming Nelder-Mead always, ``"auto"`` when L-BFGS-B did not report
    convergence or stopped near the search bound, or the likelihood has fewer than
    :data:`_CONFIRM_BELOW` rows (where it costs little), False never.
    """
    if confirm not in (True, False, "auto"):
        raise ValueError(f"confirm must be True, False or 'auto'; got {confirm!r}")
    names = list(model.param_names)
    label = model.label
    loglik = model.loglik
    N = d.N
    k = len(theta0)
    bounds = [(-_LOG_BOUND, _LOG_BOUND)] * k

    def fun(th):
        p = np.exp(th)
        if model.has_grad:
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
            fun, theta0, method="L-BFGS-B", jac=True if model.has_grad else "3-point",
            bounds=bounds, options={"ftol": 1e-14, "gtol": 1e-10, "maxiter": 5000, "maxfun": 50000})
        best = res.x
        diag = {"optimiser": "L-BFGS-B", "message": str(res.message), "n_evaluations": int(res.nfev),
                "success": bool(res.success)}
        agree = True
        near_bound = bool(np.any(np.abs(res.x) > _LOG_BOUND - _BOUND_MARGIN))
        if confirm is True or (confirm == "auto" and (not res.success or near_bound
                                                      or n_unique < _CONFIRM_BELOW)):
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
        hint = model.bound_hint(at_bound)
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
        "model": model.name,
        "params": pd.Series(params, index=names, name="estimate"),
        "se": pd.Series(np.sqrt(np.diag(cov)), index=names, name="se"),
        "cov": pd.DataFrame(cov, index=names, columns=names),
        "loglik": ll_hat, "n": float(N), "n_unique": int(n_unique), "converged": converged,
        "time_unit": time_unit, "diagnostics": diag, "spec": model,
    }


def _fit_lifetime(model, summary, weights, time_unit, compress, confirm):
    """Check a customer summary and fit a :class:`LifetimeModel` to it (see ``fit_bgnbd``)."""
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
        warnings.warn(f"{model.label}: no customer made a repeat purchase; the model is not "
                      f"identified and the estimates are meaningless.", UserWarning, stacklevel=3)
    d = _LifetimeData(x, tx, T, w)
    theta0 = np.log(model.start(x, tx, T, w))
    theta0 = np.clip(theta0, -_LOG_BOUND + 2, _LOG_BOUND - 2)
    out = _fit(model, d, theta0, len(x), time_unit, confirm)
    out["diagnostics"]["data"] = {"max_frequency": float(x.max()), "max_T": float(T.max()),
                                  "repeat_buyers": float(w @ (x > 0))}
    return LifetimeFit(**out)

