"""Frames of a small two-parameter animation, and how tests find a colour in them."""

from __future__ import annotations

import numpy as np
from matplotlib.colors import to_rgb

#: The size and length of the figure and output tests' animation (the ``movie`` fixture).
WIDTH, HEIGHT = 480, 270
STEPS = 12

def rgb(color: str) -> np.ndarray:
    return np.round(np.array(to_rgb(color)) * 255)


def pixels_near(frame: np.ndarray, color: str, tolerance: float = 10) -> int:
    """How many pixels show ``color``, alone or antialiased over white.

    A thin line covers pixels partly, so its pixels are blends of its colour
    with the white page: a pixel counts when it is such a blend with at least
    40 % of the colour, within ``tolerance`` per channel.
    """
    toward = 255.0 - rgb(color)  # from white to the colour
    pixel = 255.0 - frame.astype(float)
    alpha = (pixel @ toward) / max(float(toward @ toward), 1e-9)
    residual = np.abs(pixel - alpha[..., None] * toward).max(axis=-1)
    return int(((alpha >= 0.4) & (residual <= tolerance)).sum())


def drawn_near(
    frame: np.ndarray, ax: object, point: tuple[float, float], color: str, radius: int = 2,
    tolerance: float = 40,
) -> bool:
    """Whether ``color`` is drawn within ``radius`` pixels of data ``point`` in ``ax``.

    ``tolerance``: as :func:`pixels_near`'s; the default finds a line's antialiased
    edges too, and so may take a pale edge of one colour for another.
    """
    x, y = ax.transData.transform(point)  # type: ignore[attr-defined]
    row, column = round(float(frame.shape[0] - y)), round(float(x))
    window = frame[row - radius : row + radius + 1, column - radius : column + radius + 1]
    return pixels_near(window, color, tolerance) > 0


def region(frame: np.ndarray, bbox: object) -> np.ndarray:
    """The pixels inside a display-space bbox (matplotlib's, from the bottom left)."""
    x0, y0, x1, y1 = (round(float(v)) for v in bbox.extents)  # type: ignore[attr-defined]
    height = frame.shape[0]
    return frame[max(height - y1, 0) : height - y0, max(x0, 0) : x1]
