"""Relationship groups (Reinartz & Kumar, 2002): profitability x projected relationship duration.

Reinartz and Kumar found that loyalty and profitability are different axes: many long-lived customers
are not profitable and many profitable ones do not stay. Placing customers on both axes gives four
groups, each with its own strategy (``helpers.frameworks.RELATIONSHIP_GROUPS``):

==============  ==============  =================
profitability   short duration  long duration
==============  ==============  =================
high            Butterflies     True Friends
low             Strangers       Barnacles
==============  ==============  =================

In their work duration is projected by a probabilistic lifetime model of purchase behaviour (the
Pareto/NBD); :func:`projected_duration` does the same with any fitted model of :mod:`helpers.clv`.
The default loyalty axis of :func:`customer_relationships` is the lifetime model's expected
purchases within a horizon as long as the data (``purchases_ahead``): checked on each data set's own
holdout (:func:`holdout_validity`) it predicts later buying better than the projected duration.

Submodules (everything public is importable from ``helpers.relationship`` itself):

- :mod:`~helpers.relationship.groups`: :data:`GROUPS`, :func:`split_value`, :func:`assign_groups`,
  :func:`group_summary` (the four groups and the split lines), :func:`group_probabilities` (how
  sure each customer's group is, from parameter draws);
- :mod:`~helpers.relationship.duration`: :func:`projected_duration`;
- :mod:`~helpers.relationship.migration`: :func:`migration` between two snapshots;
- :mod:`~helpers.relationship.survey`: :func:`group_nps` (NPS per group);
- :mod:`~helpers.relationship.pipeline`: :func:`customer_relationships` and its result
  :class:`Relationships`, the measures :data:`LOYALTY_MEASURES` and :data:`PROFIT_MEASURES`;
- :mod:`~helpers.relationship.validity`: :func:`holdout_validity` (each loyalty measure checked
  against purchasing after a cut) and its result :class:`HoldoutValidity`, :func:`auc`;
  :func:`model_check` (each lifetime model's predicted against actual purchases after a cut).
"""

from helpers.relationship.duration import projected_duration
from helpers.relationship.groups import (BORDERLINE_BELOW, GROUPS, TIE_WARN_SHARE, assign_groups,
                                        group_probabilities, group_summary, split_value)
from helpers.relationship.migration import migration
from helpers.relationship.pipeline import (LOYALTY_MEASURES, PROFIT_MEASURES, Relationships,
                                           customer_relationships)
from helpers.relationship.survey import group_nps
from helpers.relationship.validity import (VALIDITY_MEASURES, HoldoutValidity, auc, holdout_validity,
                                           model_check)

__all__ = ["GROUPS", "split_value", "assign_groups", "projected_duration", "group_summary", "migration",
           "group_nps", "customer_relationships", "Relationships", "LOYALTY_MEASURES",
           "PROFIT_MEASURES", "TIE_WARN_SHARE", "holdout_validity", "HoldoutValidity", "auc",
           "VALIDITY_MEASURES", "group_probabilities", "BORDERLINE_BELOW", "model_check"]
