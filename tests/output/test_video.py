"""The files hold exactly the frames they were given, or nothing."""

from __future__ import annotations

from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest

from adamviz.errors import OutputError
from adamviz.figure.engine import GRADIENT_GREY, MEAN_BLUE, RMS_ORANGE, Animation
from adamviz.output.movie_writer import MovieWriter
from adamviz.output.still import write_png
from adamviz.output.video import VideoWriter
from tests.frames import HEIGHT, STEPS, WIDTH, pixels_near


def write_video(movie: Animation, path: Path, fmt: str) -> None:
    palette = list(movie.frames()) if fmt == "gif" else []
    with VideoWriter(path, (WIDTH, HEIGHT), 10, fmt, palette) as writer:
        for frame in movie.frames():
            writer.write(frame)


@pytest.mark.parametrize(("fmt", "tolerance"), [("gif", 12), ("mp4", 45)])
def test_written_video_holds_every_frame(
    movie: Animation, tmp_path: Path, fmt: str, tolerance: int
) -> None:
    path = tmp_path / f"movie.{fmt}"
    write_video(movie, path, fmt)
    frames = iio.imread(path)
    assert frames.shape == (STEPS, HEIGHT, WIDTH, 3)
    last = frames[-1]
    for color in (MEAN_BLUE, RMS_ORANGE, GRADIENT_GREY):
        assert pixels_near(last, color, tolerance) > 30, color
    # Lossless GIF palette: the decoded frame is the drawn one, up to quantization.
    error = np.abs(last.astype(int) - movie.frame(STEPS - 1).astype(int)).mean()
    assert error < (2 if fmt == "gif" else 6)
    assert list(tmp_path.iterdir()) == [path]


@pytest.mark.parametrize("fmt", ["gif", "mp4"])
def test_same_frames_give_the_same_bytes(movie: Animation, tmp_path: Path, fmt: str) -> None:
    write_video(movie, tmp_path / f"a.{fmt}", fmt)
    write_video(movie, tmp_path / f"b.{fmt}", fmt)
    assert (tmp_path / f"a.{fmt}").read_bytes() == (tmp_path / f"b.{fmt}").read_bytes()


def test_gif_loops_at_the_requested_rate(movie: Animation, tmp_path: Path) -> None:
    write_video(movie, tmp_path / "m.gif", "gif")
    meta = iio.immeta(tmp_path / "m.gif")
    assert meta["loop"] == 0
    assert meta["duration"] == 100  # 10 fps


def test_an_interrupted_write_keeps_the_old_file(movie: Animation, tmp_path: Path) -> None:
    path = tmp_path / "movie.mp4"
    path.write_bytes(b"the good old figure")
    with pytest.raises(KeyboardInterrupt), VideoWriter(path, (WIDTH, HEIGHT), 10, "mp4") as w:
        w.write(movie.frame(0))
        raise KeyboardInterrupt
    assert path.read_bytes() == b"the good old figure"
    assert list(tmp_path.iterdir()) == [path]


def test_an_encoder_failure_is_an_output_error(tmp_path: Path) -> None:
    path = tmp_path / "movie.mp4"
    with pytest.raises(OutputError, match="no frames"), VideoWriter(path, (320, 180), 10, "mp4"):
        pass
    assert list(tmp_path.iterdir()) == []


def test_a_frame_of_the_wrong_size_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "movie.mp4"
    with (
        pytest.raises(ValueError, match="expected uint8"),
        VideoWriter(path, (320, 180), 10, "mp4") as writer,
    ):
        writer.write(np.zeros((10, 10, 3), np.uint8))
    assert not path.exists()


def test_a_folder_in_the_way_is_an_output_error(tmp_path: Path) -> None:
    (tmp_path / "x.gif").mkdir()
    with pytest.raises(OutputError, match="is a folder"):
        write_png(tmp_path / "x.gif", np.zeros((4, 4, 3), np.uint8))


def test_png_still(movie: Animation, tmp_path: Path) -> None:
    write_png(tmp_path / "still.png", movie.frame(STEPS - 1))
    np.testing.assert_array_equal(iio.imread(tmp_path / "still.png"), movie.frame(STEPS - 1))


@pytest.mark.parametrize("suffix", ["gif", "mp4"])
def test_movie_writer_serves_funcanimation(tmp_path: Path, suffix: str) -> None:
    from matplotlib.animation import FuncAnimation
    from matplotlib.figure import Figure

    figure = Figure(figsize=(3.2, 1.8), dpi=100)
    ax = figure.add_subplot()
    (line,) = ax.plot([], [], color=MEAN_BLUE, linewidth=3)
    ax.set_xlim(0, 5)
    ax.set_ylim(0, 5)

    def draw(i: int) -> list:
        line.set_data(range(i + 1), range(i + 1))
        return [line]

    animation = FuncAnimation(figure, draw, frames=5)
    animation.save(tmp_path / f"user.{suffix}", writer=MovieWriter(fps=5))
    frames = iio.imread(tmp_path / f"user.{suffix}")
    assert frames.shape == (5, 180, 320, 3)
    assert pixels_near(frames[-1], MEAN_BLUE, 40) > 20


def test_a_device_in_the_way_is_an_output_error() -> None:
    with pytest.raises(OutputError, match="is not a regular file"):
        write_png("/dev/full", np.zeros((4, 4, 3), np.uint8))
    assert Path("/dev/full").is_char_device()
