"""Reference values from PyTorch for LayerNorm, MultiheadAttention and the Transformer layers.

Provenance: run once with PyTorch 2.13.0+cpu (``/tmp/torchvenv/bin/python
scripts/make_sequence_fixtures_attention.py``), seed 0, float32, one thread. It writes
``tests/fixtures/attention.npz``, read by ``tests/test_transformer.py``; tensorgrad never imports torch.

Each case builds a torch module, perturbs its parameters (so that biases and norm weights are not their
initial zeros and ones), and saves under ``<case>/``: the state dict (``state/<name>``), the inputs, the
module's outputs and the gradients of the scalar loss sum(output * R) (R a fixed random array saved as
``probe``; the attention weights get their own probe) with respect to the inputs (``grad_in/<name>``) and
every parameter (``grad``). State dicts and parameter gradients are packed, each into one flat array with
an index of ``name:shape`` strings (``state_index``, ``grad_index``). The cases:

* ``ln``: LayerNorm((3, 4)) on (2, 5, 3, 4).
* ``mha_self``: MultiheadAttention(8, 2, batch_first=True), self-attention with a bool attn_mask (True:
  masked out) and a bool key_padding_mask, need_weights=True (weights averaged over heads).
* ``mha_cross``: MultiheadAttention(8, 2, kdim=5, vdim=6, batch_first=True), float attn_mask and float
  key_padding_mask, need_weights=False.
* ``enc_post``: TransformerEncoder of 2 layers (d_model 8, 2 heads, feed-forward 16, dropout 0, training
  mode), relu, norm_first=False, a final LayerNorm, a causal float mask and a bool key padding mask.
* ``enc_pre``: the same with norm_first=True, activation gelu, dropout 0.1 in eval mode, a bool causal
  mask and no final norm.
* ``enc_nested``: norm_first=False, eval mode under no_grad, a key padding mask at the end of each
  sequence: PyTorch's nested-tensor path, which gives 0 at padded positions (output only).
* ``transformer``: Transformer(d_model 8, 2 heads, 1 + 1 layers, feed-forward 16, dropout 0,
  batch_first=True) with a causal tgt_mask and a src key padding mask.

What a user gets is what is saved: torch chooses its own kernels (fused inference paths in eval mode).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import nn

OUT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "attention.npz"


def perturb(module: nn.Module) -> None:
    with torch.no_grad():
        for p in module.parameters():
            p.add_(0.2 * torch.randn_like(p))


def pack(store: dict, key: str, arrays: dict) -> None:
    """Many small arrays as one: ``key`` the values one after another (flattened), ``key + "_index"`` the
    names with their shapes, ``name:2x3`` (a zip entry per array would make the file several times larger)."""
    store[key] = np.concatenate([a.reshape(-1) for a in arrays.values()]).astype(np.float32)
    store[key + "_index"] = np.array([f"{n}:{'x'.join(map(str, a.shape))}" for n, a in arrays.items()])


def save_case(store: dict, case: str, module: nn.Module, inputs: dict, outputs: dict, probes: dict) -> None:
    """State dict, inputs, outputs, the loss sum(output * probe) over ``outputs`` and its gradients."""
    pack(store, f"{case}/state", {n: v.detach().numpy() for n, v in module.state_dict().items()})
    for name, value in inputs.items():
        store[f"{case}/in/{name}"] = value.detach().numpy().copy()
    loss = 0
    for name, value in outputs.items():
        store[f"{case}/out/{name}"] = value.detach().numpy().copy()
        if name in probes:
            store[f"{case}/probe/{name}"] = probes[name].numpy()
            loss = loss + (value * probes[name]).sum()
    if not isinstance(loss, int):
        loss.backward()
        for name, value in inputs.items():
            if value.requires_grad:
                store[f"{case}/grad_in/{name}"] = value.grad.numpy().copy()
        pack(store, f"{case}/grad", {n: p.grad.numpy() for n, p in module.named_parameters()})


def leaf(*shape: int) -> torch.Tensor:
    return torch.randn(*shape).requires_grad_()


def main() -> None:
    torch.manual_seed(0)
    torch.set_num_threads(1)
    store: dict[str, np.ndarray] = {}

    ln = nn.LayerNorm((3, 4))
    perturb(ln)
    x = leaf(2, 5, 3, 4)
    out = ln(x)
    save_case(store, "ln", ln, {"x": x}, {"y": out}, {"y": torch.randn(out.shape)})

    mha = nn.MultiheadAttention(8, 2, batch_first=True)
    perturb(mha)
    x = leaf(2, 4, 8)
    attn_mask = torch.zeros(4, 4, dtype=torch.bool)
    attn_mask[0, 3] = attn_mask[2, 1] = True
    kpm = torch.tensor([[False, False, False, False], [False, False, True, True]])
    out, weights = mha(x, x, x, key_padding_mask=kpm, attn_mask=attn_mask, need_weights=True)
    store["mha_self/in/attn_mask"], store["mha_self/in/key_padding_mask"] = attn_mask.numpy(), kpm.numpy()
    probes = {"out": torch.randn(out.shape), "weights": torch.randn(weights.shape)}
    save_case(store, "mha_self", mha, {"x": x}, {"out": out, "weights": weights}, probes)

    mha = nn.MultiheadAttention(8, 2, kdim=5, vdim=6, batch_first=True)
    perturb(mha)
    q, k, v = leaf(2, 3, 8), leaf(2, 4, 5), leaf(2, 4, 6)
    attn_mask = torch.randn(3, 4)
    kpm = torch.zeros(2, 4)
    kpm[1, 0] = float("-inf")
    out, none = mha(q, k, v, key_padding_mask=kpm, attn_mask=attn_mask, need_weights=False)
    assert none is None
    store["mha_cross/in/attn_mask"], store["mha_cross/in/key_padding_mask"] = attn_mask.numpy(), kpm.numpy()
    save_case(
        store, "mha_cross", mha, {"q": q, "k": k, "v": v}, {"out": out}, {"out": torch.randn(out.shape)}
    )

    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True)
    enc = nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(8), enable_nested_tensor=False)
    perturb(enc)
    x = leaf(2, 5, 8)
    mask = nn.Transformer.generate_square_subsequent_mask(5)
    kpm = torch.tensor([[False] * 5, [False, False, False, True, True]])
    out = enc(x, mask=mask, src_key_padding_mask=kpm)
    store["enc_post/in/mask"], store["enc_post/in/src_key_padding_mask"] = mask.numpy(), kpm.numpy()
    save_case(store, "enc_post", enc, {"x": x}, {"y": out}, {"y": torch.randn(out.shape)})

    layer = nn.TransformerEncoderLayer(
        8, 2, 16, dropout=0.1, activation="gelu", batch_first=True, norm_first=True
    )
    enc = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
    perturb(enc)
    enc.eval()
    x = leaf(2, 5, 8)
    mask = torch.triu(torch.ones(5, 5, dtype=torch.bool), 1)
    out = enc(x, mask=mask)
    store["enc_pre/in/mask"] = mask.numpy()
    save_case(store, "enc_pre", enc, {"x": x}, {"y": out}, {"y": torch.randn(out.shape)})

    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.1, batch_first=True)
    enc = nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(8))
    perturb(enc)
    enc.eval()
    x = torch.randn(3, 5, 8)
    kpm = torch.tensor([[False] * 5, [False, False, False, True, True], [False, True, True, True, True]])
    with torch.no_grad():
        out = enc(x, src_key_padding_mask=kpm)
    assert (out[1, 3:] == enc.norm.bias).all()  # the padded positions were 0 before the final norm
    store["enc_nested/in/src_key_padding_mask"] = kpm.numpy()
    save_case(store, "enc_nested", enc, {"x": x}, {"y": out}, {})

    model = nn.Transformer(8, 2, 1, 1, 16, dropout=0.0, batch_first=True)
    perturb(model)
    src, tgt = leaf(2, 5, 8), leaf(2, 4, 8)
    tgt_mask = nn.Transformer.generate_square_subsequent_mask(4)
    kpm = torch.tensor([[False] * 5, [False, False, False, False, True]])
    out = model(src, tgt, tgt_mask=tgt_mask, src_key_padding_mask=kpm, memory_key_padding_mask=kpm)
    store["transformer/in/tgt_mask"], store["transformer/in/src_key_padding_mask"] = (
        tgt_mask.numpy(),
        kpm.numpy(),
    )
    save_case(
        store, "transformer", model, {"src": src, "tgt": tgt}, {"y": out}, {"y": torch.randn(out.shape)}
    )

    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, **store)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(store)} arrays)")


if __name__ == "__main__":
    main()
