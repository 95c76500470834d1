"""The house style: matplotlib settings, Axes helpers, and the colours every figure shares.

The colours of NPS classes, lifecycle stages, loyalty ladder rungs and relationship groups are not
written here: each term of :mod:`helpers.frameworks` carries its ``color``, and the palettes below
read it from there. A term added to the vocabulary (with its colour) is drawn without any change to
the plots. A name a figure meets that has no colour in its vocabulary is drawn in :data:`ACCENT`
with a ``UserWarning`` naming it (never silently in grey).
"""

from __future__ import annotations

import warnings

import matplotlib as mpl
import matplotlib.colors  # noqa: F401  (mpl.colors: colour maps)
import matplotlib.dates  # noqa: F401  (mpl.dates: date axes)
import matplotlib.patches  # noqa: F401  (mpl.patches: legend handles)
import matplotlib.pyplot as plt
import matplotlib.ticker  # noqa: F401  (mpl.ticker: axis formatters)
import numpy as np
import pandas as pd

from helpers import frameworks

#: The colour of a single series (bars, lines) without a vocabulary meaning.
ACCENT = "#30638e"
#: Grey for reference lines, footnotes and non-significant marks.
MUTED = "#8c8c8c"
#: A second series next to :data:`ACCENT` (e.g. on a twin axis).
CONTRAST = "#d1495b"
#: Colours for series without a fixed meaning (groups in survival curves), in order.
SERIES_COLORS = ["#30638e", "#00798c", "#edae49", "#d1495b", "#6c8ebf", "#8fd694", "#9e9e9e"]


class Palette(dict):
    """Colour per term of one vocabulary of :mod:`helpers.frameworks`, in the vocabulary's order.

    A ``dict`` ``{name: color}`` built from the terms' ``color``. A name looked up with ``[]`` that
    is not (yet) in the palette is looked up again in the vocabulary (so terms added at run time are
    found); if it still has no colour, a ``KeyError`` names it and the vocabulary. Figures use
    :meth:`colors`, which warns instead of failing.

    Parameters
    ----------
    vocabulary : str
        A key of :data:`helpers.frameworks.VOCABULARIES`, e.g. ``"lifecycle_stages"``.

    Raises
    ------
    KeyError
        If ``vocabulary`` is unknown.

    Examples
    --------
    >>> Palette("nps_classes")["promoter"]
    '#00798c'
    >>> list(Palette("relationship_groups"))
    ['Strangers', 'Butterflies', 'Barnacles', 'True Friends']
    """

    def __init__(self, vocabulary: str):
        if vocabulary not in frameworks.VOCABULARIES:
            raise KeyError(f"unknown vocabulary {vocabulary!r}; known: {sorted(frameworks.VOCABULARIES)}")
        self.vocabulary = vocabulary
        super().__init__(self._read())

    def _read(self) -> dict:
        return {t["name"]: t["color"] for t in frameworks.VOCABULARIES[self.vocabulary] if t.get("color")}

    def _where(self) -> str:
        return f"helpers.frameworks.{self.vocabulary.upper()}"

    def __missing__(self, name):
        fresh = self._read()  # a term added to the vocabulary after import
        if name in fresh:
            return fresh[name]
        raise KeyError(f"{name!r} has no colour in the {self.vocabulary!r} vocabulary; give it a "
                       f"'color' in {self._where()} (colours known: {list(self)})")

    def color(self, name) -> str:
        """Colour of one name; warns and returns :data:`ACCENT` when it has none (see :meth:`colors`).

        Parameters
        ----------
        name : str

        Returns
        -------
        str
            A hex colour.

        Examples
        --------
        >>> STAGE_COLORS.color("lapsed")
        '#d1495b'
        """
        return self.colors([name])[0]

    def colors(self, names) -> list[str]:
        """Colours of ``names`` in order; names without a colour are drawn in :data:`ACCENT`.

        Parameters
        ----------
        names : iterable of str

        Returns
        -------
        list of str
            One hex colour per name.

        Warns
        -----
        UserWarning
            Once per call, naming every name that has no colour in the vocabulary and where to add it.

        Examples
        --------
        >>> GROUP_COLORS.colors(["True Friends", "Strangers"])
        ['#00798c', '#9e9e9e']
        """
        out, missing = [], []
        for name in names:
            try:
                out.append(self[name])
            except KeyError:
                out.append(ACCENT)
                if name not in missing:
                    missing.append(name)
        if missing:
            warnings.warn(f"no colour for {missing} in the {self.vocabulary!r} vocabulary: drawn in "
                          f"{ACCENT}; give each a 'color' in {self._where()}", UserWarning, stacklevel=3)
        return out


#: Colours with a fixed meaning across the collection, read from the vocabulary.
NPS_COLORS = Palette("nps_classes")
GROUP_COLORS = Palette("relationship_groups")
STAGE_COLORS = Palette("lifecycle_stages")
#: Colours of the loyalty ladder rungs, lowest first.
LADDER_COLORS = Palette("loyalty_ladder")


def nps_order() -> list[str]:
    """NPS class names from the lowest scores to the highest (detractor first), from the vocabulary.

    Returns
    -------
    list of str

    Examples
    --------
    >>> nps_order()
    ['detractor', 'passive', 'promoter']
    """
    return [c["name"] for c in sorted(frameworks.NPS_CLASSES, key=lambda c: int(c["scores"].split("-")[0]))]


#: Low -> high probability of being alive, in the NPS colours (red, amber, teal).
P_ALIVE_CMAP = mpl.colors.LinearSegmentedColormap.from_list(
    "p_alive", [NPS_COLORS[c] for c in nps_order()])

def priority_colors(priorities) -> dict:
    """One colour per priority from a sequential palette with clear steps: the most urgent (lowest
    number) darkest, the least urgent light; neighbours differ visibly even with seven levels.

    Parameters
    ----------
    priorities : iterable of numbers
        The priorities present (1 = most urgent).

    Returns
    -------
    dict
        ``{priority: hex colour}`` in ascending priority.

    Examples
    --------
    >>> c = priority_colors([1, 2, 3])
    >>> list(c), len(set(c.values()))
    ([1, 2, 3], 3)
    """
    levels = sorted({float(p) if not float(p).is_integer() else int(p) for p in priorities})
    cmap = mpl.colormaps["magma"]
    n = len(levels)
    # from dark purple (urgent) to light orange; the light end stays visible on white
    spots = [0.1] if n == 1 else list(np.linspace(0.1, 0.85, n))
    return {p: mpl.colors.to_hex(cmap(s)) for p, s in zip(levels, spots, strict=True)}


_RC = {
    "figure.figsize": (8, 4.5),
    "figure.dpi": 100,
    "savefig.dpi": 220,
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


#: Pixels per inch of the figures a notebook shows: print resolution (at least 200 dpi on paper).
PRINT_DPI = 220


def figure_title(fig) -> str:
    """A figure's title for its alt text: the suptitle, else the titles of its Axes joined by "; ".

    Parameters
    ----------
    fig : matplotlib.figure.Figure

    Returns
    -------
    str
        "" when the figure has no title at all.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, (a, b) = plt.subplots(1, 2)
    >>> _ = a.set_title("NPS by group", loc="left"); _ = b.set_title("NPS by stage")
    >>> figure_title(fig)
    'NPS by group; NPS by stage'
    """
    sup = getattr(fig, "_suptitle", None)
    if sup is not None and sup.get_text().strip():
        return " ".join(sup.get_text().split())
    titles = []
    for ax in fig.get_axes():
        for loc in ("left", "center", "right"):
            text = " ".join(ax.get_title(loc=loc).split())
            if text and text not in titles:
                titles.append(text)
    return "; ".join(titles)


def figure_png(fig, dpi: int = PRINT_DPI):
    """A figure as PNG at print resolution, its title in the PNG's ``Title`` text chunk (alt text).

    The notebook's display size stays that of ``figure.dpi`` (the ``width``/``height`` metadata), so
    the figure looks the same on screen and prints at ``dpi`` pixels per inch.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    dpi : int, default :data:`PRINT_DPI`

    Returns
    -------
    tuple of (bytes, dict)
        The PNG and its display metadata ``{"width": ..., "height": ...}`` in screen pixels.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(4, 2), dpi=100)
    >>> _ = ax.set_title("Sales")
    >>> png, meta = figure_png(fig)
    >>> b"Title" in png and b"Sales" in png, meta["width"] < 420
    (True, True)
    """
    import io

    from PIL import Image

    buf = io.BytesIO()
    fig.canvas.print_figure(buf, format="png", dpi=dpi, bbox_inches="tight",
                            facecolor=fig.get_facecolor(), edgecolor=fig.get_edgecolor(),
                            metadata={"Title": figure_title(fig)})
    png = buf.getvalue()
    w, h = Image.open(io.BytesIO(png)).size
    scale = fig.dpi / dpi
    return png, {"width": round(w * scale), "height": round(h * scale)}


def _show_at_print_resolution():
    """In IPython, show figures with :func:`figure_png` (print resolution, title as alt text)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return
    shell = get_ipython()
    if shell is None:
        return
    import matplotlib.figure

    try:  # let the inline backend set itself up first: it registers its own PNG formatter once
        import matplotlib_inline.backend_inline  # noqa: F401
    except ImportError:  # pragma: no cover
        pass
    formatter = shell.display_formatter.formatters["image/png"]
    formatter.for_type(matplotlib.figure.Figure, figure_png)


def use_house_style():
    """Apply the house style to matplotlib for the rest of the session (notebooks call it once).

    Besides the rcParams, in a notebook figures are shown at print resolution
    (:data:`PRINT_DPI`) with their title embedded for the report's alt text (:func:`figure_png`).

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
    _show_at_print_resolution()


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
# Shared by the figure modules
# ---------------------------------------------------------------------------------------------------
def _need_columns(data, cols, source):
    missing = [c for c in cols if c not in getattr(data, "columns", [])]
    if missing:
        raise ValueError(f"data lacks column(s) {missing}; pass the output of {source}")


def _ordered_levels(series):
    """Categories of a categorical Series in their order, else its sorted unique values."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return list(series.cat.categories)
    return sorted(series.dropna().unique())


def _text_color(color):
    """Black or white, whichever reads better on ``color`` (relative luminance)."""
    r, g, b = mpl.colors.to_rgb(color)
    return "white" if 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.45 else "black"


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
