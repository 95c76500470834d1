"""Loyalty ladder: every known customer on the highest rung of the ladder rules whose conditions
hold."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers import frameworks, nps
from helpers.lifecycle._transactions import _day_ts, _to_day, _warn
from helpers.lifecycle.stages import lifecycle_stage


def _validated_ladder(rules):
    rules = frameworks.LOYALTY_LADDER if rules is None else rules
    if not isinstance(rules, (list, tuple)) or not rules:
        raise ValueError(
            "ladder rules must be a non-empty list of dicts like frameworks.LOYALTY_LADDER"
        )
    out = []
    for rule in rules:
        if not isinstance(rule, dict) or "name" not in rule or "rung" not in rule:
            raise ValueError(f"each ladder rule needs at least 'name' and 'rung'; got {rule!r}")
        if not rule.get("observable", True):
            continue
        lo = rule.get("min_purchases") or 0
        hi = rule.get("max_purchases")
        if lo < 0 or (hi is not None and hi < lo):
            raise ValueError(
                f"ladder rule {rule['name']!r}: need 0 <= min_purchases <= max_purchases, "
                f"got {lo}, {hi}"
            )
        out.append(dict(rule, min_purchases=lo))
    rungs = [r["rung"] for r in out]
    if len(set(rungs)) != len(rungs):
        raise ValueError(f"ladder rungs must be distinct, got {rungs}")
    return sorted(out, key=lambda r: r["rung"])


def _latest_scores(survey, as_of_day):
    """Latest survey score per customer_id up to ``as_of_day`` (undated responses: last row)."""
    if isinstance(survey, pd.DataFrame) and "response_date" not in survey.columns:
        _warn("survey has no response_date; each customer's last listed answer is used")
    latest = nps.latest_answers(survey, observation_end=_day_ts(as_of_day))
    return latest["nps_score"].astype(float)


def loyalty_ladder(transactions, observation_end, customers=None, survey=None,
                   referrals_col="referrals", thresholds=None, *, rules=None, promoter_min=9):
    """Place every known customer on the loyalty ladder as of a date.

    Rungs and their conditions are data (:data:`helpers.frameworks.LOYALTY_LADDER`, replaceable with
    ``rules``); a customer stands on the highest rung whose conditions hold. With the default rules:
    prospect = known, no purchase; first-time customer = one purchase day; repeat customer = two or
    more; client = three or more and active (last purchase within ``active_window`` days, see
    :func:`stage_thresholds`); advocate = two or more purchase days, not lapsed (last purchase
    within ``lapse_window`` days) and a promoter or a referrer. Suspects (the target market) are not
    in customer data and are never assigned.

    A promoter is a customer whose latest survey answer up to ``observation_end`` scores at least
    ``promoter_min`` (9 in the NPS definition, :data:`helpers.frameworks.NPS_CLASSES`); answers
    without ``customer_id`` cannot be linked and are ignored. Referrals come from
    ``customers[referrals_col]`` when present (missing = 0); they are undated, so they count whatever
    ``observation_end`` is.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Canonical transactions.
    observation_end : date-like
        The snapshot date (included).
    customers : pandas.DataFrame, optional
        Known customers (``customer_id``, optional ``signup_date`` and referrals column).
    survey : pandas.DataFrame, optional
        NPS answers (``customer_id``, ``score``, optional ``response_date``).
    referrals_col : str, default "referrals"
        Column of ``customers`` with the number of referrals.
    thresholds : dict, optional
        Stage windows (only ``active_window`` is used here), as for :func:`lifecycle_stage`.
    rules : list of dict, optional
        Ladder rules (default :data:`helpers.frameworks.LOYALTY_LADDER`).
    promoter_min : int, default 9
        Lowest score that counts as a promoter.

    Returns
    -------
    pandas.DataFrame
        One row per known customer, indexed by ``customer_id`` (sorted): ``rung`` (ordered
        categorical, lowest rung first; ``"unassigned"`` only if custom rules leave gaps),
        ``n_purchase_days``, ``active`` (bool), ``promoter`` (bool), ``referrals`` (int).

    Raises
    ------
    ValueError, TypeError
        On malformed inputs or rules.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "b", "b", "c", "c", "c"],
    ...     "order_date": pd.to_datetime(["2024-06-01", "2024-03-01", "2024-04-15",
    ...                                   "2024-05-01", "2024-06-01", "2024-06-20"]),
    ...     "amount": [5.0] * 6})
    >>> cust = pd.DataFrame({"customer_id": ["a", "b", "c", "d"], "referrals": [0, 2, 0, 0]})
    >>> th = {"active_window": 30, "lapse_window": 90}
    >>> loyalty_ladder(tx, "2024-06-30", cust, thresholds=th)["rung"].tolist()
    ['first-time customer', 'advocate', 'client', 'prospect']
    """
    if isinstance(promoter_min, bool) or not isinstance(promoter_min, (int, np.integer, float)):
        raise TypeError(f"promoter_min must be a number, got {promoter_min!r}")
    ladder = _validated_ladder(rules)
    stages = lifecycle_stage(transactions, observation_end, customers=customers,
                             thresholds=thresholds)
    return _ladder_from_stages(stages, _to_day(observation_end, "observation_end"), ladder,
                               customers, survey, referrals_col, promoter_min)


def _ladder_from_stages(stages, as_of_day, ladder, customers, survey, referrals_col,
                        promoter_min):
    """The ladder of :func:`loyalty_ladder` from the stage table of the same date."""
    th = stages.attrs["thresholds"]
    n = stages["n_purchase_days"].to_numpy()
    since_last = stages["days_since_last"].fillna(np.iinfo(np.int32).max).to_numpy()
    active = since_last <= th["active_window"]
    current = since_last <= th["lapse_window"]
    promoter = np.zeros(len(stages), dtype=bool)
    if survey is not None:
        latest = _latest_scores(survey, as_of_day)
        promoter = (latest.reindex(stages.index) >= promoter_min).fillna(False).to_numpy(dtype=bool)
    referrals = np.zeros(len(stages), dtype=np.int64)
    if customers is not None and referrals_col in customers.columns:
        ref = pd.to_numeric(customers[referrals_col], errors="raise")
        ref = ref.groupby(customers["customer_id"]).max()
        referrals = ref.reindex(stages.index).fillna(0).to_numpy(dtype=np.int64)
    advocacy = promoter | (referrals > 0)

    names = [r["name"] for r in ladder]
    rung = np.full(len(stages), -1)
    for i, rule in enumerate(ladder):
        ok = n >= rule["min_purchases"]
        if rule.get("max_purchases") is not None:
            ok &= n <= rule["max_purchases"]
        if rule.get("requires_active"):
            ok &= active
        if rule.get("requires_current"):
            ok &= current
        if rule.get("requires_advocacy"):
            ok &= advocacy
        rung[ok] = i
    labels = np.array(names + ["unassigned"], dtype=object)[np.where(rung < 0, len(names), rung)]
    cats = names + (["unassigned"] if (rung < 0).any() else [])
    if (rung < 0).any():
        _warn(f"{int((rung < 0).sum())} customer(s) match no ladder rule and are 'unassigned'")
    out = pd.DataFrame(
        {
            "rung": pd.Categorical(labels, categories=cats, ordered=True),
            "n_purchase_days": n,
            "active": active,
            "promoter": promoter,
            "referrals": referrals,
        },
        index=stages.index,
    )
    out.attrs["thresholds"] = th
    return out
