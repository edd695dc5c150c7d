"""Two-dimensional test functions for watching optimizers move: the classic loss surfaces.

Each ``Surface`` holds one formula ``f(x, y)`` written with arithmetic operators only (``+ - * / **``), so the
same Python function evaluates numpy arrays (a grid, for contour plots) and tensorgrad Tensors (a point, whose
gradient backward then computes). Nothing here computes a gradient by hand.

* ``rosenbrock``: f = (1 − x)² + 100 (y − x²)²; minimum f(1, 1) = 0.
* ``beale``: f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²; minimum f(3, 0.5) = 0.
* ``himmelblau``: f = (x² + y − 11)² + (x + y² − 7)²; four minima with f = 0: (3, 2), (−2.805, 3.131),
  (−3.779, −3.283), (3.584, −1.848).
* ``saddle``: f = x² − y²; no minimum (unbounded below), a saddle point at (0, 0).
* ``ill_conditioned``: f = ¼ ((x + y)² + 50 (x − y)²), a ravine along x = y; minimum f(0, 0) = 0.

``SURFACES`` maps each name to its Surface. Example::

    surface = SURFACES["rosenbrock"]
    surface((1.0, 1.0))                      # 0.0
    X, Y, Z = surface.grid(200)              # for ax.contour(X, Y, Z)
    p = tg.tensor([-1.5, 2.0], dtype=tg.float64, requires_grad=True)
    surface(p).backward()                    # p.grad = ∇f(-1.5, 2) = (-155, -50)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from ..tensor import Tensor

Point = tuple[float, float]
Domain = tuple[tuple[float, float], tuple[float, float]]


@dataclass(frozen=True)
class Surface:
    """A function of two variables with what is needed to plot it and to start optimizers on it.

    ``f(x, y)`` uses arithmetic operators only, so it takes floats, numpy arrays (broadcast together) or
    Tensors alike. ``domain`` is ``((xmin, xmax), (ymin, ymax))``, the window plots show; ``minima`` the
    global minima as ``(x, y)`` pairs (a tuple; empty when f is unbounded below); ``start`` a classic
    starting point; ``log_levels`` asks plots for log-spaced contour levels (for surfaces whose values span
    many decades, such as Rosenbrock's: with linear levels its curved valley would be one flat band).
    ``suggested_lr`` holds, per optimizer name, a learning rate that shows that optimizer's character on this
    surface within a few hundred steps; ``optimize_path`` uses it when no ``lr`` is given. ``variables``
    names the two coordinates on plots (e.g. ``("b", "w")`` for a regression's bias and weight).
    """

    name: str
    formula: str
    f: Callable[[Any, Any], Any]
    domain: Domain
    minima: tuple[Point, ...]
    start: Point
    log_levels: bool = False
    suggested_lr: Mapping[str, float] = field(default_factory=dict, compare=False, hash=False)
    variables: tuple[str, str] = ("x", "y")

    def __post_init__(self) -> None:
        (xmin, xmax), (ymin, ymax) = self.domain
        if not (xmin < xmax and ymin < ymax):
            raise ValueError(
                f"Surface {self.name!r}: the domain must be ((xmin, xmax), (ymin, ymax)) with min < max"
            )
        object.__setattr__(self, "domain", ((float(xmin), float(xmax)), (float(ymin), float(ymax))))
        object.__setattr__(self, "minima", tuple((float(x), float(y)) for x, y in self.minima))
        object.__setattr__(self, "start", (float(self.start[0]), float(self.start[1])))
        object.__setattr__(self, "suggested_lr", MappingProxyType(dict(self.suggested_lr)))

    def __call__(self, point: Any, y: Any = None) -> Any:
        """f at ``point``: a Tensor or array whose first axis has length 2 (``(2,)`` for one point, ``(2, n)``
        for n points), or ``surface(x, y)`` with x and y given separately.

        A Tensor in gives a Tensor out (differentiable); numbers or arrays give numpy values.
        """
        if y is not None:
            return self.f(point, y)
        if not isinstance(point, Tensor):
            try:
                point = np.asarray(point, dtype=np.float64)
            except (TypeError, ValueError):
                raise TypeError(
                    f"{self.name}: expected a point (x, y) as a Tensor, an array or a pair of numbers, "
                    f"got {type(point).__name__}"
                ) from None
        if point.ndim == 0 or point.shape[0] != 2:
            raise ValueError(
                f"{self.name}: expected a point of shape (2,) (or (2, n) for n points), got shape "
                f"{tuple(point.shape)}; call surface(x, y) to pass the coordinates separately"
            )
        return self.f(point[0], point[1])

    def grid(self, n: int = 200) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(X, Y, Z)``, each of shape (n, n), over the domain: ``Z[i, j] = f(X[i, j], Y[i, j])``, with x
        along the columns and y along the rows (``np.meshgrid``'s layout, what ``ax.contour`` expects)."""
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 2:
            raise ValueError(f"{self.name}.grid: n must be an integer >= 2 (points per axis), got {n!r}")
        (xmin, xmax), (ymin, ymax) = self.domain
        X, Y = np.meshgrid(np.linspace(xmin, xmax, n), np.linspace(ymin, ymax, n))
        return X, Y, np.asarray(self.f(X, Y), dtype=np.float64)

    @property
    def title(self) -> str:
        """The name as a heading: "Rosenbrock", "Ill conditioned"."""
        return self.name.replace("_", " ").capitalize()


def _rosenbrock(x: Any, y: Any) -> Any:
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def _beale(x: Any, y: Any) -> Any:
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def _himmelblau(x: Any, y: Any) -> Any:
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def _saddle(x: Any, y: Any) -> Any:
    return x**2 - y**2


#: the condition number of ``ill_conditioned``: the ratio of its Hessian's eigenvalues
KAPPA = 50.0


def _ill_conditioned(x: Any, y: Any) -> Any:
    return 0.25 * ((x + y) ** 2 + KAPPA * (x - y) ** 2)


rosenbrock = Surface(
    name="rosenbrock",
    formula="(1 − x)² + 100 (y − x²)²",
    f=_rosenbrock,
    domain=((-2.0, 2.0), (-1.0, 3.0)),
    minima=((1.0, 1.0),),
    start=(-1.5, 2.0),
    log_levels=True,
    suggested_lr={"sgd": 1e-3, "momentum": 1e-3, "rmsprop": 1e-2, "adam": 1e-1},
)
"""Rosenbrock's banana, f = (1 − x)² + 100 (y − x²)² (a = 1, b = 100): one global minimum f(1, 1) = 0 at the
end of a long, curved, nearly flat valley along y = x². Finding the valley is easy, following it is slow."""

beale = Surface(
    name="beale",
    formula="(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
    f=_beale,
    domain=((-4.5, 4.5), (-4.5, 4.5)),
    minima=((3.0, 0.5),),
    start=(1.0, 1.5),
    log_levels=True,
    suggested_lr={"sgd": 1e-2, "momentum": 2e-3, "rmsprop": 5e-2, "adam": 1e-1},
)
"""Beale's function, f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²: one global minimum
f(3, 0.5) = 0, sharp ridges near the corners (the y³ term) and flat plateaus elsewhere."""

himmelblau = Surface(
    name="himmelblau",
    formula="(x² + y − 11)² + (x + y² − 7)²",
    f=_himmelblau,
    domain=((-5.0, 5.0), (-5.0, 5.0)),
    minima=(
        (3.0, 2.0),
        (-2.805118086952745, 3.131312518250573),
        (-3.779310253377747, -3.283185991286170),
        (3.584428340330492, -1.848126526964404),
    ),
    start=(-0.3, -0.9),
    log_levels=True,
    suggested_lr={"sgd": 1e-2, "momentum": 2e-3, "rmsprop": 2e-2, "adam": 5e-2},
)
"""Himmelblau's function, f = (x² + y − 11)² + (x + y² − 7)²: four global minima with f = 0, at (3, 2),
(−2.805118, 3.131313), (−3.779310, −3.283186) and (3.584428, −1.848127), and a local maximum near
(−0.2708, −0.9230). Started beside that maximum, optimizers of different kinds roll into different minima."""

saddle = Surface(
    name="saddle",
    formula="x² − y²",
    f=_saddle,
    domain=((-1.5, 1.5), (-1.5, 1.5)),
    minima=(),
    start=(1.0, 1e-3),
    log_levels=False,
    suggested_lr={"sgd": 5e-2, "momentum": 5e-2, "rmsprop": 1e-2, "adam": 2e-2},
)
"""The saddle f = x² − y²: a minimum along x, a maximum along y, a saddle point at (0, 0) and no minimum
(f is unbounded below). Started at (1, 0.001), almost on the ridge y = 0, gradient descent first slides
towards the saddle point, where the gradient nearly vanishes, and escapes along y only as fast as the tiny
y component grows (a factor 1 + 2 lr per step for plain SGD); momentum and the adaptive methods (whose step
does not shrink with the gradient) escape sooner."""

ill_conditioned = Surface(
    name="ill_conditioned",
    formula=f"¼ ((x + y)² + {KAPPA:g} (x − y)²)",
    f=_ill_conditioned,
    domain=((-3.0, 3.0), (-3.0, 3.0)),
    minima=((0.0, 0.0),),
    start=(-2.5, -1.5),
    log_levels=True,
    suggested_lr={"sgd": 3.6e-2, "momentum": 5e-3, "rmsprop": 5e-2, "adam": 1e-1},
)
"""An ill-conditioned quadratic, a ravine: f = ½ (u² + κ v²) with κ = 50, in coordinates u = (x + y)/√2,
v = (x − y)/√2 rotated 45° from x and y, which is f = ¼ ((x + y)² + 50 (x − y)²). Minimum f(0, 0) = 0.

The Hessian has eigenvalues 1 (along the ravine, the diagonal x = y) and κ = 50 (across it). Gradient
descent is stable only for lr < 2/κ = 0.04, and at such a rate it crosses the steep walls in a zig-zag while
crawling along the flat floor, contracting by only 1 − lr per step there. The ravine is rotated on purpose:
RMSProp and Adam scale each *coordinate* separately (a diagonal preconditioner), which would cure an
axis-aligned ravine such as ½(x² + κ y²) almost exactly and hide the problem; a rotated ravine mixes x and y,
so no per-coordinate scaling can undo it and the comparison stays honest."""

SURFACES: dict[str, Surface] = {s.name: s for s in (rosenbrock, beale, himmelblau, saddle, ill_conditioned)}

__all__ = ["KAPPA", "SURFACES", "Surface", "beale", "himmelblau", "ill_conditioned", "rosenbrock", "saddle"]
