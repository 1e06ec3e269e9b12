"""A scenario without ``steps`` takes its files' length; every way that fails is one line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from adamviz import scenario
from adamviz.errors import ScenarioError
from tests.support import load_text, problems

pytestmark = pytest.mark.usefixtures("in_tmp")

#: A recorded run's file as adamviz.capture writes it: a step column, then entries by name.
RUN_CSV = 'step,"0.weight[3,1]",2.bias[0]\n1,0.5,-2\n2,0.25,-1\n3,-1,0\n'


def with_parameters(*gradients: str) -> str:
    body = "".join(f"  - name: p{i}\n    gradient: {g}\n" for i, g in enumerate(gradients))
    return f"title: T\nparameters:\n{body}"


def test_steps_left_out_are_the_files_rows_and_columns_are_read_by_name() -> None:
    Path("run.csv").write_text(RUN_CSV)
    loaded = load_text(
        with_parameters(
            '{pattern: file, path: run.csv, column: "0.weight[3,1]"}',
            "{pattern: file, path: run.csv, column: '2.bias[0]'}",
            "{pattern: constant, value: 1}",  # a drawn pattern takes the files' length
        )
    )
    assert loaded.steps == 3
    grads = loaded.gradient_stream().table
    np.testing.assert_array_equal(grads, [[0.5, -2, 1], [0.25, -1, 1], [-1, 0, 1]])


def test_steps_given_still_take_the_first_rows() -> None:
    Path("run.csv").write_text(RUN_CSV)
    text = with_parameters("{pattern: file, path: run.csv, column: '2.bias[0]'}")
    loaded = load_text(text.replace("title: T\n", "title: T\nsteps: 2\n"))
    np.testing.assert_array_equal(loaded.gradient_stream().table[:, 0], [-2, -1])


def test_files_of_different_lengths_are_one_line_naming_both() -> None:
    Path("run.csv").write_text(RUN_CSV)
    Path("short.csv").write_text("g\n1\n2\n")
    assert problems(
        with_parameters(
            "{pattern: file, path: run.csv, column: '2.bias[0]'}",
            "{pattern: file, path: short.csv, column: g}",
        )
    ) == [
        "x.yaml:6: parameters[1].gradient.path: expected 3 rows, as 'run.csv' of "
        "parameters[0] has (or set steps to use the first rows of each), got 2 in 'short.csv'"
    ]


def test_without_a_file_steps_are_required() -> None:
    assert problems(with_parameters("{pattern: constant, value: 1}")) == [
        "x.yaml:1: steps: required key missing (it may be left out only when a parameter's "
        "gradient is {pattern: file, ...}: the file's rows are the steps)"
    ]


def test_every_file_problem_is_reported_at_once() -> None:
    Path("run.csv").write_text(RUN_CSV)
    assert problems(
        with_parameters(
            "{pattern: file, path: run.csv, column: '0.weight[3,2]'}",
            "{pattern: file, path: gone.csv}",
        )
    ) == [
        "x.yaml:4: parameters[0].gradient.column: expected a header name of run.csv ('step', "
        "'0.weight[3,1]', '2.bias[0]'), got '0.weight[3,2]' (did you mean '0.weight[3,1]'?)",
        "x.yaml:6: parameters[1].gradient.path: cannot read 'gone.csv': file not found",
    ]


def test_a_bad_cell_is_found_with_its_row_when_the_length_is_counted() -> None:
    Path("run.csv").write_text(RUN_CSV + "4,nan,1\n")
    assert problems(with_parameters('{pattern: file, path: run.csv, column: "0.weight[3,1]"}')) == [
        "x.yaml:4: parameters[0].gradient.path: row 5 of run.csv: expected a finite number, "
        "got 'nan'"
    ]


def test_a_file_longer_than_the_step_limit_needs_steps() -> None:
    # 100 001 rows: one more than a scenario may have, and read no further than that.
    Path("long.csv").write_text("g\n" + "1\n" * 100_001 + "x\n")
    assert problems(with_parameters("{pattern: file, path: long.csv, column: g}")) == [
        "x.yaml:4: parameters[0].gradient.path: expected at most 100000 rows in 'long.csv' "
        "when steps is left out, got more (set steps to use the first rows)"
    ]


def test_an_invalid_parameter_does_not_hide_the_others_file_problems() -> None:
    Path("run.csv").write_text(RUN_CSV)
    text = with_parameters(
        "{pattern: file, path: run.csv, column: '2.bias[0]'}",
        "{pattern: file, path: run.csv, column: nope}",
    ).replace("  - name: p0\n", "  - name: p0\n    init: x\n")
    assert problems(text) == [
        "x.yaml:4: parameters[0].init: expected a number, got 'x'",
        "x.yaml:7: parameters[1].gradient.column: expected a header name of run.csv ('step', "
        "'0.weight[3,1]', '2.bias[0]'), got 'nope'",
    ]


def test_a_scenario_loss_without_steps_is_one_line_not_a_crash(tmp_path: Path) -> None:
    """Only a recorded file's rows can stand for the steps; a loss over θ has no rows."""
    path = tmp_path / "s.yaml"
    path.write_text(
        "title: T\nloss: {name: rosenbrock}\n"
        "parameters:\n  - {name: x, init: -1.5}\n  - {name: y, init: 2.0}\n"
    )
    with pytest.raises(ScenarioError) as caught:
        scenario.load(path)
    assert caught.value.lines() == [f"{path}:1: steps: required key missing"]
