"""``tensorgrad.nn``: Modules, layers, losses and initialisers with PyTorch's names and layouts.

Class names follow our design (``Dense``, ``Conv2D``, ``MaxPool2D``, ``BatchNorm2D``) and PyTorch's work too
(``Linear``, ``Conv2d``, ``MaxPool2d``, ``BatchNorm2d``), so PyTorch code ports with an import change.
"""

from . import functional, init, utils
from .activation import (
    ELU,
    GELU,
    SELU,
    Hardtanh,
    LeakyReLU,
    LogSigmoid,
    LogSoftmax,
    Mish,
    ReLU,
    ReLU6,
    Sigmoid,
    SiLU,
    Softmax,
    Softplus,
    Softsign,
    Tanh,
    Tanhshrink,
)
from .containers import ModuleDict, ModuleList, Sequential
from .conv import Conv2D, Conv2d
from .dropout import Dropout, Dropout1d, Dropout2d, Dropout3d
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
from .pooling import (
    AdaptiveAvgPool2D,
    AdaptiveAvgPool2d,
    AdaptiveMaxPool2D,
    AdaptiveMaxPool2d,
    AvgPool2D,
    AvgPool2d,
    MaxPool2D,
    MaxPool2d,
)
from .summary import summary

__all__ = [
    "ELU",
    "GELU",
    "SELU",
    "AdaptiveAvgPool2D",
    "AdaptiveAvgPool2d",
    "AdaptiveMaxPool2D",
    "AdaptiveMaxPool2d",
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
    "Dropout1d",
    "Dropout2d",
    "Dropout3d",
    "Flatten",
    "Hardtanh",
    "HuberLoss",
    "Identity",
    "L1Loss",
    "LeakyReLU",
    "Linear",
    "LogSigmoid",
    "LogSoftmax",
    "MSELoss",
    "MaxPool2D",
    "MaxPool2d",
    "Mish",
    "Module",
    "ModuleDict",
    "ModuleList",
    "NLLLoss",
    "Parameter",
    "ReLU",
    "ReLU6",
    "Sequential",
    "SiLU",
    "Sigmoid",
    "SmoothL1Loss",
    "Softmax",
    "Softplus",
    "Softsign",
    "Tanh",
    "Tanhshrink",
    "functional",
    "init",
    "summary",
    "utils",
]

# tensorgrad.nn.<a PyTorch name it lacks>: a clear AttributeError (see tensorgrad/unsupported.py)
from ..unsupported import NN_ALTERNATIVES as _ALTERNATIVES
from ..unsupported import module_getattr as _module_getattr

__getattr__ = _module_getattr("tensorgrad.nn", "torch.nn", _ALTERNATIVES)
