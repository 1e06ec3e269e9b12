"""A scenario without ``steps``: as many steps as its recorded gradient files have rows.

A recorded run (``adamviz.capture``) knows its length only from the file it
wrote, so its scenario leaves ``steps`` out. Only a parameter whose whole
gradient is a ``file`` pattern gives a length; patterns that are drawn
(constants, sines, segments, ...) take whatever length the files give. Every
file must give the same one: two recordings of different lengths are a
mistake to be told, not silently cut to the shorter.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from adamviz.scenario.fields import MAX_STEPS
from adamviz.scenario.patterns import DrawError, FilePattern, Pattern
from adamviz.scenario.problem_text import KeyPath

_NO_FILE = (
    "required key missing (it may be left out only when a parameter's gradient is "
    "{pattern: file, ...}: the file's rows are the steps)"
)


def recorded_steps(
    gradients: Sequence[Pattern | None], folder: Path
) -> tuple[int | None, list[tuple[KeyPath, str]]]:
    """The number of rows every whole-``file`` gradient has, or the problems with them.

    ``gradients`` are the parameters' gradient patterns in order, ``None`` for
    one that did not validate (its own problem is reported elsewhere). Each
    column is read once, at most ``MAX_STEPS + 1`` rows, with the reader's checks.
    """
    files = [(i, g) for i, g in enumerate(gradients) if isinstance(g, FilePattern)]
    if not files:
        # A parameter that did not validate may have been the file: say nothing then.
        return None, [] if None in gradients else [(("steps",), _NO_FILE)]
    problems: list[tuple[KeyPath, str]] = []
    rows: dict[tuple[str, int | str], int] = {}  # each column read once, so each is checked
    first: tuple[int, str, int] | None = None  # parameter index, path, rows
    for index, spec in files:
        where: KeyPath = ("parameters", index, "gradient")
        key = (spec.path, spec.column)
        if key not in rows:
            try:
                rows[key] = spec.read(folder, MAX_STEPS + 1).size
            except DrawError as error:
                problems.extend(error.under(where))
                continue
        count = rows[key]
        if count > MAX_STEPS:
            problems.append((
                (*where, "path"),
                f"expected at most {MAX_STEPS} rows in '{spec.path}' when steps is left out, "
                "got more (set steps to use the first rows)",
            ))  # fmt: skip
        elif first is None:
            first = (index, spec.path, count)
        elif count != first[2]:
            problems.append((
                (*where, "path"),
                f"expected {first[2]} rows, as '{first[1]}' of parameters[{first[0]}] has "
                f"(or set steps to use the first rows of each), got {count} in '{spec.path}'",
            ))  # fmt: skip
    if problems or first is None:
        return None, problems
    return first[2], []
