"""Adam, vectorized over parameters with numpy: the numbers every picture shows.

The recurrence is torch.optim.Adam's (Kingma & Ba 2014, Algorithm 1)::

    m_t = β1·m_{t-1} + (1-β1)·g_t          m̂_t = m_t / (1-β1^t)
    v_t = β2·v_{t-1} + (1-β2)·g_t²         v̂_t = v_t / (1-β2^t)
    ratio_t = m̂_t / (√v̂_t + ε)            step_size_t = lr / (√v̂_t + ε)
    θ_t = θ_{t-1} - lr · ratio_t

``init`` and ``update`` are pure functions over an immutable state, in the style
of optax's ``scale_by_adam``; ``run`` loops over time (arrays over everything
else) and returns a ``Trace`` of every quantity at every step. Float64
throughout. This module imports numpy alone, so it can be used from a notebook.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from adamviz.optim.trace import Trace

#: g_t for step t (1-based), given θ_{t-1}: how a closed-loop scenario (a loss
#: whose gradient depends on θ) feeds the kernel one step at a time.
GradientSource = Callable[[int, np.ndarray], np.ndarray]


class AdamConfig(NamedTuple):
    """Adam's hyperparameters; the defaults are torch.optim.Adam's."""

    lr: float = 1e-3
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8


DEFAULTS = AdamConfig()


class AdamState(NamedTuple):
    """Adam's state after ``count`` steps: the raw (biased) moment estimates."""

    count: int
    m: np.ndarray
    v: np.ndarray


def init(params: np.ndarray) -> AdamState:
    """The state before the first step: both moments zero, shaped like ``params``."""
    zeros = np.zeros(np.shape(params), dtype=np.float64)
    return AdamState(count=0, m=zeros, v=zeros.copy())


def bias_correction(beta: float, count: int | np.ndarray) -> float | np.ndarray:
    """``1 - beta**count``, the factor that undoes the moments' pull toward 0.

    Float64 keeps ``beta**count`` away from rounding to 1 for any count adamviz
    runs (0.999**100000 ≈ 4e-44). Computed with Python's float power element by
    element, so the per-step ``update`` and the whole-trace ``run`` round
    identically: numpy's vectorized ``power`` may use a SIMD routine that can
    differ in the last bit.
    """
    if isinstance(count, int | np.integer):
        return 1.0 - beta ** int(count)
    counts = np.asarray(count)
    powers = [beta ** int(t) for t in counts.ravel()]
    return 1.0 - np.array(powers, dtype=np.float64).reshape(counts.shape)


def scaling_ratio(m_hat: np.ndarray, v_hat: np.ndarray, eps: float) -> np.ndarray:
    """m̂ / (√v̂ + ε), with 0 where the denominator is 0.

    The denominator is 0 only when ε = 0 and v̂ = 0: no gradient energy in
    memory means no evidence for a step, so the ratio is 0, never NaN.
    """
    denominator = np.sqrt(v_hat) + eps
    if eps > 0:
        return m_hat / denominator
    return np.divide(m_hat, denominator, out=np.zeros_like(denominator), where=denominator != 0)


def effective_step_size(v_hat: np.ndarray, config: AdamConfig) -> np.ndarray:
    """lr / (√v̂ + ε): the learning rate this parameter really gets per unit of ratio.

    Infinite (not an error) when ε = 0 and no nonzero gradient has been seen.
    """
    with np.errstate(divide="ignore"):
        return config.lr / (np.sqrt(v_hat) + config.eps)


def update(grads: np.ndarray, state: AdamState, config: AdamConfig) -> tuple[np.ndarray, AdamState]:
    """One Adam step: the parameter updates (``-lr · ratio``) and the new state."""
    beta1, beta2 = config.beta1, config.beta2
    count = state.count + 1
    m = beta1 * state.m + (1.0 - beta1) * grads
    v = beta2 * state.v + (1.0 - beta2) * (grads * grads)
    m_hat = m / bias_correction(beta1, count)
    v_hat = v / bias_correction(beta2, count)
    updates = -config.lr * scaling_ratio(m_hat, v_hat, config.eps)
    return updates, AdamState(count=count, m=m, v=v)


def run(
    gradients: np.ndarray | GradientSource,
    theta0: np.ndarray,
    steps: int,
    config: AdamConfig = DEFAULTS,
) -> Trace:
    """Feed ``steps`` gradients through Adam from ``theta0`` and record everything.

    ``gradients`` is either an array of shape (steps, params), or a
    ``GradientSource`` asked for g_t at θ_{t-1} each step (closed loop).
    """
    theta = np.array(theta0, dtype=np.float64).reshape(-1)
    shape = (steps, theta.size)
    table = None if callable(gradients) else np.asarray(gradients, dtype=np.float64)
    if table is not None and table.shape != shape:
        raise ValueError(f"gradients: expected shape {shape}, got {table.shape}")

    # Rows are collected in lists and stacked once: cheaper than writing into
    # preallocated 2-D arrays row by row, which dominated the loop's time.
    grads: list[np.ndarray] = []
    ms: list[np.ndarray] = []
    vs: list[np.ndarray] = []
    thetas: list[np.ndarray] = []
    state = init(theta)
    for t in range(1, steps + 1):
        g = table[t - 1] if table is not None else np.asarray(gradients(t, theta), np.float64)
        updates, state = update(g, state, config)
        theta = theta + updates
        grads.append(g)
        ms.append(state.m)
        vs.append(state.v)
        thetas.append(theta)
    grad, m, v, theta_after = (np.array(rows).reshape(shape) for rows in (grads, ms, vs, thetas))

    # The derived quantities are recomputed for all steps at once; the operations
    # and their operands are the ones ``update`` used, so they agree to the bit.
    counts = np.arange(1, steps + 1)[:, None]
    m_hat = m / bias_correction(config.beta1, counts)
    v_hat = v / bias_correction(config.beta2, counts)
    ratio = scaling_ratio(m_hat, v_hat, config.eps)
    return Trace(
        theta0=np.array(theta0, dtype=np.float64).reshape(-1),
        grad=grad,
        update=-config.lr * ratio,
        theta=theta_after,
        quantities={
            "m": m,
            "v": v,
            "m_hat": m_hat,
            "v_hat": v_hat,
            "ratio": ratio,
            "step_size": effective_step_size(v_hat, config),
        },
    )
