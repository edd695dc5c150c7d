"""Datasets: things with a length that give one example per index, and ways to split them.

A ``Dataset`` answers ``len(ds)`` and ``ds[i]``. It may also answer ``ds.__getitems__(indices)`` with a whole
batch at once (as PyTorch 2's datasets may); ``DataLoader`` then asks for one batch per step instead of
looping over examples in Python. ``TensorDataset`` does so with one fancy index per array, which is what
makes an epoch over in-memory arrays cost about as much as indexing the arrays by hand.

Splits: ``random_split`` (PyTorch's rule for lengths and fractions) and ``stratified_split`` (each class
divided in the same proportion).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..random import Generator, numpy_generator
from ..tensor import Tensor, wrap


class Dataset:
    """The base class: subclasses give ``__len__`` and ``__getitem__(i)`` (one example, usually a tuple
    ``(x, y)``). A subclass may add ``__getitems__(indices: np.ndarray)`` returning the whole batch already
    stacked (a tuple of arrays, one per field; PyTorch's returns a list of examples instead), which
    ``DataLoader`` prefers when present."""

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must define __len__")


class TensorDataset(Dataset):
    """Examples made of rows of arrays: ``ds[i] == (a[i], b[i], ...)``, a tuple of Tensors as in PyTorch.

    Arrays (numpy arrays, Tensors or nested lists) must have the same length along axis 0; they are kept as
    numpy arrays in ``.arrays`` (a Tensor's array is shared, not copied), and ``.tensors`` shows them as
    Tensors sharing that memory, as PyTorch's attribute. ``ds[i]`` gives each row as a
    Tensor (a 0-d Tensor for a scalar label) with the DataLoader's dtype rule: float64 rows become float32,
    other dtypes are kept; other rows share memory with the arrays. ``__getitems__`` (the DataLoader's batch
    path) returns the stacked numpy arrays, one fancy index per array.

    >>> ds = TensorDataset(np.arange(6.0).reshape(3, 2), np.array([0, 1, 0]))
    >>> len(ds), ds[1]
    (3, (tensor([2., 3.]), tensor(1)))
    >>> ds.__getitems__(np.array([2, 0]))[1]
    array([0, 0])
    """

    def __init__(self, *arrays: Any) -> None:
        if not arrays:
            raise ValueError("TensorDataset: give at least one array")
        converted = tuple(_as_numpy(a, position) for position, a in enumerate(arrays))
        lengths = tuple(len(a) for a in converted)
        if len(set(lengths)) != 1:
            raise ValueError(
                f"TensorDataset: Size mismatch between tensors: all arrays need the same length along "
                f"axis 0, got lengths {lengths}"
            )
        self.arrays: tuple[np.ndarray, ...] = converted

    @property
    def tensors(self) -> tuple[Tensor, ...]:
        """The arrays as Tensors sharing their memory (PyTorch's ``TensorDataset.tensors``)."""
        return tuple(wrap(a) for a in self.arrays)

    def __getitem__(self, index: int) -> tuple[Tensor, ...]:
        return tuple(_as_tensor(a[index]) for a in self.arrays)

    def __getitems__(self, indices: np.ndarray) -> tuple[np.ndarray, ...]:
        """The batch ``indices`` as one fancy-indexed array per field (a copy, never a view)."""
        return tuple(a[indices] for a in self.arrays)

    def __len__(self) -> int:
        return len(self.arrays[0])

    def __repr__(self) -> str:
        shapes = ", ".join(f"{a.shape} {a.dtype}" for a in self.arrays)
        return f"TensorDataset({shapes})"


def _as_tensor(row: Any) -> Tensor:
    """One example's field as a Tensor: float64 becomes float32 (the DataLoader's rule), else shared."""
    array = np.asarray(row)
    return wrap(array.astype(np.float32) if array.dtype == np.float64 else array)


def _as_numpy(array: Any, position: int) -> np.ndarray:
    result = array.array if isinstance(array, Tensor) else np.asarray(array)
    if result.ndim == 0:
        raise ValueError(
            f"TensorDataset: array {position} is a scalar; each array needs an axis 0 of examples"
        )
    return result


class Subset(Dataset):
    """The examples of ``dataset`` at ``indices``, in that order: ``Subset(ds, idx)[k] == ds[idx[k]]``.

    When ``dataset`` answers ``__getitems__``, so does the subset (the indices are mapped and passed on).
    """

    def __init__(self, dataset: Any, indices: Sequence[int] | np.ndarray) -> None:
        indices = np.asarray(indices)
        if indices.ndim != 1 or (indices.size and indices.dtype.kind not in "iu"):
            raise TypeError(
                f"Subset: indices are a 1-D sequence of ints, got {indices.dtype} {indices.shape}"
            )
        n = len(dataset)
        if indices.size and (indices.min() < -n or indices.max() >= n):
            raise IndexError(
                f"Subset: indices range over [{indices.min()}, {indices.max()}], the dataset has {n} examples"
            )
        self.dataset = dataset
        self.indices = indices.astype(np.int64)

    def __getitem__(self, index: int) -> Any:
        return self.dataset[int(self.indices[index])]

    @property
    def __getitems__(self) -> Any:
        """The batched getter, present only when the underlying dataset has one."""
        if not hasattr(self.dataset, "__getitems__"):
            raise AttributeError(f"{type(self.dataset).__name__} has no __getitems__")
        return self._getitems

    def _getitems(self, indices: np.ndarray) -> Any:
        return self.dataset.__getitems__(self.indices[indices])

    def __len__(self) -> int:
        return len(self.indices)


def random_split(
    dataset: Any, lengths: Sequence[int | float], seed: Any = None, *, generator: Generator | None = None
) -> list[Subset]:
    """Split ``dataset`` into non-overlapping random ``Subset``s of the given lengths (PyTorch's rule).

    ``lengths`` are ints summing to ``len(dataset)``, or fractions summing to 1: each fraction f gets
    floor(f * n) examples and the remaining ones go round-robin, one each, to the first subsets. The
    examples are a random permutation of ``range(n)`` cut in order: from ``np.random.default_rng(seed)``
    when a seed is given, from ``generator`` (a ``tg.Generator``; PyTorch's third argument, so one given in
    ``seed``'s place is taken as the generator), else from tensorgrad's default generator (so
    ``tg.manual_seed`` fixes it).

    >>> [len(s) for s in random_split(range(10), [0.5, 0.3, 0.2], seed=0)]
    [5, 3, 2]
    >>> [len(s) for s in random_split(range(11), [0.5, 0.5], seed=0)]
    [6, 5]
    """
    n = len(dataset)
    lengths = list(lengths)
    if not lengths:
        raise ValueError("random_split: give at least one length")
    if all(isinstance(k, (int, np.integer)) and not isinstance(k, bool) for k in lengths):
        sizes = [int(k) for k in lengths]
        if any(k < 0 for k in sizes):
            raise ValueError(f"random_split: lengths must be non-negative, got {sizes}")
    elif all(isinstance(f, (int, float, np.number)) for f in lengths) and math.isclose(sum(lengths), 1.0):
        if any(not 0.0 <= f <= 1.0 for f in lengths):
            raise ValueError(f"random_split: fractions must lie in [0, 1], got {lengths}")
        sizes = [math.floor(n * f) for f in lengths]
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
    else:
        raise ValueError(
            f"random_split: lengths are ints summing to len(dataset) = {n} or fractions summing to 1, "
            f"got {lengths}"
        )
    if sum(sizes) != n:
        raise ValueError(
            f"random_split: the lengths {sizes} sum to {sum(sizes)}, the dataset has {n} examples"
        )
    if isinstance(seed, Generator):
        seed, generator = None, seed
    if seed is not None and generator is not None:
        raise ValueError("random_split: give seed= or generator=, not both")
    rng = numpy_generator(generator) if seed is None else np.random.default_rng(seed)
    order = rng.permutation(n)
    ends = np.cumsum(sizes)
    return [Subset(dataset, order[end - size : end]) for end, size in zip(ends, sizes)]


def stratified_split(
    labels: Sequence[int] | np.ndarray, test_fraction: float = 0.2, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Indices ``(train_idx, test_idx)`` (sorted) splitting the examples so each class is divided alike.

    The test set has ceil(test_fraction * n) examples, as scikit-learn's ``train_test_split`` gives. They are
    shared among the classes by largest remainder: class c with n_c members first gets floor(test_fraction
    * n_c); the few left over go to the classes with the largest fractional parts (ties: smaller label
    first). Every class keeps at least one example on each side. Which members of a class go to the test
    set is a random choice from ``np.random.default_rng(seed)``, so the split is deterministic.

    >>> train, test = stratified_split([0, 0, 0, 0, 1, 1, 1, 1, 1, 1], test_fraction=0.5, seed=0)
    >>> len(train), len(test), sorted(np.concatenate([train, test]).tolist()) == list(range(10))
    (5, 5, True)
    """
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"stratified_split: labels are one per example (1-D), got shape {labels.shape}")
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(
            f"stratified_split: test_fraction lies strictly between 0 and 1, got {test_fraction}"
        )
    classes, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    small = classes[counts < 2]
    if small.size:
        raise ValueError(
            f"stratified_split: every class needs at least 2 examples (one per side); "
            f"classes {small.tolist()} have fewer"
        )
    exact = counts * test_fraction
    per_class = np.floor(exact).astype(np.int64)
    total = math.ceil(len(labels) * test_fraction - 1e-9)  # the tolerance keeps 0.2 * 100 at 20
    left = max(total - int(per_class.sum()), 0)
    by_remainder = np.argsort(-(exact - per_class), kind="stable")
    per_class[by_remainder[:left]] += 1
    per_class = np.clip(per_class, 1, counts - 1)
    rng = np.random.default_rng(seed)
    test_parts = []
    for c, n_test in enumerate(per_class):
        members = np.flatnonzero(inverse == c)
        test_parts.append(rng.permutation(members)[:n_test])
    test = np.sort(np.concatenate(test_parts))
    train = np.setdiff1d(np.arange(len(labels)), test)
    return train, test
