"""The core reads in an hour: the guided reading in docs/autograd.md names real functions with their true
sizes, the one-op path stays short, the engine loop fits on a screen, and autograd and nn know nothing of
the pictures."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "autograd.md"
ROW = re.compile(r"^\| (\d+) \| `([\w/]+)\.py` `([\w.]+)` \| [^|]* \| (\d+) \|$")
TOTAL = re.compile(r"^\|  \| \*\*(.+)\*\* \|  \| \*\*(\d+)\*\* \|$")


def reading_path() -> tuple[list[tuple[str, str, int]], dict[str, int]]:
    text = DOC.read_text()
    table = text.split("<!-- reading-path:start -->")[1].split("<!-- reading-path:end -->")[0]
    rows, totals = [], {}
    for line in table.strip().splitlines()[2:]:
        if match := ROW.match(line):
            rows.append((match.group(2).replace("/", "."), match.group(3), int(match.group(4))))
        elif match := TOTAL.match(line):
            totals[match.group(1)] = int(match.group(2))
        else:
            raise AssertionError(f"docs/autograd.md: a reading-path row that does not parse: {line!r}")
    return rows, totals


def source_of(module: str, qualname: str) -> str:
    obj = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return inspect.getsource(getattr(obj, "__func__", obj))


def non_blank(source: str) -> int:
    return sum(1 for line in source.splitlines() if line.strip())


@pytest.mark.parametrize("module, qualname, lines", reading_path()[0])
def test_each_function_of_the_guided_reading_exists_and_has_the_size_the_page_says(module, qualname, lines):
    assert non_blank(source_of(module, qualname)) == lines, f"update docs/autograd.md: {module}.{qualname}"


def test_the_one_op_path_is_at_most_150_lines_and_the_totals_add_up():
    rows, totals = reading_path()
    op_and_engine, everything = totals.values()
    assert op_and_engine == sum(lines for _, _, lines in rows[:11])
    assert everything == sum(lines for _, _, lines in rows)
    assert op_and_engine <= 150


def test_the_chain_rule_loop_of_the_engine_fits_on_one_screen():
    tree = ast.parse(textwrap.dedent(source_of("tensorgrad.autograd.engine", "_propagate")))
    (loop,) = [node for node in ast.walk(tree) if isinstance(node, ast.While)]
    lines = textwrap.dedent(source_of("tensorgrad.autograd.engine", "_propagate")).splitlines()
    assert non_blank("\n".join(lines[loop.lineno - 1 : loop.end_lineno])) <= 25


@pytest.mark.parametrize("package", ["autograd", "nn"])
def test_autograd_and_nn_import_nothing_from_the_pictures(package):
    for path in sorted((ROOT / "tensorgrad" / package).glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert "viz" not in (node.module or ""), f"{path.name} imports {node.module}"
            elif isinstance(node, ast.Import):
                assert not any("viz" in alias.name for alias in node.names), f"{path.name} imports viz"
