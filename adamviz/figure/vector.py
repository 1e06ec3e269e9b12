"""One frame as a vector still (SVG or PDF): every artist drawn as paths, the text as text.

A frame of :class:`~adamviz.figure.engine.Animation` is pixels: a background
drawn once, growing lines replayed into it, labels stamped from glyphs. A
vector still cannot be made of those, so the figure is drawn again, whole, as
it stands at that step: each panel's update sets its artists to the step (the
growing lines cut to the steps shown, as for a frame), the moving artists are
drawn with the rest, and the stamped labels' placeholders show their text.
Then everything is put back as the frames need it.

Text stays text (``svg.fonttype: none``, TrueType fonts embedded as Type 42 in
a PDF), so slides and print can restyle it and search it; no date or random
id is written, so the same step gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from contextlib import ExitStack

import matplotlib
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.text import Text

from adamviz.catalog import VECTOR_FORMATS

_RC = {"svg.fonttype": "none", "pdf.fonttype": 42, "svg.hashsalt": "adamviz"}
#: No creation date (and no software version in the SVG), so that the bytes are stable.
_METADATA = {"svg": {"Date": None, "Creator": None}, "pdf": {"CreationDate": None}}


def vector_still(
    figure: Figure,
    updates: Sequence[Callable[[int], None]],
    moving: Sequence[Artist],
    labels: Sequence[tuple[Text, Callable[[int], str]]],
    index: int,
    fmt: str,
) -> bytes:
    """Frame ``index`` of the figure as SVG or PDF bytes.

    ``updates``, ``moving``, ``labels``: what the panels declared moves (see
    ``figure.engine._Moving``); call it within the theme's rc settings.
    """
    if fmt not in VECTOR_FORMATS:
        raise ValueError(f"fmt: expected one of {VECTOR_FORMATS}, got {fmt!r}")
    for update in updates:
        update(index)
    with ExitStack() as restore:
        for artist in moving:
            artist.set_animated(False)
            restore.callback(artist.set_animated, True)
        for placeholder, text_of in labels:
            placeholder.set_text(text_of(index))
            placeholder.set_visible(True)
            restore.callback(placeholder.set_visible, False)
        buffer = io.BytesIO()
        with matplotlib.rc_context(_RC):
            figure.savefig(buffer, format=fmt, dpi=figure.dpi, metadata=_METADATA[fmt])
    return buffer.getvalue()
