"""Fixtures of the helpers.relationship tests."""

import matplotlib.pyplot as plt
import pandas as pd
import pytest

plt.switch_backend("Agg")


@pytest.fixture
def table():
    # one customer per quadrant, then one exactly on each split line (profit 5, p_alive 0.5)
    return pd.DataFrame({
        "profit": [1.0, 9.0, 1.0, 9.0, 5.0, 1.0],
        "p_alive": [0.1, 0.1, 0.9, 0.9, 0.1, 0.5],
    }, index=list("abcdef"))


@pytest.fixture
def close_figures():
    yield
    plt.close("all")
