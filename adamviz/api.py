"""adamviz from Python: ``render``, ``simulate`` and, in a notebook, ``show``.

A scenario is given as a file's path, a dict, a YAML string, or a loaded
:class:`~adamviz.scenario.Scenario`; it is checked as the CLI checks a file,
and a problem comes back as an :class:`~adamviz.errors.AdamvizError` whose
message is the CLI's one line per problem (``<dict>: steps: expected an
integer from 1 to 100000, got 0``)::

    import adamviz
    traces = adamviz.simulate("scenarios/flip.yaml")        # one Trace per run
    adamviz.render({"title": "Up", "steps": 40, "parameters": [...]}, "up.mp4", theme="dark")
    adamviz.show("scenarios/flip.yaml")                      # inline, with controls

Heavy modules (pydantic, matplotlib, ffmpeg) are imported by the functions
that need them: ``import adamviz`` stays light.
"""

from __future__ import annotations

import base64
import html
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adamviz.catalog import DEFAULT_FORMAT, FIGURE_FORMATS, format_of
from adamviz.errors import AdamvizError

if TYPE_CHECKING:
    from adamviz.figure.engine import Animation
    from adamviz.optim.trace import Trace
    from adamviz.scenario import Scenario

class UsageError(AdamvizError, ValueError):
    """An argument that cannot work (a file name whose suffix is no format)."""


def load(scenario: Any, **render: Any) -> Scenario:
    """The scenario, validated: a path, a dict, YAML text, or a Scenario (as it is).

    A string is YAML text when it has a line break, or a colon and names no
    file (``{title: Up, steps: 3, ...}``); otherwise it is a path. ``render`` keys
    (``theme="dark"``, ``fps=30``) override the scenario's ``render:``, checked
    as if it had them.
    """
    from adamviz.pipeline import check_looks
    from adamviz.scenario import Scenario, load, loads

    if isinstance(scenario, Scenario):
        if not render:
            return check_looks(scenario)
        # Its relative files (recorded gradients, a style sheet) stay where they were.
        data = scenario.model_dump(by_alias=True, exclude_unset=True)
        return check_looks(load(data, scenario.source.parent, render))
    if isinstance(scenario, Mapping):
        return check_looks(load(scenario, render=render))
    if isinstance(scenario, str) and _is_yaml_text(scenario):
        return check_looks(loads(scenario, render=render))
    if isinstance(scenario, str | os.PathLike):
        return check_looks(load(scenario, render=render))
    raise UsageError(
        f"scenario: expected a path, a dict or YAML text, got {type(scenario).__name__}"
    )


def _is_yaml_text(text: str) -> bool:
    """YAML if it has a line break, or a colon and no file of that name; else a path."""
    if "\n" in text:
        return True
    return ":" in text and Path(text).suffix.lower() not in (".yaml", ".yml") and not Path(
        text
    ).is_file()


class Simulation(list["Trace"]):
    """Every run's trace, in order (a list), and a table of where each ended in a notebook."""

    def __init__(self, traces: Sequence[Trace], scenario: Scenario) -> None:
        super().__init__(traces)
        self.scenario = scenario

    @property
    def param_names(self) -> list[str]:
        return self.scenario.param_names

    def _repr_html_(self) -> str:
        names = self.param_names
        head = "".join(f"<th>{html.escape(h)}</th>" for h in
                       ("run", "parameter", "θ₀", "θ (last)", "g (last)", "ratio (last)",
                        "step size (last)"))  # fmt: skip
        rows = []
        for trace in self:
            for p, name in enumerate(names):
                cells = [trace.label, name, trace.theta0[p], trace.theta[-1, p], trace.grad[-1, p]]
                for quantity in ("ratio", "step_size"):
                    values = trace.get(quantity)
                    cells.append("" if values is None else values[-1, p])
                rows.append("<tr>" + "".join(f"<td>{_cell(c)}</td>" for c in cells) + "</tr>")
        title = html.escape(self.scenario.title)
        steps = self.scenario.steps
        return (
            f"<div><strong>{title}</strong>: {len(self)} run{'s' if len(self) != 1 else ''}, "
            f"{steps} steps (each run's arrays: <code>trace.theta</code>, "
            f"<code>trace.m_hat</code>, …, shape ({steps}, {len(names)}))"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        )


def _cell(value: Any) -> str:
    if isinstance(value, str):
        return html.escape(value)
    return f"{float(value):.6g}"


def simulate(scenario: Any) -> Simulation:
    """Every run of the scenario: a list of :class:`~adamviz.optim.trace.Trace`, one per run."""
    from adamviz.pipeline import simulate as run

    loaded = load(scenario)
    return Simulation(run(loaded), loaded)


def render(scenario: Any, path: str | os.PathLike[str], **options: Any) -> Path:
    """Render the scenario to ``path``; the format follows its suffix (.gif, .mp4, .png, ...).

    ``options``: ``fps``, ``width``, ``height``, and any key of the scenario's
    ``render:`` (``theme``, ``colors``, ``font``, ``background``, ``panels``),
    checked as the file's own. Returns the path. The file appears only when
    complete; a problem raises :class:`~adamviz.errors.AdamvizError`.
    """
    from adamviz.output.atomic import refuse_inputs
    from adamviz.pipeline import render_scenario

    target = Path(path)
    fmt = _format_of(target)
    loaded = load(scenario, **options)
    folder = loaded.source.parent
    refuse_inputs(target, [loaded.source, *(folder / f for f in loaded.input_files())])
    render_scenario(loaded, target, _options(loaded, fmt))
    return target


def _options(loaded: Scenario, fmt: str) -> Any:
    from adamviz.pipeline import RenderOptions

    # fps, width and height went through the scenario's render: checks.
    return RenderOptions(fmt, loaded.render.fps, loaded.render.width, loaded.render.height)


def _format_of(target: Path) -> str:
    shown = format_of(target.suffix)
    if shown is None or shown.name not in FIGURE_FORMATS:
        suffixes = ", ".join(f".{name}" for name in FIGURE_FORMATS)
        raise UsageError(f"path: expected a file name ending in {suffixes}, got {target.name!r}")
    return shown.name


def animation(scenario: Any, **options: Any) -> Animation:
    """The scenario's animation, ready to draw any frame (``.frame(i)``: an H×W×3 array)."""
    from adamviz.pipeline import animation as build

    loaded = load(scenario, **options)
    return build(loaded, _options(loaded, DEFAULT_FORMAT))


class Shown:
    """A rendered animation that a notebook shows inline: a video with controls, or a GIF."""

    def __init__(self, data: bytes, mime: str, title: str) -> None:
        self.data, self.mime, self.title = data, mime, title

    def save(self, path: str | os.PathLike[str]) -> Path:
        Path(path).write_bytes(self.data)
        return Path(path)

    def _repr_html_(self) -> str:
        source = f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"
        label = html.escape(f"Animation: {self.title}", quote=True)
        if self.mime.startswith("video/"):
            return (
                f'<video controls loop playsinline muted autoplay aria-label="{label}" '
                f'style="max-width: 100%"><source src="{source}" type="{self.mime}"></video>'
            )
        return f'<img src="{source}" alt="{label}" style="max-width: 100%">'


def show(scenario: Any, fmt: str = "mp4", **options: Any) -> Shown:
    """The scenario rendered (an MP4 by default) into an object a notebook displays inline.

    Takes :func:`render`'s ``options``; ``fmt``: ``mp4``, ``gif`` or ``png``.
    """
    shown = format_of(fmt)
    if shown is None or shown.name not in FIGURE_FORMATS:
        raise UsageError(f"fmt: expected one of {', '.join(FIGURE_FORMATS)}, got {fmt!r}")
    loaded = load(scenario, **options)
    with tempfile.TemporaryDirectory(prefix="adamviz-show-") as folder:
        target = Path(folder) / f"animation.{shown.name}"
        from adamviz.pipeline import render_scenario

        render_scenario(loaded, target, _options(loaded, shown.name))
        return Shown(target.read_bytes(), shown.mime, loaded.title)
