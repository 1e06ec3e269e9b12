"""The largest figure the schema allows is readable, or refused in one line before anything
is written: never constrained layout's "axes sizes collapsed to zero" on stderr and a
figure of slivers."""

from __future__ import annotations

import warnings
from pathlib import Path

import imageio.v3 as iio
import pytest
import yaml

from adamviz import scenario
from adamviz.catalog import PANELS
from adamviz.errors import ScenarioError
from adamviz.figure.room import MIN_HEIGHT, MIN_WIDTH
from adamviz.pipeline import animation
from tests.support import assert_exit, invoke

pytestmark = pytest.mark.usefixtures("in_tmp")

EVERY_PANEL = list(PANELS)


def write(params: int, panels: list[str], runs: int, width: int, height: int) -> Path:
    optimizers = [{"name": "adam", "label": f"adam {k}", "lr": 0.01 * (k + 1)} for k in range(runs)]
    document = {
        "title": "Room",
        "steps": 12,
        "optimizers": optimizers,
        "parameters": [
            {"name": f"p{i}", "gradient": {"pattern": "sine", "period": 6, "amplitude": 1.0}}
            for i in range(params)
        ],
        "render": {"panels": panels, "width": width, "height": height},
    }
    path = Path("room.yaml")
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def smallest_axes(path: Path) -> tuple[float, float]:
    """The smallest axes of the scenario's figure, in pixels at the reference height."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a layout that gives up would warn
        movie = animation(scenario.load(path))
    try:
        scale = movie.spec.height / 540
        boxes = [ax.get_window_extent() for ax in movie.figure.axes]
        return min(b.width for b in boxes) / scale, min(b.height for b in boxes) / scale
    finally:
        movie.close()


def test_eight_parameters_and_every_panel_fit_the_default_frame() -> None:
    """The documented maximum for one run, at 960×540: every axes has room, no warning."""
    path = write(8, EVERY_PANEL, 1, 960, 540)
    width, height = smallest_axes(path)
    assert width >= MIN_WIDTH and height >= MIN_HEIGHT
    result = invoke("render", str(path), "-o", "room.gif")
    assert_exit(result, 0)
    assert "constrained_layout" not in result.output
    frames = iio.imread("room.gif", index=None)
    assert frames.shape[:3] == (12, 540, 960)


@pytest.mark.parametrize(
    ("params", "panels", "runs", "width", "height", "fix"),
    [
        (8, EVERY_PANEL, 12, 960, 540, "fewer parameters or runs"),
        (1, EVERY_PANEL, 12, 960, 540, "fewer panels or runs"),
        (8, ["gradients", "ratio"], 12, 1920, 1080, "fewer parameters or runs"),
    ],
)
def test_a_frame_too_small_for_its_panels_is_one_line_naming_what_would_fit(
    params: int, panels: list[str], runs: int, width: int, height: int, fix: str
) -> None:
    path = write(params, panels, runs, width, height)
    loaded = scenario.load(path)  # the schema alone cannot know the layout
    with pytest.raises(ScenarioError) as caught:
        animation(loaded)
    (line,) = caught.value.lines()
    render_line = path.read_text().splitlines().index("render:") + 1
    assert line.startswith(f"room.yaml:{render_line}: render: expected room for")
    assert line.endswith(f"try {fix}")
    for command in (["validate", str(path)], ["render", str(path), "-o", "room.gif"]):
        result = invoke(*command)
        assert_exit(result, 1)
        assert result.output.count("\n") == 1 and "render: expected room" in result.output
    assert not list(Path().glob("room.gif*"))


@pytest.mark.parametrize(
    ("params", "panels", "runs", "size"),
    [
        (params, panels, runs, size)
        for params, panels in [(1, ["gradients"]), (8, EVERY_PANEL)]
        for runs in (1, 12)
        for size in [(160, 90), (960, 540)]
    ]
    + [(8, ["ratio"], 4, (3840, 2160)), (1, EVERY_PANEL, 4, (160, 2160))],
)
def test_every_corner_of_the_schema_is_readable_or_refused(
    params: int, panels: list[str], runs: int, size: tuple[int, int]
) -> None:
    path = write(params, panels, runs, *size)
    try:
        width, height = smallest_axes(path)
    except ScenarioError as error:
        assert len(error.lines()) == 1 and ": render: expected room for" in error.lines()[0]
    else:
        assert width >= MIN_WIDTH and height >= MIN_HEIGHT
