"""Transformer layers: PyTorch's outputs and gradients (tests/fixtures/attention.npz, made by
scripts/make_sequence_fixtures_attention.py) for LayerNorm, MultiheadAttention, TransformerEncoder and
Transformer loaded from PyTorch's state dicts; the encoder layer against a numpy reference and through
gradcheck / gradgradcheck over generated options; PyTorch's state dict keys, deep-copied layers, causal masks,
dropout in training only, the corners of PyTorch's inference paths, and the error messages."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tensorgrad as tg
from tensorgrad import nn
from tests.attention_reference import np_encoder_layer
from tests.values import leaf

FEW = settings(max_examples=min(10, settings.default.max_examples))  # a layer's gradgradcheck: ~0.3 s each
SEEDS = st.integers(0, 2**32 - 1)
FIXTURE = np.load(Path(__file__).parent / "fixtures" / "attention.npz")


# ---------------------------------------------------------------------------- PyTorch's values
def unpack(key: str) -> dict[str, np.ndarray]:
    """A packed group of arrays (the values one after another, and an index of ``name:shape``)."""
    flat, index, arrays, at = FIXTURE[key], FIXTURE[key + "_index"], {}, 0
    for entry in index:
        name, shape_text = str(entry).rsplit(":", 1)
        shape = tuple(int(n) for n in shape_text.split("x")) if shape_text else ()
        size = int(np.prod(shape))
        arrays[name] = flat[at : at + size].reshape(shape)
        at += size
    return arrays


def close(got: np.ndarray, expected: np.ndarray, what: str) -> None:
    """float32 agreement: |got - expected| <= 1e-6 * max(1, max|expected|) + 1e-5 * |expected|
    (the absolute part scaled to the array: a gradient summed from terms of size 10 carries rounding of
    that size)."""
    scale = max(1.0, float(np.nanmax(np.abs(expected))) if expected.size else 1.0)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6 * scale, err_msg=what)


def check_against_pytorch(case: str, module: nn.Module, inputs: list[str], run) -> None:
    state = unpack(f"{case}/state")
    assert list(module.state_dict()) == list(state)  # PyTorch's keys, in PyTorch's order
    module.load_state_dict(state)
    args = {}
    for name in inputs:
        args[name] = tg.tensor(
            FIXTURE[f"{case}/in/{name}"], requires_grad=f"{case}/grad_in/{name}" in FIXTURE
        )
    outputs = run(module, args)
    loss = None
    for name, out in outputs.items():
        assert out.dtype == np.float32
        close(out.numpy(), FIXTURE[f"{case}/out/{name}"], f"{case}: output {name}")
        if f"{case}/probe/{name}" in FIXTURE:
            term = (out * FIXTURE[f"{case}/probe/{name}"]).sum()
            loss = term if loss is None else loss + term
    if loss is None:
        return
    loss.backward()
    for name, t in args.items():
        if t.requires_grad:
            close(t.grad.numpy(), FIXTURE[f"{case}/grad_in/{name}"], f"{case}: gradient of input {name}")
    expected = unpack(f"{case}/grad")
    for name, p in module.named_parameters():
        close(p.grad.numpy(), expected[name], f"{case}: gradient of {name}")


def mask(case: str, name: str) -> tg.Tensor:
    return tg.tensor(FIXTURE[f"{case}/in/{name}"])


def test_layer_norm_matches_pytorch():
    check_against_pytorch("ln", nn.LayerNorm((3, 4)), ["x"], lambda m, a: {"y": m(a["x"])})


def test_multihead_self_attention_with_bool_masks_and_weights_matches_pytorch():
    def run(m, a):
        x = a["x"]
        kpm, attn = mask("mha_self", "key_padding_mask"), mask("mha_self", "attn_mask")
        out, weights = m(x, x, x, key_padding_mask=kpm, attn_mask=attn, need_weights=True)
        return {"out": out, "weights": weights}

    check_against_pytorch("mha_self", nn.MultiheadAttention(8, 2, batch_first=True), ["x"], run)


def test_multihead_cross_attention_with_float_masks_and_kdim_vdim_matches_pytorch():
    def run(m, a):
        kpm, attn = mask("mha_cross", "key_padding_mask"), mask("mha_cross", "attn_mask")
        out, weights = m(a["q"], a["k"], a["v"], key_padding_mask=kpm, attn_mask=attn, need_weights=False)
        assert weights is None
        return {"out": out}

    module = nn.MultiheadAttention(8, 2, kdim=5, vdim=6, batch_first=True)
    check_against_pytorch("mha_cross", module, ["q", "k", "v"], run)


def test_post_norm_encoder_with_causal_and_padding_masks_matches_pytorch():
    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True)
    encoder = nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(8), enable_nested_tensor=False)

    def run(m, a):
        kpm = mask("enc_post", "src_key_padding_mask")
        return {"y": m(a["x"], mask=mask("enc_post", "mask"), src_key_padding_mask=kpm)}

    check_against_pytorch("enc_post", encoder, ["x"], run)


def test_pre_norm_gelu_encoder_in_eval_mode_matches_pytorch():
    layer = nn.TransformerEncoderLayer(
        8, 2, 16, dropout=0.1, activation="gelu", batch_first=True, norm_first=True
    )
    encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False).eval()
    check_against_pytorch(
        "enc_pre", encoder, ["x"], lambda m, a: {"y": m(a["x"], mask=mask("enc_pre", "mask"))}
    )


def test_encoder_inference_with_padding_gives_zeros_at_padded_positions_as_pytorch():
    # PyTorch's nested-tensor path (eval, no gradients, a key padding mask): the padded positions come out
    # 0 before the final norm, so its bias after it
    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.1, batch_first=True)
    encoder = nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(8)).eval()

    def run(m, a):
        with tg.no_grad():
            return {"y": m(a["x"], src_key_padding_mask=mask("enc_nested", "src_key_padding_mask"))}

    check_against_pytorch("enc_nested", encoder, ["x"], run)


def test_transformer_encoder_decoder_matches_pytorch():
    model = nn.Transformer(8, 2, 1, 1, 16, dropout=0.0, batch_first=True)

    def run(m, a):
        kpm = mask("transformer", "src_key_padding_mask")
        out = m(a["src"], a["tgt"], tgt_mask=mask("transformer", "tgt_mask"), src_key_padding_mask=kpm,
                memory_key_padding_mask=kpm)  # fmt: skip
        return {"y": out}

    check_against_pytorch("transformer", model, ["src", "tgt"], run)


# ---------------------------------------------------------------------------- the encoder layer
def randomise(module, seed):
    rng = np.random.default_rng(seed)
    with tg.no_grad():
        for p in module.parameters():
            p.copy_(tg.tensor(rng.normal(0, 0.4, p.shape), dtype=p.dtype))
    return module


@FEW
@given(
    norm_first=st.booleans(),
    batch_first=st.booleans(),
    activation=st.sampled_from(["relu", "gelu"]),
    masks=st.sampled_from(["none", "causal", "padding", "both"]),
    seed=SEEDS,
)
def test_encoder_layer_matches_numpy_and_gradcheck_and_gradgradcheck(
    norm_first, batch_first, activation, masks, seed
):
    d_model, heads, length, batch = 4, 2, 3, 2
    layer = nn.TransformerEncoderLayer(
        d_model, heads, 6, dropout=0.0, activation=activation, batch_first=batch_first, norm_first=norm_first
    )
    randomise(layer, seed).double()
    rng = np.random.default_rng(seed)
    x_np = rng.normal(size=(batch, length, d_model) if batch_first else (length, batch, d_model))
    src_mask = nn.Transformer.generate_square_subsequent_mask(length, dtype=tg.float64)
    src_mask = src_mask if masks in ("causal", "both") else None
    kpm = np.array([[False, False, False], [False, False, True]]) if masks in ("padding", "both") else None
    state = {k: v.numpy() for k, v in layer.state_dict().items()}
    expected = np_encoder_layer(
        x_np,
        state,
        heads,
        norm_first,
        activation,
        None if src_mask is None else src_mask.numpy(),
        kpm,
        batch_first,
    )
    x = leaf(x_np)
    np.testing.assert_allclose(layer(x, src_mask, kpm).numpy(), expected, rtol=1e-9, atol=1e-11)

    params = tuple(layer.parameters())
    check = (x, *params[:2], *params[-4:])  # the input, the attention's in-projection, the norms' parameters

    def fn(*args):
        return layer(args[0], src_mask, kpm)

    assert tg.gradcheck(fn, check)
    assert tg.gradgradcheck(fn, check)


def test_encoder_layer_gradients_reach_every_parameter():
    layer = randomise(nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0), 0).double()
    x = leaf(np.random.default_rng(0).normal(size=(3, 2, 4)))
    assert tg.gradcheck(lambda *a: layer(a[0]), (x, *layer.parameters()))


def test_encoder_layer_has_pytorchs_submodules_and_state_dict_keys():
    layer = nn.TransformerEncoderLayer(8, 2, 16)
    assert [name for name, _ in layer.named_children()] == [
        "self_attn", "linear1", "dropout", "linear2", "norm1", "norm2", "dropout1", "dropout2",
    ]  # fmt: skip
    assert list(layer.state_dict()) == [
        "self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight",
        "self_attn.out_proj.bias", "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias",
        "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias",
    ]  # fmt: skip
    assert layer.activation_relu_or_gelu == 1 and layer.dropout.p == 0.1 and not layer.norm_first
    assert nn.TransformerEncoderLayer(8, 2, activation="gelu").activation_relu_or_gelu == 2
    assert nn.TransformerEncoderLayer(8, 2, activation=nn.GELU()).activation_relu_or_gelu == 2
    custom = nn.TransformerEncoderLayer(8, 2, activation=tg.tanh)
    assert custom.activation is tg.tanh and custom.activation_relu_or_gelu == 0
    no_bias = nn.TransformerEncoderLayer(8, 2, 16, bias=False)
    assert [k for k in no_bias.state_dict() if "bias" in k] == []


def test_encoder_layer_with_a_module_activation_registers_it():
    layer = nn.TransformerEncoderLayer(4, 2, 6, activation=nn.GELU())
    assert "activation" in dict(layer.named_children())
    x = tg.randn(3, 2, 4)
    layer.eval()
    expected = nn.TransformerEncoderLayer(4, 2, 6, activation="gelu").eval()
    expected.load_state_dict(layer.state_dict())
    np.testing.assert_allclose(layer(x).numpy(), expected(x).numpy(), rtol=1e-6)


def test_encoder_layer_dropout_acts_in_training_only():
    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.3, batch_first=True)
    x = tg.randn(2, 5, 8)
    layer.eval()
    np.testing.assert_array_equal(layer(x).numpy(), layer(x).numpy())
    layer.train()
    tg.manual_seed(0)
    a = layer(x).numpy()
    tg.manual_seed(0)
    np.testing.assert_array_equal(layer(x).numpy(), a)  # reproducible with the seed
    assert not np.allclose(layer(x).numpy(), a)
    assert not np.allclose(layer.eval()(x).numpy(), a)


def test_encoder_layer_is_causal_hint_needs_the_mask():
    layer = nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0)
    with pytest.raises(ValueError, match="is_causal=True is a hint that attn_mask is the causal mask"):
        layer(tg.randn(3, 2, 4), is_causal=True)


def test_encoder_layer_unbatched_input():
    layer = nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0)
    x = tg.randn(3, 4)
    np.testing.assert_allclose(layer(x).numpy(), layer(x.unsqueeze(1)).numpy()[:, 0], rtol=1e-5, atol=1e-6)


def test_encoder_mask_of_the_wrong_type_or_shape_is_an_error_naming_the_layer():
    encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, 6), 1)
    with pytest.raises(TypeError, match="TransformerEncoder: mask must be bool .*got dtype int64"):
        encoder(tg.randn(3, 2, 4), tg.zeros(3, 3, dtype=tg.int64))
    with pytest.raises(ValueError, match=r"the 2-D attn_mask has shape \(4, 4\), expected \(3, 3\)"):
        encoder(tg.randn(3, 2, 4), tg.zeros(4, 4))


def test_unknown_activation_name_is_an_error():
    with pytest.raises(ValueError, match="activation should be 'relu' or 'gelu'.*not 'tanh'"):
        nn.TransformerEncoderLayer(4, 2, activation="tanh")


def test_encoder_layer_fused_inference_path_gives_nan_for_a_sequence_that_is_all_padding():
    layer = randomise(nn.TransformerEncoderLayer(4, 2, 6, batch_first=True), 1).eval()
    x = tg.randn(2, 3, 4)
    kpm = np.array([[False, False, True], [True, True, True]])
    slow = layer(x, src_key_padding_mask=kpm).numpy()  # gradients needed: PyTorch's general path, 0 weights
    assert np.isfinite(slow).all()
    with tg.no_grad():
        fused = layer(x, src_key_padding_mask=kpm).numpy()  # PyTorch's fused kernel: NaN
    assert np.isnan(fused[1]).all()
    np.testing.assert_allclose(fused[0], slow[0], rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------------------- the encoder
def test_encoder_layers_are_deep_copies_starting_equal():
    layer = nn.TransformerEncoderLayer(4, 2, 6)
    encoder = nn.TransformerEncoder(layer, 3, norm=nn.LayerNorm(4))
    assert len(encoder.layers) == 3 and encoder.num_layers == 3
    first, second = encoder.layers[0], encoder.layers[1]
    assert first is not layer and first.linear1.weight is not second.linear1.weight
    np.testing.assert_array_equal(first.linear1.weight.numpy(), second.linear1.weight.numpy())
    np.testing.assert_array_equal(first.linear1.weight.numpy(), layer.linear1.weight.numpy())
    keys = list(encoder.state_dict())
    assert keys[0] == "layers.0.self_attn.in_proj_weight" and keys[-2:] == ["norm.weight", "norm.bias"]
    assert len(keys) == 3 * 12 + 2


def test_encoder_is_its_layers_in_turn_then_the_norm():
    encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0), 2, norm=nn.LayerNorm(4))
    randomise(encoder, 3)
    x = tg.randn(3, 2, 4)
    mask = nn.Transformer.generate_square_subsequent_mask(3)
    expected = encoder.norm(encoder.layers[1](encoder.layers[0](x, mask), mask))
    np.testing.assert_allclose(encoder(x, mask).numpy(), expected.numpy(), rtol=1e-6, atol=1e-7)


def test_encoder_gradcheck_and_gradgradcheck():
    encoder = nn.TransformerEncoder(
        nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0, norm_first=True, batch_first=True), 2
    )
    randomise(encoder, 4).double()
    x = leaf(np.random.default_rng(4).normal(size=(2, 3, 4)))
    mask = nn.Transformer.generate_square_subsequent_mask(3, dtype=tg.float64)
    assert tg.gradcheck(lambda a: encoder(a, mask), (x,))
    assert tg.gradgradcheck(lambda a: encoder(a, mask), (x,))


def test_square_subsequent_mask_is_minus_infinity_above_the_diagonal():
    mask = nn.Transformer.generate_square_subsequent_mask(3)
    assert mask.dtype == np.float32 and not mask.requires_grad
    expected = np.array([[0, -np.inf, -np.inf], [0, 0, -np.inf], [0, 0, 0]], dtype=np.float32)
    np.testing.assert_array_equal(mask.numpy(), expected)
    assert nn.Transformer.generate_square_subsequent_mask(2, dtype=tg.float64).dtype == np.float64


def test_a_bool_causal_mask_gives_what_the_float_one_gives():
    encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0), 2)
    x = tg.randn(5, 2, 4)
    float_mask = nn.Transformer.generate_square_subsequent_mask(5)
    bool_mask = tg.tensor(np.triu(np.ones((5, 5), dtype=bool), 1))  # True: masked out (PyTorch's convention)
    np.testing.assert_allclose(encoder(x, float_mask).numpy(), encoder(x, bool_mask).numpy(), rtol=1e-6)
    np.testing.assert_allclose(
        encoder(x, float_mask, is_causal=True).numpy(), encoder(x, float_mask).numpy(), rtol=1e-6, atol=1e-7
    )


# ---------------------------------------------------------------------------- decoder and Transformer
def test_transformer_has_pytorchs_structure_and_xavier_initialisation():
    tg.manual_seed(0)
    model = nn.Transformer(8, 2, 2, 1, 16, batch_first=True)
    names = [name for name, _ in model.named_children()]
    assert names == ["encoder", "decoder"]
    decoder_layer = [name for name, _ in model.decoder.layers[0].named_children()]
    assert decoder_layer == [
        "self_attn", "multihead_attn", "linear1", "dropout", "linear2", "norm1", "norm2", "norm3",
        "dropout1", "dropout2", "dropout3",
    ]  # fmt: skip
    # xavier-uniform for every matrix, so the copies of a layer no longer start equal
    a, b = model.encoder.layers[0].linear1.weight.numpy(), model.encoder.layers[1].linear1.weight.numpy()
    assert not np.array_equal(a, b) and np.abs(a).max() <= np.sqrt(6 / (8 + 16))


def test_transformer_checks_batch_and_feature_sizes():
    model = nn.Transformer(8, 2, 1, 1, 16)
    with pytest.raises(ValueError, match="the batch sizes of src .* and tgt .* must be equal"):
        model(tg.randn(5, 2, 8), tg.randn(4, 3, 8))
    with pytest.raises(ValueError, match="must be d_model=8"):
        model(tg.randn(5, 2, 8), tg.randn(4, 2, 6))


def test_decoder_layer_gradcheck():
    layer = randomise(nn.TransformerDecoderLayer(4, 2, 6, dropout=0.0, norm_first=True), 5).double()
    rng = np.random.default_rng(5)
    tgt, memory = leaf(rng.normal(size=(3, 2, 4))), leaf(rng.normal(size=(4, 2, 4)))
    mask = nn.Transformer.generate_square_subsequent_mask(3, dtype=tg.float64)
    assert tg.gradcheck(lambda t, m: layer(t, m, tgt_mask=mask), (tgt, memory))
