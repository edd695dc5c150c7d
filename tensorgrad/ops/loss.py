"""Loss functions, with PyTorch's ``torch.nn.functional`` names, arguments and semantics.

Every loss takes ``reduction``: ``"mean"`` (the default), ``"sum"`` or ``"none"`` (one loss per element or
per sample, unreduced); ``reduce_losses`` is that rule, for the losses of this module and of ``loss_extra``.

* ``cross_entropy`` of class indices is ``nll_loss(log_softmax(x))`` in one node, ``CrossEntropy``. PyTorch's
  graph has the two nodes; here one node makes a classifier's loss a fifth cheaper. Class probabilities and
  label-smoothed class indices are target weights over the classes: ``SoftTargetCrossEntropy``. Both shift
  the logits by their max before ``exp``, so logits of 1000 are fine.
* ``nll_loss`` takes log-probabilities and class indices; ``binary_cross_entropy`` probabilities;
  ``binary_cross_entropy_with_logits`` logits (one node, stable for any logit).
* ``mse_loss``, ``l1_loss``, ``huber_loss`` and ``smooth_l1_loss`` are compositions of elementwise ops.
  Unlike PyTorch (which warns and broadcasts) they refuse an input and a target of different shapes:
  broadcasting predictions of shape (N, 1) against targets of shape (N,) silently compares every
  prediction with every target, a classic bug.

Each function checks its arguments once, at its entry (``_checks.py``); the nodes trust what reaches them.
Backward formulas are written with Tensor ops on the inputs (softmax, sigmoid, log as graph nodes), so
every loss differentiates twice. Class weights, ``weight`` and ``pos_weight`` are constants.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor, wrap
from . import _checks as check
from .activation import logsigmoid
from .elementwise import abs, clip, log, sigmoid, where
from .reduce import Softmax, log_softmax, mean, sum
from .shape import unsqueeze

#: BCE's backward divides by max(x (1 - x), EPSILON), as PyTorch, so x = 0 or 1 gives a large, finite slope
_BCE_EPSILON = 1e-12


# ---------------------------------------------------------------------------- reduction
def reduce_losses(losses: Any, reduction: str, normaliser: float | None = None) -> Any:
    """A loss's values (one per element, or one per sample for the class losses) reduced: 'none' keeps them,
    'sum' adds them, 'mean' divides their sum by ``normaliser``, their number unless given. PyTorch's
    weighted mean (class weights, ignored targets) divides by the summed weight of the counted targets; with
    nothing counted that is 0 / 0 = nan, as PyTorch.

    On a Tensor (a loss composed of Tensor ops) the reduction is Tensor ops too, and its gradient comes
    from the graph. On an array (inside a loss node's forward) it is numpy, and the node's backward takes
    its gradient from ``reduction_gradient``.
    """
    if reduction == "none":
        return losses
    if isinstance(losses, Tensor):
        if reduction == "sum":
            return sum(losses)
        return mean(losses) if normaliser is None else sum(losses) / normaliser
    total = losses.sum()
    if reduction == "mean":
        count = losses.size if normaliser is None else normaliser
        if count:
            total = total / count
        else:  # nothing counted: nan (0 / 0) or inf, quietly (errstate costs a microsecond: only here)
            with np.errstate(invalid="ignore", divide="ignore"):
                total = total / count
    return np.asarray(total, dtype=losses.dtype)


def reduction_gradient(g: Tensor, reduction: str, normaliser: float, class_axis: int | None = None) -> Tensor:
    """The backward of ``reduce_losses`` in a loss node: each loss's gradient, from ``g``, the gradient of the
    reduced result. 'none': g itself, one per loss (with a ``class_axis``, shaped to broadcast over the
    classes); 'sum': g; 'mean': g / normaliser, and 0 when nothing counted (PyTorch's zero gradient)."""
    if reduction == "none":
        return g if class_axis is None else unsqueeze(g, class_axis)
    if reduction == "mean":
        return g / normaliser if normaliser else g * 0.0
    return g


# ---------------------------------------------------------------------------- class losses: nodes
class KnownSoftmax(Softmax):
    """A Softmax node whose value the caller already has (a cross-entropy's forward computed it).

    Backward is Softmax's, so cross-entropy's gradient differentiates again without computing softmax twice.
    """

    def forward(self, a: np.ndarray, axis: int, value: np.ndarray) -> np.ndarray:
        self.axis = axis
        return value


class NLLLoss(Function):
    """Negative log-likelihood of class indices ``y``, given log-probabilities ``x`` along the class axis:

        loss_n = -w_n x_(n, y_n),    d loss_n / d x_n = -w_n onehot(y_n)  (a constant: nll is linear in x),

    with ``w_n`` the weight of sample n's class (1 without class weights), 0 for an ignored sample. 'mean'
    divides by sum_n w_n.
    """

    def forward(
        self,
        x: np.ndarray,
        labels: np.ndarray,
        sample_weight: np.ndarray | None,
        reduction: str,
        axis: int,
    ) -> np.ndarray:
        self.reduction, self.axis = reduction, axis
        self.normaliser = _counted_weight(labels, sample_weight)
        self.saved = (labels, sample_weight)
        losses = -_pick(x, labels, axis)
        if sample_weight is not None:
            losses *= sample_weight
        return reduce_losses(losses, reduction, self.normaliser)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        labels, sample_weight = self.saved
        minus_weights = -1 if sample_weight is None else -sample_weight
        slope = _one_hot(self.inputs[0].array, labels, self.axis, minus_weights)
        return (reduction_gradient(g, self.reduction, self.normaliser, self.axis) * slope,)


class CrossEntropy(NLLLoss):
    """``nll_loss(log_softmax(x))`` of class indices ``y``, in one node:

        loss_n = -w_n log softmax(x_n)_(y_n),    d loss_n / d x_n = w_n (softmax(x_n) - onehot(y_n)),

    ``w_n`` and 'mean' as in NLLLoss.
    """

    def forward(
        self,
        x: np.ndarray,
        labels: np.ndarray,
        sample_weight: np.ndarray | None,
        reduction: str,
        axis: int,
    ) -> np.ndarray:
        log_probs, probs = _log_softmax_and_softmax(x, axis)
        loss = super().forward(log_probs, labels, sample_weight, reduction, axis)
        self.saved += (probs,)
        return loss

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        labels, sample_weight, probs = self.saved
        p = KnownSoftmax.apply(self.inputs[0], axis=self.axis, value=probs)
        if sample_weight is None:
            target = _one_hot(probs, labels, self.axis, 1)
        else:
            target = _one_hot(probs, labels, self.axis, sample_weight)
            p = p * np.expand_dims(sample_weight, self.axis)
        return ((p - target) * reduction_gradient(g, self.reduction, self.normaliser, self.axis),)


class SoftTargetCrossEntropy(Function):
    """Cross-entropy of ``softmax(x)`` against target weights ``t`` over the classes (class probabilities,
    label-smoothed class indices), in one node:

        loss_n = -sum_c t_nc log softmax(x_n)_c,
        d loss_n / d x_n = softmax(x_n) sum_c t_nc - t_n,    d loss_n / d t_n = -log softmax(x_n).

    'mean' divides by ``normaliser``: the number of samples unless given.
    """

    def forward(
        self, x: np.ndarray, t: np.ndarray, normaliser: float | None, reduction: str, axis: int
    ) -> np.ndarray:
        self.reduction, self.axis = reduction, axis
        log_probs, probs = _log_softmax_and_softmax(x, axis)
        self.saved = (probs,)
        losses = -(t * log_probs).sum(axis=axis)
        self.normaliser = losses.size if normaliser is None else normaliser
        return reduce_losses(losses, reduction, self.normaliser)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        x, t = self.inputs
        slope = reduction_gradient(g, self.reduction, self.normaliser, self.axis)
        gx = gt = None
        if x.requires_grad:
            p = KnownSoftmax.apply(x, axis=self.axis, value=self.saved[0])
            gx = (p * sum(t, self.axis, keepdims=True) - t) * slope
        if t.requires_grad:
            gt = log_softmax(x, self.axis) * -slope
        return gx, gt


# ---------------------------------------------------------------------------- binary losses: nodes
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
        return reduce_losses(losses, reduction)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        x, y = self.inputs
        scale = reduction_gradient(g, self.reduction, x.array.size)
        if self.weight is not None:
            scale = scale * self.weight
        gx = (x - y) / clip(x * (1 - x), min=_BCE_EPSILON) * scale if x.requires_grad else None
        gy = None
        if y.requires_grad:
            with np.errstate(divide="ignore"):
                gy = (clip(log(1 - x), min=-100) - clip(log(x), min=-100)) * scale
        return gx, gy


class BinaryCrossEntropyWithLogits(Function):
    """Sigmoid and binary cross-entropy in one node, stable for any logit x:

    loss = w [(1 - y) x + l softplus(-x)],   l = 1 + (pos_weight - 1) y,
         = w [max(x, 0) - x y + log(1 + e^-|x|)]  without pos_weight;
    d/dx = w [(1 - y) - l sigmoid(-x)]  (= w (sigmoid(x) - y) without pos_weight),
    d/dy = w [(pos_weight - 1) softplus(-x) - x],   softplus(-x) = -logsigmoid(x).
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
        return reduce_losses(losses, reduction)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        x, y = self.inputs
        scale = reduction_gradient(g, self.reduction, x.array.size)
        if self.weight is not None:
            scale = scale * self.weight
        pw = self.pos_weight
        gx = gy = None
        if x.requires_grad:
            if pw is None:
                gx = (sigmoid(x) - y) * scale
            else:
                gx = ((1 - y) - (1 + (pw - 1) * y) * sigmoid(-x)) * scale
        if y.requires_grad:
            gy = (-x if pw is None else -logsigmoid(x) * (pw - 1) - x) * scale
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
    x, axis = check.class_input("cross_entropy", input)
    check.reduction("cross_entropy", reduction)
    check.label_smoothing(label_smoothing)
    w = check.class_weight("cross_entropy", weight, x, axis)
    t = target.array if isinstance(target, Tensor) else np.asarray(target)
    if t.dtype.kind == "f":  # class probabilities
        check.class_probabilities(x, t, axis, ignore_index)
        q = target if isinstance(target, Tensor) else wrap(t)
        q = _probability_targets(q, x, w, label_smoothing, axis)
        return SoftTargetCrossEntropy.apply(x, q, normaliser=None, reduction=reduction, axis=axis)
    labels, valid = check.class_indices("cross_entropy", x, t, axis, ignore_index)
    sample_weight = _sample_weights(w, labels, valid, x.dtype)
    if not label_smoothing:  # the common case: nll_loss(log_softmax(x)), one node
        return CrossEntropy.apply(
            x, labels=labels, sample_weight=sample_weight, reduction=reduction, axis=axis
        )
    t = _smoothed_labels(x.array, labels, sample_weight, w, valid, label_smoothing, axis)  # soft targets
    normaliser = _counted_weight(labels, sample_weight)
    return SoftTargetCrossEntropy.apply(x, wrap(t), normaliser=normaliser, reduction=reduction, axis=axis)


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
    x, axis = check.class_input("nll_loss", input)
    check.reduction("nll_loss", reduction)
    w = check.class_weight("nll_loss", weight, x, axis)
    t = target.array if isinstance(target, Tensor) else np.asarray(target)
    labels, valid = check.class_indices("nll_loss", x, t, axis, ignore_index)
    sample_weight = _sample_weights(w, labels, valid, x.dtype)
    return NLLLoss.apply(x, labels=labels, sample_weight=sample_weight, reduction=reduction, axis=axis)


def binary_cross_entropy(input: Any, target: Any, weight: Any = None, reduction: str = "mean") -> Tensor:
    """-weight * [target log(input) + (1 - target) log(1 - input)], logs clamped at -100, as PyTorch's.

    ``input`` holds probabilities in [0, 1] (e.g. after ``sigmoid``); ``target`` has its shape (and may
    require grad); ``weight`` broadcasts to it. For logits use ``binary_cross_entropy_with_logits``: it is
    stable where sigmoid rounds to exactly 0 or 1.
    """
    op = "binary_cross_entropy"
    x, y = check.same_shape(op, input, target)
    check.reduction(op, reduction)
    check.unit_interval(op, x)
    w = check.broadcasts_to_input(op, "weight", weight, x)
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
    x, y = check.same_shape(op, input, target)
    check.reduction(op, reduction)
    w = check.broadcasts_to_input(op, "weight", weight, x)
    pw = check.broadcasts_to_input(op, "pos_weight", pos_weight, x)
    return BinaryCrossEntropyWithLogits.apply(x, y, weight=w, pos_weight=pw, reduction=reduction)


def mse_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Mean squared error: (input - target)^2, reduced. Input and target must have the same shape."""
    x, y = check.same_shape("mse_loss", input, target)
    check.reduction("mse_loss", reduction)
    diff = x - y
    return reduce_losses(diff * diff, reduction)


def l1_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Mean absolute error: |input - target|, reduced (gradient sign(input - target), 0 where equal)."""
    x, y = check.same_shape("l1_loss", input, target)
    check.reduction("l1_loss", reduction)
    return reduce_losses(abs(x - y), reduction)


def huber_loss(input: Any, target: Any, reduction: str = "mean", delta: float = 1.0) -> Tensor:
    """Huber loss, with d = input - target: 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta).

    Quadratic near the target, linear (gradient +-delta) far from it: robust to outliers.
    """
    x, y = check.same_shape("huber_loss", input, target)
    check.reduction("huber_loss", reduction)
    if not delta > 0:
        raise ValueError(f"huber_loss: delta must be positive, got {delta}")
    return reduce_losses(_huber(x - y, delta), reduction)


def smooth_l1_loss(input: Any, target: Any, reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """Smooth L1 loss, with d = input - target: 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta.

    ``huber_loss(delta=beta) / beta``; ``beta=0`` is ``l1_loss``. (PyTorch's deprecated ``size_average``
    and ``reduce`` arguments are not taken: pass ``reduction`` by name.)
    """
    x, y = check.same_shape("smooth_l1_loss", input, target)
    check.reduction("smooth_l1_loss", reduction)
    if beta < 0:
        raise ValueError(f"smooth_l1_loss: beta must be non-negative, got {beta}")
    diff = x - y
    return reduce_losses(abs(diff) if beta == 0 else _huber(diff, beta) / beta, reduction)


# ---------------------------------------------------------------------------- helpers
def _log_softmax_and_softmax(x: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """log softmax(x) and softmax(x) along ``axis``, from one exp of x shifted by its max m:
    log softmax(x) = (x - m) - log sum e^(x - m)."""
    shifted = x - x.max(axis=axis, keepdims=True)
    probs = np.exp(shifted)
    total = probs.sum(axis=axis, keepdims=True)
    probs /= total
    shifted -= np.log(total)
    return shifted, probs


def _sample_weights(
    weight: np.ndarray | None, labels: np.ndarray, valid: np.ndarray | None, dtype: np.dtype
) -> np.ndarray | None:
    """Each sample's weight w_n: its class's weight, 0 if ignored; None when every sample counts 1."""
    if weight is None:
        return None if valid is None else valid.astype(dtype)
    w_y = weight[labels]
    return w_y if valid is None else w_y * valid


def _counted_weight(labels: np.ndarray, sample_weight: np.ndarray | None) -> float:
    """PyTorch's normaliser of a weighted mean: sum_n w_n (the number of samples without weights)."""
    return float(labels.size if sample_weight is None else sample_weight.sum())


def _probability_targets(
    q: Tensor, x: Tensor, weight: np.ndarray | None, smoothing: float, axis: int
) -> Tensor:
    """Class probabilities as target weights: ((1 - eps) q + eps / C) w_c, in the input's dtype. Tensor
    ops, so the gradient reaches ``q`` when it requires grad."""
    if q.dtype != x.dtype:
        q = q.astype(x.dtype)
    if smoothing:
        q = q * (1 - smoothing) + smoothing / x.shape[axis]
    return q if weight is None else q * _along(weight, axis, x.ndim)


def _smoothed_labels(
    like: np.ndarray,
    labels: np.ndarray,
    sample_weight: np.ndarray | None,
    weight: np.ndarray | None,
    valid: np.ndarray | None,
    smoothing: float,
    axis: int,
) -> np.ndarray:
    """Label-smoothed class indices as target weights, an array like ``like``:
    t_nc = (1 - eps) w_n onehot(y_n)_c + eps / C w_c, all 0 for an ignored sample."""
    on_label = 1 - smoothing if sample_weight is None else (1 - smoothing) * sample_weight
    t = _one_hot(like, labels, axis, on_label)
    spread = smoothing / like.shape[axis] * (1 if weight is None else _along(weight, axis, like.ndim))
    t += spread if valid is None else spread * np.expand_dims(valid, axis)
    return t


def _pick(x: np.ndarray, labels: np.ndarray, axis: int) -> np.ndarray:
    """x at each sample's label along ``axis`` (the result has the labels' shape)."""
    if x.ndim == 2:
        return x[np.arange(x.shape[0]), labels]
    return np.take_along_axis(x, np.expand_dims(labels, axis), axis).squeeze(axis)


def _one_hot(like: np.ndarray, labels: np.ndarray, axis: int, values: Any) -> np.ndarray:
    """Zeros of ``like``'s shape and dtype, with ``values`` (one per sample, or one for all) at each sample's
    label along ``axis``."""
    out = np.zeros(like.shape, like.dtype)
    if out.ndim == 2:
        out[np.arange(out.shape[0]), labels] = values
    else:
        values = values if np.ndim(values) == 0 else np.expand_dims(values, axis)
        np.put_along_axis(out, np.expand_dims(labels, axis), values, axis)
    return out


def _along(values: np.ndarray, axis: int, ndim: int) -> np.ndarray:
    """Per-class values shaped to broadcast along ``axis`` of an ``ndim``-dimensional array."""
    shape = [1] * ndim
    shape[axis] = values.size
    return values.reshape(shape)


def _huber(diff: Tensor, delta: float) -> Tensor:
    size = abs(diff)
    return where(size.array < delta, 0.5 * diff * diff, delta * (size - 0.5 * delta))
