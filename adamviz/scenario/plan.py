"""From a scenario's optimizers and sweep to its runs: every optimizer once per sweep value.

Every run sees the same gradient stream; what differs is the optimizer and its
hyperparameters. A run's label names it in the figure, the legend and the
CSV: the optimizer's label (or name), then each swept value.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from adamviz.optim.base import Optimizer
from adamviz.scenario.optimizers import OptimizerSpec

#: The most runs one figure shows readably (and one scenario may ask for).
MAX_RUNS = 12


@dataclass(frozen=True)
class Run:
    """One optimizer with one set of hyperparameters, over the scenario's gradients."""

    label: str
    optimizer: OptimizerSpec
    overrides: Mapping[str, float | bool] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.optimizer.name

    def hyperparameters(self) -> dict[str, float | bool]:
        return {**self.optimizer.hyperparameters(), **self.overrides}

    def build(self) -> Optimizer:
        return self.optimizer.build(**self.overrides)


def shown(value: float | bool) -> str:
    """A swept value as a label shows it: ``0.999``, ``1e-05``, ``true``."""
    return str(value).lower() if isinstance(value, bool) else f"{value:g}"


def plan_runs(
    optimizers: Sequence[OptimizerSpec], sweep: Mapping[str, Sequence[float | bool]]
) -> list[Run]:
    """Every optimizer, in order, once per combination of the swept values."""
    keys = list(sweep)
    combinations = list(itertools.product(*(sweep[key] for key in keys)))
    runs = []
    for spec in optimizers:
        base = spec.label or spec.name
        for values in combinations:
            overrides = dict(zip(keys, values, strict=True))
            suffix = ", ".join(f"{key}={shown(value)}" for key, value in overrides.items())
            runs.append(Run(f"{base} {suffix}" if suffix else base, spec, overrides))
    return runs
