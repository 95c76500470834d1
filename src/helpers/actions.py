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
"""

from __future__ import annotations

import hashlib
import hmac
import numbers
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from helpers.frameworks import BUYER_TYPE_RULES
from helpers.paths import SAMPLE_DIR, resolve

__all__ = ["match_rules", "buyer_types", "load_playbook", "apply_playbook", "pseudonymise",
           "export_actions", "DEFAULT_PLAYBOOK"]

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


EXPORT_COLUMNS = ["customer_id", "action", "priority", "owner", "reason", "segments"]


def export_actions(view: pd.DataFrame, path, *, key=None, segments=("nps_class", "lifecycle_stage",
                   "ladder_step", "rfm_segment", "relationship_group", "buyer_type")) -> Path:
    """Write the CRM import file: customer_id, action, priority, owner, reason, segments.

    Parameters
    ----------
    view : pandas.DataFrame
        Per-customer table with ``customer_id`` (column or index) and the playbook columns.
    path : str or Path
        CSV file to write (UTF-8, sorted by priority then customer).
    key : str, optional
        When given, customer ids are replaced by :func:`pseudonymise` pseudonyms (for shared files).
    segments : sequence of str
        Columns joined into the ``segments`` text (those present).

    Returns
    -------
    Path

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
    present = [s for s in segments if s in v.columns]
    seg = v[present].astype("object").where(v[present].notna(), "")
    v["segments"] = ["; ".join(f"{c}={val}" for c, val in zip(present, row) if val != "")
                     for row in seg.itertuples(index=False)]
    out = v[EXPORT_COLUMNS].sort_values(["priority", "customer_id"], kind="stable")
    if key:
        out["customer_id"] = pseudonymise(out["customer_id"], key).to_numpy()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False, lineterminator="\n")
    return path
