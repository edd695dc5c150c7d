"""tg.viz.record_steps: each backward pass inside the block notes every parameter's gradient norm and the
loss (the numbers a hand-written loop computes from .grad), and its page carries them for the last pass."""

import math

import numpy as np
import pytest

import tensorgrad as tg
from tensorgrad import nn
from tensorgrad.autograd import observers
from tensorgrad.viz import recording


def xor_run(steps=None, n=12, every=1):
    """A small sigmoid MLP trained on XOR-like data with SGD; the gradient norms and losses a hand-written
    loop reads, and the recorder's (``steps``: the record_steps context, or None for the loop alone)."""
    tg.manual_seed(1)
    model = nn.Sequential(nn.Linear(2, 6), nn.Sigmoid(), nn.Linear(6, 1))
    optimizer = tg.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
    x = tg.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = tg.tensor([[0.0], [1.0], [1.0], [0.0]])
    by_hand = {"loss": [], "norms": {name: [] for name, _ in model.named_parameters()}}
    context = steps(model) if steps else None
    recorder = context.__enter__() if context else None
    try:
        for _ in range(n):
            optimizer.zero_grad()
            loss = nn.BCEWithLogitsLoss()(model(x), y)
            loss.backward()
            by_hand["loss"].append(loss.item())
            for name, p in model.named_parameters():
                by_hand["norms"][name].append(float(np.linalg.norm(p.grad.numpy())))
            optimizer.step()
    finally:
        if context:
            context.__exit__(None, None, None)
    return model, loss, by_hand, recorder


def test_each_backward_notes_every_parameters_grad_norm_and_the_loss():
    _, _, by_hand, steps = xor_run(lambda model: tg.viz.record_steps(model))
    assert steps.steps == list(range(1, 13)) and len(steps) == 12
    assert steps.losses == by_hand["loss"]  # the same numbers, read at the same moment
    assert steps.norms == by_hand["norms"]
    assert steps.losses[-1] < steps.losses[0]


def test_every_k_keeps_every_kth_step_and_the_block_leaves_nothing_watching():
    _, _, by_hand, steps = xor_run(lambda model: tg.viz.record_steps(model.named_parameters(), every=5))
    assert steps.steps == [1, 6, 11]
    assert steps.losses == by_hand["loss"][::5]
    assert steps.norms["2.weight"] == by_hand["norms"]["2.weight"][::5]
    assert observers.finished == [] and recording._keep not in observers.ran  # nothing recorded any more


def test_tg_grad_is_not_a_step_and_a_missing_grad_is_nan():
    a = tg.tensor([1.0, 2.0], requires_grad=True, name="a")
    b = tg.tensor([3.0], requires_grad=True, name="b")
    with tg.viz.record_steps({"a": a, "b": b}) as steps:
        tg.grad((a * a).sum(), a)  # fills no .grad: not a step
        (a * 3).sum().backward()
    assert steps.steps == [1]
    assert steps.norms["a"] == [pytest.approx(math.sqrt(18))] and math.isnan(steps.norms["b"][0])


def test_the_page_carries_the_steps_for_the_last_pass():
    model, _, by_hand, steps = xor_run(lambda model: tg.viz.record_steps(model))
    data = steps.explore().data
    training = data["training"]
    assert training["steps"] == steps.steps and training["loss"] == by_hand["loss"]
    names = [p["name"] for p in training["params"]]
    assert names == [name for name, _ in model.named_parameters()]
    for p in training["params"]:
        assert data["nodes"][p["node"]]["name"] == p["name"]  # the parameter's box in the last graph
        assert p["norms"] == by_hand["norms"][p["name"]]
    assert data["recorded"]  # the last pass ran inside the block: its inner gradients are on the page
    assert len(data["steps"]) == len([n for n in data["nodes"] if n["kind"] == "op"])


def test_without_params_the_leaves_that_require_grad_are_followed_by_name():
    w = tg.tensor([0.5, -0.5], requires_grad=True, name="w")
    with tg.viz.record_steps() as steps:
        for _ in range(3):
            w.grad = None
            (w * w).sum().backward()
    assert list(steps.norms) == ["w"] and len(steps.norms["w"]) == 3


def test_bad_input_says_what_record_steps_expected():
    with pytest.raises(ValueError, match="every must be an int >= 1"):
        tg.viz.record_steps(every=0).__enter__()
    with tg.viz.record_steps() as steps:
        pass
    with pytest.raises(ValueError, match="no backward pass was recorded"):
        steps.explore()
    with pytest.raises(TypeError, match="params must be a Module.*got list"):
        tg.viz.record_steps([1, 2]).__enter__()
    assert observers.finished == []
