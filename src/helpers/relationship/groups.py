"""Relationship groups (Reinartz & Kumar, 2002): profitability x projected relationship duration.

Reinartz and Kumar found that loyalty and profitability are different axes: many long-lived customers
are not profitable and many profitable ones do not stay. Placing customers on both axes gives four
groups, each with its own strategy (``helpers.frameworks.RELATIONSHIP_GROUPS``):

==============  ==============  =================
profitability   short duration  long duration
==============  ==============  =================
high            Butterflies     True Friends
low             Strangers       Barnacles
==============  ==============  =================

In their work duration is projected by a probabilistic lifetime model of purchase behaviour (the
Pareto/NBD); :func:`projected_duration` does the same with any fitted model of :mod:`helpers.clv`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers import clv
from helpers.frameworks import RELATIONSHIP_GROUPS
from helpers.lifecycle import rfm_summary

__all__ = ["GROUPS", "split_value", "assign_groups", "projected_duration", "group_summary", "migration",
           "group_nps", "customer_relationships", "Relationships", "LOYALTY_MEASURES",
           "PROFIT_MEASURES", "TIE_WARN_SHARE"]

#: Group names in a fixed order (low/short first), as an ordered categorical's categories.
GROUPS = ["Strangers", "Butterflies", "Barnacles", "True Friends"]

_BY_LEVELS = {(g["profitability"], g["duration"]): g["name"] for g in RELATIONSHIP_GROUPS}

#: Share of customers exactly on a split line from which :func:`assign_groups` warns (when they are
#: at least two): they all go to the upper side, so the split no longer divides where it says (e.g. a
#: median of 0 shared by most customers puts nearly everyone on the upper side).
TIE_WARN_SHARE = 0.10


def split_value(values: pd.Series, split, name: str) -> float:
    """Where a split line falls: the median, a quantile written ``"qX"``, or a given value.

    Parameters
    ----------
    values : pandas.Series
        The values to split (missing ones already removed).
    split : None, "median", "qX" or number
        ``None`` and ``"median"`` give the median; ``"q0.75"`` the 75th percentile.
    name : str
        Name of the split in error messages (``"<name>_split"``).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the split cannot be read.

    Examples
    --------
    >>> split_value(pd.Series([1.0, 2.0, 3.0, 4.0, 5.0]), "q0.75", "value")
    4.0
    """
    if split is None or split == "median":
        return float(values.median())
    if isinstance(split, str) and split.startswith("q"):
        try:
            q = float(split[1:])
        except ValueError:
            q = -1
        if not 0 < q < 1:
            raise ValueError(f"{name}_split {split!r}: write a quantile as 'q0.6' (between 0 and 1)")
        return float(values.quantile(q))
    try:
        return float(split)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}_split must be None/'median', a quantile like 'q0.6' or a number, "
                         f"not {split!r}") from exc


def assign_groups(df, *, profit="profit", loyalty="p_alive", profit_split=None, loyalty_split=None):
    """Place each customer in one of the four relationship groups.

    A customer is *high* profit when ``profit >= profit_split`` and *long* duration when
    ``loyalty >= loyalty_split``: values exactly on a split line go to the upper side. When many
    customers share the split value (a heavy tie, at least :data:`TIE_WARN_SHARE` of them), that
    rule moves all of them to the upper side and the split is lopsided: a warning gives the share
    on the line and the share that ends on the upper side (the one value an odd-sized median always
    falls on is not a tie).

    Parameters
    ----------
    df : pandas.DataFrame
        One row per customer with the ``profit`` and ``loyalty`` columns.
    profit : str, default "profit"
        Profitability column: realised profit, or predicted value (e.g. ``clv``).
    loyalty : str, default "p_alive"
        Projected loyalty column: projected duration (see :func:`projected_duration`) or P(alive).
    profit_split, loyalty_split : None, "median", "qX" or float
        Where to split each axis: the median by default (Reinartz & Kumar), a quantile such as
        ``"q0.75"``, or a value in the column's units.

    Returns
    -------
    pandas.DataFrame
        A copy of ``df`` with ``profit_level`` (low/high), ``duration_level`` (short/long) and
        ``group`` (ordered categorical, :data:`GROUPS`). ``attrs["splits"]`` holds the split values.
        Rows with a missing profit or loyalty value get no group (NA), with a warning.

    Raises
    ------
    KeyError
        If a column is missing.
    ValueError
        If a split cannot be read, or no row has both values.

    Warns
    -----
    UserWarning
        When rows lack a value (they get no group), when a heavy tie sits on a split line, or when
        every customer is on one side of a split (the groups collapse).

    Examples
    --------
    >>> d = pd.DataFrame({"profit": [1, 9, 1, 9], "p_alive": [.1, .1, .9, .9]})
    >>> assign_groups(d, profit_split=5, loyalty_split=.5)["group"].tolist()
    ['Strangers', 'Butterflies', 'Barnacles', 'True Friends']
    """
    for col in (profit, loyalty):
        if col not in df.columns:
            raise KeyError(f"column {col!r} not in the table (columns: {list(df.columns)})")
    out = df.copy()
    p = pd.to_numeric(out[profit], errors="coerce")
    loy = pd.to_numeric(out[loyalty], errors="coerce")
    ok = p.notna() & loy.notna()
    if not ok.any():
        raise ValueError(f"no row has both {profit!r} and {loyalty!r}")
    if (~ok).any():
        warnings.warn(f"{int((~ok).sum())} customers have no {profit!r} or {loyalty!r} value and get no "
                      "group (e.g. prospects who never bought)", UserWarning, stacklevel=2)
    ps = split_value(p[ok], profit_split, "profit")
    ls = split_value(loy[ok], loyalty_split, "loyalty")
    high = p >= ps
    long_ = loy >= ls
    out["profit_level"] = pd.Series(np.where(high, "high", "low"), index=out.index).where(ok)
    out["duration_level"] = pd.Series(np.where(long_, "long", "short"), index=out.index).where(ok)
    names = [_BY_LEVELS[(pl, dl)] if isinstance(pl, str) else None
             for pl, dl in zip(out["profit_level"], out["duration_level"])]
    out["group"] = pd.Categorical(names, categories=GROUPS, ordered=True)
    for axis, values, split, level, col in (("profit", p[ok], ps, "high", "profit_level"),
                                            ("duration", loy[ok], ls, "long", "duration_level")):
        name = profit if axis == "profit" else loyalty
        share = (out.loc[ok, col] == level).mean()
        on_line = values == split
        tied = float(on_line.mean())
        heavy = on_line.sum() >= 2 and tied >= TIE_WARN_SHARE  # one row on an odd median is no tie
        tie_note = (f"; {tied:.0%} of customers have {name!r} exactly at the split ({split:g}) and "
                    f"go to the upper side" if heavy else "")
        if share in (0.0, 1.0):
            warnings.warn(f"every customer is on one side of the {axis} split{tie_note}: the groups "
                          "collapse; choose another split or measure", UserWarning, stacklevel=2)
        elif tie_note:
            warnings.warn(f"heavy tie on the {axis} split{tie_note}, so {share:.0%} are {level!r} "
                          "instead of about the share the split aims at; choose a measure with fewer "
                          "ties or another split", UserWarning, stacklevel=2)
    out.attrs["splits"] = {"profit": ps, "loyalty": ls, "profit_col": profit, "loyalty_col": loyalty}
    return out


def projected_duration(model, summary, *, cutoff=0.5, horizon=260, step=1.0, since="now"):
    """Projected relationship duration: when P(alive) falls below ``cutoff`` without a new purchase.

    P(alive) of a lifetime model falls as time passes without a purchase. With ``since="now"`` the
    result is the remaining duration: the first future time at which P(alive) drops under
    ``cutoff`` (0 when it is already below). With ``since="first_purchase"`` it is the whole
    projected lifetime, as Reinartz & Kumar (2000) measured it: from the first purchase to the moment
    P(alive) fell, or will fall, under the cut-off, searched from the last purchase on. That moment
    can lie in the past (a customer who has been gone for a while) or in the future, so the measure
    has no pile of ties at zero and compares old and young customers on one scale. Customers still
    above the cut-off at ``horizon`` past the search start get that bound and ``censored = True``.

    Parameters
    ----------
    model : object
        A fitted lifetime model with ``p_alive(frame)`` taking a table of ``frequency``, ``recency``
        and ``T`` (e.g. :func:`helpers.clv.fit_pareto_nbd`'s result).
    summary : pandas.DataFrame
        One row per customer with ``frequency``, ``recency``, ``T`` in the model's time unit.
    cutoff : float, default 0.5
        P(alive) below which a customer counts as gone.
    horizon : float, default 260
        Longest projection, in the model's time unit (260 weeks = 5 years).
    step : float, default 1
        Grid step, in the model's time unit.
    since : {"now", "first_purchase"}, default "now"
        Remaining duration from the observation end, or whole projected lifetime from the first
        purchase (the search then starts at the last purchase).

    Returns
    -------
    pandas.DataFrame
        Index as ``summary``; ``p_alive_now``, ``duration`` (in model units; with ``since="now"`` 0
        when P(alive) is already below the cut-off) and ``censored`` (bool).

    Raises
    ------
    ValueError
        If ``cutoff`` is not in (0, 1), ``horizon``/``step`` are not positive or ``since`` is
        unknown.

    Examples
    --------
    >>> class Exp:  # P(alive) = exp(-(T - recency) / 10)
    ...     def p_alive(self, f):
    ...         return np.exp(-(f["T"] - f["recency"]) / 10)
    >>> s = pd.DataFrame({"frequency": [1], "recency": [5.0], "T": [5.0]})
    >>> float(projected_duration(Exp(), s, cutoff=0.5, step=0.5)["duration"].iloc[0])
    7.0
    >>> float(projected_duration(Exp(), s, cutoff=0.5, step=0.5, since="first_purchase")["duration"].iloc[0])
    12.0
    """
    if not 0 < cutoff < 1:
        raise ValueError(f"cutoff must be between 0 and 1, not {cutoff}")
    if horizon <= 0 or step <= 0:
        raise ValueError("horizon and step must be positive")
    if since not in ("now", "first_purchase"):
        raise ValueError(f"since must be 'now' or 'first_purchase', not {since!r}")
    grid = np.arange(0.0, horizon + step / 2, step)
    base = summary[["frequency", "recency", "T"]].astype(float)
    n = len(base)
    first_below = np.full(n, np.nan)
    now = np.asarray(model.p_alive(base), dtype=float)
    start = base["T"] if since == "now" else base["recency"]
    for tau in grid:  # loop over time points (a few hundred), vectorised over customers
        frame = base.assign(T=start + tau)
        below = np.asarray(model.p_alive(frame), dtype=float) < cutoff
        newly = below & np.isnan(first_below)
        first_below[newly] = tau
        if not np.isnan(first_below).any():
            break
    censored = np.isnan(first_below)
    duration = np.where(censored, horizon, first_below)
    if since == "first_purchase":
        duration = duration + base["recency"].to_numpy()
    return pd.DataFrame({"p_alive_now": now, "duration": duration, "censored": censored},
                        index=summary.index)


def group_summary(df, *, group="group", profit="profit", value=None, interval=None):
    """Count, share and profit share per relationship group.

    Parameters
    ----------
    df : pandas.DataFrame
        Output of :func:`assign_groups`.
    group, profit : str
        Column names.
    value : str, optional
        A predicted-value column (e.g. ``clv``) to total as "value at stake".
    interval : pandas.DataFrame, optional
        The interval of each group's value: columns ``lower`` and ``upper`` indexed by group, e.g.
        ``CustomerValue.by_group`` of :func:`helpers.clv.customer_value` called with
        ``by=df[group]`` (per-customer bounds cannot simply be summed).

    Returns
    -------
    pandas.DataFrame
        One row per group in :data:`GROUPS` order: customers, share, profit, profit_share,
        mean_profit, strategy (and value, value_share when ``value`` is given; value_lower,
        value_upper when ``interval`` is given).

    Examples
    --------
    >>> d = assign_groups(pd.DataFrame({"profit": [1, 9, 1, 9], "p_alive": [.1, .1, .9, .9]}),
    ...                   profit_split=5, loyalty_split=.5)
    >>> group_summary(d)["customers"].tolist()
    [1, 1, 1, 1]
    """
    g = df.groupby(group, observed=False)
    out = pd.DataFrame({"customers": g.size(), "profit": g[profit].sum()})
    out["share"] = out["customers"] / out["customers"].sum()
    out["profit_share"] = out["profit"] / out["profit"].sum()
    out["mean_profit"] = out["profit"] / out["customers"].replace(0, np.nan)
    if value is not None:
        out["value"] = g[value].sum()
        out["value_share"] = out["value"] / out["value"].sum()
    if interval is not None:
        if value is None:
            raise ValueError("interval needs value: name the value column it belongs to")
        missing = [c for c in ("lower", "upper") if c not in interval.columns]
        if missing:
            raise ValueError(f"interval lacks column(s) {missing}; pass CustomerValue.by_group")
        iv = interval.set_axis(interval.index.astype(str))
        out["value_lower"] = iv["lower"].reindex(out.index.astype(str)).to_numpy()
        out["value_upper"] = iv["upper"].reindex(out.index.astype(str)).to_numpy()
    strategy = {gr["name"]: gr["strategy"] for gr in RELATIONSHIP_GROUPS}
    out["strategy"] = [strategy[i] for i in out.index]
    out.index = pd.CategoricalIndex(out.index, categories=GROUPS, ordered=True, name="group")
    return out.reindex(GROUPS)


def migration(before, after, *, normalize=True):
    """Group migration between two snapshots: rows = group before, columns = group now.

    Parameters
    ----------
    before, after : pandas.Series
        Group per customer (index = customer_id) at the earlier and the later date. Customers missing
        from ``before`` (new since) appear in a row ``"(new)"``; missing from ``after``, in a column
        ``"(no group)"``.
    normalize : bool, default True
        Also return row shares.

    Returns
    -------
    counts : pandas.DataFrame
    shares : pandas.DataFrame
        Row shares (each row sums to 1); only when ``normalize``.

    Examples
    --------
    >>> b = pd.Series(["Strangers", "True Friends"], index=["a", "b"])
    >>> a = pd.Series(["Strangers", "Barnacles", "Butterflies"], index=["a", "b", "c"])
    >>> counts, shares = migration(b, a)
    >>> int(counts.loc["(new)", "Butterflies"])
    1
    """
    idx = before.index.union(after.index)
    b = before.reindex(idx).astype("object").fillna("(new)")
    a = after.reindex(idx).astype("object").fillna("(no group)")
    rows = [g for g in GROUPS + ["(new)"] if (b == g).any()]
    cols = [g for g in GROUPS + ["(no group)"] if (a == g).any()]
    counts = pd.crosstab(b, a).reindex(index=rows, columns=cols, fill_value=0)
    counts.index.name, counts.columns.name = "group before", "group now"
    if not normalize:
        return counts
    shares = counts.div(counts.sum(axis=1), axis=0)
    return counts, shares


def group_nps(survey, groups, *, as_of=None, latest=True, alpha=0.05):
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
    as_of : date-like, optional
        Only answers given on or before this date.
    latest : bool, default True
        Keep each customer's latest answer only.
    alpha : float, default 0.05
        1 - confidence level.

    Returns
    -------
    pandas.DataFrame
        Columns of :func:`helpers.nps.compare_segments` with ``group`` first (``segment`` renamed).
        ``attrs``: ``answers`` (all), ``linked`` (answers with a customer id, up to ``as_of``),
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
    if as_of is not None:
        sv = sv[sv["response_date"] <= pd.Timestamp(as_of)]
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


# ---------------------------------------------------------------------------------------------------
# From transactions to groups in one call
# ---------------------------------------------------------------------------------------------------
#: Loyalty measures :func:`customer_relationships` offers (column of its table -> meaning).
LOYALTY_MEASURES = {
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
_MODELS = {"pareto_nbd": clv.fit_pareto_nbd, "bgnbd": clv.fit_bgnbd}


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
        Predicted value per customer and in total, with bootstrap intervals.
    summary : pandas.DataFrame
        The customer summary the models were fitted on (``recency`` and ``T`` in ``time_unit``).
    settings : dict
        Every choice made: model, time unit, measures, cut-off, horizons, splits.
    groups : pandas.DataFrame
        :func:`group_summary` of the table: customers, realised profit and predicted value per group,
        the value with its bootstrap interval (``value_lower``, ``value_upper``; NaN when
        ``n_boot`` is 0) and the strategy.
    """

    table: pd.DataFrame
    lifetime: object
    spend: object
    value: object
    summary: pd.DataFrame
    settings: dict
    groups: pd.DataFrame | None = None


def customer_relationships(transactions, as_of=None, *, model="pareto_nbd", time_unit="W",
                           loyalty="lifetime", profitability="profit_per_order", cutoff=0.5,
                           duration_horizon=260, value_horizon=52, annual_discount_rate=0.10,
                           n_boot=200, profit_split=None, loyalty_split=None, seed=0):
    """Relationship group of every customer, from transactions: fit, project, value, place.

    Steps: :func:`helpers.lifecycle.rfm_summary` up to ``as_of`` (days, converted to ``time_unit``);
    a lifetime model (Pareto/NBD by default, the model Reinartz & Kumar used; or BG/NBD); the
    Gamma-Gamma spend model; :func:`projected_duration`; :func:`helpers.clv.customer_value` (expected
    discounted profit with a parametric-bootstrap interval); :func:`assign_groups`.

    Margin: each customer's realised profit / revenue ratio is applied to the repeat-purchase spend
    (customers with revenue <= 0 get the overall ratio), so the value is profit, not revenue.

    Defaults, measured on the bundled sample (whose planted customer types are known): the
    Pareto/NBD, because BG/NBD's P(alive) is 1 for every one-time buyer, which ranks them as the
    most loyal (its loyalty measures correlate negatively with the planted lifetimes there);
    ``loyalty="lifetime"`` rather than the remaining ``"duration"`` (whose median is 0 on the
    sample: most customers tie on the split line and the groups collapse) or ``"p_alive"`` (whether
    the customer is alive now, not how long the relationship lasts); ``"profit_per_order"`` rather
    than total profit, which grows with the length of the relationship and so mixes the two axes.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Canonical transactions (``profit`` column as the loaders add it).
    as_of : date-like, optional
        Observation end (included); default the last ``order_date``.
    model : {"pareto_nbd", "bgnbd"}, default "pareto_nbd"
        Lifetime model.
    time_unit : {"D", "W", "M"}, default "W"
        Unit of the model's time axis, of ``duration`` and of the horizons.
    loyalty : {"lifetime", "duration", "p_alive"}, default "lifetime"
        Loyalty axis (see :data:`LOYALTY_MEASURES`).
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

    Returns
    -------
    Relationships
        ``table`` columns: ``frequency``, ``recency``, ``T`` (model units), ``monetary_value``,
        ``n_orders``, ``revenue``, ``profit``, ``profit_per_order``, ``p_alive``, ``lifetime``,
        ``duration``, ``censored``, ``expected_purchases`` (over ``value_horizon``), ``clv``,
        ``clv_lower``, ``clv_upper``, ``profit_level``, ``duration_level``, ``group``.
        ``groups``: :func:`group_summary` with the value at stake per group and its interval.

    Raises
    ------
    ValueError
        On an unknown model, measure or time unit, or inputs the joined functions reject.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> days = rng.integers(0, 700, 400)
    >>> tx = pd.DataFrame({"customer_id": [f"c{i % 60}" for i in range(400)],
    ...                    "order_date": pd.Timestamp("2023-01-01") + pd.to_timedelta(days, "D"),
    ...                    "amount": rng.gamma(4, 10, 400)})
    >>> tx["profit"] = tx["amount"] * 0.3
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     rel = customer_relationships(tx, n_boot=0)
    >>> len(rel.table), sorted(rel.table["group"].dropna().unique())[:1]
    (60, ['Barnacles'])
    >>> int(rel.groups["customers"].sum())
    60
    """
    if model not in _MODELS:
        raise ValueError(f"model must be one of {sorted(_MODELS)}, not {model!r}")
    if loyalty not in LOYALTY_MEASURES:
        raise ValueError(f"loyalty must be one of {list(LOYALTY_MEASURES)}, not {loyalty!r}")
    if profitability not in PROFIT_MEASURES:
        raise ValueError(f"profitability must be one of {list(PROFIT_MEASURES)}, not {profitability!r}")
    if not 0 < cutoff < 1:
        raise ValueError(f"cutoff must be between 0 and 1, not {cutoff}")
    if not isinstance(transactions, pd.DataFrame) or "profit" not in transactions.columns:
        raise ValueError("transactions need a 'profit' column (helpers.data.load_transactions adds it: "
                         "margin, else amount x margin_rate)")
    clv._check_unit(time_unit)
    summary_days = rfm_summary(transactions, observation_end=as_of)
    summary = clv.convert_time_unit(summary_days, "D", time_unit)
    overall = summary["profit"].sum() / summary["revenue"].sum()
    ratio = (summary["profit"] / summary["revenue"]).where(summary["revenue"] > 0, overall)
    summary["repeat_profit"] = summary["monetary_value"] * ratio
    lifetime = _MODELS[model](summary, time_unit=time_unit)
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
    table = assign_groups(table, profit=profitability, loyalty=loyalty, profit_split=profit_split,
                          loyalty_split=loyalty_split)
    splits = table.attrs["splits"]
    table.attrs = {}
    # the interval of each group's value comes from the same draws as the customers' intervals
    value = clv.customer_value(summary, lifetime, spend, n_boot=n_boot, by=table["group"], **value_kw)
    vt = value.table.reindex(table.index)
    table.insert(table.columns.get_loc("clv") + 1, "clv_lower", vt["clv_lower"])
    table.insert(table.columns.get_loc("clv") + 2, "clv_upper", vt["clv_upper"])
    settings = {"model": model, "time_unit": time_unit, "loyalty": loyalty,
                "profitability": profitability, "cutoff": cutoff, "duration_horizon": duration_horizon,
                "value_horizon": value_horizon, "annual_discount_rate": annual_discount_rate,
                "n_boot": n_boot, "seed": seed, "splits": splits,
                "as_of": pd.Timestamp(as_of) if as_of is not None else transactions["order_date"].max()}
    table = table.sort_index()
    groups = group_summary(table, profit="profit", value="clv", interval=value.by_group)
    return Relationships(table=table, lifetime=lifetime, spend=spend, value=value,
                         summary=summary, settings=settings, groups=groups)
