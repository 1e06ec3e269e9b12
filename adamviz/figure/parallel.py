"""Frames drawn by worker processes, handed back in order: one render on several cores.

Each frame is a pure function of its step index (see :mod:`adamviz.figure.engine`),
so a worker that builds its own :class:`~adamviz.figure.engine.Animation` from the
same trace and figure spec draws the very pixels this process would: the file
comes out byte-identical to a serial render. Workers draw chunks of
consecutive frames; at most a few chunks per worker are in flight, so memory
stays flat however long the animation is, and the encoder sees the frames in
order.

It pays only when drawing, not encoding, is what a render waits for, and
when there are cores to spare beside ffmpeg's: :func:`auto_frame_workers`.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections import deque
from collections.abc import Generator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor

import numpy as np

from adamviz.cores import usable_cores
from adamviz.figure.engine import Animation, FigureSpec
from adamviz.optim.trace import Trace

#: Frames a worker draws per task: large enough to amortize the hand-over,
#: small enough that the chunks in flight hold little memory.
CHUNK = 8
#: Chunks in flight per worker: one being drawn, one waiting to be encoded.
IN_FLIGHT = 2
#: Below this many frames, starting workers (each imports matplotlib and
#: builds the figure, about a second) costs more than it saves.
MIN_FRAMES = 600

_movie: Animation | None = None


def auto_frame_workers(n_frames: int, cores: int | None = None) -> int:
    """Worker processes worth starting for a render: 0 (draw here) unless cores are spare.

    One core is kept for ffmpeg and one for this process, which feeds it; the
    rest may draw, if the animation is long enough to repay their start-up.
    """
    cores = cores if cores is not None else usable_cores()
    spare = cores - 2
    if spare < 1 or n_frames < MIN_FRAMES:
        return 0
    return min(spare, n_frames // (MIN_FRAMES // 2))


def _start_worker(traces: Sequence[Trace], spec: FigureSpec) -> None:
    global _movie
    # Ctrl-C at a terminal reaches the workers too: the parent decides, and the
    # pool's shutdown ends them without a traceback each.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _movie = Animation(traces, spec)


def _draw_chunk(indices: Sequence[int]) -> bytes:
    assert _movie is not None, "worker not started"
    return b"".join(_movie.frame_rgba(index).tobytes() for index in indices)


def frames_in_workers(
    traces: Trace | Sequence[Trace],
    spec: FigureSpec,
    workers: int,
    indices: Sequence[int] | None = None,
) -> Generator[np.ndarray, None, None]:
    """The frames ``indices`` (default: every step's), H×W×4 RGBA, read-only, in order,
    drawn by ``workers`` processes.

    ``traces`` and ``spec``: what the :class:`Animation` drawn here was given.
    """
    traces = (traces,) if isinstance(traces, Trace) else tuple(traces)
    wanted = list(range(traces[0].steps) if indices is None else indices)
    shape = (spec.height, spec.width, 4)
    chunks = iter(range(0, len(wanted), CHUNK))
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(traces, spec)
    ) as pool:
        pending: deque[Future[bytes]] = deque()

        def submit_next() -> None:
            start = next(chunks, None)
            if start is not None:
                pending.append(pool.submit(_draw_chunk, wanted[start : start + CHUNK]))

        try:
            for _ in range(workers * IN_FLIGHT):
                submit_next()
            while pending:
                pixels = pending.popleft().result()
                submit_next()
                yield from np.frombuffer(pixels, np.uint8).reshape(-1, *shape)
        finally:
            for future in pending:
                future.cancel()
