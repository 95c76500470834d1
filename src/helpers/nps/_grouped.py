"""Per-group counts, shares and intervals of a survey frame: the common step of segments and trends.

Internal to :mod:`helpers.nps`: :func:`_frame` validates a survey frame (scores coded 0/1/2 for
detractor/passive/promoter, weights in ``_w``), :func:`_group_table` sums it per value of a key and
:func:`_add_intervals` adds each group's NPS and interval.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from helpers.nps.classes import _prepare
from helpers.nps.intervals import _bootstrap_counts, _bootstrap_weighted, _interval


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
