"""``torch.testing``: ``assert_close`` with PyTorch's default tolerances and messages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .tensor import Tensor

#: PyTorch's default (rtol, atol) by dtype; integers and bool compare exactly
TOLERANCES = {
    np.dtype(np.float16): (1e-3, 1e-5),
    np.dtype(np.float32): (1.3e-6, 1e-5),
    np.dtype(np.float64): (1e-7, 1e-7),
}


def assert_close(
    actual: Any,
    expected: Any,
    *,
    rtol: float | None = None,
    atol: float | None = None,
    equal_nan: bool = False,
    check_dtype: bool = True,
    msg: str | None = None,
) -> None:
    """Raise AssertionError unless |actual - expected| <= atol + rtol * |expected| everywhere, as
    ``torch.testing.assert_close``: tensors (same shape and, with ``check_dtype``, dtype), Python numbers, or
    sequences and mappings of them. Default tolerances by dtype: float32 rtol 1.3e-6 atol 1e-5, float64
    rtol 1e-7 atol 1e-7, float16 rtol 1e-3 atol 1e-5, integers exact. NaNs match only with ``equal_nan``."""
    if (rtol is None) != (atol is None):
        raise ValueError("assert_close: give both rtol and atol, or neither")
    if isinstance(actual, Tensor) and isinstance(expected, Tensor):
        _compare(actual.numpy(), expected.numpy(), rtol, atol, equal_nan, check_dtype, msg, "Tensor-likes")
    elif _is_number(actual) and _is_number(expected):
        a, e = np.asarray(actual), np.asarray(expected)
        if type(actual) is not type(expected):
            raise AssertionError(
                msg or f"The values for attribute 'type' do not match: {type(actual)} != {type(expected)}."
            )
        tolerance = (1e-7, 1e-7) if isinstance(actual, float) else (0.0, 0.0)
        _compare(a, e, rtol, atol, equal_nan, False, msg, "Scalars", tolerance)
    elif isinstance(actual, Mapping) and isinstance(expected, Mapping):
        if set(actual) != set(expected):
            raise AssertionError(
                msg or f"The keys differ: {sorted(map(str, actual))} != {sorted(map(str, expected))}"
            )
        for key in actual:
            assert_close(
                actual[key],
                expected[key],
                rtol=rtol,
                atol=atol,
                equal_nan=equal_nan,
                check_dtype=check_dtype,
                msg=msg,
            )
    elif _is_sequence(actual) and _is_sequence(expected):
        if len(actual) != len(expected):
            raise AssertionError(
                msg or f"The length of the sequences mismatch: {len(actual)} != {len(expected)}"
            )
        for a, e in zip(actual, expected):
            assert_close(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan, check_dtype=check_dtype, msg=msg)
    else:
        raise TypeError(
            f"No comparison pair was able to handle inputs of type {type(actual)} and {type(expected)}."
        )


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float, bool, np.number, np.bool_))


def _is_sequence(x: Any) -> bool:
    return isinstance(x, Sequence) and not isinstance(x, str)


def _compare(
    a: np.ndarray,
    e: np.ndarray,
    rtol: float | None,
    atol: float | None,
    equal_nan: bool,
    check_dtype: bool,
    msg: str | None,
    kind: str,
    tolerance: tuple[float, float] | None = None,
) -> None:
    if a.shape != e.shape:
        raise AssertionError(msg or f"The values for attribute 'shape' do not match: {a.shape} != {e.shape}.")
    if check_dtype and a.dtype != e.dtype:
        raise AssertionError(msg or f"The values for attribute 'dtype' do not match: {a.dtype} != {e.dtype}.")
    if rtol is None or atol is None:
        rtol, atol = tolerance or max(
            TOLERANCES.get(a.dtype, (0.0, 0.0)), TOLERANCES.get(e.dtype, (0.0, 0.0))
        )
    a64, e64 = a.astype(np.float64), e.astype(np.float64)
    with np.errstate(invalid="ignore"):
        close = np.isclose(a64, e64, rtol=rtol, atol=atol, equal_nan=equal_nan)
        close |= a64 == e64  # equal infinities
    if close.all():
        return
    if msg is not None:
        raise AssertionError(msg)
    mismatched, total = int((~close).sum()), close.size
    with np.errstate(invalid="ignore", divide="ignore"):
        absolute = np.abs(a64 - e64)
        relative = absolute / np.abs(e64)
    absolute = np.where(close, 0.0, np.nan_to_num(absolute, nan=np.inf))
    relative = np.where(close, 0.0, np.nan_to_num(relative, nan=np.inf))
    if a.ndim == 0:
        raise AssertionError(
            f"{kind} are not close!\n\nAbsolute difference: {absolute.item()} (up to {atol} allowed)\n"
            f"Relative difference: {relative.item()} (up to {rtol} allowed)"
        )
    at_abs = np.unravel_index(int(np.argmax(absolute)), a.shape)
    at_rel = np.unravel_index(int(np.argmax(relative)), a.shape)
    raise AssertionError(
        f"{kind} are not close!\n\n"
        f"Mismatched elements: {mismatched} / {total} ({100 * mismatched / total:.1f}%)\n"
        f"Greatest absolute difference: {absolute[at_abs]} at index {tuple(int(i) for i in at_abs)} "
        f"(up to {atol} allowed)\n"
        f"Greatest relative difference: {relative[at_rel]} at index {tuple(int(i) for i in at_rel)} "
        f"(up to {rtol} allowed)"
    )
