"""Seeded synthetic transactions for the benchmarks, vectorised, written as CSV and Parquet.

``make_transactions(n_rows)`` draws canonical columns (``order_id``, ``customer_id``,
``order_date``, ``amount``, ``profit``): rows / 10 customers by default with skewed activity (a
few heavy buyers, many light ones), dates over three years, about 3% refunds. ``write`` stores a
table as CSV and Parquet with DuckDB (no pyarrow needed). ``--pipeline`` instead writes the
bundled sample generator's three inputs (transactions, survey, customers) at a larger size with a
run configuration, for ``python -m helpers.report --config``.

Usage::

    PYTHONPATH=src python benchmarks/generate.py 10000000 --out /tmp/tx10m     # CSV + Parquet
    PYTHONPATH=src python benchmarks/generate.py --pipeline 80000 --out /tmp/shop1m
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

END = "2023-12-01"  # one month before the last generated date


def make_transactions(n_rows, n_customers=None, seed=0):
    """Seeded synthetic transactions with the canonical columns (numpy vectorised).

    Examples
    --------
    >>> tx = make_transactions(1000, seed=1)
    >>> list(tx.columns), tx["customer_id"].nunique() <= 100
    (['order_id', 'customer_id', 'order_date', 'amount', 'profit'], True)
    """
    n_customers = n_customers or max(n_rows // 10, 1)
    rng = np.random.default_rng(seed)
    weights = rng.gamma(0.6, 1.0, n_customers)
    cust = np.searchsorted(np.cumsum(weights) / weights.sum(), rng.random(n_rows))
    cust = np.minimum(cust, n_customers - 1).astype(np.int64)
    days = rng.integers(0, 3 * 365, n_rows)
    amount = np.round(rng.gamma(2.0, 25.0, n_rows), 2)
    refund = rng.random(n_rows) < 0.03
    amount[refund] = -np.round(amount[refund] / 2, 2)
    return pd.DataFrame({
        "order_id": np.arange(n_rows, dtype=np.int64),
        "customer_id": cust,
        "order_date": (np.datetime64("2021-01-01") + days.astype("timedelta64[D]"))
        .astype("datetime64[ns]"),
        "amount": amount,
        "profit": np.round(amount * 0.3, 2),
    })


def write(tx, out, stem="transactions"):
    """Write ``tx`` as ``stem.csv`` and ``stem.parquet`` in ``out`` (DuckDB); return both paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.register("tx", tx)
    paths = {}
    for fmt, opts in (("csv", "FORMAT CSV, HEADER"), ("parquet", "FORMAT PARQUET")):
        paths[fmt] = out / f"{stem}.{fmt}"
        con.execute(f"COPY (SELECT * REPLACE (CAST(order_date AS DATE) AS order_date) FROM tx) "
                    f"TO '{paths[fmt]}' ({opts})")
    con.close()
    return paths["csv"], paths["parquet"]


def write_pipeline(n_customers, out, seed=0):
    """The sample generator's inputs for ``n_customers`` plus a config.yml; return its path."""
    from helpers import sample

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    data = sample.generate(seed=seed, n_customers=n_customers)
    for name in ("transactions", "survey", "customers"):
        data[name].to_csv(out / f"{name}.csv", index=False, float_format="%.2f")
    config = out / "config.yml"
    config.write_text(
        f"name: Synthetic shop, {n_customers:,} customers\ncurrency: EUR\nengine: duckdb\n"
        "inputs:\n  transactions: transactions.csv\n  survey: survey.csv\n"
        "  customers: customers.csv\n", encoding="utf-8")
    return config, len(data["transactions"])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rows", type=int, nargs="?", default=1_000_000)
    ap.add_argument("--customers", type=int, default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True)
    ap.add_argument("--pipeline", type=int, metavar="N_CUSTOMERS",
                    help="write the sample generator's three inputs and a config instead")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    if args.pipeline:
        config, rows = write_pipeline(args.pipeline, args.out, args.seed)
        print(f"{rows:,} transaction rows, {args.pipeline:,} customers: {config} "
              f"({time.perf_counter() - t0:.1f} s)")
        return
    csv, parquet = write(make_transactions(args.rows, args.customers, args.seed), args.out)
    print(f"{args.rows:,} rows: {csv} ({csv.stat().st_size / 1e6:,.0f} MB), {parquet} "
          f"({parquet.stat().st_size / 1e6:,.0f} MB) in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
