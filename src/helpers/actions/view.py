"""The joined per-customer view of a run, and what it is worth: the action table and the call list.

:func:`customer_view` runs every framework on a run's data, joins their results into the facts
(:mod:`helpers.actions.facts`) and resolves the playbook (:mod:`helpers.actions.playbook`). The view
has one row for every customer known from any input: the customer list, the transactions or a survey
answer linked by ``customer_id``. Customers without a purchase or without an answer keep their row
(with missing facts) and still get an action, because the playbook ends with a catch-all rule.
:func:`predicted_profit_by_action` and :func:`call_list` read it.

Run configuration keys read here (all optional)::

    actions:
      playbook: my_playbook.yml      # relative to the config file; default data/sample/playbook.yml
      value_split: q0.75             # high value = clv at or above this split (see value_threshold)
      freshness_days: 30             # an NPS answer at most this many days old is fresh_answer
      winback_min_value: order_profit  # clears_winback = clv at or above this (see winback_threshold)
      pseudonymise_key: a-long-secret  # customer_actions.csv gets keyed-hash ids
      buyer_type_rules: [...]        # replaces helpers.frameworks.BUYER_TYPE_RULES
    lifecycle: {thresholds: {...}}   # any keyword of helpers.lifecycle.customer_lifecycle
    relationship: {cutoff: 0.4}      # any keyword of helpers.relationship.customer_relationships
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from helpers import clv as _clv
from helpers import lifecycle as _lifecycle
from helpers import relationship as _relationship
from helpers.actions.buyers import buyer_types
from helpers.actions.facts import DEFAULT_FRESHNESS_DAYS, DEFAULT_VALUE_SPLIT, _join_facts, _need
from helpers.actions.playbook import _playbook_path, apply_playbook, load_playbook
from helpers.actions.strategy import DEFAULT_WINBACK_MIN_VALUE
from helpers.config import section_settings
from helpers.io import Dataset, load_all
from helpers.paths import resolve

__all__ = ["ACTIONS_SETTINGS", "customer_view", "predicted_profit_by_action", "call_list"]

#: Keys of the config's ``actions`` section.
ACTIONS_SETTINGS = ("playbook", "value_split", "freshness_days", "winback_min_value", "pseudonymise_key",
                    "buyer_type_rules")


def _known_customers(customers, survey):
    """The customer list plus ids known only from linked survey answers (no signup date)."""
    linked = pd.Index(survey.loc[survey["customer_id"].notna(), "customer_id"].astype(str).unique())
    extra = linked.difference(pd.Index(customers["customer_id"].astype(str)))
    if not len(extra):
        return customers
    add = pd.DataFrame({"customer_id": pd.array(extra, dtype=customers["customer_id"].dtype)})
    return pd.concat([customers, add], ignore_index=True)


def customer_view(config=None, *, playbook=None, relationships=None, lifecycle=None) -> pd.DataFrame:
    """The per-customer action table of a run configuration: every fact, the action and why.

    Loads the inputs (:func:`helpers.io.load_all`) and joins, as of the observation end,
    :func:`helpers.lifecycle.customer_lifecycle` (customers known only from a linked survey answer
    count as known, so they are prospects), :func:`helpers.relationship.customer_relationships`
    (fitted models, predicted value with its interval, relationship group),
    :func:`helpers.actions.buyer_types` and the latest NPS answer through
    :func:`helpers.actions.customer_facts`; then resolves the playbook
    (:func:`helpers.actions.apply_playbook`). Settings come from the config's ``lifecycle``,
    ``relationship`` and ``actions`` sections (see the module docstring); the ``lifecycle`` and
    ``relationship`` sections hold keyword arguments of the two joined functions
    (:func:`helpers.config.section_settings`), and an unknown key is an error.

    Parameters
    ----------
    config : str, Path, dict or helpers.io.Dataset, optional
        A config path (default: the sample's), a dict from :func:`helpers.config.load_config`, or
        already loaded data.
    playbook : str, Path or list of dict, optional
        Overrides the config's ``actions.playbook``.
    relationships : helpers.relationship.Relationships, optional
        The result of :func:`helpers.relationship.customer_relationships` on these data with the
        config's ``relationship`` settings, already fitted (e.g. the run's shared result,
        :mod:`helpers.cache`); default: fitted here.
    lifecycle : pandas.DataFrame, optional
        The result of :func:`helpers.lifecycle.customer_lifecycle` on these data with the config's
        ``lifecycle`` settings (e.g. the run's shared result). Used when every customer a survey
        answer links is in the customer list; otherwise the stages are computed here with those
        customers added (they are prospects).

    Returns
    -------
    pandas.DataFrame
        Index ``customer_id``: the columns of :func:`helpers.actions.customer_facts`, then ``rule``,
        ``action``, ``priority``, ``owner``, ``reason``, ``matched`` of
        :func:`helpers.actions.apply_playbook`. ``attrs``: ``observation_end``,
        ``value_split``, ``freshness_days`` (the window of ``fresh_answer``), ``winback`` (rule and
        threshold of ``clears_winback``: the predicted value is at least
        :func:`helpers.actions.winback_threshold`), ``value_total`` (all
        customers' predicted value with its bootstrap interval), ``relationship`` (model settings),
        ``thresholds`` (stage windows), ``playbook`` (path), ``rules`` (the rules applied),
        ``value_by_rule`` (see
        :func:`predicted_profit_by_action`).

    Raises
    ------
    ValueError, helpers.io.DataError, FileNotFoundError
        As the loaders, the models and the playbook check raise them.

    Examples
    --------
    >>> view = customer_view()  # doctest: +SKIP
    >>> view.index.is_unique and view["action"].notna().all()  # doctest: +SKIP
    True
    """
    ds = config if isinstance(config, Dataset) else load_all(config)
    cfg = ds.config
    section = {k: (cfg.get(k) or {}) for k in ("lifecycle", "relationship", "actions")}
    unknown = sorted(set(section["actions"]) - set(ACTIONS_SETTINGS))
    if unknown:
        raise ValueError(f"config section 'actions': unknown setting(s) {unknown}; known: {list(ACTIONS_SETTINGS)}")
    # The NPS classes are fixed by the definition (9-10, 7-8, 0-6), as in every NPS statistic here.
    promoter_min, passive_min = 9, 7
    observation_end = ds.observation_end
    # the data arguments are not settings
    data_args = ("transactions", "observation_end")
    lc_kw = section_settings(cfg, "lifecycle", _lifecycle.customer_lifecycle,
                             skip=(*data_args, "customers", "survey"))
    lc_kw.setdefault("promoter_min", promoter_min)
    known = _known_customers(ds.customers, ds.survey)
    if lifecycle is not None and known is ds.customers:
        lc = lifecycle
    else:
        lc = _lifecycle.customer_lifecycle(ds.transactions, observation_end, known, ds.survey, **lc_kw)
    rel = relationships if relationships is not None else _relationship.customer_relationships(
        ds.transactions, observation_end,
        **section_settings(cfg, "relationship", _relationship.customer_relationships, skip=data_args))
    bt = buyer_types(ds.transactions, rules=section["actions"].get("buyer_type_rules"))
    facts, value_split = _join_facts(
        lc, rel.table, bt, ds.survey, ds.customers, observation_end=observation_end,
        value_split=section["actions"].get("value_split", DEFAULT_VALUE_SPLIT),
        freshness_days=section["actions"].get("freshness_days", DEFAULT_FRESHNESS_DAYS),
        promoter_min=promoter_min, passive_min=passive_min,
        winback_min_value=section["actions"].get("winback_min_value", DEFAULT_WINBACK_MIN_VALUE))
    winback = facts.attrs["winback"]
    if isinstance(playbook, list):
        rules, source = playbook, "(given)"
    else:
        source = resolve(playbook) if playbook is not None else _playbook_path(cfg)
        rules = load_playbook(source)
    view = facts.join(apply_playbook(facts, rules))
    settings = {k: v for k, v in rel.settings.items() if k not in data_args}
    view.attrs = {"observation_end": observation_end, "value_split": value_split,
                  "freshness_days": section["actions"].get("freshness_days", DEFAULT_FRESHNESS_DAYS),
                  "winback": winback,
                  "value_total": rel.value.total.to_dict(), "relationship": settings,
                  "thresholds": dict(lc.attrs.get("thresholds", {})), "playbook": str(source),
                  "rules": rules, "value_by_rule": _value_by_rule(rel, view["rule"])}
    return view


def _value_by_rule(rel, rule):
    """Predicted value per primary rule with the bootstrap interval of each sum (same draws).

    A dict ``{rule: {estimate, lower, upper, customers}}``: pandas compares ``attrs`` when it
    propagates them, which a DataFrame value would break.

    The sums use the parameter draws ``rel.value`` already holds (the same draws as the group
    intervals of ``customer_relationships``), so the interval of a rule and of a group agree.
    """
    s = rel.settings
    if not s.get("n_boot"):
        return None
    return _clv.customer_value(rel.summary, rel.lifetime, rel.spend, horizon=s["value_horizon"],
                               time_unit=s["time_unit"], annual_discount_rate=s["annual_discount_rate"],
                               profit_col="repeat_profit", n_boot=s["n_boot"], seed=s.get("seed", 0),
                               by=rule.reindex(rel.summary.index),
                               draws=rel.value.draws, customer_intervals=False).by_group.to_dict("index")


def _short(action: str) -> str:
    """The first clause of an action text, as a chart label."""
    for sep in (";", " - ", ","):
        action = action.split(sep)[0]
    return action.strip()


def predicted_profit_by_action(view, *, by="rule") -> pd.DataFrame:
    """Predicted profit of the customers assigned to each primary action (sum of ``clv``).

    Grouped by ``"rule"`` on a view from :func:`customer_view`, the interval is the bootstrap
    interval of each sum (``view.attrs["value_by_rule"]``: the same model-parameter draws summed
    over the rule's customers). Otherwise (another ``by``, or a view without those attrs) the range
    is the sum of the customers' own bounds (``clv_lower``, ``clv_upper``), which is wider than the
    interval of the sum: for all 4,500 sample buyers 262k-280k against the bootstrap interval of the
    sum 264k-277k. The column ``interval`` says which was used. The value is the predicted profit of
    the customers assigned to each action, not what the action protects or earns.

    Parameters
    ----------
    view : pandas.DataFrame
        Output of :func:`customer_view`.
    by : str, default "rule"
        Column to group by (the primary rule; or e.g. ``"relationship_group"``).

    Returns
    -------
    pandas.DataFrame
        One row per value of ``by`` that has customers, largest value first: ``by``, ``label``
        (first clause of the action), ``action``, ``owner``, ``priority`` (when grouping by rule),
        ``customers``, ``with_value`` (customers with a prediction), ``value``, ``value_lower``,
        ``value_upper``, ``value_share``, ``interval`` (how the range was made: ``"bootstrap of the
        sum"``, ``"sum of customer bounds"``, or ``"no predicted value"`` for customers without
        purchases).

    Examples
    --------
    >>> v = pd.DataFrame({"rule": ["a", "a", "b"], "action": ["Call; now", "Call; now", "Mail"],
    ...                   "owner": ["x", "x", "y"], "priority": [1, 1, 9],
    ...                   "clv": [10.0, 5.0, None], "clv_lower": [8.0, 4.0, None],
    ...                   "clv_upper": [12.0, 6.0, None]})
    >>> predicted_profit_by_action(v)[["rule", "label", "customers", "value", "value_upper"]].values.tolist()
    [['a', 'Call', 2, 15.0, 18.0], ['b', 'Mail', 1, 0.0, 0.0]]
    """
    _need(view, [by, "clv", "clv_lower", "clv_upper"], "view", "helpers.actions.customer_view")
    g = view.groupby(by, observed=True, sort=True)
    out = pd.DataFrame({"customers": g.size(), "with_value": g["clv"].count(),
                        "value": g["clv"].sum(), "value_lower": g["clv_lower"].sum(),
                        "value_upper": g["clv_upper"].sum()})
    total = out["value"].sum()
    out["value_share"] = out["value"] / total if total else np.nan
    out["interval"] = np.where(out["with_value"] > 0, "sum of customer bounds", "no predicted value")
    boot = view.attrs.get("value_by_rule") if by == "rule" else None
    if boot:
        boot = pd.DataFrame.from_dict(boot, orient="index")
        have = out.index.intersection(boot.index)
        out.loc[have, "value_lower"] = boot.loc[have, "lower"]
        out.loc[have, "value_upper"] = boot.loc[have, "upper"]
        out.loc[have, "interval"] = "bootstrap of the sum"
    if by == "rule" and "action" in view.columns:
        first = g[["action", "owner", "priority"]].first()
        out = first.join(out)
        out.insert(0, "label", out["action"].map(_short))
    out = out.reset_index().sort_values(["value", by], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)


def call_list(view, n=20, *, max_priority=None) -> pd.DataFrame:
    """The customers to contact first: most urgent action first, then highest predicted value.

    Parameters
    ----------
    view : pandas.DataFrame
        Output of :func:`customer_view`.
    n : int, default 20
        Rows to return.
    max_priority : int, optional
        Keep only actions with ``priority <= max_priority``.

    Returns
    -------
    pandas.DataFrame
        At most ``n`` rows sorted by ``priority``, ``clv`` (descending, missing last) and
        ``customer_id``: ``customer_id``, ``name`` (when present), ``action``, ``owner``,
        ``priority``, ``clv``, ``nps_class``, ``lifecycle_stage``, ``relationship_group``, ``reason``.
        Text is returned as is: display it through pandas' HTML (which escapes it) or escape it
        yourself before putting it into Markdown or HTML.

    Raises
    ------
    ValueError
        If ``n`` is not a positive whole number.

    Examples
    --------
    >>> v = pd.DataFrame({"priority": [2, 1, 1], "clv": [50.0, 1.0, 9.0], "action": ["x", "y", "z"]},
    ...                  index=pd.Index(["a", "b", "c"], name="customer_id"))
    >>> call_list(v, 2)["customer_id"].tolist()
    ['c', 'b']
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"n must be a whole number >= 1, not {n!r}")
    v = view.reset_index() if "customer_id" not in view.columns else view
    if max_priority is not None:
        v = v[v["priority"] <= max_priority]
    v = v.assign(_value=v["clv"].fillna(-np.inf))
    v = v.sort_values(["priority", "_value", "customer_id"], ascending=[True, False, True], kind="stable")
    cols = ["customer_id", "name", "action", "owner", "priority", "clv", "nps_class", "lifecycle_stage",
            "relationship_group", "reason"]
    return v[[c for c in cols if c in v.columns]].head(n).reset_index(drop=True)
