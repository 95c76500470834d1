"""helpers.live: widgets beside a redrawn figure in JupyterLab; in static runs the chosen values in
words and no widget script or state in the HTML."""

import os

import matplotlib.pyplot as plt
import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient

from helpers import live
from helpers.report.render import render_html

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def test_chosen_values_states_each_value():
    text = live.chosen_values({"confidence": live.CONFIDENCE, "fresh": live.FRESHNESS}, {"confidence": 0.9})
    assert "confidence level = 0.9; freshness window = 30 days" in text and "change them" in text


@pytest.mark.parametrize("env, expected", [({"CRM_LIVE": "1"}, True), ({"CRM_LIVE": "0", "JPY_SESSION_NAME": "x"}, False),
                                           ({"JPY_SESSION_NAME": "x.ipynb"}, True), ({}, False)])
def test_is_live(monkeypatch, env, expected):
    for key in ("CRM_LIVE", "JPY_SESSION_NAME"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert live.is_live() is expected


def test_static_prints_the_values_and_draws_nothing(capsys):
    calls = []
    assert live.tweak(lambda confidence: calls.append(confidence), {"confidence": live.CONFIDENCE},
                      live=False) is None
    assert capsys.readouterr().out.startswith("Chosen in this report: confidence level = 0.95")
    assert calls == []


def test_live_redraws_on_every_change():
    calls = []
    box = live.tweak(lambda confidence, fresh: calls.append((confidence, fresh)),
                     {"confidence": live.CONFIDENCE, "fresh": live.FRESHNESS}, live=True)
    sliders = box.children[0].children
    assert [s.description for s in sliders] == ["confidence level", "freshness window"]
    sliders[0].value = 0.9
    sliders[1].value = 45
    assert calls[0] == (0.95, 30) and calls[-2:] == [(0.9, 30), (0.9, 45)]


def test_bad_controls():
    with pytest.raises(TypeError, match="must be helpers.live.Control objects; not: \\['x'\\]"):
        live.tweak(lambda x: None, {"x": 3}, live=False)
    with pytest.raises(ValueError, match="is a value, not a quantile"):
        live.split_quantile(12.5)
    # a split given as a value starts the slider where it lies among the values
    assert live.split_quantile(7.5, pd.Series(range(10))) == 0.8


def test_confidence_level_changes_the_interval_drawn(sample):
    narrow = live.nps_segments(sample.survey, "region")(confidence=0.80)
    assert plt.gca().get_title(loc="left") == "NPS by region with 80% intervals"
    wide = live.nps_segments(sample.survey, "region")(confidence=0.99)
    # the adjusted Wald interval's half-width is z x SE: the widths scale as z(0.995) / z(0.90)
    ratio = (wide["ci_high"] - wide["ci_low"]) / (narrow["ci_high"] - narrow["ci_low"])
    assert ratio.to_numpy() == pytest.approx(2.5758293035489 / 1.2815515655446, rel=1e-6)


def test_split_lines_move_the_groups(capsys):
    t = pd.DataFrame({"profit_per_order": [1.0, 2, 3, 4, 5, 6, 7, 8], "lifetime": [8.0, 7, 6, 5, 4, 3, 2, 1]})
    at_median = live.relationship_map(t)(profit_split=0.5, loyalty_split=0.5)["group"].value_counts()
    moved = live.relationship_map(t)(profit_split=0.25, loyalty_split=0.75)["group"].value_counts()
    # profit 1..8 split at its 25th percentile (2.75): 6 high; lifetime 8..1 at its 75th (6.25): 2 long
    assert moved.to_dict() == {"Butterflies": 6, "True Friends": 0, "Barnacles": 2, "Strangers": 0}
    assert at_median.to_dict() == {"Barnacles": 4, "Butterflies": 4, "Strangers": 0, "True Friends": 0}


@pytest.mark.slow
def test_a_static_run_leaves_no_widget_in_the_html(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from helpers import live\nlive.tweak(lambda confidence: None, {'confidence': live.CONFIDENCE})")])
    env_live = {k: os.environ.pop(k) for k in ("CRM_LIVE", "JPY_SESSION_NAME") if k in os.environ}
    try:
        NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    finally:
        os.environ.update(env_live)
    outputs = nb.cells[0].outputs
    assert outputs[0]["text"].startswith("Chosen in this report: confidence level = 0.95")
    assert not any(WIDGET_MIME in o.get("data", {}) for o in outputs) and "widgets" not in nb.metadata
    html = render_html(nb, "t")
    assert "widget-state" not in html and "jupyter-widgets" not in html and WIDGET_MIME not in html


@pytest.mark.slow
def test_the_cutoff_reprojects_the_lifetime_axis(sample):
    import warnings

    from helpers import relationship

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the sample's model notes are not the point here
        rel = relationship.customer_relationships(sample.transactions, sample.observation_end, n_boot=0)
        draw = live.relationship_map(rel.table, lifetime_fit=rel.lifetime)
        same = draw(profit_split=0.5, loyalty_split=0.5, cutoff=0.5)
        lower = draw(profit_split=0.5, loyalty_split=0.5, cutoff=0.2)
    # the default cut-off reproduces the pipeline's lifetimes; a lower one keeps customers longer
    assert (same["lifetime"] == rel.table["lifetime"]).all()
    assert (lower["lifetime"] >= same["lifetime"]).all() and (lower["lifetime"] > same["lifetime"]).any()


def test_stage_window_controls_drive_the_stage_counts():
    tx = pd.DataFrame({"customer_id": ["a", "b", "c"], "amount": [10.0, 20.0, 5.0],
                       "order_date": pd.to_datetime(["2024-01-01", "2024-06-20", "2024-04-01"])})
    draw = live.lifecycle_stages(tx, "2024-06-30", {})
    wide = draw(new_window=300, active_window=350, lapse_window=400)  # every window reaches every purchase
    narrow = draw(new_window=5, active_window=5, lapse_window=30)
    plt.close("all")
    assert wide["lapsed"] == 0 and narrow["lapsed"] == 2  # a (Jan) and c (Apr) are past 30 days
    assert set(live.STAGE_WINDOWS) == {"new_window", "active_window", "lapse_window"}
