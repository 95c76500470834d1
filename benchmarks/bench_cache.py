"""Wall and CPU time of the report run with and without the shared-result cache.

Runs ``helpers.report.run_all`` (no PDFs) on one config four ways, each into a fresh output folder
(except ``warm``, which reuses the ``prebuild`` folder's cache):

- ``none``      no cache: every notebook loads the data and fits the models it needs;
- ``lazy``      a cache folder but nothing built up front: the first notebook to ask builds a result
                (notebooks running side by side may build the same one at once);
- ``prebuild``  the pipeline builds the shared results once before the notebooks (the default);
- ``warm``      a second run on the same inputs: every shared result read back from the cache.

CPU time is the user + system time of the finished child processes (the kernels); the machine's
load from other work changes wall time, so run it on a quiet machine and compare CPU time too.

Run: ``PYTHONPATH=src python benchmarks/bench_cache.py [--config data/sample/config.yml]``.
Not part of the tests.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from helpers.paths import SAMPLE_CONFIG  # noqa: E402
from helpers.report import pipeline  # noqa: E402


def _cpu():
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _run(config, out, cache, *, lazy=False):
    original = pipeline.start_cache
    if lazy:  # hash the inputs, build nothing up front
        pipeline.start_cache = lambda cfg, folder, notebooks: original(cfg, folder, [])
    try:
        wall, cpu = time.perf_counter(), _cpu()
        results = pipeline.run_all(config, out, pdf=False, cache=cache)
        wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    finally:
        pipeline.start_cache = original
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    return wall, cpu


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", default=str(SAMPLE_CONFIG))
    args = parser.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="bench-cache-"))
    try:
        rows = [("none", *_run(args.config, root / "none", False)),
                ("lazy", *_run(args.config, root / "lazy", True, lazy=True)),
                ("prebuild", *_run(args.config, root / "prebuild", True)),
                ("warm", *_run(args.config, root / "prebuild", True))]
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"{args.config}: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    print(f"{'cache':10s} {'wall s':>7s} {'cpu s':>7s}")
    for name, wall, cpu in rows:
        print(f"{name:10s} {wall:7.1f} {cpu:7.1f}")


if __name__ == "__main__":
    main()
