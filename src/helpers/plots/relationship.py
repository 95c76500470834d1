"""Figures of the relationship-groups report (03_relationship_groups): the CLV model checks (holdout,
P(alive) matrix) and the Reinartz & Kumar groups (quadrant map, shares, value, migration)."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt  # noqa: F401  (doctest examples)
import numpy as np
import pandas as pd

from helpers import frameworks
from helpers.plots.style import (ACCENT, GROUP_COLORS, MUTED, P_ALIVE_CMAP, _need_columns, get_ax,
                                 label)

__all__ = ["plot_holdout", "plot_p_alive_matrix", "relationship_map_scales", "plot_relationship_map",
           "plot_group_shares", "plot_group_value", "plot_group_migration"]

#: The symmetric-log profitability axis of the quadrant map is linear within +- this (in currency).
SYMLOG_LINEAR_WITHIN = 1.0


# ---------------------------------------------------------------------------------------------------
# CLV model checks
# ---------------------------------------------------------------------------------------------------
def plot_holdout(data, *, ax=None, title="Holdout check: repeat purchases per customer"):
    """Actual against predicted mean holdout purchases by calibration frequency.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`helpers.clv.holdout_table` (rows ``"0"``, ..., ``"7+"``, ``"Total"``; columns
        ``customers, actual_mean, predicted_mean, actual_total, predicted_total``).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default ``plt.gca()``.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.axes.Axes
        Two lines (actual, predicted) over the frequency buckets; the totals in the footnote.

    Raises
    ------
    ValueError
        If ``data`` lacks the columns of :func:`helpers.clv.holdout_table`.

    Examples
    --------
    >>> import pandas as pd
    >>> tab = pd.DataFrame({"customers": [10, 5, 15], "actual_mean": [0.2, 1.0, 0.47],
    ...                     "predicted_mean": [0.25, 0.9, 0.47], "actual_total": [2.0, 5.0, 7.0],
    ...                     "predicted_total": [2.5, 4.5, 7.0]}, index=["0", "1+", "Total"])
    >>> len(plot_holdout(tab, ax=plt.figure().gca()).get_lines())
    2
    """
    _need_columns(data, ["customers", "actual_mean", "predicted_mean", "actual_total", "predicted_total"],
                  "helpers.clv.holdout_table")
    ax = get_ax(ax)
    body = data.drop(index="Total", errors="ignore")
    pos = range(len(body))
    ax.plot(pos, body["actual_mean"], marker="o", color=ACCENT, label="actual")
    ax.plot(pos, body["predicted_mean"], marker="s", linestyle="--", color=MUTED, label="predicted")
    ax.set_xticks(list(pos), [str(i) for i in body.index])
    ax.legend()
    note = None
    if "Total" in data.index:
        tot = data.loc["Total"]
        note = (f"Total: actual {tot['actual_total']:,.0f}, predicted {tot['predicted_total']:,.0f} "
                f"({int(tot['customers']):,} customers)")
    return label(ax, title=title, xlabel="Repeat purchases in the calibration period",
                 ylabel="Mean purchases in the holdout", note=note)


def plot_p_alive_matrix(data, *, max_frequency=None, max_recency=None, T=None, ax=None,
                        title="Probability that a customer is still alive"):
    """Heatmap of P(alive) by frequency and recency for a customer observed for ``T`` periods.

    Parameters
    ----------
    data : helpers.clv.LifetimeFit
        A fitted BG/NBD or Pareto/NBD model.
    max_frequency : int, optional
        Largest frequency shown; default the largest in the fitted data.
    max_recency : int, optional
        Largest recency shown (time unit of the fit); default the largest ``T`` in the fitted data.
    T : float, optional
        Customer age used for every cell; default ``max_recency``.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default ``plt.gca()``.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.axes.Axes
        An image of ``(max_frequency + 1) x (max_recency + 1)`` cells (frequency 0 is shown only at
        recency 0, the only possible value), with a colour bar.

    Raises
    ------
    ValueError
        If the limits are not positive whole numbers or ``T < max_recency``.

    Examples
    --------
    >>> from helpers.clv import fit_bgnbd, simulate_bgnbd
    >>> fit = fit_bgnbd(simulate_bgnbd(2000, r=0.5, alpha=5, a=0.8, b=2.5, T=40, seed=2))
    >>> ax = plot_p_alive_matrix(fit, max_frequency=10, max_recency=40, ax=plt.figure().gca())
    >>> ax.images[0].get_array().shape
    (11, 41)
    """
    fitted = data.diagnostics.get("data", {})
    mf = int(fitted.get("max_frequency", 10)) if max_frequency is None else max_frequency
    mr = int(np.ceil(fitted.get("max_T", 52))) if max_recency is None else max_recency
    for name, v in (("max_frequency", mf), ("max_recency", mr)):
        if isinstance(v, bool) or int(v) != v or v < 1:
            raise ValueError(f"{name} must be a whole number >= 1; got {v!r}")
    mf, mr = int(mf), int(mr)
    T = float(mr) if T is None else float(T)
    if T < mr:
        raise ValueError(f"T ({T}) must be >= max_recency ({mr}): recency cannot exceed the age T")
    f, rcy = np.meshgrid(np.arange(mf + 1), np.arange(mr + 1), indexing="ij")
    ok = (f > 0) | (rcy == 0)
    grid = pd.DataFrame({"frequency": f[ok], "recency": rcy[ok].astype(float), "T": T})
    mat = np.full(f.shape, np.nan)
    mat[ok] = data.p_alive(grid).to_numpy()
    ax = get_ax(ax)
    im = ax.imshow(np.ma.masked_invalid(mat), origin="lower", aspect="auto", cmap=P_ALIVE_CMAP,
                   vmin=0, vmax=1, interpolation="nearest")
    ax.figure.colorbar(im, ax=ax, label="P(alive)")
    ax.grid(False)
    return label(ax, title=title, xlabel="Recency (time of last purchase)",
                 ylabel="Frequency (repeat purchases)", note=f"Customer age T = {T:g} periods")


# ---------------------------------------------------------------------------------------------------
# Relationship groups (quadrant map, shares, predicted profit, migration)
# ---------------------------------------------------------------------------------------------------
def _quadrant_positions():
    """(x side, y side) of each group on the map, from the vocabulary: loyalty (duration) across,
    profitability up; 1 = long / high."""
    return {g["name"]: (int(g["duration"] == "long"), int(g["profitability"] == "high"))
            for g in frameworks.RELATIONSHIP_GROUPS}


def _splits_pair(splits, table):
    if splits is None:
        splits = table.attrs.get("splits")
    if isinstance(splits, dict):
        splits = (splits.get("profit"), splits.get("loyalty"))
    if splits is None or len(splits) != 2 or any(v is None for v in splits):
        raise ValueError("splits: pass the split values, e.g. relationships.settings['splits'] or "
                         "(profit_split, loyalty_split), or a table from assign_groups")
    return float(splits[0]), float(splits[1])


def relationship_map_scales(data, *, profit="profit_per_order", loyalty="lifetime", log=True) -> dict:
    """The axis scales :func:`plot_relationship_map` draws for these customers, and why.

    Profitability is drawn on a logarithmic axis when every value is above zero, on a symmetric
    logarithmic one (linear within +-:data:`SYMLOG_LINEAR_WITHIN`, logarithmic beyond in both
    directions) when some customers have zero or a loss; loyalty on a logarithmic axis when every
    value is above zero, with the long-gone customers (below the 1st percentile, or below 1/10,000 of
    the largest value) drawn at its left edge so that the axis does not span ten decades.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per customer with the ``profit`` and ``loyalty`` columns.
    profit, loyalty : str
        Column names.
    log : bool, default True
        False: both axes linear.

    Returns
    -------
    dict
        ``profit_scale`` (``"symlog"``, ``"log"`` or ``"linear"``), ``linear_within`` (the linear
        band of a symmetric log axis, else None), ``loyalty_scale`` (``"log"`` or ``"linear"``),
        ``loyalty_floor`` (where long-gone customers are drawn, else None) and ``clipped`` (how
        many are drawn there).

    Examples
    --------
    >>> d = pd.DataFrame({"profit_per_order": [-2.0, 5.0, 50.0], "lifetime": [1.0, 10.0, 100.0]})
    >>> s = relationship_map_scales(d)
    >>> s["profit_scale"], s["linear_within"], s["loyalty_scale"], s["clipped"]
    ('symlog', 1.0, 'log', 1)
    """
    _need_columns(data, [profit, loyalty], "helpers.relationship.customer_relationships")
    y = pd.to_numeric(data[profit], errors="coerce")
    x = pd.to_numeric(data[loyalty], errors="coerce")
    out = {"profit_scale": "linear", "linear_within": None, "loyalty_scale": "linear",
           "loyalty_floor": None, "clipped": 0}
    if not log:
        return out
    if (y <= 0).any():
        out.update(profit_scale="symlog", linear_within=SYMLOG_LINEAR_WITHIN)
    else:
        out["profit_scale"] = "log"
    if (x > 0).all() and len(x):
        # a log axis would stretch over many decades for long-gone customers (values near 0):
        # they are drawn at the left edge, and the note says how many
        floor = max(float(x.quantile(0.01)), float(x.max()) * 1e-4)
        out.update(loyalty_scale="log", loyalty_floor=floor, clipped=int((x < floor).sum()))
    return out


def plot_relationship_map(data, *, profit="profit_per_order", loyalty="lifetime", group="group",
                          splits=None, log=True, ax=None,
                          title="Relationship groups: profitability against loyalty",
                          profit_label=None, loyalty_label=None):
    """Scatter of customers on the two axes of Reinartz & Kumar, with the split lines and groups.

    Loyalty runs across (short to long), profitability up (low to high), so the four quadrants sit
    where the framework draws them: Butterflies top left, True Friends top right, Strangers bottom
    left, Barnacles bottom right. Each quadrant is labelled with its group's count and share.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per customer with the ``profit``, ``loyalty`` and ``group`` columns (e.g.
        ``customer_relationships(...).table``).
    profit, loyalty, group : str
        Column names.
    splits : dict or (float, float), optional
        The split values: a dict with ``profit`` and ``loyalty`` (``Relationships.settings["splits"]``)
        or a pair ``(profit_split, loyalty_split)``; default ``data.attrs["splits"]`` (set by
        :func:`helpers.relationship.assign_groups`).
    log : bool, default True
        Log axes (both measures are skewed), as :func:`relationship_map_scales` decides: profit on
        a symmetric log axis (linear within +-1) when some values are <= 0; loyalty on a log axis
        when all values are > 0.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default ``plt.gca()``.
    title, profit_label, loyalty_label : str, optional
        Title and axis labels (default: the column names).

    Returns
    -------
    matplotlib.axes.Axes
        One scatter collection per group with customers (in :data:`GROUP_COLORS`), a dashed line at
        each split and four quadrant labels.

    Raises
    ------
    ValueError
        If a column is missing or the split values are not given.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"profit_per_order": [1.0, 9.0, 1.0, 9.0], "lifetime": [2.0, 2.0, 30.0, 30.0],
    ...                   "group": ["Strangers", "Butterflies", "Barnacles", "True Friends"]})
    >>> ax = plot_relationship_map(d, splits=(5, 10), ax=plt.figure().gca())
    >>> len(ax.collections), len(ax.texts)  # four quadrant labels and the footnote
    (4, 5)
    """
    _need_columns(data, [profit, loyalty, group], "helpers.relationship.customer_relationships")
    ps, ls = _splits_pair(splits, data)
    ax = get_ax(ax)
    y = pd.to_numeric(data[profit], errors="coerce")
    x = pd.to_numeric(data[loyalty], errors="coerce")
    g = data[group].astype("object")
    n_all = int((g.notna() & x.notna() & y.notna()).sum())
    scales = relationship_map_scales(data, profit=profit, loyalty=loyalty, log=log)
    clipped, floor = scales["clipped"], scales["loyalty_floor"]
    if floor is not None:
        x = x.clip(lower=floor)
    known = [t["name"] for t in frameworks.RELATIONSHIP_GROUPS]
    names = known + sorted(set(g.dropna()) - set(known), key=str)
    for name, color in zip(names, GROUP_COLORS.colors(names)):
        m = (g == name).to_numpy() & x.notna().to_numpy() & y.notna().to_numpy()
        if m.any():
            ax.scatter(x[m], y[m], s=6, alpha=0.45, color=color, linewidths=0,
                       rasterized=True, label=name)
    ax.axvline(ls, color="black", linestyle="--", linewidth=1)
    ax.axhline(ps, color="black", linestyle="--", linewidth=1)
    if log:
        if scales["loyalty_scale"] == "log":
            ax.set_xscale("log")
        if scales["profit_scale"] == "symlog":
            ax.set_yscale("symlog", linthresh=scales["linear_within"], linscale=0.5)
        else:
            ax.set_yscale("log")
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    for name, (sx, sy) in _quadrant_positions().items():
        n = int((g == name).sum())
        share = n / n_all if n_all else float("nan")
        ax.text(0.99 if sx else 0.01, 0.98 if sy else 0.02, f"{name}\n{n:,} ({share:.0%})",
                transform=ax.transAxes, ha="right" if sx else "left", va="top" if sy else "bottom",
                fontsize=9, fontweight="bold", color=GROUP_COLORS[name],
                bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 2})
    note = (f"dashed lines: the splits, at {ls:.3g} across and {ps:.3g} up; "
            f"on a line counts as the upper side; n = {n_all:,}")
    if clipped:
        note += f"; {clipped:,} customers below {floor:.2g} drawn at the left edge"
    return label(ax, title=title, xlabel=loyalty_label or loyalty, ylabel=profit_label or profit,
                 note=note)


def plot_group_shares(data, *, ax=None, title="Customers, profit and value by relationship group"):
    """Share of customers, of realised profit and of predicted value in each relationship group.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`helpers.relationship.group_summary` (index: group; columns ``share``,
        ``profit_share`` and, if present, ``value_share``).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default ``plt.gca()``.
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
        Two or three bars per group (customers solid, profit hatched, value dotted), labelled.

    Raises
    ------
    ValueError
        If ``share`` or ``profit_share`` is missing.

    Examples
    --------
    >>> import pandas as pd
    >>> gs = pd.DataFrame({"share": [.5, .5], "profit_share": [.2, .8], "value_share": [.1, .9]},
    ...                   index=["Strangers", "True Friends"])
    >>> len(plot_group_shares(gs, ax=plt.figure().gca()).patches)
    6
    """
    _need_columns(data, ["share", "profit_share"], "helpers.relationship.group_summary")
    ax = get_ax(ax)
    cols = [("share", "customers", {}), ("profit_share", "realised profit", {"hatch": "//"})]
    if "value_share" in data.columns:
        cols.append(("value_share", "predicted value", {"hatch": ".."}))
    names = [str(i) for i in data.index]
    colors = GROUP_COLORS.colors(names)
    x = np.arange(len(names))
    w = 0.8 / len(cols)
    for k, (col, _, style) in enumerate(cols):
        vals = data[col].to_numpy(dtype=float)
        pos = x + (k - (len(cols) - 1) / 2) * w
        ax.bar(pos, vals, w, color=colors, alpha=1.0 if k == 0 else 0.55, edgecolor="white", **style)
        for xi, v in zip(pos, vals):
            if np.isfinite(v):
                ax.annotate(f"{v:.0%}", (xi, max(v, 0)), ha="center", va="bottom", fontsize=8,
                            color="black" if k == 0 else MUTED)
    ax.set_xticks(x, names)
    ax.yaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
    ax.legend(handles=[mpl.patches.Patch(facecolor=MUTED, alpha=1.0 if k == 0 else 0.55,
                                         edgecolor="white", label=lab, **style)
                       for k, (_, lab, style) in enumerate(cols)])
    n = data["customers"].sum() if "customers" in data.columns else None
    return label(ax, title=title, xlabel="relationship group", ylabel="share",
                 note=f"n = {int(n):,} customers" if n is not None else None)


def plot_group_value(data, *, ax=None, title="Predicted profit per strategy",
                     currency=""):
    """Predicted value of each relationship group with its interval, labelled with the strategy.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`helpers.relationship.group_summary` with ``value`` (and ``value_lower``,
        ``value_upper`` for the interval; ``strategy`` for the labels), e.g.
        ``customer_relationships(...).groups``.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default ``plt.gca()``.
    title : str, optional
    currency : str, optional
        Unit written on the axis label (e.g. ``"EUR"``).

    Returns
    -------
    matplotlib.axes.Axes
        One horizontal bar per group (top to bottom in the table's order), with its interval.

    Raises
    ------
    ValueError
        If ``value`` is missing.

    Examples
    --------
    >>> import pandas as pd
    >>> gs = pd.DataFrame({"value": [10.0, 50.0], "value_lower": [8.0, 45.0],
    ...                    "value_upper": [12.0, 55.0], "strategy": ["a", "b"]},
    ...                   index=["Strangers", "True Friends"])
    >>> len(plot_group_value(gs, ax=plt.figure().gca()).patches)
    2
    """
    _need_columns(data, ["value"], "helpers.relationship.group_summary(..., value='clv')")
    ax = get_ax(ax)
    names = [str(i) for i in data.index]
    pos = np.arange(len(names))[::-1]
    val = data["value"].to_numpy(dtype=float)
    ax.barh(pos, val, color=GROUP_COLORS.colors(names), height=0.6)
    has_ci = {"value_lower", "value_upper"} <= set(data.columns)
    if has_ci:
        lo = data["value_lower"].to_numpy(dtype=float)
        hi = data["value_upper"].to_numpy(dtype=float)
        ok = np.isfinite(lo) & np.isfinite(hi)
        ax.errorbar(val[ok], pos[ok], xerr=[val[ok] - lo[ok], hi[ok] - val[ok]], fmt="none",
                    ecolor="black", elinewidth=1.2, capsize=4)
    right = np.nanmax(np.r_[val, data["value_upper"].to_numpy(dtype=float)] if has_ci else val)
    for i, (p_, v) in enumerate(zip(pos, val)):
        text = f"{v:,.0f}"
        if "strategy" in data.columns:
            text += f"  {data['strategy'].iloc[i]}"
        ax.annotate(text, (max(v, 0), p_), xytext=(8, 0), textcoords="offset points", va="center",
                    ha="left", fontsize=8)
    ax.set_xlim(0, right * 1.9 if right > 0 else 1)
    ax.set_yticks(pos, names)
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    unit = f" ({currency})" if currency else ""
    return label(ax, title=title, xlabel=f"predicted discounted profit{unit}",
                 note="bars: estimate; whiskers: 95% parametric-bootstrap interval" if has_ci else None)


def plot_group_migration(data, *, ax=None, title="Where customers moved between snapshots"):
    """Heatmap of group migration: row = group before, column = group now, cell = row share (count).

    Parameters
    ----------
    data : pandas.DataFrame
        Counts from :func:`helpers.relationship.migration` (rows: groups before and ``"(new)"``;
        columns: groups now and ``"(no group)"``).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default ``plt.gca()``.
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
        One annotated cell per (before, now) pair, shaded by the row share; the diagonal (customers
        who stayed) framed.

    Raises
    ------
    ValueError
        If ``data`` is empty or holds negative values.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame([[8, 2], [1, 9]], index=["Strangers", "True Friends"],
    ...                  columns=["Strangers", "True Friends"])
    >>> len(plot_group_migration(c, ax=plt.figure().gca()).texts)  # four cells and the footnote
    5
    """
    if data.size == 0 or (data.to_numpy() < 0).any():
        raise ValueError("data must be a non-empty table of counts (helpers.relationship.migration)")
    ax = get_ax(ax)
    values = data.to_numpy(dtype=float)
    rows = values.sum(axis=1, keepdims=True)
    shares = np.divide(values, rows, out=np.full_like(values, np.nan), where=rows > 0)
    ax.imshow(np.ma.masked_invalid(shares), cmap="Blues", vmin=0, vmax=1, aspect="auto",
              interpolation="nearest")
    ax.grid(False)
    ax.set_xticks(range(data.shape[1]), [str(c) for c in data.columns])
    ax.set_yticks(range(data.shape[0]), [str(i) for i in data.index])
    for i in range(data.shape[0]):
        for j in range(data.shape[1]):
            sh = shares[i, j]
            txt = f"{sh:.0%}\n({int(values[i, j]):,})" if np.isfinite(sh) else ""
            ax.text(j, i, txt, ha="center", va="center", fontsize=8,
                    color="white" if np.isfinite(sh) and sh > 0.5 else "black")
            if str(data.index[i]) == str(data.columns[j]):
                ax.add_patch(mpl.patches.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False,
                                                   edgecolor="black", linewidth=1.2))
    return label(ax, title=title, xlabel=data.columns.name or "group now",
                 ylabel=data.index.name or "group before",
                 note="cell: share of the row's customers (count); framed: stayed in the group")


