"""Figures of the lifecycle report (02_lifecycle): purchase gaps, stages, RFM, loyalty ladder,
transitions, cohorts and survival."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt  # noqa: F401  (doctest examples)
import numpy as np
import pandas as pd

from helpers.plots.style import (ACCENT, LADDER_COLORS, MUTED, SERIES_COLORS, STAGE_COLORS,
                                 _annotated_heatmap, _ordered_levels, _text_color, get_ax, label)

__all__ = ["plot_purchase_gaps", "plot_stage_bars", "plot_rfm_heatmap", "plot_segment_bars",
           "plot_ladder_funnel", "plot_transitions", "plot_cohort_retention", "plot_survival"]



def plot_purchase_gaps(data, *, thresholds=None, ax=None, clip_quantile=0.99, bins=60):
    """Histogram of the days between purchases, with the stage windows marked.

    Parameters
    ----------
    data : pandas.Series or array-like
        Days between consecutive purchase days (``helpers.lifecycle.purchase_gaps``).
    thresholds : dict, optional
        ``active_window`` and ``lapse_window`` (days) to draw as vertical lines.
    clip_quantile : float, default 0.99
        Gaps above this quantile are drawn in the last bin (the note says how many), so that a
        long tail does not squeeze the histogram.
    bins : int, default 60
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        One bar per bin and one line per window.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> ax = plot_purchase_gaps([3, 10, 12, 30, 45], thresholds={"active_window": 12,
    ...                         "lapse_window": 40}, ax=plt.figure().gca(), bins=5)
    >>> len(ax.lines)
    2
    """
    ax = get_ax(ax)
    values = np.asarray(data, dtype=float)
    if values.size == 0:
        raise ValueError("data is empty: no purchase gaps (nobody bought on two different days)")
    top = float(np.quantile(values, clip_quantile))
    lines = dict(thresholds or {})
    marks = [float(lines[k]) for k in ("active_window", "lapse_window") if k in lines]
    top = max([top] + [1.1 * m for m in marks])
    clipped = int((values > top).sum())
    ax.hist(np.minimum(values, top), bins=bins, range=(0, top), color=ACCENT, alpha=0.8)
    for key, color, text in (("active_window", STAGE_COLORS["active"], "active window"),
                             ("lapse_window", STAGE_COLORS["lapsed"], "lapse window")):
        if key in lines:
            ax.axvline(lines[key], color=color, linestyle="--",
                       label=f"{text}: {lines[key]:,.0f} days")
    if lines:
        ax.legend()
    note = f"n = {values.size:,} gaps"
    if clipped:
        note += f"; {clipped:,} gaps over {top:,.0f} days drawn in the last bin"
    return label(ax, title="Days between a customer's purchases", xlabel="days since the previous "
                 "purchase", ylabel="repeat purchases", note=note)


def plot_stage_bars(data, *, stage="stage", revenue="revenue", revenue_label="revenue", ax=None):
    """Share of customers and share of revenue in each lifecycle stage.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per customer, e.g. from ``helpers.lifecycle.lifecycle_stage``.
    stage, revenue : str
        Columns with the stage and the revenue of each customer.
    revenue_label : str, default "revenue"
        Legend text of the revenue bars (e.g. ``"revenue, last 12 months"``).
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
    levels = _ordered_levels(data[stage])
    counts = data[stage].value_counts().reindex(levels, fill_value=0)
    levels = [lv for lv in levels if counts[lv] > 0]
    counts = counts[levels]
    rev = data.groupby(stage, observed=True)[revenue].sum().reindex(levels, fill_value=0.0)
    cust_share = counts / counts.sum()
    total = rev.sum()
    rev_share = rev / total if total else rev * np.nan
    x = np.arange(len(levels))
    w = 0.4
    colors = STAGE_COLORS.colors(levels)
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
                                         edgecolor="white", label=revenue_label)])
    return label(ax, title="Customers and revenue by lifecycle stage", xlabel="stage",
                 ylabel="share", note=f"n = {int(counts.sum()):,} customers")


def plot_rfm_heatmap(data, *, value=None, agg="mean", ax=None):
    """R x F grid of customer counts, or of a column's mean (e.g. revenue) per cell.

    Parameters
    ----------
    data : pandas.DataFrame
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
        table = data.groupby(["R", "F"]).size().unstack("F")
        fmt, title = ",.0f", "Customers by R and F score"
    else:
        table = data.groupby(["R", "F"])[value].agg(agg).unstack("F")
        fmt, title = ",.0f", f"{agg} {value} by R and F score"
    table = table.reindex(index=levels[::-1], columns=levels)
    if value is None:
        table = table.fillna(0)
    _annotated_heatmap(ax, table, fmt=fmt, cmap="Blues")
    return label(ax, title=title, xlabel="F score (5 = most frequent)",
                 ylabel="R score (5 = most recent)")


def plot_segment_bars(data, *, segment="segment", value=None, value_label=None, ax=None):
    """Horizontal bars: share of customers per RFM segment, optionally with each one's value share.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per customer with a ``segment`` column (e.g. from ``rfm_segments``).
    segment : str
        Column with the segment.
    value : str, optional
        Column to sum per segment (e.g. ``"revenue"``); its share is written next to each bar.
    value_label : str, optional
        How the value is named next to the bars (default: the column name).
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
    levels = _ordered_levels(data[segment])
    counts = data[segment].value_counts().reindex(levels, fill_value=0)
    counts = counts[counts > 0]
    share = counts / counts.sum()
    y = np.arange(len(counts))[::-1]
    ax.barh(y, share.to_numpy(), color=ACCENT)
    text = [f"{s:.0%} (n = {n:,})" for s, n in zip(share, counts)]
    if value is not None:
        v = data.groupby(segment, observed=True)[value].sum().reindex(counts.index)
        vs = v / v.sum()
        text = [f"{t}, {value_label or value} {r:.0%}" for t, r in zip(text, vs)]
    for yi, s, t in zip(y, share, text):
        ax.annotate(t, (s, yi), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set_yticks(y, [str(i) for i in counts.index])
    ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
    ax.set_xlim(0, share.max() * 1.45)
    return label(ax, title="Customers by RFM segment", xlabel="share of customers")


def plot_ladder_funnel(data, *, rung="rung", ax=None):
    """Loyalty ladder as a centred funnel: one bar per rung, lowest rung at the bottom.

    Parameters
    ----------
    data : pandas.DataFrame
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
    levels = _ordered_levels(data[rung])
    counts = data[rung].value_counts().reindex(levels, fill_value=0)
    share = counts / max(counts.sum(), 1)
    y = np.arange(len(levels))
    widths = counts.to_numpy(dtype=float)
    colors = LADDER_COLORS.colors(levels)
    ax.barh(y, widths, left=-widths / 2, color=colors)
    for yi, n, s, c in zip(y, counts, share, colors):
        ax.annotate(f"{n:,} ({s:.0%})", (0, yi), ha="center", va="center", fontsize=8,
                    color=_text_color(c))
    ax.set_yticks(y, levels)
    ax.set_xticks([])
    ax.grid(False)
    return label(ax, title="Loyalty ladder: each customer on the highest rung reached",
                 note="suspects (the target market) are not in the data")


def plot_transitions(data, *, counts=None, ax=None):
    """Heatmap of stage transitions: row = earlier stage, column = later stage, cell = row share.

    Parameters
    ----------
    data : pandas.DataFrame
        Row shares, e.g. ``stage_transitions(...).shares``; rows that are all NaN (no customers)
        are left out.
    counts : pandas.DataFrame, optional
        The matching counts (``stage_transitions(...).counts``); each row label then shows its
        number of customers.
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
    table = data.dropna(how="all")
    _annotated_heatmap(ax, table, fmt=".0%", cmap="Blues", vmin=0.0, vmax=1.0)
    if counts is not None:
        n = counts.sum(axis=1).reindex(table.index)
        ax.set_yticks(range(len(table)), [f"{i} (n = {int(k):,})" for i, k in n.items()])
    dates = data.attrs
    note = None
    if "from_date" in dates:
        note = (f"stage on {pd.Timestamp(dates['from_date']):%Y-%m-%d} (rows) and on "
                f"{pd.Timestamp(dates['to_date']):%Y-%m-%d} (columns)")
    return label(ax, title="Where customers went (row shares)", xlabel="stage later",
                 ylabel="stage earlier", note=note)


def plot_cohort_retention(data, *, ax=None, annotate=True):
    """Heatmap of cohort retention: rows = cohorts, columns = periods since first purchase.

    Parameters
    ----------
    data : pandas.DataFrame
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
    table = data
    if annotate and table.shape[1] <= 30:
        _annotated_heatmap(ax, table, fmt=".0%", cmap="Blues", vmin=0.0, vmax=1.0, text_size=7)
    else:
        ax.imshow(np.ma.masked_invalid(table.to_numpy(dtype=float)), cmap="Blues", vmin=0, vmax=1,
                  aspect="auto", interpolation="nearest")
        ax.grid(False)
        ax.set_yticks(range(table.shape[0]), [str(i) for i in table.index])
    unit = "periods"
    if isinstance(table.index, pd.PeriodIndex):
        unit = {"M": "months", "Q": "quarters", "W": "weeks"}.get(table.index.freqstr[0], unit)
    return label(ax, title="Cohort retention: share of each cohort buying",
                 xlabel=f"{unit} since the first purchase", ylabel="cohort (first purchase)")


def plot_survival(data, *, medians=None, logrank=None, ax=None):
    """Kaplan-Meier curves of time to lapse, one step line with confidence band per group.

    Parameters
    ----------
    data : pandas.DataFrame
        Columns ``group``, ``time``, ``survival``, ``lower``, ``upper`` (e.g.
        ``lapse_survival(...).curves``).
    medians : pandas.DataFrame, optional
        Indexed by group with ``n`` and ``median`` (e.g. ``lapse_survival(...).medians``), shown in
        the legend.
    logrank : pandas.Series, optional
        ``statistic``, ``df`` and ``pvalue`` of the log-rank test (``lapse_survival(...).logrank``),
        shown in the footnote.
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
    for i, (g, d) in enumerate(data.groupby("group", sort=True)):
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
    note = "shaded: pointwise confidence band"
    if logrank is not None and np.isfinite(logrank["pvalue"]):
        p = logrank["pvalue"]
        p_text = "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
        note += (f"; log-rank test chi2 = {logrank['statistic']:.1f}, df = {int(logrank['df'])}, "
                 f"{p_text}")
    return label(ax, title="Time from first purchase to lapse (Kaplan-Meier)",
                 xlabel="days since first purchase", ylabel="share not yet lapsed", note=note)

