"""lifecycle.prepare_transactions: one preparation gives the same results as the table itself."""

import warnings

import pandas as pd
import pytest

from helpers import lifecycle


@pytest.fixture(scope="module")
def sample():
    from helpers.io import load_all
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = load_all("data/sample/config.yml")
    return ds.transactions, ds.observation_end


def test_prepared_table_gives_the_same_results(sample):
    tx, end = sample
    prepared = lifecycle.prepare_transactions(tx)
    assert prepared.frame is tx and prepared.n_customers == tx["customer_id"].nunique()
    pd.testing.assert_series_equal(lifecycle.purchase_gaps(prepared, end), lifecycle.purchase_gaps(tx, end))
    assert lifecycle.stage_thresholds(prepared, end) == lifecycle.stage_thresholds(tx, end)
    pd.testing.assert_frame_equal(lifecycle.lifecycle_stage(prepared, end), lifecycle.lifecycle_stage(tx, end))
    a = lifecycle.lapse_survival(prepared, end, lapse_days=180, by="channel")
    b = lifecycle.lapse_survival(tx, end, lapse_days=180, by="channel")
    pd.testing.assert_frame_equal(a.durations, b.durations)
    pd.testing.assert_frame_equal(a.curves, b.curves)
    pd.testing.assert_series_equal(a.logrank, b.logrank)


def test_prepare_transactions_rejects_what_the_functions_reject():
    with pytest.raises(ValueError, match="lack column"):
        lifecycle.prepare_transactions(pd.DataFrame({"customer_id": ["a"]}))
    with pytest.raises(TypeError, match="DataFrame"):
        lifecycle.prepare_transactions([1, 2])
