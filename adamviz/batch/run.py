"""``adamviz batch``: every scenario of a folder rendered, in parallel, only when stale.

The batch plans from hashes and the manifest alone (:mod:`adamviz.batch.plan`),
hands the stale scenarios to an executor (local worker processes, or a Dask
cluster's executor: anything with ``submit``), records each finished figure in
the manifest at once (so an interruption keeps every finished figure and its
entry), and ends by writing the gallery page.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty
from typing import Any, TextIO

from adamviz.batch.gallery import Card, write_gallery
from adamviz.batch.manifest import MANIFEST_NAME, Entry, Manifest, ManifestError
from adamviz.batch.plan import (
    Status,
    Target,
    find_scenarios,
    options_of,
    orphans,
    plan_targets,
    scenario_path,
    status_of,
)
from adamviz.batch.progress import Display, Row, display_for
from adamviz.batch.worker import Job, Outcome, init_local_worker, run_job
from adamviz.errors import OutputError
from adamviz.output.atomic import make_writable_folder

#: Makes an executor for ``jobs`` renders; yields it, and stops it on the way out.
ExecutorFactory = Callable[[int], Any]


@dataclass
class BatchReport:
    """What a batch did: a summary row per scenario, error lines, and orphans."""

    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.errors)


@dataclass(frozen=True)
class Check:
    """``--check``: each scenario's status, and the orphans."""

    statuses: list[tuple[Target, Status]]
    orphans: list[str]


def plan(paths: list[Path], folder: Path, fmt: str) -> list[Target]:
    return plan_targets(find_scenarios(paths), folder, fmt)


def check(paths: list[Path], folder: Path, fmt: str) -> Check:
    """Every scenario's status against the manifest; renders nothing, writes nothing."""
    _refuse_a_file(folder)
    targets = plan(paths, folder, fmt)
    manifest = Manifest.read(folder)
    statuses = [(t, status_of(t, manifest.entries.get(t.name), folder, fmt)) for t in targets]
    return Check(statuses, orphans(folder, manifest, targets))


def run_batch(
    paths: list[Path],
    folder: Path,
    fmt: str,
    jobs: int,
    force: bool = False,
    stream: TextIO | None = None,
    executor_factory: ExecutorFactory | None = None,
) -> BatchReport:
    """Render every stale scenario under ``paths`` into ``folder``; see the module doc.

    ``force`` renders everything, and replaces a manifest that cannot be read.
    """
    _refuse_a_file(folder)
    targets = plan(paths, folder, fmt)
    try:
        manifest = Manifest.read(folder)
    except ManifestError:
        if not force:
            raise
        manifest = Manifest(folder / MANIFEST_NAME)
    report = BatchReport()
    stale: list[Target] = []
    for target in targets:
        entry = manifest.entries.get(target.name)
        if not force and status_of(target, entry, folder, fmt).up_to_date:
            size = target.output.stat().st_size
            report.rows.append(Row(target.name, "up to date", None, size))
        else:
            stale.append(target)
    if stale:
        make_writable_folder(folder)  # one error now rather than one per figure later
        _render_all(stale, folder, fmt, jobs, manifest, report, stream, executor_factory)
    order = {target.name: index for index, target in enumerate(targets)}
    report.rows.sort(key=lambda row: order[row.name])
    report.orphans = orphans(folder, manifest, targets)
    if folder.is_dir():
        write_gallery(folder, _cards(folder, manifest))
    return report


def _refuse_a_file(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: is a file, expected a folder for the figures")


def _render_all(
    stale: list[Target],
    folder: Path,
    fmt: str,
    jobs: int,
    manifest: Manifest,
    report: BatchReport,
    stream: TextIO | None,
    executor_factory: ExecutorFactory | None,
) -> None:
    """Render the stale targets, recording each finished one in the manifest at once."""
    display = display_for(stream, [t.name for t in stale]) if stream is not None else None
    workers = max(1, min(jobs, len(stale)))
    factory = executor_factory or _local_executor
    try:
        with factory(workers) as (executor, progress):
            pending: dict[Future[Outcome], Target] = {
                executor.submit(run_job, _job(target, fmt)): target for target in stale
            }
            while pending:
                done, _ = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
                _drain(progress, display)
                for future in done:
                    target = pending.pop(future)
                    row = _record(target, _outcome(future, target, fmt), folder, fmt, manifest)
                    report.rows.append(row.row)
                    report.errors += row.errors
                    if display is not None:
                        display.finished(row.row)
    finally:
        if display is not None:
            display.close()


@dataclass(frozen=True)
class _Recorded:
    row: Row
    errors: list[str]


def _job(target: Target, fmt: str) -> Job:
    return Job(str(target.scenario), str(target.output), str(target.numbers), fmt)


def _outcome(future: Future[Outcome], target: Target, fmt: str) -> Outcome:
    """The job's outcome; a worker that died or a bug becomes a failure of this job alone."""
    try:
        return future.result()
    except Exception as error:  # one scenario's crash (a dead worker, a bug) stops no other
        message = f"{target.scenario}: render failed unexpectedly: {type(error).__name__}: {error}"
        return Outcome(_job(target, fmt), 0.0, (message,))


def _record(
    target: Target, outcome: Outcome, folder: Path, fmt: str, manifest: Manifest
) -> _Recorded:
    """Put a finished figure in the manifest (written at once); a failure changes nothing."""
    if not outcome.ok:
        return _Recorded(Row(target.name, "failed", outcome.seconds, None), list(outcome.errors))
    facts = dict(outcome.facts)
    size = facts.pop("output_bytes")
    manifest.entries[target.name] = Entry(
        scenario=scenario_path(target, folder),
        options=options_of(fmt),
        numbers=target.numbers.name,
        **facts,
    )
    manifest.write()
    return _Recorded(Row(target.name, "rendered", outcome.seconds, size), [])


def _drain(progress: Any, display: Display | None) -> None:
    """Pass the workers' frame counts on to the display."""
    if progress is None:
        return
    while True:
        try:
            name, done, total = progress.get_nowait()
        except (Empty, OSError, ValueError):
            return
        if display is not None:
            display.frame(name, done, total)


@contextmanager
def _local_executor(workers: int) -> Iterator[tuple[Executor, Any]]:
    """Worker processes on this machine, with a queue for their progress.

    Spawned, not forked: the parent may run a display thread, and a fresh
    interpreter imports matplotlib once per worker anyway. On an interruption
    the workers are stopped with SIGTERM, which unwinds each render's cleanup.
    """
    context = multiprocessing.get_context("spawn")
    progress = context.Queue()
    executor = ProcessPoolExecutor(
        max_workers=workers, mp_context=context,
        initializer=init_local_worker, initargs=(progress,),
    )  # fmt: skip
    try:
        yield executor, progress
    except BaseException:
        processes = list(getattr(executor, "_processes", {}).values())
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive() and process.pid is not None:
                os.kill(process.pid, signal.SIGTERM)
        for process in processes:
            process.join(timeout=10)
        raise
    else:
        executor.shutdown(wait=True)
    finally:
        progress.close()
        progress.join_thread()


def _cards(folder: Path, manifest: Manifest) -> list[Card]:
    """A gallery card per figure the manifest knows and the folder holds, by name."""
    return [
        Card(Path(name).stem, entry.title, entry.description, name, entry.numbers)
        for name, entry in sorted(manifest.entries.items())
        if (folder / name).is_file()
    ]
