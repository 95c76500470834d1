"""helpers.io.schema: the column mapping onto the data contract."""

import pytest

from helpers.io import DataError, load_transactions
from tests.io.checks import BAD


def test_mapped_columns_with_pipe_separator():
    tx = load_transactions(BAD / "mapped_columns.csv", {"customer_id": "Cust No", "order_date": "Order Day",
                                                        "amount": "Net Sales"})
    assert tx[["customer_id", "amount"]].values.tolist() == [["C1", 10.0]]


def test_mapping_to_a_missing_column_names_the_fix():
    with pytest.raises(DataError, match=r"maps 'amount' to 'Revenue'.*\n?.*Fix: correct `columns: transactions: amount:"):
        load_transactions(BAD / "bom_utf8.csv", {"amount": "Revenue"})


def test_missing_required_column_names_file_column_and_fix():
    with pytest.raises(DataError) as exc:
        load_transactions(BAD / "missing_required_column.csv")
    msg = str(exc.value)
    assert "missing_required_column.csv, column 'order_date'" in msg
    assert "['customer_id', 'date', 'amount']" in msg
    assert "columns: transactions: order_date: <your column name>" in msg
