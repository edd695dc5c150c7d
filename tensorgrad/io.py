"""``save`` and ``load``: state dicts (of models and optimizers) in a numpy ``.npz`` file, never pickle.

The file is an ordinary npz archive. Every array is stored under its path in the saved structure
(``"fc.weight"`` for a model's state dict, ``"state/0/exp_avg"`` for an optimizer's), so
``np.load(path)["fc.weight"]`` works from any numpy program. One more entry, ``__tensorgrad__``, holds the
structure as JSON text (nested dicts, lists, tuples, numbers, strings, booleans, None), so ``load`` rebuilds
exactly what was saved. A plain npz without it (say, a PyTorch state dict converted with
``np.savez(path, **{k: v.numpy() for k, v in sd.items()})``) loads as a dict of arrays.

Loading never executes code (``allow_pickle=False``), and saving is atomic: the archive is written to a
temporary file next to the target and renamed over it, so a crash never leaves a half-written checkpoint.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from .files import atomic_write
from .tensor import Tensor, wrap

MANIFEST = "__tensorgrad__"
_FORMAT = 1
_Scalar = (str, int, float, bool, type(None))


def save(obj: Mapping[str, Any], path: str | os.PathLike[str] | BinaryIO) -> None:
    """Write ``obj`` (a state dict, or any nesting of dicts, lists and tuples of arrays, Tensors, numbers,
    strings and None) to ``path`` as an npz archive, atomically; or into an open binary file (``with
    open(p, "wb") as f: save(sd, f)``, an ``io.BytesIO``), as ``torch.save`` takes either.

    >>> import tempfile, os, numpy as np
    >>> path = os.path.join(tempfile.mkdtemp(), "model.npz")
    >>> save({"fc.weight": np.ones((2, 3)), "step": 10}, path)
    >>> load(path)["step"]
    10
    """
    if not isinstance(obj, Mapping):
        hint = " (save model.state_dict() or optimizer.state_dict())" if hasattr(obj, "state_dict") else ""
        raise TypeError(f"save: expected a dict such as a state dict, got {type(obj).__name__}{hint}")
    arrays: dict[str, np.ndarray] = {}
    structure = _encode(obj, "", arrays)
    arrays[MANIFEST] = np.array(json.dumps({"format": _FORMAT, "structure": structure}))

    def write(file: BinaryIO) -> None:
        with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
            for name, array in arrays.items():
                with archive.open(name + ".npy", "w", force_zip64=True) as member:
                    np.lib.format.write_array(member, array, allow_pickle=False)

    if hasattr(path, "write"):
        write(path)  # type: ignore[arg-type]
    else:
        atomic_write(path, write, op="save")


def load(path: str | os.PathLike[str] | BinaryIO, **torch_options: Any) -> Any:
    """Read what ``save`` wrote (Tensors where Tensors were saved, as ``torch.load``; numpy arrays where
    arrays were), or a plain npz's arrays (a dict of numpy arrays), from a path or an open binary file.

    ``torch.load``'s ``map_location`` and ``weights_only=True`` are accepted for ported code (there is one
    device, and nothing but arrays is ever loaded); ``weights_only=False``, which asks to unpickle objects,
    is refused: tensorgrad never unpickles."""
    _check_torch_options(torch_options)
    if hasattr(path, "read"):
        return _load_from(path, getattr(path, "name", "the file object"))
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(f"load: {path} is a folder; give the path of a file that save wrote")
    if not path.is_file():
        raise FileNotFoundError(f"load: no file at {path}")
    return _load_from(path, path)


def _check_torch_options(options: dict[str, Any]) -> None:
    unknown = set(options) - {"map_location", "weights_only", "mmap"}
    if unknown:
        raise TypeError(f"load() got unexpected keyword argument(s) {sorted(unknown)}")
    if options.get("weights_only") is False:
        raise ValueError(
            "load: weights_only=False asks to unpickle arbitrary objects (a whole model), which tensorgrad "
            "never does; save and load the state dict instead: save(model.state_dict(), f), then "
            "model.load_state_dict(load(f))"
        )


def _load_from(source: Any, name: Any) -> Any:
    """``load`` from a path or a file object (read to its end); ``name`` names it in errors."""
    if not isinstance(source, Path):
        source = io.BytesIO(source.read())
    try:
        with zipfile.ZipFile(source) as archive:  # a .npy file or a truncated archive fails here
            members = archive.namelist()
    except (OSError, EOFError, zipfile.BadZipFile) as err:
        raise ValueError(f"load: {name} is not a readable npz archive ({err})") from None
    _check_members(members, name)
    if not isinstance(source, Path):
        source.seek(0)
    try:
        with np.load(source, allow_pickle=False) as archive:
            arrays = {member: archive[member] for member in archive.files}
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as err:
        raise ValueError(f"load: {name} is not a readable npz archive ({err})") from None
    if MANIFEST not in arrays:
        return arrays
    try:
        manifest = json.loads(str(arrays.pop(MANIFEST)))
        return _decode(manifest["structure"], arrays)
    except (KeyError, TypeError, ValueError) as err:
        raise ValueError(f"load: {name} has a damaged tensorgrad manifest ({err})") from None


def _check_members(names: list[str], path: Path) -> None:
    """An npz archive holds only ``.npy`` arrays: say what else the zip file is, rather than return its
    members as raw bytes. PyTorch's ``torch.save`` writes a zip with a pickled ``data.pkl``."""
    if any(name.endswith("data.pkl") for name in names):
        raise ValueError(
            f"load: {path} was written by torch.save (a pickled PyTorch file), which tensorgrad does not "
            "unpickle. Convert it where PyTorch is installed: sd = torch.load(path); "
            "numpy.savez('model.npz', **{k: v.numpy() for k, v in sd.items()}), then load the .npz"
        )
    other = [name for name in names if not name.endswith(".npy")]
    if other:
        raise ValueError(
            f"load: {path} is a zip archive but not an npz file: {other[0]!r} is not a .npy array "
            f"({len(other)} such member(s))"
        )


def _encode(obj: Any, path: str, arrays: dict[str, np.ndarray]) -> Any:
    """JSON for ``obj``; arrays go into ``arrays`` under their path and are referenced by it."""
    tensor = isinstance(obj, Tensor)
    if tensor:
        obj = obj.array
    if isinstance(obj, (np.ndarray, np.generic)):
        array = np.asarray(obj)
        if array.dtype.hasobject:
            raise TypeError(f"save: {path or 'the value'} is an array of Python objects, which needs pickle")
        key = path or "value"
        while key in arrays or key == MANIFEST:
            key += "_"
        arrays[key] = array
        if tensor:  # loaded back as a Tensor, as torch.load gives back the tensors torch.save was given
            return {"array": key, "tensor": True}
        return {"array": key, "scalar": isinstance(obj, np.generic)}
    if isinstance(obj, Mapping):
        items = []
        for key, value in obj.items():
            if not isinstance(key, _Scalar):
                raise TypeError(
                    f"save: dict keys must be strings or numbers, got {type(key).__name__} at {path!r}"
                )
            items.append([key, _encode(value, f"{path}/{key}" if path else str(key), arrays)])
        return {"dict": items}
    if isinstance(obj, (list, tuple)):
        kind = "list" if isinstance(obj, list) else "tuple"
        return {kind: [_encode(v, f"{path}/{i}" if path else str(i), arrays) for i, v in enumerate(obj)]}
    if isinstance(obj, _Scalar):
        return {"value": obj}
    raise TypeError(
        f"save: cannot store {type(obj).__name__} at {path!r}: only arrays, Tensors, numbers, strings, "
        "None and dicts/lists/tuples of them (no pickle)"
    )


def _decode(node: dict[str, Any], arrays: dict[str, np.ndarray]) -> Any:
    if "array" in node:
        array = arrays[node["array"]]
        if node.get("tensor"):
            return wrap(array)
        return array[()] if node.get("scalar") else array
    if "dict" in node:
        return {key: _decode(value, arrays) for key, value in node["dict"]}
    if "list" in node:
        return [_decode(value, arrays) for value in node["list"]]
    if "tuple" in node:
        return tuple(_decode(value, arrays) for value in node["tuple"])
    return node["value"]
