"""helpers.relationship.survey: NPS per relationship group."""

import warnings

import pandas as pd
import pytest

from helpers.relationship import group_nps


def test_group_nps_latest_linked_answer_per_customer():
    sv = pd.DataFrame({
        "customer_id": ["a", "a", "b", "c", None, "z", "d"],
        "score": [0, 10, 3, 9, 10, 0, 9],
        "response_date": pd.to_datetime(["2024-01-01", "2024-06-01", "2024-02-01", "2024-03-01",
                                         "2024-03-01", "2024-03-01", "2024-09-01"])})
    g = pd.Series(["True Friends", "Strangers", "True Friends", "Strangers"], index=list("abcd"))
    with warnings.catch_warnings():  # chi-square on a handful of answers
        warnings.filterwarnings("ignore", "some expected counts of the chi-square test", UserWarning)
        out = group_nps(sv, g)
        # latest: a -> 10 (True Friends), c -> 9; Strangers: b -> 3, d -> 9 => 0 NPS
        assert out["group"].tolist() == ["Strangers", "True Friends"]
        assert out["n"].tolist() == [2, 2] and out["nps"].tolist() == [0.0, 100.0]
        assert out.attrs["answers"] == 7 and out.attrs["linked"] == 6 and out.attrs["used"] == 4
        assert out.attrs["nps_all"]["nps"] == 50.0  # 10, 9, 3, 9: three promoters, one detractor
        every = group_nps(sv, g, latest=False)  # a's first answer counts too: 10 and 0 -> 1 of 3
        assert every.loc[every["group"] == "True Friends", "nps"].iloc[0] == pytest.approx(100 / 3)
        early = group_nps(sv, g, observation_end="2024-06-30")  # d's answer comes later
        assert early.loc[early["group"] == "Strangers", "n"].iloc[0] == 1
    with pytest.raises(ValueError, match="lacks column"):
        group_nps(sv.drop(columns="customer_id"), g)
    with pytest.raises(ValueError, match="fewer than two groups"):
        group_nps(sv, pd.Series(["Strangers"], index=["b"]))
