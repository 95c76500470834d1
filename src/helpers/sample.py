"""Seeded synthetic sample data with planted, known structure.

:func:`generate` builds a small shop's customer base from a known model and returns the four tables
in memory; :func:`write_sample` writes them as CSV files (byte-identical on every run with the same
seed). ``python -m helpers.sample`` regenerates ``data/sample/``. Because the truth behind the data is
known (``truth.csv``), the analyses of this collection can be checked by whether they *recover* it.

The planted structure
---------------------
Every number below lives in one of the module-level dicts (:data:`TYPE_PARAMS`,
:data:`STYLE_PARAMS`, :data:`CATEGORY_PARAMS`, :data:`SURVEY_PARAMS`, :data:`MESS_PARAMS`, ...).

**Customers and their latent type.** Signups are spread over the window (more of them recently; none
in the last two weeks). 10% of customers are *prospects*: they sign up and never buy. The buyers
are split into the four relationship groups of Reinartz & Kumar (2002) in fixed shares:

=============  =====  ==========  ===========  ============  ==========  ===================
type           share  orders per  mean life-   spend per     margin      survey score
                      week (mean) time (weeks)  order (mean)  rate        (mean, 0..10)
=============  =====  ==========  ===========  ============  ==========  ===================
stranger       35%    0.04        14           38            0.30        6.6  (detractors)
butterfly      20%    0.24        18           110           0.36        7.6  (mid-low)
barnacle       25%    0.18        230          32            0.26        8.3  (mid)
true_friend    20%    0.13        260          120           0.42        9.6  (mostly 9-10)
=============  =====  ==========  ===========  ============  ==========  ===================

So true friends are profitable and long-lived, butterflies profitable but short-lived, barnacles
long-lived, frequent and unprofitable (small orders, low margin, many discounts), strangers neither.

**Purchases (Pareto/NBD-like).** A buyer's first purchase falls on the signup day or up to two weeks
later. Each buyer has a weekly purchase rate ``lambda ~ Gamma(shape, mean)`` of the type and an
exponential lifetime with the type's mean, counted from the first purchase; while alive, repeat
purchases follow a Poisson process. Nothing happens after death (``death_date``) or after the
observation end. Order values follow the Gamma-Gamma model (Fader & Hardie): a customer's orders are
``Gamma(p, nu)`` with ``nu ~ Gamma(q, gamma_type)``, so each customer has a mean spend per order
(``spend_per_order`` in the truth, before discounts) that does not depend on how often they buy.
Each order has 1-4 line rows of distinct categories, one channel (the customer's preferred one most
of the time) and, when discounted, the same discount depth on every line.

**Money on a row.** ``amount = list price - discount`` (net revenue) and
``margin = list price x margin rate - discount`` (gross profit after the discount), where the margin
rate is the type's rate plus the category's offset plus noise. Heavily discounted, low-margin rows can
have a negative margin, as loss leaders do.

**Buyer style** (Nagle & Holden), drawn per buyer from a type-dependent mix (correlated with, but not
the same as, the type), sets the share of a customer's orders that are discounted and how deeply:
``price`` buyers are discounted on most orders, ``poker`` players spend more and win frequent and deep
discounts, ``value`` buyers on some orders, ``relationship`` buyers on few. Barnacles get a further
push towards discounts.

**Refunds.** About 2.5% of orders get one later negative row (same ``order_id``, category and channel;
the negated amount and margin of one line, discount 0) within 30 days and never after the end.

**Survey (NPS).** About 0.8 responses per customer; 85% are linked to a buyer (responding after the
first purchase, often shortly after an order), the rest anonymous. Linked answers come more often from
engaged types (response weights in :data:`TYPE_PARAMS`). A panel of linked customers (6% of customers)
answers twice, in two different calendar years. A response's score is::

    round(score_mean + trend x (years from mid-window) - fade + noise), clipped to 0..10
    score_mean = type mean + region effect (East lower) + a customer effect

where ``score_mean`` is the planted per-customer mean in ``truth.csv``; the customer effect also
raises the customer's purchase rate, lifetime and referrals slightly (promoters buy more and refer
more); ``fade`` is a penalty for answers given in the last weeks before the customer's death or after
it. Comments come from small word pools that differ by NPS class, with overlap, and ~40% are empty.

**Realistic mess, to exercise the loaders.** Survey: ~3% of answers are written as labels
(``"10 - Extremely likely"``, ``"0 - Not at all likely"``; only for 0 and 10, as real exports do),
~1.5% are blank, ~10 rows are exact duplicates. Transactions: refunds and ~5 exact duplicate rows;
otherwise clean. Customers: names from small fixed lists with some accents and apostrophes, plus
exactly one name carrying HTML (``<script>alert("x")</script> Smith``) to test escaping in reports.

What the default sample shows
-----------------------------
Measured on ``data/sample`` (seed 20240601, 5,000 customers, 2023-01-01..2025-12-31): 56,601
transaction rows (27,074 orders, 705 refund rows), 4,010 survey rows, 4,500 buyers of whom 1,843 are
alive at the end. Per type, from the data (orders net of discounts; survey after dropping blanks and
duplicates):

===========  =======  ========  =========  ======  ========  ==========  =====  =====  =========
type         churned  orders    spend per  margin  orders    profit per  mean   NPS    referrals
                      per buyer order      rate    disc.     buyer       score         per cust.
===========  =======  ========  =========  ======  ========  ==========  =====  =====  =========
stranger     90%      1.5       37         25%     43%       14          5.9    -61    0.02
butterfly    85%      5.0       110        30%     50%       167         6.9    -24    0.06
barnacle     25%      11.4      28         18%     56%       57          8.0    +25    0.14
true_friend  21%      8.2       120        41%     19%       406         9.0    +68    0.75
===========  =======  ========  =========  ======  ========  ==========  =====  =====  =========

Overall NPS +5 (anonymous answers +18); East -22 against +8..+13 elsewhere; by year -2, 0, +9. The
planted trend accounts for about 4 of those points a year, the rest comes from who answers (more
engaged customers later). Observed mean scores sit below the planted type means because answers are
clipped at 10 and short-lived types often answer while fading.

Files and the meaning of the truth
----------------------------------
``transactions.csv``: order_id, customer_id, order_date, category, channel, amount, margin, discount.
``survey.csv``: response_id, customer_id (empty = anonymous), response_date, score, region, plan, comment.
``customers.csv``: customer_id, name, signup_date, region, plan, acquisition_channel, referrals.
``truth.csv``: customer_id, true_type (``prospect`` or a group), buyer_style (empty for prospects),
purchase_rate_per_week (lambda), lifetime_weeks (drawn lifetime, may reach past the end), death_date
(last day alive; empty when alive at the end or a prospect), alive_at_end (a buyer not yet dead),
churned (a buyer who died on or before the end), first_purchase, spend_per_order (planted mean list
value of an order, before discounts), discount_share (planted chance that an order is discounted),
score_mean (planted mean survey score; empty for prospects).
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.paths import PROJ_ROOT

__all__ = [
    "DEFAULT_SEED",
    "PROSPECT_SHARE",
    "BUYER_MIX",
    "TYPE_PARAMS",
    "STYLE_PARAMS",
    "CATEGORY_PARAMS",
    "REGION_MIX",
    "CHANNELS",
    "SURVEY_PARAMS",
    "MESS_PARAMS",
    "COLUMNS",
    "generate",
    "write_sample",
    "main",
]

DEFAULT_SEED = 20240601

# ---------------------------------------------------------------------------------------------------
# Planted structure (the one place where the sample's truth is defined)
# ---------------------------------------------------------------------------------------------------
#: Share of customers who sign up and never buy.
PROSPECT_SHARE = 0.10

#: Shares of the buyers by relationship group (Reinartz & Kumar, 2002).
BUYER_MIX = {"stranger": 0.35, "butterfly": 0.20, "barnacle": 0.25, "true_friend": 0.20}

#: Per-type parameters.
#: ``rate_mean``/``rate_shape``: Gamma distribution of the weekly purchase rate;
#: ``lifetime_weeks``: mean of the exponential lifetime; ``spend_mean``: mean list value of an order
#: (Gamma-Gamma, before discounts); ``margin_rate``: gross margin rate before discounts;
#: ``lines``: probabilities of 1, 2, 3, 4 lines per order; ``discount_shift``: added to the buyer
#: style's discount share; ``score_mean``: mean NPS answer; ``response_weight``: relative chance of
#: answering the survey; ``referral_base``: referrals per customer at a score mean of 8;
#: ``style_mix``, ``plan_mix``, ``acquisition_mix``: categorical mixes; ``category_weights``: relative
#: preference for each category in :data:`CATEGORY_PARAMS` order.
TYPE_PARAMS = {
    "stranger": {
        "rate_mean": 0.04, "rate_shape": 2.0, "lifetime_weeks": 14.0, "spend_mean": 38.0,
        "margin_rate": 0.30, "lines": (0.50, 0.30, 0.14, 0.06), "discount_shift": 0.0,
        "score_mean": 6.6, "response_weight": 0.6, "referral_base": 0.04,
        "style_mix": {"price": 0.40, "value": 0.40, "relationship": 0.10, "poker": 0.10},
        "plan_mix": {"Basic": 0.70, "Plus": 0.22, "Premium": 0.08},
        "acquisition_mix": {"web": 0.50, "store": 0.20, "referral": 0.05, "partner": 0.25},
        "category_weights": (1.0, 1.0, 1.0, 0.8, 1.2, 1.0),
    },
    "butterfly": {
        "rate_mean": 0.24, "rate_shape": 3.0, "lifetime_weeks": 18.0, "spend_mean": 110.0,
        "margin_rate": 0.36, "lines": (0.30, 0.30, 0.25, 0.15), "discount_shift": 0.05,
        "score_mean": 7.6, "response_weight": 1.0, "referral_base": 0.10,
        "style_mix": {"price": 0.20, "value": 0.35, "relationship": 0.10, "poker": 0.35},
        "plan_mix": {"Basic": 0.40, "Plus": 0.35, "Premium": 0.25},
        "acquisition_mix": {"web": 0.50, "store": 0.15, "referral": 0.10, "partner": 0.25},
        "category_weights": (1.6, 1.0, 1.4, 1.0, 0.5, 1.2),
    },
    "barnacle": {
        "rate_mean": 0.18, "rate_shape": 3.0, "lifetime_weeks": 230.0, "spend_mean": 32.0,
        "margin_rate": 0.26, "lines": (0.45, 0.30, 0.17, 0.08), "discount_shift": 0.10,
        "score_mean": 8.3, "response_weight": 1.3, "referral_base": 0.12,
        "style_mix": {"price": 0.55, "value": 0.20, "relationship": 0.20, "poker": 0.05},
        "plan_mix": {"Basic": 0.60, "Plus": 0.30, "Premium": 0.10},
        "acquisition_mix": {"web": 0.35, "store": 0.40, "referral": 0.15, "partner": 0.10},
        "category_weights": (0.5, 1.0, 0.7, 0.8, 2.5, 0.8),
    },
    "true_friend": {
        "rate_mean": 0.13, "rate_shape": 3.0, "lifetime_weeks": 260.0, "spend_mean": 120.0,
        "margin_rate": 0.42, "lines": (0.25, 0.30, 0.27, 0.18), "discount_shift": -0.03,
        "score_mean": 9.6, "response_weight": 1.5, "referral_base": 0.35,
        "style_mix": {"price": 0.05, "value": 0.30, "relationship": 0.55, "poker": 0.10},
        "plan_mix": {"Basic": 0.35, "Plus": 0.35, "Premium": 0.30},
        "acquisition_mix": {"web": 0.35, "store": 0.25, "referral": 0.30, "partner": 0.10},
        "category_weights": (1.2, 1.4, 1.2, 1.2, 0.6, 1.0),
    },
}

#: Plan and acquisition mixes of prospects (they have no other behaviour).
PROSPECT_PARAMS = {
    "plan_mix": {"Basic": 0.80, "Plus": 0.15, "Premium": 0.05},
    "acquisition_mix": {"web": 0.60, "store": 0.10, "referral": 0.10, "partner": 0.20},
}

#: Buyer styles (Nagle & Holden): ``discount_share`` is the mean share of a customer's orders that
#: are discounted (customer shares ~ Beta with this mean and ``concentration``), ``depth`` the range of
#: the discount as a share of the list price, ``spend_multiplier`` scales the spend per order.
STYLE_PARAMS = {
    "price": {"discount_share": 0.70, "depth": (0.08, 0.25), "spend_multiplier": 0.9},
    "value": {"discount_share": 0.25, "depth": (0.05, 0.20), "spend_multiplier": 1.0},
    "relationship": {"discount_share": 0.08, "depth": (0.05, 0.15), "spend_multiplier": 1.0},
    "poker": {"discount_share": 0.60, "depth": (0.12, 0.30), "spend_multiplier": 1.4},
}
STYLE_CONCENTRATION = 8.0

#: Categories and their margin-rate offsets (added to the type's margin rate).
CATEGORY_PARAMS = {
    "Electronics": -0.10,
    "Home": 0.02,
    "Fashion": 0.08,
    "Beauty": 0.12,
    "Grocery": -0.08,
    "Sports": 0.0,
}

#: Region shares of customers and their effect on the survey score mean (points on 0..10).
REGION_MIX = {"North": 0.32, "South": 0.26, "East": 0.18, "West": 0.24}
REGION_SCORE_EFFECT = {"North": 0.0, "South": 0.0, "East": -0.9, "West": 0.0}

#: Order channels: shares of the customers' preferred channel, and the chance that an order uses it.
CHANNELS = {"online": 0.60, "store": 0.30, "phone": 0.10}
PREFERRED_CHANNEL_SHARE = 0.85

#: Purchase process details that do not depend on the type.
PROCESS_PARAMS = {
    "signup_recency": 1.4,            # signup dates ~ start + Beta(recency, 1) x span: more recent
    "no_signup_last_days": 14,        # no signups in the final two weeks
    "first_purchase_same_day": 0.40,  # share buying on the signup day
    "first_purchase_mean_days": 5.0,  # else exponential delay, capped at the next value
    "first_purchase_max_days": 14,
    "order_value_shape": 6.0,         # Gamma-Gamma p: order values around the customer's mean
    "spend_shape": 6.0,               # Gamma-Gamma q: spread of customer means (CV 0.5)
    "line_share_shape": 3.0,          # Dirichlet split of an order's value over its lines
    "margin_noise_sd": 0.04,          # noise of a row's margin rate
    "depth_jitter": 0.02,             # line-to-line variation of an order's discount depth
    "refund_share": 0.025,            # share of orders with one refunded line
    "refund_max_days": 30,
    "customer_effect_sd": 0.8,        # sd of the customer effect on the score mean
    "customer_effect_on_rate": 0.15,  # lambda and lifetime x exp(this x customer effect)
    "referral_score_slope": 0.5,      # referrals mean x exp(slope x (score_mean - 8))
}

#: Survey design and scoring.
SURVEY_PARAMS = {
    "responses_per_customer": 0.8,
    "linked_share": 0.85,
    "panel_share": 0.06,              # customers (of all) answering twice, in two different years
    "after_order_share": 0.60,        # linked single answers sent 0-14 days after an order
    "after_order_max_days": 14,
    "noise_sd": 1.1,                  # response noise around the customer's mean (points)
    "trend_per_year": 0.12,           # points per year: NPS improves a few points a year
    "fade_weeks": 4,                  # answers from this many weeks before death on are lower
    "fade_penalty": 1.2,
    "comment_empty_share": 0.40,
    "comment_other_pool_share": 0.15,  # comments drawn from another class's pool (overlap)
    "comment_two_phrases_share": 0.30,
}

#: Comment phrases by NPS class.
COMMENT_POOLS = {
    "promoter": ["fast delivery", "great quality", "friendly staff", "easy to order",
                 "love the products", "always reliable", "good value"],
    "passive": ["ok overall", "delivery could be faster", "decent quality", "good value",
                "prices a bit high", "nothing special"],
    "detractor": ["late", "refund took weeks", "rude support", "expensive", "item arrived damaged",
                  "wrong size sent", "hard to reach support"],
}

#: Export glitches planted to exercise the loaders (counts are per 5,000 customers, at least 2).
MESS_PARAMS = {
    "labelled_share": 0.03,           # answers 0 and 10 written with their label
    "blank_share": 0.015,             # blank answers
    "survey_duplicates": 10,          # exact duplicate survey rows
    "transaction_duplicates": 5,      # exact duplicate transaction rows
}
SCORE_LABELS = {0: "0 - Not at all likely", 10: "10 - Extremely likely"}
HTML_NAME = '<script>alert("x")</script> Smith'

FIRST_NAMES = ["Anna", "Ben", "Chloé", "David", "Emma", "Felix", "Grace", "Hugo", "Isla", "Jonas",
               "Kim", "Liam", "Mia", "Noah", "Olivia", "Paul", "Rosa", "Sam", "Tara", "Zoë"]
LAST_NAMES = ["Smith", "Jones", "Müller", "García", "O'Brien", "Novak", "Rossi", "Dubois", "Jensen",
              "Kowalski", "Brown", "Taylor", "Nguyen", "Silva", "Larsen", "Meyer"]

#: Column order of every table (also the order written to CSV).
COLUMNS = {
    "transactions": ["order_id", "customer_id", "order_date", "category", "channel", "amount",
                     "margin", "discount"],
    "survey": ["response_id", "customer_id", "response_date", "score", "region", "plan", "comment"],
    "customers": ["customer_id", "name", "signup_date", "region", "plan", "acquisition_channel",
                  "referrals"],
    "truth": ["customer_id", "true_type", "buyer_style", "purchase_rate_per_week", "lifetime_weeks",
              "death_date", "alive_at_end", "churned", "first_purchase", "spend_per_order",
              "discount_share", "score_mean"],
}

#: ``to_csv`` float formats: money and scores to cents; the truth's rates need more digits.
FLOAT_FORMAT = {"transactions": "%.2f", "survey": "%.2f", "customers": "%.2f", "truth": "%.4f"}

_TYPES = list(BUYER_MIX)
_STYLES = list(STYLE_PARAMS)
_CATEGORIES = list(CATEGORY_PARAMS)
_CHANNELS = list(CHANNELS)
_REGIONS = list(REGION_MIX)
_PLANS = ["Basic", "Plus", "Premium"]
_ACQ = ["web", "store", "referral", "partner"]


# ---------------------------------------------------------------------------------------------------
# Small vectorised tools
# ---------------------------------------------------------------------------------------------------
def _quota(n: int, shares: dict) -> np.ndarray:
    """Counts per key that add up to ``n`` (largest remainder rounding)."""
    p = np.array(list(shares.values()), float)
    raw = n * p / p.sum()
    cnt = np.floor(raw).astype(int)
    rest = n - cnt.sum()
    cnt[np.argsort(-(raw - cnt), kind="stable")[:rest]] += 1
    return cnt


def _draw(rng, codes: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Draw one category index per row, from the probability row ``table[codes]``."""
    cum = np.cumsum(table[codes], axis=1)
    cum /= cum[:, -1:]
    return (rng.random(len(codes))[:, None] > cum).sum(axis=1)


def _mix_table(key: str, labels: list, types: list) -> np.ndarray:
    return np.array([[TYPE_PARAMS[t][key][lab] for lab in labels] for t in types], float)


def _group_pick(rng, group_of_pick: np.ndarray, sorted_groups: np.ndarray) -> np.ndarray:
    """Position in ``sorted_groups`` of a random row of each group in ``group_of_pick``."""
    left = np.searchsorted(sorted_groups, group_of_pick, side="left")
    right = np.searchsorted(sorted_groups, group_of_pick, side="right")
    return left + np.floor(rng.random(len(group_of_pick)) * (right - left)).astype(int)


def _within_group_rank(groups: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... within runs of equal values of a sorted array."""
    idx = np.arange(len(groups))
    starts = np.r_[0, np.flatnonzero(np.diff(groups)) + 1]
    first = np.repeat(starts, np.diff(np.r_[starts, len(groups)]))
    return idx - first


def _ids(prefix: str, n: int, width: int) -> np.ndarray:
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), width))


def _check_args(seed, n_customers, start, end):
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise TypeError(f"seed must be a non-negative integer, got {seed!r}; pass e.g. seed=20240601")
    if isinstance(n_customers, bool) or not isinstance(n_customers, (int, np.integer)):
        raise TypeError(f"n_customers must be an integer, got {n_customers!r}")
    if n_customers < 100:
        raise ValueError(f"n_customers={n_customers} is too small for the planted structure; "
                         "use at least 100 customers")
    try:
        t0, t1 = pd.Timestamp(start), pd.Timestamp(end)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"start and end must be dates like '2023-01-01' (got {start!r}, {end!r})") from exc
    if pd.isna(t0) or pd.isna(t1):
        raise ValueError("start and end must be dates, not missing values")
    t0, t1 = t0.normalize(), t1.normalize()
    if (t1 - t0).days < 365:
        raise ValueError(f"the window {t0:%Y-%m-%d}..{t1:%Y-%m-%d} is shorter than one year; lifetimes, "
                         "churn and the survey panel need at least a year: move start earlier")
    return int(seed), int(n_customers), t0, t1


# ---------------------------------------------------------------------------------------------------
# Generator
# ---------------------------------------------------------------------------------------------------
def generate(seed: int = DEFAULT_SEED, n_customers: int = 5000, start="2023-01-01",
             end="2025-12-31") -> dict[str, pd.DataFrame]:
    """Generate the sample's four tables in memory from the planted model (module docstring).

    Parameters
    ----------
    seed : int, default 20240601
        Seed of :func:`numpy.random.default_rng`; the same seed gives identical tables.
    n_customers : int, default 5000
        Number of customers (at least 100). Transactions scale with it (about 13 rows per customer
        with the default window); survey responses are about 0.8 per customer.
    start, end : date-like, default "2023-01-01", "2025-12-31"
        The observation window; ``end`` is the observation end ("as of" date). At least one year.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``transactions`` (one row per order line or refund; columns ``COLUMNS["transactions"]``,
        sorted by order_date, order_id, refund last, category), ``survey`` (one row per response,
        score as text as exported, sorted by response_id), ``customers`` (one row per customer, sorted
        by customer_id) and ``truth`` (one row per customer: the planted type, style and parameters).
        Dates are ``datetime64[ns]`` at midnight; money is rounded to cents.

    Raises
    ------
    TypeError
        ``seed`` or ``n_customers`` is not an integer.
    ValueError
        Fewer than 100 customers, unparseable dates, or a window shorter than a year.

    Examples
    --------
    >>> tables = generate(seed=1, n_customers=200)
    >>> sorted(tables)
    ['customers', 'survey', 'transactions', 'truth']
    >>> len(tables["customers"]), tables["customers"]["customer_id"].iloc[0]
    (200, 'C00001')
    """
    seed, n, t0, t1 = _check_args(seed, n_customers, start, end)
    rng = np.random.default_rng(seed)
    pp = PROCESS_PARAMS
    end_day = (t1 - t0).days
    scale = n / 5000

    # --- customers and latent types --------------------------------------------------------------
    n_pro = round(PROSPECT_SHARE * n)
    counts = _quota(n - n_pro, BUYER_MIX)
    type_code = rng.permutation(np.r_[np.repeat(np.arange(len(_TYPES)), counts),
                                      np.full(n_pro, -1)])            # -1 = prospect
    buyer = type_code >= 0
    tc = np.where(buyer, type_code, 0)                              # safe index for lookups
    last_signup = end_day - pp["no_signup_last_days"]
    signup = np.floor(rng.beta(pp["signup_recency"], 1.0, n) * (last_signup + 1)).astype(int)
    signup = np.minimum(signup, last_signup)
    region = _draw(rng, np.zeros(n, int), np.array([list(REGION_MIX.values())]))
    plan_tab = np.vstack([_mix_table("plan_mix", _PLANS, _TYPES),
                          [PROSPECT_PARAMS["plan_mix"][p] for p in _PLANS]])
    acq_tab = np.vstack([_mix_table("acquisition_mix", _ACQ, _TYPES),
                         [PROSPECT_PARAMS["acquisition_mix"][a] for a in _ACQ]])
    row_tab = np.where(buyer, tc, len(_TYPES))
    plan = _draw(rng, row_tab, plan_tab)
    acq = _draw(rng, row_tab, acq_tab)

    # customer effect on the score mean, which also nudges behaviour
    u = rng.normal(0.0, pp["customer_effect_sd"], n)
    type_score = np.array([TYPE_PARAMS[t]["score_mean"] for t in _TYPES])[tc]
    region_eff = np.array([REGION_SCORE_EFFECT[r] for r in _REGIONS])[region]
    score_mean = type_score + region_eff + u

    # --- buyer behaviour -------------------------------------------------------------------------
    style = _draw(rng, tc, _mix_table("style_mix", _STYLES, _TYPES))

    def p_of(key):
        return np.array([TYPE_PARAMS[t][key] for t in _TYPES])[tc]

    nudge = np.exp(pp["customer_effect_on_rate"] * u)
    shape = p_of("rate_shape")
    rate = rng.gamma(shape, p_of("rate_mean") / shape) * nudge
    life_w = rng.exponential(p_of("lifetime_weeks")) * nudge
    delay = np.where(rng.random(n) < pp["first_purchase_same_day"], 0,
                     np.minimum(np.ceil(rng.exponential(pp["first_purchase_mean_days"], n)),
                                pp["first_purchase_max_days"])).astype(int)
    first = np.minimum(signup + delay, end_day)
    death = first + np.floor(life_w * 7).astype(int)                # last day alive
    active_days = np.minimum(death, end_day) - first
    n_repeat = np.where(buyer, rng.poisson(rate * active_days / 7), 0)

    q, p_ord = pp["spend_shape"], pp["order_value_shape"]
    gamma_rate = p_of("spend_mean") * (q - 1) / p_ord
    nu = rng.gamma(q, 1.0 / gamma_rate)
    style_mult = np.array([STYLE_PARAMS[s]["spend_multiplier"] for s in _STYLES])[style]
    spend = p_ord / nu * style_mult                                 # mean list value per order
    m = np.clip(np.array([STYLE_PARAMS[s]["discount_share"] for s in _STYLES])[style]
                + p_of("discount_shift"), 0.02, 0.95)
    disc_share = rng.beta(m * STYLE_CONCENTRATION, (1 - m) * STYLE_CONCENTRATION)
    pref_channel = _draw(rng, np.zeros(n, int), np.array([list(CHANNELS.values())]))

    # --- orders ----------------------------------------------------------------------------------
    buyers_idx = np.flatnonzero(buyer)
    n_orders_c = np.where(buyer, 1 + n_repeat, 0)
    o_cust = np.repeat(np.arange(n), n_orders_c)
    o_rank = _within_group_rank(o_cust)
    offs = 1 + np.floor(rng.random(len(o_cust)) * np.maximum(active_days[o_cust], 1)).astype(int)
    o_day = np.where(o_rank == 0, first[o_cust], np.minimum(first[o_cust] + offs, end_day))
    order_sort = np.lexsort((o_cust, o_day))
    o_cust, o_day = o_cust[order_sort], o_day[order_sort]
    n_ord = len(o_cust)
    o_type = tc[o_cust]
    o_channel = np.where(rng.random(n_ord) < PREFERRED_CHANNEL_SHARE, pref_channel[o_cust],
                         rng.integers(0, len(_CHANNELS), n_ord))
    o_value = rng.gamma(p_ord, 1.0, n_ord) / nu[o_cust] * style_mult[o_cust]
    o_disc = rng.random(n_ord) < disc_share[o_cust]
    lo_hi = np.array([STYLE_PARAMS[s]["depth"] for s in _STYLES])[style[o_cust]]
    o_depth = np.where(o_disc, lo_hi[:, 0] + rng.random(n_ord) * (lo_hi[:, 1] - lo_hi[:, 0]), 0.0)
    o_lines = 1 + _draw(rng, o_type, np.array([TYPE_PARAMS[t]["lines"] for t in _TYPES]))
    cat_w = np.array([TYPE_PARAMS[t]["category_weights"] for t in _TYPES])[o_type]
    keys = np.log(cat_w) + rng.gumbel(size=cat_w.shape)               # categories without repeats
    cat_order = np.argsort(-keys, axis=1, kind="stable")

    # --- order lines -----------------------------------------------------------------------------
    l_ord = np.repeat(np.arange(n_ord), o_lines)
    l_rank = _within_group_rank(l_ord)
    l_cat = cat_order[l_ord, l_rank]
    w = rng.gamma(pp["line_share_shape"], 1.0, len(l_ord))
    share = w / np.bincount(l_ord, weights=w)[l_ord]
    list_c = np.maximum(np.round(o_value[l_ord] * share * 100), 100)  # cents, at least 1.00
    depth = np.where(o_disc[l_ord], np.clip(o_depth[l_ord] + rng.normal(0, pp["depth_jitter"],
                                                                          len(l_ord)), 0.01, 0.6), 0.0)
    disc_c = np.round(list_c * depth)
    cat_off = np.array(list(CATEGORY_PARAMS.values()))[l_cat]
    rate_row = (np.array([TYPE_PARAMS[t]["margin_rate"] for t in _TYPES])[o_type[l_ord]] + cat_off
                + rng.normal(0, pp["margin_noise_sd"], len(l_ord)))
    amount_c = list_c - disc_c
    margin_c = np.round(list_c * rate_row) - disc_c

    # --- refunds: one line of ~2.5% of orders, within 30 days and not after the end ---------------
    room = np.minimum(pp["refund_max_days"], end_day - o_day)
    refunded = (rng.random(n_ord) < pp["refund_share"]) & (room >= 1)
    r_ord = np.flatnonzero(refunded)
    line_start = np.r_[0, np.cumsum(o_lines)[:-1]]
    r_line = line_start[r_ord] + np.floor(rng.random(len(r_ord)) * o_lines[r_ord]).astype(int)
    r_day = o_day[r_ord] + 1 + np.floor(rng.random(len(r_ord)) * room[r_ord]).astype(int)

    order_ids = _ids("O", n_ord, 7)
    cust_ids = _ids("C", n, 5)
    tx = pd.DataFrame({
        "order_id": np.r_[order_ids[l_ord], order_ids[r_ord]],
        "customer_id": np.r_[cust_ids[o_cust[l_ord]], cust_ids[o_cust[r_ord]]],
        "day": np.r_[o_day[l_ord], r_day],
        "category": np.array(_CATEGORIES)[np.r_[l_cat, l_cat[r_line]]],
        "channel": np.array(_CHANNELS)[np.r_[o_channel[l_ord], o_channel[r_ord]]],
        "amount": np.r_[amount_c, -amount_c[r_line]] / 100,
        "margin": np.r_[margin_c, -margin_c[r_line]] / 100,
        "discount": np.r_[disc_c, np.zeros(len(r_line))] / 100,
        "refund": np.r_[np.zeros(len(l_ord), bool), np.ones(len(r_line), bool)],
    })
    n_dup_tx = max(2, round(MESS_PARAMS["transaction_duplicates"] * scale))
    dup = rng.choice(np.flatnonzero(~tx["refund"].to_numpy()), n_dup_tx, replace=False)
    tx = pd.concat([tx, tx.iloc[np.sort(dup)]], ignore_index=True)
    tx = tx.sort_values(["day", "order_id", "refund", "category"], kind="stable", ignore_index=True)

    # --- truth -----------------------------------------------------------------------------------
    dead = buyer & (death <= end_day)
    day0 = np.datetime64(t0.date(), "D")

    def to_date(days):
        return pd.Series(day0 + np.asarray(days).astype("timedelta64[D]")).astype("datetime64[ns]")

    truth = pd.DataFrame({
        "customer_id": cust_ids,
        "true_type": np.where(buyer, np.array(_TYPES)[tc], "prospect"),
        "buyer_style": pd.Series(np.array(_STYLES)[style]).where(buyer),
        "purchase_rate_per_week": np.where(buyer, np.round(rate, 4), np.nan),
        "lifetime_weeks": np.where(buyer, np.round(life_w, 4), np.nan),
        "death_date": to_date(death).where(dead),
        "alive_at_end": buyer & ~dead,
        "churned": dead,
        "first_purchase": to_date(first).where(buyer),
        "spend_per_order": np.where(buyer, np.round(spend, 2), np.nan),
        "discount_share": np.where(buyer, np.round(disc_share, 4), np.nan),
        "score_mean": np.round(score_mean, 2),
    })
    truth.loc[~buyer, "score_mean"] = np.nan                            # prospects never answer

    # --- customers -------------------------------------------------------------------------------
    ref_mean = (p_of("referral_base")
                * np.exp(pp["referral_score_slope"] * (score_mean - 8.0)))
    referrals = np.where(buyer, rng.poisson(ref_mean), 0)
    names = np.char.add(np.char.add(np.array(FIRST_NAMES)[rng.integers(0, len(FIRST_NAMES), n)], " "),
                        np.array(LAST_NAMES)[rng.integers(0, len(LAST_NAMES), n)]).astype(object)
    tf = np.flatnonzero(buyer & (tc == _TYPES.index("true_friend")))
    top = tf[np.argmax((rate * active_days * spend)[tf])]              # a top customer, so it shows
    names[top] = HTML_NAME
    customers = pd.DataFrame({
        "customer_id": cust_ids,
        "name": names.astype(str),
        "signup_date": to_date(signup),
        "region": np.array(_REGIONS)[region],
        "plan": np.array(_PLANS)[plan],
        "acquisition_channel": np.array(_ACQ)[acq],
        "referrals": referrals.astype("int64"),
    })

    # --- survey ----------------------------------------------------------------------------------
    resp = _survey(rng, n, day0, end_day, buyers_idx, tc, first, death, score_mean, region, plan,
                   o_cust, o_day)
    resp.insert(0, "response_id", _ids("R", len(resp), 6))
    labels = resp.pop("label")
    n_dup_sv = max(2, round(MESS_PARAMS["survey_duplicates"] * scale))
    dup = np.sort(rng.choice(len(resp), n_dup_sv, replace=False))
    resp = pd.concat([resp, resp.iloc[dup]], ignore_index=True)
    labels = np.r_[labels.to_numpy(), labels.to_numpy()[dup]]
    resp["score"] = np.where(labels, resp["score_int"].map(SCORE_LABELS).fillna(""),
                             resp["score_int"].astype(str))
    resp.loc[resp["blank"].to_numpy(), "score"] = np.nan
    resp = resp.sort_values("response_id", kind="stable", ignore_index=True)
    resp["customer_id"] = pd.Series(np.where(resp["cust"] >= 0, cust_ids[resp["cust"].clip(0)],
                                             None), dtype="str")
    resp["response_date"] = to_date(resp["day"].to_numpy())
    resp["region"] = np.array(_REGIONS)[resp["region_code"]]
    resp["plan"] = np.array(_PLANS)[resp["plan_code"]]

    tx["order_date"] = to_date(tx["day"].to_numpy())
    out = {
        "transactions": tx[COLUMNS["transactions"]],
        "survey": resp[COLUMNS["survey"]],
        "customers": customers[COLUMNS["customers"]],
        "truth": truth[COLUMNS["truth"]],
    }
    for key, df in out.items():
        df = df.reset_index(drop=True)
        for col in df.columns:
            if df[col].dtype == object:
                df[col] = df[col].astype("str")
        out[key] = df
    return out


def _survey(rng, n, day0, end_day, buyers_idx, tc, first, death, score_mean, region, plan,
            o_cust, o_day):
    """Survey responses before the export glitches: one row per response, with integer codes."""
    sp = SURVEY_PARAMS
    n_resp = round(sp["responses_per_customer"] * n)
    n_linked = round(sp["linked_share"] * n_resp)
    n_panel = round(sp["panel_share"] * n)
    weight = np.array([TYPE_PARAMS[t]["response_weight"] for t in _TYPES])[tc]

    # panel: linked customers whose first purchase leaves room for an answer in a later year
    years = _year_of(day0, first)
    last_year = _year_of(day0, np.array([end_day]))[0]
    eligible = buyers_idx[years[buyers_idx] < last_year]
    if n_panel > len(eligible):
        warnings.warn(f"only {len(eligible)} customers can answer in two different years; the panel "
                      f"has {len(eligible)} instead of {n_panel}", UserWarning, stacklevel=3)
        n_panel = len(eligible)
    n_single = max(n_linked - 2 * n_panel, 0)
    panel = np.sort(rng.choice(eligible, n_panel, replace=False,
                               p=weight[eligible] / weight[eligible].sum()))
    rest = np.setdiff1d(buyers_idx, panel)
    if n_single > len(rest):
        warnings.warn(f"{n_single} linked single answers requested but only {len(rest)} buyers are "
                      "left; each answers once", UserWarning, stacklevel=3)
        n_single = len(rest)
    single = np.sort(rng.choice(rest, n_single, replace=False, p=weight[rest] / weight[rest].sum()))

    # single answers: shortly after a random order of theirs, or any day after the first purchase
    cust_sorted = o_cust[np.argsort(o_cust, kind="stable")]
    day_sorted = o_day[np.argsort(o_cust, kind="stable")]
    pick = _group_pick(rng, single, cust_sorted)
    after_order = np.minimum(day_sorted[pick] + rng.integers(0, sp["after_order_max_days"] + 1,
                                                             len(single)), end_day)
    anytime = first[single] + np.floor(rng.random(len(single))
                                       * (end_day - first[single] + 1)).astype(int)
    s_day = np.where(rng.random(len(single)) < sp["after_order_share"], after_order, anytime)

    # panel answers: once in the first-purchase year, once in a later year
    y1 = years[panel]
    y1_end = np.minimum(_year_start_day(day0, y1 + 1) - 1, end_day)
    d1 = first[panel] + np.floor(rng.random(n_panel) * (y1_end - first[panel] + 1)).astype(int)
    y2 = y1 + 1 + np.floor(rng.random(n_panel) * (last_year - y1)).astype(int)
    y2_start, y2_end = _year_start_day(day0, y2), np.minimum(_year_start_day(day0, y2 + 1) - 1, end_day)
    d2 = y2_start + np.floor(rng.random(n_panel) * (y2_end - y2_start + 1)).astype(int)

    cust = np.r_[single, panel, panel]
    day = np.r_[s_day, d1, d2]
    mean = score_mean[cust]
    fade = np.where(day >= death[cust] - 7 * sp["fade_weeks"], sp["fade_penalty"], 0.0)
    reg, pln = region[cust], plan[cust]

    # anonymous answers: a customer-like draw from the buyer mix, no fade
    n_anon = n_resp - len(cust)
    a_type = _draw(rng, np.zeros(n_anon, int), np.array([[BUYER_MIX[t] * TYPE_PARAMS[t]["response_weight"]
                                                          for t in _TYPES]]))
    a_reg = _draw(rng, np.zeros(n_anon, int), np.array([list(REGION_MIX.values())]))
    a_pln = _draw(rng, a_type, _mix_table("plan_mix", _PLANS, _TYPES))
    a_mean = (np.array([TYPE_PARAMS[t]["score_mean"] for t in _TYPES])[a_type]
              + np.array([REGION_SCORE_EFFECT[r] for r in _REGIONS])[a_reg]
              + rng.normal(0, PROCESS_PARAMS["customer_effect_sd"], n_anon))
    a_day = np.floor(rng.beta(PROCESS_PARAMS["signup_recency"], 1.0, n_anon) * (end_day + 1)).astype(int)

    cust = np.r_[cust, np.full(n_anon, -1)]
    day = np.minimum(np.r_[day, a_day], end_day)
    mean = np.r_[mean, a_mean]
    fade = np.r_[fade, np.zeros(n_anon)]
    trend = sp["trend_per_year"] * (day - end_day / 2) / 365.25
    latent = mean + trend - fade + rng.normal(0, sp["noise_sd"], len(day))
    score = np.clip(np.round(latent), 0, 10).astype(int)

    comment = _comments(rng, score)
    df = pd.DataFrame({"cust": cust, "day": day, "score_int": score,
                       "region_code": np.r_[reg, a_reg], "plan_code": np.r_[pln, a_pln],
                       "comment": comment})
    df = df.iloc[np.lexsort((rng.random(len(df)), df["day"].to_numpy()))].reset_index(drop=True)

    # glitches: labelled 0/10 answers and blank answers
    m = len(df)
    ends = np.flatnonzero(df["score_int"].isin([0, 10]).to_numpy())
    n_lab = min(len(ends), round(MESS_PARAMS["labelled_share"] * m))
    label = np.zeros(m, bool)
    label[rng.choice(ends, n_lab, replace=False)] = True
    blank = np.zeros(m, bool)
    blank[rng.choice(np.flatnonzero(~label), round(MESS_PARAMS["blank_share"] * m),
                     replace=False)] = True
    df["label"] = label
    df["blank"] = blank
    return df


def _comments(rng, score: np.ndarray) -> np.ndarray:
    sp = SURVEY_PARAMS
    cls = np.where(score >= 9, 0, np.where(score >= 7, 1, 2))
    other = rng.random(len(score)) < sp["comment_other_pool_share"]
    cls = np.where(other, (cls + rng.integers(1, 3, len(score))) % 3, cls)
    pools = [COMMENT_POOLS[k] for k in ("promoter", "passive", "detractor")]
    sizes = np.array([len(p) for p in pools])
    flat = np.array([w for pool in pools for w in pool], dtype=object)
    base = np.r_[0, np.cumsum(sizes)[:-1]]
    a = base[cls] + np.floor(rng.random(len(score)) * sizes[cls]).astype(int)
    b = base[cls] + (a - base[cls] + rng.integers(1, sizes[cls])) % sizes[cls]  # a different phrase
    two = rng.random(len(score)) < sp["comment_two_phrases_share"]
    text = np.where(two, flat[a] + ", " + flat[b], flat[a])
    empty = rng.random(len(score)) < sp["comment_empty_share"]
    return pd.Series(text, dtype=object).where(~empty).to_numpy()


def _year_of(day0, days: np.ndarray) -> np.ndarray:
    """Calendar year of day offsets from ``day0``."""
    return (day0 + np.asarray(days).astype("timedelta64[D]")).astype("datetime64[Y]").astype(int) + 1970


def _year_start_day(day0, years: np.ndarray) -> np.ndarray:
    """Day offset from ``day0`` of 1 January of ``years``."""
    jan1 = (np.asarray(years) - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    return (jan1 - day0).astype(int)


# ---------------------------------------------------------------------------------------------------
# Files and command line
# ---------------------------------------------------------------------------------------------------
def write_sample(out_dir=PROJ_ROOT / "data" / "sample", seed: int = DEFAULT_SEED, **kw) -> dict[str, Path]:
    """Generate the sample and write its four CSV files, byte-identical for the same arguments.

    Parameters
    ----------
    out_dir : str or Path, default PROJ_ROOT / "data/sample"
        Folder to write into (created if missing). Relative paths are taken from the working folder.
        ``config.yml`` in that folder is not touched.
    seed : int, default 20240601
        Seed passed to :func:`generate`.
    **kw
        Further arguments of :func:`generate` (``n_customers``, ``start``, ``end``).

    Returns
    -------
    dict of str to Path
        ``transactions``, ``survey``, ``customers`` and ``truth`` -> the written file. Files are UTF-8
        without BOM, ``\\n`` line ends, dates as ``YYYY-MM-DD``, money with two decimals, blanks empty.

    Raises
    ------
    TypeError, ValueError
        As :func:`generate`.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = write_sample(tmp, seed=1, n_customers=200)
    ...     sorted(p.name for p in paths.values())
    ['customers.csv', 'survey.csv', 'transactions.csv', 'truth.csv']
    """
    tables = generate(seed=seed, **kw)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, df in tables.items():
        path = out / f"{name}.csv"
        df.to_csv(path, index=False, float_format=FLOAT_FORMAT[name], date_format="%Y-%m-%d",
                  lineterminator="\n", encoding="utf-8")
        paths[name] = path
    return paths


def main(argv=None) -> int:
    """Command line: ``python -m helpers.sample [--out DIR] [--seed N] [--customers N]``.

    Writes the sample with :func:`write_sample` and prints the row count and size of each file.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status 0.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     main(["--out", tmp, "--seed", "1", "--customers", "200"])  # doctest: +ELLIPSIS
    transactions.csv ... rows ... MB
    survey.csv ... rows ... MB
    customers.csv 200 rows ... MB
    truth.csv 200 rows ... MB
    0
    """
    parser = argparse.ArgumentParser(prog="python -m helpers.sample",
                                     description="Write the seeded synthetic sample data (CSV).")
    parser.add_argument("--out", default=str(PROJ_ROOT / "data" / "sample"),
                        help="output folder (default: data/sample of the project)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"seed (default {DEFAULT_SEED})")
    parser.add_argument("--customers", type=int, default=5000, help="number of customers (default 5000)")
    args = parser.parse_args(argv)
    t = time.perf_counter()
    paths = write_sample(args.out, seed=args.seed, n_customers=args.customers)
    for path in paths.values():
        with path.open(encoding="utf-8") as fh:
            rows = sum(1 for _ in fh) - 1
        print(f"{path.name} {rows} rows {path.stat().st_size / 1e6:.2f} MB")
    print(f"written to {Path(args.out)} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
