"""The report pipeline: run each notebook with papermill, render it, check the CRM export, write the
index; and refresh the stored notebooks in place.

:func:`run_all` first loads the configuration and every input once (:func:`check_inputs`): a
configuration or input that cannot be used stops the run there, with one error, before any notebook
starts. It then writes the whole run into a fresh folder next to the output folder and moves it into
place only when the run is over (:func:`publish`), so the output folder never mixes two runs: a
report that failed this time has no page from an earlier run under its name. For each
``notebooks/NN_*.ipynb`` it

1. skips it when its metadata ``reports.requires`` names an input the run configuration does not
   give (and says so on the index page);
2. executes it with papermill, passing ``config_path`` (the notebook reads its thresholds from the
   config), into ``<out>/executed/NN_name.ipynb``;
3. renders ``<out>/NN_name.html`` and prints ``<out>/NN_name.pdf`` (:mod:`helpers.report.render`);
4. checks the CRM import file ``<out>/customer_actions.csv`` written by the customer-actions notebook;
5. writes ``<out>/index.html`` (:mod:`helpers.report.index`) and ``<out>/run.json``.

Before the notebooks, the results they share (the loaded data, the model fits, the customer view:
whatever their ``results.get("name")`` calls ask for) are built once into ``<out>/.cache`` and the
notebooks read them from there (:mod:`helpers.cache`; keyed on the input files' content, the config
and the code, so a later run on the same inputs reuses them and a changed input is built again).
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
import traceback
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from helpers import cache as _cache
from helpers.paths import NOTEBOOKS_DIR, REPORTS_DIR, SAMPLE_CONFIG, resolve
from helpers.report.index import write_index
from helpers.report.render import _clean_for_storage, html_to_pdf, render_html

__all__ = ["KERNEL", "ACTIONS_EXPORT", "FIRST", "LAST", "ReportResult", "list_notebooks", "required_inputs",
           "INPUTS", "data_limits", "check_inputs", "publish", "run_notebook", "run_all", "start_cache",
           "refresh_notebooks"]

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
    """What a notebook cannot do without, from its metadata ``reports.requires``.

    A notebook that needs, e.g., the survey declares ``{"reports": {"requires": ["survey"]}}`` in its
    notebook metadata; :func:`run_all` skips it (and says why on the index page) when the run
    configuration gives no such input (:data:`INPUTS`), or when the data lack a property it names
    (``repeat_buyers``, see :func:`data_limits`).

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

def run_notebook(notebook, config, out_dir, *, pdf=True, parameters=None, cache_dir=None) -> ReportResult:
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
    cache_dir : str or Path, optional
        The run's result cache (:mod:`helpers.cache`), passed to the kernel in the environment
        variable ``HELPERS_CACHE_DIR``; default none (the notebook builds what it needs).

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
        with _cache.environment(cache_dir):
            pm.execute_notebook(str(notebook), str(executed),
                                parameters={**(parameters or {}), "config_path": str(config)},
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


def check_inputs(config):
    """Load the run configuration and every input once, before any notebook runs.

    Parameters
    ----------
    config : str, Path or dict
        A config path or a loaded configuration.

    Returns
    -------
    helpers.io.Dataset
        The loaded inputs (their data-quality log included).

    Raises
    ------
    helpers.io.DataError
        Including :class:`helpers.config.ConfigError`: the configuration or an input cannot be used;
        the message names the file, the line or column, the rows and the fix. Transactions with no
        positive amount (all refunds, all zero) and transactions of a single buyer are unusable too.

    Examples
    --------
    >>> ds = check_inputs(SAMPLE_CONFIG)
    >>> len(ds.transactions) > 0
    True
    """
    from helpers.io import load_all

    ds = load_all(config)
    _check_purchases(ds)
    return ds


#: The inputs a notebook may require (metadata ``reports.requires``); its other requirements are
#: properties of the data (:func:`data_limits`).
INPUTS = ("transactions", "survey", "customers")


def data_limits(ds) -> dict[str, str]:
    """What the loaded data cannot support, for the requirements notebooks declare beyond inputs.

    ``repeat_buyers``: the lifecycle windows (gaps between purchases), the lifetime model and the
    per-customer actions need at least two customers who bought on two different days.

    Parameters
    ----------
    ds : helpers.io.Dataset

    Returns
    -------
    dict
        Requirement -> the sentence that says why it cannot be met (requirements that are met
        are left out).

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> tx = pd.DataFrame({"customer_id": ["a", "b"], "order_date": pd.to_datetime(["2024-01-01"] * 2),
    ...                    "amount": [5.0, 7.0]})
    >>> data_limits(SimpleNamespace(transactions=tx))["repeat_buyers"][:60]
    'No customer bought on two different days (2 customers, one p'
    """
    tx = ds.transactions
    out = {}
    if len(tx):
        bought = tx.loc[tx["amount"] > 0]
        days = bought.groupby("customer_id", observed=True)["order_date"].nunique()
        repeat = int((days >= 2).sum())
        if repeat < 2:
            who = (f"No customer bought on two different days ({days.size:,} customers, one purchase "
                   "day each)" if repeat == 0 else
                   f"Only 1 of {days.size:,} customers bought on two different days")
            out["repeat_buyers"] = (
                f"{who}, so gaps between purchases, the lifetime model and the value it predicts "
                "(which need at least two repeat buyers) cannot be computed; the data check and the "
                "NPS report still run.")
    return out


def _check_purchases(ds) -> None:
    """Stop with one clear error when the transactions hold nothing any report can analyse."""
    from helpers.io import DataError

    tx = ds.transactions
    if not len(tx):
        return
    path = ds.config["inputs"]["transactions"]
    if not (tx["amount"] > 0).any():
        kind = "refunds or returns (negative)" if (tx["amount"] < 0).all() else "zero or negative"
        raise DataError(path, "amount", f"all {len(tx):,} amounts are {kind}, so there is no purchase "
                        "to analyse", "check that `amount` is the revenue column (some exports give "
                        "refunds or costs as their own column, or revenue with a minus sign) and map "
                        "it in the config: `columns: transactions: amount: <your column>`",
                        rows=tx.head())
    buyers = tx.loc[tx["amount"] > 0, "customer_id"].nunique()
    if buyers < 2:
        raise DataError(path, "customer_id", f"only {buyers} customer bought anything (up to "
                        f"{ds.observation_end:%Y-%m-%d}); the reports compare customers, so they need "
                        "at least two (and hundreds for stable segments and models)",
                        "check the customer_id mapping (is it the order or the shop id?) and that the "
                        "export holds all customers, not one customer's history", rows=tx.head())


#: Files and folders of a run in the output folder (besides one page and PDF per notebook).
_RUN_FILES = ("index.html", "run.json", ACTIONS_EXPORT, "executed")


def _previous_outputs(out_dir) -> list[Path]:
    """What an earlier run left in ``out_dir``: its index, run record, CRM file, executed copies and
    the pages and PDFs of every notebook (by name), never other files (a README stays)."""
    names = set(_RUN_FILES)
    try:
        for r in json.loads((out_dir / "run.json").read_text(encoding="utf-8")):
            names.update(v for k in ("html", "pdf") if (v := r.get(k)))
    except (OSError, ValueError, TypeError, AttributeError):
        pass
    try:
        stems = {p.stem for p in list_notebooks()}
    except FileNotFoundError:
        stems = set()
    names.update(f"{stem}.{ext}" for stem in stems for ext in ("html", "pdf"))
    found = {out_dir / n for n in names if "/" not in n and (out_dir / n).exists()}
    found.update(p for ext in ("html", "pdf") for p in out_dir.glob(f"[0-9][0-9]_*.{ext}"))
    return sorted(found)


def publish(work, out_dir) -> Path:
    """Replace the reports of ``out_dir`` by the finished run in ``work`` (then removed).

    Every output of an earlier run (:data:`_RUN_FILES`, the pages and PDFs named in its
    ``run.json`` or after a notebook) is deleted first; other files of ``out_dir``, such as
    ``reports/README.md``, stay. ``work`` must be on the same file system (a folder next to
    ``out_dir``), so that each move is a rename.

    Parameters
    ----------
    work : Path
        The folder the run was written into.
    out_dir : Path
        The output folder (created if needed).

    Returns
    -------
    Path
        ``out_dir``.

    Examples
    --------
    >>> import tempfile
    >>> base = Path(tempfile.mkdtemp())
    >>> (base / "out").mkdir(); _ = (base / "out" / "01_nps.html").write_text("old")
    >>> _ = (base / "out" / "README.md").write_text("kept")
    >>> (base / "run").mkdir(); _ = (base / "run" / "index.html").write_text("new")
    >>> sorted(p.name for p in publish(base / "run", base / "out").iterdir())
    ['README.md', 'index.html']
    """
    work, out_dir = Path(work), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in _previous_outputs(out_dir):
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old)
        else:
            old.unlink()
    for new in sorted(work.iterdir()):
        os.replace(new, out_dir / new.name)
    shutil.rmtree(work, ignore_errors=True)
    return out_dir


def run_all(config=SAMPLE_CONFIG, out_dir=REPORTS_DIR, *, notebooks=None, jobs=None, pdf=True,
            parameters=None, cache=True):
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
    cache : bool, str or Path, default True
        The result cache the notebooks share (:func:`start_cache`): True for ``out_dir/.cache``, a
        folder, or False for none (each notebook builds what it needs).

    Returns
    -------
    list of ReportResult
        In notebook order. When the customer-actions notebook ran, its result's ``extra`` names the
        CSV written (``export``) and whether ids are pseudonymised; a failed export marks it failed.

    Raises
    ------
    helpers.io.DataError
        (:class:`helpers.config.ConfigError` included) when the configuration or an input cannot be
        used (:func:`check_inputs`); no notebook is run, and ``out_dir`` then holds only an index
        page that gives the error (the reports of an earlier run are removed).

    Examples
    --------
    >>> results = run_all(out_dir="/tmp/reports")  # doctest: +SKIP
    """
    from helpers.io import DataError

    out_dir = resolve(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.run-", dir=out_dir.parent))
    try:
        try:
            with warnings.catch_warnings(record=True) as caught:  # kept for the cache's data result
                warnings.simplefilter("always")
                ds = check_inputs(config)
            for w in caught:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        except DataError as exc:
            failed = ReportResult("inputs", title="Input check: the run stopped before any report",
                                  error=str(exc))
            write_index([failed], work)
            (work / "run.json").write_text(json.dumps([asdict(failed)], indent=1), encoding="utf-8")
            publish(work, out_dir)
            raise
        # the cache lives in the final folder, so a later run on the same inputs reuses it
        cache_dir = (out_dir / ".cache" if cache is True else cache) if cache else None
        loaded = [ds, caught]  # handed over: the data are released once the shared results are built
        del ds
        ordered = _run_into(loaded, work, notebooks, jobs, pdf, parameters, cache_dir)
        publish(work, out_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return ordered


def _run_into(loaded, out_dir, notebooks, jobs, pdf, parameters, cache=None):
    """Run the chosen notebooks on checked inputs into ``out_dir`` (see :func:`run_all`).

    ``loaded`` is the list ``[dataset, warnings]`` of :func:`check_inputs`; it is emptied once the
    shared results are built, so that the notebooks' kernels do not run beside a second copy of
    the data."""
    ds = loaded[0]
    cfg = ds.config
    config = cfg["config_path"]
    lacking = data_limits(ds)
    chosen = [resolve(n) for n in (notebooks or list_notebooks())]
    results: dict[str, ReportResult] = {}
    notebooks = []
    for nb in chosen:
        needs = required_inputs(nb)
        missing = [i for i in needs if i in INPUTS and not (cfg.get("inputs") or {}).get(i)]
        limits = [lacking[i] for i in needs if i not in INPUTS and lacking.get(i)]
        if missing:
            results[nb.name] = ReportResult(
                nb.name, ok=True, title=_title(_read(nb)) or nb.stem,
                skipped=f"needs the {' and '.join(missing)} input, which the run configuration does "
                        f"not give (inputs: {', '.join(missing)}: path/to/file.csv)")
        elif limits:
            results[nb.name] = ReportResult(nb.name, ok=True, title=_title(_read(nb)) or nb.stem,
                                            skipped=" ".join(limits))
        else:
            notebooks.append(nb)
    jobs = max(1, min(jobs or min(os.cpu_count() or 1, 4), max(len(notebooks), 1)))
    parameters = {k: dict(v) for k, v in (parameters or {}).items()}
    export = out_dir / ACTIONS_EXPORT
    for nb in notebooks:
        if nb.name.endswith("customer_actions.ipynb"):
            parameters.setdefault(nb.name, {})["export_path"] = str(export)
    cache_dir = resolve(cache) if cache and notebooks else None
    if jobs == 1 or cache_dir is None:
        if cache_dir is not None:
            start_cache(cfg, cache_dir, notebooks, loaded=tuple(loaded))
        del ds
        loaded.clear()
        _release_memory()
        if jobs == 1:
            for nb in _progress(notebooks, len(notebooks), "reports"):
                results[nb.name] = run_notebook(nb, config, out_dir, pdf=pdf,
                                                parameters=parameters.get(nb.name), cache_dir=cache_dir)
        else:
            results.update(_run_pool(notebooks, config, out_dir, pdf, parameters, jobs, None, None))
    else:
        del ds
        results.update(_run_pool(notebooks, config, out_dir, pdf, parameters, jobs, cfg, loaded,
                                 cache_dir))
    ordered = [results[nb.name] for nb in chosen]
    _export_actions(cfg, out_dir, ordered)
    write_index(ordered, out_dir, config=cfg)
    (out_dir / "run.json").write_text(json.dumps([asdict(r) for r in ordered], indent=1), encoding="utf-8")
    return ordered


def _release_memory():
    """Collect garbage and hand freed memory back to the system (Arrow's pool, glibc's
    ``malloc_trim``), so that the report command's memory drops once the data are released, not
    only its heap's use."""
    gc.collect()
    import pyarrow as pa

    pa.default_memory_pool().release_unused()  # Arrow's own allocator keeps freed blocks
    try:
        import ctypes
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: freed memory is reused by the process
        pass


def _waits_for(notebook, names):
    """The shared results a notebook waits for: those it asks for, or all of ``names`` when it
    reports what the run built (``results.status()``, the data check)."""
    if any("results.status(" in c.source for c in _read(notebook).cells if c.cell_type == "code"):
        return set(names)
    return set(_cache.notebook_needs(notebook)) & set(names)


def _run_pool(notebooks, config, out_dir, pdf, parameters, jobs, cfg, loaded, cache_dir=None):
    """Run notebooks ``jobs`` at a time in spawned worker processes (a worker starts without a
    copy of this process's memory); return ``{name: ReportResult}``.

    With ``cache_dir`` the shared results are built here, in a thread, while the notebooks run:
    each notebook starts as soon as the results it needs are done (:func:`_waits_for`), so the
    early reports do not wait for the late models. ``loaded`` (``[dataset, warnings]``) is emptied
    once the results are built.
    """
    import threading
    from concurrent.futures import FIRST_COMPLETED
    from concurrent.futures import wait as wait_any

    names = {n for nb in notebooks for n in _cache.notebook_needs(nb)}
    ready, finished, failure = set(), threading.Event(), []
    if cache_dir is not None:
        def build():
            try:
                start_cache(cfg, cache_dir, notebooks, loaded=tuple(loaded), on_ready=ready.add)
            except Exception as exc:  # noqa: BLE001 - each notebook then builds and reports it
                failure.append(exc)
            finally:
                loaded.clear()
                _release_memory()
                finished.set()

        threading.Thread(target=build, name="shared-results", daemon=True).start()
    else:
        finished.set()
    waits = {nb: _waits_for(nb, names) for nb in notebooks}
    pending, futures, out = list(notebooks), {}, {}
    bar = _progress(None, len(notebooks), "reports")
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        while pending or futures:
            done_all = finished.is_set()
            # a report on the whole run (it waits for every result) goes after the others that are
            # ready: it is short, and the long reports should not queue behind it
            for nb in sorted([nb for nb in pending if done_all or waits[nb] <= ready],
                             key=lambda nb: bool(names) and waits[nb] == names):
                pending.remove(nb)
                futures[pool.submit(run_notebook, nb, config, out_dir, pdf=pdf,
                                    parameters=parameters.get(nb.name), cache_dir=cache_dir)] = nb
            if not futures:
                finished.wait(0.2)
                continue
            done, _ = wait_any(list(futures), timeout=0.2, return_when=FIRST_COMPLETED)
            for fut in done:
                nb = futures.pop(fut)
                try:
                    out[nb.name] = fut.result()
                except Exception as exc:  # a worker crashed outright
                    out[nb.name] = ReportResult(nb.name, error="".join(
                        traceback.format_exception_only(type(exc), exc)).strip())
                if hasattr(bar, "update"):
                    bar.update(1)
    if hasattr(bar, "close"):
        bar.close()
    finished.wait()
    return out


def start_cache(config, folder, notebooks, *, loaded=None, on_ready=None) -> Path:
    """Build, once, the shared results the notebooks ask for into the run's cache folder.

    The names come from each notebook's ``results.get("name", ...)`` calls
    (:func:`helpers.cache.notebook_needs`); :func:`helpers.cache.prepare` hashes the input files and
    builds (or reuses) each result with the config's settings. A result that fails is left to the
    notebook that needs it, which reports the error in its cell.

    Parameters
    ----------
    config : str, Path or dict
    folder : str or Path
        The cache folder (created).
    notebooks : list of Path
    loaded : tuple, optional
        ``(dataset, warnings)`` of the inputs already loaded (:func:`helpers.cache.prepare`).
    on_ready : callable, optional
        Called with each result's name once it is done (:func:`helpers.cache.prepare`).

    Returns
    -------
    Path
        The folder.

    Examples
    --------
    >>> start_cache("data/sample/config.yml", "/tmp/r/.cache", list_notebooks())  # doctest: +SKIP
    PosixPath('/tmp/r/.cache')
    """
    folder = resolve(folder)
    names = {name for nb in notebooks for name in _cache.notebook_needs(nb)}
    _cache.prepare(config, folder, names=[n for n in _cache.BUILDERS if n in names], loaded=loaded,
                   on_ready=on_ready)
    return folder


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
                with _cache.environment(None):  # stored outputs say what a notebook run alone does
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
