"""Observers: what watches graphs being made and run from beside autograd (anomaly mode, tg.viz), and the
node fields they rely on (``params``, ``metadata``, ``scope``)."""

from __future__ import annotations

import numpy as np
import pytest

import tensorgrad as tg
from tensorgrad import nn
from tensorgrad.autograd import Function, anomaly, observers


class Scale(Function):
    """a * factor, with the factor as a setting."""

    def forward(self, a: np.ndarray, factor: float) -> np.ndarray:
        return a * factor

    def backward(self, g: tg.Tensor) -> tuple[tg.Tensor | None, ...]:
        return (g * self.params["factor"],)


def test_a_node_keeps_the_settings_apply_received_as_params_and_pictures_show_exactly_those():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = Scale.apply(x, factor=3.0)
    assert dict(y.grad_fn.params) == {"factor": 3.0}
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])
    assert "factor=3" in tg.viz.draw_graph(y).source
    assert dict((x * x).grad_fn.params) == {}
    assert dict(x.sum(dim=0, keepdim=True).grad_fn.params) == {"axes": (0,), "keepdims": True}


def test_created_observers_see_each_new_node_in_order_and_only_while_recording():
    seen = []
    observers.watch(observers.created, seen.append)
    try:
        x = tg.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        z = y.exp()
        with tg.no_grad():
            x * 3
        tg.tensor([1.0]) * 2  # nothing requires grad: no node
    finally:
        observers.watch(observers.created, seen.append, on=False)
    assert seen == [y.grad_fn, z.grad_fn]
    assert seen.append not in observers.created


def test_ran_observers_see_each_backward_step_with_the_gradients_the_engine_computed():
    steps = []

    def watch(node, grad_output, grad_inputs):
        steps.append(
            (node.name, grad_output.numpy().copy(), [None if g is None else g.numpy() for g in grad_inputs])
        )

    x = tg.tensor([1.0, -2.0], requires_grad=True)
    loss = (x * 3).sum()
    observers.watch(observers.ran, watch)
    try:
        loss.backward()
    finally:
        observers.watch(observers.ran, watch, on=False)
    assert [name for name, _, _ in steps] == ["Sum", "Mul"]
    np.testing.assert_array_equal(steps[0][1], 1.0)
    np.testing.assert_array_equal(steps[1][1], [1.0, 1.0])
    np.testing.assert_array_equal(steps[1][2][0], [3.0, 3.0])
    assert steps[1][2][1] is None  # the constant 3 needs no gradient
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])


def test_watch_adds_an_observer_once_and_taking_out_an_absent_one_does_nothing():
    def observer(node):
        pass

    observers.watch(observers.created, observer)
    observers.watch(observers.created, observer)
    assert observers.created.count(observer) == 1
    observers.watch(observers.created, observer, on=False)
    observers.watch(observers.created, observer, on=False)
    assert observer not in observers.created


def test_anomaly_mode_puts_its_observers_in_place_only_while_it_is_on():
    def watching() -> tuple[bool, bool]:
        return anomaly.note_location in observers.created, anomaly.check_gradients in observers.ran

    assert watching() == (False, False)
    with tg.autograd.detect_anomaly():
        assert watching() == (True, True)
        x = tg.tensor([0.0], requires_grad=True)
        y = x.sqrt()
        assert y.grad_fn.location.endswith(f"test_observers.py:{_line_of('y = x.sqrt()')}")
        with (
            pytest.raises(tg.autograd.AnomalyError, match="Sqrt backward returned inf"),
            np.errstate(divide="ignore"),
        ):
            y.backward()
    assert watching() == (False, False)
    tg.autograd.set_detect_anomaly(True)
    assert watching() == (True, True)
    tg.autograd.set_detect_anomaly(False)
    assert watching() == (False, False)

    @tg.autograd.detect_anomaly()
    def inside():
        return watching()

    assert inside() == (True, True) and watching() == (False, False)


def test_metadata_is_a_dict_of_each_node_own():
    x = tg.tensor([1.0], requires_grad=True)
    a, b = (x * 2).grad_fn, (x * 3).grad_fn
    a.metadata["note"] = 1
    assert a.metadata == {"note": 1} and b.metadata == {}


def test_every_node_made_inside_a_module_call_records_the_modules_under_way():
    class Outer(nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = nn.Dense(2, 2)

        def forward(self, x):
            return self.inner(x).tanh()

    outer = Outer()
    y = outer(tg.ones(1, 2))
    assert y.grad_fn.scope == (outer,)
    assert y.grad_fn.inputs[0].grad_fn.scope == (outer, outer.inner)
    assert observers.scope == ()
    assert (y * 2).grad_fn.scope == ()


def _line_of(text: str) -> int:
    with open(__file__) as f:
        return next(i for i, line in enumerate(f, 1) if line.strip() == text)
