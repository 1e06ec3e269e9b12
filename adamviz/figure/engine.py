"""Frames of the animation: a Trace drawn in the blog's visual language.

The figure is built once: axes, ticks, labels, reference lines, title and
legend are drawn a single time and kept as a pixel background (blitting). A
frame restores that background and draws only the artists that move, so a
frame costs a few milliseconds whatever the figure holds, and is a pure
function of its step index: frames can be drawn in any order, in parallel, and
come out identical. This is the only module that imports matplotlib, and it
uses an explicit ``Figure`` with an Agg canvas, never ``pyplot`` state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol, TypeVar

import matplotlib

matplotlib.use("Agg")  # no display here or in CI; must precede any other matplotlib import

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from adamviz.catalog import PANELS
from adamviz.figure.stamped_text import StampedText
from adamviz.figure.theme import (
    GRADIENT_GREY,
    LIGHT,
    MEAN_BLUE,
    NEWEST_GREY,
    RATIO_PURPLE,
    REFERENCE_GREY,
    RMS_ORANGE,
    STEP_GREEN,
    THETA_BLACK,
    Theme,
)
from adamviz.optim.trace import Trace

# The light theme's colours, imported from here before figure/theme.py held them,
# and the panel names, which the catalog holds.
__all__ = [
    "GRADIENT_GREY", "MEAN_BLUE", "NEWEST_GREY", "PANELS", "RATIO_PURPLE", "REFERENCE_GREY",
    "RMS_ORANGE", "STEP_GREEN", "THETA_BLACK", "Animation", "FigureSpec",
]  # fmt: skip

# -- panels -------------------------------------------------------------------------

ArtistT = TypeVar("ArtistT", bound=Artist)


class Host(Protocol):
    """What a panel may ask of the engine that draws it, and all it may ask."""

    def animate(self, artist: ArtistT) -> ArtistT:
        """Redraw ``artist`` every frame, leaving it out of the background."""
        ...

    def on_frame(self, update: Callable[[int], None]) -> None:
        """Call ``update(i)`` before frame i is drawn: it shows steps 1..i+1 in the artists."""
        ...

    def label(self, placeholder: Text, text_of: Callable[[int], str]) -> None:
        """Stamp ``text_of(i)`` on frame i where ``placeholder`` stands.

        The placeholder, holding the widest text, is drawn only while the
        layout is made, so that room is left for the label.
        """
        ...


@dataclass(frozen=True)
class Cell:
    """One panel's place in the grid: which panel, for which parameter, in which axes."""

    ax: Axes
    panel: str
    param: int
    """The trace's column the panel shows."""
    width_px: float
    """About how many pixels wide the axes are: what the lollipops thin out by."""
    top: bool
    bottom: bool


@dataclass(frozen=True)
class Context:
    """What every panel reads besides its cell: the numbers, the look, where moving parts go."""

    trace: Trace
    theme: Theme
    scale: float
    """Fonts and lines grow with the picture: 1 at 540 pixels high."""
    minima: Sequence[float | None]
    """Per parameter, where its loss has its minimum, if it has one."""
    steps: np.ndarray
    """1, 2, ..., n as floats: the x of every step."""
    host: Host


Builder = Callable[[Cell, Context], None]


class Panel(NamedTuple):
    build: Builder
    height: float
    """The panel's share of its column's height."""


_PANELS: dict[str, Panel] = {}


def register(name: str, build: Builder, height: float = 1.0) -> None:
    """Make panel ``name`` drawable: ``build`` draws it into a cell."""
    _PANELS[name] = Panel(build, height)


def panel(name: str) -> Panel:
    return _PANELS[name]


def names() -> tuple[str, ...]:
    """Every panel that can be drawn, in the order they were registered."""
    return tuple(_PANELS)


def _padded(lo: float, hi: float, pad: float = 0.08) -> tuple[float, float]:
    """Limits a little wider than the data, so nothing touches the frame."""
    if not np.isfinite(lo) or not np.isfinite(hi):
        lo, hi = -1.0, 1.0
    if hi == lo:  # a flat line: centre it rather than pin it to an edge
        half = abs(lo) * 0.5 if lo else 1.0
        return lo - half, hi + half
    span = hi - lo
    return lo - pad * span, hi + pad * span


def _finite(values: np.ndarray) -> np.ndarray:
    return values[np.isfinite(values)]


def _format_value(value: float) -> str:
    """Three significant digits: short enough to read at a glance, and alike in every column."""
    return f"{value:.3g}" if np.isfinite(value) else str(value)


def _format_ratio(value: float) -> str:
    """The ratio lives in about [-1, 1]: fixed decimals keep its digits from jumping."""
    return f"{value:.3f}"


def _line(ax: Axes, context: Context, color: str, width: float, **kwargs: object) -> Line2D:
    """A line redrawn every frame, ``width`` points wide at the reference size."""
    (line,) = ax.plot([], [], color=color, linewidth=width * context.scale, **kwargs)
    return context.host.animate(line)


def _value_label(ax: Axes, context: Context, color: str, text_of: Callable[[int], str]) -> None:
    # Above the panel's top-right corner: inside, a curve would run into it.
    placeholder = ax.text(
        1.0, 1.02, "step size -0.000e+00", transform=ax.transAxes, ha="right",
        va="bottom", fontsize=10 * context.scale, color=color, fontweight="bold",
    )  # fmt: skip
    context.host.label(placeholder, text_of)


def _gradients(cell: Cell, context: Context) -> None:
    """The gradients as lollipops, with m̂ and √v̂ on the same axes."""
    ax, trace, s, theme = cell.ax, context.trace, context.scale, context.theme
    g, m_hat = trace.grad[:, cell.param], trace["m_hat"][:, cell.param]
    rms = np.sqrt(trace["v_hat"][:, cell.param])
    lo = min(0.0, *(_finite(a).min(initial=0.0) for a in (g, m_hat)))
    hi = max(0.0, *(_finite(a).max(initial=0.0) for a in (g, m_hat, rms)))
    ax.set_ylim(*_padded(lo, hi))
    ax.axhline(0.0, color=theme.reference, linewidth=0.8 * s, zorder=0)

    # Lollipops thin out as they crowd: stem width and head size follow the
    # pixels one step gets, so 20 steps and 5000 steps both stay readable.
    px_per_step = cell.width_px / trace.steps
    stem_width = float(np.clip(0.35 * px_per_step, 0.4, 1.6)) * s
    head_size = float(np.clip(0.9 * px_per_step, 0.0, 7.0)) * s

    # One path holds every stem (NaN breaks it between steps): one draw call.
    steps = context.steps
    stem_x = np.repeat(steps, 3)
    stem_y = np.column_stack([np.zeros_like(g), g, np.full_like(g, np.nan)]).ravel()
    stems = _line(ax, context, theme.gradient, stem_width / s, zorder=1)
    heads = _line(
        ax, context, theme.gradient, 0, marker="o", markersize=head_size, linestyle="none",
        zorder=2,
    )  # fmt: skip
    newest = _line(
        ax, context, theme.newest, 0, marker="o", markersize=max(head_size, 3.0 * s),
        linestyle="none", zorder=3,
    )  # fmt: skip
    mean = _line(ax, context, theme.mean, 2.2, zorder=4)
    root = _line(ax, context, theme.rms, 2.2, zorder=4)

    def draw(i: int) -> None:
        stems.set_data(stem_x[: 3 * (i + 1)], stem_y[: 3 * (i + 1)])
        if head_size >= 1.0:
            heads.set_data(steps[: i + 1], g[: i + 1])
        newest.set_data(steps[i : i + 1], g[i : i + 1])
        mean.set_data(steps[: i + 1], m_hat[: i + 1])
        root.set_data(steps[: i + 1], rms[: i + 1])

    context.host.on_frame(draw)
    ax.set_ylabel("gradient", fontsize=10 * s)


def _ratio(cell: Cell, context: Context) -> None:
    """m̂ / (√v̂ + ε), with its value written on the frame and reference lines at 0 and ±1."""
    ax, s, theme = cell.ax, context.scale, context.theme
    ratio = context.trace["ratio"][:, cell.param]
    finite = _finite(ratio)
    ax.set_ylim(
        min(-1.15, finite.min(initial=0.0) * 1.08), max(1.15, finite.max(initial=0.0) * 1.08)
    )
    ax.axhline(0.0, color=theme.reference, linewidth=0.8 * s, zorder=0)
    for level in (-1.0, 1.0):
        ax.axhline(level, color=theme.reference, linewidth=0.8 * s, linestyle="--", zorder=0)
    line = _line(ax, context, theme.ratio, 2.0)
    _value_label(ax, context, theme.ratio, lambda i: f"ratio {_format_ratio(ratio[i])}")
    steps = context.steps

    def draw(i: int) -> None:
        line.set_data(steps[: i + 1], ratio[: i + 1])

    context.host.on_frame(draw)
    ax.set_ylabel(r"$\hat{m}/(\sqrt{\hat{v}}+\epsilon)$", fontsize=9 * s)


def _step_size(cell: Cell, context: Context) -> None:
    """lr / (√v̂ + ε), log-scaled when it spans decades (the course page's bottom row)."""
    ax, s, theme = cell.ax, context.scale, context.theme
    size = context.trace["step_size"][:, cell.param]
    finite = _finite(size)
    lo, hi = (finite.min(), finite.max()) if finite.size else (1e-3, 1e-3)
    if lo > 0 and hi / lo > 10:
        # Spans decades: a log axis keeps both ends readable.
        ax.set_yscale("log")
        ax.set_ylim(lo / 1.5, hi * 1.5)
    else:
        ax.set_ylim(*_padded(min(0.0, lo), hi))
    line = _line(ax, context, theme.step_size, 2.0)
    _value_label(ax, context, theme.step_size, lambda i: f"step size {_format_value(size[i])}")
    steps = context.steps

    def draw(i: int) -> None:
        line.set_data(steps[: i + 1], size[: i + 1])

    context.host.on_frame(draw)
    ax.set_ylabel(r"$\eta/(\sqrt{\hat{v}}+\epsilon)$", fontsize=9 * s)


def _theta(cell: Cell, context: Context) -> None:
    """θ from its start, with the loss's minimum as a reference line where there is one."""
    ax, trace, s, theme, p = cell.ax, context.trace, context.scale, context.theme, cell.param
    theta = np.concatenate([trace.theta0[p : p + 1], trace.theta[:, p]])
    steps = np.arange(trace.steps + 1, dtype=np.float64)
    minimum = context.minima[p] if p < len(context.minima) else None
    lo, hi = _finite(theta).min(initial=0.0), _finite(theta).max(initial=0.0)
    if minimum is not None:
        lo, hi = min(lo, minimum), max(hi, minimum)
        ax.axhline(minimum, color=theme.reference, linewidth=0.8 * s, linestyle="--")
    ax.set_ylim(*_padded(lo, hi))
    line = _line(ax, context, theme.theta, 2.0)
    _value_label(ax, context, theme.theta, lambda i: f"θ {_format_value(theta[i + 1])}")

    def draw(i: int) -> None:
        line.set_data(steps[: i + 2], theta[: i + 2])

    context.host.on_frame(draw)
    ax.set_ylabel("θ", fontsize=10 * s)


def legend_entries(theme: Theme, scale: float) -> tuple[list[Artist], list[str]]:
    """The key to the gradients panel's marks, which the figure's legend shows."""
    handles: list[Artist] = [
        Line2D([], [], color=theme.gradient, marker="o", linewidth=1.2 * scale,
               markersize=5 * scale),
        Line2D([], [], color=theme.mean, linewidth=2.2 * scale),
        Line2D([], [], color=theme.rms, linewidth=2.2 * scale),
    ]  # fmt: skip
    return handles, [r"gradient $g$", r"mean $\hat{m}$", r"RMS $\sqrt{\hat{v}}$"]


# Top to bottom, as the catalog lists them.
register("gradients", _gradients, height=2.0)
register("ratio", _ratio)
register("step_size", _step_size)
register("theta", _theta)

# -- layout -------------------------------------------------------------------------

#: The picture's height, in pixels, at which fonts and lines have their nominal size.
_REFERENCE_HEIGHT = 540


@dataclass(frozen=True)
class FigureSpec:
    """What the picture needs besides the numbers: words, layout, size and look."""

    title: str
    param_names: Sequence[str]
    panels: Sequence[str] = ("gradients", "ratio")
    width: int = 960
    height: int = 540
    #: Per parameter, where its loss has its minimum (a reference line in the θ panel).
    minima: Sequence[float | None] = field(default_factory=tuple)
    theme: Theme = LIGHT


def panels_by_parameters(
    figure: Figure, panel_names: Sequence[str], params: int, width: int
) -> list[Cell]:
    """One column per parameter, one row per panel: the cells, column by column, top down.

    Every column has its own y-scales (10 and 0.1 must both be readable) and
    all share the steps. The cells sit on one GridSpec, so a grid that grows
    (a panel spanning the columns on top, a 2-D surface spanning several,
    a column per run and parameter) adds cells on slices of it.
    """
    rows = len(panel_names)
    grid = figure.add_gridspec(rows, params, height_ratios=[panel(p).height for p in panel_names])
    # Shared steps: the rows above the bottom one drop their tick labels.
    axes = grid.subplots(sharex=True, squeeze=False)
    width_px = width / max(1, params) * 0.85  # the axes' share of their column
    return [
        Cell(axes[row, column], name, column, width_px, top=row == 0, bottom=row == rows - 1)
        for column in range(params)
        for row, name in enumerate(panel_names)
    ]


def compose(figure: Figure, trace: Trace, spec: FigureSpec, host: Host) -> None:
    """Draw ``spec``'s figure of ``trace``: the title and step counter above, the grid of
    panels, the legend below; what moves goes to ``host``.
    """
    known = names()
    unknown = [p for p in spec.panels if p not in known]
    if unknown or not spec.panels:
        raise ValueError(f"panels: expected a non-empty list of {known}, got {unknown}")
    theme, s = spec.theme, spec.height / _REFERENCE_HEIGHT
    figure.set_facecolor(theme.paper)
    cells = panels_by_parameters(figure, spec.panels, trace.params, spec.width)
    figure.suptitle(spec.title, x=0.01, ha="left", fontsize=15 * s, fontweight="bold")
    steps = trace.steps
    counter = figure.text(
        0.99, 0.985, f"step {steps} / {steps}", ha="right", va="top",
        fontsize=12 * s, color=theme.counter,
    )  # fmt: skip
    host.label(counter, lambda i: f"step {i + 1} / {steps}")

    context = Context(trace, theme, s, spec.minima, np.arange(1, steps + 1, dtype=np.float64), host)
    for cell in cells:
        _style_axes(cell.ax, steps, s, bottom=cell.bottom)
        panel(cell.panel).build(cell, context)
        if cell.top:
            cell.ax.set_title(_column_title(spec, cell.param), fontsize=12 * s, loc="center")
    handles, labels = legend_entries(theme, s)
    figure.legend(
        handles, labels, loc="outside lower center", ncols=3, frameon=False,
        fontsize=10 * s, handlelength=1.8,
    )  # fmt: skip
    figure.set_layout_engine("constrained", h_pad=4 / 72 * s, w_pad=6 / 72 * s)


def _column_title(spec: FigureSpec, param: int) -> str:
    return spec.param_names[param] if param < len(spec.param_names) else f"θ{param}"


def _style_axes(ax: Axes, steps: int, scale: float, bottom: bool) -> None:
    ax.set_xlim(0, steps + 1)
    ax.tick_params(labelsize=9 * scale, length=3 * scale, width=0.6 * scale)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_linewidth(0.6 * scale)
    if bottom:
        ax.set_xlabel("step", fontsize=10 * scale)


# -- engine -------------------------------------------------------------------------

_DPI = 100  # figure inches × 100 = pixels exactly


@dataclass(frozen=True)
class _Stamp:
    """A label stamped every frame: its glyphs, its text for frame i, and its anchor."""

    stamp: StampedText
    text_of: Callable[[int], str]
    x: float
    y: float
    ha: str
    va: str


class _Moving:
    """What each frame redraws, as the layout and the panels declare it (a :class:`Host`)."""

    def __init__(self) -> None:
        self.artists: list[Artist] = []
        self.updates: list[Callable[[int], None]] = []
        self.labels: list[tuple[Text, Callable[[int], str]]] = []

    def animate(self, artist: ArtistT) -> ArtistT:
        artist.set_animated(True)
        self.artists.append(artist)
        return artist

    def on_frame(self, update: Callable[[int], None]) -> None:
        self.updates.append(update)

    def label(self, placeholder: Text, text_of: Callable[[int], str]) -> None:
        self.labels.append((placeholder, text_of))


class Animation:
    """A trace drawn frame by frame: ``frame(i)`` shows steps 1..i+1.

    Every limit is chosen from the whole trace up front, so the static
    background never changes and each frame depends on its index alone.
    """

    def __init__(self, trace: Trace, spec: FigureSpec) -> None:
        self.trace = trace
        self.spec = spec
        self.figure = Figure(figsize=(spec.width / _DPI, spec.height / _DPI), dpi=_DPI)
        self.canvas = FigureCanvasAgg(self.figure)
        self._moving = _Moving()
        self._stamps: list[_Stamp] = []
        compose(self.figure, trace, spec, self._moving)
        self._background = self._draw_background()

    @property
    def n_frames(self) -> int:
        return self.trace.steps

    def _draw_background(self) -> object:
        # Lay out once with every placeholder in place (so the layout leaves room
        # for the labels), then freeze the layout: later draws must not move an
        # axis. The second draw, without the placeholders, is the background.
        self.canvas.draw()
        self.figure.set_layout_engine("none")
        for placeholder, text_of in self._moving.labels:
            anchor = placeholder.get_transform().transform(placeholder.get_position())
            stamp = StampedText(
                placeholder.get_fontproperties(), placeholder.get_color(), self.figure.dpi
            )
            ha, va = placeholder.get_horizontalalignment(), placeholder.get_verticalalignment()
            self._stamps.append(_Stamp(stamp, text_of, float(anchor[0]), float(anchor[1]), ha, va))
            placeholder.set_visible(False)
        self.canvas.draw()
        return self.canvas.copy_from_bbox(self.figure.bbox)

    # -- frames ---------------------------------------------------------------------

    def _draw(self, index: int) -> memoryview:
        if not 0 <= index < self.n_frames:
            raise IndexError(f"frame {index} out of range 0..{self.n_frames - 1}")
        self.canvas.restore_region(self._background)
        for update in self._moving.updates:
            update(index)
        for artist in self._moving.artists:
            self.figure.draw_artist(artist)
        pixels = np.asarray(self.canvas.buffer_rgba())
        for label in self._stamps:
            label.stamp.draw(pixels, label.text_of(index), label.x, label.y, label.ha, label.va)
        return self.canvas.buffer_rgba()

    def frame_rgba(self, index: int) -> np.ndarray:
        """The picture after step ``index + 1`` as an H×W×4 view of the canvas itself.

        No copy, for streaming into an encoder: the view is valid only until the
        next frame is drawn.
        """
        return np.asarray(self._draw(index))

    def frame(self, index: int) -> np.ndarray:
        """The picture after step ``index + 1``: an H×W×3 uint8 array of its own."""
        return np.array(np.asarray(self._draw(index))[:, :, :3])

    def frames(self, indices: Sequence[int] | None = None) -> Iterator[np.ndarray]:
        """Frames in order (all by default), each an H×W×3 uint8 array."""
        for index in range(self.n_frames) if indices is None else indices:
            yield self.frame(index)

    def close(self) -> None:
        """Drop the figure's artists and pixels now rather than at garbage collection."""
        self.figure.clear()
