"""The front page of a run: the data's as-of date and the run date, the reading order for each
reader, the warnings in full, and every report with its headline, key figures, links and any failure.

A notebook states its key figures in a cell tagged ``key-figures`` whose output is
:func:`key_figures` (three to five :func:`key_figure` values with their intervals, the as-of date and
any warnings); :func:`write_index` reads them from the executed notebooks.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
from pathlib import Path

from helpers.paths import resolve

__all__ = ["write_index", "key_figure", "key_figures", "KeyFigures", "read_key_figures", "KEY_FIGURES_MIME",
           "KEY_FIGURES_TAG"]

#: The tag of the notebook cell whose output holds the report's key figures.
KEY_FIGURES_TAG = "key-figures"
#: The MIME type of the key figures in that cell's output.
KEY_FIGURES_MIME = "application/vnd.crm-reports.key-figures+json"


def _number(x, decimals: int, unit: str) -> str:
    text = f"{abs(x):,.{decimals}f}"
    sign = "−" if x < 0 and float(text.replace(",", "")) != 0 else ""
    if unit == "%":
        return f"{sign}{text}%"
    return f"{sign}{text}" + (f" {unit}" if unit else "")


def key_figure(label, value, *, low=None, high=None, unit="", decimals=0, percent=False, signed=False,
               interval="", base="", missing="not reached") -> dict:
    """One key figure of a report: its value and, when it has one, its interval, as text.

    Parameters
    ----------
    label : str
        What the figure is, e.g. ``"NPS"``.
    value : float
    low, high : float, optional
        The interval's bounds.
    unit : str
        Put after the number (e.g. ``"EUR"``, ``"days"``).
    decimals : int, default 0
    percent : bool, default False
        ``value`` (and bounds) are shares 0..1, shown in percent.
    signed : bool, default False
        Show a ``+`` on positive values (NPS, differences).
    interval : str
        How the interval was made, e.g. ``"95% interval, adjusted Wald"``.
    base : str
        What a share is of, e.g. ``"of buyers"``.
    missing : str, default "not reached"
        The text of a missing or infinite value.

    Returns
    -------
    dict
        ``label``, ``value`` (text), ``interval`` (``"low to high"`` or ""), ``method`` and ``base``.

    Raises
    ------
    ValueError
        If ``value`` is not a number (a missing or infinite one, e.g. a median not reached, reads
        ``missing``).

    Examples
    --------
    >>> key_figure("NPS", 5.2, low=2.6, high=7.8, signed=True, interval="95% interval, adjusted Wald")
    {'label': 'NPS', 'value': '+5', 'interval': '+3 to +8', 'method': '95% interval, adjusted Wald', 'base': ''}
    >>> key_figure("lapsed", 0.5718, percent=True, decimals=1, base="of buyers")["value"]
    '57.2%'
    >>> key_figure("predicted value", 269903, low=264952, high=276753, unit="EUR")["interval"]
    '264,952 to 276,753 EUR'
    >>> key_figure("median days to lapse", float("inf"))["value"]
    'not reached'
    """
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"key figure {label!r}: value must be a number, not {value!r}") from None
    scale, shown_unit = (100.0, "%") if percent else (1.0, unit)

    def text(x, with_unit=True):
        out = _number(scale * x, decimals, shown_unit if with_unit else "")
        return ("+" + out) if signed and round(scale * x, decimals) > 0 else out

    if not math.isfinite(value):
        return {"label": str(label), "value": missing, "interval": "", "method": "", "base": str(base)}
    span = ""
    if low is not None and high is not None and all(math.isfinite(float(b)) for b in (low, high)):
        span = f"{text(float(low), with_unit=percent)} to {text(float(high))}"
    return {"label": str(label), "value": text(value), "interval": span,
            "method": str(interval) if span else "", "base": str(base)}


class KeyFigures:
    """A report's key figures as a notebook output: a short list for the reader, JSON for the index.

    Parameters
    ----------
    figures : list of dict
        :func:`key_figure` values.
    as_of : str
        The data's as-of date (``YYYY-MM-DD``), "" when the report does not know it.
    warnings : list of str
        Warnings to show in full on the front page.
    """

    def __init__(self, figures, as_of="", warnings=()):
        self.data = {"as_of": as_of, "figures": list(figures), "warnings": [str(w) for w in warnings]}

    def markdown(self) -> str:
        """The figures as a Markdown list ("**label**: value base (interval; method)").

        Returns
        -------
        str
        """
        lines = []
        for f in self.data["figures"]:
            extra = "; ".join(x for x in (f["interval"], f["method"]) if x)
            base = f" {f['base']}" if f["base"] else ""
            lines.append(f"- **{html.escape(f['label'])}**: {html.escape(f['value'])}{html.escape(base)}"
                         + (f" ({html.escape(extra)})" if extra else ""))
        return "\n".join(lines)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/markdown": self.markdown(), KEY_FIGURES_MIME: self.data, "text/plain": self.markdown()}


def key_figures(figures, *, as_of=None, warnings=()) -> KeyFigures:
    """The output of a report's ``key-figures`` cell: one to five figures, the as-of date, warnings.

    Parameters
    ----------
    figures : list of dict
        :func:`key_figure` values.
    as_of : date-like, optional
        The data's as-of date (``observation_end``).
    warnings : list of str
        Sentences shown in full on the front page.

    Returns
    -------
    KeyFigures

    Raises
    ------
    ValueError
        With no figure or more than five.

    Examples
    --------
    >>> k = key_figures([key_figure("customers", 4500)], as_of="2025-12-31")
    >>> k.data["as_of"], k.markdown()
    ('2025-12-31', '- **customers**: 4,500')
    """
    import pandas as pd

    figures = list(figures)
    if not 1 <= len(figures) <= 5:
        raise ValueError(f"a report has one to five key figures, not {len(figures)}")
    known = as_of is not None and not pd.isna(as_of)  # a survey without dates has no as-of date
    return KeyFigures(figures, f"{pd.Timestamp(as_of):%Y-%m-%d}" if known else "", warnings)


def read_key_figures(executed) -> dict:
    """The key figures an executed notebook states in its ``key-figures`` cell.

    Parameters
    ----------
    executed : str or Path
        An executed notebook.

    Returns
    -------
    dict
        ``as_of``, ``figures``, ``warnings``; empty when the notebook has no such cell (or no file).

    Examples
    --------
    >>> read_key_figures("/no/such/notebook.ipynb")
    {}
    """
    import nbformat

    path = Path(executed)
    if not path.is_file():
        return {}
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if KEY_FIGURES_TAG in cell.get("metadata", {}).get("tags", []):
            for out in cell.get("outputs", []):
                data = out.get("data", {}).get(KEY_FIGURES_MIME)
                if data:
                    return json.loads(data) if isinstance(data, str) else dict(data)
    return {}


def _reading_order(results) -> str:
    from helpers import frameworks

    pages = {Path(r.notebook).stem: r for r in results}
    esc = html.escape
    blocks = []
    for reader, steps in frameworks.READING_ORDER.items():
        items = []
        for stem, why in steps:
            r = pages.get(stem)
            name = esc(r.title) if r and r.title else esc(stem)
            link = f'<a href="{esc(r.html)}">{name}</a>' if r and r.html else name
            items.append(f"<li>{link}: {esc(why)}</li>")
        blocks.append(f'<div class="reader"><h3>{esc(reader.capitalize())}</h3><ol>{"".join(items)}</ol></div>')
    return "".join(blocks)


def write_index(results, out_dir, *, config=None, title="Customer relationship reports", run_date=None) -> Path:
    """Write the front page ``index.html``: dates, reading order, warnings, and every report with its
    headline, key figures, links (and any failure).

    Parameters
    ----------
    results : list of helpers.report.pipeline.ReportResult
    out_dir : str or Path
    config : dict, optional
        The run configuration; its ``name`` is shown.
    title : str
        Page title.
    run_date : date-like, optional
        The run's date (default: today, UTC).

    Returns
    -------
    Path
        The index file.

    Examples
    --------
    >>> import tempfile
    >>> from helpers.report.pipeline import ReportResult
    >>> p = write_index([ReportResult("00_x.ipynb", ok=True, title="X", html="00_x.html")],
    ...                 tempfile.mkdtemp(), run_date="2026-01-05")
    >>> "00_x.html" in p.read_text(), "Run on 2026-01-05" in p.read_text()
    (True, True)
    """
    out_dir = resolve(out_dir)
    esc = html.escape
    run_date = f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d}" if run_date is None else str(run_date)[:10]
    rows, as_of, warnings = [], "", []
    for r in results:
        facts = read_key_figures(out_dir / r.executed) if r.executed and r.ok and not r.skipped else {}
        as_of = as_of or facts.get("as_of", "")
        warnings += [(w, r) for w in facts.get("warnings", []) if w not in [x for x, _ in warnings]]
        figures = "".join(
            f'<li><span class="label">{esc(f["label"])}</span> <span class="value">{esc(f["value"])}</span>'
            + (f' <span class="base">{esc(f["base"])}</span>' if f.get("base") else "")
            + (f' <span class="interval">({esc(f["interval"])}; {esc(f["method"])})</span>' if f.get("interval")
               else "") + "</li>"
            for f in facts.get("figures", [])[:5])
        figures = f'<ul class="figures">{figures}</ul>' if figures else ""
        links = " · ".join(f'<a href="{esc(p)}">{label}</a>' for label, p in
                           (("HTML", r.html), ("PDF", r.pdf), ("notebook", r.executed),
                            ("CSV for the CRM", r.extra.get("export"))) if p)
        status = "" if r.ok else f'<p class="fail">Failed: {esc(r.error)}</p>'
        if r.skipped:
            status = f'<p class="skip">Not run: {esc(r.skipped)}</p>'
        name = esc(r.title or r.notebook)
        head = f'<a href="{esc(r.html)}">{name}</a>' if r.html else name
        rows.append(f"<li><h2>{head}</h2><p class=\"headline\">{esc(r.headline)}</p>{figures}{status}"
                    f"<p class=\"links\">{links}</p></li>")
    data_name = esc(str((config or {}).get("name", "")))
    dates = (f"Data as of <strong>{esc(as_of)}</strong> · " if as_of else "") + f"Run on {esc(run_date)}"
    warn = ""
    if warnings:
        warn = ('<section class="warnings"><h2>Read before trusting the numbers</h2><ul>'
                + "".join(f"<li>{esc(w)}" + (f' (from <a href="{esc(r.html)}">{esc(r.title or r.notebook)}</a>)'
                                                if r.html else "") + "</li>" for w, r in warnings)
                + "</ul></section>")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>
<style>
 body {{ font-family: -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; max-width: 860px;
        margin: 2rem auto; padding: 0 1rem; color: #222; }}
 h1 {{ margin-bottom: .2rem; }} .sub {{ color: #666; margin-top: 0; }} .dates {{ margin: .2rem 0 1rem; }}
 ul.reports {{ list-style: none; padding: 0; }} ul.reports > li {{ border-top: 1px solid #ddd; padding: .6rem 0; }}
 h2 {{ font-size: 1.15rem; margin: .2rem 0; }} a {{ color: #30638e; }}
 .headline {{ margin: .2rem 0; }} .links {{ font-size: .9rem; color: #666; margin: .2rem 0; }}
 ul.figures {{ margin: .3rem 0; padding-left: 1.2rem; }} .figures .value {{ font-weight: bold; }}
 .figures .interval, .figures .base {{ color: #555; }}
 .fail {{ color: #b00020; font-weight: bold; white-space: pre-wrap; }} .skip {{ color: #666; font-style: italic; }}
 .warnings {{ border-left: 4px solid #edae49; background: #fff8e6; padding: .3rem 1rem; margin: 1rem 0; }}
 .readers {{ display: flex; flex-wrap: wrap; gap: 1rem; }} .reader {{ flex: 1 1 240px; }}
 .reader h3 {{ font-size: 1rem; margin: .4rem 0 .2rem; }} .reader ol {{ margin: 0; padding-left: 1.3rem; }}
</style></head>
<body><h1>{esc(title)}</h1><p class="sub">{data_name}</p>
<p class="dates">{dates}</p>
{warn}
<section class="order"><h2>Where to start</h2><div class="readers">{_reading_order(results)}</div></section>
<ul class="reports">
{chr(10).join(rows)}
</ul></body></html>
"""
    path = out_dir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
