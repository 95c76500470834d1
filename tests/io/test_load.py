"""helpers.io.load: what each loader drops, keeps or refuses, and load_all's cross-checks."""

import pandas as pd
import pytest

from helpers.config import load_config
from helpers.io import (DataError, QualityLog, input_overview, load_all, load_customers, load_survey,
                        load_transactions)
from tests.io.checks import BAD, has, write_config


# --- transactions ---------------------------------------------------------------------------------
def test_rows_after_observation_end_are_dropped_and_counted():
    log = QualityLog()
    tx = load_transactions(BAD / "after_observation_end.csv", observation_end="2024-06-30", log=log)
    assert sorted(tx["customer_id"]) == ["C1", "C2"]
    has(log, "after the observation end 2024-06-30", "dropped", 2)


def test_duplicate_rows_dropped_with_count():
    log = QualityLog()
    tx = load_transactions(BAD / "duplicate_rows.csv", log=log)
    assert len(tx) == 2
    has(log, "exact duplicate rows", "dropped", 2)
    assert log.dropped("transactions") == 2


def test_refunds_are_kept_and_logged():
    log = QualityLog()
    tx = load_transactions(BAD / "refunds.csv", log=log)
    assert tx["amount"].sum() == pytest.approx(65.0)
    has(log, "refunds", "info", 1)
    # no margin column: profit = amount * margin_rate, logged
    assert tx["profit"].sum() == pytest.approx(65.0 * 0.30)
    has(log, "no margin column", "info", 3)


def test_blank_customer_id_dropped_and_counted():
    log = QualityLog()
    tx = load_transactions(BAD / "blank_customer_id.csv", log=log)
    assert tx["customer_id"].tolist() == ["C2"]
    has(log, "no customer_id", "dropped", 1)


def test_no_rows_raises():
    with pytest.raises(DataError, match="has a header but no rows"):
        load_transactions(BAD / "no_rows.csv")


# --- survey ---------------------------------------------------------------------------------------
def test_blank_answers_dropped_with_count():
    log = QualityLog()
    sv = load_survey(BAD / "blank_answers.csv", log=log)
    assert sv["score"].tolist() == [9, 6]
    has(log, "blank answer", "dropped", 2)


def test_scores_out_of_range_raise_listing_rows():
    with pytest.raises(DataError) as exc:
        load_survey(BAD / "scores_out_of_range.csv")
    msg = str(exc.value)
    assert "4 score(s) are not whole numbers from 0 to 10" in msg
    for line in ("line 3", "line 4", "line 5", "line 6"):
        assert line in msg
    assert "don't know" in msg


def test_bad_weights_raise():
    with pytest.raises(DataError, match=r"column 'weight': 2 weight\(s\)"):
        load_survey(BAD / "bad_weights.csv")


# --- customers ------------------------------------------------------------------------------------
def test_duplicate_customers_and_fractional_referrals():
    log = QualityLog()
    cu = load_customers(BAD / "duplicate_customers.csv", log=log)
    assert cu["customer_id"].tolist() == ["C1", "C2"]
    assert cu.set_index("customer_id").loc["C1", "referrals"] == 2
    assert pd.isna(cu.set_index("customer_id").loc["C2", "referrals"])
    has(log, "listed twice", "dropped", 1)
    has(log, "fractional", "fixed", 1)


# --- one run --------------------------------------------------------------------------------------
def test_load_all_cross_checks(tmp_path):
    ds = load_all(load_config(write_config(tmp_path)))
    # no customers file: buyers are added to the customer list, and that is logged
    assert sorted(ds.customers["customer_id"]) == ["C1", "C2"]
    has(ds.log, "not in the customer list: added", "fixed", 2)
    # survey ids C3 (and C1, C2 known) -> 1 unknown linked id flagged... C3 is unknown
    has(ds.log, "found in no other input", "flagged", 1)
    has(ds.log, "anonymous responses", "info", 1)
    assert ds.observation_end == pd.Timestamp("2024-01-20")
    assert input_overview(ds).loc["transactions", "rows"] == 3


def test_sample_loads_and_accounts_for_every_row(sample):
    """Rows read = rows kept + rows dropped (logged), for every input of the sample."""
    from helpers.paths import SAMPLE_DIR

    for name, frame in (("transactions", sample.transactions), ("survey", sample.survey)):
        raw = pd.read_csv(SAMPLE_DIR / f"{name}.csv", dtype=str, keep_default_na=False)
        assert len(raw) == len(frame) + sample.log.dropped(name), name
    assert sample.transactions["order_date"].max() == sample.observation_end
