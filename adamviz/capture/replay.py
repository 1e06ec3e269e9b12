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


def normwise_error(ours: Array, theirs: Array) -> Array:
    """Per entry, the largest |ours - theirs| over the steps, relative to the largest |theirs|.

    How far apart the two curves of a figure are, as a fraction of their size;
    unlike a step-by-step relative error, it does not blow up where a first
    moment crosses zero and is the difference of much larger terms.
    """
    kept = ~np.isnan(theirs)
    gap = np.where(kept, np.abs(ours - theirs), 0.0).max(axis=0)
    size = np.where(kept, np.abs(theirs), 0.0).max(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(gap == 0, 0.0, gap / size)


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
    """For a run saved by :meth:`Recorder.save`: the largest :func:`normwise_error`, by quantity.

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
        errors[name] = float(normwise_error(trace[name][: len(values)], values).max(initial=0.0))
    return errors
