"""A render stopped by a signal leaves no partial file and keeps the old figure."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

LONG_SCENARIO = """\
title: A long render, to be interrupted
steps: 3000
parameters:
  - name: w
    gradient: {pattern: constant, value: 1.0, noise: 0.5}
render: {width: 320, height: 180}
"""


def wait_for(condition: object, timeout: float = 120.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


# Ctrl-C and a CI runner's kill, each on one format (each case costs a real
# process start, so not all four pairs).
@pytest.mark.parametrize(("signum", "fmt"), [(signal.SIGINT, "gif"), (signal.SIGTERM, "mp4")])
def test_a_signal_mid_render_keeps_the_old_file(tmp_path: Path, signum: int, fmt: str) -> None:
    scenario = tmp_path / "long.yaml"
    scenario.write_text(LONG_SCENARIO)
    output = tmp_path / f"long.{fmt}"
    output.write_bytes(b"the good old figure")
    command = [sys.executable, "-c", "from adamviz.cli import main; main()"]
    process = subprocess.Popen(
        [*command, "render", str(scenario), "-o", str(output)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path,
    )  # fmt: skip

    def partial_files() -> list[Path]:
        return [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]

    def encoding_under_way() -> bool:
        # ffmpeg is writing the temporary file: the render is truly under way.
        # One listing, and a file may vanish between listing and stat.
        for partial in partial_files():
            try:
                if partial.stat().st_size > 0:
                    return True
            except FileNotFoundError:
                pass
        return False

    try:
        assert wait_for(encoding_under_way)
        os.kill(process.pid, signum)
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
        process.wait()

    assert process.returncode != 0, stderr.decode()
    assert b"Traceback" not in stderr, stderr.decode()
    assert stderr.decode().strip().splitlines()[-1] == "Aborted!", stderr.decode()
    assert output.read_bytes() == b"the good old figure"
    assert partial_files() == []
