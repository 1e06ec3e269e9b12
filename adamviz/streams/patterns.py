"""Gradient patterns: the streams of numbers an optimizer is shown.

Every pattern is a pure function that returns a float64 array of shape
``(steps,)``; step ``t`` (1-based, as in the Adam paper) is element ``t - 1``.
Random patterns take a ``numpy.random.Generator`` rather than a seed so that
the caller decides how randomness is shared (the scenario loader gives each
parameter its own child generator). This module imports numpy alone, so it can
be used from a notebook without the rest of adamviz.

Closed-loop gradients (a loss whose gradient depends on θ) cannot be
precomputed: :mod:`adamviz.streams.stream` is the seam where the optimizer
asks for ``g(θ)`` step by step.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]


def constant(steps: int, value: float) -> Array:
    """The same gradient every step: Adam's most confident case (ratio → 1)."""
    return np.full(steps, float(value), dtype=np.float64)


def sequence(steps: int, values: Sequence[float] | ArrayLike, repeat: bool = False) -> Array:
    """The given values in order; with ``repeat`` they cycle to fill ``steps``.

    Without ``repeat`` the caller guarantees at least ``steps`` values (the
    scenario loader reports a shortfall with its line); extra values are ignored.
    """
    array = np.asarray(values, dtype=np.float64).reshape(-1)
    if repeat:
        if array.size == 0:
            raise ValueError("sequence(repeat=True) needs at least one value")
        return np.resize(array, steps)  # np.resize cycles the input to fill the shape
    if array.size < steps:
        raise ValueError(f"sequence needs at least {steps} values, got {array.size}")
    return array[:steps].copy()


def square(steps: int, amplitude: float, period: int, offset: float = 0.0) -> Array:
    """A square wave: ``offset + amplitude`` for the first half of each period, then minus.

    Step ``t`` is high when ``(t - 1) mod period < period / 2``, so an odd
    period spends one more step high than low.
    """
    if period <= 0:
        raise ValueError(f"square period must be > 0, got {period}")
    phase = np.arange(steps) % period  # (t - 1) mod period for t = 1..steps
    return np.where(phase < period / 2, offset + amplitude, offset - amplitude).astype(np.float64)


def sine(
    steps: int, amplitude: float, period: float, phase: float = 0.0, offset: float = 0.0
) -> Array:
    """``offset + amplitude · sin(2π (t - 1) / period + phase)``, phase in radians."""
    if period <= 0:
        raise ValueError(f"sine period must be > 0, got {period}")
    angle = 2.0 * np.pi * np.arange(steps, dtype=np.float64) / period + phase
    return offset + amplitude * np.sin(angle)


def random_walk(
    steps: int,
    rng: np.random.Generator,
    start: float = 0.0,
    scale: float = 0.1,
    drift: float = 0.0,
) -> Array:
    """``start`` plus the running sum of N(drift, scale) increments.

    The first value already includes one increment, so the walk never sits at
    ``start`` exactly. Draws exactly ``steps`` normals from ``rng``.
    """
    return start + np.cumsum(rng.normal(drift, scale, steps))


def sparse(steps: int, rng: np.random.Generator, p: float, values: Array) -> Array:
    """``values`` where a coin of probability ``p`` comes up, 0 elsewhere: rare features.

    Draws ``steps`` uniforms from ``rng`` (one coin per step, whatever ``p``), so
    changing ``p`` never moves the draws after it.
    """
    if not 0 < p <= 1:
        raise ValueError(f"sparse p must be in (0, 1], got {p}")
    hits = rng.random(steps) < p
    return np.where(hits, np.asarray(values, dtype=np.float64), 0.0)


def gaussian_noise(steps: int, rng: np.random.Generator, std: float) -> Array:
    """N(0, std) per step. Draws ``steps`` normals even when ``std`` is 0.

    Drawing regardless keeps every later draw from the same generator where it
    was: turning one piece's noise on or off never changes the numbers after it.
    """
    if std < 0:
        raise ValueError(f"noise std must be >= 0, got {std}")
    # + 0.0 turns -0.0 (which passes the check above) into the 0.0 numpy accepts.
    return rng.normal(0.0, std + 0.0, steps)
