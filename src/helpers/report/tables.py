"""Tables for readers: pandas' Styler with human labels, no index column, readable numbers.

Every table a report shows goes through :func:`reader_table`: column code names become the labels of
:data:`helpers.frameworks.COLUMN_LABELS`, the 0..n index disappears (a named index becomes the first
column), numbers get thousands separators and a rounding that fits their size, shares are shown in
percent, booleans as yes/no, missing values as "no answer", and a source that is the same on every
row is said once, under the table. The result renders in the notebook, in the HTML report and in the
PDF (the Styler writes plain ``<table>`` HTML with a small ``<style>``); no text is truncated.
"""

from __future__ import annotations

import hashlib
import html
import math
import numbers

import pandas as pd

from helpers import frameworks

__all__ = ["reader_table", "column_label", "p_text", "MISSING"]

#: What a missing value reads as.
MISSING = "no answer"
#: Rows above which a printed table cannot fit on one A4 page (757 pt printable, a one-line row at
#: 8 pt takes 13.8 pt, the header 15.4 pt), so it may break across pages between rows, its header
#: repeated. A shorter table is kept whole; one whose wrapped rows make it taller than a page after
#: all is found and let break by :func:`helpers.report.render.html_to_pdf`.
LONG_TABLE = 53
#: Longest one-word heading of a numeric column kept on one line in print (longer ones may break).
SHORT_HEADING = 12
#: Columns that hold p-values (shown as "< 0.001" or three decimals).
P_COLUMNS = ("p_value", "p_adj", "change_p_adj", "p")


def column_label(name, labels=None) -> str:
    """The reader's label for a column: ``labels``, then the vocabulary's, else underscores as spaces.

    Parameters
    ----------
    name : str
        A column's code name.
    labels : dict, optional
        Labels that win over :data:`helpers.frameworks.COLUMN_LABELS`.

    Returns
    -------
    str

    Examples
    --------
    >>> column_label("ci_low"), column_label("nps_ref"), column_label("days_since"), column_label("x", {"x": "X"})
    ('95% interval, low', 'NPS of the rest', 'days since', 'X')
    """
    name = str(name)
    if labels and name in labels:
        return labels[name]
    return frameworks.COLUMN_LABELS.get(name, name.replace("_", " "))


def p_text(p) -> str:
    """A p-value for a reader: ``"< 0.001"`` below a thousandth, else three decimals.

    Parameters
    ----------
    p : float

    Returns
    -------
    str
        :data:`MISSING` style blank (``"–"``) for a missing value.

    Examples
    --------
    >>> p_text(0.00002), p_text(0.0456), p_text(float("nan"))
    ('< 0.001', '0.046', '–')
    """
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "–"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def _is_missing(v) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _auto_decimals(values: pd.Series) -> int:
    """Decimals that fit a float column: none for whole numbers or values of 100 and more, one from
    10, two below."""
    finite = values[values.map(lambda v: isinstance(v, numbers.Real) and math.isfinite(v))].astype(float)
    if finite.empty or (finite == finite.round(0)).all():
        return 0
    size = finite.abs().median()
    return 0 if size >= 100 else 1 if size >= 1 else 2


def _number(decimals: int, suffix: str = "", missing: str = MISSING):
    def fmt(v):
        if isinstance(v, (list, tuple, set, frozenset)):  # a list of names reads as "a, b, c"
            return ", ".join(str(x) for x in v) if len(v) else missing
        if _is_missing(v):
            return missing
        if isinstance(v, bool):
            return "yes" if v else "no"
        if isinstance(v, numbers.Real):
            if math.isinf(v):
                return "not reached" if v > 0 else "−∞"
            text = f"{v:,.{decimals}f}"
            return ("−" + text[1:] if text.startswith("-") else text) + suffix
        return str(v)
    return fmt


def _percent(decimals: int, missing: str = MISSING):
    def fmt(v):
        if _is_missing(v):
            return missing
        if isinstance(v, numbers.Real):
            return f"{100 * v:,.{decimals}f}%"
        return str(v)
    return fmt


def _text(missing: str = MISSING):
    def fmt(v):
        if isinstance(v, (list, tuple, set, frozenset)):  # a list of names reads as "a, b, c"
            return ", ".join(str(x) for x in v) if len(v) else missing
        if _is_missing(v):
            return missing
        if isinstance(v, bool):
            return "yes" if v else "no"
        if isinstance(v, pd.Timestamp):
            return f"{v:%Y-%m-%d}" if v == v.normalize() else f"{v:%Y-%m-%d %H:%M}"
        if isinstance(v, numbers.Real) and not isinstance(v, numbers.Integral):
            return f"{v:,.2f}"
        return str(v)
    return fmt


def _is_bool_column(s: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(s.dtype):
        return True
    vals = s.dropna()
    return len(vals) > 0 and vals.map(lambda v: isinstance(v, bool)).all()


def reader_table(df, *, labels=None, percent=(), money=(), currency="", decimals=None, source=None,
                 caption=None, missing=MISSING, index=None):
    """A table for readers (pandas Styler): labels, no index column, readable numbers, source once.

    Parameters
    ----------
    df : DataFrame or Series
        The table. A named index (or a MultiIndex) becomes the first column(s); a 0..n index is dropped.
    labels : dict, optional
        Column labels that win over :data:`helpers.frameworks.COLUMN_LABELS`.
    percent : iterable of str
        Columns holding shares as fractions (0.123 -> "12.3%"). Columns named ``share`` or ending in
        ``_share`` are shares anyway.
    money : iterable of str
        Money columns: whole units with thousands separators; their label gets ``(currency)``.
    currency : str
        Currency code for the money labels.
    decimals : int or dict, optional
        Decimals for every float column, or per column; default: by size (none for whole numbers and
        values of 100 and more, one from 10, two below; shares one).
    source : str, optional
        Said once under the table. A ``source`` column holding one value on every row is moved there.
    caption : str, optional
        Said above the table.
    missing : str, default "no answer"
        What a missing value reads as.
    index : bool, optional
        Keep the index as a column: default when it is named (or not a 0..n range).

    Returns
    -------
    pandas.io.formats.style.Styler
        Renders as HTML in notebooks and reports; ``.data`` holds the relabelled table.

    Examples
    --------
    >>> t = pd.DataFrame({"nps": [-22.253, 5.0], "ci_low": [-30.1, -1.2], "share": [0.1234, 0.5],
    ...                   "significant": [True, False], "p_adj": [0.0004, 0.2], "customers": [12345, None]})
    >>> s = reader_table(t)
    >>> list(s.data.columns)
    ['NPS', '95% interval, low', 'share of customers', 'significant', 'p-value (Holm-adjusted)', 'customers']
    >>> html = s.to_html()
    >>> all(x in html for x in ("−22.3", "12.3%", "yes", "&lt; 0.001", "12,345", "no answer"))
    True
    """
    if isinstance(df, pd.Series):
        df = df.to_frame(df.name if df.name is not None else "value")
    df = df.copy()
    keep_index = index if index is not None else not (
        isinstance(df.index, pd.RangeIndex) and df.index.name is None)
    if keep_index:
        names = [n if n is not None else ("" if df.index.nlevels == 1 else f"level {i}")
                 for i, n in enumerate(df.index.names)]
        df.index = df.index.set_names(names)
        df = df.reset_index()
    else:
        df = df.reset_index(drop=True)
    if isinstance(df.columns, pd.MultiIndex):
        df.columns = [" ".join(str(x) for x in c if str(x)) for c in df.columns]
    if "source" in df.columns and df["source"].nunique(dropna=False) == 1 and len(df):
        source = source or str(df["source"].iloc[0])
        df = df.drop(columns="source")
    if decimals is not None and not isinstance(decimals, (int, dict)):
        raise TypeError(f"decimals must be an int or a dict of column: int, not {decimals!r}")
    percent, money = set(percent), set(money)
    per_col = decimals if isinstance(decimals, dict) else {}
    formatters, numeric = {}, []
    for col in df.columns:
        s = df[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = df[col] = s.astype("object")
        name = str(col)
        if name in P_COLUMNS or name.endswith("p_value") or name.endswith("_p_adj"):
            formatters[col] = lambda v, m=missing: m if _is_missing(v) else (
                v if isinstance(v, str) else p_text(v))
            numeric.append(col)
        elif _is_bool_column(s):
            formatters[col] = _text(missing)
        elif name in percent or name == "share" or name.endswith("_share"):
            formatters[col] = _percent(per_col.get(name, decimals if isinstance(decimals, int) else 1),
                                       missing)
            numeric.append(col)
        elif name in money:
            formatters[col] = _number(per_col.get(name, 0), missing=missing)
            numeric.append(col)
        elif pd.api.types.is_numeric_dtype(s.dtype):
            d = per_col.get(name, decimals if isinstance(decimals, int) else _auto_decimals(s))
            formatters[col] = _number(d, missing=missing)
            numeric.append(col)
        elif name == "method":
            formatters[col] = lambda v, m=missing: _text(m)(frameworks.METHOD_LABELS.get(v, v)
                                                            if isinstance(v, str) else v)
        else:
            formatters[col] = _text(missing)
    new_names = []
    for col in df.columns:
        lab = column_label(col, labels)
        if str(col) in money and currency:
            lab = f"{lab} ({currency})"
        while lab in new_names:
            lab += " "
        new_names.append(lab)
    rename = dict(zip(df.columns, new_names))
    formatters = {rename[c]: (lambda v, f=f: html.escape(f(v), quote=False)) for c, f in formatters.items()}
    numeric_pos = [list(df.columns).index(c) for c in numeric]
    df.columns = new_names
    # the id comes from what the reader sees (not from full-precision numbers, whose last digits may
    # differ between machines), so a stored output compares equal when the shown table is the same
    shown = "\x1f".join(formatters[c](v) if c in formatters else str(v)
                         for c in df.columns for v in df[c].tolist())
    uid = hashlib.sha1((shown + "|" + "|".join(new_names)).encode()).hexdigest()[:10]
    styler = (df.style.format(formatters).format_index(escape="html", axis=1).hide(axis="index")
              .set_uuid(uid))
    # a table that can fit on a page is kept whole in print; a longer one breaks between rows
    kind = "reader-table reader-table-long" if len(df) > LONG_TABLE else "reader-table"
    styler = styler.set_table_attributes(f'class="{kind}"')
    styles = [{"selector": f"td.col{j}, th.col_heading.col{j}",
               "props": [("text-align", "right" if j in numeric_pos else "left")]}
              for j in range(len(new_names))]
    # the one-word heading (up to SHORT_HEADING characters) of a column of numbers stays whole in
    # print: "priority" above one-digit numbers would otherwise break after every letter
    styles += [{"selector": f"th.col_heading.col{j}",
                "props": [("white-space", "nowrap"), ("overflow-wrap", "normal")]}
               for j, name in enumerate(new_names)
               if j in numeric_pos and len(str(name).split()) == 1 and len(str(name)) <= SHORT_HEADING]
    styles += [{"selector": "td, th", "props": [("vertical-align", "top")]},
               {"selector": "caption", "props": [("caption-side", "top"), ("text-align", "left")]}]
    styler = styler.set_table_styles(styles)
    if caption or source:
        parts = [caption] if caption else []
        if source:
            parts.append(f"Source: {source}")
        styler = styler.set_caption(html.escape(" — ".join(parts), quote=False))
    return styler
