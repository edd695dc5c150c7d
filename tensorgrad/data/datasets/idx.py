"""The IDX file format (MNIST's), read with checks.

An IDX file is a header then the data, all big-endian:

    byte 0, 1   0x00 0x00
    byte 2      the element type: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
    byte 3      the number of dimensions d
    then        d sizes, each a big-endian int32
    then        prod(sizes) elements, row-major (C order)

MNIST images are ``0x00000803`` (uint8, 3-D: count x 28 x 28), labels ``0x00000801`` (uint8, 1-D). A name
ending in ``.gz`` is read through gzip.
"""

from __future__ import annotations

import gzip
import os
import zlib
from pathlib import Path

import numpy as np

DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """The array stored in an IDX file (gzipped when the name ends in ``.gz``), in native byte order.

    Raises ValueError naming the file when the magic number, the element type or the data length is wrong.
    """
    path = Path(path)
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as file:
                raw = file.read()
        else:
            raw = path.read_bytes()
    except (EOFError, gzip.BadGzipFile, zlib.error) as err:
        raise ValueError(f"read_idx: {path} is not a complete gzip file ({err})") from None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise ValueError(
            f"read_idx: {path} is not an IDX file: it starts with {raw[:4].hex(' ') or 'nothing'}, "
            "expected 00 00 <type> <ndim>"
        )
    code, ndim = raw[2], raw[3]
    if code not in DTYPES:
        raise ValueError(
            f"read_idx: {path} has the unknown element type 0x{code:02X}; "
            f"known: {', '.join(f'0x{c:02X}' for c in DTYPES)}"
        )
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(
            f"read_idx: {path} is cut short inside its header ({len(raw)} bytes, needs {header})"
        )
    shape = tuple(int(s) for s in np.frombuffer(raw, dtype=">i4", count=ndim, offset=4))
    dtype = DTYPES[code]
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) - header != expected:
        raise ValueError(
            f"read_idx: {path} holds {len(raw) - header} data bytes, but its header promises shape {shape} "
            f"of {dtype.name} = {expected} bytes (truncated or corrupt file)"
        )
    array = np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape)
    return array.astype(dtype.newbyteorder("="))  # a writable copy in native byte order
