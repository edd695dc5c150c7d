"""Global settings PyTorch programs set: how tensors print (``set_printoptions``), the number of threads, and
deterministic algorithms (tensorgrad is deterministic already)."""

from __future__ import annotations

import os
from typing import Any

from .tensor import PRINT_OPTIONS

_DEFAULTS = {"precision": 4, "threshold": 200, "edgeitems": 3, "linewidth": 75, "sci_mode": None}


def set_printoptions(
    precision: int | None = None,
    threshold: int | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """How tensors print, as ``torch.set_printoptions``: digits after the point, the element count above
    which a tensor is summarised, the items shown at each edge then, the line width, and ``sci_mode`` (True:
    always scientific notation, False: never, None: numpy's choice). ``profile`` "default", "short" or
    "full" sets them all first; options left None keep their value."""
    options = PRINT_OPTIONS
    if profile is not None:
        profiles = {
            "default": _DEFAULTS,
            "short": {**_DEFAULTS, "precision": 2, "threshold": 1000, "edgeitems": 2},
            "full": {**_DEFAULTS, "threshold": 2**63 - 1},
        }
        if profile not in profiles:
            raise ValueError(
                f"set_printoptions: profile must be 'default', 'short' or 'full', got {profile!r}"
            )
        options.update(profiles[profile])
    given = {"precision": precision, "threshold": threshold, "edgeitems": edgeitems, "linewidth": linewidth}
    options.update({key: value for key, value in given.items() if value is not None})
    if sci_mode is not None or profile is not None:
        options["sci_mode"] = sci_mode


_threads: int | None = None


def get_num_threads() -> int:
    """The threads numpy's BLAS (matrix products) uses: the number last set, else what threadpoolctl reports
    when it is installed, else the CPU count."""
    if _threads is not None:
        return _threads
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return os.cpu_count() or 1
    counts = [info["num_threads"] for info in threadpool_info() if info.get("user_api") == "blas"]
    return max(counts) if counts else os.cpu_count() or 1


def set_num_threads(n: int) -> None:
    """Limit numpy's BLAS to ``n`` threads, through threadpoolctl when it is installed (it is not a
    dependency of tensorgrad); without it the number is only remembered for ``get_num_threads``."""
    global _threads
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"set_num_threads: expects a positive int, got {n!r}")
    _threads = n
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(limits=n, user_api="blas")


_deterministic = False


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Accepted for ported code: tensorgrad's ops give the same result on every run already."""
    global _deterministic
    _deterministic = bool(mode)


def are_deterministic_algorithms_enabled() -> bool:
    """What ``use_deterministic_algorithms`` was last given (tensorgrad is deterministic either way)."""
    return _deterministic


def printoptions() -> dict[str, Any]:
    """The current print options (a copy)."""
    return dict(PRINT_OPTIONS)
