"""Which scalars of a model to record: ``"0.weight[3,1]"`` names one entry of a parameter.

An entry is a name from ``model.named_parameters()`` with an index, one number
per dimension; a name alone takes every entry of a small tensor (up to the
scenario's limit of parameters). Only names and shapes are read here, so
nothing here imports torch.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from adamviz.errors import CaptureError
from adamviz.scenario import MAX_PARAMETERS

#: ``name`` or ``name[i, j, ...]``; a parameter's own name never holds brackets.
_ENTRY = re.compile(r"(?P<name>[^\[\]]+?)\s*(?:\[(?P<index>[^\[\]]*)\])?")


class Entry(NamedTuple):
    """One scalar: its label (the scenario's parameter name), tensor name and flat index."""

    label: str
    tensor: str
    flat: int


def _label(name: str, index: Sequence[int]) -> str:
    return f"{name}[{','.join(map(str, index))}]" if index else name


def _shape_text(shape: Sequence[int]) -> str:
    return "a scalar" if not shape else f"shape ({', '.join(map(str, shape))})"


def _known(shapes: Mapping[str, Sequence[int]]) -> str:
    listed = ", ".join(f"{name} {_shape_text(shape)}" for name, shape in shapes.items())
    return listed or "none"


def _parse_index(text: str, entry: str) -> tuple[int, ...]:
    parts = [part.strip() for part in text.split(",")]
    if not all(re.fullmatch(r"[0-9]+", part) for part in parts):
        raise CaptureError(
            f"entry {entry!r}: expected an index of whole numbers >= 0, such as [3,1], got [{text}]"
        )
    return tuple(int(part) for part in parts)


def _one(entry: str, shapes: Mapping[str, Sequence[int]]) -> list[Entry]:
    match = _ENTRY.fullmatch(entry.strip())
    if match is None:
        raise CaptureError(
            f"entry {entry!r}: expected a parameter name with an optional index, "
            "such as '0.weight[3,1]'"
        )
    name, index_text = match["name"], match["index"]
    if name not in shapes:
        close = difflib.get_close_matches(name, list(shapes), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise CaptureError(
            f"entry {entry!r}: the model has no parameter {name!r}{hint}; "
            f"its parameters: {_known(shapes)}"
        )
    shape = tuple(shapes[name])
    size = math.prod(shape)
    if index_text is None:
        if size > MAX_PARAMETERS:
            example = _label(name, (0,) * len(shape))
            raise CaptureError(
                f"entry {entry!r}: {name} has {size} entries ({_shape_text(shape)}), more than "
                f"the {MAX_PARAMETERS} a scenario shows; choose some by index, such as {example!r}"
            )
        indices = [tuple(int(i) for i in _unravel(flat, shape)) for flat in range(size)]
        return [Entry(_label(name, index), name, flat) for flat, index in enumerate(indices)]
    index = _parse_index(index_text, entry)
    if len(index) != len(shape):
        raise CaptureError(
            f"entry {entry!r}: expected {len(shape)} index number{'s' * (len(shape) != 1)} "
            f"for {name} ({_shape_text(shape)}), got {len(index)}"
        )
    for axis, (i, length) in enumerate(zip(index, shape, strict=True)):
        if i >= length:
            raise CaptureError(
                f"entry {entry!r}: index {i} is out of range for dimension {axis} of {name} "
                f"({_shape_text(shape)}: 0 to {length - 1})"
            )
    return [Entry(_label(name, index), name, _ravel(index, shape))]


def _ravel(index: Sequence[int], shape: Sequence[int]) -> int:
    flat = 0
    for i, length in zip(index, shape, strict=True):
        flat = flat * length + i
    return flat


def _unravel(flat: int, shape: Sequence[int]) -> list[int]:
    index = []
    for length in reversed(shape):
        flat, i = divmod(flat, length)
        index.append(i)
    return index[::-1]


def resolve(entries: Iterable[str], shapes: Mapping[str, Sequence[int]]) -> list[Entry]:
    """The entries asked for, in order, checked against the model's parameter shapes.

    Raises :class:`CaptureError` naming what exists, for an unknown name, an
    index out of range, a name alone for a tensor too large, or too many in all.
    """
    if isinstance(entries, str):  # one name given bare would be read letter by letter
        entries = [entries]
    resolved: list[Entry] = []
    for entry in entries:
        if not isinstance(entry, str):
            raise CaptureError(
                f"expected entries as strings such as '0.weight[3,1]', got {entry!r}"
            )
        resolved += _one(entry, shapes)
    if not resolved:
        raise CaptureError(
            f"expected at least one entry to record; the model's parameters: {_known(shapes)}"
        )
    if len(resolved) > MAX_PARAMETERS:
        raise CaptureError(
            f"expected at most {MAX_PARAMETERS} entries (a scenario's parameters), "
            f"got {len(resolved)}"
        )
    seen: set[str] = set()
    for entry in resolved:
        if entry.label in seen:
            raise CaptureError(f"entry {entry.label!r} is asked for twice")
        if entry.label == "step":  # the gradients file's first column is named so
            raise CaptureError(
                "entry 'step': the name is taken by the gradients file's step column"
            )
        seen.add(entry.label)
    return resolved


def shapes_of(named_parameters: Iterable[tuple[str, Any]]) -> dict[str, tuple[int, ...]]:
    """``{name: shape}`` of ``model.named_parameters()``."""
    return {name: tuple(int(n) for n in tensor.shape) for name, tensor in named_parameters}
