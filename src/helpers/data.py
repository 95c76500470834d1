"""Load and validate the three inputs: transactions, NPS survey and customers.

Every loader reads a CSV export as text, maps the user's column names onto the canonical ones of the
data contract (``shared`` design, table below), coerces types and validates. Nothing is dropped or
changed silently: each fix, drop or suspicious finding is written to a :class:`QualityLog` (reason,
count, example rows), which ``00_data_check`` shows and every report can cite. Input that cannot be
used raises one :class:`DataError` naming the file, the column, up to five offending rows and the fix.

Canonical columns
-----------------
============  ==============  ===========================================================
input         column          meaning
============  ==============  ===========================================================
transactions  customer_id     required, text
              order_date      required, date
              amount          required, revenue; negative = refund or return
              order_id        optional; rows of one order are one purchase
              margin          optional; gross profit of the row
              discount        optional; discount given on the row
              profit          derived: ``margin`` if present, else ``amount * margin_rate``
survey        score           required, integer 0..10; labelled answers are parsed
              response_date   required
              customer_id     optional; links a response to transactions
              weight          optional survey weight (> 0)
customers     customer_id     required
              signup_date     optional
              referrals       optional count
============  ==============  ===========================================================

Any other column is kept as an attribute (region, plan, channel, comment, ...).

Real exports handled: UTF-8 with or without BOM (and cp1252 as a logged fallback), ``,``/``;``/tab/``|``
separators, decimal commas and thousands separators, accounting negatives ``(12.50)``, currency
symbols, mixed date formats (ISO, day-first or month-first, decided per column), labelled NPS answers
(``"10 - Extremely likely"``), blank answers, exact duplicate rows, refunds, rows dated after the
observation end.
"""

from __future__ import annotations

import copy
import csv
import inspect
import io
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from helpers.paths import SAMPLE_CONFIG, resolve

__all__ = [
    "DataError",
    "QualityLog",
    "Dataset",
    "DEFAULT_CONFIG",
    "load_config",
    "load_transactions",
    "load_survey",
    "load_customers",
    "load_all",
    "section_settings",
]

#: Defaults of a run configuration; a config file overrides any key (nested dicts are merged).
DEFAULT_CONFIG: dict = {
    "name": "Unnamed data set",
    "currency": "EUR",
    "inputs": {"transactions": None, "survey": None, "customers": None},
    "columns": {"transactions": {}, "survey": {}, "customers": {}},
    "observation_end": None,
    "margin_rate": 0.30,
    "read": {"sep": "auto", "decimal": "auto", "dayfirst": "auto", "encoding": "auto"},
    "nps": {},
    "lifecycle": {},
    "relationship": {},
    "actions": {},
}

SCHEMAS = {
    "transactions": {
        "required": ["customer_id", "order_date", "amount"],
        "optional": ["order_id", "margin", "discount"],
        "dates": ["order_date"],
        "numbers": ["amount", "margin", "discount"],
        "ids": ["customer_id", "order_id"],
    },
    "survey": {
        "required": ["score", "response_date"],
        "optional": ["customer_id", "weight"],
        "dates": ["response_date"],
        "numbers": ["weight"],
        "ids": ["customer_id"],
    },
    "customers": {
        "required": ["customer_id"],
        "optional": ["signup_date", "referrals"],
        "dates": ["signup_date"],
        "numbers": ["referrals"],
        "ids": ["customer_id"],
    },
}

N_EXAMPLES = 5


# ---------------------------------------------------------------------------------------------------
# Errors and the data-quality log
# ---------------------------------------------------------------------------------------------------
class DataError(ValueError):
    """Input that cannot be used: names the file, the column, up to 5 offending rows and the fix.

    Parameters
    ----------
    file : str or Path
        The input file.
    column : str or None
        The column at fault (None when the whole file is).
    problem : str
        What is wrong.
    fix : str
        What the user should do.
    rows : pandas.DataFrame, optional
        Offending rows; the first five are shown with their line numbers in the file.

    Examples
    --------
    >>> err = DataError("survey.csv", "score", "scores outside 0..10", "correct the scores")
    >>> "survey.csv" in str(err) and "Fix:" in str(err)
    True
    """

    def __init__(self, file, column, problem, fix, rows=None):
        self.file, self.column, self.problem, self.fix = str(file), column, problem, fix
        self.rows = None if rows is None else rows.head(N_EXAMPLES)
        where = f"{self.file}" + (f", column {column!r}" if column else "")
        msg = f"{where}: {problem}."
        if self.rows is not None and len(self.rows):
            shown = self.rows.copy()
            shown.index = [f"line {i}" for i in shown.index]
            msg += f"\nOffending rows (up to {N_EXAMPLES}):\n{shown.to_string()}"
        msg += f"\nFix: {fix}"
        super().__init__(msg)


@dataclass
class QualityLog:
    """Record of every fix, drop and finding made while loading.

    Each entry has ``input`` (transactions / survey / customers / all), ``reason``, ``action``
    (``dropped``, ``fixed``, ``flagged`` or ``info``), ``count`` (rows concerned) and ``examples``
    (up to 5 rows as text, with their line numbers in the file).

    Examples
    --------
    >>> log = QualityLog()
    >>> log.add("survey", "blank answer", "dropped", 3)
    >>> log.to_frame()[["input", "action", "count"]].values.tolist()
    [['survey', 'dropped', 3]]
    """

    entries: list = field(default_factory=list)

    def add(self, input, reason, action, count, examples=None):
        """Add one entry (ignored when ``count`` is 0).

        Parameters
        ----------
        input : str
            Which input the entry is about.
        reason : str
            What was found, in words an analyst understands.
        action : {"dropped", "fixed", "flagged", "info"}
            What the loader did.
        count : int
            Number of rows concerned.
        examples : pandas.DataFrame, optional
            Offending rows; the first five are kept as text.

        Returns
        -------
        None

        Raises
        ------
        ValueError
            If ``action`` is not one of the four allowed values.
        """
        if action not in {"dropped", "fixed", "flagged", "info"}:
            raise ValueError(f"action must be dropped, fixed, flagged or info, not {action!r}")
        if not count:
            return
        text = ""
        if examples is not None and len(examples):
            ex = examples.head(N_EXAMPLES).copy()
            by_line = ex.index.name == "line"  # loaders index rows by their line in the file
            if by_line:
                ex.index = [f"line {i}" for i in ex.index]
            text = ex.to_string(max_colwidth=40, index=by_line)
        self.entries.append(
            {"input": input, "reason": reason, "action": action, "count": int(count), "examples": text}
        )

    def to_frame(self) -> pd.DataFrame:
        """Return the log as a table (input, action, reason, count, examples), in the order found.

        Returns
        -------
        pandas.DataFrame
        """
        cols = ["input", "action", "reason", "count", "examples"]
        return pd.DataFrame(self.entries, columns=cols)

    def dropped(self, input=None) -> int:
        """Total rows dropped, for one input or all.

        Parameters
        ----------
        input : str, optional

        Returns
        -------
        int
        """
        return int(sum(e["count"] for e in self.entries
                       if e["action"] == "dropped" and (input is None or e["input"] == input)))

    def __len__(self):
        return len(self.entries)


@dataclass
class Dataset:
    """The three loaded inputs, the configuration and the data-quality log of one run.

    Attributes
    ----------
    transactions, survey, customers : pandas.DataFrame
        Canonical tables (``survey`` and ``customers`` may be empty when the config gives no file).
    config : dict
        The resolved run configuration (see :func:`load_config`).
    log : QualityLog
    observation_end : pandas.Timestamp
        The "as of" date of the analysis.
    """

    transactions: pd.DataFrame
    survey: pd.DataFrame
    customers: pd.DataFrame
    config: dict
    log: QualityLog
    observation_end: pd.Timestamp


# ---------------------------------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------------------------------
def _merge(base: dict, override: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in (override or {}).items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def load_config(path=None) -> dict:
    """Read a run configuration (YAML), merge it over :data:`DEFAULT_CONFIG` and resolve its paths.

    Parameters
    ----------
    path : str or Path, optional
        The YAML file; relative paths are taken from the project root. Default: the sample's
        ``data/sample/config.yml``. Input paths inside the file are relative to the file itself.

    Returns
    -------
    dict
        The configuration with absolute input paths, ``observation_end`` as a Timestamp or None, and
        ``config_path`` set to the file read.

    Raises
    ------
    FileNotFoundError
        If the file, or an input it names, does not exist.
    DataError
        If the YAML is not a mapping, the transactions input is missing, or a value has the wrong type.

    Examples
    --------
    >>> cfg = load_config()
    >>> cfg["inputs"]["transactions"].name
    'transactions.csv'
    """
    path = resolve(path or SAMPLE_CONFIG)
    if not path.exists():
        raise FileNotFoundError(f"config file not found: {path}")
    with open(path, encoding="utf-8-sig") as fh:
        raw = yaml.safe_load(fh) or {}
    if not isinstance(raw, dict):
        raise DataError(path, None, "the configuration is not a YAML mapping",
                        "start from data/sample/config.yml and edit the values")
    unknown = sorted(set(raw) - set(DEFAULT_CONFIG))
    if unknown:
        warnings.warn(f"{path.name}: unknown configuration keys ignored: {unknown}", UserWarning,
                      stacklevel=2)
    cfg = _merge(DEFAULT_CONFIG, raw)
    cfg["config_path"] = path
    if not cfg["inputs"].get("transactions"):
        raise DataError(path, "inputs.transactions", "no transactions file is given",
                        "add `inputs: {transactions: path/to/transactions.csv}`")
    for key, value in list(cfg["inputs"].items()):
        if value:
            p = resolve(value, base=path.parent)
            if not p.exists():
                raise FileNotFoundError(f"{path.name}: inputs.{key} points to a missing file: {p}")
            cfg["inputs"][key] = p
    if cfg["observation_end"] is not None:
        try:
            cfg["observation_end"] = pd.Timestamp(cfg["observation_end"]).normalize()
        except (ValueError, TypeError) as exc:
            raise DataError(path, "observation_end", f"not a date: {cfg['observation_end']!r}",
                            "write it as YYYY-MM-DD or null") from exc
    try:
        cfg["margin_rate"] = float(cfg["margin_rate"])
    except (TypeError, ValueError) as exc:
        raise DataError(path, "margin_rate", f"not a number: {cfg['margin_rate']!r}",
                        "write a fraction such as 0.3") from exc
    if not 0 <= cfg["margin_rate"] <= 1:
        raise DataError(path, "margin_rate", f"{cfg['margin_rate']} is outside 0..1",
                        "write the gross margin as a fraction of revenue, e.g. 0.3 for 30%")
    for name, mapping in cfg["columns"].items():
        if mapping is not None and not isinstance(mapping, dict):
            raise DataError(path, f"columns.{name}", "must be a mapping canonical -> your column",
                            f"write e.g. `columns: {{{name}: {{customer_id: 'Customer No'}}}}`")
    return cfg


# ---------------------------------------------------------------------------------------------------
# Reading raw text
# ---------------------------------------------------------------------------------------------------
def _read_text(path: Path, encoding: str, log: QualityLog, name: str) -> str:
    data = path.read_bytes()
    if encoding != "auto":
        return data.decode(encoding)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        log.add(name, "file is not UTF-8; decoded as Windows-1252 (cp1252)", "fixed", 1)
    return text


def _sniff_sep(text: str) -> str:
    head = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(head, delimiters=",;\t|").delimiter
    except csv.Error:
        first = text.splitlines()[0] if text else ""
        counts = {s: first.count(s) for s in ",;\t|"}
        return max(counts, key=counts.get) if any(counts.values()) else ","


def _read_csv(path, cfg_read: dict, log: QualityLog, name: str) -> tuple[pd.DataFrame, str]:
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{name} file not found: {path}")
    text = _read_text(path, cfg_read.get("encoding", "auto"), log, name)
    if not text.strip():
        raise DataError(path, None, "the file is empty", "export the data again with a header row")
    sep = cfg_read.get("sep", "auto")
    sep = _sniff_sep(text) if sep in (None, "auto") else sep
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                         skipinitialspace=True)
    except pd.errors.ParserError as exc:
        raise DataError(path, None, f"not readable as a table with separator {sep!r}: {exc}",
                        "check the separator (read.sep in the config) and quoting") from exc
    df.columns = [str(c).strip() for c in df.columns]
    # line numbers in the file: header is line 1
    df.index = pd.RangeIndex(2, len(df) + 2, name="line")
    df = df.apply(lambda s: s.str.strip())
    return df, sep


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _map_columns(df, path, name, mapping, log):
    schema = SCHEMAS[name]
    mapping = {k: v for k, v in (mapping or {}).items() if v}
    rename = {}
    for canonical, source in mapping.items():
        if source not in df.columns:
            raise DataError(path, source, f"the config maps {canonical!r} to {source!r}, which is not a "
                            f"column of the file (columns: {list(df.columns)})",
                            f"correct `columns: {name}: {canonical}:` in the config")
        rename[source] = canonical
    taken = set(rename.values()) | set(rename)
    for canonical in schema["required"] + schema["optional"]:
        if canonical in taken or canonical in df.columns:
            continue
        matches = [c for c in df.columns if _norm(c) == _norm(canonical) and c not in taken]
        if matches:
            rename[matches[0]] = canonical
            log.add(name, f"column {matches[0]!r} used as {canonical!r} (same name but for case and "
                    "punctuation)", "info", len(df))
    df = df.rename(columns=rename)
    missing = [c for c in schema["required"] if c not in df.columns]
    if missing:
        raise DataError(path, missing[0], f"required column {missing[0]!r} is missing; the file has "
                        f"{list(df.columns)}",
                        f"rename the column in the export or map it in the config: "
                        f"`columns: {name}: {missing[0]}: <your column name>`")
    return df


# ---------------------------------------------------------------------------------------------------
# Type coercion
# ---------------------------------------------------------------------------------------------------
_CURRENCY = re.compile(r"[€$£¥\s\u00a0\u202f']|EUR|USD|GBP|CHF", re.I)


def _decimal_mark(values: pd.Series, sep: str, setting: str) -> str:
    if setting in (".", ","):
        return setting
    v = values[values != ""]
    both = v[v.str.contains(",", regex=False) & v.str.contains(".", regex=False)]
    if len(both):
        last_comma = both.str.rfind(",") > both.str.rfind(".")
        return "," if last_comma.mean() > 0.5 else "."
    commas = v[v.str.contains(",", regex=False)]
    if len(commas):
        not_thousands = ~commas.str.fullmatch(r"[-(]?\d{1,3}(,\d{3})+\)?-?")
        if not_thousands.any() or sep == ";":
            return ","
    return "."


def parse_numbers(values: pd.Series, decimal: str = ".") -> pd.Series:
    """Parse exported number text into floats; unparseable text becomes NaN.

    Handles currency symbols and codes, spaces, thousands separators, accounting negatives
    ``(12.50)`` and trailing minus ``12.50-``.

    Parameters
    ----------
    values : pandas.Series of str
    decimal : {".", ","}
        The decimal mark; the other mark is taken as a thousands separator.

    Returns
    -------
    pandas.Series of float

    Examples
    --------
    >>> parse_numbers(pd.Series(["1.234,50", "(3,00)", "€ 7"]), decimal=",").tolist()
    [1234.5, -3.0, 7.0]
    """
    s = values.astype(str).str.replace(_CURRENCY, "", regex=True)
    neg = s.str.fullmatch(r"\(.*\)") | s.str.endswith("-")
    s = s.str.strip("()").str.rstrip("-")
    thousands = "," if decimal == "." else "."
    s = s.str.replace(thousands, "", regex=False)
    if decimal == ",":
        s = s.str.replace(",", ".", regex=False)
    out = pd.to_numeric(s.where(s != ""), errors="coerce")
    return out.where(~neg, -out)


def _dayfirst(values: pd.Series, setting) -> bool:
    if isinstance(setting, bool):
        return setting
    parts = values.str.extract(r"^(\d{1,2})[./-](\d{1,2})[./-]\d{2,4}")
    a = pd.to_numeric(parts[0], errors="coerce")
    b = pd.to_numeric(parts[1], errors="coerce")
    if (a > 12).any() and not (b > 12).any():
        return True
    if (b > 12).any() and not (a > 12).any():
        return False
    return bool(values.str.contains(r"^\d{1,2}\.\d{1,2}\.\d{2,4}", regex=True).any())


def parse_dates(values: pd.Series, dayfirst=None) -> pd.Series:
    """Parse exported date text (ISO or mixed formats) into dates (time of day dropped).

    ISO dates are parsed first; the rest with ``format="mixed"``. Whether ``03/04/2024`` means
    3 April or 4 March is decided per column: if any value has a first field above 12 the column is
    day-first, if any has a second field above 12 it is month-first, dotted dates are day-first, and
    otherwise month-first unless ``dayfirst=True``.

    Parameters
    ----------
    values : pandas.Series of str
    dayfirst : bool or None
        Force day-first (True) or month-first (False); None decides from the data.

    Returns
    -------
    pandas.Series of datetime64[ns]
        NaT where a value is blank or cannot be parsed.

    Examples
    --------
    >>> parse_dates(pd.Series(["2024-03-01", "15/03/2024", "01/03/2024 10:22"])).dt.day.tolist()
    [1, 15, 1]
    """
    v = values.astype(str).str.strip()
    v = v.where(v != "")
    iso = pd.to_datetime(v, format="ISO8601", errors="coerce", utc=True)
    rest = iso.isna() & v.notna()
    out = iso.dt.tz_localize(None)
    if rest.any():
        first = _dayfirst(v[rest].dropna(), None if dayfirst in (None, "auto") else dayfirst)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            other = pd.to_datetime(v[rest], format="mixed", dayfirst=first, errors="coerce", utc=True)
        out = out.copy()
        out[rest] = other.dt.tz_localize(None)
    return out.dt.normalize().astype("datetime64[ns]")


_LABEL_SCORE = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*(?:[-–—:=]\s*\D.*|\(.*\))?$")
_SCORE_ANCHORS = {"extremely likely": 10, "not at all likely": 0, "not likely at all": 0}


def parse_scores(values: pd.Series) -> pd.Series:
    """Parse NPS answers, plain or labelled, into floats (NaN for blanks and unparseable text).

    Accepts ``"9"``, ``"9.0"``, ``"10 - Extremely likely"``, ``"0 – Not at all likely"``,
    ``"10 (Extremely likely)"`` and the bare anchors ``"Extremely likely"`` (10) and
    ``"Not at all likely"`` (0). Range checks are the caller's.

    Parameters
    ----------
    values : pandas.Series of str

    Returns
    -------
    pandas.Series of float

    Examples
    --------
    >>> parse_scores(pd.Series(["10 - Extremely likely", "7", "", "Not at all likely"])).tolist()
    [10.0, 7.0, nan, 0.0]
    """
    v = values.astype(str).str.strip()
    num = v.str.extract(_LABEL_SCORE)[0].str.replace(",", ".", regex=False)
    out = pd.to_numeric(num, errors="coerce")
    anchors = v.str.lower().map(_SCORE_ANCHORS)
    return out.fillna(anchors).astype(float)


def _require_dates(df, col, path, name, log, dayfirst, required=True):
    raw = df[col]
    parsed = parse_dates(raw, dayfirst)
    other = raw.ne("") & ~raw.str.match(r"\d{4}-\d{2}-\d{2}")
    if other.any():
        first = _dayfirst(raw[other], None if dayfirst in (None, "auto") else dayfirst)
        log.add(name, f"{col}: dates not in YYYY-MM-DD read as {'day' if first else 'month'}-first "
                "(decided from the values; set `read: dayfirst:` to force)", "fixed",
                int(other.sum()), df.loc[other])
    bad = parsed.isna()
    if bad.any():
        blank = raw.eq("")
        if required:
            kind = "blank" if blank[bad].all() else "unparseable"
            raise DataError(path, col, f"{int(bad.sum())} {kind} date(s) in a required column",
                            "give every row a date as YYYY-MM-DD (or a consistent DD/MM/YYYY), or "
                            "remove the rows from the export", df.loc[bad])
        unparse = bad & ~blank
        if unparse.any():
            log.add(name, f"{col}: unparseable dates set to empty", "fixed", int(unparse.sum()),
                    df.loc[unparse])
    return parsed


def _coerce_ids(df, col, name, log):
    s = df[col].astype("string")
    excel = s.str.fullmatch(r"\d+\.0")
    if excel.any():
        log.add(name, f"{col}: ids written as decimals by a spreadsheet ('123.0') read as '123'",
                "fixed", int(excel.sum()), df.loc[excel.fillna(False).astype(bool)])
        s = s.where(~excel.fillna(False), s.str[:-2])
    return s.replace("", pd.NA)


def _numbers(df, col, path, name, log, sep, decimal_setting, required):
    raw = df[col]
    mark = _decimal_mark(raw, sep, decimal_setting)
    if mark == ",":
        log.add(name, f"{col}: decimal commas read as decimal points", "info",
                int(raw.str.contains(",", regex=False).sum()))
    out = parse_numbers(raw, mark)
    bad = out.isna() & raw.ne("")
    if bad.any():
        if required:
            raise DataError(path, col, f"{int(bad.sum())} value(s) are not numbers",
                            "export numbers without text (currency symbols and thousands separators "
                            "are fine) or set `read: decimal:` in the config", df.loc[bad])
        log.add(name, f"{col}: text that is not a number set to empty", "fixed", int(bad.sum()),
                df.loc[bad])
    blank = raw.eq("")
    if required and blank.any():
        raise DataError(path, col, f"{int(blank.sum())} blank value(s) in a required column",
                        "fill the values in the export or remove those rows", df.loc[blank])
    return out


def _drop(df, mask, name, reason, log, examples=None):
    mask = pd.Series(mask, index=df.index).fillna(False).astype(bool)
    if mask.any():
        log.add(name, reason, "dropped", int(mask.sum()), (examples if examples is not None else df)[mask])
    return df.loc[~mask]


def _begin(path, name, columns, read, log):
    read = {**DEFAULT_CONFIG["read"], **(read or {})}
    log = log if log is not None else QualityLog()
    raw, sep = _read_csv(path, read, log, name)
    if sep != ",":
        log.add(name, f"separator {sep!r} detected", "info", len(raw))
    if raw.empty:
        raise DataError(path, None, "the file has a header but no rows",
                        "export the data again; check the date filter of the export")
    df = _map_columns(raw, path, name, columns, log)
    return df, read, log, sep


def _keep_attributes(df, out, name):
    """Copy the columns that are not in the input's schema into ``out`` as text attributes."""
    schema = SCHEMAS[name]["required"] + SCHEMAS[name]["optional"]
    for col in df.columns:
        if col not in out.columns and col not in schema:
            out[col] = df[col].replace("", pd.NA).astype("string")


def _dedupe(df, name, log):
    dup = df.duplicated(keep="first")
    return _drop(df, dup, name, "exact duplicate rows (every column equal); first copy kept", log)


# ---------------------------------------------------------------------------------------------------
# Loaders
# ---------------------------------------------------------------------------------------------------
def load_transactions(path, columns=None, *, read=None, margin_rate=0.30, observation_end=None,
                      log=None) -> pd.DataFrame:
    """Load a transactions export into the canonical table.

    Parameters
    ----------
    path : str or Path
        CSV export, one row per order line (or per order).
    columns : dict, optional
        Canonical name -> the file's column name, e.g. ``{"amount": "Net Sales"}``. Columns whose
        names differ only in case or punctuation are matched automatically (and logged).
    read : dict, optional
        ``sep``, ``decimal``, ``dayfirst``, ``encoding``; ``"auto"`` detects.
    margin_rate : float, default 0.30
        Profit share of revenue for rows without a ``margin`` value.
    observation_end : date-like, optional
        Rows dated after it are dropped (and logged): the analysis is "as of" this date.
    log : QualityLog, optional
        Log to append to; a new one is made when None (reach it through :func:`load_all`).

    Returns
    -------
    pandas.DataFrame
        Columns ``customer_id`` (string), ``order_date`` (datetime64), ``amount``, ``profit``
        (floats), then ``order_id``, ``margin``, ``discount`` when present, then other columns as
        text; sorted by order_date, customer_id; index = line number in the file.

    Raises
    ------
    DataError
        Missing required column, no rows, unparseable or blank dates or amounts.

    Examples
    --------
    >>> from helpers.paths import SAMPLE_DIR
    >>> tx = load_transactions(SAMPLE_DIR / "transactions.csv")
    >>> list(tx.columns[:4])
    ['customer_id', 'order_date', 'amount', 'profit']
    """
    name = "transactions"
    df, read, log, sep = _begin(path, name, columns, read, log)
    df = _dedupe(df, name, log)
    blank_id = df["customer_id"].eq("")
    df = _drop(df, blank_id, name, "no customer_id (guest or anonymous orders cannot be followed)", log)
    if df.empty:
        raise DataError(path, "customer_id", "no row has a customer id",
                        "map the customer id column in the config")
    out = pd.DataFrame(index=df.index)
    out["customer_id"] = _coerce_ids(df, "customer_id", name, log)
    out["order_date"] = _require_dates(df, "order_date", path, name, log, read["dayfirst"])
    out["amount"] = _numbers(df, "amount", path, name, log, sep, read["decimal"], required=True)
    margin = (_numbers(df, "margin", path, name, log, sep, read["decimal"], required=False)
              if "margin" in df else None)
    if margin is not None:
        no_margin = margin.isna()
        log.add(name, f"no margin on the row: profit = amount x margin_rate ({margin_rate:g})", "fixed",
                int(no_margin.sum()), df.loc[no_margin])
        out["profit"] = margin.fillna(out["amount"] * margin_rate)
    else:
        log.add(name, f"no margin column: profit = amount x margin_rate ({margin_rate:g})", "info", len(df))
        out["profit"] = out["amount"] * margin_rate
    if "order_id" in df:
        out["order_id"] = _coerce_ids(df, "order_id", name, log)
    if margin is not None:
        out["margin"] = margin
    if "discount" in df:
        disc = _numbers(df, "discount", path, name, log, sep, read["decimal"], required=False)
        out["discount"] = disc.abs()
        neg = disc < 0
        log.add(name, "discount: negative values read as positive discounts", "fixed", int(neg.sum()),
                df.loc[neg])
    _keep_attributes(df, out, name)
    refunds = out["amount"] < 0
    log.add(name, "refunds or returns (negative amount): kept, netted into revenue", "info",
            int(refunds.sum()), df.loc[refunds])
    zero = out["amount"] == 0
    log.add(name, "zero amount (free items or test orders?): kept", "flagged", int(zero.sum()), df.loc[zero])
    if observation_end is not None:
        end = pd.Timestamp(observation_end)
        late = out["order_date"] > end
        out = _drop(out, late, name, f"dated after the observation end {end:%Y-%m-%d}", log,
                    examples=df.loc[out.index])
    return out.sort_values(["order_date", "customer_id"], kind="stable")


def load_survey(path, columns=None, *, read=None, observation_end=None, log=None) -> pd.DataFrame:
    """Load an NPS survey export into the canonical table.

    Parameters
    ----------
    path : str or Path
        CSV export, one row per response.
    columns : dict, optional
        Canonical name -> the file's column name, e.g. ``{"score": "How likely ...?"}``.
    read : dict, optional
        ``sep``, ``decimal``, ``dayfirst``, ``encoding``.
    observation_end : date-like, optional
        Responses dated after it are dropped (and logged).
    log : QualityLog, optional

    Returns
    -------
    pandas.DataFrame
        ``score`` (Int64, 0..10), ``response_date`` (datetime64), ``customer_id`` (string, may be NA),
        ``weight`` (float, when present), then attributes as text; sorted by response_date.

    Raises
    ------
    DataError
        Missing score or date column, no rows, scores that are outside 0..10 or not whole numbers,
        unparseable dates, weights that are not positive numbers.

    Examples
    --------
    >>> from helpers.paths import SAMPLE_DIR
    >>> sv = load_survey(SAMPLE_DIR / "survey.csv")
    >>> int(sv["score"].min()) >= 0 and int(sv["score"].max()) <= 10
    True
    """
    name = "survey"
    df, read, log, sep = _begin(path, name, columns, read, log)
    df = _dedupe(df, name, log)
    blank = df["score"].eq("")
    df = _drop(df, blank, name, "blank answer (no score)", log)
    if df.empty:
        raise DataError(path, "score", "no response has a score", "check the score column mapping")
    score = parse_scores(df["score"])
    bad = score.isna() | (score < 0) | (score > 10) | (score != np.round(score))
    if bad.any():
        raise DataError(path, "score", f"{int(bad.sum())} score(s) are not whole numbers from 0 to 10",
                        "NPS answers must be 0..10 ('10 - Extremely likely' is fine); recode or remove "
                        "'don't know' codes such as 99 or -1 before loading", df.loc[bad])
    labelled = ~df["score"].str.fullmatch(r"\d+(\.0)?")
    log.add(name, "labelled answers ('10 - Extremely likely') read as their number", "fixed",
            int(labelled.sum()), df.loc[labelled])
    out = pd.DataFrame(index=df.index)
    out["score"] = score.astype("Int64")
    out["response_date"] = _require_dates(df, "response_date", path, name, log, read["dayfirst"])
    out["customer_id"] = (_coerce_ids(df, "customer_id", name, log) if "customer_id" in df
                          else pd.Series(pd.NA, index=df.index, dtype="string"))
    if "weight" in df:
        w = _numbers(df, "weight", path, name, log, sep, read["decimal"], required=False)
        badw = w.isna() | (w <= 0)
        if badw.any():
            raise DataError(path, "weight", f"{int(badw.sum())} weight(s) are blank, zero, negative or "
                            "not numbers", "give every response a positive weight, or drop the weight "
                            "column to analyse unweighted", df.loc[badw])
        out["weight"] = w
    _keep_attributes(df, out, name)
    if observation_end is not None:
        end = pd.Timestamp(observation_end)
        out = _drop(out, out["response_date"] > end, name,
                    f"response dated after the observation end {end:%Y-%m-%d}", log,
                    examples=df.loc[out.index])
    return out.sort_values(["response_date"], kind="stable")


def load_customers(path, columns=None, *, read=None, log=None) -> pd.DataFrame:
    """Load a customer list into the canonical table.

    Parameters
    ----------
    path : str or Path
        CSV export, one row per customer.
    columns : dict, optional
        Canonical name -> the file's column name.
    read : dict, optional
    log : QualityLog, optional

    Returns
    -------
    pandas.DataFrame
        ``customer_id`` (string, unique), ``signup_date`` and ``referrals`` (Int64) when present,
        then attributes as text; sorted by customer_id.

    Raises
    ------
    DataError
        Missing customer_id column, no rows, blank ids.

    Examples
    --------
    >>> from helpers.paths import SAMPLE_DIR
    >>> cu = load_customers(SAMPLE_DIR / "customers.csv")
    >>> cu["customer_id"].is_unique
    True
    """
    name = "customers"
    df, read, log, sep = _begin(path, name, columns, read, log)
    blank = df["customer_id"].eq("")
    if blank.any():
        raise DataError(path, "customer_id", f"{int(blank.sum())} blank customer id(s)",
                        "every customer row needs an id; remove blank rows from the export", df.loc[blank])
    df = _dedupe(df, name, log)
    out = pd.DataFrame(index=df.index)
    out["customer_id"] = _coerce_ids(df, "customer_id", name, log)
    dup = out["customer_id"].duplicated(keep="first")
    if dup.any():
        log.add(name, "customer id listed twice with different details; first row kept", "dropped",
                int(dup.sum()), df.loc[dup])
        out, df = out.loc[~dup], df.loc[~dup]
    if "signup_date" in df:
        out["signup_date"] = _require_dates(df, "signup_date", path, name, log, read["dayfirst"],
                                            required=False)
    if "referrals" in df:
        ref = _numbers(df, "referrals", path, name, log, sep, read["decimal"], required=False)
        badr = (ref < 0) | (ref != np.round(ref))
        if badr.any():
            log.add(name, "referrals: negative or fractional counts set to empty", "fixed",
                    int(badr.sum()), df.loc[badr])
            ref = ref.where(~badr)
        out["referrals"] = ref.astype("Int64")
    _keep_attributes(df, out, name)
    return out.sort_values("customer_id", kind="stable")


def section_settings(config, section, func, *, skip=(), with_defaults=False, **overrides) -> dict:
    """Keyword arguments for ``func`` from one section of a run configuration.

    A config section such as ``relationship:`` holds keyword arguments of the function that
    implements the framework (e.g. :func:`helpers.relationship.customer_relationships`), so that a
    notebook and the per-customer view use the same settings. A key the function does not take is
    an error (a typo would otherwise be ignored without a word). ``overrides`` that are not
    ``None`` win over the config, so a notebook parameter left at ``None`` means "as configured".

    Parameters
    ----------
    config : dict
        A run configuration (:func:`load_config`, or ``Dataset.config``).
    section : str
        Name of the section (``"lifecycle"``, ``"relationship"``, ...).
    func : callable
        The function whose keyword arguments the section may set.
    skip : iterable of str
        Parameters of ``func`` the configuration must not set (data arguments).
    with_defaults : bool, default False
        Also return ``func``'s defaults for the settings neither configured nor overridden, so the
        result names every choice in force.
    **overrides
        Values that replace the configured ones unless they are ``None``.

    Returns
    -------
    dict

    Raises
    ------
    ValueError
        If the section is not a mapping or names an argument ``func`` does not take.

    Examples
    --------
    >>> def fit(data, *, cutoff=0.5, horizon=52):
    ...     return cutoff, horizon
    >>> cfg = {"model": {"cutoff": 0.3}}
    >>> section_settings(cfg, "model", fit, skip=("data",), horizon=None)
    {'cutoff': 0.3}
    >>> section_settings(cfg, "model", fit, skip=("data",), cutoff=0.7)
    {'cutoff': 0.7}
    >>> section_settings(cfg, "model", fit, skip=("data",), with_defaults=True)
    {'cutoff': 0.3, 'horizon': 52}
    """
    values = config.get(section) or {}
    if not isinstance(values, dict):
        raise ValueError(f"config section {section!r} must be a mapping of settings, not {values!r}")
    params = inspect.signature(func).parameters
    known = [k for k, p in params.items()
             if k not in set(skip) and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ValueError(f"config section {section!r}: unknown setting(s) {unknown}; "
                         f"{func.__module__}.{func.__name__} takes {known}")
    unknown = sorted(set(overrides) - set(known))
    if unknown:
        raise ValueError(f"override(s) {unknown} are not settings of {func.__name__}; it takes {known}")
    out = {k: p.default for k, p in params.items()
           if with_defaults and k in known and p.default is not p.empty}
    out.update(values)
    out.update({k: v for k, v in overrides.items() if v is not None})
    return out


def load_all(config=None) -> Dataset:
    """Load every input of a run configuration, cross-check them, and return one :class:`Dataset`.

    Cross-checks (all logged): customers who buy but are missing from the customer list are added to it
    (with empty attributes); survey responses linked to an id that is in neither table are flagged.
    The observation end is the config's, else the last transaction date.

    Parameters
    ----------
    config : str, Path or dict, optional
        A config path (default: the sample's) or a dict returned by :func:`load_config`.

    Returns
    -------
    Dataset

    Raises
    ------
    DataError, FileNotFoundError
        As the loaders do.

    Examples
    --------
    >>> ds = load_all()
    >>> ds.transactions["order_date"].max() <= ds.observation_end
    True
    """
    cfg = config if isinstance(config, dict) else load_config(config)
    log = QualityLog()
    inputs, cols, read = cfg["inputs"], cfg["columns"], cfg["read"]
    end = cfg["observation_end"]
    tx = load_transactions(inputs["transactions"], cols.get("transactions"), read=read,
                           margin_rate=cfg["margin_rate"], observation_end=end, log=log)
    if end is None:
        end = tx["order_date"].max()
        log.add("all", f"observation end not set: last transaction date {end:%Y-%m-%d} used", "info", 1)
    if inputs.get("survey"):
        sv = load_survey(inputs["survey"], cols.get("survey"), read=read, observation_end=end, log=log)
    else:
        sv = pd.DataFrame({"score": pd.Series(dtype="Int64"),
                           "response_date": pd.Series(dtype="datetime64[ns]"),
                           "customer_id": pd.Series(dtype="string")})
    if inputs.get("customers"):
        cu = load_customers(inputs["customers"], cols.get("customers"), read=read, log=log)
    else:
        cu = pd.DataFrame({"customer_id": pd.Series(dtype="string")})
    known = set(cu["customer_id"])
    buyers = pd.Index(tx["customer_id"].unique())
    missing = buyers[~buyers.isin(list(known))].sort_values()
    if len(missing):
        log.add("customers", "customers with transactions but not in the customer list: added",
                "fixed", len(missing), pd.DataFrame({"customer_id": missing[:N_EXAMPLES]}))
        cu = pd.concat([cu, pd.DataFrame({"customer_id": pd.array(missing, dtype="string")})],
                       ignore_index=True).sort_values("customer_id", kind="stable")
    cu = cu.reset_index(drop=True)
    linked = sv["customer_id"].notna()
    unknown = linked & ~sv["customer_id"].isin(set(cu["customer_id"]))
    log.add("survey", "responses linked to a customer id found in no other input: kept, unlinked for "
            "behaviour joins", "flagged", int(unknown.sum()), sv.loc[unknown])
    log.add("survey", "anonymous responses (no customer_id): used for NPS, not for joins", "info",
            int((~linked).sum()))
    return Dataset(transactions=tx, survey=sv, customers=cu, config=cfg, log=log,
                   observation_end=pd.Timestamp(end))


# ---------------------------------------------------------------------------------------------------
# What the inputs hold
# ---------------------------------------------------------------------------------------------------
def input_overview(ds: Dataset) -> pd.DataFrame:
    """Summarise each input in one row: rows, customers, date range and the main measures.

    Parameters
    ----------
    ds : Dataset
        As returned by :func:`load_all`.

    Returns
    -------
    pandas.DataFrame
        Index ``input`` (transactions, survey, customers); columns rows, customers, first, last,
        and a ``notes`` text with the input's key measures.

    Examples
    --------
    >>> input_overview(load_all()).index.tolist()
    ['transactions', 'survey', 'customers']
    """
    tx, sv, cu = ds.transactions, ds.survey, ds.customers
    cur = ds.config.get("currency", "")
    orders = tx["order_id"].nunique() if "order_id" in tx else len(tx[["customer_id", "order_date"]]
                                                                   .drop_duplicates())
    refunds = tx["amount"] < 0
    rows = [
        {"input": "transactions", "rows": len(tx), "customers": tx["customer_id"].nunique(),
         "first": tx["order_date"].min(), "last": tx["order_date"].max(),
         "notes": f"{orders:,} orders; revenue {tx['amount'].sum():,.0f} {cur}, profit "
                  f"{tx['profit'].sum():,.0f} {cur}; {int(refunds.sum()):,} refund rows "
                  f"({-tx.loc[refunds, 'amount'].sum():,.0f} {cur})"},
        {"input": "survey", "rows": len(sv), "customers": sv["customer_id"].nunique(),
         "first": sv["response_date"].min() if len(sv) else pd.NaT,
         "last": sv["response_date"].max() if len(sv) else pd.NaT,
         "notes": (f"{sv['customer_id'].notna().mean():.0%} linked to a customer; mean score "
                   f"{sv['score'].mean():.1f}" if len(sv) else "no survey")},
        {"input": "customers", "rows": len(cu), "customers": cu["customer_id"].nunique(),
         "first": cu["signup_date"].min() if "signup_date" in cu else pd.NaT,
         "last": cu["signup_date"].max() if "signup_date" in cu else pd.NaT,
         "notes": f"{(~cu['customer_id'].isin(set(tx['customer_id']))).sum():,} never bought "
                  f"(prospects); attributes: {', '.join(c for c in cu.columns if c != 'customer_id')}"},
    ]
    out = pd.DataFrame(rows).set_index("input")
    for c in ("first", "last"):
        out[c] = pd.to_datetime(out[c]).dt.strftime("%Y-%m-%d").fillna("")
    return out


def data_warnings(ds: Dataset, *, max_drop_share=0.01, min_history_days=365, min_linked_share=0.5,
                  min_responses=100) -> list[str]:
    """List what an analyst must read before trusting the reports built on ``ds``.

    Parameters
    ----------
    ds : Dataset
    max_drop_share : float, default 0.01
        Warn when more than this share of an input's rows was dropped.
    min_history_days : int, default 365
        Warn when the transactions span less (lifetime models need history).
    min_linked_share : float, default 0.5
        Warn when fewer survey responses than this link to a customer.
    min_responses : int, default 100
        Warn when the survey has fewer responses (NPS intervals get wide).

    Returns
    -------
    list of str
        Plain sentences, empty when nothing needs attention.

    Examples
    --------
    >>> isinstance(data_warnings(load_all()), list)
    True
    """
    out = []
    tx, sv = ds.transactions, ds.survey
    for name, kept in (("transactions", len(tx)), ("survey", len(sv)), ("customers", len(ds.customers))):
        dropped = ds.log.dropped(name)
        if dropped and dropped / (dropped + kept) > max_drop_share:
            out.append(f"{dropped:,} {name} rows ({dropped / (dropped + kept):.1%}) were dropped: "
                       "read the data-quality log below before using the reports.")
    span = (tx["order_date"].max() - tx["order_date"].min()).days
    if span < min_history_days:
        out.append(f"Transactions span only {span} days: lifetime models and cohort retention need "
                   f"at least {min_history_days} days to be reliable.")
    repeat = tx.groupby("customer_id")["order_date"].nunique().gt(1).mean()
    if repeat < 0.2:
        out.append(f"Only {repeat:.0%} of customers bought on more than one day: repeat-purchase models "
                   "have little to learn from.")
    if len(sv) == 0:
        out.append("No survey: the NPS report and the NPS parts of the action table are empty.")
    else:
        if len(sv) < min_responses:
            out.append(f"Only {len(sv)} survey responses: NPS confidence intervals will be wide.")
        linked = sv["customer_id"].notna().mean()
        if linked < min_linked_share:
            out.append(f"Only {linked:.0%} of survey responses link to a customer: NPS drivers and the "
                       "per-customer view use the linked ones only.")
    flagged = [e for e in ds.log.entries if e["action"] == "flagged"]
    for e in flagged:
        out.append(f"{e['count']:,} {e['input']} rows flagged: {e['reason']}.")
    return out
