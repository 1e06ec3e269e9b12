"""adamviz's renderer against the encoder's floor and two ``FuncAnimation.save`` baselines.

Renders the same 200-step scenario at the same pixel size, in one run:

- floor: the encoder alone: adamviz's own frames, drawn ahead of time into
  memory, piped into the same ffmpeg with the same arguments (for a GIF, the
  palette pass included). No renderer can beat it;
- adamviz: ``render_scenario`` as ``adamviz render`` runs it, from the
  scenario to the file (simulation, figure, frames, encoding);
- set_data: the careful ``FuncAnimation`` a user writes: artists created once
  and updated with ``set_data``/``set_segments`` (``blit=True``), saved with
  PillowWriter (GIF) or FFMpegWriter (MP4, the same bundled ffmpeg);
- clear-and-replot: ``FuncAnimation`` clearing the axes and plotting again
  each frame, saved the same way.

and prints seconds, each baseline's ratio to adamviz, adamviz's ratio to the
floor, and the file sizes. The machines are shared and noisy, so only ratios
measured in the same run mean anything.

WebM, WebP and APNG are timed against their own floor alone (the baselines
are GIF and MP4 writers); the interactive page (``html``), an MP4 with the
numbers around it, against adamviz's own MP4 render in the same run.

    python benchmarks/render_bench.py [--repeat 3] [--baseline-repeat 1] [--no-baselines]
        [--formats gif mp4 webm webp apng html]
    python benchmarks/render_bench.py --scenario benchmarks/surface.yaml   # paths on contours
"""

from __future__ import annotations

import argparse
import functools
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import imageio_ffmpeg
import matplotlib
import numpy as np

matplotlib.use("Agg")
from matplotlib.animation import FFMpegWriter, FuncAnimation, PillowWriter
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from adamviz.figure.engine import GRADIENT_GREY, MEAN_BLUE, RATIO_PURPLE, RMS_ORANGE
from adamviz.optim.trace import Trace
from adamviz.output.video import VideoWriter
from adamviz.output.writers import palette_sample
from adamviz.pipeline import RenderOptions, animation, render_scenario, simulate
from adamviz.scenario import Scenario, load

SCENARIO = Path(__file__).with_name("bench.yaml")
#: The formats that have an encode-only floor: the same encoder fed ready frames.
FLOORED = ("gif", "mp4", "webm", "webp", "apng")
#: The formats FuncAnimation's writers make, against which the baselines run.
BASELINED = ("gif", "mp4")
WIDTH, HEIGHT, FPS = 960, 540, 20
REFERENCE_GREY = "#b0b0b0"


class _Baseline:
    """The figure both baselines draw: gradients and curves on top, the ratio below."""

    def __init__(self, trace: Trace, title: str) -> None:
        matplotlib.rcParams["animation.ffmpeg_path"] = imageio_ffmpeg.get_ffmpeg_exe()
        self.figure = Figure(figsize=(WIDTH / 100, HEIGHT / 100), dpi=100, layout="constrained")
        FigureCanvasAgg(self.figure)
        self.top, self.bottom = self.figure.subplots(2, 1, sharex=True, height_ratios=[2, 1])
        self.title, self.n = title, trace.steps
        self.steps = np.arange(1, trace.steps + 1)
        self.g, self.m_hat = trace.grad[:, 0], trace.m_hat[:, 0]
        self.rms, self.ratio = np.sqrt(trace.v_hat[:, 0]), trace.ratio[:, 0]
        lo = min(0.0, self.g.min(), self.m_hat.min())
        hi = max(0.0, self.g.max(), self.rms.max())
        self.ylim = (lo - 0.08 * (hi - lo), hi + 0.08 * (hi - lo))

    def style(self, top: Axes, bottom: Axes) -> None:
        top.set_xlim(0, self.n + 1)
        top.set_ylim(*self.ylim)
        top.set_ylabel("gradient")
        for level, line in ((0, "-"), (1, "--"), (-1, "--")):
            bottom.axhline(level, color=REFERENCE_GREY, linestyle=line, linewidth=0.8)
        bottom.set_ylim(-1.15, 1.15)
        bottom.set_ylabel("ratio")
        bottom.set_xlabel("step")

    def save(self, draw: Callable[[int], object], path: Path, fmt: str, blit: bool) -> None:
        movie = FuncAnimation(self.figure, draw, frames=self.n, blit=blit)
        writer = PillowWriter(fps=FPS) if fmt == "gif" else FFMpegWriter(fps=FPS, codec="libx264")
        movie.save(path, writer=writer)


def baseline_replot(trace: Trace, title: str, path: Path, fmt: str) -> None:
    """A user's first FuncAnimation: clear the axes and plot everything again, every frame."""
    base = _Baseline(trace, title)
    top, bottom, steps = base.top, base.bottom, base.steps

    def draw(i: int) -> None:
        n = i + 1
        top.cla()
        bottom.cla()
        top.vlines(steps[:n], 0, base.g[:n], color=GRADIENT_GREY)
        top.scatter(steps[:n], base.g[:n], color=GRADIENT_GREY, s=16, zorder=2)
        top.plot(steps[:n], base.m_hat[:n], color=MEAN_BLUE, linewidth=2.2, label="mean m̂")
        top.plot(steps[:n], base.rms[:n], color=RMS_ORANGE, linewidth=2.2, label="RMS √v̂")
        top.legend(loc="lower right")
        bottom.plot(steps[:n], base.ratio[:n], color=RATIO_PURPLE, linewidth=2.0)
        base.style(top, bottom)
        bottom.set_title(f"ratio {base.ratio[i]:.3f}", loc="right")
        base.figure.suptitle(f"{title}   step {n} / {base.n}")

    base.save(draw, path, fmt, blit=False)


def baseline_set_data(trace: Trace, title: str, path: Path, fmt: str) -> None:
    """A careful user's FuncAnimation: artists made once, updated with set_data, blit=True."""
    base = _Baseline(trace, title)
    top, bottom, steps = base.top, base.bottom, base.steps
    base.style(top, bottom)
    stems = top.vlines([], 0, [], color=GRADIENT_GREY)
    (heads,) = top.plot([], [], "o", color=GRADIENT_GREY, markersize=4)
    (mean,) = top.plot([], [], color=MEAN_BLUE, linewidth=2.2, label="mean m̂")
    (rms,) = top.plot([], [], color=RMS_ORANGE, linewidth=2.2, label="RMS √v̂")
    top.legend(loc="lower right")
    (ratio,) = bottom.plot([], [], color=RATIO_PURPLE, linewidth=2.0)
    value = bottom.set_title("", loc="right")
    counter = base.figure.suptitle("")
    segments = np.stack(
        [np.column_stack([steps, np.zeros(base.n)]), np.column_stack([steps, base.g])], axis=1
    )

    def draw(i: int) -> tuple[object, ...]:
        n = i + 1
        stems.set_segments(segments[:n])
        heads.set_data(steps[:n], base.g[:n])
        mean.set_data(steps[:n], base.m_hat[:n])
        rms.set_data(steps[:n], base.rms[:n])
        ratio.set_data(steps[:n], base.ratio[:n])
        value.set_text(f"ratio {base.ratio[i]:.3f}")
        counter.set_text(f"{title}   step {n} / {base.n}")
        return stems, heads, mean, rms, ratio, value, counter

    base.save(draw, path, fmt, blit=True)


def ready_frames(scenario: Scenario, fmt: str) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """adamviz's frames for the floor, drawn once into memory, and the GIF palette sample."""
    movie = animation(scenario, RenderOptions(fmt=fmt, width=WIDTH, height=HEIGHT))
    try:
        frames = [np.array(movie.frame_rgba(i)) for i in range(movie.n_frames)]
        palette = list(palette_sample(movie)) if fmt == "gif" else []
    finally:
        movie.close()
    return frames, palette


def encode_only(frames: list[np.ndarray], palette: list[np.ndarray], path: Path, fmt: str) -> float:
    """The floor: ready frames through the same encoder; the seconds of encoding alone."""
    start = time.perf_counter()
    with VideoWriter(path, (WIDTH, HEIGHT), FPS, fmt, palette) as writer:
        for frame in frames:
            writer.write(frame)
    return time.perf_counter() - start


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
    parser.add_argument("--repeat", type=int, default=3, help="floor and adamviz runs, best kept")
    parser.add_argument(
        "--baseline-repeat", type=int, default=1, help="baseline runs, best kept (each is slow)"
    )
    parser.add_argument(
        "--formats", nargs="+", default=["gif", "mp4"], choices=[*FLOORED, "html"]
    )
    parser.add_argument(
        "--no-baselines", action="store_true", help="time adamviz against its floor alone"
    )
    parser.add_argument(
        "--scenario", type=Path, default=SCENARIO,
        help=f"default {SCENARIO.name}; benchmarks/compare.yaml is 4 runs × 2 parameters, "
        "benchmarks/surface.yaml 2 runs on a 2-D loss surface (the baselines draw one Adam run, "
        "so those are timed against their floor alone)",
    )  # fmt: skip
    args = parser.parse_args()
    scenario: Scenario = load(args.scenario)
    traces = simulate(scenario)
    print(
        f"scenario: {args.scenario.name}, {len(traces)} run(s), {scenario.steps} steps, "
        f"{WIDTH}x{HEIGHT} px, {FPS} fps"
    )
    print(f"{'format':<7}{'run':<18}{'seconds':>9}{'ratio':>22}{'KB':>8}")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        for fmt in args.formats:
            options = RenderOptions(fmt=fmt, width=WIDTH, height=HEIGHT, fps=FPS)
            ours = out / f"adamviz.{fmt}"

            def render(path: Path = ours, options: RenderOptions = options) -> None:
                render_scenario(scenario, path, options)

            def kb(path: Path) -> str:
                return f"{path.stat().st_size / 1024:.0f}"

            if fmt == "html":
                # The page against adamviz's MP4, alternated so that both see the same machine.
                mp4 = out / "for-page.mp4"
                mp4_options = RenderOptions(fmt="mp4", width=WIDTH, height=HEIGHT, fps=FPS)
                render_mp4 = functools.partial(render, mp4, mp4_options)
                t_page, t_mp4 = float("inf"), float("inf")
                for _ in range(args.repeat):
                    t_page = min(t_page, timed(render, 1))
                    t_mp4 = min(t_mp4, timed(render_mp4, 1))
                print(f"{'mp4':<7}{'adamviz':<18}{t_mp4:>9.2f}{'':>22}{kb(mp4):>8}")
                ratio = f"{t_page / t_mp4:.2f}x the MP4"
                print(f"{fmt:<7}{'adamviz page':<18}{t_page:>9.2f}{ratio:>22}{kb(ours):>8}")
                continue

            # Half of the fast runs before the baselines, half after: a machine that
            # slows down or speeds up during the run affects both alike.
            floor_path = out / f"floor.{fmt}"
            frames, palette = ready_frames(scenario, fmt)
            t_floor = min(encode_only(frames, palette, floor_path, fmt) for _ in range(args.repeat))
            del frames, palette  # 400 MB of pixels, not to be held through the baselines
            t_ours = timed(render, (args.repeat + 1) // 2)
            baselines = {}
            drawn_by_baselines = (
                ("set_data", baseline_set_data),
                ("clear+replot", baseline_replot),
            )
            with_baselines = len(traces) == 1 and fmt in BASELINED and not args.no_baselines
            for name, baseline in drawn_by_baselines if with_baselines else ():
                trace = traces[0]
                path = out / f"{name}.{fmt}"
                seconds = timed(
                    lambda b=baseline, p=path, f=fmt, t=trace: b(t, scenario.title, p, f),
                    args.baseline_repeat,
                )
                baselines[name] = (seconds, path)
            if args.repeat > 1:
                t_ours = min(t_ours, timed(render, args.repeat // 2))

            print(f"{fmt:<7}{'encode-only floor':<18}{t_floor:>9.2f}{'':>22}{kb(floor_path):>8}")
            ratio = f"{t_ours / t_floor:.2f}x the floor"
            print(f"{'':<7}{'adamviz':<18}{t_ours:>9.2f}{ratio:>22}{kb(ours):>8}")
            for name, (seconds, path) in baselines.items():
                ratio = f"adamviz {seconds / t_ours:.1f}x faster"
                print(f"{'':<7}{name:<18}{seconds:>9.2f}{ratio:>22}{kb(path):>8}")


if __name__ == "__main__":
    main()
