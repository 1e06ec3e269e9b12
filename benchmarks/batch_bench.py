"""``adamviz batch`` on this machine's cores, and a batch with nothing to do, in one run.

1. The bundled scenarios (``scenarios/*.yaml``) rendered from scratch with
   ``--jobs 1`` and with ``--jobs N`` (N = the number of cores), alternately,
   best of ``--repeat`` each: the ratio is what the extra cores buy.
2. Twenty scenarios (the bundled ones, copied under new names) that are all up
   to date: a no-op batch, timed as the whole ``adamviz batch`` command,
   beside the floor of starting Python itself and ``adamviz --version``.

    python benchmarks/batch_bench.py [--repeat 2] [--no-op-repeat 5]

The machines are shared and noisy: only ratios measured in one run mean much.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUNDLED = Path(__file__).resolve().parent.parent / "scenarios"
ADAMVIZ = [sys.executable, "-c", "from adamviz.cli import main; main()"]


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def best(command: list[str], cwd: Path, repeat: int) -> float:
    return min(timed(command, cwd) for _ in range(repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2, help="full batches per job count")
    parser.add_argument("--no-op-repeat", type=int, default=5, help="no-op batches timed")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    scenarios = sorted(BUNDLED.glob("*.yaml"))

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        times: dict[int, float] = {1: float("inf"), cores: float("inf")}
        for _ in range(args.repeat):  # alternate, so a noisy spell hits both alike
            for jobs in times:
                command = [*ADAMVIZ, "batch", str(BUNDLED), "-o", f"out{jobs}", "--force"]
                times[jobs] = min(times[jobs], timed([*command, "--jobs", str(jobs)], work))
        print(f"{len(scenarios)} bundled scenarios, rendered from scratch, best of {args.repeat}:")
        print(f"  --jobs 1      {times[1]:7.2f} s")
        speed_up = times[1] / times[cores]
        print(f"  --jobs {cores:<6} {times[cores]:7.2f} s   speed-up {speed_up:.2f}x")

        many = work / "many"
        many.mkdir()
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
