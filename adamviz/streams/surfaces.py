"""Losses over all of θ: each a value and its analytic gradient, numpy alone.

Each loss takes points shaped ``(..., n)`` (the parameters in the last axis;
n = 2 for the surfaces that are only defined in the plane), so the same
function gives one step's gradient and a whole grid of contour values.
The formulas are the textbooks'; tests check every gradient against central
finite differences and against torch's autograd.

- ``quadratic``: ½ Σ λᵢ zᵢ², z = Rᵀ(θ − center), R a rotation by ``angle``
  degrees in the plane of the first two parameters: a long, narrow valley
  when the curvatures ``scales`` differ. Any number of parameters.
- ``absolute``: Σ λᵢ |θᵢ − centerᵢ|: constant slopes, a kink at the minimum.
  Any number of parameters.
- ``rosenbrock``: (a − x)² + b(y − x²)², minimum at (a, a²).
- ``beale``: (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)², minimum at (3, 0.5).
- ``himmelblau``: (x² + y − 11)² + (x + y² − 7)², four minima, one at (3, 2).
- ``saddle``: x² − y², no minimum: a saddle point at (0, 0).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

Points = np.ndarray[Any, np.dtype[np.float64]]


class Surface(Protocol):
    """A loss over (x, y): its value, its gradient, and where its minima are."""

    def value(self, theta: Points) -> Points: ...

    def gradient(self, theta: Points) -> Points: ...

    @property
    def minima(self) -> tuple[tuple[float, ...], ...]: ...


def _xy(theta: Points) -> tuple[Points, Points]:
    points = np.asarray(theta, dtype=np.float64)
    return points[..., 0], points[..., 1]


@dataclass(frozen=True)
class Quadratic:
    """½ Σ λᵢ zᵢ² in axes rotated by ``angle`` degrees about ``center``.

    One curvature in ``scales`` per parameter; the rotation turns the plane of
    the first two (with one parameter there is no plane, and nothing turns).
    """

    scales: Sequence[float] = (1.0, 100.0)
    angle: float = 0.0
    center: Sequence[float] = (0.0, 0.0)

    def _rotation(self) -> Points:
        # Columns are the valley's axes: z = Rᵀ(θ − c), so the Hessian is R·diag(λ)·Rᵀ.
        rotation = np.eye(len(self.scales))
        if len(self.scales) >= 2:
            a = math.radians(self.angle)
            rotation[:2, :2] = [[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]]
        return rotation

    def value(self, theta: Points) -> Points:
        z = (np.asarray(theta, dtype=np.float64) - np.asarray(self.center)) @ self._rotation()
        return 0.5 * (z * z) @ np.asarray(self.scales, dtype=np.float64)

    def gradient(self, theta: Points) -> Points:
        rotation = self._rotation()
        z = (np.asarray(theta, dtype=np.float64) - np.asarray(self.center)) @ rotation
        return (z * np.asarray(self.scales, dtype=np.float64)) @ rotation.T

    @property
    def minima(self) -> tuple[tuple[float, ...], ...]:
        return (tuple(float(c) for c in self.center),)


@dataclass(frozen=True)
class Absolute:
    """Σ λᵢ |θᵢ − centerᵢ|: the same slope however far, flipping sign at the minimum."""

    scales: Sequence[float] = (1.0, 1.0)
    center: Sequence[float] = (0.0, 0.0)

    def value(self, theta: Points) -> Points:
        distance = np.abs(np.asarray(theta, dtype=np.float64) - np.asarray(self.center))
        return distance @ np.asarray(self.scales, dtype=np.float64)

    def gradient(self, theta: Points) -> Points:
        offset = np.asarray(theta, dtype=np.float64) - np.asarray(self.center)
        return np.sign(offset) * np.asarray(self.scales, dtype=np.float64)

    @property
    def minima(self) -> tuple[tuple[float, ...], ...]:
        return (tuple(float(c) for c in self.center),)


@dataclass(frozen=True)
class Rosenbrock:
    """(a − x)² + b(y − x²)²: a curved valley whose floor is nearly flat."""

    a: float = 1.0
    b: float = 100.0

    def value(self, theta: Points) -> Points:
        x, y = _xy(theta)
        return (self.a - x) ** 2 + self.b * (y - x * x) ** 2

    def gradient(self, theta: Points) -> Points:
        x, y = _xy(theta)
        inner = y - x * x
        return np.stack([-2 * (self.a - x) - 4 * self.b * x * inner, 2 * self.b * inner], axis=-1)

    @property
    def minima(self) -> tuple[tuple[float, float], ...]:
        return ((self.a, self.a * self.a),)


@dataclass(frozen=True)
class Beale:
    """(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²: flat plateaus, sharp ridges."""

    def value(self, theta: Points) -> Points:
        x, y = _xy(theta)
        return sum((c - x + x * y**k) ** 2 for k, c in ((1, 1.5), (2, 2.25), (3, 2.625)))

    def gradient(self, theta: Points) -> Points:
        x, y = _xy(theta)
        dx = np.zeros_like(x)
        dy = np.zeros_like(x)
        for k, c in ((1, 1.5), (2, 2.25), (3, 2.625)):
            term = c - x + x * y**k
            dx = dx + 2 * term * (y**k - 1)
            dy = dy + 2 * term * k * x * y ** (k - 1)
        return np.stack([dx, dy], axis=-1)

    @property
    def minima(self) -> tuple[tuple[float, float], ...]:
        return ((3.0, 0.5),)


@dataclass(frozen=True)
class Himmelblau:
    """(x² + y − 11)² + (x + y² − 7)²: four minima of the same depth."""

    def value(self, theta: Points) -> Points:
        x, y = _xy(theta)
        return (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2

    def gradient(self, theta: Points) -> Points:
        x, y = _xy(theta)
        first, second = x * x + y - 11, x + y * y - 7
        return np.stack([4 * x * first + 2 * second, 2 * first + 4 * y * second], axis=-1)

    @property
    def minima(self) -> tuple[tuple[float, float], ...]:
        return ((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126))


@dataclass(frozen=True)
class Saddle:
    """x² − y²: downhill forever along y, a saddle point at the origin."""

    def value(self, theta: Points) -> Points:
        x, y = _xy(theta)
        return x * x - y * y

    def gradient(self, theta: Points) -> Points:
        x, y = _xy(theta)
        return np.stack([2 * x, -2 * y], axis=-1)

    @property
    def minima(self) -> tuple[tuple[float, float], ...]:
        return ()


#: The losses by name (the catalog's ``SCENARIO_LOSSES``), each a class of its keywords.
SURFACES: dict[str, type] = {
    "quadratic": Quadratic,
    "absolute": Absolute,
    "rosenbrock": Rosenbrock,
    "beale": Beale,
    "himmelblau": Himmelblau,
    "saddle": Saddle,
}

#: The losses defined in the plane alone: they take exactly two parameters, x and y.
PLANAR: frozenset[str] = frozenset({"rosenbrock", "beale", "himmelblau", "saddle"})
