"""Closed-loop losses of one parameter: the gradient at the current θ."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray


def quadratic_grad(theta: ArrayLike, center: float, scale: float) -> NDArray[np.float64]:
    """Gradient of ``scale/2 · (θ - center)²``: shrinks as θ nears the minimum."""
    return scale * (np.asarray(theta, dtype=np.float64) - center)


def absolute_grad(theta: ArrayLike, center: float, scale: float) -> NDArray[np.float64]:
    """Gradient of ``scale · |θ - center|``: constant size, flips sign at the minimum."""
    return scale * np.sign(np.asarray(theta, dtype=np.float64) - center)


LossGradient = Callable[[ArrayLike, float, float], NDArray[np.float64]]

LOSS_GRADIENTS: dict[str, LossGradient] = {
    "quadratic": quadratic_grad,
    "absolute": absolute_grad,
}
