"""The panels: what one cell of the figure draws, each a builder registered by name.

A builder draws its panel's static parts into the cell's axes once (limits,
reference lines, labels) and hands the engine, through a :class:`Host`, what
moves: artists redrawn every frame, an update that sets them for frame i
(steps 1..i+1), and labels stamped on every frame. It reads the trace's
quantities by name (``trace["m_hat"]``), so a panel for another optimizer
asks for that optimizer's names. The names are the catalog's
(:data:`adamviz.catalog.PANELS`, checked against this registry by a test): a
new panel is a builder and a :func:`register` call here, and its name there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol, TypeVar

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.text import Text

from adamviz.figure.theme import Theme
from adamviz.optim.trace import Trace

ArtistT = TypeVar("ArtistT", bound=Artist)


class Host(Protocol):
    """What a panel may ask of the engine that draws it, and all it may ask."""

    def animate(self, artist: ArtistT, grows: bool = False) -> ArtistT:
        """Redraw ``artist`` every frame, leaving it out of the background.

        ``grows``: the artist is a ``Line2D`` whose points, once frame i's update
        has set them, are the steps up to i+1 in order of x (x = step), each
        point the same in every later frame. The engine may then draw it from
        its own draw calls, recorded once at its full length
        (:mod:`adamviz.figure.growing`), cut to the steps a frame shows. A
        point that moves (the newest lollipop's head) does not grow.
        """
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
    """First in its column: the layout writes the parameter's name above it."""
    bottom: bool
    """Last in its column: the layout labels its step axis."""


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
    """A registered panel: how to draw it, and how tall it stands."""

    build: Builder
    height: float
    """The panel's share of its column's height."""


_PANELS: dict[str, Panel] = {}


def register(name: str, build: Builder, height: float = 1.0) -> None:
    """Make panel ``name`` drawable: ``build`` draws it into a cell."""
    _PANELS[name] = Panel(build, height)


def panel(name: str) -> Panel:
    """The panel registered as ``name`` (KeyError if none is)."""
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


def _line(
    ax: Axes, context: Context, color: str, width: float, grows: bool = True, **kwargs: object
) -> Line2D:
    """A line redrawn every frame, ``width`` points wide at the reference size.

    ``grows``: its points are the steps so far (see :meth:`Host.animate`).
    """
    (line,) = ax.plot([], [], color=color, linewidth=width * context.scale, **kwargs)
    return context.host.animate(line, grows=grows)


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
        ax, context, theme.newest, 0, grows=False, marker="o",
        markersize=max(head_size, 3.0 * s), linestyle="none", zorder=3,
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
