"""helpers.report.index: the index page escapes what it shows and links every output."""

from helpers import report
from helpers.report import ReportResult


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


def test_index_shows_a_hostile_config_name_as_text(tmp_path):
    name = '<img src=x onerror=alert(3)><script>alert(1)</script>'
    page = report.write_index([], tmp_path, config={"name": name}).read_text()
    assert "&lt;img src=x onerror=alert(3)&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img" not in page and "<script" not in page


import json  # noqa: E402

import nbformat  # noqa: E402
import pytest  # noqa: E402

from helpers import frameworks  # noqa: E402
from helpers.report.index import (KEY_FIGURES_MIME, KEY_FIGURES_TAG, key_figure, key_figures,  # noqa: E402
                                  read_key_figures)


def executed_with_figures(path, figures, as_of="2025-12-31", warnings=()):
    """An executed notebook whose key-figures cell holds ``figures`` (as the kernel would write it)."""
    bundle = key_figures(figures, as_of=as_of, warnings=warnings)._repr_mimebundle_()
    out = nbformat.v4.new_output("display_data", data=bundle)
    cell = nbformat.v4.new_code_cell("key_figures(...)", metadata={"tags": [KEY_FIGURES_TAG]}, outputs=[out])
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    return path


def test_key_figure_text_matches_the_numbers():
    f = key_figure("NPS", 5.04, low=2.61, high=7.52, signed=True, interval="95% interval, adjusted Wald")
    assert (f["value"], f["interval"], f["method"]) == ("+5", "+3 to +8", "95% interval, adjusted Wald")
    assert key_figure("NPS", -22.253, low=-30.1, high=-14.6, signed=True)["interval"] == "−30 to −15"
    share = key_figure("lapsed", 2573 / 4500, percent=True, decimals=1, base="of buyers")
    assert (share["value"], share["base"]) == ("57.2%", "of buyers")
    money = key_figure("value", 269903.4, low=262355.2, high=279530.9, unit="EUR")
    assert (money["value"], money["interval"]) == ("269,903 EUR", "262,355 to 279,531 EUR")
    assert key_figure("median", float("inf"), low=100, high=200)["value"] == "not reached"
    assert key_figure("n", 12)["interval"] == ""  # no interval, none invented


def test_key_figures_refuse_bad_input():
    with pytest.raises(ValueError, match="one to five key figures, not 6"):
        key_figures([key_figure("a", 1)] * 6)
    with pytest.raises(ValueError, match="value must be a number"):
        key_figure("a", "many")


def test_the_front_page_has_dates_figures_order_and_warnings(tmp_path):
    executed_with_figures(tmp_path / "executed" / "00_data_check.ipynb", [key_figure("transaction rows", 56596)],
                          warnings=["Only 40% of survey answers carry a customer id: <check> the export."])
    executed_with_figures(tmp_path / "executed" / "01_nps.ipynb",
                          [key_figure("NPS", 5.2, low=2.6, high=7.8, signed=True, interval="95% interval")])
    results = [ReportResult("00_data_check.ipynb", ok=True, title="Data check", html="00_data_check.html",
                            executed="executed/00_data_check.ipynb"),
               ReportResult("01_nps.ipynb", ok=True, title="NPS", html="01_nps.html",
                            executed="executed/01_nps.ipynb")]
    page = report.write_index(results, tmp_path, run_date="2026-01-05").read_text()
    assert "Data as of <strong>2025-12-31</strong>" in page and "Run on 2026-01-05" in page
    assert "56,596" in page and "+5" in page and "(+3 to +8; 95% interval)" in page
    # the warning in full, escaped
    assert ("Only 40% of survey answers carry a customer id: &lt;check&gt; the export. "
            '(from <a href="00_data_check.html">Data check</a>)') in page
    # a reading order for every reader, each step linked when its report ran
    for reader in frameworks.READING_ORDER:
        assert f"<h3>{reader.capitalize()}</h3>" in page
    assert '<a href="01_nps.html">NPS</a>: intervals, tests and sample sizes' in page


def test_a_report_without_key_figures_still_gets_its_row(tmp_path):
    results = [ReportResult("02_x.ipynb", ok=True, title="X", html="02_x.html", executed="executed/02_x.ipynb")]
    page = report.write_index(results, tmp_path).read_text()
    assert '<a href="02_x.html">X</a>' in page and "Data as of" not in page


def test_read_key_figures_reads_the_tagged_cell(tmp_path):
    path = executed_with_figures(tmp_path / "n.ipynb", [key_figure("customers", 4500)])
    facts = read_key_figures(path)
    assert facts["as_of"] == "2025-12-31" and facts["figures"][0]["value"] == "4,500"
    nb = nbformat.read(path, as_version=4)
    assert json.dumps(nb.cells[0].outputs[0].data[KEY_FIGURES_MIME])  # stored as JSON
