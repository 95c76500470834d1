"""Stage windows in days: the gaps between purchase days and the windows taken from their
quantiles (each replaceable by the caller)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.lifecycle._transactions import _end_day, _prepare, _purchase_days, _warn

#: Keys of a thresholds dict (all in days).
THRESHOLD_KEYS = ("new_window", "active_window", "lapse_window")


def purchase_gaps(transactions, observation_end=None):
    """Days between consecutive purchase days of the same customer, pooled over customers.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Canonical transactions (``customer_id``, ``order_date``, ``amount``).
    observation_end : date-like, optional
        Only purchases up to this day (default: last ``order_date``).

    Returns
    -------
    pandas.Series
        One int value per repeat purchase day (name ``gap_days``), in customer then date order.

    Raises
    ------
    ValueError, TypeError
        On malformed transactions (see :func:`rfm_summary`).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "a", "b"],
    ...     "order_date": pd.to_datetime(["2024-01-01", "2024-01-11", "2024-01-31", "2024-01-05"]),
    ...     "amount": [1.0, 1.0, 1.0, 1.0]})
    >>> purchase_gaps(tx).tolist()
    [10, 20]
    """
    tx = _prepare(transactions)
    return pd.Series(_gaps(tx, _end_day(tx, observation_end)), name="gap_days")


def _gaps(tx, end):
    cc, dd = _purchase_days(tx, end)
    return np.diff(dd)[cc[1:] == cc[:-1]]


def stage_thresholds(transactions, observation_end=None, *, active_quantile=0.75,
                     lapse_quantile=0.95, overrides=None):
    """Stage windows in days, from the distribution of gaps between purchase days.

    - ``active_window`` = the ``active_quantile`` (default 75th percentile) of the gaps: three in four
      repeat purchases come within this many days of the previous one, so a customer who bought within
      it behaves like a typical active customer.
    - ``lapse_window`` = the ``lapse_quantile`` (default 95th percentile): a customer who has gone
      longer than 95% of all observed gaps is unlikely to be merely between two purchases.
    - ``new_window`` = ``active_window``: a customer stays "new" until it has had a typical gap's time
      to buy again.

    Gaps are pooled over customers, so frequent buyers weigh more, and gaps longer than the
    observation period cannot be seen; both make the windows on the short side (customers are flagged
    at risk early rather than late). Quantiles are rounded up to whole days. Windows in
    ``overrides`` (e.g. from the run configuration) replace the computed ones.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Canonical transactions.
    observation_end : date-like, optional
        Only purchases up to this day are used (default: last ``order_date``).
    active_quantile, lapse_quantile : float
        Quantiles in (0, 1), ``active_quantile < lapse_quantile``.
    overrides : dict, optional
        Any of ``new_window``, ``active_window``, ``lapse_window`` (days).

    Returns
    -------
    dict
        ``{"new_window": int, "active_window": int, "lapse_window": int}``.

    Raises
    ------
    ValueError
        If the quantiles are out of order, an override is unknown or not positive, the windows are
        inconsistent (``active_window >= lapse_window``), or no customer bought on two days and no
        override supplies the windows.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a"] * 5,
    ...     "order_date": pd.to_datetime(["2024-01-01", "2024-01-11", "2024-01-21", "2024-01-31",
    ...                                   "2024-03-01"]), "amount": [1.0] * 5})
    >>> import warnings
    >>> with warnings.catch_warnings():  # four gaps only: the windows are rough (a UserWarning)
    ...     warnings.filterwarnings("ignore", "only 4 gaps", UserWarning)
    ...     stage_thresholds(tx)
    {'new_window': 15, 'active_window': 15, 'lapse_window': 27}
    """
    overrides = _check_overrides(overrides)
    if _needs_data(overrides):
        tx = _prepare(transactions)
        end = _end_day(tx, observation_end)
        return _thresholds(tx, end, overrides, active_quantile, lapse_quantile)
    return _thresholds(None, None, overrides, active_quantile, lapse_quantile)


def _needs_data(overrides):
    return not ("active_window" in overrides and "lapse_window" in overrides)


def _thresholds(tx, end, overrides, active_quantile=0.75, lapse_quantile=0.95):
    """Windows from the gaps of ``tx`` up to day ``end``, with checked ``overrides`` on top."""
    if not 0 < active_quantile < lapse_quantile < 1:
        raise ValueError(
            f"need 0 < active_quantile < lapse_quantile < 1, got {active_quantile}, {lapse_quantile}"
        )
    if not _needs_data(overrides):
        out = dict(overrides)
        out.setdefault("new_window", out["active_window"])
        return _check_windows(out)
    gaps = _gaps(tx, end)
    if len(gaps) == 0:
        raise ValueError(
            "no customer bought on two different days, so the gap distribution is empty; pass the "
            f"windows explicitly (overrides / thresholds with keys {list(THRESHOLD_KEYS)})"
        )
    if len(gaps) < 30:
        _warn(f"only {len(gaps)} gaps between purchases; the stage windows are rough estimates")
    active = int(np.ceil(np.quantile(gaps, active_quantile)))
    lapse = int(np.ceil(np.quantile(gaps, lapse_quantile)))
    out = {"new_window": active, "active_window": active, "lapse_window": lapse}
    out.update(overrides)
    if "new_window" not in overrides and "active_window" in overrides:
        out["new_window"] = out["active_window"]
    if out["active_window"] >= out["lapse_window"] and "lapse_window" not in overrides:
        _warn(
            f"the gap quantiles give active_window={out['active_window']} >= lapse_window="
            f"{out['lapse_window']} (gaps are very regular); lapse_window set to active_window + 1"
        )
        out["lapse_window"] = out["active_window"] + 1
    return _check_windows(out)


def _check_overrides(overrides):
    if overrides is None:
        return {}
    if not isinstance(overrides, dict):
        raise TypeError(
            f"thresholds must be a dict with keys {list(THRESHOLD_KEYS)}, got {overrides!r}"
        )
    unknown = sorted(set(overrides) - set(THRESHOLD_KEYS))
    if unknown:
        raise ValueError(f"unknown threshold(s) {unknown}; known: {list(THRESHOLD_KEYS)}")
    out = {}
    for k, v in overrides.items():
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) or v <= 0:
            raise ValueError(f"threshold {k}={v!r} must be a positive number of days")
        out[k] = v
    return out


def _check_windows(w):
    if not w["active_window"] < w["lapse_window"]:
        raise ValueError(
            f"active_window ({w['active_window']}) must be shorter than lapse_window "
            f"({w['lapse_window']})"
        )
    if w["new_window"] > w["lapse_window"]:
        raise ValueError(
            f"new_window ({w['new_window']}) must not exceed lapse_window ({w['lapse_window']})"
        )
    return {k: w[k] for k in THRESHOLD_KEYS}


def _resolve_thresholds(tx, end_day, thresholds):
    return _thresholds(tx, end_day, _check_overrides(thresholds))
