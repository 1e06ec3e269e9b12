"""torch.optim run the way adamviz runs: float64 tensors, ``param.grad`` set, ``step()``.

Shared by the parity tests and ``make_reference.py``; imports torch, so only
those import it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import torch

# torch's name for each piece of state, and adamviz's quantity of the same numbers: the
# mapping adamviz.capture replays with (importing it does not import torch).
from adamviz.capture.optimizers import STATE_NAMES


def torch_optimizer(name: str, params: list[torch.Tensor], hp: Mapping[str, Any]) -> Any:
    """The torch.optim optimizer for an adamviz factory name and its keywords."""
    hp = dict(hp)
    if not hp.pop("bias_correction", True):
        raise ValueError("torch's Adam has no bias_correction=False")
    # the single-tensor code path: the one adamviz reproduces
    common: dict[str, Any] = {"foreach": False}
    if "beta1" in hp or "beta2" in hp:  # torch's defaults for the one not given
        hp["betas"] = (hp.pop("beta1", 0.9), hp.pop("beta2", 0.999))
    classes = {
        "sgd": torch.optim.SGD,
        "adam": torch.optim.Adam,
        "adamw": torch.optim.AdamW,
        "rmsprop": torch.optim.RMSprop,
        "adagrad": torch.optim.Adagrad,
        "adamax": torch.optim.Adamax,
        "nadam": torch.optim.NAdam,
        "radam": torch.optim.RAdam,
    }
    return classes[name](params, **hp, **common)


def torch_run(
    name: str,
    hp: Mapping[str, Any],
    gradients: np.ndarray | Callable[[int, np.ndarray], np.ndarray],
    theta0: np.ndarray,
    steps: int,
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """(grads, θ after every step, {adamviz name: torch state after every step})."""
    previous = torch.get_default_dtype()
    # NAdam keeps mu_product in the default dtype: float64, like everything else here.
    torch.set_default_dtype(torch.float64)
    try:
        param = torch.tensor(np.array(theta0, dtype=np.float64))
        optimizer = torch_optimizer(name, [param], hp)
        grads, thetas = [], []
        states: dict[str, list[np.ndarray]] = {}
        for t in range(1, steps + 1):
            if callable(gradients):
                g = np.asarray(gradients(t, param.detach().numpy().copy()), dtype=np.float64)
            else:
                g = gradients[t - 1]
            param.grad = torch.tensor(np.array(g, dtype=np.float64))
            optimizer.step()
            grads.append(np.array(g, dtype=np.float64))
            thetas.append(param.detach().numpy().copy())
            for key, value in optimizer.state[param].items():
                if key in STATE_NAMES and value is not None:
                    row = np.broadcast_to(value.detach().numpy(), param.shape).copy()
                    states.setdefault(STATE_NAMES[key], []).append(row)
        return np.array(grads), np.array(thetas), {k: np.array(v) for k, v in states.items()}
    finally:
        torch.set_default_dtype(previous)
