"""The grid: a column per parameter, a row per panel, each cell with its own y-scale."""

from __future__ import annotations

from matplotlib.figure import Figure

from adamviz.figure.layout import panels_by_parameters


def test_cells_go_column_by_column_from_the_top() -> None:
    cells = panels_by_parameters(Figure(), ("gradients", "ratio"), 3, 960)
    assert [(c.panel, c.param, c.top, c.bottom) for c in cells] == [
        (panel, param, panel == "gradients", panel == "ratio")
        for param in range(3)
        for panel in ("gradients", "ratio")
    ]


def test_columns_share_the_steps_but_not_the_y_scale() -> None:
    first, below, beside, _ = (
        c.ax for c in panels_by_parameters(Figure(), ("gradients", "ratio"), 2, 960)
    )
    assert first.get_shared_x_axes().joined(first, beside)
    assert first.get_shared_x_axes().joined(first, below)
    assert not first.get_shared_y_axes().joined(first, beside)


def test_the_gradients_panel_is_twice_as_tall() -> None:
    cells = panels_by_parameters(Figure(), ("gradients", "ratio"), 1, 960)
    grid = cells[0].ax.get_subplotspec().get_gridspec()
    assert list(grid.get_height_ratios()) == [2.0, 1.0]
