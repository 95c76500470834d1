"""Remove active content (scripts, event handlers, ``javascript:`` links) from a rendered report.

Markdown cells and display outputs can carry input data (survey answers, ids, config values) as raw
HTML. :func:`sanitize_html` parses the whole page into a tree (Beautiful Soup with Python's
``html.parser``, both already required by nbconvert) and removes what a browser would run, keeping
styles, inline images (``data:image/...``) and ordinary links.
"""

from __future__ import annotations

import re

__all__ = ["ACTIVE_ELEMENTS", "sanitize_html"]

#: Elements removed with everything inside them.
ACTIVE_ELEMENTS = ("script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "noscript")

_TAG_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9:_-]*")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_BAD_SCHEME = re.compile(r"^(javascript|vbscript|livescript):", re.I)


def _unsafe_value(name: str, value: str) -> bool:
    """Whether an attribute value would run code: a script URL, or a ``data:`` URL other than an image."""
    v = _CONTROL.sub("", value)
    if _BAD_SCHEME.match(v):
        return True
    return v[:5].lower() == "data:" and not (name in ("src", "href") and v[5:11].lower() == "image/"
                                             and not v[11:18].lower().startswith("svg"))


def sanitize_html(page: str) -> str:
    """Remove scripts, event-handler attributes and script URLs from an HTML page.

    Removed: the elements of :data:`ACTIVE_ELEMENTS` with their content, HTML comments, ``<meta
    http-equiv>`` (refresh), SVG animations of a link, every ``on*`` attribute, and attributes whose value is a ``javascript:``
    (or ``vbscript:``) URL or a ``data:`` URL other than a raster image. Styles, classes, links and
    ``data:image/png`` images are kept. Text is re-escaped on output, so removing a piece can never
    join the text around it into a new tag.

    Parameters
    ----------
    page : str
        A complete HTML document or a fragment.

    Returns
    -------
    str

    Examples
    --------
    >>> sanitize_html('<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:x()">a</a></p>')
    '<p>Hi <a>a</a></p>'
    """
    from bs4 import BeautifulSoup, Comment, Declaration, Doctype, ProcessingInstruction

    soup = BeautifulSoup(page, "html.parser")
    for node in soup.find_all(string=lambda s: isinstance(s, (Comment, ProcessingInstruction, Declaration))
                              and not isinstance(s, Doctype)):
        node.extract()
    for el in soup.find_all(ACTIVE_ELEMENTS):
        el.decompose()
    for el in soup.find_all(lambda t: not _TAG_NAME.fullmatch(t.name)):
        el.unwrap()  # e.g. "<scr<script>": no element a browser knows; its text stays as text
    for el in soup.find_all(True):
        if (el.name == "meta" and any(a.lower() == "http-equiv" for a in el.attrs)) or (
                el.name in ("animate", "set") and str(el.get("attributename", "")).lower().endswith("href")):
            el.decompose()  # a refresh to another page; an SVG animation that rewrites a link
            continue
        for name in list(el.attrs):
            value = el.attrs[name]
            value = " ".join(value) if isinstance(value, list) else str(value)
            if name.lower().startswith("on") or _unsafe_value(name.lower(), value):
                del el.attrs[name]
    return soup.decode(formatter="minimal")
