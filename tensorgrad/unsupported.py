"""Clear errors for PyTorch names tensorgrad does not have.

``tensorgrad.<name>``, ``tensorgrad.nn.<name>``, ``tensorgrad.nn.functional.<name>`` and
``tensorgrad.optim.<name>`` that are not found raise an AttributeError saying what tensorgrad offers instead
(a short table of known alternatives) or that the name is not supported, pointing to the porting guide.

Python would otherwise add its own spelling guess to the message ("Did you mean: 'float16'?" for a missing
``float``, 'min' for 'sin'), which misleads more than it helps here: the error raised carries no ``name`` and
``obj``, which is what Python builds that guess from.

Tensor has no ``__getattr__`` on purpose: with one, CPython stops specialising attribute access on tensors
(``t.array`` 3x slower, small ops 10% slower), so a missing tensor attribute keeps Python's own message.
"""

from __future__ import annotations

from collections.abc import Callable

GUIDE = "docs/porting-from-pytorch.md"


class UnsupportedAttributeError(AttributeError):
    """An AttributeError without Python's "Did you mean" guess: its ``name`` and ``obj`` stay None."""

    name = property(lambda self: None, lambda self, value: None)  # type: ignore[assignment]
    obj = property(lambda self: None, lambda self, value: None)  # type: ignore[assignment]


_NO_DEVICE = "not supported: tensorgrad runs on the CPU only (numpy); use 'cpu'"

TORCH_ALTERNATIVES = {
    "compile": "not supported: code runs eagerly; use the model or function itself instead of compile(...)",
    "jit": "not supported (no TorchScript): run the model as Python code; save weights with tg.save",
    "export": "not supported: save weights with tg.save (npz)",
    "onnx": "not supported: save weights with tg.save (npz)",
    "fx": "not supported: tensorgrad has no graph tracing; viz.draw_graph(loss) pictures the autograd graph",
    "vmap": "not supported: write the batch dimension explicitly",
    "func": "not supported: use tg.grad / tg.autograd for gradients",
    "autocast": "not supported: no mixed precision; tensors stay float32 (or float64)",
    "amp": "not supported: no mixed precision; tensors stay float32 (or float64)",
    "distributed": "not supported: tensorgrad runs in one process",
    "multiprocessing": "not supported: use Python's multiprocessing",
    "sparse": "not supported: tensors are dense numpy arrays",
    "quantization": "not supported: tensors are float32, float64, integers or bool",
    "ao": "not supported: tensors are float32, float64, integers or bool",
    "hub": "not supported: nothing is downloaded; load weights with tg.load",
    "profiler": "not supported: use Python's cProfile, or `tensorgrad bench`",
    "bfloat16": "not supported: numpy has no bfloat16; use tg.float32",
    "complex64": "not supported: tensors are real (float, int or bool)",
    "complex128": "not supported: tensors are real (float, int or bool)",
    "cfloat": "not supported: tensors are real (float, int or bool)",
    "cdouble": "not supported: tensors are real (float, int or bool)",
    "mps": _NO_DEVICE,
    "xpu": _NO_DEVICE,
    "inference_mode": "use tg.no_grad() (the same effect here)",
}
NN_ALTERNATIVES = {
    "DataParallel": "not supported: tensorgrad runs on one CPU; use the model itself",
    "parallel": "not supported: tensorgrad runs on one CPU; use the model itself",
    "quantized": "not supported: tensors are float32, float64, integers or bool",
}
OPTIM_ALTERNATIVES = {
    "swa_utils": "not supported",
}


def unsupported(owner: str, torch_name: str, name: str, alternatives: dict[str, str]) -> AttributeError:
    """The error for ``owner.name`` (e.g. owner "tensorgrad", torch_name "torch")."""
    if name in alternatives:
        return UnsupportedAttributeError(f"{owner} has no {name!r}: {alternatives[name]} (see {GUIDE})")
    return UnsupportedAttributeError(
        f"{owner} has no {name!r}: tensorgrad does not support {torch_name}.{name}; see {GUIDE}"
    )


def module_getattr(owner: str, torch_name: str, alternatives: dict[str, str]) -> Callable[[str], object]:
    """A module-level ``__getattr__`` raising ``unsupported`` (plain AttributeError for private names, which
    tools such as pickle, doctest and pytest probe for)."""

    def __getattr__(name: str) -> object:
        if name.startswith("_"):
            raise AttributeError(f"module {owner!r} has no attribute {name!r}")
        raise unsupported(owner, torch_name, name, alternatives)

    return __getattr__
