"""The plots of helpers.plots on the lifecycle tables: the returned Axes and their artists."""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import pytest

from helpers import plots
from helpers import lifecycle as lc
from tests.lifecycle.common import SCORE_NOTE, TH


def test_plots_return_axes_with_expected_artists(stage_tx, km_tx):
    stages = lc.lifecycle_stage(stage_tx, "2024-06-30", thresholds=TH)
    fig, ax = plt.subplots()
    assert plots.plot_stage_bars(stages, ax=ax) is ax
    n_stages = stages["stage"].nunique()
    assert len(ax.patches) == 2 * n_stages
    assert ax.get_title(loc="left") == "Customers and revenue by lifecycle stage"

    summary = lc.rfm_summary(stage_tx)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", SCORE_NOTE, UserWarning)
        scores = lc.rfm_scores(summary)
    seg = lc.rfm_segments(scores).join(summary)
    fig, ax = plt.subplots()
    plots.plot_rfm_heatmap(seg, ax=ax)
    assert len(ax.texts) == 25
    assert sum(float(t.get_text().replace(",", "")) for t in ax.texts) == len(seg)
    fig, ax = plt.subplots()
    plots.plot_rfm_heatmap(seg, value="revenue", ax=ax)
    assert ax.get_title(loc="left") == "mean revenue by R and F score"
    fig, ax = plt.subplots()
    plots.plot_segment_bars(seg, value="revenue", ax=ax)
    assert len(ax.patches) == seg["segment"].nunique()

    ladder = lc.loyalty_ladder(stage_tx, "2024-06-30", thresholds=TH)
    fig, ax = plt.subplots()
    plots.plot_ladder_funnel(ladder, ax=ax)
    assert len(ax.patches) == 5
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == "advocate"

    t = lc.stage_transitions(stage_tx, "2024-03-31", "2024-06-30", thresholds=TH)
    fig, ax = plt.subplots()
    plots.plot_transitions(t.shares, ax=ax)
    n_rows = len(t.shares.dropna(how="all"))
    assert len(ax.get_yticklabels()) == n_rows
    assert len(ax.texts) == n_rows * len(lc.STAGES) + 1  # cells + the date note

    coh = lc.cohort_retention(stage_tx)
    fig, ax = plt.subplots()
    plots.plot_cohort_retention(coh.shares, ax=ax)
    assert len(ax.texts) == int(coh.shares.notna().to_numpy().sum())

    sv = lc.lapse_survival(km_tx, "2024-03-31", lapse_days=10, by="channel")
    fig, ax = plt.subplots()
    plots.plot_survival(sv.curves, medians=sv.medians, ax=ax)
    assert len(ax.lines) == 2 and len(ax.collections) == 2
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[1] == "web (n = 3, median 15 days)"


def test_new_plot_options(stage_tx, km_tx):
    gaps = lc.purchase_gaps(stage_tx, "2024-06-30")
    fig, ax = plt.subplots()
    assert plots.plot_purchase_gaps(gaps, thresholds=TH, ax=ax) is ax
    assert len(ax.lines) == 2  # active and lapse window
    assert [ln.get_xdata()[0] for ln in ax.lines] == [30, 90]
    with pytest.raises(ValueError, match="empty"):
        plots.plot_purchase_gaps([], ax=ax)

    t = lc.stage_transitions(stage_tx, "2024-03-31", "2024-06-30", thresholds=TH)
    fig, ax = plt.subplots()
    plots.plot_transitions(t.shares, counts=t.counts, ax=ax)
    labels = [x.get_text() for x in ax.get_yticklabels()]
    assert labels[0] == f"{lc.NOT_YET_KNOWN} (n = 2)"  # 'new' and 'edge30' first bought later
    assert "2024-03-31" in ax.texts[-1].get_text() and "00:00" not in ax.texts[-1].get_text()

    sv = lc.lapse_survival(km_tx, "2024-03-31", lapse_days=10, by="channel")
    fig, ax = plt.subplots()
    plots.plot_survival(sv.curves, medians=sv.medians, logrank=sv.logrank, ax=ax)
    assert f"df = {int(sv.logrank['df'])}" in ax.texts[-1].get_text()

    coh = lc.cohort_retention(stage_tx, freq="Q")
    fig, ax = plt.subplots()
    plots.plot_cohort_retention(coh.shares, ax=ax)
    assert ax.get_xlabel() == "quarters since the first purchase"
