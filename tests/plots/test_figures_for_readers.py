"""Figures for readers: hollow markers explained, no code names, quarter ticks, currency, priorities apart."""

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from helpers import plots  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def trend(freq="Q", n=6):
    return pd.DataFrame({"period": pd.period_range("2024-01", periods=n, freq=freq),
                         "nps": np.linspace(0, 10, n), "ci_low": np.linspace(-5, 5, n),
                         "ci_high": np.linspace(5, 15, n), "low_n": [False] * (n - 1) + [True],
                         "change": [np.nan] + [2.0] * (n - 1), "change_significant": [False] * n})


def all_text(ax):
    texts = [t.get_text() for t in ax.texts] + [ax.get_title(loc="left"), ax.get_xlabel(), ax.get_ylabel()]
    if ax.get_legend():
        texts += [t.get_text() for t in ax.get_legend().get_texts()]
    return " ".join(texts)


def test_quarterly_points_sit_on_quarter_ticks():
    data = trend()
    ax = plots.plot_nps_trend(data, ax=plt.figure().gca(), min_n=30)
    ticks = mpl.dates.num2date(ax.get_xticks())
    starts = data["period"].dt.to_timestamp()
    assert [t.strftime("%Y-%m-%d") for t in ticks] == [f"{s:%Y-%m-%d}" for s in starts]
    assert [t.get_text() for t in ax.get_xticklabels()][:2] == ["2024 Q1", "2024 Q2"]


def test_hollow_markers_are_explained_and_no_code_name_is_shown():
    ax = plots.plot_nps_trend(trend(), ax=plt.figure().gca(), min_n=30)
    text = all_text(ax)
    assert "fewer than 30 answers (hollow)" in text and "min_n" not in text
    seg = pd.DataFrame({"segment": ["a", "b"], "nps": [20.0, -5.0], "ci_low": [10.0, -15.0],
                        "ci_high": [30.0, 5.0], "p_adj": [0.01, 0.4]})
    legend = [t.get_text() for t in plots.plot_nps_ci(seg, ax=plt.figure().gca()).get_legend().get_texts()]
    assert legend == ["differs from the rest (filled)", "no significant difference (hollow)"]


def test_money_axes_name_the_currency():
    tx = pd.DataFrame({"order_date": pd.to_datetime(["2024-01-05", "2024-02-05", "2024-02-07"]),
                       "amount": [10.0, 20.0, -5.0], "customer_id": ["a", "b", "a"]})
    assert "(EUR)" in plots.plot_monthly_activity(tx, ax=plt.figure().gca(), currency="EUR").get_ylabel()
    assert "(EUR)" in plots.plot_amount_distribution(tx, ax=plt.figure().gca(), currency="EUR").get_xlabel()


def relative_luminance(hex_colour):
    rgb = np.array(mpl.colors.to_rgb(hex_colour))
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return float(lin @ [0.2126, 0.7152, 0.0722])


def cielab(hex_colour):
    """sRGB -> CIELAB (D65), written out from the standard formulas."""
    rgb = np.array(mpl.colors.to_rgb(hex_colour))
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = m @ lin / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_seven_priorities_step_clearly_from_dark_to_light():
    colours = list(plots.priority_colors(range(1, 8)).values())
    lum = [relative_luminance(c) for c in colours]
    assert lum == sorted(lum)  # most urgent darkest
    # neighbours at least 15 CIELAB units apart (the seven Blues shades before: 9.9 to 14.1)
    steps = [float(np.linalg.norm(cielab(a) - cielab(b))) for a, b in zip(colours, colours[1:])]
    assert min(steps) >= 15, steps
    assert (1.05) / (lum[-1] + 0.05) > 1.3  # the lightest still shows on white


@pytest.mark.parametrize("profit, scale", [([-3.0, 0.0, 2.0, 40.0, 900.0], "symlog"),
                                           ([0.5, 2.0, 40.0, 900.0, 5.0], "log")])
def test_the_map_scales_are_the_ones_drawn(profit, scale):
    """The scales the sentence of 03 describes are those of the drawn axes."""
    d = pd.DataFrame({"profit_per_order": profit, "lifetime": [1e-9, 1.0, 5.0, 20.0, 80.0],
                      "group": ["Strangers", "Butterflies", "Barnacles", "True Friends", "Strangers"]})
    s = plots.relationship_map_scales(d)
    ax = plots.plot_relationship_map(d, splits=(10, 5), ax=plt.figure().gca())
    assert s["profit_scale"] == scale == ax.get_yscale()
    assert s["loyalty_scale"] == "log" == ax.get_xscale()
    if scale == "symlog":
        assert s["linear_within"] == ax.yaxis.get_transform().linthresh == 1.0
    # the floor is the 1st percentile of loyalty (numpy's linear interpolation) or 1/10,000 of its maximum
    floor = max(np.quantile(d["lifetime"], 0.01), 80.0 * 1e-4)
    assert s["loyalty_floor"] == pytest.approx(floor) and s["clipped"] == 1
    note = " ".join(t.get_text() for t in ax.texts + ax.figure.texts)
    assert "dashed lines: the splits, at 5 across and 10 up" in note
    assert "profit_per_order" not in note and "lifetime" not in note  # the axis labels name the measures
    flat = plots.relationship_map_scales(d, log=False)
    assert (flat["profit_scale"], flat["loyalty_scale"], flat["clipped"]) == ("linear", "linear", 0)
    with pytest.raises(ValueError, match="lifetime"):
        plots.relationship_map_scales(d.drop(columns="lifetime"))
