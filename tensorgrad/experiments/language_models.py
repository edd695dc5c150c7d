"""Character-level language models for ``tensorgrad compare --dataset names``, from counts to a transformer.

Each model reads a context of ``block_size`` character ids (B, k) and returns the logits of the next
character (B, V), so the same training loop, loss (cross-entropy) and optimizer comparison serve them all:

``bigram``  Embedding(V, V): the last character's row is the next one's logits, a table of counts learned by
            gradient descent (makemore part 1).
``mlp``     Bengio et al. (2003): each context character embedded (10 numbers), the k embeddings side by
            side, a tanh hidden layer of 200, the logits (makemore part 2).
``lstm``    characters embedded (32), an LSTM of 128 over the context, the logits from its last hidden state.
``gpt``     token and position embeddings (64), two pre-norm transformer blocks with causal self-attention
            (4 heads, GELU as GPT-2's), a final LayerNorm, the logits at the last position (nanoGPT, very
            small).

``generate`` samples names from any of them: start from a context of boundary tokens, draw the next
character from softmax(logits / temperature), slide the context, stop at the boundary.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import nn
from ..autograd import no_grad
from ..creation import multinomial
from ..data.text import CharVocabulary
from ..nn import functional as F
from ..tensor import Tensor

#: how many characters each model reads to predict the next one
BLOCK_SIZE = 8


class Bigram(nn.Module):
    """logits = W[last character]: a (V, V) table, one row per character."""

    def __init__(self, vocab_size: int, block_size: int = BLOCK_SIZE) -> None:
        super().__init__()
        self.block_size = block_size
        self.table = nn.Embedding(vocab_size, vocab_size)

    def forward(self, context: Tensor) -> Tensor:
        return self.table(context[:, -1])


class BengioMLP(nn.Module):
    """Embed each of the k context characters, concatenate, tanh hidden layer, logits."""

    def __init__(self, vocab_size: int, block_size: int = BLOCK_SIZE, embed: int = 10, hidden: int = 200):
        super().__init__()
        self.block_size = block_size
        self.embedding = nn.Embedding(vocab_size, embed)
        self.hidden = nn.Linear(block_size * embed, hidden)
        self.out = nn.Linear(hidden, vocab_size)

    def forward(self, context: Tensor) -> Tensor:
        e = self.embedding(context).flatten(1)
        return self.out(self.hidden(e).tanh())


class CharLSTM(nn.Module):
    """Embed the context, run an LSTM over it, predict from the last hidden state."""

    def __init__(self, vocab_size: int, block_size: int = BLOCK_SIZE, embed: int = 32, hidden: int = 128):
        super().__init__()
        self.block_size = block_size
        self.embedding = nn.Embedding(vocab_size, embed)
        self.lstm = nn.LSTM(embed, hidden, batch_first=True)
        self.out = nn.Linear(hidden, vocab_size)

    def forward(self, context: Tensor) -> Tensor:
        output, _ = self.lstm(self.embedding(context))
        return self.out(output[:, -1])


class TinyGPT(nn.Module):
    """Token + position embeddings, causal pre-norm transformer blocks, a final LayerNorm, the logits of the
    next character at the last position."""

    def __init__(
        self,
        vocab_size: int,
        block_size: int = BLOCK_SIZE,
        d_model: int = 64,
        heads: int = 4,
        layers: int = 2,
    ) -> None:
        super().__init__()
        self.block_size = block_size
        self.token = nn.Embedding(vocab_size, d_model)
        self.position = nn.Embedding(block_size, d_model)
        block = nn.TransformerEncoderLayer(
            d_model, heads, 4 * d_model, dropout=0.0, activation=gelu_tanh, batch_first=True, norm_first=True
        )
        self.blocks = nn.TransformerEncoder(block, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(d_model)
        self.out = nn.Linear(d_model, vocab_size)
        mask = np.triu(np.full((block_size, block_size), -np.inf, dtype=np.float32), k=1)
        self.register_buffer("causal_mask", mask, persistent=False)

    def forward(self, context: Tensor) -> Tensor:
        steps = context.shape[1]
        x = self.token(context) + self.position.weight[:steps]
        x = self.blocks(x, mask=self.causal_mask[:steps, :steps], is_causal=True)
        return self.out(self.norm(x[:, -1]))


def gelu_tanh(x: Tensor) -> Tensor:
    """GELU with the tanh approximation, as GPT-2 (the exact one needs erf, slow on numpy)."""
    return F.gelu(x, approximate="tanh")


LANGUAGE_MODELS: dict[str, Callable[..., nn.Module]] = {
    "bigram": Bigram,
    "mlp": BengioMLP,
    "lstm": CharLSTM,
    "gpt": TinyGPT,
}


def generate(
    model: nn.Module,
    vocab: CharVocabulary,
    n: int = 20,
    temperature: float = 1.0,
    max_length: int = 30,
    generator: Any = None,
) -> list[str]:
    """``n`` samples from ``model``, drawn together: each starts from a context of boundary tokens and ends
    at the boundary (or after ``max_length`` characters). ``temperature`` divides the logits: below 1 the
    samples are safer, above 1 wilder."""
    if not (isinstance(n, int) and n >= 1):
        raise ValueError(f"generate: n must be a positive int, got {n!r}")
    if not temperature > 0:
        raise ValueError(f"generate: the temperature must be positive, got {temperature}")
    block = model.block_size
    context = np.full((n, block), vocab.boundary_id, dtype=np.int64)
    drawn = np.zeros((n, max_length), dtype=np.int64)
    done = np.zeros(n, dtype=bool)
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            for step in range(max_length):
                probs = F.softmax(model(Tensor(context)) / temperature, dim=-1)
                ids = multinomial(probs, 1, generator=generator).numpy()[:, 0]
                ids[done] = vocab.boundary_id
                drawn[:, step] = ids
                done |= ids == vocab.boundary_id
                context = np.concatenate([context[:, 1:], ids[:, None]], axis=1)
                if done.all():
                    break
    finally:
        model.train(was_training)
    names = []
    for row in drawn:
        ids = row.tolist()
        end = ids.index(vocab.boundary_id) if vocab.boundary_id in ids else len(ids)
        names.append(vocab.decode(ids[:end]))
    return names


def perplexity_table(runs: dict[str, Any], vocab: CharVocabulary, samples: dict[str, list[str]]) -> str:
    """Per optimizer: the held-out loss per character (nats and bits), the perplexity exp(loss) — how many
    characters the model is choosing between, on average (27 is a uniform guess) — and a few samples."""
    header = f"{'optimizer':<9}  {'loss/char':>9}  {'bits/char':>9}  {'perplexity':>10}  samples"
    lines = [header, "  ".join("-" * len(part) for part in header.split("  ")) + "-" * 20]
    for name, run in runs.items():
        losses = run.history.history.get("val_loss") or [float("nan")]
        loss = losses[-1]
        text = ", ".join(samples.get(name, []))
        lines.append(f"{name:<9}  {loss:>9.4f}  {loss / np.log(2):>9.4f}  {np.exp(loss):>10.3f}  {text}")
    lines.append(f"(a uniform guess over the {len(vocab)} characters has perplexity {len(vocab)})")
    return "\n".join(lines)


def checkpoint(model_name: str, model: nn.Module, vocab: CharVocabulary, optimizer: str) -> dict[str, Any]:
    """What ``tensorgrad sample`` needs to rebuild a trained model: its kind, its context length, the
    vocabulary (characters in id order) and the weights."""
    return {
        "kind": "tensorgrad.language_model",
        "model": model_name,
        "optimizer": optimizer,
        "block_size": model.block_size,
        "vocabulary": [vocab.itos[i] for i in range(len(vocab))],
        "state_dict": model.state_dict(),
    }


def from_checkpoint(saved: Any, path: str = "the checkpoint") -> tuple[nn.Module, CharVocabulary]:
    """The model and vocabulary a ``checkpoint`` dict describes (as ``tg.load`` read it back)."""
    if not (isinstance(saved, dict) and saved.get("kind") == "tensorgrad.language_model"):
        raise ValueError(
            f"{path} is not a language-model checkpoint written by `tensorgrad compare --dataset names`"
        )
    if saved["model"] not in LANGUAGE_MODELS:
        raise ValueError(f"{path}: unknown model {saved['model']!r}; known: {', '.join(LANGUAGE_MODELS)}")
    itos = saved["vocabulary"]
    vocab = CharVocabulary("".join(itos[1:]), boundary=itos[0])
    model = LANGUAGE_MODELS[saved["model"]](len(vocab), block_size=int(saved["block_size"]))
    model.load_state_dict(saved["state_dict"])
    return model, vocab
