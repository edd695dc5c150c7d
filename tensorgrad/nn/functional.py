"""``tensorgrad.nn.functional`` (import it as ``F``): the layers' operations as plain functions.

These are the ops themselves, re-exported under PyTorch's names; the Modules in ``tensorgrad.nn`` hold the
parameters and call them.
"""

from ..ops.conv import avg_pool2d, conv2d, max_pool2d
from ..ops.elementwise import leaky_relu, relu, sigmoid, tanh
from ..ops.linalg import linear
from ..ops.loss import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    huber_loss,
    l1_loss,
    mse_loss,
    nll_loss,
    smooth_l1_loss,
)
from ..ops.normalization import batch_norm, dropout
from ..ops.reduce import log_softmax, softmax
from ..ops.shape import one_hot

__all__ = [
    "avg_pool2d",
    "batch_norm",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "conv2d",
    "cross_entropy",
    "dropout",
    "huber_loss",
    "l1_loss",
    "leaky_relu",
    "linear",
    "log_softmax",
    "max_pool2d",
    "mse_loss",
    "nll_loss",
    "one_hot",
    "relu",
    "sigmoid",
    "smooth_l1_loss",
    "softmax",
    "tanh",
]
