"""Tensor: a numpy array that remembers how it was computed.

A Tensor holds ``array`` (its values, an ``np.ndarray``), ``requires_grad``, ``grad`` (a Tensor, filled by
backward) and, when an op made it while grad mode was on, the graph node that made it (``grad_fn``). As in
PyTorch, ``t.data`` is another Tensor sharing ``t``'s values outside the graph; ``t.numpy()`` is the array.
Operators and methods are thin: each one delegates to a function in ``tensorgrad.ops``, where the op and its
gradient live.

dtype rules (as PyTorch): Python floats become float32, Python ints int64, Python bools bool; numpy
arrays keep their dtype (so float64 data stays float64 for gradcheck). Only floating-point tensors can
require grad.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .autograd.function import Function

DEFAULT_FLOAT = np.dtype(np.float32)

Hook = Callable[["Tensor"], "Tensor | None"]


class Tensor:
    """An n-dimensional array with reverse-mode automatic differentiation.

    >>> x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    tensor([2., 4., 6.])
    """

    __slots__ = (
        "__weakref__",
        "_hooks",
        "_modified_at",  # set by in-place changes only (autograd.function.mark_modified)
        "_node",
        "_retain_grad",
        "array",
        "grad",
        "name",
        "requires_grad",
    )
    # numpy hands binary operators with a Tensor on the right back to the Tensor (ndarray * Tensor works)
    __array_ufunc__ = None

    array: np.ndarray
    grad: Tensor | None
    requires_grad: builtins.bool
    name: str | None
    _node: Function | None
    _hooks: list[Hook] | None
    _retain_grad: builtins.bool

    def __init__(
        self,
        data: Any,
        requires_grad: builtins.bool = False,
        dtype: Any = None,
        name: str | None = None,
    ) -> None:
        self.array = as_array(data, dtype, copy=True)
        self.grad = None
        self.requires_grad = False
        self._node = None
        self.name = name
        self._hooks = None
        self._retain_grad = False
        if requires_grad:
            self.requires_grad_(True)

    # ----------------------------------------------------------------- attributes
    @property
    def data(self) -> Tensor:
        """PyTorch's ``.data``: a Tensor sharing this one's values, outside the graph (no grad, no history).

        Changes made through it reach this tensor but are invisible to autograd, as in PyTorch
        (``p.data.add_(-lr * p.grad)``); ``t.detach()`` is the safer spelling, ``t.numpy()`` the array.
        """
        return wrap(self.array)

    @data.setter
    def data(self, value: Any) -> None:
        array = as_array(value)
        if self.requires_grad and array.dtype.kind != "f":
            raise TypeError(
                f"data: a tensor that requires grad needs floating-point values; got {array.dtype}"
            )
        self.array = array

    @property
    def shape(self) -> tuple[int, ...]:
        return self.array.shape

    @property
    def ndim(self) -> int:
        return self.array.ndim

    @property
    def dtype(self) -> np.dtype:
        return self.array.dtype

    @property
    def size(self) -> Size:
        """Number of elements, as numpy's ``size``; also callable as PyTorch's ``size()``:
        ``t.size(0)`` is the length of dimension 0 and ``t.size()`` the shape."""
        return Size(self.array.size, self.array.shape)

    def numel(self) -> int:
        return self.array.size

    def dim(self) -> int:
        return self.array.ndim

    @property
    def grad_fn(self) -> Function | None:
        """The graph node that computed this tensor (None for leaves and results made without grad)."""
        return self._node

    @property
    def is_leaf(self) -> builtins.bool:
        """True for tensors the user made (and results of ops that recorded no graph)."""
        return self._node is None

    @property
    def T(self) -> Tensor:
        """The tensor with its dimensions reversed (the transpose of a matrix)."""
        return ops.reverse_dims(self)

    def t(self) -> Tensor:
        """The transpose of a matrix (PyTorch's ``t()``, for at most 2 dimensions)."""
        if self.ndim > 2:
            raise ValueError(f"t: expects at most 2 dimensions, got shape {self.shape}; use transpose or .mT")
        return self.T

    @property
    def mT(self) -> Tensor:
        """The transpose of the last two dimensions (a batch of matrices transposed)."""
        return ops.matrix_transpose(self)

    # ----------------------------------------------------------------- conversion
    def numpy(self) -> np.ndarray:
        """The underlying array (shared, not copied: writing into it changes the tensor)."""
        if isinstance(self.array, np.generic):  # a 0-d result of an op may hold an (immutable) numpy scalar
            self.array = np.array(self.array)
        return self.array

    def __array__(self, dtype: Any = None, copy: builtins.bool | None = None) -> np.ndarray:
        array = self.numpy()
        if dtype is not None and np.dtype(dtype) != array.dtype:
            return array.astype(dtype)
        return array.copy() if copy else array

    def item(self) -> Any:
        """The value of a one-element tensor as a Python number."""
        if self.array.size != 1:
            raise ValueError(
                f"item: only one-element tensors convert to a Python number; this one has shape "
                f"{self.shape}. Reduce it first (e.g. t.sum().item()) or use t.tolist()."
            )
        return self.array.item()

    def tolist(self) -> Any:
        return self.array.tolist()

    def __float__(self) -> builtins.float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        """A one-element integer tensor used as an index, as in PyTorch: ``classes[label]``, ``range(n)``."""
        if self.array.dtype.kind not in "iub" or self.array.size != 1:
            raise TypeError(
                f"only integer tensors of a single element can be converted to an index; this one is "
                f"{self.dtype} of shape {tuple(self.shape)}"
            )
        return int(self.array.item())

    def __bool__(self) -> builtins.bool:
        if self.array.size != 1:
            raise ValueError(
                f"the truth value of a tensor of shape {self.shape} is ambiguous; use (t).any() or (t).all()"
            )
        return bool(self.array)

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.array.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        for i in range(len(self)):
            yield self[i]

    __hash__ = object.__hash__  # identity, as PyTorch: tensors can live in sets and dict keys

    def astype(self, dtype: Any) -> Tensor:
        """A copy converted to ``dtype``; differentiable between floating dtypes."""
        return ops.astype(self, dtype)

    def to(self, target: Any) -> Tensor:
        """``to(dtype)`` is ``astype``; ``to("cpu")`` returns self (so ``x.to(device)`` ports as is)."""
        if isinstance(target, str) and target.split(":")[0] in ("cpu", "cuda", "mps", "xla"):
            if target != "cpu":
                raise ValueError(f"to({target!r}): tensorgrad runs on the CPU only; use 'cpu' or drop .to()")
            return self
        return ops.astype(self, target)

    def type_as(self, other: Tensor) -> Tensor:
        return ops.astype(self, other.dtype)

    def clone(self) -> Tensor:
        """A copy of the data that stays in the graph (its gradient flows back to self)."""
        return ops.clone(self)

    def cpu(self) -> Tensor:
        """Returns self: every tensor lives in main memory (for code ported from PyTorch)."""
        return self

    def float(self) -> Tensor:
        return ops.astype(self, np.float32)

    def double(self) -> Tensor:
        return ops.astype(self, np.float64)

    def long(self) -> Tensor:
        return ops.astype(self, np.int64)

    def bool(self) -> Tensor:
        return ops.astype(self, np.bool_)

    # ----------------------------------------------------------------- autograd
    def requires_grad_(self, requires_grad: builtins.bool = True) -> Tensor:
        """Set ``requires_grad`` in place (leaves only) and return self."""
        if requires_grad and not np.issubdtype(self.array.dtype, np.floating):
            raise TypeError(
                f"only floating-point tensors can require grad; this one is {self.dtype}. "
                "Make it float, e.g. tg.tensor(data, dtype=tg.float32, requires_grad=True)."
            )
        if not requires_grad and self._node is not None:
            raise RuntimeError(
                "requires_grad_(False) on a non-leaf tensor; use t.detach() for a copy without graph"
            )
        self.requires_grad = bool(requires_grad)
        return self

    def detach(self) -> Tensor:
        """A new leaf sharing this tensor's data, cut off from the graph."""
        return wrap(self.array)

    def retain_grad(self) -> None:
        """Keep this non-leaf tensor's gradient in ``.grad`` after backward (leaves always keep it)."""
        if not self.requires_grad:
            raise RuntimeError("retain_grad: this tensor does not require grad")
        if self._node is not None:
            self._retain_grad = True

    @property
    def retains_grad(self) -> builtins.bool:
        return self._retain_grad

    def register_hook(self, hook: Hook) -> Callable[[], None]:
        """Call ``hook(grad)`` when this tensor's gradient is computed; a returned Tensor replaces it.

        Returns a function that removes the hook.
        """
        if not self.requires_grad:
            raise RuntimeError("register_hook: cannot register a hook on a tensor that doesn't require grad")
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        hooks = self._hooks

        def remove() -> None:
            if hook in hooks:
                hooks.remove(hook)

        return remove

    def backward(
        self,
        gradient: Tensor | np.ndarray | builtins.float | None = None,
        retain_graph: builtins.bool | None = None,
        create_graph: builtins.bool = False,
    ) -> None:
        """Compute the gradient of this tensor w.r.t. every leaf that requires grad; add it to ``.grad``.

        ``gradient`` is d(something)/d(self), needed when self is not a scalar. ``retain_graph`` keeps the
        graph for another backward (it defaults to ``create_graph``); ``create_graph`` records the backward
        pass itself, for higher-order gradients.
        """
        engine.backward(self, gradient, retain_graph=retain_graph, create_graph=create_graph)

    # ----------------------------------------------------------------- printing
    def __repr__(self) -> str:
        body = np.array2string(self.array, separator=", ", prefix="tensor(", threshold=200, precision=4)
        extras = []
        if self.array.dtype not in (DEFAULT_FLOAT, np.dtype(np.int64), np.dtype(np.bool_)):
            extras.append(f"dtype={self.array.dtype}")
        if self._node is not None:
            extras.append(f"grad_fn=<{self._node.name}>")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        if self.name:
            extras.append(f"name={self.name!r}")
        return "tensor(" + body + "".join(", " + e for e in extras) + ")"

    # ----------------------------------------------------------------- arithmetic
    def __add__(self, other: Any) -> Tensor:
        return ops.add(self, other)

    def __radd__(self, other: Any) -> Tensor:
        return ops.add(other, self)

    def __sub__(self, other: Any) -> Tensor:
        return ops.sub(self, other)

    def __rsub__(self, other: Any) -> Tensor:
        return ops.sub(other, self)

    def __mul__(self, other: Any) -> Tensor:
        return ops.mul(self, other)

    def __rmul__(self, other: Any) -> Tensor:
        return ops.mul(other, self)

    def __truediv__(self, other: Any) -> Tensor:
        return ops.div(self, other)

    def __rtruediv__(self, other: Any) -> Tensor:
        return ops.div(other, self)

    def __pow__(self, other: Any) -> Tensor:
        return ops.pow(self, other)

    def __rpow__(self, other: Any) -> Tensor:
        return ops.pow(other, self)

    def __matmul__(self, other: Any) -> Tensor:
        return ops.matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return ops.matmul(other, self)

    def __neg__(self) -> Tensor:
        return ops.neg(self)

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return ops.abs(self)

    # comparisons: boolean tensors, never part of the graph
    def __lt__(self, other: Any) -> Tensor:
        return ops.compare(np.less, self, other)

    def __le__(self, other: Any) -> Tensor:
        return ops.compare(np.less_equal, self, other)

    def __gt__(self, other: Any) -> Tensor:
        return ops.compare(np.greater, self, other)

    def __ge__(self, other: Any) -> Tensor:
        return ops.compare(np.greater_equal, self, other)

    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        return ops.compare(np.equal, self, other)

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        return ops.compare(np.not_equal, self, other)

    # PyTorch's method spellings
    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__

    def __invert__(self) -> Tensor:
        return ops.logical_not(self)

    def __and__(self, other: Any) -> Tensor:
        return ops.compare(np.logical_and, self, other)

    def __or__(self, other: Any) -> Tensor:
        return ops.compare(np.logical_or, self, other)

    # ----------------------------------------------------------------- in place, outside the graph
    def fill_(self, value: Any) -> Tensor:
        """Set every element to ``value``; for tensors not in a recorded graph (e.g. under no_grad)."""
        ops.setitem(self, ..., value)
        return self

    def zero_(self) -> Tensor:
        return self.fill_(0)

    def copy_(self, source: Any) -> Tensor:
        """Copy ``source`` (broadcast to this shape) into this tensor, in place, like ``fill_``."""
        ops.setitem(self, ..., source)
        return self

    def __iadd__(self, other: Any) -> Tensor:
        return self._update("+=", np.add, other)

    def __isub__(self, other: Any) -> Tensor:
        return self._update("-=", np.subtract, other)

    def __imul__(self, other: Any) -> Tensor:
        return self._update("*=", np.multiply, other)

    def __itruediv__(self, other: Any) -> Tensor:
        return self._update("/=", np.divide, other)

    def _update(self, op: str, ufunc: np.ufunc, other: Any) -> Tensor:
        """``self op= other`` on this tensor's array, as PyTorch does it: only outside a recorded graph, so
        ``with tg.no_grad(): p -= lr * p.grad`` updates the parameter itself (not a new tensor)."""
        check_in_place(
            op,
            "arithmetic on",
            self,
            other,
            f"Update parameters under tg.no_grad() (with tg.no_grad(): p {op} ...), or write x = x {op[0]} y "
            "to compute a new tensor",
        )
        value = other.array if isinstance(other, Tensor) else other
        target = self.numpy()
        try:
            ufunc(target, value, out=target, casting="same_kind")
        except (ValueError, TypeError) as err:
            given = f"shape {tuple(np.shape(value))} ({np.asarray(value).dtype})"
            if type(value) in _PYTHON_NUMBERS:
                given = f"a Python {type(value).__name__} ({value!r})"
            raise (ValueError if isinstance(err, ValueError) else TypeError)(
                f"{op}: cannot update a tensor of shape {tuple(self.shape)} ({self.dtype}) in place with "
                f"{given}: the result must keep this tensor's shape and dtype ({err})"
            ) from None
        mark_modified(self)
        return self

    # ----------------------------------------------------------------- indexing
    def __getitem__(self, index: Any) -> Tensor:
        return ops.getitem(self, index)

    def __setitem__(self, index: Any, value: Any) -> None:
        ops.setitem(self, index, value)

    # ----------------------------------------------------------------- methods (see tensorgrad.ops)
    def add(self, other: Any) -> Tensor:
        return ops.add(self, other)

    def sub(self, other: Any) -> Tensor:
        return ops.sub(self, other)

    def mul(self, other: Any) -> Tensor:
        return ops.mul(self, other)

    def div(self, other: Any) -> Tensor:
        return ops.div(self, other)

    def pow(self, exponent: Any) -> Tensor:
        return ops.pow(self, exponent)

    def matmul(self, other: Any) -> Tensor:
        return ops.matmul(self, other)

    def abs(self) -> Tensor:
        return ops.abs(self)

    def exp(self) -> Tensor:
        return ops.exp(self)

    def log(self) -> Tensor:
        return ops.log(self)

    def sqrt(self) -> Tensor:
        return ops.sqrt(self)

    def square(self) -> Tensor:
        return ops.mul(self, self)

    def tanh(self) -> Tensor:
        return ops.tanh(self)

    def sigmoid(self) -> Tensor:
        return ops.sigmoid(self)

    def relu(self) -> Tensor:
        return ops.relu(self)

    def leaky_relu(self, negative_slope: builtins.float = 0.01) -> Tensor:
        return ops.leaky_relu(self, negative_slope)

    def clip(self, min: Any = None, max: Any = None) -> Tensor:
        return ops.clip(self, min, max)

    clamp = clip

    def maximum(self, other: Any) -> Tensor:
        return ops.maximum(self, other)

    def minimum(self, other: Any) -> Tensor:
        return ops.minimum(self, other)

    def sum(
        self, axis: Any = None, keepdims: builtins.bool = False, *, dim: Any = None, keepdim: Any = None
    ) -> Tensor:
        return ops.sum(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def mean(
        self, axis: Any = None, keepdims: builtins.bool = False, *, dim: Any = None, keepdim: Any = None
    ) -> Tensor:
        return ops.mean(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def var(
        self,
        axis: Any = None,
        keepdims: builtins.bool = False,
        *,
        correction: int = 1,
        dim: Any = None,
        keepdim: Any = None,
    ) -> Tensor:
        return ops.var(self, axis, keepdims, correction=correction, dim=dim, keepdim=keepdim)

    def std(
        self,
        axis: Any = None,
        keepdims: builtins.bool = False,
        *,
        correction: int = 1,
        dim: Any = None,
        keepdim: Any = None,
    ) -> Tensor:
        return ops.std(self, axis, keepdims, correction=correction, dim=dim, keepdim=keepdim)

    def max(
        self, axis: Any = None, keepdims: builtins.bool = False, *, dim: Any = None, keepdim: Any = None
    ) -> Any:
        """PyTorch's: ``x.max()`` the largest value, ``x.max(dim)`` a named tuple ``(values, indices)``,
        ``x.max(other)`` the elementwise maximum. ``x.amax(dims)`` gives values only."""
        return ops.max(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def min(
        self, axis: Any = None, keepdims: builtins.bool = False, *, dim: Any = None, keepdim: Any = None
    ) -> Any:
        """PyTorch's: ``x.min()``, ``x.min(dim)`` -> ``(values, indices)``, ``x.min(other)``; see ``max``."""
        return ops.min(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def sort(self, dim: int = -1, descending: builtins.bool = False, stable: builtins.bool = False) -> Any:
        """``(values, indices)`` sorted along ``dim``, as PyTorch's ``sort``."""
        return ops.sort(self, dim, descending, stable)

    def topk(self, k: int, dim: int = -1, largest: builtins.bool = True, sorted: builtins.bool = True) -> Any:
        """``(values, indices)`` of the ``k`` largest (or smallest) along ``dim``, as PyTorch's ``topk``."""
        return ops.topk(self, k, dim, largest, sorted)

    def gather(self, dim: int, index: Any) -> Tensor:
        """PyTorch's ``gather`` along ``dim``."""
        return ops.gather(self, dim, index)

    def masked_fill(self, mask: Any, value: Any) -> Tensor:
        """``value`` where ``mask`` is true, else this tensor (PyTorch's ``masked_fill``)."""
        return ops.masked_fill(self, mask, value)

    def tril(self, diagonal: int = 0) -> Tensor:
        return ops.tril(self, diagonal)

    def triu(self, diagonal: int = 0) -> Tensor:
        return ops.triu(self, diagonal)

    def amax(
        self, axis: Any = None, keepdims: builtins.bool = False, *, dim: Any = None, keepdim: Any = None
    ) -> Tensor:
        return ops.amax(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def amin(
        self, axis: Any = None, keepdims: builtins.bool = False, *, dim: Any = None, keepdim: Any = None
    ) -> Tensor:
        return ops.amin(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def argmax(
        self, axis: Any = None, keepdims: builtins.bool = False, *, dim: Any = None, keepdim: Any = None
    ) -> Tensor:
        return ops.argmax(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def argmin(
        self, axis: Any = None, keepdims: builtins.bool = False, *, dim: Any = None, keepdim: Any = None
    ) -> Tensor:
        return ops.argmin(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def any(self) -> builtins.bool:
        return bool(self.array.any())

    def all(self) -> builtins.bool:
        return bool(self.array.all())

    def softmax(self, axis: int = -1, *, dim: int | None = None) -> Tensor:
        return ops.softmax(self, axis, dim=dim)

    def log_softmax(self, axis: int = -1, *, dim: int | None = None) -> Tensor:
        return ops.log_softmax(self, axis, dim=dim)

    def logsumexp(
        self, axis: Any = None, keepdims: builtins.bool = False, *, dim: Any = None, keepdim: Any = None
    ) -> Tensor:
        return ops.logsumexp(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def reshape(self, *shape: Any) -> Tensor:
        return ops.reshape(self, shape[0] if len(shape) == 1 else shape)

    view = reshape

    def view_as(self, other: Tensor) -> Tensor:
        return ops.reshape(self, other.shape)

    reshape_as = view_as

    def expand_as(self, other: Tensor) -> Tensor:
        return ops.broadcast_to(self, other.shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        return ops.flatten(self, start_dim, end_dim)

    def transpose(self, dim0: int | None = None, dim1: int | None = None) -> Tensor:
        """Swap two dimensions (PyTorch's ``transpose(dim0, dim1)``); with no arguments reverse them all."""
        if dim0 is None and dim1 is None:
            return self.T
        if dim0 is None or dim1 is None:
            raise TypeError("transpose takes two dimensions to swap (or none, to reverse all); use permute")
        return ops.transpose(self, dim0, dim1)

    def permute(self, *dims: Any) -> Tensor:
        return ops.permute(self, dims[0] if len(dims) == 1 and not isinstance(dims[0], int) else dims)

    def squeeze(self, axis: Any = None, *, dim: Any = None) -> Tensor:
        return ops.squeeze(self, axis if dim is None else dim)

    def unsqueeze(self, axis: int) -> Tensor:
        return ops.unsqueeze(self, axis)

    def broadcast_to(self, *shape: Any) -> Tensor:
        return ops.broadcast_to(
            self, shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape
        )

    expand = broadcast_to

    def split(
        self, split_size_or_sections: int | Sequence[int], axis: int = 0, *, dim: int | None = None
    ) -> list[Tensor]:
        return ops.split(self, split_size_or_sections, axis, dim=dim)

    def chunk(self, chunks: int, axis: int = 0, *, dim: int | None = None) -> list[Tensor]:
        return ops.chunk(self, chunks, axis, dim=dim)


class Size(int):
    """An element count (an int) that also answers PyTorch's ``t.size()`` and ``t.size(dim)``."""

    shape: tuple[int, ...]

    def __new__(cls, count: int, shape: tuple[int, ...]) -> Size:
        size = super().__new__(cls, count)
        size.shape = shape
        return size

    def __call__(self, dim: int | None = None) -> Any:
        if dim is None:
            return self.shape
        if not -len(self.shape) <= dim < len(self.shape):
            raise IndexError(f"size: dimension {dim} is out of range for shape {self.shape}")
        return self.shape[dim]


def as_array(data: Any, dtype: Any = None, copy: bool = False) -> np.ndarray:
    """``data`` as an ndarray, following tensorgrad's dtype rules (Python floats become float32)."""
    if isinstance(data, Tensor):
        array = data.array
    elif isinstance(data, (np.ndarray, np.generic)):
        array = np.asarray(data)
    else:
        try:
            array = np.asarray(data)
        except ValueError as err:
            raise ValueError(f"tensor: cannot make a tensor from this data ({err})") from None
        if array.dtype == np.float64 and dtype is None:
            array = array.astype(DEFAULT_FLOAT)
            copy = False
    if array.dtype.kind not in "fiub":
        raise TypeError(
            f"tensor: cannot make a tensor from data of dtype {array.dtype}; "
            "expected numbers (float, int or bool)"
        )
    if dtype is not None and np.dtype(dtype) != array.dtype:
        return array.astype(dtype)
    return array.copy() if copy else array


def wrap(data: np.ndarray, requires_grad: bool = False, node: Function | None = None) -> Tensor:
    """A Tensor around ``data`` as it is (no copy, no checks): how ops build their results."""
    t = _new(Tensor)
    t.array = data
    t.requires_grad = requires_grad
    t._node = node
    t.grad = None
    t.name = None
    t._hooks = None
    t._retain_grad = False
    return t


_new = object.__new__


def lift(value: Any, like: Tensor) -> Tensor:
    """``value`` as a Tensor to combine with ``like``: Tensors pass through, numbers become constants.

    A Python number takes ``like``'s dtype when ``like`` is floating point (so ``x * 0.5`` stays float32);
    a Python float meeting an integer tensor becomes float32, as in PyTorch. Constants made from Python
    numbers are cached: they are never written to, and a training loop uses the same few again and again.
    """
    if isinstance(value, Tensor):
        return value
    if type(value) in _PYTHON_NUMBERS:
        dtype = like.array.dtype
        key = (type(value), value, dtype)
        if value == 0 and type(value) is float:
            key += (math.copysign(1.0, value),)  # 0.0 == -0.0, but x * -0.0 must keep its sign
        constant = _constants.get(key)
        if constant is None:
            if dtype.kind != "f" and (dtype.kind not in "iu" or isinstance(value, float)):
                dtype = DEFAULT_FLOAT if isinstance(value, float) else None
            if len(_constants) >= 512:
                _constants.clear()
            constant = _constants[key] = wrap(np.array(value, dtype=dtype))
            constant.array.flags.writeable = False
        return constant
    return wrap(as_array(value))


def operand(value: Any) -> Tensor:
    """``value`` as an op's input: Tensors pass through; numpy arrays, lists and numbers become constants
    (the one rule: every op and layer accepts array-likes where it accepts a Tensor)."""
    return value if isinstance(value, Tensor) else wrap(as_array(value))


_PYTHON_NUMBERS = frozenset({int, float, bool})
_constants: dict[tuple[type, Any, np.dtype], Tensor] = {}


from . import ops  # noqa: E402  (ops build Tensors: imported once Tensor exists)
from .autograd import engine  # noqa: E402
from .autograd.function import check_in_place, mark_modified  # noqa: E402
