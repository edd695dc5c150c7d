"""Devices, for code ported from PyTorch: tensorgrad computes on the CPU, with numpy.

``tg.device("cpu")`` and ``tg.cuda.is_available()`` exist so that the usual
``device = torch.device("cuda" if torch.cuda.is_available() else "cpu")`` line runs unchanged.
"""

from __future__ import annotations

from types import SimpleNamespace


def device(name: str = "cpu") -> str:
    """The one device, ``"cpu"``; asking for another is a clear error."""
    if name != "cpu":
        raise ValueError(f"device({name!r}): tensorgrad runs on the CPU only (numpy); use 'cpu'")
    return name


def check_device(device: object, op: str) -> None:
    """A creation function's ``device=``: None, ``"cpu"`` (or ``"cpu:0"``), else a clear error."""
    if device is not None and str(device).split(":")[0] != "cpu":
        raise ValueError(f"{op}: device={device!r}: tensorgrad runs on the CPU only (numpy); use 'cpu'")


cuda = SimpleNamespace(is_available=lambda: False, device_count=lambda: 0)
