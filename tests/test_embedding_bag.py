"""nn.EmbeddingBag and F.embedding_bag: against a numpy loop over the bags (hypothesis, float64, with
gradcheck), and against PyTorch's own numbers (``tests/fixtures/embedding_bag.npz``, made with PyTorch 2.13.0
by ``scripts/make_fixtures_embedding_bag.py``; see its docstring): outputs and the gradients of the weight and
the per-sample weights, for each mode, empty bags, ``padding_idx``, ``include_last_offset``, 2-D input and
``scale_grad_by_freq``."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tensorgrad as tg
import tensorgrad.nn.functional as F
from scripts.fixture_archive import load_fixture, mix
from tensorgrad import nn
from tests.values import leaf, uniform

TORCH = load_fixture("embedding_bag")
CASES = json.loads(str(TORCH["cases"]))


@pytest.mark.parametrize("case", sorted(CASES))
def test_pytorchs_outputs_and_gradients(case):
    options, indices, offsets, weighted = CASES[case]
    bag = nn.EmbeddingBag(10, 3, **options)
    bag.load_state_dict({"weight": TORCH[f"{case}/weight"]})
    psw = tg.tensor(TORCH[f"{case}/per_sample_weights"], requires_grad=True) if weighted else None
    out = bag(tg.tensor(indices), None if offsets is None else tg.tensor(offsets), psw)
    np.testing.assert_allclose(out.numpy(), TORCH[f"{case}/output"], rtol=1e-6, atol=1e-7)
    (out * tg.tensor(mix(out.shape))).sum().backward()
    np.testing.assert_allclose(bag.weight.grad.numpy(), TORCH[f"{case}/grad/weight"], rtol=1e-6, atol=1e-7)
    if weighted:
        want = TORCH[f"{case}/grad/per_sample_weights"]
        np.testing.assert_allclose(psw.grad.numpy(), want, rtol=1e-6, atol=1e-7)


def numpy_bags(weight, indices, starts, ends, mode, psw, padding_idx):
    out = np.zeros((len(starts), weight.shape[1]))
    for b, (s, e) in enumerate(zip(starts, ends)):
        js = [j for j in range(s, e) if indices[j] != padding_idx]
        if not js:
            continue
        rows = weight[indices[js]] * (psw[js, None] if psw is not None else 1.0)
        out[b] = {"sum": rows.sum(0), "mean": rows.mean(0), "max": rows.max(0)}[mode]
    return out


@given(
    sizes=st.lists(st.integers(0, 4), min_size=1, max_size=4),
    mode=st.sampled_from(["sum", "mean", "max"]),
    padding=st.booleans(),
    last_offset=st.booleans(),
    seed=st.integers(0, 2**31 - 1),
)
def test_bags_match_a_numpy_loop_and_pass_gradcheck(sizes, mode, padding, last_offset, seed):
    rng = np.random.default_rng(seed)
    indices = rng.integers(0, 6, sum(sizes))
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    ends = starts + np.array(sizes)
    offsets = np.append(starts, indices.size) if last_offset else starts
    weight = leaf(uniform(seed, (6, 3)))
    psw = leaf(uniform(seed + 1, (indices.size,))) if mode == "sum" else None
    padding_idx = 2 if padding else None

    def bags(w, *p):
        return F.embedding_bag(
            tg.tensor(indices),
            w,
            tg.tensor(offsets),
            mode=mode,
            per_sample_weights=p[0] if p else None,
            include_last_offset=last_offset,
            padding_idx=padding_idx,
        )

    args = (weight,) if psw is None else (weight, psw)
    want = numpy_bags(
        weight.numpy(), indices, starts, ends, mode, None if psw is None else psw.numpy(), padding_idx
    )
    np.testing.assert_allclose(bags(*args).numpy(), want, rtol=1e-12, atol=1e-14)
    if mode != "max":  # max is piecewise linear: finite differences are unreliable where two rows tie
        assert tg.gradcheck(bags, args)


def test_scale_grad_by_freq_divides_each_rows_gradient_by_its_count_in_the_batch():
    # the documented rule, as nn.Embedding; PyTorch 2.13's CPU EmbeddingBag gives row 8 a third here (see
    # scripts/make_fixtures_embedding_bag.py)
    weight = leaf(np.zeros((10, 1)))
    F.embedding_bag(
        tg.tensor([3, 3, 1, 3, 8]), weight, tg.tensor([0]), mode="sum", scale_grad_by_freq=True
    ).sum().backward()
    assert weight.grad.numpy()[:, 0].tolist() == [0, 1, 0, 1, 0, 0, 0, 0, 1, 0]


def test_max_sends_each_coordinates_gradient_to_the_row_that_won():
    weight = leaf(np.array([[1.0, 5.0], [3.0, 2.0], [0.0, 0.0]]))
    out = F.embedding_bag(tg.tensor([0, 1, 2]), weight, tg.tensor([0]), mode="max")
    assert out.tolist() == [[3.0, 5.0]]
    out.sum().backward()
    assert weight.grad.tolist() == [[0.0, 1.0], [1.0, 0.0], [0.0, 0.0]]


def test_mean_and_sum_pass_gradgradcheck():
    weight, psw = leaf(uniform(0, (5, 2))), leaf(uniform(1, (4,)))
    index, offsets = tg.tensor([0, 3, 3, 1]), tg.tensor([0, 1])
    assert tg.gradgradcheck(lambda w: F.embedding_bag(index, w, offsets) ** 2, (weight,))
    assert tg.gradgradcheck(
        lambda w, p: F.embedding_bag(index, w, offsets, mode="sum", per_sample_weights=p) ** 2, (weight, psw)
    )


def test_from_pretrained_and_the_repr_are_pytorchs():
    bag = nn.EmbeddingBag.from_pretrained(tg.tensor([[1.0, 2.0], [3.0, 4.0]]), mode="sum")
    assert bag.weight.requires_grad is False
    assert bag(tg.tensor([[0, 1]])).tolist() == [[4.0, 6.0]]
    assert repr(nn.EmbeddingBag(5, 2)) == "EmbeddingBag(5, 2, mode='mean')"
    assert (
        repr(nn.EmbeddingBag(5, 2, max_norm=1.0, mode="max", padding_idx=1, include_last_offset=True))
        == "EmbeddingBag(5, 2, max_norm=1.0, mode='max', padding_idx=1)"
    )


def test_bad_bags_name_the_layer_and_what_was_expected():
    bag = nn.EmbeddingBag(10, 3)
    with pytest.raises(
        ValueError, match=r"EmbeddingBag\(10, 3, mode='mean'\): embedding_bag: offsets\[0\] has to be 0"
    ):
        bag(tg.tensor([1, 2, 3]), tg.tensor([1, 2]))
    with pytest.raises(ValueError, match=r"if input is 2D, then offsets has to be None"):
        bag(tg.tensor([[1, 2]]), tg.tensor([0]))
    with pytest.raises(ValueError, match=r"offsets has to be a 1D tensor of bag starts for a 1D input"):
        bag(tg.tensor([1, 2]))
    with pytest.raises(NotImplementedError, match=r"per_sample_weights is only supported for mode='sum'"):
        bag(tg.tensor([1, 2]), tg.tensor([0]), tg.ones(2))
    with pytest.raises(IndexError, match=r"index 10 is out of range for an embedding of num_embeddings=10"):
        bag(tg.tensor([1, 10]), tg.tensor([0]))
    with pytest.raises(ValueError, match=r"mode must be one of \('sum', 'mean', 'max'\), got 'median'"):
        nn.EmbeddingBag(10, 3, mode="median")
