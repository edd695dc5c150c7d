"""Embedding (F.embedding, nn.Embedding): forward against plain numpy indexing, the weight gradient against
``np.add.at`` written here (padding row and frequency scaling included), first and second derivatives by
``tg.gradcheck`` / ``tg.gradgradcheck`` in float64 over generated index shapes and options, ``max_norm``
against a numpy renormalisation, the layer's PyTorch defaults, and the error messages.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tensorgrad as tg
import tensorgrad.nn.functional as F
from tensorgrad import nn
from tests.values import leaf, uniform

FEW = settings(max_examples=8)
SEEDS = st.integers(0, 2**32 - 1)


@st.composite
def lookups(draw, max_rows=6):
    """(num_embeddings, embedding_dim, indices, padding_idx or None, scale_grad_by_freq)."""
    rows, dim = draw(st.integers(1, max_rows)), draw(st.integers(1, 4))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
    dtype = draw(st.sampled_from([np.int64, np.int32]))
    indices = draw(hnp.arrays(dtype, shape, elements=st.integers(0, rows - 1)))
    padding_idx = draw(st.one_of(st.none(), st.integers(-rows, rows - 1)))
    return rows, dim, indices, padding_idx, draw(st.booleans())


def add_at_reference(indices, g, rows, padding_idx, by_freq):
    """d weight: g[p] added into row indices[p] (np.add.at), none into padding_idx, each divided by the
    row's count in ``indices`` with ``by_freq``."""
    flat, g = indices.reshape(-1), g.reshape(indices.size, g.shape[-1])
    scale = np.ones(flat.size)
    if by_freq:
        counts = {r: int((flat == r).sum()) for r in set(flat.tolist())}
        scale = np.array([1.0 / counts[r] for r in flat.tolist()])
    if padding_idx is not None:
        scale[flat == padding_idx % rows] = 0.0
    out = np.zeros((rows, g.shape[1]))
    np.add.at(out, flat, g * scale[:, None])
    return out


# ---------------------------------------------------------------------------- F.embedding
@given(case=lookups(), seed=SEEDS)
def test_embedding_forward_is_numpy_indexing_and_its_gradient_is_add_at(case, seed):
    rows, dim, indices, padding_idx, by_freq = case
    w_np = uniform(seed, (rows, dim))
    w = leaf(w_np)
    out = F.embedding(tg.tensor(indices), w, padding_idx=padding_idx, scale_grad_by_freq=by_freq)
    assert out.shape == (*indices.shape, dim) and out.dtype == np.float64
    np.testing.assert_array_equal(out.numpy(), w_np[indices])  # the padding row is read as it is
    g = uniform(seed + 1, out.shape)
    out.backward(tg.tensor(g))
    expected = add_at_reference(indices, g, rows, padding_idx, by_freq)
    np.testing.assert_allclose(w.grad.numpy(), expected, rtol=1e-12, atol=1e-12)


def without_padding_row(t, padding_idx):
    """``t`` with its padding row replaced by a constant: the row ``F.embedding`` deliberately gives no
    gradient (as PyTorch) is then one the function does not depend on, so central differences agree."""
    if padding_idx is None:
        return t
    mask = np.zeros((t.shape[0], 1), dtype=bool)
    mask[padding_idx] = True
    return tg.where(mask, tg.tensor(np.full(t.shape, 0.5)), t)


@given(case=lookups(), seed=SEEDS)
def test_embedding_passes_gradcheck(case, seed):
    # scale_grad_by_freq is left out: it scales the gradient on purpose (PyTorch's option), so it is no
    # derivative; test_embedding_forward_is_numpy_indexing_and_its_gradient_is_add_at checks its values
    rows, dim, indices, padding_idx, _ = case
    w = leaf(uniform(seed, (rows, dim)))

    def lookup(t):
        return F.embedding(indices, without_padding_row(t, padding_idx), padding_idx=padding_idx).tanh()

    assert tg.gradcheck(lookup, (w,))


@FEW
@given(case=lookups(max_rows=4), seed=SEEDS)
def test_embedding_second_derivatives(case, seed):
    rows, dim, indices, padding_idx, by_freq = case
    w = leaf(uniform(seed, (rows, dim)))

    def squared(t):
        return F.embedding(indices, without_padding_row(t, padding_idx), padding_idx=padding_idx) ** 2

    assert tg.gradgradcheck(squared, (w,))

    # the lookup is linear: gradgradcheck then differentiates its backward with respect to the output
    # gradient, i.e. the scatter-add's own backward, the gather (the padding row's zeros and the frequency
    # scaling included: the scatter-add is linear whatever its weights)
    def lookup(t):
        return F.embedding(indices, t, padding_idx=padding_idx, scale_grad_by_freq=by_freq)

    assert tg.gradgradcheck(lookup, (w,))


def test_embedding_double_backward_graph_alternates_scatter_and_gather():
    w = leaf(uniform(0, (5, 3)))
    indices = np.array([[0, 1, 1], [4, 0, 2]])
    out = F.embedding(indices, w, padding_idx=1)
    assert out.grad_fn.name == "Embedding" and out.grad_fn.params["padding_idx"] == 1
    v = leaf(uniform(1, out.shape))
    (dw,) = tg.grad(out, w, v, create_graph=True)
    assert dw.grad_fn.name == "EmbeddingGrad"
    (dv,) = tg.grad((dw * dw).sum(), v)  # d/dv of |scatter(v)|^2 = 2 gather(scatter(v)), padding zeroed
    scattered = add_at_reference(indices, v.numpy(), 5, 1, False)
    expected = 2 * scattered[indices] * (indices != 1)[..., None]
    np.testing.assert_allclose(dv.numpy(), expected, rtol=1e-12)


def test_embedding_accepts_tensors_arrays_lists_and_a_single_index():
    w = tg.tensor(np.arange(12.0).reshape(4, 3))
    for given_ in ([[0, 3], [2, 2]], np.array([[0, 3], [2, 2]], dtype=np.int32), tg.tensor([[0, 3], [2, 2]])):
        out = F.embedding(given_, w)
        np.testing.assert_array_equal(out.numpy(), w.numpy()[[[0, 3], [2, 2]]])
    assert F.embedding(2, w).tolist() == [6.0, 7.0, 8.0]  # 0-d indices: one row
    assert F.embedding(np.zeros((2, 0), dtype=np.int64), w).shape == (2, 0, 3)


def test_embedding_keeps_the_weights_dtype():
    for dtype in (np.float32, np.float64):
        w = tg.tensor(np.ones((4, 2), dtype=dtype), requires_grad=True)
        out = F.embedding([1, 1, 3], w)
        assert out.dtype == dtype
        out.sum().backward()
        assert w.grad.dtype == dtype
        np.testing.assert_array_equal(w.grad.numpy(), [[0, 0], [2, 2], [0, 0], [1, 1]])


def test_scale_grad_by_freq_divides_by_the_count_in_the_batch():
    w = leaf(np.zeros((3, 1)))
    F.embedding([[0, 0, 0], [1, 0, 2]], w, scale_grad_by_freq=True).sum().backward()
    np.testing.assert_allclose(w.grad.numpy()[:, 0], [1.0, 1.0, 1.0])  # 4 x 1/4, 1 x 1, 1 x 1


# ---------------------------------------------------------------------------- max_norm
def renorm_reference(w, indices, max_norm, norm_type):
    w = w.copy()
    for r in np.unique(indices):
        norm = np.linalg.norm(w[r], ord=norm_type)
        if norm > max_norm:
            w[r] *= max_norm / (norm + 1e-7)
    return w


@pytest.mark.parametrize("norm_type", [2.0, 1.0, np.inf])
def test_max_norm_renormalises_the_rows_looked_up_in_place(norm_type):
    w_np = uniform(0, (6, 4), -3, 3)
    w = leaf(w_np)
    indices = np.array([[0, 2], [2, 5]])
    out = F.embedding(indices, w, max_norm=1.0, norm_type=norm_type)
    expected = renorm_reference(w_np, indices, 1.0, norm_type)
    np.testing.assert_allclose(w.numpy(), expected, rtol=1e-12)
    np.testing.assert_array_equal(w.numpy()[[1, 3, 4]], w_np[[1, 3, 4]])  # rows not looked up: unchanged
    np.testing.assert_allclose(out.numpy(), expected[indices], rtol=1e-12)
    out.sum().backward()  # the lookup itself stays differentiable
    np.testing.assert_array_equal(w.grad.numpy()[:, 0], [1, 0, 2, 0, 0, 1])


def test_max_norm_leaves_short_rows_alone():
    w = leaf(np.full((3, 2), 0.1))
    F.embedding([0, 1, 2], w, max_norm=5.0)
    np.testing.assert_array_equal(w.numpy(), np.full((3, 2), 0.1))


def test_max_norm_changing_the_table_stops_an_older_graph_from_backpropagating():
    # the renormalisation is in place, as PyTorch's; unlike PyTorch, an earlier lookup of the same table
    # is then refused too (docs/porting-from-pytorch.md lists the difference)
    w = leaf(np.full((3, 2), 2.0))
    first = F.embedding([0], w, max_norm=1.0)
    again = F.embedding([0], w, max_norm=1.0)  # row 0 is short now: nothing changes, nothing is refused
    (first.sum() + again.sum()).backward()
    np.testing.assert_array_equal(w.grad.numpy()[0], [2.0, 2.0])
    earlier = F.embedding([0], w, max_norm=1.0)
    later = F.embedding([1], w, max_norm=1.0)  # rescales row 1: the table changed after `earlier` read it
    with pytest.raises(RuntimeError, match="input 0 of Embedding .* was changed in place"):
        (earlier.sum() + later.sum()).backward()


# ---------------------------------------------------------------------------- nn.Embedding
def test_embedding_layer_has_pytorchs_layout_init_and_padding_row():
    tg.manual_seed(0)
    layer = nn.Embedding(1000, 16, padding_idx=3)
    assert layer.weight.shape == (1000, 16) and layer.weight.dtype == np.float32
    assert [name for name, _ in layer.named_parameters()] == ["weight"]
    values = np.delete(layer.weight.numpy(), 3, axis=0)
    assert abs(values.mean()) < 0.02 and abs(values.std() - 1.0) < 0.02  # N(0, 1)
    assert not layer.weight.numpy()[3].any()
    out = layer(tg.tensor([[3, 1], [3, 3]]))
    assert out.shape == (2, 2, 16)
    out.sum().backward()
    assert not layer.weight.grad.numpy()[3].any() and (layer.weight.grad.numpy()[1] == 1).all()


def test_negative_padding_idx_counts_from_the_end():
    layer = nn.Embedding(5, 2, padding_idx=-2)
    assert layer.padding_idx == 3 and not layer.weight.numpy()[3].any()
    assert repr(layer) == "Embedding(5, 2, padding_idx=3)"


def test_embedding_layer_takes_dtype_device_weight_and_freeze():
    assert nn.Embedding(3, 2, dtype=tg.float64).weight.dtype == np.float64
    assert nn.Embedding(3, 2, device="cpu").weight.shape == (3, 2)
    table = np.arange(6.0).reshape(3, 2)
    layer = nn.Embedding(3, 2, padding_idx=0, _weight=tg.tensor(table), _freeze=True)
    np.testing.assert_array_equal(layer.weight.numpy(), table)  # given: not re-initialised, row 0 kept
    assert not layer.weight.requires_grad
    with pytest.raises(ValueError, match=re.escape("Embedding: _weight has shape (3, 2), expected")):
        nn.Embedding(4, 2, _weight=tg.tensor(table))


def test_from_pretrained_copies_the_table_and_freezes_it_by_default():
    table = tg.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    layer = nn.Embedding.from_pretrained(table)
    assert (layer.num_embeddings, layer.embedding_dim) == (3, 2) and not layer.weight.requires_grad
    np.testing.assert_array_equal(layer(tg.tensor([2, 0])).numpy(), [[5.0, 6.0], [1.0, 2.0]])
    learning = nn.Embedding.from_pretrained(table, freeze=False, padding_idx=1)
    assert learning.weight.requires_grad and learning.weight.numpy()[1].tolist() == [3.0, 4.0]  # not zeroed
    learning(tg.tensor([1, 2])).sum().backward()
    np.testing.assert_array_equal(learning.weight.grad.numpy(), [[0, 0], [0, 0], [1, 1]])
    with pytest.raises(ValueError, match="from_pretrained: embeddings must be 2-D"):
        nn.Embedding.from_pretrained(tg.ones(3))


def test_embedding_layer_state_dict_round_trips():
    layer = nn.Embedding(4, 3, padding_idx=0)
    other = nn.Embedding(4, 3)
    other.load_state_dict(layer.state_dict())
    np.testing.assert_array_equal(other.weight.numpy(), layer.weight.numpy())


# ---------------------------------------------------------------------------- errors
def test_an_out_of_range_index_names_the_op_the_index_and_num_embeddings():
    w = tg.ones(65, 4)
    with pytest.raises(
        IndexError, match=re.escape("embedding: index 70 is out of range for an embedding of")
    ):
        F.embedding([[1, 70]], w)
    with pytest.raises(IndexError, match=re.escape("index -1 is out of range") + ".*num_embeddings=65"):
        F.embedding([-1, 3], w)
    layer = nn.Embedding(10, 2)
    with pytest.raises(IndexError, match=re.escape("Embedding(10, 2): embedding: index 10 is out of range")):
        layer(tg.tensor([3, 10]))


def test_embedding_rejects_float_indices_a_bad_weight_and_a_bad_padding_idx():
    with pytest.raises(TypeError, match="embedding: indices must be integers .* got dtype float32"):
        F.embedding(tg.tensor([1.0, 2.0]), tg.ones(4, 2))
    with pytest.raises(TypeError, match="got dtype bool"):
        F.embedding(np.array([True]), tg.ones(4, 2))
    with pytest.raises(
        ValueError, match=re.escape("embedding: weight must be 2-D (num_embeddings, embedding_dim)")
    ):
        F.embedding([0], tg.ones(4, 2, 1))
    with pytest.raises(ValueError, match=re.escape("padding_idx=4 must lie within num_embeddings=4")):
        F.embedding([0], tg.ones(4, 2), padding_idx=4)
    with pytest.raises(
        ValueError, match=re.escape("Embedding: padding_idx=-6 must lie within num_embeddings=5")
    ):
        nn.Embedding(5, 2, padding_idx=-6)


def test_sparse_is_accepted_and_gives_the_same_gradient_as_a_dense_array():
    tg.manual_seed(0)
    dense, sparse = nn.Embedding(5, 2), nn.Embedding(5, 2, sparse=True)
    sparse.load_state_dict(dense.state_dict())
    for layer in (dense, sparse):
        (layer(tg.tensor([[0, 3], [3, 4]])) ** 2).sum().backward()
    np.testing.assert_array_equal(sparse.weight.grad.numpy(), dense.weight.grad.numpy())
    assert sparse.sparse is True and repr(sparse) == "Embedding(5, 2, sparse=True)"
    np.testing.assert_array_equal(F.embedding([1], tg.ones(4, 2), sparse=True).numpy(), [[1.0, 1.0]])


def test_a_gpu_device_is_refused_clearly():
    with pytest.raises(ValueError, match="Embedding: device='cuda'"):
        nn.Embedding(5, 2, device="cuda")
