"""nn.RNN, nn.LSTM, nn.GRU and their cells: forward values against a plain numpy loop over time written here
(the textbook equations, PyTorch's gate order), first and second derivatives in float64 over generated
shapes and options, the two sources of a step's activations, the graph's length, dropout between layers, the
parameters and reprs, the error messages, and PyTorch's own numbers.

The PyTorch fixture ``tests/fixtures/recurrent.npz`` was made with PyTorch 2.13.0 (CPU build),
``torch.manual_seed(0)``, float32, by ``/tmp/torchvenv/bin/python
scripts/make_sequence_fixtures_recurrent.py`` (see that script's docstring; the version that ran is stored
in the file). For each case it holds the layer's settings, PyTorch's ``state_dict`` as numpy arrays, a fixed
input and initial states, PyTorch's results, and the gradients of ``sum over results r of (r * mix).sum()``
(``mix`` = cos(0), cos(1), ... as float32) with respect to the input, the initial states and every
parameter. Here tensorgrad builds the same layer, loads the state dict with ``load_state_dict``, and must
give the same results and gradients (float32, rtol 1e-5).
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tensorgrad as tg
from scripts.fixture_archive import load_fixture, mix
from tensorgrad import nn
from tensorgrad.ops.recurrent import (
    GRUCellStep,
    LSTMCellStep,
    LSTMLayer,
    RNNCellStep,
    gru_cell,
    lstm_cell,
    rnn_relu_cell,
    rnn_tanh_cell,
)
from tests.values import leaf, uniform

FEW = settings(max_examples=8)
SEEDS = st.integers(0, 2**32 - 1)
MODES = ["RNN_TANH", "RNN_RELU", "LSTM", "GRU"]
STEP_NODES = {"RNN_TANH": RNNCellStep, "RNN_RELU": RNNCellStep, "LSTM": LSTMCellStep, "GRU": GRUCellStep}


# ---------------------------------------------------------------------------- the numpy reference
def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def np_cell(mode, x, h, c, w_ih, w_hh, b_ih, b_hh):
    """One step, the textbook equations with PyTorch's gate order: returns (h', c') (c' None but for LSTM)."""
    gi, gh = x @ w_ih.T + b_ih, h @ w_hh.T + b_hh
    if mode == "RNN_TANH":
        return np.tanh(gi + gh), None
    if mode == "RNN_RELU":
        return np.maximum(gi + gh, 0), None
    if mode == "LSTM":
        i, f, g, o = np.split(gi + gh, 4, axis=1)
        c_new = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        return sigmoid(o) * np.tanh(c_new), c_new
    (r_i, z_i, n_i), (r_h, z_h, n_h) = np.split(gi, 3, axis=1), np.split(gh, 3, axis=1)
    r, z = sigmoid(r_i + r_h), sigmoid(z_i + z_h)
    n = np.tanh(n_i + r * n_h)
    return (1 - z) * n + z * h, None


def np_layers(mode, x, weights, h0, c0, num_layers, directions):
    """A stack of layers over x (L, N, H_in), a loop over time steps per layer and direction; the layers
    after the first read both directions' outputs side by side. Returns (output, h_n, c_n)."""
    length, hidden = x.shape[0], weights[0][1].shape[1]
    h_n, c_n, layer_input = [], [], x
    for layer in range(num_layers):
        outputs = []
        for direction in range(directions):
            k = layer * directions + direction
            h, c = h0[k], None if c0 is None else c0[k]
            out = np.zeros((length, x.shape[1], hidden))
            for t in reversed(range(length)) if direction else range(length):
                h, c = np_cell(mode, layer_input[t], h, c, *weights[k])
                out[t] = h
            outputs.append(out)
            h_n.append(h)
            c_n.append(c)
        layer_input = np.concatenate(outputs, axis=2)
    return layer_input, np.stack(h_n), None if c0 is None else np.stack(c_n)


def np_weights(layer) -> list[tuple[np.ndarray, ...]]:
    """Per layer and direction (w_ih, w_hh, b_ih, b_hh) as arrays, zero biases for bias=False."""
    found = []
    for params in layer.all_weights:
        w_ih, w_hh = params[0].numpy(), params[1].numpy()
        zeros = np.zeros(w_ih.shape[0])
        b_ih, b_hh = (params[2].numpy(), params[3].numpy()) if len(params) == 4 else (zeros, zeros)
        found.append((w_ih, w_hh, b_ih, b_hh))
    return found


# ---------------------------------------------------------------------------- building layers and calls
def make_layer(mode, input_size, hidden_size, **options) -> nn.RNNBase:
    if mode.startswith("RNN"):
        return nn.RNN(input_size, hidden_size, nonlinearity=mode[4:].lower(), **options)
    return getattr(nn, mode)(input_size, hidden_size, **options)


@st.composite
def configs(draw, max_length: int = 3, max_side: int = 3, max_layers: int = 2):
    """A layer's settings and a call's shapes: everything drawn but the mode."""
    return {
        "length": draw(st.integers(1, max_length)),
        "batch": draw(st.integers(1, 2)),
        "input_size": draw(st.integers(1, max_side)),
        "hidden_size": draw(st.integers(1, max_side)),
        "num_layers": draw(st.integers(1, max_layers)),
        "bidirectional": draw(st.booleans()),
        "batch_first": draw(st.booleans()),
        "bias": draw(st.booleans()),
        "unbatched": draw(st.booleans()),
        "with_state": draw(st.booleans()),
        "seed": draw(SEEDS),
    }


def setup(mode, config):
    """A float64 layer, its input and initial states (leaves; empty when the config has none)."""
    tg.manual_seed(config["seed"] % 2**31)
    options = {k: config[k] for k in ("num_layers", "bidirectional", "batch_first", "bias")}
    layer = make_layer(mode, config["input_size"], config["hidden_size"], **options).double()
    length, batch = config["length"], config["batch"]
    if config["unbatched"]:
        shape = (length, config["input_size"])
    else:
        first = (batch, length) if config["batch_first"] else (length, batch)
        shape = (*first, config["input_size"])
    x = leaf(uniform(config["seed"], shape, -1.0, 1.0))
    layers = config["num_layers"] * (2 if config["bidirectional"] else 1)
    state_shape = (
        (layers, config["hidden_size"]) if config["unbatched"] else (layers, batch, config["hidden_size"])
    )
    count = 2 if mode == "LSTM" else 1
    states = [leaf(uniform(config["seed"] + 1 + k, state_shape, -1.0, 1.0)) for k in range(count)]
    return layer, x, states if config["with_state"] else []


def call(layer, x, states) -> tuple[tg.Tensor, ...]:
    """The layer's results as a flat tuple: (output, h_n) or (output, h_n, c_n)."""
    hx = (tuple(states) if layer.mode == "LSTM" else states[0]) if states else None
    output, state = layer(x, hx)
    return (output, *state) if isinstance(state, tuple) else (output, state)


def expected(mode, layer, config, x, states):
    """The numpy reference for the same call, in the layer's layout."""
    xs = x.numpy()
    if config["unbatched"]:
        xs = xs[:, None]
    elif config["batch_first"]:
        xs = xs.transpose(1, 0, 2)
    directions = 2 if config["bidirectional"] else 1
    shape = (config["num_layers"] * directions, xs.shape[1], config["hidden_size"])
    given = [s.numpy().reshape(shape) for s in states]
    h0 = given[0] if given else np.zeros(shape)
    c0 = (given[1] if given else np.zeros(shape)) if mode == "LSTM" else None
    output, h_n, c_n = np_layers(mode, xs, np_weights(layer), h0, c0, config["num_layers"], directions)
    if config["unbatched"]:
        output, h_n = output[:, 0], h_n[:, 0]
        c_n = None if c_n is None else c_n[:, 0]
    elif config["batch_first"]:
        output = output.transpose(1, 0, 2)
    return (output, h_n) if c_n is None else (output, h_n, c_n)


# ---------------------------------------------------------------------------- layers: values and gradients
@pytest.mark.parametrize("mode", MODES)
@given(config=configs(max_length=4))
def test_layer_matches_a_numpy_loop_over_time_steps(mode, config):
    layer, x, states = setup(mode, config)
    found = call(layer, x, states)
    for got, want in zip(found, expected(mode, layer, config, x, states), strict=True):
        assert got.shape == want.shape
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("mode", MODES)
@given(config=configs())
def test_layer_gradcheck_over_input_states_and_every_parameter(mode, config):
    layer, x, states = setup(mode, config)
    count = len(states)
    assert tg.gradcheck(lambda a, *rest: call(layer, a, rest[:count]), (x, *states, *layer.parameters()))


@pytest.mark.parametrize("mode", MODES)
@FEW
@given(config=configs(max_length=3, max_side=2))
def test_layer_gradgradcheck(mode, config):
    layer, x, states = setup(mode, config)
    count = len(states)
    assert tg.gradgradcheck(lambda a, *rest: call(layer, a, rest[:count]), (x, *states, *layer.parameters()))


@pytest.mark.parametrize("mode", MODES)
@given(config=configs(max_length=3, max_layers=2), seed=SEEDS)
def test_the_two_sources_of_the_activations_give_the_same_first_derivatives(mode, config, seed):
    # an ordinary backward reads forward's saved arrays; create_graph recomputes them from the inputs
    layer, x, states = setup(mode, config)
    inputs = [x, *states, *layer.parameters()]
    results = call(layer, x, states)
    weights = [tg.tensor(uniform(seed + k, r.shape)) for k, r in enumerate(results)]
    saved = tg.grad(results, inputs, weights, retain_graph=True)
    recomputed = tg.grad(results, inputs, weights, create_graph=True)
    for a, b in zip(saved, recomputed, strict=True):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12, atol=1e-14)
    assert any(g.requires_grad for g in recomputed)


@pytest.mark.parametrize("mode", MODES)
def test_unbatched_and_batch_first_inputs_give_the_batched_time_major_results(mode):
    tg.manual_seed(0)
    layer = make_layer(mode, 3, 2, num_layers=2, bidirectional=True).double()
    x = np.random.default_rng(0).normal(size=(4, 1, 3))
    reference = call(layer, tg.tensor(x), [])
    for got, want in zip(call(layer, tg.tensor(x[:, 0]), []), reference, strict=True):
        np.testing.assert_allclose(got.numpy(), want.numpy()[:, 0], rtol=1e-12)
    layer.batch_first = True
    got = call(layer, tg.tensor(x.transpose(1, 0, 2)), [])
    np.testing.assert_allclose(got[0].numpy(), reference[0].numpy().transpose(1, 0, 2), rtol=1e-12)
    np.testing.assert_allclose(got[1].numpy(), reference[1].numpy(), rtol=1e-12)  # h_n stays layer-first


@pytest.mark.parametrize("mode", MODES)
def test_a_long_sequence_is_a_short_graph(mode):
    layer = make_layer(mode, 3, 4, num_layers=2, bidirectional=True)
    x = tg.randn(50, 2, 3, requires_grad=True)
    output, *_ = call(layer, x, [])
    nodes, seen, todo = [], set(), [output.grad_fn]
    while todo:
        node = todo.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        nodes.append(node)
        todo.extend(t._node for t in node.inputs)
    if mode == "LSTM":  # one node for all 50 steps of a layer and direction
        assert sum(type(n) is LSTMLayer for n in nodes) == 4
        assert len(nodes) <= 40
    else:
        assert sum(type(n) is STEP_NODES[mode] for n in nodes) == 50 * 4
        assert len(nodes) <= 2 * 50 * 4 + 40  # the step and its input slice: a short graph
    output.sum().backward()
    assert x.grad.shape == x.shape


def test_the_lstm_returns_h_and_c_as_fresh_tensors_that_take_in_place_changes():
    layer = nn.LSTM(3, 4)
    output, (h_n, c_n) = layer(tg.randn(5, 2, 3))
    assert output.is_contiguous() and h_n.is_contiguous() and c_n.is_contiguous()
    output += 1  # not a view of the graph's state: allowed, as in PyTorch
    np.testing.assert_array_equal(output.numpy()[-1], h_n.numpy()[0] + 1)


def test_the_rnn_step_node_shows_its_nonlinearity_as_a_setting():
    output, _ = nn.RNN(2, 3, nonlinearity="relu")(tg.randn(4, 1, 2, requires_grad=True))
    node = output.grad_fn.inputs[-1].grad_fn
    assert type(node) is RNNCellStep and dict(node.params) == {"nonlinearity": "relu"}


# ---------------------------------------------------------------------------- dropout between layers
def test_dropout_applies_between_layers_in_training_only():
    tg.manual_seed(3)
    layer = nn.LSTM(3, 5, num_layers=2, dropout=0.5).double()
    x = tg.tensor(np.random.default_rng(0).normal(size=(6, 4, 3)))
    layer.eval()
    output, (h_n, c_n) = layer(x)
    config = {
        "unbatched": False,
        "batch_first": False,
        "bidirectional": False,
        "num_layers": 2,
        "hidden_size": 5,
    }
    for got, want in zip((output, h_n, c_n), expected("LSTM", layer, config, x, []), strict=True):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-10)  # eval: deterministic, no dropout
    np.testing.assert_array_equal(layer(x)[0].numpy(), output.numpy())
    layer.train()
    tg.manual_seed(7)
    train_output, (train_h, _) = layer(x)
    np.testing.assert_allclose(train_h.numpy()[0], h_n.numpy()[0], rtol=1e-12)  # the first layer: no dropout
    assert not np.allclose(train_output.numpy(), output.numpy())  # the second layer read a dropped input
    assert np.count_nonzero(train_output.numpy() == 0) == 0  # and its own output is not dropped
    tg.manual_seed(7)
    np.testing.assert_array_equal(layer(x)[0].numpy(), train_output.numpy())  # the seeded generator


def test_dropout_with_one_layer_warns_as_pytorch_and_changes_nothing():
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
        layer = nn.GRU(2, 3, dropout=0.3)
    x = tg.randn(4, 2, 2)
    np.testing.assert_array_equal(layer(x)[0].numpy(), layer.eval()(x)[0].numpy())


def test_the_dropped_layers_gradient_goes_through_the_dropout_mask():
    tg.manual_seed(1)
    layer = nn.RNN(2, 3, num_layers=2, dropout=0.5).double()
    x = leaf(uniform(0, (3, 2, 2)))
    tg.manual_seed(5)
    assert tg.gradcheck(lambda a: (tg.manual_seed(5), layer(a)[0])[1], (x,))


# ---------------------------------------------------------------------------- cells
def np_cell_call(mode, cell, x, states):
    weights = (cell.weight_ih.numpy(), cell.weight_hh.numpy())
    zeros = np.zeros(cell.weight_ih.shape[0])
    biases = (cell.bias_ih.numpy(), cell.bias_hh.numpy()) if cell.bias else (zeros, zeros)
    h, c = (
        np_cell(mode, x, *states, *weights, *biases)
        if mode == "LSTM"
        else np_cell(mode, x, states[0], None, *weights, *biases)
    )
    return (h, c) if mode == "LSTM" else (h,)


def make_cell(mode, input_size, hidden_size, bias):
    if mode.startswith("RNN"):
        return nn.RNNCell(input_size, hidden_size, bias, nonlinearity=mode[4:].lower())
    return getattr(nn, f"{mode}Cell")(input_size, hidden_size, bias)


def cell_call(cell, x, states):
    hx = (tuple(states) if isinstance(cell, nn.LSTMCell) else states[0]) if states else None
    out = cell(x, hx)
    return out if isinstance(out, tuple) else (out,)


@pytest.mark.parametrize("mode", MODES)
@given(
    batch=st.integers(1, 3),
    sizes=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    bias=st.booleans(),
    unbatched=st.booleans(),
    with_state=st.booleans(),
    seed=SEEDS,
)
def test_cell_matches_numpy_and_gradcheck_and_gradgradcheck(
    mode, batch, sizes, bias, unbatched, with_state, seed
):
    tg.manual_seed(seed % 2**31)
    cell = make_cell(mode, *sizes, bias).double()
    x = leaf(uniform(seed, (sizes[0],) if unbatched else (batch, sizes[0]), -1.0, 1.0))
    state_shape = (sizes[1],) if unbatched else (batch, sizes[1])
    count = 2 if mode == "LSTM" else 1
    states = [leaf(uniform(seed + 1 + k, state_shape, -1.0, 1.0)) for k in range(count)] if with_state else []
    found = cell_call(cell, x, states)
    xs = x.numpy().reshape(-1, sizes[0])
    given_states = [s.numpy().reshape(-1, sizes[1]) for s in states] or [
        np.zeros((xs.shape[0], sizes[1]))
    ] * count
    for got, want in zip(found, np_cell_call(mode, cell, xs, given_states), strict=True):
        assert got.shape == state_shape
        np.testing.assert_allclose(got.numpy(), want.reshape(state_shape), rtol=1e-10, atol=1e-12)
    args = (x, *states, *cell.parameters())
    assert tg.gradcheck(lambda a, *rest: cell_call(cell, a, rest[: len(states)]), args)
    assert tg.gradgradcheck(lambda a, *rest: cell_call(cell, a, rest[: len(states)]), args)


def test_cell_functions_take_pytorchs_arguments():
    rng = np.random.default_rng(0)
    x, h, c = (tg.tensor(rng.normal(size=s)) for s in [(2, 3), (2, 4), (2, 4)])
    w = {
        g: (tg.tensor(rng.normal(size=(g * 4, 3))), tg.tensor(rng.normal(size=(g * 4, 4)))) for g in (1, 3, 4)
    }
    np.testing.assert_allclose(
        rnn_tanh_cell(x, h, *w[1]).numpy(),
        np.tanh(x.numpy() @ w[1][0].numpy().T + h.numpy() @ w[1][1].numpy().T),
    )
    zeros = np.zeros(4)
    np.testing.assert_allclose(
        rnn_relu_cell(x, h, *w[1]).numpy(),
        np_cell("RNN_RELU", x.numpy(), h.numpy(), None, *(t.numpy() for t in w[1]), zeros, zeros)[0],
    )
    zeros = np.zeros(12)
    np.testing.assert_allclose(
        gru_cell(x, h, *w[3]).numpy(),
        np_cell("GRU", x.numpy(), h.numpy(), None, *(t.numpy() for t in w[3]), zeros, zeros)[0],
    )
    zeros = np.zeros(16)
    h2, c2 = lstm_cell(x, (h, c), *w[4])
    want = np_cell("LSTM", x.numpy(), h.numpy(), c.numpy(), *(t.numpy() for t in w[4]), zeros, zeros)
    np.testing.assert_allclose(h2.numpy(), want[0])
    np.testing.assert_allclose(c2.numpy(), want[1])


# ---------------------------------------------------------------------------- parameters and reprs
def test_parameters_have_pytorchs_names_shapes_and_order():
    layer = nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    names = [(name, p.shape) for name, p in layer.named_parameters()]
    expected_names = []
    for k in range(2):
        for suffix in ("", "_reverse"):
            inputs = 3 if k == 0 else 8
            expected_names += [
                (f"weight_ih_l{k}{suffix}", (16, inputs)),
                (f"weight_hh_l{k}{suffix}", (16, 4)),
                (f"bias_ih_l{k}{suffix}", (16,)),
                (f"bias_hh_l{k}{suffix}", (16,)),
            ]
    assert names == expected_names
    assert list(layer.state_dict()) == [n for n, _ in expected_names]
    assert [[p.shape for p in ps] for ps in layer.all_weights][1] == [(16, 3), (16, 4), (16,), (16,)]
    assert [n for n, _ in nn.GRU(2, 5, bias=False).named_parameters()] == ["weight_ih_l0", "weight_hh_l0"]
    assert nn.GRU(2, 5).weight_hh_l0.shape == (15, 5) and nn.RNN(2, 5).weight_ih_l0.shape == (5, 2)
    cell = nn.LSTMCell(3, 4, bias=False)
    assert [n for n, _ in cell.named_parameters()] == ["weight_ih", "weight_hh"] and cell.bias_ih is None
    assert nn.GRUCell(3, 4).bias_hh.shape == (12,)


def test_every_parameter_starts_uniform_within_one_over_sqrt_hidden_size():
    tg.manual_seed(0)
    for layer in (nn.LSTM(30, 64, num_layers=2), nn.GRUCell(8, 100)):
        bound = 1 / np.sqrt(layer.hidden_size)
        for name, param in layer.named_parameters():
            values = param.numpy()
            assert values.dtype == np.float32, name
            assert np.abs(values).max() <= bound and np.abs(values).max() > 0.9 * bound, name
    assert nn.GRU(2, 3, dtype=tg.float64).weight_ih_l0.dtype == np.float64


def test_reprs_are_pytorchs():
    assert (
        repr(nn.LSTM(10, 20, num_layers=2, batch_first=True))
        == "LSTM(10, 20, num_layers=2, batch_first=True)"
    )
    assert repr(nn.RNN(10, 20, nonlinearity="relu")) == "RNN(10, 20)"
    assert (
        repr(nn.RNN(10, 20, 2, bias=False, batch_first=True, dropout=0.5, bidirectional=True))
        == "RNN(10, 20, num_layers=2, bias=False, batch_first=True, dropout=0.5, bidirectional=True)"
    )
    assert repr(nn.GRU(3, 4)) == "GRU(3, 4)"
    assert (
        repr(nn.RNNCell(3, 4, bias=False, nonlinearity="relu"))
        == "RNNCell(3, 4, bias=False, nonlinearity=relu)"
    )
    assert (
        repr(nn.LSTMCell(3, 4)) == "LSTMCell(3, 4)"
        and repr(nn.GRUCell(3, 4, bias=False)) == "GRUCell(3, 4, bias=False)"
    )
    layer = nn.LSTM(3, 4)
    assert layer.mode == "LSTM" and layer.flatten_parameters() is None and layer.proj_size == 0


# ---------------------------------------------------------------------------- errors
def test_wrong_input_dimensions_name_the_layer_the_shape_and_what_is_expected():
    with pytest.raises(
        ValueError,
        match=r"LSTM\(3, 4\): Expected input to be 2D or 3D, got 4D instead: input of shape \(2, 3, 4, 5\), "
        r"expected \(L, N, H_in\)",
    ):
        nn.LSTM(3, 4)(tg.zeros(2, 3, 4, 5))
    with pytest.raises(ValueError, match=r"expected \(N, L, H_in\)"):
        nn.GRU(3, 4, batch_first=True)(tg.zeros(3))
    with pytest.raises(
        RuntimeError,
        match=r"GRU\(3, 4\): input.size\(-1\) must be equal to input_size. Expected 3, got 7 "
        r"\(input of shape \(5, 2, 7\)\)",
    ):
        nn.GRU(3, 4)(tg.zeros(5, 2, 7))
    with pytest.raises(RuntimeError, match="Expected sequence length to be larger than 0"):
        nn.RNN(3, 4)(tg.zeros(0, 2, 3))
    with pytest.raises(
        ValueError, match=r"RNN\(3, 4\): input dtype \(float64\) does not match weight dtype \(float32\)"
    ):
        nn.RNN(3, 4)(tg.zeros(5, 2, 3, dtype=tg.float64))
    with pytest.raises(TypeError, match="input must be floating point"):
        nn.RNN(3, 4)(tg.zeros(5, 2, 3, dtype=tg.int64))


def test_wrong_initial_states_name_the_layer_the_shapes_and_what_is_expected():
    layer = nn.LSTM(3, 4, num_layers=2)
    x = tg.zeros(5, 2, 3)
    with pytest.raises(
        RuntimeError,
        match=r"LSTM\(3, 4, num_layers=2\): Expected hidden size \(2, 2, 4\) "
        r"\(num_layers \* num_directions, batch, hidden_size\) for h_0, got \(1, 2, 4\)",
    ):
        layer(x, (tg.zeros(1, 2, 4), tg.zeros(2, 2, 4)))
    with pytest.raises(RuntimeError, match=r"for c_0, got \(2, 3, 4\)"):
        layer(x, (tg.zeros(2, 2, 4), tg.zeros(2, 3, 4)))
    with pytest.raises(
        RuntimeError, match=r"for unbatched 2-D input, h_0 should also be 2-D, of shape \(2, 4\)"
    ):
        layer(tg.zeros(5, 3), (tg.zeros(2, 1, 4), tg.zeros(2, 1, 4)))
    with pytest.raises(
        TypeError, match=r"hx must be a tuple \(h_0, c_0\) of two tensors of shape \(2, 2, 4\), got Tensor"
    ):
        layer(x, tg.zeros(2, 2, 4))
    with pytest.raises(
        RuntimeError, match=r"GRU\(3, 4, bidirectional=True\): Expected hidden size \(2, 2, 4\)"
    ):
        nn.GRU(3, 4, bidirectional=True)(x, tg.zeros(1, 2, 4))
    with pytest.raises(ValueError, match="h_0 dtype"):
        nn.GRU(3, 4)(x, tg.zeros(1, 2, 4, dtype=tg.float64))


def test_cell_errors_name_the_cell_the_shapes_and_what_is_expected():
    cell = nn.LSTMCell(3, 4)
    with pytest.raises(ValueError, match=r"LSTMCell\(3, 4\): Expected input to be 1D or 2D, got 3D instead"):
        cell(tg.zeros(2, 3, 4))
    with pytest.raises(RuntimeError, match="input has inconsistent input_size: got 5 expected 3"):
        cell(tg.zeros(2, 5))
    with pytest.raises(
        RuntimeError, match=r"hx\[0\] has shape \(3, 4\), expected \(2, 4\) for an input of shape \(2, 3\)"
    ):
        cell(tg.zeros(2, 3), (tg.zeros(3, 4), tg.zeros(3, 4)))
    with pytest.raises(TypeError, match=r"hx must be a tuple \(h, c\)"):
        cell(tg.zeros(2, 3), tg.zeros(2, 4))
    with pytest.raises(RuntimeError, match=r"GRUCell\(3, 4\): hx has shape \(4,\), expected \(2, 4\)"):
        nn.GRUCell(3, 4)(tg.zeros(2, 3), tg.zeros(4))
    with pytest.raises(ValueError, match=r"gru_cell: hx has shape \(2, 5\), expected \(2, 4\)"):
        gru_cell(tg.zeros(2, 3), tg.zeros(2, 5), tg.zeros(12, 3), tg.zeros(12, 4))
    with pytest.raises(
        ValueError,
        match=r"lstm_cell: weight_hh must have shape \(4 \* hidden_size, hidden_size\), got \(12, 4\)",
    ):
        lstm_cell(tg.zeros(2, 3), (tg.zeros(2, 4), tg.zeros(2, 4)), tg.zeros(16, 3), tg.zeros(12, 4))


def test_settings_are_checked_with_pytorchs_messages():
    with pytest.raises(ValueError, match="Unknown nonlinearity 'sigmoid'. Select from 'tanh' or 'relu'."):
        nn.RNN(3, 4, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="dropout should be a number in range"):
        nn.LSTM(3, 4, dropout=1.5)
    with pytest.raises(ValueError, match="hidden_size must be greater than zero"):
        nn.GRU(3, 0)
    with pytest.raises(ValueError, match="num_layers must be greater than zero"):
        nn.GRU(3, 4, num_layers=0)
    with pytest.raises(TypeError, match="hidden_size should be of type int, got: float"):
        nn.LSTMCell(3, 4.0)
    with pytest.raises(
        NotImplementedError, match=r"LSTM: proj_size=2 \(LSTM with projections\) is not implemented"
    ):
        nn.LSTM(3, 4, proj_size=2)
    with pytest.raises(ValueError, match="device='cuda'"):
        nn.GRU(3, 4, device="cuda")


# ---------------------------------------------------------------------------- PyTorch's own numbers
TORCH = load_fixture("recurrent")
CASES = json.loads(str(TORCH["cases"]))


def test_the_fixture_was_made_by_pytorch_2_13():
    assert str(TORCH["torch_version"]).startswith("2.13")
    assert len(CASES) == 7


@pytest.mark.parametrize("case", sorted(CASES))
def test_layer_loaded_from_a_pytorch_state_dict_gives_pytorchs_results_and_gradients(case):
    kind, kwargs, _, _ = CASES[case]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        layer = getattr(nn, kind)(**kwargs)
    state = {key.split("/")[-1]: value for key, value in TORCH.items() if key.startswith(f"{case}/state/")}
    assert list(state) == [name for name, _ in layer.named_parameters()]  # names and order
    layer.load_state_dict(state)
    x = tg.tensor(TORCH[f"{case}/input"], requires_grad=True)
    states = {
        n: tg.tensor(TORCH[f"{case}/{n}"], requires_grad=True) for n in ("h0", "c0") if f"{case}/{n}" in TORCH
    }
    hx = tuple(states.values()) if len(states) == 2 else next(iter(states.values()), None)
    out = layer(x, hx)
    if kind == "LSTM":
        found = {"output": out[0], "h_n": out[1][0], "c_n": out[1][1]}
    elif kind == "LSTMCell":
        found = {"h": out[0], "c": out[1]}
    elif kind.endswith("Cell"):
        found = {"h": out}
    else:
        found = {"output": out[0], "h_n": out[1]}
    loss = None
    for name, result in found.items():
        assert result.dtype == np.float32
        np.testing.assert_allclose(result.numpy(), TORCH[f"{case}/{name}"], rtol=1e-5, atol=1e-6)
        term = (result * tg.tensor(mix(tuple(result.shape)))).sum()
        loss = term if loss is None else loss + term
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), TORCH[f"{case}/grad/input"], rtol=1e-5, atol=1e-6)
    for name, t in states.items():
        np.testing.assert_allclose(t.grad.numpy(), TORCH[f"{case}/grad/{name}"], rtol=1e-5, atol=1e-6)
    for name, param in layer.named_parameters():
        np.testing.assert_allclose(param.grad.numpy(), TORCH[f"{case}/grad/{name}"], rtol=1e-5, atol=1e-6)
