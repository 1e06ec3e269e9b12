"""One scenario, end to end: simulate, draw every frame, stream them to a file.

The CLI's ``render`` and the batch workers both call :func:`render_scenario`;
each stage it joins knows nothing of the stages after it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from adamviz.figure.engine import Animation, FigureSpec
from adamviz.figure.parallel import auto_frame_workers, frames_in_workers
from adamviz.optim.trace import Trace
from adamviz.output.still import write_png
from adamviz.output.tables import simulate
from adamviz.output.video import FORMATS, VideoWriter
from adamviz.scenario import Scenario

#: Frames the GIF palette is computed from: enough to meet every colour the
#: animation uses (the last frame alone holds nearly all of them).
PALETTE_SAMPLES = 8


@dataclass(frozen=True)
class RenderOptions:
    """Overrides of the scenario's own ``render`` section (None: keep the scenario's)."""

    fmt: str = "gif"
    fps: int | None = None
    width: int | None = None
    height: int | None = None


def figure_spec(scenario: Scenario, options: RenderOptions) -> FigureSpec:
    minima = [
        getattr(p.gradient, "center", None) if p.gradient.pattern == "loss" else None
        for p in scenario.parameters
    ]
    return FigureSpec(
        title=scenario.title,
        param_names=scenario.param_names,
        panels=tuple(scenario.render.panels),
        width=options.width or scenario.render.width,
        height=options.height or scenario.render.height,
        minima=tuple(minima),
    )


def animation(
    scenario: Scenario, options: RenderOptions = RenderOptions(), trace: Trace | None = None
) -> Animation:
    """The scenario's animation, ready to draw any frame; ``trace``: its simulation, if known."""
    return Animation(simulate(scenario) if trace is None else trace, figure_spec(scenario, options))


def palette_sample(movie: Animation) -> list[np.ndarray]:
    """The frames a GIF's one palette is computed from, spread evenly over the animation."""
    indices = np.linspace(0, movie.n_frames - 1, PALETTE_SAMPLES).round().astype(int)
    return list(movie.frames(sorted(set(indices.tolist()))))


def render_scenario(
    scenario: Scenario,
    path: Path,
    options: RenderOptions,
    on_frame: Callable[[int, int], None] | None = None,
    frame_workers: int | None = None,
    trace: Trace | None = None,
) -> Path:
    """Write the scenario's animation (or, for png, its last frame) to ``path``.

    ``on_frame(done, total)``, if given, is called after each frame is handed
    to the encoder: how a batch shows each scenario's progress.
    ``frame_workers``: processes drawing frames beside this one (0: none; None:
    as many as spare cores repay, see :func:`adamviz.figure.parallel.auto_frame_workers`).
    The file is the same bytes whatever the number. ``trace``: the scenario's
    simulation when the caller already has it (a batch also writes its numbers).
    """
    if options.fmt not in FORMATS:
        raise ValueError(f"fmt: expected one of {FORMATS}, got {options.fmt!r}")
    movie = animation(scenario, options, trace)
    try:
        if options.fmt == "png":
            write_png(path, movie.frame(movie.n_frames - 1))
            return path
        palette = palette_sample(movie) if options.fmt == "gif" else []
        size = (movie.spec.width, movie.spec.height)
        fps = options.fps or scenario.render.fps
        workers = auto_frame_workers(movie.n_frames) if frame_workers is None else frame_workers
        frames = (
            frames_in_workers(movie.trace, movie.spec, workers)
            if workers > 0
            else (movie.frame_rgba(index) for index in range(movie.n_frames))
        )
        with contextlib.closing(frames), VideoWriter(path, size, fps, options.fmt, palette) as out:
            for done, frame in enumerate(frames, start=1):
                out.write(frame)
                if on_frame is not None:
                    on_frame(done, movie.n_frames)
    finally:
        movie.close()
    return path
