"""Write tests/fixtures/embedding_bag.npz: PyTorch's own numbers for nn.EmbeddingBag, which
tests/test_embedding_bag.py compares with.

Provenance: made with PyTorch 2.13.0 (CPU build), ``torch.manual_seed(0)``, float32, by running

    /tmp/torchvenv/bin/python scripts/make_fixtures_embedding_bag.py

Each case of ``CASES`` (stored as JSON under ``cases``, indices and offsets included) builds an
``nn.EmbeddingBag(10, 3, **options)`` with PyTorch's default initialisation and keeps its weight
(``<case>/weight``), the output of ``bag(input, offsets, per_sample_weights)`` (``<case>/output``) and the
gradients of ``(output * mix).sum()`` (mix: cos(0), cos(1), ...) with respect to the weight and the
per-sample weights (``<case>/grad/weight``, ``<case>/grad/per_sample_weights``). The file layout is
``scripts/fixture_archive.py``'s (the tests read it with its ``load_fixture``).
"""

from __future__ import annotations

import numpy as np
import torch
from fixture_archive import mix, save_fixture
from torch import nn

#: case -> (options, input, offsets or None, per-sample weights given)
CASES = {
    "mean_with_an_empty_bag": ({}, [1, 2, 4, 5, 4, 3, 2, 9], [0, 2, 2, 5], False),
    "sum_weighted_with_padding": ({"mode": "sum", "padding_idx": 2}, [1, 2, 4, 5, 2, 3, 2, 9], [0, 3], True),
    "max_with_last_offset": (
        {"mode": "max", "include_last_offset": True},
        [7, 2, 4, 7, 4, 3],
        [0, 2, 6],
        False,
    ),
    "mean_2d_with_padding": ({"padding_idx": 0}, [[1, 0, 4], [0, 0, 0], [5, 5, 6]], None, False),
}


def main() -> None:
    torch.manual_seed(0)
    arrays: dict[str, np.ndarray] = {}
    for case, (options, indices, offsets, weighted) in CASES.items():
        bag = nn.EmbeddingBag(10, 3, **options)
        arrays[f"{case}/weight"] = bag.weight.detach().numpy().copy()
        psw = torch.rand(len(indices), requires_grad=True) if weighted else None
        out = bag(torch.tensor(indices), None if offsets is None else torch.tensor(offsets), psw)
        (out * torch.from_numpy(mix(tuple(out.shape)))).sum().backward()
        arrays[f"{case}/output"] = out.detach().numpy().copy()
        arrays[f"{case}/grad/weight"] = bag.weight.grad.numpy().copy()
        if psw is not None:
            arrays[f"{case}/per_sample_weights"] = psw.detach().numpy().copy()
            arrays[f"{case}/grad/per_sample_weights"] = psw.grad.numpy().copy()
    save_fixture("embedding_bag", arrays, CASES, torch.__version__)


if __name__ == "__main__":
    main()
