"""Write tests/fixtures/packed.npz: PyTorch's own numbers for packed sequences through recurrent layers,
which tests/test_packed_sequences.py compares with.

Provenance: made with PyTorch 2.13.0 (CPU build), ``torch.manual_seed(0)``, float32, by running

    /tmp/torchvenv/bin/python scripts/make_sequence_fixtures_packed.py

Two programs, each run forward and backward on the scalar loss sum over the results r of (r * mix).sum()
(mix: fixed weights cos(0), cos(1), ...):

- ``chatbot``: the encoder of PyTorch's chatbot tutorial (Matthew Inkawhich,
  https://pytorch.org/tutorials/beginner/chatbot_tutorial.html, ``EncoderRNN``): an embedding, a
  two-layer bidirectional GRU over ``pack_padded_sequence(embedded, input_lengths)`` (sorted lengths),
  ``pad_packed_sequence``, the two directions' outputs summed. Sizes shrunk (vocabulary 12, hidden 6),
  evaluation mode (the tutorial's dropout 0.1 between the layers is then off).
- ``classifier``: a bidirectional LSTM sentence encoder in the style of text-classification tutorials:
  ``batch_first``, unsorted lengths with a tie (``enforce_sorted=False``), given initial states, the output
  padded back to ``total_length``; results the padded output, h_n and c_n.

Stored under ``<case>/``: the state dict (``state/<name>``), the inputs, the results and the gradients
(``grad/<name>``) of the loss with respect to the float inputs and every parameter. The file layout is
``scripts/fixture_archive.py``'s (the tests read it with its ``load_fixture``).
"""

from __future__ import annotations

import numpy as np
import torch
from fixture_archive import mix, save_fixture
from torch import nn

CASES = {
    "chatbot": {"vocabulary": 12, "hidden": 6, "layers": 2, "lengths": [5, 3, 2], "pad": 0},
    "classifier": {"input": 3, "hidden": 4, "lengths": [2, 5, 3, 5], "total_length": 6},
}


class EncoderRNN(nn.Module):
    """The chatbot tutorial's encoder, as written there."""

    def __init__(
        self, hidden_size: int, embedding: nn.Embedding, n_layers: int = 1, dropout: float = 0
    ) -> None:
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


def chatbot(arrays: dict[str, np.ndarray]) -> None:
    case = CASES["chatbot"]
    encoder = EncoderRNN(
        case["hidden"], nn.Embedding(case["vocabulary"], case["hidden"]), case["layers"], 0.1
    )
    encoder.eval()
    lengths = torch.tensor(case["lengths"])
    tokens = torch.randint(1, case["vocabulary"], (int(lengths.max()), len(lengths)))
    for i, n in enumerate(case["lengths"]):
        tokens[n:, i] = case["pad"]
    outputs, hidden = encoder(tokens, lengths)
    (outputs * torch.from_numpy(mix(tuple(outputs.shape)))).sum().add(
        (hidden * torch.from_numpy(mix(tuple(hidden.shape)))).sum()
    ).backward()
    keep(arrays, "chatbot", encoder, {"tokens": tokens}, {"outputs": outputs, "hidden": hidden})


def classifier(arrays: dict[str, np.ndarray]) -> None:
    case = CASES["classifier"]
    lstm = nn.LSTM(case["input"], case["hidden"], batch_first=True, bidirectional=True)
    lengths = case["lengths"]
    x = torch.randn(len(lengths), max(lengths), case["input"], requires_grad=True)
    h0 = torch.randn(2, len(lengths), case["hidden"], requires_grad=True)
    c0 = torch.randn(2, len(lengths), case["hidden"], requires_grad=True)
    packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    out, (h_n, c_n) = lstm(packed, (h0, c0))
    padded, found_lengths = nn.utils.rnn.pad_packed_sequence(
        out, batch_first=True, total_length=case["total_length"]
    )
    assert found_lengths.tolist() == lengths
    results = {"output": padded, "h_n": h_n, "c_n": c_n}
    sum((r * torch.from_numpy(mix(tuple(r.shape)))).sum() for r in results.values()).backward()
    keep(arrays, "classifier", lstm, {"x": x, "h0": h0, "c0": c0}, results)


def keep(
    arrays: dict[str, np.ndarray],
    case: str,
    model: nn.Module,
    inputs: dict[str, torch.Tensor],
    results: dict[str, torch.Tensor],
) -> None:
    for name, value in model.state_dict().items():
        arrays[f"{case}/state/{name}"] = value.detach().numpy().copy()
    for name, value in inputs.items():
        arrays[f"{case}/{name}"] = value.detach().numpy().copy()
        if value.grad is not None:
            arrays[f"{case}/grad/{name}"] = value.grad.numpy().copy()
    for name, value in results.items():
        arrays[f"{case}/{name}"] = value.detach().numpy().copy()
    for name, param in model.named_parameters():
        arrays[f"{case}/grad/{name}"] = param.grad.numpy().copy()


def main() -> None:
    torch.manual_seed(0)
    arrays: dict[str, np.ndarray] = {}
    chatbot(arrays)
    classifier(arrays)
    save_fixture("packed", arrays, CASES, torch.__version__)


if __name__ == "__main__":
    main()
