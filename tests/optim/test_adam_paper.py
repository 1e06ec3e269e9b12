"""Adam against Algorithm 1 of the paper, written out in scalar Python floats.

torch (and so adamviz) computes m with ``lerp`` and folds the bias corrections
into the step, where the paper writes β·m + (1-β)·g and divides m̂ by √v̂ + ε:
the same numbers up to rounding, so these compare to a few ulps, and the exact
agreement with torch is tests/optim/test_torch_parity.py's.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from adamviz.optim.alias import adam
from adamviz.optim.run import run
from adamviz.streams import GradientStream


def reference_adam(
    grads: list[float],
    theta0: float,
    lr: float = 1e-3,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
) -> list[dict[str, float]]:
    """Algorithm 1 of Kingma & Ba (2014), in scalar Python floats."""
    m = v = 0.0
    theta = theta0
    rows = []
    for t, g in enumerate(grads, start=1):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        step = m_hat / (math.sqrt(v_hat) + eps) if v_hat or eps else 0.0
        theta = theta - lr * step
        rows.append({"m": m, "v": v, "m_hat": m_hat, "v_hat": v_hat, "theta": theta})
    return rows


def assert_close_to_paper(trace_column: np.ndarray, paper: list[float], scale: float) -> None:
    # A few ulps of the largest value the column holds: where m crosses 0 its
    # own relative error is meaningless, the rounding of its history is not.
    np.testing.assert_allclose(trace_column, paper, rtol=1e-13, atol=1e-14 * scale)


@pytest.mark.parametrize(
    "hyperparameters",
    [{}, {"lr": 0.1, "beta1": 0.5, "beta2": 0.9, "eps": 1e-3}, {"beta1": 0.0}],
)
def test_matches_the_paper_written_out_in_scalars(hyperparameters: dict[str, float]) -> None:
    rng = np.random.default_rng(7)
    grads = rng.normal(0.3, 2.0, size=(300, 3)) * np.array([1.0, 1e-3, 1e3])
    theta0 = np.array([0.5, -1.0, 2.0])
    trace = run(adam(**hyperparameters), grads, theta0, 300)
    for p in range(3):
        paper = reference_adam(list(grads[:, p]), float(theta0[p]), **hyperparameters)
        scale = float(np.abs(grads[:, p]).max())
        for key, size in (("m", scale), ("v", scale**2), ("m_hat", scale), ("v_hat", scale**2)):
            assert_close_to_paper(trace[key][:, p], [r[key] for r in paper], size)
        np.testing.assert_allclose(trace.theta[:, p], [r["theta"] for r in paper], rtol=1e-12)


def test_parameters_are_independent_columns() -> None:
    rng = np.random.default_rng(1)
    grads = rng.normal(size=(50, 4))
    together = run(adam(), grads, np.zeros(4), 50)
    for p in range(4):
        alone = run(adam(), grads[:, p : p + 1], np.zeros(1), 50)
        np.testing.assert_array_equal(together.theta[:, p], alone.theta[:, 0])


def test_closed_loop_asks_for_the_gradient_at_the_previous_theta() -> None:
    center, lr = 3.0, 0.1
    stream = GradientStream(
        table=np.zeros((40, 1)), losses=((0, lambda theta: 2.0 * (theta - center)),)
    )
    trace = run(adam(lr=lr), stream, np.array([0.0]), 40)
    theta = 0.0
    expected_grads = []
    m = v = 0.0
    for t in range(1, 41):
        g = 2.0 * (theta - center)
        expected_grads.append(g)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        theta -= lr * ((m / (1 - 0.9**t)) / (math.sqrt(v / (1 - 0.999**t)) + 1e-8))
    np.testing.assert_allclose(trace.grad[:, 0], expected_grads, rtol=1e-13, atol=1e-13)
    assert trace.theta[-1, 0] == pytest.approx(theta, rel=1e-13)
    assert trace.theta[-1, 0] > 2.0  # moving toward the minimum at 3
