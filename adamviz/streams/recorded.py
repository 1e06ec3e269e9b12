"""Recorded gradients: a column of a CSV or .npy file, every cell checked."""

from __future__ import annotations

import csv
import difflib
import math
import os
from pathlib import Path

import numpy as np

from adamviz.streams.patterns import Array


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
