"""The loaders: one per input (transactions, survey, customers) and :func:`load_all` for a run.

Each loader reads an export as text (:mod:`helpers.io.read`: CSV, Parquet or xlsx), trims values,
removes repeated header rows, maps the user's column names (or expressions such as
``"Quantity * UnitPrice"``) onto the data contract (:mod:`helpers.io.schema`), treats null-like ids
as missing, applies the config's ``exclude:`` conditions, coerces types and validates. Nothing is
dropped or changed silently: each fix, drop or suspicious finding is written to a
:class:`~helpers.io.quality.QualityLog`; input that cannot be used raises one
:class:`~helpers.io.quality.DataError`. Blank answers, exact duplicate rows, refunds, implausible
dates and rows dated after the observation end are handled here.

At scale (ten million rows) every check is a vectorised Arrow or DuckDB pass, skipped when a cheap
test shows no row can be affected (no value equals a column name, no id is non-ASCII, ...); exact
duplicates are found by DuckDB's row hash with the few colliding rows compared exactly; dropped rows
are filtered (or sliced) by Arrow. The results are those of the plain pandas operations (tests/io).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from helpers import config as _config
from helpers.io.quality import N_EXAMPLES, DataError, QualityLog
from helpers.io.read import (_SPACE_CHARS, _arrow, _isin, _coerce_ids, _decimal_mark, _numbers, _read_csv,
                             _require_dates, parse_numbers, parse_scores)
from helpers.io.schema import SCHEMAS, Dataset, _keep_attributes, _map_columns

__all__ = ["load_transactions", "load_survey", "load_customers", "load_all"]


def _keep(df, keep, consume=False):
    """``df.loc[keep]`` for a boolean mask; Arrow text columns filtered by Arrow (faster for large
    tables than pandas' take). ``consume=True`` empties ``df`` column by column as the result is
    built, so a large table is not held twice (for callers that rebind ``df`` to the result)."""
    keep = np.asarray(keep, dtype=bool)
    if len(df) < 100_000:
        return df.loc[keep]
    import pyarrow as pa

    mask = pa.array(keep)
    edges = np.diff(np.concatenate([[0], keep.view(np.int8), [0]]))
    runs = list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)))
    # few rows dropped: the kept runs as zero-copy slices of the Arrow columns (no copy at all)
    sliced = len(runs) <= max(64, len(df) // 1000)

    def arrow_keep(arr):
        if not sliced:
            return arr.filter(mask)
        chunks = [c for start, end in runs for c in arr.slice(start, end - start).chunks]
        return pa.chunked_array(chunks, type=arr.type)

    cols, columns, index, attrs = {}, df.columns, df.index, dict(df.attrs)
    for i, col in enumerate(columns):
        values = df.iloc[:, 0] if consume else df.iloc[:, i]
        if consume:
            del df[df.columns[0]]
        arr = getattr(values.array, "_pa_array", None)
        cols[i] = (pd.array(arrow_keep(arr), dtype=values.dtype) if arr is not None
                   else values.to_numpy()[keep] if isinstance(values.dtype, np.dtype)
                   else values.array[keep])
        del values
    out = pd.DataFrame(cols, index=index[keep])
    out.columns = columns
    out.attrs = attrs
    return out


def _drop(df, mask, name, reason, log, examples=None, consume=False):
    mask = pd.Series(mask, index=df.index).fillna(False).astype(bool)
    if not mask.any():
        return df
    log.add(name, reason, "dropped", int(mask.sum()), (examples if examples is not None else df)[mask])
    return _keep(df, ~mask.to_numpy(), consume=consume)


_NULL_IDS = {"null", "n/a", "na", "nan", "none", "-", "--", "#n/a", "nil", "(null)", "(blank)", "undefined"}
_ZERO_ID = re.compile(r"0+")  # 0, 000: the placeholder systems write for "no customer" (guest orders)


def _is_null_id(v) -> bool:
    return isinstance(v, str) and bool(v.lower() in _NULL_IDS or _ZERO_ID.fullmatch(v))


def _null_like(values) -> pd.Series:
    """True where an id is null-like in any letter case (NULL, Null, n/A, ...) or all zeros.

    Vectorised with Arrow for ASCII values (ASCII lower case is Python's there); the few non-ASCII
    values are checked one by one in Python.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = _arrow(values)
    hit = pc.or_(pc.is_in(pc.ascii_lower(arr), value_set=pa.array(sorted(_NULL_IDS))),
                 pc.match_substring_regex(arr, r"^0+$"))
    hit = pc.fill_null(hit, False).to_numpy(zero_copy_only=False)
    ascii_ = pc.fill_null(pc.string_is_ascii(arr), True).to_numpy(zero_copy_only=False)
    if not ascii_.all():
        other = ~ascii_
        hit[other] = [_is_null_id(v) for v in values.to_numpy(dtype=object)[other]]
    return pd.Series(hit, index=values.index)


def _read_settings(read, name):
    """The read settings of one input: the common ones, overridden by ``read: <input>: {...}``."""
    read = dict(read or {})
    own = read.pop(name, None)
    for other in _config.READ_PER_INPUT:
        read.pop(other, None)
    valid = set(_config.DEFAULT_CONFIG["read"])
    unknown = sorted(set(read) - valid) + sorted(set(own or {}) - valid)
    if unknown:
        raise DataError("the configuration", "read", f"unknown setting(s) {unknown}",
                        f"use {sorted(valid)}, or a sub-mapping per input ({list(_config.READ_PER_INPUT)})")
    merged = {**_config.DEFAULT_CONFIG["read"], **read, **(own or {})}
    merged.setdefault("format", "auto")
    merged.setdefault("sheet", None)
    merged.setdefault("date_floor", "1990-01-01")
    return merged


def _trim(raw, name, log):
    """Strip spaces (also non-breaking ones) around every value; each column's count is logged."""
    clean = raw.attrs.pop("unpadded", False)  # what the reader knows has no spaces around values
    if clean is True:
        return raw
    out = raw.copy(deep=False)
    for col in raw.columns:
        if col in (clean or ()) or not _padded(raw[col]):
            continue
        uniq = pd.Series(raw[col].unique(), dtype=object)
        padded = uniq[uniq.ne(uniq.str.strip())]
        if len(padded):
            changed = pd.Series(_isin(raw[col], padded), index=raw.index)
            log.add(name, f"{col}: spaces around values trimmed (incl. non-breaking spaces)", "fixed",
                    int(changed.sum()), raw.loc[changed])
            out[col] = raw[col].str.strip()
    return out


def _padded(values) -> bool:
    """Whether any value starts or ends with whitespace (Python's ``str.strip`` set; one Arrow pass).
    ``True`` also when a value is missing (the caller's exact check then decides)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = _arrow(values)
    if arr.null_count or not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        return True  # missing values or not text: the exact check of the caller decides
    trimmed = pc.utf8_trim(arr, characters=_SPACE_CHARS)  # exactly these characters, both ends
    return bool(pc.any(pc.not_equal(pc.binary_length(trimmed), pc.binary_length(arr))).as_py())


def _header_rows(raw, name, log):
    """Drop rows that repeat the header (exports glued together), logged with their lines."""
    import pyarrow.compute as pc

    if not any(pc.any(pc.equal(_arrow(raw[col]), col)).as_py() for col in raw.columns):
        return raw  # no value equals its column's name: one Arrow scan per column
    same = np.zeros(len(raw), dtype=np.int64)
    for col in raw.columns:  # column by column: a vectorised comparison each
        same += raw[col].eq(col).to_numpy(dtype=bool, na_value=False)
    same = pd.Series(same, index=raw.index)
    header = same >= max(1, -(-raw.shape[1] // 2))
    return _drop(raw, header, name, "rows repeating the header row (files glued together) removed", log)


def _null_ids(df, name, log):
    """Null-like ids (NULL, N/A, nan, none, '-' in any case; 0 or 000) are missing ids: blanked and
    counted."""
    for col in SCHEMAS[name]["ids"]:
        if col in df:
            nulls = _null_like(df[col])
            if nulls.any():
                log.add(name, f"{col}: null-like values ({', '.join(sorted(set(df.loc[nulls, col])))}) "
                        "treated as missing", "fixed", int(nulls.sum()), df.loc[nulls])
                df[col] = df[col].where(~nulls, "")
    return df


def _begin(path, name, columns, read, log, exclude=None):
    read = _read_settings(read, name)
    log = log if log is not None else QualityLog()
    raw, sep = _read_csv(path, read, log, name)
    if sep != ",":
        log.add(name, f"separator {sep!r} detected", "info", len(raw))
    if raw.empty:
        raise DataError(path, None, "the file has a header but no rows",
                        "export the data again; check the date filter of the export")
    raw = _trim(raw, name, log)
    raw = _header_rows(raw, name, log)
    df = _map_columns(raw, path, name, columns, log, sep, read["decimal"])
    df = _null_ids(df, name, log)
    df = _exclude(df, path, name, exclude, columns, log, sep, read["decimal"])
    if df.empty:
        raise DataError(path, None, "no rows are left after the `exclude:` conditions and the removed "
                        "header rows", "check the `exclude:` conditions in the config")
    return df, read, log, sep


def _exclude(df, path, name, conditions, mapping, log, sep, decimal):
    """Drop the rows meeting any ``exclude:`` condition of the config; each condition is logged."""
    if not conditions:
        return df
    if not isinstance(conditions, list):
        conditions = [conditions]
    to_canonical = {v: k for k, v in (mapping or {}).items() if isinstance(v, str)}
    for cond in conditions:
        where = f"exclude: {name}: {cond!r}"
        if not isinstance(cond, dict) or "column" not in cond:
            raise DataError(path, None, f"{where} is not a condition",
                            "write e.g. `exclude: {transactions: [{column: StockCode, in: [POST]}]}`")
        tests = [k for k in cond if k != "column"]
        if len(tests) != 1 or tests[0] not in _config.EXCLUDE_CONDITIONS:
            raise DataError(path, None, f"{where}: a condition has `column:` and one of "
                            f"{list(_config.EXCLUDE_CONDITIONS)}",
                            "write e.g. `{column: Quantity, below: 0}`")
        col = to_canonical.get(cond["column"], cond["column"])
        if col not in df:
            raise DataError(path, cond["column"], f"{where}: no such column (columns: {list(df.columns)})",
                            "use a column of the file or a canonical name")
        test, arg = tests[0], cond[tests[0]]
        values = df[col]
        if test == "in":
            args = arg if isinstance(arg, list) else [arg]
            mask = values.isin([str(a).strip() for a in args])
        elif test == "equals":
            mask = values.eq(str(arg).strip())
        elif test == "matches":
            try:
                pattern = re.compile(str(arg))
            except re.error as exc:
                raise DataError(path, col, f"{where}: not a regular expression: {exc}",
                                "correct the pattern (e.g. '^Manual')") from exc
            # Python's regular expressions, whatever the string storage (Arrow's RE2 differs)
            mask = values.astype(object).map(lambda v: isinstance(v, str) and bool(pattern.search(v)))
            mask = mask.astype(bool)
        elif test == "blank":
            mask = values.eq("") if arg else values.ne("")
        else:
            try:
                limit = float(arg)
            except (TypeError, ValueError) as exc:
                raise DataError(path, col, f"{where}: {arg!r} is not a number", "write a number") from exc
            derived = col in df.attrs.get("derived", ())
            num = parse_numbers(values, "." if derived else _decimal_mark(values, sep, decimal))
            mask = num < limit if test == "below" else num > limit
        label = {"in": "in", "equals": "equal to", "matches": "matching", "below": "below",
                 "above": "above", "blank": "blank:"}[test]
        df = _drop(df, mask, name, f"excluded by the config: {cond['column']} {label} {arg}", log)
    return df


def _plausible(out, df, implausible, path, col):
    """Remove the rows whose date is implausible (already logged by ``_require_dates``)."""
    if implausible.all():
        raise DataError(path, col, "no row has a plausible date (every date is before the floor or "
                        "after today)", "check the dates of the export, or `read: date_floor:`",
                        df.head())
    if not implausible.any():
        return out, df
    return _keep(out, ~implausible.to_numpy()), _keep(df, ~implausible.to_numpy())


def _duplicated(df) -> np.ndarray:
    """``df.duplicated(keep="first")`` for a large text table, exact.

    DuckDB hashes every row (multithreaded, on the Arrow columns without copying); only rows whose
    hash occurs twice can be duplicates, and pandas compares those few exactly (missing values equal
    each other, as in pandas).
    """
    import duckdb
    import pyarrow as pa

    if len(df) < 50_000 or df.shape[1] == 0:
        return df.duplicated(keep="first").to_numpy()
    cols = {f"c{i}": _arrow(df.iloc[:, i]) for i in range(df.shape[1])}
    rows_table = pa.table({**cols, "i": np.arange(len(df))})
    with duckdb.connect() as con:
        con.execute("SET enable_progress_bar = false")
        con.register("rows_table", rows_table)
        rows = con.execute(f"WITH h AS (SELECT i, hash({', '.join(cols)}) AS h FROM rows_table) "
                           "SELECT i FROM h WHERE h IN (SELECT h FROM h GROUP BY h HAVING count(*) > 1) "
                           "ORDER BY i").fetchnumpy()["i"]
    rows = np.asarray(rows, dtype=np.int64)
    out = np.zeros(len(df), dtype=bool)
    out[rows[df.iloc[rows].duplicated(keep="first").to_numpy()]] = True
    return out


def _dedupe(df, name, log):
    dup = pd.Series(_duplicated(df), index=df.index)
    return _drop(df, dup, name, "exact duplicate rows (every column equal); first copy kept", log,
                 consume=True)  # the loaders rebind their table to the result


# ---------------------------------------------------------------------------------------------------
# Loaders
# ---------------------------------------------------------------------------------------------------
def load_transactions(path, columns=None, *, read=None, margin_rate=0.30, observation_end=None,
                      exclude=None, log=None) -> pd.DataFrame:
    """Load a transactions export into the canonical table.

    Parameters
    ----------
    path : str or Path
        CSV export, one row per order line (or per order).
    columns : dict, optional
        Canonical name -> the file's column name, e.g. ``{"amount": "Net Sales"}``. Columns whose
        names differ only in case or punctuation are matched automatically (and logged).
    read : dict, optional
        ``sep``, ``decimal``, ``dayfirst``, ``encoding``, ``format`` (csv, parquet, xlsx; from the
        extension by default), ``sheet`` (xlsx), ``date_floor``; ``"auto"`` detects. A sub-mapping
        under the input's name (``{"transactions": {"sheet": "Orders"}}``) overrides for that input.
    margin_rate : float, default 0.30
        Profit share of revenue for rows without a ``margin`` value.
    observation_end : date-like, optional
        Rows dated after it are dropped (and logged): the analysis is "as of" this date.
    exclude : list of dict, optional
        Rows to leave out, e.g. ``[{"column": "StockCode", "in": ["POST"]}, {"column": "Quantity",
        "below": 0}, {"column": "Description", "matches": "^Manual"}]`` (also ``equals``, ``above``,
        ``blank``); each condition's count is logged with examples.
    log : QualityLog, optional
        Log to append to; a new one is made when None (reach it through :func:`load_all`).

    Returns
    -------
    pandas.DataFrame
        Columns ``customer_id`` (string), ``order_date`` (datetime64), ``amount``, ``profit``
        (floats), then ``order_id``, ``margin``, ``discount`` when present, then other columns as
        text (held as a categorical of its text when it has few distinct values:
        :data:`CATEGORICAL_MAX`); sorted by order_date, customer_id; index = line number in the file.

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
    df, read, log, sep = _begin(path, name, columns, read, log, exclude)
    df = _dedupe(df, name, log)
    blank_id = df["customer_id"].eq("")
    df = _drop(df, blank_id, name, "no customer_id (guest or anonymous orders cannot be followed)", log)
    if df.empty:
        raise DataError(path, "customer_id", "no row has a customer id",
                        "map the customer id column in the config")
    out = pd.DataFrame(index=df.index)
    out["customer_id"] = _coerce_ids(df, "customer_id", name, log)
    out["order_date"], odd = _require_dates(df, "order_date", path, name, log, read["dayfirst"],
                                            floor=read["date_floor"], ceiling=observation_end)
    out, df = _plausible(out, df, odd, path, "order_date")
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
    _keep_attributes(df, out, name, log)
    _compact_attributes(out, [c for c in out.columns if c not in SCHEMAS[name]["required"]
                              + SCHEMAS[name]["optional"] + ["profit"]])
    refunds = out["amount"] < 0
    log.add(name, "refunds or returns (negative amount): kept, netted into revenue", "info",
            int(refunds.sum()), df.loc[refunds])
    zero = out["amount"] == 0
    log.add(name, "zero amount (free items or test orders?): kept", "flagged", int(zero.sum()), df.loc[zero])
    if observation_end is not None:
        end = pd.Timestamp(observation_end)
        late = out["order_date"] > end
        if late.all():
            raise DataError(path, "order_date", f"every transaction is dated after the observation end "
                            f"{end:%Y-%m-%d} (the first is {out['order_date'].min():%Y-%m-%d})",
                            "set `observation_end:` to a date within the data, or null for the last "
                            "transaction date")
        out = _drop(out, late, name, f"dated after the observation end {end:%Y-%m-%d}", log,
                    examples=df if df.index.equals(out.index) else df.loc[out.index])
    del df  # the text table is no longer needed: free it before the sort copies the result
    return _sort_by_date_and_id(out)


#: An attribute of the transactions with at most this many distinct values is held as a pandas
#: categorical (one small integer per row instead of a string): on ten million order lines a
#: "channel" or "category" column takes about 10 MB instead of 150 MB in every process.
CATEGORICAL_MAX = 2**15


def _compact_attributes(out, columns):
    """Hold text attribute columns with few distinct values as categoricals of their text, in place
    (values and missing cells unchanged, categories sorted; ``.astype("string")`` gives the text
    column back)."""
    for col in columns:
        s = out[col]
        if isinstance(s.dtype, pd.StringDtype) and s.nunique() <= min(CATEGORICAL_MAX,
                                                                       max(len(s) // 2, 1)):
            out[col] = s.astype("category")


def _sort_by_date_and_id(out):
    """``out.sort_values(["order_date", "customer_id"], kind="stable")``, by Arrow's stable sort
    (pandas sorts a million text ids several times slower)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(out) < 100_000 or out["order_date"].isna().any() or out["customer_id"].isna().any():
        return out.sort_values(["order_date", "customer_id"], kind="stable")
    keys = pa.table({"d": pa.array(out["order_date"].to_numpy()), "c": _arrow(out["customer_id"])})
    order = pc.sort_indices(keys, sort_keys=[("d", "ascending"), ("c", "ascending")])
    return out.take(order.to_numpy())


def load_survey(path, columns=None, *, read=None, observation_end=None, exclude=None,
                log=None) -> pd.DataFrame:
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
    exclude : list of dict, optional
        Rows to leave out (see :func:`load_transactions`).
    log : QualityLog, optional

    Returns
    -------
    pandas.DataFrame
        ``score`` (Int64, 0..10), ``response_date`` (datetime64; all NaT when the file has no date
        column), ``customer_id`` (string, may be NA), ``period`` (numbers or text, when present),
        ``weight`` (float, when present), then attributes as text; sorted by response_date.

    Raises
    ------
    DataError
        Missing score column, no rows, scores that are outside 0..10 or not whole numbers,
        unparseable dates, weights that are not positive numbers.

    Examples
    --------
    >>> from helpers.paths import SAMPLE_DIR
    >>> sv = load_survey(SAMPLE_DIR / "survey.csv")
    >>> int(sv["score"].min()) >= 0 and int(sv["score"].max()) <= 10
    True
    """
    name = "survey"
    df, read, log, sep = _begin(path, name, columns, read, log, exclude)
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
    if "response_date" in df:
        out["response_date"], odd = _require_dates(df, "response_date", path, name, log, read["dayfirst"],
                                                   floor=read["date_floor"], ceiling=observation_end)
        out, df = _plausible(out, df, odd, path, "response_date")
    else:
        out["response_date"] = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]")
        log.add(name, "no response date column: the parts that need dates (trend, year on year) are "
                "skipped" + (", the 'period' column stands in for the trend" if "period" in df else ""),
                "info", len(df))
    if "period" in df:
        period = df["period"].replace("", pd.NA)
        as_number = pd.to_numeric(period, errors="coerce")
        out["period"] = as_number if as_number.notna().sum() == period.notna().sum() else period.astype("string")
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
    _keep_attributes(df, out, name, log)
    if observation_end is not None:
        end = pd.Timestamp(observation_end)
        out = _drop(out, out["response_date"] > end, name,
                    f"response dated after the observation end {end:%Y-%m-%d}", log,
                    examples=df.loc[out.index])
    return out.sort_values(["response_date"], kind="stable")


def load_customers(path, columns=None, *, read=None, exclude=None, log=None) -> pd.DataFrame:
    """Load a customer list into the canonical table.

    Parameters
    ----------
    path : str or Path
        CSV export, one row per customer.
    columns : dict, optional
        Canonical name -> the file's column name.
    read : dict, optional
    exclude : list of dict, optional
        Rows to leave out (see :func:`load_transactions`).
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
    df, read, log, sep = _begin(path, name, columns, read, log, exclude)
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
        out, df = _keep(out, ~dup.to_numpy()), _keep(df, ~dup.to_numpy())
    if "signup_date" in df:
        out["signup_date"], _ = _require_dates(df, "signup_date", path, name, log, read["dayfirst"],
                                               required=False, floor=read["date_floor"])
    if "referrals" in df:
        ref = _numbers(df, "referrals", path, name, log, sep, read["decimal"], required=False)
        badr = (ref < 0) | (ref != np.round(ref))
        if badr.any():
            log.add(name, "referrals: negative or fractional counts set to empty", "fixed",
                    int(badr.sum()), df.loc[badr])
            ref = ref.where(~badr)
        out["referrals"] = ref.astype("Int64")
    _keep_attributes(df, out, name, log)
    return out.sort_values("customer_id", kind="stable")


def load_all(config=None) -> Dataset:
    """Load every input of a run configuration, cross-check them, and return one :class:`Dataset`.

    Cross-checks (all logged): customers who buy but are missing from the customer list are added to it
    (with empty attributes); survey responses linked to an id that is in neither table are flagged.
    The observation end is the config's, else the last transaction date.

    Parameters
    ----------
    config : str, Path or dict, optional
        A config path (default: the sample's) or a dict returned by
        :func:`helpers.config.load_config`.

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
    cfg = config if isinstance(config, dict) else _config.load_config(config)
    log = QualityLog()
    inputs, cols, read = cfg["inputs"], dict(cfg["columns"]), cfg["read"]
    excl = cfg.get("exclude") or {}
    typo = sorted(set(excl) - set(inputs))
    if typo:
        raise DataError(cfg.get("config_path", "the configuration"), "exclude",
                        f"{typo} {'is' if len(typo) == 1 else 'are'} not an input",
                        f"write the conditions under one of {list(inputs)}")
    score_column = (cfg.get("nps") or {}).get("score_column")
    if score_column:
        cols["survey"] = {**(cols.get("survey") or {}), "score": score_column}
    end = cfg["observation_end"]
    if inputs.get("transactions"):
        tx = load_transactions(inputs["transactions"], cols.get("transactions"), read=read,
                               margin_rate=cfg["margin_rate"], observation_end=end,
                               exclude=excl.get("transactions"), log=log)
        if tx.empty:
            raise DataError(inputs["transactions"], "order_date", f"no transaction is dated on or before "
                            f"the observation end {end:%Y-%m-%d}, so nothing is left to analyse",
                            "set `observation_end:` in the configuration to a date after the first "
                            "order, or null for the last transaction date")
    else:
        tx = pd.DataFrame({"customer_id": pd.Series(dtype="string"),
                           "order_date": pd.Series(dtype="datetime64[ns]"),
                           "amount": pd.Series(dtype=float), "profit": pd.Series(dtype=float)})
    if end is None and len(tx):
        end = tx["order_date"].max()
        log.add("all", f"observation end not set: last transaction date {end:%Y-%m-%d} used", "info", 1)
    if inputs.get("survey"):
        sv = load_survey(inputs["survey"], cols.get("survey"), read=read, observation_end=end,
                         exclude=excl.get("survey"), log=log)
        if sv.empty and not inputs.get("transactions"):
            raise DataError(inputs["survey"], "response_date", f"no response is dated on or before the "
                            f"observation end {end:%Y-%m-%d}, so nothing is left to analyse",
                            "set `observation_end:` to a date after the first response, or null")
        if end is None and sv["response_date"].notna().any():
            end = sv["response_date"].max()
            log.add("all", f"observation end not set: last response date {end:%Y-%m-%d} used", "info", 1)
    else:
        sv = pd.DataFrame({"score": pd.Series(dtype="Int64"),
                           "response_date": pd.Series(dtype="datetime64[ns]"),
                           "customer_id": pd.Series(dtype="string")})
    if not inputs.get("transactions"):
        log.add("transactions", "no transactions file: a survey-only run (reports that need purchases "
                "are not run)", "info", len(sv))
    if inputs.get("customers"):
        cu = load_customers(inputs["customers"], cols.get("customers"), read=read,
                            exclude=excl.get("customers"), log=log)
    else:
        cu = pd.DataFrame({"customer_id": pd.Series(dtype="string")})
    buyers = pd.Index(tx["customer_id"].unique())
    missing = buyers[~_isin(buyers, cu["customer_id"])].sort_values()
    if len(missing):
        log.add("customers", "customers with transactions but not in the customer list: added",
                "fixed", len(missing), pd.DataFrame({"customer_id": missing[:N_EXAMPLES]}))
        cu = pd.concat([cu, pd.DataFrame({"customer_id": pd.array(missing, dtype="string")})],
                       ignore_index=True).sort_values("customer_id", kind="stable")
    cu = cu.reset_index(drop=True)
    linked = sv["customer_id"].notna()
    unknown = linked & ~pd.Series(_isin(sv["customer_id"], cu["customer_id"]), index=sv.index)
    if inputs.get("transactions") or inputs.get("customers"):  # else there is nothing to link to
        log.add("survey", "responses linked to a customer id found in no other input: kept, unlinked "
                "for behaviour joins", "flagged", int(unknown.sum()), sv.loc[unknown])
    log.add("survey", "anonymous responses (no customer_id): used for NPS, not for joins", "info",
            int((~linked).sum()))
    return Dataset(transactions=tx, survey=sv, customers=cu, config=cfg, log=log,
                   observation_end=pd.Timestamp(end))
