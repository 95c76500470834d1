"""Tests for helpers.lifecycle.view: customer_lifecycle (the joined per-customer seam) and
stage_summary, and the planted churners of the bundled sample.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from hypothesis import given

from helpers import frameworks
from helpers import lifecycle as lc
from tests.lifecycle.common import SCORE_NOTE, TH, make_tx


# ---------------------------------------------------------------------------------------------------
# customer_lifecycle and stage_summary
# ---------------------------------------------------------------------------------------------------
@pytest.fixture
def joined_inputs():
    # as of 2024-06-30 with TH (new 30, active 30, lapse 90); worked out by hand:
    #   a: 01-01, 06-20 (gap 171 > 90, back 10 days ago)   -> reactivated; promoter -> advocate
    #   b: 06-25 only (5 days ago)                          -> new; its 9 is given after as_of
    #   c: 2023-05-01, 2024-02-01, refund 03-01 (150 days)  -> lapsed; repeat; not in customers
    #   d: 05-01, 05-20, 06-10 twice (20 days, 3 days)      -> active; client (score 7)
    #   e: 04-15 only (76 days)                             -> at risk; 2 referrals but 1 purchase
    #   f: buys only after as_of -> absent; p: signed up, never bought -> prospect;
    #   q: signs up after as_of -> absent
    tx = make_tx(
        [
            ("a", "2024-01-01", 10, "O01"), ("a", "2024-06-20", 12, "O02"),
            ("b", "2024-06-25", 9, "O03"),
            ("c", "2023-05-01", 100, "O04"), ("c", "2024-02-01", 30, "O05"),
            ("c", "2024-03-01", -5, "O06"),
            ("d", "2024-05-01", 20, "O07"), ("d", "2024-05-20", 20, "O08"),
            ("d", "2024-06-10", 15, "O09"), ("d", "2024-06-10", 15, "O10"),
            ("e", "2024-04-15", 40, "O11"),
            ("f", "2024-07-05", 50, "O12"),
        ],
        columns=["order_id"],
    )
    tx["profit"] = tx["amount"] / 2
    customers = pd.DataFrame({
        "customer_id": ["a", "b", "d", "e", "p", "q"],
        "signup_date": pd.to_datetime(["2023-12-01", "2024-06-01", "2024-04-01", "2024-04-01",
                                       "2024-03-01", "2024-07-15"]),
        "referrals": pd.array([0, 0, 0, 2, 0, 0], dtype="Int64"),
    })
    survey = pd.DataFrame({
        "customer_id": ["a", "b", "d"],
        "score": pd.array([10, 9, 7], dtype="Int64"),
        "response_date": pd.to_datetime(["2024-05-01", "2024-07-10", "2024-06-01"]),
    })
    return tx, customers, survey


JOINED_COLUMNS = ["stage", "ladder_step", "rfm_segment", "R", "F", "M", "RFM", "first_purchase",
                  "last_purchase", "days_since_last", "n_orders", "n_purchase_days", "revenue",
                  "profit", "revenue_12m", "promoter", "referrals"]


def test_customer_lifecycle_hand_example(joined_inputs):
    tx, customers, survey = joined_inputs
    with pytest.warns(UserWarning, match="F score: only 3 distinct"):
        view = lc.customer_lifecycle(tx, "2024-06-30", customers, survey, thresholds=TH)
    # one row per known customer, each exactly once, sorted; f and q are not known on the date
    assert view.index.tolist() == ["a", "b", "c", "d", "e", "p"]
    assert view.index.is_unique and view.index.name == "customer_id"
    assert view.columns.tolist() == JOINED_COLUMNS
    assert view.attrs["thresholds"] == TH
    assert view.attrs["observation_end"] == pd.Timestamp("2024-06-30")
    assert view.attrs["observation_end"] == pd.Timestamp("2024-06-30")
    col = lambda name: view[name].astype(object).where(view[name].notna(), None).to_dict()
    assert col("stage") == {"a": "reactivated", "b": "new", "c": "lapsed", "d": "active",
                            "e": "at risk", "p": "prospect"}
    assert col("ladder_step") == {"a": "advocate", "b": "first-time customer",
                                  "c": "repeat customer", "d": "client",
                                  "e": "first-time customer", "p": "prospect"}
    # R from days since last purchase (a 10, b 5, c 150, d 20, e 76): b5 a4 d3 e2 c1.
    # F from repeat days (a 1, b 0, c 1, d 2, e 0): three values spread to 1, 3, 5.
    # M from revenue (a 22, b 9, c 125, d 70, e 40): b1 a2 e3 d4 c5.
    assert col("RFM") == {"a": "432", "b": "511", "c": "135", "d": "354", "e": "213", "p": None}
    assert col("rfm_segment") == {"a": "Potential Loyalists", "b": "New Customers",
                                  "c": "At Risk", "d": "Loyal Customers", "e": "Hibernating",
                                  "p": None}
    for axis in "RFM":
        assert str(view[axis].dtype) == "Int64"
    assert pd.isna(view.loc["p", "R"])
    assert col("days_since_last") == {"a": 10, "b": 5, "c": 150, "d": 20, "e": 76, "p": None}
    assert view["n_orders"].to_dict() == {"a": 2, "b": 1, "c": 2, "d": 4, "e": 1, "p": 0}
    assert view["n_purchase_days"].to_dict() == {"a": 2, "b": 1, "c": 2, "d": 3, "e": 1, "p": 0}
    assert view["revenue"].to_dict() == {"a": 22, "b": 9, "c": 125, "d": 70, "e": 40, "p": 0}
    assert view["profit"].to_dict() == {"a": 11, "b": 4.5, "c": 62.5, "d": 35, "e": 20, "p": 0}
    # 365 days up to 2024-06-30 start on 2023-07-02: c's 2023-05-01 purchase falls outside
    assert view["revenue_12m"].to_dict() == {"a": 22, "b": 9, "c": 25, "d": 70, "e": 40, "p": 0}
    assert view.loc["c", "first_purchase"] == pd.Timestamp("2023-05-01")
    assert view.loc["c", "last_purchase"] == pd.Timestamp("2024-02-01")  # the refund is no visit
    assert pd.isna(view.loc["p", "first_purchase"])
    assert view["promoter"].to_dict() == {"a": True, "b": False, "c": False, "d": False,
                                          "e": False, "p": False}
    assert view["referrals"].to_dict() == {"a": 0, "b": 0, "c": 0, "d": 0, "e": 2, "p": 0}


def test_customer_lifecycle_without_customers_or_profit(joined_inputs):
    tx, _, _ = joined_inputs
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", SCORE_NOTE, UserWarning)
        view = lc.customer_lifecycle(tx.drop(columns=["profit"]), "2024-06-30", thresholds=TH)
    # only buyers up to the date; no prospects, profit unknown, nobody promoted or referring
    assert view.index.tolist() == ["a", "b", "c", "d", "e"]
    assert view.columns.tolist() == JOINED_COLUMNS
    assert view["profit"].isna().all()
    assert "profit" not in lc.stage_summary(view).columns  # unknown, not 0
    assert not view["promoter"].any() and (view["referrals"] == 0).all()
    assert view.loc["a", "ladder_step"] == "repeat customer"
    with pytest.raises(ValueError, match="lack column"):
        lc.customer_lifecycle(tx.drop(columns=["amount"]), "2024-06-30", thresholds=TH)


def test_stage_summary_hand_example(joined_inputs):
    tx, customers, survey = joined_inputs
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", SCORE_NOTE, UserWarning)
        view = lc.customer_lifecycle(tx, "2024-06-30", customers, survey, thresholds=TH)
    s = lc.stage_summary(view)
    assert s.index.tolist() == list(lc.STAGES)  # every stage, in order, one customer each here
    assert (s["customers"] == 1).all() and s["customer_share"].tolist() == [1 / 6] * 6
    # revenue total 266: at risk = e's 40; last 12 months total 166: lapsed = c's 25
    assert s.loc["at risk", "revenue_share"] == pytest.approx(40 / 266)
    assert s.loc["lapsed", "revenue_12m"] == 25
    assert s.loc["lapsed", "revenue_12m_share"] == pytest.approx(25 / 166)
    assert s.loc["active", "profit"] == 35
    assert s.loc["at risk", "actions"] == frameworks.LIFECYCLE_STAGES[4]["actions"]

    seg = lc.stage_summary(view, by="rfm_segment")
    assert seg.attrs["n_missing"] == 1  # the prospect has no segment
    assert seg["customers"].sum() == 5 and len(seg) == len(frameworks.RFM_SEGMENTS)
    assert seg.loc["Champions", "customers"] == 0
    assert seg.loc["At Risk", "revenue"] == 125
    assert seg.loc["At Risk", "revenue_share"] == pytest.approx(125 / 266)

    rungs = lc.stage_summary(view, by="ladder_step")
    assert rungs["customers"].to_dict() == {"prospect": 1, "first-time customer": 2,
                                            "repeat customer": 1, "client": 1, "advocate": 1}


def test_stage_summary_custom_rules_and_plain_columns():
    rules = [{"name": "Top", "r": (4, 5), "f": (1, 5), "m": (1, 5), "precedence": 1,
              "definition": "recent", "actions": "thank them"},
             {"name": "Rest", "r": (1, 3), "f": (1, 5), "m": (1, 5), "precedence": 2}]
    view = pd.DataFrame({"rfm_segment": pd.Categorical(["Rest", "Rest", None],
                                                       categories=["Top", "Rest"]),
                         "revenue": [5.0, 15.0, 0.0]})
    s = lc.stage_summary(view, by="rfm_segment", rules=rules)
    # only the configured segments, none of the default names
    assert s.index.tolist() == ["Top", "Rest"]
    assert s["customers"].tolist() == [0, 2] and s.attrs["n_missing"] == 1
    assert s.loc["Top", "actions"] == "thank them" and s.loc["Rest", "actions"] == ""
    # a plain (non-categorical) stage column: the framework's order, unknown labels last
    plain = pd.DataFrame({"stage": ["lapsed", "new", "paused"], "revenue": [1.0, 2.0, 3.0]})
    t = lc.stage_summary(plain)
    assert t.index.tolist() == [*lc.STAGES, "paused"]
    assert t.loc["paused", "definition"] == ""


def test_stage_summary_bad_input():
    with pytest.raises(TypeError, match="DataFrame"):
        lc.stage_summary([1, 2])
    with pytest.raises(ValueError, match="by="):
        lc.stage_summary(pd.DataFrame({"stage": ["new"], "revenue": [1.0]}), by="region")
    with pytest.raises(ValueError, match="revenue"):
        lc.stage_summary(pd.DataFrame({"stage": ["new"]}))


# ---------------------------------------------------------------------------------------------------
# The bundled sample: the planted churners end up at risk or lapsed
# ---------------------------------------------------------------------------------------------------
def test_sample_churners_are_at_risk_or_lapsed(sample):
    from helpers.paths import DATA_DIR

    ds = sample
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", SCORE_NOTE, UserWarning)  # the F-score tie note
        view = lc.customer_lifecycle(ds.transactions, ds.observation_end, ds.customers, ds.survey)
    truth = pd.read_csv(DATA_DIR / "sample" / "truth.csv", dtype={"customer_id": str})
    truth = truth.set_index("customer_id")
    buyers = view[view["stage"] != "prospect"].join(truth["churned"], how="left")
    assert buyers["churned"].notna().all()
    churned = buyers[buyers["churned"].astype(bool)]
    kept = buyers[~buyers["churned"].astype(bool)]
    # Measured on the sample (2025-12-31, windows 45 / 121 days from the data): 2,591 of 2,657
    # churners (97.5%) are at risk or lapsed; the rest died within the last active window and
    # cannot look gone yet. Of the 1,843 buyers still alive, 212 (11.5%) look lapsed (slow buyers
    # in a long gap). The bounds leave about 7 points of room for a regenerated sample, and fail if
    # the stages stop separating the two (e.g. everybody lapsed, or nobody).
    assert len(churned) > 1000 and len(kept) > 1000
    assert churned["stage"].isin(["at risk", "lapsed"]).mean() >= 0.90
    assert (kept["stage"] == "lapsed").mean() <= 0.20
    assert (churned["stage"] == "lapsed").mean() >= 0.75
