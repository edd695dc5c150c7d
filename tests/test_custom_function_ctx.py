"""Custom Functions in both styles, with one base class: tensorgrad's (forward on numpy arrays, backward in
Tensor ops) and PyTorch's (static forward(ctx, ...) on Tensors, static backward(ctx, *grad_outputs))."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pytest

import tensorgrad as tg
from tensorgrad.autograd import Function, gradcheck, gradgradcheck


def double(values):
    return tg.tensor(np.asarray(values, dtype=np.float64), dtype=tg.float64, requires_grad=True)


class ScaledCube(Function):
    """PyTorch style, with a non-tensor argument: y = k x^3, dy/dx = 3 k x^2."""

    @staticmethod
    def forward(ctx, x, k):
        ctx.save_for_backward(x)
        ctx.k = k
        return k * x**3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * ctx.k * x**2, None


class ScaledCubeNumpy(Function):
    """The same op in tensorgrad's style."""

    def forward(self, a, k):
        self.k = k
        return k * a**3

    def backward(self, grad):
        (x,) = self.inputs
        return (grad * 3 * self.k * x**2,)


class ExpAndSquare(Function):
    """Two outputs: (exp(x), x^2); backward receives a gradient for each."""

    received: ClassVar[list] = []

    @staticmethod
    def forward(ctx, x):
        e = x.exp()
        ctx.save_for_backward(x, e)  # e is an output: backward can be differentiated through it
        return e, x * x

    @staticmethod
    def backward(ctx, grad_exp, grad_square):
        ExpAndSquare.received.append((grad_exp, grad_square))
        x, e = ctx.saved_tensors
        total = None
        if grad_exp is not None:
            total = grad_exp * e
        if grad_square is not None:
            total = grad_square * 2 * x if total is None else total + grad_square * 2 * x
        return total


def test_pytorch_style_function_matches_closed_form_and_passes_gradcheck_and_gradgradcheck():
    x = double([0.5, -1.0, 2.0])
    y = ScaledCube.apply(x, 3)
    np.testing.assert_allclose(y.numpy(), 3 * x.numpy() ** 3)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 9 * x.numpy() ** 2)
    assert gradcheck(lambda t: ScaledCube.apply(t, 3), x)
    assert gradgradcheck(lambda t: ScaledCube.apply(t, 3), x)


def test_project_style_function_passes_gradcheck_and_gradgradcheck_with_a_parameter():
    x = double([0.5, -1.0, 2.0])
    np.testing.assert_allclose(ScaledCubeNumpy.apply(x, k=2).numpy(), 2 * x.numpy() ** 3)
    assert gradcheck(lambda t: ScaledCubeNumpy.apply(t, k=2), x)
    assert gradgradcheck(lambda t: ScaledCubeNumpy.apply(t, k=2), x)


def test_second_derivative_of_a_pytorch_style_function_is_its_backward_differentiated():
    x = double([0.5, 2.0])
    (g,) = tg.grad(ScaledCube.apply(x, 2).sum(), x, create_graph=True)  # 6 x^2
    assert g.requires_grad
    (gg,) = tg.grad(g.sum(), x)  # 12 x
    np.testing.assert_allclose(gg.numpy(), 12 * x.numpy())


def test_forward_runs_without_recording_and_the_result_points_at_the_function_node():
    seen = {}

    class Probe(Function):
        @staticmethod
        def forward(ctx, x):
            inner = x * 2
            seen["grad_enabled"], seen["inner_grad_fn"] = tg.is_grad_enabled(), inner.grad_fn
            return inner

        @staticmethod
        def backward(ctx, grad):
            return grad * 2

    x = double([1.0])
    y = Probe.apply(x)
    assert seen == {"grad_enabled": False, "inner_grad_fn": None}
    assert type(y.grad_fn).__name__ == "ProbeBackward" and y.grad_fn.name() == "ProbeBackward"
    assert y.grad_fn.next_functions[0][0].variable is x


def test_several_outputs_each_get_their_gradient_in_one_backward_call():
    ExpAndSquare.received.clear()
    x = double([0.0, 1.0])
    e, s = ExpAndSquare.apply(x)
    (3 * e + s).sum().backward()
    assert len(ExpAndSquare.received) == 1
    np.testing.assert_allclose(x.grad.numpy(), 3 * np.exp(x.numpy()) + 2 * x.numpy())
    assert gradcheck(ExpAndSquare.apply, x)
    assert gradgradcheck(ExpAndSquare.apply, x)


def test_an_unused_output_gets_zeros_or_none_after_set_materialize_grads_false():
    ExpAndSquare.received.clear()
    x = double([1.0, 2.0])
    ExpAndSquare.apply(x)[1].sum().backward()  # the exp output is dropped: its gradient is zeros
    grad_exp, grad_square = ExpAndSquare.received[-1]
    np.testing.assert_array_equal(grad_exp.numpy(), [0.0, 0.0])
    np.testing.assert_array_equal(grad_square.numpy(), [1.0, 1.0])
    np.testing.assert_allclose(x.grad.numpy(), 2 * x.numpy())

    class Lazy(ExpAndSquare):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return ExpAndSquare.forward(ctx, x)

    x.grad = None
    Lazy.apply(x)[1].sum().backward()
    assert ExpAndSquare.received[-1][0] is None
    np.testing.assert_allclose(x.grad.numpy(), 2 * x.numpy())


def test_a_saved_output_is_differentiated_through_even_when_its_tensor_was_dropped():
    class SinhAndExp(Function):
        @staticmethod
        def forward(ctx, x):
            e = x.exp()
            ctx.save_for_backward(e)
            return (e - 1 / e) / 2, e

        @staticmethod
        def backward(ctx, grad_sinh, grad_exp):
            (e,) = ctx.saved_tensors
            return grad_sinh * (e + 1 / e) / 2 + grad_exp * e

    x = double([0.5, 1.5])
    (g,) = tg.grad(SinhAndExp.apply(x)[0].sum(), x, create_graph=True)  # cosh x; the exp output is gone
    np.testing.assert_allclose(g.detach().numpy(), np.cosh(x.numpy()))
    (gg,) = tg.grad(g.sum(), x)  # sinh x: only through the saved (dropped) exp output
    np.testing.assert_allclose(gg.numpy(), np.sinh(x.numpy()))


def test_needs_input_grad_has_one_flag_per_forward_argument():
    flags = {}

    class Mul(Function):
        @staticmethod
        def forward(ctx, a, b, scale):
            flags["forward"] = ctx.needs_input_grad
            return a * b * scale

        @staticmethod
        def backward(ctx, grad):
            return grad, None, None

    a, b = double([1.0]), tg.tensor([2.0], dtype=tg.float64)
    Mul.apply(a, b, 3.0)
    assert flags["forward"] == (True, False, False)


def test_mark_non_differentiable_output_needs_no_grad_and_backward_receives_zeros_for_it():
    received = []

    class SortWithOrder(Function):
        @staticmethod
        def forward(ctx, x):
            order = tg.tensor(np.argsort(x.numpy()).astype(np.float64), dtype=tg.float64)
            ctx.mark_non_differentiable(order)
            return x * 1.0, order

        @staticmethod
        def backward(ctx, grad, grad_order):
            received.append(grad_order)
            return grad

    x = double([3.0, 1.0, 2.0])
    values, order = SortWithOrder.apply(x)
    assert values.requires_grad and not order.requires_grad and order.grad_fn is None
    values.sum().backward()
    np.testing.assert_array_equal(received[0].numpy(), [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0, 1.0])


def test_a_none_gradient_leaves_that_input_without_grad_and_extra_trailing_nones_are_allowed():
    class FirstOnly(Function):
        @staticmethod
        def forward(ctx, a, b):
            return a + b

        @staticmethod
        def backward(ctx, grad):
            return grad, None, None  # one None too many, as PyTorch accepts

    a, b = double([1.0]), double([2.0])
    FirstOnly.apply(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [1.0])
    assert b.grad is None


def test_a_gradient_of_a_broadcast_shape_is_summed_to_the_input_and_cast_to_its_dtype():
    class Wide(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return tg.ones((3, 2), dtype=tg.float32)

    x = double([1.0, 1.0])
    Wide.apply(x).sum().backward()
    assert x.grad.dtype == np.float64
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])


def returning(value_for):
    class Returns(Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * k

        @staticmethod
        def backward(ctx, grad):
            return value_for(grad)

    return Returns


@pytest.mark.parametrize(
    ("backward_result", "message"),
    [
        (
            lambda g: (g,),
            r"ReturnsBackward: Returns.backward returned 1 gradients, but forward took 2 arguments",
        ),
        (lambda g: (g, None, g), r"returned 3 gradients, but forward took 2 arguments"),
        (lambda g: (g, g), r"gradient \(not None\) for forward argument 1, which is not a Tensor \(Tensor\)"),
        (
            lambda g: (tg.ones(3, dtype=tg.float64), None),
            r"gradient of shape \(3,\) for argument 0.*shape \(2,\)",
        ),
        (lambda g: (1.0, None), r"returned a float as the gradient of argument 0; expected a Tensor or None"),
    ],
)
def test_a_wrong_backward_result_is_a_clear_error_naming_the_function(backward_result, message):
    x = double([1.0, 2.0])
    with pytest.raises((RuntimeError, TypeError), match=message):
        returning(backward_result).apply(x, 2).sum().backward()


def test_mixed_styles_are_refused_when_the_class_is_defined_and_numpy_results_when_applied():
    with pytest.raises(TypeError, match=r"Bad: backward is written in PyTorch's style .* but forward is not"):

        class Bad(Function):
            def forward(self, a):
                return a

            @staticmethod
            def backward(ctx, grad):
                return grad

    class ReturnsArray(Function):
        @staticmethod
        def forward(ctx, x):
            return x.numpy() * 2

        @staticmethod
        def backward(ctx, grad):
            return grad

    with pytest.raises(
        TypeError, match=r"ReturnsArray.forward returned a numpy array \(output 0, shape \(1,\)\)"
    ):
        ReturnsArray.apply(double([1.0]))


def test_forward_and_backward_without_staticmethod_work_as_in_pytorch():
    class Plain(Function):
        def forward(ctx, x):
            return x * 3

        def backward(ctx, grad):
            return grad * 3

    x = double([1.0, 2.0])
    Plain.apply(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])


def test_a_second_backward_through_a_freed_custom_node_says_retain_graph():
    x = double([1.0])
    y = ScaledCube.apply(x, 1)
    y.sum().backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.sum().backward()
    with pytest.raises(RuntimeError, match=r"ScaledCubeBackward: trying to backward .* second time"):
        _ = y.grad_fn.saved_tensors


def test_under_no_grad_forward_still_runs_and_records_nothing():
    x = double([2.0])
    with tg.no_grad():
        y = ScaledCube.apply(x, 2)
    assert not y.requires_grad and y.grad_fn is None
    np.testing.assert_array_equal(y.numpy(), [16.0])


def test_returning_an_input_unchanged_gives_a_new_tensor_in_the_graph():
    class Identity(Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, grad):
            return grad * 5  # not the true derivative: shows that this backward is the one that runs

    x = double([1.0, 2.0])
    y = Identity.apply(x)
    assert y is not x and x.is_leaf and y.grad_fn is not None
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [5.0, 5.0])


def test_setup_context_style_forward_without_ctx_works_as_in_pytorch_2():
    class Square(Function):
        @staticmethod
        def forward(x):
            return x * x

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(inputs[0])

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return 2 * x * grad

    x = double([3.0])
    Square.apply(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [6.0])


def test_once_differentiable_backward_runs_unrecorded_and_refuses_a_second_derivative():
    from tensorgrad.autograd.function import once_differentiable  # PyTorch's import path

    class NumpySquare(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @once_differentiable
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return tg.tensor(2 * x.numpy() * grad.numpy())  # numpy: no graph could be recorded anyway

    x = double([1.0, 3.0])
    (g,) = tg.grad(NumpySquare.apply(x).sum(), x, create_graph=True)
    np.testing.assert_array_equal(g.numpy(), [2.0, 6.0])
    v = double([1.0, 1.0])
    (g,) = tg.grad(NumpySquare.apply(x), x, grad_outputs=v, create_graph=True)
    with pytest.raises(RuntimeError, match="differentiate twice .* @once_differentiable"):
        g.sum().backward()


def test_a_function_without_backward_runs_forward_and_says_what_is_missing_in_backward():
    class ForwardOnly(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

    x = double([1.0])
    y = ForwardOnly.apply(x)
    np.testing.assert_array_equal(y.numpy(), [2.0])
    with pytest.raises(NotImplementedError, match=r"ForwardOnly has no backward: define @staticmethod"):
        y.sum().backward()


def test_changing_a_saved_output_in_place_is_an_error_not_a_wrong_gradient():
    class Exp(Function):
        @staticmethod
        def forward(ctx, x):
            result = x.exp()
            ctx.save_for_backward(result)
            return result

        @staticmethod
        def backward(ctx, grad):
            (result,) = ctx.saved_tensors
            return grad * result

    x = double([0.0, 1.0])
    y = Exp.apply(x)
    y += 1  # recorded, but Exp's backward would read exp(x) + 1
    with pytest.raises(RuntimeError, match=r"ExpBackward: output 0 \(shape \(2,\)\).* changed in place"):
        y.sum().backward()
