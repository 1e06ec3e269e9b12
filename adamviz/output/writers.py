"""One writer per format, in a registry: frames in, a complete file out.

A writer takes a :class:`FrameSource` (anything that can draw frame ``i`` and
stream every frame in order) and knows nothing of how those frames were made.
The formats themselves are declared in :mod:`adamviz.catalog`; this registry
holds the code behind each animation and still format, and a test checks that
the two agree.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from adamviz.errors import OutputError
from adamviz.output.atomic import AtomicFile, os_reason
from adamviz.output.gif_delays import set_delays
from adamviz.output.page import PageContent, write_page
from adamviz.output.still import write_png
from adamviz.output.timeline import Timeline, every_step
from adamviz.output.video import VideoWriter

#: Frames the GIF palette is computed from: enough to meet every colour the
#: animation uses (the last frame alone holds nearly all of them).
PALETTE_SAMPLES = 8


class FrameSource(Protocol):
    """What a writer reads: the frames of one animation, all of one size."""

    @property
    def n_frames(self) -> int: ...

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels."""
        ...

    def frame(self, index: int) -> np.ndarray:
        """Frame ``index`` as an H×W×3 uint8 array of its own."""
        ...

    def stream(self) -> Generator[np.ndarray, None, None]:
        """Every frame in order, H×W×3 or H×W×4 uint8, each valid until the next is drawn."""
        ...


class VectorSource(FrameSource, Protocol):
    """A source that can also draw a frame as vectors: what the SVG and PDF writers read."""

    def vector(self, index: int, fmt: str) -> bytes:
        """Frame ``index`` as the bytes of an ``svg`` or ``pdf`` file."""
        ...


class PageSource(FrameSource, Protocol):
    """A source that also knows its numbers and words: what the interactive page reads."""

    def page_content(self) -> PageContent: ...


@dataclass(frozen=True)
class WriteOptions:
    fps: float = 20
    #: Called as ``on_frame(done, total)`` after each frame is handed to the encoder.
    on_frame: Callable[[int, int], None] | None = None
    #: The frame a still shows; None: the last.
    still: int | None = None
    #: How long each of the source's frames lasts (None: each 1/fps, none held).
    timeline: Timeline | None = None

    def timeline_of(self, source: FrameSource) -> Timeline:
        """The timeline to write ``source`` by; it must have as many frames."""
        timeline = self.timeline or every_step(source.n_frames, self.fps)
        if timeline.n_frames != source.n_frames:
            raise ValueError(f"timeline: {timeline.n_frames} frames for a source of "
                             f"{source.n_frames}")  # fmt: skip
        return timeline


Writer = Callable[[Path, FrameSource, WriteOptions], None]
WRITERS: dict[str, Writer] = {}


def register(name: str) -> Callable[[Writer], Writer]:
    """Declare the writer of format ``name`` (a name in ``catalog.FORMATS``)."""

    def add(writer: Writer) -> Writer:
        WRITERS[name] = writer
        return writer

    return add


def write(path: Path, fmt: str, source: FrameSource, options: WriteOptions) -> Path:
    """Write ``source`` to ``path`` as ``fmt``; the file appears only when complete."""
    if fmt not in WRITERS:
        raise ValueError(f"fmt: expected one of {tuple(WRITERS)}, got {fmt!r}")
    WRITERS[fmt](path, source, options)
    return path


def palette_sample(source: FrameSource) -> Iterator[np.ndarray]:
    """The frames a GIF's one palette is computed from, spread evenly over the animation.

    Drawn one by one as the palette pass takes them (see ``VideoWriter``).
    """
    indices = np.linspace(0, source.n_frames - 1, PALETTE_SAMPLES).round().astype(int)
    return (source.frame(index) for index in sorted(set(indices.tolist())))


def _gif_delays(path: Path, timeline: Timeline) -> Callable[[Path], None]:
    """What sets each frame's delay in the GIF ffmpeg wrote (its frames all last 1/fps)."""

    def finish(temporary: Path) -> None:
        try:
            with open(temporary, "r+b") as gif:
                data = bytearray(gif.read())
                set_delays(data, timeline.centiseconds())
                gif.seek(0)
                gif.write(data)  # the same length: the delays change in place
        except OSError as error:
            raise OutputError(f"{path}: cannot write: {os_reason(error)}") from None

    return finish


def _encode(
    path: Path, fmt: str, source: FrameSource, options: WriteOptions, palette: Iterable[np.ndarray]
) -> None:
    """Stream the frames into ffmpeg, each lasting as long as the timeline says.

    A GIF gets each frame once and its delays afterwards; a constant-rate video
    gets each frame as many times as it lasts periods of 1/fps.
    """
    timeline = options.timeline_of(source)
    gif = fmt == "gif"
    repeats = [1] * timeline.n_frames if gif else timeline.repeats()
    finish = _gif_delays(path, timeline) if gif else None
    frames = source.stream()
    with (
        contextlib.closing(frames),
        VideoWriter(path, source.size, options.fps, fmt, palette, finish=finish) as out,
    ):
        for done, (frame, times) in enumerate(zip(frames, repeats, strict=True), start=1):
            for _ in range(times):
                out.write(frame)
            if options.on_frame is not None:
                options.on_frame(done, source.n_frames)


@register("gif")
def write_gif(path: Path, source: FrameSource, options: WriteOptions) -> None:
    """An animated GIF with one palette for the whole animation."""
    _encode(path, "gif", source, options, palette_sample(source))


@register("mp4")
def write_mp4(path: Path, source: FrameSource, options: WriteOptions) -> None:
    """H.264 in MP4, byte-stable for the same frames."""
    _encode(path, "mp4", source, options, [])


@register("webm")
def write_webm(path: Path, source: FrameSource, options: WriteOptions) -> None:
    """VP9 in WebM, byte-stable for the same frames."""
    _encode(path, "webm", source, options, [])


@register("webp")
def write_webp(path: Path, source: FrameSource, options: WriteOptions) -> None:
    """An animated, lossless WebP that loops."""
    _encode(path, "webp", source, options, [])


@register("apng")
def write_apng(path: Path, source: FrameSource, options: WriteOptions) -> None:
    """An animated PNG that loops: lossless, and larger than the WebP."""
    _encode(path, "apng", source, options, [])


@register("html")
def write_html(path: Path, source: FrameSource, options: WriteOptions) -> None:
    """One self-contained interactive page: the animation, a step slider, each step's numbers."""
    if not hasattr(source, "page_content"):
        raise TypeError("an html page needs a source that knows its numbers (PageSource)")
    content = source.page_content()  # type: ignore[attr-defined]
    frames = source.stream()
    with contextlib.closing(frames):
        write_page(path, frames, source.size, options.fps, content, options.on_frame)


def _still_index(source: FrameSource, options: WriteOptions) -> int:
    index = source.n_frames - 1 if options.still is None else options.still
    if not 0 <= index < source.n_frames:
        raise IndexError(f"still: expected a frame in 0..{source.n_frames - 1}, got {index}")
    return index


@register("png")
def write_png_still(path: Path, source: FrameSource, options: WriteOptions) -> None:
    """One frame (the last by default) as a PNG still."""
    write_png(path, source.frame(_still_index(source, options)))


def _write_vector(path: Path, source: FrameSource, options: WriteOptions, fmt: str) -> None:
    if not hasattr(source, "vector"):
        raise TypeError(f"a {fmt} still needs a source that draws vectors (VectorSource)")
    vectors: VectorSource = source  # type: ignore[assignment]
    AtomicFile(path).write_bytes(vectors.vector(_still_index(source, options), fmt))


@register("svg")
def write_svg(path: Path, source: FrameSource, options: WriteOptions) -> None:
    """One frame (the last by default) as an SVG, its text as text."""
    _write_vector(path, source, options, "svg")


@register("pdf")
def write_pdf(path: Path, source: FrameSource, options: WriteOptions) -> None:
    """One frame (the last by default) as a PDF, its fonts embedded (TrueType)."""
    _write_vector(path, source, options, "pdf")
