"""tensorgrad and PyTorch behind one small interface, and the training step as a user writes it.

The two frameworks share PyTorch's API (``nn.Sequential``, ``nn.Linear``, ``nn.CrossEntropyLoss``,
``optim.SGD`` ...), so each model and each training step is written once, here and in the workload files,
and run by both. A framework is imported only by the worker process that uses it (``load``), so the numpy
worker's time and memory owe nothing to tensorgrad or torch.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .base import Arrays, Bench

FRAMEWORKS = ("tensorgrad", "pytorch")


@dataclass(frozen=True)
class Framework:
    name: str
    nn: Any
    optim: Any
    as_tensor: Callable[[np.ndarray], Any]  # a numpy array -> the framework's tensor (no copy)
    tensor: Callable[..., Any]  # ``tensor(data, requires_grad=...)``: a new leaf tensor (a copy)
    no_grad: Callable[[], Any]  # the context manager that records no graph


def torch_available() -> bool:
    """Whether ``import torch`` would find torch, without importing it."""
    return importlib.util.find_spec("torch") is not None


def load(name: str) -> Framework:
    if name == "tensorgrad":
        import tensorgrad

        tg = tensorgrad
        return Framework(name, tg.nn, tg.optim, tg.from_numpy, tg.tensor, tg.no_grad)
    if name == "pytorch":
        # PyTorch's OpenMP threads otherwise spin after each op, stealing the cores from whatever runs next
        # on the machine (numpy's BLAS threads, on a 2-core machine: steps of 1 s instead of 20 ms).
        # It must be set before torch loads.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import torch

        return Framework(name, torch.nn, torch.optim, torch.from_numpy, torch.tensor, torch.no_grad)
    raise ValueError(f"unknown framework {name!r}; expected one of {FRAMEWORKS}")


def training_step(
    fw: Framework,
    build_model: Callable[[Any], Any],
    params: Arrays,
    x: np.ndarray,
    y: np.ndarray,
    make_optimizer: Callable[[Any, Any], Any],
) -> Bench:
    """A classifier's training step as a user writes it, in either framework.

    ``build_model(nn)`` builds the network from the framework's ``nn``; ``params`` (state-dict names ->
    arrays) are loaded into it, so every implementation starts from the same weights;
    ``make_optimizer(optim, parameters)`` builds the optimizer. The step is
    ``optimizer.zero_grad(); loss_fn(model(x), y).backward(); optimizer.step()`` with ``nn.CrossEntropyLoss``.
    The Bench's ``loss_at(values)`` is the loss with some parameters set to ``values`` (state-dict names),
    the model left as it was.
    """
    model = build_model(fw.nn)
    model.load_state_dict({k: fw.as_tensor(v.copy()) for k, v in params.items()})
    loss_fn = fw.nn.CrossEntropyLoss()
    optimizer = make_optimizer(fw.optim, model.parameters())
    inputs, targets = fw.as_tensor(x), fw.as_tensor(y)

    def step() -> None:
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()

    def grads() -> Arrays:
        model.zero_grad()
        loss_fn(model(inputs), targets).backward()
        return {k: p.grad.detach().numpy().copy() for k, p in model.named_parameters()}

    def state() -> Arrays:
        return {k: p.detach().numpy().copy() for k, p in model.named_parameters()}

    def loss_at(values: Arrays) -> float:
        current = model.state_dict()  # the parameters' own tensors: copied before they are overwritten
        saved = {k: v.detach().numpy().copy() for k, v in current.items()}
        model.load_state_dict({k: fw.as_tensor(v) for k, v in values.items()}, strict=False)
        with fw.no_grad():
            loss = float(loss_fn(model(inputs), targets).item())
        model.load_state_dict({k: fw.as_tensor(v) for k, v in saved.items()})
        return loss

    return Bench(step, grads, state, loss_at)
