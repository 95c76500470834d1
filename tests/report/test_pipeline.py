"""helpers.report.pipeline: failure handling and skipped notebooks (tiny notebooks, a real kernel)."""

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell

from helpers import report
from tests.report.tiny import headline_cell, make_nb, params_cell


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
