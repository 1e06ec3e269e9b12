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
from adamviz.errors import SimulationError
from adamviz.optim.run import Run, run_many
from adamviz.optim.trace import Trace
from adamviz.scenario import Scenario

if TYPE_CHECKING:
    from adamviz.figure.engine import Animation, FigureSpec
    from adamviz.output.timeline import Timeline


@dataclass(frozen=True)
class RenderOptions:
    """Overrides of the scenario's own ``render`` section (None: keep the scenario's)."""

    fmt: str = DEFAULT_FORMAT
    fps: int | None = None
    width: int | None = None
    height: int | None = None


def simulate(scenario: Scenario) -> list[Trace]:
    """Every run of the scenario over its gradients: one trace per run, in order.

    Every run sees the same stream. Open-loop gradients go to the optimizers as
    one array; a closed-loop scenario (a loss whose gradient depends on θ)
    hands each run the ``GradientStream``, asked for g(θ_{t-1}) at that run's
    own θ, with the same noise for every run.
    """
    stream = scenario.gradient_stream()
    gradients = stream.table if stream.is_open_loop else stream
    theta0 = scenario.theta0()
    runs = [Run(run.build(), gradients, theta0, run.label) for run in scenario.runs()]
    # A run that overflows is reported below, in one line, not as numpy's warnings.
    with np.errstate(all="ignore"):
        traces = run_many(runs, scenario.steps)
    for trace in traces:
        problem = _left_the_floats(trace, scenario.param_names)
        if problem is not None:
            raise SimulationError(f"{scenario.source}: run {trace.label!r}: {problem}")
    return traces


#: Where a closed loop's gradient may go: as at load, g² must stay a normal float64.
_GRADIENT_RANGE = (1.5e-154, 1e154)


def _left_the_floats(trace: Trace, names: list[str]) -> str | None:
    """The first value of the run that is not a finite float64 (or a usable gradient), if any.

    Only a step size may be infinite: lr/(√v̂+ε) with ε = 0 before any gradient.
    """
    smallest, largest = _GRADIENT_RANGE
    magnitude = np.abs(trace.grad)
    checks = {
        "grad": ~np.isfinite(trace.grad) | (magnitude > largest)
        | ((magnitude < smallest) & (magnitude > 0)),
        "theta": ~np.isfinite(trace.theta),
        "update": ~np.isfinite(trace.update),
    }  # fmt: skip
    for name, values in trace.quantities.items():
        checks[name] = np.isnan(values) if name == "step_size" else ~np.isfinite(values)
    first: tuple[int, int, str] | None = None
    for name, bad in checks.items():
        hits = np.argwhere(bad)
        if hits.size and (first is None or tuple(hits[0]) < first[:2]):
            first = (int(hits[0][0]), int(hits[0][1]), name)
    if first is None:
        return None
    step, param, name = first
    value = trace[name][step, param]
    return (
        f"{name} of {names[param]!r} is {value:g} at step {step + 1}: the run left the "
        "finite numbers (a learning rate or gradients too large?)"
    )


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
        window=scenario.render.window,
    )


def animation(
    scenario: Scenario,
    options: RenderOptions = RenderOptions(),
    traces: list[Trace] | None = None,
) -> Animation:
    """The scenario's animation, ready to draw any frame; ``traces``: its simulation, if known."""
    from adamviz.figure.engine import Animation
    from adamviz.figure.room import FigureTooSmall

    runs = simulate(scenario) if traces is None else traces
    try:
        return Animation(runs, figure_spec(scenario, options))
    except FigureTooSmall as error:
        # A scenario's problem, at its render settings, though only the layout finds it.
        raise scenario.problem(("render",), str(error)) from None


def check(scenario: Scenario) -> None:
    """Everything ``render`` would find wrong before it writes: the runs' numbers, and
    whether the figure has room for its panels (a layout problem only a layout finds)."""
    animation(scenario).close()


def timeline_of(scenario: Scenario, options: RenderOptions = RenderOptions()) -> Timeline:
    """Which step each frame shows and for how long, from the scenario's ``render`` section."""
    from adamviz.output.timeline import timeline

    render = scenario.render
    fps = options.fps or render.fps
    return timeline(scenario.steps, fps, render.steps_per_frame, render.duration, render.hold)


@dataclass(frozen=True)
class _Frames:
    """An animation as the writers read it, its frames drawn here or by worker processes.

    Frame k shows the step the timeline gives it.
    """

    movie: Animation
    workers: int
    timeline: Timeline

    @property
    def n_frames(self) -> int:
        return self.timeline.n_frames

    @property
    def size(self) -> tuple[int, int]:
        return self.movie.spec.width, self.movie.spec.height

    def frame(self, index: int) -> np.ndarray:
        return self.movie.frame(self.timeline.steps[index])

    def stream(self) -> Generator[np.ndarray, None, None]:
        steps = self.timeline.steps
        if self.workers > 0:
            from adamviz.figure.parallel import frames_in_workers

            return frames_in_workers(self.movie.traces, self.movie.spec, self.workers, steps)
        return (self.movie.frame_rgba(step) for step in steps)


def render_scenario(
    scenario: Scenario,
    path: Path,
    options: RenderOptions,
    on_frame: Callable[[int, int], None] | None = None,
    frame_workers: int | None = None,
    traces: list[Trace] | None = None,
) -> Path:
    """Write the scenario's animation (or, for a still, its last frame) to ``path``.

    ``on_frame(done, total)``, if given, is called after each frame is handed
    to the encoder: how a batch shows each scenario's progress.
    ``frame_workers``: processes drawing frames beside this one (0: none; None:
    as many as spare cores repay, see :func:`adamviz.figure.parallel.auto_frame_workers`).
    The file is the same bytes whatever the number. ``traces``: the scenario's
    simulation when the caller already has it (a batch also writes its numbers).
    """
    from adamviz.figure.parallel import auto_frame_workers
    from adamviz.output.writers import WRITERS, WriteOptions, write

    if options.fmt not in WRITERS:
        raise ValueError(f"fmt: expected one of {tuple(WRITERS)}, got {options.fmt!r}")
    movie = animation(scenario, options, traces)
    try:
        schedule = timeline_of(scenario, options)
        frames = schedule.n_frames
        workers = auto_frame_workers(frames) if frame_workers is None else frame_workers
        source = _Frames(movie, workers, schedule)
        write(path, options.fmt, source, WriteOptions(schedule.fps, on_frame, schedule))
    finally:
        movie.close()
    return path
