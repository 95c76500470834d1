"""helpers.report.cli: the exit status of ``python -m helpers.report``."""

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell

from helpers import report
from helpers.report import pipeline
from tests.report.tiny import make_nb, params_cell


@pytest.mark.slow
def test_cli_exit_code_is_1_on_failure(tmp_path, monkeypatch, tiny_config):
    nbdir = tmp_path / "nbs"
    nbdir.mkdir()
    make_nb(nbdir / "00_bad.ipynb", [new_markdown_cell("# Bad"), params_cell(), new_code_cell("1/0")])
    monkeypatch.setattr(pipeline, "NOTEBOOKS_DIR", nbdir)
    monkeypatch.setattr(pipeline, "list_notebooks", lambda folder=nbdir: sorted(nbdir.glob("*.ipynb")))
    assert report.main(["--config", str(tiny_config), "--out", str(tmp_path / "o"), "--no-pdf",
                        "--jobs", "1"]) == 1


def test_module_entry_point_and_script_resolve():
    from importlib.metadata import EntryPoint

    import helpers.report.__main__  # noqa: F401  (importing it does not run the command)

    assert EntryPoint("crm-reports", "helpers.report:main", "console_scripts").load() is report.main
