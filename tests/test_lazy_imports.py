"""Lazy imports: ``import tensorgrad`` loads the core only; viz, training and experiments load on first use,
and the core works where graphviz (the Python package) and matplotlib are missing."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import textwrap

import pytest

import tensorgrad as tg

LAZY_PACKAGES = ("tensorgrad.viz", "tensorgrad.training", "tensorgrad.experiments")
# what `import tensorgrad` leaves out (tensorgrad.viz itself may load: its light modules are for the core too)
HEAVY = (
    "graphviz",
    "matplotlib",
    "tqdm",
    "tensorgrad.viz.graph",
    "tensorgrad.viz.picture",
    "tensorgrad.viz.plots",
)
HEAVY += ("tensorgrad.training", "tensorgrad.experiments")

# what each snippet run below starts with: `loaded(*names)` lists those imported so far, `report(x)` prints x
PRELUDE = """
import json, sys
def loaded(*names): return [name for name in names if name in sys.modules]
def report(value): print(json.dumps(value))
"""
# graphviz and matplotlib made unimportable: `import graphviz` then raises ImportError, as when not installed
WITHOUT_GRAPHVIZ_AND_MATPLOTLIB = "sys.modules['graphviz'] = sys.modules['matplotlib'] = None\n"


def _run(code: str) -> object:
    """Run PRELUDE + ``code`` in a fresh Python and return what it reported last."""
    program = PRELUDE + textwrap.dedent(code)
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_import_tensorgrad_loads_neither_viz_training_experiments_nor_their_dependencies():
    seen = _run(f"""
        import tensorgrad as tg
        report({{"loaded": loaded(*{HEAVY!r}), "dir": dir(tg)}})
    """)
    assert seen["loaded"] == []
    assert {"viz", "training", "experiments", "nn", "optim", "Tensor"} <= set(seen["dir"])


def test_touching_a_lazy_name_imports_it():
    seen = _run("""
        import tensorgrad as tg
        draw_graph = tg.viz.draw_graph
        after_viz = loaded("graphviz", "tensorgrad.viz.graph", "matplotlib", "tensorgrad.training")
        tg.training.fit
        same = draw_graph is sys.modules["tensorgrad.viz.graph"].draw_graph
        report({"after_viz": after_viz, "training": loaded("tensorgrad.training"), "same": same})
    """)
    assert seen == {
        "after_viz": ["graphviz", "tensorgrad.viz.graph"],
        "training": ["tensorgrad.training"],
        "same": True,
    }


def test_every_spelling_of_a_lazy_import_works():
    seen = _run("""
        from tensorgrad import viz
        from tensorgrad.viz import GraphPicture, plot_history
        import tensorgrad.experiments
        import tensorgrad as tg
        report([
            viz is tg.viz,
            GraphPicture is tg.viz.picture.GraphPicture,
            plot_history is tg.viz.plots.plot_history,
            tg.experiments.compare_optimizers is tensorgrad.experiments.compare.compare_optimizers,
            callable(tg.experiments.sweep),  # the function, not the module of the same name
            tg.training.loop.fit is tg.training.fit,
        ])
    """)
    assert seen == [True] * 6


def test_a_light_viz_module_imports_without_graphviz():
    seen = _run("""
        import tensorgrad.viz.labels
        heavy = ("graphviz", "matplotlib", "tensorgrad.viz.graph", "tensorgrad.viz.picture")
        report(loaded(*heavy, "tensorgrad.viz.plots"))
    """)
    assert seen == []


def test_the_core_trains_without_graphviz_and_matplotlib():
    seen = _run(
        WITHOUT_GRAPHVIZ_AND_MATPLOTLIB
        + textwrap.dedent("""
        import numpy as np
        import tensorgrad as tg
        import tensorgrad.experiments, tensorgrad.training, tensorgrad.viz.plots  # matplotlib: when plotting

        tg.manual_seed(0)
        model = tg.nn.Linear(3, 1)
        optimizer = tg.optim.SGD(model.parameters(), lr=0.1)
        before = model.weight.detach().numpy().copy()
        loss = ((model(tg.randn(8, 3)) - 1.0) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        changed = not np.allclose(before, model.weight.detach().numpy())
        try:
            tg.viz.draw_graph
            error = None
        except ImportError as caught:
            error = str(caught)
        report({"changed": changed, "error": error})
    """)
    )
    assert seen["changed"]
    assert seen["error"].startswith("tensorgrad.viz.draw_graph needs the graphviz Python package")
    assert "pip install graphviz" in seen["error"]


@pytest.mark.parametrize("name", ["tensorgrad", *LAZY_PACKAGES])
def test_every_public_name_resolves(name):
    package = importlib.import_module(name)
    missing = [attribute for attribute in package.__all__ if not hasattr(package, attribute)]
    assert missing == []
    assert set(package.__all__) <= set(dir(package))


def test_unknown_names_keep_their_errors():
    with pytest.raises(AttributeError, match="tensorgrad does not support torch.frobnicate"):
        tg.frobnicate  # noqa: B018
    with pytest.raises(AttributeError, match="module 'tensorgrad.viz' has no attribute 'draw_grap'"):
        tg.viz.draw_grap  # noqa: B018
    assert not hasattr(tg, "_private_thing") and not hasattr(tg.viz, "_private_thing")
