"""Learning-rate schedulers: 100 epochs against closed forms, PyTorch's construction semantics, chaining,
ReduceLROnPlateau's patience / cooldown / min_lr, and state_dict round trips."""

import copy
import math
from bisect import bisect_right

import numpy as np
import pytest

import tensorgrad as tg
import tensorgrad.optim as optim
from tensorgrad.optim import lr_scheduler

BASE_LRS = (0.1, 0.05)  # two parameter groups, each with its own base lr


def make_optimizer(lrs=BASE_LRS):
    return optim.SGD([{"params": [tg.tensor([1.0], requires_grad=True)], "lr": lr} for lr in lrs], lr=1.0)


def lr_sequence(optimizer, schedulers, epochs=100):
    """lrs of every group at epochs 0..epochs (epoch 0: right after construction)."""
    seq = [[g["lr"] for g in optimizer.param_groups]]
    for _ in range(epochs):
        optimizer.step()
        for s in schedulers:
            s.step()
        seq.append(schedulers[-1].get_last_lr())
    return np.array(seq)


MILESTONES = [10, 30, 30, 75]  # 30 twice: decays twice there
CLOSED_FORMS = {
    "StepLR": (
        lambda opt: lr_scheduler.StepLR(opt, step_size=7, gamma=0.5),
        lambda base, t: base * 0.5 ** (t // 7),
    ),
    "MultiStepLR": (
        lambda opt: lr_scheduler.MultiStepLR(opt, milestones=MILESTONES, gamma=0.3),
        lambda base, t: base * 0.3 ** bisect_right(MILESTONES, t),
    ),
    "ExponentialLR": (
        lambda opt: lr_scheduler.ExponentialLR(opt, gamma=0.95),
        lambda base, t: base * 0.95**t,
    ),
    "CosineAnnealingLR": (
        lambda opt: lr_scheduler.CosineAnnealingLR(opt, T_max=100),
        lambda base, t: base * (1 + math.cos(math.pi * t / 100)) / 2,
    ),
    "CosineAnnealingLR-eta_min-past_T_max": (  # past T_max the cosine rises again (period 2 T_max)
        lambda opt: lr_scheduler.CosineAnnealingLR(opt, T_max=30, eta_min=1e-3),
        lambda base, t: 1e-3 + (base - 1e-3) * (1 + math.cos(math.pi * t / 30)) / 2,
    ),
    "LinearLR-warmup": (
        lambda opt: lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=10),
        lambda base, t: base * (0.1 + 0.9 * min(t, 10) / 10),
    ),
    "LinearLR-defaults": (
        lambda opt: lr_scheduler.LinearLR(opt),
        lambda base, t: base * (1 / 3 + (2 / 3) * min(t, 5) / 5),
    ),
    "LinearLR-decay": (
        lambda opt: lr_scheduler.LinearLR(opt, start_factor=1.0, end_factor=0.05, total_iters=50),
        lambda base, t: base * (1.0 - 0.95 * min(t, 50) / 50),
    ),
}


@pytest.mark.parametrize("name", list(CLOSED_FORMS))
def test_lr_sequence_matches_the_closed_form_over_100_epochs(name):
    make, closed_form = CLOSED_FORMS[name]
    opt = make_optimizer()
    seq = lr_sequence(opt, [make(opt)])
    expected = [[closed_form(base, t) for base in BASE_LRS] for t in range(101)]
    np.testing.assert_allclose(seq, expected, rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("name", list(CLOSED_FORMS))
def test_construction_records_initial_lr_and_performs_the_epoch_0_step(name):
    make, closed_form = CLOSED_FORMS[name]
    opt = make_optimizer()
    scheduler = make(opt)
    assert scheduler.last_epoch == 0
    assert [g["initial_lr"] for g in opt.param_groups] == list(BASE_LRS)
    assert scheduler.base_lrs == list(BASE_LRS)
    np.testing.assert_allclose(scheduler.get_last_lr(), [closed_form(b, 0) for b in BASE_LRS], rtol=1e-15)
    np.testing.assert_allclose([g["lr"] for g in opt.param_groups], scheduler.get_last_lr(), rtol=0)


def test_schedulers_chain_each_multiplying_in_its_factor():
    opt = make_optimizer()
    warmup = lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=10)
    decay = lr_scheduler.ExponentialLR(opt, gamma=0.97)
    assert decay.base_lrs == list(BASE_LRS)  # the second scheduler does not overwrite initial_lr
    seq = lr_sequence(opt, [warmup, decay])
    expected = [[base * (0.1 + 0.9 * min(t, 10) / 10) * 0.97**t for base in BASE_LRS] for t in range(101)]
    np.testing.assert_allclose(seq, expected, rtol=1e-10)


def test_the_optimizer_uses_the_scheduled_lr():
    w = tg.tensor([0.0], requires_grad=True)
    opt = optim.SGD([w], lr=1.0)
    scheduler = lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    for _ in range(3):
        w.grad = tg.tensor([1.0])
        opt.step()
        scheduler.step()
    np.testing.assert_allclose(w.numpy(), [-(1.0 + 0.5 + 0.25)])


def test_get_last_lr_returns_a_copy():
    opt = make_optimizer()
    scheduler = lr_scheduler.ExponentialLR(opt, gamma=0.5)
    scheduler.get_last_lr()[0] = 99.0
    assert scheduler.get_last_lr()[0] == BASE_LRS[0]


def test_scheduler_argument_errors():
    with pytest.raises(TypeError, match="StepLR: list is not an Optimizer"):
        lr_scheduler.StepLR([], step_size=1)
    with pytest.raises(ValueError, match="StepLR: step_size must be a positive integer, got 0"):
        lr_scheduler.StepLR(make_optimizer(), step_size=0)
    with pytest.raises(ValueError, match=r"LinearLR: start_factor must be in \(0, 1\], got 0"):
        lr_scheduler.LinearLR(make_optimizer(), start_factor=0)
    with pytest.raises(ValueError, match="CosineAnnealingLR: T_max must be > 0"):
        lr_scheduler.CosineAnnealingLR(make_optimizer(), T_max=0)
    with pytest.raises(KeyError, match="has no 'initial_lr'"):
        lr_scheduler.StepLR(make_optimizer(), step_size=3, last_epoch=5)


# ------------------------------ ReduceLROnPlateau
def plateau_lrs(metrics, lr=1.0, **options):
    opt = optim.SGD([tg.tensor([0.0], requires_grad=True)], lr=lr)
    scheduler = lr_scheduler.ReduceLROnPlateau(opt, **options)
    out = []
    for m in metrics:
        scheduler.step(m)
        out.append(scheduler.get_last_lr()[0])
    return out


def test_plateau_reduces_after_patience_bad_epochs_then_waits_out_the_cooldown_and_stops_at_min_lr():
    lrs = plateau_lrs([1.0] * 16, factor=0.5, patience=2, cooldown=1, min_lr=0.2)
    # epoch 1 sets best; epochs 2, 3, 4 are bad: the 3rd (> patience) reduces; epoch 5 is cooldown
    assert lrs == [1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.2, 0.2, 0.2, 0.2, 0.2]


def test_plateau_never_reduces_while_the_metric_improves():
    assert plateau_lrs(np.linspace(1.0, 0.5, 40), patience=0) == [1.0] * 40


def test_plateau_improvements_smaller_than_the_relative_threshold_do_not_count():
    # 1 -> 0.99995 is better by less than 1e-4 (relative): a bad epoch; with patience 0 the lr drops
    assert plateau_lrs([1.0, 0.99995], patience=0) == [1.0, 0.1]
    assert plateau_lrs([1.0, 0.9998], patience=0) == [1.0, 1.0]


def test_plateau_max_mode_with_an_absolute_threshold():
    lrs = plateau_lrs(
        [0.5, 0.55, 0.58, 0.7, 0.72], mode="max", threshold=0.1, threshold_mode="abs", patience=1
    )
    # best 0.5; 0.55 and 0.58 are not > 0.6 (bad x2 > patience 1 -> reduce); 0.7 improves; 0.72 is bad once
    assert lrs == [1.0, 1.0, 0.1, 0.1, 0.1]


def test_plateau_skips_reductions_smaller_than_eps_and_accepts_tensor_metrics():
    assert plateau_lrs([tg.tensor(1.0)] * 3, lr=1e-8, patience=0) == [1e-8] * 3


def test_plateau_min_lr_per_group():
    opt = make_optimizer((1.0, 1.0))
    scheduler = lr_scheduler.ReduceLROnPlateau(opt, patience=0, min_lr=[0.5, 0.01])
    for _ in range(4):
        scheduler.step(1.0)
    assert scheduler.get_last_lr() == pytest.approx([0.5, 0.01], rel=1e-12)
    with pytest.raises(ValueError, match="expected 2 min_lr values"):
        lr_scheduler.ReduceLROnPlateau(opt, min_lr=[0.1])


def test_plateau_reduces_groups_added_to_the_optimizer_after_it_was_built():
    opt = make_optimizer((1.0,))
    scheduler = lr_scheduler.ReduceLROnPlateau(opt, patience=0, min_lr=0.015)
    opt.add_param_group({"params": [tg.tensor([1.0], requires_grad=True)], "lr": 2.0})
    for _ in range(3):
        scheduler.step(1.0)  # epoch 1 sets best; epochs 2, 3 reduce
    assert scheduler.get_last_lr() == pytest.approx([0.015, 0.02], rel=1e-12)  # the new group's too

    per_group = lr_scheduler.ReduceLROnPlateau(opt, patience=0, min_lr=[0.0, 0.0])
    opt.add_param_group({"params": [tg.tensor([1.0], requires_grad=True)]})
    per_group.step(1.0)
    with pytest.raises(RuntimeError, match="min_lr was given for 2"):
        per_group.step(1.0)


def test_a_group_added_after_the_scheduler_was_built_is_a_clear_error():
    opt = make_optimizer((1.0,))
    scheduler = lr_scheduler.StepLR(opt, step_size=1)
    opt.add_param_group({"params": [tg.tensor([1.0], requires_grad=True)]})
    with pytest.raises(
        RuntimeError, match="StepLR: the optimizer has 2 parameter groups but the scheduler was built for 1"
    ):
        scheduler.step()


def test_plateau_argument_errors():
    with pytest.raises(ValueError, match="factor must be < 1.0"):
        lr_scheduler.ReduceLROnPlateau(make_optimizer(), factor=1.0)
    with pytest.raises(ValueError, match="mode must be 'min' or 'max'"):
        lr_scheduler.ReduceLROnPlateau(make_optimizer(), mode="lowest")
    with pytest.raises(ValueError, match="threshold_mode must be 'rel' or 'abs'"):
        lr_scheduler.ReduceLROnPlateau(make_optimizer(), threshold_mode="relative")


# ------------------------------ state_dict
METRICS = np.concatenate([np.linspace(1.0, 0.6, 15), np.full(45, 0.6)])

ROUND_TRIPS = {name: make for name, (make, _) in CLOSED_FORMS.items()}
ROUND_TRIPS["ReduceLROnPlateau"] = lambda opt: lr_scheduler.ReduceLROnPlateau(opt, patience=3, cooldown=2)


def plain_values_only(value):
    if isinstance(value, dict):
        return all(isinstance(k, str) and plain_values_only(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(plain_values_only(v) for v in value)
    return value is None or isinstance(value, (bool, int, float, str))


@pytest.mark.parametrize("name", list(ROUND_TRIPS))
def test_resuming_a_scheduler_from_state_dicts_continues_the_same_schedule(name):
    make = ROUND_TRIPS[name]

    def run(opt, scheduler, epochs):
        lrs = []
        for epoch in epochs:
            opt.step()
            if isinstance(scheduler, lr_scheduler.ReduceLROnPlateau):
                scheduler.step(METRICS[epoch])
            else:
                scheduler.step()
            lrs.append(scheduler.get_last_lr())
        return lrs

    opt = make_optimizer()
    scheduler = make(opt)
    run(opt, scheduler, range(30))
    saved_opt, saved_scheduler = copy.deepcopy(opt.state_dict()), copy.deepcopy(scheduler.state_dict())
    assert plain_values_only(saved_scheduler)
    expected = run(opt, scheduler, range(30, 60))

    opt2 = make_optimizer((9.0, 9.0))
    scheduler2 = make(opt2)  # as PyTorch advises: build the scheduler, then load both states
    opt2.load_state_dict(saved_opt)
    scheduler2.load_state_dict(saved_scheduler)
    assert run(opt2, scheduler2, range(30, 60)) == expected
