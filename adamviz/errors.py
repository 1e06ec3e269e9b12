"""The errors adamviz raises for problems a user can fix.

The library raises these; only the CLI turns them into ``Error: ...`` lines and
exit status 1. Each problem is one line that names the file, the line where the
YAML parser knows it, the key, what was expected and what was found.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One mistake in one input file: ``file:line: key: message``.

    ``message`` reads "<what was expected>, got <what was found>" wherever both
    are known. ``line`` is 1-based; ``None`` where no line applies (a missing
    file). ``key`` is a dotted path such as ``parameters[0].gradient.value``.
    """

    file: str
    line: int | None
    key: str | None
    message: str

    def __str__(self) -> str:
        file = one_line(self.file)
        where = file if self.line is None else f"{file}:{self.line}"
        text = f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"
        return one_line(text)


def one_line(text: str) -> str:
    """``text`` with line breaks and other unprintable characters escaped, as Python would.

    A problem is one line on a terminal whatever a file's name or a key holds.
    """
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


class AdamvizError(Exception):
    """A problem the user can fix; its text is one line per problem, without ``Error:``."""

    def lines(self) -> list[str]:
        return str(self).splitlines() or [type(self).__name__]


class ScenarioError(AdamvizError):
    """A scenario file that cannot be read, parsed or validated."""

    def __init__(self, problems: list[Problem]) -> None:
        if not problems:
            raise ValueError("a ScenarioError needs at least one problem")
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class OutputError(AdamvizError):
    """An output file that cannot be written (folder missing rights, disk full, encoder failed)."""


class SimulationError(AdamvizError):
    """A run that left the finite numbers: a learning rate or a loss that makes θ blow up."""


class CaptureError(AdamvizError, ValueError):
    """A training run that cannot be recorded or replayed as it is: an entry that does not
    exist, an optimizer adamviz does not know, a run that changed what a replay assumes."""
