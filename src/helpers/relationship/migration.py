"""Group migration: how customers moved between relationship groups from one snapshot to another."""

from __future__ import annotations

import pandas as pd

from helpers.relationship.groups import GROUPS

__all__ = ["migration"]


def migration(before, after, *, normalize=True):
    """Group migration between two snapshots: rows = group before, columns = group now.

    Parameters
    ----------
    before, after : pandas.Series
        Group per customer (index = customer_id) at the earlier and the later date. Customers missing
        from ``before`` (new since) appear in a row ``"(new)"``; missing from ``after``, in a column
        ``"(no group)"``.
    normalize : bool, default True
        Also return row shares.

    Returns
    -------
    counts : pandas.DataFrame
    shares : pandas.DataFrame
        Row shares (each row sums to 1); only when ``normalize``.

    Examples
    --------
    >>> b = pd.Series(["Strangers", "True Friends"], index=["a", "b"])
    >>> a = pd.Series(["Strangers", "Barnacles", "Butterflies"], index=["a", "b", "c"])
    >>> counts, shares = migration(b, a)
    >>> int(counts.loc["(new)", "Butterflies"])
    1
    """
    idx = before.index.union(after.index)
    b = before.reindex(idx).astype("object").fillna("(new)")
    a = after.reindex(idx).astype("object").fillna("(no group)")
    rows = [g for g in GROUPS + ["(new)"] if (b == g).any()]
    cols = [g for g in GROUPS + ["(no group)"] if (a == g).any()]
    counts = pd.crosstab(b, a).reindex(index=rows, columns=cols, fill_value=0)
    counts.index.name, counts.columns.name = "group before", "group now"
    if not normalize:
        return counts
    shares = counts.div(counts.sum(axis=1), axis=0)
    return counts, shares


