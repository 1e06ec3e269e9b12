"""Frames show what their numbers say."""

from __future__ import annotations

import numpy as np

from adamviz.figure.engine import (
    GRADIENT_GREY,
    MEAN_BLUE,
    RMS_ORANGE,
    Animation,
    FigureSpec,
)
from adamviz.optim.alias import adam
from adamviz.optim.run import run
from adamviz.optim.trace import Trace
from tests.frames import HEIGHT, STEPS, WIDTH, pixels_near


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
    movie: Animation, trace: Trace
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


def test_only_the_shown_steps_are_drawn(movie: Animation, trace: Trace) -> None:
    frame = movie.frame(2)  # steps 1..3 shown
    ax = movie.figure.axes[1]
    assert color_near(frame, ax, (3, trace.m_hat[2, 1]), MEAN_BLUE)
    assert not color_near(frame, ax, (STEPS, trace.m_hat[STEPS - 1, 1]), MEAN_BLUE)


def test_step_size_spanning_decades_gets_a_log_axis() -> None:
    grads = np.column_stack([np.r_[1e-4, np.full(9, 10.0)]])
    trace = run(adam(), grads, np.zeros(1), 10)
    movie = Animation(trace, FigureSpec("t", ["w"], ("gradients", "step_size"), 320, 180))
    assert movie.figure.axes[1].get_yscale() == "log"


def test_all_zero_gradients_still_give_finite_limits() -> None:
    trace = run(adam(eps=0.0), np.zeros((5, 1)), np.zeros(1), 5)
    movie = Animation(trace, FigureSpec("t", ["w"], ("gradients", "ratio", "step_size", "theta"),
                                        320, 180))  # fmt: skip
    for ax in movie.figure.axes:
        assert np.isfinite(ax.get_ylim()).all()
    assert movie.frame(4).shape == (180, 320, 3)


def test_growing_lines_replayed_draw_the_pixels_line2d_draws(trace: Trace) -> None:
    # A frame replays each growing line's recorded draw calls, cut to the steps
    # it shows: exactly what Line2D.draw makes for those steps, frame by frame.
    spec = FigureSpec("t", ["w", "b"], ("gradients", "ratio", "step_size", "theta"), 320, 180)
    replayed, drawn = Animation(trace, spec), Animation(trace, spec)
    drawn._growing = [None] * len(drawn._growing)  # every artist by its own draw
    assert any(g is not None for g in replayed._growing)
    for index in range(drawn.n_frames):
        np.testing.assert_array_equal(replayed.frame(index), drawn.frame(index))


def test_one_run_starts_every_frame_from_the_background(movie: Animation) -> None:
    # No keyframes: the committed figures of one run stay byte for byte the same.
    assert movie.keyframe_every == 0
