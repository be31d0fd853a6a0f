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
        line, message = explain(exc, text)
        raise YamlSyntaxError(line, f"lỗi cú pháp YAML: {message}") from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(None, f"lỗi cú pháp YAML ({exc})") from None


def explain(exc: yaml.MarkedYAMLError, text: str) -> tuple[int | None, str]:
    """libyaml's message, said in Vietnamese for the mistakes people make, at the line where the
    mistake is: an unclosed quote or bracket at the line that opened it, not where the file ended."""
    problem, context = exc.problem or "", exc.context or ""
    at = exc.problem_mark.line + 1 if exc.problem_mark else None
    opened = exc.context_mark.line + 1 if exc.context_mark else at
    lines = text.splitlines()

    def line(n: int | None) -> str:
        return lines[n - 1] if n and n <= len(lines) else ""

    column = exc.problem_mark.column if exc.problem_mark else 0
    if "tab" in problem or "\t" in line(at)[: column + 1]:
        return at, ("dòng này có ký tự Tab: YAML chỉ nhận dấu cách để thụt đầu dòng. Hãy xóa Tab và gõ dấu cách "
                    "(các dòng cùng cấp phải thẳng hàng)")
    if "quoted scalar" in context:
        quote = next((c for c in line(opened).partition(":")[2] if c in "\"'"), '"')
        return opened, f"dấu ngoặc {quote} mở ở dòng này chưa được đóng: hãy thêm {quote} ở cuối giá trị"
    if "flow sequence" in context or "flow mapping" in context:
        bracket = "[" if "sequence" in context else "{"
        return opened, f"danh sách mở bằng '{bracket}' ở dòng này chưa đóng, hoặc thiếu dấu phẩy giữa các mục: viết như [mục một, mục hai]"
    if "mapping values are not allowed" in problem:
        return at, ("dấu hai chấm ':' ở chỗ không được phép. Nếu giá trị có dấu hai chấm, hãy đặt cả giá trị trong dấu ngoặc kép "
                    '(title: "Thông báo: họp dân"); nếu không, hãy kiểm tra thụt đầu dòng và dấu cách sau dấu hai chấm ở dòng này và dòng trên')
    if "expected key" in problem or "block end" in problem:
        return at, ("dòng này không đúng dạng 'khóa: giá trị': có thể do dấu ngoặc kép đặt giữa giá trị (hãy đặt cả giá trị trong dấu "
                    "ngoặc kép, và viết ngoặc kép bên trong thành ngoặc đơn) hoặc do thụt đầu dòng sai")
    if "could not find expected ':'" in problem:
        return at, "thiếu dấu hai chấm ':' sau tên khóa (viết khóa: giá trị)"
    return at or opened, f"cú pháp không hợp lệ ({problem or context})"


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
