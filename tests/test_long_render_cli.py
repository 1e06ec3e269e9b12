"""``adamviz render`` of long runs: a schedule's mistakes are one line each, progress on a terminal.

The schedule keys (steps_per_frame, duration, hold, window) are checked at
load, against the scenario's steps and frame rate: one line, exit 1, nothing
written. A render on a terminal shows a live bar (frames, rate, time left),
and nothing but its last line when stderr is not a terminal.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
from pathlib import Path

import pytest

from tests.support import ADAMVIZ, child_env, tiny_scenario

pytestmark = pytest.mark.usefixtures("in_tmp")

TINY = tiny_scenario(steps=50)


def scheduled(render: str) -> str:
    """The tiny scenario with ``render`` keys (flow style) added to its render section."""
    return TINY.replace("render: {", f"render: {{{render}, ")


@pytest.mark.parametrize(
    ("keys", "line"),
    [
        ("steps_per_frame: 5, duration: 2",
         "render.duration: expected either 'steps_per_frame' or 'duration', got both"),
        ("steps_per_frame: 0", "render.steps_per_frame: expected an integer >= 1, got 0"),
        ("steps_per_frame: 1.5", "render.steps_per_frame: expected an integer >= 1, got 1.5"),
        ("duration: 0.01",
         "render.duration: expected a duration of 1 to 100000 frames at 20 fps, "
         "got 0.01 s (0 frames)"),
        ("duration: 6000",
         "render.duration: expected a duration of 1 to 100000 frames at 20 fps, "
         "got 6000 s (120000 frames)"),
        ("duration: -1", "render.duration: expected a number of seconds > 0, got -1"),
        ("hold: -1", "render.hold: expected a number of seconds from 0 to 60, got -1"),
        ("window: 60", "render.window: expected at most the 50 steps, got 60"),
        ("window: 1", "render.window: expected an integer >= 2, got 1"),
    ],
)  # fmt: skip
def test_a_schedule_mistake_is_one_line_and_nothing_is_written(keys: str, line: str) -> None:
    Path("s.yaml").write_text(scheduled(keys))
    done = subprocess.run(
        [*ADAMVIZ, "render", "s.yaml", "-o", "s.gif"], capture_output=True, env=child_env(),
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.decode().splitlines() == [f"Error: s.yaml:6: {line}"]
    assert sorted(os.listdir()) == ["s.yaml"]


def test_off_a_terminal_a_render_says_only_what_it_wrote() -> None:
    Path("s.yaml").write_text(scheduled("steps_per_frame: 5"))
    done = subprocess.run(
        [*ADAMVIZ, "render", "s.yaml", "-o", "s.gif"], capture_output=True, env=child_env(),
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr.decode() == "wrote s.gif\n"
    assert done.stdout == b""


def _run_on_a_terminal(args: list[str]) -> tuple[int, str]:
    """Run the command with its stderr on a pseudo-terminal; its exit status and all it wrote."""
    controller, terminal = pty.openpty()
    env = {**child_env(), "COLUMNS": "120", "TERM": "xterm-256color"}
    process = subprocess.Popen(
        args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=terminal, env=env
    )
    os.close(terminal)
    written = b""
    try:
        while True:
            ready, _, _ = select.select([controller], [], [], 120)
            if not ready:
                break
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the child closed its end
                break
            if not chunk:
                break
            written += chunk
    finally:
        os.close(controller)
    return process.wait(timeout=120), written.decode("utf-8", "replace")


def test_on_a_terminal_a_render_shows_frames_rate_and_time_left() -> None:
    Path("s.yaml").write_text(TINY.replace("steps: 50", "steps: 400"))
    status, written = _run_on_a_terminal([*ADAMVIZ, "render", "s.yaml", "-o", "s.mp4"])
    assert status == 0
    assert "s.mp4" in written
    assert "400/400" in written and "frames" in written
    assert "/s" in written  # the rate
    assert "left" in written
    assert written.rstrip().endswith("wrote s.mp4")
    assert Path("s.mp4").stat().st_size > 0
