"""A recorded run as files: the scenario, its gradients, and torch's own state beside them.

``runs/mlp.yaml`` replays the run (the optimizer, each entry's ``init``, a
``file`` gradient per entry, and no ``steps``: the file's rows are the steps);
``runs/mlp.csv`` holds the gradients, a ``step`` column and one column per
entry, named as the entries are; ``runs/mlp.torch.csv`` holds what torch kept,
one row per step and entry, in the columns ``adamviz simulate --csv`` writes
(``step, param, m, v, ..., theta``), so the two can be set side by side.
Every number is written as ``repr`` writes it, so it reads back bit for bit.
Nothing is written unless all of it is, and the scenario loads.
"""

from __future__ import annotations

import csv
import io
import math
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from adamviz.errors import CaptureError, ScenarioError
from adamviz.scenario import load
from adamviz.scenario.yaml_dump import dump

if TYPE_CHECKING:
    from adamviz.capture.recorder import Recorder

SCENARIO_SUFFIXES = (".yaml", ".yml")


def files_for(path: Path) -> tuple[Path, Path]:
    """The gradients file and the torch-state file that go beside the scenario ``path``."""
    return path.with_suffix(".csv"), path.with_suffix(".torch.csv")


def save(
    recorder: Recorder,
    path: Path,
    *,
    title: str | None,
    description: str | None,
    render: Mapping[str, Any] | None = None,
) -> Path:
    if path.suffix.lower() not in SCENARIO_SUFFIXES:
        raise CaptureError(f"expected a scenario file name ending in .yaml or .yml, got '{path}'")
    problems = recorder.problems()
    if recorder.steps == 0 or recorder.init is None:
        problems = ["nothing recorded yet: save after optimizer.step() has run", *problems]
    grads = recorder.gradients
    bad = np.argwhere(~np.isfinite(grads))
    if bad.size and not problems:
        step, index = (int(i) for i in bad[0])
        problems.append(
            f"entry {recorder.labels[index]!r}: the gradient at step {step + 1} is "
            f"{grads[step, index]}; a scenario's gradients are finite"
        )
    if problems:
        raise CaptureError("\n".join(f"cannot save the run: {p}" for p in problems))
    gradients_file, state_file = files_for(path)
    data = _scenario(recorder, gradients_file.name, title, description)
    if render:
        data["render"] = dict(render)
    text = dump(
        data,
        comment=_comment(recorder, gradients_file.name, state_file.name),
    )
    files = {
        gradients_file.name: _gradients_csv(recorder),
        state_file.name: _state_csv(recorder),
        path.name: text,  # last: the scenario appears only once what it reads is there
    }
    _publish(path, files)
    return path


def _hyperparameter_text(recorder: Recorder) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in recorder.hyperparameters.items())


def _scenario(
    recorder: Recorder, gradients_name: str, title: str | None, description: str | None
) -> dict[str, object]:
    steps = recorder.steps
    default = (
        f"Recorded from a PyTorch training run: {steps} steps of {recorder.torch_class} "
        f"({_hyperparameter_text(recorder)}) on a {recorder.dtype} model. Each column is one "
        f"weight ({', '.join(recorder.labels)}); the lollipops are the gradients the optimizer "
        f"used at each step, read from {gradients_name}, and the curves are adamviz's replay of "
        "them."
    )
    if recorder.maximize:
        default += " The optimizer maximized (maximize=True), so these are the negated gradients."
    assert recorder.init is not None  # save checked that a step ran
    return {
        "title": title or f"A recorded run of {recorder.torch_class}",
        "description": default if description is None else description,
        "optimizer": {"name": recorder.name, **recorder.hyperparameters},
        "parameters": [
            {
                "name": label,
                "init": init,
                "gradient": {"pattern": "file", "path": gradients_name, "column": label},
            }
            for label, init in zip(recorder.labels, recorder.init, strict=True)
        ],
    }


def _comment(recorder: Recorder, gradients_name: str, state_name: str) -> str:
    return (
        f"Written by adamviz.capture from {recorder.torch_class}, {recorder.steps} steps.\n"
        f"Gradients: {gradients_name} (one column per entry); no steps: as many as it has rows.\n"
        f"torch's own state after each step: {state_name} (compare with adamviz simulate --csv)."
    )


def _gradients_csv(recorder: Recorder) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["step", *recorder.labels])
    for step, row in enumerate(recorder.gradients.tolist(), start=1):
        writer.writerow([step, *map(repr, row)])
    return out.getvalue()


def _state_csv(recorder: Recorder) -> str:
    state = recorder.state
    theta = recorder.theta
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["step", "param", *state, "theta"])
    for t in range(recorder.steps):
        for p, label in enumerate(recorder.labels):
            cells = [state[name][t, p] for name in state] + [theta[t, p]]
            writer.writerow(
                [t + 1, label, *("" if math.isnan(c) else repr(float(c)) for c in cells)]
            )
    return out.getvalue()


def _publish(path: Path, files: dict[str, str]) -> None:
    """Write ``files`` beside ``path`` whole or not at all, once the scenario among them loads.

    They are written into a hidden folder beside ``path`` first and the
    scenario loaded from there (it reads its gradients by relative name), so a
    scenario that would not load, or a full disk, leaves an earlier run as it was.
    """
    folder = path.parent
    staging: Path | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".partial", dir=folder))
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8", newline="")
        try:
            load(staging / path.name)
        except ScenarioError as error:
            lines = str(error).replace(str(staging / path.name), str(path))
            raise CaptureError(f"the saved scenario would not load: {lines}") from None
        for name in files:
            os.replace(staging / name, folder / name)
    except OSError as error:
        where = error.filename or path
        raise CaptureError(f"cannot write '{where}': {error.strerror or error}") from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
