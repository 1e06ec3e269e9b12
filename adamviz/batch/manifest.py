"""The batch manifest: what each figure in an output folder was made from.

``adamviz batch`` keeps one JSON file in the output folder, with an entry per
figure: the scenario it came from and the hashes of everything the figure
depends on (the scenario's bytes, the files it reads, the render options and
adamviz's version), and the hashes of the files that were written. It is
written with sorted keys and a fixed indent, so that it diffs cleanly when
committed beside the figures, and it holds no times or sizes that change from
run to run.

Standard library only: a batch with nothing to do reads this and hashes a few
files, and never imports numpy, yaml or matplotlib.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import stat
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, BinaryIO

from adamviz.errors import AdamvizError, OutputError
from adamviz.output.atomic import AtomicFile

MANIFEST_NAME = "adamviz-manifest.json"
#: Beside the manifest: held (flock) by a batch while it reads, merges and writes the manifest.
LOCK_NAME = ".adamviz-manifest.lock"
#: Bumped when the layout of an entry changes; an older manifest is then rebuilt.
LAYOUT = 1


class ManifestError(AdamvizError):
    """A manifest that cannot be read: one line naming the file and the fix."""


class NotRegularFileError(OSError):
    """A folder, a pipe or a device where a file was expected."""


def open_regular(path: Path) -> BinaryIO:
    """``path`` open for reading if it is a regular file, without blocking on a named pipe.

    (As :func:`adamviz.streams.reads.open_regular`, which this module, numpy-free
    for the sake of a quick no-op batch, cannot import.)
    """
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise NotRegularFileError(f"{path}: not a regular file")
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open_regular(path) as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold ``folder``'s manifest lock: one batch at a time reads, merges and writes.

    The lock file stays (removing it would let a third batch lock a new file
    while a second still holds the old one); it is empty and hidden.
    """
    path = folder / LOCK_NAME
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    except OSError as error:
        raise OutputError(f"{path}: cannot lock the manifest: {error.strerror}") from None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # which releases the lock


@dataclass(frozen=True)
class Entry:
    """One figure: where it came from, and what it was made of.

    Paths are POSIX strings: ``scenario`` relative to the output folder,
    ``inputs`` relative to the scenario's folder (as the scenario names them).
    """

    scenario: str
    scenario_sha256: str
    inputs: dict[str, str]
    options: dict[str, str]
    adamviz: str
    output_sha256: str
    numbers: str
    numbers_sha256: str
    title: str
    description: str = ""
    #: The figure's look: the theme's name (or its style sheet's path) and its paper colour.
    theme: str = "light"
    paper: str = "#ffffff"

    @classmethod
    def from_json(cls, data: Any) -> Entry:
        """An entry from parsed JSON; ``ValueError`` naming what is wrong."""
        if not isinstance(data, dict):
            raise ValueError(f"expected an object, got {type(data).__name__}")
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - names)
        missing = sorted(names - set(data) - {"description", "theme", "paper"})
        if unknown or missing:
            raise ValueError(f"expected keys {sorted(names)}, got {sorted(data)}")
        for key in ("inputs", "options"):
            mapping = data[key]
            if not isinstance(mapping, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
            ):
                raise ValueError(f"{key}: expected an object of strings")
        for key in names - {"inputs", "options"}:
            if key in data and not isinstance(data[key], str):
                raise ValueError(f"{key}: expected a string, got {type(data[key]).__name__}")
        return cls(**data)


@dataclass
class Manifest:
    """Every figure's entry, keyed by its output file name."""

    path: Path
    entries: dict[str, Entry] = field(default_factory=dict)

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        """The folder's manifest; empty if there is none yet.

        Raises :class:`ManifestError` for a file that is not a manifest: it is
        left as it is, since the figures it describes may still be good.
        """
        path = folder / MANIFEST_NAME
        try:
            with open_regular(path) as file:
                text = file.read().decode("utf-8")
        except FileNotFoundError:
            return cls(path)
        except NotRegularFileError:
            raise ManifestError(
                f"{path}: is not a regular file, so not a manifest; remove it and run again"
            ) from None
        except (OSError, UnicodeDecodeError) as error:
            raise _corrupt(path, None, str(getattr(error, "strerror", None) or error)) from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise _corrupt(path, error.lineno, f"expected JSON, got {error.msg}") from None
        except RecursionError:
            message = "expected JSON, got arrays or objects nested too deeply"
            raise _corrupt(path, None, message) from None
        if not isinstance(data, dict) or data.get("layout") != LAYOUT:
            found = data.get("layout") if isinstance(data, dict) else type(data).__name__
            raise _corrupt(path, None, f"layout: expected {LAYOUT}, got {found!r}")
        raw = data.get("figures")
        if not isinstance(raw, dict):
            raise _corrupt(path, None, "figures: expected an object")
        entries: dict[str, Entry] = {}
        for name, item in raw.items():
            try:
                entries[name] = Entry.from_json(item)
            except (TypeError, ValueError) as error:
                raise _corrupt(path, None, f"figures.{name}: {error}") from None
        return cls(path, entries)

    def to_json(self) -> str:
        figures = {name: asdict(entry) for name, entry in self.entries.items()}
        text = json.dumps(
            {"layout": LAYOUT, "figures": figures}, indent=2, sort_keys=True, ensure_ascii=False
        )
        return text + "\n"

    def write(self) -> None:
        """Replace the file atomically: an interruption leaves the old one or the new one."""
        AtomicFile(self.path).write_text(self.to_json())

    def record(self, name: str, entry: Entry) -> None:
        """Add ``entry`` and write the file, keeping what other batches recorded meanwhile.

        Under the folder's lock the file is read again and only this entry
        changes in it, so two batches writing into one folder at once both
        keep every figure they finished.
        """
        with locked(self.path.parent):
            self.refresh()
            self.entries[name] = entry
            self.write()

    def refresh(self) -> None:
        """Read the entries again from the file, if it can be read (else keep these)."""
        with contextlib.suppress(ManifestError):
            self.entries = Manifest.read(self.path.parent).entries


def _corrupt(path: Path, line: int | None, message: str) -> ManifestError:
    where = f"{path}:{line}" if line else str(path)
    return ManifestError(
        f"{where}: not a readable adamviz manifest ({message}); "
        "run with --force to render every figure again and rewrite it"
    )
