"""The backward engine: accumulation, order, retained and freed graphs, hooks, grad mode, tg.grad."""

import gc
import time
import tracemalloc

import numpy as np
import pytest

import tensorgrad as tg


def leaf(values, dtype=np.float64):
    return tg.tensor(np.asarray(values, dtype=dtype), requires_grad=True)


def test_gradients_accumulate_across_backward_calls_until_zeroed():
    x = leaf([1.0, 2.0])
    (x * 3).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3 + 2, 3 + 4])
    x.grad = None
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3, 3])


def test_a_tensor_used_twice_gets_the_sum_of_both_paths():
    x = leaf([2.0])
    y = x * x + x.exp() * x  # d/dx = 2x + e^x (1 + x)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [4 + np.exp(2) * 3])


def test_diamond_graph_is_differentiated_once_per_path():
    x = leaf([0.5])
    a = x.tanh()
    b, c = a * 2, a * 3
    (b + c).backward()
    np.testing.assert_allclose(x.grad.numpy(), [5 * (1 - np.tanh(0.5) ** 2)])


def test_backward_with_gradient_argument_for_non_scalar_outputs():
    x = leaf([1.0, 2.0, 3.0])
    y = x * x
    y.backward(gradient=np.array([1.0, 0.0, 2.0]))
    np.testing.assert_allclose(x.grad.numpy(), [2, 0, 12])


def test_leaf_grads_are_independent_arrays_even_when_the_graph_passes_one_gradient_to_both():
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    (a + b).sum().backward()
    assert a.grad.numpy() is not b.grad.numpy()
    assert not np.shares_memory(a.grad.numpy(), b.grad.numpy())
    a.grad.data *= 10  # an in-place update (clipping, zeroing) of one must not touch the other
    np.testing.assert_array_equal(b.grad.numpy(), [1, 1])
    assert a.grad.numpy().flags.writeable and b.grad.numpy().flags.writeable


def test_grad_dtype_matches_the_leaf_even_when_the_graph_upcasts():
    x = tg.tensor([1.0, 2.0], requires_grad=True)  # float32
    y = x * tg.tensor(np.array([2.0, 3.0]))  # float64 constant: y is float64
    assert y.dtype == np.float64
    y.sum().backward()
    assert x.grad.dtype == np.float32


def test_100000_op_chain_backprops_without_recursion_in_seconds():
    x = leaf([0.5], dtype=np.float32)
    y = x
    start = time.perf_counter()
    for _ in range(100_000):
        y = y * 1.0
    y.backward()
    seconds = time.perf_counter() - start
    np.testing.assert_allclose(x.grad.numpy(), [1.0])
    assert seconds < 10, f"100k-op chain took {seconds:.1f} s"


def test_backward_order_is_recorded_on_the_nodes_outputs_first():
    x = leaf([1.0])
    a = x * 2
    b = a.exp()
    c = b.sum()
    c.backward()
    assert (c.grad_fn.order, b.grad_fn.order, a.grad_fn.order) == (1, 2, 3)


def test_second_backward_through_a_freed_graph_raises_a_clear_error():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="second time.*retain_graph=True"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = leaf([1.0, 2.0])
    y = (x.tanh() * x).sum()
    y.backward(retain_graph=True)
    first = x.grad.numpy().copy()
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * first)


def test_backward_releases_saved_arrays_but_keeps_the_graph_structure():
    x = leaf([1.0, -2.0])
    r = x.relu()
    loss = r.sum()
    assert r.grad_fn.saved is not None and len(r.grad_fn.saved) == 1
    loss.backward()
    assert r.grad_fn.saved is None
    assert r.grad_fn.inputs[0] is x  # still drawable after backward


def test_memory_stays_flat_over_thousands_of_training_like_iterations():
    rng = np.random.default_rng(0)
    w = tg.tensor(rng.standard_normal((32, 16)).astype(np.float32), requires_grad=True)
    x = tg.tensor(rng.standard_normal((64, 32)).astype(np.float32))

    def step():
        loss = ((x @ w).tanh() ** 2).mean()
        w.grad = None
        loss.backward()
        with tg.no_grad():
            w.data -= 0.01 * w.grad.numpy()

    for _ in range(50):
        step()
    gc.collect()
    tracemalloc.start()
    for _ in range(200):
        step()
    gc.collect()
    after_warmup, _ = tracemalloc.get_traced_memory()
    for _ in range(2000):
        step()
    gc.collect()
    current, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert current - after_warmup < 200_000, f"memory grew by {current - after_warmup} bytes"


def test_no_grad_records_no_graph_and_enable_grad_turns_it_back_on():
    x = leaf([1.0])
    with tg.no_grad():
        y = x * 2
        with tg.enable_grad():
            z = x * 2
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad and z.grad_fn is not None
    assert tg.is_grad_enabled()


def test_nested_grad_modes_restore_the_outer_state_on_exit():
    x = leaf([1.0])
    with tg.no_grad():
        with tg.no_grad():
            assert not tg.is_grad_enabled()
        assert not tg.is_grad_enabled() and not (x * 2).requires_grad  # the outer no_grad still holds
        with tg.enable_grad():
            assert tg.is_grad_enabled()
        assert not tg.is_grad_enabled() and not (x * 2).requires_grad
        with tg.set_grad_enabled(True):
            with tg.set_grad_enabled(False):
                assert not tg.is_grad_enabled()
            assert tg.is_grad_enabled()
        assert not tg.is_grad_enabled()
    with tg.enable_grad():
        with tg.enable_grad():
            pass
        assert tg.is_grad_enabled()
    assert tg.is_grad_enabled() and (x * 2).requires_grad


def test_no_grad_and_enable_grad_work_as_decorators():
    x = leaf([1.0])

    @tg.no_grad()
    def infer(t):
        return t * 2

    @tg.enable_grad()
    def train(t):
        return t * 2

    assert not infer(x).requires_grad
    with tg.no_grad():
        assert train(x).requires_grad
    assert tg.is_grad_enabled()


def test_hook_sees_the_gradient_and_can_replace_it_until_removed():
    x = leaf([1.0, 2.0])
    y = x * 3
    seen = []
    y.register_hook(lambda g: seen.append(g.numpy().copy()))
    remove = y.register_hook(lambda g: g * 10)
    loss = y.sum()
    loss.backward(retain_graph=True)
    np.testing.assert_array_equal(seen[0], [1, 1])
    np.testing.assert_allclose(x.grad.numpy(), [30, 30])
    remove()
    x.grad = None
    loss.backward()  # the same graph, without the replacing hook
    np.testing.assert_allclose(x.grad.numpy(), [3, 3])
    assert len(seen) == 2  # the other hook still runs


def test_leaf_hook_runs_once_on_the_total_gradient_of_the_pass():
    x = leaf([1.0])
    calls = []
    x.register_hook(lambda g: calls.append(float(g.item())))
    (x * 2 + x * 3).backward()
    assert calls == [5.0]


def test_hook_returning_a_wrong_shape_is_an_error():
    x = leaf([1.0, 2.0])
    y = x * 1
    y.register_hook(lambda g: g.sum())
    with pytest.raises(RuntimeError, match="must return None or a Tensor of the gradient's shape"):
        y.sum().backward()


def test_retain_grad_keeps_intermediate_gradients():
    x = leaf([1.0, 2.0])
    h = x * 3
    h.retain_grad()
    (h * h).sum().backward()
    np.testing.assert_allclose(h.grad.numpy(), [6, 12])
    assert (x * 2).grad is None


def test_grad_returns_a_tuple_and_leaves_dot_grad_alone():
    x, w = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    y = (x * w).sum()
    gx, gw = tg.grad(y, [x, w])
    np.testing.assert_allclose(gx.numpy(), [3, 4])
    np.testing.assert_allclose(gw.numpy(), [1, 2])
    assert x.grad is None and w.grad is None


def test_grad_with_respect_to_an_intermediate_tensor():
    x = leaf([1.0, 2.0])
    h = x * 2
    y = (h * h).sum()
    (gh,) = tg.grad(y, h)
    np.testing.assert_allclose(gh.numpy(), 2 * h.numpy())


def test_grad_unused_input_raises_unless_allowed():
    x, unused = leaf([1.0]), leaf([2.0])
    with pytest.raises(RuntimeError, match="was not used"):
        tg.grad((x * 2).sum(), [x, unused], retain_graph=True)
    gx, gu = tg.grad((x * 2).sum(), [x, unused], allow_unused=True)
    np.testing.assert_allclose(gx.numpy(), [2])
    assert gu is None


def test_grad_with_grad_outputs_for_several_outputs():
    x = leaf([1.0, 2.0])
    a, b = x * 2, x * x
    (g,) = tg.grad([a, b], x, grad_outputs=[np.ones(2), np.array([1.0, 0.5])])
    np.testing.assert_allclose(g.numpy(), [2 + 2, 2 + 2])


def test_second_and_third_derivatives_match_closed_forms():
    x = leaf([0.3, -1.2, 2.0])
    t = np.tanh(x.numpy())
    (g1,) = tg.grad(x.tanh().sum(), x, create_graph=True)
    (g2,) = tg.grad(g1.sum(), x, create_graph=True)
    (g3,) = tg.grad(g2.sum(), x)
    np.testing.assert_allclose(g1.numpy(), 1 - t**2)
    np.testing.assert_allclose(g2.numpy(), -2 * t * (1 - t**2))
    np.testing.assert_allclose(g3.numpy(), -2 * (1 - t**2) ** 2 + 4 * t**2 * (1 - t**2))


def test_higher_derivatives_of_a_polynomial_and_exp_log():
    x = leaf([1.5])
    y = x**4  # 4x^3, 12x^2, 24x
    (d1,) = tg.grad(y, x, create_graph=True)
    (d2,) = tg.grad(d1, x, create_graph=True)
    (d3,) = tg.grad(d2, x)
    np.testing.assert_allclose([d1.item(), d2.item(), d3.item()], [4 * 1.5**3, 12 * 1.5**2, 24 * 1.5])
    z = (x.exp() * x.log()).sum()  # f'' = e^x (ln x + 2/x - 1/x^2)
    (d1,) = tg.grad(z, x, create_graph=True)
    (d2,) = tg.grad(d1.sum(), x)
    np.testing.assert_allclose(d2.item(), np.exp(1.5) * (np.log(1.5) + 2 / 1.5 - 1 / 1.5**2))


def test_backward_with_create_graph_gives_a_differentiable_dot_grad():
    x = leaf([2.0])
    (x**3).backward(create_graph=True)
    assert x.grad.requires_grad
    np.testing.assert_allclose(x.grad.numpy(), [12.0])
    (g2,) = tg.grad(x.grad, x)
    np.testing.assert_allclose(g2.numpy(), [12.0])  # d/dx 3x^2 = 6x


def test_gradient_of_gradient_through_a_small_mlp_matches_finite_differences():
    rng = np.random.default_rng(0)
    x = tg.tensor(rng.standard_normal((5, 3)))
    w1, w2 = leaf(rng.standard_normal((3, 4))), leaf(rng.standard_normal((4, 1)))

    def grad_penalty(w1, w2):
        loss = ((x @ w1).tanh() @ w2).sigmoid().mean()
        g1, g2 = tg.grad(loss, [w1, w2], create_graph=True)
        return (g1 * g1).sum() + (g2 * g2).sum()

    penalty = grad_penalty(w1, w2)
    penalty.backward()
    numeric = np.zeros_like(w1.numpy())
    eps = 1e-6
    for i in np.ndindex(*w1.shape):
        w1.numpy()[i] += eps
        plus = grad_penalty(w1, w2).item()
        w1.numpy()[i] -= 2 * eps
        minus = grad_penalty(w1, w2).item()
        w1.numpy()[i] += eps
        numeric[i] = (plus - minus) / (2 * eps)
    np.testing.assert_allclose(w1.grad.numpy(), numeric, rtol=1e-5, atol=1e-8)
    assert tg.gradgradcheck(lambda w1, w2: ((x @ w1).tanh() @ w2).sigmoid().mean(), [w1, w2])


def test_detached_tensors_stop_the_gradient():
    x = leaf([3.0])
    y = x * x.detach()  # only the first factor is differentiated
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [3.0])


def test_grad_mode_is_restored_when_an_exception_escapes_the_block_or_the_decorated_function():
    with pytest.raises(ZeroDivisionError), tg.no_grad():
        raise ZeroDivisionError
    assert tg.is_grad_enabled()

    @tg.no_grad()
    def fails():
        raise KeyError

    with pytest.raises(KeyError):
        fails()
    assert tg.is_grad_enabled()
    with tg.set_grad_enabled(False):
        assert not tg.is_grad_enabled()
    assert tg.is_grad_enabled()


def test_backward_with_create_graph_keeps_the_forward_graph_for_the_next_derivative():
    x = leaf([0.5, -1.0])
    x.tanh().sum().backward(create_graph=True)  # the gradient 1 - tanh^2 is built from tanh's output
    (g2,) = tg.grad(x.grad.sum(), x)
    t = np.tanh(x.numpy())
    np.testing.assert_allclose(g2.numpy(), -2 * t * (1 - t**2))


def test_leaf_grads_never_share_memory_with_each_other_or_with_the_given_gradient():
    a, b = leaf(np.ones((2, 3))), leaf(np.ones((3, 2)))
    seed = tg.tensor(np.ones((2, 3)))
    (a + b.T).backward(seed)  # b's gradient is a transposed view of the one a gets
    arrays = [a.grad.numpy(), b.grad.numpy(), seed.numpy()]
    for i, x in enumerate(arrays):
        for y in arrays[i + 1 :]:
            assert not np.shares_memory(x, y)
    w = leaf(np.ones((2, 3)))
    (tg.tensor(np.ones((4, 3))) @ w.T).sum().backward()  # a view of a fresh array: kept as it is
    assert w.grad.numpy().flags.writeable
    np.testing.assert_allclose(w.grad.numpy(), 4 * np.ones((2, 3)))
