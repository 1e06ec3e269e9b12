"""Looks and captions that cannot work: a style sheet that is not there or does not parse,
a colour or a font matplotlib does not know, a caption outside the steps or over another.
One line each, exit 1, nothing written, from ``render`` and ``validate`` alike."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support import assert_exit, invoke

pytestmark = pytest.mark.usefixtures("in_tmp")

BASE = """\
title: Looks
steps: 10
parameters:
  - name: w
    gradient: {pattern: constant, value: 1}
render:
  width: 320
  height: 180
"""


def errors(extra: str, command: str = "render") -> list[str]:
    """The error lines of ``adamviz render`` (or validate) of BASE plus ``extra``; nothing
    may be written."""
    Path("s.yaml").write_text(BASE + extra, encoding="utf-8")
    before = sorted(os.listdir("."))
    args = ["render", "s.yaml", "-o", "out.png"] if command == "render" else ["validate", "s.yaml"]
    result = invoke(*args)
    assert_exit(result, 1)
    assert sorted(os.listdir(".")) == before
    lines = result.output.splitlines()
    assert all(line.startswith("Error: ") for line in lines), lines
    return [line.removeprefix("Error: ") for line in lines]


@pytest.mark.parametrize("command", ["render", "validate"])
def test_a_style_sheet_that_is_not_there(command: str) -> None:
    assert errors("  theme: blog.mplstyle\n", command) == [
        "s.yaml:9: render.theme: expected a matplotlib style sheet at 'blog.mplstyle', "
        "got no such file (blog.mplstyle)"
    ]


@pytest.mark.parametrize(
    ("sheet", "found"),
    [
        ("axes.facecolr: red\n", "blog.mplstyle:1: unknown setting 'axes.facecolr' "
                                 "(did you mean 'axes.facecolor'?)"),
        ("# ok\naxes.grid True\n", "blog.mplstyle:2: a line without 'key: value' "
                                   "('axes.grid True')"),
        ("axes.facecolor: notacolour\n", "blog.mplstyle:1: axes.facecolor: "),
        ("lines.linewidth: thick\n", "blog.mplstyle:1: lines.linewidth: "),
    ],
)  # fmt: skip
def test_a_style_sheet_that_does_not_parse_names_its_line(sheet: str, found: str) -> None:
    Path("blog.mplstyle").write_text(sheet)
    [line] = errors("  theme: blog.mplstyle\n")
    assert line.startswith(
        "s.yaml:9: render.theme: expected a matplotlib style sheet at 'blog.mplstyle', got " + found
    ), line


def test_a_style_sheet_that_is_a_folder_a_pipe_or_not_text() -> None:
    Path("folder.mplstyle").mkdir()
    [line] = errors("  theme: folder.mplstyle\n")
    assert "a file that cannot be read" in line
    os.mkfifo("pipe.mplstyle")  # reading it would wait for a writer forever
    [line] = errors("  theme: pipe.mplstyle\n")
    assert "a file that cannot be read" in line
    Path("latin.mplstyle").write_bytes(b"axes.facecolor: \xff\n")
    [line] = errors("  theme: latin.mplstyle\n")
    assert line.endswith("got a file that is not UTF-8 text")


def test_colours_matplotlib_does_not_know_each_get_their_line() -> None:
    assert errors('  colors:\n    mean: bleu\n    runs: ["#117733", "#12345"]\n') == [
        "s.yaml:10: render.colors.mean: expected a colour matplotlib knows (a name such as "
        "tab:blue, or \"#rrggbb\" in quotes), got 'bleu' (did you mean 'blue'?)",
        "s.yaml:11: render.colors.runs[1]: expected a colour matplotlib knows (a name such as "
        "tab:blue, or \"#rrggbb\" in quotes), got '#12345'",
    ]


def test_an_unquoted_hex_colour_is_a_yaml_comment_and_says_so() -> None:
    [line] = errors("  colors: {rms: #ff7f0e}\n")
    assert line.startswith("s.yaml:")  # YAML's own error: the flow mapping never closes
    [line] = errors("  colors:\n    rms: #ff7f0e\n")
    assert line == (
        's.yaml:10: render.colors.rms: expected a colour (a name such as tab:blue, or "#rrggbb" '
        "in quotes), got an empty value"
    )


def test_an_unknown_role_and_a_font_that_is_not_installed() -> None:
    assert errors("  colors: {meen: red}\n") == [
        "s.yaml:9: render.colors.meen: unknown key; did you mean 'mean'?"
    ]
    assert errors("  font: DejaVu Sanz\n") == [
        "s.yaml:9: render.font: expected a font family matplotlib can find, got 'DejaVu Sanz' "
        "(did you mean 'DejaVu Sans'?)"
    ]


def test_a_theme_that_is_neither_a_name_nor_a_path_and_a_background_it_cannot_be() -> None:
    assert errors("  theme: 3\n") == [
        "s.yaml:9: render.theme: expected light or dark, or the path of a matplotlib style "
        "sheet (.mplstyle), got 3"
    ]
    assert errors("  background: clear\n") == [
        "s.yaml:9: render.background: expected opaque or transparent, got 'clear'"
    ]


@pytest.mark.parametrize(
    ("captions", "problem"),
    [
        ("[{from: 11, to: 12, text: late}]",
         "captions[0].from: expected a step from 1 to 10, got 11"),
        ("[{from: 4, to: 11, text: long}]",
         "captions[0].to: expected a step from 4 (its from) to 10, got 11"),
        ("[{from: 5, to: 4, text: backwards}]",
         "captions[0].to: expected a step from 5 (its from) to 10, got 4"),
        ("[{from: 0, to: 4, text: early}]",
         "captions[0].from: expected a step (an integer >= 1), got 0"),
        ("[{from: 1, to: 4, text: a}, {from: 4, to: 6, text: b}]",
         "captions[1].from: expected a step after 4, where captions[0] (steps 1 to 4) ends: "
         "one caption at a time, got 4"),
        ("[{from: 6, to: 8, text: b}, {from: 1, to: 7, text: a}]",
         "captions[0].from: expected a step after 7, where captions[1] (steps 1 to 7) ends: "
         "one caption at a time, got 6"),
        ("[{from: 1, to: 2, text: ''}]",
         "captions[0].text: expected a non-empty text of at most 200 characters, got ''"),
        ("[{from: 1, to: 2}]", "captions[0].text: required key missing"),
        ("[{from: 1, to: 2, text: a, at: 3}]", "captions[0].at: unknown key; allowed here: "
         "from, to, text"),
    ],
)  # fmt: skip
def test_a_caption_outside_the_steps_or_over_another(captions: str, problem: str) -> None:
    assert errors(f"captions: {captions}\n") == [f"s.yaml:9: {problem}"]

