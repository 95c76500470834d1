"""Benchmark: helpers.engine.customer_summary (DuckDB) against helpers.lifecycle.rfm_summary.

Generates a seeded synthetic table (default 1,000,000 rows, rows / 10 customers, dates over three
years, about 3% refunds, a profit column), writes it to Parquet with DuckDB, and runs three
measurements, each in a fresh Python process so that memory figures do not mix:

- ``engine, Parquet``: ``customer_summary(path)``: DuckDB reads the file; no input DataFrame;
- ``engine, DataFrame``: the Parquet file loaded into pandas first, then ``customer_summary(frame)``;
- ``rfm_summary``: the same DataFrame, ``lifecycle.rfm_summary(frame)``.

For each: load time of the input DataFrame (if any), time of the summary, the process' resident
memory before the call (Python, libraries, input) and its peak during the call (Linux ``VmHWM``,
reset just before the call through ``/proc/self/clear_refs``). The three results are compared.

Usage::

    PYTHONPATH=src python benchmarks/bench_engine.py                    # 1,000,000 rows
    PYTHONPATH=src python benchmarks/bench_engine.py 10000000 --ids str
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

END = "2023-12-01"  # one month before the last generated date


def make_transactions(n_rows, n_customers, seed=0, ids="int"):
    """Seeded synthetic transactions (numpy vectorised): skewed activity, three years, refunds."""
    rng = np.random.default_rng(seed)
    weights = rng.gamma(0.6, 1.0, n_customers)
    cust = np.searchsorted(np.cumsum(weights) / weights.sum(), rng.random(n_rows))
    cust = np.minimum(cust, n_customers - 1).astype(np.int64)
    days = rng.integers(0, 3 * 365, n_rows)
    amount = np.round(rng.gamma(2.0, 25.0, n_rows), 2)
    refund = rng.random(n_rows) < 0.03
    amount[refund] = -np.round(amount[refund] / 2, 2)
    if ids == "str":
        names = np.char.add("C", np.char.zfill(np.arange(n_customers).astype(str), 8))
        customer_id = pd.array(names[cust], dtype="str")
    else:
        customer_id = cust
    return pd.DataFrame({
        "customer_id": customer_id,
        "order_date": (np.datetime64("2021-01-01") + days.astype("timedelta64[D]"))
        .astype("datetime64[ns]"),
        "amount": amount,
        "profit": np.round(amount * 0.3, 2),
    })


def _memory_mb(field):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def child(step, path):
    """One measurement in this process; prints a JSON line."""
    from helpers.engine import customer_summary
    from helpers.lifecycle import rfm_summary

    load = 0.0
    if step == "parquet":
        source, fn = path, customer_summary
    else:
        t0 = time.perf_counter()
        con = duckdb.connect()
        source = con.execute(f"SELECT * FROM read_parquet('{path}')").df()
        con.close()
        load = time.perf_counter() - t0
        fn = customer_summary if step == "frame" else rfm_summary
    before = _memory_mb("VmRSS")
    reset = _reset_peak()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        out = fn(source, observation_end=END)
        elapsed = time.perf_counter() - t0
    peak = _memory_mb("VmHWM")
    print(json.dumps({
        "load": load, "time": elapsed, "rss_before": before, "peak": peak, "peak_reset": reset,
        "customers": len(out), "frequency": int(out["frequency"].sum()),
        "monetary": float(out["monetary_value"].sum()), "revenue": float(out["revenue"].sum()),
        "T": float(out["T"].sum()), "n_orders": int(out["n_orders"].sum()),
    }))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rows", type=int, nargs="?", default=1_000_000)
    ap.add_argument("--customers", type=int, default=None, help="default: rows / 10")
    ap.add_argument("--ids", choices=["int", "str"], default="int")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--child", nargs=2, metavar=("STEP", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(*args.child)
        return
    n_customers = args.customers or max(args.rows // 10, 1)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "transactions.parquet"
        t0 = time.perf_counter()
        tx = make_transactions(args.rows, n_customers, args.seed, args.ids)
        con = duckdb.connect()
        con.register("tx", tx)
        con.execute(f"COPY tx TO '{path}' (FORMAT PARQUET)")
        con.close()
        del tx
        print(f"rows: {args.rows:,}  customers: {n_customers:,}  customer_id: {args.ids}  "
              f"observation_end: {END}  Parquet: {path.stat().st_size / 1e6:,.0f} MB  "
              f"(generated and written in {time.perf_counter() - t0:.1f} s)")
        env = dict(os.environ)
        results = {}
        for step, label in (("parquet", "engine, Parquet"), ("frame", "engine, DataFrame"),
                            ("rfm", "rfm_summary, DataFrame")):
            proc = subprocess.run([sys.executable, __file__, "--child", step, str(path)],
                                  capture_output=True, text=True, env=env, check=True)
            results[label] = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"{'':24s}{'load frame':>12s}{'summary':>10s}{'RSS before':>12s}{'peak RSS':>10s}"
          f"{'customers':>11s}")
    for label, r in results.items():
        load = f"{r['load']:.2f} s" if r["load"] else "-"
        print(f"{label:24s}{load:>12s}{r['time']:>8.2f} s{r['rss_before']:>9,.0f} MB"
              f"{r['peak']:>7,.0f} MB{r['customers']:>11,}")
    if not all(r["peak_reset"] for r in results.values()):
        print("(peak RSS could not be reset: it includes loading the input)")
    ref = results["rfm_summary, DataFrame"]
    for label, r in results.items():
        same = r["customers"] == ref["customers"] and r["frequency"] == ref["frequency"] and \
            r["n_orders"] == ref["n_orders"] and all(
                np.isclose(r[k], ref[k], rtol=1e-9) for k in ("monetary", "revenue", "T"))
        print(f"{label}: {'same totals as rfm_summary' if same else 'DIFFERS from rfm_summary'}")


if __name__ == "__main__":
    main()
