"""W3: one training step of a small CNN on a batch of 64 MNIST-sized images (moved from benchmarks/cnn.py).

The network (float32, NCHW):
  conv 1->16 3x3 pad 1, ReLU, max-pool 2, conv 16->32 3x3 pad 1, ReLU, max-pool 2, flatten,
  dense 1568->10, softmax cross-entropy (mean over the batch);
then SGD with momentum 0.9 (PyTorch's: b = 0.9 b + g, p -= lr b), lr 0.01.

Implementations:
  numpy       forward and backward written by hand, the limit for a numpy framework: im2col by
              ``sliding_window_view`` + one copy and a matmul, col2im by a loop over the 9 kernel offsets,
              2x2 max-pool by four strided slices, ReLU in place, the softmax cross-entropy gradient fused,
              every large array a buffer allocated once (no page faults from fresh allocations each step)
  tensorgrad  as a user writes it: the network built by ``cnn(nn)`` (PyTorch's layer names, so the same
              function builds the torch model), ``nn.CrossEntropyLoss``, ``optim.SGD(momentum=0.9)``
  pytorch     the same with torch.nn and torch.optim on CPU tensors (its default threads)
All start from the same He-initialised weights and the same batch.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from . import frameworks, numpy_optim
from .base import Arrays, Bench

BATCH = 64
LR = 0.01
MOMENTUM = 0.9
# where each parameter of the hand-written network sits in the Sequential model (PyTorch's state-dict names)
LAYER_NAMES = {
    "w1": "0.weight",
    "b1": "0.bias",
    "w2": "3.weight",
    "b2": "3.bias",
    "w3": "7.weight",
    "b3": "7.bias",
}


class Data:
    """The batch and the He-initialised weights (state-dict names), from a fixed seed."""

    def __init__(self, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        self.x = rng.standard_normal((BATCH, 1, 28, 28)).astype(np.float32)
        self.y = rng.integers(0, 10, BATCH)

        def he(shape: tuple[int, ...], fan_in: int) -> np.ndarray:
            return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)

        params = {
            "w1": he((16, 1, 3, 3), 9),
            "b1": np.zeros(16, np.float32),
            "w2": he((32, 16, 3, 3), 144),
            "b2": np.zeros(32, np.float32),
            "w3": he((10, 1568), 1568),
            "b3": np.zeros(10, np.float32),
        }
        self.params: Arrays = {LAYER_NAMES[k]: v for k, v in params.items()}


def cnn(nn: Any) -> Any:
    """The network, written once with PyTorch's names: ``nn`` is ``tensorgrad.nn`` or ``torch.nn``."""
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(1568, 10),
    )


# ---------------------------------------------------------------------------- numpy, by hand
class Conv3x3:
    """3x3 convolution, stride 1, padding 1, of (n, c, h, w) images into c_out channels, with its buffers.

    forward: the zero-padded input (its border written once), its columns (n, c*9, h*w) by
    ``sliding_window_view`` and one copy, and one matmul per image, bias added in place.
    backward: d bias, d weight (a matmul per image, summed over the batch) and, when asked, d input:
    the columns' gradient W^T g, then col2im by one strided add per kernel offset, straight into the
    unpadded input gradient (the centre offset covers it exactly once, so it is assigned, not added).
    """

    def __init__(self, n: int, c: int, c_out: int, h: int, w: int) -> None:
        self.shape = (n, c, c_out, h, w)
        f32 = np.float32
        self.padded = np.zeros((n, c, h + 2, w + 2), f32)
        self.cols = np.empty((n, c * 9, h * w), f32)
        self.z = np.empty((n, c_out, h * w), f32)
        self.dw_per_image = np.empty((n, c_out, c * 9), f32)
        self.dw = np.empty((c_out, c, 3, 3), f32)
        self.db = np.empty(c_out, f32)
        self.dcols = np.empty((n, c * 9, h * w), f32)
        self.dx = np.empty((n, c, h, w), f32)

    def forward(self, x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
        n, c, c_out, h, w = self.shape
        self.padded[:, :, 1:-1, 1:-1] = x
        windows = sliding_window_view(self.padded, (3, 3), axis=(2, 3))  # (n, c, h, w, 3, 3), a view
        np.copyto(self.cols.reshape(n, c, 3, 3, h, w), windows.transpose(0, 1, 4, 5, 2, 3))
        np.matmul(weight.reshape(c_out, c * 9), self.cols, out=self.z)
        self.z += bias[:, None]
        return self.z.reshape(n, c_out, h, w)

    def backward(self, gz: np.ndarray, weight: np.ndarray, need_input_grad: bool) -> np.ndarray | None:
        """Fills ``self.dw`` and ``self.db``; returns d input (a buffer) if ``need_input_grad``."""
        n, c, c_out, h, w = self.shape
        g = gz.reshape(n, c_out, h * w)
        np.sum(g, axis=(0, 2), out=self.db)
        np.matmul(g, self.cols.transpose(0, 2, 1), out=self.dw_per_image)
        np.sum(self.dw_per_image, axis=0, out=self.dw.reshape(c_out, c * 9))
        if not need_input_grad:
            return None
        np.matmul(weight.reshape(c_out, c * 9).T, g, out=self.dcols)
        dcols = self.dcols.reshape(n, c, 3, 3, h, w)
        dx = self.dx
        dx[...] = dcols[:, :, 1, 1]  # x[oh + i - 1, ow + j - 1] += dcols[i, j, oh, ow]
        for i in range(3):
            rows_to, rows_from = (
                slice(max(0, i - 1), h + min(0, i - 1)),
                slice(max(0, 1 - i), h - max(0, i - 1)),
            )
            for j in range(3):
                if i != 1 or j != 1:
                    cols_to = slice(max(0, j - 1), w + min(0, j - 1))
                    cols_from = slice(max(0, 1 - j), w - max(0, j - 1))
                    dx[:, :, rows_to, cols_to] += dcols[:, :, i, j, rows_from, cols_from]
        return dx


class MaxPool2:
    """2x2 max-pool, stride 2, of (n, c, h, w) images, with its buffers: the max of the four strided
    slices; backward sends each window's gradient where its maximum was (four strided writes, no zeroing)."""

    def __init__(self, n: int, c: int, h: int, w: int) -> None:
        self.out = np.empty((n, c, h // 2, w // 2), np.float32)
        self.dx = np.empty((n, c, h, w), np.float32)

    def forward(self, x: np.ndarray) -> np.ndarray:
        out = self.out
        np.maximum(x[:, :, 0::2, 0::2], x[:, :, 0::2, 1::2], out=out)
        np.maximum(out, x[:, :, 1::2, 0::2], out=out)
        np.maximum(out, x[:, :, 1::2, 1::2], out=out)
        return out

    def backward(self, g: np.ndarray, x: np.ndarray) -> np.ndarray:
        for i in range(2):
            for j in range(2):
                np.multiply(g, x[:, :, i::2, j::2] == self.out, out=self.dx[:, :, i::2, j::2])
        return self.dx


class NumpyCNN:
    """The network's forward, fused softmax cross-entropy and backward, into preallocated buffers
    (parameters keyed w1 ... b3)."""

    def __init__(self, data: Data) -> None:
        names = {v: k for k, v in LAYER_NAMES.items()}
        self.p = {names[k]: v.copy() for k, v in data.params.items()}
        self.x, self.y = data.x, data.y
        n = data.x.shape[0]
        self.rows = np.arange(n)
        self.conv1, self.pool1 = Conv3x3(n, 1, 16, 28, 28), MaxPool2(n, 16, 28, 28)
        self.conv2, self.pool2 = Conv3x3(n, 16, 32, 14, 14), MaxPool2(n, 32, 14, 14)

    def grads(self) -> Arrays:
        """The gradients of the mean cross-entropy at the current parameters (keys w1 ... b3; w3 and b3 new
        arrays, the others the layers' buffers)."""
        p, n = self.p, self.x.shape[0]
        a1 = self.conv1.forward(self.x, p["w1"], p["b1"])
        np.maximum(a1, 0, out=a1)  # ReLU in place: a1 > 0 exactly where the conv output was
        h1 = self.pool1.forward(a1)
        a2 = self.conv2.forward(h1, p["w2"], p["b2"])
        np.maximum(a2, 0, out=a2)
        h2 = self.pool2.forward(a2)
        flat = h2.reshape(n, -1)
        probs = flat @ p["w3"].T
        probs += p["b3"]
        # softmax cross-entropy, fused: d loss / d logits = (softmax - onehot) / n
        probs -= probs.max(axis=1, keepdims=True)
        np.exp(probs, out=probs)
        probs /= probs.sum(axis=1, keepdims=True)
        picked = probs[self.rows, self.y]
        _loss = -np.log(picked).mean()
        dlogits = probs
        dlogits[self.rows, self.y] = picked - 1
        dlogits *= 1 / n
        grads = {"w3": dlogits.T @ flat, "b3": dlogits.sum(axis=0)}
        dz2 = self.pool2.backward((dlogits @ p["w3"]).reshape(h2.shape), a2)
        np.multiply(dz2, a2 > 0, out=dz2)
        dh1 = self.conv2.backward(dz2, p["w2"], need_input_grad=True)
        grads["w2"], grads["b2"] = self.conv2.dw, self.conv2.db
        dz1 = self.pool1.backward(dh1, a1)
        np.multiply(dz1, a1 > 0, out=dz1)
        self.conv1.backward(dz1, p["w1"], need_input_grad=False)
        grads["w1"], grads["b1"] = self.conv1.dw, self.conv1.db
        return grads


def numpy_bench(data: Data) -> Bench:
    """forward + backward by hand + SGD with momentum (numpy_optim.SGD), in place."""
    net = NumpyCNN(data)
    keys = list(net.p)
    optimizer = numpy_optim.SGD([net.p[k] for k in keys], lr=LR, momentum=MOMENTUM)

    def step() -> None:
        grads = net.grads()
        optimizer.step([grads[k] for k in keys])

    def grads() -> Arrays:
        return {LAYER_NAMES[k]: g.copy() for k, g in net.grads().items()}

    def state() -> Arrays:
        return {LAYER_NAMES[k]: v.copy() for k, v in net.p.items()}

    return Bench(step, grads, state)


# ---------------------------------------------------------------------------- tensorgrad, pytorch
def framework_bench(name: str, data: Data) -> Bench:
    return frameworks.training_step(
        frameworks.load(name),
        cnn,
        data.params,
        data.x,
        data.y,
        lambda optim, parameters: optim.SGD(parameters, lr=LR, momentum=MOMENTUM),
    )
