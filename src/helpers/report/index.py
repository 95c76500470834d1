"""The index page of a report run: every report with its headline, links and any failure."""

from __future__ import annotations

import html
from pathlib import Path

from helpers.paths import resolve

__all__ = ["write_index"]


def write_index(results, out_dir, *, config=None, title="Customer relationship reports") -> Path:
    """Write ``index.html`` linking every report with its headline (and any failure).

    Parameters
    ----------
    results : list of helpers.report.pipeline.ReportResult
    out_dir : str or Path
    config : dict, optional
        The run configuration; its ``name`` is shown.
    title : str
        Page title.

    Returns
    -------
    Path
        The index file.

    Examples
    --------
    >>> import tempfile
    >>> from helpers.report.pipeline import ReportResult
    >>> p = write_index([ReportResult("00_x.ipynb", ok=True, title="X", html="00_x.html")],
    ...                 tempfile.mkdtemp())
    >>> "00_x.html" in p.read_text()
    True
    """
    out_dir = resolve(out_dir)
    esc = html.escape
    rows = []
    for r in results:
        links = " · ".join(f'<a href="{esc(p)}">{label}</a>' for label, p in
                           (("HTML", r.html), ("PDF", r.pdf), ("notebook", r.executed),
                            ("CSV for the CRM", r.extra.get("export"))) if p)
        status = "" if r.ok else f'<p class="fail">Failed: {esc(r.error)}</p>'
        if r.skipped:
            status = f'<p class="skip">Not run: {esc(r.skipped)}</p>'
        name = esc(r.title or r.notebook)
        head = f'<a href="{esc(r.html)}">{name}</a>' if r.html else name
        rows.append(f"<li><h2>{head}</h2><p class=\"headline\">{esc(r.headline)}</p>{status}"
                    f"<p class=\"links\">{links}</p></li>")
    data_name = esc(str((config or {}).get("name", "")))
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>
<style>
 body {{ font-family: -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; max-width: 820px;
        margin: 2rem auto; padding: 0 1rem; color: #222; }}
 h1 {{ margin-bottom: .2rem; }} .sub {{ color: #666; margin-top: 0; }}
 ul {{ list-style: none; padding: 0; }} li {{ border-top: 1px solid #ddd; padding: .6rem 0; }}
 h2 {{ font-size: 1.15rem; margin: .2rem 0; }} a {{ color: #30638e; }}
 .headline {{ margin: .2rem 0; }} .links {{ font-size: .9rem; color: #666; margin: .2rem 0; }}
 .fail {{ color: #b00020; font-weight: bold; white-space: pre-wrap; }} .skip {{ color: #666; font-style: italic; }}
</style></head>
<body><h1>{esc(title)}</h1><p class="sub">{data_name}</p>
<ul>
{chr(10).join(rows)}
</ul></body></html>
"""
    path = out_dir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
