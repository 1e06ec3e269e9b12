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
from pydantic_core import ErrorDetails

from adamviz.errors import Problem
from adamviz.scenario.fields import EXPECTED, PATTERNS
from adamviz.scenario.models import Scenario
from adamviz.scenario.patterns import Pattern
from adamviz.scenario.problem_text import KeyPath, did_you_mean, dotted, expected_got, found_text


class Locator:
    """Turns pydantic's error locations into document paths, lines and messages."""

    def __init__(self, file: str, data: dict[str, Any], lines: dict[KeyPath, int]) -> None:
        self.file = file
        self.data = data
        self.lines = lines

    def problem(self, path: KeyPath, message: str) -> Problem:
        return Problem(self.file, self.line(path), dotted(path) or None, message)

    def line(self, path: KeyPath) -> int:
        """The line of ``path`` or, for a missing key, of the deepest part that exists."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return 1

    def path(self, loc: tuple[str | int, ...]) -> KeyPath:
        """pydantic's loc minus the union tags it inserts (``gradient.constant.value``).

        A tag is the pattern name of the mapping it follows; it is skipped once
        per mapping, since a pattern may have a field of its own name (loss.loss).
        """
        path: list[str | int] = []
        node: Any = self.data
        tag_skipped = False
        for index, part in enumerate(loc):
            # A tag is always followed by a field of its pattern: a key that only
            # equals the mapping's pattern value (``{pattern: "", "": 1}``) is a key.
            is_tag = index + 1 < len(loc) and part in PATTERNS
            tagged = isinstance(node, dict) and part == node.get("pattern")
            if is_tag and tagged and not tag_skipped:
                tag_skipped = True
                continue
            path.append(part)
            tag_skipped = False
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
    if kind == EXPECTED:
        found = ctx.get("found") or found_text(error["input"])
        return locate.problem(
            path + tuple(ctx.get("at", ())),
            expected_got(ctx["expected"], found, ctx.get("hint", "")),
        )
    if kind == "missing":
        return locate.problem(path, "required key missing")
    if kind == "extra_forbidden":
        return locate.problem(path, _unknown_key(str(path[-1]), _allowed_keys(loc[:-1])))
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return _pattern_problem(kind, ctx, path, locate)
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return locate.problem(path, expected_got("a mapping", found_text(error["input"])))
    # Not expected with this schema; keep pydantic's words but our shape.
    expected = error["msg"].removeprefix("Input should be ")
    return locate.problem(path, expected_got(expected, found_text(error["input"])))


def _pattern_problem(kind: str, ctx: dict[str, Any], path: KeyPath, locate: Locator) -> Problem:
    allowed = re.findall(r"'([^']*)'", str(ctx.get("expected_tags", ""))) or list(PATTERNS)
    choices = f"one of {', '.join(allowed)}"
    if kind == "union_tag_not_found":
        return locate.problem((*path, "pattern"), f"required key missing; expected {choices}")
    value = locate.value((*path, "pattern"))
    if value in PATTERNS and value not in allowed:
        hint = f" ({value} is not allowed inside segments)"
    else:
        hint = did_you_mean(value, allowed)
    return locate.problem((*path, "pattern"), expected_got(choices, found_text(value), hint))


def _unknown_key(key: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1)
    if close:
        return f"unknown key; did you mean '{close[0]}'?"
    return f"unknown key; allowed here: {', '.join(allowed)}" if allowed else "unknown key"


def _allowed_keys(loc: tuple[str | int, ...]) -> list[str]:
    """The field names of the model at ``loc`` (tags included, as pydantic gives them)."""
    annotation: Any = Scenario
    for part in loc:
        annotation = _child(annotation, part)
        if annotation is None:
            return []
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    while typing.get_origin(annotation) is Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _child(annotation: Any, part: str | int) -> Any:
    """One step down a type: a model's field, a list's item, or a union's tagged member."""
    annotation = _unwrap(annotation)
    origin = typing.get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(part))
        return field.annotation if field else None
    if origin is list:
        return typing.get_args(annotation)[0]
    if origin in (typing.Union, UnionType):
        for member in map(_unwrap, typing.get_args(annotation)):
            is_pattern = isinstance(member, type) and issubclass(member, Pattern)
            if is_pattern and part in typing.get_args(member.model_fields["pattern"].annotation):
                return member
    return None
