"""Words that separate promoters' comments from detractors' (Monroe, Colaresi & Quinn, 2008)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from helpers.nps.classes import _codes, _score_values

__all__ = ["STOPWORDS", "STOPWORDS_BY_LANGUAGE", "detect_language", "stopwords_for", "distinguishing_words"]


#: Small English stop-word list (no download needed); pass ``stopwords=`` to replace it.
STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had has
have having he her here hers herself him himself his how i if in into is it its itself just me more
most my myself no nor not now of off on once only or other our ours ourselves out over own same she
should so some such than that the their theirs them themselves then there these they this those
through to too under until up very was we were what when where which while who whom why will with
would you your yours yourself yourselves i'm it's don't didn't isn't wasn't can't won't i've i'd
""".split())


#: Stop words of the comment languages most surveys come in (function words only: articles,
#: pronouns, prepositions, conjunctions, auxiliaries). Negations and judgement words (not, pas, nicht,
#: no; good, bon, gut, bueno) are kept on purpose: they are what sets promoters and detractors apart,
#: and the published lists (stopwords-iso, the ``stop-words`` package) remove them.
STOPWORDS_BY_LANGUAGE = {
    "en": STOPWORDS,
    "fr": frozenset("""
a à afin ai aie aient aies ait as au aucun aussi autre aux avais avait avant avec avez avoir avons
c ça car ce ceci cela celle celles celui ces cet cette ceux chez comme comment d dans de des donc
dont du elle elles en encore est et étaient était été être eu eux fait faire fais il ils j je l la
le les leur leurs lui m ma mais me même mes moi mon n ne ni nos notre nous on ont ou où par parce
pour qu quand que quel quelle quelles quels qui s sa sans se sera ses si son sont sur t ta te tes
toi ton tous tout toute toutes tu un une vos votre vous y c'est j'ai n'est qu'il d'un d'une
""".split()),
    "de": frozenset("""
aber als also am an auch auf aus bei bin bis bist da damit dann das dass dem den denn der des dich
die dies diese diesem diesen dieser dieses dir du durch ein eine einem einen einer eines er es etwas
euch euer für hab habe haben hat hatte hatten hier ich ihm ihn ihnen ihr ihre im in ist ja jede
jedem jeden jeder jedes man mein meine mich mir mit nach noch nun nur ob oder ohne sehr sein seine
sich sie sind so über um und uns unser unter vom von vor war waren warum was weil wenn wer wie wir
wird wo wurde wurden zu zum zur
""".split()),
    "es": frozenset("""
a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante e el
él ella ellas ellos en entre era eran es esa esas ese eso esos esta está están estas este esto
estos fue fueron ha han hay la las le les lo los me mi mis muy nos nosotros o os para pero por
porque que qué se sea ser si sí sin sobre son su sus también te tengo tiene tienen todo todos tu
tus un una unas uno unos y ya yo
""".split()),
}


def detect_language(texts) -> str:
    """The language of a column of comments, by which stop-word list covers most of their words.

    Parameters
    ----------
    texts : iterable of str
        Comments (missing values are ignored).

    Returns
    -------
    str
        A key of :data:`STOPWORDS_BY_LANGUAGE`; ``"en"`` when no list covers any word.

    Examples
    --------
    >>> detect_language(["le service est lent et la livraison aussi", "très bon prix"])
    'fr'
    >>> detect_language(["Der Versand war schnell und die Qualität ist gut"])
    'de'
    """
    words = pd.Series(list(texts), dtype="string").dropna().str.lower().str.findall(_TOKEN_RE).explode()
    words = words.dropna()
    if words.empty:
        return "en"
    share = {lang: words.isin(list(sw)).mean() for lang, sw in STOPWORDS_BY_LANGUAGE.items()}
    best = max(share, key=lambda k: (share[k], k == "en"))
    return best if share[best] > 0 else "en"


def stopwords_for(language="auto", texts=None) -> frozenset:
    """Stop words of a comment language: ``"en"``, ``"fr"``, ``"de"``, ``"es"`` or ``"auto"``.

    Parameters
    ----------
    language : str, default "auto"
        A key of :data:`STOPWORDS_BY_LANGUAGE`, or "auto" to detect it from ``texts``
        (:func:`detect_language`).
    texts : iterable of str, optional
        The comments, for "auto".

    Returns
    -------
    frozenset of str

    Raises
    ------
    ValueError
        For a language without a list.

    Examples
    --------
    >>> "nicht" in stopwords_for("de"), "und" in stopwords_for("de")
    (False, True)
    >>> "pas" in stopwords_for("auto", ["ce n'est pas le bon produit"])
    False
    """
    if language in (None, "auto"):
        language = detect_language(texts if texts is not None else [])
    if language not in STOPWORDS_BY_LANGUAGE:
        raise ValueError(f"no stop words for language {language!r}; use one of "
                         f"{sorted(STOPWORDS_BY_LANGUAGE)} or 'auto' (config: `nps: {{language: ...}}`)")
    return STOPWORDS_BY_LANGUAGE[language]


_TOKEN_RE = r"[^\W\d_]+(?:'[^\W\d_]+)?"
#: French and Italian elisions (l'équipe, qu'il, d'accord) are split from the word they lean on.
_ELISION_RE = r"^(?:[cdjlmnst]|qu)'(?=[^\W\d_]{2})"


def distinguishing_words(df, text="comment", *, score="score", top=15, min_count=3,
                         prior_size=None, stopwords=STOPWORDS) -> pd.DataFrame:
    """Words that most distinguish promoters' comments from detractors'.

    Weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn, 2008,
    section 3.5): the prior of each word is proportional to its frequency in all comments (passives
    included), with total mass ``prior_size``, which shrinks rare words towards no difference. For
    word ``w`` with counts ``y_P``, ``y_D`` in promoter and detractor comments of sizes ``n_P``,
    ``n_D``, prior ``a_w`` and ``a0 = sum a_w``. With the default ``prior_size`` the prior counts are
    the words' counts in all comments, as in tidylo's ``bind_log_odds``::

        delta = log((y_P + a_w) / (n_P + a0 - y_P - a_w)) - log((y_D + a_w) / (n_D + a0 - y_D - a_w))
        z = delta / sqrt(1 / (y_P + a_w) + 1 / (y_D + a_w))

    Parameters
    ----------
    df : DataFrame
        Survey frame with ``score`` and ``text`` columns.
    text : str, default "comment"
        Free-text column; missing and empty comments are ignored, comments without a score are
        left out with a warning.
    score : str, default "score"
    top : int, default 15
        Words returned per side.
    min_count : int, default 3
        Words seen fewer times in promoter plus detractor comments are ignored.
    prior_size : float, optional
        Total prior pseudo-count ``a0``; default: the number of words in all comments.
    stopwords : collection of str, default STOPWORDS
        Words to ignore (lower case); :func:`stopwords_for` gives the lists of other languages.
        Elided articles (``l'``, ``d'``, ``qu'``) are split off before counting.

    Returns
    -------
    pandas.DataFrame
        Up to ``2 * top`` rows: ``group`` ("promoter" for z > 0, "detractor" for z < 0), ``word``,
        ``z``, ``log_odds``, ``n_promoter``, ``n_detractor``; promoters first, each side by |z|
        descending. Empty (with a warning) when either side has no usable words.

    Raises
    ------
    ValueError
        Missing columns, bad scores, top or min_count < 1, prior_size <= 0.

    Examples
    --------
    >>> df = pd.DataFrame({"score": [10, 9, 10, 2, 3, 1],
    ...                    "comment": ["great service", "great staff", "great price",
    ...                                "slow delivery", "slow refund", "slow and rude"]})
    >>> distinguishing_words(df, min_count=2)[["group", "word"]].values.tolist()
    [['promoter', 'great'], ['detractor', 'slow']]
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError("df must be a pandas DataFrame")
    for c in (score, text):
        if c not in df.columns:
            raise ValueError(f"df has no column {c!r}; columns are {list(df.columns)}")
    for nm, v in (("top", top), ("min_count", min_count)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"{nm} must be a positive integer; got {v!r}")
    if prior_size is not None and not prior_size > 0:
        raise ValueError(f"prior_size must be > 0; got {prior_size!r}")
    cols = ["group", "word", "z", "log_odds", "n_promoter", "n_detractor"]
    vals, _ = _score_values(df[score])
    no_score = np.isnan(vals) & df[text].notna().to_numpy()
    if no_score.any():
        warnings.warn(f"{no_score.sum()} comments have no score and were left out", UserWarning,
                      stacklevel=2)
    keep = ~np.isnan(vals)
    cls = _codes(vals[keep])
    txt = df.loc[keep, text].astype("string").str.lower().str.replace("\u2019", "'", regex=False)
    tokens = txt.reset_index(drop=True).str.findall(_TOKEN_RE).explode().dropna()
    tokens = tokens.str.replace(_ELISION_RE, "", regex=True)
    tokens = tokens[tokens.str.len() >= 2]
    if stopwords:
        tokens = tokens[~tokens.isin(set(stopwords))]
    if tokens.empty:
        warnings.warn(f"no words found in {text!r}", UserWarning, stacklevel=2)
        return pd.DataFrame(columns=cols)
    tok = pd.DataFrame({"word": tokens.to_numpy(), "cls": cls[tokens.index.to_numpy()]})
    bg = tok["word"].value_counts()
    counts = pd.crosstab(tok["word"], tok["cls"]).reindex(columns=[0, 2], fill_value=0)
    yP, yD = counts[2].astype(float), counts[0].astype(float)
    nP, nD = yP.sum(), yD.sum()
    if nP == 0 or nD == 0:
        warnings.warn("distinguishing words need comments from both promoters and detractors; "
                      f"found {int(nP)} promoter and {int(nD)} detractor words", UserWarning,
                      stacklevel=2)
        return pd.DataFrame(columns=cols)
    a0 = float(bg.sum()) if prior_size is None else float(prior_size)
    a = a0 * bg.reindex(counts.index).astype(float) / bg.sum()
    delta = (np.log((yP + a) / (nP + a0 - yP - a)) - np.log((yD + a) / (nD + a0 - yD - a)))
    z = delta / np.sqrt(1 / (yP + a) + 1 / (yD + a))
    res = pd.DataFrame({"word": counts.index, "z": z.to_numpy(), "log_odds": delta.to_numpy(),
                        "n_promoter": yP.astype(int).to_numpy(),
                        "n_detractor": yD.astype(int).to_numpy()})
    res = res[res["n_promoter"] + res["n_detractor"] >= min_count]
    pro = res[res["z"] > 0].sort_values(["z", "word"], ascending=[False, True]).head(top)
    det = res[res["z"] < 0].sort_values(["z", "word"], ascending=[True, True]).head(top)
    out = pd.concat([pro.assign(group="promoter"), det.assign(group="detractor")],
                    ignore_index=True)
    return out[cols]
