"""The sentences and report tables of ``02_lifecycle``.

Inputs are the results the notebook computed with :mod:`helpers.lifecycle`: the per-customer view
(``customer_lifecycle``: one row per known customer with ``stage``, ``ladder_step``,
``n_purchase_days``, ``promoter``, ``referrals``, ``first_purchase`` and ``attrs["thresholds"]``),
the summaries per stage, RFM segment and ladder rung (``stage_summary``: ``customers``,
``customer_share``, ``revenue``, ``revenue_share``, ``revenue_12m``, ``revenue_12m_share``, ...),
the transitions (``stage_transitions``: ``shares`` and ``counts``, from-stage rows), the cohort
retention (``cohort_retention``: ``shares``, one row per cohort period) and the lapse survival
(``lapse_survival``: ``medians`` and ``logrank``). Every name taken from the data is escaped.
"""

from __future__ import annotations

import math

import pandas as pd

from helpers.frames import isin
from helpers.narrative.text import bullets, escape, join_words, p_value, pct

__all__ = ["data_line", "lapse_groups", "compute_notes", "phase_evidence", "rfm_grid_table",
           "days", "interpret", "act", "headline"]

_NOW = ["new", "active", "reactivated"]  # stages of buyers who buy now
_SLIPPING = ["Can't Lose Them", "At Risk"]  # default RFM segments of once-frequent, now quiet buyers
_PERIOD_NAMES = {"M": "month", "Q": "quarter", "W": "week", "Y": "year"}
# customers/transactions columns that are no grouping for the lapse curves
_NOT_GROUPS = {"customer_id", "name", "signup_date", "referrals", "order_id", "order_date", "amount",
               "margin", "discount", "profit"}


def _ratio(part, whole):
    return part / whole if whole else math.nan


def _share_of(part, whole, base="buyers"):
    """``"57% of buyers"``, or ``"n/a"`` when there is no base."""
    return f"{pct(part / whole)} of {base}" if whole else "n/a"


def _buyers(view):
    return view[view["n_purchase_days"] > 0]


def data_line(name, observation_end, transactions, n_customers, currency, *,
              thresholds_from_config=False, rfm_from_config=False) -> str:
    """What the lifecycle report is computed from.

    Parameters
    ----------
    name : str
        The data set's name.
    observation_end : datetime-like
        The "as of" date.
    transactions : DataFrame
        The loaded transactions (``customer_id``, ``order_date``).
    n_customers : int
        Known customers (rows of the customer list).
    currency : str
        The currency of the amounts.
    thresholds_from_config, rfm_from_config : bool, default False
        Whether the stage windows / the RFM segment rules come from the run configuration
        (else from the gaps between purchases / the default rules).

    Returns
    -------
    str
        Markdown.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "b"],
    ...                    "order_date": pd.to_datetime(["2024-01-02", "2024-02-01"])})
    >>> data_line("Shop", pd.Timestamp("2024-12-31"), tx, 3, "EUR")  # doctest: +ELLIPSIS
    '**Shop**, as of **2024-12-31**: 2 transaction rows from 2024-01-02, 2 buyers and 3 known ...'
    """
    start = transactions["order_date"].min()
    source = ("the run configuration" if thresholds_from_config
              else "the gaps between purchases (75th and 95th percentiles)")
    rules = "the run configuration" if rfm_from_config else "the default rules above"
    return (f"**{escape(name)}**, as of **{pd.Timestamp(observation_end):%Y-%m-%d}**: "
            f"{len(transactions):,} transaction rows from "
            f"{f'{start:%Y-%m-%d}' if pd.notna(start) else 'no date'}, "
            f"{transactions['customer_id'].nunique():,} buyers and {n_customers:,} known customers; "
            f"amounts in {escape(currency)}. Stage windows from {source}; RFM segments from "
            f"{rules}.")


def lapse_groups(survival_by, customer_columns, transaction_columns, *,
                 customers_configured=True) -> tuple[str | None, str]:
    """Which grouping the lapse curves use, and the note when the wanted one is missing.

    The wanted column is used when the customer list or the transactions have it (or it is
    ``"cohort"``); otherwise the curves fall back to the year of the first purchase (few enough
    curves to read) and the note says why and which columns could be chosen instead.

    Parameters
    ----------
    survival_by : str
        The wanted grouping: a customers/transactions column or ``"cohort"``.
    customer_columns, transaction_columns : iterable of str
        The columns of the loaded customer list and transactions.
    customers_configured : bool, default True
        Whether the run configuration names a customer list.

    Returns
    -------
    column : str or None
        ``survival_by``, or None for the fallback (years of the first purchase).
    note : str
        ``""``, or Markdown explaining the fallback.

    Examples
    --------
    >>> lapse_groups("channel", ["customer_id", "channel"], ["amount"])
    ('channel', '')
    >>> col, note = lapse_groups("channel", ["customer_id", "region"], ["amount"])
    >>> col, "`region`" in note
    (None, True)
    """
    customer_columns, transaction_columns = set(customer_columns), set(transaction_columns)
    if survival_by in {"cohort", *customer_columns, *transaction_columns}:
        return survival_by, ""
    usable = sorted((customer_columns | transaction_columns) - _NOT_GROUPS)
    note = (f"**Lapse groups: year of the first purchase instead of "
            f"{escape(survival_by.replace('_', ' '))}**, "
            + ("because the run configuration has no customer list, and the transactions have no "
               if not customers_configured
               else "because neither the customer list nor the transactions have a ")
            + f"column `{escape(survival_by)}`; set the parameter `survival_by` to "
            + (f"one of {', '.join(f'`{escape(c)}`' for c in usable)} or " if usable else "")
            + "`cohort` (one group per cohort period) to choose.")
    return None, note


def compute_notes(view, *, lapse_note="", warnings=()) -> str:
    """The windows used, the size of the view, and what the computation noted.

    Parameters
    ----------
    view : DataFrame
        The per-customer view (``attrs["thresholds"]``: ``new_window``, ``active_window``,
        ``lapse_window`` in days).
    lapse_note : str, default ""
        The note of :func:`lapse_groups` (Markdown), if any.
    warnings : iterable of str or Warning, default ()
        Warnings raised while computing; shown once each, sorted.

    Returns
    -------
    str
        Markdown.

    Examples
    --------
    >>> view = pd.DataFrame(index=["a", "b"])
    >>> view.attrs["thresholds"] = {"new_window": 30, "active_window": 60, "lapse_window": 120}
    >>> compute_notes(view)
    'Windows: new 30 days, active 60 days, lapse 120 days. 2 customers, each in one row (ids unique).\\n\\n'
    """
    th = view.attrs["thresholds"]
    notes = sorted({escape(w if isinstance(w, str) else getattr(w, "message", w))
                    for w in warnings})
    return (f"Windows: new {th['new_window']} days, active {th['active_window']} days, lapse "
            f"{th['lapse_window']} days. {len(view):,} customers, each in one row "
            f"({'ids unique' if view.index.is_unique else 'DUPLICATE ids'}).\n\n"
            + (lapse_note + "\n\n" if lapse_note else "")
            + ("Notes from the computation (they qualify the numbers below, nothing is wrong):\n\n"
               + bullets(notes) if notes else ""))


def phase_evidence(view, transactions, survey) -> dict[str, str]:
    """What the data holds for each phase of the customer lifecycle.

    Parameters
    ----------
    view : DataFrame
        The per-customer view (index customer id; ``stage``, ``n_purchase_days``,
        ``ladder_step``, ``promoter``, ``referrals``).
    transactions : DataFrame
        The loaded transactions (``amount``; negative = refund).
    survey : DataFrame
        The loaded survey (``customer_id`` optional).

    Returns
    -------
    dict
        Phase name -> one phrase with its counts, in lifecycle order.

    Examples
    --------
    >>> view = pd.DataFrame({"stage": ["prospect", "active"], "n_purchase_days": [0, 3],
    ...                      "ladder_step": ["prospect", "client"], "promoter": [False, True],
    ...                      "referrals": [0, 2]}, index=["a", "b"])
    >>> phase_evidence(view, pd.DataFrame({"amount": [5.0, -1.0]}), pd.DataFrame())["bond"]
    '1 repeat customers, 1 of them clients'
    """
    buyers = _buyers(view)
    if "customer_id" in survey.columns:
        n_linked = int(isin(survey["customer_id"], view.index).sum())
    else:
        n_linked = 0
    return {
        "discovery": "nothing: no record exists before a sign-up or purchase",
        "evaluation": f"{(view['stage'] == 'prospect').sum():,} prospects (known, never bought)",
        "purchase": f"{len(buyers):,} first purchases",
        "use/experience": f"{(transactions['amount'] < 0).sum():,} refund rows; {n_linked:,} survey "
                          "answers linked to a customer",
        "bond": f"{(buyers['n_purchase_days'] >= 2).sum():,} repeat customers, "
                f"{(view['ladder_step'] == 'client').sum():,} of them clients",
        "advocacy": f"{view['promoter'].sum():,} promoters, "
                    f"{(view['referrals'] > 0).sum():,} referrers",
    }


def rfm_grid_table(grid) -> pd.DataFrame:
    """The R x F grid of segment names, with the M scores where M splits a cell.

    Parameters
    ----------
    grid : DataFrame
        ``lifecycle.rfm_segment_grid``: one row per (R, F, M) cell with its ``segment``.

    Returns
    -------
    DataFrame
        Rows R score 5..1, columns F score 1..5; each cell ``"Segment"`` or
        ``"A (M 1-2) / B (M 3-5)"``. Plain text: a DataFrame's HTML escapes it.

    Examples
    --------
    >>> grid = pd.DataFrame([(r, f, m, "Top" if m > 3 else "Rest")
    ...                      for r in (1, 2) for f in (1, 2) for m in range(1, 6)],
    ...                     columns=["R", "F", "M", "segment"])
    >>> rfm_grid_table(grid).iloc[0, 0]
    'Rest (M 1-3) / Top (M 4-5)'
    """
    def cell_text(cell):
        parts = []
        for seg, m in cell.groupby("segment", sort=False)["M"]:
            parts.append(seg if len(m) == 5 else f"{seg} (M {m.min()}-{m.max()})")
        return " / ".join(parts)

    return (grid.groupby(["R", "F"]).apply(cell_text, include_groups=False).unstack("F")
            .sort_index(ascending=False).rename_axis(index="R score", columns="F score"))


def days(d) -> str:
    """A number of days, or "not reached" for a median or bound that is missing or infinite.

    Parameters
    ----------
    d : float or None
        Days.

    Returns
    -------
    str

    Examples
    --------
    >>> days(1234.4), days(float("inf")), days(None)
    ('1,234 days', 'not reached', 'not reached')
    """
    return f"{d:,.0f} days" if pd.notna(d) and d != float("inf") else "not reached"


def _group_name(lapse_group):
    if lapse_group is None:
        return "year of the first purchase"
    if lapse_group == "cohort":
        return "first-purchase cohort"
    return escape(lapse_group.replace("_", " "))


def _survival_lines(surv, surv_all, lapse_group):
    lines = []
    med = surv.medians
    if surv.logrank is not None and med["median"].notna().any():
        ordered = med["median"].fillna(float("inf")).sort_values()
        fastest, slowest = ordered.index[0], ordered.index[-1]
        lr = surv.logrank
        p = lr["pvalue"]
        if pd.isna(p):
            test = "the log-rank test is undefined here (too few lapses shared between the groups)"
        else:
            test = (f"the groups {'differ' if p < 0.05 else 'do not differ clearly'} (log-rank "
                    f"χ² = {lr['statistic']:.1f}, df = {int(lr['df'])}, p {p_value(p)})")
        lines.append(
            f"- Time to lapse by {_group_name(lapse_group)}: the median runs from "
            f"{days(ordered.iloc[0])} ({escape(fastest)}) to {days(ordered.iloc[-1])} "
            f"({escape(slowest)}); {test}.")
    all_med = surv_all.medians.iloc[0]
    lines.append(
        f"- Half of all buyers lapse within {days(all_med['median'])} of their first purchase "
        f"(95% CI {days(all_med['median_lower'])} to {days(all_med['median_upper'])}); "
        f"{int(all_med['events']):,} of {int(all_med['n']):,} have lapsed at least once.")
    return lines


def _transition_lines(moves, from_date, transition_months):
    lines = []
    if "active" in moves.counts.index and (n_then := int(moves.counts.loc["active"].sum())):
        row = moves.shares.loc["active"]
        lines.append(
            f"- Of the {n_then:,} customers active on {pd.Timestamp(from_date):%Y-%m-%d}, "
            f"{pct(row[['active', 'reactivated']].sum())} are still active, {pct(row['at risk'])} "
            f"are at risk and {pct(row['lapsed'])} have lapsed {transition_months} months later.")
    if "at risk" in moves.counts.index and (n_then := int(moves.counts.loc["at risk"].sum())):
        row = moves.shares.loc["at risk"]
        lines.append(
            f"- Of the {n_then:,} customers at risk then, "
            f"{pct(row[['active', 'reactivated']].sum())} came back, {pct(row['at risk'])} are "
            f"still at risk and {pct(row['lapsed'])} have lapsed.")
    return lines


def _cohort_lines(cohorts, cohort_freq, observation_end):
    ret = cohorts.shares
    period_name = _PERIOD_NAMES.get(cohort_freq, "period")
    end = pd.Timestamp(observation_end)
    complete = [(c + 1).end_time.normalize() <= end for c in ret.index]  # next period fully seen
    p1 = ret.loc[complete, 1].dropna() if 1 in ret.columns else pd.Series(dtype=float)
    if not len(p1):
        return []
    return [f"- Of each {period_name}ly cohort, {pct(p1.min())} to {pct(p1.max())} buy again in "
            f"the {period_name} after their first (median {pct(p1.median())} over {len(p1)} "
            f"cohorts; {escape(p1.idxmin())} lowest, {escape(p1.idxmax())} highest)."]


def interpret(view, by_stage, by_segment, by_rung, moves, cohorts, surv, surv_all, *,
              currency, from_date, transition_months, cohort_freq, observation_end,
              lapse_group) -> str:
    """The Interpret section of the lifecycle report.

    Parameters
    ----------
    view : DataFrame
        The per-customer view (``n_purchase_days``; ``attrs["thresholds"]``).
    by_stage, by_segment, by_rung : DataFrame
        ``stage_summary`` per stage, per RFM segment and per ladder rung.
    moves : Transitions
        ``stage_transitions`` from ``from_date`` to the observation end (``shares``, ``counts``).
    cohorts : Retention
        ``cohort_retention`` (``shares``: one row per cohort period, columns periods since
        the first purchase).
    surv, surv_all : Survival
        ``lapse_survival`` by group and over all buyers (``medians``, ``logrank``).
    currency : str
        The currency of the amounts.
    from_date : datetime-like
        The date of the earlier snapshot of the transitions.
    transition_months : int
        Months between the snapshots.
    cohort_freq : str
        The cohort period: ``"M"``, ``"Q"``, ``"W"`` (or ``"Y"``).
    observation_end : datetime-like
        The "as of" date; only cohorts whose next period is fully seen count.
    lapse_group : str or None
        The grouping of ``surv`` (a column, ``"cohort"``, or None for first-purchase years;
        see :func:`lapse_groups`).

    Returns
    -------
    str
        A Markdown list: buyers by stage with their revenue share, the top RFM segment,
        the quiet once-frequent buyers, the ladder, the transitions, the cohorts' repeat
        rates and the time to lapse. Examples with hand-built inputs are in
        ``tests/narrative/test_lifecycle.py``.
    """
    th = view.attrs["thresholds"]
    n_buyers = len(_buyers(view))
    stage_n = by_stage["customers"]
    rev12 = by_stage["revenue_12m_share"]
    active_now = stage_n[_NOW].sum()
    lines = [
        f"- **{active_now:,} of {n_buyers:,} buyers ({pct(_ratio(active_now, n_buyers))}) are new, "
        f"active or reactivated** and bring {pct(rev12[_NOW].sum())} of the last 12 months' "
        f"revenue. **{stage_n['at risk']:,} are at risk** (last purchase {th['active_window']} to "
        f"{th['lapse_window']} days ago) with {pct(rev12['at risk'])} of it, and "
        f"**{stage_n['lapsed']:,} ({_share_of(stage_n['lapsed'], n_buyers)}) have lapsed**."]
    top_seg = by_segment["revenue_12m"].idxmax()
    lines.append(
        f"- The RFM segment with the most revenue in the last 12 months is **{escape(top_seg)}**: "
        f"{by_segment.loc[top_seg, 'customers']:,} buyers "
        f"({pct(by_segment.loc[top_seg, 'customer_share'])} of buyers) with "
        f"{pct(by_segment.loc[top_seg, 'revenue_12m_share'])} of it.")
    slipping = by_segment.reindex(_SLIPPING).dropna(subset=["customers"])
    if slipping["customers"].sum() > 0:
        lines.append(
            f"- Once-frequent buyers who have gone quiet "
            f"({join_words(f'*{s}*' for s in slipping.index)}): "
            f"{slipping['customers'].sum():,.0f} buyers who spent {escape(currency)} "
            f"{slipping['revenue'].sum():,.0f} in all, {pct(slipping['revenue_share'].sum())} of "
            "all revenue.")
    rungs = by_rung["customers"]
    first_time = rungs.get("first-time customer", 0)
    lines.append(
        f"- On the ladder, {first_time:,} buyers ({_share_of(first_time, n_buyers)}) have bought "
        f"only once; {rungs.get('client', 0):,} are clients and {rungs.get('advocate', 0):,} "
        "advocates.")
    lines += _transition_lines(moves, from_date, transition_months)
    lines += _cohort_lines(cohorts, cohort_freq, observation_end)
    lines += _survival_lines(surv, surv_all, lapse_group)
    return "\n".join(lines)


def act(by_stage, by_rung, thresholds, currency) -> str:
    """The Act section of the lifecycle report: this month's three moves, with their numbers.

    Parameters
    ----------
    by_stage, by_rung : DataFrame
        ``stage_summary`` per stage (``customers``, ``revenue_12m``, ``revenue_12m_share``) and
        per ladder rung (``customers``).
    thresholds : dict
        The stage windows (``new_window`` in days).
    currency : str
        The currency of the amounts.

    Returns
    -------
    str
        A Markdown list; the win-back line only when customers have lapsed.

    Examples
    --------
    >>> stages = pd.DataFrame({"customers": [10, 4, 0], "revenue_12m": [1500.0, 0, 0],
    ...                        "revenue_12m_share": [0.3, 0.1, 0]},
    ...                       index=["at risk", "new", "lapsed"])
    >>> rungs = pd.DataFrame({"customers": [7]}, index=["first-time customer"])
    >>> print(act(stages, rungs, {"new_window": 45}, "EUR"))  # doctest: +NORMALIZE_WHITESPACE
    - **This month:** contact the 10 at-risk customers before the gap becomes a lapse: they
      spent EUR 1,500 in the last 12 months (30% of it).
    - **Earn the second purchase:** 4 new customers are inside their first 45 days; 7 buyers in
      all have bought only once.
    """
    stage_n = by_stage["customers"]
    first_time = by_rung["customers"].get("first-time customer", 0)
    steps = [
        f"- **This month:** contact the {stage_n['at risk']:,} at-risk customers before the gap "
        f"becomes a lapse: they spent {escape(currency)} {by_stage.loc['at risk', 'revenue_12m']:,.0f}"
        f" in the last 12 months ({pct(by_stage.loc['at risk', 'revenue_12m_share'])} of it).",
        f"- **Earn the second purchase:** {stage_n['new']:,} new customers are inside their first "
        f"{thresholds['new_window']} days; {first_time:,} buyers in all have bought only once.",
    ]
    if stage_n["lapsed"]:
        steps.append(f"- **Win back selectively:** of {stage_n['lapsed']:,} lapsed customers, only "
                     "those whose predicted value clears the win-back threshold (by default the profit "
                     "of a typical order; `03_relationship_groups` predicts the value, "
                     "`04_customer_actions` lists who clears it).")
    return "\n".join(steps)


def headline(view, by_stage, surv_all) -> str:
    """The one-line summary of the lifecycle report, for the report index.

    Parameters
    ----------
    view : DataFrame
        The per-customer view (``n_purchase_days``).
    by_stage : DataFrame
        ``stage_summary`` per stage (``customers``, ``revenue_12m_share``).
    surv_all : Survival
        ``lapse_survival`` over all buyers (``medians["median"]``).

    Returns
    -------
    str
        Markdown.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> view = pd.DataFrame({"n_purchase_days": [0, 1, 4, 2]})
    >>> stages = pd.DataFrame({"customers": [1, 2], "revenue_12m_share": [0.25, 0.0]},
    ...                       index=["at risk", "lapsed"])
    >>> surv_all = SimpleNamespace(medians=pd.DataFrame({"median": [150.0]}))
    >>> headline(view, stages, surv_all)  # doctest: +ELLIPSIS
    "1 customers at risk hold 25% of ...; 2 of 3 buyers (67% of buyers) have lapsed; ... lapse 150 days."
    """
    stage_n = by_stage["customers"]
    n_buyers = len(_buyers(view))
    return (f"{stage_n['at risk']:,} customers at risk hold "
            f"{pct(by_stage.loc['at risk', 'revenue_12m_share'])} of the last 12 months' revenue; "
            f"{stage_n['lapsed']:,} of {n_buyers:,} buyers "
            f"({_share_of(stage_n['lapsed'], n_buyers)}) have lapsed; median time from first "
            f"purchase to lapse {days(surv_all.medians['median'].iloc[0])}.")
