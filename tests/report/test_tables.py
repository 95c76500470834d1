"""Tables for readers: labels, no index column, numbers, missing values, source once, no truncation."""

import re

import numpy as np
import pandas as pd
import pytest

from helpers import frameworks
from helpers.report.tables import MISSING, column_label, p_text, reader_table


def cells(styler):
    """The table's header and body texts, in order, from the rendered HTML."""
    page = styler.to_html()
    heads = re.findall(r"<th\b[^>]*>(.*?)</th>", page, flags=re.S)
    body = [re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
            for row in re.findall(r"<tr>(.*?)</tr>", page.split("<tbody>")[1], flags=re.S)]
    return [h.strip() for h in heads], [[c.strip() for c in r] for r in body]


def test_code_names_get_the_vocabulary_labels_and_no_index_column():
    t = pd.DataFrame({"nps": [1.0], "ci_low": [0.5], "ci_high": [2.0], "nps_ref": [3.0], "p_adj": [0.2]},
                     index=[7])
    heads, body = cells(reader_table(t, index=False))
    assert heads == [frameworks.COLUMN_LABELS[c] for c in ("nps", "ci_low", "ci_high", "nps_ref", "p_adj")]
    assert len(body[0]) == 5  # no index cell
    assert "ci_low" not in reader_table(t).to_html()


def test_a_range_index_is_dropped_and_a_named_index_becomes_a_column():
    t = pd.DataFrame({"customers": [1, 2]})
    assert cells(reader_table(t))[0] == ["customers"]
    heads, body = cells(reader_table(t.set_index(pd.Index(["a", "b"], name="stage"))))
    assert heads == ["stage", "customers"] and [r[0] for r in body] == ["a", "b"]


def test_numbers_are_rounded_by_size_with_thousands_separators():
    t = pd.DataFrame({"big": [1234567.891, 2.0e6], "days": [129.0, 12.0], "nps": [-22.253, 4.0],
                      "small": [0.12345, 0.5]})
    _, body = cells(reader_table(t))
    assert body[0] == ["1,234,568", "129", "−22.3", "0.12"]
    assert body[1] == ["2,000,000", "12", "4.0", "0.50"]


def test_shares_are_percent_booleans_yes_no_and_missing_no_answer():
    t = pd.DataFrame({"value_share": [0.1234, np.nan], "rate": [0.5, 0.25], "significant": [True, False],
                      "nps_class": pd.Categorical(["promoter", None])})
    _, body = cells(reader_table(t, percent=["rate"]))
    assert body == [["12.3%", "50.0%", "yes", "promoter"], [MISSING, "25.0%", "no", MISSING]]


def test_p_values_read_as_text():
    assert [p_text(p) for p in (0.0009, 0.001, 0.0456)] == ["< 0.001", "0.001", "0.046"]
    _, body = cells(reader_table(pd.DataFrame({"p_value": [1e-9, 0.3]})))
    assert body == [["&lt; 0.001"], ["0.300"]]


def test_money_columns_are_whole_units_with_the_currency_in_the_label():
    heads, body = cells(reader_table(pd.DataFrame({"value": [1234.56]}), money=["value"], currency="EUR"))
    assert heads == ["predicted value (EUR)"] and body == [["1,235"]]


def test_a_source_on_every_row_is_said_once_in_the_caption():
    t = pd.DataFrame({"name": ["a", "b"], "source": ["Reichheld (2003)"] * 2})
    page = reader_table(t).to_html()
    assert page.count("Reichheld (2003)") == 1 and "<caption>" in page
    assert cells(reader_table(t))[0] == ["name"]
    mixed = pd.DataFrame({"name": ["a", "b"], "source": ["X", "Y"]})
    assert cells(reader_table(mixed))[0] == ["name", "source"]


def test_nothing_is_truncated():
    long = "word " * 400
    t = pd.DataFrame({"definition": [long] * 300})
    page = reader_table(t).to_html()
    assert page.count(long.strip()) == 300 and "..." not in page


def test_text_is_escaped():
    t = pd.DataFrame({"<b>name</b>": ["<script>alert(1)</script>"]})
    page = reader_table(t, caption="<i>c</i>").to_html()
    assert "<script>" not in page and "<b>" not in page and "<i>" not in page
    assert "&lt;script&gt;" in page


def test_the_same_table_renders_the_same_html():
    t = pd.DataFrame({"nps": [1.0, 2.0]})
    assert reader_table(t).to_html() == reader_table(t.copy()).to_html()


def test_labels_given_win_over_the_vocabulary():
    assert column_label("n", {"n": "customers"}) == "customers"
    assert column_label("n") == frameworks.COLUMN_LABELS["n"]


def test_a_series_is_a_one_column_table():
    heads, body = cells(reader_table(pd.Series([1, 2], index=pd.Index(["x", "y"], name="phase"),
                                               name="customers")))
    assert heads == ["phase", "customers"] and body == [["x", "1"], ["y", "2"]]


def test_bad_decimals_are_refused():
    with pytest.raises(TypeError, match="decimals"):
        reader_table(pd.DataFrame({"a": [1.5]}), decimals="two")


def test_method_codes_read_as_words():
    _, body = cells(reader_table(pd.DataFrame({"method": ["adjusted_wald", "wald", "bootstrap"]})))
    assert body == [["adjusted Wald"], ["Wald"], ["bootstrap"]]


def test_dates_read_as_days():
    t = pd.DataFrame({"first": pd.to_datetime(["2024-01-02", None]), "mixed": ["a", pd.Timestamp("2024-05-06")]})
    assert cells(reader_table(t))[1] == [["2024-01-02", "a"], [MISSING, "2024-05-06"]]


def test_lists_read_as_words():
    from helpers.report.tables import reader_table

    html = reader_table(pd.DataFrame({"name": ["a", "b"], "kinds": [["sell", "nurture"], []]})).to_html()
    assert "sell, nurture" in html and "[" not in html.split("<table", 1)[1]
