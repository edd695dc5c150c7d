"""Inputs for the op tests: float64 leaves and values kept away from the points where an op is not
differentiable (kinks of abs/relu/clip, ties of max/min, zero for log/sqrt/division)."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tensorgrad as tg


def leaf(array: np.ndarray) -> tg.Tensor:
    """A float64 leaf that requires grad."""
    array = np.asarray(array, dtype=np.float64)
    return tg.tensor(array, requires_grad=True)


def uniform(seed: int, shape: tuple[int, ...], low: float = -2.0, high: float = 2.0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(low, high, shape)


def positive(seed: int, shape: tuple[int, ...]) -> np.ndarray:
    return uniform(seed, shape, 0.5, 2.0)


def away_from_zero(seed: int, shape: tuple[int, ...], gap: float = 0.5) -> np.ndarray:
    """Values with |v| in [gap, 2], random sign: far from the kink of abs/relu and from division by 0."""
    rng = np.random.default_rng(seed)
    return rng.uniform(gap, 2.0, shape) * rng.choice([-1.0, 1.0], shape)


def distinct(seed: int, shape: tuple[int, ...], spacing: float = 0.25) -> np.ndarray:
    """A random permutation of an evenly spaced grid: no two values tie (max/min are differentiable)."""
    n = math.prod(shape)
    grid = (np.arange(n) - (n - 1) / 2) * spacing
    return np.random.default_rng(seed).permutation(grid).reshape(shape)


def on_grid(seed: int, shape: tuple[int, ...], offset: float) -> np.ndarray:
    """Multiples of 0.2 plus ``offset``: arrays with offsets 0 and 0.1 differ by >= 0.1 everywhere."""
    return np.random.default_rng(seed).integers(-10, 11, shape) * 0.2 + offset


@st.composite
def reduction_cases(draw, min_side: int = 1, max_side: int = 4, allow_scalar: bool = True):
    """(shape, axis) with axis None, an int (maybe negative) or a tuple of distinct axes (maybe negative);
    shapes have at most ``max_side`` dimensions of at most ``max_side`` each."""
    shape = draw(
        hnp.array_shapes(
            min_dims=0 if allow_scalar else 1, max_dims=max_side, min_side=min_side, max_side=max_side
        )
    )
    ndim = len(shape)
    if ndim == 0:
        return shape, None
    ints = st.integers(-ndim, ndim - 1)
    tuples = st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True).flatmap(
        lambda axes: st.tuples(*[st.sampled_from([a, a - ndim]) for a in axes])
    )
    return shape, draw(st.one_of(st.none(), ints, tuples))


def backward_order(root: tg.Tensor) -> list[tg.Tensor]:
    """Every tensor an op made on the way to ``root``, in the order the engine ran their backward
    (``node.order``): a walk of the graph written here, independent of what tensorgrad.viz collects."""
    made, stack = {}, [root]
    while stack:
        t = stack.pop()
        if t.grad_fn is not None and id(t) not in made:
            made[id(t)] = t
            stack.extend(t.grad_fn.inputs)
    return sorted(made.values(), key=lambda t: t.grad_fn.order)
