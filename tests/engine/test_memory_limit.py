"""helpers.engine's DuckDB memory limit (HELPERS_DUCKDB_MEMORY_LIMIT): applied to the engine's
connections, and a summary computed under a small limit equals the unlimited one."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pandas.testing as pdt

from helpers.engine import connect, customer_summary
from helpers.engine.summary import MEMORY_ENV_VAR

from .reference import reference_rfm_summary


def _tx(n=20_000, seed=5):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "customer_id": rng.integers(0, 2_000, n),
        "order_date": pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 700, n), "D"),
        "amount": np.round(rng.gamma(2.0, 20.0, n), 2),
    })


def _limit(con):
    return con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]


def test_limit_is_applied_only_when_set(monkeypatch, tmp_path):
    path = tmp_path / "tx.parquet"
    duckdb.from_df(_tx(100)).write_parquet(str(path))
    monkeypatch.delenv(MEMORY_ENV_VAR, raising=False)
    default = connect(path)
    assert _limit(default) != "476.8 MiB"
    default.close()
    monkeypatch.setenv(MEMORY_ENV_VAR, "500MB")  # DuckDB shows 500 MB as 476.8 MiB
    for source in (path, _tx(100)):
        con = connect(source)
        assert _limit(con) == "476.8 MiB"
        con.close()


def test_summary_under_a_small_limit_equals_unlimited_and_the_reference(monkeypatch, tmp_path):
    tx = _tx()
    path = tmp_path / "tx.parquet"
    duckdb.from_df(tx).write_parquet(str(path))
    monkeypatch.delenv(MEMORY_ENV_VAR, raising=False)
    free = customer_summary(path, observation_end="2023-12-31")
    monkeypatch.setenv(MEMORY_ENV_VAR, "64MB")
    limited = customer_summary(path, observation_end="2023-12-31")
    pdt.assert_frame_equal(limited, free)
    ref = reference_rfm_summary(tx, observation_end=pd.Timestamp("2023-12-31"))
    np.testing.assert_array_equal(limited["frequency"].to_numpy(),
                                  ref.loc[limited.index, "frequency"].to_numpy())
