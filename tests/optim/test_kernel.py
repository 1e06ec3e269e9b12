"""The kernel against the course page's hand computation, the paper, and torch."""

from __future__ import annotations

import math

import numpy as np
import pytest

from adamviz.optim import kernel
from adamviz.optim.kernel import AdamConfig
from adamviz.streams import GradientStream

COURSE_GRADIENTS = np.array([[10.0, 0.1], [12.0, -0.2], [8.0, 0.3]])


def reference_adam(grads: list[float], theta0: float, config: AdamConfig) -> list[dict[str, float]]:
    """Algorithm 1 of Kingma & Ba (2014), written out in scalar Python floats."""
    lr, beta1, beta2, eps = config
    m = v = 0.0
    theta = theta0
    rows = []
    for t, g in enumerate(grads, start=1):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        theta = theta - lr * m_hat / (math.sqrt(v_hat) + eps)
        rows.append({"m": m, "v": v, "m_hat": m_hat, "v_hat": v_hat, "theta": theta})
    return rows


class TestCoursePageHandComputation:
    """MATH 3850, page 10, part C: β2 = 0.999, α = 0.001, g = [10, 12, 8] and [0.1, -0.2, 0.3]."""

    @pytest.fixture(scope="class")
    @classmethod
    def trace(cls) -> kernel.Trace:
        return kernel.run(COURSE_GRADIENTS, np.zeros(2), 3, AdamConfig(lr=0.001))

    def test_big_gradient_first_step(self, trace: kernel.Trace) -> None:
        assert trace.v[0, 0] == pytest.approx(0.1, rel=1e-15)
        assert trace.v_hat[0, 0] == pytest.approx(100.0, rel=1e-12)
        # 0.001 / (√100 + 1e-8): the course's "0.0001", ten times smaller than lr.
        assert trace.step_size[0, 0] == pytest.approx(0.0001, rel=1e-8)

    def test_big_gradient_second_step(self, trace: kernel.Trace) -> None:
        assert trace.v[1, 0] == pytest.approx(0.2439, rel=1e-14)
        assert trace.v_hat[1, 0] == pytest.approx(0.2439 / 0.001999, rel=1e-12)
        assert round(trace.v_hat[1, 0]) == 122
        assert trace.step_size[1, 0] == pytest.approx(0.0000905, rel=1e-3)

    def test_small_gradient_first_step(self, trace: kernel.Trace) -> None:
        assert trace.v[0, 1] == pytest.approx(0.00001, rel=1e-12)
        assert trace.v_hat[0, 1] == pytest.approx(0.01, rel=1e-12)
        # Ten times *bigger* than lr: the weak gradient is boosted.
        assert trace.step_size[0, 1] == pytest.approx(0.01, rel=1e-7)

    def test_hundredfold_difference(self, trace: kernel.Trace) -> None:
        assert trace.step_size[0, 1] / trace.step_size[0, 0] == pytest.approx(100.0, rel=1e-6)


@pytest.mark.parametrize(
    "config",
    [AdamConfig(), AdamConfig(lr=0.1, beta1=0.5, beta2=0.9, eps=1e-3), AdamConfig(beta1=0.0)],
)
def test_matches_the_paper_written_out_in_scalars(config: AdamConfig) -> None:
    rng = np.random.default_rng(7)
    grads = rng.normal(0.3, 2.0, size=(300, 3)) * np.array([1.0, 1e-3, 1e3])
    theta0 = np.array([0.5, -1.0, 2.0])
    trace = kernel.run(grads, theta0, 300, config)
    for p in range(3):
        expected = reference_adam(list(grads[:, p]), float(theta0[p]), config)
        for key in ("m", "v", "m_hat", "v_hat"):
            # Same operations in the same order: equal to the last bit.
            np.testing.assert_array_equal(getattr(trace, key)[:, p], [r[key] for r in expected])
        # The paper writes α·m̂/(…) where torch and adamviz compute α·(m̂/(…)):
        # rounding may differ in the last bits, and θ accumulates 300 of them.
        np.testing.assert_allclose(
            trace.theta[:, p], [r["theta"] for r in expected], rtol=1e-13, atol=1e-15
        )


def test_derived_columns_follow_their_definitions() -> None:
    config = AdamConfig(lr=0.01)
    trace = kernel.run(COURSE_GRADIENTS, np.array([1.0, 2.0]), 3, config)
    denominator = np.sqrt(trace.v_hat) + config.eps
    np.testing.assert_array_equal(trace.ratio, trace.m_hat / denominator)
    np.testing.assert_array_equal(trace.step_size, config.lr / denominator)
    np.testing.assert_array_equal(trace.update, -config.lr * trace.ratio)
    np.testing.assert_array_equal(
        trace.theta, np.array([1.0, 2.0]) + np.cumsum(trace.update, axis=0)
    )


def test_update_is_pure_and_matches_run() -> None:
    config = AdamConfig(lr=0.05)
    state = kernel.init(np.zeros(2))
    before = (state.m.copy(), state.v.copy())
    updates, after = kernel.update(COURSE_GRADIENTS[0], state, config)
    np.testing.assert_array_equal(state.m, before[0])  # the old state is untouched
    np.testing.assert_array_equal(state.v, before[1])
    assert (state.count, after.count) == (0, 1)
    trace = kernel.run(COURSE_GRADIENTS, np.zeros(2), 3, config)
    np.testing.assert_array_equal(updates, trace.update[0])
    np.testing.assert_array_equal(after.m, trace.m[0])


def test_parameters_are_independent_columns() -> None:
    rng = np.random.default_rng(1)
    grads = rng.normal(size=(50, 4))
    together = kernel.run(grads, np.zeros(4), 50)
    for p in range(4):
        alone = kernel.run(grads[:, p : p + 1], np.zeros(1), 50)
        np.testing.assert_array_equal(together.theta[:, p], alone.theta[:, 0])


def test_closed_loop_asks_for_the_gradient_at_the_previous_theta() -> None:
    center, lr = 3.0, 0.1
    stream = GradientStream(
        table=np.zeros((40, 1)), losses=((0, lambda theta: 2.0 * (theta - center)),)
    )
    trace = kernel.run(stream, np.array([0.0]), 40, AdamConfig(lr=lr))
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


def test_zero_gradients_give_ratio_zero_even_without_eps() -> None:
    grads = np.zeros((5, 1))
    grads[3:] = 1.0
    trace = kernel.run(grads, np.zeros(1), 5, AdamConfig(eps=0.0))
    assert not np.isnan(trace.ratio).any()
    np.testing.assert_array_equal(trace.ratio[:3, 0], 0.0)
    np.testing.assert_array_equal(trace.theta[:3, 0], 0.0)
    # The first nonzero gradient, after three zeros that the bias correction counts.
    m_hat, v_hat = 0.1 / (1 - 0.9**4), 0.001 / (1 - 0.999**4)
    assert trace.ratio[3, 0] == pytest.approx(m_hat / math.sqrt(v_hat), rel=1e-15)


def test_bias_correction_stays_exact_for_long_runs() -> None:
    # 0.999**100000 ≈ 3.5e-44: the correction must not round to 1 - 0 too early or go NaN.
    counts = np.array([1, 1000, 100000])
    corrections = kernel.bias_correction(0.999, counts)
    np.testing.assert_array_equal(corrections, [1 - 0.999**1, 1 - 0.999**1000, 1 - 0.999**100000])
    assert kernel.bias_correction(0.9, 3) == 1 - 0.9**3


def test_rejects_a_table_of_the_wrong_shape() -> None:
    with pytest.raises(ValueError, match=r"expected shape \(3, 2\)"):
        kernel.run(np.zeros((2, 2)), np.zeros(2), 3)


def test_matches_torch_adam_when_torch_is_installed() -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    grads = rng.normal(0.1, 1.0, size=(200, 3)) * np.array([10.0, 1.0, 0.01])
    theta0 = np.array([0.1, -0.2, 0.3])
    config = AdamConfig(lr=0.01, beta1=0.85, beta2=0.99, eps=1e-6)
    param = torch.nn.Parameter(torch.tensor(theta0, dtype=torch.float64))
    optimizer = torch.optim.Adam(
        [param], lr=config.lr, betas=(config.beta1, config.beta2), eps=config.eps, foreach=False
    )
    thetas = []
    for g in grads:
        param.grad = torch.tensor(g, dtype=torch.float64)
        optimizer.step()
        thetas.append(param.detach().numpy().copy())
    trace = kernel.run(grads, theta0, 200, config)
    np.testing.assert_allclose(trace.theta, np.array(thetas), rtol=1e-12, atol=1e-15)
    state = optimizer.state[param]
    np.testing.assert_allclose(trace.m[-1], state["exp_avg"].numpy(), rtol=1e-13)
    np.testing.assert_allclose(trace.v[-1], state["exp_avg_sq"].numpy(), rtol=1e-13)
