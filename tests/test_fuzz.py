"""Property-based tests (hypothesis): bad input of any shape is a ScenarioError, never a crash.

The default run keeps each property to 100 examples (a few seconds each).
The ``slow`` variants run many more examples; setup.cfg deselects them by
default, run them with::

    pytest -m slow tests/test_fuzz.py

Properties:

1. Any YAML-ish document, random bytes or random text, loaded with
   ``scenario.load``, gives a Scenario or a ScenarioError, nothing else; every
   problem is one line shaped ``<file>:<line>: ...`` or ``<file>: ...``.
2. A small valid scenario with a field mutated (wrong type, sign flip, huge or
   tiny magnitude, missing, an extra unknown key): the same, and when it loads
   the simulation's ratio and theta hold no NaN.
3. ``adamviz validate FILE`` on such files exits 0 or 1; on 1 every stderr
   line starts with ``Error: ``; never a traceback.
4. ``adamviz render`` and ``adamviz simulate`` on such files, and the real
   ``adamviz`` process (in a subprocess with a time limit, so a hang fails)
   on random bytes: the same, and a render either writes a complete file
   that decodes to its frames or writes nothing at all.
"""

from __future__ import annotations

import copy
import csv
import io
import math
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import imageio.v3 as iio
import numpy as np
import pytest
import yaml
from click.testing import Result
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from adamviz.errors import ScenarioError, SimulationError
from adamviz.pipeline import simulate, timeline_of
from adamviz.scenario import Scenario, load
from tests.support import invoke, partial_files

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CLI = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CLI_SLOW = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MAX_SIMULATED_STEPS = 2000
MAX_RENDERED_STEPS = 12


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    # One folder for the module: hypothesis reruns a test body many times, and
    # a function-scoped tmp_path would be shared across those runs anyway.
    with tempfile.TemporaryDirectory(prefix="adamviz-fuzz-") as name:
        yield Path(name)


# ----------------------------------------------------------------------------- the property


def check_problem_lines(error: ScenarioError, file: str) -> None:
    shape = re.compile(rf"^{re.escape(file)}(?::[1-9][0-9]*)?: \S.*$")
    assert error.problems, "a ScenarioError without problems"
    for problem in error.problems:
        text = str(problem)
        assert "\n" not in text and "\r" not in text, repr(text)
        assert shape.match(text), repr(text)
    assert len(error.lines()) == len(error.problems), error.lines()


def load_or_problems(path: Path) -> Scenario | None:
    """Scenario.load's contract: a Scenario, or a ScenarioError of well-shaped lines."""
    try:
        return load(path)
    except ScenarioError as error:
        check_problem_lines(error, str(path))
        return None
    # Anything else propagates and fails the test, with hypothesis's minimal example.


def check_simulation(scenario: Scenario) -> None:
    if scenario.steps > MAX_SIMULATED_STEPS:
        return
    [trace] = simulate(scenario)
    for name in ("ratio", "theta"):
        values = np.asarray(getattr(trace, name), dtype=float)
        assert not np.isnan(values).any(), f"NaN in {name}: {values.ravel()[:10]}"


# ----------------------------------------------------------------------------- 1. any document

KNOWN_KEYS = (
    "title", "description", "steps", "seed", "optimizer", "lr", "beta1", "beta2", "eps",
    "parameters", "name", "init", "gradient", "pattern", "value", "values", "noise", "repeat",
    "amplitude", "period", "offset", "phase", "start", "scale", "drift", "path", "column",
    "loss", "center", "render", "fps", "width", "height", "panels", "steps", "segments",
    "constant", "sequence", "square", "sine", "random_walk", "file", "quadratic", "absolute",
)  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-3, max_value=300),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(KNOWN_KEYS),
)
keys = st.one_of(st.sampled_from(KNOWN_KEYS), st.text(max_size=10))
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(keys, children, max_size=6),
    ),
    max_leaves=30,
)


def write(folder: Path, data: bytes | str, name: str = "fuzz.yaml") -> Path:
    path = folder / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_bytes(data.encode("utf-8", "surrogatepass"))
    return path


def check_document(folder: Path, document: Any) -> None:
    text = yaml.safe_dump(document, allow_unicode=True)
    load_or_problems(write(folder, text))


@FAST
@given(document=documents)
@example(document={"pattern": "", "": None})  # a key equal to the pattern value
@example(document={"pattern": "constant", "constant": 1})
def test_any_yaml_document_is_a_scenario_or_problems(folder: Path, document: Any) -> None:
    check_document(folder, document)


@FAST
@given(document=st.dictionaries(keys, documents, min_size=1, max_size=8))
def test_any_yaml_mapping_is_a_scenario_or_problems(folder: Path, document: Any) -> None:
    check_document(folder, document)


@FAST
@given(data=st.binary(max_size=300))
def test_random_bytes_are_problems(folder: Path, data: bytes) -> None:
    load_or_problems(write(folder, data))


@FAST
@given(text=st.text(max_size=300))
def test_random_text_is_problems(folder: Path, text: str) -> None:
    load_or_problems(write(folder, text))


YAML_BITS = st.sampled_from(
    [": ", "- ", "\n", "  ", "{", "}", "[", "]", ",", "&a ", "*a", "<<: ", "!!", "!foo ",
     "? ", "|", ">", "'", '"', "#", "---", "...", "%YAML 1.1\n", "title", "steps: ",
     "parameters:\n  - ", "1e300", ".nan", "-.inf", "\t", "\ufeff", "\x00"]
)  # fmt: skip


@FAST
@given(parts=st.lists(st.one_of(YAML_BITS, st.text(max_size=5)), max_size=40))
def test_yaml_like_text_is_problems(folder: Path, parts: list[str]) -> None:
    load_or_problems(write(folder, "".join(parts)))


# ----------------------------------------------------------------------------- 2. one field mutated

VALID: dict[str, Any] = {
    "title": "Fuzz",
    "description": "A small valid scenario.",
    "steps": 5,
    "seed": 0,
    "optimizer": {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
    "parameters": [
        {
            "name": "w",
            "init": 0.0,
            "gradient": {"pattern": "constant", "value": 1.0, "noise": 0.1},
        }
    ],
    "render": {"fps": 20, "width": 320, "height": 180, "panels": ["gradients", "ratio"]},
}


def key_paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into VALID, containers included (not the root)."""
    paths: list[tuple[Any, ...]] = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            paths += key_paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            paths += key_paths(value, (*prefix, index))
    return paths


PATHS = key_paths(VALID)
MAGNITUDES = [1e300, -1e300, 1e-300, -1e-300, 0, 0.0, -0.0, math.inf, -math.inf, math.nan,
              1, -1, 2, 10**6, -(10**6), 2**63, -(2**63), 10**30, 100_000, 100_001]  # fmt: skip

wrong_values = st.one_of(
    st.sampled_from(["", " ", "1", "1e-8", "nan", "constant", "quadratic", "w"]),
    st.text(max_size=8),
    st.lists(st.sampled_from([1, "a", None, 1.5]), max_size=3),
    st.dictionaries(st.sampled_from(["a", "pattern", "value"]), st.integers(), max_size=2),
    st.booleans(),
    st.none(),
    st.sampled_from(MAGNITUDES),
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from(["sequence", "square", "sine", "segments", "random_walk", "file", "loss"]),
)


@st.composite
def mutations(
    draw: st.DrawFn, paths: list[tuple[Any, ...]] = PATHS
) -> tuple[str, tuple[Any, ...], Any]:
    path = draw(st.sampled_from(paths))
    kind = draw(st.sampled_from(["replace", "sign", "missing", "extra"]))
    value = draw(wrong_values) if kind in ("replace", "extra") else None
    return kind, path, value


def mutated(
    changes: list[tuple[str, tuple[Any, ...], Any]], base: dict[str, Any] | None = None
) -> dict[str, Any]:
    data = copy.deepcopy(VALID if base is None else base)
    for kind, path, value in changes:
        parent: Any = data
        try:
            for part in path[:-1]:
                parent = parent[part]
            current = parent[path[-1]]
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed or replaced this path
        if not isinstance(parent, dict | list):
            continue  # an earlier change put a string where a list was
        last = path[-1]
        if kind == "replace":
            parent[last] = value
        elif kind == "sign":
            if isinstance(current, bool) or not isinstance(current, int | float):
                continue
            parent[last] = -current
        elif kind == "missing":
            del parent[last]
        elif isinstance(current, dict):  # extra: an unknown key inside this mapping
            current[f"unknown_{len(current)}"] = value
        elif isinstance(parent, dict):  # extra: an unknown key beside this one
            parent[f"{last}_extra"] = value
    return data


def check_mutated(folder: Path, changes: list[tuple[str, tuple[Any, ...], Any]]) -> None:
    data = mutated(changes)
    steps = data.get("steps")
    if isinstance(steps, int) and not isinstance(steps, bool) and steps > MAX_SIMULATED_STEPS:
        data["steps"] = MAX_SIMULATED_STEPS  # keep the draw and simulation fast
    path = write(folder, yaml.safe_dump(data))
    scenario = load_or_problems(path)
    if scenario is not None:
        check_simulation(scenario)


def test_the_unmutated_scenario_is_valid(folder: Path) -> None:
    scenario = load_or_problems(write(folder, yaml.safe_dump(VALID)))
    assert scenario is not None
    check_simulation(scenario)


@FAST
@given(change=mutations())
def test_one_field_mutated(folder: Path, change: tuple[str, tuple[Any, ...], Any]) -> None:
    check_mutated(folder, [change])


@FAST
@given(changes=st.lists(mutations(), min_size=2, max_size=4))
def test_several_fields_mutated(
    folder: Path, changes: list[tuple[str, tuple[Any, ...], Any]]
) -> None:
    check_mutated(folder, changes)


# A scenario with what later issues added, mutated the same way: a loss over θ and its
# surface, several runs, captions with dollars and maths, pauses, a frame schedule.
SURFACE: dict[str, Any] = {
    "title": "Fuzz $x^2$ costs $5",
    "steps": 6,
    "seed": 0,
    "loss": {"name": "quadratic", "scales": [1.0, 10.0], "angle": 30, "center": [0.5, -0.5],
             "noise": 0.1},
    "optimizers": [{"name": "sgd", "lr": 0.01, "momentum": 0.9}, {"name": "adam", "lr": 0.05}],
    "parameters": [{"name": "x", "init": -1.0}, {"name": "y", "init": 1.0}],
    "captions": [{"from": 1, "to": 3, "text": "Cost $5, maths $\\hat m$"}],
    "pause": [{"at": 2, "seconds": 0.5}],
    "render": {"width": 320, "height": 180, "panels": ["surface", "ratio"],
               "surface": ["x", "y"], "steps_per_frame": 2, "hold": 0.5},
}
SURFACE_PATHS = key_paths(SURFACE)


def check_surface(folder: Path, changes: list[tuple[str, tuple[Any, ...], Any]]) -> None:
    """A Scenario or problems; if it loads, every run finite or one SimulationError line."""
    path = write(folder, yaml.safe_dump(mutated(changes, SURFACE)))
    scenario = load_or_problems(path)
    if scenario is None or scenario.steps > MAX_SIMULATED_STEPS:
        return
    try:
        traces = simulate(scenario)
    except SimulationError as error:
        assert len(error.lines()) == 1
        return
    for trace in traces:
        assert np.isfinite(trace.theta).all()
    assert timeline_of(scenario).n_frames >= 1


def test_the_unmutated_surface_scenario_is_valid(folder: Path) -> None:
    scenario = load_or_problems(write(folder, yaml.safe_dump(SURFACE)))
    assert scenario is not None
    assert len(simulate(scenario)) == 2


@FAST
@given(changes=st.lists(mutations(SURFACE_PATHS), min_size=1, max_size=3))
def test_surface_scenario_fields_mutated(
    folder: Path, changes: list[tuple[str, tuple[Any, ...], Any]]
) -> None:
    check_surface(folder, changes)


# ----------------------------------------------------------------------------- 3. the CLI


def assert_no_crash(result: Result) -> None:
    """CliRunner reports an uncaught exception as exit 1, so look at the exception too."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError("uncaught exception (a traceback for the user)") from result.exception


def check_validate(folder: Path, text: str) -> None:
    path = write(folder, text, "cli.yaml")
    result = invoke("validate", str(path))
    assert_no_crash(result)
    assert result.exit_code in (0, 1), (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    if result.exit_code == 1:
        lines = result.stderr.splitlines()
        assert lines, "exit 1 with nothing on stderr"
        for line in lines:
            assert line.startswith("Error: "), repr(line)
    else:
        assert result.stdout == f"{path}: ok\n"
        assert result.stderr == ""


@CLI
@given(changes=st.lists(mutations(SURFACE_PATHS), min_size=1, max_size=3))
def test_validate_on_mutated_surface_files(
    folder: Path, changes: list[tuple[str, tuple[Any, ...], Any]]
) -> None:
    """validate lays the figure out (contours, captions, the room check) as render would."""
    check_validate(folder, yaml.safe_dump(mutated(changes, SURFACE)))


@FAST
@given(changes=st.lists(mutations(), min_size=1, max_size=3))
def test_validate_on_mutated_files(
    folder: Path, changes: list[tuple[str, tuple[Any, ...], Any]]
) -> None:
    check_validate(folder, yaml.safe_dump(mutated(changes)))


@FAST
@given(document=documents)
def test_validate_on_any_document(folder: Path, document: Any) -> None:
    check_validate(folder, yaml.safe_dump(document, allow_unicode=True))


def assert_clean_exit(code: int, stdout: str, stderr: str) -> None:
    """Exit 0, or exit 1 with only ``Error: `` lines on stderr; never a traceback."""
    assert code in (0, 1), (code, stdout[-500:], stderr[-2000:])
    assert "Traceback" not in stderr and "Traceback" not in stdout, stderr[-2000:]
    if code == 1:
        lines = stderr.splitlines()
        assert lines, "exit 1 with nothing on stderr"
        for line in lines:
            assert line.startswith("Error: "), repr(line)


def short_enough(data: dict[str, Any], steps: int) -> dict[str, Any]:
    if isinstance(data.get("steps"), int) and not isinstance(data["steps"], bool):
        data["steps"] = min(data["steps"], steps)  # a large draw would only be slow
    return data


def check_render(folder: Path, text: str, fmt: str) -> None:
    path = write(folder, text, "render.yaml")
    output = folder / f"render.{fmt}"
    output.unlink(missing_ok=True)
    args = ["render", str(path), "-o", str(output), "--width", "160", "--height", "90"]
    result = invoke(*args)
    assert_no_crash(result)
    assert_clean_exit(result.exit_code, result.stdout, result.stderr)
    event("rendered" if result.exit_code == 0 else "refused")
    if result.exit_code == 0:
        # A frame per scheduled step in a GIF; a video repeats the held last frame.
        schedule = timeline_of(load(path))
        expected = schedule.n_frames if fmt == "gif" else sum(schedule.repeats())
        frames = iio.imread(output, index=None) if fmt != "png" else iio.imread(output)[None]
        assert frames.shape[1:3] == (90, 160)
        assert fmt == "png" or len(frames) == expected
    else:
        assert not output.exists()
    assert partial_files(folder) == []


def check_simulate_cli(folder: Path, text: str) -> None:
    path = write(folder, text, "simulate.yaml")
    result = invoke("simulate", str(path))
    assert_no_crash(result)
    assert_clean_exit(result.exit_code, result.stdout, result.stderr)
    if result.exit_code == 0:
        scenario = load(path)
        header, *rows = csv.reader(io.StringIO(result.stdout))
        assert header[:4] == ["step", "run", "param", "grad"]
        assert len(rows) == scenario.steps * len(scenario.runs()) * len(scenario.param_names)
        assert {row[2] for row in rows} == set(scenario.param_names)
        assert not any(math.isnan(float(cell)) for row in rows for cell in row[3:] if cell)


def check_process(folder: Path, data: bytes, command: str) -> None:
    """The real ``adamviz`` process, with a time limit: a hang fails the test."""
    path = write(folder, data, "process.yaml")
    output = folder / "process.gif"
    args = [command, str(path)] + (["-o", str(output)] if command == "render" else [])
    done = subprocess.run(
        [sys.executable, "-c", "from adamviz.cli import main; main()", *args],
        capture_output=True, timeout=120,
    )  # fmt: skip
    assert_clean_exit(done.returncode, done.stdout.decode(), done.stderr.decode())


@CLI
@given(changes=st.lists(mutations(), min_size=1, max_size=3), fmt=st.sampled_from(["gif", "mp4"]))
def test_render_on_mutated_files(
    folder: Path, changes: list[tuple[str, tuple[Any, ...], Any]], fmt: str
) -> None:
    check_render(folder, yaml.safe_dump(short_enough(mutated(changes), MAX_RENDERED_STEPS)), fmt)


@CLI
@given(changes=st.lists(mutations(), min_size=1, max_size=3))
@example(changes=[("replace", ("parameters", 0, "gradient", "noise"), -0.0)])
@example(changes=[("replace", ("parameters", 0, "name"), "0\r")])
def test_simulate_on_mutated_files(
    folder: Path, changes: list[tuple[str, tuple[Any, ...], Any]]
) -> None:
    check_simulate_cli(folder, yaml.safe_dump(short_enough(mutated(changes), 200)))


@settings(max_examples=8, deadline=None)
@given(
    data=st.one_of(st.binary(max_size=300), st.lists(YAML_BITS, max_size=30).map("".join)),
    command=st.sampled_from(["render", "simulate", "validate"]),
)
def test_the_real_process_on_random_input(folder: Path, data: bytes | str, command: str) -> None:
    check_process(folder, data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data,
                  command)  # fmt: skip


# ----------------------------------------------------------------------------- slow variants


@pytest.mark.slow
@SLOW
@given(document=documents)
def test_any_yaml_document_many(folder: Path, document: Any) -> None:
    check_document(folder, document)


@pytest.mark.slow
@SLOW
@given(data=st.one_of(st.binary(max_size=2000), st.text(max_size=2000)))
def test_random_input_many(folder: Path, data: bytes | str) -> None:
    load_or_problems(write(folder, data))


@pytest.mark.slow
@SLOW
@given(parts=st.lists(st.one_of(YAML_BITS, st.text(max_size=5)), max_size=120))
def test_yaml_like_text_many(folder: Path, parts: list[str]) -> None:
    load_or_problems(write(folder, "".join(parts)))


@pytest.mark.slow
@SLOW
@given(changes=st.lists(mutations(), min_size=1, max_size=5))
def test_mutated_many(folder: Path, changes: list[tuple[str, tuple[Any, ...], Any]]) -> None:
    check_mutated(folder, changes)


@pytest.mark.slow
@SLOW
@given(changes=st.lists(mutations(), min_size=1, max_size=4))
def test_validate_many(folder: Path, changes: list[tuple[str, tuple[Any, ...], Any]]) -> None:
    check_validate(folder, yaml.safe_dump(mutated(changes)))


@pytest.mark.slow
@CLI_SLOW
@given(changes=st.lists(mutations(), min_size=1, max_size=4), fmt=st.sampled_from(["gif", "mp4"]))
def test_render_many(
    folder: Path, changes: list[tuple[str, tuple[Any, ...], Any]], fmt: str
) -> None:
    check_render(folder, yaml.safe_dump(short_enough(mutated(changes), MAX_RENDERED_STEPS)), fmt)


@pytest.mark.slow
@CLI_SLOW
@given(changes=st.lists(mutations(), min_size=1, max_size=4))
def test_simulate_many(folder: Path, changes: list[tuple[str, tuple[Any, ...], Any]]) -> None:
    check_simulate_cli(folder, yaml.safe_dump(short_enough(mutated(changes), 200)))


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=2000), command=st.sampled_from(["render", "simulate", "validate"]))
def test_the_real_process_many(folder: Path, data: bytes, command: str) -> None:
    check_process(folder, data, command)
