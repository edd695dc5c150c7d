"""The torch namespace: devices, backends, dtype helpers, and clear errors for names tensorgrad lacks."""

from __future__ import annotations

import copy
import pickle
import traceback

import numpy as np
import pytest

import tensorgrad as tg


def _message(error: BaseException) -> str:
    """The error as Python prints it (with any "Did you mean" suggestion Python would add)."""
    return "".join(traceback.format_exception_only(type(error), error))


# ----------------------------------------------------------------------------- unknown names
@pytest.mark.parametrize(
    ("owner", "name", "expected"),
    [
        (tg, "compile", "tensorgrad has no 'compile': not supported: code runs eagerly"),
        (tg, "jit", "tensorgrad has no 'jit': not supported (no TorchScript)"),
        (tg, "bfloat16", "numpy has no bfloat16; use tg.float32"),
        (tg, "frobnicate", "tensorgrad does not support torch.frobnicate; see docs/porting-from-pytorch.md"),
        (tg.nn, "DataParallel", "tensorgrad.nn has no 'DataParallel': not supported"),
        (tg.nn, "Frobnicate", "tensorgrad does not support torch.nn.Frobnicate; see docs/porting"),
        (tg.nn.functional, "frobnicate", "does not support torch.nn.functional.frobnicate"),
        (tg.optim, "Frobnicate", "tensorgrad does not support torch.optim.Frobnicate"),
        (tg.nn.utils, "prune", "tensorgrad.nn.utils has no 'prune': not supported"),
        (tg.nn.utils, "frobnicate", "tensorgrad does not support torch.nn.utils.frobnicate"),
    ],
)
def test_unknown_module_names_say_what_to_do_without_a_spelling_guess(owner, name, expected):
    with pytest.raises(AttributeError) as info:
        getattr(owner, name)
    assert expected in str(info.value)
    assert "Did you mean" not in _message(info.value)


def test_python_spelling_guesses_never_replace_tensorgrads_message():
    # Python's own guesses offered float16 for a missing float and min for sin
    for owner, name in [(tg, "flot"), (tg, "sinn"), (tg.nn, "Linearr"), (tg.optim, "Adamm")]:
        with pytest.raises(AttributeError) as info:
            getattr(owner, name)
        assert "Did you mean" not in _message(info.value) and "porting-from-pytorch" in str(info.value)
    assert not hasattr(tg, "_private_thing") and not hasattr(tg.nn, "__wrapped__")


def test_pytorch_names_that_python_used_to_misspell_exist():
    x = tg.ones(2, 2)
    for name in ("float", "mm", "sin", "min", "float16"):
        assert hasattr(tg, name), name
    for name in ("float", "min", "mT", "sin", "mm", "nelement", "type", "device"):
        assert hasattr(x, name), name


def test_tensor_attribute_lookup_stays_plain_for_speed():
    # a Tensor.__getattr__ would stop CPython specialising t.array (3x slower attribute access)
    assert "__getattr__" not in vars(tg.Tensor)
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    assert not hasattr(x, "frobnicate") and getattr(x, "frobnicate", 3) == 3
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(x)), [1.0, 2.0])
    np.testing.assert_array_equal(copy.deepcopy(x), [1.0, 2.0])


# ----------------------------------------------------------------------------- devices
def test_device_objects_behave_like_pytorchs():
    cuda = tg.device("cuda")
    assert (cuda.type, cuda.index, str(cuda), repr(cuda)) == ("cuda", None, "cuda", "device(type='cuda')")
    one = tg.device("cuda:1")
    assert one == tg.device("cuda", 1) and str(one) == "cuda:1"
    assert repr(tg.device("cpu:0")) == "device(type='cpu', index=0)"
    assert tg.device(tg.device("mps")).type == "mps"
    assert tg.device("cpu") != tg.device("cuda") and tg.device("cpu") != "cpu"  # never equal to a str
    assert {tg.device("cpu"): 1}[tg.device("cpu")] == 1
    assert pickle.loads(pickle.dumps(one)) == one
    with pytest.raises(RuntimeError, match="device: unknown device type 'gpu'"):
        tg.device("gpu")
    with pytest.raises(RuntimeError, match="an integer names an accelerator device; tensorgrad has none"):
        tg.device(1)


def test_only_using_another_device_is_an_error():
    x = tg.ones(2)
    assert x.device == tg.device("cpu") and x.is_cuda is False and x.to(tg.device("cpu")) is x
    for target in ("cuda", tg.device("cuda:0"), tg.device("mps")):
        with pytest.raises(ValueError, match="tensorgrad runs on the CPU only"):
            x.to(target)
        with pytest.raises(ValueError, match="tensorgrad runs on the CPU only"):
            tg.nn.Linear(2, 2).to(target)
    with pytest.raises(ValueError, match="zeros: device='cuda': tensorgrad runs on the CPU only"):
        tg.zeros(2, device=tg.device("cuda"))
    net = tg.nn.Linear(2, 2)
    assert net.to(tg.device("cpu")) is net


def test_tensor_to_takes_pytorchs_argument_forms():
    x = tg.tensor([1.5, 2.5], requires_grad=True)
    assert x.to("cpu", tg.float64).dtype == np.float64
    assert x.to(device="cpu", dtype=tg.float64).dtype == np.float64
    assert x.to(tg.zeros(1, dtype=tg.float64)).dtype == np.float64
    assert x.to(tg.float32) is x and x.to(tg.float32, copy=True) is not x
    with pytest.raises(TypeError, match="to: unexpected keyword argument"):
        x.to(devic="cpu")


def test_default_device_is_the_cpu_and_another_is_a_clear_error():
    tg.set_default_device("cpu")
    tg.set_default_device(None)
    assert tg.get_default_device() == tg.device("cpu")
    with pytest.raises(ValueError, match="set_default_device: device='cuda': tensorgrad runs on the CPU"):
        tg.set_default_device("cuda")
    assert tg.get_default_device() == tg.device("cpu")


def test_backends_cuda_and_accelerator_answer_for_a_cpu_machine():
    assert tg.cuda.is_available() is False and tg.cuda.device_count() == 0
    assert tg.cuda.manual_seed(0) is None and tg.cuda.manual_seed_all(0) is None
    assert tg.backends.mps.is_available() is False
    assert tg.accelerator.is_available() is False and tg.accelerator.current_accelerator() is None
    # the newest PyTorch tutorials' line
    device = tg.accelerator.current_accelerator().type if tg.accelerator.is_available() else "cpu"
    assert device == "cpu"
    old = tg.backends.cudnn.deterministic, tg.backends.cudnn.benchmark
    try:
        tg.backends.cudnn.deterministic, tg.backends.cudnn.benchmark = True, False
        assert tg.backends.cudnn.deterministic is True
    finally:
        tg.backends.cudnn.deterministic, tg.backends.cudnn.benchmark = old


# ----------------------------------------------------------------------------- dtype helpers
def test_type_gives_pytorchs_type_strings_and_converts():
    cases = [(tg.float32, "torch.FloatTensor"), (tg.float64, "torch.DoubleTensor")]
    cases += [(tg.int64, "torch.LongTensor"), (tg.bool, "torch.BoolTensor"), (tg.uint8, "torch.ByteTensor")]
    cases += [(tg.int32, "torch.IntTensor"), (tg.float16, "torch.HalfTensor")]
    for dtype, name in cases:
        assert tg.zeros(2, dtype=dtype).type() == name
        assert tg.zeros(2).type(name).dtype == dtype
    assert tg.zeros(2).type(tg.int64).dtype == np.int64
    with pytest.raises(TypeError, match="type: unknown type 'torch.FancyTensor'"):
        tg.zeros(2).type("torch.FancyTensor")


def test_element_size_nelement_numel_and_is_floating_point():
    x = tg.zeros(2, 3)
    assert x.element_size() == 4 and tg.zeros(1, dtype=tg.float64).element_size() == 8
    assert x.nelement() == x.numel() == tg.numel(x) == 6
    assert x.is_floating_point() and tg.is_floating_point(x) and not tg.tensor([1]).is_floating_point()


def test_casting_methods_give_pytorchs_dtypes():
    x = tg.tensor([1.7, -2.2])
    assert (x.half().dtype, x.int().dtype, x.short().dtype) == (np.float16, np.int32, np.int16)
    assert (x.byte().dtype, x.char().dtype, x.long().dtype) == (np.uint8, np.int8, np.int64)
    np.testing.assert_array_equal(x.int(), [1, -2])  # truncation toward zero, as PyTorch


# Tensor methods PyTorch has only as methods (no torch.<name> function): read from torch 2.13's namespace
METHOD_ONLY = set(
    [
        "add_",
        "addcdiv_",
        "addcmul_",
        "astype",
        "backward",
        "byte",
        "char",
        "contiguous",
        "copy_",
        "cpu",
        "cuda",
        "dim",
        "div_",
        "element_size",
        "expand",
        "expand_as",
        "index_add_",
        "index_fill_",
        "is_contiguous",
        "is_pinned",
        "is_shared",
        "item",
        "lerp_",
        "masked_fill_",
        "mul_",
        "ndimension",
        "nelement",
        "new_empty",
        "new_full",
        "new_ones",
        "new_tensor",
        "new_zeros",
        "normal_",
        "numpy",
        "pin_memory",
        "pow_",
        "register_hook",
        "repeat",
        "requires_grad_",
        "reshape_as",
        "retain_grad",
        "scatter_",
        "scatter_add_",
        "share_memory_",
        "sign_",
        "squeeze_",
        "stride",
        "sub_",
        "sum_to_size",
        "t_",
        "to",
        "tolist",
        "transpose_",
        "type",
        "type_as",
        "uniform_",
        "unsqueeze_",
        "view",
        "view_as",
    ]
)


def test_every_tensor_method_pytorch_also_spells_as_a_function_is_a_tensorgrad_function():
    methods = {n for n in dir(tg.Tensor) if not n.startswith("_") and callable(getattr(tg.Tensor, n))}
    missing = sorted(n for n in methods - METHOD_ONLY if not callable(getattr(tg, n, None)))
    assert missing == [], f"Tensor methods without their tg.<name> function: {missing}"
    x = tg.tensor([-1.5, 2.0])
    assert tg.relu_(x) is x and x.tolist() == [0.0, 2.0]
    assert tg.clamp_min(tg.tensor([-1.0, 3.0]), 0).tolist() == [0.0, 3.0]
