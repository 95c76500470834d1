"""The per-customer summary (frequency, recency, T, monetary value, orders, revenue, profit) as one
DuckDB SQL query, from a DataFrame or straight from a Parquet or CSV file."""

from __future__ import annotations

import warnings
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

_REQUIRED = ("customer_id", "order_date", "amount")
_NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
            "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "DECIMAL")
_PARQUET = (".parquet", ".pq")
_CSV = (".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz", ".txt.gz")

# One row per customer with any row up to the end; customers without a purchase day (refunds only)
# come back with a NULL frequency and are dropped (with a warning) by the caller.
_SUMMARY_SQL = """
WITH rows AS (
    SELECT customer_id, CAST(order_date AS DATE) AS d, CAST(amount AS DOUBLE) AS a{extra_cols}
    FROM tx_input
    WHERE CAST(order_date AS DATE) <= $end
),
per_customer AS (
    SELECT customer_id,
           sum(a) AS revenue,
           {profit_sql} AS profit,
           {orders_sql} AS n_orders_by_id
    FROM rows GROUP BY customer_id
),
purchase_days AS (
    SELECT customer_id, d, sum(a) AS v
    FROM rows GROUP BY customer_id, d
    HAVING bool_or(a >= 0)
),
history AS (
    SELECT customer_id,
           count(*) - 1 AS frequency,
           min(d) AS first_day,
           max(d) AS last_day,
           sum(v) - arg_min(v, d) AS repeat_value
    FROM purchase_days GROUP BY customer_id
)
SELECT c.customer_id,
       h.frequency,
       CAST(h.last_day - h.first_day AS DOUBLE) AS recency,
       CAST($end - h.first_day AS DOUBLE) AS "T",
       CASE WHEN h.frequency > 0 THEN h.repeat_value / h.frequency ELSE 0.0 END AS monetary_value,
       CAST(h.first_day AS TIMESTAMP) AS first_purchase,
       CAST(h.last_day AS TIMESTAMP) AS last_purchase,
       {n_orders_sql} AS n_orders,
       c.revenue,
       c.profit
FROM per_customer c LEFT JOIN history h USING (customer_id)
ORDER BY c.customer_id
"""


def _end_date(value):
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"observation_end={value!r} is not a date; pass e.g. '2024-06-30'") from exc
    if ts is pd.NaT:
        raise ValueError("observation_end is missing (NaT); pass a date such as '2024-06-30'")
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return ts.normalize().date()


def _connect(source):
    """An in-memory connection with the source visible as the view ``tx_input``."""
    con = duckdb.connect(":memory:")
    if isinstance(source, pd.DataFrame):
        frame = source
        dates = frame.get("order_date")
        if dates is not None and getattr(getattr(dates, "dt", None), "tz", None) is not None:
            frame = frame.assign(order_date=dates.dt.tz_localize(None))  # local wall time
        con.register("tx_input", frame)
        return con
    if not isinstance(source, (str, Path)):
        con.close()
        raise TypeError(
            "source must be a pandas DataFrame or the path of a Parquet or CSV file, got "
            f"{type(source).__name__}"
        )
    path = Path(source)
    name = path.name.lower()
    if not path.is_file():
        con.close()
        raise ValueError(f"source file {str(path)!r} does not exist")
    literal = "'" + str(path).replace("'", "''") + "'"
    if name.endswith(_PARQUET):
        reader = f"read_parquet({literal})"
    elif name.endswith(_CSV):
        reader = f"read_csv({literal})"
    else:
        con.close()
        raise ValueError(
            f"source file {path.name!r}: unknown type; use a .parquet or .csv file of the canonical "
            "columns customer_id, order_date, amount"
        )
    con.execute(f"CREATE VIEW tx_input AS SELECT * FROM {reader}")
    return con


def _check(con):
    """Validate the columns; return (column names, default end date)."""
    types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE tx_input)").fetchall())
    missing = [c for c in _REQUIRED if c not in types]
    if missing:
        raise ValueError(
            f"transactions lack column(s) {missing}; columns present: {list(types)}. Map your names "
            "onto customer_id, order_date, amount"
        )
    amount_type = types["amount"].split("(")[0]
    if amount_type not in _NUMERIC:
        raise TypeError(
            f"transactions.amount must be numeric, got {types['amount']}; convert it first"
        )
    n, no_id, no_date, bad_date, no_amount, last = con.execute(
        """SELECT count(*),
                  count(*) FILTER (WHERE customer_id IS NULL),
                  count(*) FILTER (WHERE order_date IS NULL),
                  count(*) FILTER (WHERE order_date IS NOT NULL
                                   AND TRY_CAST(order_date AS DATE) IS NULL),
                  count(*) FILTER (WHERE amount IS NULL OR isnan(CAST(amount AS DOUBLE))),
                  max(TRY_CAST(order_date AS DATE))
           FROM tx_input"""
    ).fetchone()
    if n == 0:
        raise ValueError("transactions are empty; nothing to summarise")
    for count, what in ((no_id, "customer_id"), (no_date, "order_date"), (no_amount, "amount")):
        if count:
            raise ValueError(
                f"transactions have {count} row(s) without {what}; drop or fix them before the "
                "analysis"
            )
    if bad_date:
        raise ValueError(
            f"transactions.order_date: {bad_date} value(s) could not be read as dates; store dates "
            "as a date or timestamp column (or ISO text such as '2024-06-30')"
        )
    return list(types), last


def customer_summary(source, observation_end=None):
    """Summarise transactions per customer with one DuckDB query, as ``lifecycle.rfm_summary`` does.

    Same definitions and output as :func:`helpers.lifecycle.rfm_summary` with ``freq="D"``:
    purchases on one day are one purchase day (their amounts, refunds included, summed); a day with
    only refunds is no purchase; ``frequency`` = purchase days - 1, ``recency`` = last - first
    purchase day, ``T`` = ``observation_end`` - first purchase day (days), ``monetary_value`` = mean
    value of the repeat purchase days (0 without one); ``n_orders`` = distinct ``order_id`` among
    purchase rows (a row without ``order_id`` counts as one order per day; without the column:
    purchase days); ``revenue`` and ``profit`` = sums of all rows up to ``observation_end`` (profit
    NaN without a ``profit`` column or with a missing value). Customers with refunds only are left
    out with a UserWarning.

    The data never has to be a DataFrame: a Parquet or CSV file is read by DuckDB itself, so only the
    per-customer result is held in pandas.

    Parameters
    ----------
    source : pandas.DataFrame or str or pathlib.Path
        Canonical transactions (``customer_id``, ``order_date``, ``amount``; optional ``order_id``,
        ``profit``), or the path of a ``.parquet`` or ``.csv`` file with those columns.
    observation_end : date-like, optional
        Last day of the observation period (included). Default: the last ``order_date``.

    Returns
    -------
    pandas.DataFrame
        One row per customer with a purchase, indexed by ``customer_id`` (sorted): ``frequency``,
        ``recency``, ``T``, ``monetary_value``, ``first_purchase``, ``last_purchase``,
        ``n_orders``, ``revenue``, ``profit``.

    Raises
    ------
    TypeError
        If ``source`` is neither a DataFrame nor a path, or ``amount`` is not numeric.
    ValueError
        If the file is missing or of unknown type, a required column is missing or has missing
        values, a date cannot be read, or there is no purchase up to ``observation_end``.

    Examples
    --------
    >>> tx = pd.DataFrame({
    ...     "customer_id": ["a", "a", "a", "b"],
    ...     "order_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-11", "2024-01-05"]),
    ...     "amount": [10.0, 5.0, 20.0, 8.0]})
    >>> s = customer_summary(tx, observation_end="2024-01-31")
    >>> s[["frequency", "recency", "T", "monetary_value", "n_orders", "revenue"]]
    ... # doctest: +NORMALIZE_WHITESPACE
                 frequency  recency     T  monetary_value  n_orders  revenue
    customer_id
    a                    1     10.0  30.0            20.0         2     35.0
    b                    0      0.0  26.0             0.0         1      8.0
    """
    con = _connect(source)
    try:
        columns, last = _check(con)
        end = last if observation_end is None else _end_date(observation_end)
        has_profit, has_order = "profit" in columns, "order_id" in columns
        extra = (", CAST(profit AS DOUBLE) AS p" if has_profit else "") + (
            ", order_id AS o" if has_order else "")
        # bincount semantics: one missing profit makes the customer's profit NaN
        profit_sql = ("CASE WHEN count(p) = count(*) THEN sum(p) ELSE CAST('NaN' AS DOUBLE) END"
                      if has_profit else "CAST('NaN' AS DOUBLE)")
        orders_sql = ("count(DISTINCT o) FILTER (WHERE a >= 0) "
                      "+ count(DISTINCT d) FILTER (WHERE a >= 0 AND o IS NULL)"
                      if has_order else "NULL")
        n_orders_sql = "c.n_orders_by_id" if has_order else "h.frequency + 1"
        sql = _SUMMARY_SQL.format(extra_cols=extra, profit_sql=profit_sql, orders_sql=orders_sql,
                                  n_orders_sql=n_orders_sql)
        out = con.execute(sql, {"end": end}).df()
    finally:
        con.close()
    id_dtype = None
    if isinstance(source, pd.DataFrame):
        id_dtype = source["customer_id"].dtype
        if isinstance(id_dtype, pd.CategoricalDtype):
            id_dtype = id_dtype.categories.dtype
    return _finish(out, observation_end, id_dtype)


def _finish(out, observation_end, id_dtype=None):
    """pandas side: drop refund-only customers (warning), rfm_summary's dtypes and index."""
    buyers = out["frequency"].notna().to_numpy()
    if not buyers.any():
        raise ValueError(
            f"no purchase (amount >= 0) on or before observation_end={observation_end}; "
            "choose a later observation_end"
        )
    refund_only = int((~buyers).sum())
    if refund_only:
        warnings.warn(
            f"{refund_only} customer(s) have only refund rows up to observation_end and no "
            "purchase; they are not in the RFM summary (their refunds are not counted anywhere in it)",
            UserWarning, stacklevel=3,
        )
        out = out.loc[buyers]
    ids = out["customer_id"]
    if isinstance(ids.dtype, pd.CategoricalDtype):
        ids = ids.astype(ids.cat.categories.dtype)
    index = pd.Index(ids.to_numpy(), dtype=ids.dtype if id_dtype is None else id_dtype,
                     name="customer_id")
    res = pd.DataFrame(
        {
            "frequency": out["frequency"].to_numpy(dtype=np.int64),
            "recency": out["recency"].to_numpy(dtype=np.float64),
            "T": out["T"].to_numpy(dtype=np.float64),
            "monetary_value": out["monetary_value"].to_numpy(dtype=np.float64),
            "first_purchase": out["first_purchase"].to_numpy().astype("datetime64[ns]"),
            "last_purchase": out["last_purchase"].to_numpy().astype("datetime64[ns]"),
            "n_orders": out["n_orders"].to_numpy(dtype=np.int64),
            "revenue": out["revenue"].to_numpy(dtype=np.float64),
            "profit": out["profit"].to_numpy(dtype=np.float64, na_value=np.nan),
        },
        index=index,
    )
    if not res.index.is_monotonic_increasing:  # e.g. categories not in sorted order
        res = res.sort_index()
    return res
