"""Every surface's analytic gradient against central finite differences and torch's autograd."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from adamviz.streams.surfaces import (
    SURFACES,
    Absolute,
    Beale,
    Himmelblau,
    Quadratic,
    Rosenbrock,
    Saddle,
)

CASES = [
    Quadratic(), Quadratic(scales=(1.0, 100.0), angle=45.0, center=(1.0, -2.0)),
    Quadratic(scales=(3.0, 0.5), angle=-30.0), Rosenbrock(), Rosenbrock(a=2.0, b=10.0),
    Beale(), Himmelblau(), Saddle(),
]  # fmt: skip
POINTS = np.random.default_rng(0).uniform(-2.0, 2.0, size=(50, 2))


@pytest.mark.parametrize("surface", CASES, ids=repr)
def test_the_gradient_is_the_derivative_of_the_value(surface: Any) -> None:
    h = 1e-6
    numeric = np.stack(
        [
            (surface.value(POINTS + h * e) - surface.value(POINTS - h * e)) / (2 * h)
            for e in np.eye(2)
        ],
        axis=-1,
    )
    analytic = surface.gradient(POINTS)
    scale = np.abs(analytic).max()
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-6 * scale)


def torch_value(surface: object, theta: Any, torch: Any) -> Any:
    """The surface's formula written again in torch, for autograd to differentiate."""
    x, y = theta[0], theta[1]
    if isinstance(surface, Rosenbrock):
        return (surface.a - x) ** 2 + surface.b * (y - x**2) ** 2
    if isinstance(surface, Beale):
        return sum((c - x + x * y**k) ** 2 for k, c in ((1, 1.5), (2, 2.25), (3, 2.625)))
    if isinstance(surface, Himmelblau):
        return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2
    if isinstance(surface, Saddle):
        return x**2 - y**2
    assert isinstance(surface, Quadratic)
    angle = torch.deg2rad(torch.tensor(surface.angle, dtype=torch.float64))
    rotation = torch.stack(
        [torch.stack([torch.cos(angle), -torch.sin(angle)]),
         torch.stack([torch.sin(angle), torch.cos(angle)])]
    )  # fmt: skip
    z = (theta - torch.tensor(surface.center, dtype=torch.float64)) @ rotation
    return 0.5 * (torch.tensor(surface.scales, dtype=torch.float64) * z**2).sum()


@pytest.mark.parametrize("surface", CASES, ids=repr)
def test_the_gradient_is_torchs_autograd(surface: Any) -> None:
    torch = pytest.importorskip("torch")
    for point in POINTS[:10]:
        theta = torch.tensor(point, dtype=torch.float64, requires_grad=True)
        value = torch_value(surface, theta, torch)
        value.backward()
        np.testing.assert_allclose(
            surface.gradient(point), theta.grad.numpy(), rtol=1e-12, atol=1e-12
        )
        assert surface.value(point) == pytest.approx(value.item(), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("surface", CASES, ids=repr)
def test_the_minima_are_minima(surface: Any) -> None:
    for minimum in surface.minima:
        point = np.array(minimum)
        np.testing.assert_allclose(surface.gradient(point), 0.0, atol=1e-4)
        around = point + 1e-3 * np.array([[1, 0], [-1, 0], [0, 1], [0, -1]])
        assert np.all(surface.value(around) > surface.value(point))


def test_the_rotated_valley_is_steep_across_its_axis_and_flat_along_it() -> None:
    valley = Quadratic(scales=(1.0, 100.0), angle=45.0)
    along, across = np.array([1.0, 1.0]) / 2**0.5, np.array([-1.0, 1.0]) / 2**0.5
    assert valley.value(along) == pytest.approx(0.5)
    assert valley.value(across) == pytest.approx(50.0)


def test_a_grid_of_points_gives_a_grid_of_values() -> None:
    grid = np.stack(np.meshgrid(np.linspace(-2, 2, 7), np.linspace(-1, 3, 5)), axis=-1)
    for surface in SURFACES.values():
        assert surface().value(grid).shape == (5, 7)
        assert surface().gradient(grid).shape == (5, 7, 2)


POINTS_3D = np.random.default_rng(1).uniform(-2.0, 2.0, size=(40, 3))
MANY = [
    Quadratic((1.0, 100.0, 10.0), 30.0, (1.0, 2.0, 3.0)),
    Absolute((2.0, 0.5, 1.0), (0.3, 0.0, -1.0)),
]


@pytest.mark.parametrize("loss", MANY, ids=repr)
def test_losses_of_any_number_of_parameters_match_finite_differences(loss: Any) -> None:
    h = 1e-6
    numeric = np.stack(
        [(loss.value(POINTS_3D + h * e) - loss.value(POINTS_3D - h * e)) / (2 * h)
         for e in np.eye(3)], axis=-1,
    )  # fmt: skip
    analytic = loss.gradient(POINTS_3D)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-6 * np.abs(analytic).max())


@pytest.mark.parametrize("loss", MANY, ids=repr)
def test_losses_of_any_number_of_parameters_match_torchs_autograd(loss: Any) -> None:
    torch = pytest.importorskip("torch")
    for point in POINTS_3D[:10]:
        theta = torch.tensor(point, dtype=torch.float64, requires_grad=True)
        center = torch.tensor(loss.center, dtype=torch.float64)
        scales = torch.tensor(loss.scales, dtype=torch.float64)
        if isinstance(loss, Absolute):
            value = (scales * (theta - center).abs()).sum()
        else:
            a = torch.deg2rad(torch.tensor(loss.angle, dtype=torch.float64))
            rotation = torch.eye(3, dtype=torch.float64)
            rotation[:2, :2] = torch.stack(
                [torch.stack([torch.cos(a), -torch.sin(a)]),
                 torch.stack([torch.sin(a), torch.cos(a)])]
            )  # fmt: skip
            value = 0.5 * (scales * ((theta - center) @ rotation) ** 2).sum()
        value.backward()
        np.testing.assert_allclose(loss.gradient(point), theta.grad.numpy(), rtol=1e-12, atol=1e-12)
        assert loss.value(point) == pytest.approx(value.item(), rel=1e-12)


def test_a_two_parameter_quadratic_is_the_one_parameter_losses_side_by_side() -> None:
    # angle 0: ½(λ₁(x − c₁)² + λ₂(y − c₂)²), the per-coordinate loss of each, added.
    loss = Quadratic((2.0, 5.0), 0.0, (1.0, -1.0))
    np.testing.assert_allclose(loss.gradient(np.array([3.0, 2.0])), [4.0, 15.0])
