"""How many answers a survey needs: for a margin of error, or to detect a change between groups."""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from helpers.nps.intervals import _ADJ_N
from helpers.stats import check_alpha, z_value

__all__ = ["sample_size", "sample_size_difference"]


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
    alpha = check_alpha(alpha)
    if isinstance(margin, bool) or not isinstance(margin, (int, float, np.number)) \
            or not 0 < margin <= 200:
        raise ValueError(f"margin must be in NPS points, 0 < margin <= 200 (e.g. 5); got {margin!r}")
    if margin < 1:
        warnings.warn(f"margin {margin} is below 1 NPS point; margins are in points (5 = +/-5), not "
                      "proportions", UserWarning, stacklevel=2)
    var = _expected_var(expected_shares)
    e = margin / 100
    n = z_value(alpha) ** 2 * var / e ** 2 - _ADJ_N
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
    alpha = check_alpha(alpha)
    if isinstance(delta, bool) or not isinstance(delta, (int, float, np.number)) \
            or not 0 < abs(delta) <= 200:
        raise ValueError(f"delta must be a non-zero change in NPS points, |delta| <= 200; got "
                         f"{delta!r}")
    if isinstance(power, bool) or not isinstance(power, (int, float, np.number)) \
            or not 0 < power < 1:
        raise ValueError(f"power must be strictly between 0 and 1 (e.g. 0.8); got {power!r}")
    va = _expected_var(expected_shares)
    vb = va if expected_shares_b is None else _expected_var(expected_shares_b, "expected_shares_b")
    zz = z_value(alpha) + float(stats.norm.ppf(power))
    n = zz ** 2 * (va + vb) / (abs(delta) / 100) ** 2
    return max(2, int(np.ceil(n - 1e-9)))
