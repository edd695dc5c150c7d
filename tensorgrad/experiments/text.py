"""Plain-text tables for the terminal: a header, a rule, and columns padded to their widest cell."""

from __future__ import annotations

from collections.abc import Sequence


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool]) -> str:
    """Align ``rows`` of cells under ``header``; a column is right-aligned (numbers) where ``right`` says so.

    >>> print(text_table(["name", "lr"], [["sgd", "0.1"], ["adam", "0.003"]], [False, True]))
    name     lr
    ----  -----
    sgd     0.1
    adam  0.003
    """
    widths = [max([len(title)] + [len(row[i]) for row in rows]) for i, title in enumerate(header)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right)).rstrip()

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *(line(row) for row in rows)])
