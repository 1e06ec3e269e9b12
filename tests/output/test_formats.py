"""WebM, WebP, APNG, vector stills, the page's numbers, the size budget: what the files hold."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest

from adamviz.catalog import FIGURE_FORMATS, FORMATS
from adamviz.figure.engine import GRADIENT_GREY, MEAN_BLUE, RMS_ORANGE, Animation
from adamviz.optim.trace import Trace
from adamviz.output.budget import (
    Attempt,
    format_size,
    frame_indices,
    parse_size,
    predicted,
    too_large,
)
from adamviz.output.page import PageContent, page_data, render_page
from adamviz.output.video import VideoWriter
from tests.frames import HEIGHT, STEPS, WIDTH, pixels_near


def write_video(movie: Animation, path: Path, fmt: str, fps: float = 10) -> None:
    with VideoWriter(path, (WIDTH, HEIGHT), fps, fmt) as writer:
        for frame in movie.frames():
            writer.write(frame)


def decoded(path: Path) -> np.ndarray:
    """Every frame of an animation, H×W×3, whichever plugin reads its format."""
    if path.suffix == ".webp":  # Pillow reads animated WebP one frame at a time
        return np.stack([f[:, :, :3] for f in iio.imiter(path, plugin="pillow")])
    if path.suffix == ".apng":
        return iio.imread(path, index=None, extension=".png")
    return iio.imread(path)


# ----------------------------------------------------------------------------- animations


@pytest.mark.parametrize(("fmt", "error"), [("webm", 6.0), ("webp", 0.0), ("apng", 0.0)])
def test_written_animation_holds_every_frame(
    movie: Animation, tmp_path: Path, fmt: str, error: float
) -> None:
    path = tmp_path / f"movie.{fmt}"
    write_video(movie, path, fmt)
    frames = decoded(path)
    assert frames.shape == (STEPS, HEIGHT, WIDTH, 3)
    for color in (MEAN_BLUE, RMS_ORANGE, GRADIENT_GREY):
        assert pixels_near(frames[-1], color, 45 if fmt == "webm" else 12) > 30, color
    # WebP and APNG are lossless: every frame is the drawn one, pixel for pixel.
    for index in (0, STEPS // 2, STEPS - 1):
        drawn = movie.frame(index).astype(int)
        assert np.abs(frames[index].astype(int) - drawn).mean() <= error, index
    assert list(tmp_path.iterdir()) == [path]


@pytest.mark.parametrize("fmt", ["webm", "webp", "apng"])
def test_same_frames_give_the_same_bytes(movie: Animation, tmp_path: Path, fmt: str) -> None:
    write_video(movie, tmp_path / f"a.{fmt}", fmt)
    write_video(movie, tmp_path / f"b.{fmt}", fmt)
    assert (tmp_path / f"a.{fmt}").read_bytes() == (tmp_path / f"b.{fmt}").read_bytes()


def test_webp_and_apng_loop_at_the_requested_rate(movie: Animation, tmp_path: Path) -> None:
    write_video(movie, tmp_path / "m.webp", "webp")
    write_video(movie, tmp_path / "m.apng", "apng")
    from PIL import Image

    with Image.open(tmp_path / "m.webp") as webp:
        assert webp.is_animated and webp.n_frames == STEPS
        webp.load()  # Pillow knows a frame's duration once it has decoded it
        assert webp.info["loop"] == 0 and webp.info["duration"] == 100  # 10 fps
    meta = iio.immeta(tmp_path / "m.apng", extension=".png")
    assert meta["loop"] == 0 and meta["duration"] == 100


def test_webm_is_vp9(movie: Animation, tmp_path: Path) -> None:
    write_video(movie, tmp_path / "m.webm", "webm")
    data = (tmp_path / "m.webm").read_bytes()
    assert data.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in data[:64]  # EBML, DocType webm
    assert b"V_VP9" in data[:4096]  # the track's codec


# ----------------------------------------------------------------------------- vector stills


def test_svg_still_keeps_its_text_as_text_and_its_colours(movie: Animation) -> None:
    svg = movie.vector(2, "svg")
    root = ElementTree.fromstring(svg)
    texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert f"step 3 / {STEPS}" in texts  # the stamped counter, as text of this step
    assert "gradient" in texts
    style = svg.decode()
    for color in (MEAN_BLUE, RMS_ORANGE):
        assert color.lower() in style.lower(), color
    assert movie.vector(2, "svg") == svg  # no date, no random ids


def test_pdf_still_embeds_its_fonts_and_is_stable(movie: Animation) -> None:
    pdf = movie.vector(STEPS - 1, "pdf")
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert b"/FontFile2" in pdf  # TrueType (Type 42): text stays text
    assert b"/CreationDate" not in pdf
    assert movie.vector(STEPS - 1, "pdf") == pdf


def test_drawing_a_vector_still_leaves_the_frames_as_they_were(movie: Animation) -> None:
    before = [movie.frame(i) for i in (0, 5, STEPS - 1)]
    movie.vector(5, "svg")
    movie.vector(1, "pdf")
    after = [movie.frame(i) for i in (0, 5, STEPS - 1)]
    for a, b in zip(before, after, strict=True):
        np.testing.assert_array_equal(a, b)


def test_vector_stills_refuse_a_step_outside_the_frames(movie: Animation) -> None:
    with pytest.raises(IndexError):
        movie.vector(STEPS, "svg")
    with pytest.raises(ValueError, match="svg"):
        movie.vector(0, "eps")


# ----------------------------------------------------------------------------- the page


def content(trace: Trace, title: str = "T", description: str = "D") -> PageContent:
    return PageContent(title, description, ["w", "b"], [trace], range(1, trace.steps + 1))


def test_page_numbers_are_the_traces_by_name(trace: Trace) -> None:
    data = page_data(content(trace), 10)
    (run,) = data["runs"]  # type: ignore[misc]
    rows = {row["label"]: row["values"] for row in run["rows"]}
    assert list(rows) == ["g", "m̂", "√v̂", "ratio", "step size", "θ"]
    assert rows["g"][3] == pytest.approx(trace.grad[3].tolist(), rel=1e-5)
    assert rows["√v̂"][3] == pytest.approx(np.sqrt(trace.v_hat[3]).tolist(), rel=1e-5)
    assert rows["θ"][-1] == pytest.approx(trace.theta[-1].tolist(), rel=1e-5)
    assert data["steps"] == list(range(1, STEPS + 1)) and data["params"] == ["w", "b"]


def test_page_text_is_escaped_and_no_value_closes_its_script(trace: Trace) -> None:
    hostile = '</script><script>alert("x")</script> & <b>'
    page = render_page(content(trace, hostile, hostile), b"\x00video", (WIDTH, HEIGHT), 10)
    assert "<script>alert" not in page and "<b>" not in page
    assert "&lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)" in page
    numbers = re.search(r'<script type="application/json" id="numbers">(.*?)</script>', page, re.S)
    assert numbers is not None and json.loads(numbers.group(1))["runs"][0]["label"] == "run 1"
    assert "http" not in page.replace("http://www.w3.org", "")  # nothing fetched from a network


# ----------------------------------------------------------------------------- the budget


@pytest.mark.parametrize(
    ("text", "size"),
    [("10MB", 10_000_000), ("10 mb", 10_000_000), ("500KB", 500_000), ("1.5MiB", 1_572_864),
     ("20000", 20_000), ("2gb", 2_000_000_000)],
)  # fmt: skip
def test_sizes_parse_in_decimal_and_binary_units(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "ten", "10XB", "-1MB", "0", "1e3MB", "MB"])
def test_a_size_that_is_not_one_says_what_is_expected(text: str) -> None:
    with pytest.raises(ValueError, match="expected a size"):
        parse_size(text)


def test_fewer_frames_keep_the_last_step() -> None:
    assert frame_indices(6, 1) == [0, 1, 2, 3, 4, 5]
    assert frame_indices(6, 2) == [1, 3, 5]
    assert frame_indices(7, 3) == [2, 5, 6]
    assert frame_indices(1, 8) == [0]


def test_attempts_keep_even_sizes_above_the_smallest_figure() -> None:
    assert Attempt(0.5, 4).size(960, 540) == (480, 270)
    assert Attempt(0.5, 1).size(320, 180) == (160, 90)
    assert Attempt(0.75, 2).describe(320, 180, 20) == "240×136, every 2nd step at 10 fps"
    assert predicted(1000, Attempt(1.0, 1), Attempt(0.5, 4)) == 125


def test_the_budget_error_says_what_would_fit() -> None:
    line = too_large("x.gif", 10_000, [("320×180, every step", 54_321), ("160×90", 25_432)])
    assert line.startswith("x.gif: nothing fits --max-size 10 KB: 320×180, every step is 54.3 KB")
    assert "160×90 still 25.4 KB; --max-size 26KB would fit it" in line
    assert format_size(12_345_678) == "12.3 MB" and format_size(999) == "999 B"


def test_every_figure_format_is_in_the_catalog_once() -> None:
    assert set(FIGURE_FORMATS) == {
        "gif", "mp4", "webm", "webp", "apng", "html", "png", "svg", "pdf",
    }  # fmt: skip
    assert {f.element for f in FORMATS.values()} == {"img", "video", "iframe", "a"}
