"""helpers.engine.customer_summary: equal to lifecycle.rfm_summary (sample, CDNOW, hand-made edge
cases), from a DataFrame and from Parquet and CSV files, plus values worked out by hand."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from helpers.engine import customer_summary
from helpers.clv import calibration_holdout
from helpers.lifecycle import rfm_summary

from .reference import reference_cohort_counts, reference_rfm_summary

DATA = Path(__file__).parents[1] / "data"
CDNOW = DATA / "CDNOW_sample.txt"
CDNOW_MASTER = DATA / "CDNOW_master.txt"


def _write(frame, path):
    """Write a frame to Parquet or CSV with DuckDB (no pyarrow needed)."""
    con = duckdb.connect()
    con.register("frame", frame)
    fmt = "PARQUET" if str(path).endswith(".parquet") else "CSV, HEADER"
    con.execute(f"COPY frame TO '{path}' (FORMAT {fmt})")
    con.close()
    return path


def _read_cdnow(path):
    master = path == CDNOW_MASTER  # header line, no second id column
    raw = pd.read_csv(path, sep=r"\s+", header=None, dtype={"date": str},
                      skiprows=1 if master else 0,
                      names=(["customer_id", "date", "n", "dollars"] if master
                             else ["customer_id", "sid", "date", "n", "dollars"]))
    return pd.DataFrame({"customer_id": raw["customer_id"],
                         "order_date": pd.to_datetime(raw["date"], format="%Y%m%d"),
                         "amount": raw["dollars"]})


@pytest.fixture(scope="module")
def cdnow():
    return _read_cdnow(CDNOW)


@pytest.fixture
def edge():
    """Same-day purchases, a refund-only day, a day netting negative, a refund-only customer,
    rows without order_id, a missing profit and times of day."""
    rows = [
        # a: two orders on day 1 (30 + 20), refund-only day 5, purchase day 11 (40 - 50 = -10)
        ("a", "2024-01-01 09:00", 30.0, "o1", 3.0),
        ("a", "2024-01-01 18:30", 20.0, "o2", 2.0),
        ("a", "2024-01-05", -15.0, "o1", -1.5),
        ("a", "2024-01-11", 40.0, "o3", 4.0),
        ("a", "2024-01-11", -50.0, "o3", -5.0),
        # b: one purchase, then rows after the end
        ("b", "2024-01-20", 8.0, None, 0.8),
        ("b", "2024-02-15", 100.0, "o9", 10.0),
        # c: refunds only
        ("c", "2024-01-03", -5.0, "o4", -0.5),
        # d: purchases without order_id on two days (two of them on one day), a missing profit
        ("d", "2024-01-02", 10.0, None, 1.0),
        ("d", "2024-01-02", 12.0, None, np.nan),
        ("d", "2024-01-30", 6.0, None, 0.6),
    ]
    tx = pd.DataFrame(rows, columns=["customer_id", "order_date", "amount", "order_id", "profit"])
    tx["order_date"] = pd.to_datetime(tx["order_date"], format="ISO8601")
    return tx


def test_sample_equals_rfm_summary(sample):
    tx = sample.transactions
    pd.testing.assert_frame_equal(customer_summary(tx), reference_rfm_summary(tx))
    pd.testing.assert_frame_equal(customer_summary(tx, observation_end="2023-06-30"),
                                  reference_rfm_summary(tx, observation_end="2023-06-30"))


def test_sample_from_parquet_equals_rfm_summary(sample, tmp_path):
    tx = sample.transactions
    path = _write(tx.reset_index(drop=True), tmp_path / "tx.parquet")
    got = customer_summary(path, observation_end="2023-12-31")
    want = reference_rfm_summary(tx, observation_end="2023-12-31")
    pd.testing.assert_frame_equal(got, want, check_index_type=False)
    assert got.index.tolist() == want.index.tolist()


def test_cdnow_equals_rfm_summary_and_hand_counts(cdnow, tmp_path):
    end = "1997-09-30"
    got = customer_summary(cdnow, observation_end=end)
    pd.testing.assert_frame_equal(got, reference_rfm_summary(cdnow, observation_end=end))
    # independent: distinct purchase days per customer up to the end
    cal = cdnow[cdnow["order_date"] <= end]
    days = cal.groupby("customer_id")["order_date"].nunique()
    assert len(got) == 2357
    assert (got["frequency"] == days.reindex(got.index) - 1).all()
    assert got["revenue"].sum() == pytest.approx(cal["amount"].sum())
    # the same from a Parquet and a CSV file (integer ids come back as int64)
    for name in ("cdnow.parquet", "cdnow.csv"):
        from_file = customer_summary(_write(cdnow, tmp_path / name), observation_end=end)
        pd.testing.assert_frame_equal(from_file, got, check_index_type=False)


def test_edge_cases_equal_rfm_summary_and_hand_values(edge):
    end = "2024-01-31"
    with pytest.warns(UserWarning, match=r"1 customer\(s\) have only refund rows"):
        got = customer_summary(edge, observation_end=end)
    with pytest.warns(UserWarning, match="only refund rows"):
        want = reference_rfm_summary(edge, observation_end=end)
    pd.testing.assert_frame_equal(got, want)
    assert got.index.tolist() == ["a", "b", "d"]
    a, b, d = got.loc["a"], got.loc["b"], got.loc["d"]
    # a: purchase days Jan 1 (50) and Jan 11 (-10); the refund-only day Jan 5 is no purchase
    assert (a["frequency"], a["recency"], a["T"]) == (1, 10.0, 30.0)
    assert a["monetary_value"] == pytest.approx(-10.0)
    assert a["n_orders"] == 3 and a["revenue"] == pytest.approx(25.0)
    assert a["profit"] == pytest.approx(2.5)
    assert a["first_purchase"] == pd.Timestamp("2024-01-01")  # time of day dropped
    # b: one purchase; the February rows lie after the end
    assert (b["frequency"], b["T"], b["monetary_value"], b["revenue"]) == (0, 11.0, 0.0, 8.0)
    assert b["n_orders"] == 1
    # d: two purchase days, no order_id: one order per day; a missing profit makes profit NaN
    assert (d["frequency"], d["recency"], d["monetary_value"], d["n_orders"]) == (1, 28.0, 6.0, 2)
    assert np.isnan(d["profit"])


def test_without_profit_and_order_id_and_categorical_ids(edge):
    tx = edge.drop(columns=["profit", "order_id"])
    tx["customer_id"] = pd.Categorical(tx["customer_id"], categories=["d", "c", "b", "a"])
    with pytest.warns(UserWarning, match="only refund rows"):
        got = customer_summary(tx)
    with pytest.warns(UserWarning, match="only refund rows"):
        want = reference_rfm_summary(tx)
    pd.testing.assert_frame_equal(got, want)
    assert got.index.tolist() == ["a", "b", "d"]
    assert got["profit"].isna().all()
    assert got.loc["a", "n_orders"] == 2  # purchase days


def test_bad_input():
    tx = pd.DataFrame({"customer_id": ["a"], "order_date": pd.to_datetime(["2024-01-01"]),
                       "amount": [5.0]})
    with pytest.raises(TypeError, match="DataFrame, the path"):
        customer_summary([1, 2, 3])
    with pytest.raises(ValueError, match=r"lack column\(s\) \['amount'\]"):
        customer_summary(tx.drop(columns="amount"))
    with pytest.raises(TypeError, match="amount must be numeric"):
        customer_summary(tx.assign(amount=["5"]))
    with pytest.raises(ValueError, match="without amount"):
        customer_summary(tx.assign(amount=[np.nan]))
    with pytest.raises(ValueError, match="empty"):
        customer_summary(tx.iloc[:0])
    with pytest.raises(ValueError, match="no purchase"):
        customer_summary(tx, observation_end="2023-12-31")
    with pytest.raises(ValueError, match="not a date"):
        customer_summary(tx, observation_end="soon")
    with pytest.raises(ValueError, match="does not exist"):
        customer_summary("/no/such/file.parquet")


def test_unknown_file_type(tmp_path):
    path = tmp_path / "tx.json"
    path.write_text("{}")
    with pytest.raises(ValueError, match="unknown type"):
        customer_summary(path)


@pytest.mark.parametrize("freq", ["D", "W"])
def test_rfm_summary_is_the_engine_and_equals_the_pandas_reference(sample, freq):
    tx = sample.transactions
    for end in (None, "2023-06-30"):
        got = rfm_summary(tx, observation_end=end, freq=freq)
        pd.testing.assert_frame_equal(got, reference_rfm_summary(tx, observation_end=end,
                                                                 freq=freq))
        pd.testing.assert_frame_equal(got, customer_summary(tx, observation_end=end, freq=freq))


@pytest.mark.parametrize("freq", ["D", "W"])
def test_full_cdnow_equals_the_pandas_reference(freq):
    tx = _read_cdnow(CDNOW_MASTER)
    got = rfm_summary(tx, observation_end="1997-09-30", freq=freq)
    pd.testing.assert_frame_equal(got, reference_rfm_summary(tx, "1997-09-30", freq=freq))
    assert len(got) == 23570 - (tx.groupby("customer_id")["order_date"].min()
                                > "1997-09-30").sum()


def test_weeks_by_hand(edge):
    # a: purchase days Jan 1 (Mon) and Jan 11 (Thu of the next week): weeks 0 and 1; the end
    # (Wed Jan 31) lies in week 4; d: Jan 2 (week 0) and Jan 30 (week 4); b: Sat Jan 20 (week 2)
    with pytest.warns(UserWarning, match="only refund rows"):
        got = customer_summary(edge, observation_end="2024-01-31", freq="W")
    assert got.loc["a", ["frequency", "recency", "T"]].tolist() == [1, 1.0, 4.0]
    assert got.loc["d", ["frequency", "recency", "T"]].tolist() == [1, 4.0, 4.0]
    assert got.loc["b", ["frequency", "recency", "T"]].tolist() == [0, 0.0, 2.0]
    with pytest.raises(ValueError, match="freq='M' is not supported"):
        customer_summary(edge, freq="M")


def test_duckdb_table_source(cdnow, tmp_path):
    db = tmp_path / "shop.duckdb"
    con = duckdb.connect(str(db))
    con.register("frame", cdnow)
    con.execute("CREATE TABLE orders AS SELECT * FROM frame")
    con.close()
    got = customer_summary((db, "orders"), observation_end="1997-09-30")
    pd.testing.assert_frame_equal(got, reference_rfm_summary(cdnow, "1997-09-30"),
                                  check_index_type=False)
    with pytest.raises(ValueError, match="has no table 'sales'"):
        customer_summary((db, "sales"))
    with pytest.raises(ValueError, match="does not exist"):
        customer_summary((tmp_path / "none.duckdb", "orders"))


def _reference_holdout(tx, cal_end, end):
    """calibration_holdout's counts from the pandas reference: frequency difference."""
    cal = reference_rfm_summary(tx, cal_end)
    full = reference_rfm_summary(tx, end)
    return cal, (full["frequency"].reindex(cal.index) - cal["frequency"]).astype("int64")


@pytest.mark.parametrize("which", ["sample", "cdnow"])
def test_calibration_holdout_equals_the_pandas_reference(which, sample, cdnow):
    tx, cal_end, end = ((sample.transactions, "2023-06-30", "2023-12-31") if which == "sample"
                        else (cdnow, "1997-09-30", "1998-06-30"))
    summary, holdout, length = calibration_holdout(tx, cal_end, end, time_unit="D")
    cal, want = _reference_holdout(tx, cal_end, end)
    pd.testing.assert_frame_equal(summary, cal)
    pd.testing.assert_series_equal(holdout, want, check_names=False)
    assert length == (pd.Timestamp(end) - pd.Timestamp(cal_end)).days
    # independent count: distinct purchase days after the split, per calibration customer
    after = tx[(tx["order_date"] > cal_end) & (tx["order_date"] <= end) & (tx["amount"] >= 0)]
    days = after.groupby("customer_id")["order_date"].apply(lambda d: d.dt.normalize().nunique())
    assert (holdout == days.reindex(holdout.index, fill_value=0)).all()


@pytest.mark.parametrize("freq", ["W", "M", "Q"])
def test_cohort_retention_equals_the_pandas_reference(freq, sample, cdnow):
    from helpers.lifecycle import cohort_retention

    for tx, end in ((sample.transactions, None), (sample.transactions, "2023-06-30"),
                    (cdnow, "1998-06-30")):
        got = cohort_retention(tx, freq=freq, observation_end=end)
        table, periods = reference_cohort_counts(tx, freq, end)
        np.testing.assert_array_equal(got.counts.to_numpy(), table)
        assert got.counts.index.tolist() == list(
            pd.DatetimeIndex((periods * 7 - 3).astype("datetime64[D]")).to_period("W")
            if freq == "W" else pd.PeriodIndex.from_ordinals(
                periods * (3 if freq == "Q" else 1), freq="M").asfreq(freq))
