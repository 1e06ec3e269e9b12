"""adamviz's encoder behind matplotlib's movie-writer protocol, for a user's own FuncAnimation."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from adamviz.errors import OutputError
from adamviz.output.video import _CODEC_ARGS, VideoWriter


class MovieWriter:
    """adamviz's encoder behind matplotlib's movie-writer protocol.

    ``FuncAnimation.save(path, writer=MovieWriter(fps=20))`` gives a user's own
    animation the same single-palette GIF or streamed MP4 as adamviz's renders.
    The format follows the file's suffix.
    """

    def __init__(self, fps: float = 20, fmt: str | None = None) -> None:
        self.fps, self.fmt = fps, fmt
        self._frames: list[np.ndarray] = []
        self._writer: VideoWriter | None = None

    # matplotlib.animation.AbstractMovieWriter's protocol, duck-typed so that this
    # module need not import matplotlib.
    def setup(self, fig: Any, outfile: str | os.PathLike[str], dpi: float | None = None) -> None:
        self.fig, self.outfile = fig, Path(outfile)
        self.dpi = dpi or fig.dpi
        self.fmt = self.fmt or self.outfile.suffix.lstrip(".").lower()
        if self.fmt not in _CODEC_ARGS:
            raise ValueError(f"{outfile}: expected a .gif or .mp4 file name")

    @property
    def frame_size(self) -> tuple[int, int]:
        width, height = self.fig.get_size_inches()
        return int(width * self.dpi + 1e-8), int(height * self.dpi + 1e-8)

    def _supports_transparency(self) -> bool:
        return False

    def grab_frame(self, **savefig_kwargs: Any) -> None:
        width, height = self.frame_size
        # As matplotlib's own writers do: savefig renders with any canvas.
        buffer = io.BytesIO()
        self.fig.savefig(buffer, format="rgba", dpi=self.dpi, **savefig_kwargs)
        rgba = np.frombuffer(buffer.getbuffer(), np.uint8).reshape(height, width, 4)
        frame = np.array(rgba[:, :, :3])
        if self.fmt == "gif":
            # The palette needs a sample of all frames before the first is encoded.
            self._frames.append(frame)
            return
        if self._writer is None:
            self._writer = VideoWriter(self.outfile, (width, height), self.fps, "mp4").__enter__()
        self._writer.write(frame)

    def finish(self) -> None:
        if self.fmt == "gif":
            if not self._frames:
                raise OutputError(f"{self.outfile}: no frames to write")
            height, width = self._frames[0].shape[:2]
            with VideoWriter(self.outfile, (width, height), self.fps, "gif", self._frames) as w:
                for frame in self._frames:
                    w.write(frame)
            self._frames = []
        elif self._writer is not None:
            writer, self._writer = self._writer, None
            writer.__exit__(None, None, None)

    @contextlib.contextmanager
    def saving(self, fig: Any, outfile: str | os.PathLike[str], dpi: float | None,
               *args: Any, **kwargs: Any) -> Iterator[MovieWriter]:  # fmt: skip
        self.setup(fig, outfile, dpi)
        try:
            yield self
            self.finish()
        finally:
            if self._writer is not None:
                writer, self._writer = self._writer, None
                writer.__exit__(KeyboardInterrupt, None, None)
            self._frames = []
