"""A run recorded: every quantity at every step, each by name.

Row ``t-1`` of every array holds step ``t``: the gradient the optimizer was
given, the update it made, θ after the step, and the quantities the optimizer
shows (for Adam m, v, m_hat, v_hat, ratio, step_size). Figures and tables read
the quantities by name, so a new optimizer adds names, not fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

Array = np.ndarray[Any, np.dtype[np.float64]]


@dataclass(frozen=True, eq=False)
class Trace:
    """One run: arrays of shape (steps, params), and ``theta0`` of shape (params,).

    ``eq=False``: comparing arrays with ``==`` is ambiguous; compare the arrays.
    """

    theta0: Array
    grad: Array
    update: Array
    theta: Array
    quantities: Mapping[str, Array] = field(default_factory=dict)
    label: str = ""

    @property
    def steps(self) -> int:
        return int(self.grad.shape[0])

    @property
    def params(self) -> int:
        return int(self.grad.shape[1])

    def __getitem__(self, name: str) -> Array:
        """A quantity by name; ``grad``, ``update`` and ``theta`` too."""
        if name in ("grad", "update", "theta"):
            return getattr(self, name)
        return self.quantities[name]

    def get(self, name: str, default: Array | None = None) -> Array | None:
        """A quantity by name, or ``default`` where this run has none."""
        if name not in self:
            return default
        return self[name]

    def _repr_html_(self) -> str:
        """In a notebook: what the run holds, and where each parameter ended."""
        import html

        label = html.escape(self.label or "run")
        names = ", ".join(html.escape(n) for n in ("grad", "update", "theta", *self.quantities))
        last = ", ".join(f"{value:.6g}" for value in self.theta[-1]) if self.steps else ""
        return (
            f"<div><strong>{label}</strong>: {self.steps} steps × {self.params} parameters; "
            f"arrays {names}; θ after the last step: [{last}]</div>"
        )

    def __contains__(self, name: object) -> bool:
        return name in ("grad", "update", "theta") or name in self.quantities

    def __getattr__(self, name: str) -> Array:
        # trace.m_hat reads as the maths does; only quantities reach here.
        quantities = self.__dict__.get("quantities", {})
        if name in quantities:
            return quantities[name]
        raise AttributeError(f"{type(self).__name__} has no quantity {name!r}")
