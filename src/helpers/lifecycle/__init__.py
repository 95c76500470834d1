"""Customer lifecycle: RFM summary and scores, lifecycle stages, loyalty ladder, stage transitions,
cohort retention and time-to-lapse survival; one joined row per customer (:func:`customer_lifecycle`)
and customers and revenue per stage, segment or rung (:func:`stage_summary`).

Submodules
----------
_transactions
    The shared private preparation: the transactions table validated and turned into numpy columns
    (customer codes, day numbers, amounts), fast sorting, purchase days and per-customer histories.
rfm
    :func:`rfm_summary` (lifetimes' frequency, recency, T, monetary value), :func:`rfm_scores`
    (tie-aware 1-5 scores), :func:`rfm_segment_grid` and :func:`rfm_segments` (rules with precedence).
thresholds
    :func:`purchase_gaps` and :func:`stage_thresholds`: the stage windows in days from the gaps.
stages
    :func:`lifecycle_stage`, the default stage rule table :data:`STAGE_RULES` and
    :func:`assign_stages`, the one function that evaluates it.
ladder
    :func:`loyalty_ladder` (rules in :data:`helpers.frameworks.LOYALTY_LADDER`).
transitions
    :func:`stage_transitions`: stages on two dates cross-tabulated (:class:`Transitions`); both
    snapshots come from one query of the engine (:func:`helpers.engine.stage_snapshots`).
cohorts
    :func:`cohort_retention`: acquisition-cohort retention (:class:`Cohorts`).
_transactions
    :func:`prepare_transactions`: the checks and numpy columns the functions share, done once.
survival
    :func:`lapse_survival`: time to the first lapse, Kaplan-Meier and log-rank (:class:`Survival`).
view
    :func:`customer_lifecycle` (every view joined, one row per customer) and :func:`stage_summary`.

All functions take the canonical ``transactions`` table of the data contract (one row per order line:
``customer_id``, ``order_date``, ``amount``; optional ``order_id``, ``profit`` and attribute columns)
and work on whole columns with numpy: no Python loop runs per customer or per row, so the functions
stay fast on tens of millions of rows.

Shared conventions
------------------
purchase
    A row with ``amount >= 0``. Rows with a negative amount are refunds: they are netted into the
    value of the period they fall in and count in revenue and profit, but a day (or period) whose only
    rows are refunds is not a purchase (it does not make a customer repeat, recent or active).
purchase day
    A calendar day with at least one purchase row. Stages, the loyalty ladder, the gaps between
    purchases and survival count purchase days, so two orders on the same day are one visit.
observation_end
    The "as of" date. Rows dated after it are ignored (the data loader reports how many exist); the
    date itself is included. Default: the last transaction date.
customer ids
    Outputs are indexed by ``customer_id``, sorted. A categorical or integer ``customer_id`` column is
    used as is (fast); strings are factorised, which dominates the run time on very large tables.
"""

from helpers.lifecycle._transactions import prepare_transactions
from helpers.lifecycle.cohorts import COHORT_FREQS, Cohorts, cohort_retention
from helpers.lifecycle.ladder import loyalty_ladder
from helpers.lifecycle.rfm import (
    RFM_FREQS,
    _tie_aware_scores,
    rfm_scores,
    rfm_segment_grid,
    rfm_segments,
    rfm_summary,
)
from helpers.lifecycle.stages import (
    STAGE_MEASURES,
    STAGE_RULES,
    STAGES,
    UNASSIGNED,
    assign_stages,
    lifecycle_stage,
)
from helpers.lifecycle.survival import Survival, lapse_survival
from helpers.lifecycle.thresholds import THRESHOLD_KEYS, purchase_gaps, stage_thresholds
from helpers.lifecycle.transitions import NOT_YET_KNOWN, Transitions, stage_transitions
from helpers.lifecycle.view import (
    RECENT_DAYS,
    SUMMARY_VOCABULARIES,
    customer_lifecycle,
    stage_summary,
)

__all__ = [
    "COHORT_FREQS",
    "NOT_YET_KNOWN",
    "RECENT_DAYS",
    "RFM_FREQS",
    "STAGES",
    "STAGE_MEASURES",
    "STAGE_RULES",
    "SUMMARY_VOCABULARIES",
    "THRESHOLD_KEYS",
    "UNASSIGNED",
    "Cohorts",
    "Survival",
    "Transitions",
    "assign_stages",
    "cohort_retention",
    "customer_lifecycle",
    "lapse_survival",
    "lifecycle_stage",
    "loyalty_ladder",
    "prepare_transactions",
    "purchase_gaps",
    "rfm_scores",
    "rfm_segment_grid",
    "rfm_segments",
    "rfm_summary",
    "stage_summary",
    "stage_thresholds",
    "stage_transitions",
]
