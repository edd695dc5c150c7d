"""Shared test settings: hypothesis runs deterministically, with no deadline (CI machines are noisy).

Each property test tries 25 examples locally and 100 under CI (``CI`` set); ``HYPOTHESIS_EXAMPLES``
overrides both.
"""

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default",
    deadline=None,
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "100" if os.environ.get("CI") else "25")),
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("default")


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)
