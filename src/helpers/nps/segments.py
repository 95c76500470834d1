"""NPS by segment: every segment against the rest (or a baseline), and the class-mix test.

Differences use the independent test of :func:`helpers.nps.compare` with Holm-adjusted p-values; the
chi-square test checks whether the detractor/passive/promoter mix differs across segments at all.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

from helpers.nps._grouped import _add_intervals, _frame, _group_table
from helpers.nps.classes import _check_choice
from helpers.nps.compare import _diff_stats
from helpers.nps.intervals import _SUMMARY_COLUMNS, CI_METHODS, DEFAULT_CI_METHOD
from helpers.stats import check_alpha

__all__ = ["compare_segments", "class_distribution_test"]


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
                     method=DEFAULT_CI_METHOD, n_boot=2000, seed=0) -> pd.DataFrame:
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
    n_boot : int, default 2000
        Bootstrap resamples per segment (``method="bootstrap"`` only).
    seed : int, default 0
        Seed of the bootstrap (each segment is resampled with this seed).

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

    alpha = check_alpha(alpha)
    _check_choice(method, CI_METHODS, "method")
    f = _frame(df, score, weight, need=(by,))
    f = _drop_missing_key(f, by)
    t = _group_table(f, by)
    if len(t) < 2:
        raise ValueError(f"{by!r} has fewer than 2 segments with answers; nothing to compare")
    if baseline is not None and baseline not in t.index:
        raise ValueError(f"baseline {baseline!r} is not a segment of {by!r}; segments are "
                         f"{list(t.index)}")
    t = _add_intervals(t, f, by, method, alpha, int(n_boot), seed)
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
