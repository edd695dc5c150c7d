"""``tensorgrad.nn.functional`` (import it as ``F``): the layers' operations as plain functions.

These are the ops themselves, re-exported under PyTorch's names; the Modules in ``tensorgrad.nn`` hold the
parameters and call them.
"""

from ..ops.activation import (
    elu,
    gelu,
    hardtanh,
    logsigmoid,
    mish,
    relu6,
    selu,
    silu,
    softplus,
    softsign,
    tanhshrink,
)
from ..ops.adaptive import adaptive_avg_pool2d, adaptive_max_pool2d
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
from ..ops.norm import normalize
from ..ops.normalization import batch_norm, dropout, dropout1d, dropout2d, dropout3d
from ..ops.reduce import log_softmax, softmax
from ..ops.shape import one_hot
from ..ops.shape import pad_last as pad

__all__ = [
    "adaptive_avg_pool2d",
    "adaptive_max_pool2d",
    "avg_pool2d",
    "batch_norm",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "conv2d",
    "cross_entropy",
    "dropout",
    "dropout1d",
    "dropout2d",
    "dropout3d",
    "elu",
    "gelu",
    "hardtanh",
    "huber_loss",
    "l1_loss",
    "leaky_relu",
    "linear",
    "log_softmax",
    "logsigmoid",
    "max_pool2d",
    "mish",
    "mse_loss",
    "nll_loss",
    "normalize",
    "one_hot",
    "pad",
    "relu",
    "relu6",
    "selu",
    "sigmoid",
    "silu",
    "smooth_l1_loss",
    "softmax",
    "softplus",
    "softsign",
    "tanh",
    "tanhshrink",
]

# tensorgrad.nn.functional.<a PyTorch name it lacks>: a clear AttributeError (see tensorgrad/unsupported.py)
from ..unsupported import module_getattr as _module_getattr

__getattr__ = _module_getattr("tensorgrad.nn.functional", "torch.nn.functional", {})
