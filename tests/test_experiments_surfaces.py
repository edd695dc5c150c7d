"""tensorgrad.experiments.surfaces / paths: the test functions, optimizer paths on them, and their picture."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

import tensorgrad as tg
from tensorgrad.experiments.optimizers import DEFAULT_LR
from tensorgrad.experiments.paths import BOUND, OptimizerPath, compare_paths, optimize_path, plot_paths
from tensorgrad.experiments.surfaces import (
    KAPPA,
    SURFACES,
    Surface,
    beale,
    himmelblau,
    ill_conditioned,
    rosenbrock,
    saddle,
)

# ----------------------------------------------------------------------------------------------------
# the analytic gradients, derived by hand from each formula


def _rosenbrock_grad(x, y):
    return np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])


def _beale_grad(x, y):
    a, b, c = 1.5 - x + x * y, 2.25 - x + x * y**2, 2.625 - x + x * y**3
    dx = 2 * a * (y - 1) + 2 * b * (y**2 - 1) + 2 * c * (y**3 - 1)
    dy = 2 * a * x + 2 * b * (2 * x * y) + 2 * c * (3 * x * y**2)
    return np.array([dx, dy])


def _himmelblau_grad(x, y):
    u, v = x**2 + y - 11, x + y**2 - 7
    return np.array([4 * x * u + 2 * v, 2 * u + 4 * y * v])


def _saddle_grad(x, y):
    return np.array([2 * x, -2 * y])


def _ill_conditioned_grad(x, y):
    return np.array([0.5 * ((x + y) + KAPPA * (x - y)), 0.5 * ((x + y) - KAPPA * (x - y))])


GRADIENTS = {
    "rosenbrock": _rosenbrock_grad,
    "beale": _beale_grad,
    "himmelblau": _himmelblau_grad,
    "saddle": _saddle_grad,
    "ill_conditioned": _ill_conditioned_grad,
}


def _random_points(surface: Surface, rng: np.random.Generator, n: int = 12) -> np.ndarray:
    (xmin, xmax), (ymin, ymax) = surface.domain
    return np.column_stack([rng.uniform(xmin, xmax, n), rng.uniform(ymin, ymax, n)])


def _point(x: float, y: float) -> tg.Tensor:
    return tg.tensor(np.array([x, y]), dtype=tg.float64, requires_grad=True)


# ----------------------------------------------------------------------------------------------------
# surfaces


def test_surfaces_dict_holds_the_five_surfaces_by_name():
    assert list(SURFACES) == ["rosenbrock", "beale", "himmelblau", "saddle", "ill_conditioned"]
    assert SURFACES["rosenbrock"] is rosenbrock and SURFACES["saddle"] is saddle
    for name, surface in SURFACES.items():
        assert surface.name == name
        assert "x" in surface.formula and "y" in surface.formula and callable(surface.f)


@pytest.mark.parametrize(
    ("surface", "point", "expected"),
    [
        (rosenbrock, (1.0, 1.0), 0.0),
        (rosenbrock, (0.0, 0.0), 1.0),
        (rosenbrock, (-1.5, 2.0), 12.5),  # 2.5² + 100 (2 - 2.25)²
        (beale, (3.0, 0.5), 0.0),
        (beale, (0.0, 0.0), 14.203125),  # 1.5² + 2.25² + 2.625²
        (beale, (1.0, 1.5), 41.25),  # 2² + 3.5² + 5²
        (himmelblau, (3.0, 2.0), 0.0),
        (himmelblau, (0.0, 0.0), 170.0),  # 11² + 7²
        (saddle, (1.0, 2.0), -3.0),
        (saddle, (0.0, 0.0), 0.0),
        (ill_conditioned, (1.0, 1.0), 1.0),  # along the ravine: ¼ (2² + 0)
        (ill_conditioned, (1.0, -1.0), 50.0),  # across it: ¼ (0 + 50 · 2²)
        (ill_conditioned, (-2.5, -1.5), 16.5),  # ¼ (16 + 50)
    ],
)
def test_surface_formula_at_known_points(surface, point, expected):
    assert surface(point) == pytest.approx(expected, abs=1e-12)
    assert surface(*point) == pytest.approx(expected, abs=1e-12)
    assert float(surface(tg.tensor(np.array(point), dtype=tg.float64))) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("surface", [rosenbrock, beale, himmelblau, ill_conditioned], ids=lambda s: s.name)
def test_every_listed_minimum_has_value_zero_and_zero_gradient(surface):
    assert surface.minima, "these surfaces have global minima"
    for x, y in surface.minima:
        assert surface((x, y)) == pytest.approx(0.0, abs=1e-20)
        assert np.abs(GRADIENTS[surface.name](x, y)).max() < 1e-9


def test_himmelblau_has_four_minima_and_the_saddle_none():
    assert len(himmelblau.minima) == 4
    assert len(set(himmelblau.minima)) == 4
    assert saddle.minima == ()
    assert rosenbrock.minima == ((1.0, 1.0),) and beale.minima == ((3.0, 0.5),)


def test_rosenbrock_starts_at_the_classic_point_with_log_levels():
    assert rosenbrock.start == (-1.5, 2.0)
    assert rosenbrock.log_levels is True
    assert saddle.log_levels is False  # f < 0 there: no log scale


@pytest.mark.parametrize("surface", list(SURFACES.values()), ids=list(SURFACES))
def test_start_and_minima_lie_inside_the_domain(surface):
    (xmin, xmax), (ymin, ymax) = surface.domain
    for x, y in (surface.start, *surface.minima):
        assert xmin <= x <= xmax and ymin <= y <= ymax


@pytest.mark.parametrize("surface", list(SURFACES.values()), ids=list(SURFACES))
def test_numpy_and_tensor_evaluations_agree(surface, rng):
    points = _random_points(surface, rng)
    batch = surface(points.T)  # shape (2, n): all points at once, in numpy
    for (x, y), expected in zip(points, batch):
        value = surface(tg.tensor(np.array([x, y]), dtype=tg.float64))
        assert isinstance(value, tg.Tensor) and value.shape == ()
        assert value.item() == pytest.approx(expected, rel=1e-13, abs=1e-13)
        assert surface(x, y) == pytest.approx(expected, rel=1e-13, abs=1e-13)


@pytest.mark.parametrize("surface", list(SURFACES.values()), ids=list(SURFACES))
def test_autograd_gradient_matches_the_analytic_gradient(surface, rng):
    for x, y in _random_points(surface, rng):
        p = _point(x, y)
        surface(p).backward()
        expected = GRADIENTS[surface.name](x, y)
        np.testing.assert_allclose(p.grad.numpy(), expected, rtol=1e-12, atol=1e-10)


@pytest.mark.parametrize("surface", list(SURFACES.values()), ids=list(SURFACES))
def test_gradcheck_passes_on_every_surface(surface, rng):
    for x, y in _random_points(surface, rng, n=3):
        assert tg.gradcheck(surface, (_point(x, y),))


def test_ill_conditioned_hessian_has_eigenvalues_1_and_kappa_along_the_diagonals():
    p = _point(0.3, -0.7)
    (g,) = tg.grad(ill_conditioned(p), p, create_graph=True)
    hessian = np.array([tg.grad(g[i], p, retain_graph=True)[0].numpy() for i in range(2)])
    values, vectors = np.linalg.eigh(hessian)
    np.testing.assert_allclose(values, [1.0, KAPPA], rtol=1e-12)
    # the flat direction is the diagonal x = y (rotated 45°, not an axis)
    assert abs(abs(vectors[:, 0] @ np.array([1, 1]) / math.sqrt(2)) - 1) < 1e-12


def test_grid_lays_x_along_columns_and_evaluates_f_everywhere():
    X, Y, Z = rosenbrock.grid(7)
    assert X.shape == Y.shape == Z.shape == (7, 7)
    np.testing.assert_array_equal(X[0], np.linspace(-2, 2, 7))
    np.testing.assert_array_equal(Y[:, 0], np.linspace(-1, 3, 7))
    assert Z[3, 5] == rosenbrock(X[3, 5], Y[3, 5])
    assert Z.dtype == np.float64


@pytest.mark.parametrize("n", [1, 0, 2.5, True, "10"])
def test_grid_rejects_a_bad_size(n):
    with pytest.raises(ValueError, match="grid: n must be an integer >= 2"):
        rosenbrock.grid(n)


def test_calling_a_surface_with_a_wrong_shape_says_what_it_expected():
    with pytest.raises(ValueError, match=r"rosenbrock: expected a point of shape \(2,\).*\(3,\)"):
        rosenbrock(np.zeros(3))
    with pytest.raises(ValueError, match="shape"):
        rosenbrock(tg.zeros(3, dtype=tg.float64))
    with pytest.raises(ValueError, match="shape"):
        rosenbrock(1.0)
    with pytest.raises(TypeError, match="expected a point"):
        rosenbrock("ab")


def test_surface_is_frozen_and_keeps_its_suggested_learning_rates_read_only():
    with pytest.raises(dataclasses.FrozenInstanceError):
        rosenbrock.start = (0.0, 0.0)  # type: ignore[misc]
    with pytest.raises(TypeError):
        rosenbrock.suggested_lr["adam"] = 1.0  # type: ignore[index]
    assert set(rosenbrock.suggested_lr) == {"sgd", "momentum", "rmsprop", "adam"}


def test_surface_rejects_an_empty_domain():
    with pytest.raises(ValueError, match="min < max"):
        Surface("flat", "0", lambda x, y: 0 * x, ((1.0, 1.0), (0.0, 1.0)), (), (0.0, 0.0))


# ----------------------------------------------------------------------------------------------------
# optimize_path


def test_sgd_path_equals_a_hand_written_gradient_descent_loop():
    lr, steps = 1e-3, 60
    path = optimize_path(rosenbrock, (-1.5, 2.0), "sgd", steps=steps, lr=lr)
    p = np.array([-1.5, 2.0])
    points, values, norms = [p.copy()], [rosenbrock(p)], [np.linalg.norm(_rosenbrock_grad(*p))]
    for _ in range(steps):
        p = p - lr * _rosenbrock_grad(*p)
        points.append(p.copy())
        values.append(rosenbrock(p))
        norms.append(np.linalg.norm(_rosenbrock_grad(*p)))
    assert path.points.shape == (steps + 1, 2) and path.steps == steps
    np.testing.assert_allclose(path.points, np.array(points), rtol=0, atol=1e-12)
    np.testing.assert_allclose(path.values, np.array(values), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(path.grad_norms, np.array(norms), rtol=1e-12, atol=1e-12)
    assert path.diverged is False and path.name == "sgd" and path.lr == lr
    assert path.points.dtype == np.float64


def test_adam_reaches_the_minimum_of_rosenbrock():
    path = optimize_path(rosenbrock, None, "adam", steps=1000, lr=0.1)
    assert not path.diverged
    assert np.linalg.norm(path.final_point - np.array([1.0, 1.0])) < 0.01
    assert path.final_value < 1e-4
    assert path.values[0] == 12.5  # started at the surface's start (-1.5, 2)


def test_momentum_escapes_the_saddle_faster_than_sgd():
    k, lr = 20, 0.05
    sgd = optimize_path(saddle, None, "sgd", steps=k, lr=lr)
    momentum = optimize_path(saddle, None, "momentum", steps=k, lr=lr)
    # plain SGD: y_{t+1} = y_t + lr * 2 y_t, so y_k = 0.001 * 1.1^k exactly
    assert sgd.points[-1, 1] == pytest.approx(1e-3 * (1 + 2 * lr) ** k, rel=1e-12)
    assert momentum.points[-1, 1] > 10 * sgd.points[-1, 1]

    def escape(path: OptimizerPath) -> int:  # the first step at which |y| > 1
        return int(np.argmax(np.abs(path.points[:, 1]) > 1))

    long_sgd = optimize_path(saddle, None, "sgd", steps=100, lr=lr)
    long_momentum = optimize_path(saddle, None, "momentum", steps=100, lr=lr)
    assert escape(long_sgd) == math.ceil(math.log(1000) / math.log(1.1))  # 73 steps
    assert 0 < escape(long_momentum) < 40


def test_a_huge_learning_rate_diverges_and_stops_with_finite_points():
    path = optimize_path(rosenbrock, None, "sgd", steps=200, lr=0.1)
    assert path.diverged is True
    assert 0 < path.steps < 200
    assert len(path.points) == len(path.values) == len(path.grad_norms) == path.steps + 1
    assert np.isfinite(path.points).all() and np.isfinite(path.values).all()
    assert np.abs(path.points).max() <= BOUND
    # the step after the last recorded point leaves the box or overflows
    last = path.points[-1]
    following = last - 0.1 * _rosenbrock_grad(*last)
    assert not (np.isfinite(following).all() and np.abs(following).max() <= BOUND)


def test_a_value_that_becomes_nan_inside_the_box_marks_the_path_diverged():
    # f = log(x - 3) from x = 4: one SGD step with lr 2 lands at x = 2, where log is nan
    path = optimize_path(lambda p: (p[0] - 3).log() + 0 * p[1], (4.0, 0.0), "sgd", steps=5, lr=2.0)
    assert path.diverged is True and path.steps == 0
    np.testing.assert_array_equal(path.points, [[4.0, 0.0]])


def test_a_start_where_f_is_not_finite_is_an_error():
    with pytest.raises(ValueError, match="not finite at the start point"):
        optimize_path(lambda p: (p[0] - 3).log() + 0 * p[1], (2.0, 0.0), "sgd", steps=5)


def test_a_path_without_divergence_has_steps_plus_one_points():
    path = optimize_path(ill_conditioned, None, "sgd", steps=30)
    assert path.diverged is False and path.points.shape == (31, 2) and path.values.shape == (31,)
    assert path.grad_norms.shape == (31,)
    zero = optimize_path(ill_conditioned, None, "sgd", steps=0)
    np.testing.assert_array_equal(zero.points, [ill_conditioned.start])


def test_factory_and_name_give_the_same_path():
    by_name = optimize_path(beale, None, "adam", steps=40, lr=0.1)
    by_factory = optimize_path(beale, None, lambda params: tg.optim.Adam(params, lr=0.1), steps=40)
    np.testing.assert_array_equal(by_factory.points, by_name.points)
    assert by_factory.name == "Adam" and by_factory.lr == 0.1
    assert optimize_path(beale, None, tg.optim.RMSProp, steps=1, name="rms").name == "rms"


def test_options_reach_the_named_optimizer():
    default = optimize_path(saddle, None, "momentum", steps=10, lr=0.05)
    lighter = optimize_path(saddle, None, "momentum", steps=10, lr=0.05, momentum=0.5)
    manual = optimize_path(saddle, None, lambda p: tg.optim.SGD(p, lr=0.05, momentum=0.5), steps=10)
    np.testing.assert_array_equal(lighter.points, manual.points)
    assert not np.array_equal(default.points, lighter.points)


def test_lr_none_takes_the_surfaces_suggestion_then_the_default():
    assert optimize_path(himmelblau, None, "adam", steps=1).lr == himmelblau.suggested_lr["adam"]
    plain = optimize_path(lambda p: (p**2).sum(), (1.0, 1.0), "rmsprop", steps=1)
    assert plain.lr == DEFAULT_LR["rmsprop"]


def test_any_callable_of_a_point_can_be_optimized():
    path = optimize_path(lambda p: ((p - 3) ** 2).sum(), (0.0, 1.0), "sgd", steps=50, lr=0.1)
    np.testing.assert_allclose(path.final_point, [3.0, 3.0], atol=1e-4)


def test_bad_function_outputs_are_clear_errors():
    with pytest.raises(ValueError, match=r"must return a scalar.*shape \(2,\)"):
        optimize_path(lambda p: p * 2, (0.0, 0.0), "sgd", steps=3)
    with pytest.raises(TypeError, match="must return a scalar Tensor.*got float"):
        optimize_path(lambda p: float(p.numpy().sum()), (0.0, 0.0), "sgd", steps=3)
    with pytest.raises(ValueError, match="does not depend on its argument"):
        optimize_path(lambda p: tg.tensor(1.0), (0.0, 0.0), "sgd", steps=3)


def test_bad_arguments_are_clear_errors():
    with pytest.raises(ValueError, match="unknown optimizer 'lbfgs'"):
        optimize_path(rosenbrock, None, "lbfgs")
    with pytest.raises(TypeError, match="lr and options apply to an optimizer given by name"):
        optimize_path(rosenbrock, None, tg.optim.Adam, lr=0.1)
    with pytest.raises(TypeError, match="must return an optimizer"):
        optimize_path(rosenbrock, None, lambda p: None)
    other = tg.tensor([0.0], requires_grad=True)
    with pytest.raises(ValueError, match="ignored the parameters"):
        optimize_path(rosenbrock, None, lambda p: tg.optim.SGD([other], lr=0.1))
    with pytest.raises(ValueError, match="start must be two finite numbers"):
        optimize_path(rosenbrock, (1.0, 2.0, 3.0), "sgd")
    with pytest.raises(ValueError, match="start must be two finite numbers"):
        optimize_path(rosenbrock, (math.nan, 2.0), "sgd")
    with pytest.raises(
        ValueError, match=r"start must lie within \|x\|, \|y\| <= 1e\+06, got \(1000000000\.0, 0\.0\)"
    ):
        optimize_path(rosenbrock, (1e9, 0.0), "sgd")
    with pytest.raises(ValueError, match="only a Surface has a default start"):
        optimize_path(lambda p: (p**2).sum(), None, "sgd")
    with pytest.raises(ValueError, match="steps must be an integer >= 0"):
        optimize_path(rosenbrock, None, "sgd", steps=-1)
    with pytest.raises(ValueError, match="learning rate must be positive"):
        optimize_path(rosenbrock, None, "sgd", lr=-0.1)


# ----------------------------------------------------------------------------------------------------
# compare_paths


def test_compare_paths_with_names_runs_each_from_the_surface_start():
    paths = compare_paths(himmelblau, ["sgd", "momentum", "rmsprop", "adam"], steps=25)
    assert list(paths) == ["sgd", "momentum", "rmsprop", "adam"]
    for name, path in paths.items():
        assert isinstance(path, OptimizerPath) and path.name == name and path.steps == 25
        assert tuple(path.points[0]) == himmelblau.start
        assert path.lr == himmelblau.suggested_lr[name]


def test_compare_paths_with_a_dict_of_rates_options_and_factories():
    paths = compare_paths(
        saddle,
        {
            "sgd": 0.01,
            "momentum": {"lr": 0.01, "momentum": 0.5},
            "adam": None,
            "adam fast": lambda p: tg.optim.Adam(p, lr=0.3),
        },
        start=(0.5, 0.01),
        steps=5,
    )
    assert list(paths) == ["sgd", "momentum", "adam", "adam fast"]
    assert [p.lr for p in paths.values()] == [0.01, 0.01, saddle.suggested_lr["adam"], 0.3]
    assert all(tuple(p.points[0]) == (0.5, 0.01) for p in paths.values())
    assert paths["adam fast"].name == "adam fast"
    expected = optimize_path(saddle, (0.5, 0.01), "momentum", steps=5, lr=0.01, momentum=0.5)
    np.testing.assert_array_equal(paths["momentum"].points, expected.points)


def test_compare_paths_rejects_an_unknown_name_and_a_bad_value():
    with pytest.raises(ValueError, match="'fast' is not an optimizer name"):
        compare_paths(rosenbrock, {"fast": 0.1})
    with pytest.raises(TypeError, match="must be a learning rate, None, a dict"):
        compare_paths(rosenbrock, {"sgd": "0.1"})
    with pytest.raises(ValueError, match="no optimizers"):
        compare_paths(rosenbrock, [])


# ----------------------------------------------------------------------------------------------------
# plot_paths


def _legend_texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


def test_plot_paths_draws_one_line_per_path_with_a_legend_labels_and_title(tmp_path):
    paths = compare_paths(rosenbrock, ["sgd", "momentum", "rmsprop", "adam"], steps=40)
    fig = plot_paths(rosenbrock, paths)
    ax = fig.axes[0]
    assert isinstance(fig, Figure)
    assert len(ax.lines) == 4
    for line, path in zip(ax.lines, paths.values()):
        np.testing.assert_array_equal(line.get_xydata(), path.points)
    texts = _legend_texts(fig)
    for name, path in paths.items():
        entry = next(t for t in texts if t.startswith(name + " "))
        assert f"f = {path.final_value:.3g}" in entry and f"lr={path.lr:g}" in entry
    assert {"start", "end", "global minimum"} <= set(texts)
    assert ax.get_xlabel() == "x" and ax.get_ylabel() == "y"
    assert "Rosenbrock" in ax.get_title() and rosenbrock.formula in ax.get_title()
    assert ax.get_xlim() == (-2.0, 2.0) and ax.get_ylim() == (-1.0, 3.0)
    fig.savefig(tmp_path / "paths.png")
    assert (tmp_path / "paths.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_paths_keeps_every_path_and_end_marker_visible_where_they_run_together():
    paths = compare_paths(rosenbrock, ["sgd", "momentum", "rmsprop", "adam"], steps=1000)  # as the command
    ax = plot_paths(rosenbrock, paths).axes[0]

    def marker_at(point):
        return next(c for c in ax.collections if np.array_equal(c.get_offsets(), [point]))

    star = marker_at(rosenbrock.minima[0])
    ends = [marker_at(path.final_point) for path in paths.values()]  # adam's is 2e-3 from the star
    assert len(set(map(id, ends))) == 4 and len(ax.lines) == 4
    for line, end in zip(ax.lines, ends):
        assert line.get_zorder() > star.get_zorder() and end.get_zorder() > star.get_zorder()
    # told apart where they overlap: each its own dash pattern, earlier ones wider (underneath), later ones
    # on top; the end squares shrink, so that ends at one place nest instead of hiding each other
    assert len({line.get_linestyle() for line in ax.lines}) == 4
    widths = [line.get_linewidth() for line in ax.lines]
    assert widths == sorted(widths, reverse=True) and len(set(widths)) == 4
    assert [line.get_zorder() for line in ax.lines] == sorted(line.get_zorder() for line in ax.lines)
    sizes = [end.get_sizes()[0] for end in ends]
    assert sizes == sorted(sizes, reverse=True) and len(set(sizes)) == 4
    # momentum and adam end within 0.02 of the minimum (1, 1): an inset zooms in so that both show apart
    (inset,) = ax.child_axes
    (x0, x1), (y0, y1) = inset.get_xlim(), inset.get_ylim()
    for name in ("momentum", "adam"):
        x, y = paths[name].final_point
        assert x0 < x < x1 and y0 < y < y1
    assert x0 < 1 < x1 and y0 < 1 < y1 and x1 - x0 < 0.1 and len(inset.lines) == 4


def test_plot_paths_names_the_axes_after_the_surfaces_variables():
    bowl = Surface("bowl", "(b - 4)^2 + (w - 3)^2", lambda b, w: (b - 4) ** 2 + (w - 3) ** 2,
                   ((0.0, 6.0), (0.0, 6.0)), ((4.0, 3.0),), (0.0, 0.0), variables=("b", "w"))  # fmt: skip
    fig = plot_paths(bowl, compare_paths(bowl, {"sgd": 0.1}, steps=20))
    ax = fig.axes[0]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("b", "w")
    assert fig.axes[-1].get_ylabel() == "f(b, w)"  # the colour bar


def test_plot_paths_uses_log_levels_only_when_the_surface_asks():
    path = optimize_path(rosenbrock, None, "adam", steps=5)
    log_fig = plot_paths(rosenbrock, [path])
    filled = log_fig.axes[0].collections[0]
    assert isinstance(filled.norm, LogNorm)
    levels = np.asarray(filled.levels)
    ratios = levels[1:] / levels[:-1]
    np.testing.assert_allclose(ratios, ratios[0])  # geometric spacing
    assert len(levels) == 30

    linear_fig = plot_paths(saddle, optimize_path(saddle, None, "sgd", steps=5), levels=12)
    filled = linear_fig.axes[0].collections[0]
    assert not isinstance(filled.norm, LogNorm)
    np.testing.assert_allclose(np.diff(filled.levels), np.diff(filled.levels)[0])
    assert len(filled.levels) == 12


def test_plot_paths_marks_minima_and_keeps_paths_that_leave_the_domain_unclipped():
    path = optimize_path(saddle, None, "adam", steps=100)
    assert np.abs(path.points[:, 1]).max() > 1.5  # it leaves the plotted window
    fig = plot_paths(saddle, path)
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.lines[0].get_xydata(), path.points)
    assert ax.get_ylim() == (-1.5, 1.5)
    assert "global minimum" not in _legend_texts(fig)  # the saddle has none
    himmelblau_fig = plot_paths(himmelblau, optimize_path(himmelblau, None, "sgd", steps=3))
    stars = [c for c in himmelblau_fig.axes[0].collections if len(c.get_offsets()) == 4]
    np.testing.assert_allclose(stars[0].get_offsets(), np.array(himmelblau.minima))


def test_plot_paths_says_which_path_diverged():
    paths = {
        "sgd": optimize_path(rosenbrock, None, "sgd", lr=0.1),
        "adam": optimize_path(rosenbrock, None, "adam"),
    }
    texts = _legend_texts(plot_paths(rosenbrock, paths))
    assert any(t.startswith("sgd") and "diverged after" in t for t in texts)
    assert "end (diverged)" in texts
    assert not any(t.startswith("adam") and "diverged" in t for t in texts)


def test_plot_paths_draws_into_given_axes_with_a_custom_title():
    fig = Figure()
    ax = fig.add_subplot()
    out = plot_paths(beale, optimize_path(beale, None, "sgd", steps=3), ax=ax, title="mine")
    assert out is fig and ax.get_title() == "mine" and len(ax.lines) == 1


def test_plot_paths_rejects_bad_input():
    path = optimize_path(rosenbrock, None, "sgd", steps=1)
    with pytest.raises(TypeError, match="surface must be a Surface"):
        plot_paths(lambda p: p, [path])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expected OptimizerPath"):
        plot_paths(rosenbrock, [path.points])
    with pytest.raises(ValueError, match="no paths"):
        plot_paths(rosenbrock, [])
    with pytest.raises(ValueError, match="levels must be"):
        plot_paths(rosenbrock, path, levels=1)
