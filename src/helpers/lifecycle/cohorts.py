"""Acquisition-cohort retention: share of each cohort buying n periods after its first purchase."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from helpers.engine.cohorts import cohort_counts
from helpers.engine.summary import _EPOCH_WEEKDAY_SHIFT

#: Period lengths understood by :func:`cohort_retention`.
COHORT_FREQS = ("W", "M", "Q")


class Cohorts(NamedTuple):
    """Cohort retention: ``shares`` of each cohort buying in each period, and the ``counts``."""

    shares: pd.DataFrame
    counts: pd.DataFrame


def _period_labels(ordinals, freq):
    if freq == "W":
        start = (ordinals * 7 - _EPOCH_WEEKDAY_SHIFT).astype("datetime64[D]")
    else:
        start = (ordinals * (1 if freq == "M" else 3)).astype("datetime64[M]")
    return pd.DatetimeIndex(start.astype("datetime64[ns]")).to_period(freq)


def cohort_retention(transactions, freq="M", observation_end=None):
    """Acquisition-cohort retention: share of each cohort buying n periods after its first purchase.

    A customer's cohort is the period (week, month or quarter) of its first purchase. Cell (cohort,
    n) counts the cohort's customers with at least one purchase (``amount >= 0``) in period
    cohort + n; period 0 is the cohort size, so its share is 100%. Cells after the period of
    ``observation_end`` are NaN (not observed yet, not zero); the last period may be partly
    observed, which understates its retention. The counts are one SQL query of the engine
    (:func:`helpers.engine.cohorts.cohort_sql`).

    Parameters
    ----------
    transactions : pandas.DataFrame
        Canonical transactions.
    freq : {"M", "W", "Q"}, default "M"
        Period length (weeks start on Monday).
    observation_end : date-like, optional
        Last day used (default: last ``order_date``).

    Returns
    -------
    Cohorts
        ``counts``: rows = cohorts (``pandas.Period``, sorted, only those with customers), columns =
        periods since first purchase 0, 1, ..., float counts with NaN where unobserved; ``shares`` =
        counts divided by column 0.

    Raises
    ------
    ValueError
        If ``freq`` is unknown, there is no purchase, or inputs are malformed.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b", "b", "c"],
    ...     "order_date": pd.to_datetime(["2024-01-05", "2024-02-10", "2024-01-20", "2024-03-01",
    ...                                   "2024-02-14"]), "amount": [1.0] * 5})
    >>> cohort_retention(tx).shares  # doctest: +NORMALIZE_WHITESPACE
    periods_since_first    0    1    2
    cohort
    2024-01              1.0  0.5  0.5
    2024-02              1.0  0.0  NaN
    """
    if freq not in COHORT_FREQS:
        raise ValueError(f"freq={freq!r} is not supported; use one of {list(COHORT_FREQS)}")
    first, k, n, end_p = cohort_counts(transactions, freq, observation_end)
    if not len(n):
        raise ValueError("no purchase on or before observation_end; nothing to build cohorts from")
    plo = int(first.min())
    pspan = int((first + k).max()) - plo + 1
    end_p -= plo
    table = np.zeros((pspan, pspan))
    table[first - plo, k] = n
    cohort_idx = np.flatnonzero(table[:, 0] > 0)
    table = table[cohort_idx]
    offsets = np.arange(pspan)
    observable = (cohort_idx[:, None] + offsets[None, :]) <= end_p
    table[~observable] = np.nan
    n_cols = int(observable.sum(axis=1).max())
    table = table[:, :n_cols]
    counts = pd.DataFrame(
        table,
        index=pd.Index(_period_labels(cohort_idx + plo, freq), name="cohort"),
        columns=pd.Index(range(n_cols), name="periods_since_first"),
    )
    shares = counts.div(counts[0], axis=0)
    return Cohorts(shares, counts)
