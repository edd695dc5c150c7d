"""Write tests/fixtures/embedding_conv1d.npz: PyTorch's own numbers for nn.Embedding, nn.Conv1d and
nn.AdaptiveAvgPool1d / AdaptiveMaxPool1d, which tests/test_embedding_conv1d_pytorch.py compares with.

Provenance: made with PyTorch 2.13.0 (CPU build), ``torch.manual_seed(0)``, by running

    /tmp/torchvenv/bin/python scripts/make_sequence_fixtures_embedding_conv1d.py

(the PyTorch version that ran is stored in the file as ``torch_version``). Each case of ``CASES`` builds one
PyTorch layer with its default initialisation and keeps, under ``<case>/``: the layer's ``state_dict`` as
numpy arrays (``<case>/state/weight``, ...), the input (``<case>/input``: INDICES for an embedding, else
drawn from N(0, 1)), the output, and the gradients of the scalar loss ``(output * mix(output.shape)).sum()``
(``mix``: fixed weights cos(0), cos(1), ...) with respect to a float input (``<case>/grad/input``) and
to every parameter (``<case>/grad/weight``, ...); for ``max_norm``, the weight after the lookup. ``CASES``
itself is stored as JSON (``cases``), so the test builds tensorgrad's layers from the same table.

The file's layout is ``scripts/fixture_archive.py``'s (the tests read it with its ``load_fixture``).
"""

from __future__ import annotations

import numpy as np
import torch
from fixture_archive import mix, save_fixture
from torch import nn

#: case name -> (PyTorch layer class name, keyword arguments); float inputs get INPUT_SHAPES[case]
CASES = {
    "embedding_padding": ("Embedding", {"num_embeddings": 8, "embedding_dim": 3, "padding_idx": 2}),
    "embedding_negative_padding_freq": (
        "Embedding",
        {"num_embeddings": 8, "embedding_dim": 3, "padding_idx": -1, "scale_grad_by_freq": True},
    ),
    "embedding_max_norm": ("Embedding", {"num_embeddings": 8, "embedding_dim": 3, "max_norm": 1.2}),
    "conv1d_plain": ("Conv1d", {"in_channels": 3, "out_channels": 4, "kernel_size": 3, "padding": 1}),
    "conv1d_grouped_same_even": (
        "Conv1d",
        {
            "in_channels": 4,
            "out_channels": 2,
            "kernel_size": 4,
            "padding": "same",
            "groups": 2,
            "bias": False,
        },
    ),
    "conv1d_strided_dilated_reflect": (
        "Conv1d",
        {
            "in_channels": 2,
            "out_channels": 3,
            "kernel_size": 3,
            "stride": 2,
            "padding": 2,
            "dilation": 2,
            "padding_mode": "reflect",
        },
    ),
    "conv1d_unbatched": ("Conv1d", {"in_channels": 2, "out_channels": 2, "kernel_size": 2, "stride": 3}),
    "adaptive_avg_pool1d": ("AdaptiveAvgPool1d", {"output_size": 4}),
    "adaptive_max_pool1d": ("AdaptiveMaxPool1d", {"output_size": 3}),
}
INPUT_SHAPES = {
    "conv1d_plain": (2, 3, 6),
    "conv1d_grouped_same_even": (2, 4, 5),
    "conv1d_strided_dilated_reflect": (2, 2, 7),
    "conv1d_unbatched": (2, 8),
    "adaptive_avg_pool1d": (2, 2, 7),
    "adaptive_max_pool1d": (2, 2, 7),
}
#: indices for the embeddings: repeated rows, the padding rows (2 and 7) included
INDICES = np.array([[1, 2, 5, 5, 7], [2, 2, 6, 7, 1]], dtype=np.int64)


def main() -> None:
    torch.manual_seed(0)
    arrays: dict[str, np.ndarray] = {}
    for case, (kind, kwargs) in CASES.items():
        layer = getattr(nn, kind)(**kwargs)
        for name, value in layer.state_dict().items():
            arrays[f"{case}/state/{name}"] = value.detach().numpy().copy()
        if kind == "Embedding":
            x = torch.from_numpy(INDICES)
        else:
            x = torch.randn(INPUT_SHAPES[case], requires_grad=True)
        out = layer(x)
        (out * torch.from_numpy(mix(tuple(out.shape)))).sum().backward()
        arrays[f"{case}/input"] = x.detach().numpy().copy()
        arrays[f"{case}/output"] = out.detach().numpy().copy()
        if x.requires_grad:
            arrays[f"{case}/grad/input"] = x.grad.numpy().copy()
        for name, param in layer.named_parameters():
            arrays[f"{case}/grad/{name}"] = param.grad.numpy().copy()
        if kind == "Embedding" and kwargs.get("max_norm") is not None:
            # the weight after the lookup: the rows looked up renormalised in place
            arrays[f"{case}/weight_after"] = layer.weight.detach().numpy().copy()
    save_fixture("embedding_conv1d", arrays, CASES, torch.__version__)


if __name__ == "__main__":
    main()
