"""Run every notebook on a data set and publish HTML (code hidden) + PDF reports and an index page.

Usage::

    python -m helpers.report --config data/sample/config.yml --out reports
    python -m helpers.report --refresh          # re-execute notebooks/ in place (stored outputs)

For each ``notebooks/NN_*.ipynb`` the pipeline

1. executes it with papermill, passing ``config_path`` (the notebook reads its thresholds from the
   config), into ``<out>/executed/NN_name.ipynb``;
2. renders ``<out>/NN_name.html`` with nbconvert's lab template, input cells hidden (readers are
   managers), no script or font loaded from the internet, and a print stylesheet (A4, tables that
   wrap instead of overflowing);
3. prints that HTML to ``<out>/NN_name.pdf`` with WeasyPrint;
4. writes ``<out>/index.html`` linking every report with its one-line headline: the text output of the
   notebook's cell tagged ``headline``.

When the customer-actions notebook (``NN_customer_actions``) ran, the pipeline also writes the CRM
import file ``<out>/customer_actions.csv`` (one row per customer: id, action, priority, owner,
reason, rules, segments) with :func:`helpers.actions.export_customer_actions`. The pipeline writes it,
not the notebook, because only the pipeline knows the output folder: notebooks stay free of side
effects, so refreshing them or validating them with nbval writes no file. Ids are replaced by keyed
hashes when the environment variable ``CRM_PSEUDONYMISE_KEY`` or the config's
``actions: {pseudonymise_key: ...}`` is set.

A notebook that fails keeps its partially executed copy; the command names the notebook and the cell
that failed, still writes every other report and the index, and exits with status 1.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from helpers.paths import NOTEBOOKS_DIR, PROJ_ROOT, REPORTS_DIR, SAMPLE_CONFIG, resolve

__all__ = ["ReportResult", "list_notebooks", "run_notebook", "render_html", "html_to_pdf",
           "write_index", "run_all", "refresh_notebooks", "required_inputs", "main"]

KERNEL = "python3"
#: The CRM import file written next to the reports (see the module docstring).
ACTIONS_EXPORT = "customer_actions.csv"


def _inline_figures():
    """Kernels inherit the environment: a non-inline MPLBACKEND (e.g. Agg from a test run) would
    leave figures out of the reports and the stored notebooks."""
    os.environ.pop("MPLBACKEND", None)

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


@dataclass
class ReportResult:
    """Outcome of one notebook through the pipeline.

    Attributes
    ----------
    notebook : str
        File name, e.g. ``"01_nps.ipynb"``.
    ok : bool
        Whether the notebook executed without error.
    title : str
        The notebook's first H1 heading.
    headline : str
        Text output of the cell tagged ``headline`` ("" when none).
    executed, html, pdf : str or None
        Paths of the outputs written (relative to the output folder).
    error : str
        For a failure: which cell failed and the error.
    seconds : float
        Wall time for the notebook.
    skipped : str
        Why the notebook was not run (an input it needs is not in the config); "" when it ran.
    extra : dict
        Further outputs, e.g. the CSV export of the customer-actions report.
    """

    notebook: str
    ok: bool = False
    title: str = ""
    headline: str = ""
    executed: str | None = None
    html: str | None = None
    pdf: str | None = None
    error: str = ""
    seconds: float = 0.0
    skipped: str = ""
    extra: dict = field(default_factory=dict)


def list_notebooks(folder=NOTEBOOKS_DIR) -> list[Path]:
    """Return the report notebooks of ``folder`` in run order (``NN_*.ipynb``, sorted).

    Parameters
    ----------
    folder : Path, default notebooks/

    Returns
    -------
    list of Path

    Raises
    ------
    FileNotFoundError
        If the folder holds no numbered notebook.

    Examples
    --------
    >>> list_notebooks()[0].name
    '00_data_check.ipynb'
    """
    found = sorted(p for p in Path(folder).glob("[0-9][0-9]_*.ipynb"))
    if not found:
        raise FileNotFoundError(f"no notebooks named NN_*.ipynb in {folder}")
    return found


def required_inputs(notebook) -> list[str]:
    """The inputs a notebook cannot do without, from its metadata ``reports.requires``.

    A notebook that needs, e.g., the survey declares ``{"reports": {"requires": ["survey"]}}`` in its
    notebook metadata; :func:`run_all` skips it (and says why on the index page) when the run
    configuration gives no such input. Transactions are required by every run anyway.

    Parameters
    ----------
    notebook : str or Path

    Returns
    -------
    list of str

    Examples
    --------
    >>> required_inputs(NOTEBOOKS_DIR / "01_nps.ipynb")
    ['survey']
    """
    import nbformat

    nb = nbformat.read(resolve(notebook), as_version=4)
    return list(nb.metadata.get("reports", {}).get("requires", []))


def _read(path):
    import nbformat

    return nbformat.read(path, as_version=4)


def _title(nb) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return ""


def _headline(nb) -> str:
    for cell in nb.cells:
        if "headline" in cell.get("metadata", {}).get("tags", []):
            for out in cell.get("outputs", []):
                data = out.get("data", {})
                text = data.get("text/markdown") or data.get("text/plain") or out.get("text", "")
                text = "".join(text) if isinstance(text, list) else text
                if text:
                    return text.strip().strip("'\"").replace("**", "")
    return ""


def _failure(nb) -> str:
    """Describe the first cell with an error output in an executed notebook."""
    code_no = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        code_no += 1
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
                return (f"code cell {code_no} (starts {first[:60]!r}) raised "
                        f"{out.get('ename')}: {out.get('evalue')}")
    return ""


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
        HTML that loads nothing from the internet (no MathJax, no require.js).

    Examples
    --------
    >>> import nbformat, re
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Hi")])
    >>> re.search(r'<script[^>]+src="https?://', render_html(nb, "Hi")) is None
    True
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
    # drop any <script src=...> left by the template (e.g. widget or MathJax loaders with blank URLs)
    import re

    body = re.sub(r'<script[^>]*\bsrc="[^"]*"[^>]*>\s*</script>', "", body)
    body = re.sub(r"<script[^>]*>\s*</script>", "", body)
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


def run_notebook(notebook, config, out_dir, *, pdf=True, parameters=None) -> ReportResult:
    """Execute one notebook with papermill and write its executed copy, HTML and PDF.

    Parameters
    ----------
    notebook : str or Path
        The notebook to run.
    config : str or Path
        The run configuration passed as the ``config_path`` parameter.
    out_dir : str or Path
        Output folder; the executed notebook goes to ``out_dir/executed/``.
    pdf : bool, default True
        Also print a PDF.
    parameters : dict, optional
        Further notebook parameters (papermill), e.g. ``{"top_n": 30}``.

    Returns
    -------
    ReportResult
        ``ok`` is False when a cell raised; the partially executed notebook is still written.

    Examples
    --------
    >>> r = run_notebook("notebooks/00_data_check.ipynb", "data/sample/config.yml", "/tmp/r")  # doctest: +SKIP
    >>> r.ok  # doctest: +SKIP
    True
    """
    import logging

    import nbformat
    import papermill as pm

    logging.getLogger("papermill").setLevel(logging.WARNING)
    _inline_figures()
    notebook, out_dir = resolve(notebook), resolve(out_dir)
    (out_dir / "executed").mkdir(parents=True, exist_ok=True)
    executed = out_dir / "executed" / notebook.name
    result = ReportResult(notebook=notebook.name)
    start = time.perf_counter()
    try:
        pm.execute_notebook(str(notebook), str(executed), parameters={**(parameters or {}), "config_path": str(config)},
                            kernel_name=KERNEL, progress_bar=False, cwd=str(notebook.parent),
                            log_output=False)
        result.ok = True
    except pm.PapermillExecutionError:
        pass
    except Exception as exc:  # kernel died, bad notebook file, ...
        result.error = f"{type(exc).__name__}: {exc}"
    result.executed = str(executed.relative_to(out_dir)) if executed.exists() else None
    if executed.exists():
        nb = nbformat.read(executed, as_version=4)
        result.title = _title(nb) or notebook.stem
        if not result.ok:
            result.error = _failure(nb) or result.error or "execution failed"
        else:
            result.headline = _headline(nb)
            page = out_dir / f"{notebook.stem}.html"
            page.write_text(render_html(nb, result.title), encoding="utf-8")
            result.html = page.name
            if pdf:
                result.pdf = html_to_pdf(page, out_dir / f"{notebook.stem}.pdf").name
    result.seconds = round(time.perf_counter() - start, 1)
    return result


def write_index(results, out_dir, *, config=None, title="Customer relationship reports") -> Path:
    """Write ``index.html`` linking every report with its headline (and any failure).

    Parameters
    ----------
    results : list of ReportResult
    out_dir : str or Path
    config : dict, optional
        The run configuration; its ``name`` is shown.
    title : str

    Returns
    -------
    Path
        The index file.

    Examples
    --------
    >>> import tempfile
    >>> p = write_index([ReportResult("00_x.ipynb", ok=True, title="X", html="00_x.html")],
    ...                 tempfile.mkdtemp())
    >>> "00_x.html" in p.read_text()
    True
    """
    out_dir = resolve(out_dir)
    esc = html.escape
    rows = []
    for r in results:
        links = " · ".join(f'<a href="{esc(p)}">{label}</a>' for label, p in
                           (("HTML", r.html), ("PDF", r.pdf), ("notebook", r.executed),
                            ("CSV for the CRM", r.extra.get("export"))) if p)
        status = "" if r.ok else f'<p class="fail">Failed: {esc(r.error)}</p>'
        if r.skipped:
            status = f'<p class="skip">Not run: {esc(r.skipped)}</p>'
        name = esc(r.title or r.notebook)
        head = f'<a href="{esc(r.html)}">{name}</a>' if r.html else name
        rows.append(f"<li><h2>{head}</h2><p class=\"headline\">{esc(r.headline)}</p>{status}"
                    f"<p class=\"links\">{links}</p></li>")
    data_name = esc(str((config or {}).get("name", "")))
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>
<style>
 body {{ font-family: -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; max-width: 820px;
        margin: 2rem auto; padding: 0 1rem; color: #222; }}
 h1 {{ margin-bottom: .2rem; }} .sub {{ color: #666; margin-top: 0; }}
 ul {{ list-style: none; padding: 0; }} li {{ border-top: 1px solid #ddd; padding: .6rem 0; }}
 h2 {{ font-size: 1.15rem; margin: .2rem 0; }} a {{ color: #30638e; }}
 .headline {{ margin: .2rem 0; }} .links {{ font-size: .9rem; color: #666; margin: .2rem 0; }}
 .fail {{ color: #b00020; font-weight: bold; }} .skip {{ color: #666; font-style: italic; }}
</style></head>
<body><h1>{esc(title)}</h1><p class="sub">{data_name}</p>
<ul>
{chr(10).join(rows)}
</ul></body></html>
"""
    path = out_dir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def _progress(iterable, total, desc):
    try:
        from tqdm.auto import tqdm

        return tqdm(iterable, total=total, desc=desc, unit="notebook", file=sys.stderr)
    except ImportError:  # pragma: no cover
        return iterable


def _export_actions(cfg, out_dir, results):
    """Check that the customer-actions notebook wrote ``out_dir/customer_actions.csv``.

    The notebook writes the file itself from the view it has computed (its ``export_path``
    parameter, set by :func:`run_all`), so the view is not computed twice.
    """
    target = next((r for r in results
                   if r.notebook.endswith("customer_actions.ipynb") and r.ok and not r.skipped), None)
    if target is None:
        return
    from helpers import actions

    if not (out_dir / ACTIONS_EXPORT).exists():  # the run still fails loudly
        target.ok = False
        target.error = f"{ACTIONS_EXPORT} not written by {target.notebook}"
        return
    target.extra.update(export=ACTIONS_EXPORT, pseudonymised=bool(actions.pseudonymise_key(cfg)))


def run_all(config=SAMPLE_CONFIG, out_dir=REPORTS_DIR, *, notebooks=None, jobs=None, pdf=True,
            parameters=None):
    """Run every notebook into ``out_dir`` and write the index; the engine behind ``main``.

    Parameters
    ----------
    config : str or Path
        Run configuration (default: the sample's).
    out_dir : str or Path
        Output folder (created).
    notebooks : list of Path, optional
        Default: :func:`list_notebooks`.
    jobs : int, optional
        Notebooks run at once (default: number of CPUs, at most 4).
    pdf : bool, default True
        Also print PDFs.
    parameters : dict, optional
        Further parameters per notebook file name, e.g. ``{"04_customer_actions.ipynb": {"top_n": 30}}``.

    Returns
    -------
    list of ReportResult
        In notebook order. When the customer-actions notebook ran, its result's ``extra`` names the
        CSV written (``export``) and whether ids are pseudonymised; a failed export marks it failed.

    Examples
    --------
    >>> results = run_all(out_dir="/tmp/reports")  # doctest: +SKIP
    """
    from helpers.data import load_config

    cfg = load_config(config)
    config = cfg["config_path"]
    out_dir = resolve(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    chosen = [resolve(n) for n in (notebooks or list_notebooks())]
    results: dict[str, ReportResult] = {}
    notebooks = []
    for nb in chosen:
        missing = [i for i in required_inputs(nb) if not (cfg.get("inputs") or {}).get(i)]
        if missing:
            results[nb.name] = ReportResult(
                nb.name, ok=True, title=_title(_read(nb)) or nb.stem,
                skipped=f"needs the {' and '.join(missing)} input, which the run configuration does "
                        f"not give (inputs: {', '.join(missing)}: path/to/file.csv)")
        else:
            notebooks.append(nb)
    jobs = max(1, min(jobs or min(os.cpu_count() or 1, 4), max(len(notebooks), 1)))
    parameters = {k: dict(v) for k, v in (parameters or {}).items()}
    export = out_dir / ACTIONS_EXPORT
    export.unlink(missing_ok=True)  # a file left by an earlier run must not pass for this run's
    for nb in notebooks:
        if nb.name.endswith("customer_actions.ipynb"):
            parameters.setdefault(nb.name, {})["export_path"] = str(export)
    if jobs == 1:
        for nb in _progress(notebooks, len(notebooks), "reports"):
            results[nb.name] = run_notebook(nb, config, out_dir, pdf=pdf,
                                            parameters=parameters.get(nb.name))
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(run_notebook, nb, config, out_dir, pdf=pdf,
                                   parameters=parameters.get(nb.name)): nb for nb in notebooks}
            for fut in _progress(as_completed(futures), len(futures), "reports"):
                nb = futures[fut]
                try:
                    results[nb.name] = fut.result()
                except Exception as exc:  # a worker crashed outright
                    results[nb.name] = ReportResult(nb.name, error="".join(
                        traceback.format_exception_only(type(exc), exc)).strip())
    ordered = [results[nb.name] for nb in chosen]
    _export_actions(cfg, out_dir, ordered)
    write_index(ordered, out_dir, config=cfg)
    (out_dir / "run.json").write_text(json.dumps([asdict(r) for r in ordered], indent=1), encoding="utf-8")
    return ordered


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


def refresh_notebooks(notebooks=None) -> list[ReportResult]:
    """Re-execute the notebooks in place on the sample data so that stored outputs are pipeline-made.

    Parameters
    ----------
    notebooks : list of Path, optional
        Default: every ``notebooks/NN_*.ipynb``.

    Returns
    -------
    list of ReportResult

    Raises
    ------
    RuntimeError
        If any notebook fails (its file is left unchanged).
    """
    import tempfile

    import nbformat
    import papermill as pm

    _inline_figures()
    results, failed = [], []
    notebooks = [resolve(n) for n in (notebooks or list_notebooks())]
    for nb_path in _progress(notebooks, len(notebooks), "notebooks"):
        start = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / nb_path.name
            try:
                pm.execute_notebook(str(nb_path), str(out), kernel_name=KERNEL, progress_bar=False,
                                    cwd=str(nb_path.parent))
            except pm.PapermillExecutionError:
                failed.append(f"{nb_path.name}: {_failure(nbformat.read(out, as_version=4))}")
                continue
            nb = _clean_for_storage(nbformat.read(out, as_version=4))
        nbformat.write(nb, nb_path)
        results.append(ReportResult(nb_path.name, ok=True, title=_title(nb), headline=_headline(nb),
                                    seconds=round(time.perf_counter() - start, 1)))
    if failed:
        raise RuntimeError("notebooks failed (left unchanged):\n" + "\n".join(failed))
    return results


def main(argv=None) -> int:
    """Command line: ``python -m helpers.report --config C --out D`` (or ``--refresh``).

    Parameters
    ----------
    argv : list of str, optional

    Returns
    -------
    int
        0 when every notebook ran, 1 otherwise.
    """
    parser = argparse.ArgumentParser(prog="python -m helpers.report", description=__doc__.split("\n")[0])
    parser.add_argument("--config", default=str(SAMPLE_CONFIG.relative_to(PROJ_ROOT)),
                        help="run configuration (YAML); default: the sample data")
    parser.add_argument("--out", default="reports", help="output folder (default: reports)")
    parser.add_argument("--jobs", type=int, default=None, help="notebooks run in parallel")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDFs")
    parser.add_argument("--only", nargs="*", help="notebook names to run (default: all)")
    parser.add_argument("--refresh", action="store_true",
                        help="re-execute notebooks/ in place on the sample data (stored outputs)")
    args = parser.parse_args(argv)
    chosen = None
    if args.only:
        chosen = [p for p in list_notebooks() if any(p.name.startswith(o) for o in args.only)]
    if args.refresh:
        try:
            for r in refresh_notebooks(chosen):
                print(f"  {r.notebook}: refreshed in {r.seconds:.1f} s")
        except RuntimeError as exc:
            print(exc, file=sys.stderr)
            return 1
        return 0
    start = time.perf_counter()
    results = run_all(resolve(args.config, base=Path.cwd()), resolve(args.out, base=Path.cwd()),
                      notebooks=chosen, jobs=args.jobs, pdf=not args.no_pdf)
    out = resolve(args.out, base=Path.cwd())
    for r in results:
        mark = "skip" if r.skipped else "ok  " if r.ok else "FAIL"
        print(f"{mark} {r.notebook:32s} {r.seconds:5.1f} s  {r.skipped or r.headline or r.error}")
        if r.extra.get("export"):
            print(f"     {out / r.extra['export']}" + (" (pseudonymised ids)" if r.extra["pseudonymised"]
                                                       else ""))
    failed = [r for r in results if not r.ok]
    print(f"{len(results) - len(failed)}/{len(results)} reports in {out} "
          f"({time.perf_counter() - start:.0f} s); open {out / 'index.html'}")
    for r in failed:
        print(f"FAILED {r.notebook}: {r.error}\n  partial notebook: {out / (r.executed or '')}",
              file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
