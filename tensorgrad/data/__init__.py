"""Data: datasets, batching into Tensors, splits, data sets and verified downloads.

``TensorDataset(x, y)`` holds arrays; ``DataLoader(dataset, batch_size, shuffle)`` yields batches of
Tensors; ``random_split`` / ``stratified_split`` divide a dataset; ``datasets`` has toy generators and
loaders for digits, MNIST, Fashion-MNIST, CIFAR-10 and a bundled names corpus; ``text`` makes
character-level examples (``CharVocabulary``, ``CharContextDataset``, ``CharBlockDataset``); ``download``
fetches a file checksum-verified.
"""

from .dataset import Dataset, Subset, TensorDataset, random_split, stratified_split
from .datasets import (
    circles,
    linear_regression,
    load_cifar10,
    load_digits,
    load_mnist,
    load_names,
    moons,
    spiral,
    xor,
)
from .download import DownloadError, Resource, download
from .loader import DataLoader, default_collate
from .text import CharBlockDataset, CharContextDataset, CharVocabulary

__all__ = [
    "CharBlockDataset",
    "CharContextDataset",
    "CharVocabulary",
    "DataLoader",
    "Dataset",
    "DownloadError",
    "Resource",
    "Subset",
    "TensorDataset",
    "circles",
    "default_collate",
    "download",
    "linear_regression",
    "load_cifar10",
    "load_digits",
    "load_mnist",
    "load_names",
    "moons",
    "random_split",
    "spiral",
    "stratified_split",
    "xor",
]
