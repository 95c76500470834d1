"""The playbook: editable rules that give every customer one primary action.

The playbook is a YAML list of rules (``data/sample/playbook.yml`` by default, replaceable from the
config under ``actions: playbook:``), each with ``id``, ``priority`` (1 = most urgent), ``action``,
``owner``, ``reason``, ``when`` (conditions, see :mod:`helpers.actions.rules`), ``contact`` (none,
automated or personal) and ``kind`` (what the action is for; see :data:`helpers.frameworks.ACTION_KINDS`),
optionally ``exception`` (a group or stage whose strategy the rule overrides, with the reason; see
:mod:`helpers.actions.strategy`). It must end with a
catch-all rule (``when: {}``), so that a customer without a purchase or an answer still gets an
action.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from helpers.actions.rules import describe_conditions, match_rules
from helpers.actions.strategy import check_rule_fields
from helpers.paths import SAMPLE_DIR, resolve

__all__ = ["DEFAULT_PLAYBOOK", "PLAYBOOK_FIELDS", "load_playbook", "apply_playbook", "playbook_table"]

#: The sample's playbook, used when the config names none.
DEFAULT_PLAYBOOK = SAMPLE_DIR / "playbook.yml"
#: Fields every playbook rule must have.
PLAYBOOK_FIELDS = ("id", "priority", "action", "owner", "reason", "when", "contact", "kind")


def load_playbook(path=None) -> list[dict]:
    """Read and validate a playbook (YAML list of rules).

    Parameters
    ----------
    path : str or Path, optional
        Default: ``data/sample/playbook.yml``.

    Returns
    -------
    list of dict
        Rules with ``id``, ``priority`` (1 = most urgent), ``action``, ``owner``, ``reason``, ``when``,
        ``contact``, ``kind`` and optionally ``exception``.

    Raises
    ------
    ValueError
        If a rule lacks a field, ids repeat, a priority is not a positive integer, no rule is a
        catch-all (``when: {}``), which would leave customers without an action, or a contact
        level, kind or exception is not well formed (:func:`helpers.actions.strategy.check_rule_fields`).

    Examples
    --------
    >>> rules = load_playbook()
    >>> rules[-1]["when"]
    {}
    """
    path = resolve(path or DEFAULT_PLAYBOOK)
    rules = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(rules, list) or not rules:
        raise ValueError(f"{path}: a playbook is a YAML list of rules")
    for i, r in enumerate(rules, 1):
        missing = [f for f in PLAYBOOK_FIELDS if f not in r]
        if missing:
            raise ValueError(f"{path}: rule {i} ({r.get('id', '?')}) lacks {missing}")
        if not isinstance(r["priority"], int) or r["priority"] < 1:
            raise ValueError(f"{path}: rule {r['id']}: priority must be a whole number >= 1")
        r["when"] = r["when"] or {}
    ids = [r["id"] for r in rules]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{path}: rule ids repeat: {sorted({i for i in ids if ids.count(i) > 1})}")
    if not any(not r["when"] for r in rules):
        raise ValueError(f"{path}: add a catch-all rule (`when: {{}}`) so every customer gets an action")
    check_rule_fields(rules, source=str(path))
    return rules


def apply_playbook(facts: pd.DataFrame, rules) -> pd.DataFrame:
    """Give every customer exactly one primary action, plus the list of every rule that matched.

    Parameters
    ----------
    facts : pandas.DataFrame
        One row per customer with the columns the rules test.
    rules : list of dict
        As returned by :func:`load_playbook`.

    Returns
    -------
    pandas.DataFrame
        Index as ``facts``; ``rule``, ``action``, ``priority``, ``owner``, ``reason`` of the primary
        rule and ``matched`` (ids of every matching rule, in resolution order, ``;``-separated).

    Raises
    ------
    ValueError
        If some customer matches no rule.

    Examples
    --------
    >>> f = pd.DataFrame({"nps_class": ["detractor", "promoter"]})
    >>> rules = [{"id": "fix", "priority": 1, "action": "call", "owner": "CS", "reason": "unhappy",
    ...           "when": {"nps_class": "detractor"}},
    ...          {"id": "keep", "priority": 9, "action": "none", "owner": "-", "reason": "-", "when": {}}]
    >>> apply_playbook(f, rules)[["rule", "matched"]].values.tolist()
    [['fix', 'fix;keep'], ['keep', 'keep']]
    """
    m = match_rules(facts, rules)
    none = ~m.any(axis=1)
    if none.any():
        raise ValueError(f"{int(none.sum())} customers match no playbook rule (e.g. "
                         f"{list(facts.index[none][:5])}): add a catch-all rule")
    by_id = {r["id"]: r for r in rules}
    cols = np.array(m.columns)
    first = cols[m.to_numpy().argmax(axis=1)]
    out = pd.DataFrame({"rule": first}, index=facts.index)
    won, which = np.unique(first, return_inverse=True)  # a few rules win: look each up once
    which = which.ravel().tolist()
    for f in ("action", "priority", "owner", "reason"):
        values = [by_id[r][f] for r in won]
        out[f] = [values[i] for i in which]
    # the matched rules of each customer as text, once per distinct pattern of matches
    patterns, inverse = np.unique(np.packbits(m.to_numpy(), axis=1), axis=0, return_inverse=True)
    bits = np.unpackbits(patterns, axis=1, count=len(cols)).astype(bool)
    names = [";".join(cols[row]) for row in bits]
    out["matched"] = [names[i] for i in inverse.ravel().tolist()]
    return out


def playbook_table(rules, view=None) -> pd.DataFrame:
    """The playbook as a table in resolution order, optionally with how many customers each rule got.

    Parameters
    ----------
    rules : list of dict
        As returned by :func:`load_playbook`.
    view : pandas.DataFrame, optional
        Output of :func:`helpers.actions.customer_view` (``rule`` and ``matched`` columns), for
        the counts.

    Returns
    -------
    pandas.DataFrame
        One row per rule, in the order the rules are tried (priority, then position in the file):
        ``order``, ``id``, ``priority``, ``when`` (conditions in words), ``action``, ``contact``,
        ``kind``, ``owner``, ``reason`` and, with ``view``, ``customers`` (primary action) and
        ``matched`` (customers the rule matched, whether or not it won).

    Examples
    --------
    >>> rules = [{"id": "b", "priority": 9, "action": "B", "owner": "", "reason": "", "when": {}},
    ...          {"id": "a", "priority": 1, "action": "A", "owner": "", "reason": "",
    ...           "when": {"clv": [100, None]}}]
    >>> playbook_table(rules)[["id", "when"]].values.tolist()
    [['a', 'clv >= 100'], ['b', 'everyone (catch-all)']]
    """
    order = sorted(range(len(rules)), key=lambda i: (rules[i]["priority"], i))
    table = pd.DataFrame([{"order": k + 1, "id": rules[i]["id"], "priority": rules[i]["priority"],
                           "when": describe_conditions(rules[i].get("when")), "action": rules[i]["action"],
                           "contact": rules[i].get("contact"), "kind": rules[i].get("kind"),
                           "owner": rules[i]["owner"], "reason": rules[i]["reason"]}
                          for k, i in enumerate(order)])
    if view is not None:
        table["customers"] = table["id"].map(view["rule"].value_counts()).fillna(0).astype("int64")
        hits = view["matched"].str.split(";").explode().value_counts()
        table["matched"] = table["id"].map(hits).fillna(0).astype("int64")
    return table


def _playbook_path(cfg):
    """The playbook a run configuration names (relative to the config file), else the default."""
    path = (cfg.get("actions") or {}).get("playbook")
    if not path:
        return DEFAULT_PLAYBOOK
    base = Path(cfg["config_path"]).parent if cfg.get("config_path") else None
    return resolve(path, base=base) if base is not None else resolve(path)
