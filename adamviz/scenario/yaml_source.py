"""A scenario file's text, composed from YAML into plain data plus the line of every key.

This is the only module that imports yaml. To know the line of each key, the
YAML is composed into nodes (which carry positions) and turned into plain
data by hand, recording each key's line, instead of calling ``yaml.safe_load``.
Along the way it resolves YAML 1.2 floats, reports duplicate keys, and caps
how far aliases may expand. Every way a file can fail to read or parse
becomes a one-line :class:`Problem`.
"""

from __future__ import annotations

import math
import os
import re
import sys
from pathlib import Path
from typing import Any

import yaml

from adamviz.errors import Problem, ScenarioError
from adamviz.scenario.problem_text import KeyPath, dotted, found_text
from adamviz.streams.reads import NotRegularFileError, reading

#: A scenario is written by hand: a few MB hold 8 parameters × 100000 listed values,
#: and PyYAML reads about 200 KB a second. Longer recordings belong in a file: pattern.
MAX_SCENARIO_BYTES = 8 << 20

_FLOAT_TAG = "tag:yaml.org,2002:float"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")

# YAML 1.1's float pattern demands a dot, so PyYAML reads 1e-8 as a string.
# This one also accepts YAML 1.2's exponent-only forms (1e-8, 1E5, -2.5e+3).
_FLOAT = re.compile(
    r"""^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+
    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.VERBOSE,
)


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 floats; a subclass, so the global SafeLoader is untouched."""


# A copy of SafeLoader's resolver table with the float pattern swapped in place:
# resolvers are tried in order, and float must stay where it was, ahead of int.
# (Every character a YAML 1.2 float can start with already has a float entry.)
_Loader.yaml_implicit_resolvers = {
    first: [(tag, _FLOAT if tag == _FLOAT_TAG else regexp) for tag, regexp in resolvers]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


#: Python will not turn an integer of more digits than this into text (or text into one).
_MAX_INTEGER_DIGITS = sys.get_int_max_str_digits() or 4300
_MAX_INTEGER_BITS = int(_MAX_INTEGER_DIGITS * math.log2(10)) - 4  # surely fewer digits


class LongInteger:
    """An integer too long to read or to print, kept as what it is: wrong for every key.

    Strict validation refuses it wherever a value is expected, and the problem
    shows it as below rather than trying to print its digits.
    """

    def __str__(self) -> str:
        return f"an integer of more than {_MAX_INTEGER_DIGITS} digits"


class Document:
    """Plain data built from YAML nodes, plus the line of every key and list item."""

    MAX_VALUES = 1_000_000  # 8 parameters × 100000 listed values, with room to spare

    def __init__(self, loader: _Loader, file: str) -> None:
        self.loader = loader
        self.file = file
        self.lines: dict[KeyPath, int] = {}
        self.problems: list[Problem] = []
        self._active: set[int] = set()  # nodes being built, to catch an alias inside itself

    def build(self, node: yaml.Node, path: KeyPath = ()) -> Any:
        self.lines.setdefault(path, _line(node))
        if id(node) in self._active:
            self._problem(path, _line(node), "expected a value, got an alias to itself")
            return None
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        if node.tag not in _PLAIN_TAGS:
            self._problem(path, _line(node), f"expected plain YAML, got the tag {node.tag!r}")
        self._active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self._item(item, (*path, index)) for index, item in enumerate(node.value)]
            return self._mapping(node, path)
        finally:
            self._active.discard(id(node))

    def _item(self, node: yaml.Node, path: KeyPath) -> Any:
        self.lines[path] = _line(node)
        return self.build(node, path)

    def _scalar(self, node: yaml.ScalarNode, path: KeyPath) -> Any:
        try:
            value = self.loader.construct_object(node)
        except yaml.YAMLError as error:  # e.g. an unknown tag such as !foo
            self._problem(path, _line(node), f"invalid YAML: {_yaml_text(error)}")
            return None
        except ValueError:  # a decimal integer beyond Python's limit on digits
            return LongInteger()
        if isinstance(value, int) and value.bit_length() > _MAX_INTEGER_BITS:
            return LongInteger()  # hex or binary: read, but never to be printed
        return value

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[str, Any]:
        # Merged keys (<<: *base) first, so that the mapping's own keys, and
        # their lines, win over them.
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                for key, value in self._merged(value_node, path).items():
                    result.setdefault(key, value)
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self._problem(path, _line(key_node), "expected a key name, got a list or mapping")
                continue
            key, line = key_node.value, _line(key_node)  # the key as written: `1:` is '1'
            if key in first_line:
                self._problem(
                    (*path, key), line, f"duplicate key (first on line {first_line[key]})"
                )
                continue
            first_line[key] = line
            self.lines[(*path, key)] = line
            result[key] = self.build(value_node, (*path, key))
        return result

    def _merged(self, node: yaml.Node, path: KeyPath) -> dict[str, Any]:
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        merged: dict[str, Any] = {}
        for source in sources:
            if isinstance(source, yaml.MappingNode):
                for key, value in self._mapping(source, path).items():
                    merged.setdefault(key, value)
            else:
                self._problem(path, _line(source), "expected a mapping to merge (<<), got a value")
        return merged

    def _problem(self, path: KeyPath, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, dotted(path) or None, message))


def _expanded_size(root: yaml.Node) -> int:
    """How many values the document holds once aliases are expanded, without expanding them.

    Aliases of aliases grow exponentially ("billion laughs"); sizing each node
    once keeps this linear in the number of distinct nodes.
    """
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        if id(node) not in sizes:
            sizes[id(node)] = 1  # provisional, so an alias to itself ends the recursion
            if isinstance(node, yaml.SequenceNode):
                children = list(node.value)
            elif isinstance(node, yaml.MappingNode):
                children = [child for pair in node.value for child in pair]
            else:
                children = []
            sizes[id(node)] = 1 + sum(map(size, children))
        return sizes[id(node)]

    return size(root)


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _yaml_text(error: yaml.YAMLError) -> str:
    """PyYAML's own words for a problem, on one line."""
    if isinstance(error, yaml.MarkedYAMLError):
        parts = [error.context, error.problem]
        text = ", ".join(part for part in parts if part)
    else:
        text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return " ".join(text.split())


def _yaml_line(error: yaml.YAMLError, text: str) -> int:
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        if mark is not None:
            return int(mark.line) + 1
    position = getattr(error, "position", None)  # ReaderError: a bad character
    return text[:position].count("\n") + 1 if isinstance(position, int) else 1


def parse(text: str, file: str) -> tuple[Any, Document]:
    """YAML text to plain data with lines; bad YAML raises a one-problem ScenarioError."""
    loader: _Loader | None = None
    try:
        loader = _Loader(text)  # the reader already rejects control characters here
        node = loader.get_single_node()
        document = Document(loader, file)
        size = _expanded_size(node) if node is not None else 0
        if size > Document.MAX_VALUES:
            message = f"expected at most {Document.MAX_VALUES} values, got {size} (aliases?)"
            raise ScenarioError([Problem(file, 1, None, message)])
        data = document.build(node) if node is not None else None
    except yaml.YAMLError as error:
        line = _yaml_line(error, text)
        raise ScenarioError(
            [Problem(file, line, None, f"invalid YAML: {_yaml_text(error)}")]
        ) from None
    except RecursionError:
        raise ScenarioError([Problem(file, 1, None, "invalid YAML: nested too deeply")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        message = "expected a scenario (title, steps, parameters, ...), got an empty file"
        raise ScenarioError([Problem(file, 1, None, message)])
    if not isinstance(data, dict):
        found = found_text(data)
        message = f"expected a mapping of keys (title, steps, parameters, ...), got {found}"
        raise ScenarioError([Problem(file, _line(node), None, message)])
    return data, document


def read_text(path: Path, file: str) -> str:
    """The file's text; every way of failing becomes a one-line problem.

    Only a regular file is read (a named pipe would block, a device never
    end), and at most :data:`MAX_SCENARIO_BYTES` of it.
    """
    try:
        with reading(path) as source:
            data = source.read(MAX_SCENARIO_BYTES + 1)
            if len(data) > MAX_SCENARIO_BYTES:
                size = os.fstat(source.file.fileno()).st_size
                message = (
                    f"expected a scenario file of at most {MAX_SCENARIO_BYTES >> 20} MiB "
                    f"(long recordings belong in a file: pattern), got {max(size, len(data))} bytes"
                )
                raise ScenarioError([Problem(file, None, None, message)])
    except NotRegularFileError as error:
        expected = "expected a scenario file"
        raise ScenarioError([Problem(file, None, None, f"{error.strerror}, {expected}")]) from None
    except FileNotFoundError:
        raise ScenarioError([Problem(file, None, None, "file not found")]) from None
    except PermissionError:
        raise ScenarioError([Problem(file, None, None, "cannot read: permission denied")]) from None
    except (OSError, ValueError) as error:  # ValueError: a NUL in the name
        reason = getattr(error, "strerror", None) or str(error)
        raise ScenarioError([Problem(file, None, None, f"cannot read: {reason}")]) from None
    try:
        return data.decode("utf-8-sig")  # editors on Windows may write a BOM
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        message = f"expected UTF-8 text, got byte 0x{data[error.start]:02x}"
        raise ScenarioError([Problem(file, line, None, message)]) from None
