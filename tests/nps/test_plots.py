"""Plots of NPS results (helpers.plots on the outputs of helpers.nps), on the Agg backend."""

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from helpers import nps
from helpers.plots import (MUTED, NPS_COLORS, plot_distinguishing_words, plot_drivers, plot_nps_ci,
                           plot_nps_trend, plot_score_distribution)

from .common import HAND, planted_survey, seg_frame

plt.switch_backend("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_plot_score_distribution():
    fig, ax = plt.subplots()
    df = pd.DataFrame({"score": pd.array(HAND + [None], dtype="Int64")})
    out = plot_score_distribution(df, ax=ax)
    assert out is ax
    assert len(ax.patches) == 11
    assert [p.get_height() for p in ax.patches] == [1, 0, 0, 1, 0, 0, 1, 1, 1, 3, 2]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["detractor", "passive",
                                                                  "promoter"]
    assert any("1 missing" in t.get_text() for t in ax.texts)


def test_plot_nps_ci_marks_significant_segments():
    res = nps.compare_segments(seg_frame(), "region")
    fig, ax = plt.subplots()
    plot_nps_ci(res, ax=ax, reference=10)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["North", "South", "West"]
    assert sum(t.get_text() == "*" for t in ax.texts) == int(res["significant"].sum())
    assert sum(line.get_linestyle() == "--" for line in ax.lines) == 1  # the reference line
    assert len(ax.containers) == 1 and len(ax.collections) >= 2  # error bars and dots
    with pytest.raises(ValueError, match="lacks"):
        plot_nps_ci(res.drop(columns="ci_low"), ax=ax)


def test_plot_nps_trend():
    months = {"2024-01": [10] * 10 + [3] * 10, "2024-02": [10] * 3 + [3] * 2,
              "2024-03": [10] * 45 + [3] * 5}
    df = pd.DataFrame([(s, pd.Timestamp(m + "-15")) for m, ss in months.items() for s in ss],
                      columns=["score", "response_date"])
    t = nps.trend(df, min_n=10, adjust=None)
    fig, ax = plt.subplots()
    plot_nps_trend(t, ax=ax)
    labels = [x.get_text() for x in ax.get_legend().get_texts()]
    assert labels[:2] == ["NPS", "CI"] and "hollow" in labels[2]
    assert ("significant change" in labels) == bool(t["change_significant"].any())


def test_plot_nps_trend_over_waves_has_one_tick_per_wave():
    df = pd.DataFrame({"score": [10, 3, 9, 9, 1, 10, 10, 8],
                       "period": ["spring", "spring", "summer", "summer", "summer", "winter", "winter",
                                  "winter"]})
    t = nps.trend(df, None, date="period", min_n=2)
    fig, ax = plt.subplots()
    plot_nps_trend(t, ax=ax)
    assert [x.get_text() for x in ax.get_xticklabels()] == ["spring", "summer", "winter"]
    line = ax.get_lines()[0]
    assert list(line.get_xdata()) == [0, 1, 2] and list(line.get_ydata()) == pytest.approx(t["nps"].tolist())


def test_plot_drivers():
    df, _ = planted_survey(n=600)
    res = nps.drivers(df, ["x", "region"])
    fig, ax = plt.subplots()
    plot_drivers(res, ax=ax)
    assert ax.get_xscale() == "log"
    labels = {"x": "x (per SD)", "region[East]": "region: East (vs North)",
              "region[South]": "region: South (vs North)"}
    assert [t.get_text() for t in ax.get_yticklabels()] == res["term"].map(labels).tolist()
    assert len(ax.containers) == len(res)  # one error bar per term
    note = ax.texts[-1].get_text()
    assert "95% CI" in note and "per standard deviation" in note
    fig, ax = plt.subplots()
    plot_drivers(nps.drivers(df, ["x"], scale="log2"), ax=ax)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["x (per doubling)"]
    assert "per doubling" in ax.texts[-1].get_text()


def test_plot_distinguishing_words():
    words = pd.DataFrame({"group": ["promoter", "promoter", "detractor"],
                          "word": ["great", "ok", "slow"], "z": [3.0, 0.5, -2.5],
                          "n_promoter": [20, 4, 1], "n_detractor": [2, 3, 15]})
    fig, ax = plt.subplots()
    out = plot_distinguishing_words(words.iloc[::-1], ax=ax)  # sorted by z whatever the input order
    assert out is ax
    assert [t.get_text() for t in ax.get_yticklabels()] == ["great", "ok", "slow"]
    assert [p.get_width() for p in ax.patches] == [3.0, 0.5, -2.5]
    # the weak word is grey, the others in the class colours
    colors = [mpl.colors.to_hex(p.get_facecolor()) for p in ax.patches]
    assert colors == [NPS_COLORS["promoter"], MUTED, NPS_COLORS["detractor"]]
    assert [t.get_text() for t in ax.texts[:3]] == ["20/2", "4/3", "1/15"]
    with pytest.raises(ValueError, match="no words"):
        plot_distinguishing_words(words.iloc[:0], ax=ax)
    with pytest.raises(ValueError, match="lacks"):
        plot_distinguishing_words(words.drop(columns="z"), ax=ax)
