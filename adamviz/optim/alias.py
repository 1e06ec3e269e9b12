"""The nine optimizers, each a chain of a few transforms plus the quantities it shows.

Each factory takes torch's keyword names and torch 2.13's defaults (``betas`` is
written ``beta1``, ``beta2``), checks their ranges (ValueError naming the
keyword), and returns an ``Optimizer``. Every keyword is annotated ``float`` or
``bool`` and has a default, so a schema can be read off ``inspect.signature``.
``OPTIMIZERS`` maps a name to its factory; ``register`` adds one; ``create``
builds one by name. (A float keyword may also be a 1-D array, one value per
parameter column: that is how ``run_many`` stacks runs; a schema needs only floats.)

The quantities, by name, each an array (steps, params); row t-1 is step t. "The
update is ..." below holds up to the rounding of θ (the trace's ``update`` is
θ_t − θ_{t-1} as applied):

* Adam, AdamW: ``m``, ``v`` (raw moments), ``m_hat``, ``v_hat`` (bias-corrected;
  without bias correction the raw ones), ``ratio`` = m̂/(√v̂ + ε), 0 where the
  denominator is 0 (ε = 0 and no gradient yet), ``step_size`` = lr/(√v̂ + ε)
  (inf there), so that the update is −step_size·m̂ = −lr·ratio. The denominator
  is torch's, √v/√(1 − β2^t) + ε. AMSGrad adds ``v_max`` (the running max of the
  raw v); its ``v_hat`` is v_max/(1 − β2^t), which is what its steps use. AdamW's
  update also has its decay, −lr·λ·θ_{t-1}.
* SGD: ``step_size`` = lr; ``momentum`` (the buffer) when momentum > 0.
* RMSprop: ``v`` (torch's square_avg), ``rms`` = √v, ``step_size`` = lr/(√v + ε)
  (centered: lr/(√(v − g_avg²) + ε)), ``ratio`` = g/(that denominator), the
  preconditioned gradient that lr scales, before any momentum; ``momentum`` when
  momentum > 0; ``g_avg`` when centered.
* Adagrad: ``sum`` = Σ g², ``rms`` = √Σ, ``step_size`` = lr_t/(√Σ + ε) with
  lr_t = lr/(1 + (t − 1)·lr_decay), ``ratio`` = g/(√Σ + ε).
* Adamax: ``m``, ``m_hat``, ``u`` (torch's exp_inf), ``step_size`` = lr/u,
  ``ratio`` = m̂/u.
* NAdam: ``m``, ``v``, ``v_hat``, ``mu_product`` (Π μ_i), ``step_size`` =
  lr/(√v̂ + ε), ``ratio`` = ((1 − μ_t)/(1 − Π_t)·g + μ_{t+1}/(1 − Π_{t+1})·m)/(√v̂ + ε),
  so that the update is −lr·ratio.
* RAdam: ``m``, ``m_hat``, ``v``, ``v_hat``, ``rho`` (ρ_t), ``rectifier`` (r_t
  where ρ_t > 5, and **0 where the adaptive rate is off**, the step then being
  −lr·m̂), ``step_size`` = lr·r_t·√(1 − β2^t)/(√v + ε) (lr where off),
  ``ratio`` = step_size·m̂/lr.
* Lion: ``m``, ``sign`` (the sign the step used, sign(β1·m_{t-1} + (1 − β1)·g_t)).

Where a step adds L2 weight decay to the gradient, ``ratio`` is of that
gradient, g + λ·θ_{t-1}, as the step saw it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import numpy as np

from . import transforms as tx
from .base import Optimizer, Show, Transform, chain
from .trace import Array
from .transforms import Hyper, StepScalar

#: Every quantity each optimizer can show; ``Optimizer.names`` has the ones a
#: given configuration shows (``momentum`` only with momentum > 0, and so on).
QUANTITIES: dict[str, tuple[str, ...]] = {
    "sgd": ("momentum", "step_size"),
    "rmsprop": ("v", "rms", "step_size", "ratio", "momentum", "g_avg"),
    "adagrad": ("sum", "rms", "step_size", "ratio"),
    "adam": ("m", "v", "m_hat", "v_hat", "ratio", "step_size", "v_max"),
    "adamw": ("m", "v", "m_hat", "v_hat", "ratio", "step_size", "v_max"),
    "adamax": ("m", "m_hat", "u", "step_size", "ratio"),
    "nadam": ("m", "v", "v_hat", "mu_product", "step_size", "ratio"),
    "radam": ("m", "m_hat", "v", "v_hat", "rho", "rectifier", "step_size", "ratio"),
    "lion": ("m", "sign"),
}

#: Factory by name: the registry the scenario layer looks optimizers up in.
OPTIMIZERS: dict[str, Callable[..., Optimizer]] = {}


def register(name: str, factory: Callable[..., Optimizer]) -> Callable[..., Optimizer]:
    """Add ``factory`` to ``OPTIMIZERS`` under ``name``; returns the factory.

    A name is registered once: another factory under a taken name is refused.
    """
    if name in OPTIMIZERS and OPTIMIZERS[name] is not factory:
        raise ValueError(f"an optimizer named {name!r} is already registered")
    OPTIMIZERS[name] = factory
    return factory


def create(name: str, **hyperparameters: Any) -> Optimizer:
    """The optimizer registered as ``name``, built with ``hyperparameters``."""
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; known: {', '.join(sorted(OPTIMIZERS))}")
    return OPTIMIZERS[name](**hyperparameters)


# --- checks ----------------------------------------------------------------------------


def _number(name: str, value: Any) -> Hyper:
    """A finite float, or a 1-D array of them (one per parameter column)."""
    if isinstance(value, np.ndarray) and value.ndim == 1 and value.dtype.kind in "fiu":
        numbers = value.astype(np.float64)
        if not np.all(np.isfinite(numbers)):
            raise ValueError(f"{name} must be finite, got {value!r}")
        return numbers
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating | np.integer):
        raise ValueError(f"{name} must be a number, got {value!r}")
    try:
        number = float(value)
    except OverflowError:  # an int beyond float64
        number = math.inf
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return number


def _positive(name: str, value: Any) -> Hyper:
    number = _number(name, value)
    if not np.all(np.asarray(number) > 0):
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return number


def _non_negative(name: str, value: Any) -> Hyper:
    number = _number(name, value)
    if not np.all(np.asarray(number) >= 0):
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return number


def _rate(name: str, value: Any, *, closed: bool = False) -> Hyper:
    """A decay rate: in [0, 1), or [0, 1] with ``closed``."""
    number = _number(name, value)
    values = np.asarray(number)
    if not np.all((values >= 0) & ((values <= 1) if closed else (values < 1))):
        raise ValueError(f"{name} must be in [0, 1{']' if closed else ')'}, got {value!r}")
    return number


def _flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise ValueError(f"{name} must be true or false, got {value!r}")
    return bool(value)


def _all_or_none(name: str, value: Hyper) -> bool:
    """Whether ``value`` is > 0; a batch must not mix 0 with > 0 where 0 changes the chain."""
    positive = np.asarray(value) > 0
    if np.any(positive) and not np.all(positive):
        raise ValueError(f"{name} must be all 0 or all > 0 across one batch, got {value!r}")
    return bool(np.all(positive))


def _optimizer(
    name: str,
    transform: Transform,
    show: Show,
    names: tuple[str, ...],
    hyperparameters: Mapping[str, Hyper | bool],
) -> Optimizer:
    return Optimizer(name, transform, show, names, MappingProxyType(dict(hyperparameters)))


# --- what the optimizers show ---------------------------------------------------------

#: What every ``show`` is given first: each state field over all steps (``stack_states``).
States = Mapping[str, Array]


def _l2(grads: Array, params: Array, weight_decay: Hyper) -> Array:
    """The gradient the step saw: g + λ·θ_{t-1} (``add_decayed_weights``' own operation)."""
    return grads if tx.is_zero(weight_decay) else grads + weight_decay * params


def _columns(value: Hyper, like: Array) -> Array:
    """A hyperparameter (a number, or one per column) spread over like's (steps, params)."""
    return np.broadcast_to(np.asarray(value, dtype=np.float64), like.shape).copy()


def _steps(values: Array, like: Array) -> Array:
    """A number per step, (steps,) or (steps, 1), or already (steps, params), over like's shape."""
    values = np.asarray(values, dtype=np.float64)
    return np.broadcast_to(values[:, None] if values.ndim == 1 else values, like.shape).copy()


def _inverse(denominator: Array, scale: Hyper | Array) -> Array:
    """scale/denominator, inf where the denominator is 0 (ε = 0 and nothing seen yet)."""
    with np.errstate(divide="ignore"):
        return scale / denominator


def _adam_show(
    lr: Hyper, beta1: Hyper, beta2: Hyper, eps: Hyper, amsgrad: bool, bias_correction: bool
) -> Show:
    correction1 = StepScalar(tx.corrections, beta1)
    correction2 = StepScalar(tx.corrections, beta2)
    root2 = StepScalar(tx.root_corrections, beta2)

    def show(states: States, grads: Array, params: Array, counts: Array) -> dict[str, Array]:
        m, v = states["m"], states["v"]
        second = states["v_max"] if amsgrad else v
        if bias_correction:
            m_hat = m / correction1.column(counts)
            v_hat = second / correction2.column(counts)
            denom = tx.adam_denominator(second, root2.column(counts), eps)
        else:
            m_hat, v_hat = m, second
            denom = tx.adam_denominator(second, None, eps)
        out = {
            "m": m,
            "v": v,
            "m_hat": m_hat,
            "v_hat": v_hat,
            "ratio": tx.divide(m_hat, denom, eps),
            "step_size": _inverse(denom, lr),
        }
        if amsgrad:
            out["v_max"] = states["v_max"]
        return out

    return show


def _adam_names(amsgrad: bool) -> tuple[str, ...]:
    return ("m", "v", "m_hat", "v_hat", "ratio", "step_size") + (("v_max",) if amsgrad else ())


def _weight_decayed(step: Transform, lr: Hyper, weight_decay: Hyper, decoupled: bool) -> Transform:
    """``step`` with weight decay: decoupled around it, or L2 into the gradient before it."""
    if decoupled:
        return tx.decoupled_weight_decay(step, lr, weight_decay)
    return chain(tx.add_decayed_weights(weight_decay), step)


# --- the factories ---------------------------------------------------------------------


def sgd(
    lr: float = 1e-3,
    *,
    momentum: float = 0.0,
    dampening: float = 0.0,
    nesterov: bool = False,
    weight_decay: float = 0.0,
) -> Optimizer:
    """Stochastic gradient descent, with heavy-ball or Nesterov momentum (``torch.optim.SGD``).

    g ← g + λθ;  b_1 = g_1, b_t = μ·b_{t-1} + (1 − d)·g_t;  θ ← θ − lr·b_t
    (Nesterov: θ ← θ − lr·(g_t + μ·b_t)). Nesterov needs μ > 0 and d = 0, as in torch.
    """
    lr = _positive("lr", lr)
    momentum = _non_negative("momentum", momentum)
    dampening = _rate("dampening", dampening, closed=True)
    nesterov = _flag("nesterov", nesterov)
    weight_decay = _non_negative("weight_decay", weight_decay)
    if nesterov and (np.any(np.asarray(momentum) <= 0) or not tx.is_zero(dampening)):
        raise ValueError("nesterov needs momentum > 0 and dampening = 0")
    with_momentum = _all_or_none("momentum", momentum)
    transform = chain(
        tx.add_decayed_weights(weight_decay),
        tx.trace(momentum, dampening, nesterov),
        tx.scale_by_learning_rate(lr),
    )

    def show(states: States, grads: Array, params: Array, counts: Array) -> dict[str, Array]:
        out = {"step_size": _columns(lr, grads)}
        if with_momentum:
            out["momentum"] = states["momentum"]
        return out

    names = ("momentum", "step_size") if with_momentum else ("step_size",)
    hyperparameters = dict(
        lr=lr, momentum=momentum, dampening=dampening, nesterov=nesterov, weight_decay=weight_decay
    )
    return _optimizer("sgd", transform, show, names, hyperparameters)


def rmsprop(
    lr: float = 1e-2,
    *,
    alpha: float = 0.99,
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    momentum: float = 0.0,
    centered: bool = False,
) -> Optimizer:
    """RMSprop (``torch.optim.RMSprop``): g over a running RMS of g, ε outside the root.

    v_t = α·v + (1 − α)·g²;  r_t = g/(√v_t + ε) (centered: √(v_t − g_avg_t²));
    θ ← θ − lr·r_t, or with momentum b_t = μ·b + r_t, θ ← θ − lr·b_t. No bias
    correction. (``alpha`` must be in [0, 1); torch also takes α ≥ 1.)
    """
    lr = _positive("lr", lr)
    alpha = _rate("alpha", alpha)
    eps = _non_negative("eps", eps)
    weight_decay = _non_negative("weight_decay", weight_decay)
    momentum = _non_negative("momentum", momentum)
    centered = _flag("centered", centered)
    with_momentum = _all_or_none("momentum", momentum)
    if with_momentum:
        steps = (
            tx.scale_by_rms(alpha, eps, centered),
            tx.trace(momentum),
            tx.scale_by_learning_rate(lr),
        )
    else:  # torch divides (−lr·g) by the denominator: lr goes inside
        steps = (tx.scale_by_rms(alpha, eps, centered, lr=lr),)
    transform = chain(tx.add_decayed_weights(weight_decay), *steps)

    def show(states: States, grads: Array, params: Array, counts: Array) -> dict[str, Array]:
        v = states["v"]
        g_avg = states["g_avg"] if centered else None
        denom = tx.rms_denominator(v, g_avg, eps)
        out = {
            "v": v,
            "rms": np.sqrt(v),
            "step_size": _inverse(denom, lr),
            "ratio": tx.divide(_l2(grads, params, weight_decay), denom, eps),
        }
        if with_momentum:
            out["momentum"] = states["momentum"]
        if centered:
            out["g_avg"] = states["g_avg"]
        return out

    names = ("v", "rms", "step_size", "ratio")
    if with_momentum:
        names += ("momentum",)
    if centered:
        names += ("g_avg",)
    hyperparameters = dict(
        lr=lr,
        alpha=alpha,
        eps=eps,
        weight_decay=weight_decay,
        momentum=momentum,
        centered=centered,
    )
    return _optimizer("rmsprop", transform, show, names, hyperparameters)


def adagrad(
    lr: float = 1e-2,
    *,
    lr_decay: float = 0.0,
    weight_decay: float = 0.0,
    initial_accumulator_value: float = 0.0,
    eps: float = 1e-10,
) -> Optimizer:
    """Adagrad (``torch.optim.Adagrad``): g over the root of the running sum of g².

    Σ_t = Σ_{t-1} + g²;  θ ← θ − lr_t·g/(√Σ_t + ε), lr_t = lr/(1 + (t − 1)·lr_decay).
    """
    lr = _positive("lr", lr)
    lr_decay = _non_negative("lr_decay", lr_decay)
    weight_decay = _non_negative("weight_decay", weight_decay)
    start = _non_negative("initial_accumulator_value", initial_accumulator_value)
    eps = _non_negative("eps", eps)
    transform = chain(
        tx.add_decayed_weights(weight_decay), tx.scale_by_adagrad(lr, lr_decay, start, eps)
    )
    clr = StepScalar(tx.adagrad_lr, lr, lr_decay)

    def show(states: States, grads: Array, params: Array, counts: Array) -> dict[str, Array]:
        total = states["sum"]
        denom = np.sqrt(total) + eps
        return {
            "sum": total,
            "rms": np.sqrt(total),
            "step_size": _inverse(denom, clr.column(counts)),
            "ratio": tx.divide(_l2(grads, params, weight_decay), denom, eps),
        }

    hyperparameters = dict(
        lr=lr,
        lr_decay=lr_decay,
        weight_decay=weight_decay,
        initial_accumulator_value=start,
        eps=eps,
    )
    return _optimizer("adagrad", transform, show, QUANTITIES["adagrad"], hyperparameters)


def adam(
    lr: float = 1e-3,
    *,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    amsgrad: bool = False,
    bias_correction: bool = True,
) -> Optimizer:
    """Adam (``torch.optim.Adam``), with L2 weight decay into the gradient, and AMSGrad.

    m_t = β1·m + (1 − β1)·g,  v_t = β2·v + (1 − β2)·g²,  θ ← θ − lr·m̂_t/(√v̂_t + ε).
    ``bias_correction=False`` is adamviz's own: m̂ = m and v̂ = v, to show what the
    1 − β^t corrections are for. Both moments then start small, v the more (β2 > β1),
    so the first steps are too large: (1 − β1^t)/√(1 − β2^t) times the corrected
    ones, 3.2 at t = 1 and 6.6 near t = 12 with the defaults.
    """
    lr = _positive("lr", lr)
    beta1 = _rate("beta1", beta1)
    beta2 = _rate("beta2", beta2)
    eps = _non_negative("eps", eps)
    weight_decay = _non_negative("weight_decay", weight_decay)
    amsgrad = _flag("amsgrad", amsgrad)
    bias_correction = _flag("bias_correction", bias_correction)
    transform = chain(
        tx.add_decayed_weights(weight_decay),
        tx.scale_by_adam(lr, beta1, beta2, eps, amsgrad=amsgrad, bias_correction=bias_correction),
    )
    show = _adam_show(lr, beta1, beta2, eps, amsgrad, bias_correction)
    hyperparameters = dict(
        lr=lr,
        beta1=beta1,
        beta2=beta2,
        eps=eps,
        weight_decay=weight_decay,
        amsgrad=amsgrad,
        bias_correction=bias_correction,
    )
    return _optimizer("adam", transform, show, _adam_names(amsgrad), hyperparameters)


def adamw(
    lr: float = 1e-3,
    *,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    weight_decay: float = 1e-2,
    amsgrad: bool = False,
) -> Optimizer:
    """AdamW (``torch.optim.AdamW``, Loshchilov & Hutter 2019): Adam with decoupled decay.

    θ ← θ·(1 − lr·λ) before Adam's step; the decay never enters m or v.
    """
    lr = _positive("lr", lr)
    beta1 = _rate("beta1", beta1)
    beta2 = _rate("beta2", beta2)
    eps = _non_negative("eps", eps)
    weight_decay = _non_negative("weight_decay", weight_decay)
    amsgrad = _flag("amsgrad", amsgrad)
    step = tx.scale_by_adam(lr, beta1, beta2, eps, amsgrad=amsgrad)
    transform = tx.decoupled_weight_decay(step, lr, weight_decay)
    show = _adam_show(lr, beta1, beta2, eps, amsgrad, True)
    hyperparameters = dict(
        lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad
    )
    return _optimizer("adamw", transform, show, _adam_names(amsgrad), hyperparameters)


def adamax(
    lr: float = 2e-3,
    *,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    weight_decay: float = 0.0,
) -> Optimizer:
    """Adamax (``torch.optim.Adamax``): Adam with the infinity norm u_t = max(β2·u, |g| + ε)."""
    lr = _positive("lr", lr)
    beta1 = _rate("beta1", beta1)
    beta2 = _rate("beta2", beta2)
    eps = _non_negative("eps", eps)
    weight_decay = _non_negative("weight_decay", weight_decay)
    transform = chain(
        tx.add_decayed_weights(weight_decay), tx.scale_by_adamax(lr, beta1, beta2, eps)
    )
    correction1 = StepScalar(tx.corrections, beta1)

    def show(states: States, grads: Array, params: Array, counts: Array) -> dict[str, Array]:
        m, u = states["m"], states["u"]
        m_hat = m / correction1.column(counts)
        return {
            "m": m,
            "m_hat": m_hat,
            "u": u,
            "step_size": _inverse(u, lr),
            "ratio": tx.divide(m_hat, u, eps),
        }

    hyperparameters = dict(lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay)
    return _optimizer("adamax", transform, show, QUANTITIES["adamax"], hyperparameters)


def nadam(
    lr: float = 2e-3,
    *,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    momentum_decay: float = 4e-3,
    decoupled_weight_decay: bool = False,
) -> Optimizer:
    """NAdam (``torch.optim.NAdam``, Dozat 2016): Adam with Nesterov momentum.

    μ_t = β1·(1 − ½·0.96^(t·ψ));
    θ ← θ − lr·((1 − μ_t)/(1 − Π_t)·g + μ_{t+1}/(1 − Π_{t+1})·m)/(√v̂ + ε).
    Weight decay is L2 into g, or decoupled (θ·(1 − lr·λ) first) if asked.
    """
    lr = _positive("lr", lr)
    beta1 = _rate("beta1", beta1)
    beta2 = _rate("beta2", beta2)
    eps = _non_negative("eps", eps)
    weight_decay = _non_negative("weight_decay", weight_decay)
    momentum_decay = _non_negative("momentum_decay", momentum_decay)
    decoupled = _flag("decoupled_weight_decay", decoupled_weight_decay)
    step = tx.scale_by_nadam(lr, beta1, beta2, eps, momentum_decay)
    transform = _weight_decayed(step, lr, weight_decay, decoupled)
    l2 = 0.0 if decoupled else weight_decay
    correction2 = StepScalar(tx.corrections, beta2)
    mu_at = StepScalar(tx.nadam_mu, beta1, momentum_decay)
    mu_next_at = StepScalar(tx.nadam_mu_next, beta1, momentum_decay)

    def show(states: States, grads: Array, params: Array, counts: Array) -> dict[str, Array]:
        m, v = states["m"], states["v"]
        c2 = correction2.column(counts)
        denom = tx.nadam_denominator(v, c2, eps)
        mu, mu_next = mu_at.column(counts), mu_next_at.column(counts)
        mu_product = _steps(states["mu_product"], m)
        mixed = (1.0 - mu) / (1.0 - mu_product) * _l2(grads, params, l2)
        mixed = mixed + mu_next / (1.0 - mu_product * mu_next) * m
        return {
            "m": m,
            "v": v,
            "v_hat": v / c2,
            "mu_product": mu_product,
            "step_size": _inverse(denom, lr),
            "ratio": tx.divide(mixed, denom, eps),
        }

    hyperparameters = dict(
        lr=lr,
        beta1=beta1,
        beta2=beta2,
        eps=eps,
        weight_decay=weight_decay,
        momentum_decay=momentum_decay,
        decoupled_weight_decay=decoupled,
    )
    return _optimizer("nadam", transform, show, QUANTITIES["nadam"], hyperparameters)


def radam(
    lr: float = 1e-3,
    *,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    decoupled_weight_decay: bool = False,
) -> Optimizer:
    """RAdam (``torch.optim.RAdam``, Liu et al. 2020): Adam with a rectified adaptive rate.

    While ρ_t ≤ 5 (for β2 = 0.999 the first 5 steps) the step is −lr·m̂; after,
    −lr·r_t·m̂·√(1 − β2^t)/(√v + ε).
    """
    lr = _positive("lr", lr)
    beta1 = _rate("beta1", beta1)
    beta2 = _rate("beta2", beta2)
    eps = _non_negative("eps", eps)
    weight_decay = _non_negative("weight_decay", weight_decay)
    decoupled = _flag("decoupled_weight_decay", decoupled_weight_decay)
    step = tx.scale_by_radam(lr, beta1, beta2, eps)
    transform = _weight_decayed(step, lr, weight_decay, decoupled)
    correction1 = StepScalar(tx.corrections, beta1)
    correction2 = StepScalar(tx.corrections, beta2)
    root2 = StepScalar(tx.root_corrections, beta2)
    rho_at = StepScalar(tx.radam_rho, beta2)
    rectifier_at = StepScalar(tx.radam_rectifiers, beta2)

    def show(states: States, grads: Array, params: Array, counts: Array) -> dict[str, Array]:
        m, v = states["m"], states["v"]
        m_hat = m / correction1.column(counts)
        rho = _steps(rho_at.column(counts), m)
        rectifier = _steps(rectifier_at.column(counts), m)
        root = root2.column(counts)
        on = rho > 5.0
        ratio = np.where(on, m_hat * tx.radam_adaptive(v, root, eps) * rectifier, m_hat)
        with np.errstate(invalid="ignore"):  # inf·0 where the rate is off, and not taken
            rectified = _inverse(np.sqrt(v) + eps, lr * root) * rectifier
        step_size = np.where(on, rectified, _columns(lr, m))
        return {
            "m": m,
            "m_hat": m_hat,
            "v": v,
            "v_hat": v / correction2.column(counts),
            "rho": rho,
            "rectifier": rectifier,
            "step_size": step_size,
            "ratio": ratio,
        }

    hyperparameters = dict(
        lr=lr,
        beta1=beta1,
        beta2=beta2,
        eps=eps,
        weight_decay=weight_decay,
        decoupled_weight_decay=decoupled,
    )
    return _optimizer("radam", transform, show, QUANTITIES["radam"], hyperparameters)


def lion(
    lr: float = 1e-4,
    *,
    beta1: float = 0.9,
    beta2: float = 0.99,
    weight_decay: float = 0.0,
) -> Optimizer:
    """Lion (Chen et al. 2023; optax's ``lion``): the sign of an interpolated momentum.

    θ ← θ·(1 − lr·λ);  θ ← θ − lr·sign(β1·m + (1 − β1)·g);  m ← β2·m + (1 − β2)·g.
    (optax folds the decay into the update, θ − lr·(sign + λθ): the same maths.)
    """
    lr = _positive("lr", lr)
    beta1 = _rate("beta1", beta1)
    beta2 = _rate("beta2", beta2)
    weight_decay = _non_negative("weight_decay", weight_decay)
    step = chain(tx.scale_by_lion(beta1, beta2), tx.scale_by_learning_rate(lr))
    transform = tx.decoupled_weight_decay(step, lr, weight_decay)

    def show(states: States, grads: Array, params: Array, counts: Array) -> dict[str, Array]:
        m = states["m"]
        before = np.concatenate([np.zeros_like(m[:1]), m[:-1]])  # m_{t-1}, what step t used
        return {"m": m, "sign": tx.lion_direction(before, grads, beta1)}

    hyperparameters = dict(lr=lr, beta1=beta1, beta2=beta2, weight_decay=weight_decay)
    return _optimizer("lion", transform, show, QUANTITIES["lion"], hyperparameters)


#: The factories ``run_many`` may give per-column arrays to (others run one by one).
BUILTIN: dict[str, Callable[..., Optimizer]] = {
    "sgd": sgd,
    "rmsprop": rmsprop,
    "adagrad": adagrad,
    "adam": adam,
    "adamw": adamw,
    "adamax": adamax,
    "nadam": nadam,
    "radam": radam,
    "lion": lion,
}

for _name, _factory in BUILTIN.items():
    register(_name, _factory)
