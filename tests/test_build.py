"""End-to-end tests of `xaweb build`: real sites in, every output file checked.

The sites are content-example/ (the example commune) and the small fixture
sites in tests/sites/. Each is copied to a temporary folder first, because a
build writes `.xaweb-cache/` into the site. The build clock is always fixed
with `now=`, so expiry is judged the same way on every run.
"""

from __future__ import annotations

import email.utils
import math
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from datetime import date, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import lxml.etree
import lxml.html
import pytest
import yaml

import xaweb.writer
from xaweb.build import BuildOptions, BuildResult, build
from xaweb.errors import BuildError
from xaweb.vietnamese import VN_TZ, slugify

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "content-example"
SITES = Path(__file__).resolve().parent / "sites"
DEFAULT_THEME = ROOT / "themes" / "default"

EXAMPLE_BASE = "https://tananhoa.dongthap.gov.vn"
TRICKY_BASE = "https://dakdoa.gialai.gov.vn"

# After every published date in content-example (newest: 2025-11-15) and its two expiries
# (2024-04-30, 2025-11-07); nothing else expires between these two moments.
NOW = datetime(2025, 12, 1, 9, 0, tzinfo=VN_TZ)
NOW_LATER = datetime(2026, 3, 1, 16, 30, tzinfo=VN_TZ)
# The same for valid-tricky (newest date 2024-06-20; one expiry, 2024-03-05).
TRICKY_NOW = datetime(2024, 8, 1, 9, 0, tzinfo=VN_TZ)
TRICKY_NOW_LATER = datetime(2025, 1, 15, 9, 0, tzinfo=VN_TZ)

LEFTOVER_SUFFIXES = (".xaweb-tmp", ".xaweb-old")


# --- helpers -------------------------------------------------------------------


def copy_site(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".xaweb-cache", "public", "*.xaweb-tmp", "*.xaweb-old"))
    return dst


def run(site: Path, out: Path, now: datetime = NOW, **options) -> BuildResult:
    return build(BuildOptions(site, out, now=now, **options))


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under root -> its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def stamps(root: Path) -> dict[str, tuple[int, int]]:
    """Every file -> (inode, mtime): a file the build rewrote gets a new inode (staged, then renamed in)."""
    out = {}
    for p in root.rglob("*"):
        if p.is_file():
            st = p.stat()
            out[p.relative_to(root).as_posix()] = (st.st_ino, st.st_mtime_ns)
    return out


def diff_names(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.endswith(LEFTOVER_SUFFIXES))


def front_matter(path: Path) -> dict:
    text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8-sig"))
    if not text.startswith("---\n"):
        return {}
    return yaml.safe_load(text.split("\n---\n", 1)[0][4:]) or {}


def as_date(value) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return datetime.fromisoformat(str(value)).date()


def parse_html(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(path.read_bytes())


def page_path(url: str) -> str:
    """Site URL '/tin-tuc/a/' -> output file 'tin-tuc/a/index.html'."""
    path = unquote(urlsplit(url).path).lstrip("/")
    return path + "index.html" if path.endswith("/") or not path else path


def url_of(rel: str) -> str:
    """Output file 'tin-tuc/a/index.html' -> URL '/tin-tuc/a/'."""
    if rel == "index.html":
        return "/"
    if rel.endswith("/index.html"):
        return "/" + rel[: -len("index.html")]
    return "/" + rel


def text_of(el) -> str:
    return " ".join(el.text_content().split())


class ContentPage:
    """What the tests expect of one content file, read straight from its front matter."""

    def __init__(self, site: Path, path: Path):
        self.path = path
        self.source = path.relative_to(site).as_posix()
        self.meta = front_matter(path)
        rel = path.relative_to(site / "content")
        self.section = "/".join(rel.parts[:-1])
        self.title = " ".join(str(self.meta.get("title", "")).split())
        self.slug = str(self.meta.get("slug") or slugify(self.title))
        self.url = f"/{self.section}/{self.slug}/" if self.section else f"/{self.slug}/"
        self.draft = bool(self.meta.get("draft", False))
        self.tags = [unicodedata.normalize("NFC", str(t)) for t in self.meta.get("tags") or []]
        self.date = as_date(self.meta.get("date"))
        self.updated = as_date(self.meta.get("updated"))
        self.expires = as_date(self.meta.get("expires"))

    def expired(self, now: datetime) -> bool:
        # A date without a time is valid through that whole day.
        return self.expires is not None and now.date() > self.expires

    @property
    def lastmod(self) -> date | None:
        return self.updated or self.date


def content_pages(site: Path) -> list[ContentPage]:
    return [ContentPage(site, p) for p in sorted((site / "content").rglob("*.md")) if p.name != "_index.md"]


def section_dirs(site: Path) -> list[str]:
    content = site / "content"
    return sorted(p.relative_to(content).as_posix() for p in content.rglob("*") if p.is_dir())


def section_paginate(site: Path, section: str, default: int) -> int:
    index = site / "content" / section / "_index.md"
    return (front_matter(index).get("paginate") if index.is_file() else None) or default


def html_problems(out: Path, base_url: str) -> list[str]:
    """Check every HTML file of a build; -> one line per problem found."""
    problems: list[str] = []
    host = urlsplit(base_url).hostname
    for path in sorted(out.rglob("*.html")):
        rel = path.relative_to(out).as_posix()

        def bad(message: str) -> None:
            problems.append(f"{rel}: {message}")

        try:
            doc = parse_html(path)
        except (lxml.etree.ParserError, ValueError) as exc:
            bad(f"does not parse: {exc}")
            continue
        if doc.tag != "html" or doc.get("lang") != "vi":
            bad(f"<html lang> is {doc.get('lang')!r}")
        h1s = doc.xpath("//h1")
        if len(h1s) != 1:
            bad(f"{len(h1s)} <h1> elements")
        mains = doc.xpath("//main")
        if len(mains) != 1 or not mains[0].get("id"):
            bad(f"{len(mains)} <main> elements (or no id)")
        else:
            main_id = mains[0].get("id")
            links = doc.xpath("//body//a[@href]")
            if not links or links[0].get("href") != f"#{main_id}":
                bad(f"the first link is not a skip link to #{main_id}")
        canonical = doc.xpath("//head/link[@rel='canonical']/@href")
        # A page at an old address (an alias) names the page it sends readers to.
        refresh = [c.partition("url=")[2] for c in doc.xpath("//head/meta[@http-equiv='refresh']/@content")]
        expected = base_url + (refresh[0] if refresh else url_of(rel))
        if len(canonical) != 1:
            bad(f"{len(canonical)} canonical links")
        elif canonical[0] != expected:
            bad(f"canonical {canonical[0]!r}, expected {expected!r}")
        for name, xpath in (("DC.title", "//head/meta[@name='DC.title']/@content"),
                            ("og:title", "//head/meta[@property='og:title']/@content")):
            values = doc.xpath(xpath)
            if len(values) != 1 or not values[0].strip():
                bad(f"{name} meta missing or empty: {values!r}")
        ids = doc.xpath("//@id")
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            bad(f"duplicate ids {duplicates}")
        for href in doc.xpath("//a/@href"):
            if href.startswith("#") and len(href) > 1 and unquote(href[1:]) not in ids:
                bad(f"in-page link {href!r} has no target")
            if href.strip().lower().startswith(("javascript:", "data:", "vbscript:")):
                bad(f"unsafe link {href!r}")
        for el in doc.iter():
            if not isinstance(el.tag, str):
                continue
            handlers = [name for name in el.attrib if name.lower().startswith("on")]
            if handlers:
                bad(f"<{el.tag}> has event handlers {handlers}")
        for script in doc.xpath("//script"):
            if not script.get("src") and (script.text or "").strip():
                bad(f"inline script: {(script.text or '')[:60]!r}")
        # Nothing is loaded from another host: no CDN, no web fonts, no trackers.
        # rel="schema.DC" only names the Dublin Core vocabulary (browsers never fetch it).
        for el in doc.xpath("//link[@href] | //script[@src] | //img[@src]"):
            if el.tag == "link" and (el.get("rel") or "").lower() == "schema.dc":
                continue
            value = el.get("href") if el.tag == "link" else el.get("src")
            parts = urlsplit(value)
            if (parts.scheme in ("http", "https") or value.startswith("//")) and parts.hostname != host:
                bad(f"<{el.tag}> loads {value!r} from another host")
            if el.tag == "script" and (parts.scheme or value.startswith("//")):
                bad(f"<script src={value!r}> is not a site path")
    return problems


def broken_internal_links(out: Path, base_path: str = "") -> list[str]:
    """Site-relative links ('/x/y/') in HTML that point to no file of the build.

    `base_path`: the path of base_url ('/xa/tan-an'), which every such link must start with.
    """
    missing = []
    for path in sorted(out.rglob("*.html")):
        doc = parse_html(path)
        for el in doc.xpath("//a[@href] | //link[@href] | //script[@src] | //img[@src]"):
            value = el.get("href") if el.get("href") is not None else el.get("src")
            if not value.startswith("/") or value.startswith("//"):
                continue
            link = urlsplit(value).path
            if base_path:
                if not link.startswith(base_path + "/"):
                    missing.append(f"{path.relative_to(out).as_posix()} -> {value} (outside {base_path}/)")
                    continue
                link = link[len(base_path):]
            if "//" in link or not (out / page_path(link)).is_file():
                missing.append(f"{path.relative_to(out).as_posix()} -> {value}")
    return missing


def hrefs(path: Path) -> set[str]:
    return set(parse_html(path).xpath("//a/@href"))


def feed_links(data: bytes) -> list[str]:
    parsed = feedparser.parse(data)
    return [e.link for e in parsed.entries]


# --- content-example, built once ----------------------------------------------


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> tuple[Path, Path, BuildResult]:
    root = tmp_path_factory.mktemp("example")
    site = copy_site(EXAMPLE, root / "site")
    out = root / "out"
    result = run(site, out, strict=True, cache=False)
    return site, out, result


@pytest.fixture(scope="module")
def example_pages(example) -> list[ContentPage]:
    site, _, _ = example
    return content_pages(site)


def test_example_builds_strictly_without_problems(example, example_pages):
    site, out, result = example
    assert result.warnings == []
    published = [p for p in example_pages if not p.draft]
    assert result.pages == len(published)
    assert result.deleted == 0 and result.reused == 0
    assert leftovers(out) == []
    assert not (out / ".xaweb-cache").exists()
    assert not (site / ".xaweb-cache").exists(), "cache=False must not write a cache"


def test_example_has_one_page_per_content_file(example, example_pages):
    _, out, _ = example
    assert len(example_pages) > 50
    drafts = [p for p in example_pages if p.draft]
    assert drafts, "content-example has a draft"
    for page in example_pages:
        target = out / page_path(page.url)
        if page.draft:
            assert not target.exists(), f"draft {page.source} was built"
            continue
        assert target.is_file(), f"{page.source}: no {page.url}"
        h1 = parse_html(target).xpath("//h1")
        assert [text_of(h) for h in h1] == [page.title], page.source
    page_files = {page_path(p.url) for p in example_pages if not p.draft}
    assert len(page_files) == len([p for p in example_pages if not p.draft]), "two pages share a URL"


def test_example_home_and_fixed_files(example):
    _, out, _ = example
    for rel in ("index.html", "rss.xml", "atom.xml", "sitemap.xml", "so-do-trang/index.html",
                "robots.txt", "404.html", "the/index.html"):
        assert (out / rel).is_file(), rel
    home = parse_html(out / "index.html")
    assert "Tân An Hòa" in text_of(home.xpath("//h1")[0])
    robots = (out / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {EXAMPLE_BASE}/sitemap.xml" in robots
    not_found = parse_html(out / "404.html")
    assert not_found.xpath("//meta[@name='robots']/@content") == ["noindex"]


def test_example_section_lists_are_paginated(example, example_pages):
    site, out, _ = example
    default = yaml.safe_load((site / "site.yaml").read_text(encoding="utf-8")).get("paginate", 10)
    for section in section_dirs(site):
        listed = [p for p in example_pages if p.section == section and not p.draft and not p.expired(NOW)]
        per_page = section_paginate(site, section, default)
        count = max(1, math.ceil(len(listed) / per_page))
        for n in range(1, count + 1):
            rel = f"{section}/index.html" if n == 1 else f"{section}/trang/{n}/index.html"
            assert (out / rel).is_file(), rel
        assert not (out / section / "trang" / str(count + 1)).exists(), f"{section}: a list page too many"
        assert (out / section / "rss.xml").is_file() and (out / section / "atom.xml").is_file(), section
    # tin-tuc: 12 files, one a draft -> 11 listed, 10 per page.
    news = [p for p in example_pages if p.section == "tin-tuc" and not p.draft]
    assert len(news) == 11
    first = parse_html(out / "tin-tuc/index.html")
    second = parse_html(out / "tin-tuc/trang/2/index.html")
    first_links = first.xpath("//div[@class='item-list']//h2/a/@href")
    second_links = second.xpath("//div[@class='item-list']//h2/a/@href")
    assert len(first_links) == 10 and len(second_links) == 1
    assert set(first_links) | set(second_links) == {p.url for p in news}
    assert "/tin-tuc/trang/2/" in first.xpath("//nav[@class='pagination']//a/@href")
    assert not (out / "tin-tuc/trang/3").exists()


def test_example_tag_pages(example, example_pages):
    _, out, _ = example
    tags: dict[str, set[str]] = {}
    for page in example_pages:
        if page.draft or page.expired(NOW):
            continue
        for tag in page.tags:
            tags.setdefault(slugify(tag), set()).add(page.url)
    built = {p.name for p in (out / "the").iterdir() if p.is_dir()}
    assert built == set(tags)
    for slug, urls in tags.items():
        count = math.ceil(len(urls) / 10)
        shown: set[str] = set()
        for n in range(1, count + 1):
            rel = f"the/{slug}/index.html" if n == 1 else f"the/{slug}/trang/{n}/index.html"
            shown |= set(parse_html(out / rel).xpath("//div[@class='item-list']//a/@href"))
        assert shown == urls, slug
        assert (out / "the" / slug / "rss.xml").is_file()
    index_links = {h for h in hrefs(out / "the/index.html") if h.startswith("/the/") and h != "/the/"}
    assert index_links == {f"/the/{s}/" for s in tags}


def test_example_static_files_are_copied(example):
    site, out, _ = example
    static = site / "static"
    files = [p for p in static.rglob("*") if p.is_file()]
    assert any(p.suffix == ".pdf" for p in files)
    for path in files:
        rel = path.relative_to(static).as_posix()
        assert (out / rel).read_bytes() == path.read_bytes(), rel
    for path in (DEFAULT_THEME / "static").rglob("*"):
        if path.is_file():
            rel = path.relative_to(DEFAULT_THEME / "static").as_posix()
            assert (out / rel).read_bytes() == path.read_bytes(), rel


def test_example_document_filter_pages(example, example_pages):
    _, out, _ = example
    docs = [p for p in example_pages if p.section == "van-ban" and not p.draft and not p.expired(NOW)]
    assert docs
    by_type: dict[str, set[str]] = {}
    by_year: dict[str, set[str]] = {}
    for doc in docs:
        by_type.setdefault(slugify(str(doc.meta["doc_type"])), set()).add(doc.url)
        issued = as_date(doc.meta.get("issued")) or doc.date
        by_year.setdefault(str(issued.year), set()).add(doc.url)
    assert len(by_type) > 1 and len(by_year) > 1
    for dim, groups in (("loai", by_type), ("nam", by_year)):
        built = {p.name for p in (out / "van-ban" / dim).iterdir()}
        assert built == set(groups), dim
        for value, urls in groups.items():
            page = parse_html(out / f"van-ban/{dim}/{value}/index.html")
            rows = page.xpath("//table[contains(@class,'doc-table')]/tbody/tr")
            assert len(rows) == len(urls)
            assert set(page.xpath("//table[contains(@class,'doc-table')]/tbody//a[not(@class='download')]/@href")) == urls
    # The document list links every attachment, and every attachment exists.
    main_list = parse_html(out / "van-ban/index.html")
    for href in main_list.xpath("//a[@class='download']/@href"):
        assert (out / page_path(href)).is_file(), href


def test_example_every_html_page_is_well_formed_and_self_contained(example):
    _, out, _ = example
    assert html_problems(out, EXAMPLE_BASE) == []


def test_example_internal_links_resolve(example):
    _, out, _ = example
    assert broken_internal_links(out) == []


def test_example_unsafe_html_is_removed_but_safe_markup_survives(example, example_pages):
    _, out, _ = example
    [lua_dao] = [p for p in example_pages if p.source == "content/pho-bien-phap-luat/canh-giac-lua-dao-truc-tuyen.md"]
    assert "<script>alert(1)</script>" in lua_dao.path.read_text(encoding="utf-8")
    data = (out / page_path(lua_dao.url)).read_bytes()
    assert b"<script>alert(1)</script>" not in data
    doc = lxml.html.document_fromstring(data)
    assert not [s for s in doc.xpath("//script") if "alert" in (s.text or "")]
    assert doc.xpath("//script/@src") == ["/js/xaweb.js"]
    assert "Các trang giả mạo" in text_of(doc.xpath("//main")[0])  # the paragraph itself stays
    [tong_quan] = [p for p in example_pages if p.source == "content/gioi-thieu/tong-quan.md"]
    doc = parse_html(out / page_path(tong_quan.url))
    abbr = doc.xpath("//main//abbr[@title='Ủy ban nhân dân']")
    assert [a.text for a in abbr] == ["UBND"]


# --- feeds ------------------------------------------------------------------------


def _feed_dates_rss(text: str) -> list[str]:
    return re.findall(r"<(?:pubDate|lastBuildDate)>([^<]*)</", text)


def _feed_dates_atom(text: str) -> list[str]:
    return re.findall(r"<(?:updated|published)>([^<]*)</", text)


@pytest.mark.parametrize("rel", ["rss.xml", "atom.xml", "tin-tuc/rss.xml", "tin-tuc/atom.xml", "thong-bao/rss.xml", "van-ban/atom.xml"])
def test_example_feeds_read_back(example, example_pages, rel):
    _, out, _ = example
    data = (out / rel).read_bytes()
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == ("rss20" if rel.endswith("rss.xml") else "atom10")
    assert parsed.entries
    by_url = {p.url: p for p in example_pages}
    section = rel.rpartition("/")[0]
    expected = [p for p in example_pages if not p.draft and not p.expired(NOW) and (not section or p.section == section)]
    assert len(parsed.entries) == min(20, len(expected))
    newest = None
    for entry in parsed.entries:
        assert entry.link.startswith(EXAMPLE_BASE + "/"), entry.link
        url = entry.link[len(EXAMPLE_BASE):]
        assert (out / page_path(url)).is_file(), url
        page = by_url[url]
        assert entry.title == page.title
        newest = max(filter(None, [newest, page.lastmod]))
    text = data.decode("utf-8")
    if rel.endswith("rss.xml"):
        dates = _feed_dates_rss(text)
        assert dates and all(d.endswith("+0700") for d in dates), dates
        [last_build] = re.findall(r"<lastBuildDate>([^<]*)<", text)
        stamp = email.utils.parsedate_to_datetime(last_build)
    else:
        dates = _feed_dates_atom(text)
        assert dates and all(d.endswith("+07:00") for d in dates), dates
        feed_updated = re.search(r"<feed[^>]*>.*?<updated>([^<]*)</updated>", text, re.S).group(1)
        stamp = datetime.fromisoformat(feed_updated)
        # The feed's <updated> is the newest entry's <updated>.
        assert feed_updated == max((e.updated for e in parsed.entries), key=datetime.fromisoformat)
    # The feed date is the newest content date in the feed, not the build clock.
    assert stamp.date() == newest
    assert stamp.utcoffset().total_seconds() == 7 * 3600
    assert stamp < NOW


def test_feeds_do_not_depend_on_the_build_clock(tmp_path):
    site = copy_site(EXAMPLE, tmp_path / "site")
    run(site, tmp_path / "a", now=NOW, cache=False)
    run(site, tmp_path / "b", now=NOW_LATER, cache=False)
    a, b = snapshot(tmp_path / "a"), snapshot(tmp_path / "b")
    feeds = sorted(k for k in a if k.endswith(("rss.xml", "atom.xml")))
    assert len(feeds) > 40
    assert [k for k in feeds if a[k] != b.get(k)] == []
    # Nothing else shows the clock either.
    assert diff_names(a, b) == []


def test_example_expired_and_draft_pages_stay_out_of_lists_and_feeds(example, example_pages):
    _, out, _ = example
    expired = [p for p in example_pages if not p.draft and p.expired(NOW)]
    drafts = [p for p in example_pages if p.draft]
    assert len(expired) == 2 and len(drafts) == 1
    content_outputs = {page_path(p.url) for p in example_pages}
    hidden = {p.url for p in expired + drafts}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if path.suffix == ".html" and rel not in content_outputs:
            shown = hrefs(path) & hidden
            assert not shown, f"{rel} links {shown}"
        elif path.name in ("rss.xml", "atom.xml"):
            shown = {link[len(EXAMPLE_BASE):] for link in feed_links(path.read_bytes())} & hidden
            assert not shown, f"{rel} lists {shown}"
    for page in expired:
        doc = parse_html(out / page_path(page.url))
        notice = doc.xpath("//*[contains(@class,'notice-expired')]")
        assert len(notice) == 1, page.source
        assert "hết hiệu lực" in text_of(notice[0])
    for page in drafts:
        assert not (out / page_path(page.url)).exists()
        marker = page.slug.encode("utf-8")
        assert not [k for k, v in snapshot(out).items() if marker in v]


# --- sitemaps -----------------------------------------------------------------


def test_example_sitemap_xml(example, example_pages):
    _, out, _ = example
    root = lxml.etree.fromstring((out / "sitemap.xml").read_bytes())
    ns = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    locs = root.xpath("//sm:url/sm:loc/text()", namespaces=ns)
    assert len(locs) == len(set(locs)), "duplicate <loc>"
    for loc in locs:
        assert loc.startswith(EXAMPLE_BASE + "/"), loc
        assert (out / page_path(loc[len(EXAMPLE_BASE):])).is_file(), loc
    urls = {loc[len(EXAMPLE_BASE):] for loc in locs}
    assert {p.url for p in example_pages if not p.draft} <= urls
    assert {f"/{s}/" for s in section_dirs(example[0])} <= urls
    assert "/" in urls
    for lastmod in root.xpath("//sm:lastmod/text()", namespaces=ns):
        assert datetime.fromisoformat(lastmod).utcoffset().total_seconds() == 7 * 3600


def test_example_html_sitemap_links_every_section(example, example_pages):
    site, out, _ = example
    links = hrefs(out / "so-do-trang/index.html")
    missing = [s for s in section_dirs(site) if f"/{s}/" not in links]
    assert missing == []
    listed = {p.url for p in example_pages if not p.draft and not p.expired(NOW)}
    assert listed <= links


# --- determinism --------------------------------------------------------------


def test_two_clean_builds_are_byte_identical(tmp_path):
    one = copy_site(EXAMPLE, tmp_path / "one" / "site")
    two = copy_site(EXAMPLE, tmp_path / "two" / "elsewhere")
    run(one, tmp_path / "out-1", cache=False)
    run(two, tmp_path / "out-2", cache=False)
    a, b = snapshot(tmp_path / "out-1"), snapshot(tmp_path / "out-2")
    assert len(a) > 200
    assert diff_names(a, b) == []


def test_clean_build_equals_cached_rebuild(tmp_path):
    site = copy_site(EXAMPLE, tmp_path / "site")
    run(site, tmp_path / "clean", cache=False)
    first = run(site, tmp_path / "cached")
    assert (site / ".xaweb-cache").is_dir()
    again = run(site, tmp_path / "cached")
    assert again.rendered == 0 and again.deleted == 0 and again.static_copied == 0
    assert again.reused == first.rendered
    assert diff_names(snapshot(tmp_path / "clean"), snapshot(tmp_path / "cached")) == []
    # A second output folder for the same site starts from scratch but uses the parsed-page cache.
    run(site, tmp_path / "cached-2")
    assert diff_names(snapshot(tmp_path / "clean"), snapshot(tmp_path / "cached-2")) == []


# --- failure safety -------------------------------------------------------------

BREAKS = {
    "front-matter": ("content/tin-tuc/duong-dien.md", "---\ntitle: Bài hỏng\ndate: 2024-05-02\nsummary: Họp: dân\n---\nThân bài.\n"),
    "template-runtime": ("templates/page.html", (SITES / "broken-template/templates/page.html").read_text(encoding="utf-8")),
    "template-syntax": ("templates/page.html", (SITES / "broken-template-syntax/templates/page.html").read_text(encoding="utf-8")),
    "config": ("site.yaml", "name: [Đắk Đoa\nprovince: Gia Lai\n"),
    "missing-attachment": ("static/files/van-ban/qd-12-2024.pdf", None),  # None: delete the file
}


@pytest.mark.parametrize("incremental", [False, True], ids=["full", "incremental"])
@pytest.mark.parametrize("breakage", sorted(BREAKS))
def test_a_failing_build_leaves_the_old_output_untouched(tmp_path, breakage, incremental):
    site = copy_site(SITES / "valid-tricky", tmp_path / "site")
    out = tmp_path / "out"
    run(site, out, now=TRICKY_NOW, cache=incremental)
    if incremental:
        # A second successful build: the next one takes the incremental path.
        (site / "content/tin-tuc/ky-tu.md").write_text(
            (site / "content/tin-tuc/ky-tu.md").read_text(encoding="utf-8") + "\nThêm một dòng.\n", encoding="utf-8")
        assert run(site, out, now=TRICKY_NOW).rendered > 0
    before = snapshot(out)
    before_stamps = stamps(out)
    assert len(before) > 30

    rel, text = BREAKS[breakage]
    target = site / rel
    original = target.read_bytes() if target.exists() else None
    if text is None:
        target.unlink()
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    with pytest.raises(Exception) as info:
        run(site, out, now=TRICKY_NOW, cache=incremental)

    assert diff_names(before, snapshot(out)) == []
    assert stamps(out) == before_stamps, "files were rewritten with the same bytes"
    assert leftovers(out) == []
    assert isinstance(info.value, BuildError), f"expected BuildError, got {type(info.value).__name__}: {info.value}"

    # Fixing the site makes the next build (incremental or not) equal a clean one.
    if original is None:
        target.unlink()
    else:
        target.write_bytes(original)
    run(site, out, now=TRICKY_NOW, cache=incremental)
    run(site, tmp_path / "clean", now=TRICKY_NOW, cache=False)
    assert diff_names(snapshot(tmp_path / "clean"), snapshot(out)) == []


# --- broken fixtures: every problem, located --------------------------------------


def build_error(tmp_path: Path, name: str) -> BuildError:
    site = copy_site(SITES / name, tmp_path / name)
    with pytest.raises(BuildError) as info:
        run(site, tmp_path / "out", now=TRICKY_NOW)
    assert not (tmp_path / "out").exists()
    assert leftovers(tmp_path / "out") == []
    return info.value


def test_broken_front_matter_lists_every_problem_with_its_line(tmp_path):
    error = build_error(tmp_path, "broken-front-matter")
    lines = [str(p) for p in error.problems]
    expected = [
        ("content/tin-tuc/loai-la.md:5: ", "bai-viet"),
        ("content/tin-tuc/loi-yaml.md:4: ", "YAML"),
        ("content/tin-tuc/ngay-sai.md:3: ", "31/02/2024"),
        ("content/tin-tuc/thieu-tieu-de.md:2: ", "title"),
    ]
    assert len(lines) == len(expected), lines
    for line, (prefix, word) in zip(lines, expected):
        assert line.startswith(prefix), line
        assert word in line, line
    assert all(p.level == "error" for p in error.problems)
    assert "hop-le.md" not in str(error)


def test_two_pages_with_one_title_both_publish_and_the_warning_names_both_files(tmp_path):
    site = copy_site(SITES / "slug-collision", tmp_path / "slug-collision")
    result = run(site, tmp_path / "out", now=TRICKY_NOW)
    kept = (tmp_path / "out/tin-tuc/hop-dan-ap-3/index.html").read_text(encoding="utf-8")
    assert "Lần một." in kept and "Lần hai." not in kept  # the earlier one keeps the address
    assert "Lần hai." in (tmp_path / "out/tin-tuc/hop-dan-ap-3-hop-dan-b/index.html").read_text(encoding="utf-8")
    [warning] = [str(p) for p in result.warnings]
    assert warning.startswith("content/tin-tuc/hop-dan-b.md:") and "content/tin-tuc/hop-dan-a.md" in warning
    assert "/tin-tuc/hop-dan-ap-3-hop-dan-b/" in warning and "khac.md" not in warning


def test_template_error_names_template_line_and_page(tmp_path):
    error = build_error(tmp_path, "broken-template")
    lines = sorted(str(p) for p in error.problems)
    # Both articles use page.html; the procedure (procedure.html) is fine.
    assert len(lines) == 2, lines
    for line, source in zip(lines, ("content/tin-tuc/bai-hai.md", "content/tin-tuc/bai-mot.md")):
        assert line.startswith("templates/page.html:4: "), line
        assert "nonexistent_attr" in line
        assert f"(khi dựng {source})" in line, line


def test_template_syntax_error_names_template_line_and_page(tmp_path):
    error = build_error(tmp_path, "broken-template-syntax")
    lines = sorted(str(p) for p in error.problems)
    assert lines, "no problems listed"
    for line in lines:
        assert line.startswith("templates/page.html:4: "), line
        assert "khi dựng content/tin-tuc/" in line, line
    assert not [line for line in lines if "chung-thuc" in line]


# --- incremental builds ---------------------------------------------------------


@pytest.fixture
def built_example(tmp_path) -> tuple[Path, Path]:
    site = copy_site(EXAMPLE, tmp_path / "site")
    out = tmp_path / "out"
    run(site, out)
    return site, out


def rebuild_and_compare(site: Path, out: Path, tmp_path: Path) -> tuple[BuildResult, set[str], set[str]]:
    """Rebuild incrementally; -> (result, files rewritten, files with new bytes). Checks it equals a clean build."""
    before, before_stamps = snapshot(out), stamps(out)
    result = run(site, out)
    after, after_stamps = snapshot(out), stamps(out)
    rewritten = {k for k in after_stamps if before_stamps.get(k) != after_stamps[k]}
    changed = set(diff_names(before, after))
    assert {k for k in changed if k in after} <= rewritten
    clean = tmp_path / f"clean-{len(list(tmp_path.iterdir()))}"
    run(site, clean, cache=False)
    assert diff_names(snapshot(clean), after) == []
    assert leftovers(out) == []
    return result, rewritten, changed


def test_unchanged_site_rebuilds_nothing(built_example, tmp_path):
    site, out = built_example
    result, rewritten, changed = rebuild_and_compare(site, out, tmp_path)
    assert (result.rendered, result.deleted, result.static_copied) == (0, 0, 0)
    assert rewritten == set() and changed == set()


def test_cached_rebuild_restores_output_files_removed_by_hand(built_example, tmp_path):
    """The cache records what the last build wrote; a file gone since then is written again."""
    site, out = built_example
    for rel in ("tin-tuc/index.html", "rss.xml", "css/xaweb.css", "files/van-ban/qd-15-2025.pdf"):
        (out / rel).unlink()
    rebuild_and_compare(site, out, tmp_path)


def test_body_edit_rerenders_only_what_shows_the_page(built_example, tmp_path):
    site, out = built_example
    source = site / "content/tin-tuc/phong-chong-sot-xuat-huyet.md"
    page = ContentPage(site, source)
    source.write_text(source.read_text(encoding="utf-8") + "\nBổ sung: INCREMENTAL-MARKER.\n", encoding="utf-8")
    result, rewritten, changed = rebuild_and_compare(site, out, tmp_path)

    own = page_path(page.url)
    assert own in changed
    assert b"INCREMENTAL-MARKER" in (out / own).read_bytes()
    # Below the summary: lists, feeds and sitemaps show nothing of it; the search index shows its words
    # (its own entry and the buckets of the new words: "bo", "sung", "incremental", "marker").
    search = {rel for rel in rewritten if rel.startswith("tim-kiem/")}
    assert rewritten - search == {own}
    assert len([rel for rel in search if rel.startswith("tim-kiem/f/")]) == 1 and len(search) <= 5
    assert result.rendered == len(rewritten)
    assert result.static_copied == 0 and result.deleted == 0


def test_summary_edit_rerenders_what_lists_the_page(built_example, tmp_path):
    site, out = built_example
    source = site / "content/tin-tuc/phong-chong-sot-xuat-huyet.md"
    page = ContentPage(site, source)
    source.write_text(source.read_text(encoding="utf-8").replace("summary: ", "summary: SUMMARY-MARKER ", 1), encoding="utf-8")
    result, rewritten, changed = rebuild_and_compare(site, out, tmp_path)

    own = page_path(page.url)
    must = {own, "tin-tuc/rss.xml"} | {f"the/{slugify(t)}/rss.xml" for t in page.tags}
    assert must <= rewritten, sorted(must - rewritten)
    allowed = must | {"index.html", "404.html", "so-do-trang/index.html", "rss.xml", "atom.xml", "sitemap.xml", "the/index.html", "tin-tuc/index.html",
                      "tin-tuc/trang/2/index.html", "tin-tuc/atom.xml"}
    allowed |= {rel for rel in rewritten if rel.startswith("tim-kiem/b/")}  # buckets of the summary's words
    allowed |= {"bang-tin.json", "bang-tin/index.html"}  # the bulletin board shows the newest pages' summaries
    for tag in page.tags:
        allowed |= {f"the/{slugify(tag)}/index.html", f"the/{slugify(tag)}/trang/2/index.html"}
    assert rewritten <= allowed, sorted(rewritten - allowed)
    assert all(b"SUMMARY-MARKER" in (out / rel).read_bytes() for rel in must)
    assert result.rendered == len(rewritten)


def test_deleting_a_page_removes_its_output(built_example, tmp_path):
    site, out = built_example
    source = site / "content/tin-tuc/trao-qua-tet-giap-thin.md"
    page = ContentPage(site, source)
    assert (out / page_path(page.url)).is_file()
    assert (out / "tin-tuc/trang/2/index.html").is_file()
    source.unlink()
    result, _, changed = rebuild_and_compare(site, out, tmp_path)
    assert not (out / page_path(page.url)).exists()
    assert not (out / page_path(page.url)).parent.exists(), "empty folder left behind"
    # 10 news items left: the second list page is gone too.
    assert not (out / "tin-tuc/trang/2").exists()
    assert result.deleted >= 2
    assert page_path(page.url) in changed


def test_renaming_a_file_keeps_its_url(built_example, tmp_path):
    site, out = built_example
    source = site / "content/tin-tuc/ngay-hoi-sen-que-2025.md"
    page = ContentPage(site, source)
    before = (out / page_path(page.url)).read_bytes()
    source.rename(source.with_name("sen-que.md"))
    result, _, changed = rebuild_and_compare(site, out, tmp_path)
    assert (out / page_path(page.url)).read_bytes() == before
    assert changed == set()
    assert result.deleted == 0


def test_overriding_a_template_rerenders_only_the_pages_using_it(built_example, tmp_path, example_pages):
    site, out = built_example
    procedures = {page_path(p.url) for p in example_pages if p.section == "thu-tuc-hanh-chinh"}
    assert len(procedures) == 6
    default = (DEFAULT_THEME / "templates/procedure.html").read_text(encoding="utf-8")
    assert "{% block content %}\n" in default
    override = site / "templates/procedure.html"
    override.parent.mkdir(exist_ok=True)
    override.write_text(default.replace("{% block content %}\n", "{% block content %}\n<p class=\"marker\">PROC-OVERRIDE-1</p>\n", 1), encoding="utf-8")

    result, rewritten, changed = rebuild_and_compare(site, out, tmp_path)
    assert rewritten == procedures == changed
    assert result.rendered == 6
    for rel in procedures:
        assert b"PROC-OVERRIDE-1" in (out / rel).read_bytes()

    # Editing the override again: the same six pages, nothing else.
    override.write_text(override.read_text(encoding="utf-8").replace("PROC-OVERRIDE-1", "PROC-OVERRIDE-2"), encoding="utf-8")
    result, rewritten, changed = rebuild_and_compare(site, out, tmp_path)
    assert rewritten == procedures == changed
    assert result.rendered == 6

    # Removing it brings the theme's template back.
    override.unlink()
    result, rewritten, _ = rebuild_and_compare(site, out, tmp_path)
    assert rewritten == procedures
    assert not [rel for rel in procedures if b"PROC-OVERRIDE" in (out / rel).read_bytes()]


def test_incremental_build_follows_expiry(tmp_path):
    """A page expires between two builds with no file changed: it leaves lists and feeds."""
    site = copy_site(SITES / "valid-tricky", tmp_path / "site")
    out = tmp_path / "out"
    (site / "content/thong-bao/tiep-dan.md").write_text(
        (site / "content/thong-bao/tiep-dan.md").read_text(encoding="utf-8").replace("pinned: true", "pinned: true\nexpires: 2024-09-30"),
        encoding="utf-8")
    run(site, out, now=TRICKY_NOW)
    url = "/thong-bao/lich-tiep-cong-dan-thang-6-2024/"
    assert url in hrefs(out / "thong-bao/index.html")
    run(site, out, now=TRICKY_NOW_LATER)
    assert url not in hrefs(out / "thong-bao/index.html")
    assert url not in hrefs(out / "index.html")
    assert TRICKY_BASE + url not in feed_links((out / "rss.xml").read_bytes())
    assert (out / page_path(url)).is_file()
    run(site, tmp_path / "clean", now=TRICKY_NOW_LATER, cache=False)
    assert diff_names(snapshot(tmp_path / "clean"), snapshot(out)) == []


# --- valid-tricky: Vietnamese text end to end -------------------------------------


@pytest.fixture(scope="module")
def tricky(tmp_path_factory) -> tuple[Path, Path, BuildResult]:
    root = tmp_path_factory.mktemp("tricky")
    site = copy_site(SITES / "valid-tricky", root / "site")
    out = root / "out"
    result = run(site, out, now=TRICKY_NOW, strict=True, cache=False)
    return site, out, result


def test_fixture_really_has_an_nfd_file():
    data = (SITES / "valid-tricky/content/tin-tuc/hoi-nghi-nfd.md").read_bytes().decode("utf-8")
    assert unicodedata.is_normalized("NFD", data) and not unicodedata.is_normalized("NFC", data)


def test_tricky_site_builds_and_titles_survive(tricky):
    site, out, result = tricky
    assert result.warnings == []
    pages = content_pages(site)
    assert result.pages == len([p for p in pages if not p.draft])
    expected_urls = {
        "content/tin-tuc/duong-dien.md": "/tin-tuc/duong-dien-dong-doi-2024-noi-3-thon/",
        "content/tin-tuc/hoi-nghi-nfd.md": "/tin-tuc/hoi-nghi-tong-ket-nam-2024-cua-dang-uy-xa/",
        "content/tin-tuc/ky-tu.md": "/tin-tuc/doi-doan-ket-b-so-1-b-doi-so-2-100-dat-chuan/",
        "content/thong-bao/cat-dien.md": "/thong-bao/thong-bao-cat-dien-ngay-05-3-2024/",
        "content/thong-bao/tiep-dan.md": "/thong-bao/lich-tiep-cong-dan-thang-6-2024/",
        "content/van-ban/qd-12-2024.md": "/van-ban/qd-12-2024-to-cong-nghe-so/",
        "content/thu-tuc-hanh-chinh/dang-ky-khai-sinh.md": "/thu-tuc-hanh-chinh/dang-ky-khai-sinh/",
    }
    for page in pages:
        if page.draft:
            continue
        assert page.url == expected_urls[page.source]
        doc = parse_html(out / page_path(page.url))
        [h1] = doc.xpath("//h1")
        assert text_of(h1) == page.title, page.source
        assert h1.xpath(".//b") == [], "markup in a title must be text"
        assert doc.xpath("//meta[@name='DC.title']/@content") == [page.title]
        assert doc.xpath("//meta[@property='og:title']/@content") == [page.title]
    nfd = parse_html(out / "tin-tuc/hoi-nghi-tong-ket-nam-2024-cua-dang-uy-xa/index.html")
    assert text_of(nfd.xpath("//h1")[0]) == "Hội nghị tổng kết năm 2024 của Đảng ủy xã"
    assert "NFD-BODY-MARKER" in text_of(nfd.xpath("//main")[0])
    emoji = parse_html(out / "tin-tuc/duong-dien-dong-doi-2024-noi-3-thon/index.html")
    assert text_of(emoji.xpath("//h1")[0]) == 'Đường điện "Đồng Đội" – 2024: nối 3 thôn 🎉'


def test_tricky_output_is_all_nfc_utf8(tricky):
    _, out, _ = tricky
    for rel, data in snapshot(out).items():
        if rel.endswith((".html", ".xml", ".txt")):
            text = data.decode("utf-8")
            assert unicodedata.is_normalized("NFC", text), rel


def test_tricky_html_is_well_formed(tricky):
    _, out, _ = tricky
    assert html_problems(out, TRICKY_BASE) == []


def test_tricky_internal_links_resolve(tricky):
    """Including the expired page, whose only tag has no tag page."""
    _, out, _ = tricky
    assert broken_internal_links(out) == []


def test_tricky_document_page_links_its_attachment(tricky):
    site, out, _ = tricky
    pdf = "files/van-ban/qd-12-2024.pdf"
    assert (out / pdf).read_bytes() == (site / "static" / pdf).read_bytes()
    doc = parse_html(out / "van-ban/qd-12-2024-to-cong-nghe-so/index.html")
    [link] = doc.xpath("//main//a[@class='download']")
    assert link.get("href") == "/" + pdf
    assert "PDF" in text_of(link)
    fields = text_of(doc.xpath("//dl[@class='fields']")[0])
    for value in ("12/QĐ-UBND", "Quyết định", "Đỗ Văn Đông", "15/02/2024"):
        assert value in fields
    table = parse_html(out / "van-ban/index.html")
    assert table.xpath("//table[contains(@class,'doc-table')]//a[@class='download']/@href") == ["/" + pdf]
    assert (out / "van-ban/loai/quyet-dinh/index.html").is_file()
    assert (out / "van-ban/nam/2024/index.html").is_file()


def test_tricky_procedure_page(tricky):
    _, out, _ = tricky
    doc = parse_html(out / "thu-tuc-hanh-chinh/dang-ky-khai-sinh/index.html")
    main = text_of(doc.xpath("//main")[0])
    for value in ("Hộ tịch", "1.001193", "Miễn lệ phí", "Giấy chứng sinh"):
        assert value in main
    assert [text_of(li) for li in doc.xpath("//ol[@class='steps']/li")] == [
        "Nộp hồ sơ tại Trung tâm Phục vụ hành chính công xã", "Nhận kết quả"]
    listing = parse_html(out / "thu-tuc-hanh-chinh/index.html")
    assert "/thu-tuc-hanh-chinh/dang-ky-khai-sinh/" in listing.xpath("//main//a/@href")


def test_tricky_expired_announcement(tricky):
    _, out, _ = tricky
    url = "/thong-bao/thong-bao-cat-dien-ngay-05-3-2024/"
    doc = parse_html(out / page_path(url))
    [notice] = doc.xpath("//*[contains(@class,'notice-expired')]")
    assert "05/03/2024" in text_of(notice)
    for rel in ("index.html", "thong-bao/index.html", "so-do-trang/index.html", "404.html", "the/index.html"):
        assert url not in hrefs(out / rel), rel
    for rel in ("rss.xml", "atom.xml", "thong-bao/rss.xml", "thong-bao/atom.xml"):
        assert TRICKY_BASE + url not in feed_links((out / rel).read_bytes()), rel
    # Its only tag has no listed page left, so it has no tag page.
    assert not (out / "the/lich-cat-dien").exists()


def test_tricky_draft_leaves_no_trace(tricky):
    _, out, _ = tricky
    assert not (out / "tin-tuc/ban-nhap-chua-duyet-khong-duoc-dang").exists()
    assert [k for k, v in snapshot(out).items() if b"BAN-NHAP-MARKER" in v or "Bản nháp".encode() in v] == []
    assert not (out / "the/bi-mat").exists()


def test_tricky_tags_differing_by_case_or_diacritics_share_a_page(tricky):
    site, out, _ = tricky
    assert {p.name for p in (out / "the").iterdir() if p.is_dir()} == {
        "chuyen-doi-so", "dang-bo", "dien-luc", "nong-thon-moi", "tiep-cong-dan"}
    shown = set()
    for rel in ("the/nong-thon-moi/index.html", "the/nong-thon-moi/trang/2/index.html"):
        shown |= set(parse_html(out / rel).xpath("//div[@class='item-list']//a/@href"))
    assert shown == {"/tin-tuc/duong-dien-dong-doi-2024-noi-3-thon/", "/tin-tuc/hoi-nghi-tong-ket-nam-2024-cua-dang-uy-xa/",
                     "/tin-tuc/doi-doan-ket-b-so-1-b-doi-so-2-100-dat-chuan/"}
    tag_index = parse_html(out / "the/index.html")
    assert len([h for h in tag_index.xpath("//main//a/@href") if h == "/the/nong-thon-moi/"]) == 1
    # Every page links each of its tags to the shared page, whatever the spelling.
    for page in content_pages(site):
        if page.draft or not page.tags or page.expired(TRICKY_NOW):
            continue
        links = set(parse_html(out / page_path(page.url)).xpath("//div[@class='tag-links']//a/@href"))
        assert links == {f"/the/{slugify(t)}/" for t in page.tags}, page.source


def test_tricky_feeds(tricky):
    _, out, _ = tricky
    rss = (out / "rss.xml").read_text(encoding="utf-8")
    atom = (out / "atom.xml").read_text(encoding="utf-8")
    # The newest content date (tiep-dan.md: updated 2024-06-20), not the build clock.
    assert "<lastBuildDate>Thu, 20 Jun 2024 00:00:00 +0700</lastBuildDate>" in rss
    assert re.search(r"<feed[^>]*>.*?<updated>2024-06-20T00:00:00\+07:00</updated>", atom, re.S)
    # A time of day in the front matter is Vietnam time.
    assert "<pubDate>Wed, 10 Apr 2024 09:30:00 +0700</pubDate>" in rss
    for name, text in (("rss", rss), ("atom", atom)):
        parsed = feedparser.parse(text.encode("utf-8"))
        assert not parsed.bozo, (name, parsed.get("bozo_exception"))
        titles = [e.title for e in parsed.entries]
        assert "Đội 'Đoàn kết' <b>số 1</b> & đội số 2 — 100% đạt chuẩn" in titles
        assert 'Đường điện "Đồng Đội" – 2024: nối 3 thôn 🎉' in titles
        assert not [t for t in titles if "cắt điện" in t or "nháp" in t]
        assert len(titles) == 6
    section = feedparser.parse((out / "tin-tuc/rss.xml").read_bytes())
    assert not section.bozo
    assert len(section.entries) == 3


def test_tricky_feeds_do_not_depend_on_the_build_clock(tmp_path):
    site = copy_site(SITES / "valid-tricky", tmp_path / "site")
    run(site, tmp_path / "a", now=TRICKY_NOW, cache=False)
    run(site, tmp_path / "b", now=TRICKY_NOW_LATER, cache=False)
    assert diff_names(snapshot(tmp_path / "a"), snapshot(tmp_path / "b")) == []


def test_tricky_home_page(tricky):
    _, out, _ = tricky
    home = parse_html(out / "index.html")
    ann = home.xpath("//section[@class='announcements']//li")
    assert [li.get("class") for li in ann] == ["pinned"]
    assert "Xã Đắk Đoa chào đón bà con." in text_of(home.xpath("//main")[0])
    footer = text_of(home.xpath("//footer")[0])
    assert "Bà Đinh Thị Đào" in footer and "Ủy ban nhân dân xã Đắk Đoa" in footer
    # The footer's "last updated" is the newest content date, not the build clock.
    assert home.xpath("//footer//time/@datetime") == ["2024-06-20T00:00:00+07:00"]


def test_tricky_markup_in_a_body_is_made_safe(tricky):
    _, out, _ = tricky
    doc = parse_html(out / "tin-tuc/doi-doan-ket-b-so-1-b-doi-so-2-100-dat-chuan/index.html")
    # A '#' heading in the body does not make a second <h1>; the two "Nội dung"
    # headings get distinct ids, neither of them the skip link's target.
    assert len(doc.xpath("//h1")) == 1
    headings = doc.xpath("//main//div[@class='prose']//h2")
    assert [text_of(h) for h in headings] == ["Tiêu đề cấp một trong thân bài", "Nội dung", "Nội dung", "Kết quả"]
    ids = [h.get("id") for h in headings]
    assert len(set(ids)) == 4 and "noi-dung" not in ids
    assert doc.xpath("//*[@id='noi-dung']") == doc.xpath("//main")
    # The table of contents links every heading, the demoted '#' one included.
    assert doc.xpath("//nav[@class='toc']//a/@href") == [f"#{i}" for i in ids]
    data = (out / "tin-tuc/doi-doan-ket-b-so-1-b-doi-so-2-100-dat-chuan/index.html").read_bytes()
    assert b"javascript:" not in data and b"onerror" not in data and b"alert(" not in data
    assert doc.xpath("//main//img[@alt='Quốc huy']/@src") == ["/img/bieu-trung.svg"]


def test_raw_html_cannot_take_the_skip_link_target(tmp_path):
    """Pasted HTML or an attribute list with id="noi-dung" must not duplicate <main id="noi-dung">."""
    site = copy_site(SITES / "valid-tricky", tmp_path / "site")
    page = site / "content/tin-tuc/duong-dien.md"
    page.write_text(page.read_text(encoding="utf-8")
                    + '\n<p id="noi-dung">Đoạn dán từ Word.</p>\n\n## Mục tự đặt mã {#noi-dung}\n\nVăn bản.\n', encoding="utf-8")
    out = tmp_path / "out"
    run(site, out, now=TRICKY_NOW, cache=False)
    doc = parse_html(out / "tin-tuc/duong-dien-dong-doi-2024-noi-3-thon/index.html")
    assert doc.xpath("//*[@id='noi-dung']") == doc.xpath("//main"), \
        [f"<{e.tag}>" for e in doc.xpath("//*[@id='noi-dung']")]
    assert html_problems(out, TRICKY_BASE) == []


def test_a_tag_without_letters_or_digits_makes_no_broken_link(tmp_path):
    """An emoji-only tag has no slug, hence no tag page; the page must not link '/the//'."""
    site = copy_site(SITES / "valid-tricky", tmp_path / "site")
    page = site / "content/tin-tuc/duong-dien.md"
    page.write_text(page.read_text(encoding="utf-8").replace("tags: [Nông thôn mới, Điện lực]", "tags: [Nông thôn mới, Điện lực, 🎉]"),
                    encoding="utf-8")
    out = tmp_path / "out"
    run(site, out, now=TRICKY_NOW, cache=False)
    html = (out / "tin-tuc/duong-dien-dong-doi-2024-noi-3-thon/index.html").read_text(encoding="utf-8")
    assert 'href="/the//"' not in html
    assert broken_internal_links(out) == []


def test_crlf_and_bom_files_build_like_lf_files(tmp_path):
    """Files saved by Windows editors (CRLF, UTF-8 with BOM) give the same site, byte for byte."""
    lf = copy_site(SITES / "valid-tricky", tmp_path / "lf")
    crlf = copy_site(SITES / "valid-tricky", tmp_path / "crlf")
    for path in [*crlf.rglob("*.md"), crlf / "site.yaml"]:
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    run(lf, tmp_path / "out-lf", now=TRICKY_NOW, cache=False)
    run(crlf, tmp_path / "out-crlf", now=TRICKY_NOW, strict=True, cache=False)
    assert diff_names(snapshot(tmp_path / "out-lf"), snapshot(tmp_path / "out-crlf")) == []


def test_site_under_a_sub_path(tmp_path):
    """base_url with a path: every link, canonical URL, feed and sitemap entry carries it."""
    site = copy_site(SITES / "valid-tricky", tmp_path / "site")
    base = "https://gialai.gov.vn/xa/dak-doa"
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(f"base_url: {TRICKY_BASE}", f"base_url: {base}"), encoding="utf-8")
    out = tmp_path / "out"
    run(site, out, now=TRICKY_NOW, strict=True, cache=False)
    assert broken_internal_links(out, "/xa/dak-doa") == []
    doc = parse_html(out / "tin-tuc/index.html")
    assert doc.xpath("//link[@rel='canonical']/@href") == [base + "/tin-tuc/"]
    for rel in ("rss.xml", "atom.xml"):
        links = feed_links((out / rel).read_bytes())
        assert links and all(link.startswith(base + "/") for link in links), links
    locs = lxml.etree.fromstring((out / "sitemap.xml").read_bytes()).xpath(
        "//sm:loc/text()", namespaces={"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"})
    assert locs and all(loc.startswith(base + "/") for loc in locs)
    assert f"Sitemap: {base}/sitemap.xml" in (out / "robots.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("inside", ["content/public", "static/public", "content", "static", "."])
def test_output_folder_inside_the_sources_is_refused(tmp_path, inside):
    """Output under content/ would be read back as content, under static/ copied into itself, build after build."""
    site = copy_site(SITES / "valid-tricky", tmp_path / "site")
    out = (site / inside).resolve()
    before = snapshot(site)
    with pytest.raises(BuildError) as info:
        run(site, out, now=TRICKY_NOW, cache=False)
    assert "thư mục đầu ra" in str(info.value)
    assert snapshot(site) == before


def test_parallel_build_equals_serial_build(tmp_path):
    """Enough pages for worker processes to parse and render: the bytes do not depend on them."""
    site = copy_site(SITES / "valid-tricky", tmp_path / "site")
    for i in range(420):
        (site / f"content/tin-tuc/ban-tin-{i:03d}.md").write_text(
            f"---\ntitle: Bản tin số {i} – Đắk Đoa\ndate: 2024-0{1 + i % 6}-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}\n"
            f"tags: [Chủ đề {i % 7}, nông thôn mới]\n---\nNội dung bản tin số {i}.\n\n## Mục một\n\nChi tiết.\n",
            encoding="utf-8")
    serial = run(site, tmp_path / "serial", now=TRICKY_NOW, cache=False, jobs=1)
    parallel = run(site, tmp_path / "parallel", now=TRICKY_NOW, cache=False, jobs=2)
    assert serial.rendered == parallel.rendered > 1000
    assert diff_names(snapshot(tmp_path / "serial"), snapshot(tmp_path / "parallel")) == []


# --- themes ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def themed(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("themed")
    site = copy_site(SITES / "themed", root / "site")
    out = root / "out"
    run(site, out, now=TRICKY_NOW, strict=True, cache=False)
    return site, out


def test_theme_extending_default_overrides_one_partial(themed):
    _, out = themed
    for rel in ("index.html", "tin-tuc/bai-mot/index.html", "thu-tuc-hanh-chinh/chung-thuc-ban-sao/index.html", "404.html"):
        data = (out / rel).read_text(encoding="utf-8")
        assert "THEME-FOOTER-MARKER" in data, rel
        # Everything else still comes from the default theme.
        assert 'class="site-header"' in data and 'class="skip-link"' in data, rel
    procedure = (out / "thu-tuc-hanh-chinh/chung-thuc-ban-sao/index.html").read_text(encoding="utf-8")
    assert 'class="portal-cta"' in procedure
    default_footer = (DEFAULT_THEME / "templates/partials/footer.html").read_text(encoding="utf-8")
    assert "footer-facts" in default_footer
    assert "footer-facts" not in (out / "index.html").read_text(encoding="utf-8")
    assert html_problems(out, "https://donghoa.phuyen.gov.vn") == []


def test_site_templates_beat_the_theme(themed):
    _, out = themed
    data = (out / "tin-tuc/bai-mot/index.html").read_text(encoding="utf-8")
    assert "SITE-CRUMBS-MARKER" in data
    assert "THEME-CRUMBS-MARKER" not in data


def test_theme_static_file_replaces_the_default_one(themed):
    site, out = themed
    assert (out / "css/xaweb.css").read_bytes() == (site / "themes/tinh-mau/static/css/xaweb.css").read_bytes()
    assert (out / "js/xaweb.js").read_bytes() == (DEFAULT_THEME / "static/js/xaweb.js").read_bytes()
    assert (out / "img/bieu-trung.svg").read_bytes() == (DEFAULT_THEME / "static/img/bieu-trung.svg").read_bytes()


# --- a build killed at any step ----------------------------------------------------------

# Every file-system step a build's writing takes; a child process dies (os._exit: no clean-up,
# as with kill -9) at the n-th of them.
FS_STEPS = [(os, "replace"), (os, "rename"), (os, "link"), (os, "unlink"), (os, "rmdir"), (os, "mkdir"),
            (shutil, "copyfile"), (shutil, "copy2"), (Path, "write_bytes"), (xaweb.writer, "_exchange")]
KILLED = 137


def _build_dying_at(step: int, site: Path, out: Path, exchange: bool, steps_taken) -> None:
    """In a forked child: build, dying at file-system step `step` (0: never; then the names of all the
    steps taken go to `steps_taken`)."""
    taken: list[str] = []

    def dying(function, name):
        def step_or_die(*args, **kwargs):
            taken.append(name)
            if len(taken) == step:
                os._exit(KILLED)
            return function(*args, **kwargs)
        return step_or_die

    if not exchange:  # as on Windows, macOS, or a file system that cannot exchange folders
        xaweb.writer._exchange = lambda a, b: False
    for owner, name in FS_STEPS:
        setattr(owner, name, dying(getattr(owner, name), name))
    try:
        run(site, out, cache=True, jobs=1)
    except BaseException:
        os._exit(1)
    steps_taken.put(taken)
    os._exit(0)


@pytest.mark.fault("kill -9 of a build")
@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "two-renames"])
def test_an_incremental_build_killed_at_any_step_leaves_one_whole_build(tmp_path, exchange):
    """An incremental build killed mid-write left public/ half old, half new. Now, killed at each
    file-system step in turn, it leaves the previous build or the new one, whole; and the next
    build finishes the job."""
    if exchange and xaweb.writer._renameat2 is None:
        pytest.fail("this Linux has no renameat2: the one-step swap is untested")
    site, out = copy_site(SITES / "incremental", tmp_path / "site"), tmp_path / "public"
    run(site, out, cache=True, jobs=1)
    old = snapshot(out)
    pristine = tmp_path / "pristine"
    shutil.copytree(tmp_path, pristine, ignore=shutil.ignore_patterns("pristine"))
    # An edit that rewrites every page (the commune's description) and removes one (stale files).
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("Trang thử nghiệm", "Cổng thông tin thử nghiệm"), encoding="utf-8")
    removed = sorted((site / "content" / "tin-tuc").glob("*.md"))[-1]
    removed.unlink()
    edited = tmp_path / "edited"
    shutil.copytree(site, edited)
    run(copy_site(edited, tmp_path / "clean-site"), tmp_path / "clean")
    new = snapshot(tmp_path / "clean")
    assert old != new and len(set(old) - set(new)) >= 1
    fork = multiprocessing.get_context("fork")

    def restore() -> None:  # back to the state after the edit, before the build
        for name in ("site", "public", "public.xaweb-tmp", "public.xaweb-old", "public.xaweb-prev"):
            shutil.rmtree(tmp_path / name, ignore_errors=True)
            if (pristine / name).exists():
                shutil.copytree(pristine / name, tmp_path / name)
        shutil.rmtree(site / "content")
        shutil.copytree(edited / "content", site / "content")
        shutil.copyfile(edited / "site.yaml", config)

    def build_dying_at(step: int) -> tuple[int | None, list[str]]:
        restore()
        steps_taken = fork.SimpleQueue()
        child = fork.Process(target=_build_dying_at, args=(step, site, out, exchange, steps_taken))
        child.start()
        child.join(120)
        return child.exitcode, (steps_taken.get() if child.exitcode == 0 else [])

    exit_code, taken = build_dying_at(0)
    assert exit_code == 0 and snapshot(out) == new
    # Every fifth step (files written, linked and moved, folders made and removed: all alike), and
    # every step of the swap itself (the exchange, or the last three renames).
    renames = [n for n, name in enumerate(taken, 1) if name == "replace"]
    chosen = sorted({n for n, name in enumerate(taken, 1) if n % 5 == 0 or name == "_exchange"} | set(renames[-3:]))
    seen = {"old": 0, "new": 0, "none": 0}
    for step in chosen:
        exit_code, _ = build_dying_at(step)
        assert exit_code == KILLED, f"step {step}: the build failed or did not reach it (exit {exit_code})"
        # What a web server would serve right now:
        if out.is_dir():
            served = snapshot(out)
            assert served in (old, new), f"killed at step {step} ({taken[step - 1]}): public/ mixes two builds: {diff_names(served, new)[:5]}"
            seen["old" if served == old else "new"] += 1
        else:  # only between the two renames, and only without the one-step exchange
            assert not exchange and snapshot(out.with_name("public.xaweb-old")) == old, f"killed at step {step}: no output"
            seen["none"] += 1
        run(site, out, cache=True, jobs=1)  # the next build, after the kill
        assert snapshot(out) == new, f"killed at step {step}: the next build did not finish the job"
        assert leftovers(out) == []
    assert len(chosen) > 30 and seen["old"] > 20 and seen["new"] >= 1, (len(chosen), seen)
    assert seen["none"] == (0 if exchange else 1)


@pytest.mark.fault("disk full (build)")
@pytest.mark.parametrize("limit, fails_at", [(1024, "cache"), (200_000, "output")])
def test_a_build_on_a_full_disk_says_so_and_keeps_the_previous_output(tmp_path, limit, fails_at):
    site, out = copy_site(SITES / "incremental", tmp_path / "site"), tmp_path / "public"
    (site / "static" / "files").mkdir(parents=True, exist_ok=True)
    if fails_at == "output":  # a file bigger than the limit, to copy into the output
        (site / "static" / "files" / "ban-do.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 1200)
    run(site, out, cache=True, jobs=1)
    before = snapshot(out)
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("Trang thử nghiệm", "Cổng thông tin thử nghiệm"), encoding="utf-8")
    (site / "static" / "files" / "ban-do.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 1300)

    def no_file_past_the_limit() -> None:  # `ulimit -f`, for the build alone
        import resource  # POSIX only

        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run([sys.executable, "-m", "xaweb", "build", str(site), "-o", str(out), "-j", "1", "--now", "2025-12-01T09:00"],
                          capture_output=True, encoding="utf-8", preexec_fn=no_file_past_the_limit, timeout=120)
    assert done.returncode == 1, done.stdout + done.stderr
    said = done.stdout + done.stderr
    assert "Traceback" not in said and "vẫn giữ nguyên bản dựng trước" in said, said
    assert ("bộ nhớ đệm" if fails_at == "cache" else "vượt giới hạn kích thước") in said, said
    assert snapshot(out) == before and leftovers(out) == []
    run(site, out, cache=True, jobs=1)  # space again: the next build finishes the job
    assert b"C\xe1\xbb\x95ng th\xc3\xb4ng tin th\xe1\xbb\xad nghi\xe1\xbb\x87m" in (out / "index.html").read_bytes()


# --- addresses that last: aliases and moved pages -----------------------------------------


def _retitle(page: Path, title: str, extra: str = "") -> None:
    text = page.read_text(encoding="utf-8")
    head, _, rest = text.partition("\ntitle: ")
    page.write_text(head + f"\ntitle: {title}\n{extra}" + rest.partition("\n")[2], encoding="utf-8")


def test_a_title_change_warns_that_the_address_moves_and_an_alias_keeps_the_old_one(tmp_path):
    site = copy_site(EXAMPLE, tmp_path / "site")
    out = tmp_path / "out"
    page = site / "content/thong-bao/lich-tiep-cong-dan-thang-4-2024.md"
    old = "/thong-bao/thong-bao-lich-tiep-cong-dan-thang-4-2024/"
    run(site, out)
    _retitle(page, "Lịch tiếp công dân tháng 4 năm 2024")
    moved = [p for p in run(site, out).warnings if p.code == "moved"]
    assert [(p.path, p.level) for p in moved] == [("content/thong-bao/lich-tiep-cong-dan-thang-4-2024.md", "warning")]
    assert old in moved[0].message and f'aliases: ["{old}"]' in moved[0].message
    assert not (out / old.strip("/") / "index.html").exists()  # the warning says so: the old address is gone

    _retitle(page, "Lịch tiếp công dân tháng 4 năm 2024", f'aliases: ["{old}", "/tin/lich-tiep.html"]\n')
    result = run(site, out)
    assert not [p for p in result.warnings if p.code == "moved"]
    new = f"{EXAMPLE_BASE}/thong-bao/lich-tiep-cong-dan-thang-4-nam-2024/"
    for path in (old.strip("/") + "/index.html", "tin/lich-tiep.html"):
        redirect = (out / path).read_text(encoding="utf-8")
        assert f'<link rel="canonical" href="{new}">' in redirect
        assert '<meta http-equiv="refresh" content="0; url=/thong-bao/lich-tiep-cong-dan-thang-4-nam-2024/">' in redirect
        assert '<meta name="robots" content="noindex">' in redirect and "Trang đã chuyển" in redirect
    assert old not in (out / "sitemap.xml").read_text(encoding="utf-8")
    # The same files from a clean build: an alias is content, not memory of a previous build.
    clean = tmp_path / "clean"
    run(site, clean, cache=False)
    assert snapshot(clean) == snapshot(out)


def test_an_alias_at_the_address_of_another_page_is_an_error_naming_the_page_that_claims_it(tmp_path):
    site = copy_site(EXAMPLE, tmp_path / "site")
    page = site / "content/thong-bao/lich-tiep-cong-dan-thang-4-2024.md"
    _retitle(page, "Lịch tiếp công dân tháng 4/2024", 'aliases: ["/tin-tuc/"]\n')
    with pytest.raises(BuildError) as info:
        run(site, tmp_path / "out")
    [problem] = info.value.problems
    assert problem.path == "content/thong-bao/lich-tiep-cong-dan-thang-4-2024.md" and "/tin-tuc/" in problem.message


def test_the_build_itself_warns_of_links_pictures_and_files_that_go_nowhere(tmp_path):
    site = copy_site(EXAMPLE, tmp_path / "site")
    page = site / "content/tin-tuc/dai-hoi-dang-bo-xa-lan-thu-i.md"
    text = page.read_text(encoding="utf-8")
    first = text.count("\n") + 2
    page.write_text(text + "\n![Ảnh cánh đồng](/images/Canh-dong-lua.JPG)\n\n[Kế hoạch](/files/khong-co.pdf) · "
                    "[Lịch](/thong-bao/khong-co/)\n", encoding="utf-8")
    result = run(site, tmp_path / "out")
    found = sorted((p.line, p.message) for p in result.warnings if p.code == "broken-link")
    assert [line for line, _ in found] == [first, first + 2, first + 2]
    assert "có phải /images/canh-dong-lua.jpg?" in found[0][1]
    assert {m for _, m in found[1:]} == {"không tìm thấy tệp static/files/khong-co.pdf", "liên kết tới /thong-bao/khong-co/: trang này không có"}


def test_a_page_that_loses_its_address_to_an_earlier_one_moves_in_lists_and_feeds_of_an_incremental_build_too(tmp_path):
    site = copy_site(EXAMPLE, tmp_path / "site")
    out = tmp_path / "out"
    run(site, out)
    (site / "content/tin-tuc/dai-hoi-som.md").write_text(
        "---\ntitle: Đại hội đại biểu Đảng bộ xã Tân An Hòa lần thứ I, nhiệm kỳ 2025–2030\ndate: 2025-08-01\n---\nTin sớm hơn.\n",
        encoding="utf-8")
    result = run(site, out)
    assert [p.path for p in result.warnings if p.code == "same-title"] == ["content/tin-tuc/dai-hoi-dang-bo-xa-lan-thu-i.md"]
    run(site, tmp_path / "clean", cache=False)
    assert snapshot(out) == snapshot(tmp_path / "clean")  # the feeds and lists show the moved page at its new address


# --- phones first: urgent notices on top, an article's neighbours and share links (issue 12) ---


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def test_an_urgent_announcement_comes_first_on_the_home_page_and_raises_the_alert_banner(tmp_path):
    site = copy_site(EXAMPLE, tmp_path / "site")
    # Older than the five announcements the home page shows: it still comes first.
    _write(site / "content/thong-bao/cat-nuoc.md", "---\ntitle: Cắt nước sinh hoạt ấp 3 do vỡ đường ống\ndate: 2025-01-02\n"
           "expires: 2025-12-03\npriority: khẩn cấp\nsummary: Ấp 3 cắt nước từ 13 giờ.\n---\nNội dung.\n")
    _write(site / "content/thong-bao/uu-tien.md", "---\ntitle: Họp dân ấp 5 về giải phóng mặt bằng\ndate: 2025-01-01\n"
           "priority: Ưu tiên\n---\nNội dung.\n")
    out = tmp_path / "out"
    run(site, out, strict=True, cache=False)

    home = parse_html(out / "index.html")
    items = home.xpath("//section[@class='announcements']//li")
    assert [text_of(li.xpath(".//a")[0]) for li in items][:2] == ["Cắt nước sinh hoạt ấp 3 do vỡ đường ống", "Họp dân ấp 5 về giải phóng mặt bằng"]
    assert [text_of(li.xpath(".//span[contains(@class, 'priority-badge')]")[0]) for li in items[:2]] == ["Khẩn cấp", "Ưu tiên"]
    assert len(items) == 5  # the window keeps its size
    # The urgent one is on the banner of every page, linking to its page; alerts.json links it absolutely.
    banner = parse_html(out / "tin-tuc/index.html").xpath("//section[contains(@class, 'alert-banner')]")[0]
    assert banner.get("hidden") is None
    assert "Cắt nước sinh hoạt ấp 3 do vỡ đường ống" in text_of(banner)
    assert banner.xpath(".//p[@class='alert-link']/a/@href") == ["/thong-bao/cat-nuoc-sinh-hoat-ap-3-do-vo-duong-ong/"]
    alerts = yaml.safe_load((out / "alerts.json").read_text(encoding="utf-8"))["alerts"]
    assert [(a["headline"], a["link"], a["severity"]) for a in alerts] == [
        ("Cắt nước sinh hoạt ấp 3 do vỡ đường ống", f"{EXAMPLE_BASE}/thong-bao/cat-nuoc-sinh-hoat-ap-3-do-vo-duong-ong/", "Severe")]
    # The ưu tiên one raises nothing; once the urgent one expires, the banner is down again.
    later = tmp_path / "later"
    run(site, later, now=datetime(2025, 12, 4, 9, 0, tzinfo=VN_TZ), strict=True, cache=False)
    assert yaml.safe_load((later / "alerts.json").read_text(encoding="utf-8"))["alerts"] == []


def test_a_bad_priority_is_an_error_with_its_line(tmp_path):
    site = copy_site(EXAMPLE, tmp_path / "site")
    _write(site / "content/thong-bao/sai.md", "---\ntitle: Sai mức\ndate: 2025-01-02\npriority: gấp lắm\n---\nNội dung.\n")
    with pytest.raises(BuildError) as err:
        run(site, tmp_path / "out", cache=False)
    assert [(p.path, p.line) for p in err.value.problems] == [("content/thong-bao/sai.md", 4)]
    assert "chọn thông thường, ưu tiên hoặc khẩn cấp" in err.value.problems[0].message


def test_an_article_links_its_neighbours_related_pages_and_share_pages(example):
    _, out, _ = example
    doc = parse_html(out / page_path("/tin-tuc/khanh-thanh-cau-be-tong-hoa-loi-cong-trinh-nong-thon-moi-do-nhan-dan-cung-gop-suc/"))
    nav = doc.xpath("//nav[@class='page-nav']")[0]
    # In a list by date, the previous article is the older one.
    assert [text_of(a) for a in nav.xpath(".//a")] == ["Chủ động phòng, chống hạn hán, thiếu nước mùa khô năm 2024",
                                                        "Các trường học trên địa bàn xã khai giảng năm học 2024–2025"]
    assert nav.xpath(".//a/@rel") == ["prev", "next"]
    related = [text_of(a) for a in doc.xpath("//section[@class='related']//a")]
    assert related[0] == "Thu hoạch lúa Đông Xuân 2023–2024, năng suất bình quân đạt 7,8 tấn/ha"  # shares both tags
    assert 1 <= len(related) <= 4
    here = "https%3A//tananhoa.dongthap.gov.vn/tin-tuc/khanh-thanh-cau-be-tong-hoa-loi-cong-trinh-nong-thon-moi-do-nhan-dan-cung-gop-suc/"
    assert doc.xpath("//div[@class='share']//a/@href") == [f"https://www.facebook.com/sharer/sharer.php?u={here}",
                                                          f"https://sp.zalo.me/plugins/share?url={here}"]
    # Nothing is loaded from another origin: the share links are plain links.
    assert not [src for src in doc.xpath("//script/@src | //img/@src | //link[@rel='stylesheet']/@href | //iframe/@src") if src.startswith(("http:", "https:", "//"))]
    # Documents and procedures have their own layout, without these.
    document = next((out / "van-ban").glob("*/index.html"))
    assert not parse_html(document).xpath("//nav[@class='page-nav'] | //div[@class='share']")


def test_retitling_an_article_rerenders_its_neighbours(built_example, tmp_path):
    site, out = built_example
    source = site / "content/tin-tuc/khanh-thanh-cau-hoa-loi.md"
    source.write_text(source.read_text(encoding="utf-8").replace("title: ", "title: NEIGHBOUR-MARKER ", 1), encoding="utf-8")
    _, rewritten, _ = rebuild_and_compare(site, out, tmp_path)
    older = page_path("/tin-tuc/chu-dong-phong-chong-han-han-thieu-nuoc-mua-kho-nam-2024/")
    assert older in rewritten and b"NEIGHBOUR-MARKER" in (out / older).read_bytes()
