"""The registry of the models of :mod:`helpers.clv`: every model object by name.

Each model is one object in its own module, holding its formulas (likelihood, P(alive), expected
purchases or spend); the fitting machinery and the fitted results of :mod:`helpers.clv.base` only
call its methods. Adding a model: write its module (a :class:`helpers.clv.base.LifetimeModel` or
:class:`helpers.clv.base.SpendModel` object and its ``fit_...`` function) and list it here.

Examples
--------
>>> sorted(LIFETIME_MODELS), LIFETIME_MODELS["bgnbd"].param_names
(['bgnbd', 'pareto_nbd'], ('r', 'alpha', 'a', 'b'))
"""

from __future__ import annotations

from helpers.clv.bgnbd import BGNBD
from helpers.clv.gamma_gamma import GAMMA_GAMMA
from helpers.clv.pareto_nbd import PARETO_NBD

__all__ = ["LIFETIME_MODELS", "SPEND_MODELS", "MODELS"]

#: Lifetime (purchase and drop-out) models by name; ``LIFETIME_MODELS[name].fit(summary)`` fits one.
LIFETIME_MODELS = {m.name: m for m in (BGNBD, PARETO_NBD)}
#: Spend models by name.
SPEND_MODELS = {m.name: m for m in (GAMMA_GAMMA,)}
#: Every model by name.
MODELS = {**LIFETIME_MODELS, **SPEND_MODELS}
