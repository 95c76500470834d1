"""The frameworks' vocabulary as data: names, definitions, sources and actions.

Every term that a notebook or report uses is defined once here; notebooks render their glossaries
with :func:`glossary`. Business rules (RFM segment rules, loyalty ladder rules, relationship-group
strategies, buyer-type rules) are module-level data too, so that a run configuration can replace them.

Each vocabulary is a list of dicts with at least ``name``, ``definition``, ``source`` and ``actions``.
NPS classes, lifecycle stages, loyalty ladder rungs and relationship groups also carry the ``color``
every figure draws them in (:mod:`helpers.plots.style` reads it from here).
"""

from __future__ import annotations

import pandas as pd

# ---------------------------------------------------------------------------------------------------
# Sources, cited by key
# ---------------------------------------------------------------------------------------------------
SOURCES = {
    "reichheld2003": "Reichheld, F. F. (2003). The One Number You Need to Grow. Harvard Business Review, 81(12), 46-54.",
    "rocks2016": "Rocks, B. (2016). Interval Estimation for the 'Net Promoter Score'. The American Statistician, 70(4), 365-372.",
    "reinartz_kumar2002": "Reinartz, W. & Kumar, V. (2002). The Mismanagement of Customer Loyalty. Harvard Business Review, 80(7), 86-94.",
    "reinartz_kumar2000": "Reinartz, W. & Kumar, V. (2000). On the Profitability of Long-Life Customers in a Noncontractual Setting. Journal of Marketing, 64(4), 17-35.",
    "fader2005": "Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). 'Counting Your Customers' the Easy Way: An Alternative to the Pareto/NBD Model. Marketing Science, 24(2), 275-284.",
    "schmittlein1987": "Schmittlein, D. C., Morrison, D. G. & Colombo, R. (1987). Counting Your Customers: Who Are They and What Will They Do Next? Management Science, 33(1), 1-24.",
    "fader_hardie_gg2013": "Fader, P. S. & Hardie, B. G. S. (2013). The Gamma-Gamma Model of Monetary Value. Note, brucehardie.com.",
    "hughes1994": "Hughes, A. M. (1994). Strategic Database Marketing. Probus.",
    "christopher1991": "Christopher, M., Payne, A. & Ballantyne, D. (1991). Relationship Marketing. Butterworth-Heinemann.",
    "griffin1995": "Griffin, J. (1995). Customer Loyalty: How to Earn It, How to Keep It. Lexington Books.",
    "osterwalder2010": "Osterwalder, A. & Pigneur, Y. (2010). Business Model Generation. Wiley.",
    "hebbali_rfm": "Hebbali, A. rfm: Recency, Frequency and Monetary Value Analysis. R package on CRAN, function rfm_segment() and its documented segment table.",
    "blattberg2008": "Blattberg, R. C., Kim, B.-D. & Neslin, S. A. (2008). Database Marketing: Analyzing and Managing Customers. Springer.",
}


# ---------------------------------------------------------------------------------------------------
# NPS classes (Reichheld, 2003)
# ---------------------------------------------------------------------------------------------------
NPS_CLASSES = [
    {
        "name": "promoter", "color": "#00798c",
        "scores": "9-10",
        "seed_name": "ecstatic",
        "definition": "Answers 9 or 10 to 'How likely is it that you would recommend us to a friend or "
        "colleague?'. Enthusiastic, buys more, stays longer and refers others.",
        "source": "reichheld2003",
        "actions": "Thank them, ask for a referral or review, invite them to a community or "
        "co-creation; learn what they value and protect it.",
    },
    {
        "name": "passive", "color": "#edae49",
        "scores": "7-8",
        "seed_name": "static",
        "definition": "Answers 7 or 8. Satisfied but unenthusiastic; open to a competitor's offer and "
        "not counted in the score.",
        "source": "reichheld2003",
        "actions": "Find the one thing that would make it a 9; targeted upgrades, loyalty benefits.",
    },
    {
        "name": "detractor", "color": "#d1495b",
        "scores": "0-6",
        "seed_name": "vulnerable",
        "definition": "Answers 0 to 6. Unhappy; likely to churn and to spread negative word of mouth.",
        "source": "reichheld2003",
        "actions": "Close the loop within 48 hours: call, apologise, fix the root cause, follow up; "
        "feed the reasons into product and service fixes.",
    },
]


# ---------------------------------------------------------------------------------------------------
# RFM segments (rules for helpers.lifecycle.rfm_segments)
# ---------------------------------------------------------------------------------------------------
#: Named RFM segments as score rules. Scores run from 1 (worst) to 5 (best) on each axis: R = 5 bought
#: most recently, F = 5 bought most often, M = 5 spent most (see helpers.lifecycle.rfm_scores).
#: ``r``, ``f`` and ``m`` are inclusive score ranges. A customer gets the segment of the first rule, in
#: increasing ``precedence``, whose three ranges all contain its (R, F, M) cell.
#:
#: The names and their meaning follow the segment table documented with R's rfm package
#: (``hebbali_rfm``), with the ranges re-cut so that every one of the 5 x 5 x 5 = 125 cells has exactly
#: one segment and every segment wins at least one cell (the published table leaves cells unassigned
#: and lets some segments be shadowed by others). Only Champions / Loyal Customers and Can't Lose Them /
#: At Risk overlap; precedence settles both. The resulting grid (M matters only where it is shown):
#:
#:        F=1              F=2                  F=3                 F=4..5
#:   R=5  New Customers    Potential Loyalists  Potential Loyalists Champions (M 4-5), else Loyal Customers
#:   R=4  Promising        Potential Loyalists  Potential Loyalists Champions (M 4-5), else Loyal Customers
#:   R=3  About to Sleep   About to Sleep       Need Attention      Loyal Customers
#:   R=2  Hibernating      Hibernating          At Risk             Can't Lose Them (M 4-5), else At Risk
#:   R=1  Lost (M 1-3),    Lost (M 1-3),        At Risk             Can't Lose Them (M 4-5), else At Risk
#:        else Hibernating else Hibernating
#:
#: A run configuration may replace the whole list (same keys); helpers.lifecycle.rfm_segment_grid shows
#: which cells each rule wins and warns about holes and unreachable rules.
RFM_SEGMENTS = [
    {
        "name": "Champions",
        "r": (4, 5), "f": (4, 5), "m": (4, 5), "precedence": 1,
        "definition": "Bought recently, buy often and spend the most.",
        "actions": "Reward them; early access and new products; ask for reviews and referrals; do not "
        "discount what they buy anyway.",
        "source": "hebbali_rfm",
    },
    {
        "name": "Can't Lose Them",
        "r": (1, 2), "f": (4, 5), "m": (4, 5), "precedence": 2,
        "definition": "Used to buy often and spend the most, but have not come back for a long time.",
        "actions": "Win them back personally: call or write, find out what went wrong, offer the new "
        "version of what they used to buy; do not lose them to a competitor.",
        "source": "hebbali_rfm",
    },
    {
        "name": "Loyal Customers",
        "r": (3, 5), "f": (4, 5), "m": (1, 5), "precedence": 3,
        "definition": "Buy often and fairly recently; responsive to offers, not (yet) top spenders.",
        "actions": "Upsell higher-value products; loyalty programme; ask for reviews.",
        "source": "hebbali_rfm",
    },
    {
        "name": "At Risk",
        "r": (1, 2), "f": (3, 5), "m": (1, 5), "precedence": 4,
        "definition": "Bought often in the past but not for a long time.",
        "actions": "Personalised reactivation with a reason to return (renewal, new range, service "
        "check); a limited offer if the margin allows.",
        "source": "hebbali_rfm",
    },
    {
        "name": "New Customers",
        "r": (5, 5), "f": (1, 1), "m": (1, 5), "precedence": 5,
        "definition": "Bought most recently, for the first time or at the lowest frequency.",
        "actions": "Onboarding: welcome, help them succeed with the first purchase, earn the second one.",
        "source": "hebbali_rfm",
    },
    {
        "name": "Promising",
        "r": (4, 4), "f": (1, 1), "m": (1, 5), "precedence": 6,
        "definition": "Recent shoppers at the lowest frequency who have not come back yet.",
        "actions": "Build awareness of the range; a second-purchase offer; free trials.",
        "source": "hebbali_rfm",
    },
    {
        "name": "Potential Loyalists",
        "r": (4, 5), "f": (2, 3), "m": (1, 5), "precedence": 7,
        "definition": "Recent customers who have bought more than the least frequent and may become "
        "loyal.",
        "actions": "Membership or loyalty programme; recommend related products; keep in touch.",
        "source": "hebbali_rfm",
    },
    {
        "name": "Need Attention",
        "r": (3, 3), "f": (3, 3), "m": (1, 5), "precedence": 8,
        "definition": "Average recency and frequency; drifting and may slip away without a reason to "
        "return.",
        "actions": "Limited-time offers based on past purchases; reactivate before they fall asleep.",
        "source": "hebbali_rfm",
    },
    {
        "name": "About to Sleep",
        "r": (3, 3), "f": (1, 2), "m": (1, 5), "precedence": 9,
        "definition": "Below-average recency and frequency; will be lost without a nudge.",
        "actions": "Share useful content and popular products; a modest reactivation offer.",
        "source": "hebbali_rfm",
    },
    {
        "name": "Lost",
        "r": (1, 1), "f": (1, 2), "m": (1, 3), "precedence": 10,
        "definition": "Longest since the last purchase, few purchases and low spend.",
        "actions": "One low-cost reactivation attempt, then stop spending on them; learn why they left.",
        "source": "hebbali_rfm",
    },
    {
        "name": "Hibernating",
        "r": (1, 2), "f": (1, 2), "m": (1, 5), "precedence": 11,
        "definition": "Bought rarely and long ago (including big one-off spenders who have not returned).",
        "actions": "Recreate interest with relevant products and special offers; keep costs low.",
        "source": "hebbali_rfm",
    },
]


# ---------------------------------------------------------------------------------------------------
# Lifecycle stages (helpers.lifecycle.lifecycle_stage)
# ---------------------------------------------------------------------------------------------------
#: Stages of the customer lifecycle as of a date, in display order. The windows (in days) are data
#: driven (helpers.lifecycle.stage_thresholds) unless the run configuration sets them. A customer gets
#: the first stage that applies in the order prospect, new, reactivated, then by days since the last
#: purchase: active, at risk, lapsed.
LIFECYCLE_STAGES = [
    {
        "name": "prospect", "color": "#c7c7c7",
        "definition": "Known (in the customer list, signed up by the date) but has never bought.",
        "contact": ["none", "automated", "personal"],
        "kinds": ["convert", "follow-up", "standard", "hold"],
        "actions": "Convert: a first-purchase offer, onboarding content, remove friction.",
        "source": "blattberg2008",
    },
    {
        "name": "new", "color": "#8fd694",
        "contact": ["none", "automated", "personal"],
        "kinds": ["convert", "sell", "nurture", "advocacy", "follow-up", "wallet", "standard",
                  "hold"],
        "definition": "First purchase within the last new_window days.",
        "actions": "Onboarding and a reason for the second purchase, the hardest one to win.",
        "source": "blattberg2008",
    },
    {
        "name": "active", "color": "#00798c",
        "contact": ["none", "automated", "personal"],
        "kinds": ["sell", "nurture", "advocacy", "follow-up", "wallet", "standard", "hold"],
        "definition": "Last purchase within the last active_window days (a typical gap between "
        "purchases).",
        "actions": "Keep the relationship: cross-sell, loyalty benefits, service quality.",
        "source": "blattberg2008",
    },
    {
        "name": "reactivated", "color": "#30638e",
        "contact": ["none", "automated", "personal"],
        "kinds": ["convert", "sell", "nurture", "advocacy", "follow-up", "wallet", "standard",
                  "hold"],
        "definition": "Came back within the last new_window days after a gap longer than lapse_window.",
        "actions": "Treat like a new customer again; find out what brought them back.",
        "source": "blattberg2008",
    },
    {
        "name": "at risk", "color": "#edae49",
        "contact": ["none", "automated", "personal"],
        "kinds": ["win-back", "nurture", "follow-up", "wallet", "standard", "hold"],
        "definition": "Last purchase more than active_window but at most lapse_window days ago: later "
        "than usual, not yet gone.",
        "actions": "Timely reminder or service contact before the gap becomes a lapse.",
        "source": "blattberg2008",
    },
    {
        "name": "lapsed", "color": "#d1495b",
        "contact": ["none", "automated", "personal"],
        "kinds": ["win-back", "follow-up", "hold"],
        "definition": "No purchase for more than lapse_window days: longer than almost every gap "
        "between purchases seen in the data.",
        "actions": "Win-back campaign where the expected value pays for it; otherwise stop contacting.",
        "source": "blattberg2008",
    },
]


# ---------------------------------------------------------------------------------------------------
# Loyalty ladder (helpers.lifecycle.loyalty_ladder)
# ---------------------------------------------------------------------------------------------------
#: Rungs of the loyalty ladder (Griffin, 1995; Christopher, Payne & Ballantyne, 1991), lowest first.
#: A customer stands on the highest observable rung whose conditions all hold:
#: ``min_purchases`` / ``max_purchases`` count distinct purchase days up to the date (None = no bound),
#: ``requires_active`` asks for a purchase within the active window of the lifecycle stages,
#: ``requires_current`` for one within the lapse window (a customer who has not lapsed), and
#: ``requires_advocacy`` asks for a promoter answer in the NPS survey (latest response up to the date)
#: or at least one referral. ``observable: False`` marks a rung the data cannot show (suspects are the
#: whole target market); it is described but never assigned.
LOYALTY_LADDER = [
    {
        "name": "suspect", "color": "#e6e6e6",
        "rung": 0, "observable": False,
        "min_purchases": None, "max_purchases": None,
        "requires_active": False, "requires_advocacy": False,
        "definition": "Anyone in the target market who might buy. Not in the data, so not counted.",
        "actions": "Marketing reach and targeting; outside the scope of customer data.",
        "source": "griffin1995",
    },
    {
        "name": "prospect", "color": "#c7c7c7",
        "rung": 1, "observable": True,
        "min_purchases": 0, "max_purchases": 0,
        "requires_active": False, "requires_advocacy": False,
        "definition": "Known to us (in the customer list) but has not bought yet.",
        "actions": "Convert: a first-purchase reason, trial, remove friction.",
        "source": "griffin1995",
    },
    {
        "name": "first-time customer", "color": "#8fd694",
        "rung": 2, "observable": True,
        "min_purchases": 1, "max_purchases": 1,
        "requires_active": False, "requires_advocacy": False,
        "definition": "Has bought once.",
        "actions": "Make the first experience excellent; earn the second purchase.",
        "source": "griffin1995",
    },
    {
        "name": "repeat customer", "color": "#6c8ebf",
        "rung": 3, "observable": True,
        "min_purchases": 2, "max_purchases": None,
        "requires_active": False, "requires_advocacy": False,
        "definition": "Has bought on two or more days.",
        "actions": "Cross-sell, make repeat buying easy, recognise the relationship.",
        "source": "griffin1995",
    },
    {
        "name": "client", "color": "#30638e",
        "rung": 4, "observable": True,
        "min_purchases": 3, "max_purchases": None,
        "requires_active": True, "requires_advocacy": False,
        "definition": "Buys regularly: three or more purchase days and still active.",
        "actions": "Personal relationship, service levels, loyalty benefits; listen to them.",
        "source": "christopher1991",
    },
    {
        "name": "advocate", "color": "#00798c",
        "rung": 5, "observable": True,
        "min_purchases": 2, "max_purchases": None,
        "requires_active": False, "requires_current": True, "requires_advocacy": True,
        "definition": "A repeat customer or client who has not lapsed and recommends us: a promoter "
        "in the NPS survey or has referred someone. A lapsed former promoter is no longer counted "
        "as an advocate.",
        "actions": "Referral programme, reviews, community and co-creation; thank them.",
        "source": "griffin1995",
    },
]


# ---------------------------------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------------------------------
VOCABULARIES: dict[str, list[dict]] = {
    "nps_classes": NPS_CLASSES,
    "rfm_segments": RFM_SEGMENTS,
    "lifecycle_stages": LIFECYCLE_STAGES,
    "loyalty_ladder": LOYALTY_LADDER,
}


def glossary(vocabulary: str, columns=("name", "definition", "actions", "source")) -> pd.DataFrame:
    """Return one vocabulary as a table, sources spelled out, for a notebook's glossary.

    Parameters
    ----------
    vocabulary : str
        A key of :data:`VOCABULARIES`, e.g. ``"nps_classes"``.
    columns : sequence of str
        Columns to show, in order; ``source`` is replaced by the full citation.

    Returns
    -------
    pandas.DataFrame
        One row per term.

    Raises
    ------
    KeyError
        If ``vocabulary`` is unknown; the message lists the known ones.

    Examples
    --------
    >>> glossary("nps_classes")["name"].tolist()
    ['promoter', 'passive', 'detractor']
    """
    if vocabulary not in VOCABULARIES:
        raise KeyError(f"unknown vocabulary {vocabulary!r}; known: {sorted(VOCABULARIES)}")
    table = pd.DataFrame(VOCABULARIES[vocabulary])
    if "source" in table:
        table["source"] = table["source"].map(lambda k: SOURCES.get(k, k))
    return table[[c for c in columns if c in table.columns]]


# ---------------------------------------------------------------------------------------------------
# The six-phase customer lifecycle
# ---------------------------------------------------------------------------------------------------
SOURCES.update({
    "nagle_holden2002": "Nagle, T. T. & Holden, R. K. (2002). The Strategy and Tactics of Pricing, 3rd ed., "
    "ch. 'Segmented pricing' (price, value, relationship buyers and poker players). Prentice Hall.",
    "service_practice": "Customer-service training practice (common persona taxonomy; no single "
    "academic source).",
    "lifecycle_practice": "Customer lifecycle marketing practice; e.g. Kumar, V. & Reinartz, W. (2018). "
    "Customer Relationship Management, 3rd ed., Springer.",
})

LIFECYCLE_PHASES = [
    {"name": "discovery", "order": 1,
     "definition": "The person learns the brand exists (advertising, search, word of mouth).",
     "in_transactions": "not visible: happens before any record",
     "source": "lifecycle_practice",
     "actions": "Reach and awareness: content, search, referral programmes."},
    {"name": "evaluation", "order": 2,
     "definition": "The person compares offers, asks questions, may sign up or request a quote.",
     "in_transactions": "partly: a sign-up without purchase (a prospect in the customer list)",
     "source": "lifecycle_practice",
     "actions": "Make the first purchase easy: answers, trials, a first-order incentive."},
    {"name": "purchase", "order": 3,
     "definition": "The first order.",
     "in_transactions": "yes: the first transaction",
     "source": "lifecycle_practice",
     "actions": "Flawless fulfilment; welcome journey; set expectations."},
    {"name": "use/experience", "order": 4,
     "definition": "The customer uses what was bought and forms a judgement; service contacts happen here.",
     "in_transactions": "indirectly: refunds, time to the second purchase, survey answers",
     "source": "lifecycle_practice",
     "actions": "Onboarding, usage tips, fast service recovery."},
    {"name": "bond", "order": 5,
     "definition": "Repeat buying becomes a habit; the customer prefers the brand.",
     "in_transactions": "yes: repeat purchases at a regular rhythm",
     "source": "lifecycle_practice",
     "actions": "Loyalty benefits, personalised offers, account care."},
    {"name": "advocacy", "order": 6,
     "definition": "The customer recommends the brand to others.",
     "in_transactions": "only with a survey (promoters) or referral counts",
     "source": "lifecycle_practice",
     "actions": "Referral programme, reviews, community and co-creation invitations."},
]

# ---------------------------------------------------------------------------------------------------
# Strategies made checkable: contact levels and action kinds
# ---------------------------------------------------------------------------------------------------
#: How much contact an action makes, least first. Every playbook rule states one (``contact:``);
#: every lifecycle stage and relationship group lists the levels its strategy allows (``contact``).
CONTACT_LEVELS = [
    {"name": "none", "definition": "No proactive contact: self-service and transactional messages "
     "(order and delivery notices) only."},
    {"name": "automated", "definition": "An automated journey or e-mail; no staff time per customer."},
    {"name": "personal", "definition": "A person calls or writes to this customer."},
]

#: What an action is for. Every playbook rule states one (``kind:``); every lifecycle stage and
#: relationship group lists the kinds its strategy allows (``kinds``). A rule whose kind or contact
#: level a group or stage does not allow may still reach it only through a stated ``exception:``
#: (see :func:`helpers.actions.strategy_check`).
ACTION_KINDS = [
    {"name": "follow-up", "definition": "Reply to the customer's own recent feedback (close the loop)."},
    {"name": "win-back", "definition": "Spend to bring back a customer who buys later than usual or has "
     "stopped; only where the predicted value clears the win-back threshold."},
    {"name": "nurture", "definition": "Reward and keep a profitable, loyal customer."},
    {"name": "sell", "definition": "Cross-sell or up-sell while the customer is buying."},
    {"name": "advocacy", "definition": "Ask for a referral or a review."},
    {"name": "convert", "definition": "Earn the first or the second purchase."},
    {"name": "wallet", "definition": "Find out whether the wallet or our share of it is small; up-sell "
     "or cut the cost to serve."},
    {"name": "standard", "definition": "Standard communication (newsletter, service messages)."},
    {"name": "hold", "definition": "No spend: self-service and transactional messages only."},
]

# ---------------------------------------------------------------------------------------------------
# Relationship groups (Reinartz & Kumar, 2002)
# ---------------------------------------------------------------------------------------------------
RELATIONSHIP_GROUPS = [
    {"name": "Strangers", "color": "#9e9e9e", "profitability": "low", "duration": "short",
     "definition": "Little fit between what the company offers and what they need; few, small, "
     "short-lived purchases.",
     "strategy": "No relationship investment",
     "contact": ["none"], "kinds": ["hold"],
     "source": "reinartz_kumar2002",
     "actions": "Make every transaction profitable; no loyalty spend, no proactive contact; "
     "self-service only."},
    {"name": "Butterflies", "color": "#edae49", "profitability": "high", "duration": "short",
     "definition": "Good fit, high spend, but they buy where the deal is and do not stay.",
     "strategy": "Harvest while they are here",
     "contact": ["none", "automated", "personal"],
     "kinds": ["sell", "advocacy", "follow-up", "standard", "hold"],
     "source": "reinartz_kumar2002",
     "actions": "Enjoy the transactions, sell intensively in the short window; stop investing "
     "as soon as they go quiet; do not try to convert them into loyalists."},
    {"name": "Barnacles", "color": "#6c8ebf", "profitability": "low", "duration": "long",
     "definition": "Loyal but not profitable: a small wallet, or a small share of a larger wallet, "
     "often served at high cost.",
     "strategy": "Find out: small wallet or small share?",
     "contact": ["none", "automated", "personal"],
     "kinds": ["wallet", "sell", "advocacy", "follow-up", "win-back", "standard", "hold"],
     "source": "reinartz_kumar2002",
     "actions": "Size of wallet small: cut cost to serve (self-service, automated channels). "
     "Share of wallet small: up-sell and cross-sell."},
    {"name": "True Friends", "color": "#00798c", "profitability": "high", "duration": "long",
     "definition": "Good fit and steady, profitable buying over a long time.",
     "strategy": "Reward and nurture",
     "contact": ["none", "automated", "personal"],
     "kinds": ["nurture", "advocacy", "follow-up", "win-back", "sell", "standard", "hold"],
     "source": "reinartz_kumar2002",
     "actions": "Communicate consistently but not too often; build attitudinal loyalty; "
     "delight and reward them; ask for referrals. One who has lapsed gets one personal win-back "
     "try where the predicted value clears the win-back threshold."},
]

# ---------------------------------------------------------------------------------------------------
# Buyer types (Nagle & Holden) and the rules that infer them from behaviour
# ---------------------------------------------------------------------------------------------------
BUYER_TYPES = [
    {"name": "price buyer",
     "definition": "Buys on price alone; waits for discounts and switches for a better deal.",
     "source": "nagle_holden2002",
     "actions": "Offer a no-frills option priced to margin; do not discount the core offer to win them."},
    {"name": "value buyer",
     "definition": "Weighs price against benefits; pays more for what is demonstrably better.",
     "source": "nagle_holden2002",
     "actions": "Show the value (quality, service, total cost); differentiated offers."},
    {"name": "relationship buyer",
     "definition": "Prefers a trusted supplier and does not shop around while the relationship holds.",
     "source": "nagle_holden2002",
     "actions": "Protect the trust: reliability, recognition, no bait offers to new customers only."},
    {"name": "poker player",
     "definition": "Values the offer but plays suppliers against each other to win discounts; "
     "usually a large buyer.",
     "source": "nagle_holden2002",
     "actions": "Hold the price line; trade concessions for commitments (volume, term); "
     "standardised discount policy."},
]

#: Rules mapping behaviour to a buyer type, applied in ``precedence`` order (lowest first); the
#: first rule whose conditions all hold wins and ``value buyer`` catches everyone else.
#: Facts: ``discount_share`` (share of a customer's orders with a discount), ``spend_pct`` (percentile
#: rank of revenue per order among buyers, 0..1), ``n_orders``. A config can replace this table.
BUYER_TYPE_RULES = [
    {"precedence": 1, "buyer_type": "poker player",
     "when": {"discount_share": [0.5, None], "spend_pct": [0.75, None]},
     "reason": "large orders, most of them discounted"},
    {"precedence": 2, "buyer_type": "price buyer",
     "when": {"discount_share": [0.5, None]},
     "reason": "most orders bought on discount"},
    {"precedence": 3, "buyer_type": "relationship buyer",
     "when": {"discount_share": [None, 0.2], "n_orders": [4, None]},
     "reason": "repeat buying with few discounts"},
    {"precedence": 4, "buyer_type": "value buyer",
     "when": {},
     "reason": "pays for value: some discounts, not most"},
]

# ---------------------------------------------------------------------------------------------------
# Customer relationship types (Osterwalder & Pigneur, Business Model Canvas)
# ---------------------------------------------------------------------------------------------------
RELATIONSHIP_TYPES = [
    {"name": "personal assistance", "definition": "Human interaction: the customer can talk to a "
     "representative during and after the sale (store, call centre, e-mail).",
     "source": "osterwalder2010", "actions": "Use for high-value moments: complaints, large orders, "
     "win-back calls."},
    {"name": "dedicated personal assistance", "definition": "A representative assigned to one client "
     "(key account manager, private banker).",
     "source": "osterwalder2010", "actions": "Reserve for the most valuable accounts (True Friends with "
     "the highest predicted value)."},
    {"name": "self-service", "definition": "No direct relationship; the company provides the means for "
     "customers to help themselves.",
     "source": "osterwalder2010", "actions": "Default for low-value segments (Strangers); cut cost to "
     "serve for Barnacles with a small wallet."},
    {"name": "automated services", "definition": "Self-service with automated processes that recognise "
     "the customer (recommendations, triggered e-mails).",
     "source": "osterwalder2010", "actions": "Scale personal-feeling contact: reactivation and "
     "replenishment triggers, next-best offers."},
    {"name": "communities", "definition": "User communities where customers exchange knowledge and "
     "solve each other's problems.",
     "source": "osterwalder2010", "actions": "Invite promoters and advocates; moderate and recognise "
     "contributors."},
    {"name": "co-creation", "definition": "Customers help create value: reviews, product ideas, "
     "content.",
     "source": "osterwalder2010", "actions": "Invite True Friends and promoters to reviews, betas and "
     "advisory panels."},
]

# ---------------------------------------------------------------------------------------------------
# Service personas and the actions each requires
# ---------------------------------------------------------------------------------------------------
SERVICE_PERSONAS = [
    {"name": "decision maker", "definition": "Knows what they want and decides fast.",
     "source": "service_practice", "actions": "Be brief, give clear options and a recommendation; "
     "do not over-explain."},
    {"name": "analytical thinker", "definition": "Wants facts, specifications and comparisons before "
     "deciding.", "source": "service_practice",
     "actions": "Provide data, documentation and time; answer precisely; follow up in writing."},
    {"name": "indecisive", "definition": "Struggles to choose; fears making the wrong choice.",
     "source": "service_practice", "actions": "Narrow the options, recommend one, reassure with "
     "guarantees and easy returns."},
    {"name": "bargain hunter", "definition": "Focused on price and deals.",
     "source": "service_practice", "actions": "Point to the best-value option and bundles; explain "
     "value rather than cutting price."},
    {"name": "high maintenance", "definition": "Needs a lot of attention and many contacts.",
     "source": "service_practice", "actions": "Set expectations and a single contact; document "
     "agreements; watch the cost to serve."},
    {"name": "loyalist", "definition": "Comes back again and again and trusts the brand.",
     "source": "service_practice", "actions": "Recognise and reward; ask for feedback and referrals; "
     "never take them for granted."},
    {"name": "impatient", "definition": "Wants it solved now.",
     "source": "service_practice", "actions": "Acknowledge urgency, give a time frame, solve in the "
     "first contact where possible."},
    {"name": "skeptic", "definition": "Doubts claims and expects to be let down.",
     "source": "service_practice", "actions": "Offer proof (reviews, guarantees, trials); be "
     "transparent; keep every promise."},
    {"name": "chatty", "definition": "Enjoys conversation and drifts from the point.",
     "source": "service_practice", "actions": "Be friendly, then steer back to the issue; summarise "
     "the next step."},
    {"name": "demanding", "definition": "High expectations and little tolerance for mistakes.",
     "source": "service_practice", "actions": "Stay calm and professional; escalate early; deliver "
     "exactly what was agreed."},
]

VOCABULARIES.update({
    "lifecycle_phases": LIFECYCLE_PHASES,
    "relationship_groups": RELATIONSHIP_GROUPS,
    "buyer_types": BUYER_TYPES,
    "relationship_types": RELATIONSHIP_TYPES,
    "service_personas": SERVICE_PERSONAS,
})

# ---------------------------------------------------------------------------------------------------
# Other names in common use (rendered in the glossary next to the name)
# ---------------------------------------------------------------------------------------------------
for _term, _others in [(NPS_CLASSES[1], ["passively satisfied"]),
                       (LIFECYCLE_STAGES[5], ["churned", "inactive"]),
                       (LIFECYCLE_STAGES[4], ["lapsing"])]:
    _term["other_names"] = _others


# ---------------------------------------------------------------------------------------------------
# The guide: frameworks, reports, reading orders (rendered by 00_start_here)
# ---------------------------------------------------------------------------------------------------
#: Title and one-line purpose of each vocabulary, in the order the glossary shows them.
VOCABULARY_TITLES = {
    "nps_classes": ("NPS classes", "What a customer says when asked whether they would recommend us."),
    "lifecycle_phases": ("Lifecycle phases", "The six phases of the customer lifecycle, from discovery "
                         "to advocacy, and how much of each the transactions show."),
    "lifecycle_stages": ("Lifecycle stages", "Where a customer stands on a date, from the transactions."),
    "loyalty_ladder": ("Loyalty ladder", "The rungs from suspect to advocate, lowest first."),
    "rfm_segments": ("RFM segments", "Named cells of the recency, frequency and monetary-value scores."),
    "relationship_groups": ("Relationship groups", "Reinartz and Kumar's four groups on the axes of "
                            "profitability and duration."),
    "buyer_types": ("Buyer types", "How a customer buys with respect to price."),
    "relationship_types": ("Relationship types", "The kinds of customer relationship a company can "
                           "offer (Business Model Canvas)."),
    "service_personas": ("Service personas", "Common customer personalities in service contacts and "
                         "what each requires."),
}

#: The three frameworks of the collection, each with the question it answers, a short summary, its
#: sources (keys of :data:`SOURCES`), its vocabularies and the reports that apply it.
FRAMEWORKS = [
    {"key": "nps", "name": "Net Promoter Score classification",
     "question": "What do customers say about us, and is a change real?",
     "summary": "One survey question, 'How likely is it that you would recommend us to a friend or "
     "colleague?' (0-10), sorts answers into promoters (9-10), passives (7-8) and detractors (0-6); "
     "the score is the share of promoters minus the share of detractors, always read with its "
     "confidence interval.",
     "sources": ["reichheld2003", "rocks2016"], "vocabularies": ["nps_classes"],
     "reports": ["01_nps", "04_customer_actions"]},
    {"key": "lifecycle", "name": "Customer lifecycle segmentation",
     "question": "Where does each customer stand in the relationship, and where are they heading?",
     "summary": "Customers pass through six phases from discovery to advocacy; the transactions place "
     "each customer in a lifecycle stage (prospect to lapsed), on a rung of the loyalty ladder and "
     "in an RFM segment, each with what to do next.",
     "sources": ["lifecycle_practice", "blattberg2008", "griffin1995", "christopher1991",
                 "hughes1994", "hebbali_rfm"],
     "vocabularies": ["lifecycle_phases", "lifecycle_stages", "loyalty_ladder", "rfm_segments"],
     "reports": ["02_lifecycle", "04_customer_actions"]},
    {"key": "relationship", "name": "Reinartz & Kumar relationship groups",
     "question": "Who stays, who pays, and how much should we invest in each customer?",
     "summary": "Loyalty and profitability are different axes: a probability model of buying "
     "(BG/NBD with Gamma-Gamma spend) gives each customer an expected duration and value, and the two "
     "axes make four groups (Strangers, Butterflies, Barnacles, True Friends), each with its own "
     "strategy.",
     "sources": ["reinartz_kumar2002", "reinartz_kumar2000", "fader2005", "schmittlein1987",
                 "fader_hardie_gg2013"],
     "vocabularies": ["relationship_groups", "buyer_types", "relationship_types"],
     "reports": ["03_relationship_groups", "04_customer_actions"]},
]

#: Which report answers which question, and for whom; the start-here table is rendered from it.
REPORTS = [
    {"notebook": "00_start_here", "question": "What is in the collection and where do I start?",
     "audience": "everyone"},
    {"notebook": "00_data_check", "question": "What do the inputs hold, and what was fixed or dropped?",
     "audience": "analyst, data owner"},
    {"notebook": "01_nps", "question": "What is our NPS with its uncertainty, and which differences "
     "between segments and periods are real?", "audience": "manager, analyst"},
    {"notebook": "02_lifecycle", "question": "Where does each customer stand in the lifecycle, and "
     "how long do customers stay?", "audience": "manager, marketing"},
    {"notebook": "03_relationship_groups", "question": "Which customers are loyal, which are "
     "profitable, and what is each group worth?", "audience": "manager, analyst"},
    {"notebook": "04_customer_actions", "question": "What is the next step for every customer, who "
     "owns it, and how much value does it protect?", "audience": "front line, CRM team"},
    {"notebook": "glossary", "question": "What does a term mean, where does it come from, and what "
     "do we do about it?", "audience": "everyone"},
]

#: Reading order per reader: (report, what to look for). Every report named here is in :data:`REPORTS`.
READING_ORDER = {
    "manager": [
        ("00_start_here", "the three frameworks and what each is for"),
        ("04_customer_actions", "where value is at stake and which actions protect it"),
        ("01_nps", "the score, its interval and which changes are real"),
        ("03_relationship_groups", "the four groups and the strategy for each"),
    ],
    "analyst": [
        ("00_data_check", "what was fixed or dropped and the warnings"),
        ("01_nps", "intervals, tests and sample sizes"),
        ("02_lifecycle", "stage windows, cohorts and time to lapse"),
        ("03_relationship_groups", "the model checks against purchases it did not see"),
        ("04_customer_actions", "the playbook and the CRM export"),
    ],
    "trainee": [
        ("00_start_here", "the map of the collection"),
        ("glossary", "the vocabulary of each framework"),
        ("00_data_check", "what the data can and cannot carry"),
        ("01_nps", "the Concept, Data, Compute, Look, Interpret, Act sequence, on the simplest "
                   "framework"),
        ("02_lifecycle", "the lifecycle stages, loyalty ladder and RFM segments"),
        ("03_relationship_groups", "why loyalty and profitability are different axes"),
        ("04_customer_actions", "how the three frameworks combine into one action per customer"),
    ],
}


#: Reader labels for the code names of table columns (``ci_low`` -> "95% interval, low"); tables for
#: readers (:func:`helpers.report.tables.reader_table`) use them, a name not here has its underscores
#: replaced by spaces.
COLUMN_LABELS = {
    "n": "answers", "nps": "NPS", "se": "standard error", "ci_low": "95% interval, low",
    "ci_high": "95% interval, high", "ci_lower": "95% interval, low", "ci_upper": "95% interval, high",
    "nps_ref": "NPS of the rest", "diff": "difference", "p_value": "p-value",
    "p_adj": "p-value (Holm-adjusted)", "significant": "significant", "low_n": "too few answers",
    "change": "change", "change_p_adj": "change p-value (Holm-adjusted)",
    "change_significant": "change significant", "nps_a": "NPS later", "nps_b": "NPS earlier",
    "n_a": "answers later", "n_b": "answers earlier", "n_pairs": "customers who answered in both",
    "promoters": "promoters", "passives": "passives", "detractors": "detractors",
    "customers": "customers", "share": "share of customers", "customer_share": "share of customers",
    "profit": "profit", "profit_share": "share of profit", "value": "predicted value",
    "value_lower": "predicted value, low", "value_upper": "predicted value, high",
    "value_share": "share of predicted value", "revenue": "revenue", "revenue_share": "share of revenue",
    "revenue_12m": "revenue, last 12 months", "revenue_12m_share": "share of revenue, last 12 months",
    "param": "parameter", "estimate": "estimate", "median": "median (days)",
    "median_lower": "median, low (days)", "median_upper": "median, high (days)",
    "clv": "predicted value", "value_level": "value level", "nps_class": "NPS class",
    "nps_score": "NPS score", "lifecycle_stage": "lifecycle stage", "ladder_step": "loyalty ladder rung",
    "rfm_segment": "RFM segment", "relationship_group": "relationship group", "buyer_type": "buyer type",
    "rule": "rule", "priority": "priority", "owner": "owner", "label": "action", "interval": "interval",
    "seed_name": "also called", "in_transactions": "in the transactions", "odds_ratio": "odds ratio",
    "feature": "feature", "level": "level", "scale": "scale", "count": "rows", "input": "input",
    "customer_id": "customer", "actual_total": "actual purchases", "predicted_total": "predicted purchases",
    "actual": "actual", "predicted": "predicted", "customers_with_it": "customers with it",
    "name": "name", "definition": "definition", "actions": "actions", "strategy": "strategy",
    "source": "source", "reason": "reason", "action": "action", "later": "later period",
    "earlier": "earlier period", "period": "period", "segment": "segment", "group": "group",
    "answer_date": "answer date", "answer_age_days": "answer age (days)", "p_alive": "P(alive)",
    "last_purchase": "last purchase", "frequency": "repeat purchases", "profitability": "profitability",
    "duration": "projected lifetime",
}

#: Reader words for code values in columns that name a method (``method``): ``adjusted_wald`` ->
#: "adjusted Wald".
METHOD_LABELS = {"adjusted_wald": "adjusted Wald", "wald": "Wald", "bootstrap": "bootstrap"}


def _slug(text: str) -> str:
    out = "".join(ch if ch.isalnum() else "-" for ch in text.lower())
    return "-".join(part for part in out.split("-") if part)


def _vocabularies_of(name: str) -> list[str]:
    return [key for key, terms in VOCABULARIES.items() if any(_slug(t["name"]) == _slug(name) for t in terms)]


def anchor(name: str, vocabulary: str | None = None) -> str:
    """The HTML id of a term in the glossary report.

    A name used by one vocabulary only gets ``term-<name>``; a name shared by several (e.g. ``prospect``
    is a lifecycle stage and a loyalty-ladder rung) gets ``term-<vocabulary>-<name>``.

    Parameters
    ----------
    name : str
        The term, as in its vocabulary (case and spaces do not matter).
    vocabulary : str, optional
        Key of :data:`VOCABULARIES`; required when the name is in more than one.

    Returns
    -------
    str

    Raises
    ------
    KeyError
        If no vocabulary (or not the one given) holds the name.
    ValueError
        If the name is in several vocabularies and none is given.

    Examples
    --------
    >>> anchor("True Friends")
    'term-true-friends'
    >>> anchor("prospect", "loyalty_ladder")
    'term-loyalty-ladder-prospect'
    """
    holders = _vocabularies_of(name)
    if not holders or (vocabulary is not None and vocabulary not in holders):
        where = f" in {vocabulary!r}" if vocabulary else ""
        raise KeyError(f"no term {name!r}{where}; see helpers.frameworks.VOCABULARIES")
    if len(holders) == 1:
        return f"term-{_slug(name)}"
    if vocabulary is None:
        raise ValueError(f"{name!r} is a term of several vocabularies ({', '.join(holders)}); "
                         "pass vocabulary=")
    return f"term-{_slug(vocabulary)}-{_slug(name)}"


def term_link(name: str, vocabulary: str | None = None, page: str = "glossary.html") -> str:
    """The link to a term's entry in the glossary report, for a report's first use of the term.

    Parameters
    ----------
    name, vocabulary : str
        As for :func:`anchor`.
    page : str, default ``"glossary.html"``
        The glossary page, relative to the report that links to it.

    Returns
    -------
    str

    Examples
    --------
    >>> term_link("promoter")
    'glossary.html#term-promoter'
    >>> f"[{'Barnacles'}]({term_link('Barnacles')})"
    '[Barnacles](glossary.html#term-barnacles)'
    """
    return f"{page}#{anchor(name, vocabulary)}"


_DETAILS = {"scores": "Scores", "strategy": "Strategy", "in_transactions": "In the transactions"}


def vocabulary_anchor(vocabulary: str) -> str:
    """The HTML id of a vocabulary's section in the glossary report.

    Parameters
    ----------
    vocabulary : str
        A key of :data:`VOCABULARIES`.

    Returns
    -------
    str

    Examples
    --------
    >>> vocabulary_anchor("loyalty_ladder")
    'vocabulary-loyalty-ladder'
    """
    return f"vocabulary-{_slug(vocabulary)}"


def glossary_markdown(vocabulary: str) -> str:
    """One vocabulary as a glossary section: every term with its anchor, definition, other names,
    what to do and the source.

    Parameters
    ----------
    vocabulary : str
        A key of :data:`VOCABULARIES`.

    Returns
    -------
    str
        Markdown: a ``##`` heading, the vocabulary's purpose, then a ``###`` entry per term, each
        preceded by ``<a id="term-..."></a>`` (:func:`anchor`).

    Raises
    ------
    KeyError
        If ``vocabulary`` is unknown; the message lists the known ones.

    Examples
    --------
    >>> text = glossary_markdown("nps_classes")
    >>> '<a id="term-promoter"></a>' in text and "passively satisfied" in text
    True
    """
    if vocabulary not in VOCABULARIES:
        raise KeyError(f"unknown vocabulary {vocabulary!r}; known: {sorted(VOCABULARIES)}")
    title, purpose = VOCABULARY_TITLES.get(vocabulary, (vocabulary.replace("_", " ").capitalize(), ""))
    heading = f'<a id="{vocabulary_anchor(vocabulary)}"></a>\n\n## {title}'
    parts = [heading, purpose] if purpose else [heading]
    for term in VOCABULARIES[vocabulary]:
        others = ([term["seed_name"]] if term.get("seed_name") else []) + list(term.get("other_names", []))
        lines = [f'<a id="{anchor(term["name"], vocabulary)}"></a>', "", f"### {term['name']}", "",
                 term["definition"], "",
                 f"- **Other names:** {', '.join(others) if others else '—'}"]
        lines += [f"- **{label}:** {term[key]}" for key, label in _DETAILS.items() if term.get(key)]
        lines += [f"- **What to do:** {term['actions']}",
                  f"- **Source:** {SOURCES.get(term['source'], term['source'])}"]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def glossary_terms() -> list[tuple[str, str]]:
    """Every (vocabulary, term name) pair of the glossary, in the order it shows them.

    Returns
    -------
    list of tuple

    Examples
    --------
    >>> glossary_terms()[0]
    ('nps_classes', 'promoter')
    """
    order = list(VOCABULARY_TITLES) + [k for k in VOCABULARIES if k not in VOCABULARY_TITLES]
    return [(key, t["name"]) for key in order for t in VOCABULARIES[key]]


def framework_markdown(key: str) -> str:
    """One framework of :data:`FRAMEWORKS` for the start-here page: its question, summary,
    vocabularies (linked to the glossary), reports and sources.

    Parameters
    ----------
    key : str
        ``"nps"``, ``"lifecycle"`` or ``"relationship"``.

    Returns
    -------
    str
        Markdown.

    Raises
    ------
    KeyError
        If ``key`` is not a framework; the message lists the known ones.

    Examples
    --------
    >>> print(framework_markdown("nps").splitlines()[0])
    **Question it answers:** What do customers say about us, and is a change real?
    """
    found = {f["key"]: f for f in FRAMEWORKS}
    if key not in found:
        raise KeyError(f"unknown framework {key!r}; known: {sorted(found)}")
    fw = found[key]
    vocab = ", ".join(f"[{VOCABULARY_TITLES[v][0]}](glossary.html#{vocabulary_anchor(v)})"
                      for v in fw["vocabularies"])
    reports = ", ".join(f"[{r}]({r}.html)" for r in fw["reports"])
    sources = "\n".join(f"- {SOURCES[s]}" for s in fw["sources"])
    return (f"**Question it answers:** {fw['question']}\n\n{fw['summary']}\n\n"
            f"**Vocabulary:** {vocab}. **Reports:** {reports}.\n\n**Sources:**\n\n{sources}")


def reports_markdown() -> str:
    """The table 'which report answers which question', from :data:`REPORTS`.

    Returns
    -------
    str
        A Markdown table with the columns Report (linked), Question, For.

    Examples
    --------
    >>> reports_markdown().splitlines()[0]
    '| Report | Question | For |'
    """
    rows = [f"| [{r['notebook']}]({r['notebook']}.html) | {r['question']} | {r['audience']} |"
            for r in REPORTS]
    return "\n".join(["| Report | Question | For |", "|---|---|---|", *rows])


def reading_order_markdown() -> str:
    """The reading order for each reader of :data:`READING_ORDER`, as numbered lists.

    Returns
    -------
    str
        Markdown: a bold reader name, then a numbered list of linked reports and what to look for.

    Examples
    --------
    >>> reading_order_markdown().splitlines()[2]
    '1. [00_start_here](00_start_here.html): the three frameworks and what each is for'
    """
    parts = []
    for reader, steps in READING_ORDER.items():
        items = "\n".join(f"{i}. [{nb}]({nb}.html): {why}" for i, (nb, why) in enumerate(steps, 1))
        parts.append(f"**{reader.capitalize()}**\n\n{items}")
    return "\n\n".join(parts)


def glossary_counts() -> dict:
    """How much the glossary holds: terms, vocabularies and distinct sources cited.

    Returns
    -------
    dict
        ``terms``, ``vocabularies``, ``sources``.

    Examples
    --------
    >>> glossary_counts()["vocabularies"] == len(VOCABULARIES)
    True
    """
    return {"terms": sum(len(v) for v in VOCABULARIES.values()), "vocabularies": len(VOCABULARIES),
            "sources": len({t["source"] for v in VOCABULARIES.values() for t in v})}
