"""How a figure looks, as a scenario writes it: theme, colours, font, background, captions.

The scenario layer checks the shape (a theme's name or a path, a colour per
known role, captions within the steps and apart); whether matplotlib knows a
colour, a font or a style sheet is for the figure layer to say
(:mod:`adamviz.figure.looks`), since matplotlib is imported there alone.
"""

from __future__ import annotations

import itertools
import unicodedata
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, create_model
from pydantic_core import PydanticCustomError

from adamviz.catalog import COLOR_ROLES, THEMES
from adamviz.scenario.fields import EXPECTED, StrictModel, expect, expect_list
from adamviz.scenario.maths import drawable
from adamviz.scenario.problem_text import KeyPath

#: Runs a figure can colour (as many as figure/theme.py's palettes hold).
MAX_RUN_COLORS = 12
#: A caption is a sentence or two: longer would cover the figure it explains.
MAX_CAPTION_CHARS = 200

# A '#' starts a YAML comment, so `mean: #1f77b4` reads as null: say so.
_COLOR_TEXT = 'a colour (a name such as tab:blue, or "#rrggbb" in quotes)'
ColorText = Annotated[str, Field(min_length=1), expect(_COLOR_TEXT)]

#: One optional colour per role, and ``runs``: a colour for each run, in order. Left out
#: is the theme's; written out, a key needs a colour (``mean: #1f77b4`` is null in YAML).
Colors: type[StrictModel] = create_model(  # type: ignore[call-overload]
    "Colors",
    __base__=StrictModel,
    __doc__="Colours by role; any left out keep the theme's.",
    **{role: (ColorText, None) for role in COLOR_ROLES},
    runs=(
        Annotated[
            list[ColorText],
            expect_list(f"a list of 1 to {MAX_RUN_COLORS} colours", 1, MAX_RUN_COLORS),
        ],
        None,
    ),
)


def _theme_text(value: str) -> str:
    if not value.strip() or any(unicodedata.category(c) == "Cc" for c in value):
        raise ValueError("blank")
    return value


ThemeName = Annotated[
    str,
    AfterValidator(_theme_text),
    expect(f"{' or '.join(THEMES)}, or the path of a matplotlib style sheet (.mplstyle)"),
]


class Looks(StrictModel):
    """The look of the figure: what ``render:`` holds besides its size, speed and panels."""

    theme: ThemeName = Field(
        "light",
        description="light, dark, or a matplotlib style sheet's path (relative to the scenario).",
    )
    colors: Colors | None = Field(  # type: ignore[valid-type]
        None,
        description=f"A colour per role ({', '.join(COLOR_ROLES)}; runs: a list) over the theme's.",
    )
    font: Annotated[str | None, expect("a font family name matplotlib can find")] = Field(
        None, description="The font family of every text, e.g. DejaVu Serif."
    )
    background: Annotated[
        Literal["opaque", "transparent"], expect("opaque or transparent")
    ] = Field(
        "opaque", description="transparent: the paper left out (PNG), for a page's own colour."
    )

    def is_default(self) -> bool:
        """Whether nothing here asks for more than the built-in themes (no matplotlib check)."""
        return self.colors is None and self.font is None and self.theme in THEMES


def _caption_text(text: str) -> str:
    # Line breaks may place the words; other control characters would show as boxes.
    bad = any(unicodedata.category(c) == "Cc" and c != "\n" for c in text)
    if not text.strip() or bad or len(text) > MAX_CAPTION_CHARS:
        raise ValueError("bad caption")
    return text.strip()


def _drawable_lines(text: str) -> str:
    for line in text.splitlines():
        drawable(line)
    return text


CaptionStep = Annotated[int, Field(ge=1), expect("a step (an integer >= 1)")]


class Caption(StrictModel):
    """Words drawn on the frames of steps ``from`` to ``to`` (both included)."""

    first: CaptionStep = Field(alias="from", description="The first step it is shown at.")
    last: CaptionStep = Field(alias="to", description="The last step it is shown at.")
    text: Annotated[
        Annotated[
            str,
            AfterValidator(_caption_text),
            expect(f"a non-empty text of at most {MAX_CAPTION_CHARS} characters"),
        ],
        # Plain text but for $…$ maths, as titles and names (adamviz.text), line by line.
        AfterValidator(_drawable_lines),
    ] = Field(description="What the reader should look at, while those steps play.")


CaptionList = Annotated[list[Caption], expect_list("a list of captions", 0)]


def _problem(at: KeyPath, expected: str, found: str) -> PydanticCustomError:
    return PydanticCustomError(
        EXPECTED, "expected {expected}", {"expected": expected, "found": found, "at": at}
    )


def check_captions(captions: list[Caption], steps: int | None) -> None:
    """Each caption within the steps, ``from`` <= ``to``, none overlapping another.

    Raises the scenario's one-line problem at the caption's key. ``steps`` None:
    left out of the file, known once its recorded files are read (load checks again).
    """
    last_step = steps if steps is not None else float("inf")
    for index, caption in enumerate(captions):
        if caption.first > last_step:
            raise _problem(("captions", index, "from"), f"a step from 1 to {steps}",
                           str(caption.first))  # fmt: skip
        if not caption.first <= caption.last <= last_step:
            raise _problem(("captions", index, "to"),
                           f"a step from {caption.first} (its from) to {steps or 'the last'}",
                           str(caption.last))  # fmt: skip
    order = sorted(range(len(captions)), key=lambda k: captions[k].first)
    for before, after in itertools.pairwise(order):
        shown, next_one = captions[before], captions[after]
        if next_one.first <= shown.last:
            raise _problem(
                ("captions", after, "from"),
                f"a step after {shown.last}, where captions[{before}] "
                f"(steps {shown.first} to {shown.last}) ends: one caption at a time",
                str(next_one.first),
            )


def caption_items(captions: list[Caption] | None) -> list[dict[str, Any]]:
    """The captions as plain data (from, to, text), for the figure and the page."""
    return [{"from": c.first, "to": c.last, "text": c.text} for c in captions or []]
