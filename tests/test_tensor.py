"""Tensor creation, dtype rules, attributes, conversion and printing."""

import numpy as np
import pytest

import tensorgrad as tg


def test_python_floats_become_float32_and_ints_int64_like_pytorch():
    assert tg.tensor([1.0, 2.0]).dtype == np.float32
    assert tg.tensor([1, 2]).dtype == np.int64
    assert tg.tensor([True, False]).dtype == np.bool_
    assert tg.tensor(2.5).dtype == np.float32


def test_numpy_arrays_keep_their_dtype_so_float64_stays_float64():
    assert tg.tensor(np.zeros(3)).dtype == np.float64
    assert tg.tensor(np.zeros(3, dtype=np.float32)).dtype == np.float32
    assert tg.tensor(np.float64(1.5)).dtype == np.float64


def test_explicit_dtype_converts():
    t = tg.tensor([1, 2], dtype=tg.float64)
    assert t.dtype == np.float64
    np.testing.assert_array_equal(t.numpy(), [1.0, 2.0])


def test_tensor_copies_its_data_but_from_numpy_shares_it():
    a = np.ones(3, dtype=np.float32)
    copied, shared = tg.tensor(a), tg.from_numpy(a)
    a[0] = 5
    assert copied.numpy()[0] == 1
    assert shared.numpy()[0] == 5


def test_integer_and_boolean_tensors_cannot_require_grad():
    with pytest.raises(TypeError, match="only floating-point tensors can require grad"):
        tg.tensor([1, 2], requires_grad=True)
    with pytest.raises(TypeError, match="floating-point"):
        tg.tensor([True], requires_grad=True)


def test_strings_are_rejected_with_a_clear_error():
    with pytest.raises(TypeError, match="expected numbers"):
        tg.tensor(["a", "b"])


def test_creation_functions_shapes_dtypes_and_values():
    assert tg.zeros(2, 3).shape == (2, 3)
    assert tg.zeros((2, 3)).shape == (2, 3)
    np.testing.assert_array_equal(tg.ones(2).numpy(), [1, 1])
    assert tg.ones(2).dtype == np.float32
    np.testing.assert_array_equal(tg.full((2,), 7.0).numpy(), [7, 7])
    np.testing.assert_array_equal(tg.eye(2).numpy(), [[1, 0], [0, 1]])
    np.testing.assert_array_equal(tg.arange(4).numpy(), [0, 1, 2, 3])
    assert tg.arange(4).dtype == np.int64
    assert tg.arange(0.0, 1.0, 0.25).dtype == np.float32
    np.testing.assert_allclose(tg.linspace(0, 1, 5).numpy(), [0, 0.25, 0.5, 0.75, 1])
    x = tg.tensor([[1.0, 2.0]])
    np.testing.assert_array_equal(tg.zeros_like(x).numpy(), [[0, 0]])
    np.testing.assert_array_equal(tg.ones_like(x).numpy(), [[1, 1]])
    assert tg.zeros(2, requires_grad=True).requires_grad


def test_manual_seed_makes_every_random_call_reproducible():
    tg.manual_seed(7)
    a = (tg.randn(3, 2).numpy(), tg.rand(4).numpy(), tg.randint(0, 10, (5,)).numpy())
    tg.manual_seed(7)
    b = (tg.randn(3, 2).numpy(), tg.rand(4).numpy(), tg.randint(0, 10, (5,)).numpy())
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert tg.randn(3).dtype == np.float32
    assert ((tg.rand(1000).numpy() >= 0) & (tg.rand(1000).numpy() < 1)).all()
    tg.manual_seed(8)
    assert not np.array_equal(tg.randn(3, 2).numpy(), a[0])


def test_attributes_follow_numpy():
    t = tg.tensor(np.arange(6.0).reshape(2, 3))
    assert t.shape == (2, 3)
    assert t.ndim == 2
    assert t.size == 6
    assert t.numel() == 6
    assert t.dim() == 2
    np.testing.assert_array_equal(t.T.numpy(), np.arange(6.0).reshape(2, 3).T)
    np.testing.assert_array_equal(t.t().numpy(), np.arange(6.0).reshape(2, 3).T)
    assert len(t) == 2
    assert [row.shape for row in t] == [(3,), (3,)]


def test_conversions_numpy_array_item_tolist():
    t = tg.tensor([[1.5, 2.0]])
    assert t.numpy() is t.array
    # .data is PyTorch's: a Tensor sharing the values, outside the graph
    assert isinstance(t.data, tg.Tensor) and t.data.numpy() is t.array and t.data.grad_fn is None
    np.testing.assert_array_equal(np.asarray(t), [[1.5, 2.0]])
    assert np.asarray(t, dtype=np.float64).dtype == np.float64
    assert t.tolist() == [[1.5, 2.0]]
    assert tg.tensor([3.5]).item() == 3.5
    assert float(tg.tensor(2.0)) == 2.0
    with pytest.raises(ValueError, match="only one-element tensors"):
        t.item()


def test_detach_shares_data_and_leaves_the_graph():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    d = y.detach()
    assert not d.requires_grad
    assert d.grad_fn is None
    assert d.numpy() is y.numpy()


def test_repr_reads_like_pytorch():
    assert repr(tg.tensor([[1.0, 2.0]], requires_grad=True)) == "tensor([[1., 2.]], requires_grad=True)"
    assert repr(tg.tensor([1, 2])) == "tensor([1, 2])"
    assert repr(tg.tensor(np.array([1.0]))) == "tensor([1.], dtype=float64)"
    x = tg.tensor([1.0], requires_grad=True)
    assert repr(x * 2) == "tensor([2.], grad_fn=<Mul>)"
    assert repr(tg.tensor(3.14159265)) == "tensor(3.1416)"


def test_comparisons_give_boolean_tensors_outside_the_graph():
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    for result, expected in [
        (x > 1.5, [False, True, True]),
        (x >= 2, [False, True, True]),
        (x < 2, [True, False, False]),
        (x <= 2, [True, True, False]),
        (x == 2, [False, True, False]),
        (x != 2, [True, False, True]),
        (~(x > 1.5), [True, False, False]),
        ((x > 1.5) & (x < 3), [False, True, False]),
        ((x < 1.5) | (x > 2.5), [True, False, True]),
    ]:
        assert result.dtype == np.bool_
        assert not result.requires_grad
        np.testing.assert_array_equal(result.numpy(), expected)


def test_tensors_hash_by_identity_so_they_fit_in_sets():
    a, b = tg.tensor([1.0]), tg.tensor([1.0])
    assert len({a, b, a}) == 2


def test_numpy_array_on_the_left_hands_over_to_the_tensor():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = np.array([3.0, 4.0], dtype=np.float32) * x
    assert isinstance(y, tg.Tensor)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 4.0])


def test_scalars_keep_the_tensor_dtype():
    x = tg.tensor([1.0, 2.0])
    assert (x * 0.5).dtype == np.float32
    assert (2**x).dtype == np.float32
    assert (tg.tensor([1, 2]) * 2).dtype == np.int64
    assert (tg.tensor([1, 2]) * 0.5).dtype == np.float32
    assert (tg.tensor(np.ones(2)) + 1).dtype == np.float64


def test_setitem_writes_in_place_outside_the_graph():
    x = tg.zeros(3)
    x[1] = 5.0
    np.testing.assert_array_equal(x.numpy(), [0, 5, 0])
    w = tg.zeros(2, requires_grad=True)
    with tg.no_grad():
        w[0] = 1.0
    np.testing.assert_array_equal(w.numpy(), [1, 0])
    with pytest.raises(RuntimeError, match="in-place assignment into a tensor that requires grad"):
        w[1] = 2.0


def test_astype_and_float_double_long():
    x = tg.tensor([1.5, 2.5], requires_grad=True)
    assert x.double().dtype == np.float64
    assert x.float() is x
    assert x.long().dtype == np.int64
    y = x.double()
    (y * y).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 5.0])


def test_to_casts_dtypes_and_accepts_the_cpu_device():
    x = tg.tensor([1.5, 2.5], requires_grad=True)
    assert x.to("cpu") is x and x.cpu() is x
    y = x.to(tg.float64)
    assert y.dtype == np.float64 and y.grad_fn is not None
    with pytest.raises(ValueError, match="tensorgrad runs on the CPU only"):
        x.to("cuda:0")


def test_cached_scalar_constants_keep_the_sign_of_zero():
    x = tg.tensor([1.0, 2.0])
    assert np.signbit((x * 0.0).numpy()).tolist() == [False, False]
    assert np.signbit((x * -0.0).numpy()).tolist() == [True, True]
    assert np.signbit((x * 0.0).numpy()).tolist() == [False, False]


def test_size_is_the_element_count_and_also_pytorchs_size_method():
    t = tg.zeros(2, 3)
    assert t.size == 6 and isinstance(t.size, int)
    assert t.size() == (2, 3)
    assert t.size(0) == 2 and t.size(-1) == 3
    with pytest.raises(IndexError, match=r"dimension 2 is out of range for shape \(2, 3\)"):
        t.size(2)


def test_in_place_arithmetic_under_no_grad_updates_the_same_tensor_as_in_pytorch():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    parameter = w
    (w * w).sum().backward()
    with tg.no_grad():
        w -= 0.1 * w.grad
        w *= 2.0
        w += tg.ones(2)
        w /= 2
    assert w is parameter and w.requires_grad
    np.testing.assert_allclose(parameter.numpy(), ([1.0, 2.0] - 0.1 * np.array([2.0, 4.0])) + 0.5, rtol=1e-6)


def test_in_place_arithmetic_on_a_leaf_that_requires_grad_is_refused_while_recording():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"-=: in-place arithmetic .* tg.no_grad\(\)"):
        w -= 1.0
    np.testing.assert_array_equal(w.numpy(), [1.0, 2.0])


def test_in_place_arithmetic_on_a_constant_or_an_op_result_joins_the_graph_as_in_pytorch():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    x = tg.zeros(2)
    alias = x
    x += w  # PyTorch records this: x now depends on w
    y = w * 3
    y *= w  # y = 3 w^2, written into y itself
    assert x is alias and x.requires_grad and y.requires_grad
    (x.sum() + y.sum()).backward()
    np.testing.assert_allclose(w.grad.numpy(), 1 + 6 * np.array([1.0, 2.0]))


def test_in_place_arithmetic_keeps_shape_and_dtype_or_says_why_not():
    x = tg.zeros((2, 3))
    x += tg.ones(3)  # broadcasting into x's shape is fine
    np.testing.assert_array_equal(x.numpy(), np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"\+=: cannot update a tensor of shape \(2, 3\) .* shape \(3, 2\)"):
        x += tg.ones((3, 2))
    with pytest.raises(TypeError, match=r"\*=: cannot update .* \(int64\)"):
        labels = tg.tensor([1, 2])
        labels *= 0.5


def test_counting_idioms_update_zero_dimensional_tensors_in_place():
    """makemore's bigram table, a confusion matrix, a running total: ``t[i, j] += 1`` reads a 0-d tensor,
    updates it and writes it back; an op's 0-d result holds a numpy scalar, which must not get in the way."""
    counts = tg.zeros((3, 3), dtype=np.int32)
    for i, j in [(0, 1), (0, 1), (2, 0)]:
        counts[i, j] += 1
    np.testing.assert_array_equal(counts.numpy(), [[0, 2, 0], [0, 0, 0], [1, 0, 0]])
    assert counts.dtype == np.int32

    x = tg.tensor([1.0, 2.0], requires_grad=True)
    with tg.no_grad():
        total = x.sum()
        total += x.sum()
        total *= 2
        total -= 1.5
        total /= 2
    assert total.dtype == np.float32 and total.item() == 5.25
    running = tg.tensor(0.0)
    for _ in range(3):
        running += (x * x).sum().item()
    assert running.item() == 15.0
    with tg.no_grad():
        zeroed = x.sum()
        zeroed.zero_()
        assert zeroed.item() == 0.0


def test_a_failed_in_place_update_names_the_python_number_not_a_numpy_dtype():
    count = tg.tensor([3])[0]
    with pytest.raises(
        TypeError, match=r"/=: cannot update a tensor of shape \(\) \(int64\) .* a Python int \(2\)"
    ):
        count /= 2
    assert count.item() == 3


def test_a_tensor_changed_in_place_after_an_op_used_it_makes_backward_fail_instead_of_lying():
    w = tg.tensor([3.0, 4.0], requires_grad=True)
    x = tg.tensor([1.0, 2.0])
    y = (x * w).sum()
    x += 10  # Mul's backward reads x: the gradient w.r.t. w would come out as [11, 12]
    with pytest.raises(RuntimeError, match=r"input 0 of Mul \(shape \(2,\)\) was changed in place"):
        y.backward()
    assert w.grad is None

    x = tg.tensor([1.0, 2.0])
    y = (x * w).sum()
    x[0] = 5.0  # index assignment counts too
    with pytest.raises(RuntimeError, match="input 0 of Mul"):
        y.backward()

    y = (w * w).sum()
    with tg.no_grad():
        w -= 0.1  # a parameter updated between forward and backward
    with pytest.raises(RuntimeError, match="of Mul .* changed in place"):
        y.backward()


def test_in_place_changes_before_the_forward_pass_are_fine():
    w = tg.tensor([3.0, 4.0], requires_grad=True)
    x = tg.zeros(2)
    x[0] = 1.0
    x += 1.0
    with tg.no_grad():
        w *= 2.0
    (x * w).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [2.0, 1.0])


def test_a_one_element_integer_tensor_is_an_index_as_in_pytorch():
    classes = ("plane", "car", "bird")
    labels = tg.tensor([2, 0])
    assert [classes[label] for label in labels] == ["bird", "plane"]
    assert list(range(tg.tensor(3))) == [0, 1, 2]
    with pytest.raises(TypeError, match=r"only integer tensors of a single element .* float32 of shape \(\)"):
        classes[tg.tensor(1.0)]
    with pytest.raises(TypeError, match=r"only integer tensors of a single element .* shape \(2,\)"):
        classes[labels]


def test_pytorch_dtype_names_are_the_numpy_dtypes_pytorch_means():
    names = {
        "float": np.float32,
        "float32": np.float32,
        "double": np.float64,
        "float64": np.float64,
        "half": np.float16,
        "float16": np.float16,
        "int": np.int32,
        "int32": np.int32,
        "long": np.int64,
        "int64": np.int64,
        "bool": np.bool_,
        "uint8": np.uint8,
    }
    for name, dtype in names.items():
        assert tg.zeros(2, dtype=getattr(tg, name)).dtype == dtype, name
    namespace: dict = {}
    exec("from tensorgrad import *", namespace)
    assert not {"float", "int", "bool"} & set(namespace)  # a star import leaves the builtins alone


CREATIONS = {
    "tensor": lambda **kw: tg.tensor([1.0, 2.0], **kw),
    "zeros": lambda **kw: tg.zeros(2, 3, **kw),
    "ones": lambda **kw: tg.ones((2, 3), **kw),
    "full": lambda **kw: tg.full((2,), 7.0, **kw),
    "zeros_like": lambda **kw: tg.zeros_like(tg.ones(2), **kw),
    "ones_like": lambda **kw: tg.ones_like(tg.ones(2), **kw),
    "eye": lambda **kw: tg.eye(3, **kw),
    "arange": lambda **kw: tg.arange(5, **kw),
    "linspace": lambda **kw: tg.linspace(0, 1, 5, **kw),
    "randn": lambda **kw: tg.randn(2, 2, **kw),
    "rand": lambda **kw: tg.rand(2, **kw),
    "randint": lambda **kw: tg.randint(0, 5, (3,), **kw),
    "randperm": lambda **kw: tg.randperm(4, **kw),
    "as_tensor": lambda **kw: tg.as_tensor([1.0], **kw),
}


@pytest.mark.parametrize("name", list(CREATIONS))
def test_every_creation_function_takes_pytorchs_device_argument(name):
    make = CREATIONS[name]
    for device in (None, "cpu", "cpu:0", tg.device("cpu")):
        assert isinstance(make(device=device), tg.Tensor)
    with pytest.raises(ValueError, match=rf"{name}: device='cuda': tensorgrad runs on the CPU only"):
        make(device="cuda")


def test_data_is_a_detached_tensor_sharing_memory_as_in_pytorch():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    assert isinstance(w.data, tg.Tensor) and not w.data.requires_grad and w.data.grad_fn is None
    w.data -= 0.5 * w.grad  # the classic hand-written SGD step
    np.testing.assert_allclose(w.numpy(), [0.0, 0.0])
    assert w.requires_grad and w.is_leaf  # w itself is unchanged as a leaf
    y = w * 3
    _, picked = tg.max(tg.tensor([[1.0, 5.0], [7.0, 2.0]]).data, 1)  # torch.max(out.data, 1)
    assert picked.tolist() == [1, 0]
    w.data = tg.tensor([4.0, 5.0, 6.0])  # assigning .data replaces the values (shape too)
    assert w.shape == (3,) and w.tolist() == [4.0, 5.0, 6.0] and y.shape == (2,)
    with pytest.raises(TypeError, match="floating-point"):
        w.data = tg.tensor([1, 2])
    x = tg.tensor(np.float64(2.0)) * 1.0  # a 0-d result: .numpy() is an ndarray to write into
    x.numpy()[...] = 3.0
    assert x.item() == 3.0


def test_in_place_change_of_a_view_in_a_recorded_graph_is_refused_not_a_wrong_gradient():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    b = w * 1.0
    first = b[0:1]  # shares b's memory: writing into it would change b behind the graph's back
    with pytest.raises(RuntimeError, match=r"\+=: in-place change of a view"):
        first += w[0:1] * 10
    with pytest.raises(RuntimeError, match="in-place change of a view"):
        w.reshape(2, 1).mul_(2)  # a view of a parameter
    np.testing.assert_array_equal(b.numpy(), [1.0, 2.0])
    np.testing.assert_array_equal(w.numpy(), [1.0, 2.0])
    # a view taken before its base is changed in place: backward says so instead of a wrong gradient
    later = b[0:1]
    b += w
    with pytest.raises(RuntimeError, match="changed in place"):
        (later * later).sum().backward()
