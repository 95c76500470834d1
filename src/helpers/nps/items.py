"""Further 0-10 questions of a survey, summarised beside the NPS question."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["find_items", "item_summary"]

#: Columns of the survey that are never a question.
_NOT_ITEMS = ("score", "response_date", "customer_id", "weight", "period")


def _as_scores(values: pd.Series) -> pd.Series:
    from helpers.io.read import parse_scores

    if pd.api.types.is_numeric_dtype(values.dtype):
        return values.astype(float)
    return parse_scores(values.astype("string").fillna(""))


def find_items(survey, *, min_distinct=6) -> list[str]:
    """Columns of a survey that hold answers to further 0-10 questions.

    A column is a question when every non-empty value reads as a whole number from 0 to 10
    (labelled answers such as "10 - Extremely likely" too) and it has at least ``min_distinct``
    different values, so that codes such as a region number 1-4 are not taken for answers.

    Parameters
    ----------
    survey : pandas.DataFrame
        A loaded survey (:func:`helpers.io.load_survey`).
    min_distinct : int, default 6

    Returns
    -------
    list of str
        In the survey's column order; the NPS ``score`` and the canonical columns are never listed.

    Examples
    --------
    >>> sv = pd.DataFrame({"score": [9, 3, 10, 7, 8, 0], "ease": ["8", "2", "10", "7", "6", "0"],
    ...                    "region": ["1", "2", "1", "2", "3", "1"]})
    >>> find_items(sv)
    ['ease']
    """
    out = []
    for col in survey.columns:
        if col in _NOT_ITEMS:
            continue
        raw = survey[col]
        given = raw.notna() & raw.astype("string").str.strip().ne("")
        if not given.any():
            continue
        v = _as_scores(raw[given])
        if v.isna().any() or (v < 0).any() or (v > 10).any() or (v != np.round(v)).any():
            continue
        if v.nunique() >= min_distinct:
            out.append(col)
    return out


def item_summary(survey, items=None, *, score="score") -> pd.DataFrame:
    """Each further 0-10 question beside the NPS question: answers, mean, top and bottom box, and
    how closely it moves with the NPS score.

    Input: one row per response with the NPS ``score`` and the item columns (numbers or labelled
    text). Output: one row per item.

    Parameters
    ----------
    survey : pandas.DataFrame
    items : list of str, optional
        The question columns; default :func:`find_items`.
    score : str, default "score"
        The NPS question.

    Returns
    -------
    pandas.DataFrame
        ``item``, ``n`` (answers), ``mean``, ``top_box`` (share answering 9-10), ``bottom_box``
        (share 0-6), ``net`` (100 x (top_box - bottom_box), on the NPS scale), ``rho`` (Spearman
        rank correlation with ``score`` over the responses that answered both), ``n_pairs``.
        Empty when there is no item.

    Raises
    ------
    ValueError
        If an item is not a column, or holds answers that are not whole numbers 0..10.

    Examples
    --------
    >>> sv = pd.DataFrame({"score": [10, 9, 2, 6, 8], "ease": [9, 10, 1, None, 7]})
    >>> t = item_summary(sv, ["ease"])
    >>> t[["item", "n", "mean", "top_box", "net"]].values.tolist()
    [['ease', 4, 6.75, 0.5, 25.0]]
    >>> round(float(t["rho"].iloc[0]), 3)
    0.8
    """
    from scipy.stats import spearmanr

    items = find_items(survey) if items is None else list(items)
    cols = ["item", "n", "mean", "top_box", "bottom_box", "net", "rho", "n_pairs"]
    rows = []
    nps_score = _as_scores(survey[score])
    for item in items:
        if item not in survey.columns:
            raise ValueError(f"no survey column {item!r} (config `nps: items:`); columns are "
                             f"{list(survey.columns)}")
        v = _as_scores(survey[item].where(survey[item].astype("string").str.strip().ne("")))
        given = v.notna()
        bad = given & ((v < 0) | (v > 10) | (v != np.round(v)))
        if bad.any():
            raise ValueError(f"survey column {item!r} holds {int(bad.sum())} answer(s) that are not "
                             "whole numbers 0..10; leave it out of `nps: items:`")
        a = v[given]
        pair = given & nps_score.notna()
        rho = (float(spearmanr(v[pair], nps_score[pair]).statistic)
               if pair.sum() >= 3 and v[pair].nunique() > 1 and nps_score[pair].nunique() > 1 else np.nan)
        top, bottom = float((a >= 9).mean()) if len(a) else np.nan, float((a <= 6).mean()) if len(a) else np.nan
        rows.append({"item": item, "n": int(len(a)), "mean": float(a.mean()) if len(a) else np.nan,
                     "top_box": top, "bottom_box": bottom, "net": 100 * (top - bottom),
                     "rho": rho, "n_pairs": int(pair.sum())})
    return pd.DataFrame(rows, columns=cols)
