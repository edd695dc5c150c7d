"""Where data set files live, and the message when they are not there.

The root folder is the ``root`` argument, else ``$TENSORGRAD_DATA``, else ``~/.cache/tensorgrad``. A data
set's files are looked for in ``root/<name>/`` (where downloads go) and then directly in ``root``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

ENVIRONMENT_VARIABLE = "TENSORGRAD_DATA"


def data_root(root: str | os.PathLike[str] | None = None) -> Path:
    """``root``, else ``$TENSORGRAD_DATA``, else ``~/.cache/tensorgrad`` (``~`` expanded)."""
    if root is None:
        root = os.environ.get(ENVIRONMENT_VARIABLE) or Path.home() / ".cache" / "tensorgrad"
    return Path(root).expanduser()


def candidates(root: Path, folder: str, names: Sequence[str]) -> list[Path]:
    """Every place a file may be, in the order they are tried: each name in ``root/folder``, then in
    ``root``."""
    return [place / name for place in (root / folder, root) for name in names]


def first_existing(paths: Sequence[Path], *, folders: bool = False) -> Path | None:
    """The first of ``paths`` that is a file (a folder with ``folders``), or None."""
    for path in paths:
        if path.is_dir() if folders else path.is_file():
            return path
    return None


def missing_message(op: str, what: str, looked: Sequence[Path], url: str, folder: Path) -> str:
    """The FileNotFoundError text: what is missing, every place looked, and how to get it."""
    places = "\n  ".join(str(p) for p in looked)
    return (
        f"{op}: cannot find {what}; looked in:\n  {places}\n"
        f"Pass download=True to fetch it (checksum verified), or download {url} by hand into {folder}/"
    )
