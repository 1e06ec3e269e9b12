"""A short capture, then `adamviz simulate` on the saved scenario: torch's own state, each step.

float64 models agree with torch to 1e-12 relative at every step, for every
optimizer adamviz knows and every piece of state torch keeps (as
``tests/optim`` asks of the optimizers themselves).

A float32 model agrees to float32 rounding. torch keeps its state in float32;
adamviz replays, in float64, the very gradients torch used, so what differs is
torch's own float32 arithmetic. Measured as :func:`normwise_error` (per entry,
the largest gap over the run relative to the largest value: how far apart the
figure's curves are), Adam at lr 1e-2 on the MLP below, seeds 0-3, 300 and
1000 steps (u = 2^-24 = 6.0e-8, float32's unit roundoff):

- m: at most 1.4e-7 (2.4 u), the same at 300 and 1000 steps;
- v: 2.4e-6 to 3.9e-6 at 300 steps, 6.1e-6 to 7.6e-6 at 1000. It grows with
  the run because torch multiplies by β2 as a float32, 0.999 + 1.29e-8: over
  the ~1/(1-β2) steps v remembers that compounds to at most 1.3e-5;
- θ: 5e-7 to 1.5e-6 at 300 steps, 1.9e-6 to 3.5e-6 at 1000 (θ rounded to
  float32 after each step, a random walk of u-sized errors).

:data:`FLOAT32_BOUNDS` allows 8 u for m, 2e-5 for v and 1e-5 for θ.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from adamviz.capture.replay import normwise_error
from tests.support import assert_exit, invoke

torch = pytest.importorskip("torch")

from adamviz.capture import Recorder  # noqa: E402
from adamviz.capture.optimizers import STATE_NAMES  # noqa: E402

pytestmark = pytest.mark.usefixtures("in_tmp")

FLOAT64_BOUND = 1e-12
FLOAT32_BOUNDS = {"m": 8 * 2.0**-24, "v": 2e-5, "theta": 1e-5}
FLOAT32_STEPS = 1000
ENTRIES = ["0.weight[3,1]", "0.bias[2]", "2.weight[0,5]", "2.bias"]


def mlp(dtype: Any, seed: int) -> tuple[Any, Any, Any]:
    """A 3-8-1 tanh network and a regression problem it makes for itself."""
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1)).to(
        dtype
    )
    x = torch.randn(64, 3, dtype=dtype)
    y = torch.sin(x[:, :1]) - 0.5 * x[:, 1:2] * x[:, 2:3]
    return model, x, y


def train(model: Any, optimizer: Any, x: Any, y: Any, steps: int, clip: bool = False) -> None:
    for step in range(steps):
        batch = slice(16 * (step % 4), 16 * (step % 4 + 1))  # minibatches: noisy gradients
        optimizer.zero_grad()
        torch.nn.functional.mse_loss(model(x[batch]), y[batch]).backward()
        if clip:  # the recorder sees the gradient after clipping, as the step does
            torch.nn.utils.clip_grad_norm_(model.parameters(), 0.05)
        optimizer.step()


def simulated(path: Path) -> dict[str, np.ndarray]:
    """``adamviz simulate PATH --csv``, as {column: (steps, params)}."""
    result = invoke("simulate", str(path), "--csv")
    assert_exit(result, 0)
    rows = list(csv.DictReader(io.StringIO(result.output)))
    params = list(dict.fromkeys(row["param"] for row in rows))
    steps = len(rows) // len(params)
    table: dict[str, np.ndarray] = {}
    for name in rows[0]:
        if name in ("step", "run", "param"):
            continue
        cells = [float(row[name]) if row[name] else np.nan for row in rows]
        table[name] = np.array(cells).reshape(steps, len(params))
    return table


#: Where a value is below this fraction of the largest magnitude it has had so far (a first
#: moment crossing zero), it is the difference of larger terms and carries their rounding:
#: its error is measured against that fraction of its size (as tests/optim/cases.py does).
FLOOR = 1e-3


def relative_error(ours: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    """|ours - theirs| relative to theirs at each step and entry, with :data:`FLOOR`."""
    size = np.maximum.accumulate(np.abs(theirs), axis=0)
    scale = np.maximum(np.abs(theirs), FLOOR * size)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(ours == theirs, 0.0, np.abs(ours - theirs) / scale)


def compared(recorder: Any, path: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{quantity: (adamviz simulate's, torch's)} for every quantity torch kept, and θ."""
    ours = simulated(path)
    theirs = {**recorder.state, "theta": recorder.theta}
    assert all((~np.isnan(values)).any() for values in theirs.values())
    return {name: (ours[name], values) for name, values in theirs.items()}


def assert_replayed(recorder: Any, path: Path, bound: float) -> None:
    """Every step of every entry within ``bound`` relative error of torch's."""
    for name, (ours, theirs) in compared(recorder, path).items():
        kept = ~np.isnan(theirs)
        error = float(relative_error(ours, theirs)[kept].max())
        assert error <= bound, f"{name}: relative error {error:.3g} > {bound:g}"


def state_keys(optimizer: Any) -> set[str]:
    return {key for state in optimizer.state.values() for key, v in state.items() if v is not None}


#: Each optimizer adamviz knows, as torch builds it, with the options that change its state.
TORCH_OPTIMIZERS = {
    "sgd": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, dampening=0.1, weight_decay=1e-3),
    "sgd-nesterov": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True),
    "rmsprop": lambda p: torch.optim.RMSprop(p, lr=1e-3, momentum=0.5, centered=True),
    "adagrad": lambda p: torch.optim.Adagrad(
        p, lr=0.05, lr_decay=1e-3, initial_accumulator_value=0.1
    ),
    "adam": lambda p: torch.optim.Adam(p, lr=1e-2, weight_decay=1e-2),
    "adam-amsgrad": lambda p: torch.optim.Adam(p, lr=1e-2, betas=(0.8, 0.99), amsgrad=True),
    "adam-decoupled": lambda p: torch.optim.Adam(
        p, lr=1e-2, weight_decay=0.1, decoupled_weight_decay=True
    ),
    "adamw": lambda p: torch.optim.AdamW(p, lr=1e-2),
    "adamax": lambda p: torch.optim.Adamax(p, lr=1e-2),
    "nadam": lambda p: torch.optim.NAdam(p, lr=1e-2, weight_decay=1e-3),
    "radam": lambda p: torch.optim.RAdam(p, lr=1e-2),  # ρ_t > 5 from step 6: both branches
}


@pytest.fixture
def float64_default() -> Any:
    """NAdam keeps mu_product in torch's default dtype, not the model's: float64 here too."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)


@pytest.mark.usefixtures("float64_default")
@pytest.mark.parametrize("which", TORCH_OPTIMIZERS)
def test_a_float64_run_replays_to_1e12_for_every_optimizer(which: str) -> None:
    model, x, y = mlp(torch.float64, seed=1)
    optimizer = TORCH_OPTIMIZERS[which](model.parameters())
    recorder = Recorder(model, optimizer, ENTRIES)
    train(model, optimizer, x, y, 60)
    path = recorder.save("run.yaml")
    assert_replayed(recorder, path, FLOAT64_BOUND)
    # every piece of state torch keeps was compared (its step counter aside)
    assert {STATE_NAMES[key] for key in state_keys(optimizer) - {"step"}} == set(recorder.state)


@pytest.mark.parametrize("seed", range(3))
def test_a_float32_run_replays_to_float32_rounding(seed: int) -> None:
    model, x, y = mlp(torch.float32, seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    recorder = Recorder(model, optimizer, ENTRIES)
    train(model, optimizer, x, y, FLOAT32_STEPS)
    pairs = compared(recorder, recorder.save("run.yaml"))
    errors = {name: float(normwise_error(*pair).max()) for name, pair in pairs.items()}
    assert set(errors) == set(FLOAT32_BOUNDS)
    for name, error in errors.items():
        assert error <= FLOAT32_BOUNDS[name], f"{name}: {error:.3g} > {FLOAT32_BOUNDS[name]:g}"
    # not exact: this is torch's float32 rounding, not a looser check of a float64 replay
    assert errors["m"] > 1e-9


def test_the_recorded_state_is_torchs_own() -> None:
    model, x, y = mlp(torch.float32, seed=0)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    recorder = Recorder(model, optimizer, ["0.weight[3,1]"])
    train(model, optimizer, x, y, 5)
    kept = optimizer.state[model[0].weight]
    assert recorder.state["m"][-1, 0] == kept["exp_avg"][3, 1].item()
    assert recorder.state["v"][-1, 0] == kept["exp_avg_sq"][3, 1].item()
    assert recorder.theta[-1, 0] == model[0].weight[3, 1].item()
    assert recorder.steps == 5


def test_the_gradient_recorded_is_the_one_the_step_used() -> None:
    # Clipping after backward() changes .grad; the replay still matches torch exactly.
    model, x, y = mlp(torch.float64, seed=2)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    recorder = Recorder(model, optimizer, ENTRIES)
    train(model, optimizer, x, y, 40, clip=True)
    assert_replayed(recorder, recorder.save("run.yaml"), FLOAT64_BOUND)


def test_a_closure_computes_the_gradient_inside_the_step() -> None:
    model, x, y = mlp(torch.float64, seed=3)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    recorder = Recorder(model, optimizer, ENTRIES)

    def closure() -> Any:
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        return loss

    for _ in range(30):
        optimizer.step(closure)
    assert_replayed(recorder, recorder.save("run.yaml"), FLOAT64_BOUND)


def test_maximize_replays_with_the_gradients_the_step_used() -> None:
    model, x, y = mlp(torch.float64, seed=4)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, maximize=True)
    recorder = Recorder(model, optimizer, ["2.bias"])
    train(model, optimizer, x, y, 20)
    path = recorder.save("run.yaml")
    assert_replayed(recorder, path, FLOAT64_BOUND)
    assert "maximize=True" in path.read_text()


def test_a_bare_name_takes_every_entry_and_the_files_name_them() -> None:
    model, x, y = mlp(torch.float64, seed=5)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    recorder = Recorder(model, optimizer, ["0.bias"])
    train(model, optimizer, x, y, 3)
    labels = [f"0.bias[{i}]" for i in range(8)]
    assert recorder.labels == labels
    path = recorder.save("runs/mlp.yaml")
    header = Path("runs/mlp.csv").read_text().splitlines()[0]
    assert next(csv.reader([header])) == ["step", *labels]
    text = path.read_text()
    assert "steps" not in yaml.safe_load(text)  # the file's rows are the steps
    assert "gradient: {pattern: file, path: mlp.csv, column: '0.bias[7]'}" in text
    ours = simulated(path)
    np.testing.assert_array_equal(ours["grad"], recorder.gradients)
    assert_replayed(recorder, path, FLOAT64_BOUND)
