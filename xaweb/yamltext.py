"""YAML with the line numbers people need in error messages.

Parsing uses libyaml's C loader when available (several times faster); the
node tree that carries line numbers is only composed when a message needs one.
"""

from __future__ import annotations

from typing import Any

import yaml

from .errors import Problem

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

KeyPath = tuple[str | int, ...]


class YamlSyntaxError(Exception):
    def __init__(self, line: int | None, message: str):
        self.line = line
        self.message = message
        super().__init__(message)


class _TextDatesLoader(yaml.SafeLoader):
    """Reads dates as text, so an impossible one ("2024-02-31") reaches the
    validators, which name its key and line, instead of crashing the parser."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse(text: str) -> Any:
    try:
        try:
            return yaml.load(text, Loader=Loader)  # noqa: S506 - a safe loader
        except ValueError:  # an impossible date
            return yaml.load(text, Loader=_TextDatesLoader)  # noqa: S506
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = exc.problem or exc.context or "cú pháp YAML không hợp lệ"
        raise YamlSyntaxError(line, f"lỗi cú pháp YAML: {reason}") from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(None, f"lỗi cú pháp YAML: {exc}") from None


def key_lines(text: str) -> dict[KeyPath, int]:
    """Map each key path (and sequence index) to its 1-based line in `text`."""
    try:
        root = yaml.compose(text, Loader=Loader)
    except yaml.YAMLError:
        return {}
    lines: dict[KeyPath, int] = {}

    def walk(node: yaml.Node, path: KeyPath) -> None:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = str(key_node.value)
                lines[path + (key,)] = key_node.start_mark.line + 1
                walk(value_node, path + (key,))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                lines[path + (i,)] = item.start_mark.line + 1
                walk(item, path + (i,))

    if root is not None:
        walk(root, ())
    return lines


class LineFinder:
    """Finds the line of a key path lazily: the tree is composed on first use."""

    def __init__(self, text: str, path: str, offset: int = 0):
        self.text = text
        self.path = path
        self.offset = offset  # lines before the YAML starts (front matter fence)
        self._lines: dict[KeyPath, int] | None = None

    def line(self, keys: KeyPath) -> int | None:
        if self._lines is None:
            self._lines = key_lines(self.text)
        # Fall back to the nearest enclosing key that has a line.
        while keys:
            if keys in self._lines:
                return self._lines[keys] + self.offset
            keys = keys[:-1]
        return self.offset + 1 if self.offset else None

    def problem(self, keys: KeyPath, message: str, level: str = "error") -> Problem:
        return Problem(self.path, self.line(keys), message, level)  # type: ignore[arg-type]
