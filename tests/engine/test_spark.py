"""The engine's SQL on Spark (pyspark local[2]) equals DuckDB's result on the sample and on CDNOW.

Marked ``spark``: ``make test-spark`` installs the extra and runs them; without pyspark they are
skipped.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.engine import cohort_counts, customer_summary

from .test_summary import CDNOW_MASTER, _read_cdnow, _write

pytest.importorskip("pyspark", reason="pyspark is not installed (make test-spark installs it)")

from helpers.engine.spark import (  # noqa: E402
    spark_cohort_counts,
    spark_customer_summary,
    spark_session,
)

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark():
    session = spark_session("local[2]")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def master():
    return _read_cdnow(CDNOW_MASTER)


def _cases(sample, master):
    return [("sample", sample.transactions, None), ("sample", sample.transactions, "2023-06-30"),
            ("cdnow", master, "1997-09-30"), ("cdnow", master, None)]


@pytest.mark.parametrize("freq", ["D", "W"])
def test_summary_on_spark_equals_duckdb(spark, sample, master, freq):
    for _, tx, end in _cases(sample, master):
        want = customer_summary(tx, observation_end=end, freq=freq)
        got = spark_customer_summary(tx, observation_end=end, freq=freq, spark=spark)
        pd.testing.assert_frame_equal(got, want, rtol=1e-9)


def test_summary_on_spark_from_parquet(spark, master, tmp_path):
    path = _write(master, tmp_path / "cdnow.parquet")
    want = customer_summary(path, observation_end="1997-09-30")
    got = spark_customer_summary(path, observation_end="1997-09-30", spark=spark)
    pd.testing.assert_frame_equal(got, want, rtol=1e-9)
    assert len(got) == 23570


@pytest.mark.parametrize("freq", ["W", "M", "Q"])
def test_cohort_counts_on_spark_equal_duckdb(spark, sample, master, freq):
    for _, tx, end in _cases(sample, master):
        want = cohort_counts(tx, freq, end)
        got = spark_cohort_counts(tx, freq, end, spark=spark)
        for g, w in zip(got[:3], want[:3]):
            np.testing.assert_array_equal(g, w)
        assert got[3] == want[3]


def test_engine_pyspark_runs_rfm_summary_on_spark(spark, sample):
    from helpers import engine
    from helpers.lifecycle import rfm_summary

    tx = sample.transactions
    want = rfm_summary(tx, observation_end="2023-06-30")
    before = engine.use("pyspark")
    try:
        got = rfm_summary(tx, observation_end="2023-06-30")
    finally:
        engine.use(before)
    pd.testing.assert_frame_equal(got, want, rtol=1e-9)


def test_stage_snapshots_on_spark_equal_duckdb(spark, sample, master):
    from helpers.engine.spark import spark_stage_snapshots
    from helpers.engine.stages import stage_snapshots

    for tx, dates, lapse in ((sample.transactions, ["2022-06-30", "2023-06-30"], 120),
                             (master, ["1997-06-30", "1998-06-30"], 90)):
        want = stage_snapshots(tx, dates, lapse)
        got = spark_stage_snapshots(tx, dates, lapse, spark=spark)
        assert got[0].tolist() == want[0].tolist()
        np.testing.assert_array_equal(got[1], want[1])
        for g, w in zip(got[2], want[2]):
            for k in w:
                np.testing.assert_array_equal(g[k], w[k])


def test_order_facts_on_spark_equal_duckdb(spark, sample, master):
    from helpers.engine.orders import order_facts
    from helpers.engine.spark import spark_order_facts

    for tx in (sample.transactions, master):
        want = order_facts(tx)
        got = spark_order_facts(tx, spark=spark)
        pd.testing.assert_frame_equal(got, want, rtol=1e-9)


def test_monthly_activity_on_spark_equals_duckdb(spark, sample, master):
    from helpers.engine.monthly import monthly_activity
    from helpers.engine.spark import spark_monthly_activity

    for tx in (sample.transactions, master):
        pd.testing.assert_frame_equal(spark_monthly_activity(tx, spark=spark), monthly_activity(tx),
                                      rtol=1e-9)


def test_every_engine_query_runs_on_spark_when_the_engine_is_pyspark(spark, sample, monkeypatch):
    """engine.use("pyspark") routes each query to its Spark twin (one dispatch for all), with
    DuckDB's results."""
    from helpers import engine
    from helpers.engine import spark as spark_module
    from helpers.engine.monthly import monthly_activity
    from helpers.engine.orders import order_facts

    tx = sample.transactions
    want = (order_facts(tx), monthly_activity(tx), cohort_counts(tx, "M"))
    called = []
    for name in ("spark_order_facts", "spark_monthly_activity", "spark_cohort_counts"):
        real = getattr(spark_module, name)
        monkeypatch.setattr(spark_module, name,
                            lambda *a, _real=real, _name=name, **k: called.append(_name) or _real(
                                *a, spark=spark, **k))
    before = engine.use("pyspark")
    try:
        got = (order_facts(tx), monthly_activity(tx), cohort_counts(tx, "M"))
    finally:
        engine.use(before)
    assert called == ["spark_order_facts", "spark_monthly_activity", "spark_cohort_counts"]
    pd.testing.assert_frame_equal(got[0], want[0], rtol=1e-9)
    pd.testing.assert_frame_equal(got[1], want[1], rtol=1e-9)
    for g, w in zip(got[2], want[2]):
        np.testing.assert_array_equal(g, w)
