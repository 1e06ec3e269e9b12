"""A size budget (``--max-size 10MB``): what to lower, in which order, and how to say it.

A figure over its budget is rendered again with less in it: first fewer
frames (every 2nd step, at half the frame rate, so it lasts as long), then
fewer pixels, then both, down to a quarter of the pixels and every 8th step.
Each try is a real render, measured; the first one that fits is kept. The
sizes of compressed frames do not follow a formula closely enough to skip
measuring, but they follow one well enough to skip the tries that cannot fit:
a try is made only when the last measured size, scaled by its share of frames
and pixels, says it might. When nothing fits, one line says what the smallest
try came to, which is the budget that would have fitted it.

Standard library only: the CLI parses the option before loading anything.
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple

#: GitHub shows images and videos in a README up to 10 MB: above it, a warning.
GITHUB_LIMIT = 10_000_000

_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9,
          "kib": 2**10, "mib": 2**20, "gib": 2**30}  # fmt: skip
_SIZE = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*([a-z]*)\s*$", re.IGNORECASE)


def parse_size(text: str) -> int:
    """Bytes from ``10MB``, ``500 KB``, ``1.5MiB`` or ``20000``; a ValueError that says why."""
    match = _SIZE.match(text)
    unit = match.group(2).lower() if match else ""
    if match is None or unit not in _UNITS:
        raise ValueError(f"expected a size such as 10MB, 500KB or 2MiB, got {text!r}")
    size = float(match.group(1)) * _UNITS[unit]
    if not 1 <= size <= 2**50:
        raise ValueError(f"expected a size from 1 byte to 1 PiB, got {text!r}")
    return int(size)


def format_size(size: float) -> str:
    """``12.3 MB``, ``456 KB``: decimal units, as GitHub counts them."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if size >= scale:
            return f"{size / scale:.3g} {unit}"
    return f"{size:.0f} B"


class Attempt(NamedTuple):
    """One try: the pixels (a share of each side) and which steps become frames."""

    scale: float
    stride: int

    def describe(self, width: int, height: int, fps: float) -> str:
        w, h = self.size(width, height)
        steps = "every step" if self.stride == 1 else f"every {_nth(self.stride)} step"
        return f"{w}×{h}, {steps} at {fps / self.stride:.3g} fps"

    def size(self, width: int, height: int) -> tuple[int, int]:
        """The pixel size: even numbers, no smaller than the smallest figure (160×90)."""
        return _even(width * self.scale, 160), _even(height * self.scale, 90)


def _even(value: float, least: int) -> int:
    return max(least, 2 * round(value / 2))


def _nth(n: int) -> str:
    return f"{n}{'nd' if n == 2 else 'rd' if n == 3 else 'th'}"


#: From the least lost to the most: frames go before pixels, which readers miss more.
ANIMATION_TRIES = (
    Attempt(1.0, 1), Attempt(1.0, 2), Attempt(0.75, 2), Attempt(0.75, 3), Attempt(0.5, 4),
    Attempt(0.5, 8),
)  # fmt: skip
STILL_TRIES = (Attempt(1.0, 1), Attempt(0.75, 1), Attempt(0.5, 1))


def predicted(measured: int, was: Attempt, then: Attempt) -> float:
    """The size ``then`` may come to, from the size ``was`` measured.

    Proportional to the frames, and to the pixels' side rather than their area:
    a smaller frame holds the same lines and text, which compress alike.
    """
    return measured * (was.stride / then.stride) * (then.scale / was.scale)


def frame_indices(n_frames: int, stride: int) -> list[int]:
    """The frames an attempt keeps: every ``stride``-th step, and always the last."""
    kept = list(range(stride - 1, n_frames, stride))
    if not kept or kept[-1] != n_frames - 1:
        kept.append(n_frames - 1)
    return kept


def too_large(path: str, budget: int, tries: list[tuple[str, int]]) -> str:
    """The one line for a budget nothing fits: the first and the smallest try, measured."""
    first, smallest = tries[0], tries[-1]
    digits = 10 ** max(0, math.floor(math.log10(smallest[1])) - 1)  # two significant digits
    fits = format_size(math.ceil(smallest[1] / digits) * digits)
    tried = (
        f"{first[0]} is {format_size(first[1])}"
        if len(tries) == 1
        else f"{first[0]} is {format_size(first[1])} and {smallest[0]} still "
        f"{format_size(smallest[1])}"
    )
    return (
        f"{path}: nothing fits --max-size {format_size(budget)}: {tried}; "
        f"--max-size {fits.replace(' ', '')} would fit it, or fewer steps, "
        "or another format (an MP4 or WebM is a fraction of a GIF)"
    )
