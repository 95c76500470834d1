"""Customer lifetime value: BG/NBD, Pareto/NBD and Gamma-Gamma models fitted by maximum likelihood.

Three probability models for non-contractual customers ("buy till you die"):

- **BG/NBD** (Fader, Hardie & Lee, 2005): while alive a customer buys at a Poisson rate
  ``lambda ~ Gamma(r, alpha)``; after each repeat purchase she drops out with probability
  ``p ~ Beta(a, b)``.
- **Pareto/NBD** (Schmittlein, Morrison & Colombo, 1987): the same purchasing, but lifetimes are
  exponential with rate ``mu ~ Gamma(s, beta)``; the model Reinartz & Kumar used for lifetime duration.
- **Gamma-Gamma** (Fader & Hardie, 2013): a customer's transaction values are Gamma(p, nu) with
  ``nu ~ Gamma(q, gamma)``, independent of how often she buys.

All three take the customer summary table of :func:`helpers.lifecycle.rfm_summary` (one row per
customer, indexed by ``customer_id``), in the definitions of the ``lifetimes`` package:

- ``frequency``: number of repeat purchases (distinct purchase periods minus one);
- ``recency``: time from the first to the last purchase (0 when ``frequency`` is 0);
- ``T``: time from the first purchase to the end of observation;
- ``monetary_value``: mean value of the repeat purchases (0 when ``frequency`` is 0).

``recency`` and ``T`` must be in one time unit, the unit of the fitted model (see
:func:`convert_time_unit` and :data:`DAYS_PER_UNIT`); rates such as ``alpha`` and ``beta`` scale with it.

The fits are plain maximum likelihood with scipy: parameters on the log scale, L-BFGS-B with analytic
gradients (BG/NBD, Gamma-Gamma) and tight tolerances, a Nelder-Mead run from another start to confirm
(on fewer than 20,000 unique rows, or when L-BFGS-B did not converge or stopped near a bound;
``confirm=True``: always), and standard errors from a central-difference Hessian of the
log-likelihood in the log-parameters (turned into natural-scale standard errors by the delta
method). The likelihoods are evaluated on the unique
``(frequency, recency, T)`` triples with their counts as weights, so a million customers take
seconds (``benchmarks/bench_clv.py``). On the CDNOW sample they reproduce the published estimates
(``tests/clv/``). Own code rather than a library: ``lifetimes`` is archived and parts of it
break under pandas 3, ``btyd`` does not import with numpy 2, and ``pymc-marketing`` adds a large
dependency and seconds of compilation per model for the same point estimates.

Submodules (everything public is importable from ``helpers.clv`` itself):

- :mod:`~helpers.clv.base`: the fitted-model interface (:class:`LifetimeFit`, :class:`SpendFit`),
  the model interface (:class:`~helpers.clv.base.LifetimeModel`,
  :class:`~helpers.clv.base.SpendModel`), the optimiser and Hessian, input checks, time units
  (:data:`DAYS_PER_UNIT`, :func:`convert_time_unit`);
- :mod:`~helpers.clv.bgnbd`: BG/NBD likelihood, P(alive), expected purchases, :func:`fit_bgnbd`,
  :func:`simulate_bgnbd`;
- :mod:`~helpers.clv.pareto_nbd`: Pareto/NBD likelihood, P(alive), expected purchases,
  :func:`fit_pareto_nbd`;
- :mod:`~helpers.clv.gamma_gamma`: Gamma-Gamma likelihood, conditional spend, :func:`fit_gamma_gamma`;
- :mod:`~helpers.clv.models`: the registry of model objects by name (:data:`LIFETIME_MODELS`, ...);
- :mod:`~helpers.clv.value`: :func:`customer_value` and :class:`CustomerValue` (which keeps its
  parameter draws);
- :mod:`~helpers.clv.holdout`: :func:`calibration_holdout`, :func:`holdout_table`.

Typical use (weekly units)::

    summary = convert_time_unit(rfm_summary(transactions), "D", "W")
    bg = fit_bgnbd(summary, time_unit="W")
    gg = fit_gamma_gamma(summary)
    value = customer_value(summary, bg, gg, horizon=52, time_unit="W", margin_rate=0.3)
    value.table, value.total
"""

from helpers.clv.base import DAYS_PER_UNIT, LifetimeFit, SpendFit, _check_unit, convert_time_unit
from helpers.clv.bgnbd import fit_bgnbd, simulate_bgnbd
from helpers.clv.gamma_gamma import fit_gamma_gamma
from helpers.clv.holdout import calibration_holdout, holdout_table
from helpers.clv.models import LIFETIME_MODELS, MODELS, SPEND_MODELS
from helpers.clv.pareto_nbd import fit_pareto_nbd
from helpers.clv.value import CustomerValue, customer_value

__all__ = [
    "DAYS_PER_UNIT",
    "LifetimeFit",
    "SpendFit",
    "CustomerValue",
    "fit_bgnbd",
    "fit_pareto_nbd",
    "fit_gamma_gamma",
    "customer_value",
    "holdout_table",
    "calibration_holdout",
    "convert_time_unit",
    "simulate_bgnbd",
    "LIFETIME_MODELS",
    "SPEND_MODELS",
    "MODELS",
]
