"""Where everything sits: the title and step counter above, a grid of cells, the legend below.

One run: panels × parameters (:func:`panels_by_parameters`), the figure as it
has always been. Several runs, on the same gradients (optimizers side by
side, a sweep), in one of two layouts (:data:`LAYOUTS`):

- ``rows`` (the default for 2-4 runs, :func:`runs_by_parameters`): parameters
  as columns; a row per run for each per-run panel (its lollipops and its
  state, the run's label beside it in its colour), then a row for each
  comparison panel, every run overlaid in its colour;
- ``grid`` (the default for more, up to 12, :func:`small_multiples`): a cell
  per run, as many across as keep the cells wide and readable
  (:func:`grid_columns`), then the comparison panels across the whole width.

The legend says which colour is which run, and what each of the gradients
panels' marks is. A :class:`~adamviz.figure.panels.Cell` names its panel, its
parameter, its run and its axes, and the panels read nothing else of the grid.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from adamviz.catalog import DEFAULT_PANELS
from adamviz.figure.captions import CaptionSpec, strip_height
from adamviz.figure.panels import (
    NARROW_PX,
    Cell,
    Context,
    Host,
    RunLook,
    cell_key,
    legend_entries,
    names,
    panel,
    run_handle,
    state_curves,
)
from adamviz.figure.room import check_counts, contents
from adamviz.figure.theme import LIGHT, Theme
from adamviz.text import for_matplotlib, math_spans

if TYPE_CHECKING:
    from adamviz.figure.surface_panel import SurfaceView

#: The picture's height, in pixels, at which fonts and lines have their nominal size.
REFERENCE_HEIGHT = 540

#: How several runs may be laid out; ``auto``: ``rows`` up to :data:`ROWS_AT_MOST` runs,
#: ``grid`` beyond.
LAYOUTS: tuple[str, ...] = ("auto", "rows", "grid")
ROWS_AT_MOST = 4


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
    #: How several runs are laid out (one of :data:`LAYOUTS`); one run has one layout.
    layout: str = "auto"
    #: The loss over all of θ, for the surface and loss panels (None: the scenario has none).
    surface: SurfaceView | None = None
    #: Words on the frames of their steps, in a strip under the title.
    captions: Sequence[CaptionSpec] = ()
    #: The step axis shows only the last this many steps (None: every step).
    window: int | None = None

    @property
    def scale(self) -> float:
        """Fonts' and lines' size against their nominal one (1 at REFERENCE_HEIGHT)."""
        return self.height / REFERENCE_HEIGHT


def panels_by_parameters(
    figure: Figure, panel_names: Sequence[str], params: int, width: int
) -> list[Cell]:
    """One column per parameter, one row per panel: the cells, column by column, top down.

    Every column has its own y-scales (10 and 0.1 must both be readable) and
    all share the steps.
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


#: A run's row, against a comparison panel's: the rows stay readable at 4 runs × 540 px.
_RUN_ROW, _COMPARED_ROW = 1.0, 1.15


def runs_by_parameters(
    figure: Figure, panel_names: Sequence[str], runs: int, params: int, width: int
) -> list[Cell]:
    """One column per parameter; per-run panels a row per run, comparison panels one row each.

    The rows follow ``panel_names``: ``gradients`` first gives every run's
    lollipops on top and the comparisons below. Cells go column by column, top down.
    """
    rows = [
        (name, run)
        for name in panel_names
        for run in (range(runs) if panel(name).per_run else (None,))
    ]
    heights = [_COMPARED_ROW if run is None else _RUN_ROW for _, run in rows]
    grid = figure.add_gridspec(len(rows), params, height_ratios=heights)
    axes = grid.subplots(sharex=True, squeeze=False)
    width_px = width / max(1, params) * 0.72  # less than one run's: the row labels take room
    last = len(rows) - 1
    return [
        Cell(axes[r, column], name, column, width_px, top=r == 0, bottom=r == last, run=run)
        for column in range(params)
        for r, (name, run) in enumerate(rows)
    ]


def spanning_rows(
    figure: Figure,
    panel_names: Sequence[str],
    runs: int,
    params: int,
    width: int,
    surface: tuple[int, int] | None,
) -> list[Cell]:
    """Rows as :func:`runs_by_parameters` makes them (one run: as :func:`panels_by_parameters`),
    where some panels span columns: the surface across its two parameters' columns (and any
    between), the loss across all.

    Every panel over the steps shares them; only the lowest row of them labels them.
    """
    rows = [
        (name, run)
        for name in panel_names
        for run in (range(runs) if panel(name).per_run and runs > 1 else (None,))
    ]
    if runs == 1:
        heights = [panel(name).height for name, _ in rows]
    else:
        heights = [_RUN_ROW if run is not None else _COMPARED_ROW * panel(name).height
                   for name, run in rows]  # fmt: skip
    grid = figure.add_gridspec(len(rows), params, height_ratios=heights)
    first, last = surface or (0, min(1, params - 1))
    lo, hi = min(first, last), max(first, last)
    over_steps = [r for r, (name, _) in enumerate(rows) if panel(name).over_steps]
    bottom = over_steps[-1] if over_steps else -1
    top = next((r for r, (name, _) in enumerate(rows) if panel(name).span == "parameter"), -1)
    share = 0.72 if runs > 1 else 0.85
    root: Axes | None = None
    placed: list[tuple[int, Cell]] = []
    for r, (name, run) in enumerate(rows):
        kind = panel(name)
        if kind.span == "parameter":
            places = [(grid[r, column], column, width / params * share) for column in range(params)]
        elif kind.span == "surface":
            places = [(grid[r, lo : hi + 1], first, width * (hi - lo + 1) / params * share)]
        else:
            places = [(grid[r, :], 0, width * share)]
        for place, column, px in places:
            ax = figure.add_subplot(place, sharex=root if kind.over_steps else None)
            if kind.over_steps:
                root = root or ax
                if r != bottom:
                    ax.tick_params(labelbottom=False)
            cell = Cell(ax, name, column, px, top=r == top, bottom=r == bottom, run=run)
            placed.append((column, cell))
    # Column by column, top down, as the other layouts give them (a spanning cell in its first).
    return [cell for _, cell in sorted(placed, key=lambda item: item[0])]


#: A comparison panel's height against one row of small multiples.
_COMPARED_BLOCK = 1.5


def grid_columns(
    runs: int, params: int, compared: int, width: int, height: int, label_chars: int = 0
) -> int:
    """How many runs across make the small multiples readable: wide cells, none too low.

    Estimated before the layout is made, from what takes room besides the cells
    (the title, the legend and the steps' labels; above and below each row of
    cells its runs' labels and keys; beside each cell its y tick labels), with
    ``compared`` comparison panels below, each as tall as ``_COMPARED_BLOCK``
    rows of cells. Aims at cells three times as wide as they are tall (the steps
    run across), at least 55 pixels tall at 540 (scaled), each wide enough for
    the longest run label (``label_chars`` characters, in bold) above it.
    """
    s = height / REFERENCE_HEIGHT
    legend_rows = math.ceil(runs / 6) + 1
    free = height - s * (45 + 40 + 32 * legend_rows)
    lowest, label = 55 * s, 9 * s * label_chars

    def misfit(columns: int) -> float:
        rows = math.ceil(runs / columns)
        cell_h = free / (rows + _COMPARED_BLOCK * compared) - 28 * s
        cell_w = width / (columns * params) - 45 * s
        if cell_h <= 0 or cell_w <= 0:
            return math.inf
        too_low = max(0.0, lowest - cell_h) / lowest
        too_narrow = max(0.0, label - cell_w * params) / max(label, 1.0)
        return 5 * (too_low + too_narrow) + abs(math.log(cell_w / cell_h / 3.0))

    # For each number of rows, the fewest columns that hold every run: the widest cells.
    choices = sorted({math.ceil(runs / rows) for rows in range(1, runs + 1)})
    return min(choices, key=misfit)


def small_multiples(
    figure: Figure,
    panel_names: Sequence[str],
    runs: int,
    params: int,
    width: int,
    height: int,
    label_chars: int = 0,
) -> list[Cell]:
    """A cell per run (its parameters side by side), then each comparison panel across.

    The runs fill the grid row by row; all cells share the steps and each has
    its own y-scale. ``top`` marks the first row of each run's cell (where the
    run's label goes), ``bottom`` the one cell per column that labels the steps.
    """
    per_run = [name for name in panel_names if panel(name).per_run]
    compared = [name for name in panel_names if not panel(name).per_run]
    columns = (
        grid_columns(runs, params, len(compared), width, height, label_chars) if per_run else 1
    )
    grid_rows = math.ceil(runs / columns)
    # Blocks top down in the order of panel_names: the grid where its first panel is.
    blocks: list[str | None] = []
    for name in panel_names:
        if name in compared:
            blocks.append(name)
        elif None not in blocks:
            blocks.append(None)  # the grid of runs
    weights = [grid_rows * len(per_run) * 1.0 if b is None else _COMPARED_BLOCK for b in blocks]
    outer = figure.add_gridspec(len(blocks), 1, height_ratios=weights)

    # The widest axes first: every axes shares its steps, and with them the tick
    # locator, which spaces the ticks for the length of the axis it was made for.
    order = sorted(range(len(blocks)), key=lambda b: blocks[b] is None)
    last_block = len(blocks) - 1
    first_compared = next((b for b, block in enumerate(blocks) if block is not None), -1)
    made: dict[int, list[Cell]] = {}
    root: Axes | None = None
    for b in order:
        block = blocks[b]
        made[b] = []
        if block is None:
            inner = outer[b].subgridspec(grid_rows * len(per_run), columns * params)
            places = [
                (inner[row * len(per_run) + k, column * params + p], name, p, run, k)
                for run in range(runs)
                for row, column in [divmod(run, columns)]
                for k, name in enumerate(per_run)
                for p in range(params)
            ]
            for place, name, p, run, k in places:
                ax = figure.add_subplot(place, sharex=root)
                root = root or ax
                below = run + columns < runs  # another run's cell under this one
                bottom = b == last_block and not below and k == len(per_run) - 1
                cell_px = width / (columns * params) * 0.8
                made[b].append(Cell(ax, name, p, cell_px, top=k == 0, bottom=bottom, run=run))
        else:
            inner = outer[b].subgridspec(1, params)
            for p in range(params):
                ax = figure.add_subplot(inner[0, p], sharex=root)
                root = root or ax
                top = b == first_compared  # the parameters' names above it
                made[b].append(
                    Cell(ax, block, p, width / params * 0.85, top=top, bottom=b == last_block)
                )
    return [cell for b in range(len(blocks)) for cell in made[b]]


def _layout_of(spec: FigureSpec, runs: int) -> str:
    if spec.layout not in LAYOUTS:
        raise ValueError(f"layout: expected one of {LAYOUTS}, got {spec.layout!r}")
    if spec.layout == "auto":
        return "rows" if runs <= ROWS_AT_MOST else "grid"
    return spec.layout


def compose(figure: Figure, runs: Sequence[RunLook], spec: FigureSpec, host: Host) -> list[Cell]:
    """Draw the figure of ``runs`` that ``spec`` describes, and hand what moves to ``host``.

    The title and the step counter above, the grid of panels, the legend below.
    Returns the cells: where each panel of each parameter and run is.
    """
    known = names()
    unknown = [p for p in spec.panels if p not in known]
    if unknown or not spec.panels:
        raise ValueError(f"panels: expected a non-empty list of {known}, got {unknown}")
    theme, s = spec.theme, spec.scale
    trace = runs[0].trace
    params, steps = trace.params, trace.steps
    figure.set_facecolor(theme.face)
    layout = "one" if len(runs) == 1 else _layout_of(spec, len(runs))
    spans = any(panel(name).span != "parameter" for name in spec.panels)
    if not spans:  # a spanning layout has its own rows; the layout's room check holds it
        _check_counts(spec, layout, runs, params)
    if spans:
        # A surface (or the loss) across columns: rows, even for many runs (no small multiples).
        layout = "one" if len(runs) == 1 else "rows"
        axes = spec.surface.axes if spec.surface is not None else None
        cells = spanning_rows(figure, spec.panels, len(runs), params, spec.width, axes)
    elif layout == "one":
        cells = panels_by_parameters(figure, spec.panels, params, spec.width)
    elif layout == "rows":
        cells = runs_by_parameters(figure, spec.panels, len(runs), params, spec.width)
    else:
        longest = max(len(run.label) for run in runs)
        cells = small_multiples(
            figure, spec.panels, len(runs), params, spec.width, spec.height, longest
        )
    figure.suptitle(
        for_matplotlib(spec.title), x=0.01, ha="left", fontsize=15 * s, fontweight="bold"
    )
    counter = figure.text(
        0.99, 0.985, f"step {steps} / {steps}", ha="right", va="top",
        fontsize=12 * s, color=theme.counter,
    )  # fmt: skip
    host.label(counter, lambda i: f"step {i + 1} / {steps}")

    context = Context(
        runs, theme, s, spec.minima, np.arange(1, steps + 1, dtype=np.float64), host, spec.surface
    )
    label = {"one": _label_one, "rows": _label_row, "grid": _label_small_multiple}[layout]
    keyed = layout != "one" and _keyed(context)
    for cell in cells:
        over_steps = panel(cell.panel).over_steps
        if over_steps:
            _style_axes(cell.ax, steps, s, bottom=cell.bottom)
        panel(cell.panel).build(cell, context)
        if over_steps:  # the surface names its own axes: its parameters
            label(cell, context, spec)
        # A run's key once per run: beside its row, or at its cell's first row.
        once = layout == "rows" or cell.top
        if keyed and cell.run is not None and once and cell.param == params - 1:
            _key_beside(cell, context, layout)
    if layout == "one":
        handles, labels = legend_entries(theme, s, [trace.quantities])
        figure.legend(
            handles, labels, loc="outside lower center", ncols=max(3, len(handles)), frameon=False,
            fontsize=10 * s, handlelength=1.8,
        )  # fmt: skip
    else:
        per_run = any(panel(name).per_run for name in spec.panels)
        _legend_of_runs(figure, context, spec.width, per_run, keyed)
    # Captions get a strip under the title: the grid is laid out below it.
    strip = strip_height(spec.captions, spec.width, s, figure.dpi) / spec.height
    figure.set_layout_engine(
        "constrained", h_pad=4 / 72 * s, w_pad=6 / 72 * s, rect=(0, 0, 1, 1 - strip)
    )
    return cells


def _check_counts(spec: FigureSpec, layout: str, runs: Sequence[RunLook], params: int) -> None:
    """Refuse, before making them, more axes than the frame has room for (see room)."""
    per_run = sum(panel(name).per_run for name in spec.panels)
    compared = len(spec.panels) - per_run
    n = len(runs)
    if layout == "grid" and per_run:
        longest = max(len(run.label) for run in runs)
        columns = grid_columns(n, params, compared, spec.width, spec.height, longest)
        across, down = columns * params, math.ceil(n / columns) * per_run + compared
    else:
        across, down = params, (n if layout == "rows" else 1) * per_run + compared
    what = contents(params, len(spec.panels), n, spec.width, spec.height)
    check_counts(across, down, spec.width, spec.height, spec.scale, what)


def _column_title(spec: FigureSpec, param: int) -> str:
    name = spec.param_names[param] if param < len(spec.param_names) else f"θ{param}"
    return for_matplotlib(name)


def _label_one(cell: Cell, context: Context, spec: FigureSpec) -> None:
    if cell.top:
        title = _column_title(spec, cell.param)
        cell.ax.set_title(title, fontsize=12 * context.scale, loc="center")
    if cell.param > 0 and cell.width_px < NARROW_PX * context.scale:
        # Narrow columns (six parameters and more at 960 px): the first names the rows,
        # the others keep their width for the curves and their own y-scale.
        cell.ax.set_ylabel("")


#: Characters per line of a row's label, wrapped beside its row.
_ROW_LABEL_WIDTH = 13


def _label_row(cell: Cell, context: Context, spec: FigureSpec) -> None:
    """Rows: the parameter above each column, a row's name beside it (a run's in its colour)."""
    ax, s = cell.ax, context.scale
    _label_one(cell, context, spec)
    if cell.param > 0:
        ax.set_ylabel("")  # the first column names the row
        return
    text, color = ax.get_ylabel(), context.theme.ink
    if cell.run is not None:
        run = context.runs[cell.run]
        text, color = run.label, run.color
    # Maths is not wrapped: a line break inside $…$ would leave two halves that do not parse.
    wrapped = (
        text if math_spans(text) else textwrap.fill(text, _ROW_LABEL_WIDTH, break_long_words=False)
    )
    ax.set_ylabel(
        wrapped, rotation=0, ha="right", va="center", fontsize=10 * s, color=color,
        fontweight="bold" if cell.run is not None else "normal", labelpad=4 * s,
    )  # fmt: skip
    if cell.run is not None:
        _mark_with_run(ax, context.runs[cell.run], s)


def _mark_with_run(ax: Axes, run: RunLook, scale: float) -> None:
    """The run's colour as the cell's left edge: the mark that ties it to its legend entry."""
    ax.spines["left"].set_color(run.color)
    ax.spines["left"].set_linewidth(2.4 * scale)


def _label_small_multiple(cell: Cell, context: Context, spec: FigureSpec) -> None:
    """Small multiples: each run's label above its cell, in its colour; the steps below."""
    ax, s = cell.ax, context.scale
    params = context.runs[0].trace.params
    ax.tick_params(labelsize=8 * s)
    if not cell.bottom:
        ax.tick_params(labelbottom=False)
        ax.set_xlabel("")
    if cell.run is None:  # a comparison panel across the width
        if params > 1 and cell.top:
            ax.set_title(_column_title(spec, cell.param), fontsize=10 * s, loc="center")
        return
    # Small cells: a few ticks, or their labels run into each other.
    ax.yaxis.set_major_locator(MaxNLocator(nbins=3))
    run = context.runs[cell.run]
    # Several parameters in a run's cell: each axis says which it is.
    ax.set_ylabel(_column_title(spec, cell.param) if params > 1 else "", fontsize=8 * s)
    _mark_with_run(ax, run, s)
    if cell.top and cell.param == 0:
        ax.set_title(run.label, loc="left", fontsize=10 * s, color=run.color, fontweight="bold")


def _keyed(context: Context) -> bool:
    """Whether runs show different curves (Adam's m̂ and √v̂, SGD's b): then each cell has a key."""
    return len({tuple(state_curves(run.trace.quantities)) for run in context.runs}) > 1


def _key_beside(cell: Cell, context: Context, layout: str) -> None:
    """The run's own curves by their symbols, where they take no room from the cells.

    Right of its row; in small multiples, under the cell's right end, where a
    cell whose steps the comparison panels label has room, or above it for a
    cell that labels its steps itself.
    """
    handles, labels = cell_key(context.run_of(cell), context.theme, context.scale)
    if not handles:
        return
    s = context.scale
    common = dict(frameon=False, fontsize=8.5 * s, handlelength=1.1, handletextpad=0.4,
                  borderpad=0.1, borderaxespad=0.2)  # fmt: skip
    if layout == "rows":
        cell.ax.legend(handles, labels, loc="center left", bbox_to_anchor=(1.0, 0.5),
                       labelspacing=0.15, **common)  # type: ignore[arg-type]  # fmt: skip
    else:
        below = not cell.bottom
        cell.ax.legend(handles, labels, loc="upper right" if below else "lower right",
                       bbox_to_anchor=(1.0, 0.0 if below else 1.0), ncols=len(handles),
                       columnspacing=0.7, **common)  # type: ignore[arg-type]  # fmt: skip


def _legend_of_runs(
    figure: Figure, context: Context, width: int, per_run: bool, keyed: bool
) -> None:
    """One legend below: a row (or more) of runs, then a row of the gradients panels' marks.

    Each run's entry is its line as the comparison panels draw it. The marks
    are the gradient's, and the curves' too unless each cell keys its own
    (``keyed``). The columns are as many as fit the width, tried from the most down.
    """
    s, theme = context.scale, context.theme
    runs = [(run_handle(run, s), run.label) for run in context.runs]
    marks: list[tuple[Artist, str]] = []
    if per_run:
        quantities = [run.trace.quantities for run in context.runs]
        handles, labels = legend_entries(theme, s, quantities, curves=not keyed)
        marks = list(zip(handles, labels, strict=True))
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    for columns in range(max(len(runs), len(marks)), 0, -1):
        entries = _by_rows([runs[i : i + columns] for i in range(0, len(runs), columns)]
                           + [marks[i : i + columns] for i in range(0, len(marks), columns)],
                           columns)  # fmt: skip
        legend = figure.legend(
            [h for h, _ in entries], [t for _, t in entries], loc="outside lower center",
            ncols=columns, frameon=False, fontsize=10 * s, handlelength=2.2,
            columnspacing=1.4, handletextpad=0.5,
        )  # fmt: skip
        if columns == 1 or legend.get_window_extent(renderer).width <= 0.98 * width:
            return
        legend.remove()


def _by_rows(rows: list[list[tuple[Artist, str]]], columns: int) -> list[tuple[Artist, str]]:
    """Entries in the order that puts ``rows`` on rows: a legend fills its columns first."""
    blank: tuple[Artist, str] = (Line2D([], [], linestyle="none"), "")
    padded = [row + [blank] * (columns - len(row)) for row in rows]
    return [padded[r][c] for c in range(columns) for r in range(len(padded))]


def _style_axes(ax: Axes, steps: int, scale: float, bottom: bool) -> None:
    # Every axes shares the steps: setting them once sets them all, and setting them on
    # each of n axes again would cost n² (each call visits every sibling).
    if tuple(ax.get_xlim()) != (0, steps + 1) or ax.get_autoscalex_on():
        ax.set_xlim(0, steps + 1)
    ax.tick_params(labelsize=9 * scale, length=3 * scale, width=0.6 * scale)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_linewidth(0.6 * scale)
    if bottom:
        ax.set_xlabel("step", fontsize=10 * scale)
