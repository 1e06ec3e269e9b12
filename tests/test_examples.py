"""``adamviz examples``: the bundled scenarios, listed with their titles and copied out."""

from __future__ import annotations

from pathlib import Path

import pytest

from adamviz.scenario.examples import EXAMPLES, examples
from tests.support import assert_exit, invoke

pytestmark = pytest.mark.usefixtures("in_tmp")

ROOT = Path(__file__).resolve().parents[1]


def test_the_package_holds_the_scenarios_folders_files() -> None:
    bundled = {path.name: path.read_bytes() for path in EXAMPLES.glob("*.yaml")}
    documented = {path.name: path.read_bytes() for path in (ROOT / "scenarios").glob("*.yaml")}
    assert bundled == documented and "flip.yaml" in bundled


def test_examples_lists_each_with_its_title() -> None:
    result = invoke("examples")
    assert_exit(result, 0)
    lines = result.output.splitlines()
    assert len(lines) == len(examples()) >= 8
    assert any(line.split() == ["flip", "Long", "trends", "that", "flip"] for line in lines)


def test_copy_writes_one_that_renders_and_never_overwrites() -> None:
    result = invoke("examples", "copy", "flip", "mine")
    assert_exit(result, 0)
    copied = Path("mine/flip.yaml")
    assert copied.read_bytes() == (ROOT / "scenarios" / "flip.yaml").read_bytes()
    assert_exit(invoke("validate", str(copied)), 0)

    copied.write_text("my own edits\n")
    again = invoke("examples", "copy", "flip.yaml", "mine")
    assert_exit(again, 1)
    assert again.output == (
        "Error: mine/flip.yaml: already exists; not overwritten "
        "(remove it, or copy into another folder)\n"
    )
    assert copied.read_text() == "my own edits\n"


def test_copy_of_an_unknown_example_names_the_known_ones_and_writes_nothing() -> None:
    result = invoke("examples", "copy", "flp")
    assert_exit(result, 1)
    assert result.output.startswith("Error: flp: no such example; did you mean 'flip'? the ")
    assert list(Path().iterdir()) == []


def test_an_example_that_reads_recorded_gradients_is_copied_with_them() -> None:
    reads = [item for item in examples() if "file" in item.path.read_text()]
    if not reads:
        pytest.skip("no bundled example reads a file")
    name = reads[0].name
    assert_exit(invoke("examples", "copy", name, "mine"), 0)
    assert_exit(invoke("validate", f"mine/{name}.yaml"), 0)
