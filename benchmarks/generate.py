"""Seeded synthetic transactions for the benchmarks, vectorised, written as CSV and Parquet.

``make_transactions(n_rows)`` draws canonical columns (``order_id``, ``customer_id``,
``order_date``, ``amount``, ``profit``): rows / 10 customers by default with skewed activity (a
few heavy buyers, many light ones), dates over three years, about 3% refunds. ``write`` stores a
table as CSV and Parquet with DuckDB (no pyarrow needed). ``--pipeline`` instead writes the
bundled sample generator's three inputs (transactions, survey, customers) at a larger size with a
run configuration, for ``python -m helpers.report --config`` (``--format parquet`` writes the
three inputs as Parquet and points ``config.yml`` at them; ``--format both`` writes both, with
``config.yml`` for the CSV files and ``config-parquet.yml`` for the Parquet files).
``--chunked`` writes only Parquet, a few million rows at a time (:func:`write_chunked`), so the
generator itself stays small whatever the size (100 million rows: about 0.5 GB peak).

Usage::

    PYTHONPATH=src python benchmarks/generate.py 10000000 --out /tmp/tx10m     # CSV + Parquet
    PYTHONPATH=src python benchmarks/generate.py 100000000 --chunked --out /tmp/tx100m
    PYTHONPATH=src python benchmarks/generate.py --pipeline 80000 --out /tmp/shop1m
    PYTHONPATH=src python benchmarks/generate.py --pipeline 80000 --format both --out /tmp/shop1m
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


def write_chunked(n_rows, out, n_customers=None, seed=0, chunk=5_000_000,
                  stem="transactions"):
    """Write ``n_rows`` synthetic transactions as one Parquet file, ``chunk`` rows at a time.

    The customers' activity weights are drawn once (``seed``); each chunk's rows are drawn from
    its own generator (``[seed, chunk number]``), so memory is bounded by one chunk whatever
    ``n_rows`` is. Same columns and distributions as :func:`make_transactions` (not the same
    draws). Returns the file's path.

    Examples
    --------
    >>> import tempfile, duckdb
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = write_chunked(2500, tmp, chunk=1000, seed=1)
    ...     duckdb.sql(f"SELECT count(*), count(DISTINCT order_id) FROM '{path}'").fetchall()
    [(2500, 2500)]
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    n_customers = n_customers or max(n_rows // 10, 1)
    weights = np.random.default_rng(seed).gamma(0.6, 1.0, n_customers)
    cdf = np.cumsum(weights)
    cdf /= cdf[-1]
    del weights
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{stem}.parquet"
    schema = pa.schema([("order_id", pa.int64()), ("customer_id", pa.int64()),
                        ("order_date", pa.date32()), ("amount", pa.float64()),
                        ("profit", pa.float64())])
    with pq.ParquetWriter(path, schema) as writer:
        for i, start in enumerate(range(0, n_rows, chunk)):
            n = min(chunk, n_rows - start)
            rng = np.random.default_rng([seed, i])
            cust = np.minimum(np.searchsorted(cdf, rng.random(n)), n_customers - 1)
            days = rng.integers(0, 3 * 365, n)
            amount = np.round(rng.gamma(2.0, 25.0, n), 2)
            refund = rng.random(n) < 0.03
            amount[refund] = -np.round(amount[refund] / 2, 2)
            writer.write_table(pa.table({
                "order_id": np.arange(start, start + n, dtype=np.int64),
                "customer_id": cust.astype(np.int64),
                "order_date": np.datetime64("2021-01-01", "D") + days.astype("timedelta64[D]"),
                "amount": amount,
                "profit": np.round(amount * 0.3, 2),
            }, schema=schema))
    return path


def write_pipeline(n_customers, out, seed=0, fmt="csv"):
    """The sample generator's inputs for ``n_customers`` plus a run config; return its path.

    ``fmt`` is ``"csv"``, ``"parquet"`` (``config.yml`` names the ``.parquet`` files) or
    ``"both"`` (``config.yml`` for the CSV files, ``config-parquet.yml`` for the Parquet files).
    Returns ``(config path(s), transaction rows)``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     configs, rows = write_pipeline(100, tmp, seed=1, fmt="both")
    ...     [c.name for c in configs], sorted(p.name for p in Path(tmp).glob("*.parquet"))
    (['config.yml', 'config-parquet.yml'], ['customers.parquet', 'survey.parquet', \
'transactions.parquet'])
    """
    from helpers import sample

    if fmt not in ("csv", "parquet", "both"):
        raise ValueError(f"fmt must be csv, parquet or both, not {fmt!r}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    data = sample.generate(seed=seed, n_customers=n_customers)
    names = ("transactions", "survey", "customers")
    exts = {"csv": ["csv"], "parquet": ["parquet"], "both": ["csv", "parquet"]}[fmt]
    for name in names:
        if "csv" in exts:
            data[name].to_csv(out / f"{name}.csv", index=False, float_format="%.2f")
        if "parquet" in exts:
            data[name].to_parquet(out / f"{name}.parquet", index=False)
    rows = len(data["transactions"])
    del data
    configs = []
    for ext in exts:
        config = out / ("config-parquet.yml" if fmt == "both" and ext == "parquet"
                        else "config.yml")
        config.write_text(
            f"name: Synthetic shop, {n_customers:,} customers\ncurrency: EUR\nengine: duckdb\n"
            "inputs:\n" + "".join(f"  {name}: {name}.{ext}\n" for name in names),
            encoding="utf-8")
        configs.append(config)
    return (configs if fmt == "both" else configs[0]), rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rows", type=int, nargs="?", default=1_000_000)
    ap.add_argument("--customers", type=int, default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True)
    ap.add_argument("--pipeline", type=int, metavar="N_CUSTOMERS",
                    help="write the sample generator's three inputs and a config instead")
    ap.add_argument("--format", choices=("csv", "parquet", "both"), default="csv",
                    help="--pipeline's file format (both: config.yml and config-parquet.yml)")
    ap.add_argument("--chunked", action="store_true",
                    help="write Parquet only, a few million rows at a time (any size)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    if args.pipeline:
        config, rows = write_pipeline(args.pipeline, args.out, args.seed, args.format)
        print(f"{rows:,} transaction rows, {args.pipeline:,} customers: {config} "
              f"({time.perf_counter() - t0:.1f} s)")
        return
    if args.chunked:
        path = write_chunked(args.rows, args.out, args.customers, args.seed)
        print(f"{args.rows:,} rows: {path} ({path.stat().st_size / 1e6:,.0f} MB) in "
              f"{time.perf_counter() - t0:.1f} s")
        return
    csv, parquet = write(make_transactions(args.rows, args.customers, args.seed), args.out)
    print(f"{args.rows:,} rows: {csv} ({csv.stat().st_size / 1e6:,.0f} MB), {parquet} "
          f"({parquet.stat().st_size / 1e6:,.0f} MB) in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
