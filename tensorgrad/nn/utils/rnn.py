"""Padded and packed batches of sequences of different lengths (PyTorch's ``torch.nn.utils.rnn``).

A batch of sentences has sentences of different lengths. Two layouts carry them:

- **padded**: one tensor (T, N, *) (``batch_first``: (N, T, *)), T the longest length, the rest of each
  shorter sequence filled with ``padding_value`` (``pad_sequence``);
- **packed**: a ``PackedSequence`` whose ``data`` (sum of the lengths, *) holds the real steps only, time
  step by time step: the first step of every sequence, then the second step of every sequence that has
  one, and so on, the sequences ordered longest first; ``batch_sizes[t]`` says how many sequences have a
  step t. ``sorted_indices`` maps that order to the batch's (``None`` when the batch came sorted,
  ``enforce_sorted=True``), ``unsorted_indices`` back.

``nn.RNN``, ``nn.LSTM`` and ``nn.GRU`` take a ``PackedSequence`` and return one: each sequence then runs for
its own length only, so its final state ``h_n`` is the state after its last real step (and, in the reverse
direction, the first step it reads is its last real one), as in PyTorch. Every function here is made of
differentiable indexing, so gradients flow back to the padded input.

    packed = pack_padded_sequence(embedded, lengths, batch_first=True, enforce_sorted=False)
    output, h_n = gru(packed)
    output, lengths = pad_packed_sequence(output, batch_first=True)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from ...ops.shape import cat, getitem, transpose
from ...tensor import Tensor, operand, wrap


class PackedSequence(NamedTuple):
    """A packed batch of sequences (see the module docstring): ``data`` (sum of lengths, *), ``batch_sizes``
    (T,) int64, ``sorted_indices`` and ``unsorted_indices`` (N,) int64 or None. Build one with
    ``pack_padded_sequence`` or ``pack_sequence``, not by hand."""

    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None = None
    unsorted_indices: Tensor | None = None

    def to(self, *args: Any, **kwargs: Any) -> PackedSequence:
        """The same packing with ``data.to(...)`` (a dtype; devices are all the CPU)."""
        return self._replace(data=self.data.to(*args, **kwargs))

    def float(self) -> PackedSequence:
        return self._replace(data=self.data.float())

    def double(self) -> PackedSequence:
        return self._replace(data=self.data.double())

    def cpu(self) -> PackedSequence:
        return self

    @property
    def is_cuda(self) -> bool:
        return False

    def is_pinned(self) -> bool:
        return False


def pad_sequence(
    sequences: Sequence[Any],
    batch_first: bool = False,
    padding_value: float = 0.0,
    padding_side: str = "right",
) -> Tensor:
    """The sequences (each (L_i, *)) as one padded tensor (T, N, *) (``batch_first``: (N, T, *)), T the
    longest L_i, filled with ``padding_value`` after each sequence (``padding_side="left"``: before it)."""
    if isinstance(sequences, Tensor):
        sequences = list(sequences)
    tensors = [operand(s) for s in sequences]
    if not tensors:
        raise ValueError("pad_sequence: received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise ValueError(f"pad_sequence: padding_side must be 'left' or 'right', got {padding_side!r}")
    for i, t in enumerate(tensors):
        if t.ndim == 0 or t.shape[1:] != tensors[0].shape[1:]:
            raise ValueError(
                f"pad_sequence: every sequence must be (L_i, *) with the same trailing shape; sequence 0 has "
                f"shape {tensors[0].shape}, sequence {i} has shape {t.shape}"
            )
    lengths = np.array([t.shape[0] for t in tensors], np.int64)
    longest = int(lengths.max())
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    steps = np.arange(longest)[:, None]  # (T, 1) against (N,)
    shift = longest - lengths if padding_side == "left" else np.zeros_like(lengths)
    real = (steps >= shift) & (steps < shift + lengths)
    rows = np.where(real, starts + steps - shift, lengths.sum())  # the padding row comes last
    padded = _rows(cat(tensors, 0), rows, padding_value)
    return transpose(padded, 0, 1) if batch_first else padded


def pack_padded_sequence(
    input: Any, lengths: Any, batch_first: bool = False, enforce_sorted: bool = True
) -> PackedSequence:
    """A ``PackedSequence`` of the padded batch ``input`` (T, N, *) (``batch_first``: (N, T, *)) whose
    sequence i has ``lengths[i]`` real steps. With ``enforce_sorted`` the lengths must come longest first;
    otherwise the batch is sorted here and ``sorted_indices`` records how."""
    x = operand(input)
    if x.ndim < 2:
        raise ValueError(f"pack_padded_sequence: input must be at least 2-D (T, N, *), got shape {x.shape}")
    if batch_first:
        x = transpose(x, 0, 1)
    steps, batch = x.shape[0], x.shape[1]
    lengths = _lengths(lengths, "pack_padded_sequence")
    if lengths.shape != (batch,):
        raise ValueError(
            f"pack_padded_sequence: expected one length per sequence, len(lengths) = {batch} (the batch "
            f"size of input of shape {tuple(operand(input).shape)}, batch_first={batch_first}), got "
            f"{lengths.shape[0] if lengths.ndim == 1 else lengths.shape}"
        )
    if (lengths <= 0).any():
        raise RuntimeError(
            f"pack_padded_sequence: Length of all samples has to be greater than 0, but found an element in "
            f"'lengths' that is <= 0 (lengths {lengths.tolist()})"
        )
    if lengths.max() > steps:
        raise RuntimeError(
            f"pack_padded_sequence: a length ({lengths.max()}) is longer than the input's {steps} time steps "
            f"(input of shape {tuple(operand(input).shape)}, batch_first={batch_first})"
        )
    if enforce_sorted:
        if (np.diff(lengths) > 0).any():
            raise RuntimeError(
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can "
                "pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this "
                f"requirement if you do not need ONNX exportability (lengths {lengths.tolist()})"
            )
        order = None
    else:
        order = np.argsort(-lengths, kind="stable")
        lengths = lengths[order]
    batch_sizes = (lengths[None, :] > np.arange(lengths[0])[:, None]).sum(1)
    step, position = _packed_positions(batch_sizes)
    data = getitem(x, (step, position if order is None else order[position]))
    return PackedSequence(
        data,
        wrap(batch_sizes.astype(np.int64)),
        None if order is None else wrap(order.astype(np.int64)),
        None if order is None else wrap(np.argsort(order).astype(np.int64)),
    )


def pad_packed_sequence(
    sequence: PackedSequence,
    batch_first: bool = False,
    padding_value: float = 0.0,
    total_length: int | None = None,
) -> tuple[Tensor, Tensor]:
    """The padded batch (T, N, *) (``batch_first``: (N, T, *)) of a ``PackedSequence``, in the batch's own
    order, and each sequence's length (int64). ``total_length`` pads to that many steps instead of the
    longest length (to undo a ``pack_padded_sequence`` of a longer padded batch)."""
    if not isinstance(sequence, PackedSequence):
        raise TypeError(f"pad_packed_sequence: expected a PackedSequence, got {type(sequence).__name__}")
    padded, lengths = padded_sorted(sequence, padding_value)
    if total_length is not None:
        if total_length < padded.shape[0]:
            raise ValueError(
                f"Expected total_length to be at least the length of the longest sequence in input, but got "
                f"total_length={total_length} and max sequence length being {padded.shape[0]}"
            )
        filler = wrap(
            np.full((total_length - padded.shape[0], *padded.shape[1:]), padding_value, padded.dtype)
        )
        padded = cat([padded, filler], 0)
    if sequence.unsorted_indices is not None:
        back = sequence.unsorted_indices.numpy()
        padded, lengths = getitem(padded, (slice(None), back)), lengths[back]
    padded = transpose(padded, 0, 1) if batch_first else padded
    return padded, wrap(lengths.astype(np.int64))


def pack_sequence(sequences: Sequence[Any], enforce_sorted: bool = True) -> PackedSequence:
    """``pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)``."""
    lengths = [operand(s).shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpad_sequence(padded_sequences: Any, lengths: Any, batch_first: bool = False) -> list[Tensor]:
    """The sequences of a padded batch, each cut to its length: the inverse of ``pad_sequence``."""
    padded = operand(padded_sequences)
    if not batch_first:
        padded = transpose(padded, 0, 1)
    return [padded[i, : int(n)] for i, n in enumerate(_lengths(lengths, "unpad_sequence"))]


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """The sequences of a ``PackedSequence``, in the batch's order: the inverse of ``pack_sequence``."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)


# ---------------------------------------------------------------------------- for the recurrent layers
def padded_sorted(sequence: PackedSequence, padding_value: float = 0.0) -> tuple[Tensor, np.ndarray]:
    """A packed batch as a padded (T, N, *) tensor in the packed (longest first) order, and the lengths."""
    batch_sizes = _lengths(sequence.batch_sizes, "pad_packed_sequence")
    step, position = _packed_positions(batch_sizes)
    rows = np.full((len(batch_sizes), int(batch_sizes[0])), len(step))  # the padding row comes last
    rows[step, position] = np.arange(len(step))
    lengths = (batch_sizes[None, :] > np.arange(batch_sizes[0])[:, None]).sum(1)
    return _rows(operand(sequence.data), rows, padding_value), lengths


def packed_data(padded: Tensor, batch_sizes: Any) -> Tensor:
    """The real steps of a padded (T, N, *) batch in the packed order: a ``PackedSequence``'s data."""
    return getitem(padded, _packed_positions(_lengths(batch_sizes, "PackedSequence")))


def _packed_positions(batch_sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(time step, position in the sorted batch) of every row of packed data."""
    step = np.repeat(np.arange(len(batch_sizes)), batch_sizes)
    starts = np.concatenate([[0], np.cumsum(batch_sizes)[:-1]])
    return step, np.arange(len(step)) - np.repeat(starts, batch_sizes)


def _rows(rows_data: Tensor, rows: np.ndarray, padding_value: float) -> Tensor:
    """``rows_data`` (R, *) with one padding row appended, read at the (T, N) row numbers ``rows`` (R picks
    the padding row): differentiable, the padding row a constant."""
    filler = wrap(np.full((1, *rows_data.shape[1:]), padding_value, rows_data.dtype))
    return getitem(cat([rows_data, filler], 0), rows)


def _lengths(lengths: Any, op: str) -> np.ndarray:
    """Lengths (a list, a numpy array or an integer tensor) as a 1-D int64 numpy array."""
    array = np.asarray(lengths.numpy() if isinstance(lengths, Tensor) else lengths)
    if array.ndim != 1 or (array.size and array.dtype.kind not in "iu"):
        raise ValueError(
            f"{op}: lengths must be a 1-D sequence of integers, got {array.dtype} of shape {array.shape}"
        )
    return array.astype(np.int64)
