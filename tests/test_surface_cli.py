"""Bad input on a surface scenario, through the command: one line, exit 1, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import assert_exit, invoke

SURFACE = """\
title: Surface
steps: 20
loss: {name: rosenbrock}
parameters:
  - {name: x, init: -1.5}
  - {name: y, init: 2.0}
optimizers: [{name: sgd, lr: 0.001, momentum: 0.9, label: slow}, {name: adam, lr: 0.02}]
render: {width: 320, height: 180, panels: [surface, loss]}
"""


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "{name: rosenbrock}", "{name: himmelblow}",
            "3: loss.name: expected one of quadratic, rosenbrock, beale, himmelblau, saddle, "
            "absolute, got 'himmelblow' (did you mean 'himmelblau'?)",
        ),
        (
            "  - {name: y, init: 2.0}\n", "",
            "3: loss.name: expected exactly two parameters (x, y) for rosenbrock, got 1 parameter",
        ),
        (
            "panels: [surface, loss]}", "panels: [surface, loss], surface: [x, yy]}",
            "8: render.surface[1]: expected a parameter's name (x, y), got 'yy' "
            "(did you mean 'y'?)",
        ),
        (
            "{name: x, init: -1.5}", "{name: x, init: -1.5, gradient: {pattern: sine, period: 5}}",
            "5: parameters[0].gradient: expected no gradient pattern (the scenario's 'loss' gives "
            "every gradient), got a gradient pattern",
        ),
        (
            "{name: rosenbrock}", "{name: quadratic}\n",
            None,  # valid: checks the case below is the only change
        ),
    ],
)  # fmt: skip
def test_a_mistake_is_one_line_and_writes_nothing(
    tmp_path: Path, old: str, new: str, expected: str | None
) -> None:
    path = tmp_path / "s.yaml"
    assert old in SURFACE
    path.write_text(SURFACE.replace(old, new, 1))
    out = tmp_path / "s.gif"
    result = invoke("render", str(path), "-o", str(out))
    if expected is None:
        assert_exit(result, 0)
        assert out.exists()
        return
    assert_exit(result, 1)
    assert result.stderr == f"Error: {path}:{expected}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]


def test_a_run_that_diverges_names_the_run_and_the_step(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SURFACE.replace("lr: 0.001", "lr: 0.01"))  # too large for b = 100
    for args in (["render", str(path), "-o", str(tmp_path / "s.gif")], ["simulate", str(path)]):
        result = invoke(*args)
        assert_exit(result, 1)
        assert result.stderr.startswith(f"Error: {path}: run 'slow': ")
        assert " at step " in result.stderr and result.stderr.count("\n") == 1
        assert "left the finite numbers" in result.stderr
        assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]


def test_a_loss_that_overflows_while_theta_is_finite_names_the_step(tmp_path: Path) -> None:
    # Curvature 1e-10 at 1e160: the gradient, 1e150, is a float64 whose square is too;
    # the loss, ½·1e-10·1e320, is not.
    path = tmp_path / "s.yaml"
    path.write_text(
        "title: Far\nsteps: 5\nloss: {name: quadratic, scales: [1e-10, 1e-10]}\n"
        "parameters: [{name: x, init: 1e160}, {name: y, init: 1e160}]\n"
        "render: {panels: [surface, loss]}\n"
    )
    result = invoke("render", str(path), "-o", str(tmp_path / "s.gif"))
    assert_exit(result, 1)
    assert result.stderr == (
        f"Error: {path}: run 'adam': the loss is inf at step 1: the run left the finite "
        "numbers (a learning rate too large, or a start too far out?)\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]
