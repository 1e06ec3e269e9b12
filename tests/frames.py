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
