"""Customer lifecycle: RFM summary and scores, lifecycle stages, loyalty ladder, stage transitions,
cohort retention and time-to-lapse survival; one joined row per customer (:func:`customer_lifecycle`)
and customers and revenue per stage, segment or rung (:func:`stage_summary`).

All functions take the canonical ``transactions`` table of the data contract (one row per order line:
``customer_id``, ``order_date``, ``amount``; optional ``order_id``, ``profit`` and attribute columns)
and work on whole columns with numpy: no Python loop runs per customer or per row, so the functions
stay fast on tens of millions of rows.

Shared conventions
------------------
purchase
    A row with ``amount >= 0``. Rows with a negative amount are refunds: they are netted into the
    value of the period they fall in and count in revenue and profit, but a day (or period) whose only
    rows are refunds is not a purchase (it does not make a customer repeat, recent or active).
purchase day
    A calendar day with at least one purchase row. Stages, the loyalty ladder, the gaps between
    purchases and survival count purchase days, so two orders on the same day are one visit.
observation_end / as_of
    The "as of" date. Rows dated after it are ignored (the data loader reports how many exist); the
    date itself is included. Default: the last transaction date.
customer ids
    Outputs are indexed by ``customer_id``, sorted. A categorical or integer ``customer_id`` column is
    used as is (fast); strings are factorised, which dominates the run time on very large tables.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from helpers import frameworks, nps

#: Lifecycle stages in display order (definitions: ``frameworks.LIFECYCLE_STAGES``).
STAGES = ("prospect", "new", "active", "reactivated", "at risk", "lapsed")
#: Row label in :func:`stage_transitions` for customers not known yet on the earlier date.
NOT_YET_KNOWN = "not yet known"
#: Units of ``freq`` in :func:`rfm_summary`: days per period.
RFM_FREQS = {"D": 1, "W": 7}
#: Period lengths understood by :func:`cohort_retention`.
COHORT_FREQS = ("W", "M", "Q")
#: Days of the "last 12 months" window of ``revenue_12m`` in :func:`customer_lifecycle`.
RECENT_DAYS = 365
#: Keys of a thresholds dict (all in days).
THRESHOLD_KEYS = ("new_window", "active_window", "lapse_window")

_REQUIRED = ("customer_id", "order_date", "amount")
_EPOCH_WEEKDAY_SHIFT = 3  # 1970-01-01 is a Thursday; day + 3 puts Mondays on multiples of 7
_NO_DAY = -(2**40)  # "never": far before any date, yet safe to subtract from a day number


# ---------------------------------------------------------------------------------------------------
# Input preparation (shared)
# ---------------------------------------------------------------------------------------------------
@dataclass
class _Tx:
    """Transactions as numpy columns: customer codes into ``ids``, day numbers, amounts."""

    frame: pd.DataFrame
    ids: pd.Index  # sorted unique customer ids
    c: np.ndarray  # int64 code of each row into ids
    day: np.ndarray  # int64 days since 1970-01-01
    amount: np.ndarray  # float64
    buy: np.ndarray  # bool, amount >= 0
    lo: int  # first day
    span: int  # number of days covered (last - first + 1)

    @property
    def n_customers(self):
        return len(self.ids)


def _examples(frame, mask, k=3):
    return frame.loc[np.asarray(mask)].head(k).to_dict("records")


def _to_day(value, name):
    """A date-like scalar -> int days since 1970-01-01 (time of day dropped)."""
    if value is None:
        raise ValueError(f"{name} is required; pass a date such as '2024-06-30'")
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}={value!r} is not a date; pass e.g. '2024-06-30'") from exc
    if ts is pd.NaT:
        raise ValueError(f"{name} is missing (NaT); pass a date such as '2024-06-30'")
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return int(np.datetime64(ts.normalize().to_datetime64(), "D").astype(np.int64))


def _day_to_datetime(days):
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[ns]")


def _day_ts(day):
    return pd.Timestamp(np.datetime64(int(day), "D"))


def _sorted_codes(ids):
    """Integer codes of ``ids`` into its sorted unique values (categoricals use their codes).

    Missing ids get code -1.
    """
    if isinstance(ids.dtype, pd.CategoricalDtype):
        codes = ids.cat.codes.to_numpy().astype(np.int64)
        uniques = ids.cat.categories
    else:
        codes, uniques = pd.factorize(ids)
        codes = codes.astype(np.int64)
        uniques = pd.Index(uniques)
    if uniques.is_monotonic_increasing:  # e.g. categories made by astype("category")
        return codes, uniques
    if pd.api.types.infer_dtype(uniques, skipna=False) == "string":
        # fixed-width unicode sorts in the same (code point) order as Python, several times faster
        order = np.argsort(np.asarray(uniques, dtype=str), kind="stable")
    else:
        order = uniques.argsort()
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    codes = np.where(codes >= 0, rank[codes], -1)
    return codes, uniques[order]


def _prepare(transactions):
    """Validate the transactions table and return its columns as numpy arrays (:class:`_Tx`)."""
    if not isinstance(transactions, pd.DataFrame):
        raise TypeError(
            f"transactions must be a pandas DataFrame, got {type(transactions).__name__}; "
            "load it with helpers.data.load_transactions"
        )
    missing = [c for c in _REQUIRED if c not in transactions.columns]
    if missing:
        raise ValueError(
            f"transactions lack column(s) {missing}; columns present: {list(transactions.columns)}. "
            "Map your names onto customer_id, order_date, amount (helpers.data.load_transactions "
            "with a columns mapping)"
        )
    if len(transactions) == 0:
        raise ValueError("transactions are empty; nothing to summarise")
    c, uniq = _sorted_codes(transactions["customer_id"])
    if (c < 0).any():
        bad = c < 0
        raise ValueError(
            f"transactions have {int(bad.sum())} row(s) without customer_id, e.g. "
            f"{_examples(transactions, bad)}; drop or fix them before the analysis"
        )
    dates = transactions["order_date"]
    if not pd.api.types.is_datetime64_any_dtype(dates):
        try:
            dates = pd.to_datetime(dates)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                "transactions.order_date could not be read as dates; parse it with pd.to_datetime "
                "(or helpers.data.load_transactions) first"
            ) from exc
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    if dates.isna().any():
        bad = dates.isna().to_numpy()
        raise ValueError(
            f"transactions have {int(bad.sum())} row(s) without order_date, e.g. "
            f"{_examples(transactions, bad)}; drop or fix them before the analysis"
        )
    amount = transactions["amount"]
    if not pd.api.types.is_numeric_dtype(amount) or pd.api.types.is_bool_dtype(amount):
        raise TypeError(
            f"transactions.amount must be numeric, got dtype {amount.dtype}; convert it with "
            "pd.to_numeric"
        )
    amount = amount.to_numpy(dtype=np.float64, na_value=np.nan)
    if np.isnan(amount).any():
        bad = np.isnan(amount)
        raise ValueError(
            f"transactions have {int(bad.sum())} row(s) without amount, e.g. "
            f"{_examples(transactions, bad)}; drop or fix them before the analysis"
        )
    day = dates.to_numpy().astype("datetime64[D]").astype(np.int64)
    uniq = uniq.rename("customer_id")
    lo = int(day.min())
    return _Tx(
        frame=transactions, ids=uniq, c=c, day=day, amount=amount, buy=amount >= 0,
        lo=lo, span=int(day.max()) - lo + 1,
    )


def _end_day(tx, observation_end, name="observation_end"):
    return int(tx.day.max()) if observation_end is None else _to_day(observation_end, name)


def _sort_keys(key, key_max):
    """Stable sort of non-negative int64 keys: returns (sorted keys, order).

    When key and row number fit in 63 bits together, the row number is packed into the low bits and
    a plain (SIMD) sort is used: several times faster than ``argsort(kind="stable")``.
    """
    n = len(key)
    bits_n = max(int(n).bit_length(), 1)
    if int(key_max).bit_length() + bits_n <= 62:
        packed = (key << bits_n) | np.arange(n, dtype=np.int64)
        packed.sort()
        return packed >> bits_n, packed & ((1 << bits_n) - 1)
    order = np.argsort(key, kind="stable")
    return key[order], order


def _argsort_keys(key, key_max):
    return _sort_keys(key, key_max)[1]


def _group_starts(*arrays):
    """Index of the first row of each run of equal values (arrays sorted jointly)."""
    n = len(arrays[0])
    new = np.zeros(n, dtype=bool)
    if n:
        new[0] = True
        for a in arrays:
            new[1:] |= a[1:] != a[:-1]
    return np.flatnonzero(new)


def _purchase_days(tx, end):
    """Distinct (customer code, day) purchase pairs up to day ``end``, sorted by customer then day."""
    m = tx.buy & (tx.day <= end)
    key = np.unique(tx.c[m] * tx.span + (tx.day[m] - tx.lo))
    return key // tx.span, key % tx.span + tx.lo


class _History(NamedTuple):
    cust: np.ndarray  # codes of customers with a purchase, sorted
    first: np.ndarray  # first purchase day
    last: np.ndarray  # last purchase day
    n_days: np.ndarray  # number of purchase days
    last_return: np.ndarray  # last day bought after a gap > lapse_window (or _NO_DAY)


def _history(tx, end, lapse_window=None):
    """Per-customer purchase history up to day ``end`` from distinct purchase days."""
    cc, dd = _purchase_days(tx, end)
    starts = _group_starts(cc)
    ends = np.r_[starts[1:], len(cc)] - 1
    last_return = np.full(len(starts), _NO_DAY, dtype=np.int64)
    if lapse_window is not None and len(cc) > 1:
        same = cc[1:] == cc[:-1]
        ret = np.flatnonzero(same & (np.diff(dd) > lapse_window)) + 1
        if len(ret):
            grp = np.searchsorted(starts, ret, side="right") - 1
            np.maximum.at(last_return, grp, dd[ret])
    return _History(cc[starts], dd[starts], dd[ends], ends - starts + 1, last_return)


def _warn(msg):
    warnings.warn(msg, UserWarning, stacklevel=3)


# ---------------------------------------------------------------------------------------------------
# RFM summary (lifetimes' definitions)
# ---------------------------------------------------------------------------------------------------
def rfm_summary(transactions, observation_end=None, freq="D"):
    """Summarise transactions per customer as frequency, recency, T and monetary value.

    Uses exactly the definitions of the ``lifetimes`` package
    (``lifetimes.utils.summary_data_from_transaction_data``), which the BG/NBD, Pareto/NBD and
    Gamma-Gamma models expect:

    - rows are grouped into periods of length ``freq``; several purchases in one period count once
      and their amounts are summed;
    - ``frequency``: number of repeat purchase periods (purchase periods minus one);
    - ``recency``: age of the customer at the last purchase = last minus first purchase period;
    - ``T``: age of the customer at ``observation_end`` = its period minus the first purchase period;
    - ``monetary_value``: mean value of the repeat purchase periods (the first is left out), 0 when
      there is none.

    Periods: ``"D"`` = calendar days; ``"W"`` = weeks starting on Monday (pandas' ``to_period("W")``,
    as lifetimes does), so recency and T are whole numbers of weeks, exactly as lifetimes returns them
    with ``freq="W"``. (For days divided by 7 without grouping into weeks, use ``freq="D"`` and divide
    recency and T by 7: lifetimes' ``freq_multiplier=7``.)

    Where lifetimes has no rule this function states one:

    - Refunds (negative ``amount``) are netted into the value of their period. A period whose only
      rows are refunds is not a purchase: it adds nothing to frequency, recency or monetary_value
      (its refunds still count in ``revenue`` and ``profit``). A period whose purchases net to a
      negative value is still a purchase, with a negative value.
    - Rows dated after ``observation_end`` are left out (lifetimes keeps the rest of the end's period
      when ``freq="W"``; here nothing after the date is used).
    - Customers without a purchase up to ``observation_end`` have no first purchase and hence no T:
      they are absent, as in lifetimes (prospects are handled by :func:`lifecycle_stage`). Customers
      whose rows up to then are all refunds are absent too, with a UserWarning giving their number.

    Parameters
    ----------
    transactions : pandas.DataFrame
        One row per order line: ``customer_id``, ``order_date``, ``amount``; optional ``order_id``
        and ``profit``.
    observation_end : date-like, optional
        Last day of the observation period (included). Default: the last ``order_date``.
    freq : {"D", "W"}
        Period length and unit of recency and T.

    Returns
    -------
    pandas.DataFrame
        One row per customer with a purchase, indexed by ``customer_id`` (sorted), columns
        ``frequency`` (int), ``recency``, ``T``, ``monetary_value`` (float; in periods / currency),
        ``first_purchase``, ``last_purchase`` (dates of the first and last purchase row),
        ``n_orders`` (distinct ``order_id`` with a purchase row, else distinct purchase days),
        ``revenue`` and ``profit`` (sums of all rows up to ``observation_end``, refunds included;
        profit is NaN without a ``profit`` column).

    Raises
    ------
    TypeError
        If ``transactions`` is not a DataFrame or ``amount`` is not numeric.
    ValueError
        If a required column is missing or has missing values, ``freq`` is unknown, or there is no
        purchase up to ``observation_end``.

    Examples
    --------
    >>> tx = pd.DataFrame({
    ...     "customer_id": ["a", "a", "a", "b"],
    ...     "order_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-11", "2024-01-05"]),
    ...     "amount": [10.0, 5.0, 20.0, 8.0]})
    >>> s = rfm_summary(tx, observation_end="2024-01-31")
    >>> s[["frequency", "recency", "T", "monetary_value", "n_orders", "revenue"]]
    ... # doctest: +NORMALIZE_WHITESPACE
                 frequency  recency     T  monetary_value  n_orders  revenue
    customer_id
    a                    1     10.0  30.0            20.0         2     35.0
    b                    0      0.0  26.0             0.0         1      8.0
    """
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


# ---------------------------------------------------------------------------------------------------
# RFM scores and segments
# ---------------------------------------------------------------------------------------------------
def _tie_aware_scores(values, n_scores=5):
    """Quantile scores 1..n_scores that never split a tie.

    Distinct values are cut into ``n_scores`` contiguous blocks, greedily from the lowest: each block
    takes distinct values until it holds as close as possible to an equal share of the customers not
    yet scored, leaving at least one distinct value for every remaining score. A large tie therefore
    fills one score and the other scores share the rest equally. Returns (scores, n_distinct).
    """
    uniq, inv, counts = np.unique(values, return_inverse=True, return_counts=True)
    k = len(uniq)
    if k < n_scores:  # spread the few distinct values over the scale: lowest 1, highest n_scores
        if k == 1:
            block_score = np.array([(n_scores + 1) // 2])
        else:
            block_score = 1 + np.round(np.arange(k) * (n_scores - 1) / (k - 1)).astype(int)
        return block_score[inv], counts
    cum = np.cumsum(counts)
    total = cum[-1]
    block_score = np.empty(k, dtype=np.int64)
    start, done = 0, 0
    for s in range(1, n_scores + 1):
        remaining = n_scores - s + 1
        if remaining == 1:
            cut = k
        else:
            target = done + (total - done) / remaining
            j = int(np.searchsorted(cum, target))  # cum[j] >= target; cut after j or before it
            cut = j + 1
            if j > 0 and abs(cum[j - 1] - target) <= abs(cum[j] - target):
                cut = j
            cut = min(max(cut, start + 1), k - (remaining - 1))
        block_score[start:cut] = s
        done = cum[cut - 1]
        start = cut
    return block_score[inv], counts


def rfm_scores(summary, *, monetary="revenue"):
    """Score customers 1-5 on recency, frequency and monetary value (5 = best).

    - R from the time since the last purchase, ``T - recency`` (shorter = higher score);
    - F from ``frequency`` (repeat purchase periods);
    - M from ``monetary`` (default ``revenue``: total net spend, as in Hughes' RFM and R's rfm
      package; ``monetary_value`` would give every one-time buyer 0).

    Scores are quantile based (quintiles), with a deterministic tie rule: customers with equal values
    always get the same score, and the cut points move to the nearest boundary between distinct values
    so that no score is left empty. Concretely, scores are filled from the lowest value up; each score
    takes whole groups of equal values until it holds as close as possible to an equal share of the
    customers not yet scored. When a tie is larger than a fifth of the customers (very common for F:
    most customers buy once) plain quantile bins would collapse: that tie gets one score, the other
    scores split the remaining customers, and a UserWarning says so. With fewer than five distinct
    values some scores must stay empty; the values are spread over the scale (lowest 1, highest 5)
    and a UserWarning says so.

    Parameters
    ----------
    summary : pandas.DataFrame
        Output of :func:`rfm_summary` (needs ``recency``, ``T``, ``frequency`` and ``monetary``).
    monetary : str, default "revenue"
        Column that measures spend.

    Returns
    -------
    pandas.DataFrame
        Same index as ``summary``; int columns ``R``, ``F``, ``M`` (1..5) and the string ``RFM``
        (e.g. ``"545"``).

    Raises
    ------
    TypeError
        If ``summary`` is not a DataFrame.
    ValueError
        If a needed column is missing, has missing values, or ``summary`` is empty.

    Examples
    --------
    >>> s = pd.DataFrame({"recency": [0, 5, 9, 20, 30.], "T": [40, 40, 40, 40, 40.],
    ...                   "frequency": [0, 1, 2, 3, 4], "revenue": [10, 20, 30, 40, 50.]},
    ...                  index=pd.Index(list("abcde"), name="customer_id"))
    >>> rfm_scores(s)["RFM"].tolist()
    ['111', '222', '333', '444', '555']
    """
    if not isinstance(summary, pd.DataFrame):
        raise TypeError(
            f"summary must be a DataFrame from rfm_summary, got {type(summary).__name__}"
        )
    need = ["recency", "T", "frequency", monetary]
    missing = [c for c in need if c not in summary.columns]
    if missing:
        raise ValueError(
            f"summary lacks column(s) {missing}; pass the output of rfm_summary "
            "(or name the spend column with monetary=...)"
        )
    if len(summary) == 0:
        raise ValueError("summary is empty; there is no customer to score")
    axes = {
        "R": -(summary["T"] - summary["recency"]).to_numpy(dtype=float),
        "F": summary["frequency"].to_numpy(dtype=float),
        "M": summary[monetary].to_numpy(dtype=float),
    }
    for axis, values in axes.items():
        if np.isnan(values).any():
            raise ValueError(f"summary has missing values for the {axis} score; fill or drop them")
    out = pd.DataFrame(index=summary.index)
    n = len(summary)
    for axis, values in axes.items():
        scores, counts = _tie_aware_scores(values)
        k = len(counts)
        if k < 5:
            _warn(
                f"{axis} score: only {k} distinct value(s) among {n} customers, so "
                f"{5 - k} score(s) stay empty"
            )
        else:
            big = counts > n / 5
            if big.any():
                share = counts[big].max() / n
                _warn(
                    f"{axis} score: {share:.0%} of customers share one value, more than a quintile; "
                    "equal values keep one score, so the quintile bins are unequal (see "
                    "rfm_scores docs)"
                )
        out[axis] = scores.astype(np.int64)
    out["RFM"] = out["R"].astype(str) + out["F"].astype(str) + out["M"].astype(str)
    return out


def _check_range(rule, axis):
    rng = rule.get(axis)
    try:
        lo, hi = (int(v) for v in rng)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"RFM rule {rule.get('name')!r}: {axis} must be a (low, high) pair of scores, "
            f"got {rng!r}"
        ) from exc
    if not 1 <= lo <= hi <= 5:
        raise ValueError(
            f"RFM rule {rule.get('name')!r}: {axis}={rng!r} must satisfy 1 <= low <= high <= 5"
        )
    return lo, hi


def _validated_rfm_rules(rules):
    rules = frameworks.RFM_SEGMENTS if rules is None else rules
    if not isinstance(rules, (list, tuple)) or not rules:
        raise ValueError("rules must be a non-empty list of dicts like frameworks.RFM_SEGMENTS")
    parsed = []
    for rule in rules:
        if not isinstance(rule, dict) or "name" not in rule or "precedence" not in rule:
            raise ValueError(
                f"each RFM rule needs 'name', 'precedence', 'r', 'f' and 'm'; got {rule!r}"
            )
        parsed.append((rule["precedence"], rule["name"], *(_check_range(rule, a) for a in "rfm")))
    precedences = [p[0] for p in parsed]
    if len(set(precedences)) != len(precedences):
        raise ValueError(f"RFM rules must have distinct precedence values, got {precedences}")
    names = [p[1] for p in parsed]
    if len(set(names)) != len(names):
        raise ValueError(f"RFM rule names must be distinct, got {names}")
    return sorted(parsed)


def rfm_segment_grid(rules=None):
    """Map every one of the 125 (R, F, M) cells to its segment under the rules' precedence.

    A cell gets the segment of the first rule (lowest ``precedence``) whose ranges contain it; a cell
    no rule covers gets ``"Other"``. Warns about uncovered cells and about rules that win no cell
    (shadowed by rules of higher precedence). The default rules cover every cell and every segment.

    Parameters
    ----------
    rules : list of dict, optional
        Rules in the form of :data:`helpers.frameworks.RFM_SEGMENTS` (the default).

    Returns
    -------
    pandas.DataFrame
        125 rows sorted by R, F, M: int columns ``R``, ``F``, ``M``, ``segment`` and ``n_rules`` (how
        many rules contain the cell before precedence is applied).

    Raises
    ------
    ValueError
        If a rule lacks a field, has a range outside 1..5, or precedences or names repeat.

    Examples
    --------
    >>> grid = rfm_segment_grid()
    >>> len(grid), (grid["segment"] == "Other").sum()
    (125, np.int64(0))
    >>> grid.query("R == 5 and F == 5 and M == 5")["segment"].item()
    'Champions'
    """
    parsed = _validated_rfm_rules(rules)
    r, f, m = (a.ravel() for a in np.meshgrid(range(1, 6), range(1, 6), range(1, 6), indexing="ij"))
    segment = np.full(125, "Other", dtype=object)
    assigned = np.zeros(125, dtype=bool)
    n_rules = np.zeros(125, dtype=np.int64)
    unreachable = []
    for _, name, (rl, rh), (fl, fh), (ml, mh) in parsed:
        inside = (r >= rl) & (r <= rh) & (f >= fl) & (f <= fh) & (m >= ml) & (m <= mh)
        n_rules += inside
        wins = inside & ~assigned
        if not wins.any():
            unreachable.append(name)
        segment[wins] = name
        assigned |= wins
    if unreachable:
        _warn(f"RFM rule(s) {unreachable} win no cell: rules of higher precedence cover them")
    if not assigned.all():
        _warn(f"{int((~assigned).sum())} of 125 RFM cells match no rule and are labelled 'Other'")
    return pd.DataFrame({"R": r, "F": f, "M": m, "segment": segment, "n_rules": n_rules})


def rfm_segments(scores, rules=None):
    """Name each customer's RFM segment from its scores.

    Transforms the output of :func:`rfm_scores` (one row per customer with ``R``, ``F``, ``M``) into
    the same table plus a ``segment`` column. The rule table (default
    :data:`helpers.frameworks.RFM_SEGMENTS`, replaceable from the run configuration) is applied with
    its precedence through :func:`rfm_segment_grid`; cells that custom rules leave uncovered become
    ``"Other"`` (with a UserWarning).

    Parameters
    ----------
    scores : pandas.DataFrame
        Integer columns ``R``, ``F``, ``M`` in 1..5.
    rules : list of dict, optional
        Segment rules; see :data:`helpers.frameworks.RFM_SEGMENTS` for the keys.

    Returns
    -------
    pandas.DataFrame
        ``scores`` with a categorical ``segment`` column (categories in precedence order, then
        ``"Other"`` if used).

    Raises
    ------
    TypeError
        If ``scores`` is not a DataFrame.
    ValueError
        If ``R``, ``F`` or ``M`` is missing or outside 1..5, or the rules are malformed.

    Examples
    --------
    >>> sc = pd.DataFrame({"R": [5, 1, 5], "F": [5, 1, 1], "M": [5, 1, 3]}, index=list("abc"))
    >>> rfm_segments(sc)["segment"].tolist()
    ['Champions', 'Lost', 'New Customers']
    """
    if not isinstance(scores, pd.DataFrame):
        raise TypeError(f"scores must be a DataFrame from rfm_scores, got {type(scores).__name__}")
    missing = [c for c in "RFM" if c not in scores.columns]
    if missing:
        raise ValueError(f"scores lack column(s) {missing}; pass the output of rfm_scores")
    grid = rfm_segment_grid(rules)
    vals = scores[["R", "F", "M"]].to_numpy()
    if not np.isin(vals, [1, 2, 3, 4, 5]).all():
        raise ValueError("scores R, F and M must be whole numbers from 1 to 5")
    vals = vals.astype(np.int64)
    cell = (vals[:, 0] - 1) * 25 + (vals[:, 1] - 1) * 5 + (vals[:, 2] - 1)
    names = [p[1] for p in _validated_rfm_rules(rules)]
    if (grid["segment"] == "Other").any():
        names.append("Other")
    out = scores.copy()
    out["segment"] = pd.Categorical(grid["segment"].to_numpy()[cell], categories=names)
    return out


# ---------------------------------------------------------------------------------------------------
# Lifecycle stages
# ---------------------------------------------------------------------------------------------------
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
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
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


def _known_customers(customers, as_of_day):
    """Customer ids known by ``as_of_day`` from the customers table (signup_date <= as_of or none)."""
    if customers is None:
        return None
    if not isinstance(customers, pd.DataFrame):
        raise TypeError(f"customers must be a DataFrame, got {type(customers).__name__}")
    if "customer_id" not in customers.columns:
        raise ValueError(
            f"customers lack column 'customer_id'; columns present: {list(customers.columns)}"
        )
    ids = customers["customer_id"]
    known = ids.notna()
    if "signup_date" in customers.columns:
        signup = pd.to_datetime(customers["signup_date"])
        if getattr(signup.dt, "tz", None) is not None:
            signup = signup.dt.tz_localize(None)
        known &= signup.isna() | (signup.dt.normalize() <= _day_ts(as_of_day))
    return pd.Index(ids[known].unique())


def _stage_table(tx, as_of_day, th, customers):
    h = _history(tx, as_of_day, th["lapse_window"])
    since_last = as_of_day - h.last
    since_first = as_of_day - h.first
    returned = (as_of_day - h.last_return) <= th["new_window"]
    stage = np.select(
        [since_first <= th["new_window"], returned, since_last <= th["active_window"],
         since_last <= th["lapse_window"]],
        ["new", "reactivated", "active", "at risk"],
        default="lapsed",
    )
    m = tx.day <= as_of_day
    k = tx.n_customers
    revenue_all = np.bincount(tx.c[m], weights=tx.amount[m], minlength=k)
    buyers = pd.DataFrame(
        {
            "stage": stage,
            "first_purchase": _day_to_datetime(h.first),
            "last_purchase": _day_to_datetime(h.last),
            "days_since_last": since_last,
            "n_purchase_days": h.n_days,
            "revenue": revenue_all[h.cust],
        },
        index=tx.ids[h.cust],
    )
    # customers with rows up to as_of but no purchase (refunds only) are known, never bought
    has_rows = np.bincount(tx.c[m], minlength=k) > 0
    has_rows[h.cust] = False
    refund_only = tx.ids[has_rows]
    if len(refund_only):
        _warn(
            f"{len(refund_only)} customer(s) have only refund rows up to "
            f"{_day_ts(as_of_day):%Y-%m-%d}; "
            "they are counted as prospects (known, no purchase)"
        )
    prospect_ids = refund_only
    known = _known_customers(customers, as_of_day)
    if known is not None:
        prospect_ids = prospect_ids.union(known.difference(buyers.index))
    prospects = pd.DataFrame(
        {
            "stage": "prospect",
            "first_purchase": pd.NaT,
            "last_purchase": pd.NaT,
            "days_since_last": np.nan,
            "n_purchase_days": 0,
            "revenue": pd.Series(revenue_all, index=tx.ids).reindex(prospect_ids).fillna(0.0)
            .to_numpy(),
        },
        index=pd.Index(prospect_ids),
    )
    out = pd.concat([buyers, prospects]) if len(prospects) else buyers
    out = out.sort_index()
    out.index.name = "customer_id"
    out["stage"] = pd.Categorical(out["stage"], categories=list(STAGES), ordered=True)
    out["first_purchase"] = out["first_purchase"].astype("datetime64[ns]")
    out["last_purchase"] = out["last_purchase"].astype("datetime64[ns]")
    out["days_since_last"] = out["days_since_last"].astype("Int64")
    out["n_purchase_days"] = out["n_purchase_days"].astype(np.int64)
    out["revenue"] = out["revenue"].astype(float)
    return out


def lifecycle_stage(transactions, as_of, customers=None, thresholds=None):
    """Lifecycle stage of every known customer as of a date.

    Stages (definitions and actions in :data:`helpers.frameworks.LIFECYCLE_STAGES`), first that
    applies:

    1. ``prospect``: in ``customers`` (signed up by ``as_of`` or without a signup date) and no
       purchase by ``as_of``; also customers whose rows up to then are only refunds (with a warning);
    2. ``new``: first purchase at most ``new_window`` days before ``as_of``;
    3. ``reactivated``: bought at most ``new_window`` days ago after a gap longer than
       ``lapse_window`` (a returning customer is treated like a new one for the same window);
    4. ``active``: last purchase at most ``active_window`` days ago;
    5. ``at risk``: last purchase more than ``active_window`` and at most ``lapse_window`` days ago;
    6. ``lapsed``: last purchase more than ``lapse_window`` days ago.

    Only purchases (rows with ``amount >= 0``) up to ``as_of`` count; windows are in days and come
    from :func:`stage_thresholds` on the transactions up to ``as_of``, each replaceable through
    ``thresholds``.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Canonical transactions.
    as_of : date-like
        The snapshot date (included).
    customers : pandas.DataFrame, optional
        Known customers (``customer_id``, optional ``signup_date``); adds the prospects.
    thresholds : dict, optional
        Any of ``new_window``, ``active_window``, ``lapse_window`` in days.

    Returns
    -------
    pandas.DataFrame
        One row per known customer, indexed by ``customer_id`` (sorted): ``stage`` (ordered
        categorical over :data:`STAGES`), ``first_purchase``, ``last_purchase`` (NaT for prospects),
        ``days_since_last`` (Int64, <NA> for prospects), ``n_purchase_days`` and ``revenue`` (net
        amount up to ``as_of``). ``.attrs["thresholds"]`` holds the windows used.

    Raises
    ------
    ValueError, TypeError
        On malformed inputs or thresholds (see :func:`stage_thresholds`).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b", "c"],
    ...     "order_date": pd.to_datetime(["2024-01-01", "2024-06-20", "2024-06-25", "2024-02-01"]),
    ...     "amount": [10.0, 12.0, 9.0, 30.0]})
    >>> th = {"new_window": 30, "active_window": 30, "lapse_window": 90}
    >>> lifecycle_stage(tx, "2024-06-30", thresholds=th)["stage"].tolist()
    ['reactivated', 'new', 'lapsed']
    """
    tx = _prepare(transactions)
    as_of_day = _to_day(as_of, "as_of")
    th = _resolve_thresholds(tx, as_of_day, thresholds)
    out = _stage_table(tx, as_of_day, th, customers)
    out.attrs["thresholds"] = th
    return out


# ---------------------------------------------------------------------------------------------------
# Loyalty ladder
# ---------------------------------------------------------------------------------------------------
def _validated_ladder(rules):
    rules = frameworks.LOYALTY_LADDER if rules is None else rules
    if not isinstance(rules, (list, tuple)) or not rules:
        raise ValueError(
            "ladder rules must be a non-empty list of dicts like frameworks.LOYALTY_LADDER"
        )
    out = []
    for rule in rules:
        if not isinstance(rule, dict) or "name" not in rule or "rung" not in rule:
            raise ValueError(f"each ladder rule needs at least 'name' and 'rung'; got {rule!r}")
        if not rule.get("observable", True):
            continue
        lo = rule.get("min_purchases") or 0
        hi = rule.get("max_purchases")
        if lo < 0 or (hi is not None and hi < lo):
            raise ValueError(
                f"ladder rule {rule['name']!r}: need 0 <= min_purchases <= max_purchases, "
                f"got {lo}, {hi}"
            )
        out.append(dict(rule, min_purchases=lo))
    rungs = [r["rung"] for r in out]
    if len(set(rungs)) != len(rungs):
        raise ValueError(f"ladder rungs must be distinct, got {rungs}")
    return sorted(out, key=lambda r: r["rung"])


def _latest_scores(survey, as_of_day):
    """Latest survey score per customer_id up to ``as_of_day`` (undated responses: last row)."""
    if isinstance(survey, pd.DataFrame) and "response_date" not in survey.columns:
        _warn("survey has no response_date; each customer's last listed answer is used")
    latest = nps.latest_answers(survey, as_of=_day_ts(as_of_day))
    return latest["nps_score"].astype(float)


def loyalty_ladder(transactions, as_of, customers=None, survey=None, referrals_col="referrals",
                   thresholds=None, *, rules=None, promoter_min=9):
    """Place every known customer on the loyalty ladder as of a date.

    Rungs and their conditions are data (:data:`helpers.frameworks.LOYALTY_LADDER`, replaceable with
    ``rules``); a customer stands on the highest rung whose conditions hold. With the default rules:
    prospect = known, no purchase; first-time customer = one purchase day; repeat customer = two or
    more; client = three or more and active (last purchase within ``active_window`` days, see
    :func:`stage_thresholds`); advocate = two or more purchase days, not lapsed (last purchase
    within ``lapse_window`` days) and a promoter or a referrer. Suspects (the target market) are not in customer data and are never assigned.

    A promoter is a customer whose latest survey answer up to ``as_of`` scores at least
    ``promoter_min`` (9 in the NPS definition, :data:`helpers.frameworks.NPS_CLASSES`); answers
    without ``customer_id`` cannot be linked and are ignored. Referrals come from
    ``customers[referrals_col]`` when present (missing = 0); they are undated, so they count whatever
    ``as_of`` is.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Canonical transactions.
    as_of : date-like
        The snapshot date (included).
    customers : pandas.DataFrame, optional
        Known customers (``customer_id``, optional ``signup_date`` and referrals column).
    survey : pandas.DataFrame, optional
        NPS answers (``customer_id``, ``score``, optional ``response_date``).
    referrals_col : str, default "referrals"
        Column of ``customers`` with the number of referrals.
    thresholds : dict, optional
        Stage windows (only ``active_window`` is used here), as for :func:`lifecycle_stage`.
    rules : list of dict, optional
        Ladder rules (default :data:`helpers.frameworks.LOYALTY_LADDER`).
    promoter_min : int, default 9
        Lowest score that counts as a promoter.

    Returns
    -------
    pandas.DataFrame
        One row per known customer, indexed by ``customer_id`` (sorted): ``rung`` (ordered
        categorical, lowest rung first; ``"unassigned"`` only if custom rules leave gaps),
        ``n_purchase_days``, ``active`` (bool), ``promoter`` (bool), ``referrals`` (int).

    Raises
    ------
    ValueError, TypeError
        On malformed inputs or rules.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "b", "b", "c", "c", "c"],
    ...     "order_date": pd.to_datetime(["2024-06-01", "2024-03-01", "2024-04-15",
    ...                                   "2024-05-01", "2024-06-01", "2024-06-20"]),
    ...     "amount": [5.0] * 6})
    >>> cust = pd.DataFrame({"customer_id": ["a", "b", "c", "d"], "referrals": [0, 2, 0, 0]})
    >>> th = {"active_window": 30, "lapse_window": 90}
    >>> loyalty_ladder(tx, "2024-06-30", cust, thresholds=th)["rung"].tolist()
    ['first-time customer', 'advocate', 'client', 'prospect']
    """
    if isinstance(promoter_min, bool) or not isinstance(promoter_min, (int, np.integer, float)):
        raise TypeError(f"promoter_min must be a number, got {promoter_min!r}")
    ladder = _validated_ladder(rules)
    stages = lifecycle_stage(transactions, as_of, customers=customers, thresholds=thresholds)
    th = stages.attrs["thresholds"]
    as_of_day = _to_day(as_of, "as_of")
    n = stages["n_purchase_days"].to_numpy()
    since_last = stages["days_since_last"].fillna(np.iinfo(np.int32).max).to_numpy()
    active = since_last <= th["active_window"]
    current = since_last <= th["lapse_window"]
    promoter = np.zeros(len(stages), dtype=bool)
    if survey is not None:
        latest = _latest_scores(survey, as_of_day)
        promoter = (latest.reindex(stages.index) >= promoter_min).fillna(False).to_numpy(dtype=bool)
    referrals = np.zeros(len(stages), dtype=np.int64)
    if customers is not None and referrals_col in customers.columns:
        ref = pd.to_numeric(customers[referrals_col], errors="raise")
        ref = ref.groupby(customers["customer_id"]).max()
        referrals = ref.reindex(stages.index).fillna(0).to_numpy(dtype=np.int64)
    advocacy = promoter | (referrals > 0)

    names = [r["name"] for r in ladder]
    rung = np.full(len(stages), -1)
    for i, rule in enumerate(ladder):
        ok = n >= rule["min_purchases"]
        if rule.get("max_purchases") is not None:
            ok &= n <= rule["max_purchases"]
        if rule.get("requires_active"):
            ok &= active
        if rule.get("requires_current"):
            ok &= current
        if rule.get("requires_advocacy"):
            ok &= advocacy
        rung[ok] = i
    labels = np.array(names + ["unassigned"], dtype=object)[np.where(rung < 0, len(names), rung)]
    cats = names + (["unassigned"] if (rung < 0).any() else [])
    if (rung < 0).any():
        _warn(f"{int((rung < 0).sum())} customer(s) match no ladder rule and are 'unassigned'")
    out = pd.DataFrame(
        {
            "rung": pd.Categorical(labels, categories=cats, ordered=True),
            "n_purchase_days": n,
            "active": active,
            "promoter": promoter,
            "referrals": referrals,
        },
        index=stages.index,
    )
    out.attrs["thresholds"] = th
    return out


# ---------------------------------------------------------------------------------------------------
# Stage transitions
# ---------------------------------------------------------------------------------------------------
class Transitions(NamedTuple):
    """Stage transitions: ``counts`` (customers) and ``shares`` (row shares: where each went)."""

    counts: pd.DataFrame
    shares: pd.DataFrame


def stage_transitions(transactions, from_date, to_date, customers=None, thresholds=None):
    """Cross-tabulate customers' lifecycle stage on two dates.

    Both snapshots use the same windows (from :func:`stage_thresholds` on the transactions up to
    ``to_date`` unless given), so a change of stage reflects the customer, not a moved threshold.
    Customers known on ``to_date`` but not yet on ``from_date`` (first purchase or signup after it)
    form the row :data:`NOT_YET_KNOWN`. Every customer known on ``to_date`` is counted exactly once.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Canonical transactions.
    from_date, to_date : date-like
        The two snapshot dates, ``from_date < to_date``.
    customers : pandas.DataFrame, optional
        Known customers (adds prospects), as for :func:`lifecycle_stage`.
    thresholds : dict, optional
        Stage windows in days.

    Returns
    -------
    Transitions
        ``counts``: rows = stage on ``from_date`` (``NOT_YET_KNOWN`` then :data:`STAGES`), columns =
        stage on ``to_date`` (:data:`STAGES`), integer counts, zeros included. ``shares``: each row
        divided by its total (NaN for empty rows), e.g. the share of last quarter's active customers
        who are now lapsed.

    Raises
    ------
    ValueError
        If ``from_date`` is not before ``to_date``, or inputs are malformed.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"],
    ...     "order_date": pd.to_datetime(["2024-01-01", "2024-03-25", "2024-03-20"]),
    ...     "amount": [1.0, 1.0, 1.0]})
    >>> th = {"new_window": 30, "active_window": 30, "lapse_window": 60}
    >>> t = stage_transitions(tx, "2024-01-15", "2024-03-31", thresholds=th)
    >>> int(t.counts.loc["new", "reactivated"]), int(t.counts.loc["not yet known", "new"])
    (1, 1)
    """
    tx = _prepare(transactions)
    d0, d1 = _to_day(from_date, "from_date"), _to_day(to_date, "to_date")
    if not d0 < d1:
        raise ValueError(f"from_date ({from_date}) must be before to_date ({to_date})")
    th = _resolve_thresholds(tx, d1, thresholds)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # refund-only notes repeat per snapshot
        a = _stage_table(tx, d0, th, customers)
    b = _stage_table(tx, d1, th, customers)
    rows = [NOT_YET_KNOWN, *STAGES]
    before = a["stage"].cat.codes.reindex(b.index).fillna(-1).to_numpy(np.int64) + 1
    after = b["stage"].cat.codes.to_numpy(np.int64)
    cells = np.bincount(before * len(STAGES) + after, minlength=len(rows) * len(STAGES))
    counts = pd.DataFrame(cells.reshape(len(rows), len(STAGES)), index=rows, columns=list(STAGES))
    counts.index.name, counts.columns.name = "stage_from", "stage_to"
    totals = counts.sum(axis=1)
    shares = counts.div(totals.where(totals > 0), axis=0)
    counts.attrs = shares.attrs = {"from_date": str(from_date), "to_date": str(to_date),
                                   "thresholds": th}
    return Transitions(counts, shares)


# ---------------------------------------------------------------------------------------------------
# Cohort retention
# ---------------------------------------------------------------------------------------------------
class Cohorts(NamedTuple):
    """Cohort retention: ``shares`` of each cohort buying in each period, and the ``counts``."""

    shares: pd.DataFrame
    counts: pd.DataFrame


def _period_ordinal(day, freq):
    if freq == "W":
        return (day + _EPOCH_WEEKDAY_SHIFT) // 7
    months = day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return months if freq == "M" else months // 3


def _period_labels(ordinals, freq):
    if freq == "W":
        start = (ordinals * 7 - _EPOCH_WEEKDAY_SHIFT).astype("datetime64[D]")
    else:
        start = (ordinals * (1 if freq == "M" else 3)).astype("datetime64[M]")
    return pd.DatetimeIndex(start.astype("datetime64[ns]")).to_period(freq)


def cohort_retention(transactions, freq="M", observation_end=None):
    """Acquisition-cohort retention: share of each cohort buying n periods after its first purchase.

    A customer's cohort is the period (week, month or quarter) of its first purchase. Cell (cohort,
    n) counts the cohort's customers with at least one purchase (``amount >= 0``) in period
    cohort + n; period 0 is the cohort size, so its share is 100%. Cells after the period of
    ``observation_end`` are NaN (not observed yet, not zero); the last period may be partly
    observed, which understates its retention.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Canonical transactions.
    freq : {"M", "W", "Q"}, default "M"
        Period length (weeks start on Monday).
    observation_end : date-like, optional
        Last day used (default: last ``order_date``).

    Returns
    -------
    Cohorts
        ``counts``: rows = cohorts (``pandas.Period``, sorted, only those with customers), columns =
        periods since first purchase 0, 1, ..., float counts with NaN where unobserved; ``shares`` =
        counts divided by column 0.

    Raises
    ------
    ValueError
        If ``freq`` is unknown, there is no purchase, or inputs are malformed.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b", "b", "c"],
    ...     "order_date": pd.to_datetime(["2024-01-05", "2024-02-10", "2024-01-20", "2024-03-01",
    ...                                   "2024-02-14"]), "amount": [1.0] * 5})
    >>> cohort_retention(tx).shares  # doctest: +NORMALIZE_WHITESPACE
    periods_since_first    0    1    2
    cohort
    2024-01              1.0  0.5  0.5
    2024-02              1.0  0.0  NaN
    """
    if freq not in COHORT_FREQS:
        raise ValueError(f"freq={freq!r} is not supported; use one of {list(COHORT_FREQS)}")
    tx = _prepare(transactions)
    end = _end_day(tx, observation_end)
    m = tx.buy & (tx.day <= end)
    if not m.any():
        raise ValueError("no purchase on or before observation_end; nothing to build cohorts from")
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
    offsets = np.arange(pspan)
    observable = (cohort_idx[:, None] + offsets[None, :]) <= end_p
    table[~observable] = np.nan
    n_cols = int(observable.sum(axis=1).max())
    table = table[:, :n_cols]
    counts = pd.DataFrame(
        table,
        index=pd.Index(_period_labels(cohort_idx + plo, freq), name="cohort"),
        columns=pd.Index(range(n_cols), name="periods_since_first"),
    )
    shares = counts.div(counts[0], axis=0)
    return Cohorts(shares, counts)


# ---------------------------------------------------------------------------------------------------
# Survival: time from first purchase to lapse
# ---------------------------------------------------------------------------------------------------
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
    z = _normal_quantile(1 - alpha / 2)
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


def _normal_quantile(p):
    from scipy.stats import norm

    return float(norm.ppf(p))


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
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
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


# ---------------------------------------------------------------------------------------------------
# One row per customer: every lifecycle view joined
# ---------------------------------------------------------------------------------------------------
def customer_lifecycle(transactions, as_of=None, customers=None, survey=None, *, thresholds=None,
                       rfm_rules=None, ladder_rules=None, promoter_min=9):
    """Where every known customer stands as of a date: stage, ladder rung and RFM segment in one table.

    Joins :func:`lifecycle_stage`, :func:`loyalty_ladder`, :func:`rfm_summary`, :func:`rfm_scores`
    and :func:`rfm_segments` on ``customer_id``. Customers known only from ``customers`` (prospects)
    get a row with a stage and a rung but no RFM values (``<NA>``): RFM needs a purchase. Every
    customer with a row up to ``as_of`` in ``transactions`` or known by then from ``customers``
    appears exactly once. Warnings of the joined functions (e.g. the F-score tie note of
    :func:`rfm_scores`) pass through.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Canonical transactions.
    as_of : date-like, optional
        Snapshot date (included). Default: the last ``order_date``.
    customers : pandas.DataFrame, optional
        Known customers (adds prospects, signup dates and referrals).
    survey : pandas.DataFrame, optional
        NPS answers linked by ``customer_id`` (promoters can be advocates on the ladder).
    thresholds : dict, optional
        Stage windows in days (see :func:`stage_thresholds`); default from the data.
    rfm_rules : list of dict, optional
        RFM segment rules (default :data:`helpers.frameworks.RFM_SEGMENTS`).
    ladder_rules : list of dict, optional
        Ladder rules (default :data:`helpers.frameworks.LOYALTY_LADDER`).
    promoter_min : int, default 9
        Lowest score that counts as a promoter.

    Returns
    -------
    pandas.DataFrame
        One row per known customer, indexed by ``customer_id`` (sorted): ``stage`` and
        ``ladder_step`` (ordered categoricals), ``rfm_segment`` (categorical, <NA> for prospects),
        ``R``, ``F``, ``M`` (Int64 1..5, <NA> for prospects), ``RFM`` (e.g. ``"545"``),
        ``first_purchase``, ``last_purchase`` (NaT for prospects), ``days_since_last`` (Int64),
        ``n_orders``, ``n_purchase_days`` (int, 0 for prospects), ``revenue`` and ``profit`` (net
        sums of all rows up to ``as_of``, refunds included, so they add up to the transactions'
        totals; 0 for customers without rows; ``profit`` is NaN throughout when the transactions
        have no ``profit`` column), ``revenue_12m`` (net revenue of the 365 days up to and including
        ``as_of``), ``promoter`` (bool), ``referrals`` (int). ``attrs``: ``as_of`` and
        ``thresholds``.

    Raises
    ------
    ValueError, TypeError
        On malformed inputs (see the joined functions).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"],
    ...     "order_date": pd.to_datetime(["2024-01-01", "2024-06-20", "2024-06-25"]),
    ...     "amount": [10.0, 12.0, 9.0]})
    >>> th = {"new_window": 30, "active_window": 30, "lapse_window": 90}
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     view = customer_lifecycle(tx, "2024-06-30", thresholds=th)
    >>> view[["stage", "ladder_step"]].astype(str).values.tolist()
    [['reactivated', 'repeat customer'], ['new', 'first-time customer']]
    """
    tx = _prepare(transactions)
    as_of_day = _end_day(tx, as_of)
    as_of_ts = _day_ts(as_of_day)
    stages = lifecycle_stage(transactions, as_of_ts, customers=customers, thresholds=thresholds)
    th = stages.attrs["thresholds"]
    ladder = loyalty_ladder(transactions, as_of_ts, customers=customers, survey=survey, thresholds=th,
                            rules=ladder_rules, promoter_min=promoter_min)
    summary = rfm_summary(transactions, observation_end=as_of_ts)
    segments = rfm_segments(rfm_scores(summary), rules=rfm_rules)
    out = stages.drop(columns=["revenue"]).join(ladder[["rung", "promoter", "referrals"]])
    out = out.rename(columns={"rung": "ladder_step"})
    out = out.join(segments[["R", "F", "M", "RFM", "segment"]].rename(columns={"segment": "rfm_segment"}))
    for col in ("R", "F", "M"):
        out[col] = out[col].astype("Int64")
    out = out.join(summary[["n_orders"]])
    out["n_orders"] = out["n_orders"].fillna(0).astype("int64")

    # sums of all rows up to as_of (refund-only customers are prospects with a negative sum);
    # profit is NaN throughout without a profit column
    def per_customer(weights, mask):
        sums = np.bincount(tx.c[mask], weights=weights[mask], minlength=tx.n_customers)
        return pd.Series(sums, index=tx.ids).reindex(out.index).fillna(0.0).to_numpy()

    m = tx.day <= as_of_day
    out["revenue"] = per_customer(tx.amount, m)
    if "profit" in tx.frame.columns:
        out["profit"] = per_customer(
            tx.frame["profit"].to_numpy(dtype=np.float64, na_value=np.nan), m)
    else:
        out["profit"] = np.nan
    out["revenue_12m"] = per_customer(tx.amount, m & (tx.day > as_of_day - RECENT_DAYS))
    cols = ["stage", "ladder_step", "rfm_segment", "R", "F", "M", "RFM", "first_purchase",
            "last_purchase", "days_since_last", "n_orders", "n_purchase_days", "revenue", "profit",
            "revenue_12m", "promoter", "referrals"]
    out = out[cols].sort_index()
    out.attrs = {"as_of": as_of_ts, "thresholds": th}
    return out


#: Columns of :func:`customer_lifecycle` that :func:`stage_summary` can group by, with the
#: vocabulary of :mod:`helpers.frameworks` that defines their levels.
SUMMARY_VOCABULARIES = {
    "stage": "lifecycle_stages",
    "rfm_segment": "rfm_segments",
    "ladder_step": "loyalty_ladder",
}


def stage_summary(view, by="stage", *, rules=None):
    """Customers and revenue per stage (or RFM segment, or ladder rung), with what to do about each.

    Transforms the per-customer table of :func:`customer_lifecycle` (one row per customer) into one
    row per level of ``by``, in the framework's order and with empty levels kept (0 customers), and
    attaches the level's definition and actions from :mod:`helpers.frameworks`. Shares are of all
    customers with a level (customers whose ``by`` is missing, e.g. prospects for ``rfm_segment``,
    are left out and counted in ``attrs["n_missing"]``).

    Parameters
    ----------
    view : pandas.DataFrame
        Output of :func:`customer_lifecycle`: the ``by`` column and ``revenue``; ``revenue_12m``
        and ``profit`` are summed too when present.
    by : {"stage", "rfm_segment", "ladder_step"}
        Column to group by.
    rules : list of dict, optional
        The table that names and describes the levels (``name``, ``definition``, ``actions``), e.g.
        the ``rfm_rules`` passed to :func:`customer_lifecycle`. Default: the vocabulary of ``by``
        in :data:`SUMMARY_VOCABULARIES`. Levels without a row get empty texts.

    Returns
    -------
    pandas.DataFrame
        Indexed by the levels of ``by`` (its categorical order): ``customers`` (int),
        ``customer_share``, ``revenue``, ``revenue_share``, then ``revenue_12m`` /
        ``revenue_12m_share`` and ``profit`` / ``profit_share`` when present and not all missing
        (shares of the column total; NaN when the total is 0), ``definition`` and ``actions``.
        ``attrs``: ``by``, ``n_missing``.

    Raises
    ------
    TypeError
        If ``view`` is not a DataFrame.
    ValueError
        If ``by`` is not one of :data:`SUMMARY_VOCABULARIES` or ``view`` lacks ``by`` or
        ``revenue``.

    Examples
    --------
    >>> stage = pd.Categorical(["new", "lapsed", "lapsed"], categories=STAGES)
    >>> view = pd.DataFrame({"stage": stage, "revenue": [10.0, 30.0, 60.0]})
    >>> t = stage_summary(view)
    >>> t.loc[["new", "lapsed"], ["customers", "revenue_share"]]  # doctest: +NORMALIZE_WHITESPACE
            customers  revenue_share
    stage
    new             1            0.1
    lapsed          2            0.9
    """
    if not isinstance(view, pd.DataFrame):
        raise TypeError(
            f"view must be a DataFrame from customer_lifecycle, got {type(view).__name__}"
        )
    if by not in SUMMARY_VOCABULARIES:
        raise ValueError(f"by={by!r} is not supported; use one of {list(SUMMARY_VOCABULARIES)}")
    missing = [c for c in (by, "revenue") if c not in view.columns]
    if missing:
        raise ValueError(
            f"view lacks column(s) {missing}; pass the output of customer_lifecycle"
        )
    vocab = frameworks.VOCABULARIES[SUMMARY_VOCABULARIES[by]] if rules is None else rules
    col = view[by]
    if isinstance(col.dtype, pd.CategoricalDtype):  # the levels the table was made with
        levels = [str(c) for c in col.cat.categories]
    else:
        levels = [r["name"] for r in vocab if r.get("observable", True)]
    for name in sorted(str(v) for v in col.dropna().unique()):
        if name not in levels:
            levels.append(name)
    labels = col.astype(object).where(col.notna())
    has = labels.notna()
    labels = labels[has].astype(str)
    out = pd.DataFrame(index=pd.Index(levels, name=by))
    out["customers"] = labels.value_counts().reindex(levels, fill_value=0).astype(np.int64)
    out["customer_share"] = out["customers"] / max(int(has.sum()), 1)
    for value in ("revenue", "revenue_12m", "profit"):
        if value not in view.columns or view[value].isna().all():
            continue
        sums = view.loc[has, value].astype(float).groupby(labels).sum().reindex(levels,
                                                                                fill_value=0.0)
        out[value] = sums
        total = sums.sum()
        out[f"{value}_share"] = sums / total if total else np.nan
    text = {r["name"]: r for r in vocab}
    out["definition"] = [text.get(lv, {}).get("definition", "") for lv in levels]
    out["actions"] = [text.get(lv, {}).get("actions", "") for lv in levels]
    out.attrs = {"by": by, "n_missing": int((~has).sum())}
    return out
