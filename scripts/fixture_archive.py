"""The archive format of the PyTorch fixtures (``tests/fixtures/<name>.npz``): written once by the
``scripts/make_*fixtures*.py`` scripts where PyTorch is installed, read by the tests (which never import
torch).

To stay small, an archive holds every float32 array end to end in one array ``values``, with one line per
array in ``layout`` ("name offset shape", the shape as comma-separated sizes), the scripts' table of cases as
JSON (``cases``) and the PyTorch version that ran (``torch_version``). The scripts weigh their results with
``mix`` before summing them into the loss whose gradients they record; the tests weigh theirs the same way.
"""

from __future__ import annotations

import json
import pathlib
from typing import Any

import numpy as np

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "tests" / "fixtures"


def mix(shape: tuple[int, ...]) -> np.ndarray:
    """The loss weights: cos(0), cos(1), ... in float32, laid out in ``shape``."""
    return np.cos(np.arange(int(np.prod(shape)), dtype=np.float64)).astype(np.float32).reshape(shape)


def save_fixture(name: str, arrays: dict[str, np.ndarray], cases: Any, torch_version: str) -> pathlib.Path:
    """Write ``fixtures/<name>.npz`` (see the module docstring) and say what was written."""
    path = FIXTURES / f"{name}.npz"
    path.parent.mkdir(parents=True, exist_ok=True)
    layout, offset = [], 0
    for key, array in arrays.items():
        layout.append(f"{key} {offset} {','.join(map(str, array.shape))}")
        offset += array.size
    values = np.concatenate([a.astype(np.float32).reshape(-1) for a in arrays.values()])
    np.savez_compressed(
        path,
        values=values,
        layout=np.array(layout),
        cases=np.array(json.dumps(cases)),
        torch_version=np.array(torch_version),
    )
    print(f"wrote {len(arrays)} arrays ({values.size} numbers), {path.stat().st_size} bytes, to {path}")
    return path


def load_fixture(name: str) -> dict[str, np.ndarray]:
    """The arrays of ``fixtures/<name>.npz`` by name, with ``torch_version`` and ``cases`` (JSON text)."""
    with np.load(FIXTURES / f"{name}.npz") as stored:
        values = stored["values"]
        arrays = {"torch_version": stored["torch_version"], "cases": stored["cases"]}
        for line in stored["layout"]:
            key, offset, shape = str(line).split(" ")
            sizes = tuple(int(n) for n in shape.split(",") if n)
            start = int(offset)
            arrays[key] = values[start : start + int(np.prod(sizes))].reshape(sizes)
    return arrays
