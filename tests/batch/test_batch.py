"""``adamviz batch``: parallel renders, the manifest, ``--check``, failures and bad input."""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest
from click.testing import Result

from adamviz import __version__
from adamviz.batch.manifest import LOCK_NAME, MANIFEST_NAME, sha256_of
from tests.support import (
    HEIGHT,
    STEPS,
    WIDTH,
    a_partial_file_has_bytes,
    assert_exit,
    invoke,
    partial_files,
    tiny_scenario,
    wait_for,
)

pytestmark = pytest.mark.usefixtures("in_tmp")


def scenario_text(title: str, value: float = 1.0, steps: int = STEPS) -> str:
    return tiny_scenario(title, value, steps, f"Gradients of {value}, with a little noise.")


RECORDED = f"""\
title: Recorded
steps: {STEPS}
parameters:
  - name: w
    gradient: {{pattern: file, path: grads.csv}}
render: {{width: {WIDTH}, height: {HEIGHT}}}
"""




@pytest.fixture
def two_scenarios() -> Path:
    folder = Path("scenarios")
    folder.mkdir()
    (folder / "up.yaml").write_text(scenario_text("Up", 1.0))
    (folder / "down.yaml").write_text(scenario_text("Down", -1.0))
    return folder






def summary(result: Result) -> list[list[str]]:
    """The summary table's rows, as (figure, status) with the numbers left out."""
    lines = result.stdout.strip().splitlines()
    assert lines[0].split() == ["figure", "status", "seconds", "size"]
    return [re.split(r"\s{2,}", line.strip())[:2] for line in lines[1:-1]]


def manifest() -> dict[str, dict[str, object]]:
    return json.loads(Path("output", MANIFEST_NAME).read_text())["figures"]


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}


def test_batch_renders_every_scenario_with_its_numbers_manifest_and_gallery(
    two_scenarios: Path,
) -> None:
    result = invoke("batch", "--jobs", "2")

    assert_exit(result, 0)
    assert [row[0] for row in summary(result)] == ["down.gif", "up.gif"]
    assert (
        result.stdout.strip().splitlines()[-1] == "2 scenarios: 2 rendered, 0 up to date, 0 failed"
    )
    out = Path("output")
    names = {"up.gif", "up.csv", "down.gif", "down.csv", MANIFEST_NAME, LOCK_NAME, "index.html"}
    assert {p.name for p in out.iterdir()} == names
    for stem, sign in (("up", 1.0), ("down", -1.0)):
        frames = iio.imread(out / f"{stem}.gif", index=None)
        assert frames.shape[:3] == (STEPS, HEIGHT, WIDTH)
        with open(out / f"{stem}.csv", newline="") as file:
            rows = list(csv.DictReader(file))
        assert [int(row["step"]) for row in rows] == list(range(1, STEPS + 1))
        # Gradients of ±1 with noise 0.2: the mean after the first step has the sign.
        assert np.sign(float(rows[-1]["m_hat"])) == sign

    entries = manifest()
    assert sorted(entries) == ["down.gif", "up.gif"]
    up = entries["up.gif"]
    assert up == {
        "adamviz": __version__,
        "description": "Gradients of 1.0, with a little noise.",
        "inputs": {},
        "numbers": "up.csv",
        "numbers_sha256": sha256_of(out / "up.csv"),
        "options": {"format": "gif"},
        "output_sha256": sha256_of(out / "up.gif"),
        "scenario": "../scenarios/up.yaml",
        "scenario_sha256": sha256_of(two_scenarios / "up.yaml"),
        "title": "Up",
        "theme": "light",  # the look, which the gallery follows
        "paper": "#ffffff",
    }
    page = (out / "index.html").read_text()
    assert page.count("<article") == 2
    assert 'src="./down.gif"' in page and 'href="./up.csv"' in page


def test_a_second_batch_renders_nothing_and_touches_nothing(two_scenarios: Path) -> None:
    assert_exit(invoke("batch", "--jobs", "1"), 0)
    before = snapshot(Path("output"))

    result = invoke("batch", "--jobs", "1")

    assert_exit(result, 0)
    assert summary(result) == [["down.gif", "up to date"], ["up.gif", "up to date"]]
    assert result.stderr == ""
    assert snapshot(Path("output")) == before


def test_only_what_changed_is_rendered_again(two_scenarios: Path) -> None:
    assert_exit(invoke("batch", "--jobs", "1"), 0)
    old_up = Path("output/up.gif").read_bytes()
    (two_scenarios / "down.yaml").write_text(scenario_text("Down", -2.0))

    result = invoke("batch", "--jobs", "1")

    assert_exit(result, 0)
    assert summary(result) == [["down.gif", "rendered"], ["up.gif", "up to date"]]
    assert Path("output/up.gif").read_bytes() == old_up
    assert manifest()["down.gif"]["scenario_sha256"] == sha256_of(two_scenarios / "down.yaml")


def test_a_changed_recorded_file_makes_its_figure_stale() -> None:
    Path("s").mkdir()
    Path("s/recorded.yaml").write_text(RECORDED)
    Path("s/grads.csv").write_text("\n".join(["1.0"] * STEPS) + "\n")
    assert_exit(invoke("batch", "s", "--jobs", "1"), 0)
    assert manifest()["recorded.gif"]["inputs"] == {"grads.csv": sha256_of(Path("s/grads.csv"))}
    assert_exit(invoke("batch", "s", "--check"), 0)

    Path("s/grads.csv").write_text("\n".join(["-1.0"] * STEPS) + "\n")

    result = invoke("batch", "s", "--check")
    assert_exit(result, 1)
    assert result.stdout == "stale: output/recorded.gif (s/grads.csv changed)\n"


def test_check_lists_stale_missing_modified_and_orphans(two_scenarios: Path) -> None:
    assert_exit(invoke("batch", "--jobs", "2"), 0)
    clean = invoke("batch", "--check")
    assert_exit(clean, 0)
    assert clean.stdout == "2 figures up to date\n"
    before = snapshot(Path("output"))

    (two_scenarios / "up.yaml").write_text(scenario_text("Up", 3.0))
    Path("output/down.gif").write_bytes(b"edited by hand")
    (two_scenarios / "new.yaml").write_text(scenario_text("New"))
    Path("output/old.gif").write_bytes(b"left over")

    result = invoke("batch", "--check")

    assert_exit(result, 1)
    assert result.stdout.splitlines() == [
        "modified: output/down.gif (down.gif differs from the file adamviz wrote)",
        "missing: output/new.gif (never rendered into this folder)",
        "stale: output/up.gif (scenarios/up.yaml changed)",
        "orphan: output/old.gif (no scenario makes it)",
    ]
    after = snapshot(Path("output"))
    assert {k: v for k, v in after.items() if k != "old.gif" and k != "down.gif"} == {
        k: v for k, v in before.items() if k != "down.gif"
    }


def test_a_failing_scenario_does_not_stop_the_others(two_scenarios: Path) -> None:
    (two_scenarios / "broken.yaml").write_text(scenario_text("Broken").replace("1.0", "one"))

    result = invoke("batch", "--jobs", "2")

    assert_exit(result, 1)
    assert summary(result) == [
        ["broken.gif", "failed"], ["down.gif", "rendered"], ["up.gif", "rendered"],
    ]  # fmt: skip
    progress, *errors = [line for line in result.stderr.splitlines() if "broken" in line]
    assert re.fullmatch(r"\[[123]/3\] failed broken\.gif in \d+\.\d s", progress)
    assert errors == [
        "Error: scenarios/broken.yaml:6: parameters[0].gradient.value: expected a number, got 'one'"
    ]
    assert sorted(manifest()) == ["down.gif", "up.gif"]
    assert not Path("output/broken.gif").exists()
    assert partial_files(Path("output")) == []


@pytest.mark.parametrize("fmt", ["gif", "mp4", "webm", "html"])
def test_rendering_again_gives_the_same_bytes(two_scenarios: Path, fmt: str) -> None:
    assert_exit(invoke("batch", "--format", fmt, "--jobs", "2"), 0)
    first = {p.name: p.read_bytes() for p in Path("output").iterdir()}

    assert_exit(invoke("batch", "--format", fmt, "--force", "--jobs", "1"), 0)

    assert {p.name: p.read_bytes() for p in Path("output").iterdir()} == first


def test_no_op_batch_imports_nothing_heavy(two_scenarios: Path) -> None:
    assert_exit(invoke("batch", "--jobs", "1"), 0)
    code = (
        "import sys\n"
        "from adamviz.cli import cli\n"
        "try:\n"
        "    cli(['batch'], prog_name='adamviz')\n"
        "except SystemExit as exit:\n"
        "    assert not exit.code, exit.code\n"
        "heavy = ['matplotlib', 'numpy', 'yaml', 'pydantic', 'imageio', 'rich']\n"
        "print(sorted(name for name in heavy if name in sys.modules))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.splitlines()[-1] == "[]"


# -- bad input ----------------------------------------------------------------------------


def test_a_folder_without_scenarios_is_one_line() -> None:
    Path("empty").mkdir()
    result = invoke("batch", "empty")
    assert_exit(result, 1)
    assert result.stderr == "Error: empty: expected scenario files (*.yaml, *.yml), found none\n"
    assert not Path("output").exists()


def test_a_missing_path_is_one_line() -> None:
    result = invoke("batch", "nowhere.yaml")
    assert_exit(result, 1)
    assert result.stderr == "Error: nowhere.yaml: no such file or folder\n"


def test_pages_in_a_batch_are_figures_and_the_gallery_is_not_an_orphan(
    two_scenarios: Path,
) -> None:
    assert_exit(invoke("batch", "--format", "html", "--jobs", "1"), 0)
    gallery = Path("output", "index.html").read_text(encoding="utf-8")
    assert '<iframe src="./up.html"' in gallery and '<iframe src="./down.html"' in gallery
    result = invoke("batch", "--check", "--format", "html")
    assert_exit(result, 0)
    assert result.stdout == "2 figures up to date\n"


def test_a_page_named_like_the_gallery_renders_nothing() -> None:
    Path("s").mkdir()
    Path("s", "index.yaml").write_text(scenario_text("Index"))
    result = invoke("batch", "s", "-f", "html")
    assert_exit(result, 1)
    assert result.stderr == (
        "Error: s/index.yaml: would write output/index.html over the gallery's page; "
        "rename the scenario or choose another format\n"
    )
    assert not Path("output").exists()


def test_two_scenarios_with_one_output_name_render_nothing() -> None:
    for folder in ("a", "b"):
        Path(folder).mkdir()
        Path(folder, "same.yaml").write_text(scenario_text(folder))

    result = invoke("batch", "a", "b")

    assert_exit(result, 1)
    assert result.stderr == (
        "Error: b/same.yaml: would write output/same.gif, as a/same.yaml does; "
        "rename one of them or render them into different folders\n"
    )
    assert not Path("output").exists()


def test_a_corrupt_manifest_is_kept_until_force(two_scenarios: Path) -> None:
    assert_exit(invoke("batch", "--jobs", "1"), 0)
    corrupt = b'{"layout": 1, "figures": {\n  "up.gif": [\n'
    Path("output", MANIFEST_NAME).write_bytes(corrupt)
    before = snapshot(Path("output"))

    for args in (["batch"], ["batch", "--check"]):
        result = invoke(*args)
        assert_exit(result, 1)
        assert result.stderr == (
            f"Error: output/{MANIFEST_NAME}:3: not a readable adamviz manifest "
            "(expected JSON, got Expecting value); "
            "run with --force to render every figure again and rewrite it\n"
        )
        assert snapshot(Path("output")) == before

    assert_exit(invoke("batch", "--force", "--jobs", "1"), 0)
    assert sorted(manifest()) == ["down.gif", "up.gif"]


def test_an_output_folder_that_is_a_file_is_one_line(two_scenarios: Path) -> None:
    Path("output").write_text("not a folder")
    for args in (["-o", "output"], ["--check", "-o", "output"]):
        result = invoke("batch", *args)
        assert_exit(result, 1)
        assert result.stderr == "Error: output: is a file, expected a folder for the figures\n"
    assert Path("output").read_text() == "not a folder"


def test_check_with_force_is_a_usage_error(two_scenarios: Path) -> None:
    result = invoke("batch", "--check", "--force")
    assert_exit(result, 2)
    assert result.stderr.splitlines()[-1] == (
        "Error: --check renders nothing, so --force has no meaning with it"
    )


def test_help_shows_an_example() -> None:
    result = invoke("batch", "--help")
    assert_exit(result, 0)
    assert "adamviz batch scenarios/ -o output/ --jobs 4" in result.stdout
    assert "adamviz batch --check" in result.stdout


# -- beyond one machine -------------------------------------------------------------------


def test_a_dask_cluster_makes_the_same_files(two_scenarios: Path) -> None:
    distributed = pytest.importorskip("distributed")
    assert_exit(invoke("batch", "--jobs", "1", "-o", "local"), 0)

    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, protocol="tcp",
        host="127.0.0.1", dashboard_address=None,
    ) as cluster:  # fmt: skip
        result = invoke("batch", "-o", "local", "--scheduler", cluster.scheduler_address)
        assert_exit(result, 0)  # all up to date: the cluster is asked for nothing
        result = invoke("batch", "-o", "dask", "--scheduler", cluster.scheduler_address)
        assert_exit(result, 0)

    assert summary(result) == [["down.gif", "rendered"], ["up.gif", "rendered"]]
    local = {p.name: p.read_bytes() for p in Path("local").iterdir()}
    remote = {p.name: p.read_bytes() for p in Path("dask").iterdir()}
    assert remote == local


def test_an_unreachable_scheduler_is_one_line(
    two_scenarios: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("distributed")
    monkeypatch.setattr("adamviz.batch.cluster.CONNECT_TIMEOUT", "1s")  # nothing listens on port 9
    result = invoke("batch", "--scheduler", "tcp://127.0.0.1:9")
    assert_exit(result, 1)
    assert result.stderr.startswith("Error: --scheduler tcp://127.0.0.1:9: cannot connect: ")
    assert len(result.stderr.splitlines()) == 1
    assert not Path("output", MANIFEST_NAME).exists()


# -- interruption -------------------------------------------------------------------------


# Ctrl-C at a terminal signals the whole process group (the workers too); a CI
# runner's kill signals the batch process alone, and so does a terminal that closes.
@pytest.mark.parametrize(
    ("signum", "whole_group"),
    [(signal.SIGINT, True), (signal.SIGTERM, False), (signal.SIGHUP, False)],
)
def test_an_interrupted_batch_keeps_every_finished_figure(
    tmp_path: Path, signum: int, whole_group: bool
) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "a-quick.yaml").write_text(scenario_text("Quick"))
    (folder / "b-long.yaml").write_text(scenario_text("Long", steps=3000))
    out = tmp_path / "output"
    out.mkdir()
    (out / "b-long.gif").write_bytes(b"the good old figure")
    command = [sys.executable, "-c", "from adamviz.cli import main; main()"]
    process = subprocess.Popen(
        [*command, "batch", "--jobs", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path, start_new_session=True,
    )  # fmt: skip

    def long_render_under_way() -> bool:
        # The quick figure is in the manifest, and ffmpeg is writing the long one.
        return (out / MANIFEST_NAME).exists() and a_partial_file_has_bytes(out)

    try:
        assert wait_for(long_render_under_way)
        if whole_group:
            os.killpg(process.pid, signum)
        else:
            os.kill(process.pid, signum)
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
        process.wait()

    assert process.returncode != 0
    assert b"Traceback" not in stderr
    assert stderr.decode().strip().splitlines()[-1] == "Aborted!"
    assert (out / "b-long.gif").read_bytes() == b"the good old figure"
    assert sorted(p.name for p in out.iterdir()) == [
        LOCK_NAME, "a-quick.csv", "a-quick.gif", MANIFEST_NAME, "b-long.gif",
    ]  # fmt: skip
    entry = json.loads((out / MANIFEST_NAME).read_text())["figures"]["a-quick.gif"]
    assert entry["output_sha256"] == sha256_of(out / "a-quick.gif")


def test_the_theme_and_its_style_sheet_are_what_the_manifest_records(tmp_path: Path) -> None:
    """Changing the look makes --check report the figure stale: in the file, or in its sheet."""
    scenarios, out = tmp_path / "scenarios", tmp_path / "output"
    scenarios.mkdir()
    sheet = scenarios / "blog.mplstyle"
    sheet.write_text("figure.facecolor: 101010\naxes.facecolor: 101010\n")
    (scenarios / "up.yaml").write_text(
        tiny_scenario("Up").replace("render: {", "render: {theme: blog.mplstyle, ")
    )
    assert invoke("batch", str(scenarios), "-o", str(out)).exit_code == 0
    entry = json.loads((out / MANIFEST_NAME).read_text())["figures"]["up.gif"]
    assert entry["theme"] == "blog.mplstyle" and entry["paper"] == "#101010"
    assert entry["inputs"] == {"blog.mplstyle": sha256_of(sheet)}
    assert invoke("batch", "--check", str(scenarios), "-o", str(out)).exit_code == 0

    sheet.write_text("figure.facecolor: 202020\naxes.facecolor: 202020\n")
    check = invoke("batch", "--check", str(scenarios), "-o", str(out))
    assert check.exit_code == 1 and "blog.mplstyle changed" in check.output

    assert invoke("batch", str(scenarios), "-o", str(out)).exit_code == 0
    dark = tiny_scenario("Up").replace("render: {", "render: {theme: dark, ")
    (scenarios / "up.yaml").write_text(dark)
    check = invoke("batch", "--check", str(scenarios), "-o", str(out))
    assert check.exit_code == 1 and "up.yaml changed" in check.output
