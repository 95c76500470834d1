"""Fixtures of the lifecycle tests: tiny hand-made histories and a clean plot state."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from tests.lifecycle.common import make_tx  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    np.random.seed(0)
    yield
    plt.close("all")


@pytest.fixture
def stage_tx():
    return make_tx([
        ("new", "2024-06-10", 10),               # first purchase 20 days ago
        ("active", "2024-03-01", 10),
        ("active", "2024-04-15", 10),
        ("active", "2024-06-15", 10),            # 15 days ago, no gap > 90
        ("react", "2023-10-01", 10),
        ("react", "2024-06-20", 10),             # back after a 263-day gap, 10 days ago
        ("atrisk", "2024-03-01", 10),
        ("atrisk", "2024-04-20", 10),            # 71 days ago
        ("lapsed", "2024-01-05", 10),            # 177 days ago
        ("edge30", "2024-04-01", 1),
        ("edge30", "2024-05-31", 1),             # exactly 30 days -> active
        ("edge31", "2024-03-01", 1),
        ("edge31", "2024-05-30", 1),             # 31 days -> at risk
        ("edge90", "2024-02-01", 1),
        ("edge90", "2024-04-01", 1),             # exactly 90 days -> at risk
        ("edge91", "2024-02-01", 1),
        ("edge91", "2024-03-31", 1),             # 91 days -> lapsed
        ("refund", "2024-02-01", 10),
        ("refund", "2024-06-25", -10),           # a refund is not activity -> lapsed
        ("future", "2024-07-15", 10),            # first purchase after as_of -> unknown
    ])


@pytest.fixture
def km_tx():
    # lapse_days = 10, end 2024-03-31. Durations (days) and events, by hand:
    # s1: 01-01 only                      -> lapse at 01-11: 10, event
    # s2: 01-01, 01-08                    -> lapse at 01-18: 17, event
    # s3: 01-01, 01-06, 01-26             -> gap 20 after 01-06: lapse at 01-16: 15, event
    # s4: 03-25 only                      -> 6 days open, censored at end: 6
    # s5: 03-01, 03-10, 03-20, 03-28      -> no gap > 10, censored: 30
    # s6: 02-01 only                      -> lapse at 02-11: 10, event
    rows = [("s1", "2024-01-01"), ("s2", "2024-01-01"), ("s2", "2024-01-08"),
            ("s3", "2024-01-01"), ("s3", "2024-01-06"), ("s3", "2024-01-26"),
            ("s4", "2024-03-25"), ("s5", "2024-03-01"), ("s5", "2024-03-10"),
            ("s5", "2024-03-20"), ("s5", "2024-03-28"), ("s6", "2024-02-01")]
    tx = make_tx([(c, d, 1.0) for c, d in rows])
    tx["channel"] = tx["customer_id"].map(
        {"s1": "web", "s2": "web", "s3": "web", "s4": "shop", "s5": "shop", "s6": "shop"})
    return tx
