"""Looks as the frames show them: the dark theme, colours by role, a style sheet, a font,
a transparent background, and captions while their steps play. Every check decodes pixels."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest
from matplotlib.colors import to_rgb

import adamviz
from adamviz.figure.theme import DARK, LIGHT
from tests.figure.test_theme import MATPLOTLIBRC, _distance, _lab
from tests.support import ADAMVIZ, child_env

pytestmark = pytest.mark.usefixtures("in_tmp")

W, H = 480, 270


def scenario(**render: object) -> dict[str, object]:
    return {
        "title": "Looks",
        "steps": 12,
        "parameters": [
            {"name": "w", "gradient": {"pattern": "sine", "amplitude": 1, "period": 16}},
        ],
        "render": {"width": W, "height": H, "panels": ["gradients", "ratio"], **render},
    }


def rgb(color: str) -> tuple[int, ...]:
    return tuple(round(255 * c) for c in to_rgb(color))


def count(frame: np.ndarray, color: str, within: int = 12) -> int:
    """Pixels of ``color``, give or take antialiasing: a line's core is about its colour."""
    difference = np.abs(frame[:, :, :3].astype(int) - rgb(color))
    return int(np.all(difference <= within, axis=-1).sum())


def last_frame(**render: object) -> np.ndarray:
    return iio.imread(adamviz.render(scenario(**render), "f.png"))


def test_the_dark_theme_is_dark_paper_light_ink_and_its_own_blue_and_orange() -> None:
    frame = last_frame(theme="dark")
    assert tuple(frame[1, 1]) == rgb(DARK.paper)
    assert np.median(frame[:, :, :3]) < 40  # a dark figure, not a dark frame around a light one
    assert count(frame, DARK.mean) > 50 and count(frame, DARK.rms) > 50
    assert count(frame, DARK.ink) > 80  # the title, ticks and labels
    assert count(frame, LIGHT.mean) == 0 and count(frame, "black") == 0


def test_colors_override_each_role_they_name_and_only_those() -> None:
    frame = last_frame(colors={"mean": "#00ff00", "ratio": "xkcd:magenta"})
    assert count(frame, "#00ff00") > 50 and count(frame, LIGHT.mean) == 0
    assert count(frame, "xkcd:magenta") > 50 and count(frame, LIGHT.ratio) == 0
    assert count(frame, LIGHT.rms) > 50  # left as the theme has it


def test_a_run_colour_overrides_that_run() -> None:
    data = scenario(colors={"runs": ["#ff00ff"]}, width=960, height=540)
    data["optimizers"] = [{"name": "adam", "label": "slow"}, {"name": "adam", "lr": 0.1}]
    frame = iio.imread(adamviz.render(data, "runs.png"))
    assert count(frame, "#ff00ff") > 50 and count(frame, LIGHT.runs[0]) == 0
    assert count(frame, LIGHT.runs[1]) > 50


def test_a_style_sheet_sets_the_paper_ink_and_settings_and_the_roles_keep_their_colours() -> None:
    Path("blog.mplstyle").write_text(
        '# a blog\nfigure.facecolor: "#fdf6e3"\naxes.facecolor: fdf6e3\ntext.color: 586e75\n'
        "axes.grid: True\n"
    )
    frame = last_frame(theme="blog.mplstyle")
    assert tuple(frame[1, 1]) == rgb("#fdf6e3")
    assert count(frame, "#586e75") > 100
    assert count(frame, LIGHT.mean) > 50


def test_a_dark_style_sheet_takes_the_dark_palette_under_it() -> None:
    Path("night.mplstyle").write_text("figure.facecolor: 000000\naxes.facecolor: 000000\n")
    frame = last_frame(theme="night.mplstyle")
    assert tuple(frame[1, 1]) == (0, 0, 0)
    assert count(frame, DARK.mean) > 50


def test_a_font_changes_the_text_and_nothing_else() -> None:
    plain, serif = last_frame(), last_frame(font="DejaVu Serif")
    assert not np.array_equal(plain, serif)
    # The curves are the same: the same blue, about as much of it.
    assert abs(count(plain, LIGHT.mean) - count(serif, LIGHT.mean)) < 0.2 * count(plain, LIGHT.mean)


def test_a_transparent_png_leaves_the_paper_out_and_keeps_the_stamped_labels() -> None:
    frame = last_frame(background="transparent")
    assert frame.shape == (H, W, 4)
    assert frame[1, 1, 3] == 0 and (frame[:, :, 3] == 0).mean() > 0.5
    # The step counter is stamped at the top right: its glyphs are opaque there.
    corner = frame[: H // 12, -W // 5 :]
    assert corner[:, :, 3].max() == 255
    opaque = corner[:, :, 3] == 255
    assert np.all(corner[opaque][:, :3] < 80)  # dark ink, not the paper's white


def test_a_transparent_background_in_a_gif_is_the_themes_paper() -> None:
    frames = iio.imread(adamviz.render(scenario(background="transparent"), "t.gif"))
    assert frames.shape[-1] in (3, 4) and tuple(frames[-1][1, 1][:3]) == (255, 255, 255)


def captioned(**render: object) -> dict[str, object]:
    data = scenario(**render)
    data["captions"] = [
        {"from": 3, "to": 5, "text": "A trend: the ratio climbs"},
        {"from": 9, "to": 12, "text": "After the flip"},
    ]
    return data


def strip(frame: np.ndarray) -> np.ndarray:
    """The band under the title where captions go (the title's row left out)."""
    return frame[int(0.085 * H) : int(0.15 * H), : W // 2]


def test_captions_show_while_their_steps_play_and_only_then() -> None:
    movie = adamviz.animation(captioned(theme="dark"))
    frames = [movie.frame(i) for i in range(movie.n_frames)]  # frame i shows step i + 1
    inked = [bool((strip(f) > 150).any()) for f in frames]
    assert inked == [False, False, True, True, True, False, False, False, True, True, True, True]
    # A caption is the same pixels on every frame of its range, and differs from the next.
    assert np.array_equal(strip(frames[2]), strip(frames[4]))
    assert not np.array_equal(strip(frames[4]), strip(frames[8]))


def test_a_figure_without_captions_keeps_its_layout() -> None:
    plain = adamviz.animation(scenario())
    with_captions = adamviz.animation(captioned())
    # The strip moves the panels down: an axis's top edge is lower with captions.
    top = plain.cells[0].ax.get_position().y1
    assert with_captions.cells[0].ax.get_position().y1 < top - 0.03


def test_the_dark_run_colours_are_apart_readable_and_not_the_states() -> None:
    runs = DARK.runs
    assert len(runs) == len(set(runs)) == 12
    pairs = [(a, b) for i, a in enumerate(runs) for b in runs[i + 1 :]]
    assert min(_distance(a, b) for a, b in pairs) > 25
    first = runs[:4]
    assert min(_distance(a, b) for i, a in enumerate(first) for b in first[i + 1 :]) > 60
    state = (DARK.gradient, DARK.newest, DARK.reference, DARK.paper, DARK.mean, DARK.rms)
    assert min(_distance(run, other) for run in runs for other in state) > 24
    for colour in (*runs, DARK.ink, DARK.mean, DARK.rms, DARK.ratio, DARK.step_size):
        assert _lab(colour)[0] > 50, colour  # light enough to read on the dark paper


def test_a_matplotlibrc_in_the_working_folder_changes_no_byte_of_a_dark_render(
    tmp_path: Path,
) -> None:
    """The CLI, as a user runs it, in a folder with a hostile matplotlibrc and MPLCONFIGDIR."""
    Path("s.yaml").write_text(
        "title: Hostile\nsteps: 10\nparameters:\n  - name: w\n"
        "    gradient: {pattern: sine, amplitude: 1, period: 6}\n"
        "captions: [{from: 2, to: 6, text: Look here}]\n"
        f"render: {{theme: dark, width: {W}, height: {H}, panels: [gradients, ratio, step_size]}}\n"
    )
    digests = {}
    for case in ("clean", "hostile"):
        folder = tmp_path / case
        folder.mkdir()
        (folder / "s.yaml").write_text(Path("s.yaml").read_text())
        env = child_env(MPLCONFIGDIR=str(folder / "config"))
        (folder / "config").mkdir()
        if case == "hostile":
            (folder / "matplotlibrc").write_text(MATPLOTLIBRC)
            (folder / "config" / "matplotlibrc").write_text(MATPLOTLIBRC)
            (folder / "config" / "stylelib").mkdir()
        for name in ("s.gif", "s.png"):
            subprocess.run([*ADAMVIZ, "render", "s.yaml", "-o", name], cwd=folder, env=env,
                           check=True, capture_output=True, timeout=300)  # fmt: skip
        digests[case] = [hashlib.sha256((folder / n).read_bytes()).hexdigest()
                         for n in ("s.gif", "s.png")]  # fmt: skip
    assert digests["hostile"] == digests["clean"]


def test_a_captioned_dark_figure_drawn_by_a_worker_process_is_the_same_pixels() -> None:
    from adamviz.figure.parallel import frames_in_workers

    movie = adamviz.animation(captioned(theme="dark"))
    here = [movie.frame_rgba(i).copy() for i in range(movie.n_frames)]
    there = list(frames_in_workers(movie.traces, movie.spec, 1))
    assert len(there) == len(here)
    assert all(np.array_equal(a, b) for a, b in zip(here, there, strict=True))
