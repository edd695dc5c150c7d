"""The Optimizer base: parameter groups, errors, zero_grad, step(closure), state_dict / load_state_dict."""

import copy

import numpy as np
import pytest

import tensorgrad as tg
import tensorgrad.optim as optim

ALL = [optim.SGD, optim.Momentum, optim.RMSProp, optim.Adam, optim.AdamW, optim.AdaGrad]

# every optimizer with the options that give it the most state
STATEFUL = [
    (optim.SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    (optim.Momentum, {"lr": 0.1, "dampening": 0.5}),
    (optim.RMSProp, {"lr": 0.01, "momentum": 0.5, "centered": True, "weight_decay": 0.01}),
    (optim.Adam, {"lr": 0.01, "amsgrad": True, "weight_decay": 0.01}),
    (optim.AdamW, {"lr": 0.01, "amsgrad": True}),
    (optim.AdaGrad, {"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.1}),
]


STATEFUL_IDS = [cls.__name__ for cls, _ in STATEFUL]


def make_params(dtype=np.float64):
    rng = np.random.default_rng(0)
    return [
        tg.tensor(rng.normal(size=(4, 3)).astype(dtype), requires_grad=True),
        tg.tensor(rng.normal(size=4).astype(dtype), requires_grad=True),
        tg.tensor(rng.normal(size=(1, 4)).astype(dtype), requires_grad=True),
    ]


X = np.random.default_rng(1).normal(size=(10, 3))
Y = np.random.default_rng(2).normal(size=(10, 1))


def loss_of(params):
    W, b, V = params
    x = tg.tensor(X.astype(W.dtype))
    return ((tg.tanh(x @ W.T + b) @ V.T - tg.tensor(Y.astype(W.dtype))) ** 2).mean()


def train(opt, params, steps):
    for _ in range(steps):
        opt.zero_grad()
        loss_of(params).backward()
        opt.step()


def two_groups(params, **extra):
    return [{"params": params[:2]}, {"params": params[2:], **extra}]


# ------------------------------ errors
@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_an_empty_parameter_list_is_an_error_naming_the_optimizer(cls):
    with pytest.raises(ValueError, match=rf"{cls.__name__}: got an empty parameter list"):
        cls([])


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_a_negative_learning_rate_is_an_error_naming_the_value(cls):
    with pytest.raises(ValueError, match=rf"{cls.__name__}: invalid lr -0\.1"):
        cls(make_params(), lr=-0.1)


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_a_negative_lr_in_a_later_group_is_an_error_too(cls):
    opt = cls(make_params()[:1])
    with pytest.raises(ValueError, match=r"invalid lr -1"):
        opt.add_param_group({"params": make_params()[1:], "lr": -1})
    assert len(opt.param_groups) == 1


@pytest.mark.parametrize("cls", [optim.Adam, optim.AdamW], ids=lambda c: c.__name__)
@pytest.mark.parametrize(
    "betas, message",
    [
        ((1.0, 0.999), r"betas\[0\] 1\.0"),
        ((0.9, 1.0), r"betas\[1\] 1\.0"),
        ((-0.1, 0.999), r"betas\[0\] -0\.1"),
    ],
)
def test_betas_outside_0_1_are_errors(cls, betas, message):
    with pytest.raises(
        ValueError, match=rf"{cls.__name__}: invalid {message}; each beta must be in \[0, 1\)"
    ):
        cls(make_params(), betas=betas)


@pytest.mark.parametrize(
    "cls, options, message",
    [
        (optim.Adam, {"eps": -1e-8}, "invalid eps"),
        (optim.AdamW, {"eps": -1e-8}, "invalid eps"),
        (optim.RMSProp, {"eps": -1e-8}, "invalid eps"),
        (optim.AdaGrad, {"eps": -1e-8}, "invalid eps"),
        (optim.SGD, {"momentum": -0.5}, "invalid momentum -0.5"),
        (optim.RMSProp, {"momentum": -0.5}, "invalid momentum -0.5"),
        (optim.RMSProp, {"alpha": 1.5}, "invalid alpha 1.5"),
        (optim.SGD, {"weight_decay": -1}, "invalid weight_decay -1"),
        (optim.Adam, {"weight_decay": -1}, "invalid weight_decay -1"),
        (optim.AdaGrad, {"lr_decay": -1}, "invalid lr_decay -1"),
        (optim.AdaGrad, {"initial_accumulator_value": -1}, "invalid initial_accumulator_value -1"),
    ],
)
def test_hyperparameters_out_of_range_are_errors_naming_the_value(cls, options, message):
    with pytest.raises(ValueError, match=f"{cls.__name__}: {message}"):
        cls(make_params(), **options)


@pytest.mark.parametrize(
    "options",
    [{"nesterov": True}, {"nesterov": True, "momentum": 0.9, "dampening": 0.1}],
    ids=["no-mom", "damp"],
)
def test_nesterov_requires_momentum_and_zero_dampening(options):
    with pytest.raises(
        ValueError, match=r"SGD: Nesterov momentum requires a momentum > 0 and zero dampening"
    ):
        optim.SGD(make_params(), lr=0.1, **options)


def test_a_parameter_in_two_groups_is_an_error():
    w = tg.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match="Adam: some parameters appear in more than one parameter group"):
        optim.Adam([{"params": [w]}, {"params": [w], "lr": 0.1}])


def test_a_parameter_twice_in_one_group_is_an_error():
    w = tg.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match="SGD: a parameter group lists the same tensor"):
        optim.SGD([w, w])


def test_non_tensors_and_non_leaf_tensors_cannot_be_optimized():
    w = tg.tensor([1.0], requires_grad=True)
    with pytest.raises(TypeError, match="SGD: can only optimize Tensors, but one parameter is a ndarray"):
        optim.SGD([np.ones(2)])
    with pytest.raises(
        ValueError, match=r"Adam: can't optimize a non-leaf Tensor \(shape \(1,\), computed by Mul\)"
    ):
        optim.Adam([w * 2])


def test_parameters_given_as_a_set_are_an_error_because_their_order_is_not_fixed():
    with pytest.raises(TypeError, match="not a set"):
        optim.SGD(set(make_params()))


def test_a_single_tensor_and_a_generator_are_accepted_as_params():
    w = tg.tensor([1.0], requires_grad=True)
    assert optim.SGD(w).param_groups[0]["params"] == [w]
    params = make_params()
    assert optim.SGD(p for p in params).param_groups[0]["params"] == params


def test_tensors_that_do_not_require_grad_are_accepted_and_left_alone():
    frozen = tg.tensor([1.0, 2.0])
    opt = optim.SGD([frozen], lr=0.1)
    opt.step()
    np.testing.assert_array_equal(frozen.numpy(), [1.0, 2.0])


# ------------------------------ defaults and repr
PUBLISHED_DEFAULTS = {
    optim.SGD: dict(lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, maximize=False),
    optim.Momentum: dict(lr=1e-3, momentum=0.9, dampening=0, weight_decay=0, nesterov=False, maximize=False),
    optim.RMSProp: dict(
        lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False, maximize=False
    ),
    optim.Adam: dict(
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0,
        amsgrad=False,
        maximize=False,
        decoupled_weight_decay=False,
    ),
    optim.AdamW: dict(
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=1e-2,
        amsgrad=False,
        maximize=False,
        decoupled_weight_decay=True,
    ),
    optim.AdaGrad: dict(
        lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10, maximize=False
    ),
}


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_defaults_are_the_published_pytorch_ones_and_the_docstring_states_them(cls):
    group = cls(make_params()).param_groups[0]
    assert {k: v for k, v in group.items() if k != "params"} == PUBLISHED_DEFAULTS[cls]
    assert "Defaults:" in cls.__doc__


def test_aliases_use_pytorch_spelling():
    assert optim.RMSprop is optim.RMSProp
    assert optim.Adagrad is optim.AdaGrad


def test_repr_lists_each_group_hyperparameters_like_pytorch():
    params = make_params()
    opt = optim.SGD(two_groups(params, lr=0.5), lr=0.1, momentum=0.9)
    assert repr(opt) == (
        "SGD (\n"
        "Parameter Group 0\n"
        "    dampening: 0.0\n    lr: 0.1\n    maximize: False\n    momentum: 0.9\n"
        "    nesterov: False\n    weight_decay: 0.0\n"
        "Parameter Group 1\n"
        "    dampening: 0.0\n    lr: 0.5\n    maximize: False\n    momentum: 0.9\n"
        "    nesterov: False\n    weight_decay: 0.0\n"
        ")"
    )


# ------------------------------ groups
def test_add_param_group_fills_missing_hyperparameters_from_the_defaults():
    params = make_params()
    opt = optim.Adam(params[:2], lr=0.01, betas=(0.8, 0.9))
    opt.add_param_group({"params": params[2], "lr": 0.5})
    assert opt.param_groups[1]["params"] == [params[2]]
    assert opt.param_groups[1]["lr"] == 0.5
    assert opt.param_groups[1]["betas"] == (0.8, 0.9)
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [params[0]]})


def test_each_group_uses_its_own_lr():
    a, b = tg.tensor([1.0], requires_grad=True), tg.tensor([1.0], requires_grad=True)
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    (a + b).sum().backward()
    opt.step()
    np.testing.assert_allclose([a.item(), b.item()], [0.9, 0.5])


def test_hyperparameters_are_read_from_the_group_at_every_step():
    w = tg.tensor([0.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.1, momentum=0.5)
    w.grad = tg.tensor([1.0])
    opt.step()  # b = 1; w = -0.1
    opt.param_groups[0]["lr"] = 1.0
    opt.param_groups[0]["momentum"] = 0.0  # the buffer is no longer used
    opt.step()  # w = -0.1 - 1.0
    np.testing.assert_allclose(w.numpy(), [-1.1])
    opt.param_groups[0]["lr"] = 0.0
    opt.step()
    np.testing.assert_allclose(w.numpy(), [-1.1])


# ------------------------------ step and zero_grad
@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_parameters_without_grad_are_skipped_and_get_no_state(cls):
    params = make_params()
    before = [p.numpy().copy() for p in params]
    opt = cls(params, lr=0.1)
    params[0].grad = tg.tensor(np.ones((4, 3)))
    opt.step()
    assert not np.array_equal(params[0].numpy(), before[0])
    for p, b in zip(params[1:], before[1:]):
        np.testing.assert_array_equal(p.numpy(), b)
        assert p not in opt.state
    assert params[0] in opt.state


def test_a_parameter_without_grad_for_some_steps_keeps_its_own_step_count():
    a, b = (tg.tensor(np.array(v), requires_grad=True) for v in ([1.0, -1.0], [2.0]))
    opt = optim.Adam([a, b], lr=0.1)
    for step in range(5):
        a.grad = tg.tensor(np.array([0.5, -3.0]))
        b.grad = tg.tensor(np.array([4.0])) if step == 4 else None
        opt.step()
    assert opt.state[a]["step"] == 5 and opt.state[b]["step"] == 1
    # b's first update: m_hat = g and v_hat = g^2, so it moves by lr * g / (|g| + eps), not by a t = 5 step
    np.testing.assert_allclose(b.numpy(), [2.0 - 0.1 * 4.0 / (4.0 + 1e-8)], rtol=1e-12)


@pytest.mark.parametrize("cls, options", [*STATEFUL, (optim.SGD, {"maximize": True, "weight_decay": 0.1})])
def test_step_leaves_the_gradient_untouched_and_updates_in_place(cls, options):
    params = make_params()
    arrays = [p.numpy() for p in params]
    opt = cls(params, **options)
    loss_of(params).backward()
    grads = [p.grad.numpy().copy() for p in params]
    opt.step()
    for p, g, a in zip(params, grads, arrays):
        np.testing.assert_array_equal(p.grad.numpy(), g)
        assert p.numpy() is a  # the same array, changed in place
        assert p.is_leaf and p.grad_fn is None


@pytest.mark.parametrize("cls, options", STATEFUL, ids=STATEFUL_IDS)
def test_float32_parameters_and_their_state_stay_float32(cls, options):
    params = make_params(np.float32)
    opt = cls(params, **options)
    train(opt, params, 3)
    for p in params:
        assert p.dtype == np.float32
        for value in opt.state[p].values():
            if isinstance(value, np.ndarray):
                assert value.dtype == np.float32 and value.shape == p.shape


def test_zero_grad_sets_grads_to_none_by_default():
    params = make_params()
    opt = optim.SGD(params, lr=0.1)
    loss_of(params).backward()
    opt.zero_grad()
    assert all(p.grad is None for p in params)


def test_zero_grad_set_to_none_false_zeroes_the_same_arrays_in_place():
    params = make_params()
    opt = optim.SGD(params, lr=0.1)
    loss_of(params).backward()
    arrays = [p.grad.numpy() for p in params]
    opt.zero_grad(set_to_none=False)
    for p, a in zip(params, arrays):
        assert p.grad.numpy() is a
        np.testing.assert_array_equal(a, 0)


def test_step_with_a_closure_evaluates_it_with_grad_enabled_and_returns_its_loss():
    params = make_params()
    opt = optim.SGD(params, lr=0.1)
    calls = []

    def closure():
        opt.zero_grad()
        calls.append(tg.is_grad_enabled())
        loss = loss_of(params)
        loss.backward()
        return loss

    with tg.no_grad():
        loss = opt.step(closure)
    assert calls == [True]
    assert isinstance(loss, tg.Tensor)
    assert loss_of(params).item() < loss.item()
    assert opt.step() is None


# ------------------------------ state_dict
def plain_values_only(value):
    if isinstance(value, dict):
        return all(isinstance(k, (str, int)) and plain_values_only(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(plain_values_only(v) for v in value)
    return value is None or isinstance(value, (tg.Tensor, bool, int, float, str))  # buffers: Tensors


@pytest.mark.parametrize("cls, options", STATEFUL, ids=STATEFUL_IDS)
def test_resuming_from_a_state_dict_gives_the_identical_trajectory(cls, options):
    params = make_params()
    opt = cls(two_groups(params, lr=options["lr"] / 2), **options)
    train(opt, params, 10)
    saved = copy.deepcopy(opt.state_dict())
    saved_params = [p.numpy().copy() for p in params]
    train(opt, params, 10)  # the uninterrupted run

    resumed = [tg.tensor(a, requires_grad=True) for a in saved_params]
    opt2 = cls(two_groups(resumed), lr=123.0)  # the hyperparameters come from the saved state
    opt2.load_state_dict(saved)
    assert opt2.param_groups[1]["lr"] == options["lr"] / 2
    train(opt2, resumed, 10)
    for p, q in zip(params, resumed):
        np.testing.assert_array_equal(q.numpy(), p.numpy())


@pytest.mark.parametrize("cls, options", STATEFUL, ids=STATEFUL_IDS)
def test_state_dict_has_pytorch_layout_and_only_plain_values(cls, options):
    params = make_params()
    opt = cls(two_groups(params), **options)
    train(opt, params, 2)
    state = opt.state_dict()
    assert set(state) == {"state", "param_groups"}
    assert [g["params"] for g in state["param_groups"]] == [[0, 1], [2]]
    assert sorted(state["state"]) == [0, 1, 2]
    assert all(state["state"][i] for i in range(3))
    assert plain_values_only(state)
    buffers = [v for s in state["state"].values() for v in s.values() if not isinstance(v, (int, float))]
    assert all(isinstance(b, tg.Tensor) for b in buffers)  # as PyTorch's: Tensors (here, copies)


def test_state_dict_entries_are_the_pytorch_names():
    params = make_params()
    expected = {
        optim.SGD: {"momentum_buffer"},
        optim.Momentum: {"momentum_buffer"},
        optim.RMSProp: {"step", "square_avg", "momentum_buffer", "grad_avg"},
        optim.Adam: {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"},
        optim.AdamW: {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"},
        optim.AdaGrad: {"step", "sum"},
    }
    for cls, options in STATEFUL:
        opt = cls(params, **options)
        train(opt, params, 1)
        assert set(opt.state_dict()["state"][0]) == expected[cls], cls.__name__


def test_state_dict_and_load_state_dict_copy_arrays():
    params = make_params()
    opt = optim.Adam(params, lr=0.01)
    train(opt, params, 2)
    saved = opt.state_dict()
    saved["state"][0]["exp_avg"][...] = 99.0  # changing the snapshot does not change the optimizer
    assert not np.any(opt.state[params[0]]["exp_avg"] == 99.0)
    opt.load_state_dict(saved)
    saved["state"][0]["exp_avg"][...] = 7.0  # nor, after loading, does changing the dict
    np.testing.assert_array_equal(opt.state[params[0]]["exp_avg"], 99.0)


def test_load_state_dict_accepts_what_a_file_gives_back_string_keys_and_0d_steps():
    params = make_params()
    opt = optim.Adam(params, lr=0.01)
    train(opt, params, 3)
    saved = opt.state_dict()
    as_from_file = {
        "state": {str(k): {**v, "step": np.array(v["step"])} for k, v in saved["state"].items()},
        "param_groups": [{**g, "betas": list(g["betas"])} for g in saved["param_groups"]],
    }
    opt2 = optim.Adam([tg.tensor(p.numpy(), requires_grad=True) for p in params])
    opt2.load_state_dict(as_from_file)
    assert opt2.state_dict()["state"][0]["step"] == 3 and type(opt2.state_dict()["state"][0]["step"]) is int
    assert opt2.param_groups[0]["betas"] == (0.9, 0.999)


def test_load_state_dict_names_what_does_not_match():
    params = make_params()
    opt = optim.Adam(two_groups(params), lr=0.01)
    train(opt, params, 1)
    saved = opt.state_dict()

    one_group = optim.Adam(make_params())
    with pytest.raises(ValueError, match=r"the saved state has 2 parameter group\(s\), this optimizer has 1"):
        one_group.load_state_dict(saved)

    other = make_params()
    fewer = optim.Adam([{"params": other[:1]}, {"params": other[2:]}])
    with pytest.raises(ValueError, match=r"parameter group 0 has 2 parameter\(s\) in the saved state and 1"):
        fewer.load_state_dict(saved)

    reshaped = make_params()
    reshaped[1] = tg.tensor(np.zeros(5), requires_grad=True)
    mismatched = optim.Adam(two_groups(reshaped))
    with pytest.raises(ValueError, match=r"state 'exp_avg' of parameter 1 has shape \(4,\), .* shape \(5,\)"):
        mismatched.load_state_dict(saved)
    assert mismatched.state == {}  # nothing half-loaded

    stray = copy.deepcopy(saved)
    stray["state"][7] = stray["state"][0]
    with pytest.raises(ValueError, match="entry for parameter 7, which no parameter group lists"):
        optim.Adam(two_groups(make_params())).load_state_dict(stray)

    with pytest.raises(ValueError, match="expected a dict with 'state' and 'param_groups'"):
        optim.Adam(make_params()).load_state_dict({"exp_avg": 1})


def test_adamw_stays_decoupled_after_loading_an_adam_state():
    params = make_params()
    adam = optim.Adam(params, lr=0.01, weight_decay=0.1)
    train(adam, params, 1)
    adamw = optim.AdamW([tg.tensor(p.numpy(), requires_grad=True) for p in params])
    adamw.load_state_dict(adam.state_dict())
    assert adamw.param_groups[0]["decoupled_weight_decay"] is True
