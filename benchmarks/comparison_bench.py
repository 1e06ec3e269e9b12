"""A comparison of runs against the encoder's floor: 4 runs × 2 parameters at 960×540, 200 steps.

The issue's comparison (SGD, SGD with momentum, RMSprop, Adam on gradients
of two scales), drawn by the figure alone, from traces made here (a
scenario of several optimizers is the pipeline's to read):

- floor: the encoder alone: the figure's own frames, drawn ahead of time into
  memory, piped into the same ffmpeg with the same arguments (for a GIF, the
  palette pass included);
- adamviz: the figure built and every frame drawn and streamed into the
  encoder, as a render does; one Adam run's figure measured alike beside it;
- ms/frame: drawing alone, every frame in order, and the last frame over and
  over; the same for one Adam run and for 12 runs × 1 parameter at 1280×720.

Ratios measured in the same run are what mean anything (the machines are
shared and noisy); each timing is the best of ``--repeat``.

    python benchmarks/comparison_bench.py [--repeat 3] [--formats gif mp4]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable, Generator
from pathlib import Path

import numpy as np

from adamviz.figure.engine import Animation, FigureSpec
from adamviz.optim.alias import create
from adamviz.optim.run import run
from adamviz.optim.trace import Trace
from adamviz.output.video import VideoWriter
from adamviz.output.writers import WriteOptions, palette_sample, write

STEPS, FPS = 200, 20
FOUR = (
    ("SGD", "sgd", {"lr": 0.01}),
    ("SGD + momentum", "sgd", {"lr": 0.01, "momentum": 0.9}),
    ("RMSprop", "rmsprop", {"lr": 0.01}),
    ("Adam", "adam", {"lr": 0.01}),
)
TWELVE = (
    *FOUR,
    ("RMSprop centered", "rmsprop", {"centered": True}),
    ("Adagrad", "adagrad", {"lr": 0.1}),
    ("AMSGrad", "adam", {"amsgrad": True}),
    ("AdamW", "adamw", {}),
    ("Adamax", "adamax", {}),
    ("NAdam", "nadam", {}),
    ("RAdam", "radam", {}),
    ("Lion", "lion", {}),
)


def two_scales(steps: int) -> np.ndarray:
    """The course page's two parameters: gradients around 10 and around 0.1, with noise."""
    rng = np.random.default_rng(4)
    big = 10 + 1.5 * rng.standard_normal(steps)
    small = 0.1 + 0.05 * rng.standard_normal(steps)
    return np.column_stack([big, small])


def traces(configs: tuple[tuple[str, str, dict[str, float]], ...], params: int) -> list[Trace]:
    grads = two_scales(STEPS)[:, :params]
    return [
        run(create(name, **hyper), grads, np.zeros(params), STEPS, label)
        for label, name, hyper in configs
    ]


class _Source:
    """An animation as the writers read it, drawn here."""

    def __init__(self, movie: Animation) -> None:
        self.movie = movie

    @property
    def n_frames(self) -> int:
        return self.movie.n_frames

    @property
    def size(self) -> tuple[int, int]:
        return self.movie.spec.width, self.movie.spec.height

    def frame(self, index: int) -> np.ndarray:
        return self.movie.frame(index)

    def stream(self) -> Generator[np.ndarray, None, None]:
        return (self.movie.frame_rgba(index) for index in range(self.movie.n_frames))


def best(action: Callable[[], object], repeat: int) -> float:
    seconds = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        seconds = min(seconds, time.perf_counter() - start)
    return seconds


def ms_per_frame(movie: Animation, repeat: int) -> tuple[float, float]:
    """Drawing alone: every frame in order, and the last frame again and again."""
    n = movie.n_frames

    def every() -> None:
        for index in range(n):
            movie.frame_rgba(index)

    def last() -> None:
        for _ in range(50):
            movie.frame_rgba(n - 1)

    return best(every, repeat) / n * 1000, best(last, repeat) / 50 * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timing, best kept")
    parser.add_argument("--formats", nargs="+", default=["gif", "mp4"], choices=["gif", "mp4"])
    args = parser.parse_args()
    four = traces(FOUR, 2)
    spec = FigureSpec(
        "SGD, momentum, RMSprop and Adam", ["big (~10)", "small (~0.1)"],
        ("gradients", "update", "step_size"), 960, 540,
    )  # fmt: skip
    print(f"{len(four)} runs x 2 parameters, {STEPS} steps, 960x540, {FPS} fps")

    build = best(lambda: Animation(four, spec).close(), args.repeat)
    movie = Animation(four, spec)
    one = Animation(four[3], FigureSpec("Adam", spec.param_names, ("gradients", "ratio")))
    twelve = Animation(
        traces(TWELVE, 1), FigureSpec("Twelve", ["w"], ("gradients", "update"), 1280, 720)
    )
    print(f"build {build * 1000:.0f} ms")
    for name, shown in (("4 runs x 2", movie), ("1 Adam run x 2", one), ("12 runs x 1", twelve)):
        every, last = ms_per_frame(shown, args.repeat)
        size = f"{shown.spec.width}x{shown.spec.height}"
        print(f"{name:<16}{size:>10}  {every:6.2f} ms/frame in order, {last:6.2f} at the last")

    # One Adam run's figure beside it, measured alike: the reference the comparison is held to.
    figures = (("4 runs x 2", four, spec), ("1 Adam run x 2", four[3], one.spec))
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        for fmt in args.formats:
            for name, shown, shown_spec in figures:
                t_floor, t_ours = floor_and_render(out, fmt, shown, shown_spec, args.repeat)
                print(
                    f"{fmt} {name:<15} floor {t_floor:.2f} s, adamviz {t_ours:.2f} s "
                    f"(build, frames, encode): {t_ours / t_floor:.2f}x the floor"
                )


def floor_and_render(
    out: Path, fmt: str, runs: Trace | list[Trace], spec: FigureSpec, repeat: int
) -> tuple[float, float]:
    """The encoder alone on ready frames, and a render from the traces; best of ``repeat``."""
    movie = Animation(runs, spec)
    frames = [np.array(movie.frame_rgba(i)) for i in range(movie.n_frames)]
    palette = palette_sample(_Source(movie)) if fmt == "gif" else []
    movie.close()
    size = (spec.width, spec.height)

    def floor() -> None:
        with VideoWriter(out / f"floor.{fmt}", size, FPS, fmt, palette) as writer:
            for frame in frames:
                writer.write(frame)

    def render() -> None:
        drawn = Animation(runs, spec)
        try:
            write(out / f"adamviz.{fmt}", fmt, _Source(drawn), WriteOptions(FPS, None))
        finally:
            drawn.close()

    # Alternate, so that a machine that slows down mid-run slows both alike.
    t_floor, t_ours = float("inf"), float("inf")
    for _ in range(repeat):
        t_floor = min(t_floor, best(floor, 1))
        t_ours = min(t_ours, best(render, 1))
    return t_floor, t_ours


if __name__ == "__main__":
    main()
