"""The panel registry: the catalog's names, each drawn by a builder reading quantities by name."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import numpy as np
import pytest

from adamviz.catalog import PANELS
from adamviz.figure import panels
from adamviz.figure.engine import Animation, FigureSpec
from adamviz.figure.panels import Cell, Context
from adamviz.optim.alias import adam
from adamviz.optim.run import run
from adamviz.optim.trace import Array, Trace


def test_the_registry_holds_exactly_the_catalog_panels() -> None:
    assert sorted(panels.names()) == sorted(PANELS)


class _Reads(Mapping[str, Array]):
    """A trace's quantities that note which of them were read."""

    def __init__(self, quantities: Mapping[str, Array]) -> None:
        self.quantities, self.read = quantities, set[str]()

    def __getitem__(self, name: str) -> Array:
        self.read.add(name)
        return self.quantities[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.quantities)

    def __len__(self) -> int:
        return len(self.quantities)


@pytest.mark.parametrize(
    ("panel", "names"),
    [
        ("gradients", {"m_hat", "v_hat"}),
        ("ratio", {"ratio"}),
        ("step_size", {"step_size"}),
        ("theta", set()),
    ],
)
def test_each_panel_reads_only_the_quantities_it_shows(panel: str, names: set[str]) -> None:
    # An optimizer whose trace holds these names can be drawn in this panel.
    adams = run(adam(), np.linspace(1.0, 2.0, 5)[:, None], np.zeros(1), 5)
    reads = _Reads(adams.quantities)
    trace = Trace(adams.theta0, adams.grad, adams.update, adams.theta, reads)
    Animation(trace, FigureSpec("t", ["w"], (panel,), 320, 180)).close()
    assert reads.read == names


def test_a_registered_panel_is_drawn_in_every_column(
    monkeypatch: pytest.MonkeyPatch, trace: Trace
) -> None:
    monkeypatch.setattr(panels, "_PANELS", dict(panels._PANELS))
    drawn: list[tuple[str, int]] = []

    def dots(cell: Cell, context: Context) -> None:
        drawn.append((cell.panel, cell.param))
        (line,) = cell.ax.plot([], [], "o")
        context.host.animate(line)
        context.host.on_frame(lambda i: line.set_data([i + 1], [0.0]))

    panels.register("dots", dots)
    movie = Animation(trace, FigureSpec("t", ["w", "b"], ("ratio", "dots"), 320, 180))
    assert drawn == [("dots", 0), ("dots", 1)]
    assert movie.frame(2).shape == (180, 320, 3)


def test_an_unknown_panel_is_refused_with_the_panels_there_are(trace: Trace) -> None:
    with pytest.raises(ValueError, match=r"expected a non-empty list of \(.*'theta'.*\['nope'\]"):
        Animation(trace, FigureSpec("t", ["w", "b"], ("gradients", "nope")))
