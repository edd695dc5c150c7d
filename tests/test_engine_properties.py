"""Property-based tests of the engine on random computation graphs (DAGs with shared subexpressions)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import tensorgrad as tg

UNARY = [
    lambda a: a.tanh(),
    lambda a: a.sigmoid(),
    lambda a: a * 0.7,
    lambda a: (a * a + 1.0).sqrt(),
    lambda a: a.exp() * 0.1,
    lambda a: -a,
]
BINARY = [
    lambda a, b: a + b,
    lambda a, b: a - b,
    lambda a, b: a * b,
    lambda a, b: a / (b * b + 1.0),
    lambda a, b: a.sum(axis=0, keepdims=True) + b,  # broadcasting inside the graph
]

GRAPHS = st.lists(
    st.tuples(st.booleans(), st.integers(0, 100), st.integers(0, 100), st.integers(0, 100)),
    min_size=1,
    max_size=12,
)


def build(program, leaves):
    """Each step applies an op to earlier values (chosen by index), so values are reused: a DAG."""
    values = list(leaves)
    for binary, op, i, j in program:
        a, b = values[i % len(values)], values[j % len(values)]
        values.append(BINARY[op % len(BINARY)](a, b) if binary else UNARY[op % len(UNARY)](a))
    return sum(v.sum() for v in values[len(leaves) :])


@given(GRAPHS, st.integers(0, 2**32 - 1))
@settings(max_examples=40)
def test_random_graphs_pass_gradcheck(program, seed):
    rng = np.random.default_rng(seed)
    leaves = [tg.tensor(rng.uniform(-1, 1, (2, 3)), requires_grad=True) for _ in range(3)]
    assert tg.gradcheck(lambda *xs: build(program, xs), leaves)


@given(GRAPHS, st.integers(0, 2**32 - 1))
@settings(max_examples=25)
def test_backward_and_grad_agree_and_grad_leaves_dot_grad_untouched(program, seed):
    rng = np.random.default_rng(seed)
    leaves = [tg.tensor(rng.uniform(-1, 1, (2, 3)), requires_grad=True) for _ in range(3)]
    grads = tg.grad(build(program, leaves), leaves, allow_unused=True)
    assert all(x.grad is None for x in leaves)
    build(program, leaves).backward()
    for x, g in zip(leaves, grads):
        if g is None:
            assert x.grad is None
        else:
            np.testing.assert_allclose(x.grad.numpy(), g.numpy(), rtol=1e-12, atol=1e-12)


@given(GRAPHS, st.integers(0, 2**32 - 1))
@settings(max_examples=25)
def test_every_node_runs_backward_once_after_all_nodes_that_use_it(program, seed):
    rng = np.random.default_rng(seed)
    leaves = [tg.tensor(rng.uniform(-1, 1, (2, 3)), requires_grad=True) for _ in range(3)]
    loss = build(program, leaves)
    loss.backward()
    nodes, stack = {}, [loss]
    while stack:
        t = stack.pop()
        if t.grad_fn is not None and id(t.grad_fn) not in nodes:
            nodes[id(t.grad_fn)] = t.grad_fn
            stack.extend(t.grad_fn.inputs)
    orders = sorted(n.order for n in nodes.values())
    assert orders == list(range(1, len(nodes) + 1))  # each node once, numbered 1..n
    for node in nodes.values():
        for x in node.inputs:
            if x.grad_fn is not None:
                assert x.grad_fn.order > node.order  # a tensor's node runs after every node that used it
