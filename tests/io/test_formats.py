"""Parquet and xlsx exports, derived columns and `exclude:` conditions go through the same mapping,
validation and data-quality log as CSV."""

import duckdb
import pandas as pd
import pytest

from helpers.io import DataError, QualityLog, load_transactions
from helpers.io.schema import evaluate_expression, is_expression

from .checks import BAD, has

RETAIL = pd.DataFrame({
    "Customer": ["C1", "C1", "C2", "C3", "C3"],
    "InvoiceDate": pd.to_datetime(["2024-01-05", "2024-02-01", "2024-01-09", "2024-03-01", "2024-03-02"]),
    "Quantity": [2, 1, 3, 1, -1],
    "UnitPrice": [2.5, 10.0, 1.0, 4.0, 4.0],
    "StockCode": ["A1", "POST", "B2", "A1", "A1"],
})
MAP = {"customer_id": "Customer", "order_date": "InvoiceDate", "amount": "Quantity * UnitPrice"}


def write_parquet(df, path):
    with duckdb.connect() as con:
        con.register("t", df)
        con.execute(f"COPY t TO '{path}' (FORMAT parquet)")
    return path


def test_parquet_read_mapped_and_derived(tmp_path):
    log = QualityLog()
    tx = load_transactions(write_parquet(RETAIL, tmp_path / "tx.parquet"), MAP, log=log)
    expected = (RETAIL["Quantity"] * RETAIL["UnitPrice"]).tolist()
    assert sorted(tx["amount"].tolist()) == sorted(expected)
    assert tx["order_date"].min() == pd.Timestamp("2024-01-05")
    has(log, "read as parquet", "info")
    has(log, "amount computed as Quantity * UnitPrice", "fixed", 5)


def test_parquet_named_csv_is_read_as_parquet(tmp_path):
    log = QualityLog()
    tx = load_transactions(write_parquet(RETAIL, tmp_path / "tx.csv"), MAP, log=log)
    assert len(tx) == 5
    has(log, "is parquet: read as parquet", "fixed")


def test_xlsx_sheet_from_config(tmp_path):
    path = tmp_path / "tx.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        pd.DataFrame({"note": ["cover sheet"]}).to_excel(xl, sheet_name="Cover", index=False)
        RETAIL.to_excel(xl, sheet_name="Orders", index=False)
    log = QualityLog()
    tx = load_transactions(path, MAP, read={"sheet": "Orders"}, log=log)
    assert sorted(tx["amount"].tolist()) == sorted((RETAIL["Quantity"] * RETAIL["UnitPrice"]).tolist())
    assert set(tx["customer_id"]) == {"C1", "C2", "C3"}
    per_input = load_transactions(path, MAP, read={"transactions": {"sheet": "Orders"}})
    assert len(per_input) == 5
    with pytest.raises(DataError, match=r"no sheet named 'Sales'.*\['Cover', 'Orders'\]"):
        load_transactions(path, MAP, read={"sheet": "Sales"})


def test_format_override(tmp_path):
    path = tmp_path / "export.dat"
    path.write_text("customer_id,order_date,amount\nC1,2024-01-01,5\n")
    assert len(load_transactions(path, read={"format": "csv"})) == 1
    with pytest.raises(DataError, match="not readable as Parquet"):
        load_transactions(path, read={"format": "parquet"})


def test_exclude_conditions_counted_with_examples(tmp_path):
    path = tmp_path / "retail.csv"
    path.write_text("Customer,InvoiceDate,Quantity,UnitPrice,StockCode,Description\n"
                    "C1,2024-01-05,2,2.50,A1,Mug\n"
                    "C1,2024-01-06,1,5.00,POST,Postage\n"
                    "C2,2024-01-07,1,3.00,BANK CHARGES,Bank charges\n"
                    "C2,2024-01-08,1,9.00,M,Manual adjustment\n"
                    "C3,2024-01-09,-1,2.50,A1,Mug\n"
                    "C3,2024-01-10,4,1.00,B2,Plate\n")
    exclude = [{"column": "StockCode", "in": ["POST", "BANK CHARGES"]},
               {"column": "Description", "matches": "^Manual"},
               {"column": "Quantity", "below": 0}]
    log = QualityLog()
    tx = load_transactions(path, MAP, exclude=exclude, log=log)
    assert tx["amount"].tolist() == [5.0, 4.0]
    has(log, "StockCode in ['POST', 'BANK CHARGES']", "dropped", 2)
    has(log, "Description matching ^Manual", "dropped", 1)
    has(log, "Quantity below 0", "dropped", 1)
    entry = next(e for e in log.entries if "StockCode in" in e["reason"])
    assert "line 3" in entry["examples"] and "line 4" in entry["examples"]


@pytest.mark.parametrize("expr", ["__import__('os').system('x')", "Quantity.real", "Quantity ** 2",
                                  "Quantity if 1 else 2", "'a' + Quantity", "Quantity < 2",
                                  "lambda: 1", "UnitPrice[0]"])
def test_expression_refuses_everything_but_arithmetic(expr):
    cols = {"Quantity": pd.Series([1.0]), "UnitPrice": pd.Series([2.0])}
    with pytest.raises(ValueError):
        evaluate_expression(expr, cols)


def test_expression_arithmetic_matches_pandas():
    q, p, d = pd.Series([2.0, 3.0, 0.0]), pd.Series([1.5, 2.0, 4.0]), pd.Series([1.0, 0.0, 2.0])
    got = evaluate_expression("-(Qty * `Unit Price`) + 2 * d / 4", {"Qty": q, "Unit Price": p, "d": d})
    assert got.tolist() == (-(q * p) + 2 * d / 4).tolist()
    assert is_expression("`Net Sales` - Tax") and not is_expression("Net Sales")


def test_bad_expression_is_one_error_naming_the_setting(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Customer,InvoiceDate,Quantity,UnitPrice\nC1,2024-01-01,2,x\n")
    with pytest.raises(DataError, match=r"column 'UnitPrice'.*1 value\(s\) used in amount"):
        load_transactions(path, MAP)
    with pytest.raises(DataError, match=r"\['Price'\] is not a column of the file"):
        load_transactions(path, {**MAP, "amount": "Quantity * Price"})
    with pytest.raises(DataError, match=r"computes 'amount' as .*not allowed"):
        load_transactions(path, {**MAP, "amount": "Quantity * abs(UnitPrice)"})


def test_file_column_shadowed_by_mapping_is_kept_and_logged(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("customer_id,order_date,amount,net\nC1,2024-01-01,12,10\nC2,2024-01-02,24,20\n")
    log = QualityLog()
    tx = load_transactions(path, {"amount": "net"}, log=log)
    assert tx["amount"].tolist() == [10.0, 20.0]
    assert tx["amount (file)"].tolist() == ["12", "24"]
    has(log, "the file's own 'amount' column is not used", "info")


def test_two_columns_for_one_canonical_name_is_an_error(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("customer_id,order_date,Amount,AMOUNT\nC1,2024-01-01,12,10\n")
    with pytest.raises(DataError, match=r"\['Amount', 'AMOUNT'\] could all be 'amount'"):
        load_transactions(path)
    with pytest.raises(DataError, match="not a column of the data contract"):
        load_transactions(BAD / "refunds.csv", {"ammount": "amount"})


def test_derived_values_keep_their_decimals_in_a_semicolon_file(tmp_path):
    # 1.125 and 2.375 look like German thousands in a ';' file; computed values never are
    path = tmp_path / "t.csv"
    path.write_text("Kunde;Datum;Menge;Preis\nC1;05.01.2024;1;1,125\nC2;06.01.2024;1;2,375\n")
    tx = load_transactions(path, {"customer_id": "Kunde", "order_date": "Datum", "amount": "Menge * Preis"},
                           exclude=[{"column": "amount", "above": 2}])
    assert tx["amount"].tolist() == [1.125]


def test_load_all_reads_xlsx_sheet_and_exclusions_from_the_config(tmp_path):
    from helpers.io import load_all

    path = tmp_path / "tx.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        pd.DataFrame({"note": ["cover"]}).to_excel(xl, sheet_name="Cover", index=False)
        RETAIL.assign(StockCode=["A1", "POST", "B2", "A1", "A1"]).to_excel(xl, sheet_name="Orders",
                                                                          index=False)
    cfg = tmp_path / "c.yml"
    cfg.write_text("inputs: {transactions: tx.xlsx}\n"
                   "read: {transactions: {sheet: Orders}}\n"
                   "columns: {transactions: {customer_id: Customer, order_date: InvoiceDate,\n"
                   "                         amount: Quantity * UnitPrice}}\n"
                   "exclude: {transactions: [{column: StockCode, in: [POST]}]}\n")
    ds = load_all(cfg)
    kept = RETAIL.drop(index=1)  # the POST row
    assert sorted(ds.transactions["amount"]) == sorted(kept["Quantity"] * kept["UnitPrice"])
    has(ds.log, "excluded by the config: StockCode in ['POST']", "dropped", 1)


def test_typos_under_read_and_exclude_are_errors(tmp_path):
    with pytest.raises(DataError, match=r"column 'read': unknown setting\(s\) \['seperator'\]"):
        load_transactions(BAD / "refunds.csv", read={"seperator": ";"})
    with pytest.raises(DataError, match=r"unknown setting\(s\) \['sheeet'\]"):
        load_transactions(BAD / "refunds.csv", read={"transactions": {"sheeet": "Orders"}})
    from helpers.io import load_all

    (tmp_path / "t.csv").write_bytes((BAD / "refunds.csv").read_bytes())
    cfg = tmp_path / "c.yml"
    cfg.write_text("inputs: {transactions: t.csv}\nexclude: {transactons: [{column: amount, below: 0}]}\n")
    # the config check stops it first, with the nearest input name
    with pytest.raises(DataError, match=r"(?s)unknown key .transactons. under `exclude:`.*did you mean .transactions."):
        load_all(cfg)
