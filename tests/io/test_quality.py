"""helpers.io.quality: the data-quality log and the warnings for the analyst."""

import pytest

from helpers.io import QualityLog, data_warnings


def test_quality_log_rejects_unknown_action():
    with pytest.raises(ValueError, match="action must be"):
        QualityLog().add("x", "y", "deleted", 1)


def test_sample_warnings_are_sentences(sample):
    for w in data_warnings(sample):
        assert w.endswith(".")
