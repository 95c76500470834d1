"""helpers.report.render: HTML with the code hidden and nothing remote; clean stored notebooks."""

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

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
