"""Shared preparation of the transactions table: validation, customer codes, day numbers, sorting,
purchase days and per-customer purchase histories (private to the lifecycle package)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

_REQUIRED = ("customer_id", "order_date", "amount")
_EPOCH_WEEKDAY_SHIFT = 3  # 1970-01-01 is a Thursday; day + 3 puts Mondays on multiples of 7
_NO_DAY = -(2**40)  # "never": far before any date, yet safe to subtract from a day number


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
    memo: dict = field(default_factory=dict, repr=False)  # purchase days and histories by day

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
    """Validate the transactions table and return its columns as numpy arrays (:class:`_Tx`).

    An already prepared :class:`_Tx` is returned as it is (one preparation serves several views).
    """
    if isinstance(transactions, _Tx):
        return transactions
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


def prepare_transactions(transactions):
    """Check the transactions once and keep them as numpy columns for several lifecycle calls.

    :func:`~helpers.lifecycle.purchase_gaps`, :func:`~helpers.lifecycle.stage_thresholds`,
    :func:`~helpers.lifecycle.lapse_survival` and :func:`~helpers.lifecycle.lifecycle_stage` take
    the result in place of ``transactions``: the ids are coded, the dates turned into
    day numbers and the purchase days found once instead of once per call (on ten million rows
    about 2.5 s per call). The result is a snapshot: build it again after changing the table.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Canonical transactions (``customer_id``, ``order_date``, ``amount``).

    Returns
    -------
    object
        The prepared table (its ``frame`` attribute is ``transactions``; ``n_customers`` the
        number of distinct customers).

    Raises
    ------
    TypeError, ValueError
        As the lifecycle functions do for malformed transactions (a missing column or value,
        dates that cannot be read, a non-numeric amount).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"],
    ...     "order_date": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-02-01"]),
    ...     "amount": [10.0, 5.0, 8.0]})
    >>> prepared = prepare_transactions(tx)
    >>> prepared.n_customers, prepared.frame is tx
    (2, True)
    """
    return _prepare(transactions)


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
    memo = tx.memo.get(("purchase_days", end))
    if memo is not None:
        return memo
    m = tx.buy & (tx.day <= end)
    key = _unique_sorted(tx.c[m] * tx.span + (tx.day[m] - tx.lo))
    out = key // tx.span, key % tx.span + tx.lo
    for a in out:  # shared by the callers: read only
        a.setflags(write=False)
    tx.memo[("purchase_days", end)] = out
    return out


def _unique_sorted(values):
    """Sorted distinct values of an int array (a sort and a comparison: numpy's ``unique`` hashes
    first, about 20 times slower on a million values).

    Examples
    --------
    >>> _unique_sorted(np.array([3, 1, 3, 2])).tolist()
    [1, 2, 3]
    """
    values = np.sort(values)
    if len(values) < 2:
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


class _History(NamedTuple):
    cust: np.ndarray  # codes of customers with a purchase, sorted
    first: np.ndarray  # first purchase day
    last: np.ndarray  # last purchase day
    n_days: np.ndarray  # number of purchase days
    last_return: np.ndarray  # last day bought after a gap > lapse_window (or _NO_DAY)


def _history(tx, end, lapse_window=None):
    """Per-customer purchase history up to day ``end`` from distinct purchase days."""
    memo = tx.memo.get(("history", end, lapse_window))
    if memo is not None:
        return memo
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
    out = _History(cc[starts], dd[starts], dd[ends], ends - starts + 1, last_return)
    tx.memo[("history", end, lapse_window)] = out
    return out


def _warn(msg):
    warnings.warn(msg, UserWarning, stacklevel=3)


def _positions(values, universe):
    """Position of each of ``values`` in ``universe`` (unique), -1 where absent.

    Text ids are looked up by Arrow's hash join (``pyarrow.compute.index_in``); pandas'
    ``get_indexer`` first converts Arrow-backed text to Python objects, several times slower.

    Examples
    --------
    >>> _positions(pd.Index(["b", "x", "a"]), pd.Index(["a", "b"])).tolist()
    [1, -1, 0]
    """
    kinds = {pd.api.types.infer_dtype(values, skipna=True),
             pd.api.types.infer_dtype(universe, skipna=True)}
    if kinds <= {"string", "empty"}:
        import pyarrow as pa
        import pyarrow.compute as pc

        def arrow(index):  # Arrow-backed text passes without a copy
            return pc.cast(pa.array(index.array if hasattr(index.array, "__arrow_array__")
                                    else index.to_numpy(dtype=object)), pa.large_string())

        pos = pc.index_in(arrow(values), value_set=arrow(universe)).fill_null(-1)
        return pos.to_numpy().astype(np.int64)
    return universe.get_indexer(values)
