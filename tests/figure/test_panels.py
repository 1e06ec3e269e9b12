"""The panel registry: the catalog's names, each drawn by a builder reading quantities by name."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import numpy as np
import pytest

from adamviz.catalog import PANELS
from adamviz.figure import panels
from adamviz.figure.engine import Animation, FigureSpec
from adamviz.figure.panels import Cell, Context, state_curves
from adamviz.figure.theme import LIGHT
from adamviz.optim.alias import adam, create
from adamviz.optim.run import run
from adamviz.optim.trace import Array, Trace
from tests.frames import drawn_near


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
        ("update", set()),
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


def _reads_of(trace: Trace, panel: str) -> set[str]:
    reads = _Reads(trace.quantities)
    shown = Trace(trace.theta0, trace.grad, trace.update, trace.theta, reads)
    Animation(shown, FigureSpec("t", ["w"], (panel,), 320, 180)).close()
    return reads.read


#: Each optimizer's state over its lollipops: the quantities read, and the legend's words.
STATES = [
    ("adam", {}, {"m_hat", "v_hat"}, [r"mean $\hat{m}$", r"RMS $\sqrt{\hat{v}}$"]),
    (
        "adam",
        {"amsgrad": True},
        {"m_hat", "v", "v_hat", "v_max"},
        [r"mean $\hat{m}$", r"RMS $\sqrt{\hat{v}}$", r"max $\sqrt{\hat{v}}$"],
    ),
    ("adamw", {}, {"m_hat", "v_hat"}, [r"mean $\hat{m}$", r"RMS $\sqrt{\hat{v}}$"]),
    ("sgd", {}, set(), []),
    ("sgd", {"momentum": 0.9}, {"momentum"}, [r"momentum $b$"]),
    ("rmsprop", {}, {"rms"}, [r"RMS $\sqrt{v}$"]),
    # RMSprop's buffer sums g/(√v+ε), not gradients: not on the gradients' axis.
    ("rmsprop", {"momentum": 0.9}, {"rms"}, [r"RMS $\sqrt{v}$"]),
    ("rmsprop", {"centered": True}, {"g_avg", "rms"}, [r"mean $\bar{g}$", r"RMS $\sqrt{v}$"]),
    ("adagrad", {}, {"sum"}, [r"root sum $\sqrt{\Sigma g^2}$"]),
    ("adamax", {}, {"m_hat", "u"}, [r"mean $\hat{m}$", r"max norm $u$"]),
    ("nadam", {}, {"m", "v_hat"}, [r"mean $m$", r"RMS $\sqrt{\hat{v}}$"]),
    ("radam", {}, {"m_hat", "v_hat"}, [r"mean $\hat{m}$", r"RMS $\sqrt{\hat{v}}$"]),
    ("lion", {}, {"m", "sign"}, [r"mean $m$", "sign of the step (+ top, − bottom)"]),
]


@pytest.mark.parametrize(
    ("name", "hyper", "reads", "labels"), STATES,
    ids=[f"{name}{''.join(f'-{k}' for k in hyper)}" for name, hyper, _, _ in STATES],
)  # fmt: skip
def test_each_optimizer_shows_its_own_state_over_its_lollipops(
    name: str, hyper: dict[str, object], reads: set[str], labels: list[str]
) -> None:
    grads = np.column_stack([np.linspace(1.0, 2.0, 8)])
    trace = run(create(name, **hyper), grads, np.zeros(1), 8, name)
    assert [curve.label for curve in state_curves(trace.quantities)] == labels
    assert _reads_of(trace, "gradients") == reads


def test_the_state_is_chosen_by_quantity_names_not_by_optimizer() -> None:
    # An optimizer adamviz has never heard of, showing Adam's names, is drawn as Adam is.
    assert state_curves({"m_hat", "v_hat", "trust_ratio"}) == state_curves({"m_hat", "v_hat"})
    assert state_curves({"momentum", "step_size"})[0].role == "mean"
    assert state_curves({"nothing_we_know"}) == []


def test_the_update_panel_draws_minus_delta_theta_where_its_numbers_are() -> None:
    assert "update" in PANELS and "update" in panels.names()
    grads = np.column_stack([np.linspace(1.0, 2.0, 12), 0.1 * (-1.0) ** np.arange(12)])
    trace = run(adam(), grads, np.zeros(2), 12)
    movie = Animation(trace, FigureSpec("t", ["w", "b"], ("gradients", "update"), 480, 270))
    frame = movie.frame(11)
    for cell in (c for c in movie.cells if c.panel == "update"):
        for step in (2, 6, 12):
            down = -trace.update[step - 1, cell.param]
            assert drawn_near(frame, cell.ax, (step, down), LIGHT.update), (cell.param, step)
        assert cell.ax.get_ylabel() == "−Δθ"
    # Its value is written on the frame in its colour, as the ratio's is.
    stamps = [stamp for stamp in movie._stamps if stamp.text_of(11).startswith("−Δθ")]
    assert [stamp.text_of(11) for stamp in stamps] == [
        f"−Δθ {-trace.update[11, p]:.3g}" for p in (0, 1)
    ]
    assert all(stamp.stamp.color.tolist() == [140, 86, 75] for stamp in stamps)  # #8c564b
