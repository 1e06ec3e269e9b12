"""Scenario files: the YAML a person writes, read into a validated :class:`Scenario`.

A scenario, in full (only ``title``, ``steps`` and ``parameters`` are required)::

    title: Consistent gradients
    description: One paragraph a reader sees beside the animation.
    steps: 120                  # 1 .. 100000
    seed: 0                     # every random draw comes from it
    optimizer: {lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8}   # torch's defaults
    parameters:                 # 1 .. 8, names unique
      - name: w
        init: 0.0
        gradient: {pattern: constant, value: 1.0, noise: 0.2}
    render: {fps: 20, width: 960, height: 540, panels: [gradients, ratio]}

Gradient patterns (each also takes ``noise``, a Gaussian std): constant, sequence,
square, sine, segments, random_walk, file, loss. See the models below.

This is the only module that imports yaml. :func:`load` reads, parses,
validates and draws the gradients once, so that ``adamviz validate`` catches
every mistake, and reports all of them at once as a :class:`ScenarioError`
with one line per mistake: ``file:line: key: expected X, got Y``. To know
the line, the YAML is composed into nodes (which carry positions) and turned
into plain data by hand, recording each key's line; pydantic then validates
the plain data and each error's location is looked up in that line map.
"""

from __future__ import annotations

import difflib
import os
import re
import typing
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal

import numpy as np
import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    TypeAdapter,
    ValidationError,
    WrapValidator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from adamviz import gradients
from adamviz.errors import Problem, ScenarioError
from adamviz.gradients import GradientStream, RecordedColumnError, RecordedGradientError

__all__ = [
    "MAX_PARAMETERS",
    "MAX_STEPS",
    "PANELS",
    "PATTERNS",
    "Optimizer",
    "Parameter",
    "Render",
    "Scenario",
    "json_schema",
    "load",
]

MAX_STEPS = 100_000
MAX_PARAMETERS = 8
PATTERNS = ("constant", "sequence", "square", "sine", "segments", "random_walk", "file", "loss")
PANELS = ("gradients", "ratio", "step_size", "theta")

KeyPath = tuple[str | int, ...]
"""Where a value sits in the document: ``("parameters", 0, "gradient", "value")``."""

_EXPECTED = "expected"  # the one custom pydantic error type this module raises


# =========================================================================== field types
#
# Every scalar field wraps pydantic's own checks in ``_expect``: whatever went
# wrong (wrong type, out of range, NaN), the user reads one phrase that names
# the whole requirement, e.g. "expected an integer from 1 to 100000".


def _did_you_mean(value: object, choices: Sequence[str]) -> str:
    if not isinstance(value, str) or not choices:
        return ""
    close = difflib.get_close_matches(value, choices, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _expect(expected: str, choices: Sequence[str] = ()) -> WrapValidator:
    """Replace any error from the wrapped type with "expected <expected>"."""

    def reword(value: Any, handler: Callable[[Any], Any]) -> Any:
        try:
            return handler(value)
        except ValidationError as error:
            # Say "finite" only when that is the problem; otherwise it is noise.
            finite = any(e["type"] == "finite_number" for e in error.errors())
            text = expected.replace("a number", "a finite number", 1) if finite else expected
            hint = _did_you_mean(value, choices)
            raise PydanticCustomError(
                _EXPECTED, "expected {expected}", {"expected": text, "hint": hint}
            ) from None

    return WrapValidator(reword)


def _expect_list(expected: str, min_length: int, max_length: int | None = None) -> BeforeValidator:
    """Check a list's type and length up front, so item errors still point at items."""

    def check(value: Any) -> Any:
        too_long = max_length is not None and isinstance(value, list) and len(value) > max_length
        if not isinstance(value, list) or len(value) < min_length or too_long:
            raise PydanticCustomError(_EXPECTED, "expected {expected}", {"expected": expected})
        return value

    return BeforeValidator(check)


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("blank")
    return text


Number = Annotated[float, _expect("a number")]
NonNegative = Annotated[float, Field(ge=0), _expect("a number >= 0")]
Positive = Annotated[float, Field(gt=0), _expect("a number > 0")]
Decay = Annotated[float, Field(ge=0, lt=1), _expect("a number in [0, 1)")]
Text = Annotated[str, _expect("a string")]
Name = Annotated[str, AfterValidator(_not_blank), _expect("a non-empty string")]
Flag = Annotated[bool, _expect("true or false")]
StepCount = Annotated[int, Field(ge=1, le=MAX_STEPS), _expect(f"an integer from 1 to {MAX_STEPS}")]
Seed = Annotated[int, Field(ge=0), _expect("an integer >= 0")]
PieceSteps = Annotated[int, Field(ge=1), _expect("an integer >= 1")]
Panel = Annotated[
    Literal["gradients", "ratio", "step_size", "theta"],
    _expect(f"one of {', '.join(PANELS)}", choices=PANELS),
]
LossName = Annotated[
    Literal["quadratic", "absolute"],
    _expect("one of quadratic, absolute", choices=("quadratic", "absolute")),
]
Column = Annotated[
    Annotated[int, Field(ge=0)] | Annotated[str, Field(min_length=1)],
    _expect("a column index (an integer >= 0) or a header name"),
]


def _even_int(low: int, high: int) -> Any:
    """MP4 encoders need even frame sizes, so the check belongs in the schema."""
    return Annotated[
        int,
        Field(ge=low, le=high, multiple_of=2),
        _expect(f"an even integer from {low} to {high}"),
    ]


# =========================================================================== models


class _Model(BaseModel):
    # strict: "0.1" is not a number and true is not 1; ints are still fine as floats.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class Optimizer(_Model):
    """Adam's hyperparameters; the defaults are ``torch.optim.Adam``'s."""

    lr: Positive = Field(1e-3, description="Learning rate η (> 0).")
    beta1: Decay = Field(0.9, description="Decay of the first moment m, in [0, 1).")
    beta2: Decay = Field(0.999, description="Decay of the second moment v, in [0, 1).")
    eps: NonNegative = Field(1e-8, description="ε added to √v̂ in the denominator (>= 0).")


class _DrawError(Exception):
    """Problems found while drawing gradients, as (path below the gradient, message)."""

    def __init__(self, problems: list[tuple[KeyPath, str]]) -> None:
        super().__init__("; ".join(message for _, message in problems))
        self.problems = problems

    def under(self, prefix: KeyPath) -> list[tuple[KeyPath, str]]:
        return [(prefix + path, message) for path, message in self.problems]


Array = np.ndarray[Any, np.dtype[np.float64]]


class _Pattern(_Model):
    """What every pattern shares: a name and optional Gaussian noise on top."""

    pattern: str = Field(description="Which gradient pattern this is.")
    noise: NonNegative = Field(
        0.0, description="Standard deviation of Gaussian noise added at every step (0 = none)."
    )

    def draw(self, steps: int, rng: np.random.Generator, folder: Path) -> Array:
        """The pattern's own numbers, before noise. ``folder`` resolves relative files."""
        raise NotImplementedError

    def materialize(self, steps: int, rng: np.random.Generator, folder: Path) -> Array:
        """The pattern's own draws first, then the noise: the documented draw order."""
        values = self.draw(steps, rng, folder)
        return values + gradients.gaussian_noise(steps, rng, self.noise)


class ConstantPattern(_Pattern):
    """The same gradient every step."""

    pattern: Literal["constant"]
    value: Number = Field(description="The gradient at every step.")

    def draw(self, steps: int, rng: np.random.Generator, folder: Path) -> Array:
        return gradients.constant(steps, self.value)


class SequencePattern(_Pattern):
    """Gradients listed one per step; with ``repeat: true`` the list cycles."""

    pattern: Literal["sequence"]
    values: Annotated[list[Number], _expect_list("a non-empty list of numbers", 1)] = Field(
        min_length=1, description="One gradient per step, in order."
    )
    repeat: Flag = Field(False, description="Cycle the values when there are fewer than steps.")

    def draw(self, steps: int, rng: np.random.Generator, folder: Path) -> Array:
        if not self.repeat and len(self.values) < steps:
            message = f"expected at least {steps} values (or repeat: true), got {len(self.values)}"
            raise _DrawError([(("values",), message)])
        return gradients.sequence(steps, self.values, self.repeat)


class SquarePattern(_Pattern):
    """offset ± amplitude: high for the first half of each period, low for the second."""

    pattern: Literal["square"]
    amplitude: Number = Field(1.0, description="Half the distance between high and low.")
    period: Annotated[int, Field(ge=2), _expect("an integer >= 2")] = Field(
        description="Steps per full cycle (>= 2)."
    )
    offset: Number = Field(0.0, description="The level the wave swings around.")

    def draw(self, steps: int, rng: np.random.Generator, folder: Path) -> Array:
        return gradients.square(steps, self.amplitude, self.period, self.offset)


class SinePattern(_Pattern):
    """offset + amplitude · sin(2π (t - 1) / period + phase)."""

    pattern: Literal["sine"]
    amplitude: Number = Field(1.0, description="Peak distance from the offset.")
    period: Positive = Field(description="Steps per full cycle (> 0; need not be whole).")
    phase: Number = Field(0.0, description="Phase at step 1, in radians.")
    offset: Number = Field(0.0, description="The level the wave swings around.")

    def draw(self, steps: int, rng: np.random.Generator, folder: Path) -> Array:
        return gradients.sine(steps, self.amplitude, self.period, self.phase, self.offset)


class RandomWalkPattern(_Pattern):
    """start plus a running sum of N(drift, scale) steps: trends that wander."""

    pattern: Literal["random_walk"]
    start: Number = Field(0.0, description="Where the walk starts.")
    scale: Positive = Field(0.1, description="Standard deviation of each increment (> 0).")
    drift: Number = Field(0.0, description="Mean of each increment.")

    def draw(self, steps: int, rng: np.random.Generator, folder: Path) -> Array:
        return gradients.random_walk(steps, rng, self.start, self.scale, self.drift)


class FilePattern(_Pattern):
    """Recorded gradients: a column of a CSV file or a .npy array."""

    pattern: Literal["file"]
    path: Name = Field(description="CSV or .npy file, relative to the scenario file's folder.")
    column: Column = Field(0, description="Column index (from 0) or CSV header name.")

    def draw(self, steps: int, rng: np.random.Generator, folder: Path) -> Array:
        try:
            values = gradients.read_recorded(
                folder / self.path, self.column, display_name=self.path
            )
        except RecordedColumnError as error:
            raise _DrawError([(("column",), error.message)]) from None
        except RecordedGradientError as error:
            raise _DrawError([(("path",), error.message)]) from None
        if values.size < steps:
            message = f"expected at least {steps} rows in '{self.path}', got {values.size}"
            raise _DrawError([(("path",), message)])
        return values[:steps]


class LossPattern(_Pattern):
    """Closed loop: the gradient of a loss at the current θ, plus noise."""

    pattern: Literal["loss"]
    loss: LossName = Field(
        description="quadratic: scale·(θ - center); absolute: scale·sign(θ - center)."
    )
    center: Number = Field(0.0, description="Where the loss is smallest.")
    scale: Positive = Field(1.0, description="Curvature (quadratic) or slope (absolute), > 0.")

    def draw(self, steps: int, rng: np.random.Generator, folder: Path) -> Array:
        return np.zeros(steps)  # the θ-dependent part is added step by step by the stream

    def gradient_function(self) -> Callable[[float], float]:
        return partial(gradients.LOSS_GRADIENTS[self.loss], center=self.center, scale=self.scale)


_PIECE_STEPS_FIELD = Field(
    None, description="Steps this piece lasts (>= 1); only the last piece may leave it out."
)


class ConstantPiece(ConstantPattern):
    """A constant as one piece of a segments pattern."""

    steps: PieceSteps | None = _PIECE_STEPS_FIELD


class SequencePiece(SequencePattern):
    """A sequence as one piece of a segments pattern."""

    steps: PieceSteps | None = _PIECE_STEPS_FIELD


class SquarePiece(SquarePattern):
    """A square wave as one piece of a segments pattern."""

    steps: PieceSteps | None = _PIECE_STEPS_FIELD


class SinePiece(SinePattern):
    """A sine wave as one piece of a segments pattern."""

    steps: PieceSteps | None = _PIECE_STEPS_FIELD


class RandomWalkPiece(RandomWalkPattern):
    """A random walk as one piece of a segments pattern."""

    steps: PieceSteps | None = _PIECE_STEPS_FIELD


class FilePiece(FilePattern):
    """A recorded file as one piece of a segments pattern."""

    steps: PieceSteps | None = _PIECE_STEPS_FIELD


Piece = Annotated[
    ConstantPiece | SequencePiece | SquarePiece | SinePiece | RandomWalkPiece | FilePiece,
    Field(discriminator="pattern"),
]


class SegmentsPattern(_Pattern):
    """Pieces one after another, e.g. a long trend that flips sign halfway."""

    pattern: Literal["segments"]
    segments: Annotated[list[Piece], _expect_list("a non-empty list of pieces", 1)] = Field(
        min_length=1,
        description="Open-loop patterns, each with 'steps' (the last may omit it: the rest).",
    )

    def draw(self, steps: int, rng: np.random.Generator, folder: Path) -> Array:
        lengths, problems = self._lengths(steps)
        parts = []
        for index, (piece, length) in enumerate(zip(self.segments, lengths, strict=True)):
            try:
                parts.append(piece.materialize(length, rng, folder))
            except _DrawError as error:  # keep going: report every piece's problems at once
                problems.extend(error.under(("segments", index)))
        if problems:
            raise _DrawError(problems)
        return np.concatenate(parts)

    def _lengths(self, steps: int) -> tuple[list[int], list[tuple[KeyPath, str]]]:
        """Each piece's length, and problems if they do not add up to ``steps``."""
        problems: list[tuple[KeyPath, str]] = []
        *body, last = self.segments
        for index, piece in enumerate(body):
            if piece.steps is None:
                message = "required key missing (only the last piece may leave it out)"
                problems.append((("segments", index, "steps"), message))
        given = sum(piece.steps or 0 for piece in self.segments)
        if last.steps is None and given >= steps:
            expected = f"steps adding up to less than {steps} (the last piece takes the rest)"
            problems.append((("segments",), _expected(expected, str(given))))
        elif last.steps is not None and given != steps:
            hint = " (leave out the last piece's steps to fill the rest)" if given < steps else ""
            expected = f"steps adding up to {steps}"
            problems.append((("segments",), _expected(expected, str(given), hint)))
        rest = max(steps - given, 1)
        return [piece.steps or 1 for piece in body] + [last.steps or rest], problems


Gradient = Annotated[
    ConstantPattern
    | SequencePattern
    | SquarePattern
    | SinePattern
    | SegmentsPattern
    | RandomWalkPattern
    | FilePattern
    | LossPattern,
    Field(discriminator="pattern"),
]


class Parameter(_Model):
    """One scalar parameter θ and the gradients Adam sees for it."""

    name: Name = Field(description="Label in the figure; unique within the scenario.")
    init: Number = Field(0.0, description="θ before the first step.")
    gradient: Gradient = Field(description="The gradient pattern, chosen by its 'pattern' key.")


def _unique_names(parameters: list[Parameter]) -> list[Parameter]:
    first: dict[str, int] = {}
    for index, parameter in enumerate(parameters):
        if parameter.name in first:
            raise PydanticCustomError(
                _EXPECTED,
                "expected {expected}",
                {
                    "expected": "a unique name",
                    "found": f"{parameter.name!r} (also parameters[{first[parameter.name]}].name)",
                    "at": (index, "name"),
                },
            )
        first[parameter.name] = index
    return parameters


def _unique_panels(panels: list[str]) -> list[str]:
    for index, panel in enumerate(panels):
        if panel in panels[:index]:
            raise PydanticCustomError(
                _EXPECTED,
                "expected {expected}",
                {"expected": "each panel once", "found": f"{panel!r} again", "at": (index,)},
            )
    return panels


class Render(_Model):
    """How the animation looks; the renderer reads it, the simulation ignores it."""

    fps: Annotated[int, Field(ge=1, le=60), _expect("an integer from 1 to 60")] = Field(
        20, description="Frames (= steps) per second."
    )
    width: _even_int(160, 3840) = Field(960, description="Frame width in pixels (even).")
    height: _even_int(90, 2160) = Field(540, description="Frame height in pixels (even).")
    panels: Annotated[
        list[Panel],
        _expect_list(f"a non-empty list of panels ({', '.join(PANELS)})", 1),
        AfterValidator(_unique_panels),
    ] = Field(
        default_factory=lambda: ["gradients", "ratio"],
        min_length=1,
        description="Panels from top to bottom: gradients, ratio, step_size, theta.",
    )


class Scenario(_Model):
    """A validated scenario: what to simulate and how to draw it.

    ``load`` is the usual way to get one; it also sets ``source`` and draws the
    gradients once, so that every mistake in the file is reported at load.
    """

    title: Name = Field(description="Shown above the animation.")
    description: Text = Field("", description="A paragraph a reader sees beside the animation.")
    steps: StepCount = Field(description=f"Number of Adam steps (= frames), 1 to {MAX_STEPS}.")
    seed: Seed = Field(0, description="Seed for every random draw; same seed, same numbers.")
    optimizer: Optimizer = Field(default_factory=Optimizer, description="Adam's hyperparameters.")
    parameters: Annotated[
        list[Parameter],
        _expect_list(f"a list of 1 to {MAX_PARAMETERS} parameters", 1, MAX_PARAMETERS),
        AfterValidator(_unique_names),
    ] = Field(
        min_length=1,
        max_length=MAX_PARAMETERS,
        description="The parameters, one column of the figure each.",
    )
    render: Render = Field(default_factory=Render, description="Frame rate, size and panels.")

    # Private, so a YAML file cannot set them and they stay out of dumps and the schema.
    _source: Path = PrivateAttr(default_factory=lambda: Path("<scenario>"))
    _stream: GradientStream | None = PrivateAttr(default=None)

    @property
    def source(self) -> Path:
        """The file this scenario came from; relative gradient files resolve beside it."""
        return self._source

    @property
    def param_names(self) -> list[str]:
        return [parameter.name for parameter in self.parameters]

    def theta0(self) -> np.ndarray:
        """θ before the first step, float64, one entry per parameter."""
        return np.array([parameter.init for parameter in self.parameters], dtype=np.float64)

    def gradient_stream(self) -> GradientStream:
        """The gradients, drawn once and cached (``load`` has already drawn them).

        Raises :class:`ScenarioError` (without line numbers) if a scenario built
        in code names a missing file or too few values.
        """
        if self._stream is None:
            stream, problems = _draw(self.steps, self.seed, self.parameters, self.source.parent)
            if stream is None:
                raise ScenarioError(
                    [Problem(str(self.source), None, _dotted(p), m) for p, m in problems]
                )
            self._stream = stream
        return self._stream


def _draw(
    steps: int, seed: int, parameters: Sequence[Parameter | None], folder: Path
) -> tuple[GradientStream | None, list[tuple[KeyPath, str]]]:
    """Draw every parameter's column; ``None`` entries (invalid ones) are skipped.

    Each parameter gets its own child of ``SeedSequence(seed)``, so adding a
    parameter never changes another's numbers. Returns a stream only if every
    parameter was given and drawn.
    """
    children = np.random.SeedSequence(seed).spawn(len(parameters))
    columns: list[Array] = []
    losses: list[tuple[int, Callable[[float], float]]] = []
    problems: list[tuple[KeyPath, str]] = []
    for index, (parameter, child) in enumerate(zip(parameters, children, strict=True)):
        if parameter is None:
            continue
        spec = parameter.gradient
        try:
            columns.append(spec.materialize(steps, np.random.default_rng(child), folder))
        except _DrawError as error:
            problems.extend(error.under(("parameters", index, "gradient")))
        if isinstance(spec, LossPattern):
            losses.append((index, spec.gradient_function()))
    if problems or not columns or len(columns) != len(parameters):
        return None, problems
    return GradientStream(np.column_stack(columns), tuple(losses)), []


# =========================================================================== YAML with lines

_FLOAT_TAG = "tag:yaml.org,2002:float"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")

# YAML 1.1's float pattern demands a dot, so PyYAML reads 1e-8 as a string.
# This one also accepts YAML 1.2's exponent-only forms (1e-8, 1E5, -2.5e+3).
_FLOAT = re.compile(
    r"""^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+
    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.VERBOSE,
)


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 floats; a subclass, so the global SafeLoader is untouched."""


# A copy of SafeLoader's resolver table with the float pattern swapped in place:
# resolvers are tried in order, and float must stay where it was, ahead of int.
# (Every character a YAML 1.2 float can start with already has a float entry.)
_Loader.yaml_implicit_resolvers = {
    first: [(tag, _FLOAT if tag == _FLOAT_TAG else regexp) for tag, regexp in resolvers]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Document:
    """Plain data built from YAML nodes, plus the line of every key and list item."""

    MAX_VALUES = 1_000_000  # 8 parameters × 100000 listed values, with room to spare

    def __init__(self, loader: _Loader, file: str) -> None:
        self.loader = loader
        self.file = file
        self.lines: dict[KeyPath, int] = {}
        self.problems: list[Problem] = []
        self._active: set[int] = set()  # nodes being built, to catch an alias inside itself

    def build(self, node: yaml.Node, path: KeyPath = ()) -> Any:
        self.lines.setdefault(path, _line(node))
        if id(node) in self._active:
            self._problem(path, _line(node), "expected a value, got an alias to itself")
            return None
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        if node.tag not in _PLAIN_TAGS:
            self._problem(path, _line(node), f"expected plain YAML, got the tag {node.tag!r}")
        self._active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self._item(item, (*path, index)) for index, item in enumerate(node.value)]
            return self._mapping(node, path)
        finally:
            self._active.discard(id(node))

    def _item(self, node: yaml.Node, path: KeyPath) -> Any:
        self.lines[path] = _line(node)
        return self.build(node, path)

    def _scalar(self, node: yaml.ScalarNode, path: KeyPath) -> Any:
        try:
            return self.loader.construct_object(node)
        except yaml.YAMLError as error:  # e.g. an unknown tag such as !foo
            self._problem(path, _line(node), f"invalid YAML: {_yaml_text(error)}")
            return None

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[str, Any]:
        # Merged keys (<<: *base) first, so that the mapping's own keys, and
        # their lines, win over them.
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                for key, value in self._merged(value_node, path).items():
                    result.setdefault(key, value)
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self._problem(path, _line(key_node), "expected a key name, got a list or mapping")
                continue
            key, line = key_node.value, _line(key_node)  # the key as written: `1:` is '1'
            if key in first_line:
                self._problem(
                    (*path, key), line, f"duplicate key (first on line {first_line[key]})"
                )
                continue
            first_line[key] = line
            self.lines[(*path, key)] = line
            result[key] = self.build(value_node, (*path, key))
        return result

    def _merged(self, node: yaml.Node, path: KeyPath) -> dict[str, Any]:
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        merged: dict[str, Any] = {}
        for source in sources:
            if isinstance(source, yaml.MappingNode):
                for key, value in self._mapping(source, path).items():
                    merged.setdefault(key, value)
            else:
                self._problem(path, _line(source), "expected a mapping to merge (<<), got a value")
        return merged

    def _problem(self, path: KeyPath, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, _dotted(path) or None, message))


def _expanded_size(root: yaml.Node) -> int:
    """How many values the document holds once aliases are expanded, without expanding them.

    Aliases of aliases grow exponentially ("billion laughs"); sizing each node
    once keeps this linear in the number of distinct nodes.
    """
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        if id(node) not in sizes:
            sizes[id(node)] = 1  # provisional, so an alias to itself ends the recursion
            if isinstance(node, yaml.SequenceNode):
                children = list(node.value)
            elif isinstance(node, yaml.MappingNode):
                children = [child for pair in node.value for child in pair]
            else:
                children = []
            sizes[id(node)] = 1 + sum(map(size, children))
        return sizes[id(node)]

    return size(root)


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _yaml_text(error: yaml.YAMLError) -> str:
    """PyYAML's own words for a problem, on one line."""
    if isinstance(error, yaml.MarkedYAMLError):
        parts = [error.context, error.problem]
        text = ", ".join(part for part in parts if part)
    else:
        text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return " ".join(text.split())


def _yaml_line(error: yaml.YAMLError, text: str) -> int:
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        if mark is not None:
            return int(mark.line) + 1
    position = getattr(error, "position", None)  # ReaderError: a bad character
    return text[:position].count("\n") + 1 if isinstance(position, int) else 1


def _parse(text: str, file: str) -> tuple[Any, _Document]:
    """YAML text to plain data with lines; bad YAML raises a one-problem ScenarioError."""
    loader: _Loader | None = None
    try:
        loader = _Loader(text)  # the reader already rejects control characters here
        node = loader.get_single_node()
        document = _Document(loader, file)
        size = _expanded_size(node) if node is not None else 0
        if size > _Document.MAX_VALUES:
            message = f"expected at most {_Document.MAX_VALUES} values, got {size} (aliases?)"
            raise ScenarioError([Problem(file, 1, None, message)])
        data = document.build(node) if node is not None else None
    except yaml.YAMLError as error:
        line = _yaml_line(error, text)
        raise ScenarioError(
            [Problem(file, line, None, f"invalid YAML: {_yaml_text(error)}")]
        ) from None
    except RecursionError:
        raise ScenarioError([Problem(file, 1, None, "invalid YAML: nested too deeply")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        message = "expected a scenario (title, steps, parameters, ...), got an empty file"
        raise ScenarioError([Problem(file, 1, None, message)])
    if not isinstance(data, dict):
        message = f"expected a mapping of keys (title, steps, parameters, ...), got {_found(data)}"
        raise ScenarioError([Problem(file, _line(node), None, message)])
    return data, document


def _read_text(path: Path, file: str) -> str:
    """The file's text; every way of failing becomes a one-line problem."""
    if path.is_dir():
        raise ScenarioError([Problem(file, None, None, "is a folder, expected a scenario file")])
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError([Problem(file, None, None, "file not found")]) from None
    except PermissionError:
        raise ScenarioError([Problem(file, None, None, "cannot read: permission denied")]) from None
    except (OSError, ValueError) as error:  # ValueError: a NUL in the name
        reason = getattr(error, "strerror", None) or str(error)
        raise ScenarioError([Problem(file, None, None, f"cannot read: {reason}")]) from None
    try:
        return data.decode("utf-8-sig")  # editors on Windows may write a BOM
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        message = f"expected UTF-8 text, got byte 0x{data[error.start]:02x}"
        raise ScenarioError([Problem(file, line, None, message)]) from None


# =========================================================================== error messages


def _dotted(path: KeyPath) -> str:
    """``("parameters", 0, "gradient")`` → ``parameters[0].gradient``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _truncate(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _found(value: Any) -> str:
    """A found value as the user would recognise it: strings quoted, numbers plain."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):  # before int: bool is an int subclass
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, int | float):
        return _truncate(repr(value))
    if isinstance(value, str):
        quoted = repr(_truncate(value))
        return f"{quoted} (a string)" if _looks_like_number(value) else quoted
    if isinstance(value, list):
        return (
            "an empty list"
            if not value
            else f"a list of {len(value)} item" + "s" * (len(value) > 1)
        )
    if isinstance(value, dict):
        return "a mapping"
    return _truncate(str(value))  # dates and other YAML types


def _looks_like_number(text: str) -> bool:
    """A quoted number: the one case where saying "a string" tells the user something."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def _expected(expected: str, found: str, hint: str = "") -> str:
    return f"expected {expected}, got {found}{hint}"


class _Locator:
    """Turns pydantic's error locations into document paths, lines and messages."""

    def __init__(self, file: str, data: dict[str, Any], lines: dict[KeyPath, int]) -> None:
        self.file = file
        self.data = data
        self.lines = lines

    def problem(self, path: KeyPath, message: str) -> Problem:
        return Problem(self.file, self.line(path), _dotted(path) or None, message)

    def line(self, path: KeyPath) -> int:
        """The line of ``path`` or, for a missing key, of the deepest part that exists."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return 1

    def path(self, loc: tuple[str | int, ...]) -> KeyPath:
        """pydantic's loc minus the union tags it inserts (``gradient.constant.value``).

        A tag is the pattern name of the mapping it follows; it is skipped once
        per mapping, since a pattern may have a field of its own name (loss.loss).
        """
        path: list[str | int] = []
        node: Any = self.data
        tag_skipped = False
        for part in loc:
            if isinstance(node, dict) and not tag_skipped and part == node.get("pattern"):
                tag_skipped = True
                continue
            path.append(part)
            tag_skipped = False
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                node = None
        return tuple(path)

    def value(self, path: KeyPath) -> Any:
        node: Any = self.data
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return None
        return node


def _schema_problem(error: ErrorDetails, locate: _Locator) -> Problem:
    """One pydantic error as ``key: expected X, got Y`` at the right line."""
    loc = tuple(error["loc"])
    path = locate.path(loc)
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    if kind == _EXPECTED:
        found = ctx.get("found") or _found(error["input"])
        return locate.problem(
            path + tuple(ctx.get("at", ())), _expected(ctx["expected"], found, ctx.get("hint", ""))
        )
    if kind == "missing":
        return locate.problem(path, "required key missing")
    if kind == "extra_forbidden":
        return locate.problem(path, _unknown_key(str(path[-1]), _allowed_keys(loc[:-1])))
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return _pattern_problem(kind, ctx, path, locate)
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return locate.problem(path, _expected("a mapping", _found(error["input"])))
    # Not expected with this schema; keep pydantic's words but our shape.
    return locate.problem(
        path, _expected(error["msg"].removeprefix("Input should be "), _found(error["input"]))
    )


def _pattern_problem(kind: str, ctx: dict[str, Any], path: KeyPath, locate: _Locator) -> Problem:
    allowed = re.findall(r"'([^']*)'", str(ctx.get("expected_tags", ""))) or list(PATTERNS)
    choices = f"one of {', '.join(allowed)}"
    if kind == "union_tag_not_found":
        return locate.problem((*path, "pattern"), f"required key missing; expected {choices}")
    value = locate.value((*path, "pattern"))
    if value in PATTERNS and value not in allowed:
        hint = f" ({value} is not allowed inside segments)"
    else:
        hint = _did_you_mean(value, allowed)
    return locate.problem((*path, "pattern"), _expected(choices, _found(value), hint))


def _unknown_key(key: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1)
    if close:
        return f"unknown key; did you mean '{close[0]}'?"
    return f"unknown key; allowed here: {', '.join(allowed)}" if allowed else "unknown key"


def _allowed_keys(loc: tuple[str | int, ...]) -> list[str]:
    """The field names of the model at ``loc`` (tags included, as pydantic gives them)."""
    annotation: Any = Scenario
    for part in loc:
        annotation = _child(annotation, part)
        if annotation is None:
            return []
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    while typing.get_origin(annotation) is Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _child(annotation: Any, part: str | int) -> Any:
    """One step down a type: a model's field, a list's item, or a union's tagged member."""
    annotation = _unwrap(annotation)
    origin = typing.get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(part))
        return field.annotation if field else None
    if origin is list:
        return typing.get_args(annotation)[0]
    if origin in (typing.Union, UnionType):
        for member in map(_unwrap, typing.get_args(annotation)):
            is_pattern = isinstance(member, type) and issubclass(member, _Pattern)
            if is_pattern and part in typing.get_args(member.model_fields["pattern"].annotation):
                return member
    return None


# =========================================================================== public API


_STEPS: TypeAdapter[int] = TypeAdapter(StepCount, config=ConfigDict(strict=True))
_SEED: TypeAdapter[int] = TypeAdapter(Seed, config=ConfigDict(strict=True))
_PARAMETER: TypeAdapter[Parameter] = TypeAdapter(Parameter)


def _valid_or_none(adapter: TypeAdapter[Any], value: Any) -> Any:
    try:
        return adapter.validate_python(value)
    except ValidationError:
        return None


def _draw_what_is_valid(raw: dict[str, Any], folder: Path) -> list[tuple[KeyPath, str]]:
    """Draw the parameters that did validate, so their file and length problems show too."""
    steps = _valid_or_none(_STEPS, raw.get("steps"))
    raw_parameters = raw.get("parameters")
    if steps is None or not isinstance(raw_parameters, list):
        return []
    seed = _valid_or_none(_SEED, raw.get("seed", 0)) or 0
    parameters = [_valid_or_none(_PARAMETER, item) for item in raw_parameters]
    return _draw(steps, seed, parameters, folder)[1]


def load(path: str | os.PathLike[str]) -> Scenario:
    """Read, parse, validate and draw a scenario file.

    Raises :class:`ScenarioError` listing every problem found, one per mistake,
    sorted by line; never another exception for bad input.
    """
    file = os.fspath(path)
    text = _read_text(Path(file), file)
    data, document = _parse(text, file)
    locate = _Locator(file, data, document.lines)
    folder = Path(file).parent
    problems = list(document.problems)
    stream: GradientStream | None = None
    try:
        scenario: Scenario | None = Scenario.model_validate(data)
    except ValidationError as error:
        scenario = None
        problems += [_schema_problem(detail, locate) for detail in error.errors()]
        draw_problems = _draw_what_is_valid(data, folder)
    else:
        stream, draw_problems = _draw(scenario.steps, scenario.seed, scenario.parameters, folder)
    problems += [locate.problem(where, message) for where, message in draw_problems]
    if problems or scenario is None or stream is None:
        raise ScenarioError(sorted(problems, key=lambda p: p.line or 0))
    scenario._source = Path(file)
    scenario._stream = stream
    return scenario


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file, for editors to validate and autocomplete."""
    schema = Scenario.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
        "title": "adamviz scenario",
    }
