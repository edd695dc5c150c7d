"""MkDocs hook: the interactive explorer that docs/visualising-backprop.md embeds, made as the site is built.

The page ``explorer/mlp-backward.html`` is ``tg.viz.explore`` of the backward pass of the page's example (a
2-3-1 MLP with its MSE loss, recorded with ``record_backward``), written into the built site after every
build (``on_post_build``, so ``mkdocs serve`` remakes it too). It is generated, never committed: a page made
from this checkout's code cannot be stale. ``Explorer.save`` writes it atomically. It needs Graphviz's
``dot`` (the explorer's layout is dot's); without it the build fails with the sentence that says how to
install it (``scripts/ensure-graphviz.sh`` does).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

#: where the page goes, relative to the site's folder (the iframe on visualising-backprop.md points here)
TARGET = "explorer/mlp-backward.html"
TITLE = "The backward pass of a 2-3-1 MLP (MSE loss)"


def mlp_backward() -> Any:
    """The explorer of the example on docs/visualising-backprop.md (its code, the same seed and numbers)."""
    import tensorgrad as tg
    from tensorgrad import nn

    tg.manual_seed(0)
    model = nn.Sequential(nn.Dense(2, 3), nn.ReLU(), nn.Dense(3, 1))
    x = tg.tensor([[1.0, 2.0], [0.5, -1.0]], name="x")
    y = tg.tensor([[1.0], [0.0]], name="y")
    loss = nn.MSELoss()(model(x), y)
    with tg.viz.record_backward():
        loss.backward()
    return tg.viz.explore(loss, params=model, title=TITLE)


def _this_checkouts_tensorgrad(root: Path) -> None:
    """Import tensorgrad from the checkout being documented (not from another installed copy)."""
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    import tensorgrad

    where = Path(tensorgrad.__file__).resolve().parent
    if where != root / "tensorgrad":
        raise PluginError(
            f"mkdocs_explorer: tensorgrad was imported from {where}, not from this checkout's "
            f"{root / 'tensorgrad'}; build the docs with this checkout's environment (make docs)"
        )


def on_post_build(config: Any, **kwargs: Any) -> None:
    root = Path(config.config_file_path).resolve().parent
    _this_checkouts_tensorgrad(root)
    from tensorgrad.viz import GraphvizNotFoundError

    target = Path(config.site_dir) / TARGET
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mlp_backward().save(target)
    except GraphvizNotFoundError as err:
        raise PluginError(f"mkdocs_explorer: cannot make {TARGET}: {err}") from None
