"""The data sets the ``tensorgrad compare`` command trains on, each as a train/test pair of datasets.

``load_dataset("digits")`` gives scikit-learn's 8x8 digits split 80/20 (stratified); the toy point sets are
generated (900 points, the same 80/20 split); ``names`` is the bundled census first names as (context, next
character) examples for language models; MNIST, Fashion-MNIST and CIFAR-10 are read from their standard files
in ``data_dir`` (fetched there with ``download=True``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .. import data

TEST_FRACTION = 0.2
TOY_POINTS = 900


@dataclass(frozen=True)
class DataSplit:
    """A data set ready to train on: train and test datasets, the shape of one input, the class count."""

    name: str
    train: data.Dataset
    test: data.Dataset
    input_shape: tuple[int, ...]
    classes: int
    description: str
    #: for text: the characters' vocabulary (the classes are its ids), to decode what a model generates
    vocab: Any = None


def _digits(data_dir: Path | None, download: bool, seed: int) -> DataSplit:
    train = data.load_digits(train=True, test_fraction=TEST_FRACTION, seed=seed)
    test = data.load_digits(train=False, test_fraction=TEST_FRACTION, seed=seed)
    return DataSplit("digits", train, test, (1, 8, 8), 10, "scikit-learn's 8x8 digits, 80/20 stratified")


def _toy(name: str, points: Callable[[int], tuple[np.ndarray, np.ndarray]]) -> Callable[..., DataSplit]:
    def load(data_dir: Path | None, download: bool, seed: int) -> DataSplit:
        x, y = points(seed)
        train_index, test_index = data.stratified_split(y, TEST_FRACTION, seed=seed)
        train = data.TensorDataset(x[train_index], y[train_index])
        test = data.TensorDataset(x[test_index], y[test_index])
        classes = int(y.max()) + 1
        return DataSplit(name, train, test, (2,), classes, f"{len(y)} generated 2-D points, 80/20 stratified")

    return load


def _mnist(kind: str) -> Callable[..., DataSplit]:
    def load(data_dir: Path | None, download: bool, seed: int) -> DataSplit:
        train = data.load_mnist(data_dir, train=True, kind=kind, download=download)
        test = data.load_mnist(data_dir, train=False, kind=kind, download=download)
        name = "mnist" if kind == "mnist" else "fashion"
        return DataSplit(name, train, test, (1, 28, 28), 10, f"{kind.upper()} 28x28, the standard test set")

    return load


def _cifar10(data_dir: Path | None, download: bool, seed: int) -> DataSplit:
    train = data.load_cifar10(data_dir, train=True, download=download)
    test = data.load_cifar10(data_dir, train=False, download=download)
    return DataSplit("cifar10", train, test, (3, 32, 32), 10, "CIFAR-10 32x32 colour, the standard test set")


def _names(data_dir: Path | None, download: bool, seed: int) -> DataSplit:
    from .language_models import BLOCK_SIZE

    vocab = data.CharVocabulary(data.load_names())
    train = data.CharContextDataset(data.load_names("train"), BLOCK_SIZE, vocab=vocab)
    test = data.CharContextDataset(data.load_names("test"), BLOCK_SIZE, vocab=vocab)
    description = (
        f"{len(data.load_names())} U.S. census first names, {BLOCK_SIZE} characters of context -> the next; "
        "80/10/10 split by name, the test tenth held out"
    )
    return DataSplit("names", train, test, (BLOCK_SIZE,), len(vocab), description, vocab)


LOADERS: dict[str, Callable[..., DataSplit]] = {
    "digits": _digits,
    "xor": _toy("xor", lambda seed: data.xor(n=TOY_POINTS, noise=0.15, seed=seed)),
    "spiral": _toy("spiral", lambda seed: data.spiral(n=TOY_POINTS // 3, classes=3, noise=0.2, seed=seed)),
    "moons": _toy("moons", lambda seed: data.moons(n=TOY_POINTS, noise=0.15, seed=seed)),
    "mnist": _mnist("mnist"),
    "fashion": _mnist("fashion"),
    "cifar10": _cifar10,
    "names": _names,
}

DATASETS = tuple(LOADERS)


def load_dataset(
    name: str, data_dir: str | Path | None = None, download: bool = False, seed: int = 0
) -> DataSplit:
    """The train/test split of the data set called ``name`` (one of ``DATASETS``)."""
    if name not in LOADERS:
        raise ValueError(f"unknown dataset {name!r}: choose from {', '.join(DATASETS)}")
    if data_dir is not None:
        data_dir = Path(data_dir)
        if download:
            data_dir.mkdir(parents=True, exist_ok=True)
        elif not data_dir.is_dir():
            raise FileNotFoundError(f"the data directory {data_dir} does not exist")
    return LOADERS[name](data_dir, download, seed)
