"""One house style for every figure in the collection.

Conventions (seaborn's): every figure function takes a DataFrame first, everything else by keyword,
draws on ``ax`` (default: ``plt.gca()``) and returns the Axes (or the Figure when it draws several).
No function calls ``plt.show()`` or changes global state; notebooks call :func:`use_house_style` once.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt

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
# Data check (00_data_check)
# ---------------------------------------------------------------------------------------------------
