"""helpers.clv.holdout: calibration / holdout split by hand, the CDNOW holdout, the plot."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from helpers import clv
from helpers.plots import plot_holdout


def test_calibration_holdout_by_hand():
    # a: purchases on 1 Jan (twice: one day), 8 Jan | 20 Jan, 21 Jan (refund only) -> 1 holdout day
    # b: 3 Jan | nothing; c: first purchase in the holdout -> not predictable, counted apart
    tx = pd.DataFrame({
        "customer_id": ["a", "a", "a", "a", "a", "b", "c"],
        "order_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-08", "2024-01-20",
                                      "2024-01-21", "2024-01-03", "2024-01-25"]),
        "amount": [10.0, 2.0, 5.0, 20.0, -20.0, 8.0, 4.0]})
    s, h, length = clv.calibration_holdout(tx, "2024-01-14", "2024-01-28", time_unit="W")
    assert s.index.tolist() == ["a", "b"] and h.index.tolist() == ["a", "b"]
    assert s["frequency"].tolist() == [1, 0]
    assert s["recency"].tolist() == [1.0, 0.0]  # 7 days = 1 week
    np.testing.assert_allclose(s["T"], [13 / 7, 11 / 7])
    assert h.tolist() == [1, 0] and h.attrs["new_in_holdout"] == 1
    assert length == 2.0
    _, _, days = clv.calibration_holdout(tx, "2024-01-14", "2024-01-28", time_unit="D")
    assert days == 14.0
    with pytest.raises(ValueError, match="must be before observation_end"):
        clv.calibration_holdout(tx, "2024-01-28", "2024-01-28")
    with pytest.raises(ValueError, match="time_unit must be one of"):
        clv.calibration_holdout(tx, "2024-01-14", time_unit="weeks")


def test_holdout_table_cdnow(bg, pnbd, cdnow, holdout):
    tab = clv.holdout_table(cdnow, holdout, bg, 39)
    assert tab.index.tolist() == ["0", "1", "2", "3", "4", "5", "6", "7+", "Total"]
    assert tab.loc["Total", "customers"] == 2357
    assert tab.loc["Total", "actual_total"] == 1882  # distinct purchase days, 1997-10-01..1998-06-30
    assert tab["customers"].iloc[:-1].sum() == 2357
    ratio = tab.loc["Total", "predicted_total"] / tab.loc["Total", "actual_total"]
    # the BG/NBD under-forecasts the CDNOW holdout by about 12% (mostly customers with 1-2 purchases)
    assert 0.85 < ratio < 1.0
    body = tab.iloc[:-1]
    assert (np.diff(body["predicted_mean"]) > 0).all()
    assert (np.diff(body["actual_mean"]) > 0).all()
    assert abs(body.loc["0", "predicted_mean"] / body.loc["0", "actual_mean"] - 1) < 0.1
    assert abs(body.loc["7+", "predicted_mean"] / body.loc["7+", "actual_mean"] - 1) < 0.1
    # Pareto/NBD and BG/NBD give nearly the same aggregate forecast (FHL 2005)
    tab_p = clv.holdout_table(cdnow, holdout, pnbd, 39)
    assert tab_p.loc["Total", "predicted_total"] == pytest.approx(tab.loc["Total", "predicted_total"],
                                                                  rel=0.02)


def test_holdout_table_hand_example(bg):
    s = pd.DataFrame({"frequency": [0, 0, 1, 3], "recency": [0.0, 0.0, 2.0, 9.0], "T": [10.0] * 4},
                     index=["a", "b", "c", "d"])
    with pytest.warns(UserWarning, match="1 customer"):
        tab = clv.holdout_table(s, pd.Series({"a": 1, "d": 4, "zz": 2}), bg, 10, max_frequency=2)
    pred = bg.conditional_expected_purchases(10, s)
    assert tab.index.tolist() == ["0", "1", "2+", "Total"]
    assert tab["customers"].tolist() == [2, 1, 1, 4]
    assert tab["actual_total"].tolist() == [1.0, 0.0, 4.0, 5.0]
    assert tab.loc["0", "predicted_mean"] == pytest.approx(pred[["a", "b"]].mean())
    assert tab.loc["Total", "predicted_total"] == pytest.approx(pred.sum())


def test_plot_holdout_returns_axes(bg, cdnow, holdout, close_figures):
    tab = clv.holdout_table(cdnow, holdout, bg, 39)
    ax = plot_holdout(tab, ax=plt.figure().gca())
    assert isinstance(ax, plt.Axes)
    assert len(ax.get_lines()) == 2
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), tab["actual_mean"].iloc[:-1])
    with pytest.raises(ValueError, match="holdout_table"):
        plot_holdout(pd.DataFrame({"x": [1]}))
