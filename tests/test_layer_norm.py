"""layer_norm and nn.LayerNorm: forward values against the textbook formula, first and second derivatives in
float64 over generated shapes, the layer's parameters as PyTorch's, and the error messages. (Values from
PyTorch itself: tests/test_transformer.py.)"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tensorgrad as tg
import tensorgrad.nn.functional as F
from tensorgrad import nn
from tests.attention_reference import np_layer_norm
from tests.values import leaf, uniform

SEEDS = st.integers(0, 2**32 - 1)
side = st.integers(1, 4)


@st.composite
def layer_cases(draw):
    """(input shape, number of normalised trailing dimensions): 0-2 leading dimensions, 1-2 normalised."""
    normalized = tuple(draw(st.lists(side, min_size=1, max_size=2)))
    if np.prod(normalized) == 1:  # one value: xhat is 0 whatever x, nothing to differentiate
        normalized = (*normalized[:-1], normalized[-1] + 1)
    lead = tuple(draw(st.lists(side, max_size=2)))
    return lead + normalized, len(normalized)


@given(case=layer_cases(), affine=st.sampled_from(["none", "weight", "both"]), seed=SEEDS)
def test_layer_norm_matches_the_formula_and_gradcheck_and_gradgradcheck(case, affine, seed):
    shape, k = case
    normalized = shape[len(shape) - k :]
    x_np = uniform(seed, shape, -3.0, 3.0)
    w_np, b_np = uniform(seed + 1, normalized), uniform(seed + 2, normalized)
    x, w, b = leaf(x_np), leaf(w_np), leaf(b_np)
    params = {"none": (), "weight": (w,), "both": (w, b)}[affine]
    expected = np_layer_norm(x_np, k, *({"none": (), "weight": (w_np,), "both": (w_np, b_np)}[affine]))

    def fn(*args):
        return F.layer_norm(args[0], normalized, *args[1:])

    out = fn(x, *params)
    assert out.shape == shape
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-10, atol=1e-12)
    assert tg.gradcheck(fn, (x, *params))
    assert tg.gradgradcheck(fn, (x, *params))


@given(case=layer_cases(), seed=SEEDS)
def test_layer_norm_bias_alone_and_parameters_alone_gradcheck(case, seed):
    shape, k = case
    normalized = shape[len(shape) - k :]
    x = tg.tensor(uniform(seed, shape), dtype=tg.float64)  # a constant input: gradients of the parameters
    w, b = leaf(uniform(seed + 1, normalized)), leaf(uniform(seed + 2, normalized))
    assert tg.gradcheck(lambda b_: F.layer_norm(x, normalized, None, b_), (b,))
    assert tg.gradgradcheck(lambda w_, b_: F.layer_norm(x, normalized, w_, b_) ** 2, (w, b))


def test_layer_norm_output_has_zero_mean_and_unit_variance_per_sample():
    x = tg.tensor(np.random.default_rng(0).normal(3.0, 5.0, (4, 6, 10)))
    y = F.layer_norm(x, (10,), eps=0.0).numpy()
    np.testing.assert_allclose(y.mean(axis=-1), 0.0, atol=1e-6)
    np.testing.assert_allclose(y.var(axis=-1), 1.0, rtol=1e-5)


def test_layer_norm_of_a_constant_sample_is_the_bias():
    y = F.layer_norm(tg.full((2, 5), 7.0), 5, tg.ones(5) * 3, tg.arange(5.0))
    np.testing.assert_allclose(y.numpy(), np.tile(np.arange(5.0), (2, 1)))


def test_layer_norm_eps_is_added_to_the_variance():
    x = np.array([[1.0, -1.0]])  # variance 1
    y = F.layer_norm(tg.tensor(x, dtype=tg.float64), 2, eps=3.0).numpy()
    np.testing.assert_allclose(y, x / 2.0)


def test_layer_norm_keeps_float32_and_float64():
    assert F.layer_norm(tg.ones(2, 3), 3).dtype == np.float32
    assert F.layer_norm(tg.ones(2, 3, dtype=tg.float64), 3).dtype == np.float64
    assert nn.LayerNorm(3)(tg.randn(2, 3)).dtype == np.float32


def test_layer_norm_gradient_in_float32_matches_float64():
    rng = np.random.default_rng(1)
    x64, g = rng.normal(size=(8, 16)), rng.normal(size=(8, 16))
    grads = []
    for dtype in (tg.float32, tg.float64):
        x = tg.tensor(x64, dtype=dtype, requires_grad=True)
        ln = nn.LayerNorm(16, dtype=dtype)
        ln(x).backward(tg.tensor(g, dtype=dtype))
        assert x.grad.dtype == dtype
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-4, atol=1e-5)


def test_a_backward_pass_frees_what_layer_norm_saved():
    x = tg.randn(3, 4, requires_grad=True)
    y = F.layer_norm(x, 4)
    node = y.grad_fn
    y.sum().backward()
    assert node.saved is None
    with pytest.raises(RuntimeError, match="second time"):
        y.sum().backward()


# ---------------------------------------------------------------------------- the layer
def test_layer_norm_module_has_pytorchs_parameters_init_and_repr():
    ln = nn.LayerNorm((2, 3))
    assert [(n, p.shape) for n, p in ln.named_parameters()] == [("weight", (2, 3)), ("bias", (2, 3))]
    np.testing.assert_array_equal(ln.weight.numpy(), 1.0)
    np.testing.assert_array_equal(ln.bias.numpy(), 0.0)
    assert ln.normalized_shape == (2, 3) and ln.eps == 1e-5 and ln.elementwise_affine
    assert repr(ln) == "LayerNorm((2, 3), eps=1e-05, elementwise_affine=True, bias=True)"
    assert repr(nn.LayerNorm(4)) == "LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)"


def test_layer_norm_without_bias_or_affine():
    no_bias = nn.LayerNorm(4, bias=False)
    assert list(no_bias.state_dict()) == ["weight"] and no_bias.bias is None
    plain = nn.LayerNorm(4, elementwise_affine=False)
    assert list(plain.state_dict()) == [] and plain.weight is None and plain.bias is None
    x = tg.randn(3, 4)
    np.testing.assert_allclose(plain(x).numpy(), np_layer_norm(x.numpy(), 1), rtol=1e-5, atol=1e-6)
    assert repr(no_bias) == "LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=False)"


def test_layer_norm_module_gradients_reach_weight_and_bias():
    ln = nn.LayerNorm(3, dtype=tg.float64)
    with tg.no_grad():
        ln.weight.copy_(tg.tensor([0.5, 2.0, -1.0], dtype=tg.float64))
    x = leaf(uniform(0, (2, 4, 3)))
    assert tg.gradcheck(lambda x_, w, b: ln(x_), (x, ln.weight, ln.bias))
    assert tg.gradgradcheck(lambda x_, w, b: ln(x_), (x, ln.weight, ln.bias))


def test_layer_norm_is_the_same_in_train_and_eval():
    ln = nn.LayerNorm(5)
    x = tg.randn(2, 5)
    np.testing.assert_array_equal(ln.train()(x).numpy(), ln.eval()(x).numpy())


def test_layer_norm_device_argument():
    nn.LayerNorm(3, device="cpu")
    with pytest.raises(ValueError, match="LayerNorm: device='cuda'"):
        nn.LayerNorm(3, device="cuda")


# ---------------------------------------------------------------------------- errors
def test_layer_norm_trailing_shape_mismatch_is_an_error_naming_the_shapes():
    with pytest.raises(ValueError, match=r"layer_norm: normalized_shape=\[4\] expects an input of shape "
                       r"\[\*, 4\].*got shape \(2, 3\)"):  # fmt: skip
        F.layer_norm(tg.ones(2, 3), 4)
    with pytest.raises(ValueError, match=r"normalized_shape=\[2, 3\].*got shape \(3,\)"):
        nn.LayerNorm((2, 3))(tg.ones(3))


def test_layer_norm_weight_of_the_wrong_shape_is_an_error():
    with pytest.raises(
        ValueError, match=r"layer_norm: weight has shape \(3,\) but normalized_shape is \(4,\)"
    ):
        F.layer_norm(tg.ones(2, 4), 4, tg.ones(3))


def test_layer_norm_of_integers_is_an_error():
    with pytest.raises(TypeError, match="layer_norm: input must be floating point, got dtype int64"):
        F.layer_norm(tg.tensor([[1, 2]]), 2)


def test_layer_norm_normalized_shape_must_be_ints():
    with pytest.raises(TypeError, match="normalized_shape must be an int or a sequence of ints"):
        F.layer_norm(tg.ones(2), None)
