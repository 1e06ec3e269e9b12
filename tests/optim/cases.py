"""Random optimizer configurations and gradient streams, the same for every check that uses them.

No torch here: ``test_torch_parity``, ``torch_report`` and ``make_reference``
import it and bring torch themselves.
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: The optimizers torch has (Lion is checked against optax's formula instead).
TORCH_NAMES = ("sgd", "rmsprop", "adagrad", "adam", "adamw", "adamax", "nadam", "radam")

#: The relative error allowed against torch: a handful of ulps, grown over tens of steps.
RTOL = 1e-12

#: Where a value is below this fraction of the largest magnitude it, or the terms it
#: is made of, have had so far (in that parameter), it was made by cancellation of
#: larger terms, whose rounding errors it carries: its error is measured against
#: this fraction of that size.
FLOOR = 1e-3

#: State that is a running average, max or sum of the gradient g' = g + λθ the
#: step saw, or of its square: near 0 where g and λθ cancel, and then as exact
#: as they are, not as itself.
LINEAR_IN_GRADIENT = {"m", "g_avg", "u"}
QUADRATIC_IN_GRADIENT = {"v", "v_max", "sum"}


def _log_uniform(rng: np.random.Generator, low: float, high: float) -> float:
    return float(10 ** rng.uniform(np.log10(low), np.log10(high)))


def _maybe(rng: np.random.Generator, value: float, chance: float = 0.5) -> float:
    return value if rng.random() < chance else 0.0


def _beta(rng: np.random.Generator) -> float:
    """Mostly the usual 0.9-0.999, sometimes ≤ 0.5, where torch's lerp takes its other form."""
    return float(rng.choice([rng.uniform(0.0, 0.5), rng.uniform(0.5, 0.99), 0.9, 0.999]))


def random_hyperparameters(name: str, rng: np.random.Generator) -> dict[str, Any]:
    """Keywords for ``name`` drawn over their ranges, every switch included."""
    lr = _log_uniform(rng, 1e-4, 1e-1)
    wd = _maybe(rng, _log_uniform(rng, 1e-4, 0.3))
    eps = float(rng.choice([1e-8, _log_uniform(rng, 1e-10, 1e-3)]))
    if name == "sgd":
        momentum = _maybe(rng, rng.uniform(0.0, 0.99), 0.7)
        nesterov = bool(momentum > 0 and rng.random() < 0.4)
        dampening = 0.0 if nesterov else _maybe(rng, rng.uniform(0.0, 1.0))
        return dict(
            lr=lr, momentum=momentum, dampening=dampening, nesterov=nesterov, weight_decay=wd
        )
    if name == "rmsprop":
        centered = bool(rng.random() < 0.5)
        return dict(
            lr=lr,
            alpha=float(rng.choice([0.99, rng.uniform(0.1 if centered else 0.0, 0.999)])),
            eps=eps,
            weight_decay=wd,
            momentum=_maybe(rng, rng.uniform(0.0, 0.99)),
            centered=centered,
        )
    if name == "adagrad":
        return dict(
            lr=lr,
            lr_decay=_maybe(rng, rng.uniform(0.0, 0.5)),
            weight_decay=wd,
            initial_accumulator_value=_maybe(rng, rng.uniform(0.0, 1.0)),
            eps=float(rng.choice([1e-10, eps])),
        )
    betas = dict(beta1=_beta(rng), beta2=_beta(rng))
    if name in ("adam", "adamw"):
        return dict(lr=lr, **betas, eps=eps, weight_decay=wd, amsgrad=bool(rng.random() < 0.4))
    if name == "adamax":
        return dict(lr=lr, **betas, eps=eps, weight_decay=wd)
    if name == "nadam":
        return dict(
            lr=lr,
            **betas,
            eps=eps,
            weight_decay=wd,
            momentum_decay=_log_uniform(rng, 1e-4, 1e-1),
            decoupled_weight_decay=bool(rng.random() < 0.5),
        )
    if name == "radam":
        return dict(
            lr=lr,
            **betas,
            eps=eps,
            weight_decay=wd,
            decoupled_weight_decay=bool(rng.random() < 0.5),
        )
    if name == "lion":
        return dict(lr=lr, **betas, weight_decay=wd)
    raise ValueError(name)


def random_stream(
    rng: np.random.Generator, steps: int, params: int, constant: bool = True
) -> np.ndarray:
    """Gradients (steps, params): each parameter its own scale over 8 decades, and its own kind.

    Noise around a drift, a constant, a sign that flips every step, heavy tails,
    a burst after zeros: the patterns adamviz's scenarios are made of. Without
    ``constant``, no constant gradient.
    """
    scales = 10.0 ** rng.uniform(-4, 3, params)
    stream = np.empty((steps, params))
    for p in range(params):
        kind = rng.integers(5)
        if kind == 1 and not constant:
            kind = 0
        if kind == 0:
            column = rng.normal(rng.normal(), 1.0, steps)
        elif kind == 1:
            column = np.full(steps, rng.choice([-1.0, 1.0]))
        elif kind == 2:
            column = np.where(np.arange(steps) % 2 == 0, 1.0, -1.0) + 0.1 * rng.normal(size=steps)
        elif kind == 3:
            column = rng.standard_t(2, steps)
        else:
            column = np.where(np.arange(steps) < steps // 3, 0.0, rng.normal(size=steps))
        stream[:, p] = column * scales[p]
    return stream


def case(name: str, seed: int, steps: int = 40) -> tuple[dict[str, Any], np.ndarray, np.ndarray]:
    """(hyperparameters, gradients, θ0) of case ``seed`` of ``name``; every 4th has 17 parameters.

    17 parameters reach torch's vectorized kernels (16 float64 a loop at AVX-512)
    and their scalar tail; 5 only the tail.
    """
    rng = np.random.default_rng([seed, TORCH_NAMES.index(name) if name in TORCH_NAMES else 99])
    params = 17 if seed % 4 == 3 else 5
    hp = random_hyperparameters(name, rng)
    # Centered RMSprop's v − ḡ² cancels to ~α^t of its terms on a constant gradient
    # (and to ~α of them for a small α): any two roundings of it, torch's FMA
    # kernels and its portable ones too, differ there by ~1e-16/α^t. Those cases
    # are left to the bit-for-bit check against torch's portable kernels.
    constant = not hp.get("centered", False)
    return hp, random_stream(rng, steps, params, constant), rng.normal(size=params)


def relative_error(
    ours: np.ndarray, theirs: np.ndarray, terms: np.ndarray | None = None
) -> np.ndarray:
    """|ours − theirs| / max(|theirs|, FLOOR·(largest |theirs| or ``terms`` so far)), per parameter.

    The floor applies only where a value is near 0 next to the size it, or the
    ``terms`` it is made of, have had: m after the gradient changes sign, θ
    crossing 0, g + λθ where weight decay balances the gradient. Such a value is
    the small difference of larger numbers and carries their rounding errors.
    Equal values (infinities too) have error 0; NaN against a number, infinite.
    """
    ours, theirs = np.asarray(ours, dtype=np.float64), np.asarray(theirs, dtype=np.float64)
    magnitude = np.where(np.isfinite(theirs), np.abs(theirs), 0.0)
    if terms is not None:
        magnitude = np.maximum(magnitude, terms)
    size = np.maximum.accumulate(magnitude, axis=0)
    scale = np.maximum(np.abs(theirs), FLOOR * size)
    with np.errstate(invalid="ignore", divide="ignore"):
        error = np.abs(ours - theirs) / scale
    same = (ours == theirs) | (np.isnan(ours) & np.isnan(theirs))
    return np.where(same, 0.0, np.where(np.isnan(error), np.inf, error))


def plain_relative_error(ours: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    """|ours − theirs| / |theirs|, no floor (what the report quotes beside the floored one)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        error = np.abs(ours - theirs) / np.abs(theirs)
    return np.where(ours == theirs, 0.0, error)


def gradient_terms(
    name: str, hp: dict[str, Any], grads: np.ndarray, theta0: np.ndarray, thetas: np.ndarray
) -> np.ndarray:
    """|g_t| + λ·|θ_{t-1}|: the size of the terms of the gradient the step saw (L2 decay)."""
    decoupled = name in ("adamw", "lion") or hp.get("decoupled_weight_decay", False)
    weight_decay = 0.0 if decoupled else hp.get("weight_decay", 0.0)
    previous = np.concatenate([theta0[None], thetas[:-1]])
    return np.abs(grads) + weight_decay * np.abs(previous)


def state_terms(name: str, key: str, gradient: np.ndarray) -> np.ndarray | None:
    """The ``terms`` for ``relative_error`` of state ``key``, from ``gradient_terms``."""
    if key in LINEAR_IN_GRADIENT or (name == "sgd" and key == "momentum"):
        return gradient
    if key in QUADRATIC_IN_GRADIENT:
        return gradient**2
    return None
