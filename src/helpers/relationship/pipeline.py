"""From transactions to relationship groups in one call: fit, project, value, place.

:func:`customer_relationships` joins :func:`helpers.lifecycle.rfm_summary`, a lifetime model and the
Gamma-Gamma spend model of :mod:`helpers.clv`, :func:`~helpers.relationship.duration.projected_duration`,
:func:`helpers.clv.customer_value` and :func:`~helpers.relationship.groups.assign_groups`; the
measures it offers on each axis are :data:`LOYALTY_MEASURES` and :data:`PROFIT_MEASURES`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import warnings

import numpy as np
import pandas as pd

from helpers import clv
from helpers.clv.base import _check_unit, _summary_arrays, _triples
from helpers.lifecycle import rfm_summary
from helpers.relationship.duration import projected_duration
from helpers.relationship.groups import (BORDERLINE_BELOW, GROUPS, assign_groups, group_probabilities,
                                         group_summary)

__all__ = ["LOYALTY_MEASURES", "PROFIT_MEASURES", "Relationships", "customer_relationships"]

#: Loyalty measures :func:`customer_relationships` offers (column of its table -> meaning).
LOYALTY_MEASURES = {
    "purchases_ahead": "expected purchases within the loyalty horizon given the customer's history "
                       "(the lifetime model's conditional expectation)",
    "remaining_life": "expected time still alive within the loyalty horizon: P(alive) x expected "
                      "remaining lifetime, capped at the horizon (Pareto/NBD)",
    "lifetime": "projected relationship duration from the first purchase until P(alive) falls below "
                "the cut-off (Reinartz & Kumar)",
    "duration": "projected remaining duration from the observation end until P(alive) falls below "
                "the cut-off",
    "p_alive": "probability that the customer is still active at the observation end",
}
#: Profitability measures :func:`customer_relationships` offers (column of its table -> meaning).
PROFIT_MEASURES = {
    "profit_per_order": "realised profit per order to date",
    "profit": "realised profit to date",
    "clv": "predicted discounted profit over the value horizon",
}


@dataclass
class Relationships:
    """Result of :func:`customer_relationships`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per customer with a purchase (index ``customer_id``, sorted); see
        :func:`customer_relationships`.
    lifetime : helpers.clv.LifetimeFit
        The fitted lifetime model (``summary_table()`` gives parameters with intervals).
    spend : helpers.clv.SpendFit
        The fitted Gamma-Gamma spend model.
    value : helpers.clv.CustomerValue
        Predicted value per customer and in total, with bootstrap intervals, and the parameter
        draws (``value.draws``). The per-customer draws that place customers in groups draw by
        draw (``customer_draws``, ``purchases_ahead_draws``; customers x draws numbers) are not
        kept: their use is ``group_probabilities``.
    summary : pandas.DataFrame
        The customer summary the models were fitted on (``recency`` and ``T`` in ``time_unit``).
    settings : dict
        Every choice made: model, time unit, measures, cut-off, horizons, splits, bootstrap size
        and seed, and the ``observation_end`` used; the loyalty horizon against the data's span
        (``extrapolation``) and the share of customers at a projection bound (``at_bound``).
    groups : pandas.DataFrame
        :func:`group_summary` of the table: customers, realised profit and predicted value per group,
        the value with its bootstrap interval (``value_lower``, ``value_upper``; NaN when
        ``n_boot`` is 0), the borderline customers and the strategy.
    group_probabilities : pandas.DataFrame or None
        Per customer, the share of the parameter draws placing her in each group (NaN without
        draws).
    """

    table: pd.DataFrame
    lifetime: object
    spend: object
    value: object
    summary: pd.DataFrame
    settings: dict
    groups: pd.DataFrame | None = None
    group_probabilities: pd.DataFrame | None = None


def customer_relationships(transactions, observation_end=None, *, model="pareto_nbd", time_unit="W",
                           loyalty="purchases_ahead", profitability="profit_per_order", cutoff=0.5,
                           duration_horizon=260, value_horizon=52, annual_discount_rate=0.10,
                           n_boot=200, profit_split=None, loyalty_split=None, seed=0,
                           loyalty_horizon=None, borderline=BORDERLINE_BELOW):
    """Relationship group of every customer, from transactions: fit, project, value, place.

    Steps: :func:`helpers.lifecycle.rfm_summary` up to ``observation_end`` (days, converted to ``time_unit``);
    a lifetime model (Pareto/NBD by default, the model Reinartz & Kumar used; or BG/NBD); the
    Gamma-Gamma spend model; :func:`projected_duration`; :func:`helpers.clv.customer_value` (expected
    discounted profit with a parametric-bootstrap interval); :func:`assign_groups`.

    Margin: each customer's realised profit / revenue ratio is applied to the repeat-purchase spend
    (customers with revenue <= 0 get the overall ratio), so the value is profit, not revenue.

    Defaults, chosen by a holdout check (:func:`~helpers.relationship.validity.holdout_validity`,
    ``benchmarks/bench_groups.py``) on the bundled sample and both CDNOW files: the Pareto/NBD,
    because BG/NBD's P(alive) is 1 for every one-time buyer, which ranks them as the most loyal;
    ``loyalty="purchases_ahead"`` over a ``loyalty_horizon`` as long as the data, whose AUC for
    "bought after the cut" was 0.919 / 0.779 / 0.769 against 0.763 / 0.758 / 0.753 for the plain
    purchase count, 0.916 / 0.726 / 0.722 for ``"remaining_life"`` and 0.760 / 0.737 / 0.736 for
    ``"lifetime"`` (which ties all one-time buyers on one value: 60% of CDNOW's customers); with it
    True Friends and Barnacles bought again far more often than Butterflies and Strangers on all
    three; ``"profit_per_order"`` rather than total profit, which grows with the length of the
    relationship and so mixes the two axes.

    How sure each group is: from the same parameter draws as the value interval, each customer's
    loyalty (and, for ``profitability="clv"``, value) is recomputed per draw and the split rule
    applied again; ``group_probability`` is the share of draws placing her in her group and
    ``borderline`` marks a share under ``borderline``. The draws carry the model's parameter
    uncertainty only.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Canonical transactions (``profit`` column as the loaders add it).
    observation_end : date-like, optional
        The "as of" date (included); default the last ``order_date``.
    model : {"pareto_nbd", "bgnbd"}, default "pareto_nbd"
        Lifetime model (a name of :data:`helpers.clv.LIFETIME_MODELS`).
    time_unit : {"D", "W", "M"}, default "W"
        Unit of the model's time axis, of ``duration`` and of the horizons.
    loyalty : {"purchases_ahead", "remaining_life", "lifetime", "duration", "p_alive"}, default "purchases_ahead"
        Loyalty axis (see :data:`LOYALTY_MEASURES`); ``"remaining_life"`` needs the Pareto/NBD.
    profitability : {"profit_per_order", "profit", "clv"}, default "profit_per_order"
        Profitability axis (see :data:`PROFIT_MEASURES`).
    cutoff : float, default 0.5
        P(alive) below which a customer counts as gone.
    duration_horizon : float, default 260
        Longest projection of the duration, in ``time_unit``.
    value_horizon : int, default 52
        Horizon of the predicted value, in ``time_unit``.
    annual_discount_rate : float, default 0.10
        Discount rate of the predicted value.
    n_boot : int, default 200
        Bootstrap draws for the value interval (0 skips it).
    profit_split, loyalty_split : None, "median", "qX" or float
        Split lines (see :func:`assign_groups`).
    seed : int, default 0
        Seed of the bootstrap.
    loyalty_horizon : float, optional
        Horizon of ``purchases_ahead`` and ``remaining_life``, in ``time_unit``; default the span of
        the data (the longest ``T``). A longer horizon warns that the axis is an extrapolation.
    borderline : float, default :data:`~helpers.relationship.groups.BORDERLINE_BELOW`
        Group probability under which a customer is ``borderline``.

    Returns
    -------
    Relationships
        ``table`` columns: ``frequency``, ``recency``, ``T`` (model units), ``monetary_value``,
        ``n_orders``, ``revenue``, ``profit``, ``profit_per_order``, ``p_alive``, ``lifetime``,
        ``duration``, ``censored``, ``expected_purchases`` (over ``value_horizon``), ``clv``,
        ``clv_lower``, ``clv_upper``, ``purchases_ahead``, ``remaining_life`` (over
        ``loyalty_horizon``; NaN under the BG/NBD), ``profit_level``, ``duration_level``, ``group``,
        ``group_probability`` and ``borderline`` (NaN / NA when ``n_boot`` is 0).
        ``groups``: :func:`group_summary` with the predicted profit per group and its interval, and
        the number of ``borderline`` customers. ``group_probabilities``: each customer's
        probability of each group. ``settings`` adds ``loyalty_horizon``, ``data_span``,
        ``extrapolation`` and ``at_bound`` (share of customers at a projection bound).

    Raises
    ------
    ValueError
        On an unknown model, measure or time unit, or inputs the joined functions reject.

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> days = rng.integers(0, 700, 400)
    >>> tx = pd.DataFrame({"customer_id": [f"c{i % 60}" for i in range(400)],
    ...                    "order_date": pd.Timestamp("2023-01-01") + pd.to_timedelta(days, "D"),
    ...                    "amount": rng.gamma(4, 10, 400)})
    >>> tx["profit"] = tx["amount"] * 0.3
    >>> with warnings.catch_warnings():  # 60 customers: the fits are flat and say so
    ...     warnings.filterwarnings("ignore", r"(Pareto/NBD|Gamma-Gamma): ", UserWarning)
    ...     rel = customer_relationships(tx, n_boot=0)
    >>> len(rel.table), sorted(rel.table["group"].dropna().unique())[:1]
    (60, ['Barnacles'])
    >>> int(rel.groups["customers"].sum())
    60
    """
    if model not in clv.LIFETIME_MODELS:
        raise ValueError(f"model must be one of {sorted(clv.LIFETIME_MODELS)}, not {model!r}")
    if loyalty not in LOYALTY_MEASURES:
        raise ValueError(f"loyalty must be one of {list(LOYALTY_MEASURES)}, not {loyalty!r}")
    if profitability not in PROFIT_MEASURES:
        raise ValueError(f"profitability must be one of {list(PROFIT_MEASURES)}, not {profitability!r}")
    if not 0 < cutoff < 1:
        raise ValueError(f"cutoff must be between 0 and 1, not {cutoff}")
    if not isinstance(transactions, pd.DataFrame) or "profit" not in transactions.columns:
        raise ValueError("transactions need a 'profit' column (helpers.data.load_transactions adds it: "
                         "margin, else amount x margin_rate)")
    _check_unit(time_unit)
    summary_days = rfm_summary(transactions, observation_end=observation_end)
    summary = clv.convert_time_unit(summary_days, "D", time_unit)
    overall = summary["profit"].sum() / summary["revenue"].sum()
    ratio = (summary["profit"] / summary["revenue"]).where(summary["revenue"] > 0, overall)
    summary["repeat_profit"] = summary["monetary_value"] * ratio
    lifetime = clv.LIFETIME_MODELS[model].fit(summary, time_unit=time_unit)
    spend = clv.fit_gamma_gamma(summary)
    value_kw = dict(horizon=value_horizon, time_unit=time_unit,
                    annual_discount_rate=annual_discount_rate, profit_col="repeat_profit", seed=seed)
    point = clv.customer_value(summary, lifetime, spend, n_boot=0, **value_kw)
    now = projected_duration(lifetime, summary, cutoff=cutoff, horizon=duration_horizon)
    whole = projected_duration(lifetime, summary, cutoff=cutoff, horizon=duration_horizon,
                               since="first_purchase")
    table = summary[["frequency", "recency", "T", "monetary_value", "n_orders", "revenue", "profit"]].copy()
    table["profit_per_order"] = table["profit"] / table["n_orders"]
    table["p_alive"] = now["p_alive_now"]
    table["lifetime"] = whole["duration"]
    table["duration"] = now["duration"]
    table["censored"] = now["censored"]
    for col in ("expected_purchases", "clv"):
        table[col] = point.table[col].reindex(table.index)
    span = float(summary["T"].max())
    horizon = span if loyalty_horizon is None else float(loyalty_horizon)
    extrapolation = horizon > span * (1 + 1e-9)
    if extrapolation:
        warnings.warn(f"loyalty_horizon = {horizon:g} {time_unit} is longer than the data "
                      f"({span:.0f} {time_unit}): the loyalty axis is an extrapolation",
                      UserWarning, stacklevel=2)
    x, tx, T = _summary_arrays(summary)
    ux, utx, uT, inv = _triples(x, tx, T)
    spec, lp = lifetime.spec, lifetime.params.to_numpy()
    table["purchases_ahead"] = spec.conditional_expectation(lp, ux, utx, uT, horizon)[inv]
    table["remaining_life"] = _remaining_life(spec, lp, ux, utx, uT, horizon, inv, loyalty)
    table = assign_groups(table, profit=profitability, loyalty=loyalty, profit_split=profit_split,
                          loyalty_split=loyalty_split)
    splits = table.attrs["splits"]
    table.attrs = {}
    # the interval of each group's value comes from the same draws as the customers' intervals
    # purchases_ahead per draw comes from the same evaluation of P(alive) per draw as the value
    value = clv.customer_value(summary, lifetime, spend, n_boot=n_boot, by=table["group"],
                               keep_customer_draws=n_boot > 0 and profitability == "clv",
                               purchases_ahead=horizon if loyalty == "purchases_ahead" else None,
                               **value_kw)
    vt = value.table.reindex(table.index)
    table.insert(table.columns.get_loc("clv") + 1, "clv_lower", vt["clv_lower"])
    table.insert(table.columns.get_loc("clv") + 2, "clv_upper", vt["clv_upper"])
    # how sure each group is: the share of the same parameter draws that place the customer there
    probs = pd.DataFrame(np.nan, index=table.index, columns=GROUPS)
    if n_boot > 0:
        loy_draws, loy_rows = value.purchases_ahead_unique, value.purchases_ahead_rows
        if loy_draws is None:
            lt_draws = value.draws["lifetime"].to_numpy()
            loy_draws = np.empty((len(table), n_boot), dtype=np.float32)
            with np.errstate(all="ignore"):
                for j, th in enumerate(lt_draws):
                    loy_draws[:, j] = _loyalty_of(loyalty, spec, th, summary, ux, utx, uT, inv,
                                                  horizon, cutoff, duration_horizon)
        prof = (value.customer_draws if profitability == "clv"
                else table[profitability].to_numpy(dtype=float))
        probs = group_probabilities(prof, loy_draws, profit_split=profit_split,
                                    loyalty_split=loyalty_split, index=table.index,
                                    loyalty_rows=loy_rows)
    # used: not kept (a million customers x 200 draws is 800 MB in every process that reads it)
    value = dataclasses.replace(value, customer_draws=None, purchases_ahead_unique=None,
                                purchases_ahead_rows=None)
    codes = table["group"].cat.codes.to_numpy()
    gp = np.where(codes >= 0, probs.to_numpy()[np.arange(len(table)), np.maximum(codes, 0)], np.nan)
    table["group_probability"] = gp
    table["borderline"] = pd.array(np.where(np.isnan(gp), None, gp < borderline), dtype="boolean")
    at_bound = {"lifetime": table["censored"], "duration": table["censored"],
                "remaining_life": table["remaining_life"] >= 0.99 * horizon}.get(loyalty)
    settings = {"model": model, "time_unit": time_unit, "loyalty": loyalty,
                "profitability": profitability, "cutoff": cutoff, "duration_horizon": duration_horizon,
                "value_horizon": value_horizon, "annual_discount_rate": annual_discount_rate,
                "n_boot": n_boot, "seed": seed, "splits": splits,
                "loyalty_horizon": horizon, "data_span": span, "extrapolation": bool(extrapolation),
                "at_bound": float(at_bound.mean()) if at_bound is not None else 0.0,
                "borderline": borderline,
                "observation_end": (pd.Timestamp(observation_end) if observation_end is not None
                                    else transactions["order_date"].max())}
    table = table.sort_index()
    groups = group_summary(table, profit="profit", value="clv", interval=value.by_group)
    groups.insert(groups.columns.get_loc("share") + 1, "borderline",
                  table.groupby("group", observed=False)["borderline"].sum().reindex(GROUPS).to_numpy())
    return Relationships(table=table, lifetime=lifetime, spend=spend, value=value,
                         summary=summary, settings=settings, groups=groups,
                         group_probabilities=probs.sort_index())


def _remaining_life(spec, params, ux, utx, uT, horizon, inv, loyalty):
    """Remaining life per customer, NaN (or an error when it is the chosen axis) without a closed form."""
    try:
        return spec.remaining_life(params, ux, utx, uT, horizon)[inv]
    except NotImplementedError:
        if loyalty == "remaining_life":
            raise ValueError(f"loyalty='remaining_life' needs the Pareto/NBD (no closed form for the "
                             f"{spec.label}); use loyalty='purchases_ahead'") from None
        return np.full(len(inv), np.nan)


class _DrawModel:
    """A lifetime model at one parameter draw, for :func:`projected_duration`."""

    def __init__(self, spec, params):
        self.spec, self.params = spec, params

    def p_alive(self, frame):
        return self.spec.p_alive(self.params, frame["frequency"].to_numpy(), frame["recency"].to_numpy(),
                                 frame["T"].to_numpy())


def _loyalty_of(loyalty, spec, th, summary, ux, utx, uT, inv, horizon, cutoff, duration_horizon):
    """The loyalty measure of every customer under the parameters ``th`` (one draw)."""
    if loyalty == "purchases_ahead":
        return spec.conditional_expectation(th, ux, utx, uT, horizon)[inv]
    if loyalty == "remaining_life":
        return spec.remaining_life(th, ux, utx, uT, horizon)[inv]
    if loyalty == "p_alive":
        return spec.p_alive(th, ux, utx, uT)[inv]
    since = "first_purchase" if loyalty == "lifetime" else "now"
    return projected_duration(_DrawModel(spec, th), summary, cutoff=cutoff, horizon=duration_horizon,
                              since=since)["duration"].to_numpy()
