"""``adamviz batch`` on this machine's cores, and a batch with nothing to do, in one run.

1. The bundled scenarios (``scenarios/*.yaml``) rendered from scratch with
   ``--jobs 1`` and with ``--jobs N`` (N = the number of cores), alternately,
   best of ``--repeat`` each: the ratio is what the extra cores buy. Beside
   each, how many cores the batch kept busy (CPU seconds of it and its
   children, ffmpeg included, over wall seconds): one render already keeps
   more than one core busy, and N over that bounds the possible speed-up.
2. Twenty scenarios (the bundled ones, copied under new names) that are all up
   to date: a no-op batch, timed as the whole ``adamviz batch`` command,
   beside the floor of starting Python itself and ``adamviz --version``.

    python benchmarks/batch_bench.py [--repeat 2] [--no-op-repeat 5]

The machines are shared and noisy: only ratios measured in one run mean much.
"""

from __future__ import annotations

import argparse
import math
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from adamviz.cores import usable_cores

BUNDLED = Path(__file__).resolve().parent.parent / "scenarios"
ADAMVIZ = [sys.executable, "-c", "from adamviz.cli import main; main()"]


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds, and CPU seconds of the command and all its children (ffmpeg too)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def best(command: list[str], cwd: Path, repeat: int) -> float:
    return min(timed(command, cwd)[0] for _ in range(repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2, help="full batches per job count")
    parser.add_argument("--no-op-repeat", type=int, default=5, help="no-op batches timed")
    args = parser.parse_args()
    cores = usable_cores()
    scenarios = sorted(BUNDLED.glob("*.yaml"))

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        times: dict[int, tuple[float, float]] = {1: (math.inf, 0.0), cores: (math.inf, 0.0)}
        for _ in range(args.repeat):  # alternate, so a noisy spell hits both alike
            for jobs in times:
                command = [*ADAMVIZ, "batch", str(BUNDLED), "-o", f"out{jobs}", "--force"]
                times[jobs] = min(times[jobs], timed([*command, "--jobs", str(jobs)], work))
        print(f"{len(scenarios)} bundled scenarios, rendered from scratch, best of {args.repeat}:")
        # A render is already parallel (matplotlib draws while ffmpeg encodes):
        # cores busy = CPU seconds / wall seconds, and cores / busy bounds the speed-up.
        for jobs, (wall, cpu) in times.items():
            line = f"  --jobs {jobs:<6} {wall:7.2f} s   {cpu / wall:.2f} cores busy"
            if jobs != 1:
                line += f"   speed-up {times[1][0] / wall:.2f}x"
            else:
                line += f"   (speed-up bound on {cores} cores: {cores * wall / cpu:.2f}x)"
            print(line)

        many = work / "many"
        many.mkdir()
        for data in BUNDLED.iterdir():  # the recorded gradients a scenario reads beside it
            if data.is_file() and data.suffix != ".yaml":
                shutil.copy(data, many / data.name)
        for copy in range(20):
            source = scenarios[copy % len(scenarios)]
            shutil.copy(source, many / f"{source.stem}-{copy:02d}.yaml")
        subprocess.run([*ADAMVIZ, "batch", str(many), "-o", "gallery"], cwd=work, check=True,
                       capture_output=True)  # fmt: skip
        no_op = best([*ADAMVIZ, "batch", str(many), "-o", "gallery"], work, args.no_op_repeat)
        version = best([*ADAMVIZ, "--version"], work, args.no_op_repeat)
        python = best([sys.executable, "-c", "pass"], work, args.no_op_repeat)
        print(f"20 scenarios, all up to date, best of {args.no_op_repeat}:")
        print(f"  no-op batch        {no_op:6.3f} s")
        print(f"  adamviz --version  {version:6.3f} s   (click and the CLI module)")
        print(f"  python -c pass     {python:6.3f} s   (the interpreter alone)")


if __name__ == "__main__":
    main()
