"""Net Promoter Score: classes, the score with its uncertainty, comparisons, trends and drivers.

The Net Promoter Score (Reichheld, 2003) asks "How likely is it that you would recommend us to a
friend or colleague?" on a 0-10 scale. Answers 9-10 are promoters, 7-8 passives, 0-6 detractors, and

    NPS = 100 * (share of promoters - share of detractors),   on the -100..100 scale.

Each answer is a draw from a trinomial distribution, so with shares ``p_P`` and ``p_D`` the variance of
the NPS (as a proportion) is ``(p_P + p_D - (p_P - p_D)**2) / n`` (Rocks, 2016). Everything here builds
on that: confidence intervals (Wald, adjusted Wald, bootstrap), differences between groups or periods
(independent or paired by respondent), per-segment tests with Holm-adjusted p-values, trends, sample
sizes, an ordinal regression of the score on attributes and behaviour, and the words that separate
promoters from detractors.

Survey frames follow the data contract: ``score`` (Int64 0..10), ``response_date`` (datetime),
``customer_id`` (may be missing), ``weight`` (optional) and any other column as an attribute. Missing
scores are always left out with a count in a ``UserWarning``, never silently.

Conventions of the returned tables: ``n`` is the number of answers used, ``n_eff`` the Kish effective
sample size (``n`` when unweighted), ``n_promoters``/``n_passives``/``n_detractors`` the unweighted
counts, ``promoters``/``passives``/``detractors`` the (weighted) shares in 0..1, and ``nps``, ``se``,
``ci_low``, ``ci_high`` are in NPS points (-100..100).

References
----------
Reichheld, F. F. (2003). The One Number You Need to Grow. Harvard Business Review, 81(12), 46-54.
Rocks, B. (2016). Interval Estimation for the 'Net Promoter Score'. The American Statistician, 70(4).
Kish, L. (1965). Survey Sampling. Wiley (effective sample size of a weighted sample).
Monroe, B. L., Colaresi, M. P. & Quinn, K. M. (2008). Fightin' Words. Political Analysis, 16(4).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "CLASSES",
    "CI_METHODS",
    "DEFAULT_CI_METHOD",
    "classify",
    "latest_answers",
    "score_distribution",
    "nps_interval_from_counts",
    "nps_summary",
    "nps_intervals",
    "compare_periods",
    "nps_headline",
    "compare",
    "compare_segments",
    "class_distribution_test",
    "trend",
    "sample_size",
    "sample_size_difference",
    "behaviour_at_response",
    "drivers",
    "distinguishing_words",
]

#: The three classes, in their natural order (the categorical order of :func:`classify`).
CLASSES = ("detractor", "passive", "promoter")
#: Confidence interval methods for a single NPS.
CI_METHODS = ("adjusted_wald", "wald", "bootstrap")
#: Default interval: the adjusted Wald interval (Rocks, 2016); see :func:`nps_summary`.
DEFAULT_CI_METHOD = "adjusted_wald"

_SUMMARY_COLUMNS = ["n", "n_eff", "n_promoters", "n_passives", "n_detractors", "promoters",
                    "passives", "detractors", "nps", "se", "ci_low", "ci_high", "method", "alpha"]
_ADJ_ADD = 0.75  # adjusted Wald: 3/4 promoter and 3/4 detractor added (and 3/2 passive: n + 3)
_ADJ_N = 3.0


# ---------------------------------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------------------------------
def _check_alpha(alpha):
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.floating)) \
            or not 0 < alpha < 1:
        raise ValueError(f"alpha must be a number strictly between 0 and 1 (e.g. 0.05 for a 95% "
                         f"interval); got {alpha!r}")
    return float(alpha)


def _check_choice(value, allowed, what):
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r}; choose one of {list(allowed)}")
    return value


def _z(alpha):
    return float(stats.norm.ppf(1 - alpha / 2))


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


def latest_answers(survey, *, as_of=None, customer="customer_id", promoter_min=9,
                   passive_min=7) -> pd.DataFrame:
    """Each customer's latest NPS answer (up to ``as_of``) and its class.

    Input: the survey, one row per answer (``customer_id``, ``score``, ``response_date``); answers
    without a customer id cannot be linked and are left out (they still count in the overall NPS),
    as are answers without a score. Of several answers on the same latest date, the one listed last
    wins; undated answers count as older than any dated one. Every "latest answer per customer" of
    the collection (loyalty ladder, customer actions, year-on-year panel) comes from here.

    Parameters
    ----------
    survey : pandas.DataFrame
    as_of : date-like, optional
        Answers after this day are ignored (the day itself is included).
    customer : str, default "customer_id"
        Column that links answers to customers.
    promoter_min, passive_min : int
        Class thresholds (see :func:`classify`).

    Returns
    -------
    pandas.DataFrame
        Index ``customer`` (str, sorted): ``nps_score`` (Int64), ``nps_class`` (ordered categorical),
        ``nps_response_date``, ``n_answers`` (linked answers up to ``as_of``).

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
    missing = [c for c in (customer, "score") if c not in survey.columns]
    if missing:
        raise ValueError(f"survey lacks column(s) {missing} needed to link answers to customers; "
                         f"columns present: {list(survey.columns)}")
    s = survey[survey[customer].notna() & survey["score"].notna()]
    if "response_date" in s.columns:
        when = pd.to_datetime(s["response_date"])
        if as_of is not None:  # undated answers are kept
            keep = when.isna() | (when.dt.normalize() <= pd.Timestamp(as_of).normalize())
            s, when = s[keep], when[keep]
        s = s.assign(_when=when).sort_values("_when", kind="stable", na_position="first")
    else:
        s = s.assign(_when=pd.NaT)
    s = s.assign(**{customer: s[customer].astype(str)})
    g = s.groupby(customer, sort=True)
    last = g.tail(1).set_index(customer).sort_index()
    out = pd.DataFrame({"nps_score": last["score"].astype("Int64")}, index=last.index)
    cls = classify(out["nps_score"], promoter_min=promoter_min, passive_min=passive_min)
    out["nps_class"] = cls.to_numpy()
    out["nps_response_date"] = last["_when"].astype("datetime64[ns]")
    out["n_answers"] = g.size().reindex(out.index).astype("int64")
    out.index.name = customer
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


# ---------------------------------------------------------------------------------------------------
# One NPS and its interval
# ---------------------------------------------------------------------------------------------------
def _interval(p, d, n, method, alpha):
    """Centre, SE and CI in proportion units for shares p (promoters), d (detractors), size n.

    Vectorised over arrays. ``se`` is always the plain trinomial SE of the observed NPS; the interval
    of the adjusted Wald method uses the adjusted shares and n + 3.
    """
    p, d, n = (np.asarray(x, dtype=float) for x in (p, d, n))
    z = _z(alpha)
    with np.errstate(invalid="ignore", divide="ignore"):
        nps = p - d
        se = np.sqrt(np.maximum(p + d - nps ** 2, 0) / n)
        if method == "wald":
            centre, half = nps, z * se
        elif method == "adjusted_wald":
            nt = n + _ADJ_N
            pt, dt = (p * n + _ADJ_ADD) / nt, (d * n + _ADJ_ADD) / nt
            centre = pt - dt
            half = z * np.sqrt(np.maximum(pt + dt - centre ** 2, 0) / nt)
        else:  # pragma: no cover - checked by callers
            raise ValueError(method)
        low = np.clip(centre - half, -1, 1)
        high = np.clip(centre + half, -1, 1)
    bad = ~(n > 0)
    return tuple(np.where(bad, np.nan, arr) for arr in (nps, se, low, high))


def _bootstrap_counts(P, Pa, D, alpha, n_boot, seed):
    """Percentile bootstrap from integer counts (exact resampling of respondents), vectorised."""
    P, Pa, D = (np.atleast_1d(np.asarray(x)) for x in (P, Pa, D))
    n = (P + Pa + D).astype(np.int64)
    rng = np.random.default_rng(seed)
    low, high = np.full(len(n), np.nan), np.full(len(n), np.nan)
    chunk = max(1, int(4_000_000 // max(n_boot, 1)))
    for start in range(0, len(n), chunk):
        sl = slice(start, start + chunk)
        nn = n[sl]
        ok = nn > 0
        probs = np.column_stack([P[sl], Pa[sl], D[sl]]) / np.where(ok, nn, 1)[:, None]
        probs[~ok] = [0, 1, 0]
        draws = rng.multinomial(np.where(ok, nn, 0), probs, size=(n_boot, len(nn)))
        est = (draws[..., 0] - draws[..., 2]) / np.where(ok, nn, 1)
        q = np.quantile(est, [alpha / 2, 1 - alpha / 2], axis=0)
        low[sl] = np.where(ok, q[0], np.nan)
        high[sl] = np.where(ok, q[1], np.nan)
    return low, high


def _bootstrap_weighted(codes, w, alpha, n_boot, seed):
    """Percentile bootstrap resampling respondents with their weights, in memory-bounded chunks."""
    rng = np.random.default_rng(seed)
    s = codes.astype(float) - 1.0
    n = len(s)
    chunk = max(1, int(2_000_000 // max(n, 1)))
    est = np.empty(n_boot)
    for start in range(0, n_boot, chunk):
        b = min(chunk, n_boot - start)
        idx = rng.integers(0, n, size=(b, n))
        ww = w[idx]
        tot = ww.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            est[start:start + b] = (ww * s[idx]).sum(axis=1) / tot
    q = np.nanquantile(est, [alpha / 2, 1 - alpha / 2])
    return q[0], q[1]


def nps_interval_from_counts(promoters, passives, detractors, *, method=DEFAULT_CI_METHOD,
                             alpha=0.05, n_boot=2000, seed=0) -> pd.DataFrame:
    """NPS, standard error and confidence interval from class counts, vectorised over many rows.

    This is the computation behind :func:`nps_summary`; use it directly for many groups at once or
    for simulations (pass arrays of counts).

    Parameters
    ----------
    promoters, passives, detractors : int, float or array-like
        Counts per row (same shape). Fractional counts (weighted shares times the effective sample
        size) are allowed for ``"wald"`` and ``"adjusted_wald"``.
    method : {"adjusted_wald", "wald", "bootstrap"}, default "adjusted_wald"
        See :func:`nps_summary`. ``"bootstrap"`` needs integer counts.
    alpha : float, default 0.05
        1 - confidence level.
    n_boot : int, default 2000
        Bootstrap resamples (``"bootstrap"`` only).
    seed : int, default 0
        Seed of the bootstrap.

    Returns
    -------
    pandas.DataFrame
        One row per input row: ``n``, ``nps``, ``se`` (trinomial SE of the observed NPS), ``ci_low``,
        ``ci_high``, all in NPS points except ``n``. Rows with ``n == 0`` are NaN.

    Raises
    ------
    ValueError
        For negative or non-finite counts, shapes that differ, an unknown method or a bad alpha.

    Examples
    --------
    >>> r = nps_interval_from_counts(5, 2, 3, method="wald")
    >>> round(float(r["nps"].iloc[0]), 1), round(float(r["se"].iloc[0]), 2)
    (20.0, 27.57)
    """
    alpha = _check_alpha(alpha)
    _check_choice(method, CI_METHODS, "method")
    arrs = [np.atleast_1d(np.asarray(x, dtype=float)) for x in (promoters, passives, detractors)]
    if len({a.shape for a in arrs}) != 1 or arrs[0].ndim != 1:
        raise ValueError("promoters, passives and detractors must be scalars or 1-D arrays of the "
                         "same length")
    P, Pa, D = arrs
    if not all(np.isfinite(a).all() and (a >= 0).all() for a in arrs):
        raise ValueError("counts must be finite and >= 0")
    n = P + Pa + D
    if method == "bootstrap":
        if not all(np.allclose(a, np.round(a)) for a in arrs):
            raise ValueError("the bootstrap from counts needs whole counts; use nps_summary with "
                             "weights for a weighted bootstrap")
        with np.errstate(invalid="ignore", divide="ignore"):
            nps, se, _, _ = _interval(P / n, D / n, n, "wald", alpha)
        low, high = _bootstrap_counts(*(np.round(a).astype(np.int64) for a in arrs), alpha,
                                      int(n_boot), seed)
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            nps, se, low, high = _interval(P / n, D / n, n, method, alpha)
    return pd.DataFrame({"n": n, "nps": 100 * nps, "se": 100 * se, "ci_low": 100 * low,
                         "ci_high": 100 * high})


def _shares(codes, w):
    """Counts and (weighted) shares of one group of codes."""
    counts = np.bincount(codes, minlength=3)
    n = len(codes)
    if w is None:
        shares = counts / n
        n_eff = float(n)
    else:
        tot = w.sum()
        shares = np.bincount(codes, weights=w, minlength=3) / tot
        n_eff = float(tot ** 2 / (w ** 2).sum())
    return n, n_eff, counts, shares


def _summary_row(codes, w, alpha, method, n_boot, seed):
    n, n_eff, counts, shares = _shares(codes, w)
    if method == "bootstrap":
        nps, se, _, _ = _interval(shares[2], shares[0], n_eff, "wald", alpha)
        if w is None:
            low, high = _bootstrap_counts(counts[2], counts[1], counts[0], alpha, n_boot, seed)
            low, high = low[0], high[0]
        else:
            low, high = _bootstrap_weighted(codes, w, alpha, n_boot, seed)
    else:
        nps, se, low, high = _interval(shares[2], shares[0], n_eff, method, alpha)
    return {"n": n, "n_eff": n_eff, "n_promoters": int(counts[2]), "n_passives": int(counts[1]),
            "n_detractors": int(counts[0]), "promoters": shares[2], "passives": shares[1],
            "detractors": shares[0], "nps": 100 * float(nps), "se": 100 * float(se),
            "ci_low": 100 * float(low), "ci_high": 100 * float(high), "method": method,
            "alpha": alpha}


def _warn_degenerate(row, label=""):
    if row["n"] > 0 and row["se"] == 0:
        warnings.warn(f"all answers{label} fall in one class (NPS {row['nps']:+.0f}); the standard "
                      "error is 0 and only the adjusted Wald or bootstrap interval is informative",
                      UserWarning, stacklevel=4)


def nps_summary(scores, weights=None, alpha=0.05, *, method=DEFAULT_CI_METHOD, n_boot=2000,
                seed=0) -> pd.Series:
    """Net Promoter Score with its class shares, standard error and confidence interval.

    The standard error comes from the trinomial variance of the observed shares,
    ``Var = (p_P + p_D - (p_P - p_D)**2) / n``. Three intervals are offered:

    - ``"adjusted_wald"`` (default): add 3/4 of a promoter and 3/4 of a detractor (and so 3/2 of a
      passive: n + 3), then a Wald interval around the adjusted score (Rocks, 2016). It is the
      default because it holds the nominal coverage from small samples upwards and never collapses
      to zero width when all answers fall in one class. Coverage of the 95% interval measured on
      4,000 simulated samples per cell (true shares P/Pa/D of .45/.30/.25, .70/.20/.10,
      .30/.30/.40, .90/.07/.03): 93.9-96.3% at n = 30, 94.7-95.5% at n = 100, 94.9-95.3% at
      n = 1,000.
    - ``"wald"``: the plain normal interval ``nps +/- z * se``. Fine for large n; too narrow for small
      n (85.4-93.7% coverage at n = 30, 91.4-95.0% at n = 100 in the same simulation) and of zero
      width when all answers are in one class.
    - ``"bootstrap"``: percentile bootstrap over respondents (``n_boot`` resamples, seeded), offered
      as a cross-check; it under-covers like the Wald interval when n is small and the shares are
      extreme (84.6% at n = 30 with 90% promoters).

    Weighted NPS uses weighted shares and the Kish effective sample size
    ``n_eff = (sum w)**2 / sum(w**2)`` in place of n. Intervals are clipped to -100..100.

    Parameters
    ----------
    scores : Series, array or list
        0-10 answers (see :func:`classify` for accepted forms). Missing ones are left out with a
        ``UserWarning`` giving their count.
    weights : Series, array or list, optional
        Survey weights (>= 0), one per answer, aligned with ``scores``.
    alpha : float, default 0.05
        1 - confidence level.
    method : {"adjusted_wald", "wald", "bootstrap"}, default "adjusted_wald"
        Interval method (see above).
    n_boot : int, default 2000
        Bootstrap resamples.
    seed : int, default 0
        Seed of the bootstrap.

    Returns
    -------
    pandas.Series
        ``n``, ``n_eff``, ``n_promoters``, ``n_passives``, ``n_detractors`` (counts), ``promoters``,
        ``passives``, ``detractors`` (shares 0..1), ``nps``, ``se``, ``ci_low``, ``ci_high``
        (NPS points), ``method``, ``alpha``.

    Raises
    ------
    ValueError
        Empty or all-missing input, scores outside 0..10 or not whole, weights of the wrong length,
        negative or missing weights, unknown method, bad alpha.
    TypeError
        Non-score input (DataFrame, booleans, scalar).

    Examples
    --------
    >>> s = nps_summary([10, 10, 9, 9, 9, 8, 7, 6, 3, 0], method="wald")
    >>> float(s["nps"]), round(float(s["se"]), 2)
    (20.0, 27.57)
    >>> nps_headline(nps_summary([10] * 60 + [8] * 20 + [2] * 20))
    'NPS +40 (95% CI +23 to +54, n = 100)'
    """
    alpha = _check_alpha(alpha)
    _check_choice(method, CI_METHODS, "method")
    codes, w, _, _ = _prepare(scores, weights)
    row = _summary_row(codes, w, alpha, method, int(n_boot), seed)
    if method == "wald":
        _warn_degenerate(row)
    return pd.Series(row, name="nps")[_SUMMARY_COLUMNS]


def nps_intervals(scores, weights=None, alpha=0.05, *, n_boot=2000, seed=0) -> pd.DataFrame:
    """The NPS interval by every method side by side, as a cross-check of the default.

    Parameters
    ----------
    scores, weights, alpha, n_boot, seed
        As in :func:`nps_summary`.

    Returns
    -------
    pandas.DataFrame
        One row per method (``adjusted_wald``, ``wald``, ``bootstrap``) with the columns of
        :func:`nps_summary`.

    Raises
    ------
    ValueError, TypeError
        As in :func:`nps_summary`.

    Examples
    --------
    >>> nps_intervals([10] * 60 + [8] * 20 + [2] * 20)["method"].tolist()
    ['adjusted_wald', 'wald', 'bootstrap']
    """
    alpha = _check_alpha(alpha)
    codes, w, _, _ = _prepare(scores, weights)
    rows = [_summary_row(codes, w, alpha, m, int(n_boot), seed) for m in CI_METHODS]
    return pd.DataFrame(rows)[_SUMMARY_COLUMNS]


def _signed(x, decimals=0):
    v = round(float(x), decimals)
    if v == 0:
        return "0" if decimals == 0 else f"{0:.{decimals}f}"
    return f"{v:+.{decimals}f}"


def nps_headline(summary_row, *, decimals=0) -> str:
    """One line of text for a report: ``"NPS +23 (95% CI +19 to +27, n = 3,902)"``.

    Parameters
    ----------
    summary_row : Series, dict or one-row DataFrame
        A result of :func:`nps_summary` (or one row of :func:`trend` / :func:`compare_segments`):
        needs ``nps``, ``ci_low``, ``ci_high``, ``n``; uses ``alpha`` (default 0.05) and shows
        ``n_eff`` when it differs from ``n`` (weighted data).
    decimals : int, default 0
        Decimals of the score and its bounds.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If a required field is missing or the DataFrame has more than one row.

    Examples
    --------
    >>> nps_headline({"nps": 23.2, "ci_low": 19.04, "ci_high": 27.4, "n": 3902})
    'NPS +23 (95% CI +19 to +27, n = 3,902)'
    """
    row = summary_row
    if isinstance(row, pd.DataFrame):
        if len(row) != 1:
            raise ValueError(f"nps_headline needs one row; got a DataFrame with {len(row)} rows")
        row = row.iloc[0]
    row = dict(row)
    missing = [k for k in ("nps", "ci_low", "ci_high", "n") if k not in row]
    if missing:
        raise ValueError(f"summary_row lacks {missing}; pass a result of nps_summary")
    level = 100 * (1 - float(row.get("alpha", 0.05)))
    level_txt = f"{level:.0f}" if float(level).is_integer() else f"{level:g}"
    if pd.isna(row["nps"]):
        return f"NPS not available (n = {int(row['n']):,})"
    text = (f"NPS {_signed(row['nps'], decimals)} ({level_txt}% CI "
            f"{_signed(row['ci_low'], decimals)} to {_signed(row['ci_high'], decimals)}, "
            f"n = {int(row['n']):,}")
    n_eff = row.get("n_eff")
    if n_eff is not None and not pd.isna(n_eff) and abs(float(n_eff) - float(row["n"])) >= 0.5:
        text += f", effective n = {float(n_eff):,.0f}"
    return text + ")"


# ---------------------------------------------------------------------------------------------------
# Differences
# ---------------------------------------------------------------------------------------------------
_DIFF_METHODS = ("adjusted_wald", "wald")


def _diff_stats(pa, da, na, pb, db, nb, method, alpha):
    """Difference a - b of two independent NPS (proportion units), vectorised.

    Returns diff (observed), se, z, p, low, high. For the adjusted Wald method the test and the
    interval both use the adjusted shares (n + 3), so the interval excludes 0 exactly when p < alpha.
    """
    pa, da, na, pb, db, nb = (np.asarray(x, dtype=float) for x in (pa, da, na, pb, db, nb))
    with np.errstate(invalid="ignore", divide="ignore"):
        diff = (pa - da) - (pb - db)
        if method == "adjusted_wald":
            def adj(p, d, n):
                nt = n + _ADJ_N
                return (p * n + _ADJ_ADD) / nt, (d * n + _ADJ_ADD) / nt, nt
            pa, da, na = adj(pa, da, na)
            pb, db, nb = adj(pb, db, nb)
        centre = (pa - da) - (pb - db)
        var = np.maximum(pa + da - (pa - da) ** 2, 0) / na + np.maximum(pb + db - (pb - db) ** 2,
                                                                         0) / nb
        se = np.sqrt(var)
        z = np.where(se > 0, centre / se, np.nan)
        p = 2 * stats.norm.sf(np.abs(z))
        half = _z(alpha) * se
        low, high = np.clip(centre - half, -2, 2), np.clip(centre + half, -2, 2)
    return diff, se, z, p, low, high


def _as_scores(x, score, weight, name):
    """Scores (and weights) from a Series/array or a DataFrame column."""
    if isinstance(x, pd.DataFrame):
        if score not in x.columns:
            raise ValueError(f"{name} has no column {score!r}; columns are {list(x.columns)}; pass "
                             "score=<name>")
        w = None
        if weight is not None:
            if weight not in x.columns:
                raise ValueError(f"{name} has no weight column {weight!r}")
            w = x[weight]
        return x[score], w
    if weight is not None:
        raise ValueError("weight= names a column, so a and b must be DataFrames")
    return x, None


def compare(a, b, *, paired_on=None, score="score", weight=None, alpha=0.05,
            method=DEFAULT_CI_METHOD) -> pd.Series:
    """Difference of two NPS values, ``a - b`` (sign kept), with SE, z, p-value and interval.

    **Independent groups** (default): ``se = sqrt(se_a**2 + se_b**2)`` from the trinomial variances
    (Kish effective sizes when weighted), a two-sided z-test, and an interval by ``method``: with
    ``"adjusted_wald"`` (default) both groups get 3/4 promoter and 3/4 detractor added (n + 3) and
    the z-test uses the same adjusted quantities, so the interval excludes 0 exactly when
    ``p_value < alpha``; ``"wald"`` uses the observed shares.

    **Panel** (``paired_on="customer_id"``): when the same respondents answer in both periods, each
    respondent's answer is coded +1 (promoter), 0 (passive), -1 (detractor); the difference is the
    mean of the per-respondent differences, its SE their standard deviation (ddof=1) over
    ``sqrt(n_pairs)``, and z, p and the interval are normal. Pairing removes the between-respondent
    variation, so the test is usually much sharper than treating the periods as independent.
    Respondents present in only one period are left out with a warning.

    Parameters
    ----------
    a, b : Series, array, list or DataFrame
        Scores of the two groups (``a`` minus ``b``). DataFrames are needed for ``paired_on`` and
        ``weight`` and use the ``score`` column.
    paired_on : str, optional
        Column linking respondents across ``a`` and ``b`` (e.g. ``"customer_id"``); each id must
        appear at most once in each frame.
    score : str, default "score"
        Score column of DataFrame inputs.
    weight : str, optional
        Weight column of DataFrame inputs (independent comparison only).
    alpha : float, default 0.05
        1 - confidence level.
    method : {"adjusted_wald", "wald"}, default "adjusted_wald"
        Interval and test of the independent comparison (the paired one is always normal).

    Returns
    -------
    pandas.Series
        ``nps_a``, ``nps_b``, ``diff``, ``se``, ``z``, ``p_value``, ``ci_low``, ``ci_high`` (NPS
        points except z and p), ``n_a``, ``n_b``, ``n_pairs`` (NaN if independent), ``method``
        (``"independent (adjusted_wald)"``, ``"independent (wald)"`` or ``"paired"``), ``alpha``.

    Raises
    ------
    ValueError
        Bad scores or weights (see :func:`nps_summary`), a missing column, repeated ids within a
        frame, fewer than 2 pairs, weights with ``paired_on``.

    Examples
    --------
    >>> r = compare([10] * 50 + [3] * 50, [10] * 30 + [3] * 70, method="wald")
    >>> float(r["diff"]), round(float(r["se"]), 2)
    (40.0, 13.56)
    """
    alpha = _check_alpha(alpha)
    if paired_on is not None:
        if weight is not None:
            raise ValueError("weights are not supported for a paired comparison; drop weight= or "
                             "compare the periods as independent samples")
        return _compare_paired(a, b, paired_on, score, alpha)
    _check_choice(method, _DIFF_METHODS, "method")
    sa, wa = _as_scores(a, score, weight, "a")
    sb, wb = _as_scores(b, score, weight, "b")
    rows = []
    for nm, s, w in (("a", sa, wa), ("b", sb, wb)):
        codes, ww, n_missing, _ = _prepare(s, w, warn=False)
        if n_missing:
            warnings.warn(f"{n_missing} missing scores in {nm} were left out", UserWarning,
                          stacklevel=2)
        n, n_eff, _, shares = _shares(codes, ww)
        rows.append((n, n_eff, shares))
    (n_a, ne_a, sh_a), (n_b, ne_b, sh_b) = rows
    diff, se, z, p, low, high = _diff_stats(sh_a[2], sh_a[0], ne_a, sh_b[2], sh_b[0], ne_b,
                                            method, alpha)
    if not se > 0:
        warnings.warn("both groups have all answers in one class; the difference has no "
                      "standard error", UserWarning, stacklevel=2)
    return pd.Series({
        "nps_a": 100 * (sh_a[2] - sh_a[0]), "nps_b": 100 * (sh_b[2] - sh_b[0]),
        "diff": 100 * float(diff), "se": 100 * float(se), "z": float(z), "p_value": float(p),
        "ci_low": 100 * float(low), "ci_high": 100 * float(high), "n_a": n_a, "n_b": n_b,
        "n_pairs": np.nan, "method": f"independent ({method})", "alpha": alpha}, name="compare")


def _compare_paired(a, b, on, score, alpha):
    frames = []
    for nm, df in (("a", a), ("b", b)):
        if not isinstance(df, pd.DataFrame):
            raise ValueError(f"paired_on needs DataFrames with columns {on!r} and {score!r}; {nm} "
                             f"is a {type(df).__name__}")
        for col in (on, score):
            if col not in df.columns:
                raise ValueError(f"{nm} has no column {col!r}; columns are {list(df.columns)}")
        vals, _ = _score_values(df[score], name=f"scores in {nm}")
        ids = df[on]
        keep = ~np.isnan(vals) & ids.notna().to_numpy()
        if (~keep).any():
            warnings.warn(f"{(~keep).sum()} rows of {nm} have a missing score or {on} and were left "
                          "out of the paired comparison", UserWarning, stacklevel=3)
        f = pd.DataFrame({"id": ids[keep].to_numpy(), nm: _codes(vals[keep]).astype(float) - 1})
        dup = f["id"].duplicated(keep=False)
        if dup.any():
            raise ValueError(f"{on} repeats within {nm} (e.g. {_examples(f.loc[dup, 'id'], 3)}); "
                             "keep one answer per respondent and period (e.g. the latest)")
        frames.append(f)
    m = frames[0].merge(frames[1], on="id", how="inner")
    only_a, only_b = len(frames[0]) - len(m), len(frames[1]) - len(m)
    if only_a or only_b:
        warnings.warn(f"{only_a} respondents only in a and {only_b} only in b were left out of the "
                      f"paired comparison ({len(m)} pairs)", UserWarning, stacklevel=3)
    n = len(m)
    if n < 2:
        raise ValueError(f"a paired comparison needs at least 2 respondents in both a and b; found "
                         f"{n}")
    d = m["a"].to_numpy() - m["b"].to_numpy()
    diff = d.mean()
    se = d.std(ddof=1) / np.sqrt(n)
    if se == 0:
        warnings.warn("every respondent changed by the same amount; the paired difference has no "
                      "standard error", UserWarning, stacklevel=3)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = diff / se if se > 0 else np.nan
    p = 2 * stats.norm.sf(abs(z)) if se > 0 else np.nan
    half = _z(alpha) * se
    return pd.Series({
        "nps_a": 100 * m["a"].mean(), "nps_b": 100 * m["b"].mean(), "diff": 100 * diff,
        "se": 100 * se, "z": z, "p_value": p, "ci_low": 100 * max(diff - half, -2),
        "ci_high": 100 * min(diff + half, 2), "n_a": n, "n_b": n, "n_pairs": n,
        "method": "paired", "alpha": alpha}, name="compare")


# ---------------------------------------------------------------------------------------------------
# Frames: segments and trends
# ---------------------------------------------------------------------------------------------------
def _frame(df, score, weight, need=(), what="df"):
    """Validated survey frame with ``_code`` (0/1/2) and ``_w``; missing scores left out, warned."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{what} must be a pandas DataFrame; got {type(df).__name__}")
    for col in (score, *need) + ((weight,) if weight is not None else ()):
        if col not in df.columns:
            raise ValueError(f"{what} has no column {col!r}; columns are {list(df.columns)}")
    codes, w, n_missing, keep = _prepare(df[score], None if weight is None else df[weight],
                                         warn=False)
    if n_missing:
        warnings.warn(f"{n_missing} of {len(df)} rows have no score and were left out",
                      UserWarning, stacklevel=3)
    out = df.loc[keep, list(dict.fromkeys(need))].copy()
    out["_code"] = codes
    out["_w"] = 1.0 if w is None else w
    return out


def _group_table(f, key) -> pd.DataFrame:
    """Counts, shares and n_eff per value of ``key`` in a frame from :func:`_frame`.

    Private columns ``_w``, ``_w2``, ``_w_promoters``, ``_w_detractors`` hold the per-group sums.
    """
    g = pd.DataFrame({"key": f[key].to_numpy(), "w": f["_w"].to_numpy(),
                      "w2": f["_w"].to_numpy() ** 2})
    for c, nm in enumerate(("detractors", "passives", "promoters")):
        hit = f["_code"].to_numpy() == c
        g["n_" + nm] = hit.astype(np.int64)
        g["w_" + nm] = np.where(hit, g["w"], 0.0)
    t = g.groupby("key", sort=True, observed=True, dropna=False).sum()
    t.index.name = None
    out = pd.DataFrame(index=t.index)
    out["n"] = t[["n_detractors", "n_passives", "n_promoters"]].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["n_eff"] = t["w"] ** 2 / t["w2"]
        for nm in ("promoters", "passives", "detractors"):
            out["n_" + nm] = t["n_" + nm]
        for nm in ("promoters", "passives", "detractors"):
            out[nm] = t["w_" + nm] / t["w"]
    # raw sums, so that "all other segments" can be formed by subtraction
    for c in ("w", "w2", "w_promoters", "w_detractors"):
        out["_" + c] = t[c]
    return out


def _add_intervals(t, f, key, method, alpha, n_boot, seed):
    """Add nps, se, ci_low, ci_high, method, alpha to a group table."""
    ok = t["n_eff"].fillna(0).to_numpy() > 0
    p, d, n = (t[c].to_numpy(dtype=float) for c in ("promoters", "detractors", "n_eff"))
    n = np.where(ok, n, 0.0)
    m = "wald" if method == "bootstrap" else method
    nps, se, low, high = _interval(np.where(ok, p, 0), np.where(ok, d, 0), n, m, alpha)
    if method == "bootstrap":
        weighted = not np.allclose(f["_w"].to_numpy(), 1.0)
        keys = f[key].to_numpy()
        for i, k in enumerate(t.index):
            if not ok[i]:
                continue
            sel = keys == k if not pd.isna(k) else pd.isna(keys)
            codes = f["_code"].to_numpy()[sel]
            if weighted:
                low[i], high[i] = _bootstrap_weighted(codes, f["_w"].to_numpy()[sel], alpha,
                                                      n_boot, seed)
            else:
                c = np.bincount(codes, minlength=3)
                lo, hi = _bootstrap_counts(c[2], c[1], c[0], alpha, n_boot, seed)
                low[i], high[i] = lo[0], hi[0]
    t = t.copy()
    t["nps"], t["se"], t["ci_low"], t["ci_high"] = 100 * nps, 100 * se, 100 * low, 100 * high
    t["method"], t["alpha"] = method, alpha
    return t


def class_distribution_test(df, by, *, score="score", weight=None) -> pd.Series:
    """Chi-square test that the detractor/passive/promoter mix is the same in every segment.

    With weights, each segment's weighted shares are scaled to its Kish effective sample size before
    the test (a first-order design-effect correction; not a full Rao-Scott test).

    Parameters
    ----------
    df : DataFrame
        Survey frame with ``score`` and ``by`` columns.
    by : str
        Segment column. Rows with a missing segment are left out with a warning.
    score : str, default "score"
    weight : str, optional
        Weight column.

    Returns
    -------
    pandas.Series
        ``chi2``, ``dof``, ``p_value``, ``n`` (answers used), ``segments``, ``min_expected``.

    Raises
    ------
    ValueError
        Missing columns, bad scores, fewer than 2 segments.

    Examples
    --------
    >>> df = pd.DataFrame({"score": [10] * 30 + [8] * 10 + [3] * 10 + [10] * 10 + [8] * 10
    ...                    + [3] * 30, "g": ["a"] * 50 + ["b"] * 50})
    >>> res = class_distribution_test(df, "g")
    >>> int(res["dof"]), round(float(res["chi2"]), 2)
    (2, 20.0)
    """
    f = _frame(df, score, weight, need=(by,))
    f = _drop_missing_key(f, by)
    t = _group_table(f, by)
    if len(t) < 2:
        raise ValueError(f"{by!r} has fewer than 2 segments with answers; nothing to compare")
    res = _chi2(t)
    if res["min_expected"] < 5:
        warnings.warn(f"some expected counts are below 5 (smallest {res['min_expected']:.1f}); the "
                      "chi-square p-value is approximate - merge small segments", UserWarning,
                      stacklevel=2)
    return res


def _chi2(t) -> pd.Series:
    """Chi-square test of independence on a group table from :func:`_group_table`."""
    table = t[["detractors", "passives", "promoters"]].to_numpy() * t[["n_eff"]].to_numpy()
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2:
        warnings.warn("all answers fall in one class; the chi-square test is undefined",
                      UserWarning, stacklevel=4)
        return pd.Series({"chi2": np.nan, "dof": 0, "p_value": np.nan, "n": int(t["n"].sum()),
                          "segments": len(t), "min_expected": np.nan}, name="chi2")
    res = stats.chi2_contingency(table, correction=False)
    min_exp = float(res.expected_freq.min())
    return pd.Series({"chi2": float(res.statistic), "dof": int(res.dof),
                      "p_value": float(res.pvalue), "n": int(t["n"].sum()), "segments": len(t),
                      "min_expected": min_exp}, name="chi2")


def _drop_missing_key(f, key):
    miss = f[key].isna()
    if miss.any():
        warnings.warn(f"{miss.sum()} answers have no {key!r} and were left out of the segment "
                      "comparison", UserWarning, stacklevel=4)
        f = f.loc[~miss]
    return f


def compare_segments(df, by, *, baseline=None, score="score", weight=None, alpha=0.05,
                     method=DEFAULT_CI_METHOD) -> pd.DataFrame:
    """NPS per segment, each against the rest (or a baseline), with Holm-adjusted p-values.

    Every segment's NPS is compared with the NPS of all other answers together (or, with
    ``baseline``, with that segment) by :func:`compare`'s independent test; the p-values are adjusted
    for the number of comparisons by Holm's step-down method (``statsmodels`` ``multipletests``).
    A chi-square test of the whole 3-class distribution across segments is attached as
    ``result.attrs["chi2"]`` (see :func:`class_distribution_test`).

    Input: one row per answer with ``score`` and ``by`` columns. Output: one row per segment.

    Parameters
    ----------
    df : DataFrame
        Survey frame.
    by : str
        Segment column (e.g. ``"region"``). Missing segments are left out with a warning.
    baseline : scalar, optional
        A value of ``by`` to compare every other segment against instead of "the rest".
    score : str, default "score"
    weight : str, optional
        Weight column (Kish effective sizes are used).
    alpha : float, default 0.05
        Level of the intervals and of ``significant``.
    method : {"adjusted_wald", "wald", "bootstrap"}, default "adjusted_wald"
        Interval of each segment's own NPS; differences use the adjusted Wald test unless ``"wald"``.

    Returns
    -------
    pandas.DataFrame
        Sorted by segment: ``segment``, the columns of :func:`nps_summary`, ``reference`` ("rest" or
        the baseline), ``nps_ref``, ``diff`` (segment minus reference), ``diff_se``, ``z``,
        ``p_value``, ``p_adj`` (Holm), ``significant`` (``p_adj < alpha``). The baseline's own row has
        NaN comparison columns.

    Raises
    ------
    ValueError
        Missing columns, bad scores, an unknown baseline, fewer than 2 segments.

    Examples
    --------
    >>> df = pd.DataFrame({"score": [10] * 40 + [2] * 10 + [10] * 20 + [2] * 30,
    ...                    "region": ["North"] * 50 + ["South"] * 50})
    >>> res = compare_segments(df, "region")
    >>> res[["segment", "nps"]].round(1).values.tolist()
    [['North', 60.0], ['South', -20.0]]
    >>> bool(res["significant"].all())
    True
    """
    from statsmodels.stats.multitest import multipletests

    alpha = _check_alpha(alpha)
    _check_choice(method, CI_METHODS, "method")
    f = _frame(df, score, weight, need=(by,))
    f = _drop_missing_key(f, by)
    t = _group_table(f, by)
    if len(t) < 2:
        raise ValueError(f"{by!r} has fewer than 2 segments with answers; nothing to compare")
    if baseline is not None and baseline not in t.index:
        raise ValueError(f"baseline {baseline!r} is not a segment of {by!r}; segments are "
                         f"{list(t.index)}")
    t = _add_intervals(t, f, by, method, alpha, 2000, 0)
    # reference shares: the rest (totals minus the segment) or the baseline
    if baseline is None:
        sums = t[["_w", "_w2", "_w_promoters", "_w_detractors"]]
        rest = sums.sum() - sums  # every other segment together
        with np.errstate(invalid="ignore", divide="ignore"):
            ref_n = (rest["_w"] ** 2 / rest["_w2"]).to_numpy()
            ref_p = (rest["_w_promoters"] / rest["_w"]).to_numpy()
            ref_d = (rest["_w_detractors"] / rest["_w"]).to_numpy()
        reference = np.full(len(t), "rest", dtype=object)
    else:
        b = t.loc[baseline]
        ref_n = np.full(len(t), b["n_eff"])
        ref_p, ref_d = np.full(len(t), b["promoters"]), np.full(len(t), b["detractors"])
        reference = np.full(len(t), baseline, dtype=object)
    dm = "wald" if method == "wald" else "adjusted_wald"
    diff, se, z, p, _, _ = _diff_stats(t["promoters"], t["detractors"], t["n_eff"], ref_p, ref_d,
                                       ref_n, dm, alpha)
    out = t.reset_index(names="segment")
    out["reference"] = reference
    out["nps_ref"] = 100 * (ref_p - ref_d)
    out["diff"], out["diff_se"], out["z"], out["p_value"] = 100 * diff, 100 * se, z, p
    if baseline is not None:
        is_base = out["segment"].to_numpy() == baseline
        for c in ("diff", "diff_se", "z", "p_value"):
            out.loc[is_base, c] = np.nan
    ok = out["p_value"].notna().to_numpy()
    p_adj = np.full(len(out), np.nan)
    if ok.any():
        p_adj[ok] = multipletests(out.loc[ok, "p_value"].to_numpy(), method="holm")[1]
    out["p_adj"] = p_adj
    out["significant"] = out["p_adj"] < alpha
    chi = _chi2(t)
    if chi["min_expected"] < 5:
        warnings.warn(f"some expected counts of the chi-square test are below 5 (smallest "
                      f"{chi['min_expected']:.1f}); its p-value is approximate", UserWarning,
                      stacklevel=2)
    out.attrs["chi2"] = chi.to_dict()
    out.attrs["by"] = by
    return out[["segment", *_SUMMARY_COLUMNS, "reference", "nps_ref", "diff", "diff_se", "z",
                "p_value", "p_adj", "significant"]]


def compare_periods(df, end=None, *, months=12, score="score", date="response_date",
                    paired_on="customer_id", alpha=0.05):
    """NPS of the last ``months`` months against the ``months`` before, as two honest comparisons.

    - **All answers** of the two windows, compared as independent samples (:func:`compare`).
    - **The same respondents** (when ``paired_on`` exists): customers who answered in both windows,
      each with the latest answer per window, compared as a panel (:func:`compare` with
      ``paired_on``). This separates a real change of opinion from a change in who answered.

    Windows: later = ``(end - months, end]``, earlier = ``(end - 2 x months, end - months]``.

    Parameters
    ----------
    df : pandas.DataFrame
        Survey answers with ``score`` and ``date`` (and ``paired_on`` for the panel row).
    end : date-like, optional
        End of the later window (default: the last answer date).
    months : int, default 12
        Length of each window in calendar months.
    score, date, paired_on : str
        Column names; ``paired_on=None`` skips the panel row.
    alpha : float, default 0.05
        1 - confidence level.

    Returns
    -------
    pandas.DataFrame
        One row per comparison that can be made (index ``"all answers"``, ``"same respondents"``)
        with the columns of :func:`compare` plus ``later`` and ``earlier`` (window labels).
        ``attrs["notes"]`` says why a row is missing.

    Raises
    ------
    ValueError
        If a column is missing, ``months`` is not a positive integer, or a window has no answers.

    Examples
    --------
    >>> d = pd.DataFrame({"score": [10, 9, 3, 10, 6, 2], "customer_id": list("abcabc"),
    ...     "response_date": pd.to_datetime(["2023-03-01"] * 3 + ["2024-03-01"] * 3)})
    >>> r = compare_periods(d)
    >>> r[["nps_a", "nps_b", "n_pairs"]].round(1).values.tolist()
    [[-33.3, 33.3, nan], [-33.3, 33.3, 3.0]]
    """
    for col in (score, date):
        if col not in df.columns:
            raise ValueError(f"column {col!r} not in the survey (columns: {list(df.columns)})")
    if isinstance(months, bool) or not isinstance(months, (int, np.integer)) or months < 1:
        raise ValueError(f"months must be a positive whole number, not {months!r}")
    when = pd.to_datetime(df[date])
    end = when.max() if end is None else pd.Timestamp(end)
    mid = end - pd.DateOffset(months=months)
    start = mid - pd.DateOffset(months=months)
    later = df[(when > mid) & (when <= end)]
    earlier = df[(when > start) & (when <= mid)]
    labels = {"later": f"{(mid + pd.Timedelta(days=1)):%Y-%m-%d} to {end:%Y-%m-%d}",
              "earlier": f"{(start + pd.Timedelta(days=1)):%Y-%m-%d} to {mid:%Y-%m-%d}"}
    for name, part in (("later", later), ("earlier", earlier)):
        if part[score].notna().sum() == 0:
            raise ValueError(f"no answers in the {name} window {labels[name]}; choose a shorter "
                             "window (months=...) or another end date")
    rows = {"all answers": compare(later[score], earlier[score], alpha=alpha)}
    notes = []
    if paired_on is None:
        notes.append("no panel comparison requested (paired_on=None)")
    elif paired_on not in df.columns:
        notes.append(f"no column {paired_on!r} links answers to respondents, so no panel comparison")
    else:
        def latest(part):
            part = part[part[paired_on].notna() & part[score].notna()]
            order = pd.to_datetime(part[date]).sort_values(kind="stable").index
            return part.loc[order].groupby(paired_on, sort=True).tail(1)

        a, b = latest(later), latest(earlier)
        n_pairs = len(set(a[paired_on]) & set(b[paired_on]))
        if n_pairs < 2:
            notes.append(f"only {n_pairs} respondent(s) answered in both windows; no panel comparison")
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # respondents in one window only: expected here
                rows["same respondents"] = compare(a, b, paired_on=paired_on, score=score, alpha=alpha)
    out = pd.DataFrame(rows).T
    for col in ("nps_a", "nps_b", "diff", "se", "z", "p_value", "ci_low", "ci_high", "n_a", "n_b",
                "n_pairs", "alpha"):
        out[col] = pd.to_numeric(out[col])
    out["later"], out["earlier"] = labels["later"], labels["earlier"]
    out.attrs["notes"] = notes
    return out


def trend(df, freq="M", *, score="score", date="response_date", weight=None, min_n=30,
          alpha=0.05, method=DEFAULT_CI_METHOD, adjust="holm") -> pd.DataFrame:
    """NPS per period with its interval, low-n periods flagged and significant changes marked.

    Every period between the first and the last answer gets a row, also periods with no answers
    (``n = 0``, NaN score). Periods with fewer than ``min_n`` answers are kept and flagged
    (``low_n``). Each period is compared with the one before by the independent test of
    :func:`compare`; a change is marked (``change_significant``) only when its p-value, adjusted
    for the number of period-to-period comparisons by ``adjust`` (Holm by default, so that a long
    series does not flag noise), is below ``alpha``.

    Input: one row per answer with ``score`` and ``date``. Output: one row per period.

    Parameters
    ----------
    df : DataFrame
        Survey frame.
    freq : str, default "M"
        A pandas period frequency: ``"W"``, ``"M"``, ``"Q"``, ``"Y"``, ...
    score, date : str
        Column names.
    weight : str, optional
        Weight column (Kish effective sizes).
    min_n : int, default 30
        Periods with fewer answers are flagged ``low_n``.
    alpha : float, default 0.05
    method : {"adjusted_wald", "wald", "bootstrap"}, default "adjusted_wald"
        Interval of each period's NPS; changes use the adjusted Wald test unless ``"wald"``.
    adjust : str or None, default "holm"
        ``statsmodels`` ``multipletests`` method for the change p-values, or None for none.

    Returns
    -------
    pandas.DataFrame
        Sorted by period: ``period`` (pandas Period), the columns of :func:`nps_summary`, ``low_n``,
        ``change`` (NPS points against the previous period), ``change_se``, ``change_p``,
        ``change_p_adj``, ``change_significant``.

    Raises
    ------
    ValueError
        Missing columns, bad scores, dates that are not datetimes, an unknown frequency, min_n < 1.

    Examples
    --------
    >>> df = pd.DataFrame({"score": [10, 9, 3, 8, 10, 10],
    ...                    "response_date": pd.to_datetime(["2024-01-05", "2024-01-20",
    ...                                                     "2024-01-31", "2024-03-02",
    ...                                                     "2024-03-09", "2024-03-30"])})
    >>> t = trend(df, min_n=3)
    >>> t[["period", "n", "low_n"]].astype(str).values.tolist()
    [['2024-01', '3', 'False'], ['2024-02', '0', 'True'], ['2024-03', '3', 'False']]
    """
    from statsmodels.stats.multitest import multipletests

    alpha = _check_alpha(alpha)
    _check_choice(method, CI_METHODS, "method")
    if isinstance(min_n, bool) or not isinstance(min_n, (int, np.integer)) or min_n < 1:
        raise ValueError(f"min_n must be a positive integer; got {min_n!r}")
    f = _frame(df, score, weight, need=(date,))
    if not pd.api.types.is_datetime64_any_dtype(f[date].dtype):
        raise ValueError(f"column {date!r} must hold datetimes (dtype {f[date].dtype}); parse it "
                         "with pandas.to_datetime or load the survey with helpers.data")
    miss = f[date].isna()
    if miss.any():
        warnings.warn(f"{miss.sum()} answers have no {date!r} and were left out of the trend",
                      UserWarning, stacklevel=2)
        f = f.loc[~miss]
    if f.empty:
        raise ValueError("no answers with a date; nothing to trend")
    try:
        f = f.assign(_period=f[date].dt.to_period(freq))
    except (ValueError, TypeError) as exc:
        raise ValueError(f"freq {freq!r} is not a pandas period frequency (try 'W', 'M', 'Q', "
                         f"'Y'): {exc}") from None
    t = _add_intervals(_group_table(f, "_period"), f, "_period", method, alpha, 2000, 0)
    full = pd.period_range(t.index.min(), t.index.max(), freq=t.index.freq)
    t = t.reindex(full)
    t["n"] = t["n"].fillna(0).astype(np.int64)
    for c in ("n_promoters", "n_passives", "n_detractors"):
        t[c] = t[c].fillna(0).astype(np.int64)
    t["n_eff"] = t["n_eff"].fillna(0.0)
    t["method"], t["alpha"] = method, alpha
    t["low_n"] = t["n"] < min_n
    dm = "wald" if method == "wald" else "adjusted_wald"
    prev = t.shift(1)
    diff, se, _, p, _, _ = _diff_stats(t["promoters"], t["detractors"], t["n_eff"],
                                       prev["promoters"], prev["detractors"], prev["n_eff"],
                                       dm, alpha)
    t["change"], t["change_se"], t["change_p"] = 100 * diff, 100 * se, p
    ok = ~np.isnan(p)
    p_adj = np.full(len(t), np.nan)
    if ok.any():
        p_adj[ok] = p[ok] if adjust is None else multipletests(p[ok], method=adjust)[1]
    t["change_p_adj"] = p_adj
    t["change_significant"] = t["change_p_adj"] < alpha
    out = t.reset_index(names="period")
    return out[["period", *_SUMMARY_COLUMNS, "low_n", "change", "change_se", "change_p",
                "change_p_adj", "change_significant"]]


# ---------------------------------------------------------------------------------------------------
# Sample sizes
# ---------------------------------------------------------------------------------------------------
def _expected_var(expected_shares, what="expected_shares"):
    """Trinomial variance (per answer) from expected shares; 1 (the worst case) when None."""
    if expected_shares is None:
        return 1.0
    if not isinstance(expected_shares, Mapping | pd.Series):
        raise TypeError(f"{what} must be a mapping like {{'promoter': 0.5, 'detractor': 0.2}} (a "
                        "result of nps_summary works too)")
    es = dict(expected_shares)

    def get(*keys):
        for k in keys:
            if k in es:
                return float(es[k])
        raise ValueError(f"{what} needs a share for {keys[0]!r} (0..1)")

    p, d = get("promoter", "promoters"), get("detractor", "detractors")
    if not (0 <= p <= 1 and 0 <= d <= 1 and p + d <= 1 + 1e-9):
        raise ValueError(f"{what}: shares must be in 0..1 with promoter + detractor <= 1; got "
                         f"promoter={p}, detractor={d} (give shares, not percentages)")
    var = p + d - (p - d) ** 2
    if var <= 0:
        raise ValueError(f"{what} put every answer in one class; the variance is 0, so any n "
                         "gives a zero margin - give realistic shares")
    return var


def sample_size(margin, expected_shares=None, alpha=0.05) -> int:
    """Answers needed for an NPS interval of half-width ``margin`` points.

    Inverts the adjusted Wald interval: ``n = z**2 * Var / E**2 - 3`` with ``E = margin / 100`` and the
    trinomial variance ``Var = p_P + p_D - (p_P - p_D)**2`` at the expected shares; without
    expected shares the worst case ``Var = 1`` (half promoters, half detractors) is used.

    Parameters
    ----------
    margin : float
        Desired margin of error in NPS points (e.g. 5 for +/-5).
    expected_shares : mapping, optional
        Expected shares (0..1) with keys ``promoter`` and ``detractor`` (or the plural forms, so a
        result of :func:`nps_summary` can be passed).
    alpha : float, default 0.05
        1 - confidence level.

    Returns
    -------
    int
        Number of answers (rounded up, at least 1).

    Raises
    ------
    ValueError
        Margin not in (0, 200], shares outside 0..1 or degenerate, bad alpha.

    Examples
    --------
    >>> sample_size(5)
    1534
    >>> sample_size(5, {"promoter": 0.5, "detractor": 0.2})
    935
    """
    alpha = _check_alpha(alpha)
    if isinstance(margin, bool) or not isinstance(margin, (int, float, np.number)) \
            or not 0 < margin <= 200:
        raise ValueError(f"margin must be in NPS points, 0 < margin <= 200 (e.g. 5); got {margin!r}")
    if margin < 1:
        warnings.warn(f"margin {margin} is below 1 NPS point; margins are in points (5 = +/-5), not "
                      "proportions", UserWarning, stacklevel=2)
    var = _expected_var(expected_shares)
    e = margin / 100
    n = _z(alpha) ** 2 * var / e ** 2 - _ADJ_N
    return max(1, int(np.ceil(n - 1e-9)))


def sample_size_difference(delta, power=0.8, expected_shares=None, alpha=0.05, *,
                           expected_shares_b=None) -> int:
    """Answers per group needed to detect a change of ``delta`` NPS points between two groups.

    Two-sided z-test of two independent NPS values with equal group sizes:
    ``n = (z_{1-alpha/2} + z_{power})**2 * (Var_a + Var_b) / delta**2``, variances as in
    :func:`sample_size` (worst case 1 each when no shares are given; ``expected_shares_b`` defaults
    to ``expected_shares``, which is close enough for small changes).

    Parameters
    ----------
    delta : float
        Smallest change worth detecting, in NPS points (e.g. 10).
    power : float, default 0.8
        Probability of detecting a true change of ``delta``.
    expected_shares : mapping, optional
        Expected shares of group a (see :func:`sample_size`).
    alpha : float, default 0.05
        Two-sided significance level.
    expected_shares_b : mapping, optional
        Expected shares of group b.

    Returns
    -------
    int
        Answers per group (rounded up).

    Raises
    ------
    ValueError
        Delta not in (0, 200], power not in (0, 1), bad shares or alpha.

    Examples
    --------
    >>> sample_size_difference(10)
    1570
    """
    alpha = _check_alpha(alpha)
    if isinstance(delta, bool) or not isinstance(delta, (int, float, np.number)) \
            or not 0 < abs(delta) <= 200:
        raise ValueError(f"delta must be a non-zero change in NPS points, |delta| <= 200; got "
                         f"{delta!r}")
    if isinstance(power, bool) or not isinstance(power, (int, float, np.number)) \
            or not 0 < power < 1:
        raise ValueError(f"power must be strictly between 0 and 1 (e.g. 0.8); got {power!r}")
    va = _expected_var(expected_shares)
    vb = va if expected_shares_b is None else _expected_var(expected_shares_b, "expected_shares_b")
    zz = _z(alpha) + float(stats.norm.ppf(power))
    n = zz ** 2 * (va + vb) / (abs(delta) / 100) ** 2
    return max(2, int(np.ceil(n - 1e-9)))


# ---------------------------------------------------------------------------------------------------
# Drivers
# ---------------------------------------------------------------------------------------------------
BEHAVIOUR_COLUMNS = ("tenure_days", "orders", "spend", "profit")


def behaviour_at_response(survey, transactions, *, customer_id="customer_id",
                          date="response_date") -> pd.DataFrame:
    """Each linked respondent's purchase behaviour as of the day of the answer.

    Uses only purchases on or before the response date, so the behaviour can explain the answer
    rather than follow from it. Vectorised: daily totals per customer, cumulated, then
    ``merge_asof`` on the response date.

    Input: ``survey`` with ``customer_id`` and ``response_date``; ``transactions`` with
    ``customer_id``, ``order_date``, ``amount`` and optionally ``order_id`` and ``profit``.
    Output: ``survey`` (same rows and order) plus ``tenure_days`` (days since the first purchase),
    ``orders`` (distinct order ids, or distinct purchase days without ``order_id``), ``spend`` (net
    amount, refunds subtracted) and ``profit`` (if the transactions have it).

    Parameters
    ----------
    survey : DataFrame
    transactions : DataFrame
    customer_id : str, default "customer_id"
        Link column, in both frames.
    date : str, default "response_date"
        Response date column of ``survey``.

    Returns
    -------
    pandas.DataFrame
        Respondents without an id get NaN behaviour (left out of models, with a warning there).
        Linked respondents with no purchase up to the answer get 0 orders, spend, profit and
        tenure; a ``UserWarning`` counts those whose id never appears in ``transactions``.

    Raises
    ------
    ValueError
        Missing columns or non-datetime dates.

    Examples
    --------
    >>> sv = pd.DataFrame({"customer_id": ["a", "b"], "score": [9, 4],
    ...                    "response_date": pd.to_datetime(["2024-03-01", "2024-03-01"])})
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [10.0, 5.0, 7.0],
    ...                    "order_date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-04-01"])})
    >>> behaviour_at_response(sv, tx)[["tenure_days", "orders", "spend"]].values.tolist()
    [[60.0, 2.0, 15.0], [0.0, 0.0, 0.0]]
    """
    for nm, df, cols in (("survey", survey, (customer_id, date)),
                         ("transactions", transactions, (customer_id, "order_date", "amount"))):
        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"{nm} must be a DataFrame")
        for c in cols:
            if c not in df.columns:
                raise ValueError(f"{nm} has no column {c!r}; columns are {list(df.columns)}")
    for nm, col in ((survey, date), (transactions, "order_date")):
        if not pd.api.types.is_datetime64_any_dtype(nm[col].dtype):
            raise ValueError(f"column {col!r} must hold datetimes; load the data with helpers.data "
                             "or parse it with pandas.to_datetime")
    tx = transactions
    day = tx["order_date"].dt.normalize().astype("datetime64[ns]")
    daily = pd.DataFrame({"cid": tx[customer_id].astype(str).to_numpy(), "day": day.to_numpy(),
                          "spend": tx["amount"].astype(float).to_numpy()})
    has_profit = "profit" in tx.columns
    if has_profit:
        daily["profit"] = tx["profit"].astype(float).to_numpy()
    sums = ["spend"] + (["profit"] if has_profit else [])
    agg = daily.groupby(["cid", "day"], sort=True)[sums].sum()
    if "order_id" in tx.columns:
        # each order counts once, on the first day it appears
        first = pd.DataFrame({"cid": daily["cid"], "oid": tx["order_id"].astype(str).to_numpy(),
                              "day": daily["day"]}).groupby(["cid", "oid"], sort=False)["day"].min()
        per_day = first.reset_index().groupby(["cid", "day"]).size()
        agg["orders"] = per_day.reindex(agg.index, fill_value=0).to_numpy()
    else:
        agg["orders"] = 1  # one purchase per customer and day
    agg = agg.reset_index()
    cum = agg.groupby("cid", sort=False)[sums + ["orders"]].cumsum()
    agg[sums + ["orders"]] = cum
    agg["first_day"] = agg.groupby("cid", sort=False)["day"].transform("min")
    agg = agg.sort_values("day", kind="stable")

    sv = pd.DataFrame({"_row": np.arange(len(survey)),
                       "cid": survey[customer_id].astype("string").to_numpy(),
                       "day": survey[date].dt.normalize().astype("datetime64[ns]").to_numpy()})
    linked = sv["cid"].notna() & sv["day"].notna()
    left = sv.loc[linked].astype({"cid": str}).sort_values("day", kind="stable")
    merged = pd.merge_asof(left, agg, on="day", by="cid", direction="backward")
    merged["tenure_days"] = (merged["day"] - merged["first_day"]).dt.days.astype(float)
    cols = ["tenure_days", "orders", *sums]
    merged[cols] = merged[cols].astype(float).fillna(0.0)
    unknown = ~left["cid"].isin(set(agg["cid"]))
    if unknown.any():
        warnings.warn(f"{unknown.sum()} linked respondents' {customer_id} never appears in the "
                      "transactions; their behaviour is set to no purchases", UserWarning,
                      stacklevel=2)
    res = pd.DataFrame(np.nan, index=np.arange(len(survey)), columns=cols)
    res.loc[merged["_row"].to_numpy(), cols] = merged[cols].to_numpy()
    out = survey.copy()
    for c in cols:
        out[c] = res[c].to_numpy()
    return out


#: How :func:`drivers` can enter a numeric feature, and the ``scale`` label of its odds ratio.
SCALES = {"sd": "per SD", "log2": "per doubling", "unit": "per unit"}


def _scales(scale, features):
    """Per-feature scale names from a string or a {feature: scale} mapping (default "sd")."""
    if isinstance(scale, str):
        _check_choice(scale, tuple(SCALES), "scale")
        return dict.fromkeys(features, scale)
    if not isinstance(scale, dict):
        raise TypeError(f"scale must be one of {list(SCALES)} or a dict mapping features to them; "
                        f"got {type(scale).__name__}")
    unknown = [f for f in scale if f not in features]
    if unknown:
        raise ValueError(f"scale names {unknown}, which are not among the features {features}")
    for v in scale.values():
        _check_choice(v, tuple(SCALES), "scale")
    return {f: scale.get(f, "sd") for f in features}


def _design(data, features, scales):
    """Scaled numeric columns and one-hot categoricals (reference = most frequent level).

    Numeric features: "sd" standardises (odds ratio per standard deviation), "log2" uses
    sign(x) * log2(1 + |x|) (odds ratio per doubling of 1 + x) and "unit" the raw values.
    """
    cols, info = [], []
    for feat in features:
        x = data[feat]
        if pd.api.types.is_numeric_dtype(x.dtype) and not pd.api.types.is_bool_dtype(x.dtype):
            v = x.astype(float)
            sd = v.std(ddof=1)
            if not sd > 0:
                warnings.warn(f"feature {feat!r} is constant in the modelled rows and was left out",
                              UserWarning, stacklevel=3)
                continue
            how = scales[feat]
            if how == "sd":
                v = (v - v.mean()) / sd
            elif how == "log2":
                v = np.sign(v) * np.log2(1 + v.abs())
            cols.append(v.rename(feat))
            info.append({"term": feat, "feature": feat, "level": None, "scale": SCALES[how],
                         "sd": float(sd)})
        else:
            v = x.astype(str) if not isinstance(x.dtype, pd.CategoricalDtype) else x
            counts = v.value_counts(sort=False)
            if len(counts) < 2:
                warnings.warn(f"feature {feat!r} has a single level in the modelled rows and was "
                              "left out", UserWarning, stacklevel=3)
                continue
            levels = sorted(counts.index, key=lambda lv: (-counts[lv], str(lv)))
            ref = levels[0]
            for lv in sorted(levels[1:], key=str):
                name = f"{feat}[{lv}]"
                cols.append((v == lv).astype(float).rename(name))
                info.append({"term": name, "feature": feat, "level": str(lv),
                             "scale": f"vs {ref}", "sd": np.nan})
    if not cols:
        raise ValueError("no usable feature left to model (all constant or single-level)")
    return pd.concat(cols, axis=1), pd.DataFrame(info)


def _separation_check(X, info, y):
    """Warn about dummies whose rows all fall in one outcome class (quasi-separation)."""
    bad = []
    for term in info.loc[info["level"].notna(), "term"]:
        hit = X[term].to_numpy() == 1
        if hit.any() and pd.Series(y[hit]).nunique() == 1:
            bad.append(term)
    if bad:
        warnings.warn(f"every answer in {bad} falls in one class (separation); their odds ratios "
                      "are unbounded and their intervals meaningless - merge rare levels",
                      UserWarning, stacklevel=3)
    return bad


def drivers(df, features, *, transactions=None, behaviour=("tenure_days", "orders", "spend"),
            scale="sd", score="score", outcome="class", model="ordinal",
            customer_id="customer_id", date="response_date", alpha=0.05) -> pd.DataFrame:
    """Which attributes move the score: an ordinal (or multinomial) logit with odds ratios.

    The outcome is the ordered NPS class (detractor < passive < promoter), or the 0-10 score with
    ``outcome="score"``. Numeric features are standardised (odds ratio per standard deviation) or,
    with ``scale``, put on a log2 scale (odds ratio per doubling) or left in their units;
    categorical ones are one-hot encoded against their most frequent level. With ``transactions``,
    each linked respondent's behaviour up to the answer (:func:`behaviour_at_response`) is joined
    and the ``behaviour`` columns are added to the features.

    - ``model="ordinal"``: ``statsmodels`` ``OrderedModel`` (logit link, proportional odds). An odds
      ratio above 1 means higher classes become more likely.
    - ``model="multinomial"``: ``statsmodels`` ``MNLogit`` of the class against detractors; one row
      per term and outcome (``passive``, ``promoter``).

    Rows with a missing score or feature are left out with a warning. Non-convergence and
    separation (a level whose answers all fall in one class) produce a ``UserWarning``.

    Parameters
    ----------
    df : DataFrame
        Survey frame (one row per answer).
    features : list of str
        Attribute columns of ``df`` to explain the score with.
    transactions : DataFrame, optional
        Transactions (data contract) to join behaviour from; needs ``customer_id`` in ``df``.
    behaviour : sequence of str, default ("tenure_days", "orders", "spend")
        Behaviour columns added when ``transactions`` is given (``"profit"`` is also available).
    scale : {"sd", "log2", "unit"} or dict, default "sd"
        How numeric features enter the model, for all of them or per feature (``{"orders":
        "log2"}``; features not named use "sd"). "sd": standardised, odds ratio per standard
        deviation. "log2": ``sign(x) * log2(1 + |x|)``, odds ratio per doubling of ``1 + x``;
        suits skewed counts and money (orders, spend), and stays defined for the few negative
        values refunds can leave. "unit": raw values, odds ratio per unit. Categorical features
        are always compared with their reference level, whatever their scale.
    score : str, default "score"
    outcome : {"class", "score"}, default "class"
    model : {"ordinal", "multinomial"}, default "ordinal"
    customer_id, date : str
        Link and response date columns.
    alpha : float, default 0.05
        1 - confidence level of the odds-ratio intervals.

    Returns
    -------
    pandas.DataFrame
        One row per term (and outcome for multinomial), sorted by odds ratio (largest first):
        ``term``, ``feature``, ``level``, ``scale`` ("per SD", "per doubling", "per unit" or
        "vs <reference level>"), ``outcome`` (multinomial only), ``coef``, ``se``, ``odds_ratio``,
        ``ci_low``, ``ci_high``, ``p_value``. ``attrs`` holds ``n``, ``converged``, ``pseudo_r2``,
        ``llr_p_value``, ``model``, ``outcome`` and ``alpha``.

    Raises
    ------
    ValueError
        Missing columns, no features, unknown outcome/model/scale, too few rows.
    TypeError
        ``scale`` neither a string nor a dict.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> x = rng.normal(size=400)
    >>> s = np.clip(np.round(7 + 2 * x + rng.normal(size=400)), 0, 10).astype(int)
    >>> res = drivers(pd.DataFrame({"score": s, "x": x}), ["x"])
    >>> bool(res.loc[0, "odds_ratio"] > 1 and res.loc[0, "p_value"] < 0.001)
    True
    >>> drivers(pd.DataFrame({"score": s, "x": x}), ["x"], scale="unit").loc[0, "scale"]
    'per unit'
    """
    alpha = _check_alpha(alpha)
    _check_choice(outcome, ("class", "score"), "outcome")
    _check_choice(model, ("ordinal", "multinomial"), "model")
    if isinstance(features, str):
        features = [features]
    features = list(features)
    if not isinstance(df, pd.DataFrame):
        raise TypeError("df must be a pandas DataFrame")
    if transactions is not None:
        for c in (customer_id, date):
            if c not in df.columns:
                raise ValueError(f"joining behaviour needs column {c!r} in df; the survey is not "
                                 "linked to transactions")
        df = behaviour_at_response(df, transactions, customer_id=customer_id, date=date)
        unknown = [b for b in behaviour if b not in df.columns]
        if unknown:
            raise ValueError(f"behaviour columns {unknown} are not available; choose from "
                             f"{[c for c in BEHAVIOUR_COLUMNS if c in df.columns]}")
        features += [b for b in behaviour if b not in features]
    if not features:
        raise ValueError("give at least one feature")
    missing = [c for c in [score, *features] if c not in df.columns]
    if missing:
        raise ValueError(f"df has no column(s) {missing}; columns are {list(df.columns)}")
    scales = _scales(scale, features)
    vals, _ = _score_values(df[score])
    keep = ~np.isnan(vals) & df[features].notna().all(axis=1).to_numpy()
    if (~keep).any():
        detail = ""
        if transactions is not None:
            unlinked = int(df[customer_id].isna().sum())
            detail = f" ({unlinked} of them not linked to a customer, so without behaviour)"
        warnings.warn(f"{(~keep).sum()} of {len(df)} rows have a missing score or feature and were "
                      f"left out of the model{detail}", UserWarning, stacklevel=2)
    data = df.loc[keep, features]
    v = vals[keep]
    if outcome == "class":
        y_codes = _codes(v).astype(int)
        labels = [CLASSES[c] for c in sorted(set(y_codes))]
    else:
        y_codes = v.astype(int)
        labels = [str(c) for c in sorted(set(y_codes))]
    if len(labels) < 2:
        raise ValueError("every modelled answer falls in one outcome level; nothing to explain")
    y_rank = np.searchsorted(np.unique(y_codes), y_codes)
    X, info = _design(data, features, scales)
    if len(X) < 5 * (X.shape[1] + len(labels)):
        warnings.warn(f"only {len(X)} rows for {X.shape[1]} terms; estimates are unstable",
                      UserWarning, stacklevel=2)
    _separation_check(X, info, y_codes)
    X = X.reset_index(drop=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if model == "ordinal":
            from statsmodels.miscmodels.ordinal_model import OrderedModel

            y = pd.Series(pd.Categorical.from_codes(y_rank, categories=labels, ordered=True))
            res = OrderedModel(y, X, distr="logit").fit(method="bfgs", disp=False, maxiter=2000)
            k = X.shape[1]
            params, bse = res.params.iloc[:k], res.bse.iloc[:k]
            pvals, ci = res.pvalues.iloc[:k], res.conf_int(alpha).iloc[:k]
            table = info.assign(coef=params.to_numpy(), se=bse.to_numpy(),
                                p_value=pvals.to_numpy(), _lo=ci.iloc[:, 0].to_numpy(),
                                _hi=ci.iloc[:, 1].to_numpy())
            pseudo_r2 = float(res.prsquared)
            llr_p = float(res.llr_pvalue)
        else:
            import statsmodels.api as sm

            exog = sm.add_constant(X, has_constant="add")
            res = sm.MNLogit(y_rank, exog).fit(method="newton", disp=False, maxiter=200)
            parts = []
            ci_all = res.conf_int(alpha)
            for j in range(res.params.shape[1]):
                lab = labels[j + 1]
                pr = res.params.iloc[1:, j]
                lo_hi = ci_all.xs(ci_all.index.get_level_values(0).unique()[j], level=0) \
                    if isinstance(ci_all.index, pd.MultiIndex) else ci_all
                parts.append(info.assign(outcome=lab, coef=pr.to_numpy(),
                                         se=res.bse.iloc[1:, j].to_numpy(),
                                         p_value=res.pvalues.iloc[1:, j].to_numpy(),
                                         _lo=lo_hi.iloc[1:, 0].to_numpy(),
                                         _hi=lo_hi.iloc[1:, 1].to_numpy()))
            table = pd.concat(parts, ignore_index=True)
            pseudo_r2 = float(res.prsquared)
            llr_p = float(res.llr_pvalue)
    converged = bool(res.mle_retvals.get("converged", True))
    messages = {str(w.message) for w in caught
                if not issubclass(w.category, (DeprecationWarning, FutureWarning))}
    if not converged or messages:
        detail = f" ({'; '.join(sorted(messages))[:300]})" if messages else ""
        warnings.warn(f"the {model} model did not converge cleanly{detail}; check for separation "
                      "or collinear features", UserWarning, stacklevel=2)
    huge = (~np.isfinite(table["se"])) | (table["coef"].abs() > 10)
    if huge.any():
        warnings.warn(f"terms {table.loc[huge, 'term'].tolist()} have extreme or undefined "
                      "estimates (likely separation)", UserWarning, stacklevel=2)
    with np.errstate(over="ignore"):  # separated terms: infinite odds ratios, already warned
        table["odds_ratio"] = np.exp(table["coef"])
        table["ci_low"], table["ci_high"] = np.exp(table["_lo"]), np.exp(table["_hi"])
    cols = ["term", "feature", "level", "scale"] + (["outcome"] if model == "multinomial" else []) \
        + ["coef", "se", "odds_ratio", "ci_low", "ci_high", "p_value"]
    sort_keys = (["outcome"] if model == "multinomial" else []) + ["odds_ratio", "term"]
    asc = ([True] if model == "multinomial" else []) + [False, True]
    out = table[cols].sort_values(sort_keys, ascending=asc, kind="stable").reset_index(drop=True)
    out.attrs.update({"n": int(len(X)), "converged": converged, "pseudo_r2": pseudo_r2,
                      "llr_p_value": llr_p, "model": model, "outcome": outcome, "alpha": alpha})
    return out


# ---------------------------------------------------------------------------------------------------
# Words that separate promoters from detractors
# ---------------------------------------------------------------------------------------------------
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

_TOKEN_RE = r"[^\W\d_]+(?:'[^\W\d_]+)?"


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
        Words to ignore (lower case).

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
    txt = df.loc[keep, text].astype("string").str.lower().reset_index(drop=True)
    tokens = txt.str.findall(_TOKEN_RE).explode().dropna()
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
