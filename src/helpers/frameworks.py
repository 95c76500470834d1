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
