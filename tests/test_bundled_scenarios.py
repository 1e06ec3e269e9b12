"""Each bundled scenario shows what its description says (numbers only, no rendering)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pytest

from adamviz.optim.trace import Trace
from adamviz.pipeline import simulate
from adamviz.scenario import Scenario, load

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
BUNDLED = sorted(SCENARIOS.glob("*.yaml"))
README_SCENARIOS = {
    "consistent", "noisy", "flip", "near-minimum", "two-scales",
    "sgd-vs-adam", "beta2-memory", "sparse", "valley", "valley-rotated", "rosenbrock",
}  # fmt: skip
WARMUP = 10  # steps before m̂ and √v̂ have seen enough gradients to mean anything


@cache
def run(name: str) -> tuple[Scenario, Trace]:
    scenario = load(SCENARIOS / f"{name}.yaml")
    return scenario, simulate(scenario)[0]


def ratio(name: str) -> np.ndarray:
    """The scaling ratio of the scenario's first parameter, one value per step."""
    return run(name)[1].ratio[:, 0]


# ----------------------------------------------------------------------------- every file


@pytest.mark.parametrize("path", BUNDLED, ids=lambda path: path.stem)
def test_bundled_scenario_loads_with_a_description(path: Path) -> None:
    assert load(path).description.strip()


def test_the_readme_scenarios_are_bundled() -> None:
    assert README_SCENARIOS - {path.stem for path in BUNDLED} == set()


# ----------------------------------------------------------------------------- the blog's three


def test_consistent_gradients_keep_the_ratio_near_one() -> None:
    settled = ratio("consistent")[WARMUP:]
    assert settled.min() > 0.8
    assert settled.mean() > 0.9


def test_noisy_gradients_shrink_the_ratio() -> None:
    noisy = np.median(np.abs(ratio("noisy")[WARMUP:]))
    consistent = np.median(np.abs(ratio("consistent")[WARMUP:]))
    assert noisy < 0.3
    assert noisy < consistent / 3


def flips(scenario: Scenario) -> list[tuple[int, float]]:
    """(index of the first step after each flip, the new trend's sign), from the segments."""
    segments = scenario.parameters[0].gradient.segments
    starts = np.cumsum([piece.steps for piece in segments[:-1]])
    signs = [float(np.sign(piece.value)) for piece in segments]
    return [
        (int(start), new)
        for start, old, new in zip(starts, signs[:-1], signs[1:], strict=True)
        if new == -old != 0
    ]


def test_flip_has_a_flip_and_a_flip_back() -> None:
    scenario, _ = run("flip")
    assert [sign for _, sign in flips(scenario)] == [-1.0, 1.0]


@pytest.mark.parametrize("which", [0, 1], ids=["flip", "flip-back"])
def test_flip_ratio_is_confident_then_collapses_then_recovers(which: int) -> None:
    start, sign = flips(run("flip")[0])[which]
    r = ratio("flip")
    assert np.all(-sign * r[start - 5 : start] > 0.8), "near 1 at the end of the old trend"
    assert np.abs(r[start : start + 10]).min() < 0.3, "collapses within 10 steps of the flip"
    assert sign * r[start + 40] > 0.8, "recovered in the new direction 40 steps later"


# ----------------------------------------------------------------------------- near a minimum


def test_near_minimum_theta_settles_at_the_center() -> None:
    scenario, trace = run("near-minimum")
    parameter = scenario.parameters[0]
    center = parameter.gradient.center
    start = abs(parameter.init - center)
    assert trace.theta0[0] == parameter.init
    assert start > 0
    assert np.abs(trace.theta[-50:, 0] - center).mean() < 0.1 * start


def test_near_minimum_ratio_anneals_from_full_steps_to_small() -> None:
    r = np.abs(ratio("near-minimum"))
    assert r[:15].mean() > 0.8
    assert r[-50:].mean() < 0.3


# ----------------------------------------------------------------------------- two scales


def test_two_scales_starts_with_the_course_pages_gradients() -> None:
    trace = run("two-scales")[1]
    assert trace.grad[:3].tolist() == [[10.0, 0.1], [12.0, -0.2], [8.0, 0.3]]


def test_two_scales_reproduces_the_course_page_hand_computation() -> None:
    trace = run("two-scales")[1]
    big, small = trace.step_size[:, 0], trace.step_size[:, 1]
    assert trace.v[0, 0] == pytest.approx(0.1, rel=1e-14)
    assert trace.v_hat[0, 0] == pytest.approx(100.0, rel=1e-12)
    assert big[0] == pytest.approx(0.0001, rel=1e-8)
    assert trace.v[1, 0] == pytest.approx(0.2439, rel=1e-14)
    assert round(trace.v_hat[1, 0]) == 122
    assert round(big[1], 7) == 0.0000905  # the page's "≈ 0.0000905", to its precision
    assert small[0] == pytest.approx(0.01, rel=1e-6)


def test_two_scales_small_gradients_get_a_hundredfold_step_size() -> None:
    trace = run("two-scales")[1]
    small_over_big = trace.step_size[:, 1] / trace.step_size[:, 0]
    assert small_over_big[0] == pytest.approx(100.0, rel=1e-6)
    assert small_over_big[-20:].mean() > 50
