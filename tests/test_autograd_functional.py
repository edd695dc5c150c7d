"""tg.autograd.functional: Jacobians, Hessians and their products against closed forms, with PyTorch's shapes
and return structures; and the step-size limit 2/lambda that the Hessian's largest eigenvalue sets for
gradient descent."""

from __future__ import annotations

import numpy as np
import pytest

import tensorgrad as tg
from tensorgrad.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp

A = np.array([[3.0, 1.0, 0.0], [1.0, 2.0, 0.5], [0.0, 0.5, 1.0]])  # symmetric positive definite
M = np.arange(12.0).reshape(4, 3) / 10


def vec(values):
    return tg.tensor(np.asarray(values, dtype=np.float64), dtype=tg.float64)


def quadratic(x):
    """0.5 x^T A x: gradient A x, Hessian A."""
    return 0.5 * (x * (vec(A) @ x)).sum()


def test_jacobian_of_a_linear_map_is_its_matrix_and_of_an_elementwise_map_is_diagonal():
    x = vec([1.0, -2.0, 0.5])
    np.testing.assert_allclose(jacobian(lambda t: vec(M) @ t, x).numpy(), M)
    np.testing.assert_allclose(jacobian(lambda t: t**3, x).numpy(), np.diag(3 * x.numpy() ** 2))


def test_jacobian_shape_is_output_shape_then_input_shape_and_matches_finite_differences():
    x = vec(np.linspace(-1, 1, 6).reshape(2, 3))

    def f(t):
        return (t.exp() * t.sum()).T  # shape (3, 2)

    jac = jacobian(f, x)
    assert jac.shape == (3, 2, 2, 3)
    eps, numeric = 1e-6, np.zeros((3, 2, 2, 3))
    for index in np.ndindex(2, 3):
        step = np.zeros((2, 3))
        step[index] = eps
        numeric[(..., *index)] = (f(vec(x.numpy() + step)).numpy() - f(vec(x.numpy() - step)).numpy()) / (
            2 * eps
        )
    np.testing.assert_allclose(jac.numpy(), numeric, rtol=1e-6, atol=1e-8)


def test_jacobian_follows_the_tuple_structure_of_inputs_and_outputs():
    x, y = vec([1.0, 2.0]), vec([3.0, 4.0, 5.0])
    (jxx, jxy), (jsx, jsy) = jacobian(lambda a, b: (a * 2, a.sum() * b.sum()), (x, y))
    assert (jxx.shape, jxy.shape, jsx.shape, jsy.shape) == ((2, 2), (2, 3), (2,), (3,))
    np.testing.assert_array_equal(jxx.numpy(), 2 * np.eye(2))
    np.testing.assert_array_equal(jxy.numpy(), np.zeros((2, 3)))  # unused input: zeros (strict=False)
    np.testing.assert_array_equal(jsx.numpy(), [12.0, 12.0])
    np.testing.assert_array_equal(jsy.numpy(), [3.0, 3.0, 3.0])
    single = jacobian(lambda a: a * 2, (x,))
    assert isinstance(single, tuple) and len(single) == 1


def test_hessian_of_half_x_a_x_is_a_and_of_a_cubic_is_diagonal():
    x = vec([1.0, -2.0, 0.5])
    hess = hessian(quadratic, x)
    assert hess.shape == (3, 3)
    np.testing.assert_allclose(hess.numpy(), A)
    np.testing.assert_allclose(hessian(lambda t: (t**3).sum(), x).numpy(), np.diag(6 * x.numpy()))


def test_hessian_of_tuple_inputs_has_one_block_per_pair():
    x, y = vec([1.0, 2.0]), vec([3.0])
    (hxx, hxy), (hyx, hyy) = hessian(lambda a, b: (a * a).sum() * b.sum(), (x, y))  # f = |a|^2 b
    np.testing.assert_allclose(hxx.numpy(), 2 * 3.0 * np.eye(2))
    np.testing.assert_allclose(hxy.numpy(), [[2.0], [4.0]])
    np.testing.assert_allclose(hyx.numpy(), [[2.0, 4.0]])
    np.testing.assert_allclose(hyy.numpy(), [[0.0]])


def test_vjp_jvp_hvp_and_vhp_are_the_products_with_the_jacobian_and_hessian():
    x, u, w = vec([1.0, -2.0, 0.5]), vec([1.0, 2.0, 3.0, 4.0]), vec([0.5, -1.0, 2.0])

    def f(t):
        return vec(M) @ t.exp()

    jac = jacobian(f, x).numpy()
    out, v_j = vjp(f, x, u)
    np.testing.assert_allclose(out.numpy(), M @ np.exp(x.numpy()))
    np.testing.assert_allclose(v_j.numpy(), u.numpy() @ jac)
    out, j_v = jvp(f, x, w)
    np.testing.assert_allclose(j_v.numpy(), jac @ w.numpy())
    value, h_v = hvp(quadratic, x, w)
    np.testing.assert_allclose(value.item(), 0.5 * x.numpy() @ A @ x.numpy())
    np.testing.assert_allclose(h_v.numpy(), A @ w.numpy())
    _, v_h = vhp(quadratic, x, w)
    np.testing.assert_allclose(v_h.numpy(), w.numpy() @ A)


def test_results_are_cut_from_the_graph_unless_create_graph():
    x = vec([1.0, 2.0]).requires_grad_()
    plain = jacobian(lambda t: t**3, x)
    assert not plain.requires_grad
    out, v_j = vjp(lambda t: t**3, x, vec([1.0, 1.0]))
    assert not out.requires_grad and not v_j.requires_grad
    jac = jacobian(lambda t: t**3, x, create_graph=True)  # diag(3 x^2), differentiable w.r.t. x
    assert jac.requires_grad
    (g,) = tg.grad(jac.sum(), x)
    np.testing.assert_allclose(g.numpy(), 6 * x.detach().numpy())


def test_strict_refuses_an_output_or_input_that_is_not_connected():
    x = vec([1.0, 2.0])
    np.testing.assert_array_equal(jacobian(lambda t: vec([1.0, 1.0]), x).numpy(), np.zeros((2, 2)))
    with pytest.raises(RuntimeError, match="jacobian: an output of func does not require grad"):
        jacobian(lambda t: vec([1.0, 1.0]), x, strict=True)
    with pytest.raises(RuntimeError, match="does not depend on input 1, and strict=True"):
        jacobian(lambda a, b: a * 2, (x, vec([1.0])), strict=True)


def test_wrong_arguments_are_clear_errors():
    x = vec([1.0, 2.0])
    with pytest.raises(
        RuntimeError, match=r"hessian: func must return a single Tensor with one element.*\(2,\)"
    ):
        hessian(lambda t: t * 2, x)
    with pytest.raises(
        RuntimeError, match=r"vjp: v can only be omitted when the outputs of func have a single"
    ):
        vjp(lambda t: t * 2, x)
    with pytest.raises(RuntimeError, match=r"jvp: v\[0\] must be a Tensor of shape \(2,\).*got shape \(3,\)"):
        jvp(lambda t: t * 2, x, vec([1.0, 2.0, 3.0]))


def descend(lr: float, steps: int = 200) -> float:
    """Gradient descent on 0.5 x^T A x from (1, 1, 1); returns |x| at the end."""
    x = vec([1.0, 1.0, 1.0]).requires_grad_()
    for _ in range(steps):
        (g,) = tg.grad(quadratic(x), x)
        with tg.no_grad():
            x -= lr * g
    return float(np.linalg.norm(x.numpy()))


def test_gradient_descent_converges_below_two_over_the_largest_hessian_eigenvalue_and_diverges_above():
    hess = hessian(quadratic, vec([0.3, -0.2, 0.1])).numpy()
    np.testing.assert_allclose(hess, A)  # constant for a quadratic: the same at every point
    lam = np.linalg.eigvalsh(hess).max()
    assert descend(0.95 * 2 / lam) < 1e-3  # each step multiplies the top eigen-direction by |1 - lr lam| < 1
    assert descend(1.05 * 2 / lam) > 1e3  # |1 - lr lam| > 1: that direction grows geometrically
