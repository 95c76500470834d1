"""Figures of the customer-actions report (04_customer_actions): who is where (stage x group) and
the predicted profit of the customers assigned to each action."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers.plots.style import ACCENT, _need_columns, _ordered_levels, get_ax, label, priority_colors

__all__ = ["NO_GROUP", "plot_stage_group_heatmap", "plot_predicted_profit_by_action"]

#: Column of the stage x group heatmap for customers without a relationship group (no purchase).
NO_GROUP = "(no purchase)"


def plot_stage_group_heatmap(data, *, stage="lifecycle_stage", group="relationship_group", ax=None,
                             title="Customers by lifecycle stage and relationship group"):
    """Count of customers in each lifecycle stage x relationship group cell, annotated.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per customer with ``stage`` and ``group`` columns (e.g.
        :func:`helpers.actions.customer_view`). Customers without a group (no purchase) form the
        column ``"(no purchase)"``; customers without a stage are left out and counted in the note.
    stage, group : str
        Column names.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default ``plt.gca()``.
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
        Rows = stages in their order, columns = groups in their order (then "(no purchase)" when
        any), each cell annotated with its count and its share of all customers.

    Raises
    ------
    ValueError
        If a column is missing.

    Examples
    --------
    >>> import pandas as pd
    >>> v = pd.DataFrame({"lifecycle_stage": ["active", "active", "prospect"],
    ...                   "relationship_group": ["True Friends", "Strangers", None]})
    >>> ax = plot_stage_group_heatmap(v, ax=plt.figure().gca())
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['Strangers', 'True Friends', '(no purchase)']
    """
    _need_columns(data, [stage, group], "helpers.actions.customer_view")
    ax = get_ax(ax)
    rows = [s for s in _ordered_levels(data[stage]) if (data[stage] == s).any()]
    cols = [g for g in _ordered_levels(data[group]) if (data[group] == g).any()]
    g = data[group].astype("object").where(data[group].notna(), NO_GROUP)
    if (g == NO_GROUP).any():
        cols = cols + [NO_GROUP]
    known = data[stage].notna()
    table = pd.crosstab(data.loc[known, stage].astype("object"), g[known]).reindex(
        index=rows, columns=cols, fill_value=0)
    total = int(table.to_numpy().sum())
    values = table.to_numpy(dtype=float)
    ax.imshow(values, cmap="Blues", vmin=0, vmax=max(values.max(), 1), aspect="auto",
              interpolation="nearest")
    ax.grid(False)
    ax.set_xticks(range(len(cols)), cols)
    ax.set_yticks(range(len(rows)), rows)
    mid = values.max() / 2
    for i in range(len(rows)):
        for j in range(len(cols)):
            v = values[i, j]
            ax.text(j, i, f"{v:,.0f}\n{v / max(total, 1):.0%}", ha="center", va="center", fontsize=8,
                    color="white" if v > mid else "black")
    n_missing = int((~known).sum())
    note = f"n = {total:,} customers" + (f"; {n_missing:,} without a stage not shown" if n_missing else "")
    return label(ax, title=title, xlabel="relationship group", ylabel="lifecycle stage", note=note)


def plot_predicted_profit_by_action(data, *, label_col="label", value="value",
                                    lower="value_lower", upper="value_upper", customers="customers",
                                    ax=None, currency="",
                                    title="Predicted profit of the customers assigned, per action"):
    """Horizontal bars of the customers' predicted profit per action, with its range and count.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per action, e.g. :func:`helpers.actions.predicted_profit_by_action`; drawn top to
        bottom in its order. Bars are coloured by ``priority`` (darker = more urgent, with a legend) when that
        column exists.
    label_col, value, lower, upper, customers : str
        Columns: bar label, value, range ends, customer count (optional in ``data``).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default ``plt.gca()``.
    currency : str, optional
        Currency code for the axis label.
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
        One bar per row with an error bar from ``lower`` to ``upper``.

    Raises
    ------
    ValueError
        If a needed column is missing.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"label": ["Call", "Mail"], "value": [100.0, 20.0], "value_lower": [90.0, 15.0],
    ...                   "value_upper": [110.0, 25.0], "customers": [3, 40], "priority": [1, 5]})
    >>> ax = plot_predicted_profit_by_action(t, ax=plt.figure().gca())
    >>> len(ax.patches), [t.get_text() for t in ax.get_yticklabels()]
    (2, ['Call', 'Mail'])
    """
    _need_columns(data, [label_col, value, lower, upper], "helpers.actions.predicted_profit_by_action")
    ax = get_ax(ax)
    y = np.arange(len(data))[::-1]
    val = data[value].to_numpy(dtype=float)
    lo, hi = data[lower].to_numpy(dtype=float), data[upper].to_numpy(dtype=float)
    shade = None
    if "priority" in data.columns:
        pr = data["priority"].to_numpy(dtype=float)
        shade = priority_colors(np.unique(pr))
        colors = [shade[p] for p in pr]
    else:
        colors = ACCENT
    ax.barh(y, val, color=colors)
    if shade:
        ax.legend(handles=[mpl.patches.Patch(color=c, label=f"{p:g}") for p, c in shade.items()],
                  title="priority", fontsize=8, title_fontsize=8, loc="lower right")
    ax.errorbar(val, y, xerr=[np.clip(val - lo, 0, None), np.clip(hi - val, 0, None)], fmt="none",
                ecolor="black", elinewidth=1, capsize=2)
    right = np.nanmax(np.r_[hi, val, 0.0])
    for yi, v, h, i in zip(y, val, hi, range(len(data))):
        n = f", {int(data[customers].iloc[i]):,} cust." if customers in data.columns else ""
        ax.annotate(f"{v:,.0f}{n}", (max(h, v, 0), yi), xytext=(4, 0), textcoords="offset points",
                    va="center", fontsize=8)
    ax.set_yticks(y, [str(s) for s in data[label_col]])
    ax.set_xlim(min(0.0, np.nanmin(np.r_[lo, val])), right * 1.35 if right > 0 else 1)
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_formatter(mpl.ticker.StrMethodFormatter("{x:,.0f}"))
    xlabel = f"predicted profit{f' ({currency})' if currency else ''}"
    if "interval" in data.columns and not (data["interval"] == "sum of customer bounds").any():
        whiskers = "95% bootstrap interval of each sum"
    else:
        whiskers = "sum of the customers' 95% bounds (conservative)"
    note = f"priority 1 = most urgent; whiskers: {whiskers}"
    return label(ax, title=title, xlabel=xlabel, note=note)
