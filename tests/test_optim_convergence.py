"""Convergence: every optimizer reaches the minimum of a convex quadratic within a stated number of steps.

f(x) = 0.5 x^T A x - b^T x in 5 dimensions, A symmetric positive definite with eigenvalues 1..10 (condition
number 10), from x = 0; the minimum is x* = A^{-1} b (|x*| ~ 0.63). Each case runs its budget of steps and
then asserts ||x - x*|| < 1e-4. The budgets carry a margin of about 40% over the step from which the
distance stays below 1e-4, measured when these tests were written (noted per case).

With coupled weight decay (an L2 penalty wd/2 |x|^2) the minimum is that of f + wd/2 |x|^2, i.e.
(A + wd I)^{-1} b. RMSProp without momentum takes steps of about lr g / sqrt(v) that do not shrink fast
enough near the minimum at a constant lr: it reaches 1e-4 and then oscillates around it, so it is run
with cosine annealing, the usual remedy.
"""

import numpy as np
import pytest

import tensorgrad as tg
import tensorgrad.optim as optim
from tensorgrad.optim import lr_scheduler

_rng = np.random.default_rng(0)
_Q, _ = np.linalg.qr(_rng.normal(size=(5, 5)))
A = _Q @ np.diag(np.linspace(1.0, 10.0, 5)) @ _Q.T
B = _rng.normal(size=5)

# (optimizer, options, steps, weight decay in the minimum, cosine-anneal lr over the run); comment: measured
CASES = [
    (optim.SGD, {"lr": 0.18}, 60, 0.0, False),  # 43
    (optim.SGD, {"lr": 0.18, "weight_decay": 0.1}, 60, 0.1, False),  # 38
    (optim.SGD, {"lr": 0.1, "momentum": 0.5, "nesterov": True}, 45, 0.0, False),  # 32
    (optim.Momentum, {"lr": 0.1, "momentum": 0.5}, 40, 0.0, False),  # 27
    (optim.Momentum, {"lr": 0.5, "momentum": 0.5, "dampening": 0.5}, 40, 0.0, False),  # 26
    (optim.RMSProp, {"lr": 0.01}, 200, 0.0, True),  # 73
    (optim.RMSProp, {"lr": 0.01, "centered": True}, 200, 0.0, True),  # 70
    (optim.RMSProp, {"lr": 0.01, "momentum": 0.5}, 35, 0.0, False),  # 22
    (optim.RMSProp, {"lr": 0.01, "momentum": 0.5, "centered": True}, 35, 0.0, False),  # 22
    (optim.Adam, {"lr": 0.01}, 250, 0.0, False),  # 176
    (optim.Adam, {"lr": 0.01, "amsgrad": True}, 250, 0.0, False),  # 178
    (optim.Adam, {"lr": 0.01, "weight_decay": 0.1}, 250, 0.1, False),  # 164
    (
        optim.AdamW,
        {"lr": 0.01, "weight_decay": 0.0},
        250,
        0.0,
        False,
    ),  # 176 (decoupled decay moves the fixed point)
    (optim.AdaGrad, {"lr": 0.3}, 50, 0.0, False),  # 31
    (optim.AdaGrad, {"lr": 0.3, "weight_decay": 0.1}, 50, 0.1, False),  # 29
    (optim.AdaGrad, {"lr": 0.3, "lr_decay": 0.001}, 50, 0.0, False),  # 32
    (optim.AdaGrad, {"lr": 0.3, "initial_accumulator_value": 0.1}, 50, 0.0, False),  # 30
]


def case_id(case):
    cls, options, _, _, cosine = case
    return (
        f"{cls.__name__}-" + "-".join(f"{k}={v}" for k, v in options.items()) + ("-cosine" if cosine else "")
    )


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_reaches_the_minimum_of_a_convex_quadratic_within_the_stated_steps(case):
    cls, options, steps, weight_decay, cosine = case
    minimum = np.linalg.solve(A + weight_decay * np.eye(5), B)
    x = tg.tensor(np.zeros(5), requires_grad=True)
    a, b = tg.tensor(A), tg.tensor(B)
    opt = cls([x], **options)
    scheduler = lr_scheduler.CosineAnnealingLR(opt, T_max=steps) if cosine else None
    for _ in range(steps):
        opt.zero_grad()
        (0.5 * (x @ (a @ x)) - b @ x).backward()
        opt.step()
        if scheduler:
            scheduler.step()
    distance = np.linalg.norm(x.numpy() - minimum)
    assert distance < 1e-4, f"{case_id(case)}: ||x - x*|| = {distance:.2e} after {steps} steps"
