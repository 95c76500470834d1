"""helpers.relationship.groups: quadrants, split lines, ties, group summary."""

import warnings

import numpy as np
import pandas as pd
import pytest

from helpers.relationship import GROUPS, assign_groups, group_summary


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
        out = assign_groups(t, profit_split=4, loyalty_split=0.4)
    assert pd.isna(out.loc["a", "group"]) and out["group"].notna().sum() == 5


@pytest.mark.parametrize("kw, err", [({"profit": "nope"}, KeyError), ({"profit_split": "q2"}, ValueError),
                                     ({"profit_split": "qx"}, ValueError),
                                     ({"loyalty_split": "high"}, ValueError)])
def test_bad_arguments(table, kw, err):
    with pytest.raises(err):
        assign_groups(table, **kw)


def test_collapsed_split_warns(table):
    with pytest.warns(UserWarning, match="collapse"):
        assign_groups(table, profit_split=-100, loyalty_split=0.4)


def test_heavy_tie_on_the_median_is_reported():
    # remaining duration 0 for most customers: the median is 0 and everyone is "long" (collapse)
    d = pd.DataFrame({"profit": [1.0, 2, 3, 4, 5, 6, 7], "duration": [0.0, 0, 0, 0, 0, 3, 8]})
    with pytest.warns(UserWarning, match=r"71% of customers have 'duration' exactly at the split "
                                         r"\(0\).*collapse"):
        out = assign_groups(d, loyalty="duration")
    assert (out["duration_level"] == "long").all()
    # a partial tie: 3 of 7 on the median line, so 6 of 7 (86%) end "long" instead of about half
    d["duration"] = [0.0, 1, 1, 1, 2, 3, 4]
    with pytest.warns(UserWarning, match=r"heavy tie on the duration split; 43% .* so 86% are 'long'"):
        out = assign_groups(d, loyalty="duration")
    assert (out["duration_level"] == "long").sum() == 6
    # no tie (the one value an odd median falls on is none), no warning
    d["duration"] = [0.0, 1, 2, 3, 4, 5, 6]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assign_groups(d, loyalty="duration")
        assign_groups(d, loyalty="duration", loyalty_split=3)


def test_group_summary_shares(table):
    out = group_summary(assign_groups(table, profit_split=5, loyalty_split=0.5))
    assert out["customers"].sum() == 6
    assert out.loc["Butterflies", "profit"] == 14.0
    assert out["profit_share"].sum() == pytest.approx(1.0)
    assert out.loc["True Friends", "strategy"] == "Reward and nurture"


def test_group_summary_value_and_interval(table):
    t = assign_groups(table, profit_split=4, loyalty_split=0.4).assign(clv=[1.0, 2, 3, 4, 5, 6])
    iv = pd.DataFrame({"lower": [0.5, 6, 8, 3], "upper": [2.0, 8, 10, 5]},
                      index=["Strangers", "Butterflies", "Barnacles", "True Friends"])
    out = group_summary(t, value="clv", interval=iv)
    # groups: a Strangers; b, e Butterflies; c, f Barnacles; d True Friends
    assert out["value"].tolist() == [1.0, 7.0, 9.0, 4.0]
    assert out["value_share"].sum() == pytest.approx(1.0)
    assert out.loc["Barnacles", "value_lower"] == 8 and out.loc["True Friends", "value_upper"] == 5
    with pytest.raises(ValueError, match="interval needs value"):
        group_summary(t, interval=iv)
    with pytest.raises(ValueError, match="lacks column"):
        group_summary(t, value="clv", interval=iv[["lower"]])


# ---------------------------------------------------------------------------------------------------
# Group probabilities from parameter draws
# ---------------------------------------------------------------------------------------------------
def test_group_probabilities_against_simulated_normal_draws():
    """Loyalty draws N(m_i, sd_i) around a fixed line at 0: P(long) = Phi(m_i / sd_i) exactly; with
    realised profit fixed the group probability is that share on the customer's profit side."""
    from scipy import stats

    from helpers.relationship import group_probabilities
    rng = np.random.default_rng(11)
    m = np.array([-2.0, -0.3, 0.0, 0.4, 1.5, 3.0])
    sd = np.array([1.0, 1.0, 0.5, 1.0, 2.0, 1.0])
    profit = np.array([1.0, 9.0, 1.0, 9.0, 1.0, 9.0])
    k = 20_000
    draws = m[:, None] + sd[:, None] * rng.standard_normal((len(m), k))
    got = group_probabilities(profit, draws, profit_split=5, loyalty_split=0.0)
    p_long = stats.norm.cdf(m / sd)
    high = profit >= 5
    want = np.zeros((len(m), 4))
    want[:, 0] = np.where(~high, 1 - p_long, 0)   # Strangers
    want[:, 1] = np.where(high, 1 - p_long, 0)    # Butterflies
    want[:, 2] = np.where(~high, p_long, 0)       # Barnacles
    want[:, 3] = np.where(high, p_long, 0)        # True Friends
    se = np.sqrt(want * (1 - want) / k)
    assert list(got.columns) == GROUPS
    assert (np.abs(got.to_numpy() - want) <= 4 * se + 1e-12).all()


def test_group_probabilities_median_moves_with_the_draw():
    """A draw that scales every customer's measure leaves the median split's groups unchanged."""
    from helpers.relationship import group_probabilities
    loy = np.array([1.0, 2.0, 3.0, 4.0])[:, None] * np.array([0.5, 1.0, 3.0])[None, :]
    got = group_probabilities([1.0, 9.0, 1.0, 9.0], loy)
    assert got.to_numpy().max(axis=1).tolist() == [1.0] * 4
    assert got.idxmax(axis=1).tolist() == ["Strangers", "Butterflies", "Barnacles", "True Friends"]


def test_group_probabilities_count_each_draw_with_its_own_medians_and_missing_values():
    """Against a plain loop: per draw, drop the customers missing a value, split both axes at that
    draw's medians (upper side on the line) and count the group."""
    from helpers.relationship import group_probabilities
    rng = np.random.default_rng(5)
    n, k = 300, 40
    profit = rng.gamma(2, 3, (n, k))
    loyalty = rng.gamma(1, 1, (n, k)).astype(np.float32)
    profit[rng.random((n, k)) < 0.05] = np.nan
    loyalty[rng.random((n, k)) < 0.05] = np.nan
    want = np.zeros((n, 4))
    for j in range(k):
        p, lo = profit[:, j], loyalty[:, j].astype(float)
        ok = np.isfinite(p) & np.isfinite(lo)
        ps, ls = np.median(p[ok]), np.median(lo[ok])
        for i in np.flatnonzero(ok):
            want[i, 2 * (lo[i] >= ls) + (p[i] >= ps)] += 1
    want /= want.sum(axis=1, keepdims=True)
    np.testing.assert_array_equal(group_probabilities(profit, loyalty).to_numpy(), want)


def test_group_probabilities_on_shared_rows_equal_the_rows_spread_out():
    from helpers.relationship import group_probabilities
    rng = np.random.default_rng(8)
    unique = rng.gamma(1, 1, (50, 30)).astype(np.float32)
    rows = rng.integers(0, 50, 400)
    profit = rng.gamma(2, 3, 400)
    want = group_probabilities(profit, unique[rows])
    got = group_probabilities(profit, unique, loyalty_rows=rows)
    pd.testing.assert_frame_equal(got, want)
    with pytest.raises(ValueError, match="loyalty_rows"):
        group_probabilities(profit, unique, loyalty_rows=rows + 50)


def test_group_probabilities_bad_shapes():
    from helpers.relationship import group_probabilities
    with pytest.raises(ValueError, match="one row per customer"):
        group_probabilities([1.0, 2.0], np.ones((3, 4)))
    with pytest.raises(ValueError, match="same number of draws"):
        group_probabilities(np.ones((2, 3)), np.ones((2, 4)))


def test_assign_groups_reports_the_tied_share_on_each_line():
    d = pd.DataFrame({"profit": [1.0, 2.0, 2.0, 2.0, 3.0, 9.0], "p_alive": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]})
    with pytest.warns(UserWarning, match="50% of customers have 'profit' exactly at the split"):
        s = assign_groups(d).attrs["splits"]
    assert s["profit_tied"] == pytest.approx(0.5) and s["loyalty_tied"] == 0.0
