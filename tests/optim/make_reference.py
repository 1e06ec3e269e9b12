"""Write reference.json: torch.optim's own θ and state, for a test that needs no torch.

    python -m tests.optim.make_reference      # from the repository root, with torch

A few configurations of each optimizer (its defaults, and its switches on),
20 steps of 2 parameters, with the gradients and θ0 that produced them. Floats
are written by ``json`` as their ``repr``, so they read back bit for bit. The
file records the torch version and CPU kernels that made it; ``test_reference``
holds adamviz to it with the tolerance of ``test_torch_parity``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import torch

from .torch_harness import torch_run

PATH = Path(__file__).with_name("reference.json")
STEPS = 20

#: (optimizer, keywords): torch's defaults with a learning rate that moves, then every switch.
CONFIGS: list[tuple[str, dict[str, Any]]] = [
    ("sgd", dict(lr=0.05)),
    ("sgd", dict(lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01)),
    ("sgd", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("rmsprop", dict(lr=0.01)),
    ("rmsprop", dict(lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.01)),
    ("adagrad", dict(lr=0.1)),
    ("adagrad", dict(lr=0.1, lr_decay=0.05, initial_accumulator_value=0.1, weight_decay=0.01)),
    ("adam", dict(lr=0.01)),
    ("adam", dict(lr=0.01, beta1=0.3, beta2=0.9, eps=1e-6, weight_decay=0.01, amsgrad=True)),
    ("adamw", dict(lr=0.01)),
    ("adamw", dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
    ("adamax", dict(lr=0.01)),
    ("adamax", dict(lr=0.01, beta1=0.4, beta2=0.99, weight_decay=0.01)),
    ("nadam", dict(lr=0.01)),
    ("nadam", dict(lr=0.01, weight_decay=0.01, momentum_decay=0.01)),
    ("nadam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("radam", dict(lr=0.01)),
    ("radam", dict(lr=0.01, beta2=0.9, weight_decay=0.01)),
    ("radam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
]


def gradients(rng: np.random.Generator) -> np.ndarray:
    """Two parameters: a noisy drift at scale 1, and a sign-flipping one at scale 1e-3."""
    drift = rng.normal(0.5, 1.0, STEPS)
    flip = 1e-3 * np.where(np.arange(STEPS) % 2 == 0, 1.0, -1.0) * rng.uniform(0.5, 1.5, STEPS)
    return np.stack([drift, flip], axis=1)


def main() -> None:
    rng = np.random.default_rng(2013)
    cases = []
    for name, hp in CONFIGS:
        grads, theta0 = gradients(rng), rng.normal(size=2)
        _, thetas, states = torch_run(name, hp, grads, theta0, STEPS)
        cases.append(
            {
                "optimizer": name,
                "hyperparameters": hp,
                "theta0": theta0.tolist(),
                "grad": grads.tolist(),
                "theta": thetas.tolist(),
                "state": {key: values.tolist() for key, values in states.items()},
            }
        )
    header = {
        "made_by": "tests/optim/make_reference.py",
        "torch": torch.__version__,
        "kernels": torch.backends.cpu.get_cpu_capability(),
    }
    with PATH.open("w") as out:  # one case a line: small diffs when it is made again
        out.write("{" + json.dumps(header)[1:-1] + ', "cases": [\n')
        out.write(",\n".join(json.dumps(case) for case in cases))
        out.write("\n]}\n")


if __name__ == "__main__":
    main()
