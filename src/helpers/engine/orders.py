"""Order facts per customer (orders, revenue per order, share of discounted orders) by one query.

The facts :func:`helpers.actions.buyer_types` infers buyer types from. Rows are grouped into orders
(``order_id``; without one, a customer's rows of one day are one order), an order's amounts summed
(refunds included) and an order counted as discounted when any of its rows has a positive
``discount``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.engine.summary import _id_dtype, run_query

__all__ = ["order_facts", "order_facts_sql", "finish_order_facts"]

_ORDER_FACTS_SQL = """
WITH rows_in AS (
    SELECT customer_id,
           {order_key} AS o,
           CAST(amount AS DOUBLE) AS a,
           {discounted} AS d
    FROM tx_input
),
orders AS (
    SELECT customer_id, o, sum(a) AS amount, max(d) AS discounted
    FROM rows_in
    GROUP BY customer_id, o
)
SELECT customer_id,
       count(*) AS n_orders,
       avg(amount) AS revenue_per_order,
       avg(CAST(discounted AS DOUBLE)) AS discount_share
FROM orders
GROUP BY customer_id
"""


def order_facts_sql(has_order=False, has_discount=False):
    """The per-customer order facts as one portable SQL query over the table ``tx_input``.

    Runs unchanged on DuckDB (with the macros of :func:`helpers.engine.connect`) and Spark SQL.

    Parameters
    ----------
    has_order, has_discount : bool
        Whether ``tx_input`` has an ``order_id`` / ``discount`` column.

    Returns
    -------
    str
        Columns ``customer_id``, ``n_orders``, ``revenue_per_order``, ``discount_share``.

    Examples
    --------
    >>> "GROUP BY customer_id, o" in order_facts_sql(True, True)
    True
    """
    day = "CAST(unix_date(CAST(order_date AS DATE)) AS STRING)"
    # a row without an order id is one order per customer and day, as in the RFM summary's n_orders
    order_key = (f"CASE WHEN order_id IS NULL THEN concat('day ', {day}) "
                 "ELSE concat('id ', CAST(order_id AS STRING)) END") if has_order else day
    discounted = ("CASE WHEN discount > 0 THEN 1 ELSE 0 END" if has_discount else "0")
    return _ORDER_FACTS_SQL.format(order_key=order_key, discounted=discounted)


def finish_order_facts(out, id_dtype=None):
    """The pandas side of :func:`order_facts_sql`'s result: typed columns, sorted ``customer_id`` index.

    Parameters
    ----------
    out : pandas.DataFrame
        The query result.
    id_dtype : dtype, optional
        dtype of the index (default: that of ``out["customer_id"]``).

    Returns
    -------
    pandas.DataFrame
        As :func:`order_facts`.

    Examples
    --------
    >>> raw = pd.DataFrame({"customer_id": ["b", "a"], "n_orders": [1, 2],
    ...                     "revenue_per_order": [5.0, 3.0], "discount_share": [0.0, 0.5]})
    >>> finish_order_facts(raw).index.tolist()
    ['a', 'b']
    """
    ids = out["customer_id"]
    index = pd.Index(ids.to_numpy(), dtype=ids.dtype if id_dtype is None else id_dtype,
                     name="customer_id")
    res = pd.DataFrame({"n_orders": out["n_orders"].to_numpy(dtype=np.int64),
                        "revenue_per_order": out["revenue_per_order"].to_numpy(dtype=np.float64),
                        "discount_share": out["discount_share"].to_numpy(dtype=np.float64)},
                       index=index)
    return res.sort_index()


def order_facts(source):
    """Orders, mean order value and the share of discounted orders of every customer, by one query.

    Runs on the engine chosen with :func:`helpers.engine.use` (DuckDB by default; Spark computes
    it from the same query text).

    Parameters
    ----------
    source : pandas.DataFrame or str or pathlib.Path or tuple
        Transactions (``customer_id``, ``order_date``, ``amount``; optional ``order_id``,
        ``discount``), as :func:`helpers.engine.connect`.

    Returns
    -------
    pandas.DataFrame
        Index ``customer_id`` (sorted, every customer with a row): ``n_orders`` (distinct orders),
        ``revenue_per_order`` (mean order total, refunds included) and ``discount_share``
        (share of orders with a positive discount on any row; 0 without a ``discount`` column).

    Raises
    ------
    ValueError, TypeError
        If the input is malformed (see :func:`helpers.engine.customer_summary`).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "order_id": ["1", "2", "3"],
    ...     "order_date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-01"]),
    ...     "amount": [10.0, 20.0, 50.0], "discount": [2.0, 0.0, 0.0]})
    >>> order_facts(tx).values.tolist()
    [[2.0, 15.0, 0.5], [1.0, 50.0, 0.0]]
    """
    def local(con, columns, last):
        sql = order_facts_sql("order_id" in columns, "discount" in columns)
        return finish_order_facts(con.execute(sql).df(), _id_dtype(source))

    return run_query(source, "order_facts", local)
