"""NPS per period: every period with its interval, low-n periods flagged, real changes marked."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from helpers.nps._grouped import _add_intervals, _frame, _group_table
from helpers.nps.classes import _check_choice
from helpers.nps.compare import _diff_stats
from helpers.nps.intervals import _SUMMARY_COLUMNS, CI_METHODS, DEFAULT_CI_METHOD
from helpers.stats import check_alpha

__all__ = ["trend"]


def trend(df, freq="M", *, score="score", date="response_date", weight=None, min_n=30,
          alpha=0.05, method=DEFAULT_CI_METHOD, adjust="holm", n_boot=2000,
          seed=0) -> pd.DataFrame:
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
    freq : str or None, default "M"
        A pandas period frequency: ``"W"``, ``"M"``, ``"Q"``, ``"Y"``, ...; None when ``date``
        already holds the periods (a survey wave number or label with no date): its values,
        numbers in numeric order, else labels in sorted order, are the periods, and no empty
        periods are added between them.
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
    n_boot : int, default 2000
        Bootstrap resamples per period (``method="bootstrap"`` only).
    seed : int, default 0
        Seed of the bootstrap (each period is resampled with this seed).

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
    alpha = check_alpha(alpha)
    _check_choice(method, CI_METHODS, "method")
    if isinstance(min_n, bool) or not isinstance(min_n, (int, np.integer)) or min_n < 1:
        raise ValueError(f"min_n must be a positive integer; got {min_n!r}")
    f = _frame(df, score, weight, need=(date,))
    if freq is None:
        return _by_label(f, date, min_n, method, alpha, adjust, int(n_boot), seed)
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
    t = _add_intervals(_group_table(f, "_period"), f, "_period", method, alpha, int(n_boot),
                       seed)
    full = pd.period_range(t.index.min(), t.index.max(), freq=t.index.freq)
    return _changes(t.reindex(full), min_n, method, alpha, adjust)


def _by_label(f, column, min_n, method, alpha, adjust, n_boot, seed):
    """:func:`trend` over a column that already holds the periods (wave numbers or labels)."""
    miss = f[column].isna()
    if miss.any():
        warnings.warn(f"{miss.sum()} answers have no {column!r} and were left out of the trend",
                      UserWarning, stacklevel=3)
        f = f.loc[~miss]
    if f.empty:
        raise ValueError(f"no answers with a {column!r}; nothing to trend")
    t = _add_intervals(_group_table(f, column), f, column, method, alpha, n_boot, seed)
    return _changes(t.sort_index(), min_n, method, alpha, adjust)


def _changes(t, min_n, method, alpha, adjust):
    """Counts, flags and period-to-period changes of a table indexed by period (see :func:`trend`)."""
    from statsmodels.stats.multitest import multipletests

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
