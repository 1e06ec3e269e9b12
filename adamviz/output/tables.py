"""The runs' numbers as a table: CSV or JSON, one row per step, run and parameter.

The columns are ``step, run, param, grad``, then every quantity some run shows
(in the catalog's order: Adam's m, v, m_hat, v_hat, ratio, step_size first),
then ``update, theta``. A run without a quantity leaves its cell empty (CSV)
or null (JSON).
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

from adamviz.catalog import QUANTITIES
from adamviz.optim.trace import Trace

LEADING = ("step", "run", "param", "grad")
TRAILING = ("update", "theta")


def columns(traces: Sequence[Trace]) -> tuple[str, ...]:
    """The table's columns for these runs: the quantities at least one of them shows."""
    shown = {name for trace in traces for name in trace.quantities}
    unknown = sorted(shown - set(QUANTITIES))  # an optimizer the catalog has not met yet
    return (*LEADING, *(q for q in QUANTITIES if q in shown), *unknown, *TRAILING)


def rows(traces: Sequence[Trace], names: Sequence[str]) -> Iterator[dict[str, Any]]:
    """One dict per step, run and parameter, with Python floats (full precision) or None."""
    header = columns(traces)
    per_run = [[trace.get(name) for name in header[3:]] for trace in traces]
    steps = traces[0].steps if traces else 0
    for t in range(steps):
        for trace, quantities in zip(traces, per_run, strict=True):
            for p, name in enumerate(names):
                values = (None if q is None else float(q[t, p]) for q in quantities)
                yield dict(zip(header, (t + 1, trace.label, name, *values), strict=True))


def write_csv(traces: Sequence[Trace], names: Sequence[str], out: TextIO) -> None:
    """CSV with a header; floats as ``repr`` so that they read back bit for bit."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns(traces))
    for row in rows(traces, names):
        writer.writerow(_cell(value) for value in row.values())


#: A text cell starting with one of these is a formula to a spreadsheet (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        # OWASP's advice: a leading apostrophe makes the spreadsheet show it as text.
        return "'" + value
    return "" if value is None else value


def write_json(traces: Sequence[Trace], names: Sequence[str], out: TextIO) -> None:
    """A JSON array of row objects, streamed row by row (json writes floats as ``repr``).

    JSON has no infinity, which ``step_size`` reaches only with eps = 0 before
    any nonzero gradient: such values are written as null.
    """
    out.write("[")
    for index, row in enumerate(rows(traces, names)):
        clean = {k: None if isinstance(v, float) and not math.isfinite(v) else v
                 for k, v in row.items()}  # fmt: skip
        out.write(("," if index else "") + "\n " + json.dumps(clean, allow_nan=False))
    out.write("\n]\n")
