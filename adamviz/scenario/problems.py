"""Pydantic's validation errors as one-line problems: ``key: expected X, got Y`` at a line.

pydantic locates an error by its path through the models (with the union
tags it inserts); the :class:`Locator` maps that path back to the document's
keys and to the line the YAML reader recorded for them.
"""

from __future__ import annotations

import difflib
import re
import typing
from types import UnionType
from typing import Annotated, Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from adamviz.catalog import PATTERNS
from adamviz.errors import Problem
from adamviz.scenario.fields import EXPECTED
from adamviz.scenario.models import Scenario
from adamviz.scenario.optimizers import OptimizerSpec
from adamviz.scenario.problem_text import KeyPath, did_you_mean, dotted, expected_got, found_text


class Locator:
    """Turns pydantic's error locations into document paths, lines and messages."""

    def __init__(self, file: str, data: dict[str, Any], lines: dict[KeyPath, int]) -> None:
        self.file = file
        self.data = data
        self.lines = lines

    def problem(self, path: KeyPath, message: str) -> Problem:
        return Problem(self.file, self.line(path), dotted(path) or None, message)

    def line(self, path: KeyPath) -> int | None:
        """The line of ``path`` or, for a missing key, of the deepest part that exists.

        None for data that came without lines (a dict built in Python).
        """
        if not self.lines:
            return None
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return 1

    def path(self, loc: tuple[str | int, ...]) -> KeyPath:
        """pydantic's loc minus the tags it inserts after tagged unions (``gradient.constant.x``).

        The loc is walked beside the models' types: right after a field whose
        type is a tagged union (gradient patterns, optimizers, any other), pydantic
        inserts the chosen member's tag, which the document does not have as a
        key (and may not have at all, where the tag has a default: ``optimizer:``
        is Adam). Knowing the union from the type, rather than guessing from the
        names, keeps a key that merely equals a tag (``{pattern: loss, loss: ...}``,
        ``{pattern: "", "": 1}``) a key.
        """
        path: list[str | int] = []
        node: Any = self.data
        annotation: Any = Scenario
        for part in loc:
            union = _tagged_union(annotation)
            if union is not None and part in union[1]:
                annotation = union[1][part]
                continue
            path.append(part)
            annotation = _child(annotation, part)
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                node = None
        return tuple(path)

    def value(self, path: KeyPath) -> Any:
        node: Any = self.data
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return None
        return node


def schema_problem(error: ErrorDetails, locate: Locator) -> Problem:
    """One pydantic error as ``key: expected X, got Y`` at the right line."""
    loc = tuple(error["loc"])
    path = locate.path(loc)
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    if kind == EXPECTED and ctx.get("missing"):  # found missing by a model, not by pydantic
        return locate.problem(path + tuple(ctx.get("at", ())), "required key missing")
    if kind == EXPECTED:
        found = ctx.get("found") or found_text(error["input"])
        return locate.problem(
            path + tuple(ctx.get("at", ())),
            expected_got(ctx["expected"], found, ctx.get("hint", "")),
        )
    if kind == "missing":
        return locate.problem(path, "required key missing")
    if kind == "extra_forbidden":
        return locate.problem(path, _unknown_key_of(str(path[-1]), loc[:-1]))
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return _tag_problem(kind, ctx, _annotation_at(loc), path, locate)
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return locate.problem(path, expected_got("a mapping", found_text(error["input"])))
    # Not expected with this schema; keep pydantic's words but our shape.
    expected = error["msg"].removeprefix("Input should be ")
    return locate.problem(path, expected_got(expected, found_text(error["input"])))


def _tag_problem(
    kind: str, ctx: dict[str, Any], annotation: Any, path: KeyPath, locate: Locator
) -> Problem:
    """A tagged union whose tag (``pattern:``, ``name:``) is missing or names no member."""
    union = _tagged_union(annotation)
    key = union[0] if union else str(ctx.get("discriminator", "")).strip("'")
    allowed = list(union[1]) if union else re.findall(r"'([^']*)'", str(ctx.get("expected_tags")))
    choices = f"one of {', '.join(allowed)}"
    if kind == "union_tag_not_found":
        return locate.problem((*path, key), f"required key missing; expected {choices}")
    value = locate.value((*path, key))
    known = _NARROWER_UNIONS.get(key, ())
    if value in known and value not in allowed:
        where = "inside sparse" if path and path[-1] == "of" else "inside segments"
        hint = f" ({value} is not allowed {where})"
    else:
        hint = did_you_mean(value, allowed)
    return locate.problem((*path, key), expected_got(choices, found_text(value), hint))


#: Tags whose union is narrower in some places: every pattern is known, but a
#: segments piece or a sparse pattern's values take only the open-loop ones.
_NARROWER_UNIONS: dict[str, tuple[str, ...]] = {"pattern": PATTERNS}


def _unknown_key(key: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1)
    if close:
        return f"unknown key; did you mean '{close[0]}'?"
    return f"unknown key; allowed here: {', '.join(allowed)}" if allowed else "unknown key"


def _annotation_at(loc: tuple[str | int, ...]) -> Any:
    """The type at pydantic's ``loc`` (tags included, as pydantic gives them), or None."""
    annotation: Any = Scenario
    for part in loc:
        union = _tagged_union(annotation)
        annotation = union[1].get(str(part)) if union is not None else _child(annotation, part)
        if annotation is None:
            return None
    return annotation


def _unknown_key_of(key: str, loc: tuple[str | int, ...]) -> str:
    """A key the model at ``loc`` does not have; for an optimizer, the keywords it does take."""
    allowed = _allowed_keys(loc)
    model = _unwrap(_annotation_at(loc))
    if not (isinstance(model, type) and issubclass(model, OptimizerSpec)):
        return _unknown_key(key, allowed)
    name = typing.get_args(model.model_fields["name"].annotation)[0]
    keywords = ", ".join(k for k in allowed if k not in OptimizerSpec.model_fields)
    close = difflib.get_close_matches(key, allowed, n=1)
    if close:
        return f"unknown key; did you mean '{close[0]}'? ({name} takes {keywords})"
    return f"unknown key; {name} takes {keywords} (and name, label)"


def _allowed_keys(loc: tuple[str | int, ...]) -> list[str]:
    """The field names of the model at ``loc``."""
    annotation = _unwrap(_annotation_at(loc))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        # As the file spells them: a caption's "from", not the model's "first".
        return [f.alias or name for name, f in annotation.model_fields.items()]
    return []


def _unwrap(annotation: Any) -> Any:
    """The type under ``Annotated[...]`` and ``X | None`` (an optional key is its X)."""
    while True:
        if typing.get_origin(annotation) is Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        members = _optional_of(annotation)
        if members is None:
            return annotation
        annotation = members


def _optional_of(annotation: Any) -> Any:
    """X for ``X | None``, else None."""
    if typing.get_origin(annotation) not in (typing.Union, UnionType):
        return None
    members = [m for m in typing.get_args(annotation) if m is not type(None)]
    return members[0] if len(members) == 1 < len(typing.get_args(annotation)) else None


class _Tagged:
    """A model field's type together with the discriminator pydantic moved off it."""

    def __init__(self, annotation: Any, discriminator: str) -> None:
        self.annotation, self.discriminator = annotation, discriminator


def _child(annotation: Any, part: str | int) -> Any:
    """One step down a type: a model's field, or a list's item."""
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(part))
        if field is None:
            return None
        # pydantic keeps a field's Field(discriminator=...) on the field, not the type.
        if isinstance(field.discriminator, str):
            return _Tagged(field.annotation, field.discriminator)
        return field.annotation
    if typing.get_origin(annotation) is list:
        return typing.get_args(annotation)[0]
    return None


def _tagged_union(annotation: Any) -> tuple[str, dict[str, Any]] | None:
    """The discriminator key and the members by tag, if ``annotation`` is a tagged union."""
    key: str | None = None
    if isinstance(annotation, _Tagged):
        annotation, key = annotation.annotation, annotation.discriminator
    while True:
        if typing.get_origin(annotation) is Annotated:
            annotation, *metadata = typing.get_args(annotation)
            for item in metadata:
                if isinstance(item, FieldInfo) and isinstance(item.discriminator, str):
                    key = item.discriminator
            continue
        optional = _optional_of(annotation)
        if optional is None:
            break
        annotation = optional
    if key is None or typing.get_origin(annotation) not in (typing.Union, UnionType):
        return None
    members: dict[str, Any] = {}
    for member in map(_unwrap, typing.get_args(annotation)):
        for tag in typing.get_args(member.model_fields[key].annotation):
            members[tag] = member
    return key, members
