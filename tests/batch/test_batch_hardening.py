"""Batches that meet what they had not met: a Dask worker in another folder, an address that
is not a scheduler, two batches into one folder at once, a dead worker, a dead batch, the
``.partial`` a crash leaves, a recorded file edited while it is read.

Real processes wherever the claim is about processes: the batch, its workers, ffmpeg.
"""

from __future__ import annotations

import _thread
import contextlib
import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

import adamviz.streams
from adamviz.batch.manifest import MANIFEST_NAME, sha256_of
from adamviz.batch.run import run_batch
from tests.support import (
    ADAMVIZ,
    STEPS,
    a_partial_file_has_bytes,
    assert_exit,
    child_env,
    ffmpeg_writing,
    invoke,
    parent_of,
    partial_files,
    running,
    tiny_scenario,
    wait_for,
)

pytestmark = pytest.mark.usefixtures("in_tmp")


def scenario_text(title: str, steps: int = STEPS) -> str:
    return tiny_scenario(title, steps=steps, description=f"The {title} one.")


def scenarios(folder: str, names: list[str], steps: dict[str, int] | None = None) -> Path:
    path = Path(folder)
    path.mkdir()
    for name in names:
        (path / f"{name}.yaml").write_text(scenario_text(name, (steps or {}).get(name, STEPS)))
    return path


def figures(folder: Path) -> dict[str, dict[str, Any]]:
    return json.loads((folder / MANIFEST_NAME).read_text())["figures"]


def batch_process(*args: str | Path, cwd: Path | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*ADAMVIZ, "batch", *map(str, args)], cwd=cwd, env=child_env(),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip


@contextlib.contextmanager
def reaped(process: subprocess.Popen[bytes]) -> Iterator[subprocess.Popen[bytes]]:
    """Whatever happens in the test, the process (and its session) is gone afterwards."""
    try:
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()


# -- a Dask worker in a folder of its own ------------------------------------------------------


def test_a_dask_worker_in_another_folder_writes_where_the_batch_says(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    scenarios("scenarios", ["up", "down"])
    elsewhere = tmp_path / "worker-home"
    elsewhere.mkdir()

    with distributed.LocalCluster(
        n_workers=0, processes=False, protocol="tcp", host="127.0.0.1", dashboard_address=None,
    ) as cluster:  # fmt: skip
        worker = subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", cluster.scheduler_address,
             "--nthreads", "1", "--no-nanny", "--no-dashboard"],
            cwd=elsewhere, env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            with distributed.Client(cluster.scheduler_address) as client:
                client.wait_for_workers(1, timeout=60)
            # Relative paths, as typed: the worker resolves none of them in its own folder.
            result = invoke("batch", "scenarios", "-o", "figures", "--scheduler",
                            cluster.scheduler_address)  # fmt: skip
        finally:
            worker.terminate()
            worker.wait(timeout=60)

    assert_exit(result, 0)
    assert sorted(p.name for p in elsewhere.rglob("*") if p.suffix in (".gif", ".csv")) == []
    entries = figures(Path("figures"))
    assert sorted(entries) == ["down.gif", "up.gif"]
    for name, entry in entries.items():
        assert entry["output_sha256"] == sha256_of(Path("figures", name))
        assert entry["scenario"] == f"../scenarios/{Path(name).stem}.yaml"


# -- addresses that are not a scheduler --------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("foo", "--scheduler foo: expected a port from 1 to 65535, got 'no port'"),
        ("", "--scheduler '': expected tcp://HOST:PORT (or tls://HOST:PORT), got ''"),
        (
            "http://127.0.0.1:8786",
            "--scheduler 'http://127.0.0.1:8786': expected tcp://HOST:PORT (or tls://HOST:PORT), "
            "got 'http://127.0.0.1:8786'",
        ),
        (
            "tcp://127.0.0.1:notaport",
            "--scheduler tcp://127.0.0.1:notaport: expected a port from 1 to 65535, got 'notaport'",
        ),
        (
            "tcp://127.0.0.1:99999",
            "--scheduler tcp://127.0.0.1:99999: expected a port from 1 to 65535, got '99999'",
        ),
        (
            "tcp://:8786",
            "--scheduler 'tcp://:8786': expected tcp://HOST:PORT (or tls://HOST:PORT), "
            "got 'tcp://:8786'",
        ),
    ],
)
def test_a_mistyped_scheduler_address_is_one_line(address: str, message: str) -> None:
    scenarios("scenarios", ["up"])
    result = invoke("batch", "--scheduler", address)
    assert_exit(result, 1)
    assert result.stderr == f"Error: {message}\n"
    assert not Path("output").exists()


class Listener:
    """A TCP server on 127.0.0.1 that is not a Dask scheduler: it says nothing, hangs up at
    once, or answers as a web server would."""

    def __init__(self, manner: str) -> None:
        self.manner = manner
        self.server = socket.create_server(("127.0.0.1", 0))
        self.address = f"tcp://127.0.0.1:{self.server.getsockname()[1]}"
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                connection, _ = self.server.accept()
                self.connections.append(connection)
                if self.manner == "hangs up":
                    connection.close()
                elif self.manner == "babbles":
                    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello" * 50)

    def close(self) -> None:
        self.server.close()
        for connection in self.connections:
            connection.close()


def within(seconds: float, call: Callable[[], Result]) -> Result:
    """``call()``'s result; interrupted (a failure of the test) if it hangs past ``seconds``."""
    timer = threading.Timer(seconds, _thread.interrupt_main)
    timer.start()
    try:
        return call()
    finally:
        timer.cancel()


@pytest.mark.parametrize("manner", ["says nothing", "hangs up", "babbles"])
def test_a_server_that_is_not_a_scheduler_is_one_line_within_the_timeout(
    manner: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("distributed")
    monkeypatch.setattr("adamviz.batch.cluster.CONNECT_TIMEOUT", "1s")
    scenarios("scenarios", ["up"])
    listener = Listener(manner)
    try:
        result = within(30, lambda: invoke("batch", "--scheduler", listener.address))
    finally:
        listener.close()

    assert_exit(result, 1)
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Error: --scheduler {listener.address}: cannot connect: "), line
    assert not Path("output", MANIFEST_NAME).exists()


# -- two batches into one folder at once -------------------------------------------------------


def test_two_batches_into_one_folder_at_once_keep_every_entry_and_card(tmp_path: Path) -> None:
    first = scenarios("first", ["a1", "a2", "a3", "a4"])
    second = scenarios("second", ["b1", "b2", "b3", "b4"])
    out = tmp_path / "out"

    runs = [batch_process(folder, "-o", out, "--jobs", "1", cwd=tmp_path)
            for folder in (first, second)]  # fmt: skip
    for process in runs:
        with reaped(process):
            _, stderr = process.communicate(timeout=300)
            assert process.returncode == 0, stderr.decode()

    names = [f"{stem}.gif" for stem in ("a1", "a2", "a3", "a4", "b1", "b2", "b3", "b4")]
    entries = figures(out)
    assert sorted(entries) == names
    for name in names:
        assert entries[name]["output_sha256"] == sha256_of(out / name)
    page = (out / "index.html").read_text()
    assert page.count("<article") == len(names)
    assert partial_files(out) == []


# -- a worker dies, the batch dies -------------------------------------------------------------


def test_a_worker_killed_with_sigkill_fails_its_job_alone(tmp_path: Path) -> None:
    steps = {"a-long": 3000, "b-medium": 400}
    folder = scenarios("scenarios", ["a-long", "b-medium", "c-quick", "d-quick"], steps)
    out = tmp_path / "output"

    with reaped(batch_process(folder, "--jobs", "2", cwd=tmp_path)) as batch:
        assert wait_for(lambda: ffmpeg_writing(batch.pid, ".a-long.gif.") is not None)
        ffmpeg = ffmpeg_writing(batch.pid, ".a-long.gif.")
        assert ffmpeg is not None
        os.kill(parent_of(ffmpeg), signal.SIGKILL)  # the worker rendering a-long
        _, stderr = batch.communicate(timeout=300)

    assert batch.returncode == 1, stderr.decode()
    errors = [line for line in stderr.decode().splitlines() if line.startswith("Error:")]
    assert errors == [
        "Error: scenarios/a-long.yaml: render failed: its worker process died (killed by "
        "SIGKILL, perhaps for want of memory); the other scenarios went on"
    ]
    assert sorted(figures(out)) == ["b-medium.gif", "c-quick.gif", "d-quick.gif"]
    assert "Traceback" not in stderr.decode()
    assert partial_files(out) == []


def test_workers_of_a_batch_killed_with_sigkill_stop_and_leave_nothing(tmp_path: Path) -> None:
    folder = scenarios("scenarios", ["long"], {"long": 3000})
    out = tmp_path / "output"
    out.mkdir()
    (out / "long.gif").write_bytes(b"the good old figure")

    with reaped(batch_process(folder, "--jobs", "1", cwd=tmp_path)) as batch:
        assert wait_for(lambda: a_partial_file_has_bytes(out))
        ffmpeg = ffmpeg_writing(batch.pid, ".long.gif.")
        assert ffmpeg is not None
        worker = parent_of(ffmpeg)
        os.kill(batch.pid, signal.SIGKILL)
        batch.wait()

        # A bound, not a timing: the render alone would take far longer.
        assert wait_for(lambda: not running(worker) and not running(ffmpeg), timeout=20)

    assert (out / "long.gif").read_bytes() == b"the good old figure"
    assert partial_files(out) == []


# -- what a crash leaves -----------------------------------------------------------------------


def test_a_partial_left_by_a_crash_is_named_by_check_and_removed_by_the_next_batch() -> None:
    scenarios("scenarios", ["up"])
    assert_exit(invoke("batch", "--jobs", "1"), 0)
    left = Path("output/.up.gif.0badc0de.partial")
    left.write_bytes(b"half a figure")
    busy = Path("output/.up.gif.5eedf00d.partial")  # another render is writing this one
    busy.write_bytes(b"a figure under way")

    with open(busy, "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        result = invoke("batch", "--check")
        assert_exit(result, 1)
        assert result.stdout == (
            f"partial: {left} (left by an interrupted render; the next batch removes it)\n"
        )

        assert_exit(invoke("batch", "--jobs", "1"), 0)  # nothing to render, yet it tidies up
        assert partial_files(Path("output")) == [busy]
    assert_exit(invoke("batch", "--check"), 1)  # released now: abandoned
    assert_exit(invoke("batch", "--jobs", "1"), 0)
    assert partial_files(Path("output")) == []
    assert_exit(invoke("batch", "--check"), 0)


# -- an output that is an input ---------------------------------------------------------------


def test_a_batch_whose_numbers_would_replace_a_recorded_file_fails_that_figure() -> None:
    Path("s").mkdir()
    Path("s/grads.yaml").write_text(
        scenario_text("Grads").replace(
            "{pattern: constant, value: 1.0, noise: 0.2}", "{pattern: file, path: grads.csv}"
        )
    )
    Path("s/grads.csv").write_text("1.0\n" * STEPS)
    before = Path("s/grads.csv").read_bytes()

    result = invoke("batch", "s", "-o", "s", "--jobs", "1")

    assert_exit(result, 1)
    assert result.stderr.splitlines()[-1] == (
        "Error: s/grads.csv: is s/grads.csv, which this command reads; choose another output name"
    )
    assert Path("s/grads.csv").read_bytes() == before
    assert not Path("s/grads.gif").exists()


# -- a file edited while it is read ------------------------------------------------------------


def test_a_recorded_file_edited_while_read_is_hashed_as_it_was_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = Path("s")
    folder.mkdir()
    (folder / "recorded.yaml").write_text(
        scenario_text("Recorded").replace(
            "{pattern: constant, value: 1.0, noise: 0.2}", "{pattern: file, path: grads.csv}"
        )
    )
    grads = folder / "grads.csv"
    grads.write_text("1.0\n" * STEPS)
    as_read = sha256_of(grads)
    read = adamviz.streams.read_recorded

    def read_then_edited(*args: Any, **kwargs: Any) -> Any:
        values = read(*args, **kwargs)
        grads.write_text("-1.0\n" * STEPS)  # someone saves the file just after
        return values

    monkeypatch.setattr(adamviz.streams, "read_recorded", read_then_edited)

    @contextlib.contextmanager
    def in_this_process(workers: int) -> Iterator[tuple[ThreadPoolExecutor, None]]:
        with ThreadPoolExecutor(workers) as executor:
            yield executor, None

    report = run_batch([folder], Path("output"), "gif", 1, executor_factory=in_this_process)

    assert not report.failed, report.errors
    assert figures(Path("output"))["recorded.gif"]["inputs"] == {"grads.csv": as_read}
    result = invoke("batch", "s", "--check")
    assert_exit(result, 1)
    assert result.stdout == "stale: output/recorded.gif (s/grads.csv changed)\n"


# -- a manifest that is not one ----------------------------------------------------------------


def test_a_deeply_nested_manifest_is_one_line_and_force_rebuilds_it() -> None:
    scenarios("scenarios", ["up"])
    Path("output").mkdir()
    Path("output", MANIFEST_NAME).write_text("[" * 100_000 + "]" * 100_000)

    for args in (["batch"], ["batch", "--check"]):
        result = invoke(*args)
        assert_exit(result, 1)
        assert result.stderr == (
            f"Error: output/{MANIFEST_NAME}: not a readable adamviz manifest (expected JSON, "
            "got arrays or objects nested too deeply); "
            "run with --force to render every figure again and rewrite it\n"
        )
    assert_exit(invoke("batch", "--force", "--jobs", "1"), 0)
    assert sorted(figures(Path("output"))) == ["up.gif"]


def test_a_manifest_that_is_a_named_pipe_is_one_line_without_waiting() -> None:
    scenarios("scenarios", ["up"])
    Path("output").mkdir()
    os.mkfifo(Path("output", MANIFEST_NAME))
    for args in (["batch"], ["batch", "--check"]):
        done = subprocess.run(
            [*ADAMVIZ, *args], capture_output=True, timeout=60, env=child_env()
        )  # a hang fails here rather than holding the run
        assert done.returncode == 1
        assert done.stderr.decode() == (
            f"Error: output/{MANIFEST_NAME}: is not a regular file, so not a manifest; "
            "remove it and run again\n"
        )
