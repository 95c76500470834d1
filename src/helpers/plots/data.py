"""Figures of the data check (00_data_check): monthly activity and the distribution of amounts."""

from __future__ import annotations

import matplotlib.pyplot as plt  # noqa: F401  (doctest examples)
import numpy as np

from helpers.plots.style import ACCENT, CONTRAST, get_ax, label

__all__ = ["plot_monthly_activity", "plot_amount_distribution"]


def plot_monthly_activity(data, *, date="order_date", value="amount", customer_id="customer_id", ax=None,
                          currency=""):
    """Revenue per month (bars) and buying customers per month (line, right axis).

    Parameters
    ----------
    data : pandas.DataFrame
        Transactions with ``date``, ``value`` and ``customer_id`` columns.
    date, value, customer_id : str
        Column names.
    ax : matplotlib.axes.Axes, optional
    currency : str, optional
        Shown in the revenue axis label, e.g. ``"EUR"``.

    Returns
    -------
    matplotlib.axes.Axes
        The revenue Axes (the customer line is on its twin).

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"order_date": pd.to_datetime(["2024-01-05", "2024-02-01"]),
    ...                    "amount": [10.0, 20.0], "customer_id": ["a", "b"]})
    >>> fig, ax = plt.subplots()
    >>> len(plot_monthly_activity(tx, ax=ax).patches)
    2
    """
    from helpers.engine import monthly_activity

    ax = get_ax(ax)
    names = {customer_id: "customer_id", date: "order_date", value: "amount"}
    g = monthly_activity(data[list(names)].rename(columns=names))  # summed by the engine
    x = range(len(g))
    ax.bar(x, g["revenue"], color=ACCENT, alpha=0.75, width=0.85, label="revenue")
    ax.set_ylabel(f"revenue per month{f' ({currency})' if currency else ''}")
    ax2 = ax.twinx()
    ax2.plot(list(x), g["customers"], color=CONTRAST, lw=1.8, label="buying customers")
    ax2.set_ylabel("buying customers", color=CONTRAST)
    ax2.grid(False)
    ax2.spines["right"].set_visible(True)
    step = max(1, len(g) // 12)
    ax.set_xticks(list(x)[::step])
    ax.set_xticklabels([str(p) for p in g.index[::step]], rotation=45, ha="right")
    ax.set_xlim(-0.6, len(g) - 0.4)
    return label(ax, title="Revenue and buying customers per month")


def plot_amount_distribution(data, *, value="amount", ax=None, bins=60, currency=""):
    """Histogram of row amounts on a log scale, refunds counted in the title.

    Parameters
    ----------
    data : pandas.DataFrame
        Transactions with a ``value`` column.
    value : str
        Column name.
    ax : matplotlib.axes.Axes, optional
    bins : int, default 60
    currency : str, optional
        Shown in the axis label, e.g. ``"EUR"``.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> fig, ax = plt.subplots()
    >>> ax = plot_amount_distribution(pd.DataFrame({"amount": [5.0, 50.0, -5.0]}), ax=ax)
    >>> "1 refund" in ax.get_title(loc="left")
    True
    """
    ax = get_ax(ax)
    pos = data.loc[data[value] > 0, value]
    n_ref = int((data[value] < 0).sum())
    if len(pos):
        edges = np.logspace(np.log10(max(pos.min(), 0.01)), np.log10(pos.max() * 1.001), bins)
        ax.hist(pos, bins=edges, color=ACCENT, alpha=0.8)
        ax.set_xscale("log")
    label(ax, title=f"Row amounts (log scale); {n_ref:,} refund rows not shown",
          xlabel=f"{value}{f' ({currency})' if currency else ''}", ylabel="rows")
    return ax


