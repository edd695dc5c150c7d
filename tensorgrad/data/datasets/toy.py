"""Small synthetic data sets for first experiments: ``(x, y)`` numpy arrays, made from a formula.

x is float32; y is int64 class labels (float32 targets of shape (n, 1) for ``linear_regression``). Each
generator takes ``seed``: the same seed gives the same arrays; ``seed=None`` draws from tensorgrad's shared
generator (``tg.manual_seed``). ε below is standard normal noise.
"""

from __future__ import annotations

import numpy as np

from ...random import generator

_CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def _rng(seed: int | None) -> np.random.Generator:
    return generator() if seed is None else np.random.default_rng(seed)


def _check(op: str, n: int, noise: float, least: int = 1) -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < least:
        raise ValueError(f"{op}: n is an int >= {least}, got {n!r}")
    if not noise >= 0:
        raise ValueError(f"{op}: noise is a standard deviation >= 0, got {noise!r}")


def xor(n: int = 4, noise: float = 0.0, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """The XOR problem: point i sits at corner c = i mod 4 of the unit square, (0,0), (0,1), (1,0), (1,1),
    plus noise: x_i = c + noise * ε_i, and y_i = c_1 XOR c_2.

    ``n=4`` (and no noise) gives the four exact corners with labels 0, 1, 1, 0.

    >>> x, y = xor()
    >>> x.tolist(), y.tolist()
    ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0])
    """
    _check("xor", n, noise)
    corners = _CORNERS[np.arange(n) % 4]
    x = corners + noise * _rng(seed).standard_normal((n, 2)) if noise else corners
    y = (corners[:, 0] != corners[:, 1]).astype(np.int64)
    return x.astype(np.float32), y


def spiral(
    n: int = 100, classes: int = 3, noise: float = 0.2, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms (CS231n): for class j and k = 0 .. n-1,
    r = k / (n - 1), t = 4j + 4k / (n - 1) + noise * ε, x = (r sin t, r cos t), y = j.

    Returns x of shape (n * classes, 2), class by class.
    """
    _check("spiral", n, noise, least=2)
    if isinstance(classes, bool) or not isinstance(classes, (int, np.integer)) or classes < 1:
        raise ValueError(f"spiral: classes is an int >= 1, got {classes!r}")
    rng = _rng(seed)
    r = np.linspace(0.0, 1.0, n)
    arms = []
    for j in range(classes):
        t = np.linspace(4.0 * j, 4.0 * (j + 1), n) + noise * rng.standard_normal(n)
        arms.append(np.stack([r * np.sin(t), r * np.cos(t)], axis=1))
    x = np.concatenate(arms).astype(np.float32)
    return x, np.repeat(np.arange(classes, dtype=np.int64), n)


def moons(n: int = 200, noise: float = 0.1, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (scikit-learn's ``make_moons``, unshuffled): n_0 = n // 2 points
    (cos t, sin t) with t evenly in [0, π], label 0; n_1 = n - n_0 points (1 - cos t, 1/2 - sin t), label 1;
    then x += noise * ε.
    """
    _check("moons", n, noise, least=2)
    n0 = n // 2
    t0, t1 = np.linspace(0.0, np.pi, n0), np.linspace(0.0, np.pi, n - n0)
    outer = np.stack([np.cos(t0), np.sin(t0)], axis=1)
    inner = np.stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)], axis=1)
    x = np.concatenate([outer, inner]) + noise * _rng(seed).standard_normal((n, 2))
    return x.astype(np.float32), np.repeat(np.array([0, 1], dtype=np.int64), [n0, n - n0])


def circles(
    n: int = 200, noise: float = 0.05, factor: float = 0.5, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """A circle inside another (scikit-learn's ``make_circles``, unshuffled): n_0 = n // 2 points
    (cos t, sin t), label 0, and n_1 = n - n_0 points factor * (cos t, sin t), label 1, each with t evenly
    spaced in [0, 2π); then x += noise * ε.
    """
    _check("circles", n, noise, least=2)
    if not 0.0 < factor < 1.0:
        raise ValueError(f"circles: factor (inner radius / outer radius) lies in (0, 1), got {factor!r}")
    n0 = n // 2
    t0 = np.linspace(0.0, 2.0 * np.pi, n0, endpoint=False)
    t1 = np.linspace(0.0, 2.0 * np.pi, n - n0, endpoint=False)
    outer = np.stack([np.cos(t0), np.sin(t0)], axis=1)
    inner = factor * np.stack([np.cos(t1), np.sin(t1)], axis=1)
    x = np.concatenate([outer, inner]) + noise * _rng(seed).standard_normal((n, 2))
    return x.astype(np.float32), np.repeat(np.array([0, 1], dtype=np.int64), [n0, n - n0])


def linear_regression(
    n: int = 100, a: float = 4.0, b: float = 3.0, noise: float = 1.0, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """A line to fit: x ~ Uniform[0, 2), y = a + b x + noise * ε (the "y = 4 + 3x + noise" of the
    linear-regression tutorials). Both x and y are float32 of shape (n, 1).
    """
    _check("linear_regression", n, noise)
    rng = _rng(seed)
    x = 2.0 * rng.random((n, 1))
    y = a + b * x + noise * rng.standard_normal((n, 1))
    return x.astype(np.float32), y.astype(np.float32)
