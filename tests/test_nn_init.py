"""nn.init: each initialiser fills in place from the seeded generator with the documented distribution."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tensorgrad as tg
from tensorgrad.nn import init


def weight(*shape: int) -> tg.Tensor:
    return tg.zeros(*shape, requires_grad=True)


def test_fans_of_dense_and_conv_weights():
    assert init.fan_in_and_fan_out(weight(30, 20)) == (20, 30)
    assert init.fan_in_and_fan_out(weight(16, 3, 5, 5)) == (75, 400)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        init.fan_in_and_fan_out(weight(5))


def test_gains_follow_pytorch_table():
    assert init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    assert init.calculate_gain("leaky_relu", math.sqrt(5)) == pytest.approx(math.sqrt(1 / 3))
    with pytest.raises(ValueError, match="unknown nonlinearity 'swish'"):
        init.calculate_gain("swish")


# (initialiser, kwargs, expected std, uniform bound or None) for a (200, 300) weight: fan_in 300, fan_out 200
CASES = [
    (init.xavier_uniform_, {}, math.sqrt(2 / 500), math.sqrt(6 / 500)),
    (init.xavier_normal_, {"gain": 2.0}, 2 * math.sqrt(2 / 500), None),
    (init.kaiming_uniform_, {"nonlinearity": "relu"}, math.sqrt(2 / 300), math.sqrt(6 / 300)),
    (init.kaiming_normal_, {"mode": "fan_out", "nonlinearity": "relu"}, math.sqrt(2 / 200), None),
    (init.uniform_, {"a": -0.5, "b": 0.5}, math.sqrt(1 / 12), 0.5),
    (init.normal_, {"mean": 0.0, "std": 0.3}, 0.3, None),
]


@pytest.mark.parametrize(("fill", "kwargs", "std", "bound"), CASES, ids=[c[0].__name__ for c in CASES])
def test_initialisers_have_the_documented_distribution(fill, kwargs, std, bound):
    w = weight(200, 300)
    tg.manual_seed(0)
    assert fill(w, **kwargs) is w
    assert w.dtype == np.float32
    # 60,000 draws: the sample std is within 1.5% of the true one with overwhelming probability
    assert w.numpy().std() == pytest.approx(std, rel=0.015)
    assert abs(w.numpy().mean()) < 4 * std / math.sqrt(w.numpy().size)
    if bound is not None:
        assert np.abs(w.numpy()).max() <= bound
        assert np.abs(w.numpy()).max() > 0.99 * bound


def test_initialisers_are_reproducible_from_the_seed():
    a, b = weight(4, 4), weight(4, 4)
    tg.manual_seed(7)
    init.xavier_uniform_(a)
    tg.manual_seed(7)
    init.xavier_uniform_(b)
    np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_constant_initialisers():
    w = weight(3, 2)
    np.testing.assert_array_equal(init.ones_(w).numpy(), 1)
    np.testing.assert_array_equal(init.zeros_(w).numpy(), 0)
    np.testing.assert_array_equal(init.constant_(w, 0.25).numpy(), 0.25)


def test_orthogonal_rows_or_columns_are_orthonormal():
    for shape in [(4, 6), (6, 4), (3, 2, 2, 2)]:
        w = init.orthogonal_(weight(*shape), gain=2.0)
        flat = w.numpy().reshape(shape[0], -1).astype(np.float64)
        small = flat @ flat.T if flat.shape[0] <= flat.shape[1] else flat.T @ flat
        np.testing.assert_allclose(small, 4 * np.eye(small.shape[0]), atol=1e-5)


def test_kaiming_mode_must_be_known():
    with pytest.raises(ValueError, match="mode must be 'fan_in' or 'fan_out'"):
        init.kaiming_normal_(weight(2, 2), mode="fan_avg")
