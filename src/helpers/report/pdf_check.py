"""Measure a printed report the way a reader meets it: pages, image resolution, text off the page.

:func:`measure_pdf` reads a PDF with pypdf and walks each page's drawing operations, keeping the
transformation matrix, so that every image's printed size (and so its pixels per inch) and every
text run's position on the page are known.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

__all__ = ["PdfMeasures", "measure_pdf"]


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
    """

    pages: int = 0
    page_width: float = 0.0
    images: list = field(default_factory=list)
    text_right: list = field(default_factory=list)
    text_chars: list = field(default_factory=list)

    @property
    def min_dpi(self) -> float:
        """The lowest image resolution (inf when there is no image)."""
        return min((i["dpi"] for i in self.images), default=math.inf)


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


def measure_pdf(path) -> PdfMeasures:
    """Pages, every image's printed resolution and where text runs start, per page.

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
    >>> _ = (d / "a.html").write_text("<p>Hello</p>")
    >>> m = measure_pdf(html_to_pdf(d / "a.html", d / "a.pdf"))
    >>> m.pages, round(m.page_width), m.text_chars
    (1, 595, [5])
    """
    from pypdf import PdfReader
    from pypdf.generic import ContentStream

    reader = PdfReader(str(path))
    out = PdfMeasures(pages=len(reader.pages))
    out.page_width = float(reader.pages[0].mediabox.width) if reader.pages else 0.0
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
