"""What moves the score: purchase behaviour at the time of the answer, and an ordinal logit.

:func:`behaviour_at_response` joins each linked respondent's purchases up to the day of the answer;
:func:`drivers` fits an ordinal (or multinomial) logit of the NPS class on attributes and behaviour
and reports odds ratios with their intervals.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from helpers.nps.classes import CLASSES, _check_choice, _codes, _score_values
from helpers.stats import check_alpha

__all__ = ["BEHAVIOUR_COLUMNS", "SCALES", "behaviour_at_response", "drivers"]


BEHAVIOUR_COLUMNS = ("tenure_days", "orders", "spend", "profit")


def behaviour_at_response(survey, transactions, *, customer_id="customer_id",
                          date="response_date") -> pd.DataFrame:
    """Each linked respondent's purchase behaviour as of the day of the answer.

    Uses only purchases on or before the response date, so the behaviour can explain the answer
    rather than follow from it. One DuckDB query (:data:`BEHAVIOUR_SQL`): daily totals per
    customer, cumulated in day order, then each answer matched to its customer's last purchase
    day on or before the answer (an ASOF join).

    Input: ``survey`` with ``customer_id`` and ``response_date``; ``transactions`` with
    ``customer_id``, ``order_date``, ``amount`` and optionally ``order_id`` and ``profit``.
    Output: ``survey`` (same rows and order) plus ``tenure_days`` (days since the first purchase),
    ``orders`` (distinct order ids, or distinct purchase days without ``order_id``), ``spend`` (net
    amount, refunds subtracted) and ``profit`` (if the transactions have it). An order counts from
    the first day it appears; rows without an order id are one order per customer. Missing
    amounts and profits count as 0; money is summed as exact decimals (18 places), so the result
    does not depend on the order of the rows. Ids of different dtypes are compared as text.

    Parameters
    ----------
    survey : DataFrame
    transactions : DataFrame
    customer_id : str, default "customer_id"
        Link column, in both frames.
    date : str, default "response_date"
        Response date column of ``survey``.

    Returns
    -------
    pandas.DataFrame
        Respondents without an id get NaN behaviour (left out of models, with a warning there).
        Linked respondents with no purchase up to the answer get 0 orders, spend, profit and
        tenure; a ``UserWarning`` counts those whose id never appears in ``transactions``.

    Raises
    ------
    ValueError
        Missing columns or non-datetime dates.

    Examples
    --------
    >>> sv = pd.DataFrame({"customer_id": ["a", "b"], "score": [9, 4],
    ...                    "response_date": pd.to_datetime(["2024-03-01", "2024-03-01"])})
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [10.0, 5.0, 7.0],
    ...                    "order_date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-04-01"])})
    >>> behaviour_at_response(sv, tx)[["tenure_days", "orders", "spend"]].values.tolist()
    [[60.0, 2.0, 15.0], [0.0, 0.0, 0.0]]
    """
    for nm, df, cols in (("survey", survey, (customer_id, date)),
                         ("transactions", transactions, (customer_id, "order_date", "amount"))):
        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"{nm} must be a DataFrame")
        for c in cols:
            if c not in df.columns:
                raise ValueError(f"{nm} has no column {c!r}; columns are {list(df.columns)}")
    for nm, col in ((survey, date), (transactions, "order_date")):
        if not pd.api.types.is_datetime64_any_dtype(nm[col].dtype):
            raise ValueError(f"column {col!r} must hold datetimes; load the data with helpers.data "
                             "or parse it with pandas.to_datetime")
    tx = transactions
    has_profit, has_order = "profit" in tx.columns, "order_id" in tx.columns
    cols = ["tenure_days", "orders", "spend"] + (["profit"] if has_profit else [])
    res = np.full((len(survey), len(cols)), np.nan)
    sv_ids, sv_day = survey[customer_id], survey[date]
    linked = (sv_ids.notna() & sv_day.notna()).to_numpy()
    rows = np.flatnonzero(linked)
    if len(rows):
        tx_ids = tx[customer_id]
        cast = False
        if tx_ids.dtype != sv_ids.dtype or isinstance(tx_ids.dtype, pd.CategoricalDtype):
            # compared as text: DuckDB writes integers, text and their categories as str() does
            # (in the query); other ids are written by pandas
            sv_ids = sv_ids.astype("string")
            cast = _casts_as_str(tx_ids.dtype)
            if not cast:
                tx_ids = tx_ids.astype(str)
        frame = pd.DataFrame({"customer_id": tx_ids, "order_date": tx["order_date"],
                              "amount": tx["amount"]}, copy=False)
        if has_profit:
            frame["profit"] = tx["profit"]
        if has_order:
            frame["order_id"] = tx["order_id"]
        answers = pd.DataFrame({"i": rows, "cid": sv_ids.iloc[rows].reset_index(drop=True),
                                "d": _day_numbers(sv_day.iloc[rows])})
        got = _behaviour_query(frame, answers, cast=cast, has_profit=has_profit,
                               has_order=has_order)
        unknown = int((~got["known"].to_numpy(dtype=bool)).sum())
        if unknown:
            warnings.warn(f"{unknown} linked respondents' {customer_id} never appears in "
                          "the transactions; their behaviour is set to no purchases", UserWarning,
                          stacklevel=2)
        at = got["i"].to_numpy(dtype=np.int64)
        for j, name in enumerate(cols):
            res[at, j] = got[name].to_numpy(dtype=float)
    out = survey.copy()
    for j, name in enumerate(cols):
        out[name] = res[:, j]
    return out


#: The query of :func:`behaviour_at_response` (DuckDB SQL): ``tx_input`` holds the transactions
#: (``customer_id``, ``order_date``, ``amount``, optionally ``profit`` and ``order_id``),
#: ``answers`` the linked answers (``i`` row position, ``cid`` customer id, ``d`` answer day in
#: days since 1970-01-01). One row per answer: ``i``, ``known`` (the id has transactions),
#: ``tenure_days``, ``orders``, ``spend`` and ``profit`` as of the answer day. Only the rows of
#: customers who answered are aggregated.
BEHAVIOUR_SQL = """
WITH rows_in AS NOT MATERIALIZED (
    SELECT {cid} AS customer_id,
           unix_date(CAST(order_date AS DATE)) AS dn,
           CAST(amount AS DOUBLE) AS a{profit_col}{order_col}
    FROM tx_input
    WHERE order_date IS NOT NULL AND {cid} IN (SELECT cid FROM answers)
),
daily AS (
    SELECT customer_id, dn, sum({money_a}) AS a{profit_sum}{day_orders}
    FROM rows_in
    GROUP BY customer_id, dn
){orders_cte},
cum AS (
    SELECT d.customer_id, d.dn,
           sum({orders}) OVER w AS orders,
           sum(d.a) OVER w AS spend{profit_cum}
    FROM daily d{orders_join}
    WINDOW w AS (PARTITION BY d.customer_id ORDER BY d.dn
                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
customers AS (
    SELECT customer_id, min(dn) AS first_dn FROM daily GROUP BY customer_id
)
SELECT s.i,
       k.customer_id IS NOT NULL AS known,
       CAST(CASE WHEN c.dn IS NULL THEN 0 ELSE s.d - k.first_dn END AS DOUBLE) AS tenure_days,
       CAST(coalesce(c.orders, 0) AS DOUBLE) AS orders,
       CAST(coalesce(c.spend, 0) AS DOUBLE) AS spend{profit_out}
FROM answers s
LEFT JOIN customers k ON s.cid = k.customer_id
ASOF LEFT JOIN cum c ON s.cid = c.customer_id AND s.d >= c.dn
"""

# each order counts once, on the first day it appears (the rows without an order id: one order)
_ORDERS_CTE = """,
firsts AS (
    SELECT customer_id, dn, count(*) AS n
    FROM (SELECT customer_id, min(dn) AS dn FROM rows_in GROUP BY customer_id, o) f
    GROUP BY customer_id, dn
)"""


def _money(col):
    """A money column as an exact decimal, missing values (NULL or NaN) as 0."""
    return f"CAST(CASE WHEN {col} IS NULL OR isnan({col}) THEN 0 ELSE {col} END AS DECIMAL(38, 18))"


def behaviour_sql(cast=False, has_profit=False, has_order=False):
    """The query of :func:`behaviour_at_response` over ``tx_input`` and ``answers`` (DuckDB SQL).

    Parameters
    ----------
    cast : bool
        Compare the ids as text (``CAST(customer_id AS VARCHAR)``).
    has_profit, has_order : bool
        Whether ``tx_input`` has a ``profit`` / ``order_id`` column.

    Returns
    -------
    str
        The query.

    Examples
    --------
    >>> "ASOF LEFT JOIN" in behaviour_sql() and "firsts" not in behaviour_sql()
    True
    """
    return BEHAVIOUR_SQL.format(
        cid="CAST(customer_id AS VARCHAR)" if cast else "customer_id",
        money_a=_money("a"),
        profit_col=",\n           CAST(profit AS DOUBLE) AS pr" if has_profit else "",
        order_col=",\n           order_id AS o" if has_order else "",
        profit_sum=f", sum({_money('pr')}) AS pr" if has_profit else "",
        day_orders="" if has_order else ", 1 AS n",
        orders_cte=_ORDERS_CTE if has_order else "",
        orders="coalesce(f.n, 0)" if has_order else "d.n",
        orders_join=(" LEFT JOIN firsts f ON d.customer_id = f.customer_id AND d.dn = f.dn"
                     if has_order else ""),
        profit_cum=",\n           sum(d.pr) OVER w AS profit" if has_profit else "",
        profit_out=(",\n       CAST(coalesce(c.profit, 0) AS DOUBLE) AS profit"
                    if has_profit else ""))


def _behaviour_query(frame, answers, *, cast, has_profit, has_order):
    """Run :func:`behaviour_sql` on DuckDB: ``frame`` as ``tx_input``, ``answers`` beside it."""
    from helpers.engine.summary import connect

    con = connect(frame)
    try:
        con.register("answers", answers)
        return con.execute(behaviour_sql(cast, has_profit, has_order)).df()
    finally:
        con.close()


def _casts_as_str(dtype):
    """Whether DuckDB's text of these ids is Python's ``str`` (integers, text, their categories)."""
    if isinstance(dtype, pd.CategoricalDtype):
        dtype = dtype.categories.dtype
    return (pd.api.types.is_integer_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)) \
        or isinstance(dtype, pd.StringDtype)


def _day_numbers(dates):
    """Datetimes -> int64 days since 1970-01-01 (time of day and time zone dropped)."""
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    return dates.to_numpy().astype("datetime64[D]").astype(np.int64)


#: How :func:`drivers` can enter a numeric feature, and the ``scale`` label of its odds ratio.
SCALES = {"sd": "per SD", "log2": "per doubling", "unit": "per unit"}


def _scales(scale, features):
    """Per-feature scale names from a string or a {feature: scale} mapping (default "sd")."""
    if isinstance(scale, str):
        _check_choice(scale, tuple(SCALES), "scale")
        return dict.fromkeys(features, scale)
    if not isinstance(scale, dict):
        raise TypeError(f"scale must be one of {list(SCALES)} or a dict mapping features to them; "
                        f"got {type(scale).__name__}")
    unknown = [f for f in scale if f not in features]
    if unknown:
        raise ValueError(f"scale names {unknown}, which are not among the features {features}")
    for v in scale.values():
        _check_choice(v, tuple(SCALES), "scale")
    return {f: scale.get(f, "sd") for f in features}


def _design(data, features, scales):
    """Scaled numeric columns and one-hot categoricals (reference = most frequent level).

    Numeric features: "sd" standardises (odds ratio per standard deviation), "log2" uses
    sign(x) * log2(1 + |x|) (odds ratio per doubling of 1 + x) and "unit" the raw values.
    """
    cols, info = [], []
    for feat in features:
        x = data[feat]
        if pd.api.types.is_numeric_dtype(x.dtype) and not pd.api.types.is_bool_dtype(x.dtype):
            v = x.astype(float)
            sd = v.std(ddof=1)
            if not sd > 0:
                warnings.warn(f"feature {feat!r} is constant in the modelled rows and was left out",
                              UserWarning, stacklevel=3)
                continue
            how = scales[feat]
            if how == "sd":
                v = (v - v.mean()) / sd
            elif how == "log2":
                v = np.sign(v) * np.log2(1 + v.abs())
            cols.append(v.rename(feat))
            info.append({"term": feat, "feature": feat, "level": None, "scale": SCALES[how],
                         "sd": float(sd)})
        else:
            v = x.astype(str) if not isinstance(x.dtype, pd.CategoricalDtype) else x
            counts = v.value_counts(sort=False)
            if len(counts) < 2:
                warnings.warn(f"feature {feat!r} has a single level in the modelled rows and was "
                              "left out", UserWarning, stacklevel=3)
                continue
            levels = sorted(counts.index, key=lambda lv: (-counts[lv], str(lv)))
            ref = levels[0]
            for lv in sorted(levels[1:], key=str):
                name = f"{feat}[{lv}]"
                cols.append((v == lv).astype(float).rename(name))
                info.append({"term": name, "feature": feat, "level": str(lv),
                             "scale": f"vs {ref}", "sd": np.nan})
    if not cols:
        raise ValueError("no usable feature left to model (all constant or single-level)")
    return pd.concat(cols, axis=1), pd.DataFrame(info)


def _separation_check(X, info, y):
    """Warn about dummies whose rows all fall in one outcome class (quasi-separation)."""
    bad = []
    for term in info.loc[info["level"].notna(), "term"]:
        hit = X[term].to_numpy() == 1
        if hit.any() and pd.Series(y[hit]).nunique() == 1:
            bad.append(term)
    if bad:
        warnings.warn(f"every answer in {bad} falls in one class (separation); their odds ratios "
                      "are unbounded and their intervals meaningless - merge rare levels",
                      UserWarning, stacklevel=3)
    return bad


def _fit_ordered(model):
    """Fit the ordered logit by Newton's method; BFGS (exact gradient) if Newton fails.

    Warnings of a Newton fit that is kept are passed on; those of a failed one are dropped (the
    BFGS refit reports its own).
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = model.fit(method="newton", disp=False, maxiter=100)
            ok = bool(res.mle_retvals.get("converged")) and bool(np.isfinite(res.params).all()) \
                and bool(np.isfinite(res.bse).all())
        except np.linalg.LinAlgError:
            ok = False
    if not ok:  # e.g. separation: the likelihood has no maximum and Newton steps diverge
        return model.fit(method="bfgs", disp=False, maxiter=2000)
    for w in caught:
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return res


def drivers(df, features, *, transactions=None, behaviour=("tenure_days", "orders", "spend"),
            scale="sd", score="score", outcome="class", model="ordinal",
            customer_id="customer_id", date="response_date", alpha=0.05) -> pd.DataFrame:
    """Which attributes move the score: an ordinal (or multinomial) logit with odds ratios.

    The outcome is the ordered NPS class (detractor < passive < promoter), or the 0-10 score with
    ``outcome="score"``. Numeric features are standardised (odds ratio per standard deviation) or,
    with ``scale``, put on a log2 scale (odds ratio per doubling) or left in their units;
    categorical ones are one-hot encoded against their most frequent level. With ``transactions``,
    each linked respondent's behaviour up to the answer (:func:`behaviour_at_response`) is joined
    and the ``behaviour`` columns are added to the features.

    - ``model="ordinal"``: ``statsmodels`` ``OrderedModel`` (logit link, proportional odds), given
      the logit's exact score and Hessian and fitted by Newton's method to the exact maximum (BFGS
      if Newton fails). An odds ratio above 1 means higher classes become more likely.
    - ``model="multinomial"``: ``statsmodels`` ``MNLogit`` of the class against detractors; one row
      per term and outcome (``passive``, ``promoter``).

    Rows with a missing score or feature are left out with a warning. Non-convergence and
    separation (a level whose answers all fall in one class) produce a ``UserWarning``.

    Parameters
    ----------
    df : DataFrame
        Survey frame (one row per answer).
    features : list of str
        Attribute columns of ``df`` to explain the score with.
    transactions : DataFrame, optional
        Transactions (data contract) to join behaviour from; needs ``customer_id`` in ``df``.
    behaviour : sequence of str, default ("tenure_days", "orders", "spend")
        Behaviour columns added when ``transactions`` is given (``"profit"`` is also available).
    scale : {"sd", "log2", "unit"} or dict, default "sd"
        How numeric features enter the model, for all of them or per feature (``{"orders":
        "log2"}``; features not named use "sd"). "sd": standardised, odds ratio per standard
        deviation. "log2": ``sign(x) * log2(1 + |x|)``, odds ratio per doubling of ``1 + x``;
        suits skewed counts and money (orders, spend), and stays defined for the few negative
        values refunds can leave. "unit": raw values, odds ratio per unit. Categorical features
        are always compared with their reference level, whatever their scale.
    score : str, default "score"
    outcome : {"class", "score"}, default "class"
    model : {"ordinal", "multinomial"}, default "ordinal"
    customer_id, date : str
        Link and response date columns.
    alpha : float, default 0.05
        1 - confidence level of the odds-ratio intervals.

    Returns
    -------
    pandas.DataFrame
        One row per term (and outcome for multinomial), sorted by odds ratio (largest first):
        ``term``, ``feature``, ``level``, ``scale`` ("per SD", "per doubling", "per unit" or
        "vs <reference level>"), ``outcome`` (multinomial only), ``coef``, ``se``, ``odds_ratio``,
        ``ci_low``, ``ci_high``, ``p_value``. ``attrs`` holds ``n``, ``converged``, ``pseudo_r2``,
        ``llr_p_value``, ``model``, ``outcome`` and ``alpha``.

    Raises
    ------
    ValueError
        Missing columns, no features, unknown outcome/model/scale, too few rows.
    TypeError
        ``scale`` neither a string nor a dict.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> x = rng.normal(size=400)
    >>> s = np.clip(np.round(7 + 2 * x + rng.normal(size=400)), 0, 10).astype(int)
    >>> res = drivers(pd.DataFrame({"score": s, "x": x}), ["x"])
    >>> bool(res.loc[0, "odds_ratio"] > 1 and res.loc[0, "p_value"] < 0.001)
    True
    >>> drivers(pd.DataFrame({"score": s, "x": x}), ["x"], scale="unit").loc[0, "scale"]
    'per unit'
    """
    alpha = check_alpha(alpha)
    _check_choice(outcome, ("class", "score"), "outcome")
    _check_choice(model, ("ordinal", "multinomial"), "model")
    if isinstance(features, str):
        features = [features]
    features = list(features)
    if not isinstance(df, pd.DataFrame):
        raise TypeError("df must be a pandas DataFrame")
    if transactions is not None:
        for c in (customer_id, date):
            if c not in df.columns:
                raise ValueError(f"joining behaviour needs column {c!r} in df; the survey is not "
                                 "linked to transactions")
        df = behaviour_at_response(df, transactions, customer_id=customer_id, date=date)
        unknown = [b for b in behaviour if b not in df.columns]
        if unknown:
            raise ValueError(f"behaviour columns {unknown} are not available; choose from "
                             f"{[c for c in BEHAVIOUR_COLUMNS if c in df.columns]}")
        features += [b for b in behaviour if b not in features]
    if not features:
        raise ValueError("give at least one feature")
    missing = [c for c in [score, *features] if c not in df.columns]
    if missing:
        raise ValueError(f"df has no column(s) {missing}; columns are {list(df.columns)}")
    scales = _scales(scale, features)
    vals, _ = _score_values(df[score])
    keep = ~np.isnan(vals) & df[features].notna().all(axis=1).to_numpy()
    if (~keep).any():
        detail = ""
        if transactions is not None:
            unlinked = int(df[customer_id].isna().sum())
            detail = f" ({unlinked} of them not linked to a customer, so without behaviour)"
        warnings.warn(f"{(~keep).sum()} of {len(df)} rows have a missing score or feature and were "
                      f"left out of the model{detail}", UserWarning, stacklevel=2)
    data = df.loc[keep, features]
    v = vals[keep]
    if outcome == "class":
        y_codes = _codes(v).astype(int)
        labels = [CLASSES[c] for c in sorted(set(y_codes))]
    else:
        y_codes = v.astype(int)
        labels = [str(c) for c in sorted(set(y_codes))]
    if len(labels) < 2:
        raise ValueError("every modelled answer falls in one outcome level; nothing to explain")
    y_rank = np.searchsorted(np.unique(y_codes), y_codes)
    X, info = _design(data, features, scales)
    if len(X) < 5 * (X.shape[1] + len(labels)):
        warnings.warn(f"only {len(X)} rows for {X.shape[1]} terms; estimates are unstable",
                      UserWarning, stacklevel=2)
    _separation_check(X, info, y_codes)
    X = X.reset_index(drop=True)
    # the fit's own warnings (convergence, overflow, ...) are gathered into one message below;
    # deprecation notices are not about this fit and are passed on as they are
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if model == "ordinal":
            from helpers.nps._ordinal import OrderedLogit

            y = pd.Series(pd.Categorical.from_codes(y_rank, categories=labels, ordered=True))
            # statsmodels' OrderedModel with the logit's exact score and Hessian: Newton steps
            # converge in a few iterations (numerical derivatives cost 20 s on 60,000 answers)
            res = _fit_ordered(OrderedLogit(y, X))
            k = X.shape[1]
            params, bse = res.params.iloc[:k], res.bse.iloc[:k]
            pvals, ci = res.pvalues.iloc[:k], res.conf_int(alpha).iloc[:k]
            table = info.assign(coef=params.to_numpy(), se=bse.to_numpy(),
                                p_value=pvals.to_numpy(), _lo=ci.iloc[:, 0].to_numpy(),
                                _hi=ci.iloc[:, 1].to_numpy())
            pseudo_r2 = float(res.prsquared)
            llr_p = float(res.llr_pvalue)
        else:
            import statsmodels.api as sm

            exog = sm.add_constant(X, has_constant="add")
            res = sm.MNLogit(y_rank, exog).fit(method="newton", disp=False, maxiter=200)
            parts = []
            ci_all = res.conf_int(alpha)
            for j in range(res.params.shape[1]):
                lab = labels[j + 1]
                pr = res.params.iloc[1:, j]
                lo_hi = ci_all.xs(ci_all.index.get_level_values(0).unique()[j], level=0) \
                    if isinstance(ci_all.index, pd.MultiIndex) else ci_all
                parts.append(info.assign(outcome=lab, coef=pr.to_numpy(),
                                         se=res.bse.iloc[1:, j].to_numpy(),
                                         p_value=res.pvalues.iloc[1:, j].to_numpy(),
                                         _lo=lo_hi.iloc[1:, 0].to_numpy(),
                                         _hi=lo_hi.iloc[1:, 1].to_numpy()))
            table = pd.concat(parts, ignore_index=True)
            pseudo_r2 = float(res.prsquared)
            llr_p = float(res.llr_pvalue)
    converged = bool(res.mle_retvals.get("converged", True))
    notices = (DeprecationWarning, FutureWarning)
    for w in caught:
        if issubclass(w.category, notices):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    messages = {str(w.message) for w in caught if not issubclass(w.category, notices)}
    if not converged or messages:
        detail = f" ({'; '.join(sorted(messages))[:300]})" if messages else ""
        warnings.warn(f"the {model} model did not converge cleanly{detail}; check for separation "
                      "or collinear features", UserWarning, stacklevel=2)
    huge = (~np.isfinite(table["se"])) | (table["coef"].abs() > 10)
    if huge.any():
        warnings.warn(f"terms {table.loc[huge, 'term'].tolist()} have extreme or undefined "
                      "estimates (likely separation)", UserWarning, stacklevel=2)
    with np.errstate(over="ignore"):  # separated terms: infinite odds ratios, already warned
        table["odds_ratio"] = np.exp(table["coef"])
        table["ci_low"], table["ci_high"] = np.exp(table["_lo"]), np.exp(table["_hi"])
    cols = ["term", "feature", "level", "scale"] + (["outcome"] if model == "multinomial" else []) \
        + ["coef", "se", "odds_ratio", "ci_low", "ci_high", "p_value"]
    sort_keys = (["outcome"] if model == "multinomial" else []) + ["odds_ratio", "term"]
    asc = ([True] if model == "multinomial" else []) + [False, True]
    out = table[cols].sort_values(sort_keys, ascending=asc, kind="stable").reset_index(drop=True)
    out.attrs.update({"n": int(len(X)), "converged": converged, "pseudo_r2": pseudo_r2,
                      "llr_p_value": llr_p, "model": model, "outcome": outcome, "alpha": alpha})
    return out
