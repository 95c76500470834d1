"""helpers.report.render: HTML with the code hidden and nothing remote; clean stored notebooks."""

import html
import re

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from helpers import report


def test_render_html_hides_code_and_loads_nothing_remote():
    nb = new_notebook(cells=[new_markdown_cell("# Title"), new_code_cell("x = 'SECRET_CODE'")])
    page = report.render_html(nb, "Title")
    assert "SECRET_CODE" not in page
    assert '<script src="http' not in page and "cdn.jsdelivr" not in page and "cdnjs" not in page
    assert "@page" in page  # print stylesheet


def test_clean_for_storage_strips_run_metadata():
    nb = new_notebook(cells=[new_code_cell("1")])
    nb.metadata["papermill"] = {"duration": 1.0}
    nb.cells[0].metadata.update({"papermill": {"duration": 0.1}, "execution": {"x": 1}, "tags": []})
    cleaned = report._clean_for_storage(nb)
    assert "papermill" not in cleaned.metadata and cleaned.cells[0].metadata == {}


HOSTILE_HTML = ['<img src=x onerror=alert(3)>', '<script>alert(1)</script>',
                '<a href="javascript:alert(1)">click</a>', '<a href=" JaVa&#x09;script:alert(2)">tab</a>',
                '<scr<script>x</script>ipt>alert(5)</script>', '<!-- --!><img src=y onerror=alert(4)> -->']


def _assert_inert(page):
    """No script element, no odd tag name, no event handler, no javascript: URL (text may say alert)."""
    tags = re.findall(r"<(?!!)/?([^\s/>]*)([^>]*)>", page)
    assert all(re.fullmatch(r"[a-zA-Z][a-zA-Z0-9:_-]*", name) for name, _ in tags)
    assert not any(name.lower() in ("script", "iframe") for name, _ in tags)
    attrs = [html.unescape(a) for _, a in tags]  # as a browser reads them
    assert not any(re.search(r"(^|[\s\"'/])on\w+\s*=", a, re.I) for a in attrs)
    assert not any("javascript:" in re.sub(r"[\x00-\x20]", "", a).lower() for a in attrs)


def test_render_html_removes_scripts_from_markdown_and_outputs():
    hostile = " ".join(HOSTILE_HTML)
    out = new_output("display_data", data={"text/html": f"<p>out {hostile}</p>", "text/plain": "x"})
    code = new_code_cell("display()", outputs=[out])
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    img = new_output("display_data", data={"image/png": png, "text/plain": "fig"})
    nb = new_notebook(cells=[new_markdown_cell(f"# Survey\n\nAttribute: {hostile} [site](https://example.org/a?b=1&c=2)"),
                             code, new_code_cell("fig", outputs=[img])])
    page = report.render_html(nb, "T")
    _assert_inert(page)
    assert "Attribute:" in page and "out " in page
    assert '<a href="https://example.org/a?b=1&amp;c=2">site</a>' in page  # ordinary links kept
    assert f'src="data:image/png;base64,{png}"' in page  # inline images kept
    assert "<style" in page and "@page" in page and ".jp-Notebook" in page  # the report's own CSS


def test_sanitize_html_removes_handlers_and_script_urls_keeps_the_rest():
    page = ('<p class="c" style="color:red" onclick="x()" ONMOUSEOVER=y()>Hi</p>'
            '<a href="https://e.org" title="t">e</a><a href="javascript:alert(1)">j</a>'
            '<img src="data:image/png;base64,AA==" alt="a"><img src="data:text/html,<b>">'
            '<iframe src="https://e.org"></iframe><meta http-equiv="refresh" content="0;url=https://e.org">')
    assert report.sanitize_html(page) == ('<p class="c" style="color:red">Hi</p><a href="https://e.org" title="t">e</a>'
                                          '<a>j</a><img alt="a" src="data:image/png;base64,AA=="/><img/>')
    for h in HOSTILE_HTML:
        _assert_inert(report.sanitize_html(f"<div>{h}</div>"))


def test_config_name_in_the_data_check_line_renders_as_text():
    from helpers.narrative import data_check

    name = '<img src=x onerror=alert(3)> <script>alert(1)</script> [a](javascript:alert(2))'
    line = data_check.dataset_line(name, "2025-06-30", "EUR")
    page = report.render_html(new_notebook(cells=[new_markdown_cell(line)]), "T")
    _assert_inert(page)
    assert "&lt;img src=x onerror=alert(3)&gt; &lt;script&gt;alert(1)&lt;/script&gt;" in page
