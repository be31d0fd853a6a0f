"""`xaweb new`: the scaffold builds a complete, valid, Vietnamese site folder."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path

import pytest
import yaml

from xaweb.config import default_base_url, load_config
from xaweb.errors import BuildError
from xaweb.regulations import load_regulations
from xaweb.scaffold import SAMPLE_PDF, minimal_pdf, scaffold_site
from xaweb.vietnamese import slugify

TODAY = date(2026, 7, 15)

DOCUMENT_KEYS = {"number", "doc_type", "issuer", "signer", "issued", "effective", "file"}
PROCEDURE_KEYS = {
    "field", "code", "processing_time", "fee", "papers", "steps", "method", "submit_at",
    "eligible", "agency", "result", "conditions", "forms", "portal_url",
}


def front_matter(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), path
    _, meta, body = text.split("---\n", 2)
    data = yaml.safe_load(meta)
    assert isinstance(data, dict), path
    return data, body


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Path, list[Path]]:
    target = tmp_path_factory.mktemp("new") / "xa-tan-an"
    created = scaffold_site(target, "Tân An", "xã", "Đồng Tháp", None, code="29899", today=TODAY)
    return target, created


def test_returns_every_file_it_created(site):
    target, created = site
    on_disk = {p for p in target.rglob("*") if p.is_file()}
    assert set(created) == on_disk
    assert len(created) == len(set(created))


def test_every_section_has_an_index_and_a_sample_page(site):
    target, _ = site
    for section in load_regulations():
        folder = target / "content" / section.path
        meta, body = front_matter(folder / "_index.md")
        assert meta["title"] == section.title
        assert meta["weight"] == section.weight
        assert meta.get("kind") == section.kind
        assert meta.get("menu", True) == section.menu
        assert section.description in body
        pages = [p for p in folder.glob("*.md") if p.name != "_index.md"]
        assert pages, f"no sample page in {section.path}"


def test_site_yaml_loads_with_the_given_values(site):
    target, _ = site
    config = load_config(target)
    assert (config.name, config.kind, config.province, config.code) == ("Tân An", "xã", "Đồng Tháp", "29899")
    assert config.base_url == default_base_url("Tân An", "Đồng Tháp") == "https://tanan.dongthap.gov.vn"
    assert config.committee == "Ủy ban nhân dân xã Tân An"
    assert config.full_name == "Xã Tân An"
    assert config.leaders and config.leaders[0].name
    assert config.footer.responsible
    assert config.contact.address and config.contact.phone and config.contact.email
    assert config.paginate == 10
    assert any(link.url == "https://dichvucong.gov.vn" and link.title == "Cổng Dịch vụ công quốc gia" for link in config.quick_links)
    footer_urls = {link.url for link in config.footer.links}
    assert footer_urls == {f"/{s.path}/" for s in load_regulations() if s.footer}


def test_site_yaml_explains_every_setting(site):
    target, _ = site
    lines = (target / "site.yaml").read_text(encoding="utf-8").splitlines()
    top_keys = [i for i, line in enumerate(lines) if re.match(r"[a-z_]+:", line)]
    assert len(top_keys) >= 15
    in_contact = False
    for i, line in enumerate(lines):
        in_contact = line == "contact:" or (in_contact and line.startswith(" "))
        is_setting = re.match(r"[a-z_]+:", line) or (in_contact and re.match(r"  [a-z_]+:", line))
        if is_setting:
            above = [ln for ln in lines[:i] if ln.strip()][-1].strip()
            assert above.startswith("#"), f"site.yaml:{i + 1}: '{line}' has no comment above it"


def test_given_base_url_is_kept(tmp_path):
    scaffold_site(tmp_path / "s", "Tân An", "xã", "Đồng Tháp", "https://tanan.dongthap.gov.vn/", today=TODAY)
    assert load_config(tmp_path / "s").base_url == "https://tanan.dongthap.gov.vn"
    scaffold_site(tmp_path / "t", "Tân An", "xã", "Đồng Tháp", "https://example.org/xa", today=TODAY)
    assert load_config(tmp_path / "t").base_url == "https://example.org/xa"


@pytest.mark.parametrize(
    "name, kind, province, full_name, committee, province_full",
    [
        ("Hòa Phước", "phường", "Đà Nẵng", "Phường Hòa Phước", "Ủy ban nhân dân phường Hòa Phước", "thành phố Đà Nẵng"),
        ("Phú Quốc", "đặc khu", "An Giang", "Đặc khu Phú Quốc", "Ủy ban nhân dân đặc khu Phú Quốc", "tỉnh An Giang"),
        ("Tân An", "xã", "Đồng Tháp", "Xã Tân An", "Ủy ban nhân dân xã Tân An", "tỉnh Đồng Tháp"),
    ],
)
def test_kinds_of_commune_read_right(tmp_path, name, kind, province, full_name, committee, province_full):
    scaffold_site(tmp_path / "s", name, kind, province, None, today=TODAY)
    config = load_config(tmp_path / "s")
    assert (config.name, config.kind, config.full_name, config.committee) == (name, kind, full_name, committee)
    text = (tmp_path / "s" / "site.yaml").read_text(encoding="utf-8")
    assert f'name: "{name}"' in text and f'kind: "{kind}"' in text
    assert committee in text and f"{committee}, {province_full}" in text
    assert f"Trang thông tin điện tử UBND {kind} {name}" in text
    home = (tmp_path / "s" / "content" / "_index.md").read_text(encoding="utf-8")
    assert f"{committee}, {province_full}" in home
    overview = (tmp_path / "s" / "content" / "gioi-thieu" / "tong-quan.md").read_text(encoding="utf-8")
    assert f"\n{full_name} là đơn vị hành chính cấp xã của {province_full}." in overview


def test_kind_prefix_and_nfd_input_are_normalised(tmp_path):
    nfd = unicodedata.normalize("NFD", "Phường Hòa Phước")
    scaffold_site(tmp_path / "s", nfd, "Phường", unicodedata.normalize("NFD", "Thành phố Đà Nẵng"), None, today=TODAY)
    config = load_config(tmp_path / "s")
    assert (config.name, config.kind, config.province) == ("Hòa Phước", "phường", "Đà Nẵng")
    assert config.base_url == "https://hoaphuoc.danang.gov.vn"


def test_refuses_a_non_empty_folder_and_writes_nothing(tmp_path):
    target = tmp_path / "site"
    target.mkdir()
    (target / "ghi-chu.txt").write_text("đã có", encoding="utf-8")
    with pytest.raises(BuildError) as exc:
        scaffold_site(target, "Tân An", "xã", "Đồng Tháp", None, today=TODAY)
    assert "không trống" in str(exc.value)
    assert [p.name for p in target.iterdir()] == ["ghi-chu.txt"]

    a_file = tmp_path / "tep"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(BuildError):
        scaffold_site(a_file, "Tân An", "xã", "Đồng Tháp", None, today=TODAY)
    assert a_file.read_text(encoding="utf-8") == "x"


def test_an_empty_existing_folder_is_fine(tmp_path):
    created = scaffold_site(tmp_path, "Tân An", "xã", "Đồng Tháp", None, today=TODAY)
    assert (tmp_path / "site.yaml") in created


@pytest.mark.parametrize(
    "name, kind, province, base_url, code, key",
    [
        ("Tân An", "huyện", "Đồng Tháp", None, "", "kind"),
        ('Tân "An"', "xã", "Đồng Tháp", None, "", "name"),
        ("", "xã", "Đồng Tháp", None, "", "name"),
        ("Tân An", "xã", "Đồng Tháp: x", None, "", "province"),
        ("Tân An", "xã", "Đồng Tháp", "tanan.dongthap.gov.vn", "", "base_url"),
        ("Tân An", "xã", "Đồng Tháp", None, "12 34", "code"),
    ],
)
def test_unusable_values_are_refused(tmp_path, name, kind, province, base_url, code, key):
    with pytest.raises(BuildError) as exc:
        scaffold_site(tmp_path / "s", name, kind, province, base_url, code=code, today=TODAY)
    assert f"'{key}'" in str(exc.value)
    assert not (tmp_path / "s").exists()


def test_every_page_has_front_matter_with_a_title(site):
    target, _ = site
    pages = sorted((target / "content").rglob("*.md"))
    assert len(pages) >= 2 * len(load_regulations())
    for path in pages:
        meta, body = front_matter(path)
        assert isinstance(meta.get("title"), str) and meta["title"].strip(), path
        assert body.strip(), path
        if path.name != "_index.md" and path.parent != target / "content":
            assert meta.get("date") == TODAY, path


def test_all_text_is_nfc_utf8_with_unix_newlines(site):
    target, created = site
    texts = [p for p in created if p.suffix != ".pdf"]
    assert target / ".gitignore" in texts
    for path in texts:
        raw = path.read_bytes()
        assert b"\r" not in raw, path
        text = raw.decode("utf-8")
        assert unicodedata.is_normalized("NFC", text), path
        assert "$" not in text, f"{path}: a placeholder was not filled"


def test_sample_document_has_every_document_key_and_a_valid_pdf(site):
    target, _ = site
    meta, _ = front_matter(target / "content" / "van-ban" / "ke-hoach-chuyen-doi-so.md")
    assert DOCUMENT_KEYS <= set(meta)
    assert meta["file"] == "/files/van-ban/mau.pdf"
    assert meta["issued"] == TODAY and meta["effective"] == TODAY
    assert meta["issuer"] == "Ủy ban nhân dân xã Tân An"
    pdf = (target / SAMPLE_PDF).read_bytes()
    assert target / "static" / "files" / "van-ban" / "mau.pdf" == target / SAMPLE_PDF
    check_pdf(pdf)
    assert len(pdf) < 2048


def test_sample_procedure_has_every_procedure_key(site):
    target, _ = site
    meta, _ = front_matter(target / "content" / "thu-tuc-hanh-chinh" / "dang-ky-khai-sinh.md")
    assert PROCEDURE_KEYS <= set(meta)
    assert meta["portal_url"] == "https://dichvucong.gov.vn"
    for key in ("papers", "steps"):
        assert isinstance(meta[key], list) and all(isinstance(i, str) for i in meta[key])
    for form in meta["forms"]:
        assert set(form) == {"title", "url"}
        if form["url"].startswith("/"):
            check_pdf((target / "static" / form["url"].lstrip("/")).read_bytes())


def test_announcement_does_not_expire(site):
    target, _ = site
    for path in (target / "content" / "thong-bao").glob("*.md"):
        meta, _ = front_matter(path)
        assert "expires" not in meta


def test_internal_links_point_inside_the_site(site):
    """Every `](/…)` link in the samples reaches a section, a page, a static file or a generated page."""
    target, _ = site
    content = target / "content"
    urls = {"/", "/so-do-trang/", "/the/"}
    for s in load_regulations():
        urls.add(f"/{s.path}/")
    for path in content.rglob("*.md"):
        if path.name == "_index.md":
            continue
        meta, _ = front_matter(path)
        section = path.parent.relative_to(content).as_posix()
        urls.add(f"/{section}/{meta.get('slug') or slugify(meta['title'])}/")
    for path in content.rglob("*.md"):
        text = re.sub(r"`[^`]*`", "", path.read_text(encoding="utf-8"))  # code spans are examples
        for link in re.findall(r"\]\((/[^)\s]*)\)", text):
            assert link in urls or (target / "static" / link.lstrip("/")).is_file(), f"{path}: {link}"


def test_other_files(site):
    target, _ = site
    assert (target / ".gitignore").read_text(encoding="utf-8").splitlines().count("public/") == 1
    assert ".xaweb-cache/" in (target / ".gitignore").read_text(encoding="utf-8").splitlines()
    readme = (target / "templates" / "README.md").read_text(encoding="utf-8")
    assert "templates/page.html" in readme and "giao diện" in readme
    assert not (target / "static" / "images").exists()
    assert not (target / "public").exists()


def test_deterministic_for_a_given_date(tmp_path):
    a = scaffold_site(tmp_path / "a", "Tân An", "xã", "Đồng Tháp", None, today=TODAY)
    b = scaffold_site(tmp_path / "b", "Tân An", "xã", "Đồng Tháp", None, today=TODAY)
    assert [p.relative_to(tmp_path / "a") for p in a] == [p.relative_to(tmp_path / "b") for p in b]
    for pa, pb in zip(a, b):
        assert pa.read_bytes() == pb.read_bytes()


def test_today_defaults_to_vietnam_date(tmp_path):
    from datetime import datetime

    from xaweb.vietnamese import VN_TZ

    before = datetime.now(VN_TZ).date()
    scaffold_site(tmp_path / "s", "Tân An", "xã", "Đồng Tháp", None)
    after = datetime.now(VN_TZ).date()
    meta, _ = front_matter(tmp_path / "s" / "content" / "tin-tuc" / "ra-mat-trang-thong-tin.md")
    assert before <= meta["date"] <= after


def test_minimal_pdf_escapes_and_folds_text():
    pdf = minimal_pdf("Văn bản (mẫu)", ["Ủy ban nhân dân xã Tân An \\ – đặc khu"])
    check_pdf(pdf)
    assert b"(Van ban \\(mau\\)) Tj" in pdf
    assert b"Uy ban nhan dan xa Tan An \\\\ - dac khu" in pdf


def check_pdf(pdf: bytes) -> None:
    """Header, trailer, and an xref table whose every offset lands on its object."""
    assert pdf.startswith(b"%PDF-1.")
    assert pdf.rstrip().endswith(b"%%EOF")
    startxref = int(re.search(rb"startxref\n(\d+)\n%%EOF", pdf).group(1))
    assert pdf[startxref:].startswith(b"xref\n")
    head = re.match(rb"xref\n0 (\d+)\n", pdf[startxref:])
    count = int(head.group(1))
    table = pdf[startxref + head.end() :].split(b"\n")[:count]
    assert table[0] == b"0000000000 65535 f "
    for number, entry in enumerate(table[1:], start=1):
        offset = int(entry[:10])
        assert pdf[offset:].startswith(b"%d 0 obj\n" % number)
    assert b"/Size %d" % count in pdf
    length = int(re.search(rb"/Length (\d+) >>\nstream\n", pdf).group(1))
    start = re.search(rb"/Length \d+ >>\nstream\n", pdf).end()
    assert pdf[start + length :].startswith(b"endstream")


@pytest.mark.parametrize("name, kind, province", [("Tân An", "xã", "Đồng Tháp"), ("Phú Quốc", "đặc khu", "An Giang")])
def test_the_new_site_builds_warning_once_of_its_sample_content_and_strictly_once_filled_in(tmp_path, name, kind, province, fill_in):
    """End to end: what `xaweb new` writes builds, with one warning counting what is still the scaffold's
    (so nothing of it goes live by accident: `--strict` refuses it); filled in, `xaweb build --strict` builds."""
    from datetime import datetime

    from xaweb.build import BuildOptions, build
    from xaweb.errors import BuildError
    from xaweb.vietnamese import VN_TZ

    site_dir = tmp_path / "site"
    scaffold_site(site_dir, name, kind, province, None, today=TODAY)
    out = tmp_path / "out"
    now = datetime(2026, 7, 16, tzinfo=VN_TZ)
    [warning] = build(BuildOptions(site_dir, tmp_path / "draft", now=now)).warnings
    assert warning.code == "placeholder" and "0000 000 000" in warning.message and "xaweb check" in warning.message
    with pytest.raises(BuildError):
        build(BuildOptions(site_dir, tmp_path / "strict", strict=True, now=now))
    fill_in(site_dir)
    result = build(BuildOptions(site_dir, out, strict=True, now=now))
    assert result.warnings == []
    for section in load_regulations():
        assert (out / section.path / "index.html").is_file(), section.path
    assert (out / "files" / "van-ban" / "mau.pdf").read_bytes() == (site_dir / SAMPLE_PDF).read_bytes()
    home = (out / "index.html").read_text(encoding="utf-8")
    assert f"Ủy ban nhân dân {kind} {name}" in home
    assert "$" not in home


def test_a_new_rule_gets_a_generic_sample(tmp_path, monkeypatch):
    """A section added to regulations.yaml without its own sample still gets one."""
    import xaweb.scaffold
    from xaweb.regulations import RequiredSection

    extra = RequiredSection(
        path="chuyen-doi-so", title="Chuyển đổi số", weight=175, required=True,
        rule="Luật Chuyển đổi số số 148/2025/QH15", description="Thông tin về chuyển đổi số tại địa phương.",
    )
    monkeypatch.setattr(xaweb.scaffold, "load_regulations", lambda: load_regulations() + (extra,))
    scaffold_site(tmp_path / "s", "Tân An", "xã", "Đồng Tháp", None, today=TODAY)
    meta, body = front_matter(tmp_path / "s" / "content" / "chuyen-doi-so" / "bai-mau.md")
    assert meta["title"] == "Chuyển đổi số: bài mẫu"
    assert meta["summary"] == extra.description and extra.description in body
    index, _ = front_matter(tmp_path / "s" / "content" / "chuyen-doi-so" / "_index.md")
    assert index == {"title": "Chuyển đổi số", "weight": 175}
