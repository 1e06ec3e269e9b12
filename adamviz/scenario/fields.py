"""The limits a scenario has, and the field types that check them with one phrase each.

Every scalar field wraps pydantic's own checks in ``expect``: whatever went
wrong (wrong type, out of range, NaN), the user reads one phrase that names
the whole requirement, e.g. "expected an integer from 1 to 100000".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    WrapValidator,
)
from pydantic_core import PydanticCustomError

from adamviz.catalog import LOSSES, PANELS
from adamviz.scenario.problem_text import did_you_mean

MAX_STEPS = 100_000
MAX_PARAMETERS = 8

EXPECTED = "expected"  # the one custom pydantic error type the scenario models raise


def expect(expected: str, choices: Sequence[str] = ()) -> WrapValidator:
    """Replace any error from the wrapped type with "expected <expected>"."""

    def reword(value: Any, handler: Callable[[Any], Any]) -> Any:
        try:
            return handler(value)
        except ValidationError as error:
            # Say "finite" only when that is the problem; otherwise it is noise.
            finite = any(e["type"] == "finite_number" for e in error.errors())
            text = expected.replace("a number", "a finite number", 1) if finite else expected
            hint = did_you_mean(value, choices)
            raise PydanticCustomError(
                EXPECTED, "expected {expected}", {"expected": text, "hint": hint}
            ) from None

    return WrapValidator(reword)


def expect_list(expected: str, min_length: int, max_length: int | None = None) -> BeforeValidator:
    """Check a list's type and length up front, so item errors still point at items."""

    def check(value: Any) -> Any:
        too_long = max_length is not None and isinstance(value, list) and len(value) > max_length
        if not isinstance(value, list) or len(value) < min_length or too_long:
            raise PydanticCustomError(EXPECTED, "expected {expected}", {"expected": expected})
        return value

    return BeforeValidator(check)


def _not_blank(text: str) -> str:
    # Control characters (a "\r" in a name) would break the CSV rows and the
    # figure's labels; no name needs one.
    if not text.strip() or any(unicodedata.category(char) == "Cc" for char in text):
        raise ValueError("blank or control characters")
    return text


Number = Annotated[float, expect("a number")]
NonNegative = Annotated[float, Field(ge=0), expect("a number >= 0")]
Positive = Annotated[float, Field(gt=0), expect("a number > 0")]
Decay = Annotated[float, Field(ge=0, lt=1), expect("a number in [0, 1)")]
Text = Annotated[str, expect("a string")]
Name = Annotated[
    str, AfterValidator(_not_blank), expect("a non-empty string without control characters")
]
Flag = Annotated[bool, expect("true or false")]
StepCount = Annotated[int, Field(ge=1, le=MAX_STEPS), expect(f"an integer from 1 to {MAX_STEPS}")]
Seed = Annotated[int, Field(ge=0), expect("an integer >= 0")]
PieceSteps = Annotated[int, Field(ge=1), expect("an integer >= 1")]
# Literal[names] with the catalog's tuple: the same as listing each name.
Panel = Annotated[
    Literal[PANELS],  # type: ignore[valid-type]
    expect(f"one of {', '.join(PANELS)}", choices=PANELS),
]
LossName = Annotated[
    Literal[LOSSES],  # type: ignore[valid-type]
    expect(f"one of {', '.join(LOSSES)}", choices=LOSSES),
]
Column = Annotated[
    Annotated[int, Field(ge=0)] | Annotated[str, Field(min_length=1)],
    expect("a column index (an integer >= 0) or a header name"),
]


def even_int(low: int, high: int) -> Any:
    """MP4 encoders need even frame sizes, so the check belongs in the schema."""
    return Annotated[
        int,
        Field(ge=low, le=high, multiple_of=2),
        expect(f"an even integer from {low} to {high}"),
    ]


class StrictModel(BaseModel):
    # strict: "0.1" is not a number and true is not 1; ints are still fine as floats.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)
