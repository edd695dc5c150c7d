"""The PyTorch idioms that teaching code uses most, each a line or two of PyTorch with a check of its result.

Each idiom runs with ``torch``, ``nn``, ``F``, ``optim`` and ``np`` bound to tensorgrad's modules (the import
change a port makes) and its ``check`` asserts what PyTorch gives. ``status`` says what a port sees:

* ``same``: runs and gives PyTorch's result;
* ``differs``: runs, deliberately unlike PyTorch in a way ``note`` explains (``check`` asserts tensorgrad's);
* ``missing``: not supported; ``check`` asserts the clear error a port gets.

``tests/ports/test_idioms.py`` runs every idiom; every ``same`` check was also run against PyTorch 2.13 with
``torch`` bound to PyTorch itself. ``scripts/compatibility_table.py`` writes the table in
``docs/porting-from-pytorch.md`` from this list, and a test keeps the two in step.
"""

from __future__ import annotations

from typing import NamedTuple


class Idiom(NamedTuple):
    area: str
    code: str  # PyTorch code, as a port has it
    check: str  # Python that asserts the result
    status: str = "same"
    note: str = ""
    setup: str = ""  # runs first, not shown in the table


BATCH = "outputs = torch.tensor([[0.1, 0.9, 0.0], [0.8, 0.1, 0.1]])"
LEAF = "w = torch.tensor([1.0, 2.0], requires_grad=True); (w * w).sum().backward()"

IDIOMS: list[Idiom] = [
    # ------------------------------------------------------------------ reading predictions
    Idiom(
        "Predictions",
        "_, predicted = torch.max(outputs, 1)",
        "assert predicted.tolist() == [1, 0]",
        setup=BATCH,
    ),
    Idiom("Predictions", "indices = outputs.max(1)[1]", "assert indices.tolist() == [1, 0]", setup=BATCH),
    Idiom(
        "Predictions",
        "values, indices = outputs.max(dim=1)",
        "assert values.tolist() == [0.8999999761581421, 0.800000011920929] and indices.tolist() == [1, 0]",
        setup=BATCH,
    ),
    Idiom(
        "Predictions",
        "pred = outputs.argmax(dim=1, keepdim=True)",
        "assert pred.tolist() == [[1], [0]]",
        setup=BATCH,
    ),
    Idiom(
        "Predictions",
        "correct = (outputs.argmax(1) == labels).type(torch.float).sum().item()",
        "assert correct == 1.0",
        setup=BATCH + "; labels = torch.tensor([1, 2])",
    ),
    Idiom(
        "Predictions",
        "_, predicted = torch.max(outputs.data, 1)",
        "assert predicted.tolist() == [1, 0]",
        setup=BATCH,
    ),
    Idiom(
        "Predictions",
        "top = outputs.topk(2, dim=1)",
        "assert top.indices.tolist() == [[1, 0], [0, 1]]",
        setup=BATCH,
    ),
    Idiom(
        "Predictions",
        "values, order = torch.sort(outputs, dim=1, descending=True)",
        "assert order[:, 0].tolist() == [1, 0]",
        setup=BATCH,
    ),
    Idiom(
        "Predictions",
        "classes[label]",
        "assert classes[label] == 'car'",
        setup="classes = ('plane', 'car'); label = torch.tensor(1)",
    ),
    Idiom(
        "Predictions", "amax = outputs.amax(dim=(0, 1))", "assert abs(amax.item() - 0.9) < 1e-6", setup=BATCH
    ),
    # ------------------------------------------------------------------ dtypes and devices
    Idiom("Dtypes and devices", "x = torch.zeros(2, dtype=torch.float)", "assert x.dtype == torch.float32"),
    Idiom("Dtypes and devices", "x = torch.ones(2, dtype=torch.double)", "assert x.dtype == torch.float64"),
    Idiom(
        "Dtypes and devices", "x = torch.tensor([1, 2], dtype=torch.long)", "assert x.dtype == torch.int64"
    ),
    Idiom("Dtypes and devices", "x = torch.tensor([1, 2], dtype=torch.int)", "assert x.dtype == torch.int32"),
    Idiom(
        "Dtypes and devices",
        "y = x.type(torch.float)",
        "assert y.dtype == torch.float32",
        setup="x = torch.tensor([1, 2])",
    ),
    Idiom(
        "Dtypes and devices",
        "y = x.float(); z = x.long()",
        "assert y.dtype == torch.float32 and z.dtype == torch.int64",
        setup="x = torch.tensor([1.5])",
    ),
    Idiom(
        "Dtypes and devices",
        "torch.set_default_dtype(torch.float64)",
        "assert torch.tensor([1.0]).dtype == torch.float64; torch.set_default_dtype(torch.float32)",
    ),
    Idiom(
        "Dtypes and devices",
        'device = torch.device("cuda" if torch.cuda.is_available() else "cpu")',
        "assert str(device) == 'cpu'",
    ),
    Idiom(
        "Dtypes and devices",
        "x = torch.randn(2, 3, device=device)",
        "assert x.shape == (2, 3)",
        setup="device = torch.device('cpu')",
    ),
    Idiom(
        "Dtypes and devices",
        "x = x.to(device)",
        "assert x.device.type == 'cpu'",
        setup="device = 'cpu'; x = torch.ones(2)",
    ),
    Idiom(
        "Dtypes and devices",
        "n = x.element_size() * x.nelement()",
        "assert n == 24",
        setup="x = torch.zeros(2, 3)",
    ),
    Idiom(
        "Dtypes and devices",
        "x = torch.ones(2, device='cuda')",
        "assert 'CPU' in message",
        "differs",
        "tensorgrad computes on the CPU; asking for a GPU is an error that says so",
    ),
    # ------------------------------------------------------------------ creation
    Idiom("Creation", "x = torch.empty(5, 3)", "assert x.shape == (5, 3) and x.dtype == torch.float32"),
    Idiom("Creation", "x = torch.rand(5, 3)", "assert x.shape == (5, 3) and 0 <= x.min() and x.max() < 1"),
    Idiom(
        "Creation",
        "x = torch.zeros((2, 3), dtype=torch.long)",
        "assert x.shape == (2, 3) and x.dtype == torch.int64",
    ),
    Idiom("Creation", "x = torch.full((2, 2), 7.0)", "assert x.tolist() == [[7.0, 7.0], [7.0, 7.0]]"),
    Idiom("Creation", "x = torch.arange(0, 1, 0.25)", "assert x.tolist() == [0.0, 0.25, 0.5, 0.75]"),
    Idiom("Creation", "x = torch.linspace(-1, 1, 5)", "assert x.tolist() == [-1.0, -0.5, 0.0, 0.5, 1.0]"),
    Idiom(
        "Creation",
        "y = x.new_ones(5, 3, dtype=torch.double)",
        "assert y.shape == (5, 3) and y.dtype == torch.float64",
        setup="x = torch.zeros(2)",
    ),
    Idiom(
        "Creation",
        "y = torch.randn_like(x, dtype=torch.float)",
        "assert y.shape == x.shape and y.dtype == torch.float32",
        setup="x = torch.zeros(2, 2, dtype=torch.float64)",
    ),
    Idiom(
        "Creation",
        "y = torch.zeros_like(x)",
        "assert y.shape == (2, 2) and y.sum() == 0",
        setup="x = torch.ones(2, 2)",
    ),
    Idiom(
        "Creation",
        "w = torch.normal(0, 0.01, size=(3, 1), requires_grad=True)",
        "assert w.shape == (3, 1) and w.requires_grad and w.abs().max() < 0.1",
    ),
    Idiom(
        "Creation",
        "x = torch.from_numpy(a)",
        "a[0] = 5.0; assert x[0].item() == 5.0",
        setup="a = np.zeros(3)",
    ),
    Idiom(
        "Creation", "t = torch.tensor(a)", "a[0] = 5.0; assert t[0].item() == 0.0", setup="a = np.zeros(3)"
    ),
    Idiom("Creation", "i = torch.eye(3)", "assert i.sum().item() == 3.0 and i[1, 1].item() == 1.0"),
    # ------------------------------------------------------------------ math
    Idiom(
        "Math",
        "y = torch.sin(x)",
        "assert abs(y[1].item() - 0.8414709848) < 1e-6",
        setup="x = torch.tensor([0.0, 1.0])",
    ),
    Idiom(
        "Math",
        "y = x.cos() + torch.exp(x) - x.log1p()",
        "assert abs(y[0].item() - 2.0) < 1e-6",
        setup="x = torch.tensor([0.0, 1.0])",
    ),
    Idiom(
        "Math",
        "z = torch.add(x, y)",
        "assert z.tolist() == [4.0, 6.0]",
        setup="x = torch.tensor([1.0, 2.0]); y = torch.tensor([3.0, 4.0])",
    ),
    Idiom(
        "Math",
        "z = torch.mm(a, b)",
        "assert z.tolist() == [[2.0], [2.0]]",
        setup="a = torch.ones(2, 2); b = torch.ones(2, 1)",
    ),
    Idiom(
        "Math", "z = a.mm(b)", "assert z.shape == (2, 1)", setup="a = torch.ones(2, 2); b = torch.ones(2, 1)"
    ),
    Idiom(
        "Math", "z = a @ b.T", "assert z.shape == (2, 3)", setup="a = torch.ones(2, 4); b = torch.ones(3, 4)"
    ),
    Idiom(
        "Math",
        "c = torch.cumsum(x, dim=0)",
        "assert c.tolist() == [1.0, 3.0, 6.0]",
        setup="x = torch.tensor([1.0, 2.0, 3.0])",
    ),
    Idiom("Math", "n = x.norm()", "assert n.item() == 5.0", setup="x = torch.tensor([3.0, 4.0])"),
    Idiom(
        "Math",
        "r = torch.einsum('ij,jk->ik', a, b)",
        "assert r.tolist() == [[2.0], [2.0]]",
        setup="a = torch.ones(2, 2); b = torch.ones(2, 1)",
    ),
    Idiom(
        "Math",
        "ok = torch.allclose(a, b)",
        "assert ok is True",
        setup="a = torch.ones(2); b = torch.ones(2) + 1e-9",
    ),
    Idiom(
        "Math",
        "bad = torch.isnan(x).any()",
        "assert bool(bad)",
        setup="x = torch.tensor([1.0, float('nan')])",
    ),
    Idiom(
        "Math", "y = x.clamp(min=0)", "assert y.tolist() == [0.0, 2.0]", setup="x = torch.tensor([-1.0, 2.0])"
    ),
    Idiom("Math", "y = x.pow(2).sum()", "assert y.item() == 5.0", setup="x = torch.tensor([1.0, 2.0])"),
    Idiom(
        "Math",
        "m = x.mean(); s = x.std()",
        "assert m.item() == 2.0 and s.item() == 1.0",
        setup="x = torch.tensor([1.0, 2.0, 3.0])",
    ),
    # ------------------------------------------------------------------ indexing and shapes
    Idiom(
        "Indexing and shapes", "y = x.view(-1, 8)", "assert y.shape == (2, 8)", setup="x = torch.zeros(4, 4)"
    ),
    Idiom(
        "Indexing and shapes",
        "y = x.flatten(1)",
        "assert y.shape == (2, 12)",
        setup="x = torch.zeros(2, 3, 4)",
    ),
    Idiom(
        "Indexing and shapes",
        "y = x.unsqueeze(0).permute(0, 2, 1)",
        "assert y.shape == (1, 3, 2)",
        setup="x = torch.zeros(2, 3)",
    ),
    Idiom(
        "Indexing and shapes",
        "y = torch.cat([x, x], dim=1)",
        "assert y.shape == (2, 6)",
        setup="x = torch.zeros(2, 3)",
    ),
    Idiom(
        "Indexing and shapes",
        "y = torch.stack([x, x])",
        "assert y.shape == (2, 2, 3)",
        setup="x = torch.zeros(2, 3)",
    ),
    Idiom(
        "Indexing and shapes",
        "y = x.gather(1, idx)",
        "assert y.tolist() == [[2.0], [4.0]]",
        setup="x = torch.tensor([[1.0, 2.0], [3.0, 4.0]]); idx = torch.tensor([[1], [1]])",
    ),
    Idiom(
        "Indexing and shapes",
        "y = x.masked_fill(x > 2, 0.0)",
        "assert y.tolist() == [1.0, 2.0, 0.0]",
        setup="x = torch.tensor([1.0, 2.0, 3.0])",
    ),
    Idiom("Indexing and shapes", "m = torch.tril(torch.ones(3, 3))", "assert m.sum().item() == 6.0"),
    Idiom(
        "Indexing and shapes",
        "y = x.repeat(2, 1)",
        "assert y.tolist() == [[1.0, 2.0], [1.0, 2.0]]",
        setup="x = torch.tensor([1.0, 2.0])",
    ),
    Idiom(
        "Indexing and shapes",
        "y = x[idx]",
        "assert y.tolist() == [3.0, 1.0]",
        setup="x = torch.tensor([1.0, 2.0, 3.0]); idx = torch.tensor([2, 0])",
    ),
    Idiom(
        "Indexing and shapes",
        "y = x[x > 1]",
        "assert y.tolist() == [2.0, 3.0]",
        setup="x = torch.tensor([1.0, 2.0, 3.0])",
    ),
    Idiom(
        "Indexing and shapes",
        "N[ix1, ix2] += 1",
        "assert N[0, 1].item() == 1",
        setup="N = torch.zeros((3, 3), dtype=torch.int32); ix1, ix2 = 0, 1",
    ),
    Idiom(
        "Indexing and shapes",
        "enc = F.one_hot(torch.tensor([0, 2]), num_classes=3)",
        "assert enc.tolist() == [[1, 0, 0], [0, 0, 1]]",
    ),
    Idiom(
        "Indexing and shapes",
        "n = x.size(0); shape = x.size()",
        "assert n == 2 and shape == (2, 3)",
        setup="x = torch.zeros(2, 3)",
    ),
    Idiom("Indexing and shapes", "n = x.numel() + x.dim()", "assert n == 8", setup="x = torch.zeros(2, 3)"),
    Idiom(
        "Indexing and shapes",
        "for row in x: total += row.sum().item()",
        "assert total == 6.0",
        setup="x = torch.ones(2, 3); total = 0.0",
    ),
    Idiom(
        "Indexing and shapes",
        "n = x.size",
        "assert n == 6",
        "differs",
        "numpy's meaning: `x.size` is the element count; `x.size()` and `x.size(0)` are PyTorch's",
        setup="x = torch.zeros(2, 3)",
    ),
    # ------------------------------------------------------------------ in place and .data
    Idiom(
        "In place and .data",
        "w.data -= 0.5 * w.grad",
        "assert w.tolist() == [0.0, 0.0] and w.requires_grad",
        setup=LEAF,
    ),
    Idiom("In place and .data", "w.data.sub_(0.5 * w.grad)", "assert w.tolist() == [0.0, 0.0]", setup=LEAF),
    Idiom("In place and .data", "w.data += -0.5 * w.grad", "assert w.tolist() == [0.0, 0.0]", setup=LEAF),
    Idiom(
        "In place and .data",
        "with torch.no_grad():\n    w -= 0.5 * w.grad\n    w.grad.zero_()",
        "assert w.tolist() == [0.0, 0.0] and w.grad.tolist() == [0.0, 0.0]",
        setup=LEAF,
    ),
    Idiom("In place and .data", "n = w.data.norm()", "assert abs(n.item() - 5 ** 0.5) < 1e-6", setup=LEAF),
    Idiom(
        "In place and .data",
        "x.add_(1); x.mul_(2)",
        "assert x.tolist() == [4.0, 6.0]",
        setup="x = torch.tensor([1.0, 2.0])",
    ),
    Idiom("In place and .data", "w.grad = None", "assert w.grad is None", setup=LEAF),
    Idiom(
        "In place and .data",
        "a = x.detach().numpy()",
        "assert isinstance(a, np.ndarray) and a.tolist() == [1.0]",
        setup="x = torch.tensor([1.0], requires_grad=True)",
    ),
    Idiom(
        "In place and .data",
        "y = x * 2; y *= 3",
        "y.backward(); assert y.tolist() == [6.0] and x.grad.tolist() == [6.0]",
        setup="x = torch.tensor([1.0], requires_grad=True)",
    ),
    # ------------------------------------------------------------------ autograd
    Idiom(
        "Autograd",
        "y.backward(torch.ones_like(y))",
        "assert x.grad.tolist() == [2.0, 2.0]",
        setup="x = torch.ones(2, requires_grad=True); y = 2 * x",
    ),
    Idiom(
        "Autograd",
        "(g,) = torch.autograd.grad(y, x, create_graph=True)",
        "assert g.tolist() == [3.0]",
        setup="x = torch.tensor([1.0], requires_grad=True); y = (x ** 3).sum()",
    ),
    Idiom(
        "Autograd",
        "with torch.no_grad():\n    y = x * 2",
        "assert not y.requires_grad",
        setup="x = torch.ones(1, requires_grad=True)",
    ),
    Idiom(
        "Autograd",
        "with torch.inference_mode():\n    y = x * 2",
        "assert not y.requires_grad",
        setup="x = torch.ones(1, requires_grad=True)",
    ),
    Idiom(
        "Autograd",
        "name = loss.grad_fn.next_functions[0][0].name()",
        "assert isinstance(name, str)",
        setup="x = torch.ones(2, requires_grad=True); loss = (x * 2).mean()",
    ),
    Idiom(
        "Autograd",
        "class Exp(torch.autograd.Function):\n"
        "    @staticmethod\n"
        "    def forward(ctx, i):\n"
        "        result = i.exp()\n"
        "        ctx.save_for_backward(result)\n"
        "        return result\n"
        "\n"
        "    @staticmethod\n"
        "    def backward(ctx, grad_output):\n"
        "        (result,) = ctx.saved_tensors\n"
        "        return grad_output * result\n"
        "\n"
        "Exp.apply(x).sum().backward()",
        "assert abs(x.grad[0].item() - 2.718281828) < 1e-6",
        setup="x = torch.tensor([1.0], requires_grad=True)",
    ),
    Idiom(
        "Autograd",
        "H = torch.autograd.functional.hessian(f, x)",
        "assert H.tolist() == [[2.0, 0.0], [0.0, 2.0]]",
        setup="f = lambda v: (v ** 2).sum(); x = torch.tensor([1.0, 2.0])",
    ),
    Idiom(
        "Autograd",
        "J = torch.autograd.functional.jacobian(f, x)",
        "assert J.tolist() == [[2.0, 0.0], [0.0, 4.0]]",
        setup="f = lambda v: v ** 2; x = torch.tensor([1.0, 2.0])",
    ),
    # ------------------------------------------------------------------ randomness
    Idiom(
        "Randomness",
        "torch.manual_seed(0); a = torch.randn(3); torch.manual_seed(0); b = torch.randn(3)",
        "assert a.tolist() == b.tolist()",
    ),
    Idiom(
        "Randomness",
        "g = torch.Generator().manual_seed(2147483647)",
        "assert torch.rand(3, generator=g).shape == (3,)",
    ),
    Idiom(
        "Randomness",
        "ix = torch.multinomial(p, num_samples=20, replacement=True, generator=g)",
        "assert set(ix.tolist()) <= {1, 2}",
        setup="p = torch.tensor([0.0, 0.5, 0.5]); g = torch.Generator().manual_seed(1)",
    ),
    Idiom(
        "Randomness",
        "mask = torch.bernoulli(torch.full((100,), 0.5))",
        "assert set(mask.tolist()) <= {0.0, 1.0}",
    ),
    Idiom("Randomness", "perm = torch.randperm(5)", "assert sorted(perm.tolist()) == [0, 1, 2, 3, 4]"),
    Idiom(
        "Randomness",
        "torch.manual_seed(0); x = torch.rand(1)",
        "assert 0 <= x.item() < 1",
        "differs",
        "same seed, same numbers within tensorgrad, but not PyTorch's numbers: the generators differ",
    ),
    # ------------------------------------------------------------------ layers, losses, optimizers
    Idiom(
        "Models and training",
        "model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))",
        "assert str(model).splitlines()[1] == '  (0): Linear(in_features=4, out_features=8, bias=True)'",
    ),
    Idiom(
        "Models and training",
        "n = sum(p.numel() for p in model.parameters() if p.requires_grad)",
        "assert n == 58",
        setup="model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))",
    ),
    Idiom(
        "Models and training",
        "sizes = {k: v.size() for k, v in model.state_dict().items()}",
        "assert sizes['0.weight'] == (8, 4)",
        setup="model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))",
    ),
    Idiom(
        "Models and training",
        "loss = F.cross_entropy(outputs, labels)",
        "assert abs(loss.item() - 0.654048) < 1e-5",
        setup=BATCH + "; labels = torch.tensor([1, 0])",
    ),
    Idiom(
        "Models and training",
        "loss = nn.NLLLoss()(F.log_softmax(outputs, dim=1), labels)",
        "assert abs(loss.item() - 0.654048) < 1e-5",
        setup=BATCH + "; labels = torch.tensor([1, 0])",
    ),
    Idiom(
        "Models and training",
        "y = F.gelu(x) + F.silu(x) + F.softplus(x)",
        "assert abs(y.item() - 2.885665) < 1e-5",
        setup="x = torch.tensor(1.0)",
    ),
    Idiom(
        "Models and training",
        "y = F.pad(x, (1, 1), mode='reflect')",
        "assert y.tolist() == [[[2.0, 1.0, 2.0, 3.0, 2.0]]]",
        setup="x = torch.tensor([[[1.0, 2.0, 3.0]]])",
    ),
    Idiom(
        "Models and training",
        "y = F.normalize(x, dim=0)",
        "assert y.tolist() == [0.6000000238418579, 0.800000011920929]",
        setup="x = torch.tensor([3.0, 4.0])",
    ),
    Idiom(
        "Models and training",
        "embeds = nn.Embedding(10, 3, padding_idx=0)(torch.tensor([[0, 2, 4]]))",
        "assert tuple(embeds.shape) == (1, 3, 3) and embeds[0, 0].abs().sum().item() == 0",
    ),
    Idiom(
        "Models and training",
        "y = nn.Conv1d(4, 8, kernel_size=3, padding=1)(x.permute(0, 2, 1))",
        "assert tuple(y.shape) == (2, 8, 10)",
        setup="x = torch.randn(2, 10, 4)",
    ),
    Idiom(
        "Models and training",
        "optimizer = optim.Adam(model.parameters(), lr=1e-3)",
        "assert optimizer.param_groups[0]['lr'] == 1e-3",
        setup="model = nn.Linear(2, 1)",
    ),
    Idiom(
        "Models and training",
        "scheduler = optim.lr_scheduler.LambdaLR(optimizer, lambda epoch: 0.5 ** epoch); scheduler.step()",
        "assert scheduler.get_last_lr() == [0.05]",
        setup="optimizer = optim.SGD(nn.Linear(2, 1).parameters(), lr=0.1)",
    ),
    Idiom(
        "Models and training",
        "scheduler = optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, total_steps=10)",
        "assert abs(scheduler.get_last_lr()[0] - 0.004) < 1e-9",
        setup="optimizer = optim.SGD(nn.Linear(2, 1).parameters(), lr=0.1, momentum=0.9)",
    ),
    Idiom(
        "Models and training",
        "nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)",
        "assert model.weight.grad.norm().item() <= 1.0 + 1e-6",
        setup="model = nn.Linear(2, 1); (model(torch.ones(1, 2)) * 100).sum().backward()",
    ),
    Idiom(
        "Models and training",
        "model.eval(); model.train()",
        "assert model.training",
        setup="model = nn.Linear(2, 1)",
    ),
    # ------------------------------------------------------------------ data
    Idiom(
        "Data",
        "from torch.utils.data import DataLoader, TensorDataset",
        "assert DataLoader is not None and TensorDataset is not None",
    ),
    Idiom(
        "Data",
        "x, y = ds[0]",
        "assert x.reshape(2, 1).shape == (2, 1) and y.item() == 1",
        setup="ds = torch.utils.data.TensorDataset(torch.ones(3, 2), torch.tensor([1, 0, 1]))",
    ),
    Idiom(
        "Data",
        "for xb, yb in torch.utils.data.DataLoader(ds, batch_size=2): shapes.append(tuple(xb.shape))",
        "assert shapes == [(2, 2), (1, 2)]",
        setup="ds = torch.utils.data.TensorDataset(torch.ones(3, 2), torch.tensor([1, 0, 1])); shapes = []",
    ),
    Idiom(
        "Data",
        "g = torch.Generator().manual_seed(0)\n"
        "train, val = torch.utils.data.random_split(ds, [0.8, 0.2], generator=g)",
        "assert (len(train), len(val)) == (8, 2)",
        setup="ds = torch.utils.data.TensorDataset(torch.ones(10, 2))",
    ),
    # ------------------------------------------------------------------ not supported
    Idiom(
        "Not supported",
        "model = torch.compile(model)",
        "assert 'not support' in message",
        "missing",
        "code runs eagerly; drop the line",
    ),
    Idiom(
        "Not supported",
        "scaler = torch.cuda.amp.GradScaler()",
        "assert 'not support' in message or 'CPU' in message",
        "missing",
        "no mixed precision: tensorgrad computes on the CPU",
    ),
    Idiom(
        "Not supported",
        "layer = nn.ConvTranspose2d(3, 8, 2)",
        "assert 'not support' in message",
        "missing",
        "no transposed convolution yet",
    ),
    # ------------------------------------------------------------------ sequences
    Idiom(
        "Sequences",
        "output, (h_n, c_n) = nn.LSTM(10, 20, batch_first=True)(torch.randn(3, 5, 10))",
        "assert tuple(output.shape) == (3, 5, 20) and tuple(h_n.shape) == (1, 3, 20) "
        "and tuple(c_n.shape) == (1, 3, 20)",
    ),
    Idiom(
        "Sequences",
        "out, weights = nn.MultiheadAttention(16, 4, batch_first=True)(x, x, x)",
        "assert tuple(out.shape) == (2, 7, 16) and tuple(weights.shape) == (2, 7, 7)",
        setup="x = torch.randn(2, 7, 16)",
    ),
    Idiom(
        "Sequences",
        "y = nn.LayerNorm(16)(x)",
        "assert y.mean(-1).abs().max().item() < 1e-5 and (y.var(-1, unbiased=False) - 1).abs().max() < 1e-3",
        setup="x = torch.randn(2, 7, 16) * 3 + 1",
    ),
]
