"""Tests for helpers.lifecycle.thresholds: purchase gaps and the stage windows from their
quantiles."""

from __future__ import annotations

import warnings

import pytest

from helpers import lifecycle as lc
from tests.lifecycle.common import make_tx


def test_stage_thresholds_from_gap_quantiles():
    # gaps 10, 10, 10, 30 (customer a) and none for b. Linear quantiles of [10, 10, 10, 30]:
    # q75 at position 2.25 -> 10 + 0.25 * 20 = 15; q95 at 2.85 -> 10 + 0.85 * 20 = 27
    tx = make_tx([("a", "2024-01-01", 1), ("a", "2024-01-11", 1), ("a", "2024-01-21", 1),
                  ("a", "2024-01-31", 1), ("a", "2024-03-01", 1), ("b", "2024-01-01", 1)])
    with pytest.warns(UserWarning, match="only 4 gaps"):
        th = lc.stage_thresholds(tx)
    assert th == {"new_window": 15, "active_window": 15, "lapse_window": 27}
    assert lc.purchase_gaps(tx).tolist() == [10, 10, 10, 30]
    with pytest.warns(UserWarning):
        th2 = lc.stage_thresholds(tx, overrides={"lapse_window": 100})
    assert th2 == {"new_window": 15, "active_window": 15, "lapse_window": 100}
    # complete overrides need no data at all
    th3 = lc.stage_thresholds(tx.iloc[:1], overrides={"active_window": 20, "lapse_window": 60})
    assert th3 == {"new_window": 20, "active_window": 20, "lapse_window": 60}


def test_stage_thresholds_regular_gaps_bump_lapse():
    tx = make_tx([("a", f"2024-01-{d:02d}", 1) for d in (1, 8, 15, 22, 29)])
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        th = lc.stage_thresholds(tx)
    assert any("lapse_window set to active_window" in str(w.message) for w in rec)
    assert th == {"new_window": 7, "active_window": 7, "lapse_window": 8}


@pytest.mark.parametrize(
    "thresholds, match",
    [
        ({"active": 10}, "unknown threshold"),
        ({"active_window": -1, "lapse_window": 10}, "positive"),
        ({"active_window": 50, "lapse_window": 40}, "shorter than"),
        ({"new_window": 100, "active_window": 30, "lapse_window": 90}, "must not exceed"),
    ],
)
def test_bad_thresholds(stage_tx, thresholds, match):
    with pytest.raises(ValueError, match=match):
        lc.lifecycle_stage(stage_tx, "2024-06-30", thresholds=thresholds)


def test_stage_thresholds_without_repeat_buyers():
    tx = make_tx([("a", "2024-01-01", 1), ("b", "2024-01-05", 1)])
    with pytest.raises(ValueError, match="pass the windows"):
        lc.lifecycle_stage(tx, "2024-02-01")
    with pytest.raises(ValueError, match="active_quantile"):
        lc.stage_thresholds(tx, active_quantile=0.9, lapse_quantile=0.5)
