"""Captions: words on the frames while their steps play, drawn once each and pasted.

A caption sits in a strip of its own under the title, which the layout
reserves when the figure has captions (a figure without them is laid out as
it always was), so nothing that moves ever draws there. Each caption is drawn
once, by matplotlib, over the background; the frames of its steps copy that
block of pixels in: a caption costs a frame a memory copy, not a text layout.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import IdentityTransform

from adamviz.text import for_matplotlib, math_spans

#: The captions' font size at the picture's reference height (540 px), in points.
FONT_SIZE = 11.5
_LINE = 1.3  # line height, in font sizes
#: Lines a caption may wrap to (MAX_CAPTION_CHARS fits in two at 960 px).
MAX_LINES = 3
_CHAR_WIDTH = 0.56  # DejaVu Sans's mean advance, in font sizes: to wrap before measuring


@dataclass(frozen=True)
class CaptionSpec:
    """Shown from step ``first`` to step ``last`` (both included)."""

    first: int
    last: int
    text: str


def _points_to_px(points: float, dpi: float) -> float:
    return points * dpi / 72


def wrapped(specs: Sequence[CaptionSpec], width: int, scale: float, dpi: float) -> list[str]:
    """Each caption's text broken into lines that fit the width (at most MAX_LINES)."""
    size = _points_to_px(FONT_SIZE * scale, dpi)
    per_line = max(10, int(0.96 * width / (_CHAR_WIDTH * size)))
    texts = []
    for spec in specs:
        lines = [
            for_matplotlib(line.replace(_KEPT_SPACE, " "))
            for paragraph in spec.text.splitlines()
            for line in (textwrap.wrap(_keep_maths_whole(paragraph), per_line) or [""])
        ]
        texts.append("\n".join(lines[:MAX_LINES]))
    return texts


#: Stands for a space inside $…$ while a caption is wrapped: a line break there would
#: leave two halves of a formula, neither of which parses.
_KEPT_SPACE = "\x00"


def _keep_maths_whole(paragraph: str) -> str:
    pieces, position = [], 0
    for start, end in math_spans(paragraph):
        pieces += [paragraph[position:start], paragraph[start:end].replace(" ", _KEPT_SPACE)]
        position = end
    return "".join([*pieces, paragraph[position:]])


def strip_height(specs: Sequence[CaptionSpec], width: int, scale: float, dpi: float) -> float:
    """Pixels the layout keeps free under the title: the most lines any caption takes."""
    if not specs:
        return 0.0
    lines = max(text.count("\n") + 1 for text in wrapped(specs, width, scale, dpi))
    return lines * _LINE * _points_to_px(FONT_SIZE * scale, dpi) + 6 * scale


class CaptionBlocks:
    """Every caption drawn over the background once; pasted into the frames of its steps."""

    def __init__(
        self,
        figure: Figure,
        canvas: FigureCanvasAgg,
        specs: Sequence[CaptionSpec],
        color: str,
        scale: float,
        background: object,
    ) -> None:
        self._ranges = [(spec.first, spec.last) for spec in specs]
        self._blocks: list[tuple[int, int, np.ndarray]] = []
        if not specs:
            return
        title = figure._suptitle  # the title the layout placed: the captions go below it
        renderer = canvas.get_renderer()
        top = title.get_window_extent(renderer).y0 if title is not None else figure.bbox.y1
        x = 0.01 * figure.bbox.width
        height = int(figure.bbox.height)
        for text in wrapped(specs, int(figure.bbox.width), scale, figure.dpi):
            canvas.restore_region(background)
            label = figure.text(
                x, top - 2 * scale, text, ha="left", va="top", transform=IdentityTransform(),
                fontsize=FONT_SIZE * scale, color=color, linespacing=_LINE,
            )  # fmt: skip
            figure.draw_artist(label)
            box = label.get_window_extent(renderer)
            label.remove()
            pixels = np.asarray(canvas.buffer_rgba())
            # Rows from the top, padded for antialiasing past the measured box.
            r0, r1 = max(0, int(height - box.y1) - 2), min(height, int(height - box.y0) + 3)
            c0, c1 = max(0, int(box.x0) - 2), min(pixels.shape[1], int(box.x1) + 3)
            self._blocks.append((r0, c0, pixels[r0:r1, c0:c1].copy()))
        canvas.restore_region(background)

    def at(self, step: int) -> int | None:
        """The caption shown at ``step`` (1-based), if any: captions never overlap."""
        for index, (first, last) in enumerate(self._ranges):
            if first <= step <= last:
                return index
        return None

    def paste(self, pixels: np.ndarray, step: int) -> None:
        """Copy the caption of ``step`` into ``pixels`` (H×W×4, rows from the top)."""
        index = self.at(step)
        if index is None:
            return
        r0, c0, block = self._blocks[index]
        pixels[r0 : r0 + block.shape[0], c0 : c0 + block.shape[1]] = block
