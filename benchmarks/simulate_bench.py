"""How long simulating takes: one run, and a scenario's worth of runs (run by hand).

    python benchmarks/simulate_bench.py [--steps 100000] [--params 8] [--repeat 3]

A scenario holds up to 12 runs (optimizer × sweep value) of 8 parameters, up to
100 000 steps each; simulating them must take under 10 s. Prints the best of
``--repeat`` wall-clock times for each case. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

from adamviz.optim import Run, create, run, run_many

#: A 12-run scenario of four optimizers, three sweep values each.
MIX = (
    [("adam", {"beta2": b2}) for b2 in (0.9, 0.99, 0.999)]
    + [("sgd", {"lr": lr, "momentum": 0.9}) for lr in (1e-3, 1e-2, 1e-1)]
    + [("rmsprop", {"alpha": alpha}) for alpha in (0.9, 0.99, 0.999)]
    + [("nadam", {"lr": lr}) for lr in (1e-3, 2e-3, 1e-2)]
)

#: Twelve runs no two of which can be stacked: the worst case.
DISTINCT = [
    ("adam", {}),
    ("adam", {"amsgrad": True}),
    ("adam", {"bias_correction": False}),
    ("adamw", {}),
    ("nadam", {}),
    ("radam", {}),
    ("rmsprop", {}),
    ("rmsprop", {"centered": True}),
    ("adagrad", {}),
    ("adamax", {}),
    ("sgd", {"momentum": 0.9}),
    ("lion", {}),
]


def bare_adam(table: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """Adam's 13 numpy operations a step and nothing else: the floor for a loop over time."""
    m = v = np.zeros_like(theta)
    for t, g in enumerate(table, start=1):
        m = m + 0.1 * (g - m)
        v = v * 0.999 + (0.001 * g) * g
        denom = np.sqrt(v) / (1 - 0.999**t) ** 0.5 + 1e-8
        theta = theta + (-(1e-3 / (1 - 0.9**t)) * m) / denom
    return theta


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100_000)
    parser.add_argument("--params", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    steps, params = args.steps, args.params
    rng = np.random.default_rng(0)
    table = rng.standard_normal((steps, params))
    theta0 = rng.standard_normal(params)
    curvature = np.geomspace(0.1, 10.0, params)

    def quadratic(t: int, theta: np.ndarray) -> np.ndarray:
        del t
        return curvature * theta  # the gradient of ½·Σ c·θ², at θ_{t-1}

    def runs(specs: list[tuple[str, dict[str, float]]], closed: bool = False) -> list[Run]:
        gradients = quadratic if closed else table
        return [Run(create(name, **hp), gradients, theta0, name) for name, hp in specs]

    sweep = [("adam", {"beta2": b2}) for b2 in np.linspace(0.9, 0.9999, 12)]
    cases: dict[str, Callable[[], object]] = {
        "bare numpy loop of Adam's arithmetic (the floor)": lambda: bare_adam(table, theta0),
        "adam, 1 run": lambda: run(create("adam"), table, theta0, steps),
        "adam, 1 run, closed loop": lambda: run(create("adam"), quadratic, theta0, steps),
        "adam β2 sweep, 12 runs one by one": lambda: [
            run(r.optimizer, r.gradients, r.theta0, steps) for r in runs(sweep)
        ],
        "adam β2 sweep, 12 runs, run_many": lambda: run_many(runs(sweep), steps),
        "adam β2 sweep, 12 runs, run_many, closed loop": lambda: run_many(
            runs(sweep, closed=True), steps
        ),
        "mix of 4 × 3, run_many": lambda: run_many(runs(MIX), steps),
        "12 distinct (nothing to stack), run_many": lambda: run_many(runs(DISTINCT), steps),
    }
    for name in ("sgd", "rmsprop", "adagrad", "adamw", "adamax", "nadam", "radam", "lion"):
        cases[f"{name}, 1 run"] = lambda name=name: run(create(name), table, theta0, steps)

    print(f"{steps} steps × {params} parameters per run, best of {args.repeat}:")
    for label, fn in cases.items():
        print(f"  {label:<50} {best(fn, args.repeat):6.2f} s")


if __name__ == "__main__":
    main()
