"""MNIST and Fashion-MNIST from their IDX files (60,000 training and 10,000 test images, 28x28, 10 classes).

Files (each may be gzipped, ``.gz``):

    train-images-idx3-ubyte   train-labels-idx1-ubyte   (the training set)
    t10k-images-idx3-ubyte    t10k-labels-idx1-ubyte    (the test set)

They are looked for in ``root/mnist/`` (``root/fashion-mnist/`` for Fashion-MNIST) and then directly in
``root`` (see ``locate``). ``download=True`` fetches the missing ``.gz`` files into ``root/<name>/`` from the
mirrors in ``RESOURCES`` (md5 checked; checksums as in torchvision's ``datasets/mnist.py``).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..dataset import TensorDataset
from ..download import Resource, fetch
from .idx import read_idx
from .locate import candidates, data_root, first_existing, missing_message

_MNIST_MIRRORS = ("https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/")
_FASHION_MIRRORS = ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",)

RESOURCES: dict[str, tuple[Resource, ...]] = {
    "mnist": (
        Resource("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873", _MNIST_MIRRORS),
        Resource("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432", _MNIST_MIRRORS),
        Resource("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3", _MNIST_MIRRORS),
        Resource("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c", _MNIST_MIRRORS),
    ),
    "fashion": (
        Resource("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d", _FASHION_MIRRORS),
        Resource("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe", _FASHION_MIRRORS),
        Resource("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79", _FASHION_MIRRORS),
        Resource("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310", _FASHION_MIRRORS),
    ),
}
FOLDERS = {"mnist": "mnist", "fashion": "fashion-mnist"}
CLASSES = {
    "mnist": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
    "fashion": (
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ),
}  # fmt: skip


def load_mnist(
    root: str | os.PathLike[str] | None = None,
    train: bool = True,
    kind: str = "mnist",
    download: bool = False,
) -> TensorDataset:
    """MNIST (``kind="mnist"``) or Fashion-MNIST (``kind="fashion"``) as a ``TensorDataset`` of float32
    images pixel / 255 in [0, 1], shape (N, 1, 28, 28), and int64 labels 0..9.

    Raises FileNotFoundError listing every place looked when a file is missing (and ``download`` is off),
    ValueError naming the file when one is corrupt.
    """
    if kind not in RESOURCES:
        raise ValueError(f"load_mnist: kind is one of {sorted(RESOURCES)}, got {kind!r}")
    root = data_root(root)
    prefix = "train" if train else "t10k"
    images_path = _find(f"{prefix}-images-idx3-ubyte", kind, root, download)
    labels_path = _find(f"{prefix}-labels-idx1-ubyte", kind, root, download)
    images, labels = read_idx(images_path), read_idx(labels_path)
    if images.ndim != 3 or images.dtype != np.uint8:
        raise ValueError(
            f"load_mnist: {images_path} should hold uint8 images (count, rows, columns), "
            f"got {images.dtype} of shape {images.shape}"
        )
    if labels.ndim != 1 or labels.dtype != np.uint8:
        raise ValueError(
            f"load_mnist: {labels_path} should hold uint8 labels (count,), "
            f"got {labels.dtype} of shape {labels.shape}"
        )
    if len(images) != len(labels):
        raise ValueError(
            f"load_mnist: {images_path} holds {len(images)} images "
            f"but {labels_path} holds {len(labels)} labels"
        )
    if labels.size and labels.max() > 9:
        raise ValueError(f"load_mnist: {labels_path} has label {labels.max()}; labels are 0..9")
    x = images[:, None, :, :].astype(np.float32)
    x /= 255
    return TensorDataset(x, labels.astype(np.int64))


def _find(name: str, kind: str, root: Path, download: bool) -> Path:
    """The file ``name`` (or ``name.gz``) from where it lies, else downloaded, else FileNotFoundError."""
    folder = FOLDERS[kind]
    looked = candidates(root, folder, [name, name + ".gz"])
    found = first_existing(looked)
    if found is not None:
        return found
    resource = next(r for r in RESOURCES[kind] if r.filename == name + ".gz")
    if download:
        return fetch(resource, root / folder)
    raise FileNotFoundError(
        missing_message("load_mnist", f"the {kind} file {name}", looked, resource.urls[0], root / folder)
    )
