"""Shape ops: reshape, permute, broadcasting, indexing, padding, cat/split.

Each op's backward is another shape op: reshape undoes reshape, permute inverts permute, ``sum_to`` and
``broadcast_to`` are each other's gradient, ``IndexAdd`` (scatter-add into zeros) is the gradient of
indexing and indexing is the gradient of ``IndexAdd``. So all of them differentiate twice.

``sum_to(grad, shape)`` is the one broadcasting helper: every binary op sums its gradient back to each
input's shape with it.
"""

from __future__ import annotations

import builtins
import itertools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..autograd.function import Function, check_in_place, mark_modified
from ..tensor import Tensor, as_array, lift, operand, wrap


def normalize_axes(axis: Any, ndim: int, op: str) -> tuple[int, ...]:
    """``axis`` (int, sequence or None = all) as a sorted tuple of non-negative axes, or a clear error."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = []
    for ax in axes:
        if not -ndim <= ax < ndim and not (ndim == 0 and ax in (0, -1)):
            raise ValueError(
                f"{op}: axis {ax} is out of range for a tensor with {ndim} dimension(s); "
                f"valid axes are {-ndim}..{ndim - 1}"
            )
        out.append(int(ax) % builtins.max(ndim, 1))
    if len(set(out)) != len(out):
        raise ValueError(f"{op}: axis {axis} repeats a dimension")
    return tuple(sorted(out)) if ndim else ()


# ---------------------------------------------------------------------------- broadcasting
class SumTo(Function):
    """Sum a broadcast gradient back to ``shape``: over leading dims and dims where ``shape`` has 1."""

    def forward(self, a: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        lead = a.ndim - len(shape)
        axes = tuple(range(lead)) + tuple(
            i + lead for i, n in enumerate(shape) if n == 1 and a.shape[i + lead] != 1
        )
        out = a.sum(axis=axes, keepdims=True) if axes else a
        return out.reshape(shape) if lead else out

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (broadcast_to(g, self.inputs[0].shape),)


class BroadcastTo(Function):
    """A read-only broadcast view of ``a`` with ``shape``."""

    def forward(self, a: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        return np.broadcast_to(a, shape)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (sum_to(g, self.inputs[0].shape),)

    @classmethod
    def explain(cls, err: Exception, inputs: tuple[Tensor, ...], params: dict[str, Any]) -> str:
        return (
            f"broadcast_to: cannot broadcast shape {tuple(inputs[0].shape)} to {params['shape']}: "
            "aligned from the right, each dimension must match or be 1"
        )


def sum_to(x: Tensor, shape: tuple[int, ...]) -> Tensor:
    """Sum ``x`` down to ``shape`` (the inverse of broadcasting); returns ``x`` itself if already there."""
    if x.array.shape == shape:
        return x
    return SumTo.apply(x, shape=shape)


def broadcast_to(x: Tensor, shape: Sequence[int]) -> Tensor:
    """``x`` broadcast to ``shape`` (numpy rules)."""
    x = operand(x)
    shape = tuple(shape)
    if x.array.shape == shape:
        return x
    return BroadcastTo.apply(x, shape=shape)


# ---------------------------------------------------------------------------- reshaping
class Reshape(Function):
    def forward(self, a: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        return a.reshape(shape)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (reshape(g, self.inputs[0].shape),)

    @classmethod
    def explain(cls, err: Exception, inputs: tuple[Tensor, ...], params: dict[str, Any]) -> str:
        a = inputs[0]
        return (
            f"reshape: cannot reshape a tensor of shape {tuple(a.shape)} ({a.size} elements) into "
            f"shape {params['shape']}: the number of elements must stay the same (one -1 may stand for "
            "the rest)"
        )


class Permute(Function):
    def forward(self, a: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
        self.axes = axes
        return a.transpose(axes)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        inverse = tuple(sorted(range(len(self.axes)), key=self.axes.__getitem__))
        return (Permute.apply(g, axes=inverse),)


def reshape(x: Tensor, shape: Any) -> Tensor:
    """``x`` with a new shape of the same size (one dimension may be -1)."""
    x = operand(x)
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    if x.array.shape == shape:
        return x
    return Reshape.apply(x, shape=shape)


def flatten(x: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dimensions ``start_dim..end_dim`` (inclusive) into one, as PyTorch's ``flatten``."""
    x = operand(x)
    if x.ndim == 0:
        return reshape(x, (1,))
    (start,), (end,) = (
        normalize_axes(start_dim, x.ndim, "flatten"),
        normalize_axes(end_dim, x.ndim, "flatten"),
    )
    if start > end:
        raise ValueError(f"flatten: start_dim ({start_dim}) must not come after end_dim ({end_dim})")
    shape = x.shape
    return reshape(x, (*shape[:start], math.prod(shape[start : end + 1]), *shape[end + 1 :]))


def permute(x: Tensor, axes: Sequence[int]) -> Tensor:
    """Reorder the dimensions: result dimension i is input dimension ``axes[i]``."""
    x = operand(x)
    ndim = x.ndim
    if len(axes) != ndim or sorted(int(a) % builtins.max(ndim, 1) for a in axes) != list(range(ndim)):
        raise ValueError(
            f"permute: {tuple(axes)} is not a permutation of the {ndim} dimensions of a tensor of shape "
            f"{x.shape}"
        )
    axes = tuple(int(a) % ndim for a in axes)
    return x if axes == tuple(range(ndim)) else Permute.apply(x, axes=axes)


def transpose(x: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap dimensions ``dim0`` and ``dim1`` (PyTorch's ``transpose``)."""
    x = operand(x)
    (a,), (b,) = normalize_axes(dim0, x.ndim, "transpose"), normalize_axes(dim1, x.ndim, "transpose")
    if a == b:
        return x
    axes = list(range(x.ndim))
    axes[a], axes[b] = b, a
    return Permute.apply(x, axes=tuple(axes))


def reverse_dims(x: Tensor) -> Tensor:
    """The dimensions in reverse order (``.T``: the transpose of a matrix)."""
    ndim = x.array.ndim
    return x if ndim < 2 else Permute.apply(x, axes=tuple(range(ndim - 1, -1, -1)))


def matrix_transpose(x: Tensor) -> Tensor:
    """The last two dimensions swapped (``.mT``: a batch of matrices transposed)."""
    ndim = x.array.ndim
    if ndim < 2:
        raise ValueError(f"mT: needs at least 2 dimensions, got shape {x.shape}")
    return Permute.apply(x, axes=(*range(ndim - 2), ndim - 1, ndim - 2))


def squeeze(x: Tensor, axis: Any = None) -> Tensor:
    """Remove dimensions of size 1 (all of them, or those in ``axis``; others are left, as PyTorch)."""
    x = operand(x)
    axes = normalize_axes(axis, x.ndim, "squeeze")
    shape = tuple(n for i, n in enumerate(x.shape) if not (i in axes and n == 1))
    return reshape(x, shape)


def unsqueeze(x: Tensor, axis: int) -> Tensor:
    """Insert a dimension of size 1 at ``axis`` (negative counts from the end of the result)."""
    x = operand(x)
    (ax,) = normalize_axes(axis, x.ndim + 1, "unsqueeze")
    shape = list(x.shape)
    shape.insert(ax, 1)
    return reshape(x, tuple(shape))


# ---------------------------------------------------------------------------- indexing
class Index(Function):
    """``a[index]``: numpy basic and advanced indexing."""

    def forward(self, a: np.ndarray, index: Any) -> np.ndarray:
        self.index = index
        return a[index]

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (IndexAdd.apply(g, index=self.index, shape=self.inputs[0].shape),)

    @classmethod
    def explain(cls, err: Exception, inputs: tuple[Tensor, ...], params: dict[str, Any]) -> str:
        return f"index: {err} (indexing a tensor of shape {tuple(inputs[0].shape)})"


class IndexAdd(Function):
    """Zeros of ``shape`` with ``g`` added at ``index``; repeated indices accumulate."""

    def forward(self, g: np.ndarray, index: Any, shape: tuple[int, ...]) -> np.ndarray:
        self.index = index
        out = np.zeros(shape, dtype=g.dtype)
        if _is_advanced(index):
            np.add.at(out, index, g)
        else:
            out[index] = g
        return out

    def backward(self, gg: Tensor) -> tuple[Tensor | None, ...]:
        return (Index.apply(gg, index=self.index),)


def _is_advanced(index: Any) -> bool:
    parts = index if isinstance(index, tuple) else (index,)
    return builtins.any(isinstance(p, np.ndarray) for p in parts)


def _as_index(index: Any) -> Any:
    """Tensors and lists inside an index become numpy arrays (integer or boolean)."""
    if isinstance(index, tuple):
        return tuple(_as_index_part(p) for p in index)
    return _as_index_part(index)


def _as_index_part(part: Any) -> Any:
    if isinstance(part, Tensor):
        part = part.array
    elif isinstance(part, list):
        part = np.asarray(part)
    if isinstance(part, np.ndarray) and part.dtype.kind not in "iub":
        raise IndexError(
            f"index: index arrays must be integer or boolean, got dtype {part.dtype} "
            "(convert with .astype(int) or compare to make a mask)"
        )
    return part


def gather_along(x: Tensor, d: int, picked: np.ndarray) -> Tensor:
    """``x`` read at ``picked`` along dimension ``d`` (numpy's ``take_along_axis``) as an ``Index`` node, so
    the gradient goes back to the positions read (adding up where a position is read twice)."""
    index = list(np.ogrid[tuple(slice(n) for n in picked.shape)])
    index[d] = picked
    return Index.apply(x, index=tuple(index))


def gather(x: Tensor, dim: int, index: Any) -> Tensor:
    """PyTorch's ``gather``: ``out[i][j] = x[index[i][j]][j]`` for ``dim=0`` (and so on), ``index`` an integer
    tensor with as many dimensions as ``x`` and no larger than it outside ``dim``."""
    x = operand(x)
    picked = np.asarray(index.array if isinstance(index, Tensor) else index)
    (d,) = normalize_axes(dim, x.ndim, "gather")
    if picked.dtype.kind not in "iu" or picked.ndim != x.ndim:
        raise ValueError(
            f"gather: index must be an integer tensor with {x.ndim} dimension(s) like the input {x.shape}, "
            f"got {picked.dtype} of shape {picked.shape}"
        )
    if builtins.any(n > m for i, (n, m) in enumerate(zip(picked.shape, x.shape)) if i != d):
        raise ValueError(
            f"gather: index of shape {picked.shape} is larger than the input {x.shape} outside dim {d}"
        )
    if picked.size and not (picked.min() >= 0 and picked.max() < x.shape[d]):
        raise IndexError(f"gather: index values must lie in [0, {x.shape[d]}) along dim {d} of {x.shape}")
    return gather_along(x, d, picked)


def one_hot(labels: Any, num_classes: int = -1) -> Tensor:
    """PyTorch's ``F.one_hot``: int64 class labels of any shape -> an int64 tensor with one more, last
    dimension of size ``num_classes`` (-1: one more than the largest label), 1 at each label."""
    array = np.asarray(labels.array if isinstance(labels, Tensor) else labels)
    if array.dtype.kind not in "iu":
        raise TypeError(f"one_hot: class labels must be integers, got dtype {array.dtype}")
    if num_classes == -1:
        num_classes = int(array.max()) + 1 if array.size else 0
    if array.size and (array.min() < 0 or array.max() >= num_classes):
        raise ValueError(
            f"one_hot: class labels must lie in [0, {num_classes}), "
            f"got values from {array.min()} to {array.max()}"
        )
    return wrap(np.eye(num_classes, dtype=np.int64)[array])


def getitem(x: Tensor, index: Any) -> Tensor:
    """``x[index]`` with ints, slices, None, Ellipsis, integer arrays and boolean masks."""
    return Index.apply(x, index=_as_index(index))


def setitem(x: Tensor, index: Any, value: Any) -> None:
    """``x[index] = value``, in place, for tensors that are not part of a recorded graph."""
    check_in_place(
        "setitem",
        "assignment into",
        x,
        value,
        "Build the result out of place (tg.where, tg.cat), or assign under tg.no_grad() (e.g. to initialise "
        "parameters).",
    )
    try:
        x.numpy()[_as_index(index)] = value.array if isinstance(value, Tensor) else value
        mark_modified(x)
    except (ValueError, IndexError) as err:
        raise type(err)(f"setitem: {err} (tensor of shape {tuple(x.shape)})") from None


# ---------------------------------------------------------------------------- padding
class Pad(Function):
    """Constant padding, numpy's ``pad_width`` convention: one (before, after) pair per dimension."""

    def forward(self, a: np.ndarray, pad_width: tuple[tuple[int, int], ...], value: float) -> np.ndarray:
        self.inner = tuple(slice(lo, lo + n) for (lo, _), n in zip(pad_width, a.shape))
        return np.pad(a, pad_width, mode="constant", constant_values=value)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (Index.apply(g, index=self.inner),)


#: PyTorch's padding modes and numpy's names for them
PAD_MODES = {"constant": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def pad(x: Tensor, pad_width: Any, value: float = 0.0, mode: str = "constant") -> Tensor:
    """Pad, numpy's convention: ``pad_width`` an int, one (before, after) pair, or one pair per dimension.

    ``mode``: ``"constant"`` (``value``), ``"reflect"`` (mirror without repeating the edge), ``"replicate"``
    (repeat the edge) or ``"circular"`` (wrap around). Out of ``constant`` mode each output element is a copy
    of an input element, so the op is indexing: its gradient adds up into the elements copied.
    """
    x = operand(x)
    if mode not in PAD_MODES:
        raise ValueError(f"pad: mode must be one of {sorted(PAD_MODES)}, got {mode!r}")
    if x.ndim == 0:
        return x  # a 0-d tensor has no dimension to pad (numpy returns it unchanged too)
    try:
        widths = np.broadcast_to(np.asarray(pad_width, dtype=np.int64), (x.ndim, 2))
    except ValueError:
        raise ValueError(
            f"pad: pad_width {pad_width!r} does not fit a tensor with {x.ndim} dimension(s): give an int, "
            "one (before, after) pair, or one pair per dimension"
        ) from None
    if (widths < 0).any():
        raise ValueError(f"pad: pad widths must be non-negative, got {pad_width!r}")
    pairs = tuple(map(tuple, widths.tolist()))
    if mode == "constant":
        return Pad.apply(x, pad_width=pairs, value=value)
    for (lo, hi), n in zip(pairs, x.shape):
        limit = {"reflect": n - 1, "circular": n}.get(mode, math.inf if n else 0)
        if builtins.max(lo, hi) > limit:
            raise ValueError(
                f"pad: {mode} padding of ({lo}, {hi}) is too large for a dimension of size {n} in shape "
                f"{x.shape}: each side may add at most {limit}"
            )
    source = np.pad(np.arange(x.array.size).reshape(x.shape), pairs, mode=PAD_MODES[mode])
    return Index.apply(reshape(x, (-1,)), index=source)


_pad = pad  # pad_last's argument is named pad, as PyTorch's


def pad_last(input: Any, pad: Sequence[int], mode: str = "constant", value: float | None = None) -> Tensor:
    """PyTorch's ``F.pad``: ``pad`` lists (before, after) pairs from the LAST dimension backwards,
    ``(left, right, top, bottom, ...)``. Negative widths crop (``constant`` mode). ``pad`` has the modes."""
    x = operand(input)
    pad = [int(p) for p in pad]
    if len(pad) % 2 or len(pad) // 2 > x.ndim:
        raise ValueError(
            f"pad: {len(pad)} pad values do not fit a tensor of shape {x.shape}: give an even number, "
            f"(before, after) for at most {x.ndim} trailing dimension(s), last dimension first"
        )
    if value is not None and mode != "constant":
        raise ValueError(f"pad: value applies to constant padding only, not mode={mode!r}")
    pairs = [(0, 0)] * x.ndim
    for k in range(len(pad) // 2):
        pairs[x.ndim - 1 - k] = (pad[2 * k], pad[2 * k + 1])
    if builtins.any(p < 0 for pair in pairs for p in pair):
        if mode != "constant":
            raise ValueError(f"pad: negative padding (cropping) needs mode='constant', got {mode!r}")
        x = getitem(
            x,
            tuple(
                slice(-builtins.min(lo, 0), n + builtins.min(hi, 0)) for (lo, hi), n in zip(pairs, x.shape)
            ),
        )
        pairs = [(builtins.max(lo, 0), builtins.max(hi, 0)) for lo, hi in pairs]
    return _pad(x, pairs, 0.0 if value is None else value, mode)


# ---------------------------------------------------------------------------- joining and splitting
class Cat(Function):
    """Join tensors along an existing axis; the gradient is sliced back into pieces."""

    def forward(self, *arrays: np.ndarray, axis: int) -> np.ndarray:
        self.axis = axis
        self.bounds = np.cumsum([0] + [a.shape[axis] for a in arrays]).tolist()
        return np.concatenate(arrays, axis=axis)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        before = (slice(None),) * self.axis
        return tuple(
            Index.apply(g, index=(*before, slice(lo, hi))) if t.requires_grad else None
            for t, lo, hi in zip(self.inputs, self.bounds, self.bounds[1:])
        )

    @classmethod
    def explain(cls, err: Exception, inputs: tuple[Tensor, ...], params: dict[str, Any]) -> str:
        shapes = ", ".join(str(tuple(t.shape)) for t in inputs)
        return (
            f"cat: cannot join shapes {shapes} along axis {params['axis']}: all other dimensions "
            "must be equal"
        )


def cat(tensors: Sequence[Any], axis: int = 0, *, dim: int | None = None) -> Tensor:
    """Join tensors along an existing axis."""
    parts = _as_tensors(tensors, "cat")
    axis = axis if dim is None else dim
    ndims = {t.ndim for t in parts}
    if len(ndims) != 1 or 0 in ndims:
        raise ValueError(
            "cat: all tensors need the same number of dimensions (at least 1), got shapes "
            + ", ".join(str(t.shape) for t in parts)
        )
    (ax,) = normalize_axes(axis, parts[0].ndim, "cat")
    return Cat.apply(*parts, axis=ax)


concatenate = cat


def stack(tensors: Sequence[Any], axis: int = 0, *, dim: int | None = None) -> Tensor:
    """Join tensors of equal shape along a new axis."""
    parts = _as_tensors(tensors, "stack")
    axis = axis if dim is None else dim
    shapes = {t.shape for t in parts}
    if len(shapes) != 1:
        raise ValueError(
            "stack: all tensors need the same shape, got " + ", ".join(str(t.shape) for t in parts)
        )
    return cat([unsqueeze(t, axis) for t in parts], axis)


def split(
    x: Tensor, split_size_or_sections: int | Sequence[int], axis: int = 0, *, dim: int | None = None
) -> list[Tensor]:
    """Split along ``axis`` into pieces of ``split_size`` (the last may be smaller), or of the listed sizes.

    PyTorch's convention (not numpy's: numpy's int is the number of pieces, see ``chunk``).
    """
    x = operand(x)
    (ax,) = normalize_axes(axis if dim is None else dim, x.ndim, "split")
    length = x.shape[ax]
    if isinstance(split_size_or_sections, (int, np.integer)):
        if split_size_or_sections <= 0:
            raise ValueError(f"split: split_size must be positive, got {split_size_or_sections}")
        sizes = [split_size_or_sections] * (length // split_size_or_sections)
        if length % split_size_or_sections:
            sizes.append(length % split_size_or_sections)
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if builtins.sum(sizes) != length or builtins.any(s < 0 for s in sizes):
            raise ValueError(
                f"split: sizes {sizes} must be non-negative and add up to {length}, the length of axis {ax}"
            )
    before = (slice(None),) * ax
    bounds = np.cumsum([0, *sizes]).tolist()
    return [getitem(x, (*before, slice(lo, hi))) for lo, hi in itertools.pairwise(bounds)]


def chunk(x: Tensor, chunks: int, axis: int = 0, *, dim: int | None = None) -> list[Tensor]:
    """Split into ``chunks`` pieces of (nearly) equal size, as PyTorch's ``chunk``."""
    x = operand(x)
    if chunks <= 0:
        raise ValueError(f"chunk: chunks must be positive, got {chunks}")
    (ax,) = normalize_axes(axis if dim is None else dim, x.ndim, "chunk")
    size = -(-x.shape[ax] // chunks) or 1
    return split(x, size, ax)


def _as_tensors(tensors: Sequence[Any], op: str) -> list[Tensor]:
    if isinstance(tensors, Tensor) or not len(tensors):
        raise ValueError(f"{op}: expected a non-empty list of tensors")
    first = next((t for t in tensors if isinstance(t, Tensor)), None)
    if first is None:
        return [Tensor(as_array(t)) for t in tensors]
    return [lift(t, first) for t in tensors]


# ---------------------------------------------------------------------------- views under PyTorch's names
def movedim(x: Any, source: Any, destination: Any) -> Tensor:
    """Move dimension(s) ``source`` to position(s) ``destination``, the others keeping their order
    (PyTorch's ``movedim``, numpy's ``moveaxis``)."""
    x = operand(x)
    src = [source] if isinstance(source, (int, np.integer)) else list(source)
    dst = [destination] if isinstance(destination, (int, np.integer)) else list(destination)
    if len(src) != len(dst):
        raise ValueError(f"movedim: source {source} and destination {destination} differ in length")
    src = [normalize_axes(d, x.ndim, "movedim")[0] for d in src] if x.ndim else []
    dst = [normalize_axes(d, x.ndim, "movedim")[0] for d in dst] if x.ndim else []
    if len(set(src)) != len(src) or len(set(dst)) != len(dst):
        raise ValueError(f"movedim: repeated dimension in source {source} or destination {destination}")
    rest = iter(d for d in range(x.ndim) if d not in src)
    placed = dict(zip(dst, src))
    return permute(x, [placed[i] if i in placed else next(rest) for i in range(x.ndim)])


moveaxis = movedim


def swapaxes(x: Any, axis0: int, axis1: int) -> Tensor:
    """Swap two dimensions (numpy's ``swapaxes``, PyTorch's ``swapdims``): ``transpose``."""
    return transpose(x, axis0, axis1)


swapdims = swapaxes


def ravel(x: Any) -> Tensor:
    """The elements as one dimension, in row-major order."""
    return reshape(x, (-1,))


def narrow(x: Any, dim: int, start: int, length: int) -> Tensor:
    """Elements ``start .. start + length - 1`` along ``dim`` (a slice; the gradient goes back there)."""
    x = operand(x)
    (d,) = normalize_axes(dim, x.ndim, "narrow")
    size = x.shape[d]
    start = int(start) + size if start < 0 else int(start)
    if not (0 <= start <= size and 0 <= length <= size - start):
        raise IndexError(
            f"narrow: start {start} and length {length} do not fit dimension {dim} of size {size} "
            f"(shape {x.shape})"
        )
    return getitem(x, (slice(None),) * d + (slice(start, start + length),))


def unbind(x: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """The slices along ``dim``, as a tuple of tensors with that dimension removed."""
    x = operand(x)
    (d,) = normalize_axes(dim, x.ndim, "unbind")
    if x.ndim == 0:
        raise ValueError("unbind: a 0-d tensor has no dimension to unbind")
    return tuple(getitem(x, (slice(None),) * d + (i,)) for i in range(x.shape[d]))
