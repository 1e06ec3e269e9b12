"""The bundled scenarios, shipped inside the package: listed, and copied out to start from.

They are the files of the repository's ``scenarios/`` folder (``adamviz/examples``
links to it, and a wheel holds copies), so ``pip install adamviz`` users have
them too.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path

from adamviz.errors import AdamvizError
from adamviz.scenario.yaml_source import parse

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


class ExampleError(AdamvizError):
    """An example that is not there, or a copy that would overwrite a file."""


@dataclass(frozen=True)
class Example:
    name: str
    title: str
    path: Path


def examples() -> list[Example]:
    """Every bundled scenario, by name, with its title."""
    found = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        data, _ = parse(path.read_text(encoding="utf-8"), str(path))
        title = data.get("title", "") if isinstance(data, dict) else ""
        found.append(Example(path.stem, str(title), path))
    return found


def example(name: str) -> Example:
    """The bundled scenario called ``name`` (``flip`` or ``flip.yaml``)."""
    known = {item.name: item for item in examples()}
    stem = name.removesuffix(".yaml")
    if stem in known:
        return known[stem]
    close = difflib.get_close_matches(stem, list(known), n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    raise ExampleError(f"{name}: no such example; {hint}the examples: {', '.join(known)}")


def copy_example(name: str, folder: str | os.PathLike[str] = ".") -> Path:
    """Write the example ``name`` into ``folder`` (made if need be), with the files it reads
    (recorded gradients); never over a file. Returns the scenario's path."""
    from adamviz.scenario import load

    source = example(name)
    files = [source.path.name, *load(source.path).input_files()]
    targets = [Path(folder) / file for file in files]
    for target in targets:
        if target.exists() or target.is_symlink():
            raise ExampleError(f"{target}: already exists; not overwritten "
                               "(remove it, or copy into another folder)")  # fmt: skip
    for file, target in zip(files, targets, strict=True):
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            # "x": created here or not at all, so a file that appeared meanwhile stays.
            with open(target, "xb") as out:
                out.write((EXAMPLES / file).read_bytes())
        except FileExistsError:
            raise ExampleError(f"{target}: already exists; not overwritten") from None
        except OSError as error:
            raise ExampleError(f"{target}: cannot write: {error.strerror or error}") from None
    return targets[0]
