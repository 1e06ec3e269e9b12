"""Fixtures every test folder may use, and what CI insists on."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from adamviz.figure.engine import Animation, FigureSpec
from adamviz.optim.alias import adam
from adamviz.optim.run import run
from adamviz.optim.trace import Trace
from tests.browser import launched_chromium
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


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium, one per test module (see tests/browser.py)."""
    yield from launched_chromium()


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work in a fresh folder, so relative names in messages read as a user would see them."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def pytest_configure(config: pytest.Config) -> None:
    # The parity tests skip without torch; where they must run (.ci/run sets this),
    # a missing torch is a failure of the whole run rather than a quiet skip.
    if os.environ.get("ADAMVIZ_REQUIRE_TORCH") == "1" and importlib.util.find_spec("torch") is None:
        raise pytest.UsageError("ADAMVIZ_REQUIRE_TORCH=1 but torch is not installed")
