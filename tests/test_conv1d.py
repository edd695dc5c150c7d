"""1-D convolution (F.conv1d, nn.Conv1d) and adaptive 1-D pooling (F.adaptive_avg_pool1d /
adaptive_max_pool1d, nn.AdaptiveAvgPool1d / AdaptiveMaxPool1d): forward against loops over output positions
written here, first and second derivatives by ``tg.gradcheck`` / ``tg.gradgradcheck`` in float64 over
generated shapes and options (stride, padding, dilation, groups, bias, unbatched), the layer's PyTorch
defaults and padding modes, and the error messages.

The references read the input through explicit index arithmetic (one output position and one kernel offset
at a time), so they share nothing with the implementation (conv2d's nodes on a unit height) but the
definition.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tensorgrad as tg
import tensorgrad.nn.functional as F
from tensorgrad import nn
from tests.values import distinct, leaf, uniform

FEW = settings(max_examples=8)
SEEDS = st.integers(0, 2**32 - 1)


# ---------------------------------------------------------------------------- references: loops
def conv1d_loops(x, w, b, stride, left, right, dilation, groups):
    """out[n, o, t] = b[o] + sum_{c, j} w[o, c, j] * xpad[n, first input channel of o's group + c, start_t +
    j*dilation], the windows' starts found by scanning the padded input."""
    n, c_in, length = x.shape
    c_out, c_group, k = w.shape
    xpad = np.zeros((n, c_in, left + length + right))
    xpad[:, :, left : left + length] = x
    starts = range(0, xpad.shape[2] - dilation * (k - 1), stride)
    out = np.zeros((n, c_out, len(starts)))
    for o in range(c_out):
        first = (o // (c_out // groups)) * c_group
        for t, start in enumerate(starts):
            for c in range(c_group):
                for j in range(k):
                    out[:, o, t] += w[o, c, j] * xpad[:, first + c, start + j * dilation]
        if b is not None:
            out[:, o] += b[o]
    return out


def windows(length, out):
    """PyTorch's adaptive windows: [floor(i L / out), ceil((i + 1) L / out)) for each output i."""
    return [(math.floor(i * length / out), math.ceil((i + 1) * length / out)) for i in range(out)]


# ---------------------------------------------------------------------------- strategies
@st.composite
def conv1d_cases(draw, max_batch=2, max_group_channels=2, max_kernel=3, max_extra=3):
    """(input shape, weight shape, stride, padding (an int, a 1-tuple, "valid" or "same"), dilation, groups),
    at least one window fitting; sometimes unbatched (C, L)."""
    groups = draw(st.integers(1, 3))
    c_group, o_group = draw(st.integers(1, max_group_channels)), draw(st.integers(1, max_group_channels))
    k, dilation = draw(st.integers(1, max_kernel)), draw(st.integers(1, 2))
    stride = draw(st.integers(1, 3))
    padding = draw(
        st.one_of(st.integers(0, 2), st.tuples(st.integers(0, 2)), st.sampled_from(["valid", "same"]))
    )
    if padding == "same":
        stride = 1
    pad = {"valid": 0, "same": (dilation * (k - 1) + 1) // 2}.get(padding, padding)
    pad = pad[0] if isinstance(pad, tuple) else pad
    shortest = max(1, dilation * (k - 1) + 1 - 2 * pad)
    length = draw(st.integers(shortest, shortest + max_extra))
    batch = draw(st.one_of(st.none(), st.integers(1, max_batch)))
    x_shape = (groups * c_group, length) if batch is None else (batch, groups * c_group, length)
    stride = draw(st.sampled_from([stride, (stride,)]))
    return x_shape, (groups * o_group, c_group, k), stride, padding, dilation, groups


def reference(x, w, b, stride, padding, dilation, groups):
    """conv1d_loops with the padding spelled out (PyTorch's rule for "same": the odd zero on the right)."""
    stride = stride[0] if isinstance(stride, tuple) else stride
    if padding == "same":
        total = dilation * (w.shape[2] - 1)
        left, right = total // 2, total - total // 2
    else:
        left = right = {"valid": 0}.get(padding, padding[0] if isinstance(padding, tuple) else padding)
    batch = x[None] if x.ndim == 2 else x
    out = conv1d_loops(batch, w, b, stride, left, right, dilation, groups)
    return out[0] if x.ndim == 2 else out


# ---------------------------------------------------------------------------- F.conv1d
@given(case=conv1d_cases(), with_bias=st.booleans(), seed=SEEDS)
def test_conv1d_forward_matches_loops_and_gradcheck_passes(case, with_bias, seed):
    x_shape, w_shape, stride, padding, dilation, groups = case
    x_np, w_np, b_np = uniform(seed, x_shape), uniform(seed + 1, w_shape), uniform(seed + 2, w_shape[:1])
    bias_np = b_np if with_bias else None
    x, w, b = leaf(x_np), leaf(w_np), leaf(b_np)
    out = F.conv1d(x, w, b if with_bias else None, stride, padding, dilation, groups)
    expected = reference(x_np, w_np, bias_np, stride, padding, dilation, groups)
    assert out.shape == expected.shape and out.dtype == np.float64
    if padding == "same":
        assert out.shape[-1] == x_shape[-1]
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12, atol=1e-12)
    inputs = (x, w, b) if with_bias else (x, w)
    assert tg.gradcheck(
        lambda *t: F.conv1d(*t, stride=stride, padding=padding, dilation=dilation, groups=groups), inputs
    )


@FEW
@given(case=conv1d_cases(max_batch=1, max_extra=2), with_bias=st.booleans(), seed=SEEDS)
def test_conv1d_second_derivatives(case, with_bias, seed):
    x_shape, w_shape, stride, padding, dilation, groups = case
    x, w, b = (
        leaf(uniform(seed, x_shape)),
        leaf(uniform(seed + 1, w_shape)),
        leaf(uniform(seed + 2, w_shape[:1])),
    )
    inputs = (x, w, b) if with_bias else (x, w)

    def conv(*t):
        return F.conv1d(*t, stride=stride, padding=padding, dilation=dilation, groups=groups)

    assert tg.gradgradcheck(conv, inputs)


def test_conv1d_without_groups_is_conv2ds_fast_node_on_a_unit_height():
    x, w, b = leaf(uniform(0, (2, 3, 9))), leaf(uniform(1, (4, 3, 3))), leaf(uniform(2, (4,)))
    out = F.conv1d(x, w, b, stride=2, padding=1)
    node = out.grad_fn  # the reshape back to (N, C_out, L_out)
    conv = node.inputs[0].grad_fn
    assert conv.name == "Conv2D" and conv.params["window"].kernel == (1, 3)
    assert conv.params["window"].stride == (1, 2) and conv.params["window"].padding == (0, 1)
    image = tg.tensor(x.numpy()[:, :, None, :])
    kernel = tg.tensor(w.numpy()[:, :, None, :])
    np.testing.assert_allclose(
        out.numpy(), tg.nn.functional.conv2d(image, kernel, b, (1, 2), (0, 1)).numpy()[:, :, 0]
    )


def test_conv1d_keeps_float32_and_float64():
    for dtype in (np.float32, np.float64):
        x = tg.tensor(uniform(0, (2, 4, 7)).astype(dtype), requires_grad=True)
        w = tg.tensor(uniform(1, (6, 2, 3)).astype(dtype), requires_grad=True)
        out = F.conv1d(x, w, padding=1, groups=2)
        assert out.dtype == dtype
        out.sum().backward()
        assert x.grad.dtype == w.grad.dtype == dtype


def test_conv1d_same_padding_with_an_even_kernel_puts_the_extra_zero_on_the_right():
    x = tg.tensor([[[1.0, 2.0, 3.0]]])
    w = tg.tensor([[[1.0, 10.0]]])  # out[t] = x[t] + 10 x[t + 1]: the zero is read at the end
    np.testing.assert_array_equal(F.conv1d(x, w, padding="same").numpy(), [[[21.0, 32.0, 3.0]]])


# ---------------------------------------------------------------------------- nn.Conv1d
def test_conv1d_layer_has_pytorchs_layout_init_and_attributes():
    tg.manual_seed(0)
    layer = nn.Conv1d(8, 12, 5, groups=4)
    assert layer.weight.shape == (12, 2, 5) and layer.bias.shape == (12,)
    assert layer.weight.dtype == np.float32
    bound = 1 / math.sqrt(2 * 5)  # fan_in = in_channels / groups * kernel_size
    for p in (layer.weight, layer.bias):
        assert np.abs(p.numpy()).max() <= bound and np.abs(p.numpy()).max() > 0.8 * bound
    assert (layer.kernel_size, layer.stride, layer.padding, layer.dilation) == ((5,), (1,), (0,), (1,))
    assert (layer.groups, layer.padding_mode) == (4, "zeros")
    assert [name for name, _ in layer.named_parameters()] == ["weight", "bias"]
    assert repr(layer) == "Conv1d(8, 12, kernel_size=(5,), stride=(1,), groups=4)"
    assert nn.Conv1d(2, 3, 3, bias=False, dtype=tg.float64).weight.dtype == np.float64
    assert nn.Conv1d(2, 3, 3, bias=False).bias is None


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_conv1d_layer_padding_modes_pad_as_numpy(mode):
    layer = nn.Conv1d(2, 3, 3, padding=2, padding_mode=mode, dtype=tg.float64)
    x_np = uniform(0, (2, 2, 6))
    out = layer(leaf(x_np))
    padded = np.pad(
        x_np, ((0, 0), (0, 0), (2, 2)), mode={"replicate": "edge", "circular": "wrap"}.get(mode, mode)
    )
    expected = conv1d_loops(padded, layer.weight.numpy(), layer.bias.numpy(), 1, 0, 0, 1, 1)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12)
    assert f"padding_mode={mode}" in repr(layer)


def test_conv1d_layer_takes_one_sequence_and_same_padding():
    layer = nn.Conv1d(3, 2, 4, padding="same", dilation=2, dtype=tg.float64)
    x_np = uniform(0, (3, 11))
    out = layer(tg.tensor(x_np))
    assert out.shape == (2, 11)
    expected = conv1d_loops(x_np[None], layer.weight.numpy(), layer.bias.numpy(), 1, 3, 3, 2, 1)[0]
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12)
    assert repr(layer) == "Conv1d(3, 2, kernel_size=(4,), stride=(1,), padding=same, dilation=(2,))"


def test_conv1d_layer_trains_with_groups():
    tg.manual_seed(1)
    layer = nn.Conv1d(4, 4, 3, padding=1, groups=4)  # depthwise
    x = tg.randn(8, 4, 10)
    target = tg.tensor(np.roll(x.numpy(), 1, axis=2))  # each channel shifted by one: a depthwise kernel
    optimizer = tg.optim.Adam(layer.parameters(), lr=0.05)
    losses = []
    for _ in range(150):
        optimizer.zero_grad()
        loss = ((layer(x) - target)[:, :, 1:] ** 2).mean()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.01 * losses[0]


# ---------------------------------------------------------------------------- errors
def raises(match: str, kind=ValueError):
    return pytest.raises(kind, match=re.escape(match))


def test_conv1d_rejects_inputs_and_weights_of_the_wrong_shape():
    with raises(
        "conv1d: expected a 3-D input (N, C, L) (or 2-D (C, L) for a single sequence), got shape (1, 2, 3, 4)"
    ):
        F.conv1d(tg.zeros((1, 2, 3, 4)), tg.zeros((4, 2, 3)))
    with raises("conv1d: weight must be 3-D (C_out, C_in / groups, k), got shape (4, 2, 3, 3)"):
        F.conv1d(tg.zeros((1, 2, 8)), tg.zeros((4, 2, 3, 3)))
    with raises("conv1d: input has 3 channels but weight (4, 2, 3) with groups=1 expects 2"):
        F.conv1d(tg.zeros((1, 3, 8)), tg.zeros((4, 2, 3)))
    with raises("conv1d: weight (3, 2, 3) has 3 output channels, which groups=2 does not divide"):
        F.conv1d(tg.zeros((1, 4, 8)), tg.zeros((3, 2, 3)), groups=2)
    with raises("conv1d: bias has shape (3,) but weight (4, 2, 3) has 4 output channels"):
        F.conv1d(tg.zeros((1, 2, 8)), tg.zeros((4, 2, 3)), tg.zeros(3))
    with raises(
        "conv1d: the kernel of size 3 (dilation 3, so it spans 7) is longer than the padded input (6"
    ):
        F.conv1d(tg.zeros((1, 2, 4)), tg.zeros((4, 2, 3)), padding=1, dilation=3)


def test_conv1d_rejects_bad_stride_padding_dilation_and_groups():
    x, w = tg.zeros((1, 2, 8)), tg.zeros((4, 2, 3))
    with raises("conv1d: stride must be an int >= 1 or a tuple of one, got 0"):
        F.conv1d(x, w, stride=0)
    with raises("conv1d: stride must be an int >= 1 or a tuple of one, got (1, 2)"):
        F.conv1d(x, w, stride=(1, 2))
    with raises("conv1d: padding must be an int >= 0 or a tuple of one, got -1"):
        F.conv1d(x, w, padding=-1)
    with raises("conv1d: padding must be an int, a tuple of one, 'valid' or 'same', got 'full'"):
        F.conv1d(x, w, padding="full")
    with raises("conv1d: padding='same' needs stride 1 (got stride 2)"):
        F.conv1d(x, w, padding="same", stride=2)
    with raises("conv1d: dilation must be an int >= 1 or a tuple of one, got 0"):
        F.conv1d(x, w, dilation=0)
    with raises("conv1d: groups must be a positive integer, got 0"):
        F.conv1d(x, w, groups=0)


def test_conv1d_layer_names_itself_and_the_expected_shape():
    layer = nn.Conv1d(16, 33, 3)
    with raises(
        "Conv1d(16, 33, kernel_size=(3,), stride=(1,)): expected input of shape (N, 16, L) or (16, L), got "
        "(20, 15, 50): it has 15 channels, the layer 16"
    ):
        layer(tg.zeros((20, 15, 50)))
    with raises("expected input of shape (N, 16, L) or (16, L), got (2, 16, 5, 5)"):
        layer(tg.zeros((2, 16, 5, 5)))
    with raises("Conv1D: in_channels (6) and out_channels (4) must both be divisible by groups (4)"):
        nn.Conv1d(6, 4, 3, groups=4)
    with raises("Conv1D: padding_mode must be one of zeros, reflect, replicate, circular, got 'wrap'"):
        nn.Conv1d(2, 2, 3, padding_mode="wrap")
    with raises("Conv1D: padding='same' needs stride 1"):
        nn.Conv1d(2, 2, 3, padding="same", stride=2)
    with raises("Conv1D: device='cuda'"):
        nn.Conv1d(2, 2, 3, device="cuda")


# ---------------------------------------------------------------------------- adaptive pooling
POOL_CASES = st.tuples(
    st.one_of(st.none(), st.integers(1, 2)), st.integers(1, 3), st.integers(1, 9), st.integers(1, 5)
)


def pool_shape(batch, channels, length):
    return (channels, length) if batch is None else (batch, channels, length)


@given(case=POOL_CASES, seed=SEEDS)
def test_adaptive_avg_pool1d_matches_window_means_and_gradcheck(case, seed):
    batch, channels, length, out = case
    x_np = uniform(seed, pool_shape(batch, channels, length))
    got = F.adaptive_avg_pool1d(leaf(x_np), out)
    expected = np.stack([x_np[..., lo:hi].mean(-1) for lo, hi in windows(length, out)], -1)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-12)
    assert tg.gradcheck(lambda t: F.adaptive_avg_pool1d(t, out), (leaf(x_np),))
    assert tg.gradgradcheck(lambda t: F.adaptive_avg_pool1d(t, (out,)) ** 2, (leaf(x_np),))


@given(case=POOL_CASES, seed=SEEDS)
def test_adaptive_max_pool1d_matches_window_maxima_and_gradcheck(case, seed):
    batch, channels, length, out = case
    x_np = distinct(seed, pool_shape(batch, channels, length))  # no ties: the max is differentiable
    got, where = F.adaptive_max_pool1d(leaf(x_np), out, return_indices=True)
    spans = windows(length, out)
    np.testing.assert_array_equal(got.numpy(), np.stack([x_np[..., lo:hi].max(-1) for lo, hi in spans], -1))
    argmax = np.stack([lo + x_np[..., lo:hi].argmax(-1) for lo, hi in spans], -1)
    np.testing.assert_array_equal(where.numpy(), argmax)
    assert where.dtype == np.int64
    assert tg.gradcheck(lambda t: F.adaptive_max_pool1d(t, out), (leaf(x_np),))
    assert tg.gradgradcheck(lambda t: F.adaptive_max_pool1d(t, out) ** 2, (leaf(x_np),))


def test_adaptive_max_pool1d_gives_a_tie_to_the_first_maximum_and_adds_up_overlaps():
    x = leaf(np.array([[[1.0, 5.0, 5.0, 0.0, 2.0]]]))
    out = F.adaptive_max_pool1d(x, 3)  # windows [0, 2), [1, 4), [3, 5)
    np.testing.assert_array_equal(out.numpy(), [[[5.0, 5.0, 2.0]]])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[[0.0, 2.0, 0.0, 0.0, 1.0]]])


def test_adaptive_pool1d_layers():
    x = tg.tensor(uniform(0, (2, 3, 10)))
    assert nn.AdaptiveAvgPool1d(1)(x).shape == (2, 3, 1)
    np.testing.assert_allclose(nn.AdaptiveAvgPool1d(1)(x).numpy()[..., 0], x.numpy().mean(-1))
    assert nn.AdaptiveMaxPool1d(5)(x).shape == (2, 3, 5)
    values, where = nn.AdaptiveMaxPool1d(2, return_indices=True)(x)
    assert values.shape == where.shape == (2, 3, 2)
    assert repr(nn.AdaptiveAvgPool1d(4)) == "AdaptiveAvgPool1d(output_size=4)"
    assert repr(nn.AdaptiveMaxPool1d((4,))) == "AdaptiveMaxPool1d(output_size=(4,))"


def test_adaptive_pool1d_errors():
    with raises(
        "adaptive_avg_pool1d: expected a 3-D input (N, C, L) (or 2-D (C, L) for a single sequence), got "
        "shape (2, 3, 4, 5)"
    ):
        F.adaptive_avg_pool1d(tg.zeros((2, 3, 4, 5)), 2)
    with raises("adaptive_max_pool1d: output_size must be a positive int or a tuple of one, got 0"):
        F.adaptive_max_pool1d(tg.zeros((2, 3, 4)), 0)
    with raises("AdaptiveAvgPool1d(output_size=(2, 2)): adaptive_avg_pool1d: output_size must be"):
        nn.AdaptiveAvgPool1d((2, 2))(tg.zeros((2, 3, 4)))
    with raises("adaptive_avg_pool1d: expected a floating point input, got dtype int64", TypeError):
        F.adaptive_avg_pool1d(tg.tensor([[1, 2, 3]]), 2)


def test_adaptive_max_pool2d_gives_a_tie_to_the_first_maximum_in_row_major_order_as_pytorch():
    # PyTorch 2.13 gives this gradient (it used to be shared among the tied elements here)
    x = np.zeros((1, 1, 4, 4))
    x[0, 0, 0, :2] = 1.0
    t = leaf(x)
    nn.AdaptiveMaxPool2d(2)(t).sum().backward()
    expected = [[1, 0, 1, 0], [0, 0, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0]]
    np.testing.assert_array_equal(t.grad.numpy()[0, 0], expected)
