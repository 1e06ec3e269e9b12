"""The scenario's own ``loss:``: one loss over all of θ, and the stream it makes.

With a scenario-level loss, every gradient is ∇f at the run's own full θ
(plus Gaussian noise drawn from the seed, the same for every run), so x's
gradient depends on y: the one way to make a 2-D surface. Each loss is a
model tagged by its ``name``, holding the surface's own keywords, with the
textbook formula in its description (and so in ``adamviz schema``); the
numbers are :mod:`adamviz.streams.surfaces`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field

from adamviz.scenario.fields import NonNegative, Number, Positive, StrictModel, expect_list
from adamviz.scenario.problem_text import KeyPath
from adamviz.streams import GradientStream, gaussian_noise
from adamviz.streams.surfaces import PLANAR, SURFACES

#: (where, expected, found): a loss that does not fit the scenario's parameters.
Misfit = tuple[KeyPath, str, str]


class LossSpec(StrictModel):
    """What every loss shares: its name and the noise on each gradient."""

    name: str = Field(description="Which loss this is.")
    noise: NonNegative = Field(
        0.0,
        description="Standard deviation of Gaussian noise added to each gradient, per parameter "
        "and step (a stochastic gradient); the same draws for every run.",
    )

    def keywords(self, params: int) -> dict[str, Any]:
        """The surface's keywords for ``params`` parameters."""
        return {}

    def misfit(self, params: int) -> Misfit | None:
        """Why this loss cannot take ``params`` parameters, if it cannot."""
        if self.name in PLANAR and params != 2:
            return (("loss", "name"), f"exactly two parameters (x, y) for {self.name}",
                    f"{params} parameter" + "s" * (params != 1))  # fmt: skip
        return None

    def surface(self, params: int) -> Any:
        """The loss as :mod:`adamviz.streams.surfaces` computes it: value, gradient, minima."""
        return SURFACES[self.name](**self.keywords(params))


_PER_PARAMETER = "a non-empty list of numbers, one per parameter"


class _PerCoordinate(LossSpec):
    """A loss of any number of parameters, with a curvature (or slope) and a centre for each."""

    scales: Annotated[list[Positive], expect_list(f"{_PER_PARAMETER}, each > 0", 1)] = Field(
        None, description="One curvature (or slope) per parameter, each > 0 (default: all 1)."
    )
    center: Annotated[list[Number], expect_list(_PER_PARAMETER, 1)] = Field(
        None, description="Where the loss is smallest, one number per parameter (default: 0).",
    )

    def keywords(self, params: int) -> dict[str, Any]:
        return {
            "scales": tuple(self.scales or [1.0] * params),
            "center": tuple(self.center or [0.0] * params),
        }

    def misfit(self, params: int) -> Misfit | None:
        for key in ("scales", "center"):
            values = getattr(self, key)
            if values is not None and len(values) != params:
                return (("loss", key), f"one number per parameter ({params})",
                        f"{len(values)}")  # fmt: skip
        return None


class QuadraticLoss(_PerCoordinate):
    """½ Σ λᵢ zᵢ², z = Rᵀ(θ − center): a bowl, or a long narrow valley when the λᵢ differ."""

    name: Literal["quadratic"] = Field(
        description="quadratic: f(θ) = ½ Σ λᵢ zᵢ² with z = Rᵀ(θ − center), R the rotation by "
        "'angle' degrees in the plane of the first two parameters, λ = 'scales'. "
        "scales: [1, 100] is a valley 10× longer than wide, steep across and flat along."
    )
    angle: Number = Field(
        0.0, description="Degrees the valley's axes are turned from the parameters' axes."
    )

    def keywords(self, params: int) -> dict[str, Any]:
        return {**super().keywords(params), "angle": self.angle}


class AbsoluteLoss(_PerCoordinate):
    """Σ λᵢ |θᵢ − centerᵢ|: the same slope however far, flipping sign at the minimum."""

    name: Literal["absolute"] = Field(
        description="absolute: f(θ) = Σ λᵢ |θᵢ − centerᵢ|, λ = 'scales': gradients of constant "
        "size that flip sign at the minimum."
    )


class RosenbrockLoss(LossSpec):
    """(a − x)² + b(y − x²)²: a curved valley whose floor is nearly flat."""

    name: Literal["rosenbrock"] = Field(
        description="rosenbrock: f(x, y) = (a − x)² + b(y − x²)², minimum 0 at (a, a²): a "
        "curved, narrow valley with a nearly flat floor. Two parameters."
    )
    a: Number = Field(1.0, description="The minimum's x (its y is a²).")
    b: Positive = Field(100.0, description="How steep the valley's walls are (> 0).")

    def keywords(self, params: int) -> dict[str, Any]:
        return {"a": self.a, "b": self.b}


class BealeLoss(LossSpec):
    """Beale's function: flat plateaus and sharp ridges."""

    name: Literal["beale"] = Field(
        description="beale: f(x, y) = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)², "
        "minimum 0 at (3, 0.5): flat plateaus, sharp ridges. Two parameters."
    )


class HimmelblauLoss(LossSpec):
    """Himmelblau's function: four minima of the same depth."""

    name: Literal["himmelblau"] = Field(
        description="himmelblau: f(x, y) = (x² + y − 11)² + (x + y² − 7)², four minima of "
        "value 0, one at (3, 2). Two parameters."
    )


class SaddleLoss(LossSpec):
    """x² − y²: a saddle point, downhill forever along y."""

    name: Literal["saddle"] = Field(
        description="saddle: f(x, y) = x² − y², a saddle point at (0, 0) and no minimum: "
        "downhill forever along y. Two parameters."
    )


Loss = Annotated[
    QuadraticLoss | RosenbrockLoss | BealeLoss | HimmelblauLoss | SaddleLoss | AbsoluteLoss,
    Field(discriminator="name"),
]


def loss_stream(steps: int, seed: int, params: int, loss: LossSpec) -> GradientStream:
    """The stream of a scenario-level loss: ∇f at each run's θ, plus noise from ``seed``.

    Each parameter's noise comes from its own child of ``SeedSequence(seed)``,
    as a pattern's would, so the draws do not depend on the loss chosen.
    """
    children = np.random.SeedSequence(seed).spawn(params)
    columns = [gaussian_noise(steps, np.random.default_rng(c), loss.noise) for c in children]
    return GradientStream(np.column_stack(columns), loss=loss.surface(params).gradient)
