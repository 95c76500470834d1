"""The relationship groups hold on real data: the default loyalty axis checked on the holdout of the
bundled sample (cut 2025-06-30) and of both CDNOW files (cut 1997-09-30, holdout to 1998-06-30).

Measured (``benchmarks/bench_groups.py``): AUC of the default axis for "bought after the cut"
0.919 / 0.779 / 0.769 against frequency alone 0.763 / 0.758 / 0.753; groups between 22% and 28%;
True Friends and Barnacles active after the cut 68% / 69% (sample), 51% / 38% (CDNOW 1/10),
51% / 39% (CDNOW full) against Butterflies and Strangers 6% / 3%, 14% / 12%, 15% / 14%.
"""

import warnings
from pathlib import Path

import pandas as pd
import pytest

from helpers.narrative import relationship as nr
from helpers.relationship import holdout_validity

DATA = Path(__file__).parents[1] / "data"


def cdnow(name):
    """CDNOW transactions (customer id, date, dollar value; profit = 30% of the value)."""
    if name == "CDNOW_master.txt":
        raw = pd.read_csv(DATA / name, sep=r"\s+", dtype={"date": str, "customer_id": str})
        raw = raw.rename(columns={"customer_id": "cid", "dollar_value": "dollars"})
    else:
        raw = pd.read_csv(DATA / name, sep=r"\s+", header=None, dtype={"date": str, "cid": str},
                          names=["cid", "sid", "date", "n", "dollars"])
    tx = pd.DataFrame({"customer_id": raw["cid"], "order_date": pd.to_datetime(raw["date"], format="%Y%m%d"),
                       "amount": raw["dollars"].astype(float)})
    tx["profit"] = tx["amount"] * 0.30
    return tx


def check(tx, cut, end=None):
    with warnings.catch_warnings():  # CDNOW has one repeat buyer with a zero mean order (Gamma-Gamma says so)
        warnings.filterwarnings("ignore", "Gamma-Gamma: 1 repeat customer", UserWarning)
        return holdout_validity(tx, cut, end)


def assert_accepted(v, min_auc):
    rel = v.relationships
    loyalty = rel.settings["loyalty"]
    assert loyalty == "purchases_ahead"
    m = v.measures
    assert m.loc[loyalty, "auc"] >= min_auc
    assert m.loc[loyalty, "auc"] > m.loc["frequency", "auc"]
    g = v.groups
    assert g["share"].between(0.03, 0.45).all(), g["share"]
    assert v.held
    a = g["active_share"]
    assert min(a["True Friends"], a["Barnacles"]) > max(a["Butterflies"], a["Strangers"])
    assert rel.settings["at_bound"] <= 0.20 and m.loc[loyalty, "bound_share"] <= 0.20
    assert not rel.settings["extrapolation"]
    # no block of tied customers decides a split: at most 2% sit exactly on each line
    assert rel.settings["splits"]["loyalty_tied"] <= 0.02 and rel.settings["splits"]["profit_tied"] <= 0.02
    assert nr.quadrant_held(g, cut=v.settings["cut"], observation_end=v.settings["observation_end"]
                            ).startswith("**The quadrant held.**")


def test_sample_groups_hold(sample):
    v = check(sample.transactions, "2025-06-30")
    assert_accepted(v, 0.90)
    assert v.measures.loc["purchases_ahead", "auc"] == pytest.approx(0.919, abs=0.003)


def test_cdnow_tenth_groups_hold():
    v = check(cdnow("CDNOW_sample.txt"), "1997-09-30", "1998-06-30")
    assert_accepted(v, 0.76)
    assert v.measures.loc["purchases_ahead", "auc"] == pytest.approx(0.779, abs=0.003)


def test_cdnow_full_groups_hold():
    v = check(cdnow("CDNOW_master.txt"), "1997-09-30", "1998-06-30")
    assert len(v.outcome) == 23_570
    assert_accepted(v, 0.76)
    assert v.measures.loc["purchases_ahead", "auc"] == pytest.approx(0.769, abs=0.003)
