"""PyTorch's "Learn the Basics", part "Tensors" (pytorch/tutorials,
beginner_source/basics/tensorqs_tutorial.py, read at commit 0dea8a15; published at
https://pytorch.org/tutorials/beginner/basics/tensorqs_tutorial.html), ported by changing the import only:
tensors from lists and NumPy, ``torch.ones_like`` / ``torch.rand_like(x, dtype=torch.float)``,
``tensor.device``, the GPU check ``torch.cuda.is_available() & (torch.device('cuda').index is not None)``
(which builds a cuda device object even on a CPU-only machine), indexing with ``[..., -1]``, ``tensor[:,1] =
0``, ``torch.cat(dim=1)``, three spellings each of matmul and of the element-wise product (two of them with
``out=``), ``.item()``, ``add_`` and the NumPy bridge.

No data set; nothing shrunk. After ``tensor[:,1] = 0`` every value is determined, so the checks are exact:
the tutorial's outputs (``tensor @ tensor.T`` is all 3s, the sum is 12.0, ``add_(5)`` gives 6s and a column of
5s) and that the bridge shares memory both ways.
"""

from __future__ import annotations

import numpy as np

import tensorgrad as torch


def test_learn_the_basics_tensors():
    torch.manual_seed(0)
    data = [[1, 2], [3, 4]]
    x_data = torch.tensor(data)

    np_array = np.array(data)
    x_np = torch.from_numpy(np_array)
    assert x_np.numpy().tolist() == data

    x_ones = torch.ones_like(x_data)  # retains the properties of x_data
    print(f"Ones Tensor: \n {x_ones} \n")
    assert x_ones.dtype == x_data.dtype == torch.int64

    x_rand = torch.rand_like(x_data, dtype=torch.float)  # overrides the datatype of x_data
    print(f"Random Tensor: \n {x_rand} \n")
    assert x_rand.dtype == torch.float32 and tuple(x_rand.shape) == (2, 2)

    shape = (
        2,
        3,
    )
    rand_tensor = torch.rand(shape)
    ones_tensor = torch.ones(shape)
    zeros_tensor = torch.zeros(shape)

    print(f"Random Tensor: \n {rand_tensor} \n")
    print(f"Ones Tensor: \n {ones_tensor} \n")
    print(f"Zeros Tensor: \n {zeros_tensor}")
    assert tuple(rand_tensor.shape) == tuple(ones_tensor.shape) == tuple(zeros_tensor.shape) == (2, 3)

    tensor = torch.rand(3, 4)

    print(f"Shape of tensor: {tensor.shape}")
    print(f"Datatype of tensor: {tensor.dtype}")
    print(f"Device tensor is stored on: {tensor.device}")
    assert str(tensor.device) == "cpu"

    # We move our tensor to the GPU if available, and if the cuda version is supported
    if torch.cuda.is_available() & (torch.device("cuda").index is not None):
        tensor = tensor.to("cuda")

    tensor = torch.ones(4, 4)
    print("First row: ", tensor[0])
    print("First column: ", tensor[:, 0])
    print("Last column:", tensor[..., -1])
    tensor[:, 1] = 0
    print(tensor)
    assert tensor.numpy().tolist() == [[1.0, 0.0, 1.0, 1.0]] * 4

    t1 = torch.cat([tensor, tensor, tensor], dim=1)
    print(t1)
    assert tuple(t1.shape) == (4, 12)

    # This computes the matrix multiplication between two tensors. y1, y2, y3 will have the same value
    y1 = tensor @ tensor.T
    y2 = tensor.matmul(tensor.T)

    y3 = torch.rand_like(tensor)
    torch.matmul(tensor, tensor.T, out=y3)
    assert y1.numpy().tolist() == y2.numpy().tolist() == y3.numpy().tolist() == [[3.0] * 4] * 4

    # This computes the element-wise product. z1, z2, z3 will have the same value
    z1 = tensor * tensor
    z2 = tensor.mul(tensor)

    z3 = torch.rand_like(tensor)
    torch.mul(tensor, tensor, out=z3)
    assert z1.numpy().tolist() == z2.numpy().tolist() == z3.numpy().tolist() == tensor.numpy().tolist()

    agg = tensor.sum()
    agg_item = agg.item()
    print(agg_item, type(agg_item))
    assert agg_item == 12.0 and type(agg_item) is float

    print(tensor, "\n")
    tensor.add_(5)
    print(tensor)
    assert tensor.numpy().tolist() == [[6.0, 5.0, 6.0, 6.0]] * 4

    t = torch.ones(5)
    print(f"t: {t}")
    n = t.numpy()
    print(f"n: {n}")

    t.add_(1)
    print(f"t: {t}")
    print(f"n: {n}")
    assert n.tolist() == [2.0] * 5

    n = np.ones(5)
    t = torch.from_numpy(n)

    np.add(n, 1, out=n)
    print(f"t: {t}")
    print(f"n: {n}")
    assert t.numpy().tolist() == [2.0] * 5
