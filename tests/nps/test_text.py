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


@pytest.mark.parametrize("lang, comments", [
    ("fr", ["le service est lent et la livraison aussi", "très bon prix pour la qualité"]),
    ("de", ["Der Versand war schnell und die Qualität ist gut", "nicht zu empfehlen"]),
    ("es", ["el servicio es muy lento y caro", "buena calidad por el precio"]),
    ("en", ["the delivery was slow and the staff rude", "great price"]),
])
def test_language_detected_and_its_function_words_removed(lang, comments):
    from helpers.nps import detect_language, stopwords_for

    assert detect_language(comments) == lang
    stop = stopwords_for("auto", comments)
    assert stop == stopwords_for(lang)


def test_stopwords_keep_negations_and_judgements():
    from helpers.nps import STOPWORDS_BY_LANGUAGE

    for lang, keep in {"en": ["good", "great", "bad"], "fr": ["pas", "bon", "bien", "mauvais"],
                       "de": ["nicht", "gut", "schlecht"], "es": ["no", "bueno", "malo"]}.items():
        assert not set(keep) & STOPWORDS_BY_LANGUAGE[lang], lang
    with pytest.raises(ValueError, match="no stop words for language 'it'"):
        from helpers.nps import stopwords_for

        stopwords_for("it")


def test_french_comments_count_words_not_articles():
    from helpers.nps import stopwords_for

    df = pd.DataFrame({"score": [10, 10, 9, 1, 2, 0],
                       "comment": ["l'équipe est géniale", "l’équipe est super", "équipe géniale",
                                   "le prix est trop cher", "trop cher", "c'est trop cher"]})
    words = nps.distinguishing_words(df, min_count=2, stopwords=stopwords_for("fr"))
    # by hand: promoters say équipe 3, géniale 2, super 1; detractors trop 3, cher 3, prix 1
    assert set(words.loc[words["group"] == "promoter", "word"]) == {"équipe", "géniale"}
    assert set(words.loc[words["group"] == "detractor", "word"]) == {"trop", "cher"}
    assert not words["word"].isin(["est", "le", "c'est", "l'équipe"]).any()
