"""The engine's SQL through Ibis (SQLite file databases) equals DuckDB's result on the sample and on
CDNOW; the transpiled text and the config's database inputs.

Marked ``warehouse``: ``make test-warehouse`` installs the extra and runs them; without ibis they
are skipped. Ibis 12.0's own DuckDB backend is not run: it calls ``fetch_arrow_table``, which DuckDB
2.0 (pinned in requirements.lock) no longer has; the DuckDB dialect of :func:`transpile` is checked on
DuckDB directly instead.
"""

from __future__ import annotations

import sqlite3

import duckdb
import numpy as np
import pandas as pd
import pytest

from helpers.engine import (
    cohort_counts,
    connect,
    customer_summary,
    monthly_activity,
    order_facts,
    stage_snapshots,
    summary_sql,
)
from helpers.paths import SAMPLE_DIR

from .test_summary import CDNOW_MASTER, _read_cdnow

pytest.importorskip("ibis", reason="ibis is not installed (make test-warehouse installs it)")

from helpers.engine import warehouse as wh  # noqa: E402

pytestmark = [pytest.mark.warehouse,  # ibis 12.0 asks pandas 3.1 for a deprecated option
              pytest.mark.filterwarnings("ignore:.*infer_string.*:DeprecationWarning")]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    """An Ibis SQLite backend on a file database (the engine uploads temporary tables to it)."""
    import ibis

    backend = ibis.sqlite.connect(str(tmp_path_factory.mktemp("wh") / "engine.db"))
    yield backend
    backend.disconnect()


@pytest.fixture(scope="module")
def master():
    return _read_cdnow(CDNOW_MASTER)


def _cases(sample, master):
    return [(sample.transactions, None), (sample.transactions, "2023-06-30"),
            (master, "1997-09-30"), (master, None)]


@pytest.mark.parametrize("freq", ["D", "W"])
def test_summary_on_sqlite_equals_duckdb(con, sample, master, freq):
    for tx, end in _cases(sample, master):
        want = customer_summary(tx, observation_end=end, freq=freq)
        got = wh.warehouse_customer_summary(tx, observation_end=end, freq=freq, con=con)
        pd.testing.assert_frame_equal(got, want, rtol=1e-9)


def test_summary_profit_nan_stays_nan_on_sqlite(con):
    # SQLite reads CAST('NaN' AS REAL) as 0.0: the engine writes NULL, which pandas reads as NaN
    tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [5.0, 3.0, 2.0],
                       "order_date": pd.to_datetime(["2024-01-01", "2024-01-09", "2024-01-02"]),
                       "profit": [1.0, None, 0.5]})
    got = wh.warehouse_customer_summary(tx, con=con)
    pd.testing.assert_frame_equal(got, customer_summary(tx))
    assert np.isnan(got.loc["a", "profit"]) and got.loc["b", "profit"] == 0.5


@pytest.mark.parametrize("freq", ["W", "M", "Q"])
def test_cohort_counts_on_sqlite_equal_duckdb(con, sample, master, freq):
    for tx, end in _cases(sample, master):
        want = cohort_counts(tx, freq, end)
        got = wh.warehouse_cohort_counts(tx, freq, end, con=con)
        for g, w in zip(got[:3], want[:3]):
            np.testing.assert_array_equal(g, w)
        assert got[3] == want[3]


def test_stage_snapshots_on_sqlite_equal_duckdb(con, sample, master):
    for tx, dates, lapse in ((sample.transactions, ["2022-06-30", "2023-06-30"], 120),
                             (master, ["1997-06-30", "1998-06-30"], 90)):
        want = stage_snapshots(tx, dates, lapse)
        got = wh.warehouse_stage_snapshots(tx, dates, lapse, con=con)
        assert got[0].tolist() == want[0].tolist()
        np.testing.assert_array_equal(got[1], want[1])
        for g, w in zip(got[2], want[2]):
            for k in w:
                np.testing.assert_array_equal(g[k], w[k])


def test_order_facts_and_monthly_activity_on_sqlite_equal_duckdb(con, sample, master):
    for tx in (sample.transactions, master):
        pd.testing.assert_frame_equal(wh.warehouse_order_facts(tx, con=con), order_facts(tx),
                                      rtol=1e-9)
        pd.testing.assert_frame_equal(wh.warehouse_monthly_activity(tx, con=con),
                                      monthly_activity(tx), rtol=1e-9)


def test_temporary_tables_are_dropped(con, sample):
    wh.warehouse_monthly_activity(sample.transactions, con=con)
    assert not [t for t in con.list_tables(database="temp") if t.startswith("helpers_tx_")]


@pytest.mark.parametrize("dialect", ["duckdb", "postgres"])
def test_transpiled_summary_run_by_duckdb_equals_duckdb(master, dialect):
    # DuckDB reads the Postgres text too: a check of the min_by rewrite's meaning (not of Postgres)
    tx = master.assign(order_id=master.index.astype(str), profit=master["amount"] * 0.3)
    want = customer_summary(tx, observation_end="1997-09-30", freq="W")
    sql = summary_sql(pd.Timestamp("1997-09-30").toordinal() - 719163, "W", True, True)
    text = wh.transpile(sql, dialect, "t")
    assert ("MIN_BY(" in text.upper() or "ARG_MIN(" in text.upper()) == (dialect == "duckdb")
    con = connect(tx)
    try:
        con.execute("CREATE TABLE t AS SELECT * FROM tx_input")
        out = con.execute(text).df()
    finally:
        con.close()
    from helpers.engine import finish

    pd.testing.assert_frame_equal(finish(out, "1997-09-30"), want, check_index_type=False,
                                  rtol=1e-9)


def test_transpile_names_the_query_it_cannot_write():
    # sqlglot 30.17 has no SQLite form of a difference in days
    with pytest.raises(wh.WarehouseQueryError, match="cohort query cannot be written in the "
                       "sqlite dialect: DATEDIFF unsupported"):
        wh.transpile("SELECT date_diff('day', d, e) FROM tx_input", "sqlite", "t", "cohort")


def test_a_query_the_backend_refuses_is_named(con, monkeypatch):
    from helpers.engine import monthly

    monkeypatch.setattr(monthly, "_MONTHLY_SQL", "SELECT no_such_function(amount) FROM tx_input")
    tx = pd.DataFrame({"customer_id": ["a"], "amount": [1.0],
                       "order_date": pd.to_datetime(["2024-01-01"])})
    with pytest.raises(wh.WarehouseQueryError, match="sqlite could not run the engine's monthly "
                       "activity query"):
        wh.warehouse_monthly_activity(tx, con=con)


def test_expand_env_names_a_missing_variable(monkeypatch):
    monkeypatch.delenv("CRM_TEST_NO_SUCH_VAR", raising=False)
    with pytest.raises(ValueError, match="CRM_TEST_NO_SUCH_VAR"):
        wh.expand_env("postgres://me:${CRM_TEST_NO_SUCH_VAR}@db/shop")


@pytest.fixture
def sqlite_shop(tmp_path):
    """The sample's transactions CSV as a text table of a SQLite file database."""
    raw = pd.read_csv(SAMPLE_DIR / "transactions.csv", dtype=str, keep_default_na=False)
    db = tmp_path / "shop.db"
    with sqlite3.connect(db) as c:
        raw.to_sql("orders", c, index=False)
    return db


def _config(tmp_path, db, engine, extra=""):
    path = tmp_path / "config.yml"
    path.write_text(
        f"engine: {engine}\n"
        "inputs:\n"
        f"  transactions: {{connection: \"sqlite:///${{CRM_TEST_DB}}\", table: orders{extra}}}\n"
        f"  survey: {SAMPLE_DIR / 'survey.csv'}\n", encoding="utf-8")
    return path


def test_config_database_input_and_engine_ibis_give_the_sample_results(
        tmp_path, sqlite_shop, sample, monkeypatch):
    from helpers import engine
    from helpers.io import load_all
    from helpers.lifecycle import rfm_summary

    monkeypatch.setenv("CRM_TEST_DB", str(sqlite_shop))
    before = engine.use("duckdb")
    conn_before = wh.use_connection(None)
    try:
        data = load_all(_config(tmp_path, sqlite_shop, "ibis"))
        # the same rows (numbered from 1 in a table, by line in the CSV)
        pd.testing.assert_frame_equal(data.transactions.reset_index(drop=True),
                                      sample.transactions.reset_index(drop=True))
        got = rfm_summary(data.transactions, observation_end="2023-06-30")  # run on SQLite
        assert wh._STATE["connection"] == "sqlite:///${CRM_TEST_DB}"  # the URL as written
    finally:
        engine.use(before)
        wh.use_connection(conn_before)
    pd.testing.assert_frame_equal(got, rfm_summary(sample.transactions, observation_end="2023-06-30"),
                                  rtol=1e-9)


def test_config_select_reads_only_the_listed_columns(tmp_path, sqlite_shop, monkeypatch):
    from helpers import engine
    from helpers.io import load_all

    monkeypatch.setenv("CRM_TEST_DB", str(sqlite_shop))
    before = engine.use("duckdb")
    try:
        data = load_all(_config(tmp_path, sqlite_shop, "duckdb",
                                ", select: [customer_id, order_date, amount]"))
    finally:
        engine.use(before)
    assert list(data.transactions.columns) == ["customer_id", "order_date", "amount", "profit"]


def test_config_names_an_unset_variable_and_a_missing_connection(tmp_path, sqlite_shop,
                                                                  monkeypatch):
    from helpers import engine
    from helpers.config import ConfigError, load_config

    monkeypatch.delenv("CRM_TEST_DB", raising=False)
    before = engine.use("duckdb")
    try:
        with pytest.raises(ConfigError, match="CRM_TEST_DB"):
            load_config(_config(tmp_path, sqlite_shop, "duckdb"))
        path = tmp_path / "csv.yml"
        path.write_text(f"engine: ibis\ninputs: {{transactions: {SAMPLE_DIR / 'transactions.csv'}}}\n",
                        encoding="utf-8")
        with pytest.raises(ConfigError, match="engine: ibis runs the queries on the database"):
            load_config(path)
        path.write_text("inputs: {transactions: {connection: 'sqlite://', tabel: x}}\n",
                        encoding="utf-8")
        with pytest.raises(ConfigError, match="needs the keys connection"):
            load_config(path)
    finally:
        engine.use(before)


def test_duckdb_text_cells_match_the_warehouse_reader(tmp_path, sqlite_shop):
    # the same table read through Ibis (SQLite) and by DuckDB's reader gives the same text cells
    from helpers.engine import read_table

    got = read_table(wh.WarehouseTable(f"sqlite:///{sqlite_shop}", "orders"))
    db = tmp_path / "shop.duckdb"
    with duckdb.connect(str(db)) as c:
        c.execute(f"CREATE TABLE orders AS SELECT * FROM read_csv('{SAMPLE_DIR / 'transactions.csv'}',"
                  " all_varchar = true)")
    pd.testing.assert_frame_equal(got, read_table((db, "orders")))
