"""Projected relationship duration: when a lifetime model's P(alive) falls below a cut-off.

In Reinartz & Kumar's work duration is projected by a probabilistic lifetime model of purchase
behaviour (the Pareto/NBD); :func:`projected_duration` does the same with any fitted model of
:mod:`helpers.clv`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.clv.base import LifetimeFit, _summary_arrays, _triples

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

    The search steps a grid of ``step`` and reports the first grid point below the cut-off. P(alive)
    depends on a customer only through ``(frequency, recency, T)``, so the grid is searched once per
    unique triple (only for triples not yet below) and the result gathered back to the customers.

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
    if isinstance(model, LifetimeFit):
        _summary_arrays(summary)  # the fitted model's checks of the summary
    base = summary[["frequency", "recency", "T"]].astype(float)
    # P(alive) depends on a customer only through (frequency, recency, T): search once per triple
    ux, utx, uT, inv = _triples(*(base[c].to_numpy() for c in ("frequency", "recency", "T")))
    p_alive = _p_alive_of(model)
    now = p_alive(ux, utx, uT)
    start = uT if since == "now" else utx
    first_below = np.full(len(ux), np.nan)
    todo = np.arange(len(ux))  # triples not yet below the cut-off
    for tau in grid:  # loop over time points (a few hundred), vectorised over the pending triples
        below = p_alive(ux[todo], utx[todo], start[todo] + tau) < cutoff
        first_below[todo[below]] = tau
        todo = todo[~below]
        if len(todo) == 0:
            break
    censored = np.isnan(first_below)[inv]
    duration = np.where(censored, horizon, first_below[inv])
    if since == "first_purchase":
        duration = duration + base["recency"].to_numpy()
    return pd.DataFrame({"p_alive_now": now[inv], "duration": duration, "censored": censored},
                        index=summary.index)


def _p_alive_of(model):
    """``f(x, tx, T)``: the model's P(alive) as an array; straight from the spec for a fitted model."""
    if isinstance(model, LifetimeFit):
        params = model.params.to_numpy()
        return lambda x, tx, T: np.asarray(model.spec.p_alive(params, x, tx, T), dtype=float)

    def f(x, tx, T):
        frame = pd.DataFrame({"frequency": x, "recency": tx, "T": T})
        return np.asarray(model.p_alive(frame), dtype=float)
    return f
