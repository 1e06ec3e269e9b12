"""The bundled comparisons show what their descriptions claim, on their numbers."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pytest

from adamviz.optim.trace import Trace
from adamviz.pipeline import simulate
from adamviz.scenario import load

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


@cache
def runs(name: str) -> dict[str, Trace]:
    return {trace.label: trace for trace in simulate(load(SCENARIOS / f"{name}.yaml"))}


# ----------------------------------------------------------------------------- SGD against Adam


def mean_step(trace: Trace) -> np.ndarray:
    """The average |Δθ| of each parameter once the first steps are past."""
    return np.abs(trace.update[10:]).mean(axis=0)


def test_sgd_steps_differ_by_the_gradients_hundredfold() -> None:
    big, small = mean_step(runs("sgd-vs-adam")["SGD"])
    assert big / small == pytest.approx(100, rel=0.2)
    np.testing.assert_array_equal(runs("sgd-vs-adam")["SGD"]["step_size"], 0.001)


def test_adam_takes_steps_of_about_the_same_size_on_both_scales() -> None:
    adam = runs("sgd-vs-adam")["Adam"]
    big, small = mean_step(adam)
    assert 0.5 < big / small < 2
    assert adam["step_size"][0].tolist() == pytest.approx([1e-4, 1e-2], rel=1e-6)
    assert adam["step_size"][-20:, 1].mean() / adam["step_size"][-20:, 0].mean() > 50


# ----------------------------------------------------------------------------- β2 as a memory


BURST = slice(50, 60)


def steps_to_forget(trace: Trace) -> int | None:
    """Steps after the burst until √v̂ is back within twice its level before it."""
    rms = np.sqrt(trace["v_hat"][:, 0])
    before = rms[BURST.start - 5 : BURST.start].mean()
    after = rms[BURST.stop :]
    back = np.flatnonzero(after < 2 * before)
    return int(back[0]) if back.size else None


def test_beta2_sets_how_long_the_burst_is_remembered() -> None:
    memory = runs("beta2-memory")
    assert list(memory) == ["adam beta2=0.9", "adam beta2=0.99", "adam beta2=0.999"]
    fast = steps_to_forget(memory["adam beta2=0.9"])
    slow = steps_to_forget(memory["adam beta2=0.99"])
    assert fast is not None and 10 <= fast <= 50  # "a few dozen steps"
    assert slow is not None and 100 <= slow <= 200  # "over a hundred"
    default = memory["adam beta2=0.999"]
    rms = np.sqrt(default["v_hat"][:, 0])
    assert rms[-1] > 1.5 * rms[BURST.start - 5 : BURST.start].mean()  # "still remembers"
    # ...and so its step size is still the smallest at the end.
    ends = [trace["step_size"][-1, 0] for trace in memory.values()]
    assert ends == sorted(ends, reverse=True)


# ----------------------------------------------------------------------------- sparse


def rare_over_frequent(trace: Trace) -> float:
    moved = np.abs(trace.theta[-1] - trace.theta0)
    return float(moved[1] / moved[0])


def test_sgd_moves_the_rare_parameter_about_p_as_far() -> None:
    assert rare_over_frequent(runs("sparse")["SGD"]) == pytest.approx(0.05, abs=0.025)


@pytest.mark.parametrize("name", ["AdaGrad", "Adam"])
def test_adaptive_optimizers_move_it_about_root_p_as_far(name: str) -> None:
    sparse = runs("sparse")
    adaptive, sgd = rare_over_frequent(sparse[name]), rare_over_frequent(sparse["SGD"])
    assert adaptive == pytest.approx(0.05**0.5, rel=0.3)
    assert 3 <= adaptive / sgd <= 5
