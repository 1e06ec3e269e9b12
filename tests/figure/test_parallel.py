"""Frames drawn by worker processes make the same file, byte for byte, as frames drawn here."""

from __future__ import annotations

import os
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest

from adamviz.figure.parallel import CHUNK, MIN_FRAMES, auto_frame_workers
from adamviz.pipeline import RenderOptions, render_scenario
from adamviz.scenario import load

# More frames than two workers' first chunks, and not a multiple of a chunk.
STEPS = 4 * CHUNK + 3
SCENARIO = f"""\
title: Drawn in parallel
steps: {STEPS}
parameters:
  - name: w
    gradient: {{pattern: constant, value: 1.0, noise: 0.5}}
  - name: v
    gradient: {{pattern: sine, amplitude: 2.0, period: 10}}
render: {{width: 320, height: 180, panels: [gradients, ratio, step_size]}}
"""


@pytest.mark.parametrize("fmt", ["gif", "mp4"])
def test_workers_write_the_same_bytes_as_a_serial_render(tmp_path: Path, fmt: str) -> None:
    (tmp_path / "s.yaml").write_text(SCENARIO)
    scenario = load(tmp_path / "s.yaml")
    serial, parallel = tmp_path / f"serial.{fmt}", tmp_path / f"parallel.{fmt}"
    seen: list[int] = []

    render_scenario(scenario, serial, RenderOptions(fmt=fmt), frame_workers=0)
    render_scenario(
        scenario, parallel, RenderOptions(fmt=fmt),
        on_frame=lambda done, total: seen.append(done), frame_workers=2,
    )  # fmt: skip

    assert parallel.read_bytes() == serial.read_bytes()
    assert seen == list(range(1, STEPS + 1))
    frames = iio.imread(parallel, index=None)
    held = 40 if fmt == "mp4" else 0  # the last frame held 2 s at 20 fps: repeated in a video
    assert frames.shape[:3] == (STEPS + held, 180, 320)
    assert not np.array_equal(frames[0], frames[-1])


def test_workers_start_only_where_cores_are_spare_and_the_render_is_long() -> None:
    assert auto_frame_workers(100_000, cores=2) == 0  # ffmpeg and the feeder take both
    assert auto_frame_workers(MIN_FRAMES - 1, cores=16) == 0  # start-up would not pay
    assert auto_frame_workers(MIN_FRAMES, cores=4) == 2
    assert auto_frame_workers(MIN_FRAMES, cores=16) == 2  # a worker per 300 frames
    assert auto_frame_workers(100_000, cores=16) == 14


def test_workers_draw_the_frames_of_several_runs_as_this_process_does() -> None:
    from adamviz.figure.engine import Animation, FigureSpec
    from adamviz.figure.parallel import frames_in_workers
    from adamviz.optim.alias import create
    from adamviz.optim.run import run

    grads = np.column_stack([np.sin(np.arange(STEPS) / 3.0), np.ones(STEPS)])
    traces = [
        run(create(name), grads, np.zeros(2), STEPS, name) for name in ("sgd", "rmsprop", "adam")
    ]
    spec = FigureSpec("Runs in parallel", ["w", "v"], ("gradients", "update"), 320, 180)
    here = Animation(traces, spec)
    serial = [np.array(here.frame_rgba(i)) for i in range(STEPS)]
    drawn = [np.array(frame) for frame in frames_in_workers(traces, spec, 2)]
    assert len(drawn) == STEPS
    for index, (a, b) in enumerate(zip(serial, drawn, strict=True)):
        np.testing.assert_array_equal(a, b, err_msg=f"frame {index}")


def test_frame_workers_count_the_cores_this_process_may_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Pinned to two cores of a 64-core machine (taskset, a container): none are spare."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    assert auto_frame_workers(100_000) == 0
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(6)))
    assert auto_frame_workers(100_000) == 4
