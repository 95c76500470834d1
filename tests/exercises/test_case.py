"""helpers.exercises.case: the CDNOW case reproduces the published BG/NBD results of Fader, Hardie &
Lee (2005) and gives every customer a group and one action."""

import pandas as pd
import pytest

from helpers.exercises import case


@pytest.fixture(scope="module")
def published():
    return case.fit_published_model()


def test_published_sample_summary(published):
    _, summary, _, weeks = published
    # Fader, Hardie & Lee (2005), section 4: 2,357 customers, 946 repeat buyers, 2,457 repeat
    # purchases in the 39-week calibration period; a 39-week holdout
    assert len(summary) == 2357 and (summary["frequency"] > 0).sum() == 946
    assert summary["frequency"].sum() == 2457 and weeks == 39


def test_published_bgnbd_estimates(published):
    fit = published[0]
    # the values printed in the paper (p. 281), typed here, not taken from the module under test
    assert {k: round(float(fit.params[k]), 3) for k in ("r", "alpha", "a", "b")} == \
        {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    assert round(fit.loglik, 1) == -9582.4
    table = case.published_comparison(fit)
    assert table["agrees"].all()
    assert case.comparison_sentence(table).startswith("All 5 published numbers are reproduced")


def test_comparison_names_what_differs(published):
    table = case.published_comparison(published[0])
    table.loc["b", ["ours", "agrees"]] = [2.5, False]
    assert case.comparison_sentence(table) == \
        "Not reproduced at the printed precision: b (published 2.426, ours 2.5)."


def test_load_cdnow_reads_the_file_as_published():
    tx = case.load_cdnow()
    raw = pd.read_csv(case.CDNOW_SAMPLE, sep=r"\s+", header=None)
    assert len(tx) == len(raw) == 6919 and tx["customer_id"].nunique() == 2357
    assert tx["amount"].sum() == pytest.approx(raw[4].sum())
    assert (tx["profit"] == tx["amount"] * 0.30).all()
    with pytest.raises(ValueError, match="margin_rate must be a share in"):
        case.load_cdnow(margin_rate=30)


@pytest.mark.slow
def test_case_actions_give_every_customer_a_group_and_one_action():
    with pytest.warns(UserWarning, match="F score"):
        rel, view = case.case_actions(loyalty="p_alive", n_boot=0)
    assert len(view) == 2357 and view.index.is_unique and view["action"].notna().all()
    assert rel.groups["customers"].sum() == 2357 and (rel.groups["customers"] > 0).all()
    assert view["nps_class"].isna().all()  # no survey: the NPS rules never match
    assert not view["rule"].str.contains("detractor|promoter").any()
