"""Does the loyalty axis predict loyalty? Each loyalty measure checked on the data's own holdout.

:func:`holdout_validity` fits :func:`~helpers.relationship.pipeline.customer_relationships` on the
transactions up to a cut and compares each customer's loyalty measure, and group, with what the
customer did after the cut: whether she bought again (AUC), and how many purchase days she had
(Spearman's rank correlation). It also reports how much of each measure sits on one value (ties)
or at the projection horizon (the bound), where a measure can no longer rank customers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from helpers import clv
from helpers.clv.base import DAYS_PER_UNIT
from helpers.relationship.groups import GROUPS
from helpers.relationship.pipeline import Relationships, customer_relationships

__all__ = ["VALIDITY_MEASURES", "HoldoutValidity", "holdout_validity", "model_check", "auc"]

#: Loyalty measures :func:`holdout_validity` checks (name -> meaning).
VALIDITY_MEASURES = {
    "purchases_ahead": "expected purchases within the loyalty horizon (customer_relationships)",
    "remaining_life": "expected time alive within the loyalty horizon (customer_relationships)",
    "lifetime": "projected relationship duration from the first purchase (customer_relationships)",
    "duration": "projected remaining duration from the cut (customer_relationships)",
    "p_alive": "probability that the customer is still active at the cut",
    "expected_purchases": "the lifetime model's expected purchases over the holdout length",
    "frequency": "repeat purchases before the cut (the plain count, as a baseline)",
}


@dataclass
class HoldoutValidity:
    """Result of :func:`holdout_validity`.

    Attributes
    ----------
    measures : pandas.DataFrame
        One row per loyalty measure (index ``measure``): ``customers``, ``auc``, ``spearman``,
        ``spearman_p``, ``tied_share``, ``tied_value``, ``bound_share``.
    groups : pandas.DataFrame
        One row per relationship group (index ``group``): ``customers``, ``share``,
        ``active_share``, ``active_lower``, ``active_upper`` (Wilson interval), ``purchase_days``,
        ``purchase_days_lower``, ``purchase_days_upper``, ``spend``, ``spend_lower``, ``spend_upper``
        (means per customer after the cut with t intervals).
    outcome : pandas.DataFrame
        Per customer (fitted before the cut): ``bought`` (any purchase after the cut),
        ``purchase_days`` (distinct purchase days after the cut, up to ``observation_end``) and
        ``spend`` (amount after the cut).
    relationships : helpers.relationship.Relationships
        The fit on the data up to the cut.
    profit : pandas.Series
        The profitability axis against spend after the cut: ``measure``, ``spearman``, ``spearman_p``.
    settings : dict
        ``cut``, ``observation_end``, ``holdout_days`` and ``holdout`` (in the model's time unit).
    """

    measures: pd.DataFrame
    groups: pd.DataFrame
    outcome: pd.DataFrame
    relationships: object
    settings: dict
    profit: pd.Series | None = None

    @property
    def held(self):
        """Whether the quadrant held: True Friends and Barnacles both more often active after the cut
        than Butterflies and Strangers (None when a group is empty)."""
        a = self.groups["active_share"]
        if a.isna().any():
            return None
        return bool(min(a["True Friends"], a["Barnacles"]) > max(a["Butterflies"], a["Strangers"]))


def auc(score, event):
    """Area under the ROC curve of ``score`` for a binary ``event``: Mann-Whitney U / (n1 n0).

    The probability that a random customer with the event scores higher than a random one without
    it, ties counting one half.

    Parameters
    ----------
    score : array-like of float
        The ranking score.
    event : array-like of bool
        The outcome, same length.

    Returns
    -------
    float
        AUC in [0, 1]; NaN when either class is empty.

    Examples
    --------
    >>> auc([1, 2, 3, 3], [False, False, True, False])
    0.8333333333333334
    """
    score = np.asarray(score, dtype=float)
    event = np.asarray(event, dtype=bool)
    if score.shape != event.shape:
        raise ValueError("score and event must have the same length")
    pos, neg = score[event], score[~event]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    u = stats.mannwhitneyu(pos, neg, alternative="two-sided").statistic
    return float(u / (len(pos) * len(neg)))


def holdout_validity(transactions, cut, observation_end=None, *, measures=tuple(VALIDITY_MEASURES),
                     alpha=0.05, relationships=None, **settings):
    """Check each loyalty measure against what customers did after a cut.

    Fits :func:`customer_relationships` (``n_boot=0``; other ``settings`` passed on, defaults
    otherwise) on the transactions up to ``cut``; ``expected_purchases`` is recomputed over the
    holdout length (``observation_end - cut``) with the fitted lifetime model's
    ``conditional_expected_purchases``. The ``lifetime``, ``duration`` and ``p_alive`` columns of the
    fit do not depend on the ``loyalty`` setting, which only chooses the axis of the groups.

    Per measure: ``auc`` for "bought after the cut" (:func:`auc`), Spearman's rho (and p-value)
    against purchase days after the cut, ``tied_share`` (share of customers at the most common
    value, ``tied_value``) and ``bound_share`` (share at the projection horizon: ``duration`` equal to
    ``duration_horizon``, ``lifetime`` equal to recency + ``duration_horizon``; NaN for the other
    measures). Per group: customers, share, the share active after the cut with a Wilson
    interval, and the mean purchase days and spend after the cut with t intervals. The
    profitability axis is checked against spend after the cut (Spearman). ``held`` on the result
    says whether True Friends and Barnacles were both more often active than Butterflies and
    Strangers.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Canonical transactions (``customer_id``, ``order_date``, ``amount``, ``profit``).
    cut : date-like
        Last day of the calibration period (included).
    observation_end : date-like, optional
        Last day of the holdout (included); default the last ``order_date``.
    measures : sequence of str, default all of :data:`VALIDITY_MEASURES`
        Measures to check.
    alpha : float, default 0.05
        1 - confidence of the Wilson intervals.
    relationships : Relationships, optional
        :func:`customer_relationships` of these transactions as of ``cut`` (any ``n_boot``), e.g.
        the run's shared result, used instead of fitting again; ``settings`` must then be empty.
    **settings
        Passed to :func:`customer_relationships` (e.g. ``model``, ``loyalty``, ``cutoff``,
        ``duration_horizon``, ``time_unit``); ``n_boot`` is always 0.

    Returns
    -------
    HoldoutValidity

    Raises
    ------
    ValueError
        On an unknown measure, ``n_boot`` in ``settings``, a cut not before ``observation_end``,
        no purchase up to the cut, or ``relationships`` not as of the cut (or given with
        ``settings``); and whatever :func:`customer_relationships` rejects.

    Examples
    --------
    >>> import warnings
    >>> rng = np.random.default_rng(1)
    >>> days = rng.integers(0, 700, 400)
    >>> tx = pd.DataFrame({"customer_id": [f"c{i % 60}" for i in range(400)],
    ...                    "order_date": pd.Timestamp("2023-01-01") + pd.to_timedelta(days, "D"),
    ...                    "amount": rng.gamma(4, 10, 400)})
    >>> tx["profit"] = tx["amount"] * 0.3
    >>> with warnings.catch_warnings():  # 60 customers: the fits are flat and say so
    ...     warnings.simplefilter("ignore")
    ...     v = holdout_validity(tx, "2024-03-31")
    >>> list(v.measures.index)
    ['purchases_ahead', 'remaining_life', 'lifetime', 'duration', 'p_alive', 'expected_purchases', 'frequency']
    >>> int(v.groups["customers"].sum()) == len(v.outcome)
    True
    """
    unknown = [m for m in measures if m not in VALIDITY_MEASURES]
    if unknown or not measures:
        raise ValueError(f"measures must be among {list(VALIDITY_MEASURES)}, not {list(measures)!r}")
    if "n_boot" in settings:
        raise ValueError("n_boot is always 0 in holdout_validity (the check needs no value interval)")
    cut = pd.Timestamp(cut)
    dates = pd.to_datetime(transactions["order_date"])
    end = pd.Timestamp(observation_end) if observation_end is not None else dates.max()
    if not cut < end:
        raise ValueError(f"cut ({cut.date()}) must be before observation_end ({end.date()})")
    before = transactions[dates <= cut]
    if before.empty:
        raise ValueError(f"no purchase up to the cut ({cut.date()})")
    if relationships is None:
        rel = customer_relationships(before, observation_end=cut, n_boot=0, **settings)
    else:
        rel = _check_at_cut(relationships, cut, settings)
    unit = rel.settings["time_unit"]
    horizon = rel.settings["duration_horizon"]
    holdout_days = (end - cut).days
    holdout = holdout_days / DAYS_PER_UNIT[unit]

    after = transactions[(dates > cut) & (dates <= end)]
    days_after = (after.assign(day=pd.to_datetime(after["order_date"]).dt.normalize())
                  .groupby("customer_id")["day"].nunique())
    idx = rel.table.index
    outcome = pd.DataFrame({"purchase_days": days_after.reindex(idx).fillna(0).astype(int)}, index=idx)
    outcome.insert(0, "bought", outcome["purchase_days"] > 0)
    outcome["spend"] = after.groupby("customer_id")["amount"].sum().reindex(idx).fillna(0.0)

    table = rel.table
    values = {"lifetime": table["lifetime"], "duration": table["duration"], "p_alive": table["p_alive"],
              "frequency": table["frequency"], "purchases_ahead": table["purchases_ahead"],
              "remaining_life": table["remaining_life"]}
    if "expected_purchases" in measures:
        values["expected_purchases"] = pd.Series(
            np.asarray(rel.lifetime.conditional_expected_purchases(holdout, rel.summary.loc[idx]),
                       dtype=float), index=idx)
    at_bound = {"duration": np.isclose(table["duration"], horizon),
                "lifetime": np.isclose(table["lifetime"] - table["recency"], horizon),
                "remaining_life": table["remaining_life"] >= 0.99 * rel.settings["loyalty_horizon"],
                "purchases_ahead": np.zeros(len(table), dtype=bool)}
    rows = []
    for m in measures:
        x = values[m].astype(float)
        ok = x.notna().to_numpy()
        if not ok.any():  # e.g. remaining_life under the BG/NBD
            continue
        xs, out = x[ok], outcome[ok]
        counts = xs.value_counts()
        rho = stats.spearmanr(xs, out["purchase_days"])
        rows.append({"measure": m, "customers": int(ok.sum()), "auc": auc(xs, out["bought"]),
                     "spearman": float(rho.statistic), "spearman_p": float(rho.pvalue),
                     "tied_share": float(counts.iloc[0] / len(xs)), "tied_value": float(counts.index[0]),
                     "bound_share": float(at_bound[m][ok].mean()) if m in at_bound else np.nan})
    measures_table = pd.DataFrame(rows).set_index("measure")

    grouped = outcome.assign(group=table["group"]).dropna(subset=["group"]).groupby("group")
    n = grouped.size().reindex(GROUPS, fill_value=0)
    active = grouped["bought"].sum().reindex(GROUPS, fill_value=0)
    groups = pd.DataFrame({"customers": n, "share": n / n.sum()})
    with np.errstate(invalid="ignore", divide="ignore"):
        groups["active_share"] = np.where(n > 0, active / n.where(n > 0), np.nan)
    lo, hi = proportion_confint(active.to_numpy(), np.maximum(n.to_numpy(), 1), alpha=alpha,
                                method="wilson")
    groups["active_lower"] = np.where(n > 0, lo, np.nan)
    groups["active_upper"] = np.where(n > 0, hi, np.nan)
    for col in ("purchase_days", "spend"):
        mean, sd = grouped[col].mean().reindex(GROUPS), grouped[col].std().reindex(GROUPS)
        with np.errstate(invalid="ignore", divide="ignore"):
            half = stats.t.ppf(1 - alpha / 2, np.maximum(n - 1, 1)) * sd / np.sqrt(n.where(n > 1))
        groups[col] = mean
        groups[f"{col}_lower"] = mean - half
        groups[f"{col}_upper"] = mean + half
    groups.index.name = "group"
    pcol = rel.settings["profitability"]
    prho = stats.spearmanr(table[pcol].astype(float), outcome["spend"], nan_policy="omit")
    profit = pd.Series({"measure": pcol, "spearman": float(prho.statistic),
                        "spearman_p": float(prho.pvalue)}, name="profitability")
    return HoldoutValidity(measures=measures_table, groups=groups, outcome=outcome, relationships=rel,
                           profit=profit,
                           settings={"cut": cut, "observation_end": end, "holdout_days": holdout_days,
                                     "holdout": holdout, "time_unit": unit})


def _check_at_cut(relationships, cut, settings):
    """``relationships`` when it is a :class:`Relationships` as of ``cut`` and no settings compete."""
    if not isinstance(relationships, Relationships):
        raise TypeError(f"relationships must come from customer_relationships; got "
                        f"{type(relationships).__name__}")
    if settings:
        raise ValueError(f"give either relationships or settings ({sorted(settings)}), not both: the "
                         f"settings of a given fit are its own")
    at = pd.Timestamp(relationships.settings["observation_end"]).normalize()
    if at != pd.Timestamp(cut).normalize():
        raise ValueError(f"relationships are as of {at.date()}, not as of the cut "
                         f"({pd.Timestamp(cut).date()}); fit them with observation_end=cut")
    return relationships


def model_check(transactions, cut, observation_end=None, *, models=("pareto_nbd", "bgnbd"),
                time_unit="W", relationships=None, current=None, max_frequency=7):
    """Each lifetime model fitted up to ``cut`` against the purchases after it (FHL 2005, Figure 5).

    :func:`helpers.clv.calibration_holdout` splits the transactions at ``cut``; each model of
    ``models`` is fitted on the calibration summary and :func:`helpers.clv.holdout_table` compares
    its expected purchases over the holdout with the actual ones. A model already fitted on the same
    calibration period (``relationships``: :func:`customer_relationships` as of ``cut`` in
    ``time_unit``, e.g. the run's shared result) is reused instead of being fitted again: its
    summary up to the cut is the calibration summary, so the fit is the same.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Canonical transactions.
    cut : date-like
        Last day of the calibration period.
    observation_end : date-like, optional
        Last day of the holdout; default the last ``order_date``.
    models : sequence of str, default ("pareto_nbd", "bgnbd")
        Names of :data:`helpers.clv.LIFETIME_MODELS`.
    time_unit : {"D", "W", "M", "Q", "Y"}, default "W"
        Time unit of the fits and of the holdout length.
    relationships : Relationships, optional
        Fitted as of ``cut``; its lifetime model is reused when it is one of ``models`` and was
        fitted in ``time_unit``.
    current : Relationships, optional
        :func:`customer_relationships` as of ``observation_end`` (e.g. the run's shared result).
        With ``relationships`` in the same ``time_unit``, the calibration summary and the holdout
        counts are taken from their two summaries (the same numbers as
        :func:`helpers.clv.calibration_holdout`, without querying the transactions again).
    max_frequency : int, default 7
        Highest calibration-frequency bucket of the tables.

    Returns
    -------
    calibration : pandas.DataFrame
        The calibration summary (``recency``, ``T`` in ``time_unit``).
    holdout : pandas.Series
        Purchases in the holdout per calibration customer (``attrs["new_in_holdout"]``: customers
        first seen in the holdout, left out).
    holdout_length : float
        Length of the holdout in ``time_unit``.
    checks : dict
        Model name -> :func:`helpers.clv.holdout_table`, in the order of ``models``.

    Raises
    ------
    ValueError
        On an unknown model, ``relationships`` not as of ``cut``, or as
        :func:`helpers.clv.calibration_holdout`.

    Examples
    --------
    >>> import warnings
    >>> rng = np.random.default_rng(1)
    >>> days = rng.integers(0, 700, 400)
    >>> tx = pd.DataFrame({"customer_id": [f"c{i % 60}" for i in range(400)],
    ...                    "order_date": pd.Timestamp("2023-01-01") + pd.to_timedelta(days, "D"),
    ...                    "amount": rng.gamma(4, 10, 400)})
    >>> with warnings.catch_warnings():  # 60 customers: the fits are flat and say so
    ...     warnings.simplefilter("ignore")
    ...     cal, hold, length, checks = model_check(tx, "2024-03-31")
    >>> list(checks), bool(len(cal) == checks["bgnbd"].loc["Total", "customers"])
    (['pareto_nbd', 'bgnbd'], True)
    """
    unknown = [m for m in models if m not in clv.LIFETIME_MODELS]
    if unknown or not models:
        raise ValueError(f"models must be among {sorted(clv.LIFETIME_MODELS)}, not {list(models)!r}")
    reuse = {}
    if relationships is not None:
        rel = _check_at_cut(relationships, cut, {})
        if rel.settings["time_unit"] == time_unit:
            reuse[rel.settings["model"]] = rel.lifetime
    end = pd.Timestamp(observation_end if observation_end is not None
                       else transactions["order_date"].max()).normalize()
    if current is not None and relationships is not None and reuse:
        if not isinstance(current, Relationships):
            raise TypeError(f"current must come from customer_relationships; got "
                            f"{type(current).__name__}")
        at = pd.Timestamp(current.settings["observation_end"]).normalize()
        if at != end:
            raise ValueError(f"current is as of {at.date()}, not as of observation_end "
                             f"({end.date()})")
    if current is not None and reuse and current.settings["time_unit"] == time_unit:
        calibration, holdout, length = _split_from(relationships, current, cut, end, time_unit)
    else:
        calibration, holdout, length = clv.calibration_holdout(transactions, cut, end,
                                                               time_unit=time_unit)
    checks = {}
    for name in models:
        fit = reuse.get(name) or clv.LIFETIME_MODELS[name].fit(calibration, time_unit=time_unit)
        checks[name] = clv.holdout_table(calibration, holdout, fit, length,
                                         max_frequency=max_frequency)
    return calibration, holdout, length, checks


def _split_from(at_cut, at_end, cut, end, time_unit):
    """What :func:`helpers.clv.calibration_holdout` gives, from the summaries of two fits."""
    cut = pd.Timestamp(cut).normalize()
    if not cut < end:
        raise ValueError(f"calibration_end ({cut:%Y-%m-%d}) must be before observation_end "
                         f"({end:%Y-%m-%d}); choose an earlier split date")
    cal = at_cut.summary.drop(columns=["repeat_profit"], errors="ignore")
    full = at_end.summary
    holdout = (full["frequency"].reindex(cal.index) - cal["frequency"]).astype("int64")
    holdout.name = "holdout_purchases"
    holdout.attrs["new_in_holdout"] = int((cal.index.get_indexer(full.index) < 0).sum())
    return cal, holdout, (end - cut).days / DAYS_PER_UNIT[time_unit]
