"""The small transforms the optimizers are chained from, each rounding as torch 2.13 does.

Every recurrence is written with the operations, operands and order of
``torch/optim/*.py``'s ``_single_tensor_*`` functions, so that the float64
results are torch's. A few of torch's tensor methods round in their own way
and have a numpy twin here:

* ``m.lerp_(g, w)`` is ``m + w·(g − m)`` for ``|w| < 0.5`` and
  ``g − (g − m)·(1 − w)`` otherwise (ATen's ``lerp``), not ``(1 − w)·m + w·g``.
* ``x.addcmul_(a, b, value=c)`` is ``x + (c·a)·b``; ``x.addcdiv_(a, b, value=c)``
  is ``x + (c·a)/b``. The scalar multiplies the numerator *before* the division,
  which is why the learning rate is a parameter of the transforms whose step
  ends in an ``addcdiv_`` (Adam, Adagrad, ...): scaling afterwards would round
  differently.
* ``x.add_(y, alpha=c)`` is ``x + c·y``, and ``c / tensor`` is
  ``tensor.reciprocal() * c`` (``Tensor.__rtruediv__``).

Scalars that torch computes in Python (``1 - beta1**step``, NAdam's μ_t,
RAdam's ρ_t) are computed here in Python floats, per step, by ``StepScalar``:
numpy's vectorized ``power`` may differ from Python's in the last bit.

What a numpy program cannot reproduce: on a CPU with FMA, torch's AVX2/AVX-512
kernels fuse the multiply-adds above into one rounding; and its float64 ``sqrt``
is MKL's, one ulp off on about 1% of inputs (``np.sqrt`` is correctly rounded).
Against torch's portable kernels (``ATEN_CPU_CAPABILITY=default``) with a
correctly rounded square root, the results agree bit for bit; see tests/optim.

The last transform of an optimizer returns the increment u_t that
``apply_updates`` adds to θ_{t-1}. Where torch changes θ in two stages (NAdam's
two ``addcdiv_``; decoupled weight decay's ``mul_`` before the step), the
transform computes torch's θ_t and returns ``θ_t − θ_{t-1}`` (``increment``).

A step differs from torch's on purpose only where torch would divide by a zero
denominator (ε = 0 and no gradient energy yet): the ratio is 0 there, not NaN or
±inf, and so is the step.

Hyperparameters are numbers, or arrays with one value per parameter column: that
is how ``run_many`` simulates several runs of one optimizer at once, side by side
along the parameter axis (every operation is elementwise). The transforms do not
check their hyperparameters; the factories in ``alias`` do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from .base import EmptyState, State, Transform, identity
from .trace import Array

#: A hyperparameter: a number, or one value per parameter column (a 1-D array).
Hyper = float | Array

# --- torch's rounding, written out --------------------------------------------------------


def lerp(start: Array, end: Array, weight: float) -> Array:
    """``start.lerp(end, weight)`` as ATen rounds it (scalar weight).

    ATen picks the form that is exact at its nearer end: ``start + w·(end − start)``
    for ``|w| < 0.5`` and ``end − (end − start)·(1 − w)`` otherwise. torch's
    moments use it as ``m.lerp_(g, 1 − β1)``: with the usual β1 = 0.9 the first
    form, with β1 ≤ 0.5 the second.
    """
    return lerp_by(weight)(start, end)


def lerp_by(weight: Hyper) -> Callable[[Array, Array], Array]:
    """``lerp`` with its weight fixed: the branch (per column) is chosen once, here."""
    small = np.abs(weight) < 0.5
    rest = 1.0 - weight  # ATen's (1 − weight), the same number every step
    if np.all(small):
        return lambda start, end: start + weight * (end - start)
    if not np.any(small):
        return lambda start, end: end - (end - start) * rest
    return lambda start, end: np.where(
        small, start + weight * (end - start), end - (end - start) * rest
    )


def addcmul(x: Array, a: Array, b: Array, value: Hyper) -> Array:
    """``x.addcmul(a, b, value=value)``: ``x + (value·a)·b``."""
    return x + (value * a) * b


def _guarded_divide(numerator: Array, denominator: Array) -> Array:
    out = np.zeros(np.broadcast_shapes(np.shape(numerator), np.shape(denominator)))
    return np.divide(numerator, denominator, out=out, where=denominator != 0)


def divider(eps: Hyper) -> Callable[[Array, Array], Array]:
    """Division for denominators that are ``something ≥ 0`` plus ε.

    With ε > 0 a plain division. With ε = 0 a denominator is 0 only when the
    optimizer has seen no gradient energy, and then there is no evidence for a
    step: 0 there, where torch gives NaN or ±inf.
    """
    return np.divide if np.all(np.asarray(eps) > 0) else _guarded_divide


def divide(numerator: Array, denominator: Array, eps: Hyper) -> Array:
    """``numerator / denominator``, 0 where the denominator is 0 and ε = 0 (see ``divider``)."""
    return divider(eps)(numerator, denominator)


def increment(new: Array, params: Array) -> Array:
    """``θ_t − θ_{t-1}``: what ``apply_updates`` adds to θ_{t-1} to land on ``new``.

    Exact, so that ``params + increment(new, params) == new``, whenever ``new`` is
    within a factor 2 of ``params`` (Sterbenz's lemma): whenever a step moves a
    parameter by less than half its size. A bigger step (a parameter crossing or
    starting at 0) can land an ulp of θ_{t-1} away from torch's θ_t.
    """
    return new - params


# --- scalars per step, in Python floats ---------------------------------------------------

#: Step numbers t = 1, 2, ...: the scalar functions below take a run of them
#: and return one Python float for each (a list comprehension costs far less per
#: step than a Python call per step, and a run has 100 000 steps).
Steps = Sequence[int]


def corrections(steps: Steps, beta: float) -> list[float]:
    """``1 − β^t`` for each step, the factor that undoes a moment's start at zero.

    torch's ``bias_correction1`` and ``bias_correction2``, computed as torch does.
    """
    return [1 - beta**t for t in steps]


class StepScalar:
    """``fn(steps, *hyper)``: a number per step, in Python floats, as torch computes it.

    ``scalar(t)`` is the number at step t: a float, or, with some hyperparameters
    given per column, an array (columns,) for which ``fn`` runs once per distinct
    combination of values. ``fn`` is evaluated 1024 steps at a time, ahead (a
    cache that saves time only: the numbers are ``fn``'s). ``column(counts)`` is
    the same numbers for all steps at once, (steps, 1) or (steps, columns): how
    ``show`` gets the very scalars the steps used.
    """

    block = 1024

    def __init__(self, fn: Callable[..., list[float]], *hyper: Hyper) -> None:
        self.fn = fn
        arrays = [np.asarray(h, dtype=np.float64) for h in hyper]
        self.batched = any(a.ndim for a in arrays)
        if self.batched:
            shape = np.broadcast_shapes(*(a.shape for a in arrays))
            table = np.stack([np.broadcast_to(a, shape).ravel() for a in arrays], axis=1)
            combos, inverse = np.unique(table, axis=0, return_inverse=True)
            self._combos = [tuple(float(x) for x in row) for row in combos]
            self._inverse = inverse.reshape(-1)
        else:
            self._combos = [tuple(float(a) for a in arrays)]
        # (first step, its rows): replaced whole, never changed, so safe to share
        self._cache: tuple[int, Any] = (1, [])

    def __call__(self, count: int) -> Any:
        start, rows = self._cache
        if not 0 <= count - start < len(rows):
            start, rows = count, self._rows(range(count, count + self.block))
            self._cache = (start, rows)
        return rows[count - start]

    def column(self, counts: Array) -> Array:
        """The scalar at every step number in ``counts``: (steps, 1), or (steps, columns)."""
        rows = self._rows([int(t) for t in np.ravel(counts)])
        return np.asarray(rows, dtype=np.float64).reshape(len(rows), -1)

    def _rows(self, steps: Steps) -> Any:
        if not self.batched:
            return self.fn(steps, *self._combos[0])
        values = np.array([self.fn(steps, *combo) for combo in self._combos], dtype=np.float64)
        # (steps, combos) first, small; then one gather into (steps, columns), C-ordered
        return np.take(np.ascontiguousarray(values.T), self._inverse, axis=1)


def is_zero(value: Hyper) -> bool:
    """A switched-off term: 0 (in every column)."""
    return bool(np.all(np.asarray(value) == 0))


# --- gradient and parameter terms --------------------------------------------------------


def add_decayed_weights(weight_decay: Hyper) -> Transform:
    """L2 weight decay into the gradient: g ← g + λ·θ_{t-1}.

    torch: ``grad = grad.add(param, alpha=weight_decay)`` (SGD, RMSprop, Adagrad,
    Adam, Adamax, NAdam, RAdam). λ = 0 is the identity, as torch skips it.
    """
    if is_zero(weight_decay):
        return identity()

    def init(params: Array) -> EmptyState:
        del params
        return EmptyState()

    def update(updates: Array, state: EmptyState, params: Array) -> tuple[Array, EmptyState]:
        return updates + weight_decay * params, state

    return Transform(init, update)


def decoupled_weight_decay(inner: Transform, lr: Hyper, weight_decay: Hyper) -> Transform:
    """``inner``'s step taken from θ_{t-1}·(1 − lr·λ): decoupled weight decay.

    Loshchilov & Hutter (2019); torch's AdamW and ``decoupled_weight_decay=True``::

        θ' = θ_{t-1}·(1 − lr·λ)        # param.mul_(1 - lr * weight_decay), first
        θ_t = θ' + u_t                 # u_t from ``inner``, given θ' as its params

    A wrapper rather than a link of a chain, because torch decays θ *before* the
    step, and NAdam's two additions start from the decayed θ'. ``inner`` must read
    the parameters only as the base of its step (no L2 term inside). λ = 0 returns
    ``inner`` itself.
    """
    if is_zero(weight_decay):
        return inner
    factor = 1 - lr * weight_decay
    inner_update = inner.update

    def update(updates: Array, state: State, params: Array) -> tuple[Array, State]:
        decayed = params * factor
        step, state = inner_update(updates, state, decayed)
        return increment(decayed + step, params), state

    return Transform(inner.init, update)


def scale_by_learning_rate(lr: Hyper) -> Transform:
    """u ← −lr·u: the step of SGD, of RMSprop with momentum, and of Lion.

    torch: ``param.add_(buf, alpha=-lr)``, i.e. θ + (−lr)·buf.
    """
    neg_lr = -lr

    def init(params: Array) -> EmptyState:
        del params
        return EmptyState()

    def update(updates: Array, state: EmptyState, params: Array) -> tuple[Array, EmptyState]:
        del params
        return neg_lr * updates, state

    return Transform(init, update)


class TraceState(NamedTuple):
    """The momentum buffer b_t; None before the first step (torch starts it at g_1)."""

    momentum: Array | None


def trace(momentum: Hyper, dampening: Hyper = 0.0, nesterov: bool = False) -> Transform:
    """Heavy-ball momentum, as torch's SGD (and RMSprop) keeps it.

    torch ``_single_tensor_sgd``::

        b_1 = g_1                          # buf = grad.detach().clone(): no dampening
        b_t = μ·b_{t-1} + (1 − d)·g_t      # buf.mul_(momentum).add_(grad, alpha=1 - dampening)
        u_t = g_t + μ·b_t   (Nesterov)     # grad.add(buf, alpha=momentum)
        u_t = b_t           (otherwise)

    μ = 0 is the identity (torch keeps no buffer). RMSprop's buffer starts at 0
    and adds r_t = g/(√v+ε) undamped: with d = 0 the same numbers (0·μ + r = r).
    """
    if is_zero(momentum):
        return identity()
    keep = 1 - dampening

    def init(params: Array) -> TraceState:
        del params
        return TraceState(None)

    def update(updates: Array, state: TraceState, params: Array) -> tuple[Array, TraceState]:
        del params
        buf = (
            updates.copy() if state.momentum is None else state.momentum * momentum + keep * updates
        )
        return (updates + momentum * buf if nesterov else buf), TraceState(buf)

    return Transform(init, update)


# --- Adam and its family ---------------------------------------------------------------


class ScaleByAdamState(NamedTuple):
    """Adam after ``count`` steps: raw moments m, v, and AMSGrad's running max of v."""

    count: int
    m: Array
    v: Array
    v_max: Array | None


def adam_step_size(steps: Steps, lr: float, beta1: float) -> list[float]:
    """lr / (1 − β1^t): torch's ``step_size``, what multiplies m_t (the raw moment)."""
    return [lr / (1 - beta1**t) for t in steps]


def root_corrections(steps: Steps, beta2: float) -> list[float]:
    """(1 − β2^t)**0.5: torch's ``bias_correction2_sqrt`` (a Python power, not ``np.sqrt``)."""
    return [(1 - beta2**t) ** 0.5 for t in steps]


def adam_denominator(v: Array, root2: Hyper | None, eps: Hyper) -> Array:
    """√v̂ + ε as torch computes it: ``(v.sqrt() / bias_correction2_sqrt).add_(eps)``.

    ``v`` is the raw second moment (for AMSGrad its running max); ``root2`` is
    (1 − β2^t)**0.5 from ``root_corrections`` (a number, a row per column, or a
    column over steps), or None without bias correction, for √v + ε.
    """
    root = np.sqrt(v)
    return (root if root2 is None else root / root2) + eps


def scale_by_adam(
    lr: Hyper,
    beta1: Hyper = 0.9,
    beta2: Hyper = 0.999,
    eps: Hyper = 1e-8,
    *,
    amsgrad: bool = False,
    bias_correction: bool = True,
) -> Transform:
    """Adam's step (Kingma & Ba 2014, Algorithm 1; Reddi et al. 2018 for AMSGrad).

    torch ``_single_tensor_adam`` (capturable=False)::

        m_t = m_{t-1}.lerp(g_t, 1 − β1)
        v_t = β2·v_{t-1} + ((1 − β2)·g_t)·g_t                  # mul_(β2).addcmul_
        v_max_t = max(v_max_{t-1}, v_t)                        # AMSGrad; used instead of v_t
        denom = √v_t / (1 − β2^t)**0.5 + ε
        u_t = (−(lr / (1 − β1^t))·m_t) / denom                 # addcdiv_, value=-step_size

    ``bias_correction=False`` (adamviz's own option, to show what the correction
    is for) uses m_t and v_t as they are: u_t = (−lr·m_t)/(√v_t + ε).
    """
    blend = lerp_by(1 - beta1)
    keep2 = 1 - beta2
    div = divider(eps)
    step_size = StepScalar(adam_step_size, lr, beta1) if bias_correction else None
    root2 = StepScalar(root_corrections, beta2) if bias_correction else None
    neg_lr = -lr

    def init(params: Array) -> ScaleByAdamState:
        zeros = np.zeros_like(params, dtype=np.float64)
        return ScaleByAdamState(0, zeros, zeros, zeros if amsgrad else None)

    def update(
        grads: Array, state: ScaleByAdamState, params: Array
    ) -> tuple[Array, ScaleByAdamState]:
        del params
        count = state.count + 1
        m = blend(state.m, grads)
        v = addcmul(state.v * beta2, grads, grads, keep2)
        v_max = None if state.v_max is None else np.maximum(state.v_max, v)
        second = v if v_max is None else v_max
        if step_size is None or root2 is None:
            return div(neg_lr * m, np.sqrt(second) + eps), ScaleByAdamState(count, m, v, v_max)
        denom = adam_denominator(second, root2(count), eps)
        return div(-step_size(count) * m, denom), ScaleByAdamState(count, m, v, v_max)

    return Transform(init, update)


class ScaleByAdamaxState(NamedTuple):
    """Adamax after ``count`` steps: m and the infinity norm u (torch's ``exp_inf``)."""

    count: int
    m: Array
    u: Array


def scale_by_adamax(
    lr: Hyper, beta1: Hyper = 0.9, beta2: Hyper = 0.999, eps: Hyper = 1e-8
) -> Transform:
    """Adamax (Kingma & Ba 2014, §7.1): Adam with an infinity norm for v.

    torch ``_single_tensor_adamax``::

        m_t = m_{t-1}.lerp(g_t, 1 − β1)
        u_t = max(β2·u_{t-1}, |g_t| + ε)        # ε inside the max, as torch does it
        step = (−(lr / (1 − β1^t))·m_t) / u_t   # addcdiv_(exp_avg, exp_inf, value=-clr)
    """
    blend = lerp_by(1 - beta1)
    div = divider(eps)
    clr = StepScalar(adam_step_size, lr, beta1)

    def init(params: Array) -> ScaleByAdamaxState:
        zeros = np.zeros_like(params, dtype=np.float64)
        return ScaleByAdamaxState(0, zeros, zeros)

    def update(
        grads: Array, state: ScaleByAdamaxState, params: Array
    ) -> tuple[Array, ScaleByAdamaxState]:
        del params
        count = state.count + 1
        m = blend(state.m, grads)
        u = np.maximum(state.u * beta2, np.abs(grads) + eps)
        return div(-clr(count) * m, u), ScaleByAdamaxState(count, m, u)

    return Transform(init, update)


class ScaleByNadamState(NamedTuple):
    """NAdam after ``count`` steps: Π μ_i (a number, or one per column), m and v."""

    count: int
    mu_product: float | Array
    m: Array
    v: Array


def nadam_mu(steps: Steps, beta1: float, momentum_decay: float) -> list[float]:
    """μ_t = β1·(1 − ½·0.96^(t·ψ)), Dozat's momentum schedule (torch's expression)."""
    return [beta1 * (1.0 - 0.5 * (0.96 ** (t * momentum_decay))) for t in steps]


def nadam_mu_next(steps: Steps, beta1: float, momentum_decay: float) -> list[float]:
    """μ_{t+1}, computed at step t as torch does: from ``(step + 1) * momentum_decay``."""
    return [beta1 * (1.0 - 0.5 * (0.96 ** ((t + 1) * momentum_decay))) for t in steps]


def nadam_denominator(v: Array, correction2: Hyper, eps: Hyper) -> Array:
    """√(v / (1 − β2^t)) + ε: ``exp_avg_sq.div(bias_correction2).sqrt()``, then ``add_(eps)``."""
    return np.sqrt(v / correction2) + eps


def scale_by_nadam(
    lr: Hyper,
    beta1: Hyper = 0.9,
    beta2: Hyper = 0.999,
    eps: Hyper = 1e-8,
    momentum_decay: Hyper = 4e-3,
) -> Transform:
    """NAdam (Dozat 2016): Adam with Nesterov momentum and a warming momentum schedule.

    torch ``_single_tensor_nadam`` (capturable=False)::

        μ_t = β1·(1 − ½·0.96^(t·ψ)),  μ_{t+1} likewise,  Π_t = Π_{t-1}·μ_t
        m_t = m_{t-1}.lerp(g_t, 1 − β1);   v_t = β2·v_{t-1} + ((1 − β2)·g_t)·g_t
        denom = √(v_t / (1 − β2^t)) + ε
        θ' = θ_{t-1} + ((−lr·(1 − μ_t) / (1 − Π_t))·g_t) / denom
        θ_t = θ' + ((−lr·μ_{t+1} / (1 − Π_t·μ_{t+1}))·m_t) / denom

    torch adds twice; the increment returned is θ_t − θ_{t-1} (``increment``). Π is
    float64 here, as in torch when its default dtype is float64 (with the float32
    default, torch keeps Π in float32).
    """
    blend = lerp_by(1 - beta1)
    keep2 = 1 - beta2
    div = divider(eps)
    mu_at = StepScalar(nadam_mu, beta1, momentum_decay)
    mu_next_at = StepScalar(nadam_mu_next, beta1, momentum_decay)
    correction2 = StepScalar(corrections, beta2)

    def init(params: Array) -> ScaleByNadamState:
        zeros = np.zeros_like(params, dtype=np.float64)
        return ScaleByNadamState(0, 1.0, zeros, zeros)

    def update(
        grads: Array, state: ScaleByNadamState, params: Array
    ) -> tuple[Array, ScaleByNadamState]:
        count = state.count + 1
        mu, mu_next = mu_at(count), mu_next_at(count)
        mu_product = state.mu_product * mu
        m = blend(state.m, grads)
        v = addcmul(state.v * beta2, grads, grads, keep2)
        denom = nadam_denominator(v, correction2(count), eps)
        grad_value = -lr * (1.0 - mu) / (1.0 - mu_product)
        m_value = (-lr * mu_next) / (1.0 - mu_product * mu_next)
        halfway = params + div(grad_value * grads, denom)
        new = halfway + div(m_value * m, denom)
        return increment(new, params), ScaleByNadamState(count, mu_product, m, v)

    return Transform(init, update)


class ScaleByRadamState(NamedTuple):
    """RAdam after ``count`` steps: the raw moments m and v."""

    count: int
    m: Array
    v: Array


def radam_rho(steps: Steps, beta2: float) -> list[float]:
    """ρ_t = ρ∞ − 2tβ2^t/(1 − β2^t), ρ∞ = 2/(1 − β2) − 1: the length of the approximated SMA."""
    rho_inf = 2 / (1 - beta2) - 1
    return [rho_inf - 2 * t * (beta2**t) / (1 - beta2**t) for t in steps]


def radam_rectifiers(steps: Steps, beta2: float) -> list[float]:
    """``radam_rectifier`` for each step."""
    rho_inf = 2 / (1 - beta2) - 1
    return [radam_rectifier(rho_t, rho_inf) for rho_t in radam_rho(steps, beta2)]


def radam_rectifier(rho_t: float, rho_inf: float) -> float:
    """r_t = √((ρ_t−4)(ρ_t−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρ_t)) where ρ_t > 5.

    0 where ρ_t ≤ 5: there the adaptive rate is off and the step is −lr·m̂.
    """
    if not rho_t > 5.0:
        return 0.0
    return ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5


def radam_adaptive(
    v: Array, root2: Hyper, eps: Hyper, div: Callable[[Any, Array], Array] | None = None
) -> Array:
    """√(1 − β2^t) / (√v + ε) as torch computes it: ``(√v + ε).reciprocal() * bc2**0.5``.

    (torch's ``float / tensor`` is ``tensor.reciprocal() * float``.) 0 where √v + ε is 0.
    ``div`` is ``divider(eps)``, when the caller has it already.
    """
    return (div or divider(eps))(1.0, np.sqrt(v) + eps) * root2


def scale_by_radam(
    lr: Hyper, beta1: Hyper = 0.9, beta2: Hyper = 0.999, eps: Hyper = 1e-8
) -> Transform:
    """RAdam (Liu et al. 2020): Adam that steps like momentum SGD until v can be trusted.

    torch ``_single_tensor_radam`` (capturable=False)::

        m_t = m_{t-1}.lerp(g_t, 1 − β1);   v_t = β2·v_{t-1} + ((1 − β2)·g_t)·g_t
        m̂_t = m_t / (1 − β1^t)
        ρ∞ = 2/(1 − β2) − 1;   ρ_t = ρ∞ − 2tβ2^t/(1 − β2^t)
        ρ_t > 5:  u_t = −(((m̂_t·lr)·(√(1 − β2^t)/(√v_t + ε)))·r_t)     # r_t: radam_rectifier
        else:     u_t = −(m̂_t·lr)
    """
    blend = lerp_by(1 - beta1)
    keep2 = 1 - beta2
    div = divider(eps)
    correction1 = StepScalar(corrections, beta1)
    root2 = StepScalar(root_corrections, beta2)
    rectifier = StepScalar(radam_rectifiers, beta2)  # > 0 exactly where ρ_t > 5

    def init(params: Array) -> ScaleByRadamState:
        zeros = np.zeros_like(params, dtype=np.float64)
        return ScaleByRadamState(0, zeros, zeros)

    def update(
        grads: Array, state: ScaleByRadamState, params: Array
    ) -> tuple[Array, ScaleByRadamState]:
        del params
        count = state.count + 1
        m = blend(state.m, grads)
        v = addcmul(state.v * beta2, grads, grads, keep2)
        m_hat = m / correction1(count)
        r = rectifier(count)
        if rectifier.batched:  # ρ_t depends on β2: on in some columns, off in others
            rectified = m_hat * lr * radam_adaptive(v, root2(count), eps, div) * r
            step = np.where(r > 0, rectified, m_hat * lr)
        elif r > 0:
            step = m_hat * lr * radam_adaptive(v, root2(count), eps, div) * r
        else:
            step = m_hat * lr
        return -step, ScaleByRadamState(count, m, v)

    return Transform(init, update)


# --- the others ------------------------------------------------------------------------


class ScaleByRmsState(NamedTuple):
    """RMSprop's running averages: v of g² (torch's ``square_avg``), g_avg of g if centered."""

    v: Array
    g_avg: Array | None


def rms_denominator(v: Array, g_avg: Array | None, eps: Hyper) -> Array:
    """√v + ε, or √(v − g_avg²) + ε when centered.

    torch: ``square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()``, then ``add_(eps)``.
    """
    second = v if g_avg is None else addcmul(v, g_avg, g_avg, -1.0)
    return np.sqrt(second) + eps


def scale_by_rms(
    alpha: Hyper = 0.99, eps: Hyper = 1e-8, centered: bool = False, lr: Hyper | None = None
) -> Transform:
    """RMSprop's preconditioning (Hinton, Lecture 6e; Graves 2013 for centered).

    torch ``_single_tensor_rmsprop``::

        v_t = α·v_{t-1} + ((1 − α)·g_t)·g_t
        g_avg_t = g_avg_{t-1}.lerp(g_t, 1 − α)                 # centered only
        denom = √v_t + ε   or   √(v_t − g_avg_t²) + ε          # ε outside the root
        r_t = g_t / denom                                      # with momentum: into the buffer
        u_t = (−lr·g_t) / denom                                # without: addcdiv_, value=-lr

    With ``lr=None`` the transform returns r_t (for ``trace`` and
    ``scale_by_learning_rate`` to follow); with ``lr`` it returns u_t, the step.
    No bias correction: v starts at 0, so the first steps are large.
    """
    keep = 1 - alpha
    blend = lerp_by(keep)
    value = 1.0 if lr is None else -lr
    div = divider(eps)

    def init(params: Array) -> ScaleByRmsState:
        zeros = np.zeros_like(params, dtype=np.float64)
        return ScaleByRmsState(zeros, zeros if centered else None)

    def update(
        grads: Array, state: ScaleByRmsState, params: Array
    ) -> tuple[Array, ScaleByRmsState]:
        del params
        v = addcmul(state.v * alpha, grads, grads, keep)
        g_avg = None if state.g_avg is None else blend(state.g_avg, grads)
        denom = rms_denominator(v, g_avg, eps)
        return div(value * grads, denom), ScaleByRmsState(v, g_avg)

    return Transform(init, update)


class ScaleByAdagradState(NamedTuple):
    """Adagrad after ``count`` steps: the running sum Σ g² (torch's ``sum``)."""

    count: int
    sum: Array


def adagrad_lr(steps: Steps, lr: float, lr_decay: float) -> list[float]:
    """lr_t = lr / (1 + (t − 1)·lr_decay), torch's ``clr``."""
    return [lr / (1 + (t - 1) * lr_decay) for t in steps]


def scale_by_adagrad(
    lr: Hyper, lr_decay: Hyper = 0.0, initial_accumulator_value: Hyper = 0.0, eps: Hyper = 1e-10
) -> Transform:
    """Adagrad (Duchi et al. 2011).

    torch ``_single_tensor_adagrad`` (dense)::

        Σ_0 = initial_accumulator_value
        Σ_t = Σ_{t-1} + (1·g_t)·g_t                   # addcmul_(grad, grad, value=1)
        lr_t = lr / (1 + (t − 1)·lr_decay)
        u_t = (−lr_t·g_t) / (√Σ_t + ε)                # ε outside the root
    """
    clr = StepScalar(adagrad_lr, lr, lr_decay)
    div = divider(eps)

    def init(params: Array) -> ScaleByAdagradState:
        start = np.broadcast_to(initial_accumulator_value, np.shape(params))
        return ScaleByAdagradState(0, np.array(start, dtype=np.float64))

    def update(
        grads: Array, state: ScaleByAdagradState, params: Array
    ) -> tuple[Array, ScaleByAdagradState]:
        del params
        count = state.count + 1
        total = addcmul(state.sum, grads, grads, 1.0)
        return div(-clr(count) * grads, np.sqrt(total) + eps), ScaleByAdagradState(count, total)

    return Transform(init, update)


class ScaleByLionState(NamedTuple):
    """Lion's single moment m."""

    m: Array


def lion_direction(m: Array, grads: Array, beta1: Hyper) -> Array:
    """sign(β1·m_{t-1} + (1 − β1)·g_t), the interpolation Lion takes the sign of (optax's form)."""
    return np.sign((1.0 - beta1) * grads + beta1 * m)


def scale_by_lion(beta1: Hyper = 0.9, beta2: Hyper = 0.99) -> Transform:
    """Lion's direction (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms").

    As optax's ``scale_by_lion``::

        c_t = (1 − β1)·g_t + β1·m_{t-1}
        u_t = sign(c_t)
        m_t = (1 − β2)·g_t + β2·m_{t-1}

    Follow it with ``scale_by_learning_rate``; weight decay wraps around both.
    """
    keep2 = 1.0 - beta2

    def init(params: Array) -> ScaleByLionState:
        return ScaleByLionState(np.zeros_like(params, dtype=np.float64))

    def update(
        grads: Array, state: ScaleByLionState, params: Array
    ) -> tuple[Array, ScaleByLionState]:
        del params
        direction = lion_direction(state.m, grads, beta1)
        return direction, ScaleByLionState(keep2 * grads + beta2 * state.m)

    return Transform(init, update)
