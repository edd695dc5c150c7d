"""Creation functions, generators and random draws, with PyTorch's signatures and dtypes."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tensorgrad as tg
from tensorgrad.random import numpy_generator


@pytest.fixture
def default_dtype_restored():
    yield
    tg.set_default_dtype(tg.float32)


# ----------------------------------------------------------------------------- generators
def test_generator_manual_seed_returns_the_generator_and_same_seed_gives_same_numbers():
    g = tg.Generator().manual_seed(2147483647)
    assert isinstance(g, tg.Generator) and g.initial_seed() == 2147483647
    a = tg.rand(5, generator=g).numpy()
    b = tg.rand(5, generator=tg.Generator().manual_seed(2147483647)).numpy()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, tg.rand(5, generator=g).numpy())  # the stream moves on


def test_new_generators_start_from_pytorchs_fixed_default_seed():
    assert tg.Generator().initial_seed() == 67280421310721
    np.testing.assert_array_equal(
        tg.randn(3, generator=tg.Generator()), tg.randn(3, generator=tg.Generator())
    )


def test_a_generator_is_independent_of_the_default_one():
    g = tg.Generator().manual_seed(1)
    tg.manual_seed(0)
    first = tg.rand(4).numpy()
    tg.manual_seed(0)
    tg.rand(100, generator=g)  # drawing from g leaves the default stream alone
    np.testing.assert_array_equal(tg.rand(4), first)


def test_manual_seed_returns_the_default_generator_and_initial_seed_reports_it():
    g = tg.manual_seed(123)
    assert g is tg.default_generator and tg.initial_seed() == 123 == g.initial_seed()
    seed = tg.seed()
    assert isinstance(seed, int) and tg.initial_seed() == seed
    assert tg.Generator().seed() != tg.Generator().seed()


def test_rng_state_round_trip_replays_the_same_numbers():
    tg.manual_seed(5)
    state = tg.get_rng_state()
    assert state.dtype == np.uint8
    first = tg.randn(6).numpy()
    tg.set_rng_state(state)
    np.testing.assert_array_equal(tg.randn(6), first)
    with pytest.raises(ValueError, match="set_state: expects a uint8 state"):
        tg.set_rng_state(tg.zeros(3, dtype=tg.uint8))


def test_manual_seed_rejects_non_integers_clearly():
    with pytest.raises(TypeError, match="manual_seed: the seed is an int, got str"):
        tg.manual_seed("7")


def test_numpy_generator_gives_the_default_or_the_given_generators_stream():
    g = tg.Generator().manual_seed(9)
    assert numpy_generator(g) is numpy_generator(g) and numpy_generator(None) is numpy_generator()
    expected = np.random.default_rng(9).random(3)
    np.testing.assert_array_equal(numpy_generator(tg.Generator().manual_seed(9)).random(3), expected)
    with pytest.raises(TypeError, match="generator= expects a tensorgrad.Generator or None, got int"):
        numpy_generator(3)


RANDOM_CALLS = {
    "rand": lambda g: tg.rand(2, 3, generator=g),
    "randn": lambda g: tg.randn((2, 3), generator=g),
    "randint": lambda g: tg.randint(0, 100, (6,), generator=g),
    "randperm": lambda g: tg.randperm(8, generator=g),
    "normal": lambda g: tg.normal(0.0, 1.0, size=(4,), generator=g),
    "bernoulli": lambda g: tg.bernoulli(tg.full((8,), 0.5), generator=g),
    "multinomial": lambda g: tg.multinomial(tg.ones(10), 4, generator=g),
    "rand_like": lambda g: tg.rand_like(tg.zeros(3), generator=g),
    "randn_like": lambda g: tg.randn_like(tg.zeros(3), generator=g),
    "randint_like": lambda g: tg.randint_like(tg.zeros(5), 1000, generator=g),
    "Tensor.multinomial": lambda g: tg.ones(10).multinomial(4, generator=g),
    "init.uniform_": lambda g: tg.nn.init.uniform_(tg.zeros(5), generator=g),
    "init.normal_": lambda g: tg.nn.init.normal_(tg.zeros(5), generator=g),
    "init.xavier_uniform_": lambda g: tg.nn.init.xavier_uniform_(tg.zeros(3, 4), generator=g),
    "init.xavier_normal_": lambda g: tg.nn.init.xavier_normal_(tg.zeros(3, 4), generator=g),
    "init.kaiming_uniform_": lambda g: tg.nn.init.kaiming_uniform_(tg.zeros(3, 4), generator=g),
    "init.kaiming_normal_": lambda g: tg.nn.init.kaiming_normal_(tg.zeros(3, 4), generator=g),
    "init.orthogonal_": lambda g: tg.nn.init.orthogonal_(tg.zeros(3, 4), generator=g),
    "DataLoader": lambda g: np.concatenate(
        list(tg.data.DataLoader(np.arange(10), 3, shuffle=True, generator=g))
    ),
    "random_split": lambda g: np.asarray(tg.data.random_split(range(10), [4, 6], generator=g)[0].indices),
}


@pytest.mark.parametrize("name", list(RANDOM_CALLS))
def test_every_random_function_draws_from_its_generator(name):
    draw = RANDOM_CALLS[name]
    tg.manual_seed(0)
    a = np.asarray(draw(tg.Generator().manual_seed(42)))
    tg.manual_seed(1)  # a different default stream changes nothing
    b = np.asarray(draw(tg.Generator().manual_seed(42)))
    np.testing.assert_array_equal(a, b)
    others = [np.asarray(draw(tg.Generator().manual_seed(s))) for s in (43, 44, 45)]
    assert any(not np.array_equal(a, o) for o in others)


def test_random_split_takes_a_generator_as_pytorchs_third_argument():
    a = tg.data.random_split(range(10), [0.5, 0.5], tg.Generator().manual_seed(3))
    b = tg.data.random_split(range(10), [0.5, 0.5], generator=tg.Generator().manual_seed(3))
    assert list(a[0].indices) == list(b[0].indices)
    with pytest.raises(ValueError, match="random_split: give seed= or generator=, not both"):
        tg.data.random_split(range(10), [5, 5], seed=1, generator=tg.Generator())


# ----------------------------------------------------------------------------- multinomial
def test_multinomial_with_replacement_follows_unnormalised_weights():
    weights = tg.tensor([1.0, 0.0, 3.0, 6.0])  # probabilities 0.1, 0, 0.3, 0.6
    samples = tg.multinomial(weights, 20000, replacement=True, generator=tg.Generator().manual_seed(0))
    assert samples.shape == (20000,) and samples.dtype == np.int64
    freq = np.bincount(samples.numpy(), minlength=4) / 20000
    # binomial standard error <= sqrt(0.25 / 20000) = 0.0035; 5 of them is a fixed-seed margin that holds
    np.testing.assert_allclose(freq, [0.1, 0.0, 0.3, 0.6], atol=0.018)
    assert freq[1] == 0.0


def test_multinomial_two_dimensional_draws_per_row():
    probs = tg.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    samples = tg.multinomial(probs, 5, replacement=True)
    np.testing.assert_array_equal(samples, [[1] * 5, [0] * 5])


def test_multinomial_without_replacement_draws_each_category_once_by_weight():
    g = tg.Generator().manual_seed(1)
    picks = tg.multinomial(tg.ones(2, 10), 10, generator=g)
    assert picks.shape == (2, 10) and all(sorted(row) == list(range(10)) for row in picks.tolist())
    # PyTorch's rule: zero-weight categories come only after the others are used up
    for _ in range(20):
        assert sorted(tg.multinomial(tg.tensor([1.0, 0.0, 1.0, 0.0]), 2, generator=g).tolist()) == [0, 2]
    # sequential draws: with weights 8:1:1 the first pick is category 0 about 80% of the time
    first = [tg.multinomial(tg.tensor([8.0, 1.0, 1.0]), 2, generator=g)[0].item() for _ in range(3000)]
    assert abs(np.mean(np.array(first) == 0) - 0.8) < 0.03  # standard error 0.0073


def test_multinomial_errors_name_the_problem():
    with pytest.raises(ValueError, match="multinomial: the weights must be finite and >= 0"):
        tg.multinomial(tg.tensor([1.0, -1.0]), 1)
    with pytest.raises(ValueError, match="every row of weights needs a positive sum"):
        tg.multinomial(tg.tensor([[1.0, 1.0], [0.0, 0.0]]), 1)
    with pytest.raises(ValueError, match="cannot draw 3 samples without replacement from 2 categories"):
        tg.multinomial(tg.tensor([1.0, 1.0]), 3)
    with pytest.raises(ValueError, match="expects a 1-D or 2-D tensor of weights, got shape"):
        tg.multinomial(tg.ones(2, 2, 2), 1)


# ----------------------------------------------------------------------------- bernoulli, normal
def test_bernoulli_draws_ones_with_the_given_probabilities():
    g = tg.Generator().manual_seed(0)
    np.testing.assert_array_equal(tg.bernoulli(tg.tensor([0.0, 1.0, 0.0, 1.0]), generator=g), [0, 1, 0, 1])
    draws = tg.bernoulli(tg.full((10000,), 0.3, dtype=tg.float64), generator=g)
    assert draws.dtype == np.float64 and abs(draws.numpy().mean() - 0.3) < 0.025  # s.e. 0.0046
    np.testing.assert_array_equal(tg.zeros(3).bernoulli(p=1.0), [1.0, 1.0, 1.0])
    with pytest.raises(TypeError, match="bernoulli: expects a floating-point tensor"):
        tg.bernoulli(tg.tensor([0, 1]))


def test_normal_overloads_follow_pytorch():
    g = tg.Generator().manual_seed(0)
    both = tg.normal(tg.zeros(3), tg.ones(3), generator=g)
    tensor_mean = tg.normal(tg.full((2, 2), 5.0), 1e-6, generator=g)
    tensor_std = tg.normal(0.0, tg.ones(4, dtype=tg.float64), generator=g)
    numbers = tg.normal(0, 0.01, size=(2, 1), requires_grad=True, generator=g)
    assert both.shape == (3,) and both.dtype == np.float32
    np.testing.assert_allclose(tensor_mean, np.full((2, 2), 5.0), atol=1e-4)
    assert tensor_std.dtype == np.float64 and tensor_std.shape == (4,)
    assert (
        numbers.shape == (2, 1) and numbers.dtype == np.float32 and numbers.requires_grad and numbers.is_leaf
    )
    sample = tg.normal(2.0, 3.0, size=(20000,), generator=g).numpy()
    assert abs(sample.mean() - 2.0) < 0.12 and abs(sample.std() - 3.0) < 0.12  # s.e. 0.021, 0.015
    with pytest.raises(
        TypeError, match="normal: with a number for both mean and std, give the shape as size="
    ):
        tg.normal(0.0, 1.0)
    with pytest.raises(
        ValueError, match=r"normal: mean of shape \(2,\) and std of shape \(3,\) do not broadcast"
    ):
        tg.normal(tg.zeros(2), tg.ones(3))


# ----------------------------------------------------------------------------- creation
CREATIONS = {
    "zeros": lambda **kw: tg.zeros(2, 3, **kw),
    "ones": lambda **kw: tg.ones((2, 3), **kw),
    "empty": lambda **kw: tg.empty(size=(2, 3), **kw),
    "full": lambda **kw: tg.full((2, 3), 1.5, **kw),
    "zeros_like": lambda **kw: tg.zeros_like(tg.ones(2, 3), **kw),
    "ones_like": lambda **kw: tg.ones_like(tg.ones(2, 3), **kw),
    "empty_like": lambda **kw: tg.empty_like(tg.ones(2, 3), **kw),
    "full_like": lambda **kw: tg.full_like(tg.ones(2, 3), 7.0, **kw),
    "rand": lambda **kw: tg.rand(2, 3, **kw),
    "randn": lambda **kw: tg.randn(size=(2, 3), **kw),
    "rand_like": lambda **kw: tg.rand_like(tg.ones(2, 3), **kw),
    "randn_like": lambda **kw: tg.randn_like(tg.ones(2, 3), **kw),
    "eye": lambda **kw: tg.eye(2, 3, **kw),
    "linspace": lambda **kw: tg.linspace(0, 1, 6, **kw),
    "logspace": lambda **kw: tg.logspace(0, 1, 6, **kw),
    "arange": lambda **kw: tg.arange(0.0, 6.0, **kw),
    "normal": lambda **kw: tg.normal(0.0, 1.0, (2, 3), **kw),
    "tensor": lambda **kw: tg.tensor([[1.0, 2.0, 3.0]] * 2, **kw),
    "new_tensor": lambda **kw: tg.ones(1).new_tensor([[1, 2, 3]] * 2, **kw),
    "new_zeros": lambda **kw: tg.ones(1).new_zeros(2, 3, **kw),
    "new_ones": lambda **kw: tg.ones(1).new_ones((2, 3), **kw),
    "new_empty": lambda **kw: tg.ones(1).new_empty((2, 3), **kw),
    "new_full": lambda **kw: tg.ones(1).new_full((2, 3), 4.0, **kw),
}


RANGES = ("linspace", "logspace", "arange")


@pytest.mark.parametrize("name", list(CREATIONS))
def test_every_creation_function_takes_dtype_device_and_requires_grad(name):
    make = CREATIONS[name]
    plain = make()
    assert plain.shape == ((6,) if name in RANGES else (2, 3))
    assert plain.dtype == np.float32 and not plain.requires_grad
    assert plain.device == tg.device("cpu")
    wide = make(dtype=tg.float64, device=tg.device("cpu"), requires_grad=True)
    assert wide.dtype == np.float64 and wide.requires_grad and wide.is_leaf
    with pytest.raises(ValueError, match="device='cuda': tensorgrad runs on the CPU only"):
        make(device=tg.device("cuda"))


def test_integer_creation_functions_keep_int64_and_reject_float_draws_to_ints():
    assert tg.randint(10, (3,)).dtype == np.int64 and tg.randint(2, 5, size=(4,)).shape == (4,)
    assert tg.randint(0, 3, (2,), dtype=tg.int32).dtype == np.int32
    assert tg.randperm(4).dtype == np.int64 and tg.arange(5).dtype == np.int64
    assert tg.randint_like(tg.zeros(3), 2, 10).dtype == np.float32  # the input's dtype, as PyTorch
    assert tg.full((2,), 3).dtype == np.int64 and tg.full((2,), True).dtype == np.bool_
    np.testing.assert_array_equal(tg.full_like(tg.tensor([1, 2]), 2.5), [2, 2])
    np.testing.assert_array_equal(tg.tensor([1, 2]).new_full((2,), 3.5), [3, 3])
    assert tg.tensor([1, 2]).new_tensor([1.5]).dtype == np.int64
    with pytest.raises(TypeError, match="rand: draws floating-point numbers; dtype=int64"):
        tg.rand(2, dtype=tg.int64)
    with pytest.raises(TypeError, match="randn_like: draws floating-point numbers; dtype=int64"):
        tg.randn_like(tg.tensor([1, 2]))
    np.testing.assert_array_equal(tg.randn_like(tg.tensor([1, 2]), dtype=tg.float).shape, (2,))


def test_shapes_as_varargs_tuple_or_size_keyword_agree():
    for make in (tg.zeros, tg.ones, tg.empty, tg.rand, tg.randn):
        assert make(2, 3).shape == make((2, 3)).shape == make([2, 3]).shape == make(size=(2, 3)).shape
    assert tg.zeros(()).shape == () and tg.zeros(0).shape == (0,)
    assert tg.zeros(tg.ones(4, 2).shape).shape == (4, 2)
    with pytest.raises(ValueError, match="zeros: a shape is non-negative integers"):
        tg.zeros(2, -1)
    with pytest.raises(TypeError, match="zeros: give the shape either as arguments or as size=, not both"):
        tg.zeros(2, size=(3,))


def test_arange_with_float_steps_matches_pytorch():
    # PyTorch: tensor([0.0000, 0.1000, ..., 0.9000]); count ceil((end - start) / step) in double
    np.testing.assert_array_equal(tg.arange(0, 1, 0.1), (np.arange(10) * 0.1).astype(np.float32))
    assert tg.arange(0, 1, 0.1).dtype == np.float32
    assert tg.arange(1, 1.3, 0.1).shape == (4,)  # as PyTorch (rounding of 0.3 / 0.1)
    np.testing.assert_array_equal(tg.arange(1, 2.5, 0.5), [1.0, 1.5, 2.0])
    np.testing.assert_array_equal(tg.arange(5, 0, -2), [5, 3, 1])
    assert tg.arange(5, dtype=tg.float32).dtype == np.float32
    with pytest.raises(ValueError, match="arange: the step 1 does not go from 5 towards 0"):
        tg.arange(5, 0)


def test_linspace_logspace_and_eye_values():
    np.testing.assert_allclose(tg.linspace(-1, 1, 5), [-1, -0.5, 0, 0.5, 1])
    np.testing.assert_allclose(tg.logspace(0, 2, 3), [1, 10, 100])
    np.testing.assert_allclose(tg.logspace(0, 2, 3, base=2), [1, 2, 4])
    np.testing.assert_array_equal(tg.eye(2, 3), [[1, 0, 0], [0, 1, 0]])
    np.testing.assert_array_equal(tg.eye(2), [[1, 0], [0, 1]])


def test_like_functions_keep_the_inputs_dtype_unless_given():
    ints = tg.tensor([[1, 2]])
    for make in (tg.zeros_like, tg.ones_like, tg.empty_like):
        assert make(ints).dtype == np.int64 and make(ints, dtype=tg.float32).dtype == np.float32
    rand = tg.rand_like(tg.ones(3, dtype=tg.float64), requires_grad=True)
    assert rand.dtype == np.float64 and rand.requires_grad
    assert tg.ones(2).new_zeros(3, dtype=tg.int64).dtype == np.int64
    assert tg.ones(2, dtype=tg.float64).new_ones(5, 3).dtype == np.float64


def test_finfo_and_iinfo_report_numpys_limits():
    f = tg.finfo(tg.float32)
    assert f.eps == np.float32(2**-23) and f.bits == 32 and f.max == np.finfo(np.float32).max
    assert f.tiny == np.finfo(np.float32).tiny and f.min == -f.max
    assert tg.finfo().bits == 32 and tg.iinfo(tg.int32).max == 2**31 - 1 and tg.iinfo(tg.int64).bits == 64


# ----------------------------------------------------------------------------- default dtype
def test_set_default_dtype_changes_floats_and_creation_and_round_trips(default_dtype_restored):
    assert tg.get_default_dtype() == tg.float32
    tg.set_default_dtype(tg.float64)
    assert tg.get_default_dtype() == tg.float64
    assert tg.tensor([1.0]).dtype == np.float64 and tg.tensor(1.0).dtype == np.float64
    assert tg.zeros(2).dtype == tg.rand(2).dtype == tg.arange(0, 1, 0.5).dtype == np.float64
    assert (tg.tensor([1, 2]) * 0.5).dtype == np.float64  # a Python float meeting ints: the default
    assert tg.finfo().bits == 64
    tg.set_default_dtype(tg.float32)
    assert tg.tensor([1.0]).dtype == np.float32 and (tg.tensor([1, 2]) * 0.5).dtype == np.float32
    with pytest.raises(TypeError, match="set_default_dtype: only float32 and float64 can be the default"):
        tg.set_default_dtype(tg.int64)


def test_float_tensors_keep_their_dtype_when_the_default_changes(default_dtype_restored):
    x = tg.ones(2)
    tg.set_default_dtype(tg.float64)
    assert (x * 0.5).dtype == np.float32 and "dtype=float32" in repr(x)
    assert math.isclose((x * 0.5).sum().item(), 1.0)
