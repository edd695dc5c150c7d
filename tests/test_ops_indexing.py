"""Shape, indexing and product ops under PyTorch's names and semantics: einsum, scatter/scatter_add,
index_select, take_along_dim, repeat (numpy's tile!), repeat_interleave, tile, flip, roll, meshgrid,
movedim, narrow, unbind, diag/diagonal/trace, outer/dot/mv/mm/bmm/kron/cross/addmm.

Forward results are compared with numpy; gradients pass ``tg.gradcheck`` (and ``gradgradcheck``) in float64.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tensorgrad as tg
from tests.values import leaf, uniform

SEEDS = st.integers(0, 2**32 - 1)
SMALL = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3)


def _check(op, *arrays):
    tensors = [leaf(a) for a in arrays]
    assert tg.gradcheck(op, tensors) and tg.gradgradcheck(op, tensors)


# ---------------------------------------------------------------------------- einsum
# equation: operand shapes
EINSUM = {
    "ij,jk->ik": [(2, 3), (3, 4)],
    "ij,jk": [(2, 3), (3, 2)],
    "bij,bjk->bik": [(2, 2, 3), (2, 3, 2)],
    "i,i->": [(4,), (4,)],
    "i,j->ij": [(2,), (3,)],
    "ii->i": [(3, 3)],
    "ii": [(3, 3)],
    "iij->ij": [(2, 2, 3)],
    "ij->i": [(2, 3)],
    "ij->ji": [(2, 3)],
    "...ij,...jk->...ik": [(2, 1, 2, 3), (4, 3, 2)],
    "...i,i->...": [(2, 3, 4), (4,)],
    "bn,anm,bm->ba": [(2, 3), (4, 3, 2), (2, 2)],
    "i,j,k->ijk": [(2,), (3,), (2,)],
}


@pytest.mark.parametrize("equation", list(EINSUM))
def test_einsum_matches_numpy_and_differentiates_twice(equation):
    arrays = [uniform(i, shape) for i, shape in enumerate(EINSUM[equation])]
    out = tg.einsum(equation, *[leaf(a) for a in arrays])
    np.testing.assert_allclose(out.numpy(), np.einsum(equation, *arrays), rtol=1e-12, atol=1e-12)
    _check(lambda *ts: tg.einsum(equation, *ts), *arrays)


def test_einsum_takes_a_list_of_operands_and_says_which_operand_does_not_fit():
    a, b = tg.ones(2, 3), tg.ones(3)
    np.testing.assert_array_equal(tg.einsum("ij,j->i", [a, b]).numpy(), [3.0, 3.0])
    with pytest.raises(ValueError, match="einsum: operand 'ij'"):
        tg.einsum("ij,j->i", b, b)


# ---------------------------------------------------------------------------- reading and writing along a dim
@given(shape=SMALL, seed=SEEDS, data=st.data())
def test_index_select_and_take_along_dim_read_like_numpy(shape, seed, data):
    dim = data.draw(st.integers(0, len(shape) - 1))
    rng = np.random.default_rng(seed)
    a = uniform(seed, shape)
    picks = rng.integers(0, shape[dim], size=data.draw(st.integers(1, 4)))
    out = tg.index_select(leaf(a), dim, tg.tensor(picks))
    np.testing.assert_array_equal(out.numpy(), np.take(a, picks, axis=dim))
    index = rng.integers(0, shape[dim], size=shape)
    np.testing.assert_array_equal(
        leaf(a).take_along_dim(index, dim).numpy(), np.take_along_axis(a, index, dim)
    )
    _check(lambda t: t.index_select(dim, picks), a)
    _check(lambda t: tg.take_along_dim(t, index, dim), a)


def test_take_along_dim_broadcasts_and_flattens_without_dim():
    a = np.arange(6.0).reshape(2, 3)
    out = tg.take_along_dim(tg.tensor(a), tg.tensor([[0], [2]]), 1)
    np.testing.assert_array_equal(out.numpy(), [[0.0], [5.0]])
    np.testing.assert_array_equal(tg.take_along_dim(tg.tensor(a), tg.tensor([5, 0])).numpy(), [5.0, 0.0])
    wide = tg.take_along_dim(tg.tensor(a[:1]), tg.tensor([[0, 1], [2, 2]]), 1)
    np.testing.assert_array_equal(wide.numpy(), [[0.0, 1.0], [2.0, 2.0]])


@given(shape=SMALL, seed=SEEDS, data=st.data())
def test_scatter_and_scatter_add_write_like_numpy(shape, seed, data):
    dim = data.draw(st.integers(0, len(shape) - 1))
    rng = np.random.default_rng(seed)
    a, src = uniform(seed, shape), uniform(seed + 1, shape)
    index = rng.integers(0, shape[dim], size=shape)
    added = np.array(a)
    target = list(np.indices(shape))
    target[dim] = index
    np.add.at(added, tuple(target), src)
    np.testing.assert_allclose(leaf(a).scatter_add(dim, index, leaf(src)).numpy(), added, rtol=1e-12)
    _check(lambda t, s: tg.scatter_add(t, dim, index, s), a, src)
    unique = np.broadcast_to(
        rng.permutation(shape[dim]).reshape([-1 if i == dim else 1 for i in range(len(shape))]), shape
    )
    written = np.array(a)
    np.put_along_axis(written, unique, src, dim)
    np.testing.assert_array_equal(tg.scatter(leaf(a), dim, unique, leaf(src)).numpy(), written)
    _check(lambda t, s: t.scatter(dim, unique, s), a, src)


def test_scatter_with_repeated_indices_as_pytorch():
    zeros = tg.zeros(5)
    index = tg.tensor([1, 1, 2])
    src = tg.tensor([1.0, 2.0, 3.0])
    assert zeros.scatter_add(0, index, src).tolist() == [0.0, 3.0, 3.0, 0.0, 0.0]
    assert zeros.scatter(0, index, src, reduce="add").tolist() == [0.0, 3.0, 3.0, 0.0, 0.0]
    assert zeros.scatter(0, index, src).tolist() == [0.0, 2.0, 3.0, 0.0, 0.0]  # the last write wins (CPU)
    assert zeros.scatter(0, index, 7.0).tolist() == [0.0, 7.0, 7.0, 0.0, 0.0]
    # the gradient: zero where x was overwritten; each source element gets its target's gradient
    x, s = leaf(np.ones(5)), leaf([1.0, 2.0, 3.0])
    (x.scatter(0, index, s) * tg.tensor(np.arange(5.0))).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0, 3.0, 4.0] and s.grad.tolist() == [1.0, 1.0, 2.0]


def test_scatter_uses_the_leading_block_of_a_larger_src():
    out = tg.zeros(2, 3).scatter(1, tg.tensor([[2], [0]]), tg.tensor([[5.0, 6.0], [7.0, 8.0]]))
    assert out.tolist() == [[0.0, 0.0, 5.0], [7.0, 0.0, 0.0]]
    with pytest.raises(IndexError, match="scatter"):
        tg.zeros(2, 3).scatter(1, tg.tensor([[3]]), 1.0)


# ---------------------------------------------------------------------------- repeat, tile, flip, roll
@given(shape=SMALL, seed=SEEDS, data=st.data())
def test_repeat_is_numpy_tile_and_repeat_interleave_is_numpy_repeat(shape, seed, data):
    a = uniform(seed, shape)
    sizes = data.draw(st.lists(st.integers(1, 3), min_size=len(shape), max_size=len(shape) + 1))
    np.testing.assert_array_equal(leaf(a).repeat(*sizes).numpy(), np.tile(a, sizes))
    np.testing.assert_array_equal(tg.tile(leaf(a), sizes[1:]).numpy(), np.tile(a, sizes[1:]))
    dim = data.draw(st.integers(0, len(shape) - 1))
    counts = np.random.default_rng(seed).integers(0, 3, shape[dim])
    np.testing.assert_array_equal(leaf(a).repeat_interleave(2, dim).numpy(), np.repeat(a, 2, axis=dim))
    np.testing.assert_array_equal(
        tg.repeat_interleave(leaf(a), tg.tensor(counts), dim).numpy(), np.repeat(a, counts, axis=dim)
    )
    np.testing.assert_array_equal(tg.repeat_interleave(leaf(a), 2).numpy(), np.repeat(a.ravel(), 2))
    _check(lambda t: t.repeat(*sizes), a)
    _check(lambda t: t.repeat_interleave(tg.tensor(counts), dim), a)


def test_repeat_and_tile_follow_pytorch_not_numpy_repeat():
    x = tg.tensor([1, 2])
    assert x.repeat(2).tolist() == [1, 2, 1, 2]
    assert x.repeat(2, 1).tolist() == [[1, 2], [1, 2]]
    assert x.repeat_interleave(2).tolist() == [1, 1, 2, 2]
    assert tg.tile(tg.ones(2, 2), (2,)).shape == (2, 4)
    with pytest.raises(ValueError, match="repeat: needs at least one size per dimension"):
        tg.ones(2, 2).repeat(2)


@given(shape=SMALL, seed=SEEDS, data=st.data())
def test_flip_and_roll_match_numpy(shape, seed, data):
    a = uniform(seed, shape)
    dims = data.draw(st.lists(st.integers(0, len(shape) - 1), min_size=1, unique=True))
    shifts = data.draw(st.lists(st.integers(-4, 4), min_size=len(dims), max_size=len(dims)))
    np.testing.assert_array_equal(leaf(a).flip(dims).numpy(), np.flip(a, dims))
    np.testing.assert_array_equal(tg.roll(leaf(a), shifts, dims).numpy(), np.roll(a, shifts, dims))
    np.testing.assert_array_equal(leaf(a).roll(1).numpy(), np.roll(a, 1))
    _check(lambda t: tg.flip(t, dims), a)
    _check(lambda t: t.roll(shifts, dims), a)


def test_fliplr_flipud_and_meshgrid_as_pytorch():
    x = tg.tensor([[1, 2], [3, 4]])
    assert x.fliplr().tolist() == [[2, 1], [4, 3]] and tg.flipud(x).tolist() == [[3, 4], [1, 2]]
    rows, cols = tg.meshgrid(tg.arange(2), tg.arange(3))  # indexing="ij" by default, as PyTorch
    np.testing.assert_array_equal(rows.numpy(), np.meshgrid(np.arange(2), np.arange(3), indexing="ij")[0])
    np.testing.assert_array_equal(cols.numpy(), np.meshgrid(np.arange(2), np.arange(3), indexing="ij")[1])
    xs, ys = tg.meshgrid([tg.arange(2), tg.arange(3)], indexing="xy")
    np.testing.assert_array_equal(ys.numpy(), np.meshgrid(np.arange(2), np.arange(3))[1])
    np.testing.assert_array_equal(xs.numpy(), np.meshgrid(np.arange(2), np.arange(3))[0])
    _check(lambda s, t: tg.meshgrid(s, t)[1] * tg.meshgrid(s, t)[0], uniform(1, (2,)), uniform(2, (3,)))


# ---------------------------------------------------------------------------- views
@given(shape=hnp.array_shapes(min_dims=2, max_dims=4, min_side=1, max_side=3), seed=SEEDS, data=st.data())
def test_movedim_swapaxes_narrow_unbind_ravel_match_numpy(shape, seed, data):
    a = uniform(seed, shape)
    x = leaf(a)
    n = len(shape)
    src, dst = data.draw(st.integers(-n, n - 1)), data.draw(st.integers(-n, n - 1))
    np.testing.assert_array_equal(tg.movedim(x, src, dst).numpy(), np.moveaxis(a, src, dst))
    np.testing.assert_array_equal(x.moveaxis((0, 1), (-1, 0)).numpy(), np.moveaxis(a, (0, 1), (-1, 0)))
    np.testing.assert_array_equal(x.swapaxes(0, -1).numpy(), np.swapaxes(a, 0, -1))
    np.testing.assert_array_equal(tg.swapdims(x, 0, 1).numpy(), np.swapaxes(a, 0, 1))
    np.testing.assert_array_equal(x.ravel().numpy(), a.ravel())
    start = data.draw(st.integers(0, shape[1] - 1))
    np.testing.assert_array_equal(x.narrow(1, start, shape[1] - start).numpy(), a[:, start:])
    parts = tg.unbind(x, 1)
    assert len(parts) == shape[1]
    np.testing.assert_array_equal(parts[-1].numpy(), a[:, -1])
    _check(lambda t: tg.stack(t.unbind(-1), 0).narrow(0, 0, 1).movedim(0, -1), a)


# ---------------------------------------------------------------------------- products and diagonals
def test_matrix_products_match_numpy_and_take_pytorchs_keywords():
    a, b, v = uniform(0, (2, 3)), uniform(1, (3, 4)), uniform(2, (3,))
    np.testing.assert_allclose(tg.matmul(input=leaf(a), other=leaf(b)).numpy(), a @ b, rtol=1e-12)
    np.testing.assert_allclose(tg.mm(leaf(a), mat2=leaf(b)).numpy(), a @ b, rtol=1e-12)
    np.testing.assert_allclose(leaf(a).mv(leaf(v)).numpy(), a @ v, rtol=1e-12)
    np.testing.assert_allclose(tg.dot(leaf(v), leaf(v)).item(), v @ v, rtol=1e-12)
    np.testing.assert_allclose(tg.outer(leaf(v), leaf(v[:2])).numpy(), np.outer(v, v[:2]), rtol=1e-12)
    np.testing.assert_allclose(tg.ger(leaf(v), leaf(v)).numpy(), np.outer(v, v), rtol=1e-12)
    batch = uniform(3, (2, 2, 3))
    np.testing.assert_allclose(tg.bmm(leaf(batch), leaf(np.stack([b, b]))).numpy(), batch @ b, rtol=1e-12)
    np.testing.assert_allclose(
        tg.addmm(leaf(v[:1]), leaf(a), leaf(b), beta=2, alpha=0.5).numpy(),
        2 * v[:1] + 0.5 * (a @ b),
        rtol=1e-12,
    )
    np.testing.assert_allclose(tg.kron(leaf(a), leaf(b)).numpy(), np.kron(a, b), rtol=1e-12)
    np.testing.assert_allclose(
        tg.cross(leaf(a.T), leaf(b[:, :2])).numpy(), np.cross(a.T, b[:, :2], axis=0), rtol=1e-12
    )
    np.testing.assert_allclose(
        tg.linalg.cross(leaf(a), leaf(a[::-1])).numpy(), np.cross(a, a[::-1]), rtol=1e-12
    )
    with pytest.raises(ValueError, match="mm: input must be 2-D"):
        tg.mm(tg.ones(2, 2, 2), tg.ones(2, 2))
    with pytest.raises(ValueError, match="bmm: mat2 must be 3-D"):
        tg.bmm(tg.ones(2, 2, 2), tg.ones(2, 2))
    _check(lambda s, t: tg.kron(s, t), a, uniform(4, (2, 2)))
    _check(lambda s, t: tg.cross(s, t, dim=0), b[:, :2], uniform(5, (3, 2)))
    _check(lambda s, t: tg.outer(s, t), v, v[:2])


@pytest.mark.parametrize("offset", [-2, -1, 0, 1, 3])
def test_diag_diagonal_and_trace_match_numpy(offset):
    m, v = uniform(0, (3, 4)), uniform(1, (3,))
    np.testing.assert_array_equal(tg.diag(leaf(m), offset).numpy(), np.diag(m, offset))
    np.testing.assert_array_equal(leaf(v).diag(offset).numpy(), np.diag(v, offset))
    cube = uniform(2, (2, 3, 4))
    np.testing.assert_array_equal(
        tg.diagonal(leaf(cube), offset, 1, 2).numpy(), np.diagonal(cube, offset, 1, 2)
    )
    np.testing.assert_array_equal(
        leaf(cube).diagonal(offset, -1, 0).numpy(), np.diagonal(cube, offset, -1, 0)
    )
    np.testing.assert_allclose(tg.trace(leaf(m)).item(), np.trace(m), rtol=1e-12)
    _check(lambda t: tg.diag(t, offset), m)
    _check(lambda t: t.diag(offset), v)
    _check(tg.trace, m)
