"""Data: datasets, batching into Tensors, splits, data sets and verified downloads.

``TensorDataset(x, y)`` holds arrays; ``DataLoader(dataset, batch_size, shuffle)`` yields batches of
Tensors; ``random_split`` / ``stratified_split`` divide a dataset; ``datasets`` has toy generators and
loaders for digits, MNIST, Fashion-MNIST and CIFAR-10; ``download`` fetches a file checksum-verified.
"""

from .dataset import Dataset, Subset, TensorDataset, random_split, stratified_split
from .datasets import (
    circles,
    linear_regression,
    load_cifar10,
    load_digits,
    load_mnist,
    moons,
    spiral,
    xor,
)
from .download import DownloadError, Resource, download
from .loader import DataLoader, default_collate

__all__ = [
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
    "moons",
    "random_split",
    "spiral",
    "stratified_split",
    "xor",
]
