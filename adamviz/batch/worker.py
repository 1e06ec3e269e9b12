"""One batch job, as a worker process (or a Dask worker) runs it.

A job is plain data (paths and a format), so it pickles to any executor. The
worker loads the scenario, renders the animation, writes its numbers (the
``simulate`` CSV) beside it, and hands back what the manifest needs: the
hashes of what the figure was made from and of the files written. A problem
the user can fix comes back as a failed :class:`Outcome` with its one-line
errors, so one bad scenario never stops the others.

Interruption: local workers ignore Ctrl-C (the terminal sends it to the whole
process group); the batch stops them with SIGTERM, which unwinds the render
like Ctrl-C does (ffmpeg stopped, temporary file removed, earlier figure kept)
and then ends the worker without a traceback.
"""

from __future__ import annotations

import io
import os
import signal
import time
from dataclasses import dataclass, field
from multiprocessing.queues import Queue
from pathlib import Path
from types import FrameType
from typing import Any

from adamviz import __version__
from adamviz.batch.manifest import sha256_of
from adamviz.errors import AdamvizError

#: Progress messages go here in local worker processes: (output name, done, total).
_progress: Queue[tuple[str, int, int]] | None = None
_busy = False
#: The exit status of a worker stopped mid-job, as a shell reports Ctrl-C.
INTERRUPTED = 130


@dataclass(frozen=True)
class Job:
    """Render ``scenario`` to ``output`` (format ``fmt``) and its numbers to ``numbers``."""

    scenario: str
    output: str
    numbers: str
    fmt: str


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


def init_local_worker(progress: Queue[tuple[str, int, int]] | None) -> None:
    """Set up a local worker process: where progress goes, and how it is stopped."""
    global _progress
    _progress = progress
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_terminate)


def _on_terminate(signum: int, frame: FrameType | None) -> None:
    if _busy:
        raise KeyboardInterrupt  # unwind the render: its cleanup runs on the way out
    os._exit(INTERRUPTED)  # idle: nothing to clean up, and no traceback to print


def run_job(job: Job) -> Outcome:
    """Render one scenario; never raises for a problem the user can fix."""
    global _busy
    start = time.perf_counter()
    _busy = True
    try:
        facts = _render(job)
    except AdamvizError as error:
        return Outcome(job, time.perf_counter() - start, tuple(error.lines()))
    except KeyboardInterrupt:
        if _progress is not None:  # a local worker stopped by the batch
            os._exit(INTERRUPTED)
        raise
    finally:
        _busy = False
    return Outcome(job, time.perf_counter() - start, facts=facts)


def _render(job: Job) -> dict[str, Any]:
    # Imported here, in the worker: the batch process itself never needs them.
    from adamviz.output.atomic import AtomicFile
    from adamviz.output.tables import write_csv
    from adamviz.pipeline import RenderOptions, render_scenario, simulate
    from adamviz.scenario import load

    scenario_sha256 = sha256_of(Path(job.scenario))
    scenario = load(job.scenario)
    folder = Path(job.scenario).parent
    inputs = {name: sha256_of(folder / name) for name in scenario.input_files()}
    output, name = Path(job.output), Path(job.output).name

    def report(done: int, total: int) -> None:
        if _progress is not None and (done == total or done % 5 == 0):
            _progress.put((name, done, total))

    # Simulated once, for the picture and the numbers (a closed loop of 100000
    # steps takes seconds). The batch already renders a scenario per core:
    # frames are drawn here, in order.
    traces = simulate(scenario)
    options = RenderOptions(fmt=job.fmt)
    render_scenario(scenario, output, options, report, frame_workers=0, traces=traces)
    numbers = io.StringIO()
    write_csv(traces, scenario.param_names, numbers)
    AtomicFile(job.numbers).write_text(numbers.getvalue())
    return {
        "scenario_sha256": scenario_sha256,
        "inputs": inputs,
        "adamviz": __version__,
        "output_sha256": sha256_of(output),
        "output_bytes": output.stat().st_size,
        "numbers_sha256": sha256_of(Path(job.numbers)),
        "title": scenario.title,
        "description": " ".join(scenario.description.split()),
    }
