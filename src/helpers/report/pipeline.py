"""The report pipeline: run each notebook with papermill, render it, check the CRM export, write the
index; and refresh the stored notebooks in place.

For each ``notebooks/NN_*.ipynb`` :func:`run_all`

1. skips it when its metadata ``reports.requires`` names an input the run configuration does not
   give (and says so on the index page);
2. executes it with papermill, passing ``config_path`` (the notebook reads its thresholds from the
   config), into ``<out>/executed/NN_name.ipynb``;
3. renders ``<out>/NN_name.html`` and prints ``<out>/NN_name.pdf`` (:mod:`helpers.report.render`);
4. checks the CRM import file ``<out>/customer_actions.csv`` written by the customer-actions notebook;
5. writes ``<out>/index.html`` (:mod:`helpers.report.index`) and ``<out>/run.json``.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from helpers.paths import NOTEBOOKS_DIR, REPORTS_DIR, SAMPLE_CONFIG, resolve
from helpers.report.index import write_index
from helpers.report.render import _clean_for_storage, html_to_pdf, render_html

__all__ = ["KERNEL", "ACTIONS_EXPORT", "FIRST", "LAST", "ReportResult", "list_notebooks", "required_inputs",
           "run_notebook", "run_all", "refresh_notebooks"]

#: Jupyter kernel that runs the notebooks.
KERNEL = "python3"
#: Notebooks run (and listed on the index) before the other numbered ones: the guide.
FIRST = ("00_start_here.ipynb",)
#: Unnumbered notebooks run after the numbered ones: the glossary.
LAST = ("glossary.ipynb",)
#: The CRM import file written next to the reports by the customer-actions notebook.
ACTIONS_EXPORT = "customer_actions.csv"


def _inline_figures():
    """Kernels inherit the environment: a non-inline MPLBACKEND (e.g. Agg from a test run) would
    leave figures out of the reports and the stored notebooks."""
    os.environ.pop("MPLBACKEND", None)


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
    """Return the report notebooks of ``folder`` in run order: ``NN_*.ipynb`` sorted, with
    :data:`FIRST` ahead of the others and :data:`LAST` (when present) after them.

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
    >>> [p.name for p in list_notebooks()][:2]
    ['00_start_here.ipynb', '00_data_check.ipynb']
    >>> list_notebooks()[-1].name
    'glossary.ipynb'
    """
    found = sorted(Path(folder).glob("[0-9][0-9]_*.ipynb"), key=lambda p: (p.name not in FIRST, p.name))
    if not found:
        raise FileNotFoundError(f"no notebooks named NN_*.ipynb in {folder}")
    return found + [Path(folder) / name for name in LAST if (Path(folder) / name).exists()]


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


def refresh_notebooks(notebooks=None) -> list[ReportResult]:
    """Re-execute the notebooks in place on the sample data so that stored outputs are pipeline-made.

    Parameters
    ----------
    notebooks : list of Path, optional
        Default: :func:`list_notebooks`.

    Returns
    -------
    list of ReportResult

    Raises
    ------
    RuntimeError
        If any notebook fails (its file is left unchanged).

    Examples
    --------
    >>> results = refresh_notebooks()  # doctest: +SKIP
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
