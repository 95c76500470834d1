"""One house style for every figure in the collection.

Conventions (seaborn's): every figure function takes its table (or fitted model) first as ``data``,
everything else by keyword, draws on ``ax`` (default: ``plt.gca()``) and returns the Axes. No function
calls ``plt.show()`` or changes global state; notebooks call :func:`use_house_style` once.

Submodules:

- :mod:`helpers.plots.style`         house style (:func:`use_house_style`), :func:`get_ax`,
  :func:`label`, the colours (``NPS_COLORS``, ``STAGE_COLORS``, ``LADDER_COLORS``, ``GROUP_COLORS``
  read from :mod:`helpers.frameworks`; ``ACCENT``, ``MUTED``, ``SERIES_COLORS``) and colour maps
- :mod:`helpers.plots.nps`           answers, NPS by segment, trend, drivers, distinguishing words
- :mod:`helpers.plots.lifecycle`     purchase gaps, stages, RFM grid and segments, loyalty ladder,
  transitions, cohort retention, survival
- :mod:`helpers.plots.relationship`  CLV checks (holdout, P(alive) matrix) and the relationship
  groups (quadrant map, shares, value, migration)
- :mod:`helpers.plots.actions`       stage x group heatmap, predicted profit per action
- :mod:`helpers.plots.data`          monthly activity, distribution of amounts (data check)
"""

from helpers.plots.actions import (NO_GROUP, plot_predicted_profit_by_action,
                                   plot_stage_group_heatmap)
from helpers.plots.data import plot_amount_distribution, plot_monthly_activity
from helpers.plots.lifecycle import (plot_cohort_retention, plot_ladder_funnel, plot_purchase_gaps,
                                     plot_rfm_heatmap, plot_segment_bars, plot_stage_bars,
                                     plot_survival, plot_transitions)
from helpers.plots.nps import (plot_distinguishing_words, plot_drivers, plot_nps_ci, plot_nps_trend,
                               plot_score_distribution)
from helpers.plots.relationship import (plot_group_migration, plot_group_shares, plot_group_value,
                                        plot_holdout, plot_p_alive_matrix, plot_relationship_map,
                                        relationship_map_scales)
from helpers.plots.style import (ACCENT, CONTRAST, GROUP_COLORS, LADDER_COLORS, MUTED, NPS_COLORS,
                                 P_ALIVE_CMAP, PRINT_DPI, SERIES_COLORS, STAGE_COLORS, Palette,
                                 figure_png, figure_title, get_ax, label, nps_order, priority_colors,
                                 use_house_style)

__all__ = [
    # style
    "ACCENT", "MUTED", "CONTRAST", "SERIES_COLORS", "NPS_COLORS", "GROUP_COLORS", "STAGE_COLORS",
    "LADDER_COLORS", "P_ALIVE_CMAP", "Palette", "nps_order", "use_house_style", "get_ax", "label",
    "PRINT_DPI", "figure_png", "figure_title", "priority_colors",
    # nps
    "plot_score_distribution", "plot_nps_ci", "plot_nps_trend", "plot_drivers",
    "plot_distinguishing_words",
    # lifecycle
    "plot_purchase_gaps", "plot_stage_bars", "plot_rfm_heatmap", "plot_segment_bars",
    "plot_ladder_funnel", "plot_transitions", "plot_cohort_retention", "plot_survival",
    # relationship
    "plot_holdout", "plot_p_alive_matrix", "relationship_map_scales", "plot_relationship_map",
    "plot_group_shares", "plot_group_value", "plot_group_migration",
    # data
    "plot_monthly_activity", "plot_amount_distribution",
    # actions
    "NO_GROUP", "plot_stage_group_heatmap", "plot_predicted_profit_by_action",
]
