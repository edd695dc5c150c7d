"""PyTorch's 60-minute blitz, part "Autograd: automatic differentiation" (pytorch/tutorials,
beginner_source/blitz/autograd_tutorial.py, the revision read at commit 05f04cb4; published at
https://pytorch.org/tutorials/beginner/blitz/autograd_tutorial.html in that form until the blitz was
rewritten), ported by changing the import only: ``torch.ones(2, 2, requires_grad=True)``, ``y.grad_fn``,
``z.mean()``, ``a.requires_grad_(True)``, ``out.backward()`` giving a matrix of 4.5, then a vector-Jacobian
product ``y.backward(gradients)`` after a loop ``while y.data.norm() < 1000``, and ``torch.no_grad()``.

No data set; nothing shrunk. The first gradient is exact (4.5 everywhere, as the tutorial derives). The second
part starts from ``torch.randn(3)``, so its check is the identity it illustrates: y = x * 2^k, hence
x.grad = gradients * 2^k, with 2^k read off y / x.
"""

from __future__ import annotations

import numpy as np

import tensorgrad as torch


def test_autograd_automatic_differentiation_tutorial():
    torch.manual_seed(0)
    x = torch.ones(2, 2, requires_grad=True)
    print(x)

    y = x + 2
    print(y)

    print(y.grad_fn)
    assert y.grad_fn is not None

    z = y * y * 3
    out = z.mean()

    print(z, out)
    assert out.item() == 27.0

    a = torch.randn(2, 2)
    a = (a * 3) / (a - 1)
    print(a.requires_grad)
    assert a.requires_grad is False
    a.requires_grad_(True)
    print(a.requires_grad)
    assert a.requires_grad is True
    b = (a * a).sum()
    print(b.grad_fn)
    assert b.grad_fn is not None

    out.backward()

    print(x.grad)
    assert x.grad.numpy().tolist() == [[4.5, 4.5], [4.5, 4.5]]

    x = torch.randn(3, requires_grad=True)

    y = x * 2
    while y.data.norm() < 1000:
        y = y * 2

    print(y)

    gradients = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float)
    y.backward(gradients)

    print(x.grad)
    scale = float(np.round(y.detach().numpy()[0] / x.detach().numpy()[0]))
    assert scale >= 2 and np.log2(scale) == int(np.log2(scale))
    assert np.allclose(x.grad.numpy(), np.array([0.1, 1.0, 0.0001], dtype=np.float32) * scale)

    print(x.requires_grad)
    print((x**2).requires_grad)
    assert x.requires_grad and (x**2).requires_grad

    with torch.no_grad():
        print((x**2).requires_grad)
        assert not (x**2).requires_grad
