"""``adamviz batch``: every scenario of a folder rendered, in parallel, only when stale.

The batch plans from hashes and the manifest alone (:mod:`adamviz.batch.plan`),
hands the stale scenarios to an executor (local worker processes, or a Dask
cluster's executor: anything with ``submit``), records each finished figure in
the manifest at once (so an interruption keeps every finished figure and its
entry), and ends by writing the gallery page.

Other batches may write into the same folder at the same time: the manifest
is merged under a lock at every entry (:meth:`Manifest.record`), and the
gallery is written from the merged manifest. A local worker that dies (the
OOM killer, kill -9) fails its own job only: the others go on in a fresh pool.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from adamviz.batch.gallery import Card, is_current, write_gallery
from adamviz.batch.manifest import MANIFEST_NAME, Entry, Manifest, ManifestError, locked
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
from adamviz.batch.worker import INTERRUPTED, Job, Outcome, init_local_worker, run_job
from adamviz.errors import OutputError, one_line
from adamviz.output.atomic import (
    abandoned_partials,
    make_writable_folder,
    remove_abandoned_partials,
)
from adamviz.output.interrupt import raise_if_stopping

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
    """``--check``: each scenario's status, the orphans, and temporaries a crash left."""

    statuses: list[tuple[Target, Status]]
    orphans: list[str]
    partials: list[Path] = field(default_factory=list)


def plan(paths: list[Path], folder: Path, fmt: str) -> list[Target]:
    return plan_targets(find_scenarios(paths), folder, fmt)


def check(paths: list[Path], folder: Path, fmt: str) -> Check:
    """Every scenario's status against the manifest; renders nothing, writes nothing."""
    _refuse_a_file(folder)
    targets = plan(paths, folder, fmt)
    manifest = Manifest.read(folder)
    statuses = [(t, status_of(t, manifest.entries.get(t.name), folder, fmt)) for t in targets]
    return Check(statuses, orphans(folder, manifest, targets), abandoned_partials(folder))


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
    if folder.is_dir():
        remove_abandoned_partials(folder)  # what a crash left: nobody will finish them
    if stale:
        _render_all(stale, folder, fmt, jobs, manifest, report, stream, executor_factory)
    order = {target.name: index for index, target in enumerate(targets)}
    report.rows.sort(key=lambda row: order[row.name])
    manifest.refresh()  # with what other batches into this folder recorded meanwhile
    report.orphans = orphans(folder, manifest, targets)
    if folder.is_dir():
        _write_gallery(folder, manifest)
    return report


def _write_gallery(folder: Path, manifest: Manifest) -> None:
    """The gallery of every figure the manifest knows, written under the manifest's lock.

    Checked first without the lock, so a batch with nothing to do writes (and
    creates) nothing, even in a folder it may not write.
    """
    if is_current(folder, _cards(folder, manifest)):
        return
    with locked(folder):
        manifest.refresh()
        write_gallery(folder, _cards(folder, manifest))


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
    """Render the stale targets, recording each finished one in the manifest at once.

    When a worker process dies, the pool is broken and every job in it comes
    back failed: the dead worker's own job fails, and the others are handed
    to a fresh pool (once: a job that breaks a second pool fails too).
    """
    # The longest first: a long render handed out last keeps one core busy alone at the end.
    stale = sorted(stale, key=_expected_cost, reverse=True)
    display = display_for(stream, [t.name for t in stale]) if stream is not None else None
    factory = executor_factory or _local_executor
    remaining, retried = list(stale), set[str]()

    def finish(target: Target, outcome: Outcome) -> None:
        row = _record(target, outcome, folder, fmt, manifest)
        report.rows.append(row.row)
        report.errors += row.errors
        if display is not None:
            display.finished(row.row)

    try:
        while remaining:
            workers = max(1, min(jobs, len(remaining)))
            with factory(workers) as (executor, progress):
                pool = _Pool(executor, progress, display)
                pool.run(remaining, fmt, finish)
                remaining = []
                broken = pool.broken()
                if broken:  # the dead worker's temporary: nobody will finish it now
                    remove_abandoned_partials(folder)
                for target, code in broken:
                    if code is None and target.name not in retried:
                        retried.add(target.name)
                        remaining.append(target)
                    else:
                        message = f"{target.scenario}: render failed: its worker process died "
                        finish(target, Outcome(_job(target, fmt), 0.0, (message + _death(code),)))
    finally:
        if display is not None:
            display.close()


def _expected_cost(target: Target) -> tuple[bool, int]:
    """How long a target's render should take, to order the jobs, without reading a scenario.

    Its figure's size when it has one (the bytes of a GIF or MP4 grow with its
    frames and all they show: among the bundled figures, the larger took the
    longer); a figure never rendered ranks first, by its scenario's size, since
    it may be long. Only the order depends on it, never what is rendered.
    """
    try:
        return (False, target.output.stat().st_size)
    except OSError:
        pass
    try:
        return (True, target.scenario.stat().st_size)
    except OSError:
        return (True, 0)


def _death(code: int | None) -> str:
    """How a worker process ended, for the line of the job it was running."""
    if code is None:
        return "again, in a fresh pool"
    if code == -signal.SIGKILL:
        return "(killed by SIGKILL, perhaps for want of memory); the other scenarios went on"
    if code < 0:
        return f"(killed by {signal.Signals(-code).name}); the other scenarios went on"
    return f"(exit status {code}); the other scenarios went on"


class _Pool:
    """One executor's run of jobs: their outcomes, and which died with a broken pool."""

    def __init__(self, executor: Executor, progress: Any, display: Display | None) -> None:
        self.executor, self.progress, self.display = executor, progress, display
        self.started: dict[str, int] = {}  # output name → pid of the worker that began it
        self._processes: dict[int, Any] = {}  # a local pool's processes, by pid
        self._broken: list[Target] = []

    def run(
        self, targets: list[Target], fmt: str, finish: Callable[[Target, Outcome], None]
    ) -> None:
        """``finish`` each target's outcome as it comes, except those a broken pool took down."""
        pending: dict[Future[Outcome], Target] = {
            self.executor.submit(run_job, _job(target, fmt)): target for target in targets
        }
        # A local pool starts its processes as jobs are submitted: all of them by now.
        self._processes = dict(getattr(self.executor, "_processes", None) or {})
        while pending:
            done, _ = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
            raise_if_stopping()  # a stop a finalizer dropped
            self._drain()
            for future in done:
                target = pending.pop(future)
                if isinstance(future.exception(), BrokenProcessPool):
                    self._broken.append(target)
                else:
                    finish(target, _outcome(future, target, fmt))

    def broken(self) -> list[tuple[Target, int | None]]:
        """The jobs a dead worker took down, each with that worker's exit code if it was the
        one running it (None: it only shared the pool, and may run again elsewhere)."""
        if not self._broken:
            return []
        self.executor.shutdown(wait=True)  # every process of the dead pool has ended
        self._drain()
        codes = {pid: process.exitcode for pid, process in self._processes.items()}
        ended_by_us = (None, 0, INTERRUPTED, -signal.SIGTERM)  # stopped, not died
        died = {pid for pid, code in codes.items() if code not in ended_by_us}
        result = []
        for target in self._broken:
            pid = self.started.get(target.name)
            result.append((target, codes[pid] if pid in died else None))
        return result

    def _drain(self) -> None:
        """Read the workers' messages: which job each began, and frame counts for the display."""
        if self.progress is None:
            return
        while True:
            try:
                if self.progress.empty():
                    return
                message = self.progress.get()
            except (OSError, ValueError, EOFError):
                return
            if message[0] == "start":
                self.started[message[1]] = message[2]
            elif self.display is not None:
                self.display.frame(*message[1:])


@dataclass(frozen=True)
class _Recorded:
    row: Row
    errors: list[str]


def _job(target: Target, fmt: str) -> Job:
    """The target as a job: absolute, resolved paths (a Dask worker runs in a folder of its
    own), with the paths as typed for the job's error lines."""
    typed = (target.scenario, target.output, target.numbers, target.output.parent)
    shown = tuple((str(path.resolve()), str(path)) for path in typed)
    return Job(shown[0][0], shown[1][0], shown[2][0], fmt, shown)


def _outcome(future: Future[Outcome], target: Target, fmt: str) -> Outcome:
    """The job's outcome; a bug becomes a failure of this job alone."""
    try:
        return future.result()
    except OSError as error:  # out of file descriptors or memory, in the worker
        where = f" ({error.filename})" if error.filename else ""
        message = f"{target.scenario}: render failed: {error.strerror or error}{where}"
        return Outcome(_job(target, fmt), 0.0, (one_line(message),))
    except Exception as error:  # one scenario's crash stops no other
        message = f"{target.scenario}: render failed unexpectedly: {type(error).__name__}: {error}"
        return Outcome(_job(target, fmt), 0.0, (one_line(message),))


def _record(
    target: Target, outcome: Outcome, folder: Path, fmt: str, manifest: Manifest
) -> _Recorded:
    """Put a finished figure in the manifest (written at once); a failure changes nothing."""
    if not outcome.ok:
        return _Recorded(Row(target.name, "failed", outcome.seconds, None), list(outcome.errors))
    facts = dict(outcome.facts)
    size = facts.pop("output_bytes")
    entry = Entry(
        scenario=scenario_path(target, folder),
        options=options_of(fmt),
        numbers=target.numbers.name,
        **facts,
    )
    try:
        manifest.record(target.name, entry)
    except OutputError as error:  # a full disk: this figure's entry, not the batch
        return _Recorded(Row(target.name, "failed", outcome.seconds, None), error.lines())
    return _Recorded(Row(target.name, "rendered", outcome.seconds, size), [])


@contextmanager
def _local_executor(workers: int) -> Iterator[tuple[Executor, Any]]:
    """Worker processes on this machine, with a queue for their progress.

    Spawned, not forked: the parent may run a display thread, and a fresh
    interpreter imports matplotlib once per worker anyway. On an interruption
    the workers are stopped with SIGTERM, which unwinds each render's cleanup.
    """
    context = multiprocessing.get_context("spawn")
    # A SimpleQueue writes each message before put() returns (a Queue hands it to
    # a thread): a worker killed just after saying which job it began has said it.
    progress = context.SimpleQueue()
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


def _cards(folder: Path, manifest: Manifest) -> list[Card]:
    """A gallery card per figure the manifest knows and the folder holds, by name."""
    return [
        Card(
            Path(name).stem,
            entry.title,
            entry.description,
            name,
            entry.numbers,
            scenario=entry.scenario,
            size=(folder / name).stat().st_size,
            paper=entry.paper,
        )
        for name, entry in sorted(manifest.entries.items())
        if (folder / name).is_file()
    ]
