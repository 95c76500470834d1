"""helpers.actions.strategy: the playbook against the frameworks' strategies; the win-back threshold."""

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest

from helpers import actions, frameworks


def test_sample_playbook_agrees_with_every_strategy_it_reaches(sample_view):
    # the decisive check: a group's (03) or stage's (02) strategy and the actions 04 assigns agree,
    # except where the playbook states the exception and its reason
    _, v = sample_view
    conflicts = actions.strategy_conflicts(v)
    assert conflicts.empty, conflicts.to_string()


def test_no_proactive_contact_for_strangers_but_the_stated_exceptions(sample_view):
    _, v = sample_view
    strangers = v[v["relationship_group"] == "Strangers"]
    by_id = {r["id"]: r for r in v.attrs["rules"]}
    contact = strangers["rule"].map(lambda r: by_id[r]["contact"])
    excepted = strangers["rule"].map(lambda r: "Strangers" in (by_id[r].get("exception") or {}))
    assert (contact[~excepted] == "none").all()
    exc = actions.strategy_exceptions(v)
    got = exc[exc["segment"] == "Strangers"].set_index("rule")["customers"]
    assert got.to_dict() == strangers.loc[excepted, "rule"].value_counts().to_dict()
    assert got.sum() < 0.2 * len(strangers)


def test_winback_only_above_the_threshold(sample_view):
    _, v = sample_view
    by_id = {r["id"]: r for r in v.attrs["rules"]}
    kind = v["rule"].map(lambda r: by_id[r]["kind"])
    threshold = v.attrs["winback"]["threshold"]
    # the default: the median over buyers of profit per order, computed here independently
    buyers = v[v["n_orders"] > 0]
    assert threshold == pytest.approx(np.median(buyers["profit"].to_numpy() / buyers["n_orders"].to_numpy()))
    assert (v.loc[kind == "win-back", "clv"] >= threshold).all()
    lapsed = v[v["lifecycle_stage"] == "lapsed"]
    won_back = kind[lapsed.index] == "win-back"
    assert 0 < won_back.sum() < (lapsed["clv"] >= threshold).sum()  # selective: groups matter too
    # below it a lapsed customer is let go, unless a fresh complaint asks for a reply
    assert set(kind[lapsed.index[lapsed["clv"] < threshold]]) == {"hold", "follow-up"}


def _view(rule="a", group="Strangers", stage="active", clv=1.0):
    return pd.DataFrame({"rule": [rule], "relationship_group": [group], "lifecycle_stage": [stage],
                         "clv": [clv]})


def test_a_conflict_is_found_and_an_exception_lifts_it():
    rule = {"id": "a", "contact": "automated", "kind": "win-back"}
    c = actions.strategy_conflicts(_view(stage="lapsed"), [rule], winback_min=5.0)
    # Strangers allow neither automated contact nor win-back; lapsed allows win-back, but 1 < 5
    assert c[["segment", "allowed", "below_winback"]].values.tolist() == [["Strangers", False, 1],
                                                                          ["lapsed", True, 1]]
    rule["exception"] = {"Strangers": "a reason", "lapsed": "another"}
    assert actions.strategy_conflicts(_view(stage="lapsed"), [rule], winback_min=5.0).empty
    exc = actions.strategy_exceptions(_view(stage="lapsed"), [rule], winback_min=5.0)
    assert exc["exception"].tolist() == ["a reason", "another"]


def test_old_playbook_fails_the_check(sample_view):
    # the playbook before strategies were checked: every lapsed customer got the reactivation e-mail
    _, v = sample_view
    old = [dict(r) for r in v.attrs["rules"] if r["id"] not in ("let-lapsed-go", "reactivate-lapsed-barnacle")]
    old = [{k: x for k, x in r.items() if k != "exception"} for r in old]
    old.insert(-2, {"id": "reactivate-lapsed", "priority": 5, "action": "e-mail", "owner": "", "reason": "",
                    "when": {"lifecycle_stage": "lapsed"}, "contact": "automated", "kind": "win-back"})
    f = v.drop(columns=["rule", "action", "priority", "owner", "reason", "matched"])
    view = f.join(actions.apply_playbook(f, old))
    view.attrs = dict(v.attrs)
    c = actions.strategy_conflicts(view, old)
    strangers = c[(c["segment"] == "Strangers")].set_index("rule")
    assert {"reactivate-lapsed", "close-the-loop-detractor"} <= set(strangers.index)
    assert c.loc[c["rule"] == "reactivate-lapsed", "below_winback"].sum() > 1000


def test_every_strategy_names_known_levels_and_kinds():
    levels = {c["name"] for c in frameworks.CONTACT_LEVELS}
    kinds = {k["name"] for k in frameworks.ACTION_KINDS}
    for terms in (frameworks.RELATIONSHIP_GROUPS, frameworks.LIFECYCLE_STAGES):
        for t in terms:
            assert set(t["contact"]) <= levels and set(t["kinds"]) <= kinds, t["name"]
    strangers = next(g for g in frameworks.RELATIONSHIP_GROUPS if g["name"] == "Strangers")
    assert strangers["contact"] == ["none"]  # "no proactive contact" (03)


def test_winback_threshold_input():
    v = pd.DataFrame({"profit": [10.0, 30.0, 0.0], "n_orders": [1, 2, 0]})
    assert actions.winback_threshold(v)["threshold"] == 12.5  # median of 10 and 15
    assert actions.winback_threshold(v, 3)["threshold"] == 3.0
    with pytest.raises(ValueError, match="'order_profit' or an amount"):
        actions.winback_threshold(v, "lots")
    with pytest.raises(ValueError, match="'order_profit' or an amount"):
        actions.winback_threshold(v, True)


def test_winback_min_value_from_config(sample):
    ds = dataclasses.replace(sample, config={**sample.config, "actions": {"winback_min_value": 1000}})
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"\w score: .* share one value", category=UserWarning)
        v = actions.customer_view(ds)
    assert v.attrs["winback"] == {"rule": 1000, "threshold": 1000.0}
    assert v["clears_winback"].sum() == (v["clv"] >= 1000).sum()
    assert not v["rule"].isin(["win-back-lapsed-true-friend", "reactivate-lapsed-barnacle"]).any()


def test_transactions_only_run_agrees_with_every_strategy(tmp_path):
    from helpers.io import load_all
    from helpers.paths import SAMPLE_DIR

    cfg = tmp_path / "cfg.yml"
    cfg.write_text(f"name: Transactions only\ninputs:\n  transactions: {SAMPLE_DIR / 'transactions.csv'}\n")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"\w score: .* share one value", category=UserWarning)
        v = actions.customer_view(load_all(cfg))
    assert actions.strategy_conflicts(v).empty
    assert not v["fresh_answer"].any() and not v["rule"].str.contains("detractor").any()
    by_id = {r["id"]: r for r in v.attrs["rules"]}
    won = v[v["rule"].map(lambda r: by_id[r]["kind"]) == "win-back"]
    assert len(won) and (won["clv"] >= v.attrs["winback"]["threshold"]).all()
