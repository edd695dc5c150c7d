"""Keep freed memory for reuse instead of handing it back to the operating system after every step.

A training step allocates the same big arrays (activations, columns, gradients) every time and frees them by
the end. glibc's malloc serves arrays above its mmap threshold with fresh ``mmap`` calls and trims the top of
its heap as soon as a few hundred KiB are free there, so each step's arrays are new pages, and the kernel
faults in and zeroes every page again: in the CNN benchmark (W3) this was a third of the step, about 2,700
page faults per step.

On Linux with glibc, importing tensorgrad therefore sets two malloc parameters (``mallopt``):
``M_MMAP_THRESHOLD`` = 32 MiB (arrays up to that size come from the heap, whose memory is reused) and
``M_TRIM_THRESHOLD`` = 256 MiB (free memory at the heap's top is returned to the system only beyond that).
Peak memory is unchanged; memory freed after a peak stays with the process, up to 256 MiB, for the next
step. Set the environment variable ``TENSORGRAD_MALLOC_TUNING=0`` before importing tensorgrad to keep the
system's defaults. Elsewhere (macOS, Windows, musl) nothing is changed.
"""

from __future__ import annotations

import ctypes
import os
import sys

MMAP_THRESHOLD = 32 * 1024 * 1024  # glibc's largest allowed value on 64-bit systems
TRIM_THRESHOLD = 256 * 1024 * 1024
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # from glibc's malloc.h

#: whether the malloc parameters were set by this process's import of tensorgrad
tuned = False


def tune_malloc() -> bool:
    """Set the malloc parameters described above, once; returns whether they are set."""
    global tuned
    if tuned or not sys.platform.startswith("linux"):
        return tuned
    if os.environ.get("TENSORGRAD_MALLOC_TUNING", "1") == "0":
        return False
    try:
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version  # glibc only: musl's mallopt does nothing # noqa: B018
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    tuned = bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))
    tuned = bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)) and tuned
    return tuned
