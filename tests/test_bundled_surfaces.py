"""The surface scenarios show what their descriptions say, on the numbers (no rendering)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pytest

from adamviz.optim.trace import Trace
from adamviz.pipeline import simulate
from adamviz.scenario import Scenario, load

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


@cache
def runs(name: str) -> tuple[Scenario, dict[str, Trace]]:
    scenario = load(SCENARIOS / f"{name}.yaml")
    return scenario, {trace.label: trace for trace in simulate(scenario)}


def loss(name: str, label: str) -> np.ndarray:
    """f(θ_t) of one run, from θ0 on."""
    scenario, traces = runs(name)
    trace = traces[label]
    surface = scenario.loss.surface(len(scenario.parameters))  # type: ignore[union-attr]
    return surface.value(np.vstack([trace.theta0[None, :], trace.theta]))


def crossings(values: np.ndarray) -> int:
    """How many times a sequence changes sign: a path crossing the valley's floor."""
    signs = np.sign(values[values != 0])
    return int((signs[1:] != signs[:-1]).sum())


# ----------------------------------------------------------------------------- valley


def test_the_valley_is_ten_times_longer_than_wide_and_axis_aligned() -> None:
    scenario, _ = runs("valley")
    surface = scenario.loss.surface(2)  # type: ignore[union-attr]
    # The same loss 1 along x as 0.1 across (y): curvatures 1 and 100.
    assert surface.value(np.array([1.0, 0.0])) == pytest.approx(surface.value(np.array([0, 0.1])))
    assert scenario.loss.angle == 0  # type: ignore[union-attr]


def test_sgd_swings_from_wall_to_wall_and_adam_in_a_few_wide_swings() -> None:
    _, traces = runs("valley")
    sgd, adam = traces["SGD + momentum"].theta[:, 1], traces["Adam"].theta[:, 1]
    assert crossings(sgd[:60]) >= 8  # across the floor and back, again and again
    assert crossings(adam[:60]) <= 3
    assert np.abs(sgd[20:60]).max() > 0.1  # still swinging from wall to wall after 20 steps


def test_adam_gives_the_steep_direction_the_small_step_size() -> None:
    _, traces = runs("valley")
    step_x, step_y = traces["Adam"].step_size.T
    assert np.all(step_y < step_x)
    assert np.median(step_x / step_y) > 5
    # SGD's one learning rate, for both.
    np.testing.assert_array_equal(*traces["SGD + momentum"].step_size.T)


def test_along_the_flat_floor_adam_is_near_the_minimum_while_sgd_is_on_its_way() -> None:
    _, traces = runs("valley")
    sgd, adam = traces["SGD + momentum"].theta[:, 0], traces["Adam"].theta[:, 0]
    assert abs(adam[49]) < abs(sgd[49]) / 3  # step 50: Adam has covered most of x's way
    assert loss("valley", "Adam")[50] < loss("valley", "SGD + momentum")[50] / 40  # "a fortieth"
    assert loss("valley", "Adam")[-1] < 1e-5
    assert loss("valley", "SGD + momentum")[-1] > 100 * loss("valley", "Adam")[-1]


# ----------------------------------------------------------------------------- rotated


def test_the_rotated_valley_is_the_valley_turned_45_degrees() -> None:
    aligned, _ = runs("valley")
    rotated, _ = runs("valley-rotated")
    assert rotated.loss.angle == 45  # type: ignore[union-attr]
    turn = np.radians(45)
    rotation = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    np.testing.assert_allclose(rotation @ aligned.theta0(), rotated.theta0(), atol=1e-12)
    # Its floor runs along x = y: the loss is flat there, steep across.
    surface = rotated.loss.surface(2)  # type: ignore[union-attr]
    assert surface.value(np.array([1.0, 1.0])) == pytest.approx(1.0)
    assert surface.value(np.array([-1.0, 1.0])) == pytest.approx(100.0)


def test_sgds_path_is_the_same_path_turned() -> None:
    _, aligned = runs("valley")
    _, rotated = runs("valley-rotated")
    turn = np.radians(45)
    rotation = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    sgd = aligned["SGD + momentum"].theta
    np.testing.assert_allclose(sgd @ rotation.T, rotated["SGD + momentum"].theta, atol=1e-9)


def test_adam_can_no_longer_tell_the_steep_direction_from_the_flat_one() -> None:
    _, rotated = runs("valley-rotated")
    _, aligned = runs("valley")
    step_x, step_y = rotated["Adam"].step_size.T
    # About the same step size for x and y (within 25 %), where the aligned valley's
    # differ by more than 5× (test above).
    assert np.all(np.abs(np.log(step_x / step_y)) < np.log(1.25))
    # ... and so it is far slower than on the aligned valley, and behind SGD.
    assert loss("valley-rotated", "Adam")[-1] > 100 * loss("valley", "Adam")[-1]
    assert loss("valley-rotated", "Adam")[-1] > 100 * loss("valley-rotated", "SGD + momentum")[-1]
    assert aligned["Adam"].steps == rotated["Adam"].steps


def test_the_rotated_description_says_what_per_coordinate_scaling_cannot_do() -> None:
    text = " ".join(load(SCENARIOS / "valley-rotated.yaml").description.split())
    assert "diagonal preconditioning" in text
    assert "no per-coordinate rule" in text


# ----------------------------------------------------------------------------- rosenbrock


def test_both_drop_onto_the_curved_floor_within_a_few_steps() -> None:
    _, traces = runs("rosenbrock")
    for trace in traces.values():
        x, y = trace.theta.T
        off_floor = np.abs(y - x * x)  # the floor is the parabola y = x²
        assert np.abs(off_floor[30:]).max() < 0.1
        assert np.argmax(off_floor < 0.1) < 10


def test_sgd_with_momentum_ends_near_the_minimum_and_adam_creeps() -> None:
    sgd, adam = loss("rosenbrock", "SGD + momentum"), loss("rosenbrock", "Adam")
    assert sgd[-1] < 0.05
    assert adam[-1] > 20 * sgd[-1]
    _, traces = runs("rosenbrock")
    x = traces["SGD + momentum"].theta[-1]
    assert np.linalg.norm(x - [1.0, 1.0]) < 0.4  # near the minimum (1, 1)


def test_adams_ratio_stays_small_because_its_rms_remembers_the_first_steps() -> None:
    _, traces = runs("rosenbrock")
    adam = traces["Adam"]
    floor = slice(30, None)
    assert np.all(np.median(np.abs(adam.ratio[floor]), axis=0) < 0.2)  # "near 0.1"
    # √v̂ far above the gradients on the floor: the memory of the steep first steps.
    early = np.abs(adam.grad[:5]).max(axis=0)
    later = np.median(np.abs(adam.grad[floor]), axis=0)
    assert np.all(early > 20 * later)
    assert np.all(np.median(np.sqrt(adam.v_hat[floor]) / np.abs(adam.grad[floor]), axis=0) > 5)
