"""Run every notebook on a data set and publish HTML (code hidden) + PDF reports and an index page.

The command line of :mod:`helpers.report`::

    python -m helpers.report --config data/sample/config.yml --out reports
    python -m helpers.report --refresh          # re-execute notebooks/ in place (stored outputs)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from helpers.io.quality import DataError
from helpers.paths import PROJ_ROOT, SAMPLE_CONFIG, resolve
from helpers.report import pipeline

__all__ = ["main"]


def main(argv=None) -> int:
    """Command line: ``python -m helpers.report --config C --out D`` (or ``--refresh``).

    Parameters
    ----------
    argv : list of str, optional

    Returns
    -------
    int
        0 when every notebook ran, 1 when one failed, 2 when the configuration or an input cannot be
        used: then no notebook runs, the error (file, line or column, rows, fix) is printed once,
        without a traceback, and the output folder's index page gives it.

    Examples
    --------
    >>> main(["--config", "data/sample/config.yml", "--out", "reports", "--no-pdf"])  # doctest: +SKIP
    0
    """
    parser = argparse.ArgumentParser(prog="python -m helpers.report", description=__doc__.split("\n")[0])
    parser.add_argument("--config", default=str(SAMPLE_CONFIG.relative_to(PROJ_ROOT)),
                        help="run configuration (YAML); default: the sample data")
    parser.add_argument("--out", default="reports", help="output folder (default: reports)")
    parser.add_argument("--jobs", type=int, default=None, help="notebooks run in parallel")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDFs")
    parser.add_argument("--only", nargs="*", help="notebook names to run (default: all)")
    parser.add_argument("--refresh", action="store_true",
                        help="re-execute notebooks/ in place on the sample data (stored outputs)")
    args = parser.parse_args(argv)
    chosen = None
    if args.only:
        chosen = [p for p in pipeline.list_notebooks() if any(p.name.startswith(o) for o in args.only)]
    if args.refresh:
        try:
            for r in pipeline.refresh_notebooks(chosen):
                print(f"  {r.notebook}: refreshed in {r.seconds:.1f} s")
        except RuntimeError as exc:
            print(exc, file=sys.stderr)
            return 1
        return 0
    start = time.perf_counter()
    out = resolve(args.out, base=Path.cwd())
    try:
        results = pipeline.run_all(resolve(args.config, base=Path.cwd()), out, notebooks=chosen,
                                   jobs=args.jobs, pdf=not args.no_pdf)
    except DataError as exc:  # the user's configuration or data: their message, not our traceback
        print(f"Stopped before any report: {exc}\n(no report written; {out / 'index.html'} says the "
              "same)", file=sys.stderr)
        return 2
    for r in results:
        mark = "skip" if r.skipped else "ok  " if r.ok else "FAIL"
        print(f"{mark} {r.notebook:32s} {r.seconds:5.1f} s  {r.skipped or r.headline or r.error}")
        if r.extra.get("export"):
            print(f"     {out / r.extra['export']}" + (" (pseudonymised ids)" if r.extra["pseudonymised"]
                                                       else ""))
    failed = [r for r in results if not r.ok]
    print(f"{len(results) - len(failed)}/{len(results)} reports in {out} "
          f"({time.perf_counter() - start:.0f} s); open {out / 'index.html'}")
    for r in failed:
        print(f"FAILED {r.notebook}: {r.error}\n  partial notebook: {out / (r.executed or '')}",
              file=sys.stderr)
    return 1 if failed else 0
