"""helpers.relationship.migration: group migration between two snapshots."""

import numpy as np
import pandas as pd

from helpers.relationship import migration


def test_migration_conserves_customers():
    before = pd.Series(["Strangers", "True Friends", "Barnacles", "True Friends"], index=list("abcd"))
    after = pd.Series(["Strangers", "Butterflies", "Barnacles", "True Friends", "Strangers"],
                      index=list("abcde"))
    counts, shares = migration(before, after)
    assert counts.values.sum() == 5
    assert counts.loc["True Friends", "Butterflies"] == 1 and counts.loc["(new)", "Strangers"] == 1
    assert np.allclose(shares.sum(axis=1), 1.0)
