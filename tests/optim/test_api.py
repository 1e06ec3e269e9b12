"""The package's contract: factories' signatures, the registry, checks, ``run`` and ``run_many``."""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adamviz.optim import (
    OPTIMIZERS,
    Optimizer,
    Run,
    Transform,
    alias,
    chain,
    create,
    register,
    run,
    run_many,
)
from adamviz.optim.base import EmptyState, identity, stack_states
from adamviz.optim.transforms import lerp

#: The keywords the scenario layer is written against, in order.
SIGNATURES = {
    "sgd": ["lr", "momentum", "dampening", "nesterov", "weight_decay"],
    "rmsprop": ["lr", "alpha", "eps", "weight_decay", "momentum", "centered"],
    "adagrad": ["lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps"],
    "adam": ["lr", "beta1", "beta2", "eps", "weight_decay", "amsgrad", "bias_correction"],
    "adamw": ["lr", "beta1", "beta2", "eps", "weight_decay", "amsgrad"],
    "adamax": ["lr", "beta1", "beta2", "eps", "weight_decay"],
    "nadam": [
        "lr",
        "beta1",
        "beta2",
        "eps",
        "weight_decay",
        "momentum_decay",
        "decoupled_weight_decay",
    ],
    "radam": ["lr", "beta1", "beta2", "eps", "weight_decay", "decoupled_weight_decay"],
    "lion": ["lr", "beta1", "beta2", "weight_decay"],
}
DEFAULT_LR = {"sgd": 1e-3, "rmsprop": 1e-2, "adagrad": 1e-2, "adam": 1e-3, "adamw": 1e-3,
              "adamax": 2e-3, "nadam": 2e-3, "radam": 1e-3, "lion": 1e-4}  # fmt: skip


@pytest.mark.parametrize("name", SIGNATURES)
def test_every_keyword_is_a_float_or_bool_with_a_default(name: str) -> None:
    factory = OPTIMIZERS[name]
    parameters = inspect.signature(factory).parameters
    assert list(parameters) == SIGNATURES[name]
    hints = typing.get_type_hints(factory)
    for key, parameter in parameters.items():
        assert hints[key] in (float, bool), key
        assert parameter.default is not inspect.Parameter.empty, key
        assert isinstance(parameter.default, hints[key]), key
    assert parameters["lr"].default == DEFAULT_LR[name]
    assert hints["return"] is Optimizer


@pytest.mark.parametrize("name", SIGNATURES)
def test_hyperparameters_are_what_it_was_built_with(name: str) -> None:
    optimizer = create(name, lr=0.5)
    defaults = {k: p.default for k, p in inspect.signature(OPTIMIZERS[name]).parameters.items()}
    assert dict(optimizer.hyperparameters) == {**defaults, "lr": 0.5}
    assert optimizer.name == name
    with pytest.raises(TypeError):
        optimizer.hyperparameters["lr"] = 1.0  # type: ignore[index]


def test_the_registry_holds_the_nine_and_refuses_a_second_factory_under_a_name() -> None:
    assert set(OPTIMIZERS) == set(SIGNATURES)
    with pytest.raises(ValueError, match="adam"):
        register("adam", lambda: create("sgd"))
    assert register("adam", alias.adam) is alias.adam  # the same one again is fine
    with pytest.raises(ValueError, match="unknown optimizer 'adamm'"):
        create("adamm")


def test_a_registered_factory_runs_and_is_run_alone_by_run_many() -> None:
    def plain_sgd(lr: float = 0.1) -> Optimizer:
        sgd = create("sgd", lr=lr)
        return sgd._replace(name="plain_sgd")

    register("plain_sgd", plain_sgd)
    try:
        grads = np.ones((4, 2))
        runs = [
            Run(create("plain_sgd"), grads, np.zeros(2)),
            Run(create("plain_sgd"), grads, np.ones(2)),
        ]
        traces = run_many(runs, 4)
        assert np.array_equal(traces[1].theta, run(runs[1].optimizer, grads, np.ones(2), 4).theta)
    finally:
        del OPTIMIZERS["plain_sgd"]


BAD = [
    ("adam", "lr", 0.0),
    ("adam", "lr", -1e-3),
    ("adam", "lr", float("nan")),
    ("adam", "lr", float("inf")),
    ("adam", "lr", True),
    ("adam", "lr", "0.1"),
    ("adam", "beta1", 1.0),
    ("adam", "beta2", -0.1),
    ("adam", "eps", -1e-8),
    ("adam", "weight_decay", -0.1),
    ("adam", "amsgrad", 1),
    ("adamw", "beta2", 1.5),
    ("sgd", "momentum", -0.9),
    ("sgd", "dampening", 1.5),
    ("rmsprop", "alpha", 1.0),
    ("rmsprop", "centered", "yes"),
    ("adagrad", "lr_decay", -1.0),
    ("adagrad", "initial_accumulator_value", -1.0),
    ("nadam", "momentum_decay", -1.0),
    ("nadam", "decoupled_weight_decay", None),
    ("radam", "beta1", 2.0),
    ("lion", "beta2", 1.0),
    ("lion", "weight_decay", -1.0),
]


@pytest.mark.parametrize(("name", "keyword", "value"), BAD)
def test_a_bad_value_is_refused_in_one_line_naming_the_keyword(
    name: str, keyword: str, value: object
) -> None:
    with pytest.raises(ValueError) as refused:
        create(name, **{keyword: value})
    message = str(refused.value)
    assert message.startswith(keyword) and "\n" not in message


@pytest.mark.parametrize(
    "hp", [dict(nesterov=True), dict(nesterov=True, momentum=0.9, dampening=0.1)]
)
def test_nesterov_needs_momentum_and_no_dampening_as_torch_says(hp: dict) -> None:
    with pytest.raises(ValueError, match=r"^nesterov needs momentum > 0 and dampening = 0$"):
        create("sgd", **hp)
    create("sgd", nesterov=True, momentum=0.9)


def test_chain_leaves_out_identity_links_and_keeps_order() -> None:
    def scale(factor: float) -> Transform:
        return Transform(lambda p: EmptyState(), lambda u, s, p: (u * factor, s))

    double, plus = scale(2.0), Transform(lambda p: EmptyState(), lambda u, s, p: (u + 1.0, s))
    assert chain(identity(), double, identity()) is double
    assert chain() is identity()
    both = chain(double, plus)
    updates, state = both.update(np.array([1.0]), both.init(np.zeros(1)), np.zeros(1))
    assert updates.tolist() == [3.0] and state == (EmptyState(), EmptyState())


def test_stack_states_finds_fields_by_name_and_refuses_a_clash() -> None:
    optimizer = create("rmsprop", momentum=0.9, centered=True)
    trace = run(optimizer, np.ones((3, 2)), np.zeros(2), 3)
    assert {"v", "g_avg", "momentum"} <= set(trace.quantities)
    clash = chain(alias.tx.scale_by_adam(1e-3), alias.tx.scale_by_adamax(1e-3))
    state = clash.init(np.zeros(2))
    with pytest.raises(ValueError, match="'count'"):
        stack_states([state])


def test_lerp_takes_atens_two_forms() -> None:
    start, end = np.array([0.1, 1e16]), np.array([0.7, -3.0])
    assert np.array_equal(lerp(start, end, 0.1), start + 0.1 * (end - start))
    assert np.array_equal(lerp(start, end, 0.9), end - (end - start) * (1 - 0.9))
    assert np.array_equal(lerp(start, end, 0.5), end - (end - start) * 0.5)
    assert lerp(np.array([2.0]), np.array([5.0]), 1.0)[0] == 5.0  # exact at its end


def test_run_records_theta_update_and_gradients_and_keeps_theta0() -> None:
    grads = np.random.default_rng(0).normal(size=(25, 4))
    theta0 = np.array([1.0, -2.0, 0.0, 3.0])
    trace = run(create("adam", lr=0.1), grads, theta0, 25, label="a")
    assert trace.label == "a" and trace.steps == 25 and trace.params == 4
    assert np.array_equal(trace.theta0, theta0) and trace.theta0 is not theta0
    assert np.array_equal(trace.grad, grads)
    before = np.concatenate([theta0[None], trace.theta[:-1]])
    assert np.array_equal(trace.update, trace.theta - before)
    assert np.array_equal(theta0, [1.0, -2.0, 0.0, 3.0])


@pytest.mark.parametrize("steps", [0, -1, 2.5, True])
def test_run_needs_at_least_one_step(steps: object) -> None:
    with pytest.raises(ValueError, match=r"^steps must be"):
        run(create("adam"), np.ones((1, 2)), np.zeros(2), steps)  # type: ignore[arg-type]


def test_run_keeps_its_own_copy_of_the_gradients() -> None:
    grads, buffer = np.ones((3, 2)), np.ones(2)
    open_loop = run(create("sgd"), grads, np.zeros(2), 3)
    grads[:] = 5.0
    assert np.array_equal(open_loop.grad, np.ones((3, 2)))

    def reused(t: int, theta: np.ndarray) -> np.ndarray:
        buffer[:] = t  # the same array every step
        return buffer

    closed = run(create("sgd"), reused, np.zeros(2), 3)
    assert np.array_equal(closed.grad[:, 0], [1.0, 2.0, 3.0])


def test_run_refuses_gradients_of_the_wrong_shape() -> None:
    with pytest.raises(ValueError, match=r"expected shape \(3, 2\)"):
        run(create("adam"), np.ones((3, 3)), np.zeros(2), 3)
    with pytest.raises(ValueError, match="step 1 gave shape"):
        run(create("adam"), lambda t, theta: np.ones(3), np.zeros(2), 3)


def test_a_closed_loop_is_asked_at_the_parameters_each_step_starts_from() -> None:
    seen: list[tuple[int, np.ndarray]] = []

    def source(t: int, theta: np.ndarray) -> np.ndarray:
        seen.append((t, theta.copy()))
        return 2.0 * theta  # the gradient of θ²

    trace = run(create("sgd", lr=0.1), source, np.array([1.0]), 3)
    assert [t for t, _ in seen] == [1, 2, 3]
    expected = [1.0]
    for _ in range(2):
        expected.append(expected[-1] + -0.1 * (2.0 * expected[-1]))  # θ + (−lr)·g
    assert [theta[0] for _, theta in seen] == expected
    assert np.array_equal(trace.grad[:, 0], [2.0 * theta for theta in expected])


def test_a_closed_loop_that_reads_a_table_is_the_open_loop_to_the_bit() -> None:
    grads = np.random.default_rng(1).normal(size=(30, 3))
    for name in OPTIMIZERS:
        optimizer = create(name, **({"weight_decay": 0.1} if name != "adamw" else {}))
        open_loop = run(optimizer, grads, np.ones(3), 30)
        closed = run(optimizer, lambda t, theta: grads[t - 1], np.ones(3), 30)
        assert np.array_equal(open_loop.theta, closed.theta), name
        for key, values in open_loop.quantities.items():
            assert np.array_equal(values, closed[key], equal_nan=True), (name, key)


def _sweep_runs(seed: int) -> list[Run]:
    rng = np.random.default_rng(seed)
    runs = []
    for i, (name, key, values) in enumerate(
        [
            ("adam", "beta2", [0.9, 0.99, 0.999]),
            ("adam", "lr", [1e-3, 1e-1]),
            ("radam", "beta2", [0.5, 0.9, 0.999]),  # ρ_t > 5 at different steps per run
            ("nadam", "momentum_decay", [4e-3, 4e-2]),
            ("sgd", "momentum", [0.0, 0.5, 0.9]),  # 0 cannot be stacked with the others
            ("rmsprop", "alpha", [0.3, 0.9]),
            ("adagrad", "lr_decay", [0.0, 0.1]),
            ("adamw", "weight_decay", [0.1, 0.3]),
            ("adamax", "beta1", [0.2, 0.9]),  # torch's lerp takes its other form at β1 ≤ 0.5
            ("lion", "lr", [1e-3, 1e-2]),
        ]
    ):
        for j, value in enumerate(values):
            width = int(rng.integers(1, 4))
            closed = (i + j) % 3 == 0
            table = rng.normal(size=(40, width)) * 10.0 ** rng.uniform(-2, 2, width)
            gradients: np.ndarray | Callable[[int, np.ndarray], np.ndarray] = table
            if closed:
                gradients = lambda t, theta, table=table: table[t - 1] + 0.5 * theta  # noqa: E731
            runs.append(
                Run(create(name, **{key: value}), gradients, rng.normal(size=width), f"{name}{j}")
            )
    return runs


@pytest.mark.parametrize("seed", range(3))
def test_run_many_makes_the_traces_run_makes_to_the_bit(seed: int) -> None:
    runs = _sweep_runs(seed)
    traces = run_many(runs, 40)
    assert [trace.label for trace in traces] == [member.label for member in runs]
    for member, trace in zip(runs, traces, strict=True):
        alone = run(member.optimizer, member.gradients, member.theta0, 40, member.label)
        for key in ("theta", "update", "grad", *alone.quantities):
            assert np.array_equal(trace[key], alone[key], equal_nan=True), (member.label, key)
        assert tuple(trace.quantities) == tuple(alone.quantities)
        assert np.array_equal(trace.theta0, alone.theta0)


def test_run_many_refuses_a_table_of_the_wrong_shape_naming_the_run() -> None:
    runs = [Run(create("adam"), np.ones((5, 2)), np.zeros(2), "good"),
            Run(create("adam", beta2=0.9), np.ones((4, 2)), np.zeros(2), "short")]  # fmt: skip
    with pytest.raises(ValueError, match="'short'"):
        run_many(runs, 5)


@settings(max_examples=40, deadline=None)
@given(
    name=st.sampled_from(sorted(OPTIMIZERS)),
    exponents=st.lists(st.integers(-60, 60), min_size=12, max_size=12),
    signs=st.lists(st.sampled_from([-1.0, 0.0, 1.0]), min_size=12, max_size=12),
    eps_zero=st.booleans(),
)
def test_no_nan_for_gradients_over_120_decades(
    name: str, exponents: list[int], signs: list[float], eps_zero: bool
) -> None:
    """Zeros, 1e-60, 1e60, with ε = 0 too: θ and every quantity stay numbers."""
    grads = (np.array(signs) * 10.0 ** np.array(exponents, dtype=float)).reshape(6, 2)
    hp = (
        {"eps": 0.0} if eps_zero and "eps" in inspect.signature(OPTIMIZERS[name]).parameters else {}
    )
    trace = run(create(name, **hp), grads, np.array([1.0, -1.0]), 6)
    assert np.isfinite(trace.theta).all()
    for key, values in trace.quantities.items():
        assert not np.isnan(values).any(), key
