"""Render executed notebooks for readers: HTML with the code hidden, an A4 PDF, clean stored copies."""

from __future__ import annotations

from pathlib import Path

from helpers.report.sanitize import sanitize_html

__all__ = ["PRINT_CSS", "render_html", "html_to_pdf"]

#: Appended to the lab template's <head>, after its own styles, so that it wins.
PRINT_CSS = """
<style>
  body { max-width: 1100px; margin: 0 auto; }
  .jp-Notebook { padding: 0 1rem; }
  .jp-OutputArea-output table { font-size: 11px; }
  .jp-RenderedHTMLCommon table { table-layout: auto; }
  .jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th { white-space: normal; }
  .report-footer { color: #777; font-size: 11px; margin: 2rem 1rem; }
  @page { size: A4; margin: 14mm 12mm 16mm 12mm;
          @bottom-right { content: counter(page) " / " counter(pages); font-size: 9px; color: #777; } }
  @media print {
    body { max-width: none; }
    .jp-Cell, .jp-OutputArea-child, img, table, tr { break-inside: avoid; }
    h1, h2, h3 { break-after: avoid; }
    .jp-OutputArea-output, .jp-RenderedHTMLCommon { overflow: visible !important; }
    .jp-RenderedHTMLCommon table { font-size: 8.5px; width: 100% !important; max-width: 100%; }
    .jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th { padding: 2px 4px; word-break: break-word; }
    img { max-width: 100% !important; height: auto !important; }
    pre { white-space: pre-wrap; word-break: break-word; font-size: 8.5px; }
  }
</style>
"""


def render_html(nb, title: str) -> str:
    """Render an executed notebook as a self-contained HTML report with the code hidden.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook.
    title : str
        The page title.

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
    body = sanitize_html(body)
    return body.replace("</head>", PRINT_CSS + "</head>", 1)


def html_to_pdf(html_path, pdf_path) -> Path:
    """Print an HTML report to an A4 PDF with WeasyPrint.

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
    html_path, pdf_path = Path(html_path), Path(pdf_path)
    weasyprint.HTML(filename=str(html_path), base_url=str(html_path.parent)).write_pdf(str(pdf_path))
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

