"""helpers.plots.style: colours come from the vocabulary; a name without one warns, never grey."""

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from helpers import frameworks, plots  # noqa: E402
from helpers.plots import style  # noqa: E402

PALETTES = {
    "nps_classes": plots.NPS_COLORS,
    "lifecycle_stages": plots.STAGE_COLORS,
    "loyalty_ladder": plots.LADDER_COLORS,
    "relationship_groups": plots.GROUP_COLORS,
}


@pytest.fixture
def close_figures():
    np.random.seed(0)
    yield
    plt.close("all")


@pytest.mark.parametrize("vocabulary", sorted(PALETTES))
def test_every_vocabulary_entry_has_a_colour(vocabulary):
    for term in frameworks.VOCABULARIES[vocabulary]:
        assert mpl.colors.is_color_like(term.get("color")), f"{vocabulary}: {term['name']} lacks a color"


@pytest.mark.parametrize("vocabulary", sorted(PALETTES))
def test_palette_is_the_vocabulary_in_its_order(vocabulary):
    terms = frameworks.VOCABULARIES[vocabulary]
    assert list(PALETTES[vocabulary].items()) == [(t["name"], t["color"]) for t in terms]


def test_colours_are_the_ones_the_figures_always_used():
    # written out by hand: a change here changes every stored figure
    assert dict(plots.NPS_COLORS) == {"detractor": "#d1495b", "passive": "#edae49", "promoter": "#00798c"}
    assert dict(plots.GROUP_COLORS) == {"Strangers": "#9e9e9e", "Butterflies": "#edae49",
                                        "Barnacles": "#6c8ebf", "True Friends": "#00798c"}
    assert dict(plots.STAGE_COLORS) == {"prospect": "#c7c7c7", "new": "#8fd694", "active": "#00798c",
                                        "reactivated": "#30638e", "at risk": "#edae49",
                                        "lapsed": "#d1495b"}
    ladder = dict(plots.LADDER_COLORS)
    assert ladder.pop("suspect")  # never drawn (not observable) but coloured like every rung
    assert ladder == {"prospect": "#c7c7c7", "first-time customer": "#8fd694",
                      "repeat customer": "#6c8ebf", "client": "#30638e", "advocate": "#00798c"}


def test_nps_order_and_p_alive_map_follow_the_classes():
    assert plots.nps_order() == ["detractor", "passive", "promoter"]
    low, high = plots.P_ALIVE_CMAP(0.0), plots.P_ALIVE_CMAP(1.0)
    assert mpl.colors.to_hex(low) == plots.NPS_COLORS["detractor"]
    assert mpl.colors.to_hex(high) == plots.NPS_COLORS["promoter"]


def test_unknown_name_warns_naming_it_and_is_drawn_in_the_accent():
    with pytest.warns(UserWarning, match=r"no colour for \['Whales'\] in the 'relationship_groups' "
                                         r"vocabulary.*RELATIONSHIP_GROUPS"):
        colors = plots.GROUP_COLORS.colors(["True Friends", "Whales", "Whales"])
    assert colors == ["#00798c", plots.ACCENT, plots.ACCENT]
    assert plots.ACCENT != plots.MUTED  # the fallback is not the grey of "not significant"
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        assert plots.GROUP_COLORS.colors(["Strangers"]) == ["#9e9e9e"]


def test_unknown_name_by_index_raises_a_clear_key_error():
    with pytest.raises(KeyError, match="'Whales' has no colour in the 'relationship_groups' vocabulary"):
        plots.GROUP_COLORS["Whales"]
    with pytest.raises(KeyError, match="unknown vocabulary 'nope'"):
        plots.Palette("nope")


def test_figures_warn_for_a_name_without_colour(close_figures):
    gs = pd.DataFrame({"share": [.5, .5], "profit_share": [.2, .8]}, index=["Strangers", "Whales"])
    with pytest.warns(UserWarning, match="Whales"):
        ax = plots.plot_group_shares(gs, ax=plt.figure().gca())
    assert mpl.colors.to_hex(ax.patches[1].get_facecolor()) == plots.ACCENT
    ladder = pd.DataFrame({"rung": pd.Categorical(["client", "VIP"], categories=["client", "VIP"])})
    with pytest.warns(UserWarning, match="'VIP'.*'loyalty_ladder'"):
        plots.plot_ladder_funnel(ladder, ax=plt.figure().gca())


def test_a_stage_added_to_the_vocabulary_is_drawn_in_its_colour(monkeypatch, close_figures):
    stages = [*frameworks.LIFECYCLE_STAGES,
              {"name": "dormant", "color": "#123456", "definition": "d", "actions": "a",
               "source": "blattberg2008"}]
    monkeypatch.setitem(frameworks.VOCABULARIES, "lifecycle_stages", stages)
    data = pd.DataFrame({"stage": pd.Categorical(["active", "dormant"], categories=["active", "dormant"]),
                         "revenue": [10.0, 5.0]})
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        ax = plots.plot_stage_bars(data, ax=plt.figure().gca())
    assert [mpl.colors.to_hex(p.get_facecolor()) for p in ax.patches[:2]] == ["#00798c", "#123456"]


def test_a_group_added_to_the_vocabulary_is_coloured_without_a_plot_edit(monkeypatch):
    groups = [*frameworks.RELATIONSHIP_GROUPS, {"name": "Whales", "color": "#654321"}]
    monkeypatch.setitem(frameworks.VOCABULARIES, "relationship_groups", groups)
    assert plots.GROUP_COLORS["Whales"] == "#654321"
    assert plots.GROUP_COLORS.color("Whales") == "#654321"


def test_get_ax_and_label(close_figures):
    fig, ax = plt.subplots()
    assert style.get_ax(ax) is ax
    plt.sca(ax)
    assert style.get_ax() is ax
    style.label(ax, title="T", xlabel="x", ylabel="y", note="n = 3")
    assert (ax.get_title(loc="left"), ax.get_xlabel(), ax.get_ylabel()) == ("T", "x", "y")
    assert [t.get_text() for t in ax.texts] == ["n = 3"]
