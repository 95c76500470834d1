"""Reuse an engine result within a block of work instead of querying the same input twice.

One run builds the lifecycle view and the relationship model from the same transactions at the
same date, and both start from the same per-customer summary (:func:`customer_summary`); a
notebook that checks a model at a cut date asks for the summary at that date again. Inside a
:func:`reuse` block the engine keeps its last few results, keyed on the input (the same DataFrame
object, or the same file with the same size and modification time) and the query's arguments, and
hands out a copy when asked again. Outside a block nothing is kept: a DataFrame changed in place
between two calls is never summarised from a stale result.

Examples
--------
>>> import pandas as pd
>>> from helpers.engine import customer_summary
>>> tx = pd.DataFrame({"customer_id": ["a", "a"], "order_date": pd.to_datetime(["2024-01-01",
...                    "2024-01-09"]), "amount": [10.0, 5.0]})
>>> with reuse() as memo:
...     first = customer_summary(tx)
...     again = customer_summary(tx)
>>> len(memo), again.equals(first), again is first
(1, True, False)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

__all__ = ["reuse", "active", "recall", "keep", "KEEP"]

#: Results kept per block (the oldest is dropped first): a summary of a million customers is
#: about 100 MB.
KEEP = 4

_LOCK = threading.Lock()
_ACTIVE: list = []  # the memo of the innermost open block


@contextmanager
def reuse(memo=None):
    """Keep the engine's results for the block and reuse them (see the module's docstring).

    Parameters
    ----------
    memo : collections.OrderedDict, optional
        Where the results are kept; pass the same one to several blocks to reuse across them
        (e.g. a run's shared results). Default: a new one for this block.

    Yields
    ------
    collections.OrderedDict
        The memo (``{key: result}``, oldest first).

    Examples
    --------
    >>> with reuse() as memo:
    ...     len(memo)
    0
    """
    memo = OrderedDict() if memo is None else memo
    with _LOCK:
        _ACTIVE.append(memo)
    try:
        yield memo
    finally:
        with _LOCK:
            _ACTIVE.remove(memo)


def _key(name, source, args):
    """A hashable key of a query on a source, or None when the source cannot be keyed."""
    if isinstance(source, pd.DataFrame):
        ident = ("frame", id(source), len(source), tuple(source.columns))
    elif isinstance(source, (str, Path)):
        p = Path(source)
        try:
            st = p.stat()
        except OSError:
            return None
        ident = ("file", str(p.resolve()), st.st_size, st.st_mtime_ns)
    else:
        return None
    return (name, ident, args)


def active() -> bool:
    """Whether a :func:`reuse` block is open (in any thread).

    Returns
    -------
    bool

    Examples
    --------
    >>> active()
    False
    """
    return bool(_ACTIVE)


def recall(name, source, *args):
    """A copy of the result kept for this query in the open block, or None.

    Parameters
    ----------
    name : str
        The query (e.g. ``"summary"``).
    source : pandas.DataFrame or str or Path
        Its input.
    *args
        Its arguments, hashable (dates as ``pandas.Timestamp``).

    Returns
    -------
    object or None
        What :func:`keep` kept (a DataFrame as a copy).

    Examples
    --------
    >>> recall("summary", pd.DataFrame(), None, "D") is None  # no block open
    True
    """
    with _LOCK:
        if not _ACTIVE:
            return None
        memo = _ACTIVE[-1]
        key = _key(name, source, args)
        if key is None or key not in memo:
            return None
        memo.move_to_end(key)
        kept = memo[key][1]
    return kept.copy() if isinstance(kept, pd.DataFrame) else kept


def keep(name, source, *args, value):
    """Keep a result for this query in the open block (nothing happens outside a block).

    Parameters
    ----------
    name, source, *args
        As :func:`recall`.
    value : object
        The result (a DataFrame is copied when kept and when recalled; anything else is kept and
        handed out as it is).

    Returns
    -------
    None

    Examples
    --------
    >>> keep("summary", pd.DataFrame(), None, "D", value=pd.DataFrame())  # no block: not kept
    """
    with _LOCK:
        if not _ACTIVE:
            return
        memo = _ACTIVE[-1]
        key = _key(name, source, args)
        if key is None:
            return
        # the source is held with the result, so that its id cannot be given to another frame
        memo[key] = (source, value.copy() if isinstance(value, pd.DataFrame) else value)
        memo.move_to_end(key)
        while len(memo) > KEEP:
            memo.popitem(last=False)
