"""A trace's numbers as a table: CSV or JSON, one row per step and parameter."""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterator
from typing import Any, TextIO

from adamviz.optim.trace import Trace

#: The columns of ``adamviz simulate``, in order; one row per step and parameter.
COLUMNS = (
    "step", "param", "grad", "m", "v", "m_hat", "v_hat", "ratio", "step_size", "update", "theta",
)  # fmt: skip


def rows(trace: Trace, names: list[str]) -> Iterator[dict[str, Any]]:
    """One dict per step and parameter, with Python floats (full precision)."""
    quantities = [trace[column] for column in COLUMNS[2:]]
    for t in range(trace.steps):
        for p, name in enumerate(names):
            values = (float(q[t, p]) for q in quantities)
            yield dict(zip(COLUMNS, (t + 1, name, *values), strict=True))


def write_csv(trace: Trace, names: list[str], out: TextIO) -> None:
    """CSV with a header; floats as ``repr`` so that they read back bit for bit."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows(trace, names):
        writer.writerow(repr(v) if isinstance(v, float) else v for v in row.values())


def write_json(trace: Trace, names: list[str], out: TextIO) -> None:
    """A JSON array of row objects, streamed row by row (json writes floats as ``repr``).

    JSON has no infinity, which ``step_size`` reaches only with eps = 0 before
    any nonzero gradient: such values are written as null.
    """
    out.write("[")
    for index, row in enumerate(rows(trace, names)):
        clean = {k: None if isinstance(v, float) and not math.isfinite(v) else v
                 for k, v in row.items()}  # fmt: skip
        out.write(("," if index else "") + "\n " + json.dumps(clean, allow_nan=False))
    out.write("\n]\n")
