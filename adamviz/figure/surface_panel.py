"""The surface and loss panels: each run's path over the loss's contours, and its loss value.

A scenario whose ``loss`` is over all of θ has a surface to show. The surface
panel draws the loss over two of the parameters as filled contours once, into
the static background (after the layout, so that the grid and an equal aspect
fit the axes' real size), and each frame only each run's path so far, in its
run's colour, with its current point as a dot. The loss panel draws every
run's f(θ_t) from θ0 on, log-scaled when it spans decades.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm, LinearSegmentedColormap, to_rgb
from matplotlib.ticker import MaxNLocator

from adamviz.figure.growing import grows_by
from adamviz.figure.panels import (
    Cell,
    Context,
    _format_value,
    _line,
    _overlaid,
    _padded,
    _value_label,
    register,
)
from adamviz.optim.trace import Array


@dataclass(frozen=True)
class SurfaceView:
    """The scenario's loss as the panels show it: its value anywhere, and which plane."""

    value: Callable[[Array], Array]
    """f at points shaped (..., n): every parameter in the last axis."""
    axes: tuple[int, int]
    """The columns of θ the surface shows, as x and y."""
    names: tuple[str, str]
    at: Sequence[float]
    """θ where the other parameters sit in the surface's slice (its minimum, or θ0)."""
    minima: Sequence[Sequence[float]] = ()
    """Every minimum of the loss, over all of θ."""


#: Equal aspect unless it would leave less than this share of the axes to the data.
_EQUAL_ASPECT_WITHIN = 3.5
#: Contour bands: enough to show a valley's walls, few enough to read.
_LEVELS = 14
#: The grid the loss is computed on: about one point per this many pixels.
_PIXELS_PER_POINT = 2.0


def _view(context: Context) -> SurfaceView:
    if context.surface is None:
        raise ValueError("the surface and loss panels need a loss over all of θ (spec.surface)")
    return context.surface


def _paths(context: Context, view: SurfaceView) -> list[Array]:
    """Each run's path (θ0, θ1, ...) in the surface's plane: shape (steps + 1, 2)."""
    i, j = view.axes
    return [
        np.vstack([run.trace.theta0[[i, j]][None, :], run.trace.theta[:, [i, j]]])
        for run in context.runs
    ]


def _limits(paths: list[Array], minima: list[Array]) -> tuple[tuple[float, float], ...]:
    """What the axes must hold: every path, and the minimum when there is only one."""
    points = np.vstack([*paths, *minima[:1]] if len(minima) == 1 else paths)
    points = points[np.isfinite(points).all(axis=1)]
    limits = []
    for axis in (0, 1):
        lo, hi = _padded(float(points[:, axis].min()), float(points[:, axis].max()), 0.1)
        limits.append((lo, hi))
    return tuple(limits)


def _levels(z: Array) -> Array:
    """Contour levels that show a valley: log-spaced where the loss spans decades."""
    finite = z[np.isfinite(z)]
    lo, hi = float(finite.min()), float(finite.max())
    if lo >= 0 and hi > 0:
        floor = max(float(np.percentile(finite, 0.5)), hi * 1e-9, np.finfo(float).tiny)
        if hi / floor > 100:
            return np.unique(np.concatenate([[lo], np.geomspace(floor, hi, _LEVELS)]))
    levels = MaxNLocator(_LEVELS).tick_values(lo, hi)
    return levels if levels.size >= 2 else np.array([lo, lo + 1.0])


def _colormap(context: Context) -> LinearSegmentedColormap:
    """Low loss tinted, high loss the paper: light throughout, so every path stays readable."""
    paper = np.array(to_rgb(context.theme.paper))
    tint = np.array(to_rgb(context.theme.mean))
    floor = paper + 0.42 * (tint - paper)
    return LinearSegmentedColormap.from_list("adamviz_surface", [floor, paper])


def _contours(ax: Axes, view: SurfaceView, context: Context) -> None:
    """The loss over the axes as they finally are, equal in aspect where that leaves room."""
    s, theme = context.scale, context.theme
    figure = ax.get_figure()
    assert figure is not None
    box = ax.get_position()
    width = box.width * figure.bbox.width
    height = box.height * figure.bbox.height
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    data, room = (x1 - x0) / (y1 - y0), width / max(height, 1.0)
    if max(data / room, room / data) <= _EQUAL_ASPECT_WITHIN:
        # One unit as long across as up: a round bowl looks round, a valley as narrow as it is.
        # The limits widen (never narrow) about their middle, so every path stays inside.
        if data < room:
            middle, half = (x0 + x1) / 2, (y1 - y0) * room / 2
            x0, x1 = middle - half, middle + half
        else:
            middle, half = (y0 + y1) / 2, (x1 - x0) / room / 2
            y0, y1 = middle - half, middle + half
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
    nx = int(np.clip(width / _PIXELS_PER_POINT, 40, 480))
    ny = int(np.clip(height / _PIXELS_PER_POINT, 40, 480))
    x, y = np.meshgrid(np.linspace(x0, x1, nx), np.linspace(y0, y1, ny))
    points = np.broadcast_to(np.asarray(view.at, dtype=np.float64), (ny, nx, len(view.at))).copy()
    i, j = view.axes
    points[..., i], points[..., j] = x, y
    with np.errstate(all="ignore"):
        z = view.value(points)
    levels = _levels(z)
    cmap = _colormap(context)
    ax.contourf(x, y, z, levels=levels, cmap=cmap, norm=BoundaryNorm(levels, cmap.N),
                extend="both", zorder=0)  # fmt: skip
    ax.contour(x, y, z, levels=levels, colors=theme.reference, linewidths=0.5 * s, zorder=1)
    inside = [
        m for m in view.minima
        if x0 <= m[i] <= x1 and y0 <= m[j] <= y1
    ]  # fmt: skip
    if inside:
        ax.plot([m[i] for m in inside], [m[j] for m in inside], linestyle="none", marker="*",
                markersize=12 * s, color=theme.ink, markeredgecolor=theme.paper,
                markeredgewidth=0.8 * s, zorder=2)  # fmt: skip


def _surface(cell: Cell, context: Context) -> None:
    """Every run's path over the loss's contours, growing step by step, its newest point a dot."""
    ax, s, theme = cell.ax, context.scale, context.theme
    view = _view(context)
    paths = _paths(context, view)
    minima = [np.asarray(m, dtype=np.float64)[list(view.axes)] for m in view.minima]
    (x0, x1), (y0, y1) = _limits(paths, minima)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    start = paths[0][0]
    ax.plot(*start, linestyle="none", marker="o", markersize=7 * s, markerfacecolor="none",
            markeredgecolor=theme.ink, markeredgewidth=1.2 * s, zorder=2)  # fmt: skip
    moving = []
    # θ0 is step 0: frame i shows the points of steps 0..i+1, a prefix of the path. The
    # engine then replays each path's own draw calls, cut to the steps a frame shows.
    steps = np.arange(len(paths[0]), dtype=np.float64)
    for run, path in zip(context.runs, paths, strict=True):
        # No rim of paper under the path: drawn a keyframe at a time, a later step's rim
        # would cut gaps into the path it walks back over. The bands are pale enough.
        line = _line(ax, context, run.color, run.width, zorder=4,
                     linestyle=run.linestyle, solid_capstyle="round",
                     solid_joinstyle="round")  # fmt: skip
        grows_by(line, steps)
        dot = _line(ax, context, run.color, 0, grows=False, zorder=5, linestyle="none",
                    marker="o", markersize=7 * s, markeredgecolor=theme.paper,
                    markeredgewidth=1.0 * s)  # fmt: skip
        moving.append((line, dot, path))

    def draw(i: int) -> None:
        for line, dot, path in moving:
            shown = path[: i + 2]  # θ0 and the steps so far
            line.set_data(shown[:, 0], shown[:, 1])
            dot.set_data(shown[-1:, 0], shown[-1:, 1])

    context.host.on_frame(draw)
    context.host.after_layout(lambda: _contours(ax, view, context))
    ax.set_xlabel(view.names[0], fontsize=10 * s)
    ax.set_ylabel(view.names[1], fontsize=10 * s)
    ax.tick_params(labelsize=9 * s, length=3 * s, width=0.6 * s)
    for side in ax.spines.values():
        side.set_linewidth(0.6 * s)


def _loss(cell: Cell, context: Context) -> None:
    """Every run's loss f(θ_t) from θ0 on: log-scaled when it spans decades."""
    ax, s, theme = cell.ax, context.scale, context.theme
    view = _view(context)
    with np.errstate(all="ignore"):
        series = [
            (run, view.value(np.vstack([run.trace.theta0[None, :], run.trace.theta])))
            for run in context.runs
        ]
    values = np.concatenate([v for _, v in series])
    finite = values[np.isfinite(values)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    positive = finite[finite > 0]
    if lo >= 0 and positive.size and hi / positive.min() > 10:
        # Spans decades: on a log axis the last steps near the minimum stay readable.
        floor = max(float(positive.min()), hi * 1e-12)
        ax.set_yscale("log")
        ax.set_ylim(floor / 1.5, hi * 1.5)
    else:
        ax.set_ylim(*_padded(min(lo, 0.0) if lo >= 0 else lo, hi))
    context.host.on_frame(_overlaid(ax, context, series, theme.theta, 2.0, first=2))
    if not context.compared:
        loss = series[0][1]
        _value_label(cell, context, theme.theta, "loss", lambda i: _format_value(loss[i + 1]))
    ax.set_ylabel("loss", fontsize=10 * s)


register("surface", _surface, height=3.4, span="surface", over_steps=False)
register("loss", _loss, span="all")
