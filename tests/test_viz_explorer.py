"""tg.viz.explore: the data the page steps through (the engine's order, the gradients sent and gathered,
leaves' .grad), the forward-only case, the self-contained file and its atomic writing, a 10,000-node graph,
and the errors. Pure Python: the page's JavaScript is not run here."""

import html
import inspect
import json
import re
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tensorgrad as tg
from tensorgrad import nn
from tensorgrad.autograd import observers
from tensorgrad.viz import explorer, explorer_data, explorer_views, graph


# ----------------------------------------------------------------------------------------- helpers
def run_backward(loss):
    """Run ``loss.backward()`` recorded, and return the nodes in the order the engine ran them, with the
    gradients each passed on, as the engine's own observers see them."""
    ran = []

    def watch(node, grad_output, grad_inputs):
        ran.append((node, tuple(None if g is None else g.numpy().copy() for g in grad_inputs)))

    observers.watch(observers.ran, watch)
    try:
        with tg.viz.record_backward():
            loss.backward()
    finally:
        observers.watch(observers.ran, watch, on=False)
    return ran


def tensors_of(data, loss):
    """The tensors behind the data's nodes (the same order as draw_graph's boxes)."""
    tensors = graph._collect([loss])
    assert len(tensors) == len(data["nodes"])
    return tensors


def values(summary, owner):
    """A summary's values as an array of its tensor's (``owner``'s) dtype and shape, unless it says others."""
    assert "values" in summary and not summary.get("summarised")
    dtype, shape = summary.get("dtype", owner["dtype"]), summary.get("shape", owner["shape"])
    return np.array([float(v) for v in summary["values"]], dtype=dtype).reshape(shape)


def norm(summary, owner):
    if summary.get("summarised"):
        return summary["stats"]["norm"]
    return float(np.linalg.norm(values(summary, owner).astype(np.float64)))


def send_grad(data, send):
    """The gradient a step sent (as the page reads it): its own, or the receiver's if it was the only one."""
    if send.get("same"):
        return data["nodes"][send["to"]]["grad"]
    return send["grad"]


def sent(data, contribution):
    """The gradient of one contribution ``[step, from, input]``, as an array."""
    step_number, sender, position = contribution
    (step,) = [s for s in data["steps"] if s["step"] == step_number]
    assert step["node"] == sender
    (send,) = [s for s in step["sends"] if s["input"] == position]
    return values(send_grad(data, send), data["nodes"][send["to"]])


def all_inputs(data):
    """Every ``(node, input position)`` of the graph."""
    return sorted((j, i) for j, n in enumerate(data["nodes"]) for i in range(len(n.get("inputs", []))))


def drawn_inputs(data):
    """The ``(node, input position)`` pairs the picture's arrows stand for."""
    return sorted(tuple(p) for edge in data["edges"] for p in edge["pairs"])


def check_steps_follow_the_engine(loss, params=None):
    ran = run_backward(loss)
    data = tg.viz.explore(loss, params, max_nodes=None).data
    tensors = tensors_of(data, loss)
    # the backward steps: the engine's order, each with what it really sent to each input
    assert [tensors[s["node"]]._node for s in data["steps"]] == [node for node, _ in ran]
    assert [s["step"] for s in data["steps"]] == list(range(1, len(ran) + 1))
    for step, (node, grads) in zip(data["steps"], ran):
        receiving = [
            i for i, (x, g) in enumerate(zip(node.inputs, grads)) if g is not None and x.requires_grad
        ]
        assert [s["input"] for s in step["sends"]] == receiving
        for send in step["sends"]:
            assert tensors[send["to"]] is node.inputs[send["input"]]
            got, receiver, expected = send_grad(data, send), data["nodes"][send["to"]], grads[send["input"]]
            assert got.get("shape", receiver["shape"]) == list(expected.shape)
            if "values" in got:
                np.testing.assert_array_equal(values(got, receiver), expected)
            else:
                assert got["stats"]["norm"] == pytest.approx(np.linalg.norm(expected), rel=1e-5)
    # the forward steps: every op, in the order it was created
    ops = [t for t in tensors if t._node is not None]
    assert [tensors[i] for i in data["forward"]] == sorted(ops, key=lambda t: t._node.sequence)
    assert [data["nodes"][i]["forward"] for i in data["forward"]] == list(range(len(ops)))
    # every leaf's .grad, complete after its last contribution
    leaves = [(n, t) for n, t in zip(data["nodes"], tensors) if t._node is None and t.requires_grad]
    assert leaves
    for node, t in leaves:
        assert node["kind"] == "parameter"
        if "values" in node["grad"]:
            np.testing.assert_array_equal(values(node["grad"], node), t.grad.numpy())
        assert norm(node["grad"], node) == pytest.approx(np.linalg.norm(t.grad.numpy()), rel=1e-5)
        assert node["ready"] == max(c[0] for c in node["contributions"])
    return data


# ----------------------------------------------------------------------------------------- the steps
@settings(max_examples=6)
@given(
    batch=st.integers(1, 5), features=st.integers(1, 6), hidden=st.integers(1, 9), classes=st.integers(2, 5)
)
def test_mlp_steps_sends_and_leaf_grads_are_the_engines(batch, features, hidden, classes):
    tg.manual_seed(batch * 100 + features)
    model = nn.Sequential(nn.Linear(features, hidden), nn.ReLU(), nn.Linear(hidden, classes))
    x = tg.randn(batch, features)
    target = tg.tensor(np.arange(batch) % classes)
    loss = nn.CrossEntropyLoss()(model(x), target)
    data = check_steps_follow_the_engine(loss, model)
    names = {n["name"] for n in data["nodes"]}
    assert {"0.weight", "0.bias", "2.weight", "2.bias"} <= names
    assert data["recorded"] and data["backward"] and not data["collapsed"]
    modules = {n["module"] for n in data["nodes"] if n["kind"] == "op"}
    assert "0: Dense" in modules and "2: Dense" in modules


def test_cnn_steps_and_leaf_grads_are_the_engines():
    tg.manual_seed(3)
    model = nn.Sequential(
        nn.Conv2d(1, 3, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(48, 4)
    )
    x = tg.randn(2, 1, 8, 8)
    loss = nn.CrossEntropyLoss()(model(x), tg.tensor([1, 3]))
    data = check_steps_follow_the_engine(loss, model)
    ops = [n["op"] for n in data["nodes"] if n["kind"] == "op"]
    assert any("Conv" in op for op in ops) and any("Pool" in op for op in ops)
    conv = next(n for n in data["nodes"] if n["kind"] == "op" and "Conv" in n["op"])
    assert any(a.startswith("stride=") or a.startswith("padding=") for a in conv["attrs"])
    image = next(n for n in data["nodes"] if n["kind"] == "input")  # 128 elements: summarised
    assert image["value"]["summarised"] and sum(image["value"]["hist"]["counts"]) == 128


def test_a_tensor_used_twice_shows_both_contributions_and_their_sum():
    x = tg.tensor([1.5, -2.0, 0.25], requires_grad=True, name="x")
    loss = (x * x).sum()
    data = check_steps_follow_the_engine(loss)
    (node,) = [n for n in data["nodes"] if n["name"] == "x"]
    assert len(node["contributions"]) == 2
    parts = [sent(data, c) for c in node["contributions"]]
    np.testing.assert_allclose(parts[0] + parts[1], x.grad.numpy(), rtol=1e-6)
    np.testing.assert_allclose(parts[0], x.numpy())  # d(x*x)/d(first x) = the other x


def test_a_weight_shared_by_two_layers_gathers_one_contribution_from_each():
    tg.manual_seed(1)
    shared = nn.Linear(3, 3)
    x = tg.randn(2, 3)
    loss = shared(tg.tanh(shared(x))).sum()
    data = check_steps_follow_the_engine(loss, {"shared.weight": shared.weight, "shared.bias": shared.bias})
    for name, p in (("shared.weight", shared.weight), ("shared.bias", shared.bias)):
        (node,) = [n for n in data["nodes"] if n["name"] == name]
        steps = [c[0] for c in node["contributions"]]
        assert len(steps) == 2 and steps == sorted(steps)
        total = sum(sent(data, c) for c in node["contributions"])
        np.testing.assert_allclose(total, p.grad.numpy(), rtol=1e-5, atol=1e-6)
        assert node["ready"] == steps[-1]  # .grad is complete when the second one arrives


def test_inner_gradients_are_the_recorded_ones_and_ready_when_their_node_runs():
    a = tg.tensor([1.0, 2.0], requires_grad=True, name="a")
    b = tg.tensor([3.0, -4.0], requires_grad=True, name="b")
    product = a * b
    loss = (product * product).sum()
    run_backward(loss)
    data = tg.viz.explore(loss).data
    tensors = tensors_of(data, loss)
    (i,) = [i for i, t in enumerate(tensors) if t is product]
    node = data["nodes"][i]
    np.testing.assert_allclose(values(node["grad"], node), 2 * product.numpy())
    assert node["ready"] == node["step"] and len(node["contributions"]) == 2


# ----------------------------------------------------------------------------------------- other graphs
def test_a_forward_only_graph_replays_its_forward_pass():
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    loss = model(tg.randn(4, 2)).mean()
    e = tg.viz.explore(loss, model)
    data = e.data
    assert not data["backward"] and data["steps"] == [] and data["title"] == "forward pass"
    assert len(data["forward"]) == sum(n["kind"] == "op" for n in data["nodes"]) > 0
    assert not any({"grad", "ready", "step", "contributions"} & n.keys() for n in data["nodes"])
    assert all(e["sent"] is None for e in data["edges"])
    assert "#b2182b" not in e.svg  # draw_graph's forward picture: no gradient (red) anywhere
    assert "<Explorer: forward pass" in repr(e)


def test_a_backward_pass_that_was_not_recorded_still_has_its_order_and_leaf_grads():
    a = tg.tensor([1.0, 2.0], requires_grad=True, name="a")
    loss = (a * 3.0).sum()
    loss.backward()
    data = tg.viz.explore(loss).data
    assert [data["nodes"][s["node"]]["op"] for s in data["steps"]] == ["Sum", "Mul"]
    assert not data["recorded"] and "record_backward" in data["note"]
    assert all(send.keys() == {"to", "input"} for s in data["steps"] for send in s["sends"])
    (node,) = [n for n in data["nodes"] if n["name"] == "a"]
    np.testing.assert_array_equal(values(node["grad"], node), [3.0, 3.0])
    assert node["ready"] == 2


def test_every_box_and_arrow_is_found_in_the_svg():
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    loss = model(tg.randn(4, 2)).mean()
    run_backward(loss)
    e = tg.viz.explore(loss, model)
    data = e.data
    ids = set(re.findall(r'<g id="(\w+)" class="(?:node|edge)"', e.svg))
    assert set(data["boxes"]) <= ids and {i for edge in data["edges"] for i in edge["svg"]} <= ids
    members = sorted(i for box in data["boxes"].values() for i in box["members"])
    assert members == list(range(len(data["nodes"])))
    assert drawn_inputs(data) == all_inputs(data)


def test_a_constant_several_ops_use_has_a_box_beside_each_that_shows_it():
    a = tg.tensor([1.0, -2.0], requires_grad=True, name="a")
    loss = ((a * 0.5).tanh() * 0.5).sum()  # one cached tensor for both 0.5s
    run_backward(loss)
    data = tg.viz.explore(loss).data
    nodes = data["nodes"]
    (half,) = [i for i, n in enumerate(nodes) if n["kind"] == "constant" and n["value"]["values"] == [0.5]]
    shown_by = [svg for svg, box in data["boxes"].items() if box["members"] == [half]]
    assert len(shown_by) == 2
    assert drawn_inputs(data) == all_inputs(data)  # both arrows from the constant are found
    tails = {edge["svg"][0]: edge for edge in data["edges"] if any(p[1] == 1 for p in edge["pairs"])}
    assert len(tails) == 2


def test_arrows_split_between_the_rows_of_a_wrapped_picture_are_joined():
    tg.manual_seed(0)
    model = nn.Sequential(*[m for _ in range(12) for m in (nn.Linear(3, 3), nn.Tanh())])
    loss = model(tg.randn(2, 3)).sum()
    run_backward(loss)
    data = tg.viz.explore(loss, model).data
    split = [edge for edge in data["edges"] if len(edge["svg"]) == 2]
    assert split  # the picture wraps into rows: some arrows run through a pair of connectors
    assert drawn_inputs(data) == all_inputs(data)
    for edge in split:
        ((head, _),) = edge["pairs"]
        assert edge["sent"] == data["nodes"][head]["step"]


def test_a_graph_bigger_than_max_nodes_steps_through_merged_boxes():
    x = tg.tensor([0.5, 1.0], requires_grad=True, name="x")
    y = x
    for _ in range(30):
        y = tg.tanh(y * 1.1)
    loss = y.sum()
    run_backward(loss)
    data = tg.viz.explore(loss, max_nodes=5).data
    assert data["collapsed"] and len(data["boxes"]) <= 6 and "collapsed" in data["note"]
    assert len(data["steps"]) == 61 and len(data["forward"]) == 61
    for box in data["boxes"].values():  # a merged box is complete when its last member is
        members = [data["nodes"][i] for i in box["members"]]
        assert box["ready"] == max(m["ready"] for m in members if "ready" in m)


def test_the_creation_site_is_known_for_graphs_built_under_detect_anomaly():
    a = tg.tensor([1.0, 2.0], requires_grad=True, name="a")
    with tg.detect_anomaly():
        line = inspect.currentframe().f_lineno + 1
        loss = (a * a).sum()
    data = tg.viz.explore(loss).data
    where = {n["op"]: n["where"] for n in data["nodes"] if n["kind"] == "op"}
    assert where["Mul"] == f"{__file__}:{line}"
    assert "where" not in tg.viz.explore((a * a).sum()).data["nodes"][-1]


# ----------------------------------------------------------------------------------------- summaries
@settings(max_examples=40)
@given(
    array=hnp.arrays(
        dtype=st.sampled_from([np.float32, np.float64]),
        shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=12),
        elements=st.floats(-1e6, 1e6, width=32) | st.sampled_from([np.nan, np.inf, -np.inf]),
    ),
    limit=st.integers(0, 80),
)
def test_small_tensors_keep_their_values_and_big_ones_are_summarised(array, limit):
    summary = explorer_data.summary(array, limit)
    assert summary["shape"] == list(array.shape) and summary["dtype"] == array.dtype.name
    json.dumps(summary, allow_nan=False)  # JSON with no NaN literals: non-finite numbers are strings
    finite = array[np.isfinite(array)].astype(np.float64)
    if array.size <= limit:
        assert summary.keys() == {"shape", "dtype", "values"}  # the page computes the statistics
        got = np.array([float(v) for v in summary["values"]], dtype=array.dtype).reshape(array.shape)
        np.testing.assert_array_equal(got, array)  # exact: the shortest text that reads back the same
    else:
        assert summary["summarised"] is True and "values" not in summary
        if finite.size:
            assert summary["stats"]["max"] == pytest.approx(finite.max(), rel=1e-6)
            assert summary["stats"]["norm"] == pytest.approx(np.sqrt((finite**2).sum()), rel=1e-6)
        assert summary["stats"].get("nan", 0) == np.isnan(array).sum()
        assert sum(summary["hist"]["counts"]) == finite.size
        assert ("matrix" in summary) == (array.ndim == 2)
        if array.ndim == 2:
            rows, cols = summary["matrix"]["shape"]
            assert rows == min(array.shape[0], 32) and cols == min(array.shape[1], 32)
            assert len(summary["matrix"]["values"]) == rows * cols


def test_a_heatmap_averages_blocks():
    summary = explorer_data.summary(np.arange(64 * 64, dtype=np.float64).reshape(64, 64))
    matrix = np.array(summary["matrix"]["values"]).reshape(summary["matrix"]["shape"])
    assert matrix.shape == (32, 32)
    assert matrix[0, 0] == np.mean([0, 1, 64, 65])


# ----------------------------------------------------------------------------------------- the file
def small_explorer():
    a = tg.tensor([[1.0, -2.0], [0.5, 4.0]], requires_grad=True, name="a")
    loss = (a * a).sum()
    run_backward(loss)
    return tg.viz.explore(loss, title="a</script><b>")


def test_the_saved_page_is_self_contained_and_carries_the_data(tmp_path):
    e = small_explorer()
    path = e.save(tmp_path / "pass.html")
    page = path.read_text(encoding="utf-8")
    assert page == e.html() and page.startswith("<!DOCTYPE html>")
    assert "http://" not in page and "https://" not in page
    assert "//" not in re.sub(r"(?s)<script>.*?</script>", "", page)  # no protocol-relative URL either
    assert not re.search(r"\b(src|href)\s*=", page) and "@import" not in page and "url(" not in page
    assert "function stateAt" in page and ".tg-toolbar" in page  # explorer.js and explorer.css inline
    embedded = page.split('<script type="application/json" id="tg-data">')[1].split("</script>")[0]
    assert json.loads(embedded) == e.data
    outside_scripts = re.sub(r"(?s)<script[^>]*>.*?</script>", "", page)
    assert "<b>" not in outside_scripts and "a&lt;/script&gt;&lt;b&gt;" in page  # the title, escaped
    assert "</script><b>" not in page  # nor does it end the data's script element
    assert page.count("<svg") == 1 and 'id="node1" class="node"' in page


def test_in_a_notebook_the_page_shows_in_a_sandboxed_frame():
    e = small_explorer()
    shown = e._repr_html_()
    assert shown.startswith("<iframe srcdoc=") and 'sandbox="allow-scripts"' in shown
    source = re.search(r'srcdoc="([^"]*)"', shown).group(1)
    assert html.unescape(source) == e.html()


def test_saving_is_atomic_a_failed_write_leaves_no_file(tmp_path):
    e = small_explorer()
    target = tmp_path / "pass.html"
    e.data["nodes"][0]["broken"] = object()  # serialisation fails halfway through the page
    with pytest.raises(TypeError):
        e.save(target)
    assert list(tmp_path.iterdir()) == []
    target.write_text("the old page")
    with pytest.raises(TypeError):
        e.save(target)
    assert target.read_text() == "the old page" and list(tmp_path.iterdir()) == [target]
    del e.data["nodes"][0]["broken"]
    e.save(target)
    assert target.read_text(encoding="utf-8") == e.html()


def test_a_10000_node_graph_saves_small_and_fast(tmp_path):
    x = tg.tensor([0.5, -1.0, 2.0, 0.25], requires_grad=True, name="x")
    y = x
    for i in range(10_000):
        y = y * 1.0001 if i % 2 else y + 0.001
    loss = y.sum()
    with tg.viz.record_backward():
        loss.backward()
    start = time.perf_counter()
    e = tg.viz.explore(loss)
    path = e.save(tmp_path / "big.html")
    seconds = time.perf_counter() - start
    size = path.stat().st_size
    print(f"10,000-op chain: {size / 1e6:.2f} MB in {seconds:.2f} s")
    assert size < 5_000_000
    # about 7 s on a quiet 2-core machine: 197 views (runs of about 50 ops), each laid out by dot; slack for
    # a busy machine
    assert seconds < 30
    data = e.data
    assert len(data["steps"]) == len(data["forward"]) == 10_001 and data["collapsed"]
    (node,) = [n for n in data["nodes"] if n["name"] == "x"]
    np.testing.assert_array_equal(values(node["grad"], node), x.grad.numpy())


# ----------------------------------------------------------------------------------------- errors
def test_bad_input_says_what_explore_expected(tmp_path):
    a = tg.tensor([1.0], requires_grad=True)
    loss = (a * 2).sum()
    with pytest.raises(TypeError, match=r"explore: expected a Tensor .* got int"):
        tg.viz.explore(3)
    with pytest.raises(TypeError, match=r"explore: expected a Tensor .* got list"):
        tg.viz.explore([loss, "x"])
    with pytest.raises(TypeError, match=r"explore: params must be a Module, a dict .* got int"):
        tg.viz.explore(loss, 5)
    with pytest.raises(TypeError, match=r"explore: params .* got list"):
        tg.viz.explore(loss, [("a", 1.0)])
    with pytest.raises(ValueError, match=r"explore: max_nodes must be an int >= 2 or None, got 1"):
        tg.viz.explore(loss, max_nodes=1)
    with pytest.raises(ValueError, match=r"explore: values_limit must be an int >= 0, got -1"):
        tg.viz.explore(loss, values_limit=-1)
    with pytest.raises(ValueError, match=r"explore: color_by must be None or 'grad_norm', got 'norm'"):
        tg.viz.explore(loss, color_by="norm")
    assert tg.viz.explore(loss, color_by="grad_norm").data["colour"] is True
    e = tg.viz.explore(loss)
    assert e.data["colour"] is False
    missing = tmp_path / "no such folder" / "pass.html"
    with pytest.raises(FileNotFoundError, match=r"Explorer.save: the folder .*no such folder does not exist"):
        e.save(missing)
    with pytest.raises(TypeError, match=r"Explorer.save: expected a file path .* got int"):
        e.save(3)


def test_params_may_be_named_parameters_read_once():
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 2))
    loss = model(tg.randn(1, 2)).sum()
    data = tg.viz.explore(loss, model.named_parameters()).data
    assert {"0.weight", "0.bias"} <= {n["name"] for n in data["nodes"]}


def test_the_explorer_is_exposed_lazily_from_viz():
    assert tg.viz.explore is explorer.explore and tg.viz.Explorer is explorer.Explorer
    assert "explore" in dir(tg.viz) and "explore" in tg.viz.__all__
    assert Path(explorer.__file__).with_name("explorer.js").is_file()


def test_a_grad_that_earlier_passes_added_to_is_pointed_out():
    a = tg.tensor([1.0, 2.0], requires_grad=True, name="a")
    (a * 2).sum().backward()  # no zero_grad before the next pass
    loss = (a * a).sum()
    run_backward(loss)
    (node,) = [n for n in tg.viz.explore(loss).data["nodes"] if n["name"] == "a"]
    assert "zero_grad" in node["note"]
    a.grad = None
    run_backward(loss := (a * a).sum())
    (node,) = [n for n in tg.viz.explore(loss).data["nodes"] if n["name"] == "a"]
    assert "note" not in node


# ----------------------------------------------------------------------------------------- module frames
def mlp_with_loss():
    tg.manual_seed(2)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    loss = nn.CrossEntropyLoss()(model(tg.randn(5, 3)), tg.tensor([0, 1, 1, 0, 1]))
    with tg.viz.record_backward():
        loss.backward()
    return model, loss


def test_module_frames_are_listed_with_their_members_and_start_folded_above_max_nodes():
    model, loss = mlp_with_loss()
    e = tg.viz.explore(loss, model)
    data = e.data
    assert [f["label"] for f in data["frames"]] == ["0: Dense", "1: ReLU", "2: Dense", "CrossEntropyLoss"]
    assert data["folded"] == [] and all(f["parent"] is None for f in data["frames"])
    names = {tuple(sorted(data["nodes"][i]["name"] for i in f["members"])) for f in data["frames"]}
    assert ("0.bias", "0.weight", "Dense") in names
    clusters = re.findall(r'<g id="(clust\d+)" class="cluster"', e.svg)
    # distinct cluster elements of the SVG (the others are the invisible rows of the wrapped picture)
    assert {f["svg"] for f in data["frames"]} <= set(clusters) and len(
        {f["svg"] for f in data["frames"]}
    ) == 4
    small = tg.viz.explore(loss, model, max_nodes=5).data  # bigger than max_nodes, but framed: every op drawn
    assert (
        small["folded"] == [0, 1, 2, 3]
        and not small["collapsed"]
        and len(small["boxes"]) == len(data["boxes"])
    )


def test_nested_frames_name_their_parent_and_only_the_outer_ones_start_folded():
    tg.manual_seed(0)
    inner = nn.Sequential(nn.Linear(2, 2), nn.Tanh())
    model = nn.Sequential(inner, nn.Linear(2, 1))
    loss = model(tg.randn(3, 2)).sum()
    loss.backward()
    data = tg.viz.explore(loss, model, max_nodes=3).data
    labels = [f["label"] for f in data["frames"]]
    outer = labels.index("0: Sequential")
    nested = [f for f in data["frames"] if f["parent"] == outer]
    assert sorted(f["label"] for f in nested) == ["0.0: Dense", "0.1: Tanh"]
    for f in nested:  # a nested frame's members are among its parent's
        assert set(f["members"]) <= set(data["frames"][outer]["members"])
    assert data["folded"] == [i for i, f in enumerate(data["frames"]) if f["parent"] is None]


def test_a_graph_too_big_to_lay_out_whole_is_drawn_collapsed_without_frames(monkeypatch):
    monkeypatch.setattr(explorer_views, "FULL_LAYOUT_LIMIT", 8)  # the MLP has 9 tensors
    model, loss = mlp_with_loss()
    data = tg.viz.explore(loss, model, max_nodes=5).data
    assert data["collapsed"] and data["frames"] == [] and data["folded"] == []


class _Chain(nn.Module):
    """``ops`` elementwise ops, or ``parts`` such modules one after the other."""

    def __init__(self, ops=0, parts=()):
        super().__init__()
        self.ops, self.parts = ops, nn.ModuleList(parts)

    def forward(self, y):
        for i in range(self.ops):
            y = y * 1.0001 if i % 2 else y.tanh()
        for part in self.parts:
            y = part(y)
        return y


def check_views(explorer, tensors):
    """Each view draws its part (its own tensors and those it takes from outside) and every arrow between
    them; its boxes of several ops open views made from it; and each op has a box of its own somewhere."""
    data, index = explorer.data, {id(t): i for i, t in enumerate(tensors)}
    parts = [{k: data[k] for k in ("boxes", "edges", "opens")}, *explorer.views]
    own = set()
    for k, (view, part) in enumerate(zip(data["views"], parts)):
        inside = set(view["inside"])
        ops = [i for i in inside if tensors[i]._node is not None]
        outside = {index[id(x)] for i in ops for x in tensors[i]._node.inputs} - inside
        drawn = {i for box in part["boxes"].values() for i in box["members"]}
        assert drawn == inside | outside if k else drawn == inside
        for svg, box in part["boxes"].items():
            box_ops = [i for i in box["members"] if tensors[i]._node is not None]
            if len(box_ops) == 1:
                own.add(box_ops[0])  # the op's box (with the leaves only it uses, in a collapsed picture)
            elif len(box_ops) > 1:
                assert data["views"][part["opens"][svg]]["parent"] == k  # a merged box of ops opens
        pairs = {tuple(p) for edge in part["edges"] for p in edge["pairs"]}
        boxes_of = {i: {s for s, b in part["boxes"].items() if i in b["members"]} for i in drawn}
        for i in ops:
            for j, x in enumerate(tensors[i]._node.inputs):
                apart = boxes_of[i] != boxes_of[index[id(x)]]
                if apart and (x._node is not None or x.requires_grad):
                    assert (i, j) in pairs, (k, i, j)
    assert own == {i for i, t in enumerate(tensors) if t._node is not None}


@pytest.mark.parametrize("nested", [True, False])
def test_a_graph_too_big_to_lay_out_whole_opens_into_views_that_draw_every_op(monkeypatch, nested):
    monkeypatch.setattr(explorer_views, "FULL_LAYOUT_LIMIT", 40)
    if nested:  # 5 modules of 4 modules of 12 ops: the whole graph, then each module's, then each part's
        model = _Chain(parts=[_Chain(parts=[_Chain(ops=12) for _ in range(4)]) for _ in range(5)])
    else:  # 240 ops and no modules: runs of ops
        model = _Chain(ops=240)
    x = tg.tensor([0.5, -1.0, 2.0, 0.25], requires_grad=True, name="x")
    loss = model(x).sum()
    run_backward(loss)
    e = tg.viz.explore(loss, model if nested else None, max_nodes=12)
    tensors = graph._collect([loss])
    views = e.data["views"]
    assert len(views) == len(e.views) + 1 > 5 and e.data["collapsed"]
    assert all(v["svg"].startswith("<svg") and "<rect" in v["svg"] for v in e.views)  # boxes as rectangles
    if nested:
        assert [v["label"] for v in views[:3]] == ["backward pass", "parts.0: _Chain", "parts.1: _Chain"]
        assert max(len(_ancestors(views, k)) for k in range(len(views))) >= 2  # three levels or more
    check_views(e, tensors)


def _ancestors(views, k):
    found = []
    while views[k]["parent"] is not None:
        k = views[k]["parent"]
        found.append(k)
    return found


def test_a_1000_op_chain_inside_modules_draws_without_recursion():
    class Block(nn.Module):
        def forward(self, y):
            for _ in range(500):
                y = y + 0.5
            return y

    model = nn.Sequential(Block(), Block())
    loss = model(tg.tensor([1.0], requires_grad=True)).sum()
    picture = tg.viz.draw_graph(loss, params=model, max_nodes=None)
    assert picture.source.count("Add") == 1000 and len(picture.frames) == 2


# ----------------------------------------------------------------------------------------- locations
def test_record_locations_notes_the_callers_line_and_then_stops_watching():
    a = tg.tensor([1.0, 2.0], requires_grad=True, name="a")
    before = list(observers.created)
    with tg.viz.record_locations():
        with tg.viz.record_locations():  # nested blocks keep recording until the outer one ends
            first = inspect.currentframe().f_lineno + 1
            b = a * a
        line = inspect.currentframe().f_lineno + 1
        loss = (b + 1).sum()
    assert observers.created == before
    assert (a * 2)._node.location == "<unknown>"  # off again: nothing noted, nothing paid
    data = tg.viz.explore(loss).data
    where = {n["op"]: n["where"] for n in data["nodes"] if n["kind"] == "op"}
    assert where["Mul"] == f"{__file__}:{first}"
    assert where["Add"] == where["Sum"] == f"{__file__}:{line}"


def test_record_locations_leaves_anomaly_modes_recorder_alone():
    a = tg.tensor([1.0], requires_grad=True)
    with tg.detect_anomaly():
        with tg.viz.record_locations():
            pass
        line = inspect.currentframe().f_lineno + 1
        b = a * 3
    assert b._node.location == f"{__file__}:{line}"
