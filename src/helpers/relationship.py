"""Relationship groups (Reinartz & Kumar, 2002): profitability x projected relationship duration.

Reinartz and Kumar found that loyalty and profitability are different axes: many long-lived customers
are not profitable and many profitable ones do not stay. Placing customers on both axes gives four
groups, each with its own strategy (``helpers.frameworks.RELATIONSHIP_GROUPS``):

==============  ==============  =================
profitability   short duration  long duration
==============  ==============  =================
high            Butterflies     True Friends
low             Strangers       Barnacles
==============  ==============  =================

In their work duration is projected by a probabilistic lifetime model of purchase behaviour (the
Pareto/NBD); :func:`projected_duration` does the same with any fitted model of :mod:`helpers.clv`.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from helpers.frameworks import RELATIONSHIP_GROUPS

__all__ = ["GROUPS", "assign_groups", "projected_duration", "group_summary", "migration"]

#: Group names in a fixed order (low/short first), as an ordered categorical's categories.
GROUPS = ["Strangers", "Butterflies", "Barnacles", "True Friends"]

_BY_LEVELS = {(g["profitability"], g["duration"]): g["name"] for g in RELATIONSHIP_GROUPS}


def _split_value(values: pd.Series, split, name: str) -> float:
    if split is None or split == "median":
        return float(values.median())
    if isinstance(split, str) and split.startswith("q"):
        try:
            q = float(split[1:])
        except ValueError:
            q = -1
        if not 0 < q < 1:
            raise ValueError(f"{name}_split {split!r}: write a quantile as 'q0.6' (between 0 and 1)")
        return float(values.quantile(q))
    try:
        return float(split)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}_split must be None/'median', a quantile like 'q0.6' or a number, "
                         f"not {split!r}") from exc


def assign_groups(df, *, profit="profit", loyalty="p_alive", profit_split=None, loyalty_split=None):
    """Place each customer in one of the four relationship groups.

    A customer is *high* profit when ``profit >= profit_split`` and *long* duration when
    ``loyalty >= loyalty_split``: values exactly on a split line go to the upper side.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per customer with the ``profit`` and ``loyalty`` columns.
    profit : str, default "profit"
        Profitability column: realised profit, or predicted value (e.g. ``clv``).
    loyalty : str, default "p_alive"
        Projected loyalty column: projected duration (see :func:`projected_duration`) or P(alive).
    profit_split, loyalty_split : None, "median", "qX" or float
        Where to split each axis: the median by default (Reinartz & Kumar), a quantile such as
        ``"q0.75"``, or a value in the column's units.

    Returns
    -------
    pandas.DataFrame
        A copy of ``df`` with ``profit_level`` (low/high), ``duration_level`` (short/long) and
        ``group`` (ordered categorical, :data:`GROUPS`). ``attrs["splits"]`` holds the split values.
        Rows with a missing profit or loyalty value get no group (NA), with a warning.

    Raises
    ------
    KeyError
        If a column is missing.
    ValueError
        If a split cannot be read, or no row has both values.

    Examples
    --------
    >>> d = pd.DataFrame({"profit": [1, 9, 1, 9], "p_alive": [.1, .1, .9, .9]})
    >>> assign_groups(d, profit_split=5, loyalty_split=.5)["group"].tolist()
    ['Strangers', 'Butterflies', 'Barnacles', 'True Friends']
    """
    for col in (profit, loyalty):
        if col not in df.columns:
            raise KeyError(f"column {col!r} not in the table (columns: {list(df.columns)})")
    out = df.copy()
    p = pd.to_numeric(out[profit], errors="coerce")
    loy = pd.to_numeric(out[loyalty], errors="coerce")
    ok = p.notna() & loy.notna()
    if not ok.any():
        raise ValueError(f"no row has both {profit!r} and {loyalty!r}")
    if (~ok).any():
        warnings.warn(f"{int((~ok).sum())} customers have no {profit!r} or {loyalty!r} value and get no "
                      "group (e.g. prospects who never bought)", UserWarning, stacklevel=2)
    ps = _split_value(p[ok], profit_split, "profit")
    ls = _split_value(loy[ok], loyalty_split, "loyalty")
    high = p >= ps
    long_ = loy >= ls
    out["profit_level"] = pd.Series(np.where(high, "high", "low"), index=out.index).where(ok)
    out["duration_level"] = pd.Series(np.where(long_, "long", "short"), index=out.index).where(ok)
    names = [_BY_LEVELS[(pl, dl)] if isinstance(pl, str) else None
             for pl, dl in zip(out["profit_level"], out["duration_level"])]
    out["group"] = pd.Categorical(names, categories=GROUPS, ordered=True)
    for level, col in (("high", "profit_level"), ("long", "duration_level")):
        share = (out.loc[ok, col] == level).mean()
        if share in (0.0, 1.0):
            warnings.warn(f"every customer is on one side of the {col.split('_')[0]} split: the groups "
                          "collapse; choose another split", UserWarning, stacklevel=2)
    out.attrs["splits"] = {"profit": ps, "loyalty": ls, "profit_col": profit, "loyalty_col": loyalty}
    return out


def projected_duration(model, summary, *, cutoff=0.5, horizon=260, step=1.0):
    """Time from now until P(alive) falls below ``cutoff`` if the customer buys nothing more.

    P(alive) of a lifetime model falls as time passes without a purchase; the projected remaining
    duration is the first future time at which it drops under ``cutoff``. Customers still above the
    cut-off at ``horizon`` get ``horizon`` and ``censored = True``.

    Parameters
    ----------
    model : object
        A fitted lifetime model with ``p_alive(frame)`` taking a table of ``frequency``, ``recency``
        and ``T`` (e.g. :func:`helpers.clv.fit_pareto_nbd`'s result).
    summary : pandas.DataFrame
        One row per customer with ``frequency``, ``recency``, ``T`` in the model's time unit.
    cutoff : float, default 0.5
        P(alive) below which a customer counts as gone.
    horizon : float, default 260
        Longest projection, in the model's time unit (260 weeks = 5 years).
    step : float, default 1
        Grid step, in the model's time unit.

    Returns
    -------
    pandas.DataFrame
        Index as ``summary``; ``p_alive_now``, ``duration`` (remaining time in model units; 0 when
        P(alive) is already below the cut-off) and ``censored`` (bool).

    Raises
    ------
    ValueError
        If ``cutoff`` is not in (0, 1) or ``horizon``/``step`` are not positive.

    Examples
    --------
    >>> class Exp:  # P(alive) = exp(-(T - recency) / 10)
    ...     def p_alive(self, f):
    ...         return np.exp(-(f["T"] - f["recency"]) / 10)
    >>> s = pd.DataFrame({"frequency": [1], "recency": [5.0], "T": [5.0]})
    >>> float(projected_duration(Exp(), s, cutoff=0.5, step=0.5)["duration"].iloc[0])
    7.0
    """
    if not 0 < cutoff < 1:
        raise ValueError(f"cutoff must be between 0 and 1, not {cutoff}")
    if horizon <= 0 or step <= 0:
        raise ValueError("horizon and step must be positive")
    grid = np.arange(0.0, horizon + step / 2, step)
    base = summary[["frequency", "recency", "T"]].astype(float)
    n = len(base)
    first_below = np.full(n, np.nan)
    now = np.asarray(model.p_alive(base), dtype=float)
    for tau in grid:  # loop over time points (a few hundred), vectorised over customers
        frame = base.assign(T=base["T"] + tau)
        below = np.asarray(model.p_alive(frame), dtype=float) < cutoff
        newly = below & np.isnan(first_below)
        first_below[newly] = tau
        if not np.isnan(first_below).any():
            break
    censored = np.isnan(first_below)
    duration = np.where(censored, horizon, first_below)
    return pd.DataFrame({"p_alive_now": now, "duration": duration, "censored": censored},
                        index=summary.index)


def group_summary(df, *, group="group", profit="profit", value=None):
    """Count, share and profit share per relationship group.

    Parameters
    ----------
    df : pandas.DataFrame
        Output of :func:`assign_groups`.
    group, profit : str
        Column names.
    value : str, optional
        A predicted-value column (e.g. ``clv``) to total as "value at stake".

    Returns
    -------
    pandas.DataFrame
        One row per group in :data:`GROUPS` order: customers, share, profit, profit_share,
        mean_profit, strategy (and value, value_share when ``value`` is given).

    Examples
    --------
    >>> d = assign_groups(pd.DataFrame({"profit": [1, 9, 1, 9], "p_alive": [.1, .1, .9, .9]}),
    ...                   profit_split=5, loyalty_split=.5)
    >>> group_summary(d)["customers"].tolist()
    [1, 1, 1, 1]
    """
    g = df.groupby(group, observed=False)
    out = pd.DataFrame({"customers": g.size(), "profit": g[profit].sum()})
    out["share"] = out["customers"] / out["customers"].sum()
    out["profit_share"] = out["profit"] / out["profit"].sum()
    out["mean_profit"] = out["profit"] / out["customers"].replace(0, np.nan)
    if value is not None:
        out["value"] = g[value].sum()
        out["value_share"] = out["value"] / out["value"].sum()
    strategy = {gr["name"]: gr["strategy"] for gr in RELATIONSHIP_GROUPS}
    out["strategy"] = [strategy[i] for i in out.index]
    out.index = pd.CategoricalIndex(out.index, categories=GROUPS, ordered=True, name="group")
    return out.reindex(GROUPS)


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
