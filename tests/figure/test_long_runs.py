"""Long runs: history reduced to its pixels, chained keyframes, a window, and their pictures.

The reduced drawing is compared with the full one (every step drawn) at the
frame's own resolution. The tolerance, measured: at 20 000 steps across
about 800 pixels, about 3 % of the pixels differ at all, 1 % by more than
32 levels of 255 and 0.2 % by more than 64, nearly all along the upper and
lower fringe of the lollipops' envelope (where only a stem or two reach, the
full drawing is a lighter grey) and on the antialiased rims of the curves
where a keyframe's stroke meets the next; at 2000 steps a tenth of that.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import numpy as np
import pytest

import adamviz.figure.growing as growing
from adamviz.figure.engine import Animation, FigureSpec
from adamviz.figure.reduce import CURVE_PER_COLUMN
from adamviz.optim.alias import adam
from adamviz.optim.run import run
from adamviz.optim.trace import Trace


def flips(steps: int, params: int = 1, seed: int = 0) -> Trace:
    """Trends that flip at a third and two thirds of the run, with noise: bench.yaml, longer."""
    rng = np.random.default_rng(seed)
    sign = np.where((np.arange(steps) // max(1, steps // 3)) % 2 == 0, 1.0, -1.0)
    grads = sign[:, None] + 0.3 * rng.standard_normal((steps, params))
    return run(adam(), grads, np.zeros(params), steps)


def spec(params: int = 1, window: int | None = None, width: int = 960) -> FigureSpec:
    names = [f"w{k}" for k in range(params)]
    return FigureSpec("Long", names, panels=("gradients", "ratio"), width=width,
                      height=width * 9 // 16, window=window)  # fmt: skip


@pytest.fixture
def unreduced(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Animations made inside draw every step of every line, as before reduction."""
    monkeypatch.setattr(growing, "reduce_call", lambda *args, **kwargs: None)
    yield


def differing(a: np.ndarray, b: np.ndarray, by: int) -> float:
    """The share of pixels where some channel differs by more than ``by``."""
    return float((np.abs(a.astype(int) - b.astype(int)).max(axis=-1) > by).mean())


@pytest.fixture(scope="module")
def long_trace() -> Trace:
    return flips(20_000)


@pytest.fixture(scope="module")
def long_movie(long_trace: Trace) -> Animation:
    return Animation(long_trace, spec())


def test_a_short_run_is_drawn_exactly_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    trace = flips(400)
    movie = Animation(trace, spec())
    assert not movie.chained and movie.keyframe_every == 0
    frames = [movie.frame(i) for i in (0, 199, 399)]
    monkeypatch.setattr(growing, "reduce_call", lambda *args, **kwargs: None)
    whole = Animation(trace, spec())
    for a, b in zip(frames, [whole.frame(i) for i in (0, 199, 399)], strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_long_run_draws_a_few_vertices_per_pixel_column(long_movie: Animation) -> None:
    lines = [line for line in long_movie._growing if line is not None]
    assert any(line.crowded for line in lines)
    for line in lines:
        for call, reduced in zip(line._calls, line._reduced, strict=True):
            n = len(call.path.vertices)
            if reduced is None or n == 0:
                continue
            shown = len(reduced.between(0, n).vertices)
            # The axes are about 800 px wide: at most 4 vertices a column (an envelope: 4).
            assert shown <= CURVE_PER_COLUMN * 900, (n, shown)


@pytest.mark.parametrize(("index", "most"), [(1999, (0.005, 0.002, 0.0005)),
                                             (19_999, (0.05, 0.02, 0.005))])  # fmt: skip
def test_the_reduced_drawing_is_the_full_one_at_the_frames_resolution(
    long_trace: Trace, long_movie: Animation, unreduced: None, index: int,
    most: tuple[float, float, float],
) -> None:  # fmt: skip
    reduced = long_movie.frame(index)
    full = Animation(long_trace, spec())
    assert not full.chained
    whole = full.frame(index)
    for by, share in zip((0, 32, 64), most, strict=True):
        assert differing(reduced, whole, by) <= share, by


def test_chained_keyframes_leave_each_frame_a_pure_function_of_its_index() -> None:
    movie = Animation(flips(3000, params=2), spec(params=2, width=480))
    assert movie.chained
    picks = [0, 5, 700, 701, 1500, 2999, 2998, 1]
    expected = {i: movie.frame(i) for i in sorted(picks)}
    random.Random(1).shuffle(picks)
    fresh = Animation(flips(3000, params=2), spec(params=2, width=480))
    for i in picks:
        np.testing.assert_array_equal(fresh.frame(i), expected[i])


def test_a_window_follows_the_newest_steps() -> None:
    trace = flips(5000)
    movie = Animation(trace, spec(window=1000, width=480))
    ax = movie.cells[0].ax
    for index in (0, 999, 1000, 2600, 4999):
        frame = movie.frame(index)
        lo, hi = ax.get_xlim()
        assert hi - lo == 1001
        assert lo <= index + 1 - 750 or lo == 0  # at least three quarters of it behind
        assert lo < index + 1 <= hi
        assert frame.shape == (270, 480, 3)
    assert ax.get_xlim() == (4000, 5001)  # the last frame: the last 1000 steps
    last = movie.frame(4999)
    again = Animation(trace, spec(window=1000, width=480))
    np.testing.assert_array_equal(again.frame(4999), last)  # whatever came before
    np.testing.assert_array_equal(again.frame(10), movie.frame(10))


def test_a_window_as_wide_as_the_run_is_no_window() -> None:
    trace = flips(300)
    a, b = Animation(trace, spec(window=300)), Animation(trace, spec())
    np.testing.assert_array_equal(a.frame(299), b.frame(299))
