"""Several runs in one figure: each with its own state, one colour per run everywhere."""

from __future__ import annotations

import itertools
import random
import warnings
from collections.abc import Sequence

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.text import Text

from adamviz.figure.engine import Animation, FigureSpec
from adamviz.figure.layout import grid_columns
from adamviz.figure.panels import Cell
from adamviz.figure.theme import LIGHT
from adamviz.optim.alias import create
from adamviz.optim.run import run
from adamviz.optim.trace import Trace
from tests.frames import drawn_near, pixels_near, region

STEPS = 24
#: The issue's comparison: SGD, SGD with momentum, RMSprop and Adam on the same gradients.
FOUR = (
    ("SGD", "sgd", {"lr": 0.01}),
    ("SGD + momentum", "sgd", {"lr": 0.01, "momentum": 0.9}),
    ("RMSprop", "rmsprop", {"lr": 0.01}),
    ("Adam", "adam", {"lr": 0.01}),
)
#: Every optimizer and its switches that show something more.
TWELVE = (
    *FOUR,
    ("RMSprop centered", "rmsprop", {"centered": True, "momentum": 0.5}),
    ("Adagrad", "adagrad", {}),
    ("AMSGrad", "adam", {"amsgrad": True}),
    ("AdamW", "adamw", {}),
    ("Adamax", "adamax", {}),
    ("NAdam", "nadam", {}),
    ("RAdam", "radam", {}),
    ("Lion", "lion", {"lr": 0.001}),
)


def gradients(steps: int, params: int) -> np.ndarray:
    """Around 10 in the first column; ±0.1 alternating (so m̂ stays near 0, √v̂ near 0.1) next."""
    k = np.arange(steps)
    columns = [10 + 2 * np.sin(k), 0.1 * (-1.0) ** k + 0.02]
    return np.column_stack(columns[:params])


def traces(configs: Sequence[tuple[str, str, dict[str, object]]], params: int) -> list[Trace]:
    grads = gradients(STEPS, params)
    return [
        run(create(name, **hyper), grads, np.zeros(params), STEPS, label)
        for label, name, hyper in configs
    ]


PANELS = ("gradients", "update", "step_size", "ratio")


#: Keyframes in a test's few steps, as a long render has them.
KEYFRAME_EVERY = 8


@pytest.fixture(scope="module")
def four() -> Animation:
    spec = FigureSpec("Four runs", ["big", "small"], PANELS, 960, 540)
    movie = Animation(traces(FOUR, 2), spec)
    movie.keyframe_every = KEYFRAME_EVERY
    return movie


@pytest.fixture(scope="module")
def last(four: Animation) -> np.ndarray:
    return four.frame(STEPS - 1)


def cells(movie: Animation, panel: str, run: int | None = None) -> list[Cell]:
    return [c for c in movie.cells if c.panel == panel and c.run == run]


def moving_lines(ax: Axes) -> list[object]:
    return [line for line in ax.lines if line.get_animated()]


# --- each run's own state -----------------------------------------------------------


def test_each_run_row_shows_its_own_state_in_the_blogs_colours(
    four: Animation, last: np.ndarray
) -> None:
    _, momentum, rmsprop, adam = four.traces
    row = {k: cells(four, "gradients", k)[1].ax for k in range(4)}  # the ±0.1 parameter
    for step in (6, 12, STEPS):
        t = step - 1
        assert drawn_near(last, row[3], (step, adam.m_hat[t, 1]), LIGHT.mean), step
        assert drawn_near(last, row[3], (step, np.sqrt(adam.v_hat[t, 1])), LIGHT.rms), step
        assert drawn_near(last, row[2], (step, rmsprop.rms[t, 1]), LIGHT.rms), step
        assert drawn_near(last, row[1], (step, momentum.momentum[t, 1]), LIGHT.mean), step
    # Plain SGD keeps no state: its row has lollipops and nothing blue or orange.
    plain = region(last, row[0].bbox)
    assert pixels_near(plain, LIGHT.gradient) > 100
    assert pixels_near(plain, LIGHT.mean) == pixels_near(plain, LIGHT.rms) == 0


def test_only_the_shown_steps_are_drawn_in_a_run_row(four: Animation) -> None:
    adam, ax = four.traces[3], cells(four, "gradients", 3)[1].ax
    for index in (4, KEYFRAME_EVERY + 2):  # before the first keyframe, and after it
        frame = four.frame(index)  # steps 1..index+1
        shown = index + 1
        assert drawn_near(frame, ax, (shown, adam.m_hat[shown - 1, 1]), LIGHT.mean)
        assert not drawn_near(frame, ax, (STEPS, adam.m_hat[STEPS - 1, 1]), LIGHT.mean)


# --- comparison panels: every run in its colour --------------------------------------


@pytest.fixture(scope="module")
def ladder() -> Animation:
    """SGD at four learning rates on a steady gradient: four updates a rung apart."""
    grads = (1.0 + 0.1 * np.sin(np.arange(STEPS)))[:, None]
    runs = [
        run(create("sgd", lr=lr), grads, np.zeros(1), STEPS, f"lr {lr}")
        for lr in (0.1, 0.2, 0.3, 0.4)
    ]
    spec = FigureSpec("Ladder", ["w"], ("gradients", "update", "theta"), 960, 540)
    movie = Animation(runs, spec)
    movie.keyframe_every = KEYFRAME_EVERY
    return movie


@pytest.mark.parametrize("panel", ["update", "theta"])
@pytest.mark.parametrize("index", [KEYFRAME_EVERY + 3, STEPS - 1])
def test_each_run_is_drawn_in_its_colour_where_its_numbers_are(
    ladder: Animation, panel: str, index: int
) -> None:
    frame = ladder.frame(index)
    (cell,) = cells(ladder, panel)
    for k, trace in enumerate(ladder.traces):
        values = -trace.update[:, 0] if panel == "update" else trace.theta[:, 0]
        colour, others = LIGHT.runs[k], [c for j, c in enumerate(LIGHT.runs[:4]) if j != k]
        # θ starts at 0 for every run: its lines part only after a few steps.
        early = (2, KEYFRAME_EVERY) if panel == "update" else ()
        for step in (*early, KEYFRAME_EVERY + 1, index + 1):
            point = (step, values[step - 1])
            assert drawn_near(frame, cell.ax, point, colour), (k, step)
            assert not any(drawn_near(frame, cell.ax, point, c, 1, 12) for c in others), (k, step)
        # Not yet drawn: the steps after the frame's.
        if index + 1 < STEPS:
            assert not drawn_near(frame, cell.ax, (STEPS, values[-1]), colour), k


def test_runs_without_a_quantity_are_left_out_of_its_panel(
    four: Animation, last: np.ndarray
) -> None:
    # SGD has no ratio: the ratio panel holds RMSprop's and Adam's lines only.
    for cell in cells(four, "ratio"):
        assert [line.get_color() for line in moving_lines(cell.ax)] == list(LIGHT.runs[2:4])
        inside = region(last, cell.ax.bbox)
        assert pixels_near(inside, LIGHT.runs[0]) == pixels_near(inside, LIGHT.runs[1]) == 0
        assert pixels_near(inside, LIGHT.runs[2]) > 20 and pixels_near(inside, LIGHT.runs[3]) > 20


def test_a_run_has_one_colour_in_every_panel_its_row_and_the_legend(
    four: Animation, last: np.ndarray
) -> None:
    labels = [trace.label for trace in four.traces]
    colours = list(LIGHT.runs[:4])
    for panel in ("update", "step_size"):
        for cell in cells(four, panel):
            assert [line.get_color() for line in moving_lines(cell.ax)] == colours
    for k, colour in enumerate(colours):
        first = cells(four, "gradients", k)[0].ax
        assert first.yaxis.label.get_text().replace("\n", " ") == labels[k]
        assert first.yaxis.label.get_color() == colour
        assert first.spines["left"].get_edgecolor()[:3] == pytest.approx(to_rgb(colour))
    (legend,) = four.figure.legends
    texts = [text.get_text() for text in legend.get_texts()]
    by_label = dict(zip(texts, legend.legend_handles, strict=True))
    assert [by_label[label].get_color() for label in labels] == colours
    # And the legend's pixels hold every run's colour.
    key = region(last, legend.get_window_extent())
    for colour in colours:
        assert pixels_near(key, colour) > 20, colour


def test_runs_showing_different_state_each_key_their_own_curves(four: Animation) -> None:
    keys = {
        k: cells(four, "gradients", k)[-1].ax.get_legend() for k in range(4)
    }  # the last column's
    assert keys[0] is None  # SGD: nothing to key
    assert [t.get_text() for t in keys[1].get_texts()] == ["$b$"]
    assert [t.get_text() for t in keys[3].get_texts()] == [r"$\hat{m}$", r"$\sqrt{\hat{v}}$"]


def test_a_sweep_of_one_optimizer_keys_its_curves_once_in_the_legend() -> None:
    sweep = [(f"β2 = {b}", "adam", {"beta2": b}) for b in (0.9, 0.99, 0.999)]
    spec = FigureSpec("Sweep", ["w"], ("gradients", "theta"), 480, 270)
    movie = Animation(traces(sweep, 1), spec)
    assert all(cell.ax.get_legend() is None for cell in movie.cells)
    (legend,) = movie.figure.legends
    texts = {text.get_text() for text in legend.get_texts()} - {""}
    assert texts == {
        "β2 = 0.9", "β2 = 0.99", "β2 = 0.999", r"gradient $g$", r"mean $\hat{m}$",
        r"RMS $\sqrt{\hat{v}}$",
    }  # fmt: skip


# --- layouts ------------------------------------------------------------------------


def test_up_to_four_runs_are_rows_beyond_that_small_multiples() -> None:
    spec = FigureSpec("t", ["w"], ("gradients", "update"), 640, 360)
    rows = Animation(traces(FOUR, 1), spec)
    columns = {round(c.ax.get_position().x0, 3) for c in rows.cells}
    assert len(columns) == 1  # one parameter: one column, a row per run and the update below
    assert len(rows.cells) == 4 + 1
    grid = Animation(traces(TWELVE[:6], 1), spec)
    run_cells = [c for c in grid.cells if c.run is not None]
    assert len({round(c.ax.get_position().x0, 3) for c in run_cells}) == 3  # 3 × 2
    assert len({round(c.ax.get_position().y0, 3) for c in run_cells}) == 2
    (update,) = cells(grid, "update")
    assert update.ax.get_position().width > 2.5 * run_cells[0].ax.get_position().width


def test_a_layout_can_be_asked_for_and_an_unknown_one_is_refused() -> None:
    spec = FigureSpec("t", ["w"], ("gradients",), 480, 270, layout="grid")
    grid = Animation(traces(FOUR[:2], 1), spec)
    # Small multiples: each run's label above its cell, not beside its row.
    assert [c.ax.get_title(loc="left") for c in grid.cells] == ["SGD", "SGD + momentum"]
    assert [c.ax.get_ylabel() for c in grid.cells] == ["", ""]
    with pytest.raises(ValueError, match=r"layout: expected one of \('auto', 'rows', 'grid'\)"):
        Animation(traces(FOUR[:2], 1), FigureSpec("t", ["w"], layout="columns"))


def test_small_multiples_are_wide_and_hold_every_run() -> None:
    assert grid_columns(12, 1, 1, 1280, 720, 16) == 4  # 4 × 3
    assert grid_columns(6, 1, 1, 960, 540, 9) == 3  # 3 × 2
    for runs in range(5, 13):
        columns = grid_columns(runs, 1, 1, 960, 540)
        rows = -(-runs // columns)
        assert (rows - 1) * columns < runs <= rows * columns  # no row left empty


def _texts(movie: Animation) -> list[tuple[str, object]]:
    """Every word the picture shows, and where: tick labels only at the ticks drawn."""
    renderer = movie.canvas.get_renderer()
    ticks, shown = set(), []
    for ax in movie.figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks():
                ticks.update({id(tick.label1), id(tick.label2)})
                if low - 1e-12 <= tick.get_loc() <= high + 1e-12:
                    shown += [label for label in (tick.label1, tick.label2) if label.get_visible()]
    others = [t for t in movie.figure.findobj(Text) if id(t) not in ticks and t.get_visible()]
    return [
        (text.get_text(), text.get_window_extent(renderer))
        for text in (*shown, *others)
        if text.get_text().strip()
    ]


@pytest.mark.parametrize(
    ("configs", "params", "size", "panels"),
    [
        (FOUR, 2, (960, 540), ("gradients", "update", "step_size")),
        (TWELVE, 1, (1280, 720), ("gradients", "update")),
        (TWELVE[:6], 2, (960, 540), ("gradients", "theta")),
    ],
    ids=["4 runs x 2 at 960x540", "12 runs x 1 at 1280x720", "6 runs x 2 at 960x540"],
)
def test_the_comparison_layouts_fit_their_size_without_a_warning(
    configs: Sequence[tuple[str, str, dict[str, object]]],
    params: int,
    size: tuple[int, int],
    panels: tuple[str, ...],
    capfd: pytest.CaptureFixture[str],
) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        spec = FigureSpec("A comparison", ["big", "small"][:params], panels, *size)
        movie = Animation(traces(configs, params), spec)
        frame = movie.frame(STEPS - 1)
    assert [str(w.message) for w in caught] == []
    assert capfd.readouterr().err == ""  # constrained layout gave up on nothing
    assert frame.shape == (size[1], size[0], 3)
    width, height = size
    axes = [cell.ax.get_window_extent() for cell in movie.cells]
    for box in axes:
        assert box.height >= 28 and box.width >= 100, box
        assert box.x0 >= 0 and box.y0 >= 0 and box.x1 <= width and box.y1 <= height
    for a, b in itertools.combinations(axes, 2):
        assert not a.overlaps(b)
    # No two words run into each other, and none leaves the picture.
    texts = _texts(movie)
    for (text_a, a), (text_b, b) in itertools.combinations(texts, 2):
        assert not a.shrunk(0.98, 0.9).overlaps(b.shrunk(0.98, 0.9)), (text_a, text_b)
    for text, box in texts:
        assert box.x0 >= -1 and box.y0 >= -1, text
        assert box.x1 <= width + 1 and box.y1 <= height + 1, text


# --- frames -------------------------------------------------------------------------


def test_frames_of_several_runs_are_a_pure_function_of_their_index(four: Animation) -> None:
    expected = [four.frame(i) for i in range(STEPS)]
    order = list(range(STEPS))
    random.Random(3).shuffle(order)
    for i in order:
        np.testing.assert_array_equal(four.frame(i), expected[i])


def test_keyframes_change_next_to_nothing_of_a_frame(four: Animation) -> None:
    # Frames start from a keyframe holding the first steps: the lines drawn in two
    # pieces meet where a single stroke would have been, and may blend a pixel
    # or two differently there.
    keyed = [four.frame(i) for i in (9, 17, STEPS - 1)]
    four.keyframe_every = 0
    try:
        whole = [four.frame(i) for i in (9, 17, STEPS - 1)]
    finally:
        four.keyframe_every = KEYFRAME_EVERY
    for a, b in zip(keyed, whole, strict=True):
        differ = np.abs(a.astype(int) - b.astype(int)).max(axis=-1) > 0
        assert differ.mean() < 0.001


def test_the_traces_must_share_their_steps_and_fit_the_palette() -> None:
    four = traces(FOUR, 2)
    short = run(create("adam"), gradients(STEPS - 1, 2), np.zeros(2), STEPS - 1, "short")
    with pytest.raises(ValueError, match=r"run 2 has 23 steps × 2 parameters, run 1 24 × 2"):
        Animation([four[0], short], FigureSpec("t", ["a", "b"]))
    with pytest.raises(ValueError, match="at most 12 runs fit one figure, got 13"):
        Animation([four[0]] * 13, FigureSpec("t", ["a", "b"]))
    with pytest.raises(ValueError, match="at least one run"):
        Animation([], FigureSpec("t", ["a", "b"]))


def test_a_run_without_a_label_is_named_by_its_place() -> None:
    unnamed = [Trace(t.theta0, t.grad, t.update, t.theta, t.quantities) for t in traces(FOUR, 1)]
    movie = Animation(unnamed[:2], FigureSpec("t", ["w"], ("gradients", "update"), 480, 270))
    (legend,) = movie.figure.legends
    assert {"run 1", "run 2"} <= {t.get_text() for t in legend.get_texts()}
