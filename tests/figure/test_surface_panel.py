"""The surface and loss panels, read off decoded frames: contours once, paths that grow."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from matplotlib.contour import ContourSet

from adamviz import scenario
from adamviz.figure.engine import Animation
from adamviz.figure.surface_panel import _levels
from adamviz.pipeline import RenderOptions, animation
from adamviz.scenario import Scenario
from tests.frames import drawn_near, pixels_near, region

VALLEY = """\
title: Valley
steps: 30
loss: {name: quadratic, scales: [1, 100], angle: 45}
parameters:
  - {name: x, init: -3.5}
  - {name: y, init: -2.1}
optimizers: [{name: sgd, lr: 0.002, momentum: 0.9}, {name: adam, lr: 0.1}]
render: {width: 960, height: 540, panels: [surface, step_size, loss]}
"""


def load_text(tmp_path: Path, text: str) -> Scenario:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return scenario.load(path)


@pytest.fixture
def movie(tmp_path: Path) -> Iterator[Animation]:
    made = animation(load_text(tmp_path, VALLEY))
    yield made
    made.close()


def cells(movie: Animation, name: str) -> list[object]:
    return [cell for cell in movie.cells if cell.panel == name]


def path_of(movie: Animation, run: int) -> np.ndarray:
    trace = movie.traces[run]
    return np.vstack([trace.theta0[None, :], trace.theta])


def test_the_surface_spans_both_columns_and_the_contours_are_background(movie: Animation) -> None:
    [surface] = cells(movie, "surface")
    steps = cells(movie, "step_size")
    assert sorted(cell.param for cell in steps) == [0, 1]
    box = surface.ax.get_position()
    left, right = (cell.ax.get_position() for cell in sorted(steps, key=lambda c: c.param))
    # Across the two columns (the constrained layout aligns the y labels, not the spines exactly).
    assert box.x0 < left.x0 + 0.05 and box.x1 > right.x1 - 0.05
    contours = [a for a in surface.ax.get_children() if isinstance(a, ContourSet)]
    assert len(contours) == 2  # filled bands and their lines
    assert not any(a.get_animated() for a in contours)
    # Two moving lines per run (its path and its dot), nothing else here.
    moving = [a for a in surface.ax.get_children() if a.get_animated()]
    assert len(moving) == 2 * len(movie.traces)


def test_each_path_grows_in_its_run_colour_with_its_current_point_as_a_dot(
    movie: Animation,
) -> None:
    [surface] = cells(movie, "surface")
    ax = surface.ax
    colors = [movie.spec.theme.run(k)[0] for k in range(len(movie.traces))]
    early, late = movie.frame(2), movie.frame(29)
    for k, color in enumerate(colors):
        path = path_of(movie, k)
        assert drawn_near(early, ax, tuple(path[3]), color)  # the dot, after 3 steps
        assert drawn_near(late, ax, tuple(path[30]), color)
        assert drawn_near(late, ax, tuple(path[15]), color)  # the path it walked
    # Where Adam is at the end, far from where anything was after 3 steps: nothing yet.
    far = tuple(path_of(movie, 1)[30])
    assert all(not drawn_near(early, ax, far, color, radius=1) for color in colors)


def test_only_the_paths_change_from_frame_to_frame(movie: Animation) -> None:
    [surface] = cells(movie, "surface")
    first, last = movie.frame(0), movie.frame(29)
    inside = region(first, surface.ax.bbox) != region(last, surface.ax.bbox)
    changed = np.argwhere(inside.any(axis=-1))
    # Every changed pixel is near some run's path (the contours, drawn once, never change).
    box = surface.ax.bbox
    display = np.vstack([surface.ax.transData.transform(path_of(movie, k))
                         for k in range(len(movie.traces))])  # fmt: skip
    rows = first.shape[0] - display[:, 1] - (first.shape[0] - box.y1)
    columns = display[:, 0] - box.x0
    # Paths are drawn as segments between points: allow a segment's half length and a dot.
    distance = np.min(np.hypot(changed[:, :1] - rows[None, :], changed[:, 1:] - columns[None, :]),
                      axis=1)  # fmt: skip
    assert changed.size
    assert np.percentile(distance, 99) < 40


def units_per_pixel(ax: object) -> tuple[float, float]:
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()  # type: ignore[attr-defined]
    return ax.bbox.width / (x1 - x0), ax.bbox.height / (y1 - y0)  # type: ignore[attr-defined]


def test_equal_aspect_where_the_scales_allow(tmp_path: Path, movie: Animation) -> None:
    tall = animation(load_text(tmp_path, VALLEY.replace("step_size, loss", "step_size")))
    try:
        [surface] = cells(tall, "surface")
        per_x, per_y = units_per_pixel(surface.ax)
        assert per_x == pytest.approx(per_y, rel=0.01)  # 45° looks like 45°
    finally:
        tall.close()
    # Three rows leave the surface too wide for a square plot to fill: the data fill it.
    [surface] = cells(movie, "surface")
    per_x, per_y = units_per_pixel(surface.ax)
    assert per_x > 2 * per_y


def test_the_loss_is_log_scaled_across_the_width(movie: Animation) -> None:
    [loss] = cells(movie, "loss")
    assert loss.ax.get_yscale() == "log"
    steps = cells(movie, "step_size")
    assert loss.ax.get_position().width > 1.8 * steps[0].ax.get_position().width


def test_levels_are_log_spaced_where_the_loss_spans_decades() -> None:
    x, y = np.meshgrid(np.linspace(-2, 2, 101), np.linspace(-1, 3, 101))
    rosenbrock = (1 - x) ** 2 + 100 * (y - x * x) ** 2
    levels = _levels(rosenbrock)
    steps = np.diff(np.log(levels[1:]))
    np.testing.assert_allclose(steps, steps[0], rtol=1e-9)  # equal ratios: log-spaced
    saddle = _levels(x * x - y * y)  # negative values: evenly spaced
    np.testing.assert_allclose(np.diff(saddle), np.diff(saddle)[0])


def test_the_minimum_is_marked(movie: Animation) -> None:
    [surface] = cells(movie, "surface")
    frame = movie.frame(0)
    assert drawn_near(frame, surface.ax, (0.0, 0.0), movie.spec.theme.ink, radius=3)


def test_at_phone_size_the_paths_stand_out_from_the_contours(tmp_path: Path) -> None:
    small = animation(load_text(tmp_path, VALLEY), RenderOptions(width=480, height=270))
    try:
        [surface] = cells(small, "surface")
        pixels = region(small.frame(29), surface.ax.bbox)
        for k in range(len(small.traces)):
            color = small.spec.theme.run(k)[0]
            assert pixels_near(pixels, color, tolerance=25) > 60
    finally:
        small.close()


def test_one_run_and_three_parameters(tmp_path: Path) -> None:
    text = VALLEY.replace("scales: [1, 100], angle: 45", "scales: [1, 100, 4]")
    y = "  - {name: y, init: -2.1}\n"
    text = text.replace(y, y + "  - {name: z, init: 1}\n")
    text = text.replace(text[text.index("optimizers:") : text.index("render:")],
                        "optimizer: {lr: 0.1}\n")  # fmt: skip
    text = text.replace("panels: [surface, step_size, loss]",
                        "panels: [gradients, surface, loss], surface: [z, x]")  # fmt: skip
    made = animation(load_text(tmp_path, text))
    try:
        [surface] = cells(made, "surface")
        assert (surface.ax.get_xlabel(), surface.ax.get_ylabel()) == ("z", "x")
        assert len(cells(made, "gradients")) == 3
        assert made.frame(29).shape == (540, 960, 3)
    finally:
        made.close()
