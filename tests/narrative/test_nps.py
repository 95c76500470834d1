import numpy as np
import pandas as pd
import pytest

from helpers.narrative import nps

OVERALL = {"nps": 5.2, "ci_low": 2.6, "ci_high": 7.9, "n": 3940}


def _segments(sig=(True, False, True)):
    return pd.DataFrame({"segment": ["East", "North", "<b>South</b>"], "nps": [-22.4, 13.2, 0.3],
                         "p_adj": [0.0004, 0.3, 0.0123], "significant": list(sig)})


def _yoy(p_all=0.0009, p_panel=0.046, diff_all=9.6, diff_panel=-11.5):
    return pd.DataFrame(
        {"nps_a": [9.3, 3.8], "nps_b": [-0.27, 15.3], "diff": [diff_all, diff_panel],
         "ci_low": [3.93, -22.77], "ci_high": [15.23, -0.18], "p_value": [p_all, p_panel],
         "alpha": [0.05, 0.05], "n_pairs": [float("nan"), 183.0]},
        index=["all answers", "same respondents"])


def _drivers():
    drv = pd.DataFrame({
        "feature": ["plan", "orders", "region", "tenure", "region"],
        "level": ["Premium", None, "East", None, "West"],
        "scale": ["vs Basic", "per doubling", "vs North", "per doubling", "vs North"],
        "odds_ratio": [1.59, 1.58, 0.42, 0.89, 0.95],
        "ci_low": [1.32, 1.43, 0.34, 0.86, 0.8], "ci_high": [1.91, 1.74, 0.5, 0.92, 1.12],
        "p_value": [1e-6, 1e-20, 1e-19, 1e-12, 0.52]})
    drv.attrs.update(alpha=0.05, n=3356)
    return drv


def _words():
    return pd.DataFrame({"group": ["promoter", "promoter", "detractor", "detractor", "detractor",
                                   "detractor"],
                         "word": ["always", "meh", "support", "sent", "size", "wrong"],
                         "z": [5.9, 1.2, -7.8, -5.5, -5.4, -5.3]})


def test_data_line():
    survey = pd.DataFrame({"response_date": pd.to_datetime(["2024-05-01", "2023-01-12",
                                                            "2025-12-31"] * 500)})
    assert nps.data_line(survey) == "1,500 answers from 2023-01-12 to 2025-12-31."
    assert nps.data_line(survey.iloc[:0]) == "No answers."


def test_year_on_year_notes():
    yoy = _yoy()
    yoy.attrs["notes"] = ["few answers in 2024"]
    assert nps.year_on_year_notes(yoy) == ["Note: few answers in 2024."]
    assert nps.year_on_year_notes(_yoy()) == []
    assert nps.year_on_year_notes(None, ValueError("no <data>")) == [
        "No year-on-year comparison: no &lt;data&gt;."]
    assert nps.year_on_year_notes(None) == []


def test_driver_notes():
    text = nps.driver_notes(["region", "tier", "age"], ["region"], n_linked=3356, n_answers=3940,
                            has_link=True, modelled=True)
    assert text.startswith("The survey has no column age, tier; left out of the drivers.")
    assert "3,356 of 3,940 answers are linked" in text
    assert "No driver can be modelled" not in text
    text = nps.driver_notes([], [], n_linked=10, n_answers=10, has_link=False, modelled=False)
    assert text == ("The survey is not linked to customers, so purchase behaviour cannot be used. "
                    "No driver can be modelled: no segment column and no link to purchases.")


def test_driver_name_escapes():
    assert nps.driver_name({"feature": "plan", "level": "*Gold*", "scale": "vs Basic"}) == \
        "plan &#42;Gold&#42; (vs Basic)"


def test_interpret_names_only_significant_segments_with_their_numbers():
    text = nps.interpret(OVERALL, _segments(), "region", needed=1534, margin=5.0)
    lines = text.splitlines()
    assert lines[0] == ("- Overall, over all answers (a customer who answered twice counts twice; 04 uses "
                        "each customer's latest answer): **NPS +5 (95% CI +3 to +8, n = 3,940)**.")
    assert lines[1] == "- East: NPS -22, differs from the rest (Holm-adjusted p < 0.001)."
    assert lines[2] == ("- &lt;b&gt;South&lt;/b&gt;: NPS 0, differs from the rest "
                        "(Holm-adjusted p = 0.012).")
    assert "North" not in text
    assert lines[-1] == "- For a margin of error of ±5 points the next survey needs 1,534 answers."
    assert "nan" not in text.lower()


def test_interpret_no_significant_segment():
    text = nps.interpret(OVERALL, _segments((False, False, False)), "region", needed=10,
                         margin=2.5)
    assert "- No region differs significantly from the rest after Holm adjustment." in text
    assert "±2.5 points" in text


def test_interpret_segment_column_named_after_segment():
    seg = _segments().rename(columns={"segment": "region"})
    assert "- East: NPS -22" in nps.interpret(OVERALL, seg, "region", needed=1, margin=5)


@pytest.mark.parametrize(("p_all", "p_panel", "real"), [(0.0009, 0.046, 2), (0.2, 0.046, 1),
                                                         (0.2, 0.3, 0)])
def test_interpret_real_change_only_when_significant(p_all, p_panel, real):
    text = nps.interpret(OVERALL, _segments(), "region", needed=1, margin=5,
                         yoy=_yoy(p_all, p_panel))
    assert text.count("): significant at the 5% level by the") == real
    assert text.count("): within noise (not significant at the 5% level by the") == 2 - real
    assert "real change" not in text  # a p-value below 5% is not proof of a real change
    assert ("opposite directions" in text) == (real == 2)
    # each verdict names the test that fits its design
    lines = {ln.split(":")[0]: ln for ln in text.splitlines() if ln.startswith("- Year on year")}
    assert "by the test of two independent samples" in lines["- Year on year (all answers)"]
    panel = lines["- Year on year (the 183 customers who answered in both years)"]
    assert "by the paired test of the same customers' two answers" in panel
    assert ("self-selected repeat respondents, not shown for all customers" in panel) == (p_panel < 0.05)
    # no untested explanation of why the two rows differ
    assert "comes from" not in text
    if real == 2:
        assert "Why the two differ is not tested here." in text
    assert "Year on year (all answers): NPS +9 against 0, change +9.6 points (95% CI +3.9 to " \
           "+15.2" in text
    assert "the 183 customers who answered in both years" in text
    assert "nan" not in text.lower()


def test_interpret_same_direction_is_not_called_opposite():
    text = nps.interpret(OVERALL, _segments(), "region", needed=1, margin=5,
                         yoy=_yoy(diff_panel=4.0))
    assert text.count("): significant at the 5% level") == 2 and "opposite directions" not in text


def test_interpret_drivers_and_words():
    text = nps.interpret(OVERALL, _segments(), "region", needed=1, margin=5, drivers=_drivers(),
                         words=_words())
    assert "(ordinal logit on 3,356 answers;" in text
    assert ("    - plan Premium (vs Basic): higher scores, odds of a higher class ×1.59 "
            "(95% CI 1.32 to 1.91).") in text
    assert "    - region East (vs North): lower scores, odds of a higher class ×0.42" in text
    assert "    - No clear effect: region West (vs North)." in text
    assert "- Words of promoters: *always*." in text
    assert "- Words of detractors: *support*, *sent*, *size*, *wrong*." in text


def test_interpret_no_significant_driver():
    drv = _drivers().assign(p_value=0.5)
    text = nps.interpret(OVERALL, _segments(), "region", needed=1, margin=5, drivers=drv)
    assert "    - None of the features goes clearly with the score." in text


def test_act_from_drivers_and_words():
    text = nps.act(_drivers(), _words())
    assert ("- Learn from plan Premium: what do these customers get that Basic does not?") in text
    assert ("- Start the detractor call-backs in region East: its answers score lower than "
            "North's even at the same purchases;") in text
    assert "- More orders go with higher scores." in text
    assert "a longer tenure goes with lower scores" in text
    assert "region West" not in text  # not significant
    assert "- Detractors' comments point at support, sent, size:" in text
    assert "wrong" not in text  # the three clearest only


def test_act_without_behaviour_and_other_negative_feature():
    drv = _drivers()
    drv.loc[1, "odds_ratio"] = 0.8  # orders now goes with lower scores
    text = nps.act(drv, behaviour_used=False)
    assert "than North's; find out" in text
    assert "- More orders go with lower scores at the same other features" in text


def test_act_nothing():
    assert nps.act(None, None) == nps.NOTHING_TO_ACT_ON
    assert nps.act(_drivers().assign(p_value=0.9), _words().iloc[:2]) == nps.NOTHING_TO_ACT_ON


def test_drivers_table():
    table = nps.drivers_table(_drivers())
    assert table.columns.tolist() == ["feature", "level", "scale", "odds_ratio", "ci_low",
                                      "ci_high", "p_value"]
    assert table["level"].tolist()[:2] == ["Premium", ""]
    assert table["p_value"].tolist()[-1] == "0.520"
    assert table["p_value"].tolist()[0] == "<0.001"


def test_sample_size_line_observed_and_worst_case_named():
    from helpers import nps as nps_stats
    shares = {"promoters": 0.45, "detractors": 0.40}
    needed, worst = nps_stats.sample_size(5, shares), nps_stats.sample_size(5)
    # independent: n = z^2 * (p + d - (p - d)^2) / E^2 - 3 (adjusted Wald), worst case variance 1
    z2 = 1.959963984540054 ** 2
    assert needed == int(np.ceil(z2 * (0.85 - 0.05 ** 2) / 0.05 ** 2 - 3))
    assert worst == int(np.ceil(z2 / 0.05 ** 2 - 3)) == 1534
    text = nps.sample_size_line(5, needed, worst, shares)
    assert text == (f"For a margin of error of ±5 points the next survey needs {needed:,} answers at this "
                    "survey's shares (45% promoters, 40% detractors), and 1,534 in the worst case (half "
                    "promoters, half detractors: the most any shares can need).")
    overall = dict(OVERALL, promoters=0.45, detractors=0.40)
    out = nps.interpret(overall, _segments(), "region", needed=needed, margin=5, needed_worst=worst)
    assert out.splitlines()[-1] == "- " + text


def test_data_line_without_dates():
    from helpers.narrative import nps as nps_text

    sv = pd.DataFrame({"score": [1, 2, 3], "response_date": pd.Series([pd.NaT] * 3, dtype="datetime64[ns]")})
    assert nps_text.data_line(sv) == "3 answers, with no response dates."
    sv.loc[0, "response_date"] = pd.Timestamp("2024-02-01")
    assert nps_text.data_line(sv) == "3 answers from 2024-02-01 to 2024-02-01 (2 without a date)."


def test_items_text_states_the_table_numbers():
    from helpers import nps as nps_mod
    from helpers.narrative import nps as nps_text

    sv = pd.DataFrame({"score": [10, 9, 2, 6, 8, 0], "ease <b>": [9, 10, 1, None, 7, 3]})
    t = nps_mod.item_summary(sv, ["ease <b>"])
    text = nps_text.items_text(t)
    # 5 answers: 9, 10, 1, 7, 3 -> mean 6.0, top box 2/5, bottom box 2/5, net 0
    assert text.startswith("- **ease &lt;b&gt;**: 5 answers, mean 6.0; 40% answer 9-10 and 40% answer 0-6 "
                           "(net 0 on the NPS scale)")
    assert f"{t['rho'].iloc[0]:.2f} (5 answering both)" in text
    assert nps_text.items_text(t.iloc[:0]) == nps_text.NO_ITEMS


def test_driver_notes_of_a_survey_only_run_do_not_claim_a_link():
    text = nps.driver_notes(["region"], ["region"], n_linked=90, n_answers=90, has_link=False,
                            modelled=True, has_purchases=False)
    assert text == nps.NO_PURCHASES
    assert "not linked" not in text and "90 of 90" not in text


def test_no_segment_note_and_interpret_without_segments():
    sv = pd.DataFrame({"score": [1, 9, 10, 4], "plan": ["a", "b", "a", "b"], "channel": ["w", "s", "w", "w"],
                       "response_id": ["r1", "r2", "r3", "r4"], "comment": ["x", "y", "x", "y"]})
    text = nps.no_segment_note("region <x>", sv)
    assert text == ("The survey has no column region &lt;x&gt;, so segments are not compared; its columns "
                    "plan, channel can be (notebook parameter `segment`).")
    assert nps._segment_lines(None, "region") == []
