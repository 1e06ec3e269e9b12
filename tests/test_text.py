"""Titles, names and labels are plain text unless they ask for maths with ``$…$``.

The rule is Pandoc's (adamviz.text); validation applies it with matplotlib's
own parser, so a text that loads is a text the figure draws, and a text that
would not draw is one line at load, never a traceback at render.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib import cbook
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from pydantic_core import PydanticCustomError

from adamviz import scenario
from adamviz.errors import ScenarioError
from adamviz.pipeline import animation
from adamviz.scenario.maths import drawable
from adamviz.text import for_matplotlib, math_spans
from tests.support import assert_exit, invoke

matplotlib.use("Agg")

PLAIN = [
    "Cost $5 to $10",  # a closing $ never has a space before it
    "a $$ b",  # nor is "$$" an empty formula
    "$ x $",  # an opening $ has no space after it
    "$x$5",  # a closing $ is not followed by a digit
    "one $ sign",
    r"an escaped \$x\$ pair",
    "no dollars at all",
]
MATHS = {
    r"$\hat m_t$": [(0, 10)],
    r"lr $\eta$ and $\epsilon$": [(3, 9), (14, 24)],
    r"\$5 for $x^2$": [(8, 13)],
    "$x$ costs $5": [(0, 3)],
}


@pytest.mark.parametrize("text", PLAIN)
def test_text_without_a_pair_is_plain_and_matplotlib_shows_it_as_written(text: str) -> None:
    assert math_spans(text) == []
    drawn = for_matplotlib(text)
    assert not cbook.is_math_text(drawn)
    shown, is_math = Figure().text(0, 0, drawn)._preprocess_math(drawn)
    assert (shown, is_math) == (text.replace(r"\$", "$"), False)


@pytest.mark.parametrize(("text", "spans"), MATHS.items())
def test_a_pair_by_pandocs_rule_is_maths(text: str, spans: list[tuple[int, int]]) -> None:
    assert math_spans(text) == spans
    drawn = for_matplotlib(text)
    assert cbook.is_math_text(drawn)
    for start, end in spans:
        assert text[start:end] in drawn  # the maths goes to matplotlib untouched


SCENARIO = """\
title: TITLE
steps: 4
optimizers: [{name: adam, label: LABEL}, {name: sgd}]
parameters:
  - name: NAME
    gradient: {pattern: constant, value: 1.0}
render: {width: 320, height: 180}
"""


def write(title: str = "T", name: str = "w", label: str = "A") -> Path:
    text = SCENARIO
    for key, value in {"TITLE": title, "NAME": name, "LABEL": label}.items():
        text = text.replace(key, "'" + value.replace("'", "''") + "'")
    path = Path("s.yaml")
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.usefixtures("in_tmp")
def test_dollars_in_every_drawn_text_render_as_plain_text() -> None:
    path = write(title="Cost $5 to $10", name="a $$ b", label="$x")
    figure = animation(scenario.load(path)).figure
    texts = {t.get_text() for t in figure.findobj(matplotlib.text.Text)}
    shown = {t._preprocess_math(t.get_text()) for t in figure.findobj(matplotlib.text.Text)}
    assert r"Cost \$5 to \$10" in texts
    assert ("Cost $5 to $10", False) in shown
    assert ("a $$ b", False) in shown
    assert ("$x", False) in shown
    assert_exit(invoke("render", str(path), "-o", "s.png"), 0)


@pytest.mark.usefixtures("in_tmp")
@pytest.mark.parametrize(
    ("where", "key", "line"),
    [("title", "title", 1), ("name", "parameters[0].name", 5), ("label", "optimizers[0].label", 3)],
)
def test_maths_that_does_not_parse_is_one_line_at_validate_and_nothing_rendered(
    where: str, key: str, line: int
) -> None:
    path = write(**{where: r"bad $\foo$"})
    with pytest.raises(ScenarioError) as caught:
        scenario.load(path)
    assert caught.value.lines() == [
        f"s.yaml:{line}: {key}: expected plain text, or maths between $…$ that matplotlib's "
        r"mathtext can draw, got 'bad $\foo$' (Unknown symbol: \foo, found '\')"
    ]
    result = invoke("render", str(path), "-o", "s.gif")
    assert_exit(result, 1)
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert not list(Path().glob("s.gif*"))


def test_braces_nested_past_the_parsers_recursion_are_a_problem_not_a_crash() -> None:
    with pytest.raises(PydanticCustomError) as caught:
        drawable("$" + "{" * 2000 + "x" + "}" * 2000 + "$")
    assert (caught.value.context or {})["found"].endswith("(nested too deeply)")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="$\\ax^_{}5 .", max_size=14))
def test_a_text_that_validates_is_a_text_matplotlib_draws(text: str) -> None:
    """Validation and drawing agree on any mix of dollars, braces and backslashes."""
    figure = Figure(figsize=(2, 1))
    canvas = FigureCanvasAgg(figure)
    try:
        drawable(text)
    except PydanticCustomError:
        with pytest.raises(ValueError):
            figure.text(0, 0, for_matplotlib(text))
            canvas.draw()
        return
    figure.text(0, 0, for_matplotlib(text))
    canvas.draw()
