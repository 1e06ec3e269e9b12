"""Input that is not what it seems: files that are not files, files larger than anything a
figure needs, CSV that only looks like one number per cell, integers too long to print, a
.npy header that promises terabytes. One line each, no traceback, no hang.
"""

from __future__ import annotations

import os
import resource
import subprocess
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from adamviz import scenario
from adamviz.errors import ScenarioError
from adamviz.scenario.yaml_source import MAX_SCENARIO_BYTES
from adamviz.streams import read_recorded
from tests.support import ADAMVIZ, child_env, problems

pytestmark = pytest.mark.usefixtures("in_tmp")

RECORDED = """\
title: Recorded
steps: 6
parameters:
  - name: w
    gradient: {pattern: file, path: PATH}
"""
KEY = "x.yaml:5: parameters[0].gradient.path"


def recorded(data: bytes, name: str = "g.csv") -> list[str]:
    """The problems of a scenario reading ``data`` as its recorded gradients."""
    Path(name).write_bytes(data)
    return problems(RECORDED.replace("PATH", name))


def no_more_than_4_gb() -> None:
    """A child's memory cap: a reader that swallows /dev/zero fails instead of the machine."""
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))


def validate_in_a_process(path: str) -> tuple[int, str]:
    """``adamviz validate PATH`` as a real process, which a hang or a runaway read cannot take
    the test run down with."""
    done = subprocess.run(
        [*ADAMVIZ, "validate", path], capture_output=True, timeout=60, env=child_env(),
        preexec_fn=no_more_than_4_gb,
    )  # fmt: skip
    return done.returncode, done.stderr.decode()


# ----------------------------------------------------------------------------- not a file


def test_a_named_pipe_as_scenario_is_refused_without_waiting_for_a_writer() -> None:
    os.mkfifo("pipe.yaml")
    assert validate_in_a_process("pipe.yaml") == (
        1, "Error: pipe.yaml: is a named pipe, expected a scenario file\n",
    )  # fmt: skip


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_as_scenario_is_refused_before_a_byte_is_read(device: str) -> None:
    assert validate_in_a_process(device) == (
        1, f"Error: {device}: is a device, expected a scenario file\n",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("make", "kind"),
    [(os.mkfifo, "a named pipe"), (lambda name: os.symlink("/dev/zero", name), "a device")],
    ids=["fifo", "dev-zero"],
)
def test_a_recorded_file_that_is_not_a_file_is_refused(make: object, kind: str) -> None:
    make("g.csv")  # type: ignore[operator]
    Path("x.yaml").write_text(RECORDED.replace("PATH", "g.csv"))
    assert validate_in_a_process("x.yaml") == (
        1, f"Error: {KEY}: cannot read 'g.csv': is {kind}\n",
    )  # fmt: skip


def test_a_scenario_of_megabytes_is_refused_unread() -> None:
    size = MAX_SCENARIO_BYTES + 1
    Path("big.yaml").write_bytes(b"#" * size)
    with pytest.raises(ScenarioError) as caught:
        scenario.load("big.yaml")
    assert caught.value.lines() == [
        f"big.yaml: expected a scenario file of at most {MAX_SCENARIO_BYTES >> 20} MiB "
        f"(long recordings belong in a file: pattern), got {size} bytes"
    ]


# ----------------------------------------------------------------------------- only what steps need


def test_only_the_rows_the_steps_need_are_read() -> None:
    # Rows past the sixth are never parsed: not even bytes that are not text.
    Path("g.csv").write_bytes(b"1\n2\n3\n4\n5\n6\n\xff\xfe not a number\n")
    Path("x.yaml").write_text(RECORDED.replace("PATH", "g.csv"))
    loaded = scenario.load("x.yaml")
    assert loaded.gradient_stream().table[:, 0].tolist() == [1, 2, 3, 4, 5, 6]


def test_ten_million_rows_for_six_steps_cost_six_rows() -> None:
    with open("g.csv", "w") as file:
        file.write("0.5\n" * 10_000_000)
    tracemalloc.start()
    try:
        values = read_recorded("g.csv", rows=6)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert values.tolist() == [0.5] * 6
    assert peak < 4 << 20, f"{peak} bytes for 6 rows"


def test_a_npy_file_reads_only_the_rows_the_steps_need() -> None:
    np.save("g.npy", np.arange(1_000_000, dtype=np.float32).reshape(500_000, 2))
    tracemalloc.start()
    try:
        values = read_recorded("g.npy", 1, rows=3)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert values.tolist() == [1.0, 3.0, 5.0]
    assert peak < 1 << 20, f"{peak} bytes for 3 rows"


# ----------------------------------------------------------------------------- CSV is CSV


@pytest.mark.parametrize(
    ("data", "message"),
    [
        # A quoted line break is inside the cell, not between two numbers (once read as 23.0).
        (b'1\n"2\n3"\n4\n5\n6\n7\n', "row 2 of g.csv: expected a number, got '2\\n3'"),
        (b'1\n2\n"3\n4\n5\n6\n', "row 3 of g.csv: expected CSV, got a quote that is never closed"),
        (b'1\n"2"3\n', "row 2 of g.csv: expected CSV, got ',' expected after '\"'"),
        # U+2028 is no line break in CSV (str.splitlines once split the row there).
        (
            "1\n2\u20283\n4\n5\n6\n7\n".encode(),
            "row 2 of g.csv: expected a number, got '2\\u20283'",
        ),
        (
            b'1\n"' + b"9" * 200_000 + b'"\n',
            "row 2 of g.csv: expected CSV, got field larger than field limit (131072)",
        ),
        (
            b"1\n" + b"9" * 2_000_000 + b"\n",
            "row 2 of g.csv: expected a row of at most 1 MiB, got more",
        ),
        (b"1\n1_000\n", "row 2 of g.csv: expected a number, got '1_000'"),
        ("1\n\u0661\u0662\n".encode(), "row 2 of g.csv: expected a number, got '١٢'"),
        (b"1\n0x10\n", "row 2 of g.csv: expected a number, got '0x10'"),
        (b"1\n1 2\n", "row 2 of g.csv: expected a number, got '1 2'"),
        (b"1\n1e999\n", "row 2 of g.csv: expected a finite number, got '1e999'"),
    ],
    ids=[
        "quoted-newline", "unterminated-quote", "stray-quote", "u2028", "long-field",
        "long-row", "underscore", "arabic-digits", "hex", "two-numbers", "overflow",
    ],
)  # fmt: skip
def test_a_recorded_csv_is_parsed_as_csv_one_number_per_cell(data: bytes, message: str) -> None:
    assert recorded(data) == [f"{KEY}: {message}"]


def test_line_ends_of_every_kind_still_make_rows() -> None:
    Path("g.csv").write_bytes(b"1\r2\r\n3\n4\r5\r6\r")
    Path("x.yaml").write_text(RECORDED.replace("PATH", "g.csv"))
    assert scenario.load("x.yaml").gradient_stream().table[:, 0].tolist() == [1, 2, 3, 4, 5, 6]


# ----------------------------------------------------------------------------- numbers too long


TOO_LONG = "an integer of more than 4300 digits"


@pytest.mark.parametrize(
    "spelling",
    [
        "9" * 5000,
        "-" + "9" * 5000,
        "0x" + "f" * 5000,
        "0b" + "1" * 20_000,
        "1:" + "2:" * 3000 + "3",
    ],
    ids=["decimal", "negative", "hex", "binary", "sexagesimal"],
)
def test_an_integer_beyond_pythons_digit_limit_is_one_line(spelling: str) -> None:
    text = RECORDED.replace(
        "{pattern: file, path: PATH}", f"{{pattern: constant, value: {spelling}}}"
    )
    assert problems(text.replace("steps: 6", f"steps: {spelling}")) == [
        f"x.yaml:2: steps: expected an integer from 1 to 100000, got {TOO_LONG}",
        f"x.yaml:5: parameters[0].gradient.value: expected a number, got {TOO_LONG}",
    ]


def npy_header(shape: str, descr: str = "<f8") -> bytes:
    header = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}".encode()
    header += b" " * (63 - (10 + len(header)) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header


@pytest.mark.parametrize(
    ("shape", "message"),
    [
        (
            "(1000000000000,)",
            "cannot read 'g.npy': its header promises an array of shape (1000000000000,), "
            "8000000000000 bytes, but the file holds 64",
        ),
        ("(" + "9" * 5000 + ",)", "cannot read 'g.npy': not a valid .npy file"),
        ("(-1,)", "cannot read 'g.npy': not a valid .npy file"),
        ("(3, 'a')", "cannot read 'g.npy': not a valid .npy file"),
    ],
    ids=["terabytes", "long-integer", "negative", "not-a-shape"],
)
def test_a_npy_header_that_lies_about_its_shape_is_one_line(shape: str, message: str) -> None:
    assert recorded(npy_header(shape) + b"\0" * 64, "g.npy") == [f"{KEY}: {message}"]
