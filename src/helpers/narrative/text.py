"""Shared formatting for generated report text.

Every narrative module builds its sentences with these few helpers, so that a
number, a percentage or a list of names reads the same in every report, and
user data (segment names, group labels, column values) can never break the
Markdown or HTML it is placed in.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable

__all__ = ["escape", "signed", "pct", "p_value", "join_words", "bullets", "MISSING"]

#: What a number that is missing (None, NaN) is shown as: never "nan".
MISSING = "n/a"

# Characters with a meaning in Markdown, replaced by character references that
# render as the character itself in both Markdown and HTML.
_MARKDOWN_ENTITIES = {
    "\\": "&#92;",
    "`": "&#96;",
    "*": "&#42;",
    "[": "&#91;",
    "]": "&#93;",
    "|": "&#124;",
    "~": "&#126;",
}
_MARKDOWN_TABLE = str.maketrans(_MARKDOWN_ENTITIES)
# An underscore between two letters or digits (``rfm_scores``) is never markup.
_LOOSE_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")


def _missing(x) -> bool:
    if x is None:
        return True
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return False


def escape(text) -> str:
    """Make user data safe to place inside Markdown or HTML text.

    ``&``, ``<`` and ``>`` become HTML character references (quotes are kept,
    as in ``html.escape(text, quote=False)``), and the characters that Markdown
    reads as markup (backslash, backtick, ``*``, ``[``, ``]``, ``|``, ``~``, and
    ``_`` unless it sits between two letters or digits) become numeric
    character references, which both Markdown and HTML render as the character
    itself. Plain words and column names (``rfm_scores``) come back unchanged.

    Parameters
    ----------
    text : object
        Any value; it is converted with ``str`` first.

    Returns
    -------
    str
        The text, safe for Markdown and HTML.

    Examples
    --------
    >>> escape("At risk")
    'At risk'
    >>> escape("<b>R&D</b>")
    '&lt;b&gt;R&amp;D&lt;/b&gt;'
    >>> escape("plan_*gold*"), escape("rfm_scores")
    ('plan&#95;&#42;gold&#42;', 'rfm_scores')
    """
    text = html.escape(str(text), quote=False).translate(_MARKDOWN_TABLE)
    return _LOOSE_UNDERSCORE.sub("&#95;", text)


def signed(x, decimals: int = 0) -> str:
    """A number with an explicit sign: ``+5``, ``-3``, ``0``.

    Values that round to zero are shown without a sign (never ``+0`` or
    ``-0``); a missing value (None, NaN) is shown as ``n/a``.

    Parameters
    ----------
    x : float or int or None
        The number.
    decimals : int, default 0
        Digits after the decimal point.

    Returns
    -------
    str
        The formatted number.

    Raises
    ------
    ValueError
        If ``decimals`` is negative.

    Examples
    --------
    >>> signed(5), signed(-3.2), signed(0), signed(0.04, 1), signed(2.345, 1)
    ('+5', '-3', '0', '0.0', '+2.3')
    """
    if decimals < 0:
        raise ValueError(f"decimals must be >= 0, got {decimals}")
    if _missing(x):
        return MISSING
    text = f"{float(x):+.{decimals}f}"
    if float(text) == 0:
        return text[1:]
    return text


def pct(x, decimals: int = 0) -> str:
    """A share (a fraction, 0.42) as a percentage: ``42%``.

    Same as the format ``{x:.0%}``; a missing value is shown as ``n/a``.

    Parameters
    ----------
    x : float or None
        The share as a fraction of one (0.42 for 42%).
    decimals : int, default 0
        Digits after the decimal point.

    Returns
    -------
    str
        The formatted percentage.

    Raises
    ------
    ValueError
        If ``decimals`` is negative.

    Examples
    --------
    >>> pct(0.42), pct(0.125, 1), pct(float("nan"))
    ('42%', '12.5%', 'n/a')
    """
    if decimals < 0:
        raise ValueError(f"decimals must be >= 0, got {decimals}")
    if _missing(x):
        return MISSING
    return f"{float(x):.{decimals}%}"


def p_value(p) -> str:
    """A p-value with its relation sign, as reports quote it: ``< 0.001`` or ``= 0.042``.

    Parameters
    ----------
    p : float or None
        The p-value.

    Returns
    -------
    str
        ``"< 0.001"`` below 0.001, else ``"= "`` and three decimals; ``"n/a"`` when missing.

    Examples
    --------
    >>> p_value(0.0002), p_value(0.0416), p_value(None)
    ('< 0.001', '= 0.042', 'n/a')
    """
    if _missing(p):
        return MISSING
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"


def join_words(items: Iterable) -> str:
    """Join words as in a sentence: ``a, b and c``.

    Parameters
    ----------
    items : iterable
        The words (converted with ``str``; escape user data first).

    Returns
    -------
    str
        ``""`` for none, the word for one, ``a and b`` for two, ``a, b and c``
        for more.

    Examples
    --------
    >>> join_words(["a", "b", "c"]), join_words(["a", "b"]), join_words(["a"]), join_words([])
    ('a, b and c', 'a and b', 'a', '')
    """
    words = [str(item) for item in items]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def bullets(lines: Iterable) -> str:
    """A Markdown bullet list, one line per item.

    Parameters
    ----------
    lines : iterable of str
        The items (already formatted; escape user data first).

    Returns
    -------
    str
        ``"- first\\n- second"``; ``""`` for no items.

    Examples
    --------
    >>> print(bullets(["first", "second"]))
    - first
    - second
    """
    return "\n".join(f"- {line}" for line in lines)
