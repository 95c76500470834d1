"""The playbook checked against the frameworks' own strategies, and the win-back threshold.

Each relationship group and lifecycle stage in :mod:`helpers.frameworks` lists the contact levels
(``contact``) and action kinds (``kinds``) its strategy allows; each playbook rule states its own
``contact`` and ``kind``. :func:`strategy_check` compares the actions a run assigned (the view of
:func:`helpers.actions.customer_view`) with those strategies, segment by segment. A rule may reach
a segment whose strategy does not allow it only through a stated exception::

    exception:
      Strangers: A complaint made in the last month gets a reply whatever the group ...

A win-back (``kind: win-back``) is spent only on customers whose predicted value clears the
win-back threshold (:func:`winback_threshold`); the check flags every customer below it.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from helpers.frameworks import ACTION_KINDS, CONTACT_LEVELS, LIFECYCLE_STAGES, RELATIONSHIP_GROUPS

__all__ = ["DEFAULT_WINBACK_MIN_VALUE", "STRATEGY_SEGMENTS", "winback_threshold", "check_rule_fields",
           "strategy_check", "strategy_conflicts", "strategy_exceptions"]

#: Default of ``actions: {winback_min_value: ...}``: the profit of a typical order (the median over
#: buyers of profit per order). A customer predicted to yield less than that over the value horizon
#: is not predicted to place even one more typical order, so no win-back spend on them is expected
#: to pay back.
DEFAULT_WINBACK_MIN_VALUE = "order_profit"

#: The view columns whose values carry a strategy, and the vocabulary that states it.
STRATEGY_SEGMENTS = {"relationship_group": ("relationship group", RELATIONSHIP_GROUPS),
                     "lifecycle_stage": ("lifecycle stage", LIFECYCLE_STAGES)}

_LEVELS = [c["name"] for c in CONTACT_LEVELS]
_KINDS = [k["name"] for k in ACTION_KINDS]


def winback_threshold(view, spec=DEFAULT_WINBACK_MIN_VALUE) -> dict:
    """The predicted value a customer must reach before any win-back is spent on them.

    Parameters
    ----------
    view : pandas.DataFrame
        Per-customer facts with ``profit`` and ``n_orders`` (for the default).
    spec : "order_profit" or number, default :data:`DEFAULT_WINBACK_MIN_VALUE`
        ``"order_profit"``: the median over buyers of their profit per order (the profit of a
        typical order); a number: that amount.

    Returns
    -------
    dict
        ``rule`` (the spec) and ``threshold`` (amount; NaN when no customer has bought).

    Raises
    ------
    ValueError
        If ``spec`` is neither ``"order_profit"`` nor a number.

    Examples
    --------
    >>> v = pd.DataFrame({"profit": [10.0, 30.0, 0.0], "n_orders": [1, 2, 0]})
    >>> winback_threshold(v)
    {'rule': 'order_profit', 'threshold': 12.5}
    >>> winback_threshold(v, 40)["threshold"]
    40.0
    """
    if isinstance(spec, numbers.Real) and not isinstance(spec, bool):
        return {"rule": spec, "threshold": float(spec)}
    if spec != "order_profit":
        raise ValueError(f"actions.winback_min_value must be 'order_profit' or an amount, not {spec!r}")
    buyers = view[pd.to_numeric(view["n_orders"], errors="coerce").fillna(0) > 0]
    per_order = buyers["profit"].astype(float) / buyers["n_orders"].astype(float)
    return {"rule": spec, "threshold": float(per_order.median()) if len(per_order) else float("nan")}


def check_rule_fields(rules, *, source="playbook") -> None:
    """Check that every rule states a known ``contact`` level and ``kind``, and well-formed exceptions.

    Parameters
    ----------
    rules : list of dict
        Playbook rules.
    source : str
        Named in the error message.

    Raises
    ------
    ValueError
        If a rule lacks ``contact`` or ``kind``, names an unknown one, or its ``exception`` is not a
        mapping from a group or stage name to a non-empty reason.

    Examples
    --------
    >>> check_rule_fields([{"id": "a", "contact": "none", "kind": "hold"}])
    >>> check_rule_fields([{"id": "a", "contact": "loud", "kind": "hold"}])
    Traceback (most recent call last):
    ...
    ValueError: playbook: rule a: contact 'loud' is not one of ['none', 'automated', 'personal']
    """
    names = {t["name"] for _, terms in STRATEGY_SEGMENTS.values() for t in terms}
    for r in rules:
        for field, known in (("contact", _LEVELS), ("kind", _KINDS)):
            if field not in r:
                raise ValueError(f"{source}: rule {r.get('id', '?')} lacks {field!r} (one of {known})")
            if r[field] not in known:
                raise ValueError(f"{source}: rule {r['id']}: {field} {r[field]!r} is not one of {known}")
        exc = r.get("exception")
        if exc is None:
            continue
        if not isinstance(exc, dict) or not exc:
            raise ValueError(f"{source}: rule {r['id']}: exception must map a group or stage to its reason")
        for name, reason in exc.items():
            if name not in names:
                raise ValueError(f"{source}: rule {r['id']}: exception for {name!r}, which is no "
                                 f"relationship group or lifecycle stage")
            if not isinstance(reason, str) or not reason.strip():
                raise ValueError(f"{source}: rule {r['id']}: exception for {name!r} needs its reason")


def strategy_check(view, rules=None, *, winback_min=None) -> pd.DataFrame:
    """Every (rule, segment) pair the view assigns, checked against the segment's strategy.

    For each primary rule and each relationship group and lifecycle stage its customers fall in,
    the rule's ``contact`` level and ``kind`` must be among those the segment allows
    (:data:`helpers.frameworks.RELATIONSHIP_GROUPS`, :data:`helpers.frameworks.LIFECYCLE_STAGES`),
    unless the rule states an ``exception`` for that segment. A ``win-back`` rule must, besides,
    reach no customer whose predicted value is below the win-back threshold.

    Parameters
    ----------
    view : pandas.DataFrame
        Output of :func:`helpers.actions.customer_view` (``rule``, ``relationship_group``,
        ``lifecycle_stage``, ``clv``).
    rules : list of dict, optional
        The playbook; default ``view.attrs["rules"]``.
    winback_min : float, optional
        Default ``view.attrs["winback"]["threshold"]`` when present, else no value check.

    Returns
    -------
    pandas.DataFrame
        One row per (rule, segment) with customers: ``rule``, ``framework`` (relationship group or
        lifecycle stage), ``segment``, ``customers``, ``contact``, ``kind``, ``allowed`` (the
        strategy allows both), ``exception`` (the stated reason, or empty), ``below_winback``
        (customers of a win-back rule below the threshold), ``status`` (``"agrees"``,
        ``"exception"`` or ``"conflict"``).

    Examples
    --------
    >>> v = pd.DataFrame({"rule": ["a", "b"], "relationship_group": ["Strangers", "True Friends"],
    ...                   "lifecycle_stage": ["active", "active"], "clv": [1.0, 90.0]})
    >>> rules = [{"id": "a", "contact": "personal", "kind": "sell"},
    ...          {"id": "b", "contact": "personal", "kind": "nurture"}]
    >>> strategy_check(v, rules)[["rule", "segment", "status"]].values.tolist()
    [['a', 'Strangers', 'conflict'], ['a', 'active', 'agrees'], ['b', 'True Friends', 'agrees'], ['b', 'active', 'agrees']]
    """
    rules = view.attrs.get("rules") if rules is None else rules
    check_rule_fields(rules)
    if winback_min is None:
        winback_min = (view.attrs.get("winback") or {}).get("threshold")
    by_id = {r["id"]: r for r in rules}
    rows = []
    for column, (label, terms) in STRATEGY_SEGMENTS.items():
        if column not in view.columns:
            continue
        strategy = {t["name"]: t for t in terms}
        seg = view[column].astype("object")
        counts = pd.crosstab(view["rule"], seg)
        for rule_id in counts.index:
            r = by_id[rule_id]
            for name in counts.columns:
                n = int(counts.loc[rule_id, name])
                if not n or name not in strategy:
                    continue
                allowed = (r["contact"] in strategy[name]["contact"] and r["kind"] in strategy[name]["kinds"])
                below = 0
                if r["kind"] == "win-back" and winback_min is not None and not np.isnan(winback_min):
                    these = view[(view["rule"] == rule_id) & (seg == name)]
                    below = int((these["clv"].fillna(-np.inf) < winback_min).sum())
                reason = (r.get("exception") or {}).get(name, "")
                status = "agrees" if allowed and not below else ("exception" if reason else "conflict")
                rows.append({"rule": rule_id, "framework": label, "segment": name, "customers": n,
                             "contact": r["contact"], "kind": r["kind"], "allowed": allowed,
                             "exception": reason, "below_winback": below, "status": status})
    out = pd.DataFrame(rows, columns=["rule", "framework", "segment", "customers", "contact", "kind",
                                      "allowed", "exception", "below_winback", "status"])
    order = {rid: i for i, rid in enumerate(by_id)}
    seg_order = {t["name"]: i for _, terms in STRATEGY_SEGMENTS.values() for i, t in enumerate(terms)}
    return (out.assign(_r=out["rule"].map(order), _f=out["framework"].map({"relationship group": 0,
                                                                             "lifecycle stage": 1}),
                       _s=out["segment"].map(seg_order))
            .sort_values(["_r", "_f", "_s"], kind="stable").drop(columns=["_r", "_f", "_s"])
            .reset_index(drop=True))


def strategy_conflicts(view, rules=None, **kw) -> pd.DataFrame:
    """The rows of :func:`strategy_check` that disagree with a strategy and state no exception.

    Parameters
    ----------
    view, rules, **kw
        As for :func:`strategy_check`.

    Returns
    -------
    pandas.DataFrame
        Empty when the playbook agrees with every strategy it reaches.

    Examples
    --------
    >>> v = pd.DataFrame({"rule": ["a"], "relationship_group": ["Strangers"],
    ...                   "lifecycle_stage": ["lapsed"], "clv": [1.0]})
    >>> strategy_conflicts(v, [{"id": "a", "contact": "automated", "kind": "win-back"}],
    ...                    winback_min=5.0)[["segment", "below_winback"]].values.tolist()
    [['Strangers', 1], ['lapsed', 1]]
    """
    check = strategy_check(view, rules, **kw)
    return check[check["status"] == "conflict"].reset_index(drop=True)


def strategy_exceptions(view, rules=None, **kw) -> pd.DataFrame:
    """The stated exceptions a run used: rule, segment, customers, and the reason, for the report.

    Parameters
    ----------
    view, rules, **kw
        As for :func:`strategy_check`.

    Returns
    -------
    pandas.DataFrame
        ``rule``, ``framework``, ``segment``, ``customers``, ``contact``, ``kind``, ``exception``.

    Examples
    --------
    >>> v = pd.DataFrame({"rule": ["a"], "relationship_group": ["Strangers"],
    ...                   "lifecycle_stage": ["new"], "clv": [1.0]})
    >>> r = [{"id": "a", "contact": "automated", "kind": "convert",
    ...       "exception": {"Strangers": "one purchase says little"}}]
    >>> strategy_exceptions(v, r)[["segment", "customers", "exception"]].values.tolist()
    [['Strangers', 1, 'one purchase says little']]
    """
    check = strategy_check(view, rules, **kw)
    cols = ["rule", "framework", "segment", "customers", "contact", "kind", "exception"]
    return check.loc[check["status"] == "exception", cols].reset_index(drop=True)
