"""adamviz's renderer against a plain ``FuncAnimation.save``, in one run.

Renders the same 200-step scenario at the same pixel size two ways:

- adamviz: artists built once, static parts blitted, frames streamed into
  ffmpeg (one palette for the GIF);
- baseline: ``FuncAnimation.save`` with a function that clears and re-plots
  each frame, written with PillowWriter (GIF) and FFMpegWriter (MP4, using the
  same bundled ffmpeg).

and prints the seconds, the speed-up ratios and the file sizes. The machines are
shared and noisy, so only ratios measured in the same run mean anything.

    python benchmarks/render_bench.py [--repeat 3] [--baseline-repeat 1]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import imageio_ffmpeg
import matplotlib
import numpy as np

matplotlib.use("Agg")
from matplotlib.animation import FFMpegWriter, FuncAnimation, PillowWriter
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from adamviz.kernel import Trace
from adamviz.pipeline import RenderOptions, render_scenario
from adamviz.render import GRADIENT_GREY, MEAN_BLUE, RATIO_PURPLE, RMS_ORANGE
from adamviz.scenario import Scenario, load
from adamviz.simulate import simulate

SCENARIO = Path(__file__).with_name("bench.yaml")
WIDTH, HEIGHT, FPS = 960, 540, 20


def baseline_save(trace: Trace, title: str, path: Path, fmt: str) -> None:
    """What a careful user writes without adamviz: clear and re-plot every frame."""
    matplotlib.rcParams["animation.ffmpeg_path"] = imageio_ffmpeg.get_ffmpeg_exe()
    figure = Figure(figsize=(WIDTH / 100, HEIGHT / 100), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=[2, 1])
    steps = np.arange(1, trace.steps + 1)
    g, m_hat = trace.grad[:, 0], trace.m_hat[:, 0]
    rms, ratio = np.sqrt(trace.v_hat[:, 0]), trace.ratio[:, 0]
    lo, hi = min(0.0, g.min(), m_hat.min()), max(0.0, g.max(), rms.max())

    def draw(i: int) -> None:
        n = i + 1
        top.cla()
        bottom.cla()
        top.vlines(steps[:n], 0, g[:n], color=GRADIENT_GREY)
        top.scatter(steps[:n], g[:n], color=GRADIENT_GREY, s=16, zorder=2)
        top.plot(steps[:n], m_hat[:n], color=MEAN_BLUE, linewidth=2.2, label="mean m̂")
        top.plot(steps[:n], rms[:n], color=RMS_ORANGE, linewidth=2.2, label="RMS √v̂")
        top.set_xlim(0, trace.steps + 1)
        top.set_ylim(lo - 0.08 * (hi - lo), hi + 0.08 * (hi - lo))
        top.set_ylabel("gradient")
        top.legend(loc="lower right")
        bottom.plot(steps[:n], ratio[:n], color=RATIO_PURPLE, linewidth=2.0)
        for level, style in ((0, "-"), (1, "--"), (-1, "--")):
            bottom.axhline(level, color="#b0b0b0", linestyle=style, linewidth=0.8)
        bottom.set_ylim(-1.15, 1.15)
        bottom.set_ylabel("ratio")
        bottom.set_xlabel("step")
        bottom.set_title(f"ratio {ratio[i]:.3f}", loc="right")
        figure.suptitle(f"{title}   step {n} / {trace.steps}")

    animation = FuncAnimation(figure, draw, frames=trace.steps)
    writer = PillowWriter(fps=FPS) if fmt == "gif" else FFMpegWriter(fps=FPS, codec="libx264")
    animation.save(path, writer=writer)


def timed(action: Callable[[], object], repeat: int) -> float:
    """The best of ``repeat`` runs: the least disturbed by the machine's other work."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="adamviz runs, best kept")
    parser.add_argument(
        "--baseline-repeat", type=int, default=1,
        help="baseline runs, best kept (each takes minutes)",
    )  # fmt: skip
    args = parser.parse_args()
    scenario: Scenario = load(SCENARIO)
    trace = simulate(scenario)
    print(f"scenario: {SCENARIO.name}, {scenario.steps} steps, {WIDTH}x{HEIGHT} px, {FPS} fps")
    print(f"{'format':<7}{'adamviz s':>11}{'baseline s':>12}{'speed-up':>10}"
          f"{'adamviz KB':>12}{'baseline KB':>13}{'size ratio':>12}")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        for fmt in ("gif", "mp4"):
            ours, theirs = out / f"adamviz.{fmt}", out / f"baseline.{fmt}"
            options = RenderOptions(fmt=fmt, width=WIDTH, height=HEIGHT, fps=FPS)
            # Half of adamviz's runs before the baseline, half after: a machine
            # that slows down or speeds up during the run affects both alike.
            render = lambda: render_scenario(scenario, ours, options)  # noqa: B023, E731
            t_ours = timed(render, (args.repeat + 1) // 2)
            t_theirs = timed(
                lambda: baseline_save(trace, scenario.title, theirs, fmt),  # noqa: B023
                args.baseline_repeat,
            )
            if args.repeat > 1:
                t_ours = min(t_ours, timed(render, args.repeat // 2))
            kb_ours, kb_theirs = ours.stat().st_size / 1024, theirs.stat().st_size / 1024
            print(f"{fmt:<7}{t_ours:>11.2f}{t_theirs:>12.2f}{t_theirs / t_ours:>9.1f}x"
                  f"{kb_ours:>12.0f}{kb_theirs:>13.0f}{kb_ours / kb_theirs:>12.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
