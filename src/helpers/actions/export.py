"""The CRM export: one row per customer with its action and segments, optionally pseudonymised.

Customer ids can be replaced by keyed hashes (:func:`pseudonymise`) so that shared files reveal no
real id. Text cells that a spreadsheet would read as a formula are neutralised
(:func:`neutralise_formulas`). The key comes from the environment variable ``CRM_PSEUDONYMISE_KEY`` (:data:`KEY_ENV`) or
the config's ``actions: pseudonymise_key:``; keep secrets out of files that are shared or committed.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

import pandas as pd

from helpers.actions.view import customer_view
from helpers.io import Dataset, load_all
from helpers.paths import REPORTS_DIR, resolve

__all__ = ["KEY_ENV", "EXPORT_COLUMNS", "EXPORT_SEGMENTS", "FORMULA_PREFIXES", "neutralise_formulas",
           "pseudonymise", "pseudonymise_key", "export_actions", "export_customer_actions"]

#: Environment variable holding the pseudonymisation key; it wins over ``actions.pseudonymise_key``.
KEY_ENV = "CRM_PSEUDONYMISE_KEY"

#: Columns of the CRM file, in order (``rule``, ``matched``, ``answer_date`` and ``answer_age_days``
#: only when the view has them).
#: ``answer_date`` (YYYY-MM-DD) and ``answer_age_days`` (days before the observation end) say how
#: old the NPS answer behind an action is; both are empty for a customer without an answer.
EXPORT_COLUMNS = ["customer_id", "action", "priority", "owner", "reason", "rule", "matched", "answer_date",
                  "answer_age_days", "segments"]
#: Facts written into the ``segments`` text of the export, in this order (those present).
EXPORT_SEGMENTS = ("nps_class", "lifecycle_stage", "ladder_step", "rfm_segment", "relationship_group",
                   "buyer_type", "value_level")

#: First characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix a single quote to every text cell that a spreadsheet would read as a formula.

    OWASP's CSV-injection rule: a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
    carriage return (:data:`FORMULA_PREFIXES`) gets a leading ``'``, so that the program opening the
    file shows it as text instead of evaluating it. Only text (``str``) cells change; numbers stay
    numbers, negative ones included.

    Parameters
    ----------
    frame : pandas.DataFrame

    Returns
    -------
    pandas.DataFrame
        A copy; ``frame`` is not modified.

    Examples
    --------
    >>> f = pd.DataFrame({"id": ["=1+1", "C1", "-x"], "n": [-2, 3, 4]})
    >>> neutralise_formulas(f).to_dict("list")
    {'id': ["'=1+1", 'C1', "'-x"], 'n': [-2, 3, 4]}
    """
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_datetime64_any_dtype(s):
            continue
        out[col] = s.map(lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_PREFIXES) else v)
    return out


def pseudonymise(ids, key: str, *, length=16) -> pd.Series:
    """Replace customer ids with a keyed hash (HMAC-SHA256), stable for one key.

    The same id and key always give the same pseudonym, so shared reports can be joined back by
    whoever holds the key; without the key the ids cannot be recovered or guessed by hashing
    candidate ids.

    Parameters
    ----------
    ids : sequence of str
    key : str
        Secret key; keep it out of the shared report.
    length : int, default 16
        Hex characters kept (16 = 64 bits).

    Returns
    -------
    pandas.Series of str

    Raises
    ------
    ValueError
        If the key is empty.

    Examples
    --------
    >>> a = pseudonymise(["C1"], "k1")
    >>> a.equals(pseudonymise(["C1"], "k1")), a.equals(pseudonymise(["C1"], "k2"))
    (True, False)
    """
    if not key:
        raise ValueError("pseudonymise needs a non-empty key")
    k = key.encode()
    ids = pd.Series(ids)
    return pd.Series([hmac.new(k, str(i).encode(), hashlib.sha256).hexdigest()[:length] for i in ids],
                     index=ids.index, dtype="object")


def export_actions(view: pd.DataFrame, path, *, key=None, segments=EXPORT_SEGMENTS) -> Path:
    """Write the CRM import file: one row per customer with its action and segments.

    Columns: ``customer_id, action, priority, owner, reason, rule, matched, answer_date,
    answer_age_days, segments`` (``rule``, ``matched``, ``answer_date`` and ``answer_age_days`` only
    when the view has them; the answer columns are empty without an answer); ``segments`` reads
    ``nps_class=detractor; lifecycle_stage=active; ...`` with missing facts left out.

    Parameters
    ----------
    view : pandas.DataFrame
        Per-customer table with ``customer_id`` (column or index) and the playbook columns.
    path : str or Path
        CSV file to write (UTF-8, CRLF line ends, sorted by priority then customer id, or then
        pseudonym). Text cells starting like a formula get a leading ``'`` (:func:`neutralise_formulas`).
    key : str, optional
        When given, customer ids are replaced by :func:`pseudonymise` pseudonyms (for shared files).
    segments : sequence of str
        Columns joined into the ``segments`` text (those present).

    Returns
    -------
    Path

    Raises
    ------
    ValueError
        If a customer id repeats or is missing (a CRM import needs one row per customer).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> v = pd.DataFrame({"customer_id": ["C1"], "action": ["call"], "priority": [1], "owner": ["CS"],
    ...                   "reason": ["x"], "nps_class": ["detractor"]})
    >>> p = export_actions(v, pathlib.Path(tempfile.mkdtemp()) / "a.csv")
    >>> p.read_text().splitlines()[1]
    'C1,call,1,CS,x,nps_class=detractor'
    """
    v = view.reset_index() if "customer_id" not in view.columns else view.copy()
    ids = v["customer_id"]
    if ids.isna().any() or ids.duplicated().any():
        raise ValueError(f"customer ids must be unique and present; repeated or missing: "
                         f"{list(ids[ids.isna() | ids.duplicated(keep=False)].unique()[:5])}")
    present = [s for s in segments if s in v.columns]
    seg = v[present].astype("object").where(v[present].notna(), "")
    v["segments"] = ["; ".join(f"{c}={val}" for c, val in zip(present, row) if val != "")
                     for row in seg.itertuples(index=False)]
    cols = [c for c in EXPORT_COLUMNS if c in v.columns]
    out = v[cols].copy()
    if "answer_date" in out.columns:
        out["answer_date"] = pd.to_datetime(out["answer_date"]).dt.strftime("%Y-%m-%d")
    if "answer_age_days" in out.columns:
        out["answer_age_days"] = pd.array(out["answer_age_days"], dtype="Int64")
    if key:  # before sorting, so that the row order says nothing about the real ids
        out["customer_id"] = pseudonymise(out["customer_id"], key).to_numpy()
    out = out.sort_values(["priority", "customer_id"], kind="stable")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out = neutralise_formulas(out)  # after sorting, so that the order is that of the real values
    # RFC 4180 line ends: the csv writer then quotes every cell holding a CR or LF (with "\n" alone
    # a bare CR in a cell is written unquoted and splits the row for the program reading the file)
    out.to_csv(path, index=False, lineterminator="\r\n")
    return path


def pseudonymise_key(config=None):
    """The pseudonymisation key of a run: ``$CRM_PSEUDONYMISE_KEY``, else ``actions.pseudonymise_key``.

    Parameters
    ----------
    config : dict, optional
        A configuration from :func:`helpers.config.load_config`.

    Returns
    -------
    str or None
        None when neither is set (or both are empty): ids are exported as they are.

    Examples
    --------
    >>> key = pseudonymise_key({"actions": {"pseudonymise_key": "s3cret"}})
    >>> key == (os.environ.get(KEY_ENV) or "s3cret")
    True
    """
    env = os.environ.get(KEY_ENV)
    if env:
        return env
    key = ((config or {}).get("actions") or {}).get("pseudonymise_key")
    return str(key) if key else None


def export_customer_actions(config=None, path=None, *, key=None, view=None) -> Path:
    """Write ``customer_actions.csv`` for a run configuration (the step ``make reports`` runs).

    Parameters
    ----------
    config : str, Path, dict or helpers.io.Dataset, optional
        As for :func:`helpers.actions.customer_view`; default the sample.
    path : str or Path, optional
        File to write; default ``reports/customer_actions.csv``.
    key : str, optional
        Pseudonymisation key; default :func:`pseudonymise_key` of the config (environment variable
        ``CRM_PSEUDONYMISE_KEY`` first). Without a key the real ids are written.
    view : pandas.DataFrame, optional
        An already computed :func:`helpers.actions.customer_view` (skips the computation).

    Returns
    -------
    Path

    Examples
    --------
    >>> export_customer_actions(path="/tmp/customer_actions.csv")  # doctest: +SKIP
    PosixPath('/tmp/customer_actions.csv')
    """
    ds = config if isinstance(config, Dataset) else load_all(config)
    if view is None:
        view = customer_view(ds)
    key = key if key is not None else pseudonymise_key(ds.config)
    return export_actions(view, resolve(path) if path is not None else REPORTS_DIR / "customer_actions.csv",
                          key=key)
