"""The README's Python examples run as written, and print what the README says they print."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)


def test_the_readme_has_its_examples():
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example_runs(index, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # the examples write files (xor.npz, mlp-backward.svg) here
    exec(compile(BLOCKS[index], f"README.md example {index + 1}", "exec"), {"__name__": "__readme__"})
    out = capsys.readouterr().out
    for expected in re.findall(r"# (tensor\(.*\))$", BLOCKS[index], re.M):
        assert expected in out
    for written in re.findall(r'save\([^"]*"([^"]+)"\)', BLOCKS[index]):
        assert (tmp_path / written).stat().st_size > 0


def test_the_readme_picture_is_what_its_example_draws(tmp_path, monkeypatch):
    block = next(b for b in BLOCKS if "mlp-backward.svg" in b)
    monkeypatch.chdir(tmp_path)
    exec(compile(block, "README.md picture example", "exec"), {"__name__": "__readme__"})
    committed = (README.parent / "docs" / "images" / "mlp-backward.svg").read_text()
    drawn = (tmp_path / "mlp-backward.svg").read_text()
    texts = re.compile(r"<text[^>]*>([^<]*)</text>")
    assert texts.findall(drawn) == texts.findall(committed)  # the same boxes, values and gradients
