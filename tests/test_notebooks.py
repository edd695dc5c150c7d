"""The teaching notebooks: each runs top to bottom in a real Jupyter kernel within two minutes, and the copy
in the repository (whose outputs the docs site shows) is what such a run produced."""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
EXPECTED = [
    "01-autograd-from-the-ground-up",
    "02-backprop-by-hand-vs-autograd",
    "03-linear-regression-with-adam",
    "04-optimizers-on-loss-surfaces",
    "05-cnn-on-digits",
    "06-vanishing-and-exploding-gradients",
    "07-checking-gradients",
    "08-language-models-from-scratch",
]
BUDGET_SECONDS = 120


def rich_outputs(cell: nbformat.NotebookNode) -> list[tuple[str, tuple[str, ...]]]:
    """What a code cell showed, by kind: results and displays with their formats, and stdout. Stderr is left
    out: a fresh machine prints one-off messages there (matplotlib building its font cache). Consecutive
    stdout chunks count as one: the kernel may flush one cell's prints in one chunk or in several."""
    shown: list[tuple[str, tuple[str, ...]]] = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            kind = ("stream", ("stdout",))
            if output.name == "stdout" and (not shown or shown[-1] != kind):
                shown.append(kind)
        else:
            shown.append((output.output_type, tuple(sorted(output.get("data", {})))))
    return shown


def code_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def test_the_eight_teaching_notebooks_are_there():
    assert [path.stem for path in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_committed_notebook_is_a_clean_top_to_bottom_run(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    cells = code_cells(notebook)
    assert [cell.execution_count for cell in cells] == list(range(1, len(cells) + 1)), (
        f"{path.name}: the stored outputs are not one run from the top; run `make notebooks`"
    )
    errors = [output for cell in cells for output in cell.outputs if output.output_type == "error"]
    assert errors == []
    markdown = [cell for cell in notebook.cells if cell.cell_type == "markdown"]
    assert notebook.cells[0].cell_type == "markdown" and notebook.cells[0].source.startswith("# ")
    assert len(markdown) >= len(cells) / 2, f"{path.name}: a teaching notebook explains what it computes"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_runs_top_to_bottom_in_a_fresh_kernel(path, tmp_path):
    committed = nbformat.read(path, as_version=4)
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=BUDGET_SECONDS,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(tmp_path)}},  # any file a notebook writes lands here
    )
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError, with the cell and its traceback, on any error
    elapsed = time.perf_counter() - start
    assert elapsed < BUDGET_SECONDS, f"{path.name} took {elapsed:.0f} s; the budget is {BUDGET_SECONDS} s"

    fresh_cells, stored_cells = code_cells(notebook), code_cells(committed)
    for i, (fresh, stored) in enumerate(zip(fresh_cells, stored_cells, strict=True), start=1):
        assert rich_outputs(fresh) == rich_outputs(stored), (
            f"{path.name}, code cell {i}: a fresh run shows other outputs than the stored ones; "
            "run `make notebooks` to store a fresh run"
        )
