"""In-place method variants (``add_``, ``mul_``, ``clamp_``, ``normal_``, ...) and the ``out=`` keyword.

Each ``x.op_(...)`` writes ``x.op(...)`` into ``x``: the same values bit for bit, under the in-place rule of
``+=`` (only outside a recorded graph), and a later backward through a graph that saved ``x`` is refused.
"""

from __future__ import annotations

import numpy as np
import pytest

import tensorgrad as tg

RNG = np.random.default_rng(0)
A = RNG.standard_normal((3, 4)).astype(np.float32)
B = RNG.standard_normal((3, 4)).astype(np.float32)
POSITIVE = (RNG.random((3, 4)) + 0.5).astype(np.float32)
MASK = RNG.random((3, 4)) < 0.5

# (in-place name, out-of-place name, base values, arguments, keyword arguments)
CASES = [
    ("add_", "add", A, (tg.tensor(B),), {}),
    ("add_", "add", A, (tg.tensor(B),), {"alpha": 0.3}),
    ("add_", "add", A, (2.5,), {}),
    ("sub_", "sub", A, (tg.tensor(B[0]),), {"alpha": -1.7}),  # the other operand broadcasts
    ("mul_", "mul", A, (tg.tensor(B),), {}),
    ("div_", "div", A, (tg.tensor(POSITIVE),), {}),
    ("pow_", "pow", POSITIVE, (1.7,), {}),
    ("neg_", "neg", A, (), {}),
    ("abs_", "abs", A, (), {}),
    ("sqrt_", "sqrt", POSITIVE, (), {}),
    ("exp_", "exp", A, (), {}),
    ("log_", "log", POSITIVE, (), {}),
    ("clamp_", "clamp", A, (-0.5, 0.5), {}),
    ("clip_", "clip", A, (None, 0.1), {}),
    ("relu_", "relu", A, (), {}),
    ("sigmoid_", "sigmoid", A, (), {}),
    ("tanh_", "tanh", A, (), {}),
    ("masked_fill_", "masked_fill", A, (tg.tensor(MASK), -3.0), {}),
    ("addcmul_", "addcmul", A, (tg.tensor(B), tg.tensor(POSITIVE)), {"value": 0.37}),
    ("addcdiv_", "addcdiv", A, (tg.tensor(B), tg.tensor(POSITIVE)), {"value": -0.37}),
    ("lerp_", "lerp", A, (tg.tensor(B), 0.3), {}),
    ("lerp_", "lerp", A, (tg.tensor(B), 0.8), {}),
    ("lerp_", "lerp", A, (tg.tensor(B), tg.tensor(POSITIVE - 0.5)), {}),
]


@pytest.mark.parametrize(("name", "reference", "base", "args", "kwargs"), CASES)
def test_in_place_method_equals_its_out_of_place_op_bit_for_bit(name, reference, base, args, kwargs):
    x = tg.tensor(base.copy())
    array = x.numpy()
    expected = getattr(tg.tensor(base.copy()), reference)(*args, **kwargs).numpy()
    assert getattr(x, name)(*args, **kwargs) is x
    assert x.numpy() is array  # the same memory, written in place
    assert x.dtype == np.float32
    np.testing.assert_array_equal(x.numpy(), expected)
    assert not np.array_equal(x.numpy(), base) or name in ("abs_", "clip_")


def test_addcmul_addcdiv_and_lerp_follow_their_formulas():
    x, t1, t2 = tg.tensor([1.0, 2.0]), tg.tensor([3.0, 4.0]), tg.tensor([2.0, 8.0])
    np.testing.assert_allclose(x.addcmul(t1, t2, value=0.5).numpy(), [4.0, 18.0])
    np.testing.assert_allclose(x.addcdiv(t1, t2, value=2.0).numpy(), [4.0, 3.0])
    np.testing.assert_allclose(x.lerp(t1, 0.25).numpy(), [1.5, 2.5])
    np.testing.assert_array_equal(x.lerp(t1, 1.0).numpy(), t1.numpy())  # exact at weight 1, as PyTorch


def test_hand_written_adam_step_with_in_place_methods_matches_the_formula():
    """The update of PyTorch's Adam written with mul_/add_/addcmul_/addcdiv_, as teaching code does."""
    p, g = tg.tensor([0.5, -1.0]), tg.tensor([0.1, -0.2])
    m, v = tg.zeros(2), tg.zeros(2)
    m.mul_(0.9).add_(g, alpha=0.1)
    v.mul_(0.999).addcmul_(g, g, value=0.001)
    denom = (v / (1 - 0.999)).sqrt().add_(1e-8)
    p.addcdiv_(m, denom, value=-0.01 / (1 - 0.9))
    np.testing.assert_allclose(p.numpy(), [0.49, -0.99], rtol=1e-5)


def test_normal_and_uniform_fill_in_place_from_the_seeded_generator():
    x = tg.zeros(2000)
    array = x.numpy()
    tg.manual_seed(3)
    assert x.normal_(2.0, 0.5) is x and x.numpy() is array
    first = x.numpy().copy()
    assert abs(first.mean() - 2.0) < 0.05 and abs(first.std() - 0.5) < 0.05
    tg.manual_seed(3)
    np.testing.assert_array_equal(x.normal_(2.0, 0.5).numpy(), first)
    x.uniform_(-1.0, 3.0)
    assert x.numpy().min() >= -1.0 and x.numpy().max() < 3.0 and abs(x.numpy().mean() - 1.0) < 0.1
    assert x.dtype == np.float32


def test_normal_accepts_a_generator_of_its_own():
    if not hasattr(tg, "Generator"):
        pytest.fail("tg.Generator is missing")
    a = tg.zeros(5).normal_(generator=tg.Generator().manual_seed(7))
    b = (
        tg.zeros(5)
        .uniform_(generator=tg.Generator().manual_seed(7))
        .normal_(generator=tg.Generator().manual_seed(7))
    )
    np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_in_place_on_a_tensor_that_requires_grad_is_refused_in_a_graph():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    for call in (lambda: w.add_(1.0), lambda: w.mul_(2.0), lambda: w.clamp_(0, 1), lambda: w.normal_()):
        with pytest.raises(
            RuntimeError, match=r"in-place arithmetic on a tensor that requires grad .*no_grad"
        ):
            call()
    np.testing.assert_array_equal(w.numpy(), [1.0, 2.0])


def test_in_place_method_on_a_constant_with_a_value_that_requires_grad_joins_the_graph():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    x = tg.zeros(2)
    assert x.add_(w) is x and x.requires_grad  # recorded, as in PyTorch
    x.mul_(w).sum().backward()  # x = w * w
    np.testing.assert_allclose(w.grad.numpy(), [2.0, 4.0])


def test_in_place_works_under_no_grad_and_through_data():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    with tg.no_grad():
        w.mul_(3.0).sub_(1.0)
    np.testing.assert_array_equal(w.numpy(), [2.0, 5.0])
    w.data.add_(tg.tensor([0.5, 0.5]), alpha=2.0)  # PyTorch's p.data.add_(...): the values change
    np.testing.assert_array_equal(w.numpy(), [3.0, 6.0])
    assert w.requires_grad and w.is_leaf


def test_backward_through_a_tensor_changed_in_place_after_use_is_detected():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    x = tg.tensor([3.0, 4.0])
    y = (w * x).sum()  # the product saved x for w's gradient
    x.mul_(10.0)
    with pytest.raises(RuntimeError, match=r"modified|in place|in-place"):
        y.backward()


def test_in_place_result_must_keep_shape_and_dtype():
    x = tg.zeros(3)
    with pytest.raises(ValueError, match=r"add_: the result has shape \(2, 3\).*shape \(3,\)"):
        x.add_(tg.ones(2, 3))
    ints = tg.tensor([1, 2])
    with pytest.raises(TypeError, match=r"mul_: the result is float32.*int64"):
        ints.mul_(0.5)
    np.testing.assert_array_equal(ints.numpy(), [1, 2])
    assert ints.add_(3).tolist() == [4, 5]
    doubles = tg.zeros(2, dtype=tg.float32).add_(np.array([0.1, 0.2]))  # float64 casts into float32
    np.testing.assert_array_equal(doubles.numpy(), np.array([0.1, 0.2], np.float32))


# ------------------------------------------------------------------------------------------- out=
def test_out_keyword_writes_into_out_and_returns_it():
    x, y = tg.tensor([[1.0, 2.0], [3.0, 4.0]]), tg.tensor([[5.0, 6.0], [7.0, 8.0]])
    out = tg.zeros(2, 2)
    array = out.numpy()
    assert tg.add(x, y, out=out) is out and out.numpy() is array
    np.testing.assert_array_equal(out.numpy(), [[6.0, 8.0], [10.0, 12.0]])
    np.testing.assert_array_equal(tg.mul(x, x, out=out).numpy(), (x * x).numpy())
    np.testing.assert_array_equal(tg.matmul(x, x.T, out=out).numpy(), (x @ x.T).numpy())
    np.testing.assert_array_equal(tg.sub(x, y, alpha=2, out=out).numpy(), (x - 2 * y).numpy())
    np.testing.assert_array_equal(tg.div(x, y, out=out).numpy(), (x / y).numpy())
    np.testing.assert_array_equal(tg.add(x, y, alpha=0.5).numpy(), (x + 0.5 * y).numpy())


def test_out_of_another_shape_is_resized_as_pytorch():
    out = tg.zeros(1)
    tg.matmul(tg.ones(2, 3), tg.ones(3, 4), out=out)
    assert out.shape == (2, 4)
    np.testing.assert_array_equal(out.numpy(), np.full((2, 4), 3.0))


def test_out_keyword_is_refused_when_grad_would_be_recorded():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    out = tg.zeros(2)
    with pytest.raises(RuntimeError, match=r"add\(\): functions with out=\.\.\. arguments don't support"):
        tg.add(w, 1.0, out=out)
    np.testing.assert_array_equal(out.numpy(), [0.0, 0.0])
    with tg.no_grad():
        tg.add(w, 1.0, out=out)
    np.testing.assert_array_equal(out.numpy(), [2.0, 3.0])


def test_pytorchs_deprecated_scale_first_overloads_work_and_warn():
    # old optimizers and examples: p.data.add_(-lr, grad), exp_avg_sq.addcmul_(1 - beta2, grad, grad)
    p, g = tg.ones(3), tg.full((3,), 2.0)
    with pytest.warns(UserWarning, match=r"This overload of add_ is deprecated: add_\(Number alpha, other\)"):
        p.add_(-0.5, g)
    assert p.tolist() == [0.0, 0.0, 0.0]
    with pytest.warns(UserWarning, match="deprecated"):
        assert tg.ones(2).add(3, tg.ones(2)).tolist() == [4.0, 4.0]
        assert tg.sub(tg.ones(2), 3, tg.ones(2)).tolist() == [-2.0, -2.0]
        q = tg.ones(2)
        q.addcmul_(2, tg.full((2,), 3.0), tg.full((2,), 4.0))
        assert q.tolist() == [25.0, 25.0]
        assert tg.addcdiv(tg.ones(2), 2, tg.full((2,), 3.0), tg.full((2,), 4.0)).tolist() == [2.5, 2.5]
    with pytest.raises(TypeError, match=r"add\(\) takes \(other, \*, alpha=1\) or the deprecated"):
        tg.ones(2).add(tg.ones(2), tg.ones(2))
