"""One scenario, end to end: simulate, draw every frame, stream them to a file.

The CLI's ``render`` and ``simulate`` and the batch workers call these; each
stage they join knows nothing of the stages after it. Only :func:`simulate`
is needed for the numbers, so the figure and the encoders are imported by the
functions that draw, keeping ``adamviz simulate`` free of matplotlib.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from adamviz.catalog import DEFAULT_FORMAT
from adamviz.errors import OptionError, OutputError, SimulationError
from adamviz.optim.run import Run, run_many
from adamviz.optim.trace import Trace
from adamviz.scenario import Scenario

if TYPE_CHECKING:
    from adamviz.figure.engine import Animation, FigureSpec
    from adamviz.figure.surface_panel import SurfaceView
    from adamviz.figure.theme import Theme
    from adamviz.output.page import PageContent
    from adamviz.output.timeline import Timeline


@dataclass(frozen=True)
class RenderOptions:
    """Overrides of the scenario's own ``render`` section (None: keep the scenario's)."""

    fmt: str = DEFAULT_FORMAT
    fps: int | None = None
    width: int | None = None
    height: int | None = None
    #: The step a still shows (1-based); None: the last.
    step: int | None = None
    #: The largest file, in bytes, to write: fewer frames and pixels until it fits. None: any.
    max_size: int | None = None


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
        problem = _left_the_floats(trace, scenario.param_names) or _loss_overflowed(
            trace, scenario
        )
        if problem is not None:
            raise SimulationError(f"{scenario.source}: run {trace.label!r}: {problem}")
    return traces


def _loss_overflowed(trace: Trace, scenario: Scenario) -> str | None:
    """Where a scenario loss's value first stops being a finite float64, if it does.

    θ can stay finite while f(θ) overflows (b·(y − x²)² at x = 1e80): the loss
    panel would then have nothing to draw.
    """
    if scenario.loss is None:
        return None
    with np.errstate(all="ignore"):
        values = scenario.loss.surface(trace.params).value(trace.theta)
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size == 0:
        return None
    step = int(bad[0])
    return (
        f"the loss is {values[step]:g} at step {step + 1}: the run left the finite numbers "
        "(a learning rate too large, or a start too far out?)"
    )


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


def theme_of(scenario: Scenario) -> Theme:
    """The scenario's look as a theme; a :class:`ScenarioError` at the keys matplotlib rejects."""
    from adamviz.figure.looks import LookError, theme_for

    try:
        return theme_for(scenario.render, scenario.source.parent)
    except LookError as error:
        raise scenario.problems(error.problems) from None


def check_looks(scenario: Scenario) -> Scenario:
    """The scenario, once matplotlib knows its colours, font and style sheet.

    A built-in theme with no colours or font of its own needs no check, and
    no matplotlib: ``adamviz validate`` stays quick for those.
    """
    if not scenario.render.is_default():
        theme_of(scenario)
    return scenario


#: Formats whose pixels carry an alpha: a transparent background is kept in these alone
#: (the others show the theme's paper). The formats helper adds webm and webp writers.
ALPHA_FORMATS = frozenset({"png", "webm", "webp"})


def _background_for(theme: Theme, fmt: str) -> Theme:
    from dataclasses import replace

    return theme if fmt in ALPHA_FORMATS or not theme.transparent else replace(
        theme, transparent=False
    )


def figure_spec(scenario: Scenario, options: RenderOptions) -> FigureSpec:
    from adamviz.figure.captions import CaptionSpec
    from adamviz.figure.engine import FigureSpec

    minima = [
        getattr(p.gradient, "center", None)
        if p.gradient is not None and p.gradient.pattern == "loss"
        else None
        for p in scenario.parameters
    ]
    surface = _surface_view(scenario)
    if surface is not None and len(surface.minima) == 1:
        minima = [float(value) for value in surface.minima[0]]
    return FigureSpec(
        title=scenario.title,
        param_names=scenario.param_names,
        panels=tuple(scenario.render.panels),
        width=options.width or scenario.render.width,
        height=options.height or scenario.render.height,
        minima=tuple(minima),
        surface=surface,
        theme=_background_for(theme_of(scenario), options.fmt),
        captions=tuple(CaptionSpec(c.first, c.last, c.text) for c in scenario.captions),
        window=scenario.render.window,
    )


def _surface_view(scenario: Scenario) -> SurfaceView | None:
    """The scenario's loss over all of θ as the surface and loss panels show it, if it has one."""
    from adamviz.figure.surface_panel import SurfaceView

    if scenario.loss is None:
        return None
    params = len(scenario.parameters)
    loss = scenario.loss.surface(params)
    axes = scenario.surface_axes or (0, 0)
    names = scenario.param_names
    minima = tuple(tuple(float(v) for v in m) for m in loss.minima)
    # The plane through the minimum (θ0 if there is none, or several): the other parameters'
    # values there shift the loss, not its shape, for a loss that adds up per coordinate.
    at = minima[0] if len(minima) == 1 else tuple(scenario.theta0().tolist())
    return SurfaceView(loss.value, axes, (names[axes[0]], names[axes[1]]), at, minima)


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
    schedule = timeline(scenario.steps, fps, render.steps_per_frame, render.duration, render.hold)
    for pause in scenario.pause:
        schedule = schedule.paused(pause.at, pause.seconds)
    return schedule


@dataclass(frozen=True)
class _Frames:
    """An animation as the writers read it, its frames drawn here or by worker processes.

    Frame k shows the step the timeline gives it.
    """

    movie: Animation
    workers: int
    scenario: Scenario
    #: Per frame, the step it shows and for how long (a size budget may thin it).
    timeline: Timeline

    @property
    def n_frames(self) -> int:
        return self.timeline.n_frames

    @property
    def size(self) -> tuple[int, int]:
        return self.movie.spec.width, self.movie.spec.height

    @property
    def transparent(self) -> bool:
        """Whether frames are H×W×4 with the paper left out (``render.background``)."""
        return self.movie.spec.theme.transparent

    def frame(self, index: int) -> np.ndarray:
        return self.movie.frame(self.timeline.steps[index])

    def vector(self, index: int, fmt: str) -> bytes:
        return self.movie.vector(self.timeline.steps[index], fmt)

    def page_content(self) -> PageContent:
        from adamviz.output.page import PageContent

        return PageContent(
            title=self.scenario.title,
            description=self.scenario.description or "",
            param_names=self.scenario.param_names,
            traces=self.movie.traces,
            frame_steps=[step + 1 for step in self.timeline.steps],  # 0-based in the timeline
            captions=[(c.first, c.last, c.text) for c in self.scenario.captions],
        )

    def stream(self) -> Generator[np.ndarray, None, None]:
        steps = self.timeline.steps
        if self.workers > 0:
            from adamviz.figure.parallel import frames_in_workers

            return frames_in_workers(self.movie.traces, self.movie.spec, self.workers, steps)
        return (self.movie.frame_rgba(step) for step in steps)


def check_step(scenario: Scenario, step: int | None) -> None:
    """An ``OptionError`` unless ``step`` (a still's) is one of the scenario's steps."""
    if step is not None and not 1 <= step <= scenario.steps:
        raise OptionError(
            f"{scenario.source}: --step: expected a step from 1 to {scenario.steps}, got {step}"
        )


def render_scenario(
    scenario: Scenario,
    path: Path,
    options: RenderOptions,
    on_frame: Callable[[int, int], None] | None = None,
    frame_workers: int | None = None,
    traces: list[Trace] | None = None,
    notice: Callable[[str], None] | None = None,
) -> Path:
    """Write the scenario's animation (or, for a still, one step) to ``path``.

    ``on_frame(done, total)``, if given, is called after each frame is handed
    to the encoder: how a batch shows each scenario's progress.
    ``frame_workers``: processes drawing frames beside this one (0: none; None:
    as many as spare cores repay, see :func:`adamviz.figure.parallel.auto_frame_workers`).
    The file is the same bytes whatever the number. ``traces``: the scenario's
    simulation when the caller already has it (a batch also writes its numbers).
    ``options.max_size``: see :func:`_render_within`; ``notice(text)`` is told
    what was lowered to fit it, if anything.
    """
    from adamviz.output.writers import WRITERS

    if options.fmt not in WRITERS:
        raise ValueError(f"fmt: expected one of {tuple(WRITERS)}, got {options.fmt!r}")
    check_step(scenario, options.step)
    runs = simulate(scenario) if traces is None else traces
    if options.max_size is not None:
        return _render_within(scenario, path, options, on_frame, runs, notice)
    _render_once(scenario, path, options, on_frame, frame_workers, runs)
    return path


def _render_once(
    scenario: Scenario,
    path: Path,
    options: RenderOptions,
    on_frame: Callable[[int, int], None] | None,
    frame_workers: int | None,
    traces: list[Trace],
    stride: int = 1,
) -> None:
    """One render; ``stride``: every that many steps a frame, at the frame rate over it."""
    from adamviz.catalog import FORMATS
    from adamviz.figure.parallel import auto_frame_workers
    from adamviz.output.timeline import every_step
    from adamviz.output.writers import WriteOptions, write

    movie = animation(scenario, options, traces)
    try:
        if FORMATS[options.fmt].kind == "still":
            # A still shows one step, any step: its source holds every step, none held.
            schedule = every_step(scenario.steps, options.fps or scenario.render.fps)
        else:
            schedule = timeline_of(scenario, options).thinned(stride)
        # Frame i of every step shows steps 1..i+1: a still of step N is frame N-1.
        still = None if options.step is None else options.step - 1
        workers = auto_frame_workers(schedule.n_frames) if frame_workers is None else frame_workers
        source = _Frames(movie, workers, scenario, schedule)
        write(path, options.fmt, source, WriteOptions(schedule.fps, on_frame, still, schedule))
    finally:
        movie.close()


def _render_within(
    scenario: Scenario,
    path: Path,
    options: RenderOptions,
    on_frame: Callable[[int, int], None] | None,
    traces: list[Trace],
    notice: Callable[[str], None] | None,
) -> Path:
    """Render until a try fits ``options.max_size`` (see :mod:`adamviz.output.budget`).

    Each try is written to a hidden file beside ``path`` and measured; the one
    that fits is renamed over ``path``, so an earlier file is replaced only by
    one that fits, and left alone when nothing does (an ``OptionError``).
    """
    from adamviz.catalog import FORMATS
    from adamviz.output.budget import (
        ANIMATION_TRIES,
        STILL_TRIES,
        Attempt,
        format_size,
        predicted,
        too_large,
    )

    budget = options.max_size
    assert budget is not None
    width = options.width or scenario.render.width
    height = options.height or scenario.render.height
    fps = options.fps or scenario.render.fps
    still = FORMATS[options.fmt].kind == "still"
    tries = STILL_TRIES if still else ANIMATION_TRIES
    trial = path.with_name(f".{path.name[:120]}.fitting.partial")
    measured: list[tuple[str, int]] = []
    last: tuple[Attempt, int] | None = None
    try:
        for k, attempt in enumerate(tries):
            final = k == len(tries) - 1
            if last is not None and not final and predicted(last[1], last[0], attempt) > budget:
                continue  # cannot fit, by the last measure: no need to render it
            w, h = attempt.size(width, height)
            sized = RenderOptions(options.fmt, options.fps, w, h, options.step)
            _render_once(scenario, trial, sized, on_frame, 0, traces, attempt.stride)
            size = trial.stat().st_size
            measured.append((attempt.describe(width, height, fps), size))
            if size <= budget:
                try:
                    os.replace(trial, path)
                except OSError as error:
                    raise OutputError(f"{path}: cannot write: {error.strerror}") from None
                if k > 0 and notice is not None:
                    notice(f"{measured[-1][0]} ({format_size(size)}), to fit {format_size(budget)}")
                return path
            last = (attempt, size)
    finally:
        with contextlib.suppress(OSError):
            trial.unlink()
    raise OptionError(too_large(str(path), budget, measured))
