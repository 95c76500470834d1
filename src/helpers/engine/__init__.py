"""Engine: per-customer computations run as SQL in an in-memory DuckDB database (or on Spark),
from a DataFrame, a Parquet or CSV file or a database table, returning pandas.

Submodules
----------
summary
    :func:`customer_summary`: ``lifecycle.rfm_summary``'s frequency, recency, T, monetary value,
    orders, revenue and profit (days or weeks) as one portable query (:func:`summary_sql`);
    :func:`connect` opens a DataFrame, a Parquet or CSV file or a DuckDB table as ``tx_input``.
cohorts
    :func:`cohort_counts`: customers per (first purchase period, periods since) for
    ``lifecycle.cohort_retention``.
stages
    :func:`stage_snapshots`: each customer's purchase history (first and last purchase day,
    purchase days, last return after a lapse) as of several dates, for
    ``lifecycle.stage_transitions``.
monthly
    :func:`monthly_activity`: revenue, buying customers and rows per calendar month.
orders
    :func:`order_facts`: orders, mean order value and share of discounted orders per customer, for
    ``actions.buyer_types``.
memo
    :func:`reuse`: a block inside which a query asked again on the same input is answered from
    the first result (a run's shared results use one for all their builds).
spark
    The same queries on Spark SQL (optional extra ``spark``).
warehouse
    The same queries on any Ibis backend (Postgres, BigQuery, Snowflake, SQLite, ...), transpiled
    by sqlglot (optional extra ``warehouse``; ``engine: ibis``).

The queries are written once in SQL that DuckDB and Spark SQL both read (Spark's ``unix_date`` is
defined as a DuckDB macro); the lifecycle and clv functions call them.
"""

from helpers.engine.cohorts import cohort_counts, cohort_sql
from helpers.engine.monthly import monthly_activity, monthly_activity_sql
from helpers.engine.orders import order_facts, order_facts_sql
from helpers.engine.memo import reuse
from helpers.engine.stages import snapshot_sql, stage_snapshots
from helpers.engine.summary import (
    ENGINES,
    connect,
    customer_summary,
    finish,
    read_table,
    summary_sql,
    use,
)

__all__ = ["ENGINES", "customer_summary", "cohort_counts", "cohort_sql", "connect", "finish",
           "monthly_activity", "monthly_activity_sql", "order_facts", "order_facts_sql",
           "read_table", "reuse", "snapshot_sql", "stage_snapshots", "summary_sql", "use"]
