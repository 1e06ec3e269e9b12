"""Reading an input file safely, and knowing the bytes that were read.

A path named in a scenario may be anything: a named pipe that blocks the
first ``open`` until a writer comes, a device such as ``/dev/zero`` that never
ends. :func:`open_regular` opens without blocking and refuses all but regular
files before a byte is read.

A batch records the SHA-256 of every file a figure was made from. Hashing the
file again afterwards would record its *new* bytes if it was edited while
being read; instead, inside :func:`watched_reads`, every :class:`HashedReader`
hashes the very bytes it hands out (and the rest of the file once its reader
is done), and the digests are collected by path.

Standard library only.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from collections.abc import Iterator
from contextvars import ContextVar
from typing import BinaryIO

#: What a non-regular file is, in the words of an error message.
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


class NotRegularFileError(OSError):
    """The path is a folder, a pipe, a device or a socket; ``kind`` says which."""

    def __init__(self, path: str, kind: str) -> None:
        super().__init__(f"{path}: is {kind}")
        self.strerror = f"is {kind}"
        self.filename = path
        self.kind = kind


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """``path`` opened for reading in binary, if it is a regular file.

    O_NONBLOCK makes opening a named pipe return at once instead of waiting
    for a writer; the type is then checked on the open descriptor itself, so
    the file cannot be swapped between the check and the read.
    """
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            kind = next((kind for test, kind in _KINDS if test(mode)), "not a regular file")
            raise NotRegularFileError(os.fspath(path), kind)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


#: Where the digests of the files read go, by real path, while :func:`watched_reads` is active.
_digests: ContextVar[dict[str, str] | None] = ContextVar("adamviz_read_digests", default=None)

#: Recorded for a file that was read twice and differed between the reads: a
#: digest that matches no file, so the figure is stale at the next batch.
CHANGED_WHILE_READ = "changed while being read"


@contextlib.contextmanager
def watched_reads() -> Iterator[dict[str, str]]:
    """Collect the SHA-256 of every input file read in the block, keyed by :func:`key_of`."""
    digests: dict[str, str] = {}
    token = _digests.set(digests)
    try:
        yield digests
    finally:
        _digests.reset(token)


def key_of(path: str | os.PathLike[str]) -> str:
    """How :func:`watched_reads` names a file: its real, absolute path."""
    return os.path.realpath(path)


class HashedReader:
    """Reads of one open file, hashed as they are handed out when reads are watched.

    Reads are sequential: :meth:`skip` reads through the skipped bytes when
    hashing, and seeks past them otherwise.
    """

    def __init__(self, file: BinaryIO, path: str | os.PathLike[str]) -> None:
        self.file = file
        self._key = key_of(path)
        self._digest = hashlib.sha256() if _digests.get() is not None else None

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        if self._digest is not None:
            self._digest.update(data)
        return data

    def readline(self, limit: int = -1) -> bytes:
        data = self.file.readline(limit)
        if self._digest is not None:
            self._digest.update(data)
        return data

    def skip(self, size: int) -> None:
        if self._digest is None:
            self.file.seek(size, os.SEEK_CUR)
            return
        while size > 0:
            block = self.read(min(size, 1 << 20))
            if not block:
                return
            size -= len(block)

    def finish(self) -> None:
        """Hash the rest of the file (when watched) and record the digest of all of it."""
        digests = _digests.get()
        if self._digest is None or digests is None:
            return
        while self.read(1 << 20):
            pass
        digest = self._digest.hexdigest()
        if digests.setdefault(self._key, digest) != digest:
            digests[self._key] = CHANGED_WHILE_READ


@contextlib.contextmanager
def reading(path: str | os.PathLike[str]) -> Iterator[HashedReader]:
    """A regular file open for hashed reading; its digest is recorded when the block ends well."""
    with open_regular(path) as file:
        reader = HashedReader(file, path)
        yield reader
        reader.finish()
