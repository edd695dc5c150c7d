"""PyTorch's 60-minute blitz, first part "What is PyTorch?" (pytorch/tutorials,
beginner_source/blitz/tensor_tutorial.py, read at commit 08c4ec98; published at
https://pytorch.org/tutorials/beginner/blitz/tensor_tutorial.html), ported by changing the import only:
``torch.empty``, ``torch.rand``, ``torch.zeros(5, 3, dtype=torch.long)``, ``x.new_ones(5, 3,
dtype=torch.double)``, ``torch.randn_like(x, dtype=torch.float)``, ``x.size()``, ``torch.add(x, y,
out=result)``, ``y.add_(x)``, ``x.view(-1, 8)``, ``.item()``, and the NumPy bridge in both directions, where
``a.add_(1)`` must show in ``a.numpy()`` and ``np.add(a, 1, out=a)`` in ``torch.from_numpy(a)``.

No data set; nothing shrunk. The values are random, so the checks are on what the tutorial states: dtypes,
sizes, that the three ways of adding agree, and that the bridge shares memory. The last block runs only when
CUDA is available, which it is not here (as on a CPU-only PyTorch).
"""

from __future__ import annotations

import numpy as np

import tensorgrad as torch


def test_what_is_pytorch_tensor_tutorial():
    torch.manual_seed(0)
    x = torch.empty(5, 3)
    print(x)
    assert tuple(x.shape) == (5, 3)

    x = torch.rand(5, 3)
    print(x)

    x = torch.zeros(5, 3, dtype=torch.long)
    print(x)
    assert x.dtype == torch.long and x.sum().item() == 0

    x = torch.tensor([5.5, 3])
    print(x)

    x = x.new_ones(5, 3, dtype=torch.double)  # new_* methods take in sizes
    print(x)
    assert x.dtype == torch.double and x.sum().item() == 15.0

    x = torch.randn_like(x, dtype=torch.float)  # override dtype!
    print(x)  # result has the same size
    assert x.dtype == torch.float

    print(x.size())
    assert x.size() == (5, 3)

    y = torch.rand(5, 3)
    print(x + y)

    print(torch.add(x, y))

    result = torch.empty(5, 3)
    torch.add(x, y, out=result)
    print(result)
    assert np.allclose(result.numpy(), (x + y).numpy()) and np.allclose(
        torch.add(x, y).numpy(), result.numpy()
    )

    # adds x to y
    y.add_(x)
    print(y)
    assert np.allclose(y.numpy(), result.numpy())

    print(x[:, 1])

    x = torch.randn(4, 4)
    y = x.view(16)
    z = x.view(-1, 8)  # the size -1 is inferred from other dimensions
    print(x.size(), y.size(), z.size())
    assert (x.size(), y.size(), z.size()) == ((4, 4), (16,), (2, 8))

    x = torch.randn(1)
    print(x)
    print(x.item())
    assert isinstance(x.item(), float)

    a = torch.ones(5)
    print(a)

    b = a.numpy()
    print(b)

    a.add_(1)
    print(a)
    print(b)
    assert b.tolist() == [2.0] * 5  # "See how the numpy array changed in value."

    a = np.ones(5)
    b = torch.from_numpy(a)
    np.add(a, 1, out=a)
    print(a)
    print(b)
    assert b.numpy().tolist() == [2.0] * 5 and b.dtype == torch.float64

    if torch.cuda.is_available():
        device = torch.device("cuda")  # a CUDA device object
        y = torch.ones_like(x, device=device)  # directly create a tensor on GPU
        x = x.to(device)  # or just use strings ``.to("cuda")``
        z = x + y
        print(z)
        print(z.to("cpu", torch.double))  # ``.to`` can also change dtype together!
