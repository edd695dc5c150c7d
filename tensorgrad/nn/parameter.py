"""Parameter: a Tensor that a Module learns.

Assigning a Parameter to a Module attribute registers it, so it shows up in ``parameters()``,
``named_parameters()`` and ``state_dict()``. It is a plain leaf Tensor otherwise: every op accepts it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor


class Parameter(Tensor):
    """A leaf Tensor registered by the Module it is assigned to; requires grad by default.

    >>> Parameter([1.0, 2.0])
    Parameter containing:
    tensor([1., 2.], requires_grad=True)
    """

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if data is None:
            data = np.empty(0, dtype=np.float32)
        super().__init__(data, requires_grad=requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
