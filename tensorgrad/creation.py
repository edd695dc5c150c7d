"""Functions that make tensors: from data, filled with a constant, ranges, and random draws.

As in PyTorch: a shape is separate ints, one tuple or ``size=`` (``zeros(2, 3)``, ``zeros((2, 3))``,
``zeros(size=(2, 3))``); every function takes ``dtype=``, ``device=`` (the CPU only) and ``requires_grad=``.
Floating results are the default dtype (``tg.get_default_dtype()``, float32 unless ``tg.set_default_dtype``
changed it); integer ranges and random integers are int64. Random functions take ``generator=`` (a
``tg.Generator``; without it they draw from ``tg.default_generator``, which ``tg.manual_seed`` reseeds).
"""

from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np

from .device import check_device
from .random import numpy_generator
from .tensor import Tensor, as_array, get_default_dtype, wrap


def tensor(
    data: Any, requires_grad: bool = False, dtype: Any = None, name: str | None = None, device: Any = None
) -> Tensor:
    """A new tensor holding a copy of ``data`` (nested lists, numbers, numpy arrays or a Tensor)."""
    check_device(device, "tensor")
    return Tensor(data, requires_grad=requires_grad, dtype=dtype, name=name)


def from_numpy(array: np.ndarray, requires_grad: bool = False) -> Tensor:
    """A tensor sharing memory with ``array`` (no copy; its dtype is kept)."""
    return wrap(np.asarray(array)).requires_grad_(requires_grad)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """``data`` as a Tensor without copying where possible (a Tensor of the right dtype is returned as is,
    a numpy array of the right dtype is shared)."""
    check_device(device, "as_tensor")
    if isinstance(data, Tensor) and (dtype is None or np.dtype(dtype) == data.dtype):
        return data
    return from_numpy(as_array(data, dtype), False)


def is_tensor(obj: Any) -> bool:
    return isinstance(obj, Tensor)


# ----------------------------------------------------------------------------- helpers
def _shape(shape: tuple[Any, ...], op: str, size: Any = None) -> tuple[int, ...]:
    """The shape from varargs ``(2, 3)``, one sequence ``((2, 3),)`` or ``size=(2, 3)``."""
    if size is not None:
        if shape:
            raise TypeError(f"{op}: give the shape either as arguments or as size=, not both")
        shape = (size,)
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    try:
        dims = tuple(operator.index(n) for n in shape)
    except TypeError:
        dims = ()
    if len(dims) != len(shape) or any(n < 0 for n in dims):
        raise ValueError(f"{op}: a shape is non-negative integers (as arguments or one tuple), got {shape!r}")
    return dims


def _make(array: np.ndarray, op: str, dtype: Any, requires_grad: bool, device: Any) -> Tensor:
    """The tensor of a creation function: ``array`` in ``dtype`` (if given), checked device and grad."""
    check_device(device, op)
    if dtype is not None and np.dtype(dtype) != array.dtype:
        array = array.astype(dtype)
    return wrap(array).requires_grad_(requires_grad) if requires_grad else wrap(array)


def _float_dtype(dtype: Any, op: str) -> np.dtype:
    """The dtype of a random float draw: ``dtype`` if floating, the default dtype if None."""
    if dtype is None:
        return get_default_dtype()
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"{op}: draws floating-point numbers; dtype={dtype} is not floating point")
    return dtype


def _like_dtype(input: Any, dtype: Any) -> np.dtype:
    return np.dtype(dtype) if dtype is not None else as_array(input).dtype


# ----------------------------------------------------------------------------- constants
def zeros(
    *shape: Any, size: Any = None, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """A tensor of zeros (default dtype unless ``dtype``)."""
    array = np.zeros(_shape(shape, "zeros", size), dtype=dtype or get_default_dtype())
    return _make(array, "zeros", None, requires_grad, device)


def ones(
    *shape: Any, size: Any = None, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """A tensor of ones (default dtype unless ``dtype``)."""
    array = np.ones(_shape(shape, "ones", size), dtype=dtype or get_default_dtype())
    return _make(array, "ones", None, requires_grad, device)


def empty(
    *shape: Any, size: Any = None, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """PyTorch's uninitialised tensor; here filled with zeros (deterministic, and just as fast in numpy)."""
    array = np.zeros(_shape(shape, "empty", size), dtype=dtype or get_default_dtype())
    return _make(array, "empty", None, requires_grad, device)


def full(
    size: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """A tensor of ``size`` filled with ``fill_value``; its dtype follows the value (bool, int64, or the
    default float dtype) unless ``dtype`` is given."""
    shape = _shape((size,), "full")
    array = np.full(shape, fill_value, dtype=dtype or as_array(fill_value).dtype)
    return _make(array, "full", None, requires_grad, device)


def zeros_like(input: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """Zeros of ``input``'s shape and dtype (or ``dtype``)."""
    array = np.zeros(np.shape(input), dtype=_like_dtype(input, dtype))
    return _make(array, "zeros_like", None, requires_grad, device)


def ones_like(input: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """Ones of ``input``'s shape and dtype (or ``dtype``)."""
    array = np.ones(np.shape(input), dtype=_like_dtype(input, dtype))
    return _make(array, "ones_like", None, requires_grad, device)


def empty_like(input: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """PyTorch's uninitialised tensor of ``input``'s shape and dtype; here zeros."""
    array = np.zeros(np.shape(input), dtype=_like_dtype(input, dtype))
    return _make(array, "empty_like", None, requires_grad, device)


def full_like(
    input: Any,
    fill_value: Any,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
) -> Tensor:
    """``fill_value`` in ``input``'s shape and dtype (or ``dtype``): ``full_like(int_tensor, 2.5)`` is 2s,
    as in PyTorch."""
    array = np.full(np.shape(input), fill_value, dtype=_like_dtype(input, dtype))
    return _make(array, "full_like", None, requires_grad, device)


def eye(
    n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """The n x m identity matrix (m = n unless given)."""
    return _make(np.eye(n, m, dtype=dtype or get_default_dtype()), "eye", None, requires_grad, device)


# ----------------------------------------------------------------------------- ranges
def arange(
    start: float,
    end: float | None = None,
    step: float = 1,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
) -> Tensor:
    """``start, start + step, ...`` below ``end`` (``arange(n)`` is 0 .. n-1), as PyTorch computes it.

    The count is ``ceil((end - start) / step)`` and value i is ``start + i * step``, both in float64, then
    rounded to the dtype: int64 when all arguments are ints, else the default float dtype.
    """
    if end is None:
        start, end = 0, start
    values = [v.item() if isinstance(v, (Tensor, np.generic)) else v for v in (start, end, step)]
    start, end, step = values
    if step == 0:
        raise ValueError("arange: step must not be zero")
    if (end - start) * step < 0:
        raise ValueError(f"arange: the step {step} does not go from {start} towards {end}")
    ints = all(isinstance(v, int) for v in values)
    if dtype is None:
        dtype = np.int64 if ints else get_default_dtype()
    if ints:
        array = np.arange(start, end, step, dtype=np.int64)
    else:
        count = math.ceil((end - start) / step)
        array = start + step * np.arange(count, dtype=np.float64)
    return _make(array, "arange", dtype, requires_grad, device)


def linspace(
    start: float,
    end: float,
    steps: int,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end``, both included (default float dtype)."""
    if steps < 0:
        raise ValueError(f"linspace: steps must be non-negative, got {steps}")
    array = np.linspace(float(start), float(end), steps)
    return _make(array, "linspace", dtype or get_default_dtype(), requires_grad, device)


def logspace(
    start: float,
    end: float,
    steps: int,
    base: float = 10.0,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
) -> Tensor:
    """``base ** linspace(start, end, steps)`` (default float dtype)."""
    if steps < 0:
        raise ValueError(f"logspace: steps must be non-negative, got {steps}")
    array = np.power(float(base), np.linspace(float(start), float(end), steps))
    return _make(array, "logspace", dtype or get_default_dtype(), requires_grad, device)


# ----------------------------------------------------------------------------- random draws
def rand(
    *shape: Any,
    size: Any = None,
    generator: Any = None,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
) -> Tensor:
    """Uniform samples in [0, 1)."""
    array = numpy_generator(generator).random(_shape(shape, "rand", size))
    return _make(array, "rand", _float_dtype(dtype, "rand"), requires_grad, device)


def randn(
    *shape: Any,
    size: Any = None,
    generator: Any = None,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
) -> Tensor:
    """Standard normal samples (mean 0, standard deviation 1)."""
    array = numpy_generator(generator).standard_normal(_shape(shape, "randn", size))
    return _make(array, "randn", _float_dtype(dtype, "randn"), requires_grad, device)


def randint(
    low: int,
    high: Any = None,
    size: Any = (),
    *,
    generator: Any = None,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
) -> Tensor:
    """Uniform random integers in [low, high) (int64 unless ``dtype``): ``randint(high, size)`` or
    ``randint(low, high, size)``, as PyTorch."""
    if high is None or isinstance(high, (tuple, list)):
        low, high, size = 0, low, (size if high is None else high)
    low, high = operator.index(low), operator.index(high)
    if low >= high:
        raise ValueError(f"randint: expects low < high, got low={low}, high={high}")
    shape = _shape((size,), "randint")
    array = numpy_generator(generator).integers(low, high, shape, dtype=np.int64)
    return _make(array, "randint", dtype, requires_grad, device)


def randperm(
    n: int, *, generator: Any = None, dtype: Any = np.int64, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """A random permutation of 0 .. n-1."""
    array = numpy_generator(generator).permutation(operator.index(n))
    return _make(array, "randperm", dtype, requires_grad, device)


def rand_like(
    input: Any,
    *,
    generator: Any = None,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
) -> Tensor:
    """``rand`` in ``input``'s shape and dtype (or ``dtype``), which must be floating point."""
    dtype = _float_dtype(_like_dtype(input, dtype), "rand_like")
    array = numpy_generator(generator).random(np.shape(input))
    return _make(array, "rand_like", dtype, requires_grad, device)


def randn_like(
    input: Any,
    *,
    generator: Any = None,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
) -> Tensor:
    """``randn`` in ``input``'s shape and dtype (or ``dtype``), which must be floating point."""
    dtype = _float_dtype(_like_dtype(input, dtype), "randn_like")
    array = numpy_generator(generator).standard_normal(np.shape(input))
    return _make(array, "randn_like", dtype, requires_grad, device)


def randint_like(
    input: Any,
    low: int,
    high: int | None = None,
    *,
    generator: Any = None,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
) -> Tensor:
    """Random integers in [low, high) (``randint_like(x, high)`` from 0) in ``input``'s shape and dtype."""
    if high is None:
        low, high = 0, low
    if low >= high:
        raise ValueError(f"randint_like: expects low < high, got low={low}, high={high}")
    array = numpy_generator(generator).integers(low, high, np.shape(input), dtype=np.int64)
    return _make(array, "randint_like", _like_dtype(input, dtype), requires_grad, device)


def normal(
    mean: Any = 0.0,
    std: Any = 1.0,
    size: Any = None,
    *,
    generator: Any = None,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
) -> Tensor:
    """Samples ``mean + std * z`` with z standard normal, in PyTorch's overloads:

    - ``normal(mean_tensor, std_tensor)``: one sample per element, of the broadcast shape;
    - ``normal(mean_tensor, 1.0)`` or ``normal(0.0, std_tensor)``: the tensor's shape;
    - ``normal(0.0, 1.0, size)``: two numbers need ``size``.

    The dtype is the tensors' (or the default float dtype). As in PyTorch the result is a new leaf:
    no gradient flows back to ``mean`` or ``std``.
    """
    tensors = [v for v in (mean, std) if isinstance(v, (Tensor, np.ndarray))]
    if not tensors and size is None:
        raise TypeError(
            "normal: with a number for both mean and std, give the shape as size=, e.g. "
            "tg.normal(0.0, 1.0, size=(2, 3)); with a tensor mean or std the shape is the tensor's"
        )
    means, stds = as_array(mean), as_array(std)
    if (stds < 0).any():
        raise ValueError(f"normal: std must be >= 0, got {std}")
    try:
        shape = np.broadcast_shapes(means.shape, stds.shape)
        if size is not None:
            shape = np.broadcast_shapes(shape, _shape((size,), "normal"))
    except ValueError:
        raise ValueError(
            f"normal: mean of shape {means.shape} and std of shape {stds.shape} do not broadcast together"
            + (f" with size {size}" if size is not None else "")
        ) from None
    if dtype is None:
        kinds = [a.dtype for a in (as_array(t) for t in tensors) if a.dtype.kind == "f"]
        dtype = np.result_type(*kinds) if kinds else get_default_dtype()
    array = means + stds * numpy_generator(generator).standard_normal(shape)
    return _make(np.asarray(array), "normal", _float_dtype(dtype, "normal"), requires_grad, device)


def bernoulli(input: Any, p: float | None = None, *, generator: Any = None) -> Tensor:
    """1 with probability ``input`` (elementwise; or ``p`` for every element), else 0, in ``input``'s shape
    and floating dtype. A new leaf, as in PyTorch."""
    probs = as_array(input)
    if probs.dtype.kind != "f":
        raise TypeError(f"bernoulli: expects a floating-point tensor of probabilities, got {probs.dtype}")
    chance = probs if p is None else np.float64(p)
    if not ((chance >= 0) & (chance <= 1)).all():
        raise ValueError("bernoulli: probabilities must be in [0, 1]")
    draws = numpy_generator(generator).random(probs.shape) < chance
    return wrap(draws.astype(probs.dtype))


def multinomial(
    input: Any,
    num_samples: int,
    replacement: bool = False,
    *,
    generator: Any = None,
) -> Tensor:
    """Indices drawn from the categories of each row of ``input`` (1-D: one distribution; 2-D: one per
    row), with probabilities proportional to the weights (which need not sum to 1). int64, of shape
    (num_samples,) or (rows, num_samples).

    With replacement, each draw is independent. Without (the default), each index is drawn at most once,
    sequentially: the next draw is proportional to the weights of the categories not drawn yet, as in
    PyTorch, which draws it as the ``num_samples`` largest keys ``w_i / e_i`` with e_i ~ Exponential(1).
    Categories of weight 0 come last, in random order, only when the others are used up.
    """
    weights = as_array(input).astype(np.float64)
    if weights.ndim not in (1, 2):
        raise ValueError(f"multinomial: expects a 1-D or 2-D tensor of weights, got shape {weights.shape}")
    rows = weights.reshape(-1, weights.shape[-1])
    categories = rows.shape[1]
    num_samples = operator.index(num_samples)
    if num_samples <= 0:
        raise ValueError(f"multinomial: num_samples must be positive, got {num_samples}")
    if not np.isfinite(rows).all() or (rows < 0).any():
        raise ValueError("multinomial: the weights must be finite and >= 0 (got a negative, inf or nan)")
    if (rows.sum(axis=1) <= 0).any():
        raise ValueError("multinomial: every row of weights needs a positive sum (got a row of zeros)")
    if not replacement and num_samples > categories:
        raise ValueError(
            f"multinomial: cannot draw {num_samples} samples without replacement from {categories} "
            "categories; use replacement=True or num_samples <= the number of categories"
        )
    rng = numpy_generator(generator)
    if replacement:
        cumulative = np.cumsum(rows, axis=1)
        cumulative /= cumulative[:, -1:]
        draws = rng.random((rows.shape[0], num_samples))
        samples = np.stack([np.searchsorted(c, d, side="right") for c, d in zip(cumulative, draws)])
        samples = np.minimum(samples, categories - 1)
    else:
        exponential = rng.standard_exponential(rows.shape)
        keys = np.where(rows > 0, rows / exponential, -exponential)  # weight 0: after all the others
        samples = np.argsort(-keys, axis=1, kind="stable")[:, :num_samples]
    samples = samples.astype(np.int64)
    return wrap(samples[0] if weights.ndim == 1 else samples)


# ----------------------------------------------------------------------------- dtypes
def finfo(type: Any = None) -> np.finfo:
    """Limits of a floating dtype (numpy's ``finfo``: ``eps``, ``max``, ``min``, ``tiny``, ``bits``,
    ``resolution``); the default dtype when none is given, as PyTorch."""
    return np.finfo(get_default_dtype() if type is None else type)


def iinfo(type: Any) -> np.iinfo:
    """Limits of an integer dtype (numpy's ``iinfo``: ``max``, ``min``, ``bits``)."""
    return np.iinfo(type)


def is_floating_point(input: Any) -> bool:
    """True when ``input``'s dtype is floating point."""
    return as_array(input).dtype.kind == "f"


def numel(input: Any) -> int:
    """The number of elements of ``input``."""
    return int(np.size(input))
