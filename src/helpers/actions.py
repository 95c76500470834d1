"""What to do with each customer: buyer types, the playbook, and the CRM export.

The three frameworks answer different questions (what customers say, where they stand, what they
are worth); the playbook turns their combination into one primary action per customer. Rules are
data: the playbook is an editable YAML file (``data/sample/playbook.yml`` by default, replaceable
from the config under ``actions: playbook:``), and buyer-type rules live in
``helpers.frameworks.BUYER_TYPE_RULES``.

Rule conditions (``when``) are matched against a table of facts, one row per customer:

- ``column: value``            equal to the value
- ``column: [v1, v2]``         one of the values (text)
- ``column: [lo, hi]``         numeric range ``lo <= x < hi``; ``None`` leaves a side open
- ``column: {min: lo, max: hi}`` the same, spelled out

A rule with no conditions matches everyone (use it last, as the default action). When several rules
match, the one with the lowest ``priority`` wins and ties go to the rule listed first: the resolution
is deterministic.

The joined view (:func:`customer_view`, built from :func:`customer_facts`) has one row for every
customer known from any input: the customer list, the transactions or a survey answer linked by
``customer_id``. Customers without a purchase or without an answer keep their row (with missing facts)
and still get an action, because the playbook ends with a catch-all rule.

Run configuration keys read here (all optional)::

    actions:
      playbook: my_playbook.yml      # relative to the config file; default data/sample/playbook.yml
      value_split: q0.75             # high value = clv at or above this split (see value_threshold)
      pseudonymise_key: a-long-secret  # customer_actions.csv gets keyed-hash ids
      buyer_type_rules: [...]        # replaces helpers.frameworks.BUYER_TYPE_RULES
    lifecycle: {thresholds: {...}}   # any keyword of helpers.lifecycle.customer_lifecycle
    relationship: {cutoff: 0.4}      # any keyword of helpers.relationship.customer_relationships

The environment variable ``CRM_PSEUDONYMISE_KEY`` overrides ``pseudonymise_key`` (keep secrets out
of files that are shared or committed).
"""

from __future__ import annotations

import hashlib
import hmac
import numbers
import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from helpers import clv as _clv
from helpers import data as _data
from helpers import lifecycle as _lifecycle
from helpers import nps as _nps
from helpers import relationship as _relationship
from helpers.frameworks import BUYER_TYPE_RULES, BUYER_TYPES
from helpers.nps import latest_answers  # noqa: F401  (part of this module's public surface)
from helpers.paths import SAMPLE_DIR, resolve

__all__ = ["match_rules", "buyer_types", "load_playbook", "apply_playbook", "pseudonymise",
           "export_actions", "DEFAULT_PLAYBOOK", "DEFAULT_VALUE_SPLIT", "KEY_ENV", "value_threshold",
           "latest_answers", "customer_facts", "customer_view", "playbook_table", "value_at_stake",
           "call_list", "pseudonymise_key", "export_customer_actions", "describe_conditions"]

DEFAULT_PLAYBOOK = SAMPLE_DIR / "playbook.yml"
PLAYBOOK_FIELDS = ("id", "priority", "action", "owner", "reason", "when")


def _is_range(v) -> bool:
    return (isinstance(v, (list, tuple)) and len(v) == 2
            and all(x is None or (isinstance(x, numbers.Number) and not isinstance(x, bool)) for x in v)
            and any(x is not None for x in v))


def _condition(facts: pd.DataFrame, column: str, spec) -> pd.Series:
    if column not in facts.columns:
        raise KeyError(f"rule condition on {column!r}, which is not a fact (facts: {list(facts.columns)})")
    s = facts[column]
    if isinstance(spec, dict):
        spec = [spec.get("min"), spec.get("max")]
    if _is_range(spec):
        lo, hi = spec
        x = pd.to_numeric(s, errors="coerce")
        m = x.notna()
        if lo is not None:
            m &= x >= lo
        if hi is not None:
            m &= x < hi
        return m.fillna(False).astype(bool)
    if isinstance(spec, (list, tuple, set)):
        return s.astype("object").isin(list(spec)).fillna(False).astype(bool)
    return s.astype("object").eq(spec).fillna(False).astype(bool)


def match_rules(facts: pd.DataFrame, rules, *, key="id", priority="priority") -> pd.DataFrame:
    """Evaluate every rule on every row; a boolean matrix rows x rules, rules in resolution order.

    Parameters
    ----------
    facts : pandas.DataFrame
        One row per customer.
    rules : list of dict
        Each with ``when`` (conditions, see the module docstring), ``key`` and ``priority``.
    key, priority : str
        Names of the rule id and priority fields.

    Returns
    -------
    pandas.DataFrame
        Index as ``facts``; one bool column per rule id, ordered by (priority, position).

    Raises
    ------
    KeyError
        If a condition names a column that ``facts`` lacks.
    ValueError
        If two rules share an id.

    Examples
    --------
    >>> f = pd.DataFrame({"x": [1, 5], "g": ["a", "b"]})
    >>> match_rules(f, [{"id": "big", "priority": 1, "when": {"x": [3, None]}},
    ...                 {"id": "any", "priority": 9, "when": {}}]).values.tolist()
    [[False, True], [True, True]]
    """
    ids = [r[key] for r in rules]
    if len(set(ids)) != len(ids):
        raise ValueError(f"rule ids must be unique; repeated: {sorted({i for i in ids if ids.count(i) > 1})}")
    order = sorted(range(len(rules)), key=lambda i: (rules[i][priority], i))
    cols = {}
    for i in order:
        m = pd.Series(True, index=facts.index)
        for column, spec in (rules[i].get("when") or {}).items():
            m &= _condition(facts, column, spec)
        cols[rules[i][key]] = m
    return pd.DataFrame(cols, index=facts.index)


def buyer_types(transactions, *, rules=None, customer="customer_id", order="order_id",
                amount="amount", discount="discount"):
    """Infer each buyer's type (price, value, relationship buyer or poker player) from behaviour.

    Facts per customer: ``n_orders`` (distinct orders; order days when there is no order id),
    ``revenue_per_order``, ``spend_pct`` (its percentile rank among buyers, 0..1) and
    ``discount_share`` (share of orders with any discount). The first matching rule of
    ``helpers.frameworks.BUYER_TYPE_RULES`` (by precedence) names the type.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Canonical transactions (``customer_id``, ``order_date``, ``amount``; ``order_id`` and
        ``discount`` when present). Without a discount column every discount share is 0.
    rules : list of dict, optional
        Replacement rule table (same shape as ``BUYER_TYPE_RULES``).
    customer, order, amount, discount : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        Index customer_id (sorted); n_orders, revenue_per_order, spend_pct, discount_share,
        buyer_type, buyer_type_reason.

    Raises
    ------
    ValueError
        If no rule matches some customer (the table needs a catch-all rule).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "order_id": ["1", "2", "3"],
    ...                    "order_date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-01"]),
    ...                    "amount": [10.0, 10.0, 50.0], "discount": [2.0, 1.0, 0.0]})
    >>> buyer_types(tx)["buyer_type"].tolist()
    ['price buyer', 'value buyer']
    """
    rules = rules if rules is not None else BUYER_TYPE_RULES
    tx = transactions
    okey = tx[order] if order in tx.columns else tx["order_date"].dt.strftime("%Y-%m-%d")
    disc = tx[discount].fillna(0) if discount in tx.columns else pd.Series(0.0, index=tx.index)
    per_order = pd.DataFrame({"customer_id": tx[customer].to_numpy(), "order": okey.to_numpy(),
                              "amount": tx[amount].to_numpy(), "discounted": (disc > 0).to_numpy()})
    orders = per_order.groupby(["customer_id", "order"], sort=False).agg(
        amount=("amount", "sum"), discounted=("discounted", "any"))
    g = orders.groupby(level="customer_id")
    facts = pd.DataFrame({"n_orders": g.size(), "revenue_per_order": g["amount"].mean(),
                          "discount_share": g["discounted"].mean()}).sort_index()
    facts["spend_pct"] = facts["revenue_per_order"].rank(pct=True, method="average")
    table = [{"id": r["buyer_type"] + f"#{r['precedence']}", "priority": r["precedence"], "when": r["when"],
              "buyer_type": r["buyer_type"], "reason": r["reason"]} for r in rules]
    m = match_rules(facts, table)
    if not m.any(axis=1).all():
        raise ValueError("some customers match no buyer-type rule: add a catch-all rule with `when: {}`")
    first = m.to_numpy().argmax(axis=1)
    ordered = [next(t for t in table if t["id"] == c) for c in m.columns]
    facts["buyer_type"] = [ordered[i]["buyer_type"] for i in first]
    facts["buyer_type_reason"] = [ordered[i]["reason"] for i in first]
    facts.index.name = "customer_id"
    return facts


def load_playbook(path=None) -> list[dict]:
    """Read and validate a playbook (YAML list of rules).

    Parameters
    ----------
    path : str or Path, optional
        Default: ``data/sample/playbook.yml``.

    Returns
    -------
    list of dict
        Rules with ``id``, ``priority`` (1 = most urgent), ``action``, ``owner``, ``reason``, ``when``.

    Raises
    ------
    ValueError
        If a rule lacks a field, ids repeat, a priority is not a positive integer, or no rule is a
        catch-all (``when: {}``), which would leave customers without an action.

    Examples
    --------
    >>> rules = load_playbook()
    >>> rules[-1]["when"]
    {}
    """
    path = resolve(path or DEFAULT_PLAYBOOK)
    rules = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(rules, list) or not rules:
        raise ValueError(f"{path}: a playbook is a YAML list of rules")
    for i, r in enumerate(rules, 1):
        missing = [f for f in PLAYBOOK_FIELDS if f not in r]
        if missing:
            raise ValueError(f"{path}: rule {i} ({r.get('id', '?')}) lacks {missing}")
        if not isinstance(r["priority"], int) or r["priority"] < 1:
            raise ValueError(f"{path}: rule {r['id']}: priority must be a whole number >= 1")
        r["when"] = r["when"] or {}
    ids = [r["id"] for r in rules]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{path}: rule ids repeat: {sorted({i for i in ids if ids.count(i) > 1})}")
    if not any(not r["when"] for r in rules):
        raise ValueError(f"{path}: add a catch-all rule (`when: {{}}`) so every customer gets an action")
    return rules


def apply_playbook(facts: pd.DataFrame, rules) -> pd.DataFrame:
    """Give every customer exactly one primary action, plus the list of every rule that matched.

    Parameters
    ----------
    facts : pandas.DataFrame
        One row per customer with the columns the rules test.
    rules : list of dict
        As returned by :func:`load_playbook`.

    Returns
    -------
    pandas.DataFrame
        Index as ``facts``; ``rule``, ``action``, ``priority``, ``owner``, ``reason`` of the primary
        rule and ``matched`` (ids of every matching rule, in resolution order, ``;``-separated).

    Raises
    ------
    ValueError
        If some customer matches no rule.

    Examples
    --------
    >>> f = pd.DataFrame({"nps_class": ["detractor", "promoter"]})
    >>> rules = [{"id": "fix", "priority": 1, "action": "call", "owner": "CS", "reason": "unhappy",
    ...           "when": {"nps_class": "detractor"}},
    ...          {"id": "keep", "priority": 9, "action": "none", "owner": "-", "reason": "-", "when": {}}]
    >>> apply_playbook(f, rules)[["rule", "matched"]].values.tolist()
    [['fix', 'fix;keep'], ['keep', 'keep']]
    """
    m = match_rules(facts, rules)
    none = ~m.any(axis=1)
    if none.any():
        raise ValueError(f"{int(none.sum())} customers match no playbook rule (e.g. "
                         f"{list(facts.index[none][:5])}): add a catch-all rule")
    by_id = {r["id"]: r for r in rules}
    cols = np.array(m.columns)
    first = cols[m.to_numpy().argmax(axis=1)]
    out = pd.DataFrame({"rule": first}, index=facts.index)
    for f in ("action", "priority", "owner", "reason"):
        out[f] = [by_id[r][f] for r in first]
    arr = m.to_numpy()
    out["matched"] = [";".join(cols[row]) for row in arr]
    return out


def pseudonymise(ids, key: str, *, length=16) -> pd.Series:
    """Replace customer ids with a keyed hash (HMAC-SHA256), stable for one key.

    The same id and key always give the same pseudonym, so shared reports can be joined back by
    whoever holds the key; without the key the ids cannot be recovered or guessed by hashing
    candidate ids.

    Parameters
    ----------
    ids : sequence of str
    key : str
        Secret key; keep it out of the shared report.
    length : int, default 16
        Hex characters kept (16 = 64 bits).

    Returns
    -------
    pandas.Series of str

    Raises
    ------
    ValueError
        If the key is empty.

    Examples
    --------
    >>> a = pseudonymise(["C1"], "k1")
    >>> a.equals(pseudonymise(["C1"], "k1")), a.equals(pseudonymise(["C1"], "k2"))
    (True, False)
    """
    if not key:
        raise ValueError("pseudonymise needs a non-empty key")
    k = key.encode()
    ids = pd.Series(ids)
    return pd.Series([hmac.new(k, str(i).encode(), hashlib.sha256).hexdigest()[:length] for i in ids],
                     index=ids.index, dtype="object")


EXPORT_COLUMNS = ["customer_id", "action", "priority", "owner", "reason", "rule", "matched", "segments"]
#: Facts written into the ``segments`` text of the export, in this order (those present).
EXPORT_SEGMENTS = ("nps_class", "lifecycle_stage", "ladder_step", "rfm_segment", "relationship_group",
                   "buyer_type", "value_level")


def export_actions(view: pd.DataFrame, path, *, key=None, segments=EXPORT_SEGMENTS) -> Path:
    """Write the CRM import file: one row per customer with its action and segments.

    Columns: ``customer_id, action, priority, owner, reason, rule, matched, segments`` (``rule`` and
    ``matched`` only when the view has them); ``segments`` reads ``nps_class=detractor;
    lifecycle_stage=active; ...`` with missing facts left out.

    Parameters
    ----------
    view : pandas.DataFrame
        Per-customer table with ``customer_id`` (column or index) and the playbook columns.
    path : str or Path
        CSV file to write (UTF-8, sorted by priority then customer id, or then pseudonym).
    key : str, optional
        When given, customer ids are replaced by :func:`pseudonymise` pseudonyms (for shared files).
    segments : sequence of str
        Columns joined into the ``segments`` text (those present).

    Returns
    -------
    Path

    Raises
    ------
    ValueError
        If a customer id repeats or is missing (a CRM import needs one row per customer).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> v = pd.DataFrame({"customer_id": ["C1"], "action": ["call"], "priority": [1], "owner": ["CS"],
    ...                   "reason": ["x"], "nps_class": ["detractor"]})
    >>> p = export_actions(v, pathlib.Path(tempfile.mkdtemp()) / "a.csv")
    >>> p.read_text().splitlines()[1]
    'C1,call,1,CS,x,nps_class=detractor'
    """
    v = view.reset_index() if "customer_id" not in view.columns else view.copy()
    ids = v["customer_id"]
    if ids.isna().any() or ids.duplicated().any():
        raise ValueError(f"customer ids must be unique and present; repeated or missing: "
                         f"{list(ids[ids.isna() | ids.duplicated(keep=False)].unique()[:5])}")
    present = [s for s in segments if s in v.columns]
    seg = v[present].astype("object").where(v[present].notna(), "")
    v["segments"] = ["; ".join(f"{c}={val}" for c, val in zip(present, row) if val != "")
                     for row in seg.itertuples(index=False)]
    cols = [c for c in EXPORT_COLUMNS if c in v.columns]
    out = v[cols].copy()
    if key:  # before sorting, so that the row order says nothing about the real ids
        out["customer_id"] = pseudonymise(out["customer_id"], key).to_numpy()
    out = out.sort_values(["priority", "customer_id"], kind="stable")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False, lineterminator="\n")
    return path


# ---------------------------------------------------------------------------------------------------
# The joined per-customer view
# ---------------------------------------------------------------------------------------------------
#: Default split of predicted value into high / low: customers whose ``clv`` is at or above the 75th
#: percentile of all buyers' values (the top quarter) are "high". Predicted value is very skewed
#: (on the sample the median is about a sixth of the 75th percentile), so a median split would call
#: many small accounts "high value". Replace with ``actions: {value_split: ...}``.
DEFAULT_VALUE_SPLIT = "q0.75"
#: Environment variable holding the pseudonymisation key; it wins over ``actions.pseudonymise_key``.
KEY_ENV = "CRM_PSEUDONYMISE_KEY"
VALUE_LEVELS = ("low", "high")

#: Columns of :func:`customer_facts`, in order, with the table each comes from.
FACT_COLUMNS = {
    "name": "customers",
    "in_customers": "sources", "in_transactions": "sources", "in_survey": "sources",
    "nps_score": "survey", "nps_class": "survey", "nps_response_date": "survey",
    "lifecycle_stage": "lifecycle", "ladder_step": "lifecycle", "rfm_segment": "lifecycle",
    "RFM": "lifecycle",
    "relationship_group": "relationships", "profit_level": "relationships",
    "duration_level": "relationships",
    "buyer_type": "buyers", "discount_share": "buyers",
    "clv": "relationships", "clv_lower": "relationships", "clv_upper": "relationships",
    "value_level": "relationships", "p_alive": "relationships", "expected_purchases": "relationships",
    "revenue": "lifecycle", "profit": "lifecycle", "n_orders": "lifecycle",
    "days_since_last": "lifecycle", "first_purchase": "lifecycle", "last_purchase": "lifecycle",
}
_LIFECYCLE_COLUMNS = {"stage": "lifecycle_stage", "ladder_step": "ladder_step", "rfm_segment": "rfm_segment",
                      "RFM": "RFM", "revenue": "revenue", "profit": "profit", "n_orders": "n_orders",
                      "days_since_last": "days_since_last", "first_purchase": "first_purchase",
                      "last_purchase": "last_purchase"}
_RELATIONSHIP_COLUMNS = {"group": "relationship_group", "profit_level": "profit_level",
                         "duration_level": "duration_level", "p_alive": "p_alive",
                         "expected_purchases": "expected_purchases", "clv": "clv",
                         "clv_lower": "clv_lower", "clv_upper": "clv_upper"}
_BUYER_COLUMNS = {"buyer_type": "buyer_type", "discount_share": "discount_share"}


def value_threshold(values, split=DEFAULT_VALUE_SPLIT) -> float:
    """The predicted value at and above which a customer counts as high value.

    Parameters
    ----------
    values : pandas.Series
        Predicted values (``clv``); missing ones are ignored.
    split : "median", "qX" or number, default :data:`DEFAULT_VALUE_SPLIT`
        The median, a quantile written ``"q0.75"``, or an amount in the currency of the data.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the split cannot be read or there is no value to split.

    Examples
    --------
    >>> value_threshold(pd.Series([1.0, 2.0, 3.0, 4.0, 5.0]))
    4.0
    >>> value_threshold(pd.Series([1.0, 2.0, 3.0]), "median"), value_threshold(pd.Series([1.0]), 50)
    (2.0, 50.0)
    """
    x = pd.to_numeric(pd.Series(values), errors="coerce").dropna()
    if isinstance(split, str):
        if split != "median" and not split.startswith("q"):
            raise ValueError(f"value_split {split!r}: write 'median', a quantile such as 'q0.75' "
                             "or an amount such as 100")
        if x.empty:
            raise ValueError("no predicted value to split into high and low")
    elif isinstance(split, bool) or not isinstance(split, numbers.Real):
        raise ValueError(f"value_split must be 'median', 'qX' or a number, not {split!r}")
    return _relationship.split_value(x, split, "value")


def _ids(frame, what):
    idx = pd.Index(frame.index.astype(str), name="customer_id")
    if idx.has_duplicates:
        raise ValueError(f"{what} has repeated customer ids, e.g. {list(idx[idx.duplicated()][:5])}: "
                         "pass one row per customer")
    return idx


def _need(frame, cols, what, source):
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} lacks column(s) {missing}; pass the output of {source}")


def _categorical(values, categories):
    return pd.Categorical(values, categories=list(categories), ordered=True)


def customer_facts(lifecycle=None, relationships=None, buyers=None, survey=None, customers=None, *,
                   as_of=None, value_split=DEFAULT_VALUE_SPLIT, promoter_min=9, passive_min=7):
    """Join the per-customer results of every framework into one table of facts, one row per customer.

    Frames in, frame out: the inputs are the per-customer tables the framework modules return; any of
    them may be left out (its facts are then missing). The rows are the union of every customer id
    that appears anywhere (customer list, lifecycle, relationships, buyer types, linked survey
    answers), each exactly once.

    Parameters
    ----------
    lifecycle : pandas.DataFrame, optional
        :func:`helpers.lifecycle.customer_lifecycle` (index ``customer_id``): ``stage``,
        ``ladder_step``, ``rfm_segment``, ... .
    relationships : pandas.DataFrame, optional
        ``helpers.relationship.customer_relationships(...).table``: ``group``, ``p_alive``, ``clv``,
        ``clv_lower``, ``clv_upper``, ... .
    buyers : pandas.DataFrame, optional
        :func:`buyer_types` (index ``customer_id``).
    survey : pandas.DataFrame, optional
        The survey (one row per answer); the latest linked answer counts (:func:`latest_answers`).
    customers : pandas.DataFrame, optional
        The customer list (``customer_id``; ``name`` is kept when present).
    as_of : date-like, optional
        Survey answers after it are ignored.
    value_split : "median", "qX" or number, default :data:`DEFAULT_VALUE_SPLIT`
        Where predicted value splits into ``value_level`` high / low (see :func:`value_threshold`).
    promoter_min, passive_min : int
        NPS class thresholds.

    Returns
    -------
    pandas.DataFrame
        Index ``customer_id`` (str, sorted, unique); the columns of :data:`FACT_COLUMNS`:
        ``name``; ``in_customers``, ``in_transactions``, ``in_survey`` (where the customer is
        known from); ``nps_score``, ``nps_class``, ``nps_response_date``; ``lifecycle_stage``,
        ``ladder_step``, ``rfm_segment``, ``RFM``; ``relationship_group``, ``profit_level``,
        ``duration_level``; ``buyer_type``, ``discount_share``; ``clv``, ``clv_lower``, ``clv_upper``,
        ``value_level`` (high/low, missing without a prediction), ``p_alive``,
        ``expected_purchases``; ``revenue``, ``profit``, ``n_orders`` (0 without a purchase),
        ``days_since_last``, ``first_purchase``, ``last_purchase``. ``attrs["value_split"]`` holds
        the split rule and threshold.

    Raises
    ------
    ValueError
        If no input is given, an input repeats a customer id or lacks its key columns, or the value
        split cannot be read.

    Warns
    -----
    UserWarning
        When the lifecycle table is given but some customers are not in it (e.g. signed up after the
        as-of date): they get no stage.

    Examples
    --------
    >>> lc = pd.DataFrame({"stage": ["active", "prospect"], "ladder_step": ["client", "prospect"],
    ...                    "rfm_segment": ["Champions", None]}, index=["a", "b"])
    >>> sv = pd.DataFrame({"customer_id": ["b"], "score": [3],
    ...                    "response_date": pd.to_datetime(["2024-01-01"])})
    >>> cu = pd.DataFrame({"customer_id": ["a", "b"], "name": ["Ann", "Bo"]})
    >>> f = customer_facts(lifecycle=lc, survey=sv, customers=cu)
    >>> f.index.tolist(), f["nps_class"].tolist()[1], f["n_orders"].tolist()
    (['a', 'b'], 'detractor', [0, 0])
    """
    given = {"lifecycle": lifecycle, "relationships": relationships, "buyers": buyers,
             "survey": survey, "customers": customers}
    if all(v is None for v in given.values()):
        raise ValueError("customer_facts needs at least one input table")
    parts, indexes = {}, []
    if lifecycle is not None:
        _need(lifecycle, ["stage"], "lifecycle", "helpers.lifecycle.customer_lifecycle")
        lc = lifecycle.set_axis(_ids(lifecycle, "lifecycle"))
        parts["lifecycle"] = lc.rename(columns=_LIFECYCLE_COLUMNS)[
            [v for k, v in _LIFECYCLE_COLUMNS.items() if k in lc.columns]]
        indexes.append(lc.index)
    if relationships is not None:
        _need(relationships, ["group", "clv"], "relationships",
              "helpers.relationship.customer_relationships(...).table")
        rt = relationships.set_axis(_ids(relationships, "relationships"))
        cols = {k: v for k, v in _RELATIONSHIP_COLUMNS.items() if k in rt.columns}
        if lifecycle is None:  # money facts come from the lifecycle table when there is one
            cols.update({c: c for c in ("revenue", "profit", "n_orders") if c in rt.columns})
        parts["relationships"] = rt[list(cols)].rename(columns=cols)
        indexes.append(rt.index)
    if buyers is not None:
        _need(buyers, ["buyer_type"], "buyers", "helpers.actions.buyer_types")
        bt = buyers.set_axis(_ids(buyers, "buyers"))
        parts["buyers"] = bt[[c for c in _BUYER_COLUMNS if c in bt.columns]]
        indexes.append(bt.index)
    if survey is not None:
        answers = latest_answers(survey, as_of=as_of, promoter_min=promoter_min, passive_min=passive_min)
        parts["survey"] = answers[["nps_score", "nps_class", "nps_response_date"]]
        indexes.append(answers.index)
    listed = pd.Index([], dtype=object, name="customer_id")
    if customers is not None:
        _need(customers, ["customer_id"], "customers", "helpers.data.load_customers")
        cu = customers.set_index(customers["customer_id"].astype(str).to_numpy())
        listed = _ids(cu, "customers")
        cu.index = listed
        if "name" in cu.columns:
            parts["customers"] = cu[["name"]]
        indexes.append(listed)
    index = indexes[0]
    for other in indexes[1:]:
        index = index.union(other)
    index = pd.Index(index.astype(str), name="customer_id").sort_values()

    out = pd.DataFrame(index=index)
    for part in parts.values():
        out = out.join(part)
    n = len(out)
    # facts the playbook may test exist even when their source is missing (empty, typed)
    categories = {"nps_class": _nps.CLASSES, "relationship_group": _relationship.GROUPS,
                  "buyer_type": [b["name"] for b in BUYER_TYPES], "lifecycle_stage": _lifecycle.STAGES}
    for col, cats in categories.items():
        if col not in out.columns:
            out[col] = _categorical([None] * n, cats)
        elif not isinstance(out[col].dtype, pd.CategoricalDtype):
            extra = sorted(set(out[col].dropna().astype(str)) - set(cats))
            out[col] = _categorical(out[col].astype("object"), list(cats) + extra)
    for col in ("name", "ladder_step", "rfm_segment", "RFM", "profit_level", "duration_level"):
        if col not in out.columns:
            out[col] = pd.Series([None] * n, index=out.index, dtype="object")
    for col in ("clv", "clv_lower", "clv_upper", "p_alive", "expected_purchases", "discount_share"):
        if col not in out.columns:
            out[col] = np.nan
    if "nps_score" not in out.columns:
        out["nps_score"] = pd.array([pd.NA] * n, dtype="Int64")
    for col in ("nps_response_date", "first_purchase", "last_purchase"):
        if col not in out.columns:
            out[col] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns]")
    if "days_since_last" not in out.columns:
        out["days_since_last"] = pd.array([pd.NA] * n, dtype="Int64")
    for col in ("revenue", "profit"):
        out[col] = out[col].fillna(0.0) if col in out.columns else 0.0
    out["n_orders"] = out["n_orders"].fillna(0).astype("int64") if "n_orders" in out.columns else 0

    # sources
    in_tx = pd.Index([], dtype=object)
    for key in ("relationships", "buyers"):
        if key in parts:
            in_tx = in_tx.union(parts[key].index)
    if "lifecycle" in parts:
        in_tx = in_tx.union(parts["lifecycle"].index[parts["lifecycle"]["n_orders"] > 0]
                            if "n_orders" in parts["lifecycle"] else pd.Index([]))
    out["in_customers"] = out.index.isin(listed)
    out["in_transactions"] = out.index.isin(in_tx)
    out["in_survey"] = out.index.isin(parts["survey"].index) if "survey" in parts else False

    # value level
    split = {"rule": value_split, "threshold": np.nan}
    has_value = out["clv"].notna()
    level = pd.Series(None, index=out.index, dtype="object")
    if has_value.any():
        split["threshold"] = value_threshold(out["clv"], value_split)
        level[has_value] = np.where(out.loc[has_value, "clv"] >= split["threshold"], "high", "low")
    elif relationships is not None:
        warnings.warn("no customer has a predicted value: value_level is missing for everyone",
                      UserWarning, stacklevel=2)
    out["value_level"] = _categorical(level, VALUE_LEVELS)

    if lifecycle is not None:
        no_stage = out["lifecycle_stage"].isna()
        if no_stage.any():
            warnings.warn(f"{int(no_stage.sum())} customer(s) have no lifecycle stage (not in the "
                          f"lifecycle table, e.g. signed up after the as-of date), e.g. "
                          f"{list(out.index[no_stage][:5])}; they keep a row and get the default action",
                          UserWarning, stacklevel=2)
    out = out[list(FACT_COLUMNS)]
    out.attrs = {"value_split": split}
    return out


def _playbook_path(cfg):
    path = (cfg.get("actions") or {}).get("playbook")
    if not path:
        return DEFAULT_PLAYBOOK
    base = Path(cfg["config_path"]).parent if cfg.get("config_path") else None
    return resolve(path, base=base) if base is not None else resolve(path)


#: Keys of the config's ``actions`` section.
ACTIONS_SETTINGS = ("playbook", "value_split", "pseudonymise_key", "buyer_type_rules")


def _known_customers(customers, survey):
    """The customer list plus ids known only from linked survey answers (no signup date)."""
    linked = pd.Index(survey.loc[survey["customer_id"].notna(), "customer_id"].astype(str).unique())
    extra = linked.difference(pd.Index(customers["customer_id"].astype(str)))
    if not len(extra):
        return customers
    add = pd.DataFrame({"customer_id": pd.array(extra, dtype=customers["customer_id"].dtype)})
    return pd.concat([customers, add], ignore_index=True)


def customer_view(config=None, *, playbook=None) -> pd.DataFrame:
    """The per-customer action table of a run configuration: every fact, the action and why.

    Loads the inputs (:func:`helpers.data.load_all`) and joins, as of the observation end,
    :func:`helpers.lifecycle.customer_lifecycle` (customers known only from a linked survey answer
    count as known, so they are prospects), :func:`helpers.relationship.customer_relationships`
    (fitted models, predicted value with its interval, relationship group), :func:`buyer_types` and
    the latest NPS answer through :func:`customer_facts`; then resolves the playbook
    (:func:`apply_playbook`). Settings come from the config's ``lifecycle``,
    ``relationship`` and ``actions`` sections (see the module docstring); the ``lifecycle`` and
    ``relationship`` sections hold keyword arguments of the two joined functions
    (:func:`helpers.data.section_settings`), and an unknown key is an error.

    Parameters
    ----------
    config : str, Path, dict or helpers.data.Dataset, optional
        A config path (default: the sample's), a dict from :func:`helpers.data.load_config`, or
        already loaded data.
    playbook : str, Path or list of dict, optional
        Overrides the config's ``actions.playbook``.

    Returns
    -------
    pandas.DataFrame
        Index ``customer_id``: the columns of :func:`customer_facts`, then ``rule``, ``action``,
        ``priority``, ``owner``, ``reason``, ``matched`` of :func:`apply_playbook`. ``attrs``:
        ``as_of``, ``value_split``, ``value_total`` (all customers' predicted value with its
        bootstrap interval), ``relationship`` (model settings), ``thresholds`` (stage windows),
        ``playbook`` (path), ``rules`` (the rules applied).

    Raises
    ------
    ValueError, DataError, FileNotFoundError
        As the loaders, the models and the playbook check raise them.

    Examples
    --------
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     view = customer_view()  # doctest: +SKIP
    >>> view.index.is_unique and view["action"].notna().all()  # doctest: +SKIP
    True
    """
    ds = config if isinstance(config, _data.Dataset) else _data.load_all(config)
    cfg = ds.config
    section = {k: (cfg.get(k) or {}) for k in ("lifecycle", "relationship", "actions")}
    unknown = sorted(set(section["actions"]) - set(ACTIONS_SETTINGS))
    if unknown:
        raise ValueError(f"config section 'actions': unknown setting(s) {unknown}; known: {list(ACTIONS_SETTINGS)}")
    # The NPS classes are fixed by the definition (9-10, 7-8, 0-6), as in every NPS statistic here.
    promoter_min, passive_min = 9, 7
    as_of = ds.observation_end
    lc_kw = _data.section_settings(cfg, "lifecycle", _lifecycle.customer_lifecycle,
                                   skip=("transactions", "as_of", "customers", "survey"))
    lc_kw.setdefault("promoter_min", promoter_min)
    lc = _lifecycle.customer_lifecycle(ds.transactions, as_of, _known_customers(ds.customers, ds.survey),
                                       ds.survey, **lc_kw)
    rel = _relationship.customer_relationships(
        ds.transactions, as_of, **_data.section_settings(cfg, "relationship", _relationship.customer_relationships,
                                                 skip=("transactions", "as_of")))
    bt = buyer_types(ds.transactions, rules=section["actions"].get("buyer_type_rules"))
    facts = customer_facts(lc, rel.table, bt, ds.survey, ds.customers, as_of=as_of,
                           value_split=section["actions"].get("value_split", DEFAULT_VALUE_SPLIT),
                           promoter_min=promoter_min, passive_min=passive_min)
    if isinstance(playbook, list):
        rules, source = playbook, "(given)"
    else:
        source = resolve(playbook) if playbook is not None else _playbook_path(cfg)
        rules = load_playbook(source)
    view = facts.join(apply_playbook(facts, rules))
    settings = {k: v for k, v in rel.settings.items() if k != "as_of"}
    value_by_rule = _value_by_rule(rel, view["rule"])
    view.attrs = {"as_of": as_of, "value_split": facts.attrs["value_split"],
                  "value_total": rel.value.total.to_dict(), "relationship": settings,
                  "thresholds": dict(lc.attrs.get("thresholds", {})), "playbook": str(source),
                  "rules": rules, "value_by_rule": value_by_rule}
    return view


def _value_by_rule(rel, rule):
    """Predicted value per primary rule with the bootstrap interval of each sum (same draws).

    A dict ``{rule: {estimate, lower, upper, customers}}``: pandas compares ``attrs`` when it
    propagates them, which a DataFrame value would break.
    """
    s = rel.settings
    if not s.get("n_boot"):
        return None
    return _clv.customer_value(rel.summary, rel.lifetime, rel.spend, horizon=s["value_horizon"],
                               time_unit=s["time_unit"], annual_discount_rate=s["annual_discount_rate"],
                               profit_col="repeat_profit", n_boot=s["n_boot"], seed=s.get("seed", 0),
                               by=rule.reindex(rel.summary.index)).by_group.to_dict("index")


def describe_conditions(when) -> str:
    """A rule's conditions in words, e.g. ``"nps_class = detractor; clv >= 100"``.

    Parameters
    ----------
    when : dict
        Conditions as in a playbook or buyer-type rule (see the module docstring).

    Returns
    -------
    str

    Examples
    --------
    >>> describe_conditions({"lifecycle_stage": ["new", "active"], "p_alive": {"min": 0.5}})
    'lifecycle_stage in (new, active); p_alive >= 0.5'
    >>> describe_conditions({})
    'everyone (catch-all)'
    """
    if not when:
        return "everyone (catch-all)"
    parts = []
    for col, spec in when.items():
        if isinstance(spec, dict):
            spec = [spec.get("min"), spec.get("max")]
        if _is_range(spec):
            lo, hi = spec
            parts.append(" and ".join(filter(None, [f"{col} >= {lo:g}" if lo is not None else None,
                                                    f"{col} < {hi:g}" if hi is not None else None])))
        elif isinstance(spec, (list, tuple, set)):
            parts.append(f"{col} in ({', '.join(map(str, spec))})")
        else:
            parts.append(f"{col} = {spec}")
    return "; ".join(parts)


def playbook_table(rules, view=None) -> pd.DataFrame:
    """The playbook as a table in resolution order, optionally with how many customers each rule got.

    Parameters
    ----------
    rules : list of dict
        As returned by :func:`load_playbook`.
    view : pandas.DataFrame, optional
        Output of :func:`customer_view` (``rule`` and ``matched`` columns) for the counts.

    Returns
    -------
    pandas.DataFrame
        One row per rule, in the order the rules are tried (priority, then position in the file):
        ``order``, ``id``, ``priority``, ``when`` (conditions in words), ``action``, ``owner``,
        ``reason`` and, with ``view``, ``customers`` (primary action) and ``matched`` (customers the
        rule matched, whether or not it won).

    Examples
    --------
    >>> rules = [{"id": "b", "priority": 9, "action": "B", "owner": "", "reason": "", "when": {}},
    ...          {"id": "a", "priority": 1, "action": "A", "owner": "", "reason": "",
    ...           "when": {"clv": [100, None]}}]
    >>> playbook_table(rules)[["id", "when"]].values.tolist()
    [['a', 'clv >= 100'], ['b', 'everyone (catch-all)']]
    """
    order = sorted(range(len(rules)), key=lambda i: (rules[i]["priority"], i))
    table = pd.DataFrame([{"order": k + 1, "id": rules[i]["id"], "priority": rules[i]["priority"],
                           "when": describe_conditions(rules[i].get("when")), "action": rules[i]["action"],
                           "owner": rules[i]["owner"], "reason": rules[i]["reason"]}
                          for k, i in enumerate(order)])
    if view is not None:
        table["customers"] = table["id"].map(view["rule"].value_counts()).fillna(0).astype("int64")
        hits = view["matched"].str.split(";").explode().value_counts()
        table["matched"] = table["id"].map(hits).fillna(0).astype("int64")
    return table


def _short(action: str) -> str:
    """The first clause of an action text, as a chart label."""
    for sep in (";", " - ", ","):
        action = action.split(sep)[0]
    return action.strip()


def value_at_stake(view, *, by="rule") -> pd.DataFrame:
    """Predicted value (sum of ``clv``) of the customers behind each primary action.

    Grouped by ``"rule"`` on a view from :func:`customer_view`, the interval is the bootstrap
    interval of each sum (``view.attrs["value_by_rule"]``: the same model-parameter draws summed
    over the rule's customers). Otherwise (another ``by``, or a view without those attrs) the range
    is the sum of the customers' own bounds (``clv_lower``, ``clv_upper``), which is wider than the
    interval of the sum: for all 4,500 sample buyers 262k-280k against the exact 264k-277k. The
    column ``interval`` says which was used.

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
    >>> value_at_stake(v)[["rule", "label", "customers", "value", "value_upper"]].values.tolist()
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
    exact = view.attrs.get("value_by_rule") if by == "rule" else None
    if exact:
        exact = pd.DataFrame.from_dict(exact, orient="index")
        have = out.index.intersection(exact.index)
        out.loc[have, "value_lower"] = exact.loc[have, "lower"]
        out.loc[have, "value_upper"] = exact.loc[have, "upper"]
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


def pseudonymise_key(config=None):
    """The pseudonymisation key of a run: ``$CRM_PSEUDONYMISE_KEY``, else ``actions.pseudonymise_key``.

    Parameters
    ----------
    config : dict, optional
        A configuration from :func:`helpers.data.load_config`.

    Returns
    -------
    str or None
        None when neither is set (or both are empty): ids are exported as they are.

    Examples
    --------
    >>> key = pseudonymise_key({"actions": {"pseudonymise_key": "s3cret"}})
    >>> key == (os.environ.get(KEY_ENV) or "s3cret")
    True
    """
    env = os.environ.get(KEY_ENV)
    if env:
        return env
    key = ((config or {}).get("actions") or {}).get("pseudonymise_key")
    return str(key) if key else None


def export_customer_actions(config=None, path=None, *, key=None, view=None) -> Path:
    """Write ``customer_actions.csv`` for a run configuration (the step ``make reports`` runs).

    Parameters
    ----------
    config : str, Path, dict or helpers.data.Dataset, optional
        As for :func:`customer_view`; default the sample.
    path : str or Path, optional
        File to write; default ``reports/customer_actions.csv``.
    key : str, optional
        Pseudonymisation key; default :func:`pseudonymise_key` of the config (environment variable
        ``CRM_PSEUDONYMISE_KEY`` first). Without a key the real ids are written.
    view : pandas.DataFrame, optional
        An already computed :func:`customer_view` (skips the computation).

    Returns
    -------
    Path

    Examples
    --------
    >>> export_customer_actions(path="/tmp/customer_actions.csv")  # doctest: +SKIP
    PosixPath('/tmp/customer_actions.csv')
    """
    from helpers.paths import REPORTS_DIR

    ds = config if isinstance(config, _data.Dataset) else _data.load_all(config)
    if view is None:
        view = customer_view(ds)
    key = key if key is not None else pseudonymise_key(ds.config)
    return export_actions(view, resolve(path) if path is not None else REPORTS_DIR / "customer_actions.csv",
                          key=key)
