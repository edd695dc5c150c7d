"""More of PyTorch's losses (kl_div, margin_ranking, hinge_embedding, soft_margin, cosine_embedding,
triplet_margin, poisson_nll, gaussian_nll, multilabel_soft_margin) as functions and layers: forward against
numpy references of PyTorch's formulas, values "computed once with torch 2.13.0 (CPU)", first and second
derivatives in float64, the layers' reprs as PyTorch prints them, and the error messages.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import tensorgrad as tg
import tensorgrad.nn as nn
import tensorgrad.nn.functional as F
from tests.values import leaf

X = np.array([[0.5, -1.2, 2.0], [-0.3, 0.8, -1.5]])
X2 = np.array([[1.0, 0.4, -0.7], [0.2, -0.9, 1.1]])
X3 = np.array([[-0.6, 1.3, 0.1], [0.9, 0.5, -0.2]])
P = np.array([[0.2, 0.0, 0.8], [0.5, 0.25, 0.25]])  # probabilities, one of them 0
PM = np.array([[1.0, -1.0, 1.0], [-1.0, -1.0, 1.0]])  # +-1 labels
B01 = np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]])
CNT = np.array([[0.0, 2.0, 5.0], [1.0, 3.0, 0.0]])
VAR = np.array([[0.5, 1.5, 0.2], [2.0, 0.1, 1.0]])


def t64(a):
    return tg.tensor(np.asarray(a, dtype=np.float64))


def log_softmax(a):
    s = a - a.max(1, keepdims=True)
    return s - np.log(np.exp(s).sum(1, keepdims=True))


LX = log_softmax(X)

# computed once with torch 2.13.0 (CPU), float64 inputs as above (LX = log_softmax(X, 1))
TORCH = {
    "kl_div_mean": 0.079822292602843,
    "kl_div_batchmean": 0.239466877808528,
    "kl_div_log_target_sum": 1.279628358895814,
    "margin_ranking_loss": [[0.8, 0.0, 0.0], [0.0, 2.0, 2.9]],
    "hinge_embedding_loss": [[0.5, 1.7, 2.0], [0.8, 0.0, -1.5]],
    "soft_margin_loss": 0.715192775160028,
    "cosine_embedding_loss": [1.450381954319844, 0.0],
    "triplet_margin_loss": [1.850888803008096, 3.351991481080707],
    "triplet_margin_loss_p1_swap": 3.25,
    "poisson_nll_loss": [
        [1.648721270700128, 2.701194211912202, -2.61094390106935],
        [1.040818220681718, -0.174459071507532, 0.22313016014843],
    ],
    "poisson_nll_loss_full": 11.529759409120748,
    "gaussian_nll_loss": [
        [-0.096573590279973, 1.056065887387416, 17.42028104378295],
        [0.409073590279973, 13.29870745350298, 3.38],
    ],
    "gaussian_nll_loss_full_shared": 3.014771866538006,
    "multilabel_soft_margin_loss": [0.251392327171343, 1.617034948049182],
}


# ---------------------------------------------------------------------------- values against PyTorch
def test_kl_div_matches_pytorch_for_each_reduction_and_log_target():
    with pytest.warns(UserWarning, match="batchmean"):
        mean = F.kl_div(t64(LX), t64(P))
    np.testing.assert_allclose(mean.item(), TORCH["kl_div_mean"], rtol=1e-12)
    np.testing.assert_allclose(
        F.kl_div(t64(LX), t64(P), reduction="batchmean").item(), TORCH["kl_div_batchmean"], rtol=1e-12
    )
    log_t = np.log(P + 0.1)
    got = F.kl_div(t64(LX), t64(log_t), reduction="sum", log_target=True).item()
    np.testing.assert_allclose(got, TORCH["kl_div_log_target_sum"], rtol=1e-12)


def test_kl_div_is_the_numpy_formula_with_zero_where_target_is_zero():
    with np.errstate(divide="ignore", invalid="ignore"):
        ref = np.where(P > 0, P * (np.log(P) - LX), 0.0)
    got = F.kl_div(t64(LX), t64(P), reduction="none").numpy()
    np.testing.assert_allclose(got, ref, rtol=1e-12)
    assert np.isfinite(got).all()


def test_margin_and_embedding_losses_match_pytorch():
    cases = {
        "margin_ranking_loss": F.margin_ranking_loss(t64(X), t64(X2), t64(PM), margin=0.3, reduction="none"),
        "hinge_embedding_loss": F.hinge_embedding_loss(t64(X), t64(PM), margin=0.5, reduction="none"),
        "soft_margin_loss": F.soft_margin_loss(t64(X), t64(PM)),
        "cosine_embedding_loss": F.cosine_embedding_loss(
            t64(X), t64(X2), t64([1.0, -1.0]), margin=-0.5, reduction="none"
        ),
        "poisson_nll_loss": F.poisson_nll_loss(t64(X), t64(CNT), reduction="none"),
        "poisson_nll_loss_full": F.poisson_nll_loss(
            t64(np.abs(X)), t64(CNT), log_input=False, full=True, reduction="sum"
        ),
        "gaussian_nll_loss": F.gaussian_nll_loss(t64(X), t64(X2), t64(VAR), reduction="none"),
        "gaussian_nll_loss_full_shared": F.gaussian_nll_loss(t64(X), t64(X2), t64([0.5, 2.0]), full=True),
        "multilabel_soft_margin_loss": F.multilabel_soft_margin_loss(
            t64(X), t64(B01), weight=[0.5, 1.0, 2.0], reduction="none"
        ),
    }
    for name, value in cases.items():
        np.testing.assert_allclose(value.numpy(), TORCH[name], rtol=1e-12, atol=1e-14, err_msg=name)


def test_triplet_margin_loss_matches_pytorch():
    got = F.triplet_margin_loss(t64(X), t64(X2), t64(X3), margin=2.0, reduction="none")
    np.testing.assert_allclose(got.numpy(), TORCH["triplet_margin_loss"], rtol=1e-12)
    got = F.triplet_margin_loss(t64(X), t64(X2), t64(X3), margin=1.5, p=1, swap=True)
    np.testing.assert_allclose(got.item(), TORCH["triplet_margin_loss_p1_swap"], rtol=1e-12)
    d = lambda a, b: np.sqrt(((a - b + 1e-6) ** 2).sum(-1))  # noqa: E731 (pairwise_distance's formula)
    ref = np.maximum(d(X, X2) - d(X, X3) + 1.0, 0).mean()
    np.testing.assert_allclose(nn.TripletMarginLoss()(t64(X), t64(X2), t64(X3)).item(), ref, rtol=1e-12)


def test_losses_are_the_numpy_formulas():
    y = PM
    np.testing.assert_allclose(
        F.margin_ranking_loss(t64(X), t64(X2), t64(y), reduction="sum").item(),
        np.maximum(0, -y * (X - X2)).sum(),
    )
    hinge = np.where(y == 1, X, np.maximum(0, 1 - X))
    np.testing.assert_allclose(F.hinge_embedding_loss(t64(X), t64(y)).item(), hinge.mean())
    np.testing.assert_allclose(
        F.soft_margin_loss(t64(X), t64(y), reduction="none").numpy(), np.log1p(np.exp(-y * X))
    )
    cos = (X * X2).sum(1) / np.sqrt((X * X).sum(1) * (X2 * X2).sum(1))
    np.testing.assert_allclose(F.cosine_embedding_loss(t64(X), t64(X2), t64([1, 1])).item(), (1 - cos).mean())
    np.testing.assert_allclose(
        F.poisson_nll_loss(t64(X), t64(CNT)).item(), (np.exp(X) - CNT * X).mean(), rtol=1e-12
    )
    gauss = 0.5 * (np.log(VAR) + (X - X2) ** 2 / VAR + math.log(2 * math.pi))
    np.testing.assert_allclose(
        F.gaussian_nll_loss(t64(X), t64(X2), t64(VAR), full=True, reduction="sum").item(), gauss.sum()
    )
    sig = 1 / (1 + np.exp(-X))
    mlsm = -(B01 * np.log(sig) + (1 - B01) * np.log(1 - sig)).mean(1)
    np.testing.assert_allclose(
        F.multilabel_soft_margin_loss(t64(X), t64(B01)).item(), mlsm.mean(), rtol=1e-12
    )


def test_soft_margin_loss_is_finite_for_large_margins():
    got = F.soft_margin_loss(t64([1000.0, -1000.0]), t64([-1.0, -1.0]), reduction="none").numpy()
    np.testing.assert_allclose(got, [1000.0, 0.0])


def test_gaussian_nll_clamps_the_variance_but_passes_its_gradient_through_as_pytorch():
    var = leaf([[0.5, 1e-9, 0.2], [2.0, 0.1, 1.0]])
    F.gaussian_nll_loss(t64(X), t64(X2), var, reduction="sum").backward()
    # computed once with torch 2.13.0 (CPU)
    torch_grad = [[0.5, -1279999500000.0002, -88.625], [0.21875, -139.50000000000003, -2.8800000000000003]]
    np.testing.assert_allclose(var.grad.numpy(), torch_grad, rtol=1e-12)


# ---------------------------------------------------------------------------- derivatives
SMOOTH = {
    "kl_div": lambda x, t: F.kl_div(x, t, reduction="batchmean"),
    "kl_div_log_target": lambda x, t: F.kl_div(x, t, reduction="sum", log_target=True),
    "soft_margin_loss": lambda x, t: F.soft_margin_loss(x, t * 0 + t64(PM)),
    "poisson_nll_loss": lambda x, t: F.poisson_nll_loss(x, t, reduction="sum"),
    "poisson_nll_loss_rate_full": lambda x, t: F.poisson_nll_loss(
        x * x + 0.5, t * 3, log_input=False, full=True
    ),
    "gaussian_nll_loss": lambda x, t: F.gaussian_nll_loss(x, t, x * x + 0.3),
    "multilabel_soft_margin_loss": lambda x, t: F.multilabel_soft_margin_loss(x, t, weight=[0.5, 1.0, 2.0]),
    "cosine_embedding_loss": lambda x, t: F.cosine_embedding_loss(x, t, t64([1.0, -1.0]), margin=-0.9),
}


@pytest.mark.parametrize("name", SMOOTH)
def test_smooth_losses_differentiate_twice(name):
    fn = SMOOTH[name]
    inputs = (leaf(LX), leaf(P + 0.1))
    assert tg.gradcheck(fn, inputs)
    assert tg.gradgradcheck(fn, inputs)


PIECEWISE = {
    "margin_ranking_loss": lambda a, b: F.margin_ranking_loss(a, b, t64(PM), margin=0.3, reduction="none"),
    "hinge_embedding_loss": lambda a, b: F.hinge_embedding_loss(a - b, t64(PM), margin=0.5),
    "triplet_margin_loss": lambda a, b: F.triplet_margin_loss(a, b, t64(X3), margin=2.0, reduction="none"),
}


@pytest.mark.parametrize("name", PIECEWISE)
def test_piecewise_losses_have_correct_gradients_away_from_kinks(name):
    assert tg.gradcheck(PIECEWISE[name], (leaf(X), leaf(X2)))


# ---------------------------------------------------------------------------- layers
def test_loss_layers_call_their_functions_and_print_as_pytorch():
    layers = [
        (nn.KLDivLoss(reduction="batchmean"), (t64(LX), t64(P)), TORCH["kl_div_batchmean"]),
        (nn.MarginRankingLoss(margin=0.3), (t64(X), t64(X2), t64(PM)), np.mean(TORCH["margin_ranking_loss"])),
        (
            nn.HingeEmbeddingLoss(margin=0.5, reduction="sum"),
            (t64(X), t64(PM)),
            np.sum(TORCH["hinge_embedding_loss"]),
        ),
        (nn.SoftMarginLoss(), (t64(X), t64(PM)), TORCH["soft_margin_loss"]),
        (
            nn.CosineEmbeddingLoss(margin=-0.5),
            (t64(X), t64(X2), t64([1, -1])),
            np.mean(TORCH["cosine_embedding_loss"]),
        ),
        (nn.PoissonNLLLoss(), (t64(X), t64(CNT)), np.mean(TORCH["poisson_nll_loss"])),
        (
            nn.GaussianNLLLoss(full=True),
            (t64(X), t64(X2), t64([0.5, 2.0])),
            TORCH["gaussian_nll_loss_full_shared"],
        ),
        (
            nn.MultiLabelSoftMarginLoss(weight=tg.tensor([0.5, 1.0, 2.0], dtype=tg.float64)),
            (t64(X), t64(B01)),
            np.mean(TORCH["multilabel_soft_margin_loss"]),
        ),
    ]
    for layer, args, expected in layers:
        np.testing.assert_allclose(layer(*args).item(), expected, rtol=1e-12, err_msg=repr(layer))
        assert repr(layer) == f"{type(layer).__name__}()"  # PyTorch prints losses without settings
    assert repr(nn.TripletMarginLoss(margin=2.0, p=1, swap=True)) == "TripletMarginLoss()"
    assert repr(nn.MSELoss(reduction="sum")) == "MSELoss()"
    assert [name for name, _ in nn.MultiLabelSoftMarginLoss(weight=tg.ones(3)).named_buffers()] == ["weight"]


def test_kl_div_loss_default_mean_warns_as_pytorch():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        nn.KLDivLoss()(t64(LX), t64(P))
    assert any("batchmean" in str(w.message) for w in caught)


# ---------------------------------------------------------------------------- errors
def test_errors_name_the_loss_and_the_shapes():
    with pytest.raises(ValueError, match=r"kl_div: input of shape \(2, 3\) and target of shape \(3,\)"):
        F.kl_div(t64(LX), t64(P[0]), reduction="batchmean")
    with pytest.raises(ValueError, match="kl_div: reduction must be 'mean', 'batchmean'"):
        F.kl_div(t64(LX), t64(P), reduction="avg")
    with pytest.raises(
        ValueError, match=r"margin_ranking_loss: input1 of shape \(2, 3\), input2 of shape \(3,\)"
    ):
        F.margin_ranking_loss(t64(X), t64(X2[0]), t64(PM))
    with pytest.raises(ValueError, match=r"cosine_embedding_loss: .*target of shape \(2, 3\)"):
        F.cosine_embedding_loss(t64(X), t64(X2), t64(PM))
    with pytest.raises(ValueError, match=r"gaussian_nll_loss: var of shape \(3,\) does not fit input"):
        F.gaussian_nll_loss(t64(X), t64(X2), t64([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match="gaussian_nll_loss: var has negative"):
        F.gaussian_nll_loss(t64(X), t64(X2), t64(-VAR))
    with pytest.raises(ValueError, match="MarginRankingLoss: reduction must be"):
        nn.MarginRankingLoss(reduction="batchmean")
