"""Benchmark: issue 11's scale targets, measured side by side in one run.

Every measurement runs in a child process; the parent reads its wall time, its CPU time (user +
system of the child and of the processes it waited for, as ``/usr/bin/time`` does, from
:func:`os.wait4`), its peak RSS (the largest single process of the tree, ``ru_maxrss``) and the
peak of the whole process tree's summed RSS (sampled every 0.25 s with psutil: notebook kernels
and the Spark JVM included), plus the machine's load average before and after (the machine may be
shared: a loaded machine gives longer times).

Parts (``--parts``, default all):

``reports``
    ``python -m helpers.report --no-pdf`` (every notebook, a fresh output folder so no result is
    reused) on the bundled sample and on the sample generator's data at each ``--sizes`` (number
    of customers; about 11 transaction rows per customer: 100,000 customers = 1.1M rows,
    1,000,000 = 11M rows), written as CSV and as Parquet (``generate.py --pipeline N --format
    both``). Targets: sample under 30 s, 1M rows under 40 s, 10M rows under 3 min and 4 GB.
``summary``
    The per-customer summary on ``--summary-rows`` rows (``generate.py``: canonical columns,
    rows / 10 customer ids): the engine (``helpers.engine.customer_summary`` on the Parquet and
    the CSV file), a hand-written DuckDB query of the same columns, lifetimes'
    ``summary_data_from_transaction_data`` (run by ``--lifetimes-python``, a separate environment
    with lifetimes 0.11.3, on the same Parquet file) and the pandas groupby baseline. Targets:
    engine within 1.3x of the hand-written query, at least 7x faster than lifetimes.
``big``
    ``--big-rows`` (100 million) rows written as Parquet in chunks (``generate.py --chunked``)
    to ``--big-dir``, then the engine's summary of it: time and peak memory (target: under 4 GB),
    with DuckDB's memory limited to ``--big-memory-limit`` (2GB; the engine reads it from the
    environment variable ``HELPERS_DUCKDB_MEMORY_LIMIT``) so that it spills to disk; without a
    limit DuckDB takes up to 80% of the machine's memory for the 95 million customer-days.
    The file is deleted afterwards unless ``--keep``.
``spark``
    The summary on ``--spark-rows`` rows through pyspark local[2] and through DuckDB in one child
    process; the two tables are compared in full (every customer, every column).

Data sets are generated into ``--data`` and reused by later runs (delete the folder to
regenerate). ``--json`` saves every measurement.

Usage::

    PYTHONPATH=src python benchmarks/bench_scale.py                          # everything
    PYTHONPATH=src python benchmarks/bench_scale.py --parts reports --sizes sample 100000
    PYTHONPATH=src python benchmarks/bench_scale.py --parts summary --summary-rows 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SAMPLE_CONFIG = ROOT / "data" / "sample" / "config.yml"
PARTS = ("reports", "summary", "big", "spark")
END = "2023-12-01"  # generate.END, repeated so that the lifetimes child imports nothing of ours
TARGETS = {"sample": 30.0, 100_000: 40.0, 1_000_000: 180.0}  # reports' wall-time targets, s
MEMORY_TARGET_MB = 4096.0


# --- measuring a child process --------------------------------------------------------------

def _tree_rss(proc):
    """Summed RSS (MB) of ``proc`` and its descendants now (0 when it is gone)."""
    try:
        procs = [proc, *proc.children(recursive=True)]
    except Exception:  # noqa: BLE001 - psutil.NoSuchProcess: the process has ended
        return 0.0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except Exception:  # noqa: BLE001 - a child ended while sampled
            pass
    return total / 2**20


def run_measured(cmd, env=None, cwd=None, interval=0.25):
    """Run ``cmd`` as a child process and measure it.

    Returns a dict: ``wall`` (s), ``cpu`` (user + system s of the child and its waited-for
    descendants), ``peak`` (MB, the largest single process' maximum RSS), ``tree_peak`` (MB,
    the largest sampled sum of the tree's RSS), ``load`` (1-minute load average before and
    after), ``rc``, ``stdout`` and ``stderr``.

    Examples
    --------
    >>> r = run_measured([sys.executable, "-c", "print(sum(range(10)))"])
    >>> r["rc"], r["stdout"].strip(), r["wall"] >= 0, r["peak"] > 0
    (0, '45', True, True)
    """
    import psutil

    load0 = os.getloadavg()[0]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        popen = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=cwd)
        peak_tree = [0.0]
        done = threading.Event()

        def sample():
            try:
                proc = psutil.Process(popen.pid)
            except psutil.NoSuchProcess:
                return
            while not done.is_set():
                peak_tree[0] = max(peak_tree[0], _tree_rss(proc))
                done.wait(interval)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(popen.pid, 0)
        wall = time.perf_counter() - t0
        done.set()
        sampler.join()
        popen.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
            "peak": usage.ru_maxrss / 1024, "tree_peak": peak_tree[0],
            "load": (round(load0, 2), round(os.getloadavg()[0], 2)), "rc": popen.returncode,
            "stdout": stdout, "stderr": stderr}


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    return env


def _python(*args):
    return [sys.executable, *map(str, args)]


def _fmt_run(r):
    if r is None:
        return "-"
    if r["rc"]:
        return "failed"
    return (f"{r['wall']:.0f} s, cpu {r['cpu']:.0f} s, {r['tree_peak']:,.0f} MB "
            f"(load {r['load'][0]:.1f})")


def _json_line(r):
    """The last JSON line of a child's output (None when it failed)."""
    if r["rc"]:
        return None
    return json.loads(r["stdout"].strip().splitlines()[-1])


def _process(r):
    """A measurement's process numbers (the load average as ``load_avg``)."""
    return {"wall": r["wall"], "cpu": r["cpu"], "tree_peak": r["tree_peak"],
            "load_avg": r["load"]}


def _merge(child, r):
    """A child's own JSON numbers (its ``cpu`` renamed ``summary_cpu``) and its process numbers."""
    child = dict(child)
    child["summary_cpu"] = child.pop("cpu", float("nan"))
    return {**child, **_process(r)}


def _failed(label, r):
    print(f"{label}: failed (exit {r['rc']})\n{r['stderr'][-3000:]}", flush=True)


# --- data ----------------------------------------------------------------------------------

def _pipeline_data(n_customers, data):
    """The sample generator's data for ``n_customers`` as CSV and Parquet (made once); configs."""
    folder = Path(data) / f"pipeline-{n_customers}"
    configs = {"csv": folder / "config.yml", "parquet": folder / "config-parquet.yml"}
    if not all(c.exists() for c in configs.values()):
        r = run_measured(_python(HERE / "generate.py", "--pipeline", n_customers,
                                 "--format", "both", "--out", folder), env=_env())
        if r["rc"]:
            _failed(f"generating {n_customers:,} customers", r)
            raise SystemExit(1)
        print(f"generated: {r['stdout'].strip()} (peak {r['peak']:,.0f} MB)", flush=True)
    return configs


def _transaction_data(rows, data):
    """``generate.py``'s canonical transactions of ``rows`` rows as CSV and Parquet (made once)."""
    folder = Path(data) / f"tx-{rows}"
    csv, parquet = folder / "transactions.csv", folder / "transactions.parquet"
    if not (csv.exists() and parquet.exists()):
        r = run_measured(_python(HERE / "generate.py", rows, "--out", folder), env=_env())
        if r["rc"]:
            _failed(f"generating {rows:,} rows", r)
            raise SystemExit(1)
        print(f"generated: {r['stdout'].strip()}", flush=True)
    return csv, parquet


def _rows(config):
    """Transaction rows of a pipeline config's transactions file (DuckDB count)."""
    import duckdb

    cfg = Path(config)
    name = "transactions.parquet" if "parquet" in cfg.name else "transactions.csv"
    path = cfg.parent / name
    reader = "read_parquet" if path.suffix == ".parquet" else "read_csv_auto"
    with duckdb.connect() as con:
        return con.execute(f"SELECT count(*) FROM {reader}(?)", [str(path)]).fetchall()[0][0]


# --- parts ---------------------------------------------------------------------------------

def _part_reports(sizes, formats, data, results):
    """``python -m helpers.report --no-pdf`` on each size and format, fresh output folders."""
    print("\n== (a) python -m helpers.report --no-pdf, every notebook, nothing reused", flush=True)
    rows_out = []
    for size in sizes:
        if size == "sample":
            cases = {"csv": SAMPLE_CONFIG}
        else:
            configs = _pipeline_data(int(size), data)
            cases = {fmt: configs[fmt] for fmt in formats}
        line = {"size": size, "rows": _rows(cases.get("csv") or cases["parquet"])}
        for fmt, config in cases.items():
            with tempfile.TemporaryDirectory(prefix="bench-report-", dir=data) as out:
                r = run_measured(_python("-m", "helpers.report", "--config", config, "--out", out,
                                         "--no-pdf"), env=_env(), cwd=ROOT)
            if r["rc"]:
                _failed(f"report on {size} ({fmt})", r)
            print(f"{size} ({line['rows']:,} rows), {fmt}: {_fmt_run(r)}", flush=True)
            line[fmt] = {k: v for k, v in r.items() if k not in ("stdout", "stderr")}
        rows_out.append(line)
    results["reports"] = rows_out
    print(f"\n{'data':>38s}  {'CSV: wall, cpu, peak tree RSS (load)':>44s}  "
          f"{'Parquet: wall, cpu, peak tree RSS (load)':>44s}  target")
    for line in rows_out:
        size = line["size"]
        key = size if size == "sample" else int(size)
        target = TARGETS.get(key)
        label = "sample" if size == "sample" else f"{int(size):,} customers"
        walls = [line[f]["wall"] for f in ("csv", "parquet") if f in line and not line[f]["rc"]]
        peaks = [line[f]["tree_peak"] for f in ("csv", "parquet")
                 if f in line and not line[f]["rc"]]
        verdict = "-"
        if target and walls:
            met = max(walls) < target and (key != 1_000_000 or max(peaks) < MEMORY_TARGET_MB)
            verdict = f"< {target:.0f} s" + (", 4 GB" if key == 1_000_000 else "") + \
                (": met" if met else ": NOT met")
        print(f"{label + ', ' + format(line['rows'], ',') + ' rows':>38s}  "
              f"{_fmt_run(line.get('csv')):>44s}  {_fmt_run(line.get('parquet')):>44s}  {verdict}")


SUMMARY_STEPS = (("parquet", "engine, Parquet file"), ("csv", "engine, CSV file"),
                 ("hand", "hand-written DuckDB SQL, Parquet"),
                 ("pandas", "pandas groupby (load apart)"))


def _lifetimes_child(parquet):
    """lifetimes' summary of the Parquet file (run by the lifetimes environment's Python)."""
    import resource

    import pandas as pd
    from lifetimes.utils import summary_data_from_transaction_data

    t0 = time.perf_counter()
    tx = pd.read_parquet(parquet, columns=["customer_id", "order_date", "amount"])
    tx["order_date"] = pd.to_datetime(tx["order_date"])
    load = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), time.process_time()
    out = summary_data_from_transaction_data(tx, "customer_id", "order_date",
                                             monetary_value_col="amount",
                                             observation_period_end=END, freq="D")
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({"load": load, "time": elapsed, "cpu": cpu, "customers": len(out),
                      "frequency": int(out["frequency"].sum()),
                      "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def _part_summary(rows, data, lifetimes_python, results):
    """The per-customer summary: engine vs hand-written SQL vs lifetimes / pandas groupby."""
    print(f"\n== (b) per-customer summary, {rows:,} rows, {rows // 10:,} customer ids, "
          f"observation end {END}", flush=True)
    csv, parquet = _transaction_data(rows, data)
    out = {}
    for step, label in SUMMARY_STEPS:
        r = run_measured(_python(HERE / "bench_engine.py", "--child", step, csv, parquet),
                         env=_env())
        if r["rc"]:
            _failed(label, r)
            continue
        out[label] = _merge(_json_line(r), r)
    if lifetimes_python and Path(lifetimes_python).exists():
        r = run_measured([str(lifetimes_python), str(Path(__file__).resolve()),
                          "--lifetimes-child", str(parquet)])
        if r["rc"]:
            _failed("lifetimes", r)
        else:
            out["lifetimes 0.11.3 (load apart)"] = _merge(_json_line(r), r)
    else:
        print(f"no lifetimes environment at {lifetimes_python}: the pandas groupby baseline "
              "stands in for it")
    results["summary"] = {"rows": rows, "steps": out}
    ref = out.get("engine, Parquet file")
    print("summary = the summary call alone (wall, then its CPU seconds); process = the whole "
          "child (start, imports, file load)")
    print(f"{'':36s}{'load':>8s}{'summary':>10s}{'cpu':>8s}{'process':>10s}{'cpu':>8s}"
          f"{'peak RSS':>11s}{'customers':>11s}{'load avg':>9s}  totals")
    for label, r in out.items():
        same = "lifetimes' definitions" if label.startswith("lifetimes") else (
            "= engine" if ref and r["customers"] == ref["customers"] and
            r["frequency"] == ref["frequency"] and all(
                abs(r[k] - ref[k]) <= 1e-6 * abs(ref[k]) for k in ("T", "monetary", "revenue"))
            else "DIFFER")
        load = f"{r['load']:.1f} s" if r.get("load") else "-"
        print(f"{label:36s}{load:>8s}{r['time']:>8.2f} s{r.get('summary_cpu', 0):>6.1f} s"
              f"{r['wall']:>8.1f} s{r['cpu']:>6.1f} s"
              f"{r['tree_peak']:>8,.0f} MB{r['customers']:>11,}{r['load_avg'][0]:>9.1f}  {same}")
    hand = out.get("hand-written DuckDB SQL, Parquet")
    base = out.get("lifetimes 0.11.3 (load apart)") or out.get("pandas groupby (load apart)")
    if ref and hand:
        ratio = ref["time"] / hand["time"]
        cpu_ratio = ref["summary_cpu"] / hand["summary_cpu"]
        results["summary"]["engine_over_hand"] = ratio
        results["summary"]["engine_over_hand_cpu"] = cpu_ratio
        print(f"engine / hand-written SQL: {ratio:.2f}x wall, {cpu_ratio:.2f}x cpu (target at "
              f"most 1.3x: {'met' if ratio <= 1.3 else 'NOT met'})")
    if ref and base:
        name = "lifetimes" if "lifetimes" in next(k for k, v in out.items() if v is base) \
            else "pandas groupby"
        ratio = base["time"] / ref["time"]
        cpu_ratio = base["summary_cpu"] / ref["summary_cpu"]
        with_load = (base["time"] + base["load"]) / ref["time"]
        results["summary"]["baseline_over_engine"] = ratio
        results["summary"]["baseline_over_engine_cpu"] = cpu_ratio
        results["summary"]["baseline_with_load_over_engine"] = with_load
        print(f"{name} / engine: {ratio:.1f}x wall on the summary alone ({cpu_ratio:.1f}x cpu), "
              f"{with_load:.1f}x with {name}'s file load (target at least 7x: "
              f"{'met' if ratio >= 7 else 'NOT met'})")


def _big_child(parquet):
    """The engine's summary of a Parquet file; prints time, customers and totals as JSON."""
    import resource
    import warnings

    from helpers.engine import customer_summary

    t0, c0 = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # refund-only customers
        out = customer_summary(parquet, observation_end=END)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({"time": elapsed, "cpu": cpu, "customers": len(out),
                      "frequency": int(out["frequency"].sum()),
                      "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def _part_big(rows, folder, keep, results, memory_limit="2GB"):
    """Write ``rows`` rows of Parquet in chunks, then summarise them with the engine."""
    print(f"\n== (c) {rows:,} rows of Parquet: the engine's per-customer summary (DuckDB memory "
          f"limit {memory_limit or 'DuckDB default'}, spilling to disk past it)", flush=True)
    folder = Path(folder)
    parquet = folder / "transactions.parquet"
    try:
        if not parquet.exists():
            r = run_measured(_python(HERE / "generate.py", rows, "--chunked", "--out", folder),
                             env=_env())
            if r["rc"]:
                _failed("chunked generator", r)
                return
            print(f"generated: {r['stdout'].strip()}; generator peak {r['peak']:,.0f} MB, "
                  f"{r['wall']:.0f} s", flush=True)
        env = _env()
        if memory_limit:
            env["HELPERS_DUCKDB_MEMORY_LIMIT"] = memory_limit  # helpers.engine.MEMORY_ENV_VAR
        r = run_measured(_python(Path(__file__).resolve(), "--big-child", parquet), env=env)
        if r["rc"]:
            _failed("summary", r)
            results["big"] = {"rows": rows, "rc": r["rc"], "stderr": r["stderr"][-3000:]}
            return
        res = _json_line(r)
        results["big"] = {"rows": rows, **res,
                          **_process(r)}
        verdict = "met" if r["tree_peak"] < MEMORY_TARGET_MB else "NOT met"
        print(f"{rows:,} rows, {res['customers']:,} customers: summary {res['time']:.1f} s "
              f"({res['cpu']:.1f} s cpu; process {r['wall']:.1f} s wall, {r['cpu']:.1f} s cpu), peak RSS "
              f"{r['tree_peak']:,.0f} MB (load {r['load'][0]:.1f}; target under 4 GB: {verdict})")
    finally:
        if not keep and folder.exists():
            shutil.rmtree(folder)


def _spark_child(parquet):
    """DuckDB's and Spark's summary of one file, timed and compared in full; prints JSON."""
    import warnings

    import numpy as np
    import pandas as pd

    from helpers.engine import customer_summary
    from helpers.engine.spark import spark_customer_summary, spark_session

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # refund-only customers
        t0 = time.perf_counter()
        duck = customer_summary(parquet, observation_end=END)
        t_duck = time.perf_counter() - t0
        t0 = time.perf_counter()
        spark = spark_session("local[2]")
        t_start = time.perf_counter() - t0
        t0 = time.perf_counter()
        spk = spark_customer_summary(parquet, observation_end=END, spark=spark)
        t_spark = time.perf_counter() - t0
        spark.stop()
    a = duck.sort_index().reset_index()
    b = spk.sort_index().reset_index()
    equal = list(a.columns) == list(b.columns) and len(a) == len(b)
    worst = 0.0
    if equal:
        for col in a.columns:
            x, y = a[col], b[col]
            if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y):
                x, y = x.to_numpy(float), y.to_numpy(float)
                same = np.array_equal(np.isnan(x), np.isnan(y))
                diff = np.nanmax(np.abs(x - y)) if len(x) else 0.0
                worst = max(worst, float(diff))
                equal &= bool(same) and diff <= 1e-9 * max(1.0, float(np.nanmax(np.abs(x))))
            else:
                equal &= bool((x.astype(str).to_numpy() == y.astype(str).to_numpy()).all())
    print(json.dumps({"duckdb": t_duck, "spark_start": t_start, "spark": t_spark,
                      "customers": len(duck), "columns": list(a.columns), "equal": bool(equal),
                      "max_abs_diff": worst}))


def _part_spark(rows, data, results):
    """The summary through pyspark local[2] and DuckDB on the same Parquet file, compared."""
    import importlib.util

    print(f"\n== (d) Spark local[2] vs DuckDB, per-customer summary of {rows:,} rows", flush=True)
    if importlib.util.find_spec("pyspark") is None:
        print("pyspark is not installed (make test-spark installs it): no Spark measurement")
        return
    _, parquet = _transaction_data(rows, data)
    r = run_measured(_python(Path(__file__).resolve(), "--spark-child", parquet), env=_env())
    if r["rc"]:
        _failed("spark", r)
        return
    res = _json_line(r)
    results["spark"] = {"rows": rows, **res,
                        **_process(r)}
    print(f"DuckDB {res['duckdb']:.2f} s; Spark {res['spark']:.1f} s (+ session start "
          f"{res['spark_start']:.1f} s); {res['customers']:,} customers x "
          f"{len(res['columns'])} columns {'EQUAL' if res['equal'] else 'DIFFER'} (largest "
          f"difference {res['max_abs_diff']:.3g}); process {r['wall']:.0f} s wall, "
          f"{r['cpu']:.0f} s cpu, peak {r['tree_peak']:,.0f} MB with the JVM "
          f"(load {r['load'][0]:.1f})")


def parse_args(argv=None):
    """The command line (see the module docstring).

    Examples
    --------
    >>> a = parse_args(["--parts", "reports", "--sizes", "sample", "100000"])
    >>> a.parts, a.sizes
    (['reports'], ['sample', '100000'])
    """
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--parts", nargs="+", choices=PARTS, default=list(PARTS))
    ap.add_argument("--sizes", nargs="+", default=["sample", "100000", "1000000"],
                    help="reports: 'sample' and/or numbers of customers (about 11 rows each)")
    ap.add_argument("--formats", nargs="+", choices=("csv", "parquet"),
                    default=["csv", "parquet"])
    ap.add_argument("--summary-rows", type=int, default=10_000_000)
    ap.add_argument("--big-rows", type=int, default=100_000_000)
    ap.add_argument("--spark-rows", type=int, default=1_000_000)
    ap.add_argument("--data", default=str(Path(tempfile.gettempdir()) / "bench-scale"),
                    help="folder of the generated data sets (reused between runs)")
    ap.add_argument("--big-dir", default=str(Path(tempfile.gettempdir()) / "bench-100m"))
    ap.add_argument("--keep", action="store_true", help="keep the big Parquet file")
    ap.add_argument("--big-memory-limit", default="2GB",
                    help="DuckDB memory limit of the big summary (HELPERS_DUCKDB_MEMORY_LIMIT; "
                         "'' for DuckDB's default, 80%% of the machine's memory)")
    ap.add_argument("--lifetimes-python", default="/tmp/bench-lt/bin/python",
                    help="Python of an environment with lifetimes 0.11.3 (else pandas groupby)")
    ap.add_argument("--json", help="also write every measurement to this file")
    ap.add_argument("--lifetimes-child", help=argparse.SUPPRESS)
    ap.add_argument("--big-child", help=argparse.SUPPRESS)
    ap.add_argument("--spark-child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    for size in args.sizes:
        if size != "sample" and not size.isdigit():
            ap.error(f"--sizes takes 'sample' or numbers of customers, not {size!r}")
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.lifetimes_child:
        return _lifetimes_child(args.lifetimes_child)
    if args.big_child:
        return _big_child(args.big_child)
    if args.spark_child:
        return _spark_child(args.spark_child)
    Path(args.data).mkdir(parents=True, exist_ok=True)
    results = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               "cores": os.cpu_count()}
    print(f"{results['date']}, {results['cores']} cores, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    try:
        if "reports" in args.parts:
            _part_reports(args.sizes, args.formats, args.data, results)
        if "summary" in args.parts:
            _part_summary(args.summary_rows, args.data, args.lifetimes_python, results)
        if "big" in args.parts:
            _part_big(args.big_rows, args.big_dir, args.keep, results, args.big_memory_limit)
        if "spark" in args.parts:
            _part_spark(args.spark_rows, args.data, results)
    finally:
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=1, default=str),
                                       encoding="utf-8")


if __name__ == "__main__":
    main()
