"""The examples in PyTorch's documentation of ``torch.autograd.functional`` (pytorch/pytorch,
torch/autograd/functional.py, the ``Example:`` sections of the docstrings of ``jacobian``, ``hessian``,
``vjp``, ``jvp`` and ``hvp``; published at
https://pytorch.org/docs/stable/autograd.html#functional-higher-level-api), ported by changing the import only
(the examples assume ``from torch.autograd.functional import ...``): each example's code as written, with
``create_graph=True`` where the docs show it.

No data; nothing shrunk. The inputs come from ``torch.rand``, so where the docs print random numbers the
checks are the formulas the examples illustrate (for example, the Jacobian of ``x.exp().sum(dim=1)`` holds
``exp(x[i])`` in row i and zeros elsewhere; the Hessian of ``x.pow(3).sum()`` is diagonal with ``6 x``), and
where the docs print exact numbers (``tensor([[3., 0.], [0., 3.]])``, ``tensor([[4., 0.], [0., 4.]])``,
``tensor([5., 5.])``, ``tensor([6., 6.])``, ...) those numbers are compared exactly.
"""

from __future__ import annotations

import numpy as np

import tensorgrad as torch


def test_jacobian_examples():
    from tensorgrad.autograd.functional import jacobian  # the docs' import; here, not at the top, so that
    # while the module is missing only these tests fail, not the collection of the suite

    torch.manual_seed(0)

    def exp_reducer(x):
        return x.exp().sum(dim=1)

    inputs = torch.rand(2, 2)
    jac = jacobian(exp_reducer, inputs)
    expected = np.zeros((2, 2, 2), dtype=np.float32)
    expected[0, 0], expected[1, 1] = np.exp(inputs.numpy())
    assert np.allclose(jac.numpy(), expected, rtol=1e-6)

    jac = jacobian(exp_reducer, inputs, create_graph=True)
    assert np.allclose(jac.detach().numpy(), expected, rtol=1e-6)

    def exp_adder(x, y):
        return 2 * x.exp() + 3 * y

    inputs = (torch.rand(2), torch.rand(2))
    jac_x, jac_y = jacobian(exp_adder, inputs)
    assert np.allclose(jac_x.numpy(), np.diag(2 * np.exp(inputs[0].numpy())), rtol=1e-6)
    assert jac_y.numpy().tolist() == [[3.0, 0.0], [0.0, 3.0]]


def test_hessian_examples():
    from tensorgrad.autograd.functional import hessian  # the docs' import; here, not at the top, so that
    # while the module is missing only these tests fail, not the collection of the suite

    torch.manual_seed(0)

    def pow_reducer(x):
        return x.pow(3).sum()

    inputs = torch.rand(2, 2)
    hess = hessian(pow_reducer, inputs)
    expected = np.zeros((2, 2, 2, 2), dtype=np.float32)
    for i in range(2):
        for j in range(2):
            expected[i, j, i, j] = 6 * inputs.numpy()[i, j]
    assert np.allclose(hess.numpy(), expected, rtol=1e-6)

    hess = hessian(pow_reducer, inputs, create_graph=True)
    assert np.allclose(hess.detach().numpy(), expected, rtol=1e-6)

    def pow_adder_reducer(x, y):
        return (2 * x.pow(2) + 3 * y.pow(2)).sum()

    inputs = (torch.rand(2), torch.rand(2))
    (h_xx, h_xy), (h_yx, h_yy) = hessian(pow_adder_reducer, inputs)
    assert h_xx.numpy().tolist() == [[4.0, 0.0], [0.0, 4.0]]
    assert h_xy.numpy().tolist() == h_yx.numpy().tolist() == [[0.0, 0.0], [0.0, 0.0]]
    assert h_yy.numpy().tolist() == [[6.0, 0.0], [0.0, 6.0]]


def test_vjp_examples():
    from tensorgrad.autograd.functional import vjp  # the docs' import; here, not at the top, so that
    # while the module is missing only these tests fail, not the collection of the suite

    torch.manual_seed(0)

    def exp_reducer(x):
        return x.exp().sum(dim=1)

    inputs = torch.rand(4, 4)
    v = torch.ones(4)
    output, vjp_value = vjp(exp_reducer, inputs, v)
    assert np.allclose(output.numpy(), np.exp(inputs.numpy()).sum(1), rtol=1e-6)
    assert np.allclose(vjp_value.numpy(), np.exp(inputs.numpy()), rtol=1e-6)

    output, vjp_value = vjp(exp_reducer, inputs, v, create_graph=True)
    assert output.requires_grad and vjp_value.requires_grad

    def adder(x, y):
        return 2 * x + 3 * y

    inputs = (torch.rand(2), torch.rand(2))
    v = torch.ones(2)
    output, (vjp_x, vjp_y) = vjp(adder, inputs, v)
    assert np.allclose(output.numpy(), 2 * inputs[0].numpy() + 3 * inputs[1].numpy(), rtol=1e-6)
    assert vjp_x.numpy().tolist() == [2.0, 2.0] and vjp_y.numpy().tolist() == [3.0, 3.0]


def test_jvp_examples():
    from tensorgrad.autograd.functional import jvp  # the docs' import; here, not at the top, so that
    # while the module is missing only these tests fail, not the collection of the suite

    torch.manual_seed(0)

    def exp_reducer(x):
        return x.exp().sum(dim=1)

    inputs = torch.rand(4, 4)
    v = torch.ones(4, 4)
    output, jvp_value = jvp(exp_reducer, inputs, v)
    row_sums = np.exp(inputs.numpy()).sum(1)
    assert np.allclose(output.numpy(), row_sums, rtol=1e-6) and np.allclose(
        jvp_value.numpy(), row_sums, rtol=1e-6
    )

    output, jvp_value = jvp(exp_reducer, inputs, v, create_graph=True)
    assert output.requires_grad and jvp_value.requires_grad

    def adder(x, y):
        return 2 * x + 3 * y

    inputs = (torch.rand(2), torch.rand(2))
    v = (torch.ones(2), torch.ones(2))
    output, jvp_value = jvp(adder, inputs, v)
    assert jvp_value.numpy().tolist() == [5.0, 5.0]


def test_hvp_examples():
    from tensorgrad.autograd.functional import hvp  # the docs' import; here, not at the top, so that
    # while the module is missing only these tests fail, not the collection of the suite

    torch.manual_seed(0)

    def pow_reducer(x):
        return x.pow(3).sum()

    inputs = torch.rand(2, 2)
    v = torch.ones(2, 2)
    output, hvp_value = hvp(pow_reducer, inputs, v)
    assert np.isclose(output.item(), (inputs.numpy() ** 3).sum(), rtol=1e-6)
    assert np.allclose(hvp_value.numpy(), 6 * inputs.numpy(), rtol=1e-6)

    output, hvp_value = hvp(pow_reducer, inputs, v, create_graph=True)
    assert output.requires_grad and hvp_value.requires_grad

    def pow_adder_reducer(x, y):
        return (2 * x.pow(2) + 3 * y.pow(2)).sum()

    inputs = (torch.rand(2), torch.rand(2))
    v = (torch.zeros(2), torch.ones(2))
    output, (hvp_x, hvp_y) = hvp(pow_adder_reducer, inputs, v)
    assert hvp_x.numpy().tolist() == [0.0, 0.0] and hvp_y.numpy().tolist() == [6.0, 6.0]
