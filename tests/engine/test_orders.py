"""engine.order_facts against a pandas groupby written from its definition."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.engine.orders import order_facts


def _by_hand(tx):
    """Orders per customer by the definition: order id, else the day; amounts summed; an order
    is discounted when any row has a positive discount."""
    day = tx["order_date"].dt.strftime("%Y-%m-%d")
    if "order_id" in tx:
        key = np.where(tx["order_id"].isna(), "day " + day, "id " + tx["order_id"].astype(str))
    else:
        key = day.to_numpy()
    disc = tx["discount"].fillna(0) > 0 if "discount" in tx else pd.Series(False, index=tx.index)
    per = pd.DataFrame({"c": tx["customer_id"].to_numpy(), "o": key,
                        "a": tx["amount"].to_numpy(), "d": disc.to_numpy()})
    orders = per.groupby(["c", "o"]).agg(a=("a", "sum"), d=("d", "any"))
    g = orders.groupby(level="c")
    out = pd.DataFrame({"n_orders": g.size().astype("int64"), "revenue_per_order": g["a"].mean(),
                        "discount_share": g["d"].mean().astype(float)})
    out.index.name = "customer_id"
    return out.sort_index()


@pytest.fixture
def messy():
    rng = np.random.default_rng(11)
    n = 3_000
    tx = pd.DataFrame({
        "customer_id": pd.Series(rng.choice([f"c{i:03d}" for i in range(150)], n), dtype="str"),
        "order_id": pd.Series(rng.choice([f"o{i}" for i in range(900)], n), dtype="str"),
        "order_date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 60, n), "D"),
        "amount": rng.normal(40, 30, n).round(2),  # refunds included
        "discount": np.where(rng.random(n) < 0.3, rng.random(n) * 5, 0.0)})
    tx.loc[rng.random(n) < 0.1, "order_id"] = None
    tx.loc[rng.random(n) < 0.05, "discount"] = np.nan
    return tx


def test_order_facts_match_the_definition(messy):
    pd.testing.assert_frame_equal(order_facts(messy), _by_hand(messy), check_index_type=False,
                                  rtol=1e-12)


def test_order_facts_without_order_id_or_discount_columns(messy):
    tx = messy.drop(columns=["order_id", "discount"])
    got = order_facts(tx)
    pd.testing.assert_frame_equal(got, _by_hand(tx), check_index_type=False, rtol=1e-12)
    assert (got["discount_share"] == 0).all()


def test_order_facts_on_the_sample_match(sample):
    tx = sample.transactions
    pd.testing.assert_frame_equal(order_facts(tx), _by_hand(tx), check_index_type=False,
                                  rtol=1e-12)
