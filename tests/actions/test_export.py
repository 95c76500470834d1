"""helpers.actions.export: the CRM file, pseudonymised or not, and the pipeline step."""

import re

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
    assert list(out.columns) == ["customer_id", "action", "priority", "owner", "reason", "segments"]
    assert out["customer_id"].tolist() == ["C1", "C2", "<script>x</script>"]
    assert out.loc[0, "segments"] == "rfm_segment=Lost"


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
    assert list(plain.columns) == actions.EXPORT_COLUMNS
    age = plain.set_index("customer_id")["answer_age_days"]
    assert age.reindex(v.index).equals(v["answer_age_days"].astype(float).rename("answer_age_days"))
    k1 = actions.export_actions(v, tmp_path / "k1.csv", key="key-one").read_text()
    k1b = actions.export_actions(v, tmp_path / "k1b.csv", key="key-one").read_text()
    k2 = actions.export_actions(v, tmp_path / "k2.csv", key="key-two").read_text()
    assert k1 == k1b and k1 != k2
    assert not ids & set(re.findall(r"\w+", k1))  # no raw id anywhere in the file (sample_view ids are \w+)
    out = pd.read_csv(tmp_path / "k1.csv", dtype={"customer_id": str})
    pseud = out["customer_id"]
    assert pseud.str.fullmatch(r"[0-9a-f]{16}").all() and pseud.is_unique
    # rows are ordered by the pseudonyms, so their order reveals nothing about the real ids
    assert out.equals(out.sort_values(["priority", "customer_id"], ignore_index=True))
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
    assert list(out.columns) == ["customer_id", "action", "priority", "owner", "reason", "answer_date",
                                 "answer_age_days", "segments"]
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
    assert [r[:2] for r in rows[1:]] == [["C1", "a\rb"], ["C2", "c\nd"]]
