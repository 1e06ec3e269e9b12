"""A scenario-level loss: its stream is ∇f at each run's own θ, and every misuse is one line."""

from __future__ import annotations

import numpy as np
import pytest

from adamviz.optim import create, run
from adamviz.pipeline import simulate
from adamviz.streams.surfaces import Absolute, Quadratic, Rosenbrock
from tests.support import load_text, problems

pytestmark = pytest.mark.usefixtures("in_tmp")

BASE = """\
title: Surface
steps: 30
seed: 3
loss:
  name: rosenbrock
parameters:
  - {name: x, init: -1.5}
  - {name: y, init: 2.0}
optimizers: [{name: sgd, lr: 0.001, momentum: 0.9}, {name: adam, lr: 0.02}]
render:
  panels: [surface, ratio]
"""


def test_every_gradient_is_the_losss_gradient_at_the_runs_own_theta() -> None:
    loaded = load_text(BASE)
    traces = simulate(loaded)
    rosenbrock = Rosenbrock()
    for trace in traces:
        before = np.vstack([trace.theta0[None, :], trace.theta[:-1]])
        np.testing.assert_array_equal(trace.grad, rosenbrock.gradient(before))
    # Each run its own path: the same start, different gradients after it.
    assert not np.allclose(traces[0].grad[5:], traces[1].grad[5:])


def test_the_kernel_is_the_optimizers_own_in_float64() -> None:
    loaded = load_text(BASE)
    _, adam = simulate(loaded)
    alone = run(create("adam", lr=0.02), lambda t, theta: Rosenbrock().gradient(theta),
                np.array([-1.5, 2.0]), 30)  # fmt: skip
    np.testing.assert_array_equal(adam.theta, alone.theta)
    assert adam.theta.dtype == np.float64


def test_the_noise_comes_from_the_seed_and_is_the_same_for_every_run() -> None:
    noisy = BASE.replace("  name: rosenbrock\n", "  name: rosenbrock\n  noise: 0.5\n")
    first, again = simulate(load_text(noisy)), simulate(load_text(noisy))
    np.testing.assert_array_equal(first[1].theta, again[1].theta)
    children = np.random.SeedSequence(3).spawn(2)
    noise = np.column_stack(
        [np.random.default_rng(child).normal(0.0, 0.5, 30) for child in children]
    )
    for trace in first:
        before = np.vstack([trace.theta0[None, :], trace.theta[:-1]])
        np.testing.assert_allclose(trace.grad - Rosenbrock().gradient(before), noise, atol=1e-9)


def test_a_quadratic_takes_any_number_of_parameters() -> None:
    text = BASE.replace("  name: rosenbrock\n", "  name: quadratic\n  scales: [1, 100, 10]\n"
                        "  angle: 30\n  center: [1, 2, 3]\n")  # fmt: skip
    text = text.replace("  - {name: y, init: 2.0}\n", "  - {name: y, init: 2.0}\n  - {name: z}\n")
    text = text.replace("  panels: [surface, ratio]\n", "  panels: [surface, loss]\n"
                        "  surface: [x, z]\n")  # fmt: skip
    loaded = load_text(text)
    assert loaded.surface_axes == (0, 2)
    [sgd, _] = simulate(loaded)
    quadratic = Quadratic((1, 100, 10), 30, (1, 2, 3))
    before = np.vstack([sgd.theta0[None, :], sgd.theta[:-1]])
    # Row by row or all at once, matmul may round the last bit differently.
    np.testing.assert_allclose(sgd.grad, quadratic.gradient(before), rtol=1e-14, atol=1e-13)


def test_parameters_need_no_gradient_with_a_loss_and_one_without() -> None:
    assert load_text(BASE).parameters[0].gradient is None
    text = BASE.replace("loss:\n  name: rosenbrock\n", "").replace("[surface, ratio]", "[ratio]")
    assert problems(text) == [
        "x.yaml:5: parameters[0].gradient: required key missing",
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "name: rosenbrock", "name: rosenbrok",
            "x.yaml:5: loss.name: expected one of quadratic, rosenbrock, beale, himmelblau, "
            "saddle, absolute, got 'rosenbrok' (did you mean 'rosenbrock'?)",
        ),
        (
            "{name: x, init: -1.5}",
            "{name: x, init: -1.5, gradient: {pattern: constant, value: 1}}",
            "x.yaml:7: parameters[0].gradient: expected no gradient pattern (the scenario's 'loss' "
            "gives every gradient), got a gradient pattern",
        ),
        (
            "  - {name: y, init: 2.0}\n", "",
            "x.yaml:5: loss.name: expected exactly two parameters (x, y) for rosenbrock, "
            "got 1 parameter",
        ),
        (
            "name: rosenbrock", "name: quadratic\n  scales: [1, 100, 3]",
            "x.yaml:6: loss.scales: expected one number per parameter (2), got 3",
        ),
        (
            "name: rosenbrock", "name: rosenbrock\n  b: -1",
            "x.yaml:6: loss.b: expected a number > 0, got -1",
        ),
        (
            "name: rosenbrock", "name: rosenbrock\n  scales: [1, 2]",
            "x.yaml:6: loss.scales: unknown key; allowed here: name, noise, a, b",
        ),
        (
            "[surface, ratio]", "[surface, ratio]\n  surface: [x, why]",
            "x.yaml:12: render.surface[1]: expected a parameter's name (x, y), got 'why'",
        ),
        (
            "[surface, ratio]", "[surface, ratio]\n  surface: [x, x]",
            "x.yaml:12: render.surface: expected two different parameters, got 'x' twice",
        ),
        (
            "[surface, ratio]", "[surface, ratio]\n  surface: [x]",
            "x.yaml:12: render.surface: expected a list of two parameter names, [x, y], got a "
            "list of 1 item",
        ),
    ],
)  # fmt: skip
def test_each_misuse_is_one_line(old: str, new: str, expected: str) -> None:
    assert old in BASE
    assert problems(BASE.replace(old, new, 1)) == [expected]


def test_a_surface_needs_two_parameters_and_a_loss() -> None:
    quadratic = BASE.replace("name: rosenbrock", "name: quadratic")
    one = quadratic.replace("  - {name: y, init: 2.0}\n", "")
    assert problems(one) == [
        "x.yaml:10: render.panels[0]: expected two parameters for the surface panel (x and y), "
        "got 1 parameter"
    ]
    three = BASE.replace("name: rosenbrock", "name: quadratic").replace(
        "  - {name: y, init: 2.0}\n", "  - {name: y, init: 2.0}\n  - {name: z}\n"
    )
    assert problems(three) == [
        "x.yaml:12: render.panels[0]: expected render.surface: [x, y] to choose the two "
        "parameters the surface shows, got 3 parameters"
    ]
    without = BASE.replace("loss:\n  name: rosenbrock\n", "").replace(
        "init: -1.5}", "init: -1.5, gradient: {pattern: constant, value: 1}}"
    ).replace("init: 2.0}", "init: 2.0, gradient: {pattern: constant, value: 1}}")
    assert problems(without.replace("[surface, ratio]", "[ratio, loss]")) == [
        "x.yaml:9: render.panels[1]: expected a scenario 'loss' for the loss panel, got none"
    ]


def test_the_per_coordinate_losses_are_losses_over_theta_too() -> None:
    absolute = Absolute((2.0, 0.5), (1.0, -1.0))
    assert absolute.value(np.array([0.0, 0.0])) == pytest.approx(2.5)
    np.testing.assert_array_equal(absolute.gradient(np.array([3.0, -4.0])), [2.0, -0.5])
