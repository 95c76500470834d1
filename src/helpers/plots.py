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
# --- NPS --- (01_nps)
# ---------------------------------------------------------------------------------------------------
def _need_columns(data, cols, source):
    missing = [c for c in cols if c not in getattr(data, "columns", [])]
    if missing:
        raise ValueError(f"data lacks column(s) {missing}; pass the output of {source}")


def plot_score_distribution(data, *, score="score", ax=None, title="How likely to recommend (0-10)"):
    """Bars of the 0-10 answers, coloured by NPS class (detractor, passive, promoter).

    Parameters
    ----------
    data : pandas.DataFrame or pandas.Series
        Survey answers (one row per answer) with a ``score`` column, or the scores themselves.
    score : str, default "score"
        Score column of a DataFrame.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default ``plt.gca()``.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.axes.Axes
        Eleven bars (scores 0..10, zero-height for unused scores), a legend of the three classes and
        a footnote with n (and the number of missing answers left out).

    Raises
    ------
    ValueError
        If the score column is missing or the scores are not 0-10 (see :func:`helpers.nps.classify`).

    Examples
    --------
    >>> import pandas as pd
    >>> ax = plot_score_distribution(pd.DataFrame({"score": [10, 9, 7, 3]}), ax=plt.figure().gca())
    >>> len(ax.patches)
    11
    """
    from matplotlib.patches import Patch

    from helpers.nps import score_distribution

    if isinstance(data, pd.DataFrame):
        _need_columns(data, [score], "the survey loader (a score column)")
        data = data[score]
    dist = score_distribution(data)
    ax = get_ax(ax)
    colors = [NPS_COLORS[c] for c in dist["nps_class"].astype(str)]
    ax.bar(dist["score"], dist["n"], color=colors, width=0.8)
    ax.set_xticks(range(11))
    ax.legend(handles=[Patch(color=NPS_COLORS[c], label=c) for c in ("detractor", "passive", "promoter")],
              loc="upper left")
    note = f"n = {int(dist['n'].sum()):,}"
    if dist.attrs.get("missing"):
        note += f"; {dist.attrs['missing']:,} missing answers left out"
    return label(ax, title=title, xlabel="score", ylabel="answers", note=note)


def plot_nps_ci(data, *, x="nps", y="segment", p="p_adj", ax=None, title="NPS by segment",
                reference=None):
    """NPS of each segment as a dot with its confidence interval; significant ones marked.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per segment with columns ``y``, ``x``, ``ci_low``, ``ci_high`` (e.g. the output of
        :func:`helpers.nps.compare_segments`). When the adjusted p-value column ``p`` is present a
        segment with ``p < alpha`` (``alpha`` column, default 0.05) gets a "*" and a filled dot;
        others are hollow.
    x, y : str
        Score and segment columns.
    p : str, default "p_adj"
        Adjusted p-value column (optional in ``data``).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default ``plt.gca()``.
    title : str, optional
        Axes title.
    reference : float, optional
        Draw a dashed line at this NPS (e.g. the overall score); a line at 0 is always drawn.

    Returns
    -------
    matplotlib.axes.Axes
        One dot and interval per segment, top to bottom in the order of ``data``.

    Raises
    ------
    ValueError
        If a needed column is missing.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"segment": ["a", "b"], "nps": [20.0, -5.0], "ci_low": [10.0, -15.0],
    ...                   "ci_high": [30.0, 5.0], "p_adj": [0.01, 0.4]})
    >>> ax = plot_nps_ci(d, ax=plt.figure().gca())
    >>> [t.get_text() for t in ax.get_yticklabels()], sum(t.get_text() == "*" for t in ax.texts)
    (['a', 'b'], 1)
    """
    _need_columns(data, [x, y, "ci_low", "ci_high"], "helpers.nps.compare_segments")
    ax = get_ax(ax)
    pos = np.arange(len(data))[::-1]
    val = data[x].to_numpy(dtype=float)
    lo, hi = data["ci_low"].to_numpy(dtype=float), data["ci_high"].to_numpy(dtype=float)
    ax.errorbar(val, pos, xerr=[val - lo, hi - val], fmt="none", ecolor=ACCENT, elinewidth=2,
                capsize=3)
    if p in data.columns:
        alpha = data["alpha"].to_numpy(dtype=float) if "alpha" in data.columns else 0.05
        sig = (data[p].to_numpy(dtype=float) < alpha)
    else:
        sig = np.ones(len(data), dtype=bool)
    ax.scatter(val[sig], pos[sig], color=ACCENT, zorder=3, s=40)
    ax.scatter(val[~sig], pos[~sig], facecolor="white", edgecolor=ACCENT, zorder=3, s=40)
    if p in data.columns:
        for xx, yy in zip(hi[sig], pos[sig], strict=True):
            ax.annotate("*", (xx, yy), xytext=(4, 0), textcoords="offset points", va="center",
                        ha="left", fontsize=12, color=ACCENT)
    ax.axvline(0, color=MUTED, linewidth=1)
    if reference is not None:
        ax.axvline(reference, color=MUTED, linewidth=1, linestyle="--")
    ax.set_yticks(pos, [str(v) for v in data[y]])
    ax.grid(axis="y", visible=False)
    level = ""
    if "alpha" in data.columns and data["alpha"].nunique() == 1:
        level = f"{100 * (1 - float(data['alpha'].iloc[0])):g}% CI"
    note = ", ".join(filter(None, [level, "* significant after Holm adjustment" if p in data.columns
                                   else None, f"dashed line: {reference:+.0f}" if reference is not None
                                   else None]))
    return label(ax, title=title, xlabel="NPS", note=note or None)


def plot_nps_trend(data, *, x="period", ax=None, title="NPS over time"):
    """NPS per period as a line with its confidence band; low-n periods hollow, significant changes
    marked with a triangle (up or down).

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`helpers.nps.trend`: ``x`` (pandas Period or datetime), ``nps``, ``ci_low``,
        ``ci_high``, and optionally ``low_n`` and ``change_significant``/``change``.
    x : str, default "period"
        Period column.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default ``plt.gca()``.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.axes.Axes
        A line, a band, filled dots for periods with enough answers, hollow dots for low-n periods
        and triangles for significant changes; legend entries for each of those present.

    Raises
    ------
    ValueError
        If a needed column is missing.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"period": pd.period_range("2024-01", periods=3, freq="M"),
    ...                   "nps": [10.0, 30.0, 32.0], "ci_low": [0.0, 22.0, 12.0],
    ...                   "ci_high": [20.0, 38.0, 52.0], "low_n": [False, False, True],
    ...                   "change": [float("nan"), 20.0, 2.0],
    ...                   "change_significant": [False, True, False]})
    >>> ax = plot_nps_trend(d, ax=plt.figure().gca())
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['NPS', 'CI', 'low n (flagged)', 'significant change']
    """
    _need_columns(data, [x, "nps", "ci_low", "ci_high"], "helpers.nps.trend")
    ax = get_ax(ax)
    xs = data[x]
    if isinstance(xs.dtype, pd.PeriodDtype):
        xs = xs.dt.to_timestamp()
    xs = pd.to_datetime(xs).to_numpy()
    y = data["nps"].to_numpy(dtype=float)
    ax.plot(xs, y, color=ACCENT, linewidth=2, label="NPS")
    ax.fill_between(xs, data["ci_low"].to_numpy(dtype=float), data["ci_high"].to_numpy(dtype=float),
                    color=ACCENT, alpha=0.15, linewidth=0, label="CI")
    low = data["low_n"].to_numpy(dtype=bool) if "low_n" in data.columns else np.zeros(len(data), bool)
    has = ~np.isnan(y)
    ax.scatter(xs[has & ~low], y[has & ~low], color=ACCENT, s=25, zorder=3)
    if (has & low).any():
        ax.scatter(xs[has & low], y[has & low], facecolor="white", edgecolor=ACCENT, s=25, zorder=3,
                   label="low n (flagged)")
    if "change_significant" in data.columns:
        sig = data["change_significant"].fillna(False).to_numpy(dtype=bool) & has
        up = (data["change"].to_numpy(dtype=float) > 0 if "change" in data.columns
              else np.ones(len(data), bool))
        legend_label = "significant change"
        for mask, marker, color in ((sig & up, "^", NPS_COLORS["promoter"]),
                                    (sig & ~up, "v", NPS_COLORS["detractor"])):
            if mask.any():
                ax.scatter(xs[mask], y[mask], marker=marker, color=color, s=90, zorder=4,
                           label=legend_label)
                legend_label = None  # one legend entry for both directions
    ax.legend(loc="best")
    ax.axhline(0, color=MUTED, linewidth=1)
    locator = mpl.dates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mpl.dates.ConciseDateFormatter(locator))
    level = ""
    if "alpha" in data.columns and data["alpha"].nunique() == 1:
        level = f"band: {100 * (1 - float(data['alpha'].iloc[0])):g}% CI; "
    return label(ax, title=title, ylabel="NPS",
                 note=f"{level}hollow: fewer answers than min_n; triangles: significant change "
                      "from the previous period")


def _driver_labels(data):
    """Readable term labels: "orders (per doubling)", "region: East (vs North)"; else the term."""
    if not {"feature", "level", "scale"} <= set(data.columns):
        return data["term"].astype(str)
    out = []
    for feat, lv, sc in zip(data["feature"], data["level"], data["scale"], strict=True):
        out.append(f"{feat} ({sc})" if pd.isna(lv) else f"{feat}: {lv} ({sc})")
    return pd.Series(out, index=data.index)


_SCALE_NOTES = {"per SD": "per standard deviation", "per doubling": "per doubling of 1 + value",
                "per unit": "per unit"}


def plot_drivers(data, *, ax=None, title="What moves the score (odds ratios)", alpha=0.05):
    """Forest plot of odds ratios with their intervals on a log scale.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`helpers.nps.drivers`: ``term``, ``odds_ratio``, ``ci_low``, ``ci_high``,
        optionally ``p_value``, ``outcome`` (multinomial models: labels become "term (outcome)")
        and ``feature``, ``level``, ``scale`` (labels become "orders (per doubling)" and
        "region: East (vs North)", and the footnote names the scales used).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default ``plt.gca()``.
    title : str, optional
        Axes title.
    alpha : float, default 0.05
        Terms with ``p_value < alpha`` are coloured (teal above 1, red below); others grey.

    Returns
    -------
    matplotlib.axes.Axes
        One dot and interval per row, top to bottom in the order of ``data``, a line at 1.

    Raises
    ------
    ValueError
        If a needed column is missing.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"term": ["tenure_days", "region[East]"], "odds_ratio": [1.5, 0.6],
    ...                   "ci_low": [1.2, 0.4], "ci_high": [1.9, 0.9], "p_value": [0.001, 0.02]})
    >>> ax = plot_drivers(d, ax=plt.figure().gca())
    >>> ax.get_xscale(), [t.get_text() for t in ax.get_yticklabels()]
    ('log', ['tenure_days', 'region[East]'])
    """
    _need_columns(data, ["term", "odds_ratio", "ci_low", "ci_high"], "helpers.nps.drivers")
    ax = get_ax(ax)
    pos = np.arange(len(data))[::-1]
    orr = data["odds_ratio"].to_numpy(dtype=float)
    lo, hi = data["ci_low"].to_numpy(dtype=float), data["ci_high"].to_numpy(dtype=float)
    if "p_value" in data.columns:
        sig = data["p_value"].to_numpy(dtype=float) < alpha
    else:
        sig = np.ones(len(data), bool)
    colors = np.where(~sig, MUTED, np.where(orr >= 1, NPS_COLORS["promoter"], NPS_COLORS["detractor"]))
    for i in range(len(data)):
        ax.errorbar(orr[i], pos[i], xerr=[[orr[i] - lo[i]], [hi[i] - orr[i]]], fmt="o",
                    color=colors[i], ecolor=colors[i], capsize=3)
    ax.axvline(1, color=MUTED, linewidth=1, linestyle="--")
    ax.set_xscale("log")
    plain = mpl.ticker.FuncFormatter(lambda v, _: f"{v:.3g}")
    ax.xaxis.set_major_formatter(plain)
    ax.xaxis.set_minor_formatter(plain)
    labels = _driver_labels(data)
    if "outcome" in data.columns:
        labels = labels + " (" + data["outcome"].astype(str) + ")"
    ax.set_yticks(pos, labels.tolist())
    ax.grid(axis="y", visible=False)
    if "scale" in data.columns and "level" in data.columns:
        numeric = sorted({str(sc) for sc, lv in zip(data["scale"], data["level"], strict=True)
                          if pd.isna(lv)})
        scales = "numeric terms " + " or ".join(_SCALE_NOTES.get(sc, sc) for sc in numeric) \
            if numeric else ""
    else:
        scales = "numeric terms per SD"
    ci = data.attrs.get("alpha")
    parts = [f"bars: {100 * (1 - ci):g}% CI" if ci is not None else "",
             f"coloured: p < {alpha:g}", scales, "categories vs their reference level"]
    return label(ax, title=title, xlabel="odds ratio of a higher class (log scale)",
                 note="; ".join(p for p in parts if p))


def plot_distinguishing_words(data, *, ax=None, title="Words that set promoters and detractors apart",
                              z_crit=1.96, counts=True):
    """Diverging bars of the words' z-scores: promoters' words to the right, detractors' to the left.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`helpers.nps.distinguishing_words`: ``word``, ``z`` and, for the count
        labels, ``n_promoter`` and ``n_detractor``.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default ``plt.gca()``.
    title : str, optional
        Axes title.
    z_crit : float, default 1.96
        Words with ``|z|`` below this are drawn grey (not clearly distinguishing); dotted lines mark
        ``+-z_crit``.
    counts : bool, default True
        Write "promoter mentions / detractor mentions" at the end of each bar.

    Returns
    -------
    matplotlib.axes.Axes
        One horizontal bar per row, sorted by z (largest at the top), a line at 0.

    Raises
    ------
    ValueError
        If a needed column is missing or ``data`` is empty.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"word": ["great", "slow"], "z": [3.1, -2.4],
    ...                   "n_promoter": [20, 1], "n_detractor": [2, 15]})
    >>> ax = plot_distinguishing_words(d, ax=plt.figure().gca())
    >>> [t.get_text() for t in ax.get_yticklabels()], len(ax.patches)
    (['great', 'slow'], 2)
    """
    _need_columns(data, ["word", "z"], "helpers.nps.distinguishing_words")
    if len(data) == 0:
        raise ValueError("no words to plot; distinguishing_words returned an empty table")
    d = data.sort_values(["z", "word"], ascending=[False, True], kind="stable")
    ax = get_ax(ax)
    z = d["z"].to_numpy(dtype=float)
    pos = np.arange(len(d))[::-1]
    clear = np.abs(z) >= z_crit
    colors = np.where(~clear, MUTED, np.where(z > 0, NPS_COLORS["promoter"], NPS_COLORS["detractor"]))
    ax.barh(pos, z, color=colors, height=0.7)
    ax.axvline(0, color="black", linewidth=0.8)
    for v in (-z_crit, z_crit):
        ax.axvline(v, color=MUTED, linewidth=0.8, linestyle=":")
    ax.set_yticks(pos, d["word"].astype(str).tolist())
    ax.grid(axis="y", visible=False)
    if counts and {"n_promoter", "n_detractor"} <= set(d.columns):
        for p, v, a, b in zip(pos, z, d["n_promoter"], d["n_detractor"], strict=True):
            ax.annotate(f"{int(a)}/{int(b)}", (v, p), xytext=(4 if v >= 0 else -4, 0),
                        textcoords="offset points", va="center", ha="left" if v >= 0 else "right",
                        fontsize=7, color=MUTED)
        lim = np.abs(z).max() * 1.25
        ax.set_xlim(-lim, lim)
    note = (f"weighted log-odds with informative prior (Monroe et al., 2008); grey: |z| < {z_crit:g}"
            + ("; numbers: mentions by promoters / detractors" if counts else ""))
    return label(ax, title=title, xlabel="z-score  (< 0: detractors' word, > 0: promoters' word)",
                 note=note)


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


def plot_purchase_gaps(gaps, *, thresholds=None, ax=None, clip_quantile=0.99, bins=60):
    """Histogram of the days between purchases, with the stage windows marked.

    Parameters
    ----------
    gaps : pandas.Series or array-like
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
    values = np.asarray(gaps, dtype=float)
    if values.size == 0:
        raise ValueError("gaps is empty; nobody bought on two different days")
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


def plot_stage_bars(stages, *, stage="stage", revenue="revenue", revenue_label="revenue", ax=None):
    """Share of customers and share of revenue in each lifecycle stage.

    Parameters
    ----------
    stages : pandas.DataFrame
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
                                         edgecolor="white", label=revenue_label)])
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


def plot_segment_bars(segments, *, segment="segment", value=None, value_label=None, ax=None):
    """Horizontal bars: share of customers per RFM segment, optionally with each one's value share.

    Parameters
    ----------
    segments : pandas.DataFrame
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
        text = [f"{t}, {value_label or value} {r:.0%}" for t, r in zip(text, vs)]
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
    for yi, n, s, lv in zip(y, counts, share, levels):
        ax.annotate(f"{n:,} ({s:.0%})", (0, yi), ha="center", va="center", fontsize=8,
                    color=_text_color(LADDER_COLORS.get(lv, ACCENT)))
    ax.set_yticks(y, levels)
    ax.set_xticks([])
    ax.grid(False)
    return label(ax, title="Loyalty ladder: each customer on the highest rung reached",
                 note="suspects (the target market) are not in the data")


def _text_color(color):
    """Black or white, whichever reads better on ``color`` (relative luminance)."""
    r, g, b = mpl.colors.to_rgb(color)
    return "white" if 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.45 else "black"


def plot_transitions(shares, *, counts=None, ax=None):
    """Heatmap of stage transitions: row = earlier stage, column = later stage, cell = row share.

    Parameters
    ----------
    shares : pandas.DataFrame
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
    table = shares.dropna(how="all")
    _annotated_heatmap(ax, table, fmt=".0%", cmap="Blues", vmin=0.0, vmax=1.0)
    if counts is not None:
        n = counts.sum(axis=1).reindex(table.index)
        ax.set_yticks(range(len(table)), [f"{i} (n = {int(k):,})" for i, k in n.items()])
    dates = shares.attrs
    note = None
    if "from_date" in dates:
        note = (f"stage on {pd.Timestamp(dates['from_date']):%Y-%m-%d} (rows) and on "
                f"{pd.Timestamp(dates['to_date']):%Y-%m-%d} (columns)")
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
    unit = "periods"
    if isinstance(table.index, pd.PeriodIndex):
        unit = {"M": "months", "Q": "quarters", "W": "weeks"}.get(table.index.freqstr[0], unit)
    return label(ax, title="Cohort retention: share of each cohort buying",
                 xlabel=f"{unit} since the first purchase", ylabel="cohort (first purchase)")


def plot_survival(curves, *, medians=None, logrank=None, ax=None):
    """Kaplan-Meier curves of time to lapse, one step line with confidence band per group.

    Parameters
    ----------
    curves : pandas.DataFrame
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
    note = "shaded: pointwise confidence band"
    if logrank is not None and np.isfinite(logrank["pvalue"]):
        p = logrank["pvalue"]
        p_text = "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
        note += (f"; log-rank test chi2 = {logrank['statistic']:.1f}, df = {int(logrank['df'])}, "
                 f"{p_text}")
    return label(ax, title="Time from first purchase to lapse (Kaplan-Meier)",
                 xlabel="days since first purchase", ylabel="share not yet lapsed", note=note)


# ---------------------------------------------------------------------------------------------------
# Relationship groups / CLV (03_relationship_groups)
# ---------------------------------------------------------------------------------------------------
#: Low -> high probability of being alive, in the NPS colours (red, amber, teal).
P_ALIVE_CMAP = mpl.colors.LinearSegmentedColormap.from_list(
    "p_alive", [NPS_COLORS["detractor"], NPS_COLORS["passive"], NPS_COLORS["promoter"]])


def plot_holdout(table, *, ax=None, title="Holdout check: repeat purchases per customer"):
    """Actual against predicted mean holdout purchases by calibration frequency.

    Parameters
    ----------
    table : pandas.DataFrame
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
        If ``table`` lacks the columns of :func:`helpers.clv.holdout_table`.

    Examples
    --------
    >>> import pandas as pd
    >>> tab = pd.DataFrame({"customers": [10, 5, 15], "actual_mean": [0.2, 1.0, 0.47],
    ...                     "predicted_mean": [0.25, 0.9, 0.47], "actual_total": [2.0, 5.0, 7.0],
    ...                     "predicted_total": [2.5, 4.5, 7.0]}, index=["0", "1+", "Total"])
    >>> len(plot_holdout(tab, ax=plt.figure().gca()).get_lines())
    2
    """
    need = ["customers", "actual_mean", "predicted_mean", "actual_total", "predicted_total"]
    missing = [c for c in need if c not in getattr(table, "columns", [])]
    if missing:
        raise ValueError(f"table lacks column(s) {missing}; pass the output of helpers.clv.holdout_table")
    ax = get_ax(ax)
    body = table.drop(index="Total", errors="ignore")
    pos = range(len(body))
    ax.plot(pos, body["actual_mean"], marker="o", color=ACCENT, label="actual")
    ax.plot(pos, body["predicted_mean"], marker="s", linestyle="--", color=MUTED, label="predicted")
    ax.set_xticks(list(pos), [str(i) for i in body.index])
    ax.legend()
    note = None
    if "Total" in table.index:
        tot = table.loc["Total"]
        note = (f"Total: actual {tot['actual_total']:,.0f}, predicted {tot['predicted_total']:,.0f} "
                f"({int(tot['customers']):,} customers)")
    return label(ax, title=title, xlabel="Repeat purchases in the calibration period",
                 ylabel="Mean purchases in the holdout", note=note)


def plot_p_alive_matrix(result, *, max_frequency=None, max_recency=None, T=None, ax=None,
                        title="Probability that a customer is still alive"):
    """Heatmap of P(alive) by frequency and recency for a customer observed for ``T`` periods.

    Parameters
    ----------
    result : helpers.clv.LifetimeFit
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
    import numpy as np
    import pandas as pd

    data = result.diagnostics.get("data", {})
    mf = int(data.get("max_frequency", 10)) if max_frequency is None else max_frequency
    mr = int(np.ceil(data.get("max_T", 52))) if max_recency is None else max_recency
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
    mat[ok] = result.p_alive(grid).to_numpy()
    ax = get_ax(ax)
    im = ax.imshow(np.ma.masked_invalid(mat), origin="lower", aspect="auto", cmap=P_ALIVE_CMAP,
                   vmin=0, vmax=1, interpolation="nearest")
    ax.figure.colorbar(im, ax=ax, label="P(alive)")
    ax.grid(False)
    return label(ax, title=title, xlabel="Recency (time of last purchase)",
                 ylabel="Frequency (repeat purchases)", note=f"Customer age T = {T:g} periods")


# ---------------------------------------------------------------------------------------------------
# Relationship groups (03_relationship_groups: quadrant map, shares, value at stake, migration)
# ---------------------------------------------------------------------------------------------------
_QUADRANT_POSITION = {  # (x side, y side) of each group on the map: loyalty across, profit up
    "Strangers": (0, 0), "Barnacles": (1, 0), "Butterflies": (0, 1), "True Friends": (1, 1)}


def _splits_pair(splits, table):
    if splits is None:
        splits = table.attrs.get("splits")
    if isinstance(splits, dict):
        splits = (splits.get("profit"), splits.get("loyalty"))
    if splits is None or len(splits) != 2 or any(v is None for v in splits):
        raise ValueError("splits: pass the split values, e.g. relationships.settings['splits'] or "
                         "(profit_split, loyalty_split), or a table from assign_groups")
    return float(splits[0]), float(splits[1])


def plot_relationship_map(table, *, profit="profit_per_order", loyalty="lifetime", group="group",
                          splits=None, log=True, ax=None,
                          title="Relationship groups: profitability against loyalty",
                          profit_label=None, loyalty_label=None):
    """Scatter of customers on the two axes of Reinartz & Kumar, with the split lines and groups.

    Loyalty runs across (short to long), profitability up (low to high), so the four quadrants sit
    where the framework draws them: Butterflies top left, True Friends top right, Strangers bottom
    left, Barnacles bottom right. Each quadrant is labelled with its group's count and share.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per customer with the ``profit``, ``loyalty`` and ``group`` columns (e.g.
        ``customer_relationships(...).table``).
    profit, loyalty, group : str
        Column names.
    splits : dict or (float, float), optional
        The split values: a dict with ``profit`` and ``loyalty`` (``Relationships.settings["splits"]``)
        or a pair ``(profit_split, loyalty_split)``; default ``table.attrs["splits"]`` (set by
        :func:`helpers.relationship.assign_groups`).
    log : bool, default True
        Log axes (both measures are skewed). Profit is drawn on a symmetric log axis (linear
        within +-1) when some values are <= 0; loyalty on a log axis when all values are > 0.
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
    _need_columns(table, [profit, loyalty, group], "helpers.relationship.customer_relationships")
    ps, ls = _splits_pair(splits, table)
    ax = get_ax(ax)
    y = pd.to_numeric(table[profit], errors="coerce")
    x = pd.to_numeric(table[loyalty], errors="coerce")
    g = table[group].astype("object")
    n_all = int((g.notna() & x.notna() & y.notna()).sum())
    for name in GROUP_COLORS:
        m = (g == name).to_numpy() & x.notna().to_numpy() & y.notna().to_numpy()
        if m.any():
            ax.scatter(x[m], y[m], s=6, alpha=0.45, color=GROUP_COLORS[name], linewidths=0,
                       rasterized=True, label=name)
    ax.axvline(ls, color="black", linestyle="--", linewidth=1)
    ax.axhline(ps, color="black", linestyle="--", linewidth=1)
    if log:
        if (x > 0).all():
            ax.set_xscale("log")
        ax.set_yscale("symlog", linthresh=1.0, linscale=0.5) if (y <= 0).any() else ax.set_yscale("log")
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    for name, (sx, sy) in _QUADRANT_POSITION.items():
        n = int((g == name).sum())
        share = n / n_all if n_all else float("nan")
        ax.text(0.99 if sx else 0.01, 0.98 if sy else 0.02, f"{name}\n{n:,} ({share:.0%})",
                transform=ax.transAxes, ha="right" if sx else "left", va="top" if sy else "bottom",
                fontsize=9, fontweight="bold", color=GROUP_COLORS[name],
                bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 2})
    note = (f"dashed lines: splits at {loyalty} = {ls:.3g} and {profit} = {ps:.3g}; "
            f"on a line counts as the upper side; n = {n_all:,}")
    return label(ax, title=title, xlabel=loyalty_label or loyalty, ylabel=profit_label or profit,
                 note=note)


def plot_group_shares(groups, *, ax=None, title="Customers, profit and value by relationship group"):
    """Share of customers, of realised profit and of predicted value in each relationship group.

    Parameters
    ----------
    groups : pandas.DataFrame
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
    _need_columns(groups, ["share", "profit_share"], "helpers.relationship.group_summary")
    ax = get_ax(ax)
    cols = [("share", "customers", {}), ("profit_share", "realised profit", {"hatch": "//"})]
    if "value_share" in groups.columns:
        cols.append(("value_share", "predicted value", {"hatch": ".."}))
    names = [str(i) for i in groups.index]
    colors = [GROUP_COLORS.get(n, ACCENT) for n in names]
    x = np.arange(len(names))
    w = 0.8 / len(cols)
    for k, (col, _, style) in enumerate(cols):
        vals = groups[col].to_numpy(dtype=float)
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
    n = groups["customers"].sum() if "customers" in groups.columns else None
    return label(ax, title=title, xlabel="relationship group", ylabel="share",
                 note=f"n = {int(n):,} customers" if n is not None else None)


def plot_group_value(groups, *, ax=None, title="Value at stake per strategy (predicted profit)",
                     currency=""):
    """Predicted value of each relationship group with its interval, labelled with the strategy.

    Parameters
    ----------
    groups : pandas.DataFrame
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
    _need_columns(groups, ["value"], "helpers.relationship.group_summary(..., value='clv')")
    ax = get_ax(ax)
    names = [str(i) for i in groups.index]
    pos = np.arange(len(names))[::-1]
    val = groups["value"].to_numpy(dtype=float)
    ax.barh(pos, val, color=[GROUP_COLORS.get(n, ACCENT) for n in names], height=0.6)
    has_ci = {"value_lower", "value_upper"} <= set(groups.columns)
    if has_ci:
        lo = groups["value_lower"].to_numpy(dtype=float)
        hi = groups["value_upper"].to_numpy(dtype=float)
        ok = np.isfinite(lo) & np.isfinite(hi)
        ax.errorbar(val[ok], pos[ok], xerr=[val[ok] - lo[ok], hi[ok] - val[ok]], fmt="none",
                    ecolor="black", elinewidth=1.2, capsize=4)
    right = np.nanmax(np.r_[val, groups["value_upper"].to_numpy(dtype=float)] if has_ci else val)
    for i, (p_, v) in enumerate(zip(pos, val)):
        text = f"{v:,.0f}"
        if "strategy" in groups.columns:
            text += f"  {groups['strategy'].iloc[i]}"
        ax.annotate(text, (max(v, 0), p_), xytext=(8, 0), textcoords="offset points", va="center",
                    ha="left", fontsize=8)
    ax.set_xlim(0, right * 1.9 if right > 0 else 1)
    ax.set_yticks(pos, names)
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    unit = f" ({currency})" if currency else ""
    return label(ax, title=title, xlabel=f"predicted discounted profit{unit}",
                 note="bars: estimate; whiskers: 95% parametric-bootstrap interval" if has_ci else None)


def plot_group_migration(counts, *, ax=None, title="Where customers moved between snapshots"):
    """Heatmap of group migration: row = group before, column = group now, cell = row share (count).

    Parameters
    ----------
    counts : pandas.DataFrame
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
        If ``counts`` is empty or holds negative values.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame([[8, 2], [1, 9]], index=["Strangers", "True Friends"],
    ...                  columns=["Strangers", "True Friends"])
    >>> len(plot_group_migration(c, ax=plt.figure().gca()).texts)  # four cells and the footnote
    5
    """
    if counts.size == 0 or (counts.to_numpy() < 0).any():
        raise ValueError("counts must be a non-empty table of counts (helpers.relationship.migration)")
    ax = get_ax(ax)
    values = counts.to_numpy(dtype=float)
    rows = values.sum(axis=1, keepdims=True)
    shares = np.divide(values, rows, out=np.full_like(values, np.nan), where=rows > 0)
    ax.imshow(np.ma.masked_invalid(shares), cmap="Blues", vmin=0, vmax=1, aspect="auto",
              interpolation="nearest")
    ax.grid(False)
    ax.set_xticks(range(counts.shape[1]), [str(c) for c in counts.columns])
    ax.set_yticks(range(counts.shape[0]), [str(i) for i in counts.index])
    for i in range(counts.shape[0]):
        for j in range(counts.shape[1]):
            sh = shares[i, j]
            txt = f"{sh:.0%}\n({int(values[i, j]):,})" if np.isfinite(sh) else ""
            ax.text(j, i, txt, ha="center", va="center", fontsize=8,
                    color="white" if np.isfinite(sh) and sh > 0.5 else "black")
            if str(counts.index[i]) == str(counts.columns[j]):
                ax.add_patch(mpl.patches.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False,
                                                   edgecolor="black", linewidth=1.2))
    return label(ax, title=title, xlabel=counts.columns.name or "group now",
                 ylabel=counts.index.name or "group before",
                 note="cell: share of the row's customers (count); framed: stayed in the group")


# ---------------------------------------------------------------------------------------------------
# Data check (00_data_check)
# ---------------------------------------------------------------------------------------------------
def plot_monthly_activity(data, *, date="order_date", value="amount", customer="customer_id", ax=None):
    """Revenue per month (bars) and buying customers per month (line, right axis).

    Parameters
    ----------
    data : pandas.DataFrame
        Transactions with ``date``, ``value`` and ``customer`` columns.
    date, value, customer : str
        Column names.
    ax : matplotlib.axes.Axes, optional

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
    ax = get_ax(ax)
    month = data[date].dt.to_period("M")
    g = data.groupby(month).agg(revenue=(value, "sum"), customers=(customer, "nunique"))
    x = range(len(g))
    ax.bar(x, g["revenue"], color=ACCENT, alpha=0.75, width=0.85, label="revenue")
    ax.set_ylabel("revenue per month")
    ax2 = ax.twinx()
    ax2.plot(list(x), g["customers"], color="#d1495b", lw=1.8, label="buying customers")
    ax2.set_ylabel("buying customers", color="#d1495b")
    ax2.grid(False)
    ax2.spines["right"].set_visible(True)
    step = max(1, len(g) // 12)
    ax.set_xticks(list(x)[::step])
    ax.set_xticklabels([str(p) for p in g.index[::step]], rotation=45, ha="right")
    ax.set_xlim(-0.6, len(g) - 0.4)
    return label(ax, title="Revenue and buying customers per month")


def plot_amount_distribution(data, *, value="amount", ax=None, bins=60):
    """Histogram of row amounts on a log scale, refunds counted in the title.

    Parameters
    ----------
    data : pandas.DataFrame
        Transactions with a ``value`` column.
    value : str
        Column name.
    ax : matplotlib.axes.Axes, optional
    bins : int, default 60

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
    import numpy as np

    ax = get_ax(ax)
    pos = data.loc[data[value] > 0, value]
    n_ref = int((data[value] < 0).sum())
    if len(pos):
        edges = np.logspace(np.log10(max(pos.min(), 0.01)), np.log10(pos.max() * 1.001), bins)
        ax.hist(pos, bins=edges, color=ACCENT, alpha=0.8)
        ax.set_xscale("log")
    label(ax, title=f"Row amounts (log scale); {n_ref:,} refund rows not shown",
          xlabel=value, ylabel="rows")
    return ax


# ---------------------------------------------------------------------------------------------------
# --- Actions --- (04_customer_actions)
# ---------------------------------------------------------------------------------------------------
NO_GROUP = "(no purchase)"


def plot_stage_group_heatmap(view, *, stage="lifecycle_stage", group="relationship_group", ax=None,
                             title="Customers by lifecycle stage and relationship group"):
    """Count of customers in each lifecycle stage x relationship group cell, annotated.

    Parameters
    ----------
    view : pandas.DataFrame
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
    _need_columns(view, [stage, group], "helpers.actions.customer_view")
    ax = get_ax(ax)
    rows = [s for s in _ordered_levels(view[stage]) if (view[stage] == s).any()]
    cols = [g for g in _ordered_levels(view[group]) if (view[group] == g).any()]
    g = view[group].astype("object").where(view[group].notna(), NO_GROUP)
    if (g == NO_GROUP).any():
        cols = cols + [NO_GROUP]
    known = view[stage].notna()
    table = pd.crosstab(view.loc[known, stage].astype("object"), g[known]).reindex(
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


def plot_value_at_stake(table, *, label_col="label", value="value", lower="value_lower",
                        upper="value_upper", customers="customers", ax=None, currency="",
                        title="Predicted value at stake per action"):
    """Horizontal bars of predicted value per action, with its range and the number of customers.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per action, e.g. :func:`helpers.actions.value_at_stake`; drawn top to bottom in its
        order. Bars are coloured by ``priority`` (darker = more urgent, with a legend) when that
        column exists.
    label_col, value, lower, upper, customers : str
        Columns: bar label, value, range ends, customer count (optional in ``table``).
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
    >>> ax = plot_value_at_stake(t, ax=plt.figure().gca())
    >>> len(ax.patches), [t.get_text() for t in ax.get_yticklabels()]
    (2, ['Call', 'Mail'])
    """
    _need_columns(table, [label_col, value, lower, upper], "helpers.actions.value_at_stake")
    ax = get_ax(ax)
    y = np.arange(len(table))[::-1]
    val = table[value].to_numpy(dtype=float)
    lo, hi = table[lower].to_numpy(dtype=float), table[upper].to_numpy(dtype=float)
    shade = None
    if "priority" in table.columns:
        pr = table["priority"].to_numpy(dtype=float)
        span = max(pr.max() - pr.min(), 1)
        shade = {p: plt.get_cmap("Blues")(0.95 - 0.65 * (p - pr.min()) / span) for p in np.unique(pr)}
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
    for yi, v, h, i in zip(y, val, hi, range(len(table))):
        n = f", {int(table[customers].iloc[i]):,} cust." if customers in table.columns else ""
        ax.annotate(f"{v:,.0f}{n}", (max(h, v, 0), yi), xytext=(4, 0), textcoords="offset points",
                    va="center", fontsize=8)
    ax.set_yticks(y, [str(s) for s in table[label_col]])
    ax.set_xlim(min(0.0, np.nanmin(np.r_[lo, val])), right * 1.35 if right > 0 else 1)
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_formatter(mpl.ticker.StrMethodFormatter("{x:,.0f}"))
    xlabel = f"predicted profit{f' ({currency})' if currency else ''}"
    if "interval" in table.columns and not (table["interval"] == "sum of customer bounds").any():
        whiskers = "95% bootstrap interval of each sum"
    else:
        whiskers = "sum of the customers' 95% bounds (conservative)"
    note = f"priority 1 = most urgent; whiskers: {whiskers}"
    return label(ax, title=title, xlabel=xlabel, note=note)
