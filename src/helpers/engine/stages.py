"""Stage snapshots: each customer's purchase history as of several dates, as one portable SQL query
(DuckDB and Spark SQL), for ``lifecycle.stage_transitions``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.engine.summary import _end_day, run_query

# Purchase days (a day with a row of amount >= 0) up to the last date, each with the gap since the
# customer's previous purchase day; then, per customer and date, the first and last purchase day,
# the number of purchase days and the last day bought after a gap longer than the lapse window,
# and the first day with any row (refunds included: a customer with rows but no purchase is known).
_SNAPSHOT_SQL = """
WITH rows_ AS (
    SELECT customer_id, unix_date(CAST(order_date AS DATE)) AS dn,
           CAST(amount AS DOUBLE) AS a
    FROM tx_input
),
known AS (
    SELECT customer_id, min(dn) AS first_row FROM rows_ WHERE dn <= {last} GROUP BY customer_id
),
days AS (
    SELECT DISTINCT customer_id, dn FROM rows_ WHERE a >= 0 AND dn <= {last}
),
gaps AS (
    SELECT customer_id, dn,
           dn - lag(dn) OVER (PARTITION BY customer_id ORDER BY dn) AS gap
    FROM days
),
per_customer AS (
    SELECT customer_id{columns}
    FROM gaps GROUP BY customer_id
)
SELECT k.customer_id, k.first_row{selected}
FROM known k LEFT JOIN per_customer p ON k.customer_id = p.customer_id
"""

_MEASURES = ("first", "last", "n_days", "last_return")


def snapshot_sql(days, lapse_window):
    """Portable SQL: each customer's purchase history as of each of ``days``, over ``tx_input``.

    Columns: ``customer_id``, ``first_row`` (first day with any row up to the last of ``days``)
    and, for each date ``i``, ``first_i``, ``last_i`` (first and last purchase day),
    ``n_days_i`` (purchase days) and ``last_return_i`` (last purchase day after a gap longer than
    ``lapse_window`` days); NULL where there is none. Days are counted from 1970-01-01.

    Parameters
    ----------
    days : sequence of int
        Snapshot days (days since 1970-01-01).
    lapse_window : int
        Gap (days) after which a purchase day is a return.

    Returns
    -------
    str
        The query.

    Examples
    --------
    >>> sql = snapshot_sql([19700, 19790], 90)
    >>> "last_return_1" in sql and "gap > 90" in sql
    True
    """
    days = [int(d) for d in days]
    if not days:
        raise ValueError("give at least one snapshot day")
    lapse = float(lapse_window)
    lapse_sql = str(int(lapse)) if lapse.is_integer() else repr(lapse)
    cols, sel = [], []
    for i, d in enumerate(days):
        cols += [f"min(CASE WHEN dn <= {d} THEN dn END) AS first_{i}",
                 f"max(CASE WHEN dn <= {d} THEN dn END) AS last_{i}",
                 f"sum(CASE WHEN dn <= {d} THEN 1 ELSE 0 END) AS n_days_{i}",
                 f"max(CASE WHEN dn <= {d} AND gap > {lapse_sql} THEN dn END) AS last_return_{i}"]
        sel += [f"p.{m}_{i}" for m in _MEASURES]
    return _SNAPSHOT_SQL.format(last=max(days),
                                columns="".join(",\n           " + c for c in cols),
                                selected="".join(", " + s for s in sel))


def finish_snapshots(out, n_days):
    """The query result of :func:`snapshot_sql` as numpy columns, customers sorted by id.

    Parameters
    ----------
    out : pandas.DataFrame
        The query result (any engine).
    n_days : int
        Number of snapshot days.

    Returns
    -------
    tuple
        ``(ids, first_row, measures)``: a sorted ``pandas.Index`` of customer ids, their first
        day with a row, and for each snapshot a dict of int64 arrays ``first``, ``last``,
        ``n_days``, ``last_return`` (-1 = none).

    Examples
    --------
    >>> raw = pd.DataFrame({"customer_id": ["b", "a"], "first_row": [5, 3], "first_0": [5, None],
    ...     "last_0": [9, None], "n_days_0": [2, None], "last_return_0": [None, None]})
    >>> ids, first_row, m = finish_snapshots(raw, 1)
    >>> ids.tolist(), first_row.tolist(), m[0]["n_days"].tolist()
    (['a', 'b'], [3, 5], [0, 2])
    """
    out = out.sort_values("customer_id", kind="stable")
    ids = pd.Index(out["customer_id"].to_numpy(), name="customer_id")
    first_row = out["first_row"].to_numpy(dtype=np.int64)
    measures = []
    for i in range(n_days):
        m = {}
        for name in _MEASURES:
            col = pd.to_numeric(out[f"{name}_{i}"])
            m[name] = col.fillna(0 if name == "n_days" else -1).to_numpy(dtype=np.int64)
        measures.append(m)
    return ids, first_row, measures


def stage_snapshots(source, dates, lapse_window):
    """Each customer's purchase history as of several dates, by one query of the engine.

    Runs on the engine chosen with :func:`helpers.engine.use` (DuckDB by default). The measures
    the lifecycle stage rules need (:data:`helpers.lifecycle.STAGE_MEASURES`) come
    from them: days since the first and the last purchase day and since the last return after a
    gap longer than ``lapse_window``. A purchase is a row with ``amount >= 0``; several on one day
    are one purchase day.

    Parameters
    ----------
    source : pandas.DataFrame or str or pathlib.Path or tuple
        Transactions, as :func:`helpers.engine.connect`.
    dates : sequence of date-like
        Snapshot dates (each included).
    lapse_window : int
        Days without a purchase after which a purchase day is a return.

    Returns
    -------
    tuple
        As :func:`finish_snapshots`: ``(ids, first_row, measures)`` for every customer with a row
        up to the last date.

    Raises
    ------
    ValueError, TypeError
        If the input is malformed (see :func:`helpers.engine.customer_summary`).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [1.0, 1.0, -2.0],
    ...     "order_date": pd.to_datetime(["2024-01-01", "2024-05-01", "2024-03-01"])})
    >>> ids, first_row, (m0, m1) = stage_snapshots(tx, ["2024-02-01", "2024-06-30"], 90)
    >>> ids.tolist(), m0["n_days"].tolist(), m1["n_days"].tolist(), m1["last_return"].tolist()
    (['a', 'b'], [1, 0], [2, 0], [19844, -1])
    """
    days = [_end_day(d) for d in dates]
    return run_query(source, "stage_snapshots", lambda con, columns, last: finish_snapshots(
        con.execute(snapshot_sql(days, lapse_window)).df(), len(days)), dates, lapse_window)
