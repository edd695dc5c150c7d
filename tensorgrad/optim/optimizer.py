"""Optimizer: the base class of every algorithm in ``tensorgrad.optim``.

An optimizer holds ``param_groups``, a list of dicts: each has ``"params"`` (the Tensors it updates) and the
hyperparameters of that group (``lr``, ``momentum``, ...), filled from the optimizer's defaults where the
group does not set them. ``state`` maps each parameter to a dict of what the algorithm remembers about it
(``step``, momentum buffers, moving averages: numpy arrays shaped like the parameter).

``step()`` walks the groups, reads the hyperparameters of each group at that moment (so schedulers and
per-group learning rates just work), skips parameters whose ``grad`` is None, and calls the subclass's
``_update(param, grad, state, group)`` with plain numpy arrays. Updates change ``param.array`` in place,
outside the graph, as PyTorch's ``torch.no_grad()`` updates do.

``state_dict()`` has PyTorch's layout: ``{"state": {index: {name: value}}, "param_groups": [{hyper...,
"params": [index, ...]}]}``, where parameters are numbered in the order the groups list them. It holds only
numpy arrays (copies), Python numbers, bools, strings, None and tuples/lists/dicts of these, so
``tg.save`` can write it without pickle.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from ..autograd.grad_mode import enable_grad
from ..tensor import Tensor, wrap

Params = Tensor | Iterable[Tensor] | Iterable[dict[str, Any]]


class Optimizer:
    """Base class: parameter groups, per-parameter state, ``zero_grad``, ``step``, ``state_dict``.

    Subclasses pass their defaults to ``__init__``, check a group's hyperparameters in ``_check_group``
    and implement ``_update(param, grad, state, group)`` on numpy arrays.
    """

    #: state entries that are scalars (counters), not arrays shaped like the parameter
    scalar_state: tuple[str, ...] = ("step",)

    def __init__(self, params: Params, defaults: dict[str, Any]) -> None:
        self.defaults = dict(defaults)
        self.state: dict[Tensor, dict[str, Any]] = {}
        self.param_groups: list[dict[str, Any]] = []
        params = [params] if isinstance(params, dict) else self._as_list(params)
        if not params:
            raise ValueError(
                f"{self._name}: got an empty parameter list; pass the tensors to optimize, "
                f"e.g. {self._name}(model.parameters(), lr=0.01)"
            )
        groups = params if isinstance(params[0], dict) else [{"params": params}]
        for group in groups:
            self.add_param_group(group)

    @property
    def _name(self) -> str:
        return type(self).__name__

    # ----------------------------------------------------------------- groups
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own hyperparameters (missing ones come from the defaults).

        Useful to fine-tune a pretrained network: the new layers get their own ``lr``.
        """
        if not isinstance(param_group, dict):
            raise TypeError(
                f"{self._name}: a parameter group must be a dict with a 'params' entry, "
                f"got {type(param_group).__name__}; pass either a list of Tensors or a list of dicts"
            )
        if "params" not in param_group:
            raise ValueError(f"{self._name}: a parameter group needs a 'params' entry (a list of Tensors)")
        params = self._as_list(param_group["params"])

        seen: set[int] = set()
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(
                    f"{self._name}: can only optimize Tensors, but one parameter is a {type(p).__name__}"
                )
            if not p.is_leaf:
                raise ValueError(
                    f"{self._name}: can't optimize a non-leaf Tensor (shape {p.shape}, computed by "
                    f"{p.grad_fn.name}); optimize the leaf tensors it was computed from"
                )
            if id(p) in seen:
                raise ValueError(
                    f"{self._name}: a parameter group lists the same tensor (shape {p.shape}) twice"
                )
            seen.add(id(p))
        for group in self.param_groups:
            for p in group["params"]:
                if id(p) in seen:
                    raise ValueError(
                        f"{self._name}: some parameters appear in more than one parameter group (a tensor of "
                        f"shape {p.shape}); each parameter may belong to one group only"
                    )

        group = dict(param_group)
        group["params"] = params
        for name, default in self.defaults.items():
            group.setdefault(name, default)
        self._check_group(group)
        self.param_groups.append(group)

    def _as_list(self, params: Any) -> list[Any]:
        """One Tensor or an ordered iterable of them (or of groups), as a list."""
        if isinstance(params, Tensor):
            return [params]
        if isinstance(params, (set, frozenset)):
            raise TypeError(
                f"{self._name}: parameters must come in a fixed order (a list), not a set; "
                "a set's order changes from run to run, and so would the meaning of a saved state_dict"
            )
        return list(params)

    def _check_group(self, group: dict[str, Any]) -> None:
        """Raise ValueError for a hyperparameter out of its range: the shared ones here (``lr``, and ``eps``,
        ``weight_decay``, ``betas`` for the optimizers that have them); subclasses add their own checks."""
        self._require(group["lr"] >= 0, "lr", group["lr"], "the learning rate must be >= 0")
        if "eps" in group:
            self._require(group["eps"] >= 0, "eps", group["eps"], "eps must be >= 0")
        if "weight_decay" in group:
            decay = group["weight_decay"]
            self._require(decay >= 0, "weight_decay", decay, "weight decay must be >= 0")
        if "betas" in group:
            self._check_betas(group["betas"])

    def _require(self, ok: bool, what: str, value: Any, rule: str) -> None:
        if not ok:
            raise ValueError(f"{self._name}: invalid {what} {value!r}; {rule}")

    def _check_betas(self, betas: Any) -> None:
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"{self._name}: betas must be a pair (beta1, beta2), got {betas!r}")
        for i, beta in enumerate(betas):
            self._require(0.0 <= beta < 1.0, f"betas[{i}]", beta, "each beta must be in [0, 1)")

    # ----------------------------------------------------------------- the update
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients: set ``p.grad = None`` (default), or fill them with zeros in place."""
        for group in self.param_groups:
            for p in group["params"]:
                grad = p.grad
                if grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                elif grad.grad_fn is None and grad.array.flags.writeable:
                    grad.array[...] = 0
                else:  # a gradient with a graph of its own (create_graph=True) or a read-only array
                    p.grad = Tensor(np.zeros_like(grad.array))

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient, once; return the closure's loss (or None).

        ``closure``, when given, re-evaluates the model and returns the loss; it runs with grad mode on
        (it normally calls ``zero_grad`` and ``backward`` itself).
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state.get(p)
                if state is None:
                    state = self.state[p] = {}
                self._update(p.array, p.grad.array, state, group)
        return loss

    def _update(
        self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]
    ) -> None:
        """Change ``param`` in place from ``grad``, this parameter's ``state`` and its ``group``'s
        hyperparameters. ``grad`` must not be written to (it is the user's ``p.grad``)."""
        raise NotImplementedError

    @staticmethod
    def _state_array(state: dict[str, Any], name: str, like: np.ndarray, fill: float = 0.0) -> np.ndarray:
        """``state[name]``, created as an array of ``fill`` shaped like ``like`` the first time it is used."""
        array = state.get(name)
        if array is None:
            array = state[name] = np.full_like(like, fill)
        return array

    # ----------------------------------------------------------------- saving and resuming
    def state_dict(self) -> dict[str, Any]:
        """A snapshot of the optimizer: hyperparameters per group and state per parameter (buffers as Tensors,
        copied: unlike PyTorch's, whose buffers change as training goes on, it stays as it was taken).

        Parameters are referred to by their position, counting through the groups in order, as in PyTorch.
        """
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {name: copy.deepcopy(value) for name, value in group.items() if name != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(packed)
        state = {index[id(p)]: _snapshot(s) for p, s in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a snapshot made by ``state_dict()`` for the same parameter layout (arrays are copied).

        The optimizer must list the same number of groups, with the same number of parameters each, in the
        same order; state arrays must have their parameter's shape. Training then continues exactly as it
        would have without the interruption.
        """
        if not isinstance(state_dict, dict) or "state" not in state_dict or "param_groups" not in state_dict:
            raise ValueError(
                f"{self._name}.load_state_dict: expected a dict with 'state' and 'param_groups' "
                "(what Optimizer.state_dict() returns)"
            )
        saved_groups = list(state_dict["param_groups"])
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"{self._name}.load_state_dict: the saved state has {len(saved_groups)} parameter group(s), "
                f"this optimizer has {len(self.param_groups)}"
            )
        by_index: dict[int, Tensor] = {}
        for i, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            saved_params = list(saved["params"])
            if len(saved_params) != len(group["params"]):
                raise ValueError(
                    f"{self._name}.load_state_dict: parameter group {i} has {len(saved_params)} parameter(s) "
                    f"in the saved state and {len(group['params'])} in this optimizer"
                )
            for index, p in zip(saved_params, group["params"]):
                by_index[int(index)] = p

        state: dict[Tensor, dict[str, Any]] = {}
        for key, saved_state in state_dict["state"].items():
            index = int(key)  # keys may come back as strings from a file
            if index not in by_index:
                raise ValueError(
                    f"{self._name}.load_state_dict: the saved state has an entry for parameter {index}, "
                    "which no parameter group lists"
                )
            p = by_index[index]
            state[p] = {name: self._load_value(index, p, name, value) for name, value in saved_state.items()}

        groups = []
        for saved, group in zip(saved_groups, self.param_groups):
            new = {name: copy.deepcopy(value) for name, value in saved.items() if name != "params"}
            new["params"] = group["params"]
            for name, default in self.defaults.items():
                new.setdefault(name, default)
            if isinstance(new.get("betas"), list):  # a file may turn the tuple into a list
                new["betas"] = tuple(new["betas"])
            self._check_group(new)
            groups.append(new)
        self.state = state
        self.param_groups = groups

    def _load_value(self, index: int, p: Tensor, name: str, value: Any) -> Any:
        if name in self.scalar_state:
            return value.item() if isinstance(value, (np.ndarray, np.generic)) else value
        if isinstance(value, Tensor):
            value = value.array
        if isinstance(value, np.ndarray):
            if value.shape != p.shape:
                raise ValueError(
                    f"{self._name}.load_state_dict: state {name!r} of parameter {index} has shape "
                    f"{value.shape}, but the parameter has shape {p.shape}"
                )
            return value.astype(p.dtype, copy=True)
        return copy.deepcopy(value)

    # ----------------------------------------------------------------- printing
    def __repr__(self) -> str:
        lines = [f"{self._name} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines.extend(f"    {name}: {group[name]}" for name in sorted(group) if name != "params")
        return "\n".join(lines) + "\n)"


def _snapshot(state: dict[str, Any]) -> dict[str, Any]:
    """One parameter's state for ``state_dict``: its buffers (moving averages, ...) as Tensors, as in PyTorch,
    on copies of the arrays the optimizer keeps updating in place."""
    return {k: wrap(v.copy()) if isinstance(v, np.ndarray) else copy.deepcopy(v) for k, v in state.items()}
