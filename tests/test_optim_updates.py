"""Every optimizer and option: 100 steps compared, step by step, with a plain-numpy reference written here
from the published update (PyTorch's code where the papers leave a choice open, e.g. where eps goes).

Three problems:

* Rosenbrock, f(x, y) = (1 - x)^2 + 100 (y - x^2)^2 from (-1.2, 1): the reference computes the gradient in
  closed form and runs entirely on its own; the two trajectories are compared at every step.
* the same function times 1e-10 (gradients ~1e-8, the size of eps): adaptive methods are scale-invariant
  except for eps, so this is where the placement of eps (after the square root) shows.
* a small tanh MLP with two parameter groups (the second at half the lr): the gradients come from
  tensorgrad's autograd (tested elsewhere) and the reference is fed the same gradients, so the update rule
  alone is compared, on several parameters at once, including a non-contiguous (transposed) gradient.

Each reference is a function ``(p, g, state, **hyperparameters) -> new p``; its keyword defaults are the
published defaults, written out independently of the classes under test.
"""

import numpy as np
import pytest

import tensorgrad as tg
import tensorgrad.optim as optim

STEPS = 100
TOL = dict(rtol=1e-9, atol=1e-12)


# ------------------------------ references
def sgd_reference(p, g, s, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False, maximize=False):
    if maximize:
        g = -g
    g = g + weight_decay * p
    if momentum != 0:
        # the buffer starts as the first gradient (no dampening on that step), then b = mu b + (1 - d) g
        s["b"] = g if "b" not in s else momentum * s["b"] + (1 - dampening) * g
        g = g + momentum * s["b"] if nesterov else s["b"]
    return p - lr * g


def momentum_reference(p, g, s, lr, momentum=0.9, **options):
    return sgd_reference(p, g, s, lr, momentum=momentum, **options)


def rmsprop_reference(
    p, g, s, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False, maximize=False
):
    if maximize:
        g = -g
    g = g + weight_decay * p
    s["v"] = alpha * s.get("v", 0.0) + (1 - alpha) * g**2
    if centered:
        s["g_avg"] = alpha * s.get("g_avg", 0.0) + (1 - alpha) * g
        denom = np.sqrt(s["v"] - s["g_avg"] ** 2) + eps
    else:
        denom = np.sqrt(s["v"]) + eps
    if momentum > 0:
        s["b"] = momentum * s.get("b", 0.0) + g / denom
        return p - lr * s["b"]
    return p - lr * g / denom


def adam_reference(
    p,
    g,
    s,
    lr=1e-3,
    betas=(0.9, 0.999),
    eps=1e-8,
    weight_decay=0.0,
    amsgrad=False,
    maximize=False,
    decoupled=False,
):
    """Kingma & Ba's Algorithm 1: p -= lr m_hat / (sqrt(v_hat) + eps), with PyTorch's AMSGrad (the max of the
    raw v, bias-corrected afterwards) and, for AdamW, Loshchilov & Hutter's p *= 1 - lr wd first."""
    beta1, beta2 = betas
    t = s["t"] = s.get("t", 0) + 1
    if maximize:
        g = -g
    if decoupled:
        p = p * (1 - lr * weight_decay)
    else:
        g = g + weight_decay * p
    s["m"] = beta1 * s.get("m", 0.0) + (1 - beta1) * g
    s["v"] = beta2 * s.get("v", 0.0) + (1 - beta2) * g**2
    v = s["v"]
    if amsgrad:
        v = s["v_max"] = np.maximum(s.get("v_max", 0.0), v)
    m_hat = s["m"] / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return p - lr * m_hat / (np.sqrt(v_hat) + eps)


def adamw_reference(p, g, s, weight_decay=1e-2, **options):
    return adam_reference(p, g, s, weight_decay=weight_decay, decoupled=True, **options)


def adagrad_reference(
    p, g, s, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10, maximize=False
):
    t = s["t"] = s.get("t", 0) + 1
    if maximize:
        g = -g
    g = g + weight_decay * p
    s["sum"] = s.get("sum", initial_accumulator_value) + g**2
    return p - lr / (1 + (t - 1) * lr_decay) * g / (np.sqrt(s["sum"]) + eps)


# ------------------------------ configurations
CONFIGS = [
    (optim.SGD, {}),
    (optim.SGD, {"momentum": 0.9}),
    (optim.SGD, {"momentum": 0.9, "dampening": 0.5}),
    (optim.SGD, {"momentum": 0.9, "nesterov": True}),
    (optim.SGD, {"weight_decay": 0.1}),
    (optim.SGD, {"momentum": 0.9, "nesterov": True, "weight_decay": 0.1}),
    (optim.SGD, {"maximize": True}),
    (optim.SGD, {"momentum": 0.5, "dampening": 0.1, "weight_decay": 0.1, "maximize": True}),
    (optim.Momentum, {}),
    (optim.Momentum, {"momentum": 0.8, "dampening": 0.8}),
    (optim.Momentum, {"nesterov": True}),
    (optim.Momentum, {"weight_decay": 0.1}),
    (optim.RMSProp, {}),
    (optim.RMSProp, {"alpha": 0.9}),
    (optim.RMSProp, {"momentum": 0.9}),
    (optim.RMSProp, {"centered": True}),
    (optim.RMSProp, {"centered": True, "momentum": 0.5}),
    (optim.RMSProp, {"weight_decay": 0.1}),
    (optim.RMSProp, {"eps": 1e-6, "maximize": True}),
    (optim.Adam, {}),
    (optim.Adam, {"betas": (0.8, 0.99)}),
    (optim.Adam, {"amsgrad": True}),
    (optim.Adam, {"weight_decay": 0.1}),
    (optim.Adam, {"amsgrad": True, "weight_decay": 0.1}),
    (optim.Adam, {"eps": 1e-6, "maximize": True}),
    (optim.AdamW, {}),
    (optim.AdamW, {"weight_decay": 0.1}),
    (optim.AdamW, {"amsgrad": True}),
    (optim.AdamW, {"amsgrad": True, "weight_decay": 0.1, "maximize": True}),
    (optim.AdaGrad, {}),
    (optim.AdaGrad, {"lr_decay": 0.01}),
    (optim.AdaGrad, {"weight_decay": 0.1}),
    (optim.AdaGrad, {"initial_accumulator_value": 0.1}),
    (optim.AdaGrad, {"lr_decay": 0.01, "weight_decay": 0.1, "initial_accumulator_value": 0.1}),
    (optim.AdaGrad, {"eps": 1e-8, "maximize": True}),
]

REFERENCES = {
    optim.SGD: sgd_reference,
    optim.Momentum: momentum_reference,
    optim.RMSProp: rmsprop_reference,
    optim.Adam: adam_reference,
    optim.AdamW: adamw_reference,
    optim.AdaGrad: adagrad_reference,
}

# learning rates that keep 100 steps well inside each problem's stable region
LR = {
    "rosenbrock": {
        optim.SGD: 2e-4,
        optim.Momentum: 1e-4,
        optim.RMSProp: 1e-3,
        optim.Adam: 1e-2,
        optim.AdamW: 1e-2,
        optim.AdaGrad: 5e-2,
    },
    "mlp": {
        optim.SGD: 0.2,
        optim.Momentum: 0.05,
        optim.RMSProp: 3e-3,
        optim.Adam: 1e-2,
        optim.AdamW: 1e-2,
        optim.AdaGrad: 0.1,
    },
}
TINY = 1e-10  # the scale of the tiny-gradient Rosenbrock


def config_id(config):
    cls, options = config
    return cls.__name__ + "".join(f"-{k}={v}" for k, v in options.items())


# ------------------------------ problems
def rosenbrock(xy):
    x, y = xy[0], xy[1]
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def rosenbrock_grad(p):
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])


def mlp_init():
    rng = np.random.default_rng(7)
    return [
        rng.normal(size=(6, 3)) * 0.7,  # W1 (out, in)
        rng.normal(size=6) * 0.1,  # b1
        rng.normal(size=(2, 6)) * 0.5,  # W2
        np.zeros(2),  # b2
    ]


MLP_DATA = np.random.default_rng(8).normal(size=(16, 3)), np.random.default_rng(9).normal(size=(16, 2))


def mlp_loss(params):
    W1, b1, W2, b2 = params
    x, y = (tg.tensor(a) for a in MLP_DATA)
    hidden = tg.tanh(x @ W1.T + b1)
    return ((hidden @ W2.T + b2 - y) ** 2).mean()


# ------------------------------ the tests
@pytest.mark.parametrize("scale", [1.0, TINY], ids=["rosenbrock", "rosenbrock_tiny_gradients"])
@pytest.mark.parametrize("config", CONFIGS, ids=config_id)
def test_rosenbrock_trajectory_matches_the_published_update_at_every_step(config, scale):
    cls, options = config
    reference = REFERENCES[cls]
    lr = LR["rosenbrock"][cls]
    if scale != 1.0:
        if cls in (optim.SGD, optim.Momentum):
            lr /= scale  # plain gradient steps scale with the gradient; the adaptive methods do not
        if "weight_decay" in options and cls is not optim.AdamW:
            options = {**options, "weight_decay": options["weight_decay"] * scale}  # an L2 term of f's scale
        if "initial_accumulator_value" in options:  # a sum of squared gradients
            options = {
                **options,
                "initial_accumulator_value": options["initial_accumulator_value"] * scale**2,
            }
    sign = -1.0 if options.get("maximize") else 1.0  # maximize -f: the same valley, climbed from below

    start = np.array([-1.2, 1.0])
    xy = tg.tensor(start.copy(), requires_grad=True)
    opt = cls([xy], lr=lr, **options)
    p, state = start.copy(), {}
    for step in range(1, STEPS + 1):
        opt.zero_grad()
        (rosenbrock(xy) * (sign * scale)).backward()
        opt.step()
        p = reference(p, sign * scale * rosenbrock_grad(p), state, lr=lr, **options)
        np.testing.assert_allclose(xy.numpy(), p, **TOL, err_msg=f"step {step}")
    assert np.abs(p - start).max() > 1e-3, "the test should move the parameters"


@pytest.mark.parametrize("config", CONFIGS, ids=config_id)
def test_mlp_update_rule_matches_the_published_update_at_every_step(config):
    cls, options = config
    reference = REFERENCES[cls]
    lr = LR["mlp"][cls]
    sign = -1.0 if options.get("maximize") else 1.0

    init = mlp_init()
    params = [tg.tensor(a.copy(), requires_grad=True) for a in init]
    groups = [{"params": params[:2]}, {"params": params[2:], "lr": lr / 2}]
    opt = cls(groups, lr=lr, **options)
    lrs = [lr, lr, lr / 2, lr / 2]
    ref_params, ref_states = [a.copy() for a in init], [{} for _ in init]
    saw_non_contiguous_grad = False
    for step in range(1, STEPS + 1):
        opt.zero_grad()
        (mlp_loss(params) * sign).backward()
        grads = [p.grad.numpy().copy() for p in params]
        saw_non_contiguous_grad |= not params[0].grad.numpy().flags.c_contiguous
        opt.step()
        ref_params = [
            reference(p, g, s, **{**options, "lr": group_lr})
            for p, g, s, group_lr in zip(ref_params, grads, ref_states, lrs)
        ]
        for name, p, ref in zip(["W1", "b1", "W2", "b2"], params, ref_params):
            np.testing.assert_allclose(p.numpy(), ref, **TOL, err_msg=f"{name} at step {step}")
    assert saw_non_contiguous_grad  # x @ W.T leaves W.grad as a transposed (F-ordered) view
    assert max(np.abs(p.numpy() - a).max() for p, a in zip(params, init)) > 1e-3


# every hyperparameter (not only lr) can differ between groups: (class, constructor options, each group's own)
PER_GROUP = [
    (optim.SGD, {"momentum": 0.5}, [{"weight_decay": 0.1}, {"momentum": 0.9, "nesterov": True, "lr": 0.05}]),
    (optim.RMSProp, {"lr": 3e-3}, [{"alpha": 0.9, "centered": True}, {"momentum": 0.5, "eps": 1e-4}]),
    (optim.Adam, {}, [{"betas": (0.8, 0.99), "weight_decay": 0.1}, {"amsgrad": True, "eps": 1e-3}]),
    (optim.AdaGrad, {}, [{"lr_decay": 0.01}, {"initial_accumulator_value": 0.5, "weight_decay": 0.2}]),
]


@pytest.mark.parametrize(
    ("cls", "options", "group_options"), PER_GROUP, ids=lambda v: getattr(v, "__name__", "")
)
def test_each_group_uses_its_own_hyperparameters(cls, options, group_options):
    lr = options.get("lr", LR["mlp"][cls])
    init = mlp_init()
    params = [tg.tensor(a.copy(), requires_grad=True) for a in init]
    defaults = {**options, "lr": lr}  # what a group does not set, it takes from the constructor
    opt = cls(
        [{"params": params[:2], **group_options[0]}, {"params": params[2:], **group_options[1]}], **defaults
    )
    settings = [{**defaults, **group_options[0]}] * 2 + [{**defaults, **group_options[1]}] * 2
    ref_params, ref_states = [a.copy() for a in init], [{} for _ in init]
    for step in range(1, 51):
        opt.zero_grad()
        mlp_loss(params).backward()
        grads = [p.grad.numpy().copy() for p in params]
        opt.step()
        ref_params = [
            REFERENCES[cls](p, g, s, **setting)
            for p, g, s, setting in zip(ref_params, grads, ref_states, settings)
        ]
        for p, ref in zip(params, ref_params):
            np.testing.assert_allclose(p.numpy(), ref, **TOL, err_msg=f"step {step}")


# ------------------------------ momentum forms
def run_rosenbrock_momentum(steps=100, **options):
    xy = tg.tensor(np.array([-1.2, 1.0]), requires_grad=True)
    opt = optim.Momentum([xy], **options)
    path = []
    for _ in range(steps):
        opt.zero_grad()
        rosenbrock(xy).backward()
        opt.step()
        path.append(xy.numpy().copy())
    return np.array(path)


def test_momentum_is_the_keras_formulation_for_a_constant_lr():
    """Keras / Sutskever: v = mu v - lr g; p += v (v_0 = 0) gives the same trajectory as v = mu v + g;
    p -= lr v."""
    lr, mu = 1e-4, 0.9
    p, v, path = np.array([-1.2, 1.0]), np.zeros(2), []
    for _ in range(100):
        v = mu * v - lr * rosenbrock_grad(p)
        p = p + v
        path.append(p)
    np.testing.assert_allclose(run_rosenbrock_momentum(lr=lr, momentum=mu), path, rtol=1e-9, atol=1e-12)


def test_momentum_with_dampening_beta_is_the_textbook_ema_started_at_the_first_gradient():
    """Textbook: v = beta v + (1 - beta) g; p -= lr v. PyTorch's buffer starts at g_1, i.e. v_0 = g_1."""
    lr, beta = 1e-4, 0.8
    p = np.array([-1.2, 1.0])
    v, path = rosenbrock_grad(p), []  # v_0 = g_1: then v_1 = beta g_1 + (1 - beta) g_1 = g_1
    for _ in range(100):
        v = beta * v + (1 - beta) * rosenbrock_grad(p)
        p = p - lr * v
        path.append(p)
    np.testing.assert_allclose(
        run_rosenbrock_momentum(lr=lr, momentum=beta, dampening=beta), path, rtol=1e-9, atol=1e-12
    )


def test_momentum_with_dampening_differs_from_the_zero_started_ema_only_by_the_first_step():
    lr, beta = 1e-4, 0.8
    p = np.array([-1.2, 1.0])
    v = np.zeros(2)
    v = beta * v + (1 - beta) * rosenbrock_grad(p)  # EMA from v_0 = 0: v_1 = (1 - beta) g_1
    first_textbook = p - lr * v
    first_ours = run_rosenbrock_momentum(steps=1, lr=lr, momentum=beta, dampening=beta)[0]
    np.testing.assert_allclose(first_ours - p, (first_textbook - p) / (1 - beta), rtol=1e-12)


# ------------------------------ PyTorch's order of operations, to the last bit
def rmsprop_in_pytorchs_order(
    p, g, s, lr, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False
):
    """torch.optim.RMSprop's single-tensor step, op for op (torch/optim/rmsprop.py): ``addcmul`` is
    v*alpha + ((1 - alpha)*g)*g, ``lerp`` is a + w*(b - a), ``addcdiv`` is p + ((-lr)*g)/avg. Checked equal to
    torch 2.13 bit for bit on this problem where torch's kernels are plain IEEE arithmetic
    (ATEN_CPU_CAPABILITY=default; its AVX2 kernels fuse multiply-adds, which numpy cannot)."""
    g = g + weight_decay * p
    s["v"] = s.get("v", np.zeros_like(p)) * alpha + ((1 - alpha) * g) * g
    if centered:
        a = s.get("g_avg", np.zeros_like(p))
        s["g_avg"] = a + (1 - alpha) * (g - a)
        avg = np.sqrt(s["v"] - s["g_avg"] * s["g_avg"]) + eps
    else:
        avg = np.sqrt(s["v"]) + eps
    if momentum > 0:
        s["b"] = s.get("b", np.zeros_like(p)) * momentum + g / avg
        return p + (-lr) * s["b"]
    return p + ((-lr) * g) / avg


RMSPROP_OPTIONS = [
    {},
    {"alpha": 0.9},
    {"momentum": 0.9},
    {"centered": True},
    {"centered": True, "momentum": 0.5},
    {"weight_decay": 0.1},
    {"centered": True, "momentum": 0.9, "weight_decay": 0.1},
    {"centered": True, "momentum": 0.9, "weight_decay": 0.01, "alpha": 0.9, "lr": 3e-3},
]


@pytest.mark.parametrize("options", RMSPROP_OPTIONS, ids=lambda o: "-".join(f"{k}={v}" for k, v in o.items()))
def test_rmsprop_computes_in_pytorchs_order_so_float64_trajectories_agree_to_the_last_bit(options):
    """Elementwise IEEE arithmetic is the same on every machine, so this holds everywhere: a different order
    (alpha*g_avg + (1 - alpha)*g instead of PyTorch's lerp) drifts from torch.optim after ~100 steps."""
    options = {"lr": 1e-3, **options}
    start = np.array([-1.2, 1.0, 0.5, -0.3, 1.5, 2.0])
    p = tg.tensor(start.copy(), requires_grad=True)
    opt = optim.RMSProp([p], **options)
    expected, state = start.copy(), {}
    for _ in range(200):
        p.grad = tg.tensor(np.concatenate([rosenbrock_grad(pair) for pair in p.numpy().reshape(3, 2)]))
        opt.step()
        grad = np.concatenate([rosenbrock_grad(pair) for pair in expected.reshape(3, 2)])
        expected = rmsprop_in_pytorchs_order(expected, grad, state, **options)
        np.testing.assert_array_equal(p.numpy(), expected)
