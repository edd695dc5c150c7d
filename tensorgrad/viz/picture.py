"""GraphPicture: the ``graphviz.Digraph`` that ``draw_graph`` returns.

It is an ordinary Digraph (``.source`` is the DOT text; it shows inline as SVG in Jupyter; ``render`` and
``pipe`` work as usual), with two additions: ``save(path)`` writes the picture in the format its suffix names,
atomically, and a missing Graphviz ``dot`` program is one sentence saying how to install it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..files import atomic_write

try:
    import graphviz
except ImportError as error:  # the Python package (a dependency of tensorgrad's), not the `dot` program
    raise ImportError(
        "tensorgrad.viz.draw_graph needs the graphviz Python package: pip install graphviz "
        "(and, to render pictures, Graphviz's `dot` program)"
    ) from error

#: the file suffixes ``save`` understands; ``.dot`` and ``.gv`` write the DOT source itself
FORMATS = ("svg", "png", "pdf", "dot", "gv")
INSTALL_HINT = (
    "rendering a graph needs Graphviz's `dot` program, which is not installed or not on PATH: install it "
    "with `apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS) or "
    "`conda install graphviz`; the DOT source is still available as picture.source"
)


class GraphvizNotFoundError(RuntimeError):
    """Rendering was asked for but Graphviz's ``dot`` is missing."""


class GraphPicture(graphviz.Digraph):
    """A drawn computation graph; see ``tensorgrad.viz.draw_graph``."""

    #: one line on what the picture left out or merged (collapsed modules, gradients not recorded), or ""
    note: str = ""
    #: the DOT node (``t3``, or ``g1`` for a collapsed picture's merged box) that draws each tensor of the
    #: graph, by ``id(tensor)``: how ``tg.viz.explore`` finds a tensor's box in the rendered SVG
    boxes: Mapping[int, str] = MappingProxyType({})
    #: the extra boxes of a constant drawn once per use in a full picture: by ``(id(op's output), input)``,
    #: the DOT node of that use's box (the first use is drawn by ``boxes``'s node)
    uses: Mapping[tuple[int, int], str] = MappingProxyType({})
    #: what each merged box of a collapsed picture stands for, by its DOT node (``g1``): ``("module", ids
    #: of the modules...)``, ``("run", n)`` (a run of ops), ``("op", id)``, ``("leaf", id)`` or
    #: ``("outside", id)``
    groups: Mapping[str, tuple[Any, ...]] = MappingProxyType({})
    #: each module frame of a full picture: its cluster name (``cluster_0_1``) -> (its label, the ``id`` of
    #: each tensor drawn inside it, nested frames included): how ``tg.viz.explore`` folds a frame
    frames: Mapping[str, tuple[str, list[int]]] = MappingProxyType({})

    def __repr__(self) -> str:  # what a notebook stores as the picture's text form: the same every run
        return f"<GraphPicture: {self.name}>"

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().pipe(*args, **kwargs)
        except graphviz.ExecutableNotFound:
            raise GraphvizNotFoundError(INSTALL_HINT) from None

    def render(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().render(*args, **kwargs)
        except graphviz.ExecutableNotFound:
            raise GraphvizNotFoundError(INSTALL_HINT) from None

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the picture to ``path`` as SVG, PNG or PDF (or the DOT source for ``.dot``/``.gv``), by its
        suffix. The file appears complete or not at all. Returns the path."""
        path = Path(path)
        kind = path.suffix.lower().lstrip(".")
        if kind not in FORMATS:
            raise ValueError(
                f"save: cannot tell the format from {path.name!r}; use a file name ending in "
                + ", ".join(f".{f}" for f in FORMATS)
            )
        data = self.source.encode() if kind in ("dot", "gv") else self.pipe(format=kind)
        atomic_write(path, data, op="save")
        return path
