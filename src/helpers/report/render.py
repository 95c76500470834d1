"""Render executed notebooks for readers: HTML with the code hidden, an A4 PDF, clean stored copies."""

from __future__ import annotations

from pathlib import Path

from helpers.report.sanitize import sanitize_html

__all__ = ["PRINT_CSS", "BACK_LINK", "NO_ALT", "KEEP_INTRO_CHARS", "render_html",
           "keep_headings_with_content", "html_to_pdf", "png_title", "alt_texts"]

#: The link back to the index page of the run, at the top and the foot of every report.
BACK_LINK = '<nav class="report-nav"><a href="index.html">&larr; All reports (index)</a></nav>'
#: The alt text nbconvert gives every image without one.
NO_ALT = "No description has been provided for this image"

#: Appended to the lab template's <head>, after its own styles, so that it wins.
PRINT_CSS = """
<style>
  body { max-width: 1100px; margin: 0 auto; }
  .jp-Notebook { padding: 0 1rem; }
  .jp-OutputArea-output table { font-size: 12px; }
  .jp-RenderedHTMLCommon table { table-layout: auto; }
  .jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th { white-space: normal; }
  .jp-RenderedHTMLCommon table.reader-table caption { color: #555; font-size: 0.9em; padding: 2px 0; }
  .jp-RenderedHTMLCommon table.reader-table td, .jp-RenderedHTMLCommon table.reader-table th {
    max-width: 28em; }
  .report-nav { font-size: 13px; margin: 0.6rem 1rem; }
  .report-footer { color: #777; font-size: 11px; margin: 2rem 1rem; }
  @page { size: A4; margin: 14mm 12mm 16mm 12mm;
          @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; color: #777; } }
  @media print {
    html { font-size: 10pt; }
    body { max-width: none; margin: 0; font-size: 10pt; }
    .jp-Notebook { padding: 0; }
    .jp-Cell { padding: 0; margin: 0; }
    .jp-OutputArea-output, .jp-RenderedHTMLCommon { overflow: visible !important; padding-right: 0; }
    .jp-RenderedHTMLCommon h1, .jp-RenderedHTMLCommon h2, .jp-RenderedHTMLCommon h3,
    .jp-RenderedHTMLCommon h4, h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid;
                                                   break-inside: avoid; }
    .jp-OutputArea-child { break-inside: auto; page-break-inside: auto; }
    .keep-with-next { break-after: avoid; page-break-after: avoid; }
    .jp-RenderedImage, img, figure, svg { break-inside: avoid; page-break-inside: avoid; }
    table.reader-table, .jp-RenderedMarkdown table { break-inside: avoid; page-break-inside: avoid; }
    table.reader-table-long { break-inside: auto; page-break-inside: auto; }
    img { max-width: 100% !important; height: auto !important; }
    .jp-RenderedHTMLCommon table, .jp-OutputArea-output table {
      font-size: 8pt; width: auto !important; max-width: 100%; table-layout: auto;
      margin-left: 0; }
    .jp-RenderedHTMLCommon table.wide { width: 100% !important; }
    thead { display: table-header-group; }
    tr, td, th { break-inside: avoid; page-break-inside: avoid; }
    .jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th, .jp-OutputArea-output td, .jp-OutputArea-output th {
      padding: 1.5pt 3pt; overflow-wrap: break-word; word-break: normal; hyphens: manual; }
    .jp-RenderedHTMLCommon table.reader-table td, .jp-RenderedHTMLCommon table.reader-table th {
      max-width: none; }
    .jp-RenderedHTMLCommon th, .jp-OutputArea-output th { overflow-wrap: anywhere; hyphens: auto; }
    p, li { orphans: 3; widows: 3; }
    pre { white-space: pre-wrap; word-break: break-word; font-size: 8pt; }
    .jp-InputPrompt, .jp-OutputPrompt { display: none; }
  }
</style>
"""


def png_title(data: bytes) -> str:
    """The ``Title`` text chunk of a PNG ("" when it has none), as :func:`helpers.plots.figure_png` writes.

    Parameters
    ----------
    data : bytes
        A PNG file.

    Returns
    -------
    str

    Examples
    --------
    >>> import io
    >>> from PIL import Image, PngImagePlugin
    >>> info = PngImagePlugin.PngInfo(); info.add_text("Title", "NPS by region")
    >>> buf = io.BytesIO(); Image.new("RGB", (2, 2)).save(buf, "png", pnginfo=info)
    >>> png_title(buf.getvalue()), png_title(b"not a png")
    ('NPS by region', '')
    """
    import io

    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            return " ".join(str(img.text.get("Title", "")).split()) if hasattr(img, "text") else ""
    except (UnidentifiedImageError, OSError, ValueError):
        return ""


def alt_texts(page: str) -> str:
    """Give every inline PNG of a page the title embedded in it as alt text (instead of nbconvert's
    "No description has been provided for this image"); an image without a title gets "Figure".

    An image with a ``width`` (its screen size; the PNG holds more pixels, for print) also gets it as
    a CSS width, which the PDF printer honours, so it prints at the PNG's resolution.

    Parameters
    ----------
    page : str
        HTML.

    Returns
    -------
    str

    Examples
    --------
    >>> import base64, io
    >>> from PIL import Image, PngImagePlugin
    >>> info = PngImagePlugin.PngInfo(); info.add_text("Title", "Sales & returns")
    >>> buf = io.BytesIO(); Image.new("RGB", (2, 2)).save(buf, "png", pnginfo=info)
    >>> src = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
    >>> alt_texts(f'<img alt="{NO_ALT}" src="{src}">')[:33]
    '<img alt="Sales &amp; returns" sr'
    """
    import base64
    import html
    import re

    def fix(match):
        tag = match.group(0)
        src = re.search(r'src="data:image/png;base64,([^"]+)"', tag)
        title = ""
        if src:
            try:
                title = png_title(base64.b64decode(src.group(1)))
            except ValueError:
                title = ""
        alt = html.escape(title or "Figure", quote=True)
        tag = re.sub(r'\salt="[^"]*"', "", tag)
        width = re.search(r'\swidth="?(\d+)', tag)
        size = f' style="width: {width.group(1)}px"' if width and "style=" not in tag else ""
        return tag.replace("<img", f'<img alt="{alt}"{size}', 1)

    return re.sub(r"<img\b[^>]*>", fix, page)


#: A Markdown cell whose text after its last heading is at most this many characters introduces what
#: follows (a table, a figure): printed, it keeps with it.
KEEP_INTRO_CHARS = 400


def keep_headings_with_content(page: str) -> str:
    """Mark each Markdown cell whose content comes in the next cell, so that print keeps it on the page
    of what follows (``break-after: avoid`` on the cell): a cell that ends with a heading, one whose
    text after its last heading is a short introduction, and a short lead-in that ends with a colon
    ("Package versions used for this report:"); short is at most :data:`KEEP_INTRO_CHARS` characters.

    Parameters
    ----------
    page : str
        HTML rendered by nbconvert's lab template.

    Returns
    -------
    str

    Examples
    --------
    >>> cell = '<div class="jp-Cell jp-MarkdownCell"><div class="jp-RenderedMarkdown"><p>x</p><h2>Act</h2></div></div>'
    >>> "keep-with-next" in keep_headings_with_content(cell)
    True
    >>> "keep-with-next" in keep_headings_with_content(cell.replace("<h2>Act</h2>", ""))
    False
    >>> intro = cell.replace("<p>x</p><h2>Act</h2>", "<h3>Call this week</h3><p>The list:</p>")
    >>> "keep-with-next" in keep_headings_with_content(intro)
    True
    >>> "keep-with-next" in keep_headings_with_content(intro.replace("The list:", "Long prose. " * 40))
    False
    >>> lead = cell.replace("<p>x</p><h2>Act</h2>", "<hr><p>Package versions used for this report:</p>")
    >>> "keep-with-next" in keep_headings_with_content(lead), "keep-with-next" in keep_headings_with_content(
    ...     lead.replace("report:", "report."))
    (True, False)
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "html.parser")
    changed = False
    headings = ("h1", "h2", "h3", "h4", "h5", "h6")
    for cell in soup.select("div.jp-MarkdownCell"):
        rendered = cell.select_one(".jp-RenderedMarkdown") or cell
        tags = [c for c in rendered.contents if getattr(c, "name", None)]
        last = max((i for i, c in enumerate(tags) if c.name in headings), default=None)
        after = " ".join(c.get_text(" ", strip=True) for c in tags[(last + 1 if last is not None else 0):])
        after = " ".join(after.split())
        # a heading with a short introduction, or a short lead-in ending with a colon
        if len(after) <= KEEP_INTRO_CHARS and (last is not None or after.endswith(":")):
            cell["class"] = list(cell.get("class", [])) + ["keep-with-next"]
            changed = True
    return str(soup) if changed else page


def render_html(nb, title: str, *, nav: str = BACK_LINK) -> str:
    """Render an executed notebook as a self-contained HTML report with the code hidden.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook.
    title : str
        The page title.
    nav : str, default :data:`BACK_LINK`
        Trusted HTML put at the top and the foot of the page: the link back to the index page ("" for
        none).

    Returns
    -------
    str
        HTML that loads nothing from the internet (no MathJax, no require.js) and runs nothing: scripts,
        event handlers and ``javascript:`` links are removed by :func:`sanitize_html`.

    Examples
    --------
    >>> import nbformat, re
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Hi")])
    >>> page = render_html(nb, "Hi")
    >>> re.search(r'<script[^>]+src="https?://', page) is None, "<script" in page
    (True, False)
    """
    import re

    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    exporter.mathjax_url = ""
    exporter.require_js_url = ""
    exporter.jquery_url = ""
    exporter.mermaid_js_url = ""
    exporter.mermaid_layout_elk_js_url = ""
    exporter.jupyter_widgets_base_url = ""
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    # no script is needed once MathJax, require.js and mermaid are blanked: every <script> goes (the
    # template's inert loaders and any that arrives through Markdown or an output), with event handlers
    # and javascript: links
    body = keep_headings_with_content(alt_texts(sanitize_html(body)))
    if nav:
        body = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + nav, body, count=1)
        body = body.replace("</body>", nav + "</body>", 1)
    return body.replace("</head>", PRINT_CSS + "</head>", 1)


def _let_break(page: str, ids) -> str:
    """Add the class ``reader-table-long`` (may break between rows) to the tables with these ids."""
    import re

    def mark(match):
        tag = match.group(0)
        if "reader-table-long" in tag:
            return tag
        if 'class="' in tag:
            return tag.replace('class="', 'class="reader-table-long ', 1)
        return tag.replace("<table", '<table class="reader-table-long"', 1)

    for table_id in ids:
        page = re.sub(rf'<table\b[^>]*\bid="{re.escape(table_id)}"[^>]*>', mark, page)
    return page


def html_to_pdf(html_path, pdf_path) -> Path:
    """Print an HTML report to an A4 PDF with WeasyPrint, every table that fits on a page kept whole.

    The print style keeps every reader table on one page (``break-inside: avoid``) unless it has
    more rows than can ever fit (:data:`helpers.report.tables.LONG_TABLE`). A table with fewer rows
    can still be taller than a page (wrapped text); WeasyPrint then moves it to a new page and splits
    it anyway, leaving the page before it short. Such tables are found in the printed PDF
    (:func:`helpers.report.pdf_check.table_layout`) and the report is printed once more with them
    allowed to break between rows (their header repeated on each page).

    Parameters
    ----------
    html_path : str or Path
    pdf_path : str or Path

    Returns
    -------
    Path
        ``pdf_path``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.html").write_text("<h1>Report</h1>")
    >>> html_to_pdf(d / "a.html", d / "a.pdf").read_bytes()[:4]
    b'%PDF'
    """
    import logging

    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    import io

    from pypdf import PdfReader

    from helpers.report.pdf_check import table_layout

    html_path, pdf_path = Path(html_path), Path(pdf_path)
    base = str(html_path.parent)
    printed = weasyprint.HTML(filename=str(html_path), base_url=base).write_pdf()
    split = [k for k, v in table_layout(PdfReader(io.BytesIO(printed))).items() if len(v["pages"]) > 1]
    if split:
        page = html_path.read_text(encoding="utf-8")
        marked = _let_break(page, split)
        if marked != page:  # tables kept whole that did not fit: print again, letting them break
            printed = weasyprint.HTML(string=marked, base_url=base).write_pdf()
    pdf_path.write_bytes(printed)
    return pdf_path


def _clean_for_storage(nb):
    """Strip run-specific metadata (papermill timings, editor state) so stored notebooks diff cleanly."""
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        md = cell.get("metadata", {})
        md.pop("papermill", None)
        md.pop("execution", None)
        md.pop("collapsed", None)
        md.pop("scrolled", None)
        if "tags" in md and not md["tags"]:
            md.pop("tags")
    return nb

