"""Lazy package attributes (PEP 562): a subpackage or a re-exported name is imported on first use.

``import tensorgrad`` loads the core (tensor, autograd, ops, nn, optim, data, io) only; ``tg.viz``,
``tg.training`` and ``tg.experiments`` are imported the first time they are touched, so the core imports fast
and works where Graphviz's Python package or matplotlib is missing. A package says what it offers lazily in
one call::

    __getattr__, __dir__ = attach(__name__, submodules=["graph"], names={"draw_graph": "graph"})

``tg.viz.graph`` then imports ``tensorgrad.viz.graph``, and ``tg.viz.draw_graph`` (or ``from tensorgrad.viz
import draw_graph``) imports it and returns its ``draw_graph``, stored on the package so the next look-up is
an ordinary one. ``dir()`` (and so tab completion) lists the lazy names before they are loaded. A failed
import raises its own ImportError, naming what is missing.

A lazy name must not also be the name of one of the package's modules: importing that module directly would
put the module where the name should be.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Mapping


def attach(
    package: str,
    submodules: Iterable[str] = (),
    names: Mapping[str, str] | None = None,
    fallback: Callable[[str], object] | None = None,
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The module-level ``__getattr__`` and ``__dir__`` for ``package`` (its ``__name__``).

    ``submodules``: modules of the package imported when their name is first used (``"viz"``).
    ``names``: each re-exported name and the submodule it comes from (``{"draw_graph": "graph"}``).
    ``fallback``: called with any other name (the package's own ``__getattr__``, e.g. one raising a clearer
    AttributeError); without one, Python's usual AttributeError (with its "Did you mean" guess).
    """
    modules = frozenset(submodules)
    exported = dict(names or {})
    lazy = modules | exported.keys()

    def __getattr__(name: str) -> object:
        if name in modules:
            return importlib.import_module(f"{package}.{name}")  # the import sets it on the package
        if name in exported:
            value = getattr(importlib.import_module(f"{package}.{exported[name]}"), name)
            setattr(sys.modules[package], name, value)
            return value
        if fallback is not None:
            return fallback(name)
        module = sys.modules[package]
        raise AttributeError(f"module {package!r} has no attribute {name!r}", name=name, obj=module)

    def __dir__() -> list[str]:
        return sorted(lazy.union(vars(sys.modules[package])))

    return __getattr__, __dir__
