"""LambdaLR, MultiplicativeLR, ConstantLR, PolynomialLR, OneCycleLR, CyclicLR, CosineAnnealingWarmRestarts,
SequentialLR and ChainedScheduler: lr (and momentum) sequences against closed forms written here from
PyTorch's formulas, and against sequences computed once with PyTorch; step(epoch), state_dict round trips and
argument errors."""

import copy
import math

import numpy as np
import pytest

import tensorgrad as tg
import tensorgrad.optim as optim
from tensorgrad.optim import lr_scheduler

BASE_LRS = (0.1, 0.05)  # two parameter groups, each with its own base lr


def make_sgd():
    groups = [{"params": [tg.tensor([0.0], requires_grad=True)], "lr": lr} for lr in BASE_LRS]
    return optim.SGD(groups, lr=1.0, momentum=0.9)


def make_adam():
    return optim.Adam(
        [{"params": [tg.tensor([0.0], requires_grad=True)], "lr": lr} for lr in BASE_LRS], lr=1.0
    )


def momenta(opt):
    return [g["betas"][0] if "betas" in g else g["momentum"] for g in opt.param_groups]


def run(opt, scheduler, steps):
    """lrs and momenta of every group at t = 0..steps (t = 0: right after construction)."""
    lrs, moms = [[g["lr"] for g in opt.param_groups]], [momenta(opt)]
    for _ in range(steps):
        opt.step()
        scheduler.step()
        lrs.append(scheduler.get_last_lr())
        moms.append(momenta(opt))
    return np.array(lrs), np.array(moms)


# ------------------------------ closed forms (PyTorch's formulas, written out)
def f_lambda(t):
    return 0.95**t * (1 + t % 3)


def f_mult(t):
    return 0.9 if t % 2 else 1.05


def one_cycle(
    t, high, n, pct=0.3, anneal="cos", div=25.0, final_div=1e4, three=False, m_low=0.85, m_high=0.95
):
    """(lr, momentum) at step t of the 1cycle policy for a group with max lr ``high``."""
    start = high / div
    low = start / final_div
    if three:
        phases = [
            (pct * n - 1, start, high, m_high, m_low),
            (2 * pct * n - 2, high, start, m_low, m_high),
            (n - 1, start, low, m_high, m_high),
        ]
    else:
        phases = [(pct * n - 1, start, high, m_high, m_low), (n - 1, high, low, m_low, m_high)]
    begin = 0.0
    for end, lr0, lr1, m0, m1 in phases:
        if t <= end or end == n - 1:
            x = (t - begin) / (end - begin)
            w = (1 - math.cos(math.pi * x)) / 2 if anneal == "cos" else x  # cos: 0 -> 1 along half a cosine
            return lr0 + (lr1 - lr0) * w, m0 + (m1 - m0) * w
        begin = end
    raise AssertionError


def cyclic(t, base, high, up, down, scale, m_low=0.8, m_high=0.9):
    """(lr, momentum) at step t of Smith's cyclical lr: up ``up`` steps, down ``down`` steps."""
    period = up + down
    cycle, pos = t // period + 1, t % period
    h = pos / up if pos <= up else (period - pos) / down
    s = scale(cycle, t)
    return base + (high - base) * h * s, m_high - (m_high - m_low) * h * s


def warm_restarts(t, base, T_0, T_mult=1, eta_min=0.0):
    """SGDR at (possibly fractional) epoch t: find the period t falls in, then the cosine within it."""
    period, start = T_0, 0
    while t >= start + period:
        start += period
        period *= T_mult
    return eta_min + (base - eta_min) * (1 + math.cos(math.pi * (t - start) / period)) / 2


L = lr_scheduler
# name: (optimizer, scheduler, steps, lr(base_index, t) -> lr, momentum(t) -> momentum or None)
CLOSED_FORMS = {
    "LambdaLR": (make_sgd, lambda o: L.LambdaLR(o, f_lambda), 40, lambda b, t: b * f_lambda(t), None),
    "MultiplicativeLR": (
        make_sgd,
        lambda o: L.MultiplicativeLR(o, f_mult),
        40,
        lambda b, t: b * math.prod(f_mult(k) for k in range(1, t + 1)),
        None,
    ),
    "ConstantLR": (
        make_sgd,
        lambda o: L.ConstantLR(o, factor=0.25, total_iters=4),
        20,
        lambda b, t: b * (0.25 if t < 4 else 1.0),
        None,
    ),
    "ConstantLR-defaults": (
        make_sgd,
        lambda o: L.ConstantLR(o),
        20,
        lambda b, t: b * (1 / 3 if t < 5 else 1.0),
        None,
    ),
    "PolynomialLR": (
        make_sgd,
        lambda o: L.PolynomialLR(o, total_iters=30, power=2.0),
        40,
        lambda b, t: b * (1 - min(t, 30) / 30) ** 2,
        None,
    ),
    "PolynomialLR-defaults": (
        make_sgd,
        lambda o: L.PolynomialLR(o),
        10,
        lambda b, t: b * (1 - min(t, 5) / 5),
        None,
    ),
    "OneCycleLR": (
        make_sgd,
        lambda o: L.OneCycleLR(o, max_lr=1.0, total_steps=100),
        100,
        lambda b, t: one_cycle(t, 1.0, 100)[0],
        lambda t: one_cycle(t, 1.0, 100)[1],
    ),
    "OneCycleLR-linear-three_phase-adam": (
        make_adam,
        lambda o: L.OneCycleLR(
            o,
            max_lr=0.4,
            epochs=10,
            steps_per_epoch=10,
            pct_start=0.25,
            anneal_strategy="linear",
            three_phase=True,
            div_factor=10.0,
            final_div_factor=100.0,
        ),
        100,
        lambda b, t: one_cycle(t, 0.4, 100, pct=0.25, anneal="linear", div=10.0, final_div=100.0, three=True)[
            0
        ],
        lambda t: one_cycle(t, 0.4, 100, pct=0.25, anneal="linear", div=10.0, final_div=100.0, three=True)[1],
    ),
    "CyclicLR-triangular": (
        make_sgd,
        lambda o: L.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3, step_size_down=5),
        50,
        lambda b, t: cyclic(t, 0.01, 0.1, 3, 5, lambda c, t: 1.0)[0],
        lambda t: cyclic(t, 0.01, 0.1, 3, 5, lambda c, t: 1.0)[1],
    ),
    "CyclicLR-triangular2-adam": (
        make_adam,
        lambda o: L.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4, mode="triangular2"),
        50,
        lambda b, t: cyclic(t, 0.01, 0.1, 4, 4, lambda c, t: 0.5 ** (c - 1))[0],
        lambda t: cyclic(t, 0.01, 0.1, 4, 4, lambda c, t: 0.5 ** (c - 1))[1],
    ),
    "CyclicLR-exp_range": (
        make_sgd,
        lambda o: L.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4, mode="exp_range", gamma=0.97),
        50,
        lambda b, t: cyclic(t, 0.01, 0.1, 4, 4, lambda c, t: 0.97**t)[0],
        lambda t: cyclic(t, 0.01, 0.1, 4, 4, lambda c, t: 0.97**t)[1],
    ),
    "CyclicLR-custom-scale_fn-iterations": (
        make_sgd,
        lambda o: L.CyclicLR(
            o,
            0.01,
            0.1,
            step_size_up=2,
            scale_fn=lambda x: 1 / (1 + x),
            scale_mode="iterations",
            cycle_momentum=False,
        ),
        30,
        lambda b, t: cyclic(t, 0.01, 0.1, 2, 2, lambda c, t: 1 / (1 + t))[0],
        lambda t: 0.9,  # untouched
    ),
    "CosineAnnealingWarmRestarts": (
        make_sgd,
        lambda o: L.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.001),
        60,
        lambda b, t: warm_restarts(t, b, 3, 2, 0.001),
        None,
    ),
    "CosineAnnealingWarmRestarts-T_mult-1": (
        make_sgd,
        lambda o: L.CosineAnnealingWarmRestarts(o, T_0=7),
        40,
        lambda b, t: warm_restarts(t, b, 7),
        None,
    ),
    "SequentialLR-warmup-then-exponential": (
        make_sgd,
        lambda o: L.SequentialLR(
            o, [L.LinearLR(o, start_factor=0.1, total_iters=3), L.ExponentialLR(o, gamma=0.9)], milestones=[3]
        ),
        30,
        lambda b, t: b * (0.1 + 0.9 * t / 3) if t < 3 else b * 0.9 ** (t - 3),
        None,
    ),
    "SequentialLR-three": (
        make_sgd,
        lambda o: L.SequentialLR(
            o,
            [
                L.ConstantLR(o, factor=0.5, total_iters=2),
                L.StepLR(o, step_size=2, gamma=0.5),
                L.CosineAnnealingLR(o, T_max=4),
            ],
            milestones=[2, 6],
        ),
        20,
        lambda b, t: (
            b * 0.5
            if t < 2
            else b * 0.5 ** ((t - 2) // 2)
            if t < 6
            else b * (1 + math.cos(math.pi * (t - 6) / 4)) / 2
        ),
        None,
    ),
    "ChainedScheduler": (
        make_sgd,
        lambda o: L.ChainedScheduler(
            [L.ConstantLR(o, factor=0.1, total_iters=2), L.ExponentialLR(o, gamma=0.9)]
        ),
        30,
        lambda b, t: b * (0.1 if t < 2 else 1.0) * 0.9**t,
        None,
    ),
}


@pytest.mark.parametrize("name", list(CLOSED_FORMS))
def test_lr_and_momentum_sequences_match_the_closed_form(name):
    make_opt, make, steps, lr_at, momentum_at = CLOSED_FORMS[name]
    opt = make_opt()
    lrs, moms = run(opt, make(opt), steps)
    expected = [[lr_at(base, t) for base in BASE_LRS] for t in range(steps + 1)]
    np.testing.assert_allclose(lrs, expected, rtol=1e-10, atol=1e-15)
    if momentum_at is not None:
        np.testing.assert_allclose(moms, [[momentum_at(t)] * 2 for t in range(steps + 1)], rtol=1e-12)
    assert np.ptp(lrs[:, 0]) > 0  # the schedule moves


# ------------------------------ PyTorch's own numbers
# fmt: off
TORCH_LRS = {
    "LambdaLR": [
        [0.1, 0.05], [0.19, 0.095], [0.27075, 0.135375], [0.0857375, 0.04286875], [0.16290125, 0.081450625],
        [0.23213428124999994, 0.11606714062499997], [0.07350918906249998, 0.03675459453124999],
        [0.13966745921874996, 0.06983372960937498], [0.1990261293867187, 0.09951306469335935],
        [0.0630249409724609, 0.03151247048623045], [0.11974738784767575, 0.05987369392383787],
        [0.1706400276829379, 0.08532001384146895], [0.05403600876626367, 0.027018004383131834],
    ],
    "LambdaLR-per-group": [
        [0.1, 0.05], [0.05, 0.05], [0.03333333333333333, 0.05], [0.025, 0.05],
        [0.020000000000000004, 0.025], [0.016666666666666666, 0.025], [0.014285714285714285, 0.025],
        [0.0125, 0.025], [0.011111111111111112, 0.0125], [0.010000000000000002, 0.0125],
        [0.009090909090909092, 0.0125], [0.008333333333333333, 0.0125], [0.007692307692307693, 0.00625],
    ],
    "MultiplicativeLR": [
        [0.1, 0.05], [0.09000000000000001, 0.045000000000000005],
        [0.09450000000000001, 0.04725000000000001], [0.08505000000000001, 0.04252500000000001],
        [0.08930250000000002, 0.04465125000000001], [0.08037225000000002, 0.04018612500000001],
        [0.08439086250000002, 0.04219543125000001], [0.07595177625000002, 0.03797588812500001],
        [0.07974936506250002, 0.03987468253125001], [0.07177442855625002, 0.03588721427812501],
        [0.07536314998406253, 0.037681574992031265], [0.06782683498565628, 0.03391341749282814],
        [0.0712181767349391, 0.03560908836746955],
    ],
    "ConstantLR": [
        [0.025, 0.0125], [0.025, 0.0125], [0.025, 0.0125], [0.025, 0.0125], [0.1, 0.05], [0.1, 0.05],
        [0.1, 0.05], [0.1, 0.05], [0.1, 0.05],
    ],
    "PolynomialLR": [
        [0.1, 0.05], [0.0765625, 0.03828125], [0.05625, 0.028125],
        [0.03906250000000001, 0.019531250000000003], [0.02500000000000001, 0.012500000000000004],
        [0.014062500000000006, 0.007031250000000003], [0.006250000000000002, 0.003125000000000001],
        [0.0015625000000000005, 0.0007812500000000003], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0],
        [0.0, 0.0],
    ],
    "OneCycleLR-cos-sgd": (
        [
            [0.040000000000000036, 0.020000000000000018], [0.1316718427000253, 0.06583592135001265],
            [0.3716718427000253, 0.18583592135001265], [0.6683281572999747, 0.3341640786499874],
            [0.9083281572999747, 0.45416407864998737], [1.0, 0.5],
            [0.9874640062350873, 0.49373200311754367], [0.9504846320134737, 0.47524231600673683],
            [0.89091617757105, 0.445458088785525], [0.8117456539497631, 0.40587282697488153],
            [0.7169430017913008, 0.3584715008956504], [0.6112620219362893, 0.30563101096814466],
            [0.500002, 0.250001], [0.38874197806371075, 0.19437098903185537],
            [0.28306099820869923, 0.14153049910434962], [0.18825834605023697, 0.09412917302511849],
            [0.10908782242895004, 0.05454391121447502], [0.049519367986526286, 0.024759683993263143],
            [0.012539993764912554, 0.006269996882456277], [4e-06, 2e-06],
            [0.012539993764912554, 0.006269996882456277],
        ],
        [
            [0.95, 0.95], [0.9404508497187474, 0.9404508497187474],
            [0.9154508497187474, 0.9154508497187474], [0.8845491502812526, 0.8845491502812526],
            [0.8595491502812526, 0.8595491502812526], [0.85, 0.85],
            [0.8512536043909088, 0.8512536043909088], [0.854951556604879, 0.854951556604879],
            [0.8609084258765984, 0.8609084258765984], [0.8688255099070633, 0.8688255099070633],
            [0.878305813044122, 0.878305813044122], [0.8888739533021842, 0.8888739533021842],
            [0.8999999999999999, 0.8999999999999999], [0.9111260466978157, 0.9111260466978157],
            [0.9216941869558779, 0.9216941869558779], [0.9311744900929366, 0.9311744900929366],
            [0.9390915741234015, 0.9390915741234015], [0.945048443395121, 0.945048443395121],
            [0.9487463956090911, 0.9487463956090911], [0.95, 0.95],
            [0.9487463956090911, 0.9487463956090911],
        ],
    ),
    "OneCycleLR-linear-three_phase-adam": (
        [
            [0.04, 0.04], [0.13, 0.13], [0.22000000000000003, 0.22000000000000003], [0.31, 0.31],
            [0.4, 0.4], [0.31, 0.31], [0.22, 0.22], [0.13, 0.13],
            [0.03999999999999998, 0.03999999999999998], [0.0364, 0.0364], [0.0328, 0.0328],
            [0.0292, 0.0292], [0.025599999999999998, 0.025599999999999998], [0.022, 0.022],
            [0.0184, 0.0184], [0.0148, 0.0148], [0.011199999999999998, 0.011199999999999998],
            [0.007599999999999996, 0.007599999999999996], [0.003999999999999997, 0.003999999999999997],
            [0.0003999999999999976, 0.0003999999999999976],
            [-0.0032000000000000015, -0.0032000000000000015],
        ],
        [
            [0.9, 0.9], [0.875, 0.875], [0.8500000000000001, 0.8500000000000001],
            [0.8250000000000001, 0.8250000000000001], [0.8, 0.8], [0.8250000000000001, 0.8250000000000001],
            [0.8500000000000001, 0.8500000000000001], [0.875, 0.875], [0.9, 0.9], [0.9, 0.9], [0.9, 0.9],
            [0.9, 0.9], [0.9, 0.9], [0.9, 0.9], [0.9, 0.9], [0.9, 0.9], [0.9, 0.9], [0.9, 0.9], [0.9, 0.9],
            [0.9, 0.9], [0.9, 0.9],
        ],
    ),
    "OneCycleLR-no-momentum": (
        [
            [0.016000000000000014, 0.016000000000000014], [0.08828995804312317, 0.08828995804312317],
            [0.2507240193196124, 0.2507240193196124], [0.3809860226372645, 0.3809860226372645],
            [0.39189862712852064, 0.39189862712852064], [0.3309724229004699, 0.3309724229004699],
            [0.22846365380278644, 0.22846365380278644], [0.11691812973163315, 0.11691812973163315],
            [0.03175076643659, 0.03175076643659], [1.6e-06, 1.6e-06],
            [0.03175076643659002, 0.03175076643659002],
        ],
        [
            [0.9, 0.9], [0.9, 0.9], [0.9, 0.9], [0.9, 0.9], [0.9, 0.9], [0.9, 0.9], [0.9, 0.9], [0.9, 0.9],
            [0.9, 0.9], [0.9, 0.9], [0.9, 0.9],
        ],
    ),
    "CyclicLR-triangular-sgd": (
        [
            [0.01, 0.01], [0.04, 0.07333333333333332], [0.07, 0.13666666666666666], [0.1, 0.2],
            [0.082, 0.16200000000000003], [0.064, 0.12399999999999999],
            [0.046000000000000006, 0.08600000000000001], [0.028000000000000004, 0.04800000000000001],
            [0.01, 0.01], [0.04, 0.07333333333333332], [0.07, 0.13666666666666666], [0.1, 0.2],
            [0.082, 0.16200000000000003], [0.064, 0.12399999999999999],
            [0.046000000000000006, 0.08600000000000001], [0.028000000000000004, 0.04800000000000001],
            [0.01, 0.01], [0.04, 0.07333333333333332], [0.07, 0.13666666666666666], [0.1, 0.2],
            [0.082, 0.16200000000000003],
        ],
        [
            [0.9, 0.9], [0.8666666666666667, 0.8666666666666667], [0.8333333333333334, 0.8333333333333334],
            [0.8, 0.8], [0.8200000000000001, 0.8200000000000001], [0.8400000000000001, 0.8400000000000001],
            [0.86, 0.86], [0.88, 0.88], [0.9, 0.9], [0.8666666666666667, 0.8666666666666667],
            [0.8333333333333334, 0.8333333333333334], [0.8, 0.8], [0.8200000000000001, 0.8200000000000001],
            [0.8400000000000001, 0.8400000000000001], [0.86, 0.86], [0.88, 0.88], [0.9, 0.9],
            [0.8666666666666667, 0.8666666666666667], [0.8333333333333334, 0.8333333333333334], [0.8, 0.8],
            [0.8200000000000001, 0.8200000000000001],
        ],
    ),
    "CyclicLR-triangular2-adam": (
        [
            [0.01, 0.01], [0.05500000000000001, 0.05500000000000001], [0.1, 0.1],
            [0.05500000000000001, 0.05500000000000001], [0.01, 0.01], [0.0325, 0.0325],
            [0.05500000000000001, 0.05500000000000001], [0.0325, 0.0325], [0.01, 0.01], [0.02125, 0.02125],
            [0.0325, 0.0325], [0.02125, 0.02125], [0.01, 0.01], [0.015625, 0.015625], [0.02125, 0.02125],
            [0.015625, 0.015625], [0.01, 0.01], [0.012812500000000001, 0.012812500000000001],
            [0.015625, 0.015625], [0.012812500000000001, 0.012812500000000001], [0.01, 0.01],
        ],
        [
            [0.95, 0.95], [0.8999999999999999, 0.8999999999999999], [0.85, 0.85],
            [0.8999999999999999, 0.8999999999999999], [0.95, 0.95],
            [0.9249999999999999, 0.9249999999999999], [0.8999999999999999, 0.8999999999999999],
            [0.9249999999999999, 0.9249999999999999], [0.95, 0.95], [0.9375, 0.9375],
            [0.9249999999999999, 0.9249999999999999], [0.9375, 0.9375], [0.95, 0.95], [0.94375, 0.94375],
            [0.9375, 0.9375], [0.94375, 0.94375], [0.95, 0.95], [0.9468749999999999, 0.9468749999999999],
            [0.94375, 0.94375], [0.9468749999999999, 0.9468749999999999], [0.95, 0.95],
        ],
    ),
    "CyclicLR-exp_range": (
        [
            [0.01, 0.01], [0.030250000000000006, 0.030250000000000006],
            [0.046450000000000005, 0.046450000000000005], [0.05920750000000001, 0.05920750000000001],
            [0.06904900000000001, 0.06904900000000001], [0.04985807500000001, 0.04985807500000001],
            [0.033914845000000006, 0.033914845000000006], [0.020761680250000004, 0.020761680250000004],
            [0.01, 0.01], [0.018716961002500004, 0.018716961002500004],
            [0.025690529804500005, 0.025690529804500005], [0.031182215236075006, 0.031182215236075006],
            [0.035418658283290015, 0.035418658283290015], [0.027157594341220753, 0.027157594341220753],
            [0.020294556604732457, 0.020294556604732457], [0.014632550472129604, 0.014632550472129604],
            [0.01, 0.01], [0.01375236588242498, 0.01375236588242498],
            [0.016754258588364962, 0.016754258588364962], [0.019118249094292702, 0.019118249094292702],
            [0.020941898913151243, 0.020941898913151243],
        ],
        [
            [0.9, 0.9], [0.8775000000000001, 0.8775000000000001], [0.8595, 0.8595], [0.845325, 0.845325],
            [0.8343900000000001, 0.8343900000000001], [0.85571325, 0.85571325],
            [0.8734279500000001, 0.8734279500000001], [0.8880425775, 0.8880425775], [0.9, 0.9],
            [0.890314487775, 0.890314487775], [0.882566077995, 0.882566077995],
            [0.87646420529325, 0.87646420529325], [0.8717570463519, 0.8717570463519],
            [0.8809360062875325, 0.8809360062875325], [0.8885616037725195, 0.8885616037725195],
            [0.8948527216976337, 0.8948527216976337], [0.9, 0.9], [0.8958307045750834, 0.8958307045750834],
            [0.89249526823515, 0.89249526823515], [0.8898686121174526, 0.8898686121174526],
            [0.8878423345409431, 0.8878423345409431],
        ],
    ),
    "CosineAnnealingWarmRestarts": [
        [0.1, 0.05], [0.07525000000000001, 0.037750000000000006],
        [0.025750000000000012, 0.013250000000000005], [0.1, 0.05],
        [0.09336825748732973, 0.046717622392718754], [0.07525000000000001, 0.037750000000000006],
        [0.0505, 0.025500000000000002], [0.025750000000000012, 0.013250000000000005],
        [0.007631742512670284, 0.004282377607281252], [0.1, 0.05],
        [0.09831332840130888, 0.04916518274408217], [0.09336825748732973, 0.046717622392718754],
        [0.0855017856687341, 0.04282411613907042], [0.07525000000000001, 0.037750000000000006],
        [0.06331154273257478, 0.03184106660501176], [0.0505, 0.025500000000000002],
        [0.03768845726742523, 0.019158933394988246], [0.025750000000000012, 0.013250000000000005],
        [0.0154982143312659, 0.008175883860929586], [0.007631742512670284, 0.004282377607281252],
        [0.0026866715986911243, 0.0018348172559178291], [0.1, 0.05],
        [0.09957652063800362, 0.04979039910365836],
    ],
    "CosineAnnealingWarmRestarts-T_mult-1": [
        [0.1, 0.05], [0.08535533905932738, 0.04267766952966369], [0.05, 0.025],
        [0.014644660940672627, 0.0073223304703363135], [0.1, 0.05],
        [0.08535533905932738, 0.04267766952966369], [0.05, 0.025],
        [0.014644660940672627, 0.0073223304703363135], [0.1, 0.05],
        [0.08535533905932738, 0.04267766952966369], [0.05, 0.025],
    ],
    "SequentialLR-warmup-then-exponential": [
        [0.010000000000000002, 0.005000000000000001], [0.04, 0.02], [0.07, 0.035], [0.1, 0.05],
        [0.09000000000000001, 0.045000000000000005], [0.08100000000000002, 0.04050000000000001],
        [0.07290000000000002, 0.03645000000000001], [0.06561000000000002, 0.03280500000000001],
        [0.05904900000000002, 0.02952450000000001], [0.05314410000000002, 0.02657205000000001],
        [0.04782969000000002, 0.02391484500000001], [0.043046721000000024, 0.021523360500000012],
        [0.03874204890000002, 0.01937102445000001],
    ],
    "SequentialLR-three": [
        [0.05, 0.025], [0.05, 0.025], [0.1, 0.05], [0.1, 0.05], [0.05, 0.025], [0.05, 0.025], [0.1, 0.05],
        [0.08535533905932738, 0.04267766952966369], [0.05, 0.025],
        [0.014644660940672627, 0.0073223304703363135], [0.0, 0.0],
        [0.014644660940672622, 0.007322330470336311], [0.05000000000000001, 0.025000000000000005],
        [0.0853553390593274, 0.0426776695296637], [0.10000000000000003, 0.05000000000000002],
    ],
    "ChainedScheduler": [
        [0.010000000000000002, 0.005000000000000001], [0.009000000000000003, 0.004500000000000001],
        [0.08100000000000003, 0.040500000000000015], [0.07290000000000003, 0.03645000000000002],
        [0.06561000000000003, 0.032805000000000015], [0.059049000000000025, 0.029524500000000013],
        [0.05314410000000002, 0.02657205000000001], [0.04782969000000002, 0.02391484500000001],
        [0.043046721000000024, 0.021523360500000012], [0.03874204890000002, 0.01937102445000001],
        [0.03486784401000002, 0.01743392200500001],
    ],
}
WARM_RESTART_EPOCHS = [0.5, 1.25, 2.9, 3.0, 4.5, 8.99, 9.0, 9.2, 20.0, 21.7, 0.3]
TORCH_WARM_RESTART_FRACTIONAL = [
    [0.09336825748732973, 0.046717622392718754], [0.06331154273257478, 0.03184106660501176],
    [0.0012711661792704722, 0.0011342135634773043], [0.1, 0.05], [0.0855017856687341, 0.04282411613907042],
    [0.0010006785337523761, 0.0010003358399380449], [0.1, 0.05], [0.0999321619703514, 0.04996642360148706],
    [0.0026866715986911243, 0.0018348172559178291], [0.09979234391494576, 0.049897220725579214],
    [0.09757729755661011, 0.04880088464923127],
]
TORCH_WARM_RESTART_FRACTIONAL_T_MULT_1 = [
    [0.0691341716182545, 0.03456708580912725], [0.1, 0.05], [0.030865828381745515, 0.015432914190872758],
    [0.07777851165098011, 0.038889255825490056],
]
TORCH_STEP_EPOCH = {  # step(7), step(2), step(5), step(12)
    "StepLR": [
        [0.025, 0.0125], [0.1, 0.05], [0.05, 0.025], [0.00625, 0.003125],
    ],
    "ExponentialLR": [
        [0.04782969000000001, 0.023914845000000004], [0.08100000000000002, 0.04050000000000001],
        [0.05904900000000001, 0.029524500000000006], [0.028242953648100012, 0.014121476824050006],
    ],
    "CosineAnnealingLR": [
        [0.028549663646838717, 0.018244294954150538], [0.09140576474687263, 0.04618033988749895],
        [0.05500000000000001, 0.03], [0.01859423525312736, 0.01381966011250105],
    ],
    "LinearLR": [
        [0.10000000000000003, 0.05000000000000002], [0.04666666666666667, 0.023333333333333334],
        [0.08666666666666667, 0.043333333333333335], [0.10000000000000003, 0.05000000000000002],
    ],
    "MultiStepLR": [
        [0.00010000000000000003, 5.0000000000000016e-05], [0.010000000000000002, 0.005000000000000001],
        [0.00010000000000000003, 5.0000000000000016e-05], [0.00010000000000000003, 5.0000000000000016e-05],
    ],
    "PolynomialLR": [
        [0.03535533905932738, 0.01767766952966369], [0.08660254037844387, 0.04330127018922193],
        [0.06123724356957945, 0.030618621784789725], [0.0, 0.0],
    ],
    "ConstantLR": [
        [0.1, 0.05], [0.05, 0.025], [0.1, 0.05], [0.1, 0.05],
    ],
}
# fmt: on

TORCH_CASES = {
    "LambdaLR": (make_sgd, lambda o: L.LambdaLR(o, lambda e: 0.95**e * (1 + e % 3)), 12),
    "LambdaLR-per-group": (
        make_sgd,
        lambda o: L.LambdaLR(o, [lambda e: 1 / (1 + e), lambda e: 0.5 ** (e // 4)]),
        12,
    ),
    "MultiplicativeLR": (make_sgd, lambda o: L.MultiplicativeLR(o, lambda e: 0.9 if e % 2 else 1.05), 12),
    "ConstantLR": (make_sgd, lambda o: L.ConstantLR(o, factor=0.25, total_iters=4), 8),
    "PolynomialLR": (make_sgd, lambda o: L.PolynomialLR(o, total_iters=8, power=2.0), 12),
    "OneCycleLR-cos-sgd": (make_sgd, lambda o: L.OneCycleLR(o, max_lr=[1.0, 0.5], total_steps=20), 20),
    "OneCycleLR-linear-three_phase-adam": (
        make_adam,
        lambda o: L.OneCycleLR(
            o,
            max_lr=0.4,
            epochs=4,
            steps_per_epoch=5,
            pct_start=0.25,
            anneal_strategy="linear",
            three_phase=True,
            div_factor=10.0,
            final_div_factor=100.0,
            base_momentum=0.8,
            max_momentum=0.9,
        ),
        20,
    ),
    "OneCycleLR-no-momentum": (
        make_adam,
        lambda o: L.OneCycleLR(o, max_lr=0.4, total_steps=10, cycle_momentum=False, pct_start=0.45),
        10,
    ),
    "CyclicLR-triangular-sgd": (
        make_sgd,
        lambda o: L.CyclicLR(o, base_lr=0.01, max_lr=[0.1, 0.2], step_size_up=3, step_size_down=5),
        20,
    ),
    "CyclicLR-triangular2-adam": (
        make_adam,
        lambda o: L.CyclicLR(
            o,
            base_lr=0.01,
            max_lr=0.1,
            step_size_up=2,
            mode="triangular2",
            base_momentum=0.85,
            max_momentum=0.95,
        ),
        20,
    ),
    "CyclicLR-exp_range": (
        make_sgd,
        lambda o: L.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4, mode="exp_range", gamma=0.9),
        20,
    ),
    "CosineAnnealingWarmRestarts": (
        make_sgd,
        lambda o: L.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.001),
        22,
    ),
    "CosineAnnealingWarmRestarts-T_mult-1": (make_sgd, lambda o: L.CosineAnnealingWarmRestarts(o, T_0=4), 10),
    "SequentialLR-warmup-then-exponential": (*CLOSED_FORMS["SequentialLR-warmup-then-exponential"][:2], 12),
    "SequentialLR-three": (*CLOSED_FORMS["SequentialLR-three"][:2], 14),
    "ChainedScheduler": (*CLOSED_FORMS["ChainedScheduler"][:2], 10),
}


@pytest.mark.parametrize("name", list(TORCH_CASES))
def test_sequences_equal_pytorchs(name):
    make_opt, make, steps = TORCH_CASES[name]
    opt = make_opt()
    lrs, moms = run(opt, make(opt), steps)
    expected = TORCH_LRS[name]
    if isinstance(expected, tuple):  # (lrs, momenta)
        expected, expected_momenta = expected
        np.testing.assert_allclose(moms, expected_momenta, rtol=1e-14, atol=0)
    np.testing.assert_allclose(lrs, expected, rtol=1e-14, atol=0)


def test_warm_restarts_follow_fractional_epochs_as_pytorchs():
    opt = make_sgd()
    scheduler = L.CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2, eta_min=0.001)
    got = []
    for epoch in WARM_RESTART_EPOCHS:
        scheduler.step(epoch)
        got.append(scheduler.get_last_lr())
    np.testing.assert_allclose(got, TORCH_WARM_RESTART_FRACTIONAL, rtol=1e-14)
    expected = [[warm_restarts(e, b, 3, 2, 0.001) for b in BASE_LRS] for e in WARM_RESTART_EPOCHS]
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert scheduler.last_epoch == 0  # floor(0.3), the last epoch given

    opt = make_sgd()
    scheduler = L.CosineAnnealingWarmRestarts(opt, T_0=4)
    got = []
    for epoch in [1.5, 4.0, 6.5, 13.25]:
        scheduler.step(epoch)
        got.append(scheduler.get_last_lr())
    np.testing.assert_allclose(got, TORCH_WARM_RESTART_FRACTIONAL_T_MULT_1, rtol=1e-14)


STEP_EPOCH_SCHEDULERS = {
    "StepLR": lambda o: L.StepLR(o, step_size=3, gamma=0.5),
    "ExponentialLR": lambda o: L.ExponentialLR(o, gamma=0.9),
    "CosineAnnealingLR": lambda o: L.CosineAnnealingLR(o, T_max=10, eta_min=0.01),
    "LinearLR": lambda o: L.LinearLR(o, start_factor=0.2, total_iters=6),
    "MultiStepLR": lambda o: L.MultiStepLR(o, [2, 5, 5]),
    "PolynomialLR": lambda o: L.PolynomialLR(o, total_iters=8, power=0.5),
    "ConstantLR": lambda o: L.ConstantLR(o, factor=0.5, total_iters=3),
}


@pytest.mark.parametrize("name", list(STEP_EPOCH_SCHEDULERS))
def test_step_with_an_epoch_warns_and_jumps_to_the_closed_form_as_pytorch(name):
    opt = make_sgd()
    scheduler = STEP_EPOCH_SCHEDULERS[name](opt)
    got = []
    for epoch in [7, 2, 5, 12]:
        with pytest.warns(UserWarning, match="The epoch parameter in `scheduler.step\\(\\)`"):
            scheduler.step(epoch)
        got.append(scheduler.get_last_lr())
        assert scheduler.last_epoch == epoch
    np.testing.assert_allclose(got, TORCH_STEP_EPOCH[name], rtol=1e-15)


# ------------------------------ behaviour around the sequences
def test_all_schedulers_are_importable_from_lr_scheduler_as_in_pytorch():
    for name in ["LambdaLR", "MultiplicativeLR", "ConstantLR", "PolynomialLR", "OneCycleLR", "CyclicLR",
                 "CosineAnnealingWarmRestarts", "SequentialLR", "ChainedScheduler"]:  # fmt: skip
        cls = getattr(optim.lr_scheduler, name)
        assert name in optim.lr_scheduler.__all__ and issubclass(cls, L.LRScheduler)


def test_one_cycle_sets_the_groups_lr_bounds_and_the_optimizer_uses_the_cycled_beta1():
    opt = make_adam()
    L.OneCycleLR(opt, max_lr=[1.0, 0.5], total_steps=10)
    assert [g["initial_lr"] for g in opt.param_groups] == [0.04, 0.02]
    assert [g["max_lr"] for g in opt.param_groups] == [1.0, 0.5]
    assert [g["min_lr"] for g in opt.param_groups] == pytest.approx([4e-6, 2e-6], rel=1e-12)
    assert [g["betas"] for g in opt.param_groups] == [(0.95, 0.999)] * 2  # beta2 kept

    # an Adam step reads betas[0] from the group: m = 0.95 m + 0.05 g
    w = tg.tensor(np.array([1.0]), requires_grad=True)
    adam = optim.Adam([w], lr=0.1)
    L.OneCycleLR(adam, max_lr=0.1, total_steps=10)
    w.grad = tg.tensor(np.array([2.0]))
    adam.step()
    np.testing.assert_allclose(adam.state[w]["exp_avg"], [0.05 * 2.0], rtol=1e-12)


def test_one_cycle_stepped_past_total_steps_is_a_clear_error():
    opt = make_sgd()
    scheduler = L.OneCycleLR(opt, max_lr=1.0, total_steps=3)
    for _ in range(3):
        scheduler.step()
    with pytest.raises(ValueError, match="OneCycleLR: stepped 4 times, but the schedule has total_steps=3"):
        scheduler.step()


def test_cycle_momentum_needs_an_optimizer_with_momentum_or_betas():
    params = [tg.tensor([0.0], requires_grad=True)]
    for cls in (optim.Adagrad, optim.Adadelta):
        with pytest.raises(ValueError, match=f"cycle_momentum=True .*{cls.__name__} has neither"):
            L.CyclicLR(cls(params), base_lr=0.01, max_lr=0.1)
        with pytest.raises(ValueError, match=f"OneCycleLR: cycle_momentum=True .*{cls.__name__} has neither"):
            L.OneCycleLR(cls(params), max_lr=0.1, total_steps=10)
    opt = optim.Adadelta(params)
    scheduler = L.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=2, cycle_momentum=False)
    scheduler.step()
    assert scheduler.get_last_lr() == pytest.approx([0.055], rel=1e-12)
    assert "momentum" not in opt.param_groups[0]


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda o: L.OneCycleLR(o, max_lr=1.0), ValueError, "give either total_steps, or both epochs"),
        (lambda o: L.OneCycleLR(o, max_lr=1.0, total_steps=0), ValueError, "total_steps must be a positive"),
        (lambda o: L.OneCycleLR(o, 1.0, 10, anneal_strategy="cosine"), ValueError, "'cos' or 'linear'"),
        (lambda o: L.OneCycleLR(o, max_lr=[1.0], total_steps=5), ValueError, "expected 2 values for max_lr"),
        (lambda o: L.CyclicLR(o, 0.01, 0.1, mode="triangle"), ValueError, "mode must be 'triangular'"),
        (lambda o: L.CosineAnnealingWarmRestarts(o, T_0=0), ValueError, "T_0 must be a positive integer"),
        (lambda o: L.CosineAnnealingWarmRestarts(o, 2, T_mult=1.5), ValueError, "T_mult must be an integer"),
        (lambda o: L.ConstantLR(o, factor=2.0), ValueError, r"ConstantLR: factor must be in \[0, 1\]"),
        (lambda o: L.LambdaLR(o, [lambda e: 1.0]), ValueError, "expected 2 values for lr_lambda"),
        (lambda o: L.MultiplicativeLR(o, 0.9), TypeError, "lr_lambda must be a function of the epoch"),
        (
            lambda o: L.SequentialLR(o, [L.ConstantLR(o), L.StepLR(o, 2)], milestones=[]),
            ValueError,
            "one milestone fewer than schedulers, got 2 schedulers and 0 milestones",
        ),
        (
            lambda o: L.SequentialLR(o, [L.ConstantLR(make_sgd())], milestones=[]),
            ValueError,
            "all schedulers must belong to the same optimizer",
        ),
        (
            lambda o: L.ChainedScheduler([L.ReduceLROnPlateau(o)]),
            ValueError,
            "can't combine ReduceLROnPlateau",
        ),
    ],
)
def test_argument_errors_name_the_argument(build, error, message):
    with pytest.raises(error, match=message):
        build(make_sgd())


def test_warm_restarts_reject_a_negative_epoch():
    scheduler = L.CosineAnnealingWarmRestarts(make_sgd(), T_0=2)
    with pytest.raises(ValueError, match="epoch must be >= 0, got -1"):
        scheduler.step(-1)


# ------------------------------ state_dict
class Halve:
    """A callable object: LambdaLR saves its attributes (functions and lambdas are not saved)."""

    def __init__(self):
        self.rate = 0.5

    def __call__(self, epoch):
        return self.rate ** (epoch // 3)


ROUND_TRIPS = {
    "LambdaLR-callable-object": (make_sgd, lambda o: L.LambdaLR(o, Halve())),
    "MultiplicativeLR": (make_sgd, lambda o: L.MultiplicativeLR(o, f_mult)),
    "PolynomialLR": (make_sgd, lambda o: L.PolynomialLR(o, total_iters=50)),
    "OneCycleLR": (make_adam, lambda o: L.OneCycleLR(o, max_lr=1.0, total_steps=60, three_phase=True)),
    "CyclicLR": (make_sgd, lambda o: L.CyclicLR(o, 0.01, 0.1, step_size_up=7, mode="triangular2")),
    "CosineAnnealingWarmRestarts": (make_sgd, lambda o: L.CosineAnnealingWarmRestarts(o, T_0=4, T_mult=2)),
    "SequentialLR": CLOSED_FORMS["SequentialLR-three"][:2],
    "ChainedScheduler": CLOSED_FORMS["ChainedScheduler"][:2],
}


def plain_values_only(value):
    if isinstance(value, dict):
        return all(isinstance(k, str) and plain_values_only(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(plain_values_only(v) for v in value)
    return value is None or isinstance(value, (bool, int, float, str))


@pytest.mark.parametrize("name", list(ROUND_TRIPS))
def test_resuming_from_state_dicts_continues_the_same_schedule(name):
    make_opt, make = ROUND_TRIPS[name]
    opt = make_opt()
    scheduler = make(opt)
    if name.startswith("LambdaLR"):
        scheduler.lr_lambdas[0].rate = 0.25  # changed during training: saved with the state
    run(opt, scheduler, 25)
    saved_opt, saved_scheduler = copy.deepcopy(opt.state_dict()), copy.deepcopy(scheduler.state_dict())
    assert plain_values_only(saved_scheduler)
    expected = run(opt, scheduler, 30)

    opt2 = make_opt()
    scheduler2 = make(opt2)  # build the scheduler, then load both states
    opt2.load_state_dict(saved_opt)
    scheduler2.load_state_dict(saved_scheduler)
    got = run(opt2, scheduler2, 30)
    np.testing.assert_array_equal(got[0][1:], expected[0][1:])
    np.testing.assert_array_equal(got[1][1:], expected[1][1:])


def test_lambda_state_dict_saves_no_function():
    opt = make_sgd()
    state = L.LambdaLR(opt, [f_lambda, Halve()]).state_dict()
    assert state["lr_lambdas"] == [None, {"rate": 0.5}]
