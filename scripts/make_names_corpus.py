"""Write ``tensorgrad/data/datasets/names.txt`` from the U.S. Census Bureau's 1990 first-name files.

The source is ``dist.female.first`` and ``dist.male.first`` (public domain, a work of the U.S. government),
as shipped unchanged by the PyPI package ``names`` 0.3.0 (MIT; its README: "Data in the following files are
public domain (derived from 1990 Census data)"). To rebuild the corpus::

    pip download names==0.3.0 --no-deps -d /tmp/namespkg
    tar xzf /tmp/namespkg/names-0.3.0.tar.gz -C /tmp/namespkg
    python scripts/make_names_corpus.py /tmp/namespkg/names-0.3.0/names

Each line of a census file is ``NAME  percent  cumulative-percent  rank``. The corpus is every name of the
two files once, lowercase, most common first: sorted by the name's percentage summed over the two files
(a name in both counts its female and male shares), descending; equal sums keep the files' own order
(the female file's names by rank, then the male file's new names by rank), as a stable sort does.
"""

from __future__ import annotations

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tensorgrad.files import atomic_write  # noqa: E402

TARGET = ROOT / "tensorgrad" / "data" / "datasets" / "names.txt"
SOURCES = ("dist.female.first", "dist.male.first")


def read_census(path: pathlib.Path) -> list[tuple[str, float]]:
    """(name, percent) per line, in the file's rank order; fails on anything but A-Z names."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="ascii").splitlines(), start=1):
        fields = line.split()
        if len(fields) != 4 or not re.fullmatch(r"[A-Z]+", fields[0]) or int(fields[3]) != number:
            raise ValueError(f"{path.name}:{number}: unexpected line {line!r}")
        rows.append((fields[0].lower(), float(fields[1])))
    return rows


def corpus(folder: pathlib.Path) -> list[str]:
    share: dict[str, float] = {}  # insertion order: female by rank, then new male names by rank
    for source in SOURCES:
        for name, percent in read_census(folder / source):
            share[name] = share.get(name, 0.0) + percent
    return sorted(share, key=lambda name: -round(share[name], 3))  # stable: ties keep the files' order


def main(argv: list[str]) -> None:
    if len(argv) != 1:
        raise SystemExit("usage: python scripts/make_names_corpus.py FOLDER_WITH_dist.*.first")
    names = corpus(pathlib.Path(argv[0]))
    atomic_write(TARGET, "".join(f"{name}\n" for name in names).encode("ascii"), op="make_names_corpus")
    print(f"{TARGET.relative_to(ROOT)}: {len(names)} names, {TARGET.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
