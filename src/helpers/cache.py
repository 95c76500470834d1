"""Compute once: the shared results of a run (loaded data, model fits, views) kept on disk and keyed
on everything they are made from.

Every report needs the loaded inputs, and two of them need the same relationship model fit (with
its parameter draws). :func:`shared` gives a notebook a :class:`SharedResults` whose
:meth:`~SharedResults.get` returns a result by its name (:data:`BUILDERS`), built by the same
function the notebook would call, or read back from the cache folder when an earlier build had the
same key. The key (:meth:`SharedResults.key`) is a SHA-256 of

- the result's name and its arguments (settings resolved with the function's defaults, so
  "as configured" and the same values spelt out share one entry);
- the resolved run configuration;
- the content (SHA-256 of the bytes) of every input file, and of the playbook for the customer view;
- the package version and a digest of the package's source files, and the Python, pandas and numpy
  versions (the pickles are read by the same code that wrote them).

So a changed byte of an input, a changed setting or changed code is never served stale: it is
another key, and the result is built again.

Where the cache lives:

- ``python -m helpers.report`` (:func:`helpers.report.run_all`) uses ``<out>/.cache``: before the
  notebooks it hashes the input files once (:func:`prepare`, recorded in ``inputs.json`` with each
  file's size and modification time, so the notebooks of the run reuse the digests while the files
  are unchanged) and builds the results the notebooks ask for (:func:`notebook_needs`: the names
  of their ``results.get("name", ...)`` calls), then passes the folder to the notebooks in the
  environment variable :data:`ENV_VAR` (and the run's id in :data:`RUN_ENV_VAR`, so
  ``00_data_check`` can say what this run reused and built); results not used for
  :data:`KEEP_DAYS` days are removed;
- a notebook run alone (JupyterLab, nbval) uses the folder in :data:`ENV_VAR` when it is set, and
  otherwise no cache: it builds what it needs, in memory;
- an input that is not a file or folder (a database table) cannot be hashed, so such a run uses no
  cache folder at all.

The loaded data's transactions are kept in a file of their own beside the data result
(:data:`TRANSACTIONS_SUFFIX`) and read when a notebook first uses them, so a report that reads
only the customer view does not hold the transactions in memory.

The folder holds pickles, which run code when read: keep it where only you write (it is inside
the output folder), as for any file of a run.

Results whose warnings a notebook reports (e.g. "few repeat buyers") keep them: the warnings
recorded while building are issued again each time the result is returned.

Examples
--------
>>> results = shared(folder=None)              # no cache folder: build in memory
>>> ds = results.get("data")
>>> results.get("data") is ds                  # the second request is not rebuilt
True
>>> results.log
[('data', 'built')]
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import json
import os
import pickle
import re
import sys
import tempfile
import time
import uuid
import warnings
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

import helpers
from helpers.engine.memo import reuse
from helpers.paths import resolve

__all__ = ["ENV_VAR", "RUN_ENV_VAR", "BUILDERS", "LABELS", "SharedResults", "shared", "file_digest",
           "input_digests", "prepare", "run_status", "notebook_needs", "environment"]

#: Environment variable naming the cache folder (set by the report pipeline for its notebooks).
ENV_VAR = "HELPERS_CACHE_DIR"
#: Environment variable naming the pipeline run (the id in the folder's ``run.json``).
RUN_ENV_VAR = "HELPERS_CACHE_RUN"
#: File in the cache folder recording the input files' digests of the current run.
INPUTS_FILE = "inputs.json"
#: File in the cache folder recording what the current run built and reused (:func:`prepare`).
RUN_FILE = "run.json"
#: Suffix of the file holding the loaded data's transactions beside the data result's pickle.
TRANSACTIONS_SUFFIX = ".transactions.pkl"
#: Days a cached result not used since is kept; :func:`prepare` removes older ones.
KEEP_DAYS = 14

#: What each result is, in words (for the data check's sentence), in the order they are built.
LABELS = {
    "data": "the loaded data",
    "lifecycle": "the lifecycle view",
    "relationships": "the relationship model fit",
    "view": "the customer view",
}

_SOURCE_DIGEST = None


def file_digest(path) -> str:
    """SHA-256 of a file's bytes (of every file, with its relative name, for a folder).

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    str
        64 hex digits.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "a.csv"
    >>> _ = p.write_bytes(b"abc")
    >>> file_digest(p) == hashlib.sha256(b"abc").hexdigest()
    True
    """
    path = Path(path)
    if path.is_dir():
        h = hashlib.sha256()
        for f in sorted(p for p in path.rglob("*") if p.is_file()):
            h.update(str(f.relative_to(path)).encode() + b"\0" + file_digest(f).encode())
        return h.hexdigest()
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _stat(path) -> dict:
    st = Path(path).stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "ctime_ns": st.st_ctime_ns, "inode": st.st_ino}


def input_digests(paths, record=None) -> dict:
    """Content digests of files, reusing a recorded digest only while the file's stat is unchanged.

    Parameters
    ----------
    paths : iterable of str or Path
    record : dict, optional
        ``{path: {"size", "mtime_ns", "ctime_ns", "inode", "sha256"}}`` as returned by an earlier
        call (e.g. the run's ``inputs.json``). A file is hashed again unless its size, modification
        and change times and inode all equal the record's and the record holds its SHA-256.

    Returns
    -------
    dict
        ``{path (str): {"size", "mtime_ns", "ctime_ns", "inode", "sha256"}}``.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_bytes(b"id,amount\\n1,2\\n")
    >>> d = input_digests([p])
    >>> d[str(p)]["sha256"] == file_digest(p), d[str(p)]["size"]
    (True, 14)
    """
    out = {}
    for p in paths:
        key = str(Path(p))
        stat = _stat(p) if not Path(p).is_dir() else {"size": None, "mtime_ns": None, "ctime_ns": None,
                                                      "inode": None}
        old = (record or {}).get(key) or {}
        if not Path(p).is_dir() and old.get("sha256") and all(old.get(k) == v for k, v in stat.items()):
            out[key] = old
        else:
            out[key] = {**stat, "sha256": file_digest(p)}
    return out


def _not_files(cfg) -> list:
    """The inputs of a config that are not files or folders on disk (e.g. a database table)."""
    return [k for k, v in (cfg.get("inputs") or {}).items()
            if v and not (isinstance(v, (str, Path)) and Path(v).exists())]


def _source_digest() -> str:
    """Digest of the package's own source files: a code change is a new key."""
    global _SOURCE_DIGEST
    if _SOURCE_DIGEST is None:
        root = Path(helpers.__file__).parent
        h = hashlib.sha256()
        for f in sorted(root.rglob("*.py")):
            h.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes())
        _SOURCE_DIGEST = h.hexdigest()
    return _SOURCE_DIGEST


def _canonical(value):
    """A JSON-able, order-independent form of settings; an object it cannot spell out is an error."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return ["float", repr(float(value))] if isinstance(value, float) else value
    if isinstance(value, np.generic):
        return _canonical(value.item())
    if isinstance(value, Path):
        return ["path", str(value)]
    if isinstance(value, (pd.Timestamp, pd.Timedelta)):
        return [type(value).__name__, value.isoformat()]
    if isinstance(value, dict):
        return {"__dict__": sorted([json.dumps(_canonical(k)), _canonical(v)] for k, v in value.items())}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return ["set", sorted(json.dumps(_canonical(v)) for v in value)]
    raise TypeError(f"cannot key a cached result on a {type(value).__name__} ({value!r:.60}); "
                    f"pass settings as plain values")


# ---------------------------------------------------------------------------------------------
# The builders: one per result, each calling the function a notebook would call.


def _relationship_settings(cfg, overrides):
    from helpers.config import section_settings
    from helpers.relationship import customer_relationships

    return section_settings(cfg, "relationship", customer_relationships,
                            skip=("transactions", "observation_end"), with_defaults=True, **overrides)


def _lifecycle_settings(cfg, overrides):
    from helpers.config import section_settings
    from helpers.lifecycle import customer_lifecycle

    return section_settings(cfg, "lifecycle", customer_lifecycle,
                            skip=("transactions", "observation_end", "customers", "survey"),
                            with_defaults=True, **overrides)


def _build_data(results):
    from helpers.io import load_all

    return load_all(results.config)


def _build_lifecycle(results, **settings):
    from helpers.lifecycle import customer_lifecycle

    ds = results.get("data", _replay=False)
    return customer_lifecycle(ds.transactions, ds.observation_end, ds.customers, ds.survey, **settings)


def _build_relationships(results, observation_end=None, **settings):
    from helpers.relationship import customer_relationships

    ds = results.get("data", _replay=False)
    end = ds.observation_end if observation_end is None else observation_end
    return customer_relationships(ds.transactions, end, **settings)


def _build_view(results):
    from helpers.actions import customer_view

    return customer_view(results.get("data", _replay=False),
                         relationships=results.get("relationships", _replay=False),
                         lifecycle=results.get("lifecycle"))  # its warnings: the view's too


#: name: (builder, settings normaliser or None, whether the playbook is an input).
BUILDERS = {
    "data": (_build_data, None, False),
    "lifecycle": (_build_lifecycle, _lifecycle_settings, False),
    "relationships": (_build_relationships, _relationship_settings, False),
    "view": (_build_view, None, True),
}


class SharedResults:
    """The shared results of one run configuration, built once and kept in a cache folder.

    Parameters
    ----------
    config : str, Path or dict
        A run configuration path or the dict of :func:`helpers.config.load_config`.
    folder : str, Path or None
        The cache folder; ``None`` keeps results in memory only (this object).

    Attributes
    ----------
    config : dict
        The resolved run configuration.
    folder : Path or None
    log : list of (str, str)
        ``(name, "built" | "reused")`` for each result this object built or read from the folder.

    Examples
    --------
    >>> results = SharedResults("data/sample/config.yml", folder=None)
    >>> results.get("data").observation_end
    Timestamp('2025-12-31 00:00:00')
    """

    def __init__(self, config, folder=None):
        from helpers.config import load_config

        self.config = config if isinstance(config, dict) else load_config(config)
        self.folder = None if folder is None else resolve(folder)
        if self.folder is not None and _not_files(self.config):
            self.folder = None  # a database table cannot be hashed: never serve it from a cache
        self.log: list[tuple[str, str]] = []
        self._memory: dict[str, dict] = {}
        self._digests: dict = {}
        self._record: dict | None = None
        self._engine_memo = OrderedDict()  # engine results shared by the builds (helpers.engine.reuse)

    # -- keys -------------------------------------------------------------------------------------
    def _files(self, playbook: bool) -> list[Path]:
        files = [Path(p) for p in (self.config.get("inputs") or {}).values()
                 if isinstance(p, (str, Path)) and p and Path(p).exists()]
        if playbook:
            from helpers.actions.playbook import _playbook_path

            files.append(Path(_playbook_path(self.config)))
        return files

    def digests(self, *, playbook=True) -> dict:
        """Content digests of the run's input files (and the playbook), hashed once per object.

        Within a pipeline run the digests recorded by :func:`prepare` in the cache folder are reused
        while each file's size, times and inode are unchanged.

        Returns
        -------
        dict
            ``{path: sha256}``.

        Examples
        --------
        >>> d = SharedResults("data/sample/config.yml").digests()
        >>> sorted(Path(p).name for p in d)
        ['customers.csv', 'playbook.yml', 'survey.csv', 'transactions.csv']
        """
        if self._record is None:
            self._record = {}
            if self.folder is not None and (self.folder / INPUTS_FILE).exists():
                try:
                    self._record = json.loads((self.folder / INPUTS_FILE).read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    pass
        wanted = [str(p) for p in self._files(playbook)]
        new = [p for p in wanted if p not in self._digests]
        self._digests.update({p: d["sha256"] for p, d in input_digests(new, self._record).items()})
        return {p: self._digests[p] for p in wanted}

    def _normalise(self, name, args):
        if name not in BUILDERS:
            raise KeyError(f"no shared result named {name!r}; known: {sorted(BUILDERS)}")
        builder, normalise, _ = BUILDERS[name]
        if normalise is not None:
            extra = {k: args[k] for k in ("observation_end",) if args.get(k) is not None}
            settings = normalise(self.config, {k: v for k, v in args.items() if k != "observation_end"})
            args = {**extra, **settings}
            if args.get("observation_end") is not None:
                args["observation_end"] = pd.Timestamp(args["observation_end"])
        else:
            params = [p for p in inspect.signature(builder).parameters][1:]
            unknown = sorted(set(args) - set(params))
            if unknown:
                raise TypeError(f"shared result {name!r} takes no argument(s) {unknown}")
        return args

    def key(self, name, **args) -> str:
        """The cache key of a result: a SHA-256 of its name, arguments, the config, the input files'
        content and the code.

        Parameters
        ----------
        name : str
            A name of :data:`BUILDERS`.
        **args
            The result's settings (for ``"relationships"``: any keyword of
            :func:`helpers.relationship.customer_relationships` and ``observation_end``; for
            ``"lifecycle"``: of :func:`helpers.lifecycle.customer_lifecycle`); unset ones are as
            configured, else the function's defaults.

        Returns
        -------
        str
            64 hex digits.

        Examples
        --------
        >>> r = SharedResults("data/sample/config.yml")
        >>> r.key("relationships") == r.key("relationships", cutoff=0.5, model="pareto_nbd")
        True
        >>> r.key("relationships") == r.key("relationships", cutoff=0.4)
        False
        """
        args = self._normalise(name, args)
        cfg = {k: v for k, v in self.config.items() if k != "config_path"}
        payload = {
            "name": name, "args": _canonical(args), "config": _canonical(cfg),
            "files": sorted(self.digests(playbook=BUILDERS[name][2]).values()),
            "code": [helpers.__version__, _source_digest()],
            "runtime": [list(sys.version_info[:2]), pd.__version__, np.__version__],
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    def _path(self, name, key) -> Path:
        return self.folder / f"{name}-{key[:32]}.pkl"

    # -- results ----------------------------------------------------------------------------------
    def get(self, name, *, _replay=True, **args):
        """A shared result by name: from this object, else from the cache folder, else built now.

        Parameters
        ----------
        name : {"data", "lifecycle", "relationships", "view"}
            ``"data"``: :func:`helpers.io.load_all` of the config; ``"lifecycle"``:
            :func:`helpers.lifecycle.customer_lifecycle` of the loaded data (customer list and
            survey included); ``"relationships"``: :func:`helpers.relationship.customer_relationships`
            (the model fits, the parameter draws, the value and the groups; ``observation_end``
            default: the data's); ``"view"``: :func:`helpers.actions.customer_view` built on the
            ``"relationships"`` result of the config's settings.
        **args
            Settings of the result (see :meth:`key`).

        Returns
        -------
        object
            The result. Warnings raised while it was built are issued again.

        Raises
        ------
        KeyError
            For an unknown name.
        TypeError
            For a setting that cannot be keyed (not a plain value) or that the result does not take.

        Examples
        --------
        >>> r = shared(folder=None)
        >>> ds = r.get("data")
        >>> r.get("data") is ds, r.log
        (True, [('data', 'built')])
        """
        args = self._normalise(name, args)
        key = self.key(name, **args)
        entry = self._memory.get(key)
        if entry is None and self.folder is not None and self._path(name, key).exists():
            try:
                with open(self._path(name, key), "rb") as fh:
                    entry = pickle.load(fh)
                if not self._complete(entry):
                    raise EOFError("a file of the result is missing")
                self.log.append((name, "reused"))
                os.utime(self._path(name, key))  # in use: not pruned
            except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
                entry = None  # a damaged or foreign file: built again below
        if entry is None:
            builder = BUILDERS[name][0]
            start = time.perf_counter()
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                with reuse(self._engine_memo):  # e.g. one summary for lifecycle and model
                    value = builder(self, **args)
            entry = {"value": value, "warnings": [(w.category, str(w.message)) for w in caught],
                     "seconds": round(time.perf_counter() - start, 2), "key": key}
            self.log.append((name, "built"))
            if self.folder is not None:
                self._save(name, key, entry)
        self._memory[key] = entry
        if _replay:
            for category, message in entry["warnings"]:
                warnings.warn(message, category, stacklevel=2)
        return entry["value"]

    def _save(self, name, key, entry):
        """Write a result's entry; the loaded data's transactions go into a file of their own
        (read by a notebook only when it uses them, :class:`helpers.io.schema.Deferred`)."""
        from helpers.io.schema import Dataset, Deferred

        value = entry["value"]
        if name == "data" and isinstance(value, Dataset) and not isinstance(
                value.__dict__.get("transactions"), Deferred):
            side = self._path(name, key).with_suffix(TRANSACTIONS_SUFFIX)
            self._write(side, value.transactions)
            entry = {**entry, "value": dataclasses.replace(value, transactions=Deferred(side))}
        self._write(self._path(name, key), entry)

    @staticmethod
    def _complete(entry) -> bool:
        """Whether a read entry's files are all there (touching the ones it refers to)."""
        tx = getattr(entry.get("value"), "__dict__", {}).get("transactions")
        path = getattr(tx, "path", None)
        if path is None:
            return True
        if not Path(path).exists():
            return False
        os.utime(path)
        return True

    def _write(self, path, entry):
        """Write atomically: a notebook running beside never reads half a file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(entry, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def status(self) -> dict:
        """What this run did with each shared result: ``"reused"`` (from an earlier run's cache) or
        ``"built"`` (once, for this run); results neither requested nor built are left out.

        Inside a pipeline run (:data:`RUN_ENV_VAR` names the run of the folder's ``run.json``) the
        record of :func:`prepare` is read, so the data check reports on the run, not only on itself.

        Returns
        -------
        dict
            ``{name: "built" | "reused"}`` in the order of :data:`LABELS`; ``{}`` without a folder.

        Examples
        --------
        >>> r = shared(folder=None)
        >>> _ = r.get("data")
        >>> r.status()
        {}
        """
        if self.folder is None:
            return {}
        out = {}
        run = run_status(self.folder)
        if run.get("run") and run.get("run") == os.environ.get(RUN_ENV_VAR):
            out = {name: item["status"] for name, item in run.get("results", {}).items()
                   if item.get("status") in ("built", "reused")}
        for name, what in self.log:
            out.setdefault(name, what)
        return {name: out[name] for name in [*LABELS, *sorted(set(out) - set(LABELS))] if name in out}


def shared(config=None, folder=...) -> SharedResults:
    """The shared results of a run configuration, in the run's cache folder if there is one.

    Parameters
    ----------
    config : str, Path or dict, optional
        Default: the sample's configuration.
    folder : str, Path or None, optional
        The cache folder. Default: the environment variable :data:`ENV_VAR` (set by the report
        pipeline), else no folder (results kept in memory only).

    Returns
    -------
    SharedResults

    Examples
    --------
    >>> results = shared("data/sample/config.yml", folder=None)
    >>> results.folder is None
    True
    """
    from helpers.paths import SAMPLE_CONFIG

    if folder is ...:
        folder = os.environ.get(ENV_VAR) or None
    return SharedResults(SAMPLE_CONFIG if config is None else config, folder)


def run_status(folder) -> dict:
    """The record :func:`prepare` wrote in a cache folder (``{}`` when none).

    Parameters
    ----------
    folder : str or Path

    Returns
    -------
    dict
        ``{"run": id, "results": {name: {"status", "key", "seconds"}}}``.

    Examples
    --------
    >>> run_status("/nonexistent")
    {}
    """
    path = Path(folder) / RUN_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


_GET = re.compile(r"""\bresults\.get\(\s*["'](\w+)["']""")


def notebook_needs(notebook) -> list[str]:
    """The shared results a notebook asks for: the names in its ``results.get("name", ...)`` calls.

    Parameters
    ----------
    notebook : str or Path

    Returns
    -------
    list of str
        Names of :data:`BUILDERS`, in the order of :data:`LABELS`.

    Examples
    --------
    >>> notebook_needs("notebooks/04_customer_actions.ipynb")
    ['data', 'view']
    """
    import nbformat

    nb = nbformat.read(resolve(notebook), as_version=4)
    found = {m for c in nb.cells if c.cell_type == "code" for m in _GET.findall(c.source)}
    return [n for n in BUILDERS if n in found]


def prepare(config, folder, names=tuple(BUILDERS), *, loaded=None, on_ready=None) -> dict:
    """Start a run's cache: hash the input files once, build (or reuse) the named results with the
    config's settings, and record what was done in ``folder/run.json``. Results not used for
    :data:`KEEP_DAYS` days are removed first.

    A result that fails to build is recorded as ``"failed"`` and not cached: the notebook that
    needs it builds it again and reports the error where it belongs.

    Parameters
    ----------
    config : str, Path or dict
    folder : str or Path
        The cache folder (created).
    names : iterable of str
        Results to build, e.g. from :func:`notebook_needs`; default all of :data:`BUILDERS`.
    loaded : tuple, optional
        ``(dataset, warnings)``: the inputs already loaded with this config (the report command
        checks them before anything else) and the warnings that load raised; stored as the
        ``"data"`` result (when it is not cached yet) instead of loading the files a second time.
    on_ready : callable, optional
        Called with each name once that result is built, reused or failed (in the order of
        :data:`BUILDERS`), so that the notebooks that need only the results done so far can start
        while the others are built. ``folder/run.json`` is written before the first result and
        after each one.

    Returns
    -------
    dict
        The record written: ``{"run": id, "results": {name: {"status", "key", "seconds"}}}``.

    Examples
    --------
    >>> rec = prepare("data/sample/config.yml", "/tmp/cache-doc", names=["data"])  # doctest: +SKIP
    >>> rec["results"]["data"]["status"] in ("built", "reused")  # doctest: +SKIP
    True
    """
    folder = resolve(folder)
    folder.mkdir(parents=True, exist_ok=True)
    old = time.time() - KEEP_DAYS * 86400
    for f in [*folder.glob("*.pkl"), *folder.glob("*.tmp")]:
        if f.stat().st_mtime < old:
            f.unlink(missing_ok=True)
    results = SharedResults(config, folder)
    done = {"run": uuid.uuid4().hex, "results": {}}
    if results.folder is None:  # an input that cannot be hashed: the notebooks build their own
        done["not_cached"] = _not_files(results.config)
        (folder / RUN_FILE).write_text(json.dumps(done, indent=1), encoding="utf-8")
        return done
    record = input_digests(results._files(True))  # hashed afresh once per run
    (folder / INPUTS_FILE).write_text(json.dumps(record, indent=1), encoding="utf-8")

    def settle(name):  # the record so far, then tell the caller
        (folder / RUN_FILE).write_text(json.dumps(done, indent=1), encoding="utf-8")
        if on_ready is not None:
            on_ready(name)

    (folder / RUN_FILE).write_text(json.dumps(done, indent=1), encoding="utf-8")
    results._digests = {p: d["sha256"] for p, d in record.items()}
    if loaded is not None and "data" in set(names):
        key = results.key("data")
        if not results._path("data", key).exists():
            dataset, caught = loaded
            entry = {"value": dataset, "warnings": [(w.category, str(w.message)) for w in caught],
                     "seconds": 0.0, "key": key}
            results._save("data", key, entry)
            results._memory[key] = entry
            results.log.append(("data", "built"))
    for name in [n for n in BUILDERS if n in set(names)]:
        start = time.perf_counter()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # kept with the result, issued in the notebooks
                results.get(name, _replay=False)
            status = dict(results.log).get(name, "built")
        except Exception as exc:  # noqa: BLE001 - the notebook reports it in place
            done["results"][name] = {"status": "failed", "error": f"{type(exc).__name__}: {exc}"}
            settle(name)
            continue
        done["results"][name] = {"status": status, "key": results.key(name),
                                 "seconds": round(time.perf_counter() - start, 2)}
        settle(name)
    (folder / RUN_FILE).write_text(json.dumps(done, indent=1), encoding="utf-8")
    return done


@contextmanager
def environment(folder):
    """Set :data:`ENV_VAR` to ``folder`` (``None``: unset it) and :data:`RUN_ENV_VAR` to the run id
    of its ``run.json`` for the block, as the notebooks' kernels inherit them; restore the previous
    values after.

    Parameters
    ----------
    folder : str, Path or None

    Examples
    --------
    >>> with environment("/tmp/c"):
    ...     os.environ[ENV_VAR]
    '/tmp/c'
    """
    new = {ENV_VAR: None if folder is None else str(folder),
           RUN_ENV_VAR: None if folder is None else run_status(folder).get("run")}
    old = {k: os.environ.get(k) for k in new}

    def put(values):
        for k, v in values.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v

    put(new)
    try:
        yield
    finally:
        put(old)
