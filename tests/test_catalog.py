"""Every name in the catalog has its code, and no code serves a name the catalog lacks."""

from __future__ import annotations

import typing

from adamviz import catalog
from adamviz.output.writers import WRITERS
from adamviz.scenario.fields import LossName, Panel
from adamviz.scenario.patterns import Gradient
from adamviz.streams import LOSS_GRADIENTS


def _literal_names(annotation: object) -> set[str]:
    names: set[str] = set()
    for arg in typing.get_args(annotation):
        if typing.get_origin(arg) is typing.Literal:
            names |= set(typing.get_args(arg))
        else:
            names |= _literal_names(arg)
    return names


def test_every_figure_format_has_a_writer() -> None:
    assert set(WRITERS) == set(catalog.FIGURE_FORMATS)


def test_suffixes_find_their_format() -> None:
    assert catalog.format_of(".GIF") == catalog.FORMATS["gif"]
    assert catalog.format_of(".mp4").element == "video"  # type: ignore[union-attr]
    assert catalog.format_of(".txt") is None


def test_the_schema_takes_exactly_the_catalogs_patterns_panels_and_losses() -> None:
    assert _literal_names(Panel) == set(catalog.PANELS)
    assert _literal_names(LossName) == set(catalog.LOSSES) == set(LOSS_GRADIENTS)
    members = typing.get_args(typing.get_args(Gradient)[0])
    tags = {
        tag
        for member in members
        for tag in typing.get_args(member.model_fields["pattern"].annotation)
    }
    assert tags == set(catalog.PATTERNS)


def test_the_scenario_losses_are_the_catalogs_and_each_has_its_surface() -> None:
    from adamviz.scenario.loss import Loss
    from adamviz.streams.surfaces import PLANAR, SURFACES

    members = typing.get_args(typing.get_args(Loss)[0])
    names = [member.model_fields["name"].annotation for member in members]
    tags = {tag for name in names for tag in typing.get_args(name)}
    assert tags == set(catalog.SCENARIO_LOSSES) == set(SURFACES)
    assert set(catalog.LOSSES) <= set(catalog.SCENARIO_LOSSES)  # the per-coordinate ones too
    assert set(SURFACES) >= PLANAR
