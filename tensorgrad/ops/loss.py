"""Loss functions, with PyTorch's ``torch.nn.functional`` names, arguments and semantics.

Every loss takes ``reduction``: ``"mean"`` (the default), ``"sum"`` or ``"none"`` (one loss per element or
per sample, unreduced).

* ``cross_entropy`` is one fused node: its forward computes log-softmax once (shifted by the max, so logits
  of 1000 are fine) and the loss; its backward is ``(softmax(x) * mass - target) * g / normaliser``, where
  ``target`` is the (weighted, smoothed) target distribution and ``mass`` its total per sample.
* ``nll_loss`` takes log-probabilities and class indices; ``binary_cross_entropy`` probabilities;
  ``binary_cross_entropy_with_logits`` logits (fused and stable, as cross_entropy).
* ``mse_loss``, ``l1_loss``, ``huber_loss`` and ``smooth_l1_loss`` are compositions of elementwise ops.
  Unlike PyTorch (which warns and broadcasts) they refuse an input and a target of different shapes:
  broadcasting predictions of shape (N, 1) against targets of shape (N,) silently compares every
  prediction with every target, a classic bug.

Backward formulas are written with Tensor ops on the inputs (softmax, sigmoid, log as graph nodes), so
every loss differentiates twice. Class weights, ``weight`` and ``pos_weight`` are constants.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor, as_array, wrap
from .elementwise import abs, clip, log, sigmoid, where
from .reduce import Softmax, log_softmax, mean, sum
from .shape import unsqueeze

_REDUCTIONS = ("mean", "sum", "none")
#: BCE's backward divides by max(x (1 - x), EPSILON), as PyTorch, so x = 0 or 1 gives a large, finite slope
_BCE_EPSILON = 1e-12


# ---------------------------------------------------------------------------- nodes
class KnownSoftmax(Softmax):
    """A Softmax node whose value the caller already has (cross_entropy's forward computed it).

    Backward is Softmax's, so cross_entropy's gradient differentiates again without computing softmax twice.
    """

    def forward(self, a: np.ndarray, axis: int, value: np.ndarray) -> np.ndarray:
        self.axis = axis
        return value


class CrossEntropy(Function):
    """Softmax and cross-entropy in one node, along the class axis.

    With ``q`` the target distribution over classes (one-hot for class indices), ``w`` the class weights
    and ``eps`` the label smoothing, each sample's target weights are ``t_c = w_c ((1 - eps) q_c + eps / C)``
    (zero for ignored samples) and

        loss = sum_c t_c (-log softmax(x)_c),    -log softmax(x)_c = log sum_k e^(x_k - m) - (x_c - m),

    with ``m = max x``;  d loss / dx = softmax(x) * mass - t,  mass = sum_c t_c  (1 without weights),
    d loss / dq_c = -(1 - eps) w_c log softmax(x)_c  (for probability targets).
    Reductions: 'sum', 'none', and 'mean' = sum / normaliser (the summed weight of the non-ignored targets
    for class indices, the number of samples for probabilities).
    """

    def forward(
        self,
        x: np.ndarray,
        q: np.ndarray | None = None,
        *,
        labels: np.ndarray | None,
        valid: np.ndarray | None,
        weight: np.ndarray | None,
        smoothing: float,
        reduction: str,
        axis: int,
    ) -> np.ndarray:
        self.axis, self.reduction, self.smoothing, self.weight = axis, reduction, smoothing, weight
        classes = x.shape[axis]
        top = x.max(axis=axis, keepdims=True)
        probs = x - top
        np.exp(probs, out=probs)
        total = probs.sum(axis=axis, keepdims=True)
        probs /= total
        log_total = np.log(total)  # -log softmax(x) = log_total - (x - top)
        w = 1 if weight is None else _along(weight, axis, x.ndim)
        if q is None:  # class indices
            losses = log_total.squeeze(axis) + (top.squeeze(axis) - _pick(x, labels, axis))
            w_y = _label_weights(weight, labels, valid, x.dtype)
            if w_y is None:  # every sample counts once
                self.normaliser = float(labels.size)
                if smoothing:
                    losses *= 1 - smoothing
            else:
                self.normaliser = float(w_y.sum())
                losses *= (1 - smoothing) * w_y
            counted = 1 if valid is None else np.expand_dims(valid, axis)
            mass = None if w_y is None else np.expand_dims((1 - smoothing) * w_y, axis)
            if smoothing:  # eps / C of every class's loss, weighted
                spread = smoothing / classes * w * counted
                losses += (spread * _neg_log_softmax(x, top, log_total)).sum(axis=axis)
                if mass is not None:
                    mass += smoothing / classes * (classes if weight is None else weight.sum()) * counted
            self.saved = (probs, labels, w_y, mass, counted)
        else:  # class probabilities
            target = q * (1 - smoothing) + smoothing / classes if smoothing else q
            losses = (target * w * _neg_log_softmax(x, top, log_total)).sum(axis=axis)
            self.normaliser = float(losses.size)
            self.saved = (probs,)
        return _reduce_losses(losses, reduction, self.normaliser, x.dtype)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        x, axis, smoothing = self.inputs[0], self.axis, self.smoothing
        scale = _class_scale(g, self.reduction, self.normaliser, axis)
        p = KnownSoftmax.apply(x, axis=axis, value=self.saved[0])
        w = 1 if self.weight is None else _along(self.weight, axis, x.ndim)
        if len(self.inputs) == 1:  # class indices: the target weights t are constants
            _, labels, w_y, mass, counted = self.saved
            target = np.zeros(x.shape, x.dtype)
            _place(target, labels, axis, 1 - smoothing if w_y is None else (1 - smoothing) * w_y)
            if smoothing:
                target += smoothing / x.shape[axis] * w * counted
            return (((p if mass is None else p * mass) - target) * scale,)
        q = self.inputs[1]  # class probabilities: t is a function of q
        target = q * (1 - smoothing) + smoothing / x.shape[axis] if smoothing else q
        if self.weight is not None:
            target = target * w
        gx = (p * sum(target, axis, keepdims=True) - target) * scale if x.requires_grad else None
        gq = log_softmax(x, axis) * (-(1 - smoothing) * w) * scale if q.requires_grad else None
        return gx, gq


class NLLLoss(Function):
    """Negative log-likelihood of class indices, given log-probabilities ``x`` along the class axis:

        loss = -w_y x_y  (0 for ignored samples);  d loss / dx = -w_y onehot(y)  (constant: nll is linear).

    'mean' divides by the summed weight of the non-ignored targets.
    """

    def forward(
        self,
        x: np.ndarray,
        labels: np.ndarray,
        valid: np.ndarray | None,
        weight: np.ndarray | None,
        reduction: str,
        axis: int,
    ) -> np.ndarray:
        self.axis, self.reduction = axis, reduction
        losses = -_pick(x, labels, axis)
        w_y = _label_weights(weight, labels, valid, x.dtype)
        if w_y is None:
            self.normaliser = float(labels.size)
        else:
            self.normaliser = float(w_y.sum())
            losses *= w_y
        self.saved = (labels, w_y)
        return _reduce_losses(losses, reduction, self.normaliser, x.dtype)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        x = self.inputs[0]
        labels, w_y = self.saved
        slope = np.zeros(x.shape, x.dtype)
        _place(slope, labels, self.axis, -1 if w_y is None else -w_y)
        return (_class_scale(g, self.reduction, self.normaliser, self.axis) * slope,)


class BinaryCrossEntropy(Function):
    """loss = -w [y log x + (1 - y) log(1 - x)], each log clamped at -100 (as PyTorch: finite at 0 and 1);

    d/dx = w (x - y) / max(x (1 - x), 1e-12),   d/dy = w [log(1 - x) - log x]  (clamped logs).
    """

    def forward(self, x: np.ndarray, y: np.ndarray, weight: np.ndarray | None, reduction: str) -> np.ndarray:
        self.weight, self.reduction = weight, reduction
        with np.errstate(divide="ignore"):
            log_x = np.maximum(np.log(x), -100)
            log_1mx = np.maximum(np.log1p(-x), -100)
        losses = -(y * log_x + (1 - y) * log_1mx)
        if weight is not None:
            losses *= weight
        return _reduce_array(losses, reduction)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        x, y = self.inputs
        scale = _elementwise_scale(g, self.reduction, x.array.size, self.weight)
        gx = (x - y) / clip(x * (1 - x), min=_BCE_EPSILON) * scale if x.requires_grad else None
        gy = None
        if y.requires_grad:
            with np.errstate(divide="ignore"):
                gy = (clip(log(1 - x), min=-100) - clip(log(x), min=-100)) * scale
        return gx, gy


class Softplus(Function):
    """softplus(a) = log(1 + e^a), computed as max(a, 0) + log(1 + e^-|a|) (never overflows);
    d/da = sigmoid(a)."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        return np.maximum(a, 0) + np.log1p(np.exp(-np.abs(a)))

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (g * sigmoid(self.inputs[0]),)


class BinaryCrossEntropyWithLogits(Function):
    """Sigmoid and binary cross-entropy in one node, stable for any logit x:

    loss = w [(1 - y) x + l softplus(-x)],   l = 1 + (pos_weight - 1) y,
         = w [max(x, 0) - x y + log(1 + e^-|x|)]  without pos_weight;
    d/dx = w [(1 - y) - l sigmoid(-x)]  (= w (sigmoid(x) - y) without pos_weight),
    d/dy = w [(pos_weight - 1) softplus(-x) - x].
    """

    def forward(
        self,
        x: np.ndarray,
        y: np.ndarray,
        weight: np.ndarray | None,
        pos_weight: np.ndarray | None,
        reduction: str,
    ) -> np.ndarray:
        self.weight, self.pos_weight, self.reduction = weight, pos_weight, reduction
        softplus_neg = np.maximum(-x, 0) + np.log1p(np.exp(-np.abs(x)))  # log(1 + e^-x)
        if pos_weight is None:
            losses = (1 - y) * x + softplus_neg
        else:
            losses = (1 - y) * x + (1 + (pos_weight - 1) * y) * softplus_neg
        if weight is not None:
            losses *= weight
        return _reduce_array(losses, reduction)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        x, y = self.inputs
        scale = _elementwise_scale(g, self.reduction, x.array.size, self.weight)
        pw = self.pos_weight
        gx = gy = None
        if x.requires_grad:
            if pw is None:
                gx = (sigmoid(x) - y) * scale
            else:
                gx = ((1 - y) - (1 + (pw - 1) * y) * sigmoid(-x)) * scale
        if y.requires_grad:
            gy = (-x if pw is None else Softplus.apply(-x) * (pw - 1) - x) * scale
        return gx, gy


# ---------------------------------------------------------------------------- functions
def cross_entropy(
    input: Any,
    target: Any,
    weight: Any = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Cross-entropy between the softmax of ``input`` (logits) and ``target``, as PyTorch's.

    ``input``: logits of shape (N, C), (N, C, d1, ...) (class axis 1) or (C,).
    ``target``: class indices (integers, shape (N,), (N, d1, ...) or ()), or class probabilities (floats,
    the input's shape; one-hot included).
    ``weight``: one weight per class, shape (C,). ``ignore_index``: a class index whose samples count for
    nothing (indices only). ``label_smoothing`` eps in [0, 1]: the target becomes (1 - eps) target + eps / C.
    'mean' divides by the summed weight of the non-ignored targets (their number without weights), or by
    the number of samples for probability targets.

    >>> cross_entropy(Tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]]), [0, 2], reduction="none")
    tensor([0.2395, 1.0986])
    """
    x, axis = _logits("cross_entropy", input)
    _check_reduction("cross_entropy", reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    w = _class_weight("cross_entropy", weight, x, axis)
    params = {"weight": w, "smoothing": float(label_smoothing), "reduction": reduction, "axis": axis}
    t = target.array if isinstance(target, Tensor) else np.asarray(target)
    if t.dtype.kind == "f":
        _check_probabilities(x, t, axis)
        if ignore_index >= 0:
            raise ValueError(
                f"cross_entropy: ignore_index ({ignore_index}) is not supported with class-probability "
                "targets (float target of the input's shape); pass class indices to ignore samples"
            )
        q = target if isinstance(target, Tensor) else wrap(t)
        if q.dtype != x.dtype:
            q = q.astype(x.dtype)
        return CrossEntropy.apply(x, q, labels=None, valid=None, **params)
    labels, valid = _class_indices("cross_entropy", x, t, axis, ignore_index)
    return CrossEntropy.apply(x, labels=labels, valid=valid, **params)


def nll_loss(
    input: Any,
    target: Any,
    weight: Any = None,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood: ``-weight[y] * input[y]`` per sample, as PyTorch's.

    ``input``: log-probabilities (e.g. from ``log_softmax``) of shape (N, C), (N, C, d1, ...) or (C,);
    ``target``: class indices of shape (N,), (N, d1, ...) or (). ``cross_entropy(x, y)`` equals
    ``nll_loss(log_softmax(x, 1), y)``, in one node. Other arguments as ``cross_entropy``.
    """
    x, axis = _logits("nll_loss", input)
    _check_reduction("nll_loss", reduction)
    w = _class_weight("nll_loss", weight, x, axis)
    t = target.array if isinstance(target, Tensor) else np.asarray(target)
    labels, valid = _class_indices("nll_loss", x, t, axis, ignore_index)
    return NLLLoss.apply(x, labels=labels, valid=valid, weight=w, reduction=reduction, axis=axis)


def binary_cross_entropy(input: Any, target: Any, weight: Any = None, reduction: str = "mean") -> Tensor:
    """-weight * [target log(input) + (1 - target) log(1 - input)], logs clamped at -100, as PyTorch's.

    ``input`` holds probabilities in [0, 1] (e.g. after ``sigmoid``); ``target`` has its shape (and may
    require grad); ``weight`` broadcasts to it. For logits use ``binary_cross_entropy_with_logits``: it is
    stable where sigmoid rounds to exactly 0 or 1.
    """
    op = "binary_cross_entropy"
    x, y = _pair_of_same_shape(op, input, target)
    _check_reduction(op, reduction)
    if not np.all((x.array >= 0) & (x.array <= 1)):
        raise ValueError(
            f"{op}: input values must be probabilities in [0, 1], got values in "
            f"[{np.nanmin(x.array)}, {np.nanmax(x.array)}]{' (and nan)' if np.isnan(x.array).any() else ''}. "
            "Apply sigmoid first, or pass the logits to binary_cross_entropy_with_logits (more stable)."
        )
    w = _broadcast_constant(op, "weight", weight, x)
    return BinaryCrossEntropy.apply(x, y, weight=w, reduction=reduction)


def binary_cross_entropy_with_logits(
    input: Any,
    target: Any,
    weight: Any = None,
    reduction: str = "mean",
    pos_weight: Any = None,
) -> Tensor:
    """Binary cross-entropy of ``sigmoid(input)``, computed stably from the logits, as PyTorch's.

    loss = weight * [(1 - y) x + l log(1 + e^-x)],  l = 1 + (pos_weight - 1) y, evaluated as
    max(x, 0) - x y + log(1 + e^-|x|) (without pos_weight), so |x| = 1000 is fine. ``pos_weight`` (one per
    class, broadcast along the last axis) multiplies the loss of positive targets; ``weight`` broadcasts to
    the input. Both are constants.
    """
    op = "binary_cross_entropy_with_logits"
    x, y = _pair_of_same_shape(op, input, target)
    _check_reduction(op, reduction)
    w = _broadcast_constant(op, "weight", weight, x)
    pw = _broadcast_constant(op, "pos_weight", pos_weight, x)
    return BinaryCrossEntropyWithLogits.apply(x, y, weight=w, pos_weight=pw, reduction=reduction)


def mse_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Mean squared error: (input - target)^2, reduced. Input and target must have the same shape."""
    x, y = _pair_of_same_shape("mse_loss", input, target)
    _check_reduction("mse_loss", reduction)
    diff = x - y
    return _reduce(diff * diff, reduction)


def l1_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Mean absolute error: |input - target|, reduced (gradient sign(input - target), 0 where equal)."""
    x, y = _pair_of_same_shape("l1_loss", input, target)
    _check_reduction("l1_loss", reduction)
    return _reduce(abs(x - y), reduction)


def huber_loss(input: Any, target: Any, reduction: str = "mean", delta: float = 1.0) -> Tensor:
    """Huber loss, with d = input - target: 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta).

    Quadratic near the target, linear (gradient +-delta) far from it: robust to outliers.
    """
    x, y = _pair_of_same_shape("huber_loss", input, target)
    _check_reduction("huber_loss", reduction)
    if not delta > 0:
        raise ValueError(f"huber_loss: delta must be positive, got {delta}")
    return _reduce(_huber(x - y, delta), reduction)


def smooth_l1_loss(input: Any, target: Any, reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """Smooth L1 loss, with d = input - target: 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta.

    ``huber_loss(delta=beta) / beta``; ``beta=0`` is ``l1_loss``. (PyTorch's deprecated ``size_average``
    and ``reduce`` arguments are not taken: pass ``reduction`` by name.)
    """
    x, y = _pair_of_same_shape("smooth_l1_loss", input, target)
    _check_reduction("smooth_l1_loss", reduction)
    if beta < 0:
        raise ValueError(f"smooth_l1_loss: beta must be non-negative, got {beta}")
    diff = x - y
    return _reduce(abs(diff) if beta == 0 else _huber(diff, beta) / beta, reduction)


# ---------------------------------------------------------------------------- helpers
def _pick(x: np.ndarray, labels: np.ndarray, axis: int) -> np.ndarray:
    """x at each sample's label along ``axis`` (the result has the labels' shape)."""
    if x.ndim == 2:
        return x[np.arange(x.shape[0]), labels]
    return np.take_along_axis(x, np.expand_dims(labels, axis), axis).squeeze(axis)


def _place(out: np.ndarray, labels: np.ndarray, axis: int, values: Any) -> None:
    """Write ``values`` (one per sample, or one for all) into ``out`` at each sample's label."""
    if out.ndim == 2:
        out[np.arange(out.shape[0]), labels] = values
    else:
        values = values if np.ndim(values) == 0 else np.expand_dims(values, axis)
        np.put_along_axis(out, np.expand_dims(labels, axis), values, axis)


def _label_weights(
    weight: np.ndarray | None, labels: np.ndarray, valid: np.ndarray | None, dtype: np.dtype
) -> Any:
    """Each sample's weight: its class's weight, 0 if ignored; None when every sample counts 1."""
    if weight is None:
        return None if valid is None else valid.astype(dtype)
    w_y = weight[labels]
    return w_y if valid is None else w_y * valid


def _reduce_losses(losses: np.ndarray, reduction: str, normaliser: float, dtype: np.dtype) -> np.ndarray:
    """Per-sample losses reduced; 'mean' divides by ``normaliser`` (nan when it is 0, as PyTorch)."""
    if reduction == "none":
        return np.asarray(losses, dtype=dtype)
    total = losses.sum()
    if reduction == "mean":
        with np.errstate(invalid="ignore", divide="ignore"):
            total = total / normaliser
    return np.asarray(total, dtype=dtype)


def _class_scale(g: Tensor, reduction: str, normaliser: float, axis: int) -> Tensor:
    """The factor a class loss's gradient gets from its reduction, broadcastable along the class axis."""
    if reduction == "none":
        return unsqueeze(g, axis)
    if reduction == "mean":
        return g / normaliser if normaliser else g * 0.0  # every target ignored: zero gradient, as PyTorch
    return g


def _neg_log_softmax(x: np.ndarray, top: np.ndarray, log_total: np.ndarray) -> np.ndarray:
    """-log softmax(x) = log sum e^(x - top) - (x - top), from the pieces cross_entropy's forward has."""
    out = top - x
    out += log_total
    return out


def _huber(diff: Tensor, delta: float) -> Tensor:
    size = abs(diff)
    return where(size.array < delta, 0.5 * diff * diff, delta * (size - 0.5 * delta))


def _reduce(losses: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return mean(losses)
    return sum(losses) if reduction == "sum" else losses


def _reduce_array(losses: np.ndarray, reduction: str) -> np.ndarray:
    if reduction == "none":
        return losses
    return np.asarray(losses.mean() if reduction == "mean" else losses.sum(), dtype=losses.dtype)


def _elementwise_scale(g: Tensor, reduction: str, count: int, weight: np.ndarray | None = None) -> Tensor:
    """The factor an elementwise loss's gradient gets from its reduction and its ``weight`` (g: the gradient
    of the result)."""
    scale = g / count if reduction == "mean" else g
    return scale if weight is None else scale * weight


def _along(values: np.ndarray, axis: int, ndim: int) -> np.ndarray:
    """Per-class values shaped to broadcast along ``axis`` of an ``ndim``-dimensional array."""
    shape = [1] * ndim
    shape[axis] = values.size
    return values.reshape(shape)


def _check_reduction(op: str, reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{op}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _as_tensor(value: Any) -> Tensor:
    return value if isinstance(value, Tensor) else wrap(as_array(value))


def _logits(op: str, input: Any) -> tuple[Tensor, int]:
    """The input as a floating Tensor of rank >= 1, and its class axis (1, or 0 for shape (C,))."""
    x = _as_tensor(input)
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: input must be floating point, got dtype {x.dtype} (shape {x.shape})")
    if x.ndim == 0:
        raise ValueError(
            f"{op}: input must have a class dimension: shape (C,), (N, C) or (N, C, d1, ...), "
            "got a 0-d tensor"
        )
    return x, 1 if x.ndim >= 2 else 0


def _samples_shape(x: Tensor, axis: int) -> tuple[int, ...]:
    return x.shape[:axis] + x.shape[axis + 1 :]


def _class_weight(op: str, weight: Any, x: Tensor, axis: int) -> np.ndarray | None:
    if weight is None:
        return None
    w = np.asarray(weight.array if isinstance(weight, Tensor) else weight, dtype=x.dtype)
    classes = x.shape[axis]
    if w.shape != (classes,):
        raise ValueError(
            f"{op}: weight of shape {w.shape} does not fit input of shape {x.shape}, which has {classes} "
            f"classes (dimension {axis}): expected one weight per class, shape ({classes},)"
        )
    return w


def _class_indices(
    op: str, x: Tensor, t: np.ndarray, axis: int, ignore_index: int
) -> tuple[np.ndarray, np.ndarray | None]:
    """Validated class indices: (labels, with ignored samples pointing at class 0; mask of the samples that
    count, None when all do)."""
    expected = _samples_shape(x, axis)
    if t.dtype.kind not in "iu":
        what = (
            f"{op}: target of shape {t.shape} and dtype {t.dtype} holds no class indices: class indices must "
            f"be integers of shape {expected} (convert with target.long() or .astype(int))"
        )
        if op == "cross_entropy":
            what += f"; class probabilities must be floats of the input's shape {x.shape}"
        raise TypeError(what)
    if t.shape != expected:
        if t.shape == x.shape and op == "cross_entropy":
            raise ValueError(
                f"cross_entropy: integer target of shape {t.shape} has the input's shape: for class indices "
                f"pass shape {expected}; for one-hot class probabilities convert the target to float"
            )
        if x.ndim >= 2 and t.ndim >= 1 and t.shape[0] != x.shape[0]:
            raise ValueError(
                f"{op}: batch size mismatch: input of shape {x.shape} has {x.shape[0]} samples, target of "
                f"shape {t.shape} has {t.shape[0]}"
            )
        raise ValueError(
            f"{op}: target of shape {t.shape} does not fit input of shape {x.shape}: expected class indices "
            f"of shape {expected}"
        )
    classes = x.shape[axis]
    if t.size == 0:
        return t.astype(np.intp, copy=False), None
    low, high = t.min(), t.max()
    valid = t != ignore_index if low <= ignore_index <= high else None
    if valid is not None and valid.all():
        valid = None
    if low < 0 or high >= classes:
        wrong = (t < 0) | (t >= classes)
        if valid is not None:
            wrong &= valid
        if wrong.any():
            raise ValueError(
                f"{op}: target label {t[wrong].flat[0]} is out of range for {classes} classes: labels must "
                f"be in [0, {classes}) (or equal ignore_index={ignore_index})"
            )
    if valid is None:
        return t.astype(np.intp, copy=False), None
    return np.where(valid, t, 0).astype(np.intp, copy=False), valid


def _check_probabilities(x: Tensor, t: np.ndarray, axis: int) -> None:
    if t.shape == x.shape:
        return
    samples = _samples_shape(x, axis)
    if t.shape == samples:
        raise TypeError(
            f"cross_entropy: float target of shape {t.shape} looks like class indices, but class indices "
            f"must be integers (convert with target.long() or .astype(int)); class probabilities must have "
            f"the input's shape {x.shape}"
        )
    raise ValueError(
        f"cross_entropy: target of shape {t.shape} does not fit input of shape {x.shape}: class "
        f"probabilities (floats, one-hot included) must have the input's shape {x.shape}, class indices "
        f"(integers) shape {samples}"
    )


def _pair_of_same_shape(op: str, input: Any, target: Any) -> tuple[Tensor, Tensor]:
    """Input and target as Tensors of the same floating dtype and shape (a clear error otherwise)."""
    x, y = _as_tensor(input), _as_tensor(target)
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: input must be floating point, got dtype {x.dtype}")
    if x.shape != y.shape:
        raise ValueError(
            f"{op}: input of shape {x.shape} and target of shape {y.shape} differ. Broadcasting them would "
            "compare every input with every target, silently; reshape one to the other's shape "
            "(e.g. input.squeeze(-1) or target.reshape(input.shape))"
        )
    if y.dtype != x.dtype:
        y = y.astype(x.dtype)
    return x, y


def _broadcast_constant(op: str, name: str, value: Any, x: Tensor) -> np.ndarray | None:
    """``weight`` / ``pos_weight`` as an array of the input's dtype that broadcasts to the input's shape."""
    if value is None:
        return None
    v = np.asarray(value.array if isinstance(value, Tensor) else value, dtype=x.dtype)
    try:
        fits = np.broadcast_shapes(v.shape, x.shape) == x.shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(
            f"{op}: {name} of shape {v.shape} does not broadcast to the input's shape {x.shape} "
            "(aligned from the right, each dimension must match or be 1)"
        )
    return v
