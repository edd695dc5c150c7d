"""Character-level text data: a vocabulary, (context, next character) examples and blocks of a long text.

- ``CharVocabulary(texts)``: characters <-> ids. For word lists (makemore) a boundary token, ``"."`` unless
  told otherwise, has id 0 and marks where a word starts and ends; the other characters follow, sorted.
- ``CharContextDataset(words, block_size)``: makemore's dataset for bigram and MLP models. Each word is
  padded with ``block_size`` boundary tokens on the left and one on the right; every position gives one
  example (the ``block_size`` ids before it, the id there). "emma" with block_size 3 gives
  ``... -> e``, ``..e -> m``, ``.em -> m``, ``emm -> a``, ``mma -> .``: len(word) + 1 examples per word.
- ``CharBlockDataset(text, block_size)``: nanoGPT's data for sequence models. Example i is
  ``x = ids[s : s + T]``, ``y = ids[s + 1 : s + T + 1]`` (y is x shifted by one character) for the start
  s = i * stride; stride 1 gives every start, stride T non-overlapping blocks.

Both are Datasets of int64 Tensors with a batched ``__getitems__``, so ``DataLoader`` stacks a batch with one
fancy index, and both have ``get_batch(batch_size, generator=)``: a random batch drawn with replacement, as
makemore's ``torch.randint`` minibatches and nanoGPT's ``get_batch`` draw them.

>>> from tensorgrad.data import load_names
>>> words = load_names()
>>> vocab = CharVocabulary(words)
>>> len(vocab), vocab.itos[0], vocab.encode("emma")
(27, '.', [5, 13, 13, 1])
>>> train = CharContextDataset(load_names("train"), block_size=3, vocab=vocab)
>>> train.X.shape, train.Y.shape, train.X.dtype
((28883, 3), (28883,), dtype('int64'))
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ..random import Generator, numpy_generator
from ..tensor import Tensor, wrap
from .dataset import Dataset, TensorDataset
from .loader import to_tensors


class CharVocabulary:
    """The characters of ``texts`` (a string, or an iterable of strings such as a list of words) and their
    ids: the ``boundary`` token first (id 0; ``None`` for none, as for one long text), then every character
    that occurs, sorted by code point.

    ``stoi`` maps characters to ids and ``itos`` ids to characters (dicts, as in makemore); ``len(vocab)`` is
    the number of ids. ``encode(text)`` gives a list of ids, ``decode(ids)`` the string back. A character
    outside the vocabulary raises a ``KeyError`` naming it. The boundary must not occur in the texts (it
    would mean two things): choose another one, or ``boundary=None``.

    >>> vocab = CharVocabulary(["emma", "ava"])
    >>> vocab.stoi
    {'.': 0, 'a': 1, 'e': 2, 'm': 3, 'v': 4}
    >>> vocab.encode("mave"), vocab.decode([3, 1, 4, 2, 0])
    ([3, 1, 4, 2], 'mave.')
    >>> CharVocabulary("hello world", boundary=None).itos
    {0: ' ', 1: 'd', 2: 'e', 3: 'h', 4: 'l', 5: 'o', 6: 'r', 7: 'w'}
    """

    def __init__(self, texts: str | Iterable[str], boundary: str | None = ".") -> None:
        if boundary is not None and (not isinstance(boundary, str) or len(boundary) != 1):
            raise ValueError(f"CharVocabulary: boundary is one character or None, got {boundary!r}")
        texts = [texts] if isinstance(texts, str) else list(texts)
        bad = next((t for t in texts if not isinstance(t, str)), None)
        if bad is not None:
            raise TypeError(f"CharVocabulary: texts are strings, got a {type(bad).__name__}: {bad!r}")
        chars = sorted(set().union(*texts))
        if boundary is not None and boundary in chars:
            raise ValueError(
                f"CharVocabulary: the boundary {boundary!r} occurs in the texts; pass another boundary= "
                f"(one character that does not occur) or boundary=None"
            )
        if boundary is None and not chars:
            raise ValueError("CharVocabulary: the texts have no characters and there is no boundary token")
        self.boundary = boundary
        self.itos: dict[int, str] = dict(enumerate(([boundary] if boundary is not None else []) + chars))
        self.stoi: dict[str, int] = {c: i for i, c in self.itos.items()}
        # encode's lookup table: the code points in increasing order, and the id of each
        by_code = sorted((ord(c), i) for c, i in self.stoi.items())
        self._codes = np.array([code for code, _ in by_code], dtype=np.int64)
        self._ids = np.array([i for _, i in by_code], dtype=np.int64)
        self._chars = np.array(list(self.itos.values()))  # decode's: the character of each id

    @property
    def boundary_id(self) -> int | None:
        """The boundary token's id (0), or None when the vocabulary has none."""
        return None if self.boundary is None else 0

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, char: object) -> bool:
        return char in self.stoi

    def __repr__(self) -> str:
        chars = "".join(self.itos.values())
        shown = chars if len(chars) <= 40 else chars[:37] + "..."
        return f"CharVocabulary({len(self)} chars {shown!r}, boundary={self.boundary!r})"

    def encode(self, text: str) -> list[int]:
        """The ids of the characters of ``text``, in order."""
        return self.encode_array(text).tolist()

    def encode_array(self, text: str) -> np.ndarray:
        """``encode`` as an int64 numpy array (one lookup for the whole text: fast for a long one)."""
        if not isinstance(text, str):
            raise TypeError(f"CharVocabulary.encode: expects a str, got {type(text).__name__}")
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        where = np.searchsorted(self._codes, codes).clip(max=len(self._codes) - 1)
        known = self._codes[where] == codes
        if not known.all():
            position = int(np.argmin(known))
            char = text[position]
            raise KeyError(
                f"CharVocabulary.encode: the character {char!r} (U+{ord(char):04X}, at position {position}) "
                f"is not in the vocabulary of {len(self)} characters"
            )
        return self._ids[where]

    def decode(self, ids: Any) -> str:
        """The string of the ids ``ids``: one sequence, a list, numpy array or Tensor of ints (0-d or 1-d)."""
        array = np.asarray(ids.array if isinstance(ids, Tensor) else ids)
        if array.size and array.dtype.kind not in "iu":
            raise TypeError(f"CharVocabulary.decode: ids are integers, got {array.dtype}")
        if array.ndim > 1:
            raise ValueError(
                f"CharVocabulary.decode: decodes one sequence (0-d or 1-d ids), got shape {array.shape}; "
                f"for a batch, decode each row: [vocab.decode(row) for row in ids]"
            )
        array = array.reshape(-1).astype(np.int64)
        outside = (array < 0) | (array >= len(self))
        if outside.any():
            raise KeyError(
                f"CharVocabulary.decode: id {int(array[outside][0])} is not in the vocabulary "
                f"(ids 0 .. {len(self) - 1})"
            )
        return "".join(self._chars[array].tolist())


def _check_block_size(op: str, block_size: Any) -> int:
    if isinstance(block_size, bool) or not isinstance(block_size, (int, np.integer)) or block_size < 1:
        raise ValueError(f"{op}: block_size is an int >= 1, got {block_size!r}")
    return int(block_size)


def _check_no_boundary(op: str, words: list[str], boundary: str) -> None:
    """Refuse a word holding the boundary character: its end would be indistinguishable from a word's."""
    for word in words:
        if not isinstance(word, str):
            raise TypeError(f"{op}: words are strings, got a {type(word).__name__}: {word!r}")
        if boundary in word:
            raise ValueError(
                f"{op}: the word {word!r} contains the boundary token {boundary!r}; build the vocabulary "
                f"with another boundary="
            )


def _random_batch(dataset: Any, batch_size: int, generator: Generator | None) -> tuple[Tensor, Tensor]:
    """``batch_size`` examples of ``dataset`` drawn uniformly with replacement, stacked as Tensors."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"get_batch: batch_size is an int >= 1, got {batch_size!r}")
    indices = numpy_generator(generator).integers(0, len(dataset), size=int(batch_size))
    return to_tensors(dataset.__getitems__(indices))


class CharContextDataset(TensorDataset):
    """makemore's (context, next character) examples of ``words``: item i is ``(x, y)``, an int64 Tensor of
    the ``block_size`` previous ids and a 0-d int64 Tensor of the next id (the boundary id after the word's
    last character). Examples run word by word, position by position (len(word) + 1 per word).

    ``X`` (n, block_size) and ``Y`` (n,) are all examples at once, int64 Tensors, for full-batch training
    (``logits = model(ds.X)``; ``loss = F.cross_entropy(logits, ds.Y)``). ``vocab`` is a ``CharVocabulary``
    with a boundary token; by default one built from ``words`` (give the same one to the train, val and test
    sets so their ids agree).

    >>> ds = CharContextDataset(["emma"], block_size=3)
    >>> [ds.vocab.decode(x) + " -> " + ds.vocab.decode(y) for x, y in (ds[i] for i in range(len(ds)))]
    ['... -> e', '..e -> m', '.em -> m', 'emm -> a', 'mma -> .']
    >>> ds.X.tolist(), ds.Y.tolist()
    ([[0, 0, 0], [0, 0, 2], [0, 2, 3], [2, 3, 3], [3, 3, 1]], [2, 3, 3, 1, 0])
    """

    def __init__(
        self, words: Iterable[str], block_size: int = 3, vocab: CharVocabulary | None = None
    ) -> None:
        k = _check_block_size("CharContextDataset", block_size)
        words = [words] if isinstance(words, str) else list(words)
        vocab = CharVocabulary(words) if vocab is None else vocab
        if vocab.boundary is None:
            raise ValueError(
                "CharContextDataset: the vocabulary has no boundary token to pad words with; build it with "
                "CharVocabulary(words) (boundary '.') or another boundary="
            )
        if not words:
            raise ValueError("CharContextDataset: give at least one word")
        _check_no_boundary("CharContextDataset", words, vocab.boundary)
        ids = vocab.encode_array("".join(words))  # checks every character once
        lengths = np.array([len(w) for w in words], dtype=np.int64)
        # word w laid out as k boundary ids, its ids, one boundary id: all words one after another, each
        # character moved right by the (k + 1) pads of the words before it and the k pads of its own
        word_of_char = np.repeat(np.arange(len(words)), lengths)
        padded = np.zeros(len(ids) + len(words) * (k + 1), dtype=np.int64)  # the boundary id is 0
        padded[np.arange(len(ids)) + word_of_char * (k + 1) + k] = ids
        # example e of word w is the window of k + 1 ids starting at e + w k (the k pads before it)
        word_of_example = np.repeat(np.arange(len(words)), lengths + 1)
        starts = np.arange(len(word_of_example)) + word_of_example * k
        windows = np.lib.stride_tricks.sliding_window_view(padded, k + 1)[starts]
        super().__init__(np.ascontiguousarray(windows[:, :k]), np.ascontiguousarray(windows[:, k]))
        self.vocab = vocab
        self.block_size = k
        self.words = words

    @property
    def X(self) -> Tensor:
        """All contexts, an int64 Tensor (n, block_size) sharing the dataset's memory."""
        return wrap(self.arrays[0])

    @property
    def Y(self) -> Tensor:
        """All next ids, an int64 Tensor (n,) sharing the dataset's memory."""
        return wrap(self.arrays[1])

    def get_batch(self, batch_size: int, generator: Generator | None = None) -> tuple[Tensor, Tensor]:
        """A random minibatch ``(x (B, block_size), y (B,))``: ``batch_size`` examples drawn uniformly with
        replacement (makemore's ``ix = torch.randint(0, X.shape[0], (32,))``), from ``generator`` (a
        ``tg.Generator``) or else tensorgrad's default generator (``tg.manual_seed`` fixes it)."""
        return _random_batch(self, batch_size, generator)

    def __repr__(self) -> str:
        return (
            f"CharContextDataset({len(self)} examples from {len(self.words)} words, "
            f"block_size={self.block_size}, vocab of {len(self.vocab)})"
        )


class CharBlockDataset(Dataset):
    """nanoGPT's blocks of one long text: item i is ``(x, y)``, int64 Tensors of shape (block_size,) with
    ``x = ids[s : s + block_size]`` and ``y = ids[s + 1 : s + block_size + 1]``, s = i * stride.

    ``text`` is a string, or a list of words joined into one (boundary, word, boundary, word, ...,
    boundary: ``".emma.ava."``) so a model sees where each word starts and ends. ``vocab`` is a
    ``CharVocabulary``; by default one built from the text (no boundary token for a string, ``"."`` for
    words). ``stride=1`` gives every start, len(ids) - block_size examples; ``stride=block_size`` gives
    non-overlapping blocks. ``ids`` is the whole encoded text, an int64 Tensor. ``get_batch(B)`` draws B of
    the examples at random as a (B, block_size) pair, nanoGPT's ``get_batch``.

    >>> ds = CharBlockDataset("hello", block_size=3)
    >>> [(ds.vocab.decode(x), ds.vocab.decode(y)) for x, y in (ds[i] for i in range(len(ds)))]
    [('hel', 'ell'), ('ell', 'llo')]
    >>> len(CharBlockDataset("abcdefghij", block_size=3, stride=3))
    3
    """

    def __init__(
        self,
        text: str | Iterable[str],
        block_size: int,
        stride: int = 1,
        vocab: CharVocabulary | None = None,
    ) -> None:
        k = _check_block_size("CharBlockDataset", block_size)
        if isinstance(stride, bool) or not isinstance(stride, (int, np.integer)) or stride < 1:
            raise ValueError(f"CharBlockDataset: stride is an int >= 1, got {stride!r}")
        if isinstance(text, str):
            vocab = CharVocabulary(text, boundary=None) if vocab is None else vocab
        else:
            words = list(text)
            vocab = CharVocabulary(words) if vocab is None else vocab
            if vocab.boundary is None:
                raise ValueError(
                    "CharBlockDataset: words are joined with the vocabulary's boundary token, and this "
                    "vocabulary has none; give CharVocabulary(words) (boundary '.'), or one string"
                )
            _check_no_boundary("CharBlockDataset", words, vocab.boundary)
            text = vocab.boundary + vocab.boundary.join(words) + vocab.boundary
        ids = vocab.encode_array(text)
        if len(ids) < k + 1:
            raise ValueError(
                f"CharBlockDataset: the text has {len(ids)} characters; a block of {k} and its target "
                f"(shifted by one) need at least {k + 1}"
            )
        self.vocab = vocab
        self.block_size = k
        self.stride = int(stride)
        self._ids = ids
        self._starts = np.arange(0, len(ids) - k, self.stride, dtype=np.int64)
        self._offsets = np.arange(k, dtype=np.int64)

    @property
    def ids(self) -> Tensor:
        """The whole text's ids, an int64 Tensor (nanoGPT's ``data``)."""
        return wrap(self._ids)

    def __len__(self) -> int:
        return len(self._starts)

    def __getitem__(self, index: int) -> tuple[Tensor, Tensor]:
        start = int(self._starts[index])
        return wrap(self._ids[start : start + self.block_size]), wrap(
            self._ids[start + 1 : start + self.block_size + 1]
        )

    def __getitems__(self, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The blocks at ``indices`` as two (B, block_size) int64 arrays (one fancy index each)."""
        rows = self._starts[indices][:, None] + self._offsets
        return self._ids[rows], self._ids[rows + 1]

    def get_batch(self, batch_size: int, generator: Generator | None = None) -> tuple[Tensor, Tensor]:
        """A random batch ``(x, y)``, each (batch_size, block_size): examples drawn uniformly with
        replacement from ``generator`` (a ``tg.Generator``) or else tensorgrad's default generator. With
        stride 1 that is nanoGPT's ``torch.randint(len(data) - block_size, (batch_size,))``."""
        return _random_batch(self, batch_size, generator)

    def __repr__(self) -> str:
        return (
            f"CharBlockDataset({len(self)} blocks of {self.block_size} from {len(self._ids)} characters, "
            f"stride={self.stride}, vocab of {len(self.vocab)})"
        )
