"""Tests for helpers.lifecycle.transitions: stages on two dates, cross-tabulated."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from helpers import lifecycle as lc
from tests.lifecycle.common import TH, make_tx


def test_stage_transitions_hand_example_and_conservation(stage_tx):
    cust = pd.DataFrame({"customer_id": ["prospect"], "signup_date": pd.to_datetime(["2024-05-01"])})
    t = lc.stage_transitions(stage_tx, "2024-03-31", "2024-06-30", customers=cust, thresholds=TH)
    later = lc.lifecycle_stage(stage_tx, "2024-06-30", customers=cust, thresholds=TH)
    earlier = lc.lifecycle_stage(stage_tx, "2024-03-31", customers=cust, thresholds=TH)
    # every customer known at the later date is counted once
    assert t.counts.to_numpy().sum() == len(later)
    assert (t.counts.sum(axis=0) == later["stage"].value_counts().reindex(lc.STAGES)).all()
    row_totals = t.counts.sum(axis=1).drop(lc.NOT_YET_KNOWN)
    assert (row_totals == earlier["stage"].value_counts().reindex(lc.STAGES)).all()
    # by hand, as of 2024-03-31 -> 2024-06-30:
    #   new (first buys 06-10): not known -> new;  edge30 (first 04-01): not known -> active
    #   prospect (signed up 05-01): not known -> prospect
    #   active, atrisk, edge31 (first 03-01, 30 days before): new -> active / at risk / at risk
    #   react (2023-10-01, 182 days): lapsed -> reactivated
    #   lapsed (01-05, 86 days), refund (02-01, 59 days): at risk -> lapsed
    #   edge90 (02-01, 59 days): at risk -> at risk;  edge91 (bought 03-31): active -> lapsed
    nonzero = {(i, j): v for (i, j), v in t.counts.stack().items() if v}
    assert nonzero == {
        (lc.NOT_YET_KNOWN, "new"): 1, (lc.NOT_YET_KNOWN, "active"): 1,
        (lc.NOT_YET_KNOWN, "prospect"): 1, ("new", "active"): 1, ("new", "at risk"): 2,
        ("lapsed", "reactivated"): 1, ("at risk", "lapsed"): 2, ("at risk", "at risk"): 1,
        ("active", "lapsed"): 1,
    }
    shares = t.shares.dropna(how="all")
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)


def test_stage_transitions_small_exact_table():
    tx = make_tx([("a", "2024-01-01", 1), ("a", "2024-03-25", 1), ("b", "2024-03-20", 1),
                  ("c", "2024-01-10", 1)])
    th = {"new_window": 30, "active_window": 30, "lapse_window": 60}
    t = lc.stage_transitions(tx, "2024-01-15", "2024-03-31", thresholds=th)
    # a: new -> reactivated (gap 84 > 60, back 6 days ago); b: not yet known -> new;
    # c: new (5 days) -> lapsed (81 days since)
    nonzero = {(i, j): v for (i, j), v in t.counts.stack().items() if v}
    assert nonzero == {("new", "reactivated"): 1, (lc.NOT_YET_KNOWN, "new"): 1,
                       ("new", "lapsed"): 1}
    assert t.shares.loc["new", "lapsed"] == 0.5
    assert t.shares.loc["active"].isna().all()
    with pytest.raises(ValueError, match="before"):
        lc.stage_transitions(tx, "2024-03-31", "2024-01-15", thresholds=th)


def test_refund_only_note_is_given_once():
    # r has only a refund, before both dates: the note is given for the later snapshot only
    tx = make_tx([("a", "2024-01-01", 1), ("a", "2024-01-20", 1), ("r", "2024-01-05", -3)])
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        t = lc.stage_transitions(tx, "2024-02-01", "2024-03-01", thresholds=TH)
    notes = [str(w.message) for w in rec if "only refund rows" in str(w.message)]
    assert notes == ["1 customer(s) have only refund rows up to 2024-03-01; they are counted as "
                     "prospects (known, no purchase)"]
    assert t.counts.loc["prospect", "prospect"] == 1
