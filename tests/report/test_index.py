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
