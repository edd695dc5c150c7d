"""A griffe extension for the API reference: tensorgrad's docstrings are written for the terminal and doctest
(``>>>`` examples, ``::`` literal blocks, ``:class:`X``` roles); this turns those into Markdown before
mkdocstrings renders them, so examples show as Python code blocks instead of quotes and text.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

import griffe

ROLE = re.compile(r":(?:class|func|meth|attr|mod|data|exc|obj):`~?([^`]+)`")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _fence(lines: list[str], language: str) -> list[str]:
    return [f"```{language}", *textwrap.dedent("\n".join(lines)).splitlines(), "```"]


def to_markdown(text: str) -> str:
    """Doctest runs become ```pycon fences, an indented block after ``::`` a ``` fence, roles plain code."""
    lines = ROLE.sub(r"`\1`", text).splitlines()
    out: list[str] = []
    i = 0
    in_fence = False
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith("```"):
            in_fence = not in_fence
        if not in_fence and stripped.startswith(">>>"):
            block = []
            while i < len(lines) and lines[i].strip():  # a doctest run ends at a blank line
                block.append(lines[i])
                i += 1
            out += _fence(block, "pycon")
            continue
        if not in_fence and stripped.endswith("::") and not stripped.startswith(".."):
            indent = _indent(line)
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            block_start = j
            while j < len(lines) and (not lines[j].strip() or _indent(lines[j]) > indent):
                j += 1
            while j > block_start and not lines[j - 1].strip():
                j -= 1
            if j > block_start:
                head = line.rstrip()[:-2].rstrip()
                if head.strip():
                    out.append(head + ":")
                out += ["", *_fence(lines[block_start:j], "text"), ""]
                i = j
                continue
        out.append(line)
        i += 1
    return "\n".join(out)


class DocstringsAsMarkdown(griffe.Extension):
    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = to_markdown(obj.docstring.value)
