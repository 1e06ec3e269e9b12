"""Files that appear complete or not at all: write beside, then rename over.

The temporary file is hidden beside its destination (``.NAME.1a2b3c4d.partial``)
and locked (``flock``) by the process writing it for as long as it lives, so
that a later batch can tell a ``.partial`` some crash left behind (nobody
holds its lock: remove it) from one another process is writing right now.
Every temporary this process made is remembered until it is committed or
discarded, so that the last cleanup on the way out (:func:`discard_leftovers`)
can remove whatever an interruption cut short.

Standard library only, so that a quick command (``batch`` with nothing to do,
``simulate -o``) can write files atomically without importing the encoders.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from adamviz.errors import OutputError
from adamviz.output.interrupt import raise_if_stopping

PARTIAL_SUFFIX = ".partial"
#: The temporaries of this process not yet committed or discarded.
_live: set[Path] = set()


def make_writable_folder(folder: Path) -> None:
    """Create ``folder`` if need be; an ``OutputError`` if it cannot be, or be written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"{folder}: cannot create folder: {error.strerror}") from None
    if not os.access(folder, os.W_OK):
        raise OutputError(f"{folder}: folder is not writable")


def refuse_inputs(path: Path, inputs: Iterable[Path]) -> None:
    """An ``OutputError`` if ``path`` is one of ``inputs`` (the same file, by any name)."""
    for source in inputs:
        with contextlib.suppress(OSError):  # either missing: they cannot be one file
            if os.path.samefile(path, source):
                raise OutputError(
                    f"{path}: is {source}, which this command reads; choose another output name"
                )


def _temporary_name(path: Path) -> Path:
    """``.NAME.TOKEN.partial`` beside ``path``, NAME shortened so it fits the file system."""
    token = secrets.token_hex(4)
    try:
        limit = os.pathconf(path.parent, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    name = path.name
    while name and len(os.fsencode(f".{name}.{token}{PARTIAL_SUFFIX}")) > limit:
        name = name[:-1]
    return path.with_name(f".{name}.{token}{PARTIAL_SUFFIX}")


class AtomicFile:
    """A hidden temporary file beside ``path``, renamed over it by ``commit()``.

    Same folder, so the rename is atomic and the destination is either the old
    good file or the new complete one, never a partial write. The temporary
    exists (empty, locked) from construction until ``commit()`` or ``discard()``.
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
        self.temporary = _temporary_name(self.path)
        self._lock: int | None = None
        with self._failures_discarded():
            self._claim()

    def _claim(self) -> None:
        """Create the temporary and hold its lock (remembered first, so no exit path forgets it)."""
        _live.add(self.temporary)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
        self._lock = os.open(self.temporary, flags, 0o666)
        fcntl.flock(self._lock, fcntl.LOCK_EX)

    def commit(self) -> None:
        with self._failures_discarded():
            raise_if_stopping()  # an interruption a finalizer dropped still keeps the old file
            os.replace(self.temporary, self.path)
        self._release()

    def discard(self) -> None:
        self.temporary.unlink(missing_ok=True)
        self._release()

    def _release(self) -> None:
        _live.discard(self.temporary)
        lock, self._lock = self._lock, None
        if lock is not None:
            os.close(lock)

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
            reason = os_reason(error)
            self.discard()
            raise OutputError(f"{self.path}: cannot write: {reason}") from None
        except BaseException:
            self.discard()
            raise


def os_reason(error: OSError) -> str:
    """The system's words for ``error``, or the shortage of file descriptors behind it.

    Out of descriptors, some calls fail in words of their own: ``tempfile``
    says "No usable temporary directory found", say. If not even the null
    device can be opened a few times over, that shortage is the real cause.
    Call it before releasing anything, so the shortage is still there to see.
    """
    opened: list[int] = []
    try:
        for _ in range(3):  # what a pipe and a file would need
            opened.append(os.open(os.devnull, os.O_RDONLY))
    except OSError as probe:
        return probe.strerror or str(probe)
    finally:
        for descriptor in opened:
            os.close(descriptor)
    return error.strerror or str(error)


def discard_leftovers() -> None:
    """Remove every temporary of this process still there: the last cleanup before exiting."""
    for temporary in list(_live):
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        _live.discard(temporary)


def abandoned_partials(folder: Path) -> list[Path]:
    """The ``.partial`` files in ``folder`` that no process is writing: left by a crash.

    A writer holds its temporary's lock until it commits or discards it, and
    the system releases the lock of a process that died; so a lock that can be
    taken means nobody will ever finish that file.
    """
    found: list[Path] = []
    with contextlib.suppress(OSError):
        candidates = sorted(folder.glob(f".*{PARTIAL_SUFFIX}"))
        for path in candidates:
            if _abandoned(path):
                found.append(path)
    return found


def _abandoned(path: Path) -> bool:
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOFOLLOW)
    except OSError:
        return False  # gone already, or not ours to judge (a link, no permission)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return False  # held: a render is writing it
    else:
        return True
    finally:
        os.close(descriptor)


def remove_abandoned_partials(folder: Path) -> list[Path]:
    """Remove what :func:`abandoned_partials` finds; return what was removed."""
    removed = []
    for path in abandoned_partials(folder):
        with contextlib.suppress(OSError):  # gone already, or a folder we may not write
            path.unlink()
            removed.append(path)
    return removed
