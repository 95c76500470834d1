"""Fixtures of the report tests."""

from pathlib import Path

import pytest


@pytest.fixture
def tiny_config(tmp_path):
    """A run configuration with a small transactions file (tests/data/bad/refunds.csv)."""
    bad = Path(__file__).parents[1] / "data" / "bad"
    (tmp_path / "tx.csv").write_bytes((bad / "refunds.csv").read_bytes())
    (tmp_path / "c.yml").write_text("name: tiny\ninputs: {transactions: tx.csv}\n")
    return tmp_path / "c.yml"
