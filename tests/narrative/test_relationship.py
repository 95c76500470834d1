import re

import numpy as np
import pandas as pd
import pytest

from helpers.narrative import relationship as nr

GROUPS = ["Strangers", "Butterflies", "Barnacles", "True Friends"]


def no_nan(text):
    assert not re.search(r"\bnan\b", text, flags=re.IGNORECASE), text
    return text


@pytest.fixture
def groups():
    return pd.DataFrame({"customers": [40, 30, 20, 10], "share": [0.4, 0.3, 0.2, 0.1],
                         "profit_share": [0.05, 0.25, 0.1, 0.6],
                         "value": [100.0, 200.0, 300.0, 1400.0],
                         "value_lower": [90.0, 180.0, 270.0, 1300.0],
                         "value_upper": [110.0, 220.0, 330.0, 1500.0],
                         "value_share": [0.05, 0.1, 0.15, 0.7]}, index=GROUPS)


def holdout(actual, predicted, customers=(10, 10)):
    """A holdout table with two frequency buckets and the Total row."""
    t = pd.DataFrame({"customers": list(customers),
                      "actual_mean": [a / c for a, c in zip(actual, customers)],
                      "predicted_mean": [p / c for p, c in zip(predicted, customers)],
                      "actual_total": list(actual), "predicted_total": list(predicted)},
                     index=["0", "1"])
    t.loc["Total"] = [sum(customers), sum(actual) / sum(customers), sum(predicted) / sum(customers),
                      sum(actual), sum(predicted)]
    return t


def test_model_name():
    assert nr.model_name("pareto_nbd") == "Pareto/NBD"
    assert nr.model_name("bgnbd") == "BG/NBD"
    assert nr.model_name("mine") == "mine"


def test_data_summary_states_rows_customers_dates_and_margin():
    tx = pd.DataFrame({"customer_id": ["a", "b", "b", "c"],
                       "order_date": pd.to_datetime(["2024-03-01", "2024-01-05", "2024-02-01",
                                                     "2024-04-01"])})
    text = nr.data_summary(tx, pd.Timestamp("2024-06-30"), currency="USD", margin_rate=0.25)
    assert text.startswith("4 transaction rows of 3 customers, 2024-01-05 to 2024-06-30;")
    assert "profit in USD" in text and "amount x 25%" in text


def test_holdout_summary():
    text = nr.holdout_summary(pd.Timestamp("2025-01-01"), pd.Timestamp("2025-07-02"),
                              n_calibration=1234, holdout_length=26.0, new_in_holdout=56)
    assert text == ("Calibration up to 2025-01-01 (1,234 customers), holdout 26 weeks to 2025-07-02; "
                    "56 customers first bought in the holdout.")


@pytest.mark.parametrize("loyalty, expected", [("lifetime", "lifetime = 22.9 weeks"),
                                               ("duration", "duration = 22.9 weeks"),
                                               ("p_alive", "p_alive = 22.94 and")])
def test_split_summary_unit_of_the_loyalty_axis(loyalty, expected):
    text = nr.split_summary(1500, {"loyalty": 22.94, "profit": 7.5}, loyalty=loyalty,
                            profitability="profit", currency="EUR")
    assert text.startswith("1,500 customers;")
    assert expected in text and "profit = 7.50 EUR" in text
    assert ("weeks" in text) == (loyalty != "p_alive")


def test_spend_check_numbers_and_missing_correlation():
    diag = {"corr_frequency_monetary": 0.123, "spearman_frequency_monetary": -0.2,
            "max_abs_corr": 0.3}
    text = nr.spend_check(np.int64(812), diag)
    assert "812 repeat customers" in text and "+0.12 (Pearson)" in text
    assert "-0.20 (Spearman)" in text and "above 0.3" in text
    text = no_nan(nr.spend_check(1, {**diag, "corr_frequency_monetary": np.nan}))
    assert "too few" in text


def test_nps_reason_each_case():
    assert "No survey in this run configuration" in nr.nps_reason(0, 0, 0)
    assert "none of the 1,200 answers" in nr.nps_reason(1200, 0, 0)
    one = nr.nps_reason(1200, 45, 1)
    assert one.startswith("Only 1 relationship group") and "45 linked answers" in one
    assert nr.nps_reason(1200, 45, 2) == ""


def test_nps_used_states_the_counts_and_overall_nps():
    scores = pd.DataFrame({"group": GROUPS[:2]})
    scores.attrs = {"used": 1500, "linked": 1700, "answers": 2000,
                    "nps_all": {"nps": -4.6, "ci_low": -9.0, "ci_high": 0.2, "n": 1500}}
    text = nr.nps_used(scores)
    assert text.startswith("1,500 customers' latest answers used, of 1,700 linked answers "
                           "(2,000 answers in all)")
    assert "NPS -5 (95% CI -9 to 0, n = 1,500)" in text


@pytest.mark.parametrize("actual, predicted, word", [((10, 10), (12, 11), "over-prediction"),
                                                     ((10, 10), (8, 9), "under-prediction"),
                                                     ((10, 10), (10, 10), "exactly as predicted")])
def test_model_check_direction_follows_the_totals(actual, predicted, word):
    text = nr.model_check(holdout(actual, predicted), {"pareto_nbd": 0.0, "bgnbd": 1.2},
                          model="pareto_nbd", holdout_length=26)
    assert word in text
    assert ("over-prediction" in text) == (sum(predicted) > sum(actual))
    assert ("under-prediction" in text) == (sum(predicted) < sum(actual))
    ratio = sum(predicted) / sum(actual)
    assert f"predicted / actual {ratio:.2f}" in text
    assert f"predicted {sum(predicted)} repeat purchases by the 20 calibration customers; they made " \
           f"{sum(actual)}" in text
    assert "(the BG/NBD: 1.20)" in text


def test_model_check_lists_only_the_buckets_off():
    text = nr.model_check(holdout((10, 10), (10.5, 14)), {"bgnbd": 1.2}, model="bgnbd",
                          holdout_length=13)
    assert "Over 13 held-out weeks the BG/NBD" in text
    assert "Frequency buckets off by more than 15%: 1 (predicted 1.40 vs actual 1.00 per customer)." \
        in text
    assert "0 (predicted" not in text
    assert "(the " not in text  # no other model to compare with
    text = nr.model_check(holdout((10, 10), (10.5, 11)), {"bgnbd": 1.0}, model="bgnbd",
                          holdout_length=13, tolerance=0.2)
    assert text.endswith("Every frequency bucket is within 20%.")


def test_spend_model():
    ok = nr.spend_model({"corr_frequency_monetary": -0.06, "max_abs_corr": 0.3})
    assert "-0.06" in ok and "small enough" in ok
    bad = nr.spend_model({"corr_frequency_monetary": 0.31, "max_abs_corr": 0.3})
    assert "+0.31" in bad and "too strong" in bad
    assert "Too few" in no_nan(nr.spend_model({"corr_frequency_monetary": np.nan,
                                               "max_abs_corr": 0.3}))


def test_loyalty_and_profit_states_each_groups_shares(groups):
    text = nr.loyalty_and_profit(groups)
    assert "True Friends are 10% of customers and bring 60% of the realised profit" in text
    assert "are 20% of customers and bring 10%" in text  # Barnacles
    assert "Butterflies, profitable but short-lived, bring 25%" in text
    assert text.endswith("Strangers 5%.")


def test_predicted_profit_by_group_states_values_and_intervals(groups):
    text = nr.predicted_profit_by_group(groups, {"estimate": 2000.4, "lower": 1900, "upper": 2100},
                             value_horizon=26, currency="GBP")
    assert "Over the next 26 weeks the model expects 2,000 GBP" in text
    assert "(95% interval 1,900 to 2,100)" in text
    assert "True Friends carry 1,400 (1,300 to 1,500; 70%)" in text
    assert "Butterflies 200, Barnacles 300, Strangers 100." in text


def test_migration_names_where_true_friends_went_and_the_new():
    moves = pd.DataFrame({"Strangers": [8, 1, 6], "Butterflies": [0, 3, 2],
                          "True Friends": [2, 16, 0]},
                         index=["Strangers", "True Friends", "(new)"])
    shares = moves.div(moves.sum(axis=1), axis=0)
    text = no_nan(nr.migration(moves, shares, pd.Timestamp("2025-01-31")))
    assert "in each group on 2025-01-31, 80% of Strangers, 80% of True Friends are in the same" in text
    assert "True Friends who moved went mostly to Butterflies (15% of all True Friends)" in text
    assert "Of the 8 customers who first bought since, 75% are Strangers, 25% are Butterflies, " \
           "0% are True Friends." in text


def test_migration_without_new_customers_or_moves():
    moves = pd.DataFrame({"Strangers": [5, 0], "True Friends": [0, 5]},
                         index=["Strangers", "True Friends"])
    text = nr.migration(moves, moves.div(moves.sum(axis=1), axis=0), pd.Timestamp("2025-01-31"))
    assert text.endswith("100% of Strangers, 100% of True Friends are in the same group now.")
    assert "moved" not in text and "first bought" not in text


def test_group_nps_marks_significant_groups():
    scores = pd.DataFrame({"group": ["Strangers", "True Friends"], "nps": [-30.4, 20.0],
                           "ci_low": [-40.0, 10.2], "ci_high": [-20.0, 30.0], "n": [1200, 80],
                           "significant": [True, False]})
    text = nr.group_nps(scores)
    assert "Strangers NPS -30 (-40 to -20, n = 1,200) \\*;" in text
    assert "True Friends NPS +20 (+10 to +30, n = 80) (\\* differs" in text
    none = nr.group_nps(scores.assign(significant=False))
    assert "\\*" not in none and "no group differs" in none
    assert nr.group_nps(None, "No survey.") == "**What they say.** No survey."


def test_helper_notes_escapes_and_ends_each_note():
    assert "raised no warning" in nr.helper_notes([])
    text = nr.helper_notes(["fit: slow convergence.", "a *b* <c>"])
    assert text == "**Notes from the helpers.** fit: slow convergence. a &#42;b&#42; &lt;c&gt;."


def test_strategies_in_vocabulary_order_with_nps_where_known(groups):
    scores = pd.DataFrame({"group": ["Strangers", "True Friends"], "nps": [-43.0, 41.2]})
    text = no_nan(nr.strategies(groups, scores, currency="EUR"))
    paras = text.split("\n\n")
    assert [p.split(":")[0].strip("*") for p in paras] == GROUPS
    assert paras[0].startswith("**Strangers: No relationship investment.** 40 customers (40%), "
                               "5% of realised profit, predicted 100 EUR (90 to 110), NPS -43.")
    assert "NPS" not in paras[1] and ", NPS +41." in paras[3]


def test_strategies_leave_out_missing_numbers(groups):
    groups.loc["Barnacles", ["value_lower", "value_upper"]] = np.nan
    scores = pd.DataFrame({"group": ["Barnacles"], "nps": [np.nan]})
    text = no_nan(nr.strategies(groups, scores, currency="EUR"))
    assert "predicted 300 EUR. " in text


def test_headline(groups):
    text = nr.headline(groups, 0.96, currency="EUR")
    assert text == ("True Friends are 10% of customers with 60% of the profit and 70% of the "
                    "predicted value (1,400 EUR); holdout check predicted / actual 0.96.")


def test_axis_label_names_the_currency_and_rejects_unknown_measures():
    from helpers.narrative.relationship import axis_label
    from helpers.relationship import LOYALTY_MEASURES, PROFIT_MEASURES

    for measure in [*LOYALTY_MEASURES, *PROFIT_MEASURES]:
        assert axis_label(measure, "USD")  # every measure the pipeline offers has a label
    assert axis_label("profit", "USD") == "profit (USD)"
    assert "USD" not in axis_label("lifetime", "USD")
    with pytest.raises(ValueError, match="no axis label for measure 'nope'"):
        axis_label("nope", "USD")


def test_warning_notes_label_each_message():
    import warnings

    from helpers.narrative.relationship import warning_notes

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.warn("first", UserWarning)
        warnings.warn("second", RuntimeWarning)
    assert warning_notes("fit", caught) == ["fit: first", "fit: second"]
    assert warning_notes("fit", []) == []


def test_titles_state_their_numbers():
    from helpers.narrative.relationship import holdout_title, snapshot_title

    assert holdout_title("pareto_nbd", 0.954) == "Pareto/NBD: predicted / actual 0.95"
    t = snapshot_title(pd.Timestamp("2024-01-31"), pd.Timestamp("2024-07-31"))
    assert "2024-01-31 (rows)" in t and "2024-07-31 (columns)" in t


# ---------------------------------------------------------------------------------------------------
# Loyalty axis, the holdout check of the quadrant, how sure the groups are
# ---------------------------------------------------------------------------------------------------
def _validity_groups(active):
    lo = [a - 0.03 for a in active]
    hi = [a + 0.03 for a in active]
    return pd.DataFrame({"active_share": active, "active_lower": lo, "active_upper": hi},
                        index=["Strangers", "Butterflies", "Barnacles", "True Friends"])


@pytest.mark.parametrize("active, held", [
    ([0.03, 0.06, 0.69, 0.68], True),
    ([0.14, 0.15, 0.39, 0.51], True),
    ([0.30, 0.20, 0.25, 0.60], False),   # Barnacles below Strangers
    ([0.10, 0.55, 0.40, 0.60], False),   # Butterflies above Barnacles
])
def test_quadrant_held_states_each_groups_numbers(active, held):
    g = _validity_groups(active)
    text = nr.quadrant_held(g, cut="2025-06-30", observation_end="2025-12-31")
    assert text.startswith("**The quadrant held.**") == held
    assert ("should not drive spending" in text) == (not held)
    assert "2025-06-30" in text and "2025-12-31" in text
    for name, a in zip(g.index, active):  # every group's share and interval, in the group's words
        assert f"{a:.0%} of {name} (" in text
        assert f"{a - 0.03:.0%}-{a + 0.03:.0%})" in text
    stated = {name: int(p) / 100 for p, name in re.findall(r"(\d+)% of (True Friends|Barnacles|Butterflies|Strangers)",
                                                           text)}
    assert (min(stated["True Friends"], stated["Barnacles"])
            > max(stated["Butterflies"], stated["Strangers"])) == held


def test_quadrant_held_empty_group():
    g = _validity_groups([0.1, 0.2, 0.3, 0.4])
    g.loc["Butterflies", ["active_share", "active_lower", "active_upper"]] = np.nan
    assert nr.quadrant_held(g, cut="2025-06-30", observation_end="2025-12-31").startswith(
        "**The quadrant could not be checked:**")


@pytest.mark.parametrize("horizon, span, extrapolation, phrase", [
    (39.0, 39.0, False, "the span of the data, so no extrapolation"),
    (26.0, 39.0, False, "within the 39 weeks of data"),
    (104.0, 39.0, True, "an **extrapolation**: the horizon is longer than the 39 weeks of data"),
])
def test_loyalty_axis_labels_extrapolation(horizon, span, extrapolation, phrase):
    s = {"loyalty": "purchases_ahead", "loyalty_horizon": horizon, "data_span": span,
         "extrapolation": extrapolation, "at_bound": 0.125, "splits": {"loyalty_tied": 0.0081}}
    text = nr.loyalty_axis(s)
    assert phrase in text and f"within the next {horizon:.0f} weeks" in text
    assert "0.8% of customers sit exactly on its split line" in text and "12.5% at a projection bound" in text


def test_group_certainty_counts_borderline():
    t = pd.DataFrame({"group": ["Strangers"] * 4, "group_probability": [1.0, 0.95, 0.7, 0.5],
                      "borderline": [False, False, True, True]})
    text = nr.group_certainty(t, threshold=0.8)
    assert text.startswith("2 of 4 customers (50.0%) are borderline: fewer than 80%")
    assert text.endswith(f"Median group probability {np.median([1.0, 0.95, 0.7, 0.5]):.2f}.")
    assert nr.group_certainty(t.assign(group_probability=np.nan), threshold=0.8).startswith("No group probabilities")


def test_map_scales_say_which_scale_and_why_in_the_data_numbers():
    rng = np.random.default_rng(7)
    v = pd.Series(np.r_[rng.lognormal(2.3, 1.2, 400), [-7.24, -0.5, 0.0]])
    scales = {"profit_scale": "symlog", "linear_within": 1.0, "loyalty_scale": "log",
              "loyalty_floor": 0.0123, "clipped": 4}
    text = no_nan(nr.map_scales(v, scales, profit="profit_per_order", currency="EUR"))
    pos = np.sort(v[v > 0].to_numpy())
    lo, hi = np.percentile(pos, 5), np.percentile(pos, 95)
    assert hi / lo > 10
    assert "The vertical axis, profit per order, is on a symmetric logarithmic scale" in text
    assert "linear between -1 and 1 EUR, logarithmic beyond it in both directions" in text
    assert (f"Profit per order spans {np.log10(hi / lo):.1f} decades (the positive values run from "
            f"{lo:,.2f} to {hi:,.0f} EUR "
            f"between their 5th and 95th percentiles, a factor of {hi / lo:,.0f})") in text
    assert f"3 customers ({3 / 403:.0%}) have zero or a loss (down to -7.24 EUR)" in text
    assert "the 4 customers below 0.012 on it (long gone) are drawn at its left edge." in text
    # all positive: a plain log scale; nothing clipped: no left-edge clause
    logged = nr.map_scales(v[v > 0], {**scales, "profit_scale": "log", "clipped": 0},
                           profit="profit_per_order", currency="EUR")
    assert "is on a logarithmic scale" in logged and "no customer has zero or a loss" in logged
    assert "symmetric" not in logged and "left edge" not in logged
    assert nr.map_scales(v, {**scales, "profit_scale": "linear", "loyalty_scale": "linear"},
                         profit="clv", currency="EUR") == (
        "**Reading the map.** The vertical axis, predicted value, is on a linear scale. "
        "The horizontal axis is linear.")
    with pytest.raises(ValueError, match="no axis label for measure 'margin'"):
        nr.map_scales(v, scales, profit="margin", currency="EUR")
