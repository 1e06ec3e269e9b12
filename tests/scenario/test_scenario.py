"""The scenario loader: valid files round-trip; every mistake gets its exact one-line message."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml

from adamviz import scenario
from adamviz.catalog import SCENARIO_LOSSES
from adamviz.errors import ScenarioError
from adamviz.scenario import Scenario
from tests.support import load_text, problems

pytestmark = pytest.mark.usefixtures("in_tmp")




def rng_for(seed: int, index: int, count: int) -> np.random.Generator:
    """The generator parameter ``index`` of ``count`` draws from, as documented."""
    return np.random.default_rng(np.random.SeedSequence(seed).spawn(count)[index])


# ----------------------------------------------------------------------------- valid files

FULL = """\
title: Consistent gradients
description: One paragraph a reader sees beside the animation.
steps: 6
seed: 7
optimizer:
  lr: 0.01
  beta1: 0.8
  beta2: 0.99
  eps: 1e-6
parameters:
  - name: w
    init: 0.5
    gradient:
      pattern: constant
      value: 1.0
  - name: b
    init: -1
    gradient: {pattern: square, amplitude: 2, period: 4, offset: 1}
render:
  fps: 30
  width: 640
  height: 360
  panels: [ratio, gradients, theta]
"""


def test_full_scenario_round_trips() -> None:
    loaded = load_text(FULL)
    assert loaded.model_dump() == {
        "title": "Consistent gradients",
        "description": "One paragraph a reader sees beside the animation.",
        "steps": 6,
        "seed": 7,
        "optimizer": {
            "name": "adam",  # a mapping without a name is Adam, as it always was
            "label": None,
            "lr": 0.01,
            "beta1": 0.8,
            "beta2": 0.99,
            "eps": 1e-6,
            "weight_decay": 0.0,
            "amsgrad": False,
            "bias_correction": True,
        },
        "optimizers": None,
        "sweep": None,
        "parameters": [
            {
                "name": "w",
                "init": 0.5,
                "gradient": {"pattern": "constant", "noise": 0.0, "value": 1.0},
            },
            {
                "name": "b",
                "init": -1.0,
                "gradient": {
                    "pattern": "square",
                    "noise": 0.0,
                    "amplitude": 2.0,
                    "period": 4,
                    "offset": 1.0,
                },
            },
        ],
        "render": {
            # the look, left out: the light theme as it always was
            "theme": "light",
            "colors": None,
            "font": None,
            "background": "opaque",
            "fps": 30,
            "width": 640,
            "height": 360,
            "panels": ["ratio", "gradients", "theta"],
            "surface": None,
            "steps_per_frame": None,
            "duration": None,
            "hold": 2.0,
            "window": None,
        },
        "loss": None,
        "captions": [],
        "pause": [],
    }
    assert loaded.source == Path("x.yaml")
    assert loaded.param_names == ["w", "b"]
    assert loaded.theta0().tolist() == [0.5, -1.0]
    stream = loaded.gradient_stream()
    assert stream.is_open_loop
    assert stream.table.tolist() == [[1, 3], [1, 3], [1, -1], [1, -1], [1, 3], [1, 3]]


def test_defaults_are_torch_adams_and_two_panels() -> None:
    loaded = load_text(
        "title: T\nsteps: 3\nparameters: [{name: w, gradient: {pattern: loss, loss: absolute}}]\n"
    )
    assert loaded.description == ""
    assert loaded.seed == 0
    [run] = loaded.runs()
    assert (run.label, run.name) == ("adam", "adam")
    assert run.hyperparameters() == {
        "lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8,
        "weight_decay": 0.0, "amsgrad": False, "bias_correction": True,
    }  # fmt: skip
    assert loaded.render.model_dump() == {
        "theme": "light",
        "colors": None,
        "font": None,
        "background": "opaque",
        "fps": 20,
        "width": 960,
        "height": 540,
        "panels": ["gradients", "ratio"],
        "surface": None,
        # The frame schedule: adamviz's own (a frame per step up to 600), the last held 2 s.
        "steps_per_frame": None,
        "duration": None,
        "hold": 2.0,
        "window": None,
    }
    assert loaded.parameters[0].init == 0.0


@pytest.mark.parametrize(
    ("text", "value"),
    [("1e-8", 1e-8), ("1E5", 1e5), ("-2.5e+3", -2500.0), (".5", 0.5), ("1.", 1.0), ("+3", 3)],
)
def test_yaml_1_2_floats(text: str, value: float) -> None:
    loaded = load_text(
        "title: T\nsteps: 1\nparameters: "
        f"[{{name: w, gradient: {{pattern: constant, value: {text}}}}}]\n"
    )
    assert loaded.parameters[0].gradient.value == value  # type: ignore[union-attr]
    assert isinstance(loaded.parameters[0].gradient.value, float)  # type: ignore[union-attr]


def test_float_fix_does_not_leak_into_pyyaml() -> None:
    assert yaml.safe_load("x: 1e-8") == {"x": "1e-8"}


def test_anchors_and_merge_keys() -> None:
    text = (
        "title: T\nsteps: 2\n"
        "parameters:\n"
        "  - name: a\n"
        "    gradient: &base {pattern: sine, period: 4, amplitude: 2}\n"
        "  - name: b\n"
        "    gradient: {<<: *base, amplitude: 3}\n"
    )
    table = load_text(text).gradient_stream().table
    np.testing.assert_allclose(table, [[0, 0], [2, 3]], atol=1e-12)


# ----------------------------------------------------------------------------- randomness


NOISY = """\
title: T
steps: 5
seed: 42
parameters:
  - name: a
    gradient: {pattern: constant, value: 1.0, noise: 0.5}
  - name: b
    gradient: {pattern: random_walk, scale: 2.0, noise: 0.1}
"""


def test_same_file_same_numbers_bit_for_bit() -> None:
    first = load_text(NOISY).gradient_stream().table
    second = load_text(NOISY).gradient_stream().table
    assert first.tobytes() == second.tobytes()


def test_numbers_follow_the_documented_draw_order() -> None:
    table = load_text(NOISY).gradient_stream().table
    a = rng_for(42, 0, 2)
    np.testing.assert_array_equal(table[:, 0], 1.0 + a.normal(0.0, 0.5, 5))
    b = rng_for(42, 1, 2)
    walk = np.cumsum(b.normal(0.0, 2.0, 5))  # the pattern's own draws first...
    np.testing.assert_array_equal(table[:, 1], walk + b.normal(0.0, 0.1, 5))  # ...then the noise


def test_adding_a_parameter_does_not_change_the_others() -> None:
    two = load_text(NOISY).gradient_stream().table
    extra = "  - name: c\n    gradient: {pattern: constant, value: 0.0, noise: 1.0}\n"
    three = load_text(NOISY + extra).gradient_stream().table
    assert three.shape == (5, 3)
    np.testing.assert_array_equal(three[:, :2], two)


def test_another_seed_gives_other_numbers() -> None:
    table = load_text(NOISY).gradient_stream().table
    other = load_text(NOISY.replace("seed: 42", "seed: 43")).gradient_stream().table
    assert not np.array_equal(table, other)


def test_segments_draw_piece_by_piece_then_the_outer_noise() -> None:
    text = (
        "title: T\nsteps: 5\nseed: 3\nparameters:\n  - name: w\n    gradient:\n"
        "      pattern: segments\n      noise: 0.5\n      segments:\n"
        "        - {pattern: random_walk, scale: 1.0, steps: 2}\n"
        "        - {pattern: constant, value: -1.0, noise: 2.0}\n"
    )
    column = load_text(text).gradient_stream().table[:, 0]
    rng = rng_for(3, 0, 1)
    walk = np.cumsum(rng.normal(0.0, 1.0, 2)) + rng.normal(0.0, 0.0, 2)  # piece 1, its noise
    flat = -1.0 + rng.normal(0.0, 2.0, 3)  # piece 2 takes the remaining 3 steps
    expected = np.concatenate([walk, flat]) + rng.normal(0.0, 0.5, 5)
    np.testing.assert_array_equal(column, expected)


def test_segments_long_trends_that_flip() -> None:
    text = (
        "title: T\nsteps: 5\nparameters:\n  - name: w\n    gradient:\n      pattern: segments\n"
        "      segments: [{pattern: constant, value: 1.0, steps: 3}, "
        "{pattern: constant, value: -1.0}]\n"
    )
    assert load_text(text).gradient_stream().table[:, 0].tolist() == [1, 1, 1, -1, -1]


def test_sequence_repeat_and_extra_values() -> None:
    text = (
        "title: T\nsteps: 5\nparameters:\n"
        "  - {name: a, gradient: {pattern: sequence, values: [1, 2], repeat: true}}\n"
        "  - {name: b, gradient: {pattern: sequence, values: [5, 4, 3, 2, 1, 0]}}\n"
    )
    table = load_text(text).gradient_stream().table
    assert table.T.tolist() == [[1, 2, 1, 2, 1], [5, 4, 3, 2, 1]]


def test_closed_loop_loss() -> None:
    text = (
        "title: T\nsteps: 3\nparameters:\n"
        "  - {name: a, gradient: {pattern: constant, value: 1.0}}\n"
        "  - name: b\n"
        "    init: 3.0\n"
        "    gradient: {pattern: loss, loss: quadratic, center: 1.0, scale: 2.0}\n"
    )
    loaded = load_text(text)
    stream = loaded.gradient_stream()
    assert not stream.is_open_loop
    assert stream.table.tolist() == [[1, 0], [1, 0], [1, 0]]  # the loss column holds only noise
    assert stream(1, loaded.theta0()).tolist() == [1.0, 2.0 * (3.0 - 1.0)]


def test_recorded_files_resolve_beside_the_scenario(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "grads.csv").write_text("step,grad\n1,0.5\n2,-0.5\n3,9\n")
    np.save(tmp_path / "data" / "g.npy", np.array([[1.0, 2.0], [3.0, 4.0]]))
    Path("data/x.yaml").write_text(
        "title: T\nsteps: 2\nparameters:\n"
        "  - {name: a, gradient: {pattern: file, path: grads.csv, column: grad}}\n"
        "  - {name: b, gradient: {pattern: file, path: g.npy, column: 1}}\n"
    )
    loaded = scenario.load("data/x.yaml")
    assert loaded.gradient_stream().table.tolist() == [[0.5, 2.0], [-0.5, 4.0]]


def test_gradient_stream_is_drawn_once() -> None:
    loaded = load_text(NOISY)
    assert loaded.gradient_stream() is loaded.gradient_stream()


def test_scenario_built_in_code_draws_on_demand() -> None:
    built = Scenario.model_validate(
        {
            "title": "T",
            "steps": 2,
            "parameters": [{"name": "w", "gradient": {"pattern": "file", "path": "nope.csv"}}],
        }
    )
    with pytest.raises(ScenarioError) as caught:
        built.gradient_stream()
    assert caught.value.lines() == [
        "<scenario>: parameters[0].gradient.path: cannot read 'nope.csv': file not found"
    ]


# ----------------------------------------------------------------------------- one-line problems

BASE = """\
title: Consistent gradients
steps: 4
seed: 0
optimizer:
  lr: 0.1
  beta1: 0.9
parameters:
  - name: w
    gradient:
      pattern: constant
      value: 1.0
render:
  width: 960
  panels: [gradients, ratio]
"""

G = "parameters[0].gradient"  # keeps the expected lines below readable
NAME_EXPECTED = "expected a non-empty string without control characters"
PATTERNS_LIST = "constant, sequence, square, sine, segments, random_walk, sparse, file, loss"
CONSTANT = "pattern: constant\n      value: 1.0"


def pieces(first: str, second: str) -> str:
    return f"pattern: segments\n      segments:\n        - {first}\n        - {second}"


MISTAKES = [
    # --- numbers and ranges
    ("steps: 4", "steps: 0", ["x.yaml:2: steps: expected an integer from 1 to 100000, got 0"]),
    (
        "steps: 4",
        "steps: 100001",
        ["x.yaml:2: steps: expected an integer from 1 to 100000, got 100001"],
    ),
    ("steps: 4", "steps: 4.5", ["x.yaml:2: steps: expected an integer from 1 to 100000, got 4.5"]),
    (
        "steps: 4",
        "steps: 1e2",
        ["x.yaml:2: steps: expected an integer from 1 to 100000, got 100.0"],
    ),
    (
        "steps: 4",
        'steps: "4"',
        ["x.yaml:2: steps: expected an integer from 1 to 100000, got '4' (a string)"],
    ),
    ("seed: 0", "seed: -1", ["x.yaml:3: seed: expected an integer >= 0, got -1"]),
    ("lr: 0.1", "lr: -0.1", ["x.yaml:5: optimizer.lr: expected a number > 0, got -0.1"]),
    ("lr: 0.1", "lr: 0", ["x.yaml:5: optimizer.lr: expected a number > 0, got 0"]),
    (
        "lr: 0.1",
        'lr: "0.1"',
        ["x.yaml:5: optimizer.lr: expected a number > 0, got '0.1' (a string)"],
    ),
    ("lr: 0.1", "lr: yes", ["x.yaml:5: optimizer.lr: expected a number > 0, got true (a boolean)"]),
    (
        "beta1: 0.9",
        "beta1: 1.5",
        ["x.yaml:6: optimizer.beta1: expected a number in [0, 1), got 1.5"],
    ),
    ("beta1: 0.9", "beta1: 1", ["x.yaml:6: optimizer.beta1: expected a number in [0, 1), got 1"]),
    (
        "beta1: 0.9",
        "beta1: .inf",
        ["x.yaml:6: optimizer.beta1: expected a finite number in [0, 1), got inf"],
    ),
    (
        "value: 1.0",
        "value: .nan",
        [f"x.yaml:11: {G}.value: expected a finite number, got nan"],
    ),
    (
        "value: 1.0",
        'value: "0.1"',
        [f"x.yaml:11: {G}.value: expected a number, got '0.1' (a string)"],
    ),
    (
        "value: 1.0",
        "value: one",
        [f"x.yaml:11: {G}.value: expected a number, got 'one'"],
    ),
    (
        "value: 1.0",
        "value: [1, 2]",
        [f"x.yaml:11: {G}.value: expected a number, got a list of 2 items"],
    ),
    (
        "value: 1.0",
        "value:",
        [f"x.yaml:11: {G}.value: expected a number, got an empty value"],
    ),
    (
        "value: 1.0",
        "value: " + "x" * 60,
        [f"x.yaml:11: {G}.value: expected a number, got '" + "x" * 37 + "...'"],
    ),
    (
        "value: 1.0",
        "value: 1.0\n      noise: -1",
        [f"x.yaml:12: {G}.noise: expected a number >= 0, got -1"],
    ),
    # --- strings
    (
        "title: Consistent gradients",
        'title: "  "',
        ["x.yaml:1: title: expected a non-empty string without control characters, got '  '"],
    ),
    (
        "title: Consistent gradients",
        "title: 42",
        ["x.yaml:1: title: expected a non-empty string without control characters, got 42"],
    ),
    (
        "seed: 0",
        "seed: 0\ndescription:",
        ["x.yaml:4: description: expected a string, got an empty value"],
    ),
    (
        "name: w",
        "name: ''",
        [f"x.yaml:8: parameters[0].name: {NAME_EXPECTED}, got ''"],
    ),
    (
        "name: w",
        'name: "w\\r"',  # a carriage return would split the CSV row it names
        [f"x.yaml:8: parameters[0].name: {NAME_EXPECTED}, got 'w\\r'"],
    ),
    # --- keys
    ("title: Consistent gradients\n", "", ["x.yaml:1: title: required key missing"]),
    (
        "    gradient:\n      pattern: constant\n      value: 1.0\n",
        "",
        [f"x.yaml:8: {G}: required key missing"],
    ),
    (
        "value: 1.0",
        "valeu: 1.0",
        [
            f"x.yaml:9: {G}.value: required key missing",
            f"x.yaml:11: {G}.valeu: unknown key; did you mean 'value'?",
        ],
    ),
    (
        "value: 1.0",
        "value: 1.0\n      colour: red",
        [f"x.yaml:12: {G}.colour: unknown key; allowed here: pattern, noise, value"],
    ),
    ("seed: 0", "sed: 0", ["x.yaml:3: sed: unknown key; did you mean 'seed'?"]),
    ("lr: 0.1", "lr: 0.1\n  lr: 0.2", ["x.yaml:6: optimizer.lr: duplicate key (first on line 5)"]),
    # --- patterns
    (
        "pattern: constant",
        "pattern: sinus",
        [
            f"x.yaml:10: {G}.pattern: expected one of {PATTERNS_LIST}, got 'sinus' (did you "
            "mean 'sine'?)"
        ],
    ),
    (
        "pattern: constant",
        "pattern: 3",
        [f"x.yaml:10: {G}.pattern: expected one of {PATTERNS_LIST}, got 3"],
    ),
    (
        "      pattern: constant\n",
        "",
        [f"x.yaml:9: {G}.pattern: required key missing; expected one of {PATTERNS_LIST}"],
    ),
    (
        "gradient:\n      pattern: constant\n      value: 1.0",
        "gradient: 5",
        [f"x.yaml:9: {G}: expected a mapping, got 5"],
    ),
    (
        CONSTANT,
        "pattern: square\n      period: 1",
        [f"x.yaml:11: {G}.period: expected an integer >= 2, got 1"],
    ),
    (
        CONSTANT,
        "pattern: square",
        [f"x.yaml:9: {G}.period: required key missing"],
    ),
    (
        CONSTANT,
        "pattern: sine\n      period: 0",
        [f"x.yaml:11: {G}.period: expected a number > 0, got 0"],
    ),
    (
        CONSTANT,
        "pattern: random_walk\n      scale: 0",
        [f"x.yaml:11: {G}.scale: expected a number > 0, got 0"],
    ),
    (
        CONSTANT,
        "pattern: sequence\n      values: [1, 2, 3]",
        [f"x.yaml:11: {G}.values: expected at least 4 values (or repeat: true), got 3"],
    ),
    (
        CONSTANT,
        "pattern: sequence\n      values: [1, 2, .nan, 4]",
        [f"x.yaml:11: {G}.values[2]: expected a finite number, got nan"],
    ),
    (
        CONSTANT,
        "pattern: sequence\n      values: []",
        [f"x.yaml:11: {G}.values: expected a non-empty list of numbers, got an empty list"],
    ),
    (
        CONSTANT,
        "pattern: sequence\n      values: [1]\n      repeat: 1",
        [f"x.yaml:12: {G}.repeat: expected true or false, got 1"],
    ),
    (
        CONSTANT,
        "pattern: loss\n      loss: quadratik",
        [
            f"x.yaml:11: {G}.loss: expected one of quadratic, absolute, got 'quadratik' (did "
            "you mean 'quadratic'?)"
        ],
    ),
    (CONSTANT, "pattern: loss", [f"x.yaml:9: {G}.loss: required key missing"]),
    (
        CONSTANT,
        "pattern: file\n      path: g.csv\n      column: -1",
        [
            f"x.yaml:12: {G}.column: expected a column index (an integer >= 0) or a header "
            "name, got -1"
        ],
    ),
    # --- segments
    (
        CONSTANT,
        pieces(
            "{pattern: constant, value: 1.0, steps: 1}",
            "{pattern: constant, value: -1.0, steps: 2}",
        ),
        [
            f"x.yaml:11: {G}.segments: expected steps adding up to 4, got 3 (leave out the last "
            "piece's steps to fill the rest)"
        ],
    ),
    (
        CONSTANT,
        pieces(
            "{pattern: constant, value: 1.0, steps: 3}",
            "{pattern: constant, value: -1.0, steps: 2}",
        ),
        [f"x.yaml:11: {G}.segments: expected steps adding up to 4, got 5"],
    ),
    (
        CONSTANT,
        pieces("{pattern: constant, value: 1.0, steps: 4}", "{pattern: constant, value: -1.0}"),
        [
            f"x.yaml:11: {G}.segments: expected steps adding up to less than 4 (the last piece "
            "takes the rest), got 4"
        ],
    ),
    (
        CONSTANT,
        pieces("{pattern: constant, value: 1.0}", "{pattern: constant, value: -1.0}"),
        [
            f"x.yaml:12: {G}.segments[0].steps: required key missing (only the last piece may "
            "leave it out)"
        ],
    ),
    (
        CONSTANT,
        pieces("{pattern: constant, value: 1.0, steps: 0}", "{pattern: constant, value: -1.0}"),
        [f"x.yaml:12: {G}.segments[0].steps: expected an integer >= 1, got 0"],
    ),
    (
        CONSTANT,
        pieces("{pattern: loss, loss: quadratic, steps: 2}", "{pattern: constant, value: -1.0}"),
        [
            f"x.yaml:12: {G}.segments[0].pattern: expected one of constant, sequence, "
            "square, sine, random_walk, file, got 'loss' (loss is not allowed inside segments)"
        ],
    ),
    (
        CONSTANT,
        pieces("{pattern: constant, value: 1.0, steps: 2}", "{pattern: sequence, values: [1]}"),
        [f"x.yaml:13: {G}.segments[1].values: expected at least 2 values (or repeat: true), got 1"],
    ),
    (
        CONSTANT,
        pieces("{pattern: constant, value: 1.0, steps: 2}", "{pattern: constant, valeu: 1}"),
        [
            f"x.yaml:13: {G}.segments[1].value: required key missing",
            f"x.yaml:13: {G}.segments[1].valeu: unknown key; did you mean 'value'?",
        ],
    ),
    (
        CONSTANT,
        "pattern: segments\n      segments: 3",
        [f"x.yaml:11: {G}.segments: expected a non-empty list of pieces, got 3"],
    ),
    # --- sections and lists
    (
        "optimizer:\n  lr: 0.1\n  beta1: 0.9",
        "optimizer: 0.1",
        ["x.yaml:4: optimizer: expected a mapping, got 0.1"],
    ),
    (
        "optimizer:\n  lr: 0.1\n  beta1: 0.9",
        "optimizer:",
        ["x.yaml:4: optimizer: expected a mapping, got an empty value"],
    ),
    (
        "parameters:\n  - name: w\n    gradient:\n      pattern: constant\n      value: 1.0",
        "parameters: []",
        ["x.yaml:7: parameters: expected a list of 1 to 8 parameters, got an empty list"],
    ),
    (
        "parameters:\n",
        "parameters:\n"
        + "".join(
            f"  - {{name: p{i}, gradient: {{pattern: constant, value: 1}}}}\n" for i in range(8)
        ),
        ["x.yaml:7: parameters: expected a list of 1 to 8 parameters, got a list of 9 items"],
    ),
    (
        "render:",
        "  - name: w\n    gradient: {pattern: constant, value: 2}\nrender:",
        [
            "x.yaml:12: parameters[1].name: expected a unique name, got 'w' (also "
            "parameters[0].name)"
        ],
    ),
    (
        "width: 960",
        "width: 3",
        ["x.yaml:13: render.width: expected an even integer from 160 to 3840, got 3"],
    ),
    (
        "width: 960",
        "width: 961",
        ["x.yaml:13: render.width: expected an even integer from 160 to 3840, got 961"],
    ),
    ("width: 960", "fps: 0", ["x.yaml:13: render.fps: expected an integer from 1 to 60, got 0"]),
    (
        "[gradients, ratio]",
        "[gradients, ration]",
        [
            "x.yaml:14: render.panels[1]: expected one of gradients, ratio, step_size, theta, "
            "update, surface, loss, got 'ration' (did you mean 'ratio'?)"
        ],
    ),
    (
        "[gradients, ratio]",
        "[ratio, ratio]",
        ["x.yaml:14: render.panels[1]: expected each panel once, got 'ratio' again"],
    ),
    (
        "[gradients, ratio]",
        "[]",
        [
            "x.yaml:14: render.panels: expected a non-empty list of panels (gradients, ratio, "
            "step_size, theta, update, surface, loss), got an empty list"
        ],
    ),
]


def _case_id(case: tuple[str, str, list[str]]) -> str:
    """``optimizer.lr: expected a number > 0`` rather than pytest's escaped YAML."""
    return case[2][0].split(": ", 1)[1]


@pytest.mark.parametrize(("old", "new", "expected"), MISTAKES, ids=map(_case_id, MISTAKES))
def test_each_mistake_gets_its_exact_line(old: str, new: str, expected: list[str]) -> None:
    assert old in BASE
    assert problems(BASE.replace(old, new, 1)) == expected


def test_every_problem_is_reported_at_once_in_line_order() -> None:
    text = BASE.replace("width: 960", "width: 3").replace("lr: 0.1", "lr: -0.1")
    text = text.replace(CONSTANT, "pattern: sequence\n      values: [1]")
    assert problems(text) == [
        "x.yaml:5: optimizer.lr: expected a number > 0, got -0.1",
        f"x.yaml:11: {G}.values: expected at least 4 values (or repeat: true), got 1",
        "x.yaml:13: render.width: expected an even integer from 160 to 3840, got 3",
    ]


@pytest.mark.parametrize(
    ("csv", "gradient", "expected"),
    [
        (
            None,
            "path: grads.csv",
            f"x.yaml:11: {G}.path: cannot read 'grads.csv': file not found",
        ),
        (
            "g\n1\n2\nnan\n4\n",
            "path: grads.csv",
            f"x.yaml:11: {G}.path: row 4 of grads.csv: expected a finite number, got 'nan'",
        ),
        (
            "1\n2\nfour\n4\n",
            "path: grads.csv",
            f"x.yaml:11: {G}.path: row 3 of grads.csv: expected a number, got 'four'",
        ),
        (
            "1\n2\n",
            "path: grads.csv",
            f"x.yaml:11: {G}.path: expected at least 4 rows in 'grads.csv', got 2",
        ),
        (
            "grad\n1\n2\n3\n4\n",
            "path: grads.csv\n      column: gard",
            f"x.yaml:12: {G}.column: expected a header name of grads.csv ('grad'), got 'gard' "
            "(did you mean 'grad'?)",
        ),
        (
            "1\n2\n3\n4\n",
            "path: grads.csv\n      column: 1",
            f"x.yaml:12: {G}.column: expected a column index below 1 (grads.csv has 1 column), "
            "got 1",
        ),
    ],
)
def test_recorded_file_problems(csv: str | None, gradient: str, expected: str) -> None:
    if csv is not None:
        Path("grads.csv").write_text(csv)
    assert problems(BASE.replace(CONSTANT, f"pattern: file\n      {gradient}")) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "title: T\nsteps: [4\nseed: 0\n",
            "x.yaml:3: invalid YAML: while parsing a flow sequence, expected ',' or ']', but "
            "got ':'",
        ),
        (
            "title: T\nsteps: 4\n\tseed: 0\n",
            "x.yaml:3: invalid YAML: while scanning for the next token, found character '\\t' "
            "that cannot start any token",
        ),
        ("title: T\n  steps: 4\n", "x.yaml:2: invalid YAML: mapping values are not allowed here"),
        (
            "title: T\n---\ntitle: U\n",
            "x.yaml:2: invalid YAML: expected a single document in the stream, but found "
            "another document",
        ),
        ("title: T\nsteps: *nope\n", "x.yaml:2: invalid YAML: found undefined alias 'nope'"),
        (
            "title: T\x01\n",
            "x.yaml:1: invalid YAML: unacceptable character #x0001: special characters are not "
            "allowed",
        ),
        ("", "x.yaml:1: expected a scenario (title, steps, parameters, ...), got an empty file"),
        (
            "# just a comment\n",
            "x.yaml:1: expected a scenario (title, steps, parameters, ...), got an empty file",
        ),
        (
            "- 1\n- 2\n",
            "x.yaml:1: expected a mapping of keys (title, steps, parameters, ...), got a list "
            "of 2 items",
        ),
        (
            "hello\n",
            "x.yaml:1: expected a mapping of keys (title, steps, parameters, ...), got 'hello'",
        ),
    ],
)
def test_unparseable_files(text: str, expected: str) -> None:
    assert problems(text) == [expected]


def test_an_unknown_tag_is_reported_with_its_key() -> None:
    assert problems(BASE.replace("lr: 0.1", "lr: !half 0.1")) == [
        "x.yaml:5: optimizer.lr: invalid YAML: could not determine a constructor for the tag "
        "'!half'",
        "x.yaml:5: optimizer.lr: expected a number > 0, got an empty value",
    ]


def test_missing_file() -> None:
    with pytest.raises(ScenarioError) as caught:
        scenario.load("missing.yaml")
    assert caught.value.lines() == ["missing.yaml: file not found"]


def test_folder() -> None:
    Path("scenarios").mkdir()
    with pytest.raises(ScenarioError) as caught:
        scenario.load("scenarios")
    assert caught.value.lines() == ["scenarios: is a folder, expected a scenario file"]


def test_undecodable_bytes() -> None:
    Path("x.yaml").write_bytes(b"title: T\nsteps: \xff\n")
    with pytest.raises(ScenarioError) as caught:
        scenario.load("x.yaml")
    assert caught.value.lines() == ["x.yaml:2: expected UTF-8 text, got byte 0xff"]


def test_problems_keep_their_parts() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_text(BASE.replace("lr: 0.1", "lr: -0.1"))
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.key) == ("x.yaml", 5, "optimizer.lr")
    assert problem.message == "expected a number > 0, got -0.1"


# ----------------------------------------------------------------------------- JSON schema


def test_json_schema_is_json_and_lists_the_patterns() -> None:
    schema = json.loads(json.dumps(scenario.json_schema()))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    # steps may be left out where the gradients come from files (recorded_steps)
    assert schema["required"] == ["title", "parameters"]
    assert schema["properties"]["steps"]["minimum"] == 1
    assert schema["properties"]["steps"]["maximum"] == 100_000
    assert "description" in schema["properties"]["seed"]
    # A pattern, or null: a scenario-level loss gives the gradients.
    [gradient] = [
        member for member in schema["$defs"]["Parameter"]["properties"]["gradient"]["anyOf"]
        if "discriminator" in member
    ]  # fmt: skip
    assert sorted(gradient["discriminator"]["mapping"]) == sorted(scenario.PATTERNS)
    [loss] = [m for m in schema["properties"]["loss"]["anyOf"] if "discriminator" in m]
    assert sorted(loss["discriminator"]["mapping"]) == sorted(SCENARIO_LOSSES)
    piece = schema["$defs"]["SegmentsPattern"]["properties"]["segments"]["items"]
    assert "loss" not in piece["discriminator"]["mapping"]
    assert "source" not in schema["properties"]


def test_exponential_aliases_are_refused_before_they_expand() -> None:
    rows = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        rows.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    [line] = problems("\n".join(rows) + "\n")
    assert line.startswith("x.yaml:1: expected at most 1000000 values, got ")
    assert line.endswith(" (aliases?)")


def test_an_alias_inside_itself() -> None:
    assert problems(BASE.replace("seed: 0", "seed: &s [*s]")) == [
        "x.yaml:3: seed[0]: expected a value, got an alias to itself",
        "x.yaml:3: seed: expected an integer >= 0, got a list of 1 item",
    ]


def test_a_noise_of_minus_zero_is_no_noise() -> None:
    # -0.0 passes ">= 0", and numpy refuses it as a standard deviation.
    for spelling in ("-0.0", "-0"):
        table = load_text(NOISY.replace("noise: 0.5", f"noise: {spelling}")).gradient_stream().table
        np.testing.assert_array_equal(table[:, 0], 1.0)
