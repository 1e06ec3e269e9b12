"""The check that a title, name or label can be drawn: its ``$…$`` maths must parse.

Which parts are maths is :mod:`adamviz.text`'s rule; whether those parts are
mathtext matplotlib can draw, only matplotlib's own parser knows. It is
imported here, the one place outside the figure that does (pyproject.toml's
contracts say so), and only for a text that asks for maths, so a scenario
without any loads no matplotlib.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from adamviz.scenario.fields import EXPECTED, Name
from adamviz.text import for_matplotlib, math_spans

if TYPE_CHECKING:
    from matplotlib.mathtext import MathTextParser

DRAWABLE = "plain text, or maths between $…$ that matplotlib's mathtext can draw"


def drawable(text: str) -> str:
    """``text`` itself, if its maths parse; else the problem, with the parser's reason."""
    if not math_spans(text):
        return text
    try:
        _parser().parse(for_matplotlib(text))
    except ValueError as error:
        reason = _reason(error)
    except RecursionError:  # pyparsing recurses once per brace: "${{{{…$"
        reason = "nested too deeply"
    else:
        return text
    raise PydanticCustomError(
        EXPECTED, "expected {expected}", {"expected": DRAWABLE, "found": f"'{text}' ({reason})"}
    )


@functools.cache
def _parser() -> MathTextParser:
    from matplotlib.mathtext import MathTextParser

    return MathTextParser("path")


def _reason(error: ValueError) -> str:
    """The parser's last line, without its class name and its position (the text is quoted)."""
    lines = [line for line in str(error).splitlines() if line.strip()]
    last = lines[-1] if lines else "does not parse"
    last = re.sub(r"^\w*Exception:\s*", "", last)
    return re.sub(r"\s*\(at char \d+\).*$", "", last).strip()


#: A text the figure draws (a title, a parameter's name, a run's label).
Label = Annotated[Name, AfterValidator(drawable)]
