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


# ---------------------------------------------------------------------------------------------------
# The stage rules are data
# ---------------------------------------------------------------------------------------------------
def test_default_rules_are_the_documented_stages():
    # every stage but prospect (no purchase) comes from a rule, in precedence order
    names = [r["name"] for r in lc.STAGE_RULES]
    assert names == ["new", "reactivated", "active", "at risk", "lapsed"]
    assert set(lc.STAGES) == {"prospect", *(r["name"] for r in lc.STAGE_RULES)}


def test_assign_stages_first_rule_that_holds():
    # days since first / return / last, windows 30 / 30 / 90:
    #   c0: first 10 days ago -> new (before reactivated, which would hold too)
    #   c1: back 5 days ago after a long gap -> reactivated; c2: last 30 -> active (bound included)
    #   c3: last 31 -> at risk; c4: last 90 -> at risk; c5: last 91 -> lapsed
    never = 10**9
    measures = {"days_since_first": [10, 400, 400, 400, 400, 400],
                "days_since_return": [10, 5, never, never, never, never],
                "days_since_last": [10, 5, 30, 31, 90, 91]}
    assert lc.assign_stages(measures, TH).tolist() == [
        "new", "reactivated", "active", "at risk", "at risk", "lapsed"]
    # bounds may be numbers of days; a rule table without a catch-all leaves customers unassigned
    rules = [{"name": "recent", "max_days_since_last": 30}, {"name": "slipping",
                                                             "max_days_since_last": "lapse_window"}]
    with pytest.warns(UserWarning, match="1 customer\\(s\\) match no stage rule"):
        out = lc.assign_stages(measures, TH, rules)
    assert out.tolist() == ["recent", "recent", "recent", "slipping", "slipping", "unassigned"]


def test_lifecycle_stage_with_replaced_rules(stage_tx):
    # 'dormant' between 91 and 180 days, 'lapsed' after that; no reactivated stage
    rules = [{"name": "new", "max_days_since_first": "new_window"},
             {"name": "active", "max_days_since_last": "active_window"},
             {"name": "at risk", "max_days_since_last": "lapse_window"},
             {"name": "dormant", "max_days_since_last": 180},
             {"name": "lapsed"}]
    out = lc.lifecycle_stage(stage_tx, "2024-06-30", thresholds=TH, rules=rules)
    stage = out["stage"].astype(str).to_dict()
    assert stage["react"] == "active"     # back 10 days ago: no reactivated rule any more
    assert stage["lapsed"] == "dormant"   # 177 days
    assert stage["edge91"] == "dormant"   # 91 days
    assert stage["refund"] == "dormant"   # last purchase 2024-02-01: 150 days
    assert list(out["stage"].cat.categories) == [*lc.STAGES, "dormant"]
    t = lc.stage_transitions(stage_tx, "2024-03-31", "2024-06-30", thresholds=TH, rules=rules)
    assert list(t.counts.columns) == [*lc.STAGES, "dormant"]
    assert t.counts.to_numpy().sum() == len(out)
    assert t.counts.loc["at risk", "dormant"] == 2  # lapsed (86 -> 177) and refund (59 -> 150)


@pytest.mark.parametrize(
    "rules, match",
    [
        ([], "non-empty"),
        ([{"max_days_since_last": 30}], "needs a 'name'"),
        ([{"name": "prospect"}], "reserved"),
        ([{"name": "x", "days_since_last": 30}], "unknown condition"),
        ([{"name": "x", "max_days_since_last": "soon"}], "must be one of"),
        ([{"name": "x", "max_days_since_last": -1}], "must be one of"),
        ([{"name": "x"}, {"name": "x"}], "distinct"),
    ],
)
def test_bad_stage_rules(stage_tx, rules, match):
    with pytest.raises(ValueError, match=match):
        lc.lifecycle_stage(stage_tx, "2024-06-30", thresholds=TH, rules=rules)
