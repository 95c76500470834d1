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
