"""Smoke tests of the scale benchmark's command line and helpers (no timings are checked)."""

import importlib.util
import sys
from pathlib import Path

import duckdb
import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"


def _module(name):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(BENCH))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCH))
    return module


@pytest.fixture(scope="module")
def scale():
    return _module("bench_scale")


def test_parse_args_defaults_and_choices(scale):
    args = scale.parse_args([])
    assert args.parts == ["reports", "summary", "big", "spark"]
    assert args.sizes == ["sample", "100000", "1000000"]
    assert (args.summary_rows, args.big_rows, args.spark_rows) == (10**7, 10**8, 10**6)
    assert scale.parse_args(["--parts", "big", "--big-rows", "5000"]).big_rows == 5000


def test_parse_args_rejects_bad_sizes_and_parts(scale, capsys):
    with pytest.raises(SystemExit):
        scale.parse_args(["--sizes", "1e6"])
    assert "--sizes takes 'sample' or numbers of customers, not '1e6'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        scale.parse_args(["--parts", "everything"])
    assert "invalid choice: 'everything'" in capsys.readouterr().err


def test_run_measured_reports_exit_code_output_and_usage(scale):
    r = scale.run_measured([sys.executable, "-c",
                            "import sys; x = bytearray(200 * 2**20); print(len(x)); sys.exit(3)"])
    assert r["rc"] == 3
    assert r["stdout"].strip() == str(200 * 2**20)
    assert r["peak"] >= 200  # MB: the child touched a 200 MB buffer
    assert r["cpu"] >= 0 and r["wall"] > 0


def test_write_chunked_rows_ids_and_columns(tmp_path):
    generate = _module("generate")
    path = generate.write_chunked(25_000, tmp_path, n_customers=500, seed=3, chunk=10_000)
    rows, orders, lo, hi, first, last = duckdb.sql(
        f"SELECT count(*), count(DISTINCT order_id), min(customer_id), max(customer_id), "
        f"min(order_date), max(order_date) FROM read_parquet('{path}')").fetchall()[0]
    assert (rows, orders) == (25_000, 25_000)
    assert 0 <= lo and hi <= 499
    assert str(first) >= "2021-01-01" and str(last) <= "2023-12-31"
