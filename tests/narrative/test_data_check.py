import pandas as pd

from helpers.narrative import data_check

END = pd.Timestamp("2025-06-30")


def test_dataset_line_states_name_date_currency_and_escapes():
    line = data_check.dataset_line("Shop <A&B>", END, "EUR")
    assert line == "**Shop &lt;A&amp;B&gt;**, as of **2025-06-30**; amounts in EUR."


def test_log_examples_only_entries_with_examples_in_order():
    log = pd.DataFrame({"input": ["transactions", "survey", "survey"],
                        "reason": ["refunds", "no examples", "blank *answer*"],
                        "count": [12345, 3, 7], "examples": ["line 2 ...", "", "line 9 ..."]})
    blocks = data_check.log_examples(log)
    assert len(blocks) == 2
    assert blocks[0].startswith("**transactions: refunds** (12,345 rows)")
    assert "```\nline 2 ...\n```" in blocks[0]
    assert "(7 rows)" in blocks[1] and "*answer*" not in blocks[1]


def test_log_examples_empty_log():
    log = pd.DataFrame({"input": [], "reason": [], "count": [], "examples": []})
    assert data_check.log_examples(log) == []


def test_warnings_text():
    assert data_check.warnings_text(["a", "b"]) == "- a\n- b"
    assert data_check.warnings_text([]) == data_check.NO_WARNINGS


def test_headline_counts_what_it_is_given():
    tx = pd.DataFrame({"customer_id": ["c1", "c2", "c2", "c3"],
                       "order_date": pd.to_datetime(["2024-05-01", "2024-02-03", "2024-07-01",
                                                     "2025-01-01"])})
    text = data_check.headline(tx, 2000, END, 75, 1)
    assert text == ("4 transaction rows from 3 customers (2024-02-03 to 2025-06-30), "
                    "2,000 survey responses; 75 rows dropped, 1 warning(s).")


def test_headline_without_transactions_says_no_nan():
    tx = pd.DataFrame({"customer_id": pd.Series([], dtype=str),
                       "order_date": pd.Series([], dtype="datetime64[ns]")})
    text = data_check.headline(tx, 0, END, 0, 0)
    assert "nan" not in text.lower() and "NaT" not in text
    assert text.startswith("0 transaction rows from 0 customers (no purchase to 2025-06-30)")


def test_dataset_line_name_with_tags_and_markdown_is_text():
    line = data_check.dataset_line('<img src=x onerror=alert(3)> *[x](javascript:y)*', END, "<b>EUR</b>")
    assert "<" not in line and ">" not in line and "[" not in line and "*x" not in line
    assert line.startswith("**&lt;img src=x onerror=alert(3)&gt; &#42;&#91;x&#93;(javascript:y)&#42;**")
    assert line.endswith("amounts in &lt;b&gt;EUR&lt;/b&gt;.")
