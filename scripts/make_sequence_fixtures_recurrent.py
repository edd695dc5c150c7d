"""Write tests/fixtures/recurrent.npz: PyTorch's own numbers for nn.RNN, nn.LSTM, nn.GRU and their cells,
which tests/test_recurrent.py compares with.

Provenance: made with PyTorch 2.13.0 (CPU build), ``torch.manual_seed(0)``, float32, by running

    /tmp/torchvenv/bin/python scripts/make_sequence_fixtures_recurrent.py

(the PyTorch version that ran is stored in the file as ``torch_version``). Each case of ``CASES`` builds one
PyTorch layer with its default initialisation and keeps, under ``<case>/``: the layer's ``state_dict`` as
numpy arrays (``<case>/state/weight_ih_l0``, ...), the input (``<case>/input``, drawn from N(0, 1)), the
initial states where the case has them (``<case>/h0``, ``<case>/c0``), the results (``<case>/output``,
``<case>/h_n``, ``<case>/c_n``; a cell's ``<case>/h`` and ``<case>/c``) and the gradients of the scalar loss

    sum over the results r of (r * mix(r.shape)).sum(),    mix: fixed weights cos(0), cos(1), ...

with respect to the input and the initial states (``<case>/grad/input``, ``<case>/grad/h0``, ...) and to
every parameter (``<case>/grad/weight_ih_l0``, ...). ``CASES`` itself is stored as JSON (``cases``), so the
test builds tensorgrad's layers from the same table.

The file's layout is ``scripts/fixture_archive.py``'s (the tests read it with its ``load_fixture``).
"""

from __future__ import annotations

import numpy as np
import torch
from fixture_archive import mix, save_fixture
from torch import nn

#: case name -> (layer class name, keyword arguments, input shape, initial states given)
CASES = {
    "rnn_tanh_2_layers_bidirectional": (
        "RNN",
        {"input_size": 3, "hidden_size": 4, "num_layers": 2, "nonlinearity": "tanh", "bidirectional": True},
        (5, 2, 3),
        True,
    ),
    "lstm_2_layers_batch_first": (
        "LSTM",
        {"input_size": 3, "hidden_size": 4, "num_layers": 2, "batch_first": True},
        (2, 5, 3),
        True,
    ),
    "gru_zero_state": ("GRU", {"input_size": 3, "hidden_size": 4}, (5, 2, 3), False),
    "gru_bidirectional_unbatched": (
        "GRU",
        {"input_size": 3, "hidden_size": 4, "bidirectional": True},
        (5, 3),
        True,
    ),
    "rnn_relu_cell": ("RNNCell", {"input_size": 3, "hidden_size": 4, "nonlinearity": "relu"}, (2, 3), True),
    "lstm_cell": ("LSTMCell", {"input_size": 3, "hidden_size": 4}, (2, 3), True),
    "gru_cell_no_bias": ("GRUCell", {"input_size": 3, "hidden_size": 4, "bias": False}, (2, 3), False),
}


def initial_states(layer: nn.Module, kind: str, x: torch.Tensor) -> dict[str, torch.Tensor]:
    """h0 (and c0 for LSTMs) drawn from N(0, 1) in the shape the layer expects."""
    if kind.endswith("Cell"):
        shape = (*x.shape[:-1], layer.hidden_size)
    else:
        layers = layer.num_layers * (2 if layer.bidirectional else 1)
        batch = () if x.ndim == 2 else (x.shape[0] if layer.batch_first else x.shape[1],)
        shape = (layers, *batch, layer.hidden_size)
    names = ["h0", "c0"] if kind.startswith("LSTM") else ["h0"]
    return {name: torch.randn(shape, requires_grad=True) for name in names}


def results(kind: str, out: object) -> dict[str, torch.Tensor]:
    """The layer's results by name: output, h_n (and c_n), or a cell's h (and c)."""
    if kind == "LSTM":
        output, (h_n, c_n) = out
        return {"output": output, "h_n": h_n, "c_n": c_n}
    if kind == "LSTMCell":
        h, c = out
        return {"h": h, "c": c}
    if kind.endswith("Cell"):
        return {"h": out}
    output, h_n = out
    return {"output": output, "h_n": h_n}


def main() -> None:
    torch.manual_seed(0)
    arrays: dict[str, np.ndarray] = {}
    for case, (kind, kwargs, input_shape, with_states) in CASES.items():
        layer = getattr(nn, kind)(**kwargs)
        for name, value in layer.state_dict().items():
            arrays[f"{case}/state/{name}"] = value.detach().numpy().copy()
        x = torch.randn(input_shape, requires_grad=True)
        states = initial_states(layer, kind, x) if with_states else {}
        hx = tuple(states.values()) if len(states) == 2 else next(iter(states.values()), None)
        found = results(kind, layer(x, hx))
        loss = sum((r * torch.from_numpy(mix(tuple(r.shape)))).sum() for r in found.values())
        loss.backward()
        arrays[f"{case}/input"] = x.detach().numpy().copy()
        arrays[f"{case}/grad/input"] = x.grad.numpy().copy()
        for name, state in states.items():
            arrays[f"{case}/{name}"] = state.detach().numpy().copy()
            arrays[f"{case}/grad/{name}"] = state.grad.numpy().copy()
        for name, value in found.items():
            arrays[f"{case}/{name}"] = value.detach().numpy().copy()
        for name, param in layer.named_parameters():
            arrays[f"{case}/grad/{name}"] = param.grad.numpy().copy()
    save_fixture("recurrent", arrays, CASES, torch.__version__)


if __name__ == "__main__":
    main()
