"""The CDNOW case study (``notebooks/case_cdnow.ipynb``): the published BG/NBD estimates of Fader,
Hardie & Lee (2005) reproduced on the CDNOW sample, then the relationship groups and the action list.

Examples
--------
>>> tx = load_cdnow()
>>> len(tx), tx["customer_id"].nunique()
(6919, 2357)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers import clv, lifecycle, relationship
from helpers.actions import apply_playbook, customer_facts, load_playbook
from helpers.paths import PROJ_ROOT

__all__ = ["CDNOW_SAMPLE", "CALIBRATION_END", "OBSERVATION_END", "PUBLISHED_BGNBD", "PUBLISHED_LOGLIK",
           "PUBLISHED_SOURCE", "MARGIN_RATE", "load_cdnow", "fit_published_model", "published_comparison",
           "comparison_sentence", "case_actions"]

CDNOW_SAMPLE = PROJ_ROOT / "tests" / "data" / "CDNOW_sample.txt"
CALIBRATION_END, OBSERVATION_END = "1997-09-30", "1998-06-30"
#: Fader, Hardie & Lee (2005), p. 281: BG/NBD on the CDNOW sample, 39-week calibration, time in weeks.
PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_LOGLIK = -9582.4
PUBLISHED_SOURCE = ("Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). 'Counting Your Customers' the Easy "
                    "Way: An Alternative to the Pareto/NBD Model. Marketing Science, 24(2), 275-284.")
#: CDNOW records revenue only; the case assumes this gross margin to have a profit (ours, not published).
MARGIN_RATE = 0.30


def load_cdnow(path=CDNOW_SAMPLE, margin_rate=MARGIN_RATE) -> pd.DataFrame:
    """The CDNOW sample in the canonical transaction columns, with an assumed profit.

    Parameters
    ----------
    path : str or Path
        The whitespace-separated file of Fader & Hardie (master id, sample id, date, CDs, dollars).
    margin_rate : float, default :data:`MARGIN_RATE`
        Share of the dollar value counted as profit (the data hold no margins).

    Returns
    -------
    pandas.DataFrame
        ``customer_id`` (the sample id, str), ``order_date``, ``amount`` (dollars), ``quantity``,
        ``profit``; one row per line of the file.

    Raises
    ------
    ValueError
        If ``margin_rate`` is not in (0, 1].

    Examples
    --------
    >>> load_cdnow()["amount"].sum().round(2)
    np.float64(244091.94)
    """
    if not 0 < margin_rate <= 1:
        raise ValueError(f"margin_rate must be a share in (0, 1], e.g. 0.3; got {margin_rate!r}")
    raw = pd.read_csv(path, sep=r"\s+", header=None, dtype={0: str, 1: str, 2: str},
                      names=["master_id", "customer_id", "date", "quantity", "amount"])
    tx = pd.DataFrame({"customer_id": raw["customer_id"].str.lstrip("0"),
                       "order_date": pd.to_datetime(raw["date"], format="%Y%m%d"),
                       "amount": raw["amount"].astype(float), "quantity": raw["quantity"]})
    tx["profit"] = tx["amount"] * margin_rate
    return tx


def fit_published_model(transactions=None):
    """Fit the BG/NBD as the paper did: purchases up to :data:`CALIBRATION_END`, same-day purchases
    one purchase, time in weeks.

    Parameters
    ----------
    transactions : pandas.DataFrame, optional
        Default :func:`load_cdnow`.

    Returns
    -------
    tuple
        ``(fit, summary, holdout, length)``: the :class:`helpers.clv.LifetimeFit`, the calibration
        summary, each customer's purchases in the holdout and its length in weeks (39).

    Examples
    --------
    >>> fit, summary, holdout, weeks = fit_published_model()  # doctest: +SKIP
    """
    tx = load_cdnow() if transactions is None else transactions
    summary, holdout, length = clv.calibration_holdout(tx, CALIBRATION_END, OBSERVATION_END, time_unit="W")
    return clv.fit_bgnbd(summary, time_unit="W"), summary, holdout, length


def published_comparison(fit) -> pd.DataFrame:
    """The published estimates beside ours: each parameter and the log-likelihood.

    Parameters
    ----------
    fit : helpers.clv.LifetimeFit
        A BG/NBD fit (parameters ``r, alpha, a, b``).

    Returns
    -------
    pandas.DataFrame
        Index: ``r``, ``alpha``, ``a``, ``b``, ``log-likelihood``; columns ``published``, ``ours``,
        ``difference`` (ours - published) and ``agrees`` (equal at the paper's precision: 3 decimals
        for the parameters, 1 for the log-likelihood).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> f = SimpleNamespace(params=pd.Series(PUBLISHED_BGNBD), loglik=-9582.43)
    >>> published_comparison(f)["agrees"].all()
    np.True_
    """
    names = list(PUBLISHED_BGNBD) + ["log-likelihood"]
    published = [*PUBLISHED_BGNBD.values(), PUBLISHED_LOGLIK]
    ours = [float(fit.params[k]) for k in PUBLISHED_BGNBD] + [float(fit.loglik)]
    decimals = [3] * len(PUBLISHED_BGNBD) + [1]
    out = pd.DataFrame({"published": published, "ours": ours}, index=pd.Index(names, name="quantity"))
    out["difference"] = out["ours"] - out["published"]
    out["agrees"] = [bool(np.round(o, d) == np.round(p, d)) for o, p, d in zip(ours, published, decimals)]
    return out


def comparison_sentence(table: pd.DataFrame) -> str:
    """One sentence on how far our estimates are from the published ones.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`published_comparison`.

    Returns
    -------
    str

    Examples
    --------
    >>> t = pd.DataFrame({"published": [0.243, -9582.4], "ours": [0.2431, -9582.43],
    ...                   "agrees": [True, True]}, index=["r", "log-likelihood"])
    >>> comparison_sentence(t)
    'All 2 published numbers are reproduced at the precision printed in the paper (largest difference in a parameter: 0.0001).'
    >>> comparison_sentence(t.assign(agrees=[False, True]))
    'Not reproduced at the printed precision: r (published 0.243, ours 0.2431).'
    """
    bad = table[~table["agrees"]]
    if len(bad):
        return "Not reproduced at the printed precision: " + "; ".join(
            f"{k} (published {r.published:g}, ours {r.ours:.4g})" for k, r in bad.iterrows()) + "."
    params = table.drop(index="log-likelihood", errors="ignore")
    gap = (params["ours"] - params["published"]).abs().max()
    return (f"All {len(table)} published numbers are reproduced at the precision printed in the paper "
            f"(largest difference in a parameter: {gap:.2g}).")


def case_actions(transactions=None, observation_end=OBSERVATION_END, *, n_boot=200, seed=0, **settings):
    """Relationship groups and the playbook's action for every CDNOW customer as of a date.

    Lifecycle (:func:`helpers.lifecycle.customer_lifecycle`), relationships
    (:func:`helpers.relationship.customer_relationships`, default settings unless given) and the
    sample playbook, joined by :func:`helpers.actions.customer_facts` as ``04_customer_actions``
    does; CDNOW has no survey and no customer list, so the NPS facts are missing.

    Parameters
    ----------
    transactions : pandas.DataFrame, optional
        Default :func:`load_cdnow`.
    observation_end : date-like, default :data:`OBSERVATION_END`
    n_boot, seed : int
        Bootstrap draws and seed of the value intervals.
    **settings
        Further keyword arguments of :func:`helpers.relationship.customer_relationships`.

    Returns
    -------
    tuple
        ``(relationships, view)``: the :class:`helpers.relationship.Relationships` and one row per
        customer with the facts and ``rule``, ``action``, ``priority``, ``owner``, ``reason``.

    Examples
    --------
    >>> rel, view = case_actions()  # doctest: +SKIP
    """
    tx = load_cdnow() if transactions is None else transactions
    lc = lifecycle.customer_lifecycle(tx, observation_end)
    rel = relationship.customer_relationships(tx, observation_end, n_boot=n_boot, seed=seed, **settings)
    facts = customer_facts(lc, rel.table, observation_end=observation_end)
    return rel, facts.join(apply_playbook(facts, load_playbook()))
