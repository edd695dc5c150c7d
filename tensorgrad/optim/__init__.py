"""Optimizers: update parameters in place from their gradients, each with its published (PyTorch's) rule.

``Optimizer`` is the base class (parameter groups, per-parameter state, ``zero_grad``, ``step``,
``state_dict``); ``lr_scheduler`` changes the groups' learning rates during training.
"""

from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import AdaGrad, Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .momentum import Momentum
from .nadam import NAdam
from .optimizer import Optimizer
from .radam import RAdam
from .rmsprop import RMSProp, RMSprop
from .sgd import SGD

__all__ = [
    "SGD",
    "AdaGrad",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Momentum",
    "NAdam",
    "Optimizer",
    "RAdam",
    "RMSProp",
    "RMSprop",
    "lr_scheduler",
]

# tensorgrad.optim.<a PyTorch name it lacks>: a clear AttributeError (see tensorgrad/unsupported.py)
from ..unsupported import OPTIM_ALTERNATIVES as _ALTERNATIVES
from ..unsupported import module_getattr as _module_getattr

__getattr__ = _module_getattr("tensorgrad.optim", "torch.optim", _ALTERNATIVES)
