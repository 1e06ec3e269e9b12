"""The quantities each optimizer shows: what they mean, worked by hand, and their corner cases."""

from __future__ import annotations

import numpy as np
import pytest

from adamviz.optim import OPTIMIZERS, QUANTITIES, Trace, create, run

from .cases import RTOL, relative_error

#: The course page's example: one parameter with large gradients, one with small.
COURSE = np.array([[10.0, 0.1], [12.0, -0.2], [8.0, 0.3]])

#: Every optimizer with every switch that changes what it shows.
CONFIGS = [
    ("sgd", {}),
    ("sgd", {"momentum": 0.9, "nesterov": True}),
    ("rmsprop", {}),
    ("rmsprop", {"momentum": 0.9, "centered": True}),
    ("adagrad", {"lr_decay": 0.1}),
    ("adam", {}),
    ("adam", {"amsgrad": True}),
    ("adam", {"bias_correction": False}),
    ("adamw", {"amsgrad": True}),
    ("adamax", {}),
    ("nadam", {}),
    ("radam", {}),
    ("lion", {}),
]


def close(ours: np.ndarray, theirs: np.ndarray) -> bool:
    return bool(np.max(relative_error(ours, theirs)) <= RTOL)


def same_step(trace: Trace, expected: np.ndarray) -> bool:
    """``trace.update`` is θ_t − θ_{t-1} as applied: ``expected`` up to an ulp or two of θ."""
    before = np.concatenate([trace.theta0[None], trace.theta[:-1]])
    ulps = np.spacing(np.maximum(np.abs(before), np.abs(trace.theta)))
    return bool(np.all(np.abs(trace.update - expected) <= 2 * ulps + RTOL * np.abs(expected)))


def stream(steps: int = 30, params: int = 3, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(steps, params)) * [1e-3, 1.0, 1e3][:params]


def test_course_page_step_sizes_differ_a_hundredfold() -> None:
    """Adam, lr 1e-3: gradients near 10 get steps of lr/10, near 0.1 of lr/0.1, at step 1."""
    trace = run(create("adam", lr=1e-3), COURSE, np.zeros(2), 3)
    assert trace.step_size[0] == pytest.approx([1e-4, 1e-2], rel=1e-6)
    assert trace.step_size[0, 1] / trace.step_size[0, 0] == pytest.approx(100, rel=1e-6)
    # ... yet both parameters move by lr: m̂/√v̂ = g/|g| at step 1
    assert trace.ratio[0] == pytest.approx([1.0, 1.0], rel=1e-6)
    assert trace.update[0] == pytest.approx([-1e-3, -1e-3], rel=1e-6)
    assert trace.m_hat[0] == pytest.approx(COURSE[0])
    assert trace.v_hat[0] == pytest.approx(COURSE[0] ** 2)


def test_course_page_by_hand_over_three_steps() -> None:
    """Algorithm 1 of Kingma & Ba written out in floats, against the trace."""
    lr, beta1, beta2, eps = 1e-3, 0.9, 0.999, 1e-8
    trace = run(create("adam"), COURSE, np.zeros(2), 3)
    for p in range(2):
        m = v = theta = 0.0
        for t, g in enumerate(COURSE[:, p], start=1):
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g * g
            m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
            theta -= lr * m_hat / (v_hat**0.5 + eps)
            row = t - 1
            assert trace.m[row, p] == pytest.approx(m, rel=1e-14)
            assert trace.v_hat[row, p] == pytest.approx(v_hat, rel=1e-14)
            assert trace.step_size[row, p] == pytest.approx(lr / (v_hat**0.5 + eps), rel=1e-14)
            assert trace.theta[row, p] == pytest.approx(theta, rel=1e-12)


@pytest.mark.parametrize(
    ("name", "hp"),
    [
        ("adam", {}),
        ("adam", {"amsgrad": True}),
        ("adam", {"bias_correction": False}),
        ("adamw", {}),
        ("adamax", {}),
        ("nadam", {}),
        ("radam", {}),
        ("rmsprop", {}),
        ("rmsprop", {"centered": True, "momentum": 0.5}),
        ("adagrad", {}),
    ],
)
def test_eps_zero_and_no_gradient_yet_is_a_ratio_of_zero_not_nan(name: str, hp: dict) -> None:
    """ε = 0 before any gradient: 0/0. The ratio and the step are 0 (torch: NaN), never NaN."""
    grads = np.zeros((12, 2))
    grads[6:, 0] = [1.0, -2.0, 3.0, 0.5, -0.5, 1.0]  # the first parameter wakes up at step 7
    trace = run(create(name, eps=0.0, **hp), grads, np.array([0.5, -0.5]), 12)
    for key, values in trace.quantities.items():
        assert not np.isnan(values).any(), key
    assert np.array_equal(trace.ratio[:6], np.zeros((6, 2)))
    assert np.array_equal(trace.ratio[:, 1], np.zeros(12))
    if name != "adamw":  # whose decay moves θ without a gradient
        assert np.array_equal(trace.theta[:, 1], np.full(12, -0.5))  # no gradient, no step
    assert np.isfinite(trace.theta).all()
    if "step_size" in trace and name not in ("radam",):
        assert np.isinf(trace.step_size[:6]).all()  # lr/0: allowed, and what it means


def test_adam_without_bias_correction_shows_the_raw_moments() -> None:
    grads = np.tile([1.0, -2.0, 3.0], (30, 1))  # |g| ≫ ε
    trace = run(create("adam", bias_correction=False), grads, np.zeros(3), 30)
    assert np.array_equal(trace.m_hat, trace.m)
    assert np.array_equal(trace.v_hat, trace.v)
    corrected = run(create("adam"), grads, np.zeros(3), 30)
    assert np.array_equal(trace.m, corrected.m)  # the moments themselves are the same
    # the first step is (1 − β1)/√(1 − β2) = 3.16 times the corrected one
    assert trace.update[0] / corrected.update[0] == pytest.approx(np.full(3, 0.1 / 0.001**0.5))


@pytest.mark.parametrize(("name", "hp"), [c for c in CONFIGS if c[0] != "lion"])
def test_the_update_is_the_quantities_put_together(name: str, hp: dict) -> None:
    """update = −lr·ratio (the momentum buffer's, for SGD and RMSprop with momentum)."""
    grads = stream()
    optimizer = create(name, **hp)
    trace = run(optimizer, grads, np.array([0.3, -1.0, 2.0]), 30)
    lr = optimizer.hyperparameters["lr"]
    if name in ("sgd", "rmsprop") and hp.get("momentum"):
        if not hp.get("nesterov"):
            assert same_step(trace, -lr * trace.momentum)
        return
    if name in ("sgd", "adagrad"):
        assert same_step(trace, -trace.step_size * grads)
    elif name == "adamw":
        decay = np.concatenate([trace.theta0[None], trace.theta[:-1]]) * lr * 1e-2
        assert same_step(trace, -lr * trace.ratio - decay)
    else:
        assert same_step(trace, -lr * trace.ratio)
    if name in ("adam", "adamax", "radam"):
        assert same_step(trace, -trace.step_size * trace.m_hat)


def test_amsgrad_keeps_the_max_of_the_raw_v_and_corrects_it() -> None:
    grads = stream()
    grads[10:] *= 0.01  # gradients fall: v falls, v_max stays
    trace = run(create("adam", amsgrad=True), grads, np.zeros(3), 30)
    assert np.array_equal(trace.v_max, np.maximum.accumulate(trace.v, axis=0))
    counts = np.arange(1, 31)[:, None]
    assert close(trace.v_hat, trace.v_max / (1 - 0.999**counts))
    assert (trace.v_max[-1] > trace.v[-1]).all()


def test_radam_steps_like_momentum_sgd_until_rho_exceeds_5() -> None:
    grads = stream()
    trace = run(create("radam", lr=1e-2), grads, np.zeros(3), 30)
    rho_inf = 2 / (1 - 0.999) - 1  # ρ_1 = 1 is 1999 − 1998: Python floats, as torch
    rho = np.array([rho_inf - 2 * t * 0.999**t / (1 - 0.999**t) for t in range(1, 31)])
    assert np.array_equal(trace.rho, np.repeat(rho[:, None], 3, axis=1))
    off = rho <= 5
    assert off.tolist() == [True] * 5 + [False] * 25  # β2 = 0.999: the first five steps
    assert np.array_equal(trace.rectifier[off], np.zeros((5, 3)))
    assert (trace.rectifier[~off] > 0).all() and (trace.rectifier[~off] < 1).all()
    assert np.array_equal(trace.ratio[:5], trace.m_hat[:5])
    assert same_step(trace, -1e-2 * trace.ratio)
    assert np.array_equal(trace.step_size[:5], np.full((5, 3), 1e-2))


def test_sgd_momentum_starts_at_the_first_gradient() -> None:
    grads = stream()
    trace = run(create("sgd", momentum=0.9, dampening=0.5), grads, np.zeros(3), 30)
    assert np.array_equal(trace.momentum[0], grads[0])  # torch: clone, no dampening
    assert np.array_equal(trace.momentum[1], trace.momentum[0] * 0.9 + 0.5 * grads[1])
    nesterov = run(create("sgd", lr=0.1, momentum=0.9, nesterov=True), grads, np.zeros(3), 30)
    assert same_step(nesterov, -0.1 * (grads + 0.9 * nesterov.momentum))


def test_adagrad_sums_the_squares_from_its_initial_value() -> None:
    grads = stream()
    trace = run(
        create("adagrad", lr_decay=0.1, initial_accumulator_value=0.5), grads, np.zeros(3), 30
    )
    running = np.cumsum(np.concatenate([np.full((1, 3), 0.5), grads * grads]), axis=0)
    assert np.array_equal(trace["sum"], running[1:])  # added in order, from 0.5
    assert np.array_equal(trace.rms, np.sqrt(trace["sum"]))
    lr_t = 1e-2 / (1 + np.arange(30)[:, None] * 0.1)
    assert close(trace.step_size, lr_t / (trace.rms + 1e-10))


def test_rmsprop_centered_divides_by_the_standard_deviation() -> None:
    grads = stream()
    trace = run(create("rmsprop", centered=True), grads, np.zeros(3), 30)
    assert close(trace.step_size, 1e-2 / (np.sqrt(trace.v - trace.g_avg**2) + 1e-8))
    assert close(trace.ratio, grads / (np.sqrt(trace.v - trace.g_avg**2) + 1e-8))
    assert np.array_equal(trace.rms, np.sqrt(trace.v))


def test_nadam_mu_product_is_the_running_product_of_the_schedule() -> None:
    trace = run(create("nadam"), stream(), np.zeros(3), 30)
    t = np.arange(1, 31)
    mu = 0.9 * (1 - 0.5 * 0.96 ** (t * 4e-3))
    assert close(trace.mu_product, np.repeat(np.cumprod(mu)[:, None], 3, axis=1))


@pytest.mark.parametrize(("name", "hp"), CONFIGS)
def test_names_shapes_and_the_documented_list(name: str, hp: dict) -> None:
    optimizer = create(name, **hp)
    trace = run(optimizer, stream(), np.zeros(3), 30)
    assert tuple(trace.quantities) == optimizer.names
    assert set(optimizer.names) <= set(QUANTITIES[name])
    for key, values in trace.quantities.items():
        assert values.shape == (30, 3), key
        assert values.dtype == np.float64, key
        assert np.isfinite(values).all(), key


def test_every_optimizer_is_listed_in_quantities() -> None:
    assert set(QUANTITIES) == set(OPTIMIZERS)


@pytest.mark.parametrize(("name", "hp"), CONFIGS)
def test_shown_state_is_the_steps_own_to_the_bit(name: str, hp: dict) -> None:
    """The quantities that are state are the arrays the steps made, not recomputed."""
    optimizer = create(name, **hp)
    grads, theta = stream(), np.zeros(3)
    trace = run(optimizer, grads, theta, 30)
    state = optimizer.transform.init(theta)
    for t in range(30):
        updates, state = optimizer.transform.update(grads[t], state, theta)
        theta = theta + updates
        assert np.array_equal(trace.theta[t], theta)
    leaves = state if isinstance(state, tuple) and not hasattr(state, "_fields") else (state,)
    for leaf in leaves:
        for key in getattr(leaf, "_fields", ()):
            value = getattr(leaf, key)
            if key in trace.quantities and isinstance(value, np.ndarray):
                assert np.array_equal(trace[key][-1], value), key
