"""The frameworks' vocabulary as data: names, definitions, sources and actions.

Every term that a notebook or report uses is defined once here; notebooks render their glossaries
with :func:`glossary`. Business rules (RFM segment rules, loyalty ladder rules, relationship-group
strategies, buyer-type rules) are module-level data too, so that a run configuration can replace them.

Each vocabulary is a list of dicts with at least ``name``, ``definition``, ``source`` and ``actions``.
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
}


# ---------------------------------------------------------------------------------------------------
# NPS classes (Reichheld, 2003)
# ---------------------------------------------------------------------------------------------------
NPS_CLASSES = [
    {
        "name": "promoter",
        "scores": "9-10",
        "seed_name": "ecstatic",
        "definition": "Answers 9 or 10 to 'How likely is it that you would recommend us to a friend or "
        "colleague?'. Enthusiastic, buys more, stays longer and refers others.",
        "source": "reichheld2003",
        "actions": "Thank them, ask for a referral or review, invite them to a community or "
        "co-creation; learn what they value and protect it.",
    },
    {
        "name": "passive",
        "scores": "7-8",
        "seed_name": "static",
        "definition": "Answers 7 or 8. Satisfied but unenthusiastic; open to a competitor's offer and "
        "not counted in the score.",
        "source": "reichheld2003",
        "actions": "Find the one thing that would make it a 9; targeted upgrades, loyalty benefits.",
    },
    {
        "name": "detractor",
        "scores": "0-6",
        "seed_name": "vulnerable",
        "definition": "Answers 0 to 6. Unhappy; likely to churn and to spread negative word of mouth.",
        "source": "reichheld2003",
        "actions": "Close the loop within 48 hours: call, apologise, fix the root cause, follow up; "
        "feed the reasons into product and service fixes.",
    },
]


# ---------------------------------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------------------------------
VOCABULARIES: dict[str, list[dict]] = {
    "nps_classes": NPS_CLASSES,
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
# Relationship groups (Reinartz & Kumar, 2002)
# ---------------------------------------------------------------------------------------------------
RELATIONSHIP_GROUPS = [
    {"name": "Strangers", "profitability": "low", "duration": "short",
     "definition": "Little fit between what the company offers and what they need; few, small, "
     "short-lived purchases.",
     "strategy": "No relationship investment",
     "source": "reinartz_kumar2002",
     "actions": "Make every transaction profitable; no loyalty spend, no proactive contact; "
     "self-service only."},
    {"name": "Butterflies", "profitability": "high", "duration": "short",
     "definition": "Good fit, high spend, but they buy where the deal is and do not stay.",
     "strategy": "Harvest while they are here",
     "source": "reinartz_kumar2002",
     "actions": "Enjoy the transactions, sell intensively in the short window; stop investing "
     "as soon as they go quiet; do not try to convert them into loyalists."},
    {"name": "Barnacles", "profitability": "low", "duration": "long",
     "definition": "Loyal but not profitable: a small wallet, or a small share of a larger wallet, "
     "often served at high cost.",
     "strategy": "Find out: small wallet or small share?",
     "source": "reinartz_kumar2002",
     "actions": "Size of wallet small: cut cost to serve (self-service, automated channels). "
     "Share of wallet small: up-sell and cross-sell."},
    {"name": "True Friends", "profitability": "high", "duration": "long",
     "definition": "Good fit and steady, profitable buying over a long time.",
     "strategy": "Reward and nurture",
     "source": "reinartz_kumar2002",
     "actions": "Communicate consistently but not too often; build attitudinal loyalty; "
     "delight and reward them; ask for referrals."},
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
