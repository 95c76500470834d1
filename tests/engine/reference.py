"""The pandas/numpy per-customer summary that ``lifecycle.rfm_summary`` used before the engine,
kept here only as the independent reference the engine is tested against."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.lifecycle._transactions import (
    _EPOCH_WEEKDAY_SHIFT,
    _day_to_datetime,
    _end_day,
    _group_starts,
    _prepare,
    _sort_keys,
    _warn,
)

RFM_FREQS = {"D": 1, "W": 7}


def reference_rfm_summary(transactions, observation_end=None, freq="D"):
    """lifecycle.rfm_summary as it was computed with numpy (same output)."""
    if freq not in RFM_FREQS:
        raise ValueError(f"freq={freq!r} is not supported; use one of {sorted(RFM_FREQS)}")
    tx = _prepare(transactions)
    end = _end_day(tx, observation_end)
    keep = tx.day <= end
    c, day, amt = tx.c[keep], tx.day[keep], tx.amount[keep]
    buy = tx.buy[keep]
    if not buy.any():
        raise ValueError(
            f"no purchase (amount >= 0) on or before observation_end={observation_end}; "
            "choose a later observation_end"
        )
    k = tx.n_customers
    present = np.bincount(c, minlength=k) > 0
    revenue = np.bincount(c, weights=amt, minlength=k)
    if "profit" in tx.frame.columns:
        prof = tx.frame["profit"].to_numpy(dtype=np.float64, na_value=np.nan)[keep]
        profit = np.bincount(c, weights=prof, minlength=k)
        del prof
    else:
        profit = np.full(k, np.nan)

    # sort rows by (customer, day, purchase flag); customer and day come back from the sorted key
    key = (c * tx.span + (day - tx.lo)) * 2 + buy
    del c, day, buy
    key, order = _sort_keys(key, k * tx.span * 2)
    amt = amt[order]
    buy = (key & 1).astype(bool)
    key >>= 1
    c, day = np.divmod(key, tx.span)
    del key
    day += tx.lo
    if freq == "D":
        period, end_period = day, end
    else:
        period, end_period = (day + _EPOCH_WEEKDAY_SHIFT) // 7, (end + _EPOCH_WEEKDAY_SHIFT) // 7

    # one group per (customer, period): net value, and whether it holds a purchase
    g = _group_starts(c, period)
    g_value = np.add.reduceat(amt, g)
    g_buy = np.logical_or.reduceat(buy, g)
    g = g[g_buy]
    pc, pp, pv = c[g], period[g], g_value[g_buy]
    del g, g_value, g_buy, period
    fi = _group_starts(pc)
    li = np.r_[fi[1:], len(pc)] - 1
    cust = pc[fi]
    frequency = (li - fi).astype(np.int64)
    repeat_value = np.add.reduceat(pv, fi) - pv[fi]
    monetary = np.zeros(len(fi))
    np.divide(repeat_value, frequency, out=monetary, where=frequency > 0)

    # actual first/last purchase dates and order counts, from purchase rows
    bc, bd = c[buy], day[buy]
    bs = _group_starts(bc)
    be = np.r_[bs[1:], len(bc)] - 1
    if "order_id" in tx.frame.columns:
        o_codes, o_uniq = pd.factorize(tx.frame["order_id"])  # missing -> -1: one order per day
        o_codes = o_codes.astype(np.int64)[keep][order][buy]
        n_o = len(o_uniq)
        okey = np.where(o_codes < 0, n_o + (bd - tx.lo), o_codes)
        pair = np.unique(bc * (n_o + tx.span) + okey)
        n_orders = np.bincount(pair // (n_o + tx.span), minlength=k)[cust]
    else:
        n_orders = np.bincount(bc[_group_starts(bc, bd)], minlength=k)[cust]

    refund_only = int(present.sum()) - len(cust)
    if refund_only:
        _warn(
            f"{refund_only} customer(s) have only refund rows up to observation_end and no "
            "purchase; "
            "they are not in the RFM summary (their refunds are not counted anywhere in it)"
        )
    out = pd.DataFrame(
        {
            "frequency": frequency,
            "recency": (pp[li] - pp[fi]).astype(np.float64),
            "T": (end_period - pp[fi]).astype(np.float64),
            "monetary_value": monetary,
            "first_purchase": _day_to_datetime(bd[bs]),
            "last_purchase": _day_to_datetime(bd[be]),
            "n_orders": n_orders.astype(np.int64),
            "revenue": revenue[cust],
            "profit": profit[cust],
        },
        index=tx.ids[cust],
    )
    out.index.name = "customer_id"
    return out



def _period_ordinal(day, freq):
    if freq == "W":
        return (day + _EPOCH_WEEKDAY_SHIFT) // 7
    months = day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return months if freq == "M" else months // 3


def reference_cohort_counts(transactions, freq="M", observation_end=None):
    """lifecycle.cohort_retention's counts as they were computed with numpy: (table, cohort
    period numbers)."""
    tx = _prepare(transactions)
    end = _end_day(tx, observation_end)
    m = tx.buy & (tx.day <= end)
    c, p = tx.c[m], _period_ordinal(tx.day[m], freq)
    plo = int(p.min())
    pspan = int(p.max()) - plo + 1
    key = np.unique(c * pspan + (p - plo))
    cc, pp = key // pspan, key % pspan
    starts = _group_starts(cc)
    first = np.repeat(pp[starts], np.diff(np.r_[starts, len(cc)]))
    end_p = int(_period_ordinal(np.array([end]), freq)[0]) - plo
    table = np.bincount(first * pspan + (pp - first), minlength=pspan * pspan).reshape(pspan, pspan)
    table = table.astype(float)
    cohort_idx = np.flatnonzero(table[:, 0] > 0)
    table = table[cohort_idx]
    observable = (cohort_idx[:, None] + np.arange(pspan)[None, :]) <= end_p
    table[~observable] = np.nan
    n_cols = int(observable.sum(axis=1).max())
    return table[:, :n_cols], cohort_idx + plo
