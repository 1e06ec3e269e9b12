"""How a figure looks: a colour for every role in the picture.

A theme is a value: the light theme is one :class:`Theme`, and another look
(a dark one, a blog's own) is one more instance, not a new code path. The
panels ask for a role (``theme.mean``), never for a colour.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    """The palette, by role (DESIGN.md "The picture")."""

    name: str
    paper: str
    """The background of the figure and of its axes."""
    ink: str
    """Text, axes and ticks."""
    gradient: str
    """The lollipops, one per gradient: a neutral grey."""
    newest: str
    """The newest lollipop's head, a shade darker than the rest."""
    mean: str
    """m̂, the bias-corrected first moment: blue."""
    rms: str
    """√v̂, the root mean square: orange."""
    ratio: str
    """m̂ / (√v̂ + ε), and its value written on the frame."""
    step_size: str
    """lr / (√v̂ + ε), and its value."""
    theta: str
    """θ, and its value."""
    counter: str
    """The step counter."""
    reference: str
    """Lines to read the others against: 0, ±1, a loss's minimum."""


LIGHT = Theme(
    name="light",
    paper="white",
    ink="black",
    gradient="#9a9a9a",
    newest="#4d4d4d",
    mean="#1f77b4",
    rms="#ff7f0e",
    ratio="#6a3d9a",
    step_size="#2ca02c",
    theta="#222222",
    counter="#222222",
    reference="#b0b0b0",
)

# The light theme's colours by the names tests and benchmarks know them by.
GRADIENT_GREY = LIGHT.gradient
NEWEST_GREY = LIGHT.newest
MEAN_BLUE = LIGHT.mean
RMS_ORANGE = LIGHT.rms
RATIO_PURPLE = LIGHT.ratio
STEP_GREEN = LIGHT.step_size
THETA_BLACK = LIGHT.theta
REFERENCE_GREY = LIGHT.reference
