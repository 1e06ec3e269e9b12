"""The figure is the theme's, whatever the user's matplotlib configuration says, and back again."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import matplotlib
import matplotlib.style
import numpy as np
import pytest

import adamviz
from adamviz.figure.engine import Animation, FigureSpec
from adamviz.figure.theme import LIGHT, rc_state
from adamviz.optim.alias import adam
from adamviz.optim.run import run

#: Settings a user might have, each of which would change the picture if adamviz
#: drew with them: some are read while the figure is built, some (paths, hinting)
#: while each frame is drawn.
USERS_RC = {
    "axes.facecolor": "black",
    "figure.facecolor": "0.5",
    "lines.linewidth": 10,
    "lines.markersize": 20,
    "font.size": 30,
    "font.family": "serif",
    "mathtext.fontset": "cm",
    "axes.grid": True,
    "xtick.direction": "in",
    "axes.prop_cycle": "cycler(color=['r', 'g'])",
    "path.simplify_threshold": 1.0,
    "path.snap": False,
    "agg.path.chunksize": 3,
    "text.hinting": "no_hinting",
}
#: The same settings as a matplotlibrc file would hold them.
MATPLOTLIBRC = "\n".join(f"{key}: {value}" for key, value in USERS_RC.items()) + "\n"
STEPS = 9
#: Every setting matplotlib has, as it ships (the backend aside: that is not a look).
DEFAULTS = {k: v for k, v in matplotlib.rcParamsDefault.items() if not k.startswith("backend")}


def _movie() -> Animation:
    """Every panel (log axis and mathtext included), two parameters of different scales."""
    grads = np.column_stack(
        [np.r_[1e-4, np.full(STEPS - 1, 10.0)], 0.1 * (-1.0) ** np.arange(STEPS)]
    )
    trace = run(adam(lr=0.01), grads, np.zeros(2), STEPS)
    panels = ("gradients", "ratio", "step_size", "theta")
    return Animation(trace, FigureSpec("Theme", ["w", "b"], panels, 320, 180, minima=(0.5, None)))


def _hashes(movie: Animation) -> list[str]:
    return [hashlib.sha256(movie.frame(i).tobytes()).hexdigest() for i in range(movie.n_frames)]


@pytest.fixture(scope="module")
def clean() -> list[str]:
    with matplotlib.rc_context(DEFAULTS):
        return _hashes(_movie())


def report() -> None:
    """In a process started beside a matplotlibrc: the settings it found, and the frames."""
    found = {key: str(matplotlib.rcParams[key]) for key in ("axes.facecolor", "font.size")}
    print(json.dumps({"found": found, "frames": _hashes(_movie())}))


def test_a_matplotlibrc_in_the_working_folder_changes_no_frame(
    tmp_path: Path, clean: list[str]
) -> None:
    (tmp_path / "matplotlibrc").write_text(MATPLOTLIBRC)
    roots = [str(Path(adamviz.__file__).parents[1]), str(Path(__file__).parents[2])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([*roots, os.environ.get("PYTHONPATH", "")])}
    code = "from tests.figure.test_theme import report; report()"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=120, check=True,
    )  # fmt: skip
    result = json.loads(done.stdout)
    assert result["found"] == {"axes.facecolor": "black", "font.size": "30.0"}  # it was read
    assert result["frames"] == clean


def test_rcparams_changed_in_this_process_change_no_frame(clean: list[str]) -> None:
    with matplotlib.rc_context(USERS_RC):
        assert _hashes(_movie()) == clean
    with matplotlib.style.context("dark_background"):
        assert _hashes(_movie()) == clean


def test_frames_drawn_under_other_settings_than_the_build_are_the_same(clean: list[str]) -> None:
    movie = _movie()
    with matplotlib.rc_context(USERS_RC):
        assert _hashes(movie) == clean
    with matplotlib.rc_context(USERS_RC):
        movie = _movie()
    assert _hashes(movie) == clean


def test_drawing_leaves_the_users_settings_as_they_were() -> None:
    with matplotlib.rc_context(USERS_RC):
        before = dict(matplotlib.rcParams)
        _movie().frame(3)
        assert dict(matplotlib.rcParams) == before


def test_the_settings_are_matplotlibs_defaults_and_the_themes() -> None:
    # What rc_context gives for the defaults and the theme's settings, from any start.
    with matplotlib.rc_context(USERS_RC), rc_state(LIGHT).applied():
        applied = {k: v for k, v in matplotlib.rcParams.items() if not k.startswith("backend")}
    with matplotlib.rc_context({**DEFAULTS, **LIGHT.rc()}):
        expected = {k: v for k, v in matplotlib.rcParams.items() if not k.startswith("backend")}
    assert applied == expected


def _lab(color: str) -> np.ndarray:
    """CIELAB (D65) of an sRGB colour."""
    from matplotlib.colors import to_rgb

    linear = np.array(to_rgb(color))
    linear = np.where(linear <= 0.04045, linear / 12.92, ((linear + 0.055) / 1.055) ** 2.4)
    rgb_to_xyz = [[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]
    xyz = np.array(rgb_to_xyz) @ linear / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _distance(a: str, b: str) -> float:
    return float(np.linalg.norm(_lab(a) - _lab(b)))  # CIE76 ΔE


def test_twelve_run_colours_apart_from_each_other_and_from_the_state() -> None:
    runs = LIGHT.runs
    assert len(runs) == len(set(runs)) == 12
    pairs = [(a, b) for i, a in enumerate(runs) for b in runs[i + 1 :]]
    assert min(_distance(a, b) for a, b in pairs) > 25
    first = runs[:4]  # a comparison of 2-4 runs: as far apart as colours go
    assert min(_distance(a, b) for i, a in enumerate(first) for b in first[i + 1 :]) > 60
    # Not the gradients' greys, not the paper, not the blog's blue and orange.
    state = (LIGHT.gradient, LIGHT.newest, LIGHT.reference, LIGHT.paper, LIGHT.mean, LIGHT.rms)
    assert min(_distance(run, other) for run in runs for other in state) > 24
    # Dark enough to write a run's label in its colour: a lightness L* below 61.7 is
    # a relative luminance below 0.30, a contrast of at least 3:1 on white.
    for colour in runs:
        assert _lab(colour)[0] < 61.7, colour


def test_a_run_is_its_colour_then_dashed_past_six() -> None:
    assert LIGHT.run(0) == ("#117733", "-")
    assert LIGHT.run(5)[1] == "-"
    assert LIGHT.run(6)[0] == LIGHT.runs[6] and LIGHT.run(6)[1] != "-"
    with pytest.raises(ValueError, match="at most 12 runs"):
        LIGHT.run(12)
