"""helpers.relationship: quadrants, split lines, durations, migration."""

import numpy as np
import pandas as pd
import pytest

from helpers.relationship import GROUPS, assign_groups, group_summary, migration, projected_duration


@pytest.fixture
def table():
    # one customer per quadrant, then one exactly on each split line (profit 5, p_alive 0.5)
    return pd.DataFrame({
        "profit": [1.0, 9.0, 1.0, 9.0, 5.0, 1.0],
        "p_alive": [0.1, 0.1, 0.9, 0.9, 0.1, 0.5],
    }, index=list("abcdef"))


def test_one_customer_per_quadrant_and_split_lines_go_up(table):
    out = assign_groups(table, profit_split=5, loyalty_split=0.5)
    assert out["group"].tolist() == ["Strangers", "Butterflies", "Barnacles", "True Friends",
                                     "Butterflies", "Barnacles"]
    assert out.attrs["splits"]["profit"] == 5 and out.attrs["splits"]["loyalty"] == 0.5
    assert list(out["group"].cat.categories) == GROUPS


def test_default_splits_are_medians(table):
    out = assign_groups(table)
    assert out.attrs["splits"]["profit"] == np.median(table["profit"])
    assert out.attrs["splits"]["loyalty"] == np.median(table["p_alive"])


def test_quantile_split(table):
    out = assign_groups(table, profit_split="q0.75")
    assert out.attrs["splits"]["profit"] == table["profit"].quantile(0.75)


def test_missing_values_get_no_group_with_warning(table):
    t = table.copy()
    t.loc["a", "p_alive"] = np.nan
    with pytest.warns(UserWarning, match="1 customers have no"):
        out = assign_groups(t, profit_split=5, loyalty_split=0.5)
    assert pd.isna(out.loc["a", "group"]) and out["group"].notna().sum() == 5


@pytest.mark.parametrize("kw, err", [({"profit": "nope"}, KeyError), ({"profit_split": "q2"}, ValueError),
                                     ({"loyalty_split": "high"}, ValueError)])
def test_bad_arguments(table, kw, err):
    with pytest.raises(err):
        assign_groups(table, **kw)


def test_collapsed_split_warns(table):
    with pytest.warns(UserWarning, match="collapse"):
        assign_groups(table, profit_split=-100)


class ExpModel:
    """P(alive) = exp(-(T - recency) / scale): a hand-checkable lifetime model."""

    def __init__(self, scale):
        self.scale = scale

    def p_alive(self, f):
        return np.exp(-(f["T"] - f["recency"]) / self.scale)


def test_projected_duration_matches_closed_form():
    # P(alive) < c  <=>  T + tau - recency > -scale * ln(c)  => tau* = -scale ln c - (T - recency)
    s = pd.DataFrame({"frequency": [1, 3, 2], "recency": [10.0, 20.0, 0.0], "T": [10.0, 25.0, 30.0]})
    out = projected_duration(ExpModel(20), s, cutoff=0.5, step=0.25, horizon=100)
    exact = np.maximum(-20 * np.log(0.5) - (s["T"] - s["recency"]), 0)
    # first grid point strictly past the exact crossing
    assert np.all(out["duration"] >= exact) and np.all(out["duration"] - exact <= 0.25)
    assert out["duration"].iloc[2] == 0  # already below the cut-off
    assert not out["censored"].any()


def test_projected_duration_censors_at_horizon():
    s = pd.DataFrame({"frequency": [1], "recency": [5.0], "T": [5.0]})
    out = projected_duration(ExpModel(1000), s, cutoff=0.5, horizon=10)
    assert out["duration"].iloc[0] == 10 and out["censored"].iloc[0]


def test_group_summary_shares(table):
    out = group_summary(assign_groups(table, profit_split=5, loyalty_split=0.5))
    assert out["customers"].sum() == 6
    assert out.loc["Butterflies", "profit"] == 14.0
    assert out["profit_share"].sum() == pytest.approx(1.0)
    assert out.loc["True Friends", "strategy"] == "Reward and nurture"


def test_migration_conserves_customers():
    before = pd.Series(["Strangers", "True Friends", "Barnacles", "True Friends"], index=list("abcd"))
    after = pd.Series(["Strangers", "Butterflies", "Barnacles", "True Friends", "Strangers"],
                      index=list("abcde"))
    counts, shares = migration(before, after)
    assert counts.values.sum() == 5
    assert counts.loc["True Friends", "Butterflies"] == 1 and counts.loc["(new)", "Strangers"] == 1
    assert np.allclose(shares.sum(axis=1), 1.0)
