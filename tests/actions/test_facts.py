"""helpers.actions.facts: the latest answers and the joined facts, one row per customer."""

import pandas as pd
import pytest

from helpers import actions


def test_latest_answers_last_dated_then_last_listed():
    sv = pd.DataFrame({
        "customer_id": ["a", "a", "a", "b", "b", None, "c"],
        "score": pd.array([3, 10, 6, 8, 9, 10, pd.NA], dtype="Int64"),
        "response_date": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-03-01", "2024-02-01",
                                         "2024-05-01", "2024-01-01", "2024-01-01"])})
    out = actions.latest_answers(sv, observation_end="2024-04-30")
    assert out.index.tolist() == ["a", "b"]  # anonymous and blank answers cannot be linked
    assert out["nps_score"].tolist() == [6, 8] and out["nps_score"].dtype == "Int64"
    assert out["nps_class"].astype(str).tolist() == ["detractor", "passive"]
    assert out["n_answers"].tolist() == [3, 1]
    assert out["nps_response_date"].tolist() == [pd.Timestamp("2024-03-01"), pd.Timestamp("2024-02-01")]
    assert actions.latest_answers(sv, observation_end="2024-04-30", promoter_min=8).loc["b", "nps_class"] == "promoter"
    with pytest.raises(ValueError, match="score"):
        actions.latest_answers(sv.drop(columns="score"))


def tiny_inputs():
    lc = pd.DataFrame({"stage": ["active", "prospect"], "ladder_step": ["client", "prospect"],
                       "rfm_segment": ["Champions", None], "n_orders": [3, 0], "revenue": [100.0, 0.0],
                       "profit": [30.0, 0.0]}, index=pd.Index(["buyer", "prospect"], name="customer_id"))
    rel = pd.DataFrame({"group": ["True Friends", "Strangers"], "clv": [10.0, 2.0], "clv_lower": [8.0, 1.0],
                        "clv_upper": [12.0, 3.0], "p_alive": [0.9, 0.2]},
                       index=pd.Index(["buyer", "buyer2"], name="customer_id"))
    bt = pd.DataFrame({"buyer_type": ["value buyer", "price buyer"]},
                      index=pd.Index(["buyer", "buyer2"], name="customer_id"))
    sv = pd.DataFrame({"customer_id": ["surveyonly", "buyer"], "score": [2, 10],
                       "response_date": pd.to_datetime(["2024-01-01", "2024-01-02"])})
    cu = pd.DataFrame({"customer_id": ["buyer", "prospect", "listonly"],
                       "name": ["Ann", "<b>Bob</b>", "Cy"]})
    return lc, rel, bt, sv, cu


def test_customer_facts_union_exactly_once():
    lc, rel, bt, sv, cu = tiny_inputs()
    with pytest.warns(UserWarning, match="3 customer"):  # buyer2, listonly, surveyonly have no stage
        f = actions.customer_facts(lc, rel, bt, sv, cu, value_split="median")
    assert f.index.tolist() == ["buyer", "buyer2", "listonly", "prospect", "surveyonly"]
    assert list(f.columns) == list(actions.FACT_COLUMNS)
    assert f["in_customers"].tolist() == [True, False, True, True, False]
    assert f["in_transactions"].tolist() == [True, True, False, False, False]
    assert f["in_survey"].tolist() == [True, False, False, False, True]
    assert f["n_orders"].tolist() == [3, 0, 0, 0, 0] and f.loc["listonly", "revenue"] == 0.0
    assert f.loc["prospect", "name"] == "<b>Bob</b>"
    # median of 10 and 2 is 6: buyer high, buyer2 low, no prediction -> missing
    assert f.attrs["value_split"]["threshold"] == 6.0
    assert f["value_level"].astype(object).fillna("-").tolist() == ["high", "low", "-", "-", "-"]
    assert f.loc["buyer", "nps_class"] == "promoter" and f.loc["surveyonly", "nps_class"] == "detractor"


def test_customers_without_answer_or_purchase_get_a_row_and_an_action(playbook):
    lc, rel, bt, sv, cu = tiny_inputs()
    with pytest.warns(UserWarning):
        f = actions.customer_facts(lc, rel, bt, sv, cu, value_split="median")
    out = actions.apply_playbook(f, playbook)
    assert out["rule"].to_dict() == {
        "buyer": "referral-from-promoter",        # priority 3 tie with reward-true-friend: listed first
        "buyer2": "strangers-self-service",
        "listonly": "standard",                   # no purchase, no answer, no stage
        "prospect": "convert-prospect",           # no purchase, no answer
        "surveyonly": "close-the-loop-detractor",  # an answer, no purchase
    }
    assert out["action"].notna().all()


@pytest.mark.parametrize("split, high", [("q0.75", [False, False, False, True]), ("median", [False, False, True, True]),
                                         (2, [False, True, True, True])])
def test_value_level_splits(split, high):
    rel = pd.DataFrame({"group": ["Strangers"] * 4, "clv": [1.0, 2.0, 3.0, 4.0]}, index=list("abcd"))
    f = actions.customer_facts(relationships=rel, value_split=split)
    assert (f["value_level"] == "high").tolist() == high  # q0.75 of 1..4 = 3.25, median 2.5


def test_customer_facts_bad_input():
    lc, rel, bt, sv, cu = tiny_inputs()
    with pytest.raises(ValueError, match="at least one"):
        actions.customer_facts()
    with pytest.raises(ValueError, match="repeated customer ids"):
        actions.customer_facts(relationships=pd.concat([rel, rel]))
    with pytest.raises(ValueError, match="lacks column"):
        actions.customer_facts(lifecycle=lc.drop(columns="stage"))
    with pytest.raises(ValueError, match="value_split"):
        actions.customer_facts(relationships=rel, value_split="top")
    with pytest.raises(ValueError, match="value_split"):
        actions.value_threshold(rel["clv"], "q1.5")


def test_each_provider_gives_only_its_own_facts():
    lc, rel, bt, sv, cu = tiny_inputs()
    assert actions.lifecycle_facts(lc).columns.tolist() == ["lifecycle_stage", "ladder_step", "rfm_segment",
                                                            "revenue", "profit", "n_orders"]
    assert actions.relationship_facts(rel).columns.tolist() == ["relationship_group", "p_alive", "clv",
                                                                "clv_lower", "clv_upper"]
    assert actions.buyer_facts(bt)["buyer_type"].to_dict() == {"buyer": "value buyer", "buyer2": "price buyer"}
    # the answer of 2 January is after the observation end
    assert actions.nps_facts(sv, observation_end="2024-01-01").index.tolist() == ["surveyonly"]
    listed = actions.listed_facts(cu.drop(columns="name"))
    assert listed.index.tolist() == ["buyer", "prospect", "listonly"] and listed.columns.empty
    with pytest.raises(ValueError, match="lacks column"):
        actions.buyer_facts(bt.drop(columns="buyer_type"))


def hand_survey():
    return pd.DataFrame({
        "customer_id": ["a", "a", "b", "c", "d", "e", None, "f"],
        "score": [9, 2, 3, 6, 10, 1, 0, 4],
        "response_date": pd.to_datetime(["2024-05-01", "2024-06-10", "2024-05-31", "2024-05-30",
                                          "2023-07-01", None, "2024-06-29", "2024-07-15"])})


def test_answer_date_and_age_of_the_latest_answer():
    f = actions.nps_facts(hand_survey(), observation_end="2024-06-30")
    # f answered after the observation end: not counted; the anonymous answer cannot be linked
    assert f.index.tolist() == ["a", "b", "c", "d", "e"]
    assert f["answer_date"].tolist() == [pd.Timestamp("2024-06-10"), pd.Timestamp("2024-05-31"),
                                         pd.Timestamp("2024-05-30"), pd.Timestamp("2023-07-01"), pd.NaT]
    # ages counted by hand: June 10 -> June 30 is 20 days; May 31 -> 30; May 30 -> 31; 2024 is a leap year
    assert f["answer_age_days"].dtype == "Int64"
    assert f["answer_age_days"].tolist()[:4] == [20, 30, 31, 365] and f["answer_age_days"].isna().tolist()[4]
    # the default window is 30 days, its edge included; an undated answer is never fresh
    assert f["fresh_answer"].tolist() == [True, True, False, False, False]
    assert actions.nps_facts(hand_survey(), observation_end="2024-06-30", freshness_days=20)[
        "fresh_answer"].tolist() == [True, False, False, False, False]
    # without an observation end, ages run to the latest dated answer (2024-07-15)
    assert actions.nps_facts(hand_survey())["answer_age_days"].tolist()[:2] == [35, 45]


@pytest.mark.parametrize("bad", [-1, 2.5, True, "30"])
def test_freshness_window_must_be_whole_days(bad):
    with pytest.raises(ValueError, match="freshness_days must be a whole number of days >= 0"):
        actions.nps_facts(hand_survey(), observation_end="2024-06-30", freshness_days=bad)


def test_only_detractors_with_a_fresh_answer_get_the_48_hour_action(playbook):
    lc = pd.DataFrame({"stage": ["active"] * 4, "n_orders": [2] * 4},
                      index=pd.Index(["fresh", "old", "fresh_tf", "old_tf"], name="customer_id"))
    rel = pd.DataFrame({"group": ["Strangers", "Strangers", "True Friends", "True Friends"],
                        "clv": [1.0, 1.0, 50.0, 50.0]}, index=lc.index)
    sv = pd.DataFrame({"customer_id": ["fresh", "old", "fresh_tf", "old_tf"], "score": [2, 2, 3, 3],
                       "response_date": pd.to_datetime(["2024-06-20", "2023-09-01", "2024-06-01",
                                                        "2024-05-01"])})
    f = actions.customer_facts(lc, rel, survey=sv, observation_end="2024-06-30", value_split="median")
    assert (f["nps_class"] == "detractor").all()
    rule = actions.apply_playbook(f, playbook)["rule"].to_dict()
    assert rule["fresh"] == "close-the-loop-detractor"
    assert rule["fresh_tf"] == "save-true-friend-detractor"
    # the same detractors with old answers fall through to the rules that do not react to an answer
    assert rule["old"] == "strangers-self-service"
    assert rule["old_tf"] == "reward-true-friend"
    # a wider window makes the 60-day-old True Friend answer fresh again
    wide = actions.customer_facts(lc, rel, survey=sv, observation_end="2024-06-30", value_split="median",
                                  freshness_days=90)
    assert actions.apply_playbook(wide, playbook).loc["old_tf", "rule"] == "save-true-friend-detractor"
