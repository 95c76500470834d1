"""Fixtures shared by the test folders (tests/ mirrors src/helpers/)."""

import pytest

from helpers.io import load_all
from helpers.paths import SAMPLE_CONFIG


@pytest.fixture(scope="session")
def sample():
    """The bundled sample, loaded once per test session (a ``Dataset``; treat it as read-only)."""
    return load_all(SAMPLE_CONFIG)
