"""``tensorgrad.nn``: Modules, layers, losses and initialisers with PyTorch's names and layouts.

Class names follow our design (``Dense``, ``Conv2D``, ``MaxPool2D``, ``BatchNorm2D``) and PyTorch's work too
(``Linear``, ``Conv2d``, ``MaxPool2d``, ``BatchNorm2d``), so PyTorch code ports with an import change.
"""

from . import functional, init, utils
from .activation import LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from .containers import ModuleDict, ModuleList, Sequential
from .conv import Conv2D, Conv2d
from .dropout import Dropout
from .flatten import Flatten
from .linear import Dense, Identity, Linear
from .loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)
from .module import Module
from .normalization import BatchNorm1D, BatchNorm1d, BatchNorm2D, BatchNorm2d
from .parameter import Parameter
from .pooling import AvgPool2D, AvgPool2d, MaxPool2D, MaxPool2d
from .summary import summary

__all__ = [
    "AvgPool2D",
    "AvgPool2d",
    "BCELoss",
    "BCEWithLogitsLoss",
    "BatchNorm1D",
    "BatchNorm1d",
    "BatchNorm2D",
    "BatchNorm2d",
    "Conv2D",
    "Conv2d",
    "CrossEntropyLoss",
    "Dense",
    "Dropout",
    "Flatten",
    "HuberLoss",
    "Identity",
    "L1Loss",
    "LeakyReLU",
    "Linear",
    "LogSoftmax",
    "MSELoss",
    "MaxPool2D",
    "MaxPool2d",
    "Module",
    "ModuleDict",
    "ModuleList",
    "NLLLoss",
    "Parameter",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "SmoothL1Loss",
    "Softmax",
    "Tanh",
    "functional",
    "init",
    "summary",
    "utils",
]
