"""adamviz's replay of a saved run beside the state torch kept: how closely they agree.

numpy alone: a saved run is checked without torch (the bundled
``scenarios/real-mlp.yaml`` is, in the tests).
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

import numpy as np

from adamviz.capture.save import files_for
from adamviz.errors import CaptureError
from adamviz.pipeline import simulate
from adamviz.scenario import load

Array = np.ndarray[Any, np.dtype[np.float64]]

#: Where a value is smaller than this fraction of the largest magnitude it has had so far
#: (a first moment crossing zero), it is the difference of larger terms and carries their
#: rounding: its error is measured against that fraction of its size instead.
FLOOR = 1e-3


def relative_error(ours: Array, theirs: Array) -> Array:
    """|ours - theirs| relative to theirs, per step and entry (see :data:`FLOOR`)."""
    size = np.maximum.accumulate(np.abs(theirs), axis=0)
    scale = np.maximum(np.abs(theirs), FLOOR * size)
    with np.errstate(divide="ignore", invalid="ignore"):
        error = np.abs(ours - theirs) / scale
    return np.where(ours == theirs, 0.0, error)  # 0 against 0 is exact, not NaN


def read_torch_state(path: Path, labels: list[str]) -> dict[str, Array]:
    """The ``*.torch.csv`` file ``save`` wrote: {quantity: (steps, entries)}, NaN where empty."""
    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    header, body = rows[0], rows[1:]
    names = header[2:]
    steps = len(body) // len(labels)
    columns = {label: index for index, label in enumerate(labels)}
    state = {name: np.full((steps, len(labels)), np.nan) for name in names}
    for row in body:
        t, p = int(row[0]) - 1, columns[row[1]]
        for name, cell in zip(names, row[2:], strict=True):
            state[name][t, p] = float(cell) if cell else np.nan
    return state


def replay_errors(path: str | os.PathLike[str]) -> dict[str, float]:
    """For a run saved by :meth:`Recorder.save`: the largest :func:`relative_error`, by quantity.

    adamviz simulates the saved scenario (as ``adamviz simulate`` does) and
    compares every quantity torch kept (``m``, ``v``, ..., and ``theta``) at every
    step and entry.
    """
    scenario_path = Path(path)
    state_file = files_for(scenario_path)[1]
    if not state_file.is_file():
        raise CaptureError(f"cannot compare: '{state_file}' (torch's state) is not there")
    scenario = load(scenario_path)
    trace = simulate(scenario)[0]
    theirs = read_torch_state(state_file, scenario.param_names)
    errors: dict[str, float] = {}
    for name, values in theirs.items():
        kept = ~np.isnan(values)
        ours = trace[name][: len(values)]
        errors[name] = float(relative_error(ours, values)[kept].max(initial=0.0))
    return errors
