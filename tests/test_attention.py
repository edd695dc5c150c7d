"""scaled_dot_product_attention and nn.MultiheadAttention: forward values against numpy references that loop
over batch items and heads (tests/attention_reference.py), first and second derivatives in float64 over
generated shapes, masks (bool, float, causal, key padding), rows with every key masked, dropout, PyTorch's
parameters and initialisation, and the error messages. (Values from PyTorch itself: test_transformer.py.)"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tensorgrad as tg
import tensorgrad.nn.functional as F
from tensorgrad import nn
from tests.attention_reference import np_mha, np_sdpa
from tests.values import leaf

SEEDS = st.integers(0, 2**32 - 1)
side = st.integers(1, 3)


def some_blocked(rng, shape):
    """A bool mask (True: takes part) with at least one key per query row."""
    keep = rng.random(shape) < 0.7
    keep[..., 0] = True
    return keep


@st.composite
def sdpa_cases(draw):
    batch = tuple(draw(st.lists(side, max_size=2)))
    length, source, embed, value_dim = draw(side), draw(side), draw(side), draw(side)
    mask = draw(st.sampled_from(["none", "bool", "float", "causal", "float-batched"]))
    scale = draw(st.sampled_from([None, 0.7]))
    return batch, length, source, embed, value_dim, mask, scale


# ---------------------------------------------------------------------------- scaled_dot_product_attention
@given(case=sdpa_cases(), seed=SEEDS)
def test_sdpa_matches_numpy_and_gradcheck_and_gradgradcheck(case, seed):
    batch, length, source, embed, value_dim, kind, scale = case
    rng = np.random.default_rng(seed)
    q_np, k_np = rng.normal(size=(*batch, length, embed)), rng.normal(size=(*batch, source, embed))
    v_np = rng.normal(size=(*batch, source, value_dim))
    q, k, v = leaf(q_np), leaf(k_np), leaf(v_np)
    mask, inputs = None, (q, k, v)
    if kind == "bool":
        mask = some_blocked(rng, (length, source))
    elif kind in ("float", "float-batched"):
        mask = leaf(
            rng.normal(size=(*batch, length, source) if kind == "float-batched" else (length, source))
        )
        inputs = (q, k, v, mask)
    causal = kind == "causal"

    def fn(*args):
        return F.scaled_dot_product_attention(
            *args[:3], mask if len(args) == 3 else args[3], 0.0, causal, scale
        )

    out = fn(*inputs)
    np_mask = mask.numpy() if isinstance(mask, tg.Tensor) else mask
    expected = np_sdpa(q_np, k_np, v_np, np_mask, causal, scale)
    assert out.shape == (*batch, length, value_dim)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-10, atol=1e-12)
    assert tg.gradcheck(fn, inputs)
    assert tg.gradgradcheck(fn, inputs)


def test_sdpa_default_scale_is_one_over_sqrt_e_and_batch_dimensions_broadcast():
    rng = np.random.default_rng(0)
    q, k, v = rng.normal(size=(2, 3, 4, 5)), rng.normal(size=(1, 3, 6, 5)), rng.normal(size=(3, 6, 2))
    out = F.scaled_dot_product_attention(tg.tensor(q), tg.tensor(k), tg.tensor(v))
    assert out.shape == (2, 3, 4, 2)
    np.testing.assert_allclose(out.numpy(), np_sdpa(q, k, v, scale=1 / math.sqrt(5)), rtol=1e-5, atol=1e-6)
    x = leaf(q[0, 0])  # unbatched (L, E) works too
    assert F.scaled_dot_product_attention(x, x, x).shape == (4, 5)


def test_sdpa_batch_broadcast_gradients_sum_back():
    rng = np.random.default_rng(1)
    q, k, v = (
        leaf(rng.normal(size=(2, 3, 2))),
        leaf(rng.normal(size=(1, 4, 2))),
        leaf(rng.normal(size=(4, 3))),
    )
    assert tg.gradcheck(F.scaled_dot_product_attention, (q, k, v))
    assert tg.gradgradcheck(F.scaled_dot_product_attention, (q, k, v))


def test_sdpa_causal_is_top_left_aligned_when_lengths_differ():
    rng = np.random.default_rng(2)
    for length, source in [(5, 3), (3, 5)]:
        q, k, v = rng.normal(size=(length, 4)), rng.normal(size=(source, 4)), rng.normal(size=(source, 2))
        out = F.scaled_dot_product_attention(tg.tensor(q), tg.tensor(k), tg.tensor(v), is_causal=True)
        keep = np.tril(np.ones((length, source), dtype=bool))  # query i sees keys 0..i
        np.testing.assert_allclose(out.numpy(), np_sdpa(q, k, v, keep), rtol=1e-12)
        assert np.allclose(out.numpy()[0], v[0])  # the first query sees only the first key


def test_sdpa_bool_mask_true_takes_part_and_float_mask_is_added():
    rng = np.random.default_rng(3)
    q, k, v = (tg.tensor(rng.normal(size=shape)) for shape in [(3, 4), (4, 4), (4, 2)])
    keep = np.array([[True, False, True, False]] * 3)
    blocked = np.where(keep, 0.0, -np.inf)
    a = F.scaled_dot_product_attention(q, k, v, tg.tensor(keep))
    b = F.scaled_dot_product_attention(q, k, v, tg.tensor(blocked))
    np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12)
    c = F.scaled_dot_product_attention(q[:, :], k[[0, 2]], v[[0, 2]])  # as if the masked keys were not there
    np.testing.assert_allclose(a.numpy(), c.numpy(), rtol=1e-12)


def test_sdpa_fully_masked_rows_give_zero_output_and_zero_gradient_as_pytorch():
    # PyTorch 2.13: F.scaled_dot_product_attention gives 0 for a query whose keys are all masked (its
    # "safe softmax"), and a gradient of 0 for that query; the other rows are unaffected
    rng = np.random.default_rng(4)
    q, k, v = (
        leaf(rng.normal(size=(2, 3, 4))),
        leaf(rng.normal(size=(2, 5, 4))),
        leaf(rng.normal(size=(2, 5, 4))),
    )
    keep = np.ones((3, 5), dtype=bool)
    keep[1] = False
    out = F.scaled_dot_product_attention(q, k, v, keep)
    np.testing.assert_array_equal(out.numpy()[:, 1], 0.0)
    np.testing.assert_allclose(
        out.numpy()[:, [0, 2]], F.scaled_dot_product_attention(q[:, [0, 2]], k, v).numpy()
    )
    out.sum().backward()
    np.testing.assert_array_equal(q.grad.numpy()[:, 1], 0.0)
    assert np.isfinite(k.grad.numpy()).all() and np.isfinite(v.grad.numpy()).all()
    float_mask = np.where(keep, 0.0, -np.inf)
    np.testing.assert_array_equal(F.scaled_dot_product_attention(q, k, v, float_mask).numpy()[:, 1], 0.0)
    assert tg.gradgradcheck(lambda a, b, c: F.scaled_dot_product_attention(a, b, c, keep), (q, k, v))


def test_sdpa_learned_float_mask_gets_a_gradient():
    rng = np.random.default_rng(5)
    q, k, v = (tg.tensor(rng.normal(size=(2, 3, 4))) for _ in range(3))
    bias = leaf(rng.normal(size=(3, 3)))
    assert tg.gradcheck(lambda b: F.scaled_dot_product_attention(q, k, v, b), (bias,))
    assert tg.gradgradcheck(lambda b: F.scaled_dot_product_attention(q, k, v, b), (bias,))


def test_sdpa_dropout_applies_whenever_p_is_positive_and_is_reproducible():
    rng = np.random.default_rng(6)
    q, k, v = (tg.tensor(rng.normal(size=(4, 8, 8)), dtype=tg.float32) for _ in range(3))
    plain = F.scaled_dot_product_attention(q, k, v)
    tg.manual_seed(0)
    a = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    tg.manual_seed(0)
    b = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert not np.allclose(a.numpy(), plain.numpy())
    np.testing.assert_array_equal(F.scaled_dot_product_attention(q, k, v, dropout_p=1.0).numpy(), 0.0)
    # weights dropped with probability p, the others scaled by 1 / (1 - p): identity values show them
    eye = tg.tensor(np.broadcast_to(np.eye(8), (4, 8, 8)).copy(), dtype=tg.float32)
    tg.manual_seed(1)
    dropped = F.scaled_dot_product_attention(q, k, eye, dropout_p=0.25).numpy()
    weights = F.scaled_dot_product_attention(q, k, eye).numpy()
    kept = dropped != 0
    np.testing.assert_allclose(dropped[kept], weights[kept] / 0.75, rtol=1e-5)
    assert 0.6 < kept.mean() < 0.9


def test_sdpa_dropout_gradcheck_with_a_fixed_mask():
    rng = np.random.default_rng(7)
    q, k, v = (
        leaf(rng.normal(size=(2, 3, 2))),
        leaf(rng.normal(size=(2, 4, 2))),
        leaf(rng.normal(size=(2, 4, 3))),
    )

    def fixed(*args):
        tg.manual_seed(11)  # the same mask at every call of the finite differences
        return F.scaled_dot_product_attention(*args, dropout_p=0.4)

    assert tg.gradcheck(fixed, (q, k, v))
    assert tg.gradgradcheck(fixed, (q, k, v))


def test_sdpa_grouped_query_attention_shares_key_and_value_heads():
    rng = np.random.default_rng(8)
    q, k, v = rng.normal(size=(2, 4, 3, 2)), rng.normal(size=(2, 2, 5, 2)), rng.normal(size=(2, 2, 5, 3))
    out = F.scaled_dot_product_attention(tg.tensor(q), tg.tensor(k), tg.tensor(v), enable_gqa=True)
    expected = np_sdpa(q, np.repeat(k, 2, axis=1), np.repeat(v, 2, axis=1))  # heads 0, 1 share key head 0
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12)
    with pytest.raises(ValueError, match="enable_gqa=True key and value need the same number of heads"):
        F.scaled_dot_product_attention(
            tg.tensor(q), tg.tensor(k[:, :1].repeat(3, 1)), tg.tensor(v), enable_gqa=True
        )


def test_sdpa_keeps_float32():
    x = tg.randn(2, 3, 4)
    assert F.scaled_dot_product_attention(x, x, x, is_causal=True).dtype == np.float32
    assert F.scaled_dot_product_attention(x, x, x, tg.zeros(3, 3, dtype=tg.float64)).dtype == np.float32


def test_sdpa_records_one_node_for_the_attention_core():
    x = tg.randn(2, 3, 4, requires_grad=True)
    out = F.scaled_dot_product_attention(x, x, x, is_causal=True)
    assert out.grad_fn.name == "Attention"
    assert out.grad_fn.params["scale"] == 0.5 and out.grad_fn.params["causal"] is True
    assert out.grad_fn.inputs == (x, x, x)


# ---------------------------------------------------------------------------- sdpa errors
def test_sdpa_mask_of_the_wrong_shape_names_the_op_and_the_shapes():
    x = tg.randn(2, 3, 4)
    expected = (
        r"scaled_dot_product_attention: attn_mask of shape \(4, 3\) does not broadcast to the attention "
        r"scores' shape \(\.\.\., L, S\) = \(2, 3, 3\): expected a mask of shape \(L, S\) = \(3, 3\)"
    )
    with pytest.raises(ValueError, match=expected):
        F.scaled_dot_product_attention(x, x, x, tg.zeros(4, 3))


def test_sdpa_mismatched_sizes_are_errors():
    q = tg.randn(2, 3, 4)
    with pytest.raises(
        ValueError, match=r"query and key must have the same embedding size E.*key \(2, 5, 3\)"
    ):
        F.scaled_dot_product_attention(q, tg.randn(2, 5, 3), tg.randn(2, 5, 4))
    with pytest.raises(ValueError, match=r"key and value must have the same sequence length S"):
        F.scaled_dot_product_attention(q, tg.randn(2, 5, 4), tg.randn(2, 6, 4))
    with pytest.raises(ValueError, match=r"batch dimensions .* do not broadcast"):
        F.scaled_dot_product_attention(q, tg.randn(3, 5, 4), tg.randn(3, 5, 4))
    with pytest.raises(ValueError, match="need at least 2 dimensions"):
        F.scaled_dot_product_attention(tg.randn(4), tg.randn(4), tg.randn(4))


def test_sdpa_bad_arguments_are_errors():
    x = tg.randn(3, 4)
    with pytest.raises(ValueError, match="give attn_mask or is_causal=True, not both"):
        F.scaled_dot_product_attention(x, x, x, tg.ones(3, 3, dtype=tg.bool), is_causal=True)
    with pytest.raises(TypeError, match="attn_mask must be bool .* or floating .*got dtype int64"):
        F.scaled_dot_product_attention(x, x, x, tg.tensor(np.ones((3, 3), dtype=np.int64)))
    with pytest.raises(TypeError, match="one floating dtype"):
        F.scaled_dot_product_attention(x, x, x.double())
    with pytest.raises(ValueError, match=r"dropout_p must be a probability in \[0, 1\]"):
        F.scaled_dot_product_attention(x, x, x, dropout_p=1.5)


# ---------------------------------------------------------------------------- MultiheadAttention
def state_of(module):
    return {k: v.numpy().astype(np.float64) for k, v in module.state_dict().items()}


def randomise(module, seed):
    """Parameters away from their initial zeros (biases), so that every one shows in the output."""
    rng = np.random.default_rng(seed)
    with tg.no_grad():
        for p in module.parameters():
            p.copy_(tg.tensor(rng.normal(0, 0.5, p.shape), dtype=p.dtype))
    return module


@st.composite
def mha_cases(draw):
    heads = draw(st.integers(1, 2))
    embed = heads * draw(st.integers(1, 2))
    batch, length, source = draw(st.integers(1, 2)), draw(side), draw(side)
    return {
        "heads": heads,
        "embed": embed,
        "batch": batch,
        "length": length,
        "source": source,
        "batch_first": draw(st.booleans()),
        "unbatched": draw(st.booleans()),
        "self": draw(st.booleans()),
        "attn_mask": draw(st.sampled_from(["none", "bool", "float", "bool3d", "float3d"])),
        "kpm": draw(st.sampled_from(["none", "bool", "float"])),
        "need_weights": draw(st.booleans()),
        "average": draw(st.booleans()),
    }


def mha_inputs(case, rng):
    n, length, source, embed, heads = (
        case["batch"],
        case["length"],
        case["source"],
        case["embed"],
        case["heads"],
    )
    if case["self"]:
        source = length
    if case["unbatched"]:
        n = 1

    def shape(t):
        if case["unbatched"]:
            return (t, embed)
        return (n, t, embed) if case["batch_first"] else (t, n, embed)

    query = rng.normal(size=shape(length))
    key = query if case["self"] else rng.normal(size=shape(source))
    value = query if case["self"] else rng.normal(size=shape(source))
    keep = np.ones((n * heads, length, source), dtype=bool)
    keep[:, :, 1:] = rng.random((n * heads, length, source - 1)) < 0.7  # key 0 always takes part
    attn_mask = {
        "none": None,
        "bool": ~keep[0],
        "float": rng.normal(size=(length, source)),
        "bool3d": ~keep,
        "float3d": rng.normal(size=(n * heads, length, source)),
    }[case["attn_mask"]]
    if case["unbatched"] and attn_mask is not None and attn_mask.ndim == 3:
        attn_mask = attn_mask[:heads]
    pad = np.zeros((n, source), dtype=bool)
    pad[:, 1:] = rng.random((n, source - 1)) < 0.3
    kpm = {"none": None, "bool": pad, "float": rng.normal(size=(n, source))}[case["kpm"]]
    if case["unbatched"] and kpm is not None:
        kpm = kpm[0]
    return query, key, value, attn_mask, kpm


@given(case=mha_cases(), seed=SEEDS)
def test_multihead_attention_matches_numpy_and_gradcheck_and_gradgradcheck(case, seed):
    rng = np.random.default_rng(seed)
    mha = randomise(
        nn.MultiheadAttention(case["embed"], case["heads"], batch_first=case["batch_first"]), seed
    )
    mha.double()
    query, key, value, attn_mask, kpm = mha_inputs(case, rng)
    q = leaf(query)
    k, v = (q, q) if case["self"] else (leaf(key), leaf(value))
    masks = {"attn_mask": attn_mask, "key_padding_mask": kpm}
    out, weights = mha(
        q, k, v, **masks, need_weights=case["need_weights"], average_attn_weights=case["average"]
    )
    ref_out, ref_weights = np_mha(
        query, key, value, state_of(mha), case["heads"], kpm, attn_mask, case["batch_first"],
        average=case["average"], safe=not case["need_weights"],
    )  # fmt: skip
    np.testing.assert_allclose(out.numpy(), ref_out, rtol=1e-10, atol=1e-12)
    if case["need_weights"]:
        np.testing.assert_allclose(weights.numpy(), ref_weights, rtol=1e-10, atol=1e-12)
    else:
        assert weights is None

    inputs = (q,) if case["self"] else (q, k, v)
    params = tuple(mha.parameters())

    def fn(*args):
        a, b, c = (args[0],) * 3 if case["self"] else args[:3]
        o, w = mha(a, b, c, **masks, need_weights=case["need_weights"], average_attn_weights=case["average"])
        return o if w is None else (o, w)

    assert tg.gradcheck(fn, (*inputs, *params))
    assert tg.gradgradcheck(fn, (*inputs, *params))


def test_multihead_attention_has_pytorchs_parameters_and_initialisation():
    tg.manual_seed(0)
    mha = nn.MultiheadAttention(8, 2)
    names = [(n, p.shape) for n, p in mha.named_parameters()]
    assert names == [
        ("in_proj_weight", (24, 8)),
        ("in_proj_bias", (24,)),
        ("out_proj.weight", (8, 8)),
        ("out_proj.bias", (8,)),
    ]
    np.testing.assert_array_equal(mha.in_proj_bias.numpy(), 0.0)
    np.testing.assert_array_equal(mha.out_proj.bias.numpy(), 0.0)
    bound = math.sqrt(6 / (8 + 24))  # xavier uniform, fan_in 8, fan_out 24
    assert np.abs(mha.in_proj_weight.numpy()).max() <= bound
    assert np.abs(mha.in_proj_weight.numpy()).max() > 0.8 * bound
    assert np.abs(mha.out_proj.weight.numpy()).max() <= 1 / math.sqrt(8)  # Linear's default
    assert (mha.embed_dim, mha.num_heads, mha.head_dim, mha.kdim, mha.vdim) == (8, 2, 4, 8, 8)
    assert mha._qkv_same_embed_dim and mha.bias_k is None and mha.bias_v is None
    assert repr(mha) == (
        "MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, "
        "bias=True)\n)"
    )


def test_multihead_attention_with_other_key_and_value_sizes_has_separate_weights():
    mha = nn.MultiheadAttention(4, 2, kdim=3, vdim=5)
    assert list(mha.state_dict()) == [
        "q_proj_weight",
        "k_proj_weight",
        "v_proj_weight",
        "in_proj_bias",
        "out_proj.weight",
        "out_proj.bias",
    ]
    assert (mha.q_proj_weight.shape, mha.k_proj_weight.shape, mha.v_proj_weight.shape) == (
        (4, 4),
        (4, 3),
        (4, 5),
    )
    assert mha.in_proj_weight is None and not mha._qkv_same_embed_dim
    randomise(mha, 0).double()
    rng = np.random.default_rng(0)
    query, key, value = rng.normal(size=(2, 3, 4)), rng.normal(size=(5, 3, 3)), rng.normal(size=(5, 3, 5))
    q, k, v = leaf(query), leaf(key), leaf(value)
    out, weights = mha(q, k, v)
    ref_out, ref_weights = np_mha(query, key, value, state_of(mha), 2)
    np.testing.assert_allclose(out.numpy(), ref_out, rtol=1e-10)
    np.testing.assert_allclose(weights.numpy(), ref_weights, rtol=1e-10)
    assert tg.gradcheck(lambda *a: mha(*a[:3])[0], (q, k, v, *mha.parameters()))


def test_multihead_attention_without_bias():
    mha = nn.MultiheadAttention(4, 2, bias=False)
    assert list(mha.state_dict()) == ["in_proj_weight", "out_proj.weight"]
    randomise(mha, 1).double()
    x = np.random.default_rng(1).normal(size=(3, 2, 4))
    out, _ = mha(tg.tensor(x), tg.tensor(x), tg.tensor(x))
    np.testing.assert_allclose(out.numpy(), np_mha(x, x, x, state_of(mha), 2)[0], rtol=1e-10)


@pytest.mark.parametrize("add_bias_kv, add_zero_attn", [(True, False), (False, True), (True, True)])
def test_multihead_attention_bias_kv_and_zero_attn_add_a_key(add_bias_kv, add_zero_attn):
    tg.manual_seed(0)
    mha = nn.MultiheadAttention(4, 2, add_bias_kv=add_bias_kv, add_zero_attn=add_zero_attn, batch_first=True)
    if add_bias_kv:
        assert list(mha.state_dict())[:4] == ["in_proj_weight", "in_proj_bias", "bias_k", "bias_v"]
        assert mha.bias_k.shape == (1, 1, 4) and np.abs(mha.bias_k.numpy()).max() > 0  # xavier normal
    randomise(mha, 2).double()
    rng = np.random.default_rng(2)
    query, key = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 5, 4))
    attn_mask, kpm = rng.random((3, 5)) < 0.3, np.array([[False] * 5, [False, False, True, True, True]])
    q, k = leaf(query), leaf(key)
    out, weights = mha(q, k, k, key_padding_mask=kpm, attn_mask=attn_mask)
    extra = int(add_bias_kv) + int(add_zero_attn)
    assert weights.shape == (2, 3, 5 + extra)
    ref_out, ref_weights = np_mha(
        query, key, key, state_of(mha), 2, kpm, attn_mask, True, add_zero_attn=add_zero_attn
    )
    np.testing.assert_allclose(out.numpy(), ref_out, rtol=1e-10)
    np.testing.assert_allclose(weights.numpy(), ref_weights, rtol=1e-10, atol=1e-15)
    assert tg.gradcheck(lambda a, b, *p: mha(a, b, b, key_padding_mask=kpm)[0], (q, k, *mha.parameters()))


def test_multihead_attention_dropout_acts_in_training_only():
    mha = nn.MultiheadAttention(8, 2, dropout=0.5, batch_first=True)
    x = tg.randn(2, 6, 8)
    mha.eval()
    a, wa = mha(x, x, x)
    b, _ = mha(x, x, x)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    np.testing.assert_allclose(wa.numpy().sum(-1), 1.0, rtol=1e-5)
    mha.train()
    tg.manual_seed(0)
    c, wc = mha(x, x, x, average_attn_weights=False)
    assert not np.allclose(c.numpy(), a.numpy())
    kept = wc.numpy() != 0
    assert 0.3 < kept.mean() < 0.7  # the weights returned are the dropped ones, as PyTorch's
    tg.manual_seed(0)
    d, _ = mha(x, x, x, need_weights=False)  # the same draw: the same output
    np.testing.assert_allclose(d.numpy(), c.numpy(), rtol=1e-5, atol=1e-6)


def test_multihead_attention_dropout_gradcheck_with_a_fixed_mask_and_weights_returned():
    mha = randomise(nn.MultiheadAttention(4, 2, dropout=0.3, batch_first=True), 6).double()
    x = leaf(np.random.default_rng(6).normal(size=(2, 3, 4)))

    def fn(a, *params):
        tg.manual_seed(5)  # the same dropout mask at every call
        return mha(a, a, a)

    assert tg.gradcheck(fn, (x, *mha.parameters()))
    assert tg.gradgradcheck(fn, (x, *mha.parameters()))


def test_multihead_attention_fully_masked_rows_are_nan_with_weights_and_zero_without():
    # PyTorch 2.13: with need_weights=True its explicit softmax gives NaN for a sequence whose keys are all
    # padding; with need_weights=False it calls scaled_dot_product_attention, which gives 0 (then out_proj's
    # bias) - except in evaluation without gradients, where its fused kernel gives NaN again
    mha = randomise(nn.MultiheadAttention(4, 2, batch_first=True), 3)
    x = tg.randn(2, 3, 4)
    kpm = np.array([[False, False, False], [True, True, True]])
    out, weights = mha(x, x, x, key_padding_mask=kpm)
    assert np.isnan(out.numpy()[1]).all() and np.isnan(weights.numpy()[1]).all()
    assert np.isfinite(out.numpy()[0]).all()
    out, _ = mha(x, x, x, key_padding_mask=kpm, need_weights=False)
    np.testing.assert_allclose(out.numpy()[1], np.broadcast_to(mha.out_proj.bias.numpy(), (3, 4)), rtol=1e-6)
    mha.eval()
    out, _ = mha(x, x, x, key_padding_mask=kpm, need_weights=False)  # parameters require grad: no fused path
    assert np.isfinite(out.numpy()).all()
    with tg.no_grad():
        out, _ = mha(x, x, x, key_padding_mask=kpm, need_weights=False)
        assert np.isnan(out.numpy()[1]).all() and np.isfinite(out.numpy()[0]).all()
        out, _ = mha(x, x, x, key_padding_mask=kpm.astype(np.float32) * -1e30, need_weights=False)
        assert np.isfinite(out.numpy()).all()  # a float mask: PyTorch's general path


def test_multihead_attention_is_causal_needs_the_mask_and_then_uses_it():
    mha = randomise(nn.MultiheadAttention(4, 2, batch_first=True), 4)
    x = tg.randn(2, 5, 4)
    mask = nn.Transformer.generate_square_subsequent_mask(5)
    with pytest.raises(ValueError, match="is_causal=True is a hint that attn_mask is the causal mask"):
        mha(x, x, x, is_causal=True)
    a, _ = mha(x, x, x, attn_mask=mask, need_weights=False)
    b, _ = mha(x, x, x, attn_mask=mask, is_causal=True, need_weights=False)
    np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6)


def test_multi_head_attention_forward_is_pytorchs_function():
    mha = randomise(nn.MultiheadAttention(4, 2), 5)
    x = tg.randn(3, 2, 4)
    expected, _ = mha(x, x, x, need_weights=False)
    out, weights = F.multi_head_attention_forward(
        x, x, x, 4, 2, mha.in_proj_weight, mha.in_proj_bias, None, None, False, 0.0,
        mha.out_proj.weight, mha.out_proj.bias, need_weights=False,
    )  # fmt: skip
    assert weights is None
    np.testing.assert_allclose(out.numpy(), expected.numpy(), rtol=1e-6)


def test_multi_head_attention_forward_static_keys_and_values_replace_the_projections():
    mha = randomise(nn.MultiheadAttention(4, 2), 7).double()
    rng = np.random.default_rng(7)
    query, key = tg.tensor(rng.normal(size=(3, 2, 4))), tg.tensor(rng.normal(size=(5, 2, 4)))
    expected, _ = mha(query, key, key)
    w_k, w_v = mha.in_proj_weight[4:8], mha.in_proj_weight[8:]
    b_k, b_v = mha.in_proj_bias[4:8], mha.in_proj_bias[8:]

    def heads(t):  # (S, N, E) -> (N * heads, S, head_dim), PyTorch's layout of static_k
        return t.reshape(5, 2 * 2, 2).transpose(0, 1)

    static_k, static_v = heads(key @ w_k.T + b_k), heads(key @ w_v.T + b_v)
    out, _ = F.multi_head_attention_forward(
        query, key, key, 4, 2, mha.in_proj_weight, mha.in_proj_bias, None, None, False, 0.0,
        mha.out_proj.weight, mha.out_proj.bias, static_k=static_k, static_v=static_v,
    )  # fmt: skip
    np.testing.assert_allclose(out.numpy(), expected.numpy(), rtol=1e-10)


# ---------------------------------------------------------------------------- MultiheadAttention errors
def test_multihead_attention_embed_dim_not_divisible_by_heads_is_an_error():
    with pytest.raises(
        ValueError, match="embed_dim must be divisible by num_heads.*embed_dim=10 and num_heads=3"
    ):
        nn.MultiheadAttention(10, 3)
    with pytest.raises(ValueError, match="must be greater than 0"):
        nn.MultiheadAttention(0, 1)


def test_multihead_attention_mask_shapes_are_checked_with_clear_messages():
    mha = nn.MultiheadAttention(4, 2, batch_first=True)
    x = tg.randn(2, 3, 4)
    expected = (
        r"MultiheadAttention: the 2-D attn_mask has shape \(3, 4\), expected \(3, 3\) \(query length L=3, "
        r"key length S=3, batch N=2, num_heads=2\)"
    )
    with pytest.raises(ValueError, match=expected):
        mha(x, x, x, attn_mask=tg.zeros(3, 4))
    with pytest.raises(ValueError, match=r"the 3-D attn_mask has shape \(2, 3, 3\), expected \(4, 3, 3\)"):
        mha(x, x, x, attn_mask=tg.zeros(2, 3, 3))
    with pytest.raises(
        ValueError, match=r"key_padding_mask has shape \(2, 5\), expected \(N, S\) = \(2, 3\)"
    ):
        mha(x, x, x, key_padding_mask=tg.zeros(2, 5, dtype=tg.bool))
    with pytest.raises(ValueError, match=r"key_padding_mask must be 2-D \(\(N, S\)\), got shape \(3,\)"):
        mha(x, x, x, key_padding_mask=tg.zeros(3, dtype=tg.bool))
    with pytest.raises(TypeError, match="key_padding_mask must be bool .*got dtype int64"):
        mha(x, x, x, key_padding_mask=tg.zeros(2, 3, dtype=tg.int64))


def test_multihead_attention_input_shapes_are_checked_with_clear_messages():
    mha = nn.MultiheadAttention(4, 2)
    with pytest.raises(ValueError, match=r"expected an embedding dimension of 4, got query \(3, 2, 5\)"):
        mha(tg.randn(3, 2, 5), tg.randn(3, 2, 5), tg.randn(3, 2, 5))
    with pytest.raises(ValueError, match="for a 3-D query, key and value must be 3-D too"):
        mha(tg.randn(3, 2, 4), tg.randn(3, 4), tg.randn(3, 4))
    with pytest.raises(ValueError, match=r"query must be \(L, N, E\), \(N, L, E\) or unbatched \(L, E\)"):
        mha(tg.randn(4), tg.randn(4), tg.randn(4))
    with pytest.raises(
        ValueError, match="key and value need the batch size and sequence length of each other"
    ):
        mha(tg.randn(3, 2, 4), tg.randn(5, 2, 4), tg.randn(6, 2, 4))
