"""A growing line's path cut down to what the pixels can show: a few vertices per pixel column.

At 20 000 steps across 800 pixels, 25 steps share a pixel column, and drawing
all of them costs 25 times what the picture needs. Each of a line's draw
calls is reduced once, in pixels (after its transform), column by column:

- a curve keeps, per column, its first, lowest, highest and last vertex (the
  "M4" reduction): the stroke then covers the same pixels, and joins its
  neighbours at the same points;
- lollipop stems (one segment 0→g per step, NaN between them), once they are
  closer than their own width and so overlap into a solid band, become their
  envelope: per column, a filled span from the lowest stem's end to the
  highest's, exactly one pixel column wide;
- markers (a stamp drawn at each vertex, rounded to a whole pixel by Agg)
  keep at most :data:`STAMPS_PER_PIXEL` stamps on any one pixel: more of the
  same stamp in the same place change only the faint rim of its antialiasing.

A path with no crowded column is not reduced at all, so short runs are drawn
exactly as without reduction. :meth:`Reduction.between` serves any prefix of
the path, as a frame needs it: the reduction of the columns the prefix has
passed, computed once, and of the part of the column it is in, computed then,
so a frame's cost is bounded by the axes' width whatever its step.
"""

from __future__ import annotations

import itertools
from typing import NamedTuple, Protocol

import numpy as np
from matplotlib.transforms import IdentityTransform, Transform

#: Identical marker stamps kept per pixel.
STAMPS_PER_PIXEL = 4
#: A curve's vertices kept per pixel column (first, lowest, highest, last).
CURVE_PER_COLUMN = 4


class Piece(NamedTuple):
    """What to draw for part of a path: vertices, the transform to pixels, filled or stroked."""

    vertices: np.ndarray
    transform: Transform
    filled: bool = False


class Reduction(Protocol):
    filled: bool
    """Drawn as filled pieces (an envelope), not as the call's own strokes or markers."""

    def between(self, start: int, stop: int) -> Piece:
        """What to draw for the full path's vertices ``[start, stop)``."""
        ...


def _columns(vertices: np.ndarray, transform: Transform) -> np.ndarray:
    """Each vertex's pixel column, from its x alone (a NaN y must not make it NaN)."""
    xy = np.column_stack([vertices[:, 0], np.zeros(len(vertices))])
    return np.floor(transform.transform(xy)[:, 0]).astype(np.int64)


def _column_starts(column: np.ndarray) -> np.ndarray:
    """The index where each run of equal columns starts."""
    return np.r_[0, np.flatnonzero(np.diff(column)) + 1]


def _m4(y: np.ndarray, lo: int, hi: int) -> list[int]:
    """The indices a column [lo, hi) keeps: all of few or of non-finite ones, else 4."""
    if hi - lo <= CURVE_PER_COLUMN or not np.isfinite(y[lo:hi]).all():
        return list(range(lo, hi))
    inside = y[lo:hi]
    return sorted({lo, hi - 1, lo + int(np.argmin(inside)), lo + int(np.argmax(inside))})


class _Curve:
    """A stroked line, M4-reduced column by column."""

    filled = False

    def __init__(self, vertices: np.ndarray, column: np.ndarray, transform: Transform) -> None:
        self.full, self.column, self.transform = vertices, column, transform
        starts = _column_starts(column)
        bounds = [*starts.tolist(), len(column)]
        y = vertices[:, 1]
        self.kept = np.array(
            [i for lo, hi in itertools.pairwise(bounds) for i in _m4(y, lo, hi)],
            dtype=np.int64,
        )

    def between(self, start: int, stop: int) -> Piece:
        # The column vertex stop-1 is in may not be complete: reduced as far as it goes.
        open_from = max(int(np.searchsorted(self.column, self.column[stop - 1], "left")), start)
        lo, hi = np.searchsorted(self.kept, (start, open_from))
        indices = np.r_[self.kept[lo:hi], _m4(self.full[:, 1], open_from, stop)].astype(np.int64)
        return Piece(self.full[indices], self.transform)


class _Envelope:
    """Overlapping stems as one filled span per pixel column, from the lowest end to the highest."""

    filled = True

    def __init__(self, vertices: np.ndarray, column: np.ndarray, transform: Transform) -> None:
        self.transform = transform
        self.column = column
        tips = vertices[1::3]
        # The stems' ends and their base (0) in pixels: a column spans all of them.
        self.tip_y = transform.transform(tips)[:, 1]
        self.base_y = float(transform.transform(np.array([[tips[0, 0], 0.0]]))[0, 1])
        step_column = column[0::3]
        self.starts = _column_starts(step_column)
        self.columns = step_column[self.starts]
        self.top = np.maximum(np.maximum.reduceat(self.tip_y, self.starts), self.base_y)
        self.bottom = np.minimum(np.minimum.reduceat(self.tip_y, self.starts), self.base_y)

    def between(self, start: int, stop: int) -> Piece:
        first, last = start // 3, (stop - 1) // 3  # the first and last stems shown
        c0 = int(np.searchsorted(self.starts, first, "right")) - 1
        c1 = int(np.searchsorted(self.starts, last, "right")) - 1
        top, bottom = self.top[c0 : c1 + 1].copy(), self.bottom[c0 : c1 + 1].copy()
        # The first and last columns may be shown in part: their span from the stems shown.
        for k, lo in ((0, max(first, self.starts[c0])), (-1, self.starts[c1])):
            c = c0 if k == 0 else c1
            hi = last + 1 if c == c1 else self.starts[c + 1]
            ends = self.tip_y[lo:hi]
            top[k] = max(self.base_y, ends.max())
            bottom[k] = min(self.base_y, ends.min())
        x = self.columns[c0 : c1 + 1].astype(np.float64)
        upper = np.column_stack([np.repeat(x, 2) + np.tile([0.0, 1.0], len(x)), np.repeat(top, 2)])
        lower = np.column_stack([np.repeat(x, 2) + np.tile([0.0, 1.0], len(x)),
                                 np.repeat(bottom, 2)])[::-1]  # fmt: skip
        return Piece(np.concatenate([upper, lower]), IdentityTransform(), filled=True)


class _Stamps:
    """Markers, at most :data:`STAMPS_PER_PIXEL` on one pixel: the same in every prefix."""

    filled = False

    def __init__(self, vertices: np.ndarray, kept: np.ndarray, transform: Transform) -> None:
        self.full, self.kept, self.transform = vertices, kept, transform

    def between(self, start: int, stop: int) -> Piece:
        lo, hi = np.searchsorted(self.kept, (start, stop))
        return Piece(self.full[self.kept[lo:hi]], self.transform)


def _is_stems(vertices: np.ndarray) -> bool:
    """One segment from 0 per point, NaN after each: the lollipops' stems."""
    n = len(vertices)
    return (
        n >= 3
        and n % 3 == 0
        and bool(np.isnan(vertices[2::3, 1]).all())
        and bool((vertices[0::3, 1] == 0).all())
        and bool((vertices[0::3, 0] == vertices[1::3, 0]).all())
        and bool(np.isfinite(vertices[1::3, 1]).all())
    )


def _kept_stamps(vertices: np.ndarray, transform: Transform) -> np.ndarray | None:
    """The markers to stamp: those with fewer than STAMPS_PER_PIXEL before them on their pixel."""
    pixels = np.rint(transform.transform(vertices))
    finite = np.flatnonzero(np.isfinite(pixels).all(axis=1))
    if len(finite) < 2:
        return None
    _, group = np.unique(pixels[finite].astype(np.int64), axis=0, return_inverse=True)
    group = group.ravel()
    order = np.argsort(group, kind="stable")
    starts = _column_starts(group[order])
    sizes = np.diff(np.r_[starts, len(order)])
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) - np.repeat(starts, sizes)
    if rank.max() < STAMPS_PER_PIXEL:
        return None
    return finite[rank < STAMPS_PER_PIXEL]


def reduce_call(
    vertices: np.ndarray, transform: Transform, markers: bool, width_px: float = 1.0
) -> Reduction | None:
    """The reduction of one draw call's path (None: no pixel is crowded, draw it whole).

    ``transform``: the affine that takes ``vertices`` to pixels; ``markers``:
    the call stamps a marker at each vertex rather than stroking the path;
    ``width_px``: the stroke's width in pixels (stems closer than it overlap).
    """
    if len(vertices) < 2:
        return None
    if markers:
        kept = _kept_stamps(vertices, transform)
        return None if kept is None else _Stamps(vertices, kept, transform)
    column = _columns(vertices, transform)
    if _is_stems(vertices):
        # Only stems of some height overlap: a sparse gradient's few stems stay stems.
        tall = vertices[0::3, 0][vertices[1::3, 1] != 0]
        x = transform.transform(np.column_stack([tall, np.zeros(len(tall))]))[:, 0]
        if len(x) < 2 or (x[-1] - x[0]) / (len(x) - 1) >= width_px:
            return None  # stems apart: each drawn as it is
        return _Envelope(vertices, column, transform)
    crowded = np.diff(np.r_[_column_starts(column), len(column)]).max() > CURVE_PER_COLUMN
    return _Curve(vertices, column, transform) if crowded else None
