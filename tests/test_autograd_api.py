"""PyTorch's autograd API around the engine: grad_fn.name() and next_functions, inference_mode,
set_grad_enabled and set_detect_anomaly as plain calls, tg.autograd.backward with several roots or inputs."""

from __future__ import annotations

import numpy as np
import pytest

import tensorgrad as tg


def test_next_functions_walk_back_to_accumulate_grad_for_leaves_and_none_for_constants():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    loss = (x * tg.tensor([3.0, 4.0])).sum()
    ((mul, index),) = loss.grad_fn.next_functions
    assert mul is loss.grad_fn.inputs[0].grad_fn and index == 0
    (accumulate, _), (constant, _) = mul.next_functions
    assert (
        accumulate.variable is x and accumulate.name() == "AccumulateGrad" and accumulate.next_functions == ()
    )
    assert constant is None


def test_a_node_name_is_a_string_and_can_be_called_as_in_pytorch():
    x = tg.tensor([1.0], requires_grad=True)
    node = (x * 2).grad_fn
    assert node.name == "Mul" and node.name() == "Mul" and f"{node.name}" == "Mul"
    assert type(node.name()) is str


def test_inference_mode_records_nothing_also_as_a_decorator_and_false_switches_recording_back_on():
    x = tg.tensor([1.0], requires_grad=True)
    with tg.inference_mode():
        assert not (x * 2).requires_grad and tg.is_inference_mode_enabled()
        with tg.inference_mode(False):
            assert (x * 2).requires_grad and not tg.is_inference_mode_enabled()
    assert (x * 2).requires_grad and not tg.is_inference_mode_enabled()

    @tg.inference_mode
    def bare():
        return (x * 2).requires_grad

    @tg.inference_mode()
    def called():
        return (x * 2).requires_grad

    assert bare() is False and called() is False and (x * 2).requires_grad


def test_set_grad_enabled_called_plainly_switches_at_once_as_in_pytorch():
    x = tg.tensor([1.0], requires_grad=True)
    try:
        tg.set_grad_enabled(False)
        assert not (x * 2).requires_grad
    finally:
        tg.set_grad_enabled(True)
    assert (x * 2).requires_grad
    with tg.no_grad():
        with tg.set_grad_enabled(True):
            assert (x * 2).requires_grad
        assert not (x * 2).requires_grad

    @tg.set_grad_enabled(False)
    def off():
        return (x * 2).requires_grad

    assert (x * 2).requires_grad and off() is False and (x * 2).requires_grad


def test_set_detect_anomaly_switches_at_once_and_restores_in_a_with_block():
    assert not tg.autograd.is_anomaly_enabled()
    try:
        tg.autograd.set_detect_anomaly(True)
        assert tg.autograd.is_anomaly_enabled()
    finally:
        tg.autograd.set_detect_anomaly(False)
    with tg.autograd.set_detect_anomaly(True):
        x = tg.tensor([0.0], requires_grad=True)
        with np.errstate(divide="ignore"), pytest.raises(tg.AnomalyError, match="Sqrt backward returned inf"):
            x.sqrt().sum().backward()
    assert not tg.autograd.is_anomaly_enabled()


def test_autograd_backward_sums_several_roots_weighted_by_their_gradients():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    tg.autograd.backward([x * 2, x * x], [tg.ones(2), tg.tensor([1.0, 2.0])])
    np.testing.assert_array_equal(x.grad.numpy(), [2 + 2 * 1.0, 2 + 2 * 2.0 * 2])


def test_autograd_backward_with_inputs_fills_only_their_grad_also_for_an_inner_tensor():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    tg.autograd.backward((y * y).sum(), inputs=[y])
    np.testing.assert_array_equal(y.grad.numpy(), [6.0, 12.0])
    assert x.grad is None


def test_grad_of_an_inner_tensor_leaves_the_graph_behind_it_intact():
    x = tg.tensor(1.0, requires_grad=True, dtype=tg.float64)
    y = x * 2  # the graph behind y must survive grad(..., y)
    (g,) = tg.grad((y * y).sum(), y)
    assert g.item() == 4.0
    (g,) = tg.grad(y.exp().sum(), x)
    assert g.item() == pytest.approx(2 * np.exp(2.0))


def test_variable_makes_a_new_leaf_on_the_same_values_and_every_tensor_is_a_variable():
    from tensorgrad.autograd import Variable  # old tutorials' import

    t = tg.ones(2)
    v = Variable(t, requires_grad=True)
    assert v is not t and v.requires_grad and not t.requires_grad and v.is_leaf
    assert isinstance(t, Variable) and not isinstance([1.0], Variable)
    t[0] = 5.0
    assert v.tolist() == [5.0, 1.0]  # the values are shared
    with pytest.raises(TypeError, match="Variable data has to be a tensor, but got list"):
        Variable([1.0, 2.0])
