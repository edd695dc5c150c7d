"""draw_graph: the DOT it writes (nodes, edges, labels, backward numbering, colours, module frames,
collapsing), rendering with the real `dot`, and that drawing changes nothing."""

import re
import time
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tensorgrad as tg
from tensorgrad import nn
from tensorgrad.cli import main
from tensorgrad.viz import labels, recording

NODE = re.compile(r"^\s*(\w+) \[label=<(.*)>", re.M)
EDGE = re.compile(r"^\s*(\w+) -> (\w+)(?: \[(.*)\])?$", re.M)


def nodes(picture):
    return {name: label for name, label in NODE.findall(picture.source)}


def edges(picture):
    return EDGE.findall(picture.source)


def connectors(picture):
    """The numbered circles where an arrow leaves one row of a wrapped picture and enters the next."""
    return re.findall(r'^\s*(c\d+[ab]) \[label="\d+"', picture.source, re.M)


def arrows(picture):
    """The arrows between boxes as (tail, head, attributes), each arrow of a wrapped picture that goes through
    a pair of connectors joined again (the half that leaves the tail carries the attributes)."""
    whole, leaving, entering = [], {}, {}
    for tail, head, attrs in edges(picture):
        if re.fullmatch(r"c\d+a", head):
            leaving[head[:-1]] = (tail, attrs)
        elif re.fullmatch(r"c\d+b", tail):
            entering[tail[:-1]] = head
        else:
            whole.append((tail, head, attrs))
    assert leaving.keys() == entering.keys()
    return whole + [(tail, entering[k], attrs) for k, (tail, attrs) in leaving.items()]


def node_of(picture, text):
    """The one DOT node whose label contains ``text``."""
    found = [name for name, label in nodes(picture).items() if text in label]
    assert len(found) == 1, (text, found)
    return found[0]


def small_mlp(seed=0):
    tg.manual_seed(seed)
    return nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))


def mlp_loss(model):
    x = tg.tensor([[1.0, 2.0], [0.5, -1.0]])
    y = tg.tensor([[1.0], [0.0]])
    return nn.MSELoss()(model(x), y)


def graph_tensors(root):
    seen, stack = {}, [root]
    while stack:
        t = stack.pop()
        if id(t) not in seen:
            seen[id(t)] = t
            if t._node is not None:
                stack.extend(t._node.inputs)
    return list(seen.values())


# ----------------------------------------------------------------------------------------- structure
def test_forward_graph_has_a_box_per_tensor_and_an_arrow_per_op_input():
    model = small_mlp()
    loss = mlp_loss(model)
    picture = tg.viz.draw_graph(loss, params=model)
    tensors = graph_tensors(loss)
    inputs = sum(len(t._node.inputs) for t in tensors if t._node is not None)
    assert len(nodes(picture)) == len(tensors) == 12  # x, y, 4 parameters; Linear ReLU Linear Sub Mul Mean
    assert (
        len(edges(picture)) == inputs == 12
    )  # Linear 3 + ReLU 1 + Linear 3 + Sub 2 + Mul 2 (d * d) + Mean 1


def test_boxes_show_parameter_names_shapes_values_and_op_attributes():
    model = small_mlp()
    loss = mlp_loss(model)
    picture = tg.viz.draw_graph(loss, params=model)
    for name, p in model.named_parameters():
        label = nodes(picture)[node_of(picture, name + "<")]
        assert f"{tuple(p.shape)} float32" in label
        for line in np.array2string(
            p.numpy(), precision=4, suppress_small=True, max_line_width=48
        ).splitlines():
            assert line.strip() in label
    assert "axes=(0, 1)" in picture.source  # the Mean op's attribute
    assert "Dense" in picture.source and "ReLU" in picture.source and "MSELoss" in picture.source


def test_big_tensors_show_statistics_instead_of_values():
    x = tg.tensor(np.arange(100.0).reshape(10, 10), requires_grad=True, name="x")
    picture = tg.viz.draw_graph((x * 2).sum())
    label = nodes(picture)[node_of(picture, '<B><FONT COLOR="#1a1a1a">x<')]
    assert "mean 49.5  std 28.87" in label and "min 0  max 99" in label
    assert "show" not in label
    stats_only = tg.viz.draw_graph((x * 2).sum(), show_values="stats").source
    assert "mean 49.5" in stats_only
    assert "mean" not in tg.viz.draw_graph((x * 2).sum(), show_values="none").source


def test_after_backward_leaves_show_their_grad_and_its_norm():
    model = small_mlp()
    loss = mlp_loss(model)
    loss.backward()
    picture = tg.viz.draw_graph(loss, params=model)
    weight = model[0].weight
    label = nodes(picture)[node_of(picture, "0.weight<")]
    assert f"0.weight.grad  ‖g‖ {labels.number(float(np.linalg.norm(weight.grad.numpy())))}" in label
    fresh = small_mlp()
    assert "‖g‖" not in tg.viz.draw_graph(mlp_loss(fresh), params=fresh).source  # no backward yet: no grads
    assert "‖g‖" not in tg.viz.draw_graph(loss, params=model, show_grads=False).source


def test_params_may_be_named_parameters_a_dict_or_tensor_names():
    model = small_mlp()
    loss = mlp_loss(model)
    for params in (model.named_parameters(), dict(model.named_parameters())):
        assert "2.bias" in tg.viz.draw_graph(loss, params=params).source
    a = tg.tensor([1.0, 2.0], requires_grad=True, name="alpha")
    assert ">alpha<" in tg.viz.draw_graph((a * a).sum()).source


# ----------------------------------------------------------------------------------------- backward
def engine_order(root):
    """The order in which the engine really runs each node's backward: hooks fire as a tensor's turn
    comes, just before its node's backward."""
    ran = []
    for t in graph_tensors(root):
        if t._node is not None:
            t.register_hook(lambda g, node=t._node: ran.append(node))
    root.backward()
    return ran


BADGE = re.compile(
    r'<B><FONT COLOR="#1a1a1a">(\w+)<BR ALIGN="LEFT"/></FONT></B></TD><TD[^>]*><FONT COLOR="white"><B>#(\d+)<'
)


def test_backward_numbers_match_the_order_in_which_the_engine_ran_each_node():
    model = small_mlp()
    loss = mlp_loss(model)
    ran = engine_order(loss)
    assert [node.order for node in ran] == list(range(1, len(ran) + 1))
    picture = tg.viz.draw_graph(loss, params=model, backward=True)
    badges = sorted((int(number), name) for name, number in BADGE.findall(picture.source))
    assert badges == [(i, node.name) for i, node in enumerate(ran, start=1)]
    numbers = [
        re.search(r'label="#(\d+)', attrs).group(1) for _, _, attrs in arrows(picture) if "dir=back" in attrs
    ]
    assert sorted(set(map(int, numbers))) == list(range(1, len(ran) + 1))


def test_backward_arrows_point_the_way_gradients_flow_and_carry_the_recorded_gradient():
    a = tg.tensor([1.0, 2.0], requires_grad=True, name="a")
    b = tg.tensor([3.0, -4.0], requires_grad=True, name="b")
    loss = (a * b).sum()
    with tg.viz.record_backward():
        loss.backward()
    picture = tg.viz.draw_graph(loss, backward=True)
    arrows = {(tail, head): attrs for tail, head, attrs in edges(picture)}
    mul, a_box = node_of(picture, ">Mul<"), node_of(picture, ">a<")
    attrs = arrows[(a_box, mul)]
    assert "dir=back" in attrs  # drawn from the op back to its input
    assert f"#2  (2,) ‖g‖ {labels.number(5.0)}" in attrs  # d(loss)/da = b, whose norm is 5
    assert "#1  (2,) ‖g‖" in arrows[(mul, node_of(picture, ">Sum<"))]
    assert "not recorded" not in picture.note


def test_unrecorded_backward_still_numbers_the_steps_and_says_how_to_see_inner_gradients():
    model = small_mlp()
    loss = mlp_loss(model)
    loss.backward()
    picture = tg.viz.draw_graph(loss, params=model, backward=True)
    assert "record_backward" in picture.note
    assert re.search(r'label="#1  \(2, 1\)"', picture.source)  # order and shape, no values
    before = tg.viz.draw_graph(mlp_loss(model), params=model, backward=True)
    assert "backward has not run" in before.note


def test_record_backward_keeps_exactly_the_gradients_the_engine_computed_and_restores_the_switch():
    x = tg.tensor([0.5, -1.5, 2.0], requires_grad=True)
    h = x.tanh()
    loss = (h * h).sum()
    with tg.viz.record_backward():
        loss.backward()
    assert recording._keep not in tg.autograd.observers.ran
    expected = 2 * np.tanh(x.numpy())
    grad_output, grad_inputs = recording.gradients(h._node)
    np.testing.assert_allclose(grad_output.numpy(), expected, rtol=1e-6)
    np.testing.assert_allclose(grad_inputs[0].numpy(), expected * (1 - np.tanh(x.numpy()) ** 2), rtol=1e-6)
    with pytest.raises(KeyError), tg.viz.record_backward():
        raise KeyError
    assert recording._keep not in tg.autograd.observers.ran


def test_nested_record_backward_blocks_record_until_the_outer_one_ends():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    with tg.viz.record_backward():
        with tg.viz.record_backward():
            pass
        loss = (x * x).sum()
        loss.backward()
    assert recording.gradients(loss._node)[0].item() == 1.0


def test_a_later_unrecorded_backward_forgets_the_recorded_gradients():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    loss = (x * x).sum()
    with tg.viz.record_backward():
        loss.backward(retain_graph=True)
    assert recording.gradients(loss._node) is not None
    loss.backward()  # the picture must not show the first pass's gradients as this one's
    assert recording.gradients(loss._node) is None
    assert loss._node not in recording._kept
    assert "record_backward" in tg.viz.draw_graph(loss, backward=True).note


# ----------------------------------------------------------------------------------------- colour
def test_color_by_grad_norm_fills_from_blue_to_red_on_a_log_scale_with_a_legend():
    tg.manual_seed(0)
    a = tg.tensor([1e-4, 0.0], requires_grad=True, name="small")
    b = tg.tensor([1e3, 0.0], requires_grad=True, name="large")
    loss = (a * b).sum()  # d/da = b (norm 1e3), d/db = a (norm 1e-4)
    loss.backward()
    picture = tg.viz.draw_graph(loss, color_by="grad_norm")
    assert f'BGCOLOR="{labels.NORM_PALETTE[0]}"' in nodes(picture)[node_of(picture, "large<")]
    assert f'BGCOLOR="{labels.NORM_PALETTE[-1]}"' in nodes(picture)[node_of(picture, "small<")]
    assert "legend" in nodes(picture) and "gradient norm (log scale)" in nodes(picture)["legend"]
    assert "legend" not in nodes(tg.viz.draw_graph(loss))


def test_gradient_norm_colours_are_on_a_log_scale_so_the_geometric_middle_is_the_middle_colour():
    a, b, c = (tg.tensor(1.0, requires_grad=True, name=n) for n in ("a", "b", "c"))
    loss = a * 1e-3 + b * 1e-1 + c * 10.0  # gradients 1e-3, 1e-1 and 10: 0.1 is half way on a log scale
    loss.backward()
    picture = tg.viz.draw_graph(loss, color_by="grad_norm")
    fill = {
        n: re.search(r'BGCOLOR="(#\w+)"', nodes(picture)[node_of(picture, f">{n}<")]).group(1) for n in "abc"
    }
    palette = labels.NORM_PALETTE
    assert (fill["a"], fill["b"], fill["c"]) == (palette[0], palette[len(palette) // 2], palette[-1])
    assert "0.001 smallest" in nodes(picture)["legend"] and "largest 10" in nodes(picture)["legend"]


def test_norm_colours_are_monotonic_in_the_norm():
    values = np.logspace(-6, 3, 50)
    indices = [labels.NORM_PALETTE.index(labels.norm_color(v, 1e-6, 1e3)) for v in values]
    assert indices == sorted(indices) and indices[0] == 0 and indices[-1] == len(labels.NORM_PALETTE) - 1


# ----------------------------------------------------------------------------------------- modules
def test_each_module_call_is_a_labelled_frame_around_its_ops_and_parameters():
    model = small_mlp()
    loss = mlp_loss(model)
    picture = tg.viz.draw_graph(loss, params=model)
    frames = re.findall(r"subgraph cluster_\w+ \{\n\t*([^\n]*)\n((?:\t*t\d+ \[[^\n]*\n)*)", picture.source)
    labels_found = sorted(re.search(r'label="?([^"]*?)"? labeljust', attrs).group(1) for attrs, _ in frames)
    assert labels_found == ["0: Dense", "1: ReLU", "2: Dense", "MSELoss"]
    dense0 = next(body for attrs, body in frames if 'label="0: Dense" ' in attrs)
    assert node_of(picture, "0.weight<") in dense0 and node_of(picture, "0.bias<") in dense0
    assert "cluster" not in tg.viz.draw_graph(loss, params=model, group_modules=False).source


def test_nested_modules_are_nested_frames_and_module_scope_is_restored_after_an_error():
    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = nn.Sequential(nn.Linear(2, 2), nn.Tanh())

        def forward(self, x):
            return self.inner(x) * 2

    block = Block()
    out = block(tg.ones(1, 2)).sum()
    linear_node = out._node.inputs[0]._node.inputs[0]._node.inputs[0]._node
    assert linear_node.name == "Dense"
    assert [type(m).__name__ for m in linear_node.scope] == ["Block", "Sequential", "Linear"]
    source = tg.viz.draw_graph(out).source
    assert re.search(r"cluster_\d+ \{.*cluster_\d+_\d+ \{.*cluster_\d+_\d+_\d+ \{", source, re.S)

    class Broken(nn.Module):
        def forward(self, x):
            raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        Broken()(tg.ones(1))
    assert tg.autograd.observers.scope == ()


def test_a_layer_and_the_op_it_makes_have_one_name_its_keras_style_class_name():
    tg.manual_seed(0)
    # built with the PyTorch aliases: the picture still says Conv2D, MaxPool2D, AvgPool2D and Dense
    model = nn.Sequential(
        nn.Conv2d(1, 2, 3), nn.MaxPool2d(2), nn.AvgPool2d(1), nn.Flatten(), nn.Linear(2 * 3 * 3, 1)
    )
    picture = tg.viz.draw_graph(model(tg.randn(1, 1, 8, 8)).sum(), params=model)
    frames = re.findall(
        r'subgraph cluster_\w+ \{\n[^\n]*label="\d+: (\w+)"[^\n]*\n((?:\t*t\d+ \[[^\n]*\n)*)', picture.source
    )
    header = re.compile(r'<B><FONT COLOR="[^"]*">([^<]*)<BR')
    ops = {
        layer: [header.search(label).group(1) for _, label in NODE.findall(body)] for layer, body in frames
    }
    for layer in ("Conv2D", "MaxPool2D", "AvgPool2D", "Dense"):
        assert [op for op in ops[layer] if "." not in op] == [layer]  # besides its parameters, one op: itself
    assert not re.search(r"\b(Linear|Conv2d|MaxPool2d|AvgPool2d)\b", picture.source)


# ----------------------------------------------------------------------------------------- size and rows
def png_size(path):
    """(width, height) in pixels, from the PNG header."""
    header = path.read_bytes()[:24]
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


def test_the_cnn_backward_pass_picture_fits_a_laptop_screen(tmp_path):
    """The default `tensorgrad graph --model cnn` picture, drawn at its natural size (fonts readable without
    zoom), is at most 2000 pixels wide and roughly as tall as wide (it was 5227 x 936)."""
    assert main(["graph", "--model", "cnn", "--out", str(tmp_path / "cnn.png")]) == 0
    width, height = png_size(tmp_path / "cnn.png")
    assert width <= 2000 and height <= 2000 and 0.6 <= width / height <= 1.8, (width, height)


def rows_of(picture):
    """The boxes of each row of a wrapped picture, in the order of the rows."""
    blocks = re.split(r"subgraph cluster_row(\d+) \{", picture.source)[1:]
    return {
        int(row): re.findall(r"^\s*(t\d+) \[label=<", body, re.M)
        for row, body in zip(blocks[::2], blocks[1::2])
    }


def test_a_long_left_to_right_picture_wraps_into_rows_that_read_top_to_bottom_in_forward_order():
    tg.manual_seed(0)
    model = nn.Sequential(*[layer for _ in range(6) for layer in (nn.Dense(4, 4), nn.Tanh())])
    loss = model(tg.ones(2, 4)).sum()
    with tg.viz.record_backward():
        loss.backward()
    picture = tg.viz.draw_graph(loss, params=model, backward=True)
    rows = rows_of(picture)
    assert len(rows) >= 3
    row_of = {box: row for row, boxes in rows.items() for box in boxes}
    ops = [name for name, label in nodes(picture).items() if "Dense<" in label or "Tanh<" in label]
    ops.sort(key=lambda name: int(name[1:]))  # t<i>: inputs before outputs, so forward order
    assert [row_of[op] for op in ops] == sorted(row_of[op] for op in ops)  # rows follow the forward pass
    frames = re.findall(r'label="(\d+): (?:Dense|Tanh)"', picture.source)
    assert sorted(map(int, frames)) == list(range(12))  # no module is cut in two
    # each row break is one arrow through a pair of numbered connectors, one at each end
    assert len(connectors(picture)) == 2 * (len(rows) - 1)
    # dot draws the rows top to bottom (y grows upwards in its plain output), none wider than a screen
    plain = picture.pipe(format="plain").decode().splitlines()
    width = float(plain[0].split()[2]) * 72
    y = {line.split()[1]: float(line.split()[3]) for line in plain if line.startswith("node ")}
    tops = [max(y[box] for box in rows[row]) for row in sorted(rows)]
    assert tops == sorted(tops, reverse=True) and width <= 1.15 * tg.viz.graph.ROW_LENGTH
    # a picture that fits on one row is drawn as before, without rows
    assert "cluster_row" not in tg.viz.draw_graph(mlp_loss(small_mlp()), backward=False).source


def test_a_constant_many_ops_use_is_drawn_beside_each_of_them_and_lays_out_fast():
    x = tg.tensor([0.5, -1.0, 2.0, 0.25], requires_grad=True, name="x")
    y = x
    for i in range(200):  # Python numbers are cached: every * 1.0001 shares one constant tensor
        y = y * 1.0001 if i % 2 else y + 0.001
    loss = y.sum()
    loss.backward()
    picture = tg.viz.draw_graph(loss, backward=True, max_nodes=None)
    tensors = graph_tensors(loss)
    constants = [t for t in tensors if t._node is None and not t.requires_grad]
    scale = next(t for t in constants if np.isclose(float(t.numpy()), 1.0001))
    labels_of = nodes(picture)
    scale_label = labels_of[picture.boxes[id(scale)]]
    drawn_as_scale = [name for name, label in labels_of.items() if label == scale_label]
    assert len(drawn_as_scale) == 100  # a box per use
    tails = [tail for tail, _, _ in arrows(picture)]
    assert sorted(tails.count(name) for name in drawn_as_scale) == [1] * 100  # each feeds one op
    assert {picture.boxes[id(scale)], *picture.uses.values()} >= set(drawn_as_scale)
    start = time.perf_counter()
    svg = picture.pipe(format="svg")
    seconds = time.perf_counter() - start
    assert seconds < 5, seconds  # 100 ops sharing one box took dot 11 s; a box per use, 0.03 s
    titles = set(re.findall(rb"<title>(\w+)</title>", svg))
    assert {name.encode() for name in drawn_as_scale} <= titles


# ----------------------------------------------------------------------------------------- collapse
def test_a_graph_bigger_than_max_nodes_collapses_to_one_box_per_module():
    tg.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 4 * 4, 10)
    )
    loss = nn.CrossEntropyLoss()(model(tg.randn(2, 1, 8, 8)), tg.tensor([1, 2]))
    loss.backward()
    full = tg.viz.draw_graph(loss, params=model)
    assert 'kernel=(3, 3), stride=(1, 1)<BR ALIGN="LEFT"/>padding=(1, 1), dilation=(1, 1)' in full.source
    picture = tg.viz.draw_graph(loss, params=model, backward=True, max_nodes=8, color_by="grad_norm")
    boxes = {k: v for k, v in nodes(picture).items() if k != "legend"}
    assert len(boxes) == 6  # 5 modules (input and parameters inside them) and the loss
    assert "collapsed: 6 ops and 5 leaves drawn as 6 boxes" in picture.note
    conv = nodes(picture)[node_of(picture, "0: Conv2D")]
    assert "0.weight (4, 1, 3, 3) float32" in conv and "backward step 6" in conv
    norm = np.sqrt(sum(np.sum(p.grad.numpy().astype(np.float64) ** 2) for p in model[0].parameters()))
    assert f"grad ‖g‖ {labels.number(norm)}" in conv


def test_a_10000_op_chain_draws_collapsed_and_renders_in_seconds(tmp_path):
    x = tg.randn(16, requires_grad=True)
    y = x
    for _ in range(5000):
        y = y * 1.0001 + 0.001
    loss = y.sum()
    loss.backward()
    start = time.perf_counter()
    picture = tg.viz.draw_graph(loss, backward=True)
    picture.save(tmp_path / "chain.svg")
    assert time.perf_counter() - start < 10
    assert len(nodes(picture)) <= 200
    assert "collapsed: 10001 ops" in picture.note
    svg = ET.parse(tmp_path / "chain.svg")
    drawn = svg.findall(".//{http://www.w3.org/2000/svg}g[@class='node']")
    assert len(drawn) == len(nodes(picture)) + len(connectors(picture)) and connectors(picture)  # wrapped


def test_a_model_with_more_layers_than_max_nodes_merges_them_into_runs():
    tg.manual_seed(0)
    model = nn.Sequential(*[nn.Linear(2, 2) for _ in range(300)])
    loss = model(tg.ones(1, 2)).sum()
    loss.backward()
    picture = tg.viz.draw_graph(loss, params=model, max_nodes=50)
    assert 40 <= len(nodes(picture)) <= 50
    assert "collapsed: 301 ops and 601 leaves" in picture.note  # 300 Linear + Sum; x and 600 parameters


def test_a_100000_op_chain_draws_without_recursion():
    y = tg.ones(1, requires_grad=True)
    for _ in range(100_000):
        y = y + 1.0
    picture = tg.viz.draw_graph(y, max_nodes=50)
    assert len(nodes(picture)) <= 50


# ----------------------------------------------------------------------------------------- no side effects
def snapshot(root):
    return [
        (
            t.numpy().copy(),
            None if t.grad is None else t.grad.numpy().copy(),
            t._node and t._node.saved,
            t._node and t._node.order,
        )
        for t in graph_tensors(root)
    ]


def test_drawing_changes_no_value_gradient_or_retained_graph():
    model = small_mlp()
    loss = mlp_loss(model)
    loss.backward(retain_graph=True)
    before = snapshot(loss)
    grads = [p.grad.numpy().copy() for p in model.parameters()]
    for options in ({}, {"backward": True, "color_by": "grad_norm"}, {"max_nodes": 3}):
        tg.viz.draw_graph(loss, params=model, **options).pipe(format="svg")
    after = snapshot(loss)
    for (d0, g0, s0, o0), (d1, g1, s1, o1) in zip(before, after):
        np.testing.assert_array_equal(d0, d1)
        assert (g0 is None and g1 is None) or np.array_equal(g0, g1)
        assert s0 is s1 and o0 == o1
    loss.backward()  # the retained graph still works, and gives the same gradients again
    for p, g in zip(model.parameters(), grads):
        np.testing.assert_allclose(p.grad.numpy(), 2 * g, rtol=1e-6)


@settings(max_examples=25, deadline=None)
@given(
    shape=st.lists(st.integers(1, 4), min_size=0, max_size=3).map(tuple),
    ops=st.lists(st.sampled_from(["add", "mul", "tanh", "exp", "sum0", "bcast"]), min_size=1, max_size=12),
)
def test_any_graph_draws_a_box_per_tensor_and_an_arrow_per_input(shape, ops):
    x = tg.tensor(np.linspace(-1, 1, int(np.prod(shape))).reshape(shape), requires_grad=True)
    w = tg.tensor(np.full(shape[-1:] if shape else (), 0.5), requires_grad=True)
    y = x
    for op in ops:
        if op == "add":
            y = y + x if y.shape == x.shape else y + 1.0
        elif op == "mul":
            y = y * 0.5
        elif op == "tanh":
            y = y.tanh()
        elif op == "exp":
            y = (y * 0.1).exp()
        elif op == "sum0" and y.ndim > 0:
            y = y.sum(axis=0)
        elif op == "bcast" and y.shape == x.shape:
            y = y * w
    loss = y.sum()
    with tg.viz.record_backward():
        loss.backward(retain_graph=True)
    before = snapshot(loss)
    picture = tg.viz.draw_graph(loss, backward=True, color_by="grad_norm", max_nodes=None)
    tensors = graph_tensors(loss)
    inputs = [x for t in tensors if t._node is not None for x in t._node.inputs]
    constants = {id(x) for x in inputs if x._node is None and not x.requires_grad}
    later_uses = sum(1 for x in inputs if id(x) in constants) - len(constants)  # a box of their own each
    assert len([n for n in nodes(picture) if n != "legend"]) == len(tensors) + later_uses
    assert len(arrows(picture)) == len(inputs)
    for (d0, _, s0, _), (d1, _, s1, _) in zip(before, snapshot(loss)):
        np.testing.assert_array_equal(d0, d1)
        assert s0 is s1


# ----------------------------------------------------------------------------------------- rendering
def test_renders_with_dot_to_svg_that_holds_every_box(tmp_path):
    model = small_mlp()
    loss = mlp_loss(model)
    with tg.viz.record_backward():
        loss.backward()
    picture = tg.viz.draw_graph(loss, params=model, backward=True, color_by="grad_norm")
    for suffix in ("svg", "png", "pdf", "dot"):
        path = picture.save(tmp_path / f"graph.{suffix}")
        assert path.stat().st_size > 100
    assert (tmp_path / "graph.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "graph.pdf").read_bytes()[:4] == b"%PDF"
    svg = ET.parse(tmp_path / "graph.svg")
    titles = {
        g.findtext("{http://www.w3.org/2000/svg}title") for g in svg.iter("{http://www.w3.org/2000/svg}g")
    }
    assert set(nodes(picture)) <= titles
    text = " ".join(t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text"))
    assert "0.weight" in text and "MSELoss" in text and "#6" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.dot", "graph.pdf", "graph.png", "graph.svg"]


def test_displays_inline_in_jupyter_as_svg():
    picture = tg.viz.draw_graph(mlp_loss(small_mlp()))
    bundle = picture._repr_mimebundle_()
    assert bundle["image/svg+xml"].lstrip().startswith("<?xml")


def test_without_dot_rendering_says_how_to_install_it_and_the_source_still_works(monkeypatch, tmp_path):
    picture = tg.viz.draw_graph(mlp_loss(small_mlp()))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(tg.viz.GraphvizNotFoundError, match="apt-get install graphviz"):
        picture.save(tmp_path / "g.svg")
    with pytest.raises(tg.viz.GraphvizNotFoundError, match="not installed"):
        picture.pipe(format="svg")
    assert "digraph" in picture.source and list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"show_values": "all"}, "show_values must be one of"),
        ({"color_by": "norm"}, "color_by must be None or 'grad_norm'"),
        ({"max_nodes": 1}, "max_nodes must be an int >= 2"),
        ({"rankdir": "up"}, "rankdir must be one of"),
    ],
)
def test_bad_options_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        tg.viz.draw_graph(mlp_loss(small_mlp()), **kwargs)


def test_bad_root_params_and_file_names_are_clear_errors(tmp_path):
    with pytest.raises(TypeError, match="expected a Tensor"):
        tg.viz.draw_graph(np.ones(3))
    with pytest.raises(TypeError, match="params must be a Module"):
        tg.viz.draw_graph(mlp_loss(small_mlp()), params=[1, 2])
    picture = tg.viz.draw_graph(mlp_loss(small_mlp()))
    with pytest.raises(ValueError, match=r"cannot tell the format from 'g.jpeg'"):
        picture.save(tmp_path / "g.jpeg")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        picture.save(tmp_path / "missing" / "g.svg")


def test_a_tensor_without_a_graph_draws_as_one_box():
    picture = tg.viz.draw_graph(tg.tensor([1.0, 2.0]))
    assert len(nodes(picture)) == 1 and edges(picture) == []


# ----------------------------------------------------------------------------------------- the command
@pytest.mark.parametrize("model", ["mlp", "cnn"])
def test_graph_command_draws_a_built_in_models_backward_pass(model, tmp_path, capsys):
    out = tmp_path / f"{model}.svg"
    assert main(["graph", "--model", model, "--out", str(out)]) == 0
    assert f"to {out}" in capsys.readouterr().out
    svg = ET.parse(out)
    text = " ".join(t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text"))
    assert "CrossEntropy" in text and "#1" in text and "gradient norm (log scale)" in text
    assert "Conv2D" in text or model == "mlp"


def test_graph_command_options_and_bad_input(tmp_path, capsys):
    assert (
        main(
            ["graph", "--forward", "--color-by", "none", "--rankdir", "TB", "--out", str(tmp_path / "f.dot")]
        )
        == 0
    )
    source = (tmp_path / "f.dot").read_text()
    assert "dir=back" not in source and "legend" not in source and "rankdir=TB" in source
    assert (
        main(
            [
                "graph",
                "--model",
                "cnn",
                "--max-nodes",
                "5",
                "--rankdir",
                "TB",
                "--out",
                str(tmp_path / "c.png"),
            ]
        )
        == 0
    )
    assert "collapsed" in capsys.readouterr().out
    assert main(["graph", "--out", str(tmp_path / "nowhere" / "g.svg")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["graph", "--out", str(tmp_path / "g.txt")]) == 2
    assert "must end in .svg, .png, .pdf or .dot" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["graph", "--model", "rnn"])


def test_the_same_graph_gives_the_same_dot_text_every_time():
    """Stored notebook outputs and committed pictures must not change from run to run (no id()s in them)."""

    def draw():
        tg.manual_seed(0)
        model = nn.Sequential(nn.Sequential(nn.Dense(2, 3), nn.ReLU()), nn.Dense(3, 1))
        loss = model(tg.tensor([[1.0, 2.0]])).sum()
        with tg.viz.record_backward():
            loss.backward()
        return tg.viz.draw_graph(loss, params=model, backward=True)

    first, second = draw(), draw()
    assert first.source == second.source
    assert re.search(r"cluster_(\d) \{.*cluster_\1_0 \{", first.source, re.S)  # a frame inside a frame
    assert repr(first) == "<GraphPicture: backward pass>"
