"""F.pad as PyTorch's: pad widths listed from the last dimension backwards, the modes constant / reflect /
replicate / circular (numpy's constant / reflect / edge / wrap), negative widths cropping; gradients add up
into the elements each padded element copies."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tensorgrad as tg
import tensorgrad.nn.functional as F
from tests.values import leaf, uniform

SEEDS = st.integers(0, 2**32 - 1)
NUMPY_MODE = {"constant": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


@st.composite
def pad_cases(draw):
    """(shape, pad, mode): pad widths for 1..ndim trailing dimensions, within each mode's limits."""
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=2, max_side=4))
    mode = draw(st.sampled_from(list(NUMPY_MODE)))
    count = draw(st.integers(1, len(shape)))
    pad = []
    for k in range(count):
        size = shape[-1 - k]
        limit = {"constant": 3, "reflect": size - 1, "replicate": 5, "circular": size}[mode]
        pad += [draw(st.integers(0, limit)), draw(st.integers(0, limit))]
    return shape, tuple(pad), mode


def numpy_pad_width(ndim, pad):
    widths = [(0, 0)] * ndim
    for k in range(len(pad) // 2):
        widths[ndim - 1 - k] = (pad[2 * k], pad[2 * k + 1])
    return widths


@given(case=pad_cases(), seed=SEEDS)
def test_pad_matches_numpy_in_every_mode_and_differentiates_twice(case, seed):
    shape, pad, mode = case
    a = uniform(seed, shape)
    out = F.pad(leaf(a), pad, mode=mode)
    expected = np.pad(a, numpy_pad_width(len(shape), pad), mode=NUMPY_MODE[mode])
    np.testing.assert_array_equal(out.numpy(), expected)
    x = leaf(a)
    assert tg.gradcheck(lambda t: F.pad(t, pad, mode=mode), (x,))
    assert tg.gradgradcheck(lambda t: F.pad(t, pad, mode=mode), (x,))


@given(case=pad_cases())
def test_pad_gradient_counts_the_copies_of_each_element(case):
    shape, pad, mode = case
    x = leaf(np.zeros(shape))
    F.pad(x, pad, mode=mode).sum().backward()
    copies = np.pad(
        np.arange(x.numel()).reshape(shape), numpy_pad_width(len(shape), pad), mode=NUMPY_MODE[mode]
    )
    if mode == "constant":
        copies = np.arange(x.numel())  # the padding is a constant: each element appears once
    np.testing.assert_array_equal(x.grad.numpy().ravel(), np.bincount(copies.ravel(), minlength=x.numel()))


def test_pad_lists_the_last_dimension_first_as_pytorch():
    x = tg.arange(6.0).reshape(1, 2, 3)
    assert F.pad(x, (1, 2, 1, 0)).shape == (1, 3, 6)
    assert F.pad(tg.tensor([[1.0, 2.0]]), (1, 0), value=9.0).tolist() == [[9.0, 1.0, 2.0]]
    row = tg.arange(5.0).reshape(1, 1, 5)
    assert F.pad(row, (2, 2), mode="reflect").tolist() == [[[2.0, 1.0, 0.0, 1.0, 2.0, 3.0, 4.0, 3.0, 2.0]]]
    assert F.pad(row, (1, 2), mode="circular").tolist() == [[[4.0, 0.0, 1.0, 2.0, 3.0, 4.0, 0.0, 1.0]]]
    assert F.pad(row, (1, 1), mode="replicate").tolist() == [[[0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 4.0]]]


def test_negative_pad_crops_as_pytorch():
    row = tg.arange(5.0).reshape(1, 1, 5)
    assert F.pad(row, (-1, 2)).tolist() == [[[1.0, 2.0, 3.0, 4.0, 0.0, 0.0]]]
    x = leaf(np.arange(5.0))
    F.pad(x, (-2, -1)).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 1.0, 1.0, 0.0]


def test_pad_refuses_what_pytorch_refuses_with_a_clear_message():
    with pytest.raises(ValueError, match="reflect padding of \\(3, 0\\) is too large"):
        F.pad(tg.ones(1, 3), (3, 0), mode="reflect")
    with pytest.raises(ValueError, match="pad: 3 pad values"):
        F.pad(tg.ones(2, 2), (1, 1, 1))
    with pytest.raises(ValueError, match="mode must be one of"):
        F.pad(tg.ones(2, 2), (1, 1), mode="mirror")
    with pytest.raises(ValueError, match="value applies to constant padding only"):
        F.pad(tg.ones(2, 2), (1, 1), mode="reflect", value=1.0)


def test_numpy_style_pad_keeps_its_pairs_per_dimension_and_gains_the_modes():
    a = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(tg.pad(tg.tensor(a), ((0, 0), (1, 1))).numpy(), np.pad(a, ((0, 0), (1, 1))))
    np.testing.assert_array_equal(
        tg.pad(tg.tensor(a), 1, mode="replicate").numpy(), np.pad(a, 1, mode="edge")
    )
