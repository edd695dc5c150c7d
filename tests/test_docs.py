"""The documentation site: its examples run and print what they say, its pictures are what its code draws,
it builds in MkDocs' strict mode (a broken link, a missing page or reference fails), and the built pages hold
what they should: the notebooks with their outputs, the API reference, math rendered as MathML."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from tests.values import backward_order

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))
EXPECTED_OUTPUT = re.compile(r"# (tensor\(.*\)|\(\d[\d, ]*\)|True|False)$", re.M)


def python_blocks(page: Path) -> list[str]:
    """The page's ```python blocks, also those indented in tabs. (```py marks code that is only shown: the
    PyTorch side of a comparison, which needs PyTorch, not a dependency of tensorgrad.)"""
    fences = re.findall(r"^( *)```python[^\n]*\n(.*?)^\1```", page.read_text(), re.S | re.M)
    return [textwrap.dedent(body) for _, body in fences]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.stem)
def test_page_examples_run_in_order_and_print_what_they_say(page, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # examples that save files write them here
    namespace = {"__name__": "__docs__"}
    for i, block in enumerate(python_blocks(page), start=1):
        exec(compile(block, f"{page.name} example {i}", "exec"), namespace)
        out = capsys.readouterr().out
        for expected in EXPECTED_OUTPUT.findall(block):
            assert expected in out, f"{page.name} example {i} says it prints {expected!r}; it printed:\n{out}"


def test_the_concept_pages_have_runnable_examples():
    for name in ("autograd", "higher-order-gradients", "adding-an-op", "porting-from-pytorch"):
        assert len(python_blocks(DOCS / f"{name}.md")) >= 2, name


def draw_autograd_pictures(folder: Path) -> None:
    """The two pictures of docs/autograd.md: its expression e = tanh(a*b + a), forward and backward."""
    import tensorgrad as tg

    a = tg.tensor(2.0, requires_grad=True, name="a")
    b = tg.tensor(-0.75, requires_grad=True, name="b")
    e = (a * b + a).tanh()
    tg.viz.draw_graph(e, rankdir="LR").save(folder / "autograd-forward.svg")
    with tg.viz.record_backward():
        e.backward()
    tg.viz.draw_graph(e, backward=True, rankdir="LR").save(folder / "autograd-backward.svg")


@pytest.mark.parametrize("name", ["autograd-forward.svg", "autograd-backward.svg"])
def test_autograd_page_pictures_are_what_its_code_draws(name, tmp_path):
    draw_autograd_pictures(tmp_path)
    texts = re.compile(r"<text[^>]*>([^<]*)</text>")
    drawn = texts.findall((tmp_path / name).read_text())
    assert drawn and drawn == texts.findall((DOCS / "images" / name).read_text()), (
        f"docs/images/{name} is stale: redraw it with `python tests/test_docs.py`"
    )


def test_site_builds_strictly_with_every_page(site):
    for page in PAGES:
        assert (site / f"{page.stem}.html").is_file(), page.name
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert (site / "notebooks" / f"{notebook.stem}.html").is_file(), notebook.name
    assert (site / "notebooks" / "index.html").is_file()  # notebooks/README.md, the overview


def test_notebook_pages_show_the_stored_outputs_and_rendered_math(site):
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        page = (site / "notebooks" / f"{notebook.stem}.html").read_text()
        assert "data:image/png;base64" in page or "<svg" in page, f"{notebook.name}: no pictures on its page"
        prose = re.sub(r"<(pre|code|script)\b.*?</\1>", "", page, flags=re.S)
        assert "$$" not in prose, f"{notebook.name}: display math left unrendered"


def test_math_is_rendered_at_build_time(site):
    page = (site / "higher-order-gradients.html").read_text()
    assert re.search(r'<math[^>]*display="block"', page) and re.search(r'<math[^>]*display="inline"', page)
    assert "\\(" not in page and "\\[" not in page


def test_api_reference_is_generated_from_the_docstrings(site):
    optim_page = (site / "api" / "optim.html").read_text()
    for name in (
        "sgd.SGD",
        "momentum.Momentum",
        "rmsprop.RMSProp",
        "adam.Adam",
        "adam.AdamW",
        "lr_scheduler.StepLR",
    ):
        assert f'id="tensorgrad.optim.{name}"' in optim_page, name
    assert "eps is added after the square root" in optim_page  # Adam's docstring, rendered
    tensor_page = (site / "api" / "tensor.html").read_text()
    assert "tensorgrad.Tensor" in tensor_page and "backward" in tensor_page
    assert "&gt;&gt;&gt;" not in re.sub(r"<(pre|code)\b.*?</\1>", "", tensor_page, flags=re.S), (
        "doctest examples must render as code blocks"
    )


def explorer_data(page: str) -> dict:
    """The data an explorer page carries (its ``<script type="application/json">``)."""
    import json

    (text,) = re.findall(r'<script type="application/json" id="tg-data">(.*?)</script>', page, re.S)
    return json.loads(text.replace("<\\/", "</"))


def test_the_backprop_page_embeds_an_explorer_of_its_example_made_at_build_time(site, tmp_path, monkeypatch):
    page = (site / "visualising-backprop.html").read_text()
    (src,) = re.findall(r'<iframe src="([^"]+)"', page)
    assert src == "explorer/mlp-backward.html" and 'sandbox="allow-scripts"' in page
    assert not (DOCS / src).exists()  # generated into the site, never committed (so never stale)
    text = (site / src).read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and text.count("<svg") == 1
    assert "http://" not in text and "https://" not in text  # self-contained: opens offline, from disk
    assert not re.search(r"\b(src|href)\s*=", text) and "@import" not in text and "url(" not in text
    data = explorer_data(text)
    assert (
        data["backward"] and data["recorded"] and data["title"].startswith("The backward pass of a 2-3-1 MLP")
    )

    monkeypatch.chdir(tmp_path)  # the example saves its picture
    namespace = {"__name__": "__docs__"}
    exec(python_blocks(DOCS / "visualising-backprop.md")[0], namespace)  # the page's example
    loss, model = namespace["loss"], namespace["model"]
    engine = backward_order(loss)
    steps = [data["nodes"][step["node"]] for step in data["steps"]]
    assert [(n["op"], n["shape"]) for n in steps] == [(t.grad_fn.name, list(t.shape)) for t in engine]
    assert steps[0]["value"]["values"] == pytest.approx([loss.item()], rel=1e-6)
    nodes = {n["name"]: n for n in data["nodes"]}
    for name, param in model.named_parameters():  # the page's gradients are the example's
        assert nodes[name]["grad"]["values"] == pytest.approx(param.grad.numpy().ravel().tolist(), rel=1e-5)


def test_notebook_pages_show_their_explorers_inline(site):
    for notebook, frames in (
        ("01-autograd-from-the-ground-up", 2),
        ("06-vanishing-and-exploding-gradients", 2),  # one pass, and one with its training steps
    ):
        page = (site / "notebooks" / f"{notebook}.html").read_text()
        shown = re.findall(r"<iframe\b[^>]*>", page)  # the stored output, kept as it is (sandboxed)
        assert len(shown) == frames, notebook
        assert all(
            'sandbox="allow-scripts"' in frame and "id=&quot;tg-data&quot;" in frame for frame in shown
        )


def test_readme_links_to_the_docs_and_the_notebooks():
    readme = (ROOT / "README.md").read_text()
    assert "make docs" in readme
    assert "docs/index.md" in readme or "](docs/)" in readme
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert f"notebooks/{notebook.name}" in readme, notebook.name


if __name__ == "__main__":
    draw_autograd_pictures(DOCS / "images")
