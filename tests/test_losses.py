"""Loss functions: forward values against plain numpy references written here (each option and reduction),
first and second derivatives by ``tg.gradcheck`` / ``tg.gradgradcheck`` in float64 over generated shapes,
numerical stability at extreme logits, a few values computed once with PyTorch, and the error messages.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tensorgrad as tg
from tensorgrad.ops.loss import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    huber_loss,
    l1_loss,
    mse_loss,
    nll_loss,
    smooth_l1_loss,
)
from tests.values import leaf, uniform

FEW = settings(max_examples=8)
SEEDS = st.integers(0, 2**32 - 1)
REDUCTIONS = st.sampled_from(["mean", "sum", "none"])


# ---------------------------------------------------------------------------- numpy references
def np_log_softmax(a: np.ndarray, axis: int) -> np.ndarray:
    shifted = a - a.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def np_cross_entropy(
    logits, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0, log_probs=False
):
    """PyTorch's definition, one sample at a time: class axis 1 (0 for a vector of C logits)."""
    axis = 1 if logits.ndim >= 2 else 0
    classes = logits.shape[axis]
    lp = logits if log_probs else np_log_softmax(logits, axis)
    lp = np.moveaxis(lp, axis, -1).reshape(-1, classes)
    w = np.ones(classes) if weight is None else np.asarray(weight, dtype=float)
    eps = label_smoothing
    if np.issubdtype(np.asarray(target).dtype, np.integer):
        labels = np.asarray(target).reshape(-1)
        losses, denominator = np.zeros(len(labels)), 0.0
        for n, y in enumerate(labels):
            if y == ignore_index:
                continue
            nll = -w[y] * lp[n, y]
            smooth = -(w * lp[n]).sum() / classes
            losses[n] = (1 - eps) * nll + eps * smooth
            denominator += w[y]
    else:
        q = np.moveaxis(np.asarray(target), axis, -1).reshape(-1, classes) * (1 - eps) + eps / classes
        losses = -(q * w * lp).sum(axis=1)
        denominator = len(losses)
    if reduction == "none":
        return losses.reshape(np.delete(logits.shape, axis))
    if reduction == "sum":
        return losses.sum()
    return losses.sum() / denominator if denominator else np.nan  # nothing counted: 0 / 0


@st.composite
def class_problems(draw, max_side: int = 4):
    """(logits shape, labels shape): a vector (C,), a batch (N, C), or a batch of maps (N, C, d1[, d2])."""
    kind = draw(st.sampled_from(["vector", "batch", "maps"]))
    side = st.integers(1, max_side)
    classes = draw(st.integers(1, max_side))
    if kind == "vector":
        return (classes,), ()
    n = draw(side)
    spatial = tuple(draw(st.lists(side, min_size=1, max_size=2))) if kind == "maps" else ()
    return (n, classes, *spatial), (n, *spatial)


def labels_for(seed: int, shape: tuple[int, ...], classes: int, ignore: bool) -> np.ndarray:
    """Random class indices; with ``ignore`` some are set to -100 (ignore_index)."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, classes, shape)
    if ignore:
        labels = np.where(rng.random(shape) < 0.3, -100, labels)
    return labels


def probabilities_for(seed: int, shape: tuple[int, ...], axis: int) -> np.ndarray:
    p = np.random.default_rng(seed).uniform(0.05, 1.0, shape)
    return p / p.sum(axis=axis, keepdims=True)


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


# ---------------------------------------------------------------------------- cross_entropy
@given(
    problem=class_problems(),
    reduction=REDUCTIONS,
    weighted=st.booleans(),
    smoothing=st.sampled_from([0.0, 0.3]),
    ignore=st.booleans(),
    seed=SEEDS,
)
def test_cross_entropy_with_class_indices_matches_numpy_and_gradcheck(
    problem, reduction, weighted, smoothing, ignore, seed
):
    shape, label_shape = problem
    classes = shape[1 if len(shape) > 1 else 0]
    x_np = uniform(seed, shape, -3.0, 3.0)
    labels = labels_for(seed + 1, label_shape, classes, ignore)
    weight = uniform(seed + 2, (classes,), 0.5, 2.0) if weighted else None
    kwargs = dict(weight=weight, reduction=reduction, label_smoothing=smoothing)
    x = leaf(x_np)
    out = cross_entropy(x, labels, **kwargs)
    expected = np_cross_entropy(x_np, labels, **kwargs)
    assert out.shape == np.shape(expected)
    assert out.dtype == np.float64
    if reduction == "mean" and np.all(labels == -100):
        assert np.isnan(out.item())  # nothing counts: 0 / 0, as PyTorch
        return
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-10, atol=1e-12)
    assert tg.gradcheck(lambda t: cross_entropy(t, labels, **kwargs), (x,))


@given(
    problem=class_problems(),
    reduction=REDUCTIONS,
    weighted=st.booleans(),
    smoothing=st.sampled_from([0.0, 0.3]),
    seed=SEEDS,
)
def test_cross_entropy_with_class_probabilities_matches_numpy_and_gradcheck_both_inputs(
    problem, reduction, weighted, smoothing, seed
):
    shape, _ = problem
    axis = 1 if len(shape) > 1 else 0
    x_np, q_np = uniform(seed, shape, -3.0, 3.0), probabilities_for(seed + 1, shape, axis)
    weight = uniform(seed + 2, (shape[axis],), 0.5, 2.0) if weighted else None
    kwargs = dict(weight=weight, reduction=reduction, label_smoothing=smoothing)
    x, q = leaf(x_np), leaf(q_np)
    out = cross_entropy(x, q, **kwargs)
    np.testing.assert_allclose(out.numpy(), np_cross_entropy(x_np, q_np, **kwargs), rtol=1e-10, atol=1e-12)
    assert tg.gradcheck(lambda a, b: cross_entropy(a, b, **kwargs), (x, q))


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"weight": np.array([0.5, 2.0, 1.0])},
        {"label_smoothing": 0.2, "reduction": "none"},
        {"ignore_index": 1, "reduction": "sum", "weight": np.array([0.5, 2.0, 1.0]), "label_smoothing": 0.1},
    ],
    ids=["plain", "weight", "smoothing_none", "everything"],
)
@FEW
@given(problem=class_problems(max_side=3), seed=SEEDS)
def test_cross_entropy_second_derivatives(options, problem, seed):
    shape, label_shape = problem
    axis = 1 if len(shape) > 1 else 0
    shape = (*shape[:axis], 3, *shape[axis + 1 :])  # three classes, to fit the weights
    labels = labels_for(seed + 1, label_shape, 3, ignore=False)
    x = leaf(uniform(seed, shape))
    assert tg.gradgradcheck(lambda t: cross_entropy(t, labels, **options), (x,))


@FEW
@given(problem=class_problems(max_side=3), seed=SEEDS)
def test_cross_entropy_with_probabilities_second_derivatives_in_logits_and_target(problem, seed):
    shape, _ = problem
    axis = 1 if len(shape) > 1 else 0
    x, q = leaf(uniform(seed, shape)), leaf(probabilities_for(seed + 1, shape, axis))
    weight = uniform(seed + 2, (shape[axis],), 0.5, 2.0)
    assert tg.gradgradcheck(lambda a, b: cross_entropy(a, b, weight=weight, label_smoothing=0.2), (x, q))


def test_cross_entropy_gradient_is_softmax_minus_one_hot_over_batch_size():
    x_np = uniform(3, (4, 5))
    labels = np.array([0, 4, 2, 2])
    x = leaf(x_np)
    cross_entropy(x, labels).backward()
    softmax = np.exp(np_log_softmax(x_np, 1))
    np.testing.assert_allclose(x.grad.numpy(), (softmax - np.eye(5)[labels]) / 4, rtol=1e-12, atol=1e-15)


def test_cross_entropy_with_one_hot_probabilities_equals_class_indices():
    x_np = uniform(4, (3, 4))
    labels = np.array([3, 0, 1])
    by_index = cross_entropy(leaf(x_np), labels, label_smoothing=0.1)
    by_one_hot = cross_entropy(leaf(x_np), np.eye(4)[labels], label_smoothing=0.1)
    np.testing.assert_allclose(by_one_hot.numpy(), by_index.numpy(), rtol=1e-12)


def test_cross_entropy_takes_labels_as_tensor_numpy_array_or_list():
    x = leaf(uniform(5, (3, 4)))
    values = {
        float(cross_entropy(x, labels).item())
        for labels in ([1, 3, 0], np.array([1, 3, 0]), tg.tensor([1, 3, 0]), np.array([1, 3, 0], np.int32))
    }
    assert len(values) == 1


def test_cross_entropy_matches_values_computed_with_pytorch():
    # torch.nn.functional.cross_entropy on these inputs (float64), torch 2.x
    x_np = np.array([[1.5, -0.5, 0.25, 2.0], [0.0, 1.0, -1.0, 0.5], [3.0, 0.0, 0.0, -2.0]])
    labels = np.array([3, 1, 0])
    x = leaf(x_np)
    loss = cross_entropy(
        x, labels, weight=np.array([1.0, 2.0, 0.5, 1.5]), ignore_index=1, label_smoothing=0.2
    )
    loss.backward()
    np.testing.assert_allclose(loss.item(), 0.8306124846730601, rtol=1e-12)
    np.testing.assert_allclose(
        x.grad.numpy(),
        [
            [0.168890542718, -0.014436444901, 0.04411804657, -0.198572144387],
            [0.0, 0.0, 0.0, 0.0],
            [0.039639711231, -0.021098851742, 0.008901148258, -0.027442007747],
        ],
        atol=1e-12,
    )
    x = leaf(x_np)
    loss = cross_entropy(x, labels)
    loss.backward()
    np.testing.assert_allclose(loss.item(), 0.4898199003785865, rtol=1e-12)
    np.testing.assert_allclose(
        x.grad.numpy()[0], [0.108557783171, 0.014691698333, 0.031102325615, -0.154351807119], atol=1e-12
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_is_finite_for_logits_of_plus_minus_1000(dtype):
    x = tg.tensor(np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 1000.0]], dtype), requires_grad=True)
    loss = cross_entropy(x, [1, 0], reduction="none")
    assert loss.dtype == dtype
    np.testing.assert_allclose(loss.numpy(), [2000.0, 2000.0 + np.log(2.0)], rtol=1e-6)
    loss.sum().backward()
    assert np.all(np.isfinite(x.grad.numpy()))
    np.testing.assert_allclose(x.grad.numpy(), [[1.0, -1.0, 0.0], [-1.0, 0.5, 0.5]], atol=1e-6)
    x.grad = None
    cross_entropy(x, [0, 1], label_smoothing=0.1).backward()
    assert np.all(np.isfinite(x.grad.numpy()))


def test_cross_entropy_float32_input_gives_float32_loss_and_gradient():
    x = tg.tensor(np.ones((2, 3), np.float32), requires_grad=True)
    loss = cross_entropy(x, [0, 2], weight=np.array([1.0, 2.0, 3.0]))
    assert loss.dtype == np.float32
    loss.backward()
    assert x.grad.dtype == np.float32


def test_cross_entropy_with_every_target_ignored_is_nan_with_zero_gradient_as_pytorch():
    x = leaf(uniform(6, (2, 3)))
    loss = cross_entropy(x, [-100, -100])
    assert np.isnan(loss.item())
    loss.backward()
    np.testing.assert_array_equal(x.grad.numpy(), 0.0)


def test_cross_entropy_mean_with_weights_divides_by_the_weights_of_the_counted_targets():
    x_np = uniform(7, (3, 2))
    weight = np.array([1.0, 3.0])
    loss = cross_entropy(leaf(x_np), [1, 0, -100], weight=weight)
    lp = np_log_softmax(x_np, 1)
    np.testing.assert_allclose(loss.item(), -(3.0 * lp[0, 1] + 1.0 * lp[1, 0]) / 4.0, rtol=1e-12)


# ---------------------------------------------------------------------------- nll_loss
@given(
    problem=class_problems(), reduction=REDUCTIONS, weighted=st.booleans(), ignore=st.booleans(), seed=SEEDS
)
def test_nll_loss_matches_numpy_and_cross_entropy_of_log_softmax(problem, reduction, weighted, ignore, seed):
    shape, label_shape = problem
    axis = 1 if len(shape) > 1 else 0
    classes = shape[axis]
    x_np = uniform(seed, shape, -3.0, 3.0)
    log_probs = np_log_softmax(x_np, axis)
    labels = labels_for(seed + 1, label_shape, classes, ignore)
    weight = uniform(seed + 2, (classes,), 0.5, 2.0) if weighted else None
    if reduction == "mean" and np.all(labels == -100):
        labels = np.zeros(label_shape, np.int64)
    kwargs = dict(weight=weight, reduction=reduction)
    lp = leaf(log_probs)
    out = nll_loss(lp, labels, **kwargs)
    np.testing.assert_allclose(
        out.numpy(), np_cross_entropy(log_probs, labels, log_probs=True, **kwargs), atol=1e-12
    )
    fused = cross_entropy(leaf(x_np), labels, **kwargs)
    np.testing.assert_allclose(out.numpy(), fused.numpy(), rtol=1e-10, atol=1e-12)
    assert tg.gradcheck(lambda t: nll_loss(t, labels, **kwargs), (lp,))


@FEW
@given(problem=class_problems(max_side=3), seed=SEEDS)
def test_nll_loss_of_log_softmax_second_derivatives(problem, seed):
    shape, label_shape = problem
    axis = 1 if len(shape) > 1 else 0
    labels = labels_for(seed + 1, label_shape, shape[axis], ignore=False)
    x = leaf(uniform(seed, shape))
    assert tg.gradgradcheck(lambda t: nll_loss(t.log_softmax(axis), labels, reduction="sum"), (x,))


# ---------------------------------------------------------------------------- binary cross-entropy
def np_bce(p, y, weight=None):
    loss = -(y * np.maximum(np.log(p), -100) + (1 - y) * np.maximum(np.log(1 - p), -100))
    return loss if weight is None else loss * weight


def np_bce_with_logits(x, y, weight=None, pos_weight=None):
    pw = 1.0 if pos_weight is None else pos_weight
    loss = -(pw * y * np.log(sigmoid(x)) + (1 - y) * np.log(1 - sigmoid(x)))
    return loss if weight is None else loss * weight


def reduce_np(loss, reduction):
    return {"mean": np.mean, "sum": np.sum, "none": lambda a: a}[reduction](loss)


SHAPES_2D = st.tuples(st.integers(1, 4), st.integers(1, 4))


@given(shape=SHAPES_2D, reduction=REDUCTIONS, weighted=st.booleans(), seed=SEEDS)
def test_binary_cross_entropy_matches_numpy_and_gradcheck_input_and_target(shape, reduction, weighted, seed):
    p_np, y_np = uniform(seed, shape, 0.05, 0.95), uniform(seed + 1, shape, 0.0, 1.0)
    weight = uniform(seed + 2, shape[-1:], 0.5, 2.0) if weighted else None
    p, y = leaf(p_np), leaf(y_np)
    out = binary_cross_entropy(p, y, weight=weight, reduction=reduction)
    np.testing.assert_allclose(out.numpy(), reduce_np(np_bce(p_np, y_np, weight), reduction), rtol=1e-12)
    assert tg.gradcheck(lambda a, b: binary_cross_entropy(a, b, weight=weight, reduction=reduction), (p, y))


@FEW
@given(shape=SHAPES_2D, seed=SEEDS)
def test_binary_cross_entropy_second_derivatives(shape, seed):
    p, y = leaf(uniform(seed, shape, 0.1, 0.9)), leaf(uniform(seed + 1, shape, 0.0, 1.0))
    weight = uniform(seed + 2, shape[-1:], 0.5, 2.0)
    assert tg.gradgradcheck(lambda a, b: binary_cross_entropy(a, b, weight=weight), (p, y))


def test_binary_cross_entropy_clamps_the_log_at_minus_100_as_pytorch():
    p = leaf(np.array([0.0, 1.0, 0.0, 1.0]))
    loss = binary_cross_entropy(p, np.array([1.0, 0.0, 0.0, 1.0]), reduction="none")
    np.testing.assert_array_equal(loss.numpy(), [100.0, 100.0, 0.0, 0.0])
    loss.sum().backward()
    assert np.all(np.isfinite(p.grad.numpy()))  # (x - y) / max(x (1 - x), 1e-12): large but finite
    np.testing.assert_allclose(p.grad.numpy(), [-1e12, 1e12, 0.0, 0.0])


@given(
    shape=SHAPES_2D,
    reduction=REDUCTIONS,
    weighted=st.booleans(),
    pos_weighted=st.booleans(),
    seed=SEEDS,
)
def test_binary_cross_entropy_with_logits_matches_numpy_and_gradcheck_input_and_target(
    shape, reduction, weighted, pos_weighted, seed
):
    x_np, y_np = uniform(seed, shape, -4.0, 4.0), uniform(seed + 1, shape, 0.0, 1.0)
    weight = uniform(seed + 2, shape[-1:], 0.5, 2.0) if weighted else None
    pos_weight = uniform(seed + 3, shape[-1:], 0.5, 3.0) if pos_weighted else None
    kwargs = dict(weight=weight, reduction=reduction, pos_weight=pos_weight)
    x, y = leaf(x_np), leaf(y_np)
    out = binary_cross_entropy_with_logits(x, y, **kwargs)
    expected = reduce_np(np_bce_with_logits(x_np, y_np, weight, pos_weight), reduction)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-10)
    assert tg.gradcheck(lambda a, b: binary_cross_entropy_with_logits(a, b, **kwargs), (x, y))


@pytest.mark.parametrize("pos_weighted", [False, True], ids=["plain", "pos_weight"])
@FEW
@given(shape=SHAPES_2D, seed=SEEDS)
def test_binary_cross_entropy_with_logits_second_derivatives(pos_weighted, shape, seed):
    x, y = leaf(uniform(seed, shape, -3.0, 3.0)), leaf(uniform(seed + 1, shape, 0.0, 1.0))
    pos_weight = uniform(seed + 2, shape[-1:], 0.5, 3.0) if pos_weighted else None
    assert tg.gradgradcheck(
        lambda a, b: binary_cross_entropy_with_logits(a, b, pos_weight=pos_weight), (x, y)
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_binary_cross_entropy_with_logits_is_stable_at_plus_minus_100(dtype):
    x = tg.tensor(np.array([-100.0, 100.0, -100.0, 100.0, -1000.0], dtype), requires_grad=True)
    y = np.array([1.0, 0.0, 0.0, 1.0, 1.0], dtype)
    loss = binary_cross_entropy_with_logits(x, y, reduction="none")
    assert loss.dtype == dtype
    np.testing.assert_allclose(loss.numpy(), [100.0, 100.0, 0.0, 0.0, 1000.0], rtol=1e-6, atol=1e-30)
    loss.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [-1.0, 1.0, 0.0, 0.0, -1.0], atol=1e-30)


def test_binary_cross_entropy_with_logits_gradient_at_zero_logit_is_a_half_minus_target():
    # exactly at x = 0 (a zero-initialised output layer): no kink, d/dx = sigmoid(0) - y
    x = leaf(np.zeros(3))
    binary_cross_entropy_with_logits(x, np.array([0.0, 1.0, 0.25]), reduction="sum").backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.5, -0.5, 0.25])


def test_binary_cross_entropy_variants_match_values_computed_with_pytorch():
    x = np.array([-3.0, -0.5, 0.0, 0.5, 3.0])
    y = np.array([1.0, 0.0, 1.0, 0.25, 0.0])
    with_logits = binary_cross_entropy_with_logits(leaf(x), y, pos_weight=np.array(3.0))
    np.testing.assert_allclose(with_logits.item(), 3.1667966816850144, rtol=1e-12)
    np.testing.assert_allclose(
        binary_cross_entropy(leaf(sigmoid(x)), y).item(), 1.6226951704135293, rtol=1e-12
    )


# ---------------------------------------------------------------------------- regression losses
def np_huber(d, delta):
    a = np.abs(d)
    return np.where(a < delta, 0.5 * d * d, delta * (a - 0.5 * delta))


REGRESSION = {
    "mse": (mse_loss, lambda d: d * d),
    "l1": (l1_loss, np.abs),
    "huber": (lambda a, b, reduction: huber_loss(a, b, reduction, delta=0.8), lambda d: np_huber(d, 0.8)),
    "smooth_l1": (
        lambda a, b, reduction: smooth_l1_loss(a, b, reduction, beta=0.4),
        lambda d: np_huber(d, 0.4) / 0.4,
    ),
    "smooth_l1_beta_0": (lambda a, b, reduction: smooth_l1_loss(a, b, reduction, beta=0.0), np.abs),
}


def regression_pair(seed: int, shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Input and target whose differences are odd multiples of 0.1: at least 0.1 away from 0 (the kink of l1)
    and from +-0.8, +-0.4 (the kinks of huber and smooth_l1 as used here)."""
    rng = np.random.default_rng(seed)
    target = rng.uniform(-2.0, 2.0, shape)
    return target + rng.integers(-8, 8, shape) * 0.2 + 0.1, target


@pytest.mark.parametrize("name", list(REGRESSION))
@given(shape=SHAPES_2D, reduction=REDUCTIONS, seed=SEEDS)
def test_regression_loss_matches_numpy_and_gradcheck_input_and_target(name, shape, reduction, seed):
    op, elementwise = REGRESSION[name]
    x_np, y_np = regression_pair(seed, shape)
    x, y = leaf(x_np), leaf(y_np)
    out = op(x, y, reduction=reduction)
    np.testing.assert_allclose(out.numpy(), reduce_np(elementwise(x_np - y_np), reduction), rtol=1e-12)
    assert tg.gradcheck(lambda a, b: op(a, b, reduction=reduction), (x, y))


@pytest.mark.parametrize("name", list(REGRESSION))
def test_regression_loss_second_derivatives(name):
    op, _ = REGRESSION[name]
    x_np, y_np = regression_pair(0, (3, 2))
    assert tg.gradgradcheck(
        lambda a, b: op(a, b, reduction="mean") * op(a, b, reduction="sum"), (leaf(x_np), leaf(y_np))
    )


def test_regression_losses_take_numpy_targets_and_keep_float32():
    x = tg.tensor(np.array([1.0, 2.0, 4.0], np.float32), requires_grad=True)
    loss = mse_loss(x, np.array([1.0, 0.0, 0.0]))
    assert loss.dtype == np.float32
    np.testing.assert_allclose(loss.item(), 20.0 / 3.0, rtol=1e-6)
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.0, 4.0 / 3.0, 8.0 / 3.0], rtol=1e-6)


# ---------------------------------------------------------------------------- errors
def test_cross_entropy_float_target_of_the_wrong_shape_names_both_shapes():
    with pytest.raises(
        ValueError,
        match=r"cross_entropy: target of shape \(4, 6\) does not fit input of shape "
        r"\(4, 5\).*probabilities.*\(4, 5\).*indices.*\(4,\)",
    ):
        cross_entropy(tg.zeros(4, 5), np.eye(6)[:4])


def test_cross_entropy_float_labels_are_not_class_indices():
    with pytest.raises(
        TypeError, match=r"cross_entropy: float target of shape \(4,\).*must be integers.*long"
    ):
        cross_entropy(tg.zeros(4, 5), np.array([0.0, 1.0, 2.0, 3.0]))
    with pytest.raises(TypeError, match=r"nll_loss: target of shape \(4,\) and dtype float32 holds no class"):
        nll_loss(tg.zeros(4, 5), tg.tensor([0.0, 1.0, 2.0, 3.0]))


def test_cross_entropy_integer_one_hot_target_says_to_convert_it():
    with pytest.raises(ValueError, match=r"integer target of shape \(2, 3\) has the input's shape.*float"):
        cross_entropy(tg.zeros(2, 3), np.eye(3, dtype=int)[:2])


@pytest.mark.parametrize("op", [cross_entropy, nll_loss], ids=["cross_entropy", "nll_loss"])
def test_class_labels_out_of_range_name_the_label_and_the_class_count(op):
    name = op.__name__
    with pytest.raises(ValueError, match=rf"{name}: target label 5 is out of range for 5 classes.*\[0, 5\)"):
        op(tg.zeros(3, 5), [0, 5, 1])
    with pytest.raises(ValueError, match=rf"{name}: target label -1 is out of range for 5 classes"):
        op(tg.zeros(3, 5), [0, -1, 1])
    with pytest.raises(ValueError, match=r"target label 7 is out of range for 3 classes"):
        op(tg.zeros(2, 3, 2), [[0, 7], [1, 2]])
    op(tg.zeros(3, 5), [0, -100, 4])  # ignore_index is not out of range


@pytest.mark.parametrize("op", [cross_entropy, nll_loss], ids=["cross_entropy", "nll_loss"])
def test_class_labels_batch_size_mismatch_names_both_sizes(op):
    with pytest.raises(
        ValueError,
        match=rf"{op.__name__}: batch size mismatch: input of shape \(3, 5\) has 3 "
        r"samples, target of shape \(4,\) has 4",
    ):
        op(tg.zeros(3, 5), [0, 1, 2, 3])
    with pytest.raises(
        ValueError, match=r"target of shape \(3, 2\) does not fit input of shape \(3, 5\).*\(3,\)"
    ):
        op(tg.zeros(3, 5), np.zeros((3, 2), int))


def test_cross_entropy_needs_a_class_dimension_and_known_options():
    with pytest.raises(ValueError, match="cross_entropy: input must have a class dimension.*0-d"):
        cross_entropy(tg.tensor(1.0), 0)
    with pytest.raises(
        ValueError, match="cross_entropy: reduction must be 'mean', 'sum' or 'none', got 'avg'"
    ):
        cross_entropy(tg.zeros(2, 3), [0, 1], reduction="avg")
    with pytest.raises(ValueError, match=r"cross_entropy: weight of shape \(2,\).*3 classes.*\(3,\)"):
        cross_entropy(tg.zeros(2, 3), [0, 1], weight=np.ones(2))
    with pytest.raises(ValueError, match=r"label_smoothing must be in \[0, 1\], got 1.5"):
        cross_entropy(tg.zeros(2, 3), [0, 1], label_smoothing=1.5)
    with pytest.raises(ValueError, match="ignore_index .* not supported with class-probability targets"):
        cross_entropy(tg.zeros(2, 3), np.eye(3)[:2], ignore_index=0)
    with pytest.raises(TypeError, match="cross_entropy: input must be floating point"):
        cross_entropy(tg.tensor([[1, 2]]), [0])


def test_binary_cross_entropy_rejects_values_outside_0_1_and_suggests_logits():
    with pytest.raises(
        ValueError,
        match=r"binary_cross_entropy: input values must be probabilities in \[0, 1\], "
        r"got values in \[-0.5, 1.5\].*binary_cross_entropy_with_logits",
    ):
        binary_cross_entropy(tg.tensor([-0.5, 0.2, 1.5]), tg.tensor([0.0, 1.0, 1.0]))
    with pytest.raises(ValueError, match="and nan"):
        binary_cross_entropy(tg.tensor([np.nan, 0.2]), tg.tensor([0.0, 1.0]))


@pytest.mark.parametrize(
    "op",
    [mse_loss, l1_loss, huber_loss, smooth_l1_loss, binary_cross_entropy, binary_cross_entropy_with_logits],
    ids=lambda op: op.__name__,
)
def test_elementwise_losses_refuse_shapes_that_differ_instead_of_broadcasting(op):
    with pytest.raises(
        ValueError,
        match=rf"{op.__name__}: input of shape \(4, 1\) and target of shape \(4,\) "
        r"differ.*reshape",
    ):
        op(tg.full((4, 1), 0.5), tg.full((4,), 0.5))


def test_elementwise_loss_options_are_checked():
    with pytest.raises(ValueError, match="mse_loss: reduction must be 'mean', 'sum' or 'none', got 'max'"):
        mse_loss(tg.zeros(2), tg.zeros(2), reduction="max")
    with pytest.raises(ValueError, match="huber_loss: delta must be positive, got 0"):
        huber_loss(tg.zeros(2), tg.zeros(2), delta=0)
    with pytest.raises(ValueError, match="smooth_l1_loss: beta must be non-negative, got -1"):
        smooth_l1_loss(tg.zeros(2), tg.zeros(2), beta=-1)
    with pytest.raises(
        ValueError,
        match=r"pos_weight of shape \(3,\) does not broadcast to the input's shape "
        r"\(2, 2\)",
    ):
        binary_cross_entropy_with_logits(tg.zeros(2, 2), tg.zeros(2, 2), pos_weight=np.ones(3))
