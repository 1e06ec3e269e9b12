"""A scenario's ``render`` look as a :class:`Theme`: a built-in one or a style sheet, recoloured.

Whether matplotlib knows a colour, a font or a style sheet's keys is asked
here, where matplotlib may be imported; what is wrong comes back as
``(key path, message)`` pairs (a :class:`LookError`), which the caller turns
into the scenario's one-line problems at the keys' lines.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from pathlib import Path
from typing import Any

from matplotlib import RcParams, font_manager
from matplotlib.colors import get_named_colors_mapping, is_color_like, to_hex, to_rgb

from adamviz.colors import DARK_BELOW
from adamviz.figure.theme import DARK, LIGHT, THEMES, Theme, luminance
from adamviz.scenario.looks import Looks
from adamviz.streams.reads import reading

#: A style sheet is a page of settings; anything this large is not one.
MAX_STYLE_BYTES = 1 << 20

KeyPath = tuple[str | int, ...]

#: Settings of how matplotlib runs, not of how a figure looks: a style sheet's are
#: ignored, as matplotlib's own styles ignore them (its private _STYLE_BLACKLIST).
NOT_LOOKS = frozenset({
    "interactive", "backend", "backend_fallback", "webagg.port", "webagg.address",
    "webagg.port_retries", "webagg.open_in_browser", "toolbar", "timezone",
    "figure.max_open_warning", "figure.raise_window", "savefig.directory",
    "tk.window_focus", "docstring.hardcopy", "date.epoch",
})  # fmt: skip


class LookError(Exception):
    """What matplotlib does not know of a look: (key path, message) pairs."""

    def __init__(self, problems: list[tuple[KeyPath, str]]) -> None:
        super().__init__("; ".join(message for _, message in problems))
        self.problems = problems


def theme_for(looks: Looks, folder: Path) -> Theme:
    """The theme ``looks`` asks for; style sheets and fonts are found relative to ``folder``.

    Raises :class:`LookError` naming every key matplotlib cannot make sense of.
    """
    problems: list[tuple[KeyPath, str]] = []
    theme = THEMES.get(looks.theme)
    if theme is None:
        try:
            theme = _from_style_sheet(folder / looks.theme, looks.theme)
        except _SheetError as error:
            problems.append((("render", "theme"), str(error)))
            theme = LIGHT
    roles = _colors(looks, problems)
    extra = dict(theme.extra_rc)
    if looks.font is not None:
        problem = _font_problem(looks.font)
        if problem:
            problems.append((("render", "font"), problem))
        extra["font.family"] = [looks.font]
    if problems:
        raise LookError(problems)
    digest = hashlib.sha256(f"{theme.extra_id}|{looks.font}".encode()).hexdigest()[:16]
    return theme.with_colors(
        **roles,
        transparent=looks.background == "transparent",
        extra_rc=extra,
        extra_id=digest if extra else "",
    )


def _colors(looks: Looks, problems: list[tuple[KeyPath, str]]) -> dict[str, Any]:
    """The roles the scenario recolours, as hex; a problem for each colour matplotlib lacks."""
    if looks.colors is None:
        return {}
    given = looks.colors.model_dump(exclude_none=True)
    roles: dict[str, Any] = {}
    for role, value in given.items():
        if role == "runs":
            runs = []
            for index, item in enumerate(value):
                runs.append(_color(item, ("render", "colors", "runs", index), problems))
            roles["runs"] = tuple(runs)
        else:
            roles[role] = _color(value, ("render", "colors", role), problems)
    return roles


def _color(value: str, where: KeyPath, problems: list[tuple[KeyPath, str]]) -> str:
    # Not "C0".."C9": those name the user's colour cycle, not a colour.
    if is_color_like(value) and not re.fullmatch(r"\s*C\d+\s*", value):
        return to_hex(value, keep_alpha=to_rgb(value) != to_hex(value))
    names = list(get_named_colors_mapping())
    close = difflib.get_close_matches(value.lower(), names, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    problems.append((where, f"expected a colour matplotlib knows (a name such as tab:blue, or "
                            f'"#rrggbb" in quotes), got {value!r}{hint}'))  # fmt: skip
    return "#000000"


def _font_problem(font: str) -> str | None:
    try:
        font_manager.findfont(font_manager.FontProperties(family=[font]),
                              fallback_to_default=False)  # fmt: skip
    except ValueError:
        installed = sorted({entry.name for entry in font_manager.fontManager.ttflist})
        close = difflib.get_close_matches(font, installed, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"expected a font family matplotlib can find, got {font!r}{hint}"
    return None


class _SheetError(Exception):
    """A style sheet that is not there or does not parse, as the problem's message."""


def _from_style_sheet(path: Path, written: str) -> Theme:
    """The theme of a style sheet: its paper, ink and run colours, and every setting it makes.

    The palette under it is the dark one where the sheet's paper is dark, so
    that the roles it does not set (the gradients' greys) stay readable.
    """
    settings, text = _read_sheet(path, written)
    paper = settings.get("figure.facecolor", settings.get("axes.facecolor"))
    base = DARK if paper is not None and _is_dark(paper) else LIGHT
    roles: dict[str, Any] = {"name": written}
    if paper is not None and is_color_like(paper) and paper != "none":
        roles["paper"] = to_hex(paper)
    if "text.color" in settings:
        roles["ink"] = roles["counter"] = to_hex(settings["text.color"])
    cycle = settings.get("axes.prop_cycle")
    if cycle is not None and "color" in cycle.keys:
        roles["runs"] = tuple(to_hex(c) for c in cycle.by_key()["color"])[: len(base.runs)]
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return base.with_colors(**roles, extra_rc=dict(settings), extra_id=digest)


def _is_dark(color: Any) -> bool:
    return is_color_like(color) and color != "none" and luminance(color) < DARK_BELOW


def _read_sheet(path: Path, written: str) -> tuple[dict[str, Any], str]:
    """The sheet's settings, validated by matplotlib, and its text; a _SheetError if it has a
    line matplotlib would not take (matplotlib itself only logs those and goes on)."""
    lead = f"expected a matplotlib style sheet at {written!r}, got"
    try:
        # Read as recorded gradients are: hashed when a batch watches, for its manifest.
        with reading(path) as file:
            data = file.read(MAX_STYLE_BYTES + 1)
    except FileNotFoundError:
        raise _SheetError(f"{lead} no such file ({path})") from None
    except OSError as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise _SheetError(f"{lead} a file that cannot be read ({path}: {reason})") from None
    if len(data) > MAX_STYLE_BYTES:
        raise _SheetError(f"{lead} a file larger than {MAX_STYLE_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise _SheetError(f"{lead} a file that is not UTF-8 text") from None
    checked = RcParams()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _strip_comment(raw)
        if not line:
            continue
        where = f"{written}:{number}"
        key, colon, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if not colon:
            raise _SheetError(f"{lead} {where}: a line without 'key: value' ({raw.strip()!r})")
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        if key not in RcParams.validate:
            close = difflib.get_close_matches(key, list(RcParams.validate), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise _SheetError(f"{lead} {where}: unknown setting {key!r}{hint}")
        if key in NOT_LOOKS:
            continue  # not a look, and matplotlib's styles ignore it too
        try:
            checked[key] = value
        except (ValueError, TypeError) as error:
            raise _SheetError(f"{lead} {where}: {key}: {error}") from None
    return {key: checked[key] for key in checked}, text


def _strip_comment(line: str) -> str:
    """The line without its comment: a '#' outside double quotes starts one (as matplotlib)."""
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == "#" and not quoted:
            return line[:index].strip()
    return line.strip()
