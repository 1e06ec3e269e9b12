"""A Recorder hooks a torch optimizer's step and keeps what it saw, for a scenario to replay.

torch calls the optimizer's step pre-hooks just before a step and its
post-hooks just after (``register_step_pre_hook``, ``register_step_post_hook``),
so recording needs no change to a training loop. For each chosen entry the
recorder keeps the gradient the optimizer used, the value before the first
step, and after every step the value and the state torch keeps for it (for
Adam ``exp_avg`` and ``exp_avg_sq``), so that a replay can be checked against
torch's own numbers.

What a replay cannot reproduce is refused when saving rather than recorded
wrongly: a step where an entry has no gradient (torch then skips the whole
tensor, so neither 0 nor any other number replays it), hyperparameters that
change during the run (a learning-rate scheduler), or a value changed between
steps outside the optimizer (clipping weights by hand).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from adamviz.capture.entries import Entry, resolve, shapes_of
from adamviz.capture.optimizers import STATE_NAMES, torch_class, translate
from adamviz.errors import CaptureError

Array = np.ndarray[Any, np.dtype[np.float64]]


class Recorder:
    """Records chosen scalars of ``model`` through every ``optimizer.step()``.

    ``entries`` are names from ``model.named_parameters()`` with an index,
    ``"0.weight[3,1]"``, or a name alone for every entry of a small tensor.
    Use it as a context manager, or call :meth:`remove`, to stop recording.
    """

    def __init__(self, model: Any, optimizer: Any, entries: Iterable[str] | str) -> None:
        import torch  # only here: adamviz itself never needs torch

        if not isinstance(optimizer, torch.optim.Optimizer):
            raise CaptureError(f"expected a torch.optim optimizer, got {type(optimizer).__name__}")
        named = dict(model.named_parameters())
        self.entries: list[Entry] = resolve(entries, shapes_of(named.items()))
        self._tensors = [named[entry.tensor] for entry in self.entries]
        for entry, tensor in zip(self.entries, self._tensors, strict=True):
            if tensor.is_complex():
                raise CaptureError(f"entry {entry.label!r}: complex parameters cannot be replayed")
        # Entries grouped by tensor, so that each step reads each tensor once (a ``.tolist()``
        # of the entries' elements), not once per entry: a recorder costs little per step.
        grouped: dict[int, tuple[Any, list[int]]] = {}
        for position, tensor in enumerate(self._tensors):
            grouped.setdefault(id(tensor), (tensor, []))[1].append(position)
        self._watched = [
            (
                tensor,
                positions,
                torch.tensor([self.entries[p].flat for p in positions], device=tensor.device),
            )
            for tensor, positions in grouped.values()
        ]
        self.optimizer = optimizer
        self._groups = [
            self._group_of(entry, tensor)
            for entry, tensor in zip(self.entries, self._tensors, strict=True)
        ]
        self.name, self.hyperparameters, self.maximize = self._translated()
        self.torch_class = torch_class(optimizer)
        self.dtype = str(self._tensors[0].dtype).removeprefix("torch.")
        self.init: list[float] | None = None
        self._grads: list[list[float]] = []
        self._theta: list[list[float]] = []
        self._state: list[dict[str, list[float]]] = []
        self._problems: dict[str, str] = {}  # the first problem of each kind
        self._closure = False
        self._handles = [
            optimizer.register_step_pre_hook(self._before),
            optimizer.register_step_post_hook(self._after),
        ]

    # -- what was recorded --------------------------------------------------------------------

    @property
    def labels(self) -> list[str]:
        """The entries' names, as the scenario's parameters and the gradients file's columns."""
        return [entry.label for entry in self.entries]

    @property
    def steps(self) -> int:
        return len(self._theta)

    @property
    def gradients(self) -> Array:
        """(steps, entries): the gradient each step used (negated under ``maximize=True``)."""
        return np.array(self._grads, dtype=np.float64).reshape(-1, len(self.entries))[: self.steps]

    @property
    def theta(self) -> Array:
        """(steps, entries): each entry after each step."""
        return np.array(self._theta, dtype=np.float64).reshape(-1, len(self.entries))

    @property
    def state(self) -> dict[str, Array]:
        """torch's state after each step, by adamviz's quantity name (exp_avg as ``m``, ...).

        Each (steps, entries); NaN where torch kept no such state for an entry at that step.
        """
        names = list(dict.fromkeys(name for row in self._state for name in row))
        nan = [math.nan] * len(self.entries)
        return {name: np.array([row.get(name, nan) for row in self._state]) for name in names}

    def problems(self) -> list[str]:
        """Why the run cannot be replayed as recorded, one line each (empty when it can)."""
        return list(self._problems.values())

    # -- the hooks ----------------------------------------------------------------------------

    def _before(self, optimizer: Any, args: Sequence[Any], kwargs: dict[str, Any]) -> None:
        step = self.steps + 1
        values = self._values()
        if self.init is None:
            self.init = values
        elif self._theta and values != self._theta[-1]:
            changed = next(
                e.label
                for e, a, b in zip(self.entries, values, self._theta[-1], strict=True)
                if a != b
            )
            self._problem(
                "outside",
                f"entry {changed!r} changed between steps {step - 1} and "
                f"{step} outside optimizer.step(); a replay sees only the steps",
            )
        self._check_hyperparameters(step)
        # With a closure (``step(closure)``) the gradient is computed inside the step.
        self._closure = bool(args and args[0] is not None) or kwargs.get("closure") is not None
        if not self._closure:
            self._grads.append(self._gradients(step))

    def _after(self, optimizer: Any, args: Sequence[Any], kwargs: dict[str, Any]) -> None:
        step = self.steps + 1
        if self._closure:
            self._grads.append(self._gradients(step))
        self._theta.append(self._values())
        row: dict[str, list[float]] = {}
        for tensor, positions, index in self._watched:
            for key, value in optimizer.state.get(tensor, {}).items():
                if key in STATE_NAMES and value is not None:
                    values = row.setdefault(STATE_NAMES[key], [math.nan] * len(self.entries))
                    _pick(values, value, positions, index, tensor.numel())
        self._state.append(row)

    def _gradients(self, step: int) -> list[float]:
        values = [math.nan] * len(self.entries)
        for tensor, positions, index in self._watched:
            grad, label = tensor.grad, self.entries[positions[0]].label
            if grad is None:
                self._problem(
                    "missing",
                    f"entry {label!r} had no gradient at step {step} "
                    "(.grad was None), so torch skipped its tensor there, which a "
                    "replay cannot show; zero the gradients with "
                    "zero_grad(set_to_none=False) or record other entries",
                )
            elif grad.is_sparse:
                self._problem("sparse", f"entry {label!r}: sparse gradients cannot be replayed")
            else:
                _pick(values, -grad if self.maximize else grad, positions, index, grad.numel())
        return values  # under maximize, the negated gradient: what the step then uses

    def _values(self) -> list[float]:
        values = [math.nan] * len(self.entries)
        for tensor, positions, index in self._watched:
            _pick(values, tensor, positions, index, tensor.numel())
        return values

    def _check_hyperparameters(self, step: int) -> None:
        # Inside a hook: a problem is kept for save() to report, never raised into the loop.
        first = {"name": self.name, "maximize": self.maximize, **self.hyperparameters}
        try:
            name, hyperparameters, maximize = self._translated()
        except CaptureError as error:
            self._problem("changed", f"at step {step}: {error}")
            return
        now = {"name": name, "maximize": maximize, **hyperparameters}
        what = next((k for k in {**first, **now} if first.get(k) != now.get(k)), None)
        if what is not None:
            self._problem(
                "changed",
                f"the optimizer's {what} changed at step {step}, from {first.get(what)!r} to "
                f"{now.get(what)!r} (a scheduler?); a scenario replays one set of "
                "hyperparameters, so record a run without the change",
            )

    # -- helpers ------------------------------------------------------------------------------

    def _problem(self, kind: str, message: str) -> None:
        self._problems.setdefault(kind, message)

    def _group_of(self, entry: Entry, tensor: Any) -> dict[str, Any]:
        for group in self.optimizer.param_groups:
            if any(p is tensor for p in group["params"]):
                return group
        raise CaptureError(
            f"entry {entry.label!r}: {entry.tensor} is not among the parameters "
            "this optimizer steps"
        )

    def _translated(self) -> tuple[str, dict[str, float | bool], bool]:
        """The optimizer as adamviz names it; every entry's param group must agree."""
        first = translate(self.optimizer, self._groups[0])
        for entry, group in zip(self.entries[1:], self._groups[1:], strict=True):
            if translate(self.optimizer, group) != first:
                raise CaptureError(
                    f"entries {self.entries[0].label!r} and {entry.label!r} are in param groups "
                    "with different hyperparameters; a scenario replays one optimizer, so "
                    "record entries of one group"
                )
        return first

    def remove(self) -> None:
        """Stop recording (what was recorded stays)."""
        for handle in self._handles:
            handle.remove()
        self._handles = []

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()

    def save(
        self,
        path: str | os.PathLike[str],
        *,
        title: str | None = None,
        description: str | None = None,
        render: Mapping[str, Any] | None = None,
    ) -> Path:
        """Write the scenario that replays this run, the gradients beside it, and torch's state.

        ``runs/mlp.yaml`` gets ``runs/mlp.csv`` (a ``step`` column, then one
        column per entry, by name) and ``runs/mlp.torch.csv`` (torch's own
        state after each step, in the columns ``adamviz simulate --csv`` uses).
        ``render`` is the scenario's render section, as in a YAML file
        (``{"panels": ["gradients", "ratio", "theta"]}``). Returns the
        scenario's path. Raises :class:`CaptureError` if the run cannot be
        replayed as recorded, or the scenario would not load.
        """
        from adamviz.capture.save import save

        return save(self, Path(path), title=title, description=description, render=render)


def _pick(out: list[float], value: Any, positions: list[int], index: Any, size: int) -> None:
    """Put the entries' elements of ``value`` at ``positions`` of ``out``.

    ``value`` is a tensor shaped as the parameter, or one shared value for the
    whole tensor (NAdam's ``mu_product``), or a plain number.
    """
    if not hasattr(value, "reshape"):
        picked = [float(value)] * len(positions)
    else:
        flat = value.detach().reshape(-1)
        picked = flat[index].tolist() if flat.numel() == size else [flat[0].item()] * len(positions)
    for position, number in zip(positions, picked, strict=True):
        out[position] = float(number)
