"""Sentences of the relationship-groups report (``03_relationship_groups``).

Each function takes results the notebook has computed (tables of :mod:`helpers.relationship` and
:mod:`helpers.clv`, dicts, numbers) and returns Markdown. The group names come from the vocabulary
(:data:`helpers.frameworks.RELATIONSHIP_GROUPS`); text that comes from the data (warning messages)
is escaped with :func:`helpers.narrative.text.escape`.
"""

from __future__ import annotations

import math

import pandas as pd

from helpers import frameworks
from helpers.narrative.text import escape

__all__ = ["MODEL_NAMES", "model_name", "data_summary", "holdout_summary", "split_summary",
           "spend_check", "nps_reason", "nps_used", "model_check", "spend_model",
           "loyalty_and_profit", "predicted_profit_by_group", "migration", "group_nps", "helper_notes",
           "strategies", "headline", "loyalty_axis", "quadrant_held", "group_certainty",
           "map_scales"]

#: Display names of the lifetime models.
MODEL_NAMES = {"pareto_nbd": "Pareto/NBD", "bgnbd": "BG/NBD"}

#: Loyalty measures counted in weeks (the others, such as ``p_alive``, have no unit).
_WEEK_MEASURES = ("lifetime", "duration", "remaining_life")


def _missing(x) -> bool:
    """True for None and NaN (a number that could not be computed)."""
    return x is None or bool(pd.isna(x))


def model_name(model) -> str:
    """Display name of a lifetime model: ``"pareto_nbd"`` -> ``"Pareto/NBD"``.

    Parameters
    ----------
    model : str
        A model key; an unknown key is returned as it is.

    Returns
    -------
    str

    Examples
    --------
    >>> model_name("bgnbd"), model_name("other")
    ('BG/NBD', 'other')
    """
    return MODEL_NAMES.get(model, model)


def data_summary(transactions, observation_end, *, currency, margin_rate) -> str:
    """What the report is computed from: rows, customers, dates and where profit comes from.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Canonical transactions (``customer_id``, ``order_date``), at least one row.
    observation_end : date-like
        The "as of" date of the report.
    currency : str
    margin_rate : float
        Share of the amount counted as profit where the data has no margin column.

    Returns
    -------
    str

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"],
    ...                    "order_date": pd.to_datetime(["2024-01-02", "2024-02-01", "2024-03-01"])})
    >>> data_summary(tx, pd.Timestamp("2024-03-31"), currency="EUR", margin_rate=0.3)
    '3 transaction rows of 2 customers, 2024-01-02 to 2024-03-31; profit in EUR (the margin column where given, else amount x 30%).'
    """
    return (f"{len(transactions):,} transaction rows of {transactions['customer_id'].nunique():,} "
            f"customers, {transactions['order_date'].min():%Y-%m-%d} to {observation_end:%Y-%m-%d}; "
            f"profit in {currency} (the margin column where given, else amount x {margin_rate:.0%}).")


def holdout_summary(split_date, observation_end, *, n_calibration, holdout_length,
                    new_in_holdout) -> str:
    """The calibration and holdout periods of the model check.

    Parameters
    ----------
    split_date, observation_end : date-like
        End of the calibration period and of the holdout.
    n_calibration : int
        Customers in the calibration period.
    holdout_length : float
        Length of the holdout in weeks.
    new_in_holdout : int
        Customers whose first purchase lies in the holdout (not in the check).

    Returns
    -------
    str

    Examples
    --------
    >>> holdout_summary(pd.Timestamp("2025-07-02"), pd.Timestamp("2025-12-31"), n_calibration=3568,
    ...                 holdout_length=26.0, new_in_holdout=932)
    'Calibration up to 2025-07-02 (3,568 customers), holdout 26 weeks to 2025-12-31; 932 customers first bought in the holdout.'
    """
    return (f"Calibration up to {split_date:%Y-%m-%d} ({n_calibration:,} customers), holdout "
            f"{holdout_length:g} weeks to {observation_end:%Y-%m-%d}; "
            f"{new_in_holdout:,} customers first bought in the holdout.")


def split_summary(n_customers, splits, *, loyalty, profitability, currency) -> str:
    """Where the two axes are split into groups.

    Parameters
    ----------
    n_customers : int
        Customers with a group.
    splits : dict
        ``{"loyalty": float, "profit": float}``: the split lines (``settings["splits"]`` of
        :func:`helpers.relationship.customer_relationships`).
    loyalty : str
        Loyalty measure; ``"lifetime"`` and ``"duration"`` are in weeks, others (``"p_alive"``)
        have no unit.
    profitability : str
        Profitability measure, in ``currency``.
    currency : str

    Returns
    -------
    str

    Examples
    --------
    >>> split_summary(4500, {"loyalty": 22.93, "profit": 10.861}, loyalty="lifetime",
    ...               profitability="profit_per_order", currency="EUR")
    '4,500 customers; split lines at lifetime = 22.9 weeks and profit_per_order = 10.86 EUR.'
    >>> split_summary(10, {"loyalty": 0.5, "profit": 3}, loyalty="p_alive", profitability="profit",
    ...               currency="EUR")
    '10 customers; split lines at p_alive = 0.50 and profit = 3.00 EUR.'
    """
    at = (f"{splits['loyalty']:.1f} weeks" if loyalty in _WEEK_MEASURES
          else f"{splits['loyalty']:.2f}")
    return (f"{n_customers:,} customers; split lines at {loyalty} = {at} "
            f"and {profitability} = {splits['profit']:.2f} {currency}.")


def spend_check(n_repeat, diagnostics) -> str:
    """The Gamma-Gamma independence check in numbers.

    Parameters
    ----------
    n_repeat : int
        Repeat customers the spend model was fitted on.
    diagnostics : dict
        ``corr_frequency_monetary`` (Pearson), ``spearman_frequency_monetary`` and ``max_abs_corr``
        (the spend model's ``diagnostics``).

    Returns
    -------
    str
        Says so when the correlation cannot be computed (too few repeat customers).

    Examples
    --------
    >>> spend_check(2991, {"corr_frequency_monetary": -0.061, "spearman_frequency_monetary": 0.012,
    ...                    "max_abs_corr": 0.3})
    'Gamma-Gamma independence check among the 2,991 repeat customers: correlation of frequency and average order value -0.06 (Pearson), +0.01 (Spearman); the model flags |r| above 0.3.'
    """
    pearson, spearman = (diagnostics["corr_frequency_monetary"],
                         diagnostics["spearman_frequency_monetary"])
    if _missing(pearson) or _missing(spearman):
        return (f"Gamma-Gamma independence check: the {int(n_repeat):,} repeat customers are too "
                "few to correlate frequency and average order value.")
    return (f"Gamma-Gamma independence check among the {int(n_repeat):,} repeat customers: "
            f"correlation of frequency and average order value {pearson:+.2f} (Pearson), "
            f"{spearman:+.2f} (Spearman); the model flags |r| above "
            f"{diagnostics['max_abs_corr']:.1f}.")


def nps_reason(n_answers, n_linked, n_groups) -> str:
    """Why NPS per relationship group is not shown, or ``""`` when it is.

    Parameters
    ----------
    n_answers : int
        Survey answers in the run (0: no survey).
    n_linked : int
        Answers with a customer id.
    n_groups : int
        Relationship groups with at least one linked answer.

    Returns
    -------
    str
        ``""`` when there are linked answers in at least two groups.

    Examples
    --------
    >>> nps_reason(100, 0, 0)
    'No survey answer is linked to a customer (none of the 100 answers has a customer id), so NPS per relationship group is not shown; `01_nps` has the overall NPS.'
    >>> nps_reason(100, 80, 3)
    ''
    """
    if not n_answers:
        return ("No survey in this run configuration, so NPS per relationship group is not shown "
                "(add `survey:` under `inputs`, with a customer id column, to see it).")
    if not n_linked:
        return (f"No survey answer is linked to a customer (none of the {n_answers:,} answers "
                "has a customer id), so NPS per relationship group is not shown; `01_nps` has the "
                "overall NPS.")
    if n_groups < 2:
        return (f"Only {n_groups} relationship group has survey answers linked to its "
                f"customers ({n_linked:,} linked answers), so there is no NPS per group to "
                "compare.")
    return ""


def nps_used(group_scores) -> str:
    """Which survey answers the NPS per group uses, and the NPS of all of them together.

    Parameters
    ----------
    group_scores : pandas.DataFrame
        Result of :func:`helpers.relationship.group_nps`; reads its ``attrs`` ``used``, ``linked``,
        ``answers`` and ``nps_all``.

    Returns
    -------
    str

    Examples
    --------
    >>> scores = pd.DataFrame({"group": ["Strangers", "True Friends"]})
    >>> scores.attrs = {"used": 3, "linked": 4, "answers": 5,
    ...                 "nps_all": {"nps": 33.3, "ci_low": -40.2, "ci_high": 80.1, "n": 3}}
    >>> nps_used(scores)
    "3 customers' latest answers used, of 4 linked answers (5 answers in all); all of them together: NPS +33 (95% CI -40 to +80, n = 3)."
    """
    from helpers.nps import nps_headline

    a = group_scores.attrs
    return (f"{a['used']:,} customers' latest answers used, of {a['linked']:,} linked answers "
            f"({a['answers']:,} answers in all); all of them together: "
            f"{nps_headline(a['nps_all'])}.")


def model_check(check, ratios, *, model, holdout_length, tolerance=0.15) -> str:
    """The holdout check of the lifetime model: total predicted against actual, and bad buckets.

    Parameters
    ----------
    check : pandas.DataFrame
        :func:`helpers.clv.holdout_table` of ``model``: one row per calibration frequency bucket and
        a ``"Total"`` row; columns ``customers``, ``actual_mean``, ``predicted_mean``,
        ``actual_total``, ``predicted_total``.
    ratios : dict
        Predicted / actual total per model key; the models other than ``model`` are named for
        comparison.
    model : str
        Key of the model the report uses.
    holdout_length : float
        Weeks held out.
    tolerance : float, default 0.15
        Buckets whose predicted mean is off the actual mean by more than this share are listed.

    Returns
    -------
    str

    Examples
    --------
    >>> check = pd.DataFrame({"customers": [10, 5, 15], "actual_mean": [1.0, 2.0, 4 / 3],
    ...                       "predicted_mean": [1.1, 2.0, 1.4], "actual_total": [10, 10, 20],
    ...                       "predicted_total": [11, 10, 21]}, index=["0", "1", "Total"])
    >>> print(model_check(check, {"pareto_nbd": 1.05, "bgnbd": 0.9}, model="pareto_nbd",
    ...                   holdout_length=26))
    **Model check.** Over 26 held-out weeks the Pareto/NBD predicted 21 repeat purchases by the 15 calibration customers; they made 20: predicted / actual 1.05, a 5% over-prediction (the BG/NBD: 0.90). Every frequency bucket is within 15%.
    """
    tot = check.loc["Total"]
    ratio = tot["predicted_total"] / tot["actual_total"]
    if ratio > 1:
        error = f"a {ratio - 1:.0%} over-prediction"
    elif ratio < 1:
        error = f"a {1 - ratio:.0%} under-prediction"
    else:
        error = "exactly as predicted"
    others = [f"the {model_name(m)}: {r:.2f}" for m, r in ratios.items() if m != model]
    text = (f"**Model check.** Over {holdout_length:g} held-out weeks the {model_name(model)} "
            f"predicted {tot['predicted_total']:,.0f} repeat purchases by the "
            f"{int(tot['customers']):,} calibration customers; they made {tot['actual_total']:,.0f}: "
            f"predicted / actual {ratio:.2f}, {error}"
            + (f" ({'; '.join(others)})" if others else "") + ". ")
    body = check.drop(index="Total")
    off = body[(body["predicted_mean"] / body["actual_mean"] - 1).abs() > tolerance]
    if len(off):
        return text + f"Frequency buckets off by more than {tolerance:.0%}: " + "; ".join(
            f"{i} (predicted {r['predicted_mean']:.2f} vs actual {r['actual_mean']:.2f} per customer)"
            for i, r in off.iterrows()) + "."
    return text + f"Every frequency bucket is within {tolerance:.0%}."


def spend_model(diagnostics) -> str:
    """Whether the spend model's independence assumption holds.

    Parameters
    ----------
    diagnostics : dict
        ``corr_frequency_monetary`` and ``max_abs_corr`` (the spend model's ``diagnostics``).

    Returns
    -------
    str

    Examples
    --------
    >>> spend_model({"corr_frequency_monetary": 0.42, "max_abs_corr": 0.3})
    '**Spend model.** Frequency and average order value correlate at +0.42: too strong; the expected spend of frequent buyers is biased.'
    """
    corr = diagnostics["corr_frequency_monetary"]
    if _missing(corr):
        return ("**Spend model.** Too few repeat customers to check that frequency and average "
                "order value are independent, as the Gamma-Gamma model assumes.")
    return (f"**Spend model.** Frequency and average order value correlate at {corr:+.2f}: "
            + ("small enough for the Gamma-Gamma assumption." if abs(corr) <= diagnostics["max_abs_corr"]
               else "too strong; the expected spend of frequent buyers is biased."))


def loyalty_and_profit(groups) -> str:
    """Share of customers against share of realised profit of the four groups.

    Parameters
    ----------
    groups : pandas.DataFrame
        Group summary indexed by group name (:func:`helpers.relationship.group_summary`), with
        ``share`` and ``profit_share``.

    Returns
    -------
    str

    Examples
    --------
    >>> g = pd.DataFrame({"share": [0.4, 0.2, 0.3, 0.1], "profit_share": [0.05, 0.25, 0.1, 0.6]},
    ...                  index=["Strangers", "Butterflies", "Barnacles", "True Friends"])
    >>> loyalty_and_profit(g)
    '**Loyalty is not profitability.** True Friends are 10% of customers and bring 60% of the realised profit; Barnacles, loyal but with small orders, are 30% of customers and bring 10%; Butterflies, profitable but short-lived, bring 25%; Strangers 5%.'
    """
    tf, bf, bn, st = (groups.loc[g] for g in ["True Friends", "Butterflies", "Barnacles", "Strangers"])
    return (f"**Loyalty is not profitability.** True Friends are {tf['share']:.0%} of customers and "
            f"bring {tf['profit_share']:.0%} of the realised profit; Barnacles, loyal but with small "
            f"orders, are {bn['share']:.0%} of customers and bring {bn['profit_share']:.0%}; "
            f"Butterflies, profitable but short-lived, bring {bf['profit_share']:.0%}; Strangers "
            f"{st['profit_share']:.0%}.")


def predicted_profit_by_group(groups, total, *, value_horizon, currency) -> str:
    """Predicted profit of all customers and of each group, with intervals.

    Parameters
    ----------
    groups : pandas.DataFrame
        Group summary indexed by group name with ``value``, ``value_lower``, ``value_upper``,
        ``value_share``.
    total : dict
        ``estimate``, ``lower``, ``upper`` of all customers together.
    value_horizon : int
        Weeks of predicted value.
    currency : str

    Returns
    -------
    str

    Examples
    --------
    >>> g = pd.DataFrame({"value": [10, 20, 30, 140], "value_lower": [9, 18, 27, 130],
    ...                   "value_upper": [11, 22, 33, 150], "value_share": [.05, .1, .15, .7]},
    ...                  index=["Strangers", "Butterflies", "Barnacles", "True Friends"])
    >>> print(predicted_profit_by_group(g, {"estimate": 200, "lower": 190, "upper": 210}, value_horizon=52,
    ...                                 currency="EUR"))
    **Predicted profit.** Over the next 52 weeks the model expects 200 EUR of discounted profit (95% interval 190 to 210). True Friends carry 140 (130 to 150; 70%), Butterflies 20, Barnacles 30, Strangers 10. The intervals hold the uncertainty of the model parameters, not the chance in each customer's buying, so they are narrow.
    """
    tf, bf, bn, st = (groups.loc[g] for g in ["True Friends", "Butterflies", "Barnacles", "Strangers"])
    return (f"**Predicted profit.** Over the next {value_horizon} weeks the model expects "
            f"{total['estimate']:,.0f} {currency} of discounted profit (95% interval "
            f"{total['lower']:,.0f} to {total['upper']:,.0f}). True Friends carry "
            f"{tf['value']:,.0f} ({tf['value_lower']:,.0f} to {tf['value_upper']:,.0f}; "
            f"{tf['value_share']:.0%}), Butterflies {bf['value']:,.0f}, Barnacles {bn['value']:,.0f}, "
            f"Strangers {st['value']:,.0f}. The intervals hold the uncertainty of the model "
            "parameters, not the chance in each customer's buying, so they are narrow.")


def migration(moves, move_shares, earlier) -> str:
    """Who stayed in their group since an earlier date, where True Friends went, where new ones landed.

    Parameters
    ----------
    moves, move_shares : pandas.DataFrame
        Counts and row shares of :func:`helpers.relationship.migration`: rows = group on
        ``earlier`` (and ``"(new)"``), columns = group now.
    earlier : date-like
        Date of the earlier snapshot.

    Returns
    -------
    str

    Examples
    --------
    >>> moves = pd.DataFrame({"Strangers": [8, 0, 3], "True Friends": [2, 10, 1]},
    ...                      index=["Strangers", "True Friends", "(new)"])
    >>> shares = moves.div(moves.sum(axis=1), axis=0)
    >>> print(migration(moves, shares, pd.Timestamp("2025-07-02")))
    **Migration.** Of the customers in each group on 2025-07-02, 80% of Strangers, 100% of True Friends are in the same group now. Of the 4 customers who first bought since, 75% are Strangers, 25% are True Friends.
    """
    groups = [g["name"] for g in frameworks.RELATIONSHIP_GROUPS]
    stayed = {g: move_shares.loc[g, g] for g in groups
              if g in move_shares.index and g in move_shares.columns}
    text = (f"**Migration.** Of the customers in each group on {earlier:%Y-%m-%d}, "
            + ", ".join(f"{v:.0%} of {g}" for g, v in stayed.items()) + " are in the same group now")
    if "True Friends" in move_shares.index:
        tf_moved = move_shares.loc["True Friends"].drop("True Friends", errors="ignore")
        if len(tf_moved) and tf_moved.max() > 0:
            text += (f"; True Friends who moved went mostly to {tf_moved.idxmax()} "
                     f"({tf_moved.max():.0%} of all True Friends)")
    if "(new)" in move_shares.index:
        new_rows = move_shares.loc["(new)"]
        text += (f". Of the {int(moves.loc['(new)'].sum()):,} customers who first bought since, "
                 + ", ".join(f"{v:.0%} are {g}" for g, v in new_rows.items()))
    return text + "."


def group_nps(group_scores, reason="") -> str:
    """NPS of each relationship group with its interval, significant differences marked.

    Parameters
    ----------
    group_scores : pandas.DataFrame or None
        Result of :func:`helpers.relationship.group_nps` (``group``, ``nps``, ``ci_low``,
        ``ci_high``, ``n``, ``significant``); None when it was not computed.
    reason : str, default ""
        Why it was not computed (:func:`nps_reason`); said instead.

    Returns
    -------
    str

    Examples
    --------
    >>> scores = pd.DataFrame({"group": ["Strangers", "True Friends"], "nps": [-40.2, 41.0],
    ...                        "ci_low": [-48, 36.6], "ci_high": [-38, 45.8], "n": [690, 907],
    ...                        "significant": [True, False]})
    >>> print(group_nps(scores))
    **What they say.** Strangers NPS -40 (-48 to -38, n = 690) \\*; True Friends NPS +41 (+37 to +46, n = 907) (\\* differs from the other groups' answers, Holm-adjusted p < 0.05).
    """
    if group_scores is None:
        return "**What they say.** " + reason
    parts = "; ".join(
        f"{r['group']} NPS {r['nps']:+.0f} ({r['ci_low']:+.0f} to {r['ci_high']:+.0f}, "
        f"n = {int(r['n']):,})" + (" \\*" if r["significant"] else "")
        for _, r in group_scores.iterrows())
    if group_scores["significant"].eq(True).any():
        parts += " (\\* differs from the other groups' answers, Holm-adjusted p < 0.05)"
    else:
        parts += " (no group differs from the other groups' answers at Holm-adjusted p < 0.05)"
    return "**What they say.** " + parts + "."


def helper_notes(notes) -> str:
    """The warnings the helpers raised, in words.

    Parameters
    ----------
    notes : list of str
        Warning messages (escaped here: they may contain anything).

    Returns
    -------
    str

    Examples
    --------
    >>> helper_notes([])
    '**Notes from the helpers.** The fits and checks raised no warning.'
    >>> helper_notes(["model check: few repeat buyers.", "a <b> tag"])
    '**Notes from the helpers.** model check: few repeat buyers. a &lt;b&gt; tag.'
    """
    if not notes:
        return "**Notes from the helpers.** The fits and checks raised no warning."
    return "**Notes from the helpers.** " + " ".join(escape(str(n).rstrip(".")) + "." for n in notes)


def strategies(groups, group_scores, *, currency) -> str:
    """One paragraph per group: its strategy, size, profit, predicted value, NPS and actions.

    Parameters
    ----------
    groups : pandas.DataFrame
        Group summary indexed by group name with ``customers``, ``share``, ``profit_share``,
        ``value``, ``value_lower``, ``value_upper``.
    group_scores : pandas.DataFrame or None
        NPS per group (``group``, ``nps``); the NPS is left out where missing.
    currency : str

    Returns
    -------
    str
        Paragraphs in the order of :data:`helpers.frameworks.RELATIONSHIP_GROUPS`, separated by a
        blank line. A value interval that could not be computed (a group without customers) is left
        out.

    Examples
    --------
    >>> g = pd.DataFrame({"customers": [4, 3, 2, 1], "share": [.4, .3, .2, .1],
    ...                   "profit_share": [.1, .2, .3, .4], "value": [1, 2, 3, 4],
    ...                   "value_lower": [0, 1, 2, 3], "value_upper": [2, 3, 4, 5]},
    ...                  index=["Strangers", "Butterflies", "Barnacles", "True Friends"])
    >>> strategies(g, None, currency="EUR").split("\\n\\n")[3][:96]
    '**True Friends: Reward and nurture.** 1 customers (10%), 40% of realised profit, predicted 4 EUR'
    """
    scores = group_scores.set_index("group")["nps"] if group_scores is not None else pd.Series()
    out = []
    for g in frameworks.RELATIONSHIP_GROUPS:
        row = groups.loc[g["name"]]
        score = scores.get(g["name"])
        strategy = g["strategy"] if g["strategy"][-1] in ".?!" else g["strategy"] + "."
        interval = ("" if _missing(row["value_lower"]) or _missing(row["value_upper"])
                    else f" ({row['value_lower']:,.0f} to {row['value_upper']:,.0f})")
        out.append(f"**{g['name']}: {strategy}** {int(row['customers']):,} customers "
                   f"({row['share']:.0%}), {row['profit_share']:.0%} of realised profit, predicted "
                   f"{row['value']:,.0f} {currency}{interval}"
                   + (f", NPS {score:+.0f}" if not _missing(score) else "")
                   + f". {g['actions']}")
    return "\n\n".join(out)


def headline(groups, ratio, *, currency) -> str:
    """One line for the index page: True Friends' share of customers, profit and value, model check.

    Parameters
    ----------
    groups : pandas.DataFrame
        Group summary indexed by group name with ``share``, ``profit_share``, ``value_share``,
        ``value``.
    ratio : float
        Predicted / actual repeat purchases in the holdout.
    currency : str

    Returns
    -------
    str

    Examples
    --------
    >>> g = pd.DataFrame({"share": [.26], "profit_share": [.78], "value_share": [.72],
    ...                   "value": [193549.2]}, index=["True Friends"])
    >>> headline(g, 1.035, currency="EUR")
    'True Friends are 26% of customers with 78% of the profit and 72% of the predicted value (193,549 EUR); holdout check predicted / actual 1.03.'
    """
    tf = groups.loc["True Friends"]
    return (f"True Friends are {tf['share']:.0%} of customers with {tf['profit_share']:.0%} of the "
            f"profit and {tf['value_share']:.0%} of the predicted value ({tf['value']:,.0f} "
            f"{currency}); holdout check predicted / actual {ratio:.2f}.")


_AXIS_LABELS = {"purchases_ahead": "expected purchases within the loyalty horizon",
                "remaining_life": "expected weeks still a customer within the loyalty horizon",
                "lifetime": "projected lifetime (weeks from the first purchase)",
                "duration": "projected remaining duration (weeks)", "p_alive": "P(alive)",
                "profit_per_order": "profit per order ({currency})", "profit": "profit ({currency})",
                "clv": "predicted value ({currency})"}


def axis_label(measure, currency) -> str:
    """Axis label of a loyalty or profitability measure of the quadrant map.

    Parameters
    ----------
    measure : str
        A key of ``helpers.relationship.LOYALTY_MEASURES`` or ``PROFIT_MEASURES``.
    currency : str
        Currency of the money measures.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        On a measure without a label.

    Examples
    --------
    >>> axis_label("profit_per_order", "EUR")
    'profit per order (EUR)'
    >>> axis_label("p_alive", "EUR")
    'P(alive)'
    """
    if measure not in _AXIS_LABELS:
        raise ValueError(f"no axis label for measure {measure!r}; known: {sorted(_AXIS_LABELS)}")
    return _AXIS_LABELS[measure].format(currency=currency)


def _amount(v) -> str:
    """An amount at a sensible precision: 313, 69, 1.36, -7.24."""
    return f"{v:,.0f}" if abs(v) >= 10 else f"{v:,.2f}"


def map_scales(values, scales, *, profit, currency) -> str:
    """What the quadrant map's axis scales are and why, in the data's numbers.

    Parameters
    ----------
    values : pandas.Series
        The profitability measure of every customer on the map (the map's vertical axis).
    scales : dict
        :func:`helpers.plots.relationship_map_scales` of the same customers: ``profit_scale``,
        ``linear_within``, ``loyalty_scale``, ``loyalty_floor``, ``clipped``.
    profit : str
        The profitability measure (a key of ``helpers.relationship.PROFIT_MEASURES``).
    currency : str

    Returns
    -------
    str
        Says how far the positive values spread (5th to 95th percentile), how many customers
        have zero or a loss, and therefore which scale the vertical axis uses; then the
        horizontal axis.

    Examples
    --------
    >>> v = pd.Series([-7.24, 0.0, 1.5, 4.0, 11.0, 30.0, 69.0, 313.0])
    >>> s = {"profit_scale": "symlog", "linear_within": 1.0, "loyalty_scale": "log",
    ...      "loyalty_floor": 0.01, "clipped": 3}
    >>> print(map_scales(v, s, profit="profit_per_order", currency="EUR"))
    **Reading the map.** The vertical axis, profit per order, is on a symmetric logarithmic scale: linear between -1 and 1 EUR, logarithmic beyond it in both directions, so from 1 EUR up each labelled step is ten times the one before. Profit per order spans 2.1 decades (the positive values run from 2.12 to 252 EUR between their 5th and 95th percentiles, a factor of 119), which calls for a logarithmic scale, but 2 customers (25%) have zero or a loss (down to -7.24 EUR), which a logarithmic scale cannot show. The horizontal axis is logarithmic too; the 3 customers below 0.01 on it (long gone) are drawn at its left edge.
    """
    words = axis_label(profit, currency).split(" (")[0]
    y = pd.to_numeric(values, errors="coerce").dropna()
    pos = y[y > 0]
    spread, span = "", "is skewed"
    if len(pos):
        lo, hi = pos.quantile(0.05), pos.quantile(0.95)
        spread = (f" (the positive values run from {_amount(lo)} to {_amount(hi)} {currency} between "
                  f"their 5th and 95th percentiles, a factor of {hi / lo:,.0f})")
        span = f"spans {math.log10(hi / lo):.1f} decades"
    scale = scales["profit_scale"]
    if scale == "symlog":
        lt = scales["linear_within"]
        n = int((y <= 0).sum())
        text = (f"**Reading the map.** The vertical axis, {words}, is on a symmetric logarithmic scale: "
                f"linear between -{lt:g} and {lt:g} {currency}, logarithmic beyond it in both directions, "
                f"so from {lt:g} {currency} up each labelled step is ten times the one before. "
                f"{words[0].upper() + words[1:]} {span}{spread}, which calls for a logarithmic "
                f"scale, but {n:,} customers ({n / len(y):.0%}) have zero or a loss (down to "
                f"{_amount(y.min())} {currency}), which a logarithmic scale cannot show.")
    elif scale == "log":
        text = (f"**Reading the map.** The vertical axis, {words}, is on a logarithmic scale (each "
                f"labelled step ten times the one before): it {span}{spread}, and no "
                "customer has zero or a loss.")
    else:
        text = f"**Reading the map.** The vertical axis, {words}, is on a linear scale."
    if scales["loyalty_scale"] == "log":
        text += " The horizontal axis is logarithmic too"
        if scales["clipped"]:
            text += (f"; the {scales['clipped']:,} customers below {scales['loyalty_floor']:.2g} on it "
                     "(long gone) are drawn at its left edge")
        text += "."
    else:
        text += " The horizontal axis is linear."
    return text


def warning_notes(label, caught) -> list:
    """The warnings a step raised, as notes ``"label: message"`` for :func:`helper_notes`.

    Parameters
    ----------
    label : str
        What the step was ("model check", "groups as of 2025-12-31", ...).
    caught : list
        Warnings recorded by ``warnings.catch_warnings(record=True)`` (or plain messages).

    Returns
    -------
    list of str

    Examples
    --------
    >>> warning_notes("model check", ["slow convergence"])
    ['model check: slow convergence']
    """
    return [f"{label}: {getattr(w, 'message', w)}" for w in caught]


def holdout_title(model, ratio) -> str:
    """Title of a model's holdout plot: the model and its predicted / actual ratio.

    Examples
    --------
    >>> holdout_title("bgnbd", 1.037)
    'BG/NBD: predicted / actual 1.04'
    """
    return f"{model_name(model)}: predicted / actual {ratio:.2f}"


def snapshot_title(earlier, observation_end) -> str:
    """Title of the migration heatmap: the two snapshot dates.

    Examples
    --------
    >>> snapshot_title(pd.Timestamp("2025-07-02"), pd.Timestamp("2025-12-31"))
    'Group on 2025-07-02 (rows) and on 2025-12-31 (columns)'
    """
    return f"Group on {earlier:%Y-%m-%d} (rows) and on {observation_end:%Y-%m-%d} (columns)"


_GROUP_ORDER = ("True Friends", "Barnacles", "Butterflies", "Strangers")


def loyalty_axis(settings) -> str:
    """What the loyalty axis is: measure, horizon against the data's span, ties and bound.

    Parameters
    ----------
    settings : dict
        ``Relationships.settings`` of :func:`helpers.relationship.customer_relationships`:
        ``loyalty``, ``loyalty_horizon``, ``data_span``, ``extrapolation``, ``at_bound`` and
        ``splits`` (with ``loyalty_tied``).

    Returns
    -------
    str

    Examples
    --------
    >>> s = {"loyalty": "purchases_ahead", "loyalty_horizon": 39.0, "data_span": 39.0,
    ...      "extrapolation": False, "at_bound": 0.0, "splits": {"loyalty_tied": 0.008}}
    >>> loyalty_axis(s)
    'Loyalty axis: expected purchases within the next 39 weeks (the span of the data, so no extrapolation); 0.8% of customers sit exactly on its split line (they go to the upper side) and 0.0% at a projection bound.'
    """
    horizon, span = settings["loyalty_horizon"], settings["data_span"]
    what = {"purchases_ahead": f"expected purchases within the next {horizon:.0f} weeks",
            "remaining_life": f"expected weeks still a customer within the next {horizon:.0f} weeks",
            }.get(settings["loyalty"], settings["loyalty"])
    if settings["extrapolation"]:
        span_note = (f"an **extrapolation**: the horizon is longer than the {span:.0f} weeks of data")
    elif horizon < span * (1 - 1e-9):
        span_note = f"within the {span:.0f} weeks of data"
    else:
        span_note = "the span of the data, so no extrapolation"
    tied = settings["splits"].get("loyalty_tied", float("nan"))
    return (f"Loyalty axis: {what} ({span_note}); {tied:.1%} of customers sit exactly on its split "
            f"line (they go to the upper side) and {settings['at_bound']:.1%} at a projection bound.")


def quadrant_held(groups, *, cut, observation_end) -> str:
    """Whether the quadrant held on the data's own holdout, in numbers.

    Held means True Friends and Barnacles (the long side) were both more often active after the cut
    than Butterflies and Strangers; otherwise the sentence says that the groups should not drive
    spending on this data.

    Parameters
    ----------
    groups : pandas.DataFrame
        ``HoldoutValidity.groups`` of :func:`helpers.relationship.holdout_validity`, indexed by
        group, with ``active_share``, ``active_lower`` and ``active_upper``.
    cut, observation_end : date-like
        The cut and the end of the holdout.

    Returns
    -------
    str

    Examples
    --------
    >>> g = pd.DataFrame({"active_share": [0.68, 0.69, 0.06, 0.03], "active_lower": [0.65, 0.66, 0.04, 0.02],
    ...                   "active_upper": [0.71, 0.72, 0.07, 0.05]}, index=list(_GROUP_ORDER))
    >>> quadrant_held(g, cut="2025-06-30", observation_end="2025-12-31")
    '**The quadrant held.** Fitted on the data up to 2025-06-30, 68% of True Friends (95% interval 65%-71%) and 69% of Barnacles (66%-72%) bought again by 2025-12-31, against 6% of Butterflies (4%-7%) and 3% of Strangers (2%-5%).'
    """
    a = groups["active_share"]
    parts = [f"{a[g]:.0%} of {g} ({groups.loc[g, 'active_lower']:.0%}-{groups.loc[g, 'active_upper']:.0%})"
             for g in _GROUP_ORDER]
    parts[0] = parts[0].replace(" (", " (95% interval ", 1)
    numbers = (f"Fitted on the data up to {pd.Timestamp(cut):%Y-%m-%d}, {parts[0]} and {parts[1]} bought "
               f"again by {pd.Timestamp(observation_end):%Y-%m-%d}, against {parts[2]} and {parts[3]}.")
    if a.isna().any():
        return f"**The quadrant could not be checked:** a group is empty. {numbers}"
    if min(a["True Friends"], a["Barnacles"]) > max(a["Butterflies"], a["Strangers"]):
        return f"**The quadrant held.** {numbers}"
    return (f"**The quadrant did not hold:** the long side was not more often active than the short "
            f"side, so the groups should not drive spending on this data. {numbers}")


def group_certainty(table, *, threshold) -> str:
    """How sure the groups are: the share of borderline customers and the median group probability.

    Parameters
    ----------
    table : pandas.DataFrame
        ``Relationships.table`` with ``group``, ``group_probability`` and ``borderline``.
    threshold : float
        The group probability under which a customer is borderline.

    Returns
    -------
    str

    Examples
    --------
    >>> t = pd.DataFrame({"group": ["Strangers", "Barnacles"], "group_probability": [1.0, 0.6],
    ...                   "borderline": [False, True]})
    >>> group_certainty(t, threshold=0.8)
    '1 of 2 customers (50.0%) are borderline: fewer than 80% of the parameter draws place them in their group, so the playbook gives them no group strategy. Median group probability 0.80.'
    """
    p = pd.to_numeric(table["group_probability"], errors="coerce")
    if p.notna().sum() == 0:
        return "No group probabilities: the value interval was not drawn (n_boot = 0)."
    b = table["borderline"].fillna(False).astype(bool)
    n = int(p.notna().sum())
    return (f"{int(b.sum()):,} of {n:,} customers ({b.sum() / n:.1%}) are borderline: fewer than "
            f"{threshold:.0%} of the parameter draws place them in their group, so the playbook gives "
            f"them no group strategy. Median group probability {p.median():.2f}.")
