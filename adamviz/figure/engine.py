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
identical. A figure of several runs draws dozens of lines: its frames start from
a keyframe that holds every line's first steps (a multiple of
:data:`KEYFRAME_EVERY`), drawn once, and add the steps since. The build and
every frame are drawn with the theme's rc settings, not the user's
(:class:`adamviz.figure.theme.RcState`).
"""

from __future__ import annotations

import math
import warnings
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
from adamviz.figure.captions import CaptionBlocks
from adamviz.figure.growing import GrowingLine
from adamviz.figure.layout import FigureSpec, compose
from adamviz.figure.panels import ArtistT, RunLook, panel
from adamviz.figure.room import check_room, contents
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
from adamviz.text import for_matplotlib

# The light theme's colours, imported from here before figure/theme.py held them,
# the panel names, which the catalog holds, and the spec, which figure/layout.py holds.
__all__ = [
    "GRADIENT_GREY", "MEAN_BLUE", "NEWEST_GREY", "PANELS", "RATIO_PURPLE", "REFERENCE_GREY",
    "RMS_ORANGE", "STEP_GREEN", "THETA_BLACK", "Animation", "FigureSpec",
]  # fmt: skip

_DPI = 100  # figure inches × 100 = pixels exactly

#: With several runs, a keyframe every this many steps: each frame then draws at most
#: this many steps of each growing line, not all of them (see Animation._draw).
KEYFRAME_EVERY = 32
#: A long run (more steps than its pixels can show, see :mod:`adamviz.figure.reduce`)
#: keeps a keyframe at least every this many pixels of its widest axes, each made from
#: the one before: a frame then draws about this many pixels of history, whatever its step.
KEYFRAME_PIXELS = 16


@dataclass(frozen=True)
class _Stamp:
    """A label stamped every frame: its glyphs, its text for frame i, and its anchor."""

    stamp: StampedText
    text_of: Callable[[int], str]
    x: float
    y: float
    ha: str
    va: str


def _looks(traces: Sequence[Trace], spec: FigureSpec) -> list[RunLook]:
    """Each run's name, colour and line style, in order; refuses runs that cannot share a figure."""
    if not traces:
        raise ValueError("traces: expected at least one run, got none")
    first = traces[0]
    for k, trace in enumerate(traces[1:], start=2):
        if (trace.steps, trace.params) != (first.steps, first.params):
            raise ValueError(
                f"traces: run {k} has {trace.steps} steps × {trace.params} parameters, "
                f"run 1 {first.steps} × {first.params}: runs share one stream of gradients"
            )
    if len(traces) > len(spec.theme.runs):
        raise ValueError(
            f"traces: at most {len(spec.theme.runs)} runs fit one figure, got {len(traces)}"
        )
    looks = []
    for k, trace in enumerate(traces):
        color, linestyle = spec.theme.run(k)
        width = 2.4 - 0.9 * k / max(1, len(traces) - 1)  # the first widest: see RunLook.width
        # Plain text but for its $…$ maths (adamviz.text), as every text the figure draws.
        label = for_matplotlib(trace.label or f"run {k + 1}")
        looks.append(RunLook(trace, label, color, linestyle, width))
    return looks


def _ignore(*args: object) -> None:
    """What a recorded growing line's ``set_data`` does: nothing (see _record_growing)."""


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
        self.laid_out: list[Callable[[], None]] = []

    def animate(self, artist: ArtistT, grows: bool = False) -> ArtistT:
        artist.set_animated(True)
        self.artists.append(artist)
        self.growing.append(grows and isinstance(artist, Line2D))
        return artist

    def on_frame(self, update: Callable[[int], None]) -> None:
        self.updates.append(update)

    def label(self, placeholder: Text, text_of: Callable[[int], str]) -> None:
        self.labels.append((placeholder, text_of))

    def after_layout(self, draw: Callable[[], None]) -> None:
        self.laid_out.append(draw)


class Animation:
    """Runs drawn frame by frame: ``frame(i)`` shows steps 1..i+1.

    ``traces``: one trace, or several runs over the same gradient stream (the
    same steps and parameters, at most as many as the theme has run colours),
    in the order of the legend; each is named by its ``label`` ("run k" if it
    has none). One run is drawn as the figure has always been; several as
    ``spec.layout`` says (:mod:`adamviz.figure.layout`).

    Every limit is chosen from the whole of every trace up front, so the static
    background never changes and each frame depends on its index alone.
    """

    def __init__(self, traces: Trace | Sequence[Trace], spec: FigureSpec) -> None:
        self.traces: tuple[Trace, ...] = (traces,) if isinstance(traces, Trace) else tuple(traces)
        self.spec = spec
        runs = _looks(self.traces, spec)
        # The theme's settings, not the user's, for the build and for every frame
        # (a draw reads rcParams too), and the user's again in between.
        self._rc = rc_state(spec.theme)
        self._moving = _Moving()
        self._stamps: list[_Stamp] = []
        # One run keeps drawing every step each frame: its frames are byte-identical
        # to the figures committed before keyframes (see _draw).
        self.keyframe_every = KEYFRAME_EVERY if len(self.traces) > 1 else 0
        self._keyframe: tuple[int, object] | None = None
        #: Whether each keyframe is drawn over the one before (a long run), not from scratch.
        self.chained = False
        with self._rc.applied():
            self.figure = Figure(figsize=(spec.width / _DPI, spec.height / _DPI), dpi=_DPI)
            self.canvas = FigureCanvasAgg(self.figure)
            #: Where each panel of each parameter and run is drawn.
            self.cells = compose(self.figure, runs, spec, self._moving)
            self._background = self._draw_background()
            self._growing = self._record_growing()
            #: Steps left of the step axis (a window's first page: 0); frames draw past it.
            self._origin = 0
            if spec.window is not None and spec.window < self.n_frames:
                self._turn_page(0)
        self._keyframes_for_long_runs()

    @property
    def trace(self) -> Trace:
        """The first run's trace (the only one, in a figure of one run)."""
        return self.traces[0]

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
        with warnings.catch_warnings():
            # Its giving up is a figure too small to read, said in one line below.
            warnings.filterwarnings("error", message="constrained_layout not applied")
            try:
                engine.execute(self.figure)
                collapsed = False
            except UserWarning:
                collapsed = True
        what = contents(
            self.trace.params, len(self.spec.panels), len(self.traces), self.spec.width,
            self.spec.height,
        )  # fmt: skip
        check_room(self.figure, self.spec.scale, collapsed, what)
        self.figure.set_layout_engine("none")
        for draw in self._moving.laid_out:  # a surface's contours, on the axes' final size
            draw()
        for placeholder, text_of in self._moving.labels:
            anchor = placeholder.get_transform().transform(placeholder.get_position())
            stamp = StampedText(
                placeholder.get_fontproperties(), placeholder.get_color(), self.figure.dpi,
                self.spec.theme.transparent,
            )
            ha, va = placeholder.get_horizontalalignment(), placeholder.get_verticalalignment()
            self._stamps.append(_Stamp(stamp, text_of, float(anchor[0]), float(anchor[1]), ha, va))
            placeholder.set_visible(False)
        self.canvas.draw()
        background = self.canvas.copy_from_bbox(self.figure.bbox)
        self._captions = CaptionBlocks(
            self.figure, self.canvas, self.spec.captions, self.spec.theme.ink,
            self.spec.scale, background,
        )  # fmt: skip
        return background

    def _record_growing(self) -> list[GrowingLine | None]:
        """Each growing line's draw calls at its full length (None for the others)."""
        for update in self._moving.updates:
            update(self.n_frames - 1)
        renderer = self.canvas.get_renderer()
        return [
            GrowingLine(artist, renderer) if grows else None  # type: ignore[arg-type]
            for artist, grows in zip(self._moving.artists, self._moving.growing, strict=True)
        ]

    def _keyframes_for_long_runs(self) -> None:
        """A long run's frames start from chained keyframes, a few pixels apart.

        Its history is drawn reduced to its pixels, which still costs a whole
        axes' width of drawing; drawn once into a keyframe, and each keyframe
        over the one before, a frame draws only the pixels since. Short runs,
        whose frames are cheap anyway, keep their pixels exactly as they were.
        """
        growing = [line for line in self._growing if line is not None]
        if not any(line.crowded for line in growing):
            return
        px_per_step = max(line.px_per_x for line in growing)
        self.keyframe_every = max(KEYFRAME_EVERY, math.ceil(KEYFRAME_PIXELS / px_per_step))
        self.chained = True
        # A growing line is drawn from its recorded calls alone: the panels'
        # updates may go on setting its points, but set_data copies them, and
        # that copy would grow with the step (a prefix of every point).
        for artist, line in zip(self._moving.artists, self._growing, strict=True):
            if line is not None:
                artist.set_data = _ignore  # type: ignore[attr-defined]

    # -- a window on a long run ---------------------------------------------------

    def _page_of(self, index: int) -> int:
        """The steps left of the window frame ``index`` is seen through (0: none).

        The window moves on by a quarter of its width at a time, so that its
        axes (their ticks and labels, the background) are drawn again only
        then; the newest step is always inside it, and at least three
        quarters of the window behind it.
        """
        window = self.spec.window
        if window is None or window >= self.n_frames:
            return 0
        stride = max(1, window // 4)
        return max(0, -(-(index + 1 - window) // stride) * stride)

    def _turn_page(self, origin: int) -> None:
        """Show steps origin+1 .. origin+window: new axes limits, background, keyframes."""
        window = self.spec.window
        assert window is not None
        lo, hi = origin, origin + window + 1  # as the whole run's 0 .. steps + 1
        for cell in self.cells:
            if panel(cell.panel).over_steps:  # not a surface's x, which is θ
                cell.ax.set_xlim(lo, hi)
        self.canvas.draw()
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        for line in self._growing:
            if line is not None:
                line.view(lo, hi)
        self._origin, self._keyframe = origin, None

    # -- frames ---------------------------------------------------------------------

    def _draw(self, index: int) -> memoryview:
        if not 0 <= index < self.n_frames:
            raise IndexError(f"frame {index} out of range 0..{self.n_frames - 1}")
        with self._rc.applied():
            page = self._page_of(index)
            if page != self._origin:
                self._turn_page(page)
            # Start from the keyframe holding steps 1..baked, and draw the rest of
            # each growing line on top: a frame's cost stays that of a few steps.
            baked = self._baked(index)
            start = baked == self._origin
            self.canvas.restore_region(self._background if start else self._key(baked))
            after = baked if baked else -np.inf
            self._draw_moving(index, after, everything=True, overdraw=self.chained)
            pixels = np.asarray(self.canvas.buffer_rgba())
            self._captions.paste(pixels, index + 1)
            for label in self._stamps:
                stamp = label.stamp
                stamp.draw(pixels, label.text_of(index), label.x, label.y, label.ha, label.va)
        return self.canvas.buffer_rgba()

    def _draw_moving(
        self, index: int, after: float, everything: bool, overdraw: bool = False
    ) -> None:
        """Frame ``index``'s moving artists, growing lines from past step ``after`` on.

        ``everything``: the artists that do not grow as well (not into a keyframe).
        ``overdraw``: see :meth:`GrowingLine.draw`.
        """
        for update in self._moving.updates:
            update(index)
        renderer = self.canvas.get_renderer()
        for artist, growing in zip(self._moving.artists, self._growing, strict=True):
            if growing is not None:
                growing.draw(renderer, after, index + 1, overdraw)
            elif everything:
                self.figure.draw_artist(artist)

    def _baked(self, index: int) -> int:
        """How many steps the keyframe that frame ``index`` starts from holds (0: none).

        Fewer than the frame shows (k <= index), so the newest step is always
        drawn after the newest lollipop's head, as it is without keyframes.
        """
        every, origin = self.keyframe_every, self._origin
        return origin + (index - origin) // every * every if every else origin

    def _key(self, baked: int) -> object:
        """The background with every growing artist's steps 1..baked drawn: a keyframe.

        It depends on ``baked`` alone, so every frame still depends on its index
        alone. The latest one is kept: frames drawn in order build each once.
        """
        if self._keyframe is not None and self._keyframe[0] == baked:
            return self._keyframe[1]
        if not self.chained:
            self.canvas.restore_region(self._background)
            self._draw_moving(baked - 1, self._origin or -np.inf, everything=False)
            self._keyframe = (baked, self.canvas.copy_from_bbox(self.figure.bbox))
            return self._keyframe[1]
        # Each keyframe drawn over the one before, from the first: the same
        # chain, and so the same pixels, whichever frame asks for it.
        every = self.keyframe_every
        held, region = (self._origin, self._background)
        if self._keyframe is not None and self._keyframe[0] < baked:
            held, region = self._keyframe
        for upto in range(held + every, baked + 1, every):
            self.canvas.restore_region(region)
            after = held if held else -np.inf
            self._draw_moving(upto - 1, after, everything=False, overdraw=True)
            region = self.canvas.copy_from_bbox(self.figure.bbox)
            held = upto
            self._keyframe = (held, region)
        return region

    def frame_rgba(self, index: int) -> np.ndarray:
        """The picture after step ``index + 1`` as an H×W×4 view of the canvas itself.

        No copy, for streaming into an encoder: the view is valid only until the
        next frame is drawn.
        """
        return np.asarray(self._draw(index))

    def frame(self, index: int) -> np.ndarray:
        """The picture after step ``index + 1``: an H×W×3 uint8 array of its own.

        H×W×4 for a transparent theme: the alpha is the picture's.
        """
        channels = 4 if self.spec.theme.transparent else 3
        return np.array(np.asarray(self._draw(index))[:, :, :channels])

    def vector(self, index: int, fmt: str) -> bytes:
        """The picture after step ``index + 1`` as SVG or PDF bytes, text kept as text."""
        from adamviz.figure.vector import vector_still

        if not 0 <= index < self.n_frames:
            raise IndexError(f"frame {index} out of range 0..{self.n_frames - 1}")
        moving = self._moving
        with self._rc.applied():
            return vector_still(
                self.figure, moving.updates, moving.artists, moving.labels, index, fmt
            )

    def frames(self, indices: Sequence[int] | None = None) -> Iterator[np.ndarray]:
        """Frames in order (all by default), each an H×W×3 uint8 array."""
        for index in range(self.n_frames) if indices is None else indices:
            yield self.frame(index)

    def _repr_html_(self) -> str:
        """In a notebook: the last frame, and how to get the others."""
        import base64
        import html
        import io

        from matplotlib.image import imsave

        buffer = io.BytesIO()
        imsave(buffer, self.frame(self.n_frames - 1), format="png")
        data = base64.b64encode(buffer.getvalue()).decode("ascii")
        title = html.escape(self.spec.title, quote=True)
        return (
            f'<figure style="margin: 0"><img src="data:image/png;base64,{data}" alt="{title}" '
            f'style="max-width: 100%"><figcaption>{html.escape(self.spec.title)}: '
            f"{self.n_frames} frames, {self.spec.width}×{self.spec.height}; the last shown "
            "(<code>.frame(i)</code>: frame i as an H×W×3 array; "
            "<code>adamviz.show(...)</code> plays it)</figcaption></figure>"
        )

    def close(self) -> None:
        """Drop the figure's artists and pixels now rather than at garbage collection."""
        self.figure.clear()
