"""Run one idiom of ``tests/ports/idioms.py`` with ``torch`` bound to a library (tensorgrad, or PyTorch itself
when the idioms are checked against it outside the test suite)."""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np

from tests.ports.idioms import Idiom


def namespace(library: str) -> dict[str, Any]:
    torch = importlib.import_module(library)
    importlib.import_module(f"{library}.utils.data") if library == "torch" else None
    return {
        "torch": torch,
        "nn": importlib.import_module(f"{library}.nn"),
        "F": importlib.import_module(f"{library}.nn.functional"),
        "optim": importlib.import_module(f"{library}.optim"),
        "np": np,
    }


def run(idiom: Idiom, library: str = "tensorgrad") -> None:
    """Run the idiom's setup and code, then its check; an error from the code is the check's ``message``
    (and fails an idiom whose status is ``same``)."""
    names = namespace(library)
    code = idiom.code.replace("from torch.", f"from {library}.")
    exec(idiom.setup, names)
    try:
        exec(code, names)
    except Exception as error:  # the check says whether this error is the expected one
        if idiom.status == "same":
            raise
        names["message"] = str(error)
    else:
        if idiom.status == "missing":
            raise AssertionError(f"{idiom.code!r} is listed as missing but ran")
    exec(idiom.check, names)
