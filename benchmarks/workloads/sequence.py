"""W6 and W7: one training step of a character-level language model, a recurrent one and a transformer.

Both read a batch of 32 sequences of 64 characters (a vocabulary of 65, as Shakespeare's), predict the next
character at every position (a Linear to the vocabulary), and take the mean softmax cross-entropy over all
32 x 64 positions; float32. The step timed is zero grad, forward, loss, backward and the optimizer's step.

  W6  char-LSTM: ``Embedding(65, 64)``, ``LSTM(64, 256, batch_first=True)`` (one layer, as a char-RNN is
      written in PyTorch), ``Linear(256, 65)`` at every position; Adam lr 1e-3.
  W7  small GPT: token ``Embedding(65, 128)`` + position ``Embedding(64, 128)``, four
      ``TransformerEncoderLayer(128, 4, 512, dropout=0, activation="gelu", batch_first=True,
      norm_first=True)`` in a ``TransformerEncoder`` with the causal mask, a final ``LayerNorm(128)``,
      ``Linear(128, 65)``; AdamW lr 1e-3, weight decay 0.01 (PyTorch's default, on every parameter).

Implementations:
  tensorgrad  as a user writes it: the model class below, built from ``tensorgrad.nn``,
              ``nn.CrossEntropyLoss``, ``optim.Adam`` / ``optim.AdamW``, the step of ``frameworks``.
  pytorch     the same code with torch.nn / torch.optim on CPU tensors.
There is no hand-written numpy limit for these two (it would be a long program of its own: LSTM and
attention backward by hand); the ratio reported is tensorgrad's to PyTorch's. Both start from the same
weights (PyTorch's default initialisation of each layer, drawn once with numpy) and the same batch.

The gradient check's reference (``reference_bench``, key "float64") is the tensorgrad model in float64,
whose gradients are first checked against central differences of its loss (``gradient_check``); both timed
implementations, tensorgrad and PyTorch in float32, must then agree with it. PyTorch agreeing with the same
reference is the independent check that tensorgrad computes PyTorch's function, not only a consistent one.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np

from . import frameworks
from .base import Arrays, Bench

VOCAB, BATCH, LENGTH = 65, 32, 64
LR = 1e-3
WEIGHT_DECAY = 0.01  # AdamW's (W7)
MODELS = ("lstm", "gpt")
# W6
EMBED, HIDDEN = 64, 256
# W7
D_MODEL, HEADS, LAYERS = 128, 4, 4


class Data:
    """The batch (``x`` tokens (32, 64), ``y`` the next tokens, flattened to (2048,)) and the initial weights
    (state-dict names) of one model, from a fixed seed."""

    def __init__(self, model: str, seed: int = 0) -> None:
        if model not in MODELS:
            raise ValueError(f"model must be one of {MODELS}, got {model!r}")
        self.model = model
        rng = np.random.default_rng(seed)
        tokens = rng.integers(0, VOCAB, (BATCH, LENGTH + 1))  # int64, as a DataLoader gives them
        self.x, self.y = tokens[:, :-1].copy(), tokens[:, 1:].reshape(-1).copy()
        self.params = lstm_params(rng) if model == "lstm" else gpt_params(rng)


# ---------------------------------------------------------------------------- initial weights (numpy)
def _uniform(rng: np.random.Generator, bound: float, *shape: int) -> np.ndarray:
    return rng.uniform(-bound, bound, shape).astype(np.float32)


def _linear(rng: np.random.Generator, name: str, n_in: int, n_out: int, bias: str = "default") -> Arrays:
    """PyTorch's Linear init: weight and bias U(-1/sqrt(in), 1/sqrt(in)); ``bias="zeros"`` as
    MultiheadAttention's out_proj."""
    bound = 1 / np.sqrt(n_in)
    b = np.zeros(n_out, np.float32) if bias == "zeros" else _uniform(rng, bound, n_out)
    return {f"{name}.weight": _uniform(rng, bound, n_out, n_in), f"{name}.bias": b}


def _layer_norm(name: str, n: int) -> Arrays:
    return {f"{name}.weight": np.ones(n, np.float32), f"{name}.bias": np.zeros(n, np.float32)}


def lstm_params(rng: np.random.Generator) -> Arrays:
    bound = 1 / np.sqrt(HIDDEN)
    params = {"embed.weight": rng.standard_normal((VOCAB, EMBED)).astype(np.float32)}
    for kind, n_in in (("ih", EMBED), ("hh", HIDDEN)):
        params[f"lstm.weight_{kind}_l0"] = _uniform(rng, bound, 4 * HIDDEN, n_in)
    for kind in ("ih", "hh"):
        params[f"lstm.bias_{kind}_l0"] = _uniform(rng, bound, 4 * HIDDEN)
    return {**params, **_linear(rng, "head", HIDDEN, VOCAB)}


def gpt_params(rng: np.random.Generator) -> Arrays:
    d = D_MODEL
    params = {
        "tok.weight": rng.standard_normal((VOCAB, d)).astype(np.float32),
        "pos.weight": rng.standard_normal((LENGTH, d)).astype(np.float32),
    }
    for i in range(LAYERS):
        p = f"blocks.layers.{i}"
        params[f"{p}.self_attn.in_proj_weight"] = _uniform(rng, np.sqrt(6 / (d + 3 * d)), 3 * d, d)  # xavier
        params[f"{p}.self_attn.in_proj_bias"] = np.zeros(3 * d, np.float32)
        params.update(_linear(rng, f"{p}.self_attn.out_proj", d, d, bias="zeros"))
        params.update(_linear(rng, f"{p}.linear1", d, 4 * d))
        params.update(_linear(rng, f"{p}.linear2", 4 * d, d))
        params.update(_layer_norm(f"{p}.norm1", d))
        params.update(_layer_norm(f"{p}.norm2", d))
    return {**params, **_layer_norm("ln_f", d), **_linear(rng, "head", d, VOCAB)}


# ---------------------------------------------------------------------------- the models, written once
def char_lstm(fw: frameworks.Framework) -> Any:
    """The char-LSTM with ``fw``'s nn (tensorgrad's or torch's): logits (batch * length, vocab)."""
    nn = fw.nn

    class CharLSTM(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.Embedding(VOCAB, EMBED)
            self.lstm = nn.LSTM(EMBED, HIDDEN, batch_first=True)
            self.head = nn.Linear(HIDDEN, VOCAB)

        def forward(self, tokens: Any) -> Any:
            out, _ = self.lstm(self.embed(tokens))
            return self.head(out).reshape(-1, VOCAB)

    return CharLSTM()


def gpt(fw: frameworks.Framework) -> Any:
    """The small GPT with ``fw``'s nn: logits (batch * length, vocab)."""
    nn = fw.nn

    class GPT(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.tok = nn.Embedding(VOCAB, D_MODEL)
            self.pos = nn.Embedding(LENGTH, D_MODEL)
            layer = nn.TransformerEncoderLayer(
                D_MODEL, HEADS, 4 * D_MODEL, dropout=0.0, activation="gelu", batch_first=True, norm_first=True
            )
            # enable_nested_tensor=False: PyTorch warns that norm_first layers cannot use it anyway
            self.blocks = nn.TransformerEncoder(layer, LAYERS, enable_nested_tensor=False)
            self.ln_f = nn.LayerNorm(D_MODEL)
            self.head = nn.Linear(D_MODEL, VOCAB)
            self.positions = fw.as_tensor(np.arange(LENGTH))
            self.mask = nn.Transformer.generate_square_subsequent_mask(LENGTH)

        def forward(self, tokens: Any) -> Any:
            x = self.tok(tokens) + self.pos(self.positions)
            x = self.blocks(x, mask=self.mask, is_causal=True)
            return self.head(self.ln_f(x)).reshape(-1, VOCAB)

    return GPT()


MODEL_BUILDERS = {"lstm": char_lstm, "gpt": gpt}


def make_optimizer(model: str, optim: Any, parameters: Any) -> Any:
    if model == "lstm":
        return optim.Adam(parameters, lr=LR)  # betas (0.9, 0.999), eps 1e-8: PyTorch's defaults
    return optim.AdamW(parameters, lr=LR, weight_decay=WEIGHT_DECAY)


# ---------------------------------------------------------------------------- tensorgrad, pytorch
def framework_bench(name: str, data: Data) -> Bench:
    fw = frameworks.load(name)
    return frameworks.training_step(
        fw,
        lambda nn: MODEL_BUILDERS[data.model](fw),
        data.params,
        data.x,
        data.y,
        partial(make_optimizer, data.model),
    )


# ---------------------------------------------------------------------------- the check's reference
def reference_bench(data: Data) -> Bench:
    """tensorgrad's model in float64 (weights cast up from the float32 ones): the gradient check's
    reference, with ``loss_at`` for its finite differences."""
    fw = frameworks.load("tensorgrad")
    params64 = {k: v.astype(np.float64) for k, v in data.params.items()}
    return frameworks.training_step(
        fw,
        lambda nn: MODEL_BUILDERS[data.model](fw).double(),
        params64,
        data.x,
        data.y,
        partial(make_optimizer, data.model),
    )
