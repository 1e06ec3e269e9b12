"""Gradient patterns: the models behind a parameter's ``gradient:`` key, and their draws.

Each pattern validates its own keys and draws its column of gradients with
:mod:`adamviz.streams`; a problem found only while drawing (a missing file,
too few values, segments that do not add up) is raised as a :class:`DrawError`
with the key it belongs to, so the loader can give it a line.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field

from adamviz import streams as gradients
from adamviz.scenario.fields import (
    Column,
    Flag,
    LossName,
    Name,
    NonNegative,
    Number,
    PieceSteps,
    Positive,
    StrictModel,
    expect,
    expect_list,
)
from adamviz.scenario.problem_text import KeyPath, expected_got
from adamviz.streams import RecordedColumnError, RecordedGradientError


class DrawError(Exception):
    """Problems found while drawing gradients, as (path below the gradient, message)."""

    def __init__(self, problems: list[tuple[KeyPath, str]]) -> None:
        super().__init__("; ".join(message for _, message in problems))
        self.problems = problems

    def under(self, prefix: KeyPath) -> list[tuple[KeyPath, str]]:
        return [(prefix + path, message) for path, message in self.problems]


Array = np.ndarray[Any, np.dtype[np.float64]]


class Pattern(StrictModel):
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


class ConstantPattern(Pattern):
    """The same gradient every step."""

    pattern: Literal["constant"]
    value: Number = Field(description="The gradient at every step.")

    def draw(self, steps: int, rng: np.random.Generator, folder: Path) -> Array:
        return gradients.constant(steps, self.value)


class SequencePattern(Pattern):
    """Gradients listed one per step; with ``repeat: true`` the list cycles."""

    pattern: Literal["sequence"]
    values: Annotated[list[Number], expect_list("a non-empty list of numbers", 1)] = Field(
        min_length=1, description="One gradient per step, in order."
    )
    repeat: Flag = Field(False, description="Cycle the values when there are fewer than steps.")

    def draw(self, steps: int, rng: np.random.Generator, folder: Path) -> Array:
        if not self.repeat and len(self.values) < steps:
            message = f"expected at least {steps} values (or repeat: true), got {len(self.values)}"
            raise DrawError([(("values",), message)])
        return gradients.sequence(steps, self.values, self.repeat)


class SquarePattern(Pattern):
    """offset ± amplitude: high for the first half of each period, low for the second."""

    pattern: Literal["square"]
    amplitude: Number = Field(1.0, description="Half the distance between high and low.")
    period: Annotated[int, Field(ge=2), expect("an integer >= 2")] = Field(
        description="Steps per full cycle (>= 2)."
    )
    offset: Number = Field(0.0, description="The level the wave swings around.")

    def draw(self, steps: int, rng: np.random.Generator, folder: Path) -> Array:
        return gradients.square(steps, self.amplitude, self.period, self.offset)


class SinePattern(Pattern):
    """offset + amplitude · sin(2π (t - 1) / period + phase)."""

    pattern: Literal["sine"]
    amplitude: Number = Field(1.0, description="Peak distance from the offset.")
    period: Positive = Field(description="Steps per full cycle (> 0; need not be whole).")
    phase: Number = Field(0.0, description="Phase at step 1, in radians.")
    offset: Number = Field(0.0, description="The level the wave swings around.")

    def draw(self, steps: int, rng: np.random.Generator, folder: Path) -> Array:
        return gradients.sine(steps, self.amplitude, self.period, self.phase, self.offset)


class RandomWalkPattern(Pattern):
    """start plus a running sum of N(drift, scale) steps: trends that wander."""

    pattern: Literal["random_walk"]
    start: Number = Field(0.0, description="Where the walk starts.")
    scale: Positive = Field(0.1, description="Standard deviation of each increment (> 0).")
    drift: Number = Field(0.0, description="Mean of each increment.")

    def draw(self, steps: int, rng: np.random.Generator, folder: Path) -> Array:
        return gradients.random_walk(steps, rng, self.start, self.scale, self.drift)


class FilePattern(Pattern):
    """Recorded gradients: a column of a CSV file or a .npy array."""

    pattern: Literal["file"]
    path: Name = Field(description="CSV or .npy file, relative to the scenario file's folder.")
    column: Column = Field(0, description="Column index (from 0) or CSV header name.")

    def draw(self, steps: int, rng: np.random.Generator, folder: Path) -> Array:
        # Only the rows the steps use are read: a long recording costs no more.
        values = self.read(folder, steps)
        if values.size < steps:
            message = f"expected at least {steps} rows in '{self.path}', got {values.size}"
            raise DrawError([(("path",), message)])
        return values[:steps]

    def read(self, folder: Path, rows: int | None) -> Array:
        """The column's first ``rows`` values (fewer if the file has fewer), every cell checked."""
        try:
            return gradients.read_recorded(
                folder / self.path, self.column, display_name=self.path, rows=rows
            )
        except RecordedColumnError as error:
            raise DrawError([(("column",), error.message)]) from None
        except RecordedGradientError as error:
            raise DrawError([(("path",), error.message)]) from None


class LossPattern(Pattern):
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


class SegmentsPattern(Pattern):
    """Pieces one after another, e.g. a long trend that flips sign halfway."""

    pattern: Literal["segments"]
    segments: Annotated[list[Piece], expect_list("a non-empty list of pieces", 1)] = Field(
        min_length=1,
        description="Open-loop patterns, each with 'steps' (the last may omit it: the rest).",
    )

    def draw(self, steps: int, rng: np.random.Generator, folder: Path) -> Array:
        lengths, problems = self._lengths(steps)
        parts = []
        for index, (piece, length) in enumerate(zip(self.segments, lengths, strict=True)):
            try:
                parts.append(piece.materialize(length, rng, folder))
            except DrawError as error:  # keep going: report every piece's problems at once
                problems.extend(error.under(("segments", index)))
        if problems:
            raise DrawError(problems)
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
            problems.append((("segments",), expected_got(expected, str(given))))
        elif last.steps is not None and given != steps:
            hint = " (leave out the last piece's steps to fill the rest)" if given < steps else ""
            expected = f"steps adding up to {steps}"
            problems.append((("segments",), expected_got(expected, str(given), hint)))
        rest = max(steps - given, 1)
        return [piece.steps or 1 for piece in body] + [last.steps or rest], problems


OpenLoop = Annotated[
    ConstantPattern
    | SequencePattern
    | SquarePattern
    | SinePattern
    | RandomWalkPattern
    | FilePattern,
    Field(discriminator="pattern"),
]


class SparsePattern(Pattern):
    """Mostly 0: each step's gradient is nonzero with probability p (rare features).

    Where it is nonzero it takes the value of the ``of`` pattern at that step,
    or a draw from N(mean, std) without one. Noise, if any, is added only
    where the gradient is nonzero, so that 0 stays 0.
    """

    pattern: Literal["sparse"]
    p: Annotated[float, Field(gt=0, le=1), expect("a number in (0, 1]")] = Field(
        description="Probability that a step's gradient is nonzero, in (0, 1]."
    )
    of: OpenLoop | None = Field(
        None, description="An open-loop pattern giving the nonzero values (default: N(mean, std))."
    )
    mean: Number = Field(0.0, description="Mean of the nonzero values without 'of'.")
    std: NonNegative = Field(1.0, description="Std of the nonzero values without 'of' (>= 0).")

    def draw(self, steps: int, rng: np.random.Generator, folder: Path) -> Array:
        # The coins first, then the values: the documented draw order.
        coins = gradients.sparse(steps, rng, self.p, np.ones(steps))
        if self.of is not None:
            try:
                values = self.of.materialize(steps, rng, folder)
            except DrawError as error:
                raise DrawError(error.under(("of",))) from None
        else:
            values = self.mean + gradients.gaussian_noise(steps, rng, self.std)
        return coins * values

    def materialize(self, steps: int, rng: np.random.Generator, folder: Path) -> Array:
        values = self.draw(steps, rng, folder)
        return values + (values != 0) * gradients.gaussian_noise(steps, rng, self.noise)


Gradient = Annotated[
    ConstantPattern
    | SequencePattern
    | SquarePattern
    | SinePattern
    | SegmentsPattern
    | RandomWalkPattern
    | SparsePattern
    | FilePattern
    | LossPattern,
    Field(discriminator="pattern"),
]
