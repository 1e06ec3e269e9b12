"""A scenario as YAML text, for the programs that write one (``adamviz.capture``).

Floats are written as ``repr`` writes them, so every number reads back bit
for bit; small mappings (a gradient, an optimizer) stay on one line, as a
person would write them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml


class _Dumper(yaml.SafeDumper):
    """Safe YAML; a paragraph (a long line of text) as a folded block, as a person writes one."""


def _text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    folded = len(text) > 80 and "\n" not in text and text == text.strip()
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=">" if folded else None)


_Dumper.add_representer(str, _text)


def dump(data: Mapping[str, Any], comment: str = "") -> str:
    """``data`` as a YAML document, after ``comment`` (each of its lines as a ``#`` comment)."""
    header = "".join(f"# {line}".rstrip() + "\n" for line in comment.splitlines())
    body = yaml.dump(
        dict(data),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
        width=88,
    )
    return header + body
