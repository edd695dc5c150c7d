"""A names corpus bundled with tensorgrad: 5,163 U.S. first names, for character-level models (makemore).

``names.txt`` (36,122 bytes, shipped in the package; no download) holds one lowercase name per line, a-z
only, each name once. It is made from the U.S. Census Bureau's 1990 first-name frequency files
``dist.female.first`` (4,275 names) and ``dist.male.first`` (1,219 names), which are in the public domain as a
work of the U.S. government; we took them, unchanged, from the PyPI package ``names`` 0.3.0 (MIT), whose
README says "Data in the following files are public domain (derived from 1990 Census data)". 331 names are
in both files. The order is most common first: by the name's percentage of the 1990 sample summed over the
two files, equal sums in the census files' order (female by rank, then male). ``scripts/make_names_corpus.py``
rebuilds the file from the census files and says how to get them.

``load_names(split)`` gives the names, or one part of Karpathy's makemore split: the list shuffled with
``seed`` and cut 80/10/10 (train = the first floor(0.8 n), val = up to floor(0.9 n), test = the rest).
"""

from __future__ import annotations

from importlib import resources

import numpy as np

SPLITS = ("train", "val", "test")


def load_names(split: str | None = None, seed: int = 42) -> list[str]:
    """The bundled names: all 5,163 in the file's order (``split=None``), or the ``"train"``, ``"val"`` or
    ``"test"`` part (4,130, 516 and 517 names).

    The parts come from one permutation of all names, ``np.random.default_rng(seed).permutation``, cut at
    floor(0.8 n) and floor(0.9 n) as makemore cuts its shuffled list: for one seed the three are disjoint
    and together hold every name. (makemore shuffles with Python's ``random.seed(42)``, so its parts of its
    own names file differ from these; the proportions and the fixed seed are the same.)

    >>> names = load_names()
    >>> len(names), names[:5]
    (5163, ['james', 'john', 'robert', 'michael', 'mary'])
    >>> [len(load_names(part)) for part in ("train", "val", "test")]
    [4130, 516, 517]
    """
    text = resources.files(__package__).joinpath("names.txt").read_text(encoding="ascii")
    names = text.split()
    if split is None:
        return names
    if split not in SPLITS:
        raise ValueError(f"load_names: split is 'train', 'val', 'test' or None (all names), got {split!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"load_names: seed is an int (the split must be the same every call), got {seed!r}")
    order = np.random.default_rng(seed).permutation(len(names))
    n1, n2 = int(0.8 * len(names)), int(0.9 * len(names))
    part = {"train": order[:n1], "val": order[n1:n2], "test": order[n2:]}[split]
    return [names[i] for i in part]
