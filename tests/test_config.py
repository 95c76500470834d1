"""helpers.config: reading and checking the run configuration, and its per-framework sections."""

import re

import pandas as pd
import pytest

from helpers.config import ConfigError, MissingInputError, load_config, section_settings, valid_keys
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
    ({"inputs": {"transactions": None}}, "no transactions file and no survey file"),
    ({"columns": {"transactions": "amount"}}, "must be a mapping"),
])
def test_bad_config_values(tmp_path, over, match):
    with pytest.raises(DataError, match=match):
        load_config(write_config(tmp_path, **over))


def test_config_missing_input_file(tmp_path):
    path = write_config(tmp_path, inputs={"transactions": "nope.csv"})
    with pytest.raises(FileNotFoundError, match="nope.csv"):
        load_config(path)


@pytest.mark.parametrize("over, key, near", [
    ({"colums": {}}, "colums", "columns"),
    ({"read": {"seperator": ";"}}, "read.seperator", None),
    ({"read": {"decimals": ","}}, "read.decimals", "decimal"),
    ({"inputs": {"transactions": "refunds.csv", "surveys": "labelled_scores.csv"}}, "inputs.surveys",
     "survey"),
    ({"columns": {"transactions": {"ammount": "Net"}}}, "columns.transactions.ammount", "amount"),
    ({"columns": {"survey": {"scroe": "Q1"}}}, "columns.survey.scroe", "score"),
    ({"columns": {"transaction": {}}}, "columns.transaction", "transactions"),
    ({"nps": {"score_colum": "Q1"}}, "nps.score_colum", "score_column"),
    ({"lifecycle": {"threshold": {}}}, "lifecycle.threshold", "thresholds"),
    ({"relationship": {"modle": "bgnbd"}}, "relationship.modle", "model"),
    ({"actions": {"playbok": "p.yml"}}, "actions.playbok", "playbook"),
])
def test_unknown_keys_are_errors_with_a_suggestion(tmp_path, over, key, near):
    with pytest.raises(ConfigError, match=f"key '{re.escape(key)}': unknown key") as info:
        load_config(write_config(tmp_path, **over))
    assert info.value.key == key
    if near:
        assert f"did you mean {near!r}?" in str(info.value)
    else:
        assert "did you mean" not in str(info.value) and "valid keys here: sep" in str(info.value)


def test_unknown_key_error_names_its_line(tmp_path):
    path = write_config(tmp_path)
    path.write_text(path.read_text() + "read:\n  sep: ';'\n  decimals: ','\n")
    n = path.read_text().splitlines().index("  decimals: ','") + 1
    with pytest.raises(ConfigError, match=f"c.yml, line {n}, key 'read.decimals'"):
        load_config(path)


def test_broken_yaml_is_one_clear_error(tmp_path):
    path = tmp_path / "c.yml"
    path.write_text("name: x\ninputs:\n  transactions: a.csv\n survey: b.csv\n")
    with pytest.raises(ConfigError, match=r"c.yml, line 4: not valid YAML") as info:
        load_config(path)
    assert "Fix: check the indentation" in str(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_missing_input_names_the_folder_and_a_near_name(tmp_path):
    path = write_config(tmp_path, inputs={"transactions": "refund.csv"})
    with pytest.raises(MissingInputError, match=r"line 2, key 'inputs.transactions'.*refund.csv"
                       r"(.|\n)*did you mean 'refunds.csv'\?") as info:
        load_config(path)
    assert isinstance(info.value, FileNotFoundError) and isinstance(info.value, DataError)


def test_survey_alone_is_a_valid_configuration(tmp_path):
    cfg = load_config(write_config(tmp_path, inputs={"survey": "labelled_scores.csv"},
                                   nps={"score_column": "score"}))
    assert cfg["inputs"]["transactions"] is None and cfg["inputs"]["survey"].name == "labelled_scores.csv"
    with pytest.raises(ConfigError, match="keep one of the two"):
        load_config(write_config(tmp_path, inputs={"survey": "labelled_scores.csv"},
                                 nps={"score_column": "Q1"}, columns={"survey": {"score": "Q2"}}))


def test_the_sample_config_is_valid_and_lists_every_section():
    cfg = load_config()
    assert set(valid_keys()) <= set(cfg)


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
