"""adamviz against torch.optim 2.13, step by step: θ and every piece of state torch keeps.

Each optimizer runs 24 random configurations (every switch, weight decay, both
forms of torch's lerp) on gradient streams spanning 8 decades, 40 steps each,
and must agree with torch to 1e-12 relative error at every step
(``cases.relative_error``: a floor only where a value is near 0 next to its own
size or the size of the terms it was made of).

Not to the bit: torch's AVX2/AVX-512 kernels fuse multiply-adds (FMA) and its
float64 sqrt is MKL's, which numpy cannot reproduce.
``test_portable_kernels_agree_bit_for_bit`` runs torch without either and asks
for every bit.
"""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from adamviz.optim import OPTIMIZERS, create, run
from adamviz.optim.transforms import lerp

from .cases import RTOL, TORCH_NAMES, case, gradient_terms, relative_error, state_terms

torch = pytest.importorskip("torch")

from .torch_harness import STATE_NAMES, torch_optimizer, torch_run  # noqa: E402

SEEDS = range(24)
ROOT = Path(__file__).resolve().parents[2]


def assert_close(
    ours: np.ndarray, theirs: np.ndarray, what: str, terms: np.ndarray | None = None
) -> None:
    assert ours.shape == theirs.shape, what
    error = relative_error(ours, theirs, terms)
    step, param = np.unravel_index(np.argmax(error), error.shape)
    assert error.max() <= RTOL, (
        f"{what}: relative error {error.max():.3g} at step {step + 1}, parameter {param}: "
        f"{ours[step, param]!r} against torch's {theirs[step, param]!r}"
    )


@pytest.mark.parametrize("name", TORCH_NAMES)
def test_every_step_matches_torch(name: str) -> None:
    for seed in SEEDS:
        hp, grads, theta0 = case(name, seed)
        ours = run(create(name, **hp), grads, theta0, len(grads))
        _, thetas, states = torch_run(name, hp, grads, theta0, len(grads))
        assert_close(ours.theta, thetas, f"{name} case {seed} {hp}: θ")
        terms = gradient_terms(name, hp, grads, theta0, thetas)
        for key, values in states.items():
            what = f"{name} case {seed} {hp}: {key}"
            assert_close(ours[key], values, what, state_terms(name, key, terms))


@pytest.mark.parametrize("weight", [0.001, 0.1, 0.4999, 0.5, 0.9, 0.999])
def test_lerp_is_atens_to_an_ulp(weight: float) -> None:
    """ATen's lerp switches form at weight 0.5; with FMA it rounds once, numpy twice.

    The product's rounding, which FMA skips, is at most an ulp of the larger end;
    the bits themselves are checked against torch's portable kernels below.
    """
    rng = np.random.default_rng(3)
    start, end = rng.normal(size=(2, 40))
    theirs = torch.tensor(start).lerp_(torch.tensor(end), weight).numpy()
    bound = np.spacing(np.maximum(np.abs(start), np.abs(end))) + np.spacing(np.abs(theirs))
    assert np.all(np.abs(lerp(start, end, weight) - theirs) <= bound)


def test_all_of_torchs_state_is_compared() -> None:
    """Every tensor torch keeps per parameter (but its step count) has an adamviz twin."""
    flags = {
        "sgd": dict(momentum=0.9),
        "rmsprop": dict(momentum=0.9, centered=True),
        "adam": dict(amsgrad=True),
        "adamw": dict(amsgrad=True),
    }
    for name in TORCH_NAMES:
        param = torch.zeros(3, dtype=torch.float64)
        optimizer = torch_optimizer(name, [param], flags.get(name, {}))
        param.grad = torch.ones(3, dtype=torch.float64)
        optimizer.step()
        kept = set(optimizer.state[param]) - {"step"}
        assert kept <= set(STATE_NAMES), (name, kept)
        trace = run(create(name, **flags.get(name, {})), np.ones((2, 3)), np.zeros(3), 2)
        assert {STATE_NAMES[key] for key in kept} <= set(trace.quantities), name


def _source(curvature: np.ndarray) -> Callable[[int, np.ndarray], np.ndarray]:
    rotation = np.linalg.qr(np.random.default_rng(7).normal(size=(len(curvature),) * 2))[0]
    hessian = rotation @ np.diag(curvature) @ rotation.T

    def gradient(t: int, theta: np.ndarray) -> np.ndarray:
        del t
        return hessian @ theta + 0.01  # a rotated quadratic, its minimum off the origin

    return gradient


@pytest.mark.parametrize("name", TORCH_NAMES)
def test_closed_loop_matches_torch(name: str) -> None:
    """g_t computed from θ_{t-1}: the same gradients as torch's because the same θ.

    Not centered RMSprop: near the minimum the gradient settles, v − ḡ² cancels
    (see ``cases.case``), and the loop feeds the difference back into g.
    """
    source = _source(np.geomspace(0.1, 10.0, 4))
    for seed in range(6):
        hp, _, theta0 = case(name, seed)
        if name == "rmsprop":
            hp["centered"] = False
        # Far from the minimum and slow enough not to reach it: there the loop
        # contracts. Around the minimum, an optimizer that steps by ~lr·sign(g)
        # amplifies any difference in the last bit at every crossing (chaos, not error).
        hp["lr"] = min(hp["lr"], 3e-3)
        theta0 = 3.0 + np.abs(np.resize(theta0, 4))
        ours = run(create(name, **hp), source, theta0, 60)
        grads, thetas, states = torch_run(name, hp, source, theta0, 60)
        assert_close(ours.grad, grads, f"{name} case {seed} {hp}: g")
        assert_close(ours.theta, thetas, f"{name} case {seed} {hp}: θ")
        terms = gradient_terms(name, hp, grads, theta0, thetas)
        for key, values in states.items():
            what = f"{name} closed case {seed} {hp}: {key}"
            assert_close(ours[key], values, what, state_terms(name, key, terms))


#: adamviz's keyword for each of torch's, where they differ.
_RENAMED = {"betas": ("beta1", "beta2")}
_TORCH_ONLY = {"params", "self", "maximize", "foreach", "capturable", "differentiable", "fused"}


@pytest.mark.parametrize("name", TORCH_NAMES)
def test_keywords_and_defaults_are_torchs(name: str) -> None:
    cls = type(torch_optimizer(name, [torch.zeros(1, dtype=torch.float64)], {}))
    theirs: dict[str, object] = {}
    for key, parameter in inspect.signature(cls.__init__).parameters.items():
        if key in _TORCH_ONLY:
            continue
        if key in _RENAMED:
            theirs.update(zip(_RENAMED[key], parameter.default, strict=True))
        else:
            theirs[key] = parameter.default
    ours = {
        key: parameter.default
        for key, parameter in inspect.signature(OPTIMIZERS[name]).parameters.items()
    }
    if name == "adam":
        assert ours.pop("bias_correction") is True  # adamviz's own switch, on as in torch
        # torch 2.13's Adam can also decay decoupled; adamviz has adamw for that
        assert theirs.pop("decoupled_weight_decay") is False
    assert ours == theirs


def test_portable_kernels_agree_bit_for_bit() -> None:
    """torch's portable kernels (no FMA) with a correctly rounded sqrt: every bit the same.

    Run in a subprocess, since the kernels are chosen when torch loads. The two
    stage optimizers (NAdam, decoupled weight decay) must agree wherever
    θ_{t-1} + (θ_t − θ_{t-1}) gives back θ_t, the condition for an increment to
    carry torch's θ_t exactly (``transforms.increment``); elsewhere to 1e-12.
    """
    env = dict(os.environ, ATEN_CPU_CAPABILITY="default")
    done = subprocess.run(
        [sys.executable, "-m", "tests.optim.torch_report"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert all(report["primitives"].values()), report["primitives"]  # lerp's two forms...
    results = report["cases"]
    assert len(results) == len(TORCH_NAMES) * 24
    for result in results:
        if result["bitwise"]:
            continue
        assert result["two_stage"] and not result["round_trips"], result
        assert result["error"] <= RTOL, result
    single_stage = [r for r in results if not r["two_stage"]]
    assert single_stage and all(r["bitwise"] for r in single_stage)
