"""Run every notebook on a data set and publish HTML (code hidden) + PDF reports and an index page.

Usage::

    python -m helpers.report --config data/sample/config.yml --out reports
    python -m helpers.report --refresh          # re-execute notebooks/ in place (stored outputs)

For each ``notebooks/NN_*.ipynb`` the pipeline

1. executes it with papermill, passing ``config_path`` (the notebook reads its thresholds from the
   config), into ``<out>/executed/NN_name.ipynb``;
2. renders ``<out>/NN_name.html`` with nbconvert's lab template, input cells hidden (readers are
   managers), no script or font loaded from the internet, no script, event handler or
   ``javascript:`` link at all (input data can reach Markdown and outputs), and a print stylesheet
   (A4, tables that wrap instead of overflowing);
3. prints that HTML to ``<out>/NN_name.pdf`` with WeasyPrint;
4. writes the front page ``<out>/index.html``: the data's as-of date and the run date, the reading
   order per reader, the data warnings in full, and every report with its one-line headline (the text
   output of the notebook's cell tagged ``headline``) and key figures (the cell tagged
   ``key-figures``); every report links back to it.

When the customer-actions notebook (``NN_customer_actions``) runs, the pipeline passes it
``export_path`` and the notebook writes the CRM import file ``<out>/customer_actions.csv`` (one row per
customer: id, action, priority, owner, reason, rules, segments) with
:func:`helpers.actions.export_customer_actions` from the view it has already computed; the pipeline
removes a file left by an earlier run first and fails the report when the file is not written.
Refreshing the stored notebooks or validating them with nbval writes no file. Ids are replaced by keyed
hashes when the environment variable ``CRM_PSEUDONYMISE_KEY`` or the config's
``actions: {pseudonymise_key: ...}`` is set.

A notebook that fails keeps its partially executed copy; the command names the notebook and the cell
that failed, still writes every other report and the index, and exits with status 1.

Submodules:

- :mod:`helpers.report.pipeline`  :func:`run_notebook`, :func:`run_all`, :func:`refresh_notebooks`,
  :class:`ReportResult`, :func:`list_notebooks`, :func:`required_inputs` and the CRM export check
- :mod:`helpers.report.render`    :func:`render_html` (code hidden, nothing remote, ``PRINT_CSS``),
  :func:`html_to_pdf`, and the clean-up of stored notebooks
- :mod:`helpers.report.sanitize`  :func:`sanitize_html`, scripts and event handlers removed from a page
- :mod:`helpers.report.index`     :func:`write_index`, the front page of a run; :func:`key_figure`,
  :func:`key_figures` for a report's key-figures cell
- :mod:`helpers.report.tables`    :func:`reader_table`, every table a report shows (pandas Styler)
- :mod:`helpers.report.pdf_check` :func:`measure_pdf`, pages, image resolution and text position of a PDF
- :mod:`helpers.report.cli`       :func:`main`, the command line (``python -m helpers.report``)
"""

from helpers.paths import NOTEBOOKS_DIR, PROJ_ROOT, REPORTS_DIR, SAMPLE_CONFIG
from helpers.report.cli import main
from helpers.report.index import write_index
from helpers.report.pipeline import (ACTIONS_EXPORT, KERNEL, ReportResult, _export_actions,
                                     list_notebooks, refresh_notebooks, required_inputs, run_all,
                                     run_notebook)
from helpers.report.render import PRINT_CSS, _clean_for_storage, html_to_pdf, render_html
from helpers.report.sanitize import sanitize_html

__all__ = ["ReportResult", "list_notebooks", "run_notebook", "render_html", "sanitize_html", "html_to_pdf",
           "write_index", "run_all", "refresh_notebooks", "required_inputs", "main"]
