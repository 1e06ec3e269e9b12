"""Fixtures every test folder may use."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from adamviz.figure.engine import Animation, FigureSpec
from adamviz.optim.alias import adam
from adamviz.optim.run import run
from adamviz.optim.trace import Trace
from tests.frames import HEIGHT, STEPS, WIDTH


@pytest.fixture(scope="module")
def trace() -> Trace:
    grads = np.column_stack([np.linspace(1.0, 2.0, STEPS), 0.1 * (-1.0) ** np.arange(STEPS)])
    return run(adam(lr=0.01), grads, np.zeros(2), STEPS)


@pytest.fixture(scope="module")
def movie(trace: Trace) -> Animation:
    spec = FigureSpec(
        "Test", ["w", "b"], panels=("gradients", "ratio", "step_size", "theta"),
        width=WIDTH, height=HEIGHT,
    )  # fmt: skip
    return Animation(trace, spec)


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work in a fresh folder, so relative names in messages read as a user would see them."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
