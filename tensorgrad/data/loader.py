"""DataLoader: a dataset cut into batches of Tensors, in order or shuffled, epoch after epoch.

Each ``iter(loader)`` is one epoch. Its order is ``0 .. n-1``, or a fresh permutation when ``shuffle``:

- with ``seed``, epoch k (counted from 0 in ``loader.epoch``; set it to resume) uses
  ``np.random.default_rng([seed, k])``: the same seed gives the same sequence of epochs, and each epoch
  differs from the last;
- with ``generator=`` (a ``tg.Generator``, as PyTorch's), each epoch's permutation is drawn from it;
- without either, from tensorgrad's default generator, so ``tg.manual_seed`` fixes it.

The order is cut into runs of ``batch_size`` indices (the last run shorter unless ``drop_last``). A batch is
made in one of two ways, with the same result:

- fast path: the dataset has ``__getitems__(indices)`` (``TensorDataset`` does) and no ``collate_fn`` is
  given; one call returns the stacked batch (one fancy index per array, no Python loop over examples);
- per-example path: ``collate_fn([dataset[i] for i in indices])``, with ``default_collate`` unless another
  is given (a custom ``collate_fn`` always gets the list of examples, as in PyTorch).

Batches become Tensors (``requires_grad=False``) by ``default_collate``'s dtype rule: float64 arrays become
float32, as PyTorch's default dtype would give; every other dtype is kept (integer class labels stay
int64, bools stay bool).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from ..creation import from_numpy
from ..random import Generator, numpy_generator
from ..tensor import Tensor


class DataLoader:
    """Iterate over ``dataset`` in batches of Tensors.

    ``num_workers`` and ``pin_memory`` are accepted so PyTorch code ports unchanged, and change nothing: every
    batch is loaded in this process (the batches are the same as with PyTorch's ``num_workers=0``), and there
    is no GPU memory to pin for.

    >>> from tensorgrad.data import TensorDataset
    >>> ds = TensorDataset(np.arange(10.0).reshape(5, 2), np.array([0, 1, 0, 1, 1]))
    >>> loader = DataLoader(ds, batch_size=2)
    >>> len(loader), [tuple(y.shape) for _, y in loader]
    (3, [(2,), (2,), (1,)])
    >>> x, y = next(iter(loader))
    >>> x.dtype, y.dtype
    (dtype('float32'), dtype('int64'))
    """

    def __init__(
        self,
        dataset: Any,
        batch_size: int = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        seed: int | None = None,
        collate_fn: Callable[[list[Any]], Any] | None = None,
        *,
        num_workers: int = 0,
        pin_memory: bool = False,
        generator: Generator | None = None,
    ) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"DataLoader: batch_size is a positive int, got {batch_size!r}")
        if seed is not None and (
            isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0
        ):
            raise ValueError(f"DataLoader: seed is a non-negative int or None, got {seed!r}")
        if seed is not None and generator is not None:
            raise ValueError("DataLoader: give seed= or generator=, not both")
        numpy_generator(generator)  # checks its type now rather than at the first epoch
        if isinstance(num_workers, bool) or not isinstance(num_workers, (int, np.integer)) or num_workers < 0:
            raise ValueError(f"DataLoader: num_workers is a non-negative int, got {num_workers!r}")
        if collate_fn is not None and not callable(collate_fn):
            raise TypeError(f"DataLoader: collate_fn must be callable, got {type(collate_fn).__name__}")
        try:
            len(dataset)
        except TypeError:
            raise TypeError(
                f"DataLoader: the dataset needs __len__ and __getitem__, got {type(dataset).__name__}"
            ) from None
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.seed = seed
        self.generator = generator
        self.collate_fn = collate_fn
        self.epoch = 0  # how many epochs have started; the next one uses this number

    def __len__(self) -> int:
        """The number of batches in an epoch."""
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self) -> Iterator[Any]:
        order = self._order(len(self.dataset))
        self.epoch += 1
        return self._batches(order)

    def _order(self, n: int) -> np.ndarray:
        if not self.shuffle:
            return np.arange(n)
        if self.seed is None:
            rng = numpy_generator(self.generator)
        else:
            rng = np.random.default_rng([self.seed, self.epoch])
        return rng.permutation(n)

    def _batches(self, order: np.ndarray) -> Iterator[Any]:
        stop = len(self) * self.batch_size if self.drop_last else len(order)
        get_batch = getattr(self.dataset, "__getitems__", None) if self.collate_fn is None else None
        collate = self.collate_fn or default_collate
        for start in range(0, stop, self.batch_size):
            indices = order[start : start + self.batch_size]
            if get_batch is not None:
                yield to_tensors(get_batch(indices))
            else:
                yield collate([self.dataset[int(i)] for i in indices])

    def __repr__(self) -> str:
        return (
            f"DataLoader({type(self.dataset).__name__} of {len(self.dataset)}, batch_size={self.batch_size}, "
            f"shuffle={self.shuffle}, drop_last={self.drop_last}, seed={self.seed})"
        )


def default_collate(examples: list[Any]) -> Any:
    """Stack a list of examples into a batch, field by field: a list of tuples ``(x, y)`` gives a tuple
    of Tensors ``(X, Y)`` (``X[k] = examples[k][0]``); dicts give a dict; arrays or numbers give one Tensor.
    float64 becomes float32; other dtypes are kept.

    >>> default_collate([(np.zeros(2), 1), (np.ones(2), 0)])
    (tensor([[0., 0.],
            [1., 1.]]), tensor([1, 0]))
    """
    if not examples:
        raise ValueError("default_collate: got no examples")
    first = examples[0]
    if isinstance(first, (tuple, list)):
        sizes = {len(e) for e in examples}
        if len(sizes) != 1:
            raise ValueError(
                f"default_collate: the examples have different numbers of fields {sorted(sizes)}"
            )
        return tuple(default_collate([e[k] for e in examples]) for k in range(len(first)))
    if isinstance(first, Mapping):
        return {key: default_collate([e[key] for e in examples]) for key in first}
    arrays = [e.array if isinstance(e, Tensor) else np.asarray(e) for e in examples]
    shapes = {a.shape for a in arrays}
    if len(shapes) != 1:
        raise ValueError(f"default_collate: cannot stack examples of different shapes {sorted(shapes)}")
    return to_tensors(np.stack(arrays))


def to_tensors(batch: Any) -> Any:
    """A batch of arrays (an array, or a tuple/list/dict of them) as Tensors, float64 made float32."""
    if isinstance(batch, (tuple, list)):
        return tuple(to_tensors(b) for b in batch)
    if isinstance(batch, Mapping):
        return {key: to_tensors(value) for key, value in batch.items()}
    array = batch.array if isinstance(batch, Tensor) else np.asarray(batch)
    if array.dtype == np.float64:
        array = array.astype(np.float32)
    return from_numpy(array)
