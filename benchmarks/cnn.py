"""One training step of a small CNN on a batch of 64 MNIST-sized images: forward, backward, SGD update.

The network (float32, NCHW):
  conv 1->16 3x3 pad 1, ReLU, max-pool 2, conv 16->32 3x3 pad 1, ReLU, max-pool 2, flatten,
  dense 1568->10, softmax cross-entropy (mean over the batch);
then SGD with momentum 0.9 (v = 0.9 v + g; p -= lr v).

Implementations, timed in one run, interleaved, on the same batch:
  numpy       forward and backward written by hand: im2col by ``sliding_window_view`` + one copy and a
              matmul, col2im by a loop over the 9 kernel offsets, 2x2 max-pool by four strided slices
              (the limit for a numpy framework)
  tensorgrad  as a user writes it: the network built by ``cnn(nn)`` (PyTorch's layer names, so the same
              function builds the torch model), ``nn.CrossEntropyLoss``, ``optim.SGD(momentum=0.9)``
  pytorch     the same with torch.nn and torch.optim on CPU tensors (only if torch is installed; its
              default threads, OpenMP told to wait passively)

Before timing, the gradients of all implementations are checked to agree (rtol 1e-4) on the same
parameters, so the comparison is honest.

Run: ``python benchmarks/cnn.py [--repeats 40]``. Reports the median ms per step, min-max, and the ratio of
each to the numpy limit and to PyTorch; ``--json FILE`` also writes the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from report import interleaved, markdown_table, medians

import tensorgrad as tg
from tensorgrad import nn, optim

# PyTorch's OpenMP threads otherwise spin after each op, stealing the cores from numpy's BLAS threads in
# the next implementation's turn (steps of 1 s instead of 20 ms on a 2-core machine). Set before torch loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

BATCH = 64
LR = 0.01
MOMENTUM = 0.9
Params = dict[str, np.ndarray]
GradFn = Callable[[np.ndarray, np.ndarray], Params]
StepFn = Callable[[np.ndarray, np.ndarray], None]
Implementation = tuple[GradFn, StepFn]  # (gradients at the current parameters, one training step)


def init_params(seed: int = 0) -> Params:
    """He-initialised parameters, PyTorch's layouts: conv (C_out, C_in, kh, kw), dense (out, in)."""
    rng = np.random.default_rng(seed)

    def he(shape: tuple[int, ...], fan_in: int) -> np.ndarray:
        return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)

    return {
        "w1": he((16, 1, 3, 3), 9),
        "b1": np.zeros(16, np.float32),
        "w2": he((32, 16, 3, 3), 144),
        "b2": np.zeros(32, np.float32),
        "w3": he((10, 1568), 1568),
        "b3": np.zeros(10, np.float32),
    }


# ---------------------------------------------------------------------------- numpy, by hand
def np_conv3x3(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """3x3 convolution, stride 1, padding 1. Returns the output and the columns (kept for backward)."""
    n, c, h, wd = x.shape
    c_out = w.shape[0]
    xp = np.zeros((n, c, h + 2, wd + 2), x.dtype)
    xp[:, :, 1:-1, 1:-1] = x
    windows = sliding_window_view(xp, (3, 3), axis=(2, 3))  # (n, c, h, w, 3, 3), a view
    cols = windows.transpose(0, 1, 4, 5, 2, 3).reshape(n, c * 9, h * wd)  # the one copy
    z = w.reshape(c_out, c * 9) @ cols  # (n, c_out, h*w)
    z += b[:, None]
    return z.reshape(n, c_out, h, wd), cols


def np_conv3x3_backward(
    gz: np.ndarray, cols: np.ndarray, w: np.ndarray, need_input_grad: bool
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """Gradients (input, weight, bias) of ``np_conv3x3`` given the gradient of its output."""
    n, c_out, h, wd = gz.shape
    c = w.shape[1]
    g = gz.reshape(n, c_out, h * wd)
    db = g.sum(axis=(0, 2))
    dw = (g @ cols.transpose(0, 2, 1)).sum(axis=0).reshape(w.shape)
    if not need_input_grad:
        return None, dw, db
    dcols = (w.reshape(c_out, c * 9).T @ g).reshape(n, c, 3, 3, h, wd)
    dxp = np.zeros((n, c, h + 2, wd + 2), gz.dtype)
    for i in range(3):  # col2im: one strided add per kernel offset
        for j in range(3):
            dxp[:, :, i : i + h, j : j + wd] += dcols[:, :, i, j]
    return dxp[:, :, 1:-1, 1:-1], dw, db


def np_maxpool2(x: np.ndarray) -> np.ndarray:
    """2x2 max-pool, stride 2: the max of the four strided slices."""
    return np.maximum(
        np.maximum(x[:, :, 0::2, 0::2], x[:, :, 0::2, 1::2]),
        np.maximum(x[:, :, 1::2, 0::2], x[:, :, 1::2, 1::2]),
    )


def np_maxpool2_backward(g: np.ndarray, x: np.ndarray, out: np.ndarray) -> np.ndarray:
    """The gradient of ``np_maxpool2``: each window's gradient goes where its maximum was."""
    dx = np.empty_like(x)
    for i in range(2):
        for j in range(2):
            np.multiply(g, x[:, :, i::2, j::2] == out, out=dx[:, :, i::2, j::2])
    return dx


def numpy_grads(x: np.ndarray, y: np.ndarray, p: Params) -> Params:
    """The gradients of the mean cross-entropy with respect to the parameters ``p``, all by hand."""
    n = x.shape[0]
    z1, cols1 = np_conv3x3(x, p["w1"], p["b1"])
    a1 = np.maximum(z1, 0)
    h1 = np_maxpool2(a1)
    z2, cols2 = np_conv3x3(h1, p["w2"], p["b2"])
    a2 = np.maximum(z2, 0)
    h2 = np_maxpool2(a2)
    flat = h2.reshape(n, -1)
    logits = flat @ p["w3"].T + p["b3"]
    shifted = logits - logits.max(axis=1, keepdims=True)
    probs = np.exp(shifted)
    probs /= probs.sum(axis=1, keepdims=True)
    # backward
    dlogits = probs
    dlogits[np.arange(n), y] -= 1
    dlogits /= n
    grads = {"w3": dlogits.T @ flat, "b3": dlogits.sum(axis=0)}
    dh2 = (dlogits @ p["w3"]).reshape(h2.shape)
    dz2 = np_maxpool2_backward(dh2, a2, h2)
    dz2 *= z2 > 0
    dh1, grads["w2"], grads["b2"] = np_conv3x3_backward(dz2, cols2, p["w2"], need_input_grad=True)
    dz1 = np_maxpool2_backward(dh1, a1, h1)
    dz1 *= z1 > 0
    _, grads["w1"], grads["b1"] = np_conv3x3_backward(dz1, cols1, p["w1"], need_input_grad=False)
    return grads


# ---------------------------------------------------------------------------- tensorgrad
# where each parameter of ``init_params`` sits in the Sequential models (PyTorch's state-dict names)
LAYER_NAMES = {
    "w1": "0.weight",
    "b1": "0.bias",
    "w2": "3.weight",
    "b2": "3.bias",
    "w3": "7.weight",
    "b3": "7.bias",
}


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


def tensorgrad_implementation(p: Params) -> Implementation:
    """The network as a user writes it: nn layers, CrossEntropyLoss, optim.SGD with momentum."""
    model = cnn(nn)
    model.load_state_dict({LAYER_NAMES[k]: v for k, v in p.items()})
    params = dict(model.named_parameters())
    loss_fn = nn.CrossEntropyLoss()
    optimizer = optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)

    def grads(x: np.ndarray, y: np.ndarray) -> Params:
        model.zero_grad()
        loss_fn(model(tg.tensor(x)), y).backward()
        return {k: params[name].grad.data for k, name in LAYER_NAMES.items()}

    def step(x: np.ndarray, y: np.ndarray) -> None:
        optimizer.zero_grad()
        loss = loss_fn(model(tg.from_numpy(x)), y)
        loss.backward()
        optimizer.step()

    return grads, step


# ---------------------------------------------------------------------------- pytorch
def torch_implementation(p: Params) -> Implementation | None:
    """As ``tensorgrad_implementation``, with torch.nn and torch.optim; None if torch is not installed."""
    try:
        import torch
    except ImportError:
        return None
    model = cnn(torch.nn)
    model.load_state_dict({LAYER_NAMES[k]: torch.from_numpy(v.copy()) for k, v in p.items()})
    params = dict(model.named_parameters())
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)

    def grads(x: np.ndarray, y: np.ndarray) -> Params:
        model.zero_grad()
        loss_fn(model(torch.from_numpy(x)), torch.from_numpy(y)).backward()
        return {k: params[name].grad.numpy() for k, name in LAYER_NAMES.items()}

    def step(x: np.ndarray, y: np.ndarray) -> None:
        optimizer.zero_grad()
        loss = loss_fn(model(torch.from_numpy(x)), torch.from_numpy(y))
        loss.backward()
        optimizer.step()

    return grads, step


# ---------------------------------------------------------------------------- numpy: the step
def numpy_implementation(p: Params) -> Implementation:
    """forward + backward by hand + SGD with momentum (v = 0.9 v + g; p -= lr v), in place."""
    params = {k: v.copy() for k, v in p.items()}
    velocity = {k: np.zeros_like(v) for k, v in params.items()}

    def step(x: np.ndarray, y: np.ndarray) -> None:
        for k, g in numpy_grads(x, y, params).items():
            v = velocity[k]
            v *= MOMENTUM
            v += g
            params[k] -= LR * v

    return (lambda x, y: numpy_grads(x, y, params)), step


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    x = rng.standard_normal((BATCH, 1, 28, 28)).astype(np.float32)
    y = rng.integers(0, 10, BATCH)
    start = init_params()

    implementations: dict[str, Implementation] = {
        "numpy": numpy_implementation(start),
        "tensorgrad": tensorgrad_implementation(start),
    }
    torch_impl = torch_implementation(start)
    if torch_impl is not None:
        implementations["pytorch"] = torch_impl

    # honest comparison: on the same parameters, all compute the same gradients
    reference = numpy_grads(x, y, start)
    for name, (fn, _) in implementations.items():
        for key, g in fn(x, y).items():
            assert g.dtype == np.float32, (name, key, g.dtype)
            np.testing.assert_allclose(g, reference[key], rtol=1e-4, atol=1e-6, err_msg=f"{name} {key}")

    steps = {name: step for name, (_, step) in implementations.items()}
    for step in steps.values():  # warm-up: caches, allocator, BLAS threads
        step(x, y)
    times = interleaved({name: partial(step, x, y) for name, step in steps.items()}, args.repeats, 1e3)

    median = medians(times)
    print(
        f"CNN training step: batch {BATCH}x1x28x28 float32, conv16-pool-conv32-pool-dense10, "
        "cross-entropy, SGD momentum"
    )
    print(f"median of {args.repeats} interleaved runs\n")
    print(markdown_table(times, "ms per step"))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"batch": BATCH, "median_ms_per_step": median, "runs_ms_per_step": times}, f, indent=2)


if __name__ == "__main__":
    main()
