"""The interactive page: one self-contained HTML file, the animation and each step's numbers.

The animation is an H.264 MP4 (the same encoder and bytes as ``.mp4``),
embedded in the page as base64 and handed to a ``<video>`` as a Blob URL: a
video is the smallest frame-exact form of it (115 KB for 200 frames at
960×540, where lossless frames as images would take megabytes), and every
browser plays H.264. Scrubbing seeks to the middle of a frame's interval,
(i + ½)/fps, which every browser resolves to frame i.

Beside it, a table per run holds the numbers of the step shown: each
parameter's g, m̂, √v̂, ratio, step size and θ, read from the run's trace by
name (a run without a quantity has no row for it; an SGD run shows its
momentum buffer instead), at 6 significant digits. They travel as JSON in a
``<script type="application/json">``, with every ``<`` escaped so that no
value can close the script; the title and description are escaped as HTML.

No network: no font, script or icon is fetched, so the page works opened
from disk and from any static host. The same frames and numbers give the
same bytes. Standard library and numpy only, besides the video encoder.
"""

from __future__ import annotations

import base64
import html
import json
import math
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from adamviz.errors import OutputError
from adamviz.optim.trace import Trace
from adamviz.output.atomic import AtomicFile, os_reason
from adamviz.output.video import VideoWriter


@dataclass(frozen=True)
class PageContent:
    """What the page says besides its frames."""

    title: str
    description: str
    param_names: Sequence[str]
    traces: Sequence[Trace]
    frame_steps: Sequence[int]
    """The step (1-based) each frame shows, in order."""
    captions: Sequence[tuple[int, int, str]] = ()
    """The scenario's captions, (first step, last step, text): shown under the video."""


#: The rows of a run's table: (label, quantity, transform); the first quantity a run has wins.
_ROWS: tuple[tuple[str, tuple[str, ...], Callable[[np.ndarray], np.ndarray] | None], ...] = (
    ("g", ("grad",), None),
    ("m̂", ("m_hat",), None),
    ("momentum", ("momentum",), None),
    ("√v̂", ("v_hat",), np.sqrt),
    ("rms", ("rms",), None),
    ("ratio", ("ratio",), None),
    ("step size", ("step_size",), None),
    ("θ", ("theta",), None),
)


def _rounded(values: np.ndarray) -> list[list[float | None]]:
    """Rows of values at 6 significant digits; a value that is not finite is null."""
    return [
        [float(f"{v:.6g}") if math.isfinite(v) else None for v in row] for row in values.tolist()
    ]


def page_data(content: PageContent, fps: float) -> dict[str, object]:
    """The numbers the page's script reads: per run, per row, per frame, per parameter."""
    shown = np.asarray(content.frame_steps, dtype=int) - 1
    runs = []
    for k, trace in enumerate(content.traces):
        rows = []
        for label, names, transform in _ROWS:
            name = next((n for n in names if n in trace), None)
            if name is None:
                continue
            values = np.asarray(trace[name], dtype=np.float64)[shown]
            with np.errstate(all="ignore"):
                values = transform(values) if transform is not None else values
            rows.append({"label": label, "values": _rounded(values)})
        runs.append({"label": trace.label or f"run {k + 1}", "rows": rows})
    # Per frame, the caption of its step (an index into "captions"; -1: none).
    caption_of = [
        next((k for k, (first, last, _) in enumerate(content.captions) if first <= s <= last), -1)
        for s in content.frame_steps
    ]
    return {
        "fps": fps,
        "steps": [int(s) for s in content.frame_steps],
        "captions": [text for _, _, text in content.captions],
        "caption_of": caption_of,
        "total": int(content.traces[0].steps) if content.traces else 0,
        "params": list(content.param_names),
        "runs": runs,
    }


def _script_json(data: object) -> str:
    """JSON safe inside a ``<script>``: no ``<`` can start ``</script>`` or ``<!--``."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).replace(
        "<", "\\u003c"
    )


_STYLE = """
:root { color-scheme: light; --ink: #222; --muted: #5f5f5f; --line: #dedede; --blue: #1f77b4; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif;
       color: var(--ink); background: #f6f6f6; }
header, main { max-width: 1500px; margin: 0 auto; padding: 0 16px; }
header { padding-top: 20px; }
h1 { margin: 0 0 4px; font-size: 1.5rem; }
header p { margin: 0 0 12px; color: var(--muted); max-width: 70ch; }
main { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; padding-bottom: 20px; }
figure { margin: 0; flex: 1 1 560px; max-width: 960px; background: #fff;
         border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
video { display: block; width: 100%; height: auto; background: #fff; }
.controls { display: flex; gap: 12px; align-items: center; padding: 8px 12px;
            border-top: 1px solid var(--line); }
.controls button { font: inherit; min-width: 5.5em; padding: 4px 10px; cursor: pointer; }
.controls input { flex: 1; }
.controls output { font-variant-numeric: tabular-nums; min-width: 9ch; text-align: right; }
.numbers { flex: 0 1 420px; display: flex; flex-direction: column; gap: 12px; }
table { border-collapse: collapse; background: #fff; border: 1px solid var(--line);
        border-radius: 8px; font-variant-numeric: tabular-nums; width: 100%; }
caption { text-align: left; font-weight: 600; padding: 0 0 4px; }
th, td { padding: 3px 10px; border-bottom: 1px solid var(--line); text-align: right; }
th[scope=row] { text-align: left; font-weight: 600; color: var(--muted); }
.hint { color: var(--muted); font-size: 0.85rem; margin: 0; }
#caption { margin: 0; padding: 0 12px 10px; min-height: 1.45em; }
"""

# Frame i is shown at (i + 1/2)/fps: the middle of its interval, not its edge,
# where a browser may round to the frame before.
_SCRIPT = """
(() => {
  const data = JSON.parse(document.getElementById("numbers").textContent);
  const b64 = document.getElementById("movie").textContent.trim();
  const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
  const video = document.querySelector("video");
  const slider = document.getElementById("step");
  const shown = document.getElementById("shown");
  const button = document.getElementById("play");
  const caption = document.getElementById("caption");
  const n = data.steps.length;
  video.src = URL.createObjectURL(new Blob([bytes], {type: "video/mp4"}));
  const cells = [...document.querySelectorAll("td[data-run]")].map(td =>
    [td, data.runs[+td.dataset.run].rows[+td.dataset.row].values, +td.dataset.param]);
  const format = v => {
    if (v === null) return "\\u2014";
    const a = Math.abs(v);
    if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(3);
    return String(Number(v.toPrecision(5)));
  };
  let frame = -1;
  const show = i => {
    i = Math.max(0, Math.min(n - 1, i));
    if (i === frame) return;
    frame = i;
    slider.value = i;
    shown.value = "step " + data.steps[i] + " / " + data.total;
    document.body.dataset.frame = i;
    for (const [td, values, p] of cells) td.textContent = format(values[i][p]);
    const c = data.caption_of[i];
    caption.textContent = c >= 0 ? data.captions[c] : "";
  };
  const seek = i => {
    video.pause();
    const before = frame;
    show(i);
    // Seeking again to the time shown (at the last frame) made Chromium show frame 0.
    if (frame !== before || video.readyState < 2) video.currentTime = (frame + 0.5) / data.fps;
  };
  const follow = (now, meta) => {
    show(Math.floor(meta.mediaTime * data.fps + 0.5));
    if (!video.paused) video.requestVideoFrameCallback(follow);
  };
  video.addEventListener("play", () => {
    button.textContent = "Pause";
    if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(follow);
  });
  video.addEventListener("pause", () => { button.textContent = "Play"; });
  video.addEventListener("timeupdate", () => {
    if (!video.paused && !video.requestVideoFrameCallback)
      show(Math.floor(video.currentTime * data.fps));
  });
  button.addEventListener("click", () => {
    if (video.paused) {
      if (frame >= n - 1) video.currentTime = 0.5 / data.fps;
      video.play();
    } else video.pause();
    button.textContent = video.paused ? "Play" : "Pause";
  });
  slider.addEventListener("input", () => seek(+slider.value));
  document.addEventListener("keydown", event => {
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    if (event.target === slider) event.preventDefault();  // one frame, not the slider's own step
    seek(frame + (event.key === "ArrowRight" ? 1 : -1));
  });
  video.addEventListener("loadeddata", () => {
    video.currentTime = (n - 0.5) / data.fps;
  }, {once: true});
  show(n - 1);
})();
"""


def _table(run: int, data: dict[str, object]) -> str:
    runs: list[dict[str, object]] = data["runs"]  # type: ignore[assignment]
    params: list[str] = data["params"]  # type: ignore[assignment]
    head = "".join(f'<th scope="col">{html.escape(p)}</th>' for p in params)
    body = []
    rows: list[dict[str, object]] = runs[run]["rows"]  # type: ignore[assignment]
    for r, row in enumerate(rows):
        cells = "".join(
            f'<td data-run="{run}" data-row="{r}" data-param="{p}"></td>'
            for p in range(len(params))
        )
        body.append(f'<tr><th scope="row">{html.escape(str(row["label"]))}</th>{cells}</tr>')
    caption = html.escape(str(runs[run]["label"]))
    return (
        f"<table><caption>{caption}</caption>\n<thead><tr><th></th>{head}</tr></thead>\n"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def render_page(content: PageContent, video: bytes, size: tuple[int, int], fps: float) -> str:
    """The page's HTML around an MP4 of its frames."""
    data = page_data(content, fps)
    width, height = size
    title = html.escape(content.title)
    about = f"<p>{html.escape(content.description)}</p>" if content.description else ""
    tables = "\n".join(_table(k, data) for k in range(len(content.traces)))
    last = len(content.frame_steps) - 1
    label = html.escape(f"Animation: {content.title}", quote=True)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{title}</title>
<style>{_STYLE}</style>
</head>
<body>
<header>
<h1>{title}</h1>
{about}
</header>
<main>
<figure>
<video muted playsinline loop preload="auto" width="{width}" height="{height}"
 aria-label="{label}"></video>
<div class="controls">
<button id="play" type="button">Play</button>
<input id="step" type="range" min="0" max="{last}" value="{last}" aria-label="Step">
<output id="shown" for="step"></output>
</div>
<p id="caption" aria-live="polite"></p>
</figure>
<section class="numbers" aria-label="The numbers of the step shown">
{tables}
<p class="hint">← → step one frame; ratio = m̂/(√v̂+ε), step size = lr/(√v̂+ε).</p>
</section>
</main>
<script type="application/json" id="numbers">{_script_json(data)}</script>
<script type="text/plain" id="movie">{base64.b64encode(video).decode("ascii")}</script>
<script>{_SCRIPT}</script>
</body>
</html>
"""


def write_page(
    path: Path,
    frames: Iterable[np.ndarray],
    size: tuple[int, int],
    fps: float,
    content: PageContent,
    on_frame: Callable[[int, int], None] | None = None,
) -> None:
    """Encode ``frames`` as an MP4 and write the page around it, atomically."""
    total = len(content.frame_steps)
    try:
        folder = tempfile.TemporaryDirectory()
    except OSError as error:
        raise OutputError(f"{path}: cannot write: {os_reason(error)}") from None
    with folder:
        movie = Path(folder.name) / "movie.mp4"
        with VideoWriter(movie, size, fps, "mp4") as out:
            for done, frame in enumerate(frames, start=1):
                out.write(frame)
                if on_frame is not None:
                    on_frame(done, total)
        video = movie.read_bytes()
    AtomicFile(path).write_text(render_page(content, video, size, fps))
