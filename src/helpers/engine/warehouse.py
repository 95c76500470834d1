"""The engine's queries on any Ibis backend (Postgres, BigQuery, Snowflake, SQLite, DuckDB, ...):
the optional extra ``warehouse``.

The SQL text is the one DuckDB runs (:func:`helpers.engine.summary_sql`,
:func:`helpers.engine.cohort_sql`, ...), written once in DuckDB's dialect and transpiled by sqlglot
(which Ibis bundles) to the backend's dialect (:func:`transpile`). Two rewrites make it portable
beyond what sqlglot does alone: ``min_by`` becomes a ``first_value`` window where the backend has no
such aggregate, and DuckDB's ``CAST('NaN' AS DOUBLE)`` becomes NULL (the pandas side reads both as
NaN; SQLite would turn 'NaN' into 0.0). A query sqlglot cannot write for a backend, or that the
backend refuses, stops with :class:`WarehouseQueryError` naming the query, the backend and the
reason, never with a silently different number.

The transactions are checked by DuckDB first (as for Spark), then the columns the queries read
are uploaded once per query as a temporary table of the backend. Ibis is imported when a function
here is called, so the package works without it.
"""

from __future__ import annotations

import os
import re
import uuid
from typing import NamedTuple

import numpy as np
import pandas as pd

from helpers.engine.cohorts import cohort_sql, period_of_day
from helpers.engine.summary import (
    FREQS,
    _check,
    _end_day,
    _id_dtype,
    connect,
    finish,
    summary_sql,
)

__all__ = ["WarehouseQueryError", "WarehouseTable", "backend", "expand_env", "read_warehouse_table",
           "transpile", "use_connection", "warehouse_cohort_counts", "warehouse_customer_summary",
           "warehouse_monthly_activity", "warehouse_order_facts", "warehouse_stage_snapshots"]

#: sqlglot dialects with a native ``min_by`` / ``arg_min`` aggregate; elsewhere it is rewritten.
NATIVE_MIN_BY = frozenset({"duckdb", "spark", "databricks", "snowflake", "bigquery", "trino",
                           "presto", "athena", "clickhouse"})
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_STATE: dict = {"connection": None}
_BACKENDS: dict = {}  # connection URL as written (before ${VAR} expansion) -> connected backend
#: The canonical columns the engine's queries read (only those present are uploaded).
_USED = ("customer_id", "order_date", "amount", "order_id", "profit", "discount")


class WarehouseQueryError(RuntimeError):
    """An engine query that cannot run on the chosen Ibis backend (named with the reason)."""


class WarehouseTable(NamedTuple):
    """A table of a database reached through Ibis: the config's ``{connection: ..., table: ...}``.

    Parameters
    ----------
    connection : str
        An ``ibis.connect`` URL (``postgres://user:${PGPASSWORD}@host/db``); ``${VAR}`` is
        expanded from the environment when connecting, so passwords stay out of files.
    table : str
        Table name, optionally qualified (``schema.table``, ``dataset.table``).
    select : tuple of str, optional
        Only these columns are read (default: all).

    Examples
    --------
    >>> WarehouseTable("sqlite:///shop.db", "orders").table
    'orders'
    """

    connection: str
    table: str
    select: tuple | None = None


def env_names(text):
    """The ``${VAR}`` names a connection URL refers to.

    Examples
    --------
    >>> env_names("postgres://me:${PGPASSWORD}@db/${PGDATABASE}")
    ['PGPASSWORD', 'PGDATABASE']
    """
    return _ENV.findall(str(text))


def expand_env(text):
    """A connection URL with every ``${VAR}`` replaced by the environment variable's value.

    Parameters
    ----------
    text : str

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If a variable is not set (the message names it, never a value).

    Examples
    --------
    >>> os.environ["CRM_DOC_PASSWORD"] = "s3cret"
    >>> expand_env("postgres://me:${CRM_DOC_PASSWORD}@db/shop")
    'postgres://me:s3cret@db/shop'
    """
    missing = [n for n in env_names(text) if n not in os.environ]
    if missing:
        raise ValueError(f"the connection refers to environment variable(s) {missing}, which are "
                         "not set; export them before the run")
    return _ENV.sub(lambda m: os.environ[m.group(1)], str(text))


def _ibis():
    try:
        import ibis
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("ibis is not installed; install the optional extra: pip install "
                          "'.[warehouse]' (or make test-warehouse), plus your backend's driver, "
                          "e.g. pip install 'ibis-framework[postgres]==12.0.0'") from exc
    return ibis


def backend(connection=None):
    """The Ibis backend of a connection URL (connected once per process and URL).

    Parameters
    ----------
    connection : str or ibis backend, optional
        An ``ibis.connect`` URL (``${VAR}`` expanded from the environment) or a connected Ibis
        backend (returned as is). Default: the one set by :func:`use_connection` (the config's
        transactions input when ``engine: ibis``).

    Returns
    -------
    ibis.backends.BaseBackend

    Raises
    ------
    ValueError
        If no connection is given or set.

    Examples
    --------
    >>> backend("duckdb://").name  # doctest: +SKIP
    'duckdb'
    """
    connection = _STATE["connection"] if connection is None else connection
    if connection is None:
        raise ValueError("engine 'ibis' needs a database connection: give the transactions input "
                         "as {connection: <ibis URL>, table: <name>} in the config, or call "
                         "helpers.engine.warehouse.use_connection(url)")
    if not isinstance(connection, str):
        return connection
    if connection not in _BACKENDS:
        _BACKENDS[connection] = _ibis().connect(expand_env(connection))
    return _BACKENDS[connection]


def use_connection(connection):
    """Set the backend the ``ibis`` engine runs the queries on; return the one set before.

    Parameters
    ----------
    connection : str or ibis backend or None
        As :func:`backend`.

    Returns
    -------
    str or ibis backend or None

    Examples
    --------
    >>> before = use_connection("duckdb://")
    >>> use_connection(before)
    'duckdb://'
    """
    before, _STATE["connection"] = _STATE["connection"], connection
    return before


def _split_name(name):
    """``"a.b.t"`` -> ("t", ("a", "b")); ``"s.t"`` -> ("t", "s"); ``"t"`` -> ("t", None)."""
    parts = str(name).split(".")
    if len(parts) == 1:
        return parts[0], None
    db = parts[:-1]
    return parts[-1], (db[0] if len(db) == 1 else tuple(db))


def read_warehouse_table(source):
    """A table reached through Ibis as a DataFrame of text cells (the loaders' input).

    Each column is cast to text by the backend (missing values as ""), as
    :func:`helpers.engine.read_table` does for a DuckDB table.

    Parameters
    ----------
    source : WarehouseTable

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    ValueError
        If the table or a selected column does not exist.

    Examples
    --------
    >>> import sqlite3, tempfile
    >>> db = os.path.join(tempfile.mkdtemp(), "shop.db")
    >>> with sqlite3.connect(db) as c:
    ...     _ = c.execute("CREATE TABLE t AS SELECT 1 AS x, 'a' AS y, NULL AS z")
    >>> read_warehouse_table(WarehouseTable(f"sqlite:///{db}", "t")).to_dict("records")
    ... # doctest: +SKIP
    [{'x': '1', 'y': 'a', 'z': ''}]
    """
    con = backend(source.connection)
    name, database = _split_name(source.table)
    try:
        table = con.table(name, database=database)
    except Exception as exc:  # each backend raises its own error for a missing table
        raise ValueError(f"table {source.table!r} cannot be read through {con.name}: {exc}") from exc
    names = list(source.select) if source.select else list(table.columns)
    missing = [n for n in names if n not in table.columns]
    if missing:
        raise ValueError(f"table {source.table!r} has no column(s) {missing}; columns: "
                         f"{list(table.columns)}")
    expr = table.select(**{n: table[n].cast("string").fill_null("") for n in names})
    return expr.to_pandas().astype(str)


def _min_by_rewrite(select, exp):
    """``min_by(v, k)`` of a grouped SELECT -> ``min`` of a ``first_value(v)`` window ordered by k."""
    found = [n for n in select.find_all(exp.ArgMin) if n.parent_select is select]
    if not found:
        return
    group = select.args.get("group")
    if group is None or select.args.get("joins"):
        raise ValueError("min_by outside a single-table GROUP BY cannot be rewritten")
    keys = [k.copy() for k in group.expressions]
    from_key = "from_" if "from_" in select.arg_types else "from"  # renamed in sqlglot 30
    inner = exp.select(exp.Star()).from_(select.args[from_key].this.copy())
    if select.args.get("where") is not None:
        inner = inner.where(select.args["where"].this.copy())
    for i, node in enumerate(found):
        alias = f"_min_by_{i}"
        window = exp.Window(this=exp.FirstValue(this=node.this.copy()),
                            partition_by=keys,
                            order=exp.Order(expressions=[exp.Ordered(
                                this=node.expression.copy(), nulls_first=False)]))
        inner = inner.select(exp.alias_(window, alias), append=True)
        node.replace(exp.Min(this=exp.column(alias)))
    select.set("where", None)
    select.set(from_key, exp.From(this=exp.alias_(exp.Subquery(this=inner), "_min_by_rows")))


def transpile(sql, dialect, table="tx_input", query="engine"):
    """One of the engine's DuckDB queries in another dialect, for the table ``table``.

    Parameters
    ----------
    sql : str
        The query (DuckDB dialect, over ``tx_input``).
    dialect : str or sqlglot dialect
        Target dialect (an Ibis backend's ``dialect``, or a name such as ``"postgres"``).
    table : str or sqlglot.exp.Table
        What ``tx_input`` becomes.
    query : str
        The query's name, for the error message.

    Returns
    -------
    str

    Raises
    ------
    WarehouseQueryError
        If sqlglot cannot write the query in that dialect (names the query and the reason).

    Examples
    --------
    >>> sql = "SELECT customer_id, min_by(a, d) AS f FROM tx_input GROUP BY customer_id"
    >>> print(transpile(sql, "postgres", "t"))  # doctest: +SKIP
    SELECT customer_id, MIN(_min_by_0) AS f FROM (SELECT *, FIRST_VALUE(a) OVER (PARTITION BY
    customer_id ORDER BY d NULLS LAST) AS _min_by_0 FROM t) AS _min_by_rows GROUP BY customer_id
    """
    import sqlglot
    from sqlglot import exp
    from sqlglot.dialects.dialect import Dialect
    from sqlglot.errors import ErrorLevel, SqlglotError

    target = Dialect.get_or_raise(dialect)
    name = next((k for k, v in Dialect.classes.items() if v is type(target)), str(dialect))
    replacement = exp.to_table(table) if isinstance(table, str) else table
    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
        for node in list(tree.find_all(exp.Table)):
            if node.name == "tx_input" and not node.args.get("db"):
                node.replace(replacement.copy().as_(node.alias) if node.alias else replacement.copy())
        for node in list(tree.find_all(exp.Cast)):  # NaN -> NULL (pandas reads both as NaN)
            if isinstance(node.this, exp.Literal) and node.this.name.lower() == "nan":
                node.replace(exp.cast(exp.null(), node.to.copy()))
        if name not in NATIVE_MIN_BY:
            for select in list(tree.find_all(exp.Select)):
                _min_by_rewrite(select, exp)
        if name == "sqlite":  # sqlglot 30.17 writes no day difference, year or month for it
            for node in list(tree.find_all(exp.UnixDate)):
                julian = exp.Anonymous(this="JULIANDAY", expressions=[node.this.copy()])
                node.replace(exp.cast(exp.Sub(this=julian, expression=exp.Literal.number(
                    "2440587.5")), "BIGINT"))
            for kind, part in ((exp.Year, "%Y"), (exp.Month, "%m")):  # no YEAR() in SQLite
                for node in list(tree.find_all(kind)):
                    node.replace(exp.cast(exp.Anonymous(this="STRFTIME", expressions=[
                        exp.Literal.string(part), node.this.copy()]), "BIGINT"))
        return tree.sql(dialect=target, unsupported_level=ErrorLevel.RAISE)
    except (SqlglotError, ValueError) as exc:
        raise WarehouseQueryError(
            f"the engine's {query} query cannot be written in the {name} dialect: {exc}. "
            "Run it with engine: duckdb (the default) instead") from exc


def _upload(con, source):
    """The used canonical columns of ``source`` as a temporary table of ``con``.

    Returns (sqlglot table, column names, last day, name to drop).
    """
    import sqlglot as sg

    local = connect(source)
    try:
        columns, last = _check(local)
        types = dict(local.execute("SELECT column_name, column_type FROM (DESCRIBE tx_input)")
                     .fetchall())
        kept = [c for c in _USED if c in columns]
        cols = ", ".join("CAST(order_date AS DATE) AS order_date" if c == "order_date" else
                         f"CAST({c} AS VARCHAR) AS {c}" if types[c].startswith("ENUM") else c
                         for c in kept)
        data = local.sql(f"SELECT {cols} FROM tx_input").to_arrow_table()
    finally:
        local.close()
    name = "helpers_tx_" + uuid.uuid4().hex[:12]
    try:
        made = con.create_table(name, data, temp=True)
    except Exception:  # some backends (SQLite with sqlglot 30) only take a schema, then rows
        ibis = _ibis()
        made = con.create_table(name, schema=ibis.Schema.from_pyarrow(data.schema), temp=True)
        con.insert(name, data.to_pandas())
    ns = made.op().namespace
    return (sg.table(name, db=ns.database, catalog=ns.catalog, quoted=True), kept, last,
            (name, ns.database))


def _run(source, make_sql, query, con=None):
    """Upload ``source``, run ``make_sql(columns, last_day)`` on the backend, return pandas."""
    con = backend(con)
    table, columns, last, (name, database) = _upload(con, source)
    try:
        text = transpile(make_sql(columns, last), con.dialect, table, query)
        try:
            return con.sql(text).to_pandas()
        except Exception as exc:  # the backend's own error, named
            raise WarehouseQueryError(
                f"{con.name} could not run the engine's {query} query (transpiled by sqlglot "
                f"from DuckDB's dialect): {exc}. Run it with engine: duckdb (the default) "
                "instead") from exc
    finally:
        try:
            con.drop_table(name, database=database, force=True)
        except Exception:  # a temporary table goes with the session anyway
            pass


def warehouse_customer_summary(source, observation_end=None, freq="D", con=None):
    """:func:`helpers.engine.customer_summary` computed by an Ibis backend from the same query text.

    Parameters
    ----------
    source : pandas.DataFrame or str or pathlib.Path or tuple
        As :func:`helpers.engine.customer_summary` (checked by DuckDB, then uploaded).
    observation_end : date-like, optional
        Last day (default: the last ``order_date``).
    freq : {"D", "W"}
        Period.
    con : str or ibis backend, optional
        As :func:`backend`.

    Returns
    -------
    pandas.DataFrame
        As :func:`helpers.engine.customer_summary`.

    Raises
    ------
    WarehouseQueryError
        If the query cannot be written for or run on the backend.

    Examples
    --------
    >>> warehouse_customer_summary(tx, "2024-06-30", con="duckdb://")  # doctest: +SKIP
    """
    if freq not in FREQS:
        raise ValueError(f"freq={freq!r} is not supported; use one of {sorted(FREQS)}")

    def make(columns, last):
        end = last if observation_end is None else _end_day(observation_end)
        return summary_sql(end, freq, "profit" in columns, "order_id" in columns)

    out = _run(source, make, "customer summary", con)
    return finish(out, observation_end, _id_dtype(source))


def warehouse_cohort_counts(source, freq="M", observation_end=None, con=None):
    """:func:`helpers.engine.cohort_counts` computed by an Ibis backend from the same query text.

    Parameters
    ----------
    source, freq, observation_end
        As :func:`helpers.engine.cohort_counts`.
    con : str or ibis backend, optional
        As :func:`backend`.

    Returns
    -------
    tuple
        ``(first, k, n, end_period)`` as :func:`helpers.engine.cohort_counts`.

    Examples
    --------
    >>> warehouse_cohort_counts(tx, "M", con="duckdb://")  # doctest: +SKIP
    """
    ends = []

    def make(columns, last):
        ends.append(last if observation_end is None else _end_day(observation_end))
        return cohort_sql(ends[0], freq)

    out = _run(source, make, "cohort", con).sort_values(["first_p", "k"], kind="stable")
    return (*(out[c].to_numpy(dtype=np.int64) for c in ("first_p", "k", "n")),
            int(period_of_day(ends[0], freq)))


def warehouse_stage_snapshots(source, dates, lapse_window, con=None):
    """:func:`helpers.engine.stages.stage_snapshots` computed by an Ibis backend from the same text.

    Parameters
    ----------
    source, dates, lapse_window
        As :func:`helpers.engine.stages.stage_snapshots`.
    con : str or ibis backend, optional
        As :func:`backend`.

    Returns
    -------
    tuple
        ``(ids, first_row, measures)`` as :func:`helpers.engine.stages.finish_snapshots`.

    Examples
    --------
    >>> warehouse_stage_snapshots(tx, ["2024-03-31", "2024-06-30"], 90)  # doctest: +SKIP
    """
    from helpers.engine.stages import finish_snapshots, snapshot_sql

    days = [_end_day(d) for d in dates]
    out = _run(source, lambda columns, last: snapshot_sql(days, lapse_window), "stage snapshot", con)
    return finish_snapshots(out, len(days))


def warehouse_order_facts(source, con=None):
    """:func:`helpers.engine.orders.order_facts` computed by an Ibis backend from the same query text.

    Parameters
    ----------
    source
        As :func:`helpers.engine.orders.order_facts`.
    con : str or ibis backend, optional
        As :func:`backend`.

    Returns
    -------
    pandas.DataFrame
        As :func:`helpers.engine.orders.order_facts`.

    Examples
    --------
    >>> warehouse_order_facts(tx, con="duckdb://")  # doctest: +SKIP
    """
    from helpers.engine.orders import finish_order_facts, order_facts_sql

    out = _run(source, lambda columns, last: order_facts_sql("order_id" in columns,
                                                             "discount" in columns),
               "order facts", con)
    return finish_order_facts(out, _id_dtype(source))


def warehouse_monthly_activity(source, con=None):
    """:func:`helpers.engine.monthly.monthly_activity` computed by an Ibis backend from the same text.

    Parameters
    ----------
    source
        As :func:`helpers.engine.monthly.monthly_activity`.
    con : str or ibis backend, optional
        As :func:`backend`.

    Returns
    -------
    pandas.DataFrame
        As :func:`helpers.engine.monthly.monthly_activity`.

    Examples
    --------
    >>> warehouse_monthly_activity(tx, con="duckdb://")  # doctest: +SKIP
    """
    from helpers.engine.monthly import finish_monthly_activity, monthly_activity_sql

    out = _run(source, lambda columns, last: monthly_activity_sql(), "monthly activity", con)
    return finish_monthly_activity(out)
