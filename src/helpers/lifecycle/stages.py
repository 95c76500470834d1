"""Lifecycle stages as of a date: the default stage rule table and the one function that
evaluates it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.lifecycle._transactions import (
    _day_to_datetime,
    _day_ts,
    _history,
    _prepare,
    _to_day,
    _warn,
)
from helpers.lifecycle.thresholds import THRESHOLD_KEYS, _resolve_thresholds

#: Lifecycle stages in display order (definitions: ``frameworks.LIFECYCLE_STAGES``).
STAGES = ("prospect", "new", "active", "reactivated", "at risk", "lapsed")

#: Per-customer measures the stage rules can bound, in days up to ``observation_end``.
STAGE_MEASURES = {
    "days_since_first": "days since the first purchase day",
    "days_since_return": "days since the last purchase day that came after a gap longer than "
    "lapse_window (a customer who never came back after such a gap has no bound that holds)",
    "days_since_last": "days since the last purchase day",
}

#: Stage rules of :func:`lifecycle_stage` for customers with a purchase, in precedence order: a
#: customer gets the stage of the first rule whose conditions all hold. A condition
#: ``"max_<measure>": bound`` (measures in :data:`STAGE_MEASURES`) holds when the measure is at most
#: the bound: the name of a window of the thresholds (``"new_window"``, ``"active_window"``,
#: ``"lapse_window"``) or a number of days. A rule without conditions matches every customer (the
#: catch-all at the end). Customers without a purchase are prospects before any rule applies. Pass
#: a table of the same form as ``rules`` to replace it.
STAGE_RULES = (
    {"name": "new", "max_days_since_first": "new_window"},
    {"name": "reactivated", "max_days_since_return": "new_window"},
    {"name": "active", "max_days_since_last": "active_window"},
    {"name": "at risk", "max_days_since_last": "lapse_window"},
    {"name": "lapsed"},
)

#: Label of customers whom custom stage rules leave without a stage.
UNASSIGNED = "unassigned"


def _validated_stage_rules(rules):
    """Rules as a list of (name, [(measure, bound), ...]) after checking their form."""
    rules = STAGE_RULES if rules is None else rules
    if not isinstance(rules, (list, tuple)) or not rules:
        raise ValueError("stage rules must be a non-empty list of dicts like lifecycle.STAGE_RULES")
    parsed = []
    for rule in rules:
        if not isinstance(rule, dict) or "name" not in rule:
            raise ValueError(f"each stage rule needs a 'name'; got {rule!r}")
        name = rule["name"]
        if name in ("prospect", UNASSIGNED):
            raise ValueError(
                f"stage rule {name!r}: this name is reserved (customers without a purchase are "
                f"prospects; {UNASSIGNED!r} marks customers no rule matches)"
            )
        conditions = []
        for key, bound in rule.items():
            if key == "name":
                continue
            measure = key.removeprefix("max_")
            if not key.startswith("max_") or measure not in STAGE_MEASURES:
                raise ValueError(
                    f"stage rule {name!r}: unknown condition {key!r}; use "
                    f"{['max_' + m for m in STAGE_MEASURES]}"
                )
            numeric = isinstance(bound, (int, float, np.integer, np.floating)) \
                and not isinstance(bound, bool)
            if not (bound in THRESHOLD_KEYS or (numeric and bound >= 0)):
                raise ValueError(
                    f"stage rule {name!r}: {key}={bound!r} must be one of {list(THRESHOLD_KEYS)} "
                    "or a number of days"
                )
            conditions.append((measure, bound))
        parsed.append((name, conditions))
    names = [p[0] for p in parsed]
    if len(set(names)) != len(names):
        raise ValueError(f"stage rule names must be distinct, got {names}")
    return parsed


def assign_stages(measures, thresholds, rules=None):
    """Evaluate the stage rules: the name of the first rule each customer satisfies.

    Parameters
    ----------
    measures : dict or pandas.DataFrame
        One array per measure of :data:`STAGE_MEASURES` that the rules use, one value per customer
        (days; a very large number where a measure does not exist, e.g. no return).
    thresholds : dict
        The windows in days (``new_window``, ``active_window``, ``lapse_window``) that rules name.
    rules : list of dict, optional
        Stage rules in precedence order (default :data:`STAGE_RULES`).

    Returns
    -------
    numpy.ndarray
        One stage name per customer (object dtype); ``"unassigned"`` where no rule holds, with a
        UserWarning giving their number.

    Raises
    ------
    ValueError
        If the rules are malformed or use a measure missing from ``measures``.

    Examples
    --------
    >>> th = {"new_window": 30, "active_window": 30, "lapse_window": 90}
    >>> m = {"days_since_first": [10, 200, 200, 200], "days_since_return": [10**9] * 4,
    ...      "days_since_last": [10, 20, 60, 120]}
    >>> assign_stages(m, th).tolist()
    ['new', 'active', 'at risk', 'lapsed']
    """
    parsed = _validated_stage_rules(rules)
    n = len(next(iter(measures.values()))) if isinstance(measures, dict) else len(measures)
    holds = []
    for name, conditions in parsed:
        ok = np.ones(n, dtype=bool)
        for measure, bound in conditions:
            if measure not in measures:
                raise ValueError(f"stage rule {name!r} needs the measure {measure!r}")
            ok &= np.asarray(measures[measure]) <= (thresholds[bound] if isinstance(bound, str)
                                                    else bound)
        holds.append(ok)
    names = [p[0] for p in parsed]
    stage = np.select(holds, names, default=UNASSIGNED).astype(object)
    n_unassigned = int((stage == UNASSIGNED).sum())
    if n_unassigned:
        _warn(f"{n_unassigned} customer(s) match no stage rule and are {UNASSIGNED!r}")
    return stage


def _stage_categories(rules, stage):
    """Categories of the stage column: :data:`STAGES`, then other rule names, then unassigned."""
    extra = [p[0] for p in _validated_stage_rules(rules) if p[0] not in STAGES]
    if (np.asarray(stage) == UNASSIGNED).any():
        extra.append(UNASSIGNED)
    return [*STAGES, *extra]


def _known_customers(customers, as_of_day):
    """Customer ids known by ``as_of_day`` from ``customers`` (signed up by then, or undated)."""
    if customers is None:
        return None
    if not isinstance(customers, pd.DataFrame):
        raise TypeError(f"customers must be a DataFrame, got {type(customers).__name__}")
    if "customer_id" not in customers.columns:
        raise ValueError(
            f"customers lack column 'customer_id'; columns present: {list(customers.columns)}"
        )
    ids = customers["customer_id"]
    known = ids.notna()
    if "signup_date" in customers.columns:
        signup = pd.to_datetime(customers["signup_date"])
        if getattr(signup.dt, "tz", None) is not None:
            signup = signup.dt.tz_localize(None)
        known &= signup.isna() | (signup.dt.normalize() <= _day_ts(as_of_day))
    return pd.Index(ids[known].unique())


def _stage_table(tx, as_of_day, th, customers, rules=None, note_refund_only=True):
    """One row per known customer as of ``as_of_day`` (see :func:`lifecycle_stage`)."""
    h = _history(tx, as_of_day, th["lapse_window"])
    since_last = as_of_day - h.last
    stage = assign_stages(
        {"days_since_first": as_of_day - h.first, "days_since_return": as_of_day - h.last_return,
         "days_since_last": since_last},
        th, rules,
    )
    m = tx.day <= as_of_day
    k = tx.n_customers
    revenue_all = np.bincount(tx.c[m], weights=tx.amount[m], minlength=k)
    buyers = pd.DataFrame(
        {
            "stage": stage,
            "first_purchase": _day_to_datetime(h.first),
            "last_purchase": _day_to_datetime(h.last),
            "days_since_last": since_last,
            "n_purchase_days": h.n_days,
            "revenue": revenue_all[h.cust],
        },
        index=tx.ids[h.cust],
    )
    # customers with rows up to as_of but no purchase (refunds only) are known, never bought
    has_rows = np.bincount(tx.c[m], minlength=k) > 0
    has_rows[h.cust] = False
    refund_only = tx.ids[has_rows]
    if len(refund_only) and note_refund_only:
        _warn(
            f"{len(refund_only)} customer(s) have only refund rows up to "
            f"{_day_ts(as_of_day):%Y-%m-%d}; "
            "they are counted as prospects (known, no purchase)"
        )
    prospect_ids = refund_only
    known = _known_customers(customers, as_of_day)
    if known is not None:
        prospect_ids = prospect_ids.union(known.difference(buyers.index))
    prospects = pd.DataFrame(
        {
            "stage": "prospect",
            "first_purchase": pd.NaT,
            "last_purchase": pd.NaT,
            "days_since_last": np.nan,
            "n_purchase_days": 0,
            "revenue": pd.Series(revenue_all, index=tx.ids).reindex(prospect_ids).fillna(0.0)
            .to_numpy(),
        },
        index=pd.Index(prospect_ids),
    )
    out = pd.concat([buyers, prospects]) if len(prospects) else buyers
    out = out.sort_index()
    out.index.name = "customer_id"
    out["stage"] = pd.Categorical(out["stage"], categories=_stage_categories(rules, stage),
                                  ordered=True)
    out["first_purchase"] = out["first_purchase"].astype("datetime64[ns]")
    out["last_purchase"] = out["last_purchase"].astype("datetime64[ns]")
    out["days_since_last"] = out["days_since_last"].astype("Int64")
    out["n_purchase_days"] = out["n_purchase_days"].astype(np.int64)
    out["revenue"] = out["revenue"].astype(float)
    return out


def lifecycle_stage(transactions, observation_end, customers=None, thresholds=None, *, rules=None):
    """Lifecycle stage of every known customer as of a date.

    Stages (definitions and actions in :data:`helpers.frameworks.LIFECYCLE_STAGES`), first that
    applies:

    1. ``prospect``: in ``customers`` (signed up by ``observation_end`` or without a signup date)
       and no purchase by ``observation_end``; also customers whose rows up to then are only
       refunds (with a warning);

    then the stage rules (data: :data:`STAGE_RULES`, replaceable with ``rules``), which by default
    say:

    2. ``new``: first purchase at most ``new_window`` days before ``observation_end``;
    3. ``reactivated``: bought at most ``new_window`` days ago after a gap longer than
       ``lapse_window`` (a returning customer is treated like a new one for the same window);
    4. ``active``: last purchase at most ``active_window`` days ago;
    5. ``at risk``: last purchase more than ``active_window`` and at most ``lapse_window`` days ago;
    6. ``lapsed``: last purchase more than ``lapse_window`` days ago.

    Only purchases (rows with ``amount >= 0``) up to ``observation_end`` count; windows are in days
    and come from :func:`stage_thresholds` on the transactions up to ``observation_end``, each
    replaceable through ``thresholds``.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Canonical transactions.
    observation_end : date-like
        The snapshot date (included).
    customers : pandas.DataFrame, optional
        Known customers (``customer_id``, optional ``signup_date``); adds the prospects.
    thresholds : dict, optional
        Any of ``new_window``, ``active_window``, ``lapse_window`` in days.
    rules : list of dict, optional
        Stage rules in precedence order (default :data:`STAGE_RULES`); customers no rule matches
        are ``"unassigned"`` (with a UserWarning).

    Returns
    -------
    pandas.DataFrame
        One row per known customer, indexed by ``customer_id`` (sorted): ``stage`` (ordered
        categorical over :data:`STAGES`, then any other rule names), ``first_purchase``,
        ``last_purchase`` (NaT for prospects), ``days_since_last`` (Int64, <NA> for prospects),
        ``n_purchase_days`` and ``revenue`` (net amount up to ``observation_end``).
        ``.attrs["thresholds"]`` holds the windows used.

    Raises
    ------
    ValueError, TypeError
        On malformed inputs, thresholds (see :func:`stage_thresholds`) or rules.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b", "c"],
    ...     "order_date": pd.to_datetime(["2024-01-01", "2024-06-20", "2024-06-25", "2024-02-01"]),
    ...     "amount": [10.0, 12.0, 9.0, 30.0]})
    >>> th = {"new_window": 30, "active_window": 30, "lapse_window": 90}
    >>> lifecycle_stage(tx, "2024-06-30", thresholds=th)["stage"].tolist()
    ['reactivated', 'new', 'lapsed']
    """
    tx = _prepare(transactions)
    as_of_day = _to_day(observation_end, "observation_end")
    th = _resolve_thresholds(tx, as_of_day, thresholds)
    out = _stage_table(tx, as_of_day, th, customers, rules)
    out.attrs["thresholds"] = th
    return out
