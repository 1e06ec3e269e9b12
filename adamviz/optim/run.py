"""Run an optimizer over a stream of gradients and record every step in a ``Trace``.

The loop over time keeps what the step itself made (θ_t, and the state, which
is immutable and so kept as it is); everything the figures show besides is
computed afterwards, for all steps at once, by the optimizer's ``show``.
``run_many`` runs several at once, stacking runs of one optimizer side by side.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Any, NamedTuple

import numpy as np

from .alias import BUILTIN, OPTIMIZERS
from .base import Optimizer, stack_states
from .trace import Array, Trace

#: g_t for step t (1-based), given θ_{t-1}: a closed loop, where the gradient
#: depends on where the optimizer has taken the parameters.
GradientSource = Callable[[int, Array], Array]


def run(
    optimizer: Optimizer,
    gradients: Array | GradientSource,
    theta0: Array,
    steps: int,
    label: str = "",
) -> Trace:
    """Feed ``steps`` gradients through ``optimizer`` from ``theta0``; every quantity, every step.

    ``gradients`` is an array (steps, params), or a ``GradientSource`` asked for
    g_t at θ_{t-1} each step (it must not change the θ it is given). The trace's
    ``update`` is θ_t − θ_{t-1} as applied, ``theta`` is θ_t, and its quantities
    are the optimizer's ``names``.
    """
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 1:
        raise ValueError(f"steps must be a whole number >= 1, got {steps!r}")
    theta = np.array(theta0, dtype=np.float64).reshape(-1)
    start = theta
    shape = (int(steps), theta.size)
    # A copy: the trace keeps it, and the caller may reuse the array.
    table = None if callable(gradients) else np.array(gradients, dtype=np.float64, order="C")
    if table is not None and table.shape != shape:
        raise ValueError(f"gradients: expected shape {shape}, got {table.shape}")
    source = gradients if table is None else None

    # Per step: the gradient (closed loop only), θ_t and the state. Rows are
    # collected in lists and stacked once, cheaper than writing 2-D arrays row by row.
    update = optimizer.transform.update
    state = optimizer.transform.init(theta)
    thetas: list[Array] = []
    states: list[object] = []
    grads: list[Array] = []
    if table is not None:
        for g in table:  # this loop is the hot path: apply_updates is inlined
            updates, state = update(g, state, theta)
            theta = theta + updates
            thetas.append(theta)
            states.append(state)
    else:
        for t in range(1, shape[0] + 1):
            # a copy, kept: a source may hand back the same buffer every step
            g = np.array(source(t, theta), dtype=np.float64).reshape(-1)  # type: ignore[misc]
            if g.shape != theta.shape:
                raise ValueError(
                    f"gradient source: step {t} gave shape {g.shape}, expected {theta.shape}"
                )
            grads.append(g)
            updates, state = update(g, state, theta)
            theta = theta + updates
            thetas.append(theta)
            states.append(state)

    grad = table if table is not None else np.array(grads).reshape(shape)
    theta_after = np.array(thetas).reshape(shape)
    theta_before = np.concatenate([start[None, :], theta_after[:-1]])
    counts = np.arange(1, shape[0] + 1).reshape(-1, 1)
    quantities = optimizer.show(stack_states(states), grad, theta_before, counts)
    return Trace(
        theta0=start.copy(),
        grad=grad,
        update=theta_after - theta_before,
        theta=theta_after,
        quantities={name: quantities[name] for name in optimizer.names},
        label=label,
    )


class Run(NamedTuple):
    """One run of ``run_many``: what ``run`` takes, less the number of steps."""

    optimizer: Optimizer
    gradients: Array | GradientSource
    theta0: Array
    label: str = ""


def _batch_key(optimizer: Optimizer) -> tuple[Any, ...] | None:
    """What runs must share to be stacked: the optimizer, its switches, and where it has 0s.

    A bool keyword changes the chain; so can a 0 (no weight decay, no momentum,
    ε = 0), and so runs are stacked only with runs that have their 0s. None for
    an optimizer that cannot be stacked (not one of the nine, or already stacked).
    """
    factory = BUILTIN.get(optimizer.name)
    if factory is None or OPTIMIZERS.get(optimizer.name) is not factory:
        return None
    switches = []
    for key, value in sorted(optimizer.hyperparameters.items()):
        if isinstance(value, bool):
            switches.append((key, value))
        elif isinstance(value, float):
            switches.append((key, value == 0))
        else:
            return None
    return (optimizer.name, *switches)


def _stacked(optimizer: Optimizer, group: list[Run], widths: list[int]) -> Optimizer:
    """The optimizer of ``group``, with the float keywords that differ as per-column arrays."""
    keywords: dict[str, Any] = {}
    for key, value in optimizer.hyperparameters.items():
        values = [member.optimizer.hyperparameters[key] for member in group]
        if isinstance(value, bool) or all(other == value for other in values):
            keywords[key] = value  # a number stays a number: cheaper, and the same numbers
        else:
            keywords[key] = np.repeat(np.array(values, dtype=np.float64), widths)
    return BUILTIN[optimizer.name](**keywords)


def run_many(runs: Sequence[Run], steps: int) -> list[Trace]:
    """Every run for ``steps`` steps, in order: the traces ``run`` makes, to the bit.

    Runs of one of the nine optimizers that differ only in float hyperparameters
    (a sweep over β2, say) are simulated together, side by side along the
    parameter axis, with those hyperparameters as per-column arrays: every
    operation is elementwise, so each column does exactly what its own run would,
    and a step costs about the same for 96 columns as for 8. Others run one by one.
    """
    traces: list[Trace | None] = [None] * len(runs)
    groups: dict[Any, list[int]] = {}
    for index, member in enumerate(runs):
        key = _batch_key(member.optimizer)
        groups.setdefault(("alone", index) if key is None else key, []).append(index)

    for indices in groups.values():
        group = [runs[i] for i in indices]
        if len(group) == 1:
            only = group[0]
            traces[indices[0]] = run(only.optimizer, only.gradients, only.theta0, steps, only.label)
            continue
        starts = [np.array(member.theta0, dtype=np.float64).reshape(-1) for member in group]
        widths = [start.size for start in starts]
        edges = np.cumsum([0, *widths])
        spans = [slice(int(a), int(b)) for a, b in pairwise(edges)]
        gradients = _stacked_gradients(group, spans, steps)
        together = run(_stacked(group[0].optimizer, group, widths), gradients,
                       np.concatenate(starts), steps)  # fmt: skip
        for i, member, start, span in zip(indices, group, starts, spans, strict=True):
            traces[i] = Trace(
                theta0=start,
                grad=together.grad[:, span],
                update=together.update[:, span],
                theta=together.theta[:, span],
                quantities={name: values[:, span] for name, values in together.quantities.items()},
                label=member.label,
            )
    return [trace for trace in traces if trace is not None]


def _stacked_gradients(group: list[Run], spans: list[slice], steps: int) -> Array | GradientSource:
    """The group's gradients side by side: one table, or one source asking each run's own."""
    for member, span in zip(group, spans, strict=True):
        if not callable(member.gradients):
            shape = np.shape(member.gradients)
            expected = (steps, span.stop - span.start)
            if shape != expected:
                raise ValueError(
                    f"gradients of run {member.label!r}: expected shape {expected}, got {shape}"
                )
    if not any(callable(member.gradients) for member in group):
        return np.concatenate([np.asarray(m.gradients, dtype=np.float64) for m in group], axis=1)
    parts = [member.gradients for member in group]

    def source(t: int, theta: Array) -> Array:
        rows = [
            np.asarray(part(t, theta[span]) if callable(part) else part[t - 1], dtype=np.float64)
            for part, span in zip(parts, spans, strict=True)
        ]
        return np.concatenate([row.reshape(-1) for row in rows])

    return source
