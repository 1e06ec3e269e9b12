"""Recorded gradients: a column of a CSV or .npy file, every cell checked.

Only a regular file is read (a named pipe or a device is refused before a
byte is read, see :mod:`adamviz.streams.reads`), and only as far as the rows
asked for: a file of 10⁷ rows read for 6 steps costs 6 rows. A CSV file is
parsed as CSV (quoted fields may hold commas and line breaks, which then make
a cell that is not a number), one record at a time, each at most
:data:`MAX_RECORD_BYTES`; a .npy file's header is checked against the file's
size before anything is allocated.
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import math
import os
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from adamviz.streams.patterns import Array
from adamviz.streams.reads import HashedReader, reading

#: The longest CSV record (one row, quoted line breaks and all) a recorded file may have.
MAX_RECORD_BYTES = 1 << 20
#: One number per cell, as a CSV file writes it: ASCII decimal, optionally signed, with an
#: exponent; inf and nan are numbers here only to be refused as "not finite".
_NUMBER = re.compile(
    r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?(?:inf|infinity|nan)",
    re.ASCII | re.IGNORECASE,
)
_BOM = b"\xef\xbb\xbf"  # spreadsheets often begin a UTF-8 file with one
#: csv's words for a malformed record, where they can be said better.
_CSV_REASONS = {"unexpected end of data": "a quote that is never closed"}


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
    rows: int | None = None,
) -> Array:
    """One column of a CSV file, or of a .npy array, as float64: its first ``rows`` rows.

    A path ending in ``.npy`` is read as a NumPy array (1-D, or 2-D with
    ``column`` an index). Anything else is read as comma-separated UTF-8 text;
    if its first non-blank row is not all numbers it is a header, and
    ``column`` may then name a header. Blank lines are skipped; row numbers in
    errors are the file's 1-based line numbers (where a record starts).
    ``rows``: read no further than that many rows (None: all of them); fewer
    come back if the file has fewer. ``display_name`` is how errors name the
    file (default: ``path`` as given).
    """
    name = display_name if display_name is not None else os.fspath(path)
    if isinstance(column, bool) or not isinstance(column, int | str):
        raise RecordedColumnError(f"expected a column index or header name, got {column!r}")
    if isinstance(column, int) and column < 0:
        raise RecordedColumnError(f"expected a column index >= 0, got {column}")
    read = _read_npy if Path(path).suffix.lower() == ".npy" else _read_csv
    with _opened(path, name) as source:
        return read(source, column, name, rows)


@contextlib.contextmanager
def _opened(path: str | os.PathLike[str], name: str) -> Iterator[HashedReader]:
    """The file open for reading; every way of failing to read it is a one-line error."""
    if "\0" in os.fspath(path):  # no OS call could even be made
        raise RecordedGradientError(f"cannot read {name!r}: invalid file name")
    try:
        with reading(path) as source:
            yield source
    except OSError as error:
        raise _cannot_read(name, error) from None


def _cannot_read(name: str, error: OSError) -> RecordedGradientError:
    reasons = {
        FileNotFoundError: "file not found",
        IsADirectoryError: "is a folder",
        PermissionError: "permission denied",
    }
    reason = reasons.get(type(error), error.strerror or type(error).__name__)
    return RecordedGradientError(f"cannot read '{name}': {reason}")


class _Lines:
    """The file's lines, decoded one by one, for ``csv.reader``.

    A line ends at ``\\n``, ``\\r\\n`` or a lone ``\\r`` (never at U+2028 and the other
    breaks ``str.splitlines`` knows). ``record_bytes`` counts what the current
    record has taken, so that an endless quoted field stops at the limit.
    """

    def __init__(self, source: HashedReader, name: str) -> None:
        self.source, self.name = source, name
        self.line = 0  # lines handed to csv so far
        self.record_bytes = 0
        self._pending: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if not self._pending:
            raw = self.source.readline(MAX_RECORD_BYTES + 1)
            if not raw:
                raise StopIteration
            if self.line == 0 and raw.startswith(_BOM):
                raw = raw[len(_BOM) :]
            self.record_bytes += len(raw)
            if self.record_bytes > MAX_RECORD_BYTES:
                raise RecordedGradientError(
                    f"row {self.line + 1} of {self.name}: expected a row of at most "
                    f"{MAX_RECORD_BYTES >> 20} MiB, got more",
                    row=self.line + 1,
                )
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                line = self.line + 1
                raise RecordedGradientError(
                    f"row {line} of {self.name}: expected UTF-8 text, "
                    f"got byte 0x{raw[error.start]:02x}",
                    row=line,
                ) from None
            self._pending = re.split(r"(?<=\r)(?!\n)", text)[::-1]
            if not self._pending[0]:
                self._pending.pop(0)
        self.line += 1
        return self._pending.pop()


def _read_csv(source: HashedReader, column: int | str, name: str, rows: int | None) -> Array:
    lines = _Lines(source, name)
    reader = csv.reader(lines, strict=True)
    header: list[str] | None = None
    seen_data = False
    index = 0
    values: list[float] = []
    while rows is None or len(values) < rows:
        start = lines.line + 1
        lines.record_bytes = 0
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            reason = _CSV_REASONS.get(str(error), str(error))
            raise RecordedGradientError(
                f"row {start} of {name}: expected CSV, got {reason}", row=start
            ) from None
        if not any(cell.strip() for cell in cells):
            continue
        if not seen_data and header is None and not all(map(_is_number, cells)):
            header = cells
            continue
        if not seen_data:
            seen_data = True
            index = _csv_column_index(column, header, len(cells), name)
        values.append(_csv_cell(cells, index, start, name))
    if not values and rows != 0:
        found = "only a header row" if header is not None else "an empty file"
        raise RecordedGradientError(f"expected numbers in '{name}', got {found}")
    return np.array(values, dtype=np.float64)


def _is_number(cell: str) -> bool:
    return _NUMBER.fullmatch(cell.strip(" \t")) is not None


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
    text = cells[index].strip(" \t")
    if not _is_number(text):
        found = "an empty cell" if not text else repr(_truncate(text))
        raise RecordedGradientError(
            f"row {line} of {name}: expected a number, got {found}", row=line
        )
    value = float(text)
    if not math.isfinite(value):
        raise RecordedGradientError(
            f"row {line} of {name}: expected a finite number, got {_truncate(text)!r}", row=line
        )
    return value


def _truncate(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _read_npy(source: HashedReader, column: int | str, name: str, rows: int | None) -> Array:
    """The column from a .npy file: header first, then only the bytes of the rows wanted.

    Read by hand rather than with ``numpy.load``, which allocates whatever
    shape the header claims before it reads a byte, and never unpickles.
    """
    shape, fortran_order, dtype = _npy_header(source, name)
    if dtype.kind not in "iuf":  # bools, complex, strings, objects: not gradients
        raise RecordedGradientError(f"expected numbers in '{name}', got an array of {dtype}")
    if len(shape) not in (1, 2):
        raise RecordedGradientError(f"expected a 1-D or 2-D array in '{name}', got {len(shape)}-D")
    if isinstance(column, str):
        raise RecordedColumnError(f"expected a column index ({name} has no header), got {column!r}")
    length, width = shape[0], 1 if len(shape) == 1 else shape[1]
    if column >= width:
        raise RecordedColumnError(
            f"expected a column index below {width} ({name} has {_columns(width)}), got {column}"
        )
    if length == 0:
        raise RecordedGradientError(f"expected numbers in '{name}', got an empty array")
    held = os.fstat(source.file.fileno()).st_size - source.file.tell()
    if length * width * dtype.itemsize > held:
        raise RecordedGradientError(
            f"cannot read '{name}': its header promises an array of shape {shape}, "
            f"{length * width * dtype.itemsize} bytes, but the file holds {held}"
        )
    take = length if rows is None else min(length, rows)
    if width == 1 or fortran_order:  # the column's values are one run of bytes
        source.skip(column * length * dtype.itemsize)
        values = _npy_values(source, dtype, take, name)
    else:
        values = _npy_values(source, dtype, take * width, name).reshape(take, width)[:, column]
    values = values.astype(np.float64)
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        row = int(bad[0]) + 1
        raise RecordedGradientError(
            f"row {row} of {name}: expected a finite number, got {values[bad[0]]}", row=row
        )
    return values


def _npy_header(source: HashedReader, name: str) -> tuple[tuple[int, ...], bool, np.dtype]:
    invalid = RecordedGradientError(f"cannot read '{name}': not a valid .npy file")
    try:
        version = np.lib.format.read_magic(source)  # type: ignore[arg-type]
        if version == (1, 0):
            header = np.lib.format.read_array_header_1_0(source)  # type: ignore[arg-type]
        elif version == (2, 0):
            header = np.lib.format.read_array_header_2_0(source)  # type: ignore[arg-type]
        else:
            raise invalid
    except (ValueError, SyntaxError, TypeError, OverflowError, MemoryError, RecursionError):
        # numpy's words for a bad header quote the whole header: too long for one line.
        raise invalid from None
    shape, fortran_order, dtype = header
    if not all(isinstance(n, int) and n >= 0 for n in shape):
        raise invalid
    return tuple(shape), bool(fortran_order), dtype


def _npy_values(source: HashedReader, dtype: np.dtype, count: int, name: str) -> Array:
    data = source.read(count * dtype.itemsize)
    if len(data) != count * dtype.itemsize:  # shortened since its size was checked
        raise RecordedGradientError(f"cannot read '{name}': the file ended early")
    return np.frombuffer(data, dtype=dtype)
