"""The per-customer facts the playbook tests: one provider per framework, joined into one table.

Each framework contributes its facts through its own provider, which renames its per-customer table
onto the fact names and checks it:

- :func:`lifecycle_facts`     stage, ladder step, RFM segment and the money facts
  (:func:`helpers.lifecycle.customer_lifecycle`)
- :func:`relationship_facts`  relationship group, profit and duration levels, predicted value
  (``helpers.relationship.customer_relationships(...).table``)
- :func:`nps_facts`           the latest linked NPS answer (:func:`helpers.nps.latest_answers`), its
  date and age, and whether it is fresh enough to act on (:data:`DEFAULT_FRESHNESS_DAYS`)
- :func:`buyer_facts`         buyer type and discount share (:func:`helpers.actions.buyer_types`)
- :func:`listed_facts`        the customer list (its name column)

:func:`customer_facts` joins whatever is given into one row per customer known from any input, types
every fact (:data:`FACT_TYPES`: a missing source leaves typed, empty facts the playbook can still
test), records where each customer is known from, and splits predicted value into high / low
(:func:`value_threshold`).
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np
import pandas as pd

from helpers import lifecycle as _lifecycle
from helpers import nps as _nps
from helpers import relationship as _relationship
from helpers.actions.strategy import DEFAULT_WINBACK_MIN_VALUE, winback_threshold
from helpers.frameworks import BUYER_TYPES
from helpers.frames import isin
from helpers.nps import latest_answers

__all__ = ["FACT_COLUMNS", "FACT_TYPES", "DEFAULT_VALUE_SPLIT", "DEFAULT_FRESHNESS_DAYS", "VALUE_LEVELS",
           "customer_facts", "lifecycle_facts", "relationship_facts", "nps_facts", "buyer_facts",
           "listed_facts", "value_threshold", "freshness_window", "latest_answers"]

#: Default split of predicted value into high / low: customers whose ``clv`` is at or above the 75th
#: percentile of all buyers' values (the top quarter) are "high". Predicted value is very skewed
#: (on the sample the median is about a sixth of the 75th percentile), so a median split would call
#: many small accounts "high value". Replace with ``actions: {value_split: ...}``.
DEFAULT_VALUE_SPLIT = "q0.75"
VALUE_LEVELS = ("low", "high")

#: Default freshness window of an NPS answer, in days: an answer at most this many days older than
#: the observation end is ``fresh_answer`` (the playbook's 48-hour follow-up rules require it; older
#: answers still count in every NPS statistic). Replace with ``actions: {freshness_days: ...}``.
DEFAULT_FRESHNESS_DAYS = 30

#: Columns of :func:`customer_facts`, in order, with the table each comes from.
FACT_COLUMNS = {
    "name": "customers",
    "in_customers": "sources", "in_transactions": "sources", "in_survey": "sources",
    "nps_score": "survey", "nps_class": "survey", "answer_date": "survey", "answer_age_days": "survey",
    "fresh_answer": "survey",
    "lifecycle_stage": "lifecycle", "ladder_step": "lifecycle", "rfm_segment": "lifecycle",
    "RFM": "lifecycle",
    "relationship_group": "relationships", "profit_level": "relationships",
    "duration_level": "relationships", "group_probability": "relationships", "borderline": "relationships",
    "buyer_type": "buyers", "discount_share": "buyers",
    "clv": "relationships", "clv_lower": "relationships", "clv_upper": "relationships",
    "value_level": "relationships", "clears_winback": "relationships", "p_alive": "relationships",
    "expected_purchases": "relationships",
    "revenue": "lifecycle", "profit": "lifecycle", "n_orders": "lifecycle",
    "days_since_last": "lifecycle", "first_purchase": "lifecycle", "last_purchase": "lifecycle",
}

# Per framework: column of its per-customer table -> fact name.
_LIFECYCLE_COLUMNS = {"stage": "lifecycle_stage", "ladder_step": "ladder_step", "rfm_segment": "rfm_segment",
                      "RFM": "RFM", "revenue": "revenue", "profit": "profit", "n_orders": "n_orders",
                      "days_since_last": "days_since_last", "first_purchase": "first_purchase",
                      "last_purchase": "last_purchase"}
_RELATIONSHIP_COLUMNS = {"group": "relationship_group", "profit_level": "profit_level",
                         "duration_level": "duration_level", "p_alive": "p_alive",
                         "expected_purchases": "expected_purchases", "clv": "clv",
                         "clv_lower": "clv_lower", "clv_upper": "clv_upper",
                         "group_probability": "group_probability", "borderline": "borderline"}
_MONEY_COLUMNS = ("revenue", "profit", "n_orders")
_NPS_COLUMNS = {"nps_score": "nps_score", "nps_class": "nps_class", "nps_response_date": "answer_date"}
_BUYER_COLUMNS = {"buyer_type": "buyer_type", "discount_share": "discount_share"}

#: How each fact joined from a provider is typed, so that it exists (empty) when its source is
#: missing: ``("category", categories)`` (kept as given when already categorical, else made one,
#: with unexpected values appended), ``"text"``, ``"number"`` (float, NaN), ``"score"`` and
#: ``"days"`` (Int64, NA), ``"date"`` (NaT), ``"money"`` (0.0 when missing), ``"count"`` (0) and
#: ``"flag"`` (bool, False when missing).
FACT_TYPES = {
    "name": "text",
    "nps_score": "score", "nps_class": ("category", _nps.CLASSES), "answer_date": "date",
    "answer_age_days": "days", "fresh_answer": "flag",
    "lifecycle_stage": ("category", _lifecycle.STAGES), "ladder_step": "text", "rfm_segment": "text",
    "RFM": "text",
    "relationship_group": ("category", _relationship.GROUPS), "profit_level": "text",
    "duration_level": "text", "group_probability": "number", "borderline": "flag",
    "buyer_type": ("category", [b["name"] for b in BUYER_TYPES]), "discount_share": "number",
    "clv": "number", "clv_lower": "number", "clv_upper": "number", "p_alive": "number",
    "expected_purchases": "number",
    "revenue": "money", "profit": "money", "n_orders": "count",
    "days_since_last": "days", "first_purchase": "date", "last_purchase": "date",
}


def value_threshold(values, split=DEFAULT_VALUE_SPLIT) -> float:
    """The predicted value at and above which a customer counts as high value.

    Parameters
    ----------
    values : pandas.Series
        Predicted values (``clv``); missing ones are ignored.
    split : "median", "qX" or number, default :data:`DEFAULT_VALUE_SPLIT`
        The median, a quantile written ``"q0.75"``, or an amount in the currency of the data.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the split cannot be read or there is no value to split.

    Examples
    --------
    >>> value_threshold(pd.Series([1.0, 2.0, 3.0, 4.0, 5.0]))
    4.0
    >>> value_threshold(pd.Series([1.0, 2.0, 3.0]), "median"), value_threshold(pd.Series([1.0]), 50)
    (2.0, 50.0)
    """
    x = pd.to_numeric(pd.Series(values), errors="coerce").dropna()
    if isinstance(split, str):
        if split != "median" and not split.startswith("q"):
            raise ValueError(f"value_split {split!r}: write 'median', a quantile such as 'q0.75' "
                             "or an amount such as 100")
        if x.empty:
            raise ValueError("no predicted value to split into high and low")
    elif isinstance(split, bool) or not isinstance(split, numbers.Real):
        raise ValueError(f"value_split must be 'median', 'qX' or a number, not {split!r}")
    return _relationship.split_value(x, split, "value")


def _ids(frame, what):
    idx = pd.Index(frame.index.astype(str), name="customer_id")
    if idx.has_duplicates:
        raise ValueError(f"{what} has repeated customer ids, e.g. {list(idx[idx.duplicated()][:5])}: "
                         "pass one row per customer")
    return idx


def _need(frame, cols, what, source):
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} lacks column(s) {missing}; pass the output of {source}")


def _categorical(values, categories):
    return pd.Categorical(values, categories=list(categories), ordered=True)


# ---------------------------------------------------------------------------------------------------
# One provider per framework
# ---------------------------------------------------------------------------------------------------
def lifecycle_facts(lifecycle) -> pd.DataFrame:
    """Lifecycle facts of each customer: stage, ladder step, RFM segment and the money facts.

    Parameters
    ----------
    lifecycle : pandas.DataFrame
        :func:`helpers.lifecycle.customer_lifecycle` (index ``customer_id``): ``stage`` and, when
        present, ``ladder_step``, ``rfm_segment``, ``RFM``, ``revenue``, ``profit``, ``n_orders``,
        ``days_since_last``, ``first_purchase``, ``last_purchase``.

    Returns
    -------
    pandas.DataFrame
        Index ``customer_id`` (str); ``lifecycle_stage`` and the other columns present, renamed to
        their fact names.

    Raises
    ------
    ValueError
        If ``stage`` is missing or a customer id repeats.

    Examples
    --------
    >>> lc = pd.DataFrame({"stage": ["active"], "n_orders": [2]}, index=["a"])
    >>> lifecycle_facts(lc).columns.tolist()
    ['lifecycle_stage', 'n_orders']
    """
    _need(lifecycle, ["stage"], "lifecycle", "helpers.lifecycle.customer_lifecycle")
    lc = lifecycle.set_axis(_ids(lifecycle, "lifecycle"))
    return lc.rename(columns=_LIFECYCLE_COLUMNS)[
        [v for k, v in _LIFECYCLE_COLUMNS.items() if k in lc.columns]]


def relationship_facts(relationships, *, money=False) -> pd.DataFrame:
    """Relationship facts of each buyer: group, profit and duration levels, predicted value.

    Parameters
    ----------
    relationships : pandas.DataFrame
        ``helpers.relationship.customer_relationships(...).table``: ``group``, ``clv`` and, when
        present, ``profit_level``, ``duration_level``, ``p_alive``, ``expected_purchases``,
        ``clv_lower``, ``clv_upper``, ``group_probability`` (share of the parameter draws placing the
        customer in her group) and ``borderline``.
    money : bool, default False
        Also take ``revenue``, ``profit`` and ``n_orders`` (when there is no lifecycle table, which
        otherwise provides them).

    Returns
    -------
    pandas.DataFrame
        Index ``customer_id`` (str); ``relationship_group`` and the other columns present.

    Raises
    ------
    ValueError
        If ``group`` or ``clv`` is missing or a customer id repeats.

    Examples
    --------
    >>> rel = pd.DataFrame({"group": ["Strangers"], "clv": [3.0], "revenue": [9.0]}, index=["a"])
    >>> relationship_facts(rel).columns.tolist(), relationship_facts(rel, money=True).columns.tolist()
    (['relationship_group', 'clv'], ['relationship_group', 'clv', 'revenue'])
    """
    _need(relationships, ["group", "clv"], "relationships",
          "helpers.relationship.customer_relationships(...).table")
    rt = relationships.set_axis(_ids(relationships, "relationships"))
    cols = {k: v for k, v in _RELATIONSHIP_COLUMNS.items() if k in rt.columns}
    if money:
        cols.update({c: c for c in _MONEY_COLUMNS if c in rt.columns})
    return rt[list(cols)].rename(columns=cols)


def freshness_window(days) -> int:
    """Check a freshness window: a whole number of days, 0 or more.

    Parameters
    ----------
    days : int

    Returns
    -------
    int

    Raises
    ------
    ValueError
        If ``days`` is not a whole number >= 0 (``True`` and ``2.5`` are refused).

    Examples
    --------
    >>> freshness_window(30)
    30
    """
    if isinstance(days, bool) or not isinstance(days, numbers.Integral) or days < 0:
        raise ValueError(f"freshness_days must be a whole number of days >= 0, not {days!r}")
    return int(days)


def nps_facts(survey, *, observation_end=None, freshness_days=DEFAULT_FRESHNESS_DAYS, promoter_min=9,
              passive_min=7) -> pd.DataFrame:
    """NPS facts of each linked respondent: the latest answer's score, class, date and age.

    Parameters
    ----------
    survey : pandas.DataFrame
        The survey (one row per answer, ``customer_id``, ``score``, ``response_date``); the latest
        linked answer counts (:func:`helpers.nps.latest_answers`).
    observation_end : date-like, optional
        Answers after it are ignored, and ages are counted up to it. Without it, ages are counted
        up to the latest dated answer of the survey.
    freshness_days : int, default :data:`DEFAULT_FRESHNESS_DAYS`
        An answer at most this many days old is ``fresh_answer``.
    promoter_min, passive_min : int
        NPS class thresholds.
    winback_min_value : "order_profit" or number, default :data:`helpers.actions.DEFAULT_WINBACK_MIN_VALUE`
        ``clears_winback`` is true where ``clv`` is at least this (see
        :func:`helpers.actions.winback_threshold`).

    Returns
    -------
    pandas.DataFrame
        Index ``customer_id``; ``nps_score``, ``nps_class``, ``answer_date`` (date of the latest
        answer), ``answer_age_days`` (whole days from it to the observation end, Int64; missing for
        an undated answer) and ``fresh_answer`` (``answer_age_days <= freshness_days``; False for an
        undated answer).

    Raises
    ------
    ValueError
        If ``freshness_days`` is not a whole number >= 0 (see :func:`freshness_window`).

    Examples
    --------
    >>> sv = pd.DataFrame({"customer_id": ["a", "a", "b"], "score": [3, 9, 2],
    ...                    "response_date": pd.to_datetime(["2024-01-01", "2024-02-01", "2023-06-01"])})
    >>> f = nps_facts(sv, observation_end="2024-02-11")
    >>> f["nps_class"].tolist(), f["answer_age_days"].tolist(), f["fresh_answer"].tolist()
    (['promoter', 'detractor'], [10, 255], [True, False])
    """
    window = freshness_window(freshness_days)
    answers = latest_answers(survey, observation_end=observation_end, promoter_min=promoter_min,
                             passive_min=passive_min)
    out = answers[list(_NPS_COLUMNS)].rename(columns=_NPS_COLUMNS)
    when = pd.to_datetime(out["answer_date"]).dt.normalize()
    if observation_end is not None:
        end = pd.Timestamp(observation_end).normalize()
    else:
        end = pd.to_datetime(survey["response_date"]).max() if "response_date" in survey else pd.NaT
        end = pd.Timestamp(end).normalize() if pd.notna(end) else pd.NaT
    age = (end - when).dt.days if pd.notna(end) else pd.Series(np.nan, index=out.index)
    out["answer_age_days"] = pd.array(age.round(), dtype="Int64")
    out["fresh_answer"] = (out["answer_age_days"] <= window).fillna(False).astype(bool)
    return out


def buyer_facts(buyers) -> pd.DataFrame:
    """Buyer facts of each buyer: buyer type and discount share.

    Parameters
    ----------
    buyers : pandas.DataFrame
        :func:`helpers.actions.buyer_types` (index ``customer_id``).

    Returns
    -------
    pandas.DataFrame
        Index ``customer_id`` (str); ``buyer_type`` and ``discount_share`` (when present).

    Raises
    ------
    ValueError
        If ``buyer_type`` is missing or a customer id repeats.

    Examples
    --------
    >>> buyer_facts(pd.DataFrame({"buyer_type": ["price buyer"]}, index=["a"])).columns.tolist()
    ['buyer_type']
    """
    _need(buyers, ["buyer_type"], "buyers", "helpers.actions.buyer_types")
    bt = buyers.set_axis(_ids(buyers, "buyers"))
    return bt[[c for c in _BUYER_COLUMNS if c in bt.columns]]


def listed_facts(customers) -> pd.DataFrame:
    """Facts of the customer list: every listed customer, with ``name`` when the list has one.

    Parameters
    ----------
    customers : pandas.DataFrame
        The customer list (``customer_id``; ``name`` is kept when present).

    Returns
    -------
    pandas.DataFrame
        Index ``customer_id`` (str); ``name`` when present, else no column.

    Raises
    ------
    ValueError
        If ``customer_id`` is missing or repeats.

    Examples
    --------
    >>> listed_facts(pd.DataFrame({"customer_id": ["a"], "name": ["Ann"]}))["name"].tolist()
    ['Ann']
    """
    _need(customers, ["customer_id"], "customers", "helpers.io.load_customers")
    cu = customers.set_index(customers["customer_id"].astype(str).to_numpy())
    cu.index = _ids(cu, "customers")
    return cu[["name"]] if "name" in cu.columns else cu[[]]


# ---------------------------------------------------------------------------------------------------
# The joined facts
# ---------------------------------------------------------------------------------------------------
def _typed(out: pd.DataFrame) -> pd.DataFrame:
    """Give every fact of :data:`FACT_TYPES` its type, creating the missing ones empty."""
    n = len(out)
    for col, kind in FACT_TYPES.items():
        present = col in out.columns
        if isinstance(kind, tuple):
            cats = kind[1]
            if not present:
                out[col] = _categorical([None] * n, cats)
            elif not isinstance(out[col].dtype, pd.CategoricalDtype):
                # the distinct labels first: a million customers share a handful of them
                codes, labels = pd.factorize(out[col], use_na_sentinel=True)
                text = [str(v) for v in labels]
                extra = sorted(set(text) - set(cats))
                order = {c: i for i, c in enumerate(list(cats) + extra)}
                remap = np.array([order[t] for t in text] + [-1], dtype=np.int64)
                out[col] = pd.Categorical.from_codes(remap[codes], categories=list(cats) + extra,
                                                     ordered=True)
        elif kind == "money":
            out[col] = out[col].fillna(0.0) if present else 0.0
        elif kind == "count":
            out[col] = out[col].fillna(0).astype("int64") if present else 0
        elif kind == "flag":
            out[col] = out[col].astype("boolean").fillna(False).astype(bool) if present else False
        elif present:
            continue
        elif kind == "text":
            out[col] = pd.Series([None] * n, index=out.index, dtype="object")
        elif kind == "number":
            out[col] = np.nan
        elif kind in ("score", "days"):
            out[col] = pd.array([pd.NA] * n, dtype="Int64")
        elif kind == "date":
            out[col] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns]")
    return out


def _value_levels(clv: pd.Series, value_split):
    """``value_level`` (high / low, missing without a prediction) and the split used."""
    split = {"rule": value_split, "threshold": np.nan}
    has_value = clv.notna()
    level = pd.Series(None, index=clv.index, dtype="object")
    if has_value.any():
        split["threshold"] = value_threshold(clv, value_split)
        level[has_value] = np.where(clv[has_value] >= split["threshold"], "high", "low")
    return _categorical(level, VALUE_LEVELS), split


def _join_facts(lifecycle=None, relationships=None, buyers=None, survey=None, customers=None, *,
                observation_end=None, value_split=DEFAULT_VALUE_SPLIT,
                freshness_days=DEFAULT_FRESHNESS_DAYS, promoter_min=9, passive_min=7,
                winback_min_value=DEFAULT_WINBACK_MIN_VALUE):
    """:func:`customer_facts` and the value split it used, as ``(facts, split)``.

    ``facts.attrs["winback"]`` holds the win-back rule and threshold behind ``clears_winback``."""
    given = {"lifecycle": lifecycle, "relationships": relationships, "buyers": buyers,
             "survey": survey, "customers": customers}
    if all(v is None for v in given.values()):
        raise ValueError("customer_facts needs at least one input table")
    parts = {}
    if lifecycle is not None:
        parts["lifecycle"] = lifecycle_facts(lifecycle)
    if relationships is not None:  # money facts come from the lifecycle table when there is one
        parts["relationships"] = relationship_facts(relationships, money=lifecycle is None)
    if buyers is not None:
        parts["buyers"] = buyer_facts(buyers)
    if survey is not None:
        parts["survey"] = nps_facts(survey, observation_end=observation_end,
                                    freshness_days=freshness_days, promoter_min=promoter_min,
                                    passive_min=passive_min)
    if customers is not None:
        parts["customers"] = listed_facts(customers)

    indexes = [part.index for part in parts.values()]
    index = indexes[0]
    for other in indexes[1:]:
        index = index.union(other)
    index = pd.Index(index.astype(str), name="customer_id").sort_values()
    out = pd.DataFrame(index=index)
    for part in parts.values():
        if len(part.columns):
            out = out.join(part)
    out = _typed(out)

    # where each customer is known from
    in_tx = np.zeros(len(out), dtype=bool)
    for key in ("relationships", "buyers"):
        if key in parts:
            in_tx |= isin(out.index, parts[key].index)
    if "lifecycle" in parts and "n_orders" in parts["lifecycle"]:
        in_tx |= isin(out.index, parts["lifecycle"].index[parts["lifecycle"]["n_orders"] > 0])
    out["in_customers"] = isin(out.index, parts["customers"].index) if "customers" in parts else False
    out["in_transactions"] = in_tx
    out["in_survey"] = isin(out.index, parts["survey"].index) if "survey" in parts else False

    out["value_level"], split = _value_levels(out["clv"], value_split)
    winback = winback_threshold(out, winback_min_value)
    out["clears_winback"] = (out["clv"] >= winback["threshold"]).fillna(False).astype(bool)
    if relationships is not None and not out["clv"].notna().any():
        warnings.warn("no customer has a predicted value: value_level is missing for everyone",
                      UserWarning, stacklevel=3)
    if lifecycle is not None:
        no_stage = out["lifecycle_stage"].isna()
        if no_stage.any():
            warnings.warn(f"{int(no_stage.sum())} customer(s) have no lifecycle stage (not in the "
                          f"lifecycle table, e.g. signed up after the as-of date), e.g. "
                          f"{list(out.index[no_stage][:5])}; they keep a row and get the default action",
                          UserWarning, stacklevel=3)
    out = out[list(FACT_COLUMNS)]
    out.attrs = {"winback": winback}
    return out, split


def customer_facts(lifecycle=None, relationships=None, buyers=None, survey=None, customers=None, *,
                   observation_end=None, value_split=DEFAULT_VALUE_SPLIT,
                   freshness_days=DEFAULT_FRESHNESS_DAYS, promoter_min=9, passive_min=7,
                   winback_min_value=DEFAULT_WINBACK_MIN_VALUE):
    """Join the per-customer results of every framework into one table of facts, one row per customer.

    Frames in, frame out: the inputs are the per-customer tables the framework modules return; any of
    them may be left out (its facts are then missing). Each goes through its provider
    (:func:`lifecycle_facts`, :func:`relationship_facts`, :func:`buyer_facts`, :func:`nps_facts`,
    :func:`listed_facts`). The rows are the union of every customer id that appears anywhere
    (customer list, lifecycle, relationships, buyer types, linked survey answers), each exactly once.

    Parameters
    ----------
    lifecycle : pandas.DataFrame, optional
        :func:`helpers.lifecycle.customer_lifecycle` (index ``customer_id``): ``stage``,
        ``ladder_step``, ``rfm_segment``, ... .
    relationships : pandas.DataFrame, optional
        ``helpers.relationship.customer_relationships(...).table``: ``group``, ``p_alive``, ``clv``,
        ``clv_lower``, ``clv_upper``, ... .
    buyers : pandas.DataFrame, optional
        :func:`helpers.actions.buyer_types` (index ``customer_id``).
    survey : pandas.DataFrame, optional
        The survey (one row per answer); the latest linked answer counts
        (:func:`helpers.nps.latest_answers`).
    customers : pandas.DataFrame, optional
        The customer list (``customer_id``; ``name`` is kept when present).
    observation_end : date-like, optional
        Survey answers after it are ignored; answer ages are counted up to it (see
        :func:`nps_facts`).
    value_split : "median", "qX" or number, default :data:`DEFAULT_VALUE_SPLIT`
        Where predicted value splits into ``value_level`` high / low (see :func:`value_threshold`).
    freshness_days : int, default :data:`DEFAULT_FRESHNESS_DAYS`
        An answer at most this many days old is ``fresh_answer``.
    promoter_min, passive_min : int
        NPS class thresholds.
    winback_min_value : "order_profit" or number, default :data:`helpers.actions.DEFAULT_WINBACK_MIN_VALUE`
        ``clears_winback`` is true where ``clv`` is at least this (see
        :func:`helpers.actions.winback_threshold`).

    Returns
    -------
    pandas.DataFrame
        Index ``customer_id`` (str, sorted, unique); the columns of :data:`FACT_COLUMNS`:
        ``name``; ``in_customers``, ``in_transactions``, ``in_survey`` (where the customer is
        known from); ``nps_score``, ``nps_class``, ``answer_date``, ``answer_age_days``,
        ``fresh_answer`` (False without an answer); ``lifecycle_stage``,
        ``ladder_step``, ``rfm_segment``, ``RFM``; ``relationship_group``, ``profit_level``,
        ``duration_level``, ``group_probability``, ``borderline`` (False without a group);
        ``buyer_type``, ``discount_share``; ``clv``, ``clv_lower``, ``clv_upper``,
        ``value_level`` (high/low, missing without a prediction), ``clears_winback`` (predicted
        value at least the win-back threshold; False without a prediction), ``p_alive``,
        ``expected_purchases``; ``revenue``, ``profit``, ``n_orders`` (0 without a purchase),
        ``days_since_last``, ``first_purchase``, ``last_purchase``. ``attrs["value_split"]`` holds
        the split rule and threshold, ``attrs["winback"]`` the win-back rule and threshold.

    Raises
    ------
    ValueError
        If no input is given, an input repeats a customer id or lacks its key columns, or the value
        split or the freshness window cannot be read.

    Warns
    -----
    UserWarning
        When the lifecycle table is given but some customers are not in it (e.g. signed up after the
        observation end): they get no stage.

    Examples
    --------
    >>> lc = pd.DataFrame({"stage": ["active", "prospect"], "ladder_step": ["client", "prospect"],
    ...                    "rfm_segment": ["Champions", None]}, index=["a", "b"])
    >>> sv = pd.DataFrame({"customer_id": ["b"], "score": [3],
    ...                    "response_date": pd.to_datetime(["2024-01-01"])})
    >>> cu = pd.DataFrame({"customer_id": ["a", "b"], "name": ["Ann", "Bo"]})
    >>> f = customer_facts(lifecycle=lc, survey=sv, customers=cu)
    >>> f.index.tolist(), f["nps_class"].tolist()[1], f["n_orders"].tolist()
    (['a', 'b'], 'detractor', [0, 0])
    """
    out, split = _join_facts(lifecycle, relationships, buyers, survey, customers,
                             observation_end=observation_end, value_split=value_split,
                             freshness_days=freshness_days, promoter_min=promoter_min,
                             passive_min=passive_min, winback_min_value=winback_min_value)
    out.attrs = {"value_split": split, "winback": out.attrs["winback"]}
    return out
