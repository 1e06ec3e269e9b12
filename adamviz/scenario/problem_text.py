"""The words of a problem: where it is (a key path) and what is wrong ("expected X, got Y").

The YAML reader, the models and the translation of pydantic's errors all word
their problems with these, so that every message names keys and found values
the same way.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

KeyPath = tuple[str | int, ...]
"""Where a value sits in the document: ``("parameters", 0, "gradient", "value")``."""


def dotted(path: KeyPath) -> str:
    """``("parameters", 0, "gradient")`` → ``parameters[0].gradient``.

    A key that would read ambiguously (blank, padded, holding a line break or
    the path's own ``.[]``) is shown quoted: ``parameters[0].'tit le '``.
    """
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            name = part if _plain_key(part) else repr(part)
            text += f".{name}" if text else name
    return text


def _plain_key(key: str) -> bool:
    return bool(key) and key.isprintable() and key == key.strip() and not set(key) & set(".[]")


def _truncate(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def found_text(value: Any) -> str:
    """A found value as the user would recognise it: strings quoted, numbers plain."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):  # before int: bool is an int subclass
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, int | float):
        return _truncate(repr(value))
    if isinstance(value, str):
        quoted = repr(_truncate(value))
        return f"{quoted} (a string)" if _looks_like_number(value) else quoted
    if isinstance(value, list):
        return (
            "an empty list"
            if not value
            else f"a list of {len(value)} item" + "s" * (len(value) > 1)
        )
    if isinstance(value, dict):
        return "a mapping"
    return _truncate(str(value))  # dates and other YAML types


def _looks_like_number(text: str) -> bool:
    """A quoted number: the one case where saying "a string" tells the user something."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def expected_got(expected: str, found: str, hint: str = "") -> str:
    return f"expected {expected}, got {found}{hint}"


def did_you_mean(value: object, choices: Sequence[str]) -> str:
    if not isinstance(value, str) or not choices:
        return ""
    close = difflib.get_close_matches(value, choices, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
