"""`tensorgrad graph --html FILE`: the interactive explorer of the built-in model's pass, one self-contained
page whose steps are the engine's backward order; alone it writes only the page, with --out both; a bad file
name is one line naming the option, the file and what was expected."""

import json
import re

import numpy as np
import pytest

from tensorgrad import nn, random
from tensorgrad.experiments.models import DIGITS_IMAGE, MODELS
from tensorgrad.tensor import Tensor
from tests.test_cli_compare import assert_one_line_error, run  # main() in this process
from tests.values import backward_order

DATA = re.compile(r'<script type="application/json" id="tg-data">(.*?)</script>', re.S)


def page_data(path):
    """The data a saved explorer page carries (its ``<script type="application/json">``)."""
    (text,) = DATA.findall(path.read_text(encoding="utf-8"))
    return json.loads(text.replace("<\\/", "</"))


def engines_pass(model_name, batch, seed):
    """The pass the command describes, built here independently: the model under ``seed``, a batch of random
    8x8 images, cross-entropy, backward. Returns the model, the loss and the ops in the engine's backward
    order (``node.order``)."""
    random.manual_seed(seed)
    model = MODELS[model_name]()
    rng = np.random.default_rng(seed)
    images = Tensor(rng.random((batch, *DIGITS_IMAGE), dtype=np.float32))
    labels = Tensor(rng.integers(0, 10, size=batch))
    loss = nn.CrossEntropyLoss()(model(images), labels)
    loss.backward()
    return model, loss, backward_order(loss)


@pytest.mark.parametrize("model_name, batch", [("mlp", 4), ("cnn", 3)])
def test_html_alone_writes_only_the_explorer_stepping_in_the_engines_backward_order(
    model_name, batch, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)  # where the default graph.svg would go: it must not appear
    page = tmp_path / "pass.html"
    status, out, err = run(
        ["graph", "--model", model_name, "--batch", str(batch), "--html", "pass.html"], capsys
    )
    assert status == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pass.html"]  # no picture, no temporary file
    model, loss, ops = engines_pass(model_name, batch, seed=0)
    assert f"({len(ops)} forward and {len(ops)} backward steps) to pass.html" in out

    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and text.count("<svg") == 1
    assert "http://" not in text and "https://" not in text
    assert not re.search(r"\b(src|href)\s*=", text)  # loads nothing: opens from disk, offline

    data = page_data(page)
    assert data["backward"] and data["recorded"] and not data["collapsed"]
    assert f"the {model_name}'s backward pass (a batch of {batch} random 8x8 images)" == data["title"]
    steps = [(data["nodes"][s["node"]]["op"], data["nodes"][s["node"]]["shape"]) for s in data["steps"]]
    assert steps == [(t._node.name, list(t.shape)) for t in ops]  # the engine's order, op by op
    assert [s["step"] for s in data["steps"]] == list(range(1, len(ops) + 1))
    assert steps[0][0] == "CrossEntropy"
    nodes = {n["name"]: n for n in data["nodes"]}
    for name, param in model.named_parameters():  # each parameter's gradient is the engine's
        stats = nodes[name]["grad"].get("stats")
        norm = stats["norm"] if stats else float(np.linalg.norm(nodes[name]["grad"]["values"]))
        np.testing.assert_allclose(norm, np.linalg.norm(param.grad.numpy()), rtol=1e-5)
    (first,) = [n for n in data["nodes"] if n.get("step") == 1]
    np.testing.assert_allclose(first["value"]["values"], [loss.item()], rtol=1e-6)


def test_html_with_out_writes_both_and_the_seed_changes_the_pass(tmp_path, capsys):
    argv = ["graph", "--out", str(tmp_path / "g.svg"), "--html", str(tmp_path / "g.html"), "--seed", "7"]
    status, out, err = run(argv, capsys)
    assert status == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.html", "g.svg"]
    assert f"to {tmp_path / 'g.svg'}" in out and f"to {tmp_path / 'g.html'}" in out
    assert "<svg" in (tmp_path / "g.svg").read_text()
    data = page_data(tmp_path / "g.html")
    _, loss, _ = engines_pass("mlp", 4, seed=7)
    (first,) = [n for n in data["nodes"] if n.get("step") == 1]
    np.testing.assert_allclose(first["value"]["values"], [loss.item()], rtol=1e-6)
    _, other, _ = engines_pass("mlp", 4, seed=0)
    assert abs(other.item() - loss.item()) > 1e-6  # so the check above tells the seeds apart


def test_max_nodes_starts_the_page_with_its_modules_folded(tmp_path, capsys):
    status, _, err = run(
        ["graph", "--model", "cnn", "--max-nodes", "5", "--html", str(tmp_path / "c.html")], capsys
    )
    assert status == 0, err
    data = page_data(tmp_path / "c.html")
    assert len(data["nodes"]) > 5 and data["folded"]
    assert all(data["frames"][f]["parent"] is None for f in data["folded"])
    status, _, err = run(["graph", "--model", "cnn", "--html", str(tmp_path / "open.html")], capsys)
    assert status == 0, err
    assert page_data(tmp_path / "open.html")["folded"] == []


def test_the_page_opens_coloured_as_the_picture_is(tmp_path, capsys):
    for option, coloured in ((["--color-by", "none"], False), ([], True)):  # grad_norm is the default
        status, _, err = run(["graph", "--html", str(tmp_path / "p.html"), *option], capsys)
        assert status == 0, err
        assert page_data(tmp_path / "p.html")["colour"] is coloured


@pytest.mark.parametrize(
    "name, expected",
    [
        ("pass.svg", "--html {path}: the file name must end in .html (a page for the browser)"),
        ("pass", "--html {path}: the file name must end in .html (a page for the browser)"),
        ("nowhere/pass.html", "--html {path}: the folder {folder} does not exist"),
    ],
)
def test_a_bad_html_file_name_is_one_line_and_nothing_is_written(name, expected, tmp_path, capsys):
    path = tmp_path / name
    status, out, err = run(["graph", "--out", str(tmp_path / "g.svg"), "--html", str(path)], capsys)
    assert_one_line_error(status, err, expected.format(path=path, folder=path.parent))
    assert err.startswith("tensorgrad graph: error: --html ")
    assert out == "" and list(tmp_path.iterdir()) == []  # checked before anything was drawn


def test_html_to_a_folder_is_one_line_naming_it(tmp_path, capsys):
    folder = tmp_path / "page.html"
    folder.mkdir()
    status, out, err = run(["graph", "--html", str(folder)], capsys)
    assert_one_line_error(status, err, f"--html {folder}: ", "is a folder")
    assert out == ""
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"] and not any(folder.iterdir())


def test_without_graphviz_html_says_how_to_install_it(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no `dot` to be found
    status, out, err = run(["graph", "--html", str(tmp_path / "p.html")], capsys)
    assert_one_line_error(status, err, f"--html {tmp_path / 'p.html'}: ", "Graphviz")
    assert out == ""
    assert not (tmp_path / "p.html").exists()


def test_the_explorer_draws_the_same_graph_as_the_picture(tmp_path, capsys):
    argv = ["graph", "--model", "cnn", "--out", str(tmp_path / "g.dot"), "--html", str(tmp_path / "g.html")]
    status, _, err = run(argv, capsys)
    assert status == 0, err
    dot = (tmp_path / "g.dot").read_text()
    data = page_data(tmp_path / "g.html")
    drawn = {int(n) for n in re.findall(r"^\s*t(\d+) \[", dot, re.M)}  # draw_graph's boxes t<id>
    assert drawn == set(range(len(data["nodes"])))
    assert {n["name"] for n in data["nodes"] if n["kind"] == "parameter"} == set(
        re.findall(r"\b(\d\.(?:weight|bias))\b", dot)
    )
