"""helpers.engine.stages: the stage snapshot query equals a pandas computation written out here,
on the sample, on CDNOW and on hand-made edge cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.engine.stages import snapshot_sql, stage_snapshots

from .test_summary import _read_cdnow, _write, CDNOW


def reference_snapshots(tx, dates, lapse_window):
    """Per customer and date, with pandas: first/last purchase day, purchase days, last return."""
    day = (tx["order_date"].dt.normalize() - pd.Timestamp("1970-01-01")).dt.days
    rows = pd.DataFrame({"cid": tx["customer_id"].to_numpy(), "day": day.to_numpy(),
                         "buy": (tx["amount"] >= 0).to_numpy()})
    days = [(pd.Timestamp(d) - pd.Timestamp("1970-01-01")).days for d in dates]
    rows = rows[rows["day"] <= max(days)]
    first_row = rows.groupby("cid")["day"].min().sort_index()
    buys = rows[rows["buy"]].drop_duplicates(["cid", "day"]).sort_values(["cid", "day"])
    buys["gap"] = buys.groupby("cid")["day"].diff()
    out = []
    for d in days:
        b = buys[buys["day"] <= d]
        g = b.groupby("cid")["day"]
        ret = b[b["gap"] > lapse_window].groupby("cid")["day"].max()
        m = pd.DataFrame({"first": g.min(), "last": g.max(), "n_days": g.size(),
                          "last_return": ret}).reindex(first_row.index)
        out.append({k: m[k].fillna(0 if k == "n_days" else -1).to_numpy(dtype=np.int64)
                    for k in m.columns})
    return first_row.index, first_row.to_numpy(dtype=np.int64), out


def assert_same(got, want):
    ids, first_row, measures = got
    assert ids.tolist() == want[0].tolist()
    np.testing.assert_array_equal(first_row, want[1])
    for g, w in zip(measures, want[2], strict=True):
        for k in ("first", "last", "n_days", "last_return"):
            np.testing.assert_array_equal(g[k], w[k], err_msg=k)


@pytest.mark.parametrize("dates", [["2022-06-30", "2023-06-30"], ["2023-03-31", "2023-12-31"]])
def test_sample_snapshots_equal_the_pandas_reference(sample, dates):
    tx = sample.transactions
    assert_same(stage_snapshots(tx, dates, 120), reference_snapshots(tx, dates, 120))


def test_cdnow_snapshots_equal_the_pandas_reference_from_a_file(tmp_path):
    tx = _read_cdnow(CDNOW)
    dates = ["1997-06-30", "1997-09-30", "1998-06-30"]
    path = _write(tx, tmp_path / "cdnow.parquet")
    assert_same(stage_snapshots(path, dates, 90), reference_snapshots(tx, dates, 90))


def test_snapshots_by_hand():
    tx = pd.DataFrame({
        "customer_id": ["a", "a", "a", "a", "b", "b", "c"],
        "order_date": pd.to_datetime(["2024-01-01", "2024-01-01 18:00", "2024-05-01",
                                      "2024-05-03", "2024-02-01", "2024-03-01", "2024-07-01"],
                                     format="ISO8601"),
        "amount": [5.0, 1.0, 2.0, 3.0, -4.0, 6.0, 1.0]})
    ids, first_row, (m0, m1) = stage_snapshots(tx, ["2024-02-15", "2024-06-30"], 100)
    assert ids.tolist() == ["a", "b"]  # c buys after the last date
    day = lambda s: (pd.Timestamp(s) - pd.Timestamp("1970-01-01")).days  # noqa: E731
    assert first_row.tolist() == [day("2024-01-01"), day("2024-02-01")]
    # 2024-02-15: a bought once (two rows on one day); b has only a refund
    assert m0["n_days"].tolist() == [1, 0] and m0["first"].tolist() == [day("2024-01-01"), -1]
    # 2024-06-30: a came back on 05-01 after a 121-day gap (> 100); 05-03 is no return
    assert m1["n_days"].tolist() == [3, 1]
    assert m1["last_return"].tolist() == [day("2024-05-01"), -1]
    assert m1["last"].tolist() == [day("2024-05-03"), day("2024-03-01")]


def test_snapshot_bad_input():
    with pytest.raises(ValueError, match="at least one snapshot day"):
        snapshot_sql([], 90)
    with pytest.raises(ValueError, match="lack column"):
        stage_snapshots(pd.DataFrame({"customer_id": ["a"]}), ["2024-01-01"], 90)


def test_stage_transitions_equal_two_stage_tables_on_the_sample(sample):
    from helpers import lifecycle

    tx, cust = sample.transactions, sample.customers
    th = {"new_window": 45, "active_window": 45, "lapse_window": 150}
    t = lifecycle.stage_transitions(tx, "2023-03-31", "2023-06-30", customers=cust, thresholds=th)
    a = lifecycle.lifecycle_stage(tx, "2023-03-31", customers=cust, thresholds=th)["stage"]
    b = lifecycle.lifecycle_stage(tx, "2023-06-30", customers=cust, thresholds=th)["stage"]
    before = a.reindex(b.index).astype(object).fillna(lifecycle.NOT_YET_KNOWN)
    want = pd.crosstab(before, b.astype(object))
    for r in want.index:
        for c in want.columns:
            assert t.counts.loc[r, c] == want.loc[r, c]
    assert t.counts.to_numpy().sum() == len(b)
