"""What many test modules share: a tiny scenario, and watching a render from outside.

The tiny scenario (6 steps at 320×180) renders in a fraction of a second yet
exercises ffmpeg, the palette and every panel. Without a description its text
keeps a fixed layout (title on line 1, steps on 2, the gradient on 5), which
tests of error lines rely on.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import adamviz
from adamviz import scenario
from adamviz.cli import cli
from adamviz.errors import ScenarioError
from adamviz.scenario import Scenario

#: The real ``adamviz`` command, as a child process of this interpreter.
ADAMVIZ = [sys.executable, "-c", "from adamviz.cli import main; main()"]

STEPS, WIDTH, HEIGHT = 6, 320, 180


def tiny_scenario(
    title: str = "Tiny",
    value: float = 1.0,
    steps: int = STEPS,
    description: str | None = None,
) -> str:
    """YAML for one parameter whose gradients are ``value`` plus noise of 0.2."""
    about = f"description: {description}\n" if description is not None else ""
    # A frame per step even beyond 600 steps: a long render is one that takes long.
    schedule = "steps_per_frame: 1, " if steps > 600 else ""
    return (
        f"title: {title}\n{about}steps: {steps}\n"
        "parameters:\n"
        "  - name: w\n"
        f"    gradient: {{pattern: constant, value: {value}, noise: 0.2}}\n"
        f"render: {{{schedule}width: {WIDTH}, height: {HEIGHT}}}\n"
    )


def load_text(text: str, name: str = "x.yaml") -> Scenario:
    """``text`` written to ``name`` in the working folder, and loaded as a scenario."""
    Path(name).write_text(text, encoding="utf-8")
    return scenario.load(name)


def problems(text: str, name: str = "x.yaml") -> list[str]:
    """The one-line problems ``load`` reports for ``text`` (it must report some)."""
    with pytest.raises(ScenarioError) as caught:
        load_text(text, name)
    return caught.value.lines()


def partial_files(folder: Path) -> list[Path]:
    """The temporary files adamviz writes into before renaming (none may outlive a write)."""
    return sorted(path for path in folder.rglob("*") if path.name.endswith(".partial"))


def a_partial_file_has_bytes(folder: Path) -> bool:
    """ffmpeg is writing a temporary file in ``folder``: a render is truly under way.

    One listing, and a file may be renamed away between listing and stat.
    """
    for partial in partial_files(folder):
        try:
            if partial.stat().st_size > 0:
                return True
        except FileNotFoundError:
            pass
    return False


def wait_for(condition: Callable[[], bool], timeout: float = 120.0) -> bool:
    """Poll ``condition`` until it holds (True) or ``timeout`` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def invoke(*args: str) -> Result:
    """Run ``adamviz ARGS...`` in this process, as click's CliRunner does."""
    return CliRunner().invoke(cli, list(args), prog_name="adamviz")


def assert_exit(result: Result, code: int) -> None:
    """The command ended by ``sys.exit(code)``: a crash would leave another exception here."""
    assert result.exit_code == code, result.output
    if code:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    else:
        assert result.exception is None, repr(result.exception)
    assert "Traceback" not in result.output


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a child process that must import this very adamviz, from any folder."""
    root = str(Path(adamviz.__file__).resolve().parents[1])
    path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "PYTHONPATH": path, **extra}


# -- processes, as /proc shows them (Linux) -----------------------------------------------


def children(pid: int) -> list[int]:
    """The child processes of ``pid``, whichever of its threads started them."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):  # the thread or the process ended meanwhile
            found += [int(child) for child in (task / "children").read_text().split()]
    return found


def descendants(pid: int) -> list[int]:
    found: list[int] = []
    for child in children(pid):
        found += [child, *descendants(child)]
    return found


def running(pid: int) -> bool:
    """``pid`` exists and is not a zombie (ended, waiting for its parent to notice)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] not in ("Z", "X")


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def ffmpeg_writing(root: int, name_part: str) -> int | None:
    """The ffmpeg under process ``root`` whose command line names ``name_part``, if any."""
    for pid in descendants(root):
        line = command_line(pid)
        if "ffmpeg" in line and name_part in line:
            return pid
    return None


def parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[1])
