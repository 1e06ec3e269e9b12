"""The panels: what one cell of the figure draws, each a builder registered by name.

A builder draws its panel's static parts into the cell's axes once (limits,
reference lines, labels) and hands the engine, through a :class:`Host`, what
moves: artists redrawn every frame, an update that sets them for frame i
(steps 1..i+1), and labels stamped on every frame. It reads the trace's
quantities by name (``trace["m_hat"]``), so a panel for another optimizer
asks for that optimizer's names. The names are the catalog's
(:data:`adamviz.catalog.PANELS`, checked against this registry by a test): a
new panel is a builder and a :func:`register` call here, and its name there.

A panel is either drawn once per run (``gradients``: a run's lollipops and its
own state over them) or once for all runs, each run a line in its colour
(``ratio``, ``step_size``, ``theta``, ``update``); with one run, the latter is
drawn as it always was, in its role's colour, its value written on the frame. Which
of a run's quantities plays the blog's mean (blue) and its RMS (orange) is
read off the quantity names the trace holds (:data:`MEANS`, :data:`ROOTS`,
:data:`EXTRAS`), never off the optimizer's name: a new optimizer that shows
``m_hat`` and ``v_hat`` is drawn as Adam is.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol, TypeVar

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.text import Text

from adamviz.figure.theme import LineStyle, Theme
from adamviz.optim.trace import Array, Trace

ArtistT = TypeVar("ArtistT", bound=Artist)


class Host(Protocol):
    """What a panel may ask of the engine that draws it, and all it may ask."""

    def animate(self, artist: ArtistT, grows: bool = False) -> ArtistT:
        """Redraw ``artist`` every frame, leaving it out of the background.

        ``grows``: the artist is a ``Line2D`` whose points, once frame i's update
        has set them, are the steps up to i+1 in order of x (x = step), each
        point the same in every later frame. The engine may then draw it from
        its own draw calls, recorded once at its full length
        (:mod:`adamviz.figure.growing`), cut to the steps a frame shows, and
        draw its first steps once into a keyframe that later frames start
        from. A point that moves (the newest lollipop's head) does not grow.
        """
        ...

    def on_frame(self, update: Callable[[int], None]) -> None:
        """Call ``update(i)`` before frame i is drawn: it shows steps 1..i+1 in the artists."""
        ...

    def label(self, placeholder: Text, text_of: Callable[[int], str]) -> None:
        """Stamp ``text_of(i)`` on frame i where ``placeholder`` stands.

        The placeholder, holding the widest text, is drawn only while the
        layout is made, so that room is left for the label.
        """
        ...


@dataclass(frozen=True)
class Cell:
    """One panel's place in the grid: which panel, for which parameter and run, in which axes."""

    ax: Axes
    panel: str
    param: int
    """The trace's column the panel shows."""
    width_px: float
    """About how many pixels wide the axes are: what the lollipops thin out by."""
    top: bool
    """First in its column: the layout writes the parameter's name above it."""
    bottom: bool
    """Last in its column: the layout labels its step axis."""
    run: int | None = None
    """The run a per-run panel shows (an index into ``Context.runs``); None: every run."""


@dataclass(frozen=True)
class RunLook:
    """One run as the figure shows it: its numbers, its name, its colour and line style."""

    trace: Trace
    label: str
    color: str
    linestyle: LineStyle = "-"
    width: float = 2.0
    """Its line's width in points at the reference size: the first runs' widest, so that a
    run drawn exactly over an earlier one (SGD's step size over SGD's) leaves it a rim."""


@dataclass(frozen=True)
class Context:
    """What every panel reads besides its cell: the numbers, the look, where moving parts go."""

    runs: Sequence[RunLook]
    """Every run, in the order of the legend; one for a figure of one run."""
    theme: Theme
    scale: float
    """Fonts and lines grow with the picture: 1 at 540 pixels high."""
    minima: Sequence[float | None]
    """Per parameter, where its loss has its minimum, if it has one."""
    steps: np.ndarray
    """1, 2, ..., n as floats: the x of every step."""
    host: Host

    @property
    def compared(self) -> bool:
        """Several runs: panels overlay them in their colours, and write no single value."""
        return len(self.runs) > 1

    def run_of(self, cell: Cell) -> RunLook:
        """The run a per-run cell shows (the only one, in a figure of one run)."""
        return self.runs[0 if cell.run is None else cell.run]


Builder = Callable[[Cell, Context], None]


class Panel(NamedTuple):
    """A registered panel: how to draw it, and how tall it stands."""

    build: Builder
    height: float
    """The panel's share of its column's height."""
    per_run: bool = False
    """Drawn once per run (a cell with its ``run``), not once with every run overlaid."""


_PANELS: dict[str, Panel] = {}


def register(name: str, build: Builder, height: float = 1.0, per_run: bool = False) -> None:
    """Make panel ``name`` drawable: ``build`` draws it into a cell."""
    _PANELS[name] = Panel(build, height, per_run)


def panel(name: str) -> Panel:
    """The panel registered as ``name`` (KeyError if none is)."""
    return _PANELS[name]


def names() -> tuple[str, ...]:
    """Every panel that can be drawn, in the order they were registered."""
    return tuple(_PANELS)


def _padded(lo: float, hi: float, pad: float = 0.08) -> tuple[float, float]:
    """Limits a little wider than the data, so nothing touches the frame."""
    if not np.isfinite(lo) or not np.isfinite(hi):
        lo, hi = -1.0, 1.0
    if hi == lo:  # a flat line: centre it rather than pin it to an edge
        half = abs(lo) * 0.5 if lo else 1.0
        return lo - half, hi + half
    span = hi - lo
    return lo - pad * span, hi + pad * span


def _finite(values: np.ndarray) -> np.ndarray:
    return values[np.isfinite(values)]


def _format_value(value: float) -> str:
    """Three significant digits: short enough to read at a glance, and alike in every column."""
    return f"{value:.3g}" if np.isfinite(value) else str(value)


def _format_ratio(value: float) -> str:
    """The ratio lives in about [-1, 1]: fixed decimals keep its digits from jumping."""
    return f"{value:.3f}"


def _line(
    ax: Axes, context: Context, color: str, width: float, grows: bool = True, **kwargs: object
) -> Line2D:
    """A line redrawn every frame, ``width`` points wide at the reference size.

    ``grows``: its points are the steps so far (see :meth:`Host.animate`).
    """
    (line,) = ax.plot([], [], color=color, linewidth=width * context.scale, **kwargs)
    return context.host.animate(line, grows=grows)


#: Below this many pixels an axes' width holds a value but not its name beside it.
NARROW_PX = 150


def _value_label(
    cell: Cell, context: Context, color: str, word: str, value_of: Callable[[int], str]
) -> None:
    """The value at the frame's step, above the panel's top-right corner (inside, a curve
    would run into it); named by ``word`` where the column is wide enough (in a narrow
    one the row's label and the colour name it)."""
    narrow = cell.width_px < NARROW_PX * context.scale
    widest = "-0.000e+00" if narrow else "step size -0.000e+00"
    placeholder = cell.ax.text(
        1.0, 1.02, widest, transform=cell.ax.transAxes, ha="right",
        va="bottom", fontsize=10 * context.scale, color=color, fontweight="bold",
    )  # fmt: skip
    text_of = value_of if narrow else lambda i: f"{word} {value_of(i)}"
    context.host.label(placeholder, text_of)


class Curve(NamedTuple):
    """A quantity drawn over a run's lollipops: which names it needs, in which role."""

    needs: tuple[str, ...]
    """The quantities that must all be in the trace for this curve (the first is its name)."""
    role: str
    """The theme's colour for it: ``mean`` (blue), ``rms`` (orange), ``rms_max``, ``sign``."""
    label: str
    """Its key in the figure's legend."""
    symbol: str
    """Its key beside one run's cell, where room is short."""
    values: Callable[[Trace, int], Array]
    """Its values for one parameter, one per step."""
    unless: frozenset[str] = frozenset()
    """Names that, beside ``needs``, say the quantity is not what this curve shows."""
    dashed: bool = False

    def fits(self, names: Collection[str]) -> bool:
        return all(name in names for name in self.needs) and not self.unless & set(names)


def _column(name: str) -> Callable[[Trace, int], Array]:
    return lambda trace, p: trace[name][:, p]


def _root(name: str) -> Callable[[Trace, int], Array]:
    return lambda trace, p: np.sqrt(trace[name][:, p])


def _unmaxed_rms(trace: Trace, p: int) -> Array:
    """The √v̂ Adam would use beside AMSGrad's max: v with the max's own bias correction.

    AMSGrad's ``v_hat`` is its max's, v_max / (1 - β2^t); so v · v_hat / v_max is
    v / (1 - β2^t) without knowing β2 (and v itself without bias correction).
    """
    v, v_hat, v_max = (trace[name][:, p] for name in ("v", "v_hat", "v_max"))
    corrected = np.divide(v * v_hat, v_max, out=np.zeros_like(v), where=v_max > 0)
    return np.sqrt(corrected)


_M_HAT, _V_HAT, _SUM = r"$\hat{m}$", r"$\sqrt{\hat{v}}$", r"$\sqrt{\Sigma g^2}$"
#: Which quantity plays the blog's mean, the first that fits, drawn blue.
MEANS: tuple[Curve, ...] = (
    # Adam, Adamax, RAdam; RMSprop centered; NAdam and Lion (no bias correction).
    Curve(("m_hat",), "mean", f"mean {_M_HAT}", _M_HAT, _column("m_hat")),
    Curve(("g_avg",), "mean", r"mean $\bar{g}$", r"$\bar{g}$", _column("g_avg")),
    Curve(("m",), "mean", r"mean $m$", r"$m$", _column("m")),
    # SGD's buffer sums gradients. Beside a denominator (RMSprop's rms) a buffer sums
    # the preconditioned g/(√v+ε) instead: a ratio, not something on the gradients' axis.
    Curve(("momentum",), "mean", r"momentum $b$", r"$b$", _column("momentum"), frozenset({"rms"})),
)
#: Which plays its RMS, the first that fits, drawn orange.
ROOTS: tuple[Curve, ...] = (
    # AMSGrad (whose v_hat is its max's); Adam, NAdam, RAdam; Adagrad; RMSprop; Adamax.
    Curve(("v_max", "v", "v_hat"), "rms", f"RMS {_V_HAT}", _V_HAT, _unmaxed_rms),
    Curve(("v_hat",), "rms", f"RMS {_V_HAT}", _V_HAT, _root("v_hat")),
    Curve(("sum",), "rms", f"root sum {_SUM}", _SUM, _root("sum")),
    Curve(("rms",), "rms", r"RMS $\sqrt{v}$", r"$\sqrt{v}$", _column("rms")),
    Curve(("u",), "rms", r"max norm $u$", r"$u$", _column("u")),
)
#: Drawn besides, every one that fits.
EXTRAS: tuple[Curve, ...] = (
    # AMSGrad's steps use the max, its v_hat; Lion's, the sign.
    Curve(
        ("v_max", "v_hat"), "rms_max", f"max {_V_HAT}", f"max {_V_HAT}", _root("v_hat"), dashed=True
    ),
    Curve(("sign",), "sign", "sign of the step (+ top, − bottom)", "sign", _column("sign")),
)


def state_curves(names: Collection[str]) -> list[Curve]:
    """The curves a run with these quantities shows: its mean, its RMS, and any extras."""
    names = set(names)
    mean = [next((c for c in MEANS if c.fits(names)), None)]
    root = [next((c for c in ROOTS if c.fits(names)), None)]
    return [c for c in (*mean, *root, *EXTRAS) if c is not None and c.fits(names)]


#: Where Lion's sign sits, in axes height: a rug along the top for +, the bottom for −.
_SIGN_UP, _SIGN_DOWN = 0.97, 0.03


def _gradients(cell: Cell, context: Context) -> None:
    """A run's gradients as lollipops, with its state (m̂ and √v̂ for Adam) on the same axes."""
    ax, s, theme, p = cell.ax, context.scale, context.theme, cell.param
    trace = context.run_of(cell).trace
    g = trace.grad[:, p]
    curves = [(curve, curve.values(trace, p)) for curve in state_curves(trace.quantities)]
    on_axis = [values for curve, values in curves if curve.role != "sign"]
    lo = min(0.0, *(_finite(a).min(initial=0.0) for a in (g, *on_axis)))
    hi = max(0.0, *(_finite(a).max(initial=0.0) for a in (g, *on_axis)))
    ax.set_ylim(*_padded(lo, hi))
    ax.axhline(0.0, color=theme.reference, linewidth=0.8 * s, zorder=0)

    # Lollipops thin out as they crowd: stem width and head size follow the
    # pixels one step gets, so 20 steps and 5000 steps both stay readable.
    px_per_step = cell.width_px / trace.steps
    stem_width = float(np.clip(0.35 * px_per_step, 0.4, 1.6)) * s
    head_size = float(np.clip(0.9 * px_per_step, 0.0, 7.0)) * s

    # One path holds every stem (NaN breaks it between steps): one draw call.
    steps = context.steps
    stem_x = np.repeat(steps, 3)
    stem_y = np.column_stack([np.zeros_like(g), g, np.full_like(g, np.nan)]).ravel()
    stems = _line(ax, context, theme.gradient, stem_width / s, zorder=1)
    heads = _line(
        ax, context, theme.gradient, 0, marker="o", markersize=head_size, linestyle="none",
        zorder=2,
    )  # fmt: skip
    newest = _line(
        ax, context, theme.newest, 0, grows=False, marker="o",
        markersize=max(head_size, 3.0 * s), linestyle="none", zorder=3,
    )  # fmt: skip
    shown: list[tuple[Line2D, Array]] = []
    for curve, values in curves:
        if curve.role == "sign":
            # ±1 on the gradients' axis would say nothing of its scale: a rug instead.
            line = _line(
                ax, context, theme.sign, 0, marker="|", markersize=5.0 * s, linestyle="none",
                markeredgewidth=1.2 * s, transform=ax.get_xaxis_transform(), zorder=5,
            )  # fmt: skip
            values = np.where(values > 0, _SIGN_UP, np.where(values < 0, _SIGN_DOWN, np.nan))
        else:
            dashes = {"linestyle": (0.0, (2.5, 1.2))} if curve.dashed else {}
            line = _line(ax, context, getattr(theme, curve.role), 2.2, zorder=4, **dashes)
        shown.append((line, values))

    def draw(i: int) -> None:
        stems.set_data(stem_x[: 3 * (i + 1)], stem_y[: 3 * (i + 1)])
        if head_size >= 1.0:
            heads.set_data(steps[: i + 1], g[: i + 1])
        newest.set_data(steps[i : i + 1], g[i : i + 1])
        for line, values in shown:
            line.set_data(steps[: i + 1], values[: i + 1])

    context.host.on_frame(draw)
    ax.set_ylabel("gradient", fontsize=10 * s)


# --- panels every run is overlaid in -----------------------------------------------------


class _Formula(NamedTuple):
    """A single run's ratio and step size written out, for the quantities that say which."""

    needs: frozenset[str]
    unless: frozenset[str]
    ratio: str
    step_size: str


def _written(needs: str, unless: str, ratio: str, step_size: str) -> _Formula:
    return _Formula(frozenset(needs.split()), frozenset(unless.split()), ratio, step_size)


_ADAM_STEP = r"$\eta/(\sqrt{\hat{v}}+\epsilon)$"
#: The first that fits names the axes; none that fits: "ratio" and "step size".
_FORMULAS: tuple[_Formula, ...] = (
    _written("m_hat v_hat", "rectifier", r"$\hat{m}/(\sqrt{\hat{v}}+\epsilon)$", _ADAM_STEP),
    _written("m_hat u", "", r"$\hat{m}/u$", r"$\eta/u$"),  # Adamax
    # Adagrad's g/(√Σg²+ε) is too long to stand beside a panel 540 px tall: words.
    _written("sum", "", "ratio", "step size"),
    _written("rms", "g_avg", r"$g/(\sqrt{v}+\epsilon)$", r"$\eta/(\sqrt{v}+\epsilon)$"),  # RMSprop
    _written("v_hat", "m_hat", "ratio", _ADAM_STEP),  # NAdam
    _written("step_size", "ratio", "ratio", r"$\eta$"),  # SGD
)


def _formula(context: Context) -> _Formula:
    names = set(context.runs[0].trace.quantities)
    fits = (f for f in _FORMULAS if f.needs <= names and not f.unless & names)
    return next(fits, _Formula(frozenset(), frozenset(), "ratio", "step size"))


def _ylabel(ax: Axes, context: Context, formula: str, words: str) -> None:
    """A single run's axis named by its formula, a comparison's in words (runs differ)."""
    if context.compared or not formula.startswith("$"):
        ax.set_ylabel(words, fontsize=10 * context.scale)
    else:
        ax.set_ylabel(formula, fontsize=9 * context.scale)


Series = list[tuple[RunLook, Array]]


def _series(context: Context, values_of: Callable[[Trace], Array | None]) -> Series:
    """Each run's values, leaving out the runs that have none (SGD has no ratio)."""
    series = [(run, values_of(run.trace)) for run in context.runs]
    return [(run, values) for run, values in series if values is not None]


def _quantity(name: str, param: int) -> Callable[[Trace], Array | None]:
    return lambda trace: trace[name][:, param] if name in trace.quantities else None


def _span(series: Series) -> np.ndarray:
    """Every finite value of every run: what the limits must hold."""
    if len(series) == 1:
        return _finite(series[0][1])
    return np.concatenate([_finite(values) for _, values in series] or [np.empty(0)])


def _overlaid(
    ax: Axes, context: Context, series: Series, color: str, width: float, first: int = 1
) -> Callable[[int], None]:
    """One line per run; returns what sets them for frame i.

    One run: a line in the panel's role colour, as it has always been. Several:
    each in its run's colour, style and width.
    ``first``: how many values frame 0 shows (θ starts from θ0: 2).
    """
    lines = []
    for run, values in series:
        if context.compared:
            line = _line(ax, context, run.color, run.width, linestyle=run.linestyle)
        else:
            line = _line(ax, context, color, width)
        lines.append((line, values))
    # Step t at x = t; θ's first value, θ0, at x = 0.
    x = context.steps if first == 1 else np.arange(len(context.steps) + 1, dtype=np.float64)

    def draw(i: int) -> None:
        for line, values in lines:
            line.set_data(x[: i + first], values[: i + first])

    return draw


def _nothing_to_show(ax: Axes, context: Context, what: str) -> None:
    ax.text(
        0.5, 0.5, f"no {what} to show", transform=ax.transAxes, ha="center", va="center",
        fontsize=9 * context.scale, color=context.theme.reference,
    )  # fmt: skip


def _ratio(cell: Cell, context: Context) -> None:
    """The ratio (Adam's m̂ / (√v̂ + ε)), reference lines at 0 and ±1.

    One run: its value written on the frame. Several: each run that has one.
    """
    ax, s, theme = cell.ax, context.scale, context.theme
    series = _series(context, _quantity("ratio", cell.param))
    finite = _span(series)
    ax.set_ylim(
        min(-1.15, finite.min(initial=0.0) * 1.08), max(1.15, finite.max(initial=0.0) * 1.08)
    )
    ax.axhline(0.0, color=theme.reference, linewidth=0.8 * s, zorder=0)
    for level in (-1.0, 1.0):
        ax.axhline(level, color=theme.reference, linewidth=0.8 * s, linestyle="--", zorder=0)
    context.host.on_frame(_overlaid(ax, context, series, theme.ratio, 2.0))
    if not series:
        _nothing_to_show(ax, context, "ratio")
    elif not context.compared:
        ratio = series[0][1]
        _value_label(cell, context, theme.ratio, "ratio", lambda i: _format_ratio(ratio[i]))
    _ylabel(ax, context, _formula(context).ratio, "ratio")


def _step_size(cell: Cell, context: Context) -> None:
    """The step size (Adam's lr / (√v̂ + ε)), log-scaled when it spans decades.

    The course page's bottom row. Several runs: each run that has one (Lion has none).
    """
    ax, theme = cell.ax, context.theme
    series = _series(context, _quantity("step_size", cell.param))
    finite = _span(series)
    lo, hi = (finite.min(), finite.max()) if finite.size else (1e-3, 1e-3)
    if lo > 0 and hi / lo > 10:
        # Spans decades: a log axis keeps both ends readable.
        ax.set_yscale("log")
        ax.set_ylim(lo / 1.5, hi * 1.5)
    else:
        ax.set_ylim(*_padded(min(0.0, lo), hi))
    context.host.on_frame(_overlaid(ax, context, series, theme.step_size, 2.0))
    if not series:
        _nothing_to_show(ax, context, "step size")
    elif not context.compared:
        size = series[0][1]
        _value_label(cell, context, theme.step_size, "step size", lambda i: _format_value(size[i]))
    _ylabel(ax, context, _formula(context).step_size, "step size")


def _theta(cell: Cell, context: Context) -> None:
    """θ from its start, with the loss's minimum as a reference line where there is one."""
    ax, s, theme, p = cell.ax, context.scale, context.theme, cell.param
    series = _series(context, lambda t: np.concatenate([t.theta0[p : p + 1], t.theta[:, p]]))
    minimum = context.minima[p] if p < len(context.minima) else None
    finite = _span(series)
    lo, hi = finite.min(initial=0.0), finite.max(initial=0.0)
    if minimum is not None:
        lo, hi = min(lo, minimum), max(hi, minimum)
        ax.axhline(minimum, color=theme.reference, linewidth=0.8 * s, linestyle="--")
    ax.set_ylim(*_padded(lo, hi))
    context.host.on_frame(_overlaid(ax, context, series, theme.theta, 2.0, first=2))
    if not context.compared:
        theta = series[0][1]
        _value_label(cell, context, theme.theta, "θ", lambda i: _format_value(theta[i + 1]))
    ax.set_ylabel("θ", fontsize=10 * s)


def _update(cell: Cell, context: Context) -> None:
    """The update −Δθ = θ_{t-1} − θ_t: what each step moved the parameter by, downhill positive."""
    ax, s, theme, p = cell.ax, context.scale, context.theme, cell.param
    series = _series(context, lambda t: -t.update[:, p])
    finite = _span(series)
    ax.set_ylim(*_padded(min(0.0, finite.min(initial=0.0)), max(0.0, finite.max(initial=0.0))))
    ax.axhline(0.0, color=theme.reference, linewidth=0.8 * s, zorder=0)
    context.host.on_frame(_overlaid(ax, context, series, theme.update, 2.0))
    if not context.compared:
        update = series[0][1]
        _value_label(cell, context, theme.update, "−Δθ", lambda i: _format_value(update[i]))
    ax.set_ylabel("−Δθ", fontsize=10 * s)


# --- the legend --------------------------------------------------------------------------


def curve_handle(curve: Curve, theme: Theme, scale: float) -> Artist:
    """How the legend shows one of a run's curves."""
    color = getattr(theme, curve.role)
    if curve.role == "sign":
        return Line2D([], [], color=color, marker="|", linestyle="none",
                      markersize=7 * scale, markeredgewidth=1.4 * scale)  # fmt: skip
    dashes = {"linestyle": (0.0, (2.5, 1.2))} if curve.dashed else {}
    return Line2D([], [], color=color, linewidth=2.2 * scale, **dashes)


def legend_entries(
    theme: Theme,
    scale: float,
    runs: Sequence[Collection[str]] = (("m_hat", "v_hat"),),
    curves: bool = True,
) -> tuple[list[Artist], list[str]]:
    """The key to the gradients panels' marks: the gradient, and each curve some run shows.

    ``runs``: each run's quantity names (Adam's, by default); ``curves``: False
    for the gradient alone (each cell has its own key).
    """
    handles: list[Artist] = [
        Line2D([], [], color=theme.gradient, marker="o", linewidth=1.2 * scale,
               markersize=5 * scale),
    ]  # fmt: skip
    labels = [r"gradient $g$"]
    shown = [curve for names in runs for curve in state_curves(names)] if curves else []
    for curve in (*MEANS, *ROOTS, *EXTRAS):  # the tables' order, each label once
        if curve in shown and curve.label not in labels:
            handles.append(curve_handle(curve, theme, scale))
            labels.append(curve.label)
    return handles, labels


def run_handle(run: RunLook, scale: float) -> Artist:
    """How the legend shows a run: a line in its colour and style, as every panel draws it."""
    return Line2D([], [], color=run.color, linestyle=run.linestyle, linewidth=2.4 * scale)


def cell_key(run: RunLook, theme: Theme, scale: float) -> tuple[list[Artist], list[str]]:
    """The key to one run's own curves, by their symbols: beside its cell when runs differ."""
    curves = state_curves(run.trace.quantities)
    return [curve_handle(c, theme, scale) for c in curves], [c.symbol for c in curves]


# Top to bottom, as the catalog lists them.
register("gradients", _gradients, height=2.0, per_run=True)
register("ratio", _ratio)
register("step_size", _step_size)
register("theta", _theta)
register("update", _update)
