"""Activity per calendar month (revenue, buying customers, rows) by one query.

The monthly bars of the data check: :func:`helpers.plots.plot_monthly_activity` draws them from
:func:`monthly_activity`, so ten million order lines are summed by the engine, not grouped in
pandas.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.engine.summary import run_query

__all__ = ["monthly_activity", "monthly_activity_sql", "finish_monthly_activity"]

_MONTHLY_SQL = """
SELECT year(order_date) * 12 + month(order_date) - 1 AS month_number,
       sum(CAST(amount AS DOUBLE)) AS revenue,
       count(DISTINCT customer_id) AS customers,
       count(*) AS n_rows
FROM tx_input
GROUP BY year(order_date) * 12 + month(order_date) - 1
"""


def monthly_activity_sql():
    """Revenue, distinct customers and rows per calendar month as one portable SQL query over
    the table ``tx_input`` (DuckDB and Spark SQL read it unchanged).

    Returns
    -------
    str
        Columns ``month_number`` (year x 12 + month - 1), ``revenue``, ``customers``, ``n_rows``.

    Examples
    --------
    >>> "count(DISTINCT customer_id)" in monthly_activity_sql()
    True
    """
    return _MONTHLY_SQL


def finish_monthly_activity(out):
    """The pandas side of :func:`monthly_activity_sql`'s result: one row per month in order.

    Parameters
    ----------
    out : pandas.DataFrame
        The query result.

    Returns
    -------
    pandas.DataFrame
        As :func:`monthly_activity`.

    Examples
    --------
    >>> raw = pd.DataFrame({"month_number": [2024 * 12 + 1, 2024 * 12], "revenue": [5.0, 3.0],
    ...                     "customers": [1, 2], "n_rows": [1, 3]})
    >>> finish_monthly_activity(raw).index.astype(str).tolist()
    ['2024-01', '2024-02']
    """
    number = out["month_number"].to_numpy(dtype=np.int64)
    index = pd.PeriodIndex.from_fields(year=number // 12, month=number % 12 + 1,
                                       freq="M").rename("month")
    res = pd.DataFrame({"revenue": out["revenue"].to_numpy(dtype=np.float64),
                        "customers": out["customers"].to_numpy(dtype=np.int64),
                        "rows": out["n_rows"].to_numpy(dtype=np.int64)}, index=index)
    return res.sort_index()


def monthly_activity(source):
    """Revenue (refunds netted), buying customers and rows of every calendar month, by one query.

    Runs on the engine chosen with :func:`helpers.engine.use` (DuckDB by default; Spark computes
    it from the same query text). Months without a row are absent.

    Parameters
    ----------
    source : pandas.DataFrame or str or pathlib.Path or tuple
        Transactions (``customer_id``, ``order_date``, ``amount``), as
        :func:`helpers.engine.connect`.

    Returns
    -------
    pandas.DataFrame
        Index ``month`` (monthly periods, in order): ``revenue`` (sum of ``amount``),
        ``customers`` (distinct customers with a row that month), ``rows``.

    Raises
    ------
    ValueError, TypeError
        If the input is malformed (see :func:`helpers.engine.customer_summary`).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"],
    ...     "order_date": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-02-01"]),
    ...     "amount": [10.0, 20.0, 5.0]})
    >>> monthly_activity(tx).values.tolist()
    [[30.0, 1.0, 2.0], [5.0, 1.0, 1.0]]
    """
    return run_query(source, "monthly_activity", lambda con, columns, last: finish_monthly_activity(
        con.execute(monthly_activity_sql()).df()))
