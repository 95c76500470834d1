"""helpers.relationship.duration: the per-triple search against a per-customer search."""

import numpy as np
import pandas as pd
import pytest

from helpers import clv
from helpers.lifecycle import rfm_summary
from helpers.relationship import projected_duration

CDNOW = "tests/data/CDNOW_sample.txt"


def brute_duration(fit, summary, cutoff, horizon, step, since):
    """Each customer on her own: P(alive) on the whole grid, the first grid point under the cut-off."""
    grid = np.arange(0.0, horizon + step / 2, step)
    out = []
    for _, row in summary.iterrows():
        start = row["T"] if since == "now" else row["recency"]
        frame = pd.DataFrame({"frequency": row["frequency"], "recency": row["recency"],
                              "T": start + grid})
        below = np.flatnonzero(fit.p_alive(frame).to_numpy() < cutoff)
        d = grid[below[0]] if len(below) else horizon
        out.append((d + (row["recency"] if since == "first_purchase" else 0.0), len(below) == 0))
    return pd.DataFrame(out, columns=["duration", "censored"], index=summary.index)


@pytest.fixture(scope="module")
def sample_fit(sample):
    s = clv.convert_time_unit(rfm_summary(sample.transactions), "D", "W")
    s = s[["frequency", "recency", "T"]]
    return clv.fit_pareto_nbd(s, time_unit="W"), s


@pytest.fixture(scope="module")
def cdnow_fit():
    raw = pd.read_csv(CDNOW, sep=r"\s+", header=None, dtype={"date": str},
                      names=["master_id", "customer_id", "date", "quantity", "spend"])
    raw["date"] = pd.to_datetime(raw["date"], format="%Y%m%d")
    g = raw.groupby("customer_id")["date"]
    end = raw["date"].max()
    s = pd.DataFrame({"frequency": g.nunique() - 1, "recency": (g.max() - g.min()).dt.days / 7,
                      "T": (end - g.min()).dt.days / 7})
    return clv.fit_bgnbd(s, time_unit="W"), s


@pytest.mark.parametrize("since", ["now", "first_purchase"])
@pytest.mark.parametrize("data", ["sample_fit", "cdnow_fit"])
def test_projected_duration_per_triple_equals_per_customer(request, data, since):
    fit, s = request.getfixturevalue(data)
    # a subset keeps the per-customer loop quick; it holds many repeated triples
    sub = s.iloc[:: max(1, len(s) // 600)]
    assert sub[["frequency", "recency", "T"]].duplicated().any()
    out = projected_duration(fit, sub, cutoff=0.5, horizon=104, step=1.0, since=since)
    ref = brute_duration(fit, sub, 0.5, 104, 1.0, since)
    np.testing.assert_allclose(out["duration"], ref["duration"], rtol=1e-10)
    assert (out["censored"] == ref["censored"]).all()
    assert out["duration"].nunique() > 5  # durations spread over the grid, not one bound
    p = [fit.spec.p_alive(fit.params.to_numpy(), *(r[["frequency", "recency", "T"]].to_numpy()))
         for _, r in sub.iterrows()]
    np.testing.assert_allclose(out["p_alive_now"], p, rtol=1e-10)
    assert out.index.equals(sub.index)


@pytest.mark.parametrize("data", ["sample_fit", "cdnow_fit"])
def test_p_alive_and_expectation_per_triple_equal_per_customer(request, data):
    fit, s = request.getfixturevalue(data)
    params = fit.params.to_numpy()
    rows = s[["frequency", "recency", "T"]].to_numpy()
    pa = np.array([fit.spec.p_alive(params, *r) for r in rows])
    ey = np.array([fit.spec.conditional_expectation(params, *r, 26.0) for r in rows])
    np.testing.assert_allclose(fit.p_alive(s).to_numpy(), pa, rtol=1e-10)
    np.testing.assert_allclose(fit.conditional_expected_purchases(26, s).to_numpy(), ey, rtol=1e-10)


def test_projected_duration_checks_summary_of_fitted_model(cdnow_fit):
    fit, s = cdnow_fit
    bad = s.head(3).assign(T=-1.0)
    with pytest.raises(ValueError, match="T is negative"):
        projected_duration(fit, bad)
