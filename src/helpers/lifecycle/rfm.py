"""RFM: the per-customer summary (lifetimes' frequency, recency, T, monetary value), tie-aware 1-5
scores, and named segments from a rule table with precedence."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers import frameworks
from helpers.engine.summary import FREQS, customer_summary
from helpers.lifecycle._transactions import _warn

#: Units of ``freq`` in :func:`rfm_summary`: days per period.
RFM_FREQS = FREQS


def rfm_summary(transactions, observation_end=None, freq="D"):
    """Summarise transactions per customer as frequency, recency, T and monetary value.

    Uses exactly the definitions of the ``lifetimes`` package
    (``lifetimes.utils.summary_data_from_transaction_data``), which the BG/NBD, Pareto/NBD and
    Gamma-Gamma models expect:

    - rows are grouped into periods of length ``freq``; several purchases in one period count once
      and their amounts are summed;
    - ``frequency``: number of repeat purchase periods (purchase periods minus one);
    - ``recency``: age of the customer at the last purchase = last minus first purchase period;
    - ``T``: age of the customer at ``observation_end`` = its period minus the first purchase period;
    - ``monetary_value``: mean value of the repeat purchase periods (the first is left out), 0 when
      there is none.

    Periods: ``"D"`` = calendar days; ``"W"`` = weeks starting on Monday (pandas' ``to_period("W")``,
    as lifetimes does), so recency and T are whole numbers of weeks, exactly as lifetimes returns them
    with ``freq="W"``. (For days divided by 7 without grouping into weeks, use ``freq="D"`` and divide
    recency and T by 7: lifetimes' ``freq_multiplier=7``.)

    Computed by one SQL query of the engine (:func:`helpers.engine.customer_summary`, DuckDB on
    the registered DataFrame; the same query runs on Spark).

    Where lifetimes has no rule this function states one:

    - Refunds (negative ``amount``) are netted into the value of their period. A period whose only
      rows are refunds is not a purchase: it adds nothing to frequency, recency or monetary_value
      (its refunds still count in ``revenue`` and ``profit``). A period whose purchases net to a
      negative value is still a purchase, with a negative value.
    - Rows dated after ``observation_end`` are left out (lifetimes keeps the rest of the end's period
      when ``freq="W"``; here nothing after the date is used).
    - Customers without a purchase up to ``observation_end`` have no first purchase and hence no T:
      they are absent, as in lifetimes (prospects are handled by :func:`lifecycle_stage`). Customers
      whose rows up to then are all refunds are absent too, with a UserWarning giving their number.

    Parameters
    ----------
    transactions : pandas.DataFrame
        One row per order line: ``customer_id``, ``order_date``, ``amount``; optional ``order_id``
        and ``profit``.
    observation_end : date-like, optional
        Last day of the observation period (included). Default: the last ``order_date``.
    freq : {"D", "W"}
        Period length and unit of recency and T.

    Returns
    -------
    pandas.DataFrame
        One row per customer with a purchase, indexed by ``customer_id`` (sorted), columns
        ``frequency`` (int), ``recency``, ``T``, ``monetary_value`` (float; in periods / currency),
        ``first_purchase``, ``last_purchase`` (dates of the first and last purchase row),
        ``n_orders`` (distinct ``order_id`` with a purchase row, else distinct purchase days),
        ``revenue`` and ``profit`` (sums of all rows up to ``observation_end``, refunds included;
        profit is NaN without a ``profit`` column).

    Raises
    ------
    TypeError
        If ``transactions`` is not a DataFrame or ``amount`` is not numeric.
    ValueError
        If a required column is missing or has missing values, ``freq`` is unknown, or there is no
        purchase up to ``observation_end``.

    Examples
    --------
    >>> tx = pd.DataFrame({
    ...     "customer_id": ["a", "a", "a", "b"],
    ...     "order_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-11", "2024-01-05"]),
    ...     "amount": [10.0, 5.0, 20.0, 8.0]})
    >>> s = rfm_summary(tx, observation_end="2024-01-31")
    >>> s[["frequency", "recency", "T", "monetary_value", "n_orders", "revenue"]]
    ... # doctest: +NORMALIZE_WHITESPACE
                 frequency  recency     T  monetary_value  n_orders  revenue
    customer_id
    a                    1     10.0  30.0            20.0         2     35.0
    b                    0      0.0  26.0             0.0         1      8.0
    """
    if not isinstance(transactions, pd.DataFrame):
        raise TypeError(
            f"transactions must be a pandas DataFrame, got {type(transactions).__name__}; "
            "load it with helpers.data.load_transactions (or use helpers.engine.customer_summary "
            "on a Parquet file or database table)"
        )
    if freq not in RFM_FREQS:
        raise ValueError(f"freq={freq!r} is not supported; use one of {sorted(RFM_FREQS)}")
    return customer_summary(transactions, observation_end=observation_end, freq=freq)


def _tie_aware_scores(values, n_scores=5):
    """Quantile scores 1..n_scores that never split a tie.

    Distinct values are cut into ``n_scores`` contiguous blocks, greedily from the lowest: each block
    takes distinct values until it holds as close as possible to an equal share of the customers not
    yet scored, leaving at least one distinct value for every remaining score. A large tie therefore
    fills one score and the other scores share the rest equally. Returns (scores, n_distinct).
    """
    uniq, inv, counts = np.unique(values, return_inverse=True, return_counts=True)
    k = len(uniq)
    if k < n_scores:  # spread the few distinct values over the scale: lowest 1, highest n_scores
        if k == 1:
            block_score = np.array([(n_scores + 1) // 2])
        else:
            block_score = 1 + np.round(np.arange(k) * (n_scores - 1) / (k - 1)).astype(int)
        return block_score[inv], counts
    cum = np.cumsum(counts)
    total = cum[-1]
    block_score = np.empty(k, dtype=np.int64)
    start, done = 0, 0
    for s in range(1, n_scores + 1):
        remaining = n_scores - s + 1
        if remaining == 1:
            cut = k
        else:
            target = done + (total - done) / remaining
            j = int(np.searchsorted(cum, target))  # cum[j] >= target; cut after j or before it
            cut = j + 1
            if j > 0 and abs(cum[j - 1] - target) <= abs(cum[j] - target):
                cut = j
            cut = min(max(cut, start + 1), k - (remaining - 1))
        block_score[start:cut] = s
        done = cum[cut - 1]
        start = cut
    return block_score[inv], counts


def rfm_scores(summary, *, monetary="revenue"):
    """Score customers 1-5 on recency, frequency and monetary value (5 = best).

    - R from the time since the last purchase, ``T - recency`` (shorter = higher score);
    - F from ``frequency`` (repeat purchase periods);
    - M from ``monetary`` (default ``revenue``: total net spend, as in Hughes' RFM and R's rfm
      package; ``monetary_value`` would give every one-time buyer 0).

    Scores are quantile based (quintiles), with a deterministic tie rule: customers with equal values
    always get the same score, and the cut points move to the nearest boundary between distinct values
    so that no score is left empty. Concretely, scores are filled from the lowest value up; each score
    takes whole groups of equal values until it holds as close as possible to an equal share of the
    customers not yet scored. When a tie is larger than a fifth of the customers (very common for F:
    most customers buy once) plain quantile bins would collapse: that tie gets one score, the other
    scores split the remaining customers, and a UserWarning says so. With fewer than five distinct
    values some scores must stay empty; the values are spread over the scale (lowest 1, highest 5)
    and a UserWarning says so.

    Parameters
    ----------
    summary : pandas.DataFrame
        Output of :func:`rfm_summary` (needs ``recency``, ``T``, ``frequency`` and ``monetary``).
    monetary : str, default "revenue"
        Column that measures spend.

    Returns
    -------
    pandas.DataFrame
        Same index as ``summary``; int columns ``R``, ``F``, ``M`` (1..5) and the string ``RFM``
        (e.g. ``"545"``).

    Raises
    ------
    TypeError
        If ``summary`` is not a DataFrame.
    ValueError
        If a needed column is missing, has missing values, or ``summary`` is empty.

    Examples
    --------
    >>> s = pd.DataFrame({"recency": [0, 5, 9, 20, 30.], "T": [40, 40, 40, 40, 40.],
    ...                   "frequency": [0, 1, 2, 3, 4], "revenue": [10, 20, 30, 40, 50.]},
    ...                  index=pd.Index(list("abcde"), name="customer_id"))
    >>> rfm_scores(s)["RFM"].tolist()
    ['111', '222', '333', '444', '555']
    """
    if not isinstance(summary, pd.DataFrame):
        raise TypeError(
            f"summary must be a DataFrame from rfm_summary, got {type(summary).__name__}"
        )
    need = ["recency", "T", "frequency", monetary]
    missing = [c for c in need if c not in summary.columns]
    if missing:
        raise ValueError(
            f"summary lacks column(s) {missing}; pass the output of rfm_summary "
            "(or name the spend column with monetary=...)"
        )
    if len(summary) == 0:
        raise ValueError("summary is empty; there is no customer to score")
    axes = {
        "R": -(summary["T"] - summary["recency"]).to_numpy(dtype=float),
        "F": summary["frequency"].to_numpy(dtype=float),
        "M": summary[monetary].to_numpy(dtype=float),
    }
    for axis, values in axes.items():
        if np.isnan(values).any():
            raise ValueError(f"summary has missing values for the {axis} score; fill or drop them")
    out = pd.DataFrame(index=summary.index)
    n = len(summary)
    for axis, values in axes.items():
        scores, counts = _tie_aware_scores(values)
        k = len(counts)
        if k < 5:
            _warn(
                f"{axis} score: only {k} distinct value(s) among {n} customers, so "
                f"{5 - k} score(s) stay empty"
            )
        else:
            big = counts > n / 5
            if big.any():
                share = counts[big].max() / n
                _warn(
                    f"{axis} score: {share:.0%} of customers share one value, more than a quintile; "
                    "equal values keep one score, so the quintile bins are unequal (see "
                    "rfm_scores docs)"
                )
        out[axis] = scores.astype(np.int64)
    out["RFM"] = out["R"].astype(str) + out["F"].astype(str) + out["M"].astype(str)
    return out


def _check_range(rule, axis):
    rng = rule.get(axis)
    try:
        lo, hi = (int(v) for v in rng)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"RFM rule {rule.get('name')!r}: {axis} must be a (low, high) pair of scores, "
            f"got {rng!r}"
        ) from exc
    if not 1 <= lo <= hi <= 5:
        raise ValueError(
            f"RFM rule {rule.get('name')!r}: {axis}={rng!r} must satisfy 1 <= low <= high <= 5"
        )
    return lo, hi


def _validated_rfm_rules(rules):
    rules = frameworks.RFM_SEGMENTS if rules is None else rules
    if not isinstance(rules, (list, tuple)) or not rules:
        raise ValueError("rules must be a non-empty list of dicts like frameworks.RFM_SEGMENTS")
    parsed = []
    for rule in rules:
        if not isinstance(rule, dict) or "name" not in rule or "precedence" not in rule:
            raise ValueError(
                f"each RFM rule needs 'name', 'precedence', 'r', 'f' and 'm'; got {rule!r}"
            )
        parsed.append((rule["precedence"], rule["name"], *(_check_range(rule, a) for a in "rfm")))
    precedences = [p[0] for p in parsed]
    if len(set(precedences)) != len(precedences):
        raise ValueError(f"RFM rules must have distinct precedence values, got {precedences}")
    names = [p[1] for p in parsed]
    if len(set(names)) != len(names):
        raise ValueError(f"RFM rule names must be distinct, got {names}")
    return sorted(parsed)


def rfm_segment_grid(rules=None):
    """Map every one of the 125 (R, F, M) cells to its segment under the rules' precedence.

    A cell gets the segment of the first rule (lowest ``precedence``) whose ranges contain it; a cell
    no rule covers gets ``"Other"``. Warns about uncovered cells and about rules that win no cell
    (shadowed by rules of higher precedence). The default rules cover every cell and every segment.

    Parameters
    ----------
    rules : list of dict, optional
        Rules in the form of :data:`helpers.frameworks.RFM_SEGMENTS` (the default).

    Returns
    -------
    pandas.DataFrame
        125 rows sorted by R, F, M: int columns ``R``, ``F``, ``M``, ``segment`` and ``n_rules`` (how
        many rules contain the cell before precedence is applied).

    Raises
    ------
    ValueError
        If a rule lacks a field, has a range outside 1..5, or precedences or names repeat.

    Examples
    --------
    >>> grid = rfm_segment_grid()
    >>> len(grid), (grid["segment"] == "Other").sum()
    (125, np.int64(0))
    >>> grid.query("R == 5 and F == 5 and M == 5")["segment"].item()
    'Champions'
    """
    parsed = _validated_rfm_rules(rules)
    r, f, m = (a.ravel() for a in np.meshgrid(range(1, 6), range(1, 6), range(1, 6), indexing="ij"))
    segment = np.full(125, "Other", dtype=object)
    assigned = np.zeros(125, dtype=bool)
    n_rules = np.zeros(125, dtype=np.int64)
    unreachable = []
    for _, name, (rl, rh), (fl, fh), (ml, mh) in parsed:
        inside = (r >= rl) & (r <= rh) & (f >= fl) & (f <= fh) & (m >= ml) & (m <= mh)
        n_rules += inside
        wins = inside & ~assigned
        if not wins.any():
            unreachable.append(name)
        segment[wins] = name
        assigned |= wins
    if unreachable:
        _warn(f"RFM rule(s) {unreachable} win no cell: rules of higher precedence cover them")
    if not assigned.all():
        _warn(f"{int((~assigned).sum())} of 125 RFM cells match no rule and are labelled 'Other'")
    return pd.DataFrame({"R": r, "F": f, "M": m, "segment": segment, "n_rules": n_rules})


def rfm_segments(scores, rules=None):
    """Name each customer's RFM segment from its scores.

    Transforms the output of :func:`rfm_scores` (one row per customer with ``R``, ``F``, ``M``) into
    the same table plus a ``segment`` column. The rule table (default
    :data:`helpers.frameworks.RFM_SEGMENTS`, replaceable from the run configuration) is applied with
    its precedence through :func:`rfm_segment_grid`; cells that custom rules leave uncovered become
    ``"Other"`` (with a UserWarning).

    Parameters
    ----------
    scores : pandas.DataFrame
        Integer columns ``R``, ``F``, ``M`` in 1..5.
    rules : list of dict, optional
        Segment rules; see :data:`helpers.frameworks.RFM_SEGMENTS` for the keys.

    Returns
    -------
    pandas.DataFrame
        ``scores`` with a categorical ``segment`` column (categories in precedence order, then
        ``"Other"`` if used).

    Raises
    ------
    TypeError
        If ``scores`` is not a DataFrame.
    ValueError
        If ``R``, ``F`` or ``M`` is missing or outside 1..5, or the rules are malformed.

    Examples
    --------
    >>> sc = pd.DataFrame({"R": [5, 1, 5], "F": [5, 1, 1], "M": [5, 1, 3]}, index=list("abc"))
    >>> rfm_segments(sc)["segment"].tolist()
    ['Champions', 'Lost', 'New Customers']
    """
    if not isinstance(scores, pd.DataFrame):
        raise TypeError(f"scores must be a DataFrame from rfm_scores, got {type(scores).__name__}")
    missing = [c for c in "RFM" if c not in scores.columns]
    if missing:
        raise ValueError(f"scores lack column(s) {missing}; pass the output of rfm_scores")
    grid = rfm_segment_grid(rules)
    vals = scores[["R", "F", "M"]].to_numpy()
    if not np.isin(vals, [1, 2, 3, 4, 5]).all():
        raise ValueError("scores R, F and M must be whole numbers from 1 to 5")
    vals = vals.astype(np.int64)
    cell = (vals[:, 0] - 1) * 25 + (vals[:, 1] - 1) * 5 + (vals[:, 2] - 1)
    names = [p[1] for p in _validated_rfm_rules(rules)]
    if (grid["segment"] == "Other").any():
        names.append("Other")
    out = scores.copy()
    out["segment"] = pd.Categorical(grid["segment"].to_numpy()[cell], categories=names)
    return out
