"""Holdout check of a lifetime model: calibration / holdout split and predicted against actual.

:func:`calibration_holdout` splits transactions at a date into the calibration summary and the
purchases each customer then made; :func:`holdout_table` compares a model fitted on the calibration
period with those purchases, by calibration frequency (Fader, Hardie & Lee, 2005, Figure 5).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from helpers.clv.base import DAYS_PER_UNIT, LifetimeFit, _check_unit, _summary_arrays, convert_time_unit
from helpers.frames import isin

__all__ = ["calibration_holdout", "holdout_table"]


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
    >>> from helpers.clv import fit_bgnbd, simulate_bgnbd
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
    if holdout_purchases.index.equals(calibration_summary.index):  # as calibration_holdout gives them
        extra = np.zeros(len(holdout_purchases), dtype=bool)
    else:
        extra = ~isin(holdout_purchases.index, calibration_summary.index)
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
    (included), converted to ``time_unit``; both summaries are queries of the engine
    (:func:`helpers.engine.customer_summary`). A customer's holdout purchases are her purchase days in
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
    holdout.attrs["new_in_holdout"] = int((~isin(full.index, cal.index)).sum())
    length = (end - cal_end).days / DAYS_PER_UNIT[time_unit]
    return convert_time_unit(cal, "D", time_unit), holdout, length
