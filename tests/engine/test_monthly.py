"""engine.monthly_activity against a pandas groupby written from its definition."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.engine.monthly import monthly_activity

from .test_summary import CDNOW_MASTER, _read_cdnow, _write


def _by_hand(tx):
    g = tx.groupby(tx["order_date"].dt.to_period("M"))
    out = pd.DataFrame({"revenue": g["amount"].sum(), "customers": g["customer_id"].nunique(),
                        "rows": g.size()})
    out.index.name = "month"
    return out.astype({"customers": "int64", "rows": "int64"})


def test_monthly_activity_equals_a_groupby_on_the_sample_and_cdnow(sample, tmp_path):
    master = _read_cdnow(CDNOW_MASTER)
    for tx in (sample.transactions, master):
        got = monthly_activity(tx)
        want = _by_hand(tx)
        pd.testing.assert_frame_equal(got, want, rtol=1e-9)
        assert got["rows"].sum() == len(tx)
    from_file = monthly_activity(_write(master, tmp_path / "cdnow.parquet"))
    pd.testing.assert_frame_equal(from_file, _by_hand(master), rtol=1e-9)


def test_months_without_rows_are_absent_and_refunds_are_netted():
    tx = pd.DataFrame({"customer_id": ["a", "a", "b", "b"],
                       "order_date": pd.to_datetime(["2024-01-31", "2024-01-31", "2024-03-01",
                                                     "2023-12-31"]),
                       "amount": [10.0, -4.0, 5.0, 1.0]})
    got = monthly_activity(tx)
    assert got.index.astype(str).tolist() == ["2023-12", "2024-01", "2024-03"]
    np.testing.assert_allclose(got["revenue"], [1.0, 6.0, 5.0])
    assert got["customers"].tolist() == [1, 1, 1] and got["rows"].tolist() == [1, 2, 1]
