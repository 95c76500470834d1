"""Tests of helpers.nps.text: distinguishing words by hand and degenerate input."""

import math

import pandas as pd
import pytest

from helpers import nps


def test_distinguishing_words_by_hand():
    df = pd.DataFrame({"score": [10, 2, 8, 9],
                       "comment": ["Great great service!", "slow service", "ok service", None]})
    res = nps.distinguishing_words(df, min_count=1)
    # counts: great P2; service P1 D1 Pa1; slow D1; ok Pa1; n_P = 3, n_D = 2, a0 = 7 words,
    # prior a_w = the word's count in all comments
    z_great = (math.log(4 / 6) - math.log(2 / 7)) / math.sqrt(1 / 4 + 1 / 2)
    z_service = (math.log(4 / 6) - math.log(4 / 5)) / math.sqrt(1 / 4 + 1 / 4)
    z_slow = (math.log(1 / 9) - math.log(2 / 7)) / math.sqrt(1 / 1 + 1 / 2)
    assert res[["group", "word"]].values.tolist() == [["promoter", "great"],
                                                      ["detractor", "slow"],
                                                      ["detractor", "service"]]
    assert res["z"].tolist() == pytest.approx([z_great, z_slow, z_service])
    assert res[["n_promoter", "n_detractor"]].values.tolist() == [[2, 0], [0, 1], [1, 1]]


def test_distinguishing_words_ignores_index_and_warns_about_unscored_comments():
    df = pd.DataFrame({"score": [10, 2, 8, 9, None],
                       "comment": ["Great great service!", "slow service", "ok service", None,
                                   "great"]}, index=[0, 0, 1, 1, 2])
    with pytest.warns(UserWarning, match="1 comments have no score"):
        res = nps.distinguishing_words(df, min_count=1)
    assert res["word"].tolist() == ["great", "slow", "service"]
    assert res[["n_promoter", "n_detractor"]].values.tolist() == [[2, 0], [0, 1], [1, 1]]


def test_distinguishing_words_degenerate_and_bad_input():
    df = pd.DataFrame({"score": [10, 9], "comment": ["great", "lovely"]})
    with pytest.warns(UserWarning, match="both promoters and detractors"):
        assert nps.distinguishing_words(df).empty
    with pytest.raises(ValueError, match="no column 'comment'"):
        nps.distinguishing_words(df.drop(columns="comment"))
    with pytest.raises(ValueError, match="top"):
        nps.distinguishing_words(df, top=0)
