"""Reading and validating the inputs of a run: :func:`helpers.io.load_all` per configuration.

Each configuration is loaded in a fresh process (so one run's memory does not count for the next)
and printed with wall and CPU seconds (CPU counts every thread: pyarrow and DuckDB use both cores),
peak resident memory, the rows of each table and the log's length; the machine's load average
before each run is printed too, because the machine is shared. With ``--reference``, the same
configurations are loaded also with the plain pandas CSV parser (``helpers.io.read.FAST_CSV`` off)
and the frames and logs are compared.

Run::

    PYTHONPATH=src python benchmarks/generate.py --pipeline 1000000 --out /tmp/io-10m   # 10M rows
    PYTHONPATH=src python benchmarks/bench_load.py data/sample/config.yml /tmp/io-10m/config.yml

Not part of the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, os, resource, sys, time
import pandas as pd
from helpers.io import load_all, read
read.FAST_CSV = sys.argv[2] == "fast"
wall, cpu = time.perf_counter(), time.process_time()
ds = load_all(sys.argv[1])
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
out = {"wall": wall, "cpu": cpu, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
       "rows": {k: len(getattr(ds, k)) for k in ("transactions", "survey", "customers")},
       "log": len(ds.log.entries)}
if len(sys.argv) > 3:
    pd.to_pickle({"frames": {k: getattr(ds, k) for k in ("transactions", "survey", "customers")},
                  "log": ds.log.entries}, sys.argv[3])
print(json.dumps(out))
"""


def run(config, mode, dump=None):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    args = [sys.executable, "-c", CHILD, str(config), mode] + ([dump] if dump else [])
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("configs", nargs="+")
    ap.add_argument("--reference", action="store_true",
                    help="also load with the pandas CSV parser and compare the results")
    args = ap.parse_args(argv)
    print(f"{'config':<40} {'parser':<7} {'load':>5} {'wall s':>7} {'cpu s':>7} {'peak MB':>8} "
          f"{'transactions':>12} {'log':>4}")
    for config in args.configs:
        modes = ["fast", "pandas"] if args.reference else ["fast"]
        dumps = {}
        for mode in modes:
            load = os.getloadavg()[0]
            dump = f"/tmp/bench_load_{os.getpid()}_{mode}.pkl" if args.reference else None
            r = run(config, mode, dump)
            dumps[mode] = dump
            print(f"{str(config)[-40:]:<40} {mode:<7} {load:5.1f} {r['wall']:7.2f} {r['cpu']:7.2f} "
                  f"{r['peak_mb']:8.0f} {r['rows']['transactions']:>12,} {r['log']:>4}")
        if args.reference:
            import pandas as pd

            a, b = (pd.read_pickle(dumps[m]) for m in modes)
            for name in a["frames"]:
                pd.testing.assert_frame_equal(a["frames"][name], b["frames"][name], check_exact=True)
            assert a["log"] == b["log"]
            print(f"{'':<40} equal frames and logs")
            for path in dumps.values():
                Path(path).unlink()


if __name__ == "__main__":
    main()
