"""Scenario files: the YAML a person writes, read into a validated :class:`Scenario`.

A scenario, in full (only ``title``, ``steps`` and ``parameters`` are required; ``steps``
may be left out when gradients come from files, see :mod:`adamviz.scenario.recorded_steps`)::

    title: Consistent gradients
    description: One paragraph a reader sees beside the animation.
    steps: 120                  # 1 .. 100000
    seed: 0                     # every random draw comes from it
    optimizer: {lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8}   # torch's defaults
    parameters:                 # 1 .. 8, names unique
      - name: w
        init: 0.0
        gradient: {pattern: constant, value: 1.0, noise: 0.2}
    render: {fps: 20, width: 960, height: 540, panels: [gradients, ratio]}

Gradient patterns (each also takes ``noise``, a Gaussian std): constant, sequence,
square, sine, segments, random_walk, file, loss. See :mod:`adamviz.scenario.patterns`.
Or, instead of a pattern per parameter, one ``loss: {name: rosenbrock}`` over all of
them (quadratic, rosenbrock, beale, himmelblau, saddle, absolute): every gradient is
its gradient at the run's own θ. The ``surface`` and ``loss`` panels draw it
(``render.surface: [x, y]`` picks the plane). See :mod:`adamviz.scenario.loss`.

:func:`load` reads, parses, validates and draws the gradients once, so that
``adamviz validate`` catches every mistake, and reports all of them at once as
a :class:`ScenarioError` with one line per mistake: ``file:line: key: expected
X, got Y``. The stages, one module each:

- :mod:`adamviz.scenario.yaml_source` reads the file and composes the YAML into plain
  data, recording each key's line (the only module that imports yaml);
- :mod:`adamviz.scenario.models` (with :mod:`adamviz.scenario.fields` and
  :mod:`adamviz.scenario.patterns`) validates the plain data with pydantic;
- :mod:`adamviz.scenario.problems` looks each error's location up in that line
  map and words it (:mod:`adamviz.scenario.problem_text`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ConfigDict, TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError

from adamviz.catalog import PANELS, PATTERNS
from adamviz.errors import Problem, ScenarioError
from adamviz.scenario.fields import MAX_PARAMETERS, MAX_STEPS, Seed, StepCount
from adamviz.scenario.looks import check_captions
from adamviz.scenario.models import Parameter, Render, Scenario, draw_gradients, window_problem
from adamviz.scenario.optimizers import OptimizerSpec
from adamviz.scenario.pauses import check_pauses
from adamviz.scenario.plan import MAX_RUNS, Run
from adamviz.scenario.problem_text import KeyPath
from adamviz.scenario.problems import Locator, schema_problem
from adamviz.scenario.recorded_steps import recorded_steps
from adamviz.scenario.yaml_source import parse, read_text
from adamviz.streams import GradientStream

__all__ = [
    "MAX_PARAMETERS",
    "MAX_RUNS",
    "MAX_STEPS",
    "PANELS",
    "PATTERNS",
    "OptimizerSpec",
    "Parameter",
    "Render",
    "Run",
    "Scenario",
    "json_schema",
    "load",
    "loads",
]


_STEPS: TypeAdapter[int] = TypeAdapter(StepCount, config=ConfigDict(strict=True))
_SEED: TypeAdapter[int] = TypeAdapter(Seed, config=ConfigDict(strict=True))
_PARAMETER: TypeAdapter[Parameter] = TypeAdapter(Parameter)


def _valid_or_none(adapter: TypeAdapter[Any], value: Any) -> Any:
    try:
        return adapter.validate_python(value)
    except ValidationError:
        return None


def _draw_what_is_valid(raw: dict[str, Any], folder: Path) -> list[tuple[KeyPath, str]]:
    """Draw the parameters that did validate, so their file and length problems show too."""
    raw_parameters = raw.get("parameters")
    if not isinstance(raw_parameters, list):
        return []
    parameters = [_valid_or_none(_PARAMETER, item) for item in raw_parameters]
    if "steps" in raw:
        steps = _valid_or_none(_STEPS, raw["steps"])
    else:
        gradients = [None if p is None else p.gradient for p in parameters]
        steps, problems = recorded_steps(gradients, folder)
        if steps is None:
            return problems
    if steps is None:
        return []
    if raw.get("loss") is not None:
        return []  # a scenario loss's stream draws nothing that can fail
    seed = _valid_or_none(_SEED, raw.get("seed", 0)) or 0
    return draw_gradients(steps, seed, parameters, folder)[1]


def _timed_problems(scenario: Scenario, steps: int, locate: Locator) -> list[Problem]:
    """Captions and pauses past the steps, once the recorded files have said how many."""
    for check, items in ((check_captions, scenario.captions), (check_pauses, scenario.pause)):
        try:
            check(items, steps)  # type: ignore[operator]
        except PydanticCustomError as error:
            context = error.context or {}
            message = f"expected {context['expected']}, got {context['found']}"
            return [locate.problem(context["at"], message)]
    return []


def load(
    source: str | os.PathLike[str] | Mapping[str, Any],
    folder: str | os.PathLike[str] = ".",
    render: Mapping[str, Any] | None = None,
) -> Scenario:
    """Read, parse, validate and draw a scenario file, or a scenario given as a mapping.

    A mapping (as a notebook builds one) is validated exactly as a file is, and
    its problems name keys without lines; the files it names (recorded
    gradients, a style sheet) are relative to ``folder``. For YAML text, see
    :func:`loads`. Raises :class:`ScenarioError` listing every problem found,
    one per mistake, sorted by line; never another exception for bad input.
    ``render``: keys over the scenario's own ``render:`` (as ``adamviz.render``
    takes them), checked as if the file had them.
    """
    if isinstance(source, Mapping):
        data = _with_render(_plain(source), render)
        return _validated(data, Locator(DICT_NAME, data, {}), Path(folder), [], DICT_NAME)
    file = os.fspath(source)
    return loads(read_text(Path(file), file), file, Path(file).parent, render)


#: What problems name a scenario given as a dict, or as YAML text, by.
DICT_NAME = "<dict>"
TEXT_NAME = "<string>"


def loads(
    text: str,
    name: str = TEXT_NAME,
    folder: str | os.PathLike[str] = ".",
    render: Mapping[str, Any] | None = None,
) -> Scenario:
    """A scenario from YAML text; problems name ``name`` and the text's lines."""
    data, document = parse(text, name)
    data = _with_render(data, render)
    return _validated(
        data, Locator(name, data, document.lines), Path(folder), list(document.problems), name
    )


def _with_render(data: Any, render: Mapping[str, Any] | None) -> Any:
    """``data`` with ``render``'s keys over its ``render:`` section (a copy; None: as it is)."""
    if not render or not isinstance(data, dict):
        return data
    section = data.get("render")
    merged = {**(section if isinstance(section, dict) else {}), **_plain(render)}
    return {**data, "render": merged}


def _plain(value: Any) -> Any:
    """Python's containers as YAML's (tuples as lists, any mapping as a dict), numpy's scalars
    as Python's, so a dict is checked as the same scenario written in a file would be."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if hasattr(value, "item") and type(value).__module__ == "numpy":
        return value.item()
    return value


def _validated(
    data: Any, locate: Locator, folder: Path, problems: list[Problem], file: str
) -> Scenario:
    stream: GradientStream | None = None
    try:
        scenario: Scenario | None = Scenario.model_validate(data)
    except ValidationError as error:
        scenario = None
        problems += [schema_problem(detail, locate) for detail in error.errors()]
        draw_problems = _draw_what_is_valid(data, folder)
    else:
        steps, draw_problems = scenario.steps, []
        if steps is None:  # left out: as many steps as the recorded files have rows
            steps, draw_problems = recorded_steps([p.gradient for p in scenario.parameters], folder)
            scenario = scenario.model_copy(update={"steps": steps})
            window = window_problem(scenario.render.window, steps)
            if window is not None:  # what the model could not check without the steps
                message = "expected {}, got {}".format(*window)
                problems.append(locate.problem(("render", "window"), message))
            if steps is not None:
                problems += _timed_problems(scenario, steps, locate)
        if steps is not None:
            stream, draw_problems = draw_gradients(
                steps, scenario.seed, scenario.parameters, folder, scenario.loss
            )
    problems += [locate.problem(where, message) for where, message in draw_problems]
    if problems or scenario is None or stream is None:
        raise ScenarioError(sorted(problems, key=lambda p: p.line or 0))
    scenario._source = folder / Path(file).name
    scenario._stream = stream
    scenario._locate = locate
    return scenario


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file, for editors to validate and autocomplete."""
    schema = Scenario.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
        "title": "adamviz scenario",
    }
