"""Each frame's delay in a GIF, set after ffmpeg wrote it: how a GIF follows a timeline.

ffmpeg's frames come from a constant-rate pipe, so every frame of its GIF gets
the same delay. A GIF stores a delay per frame (in 1/100 s, in the Graphic
Control Extension before each image), so the timeline's durations (the last
frame held, a pause at a step) are written into those two bytes in place:
the image data, and with it the file's size, do not change. The blocks are
walked as the format lays them out (GIF89a, section 17 on), never found by
searching for bytes that image data could also contain.
"""

from __future__ import annotations

from collections.abc import Sequence

_EXTENSION, _IMAGE, _TRAILER = 0x21, 0x2C, 0x3B
_GRAPHIC_CONTROL = 0xF9


def _skip_sub_blocks(data: bytes | bytearray, at: int) -> int:
    """The offset after a chain of sub-blocks (each a size byte and that many bytes; 0 ends it)."""
    while True:
        size = data[at]
        at += 1 + size
        if size == 0:
            return at


def _colour_table_size(packed: int) -> int:
    return 3 * 2 ** ((packed & 0x07) + 1) if packed & 0x80 else 0


def delay_offsets(data: bytes | bytearray) -> list[int]:
    """Per image, the offset of its delay's two bytes (little-endian centiseconds).

    Raises ValueError for a file that is not a GIF, or an image with no
    Graphic Control Extension before it (no delay to set).
    """
    if data[:6] not in (b"GIF87a", b"GIF89a"):
        raise ValueError("not a GIF")
    at = 13 + _colour_table_size(data[10])
    offsets: list[int] = []
    pending: int | None = None
    try:
        while data[at] != _TRAILER:
            kind = data[at]
            if kind == _EXTENSION:
                if data[at + 1] == _GRAPHIC_CONTROL and data[at + 2] == 4:
                    pending = at + 4  # introducer, label, size, packed: then the delay
                at = _skip_sub_blocks(data, at + 2)
            elif kind == _IMAGE:
                if pending is None:
                    raise ValueError(f"image {len(offsets) + 1} has no delay to set")
                offsets.append(pending)
                pending = None
                at += 10 + _colour_table_size(data[at + 9])
                at = _skip_sub_blocks(data, at + 1)  # after the LZW minimum code size
            else:
                raise ValueError(f"unexpected block 0x{kind:02x} at byte {at}")
    except IndexError:
        raise ValueError("the GIF ends before its trailer") from None
    return offsets


def delays(data: bytes | bytearray) -> list[int]:
    """Every frame's delay, in centiseconds."""
    return [int.from_bytes(data[at : at + 2], "little") for at in delay_offsets(data)]


def set_delays(data: bytearray, centiseconds: Sequence[int]) -> None:
    """Give frame k the delay ``centiseconds[k]``, in place; one per frame the GIF holds."""
    offsets = delay_offsets(data)
    if len(offsets) != len(centiseconds):
        raise ValueError(f"expected a delay for each of {len(offsets)} frames, "
                         f"got {len(centiseconds)}")  # fmt: skip
    for at, delay in zip(offsets, centiseconds, strict=True):
        data[at : at + 2] = min(max(delay, 1), 0xFFFF).to_bytes(2, "little")
