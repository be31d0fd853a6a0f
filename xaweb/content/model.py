"""The typed, immutable content model.

Pages are parsed once into these objects and never mutated: stages that need
a different view (expired, listed) make new objects with `dataclasses.replace`.
Everything here pickles, so pages can be cached on disk and sent to worker
processes. The classes have no `__slots__` on purpose: a frozen slotted dataclass
unpickles through a field-by-field `__setstate__`, which made loading the cached
pages of a 10,000-page site about twice as slow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from ..config import SiteConfig
from ..priorities import NORMAL
from ..urls import tag_url
from ..vietnamese import collation_key, slugify

# Page kinds; a section's default kind comes from its slug (see `DEFAULT_KINDS`)
# or from `kind:` in its `_index.md`.
ARTICLE = "article"
DOCUMENT = "document"
PROCEDURE = "procedure"
AUDIO = "audio"  # a radio bulletin (bản tin truyền thanh): an audio file, its transcript as the body
KINDS = (ARTICLE, DOCUMENT, PROCEDURE, AUDIO)
RADIO_SECTION = "truyen-thanh"
DEFAULT_KINDS = {"van-ban": DOCUMENT, "thu-tuc-hanh-chinh": PROCEDURE, RADIO_SECTION: AUDIO}


@dataclass(frozen=True)
class TocEntry:
    level: int
    id: str
    title: str


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class DocumentInfo:
    """A legal or directive document (văn bản): the fields Decree 42/2022 lists."""

    number: str  # số, ký hiệu: "15/2024/QĐ-UBND"
    doc_type: str  # hình thức: "Quyết định"
    issuer: str  # cơ quan ban hành
    signer: str | None = None  # người ký
    issued: datetime | None = None  # ngày ban hành
    effective: datetime | None = None  # ngày hiệu lực
    file: str | None = None  # URL of the attached file
    file_size: int | None = None  # bytes, when the file is in the site

    @property
    def year(self) -> int | None:
        return self.issued.year if self.issued else None


@dataclass(frozen=True)
class ProcedureInfo:
    """An administrative procedure (thủ tục hành chính): Decree 63/2010 Art. 8."""

    field: str  # lĩnh vực
    code: str | None = None  # mã thủ tục on the national portal
    processing_time: str | None = None  # thời hạn giải quyết
    fee: str | None = None  # phí, lệ phí
    papers: tuple[str, ...] = ()  # thành phần hồ sơ
    steps: tuple[str, ...] = ()  # trình tự thực hiện
    method: str | None = None  # cách thức thực hiện
    submit_at: str | None = None  # nơi tiếp nhận
    eligible: str | None = None  # đối tượng thực hiện
    agency: str | None = None  # cơ quan giải quyết
    result: str | None = None  # kết quả
    conditions: str | None = None  # điều kiện
    forms: tuple[Link, ...] = ()  # mẫu đơn, tờ khai
    portal_url: str | None = None  # link to the national public-service portal


@dataclass(frozen=True)
class AudioInfo:
    """A radio bulletin's file and when it is broadcast (front matter); what the file is, is read at build time."""

    file: str  # "/files/truyen-thanh/ban-tin-0512.mp3" (static/)
    broadcast: tuple[datetime, ...] = ()  # when the commune's loudspeakers play it


@dataclass(frozen=True)
class AudioFacts:
    """Read from the file by mutagen, never typed by hand."""

    url: str
    mime: str  # "audio/mpeg", "audio/ogg"
    seconds: float
    bitrate: int  # bits per second
    size: int  # bytes


@dataclass(frozen=True)
class Page:
    source: str  # site-relative POSIX path: "content/tin-tuc/hop-dan.md"
    section: str  # section path: "tin-tuc", "cong-khai/ngan-sach"; "" at the root
    slug: str
    url: str  # site-relative URL: "/tin-tuc/hop-dan/"
    kind: str
    title: str
    body_html: str
    summary: str  # plain text
    date: datetime | None = None
    updated: datetime | None = None
    expires: datetime | None = None
    tags: tuple[str, ...] = ()
    draft: bool = False
    weight: int = 0
    image: str | None = None
    image_alt: str | None = None
    author: str | None = None
    pinned: bool = False
    priority: str = NORMAL  # `priority:` thông thường / ưu tiên / khẩn cấp; khẩn cấp raises the alert banner
    board: bool = True  # `board: false`: never on the public bulletin board
    board_until: datetime | None = None  # off the board from then on (it stays on the site)
    board_duration: int | None = None  # seconds on screen; None: the site's `board.duration`
    toc: tuple[TocEntry, ...] = ()
    document: DocumentInfo | None = None
    procedure: ProcedureInfo | None = None
    audio: AudioInfo | None = None
    params: tuple[tuple[str, object], ...] = ()  # free-form `params:` for themes
    body_images: tuple[str, ...] = ()  # site-relative `src` of the body's local images ("/images/a.jpg")
    communes: tuple[str, ...] = ()  # a province's shared page: the codes and kinds it is for (empty: every commune)
    slug_set: bool = False  # the front matter names the slug (else it is made from the title)
    aliases: tuple[str, ...] = ()  # old addresses ("/thong-bao/lich-tiep-cu/"): each gets a page that sends readers here
    placeholders: tuple[int, ...] = ()  # lines still holding what `xaweb new` wrote for the officer to replace
    local_links: tuple[tuple[str, int], ...] = ()  # the body's links and images to the site's own addresses, with the line
    file_links: tuple[tuple[str, int], ...] = ()  # the files the body links to by name, with the line: ("content/thong-bao/a.md", 12)
    search_terms: str = ""  # its words and their weights, for the search index (xaweb/search/terms.py)
    search_text: str = ""  # the start of its text, for search results' excerpts
    # Set at assembly, since they depend on the build time or on other pages, not on the file.
    expired: bool = False
    links: tuple[tuple[str, str], ...] = ()  # (file linked to, its page's URL, "" when none)

    @property
    def lastmod(self) -> datetime | None:
        return self.updated or self.date

    @property
    def param(self) -> dict[str, object]:
        return dict(self.params)


@dataclass(frozen=True)
class SectionInfo:
    """What a section's `_index.md` says about the section itself."""

    path: str  # "tin-tuc", "cong-khai/ngan-sach"
    source: str | None
    title: str
    intro_html: str = ""
    kind: str = ARTICLE
    weight: int = 0
    paginate: int | None = None
    sort: str = "date"  # "date" (newest first), "weight", "title"
    in_menu: bool = True


ROOT_SECTION = SectionInfo(path="", source=None, title="")  # pages outside any section folder


@dataclass(frozen=True)
class Section:
    info: SectionInfo
    pages: tuple[Page, ...]  # every published page, sorted; expired ones included
    children: tuple[str, ...] = ()  # paths of direct subsections

    @property
    def path(self) -> str:
        return self.info.path

    @property
    def title(self) -> str:
        return self.info.title

    @property
    def url(self) -> str:
        return f"/{self.info.path}/"

    @property
    def parent(self) -> str | None:
        return self.info.path.rpartition("/")[0] or None

    @cached_property
    def listed(self) -> tuple[Page, ...]:
        """Pages shown in lists and feeds: expired ones keep their URL but drop off."""
        return tuple(p for p in self.pages if not p.expired)

    @cached_property
    def lastmod(self) -> datetime | None:
        dates = [p.lastmod for p in self.listed if p.lastmod]
        return max(dates) if dates else None

    @cached_property
    def document_filters(self) -> dict[tuple[str, str], tuple[str, tuple[Page, ...]]]:
        """Filter pages of a document list, by type (`loai`) and by year (`nam`).

        -> {(dimension, value slug): (title, pages)}: types A–Z, years newest first.
        """
        by_type: dict[str, tuple[str, list[Page]]] = {}
        by_year: dict[str, tuple[str, list[Page]]] = {}
        for page in self.listed:
            doc = page.document
            if doc is None:
                continue
            by_type.setdefault(slugify(doc.doc_type), (doc.doc_type, []))[1].append(page)
            if doc.year:
                by_year.setdefault(str(doc.year), (str(doc.year), []))[1].append(page)
        types = sorted(by_type.items(), key=lambda kv: collation_key(kv[1][0]))
        years = sorted(by_year.items(), key=lambda kv: kv[0], reverse=True)
        return {("loai", k): (t, tuple(ps)) for k, (t, ps) in types} | {("nam", k): (t, tuple(ps)) for k, (t, ps) in years}


@dataclass(frozen=True)
class Tag:
    name: str
    slug: str
    pages: tuple[Page, ...]

    @property
    def url(self) -> str:
        return tag_url(self.slug)


@dataclass(frozen=True)
class ImageVariant:
    """One resized copy of a local image, made by the build."""

    url: str  # "/images/cau-720w.jpg", "/images/cau-720w.jpg.webp"
    width: int
    height: int
    mime: str  # "image/jpeg", "image/png", "image/webp"


@dataclass(frozen=True)
class ImageInfo:
    """A local photo the site shows, with its resized copies (read from the file's header)."""

    url: str  # "/images/cau.jpg"
    width: int  # as displayed: EXIF orientation applied
    height: int
    variants: tuple[ImageVariant, ...]  # by width, each in the source's format and in WebP
    # The file's stamp and the encoder settings: what the copies are made from. Left out
    # of repr, so the digests of pages showing the image change only with what they show.
    key: str = field(default="", repr=False, compare=False)


@dataclass(frozen=True)
class ThemeSettings:
    """What the theme chain declares in its theme.yaml files (a child's entries win)."""

    stylesheets: tuple[str, ...] = ()  # site paths linked after the default stylesheet, parent first
    section_templates: tuple[tuple[str, str], ...] = ()  # (section path, template of its list pages)


# --- from the source information system (sources/ reads and merges them) ---------------


@dataclass(frozen=True, slots=True)
class FeedItem:
    id: str  # the feed's own id/guid, else its link: the key for de-duplication
    title: str  # plain text
    link: str | None = None  # the original, absolute http(s)
    date: datetime | None = None
    updated: datetime | None = None
    summary: str = ""  # plain text
    content_html: str = ""  # sanitised full text; "" when the feed carries only a summary
    categories: tuple[str, ...] = ()
    priority: str | None = None  # NORMAL, PRIORITY or URGENT; None: the source's default
    level: int | None = None  # disaster risk level 1–5 (Decision 18/2021/QĐ-TTg)
    expires: datetime | None = None
    area: str = ""
    instruction: str = ""
    # Set by merge.
    source: str = ""  # the source's name, shown as attribution
    target: str = ""  # section path or HOME
    url: str | None = None  # its own page on this site, when it has one

    @property
    def lastmod(self) -> datetime | None:
        return self.updated or self.date


@dataclass(frozen=True, slots=True)
class Alert:
    """One CAP 1.2 message (or an urgent item raised to an alert), reduced to what the banner shows."""

    id: str  # "sender,identifier": unique per CAP sender
    headline: str
    sent: datetime
    msg_type: str = "Alert"  # Alert, Update, Cancel
    status: str = "Actual"  # only Actual messages are shown or may replace others
    references: tuple[str, ...] = ()  # ids of the earlier messages an Update or Cancel replaces
    sender: str = ""  # CAP <sender>; "" for an item raised to an alert, which can replace nothing
    event: str = ""
    area: str = ""
    severity: str = "Unknown"  # CAP: Extreme, Severe, Moderate, Minor, Unknown
    urgency: str = "Unknown"  # CAP: Immediate, Expected, Future, Past, Unknown
    certainty: str = "Unknown"
    level: int | None = None  # disaster risk level 1–5 (Decision 18/2021/QĐ-TTg)
    description: str = ""
    instruction: str = ""
    expires: datetime | None = None
    link: str | None = None
    sender_name: str = ""
    source: str = ""  # set by merge



@dataclass(frozen=True)
class Site:
    config: SiteConfig
    build_time: datetime
    home_intro_html: str
    sections: tuple[Section, ...]  # menu order
    pages: tuple[Page, ...]  # every published page, sorted newest first
    tags: tuple[Tag, ...]  # Vietnamese A–Z
    root_pages: tuple[Page, ...] = field(default=())  # pages at content/*.md
    # From source feeds (merged by xaweb.sources.merge).
    feed_items: tuple[FeedItem, ...] = field(default=())  # newest first
    alerts: tuple[Alert, ...] = field(default=())  # active at build time, most severe first
    images: dict[str, ImageInfo] = field(default_factory=dict)  # by URL: the local images pages and config show
    audio: dict[str, AudioFacts] = field(default_factory=dict)  # by URL: the radio bulletins' files that could be read
    theme: ThemeSettings = field(default_factory=ThemeSettings)

    @cached_property
    def section_map(self) -> dict[str, Section]:
        return {s.path: s for s in self.sections}

    @cached_property
    def page_map(self) -> dict[str, Page]:
        """Every page by its source."""
        return {p.source: p for p in self.pages + self.root_pages}

    def section(self, path: str) -> Section | None:
        return self.section_map.get(path)

    @property
    def top_sections(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.parent is None)

    @cached_property
    def listed_pages(self) -> tuple[Page, ...]:
        return tuple(p for p in self.pages if not p.expired)

    @cached_property
    def lastmod(self) -> datetime | None:
        dates = [p.lastmod for p in self.listed_pages if p.lastmod]
        return max(dates) if dates else None

    @cached_property
    def tag_map(self) -> dict[str, Tag]:
        return {t.slug: t for t in self.tags}

    @cached_property
    def listed_index(self) -> dict[str, int]:
        """Each listed page's place in its own section's list."""
        return {p.source: i for s in self.sections for i, p in enumerate(s.listed) if p.section == s.path}
