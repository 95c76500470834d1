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
                                          "active_upper", "purchase_days", "purchase_days_lower",
                                          "purchase_days_upper", "spend", "spend_lower", "spend_upper"]
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


def test_cdnow_groups_purchase_days_and_spend_t_intervals(check, cdnow_tx):
    from scipy import stats
    d = cdnow_tx["order_date"]
    after = cdnow_tx[(d > "1997-09-30") & (d <= "1998-06-30")]
    spend = after.groupby("customer_id")["amount"].sum()
    grp = check.relationships.table["group"]
    for g in ("Strangers", "True Friends"):
        ids = grp.index[grp == g]
        y = spend.reindex(ids).fillna(0.0).to_numpy()
        lo, hi = stats.t.interval(0.95, len(y) - 1, loc=y.mean(), scale=stats.sem(y))
        row = check.groups.loc[g]
        assert (row["spend"], row["spend_lower"], row["spend_upper"]) == pytest.approx((y.mean(), lo, hi))
    assert check.outcome["spend"].sum() == pytest.approx(after["amount"].sum())
    p = check.profit
    want = stats.spearmanr(check.relationships.table["profit_per_order"], check.outcome["spend"])
    assert p["measure"] == "profit_per_order" and p["spearman"] == pytest.approx(want.statistic)


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


def test_reusing_a_fit_as_of_the_cut_gives_the_same_check(check, cdnow_tx):
    from helpers.relationship import customer_relationships
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "heavy tie", UserWarning)
        at_cut = customer_relationships(cdnow_tx, "1997-09-30", n_boot=0)
        again = holdout_validity(cdnow_tx, "1997-09-30", "1998-06-30", relationships=at_cut)
    pd.testing.assert_frame_equal(again.measures, check.measures)
    pd.testing.assert_frame_equal(again.groups, check.groups)
    with pytest.raises(ValueError, match="not as of the cut"):
        holdout_validity(cdnow_tx, "1997-10-31", "1998-06-30", relationships=at_cut)
    with pytest.raises(ValueError, match="give either relationships or settings"):
        holdout_validity(cdnow_tx, "1997-09-30", relationships=at_cut, cutoff=0.4)
    with pytest.raises(TypeError, match="must come from customer_relationships"):
        holdout_validity(cdnow_tx, "1997-09-30", relationships=at_cut.table)


def test_model_check_against_the_fits_by_hand_and_with_a_reused_fit(cdnow_tx):
    from helpers import clv
    from helpers.relationship import customer_relationships, model_check
    cal, hold, length = clv.calibration_holdout(cdnow_tx, "1997-09-30", "1998-06-30")
    by_hand = {name: clv.holdout_table(cal, hold, fit(cal, time_unit="W"), length)
               for name, fit in (("pareto_nbd", clv.fit_pareto_nbd), ("bgnbd", clv.fit_bgnbd))}
    cal2, hold2, length2, checks = model_check(cdnow_tx, "1997-09-30", "1998-06-30")
    assert length2 == length == 39.0 and list(checks) == ["pareto_nbd", "bgnbd"]
    pd.testing.assert_frame_equal(cal2, cal)
    for name in by_hand:
        pd.testing.assert_frame_equal(checks[name], by_hand[name])
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "heavy tie", UserWarning)
        at_cut = customer_relationships(cdnow_tx, "1997-09-30", n_boot=0)
    reused = model_check(cdnow_tx, "1997-09-30", "1998-06-30", relationships=at_cut)[3]
    for name in by_hand:  # the Pareto/NBD fit of the relationships is the calibration fit
        pd.testing.assert_frame_equal(reused[name], by_hand[name], rtol=1e-10)
    with pytest.raises(ValueError, match="models must be among"):
        model_check(cdnow_tx, "1997-09-30", models=("weibull",))


def test_model_check_split_from_the_two_fits_equals_calibration_holdout(cdnow_tx):
    from helpers import clv
    from helpers.relationship import customer_relationships, model_check
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "heavy tie", UserWarning)
        at_cut = customer_relationships(cdnow_tx, "1997-09-30", n_boot=0)
        at_end = customer_relationships(cdnow_tx, "1998-06-30", n_boot=0)
    cal, hold, length = clv.calibration_holdout(cdnow_tx, "1997-09-30", "1998-06-30")
    cal2, hold2, length2, checks = model_check(cdnow_tx, "1997-09-30", "1998-06-30",
                                               relationships=at_cut, current=at_end)
    pd.testing.assert_frame_equal(cal2, cal)
    pd.testing.assert_series_equal(hold2, hold)
    assert hold2.attrs == hold.attrs and length2 == length
    by_hand = clv.holdout_table(cal, hold, clv.fit_bgnbd(cal, time_unit="W"), length)
    pd.testing.assert_frame_equal(checks["bgnbd"], by_hand)
    with pytest.raises(ValueError, match="not as of observation_end"):
        model_check(cdnow_tx, "1997-09-30", "1998-05-31", relationships=at_cut, current=at_end)
