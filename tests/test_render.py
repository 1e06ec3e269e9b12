"""Frames show what their numbers say, and the files hold exactly those frames."""

from __future__ import annotations

from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest
from matplotlib.colors import to_rgb

from adamviz.errors import OutputError
from adamviz.figure.engine import (
    GRADIENT_GREY,
    MEAN_BLUE,
    RMS_ORANGE,
    Animation,
    FigureSpec,
)
from adamviz.optim import kernel
from adamviz.optim.kernel import AdamConfig
from adamviz.output.video import MovieWriter, VideoWriter, write_png

WIDTH, HEIGHT = 480, 270
STEPS = 12


def rgb(color: str) -> np.ndarray:
    return np.round(np.array(to_rgb(color)) * 255)


def pixels_near(frame: np.ndarray, color: str, tolerance: float = 10) -> int:
    """How many pixels show ``color``, alone or antialiased over white.

    A thin line covers pixels partly, so its pixels are blends of its colour
    with the white page: a pixel counts when it is such a blend with at least
    40 % of the colour, within ``tolerance`` per channel.
    """
    toward = 255.0 - rgb(color)  # from white to the colour
    pixel = 255.0 - frame.astype(float)
    alpha = (pixel @ toward) / max(float(toward @ toward), 1e-9)
    residual = np.abs(pixel - alpha[..., None] * toward).max(axis=-1)
    return int(((alpha >= 0.4) & (residual <= tolerance)).sum())


@pytest.fixture(scope="module")
def trace() -> kernel.Trace:
    grads = np.column_stack([np.linspace(1.0, 2.0, STEPS), 0.1 * (-1.0) ** np.arange(STEPS)])
    return kernel.run(grads, np.zeros(2), STEPS, AdamConfig(lr=0.01))


@pytest.fixture(scope="module")
def movie(trace: kernel.Trace) -> Animation:
    spec = FigureSpec(
        "Test", ["w", "b"], panels=("gradients", "ratio", "step_size", "theta"),
        width=WIDTH, height=HEIGHT,
    )  # fmt: skip
    return Animation(trace, spec)


def test_frames_are_rgb_at_the_requested_size(movie: Animation) -> None:
    frame = movie.frame(0)
    assert frame.shape == (HEIGHT, WIDTH, 3)
    assert frame.dtype == np.uint8
    assert movie.n_frames == STEPS


def test_a_frame_is_a_pure_function_of_its_index(movie: Animation) -> None:
    first = movie.frame(5)
    movie.frame(STEPS - 1)
    movie.frame(0)
    np.testing.assert_array_equal(movie.frame(5), first)


def test_frames_differ_as_steps_advance(movie: Animation) -> None:
    assert not np.array_equal(movie.frame(3), movie.frame(4))


def test_the_visual_language_is_in_the_frame(movie: Animation) -> None:
    frame = movie.frame(STEPS - 1)
    for color in (MEAN_BLUE, RMS_ORANGE, GRADIENT_GREY):
        assert pixels_near(frame, color) > 50, color


def test_lollipops_accumulate(movie: Animation) -> None:
    grey = [pixels_near(movie.frame(i), GRADIENT_GREY) for i in (0, 5, STEPS - 1)]
    assert grey[0] < grey[1] < grey[2]


def color_near(frame: np.ndarray, ax: object, point: tuple[float, float], color: str) -> bool:
    """Whether ``color`` is drawn within 2 px of data ``point`` in ``ax``."""
    x, y = ax.transData.transform(point)  # type: ignore[attr-defined]
    row, column = round(float(HEIGHT - y)), round(float(x))
    return pixels_near(frame[row - 2 : row + 3, column - 2 : column + 3], color, 40) > 0


def test_the_curves_are_drawn_where_their_numbers_are(
    movie: Animation, trace: kernel.Trace
) -> None:
    frame = movie.frame(STEPS - 1)
    # Parameter b alternates ±0.1: m̂ stays near 0 while √v̂ stays near 0.1,
    # far enough apart for each curve to be seen on its own.
    ax = movie.figure.axes[1]
    for step in (4, 8, STEPS):
        assert color_near(frame, ax, (step, trace.m_hat[step - 1, 1]), MEAN_BLUE), step
        rms = np.sqrt(trace.v_hat[step - 1, 1])
        assert color_near(frame, ax, (step, rms), RMS_ORANGE), step
        assert not color_near(frame, ax, (step, -rms), RMS_ORANGE), step


def test_only_the_shown_steps_are_drawn(movie: Animation, trace: kernel.Trace) -> None:
    frame = movie.frame(2)  # steps 1..3 shown
    ax = movie.figure.axes[1]
    assert color_near(frame, ax, (3, trace.m_hat[2, 1]), MEAN_BLUE)
    assert not color_near(frame, ax, (STEPS, trace.m_hat[STEPS - 1, 1]), MEAN_BLUE)


def test_step_size_spanning_decades_gets_a_log_axis() -> None:
    grads = np.column_stack([np.r_[1e-4, np.full(9, 10.0)]])
    trace = kernel.run(grads, np.zeros(1), 10)
    movie = Animation(trace, FigureSpec("t", ["w"], ("gradients", "step_size"), 320, 180))
    assert movie.figure.axes[1].get_yscale() == "log"


def test_all_zero_gradients_still_give_finite_limits() -> None:
    trace = kernel.run(np.zeros((5, 1)), np.zeros(1), 5, AdamConfig(eps=0.0))
    movie = Animation(trace, FigureSpec("t", ["w"], ("gradients", "ratio", "step_size", "theta"),
                                        320, 180))  # fmt: skip
    for ax in movie.figure.axes:
        assert np.isfinite(ax.get_ylim()).all()
    assert movie.frame(4).shape == (180, 320, 3)


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


def test_the_loader_and_the_renderer_know_the_same_panels() -> None:
    # Kept in two places on purpose: the loader must not import matplotlib.
    from adamviz.figure.engine import PANELS as DRAWN
    from adamviz.scenario import PANELS as ACCEPTED

    assert tuple(ACCEPTED) == tuple(DRAWN)


def test_a_device_in_the_way_is_an_output_error() -> None:
    with pytest.raises(OutputError, match="is not a regular file"):
        write_png("/dev/full", np.zeros((4, 4, 3), np.uint8))
    assert Path("/dev/full").is_char_device()
