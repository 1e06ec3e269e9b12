"""Optimizers as small pure transforms over float64 numpy arrays: "optax in numpy".

numpy alone, so it can be used from a notebook without the rest of adamviz.

``alias`` has the nine optimizers (``OPTIMIZERS``, by name), ``transforms`` the
pieces they are chained from, ``base`` the shapes (``Transform``, ``chain``,
``Optimizer``), and ``run`` the loop that turns one into a ``Trace``.
"""

from .alias import OPTIMIZERS, QUANTITIES, create, register
from .base import Optimizer, Transform, apply_updates, chain
from .run import GradientSource, Run, run, run_many
from .trace import Trace

__all__ = [
    "OPTIMIZERS",
    "QUANTITIES",
    "GradientSource",
    "Optimizer",
    "Run",
    "Trace",
    "Transform",
    "apply_updates",
    "chain",
    "create",
    "register",
    "run",
    "run_many",
]
