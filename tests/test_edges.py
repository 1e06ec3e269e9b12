"""Numbers at the edges: zeros, extreme magnitudes, ε = 0, β = 0, one step, very long runs.

Each case goes through the scenario loader, the kernel, the ``simulate`` table
and a rendered frame: the numbers are what Adam computes (never NaN), and the
picture keeps finite, non-degenerate limits on every axis.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import numpy as np
import pytest

from adamviz.errors import ScenarioError
from adamviz.output.tables import write_csv, write_json
from adamviz.pipeline import RenderOptions, animation, simulate
from adamviz.scenario import Scenario, load
from tests.optim.test_adam_paper import assert_close_to_paper, reference_adam
from tests.support import assert_exit, invoke

ALL_PANELS = "[gradients, ratio, step_size, theta]"


def scenario(tmp_path: Path, gradient: str, steps: int = 40, optimizer: str = "{}") -> Scenario:
    path = tmp_path / "edge.yaml"
    path.write_text(
        f"title: Edge\nsteps: {steps}\noptimizer: {optimizer}\n"
        f"parameters:\n  - name: w\n    gradient: {gradient}\n"
        f"render: {{width: 320, height: 180, panels: {ALL_PANELS}}}\n"
    )
    return load(path)


def assert_readable_picture(loaded: Scenario) -> None:
    """Every axis of the last frame has finite limits, low below high, and the frame draws."""
    movie = animation(loaded, RenderOptions())
    try:
        for ax in movie.figure.axes:
            low, high = ax.get_ylim()
            assert math.isfinite(low) and math.isfinite(high) and low < high, ax.get_ylabel()
        frame = movie.frame(movie.n_frames - 1)
        assert frame.shape == (180, 320, 3)
        assert frame.min() < 100  # ink: axes, labels, curves, not a blank canvas
    finally:
        movie.close()


def table(loaded: Scenario) -> tuple[str, list[dict[str, object]]]:
    traces = simulate(loaded)
    as_csv, as_json = io.StringIO(), io.StringIO()
    write_csv(traces, loaded.param_names, as_csv)
    write_json(traces, loaded.param_names, as_json)
    return as_csv.getvalue(), json.loads(as_json.getvalue())


def test_zero_gradients_give_ratio_zero_and_a_finite_step(tmp_path: Path) -> None:
    loaded = scenario(tmp_path, "{pattern: constant, value: 0.0}")
    [trace] = simulate(loaded)
    assert np.all(trace.ratio == 0.0)
    assert np.all(trace.step_size == 1e-3 / 1e-8)
    assert not any(np.isnan(getattr(trace, name)).any() for name in ("m_hat", "v_hat", "theta"))
    assert_readable_picture(loaded)


def test_zero_gradients_without_eps_give_ratio_zero_and_an_infinite_step(tmp_path: Path) -> None:
    loaded = scenario(tmp_path, "{pattern: constant, value: 0.0}", optimizer="{eps: 0}")
    as_csv, rows = table(loaded)
    assert as_csv.splitlines()[1] == "1,adam,w,0.0,0.0,0.0,0.0,0.0,0.0,inf,0.0,0.0"
    assert rows[0]["ratio"] == 0.0 and rows[0]["step_size"] is None  # JSON has no infinity
    assert_readable_picture(loaded)


@pytest.mark.parametrize(
    ("value", "shown"), [("1e300", "1e+300"), ("-1e300", "-1e+300"), ("1e-300", "1e-300")]
)
def test_gradients_whose_square_is_not_a_float64_are_refused(
    tmp_path: Path, value: str, shown: str
) -> None:
    with pytest.raises(ScenarioError) as caught:
        scenario(tmp_path, f"{{pattern: sequence, values: [1.0, {value}], repeat: true}}")
    assert caught.value.lines() == [
        f"{tmp_path / 'edge.yaml'}:6: parameters[0].gradient: expected gradients of magnitude "
        f"1.5e-154 to 1e+154 (or 0), so that g² is a normal float64, got {shown} at step 2"
    ]


@pytest.mark.parametrize("value", [1e150, 1e-150])
def test_extreme_but_representable_gradients_go_through(tmp_path: Path, value: float) -> None:
    loaded = scenario(tmp_path, f"{{pattern: constant, value: {value!r}, noise: 0}}", steps=5)
    [trace] = simulate(loaded)
    expected = reference_adam([value] * 5, 0.0)
    assert_close_to_paper(trace.v_hat[:, 0], [row["v_hat"] for row in expected], value**2)
    assert np.all(np.isfinite(trace.ratio)) and np.all(trace.ratio >= 0)
    # √v̂ = |g| exactly for a constant gradient: ε decides whether the ratio is ~1 or ~0.
    assert trace.ratio[-1, 0] == pytest.approx(value / (value + 1e-8), rel=1e-12)
    assert_readable_picture(loaded)


@pytest.mark.parametrize(
    "optimizer",
    ["{beta2: 0}", "{beta1: 0}", "{beta1: 0, beta2: 0}", "{beta1: 0.5, beta2: 0.5, eps: 0.001}"],
)
def test_decays_at_zero_match_the_paper_in_scalars(tmp_path: Path, optimizer: str) -> None:
    # A parameter whose gradient is zero for a while, then not, then zero again.
    values = [0.0] * 10 + [2.0, -1.0, 3.0, 0.5] * 5 + [0.0] * 10
    loaded = scenario(tmp_path, f"{{pattern: sequence, values: {values}}}", len(values), optimizer)
    [trace] = simulate(loaded)
    expected = reference_adam(values, 0.0, **_parse(optimizer))
    for key, scale in (("m", 3.0), ("v", 9.0), ("m_hat", 3.0), ("v_hat", 9.0)):
        assert_close_to_paper(trace[key][:, 0], [row[key] for row in expected], scale)
    assert np.all(trace.ratio[:10] == 0.0)  # nothing seen yet: no step
    assert np.all(np.isfinite(trace.ratio))
    assert_readable_picture(loaded)


def test_a_single_step(tmp_path: Path) -> None:
    loaded = scenario(tmp_path, "{pattern: constant, value: 2.0}", steps=1)
    [trace] = simulate(loaded)
    # Step 1: m̂ = g and √v̂ = |g| exactly, so the ratio is g / (|g| + ε).
    assert trace.m_hat[0, 0] == 2.0 and trace.v_hat[0, 0] == 4.0
    assert trace.ratio[0, 0] == 2.0 / (2.0 + 1e-8)
    assert_readable_picture(loaded)


def test_the_longest_run_simulates_and_its_last_frame_draws(tmp_path: Path) -> None:
    loaded = scenario(tmp_path, "{pattern: square, amplitude: 1.0, period: 2000}", steps=100_000)
    [trace] = simulate(loaded)
    assert trace.steps == 100_000
    # Bias correction is exact even at t = 100000 (0.999**t ≈ 4e-44 does not round to 1).
    assert np.all(np.isfinite(trace.v_hat)) and np.all(np.isfinite(trace.ratio))
    assert abs(trace.ratio[999, 0]) > 0.9 > abs(trace.ratio[1000, 0])  # the flip at step 1001
    assert_readable_picture(loaded)


def _parse(optimizer: str) -> dict[str, float]:
    pairs = (item.split(":") for item in optimizer.strip("{}").split(","))
    return {key.strip(): float(value) for key, value in pairs}


# ----------------------------------------------------------------------------- leaving the floats


@pytest.mark.parametrize(
    ("extra", "gradient", "expected"),
    [
        (
            "optimizer: {lr: 1e308}\n", "{pattern: constant, value: 1e150}",
            "run 'adam': theta of 'w' is -inf at step 1",
        ),
        (
            "optimizers: [{name: sgd, lr: 1e200, label: fast}]\n",
            "{pattern: constant, value: 1e150}",
            "run 'fast': theta of 'w' is -inf at step 1",
        ),
        (
            "", "{pattern: loss, loss: quadratic, scale: 1e60}",
            "run 'adam': grad of 'w' is 1e+160 at step 1",
        ),
    ],
)  # fmt: skip
def test_a_run_that_leaves_the_floats_is_one_line_and_writes_nothing(
    tmp_path: Path, extra: str, gradient: str, expected: str
) -> None:
    path = tmp_path / "edge.yaml"
    init = "1e100" if "loss" in gradient else "0"
    path.write_text(
        f"title: Edge\nsteps: 20\n{extra}parameters:\n"
        f"  - {{name: w, init: {init}, gradient: {gradient}}}\n"
    )
    for args in (["render", str(path), "-o", str(tmp_path / "edge.gif")], ["simulate", str(path)]):
        result = invoke(*args)
        assert_exit(result, 1)
        assert result.stderr == (
            f"Error: {path}: {expected}: the run left the finite numbers "
            "(a learning rate or gradients too large?)\n"
        )
        assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["edge.yaml"]


def test_nan_gradients_from_a_pattern_are_named_with_their_step(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as caught:
        scenario(tmp_path, "{pattern: sine, period: 1e-320}")
    assert caught.value.lines() == [
        f"{tmp_path / 'edge.yaml'}:6: parameters[0].gradient: expected gradients of magnitude "
        "1.5e-154 to 1e+154 (or 0), so that g² is a normal float64, got nan at step 2"
    ]


@pytest.mark.parametrize("name", ["=HYPERLINK(1)", "+1", "-w", "@sum"])
def test_names_a_spreadsheet_would_run_as_formulas_are_quoted_in_the_csv(
    tmp_path: Path, name: str
) -> None:
    path = tmp_path / "edge.yaml"
    path.write_text(
        f"title: Edge\nsteps: 2\noptimizers: [{{name: sgd, label: {json.dumps(name)}}}]\n"
        f"parameters:\n  - {{name: {json.dumps(name)},"
        " gradient: {pattern: constant, value: -1}}\n"
    )
    rows = list(csv.reader(io.StringIO(invoke("simulate", str(path)).stdout)))
    assert [row[1:3] for row in rows[1:]] == [["'" + name, "'" + name]] * 2
    assert rows[1][3] == "-1.0"  # numbers stay numbers
