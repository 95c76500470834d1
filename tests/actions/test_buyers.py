"""helpers.actions.buyers: one customer per buyer-type rule, and the rule boundaries."""

import numpy as np
import pandas as pd
import pytest

from helpers import actions
from helpers.frameworks import BUYER_TYPE_RULES


def orders(rows):
    """rows: (customer, order, amount, discount) -> canonical transactions."""
    df = pd.DataFrame(rows, columns=["customer_id", "order_id", "amount", "discount"])
    df["order_date"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(len(df)), unit="D")
    return df


def test_each_buyer_type_rule():
    tx = orders([
        # poker: big orders (top spend), 2 of 2 discounted
        ("poker", "p1", 500.0, 50.0), ("poker", "p2", 480.0, 20.0),
        # price: small orders, 2 of 3 discounted
        ("price", "q1", 20.0, 2.0), ("price", "q2", 20.0, 1.0), ("price", "q3", 20.0, 0.0),
        # relationship: 4 orders, none discounted
        ("rel", "r1", 60.0, 0.0), ("rel", "r2", 60.0, 0.0), ("rel", "r3", 60.0, 0.0), ("rel", "r4", 60.0, 0.0),
        # value: 1 of 3 discounted (a third: neither most nor few), 3 orders only
        ("value", "v1", 80.0, 5.0), ("value", "v2", 80.0, 0.0), ("value", "v3", 80.0, 0.0),
    ])
    bt = actions.buyer_types(tx)
    assert bt["buyer_type"].to_dict() == {"poker": "poker player", "price": "price buyer",
                                          "rel": "relationship buyer", "value": "value buyer"}
    assert bt.loc["price", "discount_share"] == pytest.approx(2 / 3)
    assert bt.loc["poker", "spend_pct"] == 1.0 and bt.loc["rel", "n_orders"] == 4


def test_buyer_types_order_lines_count_once_and_no_discount_column():
    tx = orders([("a", "1", 10.0, 1.0), ("a", "1", 10.0, 0.0), ("a", "2", 5.0, 0.0)])
    bt = actions.buyer_types(tx)
    assert bt.loc["a", "n_orders"] == 2 and bt.loc["a", "discount_share"] == 0.5
    assert bt.loc["a", "revenue_per_order"] == 12.5
    bt2 = actions.buyer_types(tx.drop(columns="discount"))
    assert bt2.loc["a", "discount_share"] == 0.0


def test_buyer_rules_without_catch_all_raise():
    tx = orders([("a", "1", 10.0, 0.0)])
    with pytest.raises(ValueError, match="catch-all"):
        actions.buyer_types(tx, rules=[r for r in BUYER_TYPE_RULES if r["when"]])


def test_buyer_type_boundaries_are_inclusive_below():
    # revenue per order 10, 20, 30, 40 -> spend percentiles 0.25, 0.50, 0.75, 1.00
    tx = orders([
        ("a", "a1", 10.0, 0.0),                                  # one order, no discount
        ("b", "b1", 20.0, 1.0), ("b", "b2", 20.0, 0.0),          # share 0.5, pct 0.50
        ("c", "c1", 30.0, 1.0), ("c", "c2", 30.0, 0.0),          # share 0.5, pct 0.75 (edge)
        *[("d", f"d{i}", 40.0, 1.0 if i == 0 else 0.0) for i in range(5)],  # share 0.2 exactly, 5 orders
    ])
    bt = actions.buyer_types(tx)
    assert bt["spend_pct"].tolist() == [0.25, 0.5, 0.75, 1.0]
    assert bt["buyer_type"].tolist() == ["value buyer", "price buyer", "poker player", "value buyer"]
    assert bt.loc["d", "discount_share"] == 0.2  # relationship buyers need < 0.2
