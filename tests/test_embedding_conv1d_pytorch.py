"""nn.Embedding, nn.Conv1d, nn.AdaptiveAvgPool1d and nn.AdaptiveMaxPool1d against PyTorch's own numbers.

The fixture ``tests/fixtures/embedding_conv1d.npz`` was made with PyTorch 2.13.0 (CPU build),
``torch.manual_seed(0)``, by ``/tmp/torchvenv/bin/python scripts/make_sequence_fixtures_embedding_conv1d.py``
(see that script's docstring; the version that ran is stored in the file). For each case it holds the layer's
settings, PyTorch's ``state_dict`` as numpy arrays, a fixed input, PyTorch's output, and the gradients of
``(output * mix).sum()`` with respect to the input and to every parameter (``mix`` = cos(0), cos(1), ... as
float32). Here tensorgrad builds the same layer, loads the state dict with ``load_state_dict``, and must give
the same output and gradients (float32, rtol 1e-5).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import tensorgrad as tg
from scripts.fixture_archive import load_fixture, mix
from tensorgrad import nn

TORCH = load_fixture("embedding_conv1d")
CASES = json.loads(str(TORCH["cases"]))


def close(actual, expected) -> None:
    np.testing.assert_allclose(np.asarray(actual), expected, rtol=1e-5, atol=1e-6)


def test_the_fixture_was_made_by_pytorch_2_13():
    assert str(TORCH["torch_version"]).startswith("2.13")
    assert len(CASES) == 9


@pytest.mark.parametrize("case", sorted(CASES))
def test_layer_loaded_from_a_pytorch_state_dict_gives_pytorchs_output_and_gradients(case):
    kind, kwargs = CASES[case]
    layer = getattr(nn, kind)(**kwargs)
    state = {key.split("/")[-1]: value for key, value in TORCH.items() if key.startswith(f"{case}/state/")}
    assert sorted(state) == sorted(name for name, _ in layer.named_parameters())
    layer.load_state_dict(state)
    given = TORCH[f"{case}/input"]
    embedding = kind == "Embedding"
    x = tg.tensor(given.astype(np.int64)) if embedding else tg.tensor(given, requires_grad=True)
    out = layer(x)
    assert out.dtype == np.float32
    close(out.numpy(), TORCH[f"{case}/output"])
    (out * tg.tensor(mix(tuple(out.shape)))).sum().backward()
    if not embedding:
        close(x.grad.numpy(), TORCH[f"{case}/grad/input"])
    for name, param in layer.named_parameters():
        close(param.grad.numpy(), TORCH[f"{case}/grad/{name}"])
    if f"{case}/weight_after" in TORCH:  # max_norm renormalised the rows looked up, in place
        close(layer.weight.numpy(), TORCH[f"{case}/weight_after"])
        assert not np.allclose(TORCH[f"{case}/weight_after"], state["weight"])  # some row did change


def test_the_padding_rows_got_no_gradient_in_pytorch_either():
    for case in ("embedding_padding", "embedding_negative_padding_freq"):
        _, kwargs = CASES[case]
        row = kwargs["padding_idx"] % kwargs["num_embeddings"]
        assert row in TORCH[f"{case}/input"]
        assert not TORCH[f"{case}/grad/weight"][row].any()


def test_the_layers_print_as_pytorchs():
    # PyTorch 2.13 prints these (the repr of each case's layer)
    expected = {
        "embedding_padding": "Embedding(8, 3, padding_idx=2)",
        "embedding_negative_padding_freq": "Embedding(8, 3, padding_idx=7, scale_grad_by_freq=True)",
        "embedding_max_norm": "Embedding(8, 3, max_norm=1.2)",
        "conv1d_plain": "Conv1d(3, 4, kernel_size=(3,), stride=(1,), padding=(1,))",
        "conv1d_grouped_same_even": (
            "Conv1d(4, 2, kernel_size=(4,), stride=(1,), padding=same, groups=2, bias=False)"
        ),
        "conv1d_strided_dilated_reflect": (
            "Conv1d(2, 3, kernel_size=(3,), stride=(2,), padding=(2,), dilation=(2,), padding_mode=reflect)"
        ),
        "conv1d_unbatched": "Conv1d(2, 2, kernel_size=(2,), stride=(3,))",
        "adaptive_avg_pool1d": "AdaptiveAvgPool1d(output_size=4)",
        "adaptive_max_pool1d": "AdaptiveMaxPool1d(output_size=3)",
    }
    for case, (kind, kwargs) in CASES.items():
        assert repr(getattr(nn, kind)(**kwargs)) == expected[case]
