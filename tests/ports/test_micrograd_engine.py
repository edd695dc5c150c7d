"""Andrej Karpathy's micrograd test suite (karpathy/micrograd, test/test_engine.py, read at commit 5d0f7c26;
https://github.com/karpathy/micrograd/blob/master/test/test_engine.py), whose two tests build the same scalar
expression twice, once with micrograd's ``Value`` and once with PyTorch (``torch.Tensor([-4.0]).double()``,
``x.requires_grad = True``, ``relu``, ``**``, ``/`` with Python numbers on either side, ``(-a)``), and check
that the forward values and the gradients agree.

Ported by changing the import only, in the PyTorch half, which is kept verbatim; micrograd is not installed
here, so the ``Value`` half is replaced by the numbers it must produce, which are PyTorch's: computed once
with torch 2.13.0 (CPU) from the same PyTorch half (they are also the values micrograd's README prints). The
comparisons keep the original's strictness: exact for the sanity check, 1e-6 for the more-ops test (float64).
"""

from __future__ import annotations

import tensorgrad as torch

# computed once with torch 2.13.0 (CPU) from the same program (float64)
TORCH_SANITY = {"y": -20.0, "x.grad": 46.0}
TORCH_MORE_OPS = {"g": 24.70408163265306, "a.grad": 138.83381924198252, "b.grad": 645.5772594752186}


def test_sanity_check():
    x = torch.Tensor([-4.0]).double()
    x.requires_grad = True
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    xpt, ypt = x, y

    # forward pass went well
    assert TORCH_SANITY["y"] == ypt.data.item()
    # backward pass went well
    assert TORCH_SANITY["x.grad"] == xpt.grad.item()


def test_more_ops():
    a = torch.Tensor([-4.0]).double()
    b = torch.Tensor([2.0]).double()
    a.requires_grad = True
    b.requires_grad = True
    c = a + b
    d = a * b + b**3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g = g + 10.0 / f
    g.backward()
    apt, bpt, gpt = a, b, g

    tol = 1e-6
    # forward pass went well
    assert abs(TORCH_MORE_OPS["g"] - gpt.data.item()) < tol
    # backward pass went well
    assert abs(TORCH_MORE_OPS["a.grad"] - apt.grad.item()) < tol
    assert abs(TORCH_MORE_OPS["b.grad"] - bpt.grad.item()) < tol
