"""A batch hands out its longest renders first, judged without reading a scenario."""

from __future__ import annotations

from pathlib import Path

from adamviz.batch.plan import Target
from adamviz.batch.run import _expected_cost


def test_never_rendered_first_then_the_largest_figures(tmp_path: Path) -> None:
    targets = []
    for name, figure_bytes in (("small", 10), ("new", None), ("large", 1000), ("middle", 100)):
        scenario = tmp_path / f"{name}.yaml"
        scenario.write_text("title: t\n")
        output = tmp_path / f"{name}.gif"
        if figure_bytes is not None:
            output.write_bytes(b"x" * figure_bytes)
        targets.append(Target(scenario, output, tmp_path / f"{name}.csv"))
    order = sorted(targets, key=_expected_cost, reverse=True)
    assert [t.output.stem for t in order] == ["new", "large", "middle", "small"]
