"""adamviz: animated visualizations of Adam's adaptive learning rates.

From Python (see :mod:`adamviz.api`)::

    import adamviz
    adamviz.render("scenarios/flip.yaml", "flip.mp4", theme="dark")
    traces = adamviz.simulate({"title": "Up", "steps": 20, "parameters": [...]})
    adamviz.show("scenarios/flip.yaml")          # in Jupyter: inline, with controls
"""

from __future__ import annotations

from typing import Any

__version__ = "0.2.0"

#: Imported on first use, so that ``import adamviz`` loads neither pydantic nor matplotlib.
_API = ("animation", "load", "render", "show", "simulate")

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    if name in _API:
        import importlib

        return getattr(importlib.import_module("adamviz.api"), name)
    raise AttributeError(f"module 'adamviz' has no attribute {name!r}")
