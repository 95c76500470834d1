"""Projected relationship duration: when a lifetime model's P(alive) falls below a cut-off.

In Reinartz & Kumar's work duration is projected by a probabilistic lifetime model of purchase
behaviour (the Pareto/NBD); :func:`projected_duration` does the same with any fitted model of
:mod:`helpers.clv`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["projected_duration"]


def projected_duration(model, summary, *, cutoff=0.5, horizon=260, step=1.0, since="now"):
    """Projected relationship duration: when P(alive) falls below ``cutoff`` without a new purchase.

    P(alive) of a lifetime model falls as time passes without a purchase. With ``since="now"`` the
    result is the remaining duration: the first future time at which P(alive) drops under
    ``cutoff`` (0 when it is already below). With ``since="first_purchase"`` it is the whole
    projected lifetime, as Reinartz & Kumar (2000) measured it: from the first purchase to the moment
    P(alive) fell, or will fall, under the cut-off, searched from the last purchase on. That moment
    can lie in the past (a customer who has been gone for a while) or in the future, so the measure
    has no pile of ties at zero and compares old and young customers on one scale. Customers still
    above the cut-off at ``horizon`` past the search start get that bound and ``censored = True``.

    Parameters
    ----------
    model : object
        A fitted lifetime model with ``p_alive(frame)`` taking a table of ``frequency``, ``recency``
        and ``T`` (e.g. :func:`helpers.clv.fit_pareto_nbd`'s result).
    summary : pandas.DataFrame
        One row per customer with ``frequency``, ``recency``, ``T`` in the model's time unit.
    cutoff : float, default 0.5
        P(alive) below which a customer counts as gone.
    horizon : float, default 260
        Longest projection, in the model's time unit (260 weeks = 5 years).
    step : float, default 1
        Grid step, in the model's time unit.
    since : {"now", "first_purchase"}, default "now"
        Remaining duration from the observation end, or whole projected lifetime from the first
        purchase (the search then starts at the last purchase).

    Returns
    -------
    pandas.DataFrame
        Index as ``summary``; ``p_alive_now``, ``duration`` (in model units; with ``since="now"`` 0
        when P(alive) is already below the cut-off) and ``censored`` (bool).

    Raises
    ------
    ValueError
        If ``cutoff`` is not in (0, 1), ``horizon``/``step`` are not positive or ``since`` is
        unknown.

    Examples
    --------
    >>> class Exp:  # P(alive) = exp(-(T - recency) / 10)
    ...     def p_alive(self, f):
    ...         return np.exp(-(f["T"] - f["recency"]) / 10)
    >>> s = pd.DataFrame({"frequency": [1], "recency": [5.0], "T": [5.0]})
    >>> float(projected_duration(Exp(), s, cutoff=0.5, step=0.5)["duration"].iloc[0])
    7.0
    >>> float(projected_duration(Exp(), s, cutoff=0.5, step=0.5, since="first_purchase")["duration"].iloc[0])
    12.0
    """
    if not 0 < cutoff < 1:
        raise ValueError(f"cutoff must be between 0 and 1, not {cutoff}")
    if horizon <= 0 or step <= 0:
        raise ValueError("horizon and step must be positive")
    if since not in ("now", "first_purchase"):
        raise ValueError(f"since must be 'now' or 'first_purchase', not {since!r}")
    grid = np.arange(0.0, horizon + step / 2, step)
    base = summary[["frequency", "recency", "T"]].astype(float)
    n = len(base)
    first_below = np.full(n, np.nan)
    now = np.asarray(model.p_alive(base), dtype=float)
    start = base["T"] if since == "now" else base["recency"]
    for tau in grid:  # loop over time points (a few hundred), vectorised over customers
        frame = base.assign(T=start + tau)
        below = np.asarray(model.p_alive(frame), dtype=float) < cutoff
        newly = below & np.isnan(first_below)
        first_below[newly] = tau
        if not np.isnan(first_below).any():
            break
    censored = np.isnan(first_below)
    duration = np.where(censored, horizon, first_below)
    if since == "first_purchase":
        duration = duration + base["recency"].to_numpy()
    return pd.DataFrame({"p_alive_now": now, "duration": duration, "censored": censored},
                        index=summary.index)


