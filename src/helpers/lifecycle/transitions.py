"""Stage transitions: customers' lifecycle stage on two dates, cross-tabulated."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from helpers.engine.stages import stage_snapshots
from helpers.lifecycle._transactions import _NO_DAY, _day_ts, _positions, _prepare, _to_day, _warn
from helpers.lifecycle.stages import _known_customers, _stage_categories, assign_stages
from helpers.lifecycle.thresholds import _check_overrides, _needs_data, _thresholds

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
    d0, d1 = _to_day(from_date, "from_date"), _to_day(to_date, "to_date")
    if not d0 < d1:
        raise ValueError(f"from_date ({from_date}) must be before to_date ({to_date})")
    overrides = _check_overrides(thresholds)
    th = _thresholds(_prepare(transactions) if _needs_data(overrides) else None, d1, overrides)
    # both snapshots from one query of the engine; the stage rules are applied here
    ids, first_row, (m0, m1) = stage_snapshots(transactions, [_day_ts(d0), _day_ts(d1)],
                                               th["lapse_window"])
    # every customer once: those with rows, then those known only from `customers`
    universe = ids
    if customers is not None:
        listed = _known_customers(customers, d1)
        universe = ids.append(listed[_positions(listed, ids) < 0])
    # the refund-only note is given once, for the later snapshot
    code_a, cats_a = _snapshot_stages(universe, first_row, m0, d0, th, customers, rules,
                                      note_refund_only=False)
    code_b, cats_b = _snapshot_stages(universe, first_row, m1, d1, th, customers, rules)
    stages = list(cats_b) + [s for s in cats_a if s not in cats_b]
    rows = [NOT_YET_KNOWN, *stages]
    k = len(stages)
    known = code_b >= 0  # every customer known on to_date, once
    after = code_b[known]
    before = code_a[known]
    remap = np.array([stages.index(s) for s in cats_a] + [-1], dtype=np.int64)
    before = remap[np.where(before >= 0, before, len(cats_a))]
    cells = np.bincount((before + 1) * k + after, minlength=len(rows) * k)
    counts = pd.DataFrame(cells.reshape(len(rows), k), index=rows, columns=stages)
    counts.index.name, counts.columns.name = "stage_from", "stage_to"
    totals = counts.sum(axis=1)
    shares = counts.div(totals.where(totals > 0), axis=0)
    counts.attrs = shares.attrs = {"from_date": str(from_date), "to_date": str(to_date),
                                   "thresholds": th}
    return Transitions(counts, shares)


def _snapshot_stages(universe, first_row, m, day, th, customers, rules, note_refund_only=True):
    """Stage codes (into the returned categories; -1 = not known) on ``day`` for ``universe``.

    ``universe`` holds the engine's customers (with rows, in its order) and then those known only
    from ``customers``. The stages are those of ``lifecycle_stage`` on that day: buyers by the
    stage rules; customers with only refund rows and customers known from ``customers`` without
    a purchase are prospects.
    """
    buyer = m["n_days"] > 0
    last_return = np.where(m["last_return"] >= 0, m["last_return"], _NO_DAY)
    stage = assign_stages(
        {"days_since_first": day - m["first"][buyer],
         "days_since_return": day - last_return[buyer],
         "days_since_last": day - m["last"][buyer]},
        th, rules,
    )
    cats = _stage_categories(rules, stage)
    code = np.full(len(universe), -1, dtype=np.int64)
    code[np.flatnonzero(buyer)] = pd.Categorical(stage, categories=cats).codes
    prospect = cats.index("prospect")
    refund_only = np.flatnonzero(~buyer & (first_row <= day))  # rows up to the day, no purchase
    if len(refund_only) and note_refund_only:
        _warn(
            f"{len(refund_only)} customer(s) have only refund rows up to {_day_ts(day):%Y-%m-%d}; "
            "they are counted as prospects (known, no purchase)"
        )
    code[refund_only] = prospect
    known = _known_customers(customers, day)
    if known is not None:
        pos = _positions(known, universe)
        pos = pos[pos >= 0]
        pos = pos[code[pos] < 0]  # known, no purchase (and no rows) by the day
        code[pos] = prospect
    return code, cats

