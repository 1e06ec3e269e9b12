"""One batch job, as a worker process (or a Dask worker) runs it.

A job is plain data (paths and a format), so it pickles to any executor. Its
paths are absolute and resolved: a Dask worker runs in a folder of its own,
where a relative path would name other files. The worker loads the scenario,
renders the animation, writes its numbers (the ``simulate`` CSV) beside it,
and hands back what the manifest needs: the hashes of the bytes the figure
was made from (as they were read, even if a file changed afterwards) and of
the files written. A problem the user can fix comes back as a failed
:class:`Outcome` with its one-line errors, naming files as the user typed
them, so one bad scenario never stops the others.

Interruption: local workers ignore Ctrl-C (the terminal sends it to the whole
process group); the batch stops them with SIGTERM, which unwinds the render
like Ctrl-C does (ffmpeg stopped, temporary file removed, earlier figure kept)
and then ends the worker without a traceback. A local worker whose batch is
gone (killed with SIGKILL) notices within a moment and stops itself the same way.
"""

from __future__ import annotations

import io
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from adamviz import __version__
from adamviz.errors import AdamvizError

#: Messages to the batch from local worker processes: ("start", output name, pid)
#: as a job begins, ("frame", output name, done, total) as it draws.
_progress: Any = None
_busy = False
#: The exit status of a worker stopped mid-job, as a shell reports Ctrl-C.
INTERRUPTED = 130
#: How often a local worker looks whether its batch is still there.
PARENT_POLL_SECONDS = 0.2
#: How long an orphaned worker gives its render's cleanup before it leaves regardless.
ORPHAN_GRACE_SECONDS = 10.0


@dataclass(frozen=True)
class Job:
    """Render ``scenario`` to ``output`` (format ``fmt``) and its numbers to ``numbers``.

    The three paths are absolute; ``shown`` pairs each with the path the user
    typed, so that error lines name files as the user knows them.
    """

    scenario: str
    output: str
    numbers: str
    fmt: str
    shown: tuple[tuple[str, str], ...] = ()

    def as_typed(self, line: str) -> str:
        for absolute, typed in sorted(self.shown, key=lambda pair: -len(pair[0])):
            line = line.replace(absolute, typed)
        return line


@dataclass(frozen=True)
class Outcome:
    """What a job did: the manifest's facts on success, error lines on failure."""

    job: Job
    seconds: float
    errors: tuple[str, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def init_local_worker(progress: Any) -> None:
    """Set up a local worker process: where messages go, how it is stopped, who it serves."""
    from adamviz.output.interrupt import quiet_dropped_stops

    global _progress
    _progress = progress
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_terminate)
    quiet_dropped_stops()
    parent = os.getppid()
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    """Stop this worker (as the batch would, with SIGTERM) once its batch process is gone.

    An orphan is adopted by another process, so its parent's pid changes; the
    check is a system call every few tenths of a second.
    """
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os.kill(os.getpid(), signal.SIGTERM)
    # Should the signal be ignored by now (a stop already under way), leave anyway,
    # once the cleanup has had its moment.
    time.sleep(ORPHAN_GRACE_SECONDS)
    from adamviz.output.atomic import discard_leftovers

    discard_leftovers()
    os._exit(INTERRUPTED)


def _on_terminate(signum: int, frame: FrameType | None) -> None:
    from adamviz.output.interrupt import request_stop

    if _busy:
        # Unwind the render (its cleanup runs on the way out), ignoring the
        # signals that follow; remembered, should a finalizer drop it.
        request_stop()
        return  # shielded: the render stops as the shielded step ends
    os._exit(INTERRUPTED)  # idle: nothing to clean up, and no traceback to print


def run_job(job: Job) -> Outcome:
    """Render one scenario; never raises for a problem the user can fix."""
    global _busy
    start = time.perf_counter()
    try:
        _busy = True
        try:
            if _progress is not None:
                _progress.put(("start", Path(job.output).name, os.getpid()))
            facts = _render(job)
        finally:
            _busy = False
    except BaseException as error:  # a stop landing in the finally above ends here too
        _exit_if_stopped(error)
        if not isinstance(error, AdamvizError):
            raise
        lines = tuple(job.as_typed(line) for line in error.lines())
        return Outcome(job, time.perf_counter() - start, lines)
    return Outcome(job, time.perf_counter() - start, facts=facts)


def _exit_if_stopped(error: BaseException) -> None:
    """A local worker stopped by the batch ends here, its render unwound, without a traceback.

    Whatever the error: an interruption raised inside C code can come out as
    that code's own error, or as a failure it caused.
    """
    from adamviz.output.interrupt import stop_requested

    stopped = isinstance(error, KeyboardInterrupt) or stop_requested()
    if _progress is not None and stopped:
        from adamviz.output.atomic import discard_leftovers

        discard_leftovers()
        os._exit(INTERRUPTED)


def _render(job: Job) -> dict[str, Any]:
    # Imported here, in the worker: the batch process itself never needs them.
    from adamviz.batch.manifest import sha256_of
    from adamviz.output.atomic import AtomicFile, refuse_inputs
    from adamviz.output.tables import write_csv
    from adamviz.pipeline import RenderOptions, check_looks, render_scenario, simulate, theme_of
    from adamviz.scenario import load
    from adamviz.streams.reads import CHANGED_WHILE_READ, key_of, watched_reads

    with watched_reads() as read:
        scenario = check_looks(load(job.scenario))  # a style sheet is read (and hashed) here
    folder = Path(job.scenario).parent
    inputs = {name: read.get(key_of(folder / name), CHANGED_WHILE_READ)
              for name in scenario.input_files()}  # fmt: skip
    output, numbers, name = Path(job.output), Path(job.numbers), Path(job.output).name
    sources = [Path(job.scenario), *(folder / file for file in inputs)]
    refuse_inputs(output, sources)
    refuse_inputs(numbers, sources)

    def report(done: int, total: int) -> None:
        if _progress is not None and (done == total or done % 5 == 0):
            _progress.put(("frame", name, done, total))

    # Simulated once, for the picture and the numbers (a closed loop of 100000
    # steps takes seconds). The batch already renders a scenario per core:
    # frames are drawn here, in order.
    traces = simulate(scenario)
    theme = theme_of(scenario)
    options = RenderOptions(fmt=job.fmt)
    render_scenario(scenario, output, options, report, frame_workers=0, traces=traces)
    table = io.StringIO()
    write_csv(traces, scenario.param_names, table)
    AtomicFile(numbers).write_text(table.getvalue())
    return {
        "scenario_sha256": read.get(key_of(job.scenario), CHANGED_WHILE_READ),
        "inputs": inputs,
        "adamviz": __version__,
        "output_sha256": sha256_of(output),
        "output_bytes": output.stat().st_size,
        "numbers_sha256": sha256_of(numbers),
        "title": scenario.title,
        "description": " ".join(scenario.description.split()),
        # The look, for the gallery to follow (a style sheet's bytes are in inputs).
        "theme": theme.name,
        "paper": theme.paper_hex,
    }
