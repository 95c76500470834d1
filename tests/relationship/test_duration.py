"""helpers.relationship.duration: projected duration against closed forms."""

import numpy as np
import pandas as pd
import pytest

from helpers.relationship import projected_duration


class ExpModel:
    """P(alive) = exp(-(T - recency) / scale): a hand-checkable lifetime model."""

    def __init__(self, scale):
        self.scale = scale

    def p_alive(self, f):
        return np.exp(-(f["T"] - f["recency"]) / self.scale)


def test_projected_duration_matches_closed_form():
    # P(alive) < c  <=>  T + tau - recency > -scale * ln(c)  => tau* = -scale ln c - (T - recency)
    s = pd.DataFrame({"frequency": [1, 3, 2], "recency": [10.0, 20.0, 0.0], "T": [10.0, 25.0, 30.0]})
    out = projected_duration(ExpModel(20), s, cutoff=0.5, step=0.25, horizon=100)
    exact = np.maximum(-20 * np.log(0.5) - (s["T"] - s["recency"]), 0)
    # first grid point strictly past the exact crossing
    assert np.all(out["duration"] >= exact) and np.all(out["duration"] - exact <= 0.25)
    assert out["duration"].iloc[2] == 0  # already below the cut-off
    assert not out["censored"].any()


def test_projected_duration_censors_at_horizon():
    s = pd.DataFrame({"frequency": [1], "recency": [5.0], "T": [5.0]})
    out = projected_duration(ExpModel(1000), s, cutoff=0.5, horizon=10)
    assert out["duration"].iloc[0] == 10 and out["censored"].iloc[0]


def test_projected_duration_since_first_purchase_by_hand():
    # Search from the last purchase: P(alive) = exp(-tau / 20) < 0.5 first at tau > 20 ln 2 = 13.86,
    # i.e. at the grid point 14.0 (step 0.25); lifetime = recency + 14, wherever T is: a customer
    # gone for a long time (c) gets a lifetime that ended in the past, a recent one (a) one that ends
    # in the future.
    s = pd.DataFrame({"frequency": [1, 3, 2], "recency": [10.0, 20.0, 0.0], "T": [10.0, 25.0, 90.0]})
    out = projected_duration(ExpModel(20), s, cutoff=0.5, step=0.25, horizon=100,
                             since="first_purchase")
    assert out["duration"].tolist() == [24.0, 34.0, 14.0]
    assert not out["censored"].any()
    np.testing.assert_allclose(out["p_alive_now"], np.exp(-(s["T"] - s["recency"]) / 20))
    # still above the cut-off at the horizon past the last purchase: recency + horizon, censored
    long = projected_duration(ExpModel(1000), s.iloc[:1], cutoff=0.5, horizon=10, since="first_purchase")
    assert long["duration"].iloc[0] == 20.0 and long["censored"].iloc[0]


@pytest.mark.parametrize("kw, match", [({"cutoff": 1.0}, "cutoff"), ({"horizon": 0}, "positive"),
                                       ({"step": -1}, "positive"), ({"since": "later"}, "since")])
def test_projected_duration_bad_arguments(kw, match):
    s = pd.DataFrame({"frequency": [1], "recency": [5.0], "T": [5.0]})
    with pytest.raises(ValueError, match=match):
        projected_duration(ExpModel(10), s, **kw)
