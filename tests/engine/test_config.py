"""Run configuration of the engine: ``engine:`` (duckdb, pyspark) and a DuckDB table as the
transactions input; the table gives the same loaded data and summary as the CSV."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
import yaml

from helpers import engine
from helpers.config import load_config
from helpers.io import load_all
from helpers.io.quality import DataError
from helpers.lifecycle import rfm_summary
from helpers.paths import PROJ_ROOT

SAMPLE = PROJ_ROOT / "data" / "sample"


def _config(tmp_path, **over):
    cfg = yaml.safe_load((SAMPLE / "config.yml").read_text())
    cfg["inputs"] = {k: str(SAMPLE / v) for k, v in cfg["inputs"].items()}
    cfg.update(over)
    path = tmp_path / "config.yml"
    path.write_text(yaml.safe_dump(cfg))
    return path


@pytest.fixture
def restore_engine():
    before = engine.use("duckdb")
    yield
    engine.use(before)


def test_engine_key_is_checked_and_chosen(tmp_path, restore_engine):
    assert load_config(_config(tmp_path))["engine"] == "duckdb"
    cfg = load_config(_config(tmp_path, engine="pyspark"))
    assert cfg["engine"] == "pyspark" and engine.use("duckdb") == "pyspark"
    with pytest.raises(DataError, match="unknown engine 'polars'"):
        load_config(_config(tmp_path, engine="polars"))
    with pytest.raises(ValueError, match="engine='x' is unknown"):
        engine.use("x")


def test_duckdb_table_input_gives_the_same_data_as_the_csv(tmp_path, restore_engine):
    db = tmp_path / "shop.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE orders AS SELECT * FROM read_csv(?, all_varchar = true)",
                [str(SAMPLE / "transactions.csv")])
    con.close()
    inputs = {k: str(SAMPLE / f"{k}.csv") for k in ("survey", "customers")}
    inputs["transactions"] = {"database": "shop.duckdb", "table": "orders"}
    cfg = load_config(_config(tmp_path, inputs=inputs))
    assert cfg["inputs"]["transactions"] == (db, "orders")
    from_table = load_all(cfg).transactions
    from_csv = load_all(load_config(_config(tmp_path))).transactions
    pd.testing.assert_frame_equal(from_table.reset_index(drop=True),
                                  from_csv.reset_index(drop=True))
    pd.testing.assert_frame_equal(rfm_summary(from_table), rfm_summary(from_csv))


def test_bad_table_input(tmp_path, restore_engine):
    with pytest.raises(DataError, match="exactly the keys database and table"):
        load_config(_config(tmp_path, inputs={"transactions": {"database": "x.duckdb"}}))
    with pytest.raises(FileNotFoundError, match="inputs.transactions.database"):
        load_config(_config(tmp_path, inputs={"transactions": {"database": "none.duckdb",
                                                               "table": "orders"}}))
