"""The difference of two NPS values: two groups, the same respondents twice, two periods.

Independent groups are compared with the trinomial variances (adjusted Wald by default, so that the
interval excludes 0 exactly when the test is significant); respondents who answered twice are
compared as a panel of per-respondent changes. :func:`compare_periods` does both for the last
``months`` months against the ``months`` before.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

from helpers.frames import isin
from helpers.nps.classes import (_check_choice, _codes, _examples, _prepare, _score_values,
                                 latest_answers)
from helpers.nps.intervals import _ADJ_ADD, _ADJ_N, DEFAULT_CI_METHOD, _shares
from helpers.stats import check_alpha, z_value

__all__ = ["compare", "compare_periods"]


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
        half = z_value(alpha) * se
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


def compare(a, b, *, customer_id=None, score="score", weight=None, alpha=0.05,
            method=DEFAULT_CI_METHOD) -> pd.Series:
    """Difference of two NPS values, ``a - b`` (sign kept), with SE, z, p-value and interval.

    **Independent groups** (default): ``se = sqrt(se_a**2 + se_b**2)`` from the trinomial variances
    (Kish effective sizes when weighted), a two-sided z-test, and an interval by ``method``: with
    ``"adjusted_wald"`` (default) both groups get 3/4 promoter and 3/4 detractor added (n + 3) and
    the z-test uses the same adjusted quantities, so the interval excludes 0 exactly when
    ``p_value < alpha``; ``"wald"`` uses the observed shares.

    **Panel** (``customer_id="customer_id"``): when the same respondents answer in both periods,
    each respondent's answer is coded +1 (promoter), 0 (passive), -1 (detractor); the difference is
    the mean of the per-respondent differences, its SE their standard deviation (ddof=1) over
    ``sqrt(n_pairs)``, and z, p and the interval are normal. Pairing removes the between-respondent
    variation, so the test is usually much sharper than treating the periods as independent.
    Respondents present in only one period are left out with a warning.

    Parameters
    ----------
    a, b : Series, array, list or DataFrame
        Scores of the two groups (``a`` minus ``b``). DataFrames are needed for ``customer_id`` and
        ``weight`` and use the ``score`` column.
    customer_id : str, optional
        When given, the column linking respondents across ``a`` and ``b`` (e.g. ``"customer_id"``):
        the answers are paired on it (panel comparison); each id must appear at most once in each
        frame. None (default) compares independent groups.
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
        frame, fewer than 2 pairs, weights with ``customer_id``.

    Examples
    --------
    >>> r = compare([10] * 50 + [3] * 50, [10] * 30 + [3] * 70, method="wald")
    >>> float(r["diff"]), round(float(r["se"]), 2)
    (40.0, 13.56)
    """
    alpha = check_alpha(alpha)
    if customer_id is not None:
        if weight is not None:
            raise ValueError("weights are not supported for a paired comparison; drop weight= or "
                             "compare the periods as independent samples")
        return _compare_paired(a, b, customer_id, score, alpha)
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
            raise ValueError(f"customer_id={on!r} (a paired comparison) needs DataFrames with "
                             f"columns {on!r} and {score!r}; {nm} is a {type(df).__name__}")
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
    half = z_value(alpha) * se
    return pd.Series({
        "nps_a": 100 * m["a"].mean(), "nps_b": 100 * m["b"].mean(), "diff": 100 * diff,
        "se": 100 * se, "z": z, "p_value": p, "ci_low": 100 * max(diff - half, -2),
        "ci_high": 100 * min(diff + half, 2), "n_a": n, "n_b": n, "n_pairs": n,
        "method": "paired", "alpha": alpha}, name="compare")


def compare_periods(df, observation_end=None, *, months=12, score="score", date="response_date",
                    customer_id="customer_id", alpha=0.05):
    """NPS of the last ``months`` months against the ``months`` before, as two honest comparisons.

    - **All answers** of the two windows, compared as independent samples (:func:`compare`).
    - **The same respondents** (when the ``customer_id`` column exists): customers who answered in
      both windows, each with the latest answer per window (:func:`latest_answers`), compared as a
      panel (:func:`compare` with ``customer_id``). This separates a real change of opinion from a
      change in who answered. Respondents of one window only are left out of this row by design.

    Windows, with ``end = observation_end``: later = ``(end - months, end]``, earlier =
    ``(end - 2 x months, end - months]``.

    Parameters
    ----------
    df : pandas.DataFrame
        Survey answers with ``score`` and ``date`` (and ``customer_id`` for the panel row).
    observation_end : date-like, optional
        The as-of date: end of the later window (default: the last answer date).
    months : int, default 12
        Length of each window in calendar months.
    score, date, customer_id : str
        Column names; ``customer_id=None`` skips the panel row.
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
    end = when.max() if observation_end is None else pd.Timestamp(observation_end)
    mid = end - pd.DateOffset(months=months)
    start = mid - pd.DateOffset(months=months)
    later = df[(when > mid) & (when <= end)]
    earlier = df[(when > start) & (when <= mid)]
    labels = {"later": f"{(mid + pd.Timedelta(days=1)):%Y-%m-%d} to {end:%Y-%m-%d}",
              "earlier": f"{(start + pd.Timedelta(days=1)):%Y-%m-%d} to {mid:%Y-%m-%d}"}
    for name, part in (("later", later), ("earlier", earlier)):
        if part[score].notna().sum() == 0:
            raise ValueError(f"no answers in the {name} window {labels[name]}; choose a shorter "
                             "window (months=...) or another observation_end")
    rows = {"all answers": compare(later[score], earlier[score], alpha=alpha)}
    notes = []
    if customer_id is None:
        notes.append("no panel comparison requested (customer_id=None)")
    elif customer_id not in df.columns:
        notes.append(f"no column {customer_id!r} links answers to respondents, so no panel "
                     "comparison")
    else:
        def latest(part):
            cols = part[[customer_id, score, date]].set_axis([customer_id, "score",
                                                              "response_date"], axis=1)
            last = latest_answers(cols, customer_id=customer_id)
            return pd.DataFrame({customer_id: last.index.to_numpy(),
                                 score: last["nps_score"].to_numpy()})

        a, b = latest(later), latest(earlier)
        both = set(a[customer_id]) & set(b[customer_id])
        if len(both) < 2:
            notes.append(f"only {len(both)} respondent(s) answered in both windows; no panel "
                         "comparison")
        else:
            # the panel is the respondents of both windows: the others are left out by design,
            # so compare() is given the pairs only (and has nothing to warn about unmatched ids)
            a, b = a[isin(a[customer_id], both)], b[isin(b[customer_id], both)]
            rows["same respondents"] = compare(a, b, customer_id=customer_id, score=score,
                                               alpha=alpha)
    out = pd.DataFrame(rows).T
    for col in ("nps_a", "nps_b", "diff", "se", "z", "p_value", "ci_low", "ci_high", "n_a", "n_b",
                "n_pairs", "alpha"):
        out[col] = pd.to_numeric(out[col])
    out["later"], out["earlier"] = labels["later"], labels["earlier"]
    out.attrs["notes"] = notes
    return out
