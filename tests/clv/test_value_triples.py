"""helpers.clv.customer_value: per-triple evaluation against a per-customer computation."""

import numpy as np
import pytest

from helpers import clv
from helpers.clv.base import _DAYS_PER_YEAR


def brute_value(fit, gg, s, draws, horizon, rate, margin, ci):
    """Each customer on her own: discounted purchases per period, spend, value per draw, percentiles."""
    disc = (1 + rate) ** (-7 / _DAYS_PER_YEAR)
    k = np.arange(horizon + 1, dtype=float)
    w = disc ** k[1:]
    lt, sp = draws["lifetime"].to_numpy(), draws["spend"].to_numpy()
    rows = []
    for x, tx, T, m in s[["frequency", "recency", "T", "monetary_value"]].to_numpy():
        def dep(p):
            ey = fit.spec.conditional_expectation(p, x, tx, T, k)
            return np.diff(ey) @ w, ey[-1]
        d, ey = dep(fit.params.to_numpy())
        spend = gg.spec.conditional_spend(gg.params.to_numpy(), x, m)
        vb = [dep(p)[0] * gg.spec.conditional_spend(q, x, m) * margin for p, q in zip(lt, sp)]
        lo, hi = np.quantile(vb, [(1 - ci) / 2, (1 + ci) / 2])
        rows.append((fit.spec.p_alive(fit.params.to_numpy(), x, tx, T), ey, d * spend * margin, lo, hi))
    return np.array(rows)


@pytest.mark.parametrize("model", ["bg", "pnbd"])
def test_customer_value_per_triple_equals_per_customer(request, cdnow, gg, model):
    fit = request.getfixturevalue(model)
    s = cdnow.iloc[::4]
    assert s[["frequency", "recency", "T"]].duplicated().any()
    cv = clv.customer_value(s, fit, gg, horizon=26, margin_rate=0.3, n_boot=20, seed=1)
    ref = brute_value(fit, gg, s.sort_index(), cv.draws, 26, 0.10, 0.3, 0.95)
    t = cv.table
    np.testing.assert_allclose(t["p_alive"], ref[:, 0], rtol=1e-10)
    np.testing.assert_allclose(t["expected_purchases"], ref[:, 1], rtol=1e-10)
    np.testing.assert_allclose(t["clv"], ref[:, 2], rtol=1e-10)
    # the draws of discounted purchases are stored as float32 (memory), hence the looser tolerance
    np.testing.assert_allclose(t["clv_lower"], ref[:, 3], rtol=1e-6)
    np.testing.assert_allclose(t["clv_upper"], ref[:, 4], rtol=1e-6)
