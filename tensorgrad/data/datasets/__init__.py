"""Data sets: toy generators, scikit-learn's digits, MNIST / Fashion-MNIST (IDX) and CIFAR-10 (binary).

Each loader returns a ``TensorDataset``; the toy generators return ``(x, y)`` numpy arrays.
"""

from .cifar10 import load_cifar10
from .digits import load_digits
from .mnist import load_mnist
from .toy import circles, linear_regression, moons, spiral, xor

__all__ = [
    "circles",
    "linear_regression",
    "load_cifar10",
    "load_digits",
    "load_mnist",
    "moons",
    "spiral",
    "xor",
]
