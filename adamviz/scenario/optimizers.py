"""The optimizers a scenario names: one model per registered optimizer, read off its factory.

Each factory in :mod:`adamviz.optim.alias` has torch's keyword names, typed and
with torch's defaults; the YAML model of that optimizer is built from its
signature, so a new optimizer needs no code here. What a keyword means, and
the range it takes, is said once per keyword name in ``_KEYWORDS``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any, Literal, Union

from pydantic import BeforeValidator, Field, create_model, model_validator
from pydantic_core import PydanticCustomError

from adamviz.optim.alias import OPTIMIZERS
from adamviz.optim.base import Optimizer
from adamviz.scenario.fields import (
    EXPECTED,
    Decay,
    Flag,
    NonNegative,
    Number,
    Positive,
    StrictModel,
)
from adamviz.scenario.maths import Label

#: What each keyword is, and the range torch accepts for it.
_KEYWORDS: dict[str, tuple[Any, str]] = {
    "lr": (Positive, "Learning rate η (> 0)."),
    "beta1": (Decay, "Decay of the first moment m, in [0, 1) (torch's betas[0])."),
    "beta2": (Decay, "Decay of the second moment v, in [0, 1) (torch's betas[1])."),
    "alpha": (Decay, "Decay of the running average of g², in [0, 1)."),
    "eps": (NonNegative, "ε added to the denominator (>= 0)."),
    "weight_decay": (NonNegative, "Weight decay λ (>= 0)."),
    "momentum": (NonNegative, "Momentum factor μ (>= 0; 0 = no momentum buffer)."),
    "dampening": (
        Annotated[float, Field(ge=0, le=1)],
        "Dampening of the momentum buffer, in [0, 1].",
    ),
    "nesterov": (Flag, "Nesterov momentum (needs momentum > 0 and dampening 0)."),
    "centered": (Flag, "Divide by the centered second moment (v − mean(g)²)."),
    "lr_decay": (NonNegative, "Learning-rate decay: lr_t = lr / (1 + (t − 1)·lr_decay)."),
    "initial_accumulator_value": (NonNegative, "Σg² before the first step (>= 0)."),
    "amsgrad": (Flag, "AMSGrad: divide by the running maximum of v."),
    "bias_correction": (Flag, "Divide m and v by 1 − β^t (false shows what it is for)."),
    "momentum_decay": (NonNegative, "NAdam's ψ in μ_t = β1·(1 − ½·0.96^(t·ψ)) (>= 0)."),
    "decoupled_weight_decay": (Flag, "Decay θ directly (AdamW-style) instead of adding λθ to g."),
}


class OptimizerSpec(StrictModel):
    """What every optimizer entry shares: its name and the label its run is shown with."""

    name: str
    label: Label | None = Field(None, description="The run's name in the figure (default: name).")

    def hyperparameters(self) -> dict[str, float | bool]:
        """The keywords of the optimizer's factory, as given or defaulted."""
        return {k: v for k, v in self.model_dump().items() if k not in ("name", "label")}

    def build(self, **overrides: float | bool) -> Optimizer:
        return OPTIMIZERS[self.name](**{**self.hyperparameters(), **overrides})

    @model_validator(mode="after")
    def _accepted_together(self) -> OptimizerSpec:
        # Each keyword is checked alone by its type; what torch refuses only in
        # combination (nesterov with dampening) the factory itself says.
        try:
            self.build()
        except ValueError as error:
            raise PydanticCustomError(
                EXPECTED,
                "expected {expected}",
                {"expected": "hyperparameters torch accepts together", "found": str(error)},
            ) from None
        return self


def _keyword_field(parameter: inspect.Parameter) -> tuple[Any, Any]:
    kind, text = _KEYWORDS.get(parameter.name, (None, ""))
    if kind is None:  # a keyword this module has not met: its annotation says enough
        kind = Flag if parameter.annotation in (bool, "bool") else Number
    return kind, Field(parameter.default, description=text or parameter.name)


def optimizer_model(name: str, factory: Callable[..., Optimizer]) -> type[OptimizerSpec]:
    """The YAML model of one optimizer: ``name``, ``label`` and its factory's keywords."""
    summary = (inspect.getdoc(factory) or name).splitlines()[0]
    fields: dict[str, Any] = {
        "name": (Literal[name], Field(description=f"{name}: {summary}")),
    }
    for parameter in inspect.signature(factory).parameters.values():
        fields[parameter.name] = _keyword_field(parameter)
    model: type[OptimizerSpec] = create_model(  # type: ignore[call-overload]
        f"{name.capitalize()}Optimizer", __base__=OptimizerSpec, __doc__=summary, **fields
    )
    return model


MODELS: dict[str, type[OptimizerSpec]] = {
    name: optimizer_model(name, factory) for name, factory in OPTIMIZERS.items()
}
DEFAULT_OPTIMIZER = "adam"


def _named(value: Any) -> Any:
    """``optimizer:`` as it was before there were others: a mapping without a name is Adam."""
    if isinstance(value, dict) and "name" not in value:
        return {"name": DEFAULT_OPTIMIZER, **value}
    return value


#: One entry of ``optimizers:``, chosen by its ``name`` (the registry decides the members,
#: so the union is built from them: ``X | Y`` cannot be written out here).
OptimizerEntry = Annotated[
    Union[tuple(MODELS.values())],  # type: ignore[valid-type]  # noqa: UP007
    Field(discriminator="name"),
]
#: The ``optimizer:`` key: one entry, whose ``name`` defaults to adam.
SingleOptimizer = Annotated[OptimizerEntry, BeforeValidator(_named)]
