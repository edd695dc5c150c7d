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
import copy
import math
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .autograd.function import Function

DEFAULT_FLOAT = np.dtype(np.float32)
"""The default floating dtype: what Python floats and creation functions make. Read at call time (one
module global), changed only through ``set_default_dtype``."""


def get_default_dtype() -> np.dtype:
    """The dtype of Python floats and of floating creation functions: float32 unless changed."""
    return DEFAULT_FLOAT


def set_default_dtype(dtype: Any) -> None:
    """Make ``dtype`` (float32 or float64, as PyTorch allows) the default floating dtype: Python floats,
    ``tg.tensor([1.0])``, ``tg.zeros(3)``, ``tg.rand(3)``, ... are made in it from now on."""
    global DEFAULT_FLOAT
    target = np.dtype(dtype)
    if target not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise TypeError(f"set_default_dtype: only float32 and float64 can be the default dtype, got {target}")
    DEFAULT_FLOAT = target
    _constants.clear()  # cached Python-number constants may hold the old default


Hook = Callable[["Tensor"], "Tensor | None"]

#: how tensors print (``tg.set_printoptions`` changes them)
PRINT_OPTIONS: dict[str, Any] = {
    "precision": 4,
    "threshold": 200,
    "edgeitems": 3,
    "linewidth": 75,
    "sci_mode": None,
}


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

    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's ``to``: ``to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(other_tensor)``,
        keywords ``device=``, ``dtype=``, ``copy=``, ``non_blocking=`` (ignored).

        A dtype change is ``astype`` (differentiable between floating dtypes); the device must be the CPU
        (``"cpu"``, ``tg.device("cpu")``), else a clear error. Nothing to change returns self, as PyTorch.
        """
        dtype, target, copy = kwargs.pop("dtype", None), kwargs.pop("device", None), kwargs.pop("copy", False)
        kwargs.pop("non_blocking", None)
        kwargs.pop("memory_format", None)
        if kwargs:
            raise TypeError(f"to: unexpected keyword argument(s) {', '.join(sorted(kwargs))}")
        flags = []
        for arg in args:
            if isinstance(arg, Tensor):
                dtype = arg.array.dtype
            elif isinstance(arg, builtins.bool):
                flags.append(arg)  # positional non_blocking, copy
            elif as_device(arg) is not None:
                target = arg
            else:
                dtype = arg
        check_device(target, "to")
        result = self if dtype is None else ops.astype(self, dtype)
        if (copy or (len(flags) > 1 and flags[1])) and result is self:
            result = ops.clone(self)
        return result

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

    def half(self) -> Tensor:
        return ops.astype(self, np.float16)

    def int(self) -> Tensor:
        return ops.astype(self, np.int32)

    def short(self) -> Tensor:
        return ops.astype(self, np.int16)

    def char(self) -> Tensor:
        return ops.astype(self, np.int8)

    def byte(self) -> Tensor:
        return ops.astype(self, np.uint8)

    def type(self, dtype: Any = None) -> Any:
        """``type(dtype)`` converts (as ``to(dtype)``; PyTorch's type strings such as "torch.DoubleTensor"
        are accepted); ``type()`` names the dtype with PyTorch's legacy type string, e.g.
        "torch.FloatTensor" for float32, for code that prints or compares it (compatibility only)."""
        if dtype is None:
            return "torch." + _TYPE_NAMES.get(self.array.dtype, f"{self.array.dtype}Tensor")
        if isinstance(dtype, str) and dtype.startswith("torch."):
            names = {name: key for key, name in _TYPE_NAMES.items()}
            if dtype[6:] not in names:
                raise TypeError(f"type: unknown type {dtype!r}; expected e.g. 'torch.FloatTensor'")
            dtype = names[dtype[6:]]
        return ops.astype(self, dtype)

    def element_size(self) -> int:
        """Bytes per element (4 for float32)."""
        return self.array.itemsize

    def nelement(self) -> int:
        """The number of elements (PyTorch's alias of ``numel``)."""
        return self.array.size

    def is_floating_point(self) -> builtins.bool:
        return self.array.dtype.kind == "f"

    @property
    def device(self) -> Any:
        """Where the values live: always ``tg.device("cpu")`` (numpy arrays in main memory)."""
        return CPU

    is_cuda = False
    is_mps = False

    # PyTorch's new_*: a new tensor of this tensor's dtype unless ``dtype`` is given (see tensorgrad.creation)
    def new_tensor(
        self, data: Any, dtype: Any = None, device: Any = None, requires_grad: builtins.bool = False
    ) -> Tensor:
        check_device(device, "new_tensor")
        return Tensor(data, dtype=dtype or self.array.dtype, requires_grad=requires_grad)

    def new_zeros(
        self, *size: Any, dtype: Any = None, device: Any = None, requires_grad: Any = False
    ) -> Tensor:
        return creation.zeros(
            *size, dtype=dtype or self.array.dtype, device=device, requires_grad=requires_grad
        )

    def new_ones(
        self, *size: Any, dtype: Any = None, device: Any = None, requires_grad: Any = False
    ) -> Tensor:
        return creation.ones(
            *size, dtype=dtype or self.array.dtype, device=device, requires_grad=requires_grad
        )

    def new_empty(
        self, *size: Any, dtype: Any = None, device: Any = None, requires_grad: Any = False
    ) -> Tensor:
        return creation.empty(
            *size, dtype=dtype or self.array.dtype, device=device, requires_grad=requires_grad
        )

    def new_full(
        self, size: Any, fill_value: Any, dtype: Any = None, device: Any = None, requires_grad: Any = False
    ) -> Tensor:
        return creation.full(
            size, fill_value, dtype=dtype or self.array.dtype, device=device, requires_grad=requires_grad
        )

    def multinomial(
        self, num_samples: int, replacement: builtins.bool = False, *, generator: Any = None
    ) -> Tensor:
        """Indices drawn by the weights in each row (see ``tg.multinomial``)."""
        return creation.multinomial(self, num_samples, replacement, generator=generator)

    def bernoulli(self, p: Any = None, *, generator: Any = None) -> Tensor:
        """1 with this tensor's probabilities, else 0 (see ``tg.bernoulli``)."""
        return creation.bernoulli(self, p, generator=generator)

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

    def __deepcopy__(self, memo: dict[int, Any]) -> Tensor:
        """``copy.deepcopy``: a leaf of the same class with its own copy of the values (and of ``grad``),
        keeping ``requires_grad``; as in PyTorch, only leaves can be deep-copied (a snapshot of a state dict:
        ``copy.deepcopy(model.state_dict())``)."""
        if self._node is not None:
            raise RuntimeError(
                "deepcopy: only tensors created explicitly by the user (graph leaves) support deepcopy, as "
                "in PyTorch; copy a result with t.detach().clone()"
            )
        new = _new(type(self))
        memo[id(self)] = new
        new.array = self.numpy().copy()
        new.requires_grad = self.requires_grad
        new.grad = None if self.grad is None else copy.deepcopy(self.grad, memo)
        new.name = self.name
        new._node, new._hooks, new._retain_grad = None, None, False
        if hasattr(self, "__dict__"):  # a subclass without __slots__
            new.__dict__.update(copy.deepcopy(self.__dict__, memo))
        return new

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
        options = PRINT_OPTIONS
        formatter = None
        if options["sci_mode"] and self.array.dtype.kind == "f":
            formatter = {"float_kind": lambda v: f"{v:.{options['precision']}e}"}
        body = np.array2string(
            self.array,
            separator=", ",
            prefix="tensor(",
            threshold=options["threshold"],
            precision=options["precision"],
            edgeitems=options["edgeitems"],
            max_line_width=options["linewidth"],
            suppress_small=options["sci_mode"] is False,
            formatter=formatter,
        )
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

    def __floordiv__(self, other: Any) -> Tensor:
        return ops.floor_divide(self, other)

    def __rfloordiv__(self, other: Any) -> Tensor:
        return ops.floor_divide(other, self)

    def __mod__(self, other: Any) -> Tensor:
        return ops.remainder(self, other)

    def __rmod__(self, other: Any) -> Tensor:
        return ops.remainder(other, self)

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

    def __xor__(self, other: Any) -> Tensor:
        return ops.compare(np.logical_xor, self, other)

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

    # PyTorch's in-place variants: x.op_(...) writes x.op(...) into x (the same values, bit for bit)
    def add_(self, other: Any, *rest: Any, alpha: Any = 1) -> Tensor:
        if rest:
            (other,), alpha = legacy_scale_first("add_", "other", "alpha", (other, *rest), 1)
        return self._in_place("add_", Tensor.add, other, alpha=alpha)

    def sub_(self, other: Any, *rest: Any, alpha: Any = 1) -> Tensor:
        if rest:
            (other,), alpha = legacy_scale_first("sub_", "other", "alpha", (other, *rest), 1)
        return self._in_place("sub_", Tensor.sub, other, alpha=alpha)

    def mul_(self, other: Any) -> Tensor:
        return self._in_place("mul_", Tensor.mul, other)

    def div_(self, other: Any) -> Tensor:
        return self._in_place("div_", Tensor.div, other)

    def pow_(self, exponent: Any) -> Tensor:
        return self._in_place("pow_", Tensor.pow, exponent)

    def neg_(self) -> Tensor:
        return self._in_place("neg_", Tensor.neg)

    def abs_(self) -> Tensor:
        return self._in_place("abs_", Tensor.abs)

    def sqrt_(self) -> Tensor:
        return self._in_place("sqrt_", Tensor.sqrt)

    def exp_(self) -> Tensor:
        return self._in_place("exp_", Tensor.exp)

    def log_(self) -> Tensor:
        return self._in_place("log_", Tensor.log)

    def clamp_(self, min: Any = None, max: Any = None) -> Tensor:
        return self._in_place("clamp_", Tensor.clip, min, max)

    clip_ = clamp_

    def relu_(self) -> Tensor:
        return self._in_place("relu_", Tensor.relu)

    def sigmoid_(self) -> Tensor:
        return self._in_place("sigmoid_", Tensor.sigmoid)

    def tanh_(self) -> Tensor:
        return self._in_place("tanh_", Tensor.tanh)

    def masked_fill_(self, mask: Any, value: Any) -> Tensor:
        return self._in_place("masked_fill_", Tensor.masked_fill, mask, value)

    def addcmul_(self, tensor1: Any, tensor2: Any, *rest: Any, value: Any = 1) -> Tensor:
        if rest:
            (tensor1, tensor2), value = legacy_scale_first(
                "addcmul_", "tensor1, tensor2", "value", (tensor1, tensor2, *rest), 2
            )
        return self._in_place("addcmul_", Tensor.addcmul, tensor1, tensor2, value=value)

    def addcdiv_(self, tensor1: Any, tensor2: Any, *rest: Any, value: Any = 1) -> Tensor:
        if rest:
            (tensor1, tensor2), value = legacy_scale_first(
                "addcdiv_", "tensor1, tensor2", "value", (tensor1, tensor2, *rest), 2
            )
        return self._in_place("addcdiv_", Tensor.addcdiv, tensor1, tensor2, value=value)

    def lerp_(self, end: Any, weight: Any) -> Tensor:
        return self._in_place("lerp_", Tensor.lerp, end, weight)

    def normal_(self, mean: Any = 0.0, std: Any = 1.0, *, generator: Any = None) -> Tensor:
        """Fill with samples of N(mean, std^2) from ``generator`` (the default generator when None)."""
        self._check_in_place("normal_")
        return self._write("normal_", _random.numpy_generator(generator).normal(mean, std, self.shape))

    def uniform_(self, a: Any = 0.0, b: Any = 1.0, *, generator: Any = None) -> Tensor:
        """Fill with samples of U(a, b) from ``generator`` (the default generator when None)."""
        self._check_in_place("uniform_")
        return self._write("uniform_", _random.numpy_generator(generator).uniform(a, b, self.shape))

    def _in_place(self, op: str, method: Callable[..., Tensor], *args: Any, **kwargs: Any) -> Tensor:
        """``self.op_(...)``: the out-of-place ``method(self, ...)`` written into this tensor's array. The
        rule is the one of ``+=``: only outside a recorded graph (under no_grad, on tensors that do not
        require grad, through ``.data``); the result must keep this tensor's shape, and its dtype must cast
        to this one's within the same kind (float64 into float32 yes, float into int no), as in PyTorch."""
        operands = (*args, *kwargs.values())
        grad_operand = next((a for a in operands if isinstance(a, Tensor) and a.requires_grad), None)
        if records_in_place(self, grad_operand):  # an op's result: recorded in the graph, as in PyTorch
            return record_in_place(self, op, lambda before: method(before, *args, **kwargs))
        self._check_in_place(op, grad_operand)
        return self._write(op, method(self, *args, **kwargs).array)

    def _check_in_place(self, op: str, value: Any = None) -> None:
        check_in_place(
            op,
            "arithmetic on",
            self,
            value,
            f"Call it under tg.no_grad() (e.g. to update parameters), or use the out-of-place {op[:-1]}(...) "
            "to compute a new tensor",
        )

    def _write(self, op: str, result: np.ndarray) -> Tensor:
        """Copy ``result`` into this tensor's array (same shape; same-kind cast) and record the change."""
        target = self.numpy()
        result = np.asarray(result)
        if result.shape != target.shape:
            raise ValueError(
                f"{op}: the result has shape {tuple(result.shape)}, but an in-place op must keep this "
                f"tensor's shape {tuple(target.shape)} (other operands broadcast to it, not the other way)"
            )
        if not np.can_cast(result.dtype, target.dtype, "same_kind"):
            raise TypeError(
                f"{op}: the result is {result.dtype}, which cannot be stored in this tensor of dtype "
                f"{target.dtype} in place; convert first (e.g. x = x.float()) or use the out-of-place op"
            )
        try:
            np.copyto(target, result, casting="same_kind")
        except ValueError as err:  # a read-only array
            raise ValueError(f"{op}: cannot write into this tensor ({err})") from None
        mark_modified(self)
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
        if records_in_place(self, other):  # an op's result (grad_input += ... in a backward): recorded
            compute = {np.add: ops.add, np.subtract: ops.sub, np.multiply: ops.mul, np.divide: ops.div}[ufunc]
            return record_in_place(self, op, lambda before: compute(before, other))
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
    def add(self, other: Any, *rest: Any, alpha: Any = 1) -> Tensor:
        """self + alpha * other."""
        if rest:
            (other,), alpha = legacy_scale_first("add", "other", "alpha", (other, *rest), 1)
        return ops.add(self, other if alpha == 1 else _scaled(other, alpha))

    def sub(self, other: Any, *rest: Any, alpha: Any = 1) -> Tensor:
        """self - alpha * other."""
        if rest:
            (other,), alpha = legacy_scale_first("sub", "other", "alpha", (other, *rest), 1)
        return ops.sub(self, other if alpha == 1 else _scaled(other, alpha))

    def neg(self) -> Tensor:
        return ops.neg(self)

    def addcmul(self, tensor1: Any, tensor2: Any, *rest: Any, value: Any = 1) -> Tensor:
        """self + value * tensor1 * tensor2 (multiplied in that order, as PyTorch)."""
        if rest:
            (tensor1, tensor2), value = legacy_scale_first(
                "addcmul", "tensor1, tensor2", "value", (tensor1, tensor2, *rest), 2
            )
        return ops.add(self, ops.mul(tensor1 if value == 1 else _scaled(tensor1, value), tensor2))

    def addcdiv(self, tensor1: Any, tensor2: Any, *rest: Any, value: Any = 1) -> Tensor:
        """self + value * tensor1 / tensor2 (value * tensor1 first, then the division, as PyTorch)."""
        if rest:
            (tensor1, tensor2), value = legacy_scale_first(
                "addcdiv", "tensor1, tensor2", "value", (tensor1, tensor2, *rest), 2
            )
        return ops.add(self, ops.div(tensor1 if value == 1 else _scaled(tensor1, value), tensor2))

    def lerp(self, end: Any, weight: Any) -> Tensor:
        """self + weight * (end - self), computed as PyTorch does: for weight >= 0.5 it is
        end - (end - self) * (1 - weight), which is exact at weight = 1."""
        return ops.lerp(self, end, weight)

    def mul(self, other: Any) -> Tensor:
        return ops.mul(self, other)

    def div(self, other: Any, *, rounding_mode: str | None = None) -> Tensor:
        return ops.div(self, other, rounding_mode=rounding_mode)

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

    # elementwise math, predicates and logic (tensorgrad.ops.math, tensorgrad.ops.logic)
    def sin(self) -> Tensor:
        return ops.sin(self)

    def cos(self) -> Tensor:
        return ops.cos(self)

    def tan(self) -> Tensor:
        return ops.tan(self)

    def sinh(self) -> Tensor:
        return ops.sinh(self)

    def cosh(self) -> Tensor:
        return ops.cosh(self)

    def asin(self) -> Tensor:
        return ops.asin(self)

    def acos(self) -> Tensor:
        return ops.acos(self)

    def atan(self) -> Tensor:
        return ops.atan(self)

    def log1p(self) -> Tensor:
        return ops.log1p(self)

    def expm1(self) -> Tensor:
        return ops.expm1(self)

    def log2(self) -> Tensor:
        return ops.log2(self)

    def log10(self) -> Tensor:
        return ops.log10(self)

    def rsqrt(self) -> Tensor:
        return ops.rsqrt(self)

    def reciprocal(self) -> Tensor:
        return ops.reciprocal(self)

    def erf(self) -> Tensor:
        return ops.erf(self)

    def sign(self) -> Tensor:
        return ops.sign(self)

    def floor(self) -> Tensor:
        return ops.floor(self)

    def ceil(self) -> Tensor:
        return ops.ceil(self)

    def trunc(self) -> Tensor:
        return ops.trunc(self)

    def round(self, *, decimals: int = 0) -> Tensor:
        return ops.round(self, decimals=decimals)

    negative = neg

    def atan2(self, other: Any) -> Tensor:
        return ops.atan2(self, other)

    arctan2 = atan2

    def hypot(self, other: Any) -> Tensor:
        return ops.hypot(self, other)

    def remainder(self, other: Any) -> Tensor:
        return ops.remainder(self, other)

    def fmod(self, other: Any) -> Tensor:
        return ops.fmod(self, other)

    def floor_divide(self, other: Any) -> Tensor:
        return ops.floor_divide(self, other)

    def true_divide(self, other: Any) -> Tensor:
        return ops.div(self, other)

    def nan_to_num(self, nan: builtins.float = 0.0, posinf: Any = None, neginf: Any = None) -> Tensor:
        return ops.nan_to_num(self, nan, posinf, neginf)

    def isnan(self) -> Tensor:
        return ops.isnan(self)

    def isinf(self) -> Tensor:
        return ops.isinf(self)

    def isfinite(self) -> Tensor:
        return ops.isfinite(self)

    def isposinf(self) -> Tensor:
        return ops.isposinf(self)

    def isneginf(self) -> Tensor:
        return ops.isneginf(self)

    def isclose(
        self,
        other: Any,
        rtol: builtins.float = 1e-05,
        atol: builtins.float = 1e-08,
        equal_nan: builtins.bool = False,
    ) -> Tensor:
        return ops.isclose(self, other, rtol, atol, equal_nan)

    def allclose(
        self,
        other: Any,
        rtol: builtins.float = 1e-05,
        atol: builtins.float = 1e-08,
        equal_nan: builtins.bool = False,
    ) -> builtins.bool:
        return ops.allclose(self, other, rtol, atol, equal_nan)

    def equal(self, other: Any) -> builtins.bool:
        return ops.equal(self, other)

    def logical_and(self, other: Any) -> Tensor:
        return ops.logical_and(self, other)

    def logical_or(self, other: Any) -> Tensor:
        return ops.logical_or(self, other)

    def logical_xor(self, other: Any) -> Tensor:
        return ops.logical_xor(self, other)

    def logical_not(self) -> Tensor:
        return ops.logical_not(self)

    def nonzero(self, *, as_tuple: builtins.bool = False) -> Any:
        return ops.nonzero(self, as_tuple=as_tuple)

    def count_nonzero(self, dim: Any = None) -> Tensor:
        return ops.count_nonzero(self, dim)

    def sum(
        self,
        axis: Any = None,
        keepdims: builtins.bool = False,
        *,
        dim: Any = None,
        keepdim: Any = None,
        dtype: Any = None,
    ) -> Tensor:
        return ops.sum(self, axis, keepdims, dim=dim, keepdim=keepdim, dtype=dtype)

    def mean(
        self,
        axis: Any = None,
        keepdims: builtins.bool = False,
        *,
        dim: Any = None,
        keepdim: Any = None,
        dtype: Any = None,
    ) -> Tensor:
        return ops.mean(self, axis, keepdims, dim=dim, keepdim=keepdim, dtype=dtype)

    def var(
        self,
        dim: Any = None,
        unbiased: Any = None,
        keepdim: Any = None,
        *,
        correction: Any = None,
        axis: Any = None,
        keepdims: builtins.bool = False,
    ) -> Tensor:
        return ops.var(self, dim, unbiased, keepdim, correction=correction, axis=axis, keepdims=keepdims)

    def std(
        self,
        dim: Any = None,
        unbiased: Any = None,
        keepdim: Any = None,
        *,
        correction: Any = None,
        axis: Any = None,
        keepdims: builtins.bool = False,
    ) -> Tensor:
        return ops.std(self, dim, unbiased, keepdim, correction=correction, axis=axis, keepdims=keepdims)

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

    def any(self, dim: Any = None, keepdim: builtins.bool = False) -> Tensor:
        """A bool tensor: whether any element (over ``dim``) is nonzero (``if t.any():`` works)."""
        return ops.any(self, dim, keepdim)

    def all(self, dim: Any = None, keepdim: builtins.bool = False) -> Tensor:
        """A bool tensor: whether every element (over ``dim``) is nonzero."""
        return ops.all(self, dim, keepdim)

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

    # reductions, shape and indexing ops under PyTorch's names (see ops.reduce, ops.shape, ops.arrange, ...)
    def prod(self, dim: Any = None, keepdim: builtins.bool = False, *, dtype: Any = None) -> Tensor:
        return ops.prod(self, dim, keepdim, dtype=dtype)

    def cumsum(self, dim: int, *, dtype: Any = None) -> Tensor:
        return ops.cumsum(self, dim, dtype=dtype)

    def cumprod(self, dim: int, *, dtype: Any = None) -> Tensor:
        return ops.cumprod(self, dim, dtype=dtype)

    def norm(
        self, p: Any = "fro", dim: Any = None, keepdim: builtins.bool = False, dtype: Any = None
    ) -> Tensor:
        return ops.norm(self, p, dim, keepdim, dtype)

    def dist(self, other: Any, p: builtins.float = 2) -> Tensor:
        return ops.dist(self, other, p)

    def median(self, dim: int | None = None, keepdim: builtins.bool = False) -> Any:
        """PyTorch's: the lower middle value; with ``dim``, ``(values, indices)``."""
        return ops.median(self, dim, keepdim)

    def argsort(
        self, dim: int = -1, descending: builtins.bool = False, stable: builtins.bool = False
    ) -> Tensor:
        return ops.argsort(self, dim, descending, stable)

    def unique(
        self,
        sorted: builtins.bool = True,
        return_inverse: builtins.bool = False,
        return_counts: builtins.bool = False,
        dim: int | None = None,
    ) -> Any:
        return ops.unique(self, sorted, return_inverse, return_counts, dim)

    def repeat(self, *sizes: Any) -> Tensor:
        """PyTorch's ``repeat`` (numpy's ``tile``): ``[1, 2].repeat(2)`` is ``[1, 2, 1, 2]``."""
        return ops.repeat(self, *sizes)

    def repeat_interleave(self, repeats: Any, dim: int | None = None) -> Tensor:
        """Each element repeated in place (numpy's ``repeat``): ``[1, 2]`` -> ``[1, 1, 2, 2]``."""
        return ops.repeat_interleave(self, repeats, dim)

    def tile(self, *dims: Any) -> Tensor:
        return ops.tile(self, dims[0] if len(dims) == 1 and not isinstance(dims[0], int) else dims)

    def flip(self, *dims: Any) -> Tensor:
        return ops.flip(self, dims[0] if len(dims) == 1 and not isinstance(dims[0], int) else dims)

    def fliplr(self) -> Tensor:
        return ops.fliplr(self)

    def flipud(self) -> Tensor:
        return ops.flipud(self)

    def roll(self, shifts: Any, dims: Any = None) -> Tensor:
        return ops.roll(self, shifts, dims)

    def movedim(self, source: Any, destination: Any) -> Tensor:
        return ops.movedim(self, source, destination)

    moveaxis = movedim

    def swapaxes(self, axis0: int, axis1: int) -> Tensor:
        return ops.swapaxes(self, axis0, axis1)

    swapdims = swapaxes

    def ravel(self) -> Tensor:
        return ops.ravel(self)

    def narrow(self, dim: int, start: int, length: int) -> Tensor:
        return ops.narrow(self, dim, start, length)

    def unbind(self, dim: int = 0) -> tuple[Tensor, ...]:
        return ops.unbind(self, dim)

    def index_select(self, dim: int, index: Any) -> Tensor:
        return ops.index_select(self, dim, index)

    def take_along_dim(self, indices: Any, dim: int | None = None) -> Tensor:
        return ops.take_along_dim(self, indices, dim)

    def scatter(
        self, dim: int, index: Any, src: Any = None, *, value: Any = None, reduce: Any = None
    ) -> Tensor:
        return ops.scatter(self, dim, index, src, value=value, reduce=reduce)

    def scatter_add(self, dim: int, index: Any, src: Any) -> Tensor:
        return ops.scatter_add(self, dim, index, src)

    def diag(self, diagonal: int = 0) -> Tensor:
        return ops.diag(self, diagonal)

    def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
        return ops.diagonal(self, offset, dim1, dim2)

    def trace(self) -> Tensor:
        return ops.trace(self)

    def outer(self, vec2: Any) -> Tensor:
        return ops.outer(self, vec2)

    ger = outer

    def dot(self, other: Any) -> Tensor:
        return ops.dot(self, other)

    def mm(self, mat2: Any) -> Tensor:
        return ops.mm(self, mat2)

    def bmm(self, mat2: Any) -> Tensor:
        return ops.bmm(self, mat2)

    def mv(self, vec: Any) -> Tensor:
        return ops.mv(self, vec)

    def kron(self, other: Any) -> Tensor:
        return ops.kron(self, other)

    def cross(self, other: Any, dim: int | None = None) -> Tensor:
        return ops.cross(self, other, dim)

    def addmm(self, mat1: Any, mat2: Any, *, beta: builtins.float = 1, alpha: builtins.float = 1) -> Tensor:
        return ops.addmm(self, mat1, mat2, beta=beta, alpha=alpha)

    # memory layout and devices (PyTorch's; see tensorgrad.ops.combine.contiguous)
    def contiguous(self, memory_format: Any = None) -> Tensor:
        """Self when the values are laid out in C order, else a C-ordered copy that stays in the graph (an
        in-place op inside a recorded graph is refused on a view; on the copy it is not)."""
        return ops.contiguous(self)

    def is_contiguous(self, memory_format: Any = None) -> builtins.bool:
        return builtins.bool(self.numpy().flags.c_contiguous)

    def stride(self, dim: int | None = None) -> Any:
        """The step in elements (not bytes, unlike numpy's ``strides``) between neighbours along each
        dimension, or along ``dim``."""
        steps = tuple(s // self.array.itemsize for s in self.numpy().strides)
        if dim is None:
            return steps
        (d,) = ops.shape.normalize_axes(dim, self.ndim, "stride")
        return steps[d]

    def cuda(self, device: Any = None, non_blocking: builtins.bool = False) -> Tensor:
        """Not supported: tensorgrad runs on the CPU only (a clear error, as ``to("cuda")``)."""
        check_device("cuda" if device is None or isinstance(device, int) else device, "cuda")
        return self

    def pin_memory(self) -> Tensor:
        """Returns self (there is no GPU to copy to)."""
        return self

    def is_pinned(self) -> builtins.bool:
        return False

    def share_memory_(self) -> Tensor:
        """Returns self (tensors are numpy arrays of one process)."""
        return self

    def is_shared(self) -> builtins.bool:
        return False

    def get_device(self) -> int:
        """-1: the CPU, as PyTorch."""
        return -1

    def ndimension(self) -> int:
        return self.array.ndim

    # more of PyTorch's methods (see tensorgrad.ops: math, indexing, counting, cumulative, reduce, combine)
    def clamp_min(self, min: Any) -> Tensor:
        return ops.clip(self, min, None)

    def clamp_max(self, max: Any) -> Tensor:
        return ops.clip(self, None, max)

    def clamp_min_(self, min: Any) -> Tensor:
        return self._in_place("clamp_min_", Tensor.clamp_min, min)

    def clamp_max_(self, max: Any) -> Tensor:
        return self._in_place("clamp_max_", Tensor.clamp_max, max)

    def where(self, condition: Any, other: Any) -> Tensor:
        """self where ``condition`` holds, else ``other`` (PyTorch's ``x.where(condition, y)``)."""
        return ops.where(condition, self, other)

    def masked_select(self, mask: Any) -> Tensor:
        return ops.masked_select(self, mask)

    def take(self, index: Any) -> Tensor:
        return ops.take(self, index)

    def select(self, dim: int, index: int) -> Tensor:
        return ops.select(self, dim, index)

    def argwhere(self) -> Tensor:
        return ops.argwhere(self)

    def bincount(self, weights: Any = None, minlength: int = 0) -> Tensor:
        return ops.bincount(self, weights, minlength)

    def histc(self, bins: int = 100, min: Any = 0, max: Any = 0) -> Tensor:
        return ops.histc(self, bins, min, max)

    def index_add(self, dim: int, index: Any, source: Any, *, alpha: Any = 1) -> Tensor:
        return ops.index_add(self, dim, index, source, alpha=alpha)

    def index_add_(self, dim: int, index: Any, source: Any, *, alpha: Any = 1) -> Tensor:
        return self._in_place("index_add_", Tensor.index_add, dim, index, source, alpha=alpha)

    def index_fill(self, dim: int, index: Any, value: Any) -> Tensor:
        return ops.index_fill(self, dim, index, value)

    def index_fill_(self, dim: int, index: Any, value: Any) -> Tensor:
        return self._in_place("index_fill_", Tensor.index_fill, dim, index, value)

    def scatter_(
        self, dim: int, index: Any, src: Any = None, *, value: Any = None, reduce: Any = None
    ) -> Tensor:
        return self._in_place("scatter_", Tensor.scatter, dim, index, src, value=value, reduce=reduce)

    def scatter_add_(self, dim: int, index: Any, src: Any) -> Tensor:
        return self._in_place("scatter_add_", Tensor.scatter_add, dim, index, src)

    def sign_(self) -> Tensor:
        return self._in_place("sign_", Tensor.sign)

    def floor_(self) -> Tensor:
        return self._in_place("floor_", Tensor.floor)

    def ceil_(self) -> Tensor:
        return self._in_place("ceil_", Tensor.ceil)

    def round_(self, *, decimals: int = 0) -> Tensor:
        return self._in_place("round_", Tensor.round, decimals=decimals)

    def trunc_(self) -> Tensor:
        return self._in_place("trunc_", Tensor.trunc)

    def frac(self) -> Tensor:
        return ops.frac(self)

    def frac_(self) -> Tensor:
        return self._in_place("frac_", Tensor.frac)

    def sum_to_size(self, *size: Any) -> Tensor:
        """This tensor summed down to ``size``, a shape it broadcasts from (PyTorch's ``sum_to_size``)."""
        shape = tuple(size[0]) if len(size) == 1 and not isinstance(size[0], int) else tuple(size)
        try:
            np.broadcast_to(np.empty(shape, dtype=np.bool_), self.shape)
        except ValueError:
            raise ValueError(
                f"sum_to_size: size {shape} is not expandable to the tensor's {self.shape}"
            ) from None
        return ops.sum_to(self, shape)

    def logit(self, eps: builtins.float | None = None) -> Tensor:
        return ops.logit(self, eps)

    def xlogy(self, other: Any) -> Tensor:
        return ops.xlogy(self, other)

    def logaddexp(self, other: Any) -> Tensor:
        return ops.logaddexp(self, other)

    def cummax(self, dim: int) -> Any:
        return ops.cummax(self, dim)

    def cummin(self, dim: int) -> Any:
        return ops.cummin(self, dim)

    def kthvalue(self, k: int, dim: int = -1, keepdim: builtins.bool = False) -> Any:
        return ops.kthvalue(self, k, dim, keepdim)

    def mode(self, dim: int = -1, keepdim: builtins.bool = False) -> Any:
        return ops.mode(self, dim, keepdim)

    def diff(self, n: int = 1, dim: int = -1, prepend: Any = None, append: Any = None) -> Tensor:
        return ops.diff(self, n, dim, prepend, append)

    def detach_(self) -> Tensor:
        """Cut this tensor off from the graph in place (PyTorch's ``detach_``): it becomes a leaf that does
        not require grad."""
        self._node = None
        self.requires_grad = False
        return self

    # in-place shape changes: only outside a recorded graph, and not on an op's result (its node would not
    # know the new shape); the values stay where they are, as in PyTorch
    def squeeze_(self, dim: Any = None) -> Tensor:
        return self._reshape_in_place("squeeze_", Tensor.squeeze, dim)

    def unsqueeze_(self, dim: int) -> Tensor:
        return self._reshape_in_place("unsqueeze_", Tensor.unsqueeze, dim)

    def t_(self) -> Tensor:
        return self._reshape_in_place("t_", Tensor.t)

    def transpose_(self, dim0: int, dim1: int) -> Tensor:
        return self._reshape_in_place("transpose_", Tensor.transpose, dim0, dim1)

    def _reshape_in_place(self, op: str, method: Callable[..., Tensor], *args: Any) -> Tensor:
        self._check_in_place(op)
        if self._node is not None:
            raise RuntimeError(
                f"{op}: in-place shape change of an op's result is not supported (its graph node would not "
                f"know the new shape); use the out-of-place {op[:-1]}(...): x = x.{op[:-1]}(...)"
            )
        self.array = method(wrap(self.numpy()), *args).array
        mark_modified(self)
        return self


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


def legacy_scale_first(
    op: str, names: str, scale_name: str, args: tuple[Any, ...], count: int
) -> tuple[Any, Any]:
    """PyTorch's deprecated overloads that take the scale first, ``x.add_(-lr, grad)`` (old optimizers and
    examples): ``args`` = (scale, *the ``count`` operands) for ``op(*operands, scale_name=scale)``. Returns
    (the operands, the scale), warning as PyTorch does. Called only when there are more positional arguments
    than operands, so the ordinary call pays nothing."""
    scale, *rest = args
    if len(rest) != count or not isinstance(scale, (int, float, np.number)) or isinstance(scale, bool):
        raise TypeError(
            f"{op}() takes ({names}, *, {scale_name}=1) or the deprecated (Number {scale_name}, {names}); "
            f"got {len(args)} positional arguments starting with {type(scale).__name__}"
        )
    warnings.warn(
        f"This overload of {op} is deprecated: {op}(Number {scale_name}, {names}). Use {op}({names}, "
        f"{scale_name}={scale}) instead",
        UserWarning,
        stacklevel=3,
    )
    return rest, scale


def _scaled(value: Any, factor: Any) -> Any:
    """``factor * value`` for the ``alpha=`` / ``value=`` arguments (Python numbers stay Python numbers)."""
    if type(value) in _PYTHON_NUMBERS and type(factor) in _PYTHON_NUMBERS:
        return value * factor
    return ops.mul(operand(value), factor)


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
    t.array, t.requires_grad, t._node = data, requires_grad, node
    t.grad = t.name = t._hooks = None
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


def operands(a: Any, b: Any) -> tuple[Tensor, Tensor]:
    """A binary op's two operands as Tensors of one dtype: a number or array becomes a constant (``lift``),
    and an integer or bool operand meeting a float one takes its dtype (``promote``)."""
    if not isinstance(b, Tensor):
        a = a if isinstance(a, Tensor) else Tensor(a)
        b = lift(b, a)
    elif not isinstance(a, Tensor):
        a = lift(a, b)
    if a.array.dtype is not b.array.dtype:
        a, b = promote(a, b)
    return a, b


def promote(a: Tensor, b: Tensor) -> tuple[Tensor, Tensor]:
    """PyTorch's rule where numpy's differs: int64 + float32 is float32 (numpy says float64)."""
    kind_a, kind_b = a.array.dtype.kind, b.array.dtype.kind
    if kind_a in "iub" and kind_b == "f":
        a = wrap(a.array.astype(b.array.dtype))
    elif kind_b in "iub" and kind_a == "f":
        b = wrap(b.array.astype(a.array.dtype))
    return a, b


def operand(value: Any) -> Tensor:
    """``value`` as an op's input: Tensors pass through; numpy arrays, lists and numbers become constants
    (the one rule: every op and layer accepts array-likes where it accepts a Tensor)."""
    return value if isinstance(value, Tensor) else wrap(as_array(value))


_PYTHON_NUMBERS = frozenset({int, float, bool})
_TYPE_NAMES = {
    np.dtype(dtype): name
    for dtype, name in [
        (np.float32, "FloatTensor"),
        (np.float64, "DoubleTensor"),
        (np.float16, "HalfTensor"),
        (np.int64, "LongTensor"),
        (np.int32, "IntTensor"),
        (np.int16, "ShortTensor"),
        (np.int8, "CharTensor"),
        (np.uint8, "ByteTensor"),
        (np.bool_, "BoolTensor"),
    ]
}
_constants: dict[tuple[type, Any, np.dtype], Tensor] = {}


# ops build Tensors, and creation and the error table use them: imported once Tensor exists
from . import creation, ops  # noqa: E402
from . import random as _random  # noqa: E402
from .autograd import engine  # noqa: E402
from .autograd.function import check_in_place, mark_modified, record_in_place, records_in_place  # noqa: E402
from .device import CPU, as_device, check_device  # noqa: E402
