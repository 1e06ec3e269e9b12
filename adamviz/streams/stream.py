"""The one seam where the optimizer asks for g(θ) step by step."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from adamviz.streams.patterns import Array


@dataclass(frozen=True, eq=False)
class GradientStream:
    """The gradients for every step and parameter, as the kernel asks for them.

    Open-loop gradients are known in advance and live in ``table``. A
    closed-loop column's gradient depends on θ, so ``table`` holds only its
    noise and ``losses`` says which function of θ to add; a loss over all of
    θ (``loss``) is the gradient of every column at once. Keeping both behind
    one call, ``stream(step, theta)``, lets the kernel stay ignorant of where
    gradients come from.

    ``eq=False``: comparing arrays with ``==`` is ambiguous; compare ``table``.
    """

    table: Array
    """Shape ``(steps, params)``, float64, read-only."""
    losses: tuple[tuple[int, Callable[[float], float]], ...] = ()
    """``(column, gradient of the loss at that column's θ)`` for closed-loop columns."""
    loss: Callable[[NDArray[np.float64]], Array] | None = None
    """The gradient ∇f(θ) of one loss over all of θ (a 2-D surface), added to every column."""

    def __post_init__(self) -> None:
        table = np.array(self.table, dtype=np.float64)  # a private copy the caller cannot mutate
        if table.ndim != 2:
            raise ValueError(f"table must be 2-D (steps, params), got shape {table.shape}")
        table.setflags(write=False)
        object.__setattr__(self, "table", table)  # frozen dataclass: the documented way to init
        for column, _ in self.losses:
            if not 0 <= column < table.shape[1]:
                raise ValueError(f"loss column {column} is outside 0..{table.shape[1] - 1}")

    @property
    def steps(self) -> int:
        return int(self.table.shape[0])

    @property
    def is_open_loop(self) -> bool:
        """True when ``table`` is the whole story, so a kernel may skip the θ feedback."""
        return not self.losses and self.loss is None

    def __call__(self, step: int, theta: NDArray[np.float64]) -> Array:
        """The gradient ``g_step`` (1-based step), given θ_{step-1}, the parameters before it."""
        if not 1 <= step <= self.steps:
            # Index step - 1 would silently wrap around for step 0.
            raise IndexError(f"step must be in 1..{self.steps}, got {step}")
        gradient = self.table[step - 1].copy()
        if self.loss is not None:
            # The run's own full θ: on a surface, x's gradient depends on y too.
            gradient += self.loss(theta)
        for column, loss_gradient in self.losses:
            gradient[column] += loss_gradient(theta[column])
        return gradient
