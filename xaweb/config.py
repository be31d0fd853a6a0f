"""`site.yaml`: a typed, documented schema with every problem reported at once.

The schema is the dataclasses below; each field's `doc` metadata is its
documentation (docs/config.md is generated from it). `load_config` turns YAML
into a `SiteConfig`, rejecting unknown keys with a suggestion and naming the
line of every problem.
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import MISSING, dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from .errors import BuildError, Problem, did_you_mean
from .urlpolicy import SCHEMES, WEB_SCHEMES, ImageUrl, Url, url_problem
from .vietnamese import nfc, slugify
from .yamltext import KeyPath, LineFinder, YamlSyntaxError, parse

CONFIG_FILE = "site.yaml"
KINDS = ("xã", "phường", "đặc khu", "thị trấn")  # thị trấn only for pre-2025 archives
LANGUAGES = ("vi", "en")


def doc(text: str, default: Any = MISSING, factory: Any = MISSING) -> Any:
    if factory is not MISSING:
        return field(default_factory=factory, metadata={"doc": text})
    return field(default=default, metadata={"doc": text})


@dataclass(frozen=True)
class Contact:
    address: str = doc("Địa chỉ trụ sở", "")
    phone: str = doc("Điện thoại", "")
    email: str = doc("Thư điện tử", "")
    hotline: str = doc("Đường dây nóng", "")
    fax: str = doc("Fax", "")
    working_hours: str = doc("Giờ làm việc", "")
    map_url: Url = doc("Liên kết bản đồ (tùy chọn)", "")


@dataclass(frozen=True)
class Leader:
    name: str = doc("Họ và tên")
    role: str = doc("Chức vụ")
    phone: str = doc("Điện thoại công vụ", "")
    email: str = doc("Thư điện tử công vụ", "")
    photo: ImageUrl = doc("Ảnh (đường dẫn trong static/)", "")
    duties: str = doc("Nhiệm vụ được phân công", "")


@dataclass(frozen=True)
class MenuItem:
    title: str = doc("Tên hiển thị")
    url: Url = doc("Đường dẫn: '/tin-tuc/' hoặc 'https://…'")
    children: tuple["MenuItem", ...] = doc("Mục con", factory=tuple)


@dataclass(frozen=True)
class QuickLink:
    title: str = doc("Tên dịch vụ")
    url: Url = doc("Đường dẫn")
    description: str = doc("Mô tả ngắn", "")


@dataclass(frozen=True)
class Footer:
    responsible: str = doc("Người chịu trách nhiệm nội dung (bắt buộc theo Nghị định 15/2020)", "")
    license: str = doc("Dòng ghi chú bản quyền / trích dẫn nguồn", "")
    links: tuple[QuickLink, ...] = doc("Liên kết ở chân trang", factory=tuple)


@dataclass(frozen=True)
class Home:
    news_section: str = doc("Chuyên mục tin tức hiển thị trên trang chủ", "tin-tuc")
    news_count: int = doc("Số tin trên trang chủ", 6)
    announcements_section: str = doc("Chuyên mục thông báo", "thong-bao")
    announcements_count: int = doc("Số thông báo trên trang chủ", 5)
    documents_section: str = doc("Chuyên mục văn bản", "van-ban")
    documents_count: int = doc("Số văn bản mới trên trang chủ", 5)


@dataclass(frozen=True)
class Board:
    sections: tuple[str, ...] = doc("Các chuyên mục đưa lên bảng tin điện tử công cộng (docs/board.md)",
                                    factory=lambda: ("thong-bao", "tin-tuc", "van-ban"))
    slides: int = doc("Số trang nhiều nhất trên bảng tin (mới nhất trước; tin khẩn, ưu tiên, ghim luôn có)", 20)
    duration: int = doc("Số giây mỗi trang hiện trên màn hình", 12)
    alert_duration: int = doc("Số giây mỗi cảnh báo khẩn cấp hiện mỗi lượt", 20)
    refresh: int = doc("Sau bao nhiêu giây màn hình đọc lại danh sách trang (bang-tin.json)", 60)


@dataclass(frozen=True)
class Feeds:
    items: int = doc("Số mục trong mỗi nguồn tin RSS/Atom", 20)
    full_content: bool = doc("Đưa toàn văn bài viết vào nguồn tin", False)


@dataclass(frozen=True)
class Source:
    name: str = doc("Tên nguồn, ghi kèm mỗi tin để trích dẫn: 'UBND tỉnh Đồng Tháp'")
    url: str = doc("Địa chỉ http(s)://… của nguồn, hoặc đường dẫn tệp tính từ thư mục trang: 'sources/tinh.xml'")
    target: str = doc("Nơi hiển thị: đường dẫn một chuyên mục ('thong-tin-tu-cap-tren'), 'home' (khung trên trang chủ) hoặc 'alerts' (dải cảnh báo trên mọi trang)", "home")
    format: str = doc("Định dạng: 'auto' (nhận biết theo nội dung: RSS, Atom, JSON Feed, CAP 1.2) hoặc tên một bộ chuyển đổi (docs/sources.md)", "auto")
    priority: str = doc("Mức ưu tiên của tin không ghi mức: thông thường, ưu tiên, khẩn cấp (khẩn cấp hiện dải cảnh báo)", "thông thường")
    categories: tuple[str, ...] = doc("Chỉ lấy tin thuộc một trong các chuyên mục (category) này", factory=tuple)
    keywords: tuple[str, ...] = doc("Chỉ lấy tin có một trong các từ khóa này trong tiêu đề hoặc tóm tắt", factory=tuple)
    max_items: int = doc("Số tin tối đa lấy từ nguồn", 10)
    max_age_days: int = doc("Bỏ tin cũ hơn số ngày này; 0 là không giới hạn", 0)
    full_pages: bool = doc("Tạo trang riêng trên trang xã cho tin có toàn văn (khi đích là một chuyên mục)", False)
    senders: tuple[str, ...] = doc("Với đích 'alerts': chỉ nhận bản tin CAP của các <sender> này "
                                   "(ví dụ pctt@dongthap.gov.vn); để trống là nhận mọi sender của nguồn", factory=tuple)
    linked_hosts: tuple[str, ...] = doc("Các máy chủ được phép tải bản tin CAP mà nguồn liên kết tới (ngoài máy chủ của "
                                        "chính nguồn); máy nội bộ (127.0.0.1, 10.x, 192.168.x…) chỉ được tải khi có tên ở đây "
                                        "hoặc trong 'url'", factory=tuple)


@dataclass(frozen=True)
class SourceSettings:
    connect_timeout: int = doc("Thời gian chờ kết nối đến nguồn (giây)", 5)
    read_timeout: int = doc("Thời gian chờ dữ liệu giữa hai lần nhận (giây)", 10)
    total_timeout: int = doc("Thời gian tối đa để tải một nguồn, từ lúc kết nối đến byte cuối, kể cả chuyển hướng "
                             "và bản tin CAP liên kết (giây)", 30)
    budget: int = doc("Thời gian tối đa cho tất cả các nguồn của một lần dựng (giây); nguồn chưa tải xong thì dùng bản lưu", 60)
    max_kb: int = doc("Dung lượng tối đa của một nguồn (KB)", 5120)
    max_redirects: int = doc("Số lần chuyển hướng tối đa", 3)
    alert_hours: int = doc("Cảnh báo không ghi thời hạn được hiển thị bao nhiêu giờ kể từ lúc phát", 24)


DEFAULT_QA_TOPICS = ("Hộ tịch, chứng thực", "Đất đai, xây dựng", "Chính sách xã hội", "Y tế, giáo dục",
                     "Môi trường, trật tự đô thị", "Khác")


@dataclass(frozen=True)
class Qa:
    endpoint: str = doc("Địa chỉ máy chủ hỏi đáp (xaweb qa serve), ví dụ https://hoidap.dongthap.gov.vn; "
                        "để trống thì mục Hỏi đáp hiện thông tin liên hệ thay cho biểu mẫu", "")
    site_id: str = doc("Mã của trang này trên máy chủ hỏi đáp (xaweb qa site add)", "")
    export_url: str = doc("Khi dựng, lấy hỏi đáp đã đăng từ API xuất: địa chỉ đầy đủ, hoặc 'auto' "
                          "(<endpoint>/v1/sites/<site_id>/export)", "")
    export_token_env: str = doc("Tên biến môi trường chứa mã truy cập API xuất", "XAWEB_QA_TOKEN")
    export_file: str = doc("Tệp do xaweb qa export tạo ra, để dựng không cần mạng (đường dẫn tính từ thư mục trang; "
                           "được ưu tiên hơn export_url)", "")
    retention_days: int = doc("Số ngày giữ dữ liệu cá nhân sau khi trả lời, ghi trong thông báo xử lý dữ liệu "
                              "(máy chủ áp dụng theo xaweb qa site add --retention-days)", 365)
    privacy_contact: str = doc("Đầu mối nhận yêu cầu xem, sửa, xóa dữ liệu cá nhân; mặc định: thư điện tử liên hệ", "")
    topics: tuple[str, ...] = doc("Các lĩnh vực để người hỏi chọn; mặc định: " + "; ".join(DEFAULT_QA_TOPICS), factory=lambda: DEFAULT_QA_TOPICS)


@dataclass(frozen=True)
class SiteConfig:
    name: str = doc("Tên xã/phường/đặc khu, không kèm loại: 'Hòa Phước'")
    province: str = doc("Tên tỉnh/thành phố: 'Đà Nẵng'")
    base_url: str = doc("Địa chỉ trang, theo quy ước https://tenxa.tentinh.gov.vn", "")
    kind: str = doc("Loại đơn vị: xã, phường, đặc khu (thị trấn chỉ cho trang lưu trữ cũ)", "xã")
    code: str = doc("Mã đơn vị hành chính", "")
    district: str = doc("Huyện (tùy chọn; cấp huyện đã bỏ từ 01/07/2025)", "")
    language: str = doc("Ngôn ngữ giao diện: vi hoặc en", "vi")
    theme: str = doc("Giao diện: tên trong themes/ hoặc đường dẫn", "default")
    emblem: ImageUrl = doc("Ảnh Quốc huy chính thức ở đầu trang (tệp trong static/, ví dụ /img/quoc-huy.png; docs/themes.md); "
                           "để trống thì dùng dấu hiệu trung tính của giao diện, không vẽ lại Quốc huy", "")
    title: str = doc("Tên trang; mặc định 'Trang thông tin điện tử UBND <loại> <tên>'", "")
    description: str = doc("Mô tả ngắn cho máy tìm kiếm", "")
    governing_body: str = doc("Cơ quan chủ quản; mặc định 'Ủy ban nhân dân <loại> <tên>'", "")
    contact: Contact = doc("Liên hệ", factory=Contact)
    leaders: tuple[Leader, ...] = doc("Lãnh đạo", factory=tuple)
    menu: tuple[MenuItem, ...] = doc("Trình đơn chính; mặc định theo thứ tự chuyên mục", factory=tuple)
    quick_links: tuple[QuickLink, ...] = doc("Liên kết nhanh đến dịch vụ công", factory=tuple)
    footer: Footer = doc("Chân trang", factory=Footer)
    home: Home = doc("Trang chủ", factory=Home)
    feeds: Feeds = doc("Nguồn tin RSS/Atom phát ra", factory=Feeds)
    board: Board = doc("Bảng tin điện tử công cộng (màn hình ở trụ sở, chợ)", factory=Board)
    sources: tuple[Source, ...] = doc("Nguồn tin nhận về từ hệ thống thông tin nguồn của tỉnh, trung ương (docs/sources.md)", factory=tuple)
    source_settings: SourceSettings = doc("Cách tải các nguồn tin nhận về", factory=SourceSettings)
    qa: Qa = doc("Hỏi đáp trực tuyến và đánh giá mức độ hài lòng (máy chủ xaweb qa)", factory=Qa)
    paginate: int = doc("Số mục trên mỗi trang danh sách", 10)

    # --- derived values the templates use --------------------------------
    @property
    def kind_title(self) -> str:
        """'Xã', 'Phường', 'Đặc khu'."""
        return self.kind[:1].upper() + self.kind[1:]

    @property
    def full_name(self) -> str:
        return f"{self.kind_title} {self.name}"

    @property
    def committee(self) -> str:
        return self.governing_body or f"Ủy ban nhân dân {self.kind} {self.name}"

    @property
    def site_title(self) -> str:
        return self.title or f"Trang thông tin điện tử UBND {self.kind} {self.name}"

    def absolute(self, url: str) -> str:
        return url if re.match(r"[a-z]+:", url) else self.base_url.rstrip("/") + url


def default_base_url(name: str, province: str) -> str:
    """The `tenxa.tentinh.gov.vn` convention: names without diacritics or spaces."""
    return f"https://{slugify(name).replace('-', '')}.{slugify(province).replace('-', '')}.gov.vn"


# --- loading ----------------------------------------------------------------


def load_config(site_dir: Path) -> SiteConfig:
    path = site_dir / CONFIG_FILE
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BuildError([Problem(CONFIG_FILE, None, f"không tìm thấy {CONFIG_FILE} trong {site_dir}")]) from None
    except UnicodeDecodeError as exc:
        raise BuildError([Problem(CONFIG_FILE, None, f"tệp không phải UTF-8 ({exc.reason})")]) from None
    return parse_config(text)


def parse_config(text: str, path: str = CONFIG_FILE) -> SiteConfig:
    try:
        data = parse(nfc(text))
    except YamlSyntaxError as exc:
        raise BuildError([Problem(path, exc.line, exc.message)]) from None
    if data is None:
        data = {}
    return config_from(data, LineFinder(text, path))


def config_from(data: Any, finder: LineFinder) -> SiteConfig:
    """A `SiteConfig` from parsed YAML (or layers already merged: a province build), every problem at once."""
    problems: list[Problem] = []
    config = _convert(SiteConfig, data, (), finder, problems)
    if isinstance(data, dict):
        problems.extend(_check(data, finder))
    if problems or config is None:
        raise BuildError(problems)
    if not config.base_url:
        config = replace(config, base_url=default_base_url(config.name, config.province))
    return config


def typed(tp: Any, data: Any, finder: LineFinder, prefix: KeyPath = ()) -> tuple[Any, list[Problem]]:
    """`data` converted to the dataclass `tp` with this module's rules (other YAML files: province.yaml)."""
    problems: list[Problem] = []
    return _convert(tp, data, prefix, finder, problems), problems


def layer_problems(data: Any, finder: LineFinder, prefix: KeyPath = ()) -> list[Problem]:
    """The problems of a partial `site.yaml` (a province's defaults, a commune's own keys) on its own:
    types and unknown keys, each at its line; the required keys may come from another layer."""
    if not isinstance(data, dict):
        return [finder.problem(prefix, f"'{'.'.join(map(str, prefix)) or CONFIG_FILE}' phải là một bảng khóa: giá trị")]
    problems: list[Problem] = []
    _convert(SiteConfig, {"name": "-", "province": "-", **data}, prefix, finder, problems)
    return problems


def merge_layers(*layers: dict) -> dict:
    """Later layers win key by key; tables are merged, lists and values replaced."""
    out: dict = {}
    for layer in layers:
        for key, value in layer.items():
            out[key] = merge_layers(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _check(data: dict, finder: LineFinder) -> list[Problem]:
    """Value rules beyond types; run on the raw mapping so they report even when a required key is missing."""
    out = []
    def text(key: str, default: str) -> str:
        return nfc(str(data.get(key) or default)).strip()

    kind, language, base_url = text("kind", "xã"), text("language", "vi"), text("base_url", "")
    if kind not in KINDS:
        out.append(finder.problem(("kind",), f"'kind': '{kind}' không hợp lệ; chọn một trong: {', '.join(KINDS)}"))
    if language not in LANGUAGES:
        out.append(finder.problem(("language",), f"'language': '{language}' không hợp lệ; chọn vi hoặc en"))
    if base_url and not re.match(r"https?://[^/\s]+(/\S*)?$", base_url):
        out.append(finder.problem(("base_url",), f"'base_url': '{base_url}' phải là địa chỉ http(s)://…"))
    paginate = data.get("paginate", 10)
    if isinstance(paginate, int) and paginate < 1:
        out.append(finder.problem(("paginate",), "'paginate' phải lớn hơn 0"))
    raw_qa = data.get("qa")
    qa: dict[Any, Any] = raw_qa if isinstance(raw_qa, dict) else {}
    endpoint = nfc(str(qa.get("endpoint") or "")).strip()
    if endpoint and not re.match(r"https?://[^/\s]+(/\S*)?$", endpoint):
        out.append(finder.problem(("qa", "endpoint"), f"'qa.endpoint': '{endpoint}' phải là địa chỉ http(s)://…"))
    export = nfc(str(qa.get("export_url") or "")).strip()
    if export and export != "auto" and not re.match(r"https?://[^/\s]+(/\S*)?$", export):
        # urllib would also open file: and ftp: URLs, reading the build machine's files.
        out.append(finder.problem(("qa", "export_url"), f"'qa.export_url': '{export}' phải là 'auto' hoặc địa chỉ http(s)://…"))
    if (endpoint or qa.get("export_url")) and not re.match(r"[a-z0-9][a-z0-9-]{0,62}$", str(qa.get("site_id") or "")):
        out.append(finder.problem(("qa",), "'qa.site_id' cần có (chữ thường không dấu, số, gạch ngang) khi dùng máy chủ hỏi đáp"))
    return out


_TYPE_NAMES = {str: "chuỗi", int: "số nguyên", bool: "true/false"}


def _convert(tp: Any, value: Any, keys: KeyPath, finder: LineFinder, problems: list[Problem]) -> Any:
    """Convert YAML data to `tp` (a dataclass, tuple[...] or scalar), collecting problems."""
    name = ".".join(str(k) for k in keys) or CONFIG_FILE
    origin = typing.get_origin(tp)
    # `tp` is a type hint, never a dataclass instance: narrow to the class so it can be called.
    if isinstance(tp, type) and is_dataclass(tp):
        if not isinstance(value, dict):
            problems.append(finder.problem(keys, f"'{name}' phải là một bảng khóa: giá trị"))
            return None
        hints = typing.get_type_hints(tp)
        known = {f.name: f for f in fields(tp)}
        kwargs = {}
        for key, item in value.items():
            key = str(key)
            if key not in known:
                problems.append(finder.problem(keys + (key,), f"'{key}' không phải là một thiết lập{did_you_mean(key, known)}"))
                continue
            converted = _convert(hints[key], item, keys + (key,), finder, problems)
            if converted is not None:
                kwargs[key] = converted
        for f in known.values():
            if f.name not in value and f.default is MISSING and f.default_factory is MISSING:
                problems.append(finder.problem(keys, f"thiếu thiết lập bắt buộc '{'.'.join(map(str, keys + (f.name,)))}'"))
        try:
            return tp(**kwargs)
        except TypeError:
            return None  # a required key was missing: already reported
    if origin is tuple:
        item_tp = typing.get_args(tp)[0]
        if value is None:
            return ()
        if not isinstance(value, list):
            problems.append(finder.problem(keys, f"'{name}' phải là một danh sách"))
            return None
        items = [_convert(item_tp, v, keys + (i,), finder, problems) for i, v in enumerate(value)]
        return tuple(i for i in items if i is not None)
    if origin in (types.UnionType, typing.Union):
        tp = next(a for a in typing.get_args(tp) if a is not type(None))
        if value is None:
            return None
    if tp in (Url, ImageUrl):
        url = _convert(str, value, keys, finder, problems)
        reason = url_problem(url, SCHEMES if tp is Url else WEB_SCHEMES) if url else None
        if reason:
            problems.append(finder.problem(keys, f"'{name}': {url!r}: {reason}"))
            return None
        return url
    if tp is str:
        if value is None:
            return ""
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return nfc(str(value)).strip()
    elif tp is bool and isinstance(value, bool):
        return value
    elif tp is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    problems.append(finder.problem(keys, f"'{name}': {value!r} phải là {_TYPE_NAMES.get(tp, tp)}"))
    return None


def reference() -> str:
    """The Markdown reference of site.yaml, made from the schema (docs/config.md)."""
    lines = ["# `site.yaml` reference", "", "Generated from `xaweb/config.py` (`python -m xaweb.config`). "
             "Unknown keys are errors; every key but `name` and `province` has a default. "
             "A `URL` is a path inside the site (`/tin-tuc/`, `files/a.pdf`) or an `http://`, `https://`, `mailto:` or "
             "`tel:` address; an `image URL` a path or `http(s)://`; anything else (`javascript:`, `data:`, `//host`) "
             "is an error naming the line.", ""]

    def table(cls: type[Any], prefix: str) -> None:
        nested: list[tuple[type[Any], str]] = []
        lines.extend([f"## `{prefix.rstrip('.') or 'site.yaml'}`", "", "| key | type | default | meaning |", "|---|---|---|---|"])
        hints = typing.get_type_hints(cls)
        for f in fields(cls):
            tp = hints[f.name]
            args = typing.get_args(tp)
            if isinstance(tp, type) and is_dataclass(tp):
                type_name, default = "mapping", "—"
                nested.append((tp, f"{prefix}{f.name}"))
            elif typing.get_origin(tp) is tuple:
                item_tp = args[0]
                # Type hints are classes or aliases, never dataclass instances.
                item_cls = item_tp if isinstance(item_tp, type) and is_dataclass(item_tp) else None
                type_name, default = f"list of {item_cls.__name__ if item_cls is not None else 'text'}", "[]"
                if item_cls is not None and item_cls is not cls:
                    nested.append((item_cls, f"{prefix}{f.name}[]"))
            else:
                type_name = {str: "text", int: "integer", bool: "true/false", Url: "URL", ImageUrl: "image URL"}[tp]
                default = "required" if f.default is MISSING else (f"`{f.default}`" if f.default != "" else "—")
            lines.append(f"| `{f.name}` | {type_name} | {default} | {f.metadata['doc']} |")
        lines.append("")
        for tp, name in nested:
            table(tp, name + ".")

    table(SiteConfig, "")
    return "\n".join(lines)


if __name__ == "__main__":
    print(reference(), end="")
