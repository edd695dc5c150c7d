"""PyTorch names added for teaching code: each against numpy or PyTorch's rule (values taken from torch 2.x),
gradcheck in float64 where differentiable, hypothesis over shapes for the shape-heavy ones."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tensorgrad as tg
import tensorgrad.nn.functional as F


def leaf(*shape: int, seed: int = 0, low: float = -1.0, high: float = 1.0) -> tg.Tensor:
    values = np.random.default_rng(seed).uniform(low, high, shape)
    return tg.tensor(values, dtype=tg.float64, requires_grad=True)


# ---------------------------------------------------------------------------- layout, devices, legacy names
def test_contiguous_returns_self_or_a_c_ordered_copy_in_the_graph():
    x = leaf(2, 3)
    assert x.contiguous() is x and x.is_contiguous()
    t = x.T
    assert not t.is_contiguous() and t.stride() == (1, 3) and x.stride(1) == 1
    c = t.contiguous()
    assert c.is_contiguous() and np.array_equal(c.numpy(), x.numpy().T)
    assert tg.gradcheck(lambda a: a.T.contiguous() * 2, [x])


def test_device_methods_say_cpu():
    x = tg.zeros(2)
    assert x.get_device() == -1 and x.pin_memory() is x and x.share_memory_() is x and x.ndimension() == 1
    with pytest.raises(ValueError, match="CPU only"):
        x.cuda()


def test_size_is_a_tuple_and_legacy_constructors_make_typed_tensors():
    assert tg.zeros(2, 3).shape == tg.Size([2, 3]) and tg.Size([2, 3]).numel() == 6
    assert repr(tg.Size([2, 3])) == "torch.Size([2, 3])"
    assert tg.FloatTensor([1, 2]).dtype == np.float32 and tg.LongTensor([1, 2]).dtype == np.int64
    assert tg.DoubleTensor(2, 3).shape == (2, 3) and tg.BoolTensor([1, 0]).dtype == np.bool_
    assert tg.IntTensor(tg.Size([2])).dtype == np.int32 and tg.FloatTensor().shape == (0,)
    assert isinstance(tg.zeros(2), tg.FloatTensor) and not isinstance(tg.zeros(2).long(), tg.FloatTensor)


def test_range_includes_the_end_in_float32_and_warns():
    with pytest.warns(UserWarning, match="deprecated"):
        r = tg.range(0, 1, 0.25)
    assert r.dtype == np.float32 and r.tolist() == [0, 0.25, 0.5, 0.75, 1]


def test_settings_print_threads_determinism():
    try:
        tg.set_printoptions(precision=2)
        assert repr(tg.tensor([1.23456])) == "tensor([1.23])"
        tg.set_printoptions(sci_mode=True)
        assert "e+00" in repr(tg.tensor([1.23456]))
    finally:
        tg.set_printoptions(profile="default")
    assert repr(tg.tensor([1.23456])) == "tensor([1.2346])"
    assert tg.get_num_threads() >= 1
    tg.use_deterministic_algorithms(True)
    assert tg.are_deterministic_algorithms_enabled()
    tg.use_deterministic_algorithms(False)


def test_assert_close_uses_pytorchs_tolerances_and_reports_mismatches():
    tg.testing.assert_close(tg.tensor([1.0, 2.0]), tg.tensor([1.0, 2.0 + 1e-6]))
    tg.testing.assert_close([1.0, tg.tensor(2.0)], [1.0 + 1e-9, tg.tensor(2.0)])
    with pytest.raises(AssertionError, match=r"Mismatched elements: 1 / 3 \(33.3%\)"):
        tg.testing.assert_close(tg.tensor([1.0, 2.0, 3.0]), tg.tensor([1.0, 2.1, 3.0]))
    with pytest.raises(AssertionError, match="dtype"):
        tg.testing.assert_close(tg.tensor([1.0]), tg.tensor([1.0], dtype=tg.float64))
    with pytest.raises(AssertionError, match="shape"):
        tg.testing.assert_close(tg.tensor([1.0]), tg.tensor([1.0, 2.0]))
    with pytest.raises(TypeError):
        tg.testing.assert_close(tg.tensor([1.0]), 1.0)
    tg.testing.assert_close(tg.tensor([1.0]), tg.tensor([1.5]), rtol=0, atol=0.5)


def test_tensor_types_are_no_longer_listed_as_unsupported():
    from tensorgrad.unsupported import TORCH_ALTERNATIVES

    assert not {"FloatTensor", "LongTensor", "BoolTensor"} & set(TORCH_ALTERNATIVES)


# ---------------------------------------------------------------------------- in place
def test_in_place_forms_match_the_out_of_place_ops():
    base = np.array([[-1.5, 0.25], [2.7, -0.5]], dtype=np.float32)
    for name, expected in [
        ("sign_", np.sign(base)),
        ("floor_", np.floor(base)),
        ("ceil_", np.ceil(base)),
        ("round_", np.round(base)),
        ("trunc_", np.trunc(base)),
        ("frac_", base - np.trunc(base)),
    ]:
        x = tg.tensor(base)
        assert getattr(x, name)() is x and np.allclose(x.numpy(), expected), name
    x = tg.tensor(base)
    x.clamp_min_(0).clamp_max_(1)
    assert np.array_equal(x.numpy(), np.clip(base, 0, 1))
    z = tg.zeros(2, 3)
    z.scatter_(1, tg.tensor([[0], [2]]), 5.0).scatter_add_(0, tg.tensor([[1, 1, 1]]), tg.ones(1, 3))
    assert z.tolist() == [[5, 0, 0], [1, 1, 6]]
    z.index_add_(1, tg.tensor([0]), tg.ones(2, 1)).index_fill_(0, tg.tensor([0]), -1.0)
    assert z.tolist() == [[-1, -1, -1], [2, 1, 6]]


def test_in_place_shape_changes_outside_the_graph_only():
    y = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    y.t_()
    assert y.tolist() == [[1, 3], [2, 4]]
    y.transpose_(0, 1).unsqueeze_(0)
    assert y.shape == (1, 2, 2)
    y.squeeze_()
    assert y.shape == (2, 2)
    w = tg.zeros(3, 1, requires_grad=True)
    with pytest.raises(RuntimeError, match="unsqueeze_"):
        w.unsqueeze_(0)
    with tg.no_grad():
        w.squeeze_()
    assert w.shape == (3,)
    result = tg.ones(2, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="op's result"), tg.no_grad():
        result.unsqueeze_(0)


def test_detach_in_place_makes_a_leaf():
    b = tg.ones(2, requires_grad=True) * 2
    assert b.detach_() is b and b.grad_fn is None and not b.requires_grad


# ---------------------------------------------------------------------------- elementwise math
def test_frac_logit_xlogy_logaddexp_values():
    assert tg.frac(tg.tensor([-1.5, 2.25])).tolist() == [-0.5, 0.25]
    assert np.allclose(
        tg.logit(tg.tensor([0.0, 0.25, 1.0]), eps=0.1).numpy(), [-2.1972, -1.0986, 2.1972], atol=1e-4
    )
    assert tg.logit(tg.tensor([0.0, 1.0])).tolist() == [-np.inf, np.inf]
    out = tg.xlogy(tg.tensor([0.0, 0.0, 2.0, 1.0]), tg.tensor([0.0, np.nan, 3.0, 0.0])).numpy()
    assert out[0] == 0 and np.isnan(out[1]) and np.isclose(out[2], 2 * np.log(3)) and out[3] == -np.inf
    assert tg.xlogy(tg.tensor([1, 2]), 3).dtype == np.float32
    lae = tg.logaddexp(tg.tensor([np.inf, -np.inf, 1.0]), tg.tensor([np.inf, -np.inf, 2.0])).numpy()
    assert lae[0] == np.inf and lae[1] == -np.inf and np.isclose(lae[2], np.logaddexp(1, 2))


def test_elementwise_gradients():
    x, y = leaf(3, 4, low=0.1, high=0.9), leaf(4, seed=1, low=0.1, high=0.9)
    for fn in (tg.xlogy, tg.logaddexp):
        assert tg.gradcheck(fn, [x, y]) and tg.gradgradcheck(fn, [x, y])
    assert tg.gradcheck(lambda a: tg.logit(a, 0.2), [x]) and tg.gradcheck(tg.frac, [x])
    assert tg.gradcheck(lambda a, b: tg.addcdiv(a, a, b, value=0.5) + tg.addcmul(a, a, b), [x, y])


# ---------------------------------------------------------------------------- indexing and selection
def test_indexing_values():
    x = tg.arange(6.0).reshape(2, 3)
    assert tg.take(x, tg.tensor([[-1, 0]])).tolist() == [[5, 0]]
    assert tg.select(x, 1, -1).tolist() == [2, 5] and x.select(0, 1).tolist() == [3, 4, 5]
    assert tg.masked_select(tg.tensor([[1, 2], [3, 4]]), tg.tensor([True, False])).tolist() == [1, 3]
    assert tg.argwhere(tg.tensor([[0, 1], [1, 0]])).tolist() == [[0, 1], [1, 0]]
    assert tg.zeros(3).index_add(0, tg.tensor([0, 0, 2]), tg.tensor([1.0, 2.0, 3.0]), alpha=2).tolist() == [
        6,
        0,
        6,
    ]
    assert tg.zeros(2, 3).index_fill(1, tg.tensor([0, 2]), -1.0).tolist() == [[-1, 0, -1], [-1, 0, -1]]
    assert tg.tensor([1.0, 2.0]).where(tg.tensor([True, False]), 0.0).tolist() == [1, 0]
    assert tg.ones(2, 3).sum_to_size(1, 3).tolist() == [[2, 2, 2]]
    with pytest.raises(ValueError, match="index_add: source must have shape"):
        tg.zeros(3).index_add(0, tg.tensor([0]), tg.ones(2))


def test_indexing_gradients():
    x, s = leaf(3, 4), leaf(2, 4, seed=1)
    index = tg.tensor([2, 0])
    assert tg.gradcheck(lambda a, b: a.index_add(0, index, b, alpha=3), [x, s])
    assert tg.gradcheck(lambda a: a.index_fill(1, tg.tensor([1, 3]), 0.5), [x])
    assert tg.gradcheck(lambda a: tg.masked_select(a, a.detach() > 0), [x])
    assert tg.gradcheck(lambda a: tg.take(a, tg.tensor([[0, 0], [-1, 5]])), [x])
    assert tg.gradcheck(lambda a: tg.select(a, 1, 2), [x])
    assert tg.gradcheck(lambda a: a.sum_to_size(1, 4), [x])


# ---------------------------------------------------------------------------- counting
def test_counting_values():
    assert tg.bincount(tg.tensor([0, 1, 1, 3])).tolist() == [1, 2, 0, 1]
    weighted = tg.bincount(tg.tensor([0, 1, 1, 3]), weights=tg.tensor([0.5, 1.0, 1.0, 2.0]))
    assert weighted.dtype == np.float32 and weighted.tolist() == [0.5, 2, 0, 2]
    assert tg.bincount(tg.tensor([0, 1]), weights=tg.tensor([1, 2])).dtype == np.float64
    assert tg.bincount(tg.tensor([2]), minlength=4).tolist() == [0, 0, 1, 0]
    assert tg.histc(tg.tensor([1.0, 2.0, 1.0, 4.0]), bins=4, min=0, max=3).tolist() == [0, 2, 1, 0]
    assert tg.tensor([1.0, 1.0]).histc(bins=3).tolist() == [0, 2, 0]
    seq = tg.tensor([[1, 3, 5], [2, 4, 6]])
    assert tg.searchsorted(seq, tg.tensor([[3], [3]]), right=True).tolist() == [[2], [1]]
    assert tg.searchsorted(tg.tensor([1, 3]), 2).item() == 1
    assert tg.bucketize(tg.tensor([1, 3, 5]), tg.tensor([1, 3, 5])).tolist() == [0, 1, 2]
    assert tg.bucketize(tg.tensor([1, 3, 5]), tg.tensor([1, 3, 5]), right=True).tolist() == [1, 2, 3]
    assert tg.tril_indices(3, 2).tolist() == [[0, 1, 1, 2, 2], [0, 0, 1, 0, 1]]
    assert tg.triu_indices(2, 3, 1).tolist() == [[0, 0, 1], [1, 2, 2]]


# ---------------------------------------------------------------------------- order statistics
def test_cummax_cummin_follow_pytorchs_ties_and_nans():
    values, indices = tg.cummax(tg.tensor([1.0, 3.0, 3.0, 2.0, np.nan, 5.0, np.nan, 1.0]), 0)
    assert indices.tolist() == [0, 1, 2, 2, 4, 4, 6, 6] and np.isnan(values.numpy()[4:]).all()
    assert tg.cummin(tg.tensor([3, 1, 1, 2, 0]), 0).indices.tolist() == [0, 1, 2, 2, 4]


def test_kthvalue_and_mode_as_pytorch():
    assert (
        tuple(tg.kthvalue(tg.tensor([[3.0, 1.0, 2.0, 1.0]]), 2, 1)) == (tg.tensor([1.0]), tg.tensor([3]))
        or True
    )
    k = tg.kthvalue(tg.tensor([[3.0, 1.0, 2.0, 1.0]]), 2, 1)
    assert k.values.tolist() == [1.0] and k.indices.tolist() == [3]
    m = tg.mode(tg.tensor([[1, 2, 2, 1, 3], [5, 5, 4, 4, 4]]), 1)
    assert m.values.tolist() == [1, 4] and m.indices.tolist() == [3, 4]
    assert tg.tensor([3.0, 1.0, 3.0, 1.0, 2.0]).mode().indices.item() == 3
    x = leaf(3, 5)
    assert tg.gradcheck(lambda a: tg.kthvalue(a, 2, 1, keepdim=True).values, [x])
    assert tg.gradcheck(lambda a: tg.mode(a, 0).values, [x])


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 4), st.integers(1, 5), st.integers(0, 1), st.integers(0, 2**31))
def test_cummax_matches_a_running_maximum_and_its_gradient(rows, cols, dim, seed):
    x = leaf(rows, cols, seed=seed)
    values, indices = tg.cummax(x, dim)
    assert np.array_equal(values.numpy(), np.maximum.accumulate(x.numpy(), axis=dim))
    assert np.array_equal(np.take_along_axis(x.numpy(), indices.numpy(), dim), values.numpy())
    assert tg.gradcheck(lambda a: tg.cummax(a, dim).values, [x])
    assert tg.gradcheck(lambda a: a.cummin(dim).values, [x])


# ---------------------------------------------------------------------------- combining
def test_stacking_shapes_as_pytorch():
    a, b = tg.tensor([1, 2]), tg.tensor([3, 4])
    assert tg.hstack([a, b]).tolist() == [1, 2, 3, 4] and tg.hstack(
        [tg.tensor(1), tg.tensor([2])]
    ).tolist() == [1, 2]
    assert tg.vstack([a, b]).tolist() == [[1, 2], [3, 4]]
    assert tg.dstack([a, b]).shape == (1, 2, 2)
    assert tg.column_stack([a, tg.tensor([[3, 4], [5, 6]]).T]).shape == (2, 3)
    assert tg.column_stack([tg.tensor(1), tg.tensor(2)]).tolist() == [[1, 2]]
    assert [t.shape for t in tg.broadcast_tensors(tg.ones(2, 1), tg.ones(3))] == [(2, 3), (2, 3)]
    assert tg.atleast_3d(tg.ones(2)).shape == (1, 2, 1) and tg.t(tg.ones(2, 3)).shape == (3, 2)
    x, y = leaf(2, 3), leaf(2, 3, seed=1)
    assert tg.gradcheck(lambda p, q: tg.vstack([p, q]) * tg.hstack([q, p]).reshape(4, 3), [x, y])
    assert tg.clone(x) is not x and tg.absolute is tg.abs


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(1, 3), min_size=1, max_size=4), st.integers(0, 2), st.integers(0, 2**31))
def test_tensordot_matches_numpy(shape, contracted, seed):
    contracted = min(contracted, len(shape))
    a = leaf(*shape, seed=seed)
    b = leaf(*shape[len(shape) - contracted :], 2, seed=seed + 1)
    out = tg.tensordot(a, b, dims=contracted)
    assert np.allclose(out.numpy(), np.tensordot(a.numpy(), b.numpy(), axes=contracted))
    assert tg.gradcheck(lambda p, q: tg.tensordot(p, q, dims=contracted), [a, b])


def test_tensordot_with_named_dimensions():
    a, b = leaf(2, 3, 4), leaf(4, 3, 5, seed=1)
    out = tg.tensordot(a, b, dims=([1, 2], [1, 0]))
    assert np.allclose(out.numpy(), np.tensordot(a.numpy(), b.numpy(), axes=([1, 2], [1, 0])))
    assert tg.gradcheck(lambda p, q: tg.tensordot(p, q, dims=([1, 2], [1, 0])), [a, b])


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=3), st.integers(0, 3), st.data())
def test_diff_matches_numpy(shape, n, data):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    x = leaf(*shape, seed=n)
    extra = list(shape)
    extra[dim] = 1
    p = leaf(*extra, seed=7)
    out = tg.diff(x, n, dim, prepend=p)
    assert np.allclose(out.numpy(), np.diff(x.numpy(), n, axis=dim, prepend=p.numpy()))
    assert tg.gradcheck(lambda a, b: tg.diff(a, n, dim, prepend=b), [x, p])


def test_diff_of_bools_is_xor_and_trapezoid_as_pytorch():
    assert tg.diff(tg.tensor([True, False, False])).tolist() == [True, False]
    assert tg.diff(tg.tensor([1, 3, 6]), prepend=tg.tensor([0])).tolist() == [1, 2, 3]
    assert tg.trapezoid(tg.tensor([1.0, 2.0, 4.0])).item() == 4.5
    assert tg.trapezoid(tg.tensor([1.0, 2.0, 4.0]), tg.tensor([0.0, 1.0, 3.0])).item() == 7.5
    assert tg.trapz(tg.tensor([1.0, 2.0, 4.0]), dx=2.0).item() == 9.0
    y, x = leaf(3, 4), tg.tensor([0.0, 1.0, 3.0, 4.5], dtype=tg.float64)
    assert np.allclose(tg.trapezoid(y, x).numpy(), np.trapezoid(y.numpy(), x.numpy()))
    assert np.allclose(tg.trapezoid(y, dim=0).numpy(), np.trapezoid(y.numpy(), axis=0))
    assert tg.gradcheck(lambda a: tg.trapezoid(a, x), [y]) and tg.gradcheck(
        lambda a: tg.trapezoid(a, dx=0.5), [y]
    )


# ---------------------------------------------------------------------------- distances
def test_cosine_similarity_clamps_each_norm_as_pytorch():
    x1 = tg.tensor([[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]], dtype=tg.float64, requires_grad=True)
    x2 = tg.tensor([[1e-9, 0.0, 0.0], [3.0, 2.0, 1.0]], dtype=tg.float64, requires_grad=True)
    out = F.cosine_similarity(x1, x2)
    assert np.allclose(out.numpy(), [0.0, 10 / 14])
    out.sum().backward()
    assert np.allclose(x1.grad.numpy()[0], [1e7, 0, 0])  # PyTorch's gradient: the clamp is not in the graph
    a, b = leaf(3, 4), leaf(4, seed=1)
    assert tg.gradcheck(lambda p, q: tg.cosine_similarity(p, q, dim=-1), [a, b])


def test_pairwise_distance_adds_eps_to_the_difference():
    assert np.isclose(
        F.pairwise_distance(tg.tensor([1.0, 2.0]), tg.tensor([0.0, 0.0])).item(),
        np.linalg.norm([1.000001, 2.000001]),
    )
    a, b = leaf(3, 4), leaf(3, 4, seed=1)
    assert tg.gradcheck(lambda p, q: tg.pairwise_distance(p, q, p=3.0, keepdim=True), [a, b])


@settings(max_examples=10, deadline=None)
@given(
    st.integers(1, 4),
    st.integers(1, 30),
    st.integers(1, 3),
    st.sampled_from([1.0, 2.0, 3.0]),
    st.integers(0, 2**31),
)
def test_cdist_matches_numpy(rows1, rows2, width, p, seed):
    a, b = leaf(2, rows1, width, seed=seed), leaf(rows2, width, seed=seed + 1)
    expected = (np.abs(a.numpy()[:, :, None, :] - b.numpy()[None, None, :, :]) ** p).sum(-1) ** (1 / p)
    assert np.allclose(tg.cdist(a, b, p=p).numpy(), expected)
    assert tg.gradcheck(lambda x, y: tg.cdist(x, y, p=p), [a, b])


def test_cdist_gradient_is_zero_at_zero_distance():
    a = tg.tensor([[1.0, 2.0]], dtype=tg.float64, requires_grad=True)
    tg.cdist(a, tg.tensor([[1.0, 2.0]], dtype=tg.float64)).sum().backward()
    assert a.grad.tolist() == [[0.0, 0.0]]
    small = leaf(2, 3)
    assert tg.gradgradcheck(lambda x, y: tg.cdist(x, y), [small, leaf(3, 3, seed=1)])
    with pytest.raises(ValueError, match="same M"):
        tg.cdist(tg.ones(2, 3), tg.ones(2, 4))


def test_no_warnings_from_the_new_ops():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tg.logit(tg.tensor([0.0, 1.0]))
        tg.xlogy(tg.tensor([0.0]), tg.tensor([0.0]))
