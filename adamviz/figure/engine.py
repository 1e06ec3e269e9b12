"""Frames by blitting: the figure drawn once as a background, then only what moves.

:class:`Animation` builds the figure once
(:func:`adamviz.figure.layout.compose`), on an explicit ``Figure`` with an Agg
canvas, never ``pyplot`` state: axes, ticks, labels, reference lines, title and
legend are drawn a single time and kept as pixels. A frame restores them, draws
only the artists the panels declared as moving (a line that grows step by step
by replaying its own draw calls, recorded once: :mod:`adamviz.figure.growing`),
and stamps the labels that change (:mod:`adamviz.figure.stamped_text`), so a
frame costs a few milliseconds whatever the figure holds, and is a pure function
of its step index: frames can be drawn in any order, in parallel, and come out
identical. The build and every frame are drawn with the theme's rc settings, not
the user's (:class:`adamviz.figure.theme.RcState`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no display here or in CI; must precede any other matplotlib import

import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from adamviz.catalog import PANELS
from adamviz.figure.growing import GrowingLine
from adamviz.figure.layout import FigureSpec, compose
from adamviz.figure.panels import ArtistT
from adamviz.figure.stamped_text import StampedText
from adamviz.figure.theme import (
    GRADIENT_GREY,
    MEAN_BLUE,
    NEWEST_GREY,
    RATIO_PURPLE,
    REFERENCE_GREY,
    RMS_ORANGE,
    STEP_GREEN,
    THETA_BLACK,
    rc_state,
)
from adamviz.optim.trace import Trace

# The light theme's colours, imported from here before figure/theme.py held them,
# the panel names, which the catalog holds, and the spec, which figure/layout.py holds.
__all__ = [
    "GRADIENT_GREY", "MEAN_BLUE", "NEWEST_GREY", "PANELS", "RATIO_PURPLE", "REFERENCE_GREY",
    "RMS_ORANGE", "STEP_GREEN", "THETA_BLACK", "Animation", "FigureSpec",
]  # fmt: skip

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
    """What each frame redraws, as the layout and the panels declare it.

    The :class:`~adamviz.figure.panels.Host` they are given.
    """

    def __init__(self) -> None:
        self.artists: list[Artist] = []
        self.growing: list[bool] = []
        """Per artist: whether it grows (see :meth:`Host.animate`): its draws can be replayed."""
        self.updates: list[Callable[[int], None]] = []
        self.labels: list[tuple[Text, Callable[[int], str]]] = []

    def animate(self, artist: ArtistT, grows: bool = False) -> ArtistT:
        artist.set_animated(True)
        self.artists.append(artist)
        self.growing.append(grows and isinstance(artist, Line2D))
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
        # The theme's settings, not the user's, for the build and for every frame
        # (a draw reads rcParams too), and the user's again in between.
        self._rc = rc_state(spec.theme)
        self._moving = _Moving()
        self._stamps: list[_Stamp] = []
        with self._rc.applied():
            self.figure = Figure(figsize=(spec.width / _DPI, spec.height / _DPI), dpi=_DPI)
            self.canvas = FigureCanvasAgg(self.figure)
            compose(self.figure, trace, spec, self._moving)
            self._background = self._draw_background()
            self._growing = self._record_growing()

    @property
    def n_frames(self) -> int:
        return self.trace.steps

    def _draw_background(self) -> object:
        # Lay out once with every placeholder in place (so the layout leaves room
        # for the labels), then freeze the layout: later draws must not move an
        # axis. Laying out measures every text but paints nothing (what a draw
        # does first); the one draw, without the placeholders, is the background.
        engine = self.figure.get_layout_engine()
        assert engine is not None, "compose sets the layout engine"
        engine.execute(self.figure)
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

    def _record_growing(self) -> list[GrowingLine | None]:
        """Each growing line's draw calls at its full length (None for the others)."""
        for update in self._moving.updates:
            update(self.n_frames - 1)
        renderer = self.canvas.get_renderer()
        return [
            GrowingLine(artist, renderer) if grows else None  # type: ignore[arg-type]
            for artist, grows in zip(self._moving.artists, self._moving.growing, strict=True)
        ]

    # -- frames ---------------------------------------------------------------------

    def _draw(self, index: int) -> memoryview:
        if not 0 <= index < self.n_frames:
            raise IndexError(f"frame {index} out of range 0..{self.n_frames - 1}")
        with self._rc.applied():
            self.canvas.restore_region(self._background)
            for update in self._moving.updates:
                update(index)
            renderer = self.canvas.get_renderer()
            for artist, growing in zip(self._moving.artists, self._growing, strict=True):
                if growing is not None:
                    growing.draw(renderer, -np.inf, index + 1)
                else:
                    self.figure.draw_artist(artist)
            pixels = np.asarray(self.canvas.buffer_rgba())
            for label in self._stamps:
                stamp = label.stamp
                stamp.draw(pixels, label.text_of(index), label.x, label.y, label.ha, label.va)
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
