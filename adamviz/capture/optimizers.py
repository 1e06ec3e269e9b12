"""A torch optimizer as adamviz names it: the optimizer's name and its hyperparameters.

adamviz's optimizers take torch's own keyword names (``adamviz.optim.alias``),
so a param group translates key by key: ``betas`` becomes ``beta1`` and
``beta2``, every other option that changes the numbers is a keyword of the
adamviz factory of the same name, and the options that only choose how torch
computes (``foreach``, ``fused``, ...) are dropped. An option adamviz has no
counterpart for is an error: a replay that silently ignored it would show
another run. Nothing here imports torch: the classes are known by their
module and name.
"""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Mapping
from typing import Any

from adamviz.catalog import OPTIMIZERS
from adamviz.errors import CaptureError
from adamviz.optim.alias import OPTIMIZERS as FACTORIES

#: Options that choose torch's kernels or autograd, not the numbers a step computes.
_HOW_TORCH_COMPUTES = frozenset({"foreach", "fused", "capturable", "differentiable"})

#: torch's name for each piece of an optimizer's state, and adamviz's quantity of the same
#: numbers (torch's ``step`` counter is not one: the replay counts its own steps).
STATE_NAMES: dict[str, str] = {
    "exp_avg": "m",
    "exp_avg_sq": "v",
    "max_exp_avg_sq": "v_max",
    "square_avg": "v",
    "momentum_buffer": "momentum",
    "sum": "sum",
    "exp_inf": "u",
    "mu_product": "mu_product",
    "grad_avg": "g_avg",
}


def torch_class(optimizer: Any) -> str:
    """``torch.optim.Adam``, or the class's own name for an optimizer of another library."""
    cls = type(optimizer)
    return f"torch.optim.{cls.__name__}" if _is_torch_optim(cls) else cls.__qualname__


def _is_torch_optim(cls: type) -> bool:
    return cls.__module__.split(".")[:2] == ["torch", "optim"]


def adamviz_name(optimizer: Any) -> str:
    """The adamviz optimizer that computes as ``optimizer`` does (Adam's decoupled decay aside).

    A subclass of a torch optimizer (a user's ``class MyAdam(torch.optim.Adam)``)
    is taken to compute as the torch class it derives from.
    """
    for cls in type(optimizer).__mro__:
        if _is_torch_optim(cls) and cls.__name__.lower() in OPTIMIZERS:
            return cls.__name__.lower()
    # torch's own spelling of the names (NAdam, RMSprop), where torch is loaded.
    module = sys.modules.get("torch.optim")
    spelled = [n for n in dir(module) if n.lower() in OPTIMIZERS] if module else []
    torch_names = ", ".join(spelled or [n for n in OPTIMIZERS if n != "lion"])
    raise CaptureError(
        f"{torch_class(optimizer)} is not an optimizer adamviz can replay; it replays "
        f"torch.optim's {torch_names} (and subclasses of them)"
    )


@functools.cache
def _keywords(name: str) -> Mapping[str, inspect.Parameter]:
    """The keywords of adamviz's factory ``name``: torch's names (read once, checked each step)."""
    return inspect.signature(FACTORIES[name]).parameters


def translate(
    optimizer: Any, group: Mapping[str, Any]
) -> tuple[str, dict[str, float | bool], bool]:
    """(adamviz's name, its keywords, maximize) for one of ``optimizer``'s param groups.

    Only the optimizer's own options (``optimizer.defaults``) are read: a key a
    user or a scheduler added to the group (``initial_lr``, a group's name) is
    not an option of the step.
    """
    name = adamviz_name(optimizer)
    if name in ("adam", "adamw") and bool(group.get("decoupled_weight_decay", name == "adamw")):
        name = "adamw"  # torch's AdamW is Adam with decoupled_weight_decay=True
    keywords = _keywords(name)
    hyperparameters: dict[str, float | bool] = {}
    maximize = False
    for key in optimizer.defaults:
        value = group.get(key, optimizer.defaults[key])
        if key in _HOW_TORCH_COMPUTES:
            continue
        if key == "maximize":
            maximize = bool(value)
        elif key == "betas":
            hyperparameters["beta1"], hyperparameters["beta2"] = (float(b) for b in value)
        elif key == "decoupled_weight_decay" and key not in keywords:
            continue  # already decided between adam and adamw above
        elif key in keywords:
            is_flag = isinstance(keywords[key].default, bool)
            hyperparameters[key] = bool(value) if is_flag else float(value)
        else:
            raise CaptureError(
                f"{torch_class(optimizer)}'s option {key}={value!r} has no counterpart in "
                f"adamviz's {name} (which takes {', '.join(keywords)})"
            )
    return name, hyperparameters, maximize
