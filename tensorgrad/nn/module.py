"""Module: the base class of layers and models, as PyTorch's ``nn.Module``.

A Module holds three kinds of state, each registered by assigning it as an attribute:

* Parameters (``self.weight = Parameter(...)``): what the optimizer learns;
* buffers (``self.register_buffer("running_mean", ...)``): state that is saved but not learned;
* sub-Modules (``self.fc = Dense(4, 2)``): found recursively by ``parameters()``, ``state_dict()``, ...

Subclasses define ``forward``; calling the module runs it (and its hooks). Names are dotted paths
(``"encoder.0.weight"``), the same as PyTorch's, so a PyTorch ``state_dict`` converted to numpy arrays loads
unchanged. Registered state also lives in the instance ``__dict__``, so ``self.weight`` is an ordinary, fast
attribute lookup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple

import numpy as np

from ..autograd.function import mark_modified
from ..device import as_device, check_device
from ..tensor import Tensor, as_array, operand
from .parameter import Parameter

ForwardHook = Callable[["Module", tuple[Any, ...], Any], Any]
ForwardPreHook = Callable[["Module", tuple[Any, ...]], Any]


class RemovableHandle:
    """Returned by ``register_*_hook``: ``handle.remove()`` unregisters the hook."""

    def __init__(self, hooks: dict[int, Any], key: int, *more: dict[int, Any]) -> None:
        self._hooks, self._key = (hooks, *more), key

    def remove(self) -> None:
        for hooks in self._hooks:
            hooks.pop(self._key, None)


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` did not match."""

    missing_keys: list[str]
    unexpected_keys: list[str]


_hook_ids = iter(range(1 << 62))

#: hooks on every module's forward, run before each module's own (PyTorch's global module hooks)
_global_pre_hooks: dict[int, ForwardPreHook] = {}
_global_hooks: dict[int, ForwardHook] = {}
_always_called: dict[int, ForwardHook] = {}  # the forward hooks that also run when forward raises


def register_module_forward_pre_hook(hook: ForwardPreHook) -> RemovableHandle:
    """Call ``hook(module, inputs)`` before every module's forward (PyTorch's function of this name)."""
    key = next(_hook_ids)
    _global_pre_hooks[key] = hook
    return RemovableHandle(_global_pre_hooks, key)


def register_module_forward_hook(hook: ForwardHook, *, always_call: bool = False) -> RemovableHandle:
    """Call ``hook(module, inputs, output)`` after every module's forward (PyTorch's function of this
    name); with ``always_call=True`` also when forward raises (with ``output`` None)."""
    key = next(_hook_ids)
    _global_hooks[key] = hook
    if always_call:
        _always_called[key] = hook
    return RemovableHandle(_global_hooks, key, _always_called)


class Module:
    """Base class of every layer and model. Subclasses call ``super().__init__()`` and define ``forward``.

    >>> from tensorgrad.nn import Dense
    >>> class TwoLayer(Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.hidden = Dense(2, 8)
    ...         self.out = Dense(8, 1)
    ...     def forward(self, x):
    ...         return self.out(self.hidden(x).relu())
    >>> [name for name, _ in TwoLayer().named_parameters()]
    ['hidden.weight', 'hidden.bias', 'out.weight', 'out.bias']
    """

    training: bool

    def __init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "training", True)
        set_(self, "_parameters", {})
        set_(self, "_buffers", {})
        set_(self, "_non_persistent", set())
        set_(self, "_modules", {})
        set_(self, "_forward_hooks", {})
        set_(self, "_forward_pre_hooks", {})

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define forward(...)")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        for arg in args:
            if isinstance(arg, np.ndarray):  # layers accept numpy arrays, as every op does
                args = tuple(operand(a) if isinstance(a, np.ndarray) else a for a in args)
                break
        if self._forward_pre_hooks or self._forward_hooks or _global_pre_hooks or _global_hooks:
            return self._call_with_hooks(args, kwargs)
        return self.forward(*args, **kwargs)

    def _call_with_hooks(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """``forward`` between its hooks: every module's (global) ones first, then this module's own. A hook
        that returns a value replaces the inputs (pre-hooks) or the output."""
        try:
            for hook in (*_global_pre_hooks.values(), *self._forward_pre_hooks.values()):
                result = hook(self, args)
                if result is not None:
                    args = result if isinstance(result, tuple) else (result,)
            out = self.forward(*args, **kwargs)
        except BaseException:
            for hook in list(_always_called.values()):
                hook(self, args, None)
            raise
        for hook in (*_global_hooks.values(), *self._forward_hooks.values()):
            result = hook(self, args, out)
            if result is not None:
                out = result
        return out

    # ----------------------------------------------------------------- registration
    def __setattr__(self, name: str, value: Any) -> None:
        registry = self.__dict__.get("_parameters")
        if registry is None:
            if isinstance(value, (Parameter, Module)):
                raise AttributeError(
                    f"cannot assign {type(value).__name__} '{name}' before Module.__init__() ran: "
                    f"call super().__init__() first in {type(self).__name__}.__init__"
                )
            object.__setattr__(self, name, value)
            return
        if isinstance(value, Parameter):
            self._forget(name, keep=self._parameters)
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._forget(name, keep=self._modules)
            self._modules[name] = value
        elif name in self._parameters:
            if value is not None:
                raise TypeError(
                    f"cannot assign {type(value).__name__} to parameter '{name}' of {type(self).__name__}: "
                    "expected a Parameter or None (wrap the value: nn.Parameter(value))"
                )
            self._parameters[name] = None
        elif name in self._modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign {type(value).__name__} to submodule '{name}' of {type(self).__name__}: "
                    "expected a Module or None"
                )
            self._modules[name] = None
        elif name in self._buffers:
            value = None if value is None else _as_buffer(value, name)
            self._buffers[name] = value
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        self._forget(name)
        object.__delattr__(self, name)

    def _forget(self, name: str, keep: dict[str, Any] | None = None) -> None:
        """Unregister ``name`` from every registry but ``keep``, the one it is about to be registered in
        again: replacing an entry in place keeps its position (as PyTorch), so ``model.fc = Dense(...)``,
        ``module_list[0] = m`` and ``sequential.add_module("0", m)`` neither reorder the state dict nor the
        order in which Sequential calls its children."""
        for registry in (self._parameters, self._modules, self._buffers):
            if registry is not keep:
                registry.pop(name, None)
        self._non_persistent.discard(name)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` (or None, a declared but absent parameter such as a missing bias)."""
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"register_parameter: '{name}' must be a Parameter or None, got {type(param)}")
        self._forget(name, keep=self._parameters)
        self._parameters[name] = param
        object.__setattr__(self, name, param)

    def register_buffer(self, name: str, value: Any, persistent: bool = True) -> None:
        """Register saved, non-learned state (a Tensor that never requires grad, or None).

        Persistent buffers appear in ``state_dict()``; non-persistent ones only follow ``to(dtype)``.
        """
        if "_buffers" not in self.__dict__:
            raise AttributeError(f"register_buffer before Module.__init__() ran in {type(self).__name__}")
        self._forget(name, keep=self._buffers)
        buffer = None if value is None else _as_buffer(value, name)
        self._buffers[name] = buffer
        if not persistent:
            self._non_persistent.add(name)
        object.__setattr__(self, name, buffer)

    def add_module(self, name: str, module: Module | None) -> None:
        """Register ``module`` under ``name`` (names that are not identifiers, such as "0", included)."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module: '{name}' must be a Module or None, got {type(module).__name__}")
        self._forget(name, keep=self._modules)
        self._modules[name] = module
        object.__setattr__(self, name, module)

    def register_forward_hook(self, hook: ForwardHook) -> RemovableHandle:
        """Call ``hook(module, inputs, output)`` after each forward; a returned value replaces the output."""
        key = next(_hook_ids)
        self._forward_hooks[key] = hook
        return RemovableHandle(self._forward_hooks, key)

    def register_forward_pre_hook(self, hook: ForwardPreHook) -> RemovableHandle:
        """Call ``hook(module, inputs)`` before each forward; a returned value replaces the inputs."""
        key = next(_hook_ids)
        self._forward_pre_hooks[key] = hook
        return RemovableHandle(self._forward_pre_hooks, key)

    # ----------------------------------------------------------------- traversal
    def named_modules(self, prefix: str = "", memo: set[int] | None = None) -> Iterator[tuple[str, Module]]:
        """This module and every descendant, each once, with its dotted path ("" for this one)."""
        memo = set() if memo is None else memo
        if id(self) in memo:
            return
        memo.add(id(self))
        yield prefix, self
        for name, child in self._modules.items():
            if child is not None:
                yield from child.named_modules(f"{prefix}.{name}" if prefix else name, memo)

    def modules(self) -> Iterator[Module]:
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        for name, child in self._modules.items():
            if child is not None:
                yield name, child

    def children(self) -> Iterator[Module]:
        for _, child in self.named_children():
            yield child

    def _named_state(self, kind: str, recurse: bool) -> Iterator[tuple[str, Tensor]]:
        seen: set[int] = set()
        modules = self.named_modules() if recurse else iter([("", self)])
        for path, module in modules:
            for name, value in getattr(module, kind).items():
                if value is not None and id(value) not in seen:
                    seen.add(id(value))
                    yield (f"{path}.{name}" if path else name), value

    def named_parameters(self, recurse: bool = True) -> Iterator[tuple[str, Parameter]]:
        """(dotted name, Parameter) pairs; a parameter shared by two modules appears once."""
        return self._named_state("_parameters", recurse)  # type: ignore[return-value]

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, param in self.named_parameters(recurse):
            yield param

    def named_buffers(self, recurse: bool = True) -> Iterator[tuple[str, Tensor]]:
        return self._named_state("_buffers", recurse)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, buffer in self.named_buffers(recurse):
            yield buffer

    def get_submodule(self, target: str) -> Module:
        """The descendant at dotted path ``target`` ("" is this module)."""
        module: Module = self
        for part in target.split(".") if target else []:
            child = module._modules.get(part)
            if child is None:
                raise AttributeError(f"get_submodule: {type(module).__name__} has no submodule '{part}'")
            module = child
        return module

    def apply(self, fn: Callable[[Module], None]) -> Module:
        """Call ``fn`` on every submodule (children first), then on this module; return self."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # ----------------------------------------------------------------- modes and gradients
    def train(self, mode: bool = True) -> Module:
        """Training mode (dropout drops, batch norm uses batch statistics) for this module and below."""
        for module in self.modules():
            object.__setattr__(module, "training", bool(mode))
        return self

    def eval(self) -> Module:
        """Evaluation mode: the same as ``train(False)``."""
        return self.train(False)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients of every parameter (``set_to_none=False`` zeroes them in place instead)."""
        for param in self.parameters():
            if set_to_none:
                param.grad = None
            elif param.grad is not None:
                param.grad.array[...] = 0

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Freeze (False) or unfreeze (True) every parameter; return self."""
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    # ----------------------------------------------------------------- dtype
    def to(self, *args: Any, device: Any = None, dtype: Any = None, non_blocking: bool = False) -> Module:
        """Cast floating-point parameters and buffers to a dtype in place (the Parameter objects stay).

        PyTorch's forms: ``to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(dtype=..., device=...)``.
        The CPU (``"cpu"``, ``tg.device("cpu")``) is accepted and changes nothing, so ``model.to(device)``
        runs as is; another device is a clear error (tensorgrad runs on the CPU only).
        """
        for arg in args:
            if as_device(arg) is not None:
                device = arg
            elif arg is not None:
                dtype = arg
        if device is not None:
            check_device(device, "to")
        if dtype is None:
            return self
        target = np.dtype(dtype)
        if not np.issubdtype(target, np.floating):
            raise TypeError(f"to({target}): modules can only be cast to a floating-point dtype")
        for tensor in [*self.parameters(), *self.buffers()]:
            if np.issubdtype(tensor.array.dtype, np.floating):
                tensor.array = tensor.array.astype(target)
                if tensor.grad is not None:
                    tensor.grad.array = tensor.grad.array.astype(target)
        return self

    def cpu(self) -> Module:
        """Returns self: every module lives in main memory (for code ported from PyTorch)."""
        return self

    def cuda(self, device: Any = None) -> Module:
        """PyTorch's move to a GPU: tensorgrad runs on the CPU only, so this is a clear error (guard it with
        ``if tg.cuda.is_available():``, which is False, or use ``model.to(device)``)."""
        name = "cuda" if device is None else f"cuda:{device}" if isinstance(device, int) else device
        check_device(name, "cuda")
        return self

    def float(self) -> Module:
        """Cast to float32 (the default dtype)."""
        return self.to(np.float32)

    def double(self) -> Module:
        """Cast to float64 (for gradcheck and exact comparisons)."""
        return self.to(np.float64)

    # ----------------------------------------------------------------- state
    def state_dict(self, *, keep_vars: bool = False) -> dict[str, Tensor]:
        """Parameters and persistent buffers by dotted name, as detached Tensors sharing their memory.

        As in PyTorch, the values are not copies: training the model changes them, so keep a snapshot with
        ``copy.deepcopy(model.state_dict())``. ``keep_vars=True`` gives the Parameters and buffers themselves.
        The order is PyTorch's: each module's own parameters, then its buffers, then its children. A submodule
        registered under two names (or a parameter shared by two modules) is saved under each of its names,
        so a PyTorch ``state_dict`` of the same model has the same keys.
        """
        tensors = self._state_tensors()
        if keep_vars:
            return tensors
        return {key: tensor.detach() for key, tensor in tensors.items()}

    def _state_tensors(self, prefix: str = "", into: dict[str, Tensor] | None = None) -> dict[str, Tensor]:
        tensors: dict[str, Tensor] = {} if into is None else into
        for name, param in self._parameters.items():
            if param is not None:
                tensors[prefix + name] = param
        for name, buffer in self._buffers.items():
            if buffer is not None and name not in self._non_persistent:
                tensors[prefix + name] = buffer
        for name, child in self._modules.items():  # no memo: a shared child is saved under every name
            if child is not None:
                child._state_tensors(f"{prefix}{name}.", tensors)
        return tensors

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True) -> IncompatibleKeys:
        """Copy values (Tensors, numpy arrays, anything array-like) into the parameters and buffers by name.

        Shapes must match. With ``strict=True`` (the default) missing and unexpected keys are errors too;
        the error lists every problem by name. Nothing is written unless everything matches.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(
                f"load_state_dict: expected a mapping of name -> array, got {type(state_dict).__name__}"
            )
        own = self._state_tensors()
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        values, mismatched = {}, []
        for key, target in own.items():
            if key in state_dict:
                value = np.asarray(
                    state_dict[key].array if isinstance(state_dict[key], Tensor) else state_dict[key]
                )
                if value.shape != target.shape:
                    mismatched.append(
                        f"{key}: the checkpoint has shape {value.shape}, the model {target.shape}"
                    )
                values[key] = value
        problems = [f"size mismatch for {m}" for m in mismatched]
        if strict:
            problems += [f"missing key: {k}" for k in missing]
            problems += [f"unexpected key: {k}" for k in unexpected]
        if problems:
            raise RuntimeError(
                f"load_state_dict: error(s) loading the state of {type(self).__name__} "
                f"(nothing was loaded):\n  " + "\n  ".join(problems)
            )
        for key, value in values.items():
            own[key].array[...] = value
            mark_modified(own[key])  # a graph that used the old values can no longer backpropagate
        return IncompatibleKeys(missing, unexpected)

    # ----------------------------------------------------------------- printing
    def extra_repr(self) -> str:
        """The module's own settings, shown inside its repr; layers override it."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        lines = extra.split("\n") if extra else []  # a multi-line extra_repr is indented, as PyTorch's
        if not self._modules and len(lines) <= 1:
            return f"{type(self).__name__}({lines[0] if lines else ''})"
        for name, child in self._modules.items():
            lines.append(f"({name}): " + repr(child).replace("\n", "\n  "))
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"


def design_name(module: Module) -> str:
    """The module's class name in tensorgrad's own naming (the name of the op it makes): a PyTorch-named
    subclass (``Linear``, ``Conv2d``, ... marked ``pytorch_name = True``) answers its base's (``Dense``)."""
    cls = type(module)
    while cls.__dict__.get("pytorch_name", False):
        cls = next(base for base in cls.__mro__[1:] if issubclass(base, Module))
    return cls.__name__


def _as_buffer(value: Any, name: str) -> Tensor:
    if isinstance(value, Tensor):
        return value
    try:
        return Tensor(as_array(value))
    except (TypeError, ValueError) as err:
        raise TypeError(
            f"buffer '{name}' must be a Tensor or array-like, got {type(value).__name__}"
        ) from err
