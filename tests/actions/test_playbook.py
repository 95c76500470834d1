"""helpers.actions.playbook: every rule of the sample playbook, precedence and validation."""

import pandas as pd
import pytest

from helpers import actions


def facts(**cols):
    base = {"nps_class": None, "lifecycle_stage": "active", "ladder_step": "repeat customer",
            "rfm_segment": None, "relationship_group": None, "buyer_type": "value buyer",
            "value_level": "low", "fresh_answer": False}
    base.update(cols)
    return pd.DataFrame([base], index=["c"])


PLAYBOOK_CASES = [
    ({"nps_class": "detractor", "fresh_answer": True, "relationship_group": "True Friends"},
     "save-true-friend-detractor"),
    # an old answer gets no 48-hour action: the customer falls through to the rules below
    ({"nps_class": "detractor", "relationship_group": "True Friends"}, "reward-true-friend"),
    ({"lifecycle_stage": "at risk", "value_level": "high"}, "win-back-high-value-at-risk"),
    ({"nps_class": "detractor", "fresh_answer": True, "relationship_group": "Strangers"},
     "close-the-loop-detractor"),
    ({"nps_class": "detractor", "relationship_group": "Strangers"}, "strangers-self-service"),
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
    out = actions.apply_playbook(facts(nps_class="detractor", fresh_answer=True,
                                       relationship_group="True Friends"), playbook)
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


def test_every_playbook_rule_has_a_case(playbook):
    assert sorted(set(rule for _, rule in PLAYBOOK_CASES)) == sorted(r["id"] for r in playbook)
