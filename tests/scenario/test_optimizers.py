"""Scenarios name their optimizers, several at once and swept; every mistake is one line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest

from adamviz import catalog, scenario
from adamviz.errors import ScenarioError
from adamviz.optim.alias import OPTIMIZERS
from adamviz.pipeline import simulate
from adamviz.scenario.optimizers import MODELS

pytestmark = pytest.mark.usefixtures("in_tmp")

HEAD = """\
title: T
steps: 20
parameters:
  - {name: w, gradient: {pattern: constant, value: 1.0, noise: 0.5}}
  - {name: b, gradient: {pattern: loss, loss: quadratic, center: 1.0, noise: 0.1}}
"""


def load(extra: str) -> scenario.Scenario:
    Path("x.yaml").write_text(HEAD + textwrap.dedent(extra), encoding="utf-8")
    return scenario.load("x.yaml")


def problems(extra: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load(extra)
    return caught.value.lines()


def test_the_catalog_names_every_registered_optimizer_and_each_has_a_model() -> None:
    assert set(catalog.OPTIMIZERS) == set(OPTIMIZERS) == set(MODELS)


def test_an_unnamed_optimizer_is_adam_as_it_always_was() -> None:
    [run] = load("optimizer: {lr: 0.01}\n").runs()
    assert (run.label, run.name, run.hyperparameters()["lr"]) == ("adam", "adam", 0.01)


def test_several_optimizers_take_torchs_keywords_and_defaults() -> None:
    loaded = load(
        """\
        optimizers:
          - {name: sgd, lr: 0.01, label: SGD}
          - {name: sgd, lr: 0.01, momentum: 0.9, label: SGD + momentum}
          - {name: rmsprop}
          - {name: adam}
        """
    )
    runs = loaded.runs()
    assert [run.label for run in runs] == ["SGD", "SGD + momentum", "rmsprop", "adam"]
    assert runs[2].hyperparameters() == {
        "lr": 1e-2, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0,
        "momentum": 0.0, "centered": False,
    }  # fmt: skip


def test_a_sweep_runs_every_optimizer_once_per_value_and_labels_each() -> None:
    loaded = load(
        """\
        optimizers: [{name: adam}, {name: adamw, label: AdamW}]
        sweep: {beta2: [0.9, 0.999]}
        """
    )
    assert [(run.label, run.hyperparameters()["beta2"]) for run in loaded.runs()] == [
        ("adam beta2=0.9", 0.9), ("adam beta2=0.999", 0.999),
        ("AdamW beta2=0.9", 0.9), ("AdamW beta2=0.999", 0.999),
    ]  # fmt: skip


def test_every_run_sees_the_same_gradient_stream() -> None:
    loaded = load("optimizers: [{name: sgd, lr: 0.1}, {name: adam, lr: 0.1}]\n")
    sgd, adam = simulate(loaded)
    # Open loop: the very same draws. Closed loop: the same noise at each run's own θ.
    np.testing.assert_array_equal(sgd.grad[:, 0], adam.grad[:, 0])
    noise = loaded.gradient_stream().table[:, 1]
    for run in (sgd, adam):
        theta_before = np.concatenate([run.theta0[1:], run.theta[:-1, 1]])
        np.testing.assert_allclose(run.grad[:, 1], (theta_before - 1.0) + noise, rtol=1e-15)
    assert not np.array_equal(sgd.theta[:, 1], adam.theta[:, 1])


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "optimizers: [{name: adm}]\n",
            "x.yaml:6: optimizers[0].name: expected one of sgd, rmsprop, adagrad, adam, adamw, "
            "adamax, nadam, radam, lion, got 'adm' (did you mean 'adam'?)",
        ),
        (
            "optimizers: [{name: sgd, beta1: 0.9}]\n",
            "x.yaml:6: optimizers[0].beta1: unknown key; sgd takes lr, momentum, dampening, "
            "nesterov, weight_decay (and name, label)",
        ),
        (
            "optimizers: [{name: sgd, lrr: 0.1}]\n",
            "x.yaml:6: optimizers[0].lrr: unknown key; did you mean 'lr'? (sgd takes lr, "
            "momentum, dampening, nesterov, weight_decay)",
        ),
        ("optimizers: [{name: sgd, lr: 0}]\n",
         "x.yaml:6: optimizers[0].lr: expected a number > 0, got 0"),
        ("optimizers: [{name: sgd, momentum: -1}]\n",
         "x.yaml:6: optimizers[0].momentum: expected a number >= 0, got -1"),
        ("optimizer: {beta2: 1}\n",
         "x.yaml:6: optimizer.beta2: expected a number in [0, 1), got 1"),
        (
            "optimizers: [{name: sgd, momentum: 0.9, nesterov: true, dampening: 0.5}]\n",
            "x.yaml:6: optimizers[0]: expected hyperparameters torch accepts together, "
            "got nesterov needs momentum > 0 and dampening = 0",
        ),
        ("optimizers: [{name: sgd}, {name: sgd}]\n",
         "x.yaml:6: optimizers[1].label: expected a label of its own for each run, "
         "got 'sgd' twice"),
        (
            "optimizers: [{name: sgd}, {name: adam}]\nsweep: {beta2: [0.9, 0.99]}\n",
            "x.yaml:7: sweep.beta2: expected a hyperparameter of every optimizer (sgd takes lr, "
            "momentum, dampening, nesterov, weight_decay), got 'beta2'",
        ),
        ("sweep: {beta2: [0.9, 1.5]}\n",
         "x.yaml:6: sweep.beta2[1]: expected a number in [0, 1) for adam, got 1.5"),
        ("sweep: {lr: [0.1, 0.1]}\n",
         "x.yaml:6: sweep: expected each value once, got 'adam lr=0.1' twice"),
        (
            "optimizers: [{name: adam}, {name: sgd}]\nsweep: {lr: [1, 2, 3, 4, 5, 6, 7]}\n",
            "x.yaml:7: sweep: expected at most 12 runs (optimizers × sweep values), got 14 runs",
        ),
        (
            "optimizers: [" + ", ".join(f"{{name: sgd, label: s{i}}}" for i in range(13)) + "]\n",
            "x.yaml:6: optimizers: expected a list of 1 to 12 optimizers, got a list of 13 items",
        ),
        ("optimizer: {lr: 0.1}\noptimizers: [{name: sgd}]\n",
         "x.yaml:7: optimizers: expected either 'optimizer' or 'optimizers', got both"),
        ("optimizers: [{lr: 0.1}]\n",
         "x.yaml:6: optimizers[0].name: required key missing; expected one of sgd, rmsprop, "
         "adagrad, adam, adamw, adamax, nadam, radam, lion"),
    ],
)  # fmt: skip
def test_each_mistake_is_one_line_naming_file_line_and_key(extra: str, expected: str) -> None:
    assert problems(extra) == [expected]


def test_the_schema_lists_every_optimizer_with_its_keywords() -> None:
    text = str(scenario.json_schema())
    for name in catalog.OPTIMIZERS:
        assert f"'const': '{name}'" in text
    assert "momentum_decay" in text and "initial_accumulator_value" in text


def test_sparse_gradients_are_zero_but_for_a_fraction_p() -> None:
    Path("s.yaml").write_text(
        "title: S\nsteps: 4000\nparameters:\n"
        "  - {name: rare, gradient:\n"
        "      {pattern: sparse, p: 0.05, of: {pattern: constant, value: 2}}}\n"
        "  - {name: normal, gradient: {pattern: sparse, p: 0.5, mean: 1, std: 0.1, noise: 0.01}}\n"
    )
    table = scenario.load("s.yaml").gradient_stream().table
    rare, normal = table[:, 0], table[:, 1]
    assert set(np.unique(rare)) == {0.0, 2.0}
    assert np.mean(rare != 0) == pytest.approx(0.05, abs=0.01)
    assert np.mean(normal != 0) == pytest.approx(0.5, abs=0.03)
    assert np.mean(normal[normal != 0]) == pytest.approx(1.0, abs=0.01)  # noise only where nonzero


def test_a_sparse_pattern_takes_only_open_loop_values() -> None:
    Path("s.yaml").write_text(
        "title: S\nsteps: 4\nparameters:\n"
        "  - {name: w, gradient: {pattern: sparse, p: 0.5, of: {pattern: loss, loss: absolute}}}\n"
    )
    with pytest.raises(ScenarioError) as caught:
        scenario.load("s.yaml")
    assert caught.value.lines() == [
        "s.yaml:4: parameters[0].gradient.of.pattern: expected one of constant, sequence, square, "
        "sine, random_walk, file, got 'loss' (loss is not allowed inside sparse)"
    ]
