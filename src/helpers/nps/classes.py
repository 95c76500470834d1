"""NPS classes: reading 0-10 answers, classifying them, each customer's latest answer.

Answers 9-10 are promoters, 7-8 passives, 0-6 detractors (Reichheld, 2003). Everything else in
:mod:`helpers.nps` reads scores through the checks here: integers (also pandas ``Int64``), whole
floats, or labelled exports such as ``"10 - Extremely likely"``; missing scores are left out with a
count in a ``UserWarning``, never silently.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

__all__ = ["CLASSES", "classify", "latest_answers", "score_distribution"]


#: The three classes, in their natural order (the categorical order of :func:`classify`).
CLASSES = ("detractor", "passive", "promoter")


# ---------------------------------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------------------------------
def _check_choice(value, allowed, what):
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r}; choose one of {list(allowed)}")
    return value


def _examples(values, k=5):
    return list(pd.unique(pd.Series(values, dtype=object)))[:k]


_LABEL_RE = r"^\s*(\d+)(?![\d.,])"  # leading integer of a labelled answer: "10 - Extremely likely"


def _score_values(scores, name="scores") -> tuple[np.ndarray, pd.Index]:
    """Validate 0..10 scores; return float values (NaN = missing) and the index."""
    if isinstance(scores, pd.DataFrame):
        raise TypeError(f"{name} must be one column of scores, not a DataFrame; pass e.g. "
                        "df['score']")
    if scores is None or np.ndim(scores) == 0 and not isinstance(scores, pd.Series):
        raise TypeError(f"{name} must be a sequence of 0-10 scores (Series, array or list); got "
                        f"{type(scores).__name__}")
    s = scores if isinstance(scores, pd.Series) else pd.Series(list(scores) if not isinstance(
        scores, np.ndarray) else scores)
    if s.ndim != 1:
        raise TypeError(f"{name} must be one-dimensional")
    if pd.api.types.is_bool_dtype(s.dtype):
        raise TypeError(f"{name} are booleans; NPS needs 0-10 scores")
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(object)
    if pd.api.types.is_numeric_dtype(s.dtype):
        vals = s.to_numpy(dtype=float, na_value=np.nan)
    else:
        obj = s.astype(object)
        missing = obj.isna().to_numpy()
        is_str = obj.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
        blank = is_str & obj.where(is_str, "x").astype(str).str.strip().eq("").to_numpy()
        if (~missing & ~is_str).any():
            bad = obj[~missing & ~is_str]
            if bad.map(lambda v: isinstance(v, (bool, np.bool_))).any():
                raise TypeError(f"{name} contain booleans; NPS needs 0-10 scores")
        num = pd.to_numeric(obj.where(~blank), errors="coerce").to_numpy(dtype=float, copy=True,
                                                                          na_value=np.nan)
        need = np.isnan(num) & ~missing & ~blank & is_str
        if need.any():
            lead = obj[need].astype(str).str.extract(_LABEL_RE, expand=False)
            num[need] = pd.to_numeric(lead, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        bad = np.isnan(num) & ~missing & ~blank
        if bad.any():
            raise ValueError(f"{bad.sum()} {name} are not 0-10 scores, e.g. {_examples(s[bad])}; "
                             "give integers 0..10 or labels that start with one "
                             "('10 - Extremely likely')")
        vals = num
    finite = ~np.isnan(vals)
    if np.isinf(vals).any():
        raise ValueError(f"{name} contain infinite values; NPS needs 0-10 scores")
    whole = np.floor(vals[finite]) == vals[finite]
    if not whole.all():
        raise ValueError(f"{(~whole).sum()} {name} are not whole numbers, e.g. "
                         f"{_examples(vals[finite][~whole])}; NPS needs integer scores 0..10 "
                         "(round or map them first)")
    out = (vals[finite] < 0) | (vals[finite] > 10)
    if out.any():
        raise ValueError(f"{out.sum()} {name} are outside 0..10, e.g. "
                         f"{_examples(vals[finite][out].astype(int))}; check the scale of the "
                         "question (NPS uses 0-10)")
    return vals, s.index


def _codes(vals, promoter_min=9, passive_min=7):
    """0 = detractor, 1 = passive, 2 = promoter, -1 = missing."""
    codes = np.where(vals >= promoter_min, 2, np.where(vals >= passive_min, 1, 0))
    return np.where(np.isnan(vals), -1, codes).astype(np.int8)


def _weight_values(weights, n, index, name="weights"):
    if weights is None:
        return None
    if isinstance(weights, pd.DataFrame):
        raise TypeError(f"{name} must be one column, not a DataFrame")
    w_s = weights if isinstance(weights, pd.Series) else pd.Series(np.asarray(weights))
    if len(w_s) != n:
        raise ValueError(f"{name} have {len(w_s)} values but there are {n} scores; give one weight "
                         "per answer")
    if isinstance(weights, pd.Series) and not weights.index.equals(index):
        raise ValueError(f"the index of {name} does not match the index of the scores; align them "
                         "(e.g. take both columns from the same DataFrame)")
    if not pd.api.types.is_numeric_dtype(w_s.dtype) or pd.api.types.is_bool_dtype(w_s.dtype):
        raise TypeError(f"{name} must be numeric; got dtype {w_s.dtype}")
    w = w_s.to_numpy(dtype=float, na_value=np.nan)
    return w


def _prepare(scores, weights=None, *, warn=True, stacklevel=3):
    """Validated codes (no missing) and weights; missing scores dropped with a warning."""
    vals, index = _score_values(scores)
    if len(vals) == 0:
        raise ValueError("no scores: the input is empty")
    w = _weight_values(weights, len(vals), index)
    keep = ~np.isnan(vals)
    n_missing = int((~keep).sum())
    if n_missing == len(vals):
        raise ValueError(f"all {len(vals)} scores are missing; nothing to summarise")
    if w is not None:
        bad = keep & ~np.isfinite(w)
        if bad.any():
            raise ValueError(f"{bad.sum()} weights are missing or infinite where the score is "
                             "present; fill or drop those rows")
        if (w[keep] < 0).any():
            raise ValueError("weights must be >= 0; found negative weights")
        if w[keep].sum() <= 0:
            raise ValueError("all weights are zero; nothing to summarise")
    if n_missing and warn:
        warnings.warn(f"{n_missing} of {len(vals)} scores are missing and were left out",
                      UserWarning, stacklevel=stacklevel)
    codes = _codes(vals[keep])
    return codes, (None if w is None else w[keep]), n_missing, keep


# ---------------------------------------------------------------------------------------------------
# Classes
# ---------------------------------------------------------------------------------------------------
def classify(scores, promoter_min=9, passive_min=7) -> pd.Series:
    """Classify 0-10 answers as detractor, passive or promoter.

    Parameters
    ----------
    scores : Series, array or list
        Answers on the 0-10 scale: integers (also pandas ``Int64``), floats that are whole numbers,
        or labelled answers as exported by survey tools (``"10 - Extremely likely"``, ``"9"``); the
        leading integer is used. Missing values (NaN, None, <NA>, blank strings) stay missing.
    promoter_min : int, default 9
        Lowest score counted as a promoter.
    passive_min : int, default 7
        Lowest score counted as a passive; below it is a detractor.

    Returns
    -------
    pandas.Series
        Ordered categorical (``detractor < passive < promoter``) named ``nps_class``, with the index
        of ``scores`` (a RangeIndex for arrays and lists).

    Raises
    ------
    TypeError
        If ``scores`` is a DataFrame, a scalar or booleans.
    ValueError
        If any score is outside 0..10, not a whole number, an unparseable string, or the thresholds
        are not integers with ``0 < passive_min < promoter_min <= 10``.

    Examples
    --------
    >>> classify([10, 8, 3, None]).tolist()
    ['promoter', 'passive', 'detractor', nan]
    >>> classify(pd.Series([9.0, 6.0])).cat.categories.tolist()
    ['detractor', 'passive', 'promoter']
    """
    for nm, v in (("promoter_min", promoter_min), ("passive_min", passive_min)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ValueError(f"{nm} must be an integer; got {v!r}")
    if not 0 < passive_min < promoter_min <= 10:
        raise ValueError(f"thresholds must satisfy 0 < passive_min < promoter_min <= 10; got "
                         f"passive_min={passive_min}, promoter_min={promoter_min}")
    vals, index = _score_values(scores)
    codes = _codes(vals, promoter_min, passive_min)
    cat = pd.Categorical.from_codes(codes, categories=list(CLASSES), ordered=True)
    return pd.Series(cat, index=index, name="nps_class")


def latest_answers(survey, *, observation_end=None, customer_id="customer_id", promoter_min=9,
                   passive_min=7) -> pd.DataFrame:
    """Each customer's latest NPS answer (up to ``observation_end``) and its class.

    Input: the survey, one row per answer (``customer_id``, ``score``, ``response_date``); answers
    without a customer id cannot be linked and are left out (they still count in the overall NPS),
    as are answers without a score. Of several answers on the same latest date, the one listed last
    wins; undated answers count as older than any dated one. Every "latest answer per customer" of
    the collection (loyalty ladder, customer actions, year-on-year panel) comes from here.

    Parameters
    ----------
    survey : pandas.DataFrame
    observation_end : date-like, optional
        The as-of date: answers after this day are ignored (the day itself is included).
    customer_id : str, default "customer_id"
        Column that links answers to customers.
    promoter_min, passive_min : int
        Class thresholds (see :func:`classify`).

    Returns
    -------
    pandas.DataFrame
        Index named after the ``customer_id`` column (str, sorted): ``nps_score`` (Int64),
        ``nps_class`` (ordered categorical), ``nps_response_date``, ``n_answers`` (linked answers up
        to ``observation_end``).

    Raises
    ------
    TypeError
        If ``survey`` is not a DataFrame.
    ValueError
        If the customer or ``score`` column is missing.

    Examples
    --------
    >>> sv = pd.DataFrame({"customer_id": ["a", "a", "b", None], "score": [3, 10, 8, 9],
    ...                    "response_date": pd.to_datetime(["2024-01-01", "2024-03-01",
    ...                                                     "2024-02-01", "2024-02-01"])})
    >>> latest_answers(sv)[["nps_score", "nps_class"]].astype(str).values.tolist()
    [['10', 'promoter'], ['8', 'passive']]
    """
    if not isinstance(survey, pd.DataFrame):
        raise TypeError(f"survey must be a DataFrame, got {type(survey).__name__}")
    missing = [c for c in (customer_id, "score") if c not in survey.columns]
    if missing:
        raise ValueError(f"survey lacks column(s) {missing} needed to link answers to customers; "
                         f"columns present: {list(survey.columns)}")
    s = survey[survey[customer_id].notna() & survey["score"].notna()]
    if "response_date" in s.columns:
        when = pd.to_datetime(s["response_date"])
        if observation_end is not None:  # undated answers are kept
            keep = when.isna() | (when.dt.normalize() <= pd.Timestamp(observation_end).normalize())
            s, when = s[keep], when[keep]
        s = s.assign(_when=when).sort_values("_when", kind="stable", na_position="first")
    else:
        s = s.assign(_when=pd.NaT)
    s = s.assign(**{customer_id: s[customer_id].astype(str)})
    g = s.groupby(customer_id, sort=True)
    last = g.tail(1).set_index(customer_id).sort_index()
    out = pd.DataFrame({"nps_score": last["score"].astype("Int64")}, index=last.index)
    cls = classify(out["nps_score"], promoter_min=promoter_min, passive_min=passive_min)
    out["nps_class"] = cls.to_numpy()
    out["nps_response_date"] = last["_when"].astype("datetime64[ns]")
    out["n_answers"] = g.size().reindex(out.index).astype("int64")
    out.index.name = customer_id
    return out


def score_distribution(scores, *, promoter_min=9, passive_min=7) -> pd.DataFrame:
    """How many answers each score 0..10 got, with its share and class.

    Parameters
    ----------
    scores : Series, array or list
        0-10 answers (see :func:`classify`). Missing ones are not counted; ``result.attrs["missing"]``
        holds how many there were.
    promoter_min, passive_min : int
        Class thresholds, as in :func:`classify`.

    Returns
    -------
    pandas.DataFrame
        Always 11 rows (scores 0..10, zeros included): ``score``, ``n``, ``share`` (of the answers
        given), ``nps_class`` (ordered categorical).

    Raises
    ------
    ValueError, TypeError
        As in :func:`classify`.

    Examples
    --------
    >>> d = score_distribution([10, 10, 7, 3, None])
    >>> d.loc[d["n"] > 0, ["score", "n"]].values.tolist()
    [[3, 1], [7, 1], [10, 2]]
    >>> d.attrs["missing"]
    1
    """
    vals, _ = _score_values(scores)
    given = vals[~np.isnan(vals)].astype(int)
    n = np.bincount(given, minlength=11)
    cls = classify(np.arange(11), promoter_min=promoter_min, passive_min=passive_min)
    out = pd.DataFrame({"score": np.arange(11), "n": n,
                        "share": n / n.sum() if n.sum() else np.zeros(11),
                        "nps_class": cls.to_numpy()})
    out.attrs["missing"] = int(np.isnan(vals).sum())
    return out
