"""Test session set-up shared by unit tests and notebook validation."""

import os

import matplotlib

# Notebook kernels (nbval) inherit this process's environment: keep their inline figures.
os.environ.pop("MPLBACKEND", None)
matplotlib.use("Agg")  # figures in this process (plot unit tests) need no display

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    """Close the figures a test or docstring example opened, so they do not pile up."""
    yield
    plt.close("all")
