"""helpers.actions: rule matching, buyer types, playbook resolution, pseudonymised export."""

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


@pytest.mark.parametrize("cols, rule", [
    ({"nps_class": "detractor", "relationship_group": "True Friends"}, "save-true-friend-detractor"),
    ({"lifecycle_stage": "at risk", "value_level": "high"}, "win-back-high-value-at-risk"),
    ({"nps_class": "detractor", "relationship_group": "Strangers"}, "close-the-loop-detractor"),
    ({"relationship_group": "Butterflies", "lifecycle_stage": "active"}, "harvest-butterfly"),
    ({"nps_class": "promoter", "ladder_step": "client"}, "referral-from-promoter"),
    ({"relationship_group": "True Friends", "nps_class": "passive"}, "reward-true-friend"),
    ({"relationship_group": "Barnacles"}, "check-barnacle-wallet"),
    ({"lifecycle_stage": "new", "ladder_step": "first-time customer"}, "second-purchase-for-new"),
    ({"lifecycle_stage": "lapsed"}, "reactivate-lapsed"),
    ({"lifecycle_stage": "prospect", "ladder_step": "prospect"}, "convert-prospect"),
    ({"relationship_group": "Strangers"}, "strangers-self-service"),
    ({}, "standard"),
])
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
    assert list(out.columns) == actions.EXPORT_COLUMNS
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
