"""nn.utils.rnn (pad_sequence, pack_padded_sequence, pad_packed_sequence, pack_sequence, ...) and packed
batches through nn.RNN, nn.LSTM and nn.GRU.

The reference for a packed batch is independent of the packing: each sequence run alone through the same
layer, unpadded, must give the packed run's outputs at its real steps and its final states. Against PyTorch,
the fixture ``tests/fixtures/packed.npz`` (made with PyTorch 2.13.0 by
``scripts/make_sequence_fixtures_packed.py``, see its docstring) holds two programs' numbers: the encoder of
PyTorch's chatbot tutorial (Matthew Inkawhich, https://pytorch.org/tutorials/beginner/chatbot_tutorial.html,
``EncoderRNN``: a bidirectional GRU over ``pack_padded_sequence``) and a bidirectional-LSTM sentence encoder
with unsorted lengths. The programs below are those, with only the imports changed.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tensorgrad as tg
from scripts.fixture_archive import load_fixture, mix
from tensorgrad import nn
from tensorgrad.nn.utils.rnn import (
    PackedSequence,
    pack_padded_sequence,
    pack_sequence,
    pad_packed_sequence,
    pad_sequence,
    unpack_sequence,
    unpad_sequence,
)
from tests.values import leaf, uniform

MODES = ["RNN", "LSTM", "GRU"]
SEEDS = st.integers(0, 2**31 - 1)


# ---------------------------------------------------------------------------- padding and packing
def test_pytorchs_documented_example_packs_step_by_step():
    # torch.nn.utils.rnn.pack_sequence's docstring: a = [1, 2, 3], b = [4, 5], c = [6]
    a, b, c = tg.tensor([1, 2, 3]), tg.tensor([4, 5]), tg.tensor([6])
    packed = pack_sequence([a, b, c])
    assert packed.data.tolist() == [1, 4, 6, 2, 5, 3]
    assert packed.batch_sizes.tolist() == [3, 2, 1]
    assert packed.sorted_indices is None and packed.unsorted_indices is None
    padded, lengths = pad_packed_sequence(packed, batch_first=True)
    assert padded.tolist() == [[1, 2, 3], [4, 5, 0], [6, 0, 0]] and lengths.tolist() == [3, 2, 1]


def test_unsorted_lengths_are_sorted_and_put_back():
    padded = tg.tensor([[1.0, 2.0, 0.0], [3.0, 4.0, 5.0], [6.0, 0.0, 0.0]])  # (N, T), lengths 2, 3, 1
    packed = pack_padded_sequence(padded, [2, 3, 1], batch_first=True, enforce_sorted=False)
    assert packed.data.tolist() == [3.0, 1.0, 6.0, 4.0, 2.0, 5.0]
    assert packed.batch_sizes.tolist() == [3, 2, 1]
    assert packed.sorted_indices.tolist() == [1, 0, 2] and packed.unsorted_indices.tolist() == [1, 0, 2]
    back, lengths = pad_packed_sequence(packed, batch_first=True, padding_value=-1.0, total_length=4)
    assert back.tolist() == [[1, 2, -1, -1], [3, 4, 5, -1], [6, -1, -1, -1]]
    assert lengths.tolist() == [2, 3, 1] and lengths.dtype == tg.int64


@given(
    lengths=st.lists(st.integers(1, 4), min_size=1, max_size=4),
    batch_first=st.booleans(),
    left=st.booleans(),
    seed=SEEDS,
)
def test_pad_sequence_matches_numpy_and_unpad_gives_the_sequences_back(lengths, batch_first, left, seed):
    arrays = [uniform(seed + i, (n, 2)) for i, n in enumerate(lengths)]
    side = "left" if left else "right"
    padded = pad_sequence([tg.tensor(a) for a in arrays], batch_first, padding_value=7.0, padding_side=side)
    want = np.full((max(lengths), len(lengths), 2), 7.0)
    for i, a in enumerate(arrays):
        if left:
            want[max(lengths) - len(a) :, i] = a
        else:
            want[: len(a), i] = a
    np.testing.assert_array_equal(padded.numpy(), want.transpose(1, 0, 2) if batch_first else want)
    if not left:
        for got, a in zip(unpad_sequence(padded, lengths, batch_first), arrays, strict=True):
            np.testing.assert_array_equal(got.numpy(), a)


@given(lengths=st.lists(st.integers(1, 4), min_size=1, max_size=4), seed=SEEDS)
def test_pack_and_unpack_are_inverse_and_differentiable(lengths, seed):
    sequences = [leaf(uniform(seed + i, (n, 2))) for i, n in enumerate(lengths)]
    for got, want in zip(
        unpack_sequence(pack_sequence(sequences, enforce_sorted=False)), sequences, strict=True
    ):
        np.testing.assert_array_equal(got.numpy(), want.numpy())

    def roundtrip(*xs):
        padded, _ = pad_packed_sequence(pack_sequence(xs, enforce_sorted=False), padding_value=3.0)
        return padded * padded

    assert tg.gradcheck(roundtrip, tuple(sequences))


# ---------------------------------------------------------------------------- packed batches through layers
@st.composite
def packed_configs(draw):
    return {
        "mode": draw(st.sampled_from(MODES)),
        "lengths": draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)),
        "num_layers": draw(st.integers(1, 2)),
        "bidirectional": draw(st.booleans()),
        "batch_first": draw(st.booleans()),
        "with_state": draw(st.booleans()),
        "seed": draw(SEEDS),
    }


def setup(config):
    tg.manual_seed(config["seed"])
    options = {k: config[k] for k in ("num_layers", "bidirectional", "batch_first")}
    layer = getattr(nn, config["mode"])(2, 3, **options).double()
    lengths = config["lengths"]
    sequences = [leaf(uniform(config["seed"] + i, (n, 2), -1.0, 1.0)) for i, n in enumerate(lengths)]
    shape = (config["num_layers"] * (2 if config["bidirectional"] else 1), len(lengths), 3)
    count = 2 if config["mode"] == "LSTM" else 1
    states = [leaf(uniform(config["seed"] + 10 + k, shape, -1.0, 1.0)) for k in range(count)]
    return layer, sequences, states if config["with_state"] else []


def run_packed(layer, sequences, states):
    """(padded output (T, N, D*H), h_n[, c_n]) of the packed batch, unsorted lengths allowed."""
    padded = pad_sequence(sequences, layer.batch_first)
    lengths = [s.shape[0] for s in sequences]
    packed = pack_padded_sequence(padded, lengths, layer.batch_first, enforce_sorted=False)
    hx = (tuple(states) if len(states) == 2 else states[0]) if states else None
    output, hidden = layer(packed, hx)
    assert isinstance(output, PackedSequence)
    padded_output, found = pad_packed_sequence(output)
    assert found.tolist() == lengths
    return (padded_output, *(hidden if isinstance(hidden, tuple) else (hidden,)))


@settings(max_examples=40)
@given(config=packed_configs())
def test_a_packed_batch_gives_each_sequence_run_alone(config):
    layer, sequences, states = setup(config)
    output, *finals = run_packed(layer, sequences, states)
    layer.batch_first = False  # the sequences alone: (L_i, 1, H_in)
    for i, sequence in enumerate(sequences):
        hx = [s[:, i : i + 1] for s in states]
        alone, hidden = layer(sequence[:, None], (tuple(hx) if len(hx) == 2 else hx[0]) if hx else None)
        n = sequence.shape[0]
        np.testing.assert_allclose(output.numpy()[:n, i], alone.numpy()[:, 0], rtol=1e-12, atol=1e-14)
        assert (output.numpy()[n:, i] == 0).all()
        for got, want in zip(finals, hidden if isinstance(hidden, tuple) else (hidden,), strict=True):
            np.testing.assert_allclose(got.numpy()[:, i], want.numpy()[:, 0], rtol=1e-12, atol=1e-14)


@settings(max_examples=15)
@given(config=packed_configs())
def test_a_packed_batch_passes_gradcheck(config):
    layer, sequences, states = setup(config)
    inputs = (*sequences, *states, *layer.parameters())
    k, m = len(sequences), len(states)
    assert tg.gradcheck(lambda *args: run_packed(layer, list(args[:k]), list(args[k : k + m])), inputs)


def test_a_packed_lstm_passes_gradgradcheck():
    layer, sequences, states = setup(
        {"mode": "LSTM", "lengths": [3, 1, 2], "num_layers": 1, "bidirectional": True, "batch_first": False}
        | {"with_state": True, "seed": 3}
    )
    assert tg.gradgradcheck(lambda a, b, c, h, s: run_packed(layer, [a, b, c], [h, s]), (*sequences, *states))


# ---------------------------------------------------------------------------- PyTorch programs and numbers
def state_of(arrays, case):
    prefix = f"{case}/state/"
    return {k[len(prefix) :]: tg.tensor(v) for k, v in arrays.items() if k.startswith(prefix)}


def check_grads(arrays, case, named):
    for name, tensor in named:
        np.testing.assert_allclose(tensor.grad.numpy(), arrays[f"{case}/grad/{name}"], rtol=1e-4, atol=1e-5)


class EncoderRNN(nn.Module):
    """PyTorch's chatbot tutorial encoder (see the module docstring), only the imports changed."""

    def __init__(self, hidden_size, embedding, n_layers=1, dropout=0):
        super().__init__()
        self.n_layers = n_layers
        self.hidden_size = hidden_size
        self.embedding = embedding
        self.gru = nn.GRU(
            hidden_size, hidden_size, n_layers, dropout=(0 if n_layers == 1 else dropout), bidirectional=True
        )

    def forward(self, input_seq, input_lengths, hidden=None):
        embedded = self.embedding(input_seq)
        packed = nn.utils.rnn.pack_padded_sequence(embedded, input_lengths)
        outputs, hidden = self.gru(packed, hidden)
        outputs, _ = nn.utils.rnn.pad_packed_sequence(outputs)
        outputs = outputs[:, :, : self.hidden_size] + outputs[:, :, self.hidden_size :]
        return outputs, hidden


def test_the_chatbot_tutorials_encoder_gives_pytorchs_outputs_and_gradients():
    arrays = load_fixture("packed")
    case = json.loads(str(arrays["cases"]))["chatbot"]
    encoder = EncoderRNN(
        case["hidden"], nn.Embedding(case["vocabulary"], case["hidden"]), case["layers"], 0.1
    )
    encoder.load_state_dict(state_of(arrays, "chatbot"))
    encoder.eval()
    tokens = tg.tensor(arrays["chatbot/tokens"].astype(np.int64))
    outputs, hidden = encoder(tokens, tg.tensor(case["lengths"]))
    np.testing.assert_allclose(outputs.numpy(), arrays["chatbot/outputs"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(hidden.numpy(), arrays["chatbot/hidden"], rtol=1e-5, atol=1e-6)
    (
        (outputs * tg.tensor(mix(outputs.shape))).sum() + (hidden * tg.tensor(mix(hidden.shape))).sum()
    ).backward()
    check_grads(arrays, "chatbot", encoder.named_parameters())


def test_an_lstm_sentence_encoder_with_unsorted_lengths_gives_pytorchs_numbers():
    arrays = load_fixture("packed")
    case = json.loads(str(arrays["cases"]))["classifier"]
    lstm = nn.LSTM(case["input"], case["hidden"], batch_first=True, bidirectional=True)
    lstm.load_state_dict(state_of(arrays, "classifier"))
    x, h0, c0 = (tg.tensor(arrays[f"classifier/{k}"], requires_grad=True) for k in ("x", "h0", "c0"))
    packed = nn.utils.rnn.pack_padded_sequence(x, case["lengths"], batch_first=True, enforce_sorted=False)
    out, (h_n, c_n) = lstm(packed, (h0, c0))
    padded, lengths = nn.utils.rnn.pad_packed_sequence(
        out, batch_first=True, total_length=case["total_length"]
    )
    assert lengths.tolist() == case["lengths"]
    results = {"output": padded, "h_n": h_n, "c_n": c_n}
    for name, r in results.items():
        np.testing.assert_allclose(r.numpy(), arrays[f"classifier/{name}"], rtol=1e-5, atol=1e-6)
    sum((r * tg.tensor(mix(r.shape))).sum() for r in results.values()).backward()
    check_grads(arrays, "classifier", [("x", x), ("h0", h0), ("c0", c0), *lstm.named_parameters()])


# ---------------------------------------------------------------------------- errors
def test_bad_packing_names_the_function_and_what_was_expected():
    x = tg.zeros(4, 3, 2)
    with pytest.raises(
        RuntimeError, match=r"must be sorted in decreasing order when `enforce_sorted` is True"
    ):
        pack_padded_sequence(x, [2, 4, 1])
    with pytest.raises(RuntimeError, match=r"Length of all samples has to be greater than 0"):
        pack_padded_sequence(x, [4, 2, 0])
    with pytest.raises(RuntimeError, match=r"a length \(5\) is longer than the input's 4 time steps"):
        pack_padded_sequence(x, [5, 2, 1])
    with pytest.raises(ValueError, match=r"expected one length per sequence, len\(lengths\) = 3"):
        pack_padded_sequence(x, [4, 2])
    with pytest.raises(ValueError, match=r"Expected total_length to be at least the length of the longest"):
        pad_packed_sequence(pack_padded_sequence(x, [4, 2, 1]), total_length=3)
    with pytest.raises(ValueError, match=r"sequence 0 has shape \(2, 3\), sequence 1 has shape \(2, 4\)"):
        pad_sequence([tg.zeros(2, 3), tg.zeros(2, 4)])
    with pytest.raises(
        RuntimeError, match=r"LSTM\(3, 5\): a PackedSequence's data must be \(sum of lengths, 3\)"
    ):
        nn.LSTM(3, 5)(pack_padded_sequence(x, [4, 2, 1]))
