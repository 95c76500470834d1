"""Formatting shared by the narrative modules: escaping, signed numbers, percentages, lists."""

from __future__ import annotations

import html

__all__ = ["escape", "signed", "pct", "join_words", "bullets"]

#: Characters that start Markdown markup inside a line (emphasis, code, links, tables).
_MARKDOWN_SPECIAL = "\\`*_[]|"


def escape(text) -> str:
    """Text from the data made safe to put into Markdown: HTML special characters and Markdown markup.

    ``&``, ``<`` and ``>`` become HTML entities (quotes stay as they are) and the characters that
    start Markdown markup inside a line (``\\ ` * _ [ ] |``) get a backslash, so that a customer
    name, a rule label or a warning message shows as written.

    Parameters
    ----------
    text : object
        Any value; it is converted with ``str`` first.

    Returns
    -------
    str

    Examples
    --------
    >>> escape("<b>Fish & chips</b>")
    '&lt;b&gt;Fish &amp; chips&lt;/b&gt;'
    >>> escape("rfm_scores *new*")
    'rfm\\\\_scores \\\\*new\\\\*'
    """
    out = html.escape(str(text), quote=False)
    return "".join("\\" + c if c in _MARKDOWN_SPECIAL else c for c in out)


def signed(x, decimals=0) -> str:
    """A number with its sign always shown: ``+12``, ``-3``, ``+0``.

    Parameters
    ----------
    x : float
    decimals : int, default 0

    Returns
    -------
    str

    Examples
    --------
    >>> signed(12.4), signed(-3.46, 1)
    ('+12', '-3.5')
    """
    return f"{x:+.{decimals}f}"


def pct(x, decimals=0) -> str:
    """A share (0..1) as a percentage: ``0.256`` -> ``26%``.

    Parameters
    ----------
    x : float
        A share; 1 is 100%.
    decimals : int, default 0

    Returns
    -------
    str

    Examples
    --------
    >>> pct(0.256), pct(0.0172, 1)
    ('26%', '1.7%')
    """
    return f"{x:.{decimals}%}"


def join_words(items) -> str:
    """Items as an English list: ``a``, ``a and b``, ``a, b and c``.

    Parameters
    ----------
    items : iterable
        Converted with ``str``.

    Returns
    -------
    str
        ``""`` for no items.

    Examples
    --------
    >>> join_words(["Strangers", "Butterflies", "Barnacles"])
    'Strangers, Butterflies and Barnacles'
    """
    words = [str(i) for i in items]
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def bullets(lines) -> str:
    """A Markdown bullet list, one ``- `` line per item.

    Parameters
    ----------
    lines : iterable of str

    Returns
    -------
    str

    Examples
    --------
    >>> print(bullets(["one", "two"]))
    - one
    - two
    """
    return "\n".join(f"- {line}" for line in lines)
