"""Video writers: frames in, a GIF, MP4, WebM, WebP or APNG file out, never a half-written one.

Frames stream straight into ffmpeg's stdin (the binary that imageio-ffmpeg
ships, so users need no system install): memory stays flat however long the
animation. A GIF gets one palette for the whole animation, computed by
ffmpeg's ``palettegen`` from a handful of sample frames in a first, short
pass; the one-pass ``split,palettegen,paletteuse`` graph would hold every
frame in memory until the end.

Every writer writes to a hidden temporary file in the destination folder and
renames it over the destination only once the encoder has succeeded, so a
failure or an interruption leaves any earlier good file untouched.

This is the only module that imports imageio.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import BinaryIO

import imageio_ffmpeg
import numpy as np

from adamviz.errors import OutputError
from adamviz.output.atomic import AtomicFile, os_reason
from adamviz.output.interrupt import raise_if_stopping, shielded

# Deterministic output: no encoder version string, no creation time, no
# metadata copied from the input, so the same frames give the same bytes.
_BITEXACT = ["-fflags", "+bitexact", "-flags:v", "+bitexact", "-map_metadata", "-1"]
_CODEC_ARGS = {
    # dither=none: the figure is flat colour, and dithering noise would both
    # speckle it and defeat the GIF encoder's frame-difference compression.
    "gif": ["-lavfi", "[0:v][1:v]paletteuse=dither=none", "-f", "gif"],
    "mp4": [
        "-c:v", "libx264", "-preset", "medium", "-crf", "20", "-pix_fmt", "yuv420p",
        "-movflags", "+faststart", "-f", "mp4",
    ],
    # VP9 in its realtime mode: 6x quicker to encode than "good" (0.8 s against
    # 4.4 s for 200 frames at 960x540, measured) for a file 15 % larger; row-mt
    # spreads it over the cores and keeps the bytes the same run after run.
    "webm": [
        "-c:v", "libvpx-vp9", "-b:v", "0", "-crf", "32", "-deadline", "realtime",
        "-cpu-used", "5", "-row-mt", "1", "-pix_fmt", "yuv420p", "-f", "webm",
    ],
    # Lossless: the flat colours compress better so than lossy WebP (190 KB against
    # 540 KB for the benchmark's 200 frames), and every pixel is the drawn one.
    # Level 1 costs as much as level 3 for the same size, and 0 is 15x larger.
    "webp": [
        "-c:v", "libwebp_anim", "-lossless", "1", "-compression_level", "1", "-loop", "0",
        "-f", "webp",
    ],
    "apng": ["-c:v", "apng", "-pix_fmt", "rgb24", "-plays", "0", "-f", "apng"],
}  # fmt: skip


def _ffmpeg(args: list[str], stdin: int | None, stderr: BinaryIO) -> subprocess.Popen[bytes]:
    """Start the bundled ffmpeg, reading raw frames from stdin.

    A session of its own keeps a terminal's Ctrl-C away from ffmpeg: adamviz
    decides when ffmpeg stops, and cleans up after it.
    """
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error"]
    return subprocess.Popen(
        command + args, stdin=stdin, stdout=subprocess.DEVNULL, stderr=stderr,
        start_new_session=True,
    )  # fmt: skip


def _local(path: Path) -> str:
    """``path`` as ffmpeg must read it: a local file, whatever its name looks like.

    ffmpeg takes a name with a colon for a URL (``a:b.gif`` is "protocol a",
    ``tcp:host:9999/t.gif`` a network stream); ``file:`` and an absolute path
    make it the file of that name here.
    """
    return "file:" + os.path.abspath(path)


#: The most frame bytes held in memory while a GIF's palette pass runs (see VideoWriter.write).
_AHEAD_BYTES = 64 * 2**20

#: ffmpeg's name for frames of 3 (RGB) or 4 (RGBA, the canvas's own layout) channels.
_PIXEL_FORMATS = {3: "rgb24", 4: "rgba"}


def _raw_input(frame: np.ndarray, fps: float | None = None) -> list[str]:
    """ffmpeg's input options for raw frames shaped like ``frame``, read from stdin."""
    height, width, channels = frame.shape
    rate = ["-framerate", str(fps)] if fps else []
    pixels = ["-pix_fmt", _PIXEL_FORMATS[channels], "-s", f"{width}x{height}"]
    return ["-f", "rawvideo", *pixels, *rate, "-i", "-"]


_FFMPEG_ORIGIN = re.compile(r"^\[[^\]]* @ 0x[0-9a-f]+\]\s*")
# The system's own words for what went wrong ("No space left on device"),
# longest first so that a message is not mistaken for a shorter one inside it.
_OS_ERRORS = sorted({os.strerror(code) for code in errno.errorcode}, key=len, reverse=True)


def _ffmpeg_reason(stream: BinaryIO) -> str:
    """Why ffmpeg failed, in a few words.

    The system's error when ffmpeg names one (a full disk reads "No space left
    on device", where ffmpeg's last line would be "Nothing was written into
    output file..."), else ffmpeg's last line without its "[out#0/gif @
    0x5625…]" origin (an address).
    """
    stream.seek(0)
    lines = stream.read().decode("utf-8", "replace").strip().splitlines()
    for line in lines:
        for message in _OS_ERRORS:
            if message in line:
                return message
    return _FFMPEG_ORIGIN.sub("", lines[-1]) if lines else "no message"


class VideoWriter:
    """Stream frames into ffmpeg; the file appears, complete, when the block ends.

    Frames are H×W×3 (RGB) or H×W×4 (RGBA) uint8 arrays, all alike; ffmpeg starts
    with the first one, which sets the pixel format. RGBA lets a renderer hand
    over its canvas buffer as it is, with no copy. Use as a context manager:
    leaving it by an exception (Ctrl-C included) stops ffmpeg and removes the
    temporary file, so an earlier good file stays as it was.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        size: tuple[int, int],
        fps: float,
        fmt: str,
        palette_frames: Iterable[np.ndarray] = (),
        finish: Callable[[Path], None] | None = None,
    ) -> None:
        """``palette_frames``, for a GIF: a sample of the frames (all the colours they use).

        They may come lazily (a generator): the palette pass starts with the first
        of them and takes the others as they are drawn.
        ``finish``: called with the complete temporary file once ffmpeg has
        written it, before it is renamed into place (a GIF's frame delays).
        """
        if fmt not in _CODEC_ARGS:
            raise ValueError(f"fmt: expected one of {sorted(_CODEC_ARGS)}, got {fmt!r}")
        if fmt == "gif" and isinstance(palette_frames, Sequence) and not palette_frames:
            raise ValueError("a GIF needs palette_frames: a sample of the frames it will hold")
        self.path, self.size, self.fps, self.fmt = Path(path), size, fps, fmt
        self._palette_frames = palette_frames
        self._finish = finish
        self._stack = contextlib.ExitStack()
        self._process: subprocess.Popen[bytes] | None = None
        self._shape: tuple[int, ...] | None = None
        self._palette: Path | None = None
        self._palette_pass: subprocess.Popen[bytes] | None = None
        self._pending: list[np.ndarray] = []
        self.frames_written = 0

    def __enter__(self) -> VideoWriter:
        self._output = AtomicFile(self.path)
        try:
            self._stderr = self._stack.enter_context(tempfile.TemporaryFile())
        except BaseException as error:
            reason = os_reason(error) if isinstance(error, OSError) else None
            self._abort()
            if reason is not None:  # out of file descriptors, say
                raise OutputError(f"{self.path}: cannot write: {reason}") from None
            raise
        if self.fmt == "gif":
            try:
                self._begin_palette()
            except BaseException:
                self._abort()
                raise
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is not None:
            self._abort()
            return
        # One try around finishing *and* renaming: an interruption that lands
        # after ffmpeg ends but before the rename still removes the temporary.
        try:
            self.close()
            self._stack.close()
            if self._finish is not None:
                self._finish(self._output.temporary)
            self._output.commit()
        except BaseException:
            self._abort()
            raise

    def _start(self, first: np.ndarray) -> subprocess.Popen[bytes]:
        palette_args = [] if self._palette is None else ["-i", _local(self._palette)]
        args = [
            *_raw_input(first, self.fps), *palette_args, *_CODEC_ARGS[self.fmt],
            *_BITEXACT, "-y", _local(self._output.temporary),
        ]  # fmt: skip
        return self._started(args)

    def _started(self, args: list[str]) -> subprocess.Popen[bytes]:
        """ffmpeg started and held in ``_process``, where :meth:`_abort` finds it.

        Shielded: an interruption inside ``Popen`` would lose the process
        (running, and writing its file after the cleanup).
        """
        try:
            with shielded():
                self._process = _ffmpeg(args, subprocess.PIPE, self._stderr)
            return self._process
        except OSError as error:  # no pipes left (ulimit -n), no memory to fork
            raise OutputError(f"{self.path}: cannot start ffmpeg: {os_reason(error)}") from None
        except RuntimeError as error:  # imageio-ffmpeg found no binary (or could not look)
            reason = os_reason(OSError(str(error)))
            raise OutputError(f"{self.path}: cannot start ffmpeg: {reason}") from None

    def _begin_palette(self) -> None:
        """Start the pass that makes one 256-colour palette from the sample frames.

        It runs while the first frames are drawn (see :meth:`write`), and
        :meth:`_end_palette` waits for it.
        """
        try:
            folder = Path(self._stack.enter_context(tempfile.TemporaryDirectory()))
        except OSError as error:
            raise OutputError(f"{self.path}: cannot write: {os_reason(error)}") from None
        self._palette = folder / "palette.png"
        frames = iter(self._palette_frames)
        first = next(frames, None)
        if first is None:
            raise ValueError("a GIF needs palette_frames: a sample of the frames it will hold")
        first = self._checked(first)
        args = [
            *_raw_input(first), "-vf", "palettegen=stats_mode=full", "-y", _local(self._palette),
        ]  # fmt: skip
        # Started before the rest of the sample is drawn: its start-up overlaps the drawing.
        process = self._started(args)
        self._palette_pass = process
        assert process.stdin is not None
        with contextlib.suppress(BrokenPipeError):  # ffmpeg failed: its status says so later
            for frame in (first, *(self._checked(frame) for frame in frames)):
                process.stdin.write(memoryview(frame).cast("B"))
            process.stdin.close()

    def _end_palette(self, first: np.ndarray) -> None:
        """Wait for the palette, start the encoder with it, and send it the frames held."""
        process, self._palette_pass = self._palette_pass, None
        assert process is not None
        status = process.wait()
        self._process = None
        if status != 0:
            reason = _ffmpeg_reason(self._stderr)
            raise OutputError(f"{self.path}: ffmpeg palettegen failed: {reason}")
        held, self._pending = self._pending, []
        self._start(held[0] if held else first)
        for frame in held:
            self._send(frame)

    def _checked(self, frame: np.ndarray) -> np.ndarray:
        """The frame, C-contiguous, once its size, channels and dtype are known good."""
        width, height = self.size
        good = (
            frame.dtype == np.uint8
            and frame.ndim == 3
            and frame.shape[:2] == (height, width)
            and frame.shape[2] in _PIXEL_FORMATS
        )
        if not good:
            raise ValueError(
                f"frame: expected uint8 of shape {(height, width)} × 3 or 4 channels, "
                f"got {frame.dtype} {frame.shape}"
            )
        return np.ascontiguousarray(frame)

    def write(self, frame: np.ndarray) -> None:
        """Send one frame to the encoder (blocks while ffmpeg catches up).

        While a GIF's palette pass still runs, the frame is copied and held
        instead (up to 64 MB of them), so that drawing goes on meanwhile.
        """
        raise_if_stopping()
        frame = self._checked(frame)
        if self._shape is None:
            self._shape = frame.shape
        elif frame.shape != self._shape:
            message = f"frame: expected shape {self._shape} like the first, got {frame.shape}"
            raise ValueError(message)
        if self._palette_pass is not None:
            room = (len(self._pending) + 1) * frame.nbytes <= _AHEAD_BYTES
            if room and self._palette_pass.poll() is None:
                self._pending.append(frame.copy())
                return
            self._end_palette(frame)
        elif self._process is None:
            self._start(frame)
        self._send(frame)

    def _send(self, frame: np.ndarray) -> None:
        assert self._process is not None and self._process.stdin is not None
        try:
            self._process.stdin.write(memoryview(frame).cast("B"))
        except BrokenPipeError:
            self._process.wait()
            reason = _ffmpeg_reason(self._stderr)
            raise OutputError(f"{self.path}: ffmpeg stopped: {reason}") from None
        self.frames_written += 1

    def close(self) -> None:
        """Finish encoding; raise ``OutputError`` if ffmpeg failed."""
        if self._shape is None:
            raise OutputError(f"{self.path}: no frames to write")
        if self._palette_pass is not None:  # every frame came while the palette was made
            self._end_palette(self._pending[0])
        process = self._process
        assert process is not None
        assert process.stdin is not None
        with contextlib.suppress(BrokenPipeError):
            process.stdin.close()
        status = process.wait()
        self._process = None
        if status != 0:
            raise OutputError(f"{self.path}: ffmpeg failed: {_ffmpeg_reason(self._stderr)}")

    def _abort(self) -> None:
        """Stop ffmpeg at once (an error or an interruption); the file is not kept."""
        process, self._process = self._process, None
        try:
            if process is not None:
                process.kill()
                process.wait()
                if process.stdin is not None:
                    with contextlib.suppress(OSError):
                        process.stdin.close()
            self._stack.close()
        finally:
            self._output.discard()
