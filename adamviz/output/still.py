"""One frame as a still image, written atomically."""

from __future__ import annotations

import os

import imageio.v3 as iio
import numpy as np

from adamviz.output.atomic import AtomicFile


def write_png(path: str | os.PathLike[str], frame: np.ndarray) -> None:
    """One frame as a PNG still, written atomically."""
    # Encoded in memory first: the file is then one plain write, whose errors
    # (a full disk) AtomicFile reports, rather than a plugin's file handle.
    encoded = iio.imwrite("<bytes>", frame, extension=".png")
    AtomicFile(path).write_bytes(encoded)
