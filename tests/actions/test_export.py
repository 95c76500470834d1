"""helpers.actions.export: the CRM file, pseudonymised or not, and the pipeline step."""

import re

import numpy as np
import pandas as pd
import pytest

from helpers import actions
from tests.actions.checks import input_ids


def view():
    return pd.DataFrame({"customer_id": ["C2", "C1", "<script>x</script>"], "action": ["a", "b", "c"],
                         "priority": [2, 1, 9], "owner": ["o"] * 3, "reason": ["r"] * 3,
                         "nps_class": ["promoter", None, "detractor"], "rfm_segment": ["Champions", "Lost", None]})


def test_export_one_row_per_customer_sorted(tmp_path):
    out = pd.read_csv(actions.export_actions(view(), tmp_path / "a.csv"))
    assert list(out.columns) == ["rank", "customer_id", "priority", "action", "owner", "reason", "nps_class",
                                 "rfm_segment"]
    assert out["customer_id"].tolist() == ["C1", "C2", "<script>x</script>"]
    assert out["rank"].tolist() == [1, 2, 3]
    assert out.loc[0, "rfm_segment"] == "Lost" and pd.isna(out.loc[0, "nps_class"])  # no packed k=v text
    assert not out.astype(str).apply(lambda c: c.str.contains("=")).any().any()


def test_pseudonymised_export_stable_and_leak_free(tmp_path):
    p1 = actions.export_actions(view(), tmp_path / "k1.csv", key="key-one").read_text()
    p1b = actions.export_actions(view(), tmp_path / "k1b.csv", key="key-one").read_text()
    p2 = actions.export_actions(view(), tmp_path / "k2.csv", key="key-two").read_text()
    assert p1 == p1b and p1 != p2
    for raw in ("C1", "C2", "<script>"):
        assert raw not in p1
    ids = pd.read_csv(tmp_path / "k1.csv")["customer_id"]
    assert ids.str.fullmatch(r"[0-9a-f]{16}").all() and ids.is_unique


def test_pseudonymise_needs_a_key():
    with pytest.raises(ValueError, match="key"):
        actions.pseudonymise(["a"], "")


def test_export_refuses_repeated_ids(tmp_path):
    v = pd.concat([view(), view().iloc[[0]]])
    with pytest.raises(ValueError, match="unique"):
        actions.export_actions(v, tmp_path / "a.csv")


def test_pseudonymise_key_environment_wins(monkeypatch):
    monkeypatch.delenv(actions.KEY_ENV, raising=False)
    assert actions.pseudonymise_key({"actions": {"pseudonymise_key": "from-config"}}) == "from-config"
    assert actions.pseudonymise_key({"actions": {}}) is None and actions.pseudonymise_key(None) is None
    monkeypatch.setenv(actions.KEY_ENV, "from-env")
    assert actions.pseudonymise_key({"actions": {"pseudonymise_key": "from-config"}}) == "from-env"


def test_sample_export_every_customer_once_and_pseudonymised(sample_view, tmp_path):
    ds, v = sample_view
    ids = input_ids(ds)
    plain = pd.read_csv(actions.export_actions(v, tmp_path / "plain.csv"), dtype={"customer_id": str})
    assert plain["customer_id"].is_unique and set(plain["customer_id"]) == ids
    assert list(plain.columns) == list(actions.EXPORT_COLUMNS.values())
    assert {"stage", "rung", "group", "predicted_value", "p_alive", "last_purchase", "name"} <= set(plain.columns)
    by_id = plain.set_index("customer_id").reindex(v.index)
    age = by_id["answer_age_days"]
    assert age.equals(v["answer_age_days"].astype(float).rename("answer_age_days"))
    # one column per framework, each equal to the view's fact (missing = empty cell)
    for fact, col in [("nps_class", "nps_class"), ("lifecycle_stage", "stage"), ("ladder_step", "rung"),
                      ("rfm_segment", "rfm_segment"), ("relationship_group", "group"),
                      ("buyer_type", "buyer_type")]:
        assert by_id[col].fillna("").tolist() == v[fact].astype("object").fillna("").tolist(), fact
    np.testing.assert_allclose(by_id["predicted_value"], v["clv"].astype(float), atol=0.005)
    np.testing.assert_allclose(by_id["predicted_value_lower"], v["clv_lower"].astype(float), atol=0.005)
    np.testing.assert_allclose(by_id["p_alive"], v["p_alive"].astype(float), atol=0.0005)
    has = by_id["predicted_value"].notna()
    assert (by_id.loc[has, "predicted_value_lower"] <= by_id.loc[has, "predicted_value"] + 0.01).all()
    assert by_id["last_purchase"].fillna("").tolist() == [
        "" if pd.isna(d) else d.strftime("%Y-%m-%d") for d in v["last_purchase"]]
    # the file is the full call list: its first rows are the report's call list, in order
    top = actions.call_list(v, 15)
    assert plain["customer_id"].head(15).tolist() == top["customer_id"].tolist()
    assert plain["rank"].tolist() == list(range(1, len(plain) + 1))
    # how sure the relationship group is travels with the action
    gp = plain.set_index("customer_id")["group_probability"].reindex(v.index)
    pd.testing.assert_series_equal(gp, v["group_probability"].astype(float), check_names=False, rtol=1e-12)
    assert gp[v["relationship_group"].notna()].between(0, 1).all()
    assert (plain.set_index("customer_id")["borderline"].reindex(v.index) == v["borderline"]).all()
    k1 = actions.export_actions(v, tmp_path / "k1.csv", key="key-one").read_text()
    k1b = actions.export_actions(v, tmp_path / "k1b.csv", key="key-one").read_text()
    k2 = actions.export_actions(v, tmp_path / "k2.csv", key="key-two").read_text()
    assert k1 == k1b and k1 != k2
    assert not ids & set(re.findall(r"\w+", k1))  # no raw id anywhere in the file (sample_view ids are \w+)
    out = pd.read_csv(tmp_path / "k1.csv", dtype={"customer_id": str})
    pseud = out["customer_id"]
    assert pseud.str.fullmatch(r"[0-9a-f]{16}").all() and pseud.is_unique
    # rows are ordered by priority, value and then the pseudonyms, so the order reveals no real id
    assert out["priority"].is_monotonic_increasing
    value = out["predicted_value"].fillna(-np.inf)
    assert all(value[out["priority"] == p].is_monotonic_decreasing for p in out["priority"].unique())
    assert "name" not in out.columns  # a shared file carries no names
    assert set(pseud) == set(actions.pseudonymise(sorted(ids), "key-one"))  # joinable with the key


def test_pipeline_export_step(sample_view, tmp_path, monkeypatch):
    from helpers import report
    from helpers.config import load_config
    from helpers.paths import SAMPLE_CONFIG

    ds, v = sample_view
    cfg = load_config(SAMPLE_CONFIG)
    monkeypatch.setenv(actions.KEY_ENV, "pipeline-key")
    skipped = [report.ReportResult("01_nps.ipynb", ok=True)]
    report._export_actions(cfg, tmp_path, skipped)
    assert not (tmp_path / report.ACTIONS_EXPORT).exists() and skipped[0].extra == {}
    # what the notebook does when the pipeline gives it export_path
    actions.export_customer_actions(ds, tmp_path / report.ACTIONS_EXPORT, view=v)
    r = report.ReportResult("04_customer_actions.ipynb", ok=True)
    report._export_actions(cfg, tmp_path, [r])
    assert r.ok and r.extra == {"export": "customer_actions.csv", "pseudonymised": True}
    same = actions.export_actions(v, tmp_path / "direct.csv", key="pipeline-key")
    assert (tmp_path / "customer_actions.csv").read_text() == same.read_text()

    failed = report.ReportResult("04_customer_actions.ipynb", ok=True)  # ran, but wrote no file
    (tmp_path / "f").mkdir()
    report._export_actions(cfg, tmp_path / "f", [failed])
    assert not failed.ok and "customer_actions.csv not written" in failed.error


def test_export_carries_answer_date_and_age(tmp_path):
    v = view().assign(answer_date=pd.to_datetime(["2024-06-10", None, "2023-07-01"]),
                      answer_age_days=pd.array([20, pd.NA, 365], dtype="Int64"))
    out = pd.read_csv(actions.export_actions(v, tmp_path / "a.csv"), dtype=str, keep_default_na=False)
    assert list(out.columns) == ["rank", "customer_id", "priority", "action", "owner", "reason", "nps_class",
                                 "answer_date", "answer_age_days", "rfm_segment"]
    assert out.set_index("customer_id")[["answer_date", "answer_age_days"]].to_dict("index") == {
        "C1": {"answer_date": "", "answer_age_days": ""},
        "C2": {"answer_date": "2024-06-10", "answer_age_days": "20"},
        "<script>x</script>": {"answer_date": "2023-07-01", "answer_age_days": "365"}}


HOSTILE = ['=HYPERLINK("x")', "+SUM(1+1)", "-2+3+cmd|' /C calc'!A0", "@SUM(1)", "\tx", "\rx"]


def test_export_neutralises_formulas_in_ids_and_text(tmp_path):
    import csv

    n = len(HOSTILE)
    v = pd.DataFrame({"customer_id": HOSTILE + ["C1", "a=b", "x-1"], "action": ["call"] * (n + 3),
                      "priority": [1] * (n + 3), "owner": ["CS"] * (n + 3),
                      "reason": HOSTILE + ["late", "price+", "'quoted"]})
    path = actions.export_actions(v, tmp_path / "a.csv")
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    by_reason = {r["reason"]: r for r in rows}
    for h in HOSTILE:  # each hostile id and reason is written once, as text behind a quote
        assert by_reason["'" + h]["customer_id"] == "'" + h
    assert {r["customer_id"] for r in rows} == {"'" + h for h in HOSTILE} | {"C1", "a=b", "x-1"}
    assert {r["reason"] for r in rows} >= {"late", "price+", "'quoted"}  # safe values unchanged
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for c in r.values())
    assert all(r["priority"] == "1" for r in rows)


def test_neutralise_formulas_leaves_numbers_and_missing_values():
    f = pd.DataFrame({"id": ["-1", "=A1", None, "ok"], "n": [-2, 3, 0, -1.5], "mixed": [-3, "-3", "+x", "x"]})
    out = actions.neutralise_formulas(f)
    assert out["id"].tolist()[:2] == ["'-1", "'=A1"] and pd.isna(out.loc[2, "id"]) and out.loc[3, "id"] == "ok"
    assert out["n"].tolist() == [-2, 3, 0, -1.5] and out["n"].dtype == f["n"].dtype
    assert out["mixed"].tolist() == [-3, "'-3", "'+x", "x"]  # a number in a text column stays a number
    assert f["id"].tolist()[1] == "=A1"  # the input is not modified


def test_neutralised_negative_priority_stays_numeric(tmp_path):
    v = pd.DataFrame({"customer_id": ["C1", "C2"], "action": ["a", "b"], "priority": [-1, 2],
                      "owner": ["o", "o"], "reason": ["r", "r"]})
    out = pd.read_csv(actions.export_actions(v, tmp_path / "a.csv"))
    assert out["priority"].tolist() == [-1, 2]


def test_export_quotes_line_breaks_inside_cells(tmp_path):
    import csv

    v = pd.DataFrame({"customer_id": ["C1", "C2"], "action": ["a\rb", "c\nd"], "priority": [1, 2],
                      "owner": ["o", "o"], "reason": ["r", "r"]})
    with open(actions.export_actions(v, tmp_path / "a.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert [[r[1], r[3]] for r in rows[1:]] == [["C1", "a\rb"], ["C2", "c\nd"]]


def test_write_csv_gives_the_bytes_of_pandas_to_csv(tmp_path):
    """Quoting, line breaks in cells, empty and missing text, number forms, booleans, nullable
    integers and categories: the same file as pandas' own writer."""
    from helpers.actions.export import write_csv
    f = pd.DataFrame({
        "t": pd.array(["a,b", 'say "hi"', "line\nbreak", "cr\rhere", "", None, " lead", "é ü",
                       "'=x", "tab\tx"], dtype="string"),
        "o": pd.Series(["x", None, "", "y,z", 'q"', "a", "b", "c", "d", "e"], dtype=object),
        "f": [1e-05, 1.2345678901234568e20, np.inf, np.nan, -0.0, 0.1 + 0.2, 1 / 3, 50.0, 1e16,
              2.5e-7],
        "i": pd.array([1, None, 3, 4, 5, 6, 7, 8, 9, 10], dtype="Int64"),
        "n": np.arange(10),
        "b": [True, False] * 5,
        "nb": pd.array([True, None, False] + [True] * 7, dtype="boolean"),
        "c": pd.Categorical(["a", None, "b", "a", "b", "a", "b", "a", "b", "a"]),
    })
    f.to_csv(tmp_path / "pandas.csv", index=False, lineterminator="\r\n")
    write_csv(f, tmp_path / "duckdb.csv")
    assert (tmp_path / "duckdb.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()
