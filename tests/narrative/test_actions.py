import re

import numpy as np
import pandas as pd
import pytest

from helpers.narrative import actions as na


def no_nan(text):
    assert not re.search(r"\bnan\b", text, flags=re.IGNORECASE), text
    return text


@pytest.fixture
def view():
    return pd.DataFrame({"in_customers": [True, True, True, False],
                         "in_transactions": [True, True, False, True],
                         "in_survey": [True, False, False, True],
                         "n_orders": [4, 1, 0, 2],
                         "nps_class": ["promoter", None, None, "detractor"],
                         "priority": [1, 2, 5, 9],
                         "clv": [60.0, 20.0, np.nan, 20.0],
                         "clv_lower": [50.0, 15.0, np.nan, 10.0],
                         "clv_upper": [70.0, 25.0, np.nan, 30.0]},
                        index=["a", "b", "c", "d"])


@pytest.fixture
def stake():
    """predicted_profit_by_action-like table, largest value first."""
    return pd.DataFrame({"label": ["Call *now*", "Mail", "Nothing"], "value": [6000.0, 3000.0, 1000.0],
                         "customers": [2, 50, 9], "value_share": [0.6, 0.3, 0.1]})


def test_data_summary_counts_each_source(view):
    text = na.data_summary(view, pd.Timestamp("2025-12-31"))
    assert text.startswith("As of **2025-12-31**: **4 customers**, each in exactly one row (yes: "
                           "ids unique).")
    assert "customer list: 3; from the transactions: 3; with a linked survey answer: 2." in text
    assert "1 have never bought and 2 have no survey answer" in text
    assert "Notes" not in text


def test_data_summary_notes_once_sorted_escaped(view):
    text = na.data_summary(view, pd.Timestamp("2025-12-31"),
                           [UserWarning("b_note"), "a <note>", "b_note"])
    assert text.endswith("Notes from the computation:\n\n- a &lt;note&gt;\n- b_note")


def test_data_summary_says_when_ids_repeat(view):
    text = na.data_summary(view.set_axis(["a", "a", "b", "c"]), pd.Timestamp("2025-12-31"))
    assert "**4 rows** but only 3 customers" in text and "exactly one row" not in text


def test_nps_reason_each_case():
    assert na.nps_reason(0, 0).startswith("No survey in this run configuration")
    assert "none of the 1,500 answers" in na.nps_reason(1500, 0)
    assert na.nps_reason(1500, 3) == ""


def test_segment_nps_reason_each_case():
    assert na.segment_nps_reason(pd.Series([], dtype=object), "lifecycle stage", "No survey.") \
        == "No survey."
    one = na.segment_nps_reason(pd.Series(["new"] * 1200), "lifecycle stage")
    assert one == ("All 1,200 customers who answered the survey are in one lifecycle stage, so there "
                   "is no NPS by lifecycle stage to compare.")
    assert na.segment_nps_reason(pd.Series(["new", "lapsed"]), "lifecycle stage") == ""


def test_no_nps_chart_uses_the_first_reason():
    assert na.no_nps_chart("No survey here.", "B") == "No NPS chart: no survey here."
    assert na.no_nps_chart("", "", "All 3 in one stage.") == "No NPS chart: all 3 in one stage."
    assert na.no_nps_chart("", "", "").startswith("No NPS chart: ")


@pytest.mark.parametrize("unit, word", [("W", "weeks"), ("D", "days"), ("M", "months"), ("Q", "Q")])
def test_value_summary_states_total_bounds_and_settings(view, unit, word):
    text = na.value_summary({"estimate": 100.4, "lower": 95.0, "upper": 104.6}, view,
                            settings={"value_horizon": 12, "time_unit": unit,
                                      "annual_discount_rate": 0.08, "model": "bgnbd"},
                            value_split={"threshold": 1234.5, "rule": "median"}, currency="EUR")
    assert text.startswith("All customers together: EUR 100 (95% bootstrap interval of the sum 95 to 105; "
                           "sum of the customers' own bounds 75 to 125)")
    assert "exact" not in text  # a bootstrap interval is not exact
    assert f"over 12 {word} at 8% a year, BG/NBD lifetime model." in text
    assert text.endswith("at least EUR 1,234 (split `median`).")


def test_largest_cell_names_the_largest_cell():
    t = pd.DataFrame({"Strangers": [3, 1, 4], "True Friends": [2, 9, 13], "all": [5, 10, 17]},
                     index=["lapsed", "at risk", "all"])
    text = na.largest_cell(t, 20)
    assert text.startswith("The largest cell is **at risk True Friends**: 9 customers (45% of all customers).")
    assert text.endswith("10 customers are at risk, of whom 9 are True Friends.")
    t = pd.DataFrame({"Strangers": [3]}, index=["lapsed"])
    assert na.largest_cell(t, 3).endswith("0 customers are at risk, of whom 0 are True Friends.")


def nps_table(segments, scores, significant):
    return pd.DataFrame({"segment": segments, "nps": scores, "ci_low": [s - 5 for s in scores],
                         "ci_high": [s + 5 for s in scores], "significant": significant})


def test_nps_lines_best_and_worst_are_the_extremes():
    by_group = nps_table(["Strangers", "Barnacles", "True Friends"], [-10.0, -30.0, 25.0],
                         [False, True, False])
    by_stage = nps_table(["new", "lapsed"], [4.0, -20.0], [False, True])
    line, stage = na.nps_lines({"n": 2500, "nps": -3.2}, by_group, by_stage)
    assert line.startswith("NPS over each customer's latest answer (2,500 customers) is -3; 01 counts all "
                           "answers, so its NPS can differ. ")
    assert "True Friends score highest (+25, 95% CI +20 to +30)" in line
    assert "Barnacles lowest (-30, -35 to -25); Barnacles differ significantly" in line
    assert stage == "By lifecycle stage, lapsed (-20) differ significantly from the rest."


def test_nps_lines_nothing_significant_or_missing():
    by_group = nps_table(["A", "B"], [1.0, 2.0], [False, False])
    line, stage = na.nps_lines({"n": 10, "nps": 1.5}, by_group, None, stage_reason="One stage only.")
    assert line.endswith("no group differs significantly from the rest.")
    assert stage == "One stage only."
    line, _ = na.nps_lines({"n": 10, "nps": 1.5}, None, None, group_reason="One group only.")
    assert line.endswith("its NPS can differ. One group only.")
    assert na.nps_lines(None, None, None, reason="No survey.") == ["No survey."]


def test_top_actions_share_and_escaped_labels(stake):
    text = na.top_actions(stake, currency="EUR")
    assert text.startswith("The three actions whose customers have the most predicted profit hold 100% "
                           "of all customers' predicted profit: **Call &#42;now&#42;** (EUR 6,000, 2 customers); "
                           "**Mail** (EUR 3,000, 50 customers);")
    one = na.top_actions(stake.head(1), currency="EUR")
    assert one.startswith("The action whose customers have the most predicted profit holds 60% of all")
    empty = no_nan(na.top_actions(stake.assign(value=0.0, value_share=np.nan), currency="EUR"))
    assert "no action's customers have a predicted profit" in empty


def test_volume_and_value(stake):
    text = na.volume_and_value(stake)
    assert text == ("The action for the most customers, **Mail** (50 customers), covers 30.0% of all "
                    "customers' predicted profit: volume and value point to different work.")
    same = na.volume_and_value(stake.assign(customers=[90, 50, 9]))
    assert "**Call &#42;now&#42;** (90 customers), covers 60.0%" in same
    assert "different work" not in same


def test_urgent_share_of_value(view):
    text = na.urgent(view)
    assert text == ("2 customers have a priority 1 or 2 action (personal contact within days); they "
                    "hold 80% of all customers' predicted profit.")
    assert "priority 1 action" in na.urgent(view, max_priority=1)
    assert "no customer has a predicted value" in no_nan(na.urgent(view.assign(clv=np.nan)))


def test_headline(stake):
    text = na.headline(stake, {"estimate": 12500.0}, currency="USD")
    assert "value at stake" not in text  # the customers' predicted profit, not what an action protects
    assert text == ("Top actions by the predicted profit of the customers assigned: Call &#42;now&#42; (USD 6k, 2 customers); Mail (USD 3k, "
                    "50 customers); Nothing (USD 1k, 9 customers) of USD 12k predicted profit.")


def test_freshness_counts_fresh_detractors_and_the_age_of_the_rest():
    from helpers.narrative.actions import freshness

    v = pd.DataFrame({"nps_class": pd.Categorical(["detractor"] * 4 + ["passive"],
                                                  categories=["detractor", "passive", "promoter"]),
                      "fresh_answer": [True, True, False, False, False],
                      "answer_age_days": [1, 29, 100, 400, 5]})
    text = freshness(v, 30)
    assert text.startswith("2 of 4 detractors answered within the last 30 days")
    assert "the other 2 (median answer age 250 days)" in text  # median of 100 and 400
    assert "nan" not in text
    all_fresh = freshness(v.iloc[:2], 30)
    assert all_fresh == ("2 of 2 detractors answered within the last 30 days and can be called back "
                         "within 48 hours.")
    assert "no 48-hour follow-up is due" in freshness(v.iloc[4:], 30)


def test_strategy_line_names_conflicts_and_exceptions():
    check = pd.DataFrame({"rule": ["a", "a", "b", "c"], "segment": ["Strangers", "new", "lapsed", "active"],
                          "customers": [34, 86, 1200, 9],
                          "status": ["exception", "agrees", "conflict", "agrees"],
                          "exception": ["they <b>spoke</b> first", "", "", ""]})
    text = na.strategy_line(check)
    assert text.startswith("**1 rule contradicts a strategy with no stated reason**: `b` for lapsed "
                           "(1,200 customers)")
    assert "`a` reaches 34 Strangers (they &lt;b&gt;spoke&lt;/b&gt; first)." in text
    ok = na.strategy_line(check[check["status"] != "conflict"])
    assert ok.startswith("Every action agrees with the strategy of the customer's relationship group (03) "
                         "and lifecycle stage (02), apart from the exceptions the playbook states.")
    assert na.strategy_line(check[check["status"] == "agrees"]).endswith("lifecycle stage (02).")


@pytest.fixture(scope="module")
def sample_view(sample):
    """The sample's customer view, ``(Dataset, view)`` as in tests/actions."""
    import warnings

    from helpers import actions
    with warnings.catch_warnings():
        # the sample's frequencies tie (most customers bought once): the RFM quintiles say so
        warnings.filterwarnings("ignore", message=r"\w score: .* share one value", category=UserWarning)
        return sample, actions.customer_view(sample)


def _sample_view_with_kinds(sample_view):
    _, v = sample_view
    by_id = {r["id"]: r for r in v.attrs["rules"]}
    return v.assign(kind=v["rule"].map(lambda r: by_id[r]["kind"]))


def test_winback_line_states_the_sample_counts(sample_view):
    v = _sample_view_with_kinds(sample_view)
    t = v.attrs["winback"]["threshold"]
    text = na.winback_line(v, v.attrs["winback"], currency="EUR")
    lapsed = v[v["lifecycle_stage"] == "lapsed"]
    clear, won = int((lapsed["clv"] >= t).sum()), int((lapsed["kind"] == "win-back").sum())
    assert f"at least EUR {t:,.2f}, the profit of a typical order" in text
    assert (f"{clear:,} of {len(lapsed):,} lapsed customers ({clear / len(lapsed):.0%} of lapsed customers) "
            f"clear it; {won:,} get a win-back action") in text
    assert f"the other {len(lapsed) - won:,} get no win-back spend." in text
    set_by_hand = na.winback_line(v, {"rule": 40, "threshold": 40.0}, currency="EUR")
    assert "EUR 40.00, set in the run configuration" in set_by_hand


def test_label_notes_explain_the_sample_labels(sample_view):
    _, v = sample_view
    text = na.label_notes(v, v.attrs["thresholds"])
    stage, seg = v["lifecycle_stage"].astype("object"), v["rfm_segment"].astype("object")
    loyal = int(((stage == "lapsed") & (seg == "Loyal Customers")).sum())
    champs = int(((stage == "at risk") & (seg == "Champions")).sum())
    assert loyal > 0 and champs > 0
    assert f'{loyal:,} lapsed customers are labelled "Loyal Customers"' in text
    assert f'{champs:,} at-risk customers "Champions"' in text
    r3 = v.loc[v["RFM"].astype("object").str[0] == "3", "days_since_last"]
    assert f"R = 3 spans {r3.min():,.0f} to {r3.max():,.0f} days" in text
    # an R score of 3 straddles the lapse window: that is why a lapsed customer can be "loyal"
    assert r3.min() <= v.attrs["thresholds"]["lapse_window"] < r3.max()
    assert f"lapsed after {v.attrs['thresholds']['lapse_window']:,} days" in text
    lapsed = stage == "lapsed"
    for name in ("True Friends", "Barnacles"):  # the long side of the map, lapsed all the same
        members = v["relationship_group"] == name
        n = int((members & lapsed).sum())
        assert n > 0
        assert f"{n:,} of {int(members.sum()):,} {name} ({n / members.sum():.0%} of {name})" in text
    long_lapsed = v["relationship_group"].isin(["True Friends", "Barnacles"]) & lapsed
    median = float(np.median(v.loc[long_lapsed, "p_alive"].to_numpy(dtype=float)))
    n_long = int(long_lapsed.sum())
    assert f"the model gives these {n_long:,} lapsed customers a median P(alive) of {median:.0%}: " in text
    assert ("more than half of them are more likely gone" in text) == (median < 0.5)
    plain = v[(stage == "active") & (v["relationship_group"] != "True Friends")]
    assert na.label_notes(plain, v.attrs["thresholds"]) == ""
    # 02's lifecycle table: the column is "stage" and there is no relationship group
    lc = v.rename(columns={"lifecycle_stage": "stage"}).drop(columns="relationship_group")
    text02 = na.label_notes(lc, v.attrs["thresholds"])
    assert f'{loyal:,} lapsed customers are labelled "Loyal Customers"' in text02
    assert "True Friends" not in text02
    # 03's groups: the stage beside the group column of customer_relationships, no RFM segment
    g03 = v.rename(columns={"lifecycle_stage": "stage", "relationship_group": "group"})[
        ["stage", "group", "p_alive"]]
    text03 = na.label_notes(g03, v.attrs["thresholds"])
    assert "Loyal Customers" not in text03 and "Champions" not in text03
    tf = v["relationship_group"] == "True Friends"
    group_part = text[text.index(f"{int((tf & lapsed).sum()):,} of {int(tf.sum()):,} True Friends"):]
    assert text03 == "Labels that look contradictory answer different questions. " + group_part


def test_label_notes_for_groups_alone_state_their_numbers():
    """03 passes stages and groups only: lapsed True Friends and Barnacles, counted by hand."""
    g = pd.DataFrame({"stage": ["lapsed", "lapsed", "active", "lapsed", "at risk", "lapsed", "lapsed"],
                      "group": ["True Friends", "True Friends", "True Friends", "Barnacles", "Barnacles",
                                "Strangers", None],
                      "p_alive": [0.9, 0.6, 1.0, 0.2, 0.8, 0.1, np.nan]})
    text = na.label_notes(g, {"active_window": 45, "lapse_window": 121})
    assert text == ("Labels that look contradictory answer different questions. 2 of 3 True Friends (67% of "
                    "True Friends) and 1 of 2 Barnacles (50% of Barnacles) have lapsed: the group rests on "
                    "profitability and on what the lifetime model projects from how often and how recently "
                    "a customer bought, the stage only on the days since the last purchase, so a frequent "
                    "buyer can be silent past the lapse window and still be projected to buy; the model "
                    "gives these 3 lapsed customers a median P(alive) of 60%: at least half of them are "
                    "more likely still customers than gone.")
    # below one half the sentence says that most of them are more likely gone
    gone = na.label_notes(g.assign(p_alive=[0.3, 0.2, 1.0, 0.45, 0.8, 0.1, np.nan]),
                          {"active_window": 45, "lapse_window": 121})
    assert gone.endswith("a median P(alive) of 30%: more than half of them are more likely gone than still "
                         "customers, so their group tells what the relationship was worth, not that it goes on.")
    assert "P(alive)" not in na.label_notes(g.drop(columns="p_alive"), {"active_window": 45,
                                                                        "lapse_window": 121})
    assert na.label_notes(g[g["group"] == "Strangers"], {"active_window": 45, "lapse_window": 121}) == ""


def test_call_list_line_counts_the_urgent_customers(sample_view):
    from helpers import actions
    _, v = sample_view
    urgent_n = int((v["priority"] <= 2).sum())
    text = na.call_list_line(v, len(actions.call_list(v, 15)))
    assert text.startswith(f"The top 15 of the {urgent_n:,} customers with a priority 1 or 2 action "
                           f"({urgent_n / len(v):.0%} of all customers)")
    assert "`customer_actions.csv` (column `rank`)" in text
    assert na.call_list_line(v.head(3).assign(priority=1), 15).startswith("The top 3 of the 3 customers")
