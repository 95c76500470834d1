"""Tests for helpers.lifecycle.stages: one tiny history per stage rule (as of 2024-06-30, windows
30 / 30 / 90 days), and the stage rule table.
"""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import frameworks
from helpers import lifecycle as lc
from tests.lifecycle.common import TH, make_tx


def test_lifecycle_stage_one_history_per_rule(stage_tx):
    cust = pd.DataFrame({
        "customer_id": ["prospect", "later", "active", "nodate"],
        "signup_date": pd.to_datetime(["2024-05-01", "2024-08-01", "2023-01-01", None]),
    })
    out = lc.lifecycle_stage(stage_tx, "2024-06-30", customers=cust, thresholds=TH)
    expected = {
        "new": "new", "active": "active", "react": "reactivated", "atrisk": "at risk",
        "lapsed": "lapsed", "edge30": "active", "edge31": "at risk", "edge90": "at risk",
        "edge91": "lapsed", "refund": "lapsed", "prospect": "prospect", "nodate": "prospect",
    }
    assert out["stage"].astype(str).to_dict() == expected
    assert out.index.tolist() == sorted(expected)  # 'later' and 'future' are not known yet
    assert list(out["stage"].cat.categories) == list(lc.STAGES)
    assert out.loc["refund", "revenue"] == 0.0  # 10 - 10
    assert out.loc["active", "n_purchase_days"] == 3
    assert out.loc["atrisk", "days_since_last"] == 71
    assert pd.isna(out.loc["prospect", "days_since_last"])
    assert out.attrs["thresholds"] == TH


def test_reactivated_only_within_new_window():
    # came back after a long gap 45 days ago, then bought regularly: active, not reactivated
    tx = make_tx([("a", "2023-06-01", 1), ("a", "2024-05-16", 1), ("a", "2024-06-20", 1)])
    out = lc.lifecycle_stage(tx, "2024-06-30", thresholds=TH)
    assert out.loc["a", "stage"] == "active"


def test_lifecycle_stage_bad_customers(stage_tx):
    with pytest.raises(ValueError, match="customer_id"):
        lc.lifecycle_stage(stage_tx, "2024-06-30", customers=pd.DataFrame({"id": [1]}),
                           thresholds=TH)
    with pytest.raises(ValueError, match="observation_end"):
        lc.lifecycle_stage(stage_tx, None, thresholds=TH)


def test_vocabularies_registered_with_sources():
    for key in ("rfm_segments", "lifecycle_stages", "loyalty_ladder"):
        table = frameworks.glossary(key)
        assert len(table) > 0
        assert not table["source"].isin(frameworks.SOURCES.keys()).any()  # spelled out
    assert [s["name"] for s in frameworks.LIFECYCLE_STAGES] == list(lc.STAGES)

