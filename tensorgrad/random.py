"""Random number generators, as PyTorch's ``torch.Generator``, each wrapping a numpy ``Generator``.

One generator is shared by every random call that is not given its own: ``tg.default_generator``.
``tg.manual_seed(n)`` reseeds it, so weight initialisation, dropout, data shuffling and ``tg.randn`` are all
reproducible from one number. A random function's ``generator=`` takes a ``tg.Generator`` of its own
(``g = tg.Generator().manual_seed(2147483647)``), whose stream nothing else touches.

The rule: the same seed gives the same numbers within tensorgrad (numpy's PCG64 stream, not PyTorch's
Mersenne Twister: the numbers themselves differ from PyTorch's).

Package code draws from ``numpy_generator(generator)``: the numpy Generator of ``generator`` (a
``tg.Generator``, or None for the default one), never from numpy's global state.
"""

from __future__ import annotations

import json
import operator
import secrets
from typing import Any

import numpy as np

_SEED_MASK = (1 << 64) - 1
PYTORCH_DEFAULT_SEED = 67280421310721  # what a new torch.Generator() starts from, as in PyTorch


class Generator:
    """A seeded source of random numbers (PyTorch's ``torch.Generator``; CPU only).

    ``manual_seed(n)`` reseeds it and returns it, so ``g = tg.Generator().manual_seed(42)`` works;
    ``seed()`` reseeds it from the operating system's entropy and returns that seed; ``initial_seed()`` is
    the last seed set. A new generator starts from PyTorch's fixed default seed, so two new generators give
    the same numbers. ``get_state()``/``set_state()`` save and restore its position in the stream.
    """

    __slots__ = ("_rng", "_seed")

    def __init__(self, device: Any = "cpu") -> None:
        from .device import check_device  # device imports nothing from here; kept local to stay a leaf

        check_device(device, "Generator")
        self.manual_seed(PYTORCH_DEFAULT_SEED)

    def manual_seed(self, seed: Any) -> Generator:
        """Restart the stream from ``seed`` (an int; negative ones wrap modulo 2**64 as in PyTorch)."""
        try:
            seed = operator.index(seed)  # an int, numpy int or one-element integer Tensor
        except TypeError:
            raise TypeError(f"manual_seed: the seed is an int, got {type(seed).__name__}") from None
        self._seed = seed & _SEED_MASK
        self._rng = np.random.default_rng(self._seed)
        return self

    def seed(self) -> int:
        """Reseed from the operating system's entropy (not reproducible) and return the new seed."""
        seed = secrets.randbits(63)
        self.manual_seed(seed)
        return seed

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> Any:
        """The stream's position as a uint8 Tensor (for ``set_state``; its layout is tensorgrad's own)."""
        from .tensor import wrap

        state = {"seed": self._seed, "bit_generator": self._rng.bit_generator.state}
        return wrap(np.frombuffer(json.dumps(state).encode(), dtype=np.uint8).copy())

    def set_state(self, state: Any) -> Generator:
        """Go back to a position saved by ``get_state``."""
        try:
            saved = json.loads(np.asarray(state, dtype=np.uint8).tobytes().decode())
            rng = np.random.default_rng()
            rng.bit_generator.state = saved["bit_generator"]
        except (ValueError, KeyError, TypeError) as err:
            raise ValueError(
                f"set_state: expects a uint8 state from Generator.get_state() (or tg.get_rng_state()); {err}"
            ) from None
        self._seed, self._rng = saved["seed"], rng
        return self

    @property
    def device(self) -> Any:
        from .device import CPU

        return CPU

    def __repr__(self) -> str:
        return f"<tensorgrad.Generator initial_seed={self._seed}>"


default_generator = Generator().manual_seed(secrets.randbits(63))
"""The generator random calls use unless given ``generator=`` (PyTorch's ``torch.default_generator``)."""


def numpy_generator(generator: Generator | np.random.Generator | None = None) -> np.random.Generator:
    """The numpy Generator to draw from for a ``generator=`` argument: None means the default generator.

    A numpy Generator is accepted as it is.
    """
    if generator is None:
        return default_generator._rng
    if isinstance(generator, Generator):
        return generator._rng
    if isinstance(generator, np.random.Generator):
        return generator
    raise TypeError(f"generator= expects a tensorgrad.Generator or None, got {type(generator).__name__}")


def generator() -> np.random.Generator:
    """The default generator's numpy Generator (``numpy_generator()``): draw from this, never from numpy's
    global state."""
    return default_generator._rng


def manual_seed(seed: Any) -> Generator:
    """Reseed the default generator and return it (as ``torch.manual_seed``)."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Reseed the default generator from the operating system's entropy; return the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """The default generator's last seed."""
    return default_generator.initial_seed()


def get_rng_state() -> Any:
    """The default generator's state (a uint8 Tensor), for ``set_rng_state``."""
    return default_generator.get_state()


def set_rng_state(state: Any) -> None:
    """Restore the default generator's state saved by ``get_rng_state``."""
    default_generator.set_state(state)
