"""The engine's queries on Spark SQL (pyspark local mode or a cluster): the optional extra ``spark``.

The SQL text is the one DuckDB runs (:func:`helpers.engine.summary_sql`,
:func:`helpers.engine.cohort_sql`); only the way the table is made visible differs. pyspark is
imported when a function here is called, so the package works without it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.engine.cohorts import cohort_sql, period_of_day
from helpers.engine.summary import (
    FREQS,
    _PARQUET,
    _end_day,
    _id_dtype,
    connect,
    finish,
    summary_sql,
)

__all__ = ["spark_session", "spark_customer_summary", "spark_cohort_counts", "spark_stage_snapshots",
           "spark_order_facts", "spark_monthly_activity"]


def spark_session(master="local[2]", app_name="crm-notebooks"):
    """A Spark session for the engine's queries (UTC, few shuffle partitions, no web UI).

    Parameters
    ----------
    master : str, default "local[2]"
        Spark master URL.
    app_name : str
        Application name.

    Returns
    -------
    pyspark.sql.SparkSession

    Raises
    ------
    ImportError
        If pyspark is not installed (``make test-spark`` or ``pip install .[spark]``).

    Examples
    --------
    >>> spark = spark_session()  # doctest: +SKIP
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("pyspark is not installed; install the optional extra: "
                          "pip install '.[spark]' (or make test-spark)") from exc
    return (SparkSession.builder.master(master).appName(app_name)
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.memory", "2g")
            .getOrCreate())


def _register(spark, source, tmp):
    """Make ``source`` visible to Spark as ``tx_input``; return its column names.

    A Parquet file is read by Spark itself; a DataFrame, CSV file or DuckDB table is first written
    to Parquet by DuckDB (dates as DATE, so no time zone enters).
    """
    if isinstance(source, (str, Path)) and Path(source).name.lower().endswith(_PARQUET):
        path = str(source)
    else:
        path = str(Path(tmp) / "tx_input.parquet")
        con = connect(source)
        try:
            con.execute("COPY (SELECT * REPLACE (CAST(order_date AS DATE) AS order_date) "
                        f"FROM tx_input) TO '{path}' (FORMAT PARQUET)")
        finally:
            con.close()
    frame = spark.read.parquet(path)
    frame.createOrReplaceTempView("tx_input")
    return frame.columns


def _last_day(spark):
    return int(spark.sql("SELECT max(unix_date(CAST(order_date AS DATE))) FROM tx_input")
               .collect()[0][0])


def spark_customer_summary(source, observation_end=None, freq="D", spark=None):
    """:func:`helpers.engine.customer_summary` computed by Spark SQL from the same query text.

    Parameters
    ----------
    source : pandas.DataFrame or str or pathlib.Path or tuple
        As :func:`helpers.engine.customer_summary` (validate with it first: this function assumes
        clean canonical columns).
    observation_end : date-like, optional
        Last day (default: the last ``order_date``).
    freq : {"D", "W"}
        Period.
    spark : pyspark.sql.SparkSession, optional
        Default: :func:`spark_session`.

    Returns
    -------
    pandas.DataFrame
        As :func:`helpers.engine.customer_summary`.

    Raises
    ------
    ValueError
        If ``freq`` is unknown or there is no purchase up to ``observation_end``.

    Examples
    --------
    >>> spark_customer_summary("tx.parquet", "2024-06-30")  # doctest: +SKIP
    """
    if freq not in FREQS:
        raise ValueError(f"freq={freq!r} is not supported; use one of {sorted(FREQS)}")
    spark = spark or spark_session()
    with tempfile.TemporaryDirectory() as tmp:
        columns = _register(spark, source, tmp)
        end = _last_day(spark) if observation_end is None else _end_day(observation_end)
        sql = summary_sql(end, freq, "profit" in columns, "order_id" in columns)
        out = spark.sql(sql).toPandas()
    return finish(out, observation_end, _id_dtype(source))


def spark_cohort_counts(source, freq="M", observation_end=None, spark=None):
    """:func:`helpers.engine.cohort_counts` computed by Spark SQL from the same query text.

    Parameters
    ----------
    source, freq, observation_end
        As :func:`helpers.engine.cohort_counts`.
    spark : pyspark.sql.SparkSession, optional
        Default: :func:`spark_session`.

    Returns
    -------
    tuple
        ``(first, k, n, end_period)`` as :func:`helpers.engine.cohort_counts`.

    Examples
    --------
    >>> spark_cohort_counts("tx.parquet", "M")  # doctest: +SKIP
    """
    spark = spark or spark_session()
    with tempfile.TemporaryDirectory() as tmp:
        _register(spark, source, tmp)
        end = _last_day(spark) if observation_end is None else _end_day(observation_end)
        rows = spark.sql(cohort_sql(end, freq)).collect()
    first, k, n = (np.array([r[i] for r in rows], dtype=np.int64) for i in range(3))
    return first, k, n, int(period_of_day(end, freq))


def spark_stage_snapshots(source, dates, lapse_window, spark=None):
    """:func:`helpers.engine.stages.stage_snapshots` computed by Spark SQL from the same query text.

    Parameters
    ----------
    source, dates, lapse_window
        As :func:`helpers.engine.stages.stage_snapshots`.
    spark : pyspark.sql.SparkSession, optional
        Default: :func:`spark_session`.

    Returns
    -------
    tuple
        ``(ids, first_row, measures)`` as :func:`helpers.engine.stages.finish_snapshots`.

    Examples
    --------
    >>> spark_stage_snapshots("tx.parquet", ["2024-03-31", "2024-06-30"], 90)  # doctest: +SKIP
    """
    from helpers.engine.stages import finish_snapshots, snapshot_sql

    spark = spark or spark_session()
    days = [_end_day(d) for d in dates]
    with tempfile.TemporaryDirectory() as tmp:
        _register(spark, source, tmp)
        out = spark.sql(snapshot_sql(days, lapse_window)).toPandas()
    return finish_snapshots(out, len(days))


def spark_order_facts(source, spark=None):
    """:func:`helpers.engine.orders.order_facts` computed by Spark SQL from the same query text.

    Parameters
    ----------
    source
        As :func:`helpers.engine.orders.order_facts`.
    spark : pyspark.sql.SparkSession, optional
        Default: :func:`spark_session`.

    Returns
    -------
    pandas.DataFrame
        As :func:`helpers.engine.orders.order_facts`.

    Examples
    --------
    >>> spark_order_facts("tx.parquet")  # doctest: +SKIP
    """
    from helpers.engine.orders import finish_order_facts, order_facts_sql

    spark = spark or spark_session()
    with tempfile.TemporaryDirectory() as tmp:
        columns = _register(spark, source, tmp)
        out = spark.sql(order_facts_sql("order_id" in columns, "discount" in columns)).toPandas()
    return finish_order_facts(out, _id_dtype(source))


def spark_monthly_activity(source, spark=None):
    """:func:`helpers.engine.monthly.monthly_activity` computed by Spark SQL from the same query text.

    Parameters
    ----------
    source
        As :func:`helpers.engine.monthly.monthly_activity`.
    spark : pyspark.sql.SparkSession, optional
        Default: :func:`spark_session`.

    Returns
    -------
    pandas.DataFrame
        As :func:`helpers.engine.monthly.monthly_activity`.

    Examples
    --------
    >>> spark_monthly_activity("tx.parquet")  # doctest: +SKIP
    """
    from helpers.engine.monthly import finish_monthly_activity, monthly_activity_sql

    spark = spark or spark_session()
    with tempfile.TemporaryDirectory() as tmp:
        _register(spark, source, tmp)
        out = spark.sql(monthly_activity_sql()).toPandas()
    return finish_monthly_activity(out)
