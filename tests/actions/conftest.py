"""Fixtures of the actions tests: the sample playbook and the sample's customer view."""

import warnings

import pytest

from helpers import actions


@pytest.fixture
def playbook():
    return actions.load_playbook()


@pytest.fixture(scope="session")
def sample_view(sample):
    """The sample (the session fixture) and its customer view, computed once: ``(Dataset, view)``."""
    with warnings.catch_warnings():
        # the sample's frequencies tie (most customers bought once): the RFM quintiles say so
        warnings.filterwarnings("ignore", message=r"\w score: .* share one value", category=UserWarning)
        v = actions.customer_view(sample)
    return sample, v
