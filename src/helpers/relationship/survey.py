"""NPS of each relationship group, from the survey answers linked to its customers."""

from __future__ import annotations

import pandas as pd

from helpers.relationship.groups import GROUPS

__all__ = ["group_nps"]


def group_nps(survey, groups, *, observation_end=None, latest=True, alpha=0.05):
    """NPS of each relationship group, from the survey answers linked to its customers.

    Answers are linked by ``customer_id``; anonymous answers and answers of customers without a
    group are left out (counted in ``attrs``). With ``latest`` only each customer's most recent
    answer counts, so that frequent respondents do not weigh more. Each group's NPS gets the
    interval of :func:`helpers.nps.nps_summary` and is tested against all other answers
    (:func:`helpers.nps.compare_segments`, Holm-adjusted).

    Input: survey (one row per answer: ``customer_id``, ``score``, ``response_date``) and a group
    per customer. Output: one row per group with answers, in :data:`GROUPS` order.

    Parameters
    ----------
    survey : pandas.DataFrame
        Canonical survey.
    groups : pandas.Series
        Group per customer, index ``customer_id`` (e.g. ``customer_relationships(...).table["group"]``).
    observation_end : date-like, optional
        The "as of" date: only answers given on or before it count.
    latest : bool, default True
        Keep each customer's latest answer only.
    alpha : float, default 0.05
        1 - confidence level.

    Returns
    -------
    pandas.DataFrame
        Columns of :func:`helpers.nps.compare_segments` with ``group`` first (``segment`` renamed).
        ``attrs``: ``answers`` (all), ``linked`` (answers with a customer id, up to ``observation_end``),
        ``used`` (answers used), ``customers`` (distinct customers used), ``nps_all`` (the
        :func:`helpers.nps.nps_summary` of all used answers together, as a dict).

    Raises
    ------
    ValueError
        If the survey lacks ``customer_id``, ``score`` or ``response_date``, or fewer than two groups
        have answers.

    Examples
    --------
    >>> sv = pd.DataFrame({"customer_id": ["a", "a", "b", "c", None],
    ...                    "score": [0, 10, 3, 9, 10],
    ...                    "response_date": pd.to_datetime(["2024-01-01", "2024-06-01", "2024-02-01",
    ...                                                     "2024-03-01", "2024-03-01"])})
    >>> g = pd.Series(["True Friends", "Strangers", "True Friends"], index=["a", "b", "c"])
    >>> out = group_nps(sv, g)
    >>> out[["group", "n", "nps"]].values.tolist()
    [['Strangers', 1, -100.0], ['True Friends', 2, 100.0]]
    """
    from helpers.nps import compare_segments, latest_answers, nps_summary

    missing = [c for c in ("customer_id", "score", "response_date") if c not in survey.columns]
    if missing:
        raise ValueError(f"survey lacks column(s) {missing}; group NPS needs answers linked to "
                         "customers by customer_id")
    answers = len(survey)
    sv = survey.loc[survey["customer_id"].notna(), ["customer_id", "score", "response_date"]]
    if observation_end is not None:
        sv = sv[sv["response_date"] <= pd.Timestamp(observation_end)]
    linked = len(sv)
    if latest:
        last = latest_answers(sv)
        sv = pd.DataFrame({"customer_id": last.index, "score": last["nps_score"].to_numpy()})
    g = groups.astype("object")
    sv = sv.assign(group=sv["customer_id"].astype("object").map(g))
    sv = sv[sv["group"].notna()]
    if sv["group"].nunique() < 2:
        raise ValueError("fewer than two groups have linked survey answers; nothing to compare")
    out = compare_segments(sv, "group", alpha=alpha).rename(columns={"segment": "group"})
    order = {name: i for i, name in enumerate(GROUPS)}
    out = (out.assign(_o=out["group"].map(lambda v: order.get(v, len(order))))
              .sort_values(["_o", "group"], kind="stable").drop(columns="_o").reset_index(drop=True))
    out.attrs.update({"answers": answers, "linked": linked, "used": len(sv),
                      "customers": int(sv["customer_id"].nunique()), "latest": latest,
                      "nps_all": nps_summary(sv["score"], alpha=alpha).to_dict()})
    return out


