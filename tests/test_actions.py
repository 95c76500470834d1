"""helpers.actions: rule matching, buyer types, playbook resolution, pseudonymised export."""

import re

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


def test_match_rules_ranges_lists_and_scalars():
    f = pd.DataFrame({"x": [1.0, 5.0, np.nan], "g": ["a", "b", None]})
    rules = [{"id": "lo", "priority": 2, "when": {"x": [None, 3]}},
             {"id": "ab", "priority": 1, "when": {"g": ["a", "b"]}},
             {"id": "b", "priority": 1, "when": {"g": "b", "x": {"min": 5, "max": None}}}]
    m = actions.match_rules(f, rules)
    assert list(m.columns) == ["ab", "b", "lo"]  # priority, then position
    assert m.values.tolist() == [[True, False, True], [True, True, False], [False, False, False]]


def test_match_rules_errors():
    f = pd.DataFrame({"x": [1]})
    with pytest.raises(KeyError, match="not a fact"):
        actions.match_rules(f, [{"id": "r", "priority": 1, "when": {"y": 1}}])
    with pytest.raises(ValueError, match="unique"):
        actions.match_rules(f, [{"id": "r", "priority": 1, "when": {}}, {"id": "r", "priority": 2, "when": {}}])


# --- buyer types: one customer per rule -----------------------------------------------------------
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


# --- playbook -------------------------------------------------------------------------------------
@pytest.fixture
def playbook():
    return actions.load_playbook()


def facts(**cols):
    base = {"nps_class": None, "lifecycle_stage": "active", "ladder_step": "repeat customer",
            "rfm_segment": None, "relationship_group": None, "buyer_type": "value buyer",
            "value_level": "low"}
    base.update(cols)
    return pd.DataFrame([base], index=["c"])


PLAYBOOK_CASES = [
    ({"nps_class": "detractor", "relationship_group": "True Friends"}, "save-true-friend-detractor"),
    ({"lifecycle_stage": "at risk", "value_level": "high"}, "win-back-high-value-at-risk"),
    ({"nps_class": "detractor", "relationship_group": "Strangers"}, "close-the-loop-detractor"),
    ({"relationship_group": "True Friends", "lifecycle_stage": "lapsed"}, "win-back-lapsed-true-friend"),
    ({"relationship_group": "Butterflies", "lifecycle_stage": "active"}, "harvest-butterfly"),
    ({"nps_class": "promoter", "ladder_step": "client"}, "referral-from-promoter"),
    ({"relationship_group": "True Friends", "nps_class": "passive"}, "reward-true-friend"),
    ({"relationship_group": "Barnacles"}, "check-barnacle-wallet"),
    ({"lifecycle_stage": "new", "ladder_step": "first-time customer"}, "second-purchase-for-new"),
    ({"lifecycle_stage": "lapsed"}, "reactivate-lapsed"),
    ({"lifecycle_stage": "lapsed", "relationship_group": "Barnacles"}, "reactivate-lapsed"),
    ({"lifecycle_stage": "prospect", "ladder_step": "prospect"}, "convert-prospect"),
    ({"relationship_group": "Strangers"}, "strangers-self-service"),
    ({}, "standard"),
]


@pytest.mark.parametrize("cols, rule", PLAYBOOK_CASES)
def test_each_playbook_rule(playbook, cols, rule):
    assert actions.apply_playbook(facts(**cols), playbook).loc["c", "rule"] == rule


def test_precedence_priority_then_position(playbook):
    # a detractor True Friend matches 3 rules; priority 1 wins, the others are listed after it
    out = actions.apply_playbook(facts(nps_class="detractor", relationship_group="True Friends"), playbook)
    assert out.loc["c", "matched"].split(";") == ["save-true-friend-detractor", "close-the-loop-detractor",
                                                  "reward-true-friend", "standard"]
    # equal priority: the rule listed first wins
    rules = [{"id": "b", "priority": 1, "action": "B", "owner": "", "reason": "", "when": {}},
             {"id": "a", "priority": 1, "action": "A", "owner": "", "reason": "", "when": {}}]
    assert actions.apply_playbook(facts(), rules).loc["c", "rule"] == "b"


def test_customer_without_survey_or_purchase_gets_an_action(playbook):
    f = facts(nps_class=None, lifecycle_stage="prospect", ladder_step="prospect", relationship_group=None,
              buyer_type=None, value_level=None)
    assert actions.apply_playbook(f, playbook).loc["c", "rule"] == "convert-prospect"
    f2 = facts(nps_class=None, lifecycle_stage=None, ladder_step=None, buyer_type=None, value_level=None)
    assert actions.apply_playbook(f2, playbook).loc["c", "rule"] == "standard"


def test_playbook_validation(tmp_path):
    p = tmp_path / "p.yml"
    p.write_text("- {id: a, priority: 1, action: x, owner: y, reason: z, when: {nps_class: detractor}}\n")
    with pytest.raises(ValueError, match="catch-all"):
        actions.load_playbook(p)
    p.write_text("- {id: a, priority: 0, action: x, owner: y, reason: z, when: {}}\n")
    with pytest.raises(ValueError, match="priority"):
        actions.load_playbook(p)
    p.write_text("- {id: a, priority: 1, action: x, when: {}}\n")
    with pytest.raises(ValueError, match="lacks"):
        actions.load_playbook(p)


# --- export ---------------------------------------------------------------------------------------
def view():
    return pd.DataFrame({"customer_id": ["C2", "C1", "<script>x</script>"], "action": ["a", "b", "c"],
                         "priority": [2, 1, 9], "owner": ["o"] * 3, "reason": ["r"] * 3,
                         "nps_class": ["promoter", None, "detractor"], "rfm_segment": ["Champions", "Lost", None]})


def test_export_one_row_per_customer_sorted(tmp_path):
    out = pd.read_csv(actions.export_actions(view(), tmp_path / "a.csv"))
    assert list(out.columns) == ["customer_id", "action", "priority", "owner", "reason", "segments"]
    assert out["customer_id"].tolist() == ["C1", "C2", "<script>x</script>"]
    assert out.loc[0, "segments"] == "rfm_segment=Lost"


def test_pseudonymised_export_stable_and_leak_free(tmp_path):
    p1 = actions.export_actions(view(), tmp_path / "k1.csv", key="key-one").read_text()
    p1b = actions.export_actions(view(), tmp_path / "k1b.csv", key="key-one").read_text()
    p2 = actions.export_actions(view(), tmp_path / "k2.csv", key="key-two").read_text()
    assert p1 == p1b and p1 != p2
    for raw in ("C1", "C2", "<script>"):
        assert raw not in p1
    ids = pd.read_csv(tmp_path / "k1.csv")["customer_id"]
    assert ids.str.fullmatch(r"[0-9a-f]{16}").all() and ids.is_unique


def test_pseudonymise_needs_a_key():
    with pytest.raises(ValueError, match="key"):
        actions.pseudonymise(["a"], "")


def test_every_playbook_rule_has_a_case(playbook):
    assert sorted(set(rule for _, rule in PLAYBOOK_CASES)) == sorted(r["id"] for r in playbook)


def test_export_refuses_repeated_ids(tmp_path):
    v = pd.concat([view(), view().iloc[[0]]])
    with pytest.raises(ValueError, match="unique"):
        actions.export_actions(v, tmp_path / "a.csv")


# --- buyer-type boundaries ------------------------------------------------------------------------
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


def test_describe_conditions():
    assert actions.describe_conditions({"nps_class": "detractor", "clv": [10, 20]}) == \
        "nps_class = detractor; clv >= 10 and clv < 20"
    assert actions.describe_conditions({"p_alive": {"max": 0.5}}) == "p_alive < 0.5"


# --- latest answers and the joined facts -------------------------------------------------------------
def test_latest_answers_last_dated_then_last_listed():
    sv = pd.DataFrame({
        "customer_id": ["a", "a", "a", "b", "b", None, "c"],
        "score": pd.array([3, 10, 6, 8, 9, 10, pd.NA], dtype="Int64"),
        "response_date": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-03-01", "2024-02-01",
                                         "2024-05-01", "2024-01-01", "2024-01-01"])})
    out = actions.latest_answers(sv, as_of="2024-04-30")
    assert out.index.tolist() == ["a", "b"]  # anonymous and blank answers cannot be linked
    assert out["nps_score"].tolist() == [6, 8] and out["nps_score"].dtype == "Int64"
    assert out["nps_class"].astype(str).tolist() == ["detractor", "passive"]
    assert out["n_answers"].tolist() == [3, 1]
    assert out["nps_response_date"].tolist() == [pd.Timestamp("2024-03-01"), pd.Timestamp("2024-02-01")]
    assert actions.latest_answers(sv, as_of="2024-04-30", promoter_min=8).loc["b", "nps_class"] == "promoter"
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


def test_value_at_stake_call_list_and_playbook_table(playbook):
    v = pd.DataFrame({"rule": ["a", "a", "b", "c"], "action": ["Call now; then write", "Call now; then write",
                                                                 "Mail - soon", "Nothing"],
                      "owner": ["x", "x", "y", "z"], "priority": [1, 1, 5, 9],
                      "clv": [10.0, 30.0, 50.0, np.nan], "clv_lower": [9.0, 25.0, 40.0, np.nan],
                      "clv_upper": [11.0, 35.0, 60.0, np.nan], "matched": ["a;c", "a;b;c", "b;c", "c"],
                      "name": ["n1", "n2", "n3", "n4"]},
                     index=pd.Index(["k1", "k2", "k3", "k4"], name="customer_id"))
    vs = actions.value_at_stake(v)
    assert vs["rule"].tolist() == ["b", "a", "c"]
    assert vs["label"].tolist() == ["Mail", "Call now", "Nothing"]
    assert vs[["customers", "with_value", "value", "value_lower", "value_upper"]].values.tolist() == [
        [1, 1, 50.0, 40.0, 60.0], [2, 2, 40.0, 34.0, 46.0], [1, 0, 0.0, 0.0, 0.0]]
    assert vs["value_share"].tolist() == pytest.approx([50 / 90, 40 / 90, 0.0])
    calls = actions.call_list(v, 3)
    assert calls["customer_id"].tolist() == ["k2", "k1", "k3"]  # priority, then value
    assert actions.call_list(v, 10, max_priority=1)["customer_id"].tolist() == ["k2", "k1"]
    with pytest.raises(ValueError, match="n must be"):
        actions.call_list(v, 0)
    rules = [{"id": "c", "priority": 9, "action": "", "owner": "", "reason": "", "when": {}},
             {"id": "a", "priority": 1, "action": "", "owner": "", "reason": "", "when": {"x": 1}},
             {"id": "b", "priority": 5, "action": "", "owner": "", "reason": "", "when": {"x": 2}}]
    t = actions.playbook_table(rules, v)
    assert t["id"].tolist() == ["a", "b", "c"] and t["order"].tolist() == [1, 2, 3]
    assert t["customers"].tolist() == [2, 1, 1] and t["matched"].tolist() == [2, 2, 4]


def test_call_list_names_are_escaped_in_html():
    v = pd.DataFrame({"name": ['<script>alert("x")</script> Smith'], "priority": [1], "clv": [5.0],
                      "action": ["call"]}, index=pd.Index(["<i>C1</i>"], name="customer_id"))
    page = actions.call_list(v)._repr_html_()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "<i>C1" not in page and "&lt;i&gt;C1" in page


def test_pseudonymise_key_environment_wins(monkeypatch):
    monkeypatch.delenv(actions.KEY_ENV, raising=False)
    assert actions.pseudonymise_key({"actions": {"pseudonymise_key": "from-config"}}) == "from-config"
    assert actions.pseudonymise_key({"actions": {}}) is None and actions.pseudonymise_key(None) is None
    monkeypatch.setenv(actions.KEY_ENV, "from-env")
    assert actions.pseudonymise_key({"actions": {"pseudonymise_key": "from-config"}}) == "from-env"


# --- plots ----------------------------------------------------------------------------------------
@pytest.fixture
def close_figures():
    import matplotlib

    matplotlib.use("Agg")
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def test_plot_stage_group_heatmap(close_figures):
    import matplotlib.pyplot as plt

    from helpers import plots

    v = pd.DataFrame({"lifecycle_stage": pd.Categorical(["active", "active", "prospect", None],
                                                        categories=["prospect", "active", "lapsed"]),
                      "relationship_group": ["True Friends", "Strangers", None, "Strangers"]})
    ax = plots.plot_stage_group_heatmap(v, ax=plt.figure().gca())
    assert [t.get_text() for t in ax.get_yticklabels()] == ["prospect", "active"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Strangers", "True Friends", "(no purchase)"]
    cells = [t.get_text() for t in ax.texts if "\n" in t.get_text()]
    assert cells == ["0\n0%", "0\n0%", "1\n33%", "1\n33%", "1\n33%", "0\n0%"]
    assert any("1 without a stage" in t.get_text() for t in ax.texts)
    with pytest.raises(ValueError, match="lacks column"):
        plots.plot_stage_group_heatmap(v.drop(columns="relationship_group"))


def test_plot_value_at_stake(close_figures):
    import matplotlib.pyplot as plt

    from helpers import plots

    t = pd.DataFrame({"label": ["Call", "Mail", "None"], "value": [100.0, 20.0, 0.0],
                      "value_lower": [90.0, 15.0, 0.0], "value_upper": [110.0, 25.0, 0.0],
                      "customers": [3, 40, 7], "priority": [1, 5, 9]})
    ax = plots.plot_value_at_stake(t, ax=plt.figure().gca(), currency="EUR")
    assert len(ax.patches) == 3
    assert [x.get_text() for x in ax.get_yticklabels()] == ["Call", "Mail", "None"]
    assert ax.get_xlabel() == "predicted profit (EUR)" and ax.get_title(loc="left")
    assert [p.get_width() for p in ax.patches] == [100.0, 20.0, 0.0]
    with pytest.raises(ValueError, match="lacks column"):
        plots.plot_value_at_stake(t.drop(columns="value_upper"))


# --- the sample, end to end -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample():
    import warnings

    from helpers import data

    ds = data.load_all()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        v = actions.customer_view(ds)
    return ds, v


def input_ids(ds):
    return (set(ds.customers["customer_id"]) | set(ds.transactions["customer_id"])
            | set(ds.survey["customer_id"].dropna()))


def test_sample_view_has_every_customer_once_with_an_action(sample):
    ds, v = sample
    ids = input_ids(ds)
    assert v.index.is_unique and len(v) == len(ids) and set(v.index) == ids
    assert v["action"].notna().all() and v["rule"].notna().all()
    assert ((v["lifecycle_stage"] == "prospect") == ~v["in_transactions"]).all()
    assert v.loc[~v["in_transactions"], "relationship_group"].isna().all()
    assert v["nps_class"].isna().sum() > 0 and (v["n_orders"] == 0).sum() > 0


def test_sample_nps_facts_match_the_latest_answer(sample):
    ds, v = sample
    sv = ds.survey.dropna(subset=["customer_id"]).sort_values("response_date", kind="stable")
    latest = sv.drop_duplicates("customer_id", keep="last").set_index("customer_id")["score"]
    got = v["nps_score"].dropna()
    assert set(got.index) == set(latest.index)
    assert (got.astype(int) == latest.reindex(got.index).astype(int)).all()
    expected = np.select([got >= 9, got >= 7], ["promoter", "passive"], "detractor")
    assert (v.loc[got.index, "nps_class"].astype(str).to_numpy() == expected).all()


def test_sample_value_level_is_top_quarter(sample):
    _, v = sample
    cut = v["clv"].quantile(0.75)
    has = v["clv"].notna()
    assert ((v.loc[has, "value_level"] == "high") == (v.loc[has, "clv"] >= cut)).all()
    assert v.loc[~has, "value_level"].isna().all()


def test_sample_export_every_customer_once_and_pseudonymised(sample, tmp_path):
    ds, v = sample
    ids = input_ids(ds)
    plain = pd.read_csv(actions.export_actions(v, tmp_path / "plain.csv"), dtype={"customer_id": str})
    assert plain["customer_id"].is_unique and set(plain["customer_id"]) == ids
    assert list(plain.columns) == actions.EXPORT_COLUMNS
    k1 = actions.export_actions(v, tmp_path / "k1.csv", key="key-one").read_text()
    k1b = actions.export_actions(v, tmp_path / "k1b.csv", key="key-one").read_text()
    k2 = actions.export_actions(v, tmp_path / "k2.csv", key="key-two").read_text()
    assert k1 == k1b and k1 != k2
    assert not ids & set(re.findall(r"\w+", k1))  # no raw id anywhere in the file (sample ids are \w+)
    out = pd.read_csv(tmp_path / "k1.csv", dtype={"customer_id": str})
    pseud = out["customer_id"]
    assert pseud.str.fullmatch(r"[0-9a-f]{16}").all() and pseud.is_unique
    # rows are ordered by the pseudonyms, so their order reveals nothing about the real ids
    assert out.equals(out.sort_values(["priority", "customer_id"], ignore_index=True))
    assert set(pseud) == set(actions.pseudonymise(sorted(ids), "key-one"))  # joinable with the key


def test_pipeline_export_step(sample, tmp_path, monkeypatch):
    from helpers import data, report
    from helpers.paths import SAMPLE_CONFIG

    ds, v = sample
    cfg = data.load_config(SAMPLE_CONFIG)
    monkeypatch.setenv(actions.KEY_ENV, "pipeline-key")
    skipped = [report.ReportResult("01_nps.ipynb", ok=True)]
    report._export_actions(cfg, tmp_path, skipped)
    assert not (tmp_path / report.ACTIONS_EXPORT).exists() and skipped[0].extra == {}
    # what the notebook does when the pipeline gives it export_path
    actions.export_customer_actions(ds, tmp_path / report.ACTIONS_EXPORT, view=v)
    r = report.ReportResult("04_customer_actions.ipynb", ok=True)
    report._export_actions(cfg, tmp_path, [r])
    assert r.ok and r.extra == {"export": "customer_actions.csv", "pseudonymised": True}
    same = actions.export_actions(v, tmp_path / "direct.csv", key="pipeline-key")
    assert (tmp_path / "customer_actions.csv").read_text() == same.read_text()

    failed = report.ReportResult("04_customer_actions.ipynb", ok=True)  # ran, but wrote no file
    (tmp_path / "f").mkdir()
    report._export_actions(cfg, tmp_path / "f", [failed])
    assert not failed.ok and "customer_actions.csv not written" in failed.error


def test_view_reads_its_config_sections(sample, tmp_path):
    import dataclasses
    import warnings

    ds, _ = sample
    (tmp_path / "pb.yml").write_text(
        "- {id: vip, priority: 1, action: call, owner: a, reason: r, when: {value_level: high}}\n"
        "- {id: rest, priority: 9, action: mail, owner: b, reason: r, when: {}}\n")
    cfg = {**ds.config, "config_path": tmp_path / "c.yml",
           "actions": {"value_split": 100, "playbook": "pb.yml"},
           "relationship": {"n_boot": 0}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        v = actions.customer_view(dataclasses.replace(ds, config=cfg))
        for section in ("relationship", "lifecycle", "actions"):
            bad = {**cfg, section: {**cfg[section], "not_a_keyword": 1}}
            with pytest.raises(ValueError, match=rf"'{section}': unknown setting\(s\) \['not_a_keyword'\]"):
                actions.customer_view(dataclasses.replace(ds, config=bad))
    assert v["clv_lower"].isna().all()  # n_boot = 0 reached customer_relationships
    assert ((v["value_level"] == "high") == (v["clv"] >= 100)).all()
    assert ((v["rule"] == "vip") == (v["value_level"] == "high")).all() and set(v["rule"]) == {"vip", "rest"}
    assert v.attrs["playbook"] == str(tmp_path / "pb.yml")


@pytest.mark.slow
def test_report_writes_csv_headline_and_escapes_names(sample, tmp_path):
    from helpers import report

    _, v = sample
    nb = report.NOTEBOOKS_DIR / "04_customer_actions.ipynb"
    # Lengthen the call list so that the sample's customer named <script>alert("x")</script> Smith
    # is in the report.
    ranked = actions.call_list(v, len(v))
    script_ids = v.index[v["name"].astype(str).str.contains("<script>", regex=False)]
    assert len(script_ids) == 1
    rank = int(np.flatnonzero(ranked["customer_id"].to_numpy() == script_ids[0])[0])
    r = report.run_all(notebooks=[nb], out_dir=tmp_path, jobs=1, pdf=False,
                       parameters={nb.name: {"top_n": rank + 1}})[0]
    assert r.ok, r.error
    csv = pd.read_csv(tmp_path / "customer_actions.csv", dtype={"customer_id": str})
    assert csv["customer_id"].is_unique and set(csv["customer_id"]) == set(v.index)
    page = (tmp_path / r.html).read_text(encoding="utf-8")
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page  # shown, escaped
    assert actions.call_list(v, 15)["name"].iloc[0] in page  # names are shown
    for label in actions.value_at_stake(v)["label"].head(3):
        assert label in r.headline
    assert 'href="customer_actions.csv"' in (tmp_path / "index.html").read_text()


def test_value_at_stake_uses_the_interval_of_each_sum(sample):
    _, v = sample
    stake = actions.value_at_stake(v).set_index("rule")
    exact = pd.DataFrame.from_dict(v.attrs["value_by_rule"], orient="index")
    buyers = v[v["clv"].notna()]
    # the estimate is the customers' sum; the range comes from the same draws summed per rule
    np.testing.assert_allclose(exact["estimate"], buyers.groupby("rule")["clv"].sum().reindex(exact.index))
    assert (stake.loc[exact.index, "interval"] == "bootstrap of the sum").all()
    np.testing.assert_allclose(stake.loc[exact.index, "value_lower"], exact["lower"])
    assert (stake["value_lower"] <= stake["value"] + 1e-9).all()
    assert (stake["value"] <= stake["value_upper"] + 1e-9).all()
    # summing each customer's own bounds gives a wider range than the interval of the sum
    summed = buyers.groupby("rule")[["clv_lower", "clv_upper"]].sum().reindex(exact.index)
    assert ((summed["clv_upper"] - summed["clv_lower"]) >= (exact["upper"] - exact["lower"]) - 1e-9).all()
    assert set(stake["interval"]) <= {"bootstrap of the sum", "no predicted value"}
    plain = actions.value_at_stake(v, by="relationship_group")
    assert (plain["interval"] == "sum of customer bounds").all()
