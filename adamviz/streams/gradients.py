"""Gradient patterns: the streams of numbers Adam is shown.

Every pattern is a pure function that returns a float64 array of shape
``(steps,)``; step ``t`` (1-based, as in the Adam paper) is element ``t - 1``.
Random patterns take a ``numpy.random.Generator`` rather than a seed so that
the caller decides how randomness is shared (the scenario loader gives each
parameter its own child generator). This module imports numpy alone, so it can
be used from a notebook without the rest of adamviz.

Closed-loop gradients (a loss whose gradient depends on θ) cannot be
precomputed; :class:`GradientStream` is the one seam where the kernel asks for
``g(θ)`` step by step.
"""

from __future__ import annotations

import csv
import difflib
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]

__all__ = [
    "LOSS_GRADIENTS",
    "GradientStream",
    "LossGradient",
    "RecordedColumnError",
    "RecordedGradientError",
    "absolute_grad",
    "constant",
    "gaussian_noise",
    "quadratic_grad",
    "random_walk",
    "read_recorded",
    "sequence",
    "sine",
    "square",
]


# --------------------------------------------------------------------------- patterns


def constant(steps: int, value: float) -> Array:
    """The same gradient every step: Adam's most confident case (ratio → 1)."""
    return np.full(steps, float(value), dtype=np.float64)


def sequence(steps: int, values: Sequence[float] | ArrayLike, repeat: bool = False) -> Array:
    """The given values in order; with ``repeat`` they cycle to fill ``steps``.

    Without ``repeat`` the caller guarantees at least ``steps`` values (the
    scenario loader reports a shortfall with its line); extra values are ignored.
    """
    array = np.asarray(values, dtype=np.float64).reshape(-1)
    if repeat:
        if array.size == 0:
            raise ValueError("sequence(repeat=True) needs at least one value")
        return np.resize(array, steps)  # np.resize cycles the input to fill the shape
    if array.size < steps:
        raise ValueError(f"sequence needs at least {steps} values, got {array.size}")
    return array[:steps].copy()


def square(steps: int, amplitude: float, period: int, offset: float = 0.0) -> Array:
    """A square wave: ``offset + amplitude`` for the first half of each period, then minus.

    Step ``t`` is high when ``(t - 1) mod period < period / 2``, so an odd
    period spends one more step high than low.
    """
    if period <= 0:
        raise ValueError(f"square period must be > 0, got {period}")
    phase = np.arange(steps) % period  # (t - 1) mod period for t = 1..steps
    return np.where(phase < period / 2, offset + amplitude, offset - amplitude).astype(np.float64)


def sine(
    steps: int, amplitude: float, period: float, phase: float = 0.0, offset: float = 0.0
) -> Array:
    """``offset + amplitude · sin(2π (t - 1) / period + phase)``, phase in radians."""
    if period <= 0:
        raise ValueError(f"sine period must be > 0, got {period}")
    angle = 2.0 * np.pi * np.arange(steps, dtype=np.float64) / period + phase
    return offset + amplitude * np.sin(angle)


def random_walk(
    steps: int,
    rng: np.random.Generator,
    start: float = 0.0,
    scale: float = 0.1,
    drift: float = 0.0,
) -> Array:
    """``start`` plus the running sum of N(drift, scale) increments.

    The first value already includes one increment, so the walk never sits at
    ``start`` exactly. Draws exactly ``steps`` normals from ``rng``.
    """
    return start + np.cumsum(rng.normal(drift, scale, steps))


def gaussian_noise(steps: int, rng: np.random.Generator, std: float) -> Array:
    """N(0, std) per step. Draws ``steps`` normals even when ``std`` is 0.

    Drawing regardless keeps every later draw from the same generator where it
    was: turning one piece's noise on or off never changes the numbers after it.
    """
    if std < 0:
        raise ValueError(f"noise std must be >= 0, got {std}")
    # + 0.0 turns -0.0 (which passes the check above) into the 0.0 numpy accepts.
    return rng.normal(0.0, std + 0.0, steps)


# --------------------------------------------------------------------------- closed-loop losses


def quadratic_grad(theta: ArrayLike, center: float, scale: float) -> NDArray[np.float64]:
    """Gradient of ``scale/2 · (θ - center)²``: shrinks as θ nears the minimum."""
    return scale * (np.asarray(theta, dtype=np.float64) - center)


def absolute_grad(theta: ArrayLike, center: float, scale: float) -> NDArray[np.float64]:
    """Gradient of ``scale · |θ - center|``: constant size, flips sign at the minimum."""
    return scale * np.sign(np.asarray(theta, dtype=np.float64) - center)


LossGradient = Callable[[ArrayLike, float, float], NDArray[np.float64]]

LOSS_GRADIENTS: dict[str, LossGradient] = {
    "quadratic": quadratic_grad,
    "absolute": absolute_grad,
}


# --------------------------------------------------------------------------- the seam to the kernel


@dataclass(frozen=True, eq=False)
class GradientStream:
    """The gradients for every step and parameter, as the kernel asks for them.

    Open-loop gradients are known in advance and live in ``table``. A
    closed-loop column's gradient depends on θ, so ``table`` holds only its
    noise and ``losses`` says which function of θ to add. Keeping both behind
    one call, ``stream(step, theta)``, lets the kernel stay ignorant of where
    gradients come from.

    ``eq=False``: comparing arrays with ``==`` is ambiguous; compare ``table``.
    """

    table: Array
    """Shape ``(steps, params)``, float64, read-only."""
    losses: tuple[tuple[int, Callable[[float], float]], ...] = ()
    """``(column, gradient of the loss at that column's θ)`` for closed-loop columns."""

    def __post_init__(self) -> None:
        table = np.array(self.table, dtype=np.float64)  # a private copy the caller cannot mutate
        if table.ndim != 2:
            raise ValueError(f"table must be 2-D (steps, params), got shape {table.shape}")
        table.setflags(write=False)
        object.__setattr__(self, "table", table)  # frozen dataclass: the documented way to init
        for column, _ in self.losses:
            if not 0 <= column < table.shape[1]:
                raise ValueError(f"loss column {column} is outside 0..{table.shape[1] - 1}")

    @property
    def steps(self) -> int:
        return int(self.table.shape[0])

    @property
    def is_open_loop(self) -> bool:
        """True when ``table`` is the whole story, so a kernel may skip the θ feedback."""
        return not self.losses

    def __call__(self, step: int, theta: NDArray[np.float64]) -> Array:
        """The gradient ``g_step`` (1-based step), given θ_{step-1}, the parameters before it."""
        if not 1 <= step <= self.steps:
            # Index step - 1 would silently wrap around for step 0.
            raise IndexError(f"step must be in 1..{self.steps}, got {step}")
        gradient = self.table[step - 1].copy()
        for column, loss_gradient in self.losses:
            gradient[column] += loss_gradient(theta[column])
        return gradient


# --------------------------------------------------------------------------- recorded gradients


class RecordedGradientError(ValueError):
    """A recorded-gradient file that cannot be used; ``row`` is the 1-based line, if any.

    The message is one line, "<what was expected>, got <what was found>" where
    both are known, ready to follow a scenario key.
    """

    def __init__(self, message: str, row: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.row = row


class RecordedColumnError(RecordedGradientError):
    """The requested column does not exist; the fix is in ``column``, not in the file."""


def read_recorded(
    path: str | os.PathLike[str],
    column: int | str = 0,
    *,
    display_name: str | None = None,
) -> Array:
    """Every row of one column of a CSV file, or of a .npy array, as float64.

    A path ending in ``.npy`` is read with ``numpy.load`` (1-D, or 2-D with
    ``column`` an index). Anything else is read as comma-separated UTF-8 text;
    if its first non-blank row is not all numbers it is a header, and
    ``column`` may then name a header. Blank lines are skipped; row numbers in
    errors are the file's 1-based line numbers. ``display_name`` is how errors
    name the file (default: ``path`` as given).
    """
    name = display_name if display_name is not None else os.fspath(path)
    if isinstance(column, bool) or not isinstance(column, int | str):
        raise RecordedColumnError(f"expected a column index or header name, got {column!r}")
    if isinstance(column, int) and column < 0:
        raise RecordedColumnError(f"expected a column index >= 0, got {column}")
    if Path(path).suffix.lower() == ".npy":
        return _read_npy(Path(path), column, name)
    return _read_csv(Path(path), column, name)


def _cannot_read(name: str, error: OSError) -> RecordedGradientError:
    reasons = {
        FileNotFoundError: "file not found",
        IsADirectoryError: "is a folder",
        PermissionError: "permission denied",
    }
    reason = reasons.get(type(error), error.strerror or type(error).__name__)
    return RecordedGradientError(f"cannot read '{name}': {reason}")


def _read_csv(path: Path, column: int | str, name: str) -> Array:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise _cannot_read(name, error) from None
    except ValueError:  # a NUL in the name: no OS call was even made
        raise RecordedGradientError(f"cannot read {name!r}: invalid file name") from None
    try:
        text = data.decode("utf-8-sig")  # utf-8-sig: spreadsheets often write a BOM
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = error.object[error.start]
        raise RecordedGradientError(
            f"row {line} of {name}: expected UTF-8 text, got byte 0x{byte:02x}", row=line
        ) from None
    reader = csv.reader(text.splitlines())
    rows = [(reader.line_num, cells) for cells in reader if any(cell.strip() for cell in cells)]
    if not rows:
        raise RecordedGradientError(f"expected numbers in '{name}', got an empty file")
    header = rows[0][1] if not all(_is_number(cell) for cell in rows[0][1]) else None
    if header is not None:
        rows = rows[1:]
        if not rows:
            raise RecordedGradientError(f"expected numbers in '{name}', got only a header row")
    index = _csv_column_index(column, header, len(rows[0][1]), name)
    return np.array([_csv_cell(cells, index, line, name) for line, cells in rows], dtype=np.float64)


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _csv_column_index(column: int | str, header: list[str] | None, width: int, name: str) -> int:
    """Resolve ``column`` to an index, checking it against the header or first row."""
    if isinstance(column, str):
        if header is None:
            raise RecordedColumnError(
                f"expected a column index ({name} has no header row), got {column!r}"
            )
        names = [cell.strip() for cell in header]
        if column in names:
            return names.index(column)
        close = difflib.get_close_matches(column, names, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        listed = ", ".join(repr(n) for n in names)
        raise RecordedColumnError(
            f"expected a header name of {name} ({listed}), got {column!r}{hint}"
        )
    width = len(header) if header is not None else width
    if column >= width:
        raise RecordedColumnError(
            f"expected a column index below {width} ({name} has {_columns(width)}), got {column}"
        )
    return column


def _columns(count: int) -> str:
    return "1 column" if count == 1 else f"{count} columns"


def _csv_cell(cells: list[str], index: int, line: int, name: str) -> float:
    if index >= len(cells):
        raise RecordedGradientError(
            f"row {line} of {name}: expected at least {_columns(index + 1)}, got {len(cells)}",
            row=line,
        )
    text = cells[index].strip()
    try:
        value = float(text)
    except ValueError:
        found = "an empty cell" if not text else repr(_truncate(text))
        raise RecordedGradientError(
            f"row {line} of {name}: expected a number, got {found}", row=line
        ) from None
    if not math.isfinite(value):
        raise RecordedGradientError(
            f"row {line} of {name}: expected a finite number, got {text!r}", row=line
        )
    return value


def _truncate(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _read_npy(path: Path, column: int | str, name: str) -> Array:
    try:
        array = np.load(path, allow_pickle=False)  # never unpickle a file named in a YAML
    except OSError as error:
        raise _cannot_read(name, error) from None
    except ValueError:
        raise RecordedGradientError(f"cannot read '{name}': not a valid .npy file") from None
    if not isinstance(array, np.ndarray):
        raise RecordedGradientError(f"cannot read '{name}': not a single .npy array")
    if array.dtype.kind not in "iuf":  # bools, complex, strings: not gradients
        raise RecordedGradientError(f"expected numbers in '{name}', got an array of {array.dtype}")
    if array.ndim not in (1, 2):
        raise RecordedGradientError(f"expected a 1-D or 2-D array in '{name}', got {array.ndim}-D")
    if isinstance(column, str):
        raise RecordedColumnError(f"expected a column index ({name} has no header), got {column!r}")
    width = 1 if array.ndim == 1 else array.shape[1]
    if column >= width:
        raise RecordedColumnError(
            f"expected a column index below {width} ({name} has {_columns(width)}), got {column}"
        )
    values = (array if array.ndim == 1 else array[:, column]).astype(np.float64)
    if values.size == 0:
        raise RecordedGradientError(f"expected numbers in '{name}', got an empty array")
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        row = int(bad[0]) + 1
        raise RecordedGradientError(
            f"row {row} of {name}: expected a finite number, got {values[bad[0]]}", row=row
        )
    return values
