"""Degenerate and survey-only runs through the command line: one clear error, or reports that say
what cannot be computed (never "nan%" or a crash). Inputs are generated in tmp_path."""

import re

import pandas as pd
import pytest

from helpers import report
from tests.report import inputs as gen


def _run(cfg, out, capsys, *only):
    code = report.main(["--config", str(cfg), "--out", str(out), "--no-pdf", "--jobs", "1",
                        *(["--only", *only] if only else [])])
    return code, capsys.readouterr()


def _one_error(code, captured, text):
    assert code == 2
    assert captured.err.count(text) == 1, captured.err
    assert "Traceback" not in captured.err and "Traceback" not in captured.out


def test_observation_end_before_all_data_is_one_error(tmp_path, capsys):
    cfg = gen.write(tmp_path, tx=gen.transactions(), observation_end="2020-01-01")
    code, captured = _run(cfg, tmp_path / "out", capsys)
    _one_error(code, captured, "the observation end 2020-01-01")
    assert "Fix: set `observation_end:`" in captured.err
    assert "Input check" in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("sign, kind", [(-1, "refunds or returns (negative)"), (0, "zero or negative")])
def test_no_positive_amount_is_one_error(tmp_path, capsys, sign, kind):
    tx = gen.transactions()
    tx["amount"] = sign * tx["amount"]
    code, captured = _run(gen.write(tmp_path, tx=tx), tmp_path / "out", capsys)
    _one_error(code, captured, f"tx.csv, column 'amount': all {len(tx)} amounts are {kind}")
    assert "observation_end" not in captured.err


def test_one_customer_is_one_error(tmp_path, capsys):
    code, captured = _run(gen.write(tmp_path, tx=gen.transactions(1, (1, 3))), tmp_path / "out", capsys)
    _one_error(code, captured, "only 1 customer bought anything")


def _pages(out):
    return {p.name: p.read_text(encoding="utf-8") for p in out.glob("*.html")}


def _no_nan(pages):
    for name, page in pages.items():
        text = re.sub(r"<[^>]+>", " ", page)
        assert not re.search(r"\bnan\s*%|\bNaT\b|\bnan\b", text), name


@pytest.mark.slow
def test_no_repeat_buyers_runs_what_it_can_and_says_why_not_the_rest(tmp_path, capsys):
    cfg = gen.write(tmp_path, tx=gen.transactions(40, (1, 1)))
    out = tmp_path / "out"
    code, captured = _run(cfg, out, capsys, "00_data", "02", "03", "04")
    assert code == 0, captured.err
    lines = {ln.split()[1]: ln for ln in captured.out.splitlines() if ln[:4] in ("ok  ", "skip", "FAIL")}
    assert lines["00_data_check.ipynb"].startswith("ok")
    for nb in ("02_lifecycle.ipynb", "03_relationship_groups.ipynb", "04_customer_actions.ipynb"):
        assert lines[nb].startswith("skip") and "No customer bought on two different days (40 customers" in lines[nb]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count("Not run: No customer bought on two different days") == 3
    _no_nan(_pages(out))


@pytest.mark.slow
def test_survey_alone_without_dates(tmp_path, capsys):
    sv = gen.survey(150, dates=False, period=True, items=True, comments="fr")
    sv = sv.rename(columns={"score": "Recommandation", "region": "canal"})
    cfg = gen.write(tmp_path, sv=sv,
                    nps={"score_column": "Recommandation"})
    out = tmp_path / "out"
    code, captured = _run(cfg, out, capsys, "00_data", "01", "02", "03", "04")
    assert code == 0, captured.err
    assert "Survey only: 150 survey responses, no transactions file" in captured.out
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count("needs the transactions input") == 3
    page = (out / "01_nps.html").read_text(encoding="utf-8")
    assert "150 answers, with no response dates." in page
    assert "the trend is drawn per value of its column period" in page
    assert "The run has no transactions file, so purchase behaviour cannot enter the drivers" in page
    assert "<strong>ease</strong>: 150 answers" in page
    assert "The survey has no column region, so segments are not compared; its columns" in page
    # French comments: the function words are stop words, the content words remain
    assert re.search(r"<td[^>]*>\s*(livraison|lent|cher|personnel|sympa)\s*</td>", page)
    assert not re.search(r"<td>(est|le|la|et)</td>", page)
    _no_nan(_pages(out))


@pytest.mark.slow
def test_survey_ids_matching_no_customer_do_not_break_the_actions(tmp_path, capsys):
    # the sample's purchases (the lifetime model fits them in seconds) with answers from unknown ids
    tx = pd.read_csv(report.PROJ_ROOT / "data" / "sample" / "transactions.csv", dtype=str)
    sv = gen.survey(120, ids=[f"X{i}" for i in range(40)])
    out = tmp_path / "out"
    code, captured = _run(gen.write(tmp_path, tx=tx, sv=sv), out, capsys, "04")
    assert code == 0, captured.err
    csv = pd.read_csv(out / report.ACTIONS_EXPORT, dtype={"customer_id": str})
    assert set(tx["customer_id"]) <= set(csv["customer_id"])


def test_survey_alone_dated_after_the_observation_end_is_one_error(tmp_path, capsys):
    cfg = gen.write(tmp_path, sv=gen.survey(30), observation_end="2020-01-01")
    code, captured = _run(cfg, tmp_path / "out", capsys)
    _one_error(code, captured, "no response is dated on or before the observation end 2020-01-01")
