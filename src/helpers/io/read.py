"""Read raw exports: formats, text decoding, separators, and numbers, dates and scores.

Real exports handled: CSV/TSV, Parquet (read through duckdb) and xlsx (openpyxl, a configured sheet),
the format taken from the first bytes and the extension unless ``read: format:`` says; UTF-8 with or
without BOM, UTF-16/32 by byte-order mark, UTF-8 with some cp1252 lines (decoded per line, the lines
named in the log); ``,``/``;``/tab/``|`` separators and a separator closing every line; decimal
commas and thousands separators (decided per column from all values), accounting negatives
``(12.50)``, currency symbols; mixed date formats (ISO, day-first or month-first, decided per column;
both orders in one column is an error), ISO times with offsets (the local date), spreadsheet serial
dates; labelled NPS answers (``"10 - Extremely likely"``). The public parsers (:func:`parse_numbers`,
:func:`parse_dates`, :func:`parse_scores`) work on any text Series and parse each distinct value
once; the private column readers (``_require_dates``, ``_numbers``, ``_coerce_ids``) apply them to
one column of an export and write what they fixed to the :class:`~helpers.io.quality.QualityLog`.

Speed at scale: a plain UTF-8 CSV is parsed from its bytes by pyarrow's multithreaded reader into
Arrow text columns (the pandas parser reads every file it declines, with the same result: see
``_read_fast``); Parquet text columns arrive as Arrow, dates and numbers are formatted once per
distinct value; dates, numbers and ids are tested and parsed per distinct value.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.io.quality import DataError, QualityLog

__all__ = ["parse_numbers", "parse_dates", "parse_scores"]


# ---------------------------------------------------------------------------------------------------
# Reading raw text
# ---------------------------------------------------------------------------------------------------
def _latin1(err: UnicodeDecodeError):
    return err.object[err.start:err.end].decode("latin-1"), err.end


codecs.register_error("_latin1", _latin1)

_BOMS = [(b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")]


def _decode_lines(data: bytes, log: QualityLog, name: str) -> str:
    """Decode UTF-8 line by line; lines that are not UTF-8 are read as cp1252 and named in the log."""
    lines = data.split(b"\n")
    out, fallback, undefined = [], [], []
    for i, line in enumerate(lines, start=1):
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            try:
                out.append(line.decode("cp1252"))
                fallback.append(i)
            except UnicodeDecodeError:
                out.append(line.decode("cp1252", errors="_latin1"))
                undefined.append(i)
    if fallback:
        log.add(name, "lines that are not UTF-8 decoded as Windows-1252 (cp1252): "
                f"line(s) {_lines(fallback)}", "fixed", len(fallback))
    if undefined:
        log.add(name, "bytes undefined in Windows-1252 read as Latin-1 (check the characters): "
                f"line(s) {_lines(undefined)}", "flagged", len(undefined))
    return "\n".join(out).removeprefix("\ufeff")


def _lines(numbers, k=10) -> str:
    shown = ", ".join(str(n) for n in numbers[:k])
    return shown + (f" and {len(numbers) - k} more" if len(numbers) > k else "")


def _read_text(data: bytes, path: Path, encoding: str, log: QualityLog, name: str) -> str:
    """The file's text: the configured encoding, else by byte-order mark, else UTF-8 (line by line
    falling back to cp1252)."""
    if encoding not in (None, "auto"):
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise DataError(path, None, f"not readable with the configured encoding {encoding!r}: {exc}",
                            "set `read: encoding: auto` or the file's real encoding") from exc
    for bom, codec in _BOMS:
        if data.startswith(bom):
            log.add(name, f"file is {codec.upper()} (byte-order mark): decoded as {codec.upper()}",
                    "info", 1)
            return data.decode(codec).removeprefix("\ufeff")
    head = data[:4000]
    if len(head) >= 4 and head.count(b"\x00") > len(head) // 4:
        codec = "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
        log.add(name, f"file has no byte-order mark but is {codec.upper()}: decoded as such", "fixed", 1)
        return data.decode(codec, errors="replace")
    if data.startswith(codecs.BOM_UTF8):
        log.add(name, "UTF-8 byte-order mark removed", "info", 1)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _decode_lines(data, log, name)


def _head_lines(text: str, n: int) -> list:
    """The first ``n`` lines of ``text`` (``str.splitlines``) without splitting all of it."""
    size = 1 << 16
    while True:
        lines = text[:size].splitlines()
        if len(lines) > n or size >= len(text):
            return lines[:n] if size < len(text) else text.splitlines()[:n]
        size *= 4


def _sniff_sep(text: str) -> str:
    head = "\n".join(_head_lines(text, 50))
    try:
        return csv.Sniffer().sniff(head, delimiters=",;\t|").delimiter
    except csv.Error:
        first = _head_lines(text, 1)[0] if text else ""
        counts = {s: first.count(s) for s in ",;\t|"}
        return max(counts, key=counts.get) if any(counts.values()) else ","


_FORMATS = {".parquet": "parquet", ".pq": "parquet", ".xlsx": "xlsx", ".xlsm": "xlsx",
            ".csv": "csv", ".tsv": "csv", ".txt": "csv", ".tab": "csv"}


def _format(path: Path, setting, log: QualityLog, name: str) -> str:
    """The file format: the configured one, else what the first bytes say, else the extension."""
    if setting not in (None, "auto"):
        if setting not in ("csv", "parquet", "xlsx"):
            raise DataError(path, None, f"unknown format {setting!r}",
                            "set `read: format:` to auto, csv, parquet or xlsx")
        return setting
    with open(path, "rb") as fh:
        magic = fh.read(4)
    by_ext = _FORMATS.get(path.suffix.lower(), "csv")
    by_magic = "parquet" if magic == b"PAR1" else "xlsx" if magic == b"PK\x03\x04" else None
    if by_magic and by_magic != by_ext:
        log.add(name, f"file named {path.suffix or 'without extension'} is {by_magic}: read as "
                f"{by_magic}", "fixed", 1)
        return by_magic
    if path.suffix.lower() == ".xls":
        raise DataError(path, None, "old Excel .xls files are not read",
                        "save the sheet as .xlsx or CSV (UTF-8)")
    return by_ext


def _as_text(df: pd.DataFrame) -> pd.DataFrame:
    """A typed table (Parquet, xlsx) as the text table the CSV reader gives: '' for missing."""
    out = {}
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_datetime64_any_dtype(s) or pd.api.types.is_float_dtype(s):
            # dates and amounts repeat: format each distinct value once
            import pyarrow as pa
            import pyarrow.compute as pc

            codes, uniques = pd.factorize(s)
            text = _typed_text(pd.Series(uniques, dtype=s.dtype)).astype("string").fillna("")
            texts = pa.array(text.tolist() + [""], type=pa.large_string())  # code -1 (missing): ""
            codes = np.where(codes < 0, len(text), codes)
            text = pd.Series(pd.array(pc.take(texts, pa.array(codes)), dtype="str"), index=df.index)
        else:
            text = s.astype("string")
        out[str(col)] = text.astype("string").fillna("").astype("str")
    out = pd.DataFrame(out, index=df.index)
    # dates and numbers written here have no spaces around them: the loader need not trim them
    out.attrs["unpadded"] = {str(c) for c in df.columns if pd.api.types.is_datetime64_any_dtype(df[c])
                             or pd.api.types.is_numeric_dtype(df[c]) and not df[c].dtype == bool}
    return out


def _typed_text(s: pd.Series) -> pd.Series:
    """Dates and floats as an export writes them: ``2024-03-01`` (a time only when there is one),
    whole numbers without ``.0``."""
    if pd.api.types.is_datetime64_any_dtype(s):
        if getattr(s.dt, "tz", None) is not None:
            s = s.dt.tz_localize(None)
        return s.dt.strftime("%Y-%m-%d %H:%M:%S").str.removesuffix(" 00:00:00")
    whole = s.notna() & (s == s.round()) & (s.abs() < 1e15)
    text = s.astype(str).where(s.notna(), "")
    text[whole] = s[whole].astype("int64").astype(str)
    return text


def _arrow_text(kind):
    import pyarrow as pa

    return pd.StringDtype("pyarrow", na_value=np.nan) if kind in (pa.string(), pa.large_string()) else None


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        import duckdb
    except ImportError as exc:  # pragma: no cover - duckdb is a dependency
        raise DataError(path, None, "Parquet files need the duckdb package",
                        "install the project's dependencies (requirements.lock)") from exc
    try:
        with duckdb.connect() as con:
            con.execute("SET enable_progress_bar = false")
            try:
                kinds = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
            except duckdb.Error:  # the error of reading the file, as the user would write it
                con.execute("SELECT * FROM read_parquet(?)", [str(path)])
                raise
            text = [name for name, kind, *_ in kinds if kind == "VARCHAR"]
            other = [name for name, kind, *_ in kinds if kind != "VARCHAR"]

            source = "'" + str(path).replace("'", "''") + "'"

            def select(names):
                cols = ", ".join('"' + n.replace('"', '""') + '"' for n in names)
                return con.sql(f"SELECT {cols} FROM read_parquet({source})")
            # text columns as Arrow (no Python string per value); the others as DuckDB converts them
            parts = {}
            if text:
                parts.update(select(text).to_arrow_table().to_pandas(types_mapper=_arrow_text).items())
            if other:
                parts.update(select(other).df().items())
            return pd.DataFrame({name: parts[name] for name, *_ in kinds})
    except duckdb.Error as exc:
        raise DataError(path, None, f"not readable as Parquet: {exc}",
                        "export the table again, or as CSV") from exc


def _read_xlsx(path: Path, sheet) -> pd.DataFrame:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise DataError(path, None, f"not readable as an Excel workbook: {exc}",
                        "save it again as .xlsx, or as CSV (UTF-8)") from exc
    sheets = book.sheetnames
    book.close()
    if sheet in (None, "auto"):
        sheet = sheets[0]
    elif sheet not in sheets:
        raise DataError(path, None, f"no sheet named {sheet!r}; the workbook has {sheets}",
                        "set `read: sheet:` (or `read: <input>: sheet:`) to one of these names")
    return pd.read_excel(path, sheet_name=sheet, engine="openpyxl", dtype=object)


def _read_csv(path, cfg_read: dict, log: QualityLog, name: str) -> tuple[pd.DataFrame, str]:
    """Read one export (CSV/TSV, Parquet or xlsx) as a text table indexed by its line in the file."""
    if isinstance(path, tuple):  # (database file, table): the engine reads the table as text
        from helpers.engine import read_table

        df = read_table(path)
        df.index = pd.RangeIndex(1, len(df) + 1, name="row")
        return df, ","
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{name} file not found: {path}")
    fmt = _format(path, cfg_read.get("format", "auto"), log, name)
    if fmt != "csv":
        df = _read_parquet(path) if fmt == "parquet" else _read_xlsx(path, cfg_read.get("sheet"))
        log.add(name, f"read as {fmt}" + (f", sheet {cfg_read['sheet']!r}" if fmt == "xlsx" and
                                          cfg_read.get("sheet") not in (None, "auto") else ""),
                "info", max(len(df), 1))
        df.index = pd.RangeIndex(2, len(df) + 2, name="line")
        if fmt == "xlsx":
            df = df.dropna(how="all")
        df = _as_text(df)
        df.columns = [str(c).strip() for c in df.columns]
        return df, ","
    data = path.read_bytes()
    fast = _read_fast(data, cfg_read, log, name)
    if fast is not None:
        return fast
    text = _read_text(data, path, cfg_read.get("encoding", "auto"), log, name)
    if not text.strip():
        raise DataError(path, None, "the file is empty", "export the data again with a header row")
    sep = cfg_read.get("sep", "auto")
    sep = _sniff_sep(text) if sep in (None, "auto") else sep
    trailing = _trailing(text, sep)
    try:
        # index_col=False: a separator at the end of every line must not shift the columns
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                             skipinitialspace=True, index_col=False)
        for w in caught:
            if not issubclass(w.category, pd.errors.ParserWarning):
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
            elif trailing < len(df):
                raise DataError(path, None, f"some lines have more fields than the header "
                                f"(separator {sep!r})", "quote text that contains the separator, or "
                                "remove the extra fields")
    except pd.errors.ParserError as exc:
        raise DataError(path, None, f"not readable as a table with separator {sep!r}: {exc}",
                        "check the separator (read.sep in the config) and quoting") from exc
    df.columns = [str(c).strip() for c in df.columns]
    unnamed = [c for c in df.columns if c.startswith("Unnamed: ") and df[c].eq("").all()]
    if trailing and trailing >= len(df):
        log.add(name, f"a separator {sep!r} at the end of the lines ignored", "fixed", trailing)
    if unnamed:
        df = df.drop(columns=unnamed)
        log.add(name, "empty columns without a header removed", "fixed", len(unnamed))
    # line numbers in the file: header is line 1 (a quoted value may span lines)
    df.index = pd.Index(_record_lines(text, sep, len(df)), name="line")
    return df, sep


def _trailing(text: str, sep: str) -> int:
    """How many lines end with the separator (spaces or tabs after it allowed)."""
    return len(re.findall(rf"{re.escape(sep)}[ \t]*\r?$", text, flags=re.M))


#: Whether plain UTF-8 CSVs are parsed by pyarrow's multithreaded reader (tests switch it off to
#: compare with the pandas parser, which reads every file the fast reader declines).
FAST_CSV = True


def _utf8_head(body: bytes, lines: int) -> str | None:
    """The first ``lines`` lines (and the rest of the last one) of UTF-8 ``body`` as text."""
    end, size = len(body), 1 << 16
    while size < len(body):
        cut = body.rfind(b"\n", 0, size)
        if cut >= 0 and body.count(b"\n", 0, cut + 1) > lines:
            end = cut + 1
            break
        size *= 4
    try:
        return body[:end].decode("utf-8")
    except UnicodeDecodeError:
        return None


def _read_fast(data: bytes, cfg_read: dict, log: QualityLog, name: str):
    """``(table, sep)`` for a plain UTF-8 CSV, parsed by pyarrow from the bytes (never decoded as a
    whole into Python text); None when the file needs the general reader.

    The table is what ``pd.read_csv(dtype=str, keep_default_na=False, skipinitialspace=True)`` of
    the decoded text gives, indexed by line. Declined: another encoding (byte-order marks of
    UTF-16/32, NUL bytes, bytes that are not UTF-8), a space or tab after a separator or at a line
    start (``skipinitialspace``), a separator that is not one character, header names that are blank,
    repeated or pandas' ``Unnamed:``, any row pyarrow cannot read (too many or too few fields,
    broken quotes), and a separator closing lines inside values spanning lines.
    """
    encoding = cfg_read.get("encoding", "auto")
    if not FAST_CSV or b"\x00" in data:
        return None
    if encoding not in (None, "auto"):
        try:
            if codecs.lookup(encoding).name != "utf-8" or data.startswith(codecs.BOM_UTF8):
                return None
        except LookupError:
            return None
    bom = data.startswith(codecs.BOM_UTF8)
    body = data[len(codecs.BOM_UTF8):] if bom else data
    if not body[:4096].strip() and not body.strip() or any(data.startswith(b) for b, _ in _BOMS):
        return None
    head = _utf8_head(body, 51)
    if head is None:
        return None
    sep = cfg_read.get("sep", "auto")
    sep = _sniff_sep(head) if sep in (None, "auto") else sep
    if not isinstance(sep, str) or len(sep) != 1 or sep in " \r\n\"" or ord(sep) > 127:
        return None
    df = _parse_simple_csv(body, head, sep)
    if df is None:
        return None
    n = len(df)
    if body.count(b"\n") + (not body.endswith(b"\n")) == n + 1:
        # one line per record: as every line had the header's number of fields, none ends with a
        # separator (that would be an extra empty field)
        lines = pd.RangeIndex(2, n + 2)
    else:  # blank lines or values spanning lines: find where records start in the text
        text = body.decode("utf-8")
        if _trailing(text, sep):
            return None
        lines = _record_lines(text, sep, n)
    if bom:
        log.add(name, "UTF-8 byte-order mark removed", "info", 1)
    df.columns = [str(c).strip() for c in df.columns]
    df.index = pd.Index(lines, name="line")
    df.attrs["unpadded"] = _unpadded(body, sep)
    return df, sep


def _parse_simple_csv(body: bytes, head: str, sep: str) -> pd.DataFrame | None:
    """pyarrow's parse of ``body`` with every column as text, or None (see :func:`_read_fast`)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    first = head.split("\n", 1)[0].rstrip("\r")
    try:
        names = next(csv.reader([first], delimiter=sep))
    except (csv.Error, StopIteration):
        return None
    if not names or len(set(names)) != len(names) or any(not n.strip() for n in names) or \
            any(n.startswith(("Unnamed: ", " ", "\t")) for n in names):
        return None
    try:
        table = pacsv.read_csv(
            pa.py_buffer(body),
            read_options=pacsv.ReadOptions(use_threads=True),
            parse_options=pacsv.ParseOptions(delimiter=sep, quote_char='"', double_quote=True,
                                              escape_char=False, newlines_in_values=b'"' in body,
                                              ignore_empty_lines=True),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.large_string() for n in names},
                                                 strings_can_be_null=False, null_values=[],
                                                 quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, ValueError):
        return None
    if table.column_names != names or not all(pa.types.is_large_string(t) for t in table.schema.types):
        return None
    # pandas' skipinitialspace drops spaces after a separator (also before a quote): a no-op unless
    # some field starts with a space (or a tab, when the tab does not separate); pyarrow keeps them
    spaces = [c for c in (" ", "\t") if c != sep and c.encode() in body]  # one-byte scans: fast
    if any(pc.any(pc.starts_with(col, c)).as_py() for col in table.columns for c in spaces):
        return None
    return table.to_pandas()


#: Python's whitespace: what ``str.strip`` removes around a value.
_SPACE_CHARS = "".join(c for c in map(chr, range(0x110000)) if c.isspace())


def _unpadded(body: bytes, sep: str) -> bool:
    """Whether no value of a CSV can start or end with whitespace: the bytes hold no quote and no
    byte that starts a whitespace character other than the separator and line ends (one-byte scans,
    fast; cautious: a ``£`` shares its first byte with the non-breaking space). ``False`` sends each
    column through the exact check of the loader.
    """
    firsts = {c.encode("utf-8")[:1] for c in _SPACE_CHARS if c not in (sep, "\n", "\r")}
    return not any(b in body for b in firsts | {b'"'})


def _record_lines(text: str, sep: str, n: int):
    """The line in the file where each of the ``n`` records starts (header = line 1)."""
    physical = text.count("\n") + (not text.endswith("\n"))
    if physical == n + 1:
        return pd.RangeIndex(2, n + 2)
    starts, reader = [], csv.reader(io.StringIO(text), delimiter=sep)
    line = 1
    for i, record in enumerate(reader):
        if i and record:  # pandas skips blank lines
            starts.append(line)
        line = reader.line_num + 1
    return starts[:n] if len(starts) >= n else pd.RangeIndex(2, n + 2)


# ---------------------------------------------------------------------------------------------------
# Numbers, dates and scores
# ---------------------------------------------------------------------------------------------------
def _by_unique(values: pd.Series, func) -> pd.Series:
    """``func`` applied to the distinct values only, spread back (exports repeat dates and amounts)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if len(uniques) > 0.5 * len(values):
        return func(values)
    res = func(pd.Series(uniques, dtype=values.dtype))
    return pd.Series(pd.array(res).take(codes, allow_fill=True), index=values.index, name=values.name)


_CURRENCY = re.compile(r"[€$£¥\s\u00a0\u202f']|EUR|USD|GBP|CHF", re.I)


def _decimal_mark(values: pd.Series, sep: str, setting: str) -> str:
    if setting in (".", ","):
        return setting
    v = pd.Series(values[values != ""].unique(), dtype=object)
    both = v[v.str.contains(",", regex=False) & v.str.contains(".", regex=False)]
    if len(both):
        last_comma = both.str.rfind(",") > both.str.rfind(".")
        return "," if last_comma.mean() > 0.5 else "."
    commas = v[v.str.contains(",", regex=False)]
    dots = v[v.str.contains(".", regex=False)]
    if not len(commas) and len(dots):
        three_after = (dots.str.len() - dots.str.rfind(".")).eq(4).all()  # cheap test first
        if three_after and dots.str.fullmatch(r"[-(]?\d{1,3}(\.\d{3})+\)?-?").all() and (
                sep == ";" or dots.str.count(r"\.").gt(1).any()):
            return ","
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
    return _by_unique(values.astype(str), lambda v: _parse_numbers(v, decimal))


def _parse_numbers(values: pd.Series, decimal: str) -> pd.Series:
    s = values.str.replace(_CURRENCY, "", regex=True)
    neg = s.str.fullmatch(r"\(.*\)") | s.str.endswith("-")
    s = s.str.strip("()").str.rstrip("-")
    thousands = "," if decimal == "." else "."
    s = s.str.replace(thousands, "", regex=False)
    if decimal == ",":
        s = s.str.replace(",", ".", regex=False)
    out = pd.to_numeric(s.where(s != ""), errors="coerce")
    return out.where(~neg, -out).astype(float)


class DateOrderError(ValueError):
    """One column holds dates that are only valid day-first and others only valid month-first."""

    def __init__(self, dayfirst_values, monthfirst_values):
        self.dayfirst_values, self.monthfirst_values = dayfirst_values, monthfirst_values
        super().__init__(f"contradictory day/month order: {dayfirst_values[:3]} can only be "
                         f"day-first, {monthfirst_values[:3]} only month-first")


_DMY = r"^(\d{1,2})[./-](\d{1,2})[./-]\d{2,4}"


def _dayfirst(values: pd.Series, setting) -> bool:
    if isinstance(setting, bool):
        return setting
    parts = values.str.extract(_DMY)
    a = pd.to_numeric(parts[0], errors="coerce")
    b = pd.to_numeric(parts[1], errors="coerce")
    day_only, month_only = (a > 12) & (b <= 12), (b > 12) & (a <= 12)
    if day_only.any() and month_only.any():
        raise DateOrderError(values[day_only].tolist(), values[month_only].tolist())
    if day_only.any():
        return True
    if month_only.any():
        return False
    return bool(values.str.contains(r"^\d{1,2}\.\d{1,2}\.\d{2,4}", regex=True).any())


_ISO_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ]\d{1,2}:\d{2}.*)?$")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
#: Spreadsheet serial day numbers taken as dates: 1954-10-03 .. 2119-01-08.
_SERIAL_RANGE = (20000, 80000)


def _parse_dates_wide(values: pd.Series, dayfirst=None, factorized=None) -> tuple[pd.Series, pd.Series]:
    """Parse dates at microsecond resolution (years 1..9999); also return which were serial numbers.
    ``factorized``: ``pd.factorize(values.astype(str))`` when the caller has it."""
    codes, uniques = factorized if factorized is not None else pd.factorize(values.astype(str))
    out, serial = _parse_unique_dates(pd.Series(uniques, dtype=object), dayfirst)
    return (pd.Series(out.to_numpy()[codes], index=values.index, dtype="datetime64[us]"),
            pd.Series(serial.to_numpy()[codes], index=values.index, dtype=bool))


def _parse_unique_dates(values: pd.Series, dayfirst=None) -> tuple[pd.Series, pd.Series]:
    v = values.str.strip()
    v = v.where(v != "")
    # an ISO date with a time keeps its own (local) calendar day, whatever its offset
    day = v.str.slice(0, 10)
    timed = v.str.len().gt(10).fillna(False).astype(bool)
    if timed.any():  # only 'YYYY-MM-DD' followed by a time counts as the date's day
        day[timed] = v[timed].str.extract(_ISO_DAY)[0]
    iso = pd.to_datetime(day, format="%Y-%m-%d", errors="coerce").astype("datetime64[us]")
    num = pd.to_numeric(v.where(v.str.fullmatch(_SERIAL).fillna(False).astype(bool)), errors="coerce")
    serial = (num.between(*_SERIAL_RANGE) & iso.isna()).fillna(False).astype(bool)
    out = iso.copy()
    if serial.any():
        out[serial] = (pd.Timestamp("1899-12-30") + pd.to_timedelta(num[serial].round(), unit="D")
                       ).astype("datetime64[us]")
    rest = out.isna() & v.notna() & ~serial
    if rest.any():
        first = _dayfirst(v[rest].dropna(), None if dayfirst in (None, "auto") else dayfirst)
        with warnings.catch_warnings():
            # the day-first order is decided above, for the whole column
            warnings.filterwarnings("ignore", message=r"Parsing dates in .* format when dayfirst=",
                                    category=UserWarning)
            other = pd.to_datetime(v[rest], format="mixed", dayfirst=first, errors="coerce", utc=True)
        out[rest] = other.dt.tz_localize(None).astype("datetime64[us]")
    return out.dt.normalize(), serial


#: The range of dates a datetime64[ns] column can hold.
_NS_MIN, _NS_MAX = pd.Timestamp("1678-01-01"), pd.Timestamp("2262-04-11")


def parse_dates(values: pd.Series, dayfirst=None) -> pd.Series:
    """Parse exported date text (ISO, mixed formats, spreadsheet serials) into dates, time dropped.

    ISO dates are parsed first, and an ISO time with an offset keeps its own calendar day
    (``2024-12-31T22:00-03:00`` is 31 December). Five-digit spreadsheet serial numbers
    (20000..80000) are days since 1899-12-30. The rest is parsed with ``format="mixed"``; whether
    ``03/04/2024`` means 3 April or 4 March is decided per column: if any value has a first field
    above 12 the column is day-first, if any has a second field above 12 it is month-first (both at
    once is an error), dotted dates are day-first, and otherwise month-first unless ``dayfirst=True``.

    Parameters
    ----------
    values : pandas.Series of str
    dayfirst : bool or None
        Force day-first (True) or month-first (False); None decides from the data.

    Returns
    -------
    pandas.Series of datetime64[ns]
        NaT where a value is blank, cannot be parsed or lies outside 1678..2262.

    Raises
    ------
    ValueError
        When the column holds both a date only valid day-first and one only valid month-first.

    Examples
    --------
    >>> parse_dates(pd.Series(["2024-03-01", "15/03/2024", "01/03/2024 10:22"])).dt.day.tolist()
    [1, 15, 1]
    >>> parse_dates(pd.Series(["2024-12-31T22:00-03:00", "45292"])).dt.strftime("%Y-%m-%d").tolist()
    ['2024-12-31', '2024-01-01']
    """
    wide, _ = _parse_dates_wide(values, dayfirst)
    wide = wide.where((wide >= _NS_MIN) & (wide < _NS_MAX))
    return wide.astype("datetime64[ns]")


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
    return _by_unique(values.astype(str), _parse_scores)


def _parse_scores(values: pd.Series) -> pd.Series:
    v = values.str.strip()
    num = v.str.extract(_LABEL_SCORE)[0].str.replace(",", ".", regex=False)
    out = pd.to_numeric(num, errors="coerce")
    anchors = v.str.lower().map(_SCORE_ANCHORS)
    return out.fillna(anchors).astype(float)


# ---------------------------------------------------------------------------------------------------
# One column of an export, with what was fixed logged
# ---------------------------------------------------------------------------------------------------
def _per_value(raw, codes, uniques):
    """``test(raw)`` computed on the distinct values (``codes, uniques``: ``pd.factorize`` of
    ``raw.astype(str)``; code -1 is a missing value) and spread back to the rows as a bool Series."""
    missing = bool((codes < 0).any())

    def apply(test):
        values = pd.Series(uniques, dtype=raw.dtype)
        if missing:  # code -1 takes the last entry: the missing value
            values = pd.concat([values, pd.Series([np.nan], dtype=raw.dtype)], ignore_index=True)
        hit = pd.Series(test(values)).fillna(False).to_numpy(dtype=bool)
        return pd.Series(hit[codes], index=raw.index)
    return apply


def _require_dates(df, col, path, name, log, dayfirst, required=True, floor="1990-01-01",
                   ceiling=None):
    """Parse one date column; return (dates, implausible) with implausible dates set to NaT.

    Implausible = before ``floor`` or after ``ceiling`` (default: today) or outside what a date
    column can hold; the caller drops those rows (required column) or keeps them without a date.
    """
    raw = df[col]
    codes, uniques = pd.factorize(raw.astype(str))  # dates repeat: test each distinct value once
    per_value = _per_value(raw, codes, uniques)
    try:
        wide, serial = _parse_dates_wide(raw, dayfirst, factorized=(codes, uniques))
    except DateOrderError as exc:
        day_rows = raw.index[raw.isin(exc.dayfirst_values)]
        month_rows = raw.index[raw.isin(exc.monthfirst_values)]
        rows = df.loc[list(day_rows[:3]) + list(month_rows[:2])]
        raise DataError(path, col, f"dates in contradictory day/month orders: line(s) "
                        f"{_lines(list(day_rows))} can only be day-first (DD/MM/YYYY), line(s) "
                        f"{_lines(list(month_rows))} only month-first (MM/DD/YYYY)",
                        "export the dates as YYYY-MM-DD, or correct the rows in the wrong order",
                        rows) from exc
    if serial.any():
        log.add(name, f"{col}: spreadsheet serial numbers read as dates (days since 1899-12-30)",
                "fixed", int(serial.sum()), df.loc[serial])
    other = per_value(lambda v: v.ne("") & ~v.str.match(r"\d{4}-\d{2}-\d{2}")) & ~serial
    if other.any():
        first = _dayfirst(pd.Series(raw[other].unique(), dtype=raw.dtype),
                          None if dayfirst in (None, "auto") else dayfirst)
        log.add(name, f"{col}: dates not in YYYY-MM-DD read as {'day' if first else 'month'}-first "
                "(decided from the values; set `read: dayfirst:` to force)", "fixed",
                int(other.sum()), df.loc[other])
    timed = per_value(lambda v: v.str.contains(
        r"^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}.*(?:Z|[+-]\d{2}:?\d{2})$", regex=True))
    if timed.any():
        log.add(name, f"{col}: times with a UTC offset read as their local date (the offset is not "
                "applied)", "info", int(timed.sum()), df.loc[timed])
    try:
        floor = pd.Timestamp(floor or "1990-01-01")
    except (TypeError, ValueError) as exc:
        raise DataError("the configuration", "read.date_floor", f"not a date: {floor!r}",
                        "write it as YYYY-MM-DD, e.g. 1990-01-01") from exc
    today = pd.Timestamp.today().normalize()
    ceiling = max(today, pd.Timestamp(ceiling)) if ceiling is not None else today
    early, late = wide < floor, wide > ceiling
    implausible = (early | late).fillna(False).astype(bool)
    parsed = wide.where(~implausible).astype("datetime64[ns]")
    bad = parsed.isna() & ~implausible
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
    action = "dropped" if required else "fixed"
    what = "rows dropped" if required else "set to empty"
    early, late = early.fillna(False).astype(bool), late.fillna(False).astype(bool)
    if early.any():
        log.add(name, f"{col}: implausible dates before {floor:%Y-%m-%d} (`read: date_floor:`): {what}",
                action, int(early.sum()), df.loc[early])
    if late.any():
        log.add(name, f"{col}: implausible dates after {ceiling:%Y-%m-%d} (today or the observation "
                f"end): {what}", action,
                int(late.sum()), df.loc[late])
    return parsed, implausible


def _arrow(values: pd.Series):
    """The Arrow array behind a text column (converted when the column is not Arrow-backed)."""
    import pyarrow as pa

    arr = getattr(values.array, "_pa_array", None)
    if arr is None:
        try:
            arr = pa.Array.from_pandas(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed Python objects: compare their text
            arr = pa.Array.from_pandas(values.astype(str).where(values.notna()))
    return arr


def _isin(values, other) -> np.ndarray:
    """``values.isin(other)`` for text (a Series or Index; missing values never match) through
    Arrow's hash set: pandas' isin on Arrow text turns every value of ``other`` into a Python
    object first, seconds for a million ids."""
    import pyarrow as pa
    import pyarrow.compute as pc

    left = _arrow(pd.Series(values, copy=False))
    right = _arrow(pd.Series(other, copy=False).astype("str"))
    if isinstance(right, pa.ChunkedArray):
        right = right.combine_chunks()
    hit = pc.is_in(left, value_set=right.cast(left.type), skip_nulls=True)
    return pc.fill_null(hit, False).to_numpy(zero_copy_only=False)


def _contains_any(values: pd.Series, chars: str) -> bool:
    """Whether any value contains one of ``chars`` (an Arrow scan per character, no Python loop)."""
    import pyarrow.compute as pc

    arr = _arrow(values)
    if not any(ch.isascii() for ch in chars) and pc.all(pc.string_is_ascii(arr)).as_py() is not False:
        return False  # only ASCII text (a fast byte test) cannot hold these characters
    return any(pc.any(pc.match_substring(arr, ch)).as_py() for ch in chars)


def _coerce_ids(df, col, name, log):
    s = df[col].astype("string")
    import pyarrow.compute as pc

    ends = pc.any(pc.ends_with(_arrow(s), ".0")).as_py()  # cheap test first
    excel = s.str.fullmatch(r"\d+\.0") if ends else pd.Series(False, index=s.index)
    if excel.any():
        log.add(name, f"{col}: ids written as decimals by a spreadsheet ('123.0') read as '123'",
                "fixed", int(excel.sum()), df.loc[excel.fillna(False).astype(bool)])
        s = s.where(~excel.fillna(False), s.str[:-2])
    if _contains_any(s, "\u00a0\u202f\u2007"):
        nbsp = s.str.contains("[\u00a0\u202f\u2007]", regex=True).fillna(False).astype(bool)
        log.add(name, f"{col}: non-breaking spaces inside ids read as plain spaces", "fixed",
                int(nbsp.sum()), df.loc[nbsp])
        s = s.str.replace("[\u00a0\u202f\u2007]", " ", regex=True)
    s = s.replace("", pd.NA)
    if col == "customer_id":
        uniq = pd.Series(pd.array(pc.unique(_arrow(s)).drop_null(), dtype="string"))
        key = uniq.str.upper().str.replace(r"[\s_.-]", "", regex=True)
        shared = uniq[key.duplicated(keep=False)]
        variants = s.isin(set(shared)).fillna(False).astype(bool) if len(shared) else None
        if variants is not None and variants.any():
            log.add(name, f"{col}: ids that differ only in case or spacing (e.g. C001, c001, C 001) are "
                    "kept as different customers; check the export", "flagged", int(variants.sum()),
                    df.loc[variants].sort_values(col, key=lambda c: c.str.upper()))
    return s


def _numbers(df, col, path, name, log, sep, decimal_setting, required):
    raw = df[col]
    derived = col in df.attrs.get("derived", ())
    text = raw.astype(str)
    codes, uniques = pd.factorize(text)  # amounts repeat: decide and parse each distinct value once
    distinct = pd.Series(uniques, dtype=text.dtype)
    mark = "." if derived else _decimal_mark(distinct, sep, decimal_setting)
    if mark == ",":
        log.add(name, f"{col}: decimal commas read as decimal points", "info",
                int(raw.str.contains(",", regex=False).sum()))
        dotted = raw.str.contains(".", regex=False)
        log.add(name, f"{col}: dots read as thousands separators (every dotted value has groups of "
                "three digits; decided for the whole column)", "info", int(dotted.sum()), df.loc[dotted])
    parsed = _parse_numbers(distinct, mark).to_numpy(dtype=float)
    out = pd.Series(np.append(parsed, np.nan)[codes], index=raw.index, name=raw.name)  # -1: missing
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
