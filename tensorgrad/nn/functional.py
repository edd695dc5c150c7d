"""``tensorgrad.nn.functional`` (import it as ``F``): the layers' operations as plain functions.

These are the ops themselves, re-exported under PyTorch's names; the Modules in ``tensorgrad.nn`` hold the
parameters and call them.
"""

from ..ops.activation import (
    celu,
    elu,
    gelu,
    glu,
    hardshrink,
    hardsigmoid,
    hardswish,
    hardtanh,
    logsigmoid,
    mish,
    prelu,
    relu6,
    rrelu,
    selu,
    silu,
    softmin,
    softplus,
    softshrink,
    softsign,
    tanhshrink,
    threshold,
)
from ..ops.adaptive import adaptive_avg_pool2d, adaptive_max_pool2d
from ..ops.attention import scaled_dot_product_attention
from ..ops.conv import avg_pool2d, conv2d, max_pool2d
from ..ops.conv1d import conv1d
from ..ops.distance import cosine_similarity, pairwise_distance
from ..ops.elementwise import leaky_relu, relu, sigmoid, tanh
from ..ops.embedding import embedding
from ..ops.embedding_bag import embedding_bag
from ..ops.layer_norm import layer_norm
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
from ..ops.loss_extra import (
    cosine_embedding_loss,
    gaussian_nll_loss,
    hinge_embedding_loss,
    kl_div,
    margin_ranking_loss,
    multilabel_soft_margin_loss,
    poisson_nll_loss,
    soft_margin_loss,
    triplet_margin_loss,
)
from ..ops.multihead import multi_head_attention_forward
from ..ops.norm import normalize
from ..ops.normalization import batch_norm, dropout, dropout1d, dropout2d, dropout3d
from ..ops.pool1d import adaptive_avg_pool1d, adaptive_max_pool1d
from ..ops.reduce import log_softmax, softmax
from ..ops.shape import one_hot
from ..ops.shape import pad_last as pad
from ..ops.upsampling import interpolate, pixel_shuffle, pixel_unshuffle

__all__ = [
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "adaptive_max_pool1d",
    "adaptive_max_pool2d",
    "avg_pool2d",
    "batch_norm",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "celu",
    "conv1d",
    "conv2d",
    "cosine_embedding_loss",
    "cosine_similarity",
    "cross_entropy",
    "dropout",
    "dropout1d",
    "dropout2d",
    "dropout3d",
    "elu",
    "embedding",
    "embedding_bag",
    "gaussian_nll_loss",
    "gelu",
    "glu",
    "hardshrink",
    "hardsigmoid",
    "hardswish",
    "hardtanh",
    "hinge_embedding_loss",
    "huber_loss",
    "interpolate",
    "kl_div",
    "l1_loss",
    "layer_norm",
    "leaky_relu",
    "linear",
    "log_softmax",
    "logsigmoid",
    "margin_ranking_loss",
    "max_pool2d",
    "mish",
    "mse_loss",
    "multi_head_attention_forward",
    "multilabel_soft_margin_loss",
    "nll_loss",
    "normalize",
    "one_hot",
    "pad",
    "pairwise_distance",
    "pixel_shuffle",
    "pixel_unshuffle",
    "poisson_nll_loss",
    "prelu",
    "relu",
    "relu6",
    "rrelu",
    "scaled_dot_product_attention",
    "selu",
    "sigmoid",
    "silu",
    "smooth_l1_loss",
    "soft_margin_loss",
    "softmax",
    "softmin",
    "softplus",
    "softshrink",
    "softsign",
    "tanh",
    "tanhshrink",
    "threshold",
    "triplet_margin_loss",
]

# tensorgrad.nn.functional.<a PyTorch name it lacks>: a clear AttributeError (see tensorgrad/unsupported.py)
from ..unsupported import module_getattr as _module_getattr

__getattr__ = _module_getattr("tensorgrad.nn.functional", "torch.nn.functional", {})
