"""Data sets: toy generators, scikit-learn's digits, MNIST / Fashion-MNIST (IDX), CIFAR-10 (binary) and a
bundled names corpus.

Each image loader returns a ``TensorDataset``; the toy generators return ``(x, y)`` numpy arrays;
``load_names`` returns a list of strings (``tensorgrad.data.text`` turns it into examples).
"""

from .cifar10 import load_cifar10
from .digits import load_digits
from .mnist import load_mnist
from .names import load_names
from .toy import circles, linear_regression, moons, spiral, xor

__all__ = [
    "circles",
    "linear_regression",
    "load_cifar10",
    "load_digits",
    "load_mnist",
    "load_names",
    "moons",
    "spiral",
    "xor",
]
