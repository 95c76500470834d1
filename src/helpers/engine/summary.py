"""The per-customer summary (frequency, recency, T, monetary value, orders, revenue, profit) as one
DuckDB SQL query, from a DataFrame or straight from a Parquet or CSV file."""

from __future__ import annotations

import os
import tempfile
import warnings
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from helpers.engine import memo

_REQUIRED = ("customer_id", "order_date", "amount")
_NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
            "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "DECIMAL")
_PARQUET = (".parquet", ".pq")
_CSV = (".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz", ".txt.gz")

# Portable SQL (DuckDB and Spark SQL read the same text): days are integers since 1970-01-01
# (Spark's built-in ``unix_date``; on DuckDB a macro of that name, see ``connect``); money is
# summed as exact decimals (9 places), so a parallel sum gives the same result on every run (a sum
# of doubles depends on the order of the threads); a purchase is a row with amount >= 0. Three
# aggregations of the rows up to the end: ``purchases``: the purchase periods (a period with a
# purchase row; its value = all its rows, refunds included), then per customer their number, first
# and last period and the value of all but the first; ``customers``: per customer with any row,
# revenue and profit from the rows themselves (no period level); ``orders`` (with an order_id
# column, or weeks): the distinct orders of the purchase rows, from a read of their own (in DuckDB
# cheaper than handing every row to a third consumer). Customers without a purchase period
# (refunds only) come back with a NULL frequency and are dropped (with a warning) by the caller.
_ROWS_SQL = """SELECT customer_id, {period} AS p, x >= 0 AS b,
           CAST(x AS DECIMAL(38, 9)) AS a{extra_names}
    FROM (SELECT customer_id, unix_date(CAST(order_date AS DATE)) AS dn,
                 CAST(amount AS DOUBLE) AS x{extra_cols}
          FROM tx_input) r
    WHERE dn <= {end}"""
_SUMMARY_SQL = """
WITH kept AS (
    {rows}
),
purchases AS (
    SELECT customer_id, count(*) AS n_p, min(p) AS first_p, max(p) AS last_p,
           sum(v) - min_by(v, p) AS repeat_value
    FROM (SELECT customer_id, p, sum(a) AS v
          FROM kept GROUP BY customer_id, p
          HAVING bool_or(b)) d
    GROUP BY customer_id
),
customers AS (
    SELECT customer_id, sum(a) AS revenue, {profit_sql} AS profit{customer_days}
    FROM kept GROUP BY customer_id
){orders_cte}
SELECT c.customer_id,
       d.n_p - 1 AS frequency,
       d.last_p - d.first_p AS recency,
       {end_period} - d.first_p AS age,
       CAST(CASE WHEN d.n_p > 1 THEN d.repeat_value / (d.n_p - 1) ELSE 0.0 END AS DOUBLE)
           AS monetary_value,
       {first_day} AS first_day,
       {last_day} AS last_day,
       {n_orders_sql} AS n_orders,
       CAST(c.revenue AS DOUBLE) AS revenue,
       CAST(c.profit AS DOUBLE) AS profit
FROM customers c LEFT JOIN purchases d ON c.customer_id = d.customer_id{orders_join}
"""

# Orders: distinct order ids among purchase rows, a row without one counting as one order per day
# (a DISTINCT then a count: much faster than count(DISTINCT ...) per group).
_ORDERS_CTE = """,
orders AS (
    SELECT customer_id, count(*) AS n_orders
    FROM (SELECT DISTINCT customer_id, {order_key}
          FROM (SELECT customer_id, unix_date(CAST(order_date AS DATE)) AS dn,
                       CAST(amount AS DOUBLE) AS x{order_col}
                FROM tx_input) r
          WHERE dn <= {end} AND x >= 0) o
    GROUP BY customer_id
)"""
# DuckDB's hash aggregation keeps one growing table per thread and never partitions it when it
# runs on one or two threads; from three threads on it partitions the groups, which on millions of
# customer-days and orders costs less CPU and wall time even on two cores (see ``_customer_summary``).
_MIN_THREADS = 3

#: Engines of :func:`use` (the run configuration's ``engine:``).
ENGINES = ("duckdb", "pyspark", "ibis")
MEMORY_ENV_VAR = "HELPERS_DUCKDB_MEMORY_LIMIT"
"""Environment variable: DuckDB's memory limit for the engine's in-memory connections (e.g.
``2GB``; default DuckDB's own, 80% of the machine's memory). Past it, DuckDB spills to a folder
under the temporary directory, so a file larger than memory is summarised within the limit
(plus the pandas result)."""
_STATE = {"engine": "duckdb"}


def use(name):
    """Choose the engine of :func:`customer_summary` for this process (the config's ``engine:``).

    ``"duckdb"`` (default) runs the queries in-process; ``"pyspark"`` runs the same query text on
    Spark (:mod:`helpers.engine.spark`, the optional extra ``spark``); ``"ibis"`` on the database
    of :func:`helpers.engine.warehouse.use_connection` (the optional extra ``warehouse``); the
    input is validated by DuckDB either way.

    Parameters
    ----------
    name : {"duckdb", "pyspark", "ibis"}

    Returns
    -------
    str
        The engine chosen before.

    Raises
    ------
    ValueError
        If the name is unknown.

    Examples
    --------
    >>> use("duckdb")
    'duckdb'
    """
    if name not in ENGINES:
        raise ValueError(f"engine={name!r} is unknown; use one of {list(ENGINES)}")
    before, _STATE["engine"] = _STATE["engine"], name
    return before


def read_table(source):
    """A whole DuckDB table, Parquet or CSV file as a DataFrame of text cells (the loaders' input).

    Parameters
    ----------
    source : tuple or str or pathlib.Path
        ``(database_file, table_name)`` or a file path, as :func:`connect`, or a
        :class:`helpers.engine.warehouse.WarehouseTable` (read through Ibis).

    Returns
    -------
    pandas.DataFrame
        Every column as ``str`` (missing values as ""), as the CSV reader returns them.

    Examples
    --------
    >>> import tempfile, os
    >>> db = os.path.join(tempfile.mkdtemp(), "shop.duckdb")
    >>> con = duckdb.connect(db); _ = con.execute("CREATE TABLE t AS SELECT 1 AS x, 'a' AS y")
    >>> con.close()
    >>> read_table((db, "t")).to_dict("records")
    [{'x': '1', 'y': 'a'}]
    """
    if type(source).__name__ == "WarehouseTable":  # a table of any Ibis backend
        from helpers.engine.warehouse import read_warehouse_table

        return read_warehouse_table(source)
    con = connect(source)
    try:
        names = [r[0] for r in con.execute("DESCRIBE tx_input").fetchall()]
        cols = ", ".join('coalesce(CAST("{0}" AS VARCHAR), \'\') AS "{0}"'.format(
            n.replace('"', '""')) for n in names)
        return con.execute(f"SELECT {cols} FROM tx_input").df().astype(str)
    finally:
        con.close()


#: Days per period of ``freq`` in :func:`customer_summary` (weeks start on Monday).
FREQS = {"D": 1, "W": 7}
_EPOCH_WEEKDAY_SHIFT = 3  # 1970-01-01 is a Thursday; day + 3 puts Mondays on multiples of 7


def summary_sql(end_day, freq="D", has_profit=False, has_order=False):
    """The per-customer summary as one portable SQL query over the table ``tx_input``.

    The text runs unchanged on DuckDB (with the ``unix_date`` macro that :func:`connect` defines)
    and on Spark SQL. Columns: ``customer_id``, ``frequency``, ``recency`` and ``age`` (T) in
    periods, ``monetary_value``, ``first_day`` and ``last_day`` (first and last purchase, days since
    1970-01-01), ``n_orders``, ``revenue``, ``profit``.

    Parameters
    ----------
    end_day : int
        Last day used, in days since 1970-01-01.
    freq : {"D", "W"}
        Period: calendar days or weeks starting on Monday.
    has_profit, has_order : bool
        Whether ``tx_input`` has a ``profit`` / ``order_id`` column.

    Returns
    -------
    str
        The query.

    Examples
    --------
    >>> sql = summary_sql(19723, "W")
    >>> "FLOOR((dn + 3) / 7.0)" in sql and "dn <= 19723" in sql
    True
    """
    if freq not in FREQS:
        raise ValueError(f"freq={freq!r} is not supported; use one of {sorted(FREQS)}")
    end_day = int(end_day)
    if freq == "D":  # first and last purchase day: the first and last purchase period
        period, end_period = "dn", str(end_day)  # the day itself
        customer_days, first_day, last_day = "", "d.first_p", "d.last_p"
    else:
        period = f"dn, CAST(FLOOR((dn + {_EPOCH_WEEKDAY_SHIFT}) / 7.0) AS BIGINT)"
        end_period = str((end_day + _EPOCH_WEEKDAY_SHIFT) // 7)
        customer_days = (",\n           min(CASE WHEN b THEN dn END) AS first_day,"
                         "\n           max(CASE WHEN b THEN dn END) AS last_day")
        first_day, last_day = "c.first_day", "c.last_day"
    extra_cols = ", CAST(CAST(profit AS DOUBLE) AS DECIMAL(38, 9)) AS pr" if has_profit else ""
    rows = _ROWS_SQL.format(period=period, end=end_day, extra_cols=extra_cols,
                            extra_names=", pr" if has_profit else "")
    # bincount semantics: one missing profit makes the customer's profit NaN
    profit_sql = ("CASE WHEN bool_and(pr IS NOT NULL) THEN sum(pr) ELSE CAST('NaN' AS DOUBLE) END"
                  if has_profit else "CAST('NaN' AS DOUBLE)")
    if not has_order and freq == "D":  # purchase days
        orders_cte = orders_join = ""
        n_orders_sql = "d.n_p"
    else:
        key = "o, CASE WHEN o IS NULL THEN dn END AS od" if has_order else "dn"
        orders_cte = _ORDERS_CTE.format(order_key=key, end=end_day,
                                        order_col=", order_id AS o" if has_order else "")
        orders_join = " LEFT JOIN orders n ON c.customer_id = n.customer_id"
        n_orders_sql = "n.n_orders"
    return _SUMMARY_SQL.format(rows=rows, end_period=end_period, profit_sql=profit_sql,
                               customer_days=customer_days, first_day=first_day,
                               last_day=last_day, orders_cte=orders_cte,
                               orders_join=orders_join, n_orders_sql=n_orders_sql)


def _end_day(value):
    """A date-like scalar -> days since 1970-01-01 (time of day dropped)."""
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"observation_end={value!r} is not a date; pass e.g. '2024-06-30'") from exc
    if ts is pd.NaT:
        raise ValueError("observation_end is missing (NaT); pass a date such as '2024-06-30'")
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return int(np.datetime64(ts.normalize().to_datetime64(), "D").astype(np.int64))


def _reader(path):
    """DuckDB table function reading a Parquet or CSV file."""
    path = Path(path)
    name = path.name.lower()
    if not path.is_file():
        raise ValueError(f"source file {str(path)!r} does not exist")
    literal = "'" + str(path).replace("'", "''") + "'"
    if name.endswith(_PARQUET):
        return f"read_parquet({literal})"
    if name.endswith(_CSV):
        return f"read_csv({literal})"
    raise ValueError(
        f"source file {path.name!r}: unknown type; use a .parquet or .csv file of the canonical "
        "columns customer_id, order_date, amount"
    )


def _memory_config():
    """DuckDB settings from :data:`MEMORY_ENV_VAR` ({} when it is not set)."""
    limit = os.environ.get(MEMORY_ENV_VAR, "").strip()
    if not limit:
        return {}
    return {"memory_limit": limit,
            "temp_directory": str(Path(tempfile.gettempdir()) / "helpers-duckdb-spill")}


def connect(source):
    """An in-memory DuckDB connection with the transactions visible as the view ``tx_input``.

    Also defines the macro ``unix_date(d)`` (days since 1970-01-01, Spark SQL's built-in) so that
    the engine's portable queries run unchanged. When the environment variable
    :data:`MEMORY_ENV_VAR` is set (e.g. ``HELPERS_DUCKDB_MEMORY_LIMIT=2GB``), DuckDB keeps its
    memory under that limit and spills larger work to disk.

    Parameters
    ----------
    source : pandas.DataFrame or str or pathlib.Path or tuple
        Transactions as a DataFrame (registered, not copied), the path of a ``.parquet`` or
        ``.csv`` file, or ``(database_file, table_name)`` for a table of a DuckDB database file
        (opened read-only).

    Returns
    -------
    duckdb.DuckDBPyConnection
        Close it when done.

    Examples
    --------
    >>> con = connect(pd.DataFrame({"customer_id": [1], "order_date": ["1970-01-11"],
    ...                             "amount": [2.0]}))
    >>> con.execute("SELECT unix_date(CAST(order_date AS DATE)) FROM tx_input").fetchone()
    (10,)
    >>> con.close()
    """
    if isinstance(source, tuple):
        if len(source) != 2:
            raise ValueError("a database table is given as (database_file, table_name)")
        database, table = source
        if not Path(database).is_file():
            raise ValueError(f"database file {str(database)!r} does not exist")
        con = duckdb.connect(str(database), read_only=True)
        names = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables").fetchall()}
        if table not in names:
            con.close()
            raise ValueError(f"database {str(database)!r} has no table {table!r}; tables: "
                             f"{sorted(names)}")
        quoted = '"' + str(table).replace('"', '""') + '"'
        con.execute(f"CREATE TEMP VIEW tx_input AS SELECT * FROM {quoted}")
    elif isinstance(source, pd.DataFrame):
        frame = source
        dates = frame.get("order_date")
        if dates is not None and getattr(getattr(dates, "dt", None), "tz", None) is not None:
            frame = frame.assign(order_date=dates.dt.tz_localize(None))  # local wall time
        con = duckdb.connect(":memory:", config=_memory_config())
        con.register("tx_input", frame)
    elif isinstance(source, (str, Path)):
        reader = _reader(source)
        con = duckdb.connect(":memory:", config=_memory_config())
        con.execute(f"CREATE VIEW tx_input AS SELECT * FROM {reader}")
    else:
        raise TypeError(
            "source must be a pandas DataFrame, the path of a Parquet or CSV file or a "
            f"(database_file, table_name) pair, got {type(source).__name__}"
        )
    con.execute("CREATE TEMP MACRO unix_date(d) AS CAST(d - DATE '1970-01-01' AS BIGINT)")
    return con


def _check(con):
    """Validate the columns; return (column names, last day)."""
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
                  max(unix_date(TRY_CAST(order_date AS DATE)))
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


def customer_summary(source, observation_end=None, freq="D"):
    """Summarise transactions per customer with one SQL query, as ``lifecycle.rfm_summary`` does.

    The engine behind :func:`helpers.lifecycle.rfm_summary` (same definitions and output): rows
    are grouped into periods (``freq``: days, or weeks starting on Monday); purchases in one period
    are one purchase period (their amounts, refunds included, summed); a period with only refunds
    is no purchase; ``frequency`` = purchase periods - 1, ``recency`` = last - first purchase
    period, ``T`` = period of ``observation_end`` - first purchase period, ``monetary_value`` =
    mean value of the repeat purchase periods (0 without one); ``n_orders`` = distinct
    ``order_id`` among purchase rows (a row without ``order_id`` counts as one order per day;
    without the column: purchase days); ``revenue`` and ``profit`` = sums of all rows up to
    ``observation_end`` (profit NaN without a ``profit`` column or with a missing value).
    Customers with refunds only are left out with a UserWarning.

    The data never has to be a DataFrame: a Parquet or CSV file or a DuckDB table is read by
    DuckDB itself, so only the per-customer result is held in pandas. The query text
    (:func:`summary_sql`) is portable: ``helpers.engine.spark`` runs it on Spark.

    Parameters
    ----------
    source : pandas.DataFrame or str or pathlib.Path or tuple
        Canonical transactions (``customer_id``, ``order_date``, ``amount``; optional ``order_id``,
        ``profit``), the path of a ``.parquet`` or ``.csv`` file with those columns, or a
        ``(duckdb_database_file, table_name)`` pair.
    observation_end : date-like, optional
        Last day of the observation period (included). Default: the last ``order_date``.
    freq : {"D", "W"}
        Period length and unit of recency and T.

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
        values, a date cannot be read, ``freq`` is unknown, or there is no purchase up to
        ``observation_end``.

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
    if freq not in FREQS:
        raise ValueError(f"freq={freq!r} is not supported; use one of {sorted(FREQS)}")
    if not memo.active():
        return _customer_summary(source, observation_end, freq)
    # inside a helpers.engine.reuse block: the same query on the same input is answered once
    args = (None if observation_end is None else pd.Timestamp(observation_end), freq, _STATE["engine"])
    kept = memo.recall("summary", source, *args)
    if kept is None:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = _customer_summary(source, observation_end, freq)
        kept = (out, [(w.category, str(w.message)) for w in caught])
        memo.keep("summary", source, *args, value=kept)
    out, caught = kept
    for category, message in caught:  # said again each time, as a fresh query would
        warnings.warn(message, category, stacklevel=2)
    return out.copy()


def run_query(source, name, local, *args):
    """Validate ``source`` with DuckDB, then compute one of the engine's results on the chosen engine.

    The one dispatch of every engine query: with ``engine: pyspark`` (:func:`use`) the result is
    ``helpers.engine.spark.spark_<name>(source, *args)``, with ``engine: ibis``
    ``helpers.engine.warehouse.warehouse_<name>(source, *args)``, and otherwise
    ``local(con, columns, last)`` on the DuckDB connection that checked the input (``columns``: its
    column names; ``last``: its last day).

    Parameters
    ----------
    source
        As :func:`connect`.
    name : str
        The result, e.g. ``"order_facts"``.
    local : callable
        ``local(con, columns, last)`` -> the result, computed by DuckDB.
    *args
        The further arguments of the Spark and Ibis functions.

    Returns
    -------
    object
        The result.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a"], "order_date": pd.to_datetime(["2024-01-02"]),
    ...                    "amount": [1.0]})
    >>> run_query(tx, "rows", lambda con, columns, last: con.execute(
    ...     "SELECT count(*) FROM tx_input").fetchone()[0])
    1
    """
    import importlib

    con = connect(source)
    try:
        columns, last = _check(con)
        remote = {"pyspark": "spark", "ibis": "warehouse"}.get(_STATE["engine"])
        if remote is not None:  # validated by DuckDB, computed by the chosen engine
            con.close()
            module = importlib.import_module(f"helpers.engine.{remote}")
            return getattr(module, f"{remote}_{name}")(source, *args)
        return local(con, columns, last)
    finally:
        con.close()


def _customer_summary(source, observation_end, freq):
    def local(con, columns, last):
        end = last if observation_end is None else _end_day(observation_end)
        sql = summary_sql(end, freq, "profit" in columns, "order_id" in columns)
        threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
        if threads < _MIN_THREADS:  # partitioned aggregation (see _MIN_THREADS)
            con.execute(f"SET threads = {_MIN_THREADS}")
        return finish(con.execute(sql).df(), observation_end, _id_dtype(source))

    return run_query(source, "customer_summary", local, observation_end, freq)


def _id_dtype(source):
    """The dtype of a DataFrame source's ids (a categorical's categories), else None."""
    if not isinstance(source, pd.DataFrame):
        return None
    dtype = source["customer_id"].dtype
    return dtype.categories.dtype if isinstance(dtype, pd.CategoricalDtype) else dtype


def _days_to_datetime(days):
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[ns]")


def finish(out, observation_end=None, id_dtype=None):
    """The pandas side of :func:`summary_sql`'s result, from any engine: ``rfm_summary``'s frame.

    Drops refund-only customers (with a UserWarning), sets dtypes, the sorted ``customer_id``
    index, ``T`` from ``age`` and the purchase dates from day numbers.

    Parameters
    ----------
    out : pandas.DataFrame
        The query result.
    observation_end : date-like, optional
        For the error message only.
    id_dtype : dtype, optional
        dtype of the index (default: that of ``out["customer_id"]``).

    Returns
    -------
    pandas.DataFrame
        As :func:`customer_summary`.

    Raises
    ------
    ValueError
        If no customer has a purchase.

    Examples
    --------
    >>> raw = pd.DataFrame({"customer_id": ["b", "a"], "frequency": [0, 1], "recency": [0, 3],
    ...     "age": [5, 9], "monetary_value": [0.0, 4.0], "first_day": [10, 6], "last_day": [10, 9],
    ...     "n_orders": [1, 2], "revenue": [3.0, 7.0], "profit": [float("nan")] * 2})
    >>> finish(raw).index.tolist(), finish(raw)["T"].tolist()
    (['a', 'b'], [9.0, 5.0])
    """
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
            "T": out["age"].to_numpy(dtype=np.float64),
            "monetary_value": out["monetary_value"].to_numpy(dtype=np.float64),
            "first_purchase": _days_to_datetime(out["first_day"].to_numpy(dtype=np.int64)),
            "last_purchase": _days_to_datetime(out["last_day"].to_numpy(dtype=np.int64)),
            "n_orders": out["n_orders"].to_numpy(dtype=np.int64),
            "revenue": out["revenue"].to_numpy(dtype=np.float64),
            "profit": out["profit"].to_numpy(dtype=np.float64, na_value=np.nan),
        },
        index=index,
    )
    return res.sort_index()
