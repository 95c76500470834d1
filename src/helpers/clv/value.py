"""Customer value: expected discounted profit per customer with a parametric-bootstrap interval.

:func:`customer_value` combines any fitted lifetime model (:class:`helpers.clv.base.LifetimeFit`) with
the Gamma-Gamma spend model (:class:`helpers.clv.base.SpendFit`); its result
:class:`CustomerValue` keeps the parameter draws of the interval, so that a caller can value other
groupings of the same customers from the same draws (``draws=``) instead of drawing again.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.clv.base import (_CONFIRM_BELOW, _DAYS_PER_YEAR, DAYS_PER_UNIT, LifetimeFit, SpendFit,
                              _check_unit, _summary_arrays, _triples)
from helpers.frames import isin

__all__ = ["CustomerValue", "customer_value"]


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
    draws : dict or None
        The parameter draws behind the intervals (None when ``n_boot`` is 0): ``"lifetime"`` and
        ``"spend"``, each a DataFrame with one row per draw and one column per parameter (natural
        scale). Pass it as ``draws=`` to :func:`customer_value` to value the same customers by
        another grouping from the same draws.
    customer_draws : numpy.ndarray or None
        With ``keep_customer_draws``: each customer's value under each draw (customers in the order
        of ``summary``, one column per draw, float32).
    purchases_ahead_draws : numpy.ndarray or None
        With ``purchases_ahead``: each customer's expected repeat purchases over that horizon under
        each draw (customers in the order of ``summary``, one column per draw, float32). Held as
        one row per distinct (frequency, recency, T) history (``purchases_ahead_unique``) and the
        row of each customer (``purchases_ahead_rows``); this attribute spreads them out to the
        customers when read (a million customers x 200 draws is 800 MB).
    """

    table: pd.DataFrame
    total: pd.Series
    settings: dict
    by_group: pd.DataFrame | None = None
    draws: dict | None = None
    customer_draws: np.ndarray | None = None
    purchases_ahead_unique: np.ndarray | None = None
    purchases_ahead_rows: np.ndarray | None = None

    @property
    def purchases_ahead_draws(self):
        if self.purchases_ahead_unique is None:
            return None
        return self.purchases_ahead_unique[self.purchases_ahead_rows]


class _Draws(dict):
    """``CustomerValue.draws``: a dict of the parameter draws that also carries, within the process
    only, the per-draw discounted purchases of the unique triples it was computed for, so that a
    second :func:`customer_value` of the same customers with these draws (another grouping) does not
    evaluate the lifetime model again. The carried matrix is not pickled."""

    _unique = None

    def __reduce__(self):
        return (dict, (dict(self),))


def _discounted_purchases(model, params, x, tx, T, horizon, disc, pairs=None, ahead=None):
    """Per row: sum over periods k = 1..horizon of disc^k (E[Y(k)] - E[Y(k-1)]), and E[Y(horizon)].

    ``model`` is a :class:`helpers.clv.base.LifetimeModel`. Phi depends on (x, T) only, so it is
    evaluated once per unique pair (``pairs`` from ``model.phi_keys``, computed here when not given;
    once per unique T when Phi does not depend on x) on the grid t = 0, 1, ..., horizon. With
    ``ahead`` (a horizon), also E[Y(ahead)] from the same P(alive), as a third array.
    """
    xu, Tu, inv = model.phi_keys(x, T) if pairs is None else pairs
    t = np.arange(horizon + 1, dtype=float)
    grid = model.phi(params, xu[:, None], Tu[:, None], t[None, :])
    steps, weights = np.diff(grid, axis=1), disc ** t[1:]
    # as _dot: no threaded BLAS on many rows, the former product on few
    dsum = steps @ weights if len(steps) < _CONFIRM_BELOW else np.einsum("ij,j->i", steps, weights)
    K = model.scale(params, x, tx, T)
    if ahead is None:
        return K * dsum[inv], K * grid[inv, -1]
    return K * dsum[inv], K * grid[inv, -1], K * model.phi(params, x, T, ahead)


def _draws(fit, n_boot, rng, what):
    """``n_boot`` draws of the log-parameters of ``fit`` from N(estimate, inverse Hessian)."""
    cov = fit.cov_log.to_numpy()
    theta = np.log(fit.params.to_numpy())
    if not np.isfinite(cov).all():
        warnings.warn(f"customer_value: the {what} fit has no usable covariance matrix, so its "
                      f"parameter uncertainty is left out of the interval.", UserWarning, stacklevel=3)
        return np.tile(theta, (n_boot, 1))
    return rng.multivariate_normal(theta, cov, size=n_boot, method="cholesky")


def customer_value(summary, lifetime_fit, spend_fit, *, horizon=52, time_unit="W",
                   annual_discount_rate=0.10, margin_rate=None, profit_col=None, n_boot=200,
                   ci=0.95, seed=0, chunk_size=10_000, by=None, draws=None, keep_customer_draws=False,
                   purchases_ahead=None, customer_intervals=True):
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
    (summing the customers' own bounds would overstate the width). The draws are kept on the result
    (``CustomerValue.draws``) and can be passed back as ``draws`` to value another grouping of the
    same customers from the same draws (with the same ``seed`` the numbers are the same either way).

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
    draws : dict, optional
        ``CustomerValue.draws`` of an earlier call with the same fits and ``n_boot``: reuse these
        parameter draws instead of drawing (``seed`` is then not used).
    keep_customer_draws : bool, default False
        Keep every customer's value under every draw (``CustomerValue.customer_draws``; customers x
        ``n_boot`` 4-byte numbers), e.g. to place customers in groups draw by draw.
    purchases_ahead : float, optional
        A horizon (> 0, in ``time_unit``): also keep each customer's expected repeat purchases over
        it under every draw (``CustomerValue.purchases_ahead_draws``), from the same evaluation of
        P(alive) per draw as the value.
    customer_intervals : bool, default True
        Compute each customer's interval (``clv_lower``, ``clv_upper``); False leaves them NaN
        when only the total and the group sums are wanted (a quantile per customer is most of the
        bootstrap's time on a million customers).

    Returns
    -------
    CustomerValue
        ``table`` (per customer), ``total`` (sum with interval), ``settings``, ``by_group`` (with
        ``by``) and ``draws`` (the parameter draws, when ``n_boot`` > 0).

    Raises
    ------
    ValueError, TypeError
        On malformed inputs, an unknown or mismatched time unit, a non-integer horizon, a negative
        rate, neither / both of ``margin_rate`` and ``profit_col``, ``by`` of the wrong length, or
        ``draws`` that do not match the fits and ``n_boot``.

    Warns
    -----
    UserWarning
        When a fit has no covariance matrix (its uncertainty is left out), or the Gamma-Gamma ``q <= 1``
        (no finite population mean spend).

    Examples
    --------
    >>> from helpers.clv import fit_bgnbd, fit_gamma_gamma, simulate_bgnbd
    >>> s = simulate_bgnbd(3000, r=0.5, alpha=5, a=0.8, b=2.5, T=40, spend=(6, 4, 15), seed=2)
    >>> bg, gg = fit_bgnbd(s), fit_gamma_gamma(s)
    >>> cv = customer_value(s, bg, gg, margin_rate=0.3, n_boot=50)
    >>> bool(cv.total["lower"] < cv.total["estimate"] < cv.total["upper"])
    True
    >>> half = pd.Series(["a", "b"] * 1500, index=s.index)
    >>> g = customer_value(s, bg, gg, margin_rate=0.3, n_boot=50, by=half, draws=cv.draws).by_group
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
    if purchases_ahead is not None and not (np.isfinite(purchases_ahead) and purchases_ahead > 0):
        raise ValueError(f"purchases_ahead must be a horizon > 0; got {purchases_ahead!r}")
    carried = getattr(draws, "_unique", None)
    if draws is not None:
        draws = _check_draws(draws, lifetime_fit, spend_fit, int(n_boot))
    x, tx, T, m = _summary_arrays(summary, monetary=True)
    n = len(x)
    if by is not None:
        if isinstance(by, pd.Series) and not by.index.equals(summary.index):
            if not isin(summary.index, by.index).all():
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

    ux, utx, uT, inv = _triples(x, tx, T)  # the lifetime model is evaluated once per triple
    model, lp = lifetime_fit.spec, lifetime_fit.params.to_numpy()
    spend_model, gp = spend_fit.spec, spend_fit.params.to_numpy()
    if gp[1] <= 1 and ((x == 0) | (m <= 0)).any():
        warnings.warn("customer_value: Gamma-Gamma q <= 1, so the population mean spend is infinite; "
                      "customers without repeat purchases get NaN value.", UserWarning, stacklevel=2)
    pairs = model.phi_keys(ux, uT)
    dep_u, ey_u = _discounted_purchases(model, lp, ux, utx, uT, horizon, disc, pairs)
    spend = spend_model.conditional_spend(gp, x, m)
    clv = dep_u[inv] * spend * margin
    lower = np.full(n, np.nan)
    upper = np.full(n, np.nan)
    total_lo = total_hi = np.nan
    kept = cust = ahead = None
    if n_boot > 0:
        if draws is None:
            rng = np.random.default_rng(seed)
            lt_draws = np.exp(_draws(lifetime_fit, n_boot, rng, "lifetime"))
            gg_draws = np.exp(_draws(spend_fit, n_boot, rng, "spend"))
        else:
            lt_draws, gg_draws = draws
        kept = _Draws({"lifetime": pd.DataFrame(lt_draws, columns=lifetime_fit.params.index),
                       "spend": pd.DataFrame(gg_draws, columns=spend_fit.params.index)})
        what = (model.name, horizon, disc)
        if (purchases_ahead is None and carried is not None and carried[0] == what
                and all(np.array_equal(a, b) for a, b in zip(carried[1], (ux, utx, uT)))):
            dep_b = carried[2]  # the same customers, model and draws: valued already
        else:
            dep_b = np.empty((len(ux), n_boot), dtype=np.float32)  # unique rows x draws
            ahead_b = None if purchases_ahead is None else np.empty_like(dep_b)
            with np.errstate(all="ignore"):
                for j, th in enumerate(lt_draws):
                    out = _discounted_purchases(model, th, ux, utx, uT, horizon, disc, pairs,
                                                ahead=purchases_ahead)
                    dep_b[:, j] = out[0]
                    if ahead_b is not None:
                        ahead_b[:, j] = out[2]
            ahead = ahead_b
        kept._unique = (what, (ux, utx, uT), dep_b)
        q = [(1 - ci) / 2, (1 + ci) / 2]
        totals = np.zeros(n_boot)
        group_totals = np.zeros((n_groups, n_boot)) if by is not None else None
        cust = np.empty((n, n_boot), dtype=np.float32) if keep_customer_draws else None
        for start in range(0, n, chunk_size):
            sl = slice(start, min(start + chunk_size, n))
            xs, ms = x[sl, None], m[sl, None]
            sp = spend_model.conditional_spend(gg_draws.T[:, None, :], xs, ms)
            vb = dep_b[inv[sl]] * sp * margin[sl, None]
            if customer_intervals:
                lower[sl], upper[sl] = np.quantile(vb, q, axis=1)
            if cust is not None:
                cust[sl] = vb
            totals += vb.sum(axis=0)
            if group_totals is not None:  # customers sorted by group, each group's rows summed
                gc = gcodes[sl]
                rows = np.flatnonzero(gc >= 0)
                rows = rows[np.argsort(gc[rows], kind="stable")]
                if len(rows):
                    g = gc[rows]
                    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
                    group_totals[g[starts]] += np.add.reduceat(vb[rows], starts, axis=0)
        total_lo, total_hi = np.quantile(totals, q)
    table = pd.DataFrame({
        "p_alive": model.p_alive(lp, ux, utx, uT)[inv],
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
        "model": model.label, "horizon": horizon, "time_unit": time_unit,
        "days_per_unit": days, "horizon_days": horizon * days,
        "annual_discount_rate": annual_discount_rate, "discount_factor_per_period": disc,
        "discounting": "end of each period", "margin": margin_source, "n_boot": int(n_boot),
        "ci": ci, "seed": seed,
    }
    return CustomerValue(table=table, total=total, settings=settings, by_group=by_group, draws=kept,
                         customer_draws=cust, purchases_ahead_unique=ahead,
                         purchases_ahead_rows=None if ahead is None else inv)


def _check_draws(draws, lifetime_fit, spend_fit, n_boot):
    """The lifetime and spend draws of ``CustomerValue.draws`` as arrays, after checking their shape."""
    try:
        lt = np.asarray(draws["lifetime"], dtype=float)
        sp = np.asarray(draws["spend"], dtype=float)
    except (TypeError, KeyError, IndexError, ValueError):
        raise ValueError("draws must be CustomerValue.draws of an earlier call (a dict with "
                         "'lifetime' and 'spend')") from None
    want_lt, want_sp = (n_boot, len(lifetime_fit.params)), (n_boot, len(spend_fit.params))
    if lt.shape != want_lt or sp.shape != want_sp:
        raise ValueError(f"draws have shapes {lt.shape} (lifetime) and {sp.shape} (spend), but "
                         f"n_boot={n_boot} and these fits need {want_lt} and {want_sp}; pass the "
                         f"draws of a call with the same fits and n_boot")
    return lt, sp

