"""The interactive page in headless Chromium: the slider and arrow keys move frame and numbers.

As the gallery's browser tests (and with their browser): skipped without
Playwright or ``chromium``, unless ``ADAMVIZ_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import imageio.v3 as iio
import numpy as np
import pytest

from adamviz.pipeline import RenderOptions, animation
from adamviz.scenario import load
from tests.support import HEIGHT, STEPS, WIDTH, assert_exit, invoke, tiny_scenario


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("page")
    scenario = folder / "tiny.yaml"
    scenario.write_text(tiny_scenario("Tiny <page> & co", 1.0, description="'Steps of one.'"))
    result = invoke("render", str(scenario), "-o", str(folder / "tiny.html"))
    assert_exit(result, 0)
    return folder / "tiny.html"


STATE = """() => ({
  frame: +document.body.dataset.frame,
  shown: document.getElementById('shown').value,
  slider: +document.getElementById('step').value,
  g: document.querySelector('td[data-run="0"][data-row="0"][data-param="0"]').textContent,
  theta: [...document.querySelectorAll('td[data-run="0"][data-param="0"]')].at(-1).textContent,
  paused: document.querySelector('video').paused,
})"""

# The picture the video shows now, once any seek has landed, as a PNG data URL.
PICTURE = """async () => {
  const video = document.querySelector('video');
  if (video.seeking) await new Promise(r => video.addEventListener('seeked', r, {once: true}));
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth; canvas.height = video.videoHeight;
  canvas.getContext('2d').drawImage(video, 0, 0);
  return canvas.toDataURL('image/png');
}"""


def picture(page: Any) -> np.ndarray:
    url = page.evaluate(PICTURE)
    return iio.imread(base64.b64decode(url.split(",", 1)[1]), extension=".png")[:, :, :3]


def closest_frame(shown: np.ndarray, frames: list[np.ndarray]) -> int:
    errors = [np.abs(shown.astype(int) - f.astype(int)).mean() for f in frames]
    return int(np.argmin(errors))


def test_the_slider_and_the_arrow_keys_move_the_frame_and_the_numbers(
    browser: Any, page_file: Path
) -> None:
    scenario = load(page_file.with_name("tiny.yaml"))
    movie = animation(scenario, RenderOptions())
    try:
        frames = [movie.frame(i) for i in range(STEPS)]
        trace = movie.trace
    finally:
        movie.close()

    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda m: m.type in ("error", "warning") and problems.append(m.text))
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("request", lambda r: r.url.startswith("http") and problems.append(f"fetch {r.url}"))
    try:
        page.goto(page_file.as_uri(), wait_until="load")
        page.wait_for_function("() => document.querySelector('video').readyState >= 2")

        assert page.title() == "Tiny <page> & co"
        assert page.text_content("h1") == "Tiny <page> & co"
        assert page.text_content("header p") == "Steps of one."

        def at(frame: int) -> None:
            state = page.evaluate(STATE)
            assert state["frame"] == state["slider"] == frame
            assert state["shown"] == f"step {frame + 1} / {STEPS}"
            assert float(state["g"]) == pytest.approx(trace.grad[frame, 0], rel=1e-4)
            assert float(state["theta"]) == pytest.approx(trace.theta[frame, 0], rel=1e-3)
            shown = picture(page)
            assert shown.shape == (HEIGHT, WIDTH, 3)
            assert closest_frame(shown, frames) == frame  # frame-exact, not the one beside it

        at(STEPS - 1)  # opens on the last step
        page.eval_on_selector("#step", "s => { s.value = 2; s.dispatchEvent(new Event('input')); }")
        at(2)
        page.focus("#step")
        page.keyboard.press("ArrowLeft")
        at(1)
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        at(3)
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")  # past the end: stays on the last step
        at(STEPS - 1)

        page.click("#play")
        page.wait_for_function("() => !document.querySelector('video').paused")
        assert page.text_content("#play") == "Pause"
        page.click("#play")
        page.wait_for_function("() => document.getElementById('play').textContent === 'Play'")
        assert page.evaluate(STATE)["paused"]
    finally:
        page.close()
    assert problems == []


def test_the_page_holds_every_run_of_a_comparison(browser: Any, tmp_path: Path) -> None:
    scenario = tmp_path / "two.yaml"
    scenario.write_text(
        tiny_scenario()
        + "optimizers: [{name: sgd, lr: 0.01, momentum: 0.9}, {name: adam, label: Adam}]\n"
    )
    assert_exit(invoke("render", str(scenario), "-o", str(tmp_path / "two.html")), 0)
    page = browser.new_page()
    try:
        page.goto((tmp_path / "two.html").as_uri(), wait_until="load")
        captions = page.eval_on_selector_all("caption", "cs => cs.map(c => c.textContent)")
        rows = page.eval_on_selector_all(
            "table",
            "ts => ts.map(t => [...t.querySelectorAll('tbody th')].map(h => h.textContent))",
        )
        data = json.loads(page.text_content("#numbers") or "null")
    finally:
        page.close()
    assert captions == ["sgd", "Adam"]
    assert rows == [
        ["g", "momentum", "step size", "θ"],
        ["g", "m̂", "√v̂", "ratio", "step size", "θ"],
    ]
    assert data["params"] == ["w"] and data["total"] == STEPS


def test_the_page_shows_each_steps_caption_as_it_is_scrubbed(browser: Any, tmp_path: Path) -> None:
    scenario = tmp_path / "cap.yaml"
    scenario.write_text(
        tiny_scenario()
        + "captions:\n  - {from: 2, to: 3, text: 'Look <here> & now'}\n"
        + "  - {from: 5, to: 5, text: 'The last but one'}\n"
    )
    assert_exit(invoke("render", str(scenario), "-o", str(tmp_path / "cap.html")), 0)
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    seen = []
    try:
        page.goto((tmp_path / "cap.html").as_uri(), wait_until="load")
        for frame in range(STEPS):  # frame k shows step k + 1
            page.eval_on_selector(
                "#step", "(s, v) => { s.value = v; s.dispatchEvent(new Event('input')); }", frame
            )
            seen.append(page.text_content("#caption"))
    finally:
        page.close()
    assert seen == ["", "Look <here> & now", "Look <here> & now", "", "The last but one", ""]
    assert errors == []
