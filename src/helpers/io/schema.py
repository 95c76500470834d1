"""The data contract: the canonical columns of each input, the column mapping, and the Dataset.

Every loader (:mod:`helpers.io.load`) maps the user's column names onto the canonical ones below
(a mapping may also be an arithmetic expression of the file's columns, :func:`evaluate_expression`),
coerces types and validates; any other column is kept as a text attribute (and logged).

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
              response_date   optional; needed for trends (without it they are skipped)
              period          optional; a wave or period label that stands in for the date
              customer_id     optional; links a response to transactions
              weight          optional survey weight (> 0)
customers     customer_id     required
              signup_date     optional
              referrals       optional count
============  ==============  ===========================================================

Any other column is kept as an attribute (region, plan, channel, comment, ...).
"""

from __future__ import annotations

import ast
import operator
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.io.quality import DataError, QualityLog
from helpers.io.read import _decimal_mark, parse_numbers

__all__ = ["SCHEMAS", "Dataset", "evaluate_expression", "is_expression"]

#: The data contract: per input, the required and optional canonical columns and how each is typed.
SCHEMAS = {
    "transactions": {
        "required": ["customer_id", "order_date", "amount"],
        "optional": ["order_id", "margin", "discount"],
        "dates": ["order_date"],
        "numbers": ["amount", "margin", "discount"],
        "ids": ["customer_id", "order_id"],
    },
    "survey": {
        "required": ["score"],
        "optional": ["response_date", "customer_id", "weight", "period"],
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


class Deferred:
    """A table kept in a pickle file of its own, read when first used.

    The run cache stores the loaded transactions this way (:class:`Dataset`), so that a report
    that never looks at them (the customer actions read the customer view) does not read ten
    million rows into memory.

    Parameters
    ----------
    path : str or Path
        The pickle file holding the table.

    Examples
    --------
    >>> import pickle, tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.pkl"
    >>> _ = p.write_bytes(pickle.dumps(pd.DataFrame({"a": [1]})))
    >>> Deferred(p).load()["a"].tolist()
    [1]
    """

    def __init__(self, path):
        self.path = str(path)

    def load(self):
        """Read the table (the file is trusted: it is written by the run's own cache)."""
        import pickle

        with open(self.path, "rb") as fh:
            return pickle.load(fh)

    def __repr__(self):
        return f"Deferred({self.path!r})"


@dataclass
class Dataset:
    """The three loaded inputs, the configuration and the data-quality log of one run.

    Attributes
    ----------
    transactions, survey, customers : pandas.DataFrame
        Canonical tables (``survey`` and ``customers`` may be empty when the config gives no file).
    config : dict
        The resolved run configuration (see :func:`helpers.config.load_config`).
    log : QualityLog
    observation_end : pandas.Timestamp
        The "as of" date of the analysis.

    ``transactions`` may be held as a :class:`Deferred` file (the run cache does so): it is read
    the first time it is used.
    """

    transactions: pd.DataFrame
    survey: pd.DataFrame
    customers: pd.DataFrame
    config: dict
    log: QualityLog
    observation_end: pd.Timestamp

    def __getattribute__(self, name):
        value = object.__getattribute__(self, name)
        if name == "transactions" and isinstance(value, Deferred):  # kept apart: read it now
            value = value.load()
            object.__setattr__(self, "transactions", value)
        return value


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


# ---------------------------------------------------------------------------------------------------
# Derived columns: arithmetic of the file's columns, parsed with ``ast`` (never ``eval``)
# ---------------------------------------------------------------------------------------------------
_BACKTICK = re.compile(r"`([^`]+)`")
_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def _parse_expression(expr: str) -> tuple[ast.expr, dict]:
    """Parse ``expr`` into an ``ast`` tree allowing only names, numbers, + - * /, unary minus, brackets.

    Returns the tree and the names it uses (placeholder -> column name). Raises ValueError otherwise.
    """
    names = {}

    def hold(m):
        key = f"_c{len(names)}"
        names[key] = m.group(1)
        return key

    text = _BACKTICK.sub(hold, str(expr))
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError as exc:
        raise ValueError(f"not an arithmetic expression: {exc.msg}") from exc
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.setdefault(node.id, node.id)
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                raise ValueError(f"only numbers may be written as constants, not {node.value!r}")
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _OPS:
                raise ValueError("only + - * / are allowed")
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                raise ValueError("only a leading minus is allowed")
        elif not isinstance(node, (ast.Load, ast.operator, ast.unaryop)):
            raise ValueError(f"{type(node).__name__} is not allowed (only column names, numbers, "
                             "+ - * / and brackets)")
    return tree, names


def is_expression(text) -> bool:
    """Whether a ``columns:`` value is a derived-column expression rather than one column name.

    Parameters
    ----------
    text : str

    Returns
    -------
    bool

    Examples
    --------
    >>> is_expression("Quantity * UnitPrice"), is_expression("Net Sales")
    (True, False)
    """
    return isinstance(text, str) and bool(re.search(r"[-+*/()]", _BACKTICK.sub("x", text)))


def evaluate_expression(expr: str, columns: dict) -> pd.Series:
    """Evaluate an arithmetic expression of columns safely (parsed with ``ast``, no ``eval``).

    Parameters
    ----------
    expr : str
        Column names (plain identifiers, or in backticks when they contain spaces), numbers,
        ``+ - * /``, unary minus and brackets, e.g. ``"Quantity * `Unit Price`"``.
    columns : dict
        Column name -> numeric Series.

    Returns
    -------
    pandas.Series of float

    Raises
    ------
    ValueError
        Anything else in the expression (calls, attributes, comparisons, strings), or an unknown name.

    Examples
    --------
    >>> q, p = pd.Series([2.0, 3.0]), pd.Series([1.5, 2.0])
    >>> evaluate_expression("Qty * `Unit Price` - 1", {"Qty": q, "Unit Price": p}).tolist()
    [2.0, 5.0]
    """
    tree, names = _parse_expression(expr)
    missing = [c for c in names.values() if c not in columns]
    if missing:
        raise ValueError(f"unknown column(s) {missing}")

    def ev(node):
        if isinstance(node, ast.Name):
            return columns[names[node.id]]
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.UnaryOp):
            return -ev(node.operand) if isinstance(node.op, ast.USub) else ev(node.operand)
        return _OPS[type(node.op)](ev(node.left), ev(node.right))

    out = ev(tree)
    if not isinstance(out, pd.Series):
        raise ValueError("the expression uses no column")
    return out.astype(float).replace([np.inf, -np.inf], np.nan)


def _derive(df, path, name, canonical, expr, log, sep, decimal_setting):
    """The text column ``canonical`` computed from ``expr`` over the file's columns (logged)."""
    try:
        _, names = _parse_expression(expr)
        unknown = [c for c in names.values() if c not in df.columns]
        if unknown:
            raise ValueError(f"{unknown} {'is' if len(unknown) == 1 else 'are'} not a column of the "
                             f"file (columns: {list(df.columns)})")
        numbers = {}
        for col in set(names.values()):
            numbers[col] = parse_numbers(df[col], _decimal_mark(df[col], sep, decimal_setting))
            bad = numbers[col].isna() & df[col].ne("")
            if bad.any():
                raise DataError(path, col, f"{int(bad.sum())} value(s) used in {canonical} = {expr} are "
                                "not numbers", "correct the values or the expression", df.loc[bad])
        value = evaluate_expression(expr, numbers)
    except ValueError as exc:
        if isinstance(exc, DataError):
            raise
        raise DataError(path, canonical, f"the config computes {canonical!r} as {expr!r}: {exc}",
                        f"correct `columns: {name}: {canonical}:`; an expression may use the file's "
                        "column names (in `backticks` when they contain spaces), numbers, + - * / and "
                        "brackets") from exc
    log.add(name, f"{canonical} computed as {expr}", "fixed", len(df))
    return value.astype(str).where(value.notna(), "").astype(object)


def _map_columns(df, path, name, mapping, log, sep=",", decimal="auto"):
    schema = SCHEMAS[name]
    known = schema["required"] + schema["optional"]
    mapping = {k: v for k, v in (mapping or {}).items() if v}
    unknown = [k for k in mapping if k not in known]
    if unknown:
        verb = "is" if len(unknown) == 1 else "are"
        raise DataError(path, None, f"`columns: {name}:` names {unknown}, which {verb} "
                        f"not a column of the data contract (canonical columns: {known})",
                        f"use one of {known} on the left of `columns: {name}:`")
    dup = df.columns[df.columns.duplicated()].tolist()
    if dup:
        raise DataError(path, dup[0], f"the file has two columns named {dup[0]!r}",
                        "rename one of them in the export")
    derived = {k: v for k, v in mapping.items() if v not in df.columns and is_expression(v)}
    rename = {}
    for canonical, source in mapping.items():
        if canonical in derived:
            continue
        if source not in df.columns:
            raise DataError(path, source, f"the config maps {canonical!r} to {source!r}, which is not a "
                            f"column of the file (columns: {list(df.columns)})",
                            f"correct `columns: {name}: {canonical}:`")
        rename[source] = canonical
    twice = pd.Series(list(rename.values()))
    twice = twice[twice.duplicated()].tolist()
    if twice:
        sources = [s for s, c in rename.items() if c == twice[0]]
        raise DataError(path, twice[0], f"two columns of the file ({sources}) are mapped to {twice[0]!r}",
                        f"map one column to {twice[0]!r} under `columns: {name}:`")
    taken = set(rename.values()) | set(rename) | set(derived)
    for canonical in known:
        if canonical in taken or canonical in df.columns:
            continue
        matches = [c for c in df.columns if _norm(c) == _norm(canonical) and c not in taken]
        if len(matches) > 1:
            raise DataError(path, canonical, f"columns {matches} could all be {canonical!r}",
                            f"say which one in the config: `columns: {name}: {canonical}: <column>`")
        if matches:
            rename[matches[0]] = canonical
            log.add(name, f"column {matches[0]!r} used as {canonical!r} (same name but for case and "
                    "punctuation)", "info", len(df))
    # a file column with a canonical name that another column (or an expression) now provides
    shadowed = [c for c in df.columns if c not in rename and c in set(rename.values()) | set(derived)]
    for col in shadowed:
        new = f"{col} (file)"
        rename[col] = new
        log.add(name, f"the file's own {col!r} column is not used ({col!r} comes from "
                f"{mapping.get(col)!r}); kept as the attribute {new!r}", "info", len(df))
    values = {canonical: _derive(df, path, name, canonical, expr, log, sep, decimal)
              for canonical, expr in derived.items()}
    df = df.rename(columns=rename)
    for canonical, value in values.items():
        df[canonical] = value
    if values:  # computed columns hold plain numbers with a decimal point, whatever the file uses
        df.attrs["derived"] = set(values)
    missing = [c for c in schema["required"] if c not in df.columns]
    if missing:
        raise DataError(path, missing[0], f"required column {missing[0]!r} is missing; the file has "
                        f"{list(df.columns)}",
                        f"rename the column in the export or map it in the config: "
                        f"`columns: {name}: {missing[0]}: <your column name>` (or an expression such "
                        f"as \"Quantity * UnitPrice\")")
    return df


def _keep_attributes(df, out, name, log=None):
    """Copy the columns that are not in the input's schema into ``out`` as text attributes (logged)."""
    schema = SCHEMAS[name]["required"] + SCHEMAS[name]["optional"]
    kept, unused = [], []
    for col in df.columns:
        if col in schema:
            continue
        if col in out.columns:
            unused.append(col)
            new = f"{col} (file)"
            out[new] = df[col].replace("", pd.NA).astype("string")
            continue
        kept.append(col)
        out[col] = df[col].replace("", pd.NA).astype("string")
    if log is not None and kept:
        log.add(name, f"columns outside the data contract kept as text attributes: {kept}", "info",
                len(df))
    if log is not None and unused:
        log.add(name, f"the file's own {unused} column(s) are not used (computed by the loader); kept "
                f"as attribute(s) {[c + ' (file)' for c in unused]}", "flagged", len(df))
