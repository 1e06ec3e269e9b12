"""adamviz against reference.json, torch.optim's own numbers (no torch needed to check them).

The file is made by ``make_reference.py``, with torch; see ``test_torch_parity``
for why the agreement is to 1e-12 and not to the bit.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from adamviz.optim import create, run

from .cases import RTOL, gradient_terms, relative_error, state_terms

REFERENCE = json.loads(Path(__file__).with_name("reference.json").read_text())
CASES: list[dict[str, Any]] = REFERENCE["cases"]


def test_the_reference_covers_every_torch_optimizer() -> None:
    names = {case["optimizer"] for case in CASES}
    assert names == {"sgd", "rmsprop", "adagrad", "adam", "adamw", "adamax", "nadam", "radam"}
    assert REFERENCE["torch"].startswith("2.13")


@pytest.mark.parametrize("case", CASES, ids=[f"{c['optimizer']}-{i}" for i, c in enumerate(CASES)])
def test_matches_torchs_numbers(case: dict[str, Any]) -> None:
    name, hp = case["optimizer"], case["hyperparameters"]
    grads, theta0 = np.array(case["grad"]), np.array(case["theta0"])
    thetas = np.array(case["theta"])
    trace = run(create(name, **hp), grads, theta0, len(grads))
    assert np.max(relative_error(trace.theta, thetas)) <= RTOL
    terms = gradient_terms(name, hp, grads, theta0, thetas)
    for key, values in case["state"].items():
        error = relative_error(trace[key], np.array(values), state_terms(name, key, terms))
        assert np.max(error) <= RTOL, key
