"""Sentences of the customer-actions report (``04_customer_actions``).

Each function takes results the notebook has computed (the customer view of
:func:`helpers.actions.customer_view`, the table of :func:`helpers.actions.predicted_profit_by_action`,
NPS tables, dicts, numbers) and returns Markdown. "Predicted profit of the customers assigned" to an
action is what the models predict those customers will yield, not what the action protects or earns.
Text that comes from the data or the playbook (action labels, segment names, warning messages) is
escaped with :func:`helpers.narrative.text.escape`.
"""

from __future__ import annotations

import pandas as pd

from helpers.narrative.relationship import model_name
from helpers.narrative.text import escape

__all__ = ["data_summary", "nps_reason", "segment_nps_reason", "no_nps_chart", "value_summary",
           "largest_cell", "nps_lines", "top_actions", "volume_and_value", "urgent", "headline", "freshness",
           "strategy_line", "winback_line", "label_notes", "call_list_line"]

_TIME_UNITS = {"D": "days", "W": "weeks", "M": "months"}
_COUNT_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}


def _share(part, whole) -> float | None:
    """part / whole, or None when whole is zero or missing."""
    return part / whole if whole and not pd.isna(whole) else None


def data_summary(view, observation_end, notes=()) -> str:
    """Who is in the customer view, where they are known from, and the notes of the computation.

    Parameters
    ----------
    view : pandas.DataFrame
        One row per customer: ``in_customers``, ``in_transactions``, ``in_survey`` (bool),
        ``n_orders``, ``nps_class``.
    observation_end : date-like
        The "as of" date of the view.
    notes : iterable of str, optional
        Warning messages raised while the view was computed; escaped, repeated ones said once,
        sorted.

    Returns
    -------
    str

    Examples
    --------
    >>> v = pd.DataFrame({"in_customers": [True, True], "in_transactions": [True, False],
    ...                   "in_survey": [True, False], "n_orders": [3, 0],
    ...                   "nps_class": ["promoter", None]}, index=["a", "b"])
    >>> print(data_summary(v, pd.Timestamp("2025-12-31"), ["few <rows>", "few <rows>"]))
    As of **2025-12-31**: **2 customers**, each in exactly one row (yes: ids unique). Known from the customer list: 2; from the transactions: 1; with a linked survey answer: 1. 1 have never bought and 1 have no survey answer; they keep their row and get an action like everyone else.
    <BLANKLINE>
    Notes from the computation:
    <BLANKLINE>
    - few &lt;rows&gt;
    """
    notes = sorted({escape(m) for m in notes})
    n = len(view)
    if view.index.is_unique:
        rows = f"**{n:,} customers**, each in exactly one row (yes: ids unique)"
    else:
        rows = (f"**{n:,} rows** but only {view.index.nunique():,} customers (NO: ids are not "
                "unique)")
    return (f"As of **{observation_end:%Y-%m-%d}**: {rows}. Known from the customer list: "
            f"{view['in_customers'].sum():,}; from the transactions: {view['in_transactions'].sum():,}; "
            f"with a linked survey answer: {view['in_survey'].sum():,}. "
            f"{(view['n_orders'] == 0).sum():,} have never bought and "
            f"{view['nps_class'].isna().sum():,} have no survey answer; they keep their row and get an "
            "action like everyone else.\n\n"
            + ("Notes from the computation:\n\n" + "\n".join(f"- {m}" for m in notes) if notes else ""))


def nps_reason(n_answers, n_linked) -> str:
    """Why there is no NPS by group or stage at all, or ``""`` when there is.

    Parameters
    ----------
    n_answers : int
        Survey answers in the run (0: no survey).
    n_linked : int
        Customers of the view with a linked answer.

    Returns
    -------
    str

    Examples
    --------
    >>> nps_reason(0, 0)
    'No survey in this run configuration, so there is no NPS by group or stage.'
    >>> nps_reason(10, 4)
    ''
    """
    if not n_answers:
        return "No survey in this run configuration, so there is no NPS by group or stage."
    if not n_linked:
        return (f"No survey answer is linked to a customer (none of the {n_answers:,} answers "
                "carries a known customer id), so there is no NPS by group or stage; `01_nps` has "
                "the overall NPS.")
    return ""


def segment_nps_reason(segments, label, reason="") -> str:
    """Why there is no NPS per segment (group or stage) to compare, or ``""`` when there is.

    Parameters
    ----------
    segments : pandas.Series
        The segment of each customer who answered the survey.
    label : str
        What a segment is, e.g. ``"relationship group"``.
    reason : str, default ""
        The reason when no customer answered (:func:`nps_reason`); returned as it is then.

    Returns
    -------
    str
        ``""`` when the answers fall in at least two segments.

    Examples
    --------
    >>> segment_nps_reason(pd.Series(["new", "new"]), "lifecycle stage")
    'All 2 customers who answered the survey are in one lifecycle stage, so there is no NPS by lifecycle stage to compare.'
    >>> segment_nps_reason(pd.Series(["new", "active"]), "lifecycle stage")
    ''
    """
    if not len(segments):
        return reason
    if segments.nunique() < 2:
        return (f"All {len(segments):,} customers who answered the survey are in one "
                f"{label}, so there is no NPS by {label} to compare.")
    return ""


def no_nps_chart(*reasons) -> str:
    """Why no NPS chart is drawn: the first non-empty reason, in one sentence.

    Parameters
    ----------
    *reasons : str
        Candidate reasons (e.g. :func:`nps_reason`, then the group and stage reasons of
        :func:`segment_nps_reason`).

    Returns
    -------
    str

    Examples
    --------
    >>> no_nps_chart("", "All 5 customers who answered the survey are in one relationship group.")
    'No NPS chart: all 5 customers who answered the survey are in one relationship group.'
    """
    reason = next((r for r in reasons if r), "there are no NPS results to show.")
    return f"No NPS chart: {reason[0].lower()}{reason[1:]}"


def value_summary(total, view, *, settings, value_split, currency) -> str:
    """Predicted value of all customers with its intervals, the model settings and the value split.

    Parameters
    ----------
    total : dict
        ``estimate``, ``lower``, ``upper``: predicted value of all customers with the 95% bootstrap
        interval of the sum (model parameters drawn again, all customers valued in each draw).
    view : pandas.DataFrame
        The customer view, with each customer's bounds ``clv_lower`` and ``clv_upper``.
    settings : dict
        Relationship settings: ``value_horizon``, ``time_unit``, ``annual_discount_rate``,
        ``model``.
    value_split : dict
        ``threshold`` (amount) and ``rule`` (as configured) of "high value".
    currency : str

    Returns
    -------
    str

    Examples
    --------
    >>> v = pd.DataFrame({"clv_lower": [1.0, 2.0], "clv_upper": [3.0, 4.0]})
    >>> print(value_summary({"estimate": 5, "lower": 4, "upper": 6}, v,
    ...                     settings={"value_horizon": 52, "time_unit": "W",
    ...                               "annual_discount_rate": 0.1, "model": "pareto_nbd"},
    ...                     value_split={"threshold": 56.2, "rule": "q0.75"}, currency="EUR"))
    All customers together: EUR 5 (95% bootstrap interval of the sum 4 to 6; sum of the customers' own bounds 3 to 7), over 52 weeks at 10% a year, Pareto/NBD lifetime model. High value means a predicted value of at least EUR 56 (split `q0.75`).
    """
    unit = _TIME_UNITS.get(settings["time_unit"], settings["time_unit"])
    return (f"All customers together: {currency} {total['estimate']:,.0f} (95% bootstrap interval of the "
            f"sum {total['lower']:,.0f} to {total['upper']:,.0f}; sum of the customers' own bounds "
            f"{view['clv_lower'].sum():,.0f} to {view['clv_upper'].sum():,.0f}), over "
            f"{settings['value_horizon']} {unit} at {settings['annual_discount_rate']:.0%} a year, "
            f"{model_name(settings['model'])} lifetime model. High value means a predicted value of "
            f"at least {currency} {value_split['threshold']:,.0f} (split `{value_split['rule']}`).")


def largest_cell(stage_x_group, n_customers) -> str:
    """The largest lifecycle stage x relationship group cell, and the customers at risk.

    Parameters
    ----------
    stage_x_group : pandas.DataFrame
        Counts, rows = lifecycle stage, columns = relationship group; margins named ``"all"`` are
        left out.
    n_customers : int
        All customers (the base of the share).

    Returns
    -------
    str

    Examples
    --------
    >>> t = pd.DataFrame({"Strangers": [5, 1], "True Friends": [2, 3]}, index=["lapsed", "at risk"])
    >>> largest_cell(t, 11)
    'The largest cell is **lapsed Strangers**: 5 customers (45% of all customers). 4 customers are at risk, of whom 3 are True Friends.'
    """
    cells = stage_x_group.drop(index="all", columns="all", errors="ignore")
    big = cells.stack().sort_values(ascending=False)
    (stage, group), n1 = big.index[0], int(big.iloc[0])
    at_risk = int(cells.loc["at risk"].sum()) if "at risk" in cells.index else 0
    tf_at_risk = (int(cells.loc["at risk", "True Friends"])
                  if "at risk" in cells.index and "True Friends" in cells.columns else 0)
    return (f"The largest cell is **{escape(stage)} {escape(group)}**: {n1:,} customers "
            f"({n1 / n_customers:.0%} of all customers). {at_risk:,} customers are at risk, of whom {tf_at_risk:,} "
            "are True Friends.")


def nps_lines(nps_overall, by_group, by_stage, *, reason="", group_reason="", stage_reason="") -> list:
    """What customers say: overall NPS, best and worst relationship group, stages that differ.

    Parameters
    ----------
    nps_overall : dict or None
        :func:`helpers.nps.nps_summary` of the customers who answered (``n``, ``nps``); None when
        nobody answered.
    by_group, by_stage : pandas.DataFrame or None
        :func:`helpers.nps.compare_segments` per relationship group and per lifecycle stage
        (``segment``, ``nps``, ``ci_low``, ``ci_high``, ``significant``); None when not computed.
    reason, group_reason, stage_reason : str
        Why there is no NPS at all, none by group, none by stage (said instead).

    Returns
    -------
    list of str
        One line (the reason) when nobody answered, else two: NPS and groups, stages.

    Examples
    --------
    >>> g = pd.DataFrame({"segment": ["Strangers", "True Friends"], "nps": [-43.3, 41.3],
    ...                   "ci_low": [-48.2, 36.6], "ci_high": [-38.1, 45.8],
    ...                   "significant": [True, False]})
    >>> for line in nps_lines({"n": 1597, "nps": 2.4}, g, None, stage_reason="No stages."):
    ...     print(line)
    NPS over each customer's latest answer (1,597 customers) is +2; 01 counts all answers, so its NPS can differ. True Friends score highest (+41, 95% CI +37 to +46) and Strangers lowest (-43, -48 to -38); Strangers differ significantly from the rest.
    No stages.
    """
    if nps_overall is None:
        return [reason]
    line = (f"NPS over each customer's latest answer ({int(nps_overall['n']):,} customers) is "
            f"{nps_overall['nps']:+.0f}; 01 counts all answers, so its NPS can differ. ")
    if by_group is not None:
        best, worst = by_group.loc[by_group["nps"].idxmax()], by_group.loc[by_group["nps"].idxmin()]
        sig = by_group[by_group["significant"].eq(True)]
        line += (
            f"{escape(best['segment'])} score highest ({best['nps']:+.0f}, 95% CI "
            f"{best['ci_low']:+.0f} to {best['ci_high']:+.0f}) and {escape(worst['segment'])} lowest "
            f"({worst['nps']:+.0f}, {worst['ci_low']:+.0f} to {worst['ci_high']:+.0f}); "
            + (f"{', '.join(escape(s) for s in sig['segment'])} differ significantly from the rest."
               if len(sig) else "no group differs significantly from the rest."))
    else:
        line += group_reason
    stage_line = stage_reason
    if by_stage is not None:
        sig = by_stage[by_stage["significant"].eq(True)]
        stage_line = "By lifecycle stage, " + (
            f"{', '.join(f'{escape(r.segment)} ({r.nps:+.0f})' for r in sig.itertuples())} "
            "differ significantly from the rest." if len(sig)
            else "no stage differs significantly from the rest.")
    return [line, stage_line]


def top_actions(by_action, *, currency, n=3) -> str:
    """The actions whose assigned customers have the most predicted profit, and their share of it.

    Parameters
    ----------
    by_action : pandas.DataFrame
        :func:`helpers.actions.predicted_profit_by_action`, largest value first: ``label``, ``value``,
        ``customers``, ``value_share``.
    currency : str
    n : int, default 3
        How many actions to name (fewer when there are fewer).

    Returns
    -------
    str

    Examples
    --------
    >>> s = pd.DataFrame({"label": ["Call", "Mail", "Nothing"], "value": [60.0, 30.0, 10.0],
    ...                   "customers": [2, 5, 9], "value_share": [0.6, 0.3, 0.1]})
    >>> top_actions(s, currency="EUR", n=2)
    "The two actions whose customers have the most predicted profit hold 90% of all customers' predicted profit: **Call** (EUR 60, 2 customers); **Mail** (EUR 30, 5 customers)."
    """
    top = by_action.head(n)
    if top["value_share"].isna().all():
        return "No customer has a predicted value, so no action's customers have a predicted profit."
    count = _COUNT_WORDS.get(len(top), f"{len(top):,}")
    subject = ("The action" if len(top) == 1 else f"The {count} actions") + " whose customers have the most predicted profit"
    verb = "holds" if len(top) == 1 else "hold"
    return (f"{subject} {verb} {top['value_share'].sum():.0%} of all customers' predicted profit: "
            + "; ".join(f"**{escape(r.label)}** ({currency} {r.value:,.0f}, {r.customers:,} customers)"
                        for r in top.itertuples()) + ".")


def volume_and_value(by_action) -> str:
    """The action for the most customers and its share of the predicted value.

    Parameters
    ----------
    by_action : pandas.DataFrame
        :func:`helpers.actions.predicted_profit_by_action`, largest value first: ``label``, ``customers``,
        ``value_share``.

    Returns
    -------
    str
        Says that volume and value point to different work only when the action for the most
        customers is not also the one with the most value.

    Examples
    --------
    >>> s = pd.DataFrame({"label": ["Call", "Mail"], "customers": [2, 9], "value_share": [0.9, 0.1]})
    >>> volume_and_value(s)
    "The action for the most customers, **Mail** (9 customers), covers 10.0% of all customers' predicted profit: volume and value point to different work."
    """
    order = by_action["customers"].sort_values(ascending=False, kind="stable").index
    most = by_action.loc[order[0]]
    text = (f"The action for the most customers, **{escape(most['label'])}** "
            f"({int(most['customers']):,} customers), covers ")
    text += (f"{most['value_share']:.1%} of all customers' predicted profit" if not pd.isna(most["value_share"])
             else "no predicted value")
    if order[0] == by_action.index[0] and not pd.isna(most["value_share"]):
        return text + ": its customers also have the most predicted profit."
    return text + ": volume and value point to different work."


def urgent(view, *, max_priority=2) -> str:
    """How many customers have an urgent action and their share of the predicted value.

    Parameters
    ----------
    view : pandas.DataFrame
        The customer view: ``priority`` of the primary action and predicted value ``clv``.
    max_priority : int, default 2
        Priorities up to this one are urgent (personal contact within days).

    Returns
    -------
    str

    Examples
    --------
    >>> v = pd.DataFrame({"priority": [1, 2, 5, 9], "clv": [30.0, 10.0, 50.0, None]})
    >>> urgent(v)
    "2 customers have a priority 1 or 2 action (personal contact within days); they hold 44% of all customers' predicted profit."
    """
    hit = view[view["priority"] <= max_priority]
    levels = " or ".join(str(p) for p in range(1, max_priority + 1))
    share = _share(hit["clv"].sum(), view["clv"].sum())
    return (f"{len(hit):,} customers have a priority {levels} action (personal contact within days); "
            + (f"they hold {share:.0%} of all customers' predicted profit." if share is not None
               else "no customer has a predicted value."))


def freshness(view, freshness_days) -> str:
    """How many detractors answered recently enough for a 48-hour follow-up, and how old the rest are.

    Parameters
    ----------
    view : pandas.DataFrame
        The customer view: ``nps_class``, ``fresh_answer`` and ``answer_age_days``.
    freshness_days : int
        The freshness window of the run (``actions: {freshness_days: ...}``).

    Returns
    -------
    str
        One sentence; says so when no customer is a detractor.

    Examples
    --------
    >>> v = pd.DataFrame({"nps_class": ["detractor", "detractor", "detractor", "promoter"],
    ...                   "fresh_answer": [True, False, False, True],
    ...                   "answer_age_days": [3, 200, 300, 1]})
    >>> freshness(v, 30)
    '1 of 3 detractors answered within the last 30 days and can be called back within 48 hours; the other 2 (median answer age 250 days) feed the analysis but get no 48-hour follow-up.'
    """
    det = view[view["nps_class"].astype("object") == "detractor"]
    if not len(det):
        return "No customer's latest answer is a detractor's, so no 48-hour follow-up is due."
    fresh = det["fresh_answer"].fillna(False).astype(bool)
    old = det.loc[~fresh, "answer_age_days"].dropna()
    text = (f"{int(fresh.sum()):,} of {len(det):,} detractors answered within the last "
            f"{freshness_days:,} days and can be called back within 48 hours")
    if len(old):
        text += (f"; the other {len(old):,} (median answer age {old.median():,.0f} days) feed the "
                 "analysis but get no 48-hour follow-up")
    return text + "."


def headline(by_action, total, *, currency, n=3) -> str:
    """One line for the index page: the top actions by their customers' predicted profit, and the total.

    Parameters
    ----------
    by_action : pandas.DataFrame
        :func:`helpers.actions.predicted_profit_by_action`, largest value first: ``label``, ``value``,
        ``customers``.
    total : dict
        ``estimate``: predicted value of all customers.
    currency : str
    n : int, default 3
        Actions named.

    Returns
    -------
    str

    Examples
    --------
    >>> s = pd.DataFrame({"label": ["Call", "Mail"], "value": [86000.0, 54000.0],
    ...                   "customers": [582, 279]})
    >>> headline(s, {"estimate": 270000}, currency="EUR")
    'Top actions by the predicted profit of the customers assigned: Call (EUR 86k, 582 customers); Mail (EUR 54k, 279 customers) of EUR 270k predicted profit.'
    """
    return ("Top actions by the predicted profit of the customers assigned: " + "; ".join(
        f"{escape(r.label)} ({currency} {r.value / 1000:,.0f}k, {r.customers:,} customers)"
        for r in by_action.head(n).itertuples())
        + f" of {currency} {total['estimate'] / 1000:,.0f}k predicted profit.")


def strategy_line(check) -> str:
    """Whether the playbook agrees with the groups' and stages' strategies, and its stated exceptions.

    Parameters
    ----------
    check : pandas.DataFrame
        :func:`helpers.actions.strategy_check` of the run: ``rule``, ``segment``, ``customers``,
        ``status``, ``exception``.

    Returns
    -------
    str
        Names every exception with its customers and reason; says so plainly when a rule
        contradicts a strategy without one.

    Examples
    --------
    >>> c = pd.DataFrame({"rule": ["a", "b", "b"], "segment": ["Strangers", "active", "lapsed"],
    ...                   "customers": [34, 10, 4], "status": ["exception", "agrees", "conflict"],
    ...                   "exception": ["they spoke first", "", ""]})
    >>> print(strategy_line(c))
    **1 rule contradicts a strategy with no stated reason**: `b` for lapsed (4 customers); fix the playbook or state the exception. Stated exceptions: `a` reaches 34 Strangers (they spoke first).
    """
    conflicts = check[check["status"] == "conflict"]
    exceptions = check[check["status"] == "exception"]
    if len(conflicts):
        n = conflicts["rule"].nunique()
        text = (f"**{n:,} rule{'s' if n != 1 else ''} contradict{'s' if n == 1 else ''} a strategy with no "
                "stated reason**: " + "; ".join(f"`{escape(r.rule)}` for {escape(r.segment)} "
                                                 f"({r.customers:,} customers)" for r in conflicts.itertuples())
                + "; fix the playbook or state the exception.")
    else:
        text = ("Every action agrees with the strategy of the customer's relationship group (03) and "
                "lifecycle stage (02)" + (", apart from the exceptions the playbook states."
                                          if len(exceptions) else "."))
    if len(exceptions):
        text += " Stated exceptions: " + "; ".join(
            f"`{escape(r.rule)}` reaches {r.customers:,} {escape(r.segment)} ({escape(r.exception)})"
            for r in exceptions.itertuples()) + "."
    return text


def winback_line(view, winback, *, currency) -> str:
    """Who is won back: the threshold, how it was set, and how many lapsed customers clear it.

    Parameters
    ----------
    view : pandas.DataFrame
        The customer view: ``lifecycle_stage``, ``clv``, ``relationship_group`` and ``kind`` (the
        primary action's kind, from the playbook).
    winback : dict
        ``view.attrs["winback"]``: ``rule`` and ``threshold``.
    currency : str

    Returns
    -------
    str

    Examples
    --------
    >>> v = pd.DataFrame({"lifecycle_stage": ["lapsed"] * 4 + ["at risk"],
    ...                   "clv": [50.0, 12.0, 3.0, 1.0, 80.0], "kind": ["win-back", "hold", "hold",
    ...                   "hold", "win-back"]})
    >>> print(winback_line(v, {"rule": "order_profit", "threshold": 10.86}, currency="EUR"))
    A win-back is spent only where the predicted value is at least EUR 10.86, the profit of a typical order (the median over buyers of profit per order): below it a customer is not predicted to place even one more typical order, so no win-back spend is expected to pay back. 2 of 4 lapsed customers (50% of lapsed customers) clear it; 1 get a win-back action (the group's strategy decides among those who clear it), the other 3 get no win-back spend.
    """
    t = winback["threshold"]
    how = ("the profit of a typical order (the median over buyers of profit per order): below it a "
           "customer is not predicted to place even one more typical order, so no win-back spend is "
           "expected to pay back" if winback["rule"] == "order_profit" else "set in the run configuration "
           "(`actions: {winback_min_value: ...}`)")
    text = f"A win-back is spent only where the predicted value is at least {currency} {t:,.2f}, {how}."
    lapsed = view[view["lifecycle_stage"].astype("object") == "lapsed"]
    if not len(lapsed):
        return text + " No customer has lapsed."
    clear = int((lapsed["clv"] >= t).sum())
    won = int((lapsed["kind"] == "win-back").sum())
    return (text + f" {clear:,} of {len(lapsed):,} lapsed customers ({clear / len(lapsed):.0%} of lapsed "
            f"customers) clear it; {won:,} get a win-back action (the group's strategy decides among those "
            f"who clear it), the other {len(lapsed) - won:,} get no win-back spend.")


def label_notes(view, thresholds) -> str:
    """Why a lapsed "Loyal Customer", True Friend or Barnacle and an at-risk "Champion" are no contradiction.

    The RFM segment ranks buyers against each other (the R score is a quintile of the days since
    the last purchase); the lifecycle stage counts those days against fixed windows; the
    relationship group rests on profitability and on what the lifetime model projects from how
    often and how recently each customer bought. The labels answer different questions, so they
    can look contradictory. Each part is said only when its columns are present and a customer
    carries such a pair of labels: 02 passes stages and RFM segments, 03 stages and groups, 04 all.

    Parameters
    ----------
    view : pandas.DataFrame
        The customer view: ``lifecycle_stage`` (or ``stage``, as in
        :func:`helpers.lifecycle.customer_lifecycle`) and, when present, ``rfm_segment`` with
        ``RFM`` (e.g. ``"345"``) and ``days_since_last``, ``relationship_group`` (or ``group``, as
        in ``customer_relationships(...).table``) and ``p_alive``.
    thresholds : dict
        ``active_window`` and ``lapse_window`` in days (``view.attrs["thresholds"]``).

    Returns
    -------
    str
        Empty when no label looks contradictory.

    Examples
    --------
    >>> v = pd.DataFrame({"lifecycle_stage": ["lapsed", "lapsed", "at risk", "active", "lapsed"],
    ...                   "rfm_segment": ["Loyal Customers", "Lost", "Champions", "Champions", "Lost"],
    ...                   "RFM": ["355", "111", "455", "555", "122"],
    ...                   "days_since_last": [200, 900, 60, 5, 400],
    ...                   "relationship_group": ["True Friends", "Strangers", "True Friends",
    ...                                          "True Friends", "Barnacles"],
    ...                   "p_alive": [0.7, 0.1, 0.9, 1.0, 0.3]})
    >>> print(label_notes(v, {"active_window": 45, "lapse_window": 121}))
    Labels that look contradictory answer different questions. 1 lapsed customer is labelled "Loyal Customers" and 1 at-risk customer "Champions": the RFM segment ranks buyers against each other (on this data R = 3 spans 200 to 200 days and R = 4 spans 60 to 60 days since the last purchase), while the lifecycle stage counts days since the last purchase against fixed windows (at risk after 45 days, lapsed after 121 days). 1 of 3 True Friends (33% of True Friends) and 1 of 1 Barnacles (100% of Barnacles) have lapsed: the group rests on profitability and on what the lifetime model projects from how often and how recently a customer bought, the stage only on the days since the last purchase, so a frequent buyer can be silent past the lapse window and still be projected to buy; the model gives these 2 lapsed customers a median P(alive) of 50%: at least half of them are more likely still customers than gone.
    """
    stage = view["lifecycle_stage" if "lifecycle_stage" in view.columns else "stage"].astype("object")
    parts = []
    if "rfm_segment" in view.columns:
        seg = view["rfm_segment"].astype("object")
        loyal = int(((stage == "lapsed") & (seg == "Loyal Customers")).sum())
        champs = int(((stage == "at risk") & (seg == "Champions")).sum())
    else:
        loyal = champs = 0
    if loyal or champs:
        who = []
        if loyal:
            who.append(f"{loyal:,} lapsed customer{'s are' if loyal != 1 else ' is'} labelled \"Loyal Customers\"")
        if champs:
            who.append(f"{champs:,} at-risk customer{'s' if champs != 1 else ''} \"Champions\"")
        r = view["RFM"].astype("object").str[0]
        days = pd.to_numeric(view["days_since_last"], errors="coerce")
        spans = []
        for score in sorted({"3"} if loyal else set()) + (["4"] if champs else []):
            d = days[r == score].dropna()
            if len(d):
                spans.append(f"R = {score} spans {d.min():,.0f} to {d.max():,.0f} days")
        ranges_text = (f" (on this data {' and '.join(spans)} since the last purchase)" if spans else "")
        parts.append(" and ".join(who) + ": the RFM segment ranks buyers against each other" + ranges_text
                     + ", while the lifecycle stage counts days since the last purchase against fixed "
                     f"windows (at risk after {thresholds['active_window']:,} days, lapsed after "
                     f"{thresholds['lapse_window']:,} days).")
    group_col = next((c for c in ("relationship_group", "group") if c in view.columns), None)
    group = (view[group_col].astype("object") if group_col
             else pd.Series(None, index=view.index, dtype="object"))
    lapsed = stage == "lapsed"
    counts = []
    for name in ("True Friends", "Barnacles"):  # the long side of the map
        members = group == name
        n = int((members & lapsed).sum())
        if n:
            counts.append(f"{n:,} of {int(members.sum()):,} {name} ({n / members.sum():.0%} of {name})")
    if counts:
        long_lapsed = group.isin(["True Friends", "Barnacles"]) & lapsed
        text = (" and ".join(counts) + " have lapsed: the group rests on profitability and on what the "
                "lifetime model projects from how often and how recently a customer bought, the stage "
                "only on the days since the last purchase, so a frequent buyer can be silent past the "
                "lapse window and still be projected to buy")
        p_alive = (pd.to_numeric(view.loc[long_lapsed, "p_alive"], errors="coerce").dropna()
                   if "p_alive" in view.columns else pd.Series(dtype=float))
        if len(p_alive):
            med = p_alive.median()
            text += (f"; the model gives these {int(long_lapsed.sum()):,} lapsed customers a median "
                     f"P(alive) of {med:.0%}: " + (
                         "more than half of them are more likely gone than still customers, so their "
                         "group tells what the relationship was worth, not that it goes on" if med < 0.5
                         else "at least half of them are more likely still customers than gone"))
        parts.append(text + ".")
    if not parts:
        return ""
    return "Labels that look contradictory answer different questions. " + " ".join(parts)


def call_list_line(view, shown, *, max_priority=2, export_name="customer_actions.csv") -> str:
    """How much of the call list the report shows, and where the rest is.

    Parameters
    ----------
    view : pandas.DataFrame
        The customer view: ``priority``.
    shown : int
        Rows of the call list shown in the report.
    max_priority : int, default 2
        Priorities that are urgent (personal contact within days).
    export_name : str
        The CRM file, whose ``rank`` column is the call order.

    Returns
    -------
    str

    Examples
    --------
    >>> v = pd.DataFrame({"priority": [1, 2, 2, 5, 9]})
    >>> call_list_line(v, 2)
    'The top 2 of the 3 customers with a priority 1 or 2 action (60% of all customers), most urgent first, then the highest predicted value; the full list, in the same order, is `customer_actions.csv` (column `rank`).'
    """
    urgent_n = int((view["priority"] <= max_priority).sum())
    levels = " or ".join(str(p) for p in range(1, max_priority + 1))
    share = urgent_n / len(view) if len(view) else 0.0
    return (f"The top {min(shown, urgent_n):,} of the {urgent_n:,} customers with a priority {levels} action "
            f"({share:.0%} of all customers), most urgent first, then the highest predicted value; the full "
            f"list, in the same order, is `{escape(export_name)}` (column `rank`).")
