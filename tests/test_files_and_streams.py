"""Files and streams that push back: names ffmpeg would read as URLs, names too long for a
temporary, no file descriptors left, a closed standard output, an output that is an input,
and signals that come twice or at the last moment. One line each, and never a ``.partial``.
"""

from __future__ import annotations

import os
import resource
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import imageio.v3 as iio
import pytest

from adamviz.batch import run as batch_run
from adamviz.figure import engine
from adamviz.output.atomic import AtomicFile
from adamviz.output.interrupt import STOP_SIGNALS
from tests.support import (
    ADAMVIZ,
    HEIGHT,
    STEPS,
    WIDTH,
    a_partial_file_has_bytes,
    assert_exit,
    child_env,
    children,
    command_line,
    invoke,
    partial_files,
    running,
    tiny_scenario,
    wait_for,
)

pytestmark = pytest.mark.usefixtures("in_tmp")

GOOD = b"the good old figure"


def adamviz(
    *args: str, preexec_fn: Callable[[], None] | None = None, timeout: float = 120
) -> tuple[int, str]:
    """Exit status and stderr of ``adamviz ARGS`` run as a real process."""
    done = subprocess.run(
        [*ADAMVIZ, *args], capture_output=True, timeout=timeout, env=child_env(),
        preexec_fn=preexec_fn,
    )  # fmt: skip
    return done.returncode, done.stderr.decode()


@pytest.fixture
def tiny() -> str:
    Path("tiny.yaml").write_text(tiny_scenario())
    return "tiny.yaml"


def frames_of(path: Path) -> tuple[int, ...]:
    return tuple(iio.imread(path, index=None).shape[:3])


# --------------------------------------------------------------------------- names ffmpeg misreads


def test_an_output_name_with_a_colon_is_a_local_file(tiny: str) -> None:
    result = invoke("render", tiny, "-o", "a:b.gif")
    assert_exit(result, 0)
    assert frames_of(Path("a:b.gif")) == (STEPS, HEIGHT, WIDTH)


def test_an_output_name_like_a_url_is_a_local_file_and_never_the_network(tiny: str) -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        name = f"tcp:127.0.0.1:{port}/t.gif"
        result = invoke("render", tiny, "-o", name)
        server.setblocking(False)
        with pytest.raises(BlockingIOError):  # nobody knocked
            server.accept()
    assert_exit(result, 0)
    assert frames_of(Path(name)) == (STEPS, HEIGHT, WIDTH)


# --------------------------------------------------------------------------- names and descriptors


def test_a_name_whose_temporary_would_be_too_long_still_works(tiny: str) -> None:
    name = "x" * (255 - len(".gif")) + ".gif"  # the longest name; its temporary is longer
    result = invoke("render", tiny, "-o", name)
    assert_exit(result, 0)
    assert frames_of(Path(name)) == (STEPS, HEIGHT, WIDTH)
    assert partial_files(Path()) == []


def test_a_name_too_long_itself_is_one_line_naming_the_real_cause(tiny: str) -> None:
    status, stderr = adamviz("render", tiny, "-o", "x" * 300 + ".gif")
    assert status == 1, stderr
    [line] = stderr.splitlines()
    assert line.startswith("Error: ") and line.endswith("File name too long"), line


@pytest.mark.parametrize("limit", [16, 24, 28, 30])
def test_no_file_descriptor_left_is_reported_as_such(tiny: str, limit: int) -> None:
    # Depending on where they run out: loading, the temporary file, or ffmpeg's pipes.
    def few_descriptors() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))

    status, stderr = adamviz("render", tiny, "-o", "x.gif", preexec_fn=few_descriptors)
    assert "Traceback" not in stderr
    if status == 0:  # enough, on this machine
        assert frames_of(Path("x.gif")) == (STEPS, HEIGHT, WIDTH)
    else:
        [line] = stderr.splitlines()
        assert "Too many open files" in line and "standard output" not in line, line
    assert partial_files(Path()) == []


# ----------------------------------------------------------------------------- standard output


@pytest.mark.parametrize(
    "args", [["simulate", "tiny.yaml"], ["schema"]], ids=["simulate", "schema"]
)
def test_a_closed_standard_output_is_one_line(tiny: str, args: list[str]) -> None:
    status, stderr = adamviz(*args, preexec_fn=lambda: os.close(1))  # `adamviz ... >&-`
    assert (status, stderr) == (1, "Error: cannot write to standard output: it is closed\n")


def test_a_closed_standard_output_does_not_stop_a_render(tiny: str) -> None:
    status, stderr = adamviz("render", tiny, "-o", "x.gif", preexec_fn=lambda: os.close(1))
    assert (status, stderr) == (0, "wrote x.gif\n")
    assert frames_of(Path("x.gif")) == (STEPS, HEIGHT, WIDTH)


# ---------------------------------------------------------------------- an output that is an input


RECORDED = tiny_scenario().replace(
    "{pattern: constant, value: 1.0, noise: 0.2}", "{pattern: file, path: grads.gif}"
)


@pytest.mark.parametrize(
    ("command", "scenario", "output", "source"),
    [
        ("simulate", "tiny.yaml", "tiny.yaml", "tiny.yaml"),
        ("simulate", "tiny.yaml", "hard-link.csv", "tiny.yaml"),  # the same file by another name
        ("render", "scenario.png", "scenario.png", "scenario.png"),  # a scenario named .png
        ("render", "tiny.yaml", "grads.gif", "grads.gif"),  # recorded gradients named .gif
    ],
    ids=["simulate-scenario", "simulate-link", "render-scenario", "render-recorded"],
)
def test_writing_over_an_input_is_refused_before_anything_is_written(
    command: str, scenario: str, output: str, source: str
) -> None:
    Path("tiny.yaml").write_text(RECORDED)
    Path("scenario.png").write_text(RECORDED)
    Path("grads.gif").write_text("1.0\n" * STEPS)
    os.link("tiny.yaml", "hard-link.csv")
    before = {path: path.read_bytes() for path in Path().iterdir()}

    result = invoke(command, scenario, "-o", output)

    assert_exit(result, 1)
    assert result.stderr == (
        f"Error: {output}: is {source}, which this command reads; choose another output name\n"
    )
    assert {path: path.read_bytes() for path in Path().iterdir()} == before


# ----------------------------------------------------------------------------- cores


def test_jobs_default_to_the_cores_this_process_may_use(monkeypatch: pytest.MonkeyPatch) -> None:
    Path("scenarios").mkdir()
    Path("scenarios/tiny.yaml").write_text(tiny_scenario())
    asked: list[int] = []
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {3})
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    monkeypatch.setattr(
        batch_run, "run_batch", lambda paths, folder, fmt, jobs, *rest: asked.append(jobs)
    )
    invoke("batch")
    assert asked == [1]


# ------------------------------------------------------------------------- signals, again and late


LONG = tiny_scenario(steps=3000)


def start_render(output: str) -> subprocess.Popen[bytes]:
    Path("long.yaml").write_text(LONG)
    Path(output).write_bytes(GOOD)
    return subprocess.Popen(
        [*ADAMVIZ, "render", "long.yaml", "-o", output], env=child_env(),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def finished(process: subprocess.Popen[bytes]) -> str:
    try:
        _, stderr = process.communicate(timeout=120)
    finally:
        process.kill()
        process.wait()
    assert "Traceback" not in stderr.decode(), stderr.decode()
    return stderr.decode()


@pytest.mark.parametrize("fmt", ["gif", "mp4"])
def test_a_second_sigint_milliseconds_after_the_first_leaves_no_partial(fmt: str) -> None:
    for delay in (0.0, 0.002, 0.01):  # a few real renders, each stopped twice
        process = start_render(f"long.{fmt}")
        assert wait_for(lambda: a_partial_file_has_bytes(Path()))
        process.send_signal(signal.SIGINT)
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        stderr = finished(process)

        assert process.returncode != 0 and stderr.splitlines()[-1] == "Aborted!", stderr
        assert Path(f"long.{fmt}").read_bytes() == GOOD, stderr
        assert partial_files(Path()) == [], (delay, stderr)


def ffmpeg_of(process: subprocess.Popen[bytes], encoding: bool) -> int | None:
    """A child ffmpeg of ``process``: any (a version check counts), or the one encoding."""
    for pid in children(process.pid):
        line = command_line(pid)
        if "ffmpeg" in line and (not encoding or ".partial" in line):
            return pid
    return None


@pytest.mark.parametrize("moment", ["starts", "finishes"])
def test_a_sigint_as_ffmpeg_starts_or_finishes_leaves_no_partial(moment: str) -> None:
    """The signal is sent the moment an ffmpeg is seen to start, or the encoder to end
    (between its end and the rename): a few real renders each."""
    Path("short.yaml").write_text(tiny_scenario(steps=40))
    for _ in range(3):
        Path("short.mp4").write_bytes(GOOD)
        process = subprocess.Popen(
            [*ADAMVIZ, "render", "short.yaml", "-o", "short.mp4"], env=child_env(),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        encoding = moment == "finishes"
        seen = None
        while seen is None and process.poll() is None:  # as closely as Python can watch
            seen = ffmpeg_of(process, encoding)
        while encoding and seen is not None and running(seen) and process.poll() is None:
            pass
        process.send_signal(signal.SIGINT)
        stderr = finished(process)

        # No ffmpeg left behind, to write its file after the cleanup.
        assert wait_for(lambda: not encoders_in(Path.cwd()), timeout=20)
        assert partial_files(Path()) == [], stderr
        output = Path("short.mp4").read_bytes()
        # 40 frames, the last held 2 s (40 more at 20 fps).
        assert output == GOOD or frames_of(Path("short.mp4"))[0] == 80, stderr


def encoders_in(folder: Path) -> list[int]:
    """Every ffmpeg on the machine writing into ``folder``."""
    found = []
    for entry in Path("/proc").iterdir():
        line = command_line(int(entry.name)) if entry.name.isdigit() else ""
        if "ffmpeg" in line and str(folder) in line and running(int(entry.name)):
            found.append(int(entry.name))
    return found


def test_an_interruption_just_before_the_rename_leaves_no_partial(
    tiny: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A signal that lands once ffmpeg is done and before the rename, made certain."""
    commit = AtomicFile.commit

    def interrupted(self: AtomicFile) -> None:
        if self.path.suffix == ".gif":
            raise KeyboardInterrupt
        commit(self)

    monkeypatch.setattr(AtomicFile, "commit", interrupted)
    Path("x.gif").write_bytes(GOOD)
    result = invoke("render", tiny, "-o", "x.gif")
    assert result.exit_code == 1 and result.stderr.splitlines()[-1] == "Aborted!"
    assert Path("x.gif").read_bytes() == GOOD
    assert partial_files(Path()) == []


@pytest.fixture
def signal_handlers() -> Iterator[None]:
    """The stop signals' handlers as they were: a stop leaves them ignored, for the exit."""
    saved = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
    yield
    for signum, handler in saved.items():
        signal.signal(signum, handler)


@pytest.mark.usefixtures("signal_handlers")
def test_an_interruption_disguised_by_the_code_it_landed_in_is_still_one(
    tiny: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Raised inside matplotlib's renderer, Ctrl-C can come out as "Invalid bounding box"."""
    original = engine.Animation.frame_rgba

    def disguised(self: engine.Animation, index: int) -> Any:
        if index == 2:
            try:
                signal.raise_signal(signal.SIGINT)
            except KeyboardInterrupt:
                raise ValueError("Invalid bounding box") from None
        return original(self, index)

    monkeypatch.setattr(engine.Animation, "frame_rgba", disguised)
    Path("x.gif").write_bytes(GOOD)
    result = invoke("render", tiny, "-o", "x.gif")
    assert result.exit_code == 1 and result.stderr.splitlines()[-1] == "Aborted!", result.stderr
    assert Path("x.gif").read_bytes() == GOOD
    assert partial_files(Path()) == []
