"""End to end: the whole pipeline on the bundled sample data writes real HTML and PDF reports."""

import re

import pytest
from pypdf import PdfReader

from helpers import data, report


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    results = report.run_all(out_dir=out)
    return out, results


@pytest.mark.slow
def test_every_notebook_runs(run):
    out, results = run
    failed = [(r.notebook, r.error) for r in results if not r.ok]
    assert not failed
    assert [r.notebook for r in results] == [p.name for p in report.list_notebooks()]


@pytest.mark.slow
def test_html_and_pdf_are_real(run):
    out, results = run
    for r in results:
        page = (out / r.html).read_text(encoding="utf-8")
        assert len(page) > 50_000, r.notebook
        assert page.count("data:image/png;base64") >= 1, f"{r.notebook} has no figure"
        assert not re.search(r'<script[^>]+src="https?://', page), f"{r.notebook} loads a remote script"
        assert "plots.use_house_style()" not in page, f"{r.notebook} shows its code"
        pdf = PdfReader(out / r.pdf)
        assert len(pdf.pages) >= 2, r.notebook
        text = pdf.pages[0].extract_text()
        assert r.title.split(":")[0] in text, f"{r.notebook}: title missing from the PDF"


@pytest.mark.slow
def test_headlines_carry_the_numbers(run, sample):
    out, results = run
    ds = sample
    check = next(r for r in results if r.notebook == "00_data_check.ipynb")
    rows = f"{len(ds.transactions):,}"
    assert rows in check.headline
    index = (out / "index.html").read_text(encoding="utf-8")
    assert rows in index
    for r in results:
        assert r.headline, f"{r.notebook} has no headline cell output"
    assert rows in (out / check.html).read_text(encoding="utf-8")


@pytest.mark.slow
def test_transactions_only_runs_every_report_it_can(tmp_path):
    """An analyst with only a transactions export: no survey, no customers file."""
    import pandas as pd

    cfg = tmp_path / "cfg.yml"
    cfg.write_text("name: Transactions only\ninputs:\n"
                   f"  transactions: {report.PROJ_ROOT / 'data' / 'sample' / 'transactions.csv'}\n")
    out = tmp_path / "out"
    results = {r.notebook: r for r in report.run_all(cfg, out, pdf=False)}
    failed = {n: r.error for n, r in results.items() if not r.ok}
    assert not failed
    assert results["01_nps.ipynb"].skipped and not results["02_lifecycle.ipynb"].skipped
    buyers = data.load_all(cfg).transactions["customer_id"].unique()
    csv = pd.read_csv(out / "customer_actions.csv", dtype={"customer_id": str})
    assert csv["customer_id"].is_unique and set(csv["customer_id"]) == set(buyers)
    assert "Not run" in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_reports_print_for_readers(run):
    """Every PDF: figures at 200 dpi or more, no text off the page, no table that fits on a page split
    across two; every HTML: alt texts, a way back."""
    from helpers.report.pdf_check import measure_pdf
    from helpers.report.render import BACK_LINK, NO_ALT

    out, results = run
    for r in results:
        if not r.pdf:
            continue
        m = measure_pdf(out / r.pdf)
        assert m.min_dpi >= 200, (r.notebook, [round(i["dpi"]) for i in m.images])
        assert max(m.text_right) < m.page_width - 12 / 25.4 * 72 + 1, (r.notebook, m.text_right)
        assert not m.split_fitting_tables, (r.notebook, m.split_fitting_tables)
        assert m.tables or r.notebook[:2] not in ("00", "01", "02", "03", "04"), r.notebook  # measured
        covered = {}
        for im in m.images:
            covered[im["page"]] = covered.get(im["page"], 0) + im["points"][0] * im["points"][1]
        near_blank = [p for p in range(1, m.pages)  # the last page may be short
                      if m.text_chars[p - 1] < 150 and covered.get(p, 0) < 0.2 * m.page_width * 841.89]
        assert not near_blank, (r.notebook, near_blank)
        page = (out / r.html).read_text(encoding="utf-8")
        assert NO_ALT not in page and BACK_LINK in page, r.notebook


@pytest.mark.slow
def test_front_page_has_key_figures_and_the_as_of_date(run, sample):
    out, results = run
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f"Data as of <strong>{sample.observation_end:%Y-%m-%d}</strong>" in index
    assert index.count('<ul class="figures">') >= 5
    assert "(95% interval" in index or "95% interval" in index


@pytest.mark.slow
def test_every_table_shown_is_a_reader_table(run):
    """No raw DataFrame in the reports 00-04: every table output is made by reader_table."""
    import nbformat

    out, results = run
    for r in results:
        if r.notebook[:2] not in ("00", "01", "02", "03", "04") or not r.executed:
            continue
        nb = nbformat.read(out / r.executed, as_version=4)
        for cell in nb.cells:
            for o in cell.get("outputs", []):
                page = o.get("data", {}).get("text/html", "")
                if "<table" in page:
                    assert 'class="reader-table' in page and 'class="dataframe' not in page, \
                        (r.notebook, cell.source[:80])


@pytest.mark.slow
def test_03_explains_its_lapsed_groups_and_the_scale_of_its_map(run):
    out, results = run
    r = next(r for r in results if r.notebook == "03_relationship_groups.ipynb")
    page = (out / r.html).read_text(encoding="utf-8")
    assert "Labels that look contradictory answer different questions." in page
    assert re.search(r"[\d,]+ of [\d,]+ True Friends \(\d+% of True Friends\) and [\d,]+ of [\d,]+ Barnacles", page)
    assert "<strong>Reading the map.</strong> The vertical axis, profit per order, is on a symmetric" in page
