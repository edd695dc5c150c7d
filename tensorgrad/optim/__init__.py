"""Optimizers: update parameters in place from their gradients, each with its published (PyTorch's) rule.

``Optimizer`` is the base class (parameter groups, per-parameter state, ``zero_grad``, ``step``,
``state_dict``); ``lr_scheduler`` changes the groups' learning rates during training.
"""

from . import lr_scheduler
from .adagrad import AdaGrad, Adagrad
from .adam import Adam, AdamW
from .momentum import Momentum
from .optimizer import Optimizer
from .rmsprop import RMSProp, RMSprop
from .sgd import SGD

__all__ = [
    "SGD",
    "AdaGrad",
    "Adagrad",
    "Adam",
    "AdamW",
    "Momentum",
    "Optimizer",
    "RMSProp",
    "RMSprop",
    "lr_scheduler",
]
