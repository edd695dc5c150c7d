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


cuda = SimpleNamespace(is_available=lambda: False, device_count=lambda: 0)
