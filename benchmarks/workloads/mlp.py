"""W1 and W2: one training step of a multilayer perceptron classifier.

The network: ``Linear -> ReLU -> ... -> Linear`` (layer sizes given), softmax cross-entropy (mean over the
batch), then an optimizer step; float32. The step timed is forward, loss, backward, update and zero grad.

Implementations:
  numpy       written by hand, the limit for a numpy framework: preallocated buffers (``np.dot(..., out=)``,
              in-place bias add, ReLU and its mask), the softmax and the cross-entropy gradient fused
              (``probs - onehot``, divided by the batch), plain numpy SGD / Adam (``numpy_optim``).
  tensorgrad  as a user writes it: ``nn.Sequential(nn.Linear, nn.ReLU, ...)``, ``nn.CrossEntropyLoss``,
              ``optim.SGD`` / ``optim.Adam``, ``optimizer.zero_grad(); loss.backward(); optimizer.step()``.
  pytorch     the same code with torch.nn / torch.optim on CPU tensors.
All three start from the same weights (PyTorch's default init, drawn once with numpy) and the same batch.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from . import frameworks, numpy_optim
from .base import Arrays, Bench

OPTIMIZERS = ("sgd", "adam")


class Data:
    """The batch and the initial weights (state-dict names) of one MLP workload, from a fixed seed."""

    def __init__(self, sizes: tuple[int, ...], batch: int, optimizer: str, lr: float, seed: int = 0) -> None:
        if optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}")
        self.sizes, self.optimizer, self.lr = sizes, optimizer, lr
        rng = np.random.default_rng(seed)
        self.x = rng.standard_normal((batch, sizes[0])).astype(np.float32)
        self.y = rng.integers(0, sizes[-1], batch)  # int64 class labels
        self.params: Arrays = {}
        for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
            bound = 1 / np.sqrt(n_in)  # PyTorch's default Linear init: U(-1/sqrt(in), 1/sqrt(in))
            self.params[f"{2 * i}.weight"] = rng.uniform(-bound, bound, (n_out, n_in)).astype(np.float32)
            self.params[f"{2 * i}.bias"] = rng.uniform(-bound, bound, n_out).astype(np.float32)


def model(nn: Any, sizes: tuple[int, ...]) -> Any:
    """The network, ``nn`` being ``tensorgrad.nn`` or ``torch.nn``; children "0", "2", ... are the Linears."""
    layers: list[Any] = []
    for n_in, n_out in itertools.pairwise(sizes):
        layers += [nn.Linear(n_in, n_out), nn.ReLU()]
    return nn.Sequential(*layers[:-1])


# ---------------------------------------------------------------------------- numpy, by hand
class NumpyMLP:
    """Forward, fused softmax cross-entropy, backward and update, all into preallocated float32 buffers."""

    def __init__(self, data: Data) -> None:
        self.x, self.y = data.x, data.y
        batch = data.x.shape[0]
        self.rows = np.arange(batch)
        n = len(data.sizes) - 1
        self.weights = [data.params[f"{2 * i}.weight"].copy() for i in range(n)]
        self.biases = [data.params[f"{2 * i}.bias"].copy() for i in range(n)]
        # outputs[i]: layer i's output, ReLU'd in place for hidden layers (so it is also the next input)
        self.outputs = [np.empty((batch, w.shape[0]), np.float32) for w in self.weights]
        # deltas[i]: the gradient with respect to layer i's input (for i >= 1)
        self.deltas = [np.empty((batch, w.shape[1]), np.float32) for w in self.weights]
        self.weight_grads = [np.empty_like(w) for w in self.weights]
        self.bias_grads = [np.empty_like(b) for b in self.biases]
        params = [p for pair in zip(self.weights, self.biases) for p in pair]
        if data.optimizer == "sgd":
            self.optimizer: Any = numpy_optim.SGD(params, lr=data.lr)
        else:
            self.optimizer = numpy_optim.Adam(params, lr=data.lr)

    def backprop(self) -> float:
        """Fill the gradient buffers; return the loss."""
        a = self.x
        last = len(self.weights) - 1
        for i, (w, b, z) in enumerate(zip(self.weights, self.biases, self.outputs)):
            np.dot(a, w.T, out=z)
            z += b
            if i < last:
                np.maximum(z, 0, out=z)
            a = z
        # softmax cross-entropy, fused: probs in place of the logits, then d loss / d logits = (p - 1_y) / N
        probs = a
        probs -= probs.max(axis=1, keepdims=True)
        np.exp(probs, out=probs)
        probs /= probs.sum(axis=1, keepdims=True)
        picked = probs[self.rows, self.y]
        loss = -float(np.log(picked).mean())
        probs[self.rows, self.y] = picked - 1
        probs *= 1 / len(self.rows)
        g = probs
        for i in range(last, -1, -1):
            a_in = self.x if i == 0 else self.outputs[i - 1]
            np.dot(g.T, a_in, out=self.weight_grads[i])
            np.sum(g, axis=0, out=self.bias_grads[i])
            if i > 0:
                d = self.deltas[i]
                np.dot(g, self.weights[i], out=d)
                np.multiply(d, a_in > 0, out=d)  # ReLU's gradient: its output is > 0 where its input was
                g = d
        return loss

    def step(self) -> None:
        self.backprop()
        self.optimizer.step([g for pair in zip(self.weight_grads, self.bias_grads) for g in pair])

    def grads(self) -> Arrays:
        self.backprop()
        out: Arrays = {}
        for i, (gw, gb) in enumerate(zip(self.weight_grads, self.bias_grads)):
            out[f"{2 * i}.weight"], out[f"{2 * i}.bias"] = gw.copy(), gb.copy()
        return out

    def params(self) -> Arrays:
        out: Arrays = {}
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            out[f"{2 * i}.weight"], out[f"{2 * i}.bias"] = w.copy(), b.copy()
        return out


def numpy_bench(data: Data) -> Bench:
    net = NumpyMLP(data)
    return Bench(net.step, net.grads, net.params)


# ---------------------------------------------------------------------------- tensorgrad, pytorch
def framework_bench(name: str, data: Data) -> Bench:
    fw = frameworks.load(name)

    def make_optimizer(optim: Any, parameters: Any) -> Any:
        if data.optimizer == "sgd":
            return optim.SGD(parameters, lr=data.lr)
        return optim.Adam(parameters, lr=data.lr)  # betas (0.9, 0.999), eps 1e-8: PyTorch's defaults

    return frameworks.training_step(
        fw, lambda nn: model(nn, data.sizes), data.params, data.x, data.y, make_optimizer
    )
