"""Where everything sits: the title and step counter above, a grid of cells, the legend below.

Today's grid is panels × parameters (:func:`panels_by_parameters`). A
:class:`~adamviz.figure.panels.Cell` names its panel, its parameter and its
axes, and the panels read nothing else of the grid; so a grid that grows (a
column per run and parameter, a panel shared by every column on top, a 2-D
surface spanning columns) is more cells, on slices of the same GridSpec, and
leaves the panels as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from adamviz.catalog import DEFAULT_PANELS
from adamviz.figure.panels import Cell, Context, Host, legend_entries, names, panel
from adamviz.figure.theme import LIGHT, Theme
from adamviz.optim.trace import Trace

#: The picture's height, in pixels, at which fonts and lines have their nominal size.
_REFERENCE_HEIGHT = 540


@dataclass(frozen=True)
class FigureSpec:
    """What the picture needs besides the numbers: words, layout, size and look."""

    title: str
    param_names: Sequence[str]
    panels: Sequence[str] = DEFAULT_PANELS
    width: int = 960
    height: int = 540
    #: Per parameter, where its loss has its minimum (a reference line in the θ panel).
    minima: Sequence[float | None] = field(default_factory=tuple)
    theme: Theme = LIGHT


def panels_by_parameters(
    figure: Figure, panel_names: Sequence[str], params: int, width: int
) -> list[Cell]:
    """One column per parameter, one row per panel: the cells, column by column, top down.

    Every column has its own y-scales (10 and 0.1 must both be readable) and
    all share the steps. The cells sit on one GridSpec, so a grid that grows
    (a panel spanning the columns on top, a 2-D surface spanning several,
    a column per run and parameter) adds cells on slices of it.
    """
    rows = len(panel_names)
    grid = figure.add_gridspec(rows, params, height_ratios=[panel(p).height for p in panel_names])
    # Shared steps: the rows above the bottom one drop their tick labels.
    axes = grid.subplots(sharex=True, squeeze=False)
    width_px = width / max(1, params) * 0.85  # the axes' share of their column
    return [
        Cell(axes[row, column], name, column, width_px, top=row == 0, bottom=row == rows - 1)
        for column in range(params)
        for row, name in enumerate(panel_names)
    ]


def compose(figure: Figure, trace: Trace, spec: FigureSpec, host: Host) -> None:
    """Draw the figure of ``trace`` that ``spec`` describes, and hand what moves to ``host``.

    The title and the step counter above, the grid of panels, the legend below.
    """
    known = names()
    unknown = [p for p in spec.panels if p not in known]
    if unknown or not spec.panels:
        raise ValueError(f"panels: expected a non-empty list of {known}, got {unknown}")
    theme, s = spec.theme, spec.height / _REFERENCE_HEIGHT
    figure.set_facecolor(theme.paper)
    cells = panels_by_parameters(figure, spec.panels, trace.params, spec.width)
    figure.suptitle(spec.title, x=0.01, ha="left", fontsize=15 * s, fontweight="bold")
    steps = trace.steps
    counter = figure.text(
        0.99, 0.985, f"step {steps} / {steps}", ha="right", va="top",
        fontsize=12 * s, color=theme.counter,
    )  # fmt: skip
    host.label(counter, lambda i: f"step {i + 1} / {steps}")

    context = Context(trace, theme, s, spec.minima, np.arange(1, steps + 1, dtype=np.float64), host)
    for cell in cells:
        _style_axes(cell.ax, steps, s, bottom=cell.bottom)
        panel(cell.panel).build(cell, context)
        if cell.top:
            cell.ax.set_title(_column_title(spec, cell.param), fontsize=12 * s, loc="center")
    handles, labels = legend_entries(theme, s)
    figure.legend(
        handles, labels, loc="outside lower center", ncols=3, frameon=False,
        fontsize=10 * s, handlelength=1.8,
    )  # fmt: skip
    figure.set_layout_engine("constrained", h_pad=4 / 72 * s, w_pad=6 / 72 * s)


def _column_title(spec: FigureSpec, param: int) -> str:
    return spec.param_names[param] if param < len(spec.param_names) else f"θ{param}"


def _style_axes(ax: Axes, steps: int, scale: float, bottom: bool) -> None:
    ax.set_xlim(0, steps + 1)
    ax.tick_params(labelsize=9 * scale, length=3 * scale, width=0.6 * scale)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_linewidth(0.6 * scale)
    if bottom:
        ax.set_xlabel("step", fontsize=10 * scale)
