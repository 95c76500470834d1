"""Stage transitions: customers' lifecycle stage on two dates, cross-tabulated."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from helpers.lifecycle._transactions import _prepare, _to_day
from helpers.lifecycle.stages import _stage_table
from helpers.lifecycle.thresholds import _resolve_thresholds

#: Row label in :func:`stage_transitions` for customers not known yet on the earlier date.
NOT_YET_KNOWN = "not yet known"


class Transitions(NamedTuple):
    """Stage transitions: ``counts`` (customers) and ``shares`` (row shares: where each went)."""

    counts: pd.DataFrame
    shares: pd.DataFrame


def stage_transitions(transactions, from_date, to_date, customers=None, thresholds=None, *,
                      rules=None):
    """Cross-tabulate customers' lifecycle stage on two dates.

    Both snapshots use the same windows (from :func:`stage_thresholds` on the transactions up to
    ``to_date`` unless given), so a change of stage reflects the customer, not a moved threshold.
    Customers known on ``to_date`` but not yet on ``from_date`` (first purchase or signup after it)
    form the row :data:`NOT_YET_KNOWN`. Every customer known on ``to_date`` is counted exactly once.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Canonical transactions.
    from_date, to_date : date-like
        The two snapshot dates, ``from_date < to_date``.
    customers : pandas.DataFrame, optional
        Known customers (adds prospects), as for :func:`lifecycle_stage`.
    thresholds : dict, optional
        Stage windows in days.
    rules : list of dict, optional
        Stage rules (default :data:`STAGE_RULES`), as for :func:`lifecycle_stage`.

    Returns
    -------
    Transitions
        ``counts``: rows = stage on ``from_date`` (``NOT_YET_KNOWN`` then :data:`STAGES`, then any
        other stage of custom ``rules``), columns = stage on ``to_date`` (the same stages), integer
        counts, zeros included. ``shares``: each row
        divided by its total (NaN for empty rows), e.g. the share of last quarter's active customers
        who are now lapsed.

    Raises
    ------
    ValueError
        If ``from_date`` is not before ``to_date``, or inputs are malformed.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"],
    ...     "order_date": pd.to_datetime(["2024-01-01", "2024-03-25", "2024-03-20"]),
    ...     "amount": [1.0, 1.0, 1.0]})
    >>> th = {"new_window": 30, "active_window": 30, "lapse_window": 60}
    >>> t = stage_transitions(tx, "2024-01-15", "2024-03-31", thresholds=th)
    >>> int(t.counts.loc["new", "reactivated"]), int(t.counts.loc["not yet known", "new"])
    (1, 1)
    """
    tx = _prepare(transactions)
    d0, d1 = _to_day(from_date, "from_date"), _to_day(to_date, "to_date")
    if not d0 < d1:
        raise ValueError(f"from_date ({from_date}) must be before to_date ({to_date})")
    th = _resolve_thresholds(tx, d1, thresholds)
    # the refund-only note is given once, for the later snapshot
    a = _stage_table(tx, d0, th, customers, rules, note_refund_only=False)
    b = _stage_table(tx, d1, th, customers, rules)
    stages = list(b["stage"].cat.categories)
    stages += [s for s in a["stage"].cat.categories if s not in stages]
    rows = [NOT_YET_KNOWN, *stages]
    k = len(stages)
    before = pd.Categorical(a["stage"].reindex(b.index), categories=stages).codes.astype(np.int64)
    after = pd.Categorical(b["stage"], categories=stages).codes.astype(np.int64)
    cells = np.bincount((before + 1) * k + after, minlength=len(rows) * k)
    counts = pd.DataFrame(cells.reshape(len(rows), k), index=rows, columns=stages)
    counts.index.name, counts.columns.name = "stage_from", "stage_to"
    totals = counts.sum(axis=1)
    shares = counts.div(totals.where(totals > 0), axis=0)
    counts.attrs = shares.attrs = {"from_date": str(from_date), "to_date": str(to_date),
                                   "thresholds": th}
    return Transitions(counts, shares)
