"""Peak memory of a render, 200 steps against 5000 steps of the same scenario, in one run.

Runs ``adamviz render`` as a child process and samples the resident memory of
its whole process tree (the Python process and its ffmpeg children, summed)
every 20 ms; prints the peaks and the ratio long/short, for GIF and MP4.
Streaming frames into ffmpeg should keep the ratio near 1 (target: at most
1.25): nothing may grow with the number of frames.

    pip install '.[bench]' && python benchmarks/memory_bench.py [--long 5000] [--size 960x540]
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

BENCH = Path(__file__).with_name("bench.yaml")
ADAMVIZ = [sys.executable, "-c", "from adamviz.cli import main; main()"]


def tree_rss(process: psutil.Process) -> int:
    """Resident bytes of a process and all its descendants, now."""
    total = 0
    for member in [process, *process.children(recursive=True)]:
        # A member that ended between listing and reading holds nothing any more.
        with contextlib.suppress(psutil.NoSuchProcess):
            total += member.memory_info().rss
    return total


def peak_rss(command: list[str]) -> tuple[int, float]:
    """The largest summed RSS seen while ``command`` ran, and its seconds."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    process, peak = psutil.Process(child.pid), 0
    while child.poll() is None:
        try:
            peak = max(peak, tree_rss(process))
        except psutil.NoSuchProcess:
            break
        time.sleep(0.02)
    if child.wait() != 0:
        raise SystemExit(f"render failed: {child.stderr.read().decode() if child.stderr else ''}")
    return peak, time.perf_counter() - start


def scenario_with(steps: int, folder: Path) -> Path:
    """The benchmark scenario, lengthened to ``steps`` (its last segment takes the rest)."""
    path = folder / f"bench-{steps}.yaml"
    path.write_text(BENCH.read_text().replace("steps: 200", f"steps: {steps}", 1))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", type=int, default=200)
    parser.add_argument("--long", type=int, default=5000)
    parser.add_argument("--size", default="960x540", help="WIDTHxHEIGHT of the frames")
    args = parser.parse_args()
    width, height = args.size.split("x")
    print(f"{'format':<7}{'steps':>7}{'peak MB':>10}{'seconds':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for fmt in ("gif", "mp4"):
            peaks = []
            for steps in (args.short, args.long):
                scenario = scenario_with(steps, folder)
                output = folder / f"out-{steps}.{fmt}"
                command = [*ADAMVIZ, "render", str(scenario), "-o", str(output),
                           "--width", width, "--height", height]  # fmt: skip
                peak, seconds = peak_rss(command)
                peaks.append(peak)
                print(f"{fmt:<7}{steps:>7}{peak / 2**20:>10.1f}{seconds:>9.1f}")
            ratio = peaks[1] / peaks[0]
            print(f"{fmt:<7}{'ratio':>7}{ratio:>10.2f}   ({args.long} / {args.short} steps)")


if __name__ == "__main__":
    main()
