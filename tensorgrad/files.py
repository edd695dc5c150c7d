"""Writing files safely: complete or not at all.

``atomic_write`` writes into a temporary file in the destination's folder, flushes it to disk, gives it the
permissions a new file would get (the umask), and only then renames it over the destination. A crash or an
error midway leaves the old file (if any) and no temporary file behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def atomic_write(path: str | os.PathLike[str], data: bytes | Callable[[BinaryIO], None], *, op: str) -> None:
    """Write ``data`` (bytes, or a function that writes into the open binary file) to ``path``.

    ``op`` names the caller in errors (``save: the folder /x does not exist``).
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"{op}: the folder {path.parent} does not exist")
    if path.is_dir():
        raise IsADirectoryError(f"{op}: {path} is a folder; give a file name")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except PermissionError:
        raise PermissionError(
            f"{op}: cannot write into the folder {path.parent} (permission denied)"
        ) from None
    try:
        with os.fdopen(handle, "wb") as file:
            if isinstance(data, (bytes, bytearray)):
                file.write(data)
            else:
                data(file)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, _file_mode())  # mkstemp makes it private (0600); a new file follows the umask
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _file_mode() -> int:
    """The permissions a newly created file gets: 0666 less the process's umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
