"""nn.Module and the containers: registration by assignment, traversal with dotted names, modes, gradients,
state dicts (PyTorch's key names and order), hooks, dtype casts and the nested repr."""

from __future__ import annotations

import copy
from collections import OrderedDict

import numpy as np
import pytest

import tensorgrad as tg
from tensorgrad import nn
from tensorgrad.nn import module as module_hooks
from tensorgrad.nn.module import design_name


class Block(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Dense(3, 4)
        self.bn = nn.BatchNorm1D(4)
        self.scale = nn.Parameter(np.ones(4, np.float32))
        self.register_buffer("calls", np.zeros((), np.int64))
        self.note = "plain attribute"

    def forward(self, x):
        return self.bn(self.fc(x)) * self.scale


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.block = Block()
        self.head = nn.Sequential(nn.ReLU(), nn.Dense(4, 2))

    def forward(self, x):
        return self.head(self.block(x))


# ---------------------------------------------------------------------------- registration and traversal
def test_named_parameters_are_dotted_paths_in_registration_order():
    names = [name for name, _ in Net().named_parameters()]
    assert names == [
        "block.scale",
        "block.fc.weight",
        "block.fc.bias",
        "block.bn.weight",
        "block.bn.bias",
        "head.1.weight",
        "head.1.bias",
    ]


def test_parameters_are_the_registered_objects():
    net = Net()
    params = list(net.parameters())
    assert params[1] is net.block.fc.weight
    assert all(isinstance(p, nn.Parameter) and p.requires_grad and p.is_leaf for p in params)


def test_plain_attributes_are_not_registered():
    block = Block()
    assert block.note == "plain attribute"
    assert "note" not in dict(block.named_parameters())
    assert "note" not in block.state_dict()


def test_named_modules_and_children():
    net = Net()
    assert [name for name, _ in net.named_modules()] == [
        "",
        "block",
        "block.fc",
        "block.bn",
        "head",
        "head.0",
        "head.1",
    ]
    assert [name for name, _ in net.named_children()] == ["block", "head"]
    assert list(net.children()) == [net.block, net.head]
    assert net.get_submodule("head.1") is net.head[1]


def test_shared_parameter_is_listed_once():
    shared = nn.Dense(2, 2)
    model = nn.Sequential(shared, nn.ReLU(), shared)
    assert len(list(model.parameters())) == 2
    assert len(list(model.modules())) == 3  # Sequential, the shared Dense once, ReLU


def test_reassigning_an_attribute_moves_it_between_registries():
    block = Block()
    block.fc = nn.Parameter(np.zeros(2, np.float32))  # a module slot now holds a parameter
    assert "fc" not in dict(block.named_children())
    assert "fc" in dict(block.named_parameters(recurse=False))
    del block.fc
    assert "fc" not in dict(block.named_parameters())
    with pytest.raises(AttributeError):
        _ = block.fc


def test_replacing_a_registered_entry_keeps_its_position_as_pytorch():
    layers = nn.ModuleList([nn.Dense(1, 1), nn.Dense(1, 2), nn.Dense(2, 3)])
    first = nn.Dense(1, 1)
    layers[0] = first
    assert layers[0] is first
    assert [m.out_features for m in layers] == [1, 2, 3]
    pipeline = nn.Sequential(nn.Dense(2, 3), nn.ReLU(), nn.Dense(3, 1))
    pipeline.add_module("0", nn.Dense(2, 3))
    assert pipeline(tg.randn(4, 2)).shape == (4, 1)  # still called in the order 0, 1, 2
    block = Block()
    block.fc = nn.Dense(3, 4)  # e.g. replacing a layer for transfer learning
    block.scale = nn.Parameter(np.zeros(4, np.float32))
    assert list(block.state_dict()) == list(Block().state_dict())


def test_state_dict_names_a_shared_submodule_under_each_name_as_pytorch():
    class Shared(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.a = nn.Dense(2, 2)
            self.b = self.a

    model = Shared()
    # what torch.nn gives for the same model; named_parameters lists the shared weights once
    assert list(model.state_dict()) == ["a.weight", "a.bias", "b.weight", "b.bias"]
    assert [name for name, _ in model.named_parameters()] == ["a.weight", "a.bias"]
    state = {key: np.full(value.shape, 2.0, np.float32) for key, value in model.state_dict().items()}
    model.load_state_dict(state)  # strict: no key of a PyTorch checkpoint is unexpected
    np.testing.assert_array_equal(model.b.weight.numpy(), 2.0)


def test_assigning_a_non_parameter_to_a_parameter_slot_is_an_error():
    layer = nn.Dense(2, 2)
    with pytest.raises(
        TypeError, match=r"cannot assign ndarray to parameter 'weight' of Dense.*nn.Parameter"
    ):
        layer.weight = np.zeros((2, 2))
    layer.bias = None
    assert [n for n, _ in layer.named_parameters()] == ["weight"]


def test_forgetting_super_init_is_a_clear_error():
    class Broken(nn.Module):
        def __init__(self) -> None:
            self.fc = nn.Dense(2, 2)

    with pytest.raises(AttributeError, match=r"call super\(\).__init__\(\) first in Broken.__init__"):
        Broken()


def test_module_without_forward_says_so():
    with pytest.raises(NotImplementedError, match="Module must define forward"):
        nn.Module()(1)


# ---------------------------------------------------------------------------- modes and gradients
def test_train_and_eval_reach_every_submodule():
    net = Net()
    assert all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())


def test_zero_grad_sets_to_none_or_zeroes_in_place():
    net = Net()
    net(tg.randn(5, 3)).sum().backward()
    grads = [p.grad for p in net.parameters()]
    assert all(g is not None for g in grads)
    net.zero_grad(set_to_none=False)
    assert all(p.grad is g and not p.grad.numpy().any() for p, g in zip(net.parameters(), grads))
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_requires_grad_false_freezes_parameters():
    net = Net()
    net.block.requires_grad_(False)
    net(tg.randn(5, 3)).sum().backward()
    assert net.block.fc.weight.grad is None
    assert net.head[1].weight.grad is not None


# ---------------------------------------------------------------------------- state dicts
def test_state_dict_has_pytorch_keys_order_and_buffers():
    keys = list(Net().state_dict())
    assert keys == [
        "block.scale",
        "block.calls",
        "block.fc.weight",
        "block.fc.bias",
        "block.bn.weight",
        "block.bn.bias",
        "block.bn.running_mean",
        "block.bn.running_var",
        "block.bn.num_batches_tracked",
        "head.1.weight",
        "head.1.bias",
    ]


def test_state_dict_values_are_detached_tensors_sharing_memory_as_pytorch():
    net = Net()
    state = net.state_dict()
    weight = state["block.fc.weight"]
    assert isinstance(weight, tg.Tensor) and not isinstance(weight, nn.Parameter)
    assert weight.size() == (4, 3) and weight.shape == (4, 3)
    assert not weight.requires_grad and weight.grad_fn is None
    weight[...] = 123.0  # a detached tensor that does not require grad: writing is allowed, and shows
    np.testing.assert_array_equal(net.block.fc.weight.numpy(), 123.0)
    assert net.state_dict(keep_vars=True)["block.fc.weight"] is net.block.fc.weight


def test_deepcopy_of_state_dict_is_a_snapshot_that_training_does_not_change():
    net = Net()
    snapshot = copy.deepcopy(net.state_dict())
    before = net.block.fc.weight.numpy().copy()
    with tg.no_grad():
        net.block.fc.weight.add_(1.0)
    np.testing.assert_array_equal(snapshot["block.fc.weight"].numpy(), before)
    net.load_state_dict(snapshot)
    np.testing.assert_array_equal(net.block.fc.weight.numpy(), before)


def test_state_dict_round_trip_restores_outputs_exactly():
    tg.manual_seed(0)
    source, target = Net(), Net()
    x = tg.randn(6, 3)
    source.train()
    source(x)  # moves the running statistics away from their initial values
    source.eval()
    target.eval()
    assert not np.allclose(source(x).numpy(), target(x).numpy())
    target.load_state_dict(source.state_dict())
    np.testing.assert_array_equal(source(x).numpy(), target(x).numpy())
    np.testing.assert_array_equal(target.block.bn.num_batches_tracked.numpy(), 1)


def test_load_state_dict_copies_into_the_same_parameter_objects():
    net = Net()
    weight = net.block.fc.weight
    state = net.state_dict()
    state["block.fc.weight"] = np.full((4, 3), 0.5)  # float64 is cast to the parameter's float32
    net.load_state_dict(state)
    assert net.block.fc.weight is weight
    assert weight.dtype == np.float32
    np.testing.assert_array_equal(weight.numpy(), 0.5)


def test_load_state_dict_lists_every_problem_by_name_and_loads_nothing():
    net = Net()
    before = net.state_dict()
    state = net.state_dict()
    del state["head.1.bias"]
    state["head.2.weight"] = np.zeros(3)
    state["block.fc.weight"] = np.zeros((4, 5))
    state["block.scale"] = np.full(4, 7.0)
    with pytest.raises(RuntimeError) as info:
        net.load_state_dict(state)
    message = str(info.value)
    assert "size mismatch for block.fc.weight: the checkpoint has shape (4, 5), the model (4, 3)" in message
    assert "missing key: head.1.bias" in message
    assert "unexpected key: head.2.weight" in message
    assert "nothing was loaded" in message
    np.testing.assert_array_equal(net.block.scale.numpy(), before["block.scale"])


def test_load_state_dict_non_strict_reports_keys_but_still_rejects_shape_mismatch():
    net = Net()
    state = net.state_dict()
    del state["head.1.bias"]
    state["extra"] = np.zeros(1)
    result = net.load_state_dict(state, strict=False)
    assert result.missing_keys == ["head.1.bias"]
    assert result.unexpected_keys == ["extra"]
    state["head.1.weight"] = np.zeros((3, 3))
    with pytest.raises(RuntimeError, match="size mismatch for head.1.weight"):
        net.load_state_dict(state, strict=False)


def test_pytorch_style_state_dict_of_numpy_arrays_loads_unchanged():
    """Keys and layouts as ``{k: v.numpy() for k, v in torch_model.state_dict().items()}`` gives them for
    ``torch.nn.Sequential(Linear(3, 4), BatchNorm1d(4), ReLU(), Linear(4, 2))``."""
    rng = np.random.default_rng(0)
    torch_state = OrderedDict(
        [
            ("0.weight", rng.normal(size=(4, 3)).astype(np.float32)),
            ("0.bias", rng.normal(size=4).astype(np.float32)),
            ("1.weight", rng.normal(size=4).astype(np.float32)),
            ("1.bias", rng.normal(size=4).astype(np.float32)),
            ("1.running_mean", rng.normal(size=4).astype(np.float32)),
            ("1.running_var", rng.uniform(0.5, 2, size=4).astype(np.float32)),
            ("1.num_batches_tracked", np.array(7, dtype=np.int64)),
            ("3.weight", rng.normal(size=(2, 4)).astype(np.float32)),
            ("3.bias", rng.normal(size=2).astype(np.float32)),
        ]
    )
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2)).eval()
    model.load_state_dict(torch_state)
    x = rng.normal(size=(5, 3)).astype(np.float32)
    s = torch_state
    h = x @ s["0.weight"].T + s["0.bias"]
    h = (h - s["1.running_mean"]) / np.sqrt(s["1.running_var"] + 1e-5) * s["1.weight"] + s["1.bias"]
    expected = np.maximum(h, 0) @ s["3.weight"].T + s["3.bias"]
    np.testing.assert_allclose(model(tg.tensor(x)).numpy(), expected, rtol=1e-5, atol=1e-6)


def test_non_persistent_buffer_is_not_saved():
    module = nn.Module()
    module.register_buffer("cache", np.ones(2), persistent=False)
    module.register_buffer("kept", np.ones(2))
    assert list(module.state_dict()) == ["kept"]
    assert [n for n, _ in module.named_buffers()] == ["cache", "kept"]


# ---------------------------------------------------------------------------- hooks
def test_forward_hook_sees_inputs_and_output_and_can_replace_output():
    layer = nn.Dense(3, 2)
    seen = []
    handle = layer.register_forward_hook(lambda m, inputs, out: seen.append((m, inputs[0].shape, out.shape)))
    layer(tg.randn(4, 3))
    assert seen == [(layer, (4, 3), (4, 2))]
    handle.remove()
    layer(tg.randn(4, 3))
    assert len(seen) == 1
    layer.register_forward_hook(lambda m, inputs, out: out * 0)
    assert not layer(tg.randn(4, 3)).numpy().any()


def test_forward_pre_hook_can_replace_inputs():
    layer = nn.Identity()
    layer.register_forward_pre_hook(lambda m, inputs: (inputs[0] + 1,))
    assert layer(tg.tensor([1.0])).item() == 2.0


def test_global_module_hooks_run_around_every_module_before_its_own_hooks_and_are_removable():
    model = nn.Sequential(nn.Dense(3, 2), nn.ReLU())
    calls = []
    model[0].register_forward_hook(lambda m, inputs, out: calls.append(("own", type(m).__name__)))
    pre = module_hooks.register_module_forward_pre_hook(
        lambda m, inputs: calls.append(("pre", type(m).__name__))
    )
    post = module_hooks.register_module_forward_hook(lambda m, inputs, out: calls.append(("post", out.shape)))
    model(tg.ones(4, 3))
    assert calls == [
        ("pre", "Sequential"),
        ("pre", "Dense"),
        ("post", (4, 2)),
        ("own", "Dense"),
        ("pre", "ReLU"),
        ("post", (4, 2)),
        ("post", (4, 2)),
    ]
    pre.remove()
    post.remove()
    calls.clear()
    model(tg.ones(4, 3))
    assert calls == [("own", "Dense")]


def test_an_always_called_global_forward_hook_runs_when_forward_raises_and_the_error_still_escapes():
    class Broken(nn.Module):
        def forward(self, x):
            raise ValueError("boom")

    seen = []
    handle = module_hooks.register_module_forward_hook(
        lambda m, inputs, out: seen.append((type(m).__name__, out)), always_call=True
    )
    plain = module_hooks.register_module_forward_hook(lambda m, inputs, out: seen.append("plain"))
    try:
        with pytest.raises(ValueError, match="boom"):
            Broken()(tg.ones(1))
    finally:
        handle.remove()
        plain.remove()
    assert seen == [("Broken", None)]


# ---------------------------------------------------------------------------- dtype
def test_double_casts_parameters_and_float_buffers_in_place():
    net = Net()
    weight = net.block.fc.weight
    assert net.double() is net
    assert net.block.fc.weight is weight
    assert all(p.dtype == np.float64 for p in net.parameters())
    assert net.block.bn.running_mean.dtype == np.float64
    assert net.block.bn.num_batches_tracked.dtype == np.int64
    assert net(tg.tensor(np.ones((2, 3)))).dtype == np.float64
    net.float()
    assert all(p.dtype == np.float32 for p in net.parameters())


def test_to_cpu_is_accepted_and_cuda_is_a_clear_error():
    net = Net()
    assert net.to("cpu") is net
    with pytest.raises(ValueError, match="tensorgrad runs on the CPU only"):
        net.to("cuda")
    with pytest.raises(TypeError, match="floating-point dtype"):
        net.to(np.int32)


# ---------------------------------------------------------------------------- repr
def test_repr_is_nested_like_pytorch():
    model = nn.Sequential(nn.Dense(2, 8), nn.ReLU(), nn.Sequential(nn.Dense(8, 1, bias=False), nn.Sigmoid()))
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Dense(in_features=2, out_features=8, bias=True)\n"
        "  (1): ReLU()\n"
        "  (2): Sequential(\n"
        "    (0): Dense(in_features=8, out_features=1, bias=False)\n"
        "    (1): Sigmoid()\n"
        "  )\n"
        ")"
    )


def test_layer_reprs():
    assert (
        repr(nn.Conv2D(1, 16, 3, padding=1))
        == "Conv2D(1, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))"
    )
    assert (
        repr(nn.MaxPool2D(2))
        == "MaxPool2D(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0), dilation=(1, 1))"
    )
    assert (
        repr(nn.BatchNorm2D(8))
        == "BatchNorm2D(8, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)"
    )
    assert repr(nn.Dropout(0.25)) == "Dropout(p=0.25, inplace=False)"  # PyTorch's
    assert repr(nn.CrossEntropyLoss()) == "CrossEntropyLoss()"
    assert repr(nn.Flatten()) == "Flatten(start_dim=1, end_dim=-1)"


# ---------------------------------------------------------------------------- containers
def test_sequential_calls_in_order_and_indexes_like_a_list():
    first, second = nn.Dense(2, 3), nn.Dense(3, 1)
    model = nn.Sequential(first, nn.Tanh(), second)
    x = tg.randn(4, 2)
    np.testing.assert_allclose(model(x).numpy(), second(first(x).tanh()).numpy())
    assert model[0] is first and model[-1] is second and len(model) == 3
    assert list(model) == [first, model[1], second]
    tail = model[1:]
    assert isinstance(tail, nn.Sequential) and list(tail) == [model[1], second]
    with pytest.raises(IndexError, match="index 3 is out of range for 3 modules"):
        model[3]


def test_sequential_items_can_be_replaced_deleted_and_inserted_keeping_pytorch_numbering():
    a, b, c, d = nn.Dense(2, 2), nn.ReLU(), nn.Dense(2, 2), nn.Tanh()
    model = nn.Sequential(a, b, c)
    model[1] = d
    assert list(model) == [a, d, c]
    del model[0]
    assert list(model) == [d, c]
    assert [n for n, _ in model.named_parameters()] == ["1.weight", "1.bias"]
    model.insert(0, b)
    assert list(model) == [b, d, c] and [n for n, _ in model.named_children()] == ["0", "1", "2"]
    del model[1:]
    assert list(model) == [b] and not hasattr(model, "1")
    layers = nn.ModuleList([a, b, c])
    del layers[-1]
    assert list(layers) == [a, b]


def test_sequential_from_ordered_dict_uses_the_names():
    model = nn.Sequential(OrderedDict([("hidden", nn.Dense(2, 3)), ("act", nn.ReLU())]))
    assert [n for n, _ in model.named_parameters()] == ["hidden.weight", "hidden.bias"]
    assert model.hidden is model[0]


def test_sequential_rejects_non_modules():
    with pytest.raises(TypeError, match="Sequential: expected Modules, got function"):
        nn.Sequential(nn.ReLU(), tg.relu)


def test_module_list_registers_its_modules():
    class Tower(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = nn.ModuleList(nn.Dense(2, 2) for _ in range(3))

        def forward(self, x):
            for layer in self.layers:
                x = layer(x)
            return x

    tower = Tower()
    assert [n for n, _ in tower.named_parameters()][:2] == ["layers.0.weight", "layers.0.bias"]
    assert len(list(tower.parameters())) == 6
    tower.layers.append(nn.Dense(2, 2))
    tower.layers.insert(0, nn.Identity())
    assert [type(m).__name__ for m in tower.layers] == ["Identity", "Dense", "Dense", "Dense", "Dense"]
    assert [n for n, _ in tower.named_parameters()][:2] == ["layers.1.weight", "layers.1.bias"]
    assert tower(tg.randn(3, 2)).shape == (3, 2)


def test_module_dict_registers_by_name():
    heads = nn.ModuleDict({"a": nn.Dense(2, 1), "b": nn.Dense(2, 3)})
    assert list(heads) == ["a", "b"] and "a" in heads and len(heads) == 2
    assert [n for n, _ in heads.named_parameters()] == ["a.weight", "a.bias", "b.weight", "b.bias"]
    with pytest.raises(KeyError, match="ModuleDict has no module 'c' \\(it has: a, b\\)"):
        heads["c"]


def test_pytorch_named_layers_print_exactly_as_pytorch():
    """The expected text is what torch 2.x prints for the same constructor calls."""
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(3, 4, bias=False))
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Flatten(start_dim=1, end_dim=-1)\n"
        "  (1): Linear(in_features=784, out_features=512, bias=True)\n"
        "  (2): ReLU()\n"
        "  (3): Linear(in_features=3, out_features=4, bias=False)\n"
        ")"
    )
    expected = {
        nn.Conv2d(1, 32, 3): "Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1))",
        nn.Conv2d(1, 32, (3, 5), stride=2, padding=1, dilation=2, bias=False): (
            "Conv2d(1, 32, kernel_size=(3, 5), stride=(2, 2), padding=(1, 1), dilation=(2, 2), bias=False)"
        ),
        nn.Conv2d(1, 32, 3, padding="same"): "Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1), padding=same)",
        nn.MaxPool2d(2): "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)",
        nn.MaxPool2d((2, 3), stride=1, padding=1): (
            "MaxPool2d(kernel_size=(2, 3), stride=1, padding=1, dilation=1, ceil_mode=False)"
        ),
        nn.AvgPool2d(2): "AvgPool2d(kernel_size=2, stride=2, padding=0)",
        nn.AvgPool2d((2, 2), stride=1, padding=1): "AvgPool2d(kernel_size=(2, 2), stride=1, padding=1)",
    }
    for layer, text in expected.items():
        assert repr(layer) == text
    assert repr(nn.BatchNorm2d(8)).startswith("BatchNorm2d(8, eps=1e-05, momentum=0.1, affine=True")


def test_pytorch_names_are_subclasses_and_keras_names_keep_their_own():
    pairs = [
        (nn.Linear(2, 3), nn.Dense, "Dense(in_features=2, out_features=3, bias=True)"),
        (nn.Conv2d(1, 2, 3), nn.Conv2D, "Conv2D(1, 2, kernel_size=(3, 3), stride=(1, 1))"),
        (
            nn.MaxPool2d(2),
            nn.MaxPool2D,
            "MaxPool2D(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0), dilation=(1, 1))",
        ),
        (nn.AvgPool2d(2), nn.AvgPool2D, "AvgPool2D(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))"),
        (nn.BatchNorm1d(3), nn.BatchNorm1D, "BatchNorm1D(3, eps=1e-05, momentum=0.1, affine=True"),
        (nn.BatchNorm2d(3), nn.BatchNorm2D, "BatchNorm2D(3, eps=1e-05, momentum=0.1, affine=True"),
    ]
    for layer, design_class, keras_text in pairs:
        assert isinstance(layer, design_class) and type(layer) is not design_class
        assert design_name(layer) == design_class.__name__  # pictures name the layer as the op it makes
        args = {nn.Dense: (2, 3), nn.Conv2D: (1, 2, 3), nn.MaxPool2D: (2,), nn.AvgPool2D: (2,)}.get(
            design_class, (3,)
        )
        assert repr(design_class(*args)).startswith(keras_text)


def test_deepcopy_of_a_tensor_copies_values_and_grad_and_refuses_non_leaves_as_pytorch():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    y = copy.deepcopy(x)
    y.numpy()[0] = 5.0
    assert x.tolist() == [1.0, 2.0] and y.requires_grad and y.grad.tolist() == [2.0, 4.0]
    assert y.grad is not x.grad
    model = copy.deepcopy(nn.Linear(2, 3))
    assert type(model.weight) is nn.Parameter and model._parameters["weight"] is model.weight
    with pytest.raises(RuntimeError, match="only tensors created explicitly by the user"):
        copy.deepcopy(x * 2)


def test_to_takes_pytorchs_forms_and_cuda_is_a_clear_error():
    layer = nn.Linear(2, 2)
    assert layer.to("cpu", tg.float64) is layer and layer.weight.dtype == np.float64
    assert layer.to(dtype=tg.float32, device=tg.device("cpu")).weight.dtype == np.float32
    assert layer.cpu() is layer
    with pytest.raises(ValueError, match="CPU only"):
        layer.cuda()
    with pytest.raises(ValueError, match="CPU only"):
        layer.to("cuda:0")
