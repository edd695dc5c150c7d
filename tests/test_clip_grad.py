"""Gradient clipping: clip_grad_norm_ (PyTorch's total norm and max_norm / (total + 1e-6) factor) and
clip_grad_value_, in place, on one tensor or many, skipping tensors without a gradient."""

import math

import numpy as np
import pytest

import tensorgrad as tg
from tensorgrad.nn.clip_grad import clip_grad_norm_, clip_grad_value_

SHAPES = [(3, 4), (5,), (2, 2, 2)]


def params_with_grads(scale=1.0, transposed=False):
    rng = np.random.default_rng(0)
    params = []
    for shape in SHAPES:
        p = tg.tensor(np.zeros(shape), requires_grad=True)
        g = rng.normal(size=shape) * scale
        # a transposed view: leaf gradients may be non-contiguous, and clipping must work in place on them
        p.grad = tg.tensor(g.T.copy()).T if transposed else tg.tensor(g)
        params.append(p)
    return params


def concatenated(params):
    return np.concatenate([p.grad.numpy().ravel() for p in params])


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf])
@pytest.mark.parametrize("transposed", [False, True], ids=["contiguous", "transposed"])
def test_clip_grad_norm_scales_all_gradients_by_max_norm_over_total_norm(norm_type, transposed):
    params = params_with_grads(transposed=transposed)
    before = concatenated(params)
    arrays = [p.grad.numpy() for p in params]
    total = np.linalg.norm(before, ord=norm_type)
    returned = clip_grad_norm_(params, max_norm=0.5, norm_type=norm_type)
    assert isinstance(returned, float)
    np.testing.assert_allclose(returned, total, rtol=1e-12)
    np.testing.assert_allclose(concatenated(params), before * 0.5 / (total + 1e-6), rtol=1e-12)
    assert all(p.grad.numpy() is a for p, a in zip(params, arrays))  # in place


def test_clip_grad_norm_leaves_gradients_below_max_norm_unchanged():
    params = params_with_grads()
    before = concatenated(params)
    total = clip_grad_norm_(params, max_norm=1e3)
    np.testing.assert_array_equal(concatenated(params), before)
    assert total < 1e3


def test_clip_grad_norm_accepts_one_tensor_and_skips_tensors_without_grad():
    params = params_with_grads()
    params[1].grad = None
    no_grad = tg.tensor([1.0, 2.0], requires_grad=True)
    expected = np.linalg.norm(
        np.concatenate([params[0].grad.numpy().ravel(), params[2].grad.numpy().ravel()])
    )
    assert clip_grad_norm_([*params, no_grad], 1.0) == pytest.approx(expected, rel=1e-12)
    assert no_grad.grad is None and params[1].grad is None

    single = params_with_grads()[0]
    norm = np.linalg.norm(single.grad.numpy())
    assert clip_grad_norm_(single, 1.0) == pytest.approx(norm, rel=1e-12)
    assert np.linalg.norm(single.grad.numpy()) == pytest.approx(1.0, rel=1e-5)
    assert clip_grad_norm_(iter([]), 1.0) == 0.0


def test_clip_grad_norm_of_float32_gradients_stays_float32():
    p = tg.tensor(np.zeros(3, dtype=np.float32), requires_grad=True)
    p.grad = tg.tensor(np.array([3.0, 4.0, 0.0], dtype=np.float32))
    assert clip_grad_norm_(p, 1.0) == pytest.approx(5.0)
    assert p.grad.dtype == np.float32
    np.testing.assert_allclose(p.grad.numpy(), [0.6, 0.8, 0.0], rtol=1e-5)


def test_clip_grad_norm_with_a_nonfinite_norm_raises_only_when_asked():
    params = params_with_grads()
    params[0].grad.numpy()[0, 0] = np.nan
    with pytest.raises(RuntimeError, match="total norm of order 2.0 of the gradients is nan"):
        clip_grad_norm_(params, 1.0, error_if_nonfinite=True)
    assert math.isnan(clip_grad_norm_(params, 1.0))  # as PyTorch: the gradients become nan
    assert np.isnan(concatenated(params)).all()


def test_clip_grad_value_clips_every_element_in_place():
    params = params_with_grads(scale=2.0, transposed=True)
    before = concatenated(params)
    arrays = [p.grad.numpy() for p in params]
    params.append(tg.tensor([1.0], requires_grad=True))  # no grad: skipped
    assert clip_grad_value_(params, 0.5) is None
    np.testing.assert_array_equal(concatenated(params[:3]), np.clip(before, -0.5, 0.5))
    assert all(p.grad.numpy() is a for p, a in zip(params, arrays))

    single = params_with_grads(scale=2.0)[0]
    clip_grad_value_(single, 1.0)
    assert np.abs(single.grad.numpy()).max() <= 1.0
