"""Tests of helpers.nps.classes: classify, score parsing, score_distribution, latest_answers."""

import numpy as np
import pandas as pd
import pytest

from helpers import nps

from .common import HAND, as_list


# ---------------------------------------------------------------------------------------------------
# classify
# ---------------------------------------------------------------------------------------------------
def test_classify_boundaries_and_order():
    res = nps.classify(list(range(11)))
    assert res.tolist() == ["detractor"] * 7 + ["passive"] * 2 + ["promoter"] * 2
    assert res.cat.ordered and res.cat.categories.tolist() == ["detractor", "passive", "promoter"]
    assert res.name == "nps_class"


def test_classify_accepts_int64_whole_floats_and_labels_keeping_index():
    s = pd.Series([10, pd.NA, 6, 8], dtype="Int64", index=[5, 6, 7, 8])
    res = nps.classify(s)
    assert res.index.tolist() == [5, 6, 7, 8]
    assert as_list(res) == ["promoter", None, "detractor", "passive"]
    assert nps.classify(np.array([9.0, 7.0, np.nan])).tolist()[:2] == ["promoter", "passive"]
    labelled = pd.Series(["10 - Extremely likely", "0 - Not at all likely", "7", " 9 ", None, ""])
    assert as_list(nps.classify(labelled)) == ["promoter", "detractor", "passive", "promoter",
                                                None, None]


def test_classify_custom_thresholds():
    assert nps.classify([10, 9, 8, 6, 5], promoter_min=10, passive_min=6).tolist() == [
        "promoter", "passive", "passive", "passive", "detractor"]


def test_classify_empty_gives_empty():
    assert len(nps.classify(pd.Series([], dtype="Int64"))) == 0


@pytest.mark.parametrize("bad, match", [
    ([7.5, 9], "not whole"),
    ([11, 3], "outside 0..10"),
    ([-1], "outside 0..10"),
    (["great", "9"], "not 0-10 scores"),
    (["7.5 - fairly"], "not 0-10 scores"),
    ([np.inf], "infinite"),
])
def test_classify_rejects_bad_scores(bad, match):
    with pytest.raises(ValueError, match=match):
        nps.classify(bad)


def test_classify_rejects_wrong_types_and_thresholds():
    with pytest.raises(TypeError, match="booleans"):
        nps.classify(pd.Series([True, False]))
    with pytest.raises(TypeError, match="DataFrame"):
        nps.classify(pd.DataFrame({"score": [1]}))
    with pytest.raises(TypeError, match="sequence"):
        nps.classify(7)
    with pytest.raises(ValueError, match="passive_min < promoter_min"):
        nps.classify([1], promoter_min=7, passive_min=9)
    with pytest.raises(ValueError, match="integer"):
        nps.classify([1], promoter_min=8.5)


def test_score_distribution_counts_every_score():
    d = nps.score_distribution(pd.Series(HAND + [None], dtype="Int64"))
    assert d["n"].tolist() == [1, 0, 0, 1, 0, 0, 1, 1, 1, 3, 2]
    assert d.attrs["missing"] == 1
    assert d["share"].sum() == pytest.approx(1)


# ---------------------------------------------------------------------------------------------------
# latest_answers
# ---------------------------------------------------------------------------------------------------
def test_latest_answers_up_to_observation_end_on_any_link_column():
    sv = pd.DataFrame({"client": ["a", "a", "b", None, "b"], "score": [3, 10, 8, 9, 0],
                       "response_date": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-02-01",
                                                        "2024-02-01", "2024-05-01"])})
    out = nps.latest_answers(sv, customer_id="client", observation_end="2024-03-01")
    assert out.index.name == "client" and out.index.tolist() == ["a", "b"]
    assert out["nps_score"].tolist() == [10, 8]  # the day itself counts; b's May answer does not
    assert out["n_answers"].tolist() == [2, 1]
    assert as_list(out["nps_class"]) == ["promoter", "passive"]
    every = nps.latest_answers(sv, customer_id="client")
    assert every.loc["b", "nps_score"] == 0 and every.loc["b", "n_answers"] == 2
    with pytest.raises(ValueError, match="lacks column"):
        nps.latest_answers(sv)  # no customer_id column
