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

import matplotlib

matplotlib.use("Agg")  # no display here or in CI; must precede any other matplotlib import

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

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

# The light theme's colours, imported from here before figure/theme.py held them.
__all__ = [
    "GRADIENT_GREY", "MEAN_BLUE", "NEWEST_GREY", "RATIO_PURPLE", "REFERENCE_GREY", "RMS_ORANGE",
    "STEP_GREEN", "THETA_BLACK", "Animation", "FigureSpec",
]  # fmt: skip

PANELS = ("gradients", "ratio", "step_size", "theta")
_PANEL_HEIGHT = {"gradients": 2.0, "ratio": 1.0, "step_size": 1.0, "theta": 1.0}
_DPI = 100  # figure inches × 100 = pixels exactly


@dataclass(frozen=True)
class FigureSpec:
    """What the picture needs besides the numbers: words, layout and size."""

    title: str
    param_names: Sequence[str]
    panels: Sequence[str] = ("gradients", "ratio")
    width: int = 960
    height: int = 540
    #: Per parameter, where its loss has its minimum (a reference line in the θ panel).
    minima: Sequence[float | None] = field(default_factory=tuple)
    theme: Theme = LIGHT


@dataclass(frozen=True)
class _Stamp:
    """A label stamped every frame: its glyphs, its text for frame i, and its anchor."""

    stamp: StampedText
    text_of: Callable[[int], str]
    x: float
    y: float
    ha: str
    va: str


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


class Animation:
    """A trace drawn frame by frame: ``frame(i)`` shows steps 1..i+1.

    Every limit is chosen from the whole trace up front, so the static
    background never changes and each frame depends on its index alone.
    """

    def __init__(self, trace: Trace, spec: FigureSpec) -> None:
        unknown = [p for p in spec.panels if p not in PANELS]
        if unknown or not spec.panels:
            raise ValueError(f"panels: expected a non-empty list of {PANELS}, got {unknown}")
        self.trace = trace
        self.spec = spec
        self.figure = Figure(figsize=(spec.width / _DPI, spec.height / _DPI), dpi=_DPI)
        self.canvas = FigureCanvasAgg(self.figure)
        self._scale = spec.height / 540  # fonts and lines grow with the picture
        self._steps = np.arange(1, trace.steps + 1, dtype=np.float64)
        self._animated: list[Artist] = []
        self._updaters: list[Callable[[int], None]] = []  # each sets its artists for frame i
        self._labels: list[tuple[Text, Callable[[int], str]]] = []
        self._stamps: list[_Stamp] = []
        self._build()
        self._background = self._draw_background()

    @property
    def n_frames(self) -> int:
        return self.trace.steps

    # -- building the figure once -------------------------------------------------

    def _build(self) -> None:
        spec, s = self.spec, self._scale
        fig = self.figure
        fig.set_facecolor(spec.theme.paper)
        heights = [_PANEL_HEIGHT[p] for p in spec.panels]
        axes = fig.subplots(
            len(spec.panels),
            self.trace.params,
            squeeze=False,
            sharex=True,
            gridspec_kw={"height_ratios": heights},
        )
        fig.suptitle(spec.title, x=0.01, ha="left", fontsize=15 * s, fontweight="bold")
        steps = self.trace.steps
        counter = fig.text(
            0.99, 0.985, f"step {steps} / {steps}", ha="right", va="top",
            fontsize=12 * s, color=spec.theme.counter,
        )  # fmt: skip
        self._label(counter, lambda i: f"step {i + 1} / {steps}")

        for column in range(self.trace.params):
            for row, panel in enumerate(spec.panels):
                ax = axes[row, column]
                self._style_axes(ax, bottom=row == len(spec.panels) - 1)
                getattr(self, f"_build_{panel}")(ax, column)
            name = spec.param_names[column] if column < len(spec.param_names) else f"θ{column}"
            axes[0, column].set_title(name, fontsize=12 * s, loc="center")
        self._legend()
        fig.set_layout_engine("constrained", h_pad=4 / 72 * s, w_pad=6 / 72 * s)

    def _style_axes(self, ax: Axes, bottom: bool) -> None:
        s = self._scale
        ax.set_xlim(0, self.trace.steps + 1)
        ax.tick_params(labelsize=9 * s, length=3 * s, width=0.6 * s)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        for side in ("left", "bottom"):
            ax.spines[side].set_linewidth(0.6 * s)
        if bottom:
            ax.set_xlabel("step", fontsize=10 * s)

    def _animate(self, artist: Artist) -> Artist:
        """Mark an artist as redrawn every frame (left out of the background)."""
        artist.set_animated(True)
        self._animated.append(artist)
        return artist

    def _line(self, ax: Axes, color: str, width: float, **kwargs: object) -> Line2D:
        (line,) = ax.plot([], [], color=color, linewidth=width * self._scale, **kwargs)
        return self._animate(line)

    def _label(self, placeholder: Text, text_of: Callable[[int], str]) -> None:
        """A label that changes every frame, stamped where ``placeholder`` stands.

        The placeholder, holding the widest text, is drawn only while the
        layout is made, so that room is left for the label.
        """
        self._labels.append((placeholder, text_of))

    def _value_label(self, ax: Axes, color: str, text_of: Callable[[int], str]) -> None:
        # Above the panel's top-right corner: inside, a curve would run into it.
        placeholder = ax.text(
            1.0, 1.02, "step size -0.000e+00", transform=ax.transAxes, ha="right",
            va="bottom", fontsize=10 * self._scale, color=color, fontweight="bold",
        )  # fmt: skip
        self._label(placeholder, text_of)

    def _build_gradients(self, ax: Axes, column: int) -> None:
        trace, s, theme = self.trace, self._scale, self.spec.theme
        g, m_hat = trace.grad[:, column], trace.m_hat[:, column]
        rms = np.sqrt(trace.v_hat[:, column])
        lo = min(0.0, *(_finite(a).min(initial=0.0) for a in (g, m_hat)))
        hi = max(0.0, *(_finite(a).max(initial=0.0) for a in (g, m_hat, rms)))
        ax.set_ylim(*_padded(lo, hi))
        ax.axhline(0.0, color=theme.reference, linewidth=0.8 * s, zorder=0)

        # Lollipops thin out as they crowd: stem width and head size follow the
        # pixels one step gets, so 20 steps and 5000 steps both stay readable.
        axes_px = self.spec.width / max(1, trace.params) * 0.85
        px_per_step = axes_px / trace.steps
        stem_width = float(np.clip(0.35 * px_per_step, 0.4, 1.6)) * s
        head_size = float(np.clip(0.9 * px_per_step, 0.0, 7.0)) * s

        # One path holds every stem (NaN breaks it between steps): one draw call.
        stem_x = np.repeat(self._steps, 3)
        stem_y = np.column_stack([np.zeros_like(g), g, np.full_like(g, np.nan)]).ravel()
        stems = self._line(ax, theme.gradient, stem_width / s, zorder=1)
        heads = self._line(
            ax, theme.gradient, 0, marker="o", markersize=head_size, linestyle="none", zorder=2
        )
        newest = self._line(
            ax, theme.newest, 0, marker="o", markersize=max(head_size, 3.0 * s),
            linestyle="none", zorder=3,
        )  # fmt: skip
        mean = self._line(ax, theme.mean, 2.2, zorder=4)
        root = self._line(ax, theme.rms, 2.2, zorder=4)
        steps = self._steps

        def draw(i: int) -> None:
            stems.set_data(stem_x[: 3 * (i + 1)], stem_y[: 3 * (i + 1)])
            if head_size >= 1.0:
                heads.set_data(steps[: i + 1], g[: i + 1])
            newest.set_data(steps[i : i + 1], g[i : i + 1])
            mean.set_data(steps[: i + 1], m_hat[: i + 1])
            root.set_data(steps[: i + 1], rms[: i + 1])

        self._updaters.append(draw)
        ax.set_ylabel("gradient", fontsize=10 * s)

    def _build_ratio(self, ax: Axes, column: int) -> None:
        s, theme = self._scale, self.spec.theme
        ratio = self.trace.ratio[:, column]
        finite = _finite(ratio)
        ax.set_ylim(
            min(-1.15, finite.min(initial=0.0) * 1.08), max(1.15, finite.max(initial=0.0) * 1.08)
        )
        ax.axhline(0.0, color=theme.reference, linewidth=0.8 * s, zorder=0)
        for level in (-1.0, 1.0):
            ax.axhline(level, color=theme.reference, linewidth=0.8 * s, linestyle="--", zorder=0)
        line = self._line(ax, theme.ratio, 2.0)
        self._value_label(ax, theme.ratio, lambda i: f"ratio {_format_ratio(ratio[i])}")
        steps = self._steps

        def draw(i: int) -> None:
            line.set_data(steps[: i + 1], ratio[: i + 1])

        self._updaters.append(draw)
        ax.set_ylabel(r"$\hat{m}/(\sqrt{\hat{v}}+\epsilon)$", fontsize=9 * s)

    def _build_step_size(self, ax: Axes, column: int) -> None:
        s, theme = self._scale, self.spec.theme
        size = self.trace.step_size[:, column]
        finite = _finite(size)
        lo, hi = (finite.min(), finite.max()) if finite.size else (1e-3, 1e-3)
        if lo > 0 and hi / lo > 10:
            # Spans decades: a log axis keeps both ends readable.
            ax.set_yscale("log")
            ax.set_ylim(lo / 1.5, hi * 1.5)
        else:
            ax.set_ylim(*_padded(min(0.0, lo), hi))
        line = self._line(ax, theme.step_size, 2.0)
        self._value_label(ax, theme.step_size, lambda i: f"step size {_format_value(size[i])}")
        steps = self._steps

        def draw(i: int) -> None:
            line.set_data(steps[: i + 1], size[: i + 1])

        self._updaters.append(draw)
        ax.set_ylabel(r"$\eta/(\sqrt{\hat{v}}+\epsilon)$", fontsize=9 * s)

    def _build_theta(self, ax: Axes, column: int) -> None:
        trace, s, theme = self.trace, self._scale, self.spec.theme
        theta = np.concatenate([trace.theta0[column : column + 1], trace.theta[:, column]])
        steps = np.arange(trace.steps + 1, dtype=np.float64)
        minimum = self.spec.minima[column] if column < len(self.spec.minima) else None
        lo, hi = _finite(theta).min(initial=0.0), _finite(theta).max(initial=0.0)
        if minimum is not None:
            lo, hi = min(lo, minimum), max(hi, minimum)
            ax.axhline(minimum, color=theme.reference, linewidth=0.8 * s, linestyle="--")
        ax.set_ylim(*_padded(lo, hi))
        line = self._line(ax, theme.theta, 2.0)
        self._value_label(ax, theme.theta, lambda i: f"θ {_format_value(theta[i + 1])}")

        def draw(i: int) -> None:
            line.set_data(steps[: i + 2], theta[: i + 2])

        self._updaters.append(draw)
        ax.set_ylabel("θ", fontsize=10 * s)

    def _legend(self) -> None:
        s, theme = self._scale, self.spec.theme
        handles = [
            Line2D([], [], color=theme.gradient, marker="o", linewidth=1.2 * s, markersize=5 * s),
            Line2D([], [], color=theme.mean, linewidth=2.2 * s),
            Line2D([], [], color=theme.rms, linewidth=2.2 * s),
        ]
        labels = [r"gradient $g$", r"mean $\hat{m}$", r"RMS $\sqrt{\hat{v}}$"]
        self.figure.legend(
            handles, labels, loc="outside lower center", ncols=3, frameon=False,
            fontsize=10 * s, handlelength=1.8,
        )  # fmt: skip

    def _draw_background(self) -> object:
        # Lay out once with every placeholder in place (so the layout leaves room
        # for the labels), then freeze the layout: later draws must not move an
        # axis. The second draw, without the placeholders, is the background.
        self.canvas.draw()
        self.figure.set_layout_engine("none")
        for placeholder, text_of in self._labels:
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
        for update in self._updaters:
            update(index)
        for artist in self._animated:
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
