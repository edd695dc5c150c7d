"""ELU's family at its kink x = 0: first and second derivatives as PyTorch gives them.

PyTorch's elu backward uses the negative branch at x <= 0 (slope alpha * scale at 0), and its double
backward masks with x < 0 (second derivative 0 at 0). tensorgrad used x <= 0 for both, so its second
derivative at exactly 0 was alpha * scale. The numbers below were computed once with torch 2.13.0 (CPU) by
``torch.autograd.grad`` twice (``create_graph=True``) at x = [-1, 0, 1] in float64.
"""

from __future__ import annotations

import numpy as np
import pytest

import tensorgrad as tg
import tensorgrad.nn.functional as F

# name: (function, PyTorch's first derivatives, PyTorch's second derivatives) at x = [-1, 0, 1]
TORCH = {
    "elu": (F.elu, [0.36787944117144233, 1.0, 1.0], [0.36787944117144233, 0.0, 0.0]),
    "elu_alpha": (
        lambda t: F.elu(t, 0.3),
        [0.1103638323514327, 0.3, 1.0],
        [0.1103638323514327, 0.0, 0.0],
    ),
    "selu": (
        F.selu,
        [0.646768603034814, 1.7580993408473766, 1.0507009873554805],
        [0.646768603034814, 0.0, 0.0],
    ),
    "celu": (lambda t: F.celu(t, 0.5), [0.1353352832366127, 1.0, 1.0], [0.2706705664732254, 0.0, 0.0]),
}


@pytest.mark.parametrize("name", sorted(TORCH))
def test_first_and_second_derivatives_at_the_kink_match_pytorch(name):
    fn, first, second = TORCH[name]
    x = tg.tensor([-1.0, 0.0, 1.0], dtype=tg.float64, requires_grad=True)
    (g,) = tg.grad(fn(x).sum(), x, create_graph=True)
    (g2,) = tg.grad(g.sum(), x)
    np.testing.assert_allclose(g.numpy(), first, rtol=1e-12)
    np.testing.assert_allclose(g2.numpy(), second, rtol=1e-12, atol=1e-15)
