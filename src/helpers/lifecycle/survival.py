"""Time from first purchase to the first lapse: durations, Kaplan-Meier curves with confidence
bands, medians and the log-rank test."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from helpers.lifecycle._transactions import (
    _argsort_keys,
    _day_to_datetime,
    _end_day,
    _group_starts,
    _prepare,
    _purchase_days,
    _warn,
)
from helpers.lifecycle.thresholds import _thresholds
from helpers.stats import check_alpha, z_value


class Survival(NamedTuple):
    """Time-to-lapse analysis: per-customer ``durations``, Kaplan-Meier ``curves``, ``medians`` and
    the ``logrank`` test (None with fewer than two groups)."""

    durations: pd.DataFrame
    curves: pd.DataFrame
    medians: pd.DataFrame
    logrank: pd.Series | None


def _group_values(tx, by, cust):
    """Group label per customer code in ``cust`` (None = one group 'all')."""
    if by is None:
        return pd.Series("all", index=tx.ids[cust])
    if isinstance(by, str):
        if by not in tx.frame.columns:
            raise ValueError(
                f"by={by!r} is not a column of transactions; columns: {list(tx.frame.columns)}. "
                "Pass a column name or a Series indexed by customer_id"
            )
        m = tx.buy
        rows = np.flatnonzero(m)
        key = tx.c[rows] * tx.span + (tx.day[rows] - tx.lo)
        order = _argsort_keys(key, tx.n_customers * tx.span)
        rows = rows[order]
        first_rows = rows[_group_starts(tx.c[rows])]
        vals = pd.Series(tx.frame[by].to_numpy()[first_rows], index=tx.ids[tx.c[first_rows]])
        return vals.reindex(tx.ids[cust])
    if isinstance(by, dict):
        by = pd.Series(by)
    if isinstance(by, pd.Series):
        return by.reindex(tx.ids[cust])
    raise TypeError(
        f"by must be None, a column name of transactions or a Series indexed by customer_id, "
        f"got {type(by).__name__}"
    )


def _km_curve(time, event, alpha):
    from statsmodels.duration.survfunc import SurvfuncRight

    sf = SurvfuncRight(time, event)
    z = z_value(alpha)
    s, se = sf.surv_prob, sf.surv_prob_se
    with np.errstate(divide="ignore", invalid="ignore"):
        # pointwise CI on the log(-log S) scale (Kalbfleisch & Prentice), from Greenwood's variance
        sd = se / (s * np.abs(np.log(s)))
        lower = s ** np.exp(z * sd)
        upper = s ** np.exp(-z * sd)
    degenerate = ~np.isfinite(sd) | (s <= 0) | (s >= 1)
    lower = np.where(degenerate, s, lower)
    upper = np.where(degenerate, s, upper)
    curve = pd.DataFrame({
        "time": np.r_[0.0, sf.surv_times], "n_at_risk": np.r_[len(time), sf.n_risk],
        "n_events": np.r_[0, sf.n_events], "survival": np.r_[1.0, s], "se": np.r_[0.0, se],
        "lower": np.r_[1.0, lower], "upper": np.r_[1.0, upper],
    })
    t_max = float(np.max(time))
    if t_max > curve["time"].iloc[-1]:  # carry the curve on to the longest follow-up
        tail = curve.iloc[[-1]].assign(time=t_max, n_at_risk=int((time >= t_max).sum()),
                                       n_events=0)
        curve = pd.concat([curve, tail], ignore_index=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        med = sf.quantile(0.5)
        lo, hi = sf.quantile_ci(0.5, alpha=alpha)
    return curve, med, lo, hi


def lapse_survival(transactions, observation_end=None, lapse_days=None, by=None, *, alpha=0.05):
    """Kaplan-Meier analysis of the time from first purchase to the first lapse.

    A customer lapses when more than ``lapse_days`` pass without a purchase; the lapse is dated
    ``lapse_days`` after the purchase that started the gap. Each customer's duration (days) is

    - to the first lapse, if one is observed by ``observation_end`` (event = 1): either a gap between
      two purchase days longer than ``lapse_days``, or a last purchase more than ``lapse_days``
      before ``observation_end``;
    - otherwise to ``observation_end``, right-censored (event = 0).

    The first lapse is used (not the last purchase's): a customer who lapsed and came back had
    still lapsed, and the return starts a new relationship (stage "reactivated"). A lapse cannot be
    observed before ``lapse_days``, so every curve stays at 1 until then. Survival curves
    come from statsmodels' ``SurvfuncRight`` (Kaplan-Meier, Greenwood standard errors; pointwise
    confidence bands on the log(-log) scale), medians with statsmodels' confidence interval, and
    groups are compared with the log-rank test (``survdiff``).

    Parameters
    ----------
    transactions : pandas.DataFrame
        Canonical transactions.
    observation_end : date-like, optional
        End of follow-up (default: last ``order_date``).
    lapse_days : int, optional
        Days without purchase that make a lapse (default: ``lapse_window`` of
        :func:`stage_thresholds`).
    by : str or pandas.Series, optional
        Groups to compare: a column of ``transactions`` (its value on the customer's first purchase
        row, e.g. the acquisition channel) or a Series indexed by ``customer_id`` (e.g. the cohort).
        Customers without a group are left out with a UserWarning.
    alpha : float, default 0.05
        1 - confidence level of bands and median intervals.

    Returns
    -------
    Survival
        ``durations``: per customer ``first_purchase``, ``duration`` (days), ``lapsed`` (event),
        ``group``. ``curves``: per group and event time ``time``, ``n_at_risk``, ``n_events``,
        ``survival``, ``se``, ``lower``, ``upper`` (a time-0 row with survival 1 first, and a
        last row at the longest follow-up when that is censored).
        ``medians``: per group ``n``, ``events``, ``median`` and its ``median_lower`` /
        ``median_upper`` (NaN/inf where not reached). ``logrank``: ``statistic``, ``df``,
        ``pvalue`` (None with one group).

    Raises
    ------
    ValueError
        If ``lapse_days`` is not positive, ``alpha`` is not in (0, 1), or inputs are malformed.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b", "c"],
    ...     "order_date": pd.to_datetime(["2024-01-01", "2024-01-20", "2024-01-01", "2024-03-01"]),
    ...     "amount": [1.0] * 4})
    >>> sv = lapse_survival(tx, "2024-03-31", lapse_days=30)
    >>> sv.durations[["duration", "lapsed"]]  # doctest: +NORMALIZE_WHITESPACE
                 duration  lapsed
    customer_id
    a                49.0    True
    b                30.0    True
    c                30.0   False
    """
    alpha = check_alpha(alpha)
    tx = _prepare(transactions)
    end = _end_day(tx, observation_end)
    if lapse_days is None:
        lapse_days = _thresholds(tx, end, {})["lapse_window"]
    if isinstance(lapse_days, bool) or not isinstance(lapse_days, (int, float, np.integer)) \
            or lapse_days <= 0:
        raise ValueError(f"lapse_days must be a positive number of days, got {lapse_days!r}")
    cc, dd = _purchase_days(tx, end)
    if len(cc) == 0:
        raise ValueError("no purchase on or before observation_end; nothing to analyse")
    starts = _group_starts(cc)
    cust = cc[starts]
    gap_next = np.empty(len(dd), dtype=np.int64)
    gap_next[:-1] = np.diff(dd)
    is_last = np.ones(len(dd), dtype=bool)
    is_last[:-1] = cc[1:] != cc[:-1]
    gap_next[is_last] = end - dd[is_last]  # open gap up to observation_end
    lapse_point = gap_next > lapse_days
    grp = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(dd)]))
    first_lapse = np.full(len(starts), -1, dtype=np.int64)
    lp = np.flatnonzero(lapse_point)
    g_lp, first_idx = np.unique(grp[lp], return_index=True)
    first_lapse[g_lp] = lp[first_idx]
    first_day = dd[starts]
    lapsed = first_lapse >= 0
    duration = np.where(lapsed, dd[first_lapse.clip(0)] + lapse_days - first_day, end - first_day)
    groups = _group_values(tx, by, cust)
    durations = pd.DataFrame(
        {"first_purchase": _day_to_datetime(first_day), "duration": duration.astype(float),
         "lapsed": lapsed, "group": groups.to_numpy()},
        index=pd.Index(tx.ids[cust], name="customer_id"),
    )
    no_group = durations["group"].isna()
    if no_group.any():
        _warn(f"{int(no_group.sum())} customer(s) have no group in `by` and are left out")
    used = durations[~no_group]
    curves, medians = [], []
    labels = sorted(used["group"].unique())
    for g in labels:
        d = used[used["group"] == g]
        curve, med, lo, hi = _km_curve(d["duration"].to_numpy(), d["lapsed"].to_numpy(int), alpha)
        curves.append(curve.assign(group=g))
        medians.append({"group": g, "n": len(d), "events": int(d["lapsed"].sum()), "median": med,
                        "median_lower": lo, "median_upper": hi})
    curves = pd.concat(curves, ignore_index=True)[
        ["group", "time", "n_at_risk", "n_events", "survival", "se", "lower", "upper"]]
    medians = pd.DataFrame(medians).set_index("group")
    logrank = None
    if len(labels) > 1:
        from statsmodels.duration.survfunc import survdiff

        try:
            stat, pvalue = survdiff(used["duration"].to_numpy(), used["lapsed"].to_numpy(int),
                                    used["group"].astype(str).to_numpy())
        except np.linalg.LinAlgError:
            _warn("the log-rank test is undefined here (too few events shared between groups)")
            stat, pvalue = np.nan, np.nan
        logrank = pd.Series({"statistic": float(stat), "df": len(labels) - 1,
                             "pvalue": float(pvalue)}, name="log-rank")
    return Survival(durations, curves, medians, logrank)
