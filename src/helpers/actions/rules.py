"""The one rule engine: playbook rules and buyer-type rules are both matched here.

Rule conditions (``when``) are matched against a table of facts, one row per customer:

- ``column: value``            equal to the value
- ``column: true`` / ``false`` a yes/no fact (e.g. ``fresh_answer``) is true / false; only on a
                               yes/no fact (a missing value counts as false)
- ``column: [v1, v2]``         one of the values (text)
- ``column: [lo, hi]``         numeric range ``lo <= x < hi``; ``None`` leaves a side open
- ``column: {min: lo, max: hi}`` the same, spelled out

A rule with no conditions matches everyone (use it last, as the default action). When several rules
match, the one with the lowest ``priority`` wins and ties go to the rule listed first: the resolution
is deterministic.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

__all__ = ["match_rules", "describe_conditions"]


def _is_range(v) -> bool:
    return (isinstance(v, (list, tuple)) and len(v) == 2
            and all(x is None or (isinstance(x, numbers.Number) and not isinstance(x, bool)) for x in v)
            and any(x is not None for x in v))


def _condition(facts: pd.DataFrame, column: str, spec) -> pd.Series:
    if column not in facts.columns:
        raise KeyError(f"rule condition on {column!r}, which is not a fact (facts: {list(facts.columns)})")
    s = facts[column]
    if isinstance(spec, bool):
        if not (pd.api.types.is_bool_dtype(s.dtype)
                or s.dropna().map(lambda v: isinstance(v, (bool, np.bool_))).all()):
            raise ValueError(f"rule condition {column}: {str(spec).lower()} needs a yes/no fact, but "
                             f"{column!r} holds {s.dtype} values")
        flag = s.astype("boolean").fillna(False).astype(bool)
        return flag if spec else ~flag
    if isinstance(spec, dict):
        spec = [spec.get("min"), spec.get("max")]
    if _is_range(spec):
        lo, hi = spec
        x = pd.to_numeric(s, errors="coerce")
        m = x.notna()
        if lo is not None:
            m &= x >= lo
        if hi is not None:
            m &= x < hi
        return m.fillna(False).astype(bool)
    if isinstance(spec, (list, tuple, set)):
        return s.astype("object").isin(list(spec)).fillna(False).astype(bool)
    return s.astype("object").eq(spec).fillna(False).astype(bool)


def match_rules(facts: pd.DataFrame, rules, *, key="id", priority="priority") -> pd.DataFrame:
    """Evaluate every rule on every row; a boolean matrix rows x rules, rules in resolution order.

    Parameters
    ----------
    facts : pandas.DataFrame
        One row per customer.
    rules : list of dict
        Each with ``when`` (conditions, see the module docstring), ``key`` and ``priority``.
    key, priority : str
        Names of the rule id and priority fields.

    Returns
    -------
    pandas.DataFrame
        Index as ``facts``; one bool column per rule id, ordered by (priority, position).

    Raises
    ------
    KeyError
        If a condition names a column that ``facts`` lacks.
    ValueError
        If two rules share an id, or a ``true`` / ``false`` condition names a fact that is not
        yes/no.

    Examples
    --------
    >>> f = pd.DataFrame({"x": [1, 5], "g": ["a", "b"]})
    >>> match_rules(f, [{"id": "big", "priority": 1, "when": {"x": [3, None]}},
    ...                 {"id": "any", "priority": 9, "when": {}}]).values.tolist()
    [[False, True], [True, True]]
    """
    ids = [r[key] for r in rules]
    if len(set(ids)) != len(ids):
        raise ValueError(f"rule ids must be unique; repeated: {sorted({i for i in ids if ids.count(i) > 1})}")
    order = sorted(range(len(rules)), key=lambda i: (rules[i][priority], i))
    cols = {}
    for i in order:
        m = pd.Series(True, index=facts.index)
        for column, spec in (rules[i].get("when") or {}).items():
            m &= _condition(facts, column, spec)
        cols[rules[i][key]] = m
    return pd.DataFrame(cols, index=facts.index)


def describe_conditions(when) -> str:
    """A rule's conditions in words, e.g. ``"nps_class = detractor; clv >= 100"``.

    Parameters
    ----------
    when : dict
        Conditions as in a playbook or buyer-type rule (see the module docstring).

    Returns
    -------
    str

    Examples
    --------
    >>> describe_conditions({"lifecycle_stage": ["new", "active"], "p_alive": {"min": 0.5}})
    'lifecycle_stage in (new, active); p_alive >= 0.5'
    >>> describe_conditions({"nps_class": "detractor", "fresh_answer": True})
    'nps_class = detractor; fresh_answer = true'
    >>> describe_conditions({})
    'everyone (catch-all)'
    """
    if not when:
        return "everyone (catch-all)"
    parts = []
    for col, spec in when.items():
        if isinstance(spec, dict):
            spec = [spec.get("min"), spec.get("max")]
        if _is_range(spec):
            lo, hi = spec
            parts.append(" and ".join(filter(None, [f"{col} >= {lo:g}" if lo is not None else None,
                                                    f"{col} < {hi:g}" if hi is not None else None])))
        elif isinstance(spec, (list, tuple, set)):
            parts.append(f"{col} in ({', '.join(map(str, spec))})")
        elif isinstance(spec, bool):
            parts.append(f"{col} = {str(spec).lower()}")
        else:
            parts.append(f"{col} = {spec}")
    return "; ".join(parts)
