"""Whether a laid-out figure leaves every axes room to be read, and what to change if not.

Fonts and lines scale with the frame's height (see layout), so an axes'
size is measured in pixels at the reference height of 540: a frame twice as
tall has the same room, only larger. What makes axes too small is how many
share the frame (parameters across; panels and runs down) and, across, how
wide the frame is for its height. Below these sizes tick labels overlap and
curves are a few pixels long; constrained layout itself gives up earlier
still (its "axes sizes collapsed to zero").
"""

from __future__ import annotations

import math

from matplotlib.figure import Figure

from adamviz.errors import AdamvizError

#: The least room an axes needs, in pixels at the reference height: about three
#: tick labels up its side, and a curve of a few dozen points across.
MIN_WIDTH, MIN_HEIGHT = 30.0, 20.0
#: What an axes' y tick labels (beside it) and titles (above it) take, at the least, in
#: pixels at the reference height (as layout.grid_columns estimates them).
_DECORATION_WIDTH, _DECORATION_HEIGHT = 45.0, 28.0
#: The widest frame a scenario may ask for (its schema's limit).
MAX_WIDTH = 3840


class FigureTooSmall(AdamvizError):
    """The frame cannot hold its panels readably; the message says what would."""


def contents(params: int, panels: int, runs: int, width: int, height: int) -> str:
    """What shares the frame, in words: "8 parameters × 4 panels at 960×540" (× runs)."""

    def count(n: int, what: str) -> str:
        return f"{n} {what}{'s' if n != 1 else ''}"

    parts = [count(params, "parameter"), count(panels, "panel")]
    if runs > 1:
        parts.append(count(runs, "run"))
    return " × ".join(parts) + f" at {width}×{height}"


def check_counts(
    across: int, down: int, width: int, height: int, scale: float, what: str
) -> None:
    """Before any axes is made: ``across`` × ``down`` axes cannot have more than their
    share of the frame, so a grid of hundreds is refused at once, not after the layout
    has tried (which takes a minute at 12 runs × 8 parameters × 4 panels).

    ``scale``: the frame's height over the reference height (FigureSpec.scale)."""
    # Each axes' share, less what its tick labels and titles take at the least.
    share_w = width / across / scale - _DECORATION_WIDTH
    share_h = height / down / scale - _DECORATION_HEIGHT
    if share_w >= MIN_WIDTH and share_h >= MIN_HEIGHT:
        return
    fixes = []
    if share_w < MIN_WIDTH:
        fixes.append("fewer parameters or runs")
    if share_h < MIN_HEIGHT:
        fixes.append("fewer panels or runs")
    raise FigureTooSmall(_message(what, f"{across} axes across and {down} down", "; ".join(fixes)))


def _message(what: str, found: str, fix: str) -> str:
    return (
        f"expected room for {what} (every axes at least {MIN_WIDTH:.0f}×{MIN_HEIGHT:.0f} pixels "
        f"in a frame 540 pixels tall), got {found}: try {fix}"
    )


def check_room(figure: Figure, scale: float, collapsed: bool, what: str) -> None:
    """Raise :class:`FigureTooSmall` if an axes of ``figure`` is below the least room.

    ``scale``: the frame's height over the reference; ``collapsed``: constrained
    layout gave up; ``what``: the figure's contents, for the message
    ("8 parameters × 5 panels × 12 runs").
    """
    boxes = [ax.get_window_extent() for ax in figure.axes if ax.get_visible()]
    if not boxes:
        return
    width = min(box.width for box in boxes) / scale
    height = min(box.height for box in boxes) / scale
    if not collapsed and width >= MIN_WIDTH and height >= MIN_HEIGHT:
        return
    if collapsed:
        found, fix = "axes that collapsed to nothing", "fewer parameters, panels or runs"
    else:
        found = f"an axes of {width:.0f}×{height:.0f}"
        fixes = []
        if width < MIN_WIDTH:
            wider = 2 * math.ceil(figure.bbox.width * MIN_WIDTH / max(width, 1.0) / 2)
            widen = f"render.width {wider} or " if wider <= MAX_WIDTH else ""
            fixes.append(f"{widen}fewer parameters or runs")
        if height < MIN_HEIGHT:
            # Not a taller frame: the text grows with the height and takes the room back.
            fixes.append("fewer panels or runs")
        fix = "; ".join(fixes)
    raise FigureTooSmall(_message(what, found, fix))
