"""A growing line drawn from its own draw calls, recorded once, replayed over a range of its points.

A line that shows steps 1..i+1 at frame i (a curve, the lollipops' stems and
heads) is the same line at every frame, cut shorter. ``Line2D.draw`` spends
most of a frame's time, not in drawing, but in getting ready to (converting
units, rebuilding its path and transforms after every ``set_data``: about
0.1 ms a line, and a figure of several runs has dozens). So the line
draws itself once, at its full length, into a :class:`_Recorder` that keeps
the renderer calls it makes (its graphics context, its path transformed as
far as the non-affine part, the affine, the marker); a frame replays those
calls with the path cut to the points it shows. The calls are the line's own,
so the pixels are those ``Line2D.draw`` makes for the same points.

A line's path holds one vertex per data point (the default draw style, every
marker drawn): the points with x <= step are a prefix of it. A line whose
points come step by step but not in order of x (a path on a loss surface)
says which step each point is with :func:`grows_by`; it is drawn as it is,
never reduced (its pixel columns are not its steps') nor moved by a window.

A long run has far more points than the axes have pixel columns, and drawing
all of them made a frame's cost grow with its step. So each call's path is
reduced, once, to what the pixels can show (:mod:`adamviz.figure.reduce`): a
few vertices per pixel column. A frame draws the reduced vertices of the
columns it has passed and the full ones of the column it is in, so its cost
is bounded by the axes' width, not the step. A path with no crowded column
is not reduced at all: short runs draw exactly what they always drew.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from matplotlib.backend_bases import GraphicsContextBase, RendererBase
from matplotlib.lines import Line2D
from matplotlib.path import Path
from matplotlib.transforms import Affine2D, Transform

from adamviz.figure.reduce import Reduction, reduce_call


class _Call(NamedTuple):
    """One renderer call the line made: a stroke of its path, or its markers along it."""

    markers: bool
    gc: GraphicsContextBase
    path: Path
    """The line's whole path, transformed as far as the non-affine part."""
    transform: Transform
    """The affine that takes it the rest of the way to pixels."""
    marker: tuple[Path, Transform] | None
    face: Any


class _Recorder:
    """Stands in for the renderer while a line draws itself, and keeps what it draws."""

    def __init__(self, renderer: RendererBase) -> None:
        self._renderer = renderer
        self.calls: list[_Call] = []

    def __getattr__(self, name: str) -> Any:
        # new_gc, points_to_pixels, open_group, ...: the renderer's own.
        return getattr(self._renderer, name)

    def draw_path(self, gc: GraphicsContextBase, path: Path, transform: Transform,
                  rgbFace: Any = None) -> None:  # fmt: skip
        self.calls.append(_Call(False, gc, path, transform, None, rgbFace))

    def draw_markers(
        self, gc: GraphicsContextBase, marker_path: Path, marker_trans: Transform, path: Path,
        trans: Transform, rgbFace: Any = None,
    ) -> None:  # fmt: skip
        self.calls.append(_Call(True, gc, path, trans, (marker_path, marker_trans), rgbFace))


#: Where :func:`grows_by` keeps a line's steps, one per point, on the line itself.
_STEPS = "_adamviz_steps"


def grows_by(line: Line2D, steps: np.ndarray) -> Line2D:
    """Mark ``line`` as growing by ``steps`` (ascending, one per point) rather than by its x."""
    setattr(line, _STEPS, np.asarray(steps, dtype=np.float64))
    return line


class GrowingLine:
    """A line's draw calls at its full length, and the x of each of its points.

    Record it once the figure's layout is final (the calls hold its transforms
    as they then are) and its data hold every step.
    """

    def __init__(self, line: Line2D, renderer: RendererBase) -> None:
        steps = getattr(line, _STEPS, None)
        self.x = np.asarray(line.get_xdata() if steps is None else steps, dtype=np.float64)
        #: Its x is not its steps (a path on a surface): no reduction, no window.
        self._by_steps = steps is not None
        recorder = _Recorder(renderer)
        line.draw(recorder)  # type: ignore[arg-type]
        self._calls = recorder.calls
        for call in self._calls:
            if len(call.path.vertices) != len(self.x) or call.path.codes is not None:
                raise ValueError("a growing line needs one path vertex per point")
        self._widths = [renderer.points_to_pixels(call.gc.get_linewidth()) for call in self._calls]
        # An envelope is filled, not stroked: a stroke would widen it past its column.
        self._fill_gc = renderer.new_gc()
        # Where the axes' x-range lies in pixels, as recorded: a window moves it (view).
        axes = line.axes
        assert axes is not None, "a growing line is drawn in axes"
        self._left, self._width = float(axes.bbox.x0), float(axes.bbox.width)
        self._xlim = axes.get_xlim()
        self.view(*self._xlim)

    def view(self, lo: float, hi: float) -> None:
        """Draw as if the x-axis ran from ``lo`` to ``hi`` (a window on a long run).

        Only x moves, so each call's transform is followed by the affine that
        takes the recorded x-range's pixels to this one's; the reductions are
        made again, for the pixel columns the line now falls in.
        """
        if self._by_steps:
            n = len(self._calls)
            self._transforms = [call.transform for call in self._calls]
            self._reduced = [None] * n
            self.px_per_x, self._reach = 0.0, [0.0] * n
            return
        x0, x1 = self._xlim
        to_view = (
            Affine2D()
            .translate(-self._left, 0)
            .scale((x1 - x0) / (hi - lo), 1)
            .translate(self._left - (lo - x0) * self._width / (hi - lo), 0)
        )
        same = (lo, hi) == (x0, x1)
        self._transforms = [
            call.transform if same else call.transform + to_view for call in self._calls
        ]
        self._reduced: list[Reduction | None] = [
            reduce_call(call.path.vertices, transform, call.markers, width)
            for call, transform, width in zip(
                self._calls, self._transforms, self._widths, strict=True
            )
        ]
        #: Pixels per unit of x, the most any call has: how far apart steps are drawn.
        self.px_per_x = max((_px_per_x(t) for t in self._transforms), default=0.0)
        # How far back in x a stroke's ink reaches past its last point: a stroke
        # drawn over what a keyframe holds starts that far back (see draw).
        self._reach = [
            (width + 2.0) / max(_px_per_x(transform), 1e-300)
            for transform, width in zip(self._transforms, self._widths, strict=True)
        ]

    @property
    def crowded(self) -> bool:
        """Whether some pixel holds more of the line than it can show (it is drawn reduced)."""
        return any(reduced is not None for reduced in self._reduced)

    def draw(
        self, renderer: RendererBase, after: float, upto: float, overdraw: bool = False
    ) -> None:
        """Draw the points with ``after`` < x <= ``upto``, strokes joined to the point before.

        The stroke starts one point earlier, at the last point with x <= ``after``,
        so that it meets what a keyframe drew up to ``after``; markers and fills
        do not. ``overdraw``: strokes start where their ink reaches ``after``
        from, so that they lie again over whatever the new points are drawn over
        them (a stem over the end of a curve): the picture's order, at the cost
        of a short stretch of stroke drawn twice.
        """
        stop = int(np.searchsorted(self.x, upto, side="right"))
        first = int(np.searchsorted(self.x, after, side="right"))
        lines = zip(self._calls, self._transforms, self._reduced, self._reach, strict=True)
        for call, transform, reduced, reach in lines:
            filled = reduced is not None and reduced.filled
            if call.markers or filled:
                start = first
            elif overdraw:
                start = max(int(np.searchsorted(self.x, after - reach, side="right")) - 1, 0)
            else:
                start = max(first - 1, 0)
            if stop - start < 1:
                continue
            if reduced is None:
                path = Path(call.path.vertices[start:stop])
            else:
                piece = reduced.between(start, stop)
                path, transform = Path(piece.vertices), piece.transform
                if piece.filled:
                    self._fill(renderer, call, path, transform)
                    continue
            if call.marker is None:
                renderer.draw_path(call.gc, path, transform, call.face)
            else:
                marker_path, marker_trans = call.marker
                renderer.draw_markers(
                    call.gc, marker_path, marker_trans, path, transform, call.face
                )

    def _fill(self, renderer: RendererBase, call: _Call, path: Path, transform: Transform) -> None:
        """Fill ``path`` in the stroke's colour, unstroked."""
        gc = self._fill_gc
        gc.copy_properties(call.gc)
        gc.set_linewidth(0)
        renderer.draw_path(gc, path, transform, gc.get_rgb())


def _px_per_x(transform: Transform) -> float:
    """How many pixels one unit of x spans under ``transform`` (an affine)."""
    ends = transform.transform(np.array([[0.0, 0.0], [1.0, 0.0]]))
    return float(abs(ends[1, 0] - ends[0, 0]))
