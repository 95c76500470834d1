"""helpers.nps.items: further 0-10 questions beside the NPS question."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import rankdata

from helpers.nps import find_items, item_summary


def test_find_items_takes_whole_0_10_answers_with_enough_levels():
    sv = pd.DataFrame({"score": [9, 3, 10, 7, 8, 0, 5],
                       "ease": ["8", "2", "10 - Extremely easy", "7", "6", "0", ""],
                       "code": ["1", "2", "1", "2", "3", "1", "2"],       # too few levels
                       "spend": ["8", "2", "10", "7.5", "6", "0", "4"],   # not whole
                       "big": ["8", "2", "10", "70", "6", "0", "4"],      # outside 0..10
                       "customer_id": ["1", "2", "3", "4", "5", "6", "7"]})
    assert find_items(sv) == ["ease"]


def test_item_summary_against_a_hand_computation():
    rng = np.random.default_rng(3)
    score = rng.integers(0, 11, 60)
    ease = np.clip(score + rng.integers(-3, 4, 60), 0, 10).astype(float)
    ease[:5] = np.nan
    t = item_summary(pd.DataFrame({"score": score, "ease": ease}), ["ease"]).iloc[0]
    a = ease[~np.isnan(ease)]
    assert t["n"] == 55 and t["n_pairs"] == 55
    assert t["mean"] == pytest.approx(a.mean())
    assert t["top_box"] == pytest.approx((a >= 9).mean()) and t["bottom_box"] == pytest.approx((a <= 6).mean())
    assert t["net"] == pytest.approx(100 * ((a >= 9).mean() - (a <= 6).mean()))
    # Spearman = Pearson correlation of the ranks (average ranks for ties)
    expected = np.corrcoef(rankdata(a), rankdata(score[5:]))[0, 1]
    assert t["rho"] == pytest.approx(expected)


def test_item_summary_bad_input():
    sv = pd.DataFrame({"score": [1, 2, 3], "ease": [1, 12, 3]})
    with pytest.raises(ValueError, match="'ease' holds 1 answer"):
        item_summary(sv, ["ease"])
    with pytest.raises(ValueError, match="no survey column 'effort'"):
        item_summary(sv, ["effort"])
    assert item_summary(sv.drop(columns="ease")).empty
