"""The scenario models: hyperparameters, parameters, render settings and the whole scenario.

Field types come from :mod:`adamviz.scenario.fields`, gradient patterns from
:mod:`adamviz.scenario.patterns`; :func:`draw_gradients` turns validated
parameters into the :class:`GradientStream` the kernel reads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import numpy as np
from pydantic import AfterValidator, Field, PrivateAttr, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from adamviz.catalog import DEFAULT_PANELS, PANELS, THEMES
from adamviz.errors import Problem, ScenarioError
from adamviz.scenario.fields import (
    EXPECTED,
    MAX_PARAMETERS,
    MAX_STEPS,
    Name,
    Number,
    Panel,
    Seed,
    StepCount,
    StrictModel,
    Text,
    even_int,
    expect,
    expect_list,
)
from adamviz.scenario.looks import CaptionList, Looks, check_captions
from adamviz.scenario.loss import Loss, LossSpec, loss_stream
from adamviz.scenario.maths import Label
from adamviz.scenario.optimizers import (
    DEFAULT_OPTIMIZER,
    MODELS,
    OptimizerEntry,
    OptimizerSpec,
    SingleOptimizer,
)
from adamviz.scenario.patterns import (
    Array,
    DrawError,
    FilePattern,
    Gradient,
    LossPattern,
    SegmentsPattern,
    SparsePattern,
)
from adamviz.scenario.pauses import PauseList, check_pauses
from adamviz.scenario.plan import MAX_RUNS, Run, plan_runs
from adamviz.scenario.problem_text import KeyPath, did_you_mean, dotted
from adamviz.scenario.recorded_steps import recorded_steps
from adamviz.streams import GradientStream

if TYPE_CHECKING:  # problems reads the models' types: a cycle at run time
    from adamviz.scenario.problems import Locator


class Parameter(StrictModel):
    """One scalar parameter θ and the gradients Adam sees for it."""

    name: Label = Field(description="Label in the figure; unique within the scenario.")
    init: Number = Field(0.0, description="θ before the first step.")
    # None: left out (or null), the scenario's loss gives it; without one, it is required.
    gradient: Gradient | None = Field(
        None,
        description="The gradient pattern, chosen by its 'pattern' key; leave it out when the "
        "scenario has a 'loss' over all the parameters.",
    )


def _unique_names(parameters: list[Parameter]) -> list[Parameter]:
    first: dict[str, int] = {}
    for index, parameter in enumerate(parameters):
        if parameter.name in first:
            raise PydanticCustomError(
                EXPECTED,
                "expected {expected}",
                {
                    "expected": "a unique name",
                    "found": f"{parameter.name!r} (also parameters[{first[parameter.name]}].name)",
                    "at": (index, "name"),
                },
            )
        first[parameter.name] = index
    return parameters


def _problem(at: KeyPath, expected: str, found: str) -> PydanticCustomError:
    """A problem the scenario as a whole finds, at the key ``at`` (from the top)."""
    return PydanticCustomError(
        EXPECTED, "expected {expected}", {"expected": expected, "found": found, "at": at}
    )


SweepValue = Annotated[float | bool, expect("a number, or true or false")]
_SWEEP_VALUES = f"a list of 1 to {MAX_RUNS} values"


def _unique_panels(panels: list[str]) -> list[str]:
    for index, panel in enumerate(panels):
        if panel in panels[:index]:
            raise PydanticCustomError(
                EXPECTED,
                "expected {expected}",
                {"expected": "each panel once", "found": f"{panel!r} again", "at": (index,)},
            )
    return panels


class Render(Looks):
    """How the animation looks; the renderer reads it, the simulation ignores it.

    Its theme, colours, font and background are :class:`~adamviz.scenario.looks.Looks`'.
    """

    fps: Annotated[int, Field(ge=1, le=60), expect("an integer from 1 to 60")] = Field(
        20, description="Frames per second."
    )
    width: even_int(160, 3840) = Field(960, description="Frame width in pixels (even).")
    height: even_int(90, 2160) = Field(540, description="Frame height in pixels (even).")
    panels: Annotated[
        list[Panel],
        expect_list(f"a non-empty list of panels ({', '.join(PANELS)})", 1),
        AfterValidator(_unique_panels),
    ] = Field(
        default_factory=lambda: list(DEFAULT_PANELS),
        min_length=1,
        description="Panels from top to bottom: gradients, ratio, step_size, theta, update; "
        "with a scenario 'loss', surface (the paths on its contours) and loss (its value).",
    )
    surface: Annotated[
        list[Name], expect_list("a list of two parameter names, [x, y]", 2, 2)
    ] = Field(
        None,
        description="The two parameters the surface panel shows, [x, y] (default: the two "
        "parameters, when there are exactly two).",
    )
    # The frame schedule (adamviz.output.timeline): long runs get several steps a frame.
    steps_per_frame: Annotated[int, Field(ge=1), expect("an integer >= 1")] = Field(
        None, description="Steps each frame advances (the last frame shows the last step); "
        "default: 1 up to 600 steps, else as many as make a video of about 30 s.",
    )  # fmt: skip
    duration: Annotated[float, Field(gt=0), expect("a number of seconds > 0")] = Field(
        None, description="The video's length in seconds before the hold: adamviz chooses "
        "the steps per frame (instead of steps_per_frame).",
    )  # fmt: skip
    hold: Annotated[float, Field(ge=0, le=60), expect("a number of seconds from 0 to 60")] = (
        Field(2.0, description="How long the last frame stays on screen, in seconds.")
    )
    window: Annotated[int, Field(ge=2), expect("an integer >= 2")] = Field(
        None, description="The step axis follows the last this many steps (default: all steps).",
    )  # fmt: skip


def window_problem(window: int | None, steps: int | None) -> tuple[str, str] | None:
    """What is wrong with ``render.window`` for ``steps`` steps (expected, found), if anything."""
    if window is None or steps is None or window <= steps:
        return None
    return f"at most the {steps} steps", str(window)


class Scenario(StrictModel):
    """A validated scenario: what to simulate and how to draw it.

    ``load`` is the usual way to get one; it also sets ``source`` and draws the
    gradients once, so that every mistake in the file is reported at load.
    """

    title: Label = Field(description="Shown above the animation.")
    description: Text = Field("", description="A paragraph a reader sees beside the animation.")
    # Left out, it is the recorded files' length: ``load`` fills it in (recorded_steps).
    steps: StepCount = Field(
        None,
        description=f"Number of optimizer steps, 1 to {MAX_STEPS}; may be left out "
        "when gradients come from files ({pattern: file}): as many steps as they have rows.",
    )
    seed: Seed = Field(0, description="Seed for every random draw; same seed, same numbers.")
    # No "| None": written out, the key needs a mapping; left out, it is Adam's defaults.
    optimizer: SingleOptimizer = Field(
        None,
        description="One optimizer (name defaults to adam, with torch's defaults); "
        "or use 'optimizers' for several.",
    )
    optimizers: Annotated[
        list[OptimizerEntry],
        expect_list(f"a list of 1 to {MAX_RUNS} optimizers", 1, MAX_RUNS),
    ] = Field(
        None,
        description="Several optimizers side by side, on the same gradients; each a mapping "
        "with 'name', an optional 'label', and that optimizer's torch keywords.",
    )
    sweep: dict[
        Name, Annotated[list[SweepValue], expect_list(_SWEEP_VALUES, 1, MAX_RUNS)]
    ] = Field(
        None,
        description="Every optimizer once per value (several keys: every combination), "
        f"at most {MAX_RUNS} runs in all, e.g. {{beta2: [0.9, 0.99, 0.999]}}.",
    )
    parameters: Annotated[
        list[Parameter],
        expect_list(f"a list of 1 to {MAX_PARAMETERS} parameters", 1, MAX_PARAMETERS),
        AfterValidator(_unique_names),
    ] = Field(
        min_length=1,
        max_length=MAX_PARAMETERS,
        description="The parameters, one column of the figure each.",
    )
    loss: Loss | None = Field(
        None,
        description="One loss over all the parameters, chosen by its 'name' (quadratic, "
        "rosenbrock, beale, himmelblau, saddle, absolute): every gradient is ∇f at the run's "
        "own θ, plus 'noise'. The parameters then take no 'gradient'.",
    )
    render: Render = Field(default_factory=Render, description="Frame rate, size and panels.")
    captions: CaptionList = Field(
        default_factory=list,
        description="Words on the frames while their steps play: a list of {from, to, text}.",
    )
    pause: PauseList = Field(
        default_factory=list,
        description="Frames held longer, where the reader must look: a list of "
        "{at: STEP, seconds: 1.5}.",
    )

    @model_validator(mode="after")
    def _schedule_makes_sense(self) -> Scenario:
        render = self.render
        if render.steps_per_frame is not None and render.duration is not None:
            raise _problem(("render", "duration"), "either 'steps_per_frame' or 'duration'",
                           "both")  # fmt: skip
        if render.duration is not None:
            # As adamviz.output.timeline.frames_for counts them (before it caps them at the steps).
            frames = round(render.duration * render.fps)
            if not 1 <= frames <= MAX_STEPS:
                raise _problem(
                    ("render", "duration"), f"a duration of 1 to {MAX_STEPS} frames at "
                    f"{render.fps} fps", f"{render.duration:g} s ({frames} frames)",
                )  # fmt: skip
        problem = window_problem(render.window, self.steps)
        if problem is not None:  # steps left out: load checks it once the files say how many
            raise _problem(("render", "window"), *problem)
        return self

    @model_validator(mode="after")
    def _runs_make_sense(self) -> Scenario:
        if self.optimizer is not None and self.optimizers is not None:
            raise _problem(("optimizers",), "either 'optimizer' or 'optimizers'", "both")
        self._check_sweep()
        check_captions(self.captions, self.steps)
        check_pauses(self.pause, self.steps)
        runs = self.runs()
        if len(runs) > MAX_RUNS:
            where = ("sweep",) if self.sweep else ("optimizers",)
            raise _problem(where, f"at most {MAX_RUNS} runs (optimizers × sweep values)",
                           f"{len(runs)} runs")  # fmt: skip
        per_optimizer = len(runs) // len(self.optimizer_specs)
        first: dict[str, int] = {}
        for index, run in enumerate(runs):
            if run.label in first:
                if first[run.label] // per_optimizer == index // per_optimizer:
                    raise _problem(("sweep",), "each value once", f"{run.label!r} twice")
                at = ("optimizers", index // per_optimizer, "label")
                raise _problem(at, "a label of its own for each run", f"{run.label!r} twice")
            first[run.label] = index
        return self

    @model_validator(mode="after")
    def _loss_fits(self) -> Scenario:
        """A scenario loss instead of gradient patterns, and surface panels that can be drawn."""
        for index, parameter in enumerate(self.parameters):
            if self.loss is None and parameter.gradient is None:
                raise PydanticCustomError(EXPECTED, "required key missing", {
                    "expected": "", "missing": True, "at": ("parameters", index, "gradient"),
                })  # fmt: skip
            if self.loss is not None and parameter.gradient is not None:
                raise _problem(
                    ("parameters", index, "gradient"),
                    "no gradient pattern (the scenario's 'loss' gives every gradient)",
                    "a gradient pattern",
                )
        if self.loss is not None and self.steps is None:
            # Only a recorded file's rows can stand for the steps; a loss has none.
            raise PydanticCustomError(EXPECTED, "required key missing", {
                "expected": "", "missing": True, "at": ("steps",),
            })  # fmt: skip
        if self.loss is not None:
            misfit = self.loss.misfit(len(self.parameters))
            if misfit is not None:
                raise _problem(*misfit)
        wanted = [p for p in ("surface", "loss") if p in self.render.panels]
        if wanted and self.loss is None:
            at = ("render", "panels", self.render.panels.index(wanted[0]))
            raise _problem(at, f"a scenario 'loss' for the {wanted[0]} panel", "none")
        self._check_surface()
        return self

    def _check_surface(self) -> None:
        names, chosen = self.param_names, self.render.surface
        if chosen is not None:
            for index, name in enumerate(chosen):
                if name not in names:
                    raise PydanticCustomError(EXPECTED, "expected {expected}", {
                        "expected": f"a parameter's name ({', '.join(names)})",
                        "found": repr(name), "hint": did_you_mean(name, names),
                        "at": ("render", "surface", index),
                    })  # fmt: skip
            if chosen[0] == chosen[1]:
                raise _problem(("render", "surface"), "two different parameters",
                               f"{chosen[0]!r} twice")  # fmt: skip
        elif "surface" in self.render.panels and len(names) != 2:
            at = ("render", "panels", self.render.panels.index("surface"))
            expected = ("two parameters for the surface panel (x and y)" if len(names) < 2 else
                        "render.surface: [x, y] to choose the two parameters the surface shows")
            raise _problem(at, expected, f"{len(names)} parameter" + "s" * (len(names) != 1))

    @property
    def surface_axes(self) -> tuple[int, int] | None:
        """The columns of θ the surface panel shows (x, y), if the scenario has a loss to show."""
        if self.loss is None or len(self.parameters) < 2:
            return None
        chosen = self.render.surface or self.param_names[:2]
        return self.param_names.index(chosen[0]), self.param_names.index(chosen[1])

    def _check_sweep(self) -> None:
        for key, values in (self.sweep or {}).items():
            for spec in self.optimizer_specs:
                model, keywords = type(spec), spec.hyperparameters()
                if key not in keywords:
                    takes = ", ".join(keywords)
                    raise _problem(
                        ("sweep", key), f"a hyperparameter of every optimizer ({spec.name} takes "
                        f"{takes})", repr(key),
                    )  # fmt: skip
                for index, value in enumerate(values):
                    try:
                        model.model_validate({**spec.model_dump(), key: value})
                    except ValidationError as error:
                        detail = error.errors()[0]
                        expected = (detail.get("ctx") or {}).get("expected", detail["msg"])
                        raise _problem(
                            ("sweep", key, index), f"{expected} for {spec.name}", repr(value)
                        ) from None

    @property
    def optimizer_specs(self) -> list[OptimizerSpec]:
        """The optimizers as written: ``optimizers``, else ``optimizer``, else Adam's defaults."""
        if self.optimizers is not None:
            return list(self.optimizers)
        if self.optimizer is not None:
            return [self.optimizer]
        return [MODELS[DEFAULT_OPTIMIZER](name=DEFAULT_OPTIMIZER)]

    def runs(self) -> list[Run]:
        """Every optimizer once per sweep value, in order: what the figure shows side by side."""
        return plan_runs(self.optimizer_specs, self.sweep or {})

    # Private, so a YAML file cannot set them and they stay out of dumps and the schema.
    _source: Path = PrivateAttr(default_factory=lambda: Path("<scenario>"))
    _stream: GradientStream | None = PrivateAttr(default=None)
    #: Where each key of the file is, for problems found after load.
    _locate: Locator | None = PrivateAttr(default=None)

    def problems(self, found: Sequence[tuple[KeyPath, str]]) -> ScenarioError:
        """Problems a later stage found (a colour matplotlib does not know), at their lines."""
        if self._locate is None:
            return ScenarioError([Problem(str(self.source), None, dotted(p), m) for p, m in found])
        located = [self._locate.problem(p, m) for p, m in found]
        return ScenarioError(sorted(located, key=lambda p: p.line or 0))

    def problem(self, path: KeyPath, message: str) -> ScenarioError:
        """One problem found after load (by the figure), at the line of ``path`` in the file."""
        return self.problems([(path, message)])

    @property
    def source(self) -> Path:
        """The file this scenario came from; relative gradient files resolve beside it."""
        return self._source

    @property
    def param_names(self) -> list[str]:
        return [parameter.name for parameter in self.parameters]

    def input_files(self) -> list[str]:
        """The files this scenario reads, as written (relative to its folder): recorded
        gradients, and a style sheet.

        In the order they appear, each once: what ``adamviz batch`` hashes to know
        whether a figure is still up to date.
        """
        paths: list[str] = []
        for parameter in self.parameters:
            spec = parameter.gradient
            if spec is None:
                continue
            pieces = spec.segments if isinstance(spec, SegmentsPattern) else [spec]
            pieces = [piece.of if isinstance(piece, SparsePattern) else piece for piece in pieces]
            paths += [piece.path for piece in pieces if isinstance(piece, FilePattern)]
        if self.render.theme not in THEMES:  # a style sheet: the figure is made of it too
            paths.append(self.render.theme)
        return list(dict.fromkeys(paths))

    def theta0(self) -> np.ndarray:
        """θ before the first step, float64, one entry per parameter."""
        return np.array([parameter.init for parameter in self.parameters], dtype=np.float64)

    def gradient_stream(self) -> GradientStream:
        """The gradients, drawn once and cached (``load`` has already drawn them).

        Raises :class:`ScenarioError` (without line numbers) if a scenario built
        in code names a missing file or too few values.
        """
        if self._stream is None:
            folder = self.source.parent
            steps, problems = self.steps, []
            if steps is None:  # built in code without steps: ``load`` would have filled it in
                steps, problems = recorded_steps([p.gradient for p in self.parameters], folder)
            stream = None
            if steps is not None:
                stream, problems = draw_gradients(
                    steps, self.seed, self.parameters, folder, self.loss
                )
            if stream is None:
                raise ScenarioError(
                    [Problem(str(self.source), None, dotted(p), m) for p, m in problems]
                )
            self._stream = stream
        return self._stream


#: Beyond these magnitudes g² is not a normal float64 (it overflows to inf, or
#: underflows toward 0), and v, √v̂ and the ratio would show rounding, not Adam.
LARGEST_GRADIENT = 1e154
SMALLEST_GRADIENT = 1.5e-154


def _unrepresentable_square(column: Array) -> str | None:
    """Why a drawn column cannot go through Adam in float64, naming its first bad step."""
    magnitude = np.abs(column)
    # NaN compares false with everything, so it is named on its own (a sine of period 1e-320).
    bad = np.flatnonzero(
        ~np.isfinite(column)
        | (magnitude > LARGEST_GRADIENT)
        | ((magnitude < SMALLEST_GRADIENT) & (magnitude > 0))
    )
    if bad.size == 0:
        return None
    step = int(bad[0]) + 1
    return (
        f"expected gradients of magnitude {SMALLEST_GRADIENT:g} to {LARGEST_GRADIENT:g} (or 0), "
        f"so that g² is a normal float64, got {column[bad[0]]:g} at step {step}"
    )


def draw_gradients(
    steps: int,
    seed: int,
    parameters: Sequence[Parameter | None],
    folder: Path,
    loss: LossSpec | None = None,
) -> tuple[GradientStream | None, list[tuple[KeyPath, str]]]:
    """Draw every parameter's column; ``None`` entries (invalid ones) are skipped.

    Each parameter gets its own child of ``SeedSequence(seed)``, so adding a
    parameter never changes another's numbers. Returns a stream only if every
    parameter was given and drawn. With a scenario ``loss`` the columns are its
    noise, and the stream adds ∇f(θ) step by step.
    """
    if loss is not None:
        if any(parameter is None for parameter in parameters):
            return None, []
        return loss_stream(steps, seed, len(parameters), loss), []
    children = np.random.SeedSequence(seed).spawn(len(parameters))
    columns: list[Array] = []
    losses: list[tuple[int, Callable[[float], float]]] = []
    problems: list[tuple[KeyPath, str]] = []
    for index, (parameter, child) in enumerate(zip(parameters, children, strict=True)):
        if parameter is None or parameter.gradient is None:
            continue  # invalid, or a scenario loss's (reported by the model)
        spec = parameter.gradient
        try:
            # Overflow shows as inf or NaN in the column, named below with its step,
            # rather than as numpy's warnings on stderr.
            with np.errstate(all="ignore"):
                column = spec.materialize(steps, np.random.default_rng(child), folder)
        except DrawError as error:
            problems.extend(error.under(("parameters", index, "gradient")))
        else:
            columns.append(column)
            problem = _unrepresentable_square(column)
            if problem is not None:
                problems.append((("parameters", index, "gradient"), problem))
        if isinstance(spec, LossPattern):
            losses.append((index, spec.gradient_function()))
    if problems or not columns or len(columns) != len(parameters):
        return None, problems
    return GradientStream(np.column_stack(columns), tuple(losses)), []
