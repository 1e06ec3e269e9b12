"""Lion against optax's formula written out in scalar Python floats (torch has no Lion)."""

from __future__ import annotations

import numpy as np
import pytest

from adamviz.optim import create, run


def reference_lion(
    grads: np.ndarray, theta0: np.ndarray, lr: float, beta1: float, beta2: float, wd: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """θ, m and the sign after every step, one parameter at a time, in Python floats.

    optax's ``scale_by_lion``: c = (1 − β1)·g + β1·m, u = sign(c), m ← (1 − β2)·g + β2·m;
    the decay as Chen et al.'s Algorithm 2 takes it, θ ← θ·(1 − lr·λ) before θ ← θ − lr·u.
    """
    steps, params = grads.shape
    thetas, ms, signs = (
        np.empty((steps, params)),
        np.empty((steps, params)),
        np.empty((steps, params)),
    )
    for p in range(params):
        theta, m = float(theta0[p]), 0.0
        for t in range(steps):
            g = float(grads[t, p])
            c = (1.0 - beta1) * g + beta1 * m
            sign = (c > 0) - (c < 0)
            m = (1.0 - beta2) * g + beta2 * m
            if wd:
                theta = theta * (1 - lr * wd)
            theta = theta - lr * sign
            thetas[t, p], ms[t, p], signs[t, p] = theta, m, sign
    return thetas, ms, signs


@pytest.mark.parametrize("seed", range(12))
def test_matches_the_scalar_formula(seed: int) -> None:
    """Bit for bit: the same float operations in the same order.

    θ0 is kept away from 0 when there is weight decay: the decayed step is handed
    back as θ_t − θ_{t-1}, exact while a step is less than half of |θ|.
    """
    rng = np.random.default_rng(seed)
    lr = float(10 ** rng.uniform(-4, -2))
    beta1, beta2 = float(rng.uniform(0, 0.99)), float(rng.uniform(0, 0.999))
    wd = float(rng.choice([0.0, 10 ** rng.uniform(-3, 0)]))
    grads = rng.normal(size=(60, 5)) * 10.0 ** rng.uniform(-3, 3, 5)
    grads[rng.random(grads.shape) < 0.1] = 0.0
    theta0 = rng.normal(size=5) + (np.sign(rng.normal(size=5)) * 2 if wd else 0)
    trace = run(create("lion", lr=lr, beta1=beta1, beta2=beta2, weight_decay=wd), grads, theta0, 60)
    thetas, ms, signs = reference_lion(grads, theta0, lr, beta1, beta2, wd)
    assert np.array_equal(trace.theta, thetas)
    assert np.array_equal(trace.m, ms)
    assert np.array_equal(trace.sign, signs)


def test_a_zero_interpolation_takes_no_step() -> None:
    """sign(0) = 0, as jnp.sign: zero gradients from rest leave θ where it is."""
    trace = run(create("lion"), np.zeros((3, 2)), np.array([1.0, -2.0]), 3)
    assert np.array_equal(trace.theta, np.array([[1.0, -2.0]] * 3))
    assert np.array_equal(trace.sign, np.zeros((3, 2)))


def test_every_step_has_the_size_of_the_learning_rate() -> None:
    trace = run(
        create("lion", lr=1e-2), np.random.default_rng(1).normal(size=(20, 3)), np.ones(3), 20
    )
    assert np.allclose(np.abs(trace.update), 1e-2, rtol=1e-12)
