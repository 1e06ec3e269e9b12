"""How a figure looks: a colour for every role in the picture, and one for every run.

A theme is a value: the light theme is one :class:`Theme`, and another look
(a dark one, a blog's own) is one more instance, not a new code path. The
panels ask for a role (``theme.mean``) or a run's look (:meth:`Theme.run`),
never for a colour.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import matplotlib

from adamviz.colors import DARK_BELOW, relative_luminance

#: Runs drawn with solid lines; the rest of the palette is drawn again dashed.
RUN_SOLID = 6
_DASHED = (0.0, (3.5, 1.5))

#: A line style as matplotlib takes it: a name ("-") or (offset, (on, off)) in points.
LineStyle = str | tuple[float, tuple[float, ...]]

#: rcParams that choose how matplotlib shows a figure, not how it looks: left
#: as the user has them, as ``matplotlib.rc_context`` leaves them.
_BACKEND = frozenset({"backend", "backend_fallback"})


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
    update: str
    """The update −Δθ, and its value."""
    rms_max: str
    """AMSGrad's running max of √v̂ (drawn dashed beside √v̂): a darker orange."""
    sign: str
    """Lion's sign of the step: the ratio's colour, as it plays the ratio's part."""
    runs: tuple[str, ...]
    """One colour per run, in order: the same in every panel and the legend (at most 12)."""
    transparent: bool = False
    """The paper left out: the figure's pixels where nothing is drawn have alpha 0."""
    extra_rc: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    """Settings over the palette's (a style sheet's, a font): validated by matplotlib already."""
    extra_id: str = ""
    """What ``extra_rc`` holds, as a digest: themes with the same one draw the same."""

    @property
    def face(self) -> str:
        """The figure's and the axes' background: the paper, or nothing."""
        return "none" if self.transparent else self.paper

    @property
    def paper_hex(self) -> str:
        """The paper as ``#rrggbb``, for pages that know no colour names."""
        from matplotlib.colors import to_hex

        return to_hex(self.paper)

    @property
    def is_dark(self) -> bool:
        """Light ink on dark paper (the gallery's page follows it)."""
        return luminance(self.paper) < DARK_BELOW

    def with_colors(self, **roles: Any) -> Theme:
        """This theme with some roles recoloured (``runs``: the first runs' colours)."""
        runs = roles.pop("runs", None)
        if runs:
            roles["runs"] = (*runs, *self.runs[len(runs) :])
        return replace(self, **roles)

    def run(self, index: int) -> tuple[str, LineStyle]:
        """Run ``index``'s colour and line style: six runs solid, the next six dashed.

        Twelve colours are about as many as a reader tells apart on thin lines,
        and colour-blind readers fewer: past the first six, a run's line is
        dashed as well, so that it differs from the first six in two ways.
        """
        if not 0 <= index < len(self.runs):
            raise ValueError(f"at most {len(self.runs)} runs can be drawn, got run {index + 1}")
        return self.runs[index], "-" if index < RUN_SOLID else _DASHED

    def rc(self) -> dict[str, Any]:
        """The theme's settings over matplotlib's defaults: where paper and ink go."""
        paper, ink = self.face, self.ink
        palette = {
            "figure.facecolor": paper, "figure.edgecolor": paper, "axes.facecolor": paper,
            "text.color": ink, "axes.labelcolor": ink, "axes.edgecolor": ink,
            "xtick.color": ink, "ytick.color": ink,
        }  # fmt: skip
        if not self.extra_rc and not self.transparent:
            return palette  # the light and dark themes as they have always been
        # A style sheet's settings, then where paper and ink go again: the roles
        # (which a sheet's colours have set already) are the last word.
        return {**palette, **self.extra_rc, **palette, "savefig.transparent": self.transparent}


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
    update="#8c564b",
    rms_max="#a04a00",
    sign="#6a3d9a",
    # Chosen by their CIEDE2000 distances, measured rather than guessed: every
    # colour at least ΔE 17 from every other, the first four at least ΔE 30 (and
    # 20 under simulated deuteranopia: a comparison of 2-4 runs needs no dashes),
    # all at least ΔE 19 from the state's blue and orange, the gradients' greys
    # and the paper (black included: it is far darker than any grey here), and
    # dark enough (contrast at least 3:1 on white) to write a run's label in its
    # colour. Green, magenta, indigo, black; red, olive, brown, lavender, teal,
    # deep teal, crimson, ochre. tests/figure/test_theme.py holds them to it
    # with the plainer CIE76 distances.
    runs=(
        "#117733", "#e7298a", "#332288", "#000000", "#e31a1c", "#999933",
        "#7f3b08", "#9467bd", "#009988", "#003c30", "#9e0142", "#a6761d",
    ),
)  # fmt: skip

#: The dark theme's runs, chosen as the light theme's were, by their distances (CIE76 ΔE):
#: at least 25 apart, the first four at least 60, at least 24 from the state's colours,
#: the greys and the paper, and a contrast of at least 4.5:1 on the dark paper.
#: Green, magenta, sky, red; gold, rose, periwinkle, teal, pink, tan, lilac, olive.
RUNS_ON_DARK: tuple[str, ...] = (
    "#6fe36f", "#ff77ff", "#66ccff", "#ff5a4f", "#e6b422", "#ff9fb0",
    "#8080ff", "#33d6c6", "#ff4fa0", "#c7925a", "#b39ddb", "#c0c060",
)  # fmt: skip

DARK = Theme(
    name="dark",
    paper="#15181d",
    ink="#e6e6e6",
    gradient="#8a8a8a",
    newest="#d6d6d6",
    mean="#4da3ff",
    rms="#ff9a3c",
    ratio="#c39bff",
    step_size="#5fd068",
    theta="#e6e6e6",
    counter="#e6e6e6",
    reference="#4b5058",
    update="#e0a080",
    rms_max="#ffd199",
    sign="#c39bff",
    runs=RUNS_ON_DARK,
)  # fmt: skip

#: The built-in themes by their ``render.theme:`` names (catalog.THEMES).
THEMES: dict[str, Theme] = {theme.name: theme for theme in (LIGHT, DARK)}


def luminance(color: str) -> float:
    """The relative luminance (0 black .. 1 white) of a colour matplotlib knows."""
    from matplotlib.colors import to_rgb

    return relative_luminance(to_rgb(color))


# The light theme's colours by the names tests and benchmarks know them by.
GRADIENT_GREY = LIGHT.gradient
NEWEST_GREY = LIGHT.newest
MEAN_BLUE = LIGHT.mean
RMS_ORANGE = LIGHT.rms
RATIO_PURPLE = LIGHT.ratio
STEP_GREEN = LIGHT.step_size
THETA_BLACK = LIGHT.theta
REFERENCE_GREY = LIGHT.reference


class RcState:
    """Every rcParam a figure is built and drawn with: matplotlib's defaults, then the theme's.

    Not the user's: a ``matplotlibrc`` in the working folder or in
    ``MPLCONFIGDIR``, a style set by other code, ``rcParams`` changed in the
    same process. It is entered around every frame as well as the build,
    because drawing reads rcParams too (path simplification and snapping, the
    hinting of a label's glyph rasterized for the first time).
    """

    def __init__(self, theme: Theme) -> None:
        # What rc_context sets, validated once: entering costs a raw dict update
        # (about 20 µs) instead of rc_context's revalidation of every key (0.5 ms).
        defaults = {k: v for k, v in dict.items(matplotlib.rcParamsDefault) if k not in _BACKEND}
        with matplotlib.rc_context({**defaults, **theme.rc()}):
            self._params = {k: v for k, v in dict.items(matplotlib.rcParams) if k not in _BACKEND}
        self._items = self._params.items()

    @contextmanager
    def applied(self) -> Iterator[None]:
        """rcParams set to this state within the block, and as they were after it."""
        params = matplotlib.rcParams
        if self._items <= dict.items(params):
            # Already in force (a user who changed nothing, a light theme): one
            # comparison in C, about 6 µs, and nothing to swap or restore.
            yield
            return
        # Raw reads and writes, as rc_context restores: the values are valid already.
        saved = dict(dict.items(params))
        for key in _BACKEND:
            saved.pop(key, None)
        dict.update(params, self._params)
        try:
            yield
        finally:
            dict.update(params, saved)


@cache
def rc_state(theme: Theme) -> RcState:
    """The theme's rc state, resolved the first time a figure asks for it."""
    return RcState(theme)
