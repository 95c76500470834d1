"""Acquisition-cohort counts as one portable SQL query (DuckDB and Spark SQL)."""

from __future__ import annotations

import numpy as np

from helpers.engine.summary import _EPOCH_WEEKDAY_SHIFT, _end_day, run_query

#: Periods of :func:`cohort_counts`: week (Monday start), month, quarter.
PERIODS = {
    "W": f"CAST(FLOOR((unix_date(d) + {_EPOCH_WEEKDAY_SHIFT}) / 7.0) AS BIGINT)",
    "M": "(year(d) - 1970) * 12 + month(d) - 1",
    "Q": "CAST(FLOOR(((year(d) - 1970) * 12 + month(d) - 1) / 3.0) AS BIGINT)",
}

_COHORT_SQL = """
WITH periods AS (
    SELECT DISTINCT customer_id, {period} AS p
    FROM (SELECT customer_id, CAST(order_date AS DATE) AS d, CAST(amount AS DOUBLE) AS a
          FROM tx_input) r
    WHERE a >= 0 AND unix_date(d) <= {end}
),
firsts AS (
    SELECT customer_id, p, min(p) OVER (PARTITION BY customer_id) AS first_p FROM periods
)
SELECT first_p, p - first_p AS k, count(*) AS n
FROM firsts GROUP BY first_p, p - first_p
ORDER BY first_p, k
"""


def cohort_sql(end_day, freq="M"):
    """Portable SQL: customers per (first purchase period, periods since it) over ``tx_input``.

    Periods are numbered from 1970-01 (months, quarters) or from the week of Monday 1969-12-29.

    Parameters
    ----------
    end_day : int
        Last day used, days since 1970-01-01.
    freq : {"W", "M", "Q"}
        Period.

    Returns
    -------
    str
        A query with columns ``first_p``, ``k`` and ``n``.

    Examples
    --------
    >>> "month(d)" in cohort_sql(19800, "M")
    True
    """
    if freq not in PERIODS:
        raise ValueError(f"freq={freq!r} is not supported; use one of {list(PERIODS)}")
    return _COHORT_SQL.format(period=PERIODS[freq], end=int(end_day))


def period_of_day(day, freq):
    """The period number :func:`cohort_sql` gives a day (days since 1970-01-01).

    Examples
    --------
    >>> period_of_day([0, 31, 100], "M").tolist(), period_of_day([0, 4, 100], "W").tolist()
    ([0, 1, 3], [0, 1, 14])
    """
    day = np.asarray(day, dtype=np.int64)
    if freq == "W":
        return (day + _EPOCH_WEEKDAY_SHIFT) // 7
    months = day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return months if freq == "M" else months // 3


def cohort_counts(source, freq="M", observation_end=None):
    """Customers buying per (cohort period, periods since the first purchase), from the engine.

    Parameters
    ----------
    source : pandas.DataFrame or str or pathlib.Path or tuple
        As :func:`helpers.engine.connect`.
    freq : {"W", "M", "Q"}
        Period.
    observation_end : date-like, optional
        Last day used (default: the last ``order_date``).

    Returns
    -------
    tuple
        ``(first, k, n, end_period)``: int arrays of the cohort period, periods since it and the
        number of customers with a purchase then; ``end_period`` = the period of the last day.

    Raises
    ------
    ValueError
        If ``freq`` is unknown or the input is malformed.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [1.0, 2.0, 3.0],
    ...     "order_date": pd.to_datetime(["1970-01-05", "1970-02-01", "1970-02-03"])})
    >>> first, k, n, end = cohort_counts(tx)
    >>> first.tolist(), k.tolist(), n.tolist(), end
    ([0, 0, 1], [0, 1, 0], [1, 1, 1], 1)
    """
    if freq not in PERIODS:
        raise ValueError(f"freq={freq!r} is not supported; use one of {list(PERIODS)}")
    def local(con, columns, last):
        end = last if observation_end is None else _end_day(observation_end)
        got = con.execute(cohort_sql(end, freq)).fetchnumpy()
        return (np.asarray(got["first_p"], dtype=np.int64), np.asarray(got["k"], dtype=np.int64),
                np.asarray(got["n"], dtype=np.int64), int(period_of_day(end, freq)))

    return run_query(source, "cohort_counts", local, freq, observation_end)
