"""Buyer types (price, value, relationship buyer or poker player), inferred from behaviour.

The rules are data: ``helpers.frameworks.BUYER_TYPE_RULES`` by default, replaceable from the config
under ``actions: buyer_type_rules:``; they are matched by :func:`helpers.actions.rules.match_rules`.
"""

from __future__ import annotations

import pandas as pd

from helpers.actions.rules import match_rules
from helpers.engine.orders import order_facts
from helpers.frameworks import BUYER_TYPE_RULES

__all__ = ["buyer_types"]


def buyer_types(transactions, *, rules=None, customer_id="customer_id", order="order_id",
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
    customer_id, order, amount, discount : str
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
    cols = {customer_id: "customer_id", order: "order_id", amount: "amount", discount: "discount"}
    tx = transactions[[c for c in ["order_date", *cols] if c in transactions.columns]]
    facts = order_facts(tx.rename(columns=cols))  # one engine query (DuckDB by default)
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
