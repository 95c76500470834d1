"""Benchmark: helpers.lifecycle.rfm_summary on 10 million transaction rows.

Generates a seeded synthetic table (default 10,000,000 rows, 1,000,000 customers, four years of
dates, about 3% refunds), then times ``rfm_summary`` and measures its peak memory. Baseline: the
same summary written the way lifetimes computes it (pandas ``groupby`` per customer and day, then
per customer), run on the same data with ``--baseline``; both results are compared.

Usage::

    PYTHONPATH=src python benchmarks/bench_rfm.py                  # categorical customer_id
    PYTHONPATH=src python benchmarks/bench_rfm.py --ids str        # plain string ids (slower)
    PYTHONPATH=src python benchmarks/bench_rfm.py --rows 1000000 --baseline

Peak memory is measured with ``tracemalloc`` (numpy and pandas report their buffers to it) in a
second, separate call, so that tracing does not distort the timing; the process' maximum resident
size (which includes the generated input) is printed as well.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
import warnings

import numpy as np
import pandas as pd

from helpers.lifecycle import rfm_summary


def make_transactions(n_rows, n_customers, seed=0, ids="category"):
    """Seeded synthetic transactions: skewed customer activity, dates over four years, refunds."""
    rng = np.random.default_rng(seed)
    # skewed activity: a few heavy buyers, many light ones
    weights = rng.gamma(0.6, 1.0, n_customers)
    cust = np.searchsorted(np.cumsum(weights) / weights.sum(), rng.random(n_rows))
    cust = np.minimum(cust, n_customers - 1)
    days = rng.integers(0, 4 * 365, n_rows)
    amount = np.round(rng.gamma(2.0, 25.0, n_rows), 2)
    refund = rng.random(n_rows) < 0.03
    amount[refund] = -np.round(amount[refund] / 2, 2)
    names = pd.Index([f"C{i:07d}" for i in range(n_customers)], dtype="str")
    if ids == "category":
        customer_id = pd.Categorical.from_codes(cust, categories=names)
    else:
        customer_id = pd.array(names.to_numpy()[cust], dtype="str")
    return pd.DataFrame({
        "customer_id": customer_id,
        "order_date": (np.datetime64("2021-01-01") + days.astype("timedelta64[D]"))
        .astype("datetime64[ns]"),
        "amount": amount,
        "profit": np.round(amount * 0.3, 2),
    })


def baseline_summary(tx, observation_end):
    """lifetimes' algorithm with pandas groupby (purchase days only; refunds netted per day)."""
    tx = tx[tx["order_date"] <= observation_end]
    tx = tx.assign(buy=tx["amount"] >= 0)
    day = tx.groupby(["customer_id", "order_date"], observed=True).agg(
        value=("amount", "sum"), buy=("buy", "max"))
    day = day[day["buy"]].reset_index()
    g = day.groupby("customer_id", observed=True)
    first = g["order_date"].transform("min")
    repeat = day[day["order_date"] > first]
    out = g["order_date"].agg(["min", "max", "count"])
    out["frequency"] = out["count"] - 1
    out["recency"] = (out["max"] - out["min"]).dt.days.astype(float)
    out["T"] = (pd.Timestamp(observation_end) - out["min"]).dt.days.astype(float)
    out["monetary_value"] = repeat.groupby("customer_id", observed=True)["value"].mean()
    out["monetary_value"] = out["monetary_value"].fillna(0.0)
    return out[["frequency", "recency", "T", "monetary_value"]]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--customers", type=int, default=None, help="default: rows / 10")
    ap.add_argument("--ids", choices=["category", "str"], default="category")
    ap.add_argument("--baseline", action="store_true", help="also time the pandas groupby baseline")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    n_customers = args.customers or max(args.rows // 10, 1)

    t0 = time.perf_counter()
    tx = make_transactions(args.rows, n_customers, args.seed, args.ids)
    gen = time.perf_counter() - t0
    end = tx["order_date"].max() - pd.Timedelta(days=30)
    print(f"rows: {len(tx):,}  customers: {n_customers:,}  customer_id: {args.ids}  "
          f"input memory: {tx.memory_usage(deep=args.ids == 'str').sum() / 1e6:,.0f} MB  "
          f"(generated in {gen:.1f} s)")

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t0 = time.perf_counter()
        summary = rfm_summary(tx, observation_end=end)
        elapsed = time.perf_counter() - t0
    print(f"rfm_summary: {elapsed:.2f} s, {len(summary):,} customers summarised")
    for w in caught:
        print(f"  warning: {w.message}")

    tracemalloc.start()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rfm_summary(tx, observation_end=end)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"rfm_summary peak memory (tracemalloc, beyond the input): {peak / 1e6:,.0f} MB")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process max RSS (input included): {rss:,.0f} MB")

    if args.baseline:
        t0 = time.perf_counter()
        base = baseline_summary(tx, end)
        b_elapsed = time.perf_counter() - t0
        base = base.reindex(summary.index)
        diff = (base - summary[base.columns]).abs().max().max()
        print(f"baseline (pandas groupby, lifetimes' algorithm): {b_elapsed:.2f} s; "
              f"speed-up {b_elapsed / elapsed:.1f}x; max abs difference {diff:.2e}")


if __name__ == "__main__":
    main()
