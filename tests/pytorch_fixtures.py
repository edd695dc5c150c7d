"""Arrays recorded once with PyTorch (``scripts/make_sequence_fixtures_*.py``) and read back by the tests."""

from __future__ import annotations

import pathlib

import numpy as np

FIXTURES = pathlib.Path(__file__).parent / "fixtures"


def load_fixture(name: str) -> dict[str, np.ndarray]:
    """The arrays of ``fixtures/<name>.npz`` by name: the scripts store one float32 array, ``values``, and a
    ``layout`` line per array ("name offset shape"), which cuts it up again."""
    with np.load(FIXTURES / f"{name}.npz") as stored:
        values = stored["values"]
        arrays = {"torch_version": stored["torch_version"], "cases": stored["cases"]}
        for line in stored["layout"]:
            key, offset, shape = str(line).split(" ")
            sizes = tuple(int(n) for n in shape.split(",") if n)
            start = int(offset)
            arrays[key] = values[start : start + int(np.prod(sizes))].reshape(sizes)
    return arrays
