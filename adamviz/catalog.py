"""The names adamviz knows, each declared once: formats, panels, patterns, losses, optimizers.

Every other module reads these instead of keeping its own list: the CLI's
choices, the loader's schema, the batch's output names and the gallery come
from here, and the registries behind the names (writers, panel builders,
optimizer factories) are checked against them in the tests. Standard library
only, so that any layer may import it, and the quickest commands stay quick.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

Kind = Literal["animation", "still", "table"]


class Format(NamedTuple):
    """An output format: what the file holds and how a web page shows it."""

    name: str
    """The suffix without its dot, and the ``--format`` choice."""
    kind: Kind
    """``animation``: every frame; ``still``: one frame; ``table``: the numbers."""
    mime: str
    element: Literal["img", "video", "iframe", "a"]
    """How the gallery shows it: an ``<img>``, a ``<video>``, an ``<iframe>`` (a page), a link."""

    @property
    def suffix(self) -> str:
        return f".{self.name}"


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("gif", "animation", "image/gif", "img"),
        Format("mp4", "animation", "video/mp4", "video"),
        Format("webm", "animation", "video/webm", "video"),
        Format("webp", "animation", "image/webp", "img"),
        Format("apng", "animation", "image/apng", "img"),
        Format("html", "animation", "text/html", "iframe"),
        Format("png", "still", "image/png", "img"),
        Format("svg", "still", "image/svg+xml", "img"),
        Format("pdf", "still", "application/pdf", "a"),
        Format("csv", "table", "text/csv", "a"),
    )
}

#: The formats a render (``adamviz render``, ``adamviz batch``) can write.
FIGURE_FORMATS: tuple[str, ...] = tuple(n for n, f in FORMATS.items() if f.kind != "table")
DEFAULT_FORMAT = "gif"
#: The stills drawn as vectors (text kept as text where matplotlib can), not as pixels.
VECTOR_FORMATS: tuple[str, ...] = ("svg", "pdf")


def format_of(suffix: str) -> Format | None:
    """The format a file name's suffix asks for (``.GIF`` as ``.gif``), or None."""
    return FORMATS.get(suffix.lower().lstrip("."))


#: Panels from top to bottom of each parameter's column.
PANELS: tuple[str, ...] = (
    "gradients", "ratio", "step_size", "theta", "update", "surface", "loss",
)  # fmt: skip
DEFAULT_PANELS: tuple[str, ...] = ("gradients", "ratio")

#: Gradient patterns, by their ``pattern:`` key.
PATTERNS: tuple[str, ...] = (
    "constant", "sequence", "square", "sine", "segments", "random_walk", "sparse", "file", "loss",
)  # fmt: skip

#: Closed-loop losses of one parameter, by their ``loss:`` key.
LOSSES: tuple[str, ...] = ("quadratic", "absolute")

#: Losses over all of θ, by the scenario's ``loss: {name: ...}``: every gradient is ∇f(θ).
SCENARIO_LOSSES: tuple[str, ...] = (
    "quadratic", "rosenbrock", "beale", "himmelblau", "saddle", "absolute",
)  # fmt: skip

#: Optimizers, by their ``name:`` key.
OPTIMIZERS: tuple[str, ...] = (
    "sgd", "rmsprop", "adagrad", "adam", "adamw", "adamax", "nadam", "radam", "lion",
)  # fmt: skip

#: The quantities optimizers show, by name, in the order tables list them: Adam's
#: first (the columns ``adamviz simulate`` has always had), then the rest of the family's.
QUANTITIES: tuple[str, ...] = (
    "m", "v", "m_hat", "v_hat", "ratio", "step_size",
    "v_max", "u", "momentum", "rms", "sum", "g_avg", "mu_product", "rho", "rectifier", "sign",
)  # fmt: skip

#: The built-in looks, by their ``render.theme:`` key (any other value is a style sheet's path).
THEMES: tuple[str, ...] = ("light", "dark")

#: The roles a figure gives a colour to, by their ``render.colors:`` key (and ``runs``,
#: a list: one colour per run). figure/theme.py's Theme has a field for each.
COLOR_ROLES: tuple[str, ...] = (
    "paper", "ink", "gradient", "newest", "mean", "rms", "ratio", "step_size", "theta",
    "counter", "reference", "update", "rms_max", "sign",
)  # fmt: skip
