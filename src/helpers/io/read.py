"""Read raw exports: text decoding, separators, the CSV itself, and numbers, dates and scores.

Real exports handled: UTF-8 with or without BOM (and cp1252 as a logged fallback), ``,``/``;``/tab/``|``
separators, decimal commas and thousands separators, accounting negatives ``(12.50)``, currency
symbols, mixed date formats (ISO, day-first or month-first, decided per column) and labelled NPS
answers (``"10 - Extremely likely"``). The public parsers (:func:`parse_numbers`,
:func:`parse_dates`, :func:`parse_scores`) work on any text Series; the private column readers
(``_require_dates``, ``_numbers``, ``_coerce_ids``) apply them to one column of an export and write
what they fixed to the :class:`~helpers.io.quality.QualityLog`.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from pathlib import Path

import pandas as pd

from helpers.io.quality import DataError, QualityLog

__all__ = ["parse_numbers", "parse_dates", "parse_scores"]


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
    if isinstance(path, tuple):  # (database file, table): the engine reads the table as text
        from helpers.engine import read_table

        df = read_table(path)
        df.index = pd.RangeIndex(1, len(df) + 1, name="row")
        return df, ","
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


# ---------------------------------------------------------------------------------------------------
# Numbers, dates and scores
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
            # the day-first order is decided above, for the whole column
            warnings.filterwarnings("ignore", message=r"Parsing dates in .* format when dayfirst=",
                                    category=UserWarning)
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


# ---------------------------------------------------------------------------------------------------
# One column of an export, with what was fixed logged
# ---------------------------------------------------------------------------------------------------
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
