"""Markdown to safe HTML.

Python-Markdown renders; nh3 (a maintained, Rust-backed sanitiser) then
removes what an officer's pasted HTML must not bring in: scripts, styles,
event handlers, iframes, forms and `javascript:` URLs. The sanitiser runs on
the whole output, so Markdown's own HTML passes through the same allow-list.
"""

from __future__ import annotations

import html
import posixpath
import re
from typing import Any
from urllib.parse import unquote

import markdown
import nh3

from ..vietnamese import slugify
from .model import TocEntry

EXTENSIONS = [
    "markdown.extensions.tables",
    "markdown.extensions.footnotes",
    "markdown.extensions.toc",
    "markdown.extensions.attr_list",
    "markdown.extensions.fenced_code",
    "markdown.extensions.def_list",
    "markdown.extensions.abbr",
    "markdown.extensions.sane_lists",
]
EXTENSION_CONFIGS: dict[str, dict[str, Any]] = {
    "markdown.extensions.toc": {
        # Same slugs for heading anchors as for URLs: readable, ASCII, stable.
        "slugify": lambda value, separator: _slug(value),
        "permalink": False,
        "toc_depth": "1-3",  # a "# heading" in the body is shown as h2 but listed too
    },
    "markdown.extensions.footnotes": {"BACKLINK_TITLE": "Quay lại chú thích %d"},
}

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup",
    "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol",
    "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "align", "style"},
    "th": {"colspan", "rowspan", "scope", "align", "style"},
    "ol": {"start", "reversed", "type"},
    "time": {"datetime"},
    "sup": {"id"},
    "li": {"id"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

_WS = re.compile(r"\s+")
_H1 = re.compile(r"<(/?)h1\b")
_TAGS = re.compile(r"<[^>]+>")
_BLOCK_TAGS = re.compile(r"</?(?:p|div|h[1-6]|li|ul|ol|dl|dt|dd|table|caption|thead|tbody|tfoot|tr|td|th|blockquote|pre|figure|figcaption|details|summary|hr|br)\b[^>]*>")
_FOOTNOTES = re.compile(r'<div class="footnote">.*?</div>|<sup id="fnref[^"]*">.*?</sup>', re.S)


# Ids the default theme gives its own elements; a heading "Nội dung" must not
# take the skip link's target.
RESERVED_IDS = {
    "noi-dung", "toc-title", "subsections-title", "proc-steps", "proc-papers", "proc-forms", "proc-details",
    "home-doc-caption", "h-quick-links", "h-news", "h-leaders", "h-documents", "h-contact", "h-announcements",
    "field-index-title", "doc-table-caption", "doc-summary-title", "h-more-sections",
    "alert-banner-title", "source-items-title", "h-source-items",
}


def _slug(value: str) -> str:
    slug = slugify(html.unescape(value)) or "muc"
    return f"muc-{slug}" if slug in RESERVED_IDS else slug


def make_markdown() -> markdown.Markdown:
    """One instance per process: building the extension set is the expensive part."""
    return markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html")


def _filter_attribute(tag: str, attr: str, value: str) -> str | None:
    if attr == "id" and value in RESERVED_IDS:
        return f"muc-{value}"  # pasted HTML must not take an id the theme uses
    # Tables keep Markdown's column alignment; no other inline style survives.
    if attr == "style":
        return value if re.fullmatch(r"text-align:\s*(left|right|center);?", value) else None
    return value


def sanitize(html_text: str) -> str:
    return nh3.clean(
        html_text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=_filter_attribute,
        link_rel=None,
        strip_comments=True,
    )


def render_markdown(md: markdown.Markdown, text: str) -> tuple[str, tuple[TocEntry, ...]]:
    md.reset()
    # The page title is the only h1: a '# Heading' in the body becomes an h2.
    body = _unique_ids(sanitize(_H1.sub(r"<\1h2", md.convert(text))))
    toc = tuple(_flatten_toc(getattr(md, "toc_tokens", [])))
    return body, toc


_ID = re.compile(r'(<[a-z][^<>]*?\sid=")([^"]*)"')


def _unique_ids(html_text: str) -> str:
    """Pasted HTML can repeat an id; the second and later get '-2', '-3'."""
    seen: dict[str, int] = {}

    def rename(m: re.Match) -> str:
        value = m[2]
        seen[value] = count = seen.get(value, 0) + 1
        return m[0] if count == 1 else f'{m[1]}{value}-{count}"'

    return _ID.sub(rename, html_text)


def _flatten_toc(tokens: list[dict]) -> list[TocEntry]:
    out: list[TocEntry] = []
    for token in tokens:
        out.append(TocEntry(token["level"], token["id"], html.unescape(_TAGS.sub("", token["name"]))))
        out.extend(_flatten_toc(token.get("children", [])))
    return out


def plain_text(html_text: str) -> str:
    """Visible text of an HTML fragment, whitespace collapsed."""
    text = _BLOCK_TAGS.sub(" ", _FOOTNOTES.sub("", html_text))
    return _WS.sub(" ", html.unescape(_TAGS.sub("", text))).strip()


def summarize(html_text: str, limit: int = 200) -> str:
    """The first `limit` characters of the text, cut at a word boundary."""
    return cut_text(plain_text(html_text), limit)


def cut_text(text: str, limit: int = 200) -> str:
    """`text` if it is short, else its first `limit` characters cut at a word boundary, with '…'."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",.;:–-")
    return cut + "…"


MD_LINK = "xaweb-md:"  # a link written to a Markdown file, until assembly knows that page's address
_HREF = re.compile(r'(<a\s[^<>]*?href=")([^"]*)"')


def mark_file_links(body_html: str, source: str) -> tuple[str, dict[str, str]]:
    """Links written to Markdown files ('../thong-bao/lich-tiep.md', '/thong-bao/lich-tiep.md#gio'),
    marked with the file they name (relative to the page's own file, or to content/ when they start
    with '/'); assembly gives them the page's address. -> (html, {file named: the link as written})."""
    if ".md" not in body_html:
        return body_html, {}
    named: dict[str, str] = {}

    def mark(m: re.Match) -> str:
        path, hash_, fragment = html.unescape(m[2]).partition("#")
        path = unquote(path)
        if not path.lower().endswith(".md") or ":" in path or path.startswith("//"):
            return m[0]
        base = "content" if path.startswith("/") else posixpath.dirname(source)
        target = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
        if target.startswith("../") or target == "..":
            return m[0]
        named.setdefault(target, html.unescape(m[2]))
        return f'{m[1]}{MD_LINK}{html.escape(target)}{hash_}{html.escape(fragment)}"'

    return _HREF.sub(mark, body_html), named
