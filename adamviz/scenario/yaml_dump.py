"""A scenario as YAML text, for the programs that write one (``adamviz.capture``).

Floats are written as ``repr`` writes them, so every number reads back bit
for bit; small mappings (a gradient, an optimizer) stay on one line, as a
person would write them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml


def dump(data: Mapping[str, Any], comment: str = "") -> str:
    """``data`` as a YAML document, after ``comment`` (each of its lines as a ``#`` comment)."""
    header = "".join(f"# {line}".rstrip() + "\n" for line in comment.splitlines())
    body = yaml.safe_dump(
        dict(data), sort_keys=False, allow_unicode=True, default_flow_style=None, width=100
    )
    return header + body
