"""What the graph pictures write inside their boxes: values, statistics, gradients, op attributes, and the
colour scale for gradient norms. Plain text in, Graphviz HTML-like labels out."""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

#: tensors with at most this many elements show their values; bigger ones show statistics
VALUES_LIMIT = 8
#: colours of the gradient-norm scale, from the graph's smallest norm (blue) to its largest (red)
#: (ColorBrewer's RdYlBu, reversed)
NORM_PALETTE = (
    "#313695",
    "#4575b4",
    "#74add1",
    "#abd9e9",
    "#e0f3f8",
    "#fee090",
    "#fdae61",
    "#f46d43",
    "#d73027",
)
#: the palette's dark ends take white text
_DARK = {"#313695", "#4575b4", "#d73027", "#f46d43"}
VALUE_COLOR = "#1a1a1a"
GRAD_COLOR = "#b2182b"
#: the longest line of op settings before they wrap (``kernel=(3, 3), stride=(1, 1)`` fits on one)
ATTRIBUTE_WIDTH = 34
#: the average width of a character of the labels (10 points Helvetica), in points
CHAR_WIDTH = 5.2


def number(x: float) -> str:
    """A number in four significant digits: 0.1235, 1.235e+04, 0."""
    if x == 0:
        return "0"
    if not math.isfinite(x):
        return str(x)
    return f"{x:.4g}"


def shape_text(shape: Sequence[int], dtype: Any) -> str:
    """``(32, 10) float32``; a scalar is ``() float32``."""
    return f"{tuple(shape)} {np.dtype(dtype).name}"


def describe(array: np.ndarray, show_values: str) -> list[str]:
    """Lines that summarise ``array``: its values when small (or asked), else mean/std and min/max.

    ``show_values`` is ``"auto"`` (values up to ``VALUES_LIMIT`` elements), ``"values"`` (always, numpy's
    summarising print for big arrays), ``"stats"`` (always statistics) or ``"none"``.
    """
    if show_values == "none" or array.size == 0:
        return []
    if show_values == "values" or (show_values == "auto" and array.size <= VALUES_LIMIT):
        text = np.array2string(
            np.asarray(array), precision=4, suppress_small=True, max_line_width=48, threshold=VALUES_LIMIT
        )
        return text.splitlines()
    values = np.asarray(array, dtype=np.float64)
    finite = np.isfinite(values)
    lines = []
    if not finite.all():
        lines.append(f"{int(np.isnan(values).sum())} nan, {int(np.isinf(values).sum())} inf")
        values = values[finite]
        if values.size == 0:
            return lines
    lines.insert(0, f"mean {number(values.mean())}  std {number(values.std())}")
    lines.insert(1, f"min {number(values.min())}  max {number(values.max())}")
    return lines


def norm(array: np.ndarray) -> float:
    """The L2 norm of all elements, in float64."""
    return float(np.sqrt(np.square(array, dtype=np.float64).sum()))


def attribute_text(name: str, value: Any) -> str | None:
    """``name=value`` for an op attribute worth showing (numbers, strings, slices, small tuples of them),
    else None. A flag is shown only when it is on (``keepdims=True``), as a command line lists its flags."""
    if isinstance(value, str):
        return f"{name}={value}"
    if value is None or (isinstance(value, (bool, np.bool_)) and not value):
        return None
    if isinstance(value, tuple) and len(value) <= 8:  # a longer tuple is data, not a setting
        parts = [_item_text(v) for v in value]
        if None in parts:
            return None
        return f"{name}=({', '.join(parts)}{',' if len(parts) == 1 else ''})"  # type: ignore[arg-type]
    text = _item_text(value)
    return None if text is None else f"{name}={text}"


def _item_text(value: Any) -> str | None:
    """A number, bool, slice, None or small tuple of them as text; None for anything else."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return number(float(value))
    if isinstance(value, slice):
        return _slice_text(value)
    if value is None:
        return "None"
    if isinstance(value, tuple) and len(value) <= 4:
        parts = [_item_text(v) for v in value]
        return None if None in parts else "(" + ", ".join(parts) + ")"  # type: ignore[arg-type]
    return None


def _slice_text(s: slice) -> str:
    text = ("" if s.start is None else str(s.start)) + ":" + ("" if s.stop is None else str(s.stop))
    return text + (f":{s.step}" if s.step is not None else "")


def packed(items: Sequence[str], width: int = ATTRIBUTE_WIDTH) -> list[str]:
    """``items`` joined by ", " into lines of at most ``width`` characters (an item longer than that gets a
    line of its own), so that an op with many settings makes a taller box, not a wider one."""
    lines: list[str] = []
    for item in items:
        if lines and len(lines[-1]) + 2 + len(item) <= width:
            lines[-1] += ", " + item
        else:
            lines.append(item)
    return lines


def box_width(rows: Iterable[tuple[str, list[str]]]) -> float:
    """About how wide, in points, ``table`` draws these rows: the longest line at 10 points Helvetica (the
    settings in italics are narrower)."""
    longest = max(
        (len(line) * (0.85 if kind == "attrs" else 1) for kind, lines in rows for line in lines), default=0
    )
    return CHAR_WIDTH * longest + 12


def norm_color(value: float, low: float, high: float) -> str:
    """The palette colour of a gradient norm on a log scale running from ``low`` to ``high``."""
    if high <= low:
        return NORM_PALETTE[len(NORM_PALETTE) // 2]
    position = (math.log10(value) - math.log10(low)) / (math.log10(high) - math.log10(low))
    index = min(len(NORM_PALETTE) - 1, max(0, int(position * len(NORM_PALETTE))))
    return NORM_PALETTE[index]


def text_color(fill: str | None) -> str:
    return "white" if fill in _DARK else VALUE_COLOR


def table(
    rows: Iterable[tuple[str, list[str]]],
    *,
    fill: str | None,
    header_fill: str,
    bold: bool,
    badge: str | None = None,
) -> str:
    """An HTML-like Graphviz label: the first row is the header, each further row a block of lines.

    ``rows`` holds ``(kind, lines)`` with kind ``"header"``, ``"attrs"``, ``"value"`` or ``"grad"``; ``badge``
    is a short text shown at the right of the header (the backward step).
    """
    ink = text_color(fill)
    border = "2" if bold else "1"
    span = ' COLSPAN="2"' if badge else ""
    cells = []
    for kind, lines in rows:
        if not lines:
            continue
        body = '<BR ALIGN="LEFT"/>'.join(html.escape(line) for line in lines) + '<BR ALIGN="LEFT"/>'
        color = GRAD_COLOR if kind == "grad" and fill is None else ink
        body = f'<FONT COLOR="{color}">{body}</FONT>'
        if kind == "header":
            cell = f'<TD BGCOLOR="{header_fill if fill is None else fill}" ALIGN="LEFT"><B>{body}</B></TD>'
            if badge:
                cell += (
                    f'<TD BGCOLOR="{GRAD_COLOR}" ALIGN="RIGHT"><FONT COLOR="white"><B>'
                    f"{html.escape(badge)}</B></FONT></TD>"
                )
            cells.append(f"<TR>{cell}</TR>")
        elif kind == "attrs":
            cells.append(f'<TR><TD ALIGN="LEFT"{span}><I>{body}</I></TD></TR>')
        else:
            cells.append(f'<TR><TD ALIGN="LEFT"{span}>{body}</TD></TR>')
    return (
        f'<<TABLE BORDER="{border}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" '
        f'BGCOLOR="{fill or "white"}">'
        f"{''.join(cells)}</TABLE>>"
    )


def legend(low: float, high: float) -> str:
    """The colour scale as a label: one swatch per palette colour, with the graph's smallest and largest
    norms at its ends (the scale is relative: blue is this graph's smallest gradient, vanishing or not)."""
    steps = len(NORM_PALETTE)
    swatches = "".join(f'<TD BGCOLOR="{color}" WIDTH="18" HEIGHT="14"></TD>' for color in NORM_PALETTE)
    return (
        '<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3">'
        f'<TR><TD COLSPAN="{steps}"><B>gradient norm (log scale)</B></TD></TR>'
        f"<TR>{swatches}</TR>"
        f'<TR><TD COLSPAN="{steps // 2}" ALIGN="LEFT">{html.escape(number(low))} smallest</TD>'
        f'<TD COLSPAN="{steps - steps // 2}" ALIGN="RIGHT">largest {html.escape(number(high))}</TD></TR>'
        "</TABLE>>"
    )
