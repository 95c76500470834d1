"""helpers.data: one small file per real-export case (tests/data/bad/), each with its exact handling."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from helpers import data
from helpers.data import DataError, QualityLog, load_customers, load_survey, load_transactions

BAD = Path(__file__).parent / "data" / "bad"


def reasons(log, action=None):
    return {e["reason"]: e["count"] for e in log.entries if action is None or e["action"] == action}


def has(log, fragment, action=None, count=None):
    hits = [(r, c) for r, c in reasons(log, action).items() if fragment in r]
    assert hits, f"no {action or ''} log entry containing {fragment!r}: {reasons(log)}"
    if count is not None:
        assert hits[0][1] == count, hits
    return hits[0]


# --- encodings, separators, numbers ---------------------------------------------------------------
def test_bom_is_stripped_from_the_header():
    tx = load_transactions(BAD / "bom_utf8.csv")
    assert tx["customer_id"].tolist() == ["C1", "C2"]


def test_semicolon_decimal_comma_and_column_mapping():
    log = QualityLog()
    tx = load_transactions(BAD / "semicolon_decimal_comma.csv",
                           {"customer_id": "Kunde", "order_date": "Datum", "amount": "Umsatz",
                            "margin": "Marge"}, log=log)
    assert tx.set_index("customer_id")["amount"].to_dict() == {"C1": 1234.56, "C2": 7.5, "C3": -12.0}
    assert tx.set_index("customer_id")["profit"].to_dict() == {"C1": 123.4, "C2": 2.0, "C3": -3.0}
    # 05.01.2024 is 5 January (dotted dates are day-first)
    assert tx.set_index("customer_id").loc["C1", "order_date"] == pd.Timestamp("2024-01-05")
    has(log, "separator ';'", "info")
    has(log, "amount: decimal commas", "info")


def test_thousands_separators_currency_and_accounting_negatives():
    tx = load_transactions(BAD / "thousands_separator.csv")
    assert tx.set_index("customer_id")["amount"].to_dict() == {"C1": 1234.5, "C2": 2000.0, "C3": -15.0}


def test_parse_numbers_independent_cases():
    s = pd.Series(["1 234,5", "12-", "EUR 3,10", ""])
    out = data.parse_numbers(s, decimal=",")
    assert out.iloc[:3].tolist() == [1234.5, -12.0, 3.1]
    assert np.isnan(out.iloc[3])


def test_cp1252_fallback_is_logged():
    log = QualityLog()
    tx = load_transactions(BAD / "cp1252.csv", log=log)
    assert tx["store"].iloc[0] == "Köln"
    has(log, "not UTF-8", "fixed", 1)


def test_mapped_columns_with_pipe_separator():
    tx = load_transactions(BAD / "mapped_columns.csv", {"customer_id": "Cust No", "order_date": "Order Day",
                                                        "amount": "Net Sales"})
    assert tx[["customer_id", "amount"]].values.tolist() == [["C1", 10.0]]


def test_mapping_to_a_missing_column_names_the_fix():
    with pytest.raises(DataError, match=r"maps 'amount' to 'Revenue'.*\n?.*Fix: correct `columns: transactions: amount:"):
        load_transactions(BAD / "bom_utf8.csv", {"amount": "Revenue"})


# --- dates ----------------------------------------------------------------------------------------
def test_mixed_date_formats_are_parsed_and_logged():
    log = QualityLog()
    tx = load_transactions(BAD / "mixed_dates.csv", log=log)
    got = tx.set_index("customer_id")["order_date"].dt.strftime("%Y-%m-%d").to_dict()
    # 15/03 can only be day-first, so 01/04/2024 is 1 April; times of day are dropped
    assert got == {"C1": "2024-03-01", "C2": "2024-03-15", "C3": "2024-03-02", "C4": "2024-04-01"}
    has(log, "read as day-first", "fixed", 2)


def test_unparseable_dates_raise_with_rows_and_fix():
    with pytest.raises(DataError) as exc:
        load_transactions(BAD / "unparseable_dates.csv")
    msg = str(exc.value)
    assert "unparseable_dates.csv, column 'order_date'" in msg
    assert "3 unparseable date(s) in a required column" in msg
    for line in ("line 3", "line 4", "line 5"):
        assert line in msg
    assert "line 2 " not in msg
    assert "Fix:" in msg


def test_rows_after_observation_end_are_dropped_and_counted():
    log = QualityLog()
    tx = load_transactions(BAD / "after_observation_end.csv", observation_end="2024-06-30", log=log)
    assert sorted(tx["customer_id"]) == ["C1", "C2"]
    has(log, "after the observation end 2024-06-30", "dropped", 2)


# --- rows -----------------------------------------------------------------------------------------
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


def test_spreadsheet_decimal_ids_fixed_leading_zeros_kept():
    log = QualityLog()
    tx = load_transactions(BAD / "spreadsheet_ids.csv", log=log)
    assert tx["customer_id"].tolist() == ["123", "00124"]
    has(log, "ids written as decimals", "fixed", 1)


def test_text_amount_raises():
    with pytest.raises(DataError, match=r"column 'amount': 1 value\(s\) are not numbers(.|\n)*line 2"):
        load_transactions(BAD / "text_amount.csv")


def test_missing_required_column_names_file_column_and_fix():
    with pytest.raises(DataError) as exc:
        load_transactions(BAD / "missing_required_column.csv")
    msg = str(exc.value)
    assert "missing_required_column.csv, column 'order_date'" in msg
    assert "['customer_id', 'date', 'amount']" in msg
    assert "columns: transactions: order_date: <your column name>" in msg


def test_no_rows_raises():
    with pytest.raises(DataError, match="has a header but no rows"):
        load_transactions(BAD / "no_rows.csv")


def test_empty_file_raises(tmp_path):
    (tmp_path / "e.csv").write_text("")
    with pytest.raises(DataError, match="the file is empty"):
        load_transactions(tmp_path / "e.csv")


# --- survey ---------------------------------------------------------------------------------------
def test_labelled_scores_are_parsed_and_logged():
    log = QualityLog()
    sv = load_survey(BAD / "labelled_scores.csv", log=log)
    assert sv["score"].tolist() == [10, 0, 7, 9]
    assert str(sv["score"].dtype) == "Int64"
    assert sv["customer_id"].isna().tolist() == [False, False, False, True]
    has(log, "labelled answers", "fixed", 2)


def test_parse_scores_variants():
    got = data.parse_scores(pd.Series(["10 – Extremely likely", "Extremely likely", "3 (unlikely)", "x"]))
    assert got.iloc[:3].tolist() == [10.0, 10.0, 3.0]
    assert np.isnan(got.iloc[3])


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


def test_non_integer_scores_raise():
    with pytest.raises(DataError, match=r"1 score\(s\) are not whole numbers(.|\n)*7.5"):
        load_survey(BAD / "non_integer_scores.csv")


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


# --- config ---------------------------------------------------------------------------------------
def write_config(tmp_path, **over):
    for name in ("refunds.csv", "labelled_scores.csv"):
        (tmp_path / name).write_bytes((BAD / name).read_bytes())
    cfg = {"inputs": {"transactions": "refunds.csv", "survey": "labelled_scores.csv"}, **over}
    path = tmp_path / "c.yml"
    path.write_text(yaml.safe_dump(cfg))
    return path


def test_load_config_resolves_inputs_relative_to_the_file(tmp_path):
    cfg = data.load_config(write_config(tmp_path, observation_end="2024-01-31"))
    assert cfg["inputs"]["transactions"] == tmp_path / "refunds.csv"
    assert cfg["observation_end"] == pd.Timestamp("2024-01-31")
    assert cfg["margin_rate"] == 0.30 and cfg["read"]["sep"] == "auto"


@pytest.mark.parametrize("over, match", [
    ({"margin_rate": 30}, "outside 0..1"),
    ({"margin_rate": "high"}, "not a number"),
    ({"observation_end": "someday"}, "not a date"),
    ({"inputs": {"transactions": None}}, "no transactions file"),
    ({"columns": {"transactions": "amount"}}, "must be a mapping"),
])
def test_bad_config_values(tmp_path, over, match):
    with pytest.raises(DataError, match=match):
        data.load_config(write_config(tmp_path, **over))


def test_config_missing_input_file(tmp_path):
    path = write_config(tmp_path, inputs={"transactions": "nope.csv"})
    with pytest.raises(FileNotFoundError, match="nope.csv"):
        data.load_config(path)


def test_unknown_config_key_warns(tmp_path):
    with pytest.warns(UserWarning, match="unknown configuration keys"):
        data.load_config(write_config(tmp_path, colums={}))


def test_load_all_cross_checks(tmp_path):
    ds = data.load_all(data.load_config(write_config(tmp_path)))
    # no customers file: buyers are added to the customer list, and that is logged
    assert sorted(ds.customers["customer_id"]) == ["C1", "C2"]
    has(ds.log, "not in the customer list: added", "fixed", 2)
    # survey ids C3 (and C1, C2 known) -> 1 unknown linked id flagged... C3 is unknown
    has(ds.log, "found in no other input", "flagged", 1)
    has(ds.log, "anonymous responses", "info", 1)
    assert ds.observation_end == pd.Timestamp("2024-01-20")
    assert data.input_overview(ds).loc["transactions", "rows"] == 3


def test_quality_log_rejects_unknown_action():
    with pytest.raises(ValueError, match="action must be"):
        QualityLog().add("x", "y", "deleted", 1)


# --- the bundled sample ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample():
    return data.load_all()


def test_sample_loads_and_accounts_for_every_row(sample):
    """Rows read = rows kept + rows dropped (logged), for every input of the sample."""
    from helpers.paths import SAMPLE_DIR

    for name, frame in (("transactions", sample.transactions), ("survey", sample.survey)):
        raw = pd.read_csv(SAMPLE_DIR / f"{name}.csv", dtype=str, keep_default_na=False)
        assert len(raw) == len(frame) + sample.log.dropped(name), name
    assert sample.transactions["order_date"].max() == sample.observation_end


def test_sample_warnings_are_sentences(sample):
    for w in data.data_warnings(sample):
        assert w.endswith(".")


def test_section_settings_rejects_unknown_keys_and_lets_overrides_win():
    def fit(data, *, cutoff=0.5, horizon=52):
        return cutoff, horizon

    cfg = {"model": {"cutoff": 0.3, "horizon": 10}}
    assert data.section_settings(cfg, "model", fit, skip=("data",)) == {"cutoff": 0.3, "horizon": 10}
    assert data.section_settings(cfg, "model", fit, skip=("data",), cutoff=0.7, horizon=None) == {
        "cutoff": 0.7, "horizon": 10}
    assert data.section_settings({}, "model", fit) == {}
    with pytest.raises(ValueError, match=r"unknown setting\(s\) \['cutof'\]"):
        data.section_settings({"model": {"cutof": 0.3}}, "model", fit)
    with pytest.raises(ValueError, match=r"unknown setting\(s\) \['data'\]"):
        data.section_settings({"model": {"data": 1}}, "model", fit, skip=("data",))
    with pytest.raises(ValueError, match="must be a mapping"):
        data.section_settings({"model": [1]}, "model", fit)
