"""helpers.config: reading and checking the run configuration, and its per-framework sections."""

import pandas as pd
import pytest

from helpers.config import load_config, section_settings
from helpers.io import DataError
from tests.io.checks import write_config


def test_load_config_resolves_inputs_relative_to_the_file(tmp_path):
    cfg = load_config(write_config(tmp_path, observation_end="2024-01-31"))
    assert cfg["inputs"]["transactions"] == tmp_path / "refunds.csv"
    assert cfg["observation_end"] == pd.Timestamp("2024-01-31")
    assert cfg["margin_rate"] == 0.30 and cfg["read"]["sep"] == "auto"


@pytest.mark.parametrize("over, match", [
    ({"margin_rate": 30}, "outside 0..1"),
    ({"margin_rate": "high"}, "not a number"),
    ({"observation_end": "someday"}, "not a date"),
    ({"inputs": {"transactions": None}}, "no transactions file"),
    ({"columns": {"transactions": "amount"}}, "must be a mapping"),
])
def test_bad_config_values(tmp_path, over, match):
    with pytest.raises(DataError, match=match):
        load_config(write_config(tmp_path, **over))


def test_config_missing_input_file(tmp_path):
    path = write_config(tmp_path, inputs={"transactions": "nope.csv"})
    with pytest.raises(FileNotFoundError, match="nope.csv"):
        load_config(path)


def test_unknown_config_key_warns(tmp_path):
    with pytest.warns(UserWarning, match="unknown configuration keys"):
        load_config(write_config(tmp_path, colums={}))


def test_section_settings_rejects_unknown_keys_and_lets_overrides_win():
    def fit(data, *, cutoff=0.5, horizon=52):
        return cutoff, horizon

    cfg = {"model": {"cutoff": 0.3, "horizon": 10}}
    assert section_settings(cfg, "model", fit, skip=("data",)) == {"cutoff": 0.3, "horizon": 10}
    assert section_settings(cfg, "model", fit, skip=("data",), cutoff=0.7, horizon=None) == {
        "cutoff": 0.7, "horizon": 10}
    assert section_settings({}, "model", fit) == {}
    with pytest.raises(ValueError, match=r"unknown setting\(s\) \['cutof'\]"):
        section_settings({"model": {"cutof": 0.3}}, "model", fit)
    with pytest.raises(ValueError, match=r"unknown setting\(s\) \['data'\]"):
        section_settings({"model": {"data": 1}}, "model", fit, skip=("data",))
    with pytest.raises(ValueError, match="must be a mapping"):
        section_settings({"model": [1]}, "model", fit)


def test_renamed_settings_name_the_new_one(tmp_path):
    def fit(transactions, observation_end=None, *, cutoff=0.5):
        return cutoff

    with pytest.raises(ValueError, match="'as_of' is now 'observation_end'"):
        section_settings({"relationship": {"as_of": "2024-01-01"}}, "relationship", fit,
                         skip=("transactions",))
    cfg = tmp_path / "c.yml"
    (tmp_path / "tx.csv").write_text("customer_id,order_date,amount\na,2024-01-01,5\n", encoding="utf-8")
    cfg.write_text("inputs: {transactions: tx.csv}\nas_of: 2024-01-01\n", encoding="utf-8")
    with pytest.raises(ValueError, match="c.yml: renamed setting.*'as_of' is now 'observation_end'"):
        load_config(cfg)
