"""Dates (implausible, out of range, offsets, contradictory orders, spreadsheet serials), ids (trim,
non-breaking spaces, null-like, case variants, repeated headers), German thousands and encodings."""

import pandas as pd
import pytest

from helpers.io import DataError, QualityLog, load_all, load_customers, load_transactions, parse_dates

from .checks import has


def tx_file(tmp_path, rows, header="customer_id,order_date,amount", name="t.csv", sep=","):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_far_future_date_is_dropped_and_never_the_as_of_date(tmp_path):
    path = tx_file(tmp_path, ["C1,2024-01-05,10", "C2,2024-02-01,20", "C3,2099-12-31,30"])
    cfg = tmp_path / "c.yml"
    cfg.write_text(f"inputs: {{transactions: {path.name}}}\n")
    ds = load_all(cfg)
    assert ds.observation_end == pd.Timestamp("2024-02-01")
    has(ds.log, "implausible dates after", "dropped", 1)
    assert "line 4" in next(e for e in ds.log.entries if "after" in e["reason"])["examples"]


def test_dates_before_the_floor_are_dropped_floor_configurable(tmp_path):
    path = tx_file(tmp_path, ["C1,1900-01-01,10", "C2,1985-06-01,20", "C3,2024-02-01,30"])
    log = QualityLog()
    assert len(load_transactions(path, log=log)) == 1
    has(log, "implausible dates before 1990-01-01", "dropped", 2)
    log = QualityLog()
    assert len(load_transactions(path, read={"date_floor": "1980-01-01"}, log=log)) == 2
    has(log, "before 1980-01-01", "dropped", 1)


@pytest.mark.parametrize("extreme", ["0001-01-01", "9999-12-31", "1500-03-01"])
def test_extreme_dates_never_crash(tmp_path, extreme):
    log = QualityLog()
    tx = load_transactions(tx_file(tmp_path, [f"C1,{extreme},10", "C2,2024-02-01,20"]), log=log)
    assert tx["customer_id"].tolist() == ["C2"]
    has(log, "implausible dates", "dropped", 1)
    assert parse_dates(pd.Series([extreme])).isna().all()


def test_offsets_keep_the_local_date():
    got = parse_dates(pd.Series(["2024-12-31T22:00-03:00", "2025-01-01T01:30:00+09:00",
                                 "2024-06-30T23:59:59Z"]))
    assert got.dt.strftime("%Y-%m-%d").tolist() == ["2024-12-31", "2025-01-01", "2024-06-30"]


def test_contradictory_day_month_orders_name_the_rows(tmp_path):
    path = tx_file(tmp_path, ["C1,13/01/2024,10", "C2,05/02/2024,20", "C3,01/13/2024,30"])
    with pytest.raises(DataError, match=r"(?s)order_date.*contradictory day/month.*line\(s\) 2 can only "
                                        r"be day-first.*line\(s\) 4 only month-first"):
        load_transactions(path)


def test_excel_serial_dates_converted_and_logged(tmp_path):
    log = QualityLog()
    tx = load_transactions(tx_file(tmp_path, ["C1,45292,10", "C2,2024-01-02,5"]), log=log)
    # 45292 days after 1899-12-30 (Excel's day 0 given its 1900 leap-year bug) is 2024-01-01
    assert tx["order_date"].min() == pd.Timestamp("1899-12-30") + pd.Timedelta(days=45292)
    assert tx["order_date"].min() == pd.Timestamp("2024-01-01")
    has(log, "spreadsheet serial numbers read as dates", "fixed", 1)


def test_id_normalisations_logged_and_counted(tmp_path):
    rows = ["\u00a0C001 ,2024-01-01,10", "c001,2024-01-02,10", "C 001,2024-01-03,10", "NULL,2024-01-04,1",
            "N/A,2024-01-05,1", "nan,2024-01-06,1", "-,2024-01-07,1", "customer_id,order_date,amount",
            "C002,2024-01-08,3"]
    log = QualityLog()
    tx = load_transactions(tx_file(tmp_path, rows), log=log)
    assert sorted(tx["customer_id"].unique()) == ["C 001", "C001", "C002", "c001"]
    has(log, "customer_id: spaces around values trimmed", "fixed", 1)
    has(log, "null-like values", "fixed", 4)
    has(log, "no customer_id", "dropped", 4)
    has(log, "repeating the header", "dropped", 1)
    reason, count = has(log, "differ only in case or spacing", "flagged")
    assert count == 3


def test_inner_non_breaking_space_in_ids_logged(tmp_path):
    log = QualityLog()
    cu = tx_file(tmp_path, ["C\u00a0001", "C002"], header="customer_id", name="cu.csv")
    assert load_customers(cu, log=log)["customer_id"].tolist() == ["C 001", "C002"]
    has(log, "non-breaking spaces inside ids", "fixed", 1)


def test_german_thousands_decided_per_column(tmp_path):
    path = tx_file(tmp_path, ["C1;01.02.2024;1.234", "C2;03.02.2024;2.500", "C3;04.02.2024;12.000"],
                   header="customer_id;order_date;amount")
    log = QualityLog()
    assert load_transactions(path, log=log)["amount"].tolist() == [1234.0, 2500.0, 12000.0]
    has(log, "dots read as thousands separators", "info", 3)


def test_utf16_and_utf32_by_bom(tmp_path):
    text = "customer_id,order_date,amount\nCé1,2024-01-01,10\n"
    for codec in ("utf-16", "utf-32"):
        path = tmp_path / f"{codec}.csv"
        path.write_bytes(text.encode(codec))
        log = QualityLog()
        assert load_transactions(path, log=log)["customer_id"].tolist() == ["Cé1"]
        has(log, f"file is {codec.upper()}", "info")


def test_one_latin1_line_in_utf8_is_decoded_and_named(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("customer_id,order_date,amount,city\nC1,2024-01-01,10,Köln\n".encode()
                     + "C2,2024-01-02,5,Zürich\n".encode("cp1252")
                     + "C3,2024-01-03,5,Bad\x81\n".encode("latin-1"))
    log = QualityLog()
    tx = load_transactions(path, log=log)
    assert tx["city"].tolist() == ["Köln", "Zürich", "Bad\x81"]
    reason, count = has(log, "decoded as Windows-1252 (cp1252): line(s) 3", "fixed")
    assert count == 1
    has(log, "undefined in Windows-1252", "flagged", 1)


def test_observation_end_after_today_keeps_dates_up_to_it(tmp_path):
    today = pd.Timestamp.today().normalize()
    soon, later = today + pd.Timedelta(days=10), today + pd.Timedelta(days=40)
    path = tx_file(tmp_path, ["C1,2024-01-05,10", f"C2,{soon:%Y-%m-%d},20", f"C3,{later:%Y-%m-%d},5"])
    log = QualityLog()
    tx = load_transactions(path, observation_end=today + pd.Timedelta(days=20), log=log)
    assert tx["customer_id"].tolist() == ["C1", "C2"]
    has(log, "implausible dates after", "dropped", 1)


def test_date_floor_that_is_not_a_date_is_an_error(tmp_path):
    with pytest.raises(DataError, match=r"read.date_floor.*not a date: 'soon'"):
        load_transactions(tx_file(tmp_path, ["C1,2024-01-05,10"]), read={"date_floor": "soon"})
