"""What a batch has to do: which scenarios, which output files, which are up to date.

A figure is up to date when the scenario's bytes, the bytes of every file it
reads, the render options and adamviz's version are those recorded in the
manifest, and the figure and its numbers on disk are the files that were
written then. All of that is decided from hashes and the manifest alone, so a
batch with nothing to do never parses YAML nor imports matplotlib.

Standard library only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from adamviz import __version__
from adamviz.batch.gallery import GALLERY_NAME
from adamviz.batch.manifest import MANIFEST_NAME, Entry, Manifest, sha256_of
from adamviz.catalog import FORMATS
from adamviz.errors import AdamvizError

SCENARIO_SUFFIXES = (".yaml", ".yml")
#: Files in an output folder that a batch accounts for: anything else is left alone.
FIGURE_SUFFIXES = tuple(f.suffix for f in FORMATS.values())


class PlanError(AdamvizError):
    """Scenarios that cannot be planned: missing paths, no scenarios, clashing names."""


@dataclass(frozen=True)
class Target:
    """One scenario and the two files it makes: the animation and its numbers (CSV)."""

    scenario: Path
    output: Path
    numbers: Path

    @property
    def name(self) -> str:
        return self.output.name


@dataclass(frozen=True)
class Status:
    """Where a target stands: ``up to date``, ``missing``, ``stale`` or ``modified``."""

    state: str
    reason: str = ""

    @property
    def up_to_date(self) -> bool:
        return self.state == "up to date"


def find_scenarios(paths: list[Path]) -> list[Path]:
    """Scenario files: those given, and the ``*.yaml``/``*.yml`` files in given folders.

    A folder's scenarios come in name order; a file given twice counts once.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(
                p for p in path.iterdir() if p.suffix.lower() in SCENARIO_SUFFIXES and p.is_file()
            )
            if not inside:
                raise PlanError(f"{path}: expected scenario files (*.yaml, *.yml), found none")
            found += inside
        elif path.is_file():
            found.append(path)
        elif path.exists():  # a named pipe or a device: reading it would block or never end
            raise PlanError(f"{path}: is not a regular file, expected a scenario file or a folder")
        else:
            raise PlanError(f"{path}: no such file or folder")
    return list(dict.fromkeys(found))


def plan_targets(scenarios: list[Path], folder: Path, fmt: str) -> list[Target]:
    """One target per scenario, named after it; two scenarios may not share a name."""
    targets: dict[str, Target] = {}
    for scenario in scenarios:
        stem = scenario.stem
        target = Target(scenario, folder / f"{stem}.{fmt}", folder / f"{stem}.csv")
        if target.name == GALLERY_NAME:  # an interactive page named index.html
            raise PlanError(
                f"{scenario}: would write {target.output} over the gallery's page; "
                "rename the scenario or choose another format"
            )
        other = targets.get(target.name)
        if other is not None:
            raise PlanError(
                f"{scenario}: would write {target.output}, as {other.scenario} does; "
                "rename one of them or render them into different folders"
            )
        targets[target.name] = target
    return list(targets.values())


def options_of(fmt: str) -> dict[str, str]:
    """The render options a figure depends on, as recorded in the manifest."""
    return {"format": fmt}


def scenario_path(target: Target, folder: Path) -> str:
    """The scenario's path as the manifest records it: relative to the output folder."""
    return Path(os.path.relpath(target.scenario.resolve(), folder.resolve())).as_posix()


def status_of(target: Target, entry: Entry | None, folder: Path, fmt: str) -> Status:
    """Whether the target's figure is up to date, and if not, the first reason why."""
    if entry is None:
        return Status("missing", "never rendered into this folder")
    if not target.output.is_file():
        return Status("missing", f"{target.name} is not there")
    if not target.numbers.is_file():
        return Status("missing", f"{target.numbers.name} is not there")
    if entry.scenario != scenario_path(target, folder):
        return Status("stale", f"was made from {entry.scenario}")
    if _digest(target.scenario) != entry.scenario_sha256:
        return Status("stale", f"{target.scenario} changed")
    base = target.scenario.parent
    for name, digest in entry.inputs.items():
        path = base / name
        if _digest(path) != digest:
            return Status("stale", f"{path} changed")
    if entry.options != options_of(fmt):
        return Status("stale", f"render options changed (were {entry.options})")
    if entry.adamviz != __version__:
        return Status("stale", f"made by adamviz {entry.adamviz}, this is {__version__}")
    if _digest(target.output) != entry.output_sha256:
        return Status("modified", f"{target.name} differs from the file adamviz wrote")
    if _digest(target.numbers) != entry.numbers_sha256:
        return Status("modified", f"{target.numbers.name} differs from the file adamviz wrote")
    return Status("up to date")


def _digest(path: Path) -> str | None:
    """The file's SHA-256; None if it is missing, unreadable or not a regular file."""
    try:
        return sha256_of(path)
    except OSError:
        return None


def orphans(folder: Path, manifest: Manifest, targets: list[Target]) -> list[str]:
    """Figures nothing makes any more, as file names in ``folder``.

    A manifest entry whose scenario file is gone, and a figure or CSV file in
    the folder that neither an entry nor one of ``targets`` accounts for.
    Nothing is deleted: they are only reported.
    """
    found: set[str] = set()
    owned = {name for target in targets for name in (target.name, target.numbers.name)}
    for name, entry in manifest.entries.items():
        if not (folder / entry.scenario).is_file():
            found.add(name)
        owned.update((name, entry.numbers))
    if folder.is_dir():
        for path in folder.iterdir():
            counted = path.suffix.lower() in FIGURE_SUFFIXES and not path.name.startswith(".")
            counted = counted and path.name != GALLERY_NAME  # a figure's suffix, html, too
            if counted and path.name not in owned and path.is_file():
                found.add(path.name)
    return sorted(found)


__all__ = [
    "MANIFEST_NAME",
    "PlanError",
    "Status",
    "Target",
    "find_scenarios",
    "options_of",
    "orphans",
    "plan_targets",
    "scenario_path",
    "status_of",
]
