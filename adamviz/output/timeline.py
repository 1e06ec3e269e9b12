"""Which step each frame shows, and for how long: the schedule every writer follows.

A render of 20 000 steps at one step per frame is a 16-minute video; a
:class:`Timeline` says instead which steps the frames show (several steps per
frame, always ending on the last step) and how long each frame stays on
screen (the last one held, so a looping GIF does not snap back to step 1
before it can be read). Writers read the per-frame durations: a GIF writes
them as its frames' delays, a video at a constant frame rate repeats a frame
for as many frame periods as it lasts. A pause at a step is then one more
frame duration, nothing else (:meth:`Timeline.paused`).

Standard library only: the scenario's checks and the writers share it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

#: Up to this many steps, a frame per step by default; beyond it, the video is kept
#: about :data:`DEFAULT_SECONDS` long.
ONE_STEP_PER_FRAME_UP_TO = 600
DEFAULT_SECONDS = 30.0
#: How long the last frame stays on screen by default, in seconds.
DEFAULT_HOLD = 2.0
#: A timeline holds at most this many frames (as many as a scenario has steps).
MAX_FRAMES = 100_000


@dataclass(frozen=True)
class Timeline:
    """Frame k shows step ``steps[k] + 1`` (0-based indices) for ``seconds[k]`` seconds."""

    steps: tuple[int, ...]
    """Per frame, the 0-based index of the step it shows; increasing, the last step last."""
    seconds: tuple[float, ...]
    """Per frame, how long it stays on screen."""
    fps: float
    """The frame rate the durations are multiples of (a video's constant rate)."""

    def __post_init__(self) -> None:
        if not self.steps or len(self.steps) != len(self.seconds):
            raise ValueError(
                f"timeline: expected as many durations as frames (at least one), "
                f"got {len(self.seconds)} for {len(self.steps)}"
            )

    @property
    def n_frames(self) -> int:
        return len(self.steps)

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds)

    def repeats(self) -> list[int]:
        """Per frame, how many periods of ``1/fps`` it lasts in a constant-rate video.

        Rounded on the running total, so the video's length never drifts from
        the timeline's by more than half a period; every frame shows at least once.
        """
        counts, before, elapsed = [], 0, 0.0
        for seconds in self.seconds:
            elapsed += seconds
            upto = max(before + 1, round(elapsed * self.fps))
            counts.append(upto - before)
            before = upto
        return counts

    def centiseconds(self) -> list[int]:
        """Per frame, its duration in a GIF's unit (1/100 s), rounded on the running total."""
        delays, before, elapsed = [], 0, 0.0
        for seconds in self.seconds:
            elapsed += seconds
            upto = max(before + 1, round(elapsed * 100))
            delays.append(upto - before)
            before = upto
        return delays

    def paused(self, at_step: int, seconds: float) -> Timeline:
        """The same frames, with the first frame showing step ``at_step`` (1-based) or later
        held ``seconds`` longer: how a pause at a step is added."""
        index = next((k for k, step in enumerate(self.steps) if step + 1 >= at_step), None)
        if index is None:
            return self
        longer = list(self.seconds)
        longer[index] += seconds
        return Timeline(self.steps, tuple(longer), self.fps)


    def thinned(self, stride: int) -> Timeline:
        """Every ``stride``-th frame and the last, each lasting as long as the frames it
        stands for: fewer frames over the same time, at ``fps / stride`` (a size budget)."""
        if stride == 1:
            return self
        kept = list(range(stride - 1, self.n_frames, stride))
        if not kept or kept[-1] != self.n_frames - 1:
            kept.append(self.n_frames - 1)
        seconds, start = [], 0
        for k in kept:
            seconds.append(sum(self.seconds[start : k + 1]))
            start = k + 1
        return Timeline(tuple(self.steps[k] for k in kept), tuple(seconds), self.fps / stride)


def frame_steps(steps: int, frames: int) -> tuple[int, ...]:
    """``frames`` steps spread evenly over ``steps``, the last step last (0-based indices).

    Frame k shows step ceil((k+1)·steps/frames): equal strides when they divide,
    and never the same step twice.
    """
    frames = max(1, min(frames, steps))
    return tuple(-(-(k + 1) * steps // frames) - 1 for k in range(frames))


def frames_for(
    steps: int, fps: float, steps_per_frame: int | None = None, duration: float | None = None
) -> int:
    """How many frames a render of ``steps`` has: the schedule's one decision.

    ``steps_per_frame``: one frame every that many steps (and one for the last);
    ``duration``: as many as fill that many seconds at ``fps`` (at most one per
    step); neither: one per step up to :data:`ONE_STEP_PER_FRAME_UP_TO` steps,
    else :data:`DEFAULT_SECONDS` worth.
    """
    if steps_per_frame is not None and duration is not None:
        raise ValueError("timeline: give steps_per_frame or duration, not both")
    if steps_per_frame is not None:
        return math.ceil(steps / steps_per_frame)
    if duration is None:
        if steps <= ONE_STEP_PER_FRAME_UP_TO:
            return steps
        duration = DEFAULT_SECONDS
    return max(1, min(steps, round(duration * fps)))


def timeline(
    steps: int,
    fps: float,
    steps_per_frame: int | None = None,
    duration: float | None = None,
    hold: float = DEFAULT_HOLD,
) -> Timeline:
    """The timeline of a render: which steps (see :func:`frames_for`), each for 1/fps,
    the last held ``hold`` seconds longer."""
    if steps < 1 or fps <= 0 or hold < 0:
        raise ValueError(f"timeline: expected steps >= 1, fps > 0, hold >= 0, got "
                         f"{steps}, {fps}, {hold}")  # fmt: skip
    if steps_per_frame is not None:
        if steps_per_frame < 1:
            raise ValueError(f"timeline: expected steps_per_frame >= 1, got {steps_per_frame}")
        shown: Sequence[int] = [*range(steps_per_frame - 1, steps - 1, steps_per_frame), steps - 1]
    else:
        shown = frame_steps(steps, frames_for(steps, fps, None, duration))
    seconds = [1 / fps] * len(shown)
    seconds[-1] += hold
    return Timeline(tuple(shown), tuple(seconds), fps)


def every_step(steps: int, fps: float) -> Timeline:
    """One frame per step, none held: the schedule of a bare animation."""
    return timeline(steps, fps, steps_per_frame=1, hold=0.0)
