"""One seeded random generator shared by every random call in tensorgrad.

``tg.manual_seed(n)`` resets it, so weight initialisation, dropout, data shuffling and ``tg.randn`` are
all reproducible from one number.
"""

from __future__ import annotations

import numpy as np

_generator = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed the shared generator (and return it)."""
    global _generator
    _generator = np.random.default_rng(seed)
    return _generator


def generator() -> np.random.Generator:
    """The shared generator: draw from this, never from numpy's global state."""
    return _generator
