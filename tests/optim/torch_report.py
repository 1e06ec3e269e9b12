"""adamviz against torch on the cases of ``cases``: bit for bit, or how far apart.

    ATEN_CPU_CAPABILITY=default python -m tests.optim.torch_report           # JSON
    python -m tests.optim.torch_report --native --table                      # a table

By default torch runs its portable kernels (``ATEN_CPU_CAPABILITY=default``,
which must be set before torch loads), which do not fuse multiply-adds, and its
float64 ``Tensor.sqrt`` (MKL's, about 1% of results one ulp off) is replaced by
numpy's correctly rounded one: what remains is torch's own arithmetic in its own
order, and ``test_torch_parity`` asks for every bit of it. ``--native`` leaves
torch as it loads (AVX2/AVX-512 kernels with FMA, MKL's sqrt), for the report.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

import numpy as np
import torch

from adamviz.optim import create, run
from adamviz.optim.transforms import addcmul, lerp

from .cases import (
    TORCH_NAMES,
    case,
    gradient_terms,
    plain_relative_error,
    relative_error,
    state_terms,
)
from .torch_harness import torch_run

SEEDS = range(24)


def _exact_sqrt() -> None:
    def sqrt(self: torch.Tensor) -> torch.Tensor:
        return torch.from_numpy(np.sqrt(self.detach().numpy()))

    def sqrt_(self: torch.Tensor) -> torch.Tensor:
        return self.copy_(torch.from_numpy(np.sqrt(self.detach().numpy())))

    torch.Tensor.sqrt = sqrt  # type: ignore[method-assign]
    torch.Tensor.sqrt_ = sqrt_  # type: ignore[method-assign]


def _round_trips(name: str, hp: dict[str, Any], theta0: np.ndarray, thetas: np.ndarray) -> bool:
    """Whether θ_{t-1} + (θ_t − θ_{t-1}) is θ_t at every step torch made.

    (And θ' + (θ_t − θ') for NAdam's decayed θ' = θ_{t-1}·(1 − lr·λ).)
    """
    previous = np.concatenate([theta0[None], thetas[:-1]])
    bases = [previous]
    if name == "nadam" and hp["decoupled_weight_decay"] and hp["weight_decay"]:
        bases.append(previous * (1 - hp["lr"] * hp["weight_decay"]))
    return all(np.array_equal(base + (thetas - base), thetas) for base in bases)


def compare(name: str, seed: int) -> dict[str, Any]:
    """One case: bit for bit?, and the largest errors, floored and plain."""
    hp, grads, theta0 = case(name, seed)
    ours = run(create(name, **hp), grads, theta0, len(grads))
    _, thetas, states = torch_run(name, hp, grads, theta0, len(grads))
    terms = gradient_terms(name, hp, grads, theta0, thetas)
    pairs = [(ours.theta, thetas, None)]
    pairs += [(ours[k], v, state_terms(name, k, terms)) for k, v in states.items()]
    two_stage = name in ("nadam", "adamw") or bool(hp.get("decoupled_weight_decay"))
    values = sum(a.size for a, _, _ in pairs)
    return {
        "name": name,
        "seed": seed,
        "bitwise": all(np.array_equal(a, b, equal_nan=True) for a, b, _ in pairs),
        "equal_values": sum(int(np.sum(a == b)) for a, b, _ in pairs) / values,
        "two_stage": two_stage and (name == "nadam" or hp["weight_decay"] > 0),
        "round_trips": _round_trips(name, hp, theta0, thetas),
        "error": max(float(relative_error(a, b, t).max()) for a, b, t in pairs),
        "plain_error": max(float(np.nanmax(plain_relative_error(a, b))) for a, b, _ in pairs),
    }


def primitives() -> dict[str, bool]:
    """torch's lerp_, addcmul_ and addcdiv_ against their numpy twins: the same bits?

    Sizes 5 and 40 reach the scalar loop and the vectorized one; lerp's weights
    either side of 0.5, where ATen switches form.
    """
    rng = np.random.default_rng(0)
    same = {}
    for size in (5, 40):
        a, b, c = rng.normal(size=(3, size))
        c = np.abs(c) + 0.1
        ta, tb, tc = (torch.tensor(x) for x in (a, b, c))
        for weight in (0.001, 0.1, 0.4999, 0.5, 0.9, 0.999):
            theirs = ta.clone().lerp_(tb, weight).numpy()
            same[f"lerp w={weight} n={size}"] = bool(np.array_equal(lerp(a, b, weight), theirs))
        theirs = ta.clone().addcmul_(tb, tb, value=0.37).numpy()
        same[f"addcmul n={size}"] = bool(np.array_equal(addcmul(a, b, b, 0.37), theirs))
        theirs = ta.clone().addcdiv_(tb, tc, value=-0.37).numpy()
        same[f"addcdiv n={size}"] = bool(np.array_equal(a + (-0.37 * b) / c, theirs))
        theirs = ta.clone().add_(tb, alpha=-0.37).numpy()
        same[f"add alpha n={size}"] = bool(np.array_equal(a + -0.37 * b, theirs))
    return same


def table(results: list[dict[str, Any]]) -> str:
    lines = [f"{'':<8} {'cases':>5} {'bitwise':>7} {'values equal':>12} "
             f"{'worst error':>11} {'worst plain':>11}"]  # fmt: skip
    for name in TORCH_NAMES:
        rows = [r for r in results if r["name"] == name]
        lines.append(
            f"{name:<8} {len(rows):>5} {sum(r['bitwise'] for r in rows):>7} "
            f"{np.mean([r['equal_values'] for r in rows]):>12.1%} "
            f"{max(r['error'] for r in rows):>11.2g} {max(r['plain_error'] for r in rows):>11.2g}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--native", action="store_true", help="torch as it loads")
    parser.add_argument("--table", action="store_true", help="a table, not JSON")
    args = parser.parse_args()
    if not args.native:
        if os.environ.get("ATEN_CPU_CAPABILITY") != "default":
            sys.exit("set ATEN_CPU_CAPABILITY=default before torch loads, or pass --native")
        _exact_sqrt()
    results = [compare(name, seed) for name in TORCH_NAMES for seed in SEEDS]
    same = primitives()
    if args.table:
        print(f"torch {torch.__version__}, kernels {torch.backends.cpu.get_cpu_capability()}")
        print(table(results))
        print("primitives bit for bit:", sum(same.values()), "of", len(same))
    else:
        json.dump({"cases": results, "primitives": same}, sys.stdout)


if __name__ == "__main__":
    main()
