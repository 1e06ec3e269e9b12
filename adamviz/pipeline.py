"""One scenario, end to end: simulate, draw every frame, stream them to a file.

The CLI's ``render`` and ``simulate`` and the batch workers call these; each
stage they join knows nothing of the stages after it. Only :func:`simulate`
is needed for the numbers, so the figure and the encoders are imported by the
functions that draw, keeping ``adamviz simulate`` free of matplotlib.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from adamviz.catalog import DEFAULT_FORMAT
from adamviz.optim import kernel
from adamviz.optim.kernel import AdamConfig
from adamviz.optim.trace import Trace
from adamviz.scenario import Scenario

if TYPE_CHECKING:
    from adamviz.figure.engine import Animation, FigureSpec


@dataclass(frozen=True)
class RenderOptions:
    """Overrides of the scenario's own ``render`` section (None: keep the scenario's)."""

    fmt: str = DEFAULT_FORMAT
    fps: int | None = None
    width: int | None = None
    height: int | None = None


def adam_config(scenario: Scenario) -> AdamConfig:
    optimizer = scenario.optimizer
    return AdamConfig(
        lr=optimizer.lr, beta1=optimizer.beta1, beta2=optimizer.beta2, eps=optimizer.eps
    )


def simulate(scenario: Scenario) -> Trace:
    """Run the scenario's gradients through its optimizer; every quantity at every step.

    Open-loop gradients go to the optimizer as one array; a closed-loop
    scenario (a loss whose gradient depends on θ) hands it its
    ``GradientStream``, asked for g(θ_{t-1}) at every step.
    """
    stream = scenario.gradient_stream()
    gradients = stream.table if stream.is_open_loop else stream
    return kernel.run(gradients, scenario.theta0(), scenario.steps, adam_config(scenario))


def figure_spec(scenario: Scenario, options: RenderOptions) -> FigureSpec:
    from adamviz.figure.engine import FigureSpec

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
    from adamviz.figure.engine import Animation

    return Animation(simulate(scenario) if trace is None else trace, figure_spec(scenario, options))


@dataclass(frozen=True)
class _Frames:
    """An animation as the writers read it, its frames drawn here or by worker processes."""

    movie: Animation
    workers: int

    @property
    def n_frames(self) -> int:
        return self.movie.n_frames

    @property
    def size(self) -> tuple[int, int]:
        return self.movie.spec.width, self.movie.spec.height

    def frame(self, index: int) -> np.ndarray:
        return self.movie.frame(index)

    def stream(self) -> Generator[np.ndarray, None, None]:
        if self.workers > 0:
            from adamviz.figure.parallel import frames_in_workers

            return frames_in_workers(self.movie.traces, self.movie.spec, self.workers)
        return (self.movie.frame_rgba(index) for index in range(self.movie.n_frames))


def render_scenario(
    scenario: Scenario,
    path: Path,
    options: RenderOptions,
    on_frame: Callable[[int, int], None] | None = None,
    frame_workers: int | None = None,
    trace: Trace | None = None,
) -> Path:
    """Write the scenario's animation (or, for a still, its last frame) to ``path``.

    ``on_frame(done, total)``, if given, is called after each frame is handed
    to the encoder: how a batch shows each scenario's progress.
    ``frame_workers``: processes drawing frames beside this one (0: none; None:
    as many as spare cores repay, see :func:`adamviz.figure.parallel.auto_frame_workers`).
    The file is the same bytes whatever the number. ``trace``: the scenario's
    simulation when the caller already has it (a batch also writes its numbers).
    """
    from adamviz.figure.parallel import auto_frame_workers
    from adamviz.output.writers import WRITERS, WriteOptions, write

    if options.fmt not in WRITERS:
        raise ValueError(f"fmt: expected one of {tuple(WRITERS)}, got {options.fmt!r}")
    movie = animation(scenario, options, trace)
    try:
        workers = auto_frame_workers(movie.n_frames) if frame_workers is None else frame_workers
        fps = options.fps or scenario.render.fps
        write(path, options.fmt, _Frames(movie, workers), WriteOptions(fps, on_frame))
    finally:
        movie.close()
    return path
