"""The shapes everything else is built from: ``Transform``, ``chain`` and ``Optimizer``.

A ``Transform`` is optax's ``GradientTransformation`` over float64 numpy arrays:
two pure functions, ``init(params) -> state`` and
``update(updates, state, params) -> (updates, state)``. The state is an
immutable ``NamedTuple`` of arrays (never changed in place, so a run can keep
every step's state without copying it). The first transform of a chain is given
the gradient; the last one returns the increment that ``apply_updates`` adds to
the parameters.

An ``Optimizer`` is a transform plus what the figures need from it: the names of
the quantities it shows and a ``show`` function that computes them, for every
step at once, from the states the run recorded.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from .trace import Array

#: A transform's state: a NamedTuple of arrays and scalars, or a tuple of them (a chain's).
State = Any


class Transform(NamedTuple):
    """A pair of pure functions over arrays shaped like the parameters (optax's contract).

    ``init(params)`` returns the state before the first step. ``update(updates,
    state, params)`` returns the transformed updates and the next state; it never
    changes its arguments in place. ``params`` are θ_{t-1}, the parameters the
    step starts from.
    """

    init: Callable[[Array], State]
    update: Callable[[Array, State, Array], tuple[Array, State]]


class EmptyState(NamedTuple):
    """The state of a transform that keeps none."""


def _init_empty(params: Array) -> EmptyState:
    del params
    return EmptyState()


def _pass(updates: Array, state: EmptyState, params: Array) -> tuple[Array, EmptyState]:
    del params
    return updates, state


_IDENTITY = Transform(_init_empty, _pass)


def identity() -> Transform:
    """The transform that passes its updates through: what a switched-off option becomes."""
    return _IDENTITY


def chain(*transforms: Transform) -> Transform:
    """Apply ``transforms`` in order; the state is the tuple of their states.

    The same ``params`` (θ_{t-1}) are given to every transform, as in optax.
    Identity links are left out, and a chain of one link is that link: a step
    costs a Python call per link, and a run makes 100 000 of them.
    """
    transforms = tuple(transform for transform in transforms if transform is not _IDENTITY)
    if not transforms:
        return _IDENTITY
    if len(transforms) == 1:
        return transforms[0]
    inits = tuple(transform.init for transform in transforms)
    updates_fns = tuple(transform.update for transform in transforms)

    def init(params: Array) -> tuple[State, ...]:
        return tuple(fn(params) for fn in inits)

    def update(
        updates: Array, state: tuple[State, ...], params: Array
    ) -> tuple[Array, tuple[State, ...]]:
        new_state = []
        for fn, inner in zip(updates_fns, state, strict=True):
            updates, inner = fn(updates, inner, params)
            new_state.append(inner)
        return updates, tuple(new_state)

    return Transform(init, update)


def apply_updates(params: Array, updates: Array) -> Array:
    """θ_t = θ_{t-1} + u_t, the one way an increment meets the parameters."""
    return params + updates


#: ``show(states, grads, params, counts) -> {name: array (steps, params)}``, where
#: ``states`` maps each state field of the chain (``m``, ``v``, ``momentum`` ...) to
#: its value after every step, stacked along axis 0 (see ``stack_states``);
#: ``grads[t-1]`` is g_t as given; ``params[t-1]`` is θ_{t-1}, the parameters
#: step t started from; ``counts`` is the column of step numbers 1..T, shape (T, 1).
Show = Callable[[Mapping[str, Array], Array, Array, Array], dict[str, Array]]


class Optimizer(NamedTuple):
    """An optimizer as adamviz shows it.

    ``transform`` makes the steps. ``show`` computes, after the run and for all
    steps at once, the quantities named in ``names``, each of shape
    (steps, params); it repeats the step's own operations on the recorded state,
    so a quantity the step also computes agrees with it to the bit.
    ``hyperparameters`` are the keyword values the optimizer was built with.
    """

    name: str
    transform: Transform
    show: Show
    names: tuple[str, ...]
    hyperparameters: Mapping[str, float | bool]


def _leaves(state: State, path: tuple[int, ...] = ()) -> Iterator[tuple[str, tuple[int, ...]]]:
    """(field name, index path) of every array or number inside a state, depth first."""
    fields = getattr(state, "_fields", None)
    if fields is None:  # a chain's plain tuple of states
        for index, inner in enumerate(state):
            yield from _leaves(inner, (*path, index))
        return
    for index, (name, value) in enumerate(zip(fields, state, strict=True)):
        if isinstance(value, tuple):
            yield from _leaves(value, (*path, index))
        elif value is not None:
            yield name, (*path, index)


def stack_states(states: Sequence[State]) -> dict[str, Array]:
    """Every state field over all steps: ``{name: array (steps, ...)}``.

    Fields are found by name in the first state; a chain whose transforms share a
    field name would be ambiguous, so that is refused. Scalars (``count``,
    ``mu_product``) become arrays of shape (steps,).
    """
    if not states:
        return {}
    stacked: dict[str, Array] = {}
    for name, path in _leaves(states[0]):
        if name in stacked:
            raise ValueError(f"two transforms in the chain keep a state field named {name!r}")
        column: Iterator[Any] = iter(states)
        for index in path:
            column = map(operator.itemgetter(index), column)
        stacked[name] = np.array(list(column))
    return stacked
