"""helpers.actions.playbook: every rule of the sample playbook, precedence and validation."""

import pandas as pd
import pytest

from helpers import actions


def facts(**cols):
    base = {"nps_class": None, "lifecycle_stage": "active", "ladder_step": "repeat customer",
            "rfm_segment": None, "relationship_group": None, "buyer_type": "value buyer",
            "value_level": "low", "fresh_answer": False, "clears_winback": False, "borderline": False}
    base.update(cols)
    return pd.DataFrame([base], index=["c"])


PLAYBOOK_CASES = [
    ({"nps_class": "detractor", "fresh_answer": True, "relationship_group": "True Friends"},
     "save-true-friend-detractor"),
    # an old answer gets no 48-hour action: the customer falls through to the rules below
    ({"nps_class": "detractor", "relationship_group": "True Friends"}, "reward-true-friend"),
    ({"lifecycle_stage": "at risk", "value_level": "high", "clears_winback": True,
      "relationship_group": "True Friends"}, "win-back-high-value-at-risk"),
    # Butterflies are not won back (Reinartz & Kumar: stop investing as soon as they go quiet)
    ({"lifecycle_stage": "at risk", "value_level": "high", "clears_winback": True,
      "relationship_group": "Butterflies"}, "standard"),
    ({"nps_class": "detractor", "fresh_answer": True, "relationship_group": "Strangers"},
     "close-the-loop-detractor"),
    ({"nps_class": "detractor", "relationship_group": "Strangers"}, "strangers-self-service"),
    ({"relationship_group": "True Friends", "lifecycle_stage": "lapsed", "clears_winback": True},
     "win-back-lapsed-true-friend"),
    # below the win-back threshold nobody is won back, a True Friend neither
    ({"relationship_group": "True Friends", "lifecycle_stage": "lapsed"}, "let-lapsed-go"),
    ({"relationship_group": "Butterflies", "lifecycle_stage": "active"}, "harvest-butterfly"),
    ({"nps_class": "promoter", "ladder_step": "client", "relationship_group": "Barnacles"},
     "referral-from-promoter"),
    # a lapsed promoter is not asked for a referral
    ({"nps_class": "promoter", "ladder_step": "client", "relationship_group": "Barnacles",
      "lifecycle_stage": "lapsed"}, "let-lapsed-go"),
    ({"relationship_group": "True Friends", "nps_class": "passive"}, "reward-true-friend"),
    ({"relationship_group": "Barnacles"}, "check-barnacle-wallet"),
    ({"lifecycle_stage": "new", "ladder_step": "first-time customer"}, "second-purchase-for-new"),
    ({"lifecycle_stage": "lapsed"}, "let-lapsed-go"),
    ({"lifecycle_stage": "lapsed", "relationship_group": "Barnacles"}, "let-lapsed-go"),
    ({"lifecycle_stage": "lapsed", "relationship_group": "Barnacles", "clears_winback": True},
     "reactivate-lapsed-barnacle"),
    ({"lifecycle_stage": "lapsed", "relationship_group": "Strangers", "clears_winback": True},
     "let-lapsed-go"),
    ({"lifecycle_stage": "prospect", "ladder_step": "prospect"}, "convert-prospect"),
    ({"relationship_group": "Strangers"}, "strangers-self-service"),
    # a borderline group gets no confident group strategy: the rules without a group still apply
    ({"relationship_group": "Butterflies", "borderline": True}, "borderline-group"),
    ({"relationship_group": "True Friends", "lifecycle_stage": "lapsed", "borderline": True}, "let-lapsed-go"),
    ({"nps_class": "detractor", "fresh_answer": True, "relationship_group": "True Friends",
      "borderline": True}, "close-the-loop-detractor"),
    ({"lifecycle_stage": "new", "relationship_group": "Strangers", "borderline": True},
     "second-purchase-for-new"),
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
    rules = [{"id": "b", "priority": 1, "action": "B", "owner": "", "reason": "", "when": {}, "contact": "none",
              "kind": "hold"},
             {"id": "a", "priority": 1, "action": "A", "owner": "", "reason": "", "when": {}, "contact": "none",
              "kind": "hold"}]
    assert actions.apply_playbook(facts(), rules).loc["c", "rule"] == "b"


def test_customer_without_survey_or_purchase_gets_an_action(playbook):
    f = facts(nps_class=None, lifecycle_stage="prospect", ladder_step="prospect", relationship_group=None,
              buyer_type=None, value_level=None)
    assert actions.apply_playbook(f, playbook).loc["c", "rule"] == "convert-prospect"
    f2 = facts(nps_class=None, lifecycle_stage=None, ladder_step=None, buyer_type=None, value_level=None)
    assert actions.apply_playbook(f2, playbook).loc["c", "rule"] == "standard"


def test_playbook_validation(tmp_path):
    p = tmp_path / "p.yml"
    p.write_text("- {id: a, priority: 1, action: x, owner: y, reason: z, when: {nps_class: detractor}, "
                 "contact: none, kind: hold}\n")
    with pytest.raises(ValueError, match="catch-all"):
        actions.load_playbook(p)
    p.write_text("- {id: a, priority: 0, action: x, owner: y, reason: z, when: {}, contact: none, kind: hold}\n")
    with pytest.raises(ValueError, match="priority"):
        actions.load_playbook(p)
    p.write_text("- {id: a, priority: 1, action: x, when: {}}\n")
    with pytest.raises(ValueError, match="lacks"):
        actions.load_playbook(p)
    rule = "- {id: a, priority: 1, action: x, owner: y, reason: z, when: {}, "
    p.write_text(rule + "contact: loud, kind: hold}\n")
    with pytest.raises(ValueError, match="contact 'loud' is not one of"):
        actions.load_playbook(p)
    p.write_text(rule + "contact: none, kind: bribe}\n")
    with pytest.raises(ValueError, match="kind 'bribe' is not one of"):
        actions.load_playbook(p)
    p.write_text(rule + "contact: none, kind: hold, exception: {Aliens: because}}\n")
    with pytest.raises(ValueError, match="no relationship group or lifecycle stage"):
        actions.load_playbook(p)
    p.write_text(rule + "contact: none, kind: hold, exception: {Strangers: ''}}\n")
    with pytest.raises(ValueError, match="needs its reason"):
        actions.load_playbook(p)


def test_every_playbook_rule_has_a_case(playbook):
    assert sorted(set(rule for _, rule in PLAYBOOK_CASES)) == sorted(r["id"] for r in playbook)
