"""Files that appear complete or not at all: write beside, then rename over.

Standard library only, so that a quick command (``batch`` with nothing to do,
``simulate -o``) can write files atomically without importing the encoders.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from adamviz.errors import OutputError


def make_writable_folder(folder: Path) -> None:
    """Create ``folder`` if need be; an ``OutputError`` if it cannot be, or be written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"{folder}: cannot create folder: {error.strerror}") from None
    if not os.access(folder, os.W_OK):
        raise OutputError(f"{folder}: folder is not writable")


class AtomicFile:
    """A hidden temporary file beside ``path``, renamed over it by ``commit()``.

    Same folder, so the rename is atomic and the destination is either the old
    good file or the new complete one, never a partial write.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        if self.path.is_dir():
            raise OutputError(f"{self.path}: is a folder, expected a file name")
        if self.path.exists() and not self.path.is_file():
            # A device or a pipe (/dev/full, /dev/stdout): renaming over it would
            # replace the device node itself, so it is refused.
            raise OutputError(f"{self.path}: is not a regular file, expected a file name")
        make_writable_folder(self.path.parent)
        self.temporary = self.path.with_name(f".{self.path.name}.{secrets.token_hex(4)}.partial")

    def commit(self) -> None:
        with self._failures_discarded():
            os.replace(self.temporary, self.path)

    def discard(self) -> None:
        self.temporary.unlink(missing_ok=True)

    @contextlib.contextmanager
    def open_text(self) -> Iterator[TextIO]:
        """The temporary file, open for UTF-8 text; committed when the block ends.

        On failure it is discarded, and an OSError (a full disk, which may show
        only when the file is closed) becomes an ``OutputError`` naming ``path``.
        """
        with (
            self._failures_discarded(),
            open(self.temporary, "w", encoding="utf-8", newline="") as out,
        ):
            yield out
        self.commit()

    def write_text(self, text: str) -> None:
        """Write ``text`` (UTF-8) to the temporary file and commit it; discard it on failure."""
        with self.open_text() as out:
            out.write(text)

    def write_bytes(self, data: bytes) -> None:
        """Write ``data`` to the temporary file and commit it; discard it on failure."""
        with self._failures_discarded(), open(self.temporary, "wb") as out:
            out.write(data)
        self.commit()

    @contextlib.contextmanager
    def _failures_discarded(self) -> Iterator[None]:
        try:
            yield
        except OSError as error:
            self.discard()
            raise OutputError(f"{self.path}: cannot write: {error.strerror or error}") from None
        except BaseException:
            self.discard()
            raise
