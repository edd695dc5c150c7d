"""tg.viz.explore in a real browser (headless Chromium, see tests/browser.py): the saved page opened from
file:// steps through an MLP's and a CNN's backward pass in the engine's order (node.order), shows the leaf
gradients equal to .grad (read back from the numbers on the page), shows values on hover, folds and opens
module frames in place, opens a 10,000-op graph in under 2 s, logs no console error and asks for nothing but
itself. The page's state is read from its hooks: ``#tg-graph``'s ``data-position``, ``data-phase``,
``data-step``, ``data-current-node``, ``data-current-box``, ``data-folded``; the panel's ``data-node`` and its
``[data-role=value|grad]`` sections; ``<html data-tg-ready>`` (performance.now() when it became interactive).

The MLP test also refreshes docs/images/explorer.png (the README's picture) when the page now looks
different, only once everything it checks held."""

import io
import math
import re
from pathlib import Path

import numpy as np
import pytest

import tensorgrad as tg
from tensorgrad import nn
from tensorgrad.files import atomic_write
from tensorgrad.viz import explorer_views, graph

SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "images" / "explorer.png"
#: the page writes 4 significant digits (as draw_graph does): a shown number is within this of the true one
SHOWN_RTOL = 5.1e-4

STATE = """() => {
  const g = document.getElementById("tg-graph");
  const current = [...document.querySelectorAll(".tg-current")].filter((e) => e.getClientRects().length);
  return {
    position: Number(g.dataset.position), phase: g.dataset.phase, step: g.dataset.step,
    node: g.dataset.currentNode === "" ? null : Number(g.dataset.currentNode),
    box: g.dataset.currentBox, highlighted: current.map((e) => e.id),
    ready: Object.fromEntries([...document.querySelectorAll(".tg-box")].map(
      (e) => [e.id, e.classList.contains("tg-grad-ready")])),
  };
}"""


# ----------------------------------------------------------------------------------------- helpers
def saved_page(tmp_path, loss, params=None, **options):
    """The explorer of ``loss`` saved to a file, and the tensors behind its node ids."""
    explorer = tg.viz.explore(loss, params, **options)
    path = explorer.save(tmp_path / "pass.html")
    return explorer, path, graph._collect([loss])


def recorded_mlp():
    tg.manual_seed(7)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    x = tg.randn(5, 3)
    loss = nn.CrossEntropyLoss()(model(x), tg.tensor([0, 1, 1, 0, 1]))
    with tg.viz.record_backward():
        loss.backward()
    return model, x, loss


def recorded_cnn():
    tg.manual_seed(3)
    model = nn.Sequential(
        nn.Conv2d(1, 3, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(48, 4)
    )
    x = tg.randn(2, 1, 8, 8)
    loss = nn.CrossEntropyLoss()(model(x), tg.tensor([1, 3]))
    with tg.viz.record_backward():
        loss.backward()
    return model, x, loss


def numbers(texts):
    """The numbers the page shows, as floats (``1.234e-05``, ``-0.5``, ``0``)."""
    found = [float(v) for text in texts for v in re.findall(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?", text)]
    assert found, f"no numbers in {texts!r}"
    return np.array(found)


def shown(page, role):
    """The numbers of the panel's value or gradient section (``role``: "value" or "grad"), or its statistics
    when the tensor is summarised (then a dict of them)."""
    section = page.locator(f"#tg-panel [data-role={role}]")
    assert section.count() == 1, f"the panel has no {role} section: {page.locator('#tg-panel').inner_text()}"
    if section.locator(".tg-summarised").count():
        rows = section.locator(".tg-stats tr").all_inner_texts()
        return {row.split()[0]: float(numbers([row.split(None, 1)[1]])[0]) for row in rows}
    cells = (
        section.locator(".tg-values td").all_inner_texts() or section.locator(".tg-numbers").all_inner_texts()
    )
    return numbers(cells)


def hover_node(page, explorer, i):
    """Hover the box of node ``i``; the panel then shows that node."""
    page.hover(f"#{box_of(explorer, i)}")
    assert page.locator("#tg-panel").get_attribute("data-node") == str(i)


def box_of(explorer, i):
    (box,) = [svg for svg, b in explorer.data["boxes"].items() if i in b["members"]]
    return box


def assert_shown_equals(page, role, expected):
    got = shown(page, role)
    expected = np.asarray(expected, dtype=np.float64)
    if isinstance(got, dict):  # summarised: the statistics
        assert got["norm"] == pytest.approx(np.linalg.norm(expected), rel=SHOWN_RTOL)
        assert got["min"] == pytest.approx(expected.min(), rel=SHOWN_RTOL, abs=1e-12)
        assert got["max"] == pytest.approx(expected.max(), rel=SHOWN_RTOL, abs=1e-12)
    else:
        np.testing.assert_allclose(got, expected.ravel(), rtol=SHOWN_RTOL, atol=1e-12)


def step_through_backward(page, explorer, tensors, folds=None):
    """Press the right arrow from the start to the end; check at each position that the one highlighted
    element is the box of the node that ran (or the folded frame around it) and that each leaf's .grad box is
    complete exactly from its last contribution on. Returns the nodes highlighted during the backward pass."""
    data = explorer.data
    page.keyboard.press("Home")
    leaves = {i: t for i, t in enumerate(tensors) if t._node is None and t.requires_grad}
    # when a leaf's gradient is complete: the engine's last step that sent it something (from the graph)
    ops = [u._node for u in tensors if u._node is not None]
    last = {i: max(op.order for op in ops if any(x is t for x in op.inputs)) for i, t in leaves.items()}
    backward = []
    for position in range(1, len(data["forward"]) + len(data["steps"]) + 1):
        page.keyboard.press("ArrowRight")
        state = page.evaluate(STATE)
        assert state["position"] == position
        expected_box = box_of(explorer, state["node"])
        if folds is not None and folds(state["node"]) is not None:
            expected_box = f"tg-fold-{folds(state['node'])}"
        assert state["box"] == expected_box and state["highlighted"] == [expected_box]
        if state["phase"] == "backward":
            backward.append(state["node"])
            assert int(state["step"]) == tensors[state["node"]]._node.order
            for i, done in last.items():
                box = box_of(explorer, i)
                if folds is None or folds(i) is None:
                    assert state["ready"][box] == (done <= int(state["step"])), (
                        tensors[i].name,
                        state["step"],
                    )
    return backward


def refresh_screenshot(png: bytes) -> None:
    """Write the README's picture when it shows something else than the page does now: more than 0.1% of
    its pixels changed (a run on another machine differs in a pixel or two of anti-aliasing, which leaves
    the committed file, and a clone's working tree, as they are)."""
    import matplotlib.image

    taken = matplotlib.image.imread(io.BytesIO(png), format="png")[..., :3]
    if SCREENSHOT.is_file():
        committed = matplotlib.image.imread(SCREENSHOT)[..., :3]
        if committed.shape == taken.shape and (np.abs(committed - taken).max(-1) > 0.02).mean() < 1e-3:
            return
    atomic_write(SCREENSHOT, png, op="screenshot")


def engine_order(tensors):
    ran = [i for i, t in enumerate(tensors) if t._node is not None and t._node.order is not None]
    return sorted(ran, key=lambda i: tensors[i]._node.order)


def check_quiet(page, console_errors, requests):
    assert console_errors == []
    assert requests == [page.url], "the page asked for something besides itself"


# ----------------------------------------------------------------------------------------- the tests
def test_mlp_backward_steps_in_the_engines_order_and_shows_the_leaf_grads(open_page, tmp_path):
    model, x, loss = recorded_mlp()
    explorer, path, tensors = saved_page(tmp_path, loss, model)
    page, console_errors, requests = open_page(path)
    assert page.locator("html").get_attribute("data-tg-ready"), console_errors

    backward = step_through_backward(page, explorer, tensors)
    order = engine_order(tensors)
    assert backward == order and [tensors[i]._node.order for i in backward] == list(range(1, len(order) + 1))

    # at the end every parameter's .grad is complete and shown as it is
    names = {i: explorer.data["nodes"][i]["name"] for i in range(len(tensors))}
    parameters = dict(model.named_parameters())
    for i, name in names.items():
        if name in parameters:
            hover_node(page, explorer, i)
            assert_shown_equals(page, "grad", parameters[name].grad.numpy())
            assert_shown_equals(page, "value", parameters[name].numpy())
    (image,) = [i for i, t in enumerate(tensors) if t is x]
    hover_node(page, explorer, image)
    assert_shown_equals(page, "value", x.numpy())
    first_dense = next(
        i for i in explorer.data["forward"] if explorer.data["nodes"][i]["module"] == "0: Dense"
    )
    hover_node(page, explorer, first_dense)
    assert_shown_equals(page, "value", tensors[first_dense].numpy())
    check_quiet(page, console_errors, requests)

    # the picture for the README: the middle of the backward pass, the second layer's weight in the panel
    page.keyboard.press("Home")
    for _ in range(len(explorer.data["forward"]) + len(order) // 2):
        page.keyboard.press("ArrowRight")
    weight = next(i for i, name in names.items() if name == "2.weight")
    page.click(f"#{box_of(explorer, weight)}")
    page.mouse.move(0, 0)
    refresh_screenshot(page.screenshot(full_page=False))


def test_cnn_backward_steps_in_the_engines_order_and_shows_the_leaf_grads(open_page, tmp_path):
    model, _, loss = recorded_cnn()
    explorer, path, tensors = saved_page(tmp_path, loss, model)
    page, console_errors, requests = open_page(path)
    backward = step_through_backward(page, explorer, tensors)
    assert backward == engine_order(tensors)
    parameters = dict(model.named_parameters())
    seen = set()
    for i, node in enumerate(explorer.data["nodes"]):
        if node["name"] in parameters:
            hover_node(page, explorer, i)
            assert_shown_equals(page, "grad", parameters[node["name"]].grad.numpy())
            seen.add(node["name"])
    assert seen == set(parameters)  # the linear weight (192 numbers) through its statistics
    check_quiet(page, console_errors, requests)


def test_a_tensor_used_twice_shows_its_two_contributions_and_their_sum(open_page, tmp_path):
    x = tg.tensor([1.5, -2.0, 0.25], requires_grad=True, name="x")
    loss = (x * x).sum()
    with tg.viz.record_backward():
        loss.backward()
    explorer, path, _ = saved_page(tmp_path, loss)
    page, console_errors, requests = open_page(path)
    page.keyboard.press("End")
    hover_node(page, explorer, 0)
    rows = page.locator("#tg-panel .tg-contributions tr")
    assert rows.count() == 3  # two contributions, then their sum
    parts = [numbers([rows.nth(k).locator(".tg-numbers").inner_text()]) for k in range(3)]
    np.testing.assert_allclose(parts[0], x.numpy(), rtol=SHOWN_RTOL)  # d(x*x)/d(one x) = the other x
    np.testing.assert_allclose(parts[0] + parts[1], x.grad.numpy(), rtol=SHOWN_RTOL)
    np.testing.assert_allclose(parts[2], x.grad.numpy(), rtol=SHOWN_RTOL)
    assert_shown_equals(page, "grad", x.grad.numpy())
    check_quiet(page, console_errors, requests)


def test_module_frames_fold_and_open_in_place_and_the_folded_box_lights_up(open_page, tmp_path):
    model, _, loss = recorded_mlp()
    explorer, path, tensors = saved_page(tmp_path, loss, model, max_nodes=5)  # bigger: starts folded
    data = explorer.data
    assert [f["label"] for f in data["frames"]] == ["0: Dense", "1: ReLU", "2: Dense", "CrossEntropyLoss"]
    assert data["folded"] == [0, 1, 2, 3] and not data["collapsed"]
    page, console_errors, requests = open_page(path)
    graph_element = page.locator("#tg-graph")
    assert graph_element.get_attribute("data-folded") == "0 1 2 3"

    frame_of = {i: f for f, frame in enumerate(data["frames"]) for i in frame["members"]}
    weight = next(i for i, n in enumerate(data["nodes"]) if n["name"] == "0.weight")
    assert frame_of[weight] == 0
    assert (
        page.locator("#tg-fold-0").is_visible()
        and not page.locator(f"#{box_of(explorer, weight)}").is_visible()
    )
    backward = step_through_backward(page, explorer, tensors, folds=frame_of.get)
    assert backward == engine_order(tensors)

    page.click("#tg-fold-0")  # open the first layer where it is
    assert graph_element.get_attribute("data-folded") == "1 2 3"
    assert not page.locator("#tg-fold-0").is_visible()
    hover_node(page, explorer, weight)
    assert_shown_equals(page, "grad", model[0].weight.grad.numpy())
    page.click("#tg-fold-toggle-0")  # and fold it again
    assert graph_element.get_attribute("data-folded") == "0 1 2 3"
    assert not page.locator(f"#{box_of(explorer, weight)}").is_visible()
    check_quiet(page, console_errors, requests)


class _Block(nn.Module):
    """Elementwise ops (100: a module of the 10,000-op chain); ``made[0]`` is the tensor half-way."""

    def __init__(self, ops=100):
        super().__init__()
        self.ops = ops
        self.made = []

    def forward(self, y):
        for i in range(self.ops):
            y = y * 1.0001 if i % 2 else y + 0.001
            if i == self.ops // 2:
                self.made[:] = [y]
        return y


def test_a_10000_op_graph_opens_folded_in_under_2_seconds(open_page, tmp_path):
    model = nn.Sequential(*[_Block() for _ in range(100)])
    x = tg.tensor([0.5, -1.0, 2.0, 0.25], requires_grad=True, name="x")
    loss = model(x).sum()
    with tg.viz.record_backward():
        loss.backward()
    explorer, path, _ = saved_page(tmp_path, loss, model)
    size = path.stat().st_size
    page, console_errors, requests = open_page(path)
    ready = float(page.locator("html").get_attribute("data-tg-ready"))
    print(f"10,000-op graph: {size / 1e6:.2f} MB, interactive {ready:.0f} ms after navigation started")
    assert size < 5_000_000
    assert ready < 2000  # in the page's clock, from navigation start: parsing, JSON, the script's setup
    assert len(explorer.data["steps"]) == 10_001 and explorer.data["collapsed"]
    page.keyboard.press("End")
    state = page.evaluate(STATE)
    assert state["phase"] == "backward" and int(state["step"]) == 10_001
    # each module's box opens a picture of its 100 ops (the views come packed: unpacked on the first open)
    (block_box,) = [
        svg for svg, v in explorer.data["opens"].items() if explorer.data["views"][v]["label"] == "41: _Block"
    ]
    page.click(f"#{block_box}")
    view = explorer.data["opens"][block_box]
    page.wait_for_selector(f'#tg-graph[data-view="{view}"]')
    shown_ops = page.evaluate(
        "() => [...document.querySelectorAll('#tg-graph .tg-box')]"
        ".filter((e) => e.getClientRects().length).length"
    )
    assert shown_ops >= 100  # every op of the block, and the constants beside them
    check_quiet(page, console_errors, requests)


def test_color_by_grad_norm_opens_coloured_and_the_checkbox_turns_it_off(open_page, tmp_path):
    model, _, loss = recorded_mlp()
    _, path, _ = saved_page(tmp_path, loss, model, color_by="grad_norm")
    page, console_errors, requests = open_page(path)
    page.keyboard.press("End")  # every gradient complete: every box with one has its colour

    def coloured():
        return page.evaluate(
            """() => Array.from(document.querySelectorAll('#tg-graph g.node polygon'))
                .filter(p => p.style.fill).length"""
        )

    assert page.is_checked("#tg-color") and page.is_visible("#tg-legend")
    assert coloured() >= 4  # at least the four parameters' boxes
    page.uncheck("#tg-color")
    assert coloured() == 0 and not page.is_visible("#tg-legend")
    check_quiet(page, console_errors, requests)


class _Triple(nn.Module):
    """Three 10-op blocks: a module whose picture opens into three more."""

    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList([_Block(ops=10) for _ in range(3)])

    def forward(self, y):
        for block in self.blocks:
            y = block(y)
        return y


def test_a_graph_too_big_to_lay_out_whole_opens_box_by_box_and_steps_in_every_view(
    open_page, tmp_path, monkeypatch
):
    # 6 x 3 blocks of 10 ops, laid out whole up to 16 tensors (FULL_LAYOUT_LIMIT is 1,000: a smaller graph
    # shows the same): the whole graph is 6 boxes; each opens 3 block boxes; each block, its 10 ops
    monkeypatch.setattr(explorer_views, "FULL_LAYOUT_LIMIT", 16)
    model = nn.Sequential(*[_Triple() for _ in range(6)])
    x = tg.tensor([0.5, -1.0, 2.0, 0.25], requires_grad=True, name="x")
    loss = model(x).sum()
    with tg.viz.record_backward():
        loss.backward()
    explorer, path, tensors = saved_page(tmp_path, loss, model, max_nodes=14)
    data = explorer.data
    assert [v["label"] for v in data["views"][:3]] == ["backward pass", "0: _Triple", "1: _Triple"]
    assert len(data["opens"]) == 6  # the six triples open

    (op,) = model[2].blocks[1].made  # an op inside the third triple's second block
    node = next(i for i, t in enumerate(tensors) if t is op)
    position = len(data["forward"]) + [s["node"] for s in data["steps"]].index(node) + 1
    page, console_errors, requests = open_page(path)
    page.evaluate(
        "(p) => { const s = document.getElementById('tg-slider'); s.value = p;"
        " s.dispatchEvent(new Event('input')); }",
        position,
    )
    state = page.evaluate(STATE)
    assert state["node"] == node and state["phase"] == "backward"
    triple_box = box_of(explorer, node)  # the whole graph's picture: the triple's box lights up
    assert state["highlighted"] == [triple_box]

    page.click(f"#{triple_box}")  # open the triple: its three blocks
    triple_view = data["opens"][triple_box]
    page.wait_for_selector(f'#tg-graph[data-view="{triple_view}"]')
    view = explorer.views[triple_view - 1]
    assert data["views"][triple_view]["label"] == "2: _Triple"
    (block_box,) = [svg for svg, b in view["boxes"].items() if node in b["members"]]
    assert page.evaluate(STATE)["highlighted"] == [block_box]
    assert page.locator("#tg-path").inner_text().startswith("backward pass \u203a 2: _Triple")

    page.click(f"#{block_box}")  # open the block: every op
    block_view = view["opens"][block_box]
    page.wait_for_selector(f'#tg-graph[data-view="{block_view}"]')
    ops = explorer.views[block_view - 1]["boxes"]
    (own_box,) = [svg for svg, b in ops.items() if b["members"] == [node]]
    assert page.evaluate(STATE)["highlighted"] == [own_box]
    page.hover(f"#{own_box}")
    assert page.locator("#tg-panel").get_attribute("data-node") == str(node)
    assert_shown_equals(page, "value", op.numpy())
    page.mouse.move(0, 0)
    for _ in range(3):  # stepping goes on in the open view: the next ops' own boxes light up
        page.keyboard.press("ArrowRight")
        state = page.evaluate(STATE)
        expected = [svg for svg, b in ops.items() if b["members"] == [state["node"]]]
        assert state["highlighted"] == expected and state["box"] == (expected[0] if expected else "")

    page.click('#tg-path button[data-view="0"]')  # back to the whole graph, where the pass is now
    page.wait_for_selector('#tg-graph[data-view="0"]')
    state = page.evaluate(STATE)
    assert state["highlighted"] == [box_of(explorer, state["node"])]
    check_quiet(page, console_errors, requests)


def expected_colours(palette, norms, step):
    """The colour the page gives each parameter at a training step: its norm's place on one log scale over
    every step (the palette from blue to red); a norm on the border of two colours may take either."""
    logs = [math.log10(v) for values in norms for v in values if v and v > 0]
    lo, hi = min(logs), max(logs)
    colours = []
    for values in norms:
        position = (math.log10(values[step]) - lo) / (hi - lo) * len(palette)
        near = {math.floor(position), math.floor(position + 1e-9), math.floor(position - 1e-9)}
        colours.append({palette[min(len(palette) - 1, max(0, k))] for k in near})
    return colours


def rgb(colour):
    return "rgb({}, {}, {})".format(*(int(colour[i : i + 2], 16) for i in (1, 3, 5)))


def test_training_steps_recolour_each_parameter_by_its_norm_at_the_step_picked(open_page, tmp_path):
    tg.manual_seed(2)
    model = nn.Sequential(nn.Linear(2, 6), nn.Sigmoid(), nn.Linear(6, 6), nn.Sigmoid(), nn.Linear(6, 1))
    optimizer = tg.optim.SGD(model.parameters(), lr=1.0)
    x, y = tg.randn(16, 2), tg.randint(0, 2, (16, 1)).float()
    with tg.viz.record_steps(model) as steps:
        for _ in range(20):
            optimizer.zero_grad()
            nn.BCEWithLogitsLoss()(model(x), y).backward()
            optimizer.step()
    explorer = steps.explore()
    path = explorer.save(tmp_path / "training.html")
    training = explorer.data["training"]
    params = training["params"]
    page, console_errors, requests = open_page(path)
    assert page.locator("#tg-graph").get_attribute("data-training-step") == "19"  # it opens on the last
    blank = page.evaluate("() => { const c = document.createElement('canvas'); c.width = 560; c.height = 110;"
                          " return c.toDataURL(); }")  # fmt: skip
    assert page.evaluate("() => document.getElementById('tg-train-chart').toDataURL()") != blank
    for step in (0, 7, 19):
        page.evaluate(
            "(k) => { const s = document.getElementById('tg-train-slider'); s.value = k;"
            " s.dispatchEvent(new Event('input')); }",
            step,
        )
        assert f"loss {training['loss'][step]:.4g}"[:10] in page.locator("#tg-train-text").inner_text()
        expected = expected_colours(explorer.data["palette"], [p["norms"] for p in params], step)
        for p, colours in zip(params, expected):
            fill = page.evaluate(
                "(id) => document.querySelector('#' + id + ' .tg-background').style.fill",  # (fills fade in)
                box_of(explorer, p["node"]),
            )
            assert fill in {rgb(c) for c in colours}, (p["name"], step, fill, colours)
        page.hover(f"#{box_of(explorer, params[2]['node'])}")  # 2.weight: the panel gives its norm then
        text = page.locator("#tg-panel [data-role=training]").inner_text()
        shown_norm = float(re.search(r"step \d+: (\S+)", text).group(1))
        assert shown_norm == pytest.approx(params[2]["norms"][step], rel=SHOWN_RTOL)
        page.mouse.move(0, 0)
    check_quiet(page, console_errors, requests)
