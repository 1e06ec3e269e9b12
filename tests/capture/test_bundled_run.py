"""The bundled recorded run, ``scenarios/real-mlp.yaml``: it replays torch, and shows what it says.

No torch needed: the run was recorded once (``examples/capture_mlp.py``), and
torch's own state is bundled beside it (``real-mlp.torch.csv``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml

from adamviz.capture import replay_errors
from adamviz.pipeline import simulate
from adamviz.scenario import load

RUN = Path(__file__).resolve().parents[2] / "scenarios" / "real-mlp.yaml"

#: The float32 bounds of tests/capture/test_replay.py, which measures them.
FLOAT32_BOUNDS = {"m": 8 * 2.0**-24, "v": 2e-5, "theta": 1e-5}


def test_the_bundled_run_replays_torchs_state_to_float32_rounding() -> None:
    errors = replay_errors(RUN)
    assert set(errors) == set(FLOAT32_BOUNDS)
    for name, error in errors.items():
        assert error <= FLOAT32_BOUNDS[name], f"{name}: {error:.3g}"


def test_the_bundled_run_takes_its_length_from_the_file() -> None:
    assert "steps" not in yaml.safe_load(RUN.read_text())
    rows = RUN.with_suffix(".csv").read_text().count("\n") - 1  # less the header
    assert load(RUN).steps == rows == 300


def test_early_gradients_agree_then_turn_to_noise_and_the_ratio_shrinks() -> None:
    # What the description says: full steps at first, then small ones without a schedule.
    trace = simulate(load(RUN))[0]
    ratio = np.abs(trace.ratio)
    early, late = ratio[:5, 1:].mean(axis=0), ratio[100:, 1:].mean(axis=0)
    assert np.all(early > 0.8), early
    assert np.all(late < 0.25), late
    m_hat, rms = np.abs(trace.m_hat[100:, 1:]), np.sqrt(trace.v_hat[100:, 1:])
    assert np.all(m_hat.mean(axis=0) < 0.3 * rms.mean(axis=0))


def test_thirty_times_smaller_gradients_swing_the_ratio_as_wide() -> None:
    trace = simulate(load(RUN))[0]
    typical = np.median(np.abs(trace.grad), axis=0)
    assert 20 < typical[3] / typical[0] < 40  # the first-layer weight's against the output bias's
    assert np.abs(trace.ratio[100:, 0]).max() > np.abs(trace.ratio[100:, 3]).max()
