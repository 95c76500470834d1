"""Pages for print: a report with a wide table, long tables and figures, rendered to A4 and measured."""

import base64

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from helpers import plots  # noqa: E402
from helpers.report.pdf_check import measure_pdf  # noqa: E402
from helpers.report.render import BACK_LINK, NO_ALT, html_to_pdf, render_html  # noqa: E402
from helpers.report.tables import reader_table  # noqa: E402

#: A4 width in points and the print margin (12 mm) of the render template.
A4_WIDTH, MARGIN = 595.28, 12 / 25.4 * 72


def figure_output(title, size=(9, 4)):
    fig, ax = plt.subplots(figsize=size, dpi=100)
    ax.plot(np.arange(10), np.arange(10) ** 2)
    ax.set_title(title, loc="left")
    png, meta = plots.figure_png(fig)
    plt.close(fig)
    return nbformat.v4.new_output("display_data", data={"image/png": base64.b64encode(png).decode(),
                                                        "text/plain": "<Figure>"},
                                  metadata={"image/png": meta})


def table_output(styler):
    return nbformat.v4.new_output("display_data", data={"text/html": styler.to_html(),
                                                        "text/plain": "table"})


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """A report like 04's: a 15-column table, a 60-row table, figures and headings; HTML and PDF."""
    rng = np.random.default_rng(3)
    wide = pd.DataFrame({f"column_{i}_with_a_long_name": rng.normal(1000, 300, 12) for i in range(13)})
    wide.insert(0, "reason", ["High predicted value and buying less than usual"] * 12)
    wide.insert(0, "customer_id", [f"C{i:05d}" for i in range(12)])
    long = pd.DataFrame({"name": [f"customer {i}" for i in range(60)], "value": rng.normal(500, 100, 60),
                         "share": rng.uniform(0, 1, 60)})
    cell = nbformat.v4.new_code_cell
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# A report\n\n" + "Some text. " * 300),
        cell("t", outputs=[table_output(reader_table(wide))]),
        nbformat.v4.new_markdown_cell("## Figures"),
        cell("f", outputs=[figure_output("Monthly activity")]),
        cell("f", outputs=[figure_output("Predicted profit per action", (10, 5))]),
        cell("f", outputs=[figure_output("Small figure", (6.5, 3))]),
        nbformat.v4.new_markdown_cell("## A long table"),
        cell("t", outputs=[table_output(reader_table(long, money=["value"], currency="EUR"))]),
    ])
    out = tmp_path_factory.mktemp("print")
    page = render_html(nb, "A report")
    (out / "r.html").write_text(page, encoding="utf-8")
    return page, measure_pdf(html_to_pdf(out / "r.html", out / "r.pdf"))


def test_every_figure_prints_at_200_dpi_or_more(printed):
    _, m = printed
    assert len(m.images) >= 3
    assert m.min_dpi >= 200, [round(i["dpi"]) for i in m.images]


def test_no_text_starts_beyond_the_printable_width(printed):
    _, m = printed
    assert round(m.page_width, 1) == round(A4_WIDTH, 1)
    assert max(m.text_right) < A4_WIDTH - MARGIN + 1, m.text_right


def test_the_wide_table_keeps_its_last_column_on_the_page(printed):
    page, m = printed
    assert "column 12 with a long name" in page
    assert m.pages <= 6


def test_no_near_blank_page_before_the_last(printed):
    _, m = printed
    covered = {}
    for im in m.images:
        covered[im["page"]] = covered.get(im["page"], 0) + im["points"][0] * im["points"][1]
    page_area = A4_WIDTH * 841.89
    blank = [p for p in range(1, m.pages) if m.text_chars[p - 1] < 150 and covered.get(p, 0) < 0.2 * page_area]
    assert not blank, (blank, m.text_chars)


def test_alt_text_is_the_figure_title_and_the_index_is_linked(printed):
    page, _ = printed
    assert NO_ALT not in page
    for title in ("Monthly activity", "Predicted profit per action", "Small figure"):
        assert f'alt="{title}"' in page
    assert page.count(BACK_LINK) == 2


def test_figure_png_keeps_the_screen_size_and_prints_finer():
    fig, ax = plt.subplots(figsize=(8, 4), dpi=100)
    ax.set_title("T")
    png, meta = plots.figure_png(fig, dpi=220)
    plt.close(fig)
    from io import BytesIO

    from PIL import Image

    w, _ = Image.open(BytesIO(png)).size
    assert w / meta["width"] == pytest.approx(2.2, rel=0.01)
    assert meta["width"] <= 800


@pytest.fixture(scope="module")
def tables_printed(tmp_path_factory):
    """Half a page of text, a 40-row table (fits on a page), a 30-row table of long wrapped text (taller
    than a page) and a 70-row table; the HTML and the measures of its PDF."""
    rng = np.random.default_rng(5)
    reason = ("High predicted value and buying less than usual, so a personal call from the account team "
              "comes first before any automated message ") * 2
    tables = {"fit": reader_table(pd.DataFrame({"segment": [f"segment {i}" for i in range(40)],
                                                "customers": rng.integers(10, 900, 40)})),
              "wrapped": reader_table(pd.DataFrame({"rule": [f"rule {i}" for i in range(30)],
                                                    "reason": [reason] * 30})),
              "long": reader_table(pd.DataFrame({"name": [f"customer {i}" for i in range(70)],
                                                 "value": rng.normal(500, 100, 70)}))}
    cell = nbformat.v4.new_code_cell
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Tables\n\n" + "Some text. " * 250),
        cell("t", outputs=[table_output(tables["fit"])]),
        nbformat.v4.new_markdown_cell("Text before the wrapped table. " * 10),
        cell("t", outputs=[table_output(tables["wrapped"])]),
        nbformat.v4.new_markdown_cell("## A long table"),
        cell("t", outputs=[table_output(tables["long"])]),
    ])
    out = tmp_path_factory.mktemp("tables")
    page = render_html(nb, "Tables")
    (out / "t.html").write_text(page, encoding="utf-8")
    ids = {k: f"T_{t.uuid}" for k, t in tables.items()}
    return out, page, ids, measure_pdf(html_to_pdf(out / "t.html", out / "t.pdf"))


def test_a_table_that_fits_on_a_page_is_never_split(tables_printed):
    _, _, ids, m = tables_printed
    assert m.split_fitting_tables == []
    fit = m.tables[ids["fit"]]
    assert fit["rows"] == 40 and len(fit["pages"]) == 1
    # 40 rows of 8 pt text: about 40 x 13.8 pt, within the 757 pt of an A4 page's printable area
    assert 40 * 12 < fit["height"] < m.printable_height == pytest.approx(841.89 - 30 / 25.4 * 72)
    assert fit["pages"] == [2]  # it did not fit below the half page of text: moved whole, not split


def test_tables_taller_than_a_page_break_where_they_stand_with_their_header(tables_printed):
    out, _, ids, m = tables_printed
    from pypdf import PdfReader

    wrapped, long = m.tables[ids["wrapped"]], m.tables[ids["long"]]
    assert wrapped["height"] > m.printable_height and long["height"] > m.printable_height
    assert set(m.split_tables) == {ids["wrapped"], ids["long"]}
    # the wrapped table starts on the page of the table before it instead of leaving that page short
    assert wrapped["pages"][0] == m.tables[ids["fit"]]["pages"][0]
    continued = PdfReader(str(out / "t.pdf")).pages[long["pages"][1] - 1].extract_text()
    assert "name predicted value\ncustomer" in continued  # the header repeated above the next rows


def test_the_check_finds_a_fitting_table_split(tables_printed):
    """The measure on the old rule (a table over 12 rows may break): the 40-row table splits and is found."""
    from helpers.report.render import _let_break

    out, page, ids, _ = tables_printed
    (out / "old.html").write_text(_let_break(page, [ids["fit"]]), encoding="utf-8")
    m = measure_pdf(html_to_pdf(out / "old.html", out / "old.pdf"))
    assert m.split_fitting_tables == [ids["fit"]]
    assert m.tables[ids["fit"]]["pages"] == [1, 2]
    assert m.tables[ids["fit"]]["height"] < m.printable_height


def test_a_heading_and_its_short_introduction_keep_with_the_table_they_introduce(tmp_path):
    """Most of a page of text, then "Call this week" with one sentence and a 20-row table that does not
    fit below: heading, sentence and table move to the next page together."""
    table = reader_table(pd.DataFrame({"customer": [f"C{i:03d}" for i in range(20)], "priority": [1] * 20}))
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Actions\n\n" + "Some text. " * 300),
        nbformat.v4.new_markdown_cell("### Call this week\n\nThe most urgent actions first."),
        nbformat.v4.new_code_cell("t", outputs=[table_output(table)]),
    ])
    (tmp_path / "h.html").write_text(render_html(nb, "Actions"), encoding="utf-8")
    m = measure_pdf(html_to_pdf(tmp_path / "h.html", tmp_path / "h.pdf"))
    page, top = m.anchors["Call-this-week"]
    assert m.tables[f"T_{table.uuid}"]["pages"] == [page] == [2]
    top_of_page = 841.89 - 14 / 25.4 * 72  # A4 less the top margin
    assert top > top_of_page - 40  # at the top of its page, not left at the foot of the one before
