"""Write the compatibility table of ``docs/porting-from-pytorch.md`` from ``tests/ports/idioms.py``.

``python scripts/compatibility_table.py`` rewrites the table between its two markers; the test
``test_the_porting_guides_compatibility_table_is_the_generated_one`` fails when the page is out of date.
"""

from __future__ import annotations

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tensorgrad.files import atomic_write  # noqa: E402
from tests.ports.idioms import Idiom  # noqa: E402

BEGIN = "<!-- compatibility table: written by scripts/compatibility_table.py from tests/ports/idioms.py -->"
END = "<!-- end of compatibility table -->"
MARK = {"same": "same result", "differs": "differs", "missing": "not supported"}


def cell(code: str) -> str:
    """A table cell showing code: one line, pipes escaped."""
    lines = [line.strip() for line in code.strip().splitlines() if line.strip()]
    if len(lines) > 3:  # a class definition: its first line and its last
        lines = [lines[0], "...", lines[-1]]
    return "<br>".join("`" + line.replace("|", "\\|") + "`" if line != "..." else "..." for line in lines)


def render(idioms: list[Idiom]) -> str:
    counts = {status: sum(i.status == status for i in idioms) for status in MARK}
    rows = [
        f"{len(idioms)} idioms: {counts['same']} give PyTorch's result, "
        f"{counts['differs']} differ on purpose, {counts['missing']} are not supported.",
        "",
        "| area | PyTorch code | tensorgrad | note |",
        "|---|---|---|---|",
    ]
    rows += [f"| {i.area} | {cell(i.code)} | {MARK[i.status]} | {i.note} |" for i in idioms]
    return "\n".join(rows)


def replace_table(text: str, table: str) -> str:
    if BEGIN not in text or END not in text:
        raise ValueError(f"the page has no table markers; add {BEGIN!r} and {END!r} where it goes")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{table}\n{END}{tail}"


def main() -> None:
    from tests.ports.idioms import IDIOMS

    guide = ROOT / "docs" / "porting-from-pytorch.md"
    atomic_write(guide, replace_table(guide.read_text(), render(IDIOMS)).encode(), op="compatibility_table")
    print(f"wrote the table of {len(IDIOMS)} idioms into {guide.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
