"""Survey-only runs at the loaders: no transactions file, no response dates, a wave column, the NPS
question named in the config."""

import pandas as pd
import pytest
import yaml

from helpers.io import DataError, load_all, load_survey


def _cfg(tmp_path, text, **config):
    (tmp_path / "sv.csv").write_text(text, encoding="utf-8")
    path = tmp_path / "c.yml"
    path.write_text(yaml.safe_dump({"inputs": {"survey": "sv.csv"}, **config}))
    return path


def test_survey_alone_loads_with_empty_transactions(tmp_path):
    ds = load_all(_cfg(tmp_path, "customer_id,response_date,score\na,2024-01-05,9\nb,2024-03-01,3\n"))
    assert ds.transactions.empty and list(ds.transactions.columns[:3]) == ["customer_id", "order_date", "amount"]
    assert ds.observation_end == pd.Timestamp("2024-03-01")  # the last response
    log = ds.log.to_frame()
    assert "survey-only run" in " ".join(log["reason"])
    assert not log["reason"].str.contains("found in no other input").any()  # nothing to link to


def test_survey_without_dates_and_a_wave_column(tmp_path):
    path = _cfg(tmp_path, "Q1 NPS,Q2 ease,Wave\n10,9,1\n3,2,2\n8,7,2\n", nps={"score_column": "Q1 NPS"},
                columns={"survey": {"period": "Wave"}})
    ds = load_all(path)
    sv = ds.survey
    assert sv["score"].tolist() == [10, 3, 8] and sv["response_date"].isna().all()
    assert sv["period"].tolist() == [1, 2, 2] and sv["Q2 ease"].tolist() == ["9", "2", "7"]
    assert pd.isna(ds.observation_end)
    reasons = " ".join(ds.log.to_frame()["reason"])
    assert "no response date column" in reasons and "'period' column stands in" in reasons


def test_wave_labels_stay_text(tmp_path):
    (tmp_path / "s.csv").write_text("score,period\n9,spring\n2,autumn\n", encoding="utf-8")
    assert load_survey(tmp_path / "s.csv")["period"].tolist() == ["spring", "autumn"]


def test_score_column_that_is_not_in_the_file(tmp_path):
    with pytest.raises(DataError, match="maps 'score' to 'Q9'"):
        load_all(_cfg(tmp_path, "Q1,Q2\n1,2\n", nps={"score_column": "Q9"}))
