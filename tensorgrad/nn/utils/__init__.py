"""``tensorgrad.nn.utils``: gradient clipping, parameter/vector conversion and, in ``rnn``, padded and packed
sequences (as ``torch.nn.utils``)."""

from ..clip_grad import clip_grad_norm_, clip_grad_value_
from ..convert_parameters import parameters_to_vector, vector_to_parameters
from . import rnn

__all__ = ["clip_grad_norm_", "clip_grad_value_", "parameters_to_vector", "rnn", "vector_to_parameters"]

# tensorgrad.nn.utils.<a PyTorch name it lacks>: a clear AttributeError (see tensorgrad/unsupported.py)
from ...unsupported import module_getattr as _module_getattr

_ALTERNATIVES = {
    "parametrize": "not supported",
    "parametrizations": "not supported",
    "prune": "not supported",
    "spectral_norm": "not supported",
    "weight_norm": "not supported",
}
__getattr__ = _module_getattr("tensorgrad.nn.utils", "torch.nn.utils", _ALTERNATIVES)
