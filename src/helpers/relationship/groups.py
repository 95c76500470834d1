"""The four relationship groups and where a customer falls: split lines, assignment, group summary.

Profitability x projected loyalty, each split in two (Reinartz & Kumar, 2002); the names, levels and
strategies come from ``helpers.frameworks.RELATIONSHIP_GROUPS``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from helpers.frameworks import RELATIONSHIP_GROUPS

__all__ = ["GROUPS", "TIE_WARN_SHARE", "BORDERLINE_BELOW", "split_value", "assign_groups", "group_summary",
           "group_probabilities"]

#: Group names in a fixed order (low/short first), as an ordered categorical's categories.
GROUPS = ["Strangers", "Butterflies", "Barnacles", "True Friends"]

_BY_LEVELS = {(g["profitability"], g["duration"]): g["name"] for g in RELATIONSHIP_GROUPS}

#: Share of customers exactly on a split line from which :func:`assign_groups` warns (when they are
#: at least two): they all go to the upper side, so the split no longer divides where it says (e.g. a
#: median of 0 shared by most customers puts nearly everyone on the upper side).
TIE_WARN_SHARE = 0.10


#: A customer whose own group gets less than this share of the parameter draws is *borderline*: the
#: model's uncertainty alone could place her in another group (:func:`group_probabilities`).
BORDERLINE_BELOW = 0.8


def split_value(values: pd.Series, split, name: str) -> float:
    """Where a split line falls: the median, a quantile written ``"qX"``, or a given value.

    Parameters
    ----------
    values : pandas.Series
        The values to split (missing ones already removed).
    split : None, "median", "qX" or number
        ``None`` and ``"median"`` give the median; ``"q0.75"`` the 75th percentile.
    name : str
        Name of the split in error messages (``"<name>_split"``).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the split cannot be read.

    Examples
    --------
    >>> split_value(pd.Series([1.0, 2.0, 3.0, 4.0, 5.0]), "q0.75", "value")
    4.0
    """
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
    ``loyalty >= loyalty_split``: values exactly on a split line go to the upper side. When many
    customers share the split value (a heavy tie, at least :data:`TIE_WARN_SHARE` of them), that
    rule moves all of them to the upper side and the split is lopsided: a warning gives the share
    on the line and the share that ends on the upper side (the one value an odd-sized median always
    falls on is not a tie).

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
        ``group`` (ordered categorical, :data:`GROUPS`). ``attrs["splits"]`` holds the split values
        and the share of customers exactly on each line (``profit_tied``, ``loyalty_tied``).
        Rows with a missing profit or loyalty value get no group (NA), with a warning.

    Raises
    ------
    KeyError
        If a column is missing.
    ValueError
        If a split cannot be read, or no row has both values.

    Warns
    -----
    UserWarning
        When rows lack a value (they get no group), when a heavy tie sits on a split line, or when
        every customer is on one side of a split (the groups collapse).

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
    ps = split_value(p[ok], profit_split, "profit")
    ls = split_value(loy[ok], loyalty_split, "loyalty")
    high = p >= ps
    long_ = loy >= ls
    out["profit_level"] = pd.Series(np.where(high, "high", "low"), index=out.index).where(ok)
    out["duration_level"] = pd.Series(np.where(long_, "long", "short"), index=out.index).where(ok)
    names = [_BY_LEVELS[(pl, dl)] if isinstance(pl, str) else None
             for pl, dl in zip(out["profit_level"], out["duration_level"])]
    out["group"] = pd.Categorical(names, categories=GROUPS, ordered=True)
    for axis, values, split, level, col in (("profit", p[ok], ps, "high", "profit_level"),
                                            ("duration", loy[ok], ls, "long", "duration_level")):
        name = profit if axis == "profit" else loyalty
        share = (out.loc[ok, col] == level).mean()
        on_line = values == split
        tied = float(on_line.mean())
        heavy = on_line.sum() >= 2 and tied >= TIE_WARN_SHARE  # one row on an odd median is no tie
        tie_note = (f"; {tied:.0%} of customers have {name!r} exactly at the split ({split:g}) and "
                    f"go to the upper side" if heavy else "")
        if share in (0.0, 1.0):
            warnings.warn(f"every customer is on one side of the {axis} split{tie_note}: the groups "
                          "collapse; choose another split or measure", UserWarning, stacklevel=2)
        elif tie_note:
            warnings.warn(f"heavy tie on the {axis} split{tie_note}, so {share:.0%} are {level!r} "
                          "instead of about the share the split aims at; choose a measure with fewer "
                          "ties or another split", UserWarning, stacklevel=2)
    out.attrs["splits"] = {"profit": ps, "loyalty": ls, "profit_col": profit, "loyalty_col": loyalty,
                           "profit_tied": float((p[ok] == ps).mean()),
                           "loyalty_tied": float((loy[ok] == ls).mean())}
    return out


def group_summary(df, *, group="group", profit="profit", value=None, interval=None):
    """Count, share and profit share per relationship group.

    Parameters
    ----------
    df : pandas.DataFrame
        Output of :func:`assign_groups`.
    group, profit : str
        Column names.
    value : str, optional
        A predicted-value column (e.g. ``clv``) to total per group (the predicted profit of
        each group).
    interval : pandas.DataFrame, optional
        The interval of each group's value: columns ``lower`` and ``upper`` indexed by group, e.g.
        ``CustomerValue.by_group`` of :func:`helpers.clv.customer_value` called with
        ``by=df[group]`` (per-customer bounds cannot simply be summed).

    Returns
    -------
    pandas.DataFrame
        One row per group in :data:`GROUPS` order: customers, share, profit, profit_share,
        mean_profit, strategy (and value, value_share when ``value`` is given; value_lower,
        value_upper when ``interval`` is given).

    Raises
    ------
    ValueError
        If ``interval`` is given without ``value`` or lacks ``lower`` / ``upper``.

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
    if interval is not None:
        if value is None:
            raise ValueError("interval needs value: name the value column it belongs to")
        missing = [c for c in ("lower", "upper") if c not in interval.columns]
        if missing:
            raise ValueError(f"interval lacks column(s) {missing}; pass CustomerValue.by_group")
        iv = interval.set_axis(interval.index.astype(str))
        out["value_lower"] = iv["lower"].reindex(out.index.astype(str)).to_numpy()
        out["value_upper"] = iv["upper"].reindex(out.index.astype(str)).to_numpy()
    strategy = {gr["name"]: gr["strategy"] for gr in RELATIONSHIP_GROUPS}
    out["strategy"] = [strategy[i] for i in out.index]
    out.index = pd.CategoricalIndex(out.index, categories=GROUPS, ordered=True, name="group")
    return out.reindex(GROUPS)




def group_probabilities(profit, loyalty, *, profit_split=None, loyalty_split=None, index=None,
                        loyalty_rows=None):
    """Probability of each relationship group per customer: the share of draws placing her there.

    Each column of ``profit`` and ``loyalty`` is one draw of the model parameters (e.g. the
    parametric-bootstrap draws of the value interval): in each draw the split lines are set again
    by the same rule (a median moves with the draw; a number stays) and every customer is placed
    as :func:`assign_groups` does (values on a line go to the upper side). A one-dimensional axis
    (realised profit) is the same in every draw.

    Parameters
    ----------
    profit, loyalty : array-like, shape (customers,) or (customers, draws)
        The two axes, one column per draw (or one fixed value per customer). Missing values leave
        the customer out of that draw.
    profit_split, loyalty_split : None, "median", "qX" or float
        The split rule of each axis (see :func:`split_value`).
    index : pandas.Index, optional
        Index of the result.
    loyalty_rows : array-like of int, optional
        The row of ``loyalty`` of each customer, when ``loyalty`` holds one row per distinct
        history shared by several customers (e.g. ``CustomerValue.purchases_ahead_rows``): the
        draws are then not copied out to every customer.

    Returns
    -------
    pandas.DataFrame
        One row per customer, one column per group of :data:`GROUPS`: the share of the draws (with
        both values) that placed the customer in that group (rows sum to 1; NaN without draws).

    Raises
    ------
    ValueError
        If the shapes do not agree or a split cannot be read.

    Examples
    --------
    >>> loy = np.array([[0.1, 0.2], [0.9, 0.8], [0.4, 0.6]])
    >>> group_probabilities([1.0, 9.0, 1.0], loy, profit_split=5, loyalty_split=0.5).round(2).values.tolist()
    [[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0], [0.5, 0.0, 0.5, 0.0]]
    """
    # float32 draws stay float32 here (a float64 copy of a million customers x 200 draws is 1.6 GB);
    # each draw's column is taken as float64 below
    p = np.asarray(profit) if np.asarray(profit).dtype == np.float32 else np.asarray(profit, dtype=float)
    loy = (np.asarray(loyalty) if np.asarray(loyalty).dtype == np.float32
           else np.asarray(loyalty, dtype=float))
    p2 = p[:, None] if p.ndim == 1 else p
    l2 = loy[:, None] if loy.ndim == 1 else loy
    rows = None
    if loyalty_rows is not None:
        rows = np.asarray(loyalty_rows)
        if rows.ndim != 1 or not np.issubdtype(rows.dtype, np.integer) or (
                len(rows) and (rows.min() < 0 or rows.max() >= len(l2))):
            raise ValueError(f"loyalty_rows must give a row of loyalty (0 to {len(l2) - 1}) per "
                             f"customer")
    if p2.ndim != 2 or l2.ndim != 2 or len(p2) != (len(l2) if rows is None else len(rows)):
        raise ValueError(f"profit and loyalty must have one row per customer; got shapes {p.shape} and "
                         f"{loy.shape}")
    k = max(p2.shape[1], l2.shape[1])
    if p2.shape[1] not in (1, k) or l2.shape[1] not in (1, k):
        raise ValueError(f"profit and loyalty must have the same number of draws (or one); got "
                         f"{p2.shape[1]} and {l2.shape[1]}")
    # per customer, the four counts packed in one 64-bit number (16 bits each: up to 65,535 draws),
    # so that placing a million customers is one table look-up and one addition per draw
    lanes = 16
    if k >= 2 ** lanes:
        raise ValueError(f"at most {2 ** lanes - 1} draws; got {k}")
    packed = np.zeros(len(p2), dtype=np.uint64)
    bump = np.array([1 << (lanes * g) for g in range(len(GROUPS))], dtype=np.uint64)
    fixed = {}  # the split of an axis that is the same in every draw, over all customers
    block = {}  # a block of draws, one contiguous row per draw (columns of a C-ordered matrix are slow)

    def column(m, name, j, rows=None):
        if m.shape[1] == 1:
            values = m[:, 0]
        else:
            b0 = j - j % 16
            if block.get(name, (None,))[0] != b0:
                block[name] = (b0, np.ascontiguousarray(m[:, b0:b0 + 16].T))
            values = block[name][1][j - b0]
        return (values if rows is None else values[rows]).astype(float)

    def split(values, ok, every, m, rule, name):
        if every and m.shape[1] == 1:  # the same axis over all customers: split it once
            if name not in fixed:
                fixed[name] = split_value(pd.Series(values), rule, name)
            return fixed[name]
        kept = values if every else values[ok]
        if rule is None or rule == "median":  # split_value's median, without a Series per draw
            return float(np.median(kept))
        return split_value(pd.Series(kept), rule, name)

    for j in range(k):
        pj = column(p2, "profit", j)
        lj = column(l2, "loyalty", j, rows)
        ok = np.isfinite(pj) & np.isfinite(lj)
        if not ok.any():
            continue
        every = bool(ok.all())
        ps = split(pj, ok, every, p2, profit_split, "profit")
        ls = split(lj, ok, every, l2, loyalty_split, "loyalty")
        if every:
            code = 2 * (lj >= ls) + (pj >= ps)  # GROUPS order: short/long x low/high
            packed += bump[code]
        else:
            code = 2 * (lj[ok] >= ls) + (pj[ok] >= ps)
            packed[ok] += bump[code]
    counts = np.stack([(packed >> np.uint64(lanes * g)) & np.uint64(2 ** lanes - 1)
                       for g in range(len(GROUPS))], axis=1).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        prob = counts / counts.sum(axis=1, keepdims=True)
    return pd.DataFrame(prob, columns=GROUPS, index=index)
