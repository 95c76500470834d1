"""Tests for helpers.lifecycle.rfm: rfm_summary (hand examples and an independent plain-Python
reference loop), rfm_scores and the RFM segment rules.
"""

from __future__ import annotations

import datetime as dt
import itertools
import warnings
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import frameworks
from helpers import lifecycle as lc
from tests.lifecycle.common import REFUND_NOTE, make_tx, row_strategy


# ---------------------------------------------------------------------------------------------------
# rfm_summary: hand-worked examples
# ---------------------------------------------------------------------------------------------------
@pytest.fixture
def hand_tx():
    return make_tx(
        [
            # a: two rows on 01-01 (one purchase day, value 15), 01-11 (20), a refund-only day
            #    01-21 (not a purchase) and a purchase after the observation end (ignored)
            ("a", "2024-01-01", 10, 1.0),
            ("a", "2024-01-01", 5, 0.5),
            ("a", "2024-01-11", 20, 2.0),
            ("a", "2024-01-21", -5, -0.5),
            ("a", "2024-02-10", 30, 3.0),
            # b: a single purchase
            ("b", "2024-01-20", 8, 0.8),
            # c: refunds netted into their day: 01-03 = 40-10 = 30, 01-10 = 25-5 = 20, 01-30 = 15
            ("c", "2024-01-03", 40, 4.0),
            ("c", "2024-01-03", -10, -1.0),
            ("c", "2024-01-10", 25, 2.5),
            ("c", "2024-01-10", -5, -0.5),
            ("c", "2024-01-30", 15, 1.5),
            # d: only buys after the observation end -> absent
            ("d", "2024-02-20", 50, 5.0),
        ],
        columns=["profit"],
    )


def test_rfm_summary_hand_example(hand_tx):
    s = lc.rfm_summary(hand_tx, observation_end="2024-02-05")
    assert s.index.tolist() == ["a", "b", "c"]
    assert s.index.name == "customer_id"
    # a: purchase days 01-01, 01-11; end 02-05 is day 35 after 01-01
    # b: 01-20 -> T = 16; c: 01-03, 01-10, 01-30 -> recency 27, T 33, monetary (20 + 15) / 2
    expected = pd.DataFrame(
        {
            "frequency": [1, 0, 2],
            "recency": [10.0, 0.0, 27.0],
            "T": [35.0, 16.0, 33.0],
            "monetary_value": [20.0, 0.0, 17.5],
            "n_orders": [2, 1, 3],
            "revenue": [30.0, 8.0, 65.0],  # a: 10 + 5 + 20 - 5; c: 30 + 20 + 15
            "profit": [3.0, 0.8, 6.5],
        },
        index=pd.Index(["a", "b", "c"], name="customer_id"),
    )
    pd.testing.assert_frame_equal(s[expected.columns], expected, check_exact=False)
    assert s["frequency"].dtype == np.int64
    assert s.loc["a", "first_purchase"] == pd.Timestamp("2024-01-01")
    assert s.loc["a", "last_purchase"] == pd.Timestamp("2024-01-11")  # not the refund day
    assert s.loc["c", "last_purchase"] == pd.Timestamp("2024-01-30")


def test_rfm_summary_default_end_is_last_date(hand_tx):
    s = lc.rfm_summary(hand_tx)  # end = 2024-02-20
    # a now has 02-10 too: frequency 2, recency 40, T 50, monetary (20 + 30) / 2 = 25
    assert s.loc["a", ["frequency", "recency", "T", "monetary_value"]].tolist() == [2, 40, 50, 25]
    assert s.loc["d", ["frequency", "recency", "T"]].tolist() == [0, 0, 0]


def test_rfm_summary_order_id_counts_orders(hand_tx):
    tx = hand_tx.assign(order_id=["o1", "o2", "o3", "r1", "o4", "o5", "o6", "o6", "o7", "o7",
                                  "o8", "o9"])
    s = lc.rfm_summary(tx, observation_end="2024-02-05")
    # a: orders o1, o2, o3 (r1 is a refund only); c: o6, o7, o8
    assert s["n_orders"].tolist() == [3, 1, 3]
    # frequency still counts purchase days, not orders
    assert s["frequency"].tolist() == [1, 0, 2]


def test_rfm_summary_weekly_periods():
    # 2024-01-01 is a Monday. Weeks: [01-01..01-07], [01-08..], [01-15..], [01-22..], [01-29..]
    tx = make_tx([("a", "2024-01-01", 10), ("a", "2024-01-03", 5), ("a", "2024-01-15", 20),
                  ("b", "2024-01-07", 4), ("b", "2024-01-08", 6)])
    s = lc.rfm_summary(tx, observation_end="2024-01-31", freq="W")
    # a: week 0 (value 15) and week 2 (20): frequency 1, recency 2, T = week 4 - week 0
    assert s.loc["a", ["frequency", "recency", "T", "monetary_value"]].tolist() == [1, 2, 4, 20]
    # b: Sunday and the next Monday are different weeks
    assert s.loc["b", ["frequency", "recency", "T", "monetary_value"]].tolist() == [1, 1, 4, 6]
    assert s.loc["a", "first_purchase"] == pd.Timestamp("2024-01-01")
    assert s.loc["a", "n_orders"] == 3  # distinct purchase days


def test_rfm_summary_refund_only_customer_warns():
    tx = make_tx([("a", "2024-01-01", 10), ("e", "2024-01-05", -12)])
    with pytest.warns(UserWarning, match="1 customer"):
        s = lc.rfm_summary(tx)
    assert s.index.tolist() == ["a"]
    assert np.isnan(s.loc["a", "profit"])  # no profit column


def test_rfm_summary_negative_net_purchase_day_counts():
    # 01-05: purchase 10 and refund 25 on the same day: still a purchase, value -15
    tx = make_tx([("a", "2024-01-01", 10), ("a", "2024-01-05", 10), ("a", "2024-01-05", -25)])
    s = lc.rfm_summary(tx)
    assert s.loc["a", ["frequency", "monetary_value", "revenue"]].tolist() == [1, -15, -5]


def test_rfm_summary_categorical_and_tz_and_string_dates():
    tx = make_tx([("b", "2024-01-01", 1), ("a", "2024-01-03", 2), ("a", "2024-01-05", 3)])
    cat = tx.assign(customer_id=pd.Categorical(tx["customer_id"], categories=["z", "b", "a"]))
    s_cat = lc.rfm_summary(cat)
    s_str = lc.rfm_summary(tx.assign(order_date=tx["order_date"].dt.strftime("%Y-%m-%d")))
    s_tz = lc.rfm_summary(tx.assign(order_date=tx["order_date"].dt.tz_localize("UTC")))
    ref = lc.rfm_summary(tx)
    assert list(s_cat.index) == ["a", "b"]  # sorted, unused category absent
    for other in (s_cat, s_str, s_tz):
        np.testing.assert_allclose(other[["frequency", "recency", "T"]].to_numpy(),
                                   ref[["frequency", "recency", "T"]].to_numpy())


@pytest.mark.parametrize(
    "change, exc, match",
    [
        (lambda d: d.drop(columns="amount"), ValueError, "lack column"),
        (lambda d: d.assign(amount=["x", "y"]), TypeError, "numeric"),
        (lambda d: d.assign(amount=[1.0, np.nan]), ValueError, "without amount"),
        (lambda d: d.assign(customer_id=["a", None]), ValueError, "without customer_id"),
        (lambda d: d.assign(order_date=["2024-01-01", "not a date"]), ValueError, "dates"),
        (lambda d: d.iloc[:0], ValueError, "empty"),
    ],
)
def test_rfm_summary_bad_input(change, exc, match):
    tx = make_tx([("a", "2024-01-01", 1), ("b", "2024-01-02", 2)])
    with pytest.raises(exc, match=match):
        lc.rfm_summary(change(tx))


def test_rfm_summary_bad_arguments():
    tx = make_tx([("a", "2024-01-01", 1)])
    with pytest.raises(ValueError, match="freq"):
        lc.rfm_summary(tx, freq="M")
    with pytest.raises(ValueError, match="no purchase"):
        lc.rfm_summary(tx, observation_end="2023-12-31")
    with pytest.raises(ValueError, match="not a date"):
        lc.rfm_summary(tx, observation_end="someday")
    with pytest.raises(TypeError, match="DataFrame"):
        lc.rfm_summary([("a", "2024-01-01", 1)])


# ---------------------------------------------------------------------------------------------------
# rfm_summary: property tests against a plain-Python loop
# ---------------------------------------------------------------------------------------------------
def reference_summary(rows, end, freq):
    """lifetimes' definitions, one row at a time, with this project's refund rule."""

    def period(d):
        return d if freq == "D" else d - dt.timedelta(days=d.weekday())

    unit = 1 if freq == "D" else 7
    per = defaultdict(lambda: defaultdict(lambda: [0.0, False]))
    revenue = defaultdict(float)
    for cid, d, amount in rows:
        if d > end:
            continue
        cell = per[cid][period(d)]
        cell[0] += amount
        cell[1] = cell[1] or amount >= 0
        revenue[cid] += amount
    out = {}
    for cid, periods in per.items():
        buys = sorted((p, v) for p, (v, b) in periods.items() if b)
        if not buys:
            continue
        first, last = buys[0][0], buys[-1][0]
        repeat = [v for _, v in buys[1:]]
        out[cid] = {
            "frequency": len(buys) - 1,
            "recency": (last - first).days / unit,
            "T": (period(end) - first).days / unit,
            "monetary_value": sum(repeat) / len(repeat) if repeat else 0.0,
            "revenue": revenue[cid],
            "purchase_days": len({d for c, d, a in rows if c == cid and a >= 0 and d <= end}),
        }
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(row_strategy, min_size=1, max_size=40), end_offset=st.integers(0, 70),
       freq=st.sampled_from(["D", "W"]))
def test_rfm_summary_matches_reference_loop(rows, end_offset, freq):
    end = dt.date(2024, 1, 1) + dt.timedelta(days=end_offset)
    ref = reference_summary(rows, end, freq)
    tx = pd.DataFrame(rows, columns=["customer_id", "order_date", "amount"])
    tx["order_date"] = pd.to_datetime(tx["order_date"])
    if not ref:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", REFUND_NOTE, UserWarning)
            with pytest.raises(ValueError):
                lc.rfm_summary(tx, observation_end=end, freq=freq)
        return
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", REFUND_NOTE, UserWarning)
        s = lc.rfm_summary(tx, observation_end=end, freq=freq)
    assert s.index.tolist() == sorted(ref)
    for cid, r in ref.items():
        row = s.loc[cid]
        for col in ("frequency", "recency", "T", "monetary_value", "revenue"):
            assert row[col] == pytest.approx(r[col], abs=1e-9), (cid, col)
        # properties
        assert 0 <= row["recency"] <= row["T"]
        assert row["frequency"] <= r["purchase_days"] - 1
        if freq == "D":
            assert row["frequency"] == r["purchase_days"] - 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(row_strategy, min_size=1, max_size=40), seed=st.integers(0, 2**16),
       end_offset=st.integers(0, 70))
def test_rfm_summary_ignores_row_order_and_rows_after_the_end(rows, seed, end_offset):
    end = pd.Timestamp("2024-01-01") + pd.Timedelta(days=end_offset)
    tx = pd.DataFrame(rows, columns=["customer_id", "order_date", "amount"])
    tx["order_date"] = pd.to_datetime(tx["order_date"])
    if not ((tx["amount"] >= 0) & (tx["order_date"] <= end)).any():
        return
    shuffled = tx.sample(frac=1.0, random_state=seed)
    later = pd.DataFrame({"customer_id": ["a", "z"], "order_date": end + pd.Timedelta(days=1),
                          "amount": [99.0, 5.0]})
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", REFUND_NOTE, UserWarning)
        base = lc.rfm_summary(tx, observation_end=end)
        other = lc.rfm_summary(pd.concat([shuffled, later], ignore_index=True), observation_end=end)
    pd.testing.assert_frame_equal(base, other)


# ---------------------------------------------------------------------------------------------------
# RFM scores
# ---------------------------------------------------------------------------------------------------
def summary_frame(recency, T, frequency, revenue):
    n = len(recency)
    return pd.DataFrame({"recency": recency, "T": T, "frequency": frequency, "revenue": revenue},
                        index=pd.Index([f"c{i:02d}" for i in range(n)], name="customer_id"))


def test_rfm_scores_distinct_values_are_quintiles():
    # 10 customers, all values distinct: two customers per score; R from T - recency
    s = summary_frame(recency=[0] * 10, T=list(range(10)), frequency=list(range(10)),
                      revenue=list(range(10, 0, -1)))
    sc = lc.rfm_scores(s)
    # T - recency = 0..9: smallest (most recent) -> R = 5
    assert sc["R"].tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    assert sc["F"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert sc["M"].tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    assert sc["RFM"].iloc[0] == "515"


def test_rfm_scores_big_tie_keeps_one_score_and_fills_the_rest():
    # 6 of 10 customers buy once (frequency 0): plain quintile edges collapse.
    freq = [0, 0, 0, 0, 0, 0, 1, 2, 3, 4]
    s = summary_frame(recency=[0] * 10, T=list(range(10)), frequency=freq, revenue=list(range(10)))
    with pytest.warns(UserWarning, match="F score: 60%"):
        sc = lc.rfm_scores(s)
    # all ties share F = 1; the four others fill scores 2..5, one each
    assert sc["F"].tolist() == [1, 1, 1, 1, 1, 1, 2, 3, 4, 5]


def test_rfm_scores_few_distinct_values_warn_and_spread():
    s = summary_frame(recency=[0] * 6, T=[1, 2, 3, 4, 5, 6], frequency=[0, 0, 0, 1, 1, 1],
                      revenue=[1, 2, 3, 4, 5, 6.0])
    with pytest.warns(UserWarning, match="only 2 distinct"):
        sc = lc.rfm_scores(s)
    assert sc["F"].tolist() == [1, 1, 1, 5, 5, 5]


def test_rfm_scores_bad_input():
    with pytest.raises(ValueError, match="lacks column"):
        lc.rfm_scores(pd.DataFrame({"recency": [1.0]}))
    with pytest.raises(TypeError, match="DataFrame"):
        lc.rfm_scores([1, 2])
    s = summary_frame([0, 1], [1, 2], [0, 1], [1.0, np.nan])
    with pytest.raises(ValueError, match="missing values"):
        lc.rfm_scores(s)


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.integers(0, 12), min_size=1, max_size=60))
def test_tie_aware_scores_properties(values):
    v = np.array(values, dtype=float)
    scores, counts = lc._tie_aware_scores(v)
    # equal values share a score, and the score never decreases with the value
    order = np.argsort(v, kind="stable")
    assert np.all(np.diff(scores[order]) >= 0)
    for x in np.unique(v):
        assert len(set(scores[v == x])) == 1
    assert set(scores) <= {1, 2, 3, 4, 5}
    if len(np.unique(v)) >= 5:
        assert set(scores) == {1, 2, 3, 4, 5}  # no empty score


# ---------------------------------------------------------------------------------------------------
# RFM segments: all 125 cells
# ---------------------------------------------------------------------------------------------------
def first_matching_rule(r, f, m, rules):
    """Independent reading of the rule table: first rule by precedence containing the cell."""
    matches = []
    for rule in sorted(rules, key=lambda x: x["precedence"]):
        if (rule["r"][0] <= r <= rule["r"][1] and rule["f"][0] <= f <= rule["f"][1]
                and rule["m"][0] <= m <= rule["m"][1]):
            matches.append(rule["name"])
    return matches


def test_every_cell_has_exactly_one_segment_and_every_segment_is_reachable():
    rules = frameworks.RFM_SEGMENTS
    names = [r["name"] for r in rules]
    assert len(names) == 11 and len(set(names)) == 11
    cells = list(itertools.product(range(1, 6), repeat=3))
    assert len(cells) == 125
    by_cell = {}
    for r, f, m in cells:
        matches = first_matching_rule(r, f, m, rules)
        assert matches, f"cell {(r, f, m)} has no segment"
        by_cell[(r, f, m)] = matches[0]  # precedence decides between overlapping rules
    assert set(by_cell.values()) == set(names)  # every segment wins at least one cell
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the default rules raise no warning
        grid = lc.rfm_segment_grid()
    assert len(grid) == 125
    assert {(r.R, r.F, r.M): r.segment for r in grid.itertuples()} == by_cell
    assert (grid["n_rules"] >= 1).all()


def test_segment_grid_spot_checks():
    grid = lc.rfm_segment_grid().set_index(["R", "F", "M"])["segment"]
    assert grid[(5, 5, 5)] == "Champions"
    assert grid[(5, 5, 1)] == "Loyal Customers"
    assert grid[(1, 5, 5)] == "Can't Lose Them"
    assert grid[(1, 5, 1)] == "At Risk"
    assert grid[(5, 1, 1)] == "New Customers"
    assert grid[(1, 1, 1)] == "Lost"
    assert grid[(1, 1, 5)] == "Hibernating"


def test_rfm_segments_assigns_and_categorical_order():
    sc = pd.DataFrame({"R": [5, 3, 2], "F": [2, 3, 1], "M": [1, 3, 5]}, index=["x", "y", "z"])
    out = lc.rfm_segments(sc)
    assert out["segment"].tolist() == ["Potential Loyalists", "Need Attention", "Hibernating"]
    assert list(out["segment"].cat.categories) == [r["name"] for r in sorted(
        frameworks.RFM_SEGMENTS, key=lambda r: r["precedence"])]


def test_custom_rules_with_hole_and_shadowed_rule():
    rules = [
        {"name": "Top", "r": (4, 5), "f": (1, 5), "m": (1, 5), "precedence": 1},
        {"name": "Shadowed", "r": (5, 5), "f": (5, 5), "m": (5, 5), "precedence": 2},
    ]
    with pytest.warns(UserWarning) as rec:
        out = lc.rfm_segments(pd.DataFrame({"R": [5, 1], "F": [5, 1], "M": [5, 1]}), rules=rules)
    msgs = " ".join(str(w.message) for w in rec)
    assert "Shadowed" in msgs and "75 of 125" in msgs
    assert out["segment"].tolist() == ["Top", "Other"]


@pytest.mark.parametrize(
    "rules, match",
    [
        ([{"name": "x", "r": (0, 5), "f": (1, 5), "m": (1, 5), "precedence": 1}], "1 <= low"),
        ([{"name": "x", "r": (1,), "f": (1, 5), "m": (1, 5), "precedence": 1}], "pair"),
        ([{"name": "x", "r": (1, 5), "f": (1, 5), "m": (1, 5)}], "precedence"),
        ([{"name": "x", "r": (1, 5), "f": (1, 5), "m": (1, 5), "precedence": 1},
          {"name": "y", "r": (1, 5), "f": (1, 5), "m": (1, 5), "precedence": 1}], "distinct"),
        ([], "non-empty"),
    ],
)
def test_bad_rfm_rules(rules, match):
    with pytest.raises(ValueError, match=match):
        lc.rfm_segment_grid(rules)


def test_rfm_segments_bad_scores():
    with pytest.raises(ValueError, match="1 to 5"):
        lc.rfm_segments(pd.DataFrame({"R": [6], "F": [1], "M": [1]}))
    with pytest.raises(ValueError, match="lack column"):
        lc.rfm_segments(pd.DataFrame({"R": [1]}))
