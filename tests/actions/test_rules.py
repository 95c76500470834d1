"""helpers.actions.rules: the one rule engine (conditions, precedence, wording)."""

import numpy as np
import pandas as pd
import pytest

from helpers import actions


def test_match_rules_ranges_lists_and_scalars():
    f = pd.DataFrame({"x": [1.0, 5.0, np.nan], "g": ["a", "b", None]})
    rules = [{"id": "lo", "priority": 2, "when": {"x": [None, 3]}},
             {"id": "ab", "priority": 1, "when": {"g": ["a", "b"]}},
             {"id": "b", "priority": 1, "when": {"g": "b", "x": {"min": 5, "max": None}}}]
    m = actions.match_rules(f, rules)
    assert list(m.columns) == ["ab", "b", "lo"]  # priority, then position
    assert m.values.tolist() == [[True, False, True], [True, True, False], [False, False, False]]


def test_match_rules_errors():
    f = pd.DataFrame({"x": [1]})
    with pytest.raises(KeyError, match="not a fact"):
        actions.match_rules(f, [{"id": "r", "priority": 1, "when": {"y": 1}}])
    with pytest.raises(ValueError, match="unique"):
        actions.match_rules(f, [{"id": "r", "priority": 1, "when": {}}, {"id": "r", "priority": 2, "when": {}}])


def test_describe_conditions():
    assert actions.describe_conditions({"nps_class": "detractor", "clv": [10, 20]}) == \
        "nps_class = detractor; clv >= 10 and clv < 20"
    assert actions.describe_conditions({"p_alive": {"max": 0.5}}) == "p_alive < 0.5"


def test_match_rules_yes_no_conditions():
    f = pd.DataFrame({"fresh": pd.array([True, False, pd.NA], dtype="boolean"), "plain": [True, False, True],
                      "score": [1, 0, 1]})
    m = actions.match_rules(f, [{"id": "yes", "priority": 1, "when": {"fresh": True}},
                                {"id": "no", "priority": 2, "when": {"fresh": False}},
                                {"id": "plain", "priority": 3, "when": {"plain": True}}])
    # a missing yes/no fact counts as false
    assert m.values.tolist() == [[True, False, True], [False, True, False], [False, True, True]]
    # true is not 1: a yes/no condition on a number is refused, not matched silently
    with pytest.raises(ValueError, match=r"score: true needs a yes/no fact"):
        actions.match_rules(f, [{"id": "r", "priority": 1, "when": {"score": True}}])
    assert actions.describe_conditions({"fresh": False}) == "fresh = false"
