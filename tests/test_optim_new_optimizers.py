"""NAdam, RAdam, Adamax and Adadelta: each step compared with a plain-numpy reference written here from the
published update (PyTorch's code where the papers leave a choice open: where eps goes, NAdam's float32
``mu_product``), and with trajectories computed once with PyTorch itself.

The problem: a three-parameter function with its gradient in closed form (Rosenbrock in (x, y), a sine in
z, coupled by 0.3 x z), so the references run entirely on their own. Each reference is a function
``(p, g, state, **hyperparameters) -> new p``; its keyword defaults are the published defaults, written out
independently of the classes under test.
"""

import copy

import numpy as np
import pytest

import tensorgrad as tg
import tensorgrad.optim as optim

STEPS = 30
TOL = dict(rtol=1e-9, atol=1e-12)
START = np.array([-1.2, 1.0, 0.5])


def grad_fn(p):
    x, y, z = p
    return np.array(
        [-2 * (1 - x) - 400 * x * (y - x**2) + 0.3 * z, 200 * (y - x**2), np.sin(3 * z) + 0.3 * x]
    )


# ------------------------------ references
def nadam_reference(
    p,
    g,
    s,
    lr=2e-3,
    betas=(0.9, 0.999),
    eps=1e-8,
    weight_decay=0.0,
    momentum_decay=4e-3,
    decoupled_weight_decay=False,
    maximize=False,
):
    """Dozat's NAdam as PyTorch writes it: mu_t = beta1 (1 - 0.96^(t psi) / 2), bias corrections from the
    product of the mu's (kept in float32, as PyTorch's scalar tensor), eps after the square root."""
    beta1, beta2 = betas
    t = s["t"] = s.get("t", 0) + 1
    if maximize:
        g = -g
    if decoupled_weight_decay:
        p = p * (1 - lr * weight_decay)
    else:
        g = g + weight_decay * p
    mu = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))
    mu_next = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
    s["mu_product"] = float(np.float32(np.float32(s.get("mu_product", 1.0)) * np.float32(mu)))
    s["m"] = beta1 * s.get("m", 0.0) + (1 - beta1) * g
    s["v"] = beta2 * s.get("v", 0.0) + (1 - beta2) * g**2
    denom = np.sqrt(s["v"] / (1 - beta2**t)) + eps
    return (
        p
        - lr * (1 - mu) / (1 - s["mu_product"]) * g / denom
        - lr * mu_next / (1 - s["mu_product"] * mu_next) * s["m"] / denom
    )


def radam_reference(
    p,
    g,
    s,
    lr=1e-3,
    betas=(0.9, 0.999),
    eps=1e-8,
    weight_decay=0.0,
    decoupled_weight_decay=False,
    maximize=False,
):
    """Liu et al.'s Algorithm 2 with PyTorch's eps (added to the uncorrected sqrt(v))."""
    beta1, beta2 = betas
    t = s["t"] = s.get("t", 0) + 1
    if maximize:
        g = -g
    if decoupled_weight_decay:
        p = p * (1 - lr * weight_decay)
    else:
        g = g + weight_decay * p
    s["m"] = beta1 * s.get("m", 0.0) + (1 - beta1) * g
    s["v"] = beta2 * s.get("v", 0.0) + (1 - beta2) * g**2
    m_hat = s["m"] / (1 - beta1**t)
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * t * beta2**t / (1 - beta2**t)
    if rho_t <= 5:
        s.setdefault("momentum_steps", []).append(t)
        return p - lr * m_hat
    r = np.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
    return p - lr * m_hat * r * np.sqrt(1 - beta2**t) / (np.sqrt(s["v"]) + eps)


def adamax_reference(p, g, s, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, maximize=False):
    """Kingma & Ba's section 7.1, with PyTorch's eps inside the max."""
    beta1, beta2 = betas
    t = s["t"] = s.get("t", 0) + 1
    if maximize:
        g = -g
    g = g + weight_decay * p
    s["m"] = beta1 * s.get("m", 0.0) + (1 - beta1) * g
    s["u"] = np.maximum(beta2 * s.get("u", 0.0), np.abs(g) + eps)
    return p - lr / (1 - beta1**t) * s["m"] / s["u"]


def adadelta_reference(p, g, s, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0, maximize=False):
    """Zeiler's Algorithm 1, scaled by PyTorch's lr."""
    if maximize:
        g = -g
    g = g + weight_decay * p
    s["v"] = rho * s.get("v", 0.0) + (1 - rho) * g**2
    delta = np.sqrt(s.get("a", 0.0) + eps) / np.sqrt(s["v"] + eps) * g
    s["a"] = rho * s.get("a", 0.0) + (1 - rho) * delta**2
    return p - lr * delta


REFERENCES = {
    optim.NAdam: nadam_reference,
    optim.RAdam: radam_reference,
    optim.Adamax: adamax_reference,
    optim.Adadelta: adadelta_reference,
}

CONFIGS = [
    (optim.NAdam, {"lr": 1e-2}),
    (optim.NAdam, {"lr": 1e-2, "weight_decay": 0.1}),
    (optim.NAdam, {"lr": 1e-2, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    (optim.NAdam, {"lr": 1e-2, "momentum_decay": 0.05, "betas": (0.8, 0.99), "eps": 1e-3}),
    (optim.NAdam, {"maximize": True}),
    (optim.RAdam, {"lr": 1e-4}),
    (optim.RAdam, {"lr": 1e-4, "betas": (0.9, 0.8)}),
    (optim.RAdam, {"lr": 1e-4, "weight_decay": 0.1, "eps": 1e-3}),
    (optim.RAdam, {"lr": 1e-4, "weight_decay": 0.5, "decoupled_weight_decay": True, "maximize": True}),
    (optim.Adamax, {}),
    (optim.Adamax, {"lr": 1e-2, "weight_decay": 0.1}),
    (optim.Adamax, {"lr": 1e-2, "betas": (0.8, 0.9), "eps": 1e-3}),
    (optim.Adamax, {"lr": 1e-2, "maximize": True}),
    (optim.Adadelta, {}),
    (optim.Adadelta, {"lr": 0.5, "rho": 0.5}),
    (optim.Adadelta, {"weight_decay": 0.1, "eps": 1e-4}),
    (optim.Adadelta, {"lr": 2.0, "maximize": True}),
]


def config_id(config):
    cls, options = config[0], config[1]
    return cls.__name__ + "".join(f"-{k}={v}" for k, v in options.items())


def run(cls, options, steps, start=START):
    """Steps of ``cls`` on the problem; ``maximize`` runs are given -grad, so they descend the same valley."""
    sign = -1.0 if options.get("maximize") else 1.0
    p = tg.tensor(start.copy(), requires_grad=True)
    opt = cls([p], **options)
    path = []
    for _ in range(steps):
        p.grad = tg.tensor(sign * grad_fn(p.numpy()))
        opt.step()
        path.append(p.numpy().copy())
    return opt, p, path


# ------------------------------ the update rules
@pytest.mark.parametrize("config", CONFIGS, ids=config_id)
def test_trajectory_matches_the_published_update_at_every_step(config):
    cls, options = config
    sign = -1.0 if options.get("maximize") else 1.0
    _, _, path = run(cls, options, STEPS)
    p, state = START.copy(), {}
    for step, got in enumerate(path, start=1):
        p = REFERENCES[cls](p, sign * grad_fn(p), state, **options)
        np.testing.assert_allclose(got, p, **TOL, err_msg=f"step {step}")
    assert np.abs(p - START).max() > 1e-3, "the test should move the parameters"


def test_radam_takes_momentum_steps_until_rho_t_exceeds_5_then_rectified_steps():
    state = {}
    p = START.copy()
    for _ in range(10):
        p = radam_reference(p, grad_fn(p), state, lr=1e-4)
    assert state["momentum_steps"] == [1, 2, 3, 4, 5]  # beta2 = 0.999: rho_6 = 5.0099... > 5
    _, _, path = run(optim.RAdam, {"lr": 1e-4}, 10)
    np.testing.assert_allclose(path[-1], p, **TOL)
    # the first step is exactly lr * g (m_hat = g): no division by sqrt(v)
    np.testing.assert_allclose(path[0], START - 1e-4 * grad_fn(START), rtol=1e-15)


def test_adamax_first_step_moves_each_coordinate_by_lr():
    _, _, path = run(optim.Adamax, {"lr": 0.01}, 1)
    # m_hat = g, u = |g| + eps: the step is lr g / (|g| + eps), lr per coordinate up to eps
    g = grad_fn(START)
    np.testing.assert_allclose(START - path[0], 0.01 * g / (np.abs(g) + 1e-8), rtol=1e-12)
    np.testing.assert_allclose(np.abs(START - path[0]), 0.01, rtol=1e-7)


def test_adadelta_first_step_is_sqrt_eps_over_rms_of_the_gradient():
    _, _, path = run(optim.Adadelta, {}, 1)
    g = grad_fn(START)
    np.testing.assert_allclose(START - path[0], np.sqrt(1e-6) / np.sqrt(0.1 * g**2 + 1e-6) * g, rtol=1e-12)


# ------------------------------ PyTorch's own numbers
# computed once with torch 2.13.0 (CPU): float64 parameters START, p.grad set to (+-)grad_fn(p) before each
# opt.step(); the parameters after steps 1, 3, 6 and 10
TORCH_TRAJECTORIES = [
    (
        optim.NAdam,
        {"lr": 0.01},
        {
            1: [-1.1894354820871424, 1.0105645179121474, 0.4894354822523713],
            3: [-1.1750856211851282, 1.0249751457382708, 0.4742755025523371],
            6: [-1.1551617812555792, 1.0450598633624737, 0.4518972071318567],
            10: [-1.129209533743648, 1.071330382226405, 0.4195931986298438],
        },
    ),
    (
        optim.NAdam,
        {"lr": 0.01, "weight_decay": 0.1},
        {
            1: [-1.1894354820871422, 1.010564517912146, 0.4894354822403189],
            3: [-1.1750851771040836, 1.0249740958290425, 0.4742887164768981],
            6: [-1.1551598255563982, 1.0450551949382543, 0.45194614531550775],
            10: [-1.1292030160969186, 1.0713146311937272, 0.41972002356794585],
        },
    ),
    (
        optim.NAdam,
        {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True, "momentum_decay": 0.01},
        {
            1: [-1.1882351005585656, 1.009564899440724, 0.4889351007238007],
            3: [-1.1715749091518477, 1.021901339142578, 0.47280499872718157],
            6: [-1.1483754014627319, 1.0387162787377902, 0.4490357605793951],
            10: [-1.1184518226717954, 1.0602773960027185, 0.4150118219320421],
        },
    ),
    (
        optim.NAdam,
        {"lr": 0.01, "betas": (0.8, 0.99), "maximize": True},
        {
            1: [-1.1890472192951218, 1.0109527807041419, 0.4890472194664232],
            3: [-1.1728775055786747, 1.0271916536951002, 0.47195244477836046],
            6: [-1.1498574242704458, 1.0504151193466016, 0.4457462945752895],
            10: [-1.121534474549886, 1.079136248098721, 0.40872135557167416],
        },
    ),
    (
        optim.RAdam,
        {"lr": 0.0001},
        {
            1: [-1.178455, 1.0088, 0.4999362505013396],
            3: [-1.1403557198681884, 1.0245233108007528, 0.49980774054552396],
            6: [-1.1083607100750716, 1.0378796261313934, 0.49967534745531583],
            10: [-1.108346385468567, 1.0378941092289327, 0.4996588351085938],
        },
    ),
    (
        optim.RAdam,
        {"lr": 0.0001, "betas": (0.9, 0.8)},
        {
            1: [-1.178455, 1.0088, 0.4999362505013396],
            3: [-1.1403557198681884, 1.0245233108007528, 0.49980774054552396],
            6: [-1.0944594858835577, 1.0437178857178055, 0.4996125703650748],
            10: [-1.0942214014868614, 1.0439564046746779, 0.49938331023737703],
        },
    ),
    (
        optim.RAdam,
        {"lr": 0.0001, "weight_decay": 0.1, "betas": (0.9, 0.7)},
        {
            1: [-1.178443, 1.00879, 0.4999312505013396],
            3: [-1.1403216483324472, 1.0244926092212434, 0.499792741247034],
            6: [-1.0943962342669462, 1.0436545901255128, 0.4995825741188175],
            10: [-1.0600378073363774, 1.058157176783311, 0.4992923702590974],
        },
    ),
    (
        optim.RAdam,
        {
            "lr": 0.0001,
            "weight_decay": 0.5,
            "decoupled_weight_decay": True,
            "betas": (0.9, 0.7),
            "maximize": True,
        },
        {
            1: [-1.178395, 1.00875, 0.4999112505013396],
            3: [-1.1401868016577137, 1.0243692224587546, 0.49973275189452887],
            6: [-1.0941490847710107, 1.0433990353510634, 0.4994626276731686],
            10: [-1.0596404281338556, 1.0577100286137382, 0.4990875992559702],
        },
    ),
    (
        optim.Adamax,
        {"lr": 0.01},
        {
            1: [-1.190000000000464, 1.0099999999988636, 0.49000000015686396],
            3: [-1.1712807368963214, 1.0288115062099843, 0.46999932960499946],
            6: [-1.1463417588966431, 1.0540583775691985, 0.4400057700313002],
            10: [-1.1187000900281596, 1.0822680277696815, 0.40033114881103077],
        },
    ),
    (
        optim.Adamax,
        {"lr": 0.01, "weight_decay": 0.1},
        {
            1: [-1.1900000000004638, 1.0099999999988623, 0.4900000001454556],
            3: [-1.1712800811836952, 1.0288099397138846, 0.46999215355011326],
            6: [-1.1463385210580024, 1.0540505436914787, 0.44004303365755676],
            10: [-1.118690557600541, 1.0822446511594888, 0.400520316770556],
        },
    ),
    (
        optim.Adamax,
        {"lr": 0.01, "betas": (0.8, 0.9), "eps": 0.001, "maximize": True},
        {
            1: [-1.190000046414266, 1.0099998863649278, 0.49001566183010015],
            3: [-1.16873497902642, 1.0311672250922765, 0.4700486659132741],
            6: [-1.133547115048899, 1.0663232541544518, 0.44000373744342774],
            10: [-1.0853637231077686, 1.1149109704172235, 0.3995303970386803],
        },
    ),
    (
        optim.Adadelta,
        {},
        {
            1: [-1.1968377223401723, 1.0031622776581266, 0.49683776124510237],
            3: [-1.1904334751409584, 1.0095775491272088, 0.4902910515200291],
            6: [-1.1810099244865304, 1.019053455148489, 0.480151946090459],
            10: [-1.169114701354686, 1.0310816920772365, 0.4662686119447258],
        },
    ),
    (
        optim.Adadelta,
        {"lr": 0.5, "rho": 0.5},
        {
            1: [-1.1992928932188287, 1.0007071067810953, 0.49929289495873574],
            3: [-1.1975825624980125, 1.0024179082067348, 0.4975765792263255],
            6: [-1.1945167470631821, 1.0054865121611642, 0.49447488699969067],
            10: [-1.1897204340978802, 1.0102918972809607, 0.48955926339421335],
        },
    ),
    (
        optim.Adadelta,
        {"weight_decay": 0.1, "eps": 0.0001},
        {
            1: [-1.1683772237385623, 1.031622774555276, 0.46841062309033543],
            3: [-1.119045682304927, 1.0818062113887899, 0.4037269956330875],
            6: [-1.0825769149585263, 1.1188458232531329, 0.31183113771237797],
            10: [-1.0668932433179321, 1.13200360442007, 0.21684305602279],
        },
    ),
    (
        optim.Adadelta,
        {"lr": 2.0, "maximize": True},
        {
            1: [-1.1936754446803444, 1.0063245553162532, 0.49367552249020474],
            3: [-1.181158491497092, 1.0188852095190675, 0.4805818408138884],
            6: [-1.1637414421185253, 1.0364918634978246, 0.4603411662940147],
            10: [-1.1436831353951873, 1.0569576104997451, 0.432842898053505],
        },
    ),
]


@pytest.mark.parametrize("case", TORCH_TRAJECTORIES, ids=config_id)
def test_trajectory_equals_pytorchs(case):
    cls, options, expected = case
    _, _, path = run(cls, options, 10)
    for step, values in expected.items():
        # equal in practice; rtol leaves room for another libm's last bit (a float64 mu_product in NAdam is
        # off by 3e-10, and would fail)
        np.testing.assert_allclose(path[step - 1], values, rtol=1e-13, atol=0, err_msg=f"step {step}")


# ------------------------------ state, groups, dtypes, errors
STATE_KEYS = {
    optim.NAdam: {"step", "mu_product", "exp_avg", "exp_avg_sq"},
    optim.RAdam: {"step", "exp_avg", "exp_avg_sq"},
    optim.Adamax: {"step", "exp_avg", "exp_inf"},
    optim.Adadelta: {"step", "square_avg", "acc_delta"},
}


def run_more(opt, p, steps):
    for _ in range(steps):
        p.grad = tg.tensor(grad_fn(p.numpy()))
        opt.step()
    return p.numpy().tolist()


@pytest.mark.parametrize("cls", list(STATE_KEYS), ids=lambda c: c.__name__)
def test_state_dict_has_pytorchs_keys_and_resuming_continues_the_same_trajectory(cls):
    options = {"lr": 1e-4} if cls is optim.RAdam else {}
    opt, p, _ = run(cls, options, 4)
    saved, saved_p = copy.deepcopy(opt.state_dict()), p.numpy().copy()
    assert set(saved["state"][0]) == STATE_KEYS[cls]
    assert saved["state"][0]["step"] == 4
    expected = run_more(opt, p, 4)

    p2 = tg.tensor(saved_p, requires_grad=True)
    opt2 = cls([p2], lr=123.0)  # the saved groups bring back the hyperparameters too
    opt2.load_state_dict(saved)
    assert run_more(opt2, p2, 4) == expected


@pytest.mark.parametrize("cls", list(STATE_KEYS), ids=lambda c: c.__name__)
def test_each_group_uses_its_own_lr_and_float32_parameters_stay_float32(cls):
    a = tg.tensor(START.astype(np.float32), requires_grad=True)
    b = tg.tensor(START.copy(), requires_grad=True)
    opt = cls([{"params": [a], "lr": 1e-3}, {"params": [b]}], lr=2e-3)
    a_ref, b_ref, sa, sb = START.copy(), START.copy(), {}, {}
    for _ in range(5):
        a.grad = tg.tensor(grad_fn(a.numpy()).astype(np.float32))
        b.grad = tg.tensor(grad_fn(b.numpy()))
        opt.step()
        a_ref = REFERENCES[cls](a_ref, grad_fn(a_ref), sa, lr=1e-3)
        b_ref = REFERENCES[cls](b_ref, grad_fn(b_ref), sb, lr=2e-3)
    assert (
        a.dtype == tg.float32
        and opt.state[a]["exp_avg" if cls is not optim.Adadelta else "acc_delta"].dtype == np.float32
    )
    np.testing.assert_allclose(a.numpy(), a_ref, rtol=1e-4)
    np.testing.assert_allclose(b.numpy(), b_ref, **TOL)


@pytest.mark.parametrize(
    ("cls", "options", "message"),
    [
        (optim.NAdam, {"lr": -1.0}, "NAdam: invalid lr -1.0; the learning rate must be >= 0"),
        (optim.NAdam, {"momentum_decay": -0.1}, "NAdam: invalid momentum_decay -0.1"),
        (optim.RAdam, {"betas": (0.9, 1.0)}, r"RAdam: invalid betas\[1\] 1.0; each beta must be in \[0, 1\)"),
        (optim.Adamax, {"eps": -1e-8}, "Adamax: invalid eps -1e-08; eps must be >= 0"),
        (optim.Adamax, {"weight_decay": -0.1}, "Adamax: invalid weight_decay -0.1"),
        (optim.Adadelta, {"rho": 1.5}, r"Adadelta: invalid rho 1.5; rho must be in \[0, 1\]"),
    ],
    ids=lambda v: v.__name__ if isinstance(v, type) else "",
)
def test_invalid_hyperparameters_are_named_in_the_error(cls, options, message):
    with pytest.raises(ValueError, match=message):
        cls([tg.tensor([1.0], requires_grad=True)], **options)


def test_defaults_are_pytorchs():
    p = [tg.tensor([1.0], requires_grad=True)]
    assert optim.NAdam(p).defaults == {
        "lr": 2e-3,
        "betas": (0.9, 0.999),
        "eps": 1e-8,
        "weight_decay": 0.0,
        "momentum_decay": 4e-3,
        "decoupled_weight_decay": False,
        "maximize": False,
    }
    assert optim.RAdam(p).defaults == {
        "lr": 1e-3,
        "betas": (0.9, 0.999),
        "eps": 1e-8,
        "weight_decay": 0.0,
        "decoupled_weight_decay": False,
        "maximize": False,
    }
    assert optim.Adamax(p).defaults == {
        "lr": 2e-3,
        "betas": (0.9, 0.999),
        "eps": 1e-8,
        "weight_decay": 0.0,
        "maximize": False,
    }
    assert optim.Adadelta(p).defaults == {
        "lr": 1.0,
        "rho": 0.9,
        "eps": 1e-6,
        "weight_decay": 0.0,
        "maximize": False,
    }
