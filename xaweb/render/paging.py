"""What list templates receive: a page of a list with its links, document filter links, procedure groups."""

from __future__ import annotations

from dataclasses import dataclass

from ..content.model import Page
from .plan import list_url, page_count


@dataclass(frozen=True)
class PagerLink:
    number: int
    url: str
    current: bool


@dataclass(frozen=True)
class Pager:
    items: tuple[Page, ...]
    number: int
    count: int
    total: int
    base_url: str

    @property
    def prev_url(self) -> str | None:
        return list_url(self.base_url, self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return list_url(self.base_url, self.number + 1) if self.number < self.count else None

    @property
    def links(self) -> list[PagerLink]:
        return [PagerLink(n, list_url(self.base_url, n), n == self.number) for n in range(1, self.count + 1)]


def paginate(pages: tuple[Page, ...], number: int, size: int, base_url: str) -> Pager:
    start = (number - 1) * size
    return Pager(pages[start : start + size], number, page_count(len(pages), size), len(pages), base_url)


@dataclass(frozen=True)
class FilterLink:
    title: str
    url: str
    count: int
    current: bool


@dataclass(frozen=True)
class Group:
    title: str
    pages: tuple[Page, ...]
