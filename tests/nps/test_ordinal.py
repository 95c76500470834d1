"""Tests of helpers.nps._ordinal: the ordered logit's exact derivatives against statsmodels'
numerical ones, and the fit against statsmodels' own OrderedModel."""

import numpy as np
import pandas as pd
import pytest
from statsmodels.miscmodels.ordinal_model import OrderedModel
from statsmodels.tools.numdiff import approx_fprime

from helpers import nps
from helpers.nps._ordinal import OrderedLogit

from .common import planted_survey


def _data(n_levels, n=800, seed=3):
    rng = np.random.default_rng(seed)
    x = pd.DataFrame({"x": rng.normal(0, 1.5, n), "d": (rng.random(n) < 0.3).astype(float),
                      "w": rng.gamma(2.0, 3.0, n)})
    latent = 0.8 * x["x"] - 0.6 * x["d"] + 0.05 * x["w"] + rng.logistic(size=n)
    cuts = np.linspace(-1.5, 2.5, n_levels - 1)
    y = pd.Series(pd.Categorical(np.digitize(latent, cuts), ordered=True))
    return y, x


@pytest.mark.parametrize("n_levels", [2, 3, 11])
def test_exact_score_and_hessian_equal_numerical_derivatives(n_levels):
    y, x = _data(n_levels)
    model = OrderedLogit(y, x)
    rng = np.random.default_rng(n_levels)
    for _ in range(3):
        p = model.start_params + rng.normal(0, 0.3, len(model.start_params))
        num_score = approx_fprime(p, model.loglike, centered=True)
        # central differences of a sum over 800 answers are good to about 1e-5
        np.testing.assert_allclose(model.score(p), num_score, rtol=1e-5, atol=1e-3)
        np.testing.assert_allclose(model.score_obs(p).sum(axis=0), model.score(p))
        num_hess = approx_fprime(p, model.score, centered=True)  # derivative of the exact score
        np.testing.assert_allclose(model.hessian(p), num_hess, rtol=1e-6, atol=1e-4)


def test_fit_equals_statsmodels_ordered_model():
    y, x = _data(3, n=1500)
    want = OrderedModel(y, x, distr="logit").fit(method="bfgs", disp=False, maxiter=2000)
    got = OrderedLogit(y, x).fit(method="newton", disp=False, maxiter=100)
    np.testing.assert_allclose(got.params, want.params, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(got.bse, want.bse, rtol=1e-4)
    assert got.llf == pytest.approx(want.llf, abs=1e-6)
    assert got.prsquared == pytest.approx(want.prsquared, rel=1e-6)


def test_drivers_odds_ratios_equal_those_of_statsmodels_ordered_model():
    df, _ = planted_survey(n=1200)
    res = nps.drivers(df, ["x", "region"], scale="unit").set_index("term")
    x = pd.DataFrame({"region[East]": (df["region"] == "East").astype(float),
                      "region[South]": (df["region"] == "South").astype(float), "x": df["x"]})
    cls = np.digitize(df["score"], [7, 9])
    want = OrderedModel(pd.Series(pd.Categorical(cls, ordered=True)), x, distr="logit").fit(
        method="bfgs", disp=False, maxiter=2000)
    for term in x.columns:
        # statsmodels' BFGS stops at a gradient of about 1e-5 per answer: agreement to 1e-4
        assert res.loc[term, "coef"] == pytest.approx(want.params[term], abs=1e-4)
        assert res.loc[term, "se"] == pytest.approx(want.bse[term], rel=1e-4)
