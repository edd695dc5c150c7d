"""The layers: forward values against numpy, first and second derivatives through the layer (its
parameters included) with gradcheck/gradgradcheck in float64, train/eval behaviour, and errors that name
the layer."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tensorgrad as tg
from tensorgrad import nn
from tensorgrad.nn import functional as F
from tests.values import away_from_zero, leaf, uniform

SEEDS = st.integers(0, 2**32 - 1)
BATCH = st.lists(st.integers(1, 3), min_size=0, max_size=2).map(tuple)


def checked(layer: nn.Module, x: tg.Tensor, second_order: bool = True) -> None:
    """gradcheck (and gradgradcheck) of ``layer`` w.r.t. its input and every parameter, in float64."""
    params = list(layer.parameters())

    def fn(x, *ps):
        return layer(x)

    assert tg.gradcheck(fn, [x, *params])
    if second_order:
        assert tg.gradgradcheck(fn, [x, *params])


# ---------------------------------------------------------------------------- Dense
@given(seed=SEEDS, batch=BATCH, n_in=st.integers(1, 4), n_out=st.integers(1, 4), bias=st.booleans())
def test_dense_matches_numpy_and_passes_gradcheck_and_gradgradcheck(seed, batch, n_in, n_out, bias):
    tg.manual_seed(seed)
    layer = nn.Dense(n_in, n_out, bias=bias).double()
    x = leaf(uniform(seed, (*batch, n_in)))
    expected = x.numpy() @ layer.weight.numpy().T + (layer.bias.numpy() if bias else 0)
    np.testing.assert_allclose(layer(x).numpy(), expected, rtol=1e-12)
    checked(layer, x)


def test_dense_on_a_single_sample_vector():
    layer = nn.Dense(3, 2).double()
    x = leaf(np.array([1.0, -2.0, 0.5]))
    np.testing.assert_allclose(layer(x).numpy(), layer.weight.numpy() @ x.numpy() + layer.bias.numpy())
    checked(layer, x)


def test_dense_with_no_input_features_gives_its_bias_and_empty_gradients_as_pytorch():
    layer = nn.Linear(0, 3)  # PyTorch: init of a zero-element weight is a no-op; the bias bound is 0
    x = tg.zeros(2, 5, 0, requires_grad=True)
    y = layer(x)
    y.sum().backward()
    assert y.shape == (2, 5, 3) and x.grad.shape == (2, 5, 0) and layer.weight.grad.shape == (3, 0)
    np.testing.assert_array_equal(y.numpy(), np.zeros((2, 5, 3)))
    np.testing.assert_array_equal(layer.bias.grad.numpy(), [10.0, 10.0, 10.0])


def test_dense_gradients_have_the_parameter_shapes_and_values():
    layer = nn.Dense(3, 2)
    x = tg.randn(5, 3)
    layer(x).sum().backward()
    np.testing.assert_allclose(layer.weight.grad.numpy(), np.tile(x.numpy().sum(0), (2, 1)), rtol=1e-5)
    np.testing.assert_allclose(layer.bias.grad.numpy(), [5.0, 5.0])


def test_dense_default_init_is_pytorch_uniform_bound():
    tg.manual_seed(1)
    layer = nn.Dense(400, 300)
    bound = 1 / math.sqrt(400)
    for values in (layer.weight.numpy(), layer.bias.numpy()):
        assert values.dtype == np.float32
        assert np.abs(values).max() <= bound
        assert np.abs(values).max() > 0.95 * bound
    # the variance of U(-b, b) is b^2 / 3
    assert abs(layer.weight.numpy().var() - bound**2 / 3) < 0.03 * bound**2 / 3


def test_dense_wrong_feature_count_names_the_layer():
    with pytest.raises(
        ValueError,
        match=r"Dense\(in_features=4, out_features=2, bias=True\): expected input "
        r"with 4 features in its last dimension, got shape \(3, 5\)",
    ):
        nn.Dense(4, 2)(tg.randn(3, 5))
    with pytest.raises(ValueError, match=r"flatten images first"):
        nn.Dense(784, 10)(tg.randn(2, 1, 28, 28))


def test_linear_functional_checks_shapes():
    with pytest.raises(
        ValueError, match=r"linear: input of shape \(2, 3\) has 3 features .* weight \(4, 5\)"
    ):
        F.linear(tg.randn(2, 3), tg.randn(4, 5))
    with pytest.raises(ValueError, match=r"linear: bias must have shape \(4,\), got \(3,\)"):
        F.linear(tg.randn(2, 5), tg.randn(4, 5), tg.randn(3))


def test_dense_accepts_numpy_input():
    layer = nn.Dense(2, 1)
    x = np.ones((3, 2), np.float32)
    np.testing.assert_allclose(layer(x).numpy(), layer(tg.tensor(x)).numpy())


# ---------------------------------------------------------------------------- Conv2D and pooling
@given(
    seed=SEEDS,
    stride=st.integers(1, 2),
    padding=st.integers(0, 1),
    dilation=st.integers(1, 2),
    bias=st.booleans(),
)
def test_conv2d_layer_passes_gradcheck_and_gradgradcheck(seed, stride, padding, dilation, bias):
    tg.manual_seed(seed)
    layer = nn.Conv2D(2, 3, (2, 3), stride=stride, padding=padding, dilation=dilation, bias=bias).double()
    x = leaf(uniform(seed, (2, 2, 5, 6)))
    expected = F.conv2d(x, layer.weight, layer.bias, stride, padding, dilation)
    np.testing.assert_array_equal(layer(x).numpy(), expected.numpy())
    checked(layer, x)


def test_conv2d_same_padding_keeps_the_spatial_size():
    layer = nn.Conv2D(1, 4, 5, padding="same")
    assert layer.padding == (2, 2)
    assert layer(tg.randn(2, 1, 7, 9)).shape == (2, 4, 7, 9)
    assert nn.Conv2D(1, 1, 3, padding="valid").padding == (0, 0)
    with pytest.raises(ValueError, match="padding='same' needs an odd kernel extent"):
        nn.Conv2D(1, 1, 2, padding="same")
    with pytest.raises(ValueError, match="padding='same' needs stride 1"):
        nn.Conv2D(1, 1, 3, stride=2, padding="same")


def test_conv2d_default_init_is_pytorch_uniform_bound():
    tg.manual_seed(2)
    layer = nn.Conv2D(16, 32, 3)
    bound = 1 / math.sqrt(16 * 9)
    assert layer.weight.shape == (32, 16, 3, 3)
    assert np.abs(layer.weight.numpy()).max() <= bound
    assert np.abs(layer.bias.numpy()).max() <= bound


def test_conv2d_errors_name_the_layer():
    layer = nn.Conv2D(3, 8, 3)
    with pytest.raises(
        ValueError,
        match=r"Conv2D\(3, 8, kernel_size=\(3, 3\), stride=\(1, 1\)\): expected input "
        r"of shape \(N, 3, H, W\) or \(3, H, W\), got \(2, 1, 8, 8\): it has 1 channels, the layer 3",
    ):
        layer(tg.randn(2, 1, 8, 8))
    with pytest.raises(ValueError, match=r"got \(8, 8\)$"):
        layer(tg.randn(8, 8))
    with pytest.raises(
        ValueError,
        match=r"Conv2D\(3, 8, .*\): conv2d: the kernel \(3, 3\) .* is larger than the "
        r"padded input \(2, 2\)",
    ):
        layer(tg.randn(1, 3, 2, 2))
    with pytest.raises(ValueError, match=r"Conv2D: stride must be an int or a pair of ints >= 1, got 0"):
        nn.Conv2D(1, 1, 3, stride=0)


def test_max_pool_layer_matches_a_reshape_max_and_routes_gradients_to_the_maxima():
    x = leaf(np.random.default_rng(0).permutation(64).reshape(1, 1, 8, 8).astype(np.float64))
    out = nn.MaxPool2D(2)(x)
    expected = x.numpy().reshape(1, 1, 4, 2, 4, 2).max(axis=(3, 5))
    np.testing.assert_array_equal(out.numpy(), expected)
    out.sum().backward()
    assert x.grad.numpy().sum() == 16
    np.testing.assert_array_equal(x.grad.numpy() == 1, np.isin(x.numpy(), expected))


def test_avg_pool_layer_matches_a_reshape_mean():
    x = leaf(uniform(0, (2, 3, 6, 4)))
    out = nn.AvgPool2D(2)(x)
    np.testing.assert_allclose(out.numpy(), x.numpy().reshape(2, 3, 3, 2, 2, 2).mean(axis=(3, 5)))
    checked(nn.AvgPool2D(2, stride=1, padding=1), x)


def test_pooling_kernel_larger_than_the_input_names_the_layer():
    with pytest.raises(
        ValueError, match=r"MaxPool2D\(kernel_size=\(4, 4\).*\): max_pool2d: the kernel \(4, 4\)"
    ):
        nn.MaxPool2D(4)(tg.randn(1, 1, 3, 3))
    with pytest.raises(
        ValueError, match=r"AvgPool2D\(kernel_size=\(4, 4\).*\): avg_pool2d: the kernel \(4, 4\)"
    ):
        nn.AvgPool2D(4)(tg.randn(1, 1, 3, 3))


def test_conv_and_pool_layers_take_one_unbatched_image_as_pytorch():
    conv, pool = nn.Conv2D(3, 4, 3, padding=1), nn.MaxPool2D(2)
    image = tg.randn(3, 6, 6)
    out = pool(conv(image))
    assert out.shape == (4, 3, 3)
    np.testing.assert_allclose(out.numpy(), pool(conv(image.unsqueeze(0))).numpy()[0], rtol=1e-6)


def test_pooling_needs_nchw_input():
    with pytest.raises(
        ValueError,
        match=r"MaxPool2D\(kernel_size=\(2, 2\).*expected input of shape \(N, C, H, W\) or \(C, H, W\), "
        r"got \(4, 4\)",
    ):
        nn.MaxPool2D(2)(tg.randn(4, 4))


# ---------------------------------------------------------------------------- activations and Flatten
@pytest.mark.parametrize(
    ("layer", "reference"),
    [
        (nn.ReLU(), lambda x: np.maximum(x, 0)),
        (nn.LeakyReLU(0.2), lambda x: np.where(x > 0, x, 0.2 * x)),
        (nn.Sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
        (nn.Tanh(), np.tanh),
        (nn.Softmax(dim=1), lambda x: np.exp(x) / np.exp(x).sum(1, keepdims=True)),
        (nn.LogSoftmax(dim=1), lambda x: x - np.log(np.exp(x).sum(1, keepdims=True))),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, nn.Module) else "",
)
def test_activation_layers(layer, reference):
    x = leaf(away_from_zero(3, (4, 5)))
    np.testing.assert_allclose(layer(x).numpy(), reference(x.numpy()), rtol=1e-12)
    checked(layer, x)


def test_pytorch_inplace_flag_is_accepted_and_leaves_the_input_unchanged():
    x = leaf(away_from_zero(3, (4, 5)))
    before = x.numpy().copy()
    for layer in (nn.ReLU(inplace=True), nn.LeakyReLU(0.1, inplace=True), nn.Dropout(0.5, inplace=True)):
        layer(x)
    np.testing.assert_array_equal(x.numpy(), before)


def test_flatten_keeps_the_batch_dimension():
    x = leaf(uniform(0, (2, 3, 4, 5)))
    assert nn.Flatten()(x).shape == (2, 60)
    assert nn.Flatten(0, 1)(x).shape == (6, 4, 5)
    checked(nn.Flatten(), x, second_order=False)


# ---------------------------------------------------------------------------- Dropout
def test_dropout_layer_drops_in_training_and_is_identity_in_eval():
    layer = nn.Dropout(0.5)
    x = tg.ones(1000)
    tg.manual_seed(0)
    first = layer(x).numpy()
    tg.manual_seed(0)
    np.testing.assert_array_equal(layer(x).numpy(), first)  # reproducible from the seed
    assert set(np.unique(first)) == {0.0, 2.0}
    assert 400 < (first == 0).sum() < 600
    layer.eval()
    np.testing.assert_array_equal(layer(x).numpy(), x.numpy())
    with pytest.raises(ValueError, match="Dropout: p is a probability in"):
        nn.Dropout(1.5)


# ---------------------------------------------------------------------------- BatchNorm
@pytest.mark.parametrize(
    ("layer_type", "shape"),
    [(nn.BatchNorm1D, (6, 3)), (nn.BatchNorm1D, (4, 3, 5)), (nn.BatchNorm2D, (4, 3, 2, 5))],
)
def test_batch_norm_training_normalises_per_channel_and_updates_running_stats(layer_type, shape):
    layer = layer_type(3, momentum=0.1)
    rng = np.random.default_rng(0)
    axes = tuple(i for i in range(len(shape)) if i != 1)
    batches = [rng.normal(2.0, 3.0, shape).astype(np.float32) for _ in range(3)]
    running_mean, running_var = np.zeros(3), np.ones(3)
    for batch in batches:
        out = layer(tg.tensor(batch)).numpy()
        np.testing.assert_allclose(out.mean(axis=axes), 0, atol=1e-5)
        np.testing.assert_allclose(out.var(axis=axes), 1, atol=1e-3)
        running_mean = 0.9 * running_mean + 0.1 * batch.mean(axis=axes)
        running_var = 0.9 * running_var + 0.1 * batch.var(axis=axes, ddof=1)
    np.testing.assert_allclose(layer.running_mean.numpy(), running_mean, rtol=1e-5)
    np.testing.assert_allclose(layer.running_var.numpy(), running_var, rtol=1e-5)
    assert int(layer.num_batches_tracked.numpy()) == 3
    layer.eval()
    x = batches[0]
    keep = [1 if i != 1 else 3 for i in range(len(shape))]
    expected = (x - running_mean.reshape(keep)) / np.sqrt(running_var.reshape(keep) + 1e-5)
    np.testing.assert_allclose(layer(tg.tensor(x)).numpy(), expected, rtol=1e-4, atol=1e-5)
    assert int(layer.num_batches_tracked.numpy()) == 3  # eval does not count batches


def test_batch_norm_momentum_none_is_a_cumulative_average():
    layer = nn.BatchNorm1D(2, momentum=None)
    rng = np.random.default_rng(1)
    batches = [rng.normal(size=(5, 2)) for _ in range(4)]
    for batch in batches:
        layer(tg.tensor(batch.astype(np.float32)))
    np.testing.assert_allclose(
        layer.running_mean.numpy(), np.mean([b.mean(0) for b in batches], axis=0), rtol=1e-5
    )


def test_batch_norm_without_running_stats_always_uses_the_batch():
    layer = nn.BatchNorm1D(2, track_running_stats=False).eval()
    x = np.random.default_rng(2).normal(3.0, 2.0, (8, 2)).astype(np.float32)
    np.testing.assert_allclose(layer(tg.tensor(x)).numpy().mean(0), 0, atol=1e-5)
    assert list(layer.state_dict()) == ["weight", "bias"]


def test_batch_norm_layer_passes_gradcheck_and_gradgradcheck_in_training_mode():
    layer = nn.BatchNorm2D(2).double()
    layer.weight.numpy()[...] = [1.5, -0.5]
    layer.bias.numpy()[...] = [0.1, 0.2]
    checked(layer, leaf(uniform(4, (3, 2, 2, 2))))


def test_batch_norm_wrong_channels_names_the_layer():
    with pytest.raises(
        ValueError, match=r"BatchNorm2D\(4, .*\): expected input of shape \(N, 4, H, W\), got \(2, 3, 5, 5\)"
    ):
        nn.BatchNorm2D(4)(tg.randn(2, 3, 5, 5))
    with pytest.raises(ValueError, match=r"expected input of shape \(N, 4\) or \(N, 4, L\)"):
        nn.BatchNorm1D(4)(tg.randn(2, 4, 1, 1))


# ---------------------------------------------------------------------------- losses as layers
def test_loss_layers_match_their_functions():
    logits = leaf(uniform(0, (5, 4)))
    labels = np.array([0, 3, 1, 1, 2])
    np.testing.assert_allclose(
        nn.CrossEntropyLoss()(logits, labels).numpy(), F.cross_entropy(logits, labels).numpy()
    )
    weights = tg.tensor([1.0, 2.0, 0.5, 1.0], dtype=tg.float64)
    np.testing.assert_allclose(
        nn.CrossEntropyLoss(weight=weights, reduction="sum")(logits, labels).numpy(),
        F.cross_entropy(logits, labels, weight=weights, reduction="sum").numpy(),
    )
    log_probs = F.log_softmax(logits, dim=1)
    np.testing.assert_allclose(
        nn.NLLLoss()(log_probs, labels).numpy(), F.cross_entropy(logits, labels).numpy()
    )
    target = leaf(uniform(1, (5, 4)))
    np.testing.assert_allclose(
        nn.MSELoss()(logits, target).numpy(), np.mean((logits.numpy() - target.numpy()) ** 2)
    )
    y = (uniform(2, (5, 4)) > 0).astype(np.float64)
    np.testing.assert_allclose(
        nn.BCELoss()(tg.sigmoid(logits), y).numpy(), nn.BCEWithLogitsLoss()(logits, y).numpy(), rtol=1e-10
    )
    with pytest.raises(ValueError, match="reduction must be 'mean', 'sum' or 'none'"):
        nn.MSELoss(reduction="avg")


def test_regression_loss_layers():
    x, y = leaf(uniform(0, (6,))), uniform(1, (6,))
    d = x.numpy() - y
    np.testing.assert_allclose(nn.L1Loss()(x, y).numpy(), np.abs(d).mean())
    huber = np.where(np.abs(d) <= 0.5, 0.5 * d**2, 0.5 * (np.abs(d) - 0.25))
    np.testing.assert_allclose(nn.HuberLoss(delta=0.5)(x, y).numpy(), huber.mean())
    np.testing.assert_allclose(nn.SmoothL1Loss(beta=0.5, reduction="sum")(x, y).numpy(), huber.sum() / 0.5)


ARRAY_INPUTS = [
    (nn.Linear(3, 2), (4, 3)),
    (nn.ReLU(), (4, 3)),
    (nn.LeakyReLU(0.1), (4, 3)),
    (nn.Sigmoid(), (4, 3)),
    (nn.Tanh(), (4, 3)),
    (nn.Softmax(dim=1), (4, 3)),
    (nn.LogSoftmax(dim=1), (4, 3)),
    (nn.Identity(), (4, 3)),
    (nn.Flatten(), (2, 3, 2)),
    (nn.Dropout(0.5).eval(), (4, 3)),
    (nn.BatchNorm1d(3).eval(), (4, 3)),
    (nn.Conv2d(2, 3, 3, padding=1), (2, 2, 5, 5)),
    (nn.MaxPool2d(2), (2, 2, 4, 4)),
    (nn.AvgPool2d(2), (2, 2, 4, 4)),
    (nn.BatchNorm2d(2).eval(), (2, 2, 4, 4)),
    (nn.Sequential(nn.Flatten(), nn.Linear(6, 2), nn.ReLU()), (4, 2, 3)),
]


@pytest.mark.parametrize(("layer", "shape"), ARRAY_INPUTS, ids=lambda v: type(v).__name__)
def test_every_layer_takes_a_numpy_array_as_it_takes_the_tensor(layer, shape):
    """One rule for layers and ops: array-likes are accepted everywhere, as constants."""
    array = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    from_array, from_tensor = layer(array), layer(tg.tensor(array))
    assert isinstance(from_array, tg.Tensor)
    np.testing.assert_array_equal(from_array.numpy(), from_tensor.numpy())


@pytest.mark.parametrize(
    "op",
    [tg.relu, tg.sigmoid, tg.tanh, tg.exp, tg.abs, F.relu, F.softmax, tg.flatten, tg.sum, tg.log_softmax],
)
def test_every_op_takes_a_numpy_array_or_a_list_as_a_constant(op):
    values = [[-1.0, 0.5], [2.0, -3.0]]
    expected = op(tg.tensor(values)).numpy()
    for array_like in (np.array(values, dtype=np.float32), values):
        result = op(array_like)
        assert isinstance(result, tg.Tensor) and not result.requires_grad
        np.testing.assert_allclose(result.numpy(), expected, rtol=1e-6)


def test_a_loss_takes_numpy_predictions_and_targets():
    prediction = np.array([[0.2, 0.8], [0.6, 0.4]], dtype=np.float32)
    target = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=np.float32)
    loss = nn.MSELoss()(prediction, target)
    np.testing.assert_allclose(loss.item(), np.mean((prediction - target) ** 2), rtol=1e-6)
