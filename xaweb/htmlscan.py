"""What an HTML document links to and which ids it has, with line numbers.

The standard library's tolerant parser is enough here: xaweb's own output and
sanitised page bodies are well formed, and a line number is all a report needs.
Attribute values come back unescaped (`&amp;` -> `&`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

# (tag, attribute) pairs holding one URL; `srcset` holds several.
URL_ATTRIBUTES = {("a", "href"), ("area", "href"), ("link", "href"), ("img", "src"), ("script", "src"),
                  ("source", "src"), ("audio", "src"), ("video", "src"), ("iframe", "src")}
SRCSET_TAGS = {"img", "source"}


@dataclass(frozen=True, slots=True)
class Ref:
    tag: str
    attr: str
    url: str
    line: int


@dataclass(frozen=True, slots=True)
class Img:
    src: str
    alt: str | None  # None: no alt attribute at all
    line: int


@dataclass
class Scan:
    ids: set[str] = field(default_factory=set)
    refs: list[Ref] = field(default_factory=list)
    images: list[Img] = field(default_factory=list)


def srcset_urls(value: str) -> list[str]:
    """'a.jpg 360w, b.jpg 720w' -> ['a.jpg', 'b.jpg']."""
    return [part.split()[0] for part in value.split(",") if part.strip()]


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = Scan()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        values = {name: value for name, value in attrs}
        if values.get("id"):
            self.scan.ids.add(values["id"])  # type: ignore[arg-type]
        if tag == "a" and values.get("name"):
            self.scan.ids.add(values["name"])  # type: ignore[arg-type]
        for name, value in attrs:
            if value is None:
                continue
            if (tag, name) in URL_ATTRIBUTES:
                self.scan.refs.append(Ref(tag, name, value.strip(), line))
            elif name == "srcset" and tag in SRCSET_TAGS:
                self.scan.refs += [Ref(tag, name, url, line) for url in srcset_urls(value)]
        if tag == "img":
            self.scan.images.append(Img((values.get("src") or "").strip(), values.get("alt"), line))

    handle_startendtag = handle_starttag


def scan_html(text: str) -> Scan:
    scanner = _Scanner()
    scanner.feed(text)
    scanner.close()
    return scanner.scan
