"""``tensorgrad.utils.data`` (PyTorch's ``torch.utils.data`` names), TensorDataset items as Tensors, and
``nn.utils``' parameter/vector conversions."""

from __future__ import annotations

import numpy as np
import pytest

import tensorgrad as tg
import tensorgrad.data
from tensorgrad import nn


def test_utils_data_holds_the_same_objects_as_tensorgrad_data():
    from tensorgrad.utils.data import (
        DataLoader,
        Dataset,
        Subset,
        TensorDataset,
        default_collate,
        random_split,
    )

    assert DataLoader is tensorgrad.data.DataLoader and Dataset is tensorgrad.data.Dataset
    assert TensorDataset is tensorgrad.data.TensorDataset and Subset is tensorgrad.data.Subset
    assert random_split is tensorgrad.data.random_split and default_collate is tensorgrad.data.default_collate
    assert tg.utils.data.DataLoader is DataLoader  # attribute access after `import tensorgrad as torch`


def test_tensor_dataset_items_are_tensors_with_0d_labels_as_pytorch():
    x = tg.tensor(np.arange(12.0, dtype=np.float32).reshape(4, 3))
    ds = tg.utils.data.TensorDataset(x, tg.tensor([3, 1, 2, 0]))
    row, label = ds[2]
    assert isinstance(row, tg.Tensor) and isinstance(label, tg.Tensor)
    assert row.shape == (3,) and row.dtype == np.float32 and row.tolist() == [6.0, 7.0, 8.0]
    assert label.shape == () and label.dtype == np.int64 and label.item() == 2
    assert row.reshape(1, 3).shape == (1, 3)  # a Tensor method, as the tutorials call it
    assert np.shares_memory(row.numpy(), x.numpy())  # a view, as PyTorch's indexing gives


def test_tensor_dataset_item_follows_the_loader_dtype_rule():
    ds = tg.utils.data.TensorDataset(np.ones((2, 3)), np.array([True, False]))
    row, flag = ds[0]
    assert row.dtype == np.float32 and flag.dtype == np.bool_ and flag.item() is True
    (batch_x, batch_flag) = next(iter(tg.utils.data.DataLoader(ds, batch_size=2)))
    assert batch_x.dtype == row.dtype and batch_flag.dtype == flag.dtype


def test_tensor_dataset_of_different_lengths_says_size_mismatch():
    with pytest.raises(ValueError, match=r"Size mismatch between tensors.*lengths \(5, 4\)"):
        tg.utils.data.TensorDataset(tg.zeros(5, 2), tg.zeros(4))


def test_loader_over_per_example_path_and_batch_path_agree():
    x = np.arange(20.0, dtype=np.float32).reshape(10, 2)
    y = np.arange(10)
    ds = tg.utils.data.TensorDataset(x, y)
    fast = list(tg.utils.data.DataLoader(ds, batch_size=4))
    slow = list(tg.utils.data.DataLoader(ds, batch_size=4, collate_fn=tg.utils.data.default_collate))
    for (xa, ya), (xb, yb) in zip(fast, slow):
        np.testing.assert_array_equal(xa.numpy(), xb.numpy())
        np.testing.assert_array_equal(ya.numpy(), yb.numpy())
        assert xa.dtype == xb.dtype and ya.dtype == yb.dtype


def test_parameters_to_vector_and_back_round_trip():
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Linear(2, 1))
    vector = nn.utils.parameters_to_vector(model.parameters())
    assert vector.shape == (3 * 2 + 2 + 2 + 1,)
    np.testing.assert_array_equal(vector.numpy()[:6], model[0].weight.numpy().ravel())
    np.testing.assert_array_equal(vector.numpy()[-1:], model[2].bias.numpy())
    nn.utils.vector_to_parameters(tg.arange(11).float(), model.parameters())
    np.testing.assert_array_equal(model[0].weight.numpy(), np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(model[2].bias.numpy(), [10.0])
    with pytest.raises(ValueError, match=r"vector_to_parameters: the vector has 5 elements.*11"):
        nn.utils.vector_to_parameters(tg.zeros(5), model.parameters())


def test_parameters_to_vector_is_differentiable():
    w = nn.Parameter(np.array([[1.0, 2.0]], np.float32))
    b = nn.Parameter(np.array([3.0], np.float32))
    (nn.utils.parameters_to_vector([w, b]) * tg.tensor([1.0, 2.0, 3.0])).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [[1.0, 2.0]])
    np.testing.assert_array_equal(b.grad.numpy(), [3.0])


def test_tensor_dataset_tensors_are_tensors_sharing_the_arrays_as_pytorchs_attribute():
    features = np.arange(6.0).reshape(3, 2)
    ds = tensorgrad.data.TensorDataset(features, np.array([0, 1, 0]))
    x, y = ds.tensors
    assert isinstance(x, tg.Tensor) and x.shape == (3, 2) and y.tolist() == [0, 1, 0]
    ds.arrays[0][0, 0] = 9.0
    assert x[0, 0].item() == 9.0  # the same memory
