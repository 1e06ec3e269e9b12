"""Gradient patterns, recorded files and the closed-loop seam, with hand-checked numbers."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import numpy as np
import pytest

from adamviz import streams as g
from adamviz.streams import GradientStream, RecordedColumnError, RecordedGradientError

# The first three standard normals of default_rng(0), for hand-checking random patterns.
Z0 = np.array([0.12573022, -0.13210486, 0.64042265])


# ----------------------------------------------------------------------------- patterns


def test_constant() -> None:
    values = g.constant(3, 2.5)
    assert values.dtype == np.float64
    assert values.tolist() == [2.5, 2.5, 2.5]


def test_sequence_takes_the_first_steps_values() -> None:
    assert g.sequence(3, [1, 2, 3, 4]).tolist() == [1.0, 2.0, 3.0]


def test_sequence_repeat_cycles() -> None:
    assert g.sequence(7, [1, 2, 3], repeat=True).tolist() == [1, 2, 3, 1, 2, 3, 1]


def test_sequence_too_short_without_repeat_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least 4 values, got 3"):
        g.sequence(4, [1, 2, 3])


def test_square_even_period() -> None:
    # (t-1) mod 4 = 0 1 2 3 0 1 → high high low low high high, around offset 1.
    assert g.square(6, 2.0, 4, offset=1.0).tolist() == [3, 3, -1, -1, 3, 3]


def test_square_odd_period_is_high_one_step_longer() -> None:
    # (t-1) mod 3 = 0 1 2 0; high while < 1.5.
    assert g.square(4, 1.0, 3).tolist() == [1, 1, -1, 1]


def test_sine() -> None:
    # 2·sin(2π (t-1)/4) at t = 1..4: 0, 2, 0, -2.
    np.testing.assert_allclose(g.sine(4, 2.0, 4), [0, 2, 0, -2], atol=1e-12)


def test_sine_phase_and_offset() -> None:
    # Phase π/2 turns sine into cosine: 1 + 2·cos(π (t-1)/2) = 3, 1, -1, 1.
    np.testing.assert_allclose(
        g.sine(4, 2.0, 4, phase=np.pi / 2, offset=1.0), [3, 1, -1, 1], atol=1e-12
    )


def test_random_walk_hand_checked() -> None:
    # 10 + cumsum(0.5 + 2·z): the first value already includes one increment.
    walk = g.random_walk(3, np.random.default_rng(0), start=10.0, scale=2.0, drift=0.5)
    expected = 10 + np.cumsum(0.5 + 2 * Z0)
    np.testing.assert_allclose(walk, expected, rtol=0, atol=1e-7)
    np.testing.assert_allclose(walk, [10.75146044, 10.98725072, 12.76809602], atol=1e-7)


def test_gaussian_noise_hand_checked() -> None:
    noise = g.gaussian_noise(3, np.random.default_rng(0), 3.0)
    np.testing.assert_allclose(noise, 3 * Z0, atol=1e-7)


@pytest.mark.parametrize("zero", [0.0, -0.0])  # -0.0 passes ">= 0"; numpy refuses it as it is
def test_zero_noise_still_draws_so_later_numbers_do_not_move(zero: float) -> None:
    rng = np.random.default_rng(0)
    assert g.gaussian_noise(2, rng, zero).tolist() == [0.0, 0.0]
    assert rng.normal() == pytest.approx(Z0[2], abs=1e-7)


# ----------------------------------------------------------------------------- losses and stream


def test_loss_gradients() -> None:
    assert g.quadratic_grad(3.0, 1.0, 2.0) == 4.0
    assert g.absolute_grad(-3.0, 1.0, 2.0) == -2.0
    assert g.absolute_grad(1.0, 1.0, 2.0) == 0.0  # at the minimum
    assert g.quadratic_grad(np.array([0.0, 2.0]), 1.0, 1.0).tolist() == [-1.0, 1.0]
    assert set(g.LOSS_GRADIENTS) == {"quadratic", "absolute"}


def test_open_loop_stream_reads_the_table() -> None:
    stream = GradientStream(np.array([[1.0, 2.0], [3.0, 4.0]]))
    assert stream.is_open_loop
    assert stream.steps == 2
    assert stream(2, np.zeros(2)).tolist() == [3.0, 4.0]


def test_closed_loop_stream_adds_the_loss_gradient_at_theta() -> None:
    table = np.array([[1.0, 0.5], [3.0, -0.5]])  # column 1 holds only the noise
    loss = partial(g.quadratic_grad, center=1.0, scale=2.0)
    stream = GradientStream(table, ((1, loss),))
    assert not stream.is_open_loop
    assert stream(1, np.array([0.0, 5.0])).tolist() == [1.0, 0.5 + 2.0 * (5.0 - 1.0)]
    assert stream(2, np.array([0.0, 0.0])).tolist() == [3.0, -0.5 - 2.0]


def test_stream_is_1_based_and_does_not_wrap() -> None:
    stream = GradientStream(np.ones((2, 1)))
    with pytest.raises(IndexError):
        stream(0, np.zeros(1))
    with pytest.raises(IndexError):
        stream(3, np.zeros(1))


def test_stream_owns_a_read_only_copy() -> None:
    table = np.zeros((2, 1))
    stream = GradientStream(table)
    table[0, 0] = 9.0
    assert stream.table[0, 0] == 0.0
    with pytest.raises(ValueError):
        stream.table[0, 0] = 1.0
    stream(1, np.zeros(1))[0] = 5.0  # the returned row is a copy, too
    assert stream.table[0, 0] == 0.0


def test_stream_rejects_a_loss_column_outside_the_table() -> None:
    with pytest.raises(ValueError, match="loss column 2"):
        GradientStream(np.zeros((2, 2)), ((2, float),))


# ----------------------------------------------------------------------------- recorded files


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_without_header(tmp_path: Path) -> None:
    path = write(tmp_path, "g.csv", "1\n2.5\n-3e-2\n")
    assert g.read_recorded(path).tolist() == [1.0, 2.5, -0.03]


def test_csv_with_header_by_name_and_by_index(tmp_path: Path) -> None:
    path = write(tmp_path, "g.csv", "step, grad\n1, 0.5\n2, -0.5\n")
    assert g.read_recorded(path, "grad").tolist() == [0.5, -0.5]
    assert g.read_recorded(path, 1).tolist() == [0.5, -0.5]
    assert g.read_recorded(path).tolist() == [1.0, 2.0]


def test_csv_skips_blank_lines_and_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_bytes(b"\xef\xbb\xbfa\n1\n\n2\n\n")
    assert g.read_recorded(path, "a").tolist() == [1.0, 2.0]


@pytest.mark.parametrize(
    ("text", "column", "message", "row"),
    [
        ("a\n1\n\nfoo\n", 0, "row 4 of g.csv: expected a number, got 'foo'", 4),
        ("1\nnan\n", 0, "row 2 of g.csv: expected a finite number, got 'nan'", 2),
        ("1\n-inf\n", 0, "row 2 of g.csv: expected a finite number, got '-inf'", 2),
        ("1,2\n3,\n", 1, "row 2 of g.csv: expected a number, got an empty cell", 2),
        ("1,2\n3\n", 1, "row 2 of g.csv: expected at least 2 columns, got 1", 2),
        ("", 0, "expected numbers in 'g.csv', got an empty file", None),
        ("\n  \n", 0, "expected numbers in 'g.csv', got an empty file", None),
        ("a,b\n", 0, "expected numbers in 'g.csv', got only a header row", None),
    ],
)
def test_csv_errors_name_the_row(
    tmp_path: Path, text: str, column: int, message: str, row: int | None
) -> None:
    path = write(tmp_path, "g.csv", text)
    with pytest.raises(RecordedGradientError) as caught:
        g.read_recorded(path, column, display_name="g.csv")
    assert str(caught.value) == message
    assert caught.value.row == row
    assert not isinstance(caught.value, RecordedColumnError)


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("1,2\n3,4\n", 2, "expected a column index below 2 (g.csv has 2 columns), got 2"),
        ("1\n", 1, "expected a column index below 1 (g.csv has 1 column), got 1"),
        ("1\n", "grad", "expected a column index (g.csv has no header row), got 'grad'"),
        (
            "step,grad\n1,2\n",
            "gard",
            "expected a header name of g.csv ('step', 'grad'), got 'gard' (did you mean 'grad'?)",
        ),
        ("1\n", -1, "expected a column index >= 0, got -1"),
    ],
)
def test_csv_column_errors(tmp_path: Path, text: str, column: int | str, message: str) -> None:
    path = write(tmp_path, "g.csv", text)
    with pytest.raises(RecordedColumnError) as caught:
        g.read_recorded(path, column, display_name="g.csv")
    assert str(caught.value) == message


def test_undecodable_csv_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_bytes(b"1\n2\n\xff\n")
    with pytest.raises(RecordedGradientError) as caught:
        g.read_recorded(path, display_name="g.csv")
    assert str(caught.value) == "row 3 of g.csv: expected UTF-8 text, got byte 0xff"
    assert caught.value.row == 3


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(RecordedGradientError) as caught:
        g.read_recorded(tmp_path / "nope.csv", display_name="nope.csv")
    assert str(caught.value) == "cannot read 'nope.csv': file not found"
    with pytest.raises(RecordedGradientError) as caught:
        g.read_recorded(tmp_path, display_name="data")
    assert str(caught.value) == "cannot read 'data': is a folder"


def test_npy_1d_and_2d(tmp_path: Path) -> None:
    np.save(tmp_path / "a.npy", np.array([1.0, 2.0, 3.0]))
    np.save(tmp_path / "b.npy", np.array([[1, 10], [2, 20]], dtype=np.int32))
    assert g.read_recorded(tmp_path / "a.npy").tolist() == [1.0, 2.0, 3.0]
    column = g.read_recorded(tmp_path / "b.npy", 1)
    assert column.dtype == np.float64
    assert column.tolist() == [10.0, 20.0]


@pytest.mark.parametrize(
    ("array", "column", "message"),
    [
        (np.array([1.0, np.nan]), 0, "row 2 of a.npy: expected a finite number, got nan"),
        (np.array([1.0, 2.0]), 1, "expected a column index below 1 (a.npy has 1 column), got 1"),
        (np.zeros((2, 3)), "x", "expected a column index (a.npy has no header), got 'x'"),
        (np.array([True]), 0, "expected numbers in 'a.npy', got an array of bool"),
        (np.zeros((1, 1, 1)), 0, "expected a 1-D or 2-D array in 'a.npy', got 3-D"),
        (np.zeros(0), 0, "expected numbers in 'a.npy', got an empty array"),
    ],
)
def test_npy_errors(tmp_path: Path, array: np.ndarray, column: int | str, message: str) -> None:
    np.save(tmp_path / "a.npy", array)
    with pytest.raises(RecordedGradientError) as caught:
        g.read_recorded(tmp_path / "a.npy", column, display_name="a.npy")
    assert str(caught.value) == message


def test_npy_that_is_not_npy(tmp_path: Path) -> None:
    path = write(tmp_path, "a.npy", "1,2,3\n")
    with pytest.raises(RecordedGradientError) as caught:
        g.read_recorded(path, display_name="a.npy")
    assert str(caught.value) == "cannot read 'a.npy': not a valid .npy file"


def test_a_nul_in_the_file_name_is_an_error_not_a_crash() -> None:
    with pytest.raises(RecordedGradientError) as caught:
        g.read_recorded("a\0b.csv")
    assert str(caught.value) == "cannot read 'a\\x00b.csv': invalid file name"
