"""The filesystem pushing back: a full disk, an unwritable folder, a folder in the way,
a standard output that takes nothing, names with spaces and accents.

Each command runs as a real subprocess, as a user runs it: one ``Error:`` line
on stderr, exit status 1, no traceback, no temporary file left behind, and an
earlier good file untouched. The full disk is a real one: a small tmpfs,
filled to the last byte (mounting needs root; the tests skip without it).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import imageio.v3 as iio
import pytest

from adamviz.batch.manifest import MANIFEST_NAME
from tests.support import HEIGHT, WIDTH, partial_files, tiny_scenario

ADAMVIZ = [sys.executable, "-c", "from adamviz.cli import main; main()"]
SCENARIO = tiny_scenario()
GOOD = b"a good figure from an earlier render"


def adamviz(*args: str | Path, cwd: Path, stdout: int | None = subprocess.PIPE) -> tuple[int, str]:
    """Exit status and stderr of ``adamviz ARGS``."""
    done = subprocess.run(
        [*ADAMVIZ, *map(str, args)], cwd=cwd, stdout=stdout, stderr=subprocess.PIPE, timeout=120
    )
    return done.returncode, done.stderr.decode()


def assert_one_error(status: int, stderr: str, *fragments: str) -> None:
    assert status == 1, stderr
    assert "Traceback" not in stderr
    errors = [line for line in stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, stderr
    for fragment in fragments:
        assert fragment in errors[0], errors[0]


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(SCENARIO)
    return path


@contextlib.contextmanager
def mounted_tmpfs(folder: Path, *options: str) -> Iterator[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    mount = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", ",".join(options), "tmpfs", str(folder)],
        capture_output=True,
    )
    if mount.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mount.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path) -> None:
    """Write until the filesystem has not one byte left."""
    descriptor = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        for chunk in (65536, 4096, 1):  # a short write or ENOSPC moves to the next size
            with contextlib.suppress(OSError):
                while os.write(descriptor, b"\0" * chunk) == chunk:
                    pass
    finally:
        os.close(descriptor)


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs holding an earlier good figure, its manifest, and nothing free."""
    with mounted_tmpfs(tmp_path / f"full-{uuid.uuid4().hex[:6]}", "size=1m") as disk:
        yield disk


# ----------------------------------------------------------------------------- a full disk


@pytest.mark.parametrize(
    ("command", "suffix"),
    [("render", "gif"), ("render", "mp4"), ("render", "png"), ("simulate", "csv")],
)
def test_a_full_disk_keeps_the_earlier_file(
    full_disk: Path, scenario: Path, command: str, suffix: str
) -> None:
    earlier = full_disk / f"tiny.{suffix}"
    earlier.write_bytes(GOOD)
    fill(full_disk)

    status, stderr = adamviz(command, scenario, "-o", earlier, cwd=scenario.parent)

    assert_one_error(status, stderr, str(earlier), "No space left on device")
    assert earlier.read_bytes() == GOOD
    assert partial_files(full_disk) == []


def test_a_batch_on_a_full_disk_loses_no_good_figure_or_manifest_entry(
    full_disk: Path, scenario: Path
) -> None:
    out = full_disk / "output"
    status, stderr = adamviz("batch", scenario, "-o", out, "--jobs", "1", cwd=scenario.parent)
    assert status == 0, stderr
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    scenario.write_text(SCENARIO.replace("value: 1.0", "value: -1.0"))  # now stale
    fill(full_disk)

    status, stderr = adamviz("batch", scenario, "-o", out, "--jobs", "1", cwd=scenario.parent)

    assert status == 1 and "Traceback" not in stderr
    assert "No space left on device" in stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert "tiny.gif" in json.loads(before[MANIFEST_NAME])["figures"]


# ----------------------------------------------------------------------------- no way to write


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder that cannot be written: a read-only mount as root, a chmod otherwise."""
    if os.geteuid() != 0:
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    with mounted_tmpfs(tmp_path / "read-only", "ro", "size=64k") as folder:
        yield folder


@pytest.mark.parametrize(
    "command",
    [["render"], ["render", "--format", "mp4"], ["simulate"], ["batch"]],
    ids=["render-gif", "render-mp4", "simulate", "batch"],
)
def test_an_unwritable_folder_is_one_line(
    read_only_folder: Path, scenario: Path, command: list[str]
) -> None:
    if command[0] == "batch":
        target = read_only_folder
    else:
        target = read_only_folder / ("x.csv" if command[0] == "simulate" else "x")
    status, stderr = adamviz(*command, scenario, "-o", target, cwd=scenario.parent)

    assert_one_error(status, stderr, str(read_only_folder), "not writable")
    assert list(read_only_folder.iterdir()) == []


@pytest.mark.parametrize("command", ["render", "simulate", "batch"])
def test_a_file_where_a_folder_should_be_is_one_line(
    tmp_path: Path, scenario: Path, command: str
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(GOOD)
    target = blocker if command == "batch" else blocker / "x.gif"
    if command == "simulate":
        target = blocker / "x.csv"

    status, stderr = adamviz(command, scenario, "-o", target, cwd=tmp_path)

    assert_one_error(status, stderr, "not-a-folder")
    assert blocker.read_bytes() == GOOD


@pytest.mark.parametrize("command", ["render", "simulate"])
def test_a_folder_where_the_file_should_be_is_one_line(
    tmp_path: Path, scenario: Path, command: str
) -> None:
    folder = tmp_path / ("x.gif" if command == "render" else "x.csv")
    folder.mkdir()

    status, stderr = adamviz(command, scenario, "-o", folder, cwd=tmp_path)

    assert_one_error(status, stderr, str(folder), "is a folder")
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("device", ["/dev/full", "/dev/null"])
@pytest.mark.parametrize("command", ["render", "simulate"])
def test_a_device_is_never_replaced(
    tmp_path: Path, scenario: Path, command: str, device: str
) -> None:
    status, stderr = adamviz(command, scenario, "-o", device, cwd=tmp_path)

    assert_one_error(status, stderr, device, "not a regular file")
    assert Path(device).is_char_device()


@pytest.mark.parametrize(
    "args",
    [["simulate"], ["simulate", "--json"], ["schema"], ["batch", "--check"], ["validate"]],
    ids=["simulate-csv", "simulate-json", "schema", "check", "validate"],
)
def test_a_standard_output_that_takes_nothing_is_one_line(
    tmp_path: Path, scenario: Path, args: list[str]
) -> None:
    if args[0] != "schema":
        args = [*args, str(scenario)]
    with open("/dev/full", "wb") as full:
        status, stderr = adamviz(*args, cwd=tmp_path, stdout=full.fileno())

    assert stderr == "Error: cannot write to standard output: No space left on device\n"
    assert status == 1


# ----------------------------------------------------------------------------- odd names


@pytest.mark.parametrize("fmt", ["gif", "mp4", "png"])
def test_names_with_spaces_and_accents_are_written_as_given(tmp_path: Path, fmt: str) -> None:
    folder = tmp_path / "mes figures ü"
    folder.mkdir()
    scenario = folder / "été donné.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    output = folder / "sous dossier" / f"Adam à l'œuvre — 学习率.{fmt}"

    status, stderr = adamviz("render", scenario, "-o", output, cwd=tmp_path)

    assert status == 0, stderr
    assert stderr == f"wrote {output}\n"
    image = iio.imread(output, index=None) if fmt != "png" else iio.imread(output)[None]
    assert image.shape[1:3] == (HEIGHT, WIDTH)
    assert sorted(p.name for p in output.parent.iterdir()) == [output.name]
