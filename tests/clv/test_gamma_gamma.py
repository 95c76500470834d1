"""helpers.clv.gamma_gamma: published CDNOW estimates, the spend formula by hand, the independence check."""

import numpy as np
import pandas as pd
import pytest

from helpers import clv
from tests.clv.conftest import sig3


def test_gamma_gamma_reproduces_published(gg):
    got = {k: sig3(v) for k, v in gg.params.items()}
    assert got == {"p": 6.25, "q": 3.74, "gamma": 15.4}
    assert gg.n == 946
    # lifetimes' documentation reports corr(frequency, monetary_value) = 0.113884 on these data
    assert gg.diagnostics["corr_frequency_monetary"] == pytest.approx(0.113884, abs=1e-5)


def test_gamma_gamma_conditional_spend_by_hand(gg):
    p, q, g = gg.params
    s = pd.DataFrame({"frequency": [0, 2, 10], "recency": [0.0, 30.43, 35.0], "T": [38.86] * 3,
                      "monetary_value": [0.0, 22.35, 50.0]})
    want = [p * g / (q - 1),                    # population mean, about 35.2
            p * (g + 2 * 22.35) / (2 * p + q - 1),
            p * (g + 10 * 50.0) / (10 * p + q - 1)]
    np.testing.assert_allclose(gg.conditional_expected_spend(s), want)
    assert gg.expected_spend() == pytest.approx(35.2, abs=0.1)


def test_gamma_gamma_reports_correlation_and_excluded_rows():
    s = clv.simulate_bgnbd(3000, r=0.8, alpha=4, a=0.8, b=2.5, T=40, spend=(6, 4, 15), seed=4)
    fit = clv.fit_gamma_gamma(s)
    assert abs(fit.diagnostics["corr_frequency_monetary"]) < 0.1  # simulated independent
    s = s[s["frequency"] > 0].copy()
    s["monetary_value"] *= s["frequency"]  # big spenders buy often: the assumption fails
    with pytest.warns(UserWarning, match="independent of frequency"):
        fit = clv.fit_gamma_gamma(s)
    repeat = s[s["frequency"] > 0]
    want = np.corrcoef(repeat["frequency"], repeat["monetary_value"])[0, 1]
    assert fit.diagnostics["corr_frequency_monetary"] == pytest.approx(want) and want > 0.3
    s.iloc[:3, s.columns.get_loc("monetary_value")] = -1.0
    with pytest.warns(UserWarning, match="3 repeat customer"):
        fit = clv.fit_gamma_gamma(s, max_abs_corr=1.0)
    assert fit.n == len(s) - 3


def test_conditional_spend_broadcasts_over_draws_like_one_draw_at_a_time(gg):
    # the bootstrap of customer_value evaluates the one spend formula on all draws at once
    model = clv.MODELS["gamma_gamma"]
    x = np.array([0.0, 1.0, 4.0, 3.0])[:, None]
    m = np.array([0.0, 20.0, 35.0, -1.0])[:, None]
    draws = np.array([[6.0, 3.5, 15.0], [5.0, 0.9, 12.0], [7.0, 4.0, 18.0]])  # q <= 1 in the second
    together = model.conditional_spend(draws.T[:, None, :], x, m)
    assert together.shape == (4, 3)
    for j, (p, q, g) in enumerate(draws):
        pop = p * g / (q - 1) if q > 1 else np.nan
        want = [pop, p * (g + 20.0) / (p + q - 1), p * (g + 4 * 35.0) / (4 * p + q - 1), pop]
        np.testing.assert_allclose(together[:, j], want)
    assert gg.expected_spend() == pytest.approx(float(model.mean_spend(gg.params.to_numpy())))
