"""One scenario, end to end: simulate, draw every frame, stream them to a file.

The CLI's ``render`` and the batch workers both call :func:`render_scenario`;
each stage it joins knows nothing of the stages after it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .render import Animation, FigureSpec
from .scenario import Scenario
from .simulate import simulate
from .writers import FORMATS, VideoWriter, write_png

#: Frames the GIF palette is computed from: enough to meet every colour the
#: animation uses (the last frame alone holds nearly all of them).
PALETTE_SAMPLES = 8


@dataclass(frozen=True)
class RenderOptions:
    """Overrides of the scenario's own ``render`` section (None: keep the scenario's)."""

    fmt: str = "gif"
    fps: int | None = None
    width: int | None = None
    height: int | None = None


def figure_spec(scenario: Scenario, options: RenderOptions) -> FigureSpec:
    minima = [
        getattr(p.gradient, "center", None) if p.gradient.pattern == "loss" else None
        for p in scenario.parameters
    ]
    return FigureSpec(
        title=scenario.title,
        param_names=scenario.param_names,
        panels=tuple(scenario.render.panels),
        width=options.width or scenario.render.width,
        height=options.height or scenario.render.height,
        minima=tuple(minima),
    )


def animation(scenario: Scenario, options: RenderOptions = RenderOptions()) -> Animation:
    """The scenario's animation, ready to draw any frame."""
    return Animation(simulate(scenario), figure_spec(scenario, options))


def render_scenario(
    scenario: Scenario,
    path: Path,
    options: RenderOptions,
    on_frame: Callable[[int, int], None] | None = None,
) -> Path:
    """Write the scenario's animation (or, for png, its last frame) to ``path``.

    ``on_frame(done, total)``, if given, is called after each frame is handed
    to the encoder: how a batch shows each scenario's progress.
    """
    if options.fmt not in FORMATS:
        raise ValueError(f"fmt: expected one of {FORMATS}, got {options.fmt!r}")
    movie = animation(scenario, options)
    try:
        if options.fmt == "png":
            write_png(path, movie.frame(movie.n_frames - 1))
            return path
        palette: list[np.ndarray] = []
        if options.fmt == "gif":
            indices = np.linspace(0, movie.n_frames - 1, PALETTE_SAMPLES).round().astype(int)
            palette = list(movie.frames(sorted(set(indices.tolist()))))
        size = (movie.spec.width, movie.spec.height)
        fps = options.fps or scenario.render.fps
        with VideoWriter(path, size, fps, options.fmt, palette) as writer:
            for index in range(movie.n_frames):
                writer.write(movie.frame_rgba(index))
                if on_frame is not None:
                    on_frame(index + 1, movie.n_frames)
    finally:
        movie.close()
    return path
