"""A render stopped by a signal leaves no partial file and keeps the old figure."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import a_partial_file_has_bytes, partial_files, wait_for

LONG_SCENARIO = """\
title: A long render, to be interrupted
steps: 3000
parameters:
  - name: w
    gradient: {pattern: constant, value: 1.0, noise: 0.5}
render: {steps_per_frame: 1, width: 320, height: 180}
"""


# Ctrl-C, a CI runner's kill and a closed terminal, each on one format (each
# case costs a real process start, so not every pair).
@pytest.mark.parametrize(
    ("signum", "fmt"), [(signal.SIGINT, "gif"), (signal.SIGTERM, "mp4"), (signal.SIGHUP, "gif")]
)
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

    try:
        assert wait_for(lambda: a_partial_file_has_bytes(tmp_path))
        os.kill(process.pid, signum)
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
        process.wait()

    assert process.returncode != 0, stderr.decode()
    assert b"Traceback" not in stderr, stderr.decode()
    assert stderr.decode().strip().splitlines()[-1] == "Aborted!", stderr.decode()
    assert output.read_bytes() == b"the good old figure"
    assert partial_files(tmp_path) == []
