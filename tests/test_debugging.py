"""gradcheck catches wrong gradients and says where; detect_anomaly finds the op that made a NaN."""

import re

import numpy as np
import pytest

import tensorgrad as tg
from tensorgrad.autograd.function import Function


class WrongSquare(Function):
    """x^2 with a wrong derivative on purpose (x instead of 2x)."""

    def forward(self, a):
        return a * a

    def backward(self, g):
        return (g * self.inputs[0],)


class SquareWithWrongSecondDerivative(Function):
    """First derivative right (2x) but computed from a detached x: its own derivative is lost."""

    def forward(self, a):
        return a * a

    def backward(self, g):
        return (g * 2 * self.inputs[0].detach(),)


def test_gradcheck_passes_a_correct_function():
    x = tg.tensor(np.array([[0.5, -1.0], [2.0, 0.1]]), requires_grad=True)
    assert tg.gradcheck(lambda x: (x * x.sigmoid()).sum(axis=1), [x])


def test_gradcheck_names_the_input_the_element_and_both_values():
    x = tg.tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    w = tg.tensor(np.array([0.5, 0.5, 0.5]), requires_grad=True)
    with pytest.raises(
        tg.GradcheckError, match=r"input 1 \(shape \(3,\)\) is wrong at element \(0,\): analytic"
    ):
        tg.gradcheck(lambda x, w: x * WrongSquare.apply(w), [x, w])


class NegatedSquare(Function):
    """x^2 whose derivative has the right size and the wrong sign (-2x): only a signed comparison sees it."""

    def forward(self, a):
        return a * a

    def backward(self, g):
        return (g * -2 * self.inputs[0],)


def test_gradcheck_catches_a_gradient_of_the_right_size_and_the_wrong_sign():
    x = tg.tensor(np.array([0.5, -1.5, 2.0]), requires_grad=True)
    with pytest.raises(
        tg.GradcheckError, match=r"element \(0,\): analytic -([\d.]+) vs numeric \1 .* 3 of 3 elements"
    ):
        tg.gradcheck(lambda x: NegatedSquare.apply(x), [x])
    assert tg.gradgradcheck(lambda x: x * x * x, [x])


def test_gradcheck_can_return_false_instead_of_raising():
    x = tg.tensor(np.array([1.0, 2.0]), requires_grad=True)
    assert tg.gradcheck(lambda x: WrongSquare.apply(x), [x], raise_exception=False) is False


def test_gradcheck_refuses_float32_inputs():
    with pytest.raises(TypeError, match="use float64 inputs"):
        tg.gradcheck(lambda x: x * 2, [tg.tensor([1.0], requires_grad=True)])


def test_gradgradcheck_catches_a_backward_that_is_not_differentiable():
    x = tg.tensor(np.array([1.0, -2.0]), requires_grad=True)
    assert tg.gradcheck(lambda x: SquareWithWrongSecondDerivative.apply(x), [x])
    with pytest.raises(tg.GradcheckError):
        tg.gradgradcheck(lambda x: SquareWithWrongSecondDerivative.apply(x), [x])
    assert tg.gradgradcheck(lambda x: x * x, [x])


class SquareWithNumpyBackward(Function):
    """First derivative right (2x) but computed in numpy: the gradient carries no graph at all."""

    def forward(self, a):
        return a * a

    def backward(self, g):
        return (tg.tensor(g.numpy() * 2 * self.inputs[0].numpy()),)


def test_gradgradcheck_catches_a_backward_computed_in_numpy():
    x = tg.tensor(np.array([1.0, -2.0, 0.5]), requires_grad=True)
    assert tg.gradcheck(SquareWithNumpyBackward.apply, [x])
    with pytest.raises(tg.GradcheckError, match=r"analytic 0 vs numeric -?\d"):
        tg.gradgradcheck(SquareWithNumpyBackward.apply, [x])


def test_gradcheck_message_prints_plain_numbers():
    x = tg.tensor(np.array([1.0, 2.0]), requires_grad=True)
    with pytest.raises(tg.GradcheckError) as error:
        tg.gradcheck(WrongSquare.apply, [x])
    assert "np.float64" not in str(error.value)
    assert re.search(r"analytic -?[\d.e+-]+ vs numeric -?[\d.e+-]+ ", str(error.value))


def test_detect_anomaly_names_the_op_and_the_line_that_called_it():
    x = tg.tensor([0.0, 1.0], requires_grad=True)
    with tg.detect_anomaly(), np.errstate(divide="ignore"):
        y = x.sqrt()  # d/dx sqrt(x) = 1 / (2 sqrt(x)): inf at 0
        line = y.grad_fn.location
        with pytest.raises(
            tg.AnomalyError, match=r"Sqrt backward returned inf values .*test_debugging.py:\d+"
        ):
            y.sum().backward()
    first_line = test_detect_anomaly_names_the_op_and_the_line_that_called_it.__code__.co_firstlineno
    assert line.endswith(f"test_debugging.py:{first_line + 3}")


def test_detect_anomaly_reports_nan_and_the_input_that_received_it():
    x = tg.tensor([-1.0, 1.0], requires_grad=True)
    with tg.detect_anomaly(), np.errstate(invalid="ignore"):
        y = (x.sqrt() * 0).sum()  # sqrt(-1) is nan; backward 0 / (2 nan) is nan
        with pytest.raises(
            tg.AnomalyError, match=r"Sqrt backward returned nan values in the gradient for its input 0"
        ):
            y.backward()


def test_without_detect_anomaly_nans_pass_silently_like_pytorch():
    x = tg.tensor([0.0, 1.0], requires_grad=True)
    with np.errstate(divide="ignore"):
        x.sqrt().sum().backward()
    assert np.isinf(x.grad.numpy()[0])
