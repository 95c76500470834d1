"""helpers.report: rendering, index, failure handling (tiny notebooks, a real kernel)."""

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from helpers import report
from helpers.report import ReportResult


def make_nb(path, cells):
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def params_cell(src='config_path = "data/sample/config.yml"'):
    cell = new_code_cell(src)
    cell.metadata["tags"] = ["parameters"]
    return cell


def headline_cell(src):
    cell = new_code_cell(src)
    cell.metadata["tags"] = ["headline"]
    return cell


@pytest.fixture
def tiny_config(tmp_path):
    from pathlib import Path

    bad = Path(__file__).parent / "data" / "bad"
    (tmp_path / "tx.csv").write_bytes((bad / "refunds.csv").read_bytes())
    (tmp_path / "c.yml").write_text("name: tiny\ninputs: {transactions: tx.csv}\n")
    return tmp_path / "c.yml"


def test_render_html_hides_code_and_loads_nothing_remote():
    nb = new_notebook(cells=[new_markdown_cell("# Title"), new_code_cell("x = 'SECRET_CODE'")])
    page = report.render_html(nb, "Title")
    assert "SECRET_CODE" not in page
    assert '<script src="http' not in page and "cdn.jsdelivr" not in page and "cdnjs" not in page
    assert "@page" in page  # print stylesheet


def test_index_escapes_and_links(tmp_path):
    results = [ReportResult("00_a.ipynb", ok=True, title="A <b>", headline="NPS +5 <script>x</script>",
                            html="00_a.html", pdf="00_a.pdf", executed="executed/00_a.ipynb"),
               ReportResult("01_b.ipynb", ok=False, title="B", error="cell 3 raised KeyError: 'x'",
                            executed="executed/01_b.ipynb")]
    page = report.write_index(results, tmp_path, config={"name": "Shop & Co"}).read_text()
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x" not in page
    assert 'href="00_a.pdf"' in page and 'href="executed/01_b.ipynb"' in page
    assert "Failed: cell 3 raised KeyError" in page
    assert "Shop &amp; Co" in page


@pytest.mark.slow
def test_failure_keeps_partial_copy_names_cell_and_other_reports_still_written(tmp_path, tiny_config):
    nbdir = tmp_path / "nbs"
    nbdir.mkdir()
    good = make_nb(nbdir / "00_good.ipynb", [new_markdown_cell("# Good report"), params_cell(),
                                             headline_cell("print('Headline 42')")])
    bad = make_nb(nbdir / "01_bad.ipynb", [new_markdown_cell("# Bad report"), params_cell(),
                                           new_code_cell("ok = 1"),
                                           new_code_cell("raise KeyError('no such column')"),
                                           new_code_cell("never = 2")])
    out = tmp_path / "out"
    results = report.run_all(tiny_config, notebooks=[good, bad], out_dir=out, jobs=1, pdf=False)
    assert [r.ok for r in results] == [True, False]
    assert results[0].headline == "Headline 42"
    assert "KeyError" in results[1].error and "raise KeyError" in results[1].error
    partial = nbformat.read(out / "executed" / "01_bad.ipynb", as_version=4)
    by_source = {c.source: c for c in partial.cells if c.cell_type == "code"}
    assert by_source["ok = 1"].execution_count is not None
    assert any(o.get("output_type") == "error" for o in by_source["raise KeyError('no such column')"].outputs)
    assert by_source["never = 2"].execution_count is None
    assert (out / "00_good.html").exists() and not (out / "01_bad.html").exists()
    index = (out / "index.html").read_text()
    assert "Headline 42" in index and "Failed:" in index
    # the injected parameters cell carries the config path
    executed = nbformat.read(out / "executed" / "00_good.ipynb", as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and "c.yml" in injected[0].source
    run = json.loads((out / "run.json").read_text())
    assert [r["ok"] for r in run] == [True, False]


@pytest.mark.slow
def test_cli_exit_code_is_1_on_failure(tmp_path, monkeypatch, tiny_config):
    nbdir = tmp_path / "nbs"
    nbdir.mkdir()
    make_nb(nbdir / "00_bad.ipynb", [new_markdown_cell("# Bad"), params_cell(), new_code_cell("1/0")])
    monkeypatch.setattr(report, "NOTEBOOKS_DIR", nbdir)
    monkeypatch.setattr(report, "list_notebooks", lambda folder=nbdir: sorted(nbdir.glob("*.ipynb")))
    assert report.main(["--config", str(tiny_config), "--out", str(tmp_path / "o"), "--no-pdf",
                        "--jobs", "1"]) == 1


def test_clean_for_storage_strips_run_metadata():
    nb = new_notebook(cells=[new_code_cell("1")])
    nb.metadata["papermill"] = {"duration": 1.0}
    nb.cells[0].metadata.update({"papermill": {"duration": 0.1}, "execution": {"x": 1}, "tags": []})
    cleaned = report._clean_for_storage(nb)
    assert "papermill" not in cleaned.metadata and cleaned.cells[0].metadata == {}


def test_notebook_needing_a_missing_input_is_skipped_and_said(tmp_path):
    (tmp_path / "cfg.yml").write_text(
        "name: Transactions only\ninputs:\n"
        f"  transactions: {report.PROJ_ROOT / 'data' / 'sample' / 'transactions.csv'}\n")
    needs = make_nb(tmp_path / "01_needs_survey.ipynb", [new_markdown_cell("# Needs a survey"), params_cell()])
    nb = nbformat.read(needs, as_version=4)
    nb.metadata["reports"] = {"requires": ["survey"]}
    nbformat.write(nb, needs)
    assert report.required_inputs(needs) == ["survey"]
    out = tmp_path / "out"
    out.mkdir()
    (out / report.ACTIONS_EXPORT).write_text("left by an earlier run")
    [r] = report.run_all(tmp_path / "cfg.yml", out, notebooks=[needs], jobs=1, pdf=False)
    assert not (out / report.ACTIONS_EXPORT).exists()  # a stale CRM file never passes for this run's
    assert r.ok and "survey" in r.skipped and r.html is None and r.title == "Needs a survey"
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "Not run: needs the survey input" in page
    assert report.main(["--config", str(tmp_path / "cfg.yml"), "--out", str(out), "--only", "01_nps"]) == 0
