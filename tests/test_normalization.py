"""batch_norm and dropout: forward values against numpy written here, first and second derivatives in
float64 over generated shapes, the running statistics against their closed form, values computed once with
PyTorch, and the error messages."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tensorgrad as tg
from tensorgrad.ops.normalization import batch_norm, dropout
from tests.values import leaf, uniform

FEW = settings(max_examples=8)
SEEDS = st.integers(0, 2**32 - 1)


@st.composite
def batch_shapes(draw, max_side: int = 4):
    """(N, C), (N, C, L) or (N, C, H, W) with at least 2 values per channel (training needs them)."""
    side = st.integers(1, max_side)
    shape = (draw(side), draw(side), *draw(st.lists(side, max_size=2)))
    if np.prod(shape) // shape[1] < 2:
        shape = (shape[0] + 1, *shape[1:])
    return shape


def np_batch_norm(x, mean, var, weight=None, bias=None, eps=1e-5):
    """Normalise by hand: channel statistics broadcast along dimension 1."""
    shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    y = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
    if weight is not None:
        y = y * weight.reshape(shape)
    return y if bias is None else y + bias.reshape(shape)


def channel_stats(x):
    """Per-channel mean and biased variance, by moving channels first and flattening the rest."""
    per_channel = np.moveaxis(x, 1, 0).reshape(x.shape[1], -1)
    return per_channel.mean(axis=1), per_channel.var(axis=1), per_channel.shape[1]


# ------------------------------------------------------------------------ batch_norm: values and gradients
@given(shape=batch_shapes(), affine=st.booleans(), seed=SEEDS)
def test_batch_norm_training_normalises_with_batch_statistics_and_gradcheck(shape, affine, seed):
    x_np = uniform(seed, shape, -3.0, 3.0)
    channels = shape[1]
    w_np, b_np = uniform(seed + 1, (channels,)), uniform(seed + 2, (channels,))
    x, w, b = leaf(x_np), leaf(w_np), leaf(b_np)
    params = (w, b) if affine else (None, None)
    out = batch_norm(x, None, None, *params, training=True)
    mean, var, _ = channel_stats(x_np)
    expected = np_batch_norm(x_np, mean, var, *((w_np, b_np) if affine else (None, None)))
    assert out.shape == shape
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-10, atol=1e-12)
    if affine:
        assert tg.gradcheck(lambda a, c, d: batch_norm(a, None, None, c, d, training=True), (x, w, b))
    else:
        assert tg.gradcheck(lambda a: batch_norm(a, None, None, training=True), (x,))


@given(shape=batch_shapes(), seed=SEEDS)
def test_batch_norm_eval_uses_the_running_statistics_and_gradcheck(shape, seed):
    channels = shape[1]
    x_np = uniform(seed, shape, -3.0, 3.0)
    run_mean, run_var = uniform(seed + 1, (channels,)), uniform(seed + 2, (channels,), 0.5, 2.0)
    w, b = leaf(uniform(seed + 3, (channels,))), leaf(uniform(seed + 4, (channels,)))
    x = leaf(x_np)
    before = run_mean.copy(), run_var.copy()
    out = batch_norm(x, run_mean, run_var, w, b, training=False)
    np.testing.assert_allclose(
        out.numpy(), np_batch_norm(x_np, run_mean, run_var, w.numpy(), b.numpy()), rtol=1e-12
    )
    np.testing.assert_array_equal(run_mean, before[0])  # evaluation leaves them alone
    np.testing.assert_array_equal(run_var, before[1])
    assert tg.gradcheck(lambda a, c, d: batch_norm(a, run_mean, run_var, c, d), (x, w, b))


@pytest.mark.parametrize("mode", ["training_affine", "training_plain", "training_weight_only", "eval"])
@FEW
@given(shape=batch_shapes(max_side=3), seed=SEEDS)
def test_batch_norm_second_derivatives(mode, shape, seed):
    channels = shape[1]
    x = leaf(uniform(seed, shape))
    w, b = leaf(uniform(seed + 1, (channels,))), leaf(uniform(seed + 2, (channels,)))
    if mode == "training_affine":
        assert tg.gradgradcheck(lambda a, c, d: batch_norm(a, None, None, c, d, training=True), (x, w, b))
    elif mode == "training_plain":
        # squared, so the second derivative is not that of a linear map of the normalised values
        assert tg.gradgradcheck(lambda a: batch_norm(a, None, None, training=True) ** 2, (x,))
    elif mode == "training_weight_only":
        assert tg.gradgradcheck(lambda a, c: batch_norm(a, None, None, c, training=True), (x, w))
    else:
        stats = np.zeros(channels), np.ones(channels)
        assert tg.gradgradcheck(lambda a, c, d: batch_norm(a, *stats, c, d) ** 2, (x, w, b))


@given(shape=batch_shapes(), seed=SEEDS)
def test_batch_norm_gradient_matches_the_composed_formula_and_sums_to_zero_per_channel(shape, seed):
    x_np = uniform(seed, shape, -3.0, 3.0)
    g = uniform(seed + 1, shape)
    axes = (0, *range(2, len(shape)))
    x = leaf(x_np)
    batch_norm(x, None, None, training=True).backward(g)
    y = leaf(x_np)
    centered = y - y.mean(axes, keepdims=True)
    (centered / (centered.var(axes, keepdims=True, correction=0) + 1e-5).sqrt()).backward(g)
    np.testing.assert_allclose(x.grad.numpy(), y.grad.numpy(), rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(x.grad.numpy().sum(axis=axes), 0.0, atol=1e-10)


def test_batch_norm_matches_values_computed_with_pytorch():
    # torch.nn.functional.batch_norm(x, zeros, ones, w, b, training=True, momentum=0.1), float64, torch 2.x
    x = leaf(np.arange(24, dtype=np.float64).reshape(2, 3, 4) ** 1.5 / 10)
    w, b = leaf(np.array([0.5, -1.0, 2.0])), leaf(np.array([0.1, 0.2, -0.3]))
    run_mean, run_var = np.zeros(3), np.ones(3)
    out = batch_norm(x, run_mean, run_var, w, b, training=True, momentum=0.1)
    out.backward(np.cos(np.arange(24)).reshape(2, 3, 4))
    np.testing.assert_allclose(
        out.numpy()[0, :, 0], [-0.437630584758, 1.34906535784, -2.64598294409], rtol=1e-10
    )
    np.testing.assert_allclose(
        x.grad.numpy()[1, 2], [0.479868461096, -0.053397041219, -0.305262640347, -0.043407519338], rtol=1e-9
    )
    np.testing.assert_allclose(w.grad.numpy(), [0.084547517507, 0.055090053065, -0.060683657735], rtol=1e-9)
    np.testing.assert_allclose(b.grad.numpy(), [1.262513018252, 1.760289613649, -3.563717171921], rtol=1e-10)
    np.testing.assert_allclose(run_mean, [0.25992989889761, 0.43209618181571, 0.64612893342492], rtol=1e-12)
    np.testing.assert_allclose(run_var, [1.56784511610378, 1.97306159611751, 2.36419887304202], rtol=1e-12)


# ---------------------------------------------------------------------------- batch_norm: running statistics
@pytest.mark.parametrize("shape", [(8, 3), (4, 3, 5), (2, 3, 4, 4)], ids=str)
def test_batch_norm_running_statistics_follow_the_closed_form_moving_average(shape):
    momentum, steps = 0.25, 4
    rng = np.random.default_rng(0)
    batches = [rng.normal(k, 1 + k, shape) for k in range(steps)]
    run_mean, run_var = np.zeros(3), np.ones(3)
    for batch in batches:
        batch_norm(tg.tensor(batch), run_mean, run_var, training=True, momentum=momentum)
    # running_k = (1 - m)^k running_0 + sum_i m (1 - m)^(k - 1 - i) statistic_i, unbiased variance
    expected_mean, expected_var = np.zeros(3), np.ones(3) * (1 - momentum) ** steps
    for i, batch in enumerate(batches):
        mean, var, n = channel_stats(batch)
        decay = momentum * (1 - momentum) ** (steps - 1 - i)
        expected_mean += decay * mean
        expected_var += decay * var * n / (n - 1)
    np.testing.assert_allclose(run_mean, expected_mean, rtol=1e-12)
    np.testing.assert_allclose(run_var, expected_var, rtol=1e-12)
    x = np.random.default_rng(1).normal(size=shape)
    out = batch_norm(tg.tensor(x), run_mean, run_var, training=False)
    np.testing.assert_allclose(out.numpy(), np_batch_norm(x, expected_mean, expected_var), rtol=1e-10)


def test_batch_norm_updates_running_statistics_held_in_tensors_in_place():
    run_mean, run_var = tg.zeros(2), tg.ones(2)
    x = tg.tensor(np.array([[1.0, 10.0], [3.0, 20.0]], np.float32))
    batch_norm(x, run_mean, run_var, training=True, momentum=0.5)
    np.testing.assert_allclose(run_mean.numpy(), [1.0, 7.5])
    np.testing.assert_allclose(run_var.numpy(), [0.5 + 0.5 * 2.0, 0.5 + 0.5 * 50.0])
    assert run_mean.dtype == np.float32


def test_batch_norm_float32_stays_float32_in_training_and_eval():
    x = tg.tensor(np.random.default_rng(2).normal(size=(4, 3, 2)).astype(np.float32), requires_grad=True)
    w, b = tg.ones(3, requires_grad=True), tg.zeros(3, requires_grad=True)
    for training in (True, False):
        out = batch_norm(x, np.zeros(3, np.float32), np.ones(3, np.float32), w, b, training=training)
        assert out.dtype == np.float32
        out.sum().backward()
        assert x.grad.dtype == w.grad.dtype == b.grad.dtype == np.float32


# ---------------------------------------------------------------------------- batch_norm: errors
def test_batch_norm_channel_count_mismatch_names_the_shapes():
    x = tg.zeros(4, 3, 5, 5)
    with pytest.raises(
        ValueError,
        match=r"batch_norm: running_mean has shape \(4,\) but the input of shape "
        r"\(4, 3, 5, 5\) has 3 channels.*expected shape \(3,\)",
    ):
        batch_norm(x, np.zeros(4), np.ones(3))
    with pytest.raises(ValueError, match=r"batch_norm: running_var has shape \(2,\)"):
        batch_norm(x, np.zeros(3), np.ones(2))
    with pytest.raises(ValueError, match=r"batch_norm: weight has shape \(5,\) but .* 3 channels"):
        batch_norm(x, None, None, tg.ones(5), training=True)
    with pytest.raises(ValueError, match=r"batch_norm: bias has shape \(1,\)"):
        batch_norm(x, None, None, None, tg.ones(1), training=True)


def test_batch_norm_training_needs_more_than_one_value_per_channel():
    with pytest.raises(
        ValueError,
        match=r"Expected more than 1 value per channel when training, got input of "
        r"shape \(1, 3\)",
    ):
        batch_norm(tg.zeros(1, 3), np.zeros(3), np.ones(3), training=True)
    batch_norm(tg.zeros(1, 3), np.zeros(3), np.ones(3), training=False)  # evaluation is fine
    batch_norm(tg.zeros(1, 3, 2), None, None, training=True)  # two values per channel


def test_batch_norm_input_rank_and_missing_running_statistics():
    with pytest.raises(ValueError, match=r"batch_norm: expected input of shape \(N, C\).*got shape \(3,\)"):
        batch_norm(tg.zeros(3), None, None, training=True)
    with pytest.raises(ValueError, match="running_mean and running_var must be given when training=False"):
        batch_norm(tg.zeros(2, 3), None, None)
    with pytest.raises(TypeError, match="running_mean must be a floating numpy array or Tensor"):
        batch_norm(tg.zeros(2, 3), [0.0, 0.0, 0.0], np.ones(3), training=True)


# ---------------------------------------------------------------------------- dropout
def test_dropout_is_reproducible_with_manual_seed():
    x = tg.ones(50, 40)
    tg.manual_seed(7)
    first = dropout(x, 0.3).numpy()
    tg.manual_seed(7)
    np.testing.assert_array_equal(dropout(x, 0.3).numpy(), first)
    assert not np.array_equal(dropout(x, 0.3).numpy(), first)  # the generator moved on


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_zeroes_a_fraction_p_and_preserves_the_mean(p):
    n = 200_000
    tg.manual_seed(0)
    out = dropout(tg.ones(n, dtype=tg.float64), p).numpy()
    kept = out != 0
    np.testing.assert_allclose(out[kept], 1 / (1 - p))  # survivors are scaled by 1 / (1 - p)
    # the number kept is Binomial(n, 1 - p): stay within 5 standard deviations
    sigma = np.sqrt(p * (1 - p) / n)
    assert abs((1 - kept.mean()) - p) < 5 * sigma
    assert abs(out.mean() - 1.0) < 5 * sigma / (1 - p)


def test_dropout_gradient_is_the_mask_over_keep_probability():
    x = leaf(uniform(3, (30, 20)))
    tg.manual_seed(3)
    out = dropout(x, 0.4)
    out.backward(np.full(x.shape, 2.0))
    mask = (out.numpy() != 0) / 0.6
    np.testing.assert_allclose(out.numpy(), x.numpy() * mask)
    np.testing.assert_allclose(x.grad.numpy(), 2.0 * mask)


def test_dropout_gradcheck_and_second_derivatives_with_a_fixed_mask():
    x = leaf(uniform(4, (4, 3)))

    def fixed(t):
        tg.manual_seed(11)  # the same mask at every call of the finite differences
        return dropout(t, 0.5) ** 2

    assert tg.gradcheck(fixed, (x,))
    assert tg.gradgradcheck(fixed, (x,))


def test_dropout_is_the_identity_in_eval_or_with_p_zero():
    x = tg.ones(3, 4, requires_grad=True)
    assert dropout(x, 0.5, training=False) is x
    assert dropout(x, 0.0) is x


def test_dropout_with_p_one_gives_zeros_and_zero_gradient():
    x = tg.ones(3, 4, requires_grad=True)
    out = dropout(x, 1.0)
    np.testing.assert_array_equal(out.numpy(), 0.0)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), 0.0)


def test_dropout_keeps_float32():
    out = dropout(tg.ones(10, 10), 0.5)
    assert out.dtype == np.float32


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_dropout_probability_outside_0_1_is_an_error(p):
    with pytest.raises(ValueError, match=rf"dropout: probability p must be in \[0, 1\], got {p}"):
        dropout(tg.ones(3), p)


def test_dropout_of_an_integer_tensor_is_an_error():
    with pytest.raises(TypeError, match="dropout: input must be floating point, got dtype int64"):
        dropout(tg.tensor([1, 2, 3]), 0.5)
