"""Text that changes every frame, stamped from glyphs rasterized once.

matplotlib lays out (with libraqm) and rasterizes a ``Text`` anew at every
draw: measured here at about 1.5 ms per label, more than all the moving curves
of a frame together. The labels that change every frame (the step counter, the
current ratio) use a dozen distinct characters, so each character is rasterized
once, by matplotlib's own Agg renderer and font, and a frame's label is pasted
together from those coverage masks. DejaVu's digits are all the same width, so
laying them side by side without kerning is how they are set anyway.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.colors import to_rgb
from matplotlib.font_manager import FontProperties

# Room around each glyph for ink that overhangs its advance box.
_PAD = 4


class StampedText:
    """One label's font and colour, and the glyphs it has drawn so far."""

    def __init__(
        self, prop: FontProperties, color: str, dpi: float, transparent: bool = False
    ) -> None:
        self.prop, self.dpi = prop, dpi
        #: Paper with alpha 0 under the text: the glyph's coverage becomes the pixel's alpha.
        self.transparent = transparent
        self.color = np.array(to_rgb(color), dtype=np.float32) * 255
        probe = RendererAgg(8, 8, dpi)
        # One ascent and descent for every string: the baseline never jumps
        # between frames, as it would if each string's own ink set it.
        _, height, descent = probe.get_text_width_height_descent("0Ay|", prop, ismath=False)
        self.ascent, self.descent = int(np.ceil(height - descent)), int(np.ceil(descent))
        self._glyphs: dict[str, tuple[np.ndarray, int]] = {}
        self._blends: dict[str, _Blend | None] = {}

    def _glyph(self, char: str) -> tuple[np.ndarray, int]:
        """The character's coverage (0..1, with _PAD around it) and its advance in pixels."""
        if char not in self._glyphs:
            probe = RendererAgg(8, 8, self.dpi)
            advance = round(probe.get_text_width_height_descent(char, self.prop, False)[0])
            height = self.ascent + self.descent + 2 * _PAD
            renderer = RendererAgg(advance + 2 * _PAD, height, self.dpi)
            gc = renderer.new_gc()
            gc.set_foreground("black")
            if not char.isspace():
                renderer.draw_text(gc, _PAD, _PAD + self.ascent, char, self.prop, 0)
            coverage = np.asarray(renderer.buffer_rgba())[:, :, 3].astype(np.float32) / 255
            self._glyphs[char] = (coverage, advance)
        return self._glyphs[char]

    def width(self, text: str) -> int:
        return sum(self._glyph(char)[1] for char in text)

    def draw(self, pixels: np.ndarray, text: str, x: float, y: float, ha: str, va: str) -> None:
        """Paste ``text`` into ``pixels`` (H×W×4, rows from the top) anchored at display (x, y).

        (x, y) is in matplotlib's display coordinates (pixels from the bottom
        left), aligned as a ``Text`` with the same ``ha`` and ``va`` would be.
        """
        height = pixels.shape[0]
        left = {"left": x, "center": x - self.width(text) / 2, "right": x - self.width(text)}[ha]
        baseline_from_bottom = {
            "bottom": y + self.descent, "baseline": y, "top": y - self.ascent,
            "center": y - (self.ascent - self.descent) / 2,
        }[va]  # fmt: skip
        top = round(height - baseline_from_bottom) - self.ascent - _PAD
        cursor = round(left) - _PAD
        for char in text:
            blend = self._blend(char)
            if blend is not None:
                self._paste(pixels, blend, top, cursor)
            cursor += self._glyph(char)[1]

    def _blend(self, char: str) -> _Blend | None:
        """The character's blend, computed once; None for one that leaves no ink (a space)."""
        if char not in self._blends:
            coverage = self._glyph(char)[0][:, :, None]
            blank = not coverage.any()
            self._blends[char] = None if blank else _Blend(1 - coverage, self.color * coverage)
        return self._blends[char]

    def _paste(self, pixels: np.ndarray, blend: _Blend, top: int, left: int) -> None:
        """Blend the colour over ``pixels`` through the glyph's coverage, clipped to the picture."""
        height, width = blend.keep.shape[:2]
        r0, r1 = max(top, 0), min(top + height, pixels.shape[0])
        c0, c1 = max(left, 0), min(left + width, pixels.shape[1])
        if r0 >= r1 or c0 >= c1:
            return
        within = slice(r0 - top, r1 - top), slice(c0 - left, c1 - left)
        if self.transparent:
            self._paste_over(pixels[r0:r1, c0:c1], blend.keep[within])
            return
        region = pixels[r0:r1, c0:c1, :3]
        blended = region * blend.keep[within] + blend.ink[within]
        region[...] = np.rint(blended).astype(np.uint8)

    def _paste_over(self, region: np.ndarray, keep: np.ndarray) -> None:
        """The glyph composited over pixels that may be see-through (Agg's plain RGBA)."""
        coverage = 1 - keep
        below = region[:, :, 3:].astype(np.float32) / 255
        alpha = coverage + below * keep
        rgb = (self.color * coverage + region[:, :, :3] * below * keep) / np.maximum(alpha, 1e-6)
        region[:, :, :3] = np.rint(rgb).astype(np.uint8)
        region[:, :, 3:] = np.rint(alpha * 255).astype(np.uint8)


class _Blend(NamedTuple):
    """A glyph's share of a pixel, ready to blend: pixel × keep + ink, as float32."""

    keep: np.ndarray
    """1 - coverage: how much of the pixel under the glyph stays."""
    ink: np.ndarray
    """The colour × coverage: what the glyph adds."""
