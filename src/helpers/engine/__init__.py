"""Engine: per-customer computations run as SQL in an in-memory DuckDB database, from a DataFrame
or directly from a Parquet or CSV file, returning pandas.

Submodules
----------
summary
    :func:`customer_summary`: ``lifecycle.rfm_summary``'s frequency, recency, T, monetary value,
    orders, revenue and profit (days) as one query.
"""

from helpers.engine.summary import customer_summary

__all__ = ["customer_summary"]
