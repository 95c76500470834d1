"""helpers.engine.memo (reuse): a query asked twice inside a block is answered once, never outside one."""

import os
import warnings

import pandas as pd
import pytest

from helpers import cache
from helpers.engine import customer_summary, reuse
from helpers.engine import memo as reuse_module
from helpers.engine import summary as summary_module


@pytest.fixture
def counted(monkeypatch):
    calls = []
    real = summary_module._customer_summary

    def spy(source, observation_end, freq):
        calls.append((observation_end, freq))
        return real(source, observation_end, freq)

    monkeypatch.setattr(summary_module, "_customer_summary", spy)
    return calls


def _tx():
    return pd.DataFrame({"customer_id": ["a", "a", "b", "c"],
                         "order_date": pd.to_datetime(["2024-01-01", "2024-01-09", "2024-01-03",
                                                       "2024-01-04"]),
                         "amount": [10.0, 5.0, 7.0, -3.0]})


def test_outside_a_block_every_call_queries(counted):
    tx = _tx()
    customer_summary(tx)
    customer_summary(tx)
    assert len(counted) == 2


def test_inside_a_block_the_same_query_is_answered_once_as_a_copy(counted):
    tx = _tx()
    with reuse():
        first = customer_summary(tx, "2024-01-31")
        first.loc["a", "frequency"] = 99  # the caller's copy: the kept result is not touched
        again = customer_summary(tx, pd.Timestamp("2024-01-31"))
        other = customer_summary(tx, "2024-02-29")
    assert len(counted) == 2
    assert again.loc["a", "frequency"] == 1
    assert again.drop(columns="T").equals(other.drop(columns="T"))
    assert (other["T"] - again["T"] == 29).all()


def test_another_frame_with_the_same_rows_is_queried_again(counted):
    with reuse():
        customer_summary(_tx())
        customer_summary(_tx())
    assert len(counted) == 2


def test_warnings_are_said_again_when_a_result_is_reused(counted):
    tx = _tx()  # customer c has refunds only: a warning
    with reuse():
        with pytest.warns(UserWarning, match="refund"):
            customer_summary(tx)
        with pytest.warns(UserWarning, match="refund"):
            customer_summary(tx)
    assert len(counted) == 1


def test_a_changed_file_is_queried_again(tmp_path, counted):
    path = tmp_path / "tx.csv"
    _tx().to_csv(path, index=False)
    with reuse(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        before = customer_summary(path)
        customer_summary(path)
        _tx().assign(amount=[20.0, 5.0, 7.0, -3.0]).to_csv(path, index=False)
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
        after = customer_summary(path)
    assert len(counted) == 2
    assert after.loc["a", "revenue"] == before.loc["a", "revenue"] + 10


def test_only_the_last_results_are_kept(counted, monkeypatch):
    monkeypatch.setattr(reuse_module, "KEEP", 2)
    tx = _tx()
    ends = ["2024-01-20", "2024-01-21", "2024-01-22"]
    with reuse() as memo, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for end in ends:
            customer_summary(tx, end)
        assert len(memo) == 2
        customer_summary(tx, ends[0])  # dropped: queried again
        customer_summary(tx, ends[2])  # kept
    assert len(counted) == 4


def test_shared_results_query_the_summary_once_for_lifecycle_and_model(counted):
    results = cache.SharedResults("data/sample/config.yml", folder=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results.get("lifecycle")
        results.get("relationships")
    ends = [end for end, freq in counted if freq == "D"]
    assert len(ends) == len(set(ends)) >= 1
