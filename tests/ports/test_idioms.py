"""Every PyTorch idiom of ``tests/ports/idioms.py`` gives PyTorch's result (or the documented difference, or
the clear error of a missing feature), and the porting guide's compatibility table is generated from them."""

from __future__ import annotations

import pathlib

import pytest

from scripts.compatibility_table import render, replace_table
from tests.ports.idioms import IDIOMS
from tests.ports.run_idiom import run

GUIDE = pathlib.Path(__file__).parents[2] / "docs" / "porting-from-pytorch.md"


@pytest.mark.parametrize("idiom", IDIOMS, ids=[f"{i.area}: {i.code.splitlines()[0][:60]}" for i in IDIOMS])
def test_idiom_gives_pytorchs_result_or_the_documented_difference(idiom):
    import tensorgrad

    default = tensorgrad.get_default_dtype()
    try:
        run(idiom)
    finally:
        tensorgrad.set_default_dtype(default)


def test_the_porting_guides_compatibility_table_is_the_generated_one():
    text = GUIDE.read_text()
    assert replace_table(text, render(IDIOMS)) == text, (
        "docs/porting-from-pytorch.md is out of date: run `python scripts/compatibility_table.py`"
    )
