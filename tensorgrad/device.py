"""Devices, for code ported from PyTorch: tensorgrad computes on the CPU, with numpy.

``tg.device("cuda")`` builds a device object as PyTorch does (even without a GPU), so lines such as
``device = torch.device("cuda" if torch.cuda.is_available() else "cpu")`` and the newer
``torch.accelerator.current_accelerator()`` checks run unchanged. Only putting a tensor or a module on a
device other than the CPU (``.to(device)``, ``device=`` on a creation function, ``set_default_device``) is an
error, with one sentence saying so.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

# the device types PyTorch's torch.device accepts
DEVICE_TYPES = [
    *["cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia"],
    *["xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone"],
]


class device:  # PyTorch's name: torch.device(...)
    """A device: ``type`` ("cpu", "cuda", ...) and ``index`` (None or an int), as ``torch.device``.

    ``device("cuda:1")`` and ``device("cuda", 1)`` work (``device(1)``, an accelerator's index, is an error
    as in PyTorch on a machine without one). Two devices are equal when type and index are; a device never
    equals a string (as in PyTorch: ``device("cpu") == "cpu"`` is False).
    """

    __slots__ = ("index", "type")

    def __init__(self, type: Any = "cpu", index: int | None = None) -> None:
        if isinstance(type, device):
            type, index = type.type, type.index if index is None else index
        elif isinstance(type, int) and not isinstance(type, bool):
            raise RuntimeError(  # PyTorch reads an int as an accelerator index and has none to give either
                f"device({type}): an integer names an accelerator device; tensorgrad has none (use 'cpu')"
            )
        if not isinstance(type, str):
            raise TypeError(f"device: expects a device name such as 'cpu' or 'cuda:0', got {type!r}")
        name, _, number = type.partition(":")
        if name not in DEVICE_TYPES:
            raise RuntimeError(
                f"device: unknown device type {name!r} in {type!r}; expected one of {', '.join(DEVICE_TYPES)}"
            )
        if number:
            if index is not None or not number.isdigit():
                raise RuntimeError(f"device: invalid device string {type!r}; expected e.g. 'cuda:0'")
            index = int(number)
        if index is not None and (not isinstance(index, int) or isinstance(index, bool) or index < 0):
            raise RuntimeError(f"device: the index is a non-negative int, got {index!r}")
        self.type = name
        self.index = index

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self) -> str:
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type={self.type!r}{index})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, device):
            return NotImplemented
        return self.type == other.type and self.index == other.index

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __reduce__(self) -> tuple[Any, ...]:
        return (device, (self.type, self.index))


CPU = device("cpu")
_default_device = CPU


def as_device(value: Any) -> device | None:
    """``value`` as a device when it names one (a device, or a string such as "cuda:0"), else None."""
    if isinstance(value, device):
        return value
    if isinstance(value, str) and value.partition(":")[0] in DEVICE_TYPES:
        return device(value)
    return None


def check_device(value: Any, op: str) -> None:
    """A ``device=`` argument: None or the CPU (``"cpu"``, ``"cpu:0"``, ``tg.device("cpu")``), else a clear
    error naming ``op``."""
    if value is None or value is CPU or value == "cpu":
        return
    found = as_device(value)
    if found is None:
        raise TypeError(f"{op}: device= expects a device such as 'cpu' or tg.device('cpu'), got {value!r}")
    if found.type != "cpu":
        raise ValueError(f"{op}: device={str(found)!r}: tensorgrad runs on the CPU only (numpy); use 'cpu'")


def set_default_device(value: Any) -> None:
    """Where new tensors are made: the CPU only (``None`` or ``"cpu"``); another device is a clear error."""
    global _default_device
    check_device(value, "set_default_device")
    _default_device = CPU


def get_default_device() -> device:
    """The device new tensors are made on: always ``device(type='cpu')``."""
    return _default_device


def _manual_seed(seed: int) -> None:
    """No GPU, so nothing to seed (``torch.cuda.manual_seed`` / ``manual_seed_all`` run as no-ops)."""


class _CpuOnly(SimpleNamespace):
    """A namespace of PyTorch's device modules (``torch.cuda``, ...): what a CPU-only program asks works, and
    anything else (``torch.cuda.amp``, ``torch.cuda.Stream``) is one clear error, not an attribute guess."""

    def __getattr__(self, name: str) -> object:
        if name.startswith("__"):
            raise AttributeError(name)
        from .unsupported import UnsupportedAttributeError

        raise UnsupportedAttributeError(
            f"tensorgrad has no {self._module}.{name}: not supported: tensorgrad runs on the CPU only "
            "(numpy), without mixed precision (see docs/porting-from-pytorch.md)"
        )


cuda = _CpuOnly(
    _module="cuda",
    is_available=lambda: False,
    device_count=lambda: 0,
    manual_seed=_manual_seed,
    manual_seed_all=_manual_seed,
    synchronize=lambda device=None: None,
    empty_cache=lambda: None,
)
"""``torch.cuda``'s questions answered for a machine without a GPU."""

accelerator = _CpuOnly(
    _module="accelerator",
    is_available=lambda: False,
    current_accelerator=lambda check_available=False: None,
    device_count=lambda: 0,
)
"""``torch.accelerator``: no accelerator, so ``current_accelerator()`` is None, as in PyTorch on a CPU."""

backends = _CpuOnly(
    _module="backends",
    mps=SimpleNamespace(is_available=lambda: False, is_built=lambda: False),
    cuda=SimpleNamespace(is_built=lambda: False),
    cudnn=SimpleNamespace(deterministic=False, benchmark=False, enabled=True, is_available=lambda: False),
)
"""``torch.backends``: no MPS and no cuDNN; ``cudnn.deterministic``/``benchmark`` can be set and change
nothing (tensorgrad is deterministic on the CPU)."""
