"""One house style for every figure in the collection.

Conventions (seaborn's): every figure function takes a DataFrame first, everything else by keyword,
draws on ``ax`` (default: ``plt.gca()``) and returns the Axes (or the Figure when it draws several).
No function calls ``plt.show()`` or changes global state; notebooks call :func:`use_house_style` once.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import matplotlib.patches  # noqa: F401  (mpl.patches: legend handles)
import matplotlib.ticker  # noqa: F401  (mpl.ticker: axis formatters)
import numpy as np
import pandas as pd

#: Colours with a fixed meaning across the collection.
NPS_COLORS = {"detractor": "#d1495b", "passive": "#edae49", "promoter": "#00798c"}
GROUP_COLORS = {
    "Strangers": "#9e9e9e",
    "Butterflies": "#edae49",
    "Barnacles": "#6c8ebf",
    "True Friends": "#00798c",
}
STAGE_COLORS = {
    "prospect": "#c7c7c7",
    "new": "#8fd694",
    "active": "#00798c",
    "reactivated": "#30638e",
    "at risk": "#edae49",
    "lapsed": "#d1495b",
}
ACCENT = "#30638e"
MUTED = "#8c8c8c"

_RC = {
    "figure.figsize": (8, 4.5),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.frameon": False,
    "font.size": 10,
}


def use_house_style():
    """Apply the house style to matplotlib for the rest of the session (notebooks call it once).

    Returns
    -------
    None

    Examples
    --------
    >>> use_house_style()
    """
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook")
    mpl.rcParams.update(_RC)


def get_ax(ax=None):
    """Return ``ax`` or, when it is None, the current Axes (``plt.gca()``).

    Parameters
    ----------
    ax : matplotlib.axes.Axes or None

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> get_ax(ax) is ax
    True
    """
    return plt.gca() if ax is None else ax


def label(ax, title=None, xlabel=None, ylabel=None, note=None):
    """Set title, axis labels and an optional small footnote (source, n, method) on ``ax``.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    title, xlabel, ylabel : str, optional
    note : str, optional
        Printed small and grey under the axes, e.g. ``"95% CI, adjusted Wald"``.

    Returns
    -------
    matplotlib.axes.Axes
        The same Axes.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> ax = label(plt.figure().gca(), title="NPS", note="n = 120")
    >>> ax.get_title(loc="left")
    'NPS'
    """
    if title is not None:
        ax.set_title(title, loc="left")
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    if note:
        ax.annotate(note, xy=(0, -0.18), xycoords="axes fraction", fontsize=8, color=MUTED,
                    ha="left", va="top")
    return ax


# ---------------------------------------------------------------------------------------------------
# --- Lifecycle ---
# (02_lifecycle: stages, RFM segments, loyalty ladder, transitions, cohorts, survival)
# ---------------------------------------------------------------------------------------------------
#: Colours for series without a fixed meaning (groups in survival curves), in order.
SERIES_COLORS = ["#30638e", "#00798c", "#edae49", "#d1495b", "#6c8ebf", "#8fd694", "#9e9e9e"]
#: Colours of the loyalty ladder rungs, lowest first.
LADDER_COLORS = {
    "prospect": "#c7c7c7",
    "first-time customer": "#8fd694",
    "repeat customer": "#6c8ebf",
    "client": "#30638e",
    "advocate": "#00798c",
}


def _ordered_levels(series):
    """Categories of a categorical Series in their order, else its sorted unique values."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return list(series.cat.categories)
    return sorted(series.dropna().unique())


def _annotated_heatmap(ax, table, *, fmt, cmap, vmin=None, vmax=None, text_size=8):
    """Draw ``table`` (a DataFrame, NaN = blank) as an annotated heatmap on ``ax``."""
    values = table.to_numpy(dtype=float)
    masked = np.ma.masked_invalid(values)
    finite = values[np.isfinite(values)]
    lo = vmin if vmin is not None else (finite.min() if finite.size else 0.0)
    hi = vmax if vmax is not None else (finite.max() if finite.size else 1.0)
    ax.imshow(masked, cmap=cmap, vmin=lo, vmax=hi if hi > lo else lo + 1, aspect="auto",
              interpolation="nearest")
    ax.grid(False)
    ax.set_xticks(range(table.shape[1]), [str(c) for c in table.columns])
    ax.set_yticks(range(table.shape[0]), [str(i) for i in table.index])
    mid = (lo + hi) / 2
    for i in range(table.shape[0]):
        for j in range(table.shape[1]):
            v = values[i, j]
            if np.isfinite(v):
                ax.text(j, i, format(v, fmt), ha="center", va="center", fontsize=text_size,
                        color="white" if v > mid else "black")
    return ax


def plot_stage_bars(stages, *, stage="stage", revenue="revenue", ax=None):
    """Share of customers and share of revenue in each lifecycle stage.

    Parameters
    ----------
    stages : pandas.DataFrame
        One row per customer, e.g. from ``helpers.lifecycle.lifecycle_stage``.
    stage, revenue : str
        Columns with the stage and the revenue of each customer.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        Two bars per stage: customers (solid, stage colour) and revenue (light, hatched).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"stage": ["new", "active", "active"], "revenue": [10.0, 50.0, 40.0]})
    >>> import matplotlib.pyplot as plt
    >>> ax = plot_stage_bars(df, ax=plt.figure().gca())
    >>> len(ax.patches)
    4
    """
    ax = get_ax(ax)
    levels = _ordered_levels(stages[stage])
    counts = stages[stage].value_counts().reindex(levels, fill_value=0)
    levels = [lv for lv in levels if counts[lv] > 0]
    counts = counts[levels]
    rev = stages.groupby(stage, observed=True)[revenue].sum().reindex(levels, fill_value=0.0)
    cust_share = counts / counts.sum()
    total = rev.sum()
    rev_share = rev / total if total else rev * np.nan
    x = np.arange(len(levels))
    w = 0.4
    colors = [STAGE_COLORS.get(lv, ACCENT) for lv in levels]
    ax.bar(x - w / 2, cust_share.to_numpy(), w, color=colors)
    ax.bar(x + w / 2, rev_share.to_numpy(), w, color=colors, alpha=0.45, hatch="//",
           edgecolor="white")
    for xi, (c, r) in enumerate(zip(cust_share, rev_share)):
        ax.annotate(f"{c:.0%}", (xi - w / 2, c), ha="center", va="bottom", fontsize=8)
        if np.isfinite(r):
            ax.annotate(f"{r:.0%}", (xi + w / 2, max(r, 0)), ha="center", va="bottom", fontsize=8,
                        color=MUTED)
    ax.set_xticks(x, levels)
    ax.yaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
    ax.legend(handles=[mpl.patches.Patch(facecolor=MUTED, label="customers"),
                       mpl.patches.Patch(facecolor=MUTED, alpha=0.45, hatch="//",
                                         edgecolor="white", label="revenue")])
    return label(ax, title="Customers and revenue by lifecycle stage", xlabel="stage",
                 ylabel="share", note=f"n = {int(counts.sum()):,} customers")


def plot_rfm_heatmap(scores, *, value=None, agg="mean", ax=None):
    """R x F grid of customer counts, or of a column's mean (e.g. revenue) per cell.

    Parameters
    ----------
    scores : pandas.DataFrame
        Columns ``R`` and ``F`` (1..5), e.g. ``rfm_scores`` joined with the summary.
    value : str, optional
        Column to aggregate per cell; None counts customers.
    agg : str, default "mean"
        Aggregation of ``value`` (any pandas groupby aggregation name).
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        Rows R = 5 (top) .. 1, columns F = 1 .. 5, each cell annotated.

    Examples
    --------
    >>> import pandas as pd
    >>> import matplotlib.pyplot as plt
    >>> ax = plot_rfm_heatmap(pd.DataFrame({"R": [5, 1, 3], "F": [5, 1, 2]}), ax=plt.figure().gca())
    >>> ax.get_ylabel()
    'R score (5 = most recent)'
    """
    ax = get_ax(ax)
    levels = [1, 2, 3, 4, 5]
    if value is None:
        table = scores.groupby(["R", "F"]).size().unstack("F")
        fmt, title = ",.0f", "Customers by R and F score"
    else:
        table = scores.groupby(["R", "F"])[value].agg(agg).unstack("F")
        fmt, title = ",.0f", f"{agg} {value} by R and F score"
    table = table.reindex(index=levels[::-1], columns=levels)
    if value is None:
        table = table.fillna(0)
    _annotated_heatmap(ax, table, fmt=fmt, cmap="Blues")
    return label(ax, title=title, xlabel="F score (5 = most frequent)",
                 ylabel="R score (5 = most recent)")


def plot_segment_bars(segments, *, segment="segment", value=None, ax=None):
    """Horizontal bars: share of customers per RFM segment, optionally with each one's value share.

    Parameters
    ----------
    segments : pandas.DataFrame
        One row per customer with a ``segment`` column (e.g. from ``rfm_segments``).
    segment : str
        Column with the segment.
    value : str, optional
        Column to sum per segment (e.g. ``"revenue"``); its share is written next to each bar.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        One bar per segment with customers, in the segment order (first at the top).

    Examples
    --------
    >>> import pandas as pd
    >>> import matplotlib.pyplot as plt
    >>> ax = plot_segment_bars(pd.DataFrame({"segment": ["Champions", "Lost", "Lost"]}),
    ...                        ax=plt.figure().gca())
    >>> len(ax.patches)
    2
    """
    ax = get_ax(ax)
    levels = _ordered_levels(segments[segment])
    counts = segments[segment].value_counts().reindex(levels, fill_value=0)
    counts = counts[counts > 0]
    share = counts / counts.sum()
    y = np.arange(len(counts))[::-1]
    ax.barh(y, share.to_numpy(), color=ACCENT)
    text = [f"{s:.0%} (n = {n:,})" for s, n in zip(share, counts)]
    if value is not None:
        v = segments.groupby(segment, observed=True)[value].sum().reindex(counts.index)
        vs = v / v.sum()
        text = [f"{t}, {value} {r:.0%}" for t, r in zip(text, vs)]
    for yi, s, t in zip(y, share, text):
        ax.annotate(t, (s, yi), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set_yticks(y, [str(i) for i in counts.index])
    ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
    ax.set_xlim(0, share.max() * 1.45)
    return label(ax, title="Customers by RFM segment", xlabel="share of customers")


def plot_ladder_funnel(ladder, *, rung="rung", ax=None):
    """Loyalty ladder as a centred funnel: one bar per rung, lowest rung at the bottom.

    Parameters
    ----------
    ladder : pandas.DataFrame
        One row per customer with a ``rung`` column (e.g. from ``loyalty_ladder``).
    rung : str
        Column with the rung.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        One bar per rung (empty rungs included, width 0), annotated with count and share.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"rung": pd.Categorical(["prospect", "client"],
    ...                                          categories=["prospect", "client", "advocate"])})
    >>> import matplotlib.pyplot as plt
    >>> len(plot_ladder_funnel(df, ax=plt.figure().gca()).patches)
    3
    """
    ax = get_ax(ax)
    levels = _ordered_levels(ladder[rung])
    counts = ladder[rung].value_counts().reindex(levels, fill_value=0)
    share = counts / max(counts.sum(), 1)
    y = np.arange(len(levels))
    widths = counts.to_numpy(dtype=float)
    ax.barh(y, widths, left=-widths / 2, color=[LADDER_COLORS.get(lv, ACCENT) for lv in levels])
    for yi, n, s in zip(y, counts, share):
        ax.annotate(f"{n:,} ({s:.0%})", (0, yi), ha="center", va="center", fontsize=8)
    ax.set_yticks(y, levels)
    ax.set_xticks([])
    ax.grid(False)
    return label(ax, title="Loyalty ladder", note="suspects (the target market) are not in the data")


def plot_transitions(shares, *, ax=None):
    """Heatmap of stage transitions: row = earlier stage, column = later stage, cell = row share.

    Parameters
    ----------
    shares : pandas.DataFrame
        Row shares, e.g. ``stage_transitions(...).shares``; rows that are all NaN (no customers)
        are left out.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> sh = pd.DataFrame([[0.5, 0.5], [0.0, 1.0]], index=["active", "lapsed"],
    ...                   columns=["active", "lapsed"])
    >>> import matplotlib.pyplot as plt
    >>> len(plot_transitions(sh, ax=plt.figure().gca()).texts)
    4
    """
    ax = get_ax(ax)
    table = shares.dropna(how="all")
    _annotated_heatmap(ax, table, fmt=".0%", cmap="Blues", vmin=0.0, vmax=1.0)
    dates = shares.attrs
    note = f"from {dates['from_date']} to {dates['to_date']}" if "from_date" in dates else None
    return label(ax, title="Where customers went (row shares)", xlabel="stage later",
                 ylabel="stage earlier", note=note)


def plot_cohort_retention(shares, *, ax=None, annotate=True):
    """Heatmap of cohort retention: rows = cohorts, columns = periods since first purchase.

    Parameters
    ----------
    shares : pandas.DataFrame
        E.g. ``cohort_retention(...).shares`` (NaN = not observed yet, left blank).
    ax : matplotlib.axes.Axes, optional
    annotate : bool, default True
        Write the percentage in each cell (skipped automatically beyond 30 columns).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> sh = pd.DataFrame([[1.0, 0.4], [1.0, float("nan")]], index=["2024-01", "2024-02"])
    >>> import matplotlib.pyplot as plt
    >>> len(plot_cohort_retention(sh, ax=plt.figure().gca()).texts)
    3
    """
    ax = get_ax(ax)
    table = shares
    if annotate and table.shape[1] <= 30:
        _annotated_heatmap(ax, table, fmt=".0%", cmap="Blues", vmin=0.0, vmax=1.0, text_size=7)
    else:
        ax.imshow(np.ma.masked_invalid(table.to_numpy(dtype=float)), cmap="Blues", vmin=0, vmax=1,
                  aspect="auto", interpolation="nearest")
        ax.grid(False)
        ax.set_yticks(range(table.shape[0]), [str(i) for i in table.index])
    return label(ax, title="Cohort retention: share of each cohort buying",
                 xlabel="periods since first purchase", ylabel="cohort")


def plot_survival(curves, *, medians=None, ax=None):
    """Kaplan-Meier curves of time to lapse, one step line with confidence band per group.

    Parameters
    ----------
    curves : pandas.DataFrame
        Columns ``group``, ``time``, ``survival``, ``lower``, ``upper`` (e.g.
        ``lapse_survival(...).curves``).
    medians : pandas.DataFrame, optional
        Indexed by group with ``n`` and ``median`` (e.g. ``lapse_survival(...).medians``), shown in
        the legend.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        One line and one band per group.

    Examples
    --------
    >>> import pandas as pd
    >>> cv = pd.DataFrame({"group": "all", "time": [0, 10, 15], "survival": [1, 0.6, 0.4],
    ...                    "lower": [1, 0.3, 0.1], "upper": [1, 0.8, 0.7]})
    >>> import matplotlib.pyplot as plt
    >>> len(plot_survival(cv, ax=plt.figure().gca()).lines)
    1
    """
    ax = get_ax(ax)
    for i, (g, d) in enumerate(curves.groupby("group", sort=True)):
        color = SERIES_COLORS[i % len(SERIES_COLORS)]
        name = str(g)
        if medians is not None and g in medians.index:
            med = medians.loc[g, "median"]
            med_txt = f"{med:,.0f} days" if np.isfinite(med) else "not reached"
            name = f"{g} (n = {int(medians.loc[g, 'n']):,}, median {med_txt})"
        ax.step(d["time"], d["survival"], where="post", color=color, label=name)
        ax.fill_between(d["time"], d["lower"], d["upper"], step="post", color=color, alpha=0.2,
                        linewidth=0)
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
    ax.legend()
    return label(ax, title="Time from first purchase to lapse (Kaplan-Meier)",
                 xlabel="days since first purchase", ylabel="share not yet lapsed",
                 note="shaded: pointwise confidence band")


# ---------------------------------------------------------------------------------------------------
# Data check (00_data_check)
# ---------------------------------------------------------------------------------------------------
