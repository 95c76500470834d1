"""helpers.relationship.validity: AUC by brute-force pair count, the holdout check on CDNOW."""

import itertools
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from helpers.relationship import VALIDITY_MEASURES, auc, holdout_validity

DATA = Path(__file__).parents[1] / "data" / "CDNOW_sample.txt"


def brute_auc(score, event):
    """Share of (event, no event) pairs in which the event customer scores higher; ties count 1/2."""
    pos = [s for s, e in zip(score, event) if e]
    neg = [s for s, e in zip(score, event) if not e]
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p, n in itertools.product(pos, neg))
    return wins / (len(pos) * len(neg))


@pytest.mark.parametrize("score, event", [
    ([1, 2, 3, 3], [False, False, True, False]),
    ([0.1, 0.4, 0.35, 0.8, 0.8, 0.2, 0.0], [0, 0, 1, 1, 0, 1, 0]),
    ([5, 5, 5, 5], [1, 0, 1, 0]),
    ([3, 2, 1], [0, 1, 1]),
])
def test_auc_equals_pair_count(score, event):
    assert auc(score, event) == pytest.approx(brute_auc(score, [bool(e) for e in event]))


def test_auc_random_against_pair_count():
    rng = np.random.default_rng(3)
    score = rng.integers(0, 6, 40).astype(float)  # many ties
    event = rng.random(40) < 0.4
    assert auc(score, event) == pytest.approx(brute_auc(score, event))


def test_auc_one_class_and_bad_input():
    assert np.isnan(auc([1, 2], [True, True]))
    with pytest.raises(ValueError, match="same length"):
        auc([1, 2, 3], [True, False])


@pytest.fixture(scope="module")
def cdnow_tx():
    raw = pd.read_csv(DATA, sep=r"\s+", header=None, dtype={"date": str},
                      names=["cid", "sid", "date", "n", "dollars"])
    tx = pd.DataFrame({"customer_id": raw["sid"].astype(str),
                       "order_date": pd.to_datetime(raw["date"], format="%Y%m%d"),
                       "amount": raw["dollars"]})
    tx["profit"] = tx["amount"] * 0.3
    return tx


@pytest.fixture(scope="module")
def check(cdnow_tx):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "heavy tie", UserWarning)
        return holdout_validity(cdnow_tx, "1997-09-30", "1998-06-30")


def test_cdnow_table_shape(check):
    m = check.measures
    assert list(m.index) == list(VALIDITY_MEASURES)
    assert list(m.columns) == ["customers", "auc", "spearman", "spearman_p", "tied_share", "tied_value",
                               "bound_share"]
    assert (m["customers"] == 2357).all()
    assert m["auc"].between(0, 1).all() and m["tied_share"].between(0, 1).all()
    assert list(check.groups.columns) == ["customers", "share", "active_share", "active_lower",
                                          "active_upper"]
    assert check.groups["customers"].sum() == 2357
    assert check.settings["holdout_days"] == 273 and check.settings["holdout"] == 39.0


def test_cdnow_outcome_by_hand(check, cdnow_tx):
    d = cdnow_tx["order_date"]
    after = cdnow_tx[(d > "1997-09-30") & (d <= "1998-06-30")]
    days = after.groupby("customer_id")["order_date"].nunique()
    assert check.outcome["purchase_days"].sum() == days.sum()
    assert check.outcome["bought"].sum() == len(days)
    # the frequency row against the pair count, from the raw data
    before = cdnow_tx[d <= "1997-09-30"]
    freq = before.groupby("customer_id")["order_date"].nunique() - 1
    bought = freq.index.isin(days.index)
    assert check.measures.loc["frequency", "auc"] == pytest.approx(auc(freq, bought))
    assert check.measures.loc["frequency", "tied_share"] == pytest.approx((freq == 0).mean())


def test_cdnow_groups_wilson(check):
    g = check.groups
    active = check.outcome.assign(group=check.relationships.table["group"]).groupby("group")["bought"]
    n, k = active.size(), active.sum()
    lo, hi = proportion_confint(k["True Friends"], n["True Friends"], method="wilson")
    assert g.loc["True Friends", "active_share"] == pytest.approx(k["True Friends"] / n["True Friends"])
    assert (g.loc["True Friends", "active_lower"], g.loc["True Friends", "active_upper"]) == \
        pytest.approx((lo, hi))


def test_cdnow_expected_purchases_beats_frequency(check):
    m = check.measures
    assert m.loc["expected_purchases", "auc"] > m.loc["frequency", "auc"]
    assert m.loc["expected_purchases", "auc"] == pytest.approx(0.779, abs=0.002)
    assert m.loc["frequency", "auc"] == pytest.approx(0.758, abs=0.002)


def test_bad_input(cdnow_tx):
    with pytest.raises(ValueError, match="measures must be among"):
        holdout_validity(cdnow_tx, "1997-09-30", measures=["clv"])
    with pytest.raises(ValueError, match="must be before observation_end"):
        holdout_validity(cdnow_tx, "1998-09-30", "1998-06-30")
    with pytest.raises(ValueError, match="n_boot is always 0"):
        holdout_validity(cdnow_tx, "1997-09-30", n_boot=10)
    with pytest.raises(ValueError, match="no purchase up to the cut"):
        holdout_validity(cdnow_tx, "1990-01-01")
