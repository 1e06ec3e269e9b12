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
    "unknown-suffix": (
        TINY, [], "x.avi", 1,
        "x.avi: unknown format '.avi'; adamviz writes .gif, .mp4, .webm, .webp, .apng, .html,",
    ),
    "step-zero": (TINY, ["--step", "0"], "x.png", 1, "--step: expected a step from 1 to 6, got 0"),
    "step-past-the-end": (TINY, ["--step", "7"], "x.svg", 1, "expected a step from 1 to 6, got 7"),
    "step-of-an-animation": (TINY, ["--step", "2"], "x.gif", 2, "--step chooses the step"),
    "max-size-nothing-fits": (
        TINY, ["--max-size", "1KB"], "x.gif", 1,
        "x.gif: nothing fits --max-size 1 KB: 320×180, every step at 20 fps is",
    ),
    "max-size-not-a-size": (TINY, ["--max-size", "ten"], "x.webm", 2, "expected a size such as"),
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


@pytest.mark.parametrize(
    ("name", "frames"),
    # The last frame held 2 s (render.hold's default) at 20 fps: 40 more frames of it.
    # (WebP's encoder merges the repeats into one frame that lasts longer: see below.)
    [("x.webm", STEPS + 40), ("x.webp", STEPS), ("x.apng", STEPS + 40), ("s.png", 1)],
)
def test_render_writes_the_new_formats(name: str, frames: int) -> None:
    result = invoke("render", write("tiny.yaml", TINY), "-o", name)
    assert_exit(result, 0)
    assert result.stderr == f"wrote {name}\n"
    path = Path(name)
    plugin = {".webp": {"plugin": "pillow"}, ".apng": {"extension": ".png"}}.get(path.suffix, {})
    shapes = [f.shape[:2] for f in iio.imiter(path, **plugin)]
    assert shapes == [(HEIGHT, WIDTH)] * frames
    if path.suffix == ".webp":
        # 1/20 s each, the last held 2 s more
        assert webp_durations(path.read_bytes()) == [50] * (STEPS - 1) + [2050]
    assert partial_files(Path()) == []


def webp_durations(data: bytes) -> list[int]:
    """Each frame's duration in ms, read from the RIFF chunks of an animated WebP (its ANMF
    chunks: a 24-bit duration 12 bytes into each), which Pillow does not report."""
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    durations, at = [], 12
    while at + 8 <= len(data):
        kind, size = data[at : at + 4], int.from_bytes(data[at + 4 : at + 8], "little")
        if kind == b"ANMF":
            durations.append(int.from_bytes(data[at + 20 : at + 23], "little"))
        at += 8 + size + (size & 1)
    return durations


def test_a_still_of_any_step() -> None:
    from adamviz.pipeline import animation
    from adamviz.scenario import load

    path = write("tiny.yaml", TINY)
    for args, name in ((["--step", "2"], "two.png"), ([], "last.png")):
        assert_exit(invoke("render", path, "-o", name, *args), 0)
    movie = animation(load(path))
    try:
        np.testing.assert_array_equal(iio.imread("two.png"), movie.frame(1))
        np.testing.assert_array_equal(iio.imread("last.png"), movie.frame(STEPS - 1))
    finally:
        movie.close()
    assert_exit(invoke("render", path, "-o", "s.svg", "--step", "3"), 0)
    assert "step 3 / 6" in Path("s.svg").read_text(encoding="utf-8")
    assert_exit(invoke("render", path, "-o", "s.pdf"), 0)
    assert Path("s.pdf").read_bytes().startswith(b"%PDF-")


def test_render_writes_the_page() -> None:
    result = invoke("render", write("tiny.yaml", TINY), "-o", "page.html")
    assert_exit(result, 0)
    page = Path("page.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<video muted playsinline loop' in page
    assert partial_files(Path()) == []


def test_max_size_keeps_fewer_frames_until_the_figure_fits() -> None:
    path = write("tiny.yaml", TINY)
    assert_exit(invoke("render", path, "-o", "full.gif"), 0)
    full = Path("full.gif").stat().st_size
    Path("x.gif").write_bytes(b"an earlier figure")
    result = invoke("render", path, "-o", "x.gif", "--max-size", str(full - 1))
    assert_exit(result, 0)
    assert result.stderr.startswith("wrote x.gif: 320×180, every 2nd step at 10 fps (")
    assert Path("x.gif").stat().st_size < full
    assert iio.imread("x.gif").shape == (STEPS // 2, HEIGHT, WIDTH, 3)
    assert partial_files(Path()) == [] and not list(Path().glob(".*"))

    result = invoke("render", path, "-o", "y.gif", "--max-size", "10MB")  # fits as it is
    assert_exit(result, 0)
    assert result.stderr == "wrote y.gif\n"
    assert Path("y.gif").read_bytes() == Path("full.gif").read_bytes()


def test_an_animation_over_githubs_limit_is_warned_of(monkeypatch: pytest.MonkeyPatch) -> None:
    from adamviz.output import budget

    monkeypatch.setattr(budget, "GITHUB_LIMIT", 100)
    result = invoke("render", write("tiny.yaml", TINY), "-o", "x.mp4")
    assert_exit(result, 0)
    size = budget.format_size(Path("x.mp4").stat().st_size)
    assert result.stderr == (
        f"wrote x.mp4\nwarning: x.mp4 is {size}, over the 10 MB GitHub shows in a README; "
        "--max-size 10MB makes it fit\n"
    )


# ----------------------------------------------------------------------------- schema


def test_schema_is_json_naming_every_pattern() -> None:
    result = invoke("schema")
    assert_exit(result, 0)
    assert isinstance(json.loads(result.stdout), dict)
    missing = [name for name in PATTERNS if f'"{name}"' not in result.stdout]
    assert missing == []
