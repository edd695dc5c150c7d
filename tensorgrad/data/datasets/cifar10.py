"""CIFAR-10 from its binary version (50,000 training and 10,000 test colour images, 32x32, 10 classes).

``cifar-10-binary.tar.gz`` holds ``cifar-10-batches-bin/data_batch_1.bin`` .. ``data_batch_5.bin`` (the
training set, in that order) and ``test_batch.bin``. Each file is 10,000 records of 3,073 bytes: one label
byte (0..9), then 3,072 pixel bytes, channel-major: 1,024 red, 1,024 green, 1,024 blue, each 32 rows of 32.

The loader reads either the extracted ``cifar-10-batches-bin/`` folder or the members straight out of the
archive (in memory; nothing is extracted to disk, so member paths cannot point anywhere). The pickled
"python version" of CIFAR-10 is never read. Files are looked for in ``root/cifar-10/`` and then in
``root``; ``download=True`` fetches the archive into ``root/cifar-10/`` (md5 checked).
"""

from __future__ import annotations

import os
import tarfile
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..dataset import TensorDataset
from ..download import Resource, fetch
from .locate import candidates, data_root, missing_message

CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
ARCHIVE = "cifar-10-binary.tar.gz"
EXTRACTED = "cifar-10-batches-bin"
FOLDER = "cifar-10"
# md5 as published on https://www.cs.toronto.edu/~kriz/cifar.html for the binary version
RESOURCES: tuple[Resource, ...] = (
    Resource(ARCHIVE, "c32a1d4ab5d03f1284b67883e8d87530", ("https://www.cs.toronto.edu/~kriz/",)),
)
TRAIN_FILES = tuple(f"data_batch_{i}.bin" for i in range(1, 6))
TEST_FILES = ("test_batch.bin",)
RECORD = 1 + 3 * 32 * 32  # bytes per image: the label, then the pixels


def load_cifar10(
    root: str | os.PathLike[str] | None = None, train: bool = True, download: bool = False
) -> TensorDataset:
    """CIFAR-10 as a ``TensorDataset`` of float32 images pixel / 255 in [0, 1], shape (N, 3, 32, 32), and
    int64 labels 0..9 (names in ``CLASSES``).

    Raises FileNotFoundError listing every place looked when neither the folder nor the archive is found
    (and ``download`` is off), ValueError naming the file when one is corrupt.
    """
    root = data_root(root)
    names = TRAIN_FILES if train else TEST_FILES
    looked = candidates(root, FOLDER, [EXTRACTED, ARCHIVE])
    blobs: list[tuple[str, bytes]] | None = None
    for place in looked:
        if place.name == EXTRACTED and place.is_dir() and all((place / n).is_file() for n in names):
            blobs = [(str(place / n), (place / n).read_bytes()) for n in names]
            break
        if place.name == ARCHIVE and place.is_file():
            blobs = _read_members(place, names)
            break
    if blobs is None:
        if not download:
            url = RESOURCES[0].urls[0]
            what = f"CIFAR-10 ({EXTRACTED}/ with {', '.join(names)}, or {ARCHIVE})"
            raise FileNotFoundError(missing_message("load_cifar10", what, looked, url, root / FOLDER))
        blobs = _read_members(fetch(RESOURCES[0], root / FOLDER), names)
    parts = [_parse_records(source, data) for source, data in blobs]
    x = np.concatenate([images for images, _ in parts]).astype(np.float32)
    x /= 255
    return TensorDataset(x, np.concatenate([labels for _, labels in parts]))


def _read_members(archive: Path, names: Sequence[str]) -> list[tuple[str, bytes]]:
    """The bytes of ``cifar-10-batches-bin/<name>`` for each name, read from the tar.gz in one pass."""
    wanted = {f"{EXTRACTED}/{n}": n for n in names}
    found: dict[str, bytes] = {}
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                name = member.name.removeprefix("./")
                if name in wanted and member.isfile():
                    found[wanted[name]] = tar.extractfile(member).read()  # type: ignore[union-attr]
                    if len(found) == len(wanted):
                        break
    except (tarfile.TarError, EOFError, zlib.error, OSError) as err:
        raise ValueError(f"load_cifar10: cannot read {archive} as a tar.gz archive ({err})") from None
    missing = [f"{EXTRACTED}/{n}" for n in names if n not in found]
    if missing:
        raise ValueError(f"load_cifar10: {archive} has no member {', '.join(missing)}")
    return [(f"{archive}:{EXTRACTED}/{n}", found[n]) for n in names]


def _parse_records(source: str, data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Images (count, 3, 32, 32) uint8 and labels (count,) int64 from the records of one batch file."""
    if not data or len(data) % RECORD:
        raise ValueError(
            f"load_cifar10: {source} has {len(data)} bytes, not a whole number of {RECORD}-byte records "
            "(1 label byte + 3,072 pixel bytes); the file is truncated or not CIFAR-10 binary"
        )
    records = np.frombuffer(data, dtype=np.uint8).reshape(-1, RECORD)
    labels = records[:, 0].astype(np.int64)
    if labels.max() > 9:
        raise ValueError(f"load_cifar10: {source} has label {labels.max()}; labels are 0..9")
    return records[:, 1:].reshape(-1, 3, 32, 32), labels
