"""Tweak live: change a report's key choices with widgets beside a figure that redraws.

In JupyterLab (a kernel started by a Jupyter server, or ``CRM_LIVE=1``) :func:`tweak` shows
ipywidgets controls next to the figure and redraws it on every change, without editing code. In a
static run (papermill, nbval, the report pipeline) it only prints the values chosen, so the HTML
reports carry no widget script or state.

The figures that can be tweaked are functions here that return a ``draw(**values)`` function:
:func:`nps_segments` (confidence level), :func:`relationship_map` (split lines, P(alive) cut-off),
:func:`lifecycle_stages` (stage windows) and :func:`fresh_detractors` (freshness window).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import matplotlib.pyplot as plt
import pandas as pd

__all__ = ["Control", "CONFIDENCE", "PROFIT_SPLIT", "LOYALTY_SPLIT", "CUTOFF", "FRESHNESS", "WINDOW", "STAGE_WINDOWS", "split_quantile",
           "is_live", "chosen_values", "tweak", "nps_segments", "relationship_map", "lifecycle_stages", "fresh_detractors"]


@dataclass(frozen=True)
class Control:
    """One key choice: its label, default, range and step (a slider), or options (a dropdown).

    Examples
    --------
    >>> Control("confidence level", 0.95, 0.80, 0.99, 0.01).describe(0.9)
    'confidence level = 0.9'
    >>> Control("freshness window", 30, 7, 120, 1, unit="days").describe(45)
    'freshness window = 45 days'
    """

    label: str
    value: float | int | str
    min: float | None = None
    max: float | None = None
    step: float | None = None
    options: tuple = ()
    unit: str = ""

    def describe(self, value) -> str:
        """``label = value unit``."""
        return f"{self.label} = {value:g}{' ' + self.unit if self.unit else ''}" if isinstance(
            value, (int, float)) else f"{self.label} = {value}{' ' + self.unit if self.unit else ''}"

    def widget(self):
        """The ipywidgets control for this choice (a slider, or a dropdown with ``options``)."""
        import ipywidgets as w

        style = {"description_width": "initial"}
        if self.options:
            return w.Dropdown(options=list(self.options), value=self.value, description=self.label, style=style)
        cls = w.IntSlider if all(isinstance(v, int) for v in (self.value, self.min, self.max, self.step)) \
            else w.FloatSlider
        return cls(value=self.value, min=self.min, max=self.max, step=self.step, description=self.label,
                   style=style, continuous_update=False)


#: The key choices, with the defaults of the reports.
CONFIDENCE = Control("confidence level", 0.95, 0.80, 0.99, 0.01)
PROFIT_SPLIT = Control("profitability split (quantile)", 0.5, 0.05, 0.95, 0.05)
LOYALTY_SPLIT = Control("loyalty split (quantile)", 0.5, 0.05, 0.95, 0.05)
CUTOFF = Control("P(alive) cut-off", 0.5, 0.05, 0.95, 0.05)
FRESHNESS = Control("freshness window", 30, 7, 120, 1, unit="days")
WINDOW = Control("window", 90, 14, 720, 7, unit="days")
#: The lifecycle stage windows (``helpers.lifecycle`` thresholds), one control each.
STAGE_WINDOWS = {"new_window": Control("new-customer window", 90, 7, 720, 1, unit="days"),
                 "active_window": Control("active window", 90, 7, 720, 1, unit="days"),
                 "lapse_window": Control("lapse window", 180, 14, 1460, 1, unit="days")}


def split_quantile(split, values=None) -> float:
    """A split setting (None, "median", "qX" or a value) as the quantile a split slider starts from.

    Parameters
    ----------
    split : None, "median", "qX" or number
        As ``profit_split`` / ``loyalty_split`` of :func:`helpers.relationship.assign_groups`.
    values : pandas.Series, optional
        The axis' values; needed for a split given as a value (it starts at the share of values below
        it, rounded to the slider's step of 0.05).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        For a split given as a value without ``values``.

    Examples
    --------
    >>> split_quantile(None), split_quantile("median"), split_quantile("q0.75")
    (0.5, 0.5, 0.75)
    >>> split_quantile(3.0, pd.Series([1.0, 2, 3, 4]))
    0.5
    """
    if split is None or split == "median":
        return 0.5
    if isinstance(split, str) and split.startswith("q"):
        return float(split[1:])
    if values is None:
        raise ValueError(f"split {split!r} is a value, not a quantile: pass the axis' values to place it")
    share = float((pd.Series(values).dropna() < float(split)).mean())
    return min(max(round(share * 20) / 20, 0.05), 0.95)


def is_live() -> bool:
    """Whether widgets should be shown: ``CRM_LIVE=1`` forces them, ``CRM_LIVE=0`` turns them off;
    otherwise only in a kernel that a Jupyter server started (it sets ``JPY_SESSION_NAME``), never in
    papermill, nbval or the report pipeline.

    Examples
    --------
    >>> import os
    >>> os.environ["CRM_LIVE"] = "0"; is_live()
    False
    >>> del os.environ["CRM_LIVE"]
    """
    forced = os.environ.get("CRM_LIVE", "").strip().lower()
    if forced in {"1", "true", "yes"}:
        return True
    if forced in {"0", "false", "no"}:
        return False
    return bool(os.environ.get("JPY_SESSION_NAME"))


def chosen_values(controls: dict, values: dict | None = None) -> str:
    """The sentence a static report prints instead of the widgets.

    Parameters
    ----------
    controls : dict
        Name -> :class:`Control`.
    values : dict, optional
        Name -> value; default the controls' defaults.

    Returns
    -------
    str

    Examples
    --------
    >>> chosen_values({"confidence": CONFIDENCE})
    'Chosen in this report: confidence level = 0.95 (open the notebook in JupyterLab with make lab to change it beside the figure).'
    >>> chosen_values({"a": LOYALTY_SPLIT, "b": FRESHNESS}, {"a": 0.75})
    'Chosen in this report: loyalty split (quantile) = 0.75; freshness window = 30 days (open the notebook in JupyterLab with make lab to change them beside the figure).'
    """
    values = {**{k: c.value for k, c in controls.items()}, **(values or {})}
    parts = "; ".join(c.describe(values[k]) for k, c in controls.items())
    it = "it" if len(controls) == 1 else "them"
    return (f"Chosen in this report: {parts} (open the notebook in JupyterLab with make lab to change {it} "
            "beside the figure).")


def tweak(draw, controls: dict, *, live: bool | None = None, values: dict | None = None):
    """Show ``draw``'s figure with a widget per key choice (live), or print the chosen values (static).

    Parameters
    ----------
    draw : callable
        ``draw(**values)`` draws the figure (and may display a table) for one set of values.
    controls : dict
        Keyword of ``draw`` -> :class:`Control`.
    live : bool, optional
        Default :func:`is_live`.
    values : dict, optional
        Values to start from instead of the controls' defaults.

    Returns
    -------
    ipywidgets.HBox or None
        The controls beside the figure (live); None in a static run, which prints
        :func:`chosen_values` and draws nothing (the report's own figure shows the defaults).

    Raises
    ------
    TypeError
        If a control is not a :class:`Control`.

    Examples
    --------
    >>> tweak(lambda confidence: None, {"confidence": CONFIDENCE}, live=False)  # doctest: +ELLIPSIS
    Chosen in this report: confidence level = 0.95 (open ...
    """
    bad = [k for k, c in controls.items() if not isinstance(c, Control)]
    if bad:
        raise TypeError(f"controls must be helpers.live.Control objects; not: {bad}")
    if not (is_live() if live is None else live):
        print(chosen_values(controls, values))
        return None
    import ipywidgets as w

    widgets = {k: c.widget() for k, c in controls.items()}
    for k, v in (values or {}).items():
        widgets[k].value = v

    def _draw(**kw):
        draw(**kw)
        plt.show()

    out = w.interactive_output(_draw, widgets)
    return w.HBox([w.VBox(list(widgets.values())), out])


def nps_segments(survey: pd.DataFrame, segment: str, reference: float | None = None, *, figsize=(8, 3.5)):
    """The NPS of each segment with its interval, at a chosen confidence level.

    Parameters
    ----------
    survey : pandas.DataFrame
        Survey answers.
    segment : str
        Column to compare by.
    reference : float, optional
        The overall NPS, drawn as a line.

    Returns
    -------
    callable
        ``draw(confidence)``; it returns the table drawn (:func:`helpers.nps.compare_segments`).

    Examples
    --------
    >>> s = pd.DataFrame({"score": pd.array([10, 9, 3, 8] * 10, dtype="Int64"), "region": list("ab") * 20})
    >>> nps_segments(s, "region")(confidence=0.9)["nps"].tolist()
    [0.0, 50.0]
    """
    from helpers import nps, plots

    def draw(confidence):
        table = nps.compare_segments(survey, segment, alpha=1 - confidence)
        y = segment if segment in table.columns else "segment"
        _, ax = plt.subplots(figsize=figsize)
        plots.plot_nps_ci(table, y=y, ax=ax, reference=reference,
                          title=f"NPS by {segment} with {confidence:.0%} intervals")
        return table
    return draw


def relationship_map(table: pd.DataFrame, *, profit="profit_per_order", loyalty="lifetime", figsize=(9, 6),
                     profit_label=None, loyalty_label=None, lifetime_fit=None, horizon=260):
    """The relationship groups with both split lines at chosen quantiles (0.5 = the median) and,
    given the fitted lifetime model, a chosen P(alive) cut-off.

    Parameters
    ----------
    table : pandas.DataFrame
        ``customer_relationships(...).table``.
    profit, loyalty : str
        The axes' columns.
    lifetime_fit : helpers.clv.LifetimeFit, optional
        ``Relationships.lifetime``: with it, ``draw(..., cutoff=c)`` projects the ``lifetime`` or
        ``duration`` axis again with P(alive) cut-off ``c`` (:func:`helpers.relationship.projected_duration`);
        a ``p_alive`` axis does not depend on the cut-off.
    horizon : float, default 260
        Longest projection (``duration_horizon`` of the run).

    Returns
    -------
    callable
        ``draw(profit_split, loyalty_split, cutoff=None)``: quantiles in (0, 1); it returns the groups
        drawn.

    Examples
    --------
    >>> t = pd.DataFrame({"profit_per_order": [1.0, 2, 3, 4], "lifetime": [4.0, 3, 2, 1]})
    >>> relationship_map(t)(profit_split=0.5, loyalty_split=0.5)["group"].astype(str).tolist()
    ['Barnacles', 'Barnacles', 'Butterflies', 'Butterflies']
    """
    import warnings

    from helpers import plots, relationship

    def draw(profit_split, loyalty_split, cutoff=None):
        data = table
        if cutoff is not None and lifetime_fit is not None and loyalty in ("lifetime", "duration"):
            since = "first_purchase" if loyalty == "lifetime" else "now"
            projected = relationship.projected_duration(lifetime_fit, table[["frequency", "recency", "T"]],
                                                        cutoff=cutoff, horizon=horizon, since=since)
            data = table.assign(**{loyalty: projected["duration"]})
        with warnings.catch_warnings(record=True) as caught:  # shown under the figure, in words
            warnings.simplefilter("always")
            g = relationship.assign_groups(data, profit=profit, loyalty=loyalty,
                                           profit_split=f"q{profit_split:g}", loyalty_split=f"q{loyalty_split:g}")
        _, ax = plt.subplots(figsize=figsize)
        plots.plot_relationship_map(g, profit=profit, loyalty=loyalty, ax=ax, profit_label=profit_label,
                                    loyalty_label=loyalty_label)
        for w in caught:
            print(f"Note: {w.message}")
        return g
    return draw


def lifecycle_stages(transactions: pd.DataFrame, observation_end, thresholds: dict, *, figsize=(8, 3.5)):
    """Customers per lifecycle stage for chosen stage windows.

    Parameters
    ----------
    transactions : pandas.DataFrame
    observation_end : date-like
    thresholds : dict
        The report's windows (``new_window``, ``active_window``, ``lapse_window``), the starting values.

    Returns
    -------
    callable
        ``draw(new_window, active_window, lapse_window)`` in days; it returns the customers per stage.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "b"], "order_date": pd.to_datetime(["2024-01-01", "2024-06-01"]),
    ...                    "amount": [10.0, 20.0]})
    >>> lifecycle_stages(tx, "2024-06-30", {})(new_window=30, active_window=60, lapse_window=120).to_dict()
    {'new': 1, 'active': 0, 'reactivated': 0, 'at risk': 0, 'lapsed': 1}
    """
    from helpers import lifecycle, plots

    def draw(new_window, active_window, lapse_window):
        st = lifecycle.lifecycle_stage(transactions, observation_end, thresholds={
            "new_window": new_window, "active_window": active_window, "lapse_window": lapse_window})
        counts = st["stage"].value_counts().reindex(st["stage"].cat.categories, fill_value=0)
        counts = counts[counts.index != "prospect"]
        _, ax = plt.subplots(figsize=figsize)
        ax.bar(counts.index.astype(str), counts.to_numpy(),
               color=[plots.style.STAGE_COLORS.color(s) for s in counts.index])
        ax.set_ylabel("customers")
        ax.set_title(f"Customers per stage (windows {new_window}, {active_window}, {lapse_window} days)")
        return counts
    return draw


def fresh_detractors(survey: pd.DataFrame, observation_end, *, figsize=(8, 3.5)):
    """How many detractors answered within a chosen freshness window (the ones the 48-hour rules reach).

    Parameters
    ----------
    survey : pandas.DataFrame
        Survey answers with ``customer_id``, ``score`` and ``response_date``.
    observation_end : date-like

    Returns
    -------
    callable
        ``draw(freshness_days)``; it returns the detractors' facts (``fresh_answer`` among them).

    Examples
    --------
    >>> s = pd.DataFrame({"customer_id": ["a", "b"], "score": pd.array([2, 3], dtype="Int64"),
    ...                   "response_date": pd.to_datetime(["2024-06-25", "2024-01-01"])})
    >>> fresh_detractors(s, "2024-06-30")(freshness_days=30)["fresh_answer"].tolist()
    [True, False]
    """
    from helpers.actions import nps_facts

    def draw(freshness_days):
        f = nps_facts(survey, observation_end=observation_end, freshness_days=freshness_days)
        det = f[f["nps_class"] == "detractor"]
        ages = det["answer_age_days"].astype(float)
        _, ax = plt.subplots(figsize=figsize)
        ax.hist(ages.dropna(), bins=30, color="#d1495b")
        ax.axvline(freshness_days, color="black", linestyle="--")
        ax.set_xlabel("days since the detractor's latest answer")
        ax.set_ylabel("detractors")
        ax.set_title(f"{int(det['fresh_answer'].sum()):,} of {len(det):,} detractors answered within "
                     f"{freshness_days} days")
        return det
    return draw
