"""Benchmark: the per-customer summary through the engine against a hand-written DuckDB query,
the pandas groupby baseline and (when pyspark is installed) Spark, on 1M and 10M rows.

For each size the seeded generator (``benchmarks/generate.py``: canonical columns, rows / 10
customers) writes CSV and Parquet; every measurement then runs in a fresh Python process, and its
peak memory is that process' maximum resident size (``resource.getrusage(...).ru_maxrss``: Python,
libraries, input and work). Measurements:

- ``engine, Parquet`` / ``engine, CSV``: ``helpers.engine.customer_summary(path)`` (validation
  and the summary query; DuckDB reads the file);
- ``engine, DataFrame``: the Parquet file loaded into pandas, then ``lifecycle.rfm_summary(frame)``
  (what the notebooks call; load time printed apart);
- ``hand-written SQL``: one plain DuckDB query of the same columns (frequency, recency, T,
  monetary value, first and last purchase, distinct orders, revenue, profit) on the Parquet file,
  without validation;
- ``pandas groupby``: lifetimes' algorithm with pandas groupby on the loaded frame (the baseline
  where lifetimes does not install);
- ``Spark local[2]``: ``helpers.engine.spark.spark_customer_summary(path)`` (1M rows only by
  default; session start included).

The results' totals are compared with the engine's.

Usage::

    PYTHONPATH=src python benchmarks/bench_engine.py                  # 1M and 10M rows
    PYTHONPATH=src python benchmarks/bench_engine.py --rows 1000000 --spark-rows 1000000
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import duckdb
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from generate import END, make_transactions, write  # noqa: E402

HAND_SQL = """
WITH d AS (
    SELECT customer_id, CAST(order_date AS DATE) AS day, sum(amount) AS v,
           bool_or(amount >= 0) AS b, sum(profit) AS pr
    FROM read_parquet('{path}') WHERE CAST(order_date AS DATE) <= DATE '{end}'
    GROUP BY 1, 2
),
o AS (
    SELECT customer_id, count(DISTINCT order_id) AS n_orders
    FROM read_parquet('{path}')
    WHERE CAST(order_date AS DATE) <= DATE '{end}' AND amount >= 0 GROUP BY 1
)
SELECT customer_id,
       count(*) FILTER (WHERE b) - 1 AS frequency,
       max(day) FILTER (WHERE b) - min(day) FILTER (WHERE b) AS recency,
       DATE '{end}' - min(day) FILTER (WHERE b) AS "T",
       coalesce((sum(v) FILTER (WHERE b) - arg_min(v, day) FILTER (WHERE b))
                / nullif(count(*) FILTER (WHERE b) - 1, 0), 0) AS monetary_value,
       min(day) FILTER (WHERE b) AS first_purchase,
       max(day) FILTER (WHERE b) AS last_purchase,
       any_value(n_orders) AS n_orders,
       sum(v) AS revenue,
       sum(pr) AS profit
FROM d JOIN o USING (customer_id) GROUP BY 1
"""


def baseline_summary(tx, observation_end):
    """lifetimes' algorithm with pandas groupby (purchase days only; refunds netted per day)."""
    tx = tx[tx["order_date"] <= observation_end]
    tx = tx.assign(buy=tx["amount"] >= 0)
    day = tx.groupby(["customer_id", "order_date"]).agg(value=("amount", "sum"),
                                                        buy=("buy", "max"))
    revenue = day.groupby(level="customer_id")["value"].sum()
    day = day[day["buy"]].reset_index()
    g = day.groupby("customer_id")
    first = g["order_date"].transform("min")
    repeat = day[day["order_date"] > first]
    out = g["order_date"].agg(["min", "max", "count"])
    out["frequency"] = out["count"] - 1
    out["recency"] = (out["max"] - out["min"]).dt.days.astype(float)
    out["T"] = (pd.Timestamp(observation_end) - out["min"]).dt.days.astype(float)
    out["monetary_value"] = repeat.groupby("customer_id")["value"].mean()
    out["monetary_value"] = out["monetary_value"].fillna(0.0)
    out["revenue"] = revenue.reindex(out.index)
    return out[["frequency", "recency", "T", "monetary_value", "revenue"]]


def _load(path):
    con = duckdb.connect()
    frame = con.execute(f"SELECT * FROM read_parquet('{path}')").df()
    con.close()
    frame["order_date"] = frame["order_date"].astype("datetime64[ns]")
    return frame


def child(step, csv, parquet):
    """One measurement in this process; prints a JSON line."""
    from helpers.engine import customer_summary
    from helpers.lifecycle import rfm_summary

    load = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # refund-only customers
        if step in ("frame", "pandas"):
            t0 = time.perf_counter()
            frame = _load(parquet)
            load = time.perf_counter() - t0
        t0, c0 = time.perf_counter(), time.process_time()
        if step == "parquet":
            out = customer_summary(parquet, observation_end=END)
        elif step == "csv":
            out = customer_summary(csv, observation_end=END)
        elif step == "frame":
            out = rfm_summary(frame, observation_end=END)
        elif step == "pandas":
            out = baseline_summary(frame, pd.Timestamp(END))
        elif step == "hand":
            con = duckdb.connect()
            out = con.execute(HAND_SQL.format(path=parquet, end=END)).df()
            con.close()
        elif step == "spark":
            from helpers.engine.spark import spark_customer_summary, spark_session

            spark = spark_session("local[2]")
            out = spark_customer_summary(parquet, observation_end=END, spark=spark)
            spark.stop()
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if step == "spark":  # the JVM is a child process
        peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        peak = max(peak, peak_children)
    print(json.dumps({
        "load": load, "time": elapsed, "cpu": cpu, "peak": peak, "customers": len(out),
        "frequency": int(out["frequency"].sum()), "T": float(out["T"].sum()),
        "monetary": float(out["monetary_value"].sum()), "revenue": float(out["revenue"].sum()),
    }))


STEPS = (("parquet", "engine, Parquet"), ("csv", "engine, CSV"),
         ("frame", "engine, DataFrame (rfm_summary)"), ("hand", "hand-written SQL, Parquet"),
         ("pandas", "pandas groupby, DataFrame"), ("spark", "Spark local[2], Parquet"))


def measure(rows, seed, with_spark, tmp):
    t0 = time.perf_counter()
    csv, parquet = write(make_transactions(rows, seed=seed), Path(tmp) / f"r{rows}")
    print(f"\n{rows:,} rows, {rows // 10:,} customer ids, observation_end {END}: CSV "
          f"{csv.stat().st_size / 1e6:,.0f} MB, Parquet {parquet.stat().st_size / 1e6:,.0f} MB "
          f"(generated and written in {time.perf_counter() - t0:.1f} s)")
    results = {}
    for step, label in STEPS:
        if step == "spark" and not with_spark:
            continue
        proc = subprocess.run([sys.executable, __file__, "--child", step, str(csv), str(parquet)],
                              capture_output=True, text=True, check=False)
        if proc.returncode:
            print(f"{label}: failed\n{proc.stderr[-2000:]}")
            continue
        results[label] = json.loads(proc.stdout.strip().splitlines()[-1])
    ref = results.get("engine, Parquet")
    hand = results.get("hand-written SQL, Parquet")
    pandas_ = results.get("pandas groupby, DataFrame")
    print(f"{'':34s}{'load':>8s}{'summary':>10s}{'peak RSS':>11s}{'customers':>11s}  totals")
    for label, r in results.items():
        load = f"{r['load']:.1f} s" if r["load"] else "-"
        same = ref is not None and r["customers"] == ref["customers"] and \
            r["frequency"] == ref["frequency"] and all(
                abs(r[k] - ref[k]) <= 1e-6 * abs(ref[k]) for k in ("T", "monetary", "revenue"))
        print(f"{label:34s}{load:>8s}{r['time']:>8.2f} s{r['peak']:>8,.0f} MB{r['customers']:>11,}"
              f"  {'= engine' if same else 'DIFFER'}")
    if ref and hand:
        print(f"engine / hand-written SQL: {ref['time'] / hand['time']:.2f}x")
    if ref and pandas_:
        print(f"pandas groupby / engine: {pandas_['time'] / ref['time']:.1f}x")
    return results


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--spark-rows", type=int, nargs="*", default=[1_000_000],
                    help="sizes also run on Spark (when pyspark is installed)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--child", nargs=3, metavar=("STEP", "CSV", "PARQUET"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(*args.child)
        return
    has_spark = importlib.util.find_spec("pyspark") is not None
    if not has_spark:
        print("pyspark is not installed: no Spark measurement (make test-spark installs it)")
    with tempfile.TemporaryDirectory() as tmp:
        for rows in args.rows:
            measure(rows, args.seed, has_spark and rows in args.spark_rows, tmp)


if __name__ == "__main__":
    main()
