"""``pause:``: frames held on screen longer, where the reader must look (the step after a flip).

A pause lengthens the frame that shows its step (or, when frames skip steps,
the first frame after it); the numbers and every other frame are unchanged.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from pydantic_core import PydanticCustomError

from adamviz.scenario.fields import EXPECTED, StrictModel, expect, expect_list

#: The longest a single pause may hold its frame, in seconds (as render.hold).
MAX_PAUSE_SECONDS = 60.0


class Pause(StrictModel):
    """Hold the frame of step ``at`` for ``seconds`` more."""

    at: Annotated[int, Field(ge=1), expect("a step (an integer >= 1)")] = Field(
        description="The step whose frame is held."
    )
    seconds: Annotated[
        float,
        Field(gt=0, le=MAX_PAUSE_SECONDS),
        expect(f"a number of seconds > 0 and <= {MAX_PAUSE_SECONDS:g}"),
    ] = Field(1.5, description="How much longer that frame stays on screen.")


PauseList = Annotated[list[Pause], expect_list("a list of pauses ({at, seconds})", 0)]


def check_pauses(pauses: list[Pause], steps: int | None) -> None:
    """Each pause at one of the steps, and each step paused at most once."""
    first: dict[int, int] = {}
    for index, pause in enumerate(pauses):
        if steps is not None and pause.at > steps:
            raise _problem(("pause", index, "at"), f"a step from 1 to {steps}", str(pause.at))
        if pause.at in first:
            raise _problem(
                ("pause", index, "at"),
                f"a step not paused already (pause[{first[pause.at]}] holds {pause.at})",
                str(pause.at),
            )
        first[pause.at] = index


def _problem(at: tuple[str | int, ...], expected: str, found: str) -> PydanticCustomError:
    return PydanticCustomError(
        EXPECTED, "expected {expected}", {"expected": expected, "found": found, "at": at}
    )
