"""Tests for helpers.lifecycle.ladder: one tiny history per ladder rule."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import frameworks
from helpers import lifecycle as lc
from tests.lifecycle.common import TH, make_tx


@pytest.fixture
def ladder_inputs():
    tx = make_tx([
        ("first", "2024-06-01", 5), ("first", "2024-06-01", 5),          # two rows, one day
        ("repeat", "2024-01-01", 5), ("repeat", "2024-02-01", 5),
        ("client", "2024-05-01", 5), ("client", "2024-06-01", 5), ("client", "2024-06-20", 5),
        ("oldclient", "2023-01-01", 5), ("oldclient", "2023-02-01", 5),
        ("oldclient", "2023-03-01", 5),                                   # 3 days but lapsed
        ("promoter", "2024-01-01", 5), ("promoter", "2024-05-01", 5),
        ("referrer", "2024-01-01", 5), ("referrer", "2024-05-01", 5),
        ("lapsedfan", "2024-01-01", 5), ("lapsedfan", "2024-03-01", 5),  # promoter, but lapsed
        ("wasfan", "2024-01-01", 5), ("wasfan", "2024-03-01", 5),        # latest answer 6
        ("futurefan", "2024-01-01", 5), ("futurefan", "2024-03-01", 5),  # answer after as_of
        ("onefan", "2024-06-01", 5),                                      # promoter, one purchase
        ("nine", "2024-01-01", 5), ("nine", "2024-05-01", 5),            # score 9
    ])
    customers = pd.DataFrame({
        "customer_id": ["prospect", "referrer", "client"],
        "referrals": pd.array([0, 2, pd.NA], dtype="Int64"),
    })
    survey = pd.DataFrame({
        "customer_id": ["promoter", "wasfan", "wasfan", "futurefan", "onefan", "nine", None,
                        "lapsedfan"],
        "score": [10, 10, 6, 10, 10, 9, 10, 10],
        "response_date": pd.to_datetime(["2024-03-05", "2024-01-10", "2024-04-01", "2024-07-10",
                                         "2024-06-02", "2024-03-02", "2024-03-02", "2024-03-05"]),
    })
    return tx, customers, survey


def test_loyalty_ladder_one_history_per_rule(ladder_inputs):
    tx, customers, survey = ladder_inputs
    out = lc.loyalty_ladder(tx, "2024-06-30", customers, survey, thresholds=TH)
    assert out["rung"].astype(str).to_dict() == {
        "client": "client", "first": "first-time customer", "futurefan": "repeat customer",
        "lapsedfan": "repeat customer", "nine": "advocate", "oldclient": "repeat customer", "onefan": "first-time customer",
        "promoter": "advocate", "prospect": "prospect", "referrer": "advocate",
        "repeat": "repeat customer", "wasfan": "repeat customer",
    }
    assert list(out["rung"].cat.categories) == [
        "prospect", "first-time customer", "repeat customer", "client", "advocate"]
    assert out.loc["referrer", "referrals"] == 2 and out.loc["client", "referrals"] == 0
    assert out.loc["first", "n_purchase_days"] == 1
    assert bool(out.loc["client", "active"]) and not bool(out.loc["oldclient", "active"])


def test_loyalty_ladder_promoter_threshold_is_a_parameter(ladder_inputs):
    tx, customers, survey = ladder_inputs
    out = lc.loyalty_ladder(tx, "2024-06-30", customers, survey, thresholds=TH, promoter_min=10)
    assert out.loc["nine", "rung"] == "repeat customer"
    assert out.loc["promoter", "rung"] == "advocate"


def test_loyalty_ladder_custom_rules(ladder_inputs):
    tx, customers, _ = ladder_inputs
    rules = [dict(r) for r in frameworks.LOYALTY_LADDER]
    for r in rules:
        if r["name"] == "client":
            r["min_purchases"], r["requires_active"] = 2, False
    out = lc.loyalty_ladder(tx, "2024-06-30", customers, thresholds=TH, rules=rules)
    assert out.loc["repeat", "rung"] == "client"
    with pytest.raises(ValueError, match="rung"):
        lc.loyalty_ladder(tx, "2024-06-30", thresholds=TH, rules=[{"name": "x"}])


def test_loyalty_ladder_bad_survey(ladder_inputs):
    tx, customers, _ = ladder_inputs
    with pytest.warns(UserWarning, match="no response_date"), \
            pytest.raises(ValueError, match="survey lacks"):
        lc.loyalty_ladder(tx, "2024-06-30", customers, pd.DataFrame({"score": [9]}), thresholds=TH)
