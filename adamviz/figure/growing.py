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
says which step each point is with :func:`grows_by`.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from matplotlib.backend_bases import GraphicsContextBase, RendererBase
from matplotlib.lines import Line2D
from matplotlib.path import Path
from matplotlib.transforms import Transform


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
        recorder = _Recorder(renderer)
        line.draw(recorder)  # type: ignore[arg-type]
        self._calls = recorder.calls
        for call in self._calls:
            if len(call.path.vertices) != len(self.x) or call.path.codes is not None:
                raise ValueError("a growing line needs one path vertex per point")

    def draw(self, renderer: RendererBase, after: float, upto: float) -> None:
        """Draw the points with ``after`` < x <= ``upto``, strokes joined to the point before.

        The stroke starts one point earlier, at the last point with x <= ``after``,
        so that it meets what a keyframe drew up to ``after``; markers do not.
        """
        stop = int(np.searchsorted(self.x, upto, side="right"))
        first = int(np.searchsorted(self.x, after, side="right"))
        for call in self._calls:
            start = first if call.markers else max(first - 1, 0)
            if stop - start < 1:
                continue
            path = Path(call.path.vertices[start:stop])
            if call.marker is None:
                renderer.draw_path(call.gc, path, call.transform, call.face)
            else:
                marker_path, marker_trans = call.marker
                renderer.draw_markers(
                    call.gc, marker_path, marker_trans, path, call.transform, call.face
                )
