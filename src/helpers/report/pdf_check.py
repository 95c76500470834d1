"""Measure a printed report the way a reader meets it: pages, image resolution, text off the page,
tables split across pages.

:func:`measure_pdf` reads a PDF with pypdf and walks each page's drawing operations, keeping the
transformation matrix, so that every image's printed size (and so its pixels per inch) and every
text run's position on the page are known. Tables are found through the PDF's named destinations:
WeasyPrint writes one for every element with an ``id``, and the tables of
:func:`helpers.report.tables.reader_table` carry ``T_<uid>`` on the table and ``T_<uid>_row<i>_col<j>``
on each cell, so the page and height of every row are known.
"""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass, field

__all__ = ["PdfMeasures", "measure_pdf", "PAGE_MARGINS_MM", "table_layout"]

#: Top and bottom page margins of the print style (``@page`` in :data:`helpers.report.render.PRINT_CSS`).
PAGE_MARGINS_MM = (14, 16)

_TABLE_ID = re.compile(r"^T_([0-9A-Za-z]+)(?:_row(\d+)_col(\d+))?$")


@dataclass
class PdfMeasures:
    """What :func:`measure_pdf` found.

    Attributes
    ----------
    pages : int
        Page count.
    page_width : float
        Width of the first page in points (A4: 595.3).
    images : list of dict
        One per drawn image: ``page`` (1-based), ``pixels`` (width, height), ``points`` (printed
        width, height) and ``dpi`` (the smaller of the two directions).
    text_right : list of float
        Per page, the largest x (points) at which a text run starts.
    text_chars : list of int
        Per page, the number of text characters drawn (a near-blank page has few).
    printable_height : float
        Height of a page's printable area in points (page height less :data:`PAGE_MARGINS_MM`).
    tables : dict
        Per table id (``T_<uid>``) of :func:`table_layout`: ``pages`` (1-based, in order), ``rows``
        and ``height`` (points, as if on one page: header once plus every row).
    anchors : dict
        Every named destination other than a table's: ``{id: (page, top)}`` (1-based page, top in
        points from the page's foot), e.g. the headings, whose ids nbconvert makes from their text.
    """

    pages: int = 0
    page_width: float = 0.0
    images: list = field(default_factory=list)
    text_right: list = field(default_factory=list)
    text_chars: list = field(default_factory=list)
    printable_height: float = 0.0
    tables: dict = field(default_factory=dict)
    anchors: dict = field(default_factory=dict)

    @property
    def min_dpi(self) -> float:
        """The lowest image resolution (inf when there is no image)."""
        return min((i["dpi"] for i in self.images), default=math.inf)

    @property
    def split_tables(self) -> list:
        """Ids of the tables printed on more than one page."""
        return [k for k, v in self.tables.items() if len(v["pages"]) > 1]

    @property
    def split_fitting_tables(self) -> list:
        """Ids of the tables split across pages although they would fit on one page (should be none)."""
        return [k for k in self.split_tables if self.tables[k]["height"] <= self.printable_height]


def _mul(m, n):
    """Matrix product m x n of PDF matrices [a b c d e f]."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return [a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2]


def _walk(ops, resources, ctm, page_no, out, reader):
    from pypdf.generic import ContentStream

    stack = []
    xobjects = resources.get("/XObject", {}) if resources else {}
    xobjects = xobjects.get_object() if hasattr(xobjects, "get_object") else xobjects
    for operands, op in ops:
        if op == b"q":
            stack.append(ctm)
        elif op == b"Q":
            ctm = stack.pop() if stack else ctm
        elif op == b"cm":
            ctm = _mul([float(x) for x in operands], ctm)
        elif op == b"Do":
            obj = xobjects[operands[0]].get_object()
            if obj.get("/Subtype") == "/Image":
                w_pt = math.hypot(ctm[0], ctm[1])
                h_pt = math.hypot(ctm[2], ctm[3])
                px = (int(obj["/Width"]), int(obj["/Height"]))
                dpi = min(px[0] / (w_pt / 72) if w_pt else math.inf, px[1] / (h_pt / 72) if h_pt else math.inf)
                out.images.append({"page": page_no, "pixels": px, "points": (w_pt, h_pt), "dpi": dpi})
            elif obj.get("/Subtype") == "/Form":
                matrix = [float(x) for x in obj.get("/Matrix", [1, 0, 0, 1, 0, 0])]
                _walk(ContentStream(obj, reader).operations, obj.get("/Resources", resources),
                      _mul(matrix, ctm), page_no, out, reader)
    return out


def table_layout(reader) -> dict:
    """Where each table of a report was printed, from the PDF's named destinations.

    Parameters
    ----------
    reader : pypdf.PdfReader
        A PDF printed by WeasyPrint from HTML whose tables carry Styler ids (``T_<uid>`` on the
        table, ``T_<uid>_row<i>_col<j>`` on the cells).

    Returns
    -------
    dict
        ``{"T_<uid>": {"pages": [...], "rows": n, "height": points}}`` for each table with rows.
        The height counts the header (and caption) once and every row: on each page, from its first
        row's top to its last row's top plus one row pitch (the median distance between
        consecutive rows on one page, so the last row of a page is taken as a typical row).

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd
    >>> from pypdf import PdfReader
    >>> from helpers.report.render import html_to_pdf
    >>> from helpers.report.tables import reader_table
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> t = reader_table(pd.DataFrame({"n": range(5)}))
    >>> _ = (d / "a.html").write_text(t.to_html())
    >>> lay = table_layout(PdfReader(str(html_to_pdf(d / "a.html", d / "a.pdf"))))
    >>> [(v["pages"], v["rows"]) for v in lay.values()]
    [([1], 5)]
    """
    tops, rows = {}, {}
    for name, dest in reader.named_destinations.items():
        m = _TABLE_ID.match(str(name))
        if not m or dest.get("/Top") is None:
            continue
        page = reader.get_destination_page_number(dest) + 1
        key, top = f"T_{m.group(1)}", float(dest["/Top"])
        if m.group(2) is None:
            tops[key] = (page, top)
        elif m.group(3) == "0":
            rows.setdefault(key, {})[int(m.group(2))] = (page, top)
    out = {}
    for key, by_row in rows.items():
        ordered = [by_row[i] for i in sorted(by_row)]
        pitches = [a[1] - b[1] for a, b in zip(ordered, ordered[1:]) if a[0] == b[0] and a[1] > b[1]]
        pitch = statistics.median(pitches) if pitches else 0.0
        pages = sorted({p for p, _ in ordered} | ({tops[key][0]} if key in tops else set()))
        height = 0.0
        if key in tops and tops[key][0] == ordered[0][0]:
            height += tops[key][1] - ordered[0][1]  # header and caption, counted once
        else:
            height += pitch
        for page in sorted({p for p, _ in ordered}):
            on = [y for p, y in ordered if p == page]
            height += on[0] - on[-1] + pitch
        out[key] = {"pages": pages, "rows": len(ordered), "height": height}
    return out


def measure_pdf(path) -> PdfMeasures:
    """Pages, every image's printed resolution, where text runs start per page, and the tables' pages.

    Parameters
    ----------
    path : str or Path
        A PDF file.

    Returns
    -------
    PdfMeasures

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from helpers.report.render import html_to_pdf
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.html").write_text('<h2 id="Act">Act</h2><p>Hello</p>')
    >>> m = measure_pdf(html_to_pdf(d / "a.html", d / "a.pdf"))
    >>> m.pages, round(m.page_width), m.text_chars, round(m.printable_height), m.tables, list(m.anchors)
    (1, 595, [8], 757, {}, ['Act'])
    """
    from pypdf import PdfReader
    from pypdf.generic import ContentStream

    reader = PdfReader(str(path))
    out = PdfMeasures(pages=len(reader.pages))
    out.page_width = float(reader.pages[0].mediabox.width) if reader.pages else 0.0
    if reader.pages:
        out.printable_height = (float(reader.pages[0].mediabox.height)
                                - sum(PAGE_MARGINS_MM) / 25.4 * 72)
    out.tables = table_layout(reader)
    for name, dest in reader.named_destinations.items():
        if not _TABLE_ID.match(str(name)) and dest.get("/Top") is not None:
            out.anchors[str(name)] = (reader.get_destination_page_number(dest) + 1, float(dest["/Top"]))
    for no, page in enumerate(reader.pages, start=1):
        contents = page.get_contents()
        if contents is not None:
            _walk(ContentStream(contents, reader).operations, page.get("/Resources"), [1, 0, 0, 1, 0, 0],
                  no, out, reader)
        xs, chars = [], [0]

        def visit(text, cm, tm, font_dict, font_size, xs=xs, chars=chars):
            if text.strip():
                xs.append(tm[4] * cm[0] + tm[5] * cm[2] + cm[4])
                chars[0] += len(text.strip())

        page.extract_text(visitor_text=visit)
        out.text_right.append(max(xs, default=0.0))
        out.text_chars.append(chars[0])
    return out
