"""Front matter + Markdown -> typed `Page`, as pure functions.

`parse_page(text, source, section)` never touches the disk, so tests pass
strings in, and the cache can store what it returns.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Callable

import markdown

from ..config import KINDS as UNIT_KINDS
from ..errors import Problem, did_you_mean
from ..htmlscan import scan_html
from ..priorities import NORMAL, parse_priority
from ..searchwords import page_terms
from ..urlpolicy import SCHEMES, WEB_SCHEMES, url_problem
from ..vietnamese import as_vn_datetime, nfc, slugify
from ..yamltext import LineFinder, YamlSyntaxError, parse
from . import markup
from .model import ARTICLE, AUDIO, DEFAULT_KINDS, DOCUMENT, KINDS, PROCEDURE, AudioInfo, DocumentInfo, Link, Page, ProcedureInfo, SectionInfo
from .placeholders import placeholder_lines

AUDIO_SUFFIXES = (".mp3", ".ogg", ".oga", ".opus")
SEARCH_TEXT = 1500  # characters of a page's text kept for search results' excerpts

FENCE = "---"
COMMUNE_KINDS = tuple(k for k in UNIT_KINDS if k != "thị trấn")  # since 1 July 2025
DEFAULT_PORTAL = "https://dichvucong.gov.vn"


class PageError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


def split_front_matter(text: str, path: str) -> tuple[str | None, str, int]:
    """-> (front matter YAML or None, body, line number of the YAML's first line - 1)."""
    text = text.lstrip("\ufeff")
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != FENCE:
        return None, text, 0
    for i in range(1, len(lines)):
        if lines[i].rstrip() in (FENCE, "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), 1
    raise PageError([Problem(path, 1, "phần đầu trang (front matter) mở bằng '---' nhưng không có dòng '---' đóng lại")])


# --- value converters: (value) -> converted, or raise ValueError(message) ---


def _text(value: Any) -> str:
    if isinstance(value, (dict, list)) or value is None:
        raise ValueError("phải là một đoạn văn bản")
    return nfc(str(value)).strip()


def _link(schemes: tuple[str, ...]) -> Callable[[Any], str]:
    def convert(value: Any) -> str:
        url = _text(value)
        reason = url_problem(url, schemes)
        if reason:
            raise ValueError(f"{_shown(url)}: {reason}")
        return url
    return convert


def _shown(url: str) -> str:
    return repr(url if len(url) <= 60 else url[:57] + "…")


_url, _image_url = _link(SCHEMES), _link(WEB_SCHEMES)


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("phải là true hoặc false")
    return value


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("phải là số nguyên")
    return value


_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})$")


def _date(value: Any) -> datetime:
    """YAML dates, 'YYYY-MM-DD[ HH:MM[:SS]][+07:00]', or the Vietnamese 'DD/MM/YYYY'."""
    if isinstance(value, (date, datetime)):
        return as_vn_datetime(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            m = _DMY.match(text)
            if m:
                return as_vn_datetime(date(int(m[3]), int(m[2]), int(m[1])))
            return as_vn_datetime(datetime.fromisoformat(text))
        except ValueError:
            pass
    raise ValueError(f"{value!r} không phải là ngày hợp lệ (cần dạng YYYY-MM-DD hoặc DD/MM/YYYY)")


def _texts(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ValueError("phải là một danh sách")
    return tuple(t for t in (_text(v) for v in value) if t)


def _links(value: Any) -> tuple[Link, ...]:
    if not isinstance(value, list):
        raise ValueError("phải là một danh sách {title, url}")
    out = []
    for item in value:
        if not isinstance(item, dict) or "title" not in item or "url" not in item:
            raise ValueError("mỗi mục phải có 'title' và 'url'")
        out.append(Link(_text(item["title"]), _text(item["url"])))
    return tuple(out)


def _communes(value: Any) -> tuple[str, ...]:
    """A province's shared page: the communes it is for, by code or by kind."""
    out = []
    for item in _texts(value if isinstance(value, list) else [value]):
        item = item.lower()
        if item.isdigit():
            out.append(item.zfill(5))
        elif item in COMMUNE_KINDS:
            out.append(item)
        else:
            raise ValueError(f"'{item}' không phải mã xã (chữ số) hay loại đơn vị ({', '.join(COMMUNE_KINDS)})")
    return tuple(out)


def _kind(value: Any) -> str:
    if value not in KINDS:
        raise ValueError(f"loại trang '{value}' không tồn tại; chọn một trong: {', '.join(KINDS)}{did_you_mean(str(value), KINDS)}")
    return value


def _params(value: Any) -> tuple[tuple[str, object], ...]:
    if not isinstance(value, dict):
        raise ValueError("phải là một bảng khóa: giá trị")
    return tuple(sorted((str(k), v) for k, v in value.items()))


_ALIAS = re.compile(r"/(?:[A-Za-z0-9_~%-][A-Za-z0-9._~%-]*/)*(?:[A-Za-z0-9_~%-][A-Za-z0-9._~%-]*)?")


def _aliases(value: Any) -> tuple[str, ...]:
    """Old addresses of the page, each served by a page that sends the reader on: paths of this site only."""
    out = []
    for alias in _texts(value if isinstance(value, list) else [value]):
        if not _ALIAS.fullmatch(alias) or "/../" in alias + "/" or alias == "/":
            raise ValueError(f"'{alias}' phải là đường dẫn cũ trong trang này, bắt đầu bằng '/' (ví dụ /thong-bao/lich-tiep-cu/), "
                             "không có http://, '?', '#', '..', dấu cách hay chữ có dấu")
        out.append(alias)
    return tuple(dict.fromkeys(out))


def _priority(value: Any) -> str:
    priority = parse_priority(value)
    if priority is None:
        raise ValueError(f"'{value}' không hợp lệ; chọn thông thường, ưu tiên hoặc khẩn cấp")
    return priority


Converter = Callable[[Any], Any]
COMMON: dict[str, Converter] = {
    "title": _text, "date": _date, "updated": _date, "summary": _text, "tags": _texts,
    "draft": _bool, "slug": _text, "expires": _date, "weight": _int, "image": _image_url,
    "image_alt": _text, "author": _text, "pinned": _bool, "kind": _kind, "params": _params, "communes": _communes,
    "aliases": _aliases, "priority": _priority, "board": _bool, "board_until": _date, "board_duration": _int,
}
DOCUMENT_KEYS: dict[str, Converter] = {
    "number": _text, "doc_type": _text, "issuer": _text, "signer": _text,
    "issued": _date, "effective": _date, "file": _url,
}
PROCEDURE_KEYS: dict[str, Converter] = {
    "field": _text, "code": _text, "processing_time": _text, "fee": _text, "papers": _texts,
    "steps": _texts, "method": _text, "submit_at": _text, "eligible": _text, "agency": _text,
    "result": _text, "conditions": _text, "forms": _links, "portal_url": _url,
}
SECTION_KEYS: dict[str, Converter] = {
    "title": _text, "kind": _kind, "weight": _int, "paginate": _int, "sort": _text, "menu": _bool,
}
def _dates(value: Any) -> tuple[datetime, ...]:
    return tuple(sorted(_date(v) for v in (value if isinstance(value, list) else [value])))


AUDIO_KEYS: dict[str, Converter] = {"file": _url, "broadcast": _dates}
KIND_KEYS = {ARTICLE: {}, DOCUMENT: DOCUMENT_KEYS, PROCEDURE: PROCEDURE_KEYS, AUDIO: AUDIO_KEYS}


def _read_meta(text: str, path: str) -> tuple[dict[str, Any], str, LineFinder]:
    yaml_text, body, offset = split_front_matter(nfc(text), path)
    finder = LineFinder(yaml_text or "", path, offset)
    if yaml_text is None:
        return {}, body, finder
    try:
        meta = parse(yaml_text)
    except YamlSyntaxError as exc:
        line = exc.line + offset if exc.line else None
        raise PageError([Problem(path, line, exc.message)]) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise PageError([Problem(path, offset + 1, "phần đầu trang phải là các cặp khóa: giá trị")])
    return meta, body, finder


def _convert(meta: dict, schema: dict[str, Converter], finder: LineFinder, problems: list[Problem]) -> dict[str, Any]:
    out = {}
    for key, value in meta.items():
        convert = schema.get(str(key))
        if convert is None:
            continue
        try:
            out[key] = convert(value)
        except ValueError as exc:
            problems.append(finder.problem((str(key),), f"'{key}': {exc}"))
    return out


def parse_page(text: str, source: str, section: SectionInfo, md: markdown.Markdown) -> tuple[Page, list[Problem]]:
    """Parse one content file -> (page, warnings). Raises `PageError` listing every error."""
    meta, body, finder = _read_meta(text, source)
    problems: list[Problem] = []
    values = _convert(meta, COMMON, finder, problems)
    kind = values.get("kind", section.kind)
    kind_schema = KIND_KEYS.get(kind, {})
    kind_values = _convert(meta, kind_schema, finder, problems)

    known = set(COMMON) | set(kind_schema)
    for key in meta:
        if str(key) not in known:
            hint = did_you_mean(str(key), known)
            problems.append(finder.problem((str(key),), f"khóa '{key}' không được dùng cho trang loại {kind}{hint}", "warning"))

    tags = tuple(dict.fromkeys(values.get("tags", ())))
    if any(not slugify(t) for t in tags):
        problems.append(finder.problem(("tags",), "chủ đề không có chữ hoặc số nào bị bỏ qua", "warning"))
        tags = tuple(t for t in tags if slugify(t))
    title: str = values.get("title") or ""  # "" when missing: an error, so no page is made
    if not title:
        problems.append(Problem(source, finder.offset + 1 if finder.offset else 1, "thiếu 'title' (tiêu đề trang)"))
    if values.get("board_duration", 1) < 1:
        problems.append(finder.problem(("board_duration",), "'board_duration' là số giây trang hiện trên bảng tin, phải lớn hơn 0"))
    document = procedure = audio = None
    if kind == DOCUMENT:
        document = _document(kind_values, values, finder, source, problems)
    elif kind == PROCEDURE:
        procedure = _procedure(kind_values, finder, source, problems)
    elif kind == AUDIO:
        audio = _audio(kind_values, finder, source, problems)

    slug = values.get("slug") or slugify(title)
    if "slug" in values and slugify(slug) != slug:
        problems.append(finder.problem(("slug",), f"'slug': '{slug}' chỉ được gồm chữ thường không dấu, số và dấu gạch ngang"))
    elif title and not slug:
        problems.append(finder.problem(("title",), "tiêu đề không tạo được đường dẫn; hãy thêm 'slug'"))
    if any(p.level == "error" for p in problems):
        raise PageError(problems)
    body_html, toc = markup.render_markdown(md, body)
    body_html, named = markup.mark_file_links(body_html, source)
    file_links = tuple((target, _line_of(written, text, body)) for target, written in named.items())
    body_images = _body_images(body_html, text, body, source, problems)
    problems += _computer_paths(text, body, source)
    if any(p.level == "error" for p in problems):
        raise PageError(problems)
    url = f"/{section.path}/{slug}/" if section.path else f"/{slug}/"
    body_text = markup.plain_text(body_html)
    page = Page(
        source=source,
        section=section.path,
        slug=slug,
        slug_set="slug" in values,
        aliases=values.get("aliases", ()),
        url=url,
        kind=kind,
        title=title,
        body_html=body_html,
        summary=values.get("summary") or markup.cut_text(body_text),
        date=values.get("date") or (document.issued if document else None),
        updated=values.get("updated"),
        expires=values.get("expires"),
        tags=tags,
        draft=values.get("draft", False),
        weight=values.get("weight", 0),
        image=values.get("image"),
        image_alt=values.get("image_alt"),
        author=values.get("author"),
        pinned=values.get("pinned", False),
        priority=values.get("priority", NORMAL),
        board=values.get("board", True),
        board_until=values.get("board_until"),
        board_duration=values.get("board_duration"),
        toc=toc,
        document=document,
        procedure=procedure,
        audio=audio,
        params=values.get("params", ()),
        body_images=body_images,
        communes=values.get("communes", ()),
        file_links=file_links,
        local_links=_local_links(body_html, text, body),
        placeholders=placeholder_lines(nfc(text)),
        search_terms=page_terms(title, _labels(document, procedure), tags, values.get("summary", ""), body_text),
        search_text=body_text[:SEARCH_TEXT],
    )
    return page, problems


def _labels(document: DocumentInfo | None, procedure: ProcedureInfo | None) -> str:
    """What a document or a procedure is filed under, weighed like its title in search."""
    if document:
        return " ".join(filter(None, (document.number, document.doc_type)))
    if procedure:
        return " ".join(filter(None, (procedure.field, procedure.code)))
    return ""


def _line_of(written: str, text: str, body: str) -> int:
    """The line of the body where `written` first appears (the body's first line if it does not)."""
    full = nfc(text).lstrip("\ufeff")
    start = len(full) - len(body)  # the body is the end of the file
    at = full.find(written, start)
    return full.count("\n", 0, at if at >= 0 else start) + 1


# A path on the officer's own computer: 'C:\\Users\\…', 'D:/Ảnh/…', '\\\\may-chu\\…', 'file:///…'.
_COMPUTER_PATH = re.compile(r"""(!?)\[[^\]]*\]\(\s*<?((?:[A-Za-z]:[\\/]|\\\\|file:/)[^)>]*)>?\)|\b(?:src|href)\s*=\s*["']((?:[A-Za-z]:[\\/]|\\\\|file:/)[^"']*)["']""")


def _computer_paths(text: str, body: str, source: str) -> list[Problem]:
    """Pictures and files linked from the officer's computer: no citizen's browser can open them."""
    problems = []
    for m in _COMPUTER_PATH.finditer(body):
        written = (m[2] or m[3]).strip()
        name = re.split(r"[\\/]", written.rstrip("\\/"))[-1] or "ten-tep"
        image = m[1] == "!" or (m[3] is not None and m[0].lstrip().lower().startswith("src"))
        folder, example = ("images", f"![mô tả ảnh](/images/{name})") if image else ("files", f"[tên tài liệu](/files/{name})")
        problems.append(Problem(source, _line_of(written, text, body),
                                f"{'ảnh' if image else 'liên kết'} trỏ tới tệp trên máy tính của bạn ({written}): người xem trên mạng "
                                f"không mở được. Hãy chép tệp vào thư mục static/{folder}/ của trang (tên không dấu, không dấu cách) "
                                f"rồi viết {example}"))
    return problems


def _local_links(body_html: str, text: str, body: str) -> tuple[tuple[str, int], ...]:
    """The body's links and images to this site's own addresses ('/thong-bao/…', '/files/a.pdf'), with their lines."""
    if 'href="/' not in body_html and 'src="/' not in body_html:
        return ()
    urls = (ref.url for ref in scan_html(body_html).refs if ref.attr in ("href", "src"))
    local = dict.fromkeys(u for u in urls if u.startswith("/") and not u.startswith("//"))
    return tuple((url, _line_of(url, text, body)) for url in local)


def _body_images(body_html: str, text: str, body: str, source: str, problems: list[Problem]) -> tuple[str, ...]:
    """The body's local images (the build makes resized copies); a warning for each without alt text."""
    if "<img" not in body_html:
        return ()
    local = []
    for img in scan_html(body_html).images:
        if img.src.startswith("/") and not img.src.startswith("//"):
            local.append(img.src)
        if not (img.alt or "").strip():
            line = _line_of(img.src, text, body)
            message = f"ảnh {img.src} thiếu mô tả (alt) cho người khiếm thị; hãy viết ![mô tả ngắn nội dung ảnh]({img.src})"
            problems.append(Problem(source, line, message, "warning", "missing-alt"))
    return tuple(dict.fromkeys(local))


def _document(kv: dict, values: dict, finder: LineFinder, source: str, problems: list[Problem]) -> DocumentInfo | None:
    missing = [k for k in ("number", "doc_type") if not kv.get(k)]
    for key in missing:
        problems.append(Problem(source, finder.offset + 1, f"văn bản thiếu '{key}'"))
    if missing:
        return None
    return DocumentInfo(
        number=kv["number"],
        doc_type=kv["doc_type"],
        issuer=kv.get("issuer", ""),
        signer=kv.get("signer"),
        issued=kv.get("issued") or values.get("date"),
        effective=kv.get("effective"),
        file=kv.get("file"),
    )


def _audio(kv: dict, finder: LineFinder, source: str, problems: list[Problem]) -> AudioInfo | None:
    file = kv.get("file") or ""
    if not file.startswith("/") or not file.lower().endswith(AUDIO_SUFFIXES):
        problems.append(finder.problem(("file",) if "file" in kv else (), "bản tin truyền thanh cần 'file': tệp âm thanh MP3 hoặc Ogg "
                                                                        "trong static/, ví dụ /files/truyen-thanh/ban-tin-0512.mp3"))
        return None
    return AudioInfo(file, kv.get("broadcast", ()))


def _procedure(kv: dict, finder: LineFinder, source: str, problems: list[Problem]) -> ProcedureInfo | None:
    for i, form in enumerate(kv.get("forms", ())):
        reason = url_problem(form.url)
        if reason:
            problems.append(finder.problem(("forms", i, "url"), f"'forms[{i}].url': {_shown(form.url)}: {reason}"))
    if not kv.get("field"):
        problems.append(Problem(source, finder.offset + 1, "thủ tục hành chính thiếu 'field' (lĩnh vực)"))
        return None
    kv.setdefault("portal_url", DEFAULT_PORTAL)
    return ProcedureInfo(**kv)


def parse_section(text: str | None, source: str | None, path: str, md: markdown.Markdown) -> SectionInfo:
    """A section's `_index.md` (or its absence) -> `SectionInfo`."""
    default_title = path.rsplit("/", 1)[-1].replace("-", " ").capitalize()
    default_kind = DEFAULT_KINDS.get(path, ARTICLE)
    if text is None or source is None:
        return SectionInfo(path=path, source=None, title=default_title, kind=default_kind)
    meta, body, finder = _read_meta(text, source)
    problems: list[Problem] = []
    values = _convert(meta, SECTION_KEYS, finder, problems)
    for key in meta:
        if str(key) not in SECTION_KEYS:
            problems.append(finder.problem((str(key),), f"khóa '{key}' không dùng được trong _index.md{did_you_mean(str(key), SECTION_KEYS)}"))
    sort = values.get("sort", "date")
    if sort not in ("date", "weight", "title"):
        problems.append(finder.problem(("sort",), f"'sort': '{sort}' không hợp lệ; chọn date, weight hoặc title"))
    if values.get("paginate", 1) < 1:
        problems.append(finder.problem(("paginate",), "'paginate' phải lớn hơn 0"))
    if problems:
        raise PageError(problems)
    intro_html, _ = markup.render_markdown(md, body) if body.strip() else ("", ())
    intro_html = markup.mark_file_links(intro_html, source)[0]  # resolved at assembly, with the pages' addresses
    return SectionInfo(
        path=path,
        source=source,
        title=values.get("title") or default_title,
        intro_html=intro_html,
        kind=values.get("kind", default_kind),
        weight=values.get("weight", 0),
        paginate=values.get("paginate"),
        sort=sort,
        in_menu=values.get("menu", True),
    )
