import math
from types import SimpleNamespace

import pandas as pd
import pytest

from helpers.narrative import lifecycle

END = pd.Timestamp("2025-12-31")
STAGES = ["prospect", "new", "active", "reactivated", "at risk", "lapsed"]
TH = {"new_window": 45, "active_window": 60, "lapse_window": 120}


def _view(n_prospects=2, n_buyers=8):
    view = pd.DataFrame({
        "stage": ["prospect"] * n_prospects + ["active"] * (n_buyers - 3) + ["at risk", "lapsed",
                                                                             "new"],
        "n_purchase_days": [0] * n_prospects + [3] * (n_buyers - 1) + [1],
        "ladder_step": ["prospect"] * n_prospects + ["client"] * 2 + ["repeat customer"]
                       * (n_buyers - 3) + ["first-time customer"],
        "promoter": [False] * (n_prospects + n_buyers - 1) + [True],
        "referrals": [0] * (n_prospects + n_buyers - 2) + [2, 0],
    }, index=[f"c{i}" for i in range(n_prospects + n_buyers)])
    view.attrs["thresholds"] = dict(TH)
    return view


def _by_stage(counts=(2, 1, 5, 0, 1, 1), rev12_share=(0, 0.1, 0.5, 0, 0.3, 0.1)):
    return pd.DataFrame({"customers": list(counts), "revenue_12m": [0, 100.0, 500, 0, 1234.4, 10],
                         "revenue_12m_share": list(rev12_share)}, index=STAGES)


def _by_segment():
    return pd.DataFrame({"customers": [3, 2, 3], "customer_share": [0.375, 0.25, 0.375],
                         "revenue": [900.0, 5000.4, 100.0], "revenue_share": [0.15, 0.83, 0.02],
                         "revenue_12m": [800.0, 20.0, 50.0],
                         "revenue_12m_share": [0.92, 0.02, 0.06]},
                        index=["Top <seg>", "At Risk", "Lost"])


def _by_rung():
    return pd.DataFrame({"customers": [2, 1, 5, 2]},
                        index=["prospect", "first-time customer", "repeat customer", "client"])


def _moves():
    counts = pd.DataFrame([[6, 0, 3, 1], [1, 1, 1, 1]], index=["active", "at risk"],
                          columns=["active", "reactivated", "at risk", "lapsed"])
    return SimpleNamespace(counts=counts, shares=counts.div(counts.sum(axis=1), axis=0))


def _cohorts():
    shares = pd.DataFrame({0: [1.0, 1.0, 1.0, 1.0], 1: [0.5, 0.4, 0.6, math.nan]},
                          index=pd.period_range("2025Q1", periods=4, freq="Q"))
    return SimpleNamespace(shares=shares)


def _surv(pvalue=0.0001, medians=(129.0, math.nan)):
    med = pd.DataFrame({"n": [5, 3], "events": [4, 1], "median": list(medians),
                        "median_lower": [120.0, 200.0], "median_upper": [140.0, math.inf]},
                       index=["partner", "web_shop"])
    logrank = pd.Series({"statistic": 12.345, "df": 1.0, "pvalue": pvalue})
    return SimpleNamespace(medians=med, logrank=logrank)


def _surv_all(median=163.0):
    return SimpleNamespace(medians=pd.DataFrame({"n": [8], "events": [6], "median": [median],
                                                 "median_lower": [158.0],
                                                 "median_upper": [math.inf]}, index=["all"]),
                           logrank=None)


def _interpret(**kw):
    args = dict(view=_view(), by_stage=_by_stage(), by_segment=_by_segment(), by_rung=_by_rung(),
                moves=_moves(), cohorts=_cohorts(), surv=_surv(), surv_all=_surv_all())
    opts = dict(currency="EUR", from_date=pd.Timestamp("2025-09-30"), transition_months=3,
                cohort_freq="Q", observation_end=END, lapse_group="acquisition_channel")
    for key, value in kw.items():
        (args if key in args else opts)[key] = value
    return lifecycle.interpret(*args.values(), **opts)


def test_data_line():
    tx = pd.DataFrame({"customer_id": ["a", "b", "b"],
                       "order_date": pd.to_datetime(["2024-03-01", "2024-01-02", "2024-05-01"])})
    text = lifecycle.data_line("Shop *x*", END, tx, 1200, "EUR", rfm_from_config=True)
    assert text == ("**Shop &#42;x&#42;**, as of **2025-12-31**: 3 transaction rows from 2024-01-02, "
                    "2 buyers and 1,200 known customers; amounts in EUR. Stage windows from the "
                    "gaps between purchases (75th and 95th percentiles); RFM segments from the run "
                    "configuration.")
    assert "Stage windows from the run configuration;" in lifecycle.data_line(
        "S", END, tx, 1, "EUR", thresholds_from_config=True)


def test_lapse_groups():
    assert lifecycle.lapse_groups("cohort", [], []) == ("cohort", "")
    assert lifecycle.lapse_groups("channel", [], ["channel"]) == ("channel", "")
    col, note = lifecycle.lapse_groups("acquisition_channel", ["customer_id", "region"],
                                       ["order_date", "amount", "store"])
    assert col is None
    assert note.startswith("**Lapse groups: year of the first purchase instead of acquisition "
                           "channel**, because neither the customer list")
    assert "one of `region`, `store` or `cohort`" in note
    col, note = lifecycle.lapse_groups("x", ["customer_id"], ["amount"],
                                       customers_configured=False)
    assert "has no customer list" in note and "set the parameter `survival_by` to `cohort`" in note


def test_compute_notes():
    view = _view()
    text = lifecycle.compute_notes(view, lapse_note="**note**",
                                   warnings=[UserWarning("b <odd>"), "a", "a"])
    assert text.startswith("Windows: new 45 days, active 60 days, lapse 120 days. 10 customers, "
                           "each in one row (ids unique).\n\n**note**\n\n")
    assert text.endswith("nothing is wrong):\n\n- a\n- b &lt;odd&gt;")
    assert "DUPLICATE ids" in lifecycle.compute_notes(pd.concat([view, view]))


def test_phase_evidence_counts():
    survey = pd.DataFrame({"customer_id": ["c3", None, "zz", "c4"]})
    tx = pd.DataFrame({"amount": [10.0, -2.0, -1.0]})
    ev = lifecycle.phase_evidence(_view(), tx, survey)
    assert ev["evaluation"] == "2 prospects (known, never bought)"
    assert ev["purchase"] == "8 first purchases"
    assert ev["use/experience"] == "2 refund rows; 2 survey answers linked to a customer"
    assert ev["bond"] == "7 repeat customers, 2 of them clients"
    assert ev["advocacy"] == "1 promoters, 1 referrers"
    assert "0 survey answers" in lifecycle.phase_evidence(_view(), tx, pd.DataFrame())[
        "use/experience"]


def test_rfm_grid_table():
    grid = pd.DataFrame([(r, f, m, "A" if (r, f) == (2, 2) else ("B" if m < 3 else "C"))
                         for r in (1, 2) for f in (1, 2) for m in range(1, 6)],
                        columns=["R", "F", "M", "segment"])
    table = lifecycle.rfm_grid_table(grid)
    assert table.index.tolist() == [2, 1] and table.columns.tolist() == [1, 2]
    assert table.loc[2, 2] == "A"
    assert table.loc[1, 1] == "B (M 1-2) / C (M 3-5)"


def test_days():
    assert lifecycle.days(163.0) == "163 days"
    assert lifecycle.days(math.nan) == "not reached" == lifecycle.days(math.inf)


def test_interpret_states_the_numbers_given():
    lines = _interpret().splitlines()
    assert lines[0] == ("- **6 of 8 buyers (75%) are new, active or reactivated** and bring 60% of "
                        "the last 12 months' revenue. **1 are at risk** (last purchase 60 to 120 "
                        "days ago) with 30% of it, and **1 (12% of buyers) have lapsed**.")
    # the largest segment named is the one with the most revenue in the last 12 months
    assert lines[1] == ("- The RFM segment with the most revenue in the last 12 months is "
                        "**Top &lt;seg&gt;**: 3 buyers (38% of buyers) with 92% of it.")
    assert lines[2] == ("- Once-frequent buyers who have gone quiet (*At Risk*): 2 buyers who spent "
                        "EUR 5,000 in all, 83% of all revenue.")
    assert lines[3] == ("- On the ladder, 1 buyers (12% of buyers) have bought only once; 2 are clients and 0 "
                        "advocates.")
    assert lines[4] == ("- Of the 10 customers active on 2025-09-30, 60% are still active, 30% are "
                        "at risk and 10% have lapsed 3 months later.")
    assert lines[5] == ("- Of the 4 customers at risk then, 50% came back, 25% are still at risk "
                        "and 25% have lapsed.")
    # 2025Q4's next quarter is not seen yet: three cohorts count
    assert lines[6] == ("- Of each quarterly cohort, 40% to 60% buy again in the quarter after their "
                        "first (median 50% over 3 cohorts; 2025Q2 lowest, 2025Q3 highest).")
    assert lines[7] == ("- Time to lapse by acquisition channel: the median runs from 129 days "
                        "(partner) to not reached (web_shop); the groups differ (log-rank "
                        "χ² = 12.3, df = 1, p < 0.001).")
    assert lines[8] == ("- Half of all buyers lapse within 163 days of their first purchase (95% CI "
                        "158 days to not reached); 6 of 8 have lapsed at least once.")
    assert "nan" not in "\n".join(lines).lower()


def test_interpret_counts_only_cohorts_whose_next_period_is_over():
    text = _interpret(observation_end=pd.Timestamp("2025-12-30"))
    assert "40% to 50% buy again in the quarter after their first (median 45% over 2 cohorts" in text


@pytest.mark.parametrize(("pvalue", "says"), [
    (0.2, "the groups do not differ clearly (log-rank χ² = 12.3, df = 1, p = 0.200)"),
    (math.nan, "the log-rank test is undefined here")])
def test_interpret_logrank_verdict(pvalue, says):
    assert says in _interpret(surv=_surv(pvalue))


@pytest.mark.parametrize(("group", "name"), [(None, "year of the first purchase"),
                                             ("cohort", "first-purchase cohort")])
def test_interpret_lapse_group_names(group, name):
    assert f"- Time to lapse by {name}:" in _interpret(lapse_group=group)


def test_interpret_leaves_out_what_has_no_data():
    seg = _by_segment().drop(index="At Risk")
    cohorts = SimpleNamespace(shares=_cohorts().shares[[0]])
    surv = _surv(medians=(math.nan, math.nan))
    text = _interpret(by_segment=seg, cohorts=cohorts, surv=surv)
    assert "gone quiet" not in text and "cohort" not in text and "Time to lapse" not in text
    assert "Half of all buyers" in text


def test_act():
    text = lifecycle.act(_by_stage(), _by_rung(), TH, "EUR")
    assert text.splitlines() == [
        "- **This month:** contact the 1 at-risk customers before the gap becomes a lapse: they "
        "spent EUR 1,234 in the last 12 months (30% of it).",
        "- **Earn the second purchase:** 1 new customers are inside their first 45 days; 1 buyers "
        "in all have bought only once.",
        "- **Win back selectively:** of 1 lapsed customers, only those whose predicted value clears "
        "the win-back threshold (by default the profit of a typical order; `03_relationship_groups` "
        "predicts the value, `04_customer_actions` lists who clears it)."]
    none_lapsed = lifecycle.act(_by_stage(counts=(2, 1, 5, 0, 1, 0)), _by_rung(), TH, "EUR")
    assert "Win back" not in none_lapsed


def test_headline():
    text = lifecycle.headline(_view(), _by_stage(), _surv_all())
    assert text == ("1 customers at risk hold 30% of the last 12 months' revenue; 1 of 8 buyers "
                    "(12% of buyers) have lapsed; median time from first purchase to lapse 163 days.")
    assert "not reached" in lifecycle.headline(_view(), _by_stage(), _surv_all(math.nan))


def test_no_buyers_says_no_nan():
    view = _view().iloc[:2]
    text = lifecycle.headline(view, _by_stage(counts=(2, 0, 0, 0, 0, 0)), _surv_all(math.nan))
    assert "nan" not in text.lower() and "(n/a)" in text
