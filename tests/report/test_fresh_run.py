"""helpers.report: inputs checked once before any notebook, and a run that never mixes with an older one."""

import json

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell

from helpers import report
from helpers.config import ConfigError
from helpers.io import DataError
from helpers.report import pipeline
from tests.report.tiny import headline_cell, make_nb, params_cell


def _old_run(out):
    """What an earlier run left: pages, PDFs, the CRM file, executed copies, plus the folder's README."""
    (out / "executed").mkdir(parents=True)
    for name in ("00_good.html", "00_good.pdf", "01_bad.html", "01_bad.pdf", "index.html",
                 report.ACTIONS_EXPORT, "executed/01_bad.ipynb"):
        (out / name).write_text("from the earlier run")
    (out / "README.md").write_text("generated output only")
    (out / "run.json").write_text(json.dumps([{"html": "02_old.html", "pdf": None}]))
    (out / "02_old.html").write_text("from the earlier run")


def test_publish_replaces_only_the_outputs_of_a_run(tmp_path):
    out, work = tmp_path / "out", tmp_path / ".out.run-1"
    _old_run(out)
    (out / "notes.txt").write_text("the user's own file")
    work.mkdir()
    (work / "index.html").write_text("new")
    pipeline.publish(work, out)
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "index.html", "notes.txt"]
    assert (out / "index.html").read_text() == "new" and not work.exists()


def test_unusable_config_stops_before_any_notebook_and_clears_the_old_run(tmp_path, tiny_config):
    cfg = tiny_config
    cfg.write_text(cfg.read_text() + "read: {seperator: ';'}\n")
    out = tmp_path / "out"
    _old_run(out)
    with pytest.raises(ConfigError, match=r"c.yml, line 3, key 'read.seperator'"):
        report.run_all(cfg, out, jobs=1, pdf=False)
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "index.html", "run.json"]
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "Input check" in page and "unknown key &#x27;seperator&#x27;" in page
    assert ".\nFix: valid keys here: sep" in page and "white-space: pre-wrap" in page
    assert not list(tmp_path.glob(".out.run-*"))


def test_cli_prints_a_data_error_once_without_traceback(tmp_path, tiny_config, capsys):
    (tmp_path / "tx.csv").write_text("customer_id,order_date,amount\n", encoding="utf-8")
    code = report.main(["--config", str(tiny_config), "--out", str(tmp_path / "o"), "--no-pdf"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("tx.csv: the file has a header but no rows") == 1
    assert "Traceback" not in err and "Stopped before any report" in err
    assert (tmp_path / "o" / "index.html").exists()


def test_cli_wrong_input_path_is_one_message(tmp_path, tiny_config, capsys):
    tiny_config.write_text("name: tiny\ninputs:\n  transactions: tx.cvs\n")
    assert report.main(["--config", str(tiny_config), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "line 3, key 'inputs.transactions'" in err and "did you mean 'tx.csv'?" in err
    assert "Traceback" not in err and err.count("points to a missing file") == 1


def test_check_inputs_raises_the_loaders_error(tmp_path, tiny_config):
    (tmp_path / "tx.csv").write_text("customer_id,order_date\na,2024-01-01\n", encoding="utf-8")
    with pytest.raises(DataError, match="required column 'amount' is missing"):
        pipeline.check_inputs(tiny_config)


@pytest.mark.slow
def test_failed_notebook_leaves_no_report_of_the_previous_run(tmp_path, tiny_config, monkeypatch):
    nbdir = tmp_path / "nbs"
    nbdir.mkdir()
    good = make_nb(nbdir / "00_good.ipynb", [new_markdown_cell("# Good"), params_cell(),
                                             headline_cell("print('fresh 7')")])
    bad = make_nb(nbdir / "01_bad.ipynb", [new_markdown_cell("# Bad"), params_cell(), new_code_cell("1/0")])
    monkeypatch.setattr(pipeline, "list_notebooks", lambda folder=nbdir: [good, bad])
    out = tmp_path / "out"
    _old_run(out)
    results = report.run_all(tiny_config, out, jobs=1, pdf=False)
    assert [r.ok for r in results] == [True, False]
    left = sorted(p.name for p in out.iterdir() if p.name != ".cache")  # the result cache stays
    assert left == ["00_good.html", "README.md", "executed", "index.html", "run.json"]
    assert "fresh 7" in (out / "00_good.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in (out / "executed").iterdir()) == ["00_good.ipynb", "01_bad.ipynb"]
    assert (out / "executed" / "01_bad.ipynb").read_text() != "from the earlier run"
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "02_old" not in page and page.count("<li><h2>") == 2  # one entry per report of this run
    assert not list(tmp_path.glob(".out.run-*"))


def test_data_limits_need_two_repeat_buyers():
    import pandas as pd
    from types import SimpleNamespace

    tx = pd.DataFrame({"customer_id": ["a", "a", "b", "c", "c"],
                       "order_date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-05",
                                                     "2024-03-01", "2024-03-01"]),
                       "amount": [5.0, 6.0, 7.0, 8.0, 9.0]})
    # a bought on two days; c twice on one day (one purchase day): one repeat buyer of three
    limits = pipeline.data_limits(SimpleNamespace(transactions=tx))
    assert limits["repeat_buyers"].startswith("Only 1 of 3 customers bought on two different days")
    tx.loc[4, "order_date"] = pd.Timestamp("2024-04-01")
    assert pipeline.data_limits(SimpleNamespace(transactions=tx)) == {}
    # a refund on another day is not a purchase day
    tx.loc[4, "amount"] = -9.0
    assert "repeat_buyers" in pipeline.data_limits(SimpleNamespace(transactions=tx))
