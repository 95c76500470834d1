"""helpers.io.read: encodings, separators, numbers, dates and scores of real exports (tests/data/bad/)."""

import numpy as np
import pandas as pd
import pytest

from helpers.io import DataError, QualityLog, load_survey, load_transactions
from helpers.io.read import parse_numbers, parse_scores
from tests.io.checks import BAD, has


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
    out = parse_numbers(s, decimal=",")
    assert out.iloc[:3].tolist() == [1234.5, -12.0, 3.1]
    assert np.isnan(out.iloc[3])


def test_cp1252_fallback_is_logged():
    log = QualityLog()
    tx = load_transactions(BAD / "cp1252.csv", log=log)
    assert tx["store"].iloc[0] == "Köln"
    has(log, "not UTF-8", "fixed", 1)


def test_text_amount_raises():
    with pytest.raises(DataError, match=r"column 'amount': 1 value\(s\) are not numbers(.|\n)*line 2"):
        load_transactions(BAD / "text_amount.csv")


def test_empty_file_raises(tmp_path):
    (tmp_path / "e.csv").write_text("")
    with pytest.raises(DataError, match="the file is empty"):
        load_transactions(tmp_path / "e.csv")


def test_spreadsheet_decimal_ids_fixed_leading_zeros_kept():
    log = QualityLog()
    tx = load_transactions(BAD / "spreadsheet_ids.csv", log=log)
    assert tx["customer_id"].tolist() == ["123", "00124"]
    has(log, "ids written as decimals", "fixed", 1)


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


# --- scores ---------------------------------------------------------------------------------------
def test_labelled_scores_are_parsed_and_logged():
    log = QualityLog()
    sv = load_survey(BAD / "labelled_scores.csv", log=log)
    assert sv["score"].tolist() == [10, 0, 7, 9]
    assert str(sv["score"].dtype) == "Int64"
    assert sv["customer_id"].isna().tolist() == [False, False, False, True]
    has(log, "labelled answers", "fixed", 2)


def test_parse_scores_variants():
    got = parse_scores(pd.Series(["10 – Extremely likely", "Extremely likely", "3 (unlikely)", "x"]))
    assert got.iloc[:3].tolist() == [10.0, 10.0, 3.0]
    assert np.isnan(got.iloc[3])


def test_non_integer_scores_raise():
    with pytest.raises(DataError, match=r"1 score\(s\) are not whole numbers(.|\n)*7.5"):
        load_survey(BAD / "non_integer_scores.csv")
