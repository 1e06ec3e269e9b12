"""The ``adamviz`` command, through click's CliRunner: exact output, exit status, files."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest

from adamviz import __version__
from adamviz.errors import OutputError
from adamviz.optim.alias import adam
from adamviz.optim.run import run
from adamviz.optim.trace import Trace
from adamviz.scenario import PATTERNS
from tests.support import HEIGHT, STEPS, WIDTH, assert_exit, invoke, partial_files, tiny_scenario

pytestmark = pytest.mark.usefixtures("in_tmp")

COLUMNS = "step,run,param,grad,m,v,m_hat,v_hat,ratio,step_size,update,theta"

# The course page's hand computation (MATH 3850, page 10): two parameters, three steps.
COURSE = """\
title: Course page
steps: 3
parameters:
  - name: big
    gradient: {pattern: sequence, values: [10, 12, 8]}
  - name: small
    gradient: {pattern: sequence, values: [0.1, -0.2, 0.3]}
"""
COURSE_GRADIENTS = np.array([[10.0, 0.1], [12.0, -0.2], [8.0, 0.3]])

TINY = tiny_scenario()






def write(name: str, text: str) -> str:
    Path(name).write_text(text, encoding="utf-8")
    return name




def all_files() -> set[Path]:
    return {path for path in Path().rglob("*") if path.is_file()}


def course_trace() -> Trace:
    return run(adam(), COURSE_GRADIENTS, np.zeros(2), 3)


def expected_rows() -> Iterator[dict[str, object]]:
    """Adam's own numbers, one dict per step and parameter, in CSV column order."""
    trace = course_trace()
    for t in range(3):
        for p, name in enumerate(("big", "small")):
            values = [float(trace[c][t, p]) for c in COLUMNS.split(",")[3:]]
            yield dict(zip(COLUMNS.split(","), [t + 1, "adam", name, *values], strict=True))


# ----------------------------------------------------------------------------- help and version


def test_version_prints_the_package_version() -> None:
    result = invoke("--version")
    assert_exit(result, 0)
    assert result.output == f"adamviz, version {__version__}\n"


@pytest.mark.parametrize("command", ["render", "simulate", "validate", "schema", "batch"])
def test_every_command_help_has_an_example(command: str) -> None:
    result = invoke(command, "--help")
    assert_exit(result, 0)
    assert "Example" in result.output
    lines = [line.strip() for line in result.output.splitlines()]
    assert any(line.startswith(f"adamviz {command} ") for line in lines), result.output


# ----------------------------------------------------------------------------- simulate


def test_simulate_csv_holds_the_kernels_numbers_bit_for_bit() -> None:
    result = invoke("simulate", write("course.yaml", COURSE))
    assert_exit(result, 0)
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == COLUMNS
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(row["step"], row["param"]) for row in rows] == [
        ("1", "big"), ("1", "small"), ("2", "big"), ("2", "small"), ("3", "big"), ("3", "small"),
    ]  # fmt: skip
    parsed = [
        {k: int(v) if k == "step" else v if k in ("run", "param") else float(v)
         for k, v in row.items()}
        for row in rows
    ]
    assert parsed == list(expected_rows())


def test_simulate_reproduces_the_course_page_hand_computation() -> None:
    rows = list(csv.DictReader(io.StringIO(invoke("simulate", write("c.yaml", COURSE)).stdout)))
    big, small = rows[0], rows[1]
    assert float(big["v"]) == pytest.approx(0.1, rel=1e-14)
    assert float(big["v_hat"]) == pytest.approx(100.0, rel=1e-12)
    assert float(big["step_size"]) == pytest.approx(0.0001, rel=1e-8)
    assert float(small["step_size"]) == pytest.approx(0.01, rel=1e-6)


def test_simulate_json_gives_the_same_numbers_as_objects() -> None:
    result = invoke("simulate", write("course.yaml", COURSE), "--json")
    assert_exit(result, 0)
    assert json.loads(result.stdout) == list(expected_rows())


def test_simulate_output_file_prints_nothing() -> None:
    path = write("course.yaml", COURSE)
    result = invoke("simulate", path, "-o", "table.csv")
    assert_exit(result, 0)
    assert result.output == ""
    assert Path("table.csv").read_text(encoding="utf-8") == invoke("simulate", path).stdout
    assert partial_files(Path()) == []


def test_simulate_csv_and_json_together_is_a_usage_error() -> None:
    result = invoke("simulate", write("course.yaml", COURSE), "--csv", "--json")
    assert_exit(result, 2)
    assert result.stdout == ""
    assert result.stderr == (
        "Usage: adamviz simulate [OPTIONS] SCENARIO\n"
        "Try 'adamviz simulate --help' for help.\n"
        "\n"
        "Error: choose one of --csv and --json\n"
    )


# ----------------------------------------------------------------------------- validate


def test_validate_good_file_prints_ok() -> None:
    result = invoke("validate", write("good.yaml", TINY))
    assert_exit(result, 0)
    assert result.stdout == "good.yaml: ok\n"
    assert result.stderr == ""


def test_validate_reports_every_problem_of_every_file() -> None:
    write("good.yaml", TINY)
    write("two.yaml", "title: x\nsteps: 0\nparameters: []\n")
    write("broken.yaml", "title: [\n")
    result = invoke("validate", "good.yaml", "two.yaml", "broken.yaml", "missing.yaml")
    assert_exit(result, 1)
    assert result.stdout == "good.yaml: ok\n"
    assert result.stderr == (
        "Error: two.yaml:2: steps: expected an integer from 1 to 100000, got 0\n"
        "Error: two.yaml:3: parameters: expected a list of 1 to 8 parameters, got an empty list\n"
        "Error: broken.yaml:2: invalid YAML: while parsing a flow node, expected the node "
        "content, but found '<stream end>'\n"
        "Error: missing.yaml: file not found\n"
    )


# ----------------------------------------------------------------------------- render: errors

# (scenario text or None for a missing file, extra arguments, output, exit status, in the Error)
RENDER_ERRORS = {
    "missing-file": (None, [], "x.gif", 1, "x.yaml: file not found"),
    "invalid-yaml": ("title: [\n", [], "x.gif", 1, "x.yaml:2: invalid YAML"),
    "wrong-type": (TINY.replace("steps: 6", 'steps: "six"'), [], "x.gif", 1, "x.yaml:2: steps:"),
    "beta1-1.5": (
        TINY + "optimizer: {beta1: 1.5}\n", [], "x.gif", 1,
        "x.yaml:7: optimizer.beta1: expected a number in [0, 1), got 1.5",
    ),
    "lr-negative": (
        TINY + "optimizer: {lr: -1}\n", [], "x.gif", 1,
        "x.yaml:7: optimizer.lr: expected a number > 0, got -1",
    ),
    "steps-zero": (TINY.replace("steps: 6", "steps: 0"), [], "x.gif", 1, "x.yaml:2: steps:"),
    "unknown-pattern": (
        TINY.replace("constant", "constnat"), [], "x.gif", 1,
        "x.yaml:5: parameters[0].gradient.pattern:",
    ),
    "width-out-of-range": (TINY, ["--width", "3"], "x.gif", 2, "--width"),
    "width-odd": (TINY, ["--width", "321"], "x.gif", 2, "even"),
    "unknown-suffix": (TINY, [], "x.avi", 2, "'-o'"),
}  # fmt: skip


@pytest.mark.parametrize("existing", [False, True], ids=["no-previous", "previous-kept"])
@pytest.mark.parametrize("case", RENDER_ERRORS)
def test_render_error_is_one_line_and_writes_nothing(case: str, existing: bool) -> None:
    text, args, output, code, fragment = RENDER_ERRORS[case]
    if text is not None:
        write("x.yaml", text)
    sentinel = b"a good figure from an earlier render"
    if existing:
        Path(output).write_bytes(sentinel)
    before = all_files()
    result = invoke("render", "x.yaml", "-o", output, *args)
    assert_exit(result, code)
    assert result.stdout == ""
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    assert fragment in errors[0]
    assert all_files() == before
    if existing:
        assert Path(output).read_bytes() == sentinel


def test_render_failing_midway_keeps_the_previous_file(monkeypatch: pytest.MonkeyPatch) -> None:
    from adamviz.figure import engine as render

    original = render.Animation.frame_rgba

    def fail_on_the_third_frame(self: render.Animation, index: int) -> np.ndarray:
        if index == 2:
            raise OutputError("x.mp4: disk full (simulated)")
        return original(self, index)

    monkeypatch.setattr(render.Animation, "frame_rgba", fail_on_the_third_frame)
    write("x.yaml", TINY)
    Path("x.mp4").write_bytes(b"a good figure")
    result = invoke("render", "x.yaml", "-o", "x.mp4")
    assert_exit(result, 1)
    assert result.stderr == "Error: x.mp4: disk full (simulated)\n"
    assert Path("x.mp4").read_bytes() == b"a good figure"
    assert partial_files(Path()) == []


# ----------------------------------------------------------------------------- render: success


@pytest.mark.parametrize(
    ("args", "written", "shape"),
    [
        (["-o", "x.gif"], "x.gif", (STEPS, HEIGHT, WIDTH, 3)),
        # The last frame held 2 s: repeated 40 times at 20 fps in a video.
        (["-o", "x.mp4"], "x.mp4", (STEPS + 40, HEIGHT, WIDTH, 3)),
        ([], "output/tiny.gif", (STEPS, HEIGHT, WIDTH, 3)),
        (["--format", "png"], "output/tiny.png", (HEIGHT, WIDTH, 3)),
        (["-o", "s.png", "--width", "240", "--height", "160"], "s.png", (160, 240, 3)),
    ],
    ids=["gif", "mp4", "default-path", "png", "png-size-override"],
)
def test_render_writes_every_frame_at_the_requested_size(
    args: list[str], written: str, shape: tuple[int, ...]
) -> None:
    result = invoke("render", write("tiny.yaml", TINY), *args)
    assert_exit(result, 0)
    assert result.stdout == ""
    assert result.stderr == f"wrote {written}\n"
    assert iio.imread(written).shape == shape
    assert partial_files(Path()) == []


# ----------------------------------------------------------------------------- schema


def test_schema_is_json_naming_every_pattern() -> None:
    result = invoke("schema")
    assert_exit(result, 0)
    assert isinstance(json.loads(result.stdout), dict)
    missing = [name for name in PATTERNS if f'"{name}"' not in result.stdout]
    assert missing == []
