"""The frame schedule: which step each frame shows, how long it lasts, and what the files hold."""

from __future__ import annotations

from pathlib import Path

import imageio.v3 as iio
import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from adamviz.output.gif_delays import delays, set_delays
from adamviz.output.timeline import Timeline, every_step, frame_steps, frames_for, timeline
from adamviz.pipeline import RenderOptions, render_scenario, timeline_of
from adamviz.scenario import load
from tests.support import tiny_scenario


def test_up_to_600_steps_one_frame_per_step_beyond_it_about_30_seconds() -> None:
    assert timeline(600, 20, hold=0).steps == tuple(range(600))
    long = timeline(20_000, 20)
    assert long.n_frames == 600  # 30 s at 20 fps
    assert long.steps[-1] == 19_999
    assert timeline(20_000, 10).n_frames == 300


def test_steps_per_frame_strides_and_the_last_frame_shows_the_last_step() -> None:
    assert timeline(50, 20, steps_per_frame=7).steps == (6, 13, 20, 27, 34, 41, 48, 49)
    assert timeline(49, 20, steps_per_frame=7).steps == (6, 13, 20, 27, 34, 41, 48)
    assert timeline(1, 20, steps_per_frame=5).steps == (0,)
    assert frames_for(50, 20, steps_per_frame=7) == 8


def test_a_duration_spreads_the_frames_evenly_and_never_shows_a_step_twice() -> None:
    steps = timeline(20_000, 20, duration=20).steps
    assert len(steps) == 400
    assert steps[0] == 49 and steps[-1] == 19_999
    assert set(np.diff(steps)) == {50}
    uneven = frame_steps(1000, 7)
    assert uneven[-1] == 999 and len(set(uneven)) == 7
    assert timeline(30, 20, duration=10).steps == tuple(range(30))  # at most one per step


def test_the_last_frame_is_held_and_durations_add_up() -> None:
    schedule = timeline(10, 20, hold=2.0)
    assert schedule.seconds[:-1] == (0.05,) * 9
    assert schedule.seconds[-1] == pytest.approx(2.05)
    assert schedule.total_seconds == pytest.approx(2.5)
    assert schedule.repeats() == [1] * 9 + [41]
    assert schedule.centiseconds() == [5] * 9 + [205]
    assert every_step(10, 20).seconds[-1] == 0.05


def test_rounding_runs_on_the_total_so_30_fps_does_not_drift() -> None:
    schedule = timeline(300, 30, hold=0)
    assert sum(schedule.centiseconds()) == 1000
    assert set(schedule.centiseconds()) == {3, 4}
    assert sum(schedule.repeats()) == 300


def test_a_pause_is_one_longer_frame() -> None:
    paused = timeline(100, 20, steps_per_frame=10, hold=0).paused(at_step=25, seconds=1.5)
    assert paused.steps[2] == 29  # the first frame at or after step 25
    assert paused.seconds[2] == pytest.approx(1.55)
    assert paused.repeats()[2] == 31


def test_a_timeline_needs_a_duration_per_frame() -> None:
    with pytest.raises(ValueError, match="as many durations as frames"):
        Timeline((0, 1), (0.05,), 20)
    with pytest.raises(ValueError, match="not both"):
        frames_for(10, 20, steps_per_frame=2, duration=1)


SCHEDULED = tiny_scenario(steps=50).replace("render: {", "render: {steps_per_frame: 5, ")


def _decoded_mp4_frames(path: Path) -> int:
    reader = imageio_ffmpeg.read_frames(str(path))
    next(reader)  # the metadata
    return sum(1 for _ in reader)


@pytest.mark.parametrize("fmt", ["gif", "mp4"])
def test_what_a_file_holds_follows_the_timeline(tmp_path: Path, fmt: str) -> None:
    (tmp_path / "s.yaml").write_text(SCHEDULED)
    scenario = load(tmp_path / "s.yaml")
    assert timeline_of(scenario).steps == (4, 9, 14, 19, 24, 29, 34, 39, 44, 49)
    out = tmp_path / f"s.{fmt}"
    seen: list[tuple[int, int]] = []
    render_scenario(scenario, out, RenderOptions(fmt), on_frame=lambda *a: seen.append(a))
    assert seen[-1] == (10, 10)
    if fmt == "gif":
        data = out.read_bytes()
        assert delays(data) == [5] * 9 + [205]  # the last frame held 2 s
        with Image.open(out) as image:  # another decoder reads the same delays
            durations = []
            for k in range(image.n_frames):
                image.seek(k)
                durations.append(image.info["duration"])
        assert durations == [50] * 9 + [2050]
    else:
        assert _decoded_mp4_frames(out) == 10 + 40  # 2 s of the last frame at 20 fps


def test_the_last_frame_shows_the_last_step(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(SCHEDULED.replace("steps_per_frame: 5", "steps_per_frame: 7"))
    scenario = load(tmp_path / "s.yaml")
    gif, png = tmp_path / "s.gif", tmp_path / "s.png"
    render_scenario(scenario, gif, RenderOptions("gif"))
    render_scenario(scenario, png, RenderOptions("png"))
    frames = iio.imread(gif, index=None)
    assert len(frames) == 8
    # The GIF's last frame is the still of the last step (up to the GIF's palette).
    still = iio.imread(png)[:, :, :3].astype(int)
    assert np.abs(frames[-1][:, :, :3].astype(int) - still).mean() < 2


def test_set_delays_checks_the_frame_count_and_the_format() -> None:
    frames = np.zeros((3, 8, 8, 3), np.uint8)
    frames[1, 0], frames[2, 1] = 255, 255  # three frames that differ (Pillow merges equal ones)
    data = bytearray(iio.imwrite("<bytes>", frames, extension=".gif", duration=50))
    with pytest.raises(ValueError, match="a delay for each of 3 frames, got 2"):
        set_delays(data, [1, 2])
    set_delays(data, [7, 8, 900])
    assert delays(data) == [7, 8, 900]
    with pytest.raises(ValueError, match="not a GIF"):
        delays(b"\x89PNG....")
    with pytest.raises(ValueError, match="ends before its trailer"):
        delays(bytes(data[:-30]))


def test_a_scenarios_pauses_hold_the_frames_of_their_steps(tmp_path: Path) -> None:
    """``pause:`` lengthens the frame showing its step (with a stride, the first frame past
    it): in the GIF its delay, in the MP4 that frame repeated; nothing else moves."""
    text = SCHEDULED + "pause:\n  - {at: 15, seconds: 1.5}\n  - {at: 22, seconds: 0.5}\n"
    (tmp_path / "s.yaml").write_text(text)
    scenario = load(tmp_path / "s.yaml")
    schedule = timeline_of(scenario)
    assert schedule.steps == (4, 9, 14, 19, 24, 29, 34, 39, 44, 49)
    # Step 15 is frame 2's (0-based step 14); step 22 has no frame: the next is step 25's.
    assert [round(s, 3) for s in schedule.seconds] == [0.05, 0.05, 1.55, 0.05, 0.55] + [
        0.05
    ] * 4 + [2.05]
    gif, mp4 = tmp_path / "s.gif", tmp_path / "s.mp4"
    render_scenario(scenario, gif, RenderOptions("gif"))
    render_scenario(scenario, mp4, RenderOptions("mp4"))
    assert delays(gif.read_bytes()) == [5, 5, 155, 5, 55, 5, 5, 5, 5, 205]
    assert _decoded_mp4_frames(mp4) == 10 + 30 + 10 + 40
    shown = iio.imread(mp4, index=None).astype(int)

    def changed(a: int, b: int) -> int:  # pixels that moved by more than H.264's noise
        return int((np.abs(shown[a] - shown[b]) > 60).sum())

    # The paused frame repeats: video frames 2 .. 32 are one picture, 1 and 33 are others.
    assert all(changed(2, k) == 0 for k in range(3, 33))
    assert changed(2, 1) > 100 and changed(2, 33) > 100


@pytest.mark.parametrize(
    ("pauses", "problem"),
    [
        ("[{at: 51}]", "pause[0].at: expected a step from 1 to 50, got 51"),
        ("[{at: 5}, {at: 5}]", "pause[1].at: expected a step not paused already (pause[0] "),
        ("[{at: 5, seconds: 0}]", "pause[0].seconds: expected a number of seconds > 0 and <= 60"),
        ("[{at: 0}]", "pause[0].at: expected a step (an integer >= 1)"),
    ],
)
def test_a_pause_outside_the_steps_or_twice_at_one_is_one_line(
    tmp_path: Path, pauses: str, problem: str
) -> None:
    from adamviz.errors import ScenarioError

    (tmp_path / "s.yaml").write_text(SCHEDULED + f"pause: {pauses}\n")
    with pytest.raises(ScenarioError) as caught:
        load(tmp_path / "s.yaml")
    (line,) = caught.value.lines()
    assert problem in line
