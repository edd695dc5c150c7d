"""Step through a backward pass in the browser: ``tg.viz.explore(loss)``.

The page shows ``draw_graph``'s picture (Graphviz's layout, the same boxes and arrows) with controls to
replay the computation: first the forward pass, op by op in the order the ops ran, then the backward pass in
the engine's own order (``node.order``, the numbers ``draw_graph(backward=True)`` writes). At each step the
op that runs is highlighted and its arrows light up; in the backward pass the gradient it sends to each input
appears on that arrow, a box's gradient appears once it is complete (a leaf's ``.grad`` when its last
contribution arrives) and a tensor used twice counts its contributions until they are all in. Hovering a box
shows, in the side panel, its value and gradient (shape, dtype, statistics, the numbers of a small tensor, a
heatmap of a 2-D one, a histogram of a big one), the op's settings, its module, the ``file:line`` that made
it (known for graphs built inside ``with tg.viz.record_locations():`` or ``tg.detect_anomaly()``, which note
it) and, for a tensor used more than once, each contribution and their sum; a click pins the panel.
Controls: play/pause, step back and forward, a slider, the keyboard (left/right arrows, space, Home/End), a
box to find a node by name, colouring the boxes by gradient norm, and zoom. The gradients of inner tensors
are known only when the backward pass ran inside ``with tg.viz.record_backward():``; a graph whose backward
has not run replays its forward pass.

**Module frames fold in place.** The picture is Graphviz's layout of every op, with a frame per module call
(as ``draw_graph`` draws it). Folding a frame (its "fold" link) covers the frame's rectangle with one box
that names the module and counts its ops, and hides the boxes and arrows inside; arrows that cross the
frame's border stay, ending at that box; clicking the box opens the frame again. Nothing moves, so one
layout serves every combination of folded frames (a layout per combination would be 2^frames Graphviz runs,
and laying out again in the browser would need a layout engine in the page). The price: a folded frame
takes the room of its open self. While a folded frame's op runs, its box is the one highlighted. A graph of
more than ``max_nodes`` tensors starts with its outermost frames folded.

**A graph too big to lay out whole opens box by box.** Graphviz's time and SVG grow faster than the graph
(a 10,000-op chain in 100 modules: 154 s and 28 MB), so a graph of more than
``explorer_views.FULL_LAYOUT_LIMIT`` tensors (1,000), or a big one without modules, is drawn as
``draw_graph``'s collapsed picture, one box per module or run of ops, and clicking such a box shows the
picture of its inside, drawn by the same rules (every op, with frames that fold in place, or collapsed
again into boxes that open further); a path above the picture leads back. Each of these views is laid out
once, when the page is made; the pass steps on whichever is shown (the box that holds the op that runs
lights up), and the views' boxes show shapes and gradient norms, leaving the values to the panel. Such a
page carries its data and views compressed (gzip, in base64, which the browser's ``DecompressionStream``
opens): the 10,000-op chain's page is about 4 MB.

**Hooks for tests and tools** (the page shows the same through its look): ``#tg-graph`` carries
``data-position``, ``data-phase`` (``start``/``forward``/``backward``), ``data-step`` (the engine's
``node.order`` of the step that just ran), ``data-current-node`` (its node id), ``data-current-box`` (the
SVG element highlighted for it: its box, ``tg-fold-<frame>``, or nothing when the view shown does not draw
it), ``data-folded`` (the folded frames), ``data-view`` (the view shown: 0 is the whole graph's) and
``data-training-step`` (on a ``record_steps`` page, the training step picked, from 0); the side
panel carries ``data-node`` (the node it shows) and marks its sections ``data-role="value"``, ``"grad"`` or
``"sent"`` (``"training"`` on a ``record_steps`` page); ``<html data-tg-ready>`` is ``performance.now()`` when
the page became interactive.

The page is one self-contained HTML document: the SVG inline, the data as JSON in a
``<script type="application/json">`` (laid out as ``explorer_data`` describes), the script (``explorer.js``,
plain JavaScript) and the style sheet (``explorer.css``) inline; it loads nothing from anywhere, so it opens
from disk. Values beyond a size are summarised (statistics, histogram, heatmap) and the page says so.

In a notebook the explorer shows as that same page inside an ``<iframe srcdoc=...>``: JupyterLab and VS Code
do not run ``<script>`` tags put into a cell's HTML output the way a page does (JupyterLab only in trusted
notebooks, VS Code in its own renderer), whereas a frame's document runs its scripts wherever frames are
shown; the frame also keeps the page's ids, styles and key bindings apart from the notebook's and from a
second explorer's. ``sandbox="allow-scripts"`` lets it run its script without any access to the notebook.
JupyterLab shows a stored explorer of a trusted notebook, and it steps without running a cell
(``tests/test_notebook_views.py``, JupyterLab 4 in Chromium); in a notebook it does not trust (one run
elsewhere) it sanitises HTML outputs, which removes the frame, until the cell is run or the notebook trusted
(*File > Trust Notebook*). VS Code, which cannot be driven here, shows a ``srcdoc`` frame in a notebook
output (microsoft/vscode#139741; a frame with ``src=`` a local file stays empty there, which is one more
reason the page travels inside the output).
(anywidget would need a running kernel to show anything; a stored notebook and the docs site have none.)
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import html
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path
from typing import IO, Any

from ..autograd import anomaly, observers
from ..files import atomic_write
from ..nn.module import Module
from ..tensor import Tensor
from . import explorer_views, graph
from .explorer_data import VALUES_LIMIT, explorer_data, picture_data

_SVG_START = "<svg"
_FRAME_HEIGHT = 640  # pixels: the notebook frame's height


def explore(
    root: Tensor | Sequence[Tensor],
    params: Module | Mapping[str, Tensor] | Iterable[tuple[str, Tensor]] | None = None,
    *,
    max_nodes: int | None = 200,
    values_limit: int = VALUES_LIMIT,
    title: str | None = None,
    color_by: str | None = None,
) -> Explorer:
    """An interactive page that steps through the graph that computed ``root`` (the loss, or a list of
    tensors): the forward pass, then the backward pass if it ran. See the module docstring.

    ``params`` names the leaves as for ``draw_graph`` (a Module, a dict, or ``(name, tensor)`` pairs).
    ``max_nodes``: a bigger graph starts with its module frames folded (see the module docstring); one
    bigger than ``explorer_views.FULL_LAYOUT_LIMIT``, or without modules, is drawn with one box per module or
    run of ops, as ``draw_graph`` does, each of which opens into a picture of its own (``None`` draws every
    op, unfolded, whatever the size). ``values_limit``:
    tensors of at most this many elements carry all their values; bigger ones are summarised. ``title``
    heads the page. ``color_by="grad_norm"`` opens it coloured by gradient norm, as ``draw_graph``'s option
    (the page's checkbox turns it off and on).

    The page is a snapshot: it holds the values and gradients as they are when ``explore`` is called.

    >>> import tensorgrad as tg
    >>> a = tg.tensor([1.0, 2.0], requires_grad=True, name="a")
    >>> loss = (a * a).sum()
    >>> with tg.viz.record_backward():
    ...     loss.backward()
    >>> explorer = tg.viz.explore(loss)
    >>> [explorer.data["nodes"][s["node"]]["op"] for s in explorer.data["steps"]]
    ['Sum', 'Mul']
    """
    roots = graph._roots(root, "explore")
    params = graph._params(params, "explore")
    if max_nodes is not None and not _is_int(max_nodes, 2):
        raise ValueError(f"explore: max_nodes must be an int >= 2 or None, got {max_nodes!r}")
    if not _is_int(values_limit, 0):
        raise ValueError(f"explore: values_limit must be an int >= 0, got {values_limit!r}")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"explore: title must be a str or None, got {type(title).__name__}")
    if color_by not in graph.COLOR_BY:
        raise ValueError(f"explore: color_by must be None or 'grad_norm', got {color_by!r}")

    tensors = graph._collect(roots)
    ran = any(t._node is not None and t._node.order is not None for t in tensors)
    names, module_names, whole_model = graph._names(params)

    def make(part: Sequence[Tensor], outside: frozenset[int], depth: int) -> graph._Drawing:
        # the views of a big graph's parts leave the values to the panel: their boxes are thousands
        values = "auto" if len(part) == len(tensors) else "none"
        return graph._Drawing(
            roots=roots, tensors=list(part), names=names, module_names=module_names, whole_model=whole_model,
            show_values=values, show_grads=True, backward=ran, color_by=None, group_modules=True,
            outside=outside, depth=depth,
        )  # fmt: skip

    title = title or ("backward pass" if ran else "forward pass")
    found = explorer_views.views(make, tensors, max_nodes, label=title)
    svgs = _render([view.picture for view in found])
    whole = found[0]
    data = explorer_data(whole.drawing, whole.picture, svgs[0], values_limit=values_limit, opens=whole.opens)
    data["folded"] = _outer_frames(data) if whole.folded else []
    data["title"] = title
    data["colour"] = color_by == "grad_norm"  # the page starts coloured by gradient norm (a checkbox)
    views = []  # the pictures of the other views, with their boxes, arrows and frames
    if len(found) > 1:
        grads = [whole.drawing.grad_of(t) for t in tensors]
        index = {id(t): i for i, t in enumerate(tensors)}
        data["views"] = [{"label": whole.label, "parent": None, "inside": list(range(len(tensors)))}]
        for view, svg in zip(found[1:], svgs[1:]):
            part = picture_data(view.drawing, view.picture, svg, index, data["nodes"], grads, view.opens)
            part["folded"] = _outer_frames(part) if view.folded else []
            views.append({"svg": _compact(_inline_svg(svg.decode("utf-8"))), **part})
            inside = sorted(index[id(t)] for t in view.inside)
            data["views"].append({"label": view.label, "parent": view.parent, "inside": inside})
    return Explorer(data, _inline_svg(svgs[0].decode("utf-8")), views)


def _render(pictures: list[graph.GraphPicture]) -> list[bytes]:
    """Each picture as SVG, laid out by Graphviz (several ``dot`` processes at once)."""
    if len(pictures) == 1:
        return [pictures[0].pipe(format="svg")]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:  # each waits on its own process
        return list(pool.map(lambda picture: picture.pipe(format="svg"), pictures))


def _outer_frames(part: dict[str, Any]) -> list[int]:
    """The positions of the outermost module frames of a picture (those a big picture starts folded)."""
    return [i for i, frame in enumerate(part["frames"]) if frame["parent"] is None]


_recording_locations = 0  # how many record_locations() blocks are open (they may nest)


def _note_location(node: Any) -> None:
    """Observer of new nodes: the ``file:line`` of the user's code that made the op (tensorgrad's own frames
    skipped)."""
    node.location = anomaly.caller_location()


@contextlib.contextmanager
def record_locations() -> Iterator[None]:
    """Inside ``with tg.viz.record_locations():`` each op notes the ``file:line`` of the code that called it
    (``node.location``), which ``explore``'s panel shows; ``tg.detect_anomaly()`` notes it too.

    Off by default: noting a location walks the Python stack once per op, about 1.5-2 us per op (measured on
    a 4-element multiply, which itself takes about 2 us: a tiny graph's forward pass runs at about half
    speed; a real layer's op takes far longer than that). Outside the block nothing is watched, nothing paid.

    >>> import tensorgrad as tg
    >>> a = tg.tensor([1.0, 2.0], requires_grad=True)
    >>> with tg.viz.record_locations():
    ...     b = a * a
    >>> b._node.location.endswith(":2")
    True
    """
    global _recording_locations
    _recording_locations += 1
    observers.watch(observers.created, _note_location)
    try:
        yield
    finally:
        _recording_locations -= 1
        if not _recording_locations:
            observers.watch(observers.created, _note_location, on=False)


class Explorer:
    """The page ``explore`` made: ``save(path)`` writes it, a notebook shows it inline.

    ``data`` is what the page shows (``explorer_data``'s dict), ``svg`` the picture (Graphviz's SVG, ready to
    sit inside the page) and ``views`` a big graph's other views (``data["views"][1:]``): each one's
    ``svg`` with its ``boxes``, ``edges``, ``frames``, ``folded`` and ``opens``, as ``data`` has them for
    the first. A page with views carries its data and views compressed (gzip, as base64).
    """

    def __init__(self, data: dict[str, Any], svg: str, views: Sequence[dict[str, Any]] = ()) -> None:
        self.data = data
        self.svg = svg
        self.views = list(views)

    def __repr__(self) -> str:
        d = self.data
        return (
            f"<Explorer: {d['title']}, {len(d['nodes'])} tensors, {len(d['forward'])} forward steps, "
            f"{len(d['steps'])} backward steps>"
        )

    def html(self) -> str:
        """The whole page, as one string."""
        parts: list[str] = []
        self._write(parts.append)
        return "".join(parts)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to ``path`` (``pass.html``): one self-contained file that opens from disk. It
        appears complete or not at all (written to a temporary file beside it, then renamed). Returns the
        path."""
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"Explorer.save: expected a file path (str or Path), got {type(path).__name__}")
        path = Path(path)

        def write(file: IO[bytes]) -> None:
            self._write(lambda text: file.write(text.encode("utf-8")))

        atomic_write(path, write, op="Explorer.save")
        return path

    def _repr_html_(self) -> str:
        """The page in a sandboxed frame (see the module docstring for why a frame)."""
        return (
            f'<iframe srcdoc="{html.escape(self.html(), quote=True)}" sandbox="allow-scripts" '
            f'style="width: 100%; height: {_FRAME_HEIGHT}px; border: 1px solid #ddd" '
            f'title="{html.escape(self.data["title"])}"></iframe>'
        )

    def _write(self, write: Any) -> None:
        """Write the page in pieces (when one fails the rest is not written, and ``save`` writes nothing)."""
        title = html.escape(self.data["title"])
        write(_HEAD.format(title=title, css=_asset("explorer.css")))
        write(_CONTROLS.format(title=title))
        write(f'<div id="tg-graph" class="tg-graph">{self.svg}</div>\n')
        write(_PANEL)
        if self.views:  # gzip as base64, which the page's DecompressionStream opens (the views when shown)
            write('<script type="application/octet-stream" id="tg-data" data-packed="gzip">')
            write(_packed(self.data))
            write('</script>\n<script type="application/octet-stream" id="tg-views">')
            write(_packed(self.views))
        else:
            write('<script type="application/json" id="tg-data">')
            write(_json(self.data))
        write("</script>\n")
        write("<script>\n")
        write(_asset("explorer.js"))
        write("</script>\n</body>\n</html>\n")


# ----------------------------------------------------------------------------------------- helpers
def _is_int(value: Any, least: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= least


def _inline_svg(svg: str) -> str:
    """dot's SVG as an element of the page: without the XML prologue, the comments, the ``<title>`` of each
    element (the DOT names ``t3`` and ``t1->t3``, which a browser would show as tooltips; the page finds
    the elements by their ids) and the namespace declarations (an HTML page puts ``<svg>`` in the SVG
    namespace by itself; the page refers to no URL)."""
    svg = svg[svg.index(_SVG_START) :]
    parts = svg.split("<!--")
    svg = parts[0] + "".join(part.split("-->", 1)[1] if "-->" in part else part for part in parts[1:])
    svg = re.sub(r"<title>[^<]*</title>\n?", "", svg)
    for declaration in (' xmlns="http://www.w3.org/2000/svg"', ' xmlns:xlink="http://www.w3.org/1999/xlink"'):
        svg = svg.replace(declaration, "", 1)
    return svg


_POLYGON = re.compile(r'<polygon ([^>]*?)points="([^"]*)"([^>]*)/>')
_IN_A_TAG = re.compile(r"-?\d+\.\d+(?=[^<>]*>)")  # a decimal in an attribute, not in a text


def _compact(svg: str) -> str:
    """A view's SVG made smaller for the page (a big graph's views hold thousands of boxes): coordinates in
    whole points (dot writes hundredths; a point is 1.33 pixels), and each rectangle that dot writes as a
    closed five-point polygon (a box's background, header, badge and border) as a ``<rect>``."""

    def rectangle(match: re.Match[str]) -> str:
        points = [tuple(p.split(",")) for p in match.group(2).split()]
        xs, ys = sorted({x for x, _ in points}, key=float), sorted({y for _, y in points}, key=float)
        if len(points) != 5 or points[0] != points[-1] or len(xs) != 2 or len(ys) != 2:
            return match.group(0)
        x, y, right, bottom = (int(v) for v in (xs[0], ys[0], xs[1], ys[1]))
        size = f'x="{x}" y="{y}" width="{right - x}" height="{bottom - y}"'
        return f"<rect {match.group(1)}{size}{match.group(3)}/>"

    svg = _IN_A_TAG.sub(lambda m: str(round(float(m.group(0)))), svg)
    return _POLYGON.sub(rectangle, svg)


def _json(data: dict[str, Any]) -> str:
    """``data`` as JSON that can sit inside a ``<script>`` element (``</`` and ``<!--`` escaped)."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def _packed(data: Any) -> str:
    """``data`` as JSON, gzipped (the same bytes every run), in base64."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return base64.b64encode(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)).decode("ascii")


def _asset(name: str) -> str:
    """The text of one of the page's files shipped with the package (``explorer.js``, ``explorer.css``)."""
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


_HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
{css}</style>
</head>
<body>
"""

_CONTROLS = """<header class="tg-toolbar">
  <strong class="tg-title">{title}</strong>
  <button type="button" id="tg-start" title="Back to the start (Home)">&#x21E4;</button>
  <button type="button" id="tg-back" title="Step back (left arrow)">&#x25C0;</button>
  <button type="button" id="tg-play" title="Play or pause (space)">&#x25B6;</button>
  <button type="button" id="tg-next" title="Step forward (right arrow)">&#x25B6;&#x2759;</button>
  <button type="button" id="tg-end" title="To the end (End)">&#x21E5;</button>
  <input type="range" id="tg-slider" min="0" max="0" value="0" aria-label="position in the pass">
  <label>speed <select id="tg-speed">
    <option value="1200">slow</option><option value="600" selected>normal</option>
    <option value="200">fast</option><option value="30">fastest</option></select></label>
  <label><input type="checkbox" id="tg-color"> colour by gradient norm</label>
  <input type="search" id="tg-find" placeholder="find a node by name" aria-label="find a node by name">
  <span id="tg-found" class="tg-found"></span>
  <span class="tg-zoom"><button type="button" id="tg-zoom-out" title="Zoom out">&minus;</button><button
    type="button" id="tg-zoom-fit" title="Fit the width">fit</button><button type="button" id="tg-zoom-in"
    title="Zoom in">+</button></span>
</header>
<div id="tg-status" class="tg-status" aria-live="polite"></div>
<main class="tg-main">
"""

_PANEL = """<aside id="tg-panel" class="tg-panel">
  <p class="tg-hint">Hover a box to see its values and gradient; click it to keep it here.</p>
</aside>
</main>
<noscript><p>Stepping through the pass needs JavaScript; the picture above is complete.</p></noscript>
"""
