"""adamviz from Python: a path, a dict or YAML text; the CLI's checks and one-line problems;
inline display in a notebook (a real kernel runs a small notebook here)."""

from __future__ import annotations

import base64
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import imageio.v3 as iio
import numpy as np
import pytest

import adamviz
from adamviz.errors import AdamvizError, ScenarioError
from tests.support import HEIGHT, WIDTH, child_env, tiny_scenario

pytestmark = pytest.mark.usefixtures("in_tmp")


def tiny_dict(**extra: Any) -> dict[str, Any]:
    return {
        "title": "Up",
        "steps": 6,
        "parameters": [{"name": "w", "gradient": {"pattern": "constant", "value": 1.0}}],
        "render": {"width": WIDTH, "height": HEIGHT},
        **extra,
    }


def test_import_adamviz_loads_neither_matplotlib_nor_pydantic() -> None:
    code = (
        "import sys, adamviz; adamviz.__version__; heavy = ('matplotlib', 'pydantic', 'imageio'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=child_env(), check=True)  # fmt: skip
    assert done.stdout.strip() == "[]"


def test_a_path_a_dict_and_yaml_text_give_the_same_numbers() -> None:
    Path("up.yaml").write_text(tiny_scenario(value=1.0))
    text = Path("up.yaml").read_text()
    data = {
        "title": "Tiny", "steps": 6,
        "parameters": [{"name": "w", "gradient": {"pattern": "constant", "value": 1.0,
                                                  "noise": 0.2}}],
        "render": {"width": WIDTH, "height": HEIGHT},
    }  # fmt: skip
    runs = [adamviz.simulate(source) for source in ("up.yaml", Path("up.yaml"), data, text)]
    for other in runs[1:]:
        np.testing.assert_array_equal(other[0].theta, runs[0][0].theta)
    assert runs[0].param_names == ["w"] and runs[0][0].label == "adam"


def test_a_dicts_problems_are_the_clis_lines_without_line_numbers() -> None:
    with pytest.raises(ScenarioError) as caught:
        adamviz.simulate({**tiny_dict(), "steps": 0, "render": {"colours": {}}})
    assert str(caught.value).splitlines() == [
        "<dict>: steps: expected an integer from 1 to 100000, got 0",
        "<dict>: render.colours: unknown key; did you mean 'colors'?",
    ]


def test_yaml_texts_problems_name_its_lines() -> None:
    with pytest.raises(ScenarioError, match=r"^<string>:2: steps: expected an integer"):
        adamviz.simulate("title: T\nsteps: -1\nparameters: []\n")


def test_a_dict_with_tuples_and_numpy_numbers_is_read_as_yaml_would_be() -> None:
    data = tiny_dict(captions=({"from": np.int64(2), "to": 3, "text": "look"},))
    data["render"]["panels"] = ("gradients", "ratio")
    assert adamviz.load(data).captions[0].first == 2


def test_render_follows_the_suffix_and_takes_render_keys_as_options() -> None:
    path = adamviz.render(tiny_dict(), "up.png", theme="dark")
    frame = iio.imread(path)
    assert frame.shape == (HEIGHT, WIDTH, 3)
    assert tuple(frame[2, 2]) == (0x15, 0x18, 0x1D)  # the dark theme's paper


def test_a_bad_option_is_the_scenarios_own_problem_and_writes_nothing() -> None:
    with pytest.raises(ScenarioError, match=r"render\.fps: expected an integer from 1 to 60"):
        adamviz.render(tiny_dict(), "up.gif", fps=0)
    with pytest.raises(ScenarioError, match=r"render\.colors\.mean: expected a colour matplotlib"):
        adamviz.render(tiny_dict(), "up.gif", colors={"mean": "bleu"})
    with pytest.raises(AdamvizError, match=r"expected a file name ending in \.gif"):
        adamviz.render(tiny_dict(), "up.avi")
    assert list(Path().iterdir()) == []


def test_show_embeds_a_video_with_controls_that_decodes() -> None:
    shown = adamviz.show(tiny_dict())
    page = shown._repr_html_()
    assert "<video controls" in page and 'type="video/mp4"' in page
    data = base64.b64decode(re.search(r"base64,([^\"]+)", page).group(1))  # type: ignore[union-attr]
    assert data == shown.data
    frames = iio.imread(data, extension=".mp4")
    assert frames.shape == (6 + 40, HEIGHT, WIDTH, 3)  # the last frame held 2 s at 20 fps


def test_a_simulation_a_trace_and_an_animation_show_themselves() -> None:
    runs = adamviz.simulate(tiny_dict())
    assert "<table>" in runs._repr_html_() and "θ (last)" in runs._repr_html_()
    assert "6 steps × 1 parameters" in runs[0]._repr_html_()
    movie = adamviz.animation(tiny_dict())
    assert movie.frame(0).shape == (HEIGHT, WIDTH, 3)
    assert '<img src="data:image/png;base64,' in movie._repr_html_()


NOTEBOOK_CELLS = [
    "import sys, adamviz\nprint('matplotlib' in sys.modules)",
    "scenario = {'title': 'Notebook', 'steps': 8, 'render': {'width': 320, 'height': 180},\n"
    "            'parameters': [{'name': 'w', 'gradient': {'pattern': 'constant', 'value': 1}}]}\n"
    "adamviz.simulate(scenario)",
    "adamviz.show(scenario, theme='dark')",
    "try:\n    adamviz.show({**scenario, 'steps': 0})\nexcept adamviz.errors.AdamvizError as e:\n"
    "    print(e)",
]


def test_a_notebook_shows_the_numbers_and_the_animation_inline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source) for source in NOTEBOOK_CELLS]
    )
    # The kernel is a child process: it imports this very adamviz through PYTHONPATH.
    monkeypatch.setenv("PYTHONPATH", child_env()["PYTHONPATH"])
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3").execute()
    imported, numbers, animation, problem = (cell.outputs for cell in notebook.cells)
    assert imported[0]["text"] == "False\n"  # import adamviz is light
    assert "<table>" in numbers[0]["data"]["text/html"]
    page = animation[0]["data"]["text/html"]
    assert page.startswith("<video controls") and "data:video/mp4;base64," in page
    assert problem[0]["text"] == "<dict>: steps: expected an integer from 1 to 100000, got 0\n"
