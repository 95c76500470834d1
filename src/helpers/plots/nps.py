"""Figures of the NPS report (01_nps): answers, scores by segment, trend, drivers, words."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt  # noqa: F401  (doctest examples)
import numpy as np
import pandas as pd

from helpers.plots.style import ACCENT, MUTED, NPS_COLORS, _need_columns, get_ax, label, nps_order

__all__ = ["plot_score_distribution", "plot_nps_ci", "plot_nps_trend", "plot_drivers",
           "plot_distinguishing_words"]


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
    colors = NPS_COLORS.colors(dist["nps_class"].astype(str))
    ax.bar(dist["score"], dist["n"], color=colors, width=0.8)
    ax.set_xticks(range(11))
    ax.legend(handles=[Patch(color=NPS_COLORS[c], label=c) for c in nps_order()], loc="upper left")
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
    ax.scatter(val[sig], pos[sig], color=ACCENT, zorder=3, s=40,
               label="differs from the rest (filled)" if p in data.columns else None)
    ax.scatter(val[~sig], pos[~sig], facecolor="white", edgecolor=ACCENT, zorder=3, s=40,
               label="no significant difference (hollow)")
    if p in data.columns:
        for xx, yy in zip(hi[sig], pos[sig], strict=True):
            ax.annotate("*", (xx, yy), xytext=(4, 0), textcoords="offset points", va="center",
                        ha="left", fontsize=12, color=ACCENT)
    ax.axvline(0, color=MUTED, linewidth=1)
    if reference is not None:
        ax.axvline(reference, color=MUTED, linewidth=1, linestyle="--")
    ax.set_yticks(pos, [str(v) for v in data[y]])
    ax.grid(axis="y", visible=False)
    if p in data.columns:
        ax.legend(loc="best", fontsize=8)
    level = ""
    if "alpha" in data.columns and data["alpha"].nunique() == 1:
        level = f"{100 * (1 - float(data['alpha'].iloc[0])):g}% CI"
    note = ", ".join(filter(None, [level, "* significant after Holm adjustment" if p in data.columns
                                   else None, f"dashed line: {reference:+.0f}" if reference is not None
                                   else None]))
    return label(ax, title=title, xlabel="NPS", note=note or None)


def plot_nps_trend(data, *, x="period", ax=None, title="NPS over time", min_n=None):
    """NPS per period as a line with its confidence band; low-n periods hollow, significant changes
    marked with a triangle (up or down).

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`helpers.nps.trend`: ``x`` (pandas Period or datetime, or wave numbers or
        labels, drawn in their order, one tick each), ``nps``, ``ci_low``,
        ``ci_high``, and optionally ``low_n`` and ``change_significant``/``change``.
    x : str, default "period"
        Period column.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default ``plt.gca()``.
    title : str, optional
        Axes title.
    min_n : int, optional
        The answers a period needs (:func:`helpers.nps.trend`'s ``min_n``), said in the legend of the
        hollow dots.

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
    ['NPS', 'CI', 'too few answers (hollow)', 'significant change']
    >>> d2 = d.assign(period=pd.period_range("2024Q1", periods=3, freq="Q"))
    >>> ax = plot_nps_trend(d2, ax=plt.figure().gca(), min_n=30)
    >>> [t.get_text() for t in ax.get_xticklabels()], ax.get_legend().get_texts()[2].get_text()
    (['2024 Q1', '2024 Q2', '2024 Q3'], 'fewer than 30 answers (hollow)')
    """
    _need_columns(data, [x, "nps", "ci_low", "ci_high"], "helpers.nps.trend")
    ax = get_ax(ax)
    xs = data[x]
    dated = isinstance(xs.dtype, pd.PeriodDtype) or pd.api.types.is_datetime64_any_dtype(xs.dtype)
    quarters = None
    if isinstance(xs.dtype, pd.PeriodDtype):
        if xs.dtype.freq.name.startswith("Q"):
            quarters = [f"{q.year} Q{q.quarter}" for q in xs]
        xs = xs.dt.to_timestamp()
    labels = None if dated else [str(v) for v in xs]  # survey waves: numbers or labels, in order
    xs = pd.to_datetime(xs).to_numpy() if dated else np.arange(len(xs))
    y = data["nps"].to_numpy(dtype=float)
    ax.plot(xs, y, color=ACCENT, linewidth=2, label="NPS")
    ax.fill_between(xs, data["ci_low"].to_numpy(dtype=float), data["ci_high"].to_numpy(dtype=float),
                    color=ACCENT, alpha=0.15, linewidth=0, label="CI")
    low = data["low_n"].to_numpy(dtype=bool) if "low_n" in data.columns else np.zeros(len(data), bool)
    has = ~np.isnan(y)
    ax.scatter(xs[has & ~low], y[has & ~low], color=ACCENT, s=25, zorder=3)
    if (has & low).any():
        ax.scatter(xs[has & low], y[has & low], facecolor="white", edgecolor=ACCENT, s=25, zorder=3,
                   label=(f"fewer than {min_n} answers (hollow)" if min_n is not None
                          else "too few answers (hollow)"))
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
    if quarters is not None:  # one tick per quarter (every second one when there are many)
        step = 1 if len(quarters) <= 12 else 2
        ax.set_xticks(xs[::step], quarters[::step])
        ax.tick_params(axis="x", labelrotation=45 if len(quarters) > 8 else 0)
    elif dated:
        locator = mpl.dates.AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mpl.dates.ConciseDateFormatter(locator))
    else:
        ax.set_xticks(xs, labels)
    level = ""
    if "alpha" in data.columns and data["alpha"].nunique() == 1:
        level = f"band: {100 * (1 - float(data['alpha'].iloc[0])):g}% interval; "
    return label(ax, title=title, ylabel="NPS",
                 note=f"{level}triangles: significant change from the previous period")


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
