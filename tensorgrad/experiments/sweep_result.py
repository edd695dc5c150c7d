"""The result of a sweep: one row per setting, its parameters then its metrics; text tables and JSON.

``SweepResult.rows`` holds one dict per setting (``sweep`` makes them). ``column(name)`` gives one column as
an array, ``best(metric)`` the best row, ``table()`` / ``to_markdown()`` text tables (numbers with 4
significant digits, nan rows last when sorted), and ``to_json()`` / ``from_json`` a lossless round trip
(nan is written as JSON null)::

    result = sweep(train, {"lr": [1e-3, 1e-2, 1e-1]})
    print(result.table(sort_by="loss"))
    result.save_json("lr_sweep.json")
    SweepResult.load_json("lr_sweep.json").best("loss")
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np

from ..files import atomic_write
from ..training.metrics import resolve_mode
from .search_space import plain_value
from .text import text_table

__all__ = ["FORMAT", "VERSION", "SweepResult", "format_value", "is_number"]

#: the ``format`` field of a sweep's JSON document, and its version
FORMAT = "tensorgrad.sweep"
VERSION = 1


def is_number(value: Any) -> bool:
    """A real number, and not a bool."""
    return isinstance(value, Real) and not isinstance(value, bool)


def format_value(value: Any) -> str:
    """A value as a table shows it: floats with 4 significant digits (nan as "nan"), anything else as str."""
    if isinstance(value, float):
        return "nan" if math.isnan(value) else f"{value:.4g}"
    return str(value)


@dataclass
class SweepResult:
    """The rows of a sweep: one dict per setting, its parameters (in ``params`` order) then its metrics.

    ``column(name)`` gives one column as an array; ``best(metric)`` the best row; ``table()`` /
    ``to_markdown()`` text tables; ``to_json()`` / ``save_json(path)`` and ``from_json`` / ``load_json``
    a lossless round trip (nan is written as JSON null).
    """

    rows: list[dict[str, Any]]
    params: list[str]
    metrics: list[str]
    mode: str = "grid"
    seed: int = 0
    repeats: int = 1

    def __len__(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        return (
            f"SweepResult({len(self.rows)} rows, mode={self.mode!r}, params={self.params}, "
            f"metrics={self.metrics})"
        )

    def __str__(self) -> str:
        return self.table()

    def _check_column(self, name: str, function: str, metric_only: bool = False) -> None:
        names = self.metrics if metric_only else self.params + self.metrics
        if name not in names:
            what = "metric" if metric_only else "column"
            raise ValueError(f"SweepResult.{function}: no {what} {name!r}; the result has {', '.join(names)}")

    def column(self, name: str) -> np.ndarray:
        """One column, in row order: float64 for metrics and numeric parameters, else an object array."""
        self._check_column(name, "column")
        values = [row[name] for row in self.rows]
        if name in self.metrics or all(is_number(v) for v in values):
            return np.array(values, dtype=np.float64 if name in self.metrics else None)
        return np.array(values, dtype=object)

    def best(self, metric: str | None = None, mode: str = "auto") -> dict[str, Any]:
        """The row (a copy) with the smallest (``mode="min"``) or largest (``"max"``) finite ``metric``;
        ``metric`` defaults to the first one; "auto" is max for an accuracy, else min. Ties go to the
        earlier row."""
        metric = self.metrics[0] if metric is None else metric
        self._check_column(metric, "best", metric_only=True)
        mode = resolve_mode(metric, mode, "SweepResult.best", otherwise="min")
        values = self.column(metric)
        finite = np.flatnonzero(np.isfinite(values))
        if finite.size == 0:
            raise ValueError(f"SweepResult.best: every run has {metric} = nan (they all diverged or failed)")
        chosen = finite[np.argmin(values[finite]) if mode == "min" else np.argmax(values[finite])]
        return dict(self.rows[int(chosen)])

    def _sorted_rows(self, sort_by: str | None, mode: str) -> list[dict[str, Any]]:
        if sort_by is None:
            return list(self.rows)
        self._check_column(sort_by, "table")
        mode = resolve_mode(sort_by, mode, "SweepResult.table", otherwise="min")
        if sort_by not in self.metrics and not all(is_number(row[sort_by]) for row in self.rows):
            return sorted(self.rows, key=lambda row: str(row[sort_by]), reverse=mode == "max")
        sign = 1.0 if mode == "min" else -1.0

        def key(row: dict[str, Any]) -> tuple[bool, float]:
            value = float(row[sort_by])
            return (math.isnan(value), sign * value if not math.isnan(value) else 0.0)

        return sorted(self.rows, key=key)  # stable: equal values keep their order; nan last

    def _cells(self, sort_by: str | None, mode: str) -> tuple[list[str], list[list[str]], list[bool]]:
        header = self.params + self.metrics
        rows = self._sorted_rows(sort_by, mode)
        cells = [[format_value(row[name]) for name in header] for row in rows]
        numeric = [all(is_number(row[name]) for row in rows) for name in header]
        return header, cells, numeric

    def table(self, sort_by: str | None = None, mode: str = "auto") -> str:
        """An aligned plain-text table, one line per row (numbers with 4 significant digits, right-aligned),
        sorted by ``sort_by`` (ascending for ``mode="min"``, descending for "max", "auto": descending for an
        accuracy; nan rows last)."""
        return text_table(*self._cells(sort_by, mode))

    def to_markdown(self, sort_by: str | None = None, mode: str = "auto") -> str:
        """The table in Markdown (GitHub pipe table; numeric columns right-aligned)."""
        header, cells, numeric = self._cells(sort_by, mode)
        lines = [
            "| " + " | ".join(header) + " |",
            "|" + "|".join("---:" if n else ":---" for n in numeric) + "|",
        ]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in cells]
        return "\n".join(lines)

    # ----------------------------------------------------------------- JSON
    def to_json(self, indent: int | None = 2) -> str:
        """The result as JSON: ``{"format": "tensorgrad.sweep", "version": 1, "mode", "seed", "repeats",
        "params", "metrics", "rows": [{name: value}, ...]}``; nan metrics are null. Parameter values must
        be JSON values (numbers, strings, bools, None, lists); anything else is written as its ``str``."""

        def metric(value: float) -> float | None:
            return None if math.isnan(value) else value

        rows = [
            {**{p: _json_value(row[p]) for p in self.params}, **{m: metric(row[m]) for m in self.metrics}}
            for row in self.rows
        ]
        document = {
            "format": FORMAT,
            "version": VERSION,
            "mode": self.mode,
            "seed": self.seed,
            "repeats": self.repeats,
            "params": self.params,
            "metrics": self.metrics,
            "rows": rows,
        }
        try:
            return json.dumps(document, indent=indent, allow_nan=False)
        except ValueError:
            raise ValueError(
                "SweepResult.to_json: a parameter value is inf or nan, which JSON cannot hold"
            ) from None

    def save_json(self, path: str | os.PathLike[str]) -> None:
        """Write ``to_json()`` to ``path`` atomically (complete or not at all)."""
        atomic_write(path, self.to_json().encode("utf-8"), op="SweepResult.save_json")

    @classmethod
    def from_json(cls, text: str) -> SweepResult:
        """Read what ``to_json`` wrote."""
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(f"SweepResult.from_json: not valid JSON ({error})") from None
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise ValueError(f"SweepResult.from_json: not a sweep result (expected format {FORMAT!r})")
        if document.get("version") != VERSION:
            raise ValueError(
                f"SweepResult.from_json: unsupported version {document.get('version')!r} "
                f"(this version of tensorgrad reads {VERSION})"
            )
        params, metrics = list(document["params"]), list(document["metrics"])
        rows = []
        for row in document["rows"]:
            values = {p: row[p] for p in params}
            values.update({m: math.nan if row[m] is None else float(row[m]) for m in metrics})
            rows.append(values)
        return cls(
            rows=rows,
            params=params,
            metrics=metrics,
            mode=document.get("mode", "grid"),
            seed=document.get("seed", 0),
            repeats=document.get("repeats", 1),
        )

    @classmethod
    def load_json(cls, path: str | os.PathLike[str]) -> SweepResult:
        """Read a file written by ``save_json``."""
        if not os.path.isfile(path):
            raise FileNotFoundError(f"SweepResult.load_json: no such file {os.fspath(path)!r}")
        with open(path, encoding="utf-8") as file:
            return cls.from_json(file.read())


def _json_value(value: Any) -> Any:
    """A parameter value as JSON holds it: plain numbers, strings, bools, None and lists; else its str."""
    value = plain_value(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return str(value)
