"""Downloads that are verified before they exist: a file is either complete and correct, or absent.

``download(url, path, md5=..., sha256=...)`` streams the response into a temporary file in ``path``'s
folder (``tensorgrad.files.atomic_write``), hashing as it goes; it checks the byte count against
Content-Length and the checksums against the expected ones, and only then renames the file into place.
On any failure (HTTP error, refused connection, timeout, a body cut short, a checksum mismatch) it raises
one ``DownloadError`` naming the URL and what went wrong, and leaves no partial or temporary file. A file
already at ``path`` with the right checksum is not fetched again.

``Resource`` is one entry of a data set's resources table (file name, md5, mirror base URLs);
``fetch(resource, folder)`` tries the mirrors in order.
"""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..files import atomic_write

CHUNK = 1 << 20  # bytes read at a time


class DownloadError(OSError):
    """A download failed; the message names the URL and the reason."""


@dataclass(frozen=True)
class Resource:
    """A file of a data set: its name, its md5 checksum, and base URLs it can be fetched from
    (``mirror + filename``), tried in order."""

    filename: str
    md5: str
    mirrors: tuple[str, ...]

    @property
    def urls(self) -> list[str]:
        return [mirror + self.filename for mirror in self.mirrors]


def download(
    url: str,
    path: str | os.PathLike[str],
    md5: str | None = None,
    sha256: str | None = None,
    timeout: float = 30,
) -> Path:
    """Fetch ``url`` into ``path`` (folders created as needed), verified; return the path.

    If ``path`` already exists and matches the given checksums (or no checksum is given), nothing is
    fetched. Raises ``DownloadError`` and leaves nothing behind when anything goes wrong.
    """
    import http.client  # imported here: urllib and http take ~20 ms to import, and most runs never download
    import urllib.error
    import urllib.request

    path = Path(path)
    expected = {name: value.lower() for name, value in (("md5", md5), ("sha256", sha256)) if value}
    if path.is_file() and all(file_digest(path, name) == value for name, value in expected.items()):
        return path
    path.parent.mkdir(parents=True, exist_ok=True)

    def write(file: BinaryIO) -> None:
        hashes = {name: hashlib.new(name) for name in expected}
        request = urllib.request.Request(url, headers={"User-Agent": "tensorgrad"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            received = 0
            while chunk := response.read(CHUNK):
                file.write(chunk)
                received += len(chunk)
                for digest in hashes.values():
                    digest.update(chunk)
        if length is not None and received != int(length):
            raise DownloadError(f"download: {url} was cut short: got {received} of {length} bytes")
        for name, value in expected.items():
            got = hashes[name].hexdigest()
            if got != value:
                raise DownloadError(
                    f"download: checksum mismatch for {url}: expected {name} {value}, got {got}"
                )

    try:
        atomic_write(path, write, op="download")
    except DownloadError:
        raise
    except urllib.error.HTTPError as err:
        raise DownloadError(f"download: {url} answered HTTP {err.code} {err.reason}") from None
    except urllib.error.URLError as err:
        raise DownloadError(f"download: cannot reach {url} ({err.reason})") from None
    except (OSError, http.client.HTTPException, ValueError) as err:
        raise DownloadError(f"download: fetching {url} failed ({type(err).__name__}: {err})") from None
    return path


def fetch(resource: Resource, folder: str | os.PathLike[str], timeout: float = 30) -> Path:
    """Download ``resource`` into ``folder`` from its first mirror that works (md5 verified).

    Raises ``DownloadError`` listing every mirror's failure when none works.
    """
    if not resource.mirrors:
        raise ValueError(f"fetch: {resource.filename} has no mirror to fetch it from")
    failures = []
    for url in resource.urls:
        print(f"downloading {url} into {folder}", file=sys.stderr)
        try:
            return download(url, Path(folder) / resource.filename, md5=resource.md5, timeout=timeout)
        except DownloadError as err:
            failures.append(str(err))
    raise DownloadError(
        f"download: could not get {resource.filename} from any mirror:\n  " + "\n  ".join(failures)
    )


def file_digest(path: str | os.PathLike[str], algorithm: str = "md5") -> str:
    """The hex digest of a file's bytes (read in chunks)."""
    digest = hashlib.new(algorithm)
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
