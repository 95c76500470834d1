"""Tests for helpers.lifecycle.cohorts: acquisition-cohort retention."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import lifecycle as lc
from tests.lifecycle.common import make_tx, row_strategy


def test_cohort_retention_hand_example():
    tx = make_tx([
        ("a", "2024-01-05", 1), ("a", "2024-02-10", 1), ("a", "2024-02-11", 1),
        ("b", "2024-01-20", 1), ("b", "2024-03-01", 1), ("b", "2024-03-02", -1),
        ("c", "2024-02-14", 1), ("c", "2024-03-14", -1),    # a refund is not buying
        ("d", "2024-01-31", 1), ("d", "2024-03-31", 1),
    ])
    coh = lc.cohort_retention(tx)
    # Jan cohort: a, b, d (3). Feb: a bought -> 1/3. Mar: b, d -> 2/3. Feb cohort: c; Mar: none.
    assert [str(p) for p in coh.shares.index] == ["2024-01", "2024-02"]
    np.testing.assert_allclose(coh.counts.loc[pd.Period("2024-01", "M")], [3, 1, 2])
    np.testing.assert_allclose(coh.shares.loc[pd.Period("2024-01", "M")], [1, 1 / 3, 2 / 3])
    assert coh.counts.loc[pd.Period("2024-02", "M"), 1] == 0
    assert np.isnan(coh.shares.loc[pd.Period("2024-02", "M"), 2])  # April not observed yet
    assert (coh.shares[0] == 1.0).all()


def test_cohort_retention_quarters_and_weeks():
    tx = make_tx([("a", "2024-01-05", 1), ("a", "2024-04-10", 1), ("b", "2024-02-01", 1)])
    q = lc.cohort_retention(tx, freq="Q")
    assert [str(p) for p in q.shares.index] == ["2024Q1"]
    np.testing.assert_allclose(q.shares.iloc[0], [1.0, 0.5])
    w = lc.cohort_retention(tx, freq="W", observation_end="2024-02-05")
    assert str(w.counts.index[0]) == "2024-01-01/2024-01-07"
    assert (w.shares[0] == 1.0).all()
    with pytest.raises(ValueError, match="freq"):
        lc.cohort_retention(tx, freq="D")


@settings(max_examples=25, deadline=None)
@given(rows=st.lists(row_strategy, min_size=1, max_size=40))
def test_cohort_month_zero_is_full(rows):
    tx = pd.DataFrame(rows, columns=["customer_id", "order_date", "amount"])
    tx["order_date"] = pd.to_datetime(tx["order_date"])
    if not (tx["amount"] >= 0).any():
        return
    coh = lc.cohort_retention(tx)
    assert (coh.shares[0] == 1.0).all()
    assert coh.counts[0].sum() == tx.loc[tx["amount"] >= 0, "customer_id"].nunique()
    assert ((coh.shares.fillna(0) >= 0) & (coh.shares.fillna(0) <= 1)).all().all()
