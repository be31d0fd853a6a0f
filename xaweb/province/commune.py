"""One commune of a province, as the single-site build sees it: a `Layer` under its own folder.

Its config is three layers, later ones winning key by key: the province's
`defaults:`, the commune's row of communes.csv (its identity), and its own
`communes/<code>/site.yaml`. Its content is its own folder's, with the shared
content meant for it underneath (`communes:` in a shared page's front matter
names codes or kinds; none means every commune). The shared pages are read and
parsed once, here, for all communes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..cache import CachedPage, listing_of
from ..config import CONFIG_FILE, SiteConfig, Source, config_from, default_base_url, layer_problems, merge_layers
from ..content.markup import make_markdown
from ..content.model import ROOT_SECTION, SectionInfo
from ..content.parse import PageError, parse_page, parse_section
from ..digests import digest
from ..discover import SiteFiles, discover, read_source
from ..errors import BuildError, Problem
from ..prepare import Layer, parse_key
from ..sources.fetch import FetchReport
from ..vietnamese import nfc
from ..yamltext import LineFinder, YamlSyntaxError, parse
from .load import IDENTITY_KEYS, SHARED_DIR, THEME_DIR, Commune, Province

STATIC_DIR = "static"


@dataclass(frozen=True)
class Shared:
    """The province's shared content, listed and parsed once."""

    files: SiteFiles  # paths "shared/…"
    pages: dict[str, CachedPage]  # source -> the parsed page (with its body), for every commune
    problems: list[Problem] = field(default_factory=list)

    def for_commune(self, commune: Commune) -> SiteFiles:
        """The shared files meant for `commune`: a page whose `communes:` names neither its code nor its
        kind is left out, and so is a section whose shared pages are all meant for other communes."""
        def meant(source: str) -> bool:
            page = self.pages.get(source)
            return page is None or not page.page.communes or commune.code in page.page.communes or commune.kind in page.page.communes

        pages = [(s, section) for s, section in self.files.pages if meant(s.path)]

        def holds(pages: list, path: str) -> bool:
            return any(section == path or section.startswith(path + "/") for _, section in pages)

        indexes = {path: source for path, source in self.files.section_indexes.items()
                   if holds(pages, path) or not holds(self.files.pages, path)}
        return SiteFiles(self.files.home_index, indexes, pages, {}, [])


def load_shared(province: Province) -> Shared:
    """List and parse `shared/`; its problems are the province's (a broken shared page would break every commune)."""
    files = discover(province.root, [], content_dir=SHARED_DIR, content_required=False)
    problems = list(files.problems)
    md = make_markdown()
    infos: dict[str, SectionInfo] = {}
    for path, source in files.section_indexes.items():
        text = read_source(source, problems) if source else None
        try:
            infos[path] = parse_section(text, source.path if source else None, path, md)
        except PageError as exc:
            problems += exc.problems
            infos[path] = parse_section(None, None, path, md)
    pages: dict[str, CachedPage] = {}
    for source, section in files.pages:
        text = read_source(source, problems)
        if text is None:
            continue
        info = infos.get(section, ROOT_SECTION)
        try:
            page, page_problems = parse_page(text, source.path, info, md)
        except PageError as exc:
            problems += exc.problems
            continue
        warnings = [p for p in page_problems if p.level == "warning"]
        problems += warnings
        pages[source.path] = CachedPage(parse_key(digest(text), info), page, warnings, listing_of(page, warnings))
    return Shared(files, pages, problems)


def commune_config(province: Province, commune: Commune) -> SiteConfig:
    """The commune's `SiteConfig`: the province's defaults, then its row, then its own site.yaml."""
    identity: dict[str, Any] = {"name": commune.name, "kind": commune.kind, "code": commune.code,
                                "province": province.config.name, "base_url": commune_url(province, commune)}
    contact = {k: v for k, v in (("phone", commune.phone), ("email", commune.email), ("address", commune.address)) if v}
    if contact:
        identity["contact"] = contact
    own, finder = _own_settings(province, commune)
    merged = merge_layers(province.defaults, identity, own)
    if "theme" not in merged and (province.root / THEME_DIR / "theme.yaml").is_file():
        merged["theme"] = str(province.root / THEME_DIR)
    footer: dict[str, Any] = merged["footer"] if isinstance(merged.get("footer"), dict) else {}
    links = list(footer.get("links") or [])
    portal = province.config.portal_url.rstrip("/") + "/"
    if not any(isinstance(link, dict) and link.get("url") == portal for link in links):
        # Every commune site links back to the portal, and through its list to the other communes.
        links += [{"title": province.config.portal_title, "url": portal},
                  {"title": f"Các xã, phường, đặc khu khác của {province.config.full_name}", "url": portal + "#cac-xa"}]
    merged["footer"] = {**footer, "links": links}
    qa = merged.get("qa")
    if isinstance(qa, dict) and (qa.get("endpoint") or qa.get("export_url")) and not qa.get("site_id"):
        merged["qa"] = {**qa, "site_id": commune.code}  # one endpoint for the province: each commune by its code
    return config_from(merged, finder or province.defaults_finder)


def defaults_config(province: Province) -> SiteConfig:
    """The province's defaults as a site's config: its source feeds and its board settings."""
    return config_from(merge_layers(province.defaults, {"name": "-", "province": province.config.name}), province.defaults_finder)


def commune_url(province: Province, commune: Commune) -> str:
    if commune.base_url:
        return commune.base_url
    if commune.path:
        return province.config.portal_url.rstrip("/") + commune.path
    return default_base_url(commune.name, province.config.name)


def _own_settings(province: Province, commune: Commune) -> tuple[dict[str, Any], LineFinder | None]:
    """The commune's own site.yaml (may be absent), its problems raised with the file's line numbers."""
    path = province.commune_dir(commune) / CONFIG_FILE
    shown = f"{path.parent.name}/{CONFIG_FILE}"
    if not path.is_file():
        return {}, None
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BuildError([Problem(CONFIG_FILE, None, f"tệp không phải UTF-8 ({exc.reason})")]) from None
    finder = LineFinder(text, CONFIG_FILE)
    try:
        data = parse(nfc(text)) or {}
    except YamlSyntaxError as exc:
        raise BuildError([Problem(CONFIG_FILE, exc.line, exc.message)]) from None
    problems = layer_problems(data, finder)
    if isinstance(data, dict):
        for key in IDENTITY_KEYS:
            if key in data:
                problems.append(finder.problem((key,), f"'{key}' của {shown} lấy từ communes.csv của tỉnh; hãy sửa ở đó"))
    if problems:
        raise BuildError(problems)
    return data, finder


def commune_layer(province: Province, commune: Commune, shared: Shared, fetched: FetchReport | None,
                  fetched_for: tuple[Source, ...] = (), compiled_dir: Path | None = None) -> Layer:
    static = province.root / STATIC_DIR
    return Layer(commune_config(province, commune), shared.for_commune(commune), SHARED_DIR,
                 (static,) if static.is_dir() else (), shared.pages, fetched, fetched_for, compiled_dir)
