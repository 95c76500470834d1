"""Small statistical building blocks shared by the frameworks (one place for each)."""

from __future__ import annotations

import numpy as np
from scipy import stats as _stats


def check_alpha(alpha) -> float:
    """Return ``alpha`` as a float after checking that it lies strictly between 0 and 1.

    Parameters
    ----------
    alpha : float
        Significance level (0.05 for 95% intervals).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``alpha`` is not a number in (0, 1).

    Examples
    --------
    >>> check_alpha(0.05)
    0.05
    """
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.floating)) \
            or not 0 < alpha < 1:
        raise ValueError(f"alpha must be a number strictly between 0 and 1 (e.g. 0.05 for a 95% "
                         f"interval); got {alpha!r}")
    return float(alpha)


def z_value(alpha=0.05) -> float:
    """Two-sided standard normal critical value: the ``1 - alpha / 2`` quantile.

    Parameters
    ----------
    alpha : float, default 0.05
        Significance level; 0.05 gives the 1.96 of a 95% interval.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``alpha`` is not in (0, 1).

    Examples
    --------
    >>> round(z_value(0.05), 4)
    1.96
    """
    return float(_stats.norm.ppf(1 - check_alpha(alpha) / 2))
