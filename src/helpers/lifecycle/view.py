"""One row per customer with every lifecycle view joined (:func:`customer_lifecycle`), and customers
and revenue per stage, RFM segment or ladder rung (:func:`stage_summary`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers import frameworks
from helpers.lifecycle._transactions import _day_ts, _end_day, _positions, _prepare
from helpers.lifecycle.ladder import _ladder_from_stages, _validated_ladder
from helpers.lifecycle.rfm import rfm_scores, rfm_segments, rfm_summary
from helpers.lifecycle.stages import STAGES, lifecycle_stage  # noqa: F401 (examples)

#: Days of the "last 12 months" window of ``revenue_12m`` in :func:`customer_lifecycle`.
RECENT_DAYS = 365


def customer_lifecycle(transactions, observation_end=None, customers=None, survey=None, *,
                       thresholds=None, stage_rules=None, rfm_rules=None, ladder_rules=None,
                       promoter_min=9):
    """Where every known customer stands as of a date: stage, ladder rung and RFM segment in one table.

    Joins :func:`lifecycle_stage`, :func:`loyalty_ladder`, :func:`rfm_summary`, :func:`rfm_scores`
    and :func:`rfm_segments` on ``customer_id``. Customers known only from ``customers`` (prospects)
    get a row with a stage and a rung but no RFM values (``<NA>``): RFM needs a purchase. Every
    customer with a row up to ``observation_end`` in ``transactions`` or known by then from ``customers``
    appears exactly once. Warnings of the joined functions (e.g. the F-score tie note of
    :func:`rfm_scores`) pass through.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Canonical transactions.
    observation_end : date-like, optional
        Snapshot date (included). Default: the last ``order_date``.
    customers : pandas.DataFrame, optional
        Known customers (adds prospects, signup dates and referrals).
    survey : pandas.DataFrame, optional
        NPS answers linked by ``customer_id`` (promoters can be advocates on the ladder).
    thresholds : dict, optional
        Stage windows in days (see :func:`stage_thresholds`); default from the data.
    stage_rules : list of dict, optional
        Stage rules (default :data:`helpers.lifecycle.stages.STAGE_RULES`).
    rfm_rules : list of dict, optional
        RFM segment rules (default :data:`helpers.frameworks.RFM_SEGMENTS`).
    ladder_rules : list of dict, optional
        Ladder rules (default :data:`helpers.frameworks.LOYALTY_LADDER`).
    promoter_min : int, default 9
        Lowest score that counts as a promoter.

    Returns
    -------
    pandas.DataFrame
        One row per known customer, indexed by ``customer_id`` (sorted): ``stage`` and
        ``ladder_step`` (ordered categoricals), ``rfm_segment`` (categorical, <NA> for prospects),
        ``R``, ``F``, ``M`` (Int64 1..5, <NA> for prospects), ``RFM`` (e.g. ``"545"``),
        ``first_purchase``, ``last_purchase`` (NaT for prospects), ``days_since_last`` (Int64),
        ``n_orders``, ``n_purchase_days`` (int, 0 for prospects), ``revenue`` and ``profit`` (net
        sums of all rows up to ``observation_end``, refunds included, so they add up to the transactions'
        totals; 0 for customers without rows; ``profit`` is NaN throughout when the transactions
        have no ``profit`` column), ``revenue_12m`` (net revenue of the 365 days up to and including
        ``observation_end``), ``promoter`` (bool), ``referrals`` (int). ``attrs``:
        ``observation_end`` (also under its former key ``as_of``) and ``thresholds``.

    Raises
    ------
    ValueError, TypeError
        On malformed inputs (see the joined functions).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"],
    ...     "order_date": pd.to_datetime(["2024-01-01", "2024-06-20", "2024-06-25"]),
    ...     "amount": [10.0, 12.0, 9.0]})
    >>> th = {"new_window": 30, "active_window": 30, "lapse_window": 90}
    >>> import warnings
    >>> with warnings.catch_warnings():  # two customers: the RFM scores note their empty scores
    ...     warnings.filterwarnings("ignore", "[RFM] score: only", UserWarning)
    ...     view = customer_lifecycle(tx, "2024-06-30", thresholds=th)
    >>> view[["stage", "ladder_step"]].astype(str).values.tolist()
    [['reactivated', 'repeat customer'], ['new', 'first-time customer']]
    """
    tx = _prepare(transactions)
    as_of_day = _end_day(tx, observation_end)
    as_of_ts = _day_ts(as_of_day)
    if isinstance(promoter_min, bool) or not isinstance(promoter_min, (int, np.integer, float)):
        raise TypeError(f"promoter_min must be a number, got {promoter_min!r}")
    ladder_table = _validated_ladder(ladder_rules)
    # one preparation and one stage table serve the stages and the ladder
    stages = lifecycle_stage(tx, as_of_ts, customers=customers, thresholds=thresholds,
                             rules=stage_rules)
    th = stages.attrs["thresholds"]
    ladder = _ladder_from_stages(stages, as_of_day, ladder_table, customers, survey, "referrals",
                                 promoter_min)
    summary = rfm_summary(transactions, observation_end=as_of_ts)
    segments = rfm_segments(rfm_scores(summary), rules=rfm_rules)
    out = stages.drop(columns=["revenue"]).join(ladder[["rung", "promoter", "referrals"]])
    out = out.rename(columns={"rung": "ladder_step"})
    # joins by position: the ids are looked up once per table (text ids by Arrow's hash join)
    seg = segments[["R", "F", "M", "RFM", "segment"]].rename(columns={"segment": "rfm_segment"})
    seg["n_orders"] = summary["n_orders"].reindex(seg.index) \
        if not seg.index.equals(summary.index) else summary["n_orders"]
    seg = seg.reset_index(drop=True).reindex(_positions(out.index, segments.index))
    seg.index = out.index
    out = pd.concat([out, seg], axis=1)
    for col in ("R", "F", "M"):
        out[col] = out[col].astype("Int64")
    out["n_orders"] = out["n_orders"].fillna(0).astype("int64")
    at = _positions(out.index, tx.ids)  # each customer's code, -1 for those without rows

    # sums of all rows up to observation_end (refund-only customers are prospects with a negative sum);
    # profit is NaN throughout without a profit column
    def per_customer(weights, mask):
        sums = np.bincount(tx.c[mask], weights=weights[mask], minlength=tx.n_customers)
        got = np.where(at >= 0, sums[np.maximum(at, 0)], 0.0)
        return np.where(np.isnan(got), 0.0, got)

    m = tx.day <= as_of_day
    out["revenue"] = per_customer(tx.amount, m)
    if "profit" in tx.frame.columns:
        out["profit"] = per_customer(
            tx.frame["profit"].to_numpy(dtype=np.float64, na_value=np.nan), m)
    else:
        out["profit"] = np.nan
    out["revenue_12m"] = per_customer(tx.amount, m & (tx.day > as_of_day - RECENT_DAYS))
    cols = ["stage", "ladder_step", "rfm_segment", "R", "F", "M", "RFM", "first_purchase",
            "last_purchase", "days_since_last", "n_orders", "n_purchase_days", "revenue", "profit",
            "revenue_12m", "promoter", "referrals"]
    out = out[cols].sort_index()
    out.attrs = {"observation_end": as_of_ts, "thresholds": th}
    return out


#: Columns of :func:`customer_lifecycle` that :func:`stage_summary` can group by, with the
#: vocabulary of :mod:`helpers.frameworks` that defines their levels.
SUMMARY_VOCABULARIES = {
    "stage": "lifecycle_stages",
    "rfm_segment": "rfm_segments",
    "ladder_step": "loyalty_ladder",
}


def stage_summary(view, by="stage", *, rules=None):
    """Customers and revenue per stage (or RFM segment, or ladder rung), with what to do about each.

    Transforms the per-customer table of :func:`customer_lifecycle` (one row per customer) into one
    row per level of ``by``, in the framework's order and with empty levels kept (0 customers), and
    attaches the level's definition and actions from :mod:`helpers.frameworks`. Shares are of all
    customers with a level (customers whose ``by`` is missing, e.g. prospects for ``rfm_segment``,
    are left out and counted in ``attrs["n_missing"]``).

    Parameters
    ----------
    view : pandas.DataFrame
        Output of :func:`customer_lifecycle`: the ``by`` column and ``revenue``; ``revenue_12m``
        and ``profit`` are summed too when present.
    by : {"stage", "rfm_segment", "ladder_step"}
        Column to group by.
    rules : list of dict, optional
        The table that names and describes the levels (``name``, ``definition``, ``actions``), e.g.
        the ``rfm_rules`` passed to :func:`customer_lifecycle`. Default: the vocabulary of ``by``
        in :data:`SUMMARY_VOCABULARIES`. Levels without a row get empty texts.

    Returns
    -------
    pandas.DataFrame
        Indexed by the levels of ``by`` (its categorical order): ``customers`` (int),
        ``customer_share``, ``revenue``, ``revenue_share``, then ``revenue_12m`` /
        ``revenue_12m_share`` and ``profit`` / ``profit_share`` when present and not all missing
        (shares of the column total; NaN when the total is 0), ``definition`` and ``actions``.
        ``attrs``: ``by``, ``n_missing``.

    Raises
    ------
    TypeError
        If ``view`` is not a DataFrame.
    ValueError
        If ``by`` is not one of :data:`SUMMARY_VOCABULARIES` or ``view`` lacks ``by`` or
        ``revenue``.

    Examples
    --------
    >>> stage = pd.Categorical(["new", "lapsed", "lapsed"], categories=STAGES)
    >>> view = pd.DataFrame({"stage": stage, "revenue": [10.0, 30.0, 60.0]})
    >>> t = stage_summary(view)
    >>> t.loc[["new", "lapsed"], ["customers", "revenue_share"]]  # doctest: +NORMALIZE_WHITESPACE
            customers  revenue_share
    stage
    new             1            0.1
    lapsed          2            0.9
    """
    if not isinstance(view, pd.DataFrame):
        raise TypeError(
            f"view must be a DataFrame from customer_lifecycle, got {type(view).__name__}"
        )
    if by not in SUMMARY_VOCABULARIES:
        raise ValueError(f"by={by!r} is not supported; use one of {list(SUMMARY_VOCABULARIES)}")
    missing = [c for c in (by, "revenue") if c not in view.columns]
    if missing:
        raise ValueError(
            f"view lacks column(s) {missing}; pass the output of customer_lifecycle"
        )
    vocab = frameworks.VOCABULARIES[SUMMARY_VOCABULARIES[by]] if rules is None else rules
    col = view[by]
    if isinstance(col.dtype, pd.CategoricalDtype):  # the levels the table was made with
        levels = [str(c) for c in col.cat.categories]
    else:
        levels = [r["name"] for r in vocab if r.get("observable", True)]
    for name in sorted(str(v) for v in col.dropna().unique()):
        if name not in levels:
            levels.append(name)
    labels = col.astype(object).where(col.notna())
    has = labels.notna()
    labels = labels[has].astype(str)
    out = pd.DataFrame(index=pd.Index(levels, name=by))
    out["customers"] = labels.value_counts().reindex(levels, fill_value=0).astype(np.int64)
    out["customer_share"] = out["customers"] / max(int(has.sum()), 1)
    for value in ("revenue", "revenue_12m", "profit"):
        if value not in view.columns or view[value].isna().all():
            continue
        sums = view.loc[has, value].astype(float).groupby(labels).sum().reindex(levels,
                                                                                fill_value=0.0)
        out[value] = sums
        total = sums.sum()
        out[f"{value}_share"] = sums / total if total else np.nan
    text = {r["name"]: r for r in vocab}
    out["definition"] = [text.get(lv, {}).get("definition", "") for lv in levels]
    out["actions"] = [text.get(lv, {}).get("actions", "") for lv in levels]
    out.attrs = {"by": by, "n_missing": int((~has).sum())}
    return out
