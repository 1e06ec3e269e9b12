"""How a batch shows its progress: live bars on a terminal, plain lines elsewhere.

On a terminal, rich draws a bar per scenario (frames drawn) and one for the
whole batch, redrawn in place; in a CI log or a pipe, each finished scenario
is one plain line, so logs stay readable. The closing summary table is plain
text either way (:func:`summary_lines`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol, TextIO


@dataclass(frozen=True)
class Row:
    """One scenario's line in the summary: its figure, what happened, seconds, size."""

    name: str
    status: str  # rendered, up to date, failed
    seconds: float | None
    size: int | None


class Display(Protocol):
    def frame(self, name: str, done: int, total: int) -> None: ...
    def finished(self, row: Row) -> None: ...
    def close(self) -> None: ...


class PlainDisplay:
    """One line per finished scenario: for logs and pipes."""

    def __init__(self, stream: TextIO, names: Sequence[str]) -> None:
        self.stream = stream
        self.total = len(names)
        self.done = 0

    def frame(self, name: str, done: int, total: int) -> None:
        pass  # a line per frame would drown a log

    def finished(self, row: Row) -> None:
        self.done += 1
        detail = f" in {row.seconds:.1f} s" if row.seconds is not None else ""
        size = f", {_size(row.size)}" if row.size is not None and row.status != "failed" else ""
        width = len(str(self.total))
        print(f"[{self.done:>{width}}/{self.total}] {row.status} {row.name}{detail}{size}",
              file=self.stream, flush=True)  # fmt: skip

    def close(self) -> None:
        pass


class LiveDisplay:
    """rich progress bars, redrawn in place: one per scenario and one overall."""

    def __init__(self, stream: TextIO, names: Sequence[str]) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(file=stream),
            transient=True,
        )
        self.overall = self.progress.add_task("all scenarios", total=len(names))
        self.tasks = {name: self.progress.add_task(name, total=None) for name in names}
        self.progress.start()

    def frame(self, name: str, done: int, total: int) -> None:
        self.progress.update(self.tasks[name], completed=done, total=total)

    def finished(self, row: Row) -> None:
        task = self.tasks[row.name]
        self.progress.update(task, description=f"{row.name} ({row.status})")
        if row.status != "failed":
            total = self.progress.tasks[task].total or 1
            self.progress.update(task, completed=total, total=total)
        self.progress.advance(self.overall)

    def close(self) -> None:
        self.progress.stop()


@contextlib.contextmanager
def render_progress(
    stream: TextIO | None, name: str
) -> Iterator[Callable[[int, int], None] | None]:
    """One render's progress, for ``on_frame(done, total)``: a bar on a terminal, as a batch's.

    Frames done, their rate and the time left, redrawn in place and gone when
    the render ends; nothing at all (None) when ``stream`` is not a terminal.
    """
    if stream is None or not stream.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("frames"),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=Console(file=stream),
        transient=True,
    )
    task = progress.add_task(name, total=None, rate="")

    def on_frame(done: int, total: int) -> None:
        speed = progress.tasks[0].speed
        rate = f"{speed:.0f}/s" if speed else ""
        progress.update(task, completed=done, total=total, rate=rate)

    progress.start()
    try:
        yield on_frame
    finally:
        progress.stop()


def display_for(stream: TextIO, names: Sequence[str]) -> Display:
    """Live bars when ``stream`` is a terminal, plain lines otherwise."""
    if stream.isatty():
        return LiveDisplay(stream, names)
    return PlainDisplay(stream, names)


def _size(size: int | None) -> str:
    if size is None:
        return "-"
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def summary_lines(rows: Sequence[Row]) -> list[str]:
    """The closing table: a row per scenario, then the counts."""
    width = max([len("figure"), *(len(row.name) for row in rows)])
    lines = [f"{'figure':<{width}}  {'status':<10}  {'seconds':>7}  {'size':>8}"]
    for row in rows:
        seconds = f"{row.seconds:.1f}" if row.seconds is not None else "-"
        lines.append(f"{row.name:<{width}}  {row.status:<10}  {seconds:>7}  {_size(row.size):>8}")
    counts = {status: sum(row.status == status for row in rows) for status in _STATUSES}
    tally = ", ".join(f"{n} {status}" for status, n in counts.items())
    lines.append(f"{len(rows)} scenario{'s' if len(rows) != 1 else ''}: {tally}")
    return lines


_STATUSES = ("rendered", "up to date", "failed")
